#include "vix/soap.h"

#include <cstring>

#include <openssl/crypto.h>
#include <tinyxml2.h>

#include "vix/errors.h"

namespace vix {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;
using tinyxml2::XMLNode;

void append_escaped(WipedString& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
}

static const char kEnvelopeOpen[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<soapenv:Body><";

RequestBuilder::RequestBuilder(Secret& out, std::string_view method, std::string_view this_type,
                               std::string_view this_value)
    : s_(out.str()), method_(method) {
    s_.reserve(s_.size() + 512 + method.size() * 2);
    s_ += kEnvelopeOpen;
    s_ += method;
    s_ += " xmlns=\"urn:vim25\">";
    moref("_this", this_type, this_value);
}

RequestBuilder& RequestBuilder::text(std::string_view name, std::string_view value) {
    open(name);
    append_escaped(s_, value);
    return close(name);
}

RequestBuilder& RequestBuilder::typed(std::string_view name, std::string_view xsi_type, std::string_view value) {
    open(name, xsi_type);
    append_escaped(s_, value);
    return close(name);
}

RequestBuilder& RequestBuilder::moref(std::string_view name, std::string_view type, std::string_view value) {
    s_ += '<';
    s_ += name;
    s_ += " type=\"";
    append_escaped(s_, type);
    s_ += "\">";
    append_escaped(s_, value);
    return close(name);
}

RequestBuilder& RequestBuilder::open(std::string_view name, std::string_view xsi_type) {
    s_ += '<';
    s_ += name;
    if (!xsi_type.empty()) {
        s_ += " xsi:type=\"";
        append_escaped(s_, xsi_type);
        s_ += '"';
    }
    s_ += '>';
    return *this;
}

RequestBuilder& RequestBuilder::close(std::string_view name) {
    s_ += "</";
    s_ += name;
    s_ += '>';
    return *this;
}

void RequestBuilder::finish() {
    close(method_);
    s_ += "</soapenv:Body></soapenv:Envelope>";
}

void build_request(Secret& out, std::string_view method, std::string_view this_type, std::string_view this_value,
                   std::initializer_list<Param> params) {
    RequestBuilder b(out, method, this_type, this_value);
    for (const Param& p : params) b.text(p.name, p.value);
    b.finish();
}

std::string_view local_name(const char* qualified) {
    if (!qualified) return {};
    std::string_view q(qualified);
    const std::size_t colon = q.find(':');
    return colon == std::string_view::npos ? q : q.substr(colon + 1);
}

const XMLElement* child(const XMLElement* parent, std::string_view name) {
    if (!parent) return nullptr;
    for (const XMLElement* e = parent->FirstChildElement(); e; e = e->NextSiblingElement())
        if (local_name(e->Name()) == name) return e;
    return nullptr;
}

std::string child_text(const XMLElement* parent, std::string_view name) {
    const XMLElement* e = child(parent, name);
    const char* t = e ? e->GetText() : nullptr;
    return t ? t : "";
}

// Overwrites every string the document holds (names, text, attributes), so
// that a session key or ticket it parsed does not stay in freed memory.
static void wipe_node(XMLNode* n, int depth) {
    if (depth > 600) return;
    for (XMLNode* c = n->FirstChild(); c; c = c->NextSibling()) {
        if (const char* v = c->Value()) OPENSSL_cleanse(const_cast<char*>(v), std::strlen(v));
        if (XMLElement* e = c->ToElement())
            for (const tinyxml2::XMLAttribute* a = e->FirstAttribute(); a; a = a->Next())
                if (const char* v = a->Value()) OPENSSL_cleanse(const_cast<char*>(v), std::strlen(v));
        wipe_node(c, depth + 1);
    }
}

Reply::Reply() = default;
Reply::Reply(Reply&&) noexcept = default;
Reply& Reply::operator=(Reply&&) noexcept = default;
Reply::~Reply() {
    if (doc_ && wipe_) wipe_node(doc_.get(), 0);
}

// The schema-instance type of an element, whatever prefix the server bound
// to the namespace: "xsi:type" from vCenter and ESXi, "XMLSchema-instance:type"
// from govmomi-based servers (the simulator) inside property updates.
static const char* instance_type(const XMLElement* d) {
    if (const char* t = d->Attribute("xsi:type")) return t;
    for (const tinyxml2::XMLAttribute* a = d->FirstAttribute(); a; a = a->Next()) {
        const std::string_view n = a->Name();
        if (n.size() > 5 && n.substr(n.size() - 5) == ":type" && n.substr(0, 6) != "xmlns:") return a->Value();
    }
    return nullptr;
}

Fault fault_from_element(const XMLElement* d, std::string message) {
    Fault f;
    f.message = std::move(message);
    if (!d) return f;
    if (const char* t = instance_type(d)) {
        f.type = std::string(local_name(t));
    } else {
        // <InvalidLoginFault> without xsi:type: drop the suffix.
        std::string n(local_name(d->Name()));
        if (n.size() > 5 && n.compare(n.size() - 5, 5, "Fault") == 0) n.resize(n.size() - 5);
        f.type = n;
    }
    f.existing_state = child_text(d, "existingState");
    if (const XMLElement* obj = child(d, "obj"))
        if (const char* t = obj->Attribute("type")) f.object_type = t;
    return f;
}

[[noreturn]] static void invalid(const std::string& why) { throw Error(VIX_E_INVALID_XML, why); }

Reply Reply::parse(std::string_view body, std::string_view method, bool wipe) {
    Reply r;
    r.wipe_ = wipe;
    // SOAP forbids a DTD; refusing it up front rules out entity tricks.
    if (body.find("<!DOCTYPE") != std::string_view::npos || body.find("<!ENTITY") != std::string_view::npos)
        invalid("response contains a DTD, which SOAP does not allow");
    // Whitespace is data (a VM path may hold two spaces in a row), and
    // keeping it is also the cheaper parse.
    r.doc_ = std::make_unique<XMLDocument>(true, tinyxml2::PRESERVE_WHITESPACE);
    if (r.doc_->Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS)
        invalid(std::string("response is not well-formed XML: ") + r.doc_->ErrorName());
    const XMLElement* env = r.doc_->RootElement();
    if (!env || local_name(env->Name()) != "Envelope") invalid("response is not a SOAP envelope");
    const XMLElement* soap_body = child(env, "Body");
    if (!soap_body) invalid("SOAP envelope has no Body");
    const XMLElement* first = soap_body->FirstChildElement();
    if (!first) invalid("SOAP Body is empty");

    if (local_name(first->Name()) == "Fault") {
        r.fault_.has_value = true;
        Fault& f = r.fault_.value;
        f.message = child_text(first, "faultstring");
        if (const XMLElement* detail = child(first, "detail"))
            if (const XMLElement* d = detail->FirstChildElement()) f = fault_from_element(d, std::move(f.message));
        if (f.type.empty()) f.type = std::string(local_name(child_text(first, "faultcode").c_str()));
        if (f.type.empty()) f.type = "UnknownFault";
        return r;
    }
    const std::string expected = std::string(method) + "Response";
    if (local_name(first->Name()) != expected)
        invalid("expected " + expected + ", got " + std::string(local_name(first->Name()).substr(0, 80)));
    r.returnval_ = child(first, "returnval");
    return r;
}

}  // namespace vix
