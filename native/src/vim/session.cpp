#include "vix/vim/session.h"

#include <tinyxml2.h>

#include <algorithm>

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
      request_timeout_(request_timeout) {}

Session::~Session() = default;

// ---- the pool -------------------------------------------------------------------

// A connection lent to one call, given back (open or not) when the call ends:
// a call never holds a connection it is not using.
class Session::Lease {
public:
    Lease(Session& s, const Deadline& dl) : s_(s), c_(s.checkout(dl, given_, generation)) {}
    ~Lease() { s_.checkin(std::move(c_), given_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Client& client() { return *c_; }
    std::uint64_t generation = 0;  // of the cookie it was lent with

private:
    Session& s_;
    Secret given_;
    std::unique_ptr<Client> c_;
};

std::unique_ptr<Client> Session::checkout(const Deadline& dl, Secret& cookie, std::uint64_t& generation) {
    std::unique_lock<std::mutex> lk(mu_);
    std::unique_ptr<Client> c;
    for (;;) {
        if (!idle_.empty()) {  // the most recently used: likeliest still open
            c = std::move(idle_.back());
            idle_.pop_back();
            break;
        }
        if (lent_ < kMaxConnections) {
            c = std::make_unique<Client>(ep_, tls_, user_agent_);
            break;
        }
        // All lent out (e.g. long task waits): wait for one, in slices, so a
        // signal or the deadline still stops us.
        if (dl.passed())
            throw Error(VIX_E_NET_HTTP_OPERATION_TIMEDOUT,
                        "waiting for a free connection to " + ep_.authority() + ": all " +
                            std::to_string(kMaxConnections) + " busy");
        if (dl.interrupted())
            throw Error(VIX_E_CANCELLED, "interrupted by a signal while waiting for a free connection to " +
                                             ep_.authority());
        freed_.wait_for(lk, std::chrono::milliseconds(std::min(dl.remaining_ms(), 20)));
    }
    ++lent_;
    cookie = cookie_;
    generation = generation_;
    c->set_session_cookie(cookie_.view());
    return c;
}

void Session::checkin(std::unique_ptr<Client> c, const Secret& cookie_given) noexcept {
    if (!c) return;
    std::lock_guard<std::mutex> lk(mu_);
    --lent_;
    // The server gave this connection a new cookie (Login, CloneSession): it
    // is the session's now, for every connection of the pool.
    if (c->has_session_cookie() && c->session_cookie() != cookie_given.view()) {
        cookie_ = Secret(c->session_cookie());
        ++generation_;
    }
    try {
        idle_.push_back(std::move(c));
    } catch (...) {
        // Out of memory: the connection just closes.
    }
    freed_.notify_one();
}

std::size_t Session::open_connections() {
    std::lock_guard<std::mutex> lk(mu_);
    std::size_t n = lent_;
    for (const auto& c : idle_) n += c->connected() ? 1 : 0;
    return n;
}

// One POST: "200 or 500 means parse the envelope", any other status is a
// transport error. `secret` is what this request carries (a password or a
// ticket): it and the session cookie never reach a detail.
Reply Session::rpc(Client& c, std::string_view method, const Secret& request, const Deadline& dl,
                   std::string_view secret, std::string* fault_type, const BodyFilter& filter) {
    // Faults come with 500: only a 200's body goes through the filter.
    HttpResponse r = c.post(kSoapAction, request.view(), dl, filter);
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
                     vix::redact(prefix + f.type + (f.message.empty() ? "" : ": " + f.message), secrets));
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
                    vix::redact(std::string(method) + ": HTTP " + std::to_string(r.status) + " " + r.reason + " from " + where,
                           secrets));
    }
    Reply reply;
    try {
        reply = Reply::parse(std::string_view(r.body.data(), r.body.size()), method, wipe);
    } catch (const Error& e) {
        if (r.status == 500)
            throw Error(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                        vix::redact(std::string(method) + ": HTTP 500 " + r.reason + " from " + where, secrets));
        throw Error(e.code(), vix::redact(std::string(method) + ": " + e.detail() + " (from " + where + ")", secrets));
    }
    if (reply.is_fault())
        throw fault_error(reply.fault(), std::string(method) + " refused by " + c.endpoint().authority() + ": ");
    return reply;
}

static void require_cookie(const Client& c, std::string_view method) {
    if (!c.has_session_cookie())
        throw Error(VIX_E_FAIL, std::string(method) + ": " + c.endpoint().authority() +
                                    " did not return a vmware_soap_session cookie");
}

std::string Session::redact(std::string_view text) {
    Secret password, escaped, cookie;
    {
        std::lock_guard<std::mutex> lk(mu_);
        password = password_;
        cookie = cookie_;
    }
    append_escaped(escaped.str(), password.view());
    std::string_view bare = cookie.view();
    if (bare.size() >= 2 && bare.front() == '"' && bare.back() == '"') bare = bare.substr(1, bare.size() - 2);
    return vix::redact(text, {password.view(), escaped.view(), cookie.view(), bare});
}

Reply Session::call(std::string_view method, const Secret& request, const Deadline& dl, std::string* fault_type,
                    const BodyFilter& filter) {
    // A server may echo the login password in any answer (SPEC 8).
    const auto safe = [&](const Error& e) { return Error(e.code(), redact(e.detail())); };
    std::uint64_t generation = 0;
    std::string fault;
    try {
        Lease lease(*this, dl);
        generation = lease.generation;
        return rpc(lease.client(), method, request, dl, {}, &fault, filter);
    } catch (const Error& e) {
        if (fault_type && !fault.empty()) *fault_type = fault;
        if (fault != "NotAuthenticated") throw safe(e);
    }
    // The server expired the session (SPEC-VM 16): log in again once, then
    // retry once; whatever the retry says is the answer.
    try {
        relogin(generation, method, dl);
        Lease lease(*this, dl);
        return rpc(lease.client(), method, request, dl, {}, fault_type, filter);
    } catch (const Error& e) {
        throw safe(e);
    }
}

void Session::relogin(std::uint64_t seen_generation, std::string_view method, const Deadline& dl) {
    // Another call may be logging in again: wait for it, still bounded and
    // interruptible.
    std::unique_lock<std::timed_mutex> once(login_mu_, std::defer_lock);
    while (!once.try_lock_for(std::chrono::milliseconds(20))) {
        if (dl.passed())
            throw Error(VIX_E_NET_HTTP_OPERATION_TIMEDOUT,
                        std::string(method) + ": waiting for another call's login to " + ep_.authority());
        if (dl.interrupted())
            throw Error(VIX_E_CANCELLED, std::string(method) + ": interrupted by a signal while waiting for a login");
    }
    const std::string expired = std::string(method) + ": the session on " + ep_.authority() +
                                " expired (NotAuthenticated)";
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (generation_ != seen_generation) return;  // another call logged in again meanwhile
        if (!can_relogin_)
            throw Error(VIX_E_HOST_CONNECTION_LOST,
                        expired + (clone_ ? "; a session opened with a clone ticket cannot log in again"
                                           : "; it was logged out"));
    }
    try {
        Lease lease(*this, dl);
        Client& c = lease.client();
        c.set_session_cookie({});  // a fresh login, not on the dead cookie
        Secret req;
        build_request(req, "Login", "SessionManager", content_.session_manager,
                      {{"userName", user_.view()}, {"password", password_.view()}});
        rpc(c, "Login", req, dl, password_.view(), nullptr);
        require_cookie(c, "Login");
        {
            std::lock_guard<std::mutex> lk(mu_);
            cookie_ = Secret(c.session_cookie());
            ++generation_;
        }
        // The old session's private collectors went with it.
        std::lock_guard<std::mutex> lk(collectors_mu_);
        collectors_.clear();
    } catch (const Error& e) {
        throw Error(VIX_E_HOST_CONNECTION_LOST, expired + "; logging in again failed: " + e.detail());
    }
}

static std::string moref_text(const tinyxml2::XMLElement* rv, std::string_view name) { return child_text(rv, name); }

void Session::connect(std::string_view user, std::string_view secret, bool clone, const Deadline& dl) {
    Lease lease(*this, dl);
    Client& client = lease.client();
    {
        Secret req;
        build_request(req, "RetrieveServiceContent", "ServiceInstance", "ServiceInstance", {});
        Reply reply = rpc(client, "RetrieveServiceContent", req, dl, "", nullptr);
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
                        "RetrieveServiceContent: " + client.endpoint().url() + " returned no sessionManager");
    }
    Secret req;
    const char* method = clone ? "CloneSession" : "Login";
    if (clone)
        build_request(req, method, "SessionManager", content_.session_manager, {{"cloneTicket", secret}});
    else
        build_request(req, method, "SessionManager", content_.session_manager,
                      {{"userName", user}, {"password", secret}});
    rpc(client, method, req, dl, secret, nullptr);
    require_cookie(client, method);
    std::lock_guard<std::mutex> lk(mu_);
    clone_ = clone;
    if (!clone) {
        user_ = Secret(user);
        password_ = Secret(secret);
        can_relogin_ = true;
    }
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
    {
        std::lock_guard<std::timed_mutex> once(login_mu_);
        std::lock_guard<std::mutex> lk(mu_);
        can_relogin_ = false;  // a call still running must not log in again
        user_.wipe();
        password_.wipe();
    }
    try {
        Lease lease(*this, dl);
        Secret req;
        build_request(req, "Logout", "SessionManager", content_.session_manager, {});
        rpc(lease.client(), "Logout", req, dl, "", nullptr);
    } catch (...) {
        // Best effort: the session will expire on the server.
    }
    std::vector<std::unique_ptr<Client>> idle;
    {
        std::lock_guard<std::mutex> lk(mu_);
        idle.swap(idle_);
    }
    for (auto& c : idle) c->shutdown(dl);
}

// Only the connections at rest: one lent out belongs to a thread that does
// not exist in a fork child, and is never touched there.
void Session::abandon() noexcept {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& c : idle_) c->abandon();
}

// ---- streamed transfers -----------------------------------------------------------

Endpoint Session::transfer_endpoint(std::string_view url) const {
    std::string u(url);
    const std::size_t scheme_end = u.find("://");
    if (scheme_end != std::string::npos && u.compare(scheme_end + 3, 1, "*") == 0) {
        const bool v6 = ep_.host.find(':') != std::string::npos;
        u.replace(scheme_end + 3, 1, v6 ? "[" + ep_.host + "]" : ep_.host);
    }
    Endpoint ep = resolve_location(ep_, u);
    if (ep_.tls && !ep.tls)
        throw Error(VIX_E_NET_HTTP_SSL_SECURITY,
                    "refusing a file transfer over plain http from an https session to " + ep.authority());
    return ep;
}

void Session::upload(const std::string& url, const std::string& local_path, const Deadline& dl, Progress progress) {
    http_upload(transfer_endpoint(url), tls_.get(), user_agent_, local_path, dl, progress);
}

void Session::download(const std::string& url, const std::string& local_path, const Deadline& dl,
                       Progress progress) {
    http_download(transfer_endpoint(url), tls_.get(), user_agent_, local_path, dl, progress);
}

std::string Session::get_bytes(std::string_view target, const Deadline& dl) {
    // For details: the query names the datacenter and datastore, nothing
    // secret, but the path says enough.
    const std::string what = "GET " + ep_.authority() + std::string(target.substr(0, target.find('?')));
    const auto fetch = [&](std::uint64_t& generation) {
        Lease lease(*this, dl);
        generation = lease.generation;
        return lease.client().get(target, dl);
    };
    std::uint64_t generation = 0;
    HttpResponse r;
    try {
        r = fetch(generation);
        if (r.status == 401) {
            // The server expired the session (SPEC-VM 16): as call() does.
            relogin(generation, what, dl);
            r = fetch(generation);
        }
    } catch (const Error& e) {
        throw Error(e.code(), redact(e.detail()));
    }
    if (r.status == 200) return std::string(r.body.data(), r.body.size());
    const std::string status = "HTTP " + std::to_string(r.status) + " " + r.reason;
    throw Error(r.status == 404 ? VIX_E_FILE_NOT_FOUND : VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                redact(what + ": " + status));
}

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
