// One keep-alive HTTP/1.1 connection (TCP, optionally TLS) with a deadline,
// and the client on top of it that follows redirects and keeps the session
// cookie. Every failure names its stage: resolve, connect, handshake, write,
// read.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "vix/endpoint.h"
#include "vix/secret.h"
#include "vix/tls.h"

namespace vix {

// Tells whether the caller wants the operation stopped: a signal is waiting
// to be handled (a script's alarm, Ctrl-C). Called only when a wait was
// interrupted, so it may be slow; must not throw.
using InterruptCheck = bool (*)();

// One point in time that bounds a whole operation (SPEC: one deadline per
// call), and whether the caller may cut it short.
class Deadline {
public:
    explicit Deadline(std::chrono::milliseconds budget, InterruptCheck interrupted = nullptr)
        : budget_(budget), at_(std::chrono::steady_clock::now() + budget), interrupted_(interrupted) {}
    int remaining_ms() const;
    bool passed() const { return remaining_ms() == 0; }
    std::chrono::milliseconds budget() const { return budget_; }
    bool interrupted() const { return interrupted_ && interrupted_(); }

private:
    std::chrono::milliseconds budget_;
    std::chrono::steady_clock::time_point at_;
    InterruptCheck interrupted_;
};

// Responses bigger than this are refused (VIX_E_NET_HTTP_TRANSFER).
constexpr std::size_t kMaxBody = 32u << 20;

struct HttpResponse {
    unsigned status = 0;
    std::string reason;
    WipedString body;
    std::string location;
    Secret session_cookie;  // vmware_soap_session, as the server sent it
    bool keep_alive = false;
};

class Connection {
public:
    Connection() = default;
    ~Connection() { abandon(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void open(const Endpoint& ep, const TlsContext* tls, const Deadline& dl);
    bool is_open() const { return fd_ >= 0; }
    const Endpoint& endpoint() const { return ep_; }

    // Sends one request and reads one response. `received` tells whether any
    // byte of the response arrived (a reused connection that the server had
    // already closed shows none, and may be retried).
    HttpResponse exchange(std::string_view request, const Deadline& dl, bool& received);

    // Polite close: TLS close_notify (not waited for), then close.
    void shutdown(const Deadline& dl);
    // Close our descriptor only: after fork, or when the peer is misbehaving.
    void abandon() noexcept;

private:
    void wait(short events, const Deadline& dl, const char* stage);
    std::size_t read_some(char* buf, std::size_t len, const Deadline& dl);
    void write_all(std::string_view data, const Deadline& dl);
    [[noreturn]] void fail_io(const char* stage, int err);

    int fd_ = -1;
    SSL* ssl_ = nullptr;
    Endpoint ep_;
};

class Client {
public:
    Client(Endpoint ep, std::shared_ptr<const TlsContext> tls, std::string user_agent);

    // POSTs a SOAP body to the current endpoint, following redirects (at
    // most 5, never from https to http). Any status is returned; the SOAP
    // layer decides what it means.
    HttpResponse post(std::string_view soap_action, std::string_view body, const Deadline& dl);

    const Endpoint& endpoint() const { return ep_; }
    bool has_session_cookie() const { return !cookie_.empty(); }
    // Only for redacting error details: a server may echo the cookie back.
    std::string_view session_cookie() const { return cookie_.view(); }
    void shutdown(const Deadline& dl) { conn_.shutdown(dl); }
    void abandon() noexcept { conn_.abandon(); }

private:
    Endpoint ep_;
    std::shared_ptr<const TlsContext> tls_;
    std::string user_agent_;
    Connection conn_;
    Secret cookie_;
};

}  // namespace vix
