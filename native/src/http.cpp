#include "vix/http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <openssl/err.h>

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

// ---- resolve ---------------------------------------------------------------

struct Addresses {
    std::vector<sockaddr_storage> addrs;
    std::vector<socklen_t> lens;
};

static void collect(addrinfo* res, Addresses& out) {
    for (addrinfo* a = res; a; a = a->ai_next) {
        sockaddr_storage ss{};
        std::memcpy(&ss, a->ai_addr, a->ai_addrlen);
        out.addrs.push_back(ss);
        out.lens.push_back(a->ai_addrlen);
    }
}

// getaddrinfo has no timeout, so a name lookup runs on a helper thread that
// we stop waiting for at the deadline. IP literals never need it.
static Addresses resolve(const Endpoint& ep, const Deadline& dl) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    const std::string port = std::to_string(ep.port);
    Addresses out;

    struct Lookup {
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
        int rc = 0;
        addrinfo* res = nullptr;
        ~Lookup() {
            if (res) freeaddrinfo(res);
        }
    };
    if (ep.host_is_ip) {  // a literal: no lookup at all
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (auto* v4 = reinterpret_cast<sockaddr_in*>(&ss); inet_pton(AF_INET, ep.host.c_str(), &v4->sin_addr) == 1) {
            v4->sin_family = AF_INET;
            v4->sin_port = htons(ep.port);
            len = sizeof(sockaddr_in);
        } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
                   inet_pton(AF_INET6, ep.host.c_str(), &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons(ep.port);
            len = sizeof(sockaddr_in6);
        } else {
            throw Error(VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST, "resolve: bad address \"" + ep.host + "\"");
        }
        out.addrs.push_back(ss);
        out.lens.push_back(len);
        return out;
    }
    auto job = std::make_shared<Lookup>();
    {
        std::thread([job, host = ep.host, port, hints] {
            addrinfo* res = nullptr;
            const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
            std::lock_guard<std::mutex> lk(job->mu);
            job->rc = rc;
            job->res = res;
            job->done = true;
            job->cv.notify_all();
        }).detach();
        std::unique_lock<std::mutex> lk(job->mu);
        // A condition variable is not woken by signals: wait in slices so that
        // an interrupt is still seen within 50 ms.
        while (!job->done) {
            if (dl.passed())
                throw Error(VIX_E_NET_HTTP_OPERATION_TIMEDOUT,
                            "resolve: looking up \"" + ep.host + "\" took longer than " + seconds_text(dl));
            if (dl.interrupted())
                throw Error(VIX_E_CANCELLED, "resolve: interrupted by a signal while looking up \"" + ep.host + "\"");
            job->cv.wait_for(lk, std::chrono::milliseconds(std::min(dl.remaining_ms(), 50)));
        }
    }
    if (job->rc != 0) {
        const std::string why = job->rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(job->rc);
        throw Error(VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST, "resolve: cannot resolve host name \"" + ep.host + "\": " + why);
    }
    collect(job->res, out);
    if (out.addrs.empty())
        throw Error(VIX_E_NET_HTTP_COULDNT_RESOLVE_HOST, "resolve: no address for host name \"" + ep.host + "\"");
    return out;
}

// ---- a socket BIO that never raises SIGPIPE ---------------------------------
// OpenSSL's socket BIO uses write(2); a peer that closes while we write would
// kill the Perl process with SIGPIPE. send(MSG_NOSIGNAL) cannot.

static int bio_write(BIO* b, const char* data, int len) {
    BIO_clear_retry_flags(b);
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
    const ssize_t n = ::send(fd, data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
        return -1;
    }
    return static_cast<int>(n);
}

static int bio_read(BIO* b, char* data, int len) {
    BIO_clear_retry_flags(b);
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
    const ssize_t n = ::recv(fd, data, static_cast<std::size_t>(len), 0);
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

void Connection::fail_io(const char* stage, int err) {
    const std::string where = ep_.authority();
    abandon();
    if (err == ETIMEDOUT)
        throw Error(VIX_E_NET_HTTP_OPERATION_TIMEDOUT, std::string(stage) + ": " + where + " timed out");
    if (std::strcmp(stage, "read") == 0 || std::strcmp(stage, "write") == 0)
        throw Error(VIX_E_NET_HTTP_TRANSFER,
                    std::string(stage) + ": connection to " + where + " failed: " + std::strerror(err));
    throw Error(VIX_E_NET_HTTP_COULDNT_CONNECT, std::string(stage) + ": " + where + ": " + std::strerror(err));
}

void Connection::wait(short events, const Deadline& dl, const char* stage) {
    for (;;) {
        const int ms = dl.remaining_ms();
        if (ms == 0) {
            const std::string where = ep_.authority();
            abandon();
            throw Error(VIX_E_NET_HTTP_OPERATION_TIMEDOUT,
                        std::string(stage) + ": no progress with " + where + " within the " + seconds_text(dl) +
                            " deadline");
        }
        pollfd p{fd_, events, 0};
        const int rc = ::poll(&p, 1, ms);
        if (rc > 0) return;  // readable, writable or error: the next call tells which
        if (rc < 0 && errno == EINTR && dl.interrupted()) {
            const std::string where = ep_.authority();
            abandon();
            throw Error(VIX_E_CANCELLED, std::string(stage) + ": interrupted by a signal while talking to " + where);
        }
        if (rc < 0 && errno != EINTR) fail_io(stage, errno);
    }
}

void Connection::open(const Endpoint& ep, const TlsContext* tls, const Deadline& dl) {
    abandon();
    ep_ = ep;
    const Addresses addrs = resolve(ep, dl);
    int last_err = ECONNREFUSED;
    for (std::size_t i = 0; i < addrs.addrs.size() && fd_ < 0; ++i) {
        const auto* sa = reinterpret_cast<const sockaddr*>(&addrs.addrs[i]);
        const int fd = ::socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            last_err = errno;
            continue;
        }
        fd_ = fd;
        if (::connect(fd, sa, addrs.lens[i]) != 0 && errno != EINPROGRESS) {
            last_err = errno;
            ::close(fd);
            fd_ = -1;
            continue;
        }
        wait(POLLOUT, dl, "connect");
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            last_err = err;
            ::close(fd);
            fd_ = -1;
        }
    }
    if (fd_ < 0)
        throw Error(VIX_E_NET_HTTP_COULDNT_CONNECT,
                    "connect: cannot connect to " + ep.authority() + ": " + std::strerror(last_err));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    if (!ep.tls) return;
    ssl_ = SSL_new(tls->native());
    BIO* bio = ssl_ ? new_socket_bio(fd_) : nullptr;
    if (!bio) {
        abandon();
        throw Error(VIX_E_NET_HTTP_SSL_CONNECT_ERROR, "handshake: out of memory setting up TLS");
    }
    SSL_set_bio(ssl_, bio, bio);
    try {
        tls->prepare(ssl_, ep);
    } catch (...) {
        abandon();
        throw;
    }
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_connect(ssl_);
        if (rc == 1) break;
        const int e = SSL_get_error(ssl_, rc);
        if (e == SSL_ERROR_WANT_READ) {
            wait(POLLIN, dl, "handshake");
        } else if (e == SSL_ERROR_WANT_WRITE) {
            wait(POLLOUT, dl, "handshake");
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

std::size_t Connection::read_some(char* buf, std::size_t len, const Deadline& dl) {
    for (;;) {
        if (!ssl_) {
            const ssize_t n = ::recv(fd_, buf, len, 0);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                wait(POLLIN, dl, "read");
                continue;
            }
            fail_io("read", errno);
        }
        ERR_clear_error();
        const int n = SSL_read(ssl_, buf, static_cast<int>(std::min<std::size_t>(len, 1 << 30)));
        if (n > 0) return static_cast<std::size_t>(n);
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_READ) {
            wait(POLLIN, dl, "read");
        } else if (e == SSL_ERROR_WANT_WRITE) {
            wait(POLLOUT, dl, "read");
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
            const std::string where = ep_.authority();
            abandon();
            throw Error(VIX_E_NET_HTTP_TRANSFER, "read: TLS error from " + where + ": " + b);
        }
    }
}

void Connection::write_all(std::string_view data, const Deadline& dl) {
    while (!data.empty()) {
        if (!ssl_) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n >= 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
            } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                wait(POLLOUT, dl, "write");
            } else {
                fail_io("write", errno);
            }
            continue;
        }
        ERR_clear_error();
        const int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30)));
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_WRITE) {
            wait(POLLOUT, dl, "write");
        } else if (e == SSL_ERROR_WANT_READ) {
            wait(POLLIN, dl, "write");
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

HttpResponse Connection::exchange(std::string_view request, const Deadline& dl, bool& received) {
    received = false;
    write_all(request, dl);

    using Body = http::basic_string_body<char, std::char_traits<char>, WipingAllocator<char>>;
    using Parser = http::response_parser<Body, WipingAllocator<char>>;
    boost::beast::basic_flat_buffer<WipingAllocator<char>> buf;
    const auto fail = [&](const std::string& why) {
        const std::string where = ep_.authority();
        abandon();
        throw Error(VIX_E_NET_HTTP_TRANSFER, "read: " + where + why);
    };

    // Interim 1xx responses are skipped (RFC 9110); bounded like everything
    // else by the deadline, and by a count.
    for (int interim = 0;; ++interim) {
        if (interim > 10) fail(" sent more than 10 interim (1xx) responses");
        Parser parser;
        parser.body_limit(kMaxBody);
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
                if (ec == http::error::body_limit) fail(" sent a response larger than the 32 MiB limit");
                if (ec) fail(" sent a bad HTTP response: " + ec.message());
                if (parser.is_header_done() && !header_checked) {
                    header_checked = true;
                    const auto length = parser.content_length();
                    if (length && *length > kMaxBody) fail(" announced a response larger than the 32 MiB limit");
                    parser.eager(true);
                }
                if (used == 0) break;
            }
            if (parser.is_done()) break;

            auto space = buf.prepare(16 * 1024);
            const std::size_t n = read_some(static_cast<char*>(space.data()), space.size(), dl);
            if (n == 0) {
                // End of stream: complete only for a close-delimited body
                // that has begun; before any byte it is no response at all.
                if (!parser.got_some()) fail(received ? " closed the connection in the middle of the response"
                                                       : " closed the connection without a response");
                parser.put_eof(ec);
                if (ec || !parser.is_done()) fail(" closed the connection in the middle of the response");
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
    if (ssl_) {
        SSL_free(ssl_);  // frees the BIO too; SSL_free sends nothing
        ssl_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

// ---- Client --------------------------------------------------------------------

Client::Client(Endpoint ep, std::shared_ptr<const TlsContext> tls, std::string user_agent)
    : ep_(std::move(ep)), tls_(std::move(tls)), user_agent_(std::move(user_agent)) {}

static bool same_origin(const Endpoint& a, const Endpoint& b) {
    return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

HttpResponse Client::post(std::string_view soap_action, std::string_view body, const Deadline& dl) {
    constexpr int kMaxRedirects = 5;
    for (int redirects = 0;; ++redirects) {
        bool reused = conn_.is_open() && same_origin(conn_.endpoint(), ep_);
        if (!reused) conn_.open(ep_, tls_.get(), dl);

        Secret request;
        WipedString& req = request.str();
        req.reserve(body.size() + 400);
        req += "POST ";
        req += ep_.path;
        req += " HTTP/1.1\r\nHost: ";
        const bool default_port = ep_.port == (ep_.tls ? 443 : 80);
        req += default_port ? (ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]" : ep_.host)
                            : ep_.authority();
        req += "\r\nUser-Agent: ";
        req += user_agent_;
        req += "\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"";
        req += soap_action;
        req += "\"\r\nContent-Length: ";
        req += std::to_string(body.size());
        if (!cookie_.empty()) {
            req += "\r\nCookie: vmware_soap_session=";
            req += cookie_.view();
        }
        req += "\r\n\r\n";
        req.append(body.data(), body.size());

        bool received = false;
        HttpResponse r;
        try {
            r = conn_.exchange(request.view(), dl, received);
        } catch (const Error& e) {
            // A kept-alive connection the server closed while idle: reconnect once.
            if (!reused || received || e.code() == VIX_E_NET_HTTP_OPERATION_TIMEDOUT) throw;
            conn_.open(ep_, tls_.get(), dl);
            r = conn_.exchange(request.view(), dl, received);
        }
        if (!r.session_cookie.empty()) cookie_ = r.session_cookie;

        const unsigned s = r.status;
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) return r;
        if (r.location.empty()) return r;  // nowhere to go: the caller reports the status
        if (redirects == kMaxRedirects)
            throw Error(VIX_E_NET_HTTP_TOO_MANY_REDIRECTS,
                        "more than " + std::to_string(kMaxRedirects) + " redirects, last from " + ep_.url());
        Endpoint next = resolve_location(ep_, r.location);
        if (ep_.tls && !next.tls)
            throw Error(VIX_E_NET_HTTP_SSL_SECURITY, "refusing redirect from " + ep_.url() + " to plain http " +
                                                         next.url());
        if (!same_origin(next, ep_)) conn_.shutdown(dl);
        ep_ = std::move(next);
    }
}

}  // namespace vix
