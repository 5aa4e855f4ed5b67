// Connection: resolve, connect, TLS handshake and one request/response, on
// Asio's waits. TLS is our own SSL object (shared SSL_CTX, released buffers,
// read-ahead) driven by socket readiness: asio::ssl::stream would keep its
// own 17 KB of buffers per connection (docs/PERFORMANCE.md).
#include "vix/http.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <openssl/err.h>

#include "io_loop.h"
#include "vix/errors.h"

namespace vix {

namespace http = boost::beast::http;

int Deadline::remaining_ms() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - std::chrono::steady_clock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
}

static std::string seconds_text(const Deadline& dl) {
    const auto ms = dl.budget().count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// ---- a socket BIO that never raises SIGPIPE ---------------------------------
// OpenSSL's socket BIO uses write(2); a peer that closes while we write would
// kill the Perl process with SIGPIPE. send(MSG_NOSIGNAL) cannot.

static int bio_write(BIO* b, const char* data, int len) {
    BIO_clear_retry_flags(b);
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
    const ssize_t n = ::send(fd, data, static_cast<std::size_t>(len), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
        return -1;
    }
    return static_cast<int>(n);
}

static int bio_read(BIO* b, char* data, int len) {
    BIO_clear_retry_flags(b);
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
    const ssize_t n = ::recv(fd, data, static_cast<std::size_t>(len), MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_read(b);
        return -1;
    }
    return static_cast<int>(n);
}

static long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

static int bio_create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
}

static BIO* new_socket_bio(int fd) {
    // An immutable method table, built once.
    static BIO_METHOD* method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vix socket");
        BIO_meth_set_write(m, bio_write);
        BIO_meth_set_read(m, bio_read);
        BIO_meth_set_ctrl(m, bio_ctrl);
        BIO_meth_set_create(m, bio_create);
        return m;
    }();
    BIO* b = BIO_new(method);
    if (b) BIO_set_data(b, reinterpret_cast<void*>(static_cast<intptr_t>(fd)));
    return b;
}

// ---- Connection --------------------------------------------------------------

Connection::Connection() = default;
Connection::~Connection() { abandon(); }

IoLoop& Connection::loop() {
    if (!loop_) {
        loop_ = std::make_unique<IoLoop>();
        boost::system::error_code ec;
        if (fd_ >= 0) loop_->socket().assign(v6_ ? tcp::v6() : tcp::v4(), fd_, ec);
        if (ec) fail_io("connect", ec.value());
    }
    return *loop_;
}

void Connection::rest() noexcept { loop_.reset(); }

void Connection::fail(std::int64_t code, const std::string& why) {
    abandon();
    throw Error(code, why);
}

void Connection::fail_io(const char* stage, int err) {
    const std::string where = ep_.authority();
    if (err == ETIMEDOUT) fail(VIX_E_NET_HTTP_OPERATION_TIMEDOUT, std::string(stage) + ": " + where + " timed out");
    if (std::strcmp(stage, "read") == 0 || std::strcmp(stage, "write") == 0)
        fail(VIX_E_NET_HTTP_TRANSFER, std::string(stage) + ": connection to " + where + " failed: " + std::strerror(err));
    fail(VIX_E_NET_HTTP_COULDNT_CONNECT, std::string(stage) + ": " + where + ": " + std::strerror(err));
}

// Runs the loop until `done`; at the deadline or on a pending signal the
// connection is closed and the stage named.
static void run_stage(Connection& c, IoLoop& l, const bool& done, const Deadline& dl, const char* stage,
                      const std::string& what) {
    switch (l.run_until(done, dl)) {
    case IoLoop::Stop::done:
        return;
    case IoLoop::Stop::timeout:
        c.fail(VIX_E_NET_HTTP_OPERATION_TIMEDOUT,
               std::string(stage) + ": " + what + " within the " + seconds_text(dl) + " deadline");
    case IoLoop::Stop::interrupted:
        c.fail(VIX_E_CANCELLED, std::string(stage) + ": interrupted by a signal while " + what);
    }
}

void Connection::wait(bool write, const Deadline& dl, const char* stage) {
    IoLoop& l = loop();
    bool done = false;
    boost::system::error_code result;
    l.socket().async_wait(write ? tcp::socket::wait_write : tcp::socket::wait_read,
                          [&](const boost::system::error_code& ec) {
                              done = true;
                              result = ec;
                          });
    // Labels as before: "no progress with HOST within the N s deadline".
    switch (l.run_until(done, dl)) {
    case IoLoop::Stop::done:
        break;
    case IoLoop::Stop::timeout:
        fail(VIX_E_NET_HTTP_OPERATION_TIMEDOUT, std::string(stage) + ": no progress with " + ep_.authority() +
                                                    " within the " + seconds_text(dl) + " deadline");
    case IoLoop::Stop::interrupted:
        fail(VIX_E_CANCELLED, std::string(stage) + ": interrupted by a signal while talking to " + ep_.authority());
    }
    if (result) fail_io(stage, result.value());
}

// Every address of the endpoint; an IP literal needs no lookup at all.
static std::vector<tcp::endpoint> resolve(Connection& c, IoLoop& l, const Endpoint& ep, const Deadline& dl) {
    std::vector<tcp::endpoint> out;
    if (ep.host_is_ip) {
        boost::system::error_code ec;
        const auto addr = asio::ip::make_address(ep.host, ec);
        if (ec) c.fail(VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST, "resolve: bad address \"" + ep.host + "\"");
        out.emplace_back(addr, ep.port);
        return out;
    }
    // The handler may run after we gave up (in the graveyard): it owns its state.
    struct Lookup {
        bool done = false;
        boost::system::error_code result;
        std::vector<tcp::endpoint> addrs;
    };
    auto st = std::make_shared<Lookup>();
    l.resolve_pending = std::shared_ptr<const bool>(st, &st->done);
    l.resolver().async_resolve(ep.host, std::to_string(ep.port), tcp::resolver::numeric_service,
                               [st](const boost::system::error_code& ec, const tcp::resolver::results_type& r) {
                                   st->done = true;
                                   st->result = ec;
                                   for (const auto& e : r) st->addrs.push_back(e.endpoint());
                               });
    switch (l.run_until(st->done, dl)) {
    case IoLoop::Stop::done:
        break;
    case IoLoop::Stop::timeout:
        l.resolver().cancel();
        c.fail(VIX_E_NET_HTTP_OPERATION_TIMEDOUT,
               "resolve: looking up \"" + ep.host + "\" took longer than " + seconds_text(dl));
    case IoLoop::Stop::interrupted:
        l.resolver().cancel();
        c.fail(VIX_E_CANCELLED, "resolve: interrupted by a signal while looking up \"" + ep.host + "\"");
    }
    if (st->result)
        c.fail(VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST,
               "resolve: cannot resolve host name \"" + ep.host + "\": " + st->result.message());
    out = std::move(st->addrs);
    if (out.empty()) c.fail(VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST, "resolve: no address for host name \"" + ep.host + "\"");
    return out;
}

void Connection::open(const Endpoint& ep, const TlsContext* tls, const Deadline& dl) {
    abandon();
    ep_ = ep;
    IoLoop& l = loop();
    const std::vector<tcp::endpoint> addrs = resolve(*this, l, ep, dl);

    // Every address in turn, each attempt bounded by what is left of `dl`.
    int last_err = ECONNREFUSED;
    for (const tcp::endpoint& addr : addrs) {
        // Our own socket() for SOCK_CLOEXEC without a window; Asio connects it.
        const int fd = ::socket(addr.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            last_err = errno;
            continue;
        }
        boost::system::error_code ec;
        l.socket().assign(addr.protocol(), fd, ec);
        if (ec) {
            ::close(fd);
            last_err = ec.value();
            continue;
        }
        fd_ = fd;
        v6_ = addr.protocol() == tcp::v6();
        bool done = false;
        l.socket().async_connect(addr, [&](const boost::system::error_code& e) {
            done = true;
            ec = e;
        });
        run_stage(*this, l, done, dl, "connect", "no connection to " + ep.authority());
        if (!ec) break;
        last_err = ec.value();
        boost::system::error_code ignored;
        l.socket().close(ignored);
        fd_ = -1;
    }
    if (fd_ < 0)
        fail(VIX_E_NET_HTTP_COULDNT_CONNECT,
             "connect: cannot connect to " + ep.authority() + ": " + std::strerror(last_err));
    boost::system::error_code ignored;
    loop_->socket().set_option(tcp::no_delay(true), ignored);

    if (!ep.tls) return;
    ssl_ = SSL_new(tls->native());
    BIO* bio = ssl_ ? new_socket_bio(fd_) : nullptr;
    if (!bio) fail(VIX_E_NET_HTTP_SSL_CONNECT_ERROR, "handshake: out of memory setting up TLS");
    SSL_set_bio(ssl_, bio, bio);
    try {
        tls->prepare(ssl_, ep);
    } catch (...) {
        abandon();
        throw;
    }
    for (;;) {
        ERR_clear_error();
        errno = 0;
        const int rc = SSL_connect(ssl_);
        if (rc == 1) break;
        const int e = SSL_get_error(ssl_, rc);
        if (e == SSL_ERROR_WANT_READ) {
            wait(false, dl, "handshake");
        } else if (e == SSL_ERROR_WANT_WRITE) {
            wait(true, dl, "handshake");
        } else {
            std::string cause;
            if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) {
                cause = errno ? std::strerror(errno) : "connection closed by peer";
            } else {
                char buf[256];
                ERR_error_string_n(ERR_peek_last_error(), buf, sizeof buf);
                cause = buf;
            }
            Error err = tls->handshake_failure(ssl_, ep, cause);
            ERR_clear_error();
            abandon();
            throw err;
        }
    }
    try {
        tls->check_peer(ssl_, ep);
    } catch (...) {
        abandon();
        throw;
    }
}

bool Connection::check_idle() noexcept {
    if (fd_ < 0) return false;
    // An idle HTTP connection has nothing to read: bytes or an end of stream
    // mean the server closed it (or broke framing). TLS data that OpenSSL
    // already buffered counts too.
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if ((n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) && !(ssl_ && SSL_pending(ssl_) > 0)) return true;
    abandon();
    return false;
}

std::size_t Connection::read_some(char* buf, std::size_t len, const Deadline& dl) {
    for (;;) {
        if (!ssl_) {
            const ssize_t n = ::recv(fd_, buf, len, MSG_DONTWAIT);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                wait(false, dl, "read");
                continue;
            }
            fail_io("read", errno);
        }
        ERR_clear_error();
        errno = 0;
        const int n = SSL_read(ssl_, buf, static_cast<int>(std::min<std::size_t>(len, 1 << 30)));
        if (n > 0) return static_cast<std::size_t>(n);
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_READ) {
            wait(false, dl, "read");
        } else if (e == SSL_ERROR_WANT_WRITE) {
            wait(true, dl, "read");
        } else if (e == SSL_ERROR_ZERO_RETURN) {
            return 0;
        } else if (e == SSL_ERROR_SYSCALL && errno != 0) {
            fail_io("read", errno);
        } else if (e == SSL_ERROR_SYSCALL) {
            return 0;
        } else {
            char b[256];
            ERR_error_string_n(ERR_peek_last_error(), b, sizeof b);
            ERR_clear_error();
            fail(VIX_E_NET_HTTP_TRANSFER, "read: TLS error from " + ep_.authority() + ": " + b);
        }
    }
}

void Connection::write_all(std::string_view data, const Deadline& dl) {
    while (!data.empty()) {
        if (!ssl_) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n >= 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
            } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                wait(true, dl, "write");
            } else {
                fail_io("write", errno);
            }
            continue;
        }
        ERR_clear_error();
        errno = 0;
        const int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30)));
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_WRITE) {
            wait(true, dl, "write");
        } else if (e == SSL_ERROR_WANT_READ) {
            wait(false, dl, "write");
        } else {
            fail_io("write", errno ? errno : EPIPE);
        }
    }
}

static std::string_view cookie_value(std::string_view set_cookie) {
    constexpr std::string_view name = "vmware_soap_session=";
    while (!set_cookie.empty() && set_cookie.front() == ' ') set_cookie.remove_prefix(1);
    if (set_cookie.substr(0, name.size()) != name) return {};
    std::string_view v = set_cookie.substr(name.size());
    return v.substr(0, v.find(';'));
}

HttpResponse Connection::exchange(std::string_view request, const Deadline& dl, bool& received,
                                  const BodyFilter& filter) {
    received = false;
    write_all(request, dl);

    using Body = http::basic_string_body<char, std::char_traits<char>, WipingAllocator<char>>;
    using Parser = http::response_parser<Body, WipingAllocator<char>>;
    boost::beast::basic_flat_buffer<WipingAllocator<char>> buf;
    std::size_t total_read = 0;
    bool filtered = false;  // the filter has taken part of this body already
    const auto bad = [&](const std::string& why) { fail(VIX_E_NET_HTTP_TRANSFER, "read: " + ep_.authority() + why); };

    // Interim 1xx responses are skipped (RFC 9110); bounded like everything
    // else by the deadline, and by a count.
    for (int interim = 0;; ++interim) {
        if (interim > 10) bad(" sent more than 10 interim (1xx) responses");
        Parser parser;
        // A filtered answer never stays in memory whole, so its cap is the
        // one of a sane server rather than of our memory.
        const std::uint64_t limit = filter ? kMaxFilteredBody : kMaxBody;
        parser.body_limit(limit);
        parser.header_limit(64 * 1024);
        // Headers first, without the body: Beast 1.74 loses the body_limit
        // error when body bytes arrive with the header, so the declared
        // length is checked here before any of the body is taken.
        parser.eager(false);
        bool header_checked = false;

        for (;;) {
            boost::beast::error_code ec;
            while (buf.size() > 0 && !parser.is_done()) {
                const std::size_t used = parser.put(buf.data(), ec);
                buf.consume(used);
                if (ec == http::error::need_more) {
                    ec = {};
                    break;
                }
                if (ec == http::error::body_limit) bad(" sent a response larger than the limit");
                if (ec) bad(" sent a bad HTTP response: " + ec.message());
                if (parser.is_header_done() && !header_checked) {
                    header_checked = true;
                    const auto length = parser.content_length();
                    if (length && *length > limit) bad(" announced a response larger than the limit");
                    parser.eager(true);
                }
                if (used == 0) break;
            }
            if (parser.is_done()) break;
            // The filter takes what it can use of the body so far (Beast's
            // string body appends at its current size, so shrinking it
            // between reads is safe).
            if (filter && parser.is_header_done() && parser.get().result_int() == 200 &&
                parser.get().body().size() >= kFilterEvery) {
                filter(parser.get().body());
                filtered = true;
            }

            // Most answers are under 4 KiB, and the buffer is wiped as far as
            // it was allocated: small reads first, full TLS records once the
            // answer turns out to be long.
            auto space = buf.prepare(total_read < 4096 ? 4096 : 16 * 1024);
            const std::size_t n = read_some(static_cast<char*>(space.data()), space.size(), dl);
            total_read += n;
            if (n == 0) {
                // End of stream: complete only for a close-delimited body
                // that has begun; before any byte it is no response at all.
                if (!parser.got_some()) bad(received ? " closed the connection in the middle of the response"
                                                      : " closed the connection without a response");
                parser.put_eof(ec);
                if (ec || !parser.is_done()) bad(" closed the connection in the middle of the response");
                break;
            }
            received = true;
            buf.commit(n);
        }

        auto& msg = parser.get();
        const unsigned status = msg.result_int();
        if (status >= 100 && status < 200 && status != 101) continue;

        HttpResponse r;
        r.status = status;
        r.reason = std::string(msg.reason().substr(0, 100));
        r.keep_alive = msg.keep_alive();
        for (const auto& field : msg) {
            if (field.name() == http::field::set_cookie) {
                std::string_view v = cookie_value(std::string_view(field.value().data(), field.value().size()));
                if (!v.empty()) r.session_cookie = Secret(v);
            } else if (field.name() == http::field::location) {
                r.location = std::string(field.value().substr(0, 4096));
            }
        }
        // A short answer is parsed whole by the caller: filtering it would
        // only parse it twice.
        if (filter && status == 200 && (filtered || msg.body().size() >= kFilterEvery)) filter(msg.body());
        r.body = std::move(msg.body());
        if (!r.keep_alive) abandon();
        return r;
    }
}

void Connection::shutdown(const Deadline& dl) {
    if (ssl_ && fd_ >= 0 && !dl.passed()) {
        // One attempt to send close_notify; we do not wait for the peer's.
        ERR_clear_error();
        SSL_shutdown(ssl_);
        ERR_clear_error();
    }
    abandon();
}

void Connection::abandon() noexcept {
    loop_.reset();  // first: it borrows the descriptor
    if (ssl_) {
        SSL_free(ssl_);  // frees the BIO too; SSL_free sends nothing
        ssl_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

}  // namespace vix
