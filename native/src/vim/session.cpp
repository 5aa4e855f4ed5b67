#include "vix/vim/session.h"

#include <tinyxml2.h>

#include "vix/errors.h"

namespace vix {

// vim25 version sent in SOAPAction. Servers accept every older version and
// refuse newer ones they do not know, and every call this module makes
// exists unchanged since 5.5: so 5.5 reaches ESXi 5.5 to today's vCenter
// without asking the server first (which would cost a round trip).
static constexpr std::string_view kSoapAction = "urn:vim25/5.5";

Session::Session(Endpoint ep, std::shared_ptr<const TlsContext> tls, std::string user_agent,
                 std::chrono::milliseconds request_timeout)
    : ep_(std::move(ep)), tls_(std::move(tls)), user_agent_(std::move(user_agent)),
      request_timeout_(request_timeout), client_(std::make_unique<Client>(ep_, tls_, user_agent_)) {}

Session::~Session() = default;

// One POST: "200 or 500 means parse the envelope", any other status is a
// transport error. `secret` is what this request carries (a password or a
// ticket): it and the session cookie never reach a detail.
Reply Session::rpc(Client& c, std::string_view method, const Secret& request, const Deadline& dl,
                   std::string_view secret, std::string* fault_type) {
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
    // Only answers to a request that carried a secret, and a ticket, are
    // worth wiping: the rest hold nothing secret, and wiping costs as much
    // as parsing.
    const bool wipe = !secret.empty() || method == "AcquireCloneTicket";
    const auto fault_error = [&](const Fault& f, const std::string& prefix) {
        if (fault_type) *fault_type = f.type;
        return Error(fault_to_code(f.type, f.existing_state, f.object_type),
                     redact(prefix + f.type + (f.message.empty() ? "" : ": " + f.message), secrets));
    };
    if (r.status != 200 && r.status != 500) {
        // A fault under another status still counts as a fault.
        try {
            Reply reply = Reply::parse(std::string_view(r.body.data(), r.body.size()), method, wipe);
            if (reply.is_fault()) throw fault_error(reply.fault(), std::string(method) + ": ");
        } catch (const Error& e) {
            if (e.code() != VIX_E_INVALID_XML) throw;
        }
        throw Error(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                    redact(std::string(method) + ": HTTP " + std::to_string(r.status) + " " + r.reason + " from " + where,
                           secrets));
    }
    Reply reply;
    try {
        reply = Reply::parse(std::string_view(r.body.data(), r.body.size()), method, wipe);
    } catch (const Error& e) {
        if (r.status == 500)
            throw Error(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                        redact(std::string(method) + ": HTTP 500 " + r.reason + " from " + where, secrets));
        throw Error(e.code(), redact(std::string(method) + ": " + e.detail() + " (from " + where + ")", secrets));
    }
    if (reply.is_fault())
        throw fault_error(reply.fault(), std::string(method) + " refused by " + c.endpoint().authority() + ": ");
    return reply;
}

Reply Session::call(std::string_view method, const Secret& request, const Deadline& dl, std::string* fault_type) {
    std::lock_guard<std::mutex> lk(mu_);
    return rpc(*client_, method, request, dl, {}, fault_type);
}

static void require_cookie(const Client& c, std::string_view method) {
    if (!c.has_session_cookie())
        throw Error(VIX_E_FAIL, std::string(method) + ": " + c.endpoint().authority() +
                                    " did not return a vmware_soap_session cookie");
}

static std::string moref_text(const tinyxml2::XMLElement* rv, std::string_view name) { return child_text(rv, name); }

void Session::connect(std::string_view user, std::string_view secret, bool clone, const Deadline& dl) {
    std::lock_guard<std::mutex> lk(mu_);
    {
        Secret req;
        build_request(req, "RetrieveServiceContent", "ServiceInstance", "ServiceInstance", {});
        Reply reply = rpc(*client_, "RetrieveServiceContent", req, dl, "", nullptr);
        const tinyxml2::XMLElement* rv = reply.returnval();
        ServiceContent& sc = content_;
        sc.session_manager = moref_text(rv, "sessionManager");
        sc.property_collector = moref_text(rv, "propertyCollector");
        sc.view_manager = moref_text(rv, "viewManager");
        sc.root_folder = moref_text(rv, "rootFolder");
        sc.search_index = moref_text(rv, "searchIndex");
        sc.file_manager = moref_text(rv, "fileManager");
        sc.guest_operations = moref_text(rv, "guestOperationsManager");
        if (const tinyxml2::XMLElement* about = child(rv, "about")) {
            sc.full_name = child_text(about, "fullName");
            sc.api_version = child_text(about, "apiVersion");
            sc.api_type = child_text(about, "apiType");
        }
        if (sc.session_manager.empty())
            throw Error(VIX_E_INVALID_XML,
                        "RetrieveServiceContent: " + client_->endpoint().url() + " returned no sessionManager");
    }
    Secret req;
    const char* method = clone ? "CloneSession" : "Login";
    if (clone)
        build_request(req, method, "SessionManager", content_.session_manager, {{"cloneTicket", secret}});
    else
        build_request(req, method, "SessionManager", content_.session_manager,
                      {{"userName", user}, {"password", secret}});
    rpc(*client_, method, req, dl, secret, nullptr);
    require_cookie(*client_, method);
}

Secret Session::acquire_clone_ticket(const Deadline& dl) {
    Secret req;
    build_request(req, "AcquireCloneTicket", "SessionManager", content_.session_manager, {});
    Reply reply = call("AcquireCloneTicket", req, dl);
    const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
    if (!t || !*t) throw Error(VIX_E_INVALID_XML, "AcquireCloneTicket: response has no ticket");
    return Secret(t);
}

void Session::logout(const Deadline& dl) noexcept {
    std::lock_guard<std::mutex> lk(mu_);
    try {
        Secret req;
        build_request(req, "Logout", "SessionManager", content_.session_manager, {});
        rpc(*client_, "Logout", req, dl, "", nullptr);
    } catch (...) {
        // Best effort: the session will expire on the server.
    }
    client_->shutdown(dl);
}

void Session::abandon() noexcept { client_->abandon(); }

std::string Session::take_collector() {
    std::lock_guard<std::mutex> lk(collectors_mu_);
    if (collectors_.empty()) return {};
    std::string c = std::move(collectors_.back());
    collectors_.pop_back();
    return c;
}

void Session::give_collector(std::string collector) {
    std::lock_guard<std::mutex> lk(collectors_mu_);
    // A few are enough: one per thread that waits at the same time.
    if (collectors_.size() < 8) collectors_.push_back(std::move(collector));
}

}  // namespace vix
