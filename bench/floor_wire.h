// floor_wire.h: the floor clients' whole wire layer (plain sockets,
// OpenSSL, hand-written HTTP/1.1 and SOAP), shared by floor.cpp (login
// cycles) and floor_vm.cpp (VM operations). Deliberately independent of the
// module's code: the floor is what the same wire work costs with nothing
// else around it.
#pragma once
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

namespace wire {

struct Url {
    std::string host, port, path, hostport;
};

inline Url parse_url(const std::string& u) {
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

inline double now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

inline double cpu_ms() {
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

inline long vmrss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, 6, "VmRSS:") == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

inline std::string ssl_err() {
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

inline std::string xml_escape(const std::string& s) {
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

inline std::string envelope(const std::string& body) {
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
inline const size_t kMaxResponse = 8 << 20;

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


inline SSL_CTX* g_ctx;
inline addrinfo* g_addr;

inline void open_tls(Conn& c, double* t_tcp) {
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

inline void close_conn(Conn& c) {
    if (c.ssl) {
        SSL_shutdown(c.ssl);  // send close_notify; don't wait for the peer's
        SSL_free(c.ssl);
        c.ssl = nullptr;
    }
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
}

inline void retrieve_service_content(Conn& c, const Url& u) {
    Response r = c.call(u, "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">"
                           "ServiceInstance</_this></RetrieveServiceContent>");
    size_t p = r.body.find("<sessionManager");
    if (r.status != 200 || p == std::string::npos)
        throw std::runtime_error("RetrieveServiceContent failed, HTTP " + std::to_string(r.status));
    size_t gt = r.body.find('>', p), lt = r.body.find('<', gt);
    c.sm = r.body.substr(gt + 1, lt - gt - 1);
}

inline void login(Conn& c, const Url& u, const std::string& user, const std::string& pass) {
    Response r = c.call(u, "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + c.sm +
                               "</_this><userName>" + xml_escape(user) + "</userName><password>" +
                               xml_escape(pass) + "</password></Login>");
    if (r.status != 200 || r.body.find("LoginResponse") == std::string::npos)
        throw std::runtime_error("Login failed, HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
    if (r.set_cookie.empty()) throw std::runtime_error("Login sent no vmware_soap_session cookie");
    c.cookie = r.set_cookie;
}

inline void logout(Conn& c, const Url& u) {
    Response r = c.call(u, "<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + c.sm +
                               "</_this></Logout>");
    if (r.status != 200 || r.body.find("LogoutResponse") == std::string::npos)
        throw std::runtime_error("Logout failed, HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
}

inline double pct(std::vector<double> v, double p) {  // nearest-rank percentile
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t k = (size_t)std::max(1.0, std::ceil(p / 100.0 * v.size()));
    return v[k - 1];
}

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace wire
