// floor: the minimal wire work of one vSphere login cycle, as a lower bound
// for every other client in bench/run.
//
//   floor URL USER PASSWORD N          -> N timed cycles, one RESULT line
//   floor URL USER PASSWORD N hold     -> hold N sessions open, RSS per session
//
// One cycle = TCP connect + TLS handshake, RetrieveServiceContent,
// SessionManager.Login, SessionManager.Logout, close.  HTTP/1.1 keep-alive on
// one connection, Content-Length request bodies, the vmware_soap_session
// cookie from Login's Set-Cookie sent with Logout.  No certificate checks
// (the simulator's certificate is self-signed).
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Url {
    std::string host, port, path, hostport;
};

Url parse_url(const std::string& u) {
    const std::string pre = "https://";
    if (u.compare(0, pre.size(), pre) != 0) throw std::runtime_error("URL must start with https://: " + u);
    std::string rest = u.substr(pre.size());
    Url r;
    size_t slash = rest.find('/');
    r.hostport = rest.substr(0, slash);
    r.path = slash == std::string::npos ? "/sdk" : rest.substr(slash);
    if (!r.hostport.empty() && r.hostport[0] == '[') {  // [::1]:port
        size_t close = r.hostport.find(']');
        if (close == std::string::npos) throw std::runtime_error("bad IPv6 URL: " + u);
        r.host = r.hostport.substr(1, close - 1);
        r.port = close + 1 < r.hostport.size() ? r.hostport.substr(close + 2) : "443";
    } else {
        size_t colon = r.hostport.rfind(':');
        r.host = r.hostport.substr(0, colon);
        r.port = colon == std::string::npos ? "443" : r.hostport.substr(colon + 1);
    }
    return r;
}

double now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double cpu_ms() {
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

long vmrss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, 6, "VmRSS:") == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

std::string ssl_err() {
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string envelope(const std::string& body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
           "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>";
}

struct Response {
    int status = 0;
    std::string set_cookie;  // name=value of vmware_soap_session, if sent
    std::string body;
};

// Cap on one response so a broken server cannot make us buffer forever.
const size_t kMaxResponse = 8 << 20;

struct Conn {
    int fd = -1;
    SSL* ssl = nullptr;
    std::string inbuf;  // bytes read past the previous response (keep-alive)
    std::string cookie;
    std::string sm;  // SessionManager moref from the service content

    // Reads more bytes into inbuf; throws on EOF/error.
    void fill() {
        char tmp[16384];
        int n = SSL_read(ssl, tmp, sizeof tmp);
        if (n <= 0) throw std::runtime_error("SSL_read: connection closed or failed: " + ssl_err());
        inbuf.append(tmp, n);
        if (inbuf.size() > kMaxResponse) throw std::runtime_error("response too large");
    }

    void write_all(const std::string& s) {
        size_t off = 0;
        while (off < s.size()) {  // bounded: each pass writes >0 bytes or throws
            int n = SSL_write(ssl, s.data() + off, (int)(s.size() - off));
            if (n <= 0) throw std::runtime_error("SSL_write failed: " + ssl_err());
            off += n;
        }
    }

    Response read_response() {
        size_t hdr_end;
        while ((hdr_end = inbuf.find("\r\n\r\n")) == std::string::npos) fill();
        Response r;
        std::string head = inbuf.substr(0, hdr_end);
        inbuf.erase(0, hdr_end + 4);
        if (head.compare(0, 9, "HTTP/1.1 ") != 0 && head.compare(0, 9, "HTTP/1.0 ") != 0)
            throw std::runtime_error("bad status line: " + head.substr(0, 40));
        r.status = std::atoi(head.c_str() + 9);
        long content_length = -1;
        bool chunked = false;
        size_t pos = head.find("\r\n");
        while (pos != std::string::npos) {
            size_t next = head.find("\r\n", pos + 2);
            std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
            pos = next;
            size_t colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), ::tolower);
            size_t vs = line.find_first_not_of(' ', colon + 1);
            std::string value = vs == std::string::npos ? "" : line.substr(vs);
            if (name == "content-length") content_length = std::strtol(value.c_str(), nullptr, 10);
            else if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
            else if (name == "set-cookie" && value.compare(0, 20, "vmware_soap_session=") == 0)
                r.set_cookie = value.substr(0, value.find(';'));
        }
        if (chunked) {
            // Go's net/http chunks any response over ~2 KB (RetrieveServiceContent).
            for (;;) {  // bounded by kMaxResponse via fill()
                size_t eol;
                while ((eol = inbuf.find("\r\n")) == std::string::npos) fill();
                long size = std::strtol(inbuf.c_str(), nullptr, 16);
                inbuf.erase(0, eol + 2);
                if (size == 0) {  // last chunk; no trailers expected
                    while (inbuf.size() < 2) fill();
                    inbuf.erase(0, 2);
                    break;
                }
                while (inbuf.size() < (size_t)size + 2) fill();
                r.body.append(inbuf, 0, size);
                inbuf.erase(0, size + 2);
                if (r.body.size() > kMaxResponse) throw std::runtime_error("response too large");
            }
        } else if (content_length >= 0) {
            if ((size_t)content_length > kMaxResponse) throw std::runtime_error("response too large");
            while (inbuf.size() < (size_t)content_length) fill();
            r.body = inbuf.substr(0, content_length);
            inbuf.erase(0, content_length);
        } else {
            throw std::runtime_error("response without length (not keep-alive)");
        }
        return r;
    }

    Response call(const Url& u, const std::string& body) {
        std::string env = envelope(body);
        std::string req = "POST " + u.path + " HTTP/1.1\r\nHost: " + u.hostport +
                          "\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"urn:vim25/6.5\"\r\n"
                          "Content-Length: " + std::to_string(env.size()) + "\r\n";
        if (!cookie.empty()) req += "Cookie: " + cookie + "\r\n";
        req += "\r\n" + env;
        write_all(req);
        return read_response();
    }
};

struct Phases {  // per-cycle split, to see where the time goes
    std::vector<double> tcp, tls, rsc, login, logout, close;
};

SSL_CTX* g_ctx;
addrinfo* g_addr;

void open_tls(Conn& c, double* t_tcp) {
    c.fd = socket(g_addr->ai_family, SOCK_STREAM, 0);
    if (c.fd < 0) throw std::runtime_error("socket failed");
    // Timeouts so a stuck server fails the run instead of hanging it.
    timeval tv{10, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c.fd, g_addr->ai_addr, g_addr->ai_addrlen) != 0) throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
    if (t_tcp) *t_tcp = now_ms();
    c.ssl = SSL_new(g_ctx);
    SSL_set_fd(c.ssl, c.fd);
    if (SSL_connect(c.ssl) != 1) throw std::runtime_error("TLS handshake failed: " + ssl_err());
}

void close_conn(Conn& c) {
    if (c.ssl) {
        SSL_shutdown(c.ssl);  // send close_notify; don't wait for the peer's
        SSL_free(c.ssl);
        c.ssl = nullptr;
    }
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
}

void retrieve_service_content(Conn& c, const Url& u) {
    Response r = c.call(u, "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">"
                           "ServiceInstance</_this></RetrieveServiceContent>");
    size_t p = r.body.find("<sessionManager");
    if (r.status != 200 || p == std::string::npos)
        throw std::runtime_error("RetrieveServiceContent failed, HTTP " + std::to_string(r.status));
    size_t gt = r.body.find('>', p), lt = r.body.find('<', gt);
    c.sm = r.body.substr(gt + 1, lt - gt - 1);
}

void login(Conn& c, const Url& u, const std::string& user, const std::string& pass) {
    Response r = c.call(u, "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + c.sm +
                               "</_this><userName>" + xml_escape(user) + "</userName><password>" +
                               xml_escape(pass) + "</password></Login>");
    if (r.status != 200 || r.body.find("LoginResponse") == std::string::npos)
        throw std::runtime_error("Login failed, HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
    if (r.set_cookie.empty()) throw std::runtime_error("Login sent no vmware_soap_session cookie");
    c.cookie = r.set_cookie;
}

void logout(Conn& c, const Url& u) {
    Response r = c.call(u, "<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + c.sm +
                               "</_this></Logout>");
    if (r.status != 200 || r.body.find("LogoutResponse") == std::string::npos)
        throw std::runtime_error("Logout failed, HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
}

void cycle(const Url& u, const std::string& user, const std::string& pass, Phases* ph) {
    Conn c;
    double t0 = now_ms(), t1 = 0;
    try {
        open_tls(c, &t1);
        double t2 = now_ms();
        retrieve_service_content(c, u);
        double t3 = now_ms();
        login(c, u, user, pass);
        double t4 = now_ms();
        logout(c, u);
        double t5 = now_ms();
        close_conn(c);
        double t6 = now_ms();
        if (ph) {
            ph->tcp.push_back(t1 - t0);
            ph->tls.push_back(t2 - t1);
            ph->rsc.push_back(t3 - t2);
            ph->login.push_back(t4 - t3);
            ph->logout.push_back(t5 - t4);
            ph->close.push_back(t6 - t5);
        }
    } catch (...) {
        close_conn(c);
        throw;
    }
}

double pct(std::vector<double> v, double p) {  // nearest-rank percentile
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t k = (size_t)std::max(1.0, std::ceil(p / 100.0 * v.size()));
    return v[k - 1];
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s URL USER PASSWORD N [hold]\n", argv[0]);
        return 2;
    }
    try {
        Url u = parse_url(argv[1]);
        std::string user = argv[2], pass = argv[3];
        long n = std::strtol(argv[4], nullptr, 10);
        bool hold = argc > 5 && std::string(argv[5]) == "hold";
        if (n <= 0) throw std::runtime_error("N must be > 0");

        g_ctx = SSL_CTX_new(TLS_client_method());  // default context; verify mode is NONE by default
        if (!g_ctx) throw std::runtime_error("SSL_CTX_new: " + ssl_err());
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &g_addr) != 0)
            throw std::runtime_error("cannot resolve " + u.host);

        // One untimed warm-up cycle: lazy library init must not count as per-cycle cost.
        cycle(u, user, pass, nullptr);

        if (!hold) {
            std::vector<double> lat;
            lat.reserve(n);
            Phases ph;
            double c0 = cpu_ms(), w0 = now_ms();
            for (long i = 0; i < n; i++) {
                double t = now_ms();
                cycle(u, user, pass, &ph);
                lat.push_back(now_ms() - t);
            }
            double wall = now_ms() - w0, cpu = cpu_ms() - c0;
            std::printf("RESULT client=floor mode=cycle n=%ld median_ms=%.3f p95_ms=%.3f wall_s=%.3f "
                        "cpu_ms_per_cycle=%.3f tcp_ms=%.3f tls_ms=%.3f rsc_ms=%.3f login_ms=%.3f "
                        "logout_ms=%.3f close_ms=%.3f\n",
                        n, median(lat), pct(lat, 95), wall / 1e3, cpu / n, median(ph.tcp), median(ph.tls),
                        median(ph.rsc), median(ph.login), median(ph.logout), median(ph.close));
        } else {
            long before = vmrss_kb();
            std::vector<Conn> conns(n);
            for (long i = 0; i < n; i++) {
                open_tls(conns[i], nullptr);
                retrieve_service_content(conns[i], u);
                login(conns[i], u, user, pass);
            }
            long after = vmrss_kb();
            for (long i = 0; i < n; i++) {
                logout(conns[i], u);
                close_conn(conns[i]);
            }
            std::printf("RESULT client=floor mode=hold n=%ld rss_before_kb=%ld rss_after_kb=%ld "
                        "rss_kb_per_session=%.1f\n",
                        n, before, after, (double)(after - before) / n);
        }
        freeaddrinfo(g_addr);
        SSL_CTX_free(g_ctx);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floor: %s\n", e.what());
        return 1;
    }
    return 0;
}
