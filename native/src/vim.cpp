#include "vix/vim.h"

#include "vix/errors.h"
#include "vix/soap.h"

#include <tinyxml2.h>

namespace vix {

// vim25 version sent in SOAPAction. Servers accept every older version and
// refuse newer ones they do not know, and the five calls made here exist
// unchanged since 5.5: so 5.5 reaches ESXi 5.5 to today's vCenter without
// asking the server first (which would cost a round trip).
static constexpr std::string_view kSoapAction = "urn:vim25/5.5";

// One call: POST, then "200 or 500 means parse the envelope", any other
// status is a transport error. Faults map through fault_to_code().
static Reply call(Client& c, std::string_view method, const Secret& request, const Deadline& dl,
                  std::string_view secret) {
    HttpResponse r = c.post(kSoapAction, request.view(), dl);
    // The cookie as sent (often quoted) and bare: neither may reach a detail.
    // A server may echo the secret as it appears in XML: escaped.
    std::string_view cookie = c.session_cookie();
    std::string_view bare = cookie;
    if (bare.size() >= 2 && bare.front() == '"' && bare.back() == '"') bare = bare.substr(1, bare.size() - 2);
    Secret escaped;
    append_escaped(escaped.str(), secret);
    const std::initializer_list<std::string_view> secrets = {secret, escaped.view(), cookie, bare};
    const std::string where = c.endpoint().url();
    if (r.status != 200 && r.status != 500) {
        // A fault under another status still counts as a fault.
        try {
            Reply reply = Reply::parse(std::string_view(r.body.data(), r.body.size()), method);
            if (reply.is_fault()) {
                const Fault& f = reply.fault();
                throw Error(fault_to_code(f.type), redact(std::string(method) + ": " + f.type + ": " + f.message, secrets));
            }
        } catch (const Error& e) {
            if (e.code() != VIX_E_INVALID_XML) throw;
        }
        throw Error(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                    redact(std::string(method) + ": HTTP " + std::to_string(r.status) + " " + r.reason + " from " + where,
                           secrets));
    }
    Reply reply;
    try {
        reply = Reply::parse(std::string_view(r.body.data(), r.body.size()), method);
    } catch (const Error& e) {
        if (r.status == 500)
            throw Error(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                        redact(std::string(method) + ": HTTP 500 " + r.reason + " from " + where, secrets));
        throw Error(e.code(), redact(std::string(method) + ": " + e.detail() + " (from " + where + ")", secrets));
    }
    if (reply.is_fault()) {
        const Fault& f = reply.fault();
        throw Error(fault_to_code(f.type),
                    redact(std::string(method) + " refused by " + c.endpoint().authority() + ": " + f.type +
                               (f.message.empty() ? "" : ": " + f.message),
                           secrets));
    }
    return reply;
}

ServiceContent retrieve_service_content(Client& c, const Deadline& dl) {
    Secret req;
    build_request(req, "RetrieveServiceContent", "ServiceInstance", "ServiceInstance", {});
    Reply reply = call(c, "RetrieveServiceContent", req, dl, "");
    const tinyxml2::XMLElement* rv = reply.returnval();
    ServiceContent sc;
    sc.session_manager = child_text(rv, "sessionManager");
    if (const tinyxml2::XMLElement* about = child(rv, "about")) {
        sc.full_name = child_text(about, "fullName");
        sc.api_version = child_text(about, "apiVersion");
        sc.api_type = child_text(about, "apiType");
    }
    if (sc.session_manager.empty())
        throw Error(VIX_E_INVALID_XML, "RetrieveServiceContent: " + c.endpoint().url() + " returned no sessionManager");
    return sc;
}

static void require_cookie(const Client& c, std::string_view method) {
    if (!c.has_session_cookie())
        throw Error(VIX_E_FAIL, std::string(method) + ": " + c.endpoint().authority() +
                                    " did not return a vmware_soap_session cookie");
}

void login(Client& c, const ServiceContent& sc, std::string_view user, std::string_view password,
           const Deadline& dl) {
    Secret req;
    build_request(req, "Login", "SessionManager", sc.session_manager, {{"userName", user}, {"password", password}});
    call(c, "Login", req, dl, password);
    require_cookie(c, "Login");
}

void clone_session(Client& c, const ServiceContent& sc, std::string_view ticket, const Deadline& dl) {
    Secret req;
    build_request(req, "CloneSession", "SessionManager", sc.session_manager, {{"cloneTicket", ticket}});
    call(c, "CloneSession", req, dl, ticket);
    require_cookie(c, "CloneSession");
}

Secret acquire_clone_ticket(Client& c, const ServiceContent& sc, const Deadline& dl) {
    Secret req;
    build_request(req, "AcquireCloneTicket", "SessionManager", sc.session_manager, {});
    Reply reply = call(c, "AcquireCloneTicket", req, dl, "");
    const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
    if (!t || !*t) throw Error(VIX_E_INVALID_XML, "AcquireCloneTicket: response has no ticket");
    return Secret(t);
}

void logout(Client& c, const ServiceContent& sc, const Deadline& dl) {
    Secret req;
    build_request(req, "Logout", "SessionManager", sc.session_manager, {});
    call(c, "Logout", req, dl, "");
}

}  // namespace vix
