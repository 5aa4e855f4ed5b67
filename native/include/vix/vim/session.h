// A vSphere session: the service content, the login, and the connections
// that carry its calls. Every vim/* concern calls the server through
// Session::call and nothing else; the connection layer's own calls
// (RetrieveServiceContent, Login, CloneSession, AcquireCloneTicket, Logout)
// live here too. Faults map to codes through fault_to_code().
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vix/http.h"
#include "vix/secret.h"
#include "vix/soap.h"
#include "vix/tls.h"

namespace vix {

struct ServiceContent {
    std::string session_manager;     // moref values, e.g. "SessionManager"
    std::string property_collector;
    std::string view_manager;
    std::string root_folder;
    std::string search_index;
    std::string file_manager;
    std::string guest_operations;    // GuestOperationsManager, "" where absent
    std::string full_name;           // about.fullName: product, version and build
    std::string api_version;         // about.apiVersion
    std::string api_type;            // about.apiType: "VirtualCenter" or "HostAgent"
};

class Session {
public:
    // request_timeout bounds each request (vix.connectTimeoutSeconds); a
    // long poll asks for more with its own Deadline.
    Session(Endpoint ep, std::shared_ptr<const TlsContext> tls, std::string user_agent,
            std::chrono::milliseconds request_timeout);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // RetrieveServiceContent, then Login (clone false: secret is the
    // password) or CloneSession (clone true: secret is the ticket).
    void connect(std::string_view user, std::string_view secret, bool clone, const Deadline& dl);

    // One SOAP call; safe from several threads at once: each call borrows a
    // connection of the session's pool (at most kMaxConnections, sharing the
    // cookie) for its duration only. An expired session (NotAuthenticated) is
    // logged in again once with the original credentials and the call
    // retried once; when that fails, or for a clone-ticket session:
    // VIX_E_HOST_CONNECTION_LOST. `dl` is this call's own bound: a long poll
    // passes a longer one than request_deadline(). A fault comes back as
    // Error(fault_to_code(type)), its detail "<method> refused by <host>:
    // <fault>: <message>"; `fault_type`, when given, receives the fault's
    // type so that a caller can tell faults apart that share a code.
    Reply call(std::string_view method, const Secret& request, const Deadline& dl,
               std::string* fault_type = nullptr, const BodyFilter& filter = {});

    const ServiceContent& content() const { return content_; }
    const Endpoint& endpoint() const { return ep_; }
    std::chrono::milliseconds request_timeout() const { return request_timeout_; }
    // A Deadline of one request_timeout from now.
    Deadline request_deadline(InterruptCheck interrupted = nullptr) const {
        return Deadline(request_timeout_, interrupted);
    }

    Secret acquire_clone_ticket(const Deadline& dl);

    // Streamed file transfers (SPEC-VM 14), each on a connection of its own.
    // `url` as the server gave it: a "*" host is this session's host; this
    // session's TLS settings and verification apply. `dl` bounds connecting
    // and every stall (no progress for dl.budget()), not the whole transfer.
    // PUT a local file (Content-Length, never chunked), in bounded memory.
    void upload(const std::string& url, const std::string& local_path, const Deadline& dl, Progress progress = {});
    // GET into a temporary file beside local_path, renamed into place when
    // complete; a failure leaves an existing file untouched.
    void download(const std::string& url, const std::string& local_path, const Deadline& dl, Progress progress = {});
    // GET of a file the session may read on its own host (the datastore
    // file interface, "/folder/<path>?dcPath=..&dsName=..": `target` escaped
    // by the caller) with the session cookie, on a pooled connection, into
    // memory: at most kMaxBody (32 MiB), else VIX_E_NET_HTTP_TRANSFER. 401
    // (the session expired) logs in again once, as call() does; 404 is
    // VIX_E_FILE_NOT_FOUND; any other status but 200,
    // VIX_E_NET_HTTP_HTTP_RETURNED_ERROR.
    std::string get_bytes(std::string_view target, const Deadline& dl);
    // The endpoint a transfer URL names ("*" resolved); throws for a URL
    // that is malformed or would leave https.
    Endpoint transfer_endpoint(std::string_view url) const;

    static constexpr std::size_t kMaxConnections = 4;
    // Connections open now (idle or lent out); for tests.
    std::size_t open_connections();
    // Best effort Logout, then a polite close of every connection.
    void logout(const Deadline& dl) noexcept;
    // fork child: drop our copies of the sockets, say nothing to the server.
    void abandon() noexcept;

    // Private PropertyCollectors for waits (vim/tasks.cpp): a waiter takes
    // one and gives it back when it holds no filter, so each waiting thread
    // has its own and none is created per wait. "" when none is free.
    std::string take_collector();
    void give_collector(std::string collector);

    // Makes a detail safe to show (SPEC 8): removes this session's password
    // (as sent and XML-escaped) and cookie, then errors.h's redact(). Every
    // error of call() has been through it; other layers that word a detail
    // from server text (a task's fault) use it too.
    std::string redact(std::string_view text);

private:
    class Lease;
    Reply rpc(Client& c, std::string_view method, const Secret& request, const Deadline& dl,
              std::string_view secret, std::string* fault_type, const BodyFilter& filter = {});
    std::unique_ptr<Client> checkout(const Deadline& dl, Secret& cookie, std::uint64_t& generation);
    void checkin(std::unique_ptr<Client> c, const Secret& cookie_given) noexcept;
    void relogin(std::uint64_t seen_generation, std::string_view method, const Deadline& dl);

    Endpoint ep_;
    std::shared_ptr<const TlsContext> tls_;
    std::string user_agent_;
    std::chrono::milliseconds request_timeout_;
    ServiceContent content_;

    std::mutex mu_;  // guards the pool and the cookie
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Client>> idle_;
    std::size_t lent_ = 0;
    Secret cookie_;               // the session's vmware_soap_session
    std::uint64_t generation_ = 0;  // bumped whenever the cookie changes

    std::timed_mutex login_mu_;  // one re-login at a time
    bool clone_ = false;          // opened with a clone ticket
    bool can_relogin_ = false;    // Login sessions only, until logout
    Secret user_, password_;      // for the re-login; never for clone tickets

    std::mutex collectors_mu_;
    std::vector<std::string> collectors_;
};

}  // namespace vix
