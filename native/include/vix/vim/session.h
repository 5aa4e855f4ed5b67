// A vSphere session: the service content, the login, and the connections
// that carry its calls. Every vim/* concern calls the server through
// Session::call and nothing else; the connection layer's own calls
// (RetrieveServiceContent, Login, CloneSession, AcquireCloneTicket, Logout)
// live here too. Faults map to codes through fault_to_code().
#pragma once
#include <chrono>
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

    // One SOAP call; safe from several threads at once. A fault comes back as
    // Error(fault_to_code(type)), its detail "<method> refused by <host>:
    // <fault>: <message>"; `fault_type`, when given, receives the fault's
    // type so that a caller can tell faults apart that share a code.
    Reply call(std::string_view method, const Secret& request, const Deadline& dl,
               std::string* fault_type = nullptr);

    const ServiceContent& content() const { return content_; }
    const Endpoint& endpoint() const { return ep_; }
    std::chrono::milliseconds request_timeout() const { return request_timeout_; }
    // A Deadline of one request_timeout from now.
    Deadline request_deadline(InterruptCheck interrupted = nullptr) const {
        return Deadline(request_timeout_, interrupted);
    }

    Secret acquire_clone_ticket(const Deadline& dl);
    // Best effort Logout, then a polite close of every connection.
    void logout(const Deadline& dl) noexcept;
    // fork child: drop our copies of the sockets, say nothing to the server.
    void abandon() noexcept;

    // Private PropertyCollectors for waits (vim/tasks.cpp): a waiter takes
    // one and gives it back when it holds no filter, so each waiting thread
    // has its own and none is created per wait. "" when none is free.
    std::string take_collector();
    void give_collector(std::string collector);

private:
    Reply rpc(Client& c, std::string_view method, const Secret& request, const Deadline& dl,
              std::string_view secret, std::string* fault_type);

    Endpoint ep_;
    std::shared_ptr<const TlsContext> tls_;
    std::string user_agent_;
    std::chrono::milliseconds request_timeout_;
    ServiceContent content_;

    std::mutex mu_;  // one request at a time on the connection
    std::unique_ptr<Client> client_;

    std::mutex collectors_mu_;
    std::vector<std::string> collectors_;
};

}  // namespace vix
