// One keep-alive HTTP/1.1 connection (TCP, optionally TLS) with a deadline,
// and the client on top of it that follows redirects and keeps the session
// cookie. Every failure names its stage: resolve, connect, handshake, write,
// read.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "vix/endpoint.h"
#include "vix/secret.h"
#include "vix/tls.h"

namespace vix {

// Tells whether the caller wants the operation stopped: a signal is waiting
// to be handled (a script's alarm, Ctrl-C). Asked after every slice of a
// wait (at most 20 ms apart), so it must be cheap; must not throw.
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
    InterruptCheck interrupt_check() const { return interrupted_; }
    // The same budget again from now: a transfer's stall bound per step.
    Deadline restarted() const { return Deadline(budget_, interrupted_); }

private:
    std::chrono::milliseconds budget_;
    std::chrono::steady_clock::time_point at_;
    InterruptCheck interrupted_;
};

// Responses bigger than this are refused (VIX_E_NET_HTTP_TRANSFER).
constexpr std::size_t kMaxBody = 32u << 20;
// ...and filtered ones (BodyFilter), which never stay in memory whole.
constexpr std::uint64_t kMaxFilteredBody = std::uint64_t(1) << 30;
// How much of a filtered body may gather before the filter runs.
constexpr std::size_t kFilterEvery = 64u << 10;

// Takes the bulk out of a successful (HTTP 200) answer's body, e.g. each
// object of a RetrievePropertiesEx result, handed out and dropped one at a
// time, so that a 10,000-VM answer is never in memory whole. It rewrites
// `body` in place to what is left: the part it cannot use yet (an object cut
// short by the end of what has arrived) and what the caller parses at the end
// (the envelope, a token). Called while the body arrives, and once at its end;
// never on an answer shorter than kFilterEvery, which the caller parses whole.
using BodyFilter = std::function<void(WipedString& body)>;

struct HttpResponse {
    unsigned status = 0;
    std::string reason;
    WipedString body;
    std::string location;
    Secret session_cookie;  // vmware_soap_session, as the server sent it
    bool keep_alive = false;
};

// Bytes done and the total (0 when the server did not say) of a streamed
// transfer; may be empty.
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

class IoLoop;  // src/io_loop.h: the Asio event loop of one operation

// At rest a connection is a descriptor and an SSL object, nothing more (the
// memory of a held session). While an operation runs, an IoLoop (its own
// io_context, on the calling thread) waits for it; rest() drops the loop.
class Connection {
public:
    Connection();
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void open(const Endpoint& ep, const TlsContext* tls, const Deadline& dl);
    bool is_open() const { return fd_ >= 0; }
    const Endpoint& endpoint() const { return ep_; }
    // A kept-alive connection the peer has closed (or that holds bytes nobody
    // asked for) is closed here, without waiting: the caller reopens it.
    bool check_idle() noexcept;

    // Sends one request and reads one response. `received` tells whether any
    // byte of the response arrived (a reused connection that the server had
    // already closed shows none, and may be retried).
    // `filter`, when given, may take the bulk out of a 200 answer's body as
    // it arrives (see BodyFilter).
    HttpResponse exchange(std::string_view request, const Deadline& dl, bool& received,
                          const BodyFilter& filter = {});
    // The pieces of an exchange, for streamed bodies (transfer.cpp). Each
    // step is bounded by `dl`; read_some returns 0 at the end of the stream.
    void write_all(std::string_view data, const Deadline& dl);
    std::size_t read_some(char* buf, std::size_t len, const Deadline& dl);
    // Failure with this connection's stage label; closes it.
    [[noreturn]] void fail(std::int64_t code, const std::string& why);

    // The operation is over: drop its event loop, keep the connection.
    void rest() noexcept;
    // Polite close: TLS close_notify (not waited for), then close.
    void shutdown(const Deadline& dl);
    // Close our descriptor only: after fork, or when the peer is misbehaving.
    void abandon() noexcept;

private:
    IoLoop& loop();
    void wait(bool write, const Deadline& dl, const char* stage);
    [[noreturn]] void fail_io(const char* stage, int err);

    int fd_ = -1;
    SSL* ssl_ = nullptr;
    bool v6_ = false;
    Endpoint ep_;
    std::unique_ptr<IoLoop> loop_;
};

// One connection of a session, its endpoint (after redirects) and the
// session cookie it sends. Not thread-safe: a Session lends each Client to
// one call at a time.
class Client {
public:
    Client(Endpoint ep, std::shared_ptr<const TlsContext> tls, std::string user_agent);

    // POSTs a SOAP body to the current endpoint, following redirects (at
    // most 5, never from https to http). Any status is returned; the SOAP
    // layer decides what it means.
    HttpResponse post(std::string_view soap_action, std::string_view body, const Deadline& dl,
                      const BodyFilter& filter = {});
    // GETs `target` (a path and query, e.g. the datastore file interface's
    // "/folder/...") from the current endpoint's origin, with the cookie;
    // the body is read into memory (at most kMaxBody). Redirects are not
    // followed: they would move the endpoint this client's SOAP calls use.
    // Any status is returned; the caller decides what it means.
    HttpResponse get(std::string_view target, const Deadline& dl);

    const Endpoint& endpoint() const { return ep_; }
    bool has_session_cookie() const { return !cookie_.empty(); }
    bool connected() const { return conn_.is_open(); }
    // Only for redacting error details: a server may echo the cookie back.
    std::string_view session_cookie() const { return cookie_.view(); }
    // The session's cookie, as the Session last saw it (after a re-login).
    void set_session_cookie(std::string_view cookie) { cookie_ = Secret(cookie); }
    void shutdown(const Deadline& dl) { conn_.shutdown(dl); }
    void abandon() noexcept { conn_.abandon(); }

private:
    void start_request(Secret& request, std::string_view method, std::string_view target) const;
    HttpResponse send(const Secret& request, const Deadline& dl, const BodyFilter& filter = {});

    Endpoint ep_;
    std::shared_ptr<const TlsContext> tls_;
    std::string user_agent_;
    Connection conn_;
    Secret cookie_;
};

// Streamed transfers on a connection of their own (transfer.cpp). `url` is
// absolute; `dl` bounds the connect and each step without progress (a
// stall), never the whole transfer. No size cap.
// PUT local_path to url with Content-Length (never chunked). Errors: missing
// file VIX_E_FILE_NOT_FOUND, a directory VIX_E_NOT_A_FILE, an HTTP error
// status VIX_E_NET_HTTP_HTTP_RETURNED_ERROR.
void http_upload(const Endpoint& url, const TlsContext* tls, std::string_view user_agent,
                 const std::string& local_path, const Deadline& dl, const Progress& progress);
// GET url into a temporary file beside local_path, renamed into place only
// when complete: a failure leaves an existing file untouched. A body cut
// short is VIX_E_NET_HTTP_TRANSFER.
void http_download(const Endpoint& url, const TlsContext* tls, std::string_view user_agent,
                   const std::string& local_path, const Deadline& dl, const Progress& progress);

}  // namespace vix
