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
#include "floor_wire.h"

namespace {

using namespace wire;

struct Phases {  // per-cycle split, to see where the time goes
    std::vector<double> tcp, tls, rsc, login, logout, close;
};

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
