// A small real vSphere-like SOAP server over plain HTTP on 127.0.0.1, for
// Catch2 tests of the host layer (the Perl suite uses VMware's simulator).
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

class FakeVsphere {
public:
    FakeVsphere(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(fd_, 64);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~FakeVsphere() {
        stop_ = true;
        acceptor_.join();
        for (auto& w : workers_) w.join();
        ::close(fd_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sdk"; }
    std::size_t active_sessions() {
        std::lock_guard<std::mutex> lk(mu_);
        return sessions_.size();
    }
    int logins() const { return logins_; }
    // Connections accepted so far.
    int connections() const { return connections_; }
    // A keep-alive connection idle this long is closed by the server.
    void set_idle_close(int ms) { idle_close_ms_ = ms; }
    // AcquireCloneTicket answers after this delay (a slow call, a long poll).
    void set_slow(int ms) { slow_ms_ = ms; }
    void set_password(std::string p) {
        std::lock_guard<std::mutex> lk(mu_);
        password_ = std::move(p);
    }
    // The server forgets every session (as TerminateSession would).
    void expire_sessions() {
        std::lock_guard<std::mutex> lk(mu_);
        sessions_.clear();
    }
    // The session keys that AcquireCloneTicket calls came with, in order.
    std::vector<std::string> ticket_callers() {
        std::lock_guard<std::mutex> lk(mu_);
        return ticket_callers_;
    }
    int max_concurrent() const { return max_busy_; }
    // A file GET may fetch (the datastore file interface): the exact request
    // target -> the body. Any other target is 404; no valid session, 401.
    void put_file(std::string target, std::string body) {
        std::lock_guard<std::mutex> lk(mu_);
        files_[std::move(target)] = std::move(body);
    }
    // The targets GETs asked for, in order.
    std::vector<std::string> gets() {
        std::lock_guard<std::mutex> lk(mu_);
        return gets_;
    }

private:
    void accept_loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            ++connections_;
            std::lock_guard<std::mutex> lk(mu_);
            workers_.emplace_back([this, c] { serve(c); });
        }
    }

    static std::string envelope(const std::string& inner) {
        return "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
               "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>" +
               inner + "</soapenv:Body></soapenv:Envelope>";
    }

    static std::string between(const std::string& s, const std::string& open, const std::string& close) {
        const std::size_t a = s.find(open);
        if (a == std::string::npos) return {};
        const std::size_t b = s.find(close, a + open.size());
        return b == std::string::npos ? std::string{} : s.substr(a + open.size(), b - a - open.size());
    }

    static std::string unescape(std::string s) {
        const std::pair<const char*, char> ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''},
                                                     {"&amp;", '&'}};
        for (const auto& e : ents)
            for (std::size_t p = s.find(e.first); p != std::string::npos; p = s.find(e.first, p + 1))
                s.replace(p, std::string(e.first).size(), 1, e.second);
        return s;
    }

    void serve(int c) {
        std::string in;
        char buf[8192];
        int idle_ms = 0;
        while (!stop_ && idle_ms < (idle_close_ms_ > 0 ? idle_close_ms_.load() : 10000)) {
            const std::size_t end = in.find("\r\n\r\n");
            if (end != std::string::npos) {
                const std::string head = in.substr(0, end);
                const std::size_t cl = static_cast<std::size_t>(std::stoul("0" + between(head + "\r\n", "Content-Length: ", "\r\n")));
                if (in.size() >= end + 4 + cl) {
                    const std::string body = in.substr(end + 4, cl);
                    const std::string cookie = between(head + "\r\n", "vmware_soap_session=", "\r\n");
                    in.erase(0, end + 4 + cl);
                    const std::string resp = head.compare(0, 4, "GET ") == 0
                                                 ? handle_get(head.substr(4, head.find(' ', 4) - 4), cookie)
                                                 : handle(body, cookie);
                    if (::send(c, resp.data(), resp.size(), MSG_NOSIGNAL) < 0) break;
                    continue;
                }
            }
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                idle_ms += 50;
                continue;
            }
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            idle_ms = 0;
            in.append(buf, static_cast<std::size_t>(n));
        }
        ::close(c);
    }

    std::string handle_get(const std::string& target, const std::string& cookie) {
        std::lock_guard<std::mutex> lk(mu_);
        gets_.push_back(target);
        const auto it = files_.find(target);
        const std::string key = cookie.substr(1, cookie.size() >= 2 ? cookie.size() - 2 : 0);
        const int status = sessions_.count(key) == 0 ? 401 : it == files_.end() ? 404 : 200;
        const std::string body = status == 200 ? it->second : std::string();
        return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : status == 401 ? " Unauthorized" : " Not Found") +
               "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    std::string handle(const std::string& body, const std::string& cookie) {
        if (body.find("<AcquireCloneTicket") != std::string::npos && slow_ms_ > 0) {
            const int now = ++busy_;
            for (int m = max_busy_; now > m && !max_busy_.compare_exchange_weak(m, now);) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
            --busy_;
        }
        std::string extra_header, inner;
        int status = 200;
        auto fault = [&](const std::string& type) {
            status = 500;
            inner = "<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>refused</faultstring><detail><" +
                    type + "Fault xmlns=\"urn:vim25\" xsi:type=\"" + type + "\"/></detail></soapenv:Fault>";
        };
        std::lock_guard<std::mutex> lk(mu_);
        if (body.find("<RetrieveServiceContent") != std::string::npos) {
            inner = "<RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval><about><fullName>Fake vSphere 1.0 "
                    "build-42</fullName><apiVersion>8.0</apiVersion></about><sessionManager "
                    "type=\"SessionManager\">SessionManager</sessionManager></returnval></RetrieveServiceContentResponse>";
        } else if (body.find("<Login ") != std::string::npos) {
            if (unescape(between(body, "<userName>", "</userName>")) == user_ &&
                unescape(between(body, "<password>", "</password>")) == password_) {
                const std::string key = "s" + std::to_string(++next_session_);
                sessions_.insert(key);
                ++logins_;
                extra_header = "Set-Cookie: vmware_soap_session=\"" + key + "\"; Path=/; HttpOnly\r\n";
                inner = "<LoginResponse xmlns=\"urn:vim25\"><returnval><key>" + key + "</key></returnval></LoginResponse>";
            } else {
                fault("InvalidLogin");
            }
        } else if (body.find("<AcquireCloneTicket") != std::string::npos) {
            const std::string key = cookie.substr(1, cookie.size() >= 2 ? cookie.size() - 2 : 0);
            ticket_callers_.push_back(key);
            if (sessions_.count(key) == 1) {
                const std::string ticket = "cst-" + std::to_string(++next_session_);
                tickets_.insert(ticket);
                inner = "<AcquireCloneTicketResponse xmlns=\"urn:vim25\"><returnval>" + ticket +
                        "</returnval></AcquireCloneTicketResponse>";
            } else {
                fault("NotAuthenticated");
            }
        } else if (body.find("<CloneSession ") != std::string::npos) {
            if (tickets_.erase(between(body, "<cloneTicket>", "</cloneTicket>")) == 1) {
                const std::string key = "s" + std::to_string(++next_session_);
                sessions_.insert(key);
                extra_header = "Set-Cookie: vmware_soap_session=\"" + key + "\"; Path=/; HttpOnly\r\n";
                inner = "<CloneSessionResponse xmlns=\"urn:vim25\"><returnval><key>" + key +
                        "</key></returnval></CloneSessionResponse>";
            } else {
                fault("InvalidLogin");
            }
        } else if (body.find("<Logout ") != std::string::npos) {
            if (sessions_.erase(cookie.substr(1, cookie.size() >= 2 ? cookie.size() - 2 : 0)) == 1)
                inner = "<LogoutResponse xmlns=\"urn:vim25\"/>";
            else
                fault("NotAuthenticated");
        } else {
            fault("MethodNotFound");
        }
        const std::string payload = envelope(inner);
        return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Internal Server Error") +
               "\r\nContent-Type: text/xml; charset=utf-8\r\n" + extra_header +
               "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n" + payload;
    }

    std::string user_, password_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::mutex mu_;
    std::vector<std::thread> workers_;
    std::set<std::string> sessions_;
    std::set<std::string> tickets_;
    std::vector<std::string> ticket_callers_;
    std::map<std::string, std::string> files_;
    std::vector<std::string> gets_;
    std::atomic<int> connections_{0};
    std::atomic<int> idle_close_ms_{0};
    std::atomic<int> slow_ms_{0};
    std::atomic<int> busy_{0};
    std::atomic<int> max_busy_{0};
    int next_session_ = 0;
    std::atomic<int> logins_{0};
};
