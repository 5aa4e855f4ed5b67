// Internal to vim/guest*.cpp: the request prologue every guest operation
// shares, and the call that keeps the guest password out of every detail.
#pragma once
#include <tinyxml2.h>

#include <string_view>

#include "vix/errors.h"
#include "vix/soap.h"
#include "vix/vim/guest.h"

namespace vix {

// <vm type="VirtualMachine">..</vm><auth xsi:type="NamePasswordAuthentication">
// (element order of the vim25 WSDL: interactiveSession, username, password).
inline RequestBuilder& guest_prologue(RequestBuilder& b, const GuestTarget& t) {
    b.moref("vm", "VirtualMachine", t.vm);
    b.open("auth", "NamePasswordAuthentication")
        .text("interactiveSession", t.interactive ? "true" : "false")
        .text("username", t.user)
        .text("password", t.password)
        .close("auth");
    return b;
}

// Session::call, with the password (raw and as XML escapes it) redacted
// from the detail: a server may echo the credentials it was given.
inline Reply guest_call(const GuestTarget& t, std::string_view method, const Secret& request, const Deadline& dl) {
    try {
        return t.s.call(method, request, dl);
    } catch (const Error& e) {
        Secret escaped;
        append_escaped(escaped.str(), t.password);
        throw Error(e.code(), redact(e.detail(), {t.password, escaped.view()}));
    }
}

// Every <returnval> of a response, in order.
template <class F>
void each_returnval(const Reply& r, F&& f) {
    for (const tinyxml2::XMLElement* e = r.returnval(); e; e = e->NextSiblingElement())
        if (local_name(e->Name()) == "returnval") f(e);
}

}  // namespace vix
