// Sessions that live for hours (SPEC-VM 16) and the transport's waits,
// against the fake server.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "fake_vsphere.h"
#include "vix/config.h"
#include "vix/errors.h"
#include "vix/vim/datastore.h"
#include "vix/vim/session.h"

using namespace vix;
using namespace std::chrono;

namespace {

std::shared_ptr<const TlsContext> plain_tls() {
    static auto ctx = std::make_shared<const TlsContext>(Settings{});
    return ctx;
}

std::unique_ptr<Session> login(FakeVsphere& fake, milliseconds timeout = milliseconds(5000)) {
    auto s = std::make_unique<Session>(parse_endpoint(fake.url()), plain_tls(), "test", timeout);
    s->connect("root", "pw", false, s->request_deadline());
    return s;
}

std::int64_t code_of(const std::function<void()>& f, std::string* detail = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (detail) *detail = e.detail();
        return e.code();
    }
    return VIX_OK;
}

long long ms_since(steady_clock::time_point t0) {
    return duration_cast<milliseconds>(steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("session: a kept-alive connection the server closed while idle is reopened, same session") {
    FakeVsphere fake("root", "pw");
    fake.set_idle_close(200);
    auto s = login(fake);
    REQUIRE_FALSE(s->acquire_clone_ticket(s->request_deadline()).empty());
    std::this_thread::sleep_for(milliseconds(700));  // the server closes the idle connection
    REQUIRE_FALSE(s->acquire_clone_ticket(s->request_deadline()).empty());
    REQUIRE(fake.connections() == 2);
    REQUIRE(fake.logins() == 1);
    const auto callers = fake.ticket_callers();
    REQUIRE(callers.size() == 2);
    REQUIRE(callers[0] == callers[1]);  // the same session cookie on the new connection
    s->logout(s->request_deadline());
    REQUIRE(fake.active_sessions() == 0);
}

TEST_CASE("session: an expired session is logged in again once, and the call retried") {
    FakeVsphere fake("root", "pw");
    auto s = login(fake);
    fake.expire_sessions();
    REQUIRE_FALSE(s->acquire_clone_ticket(s->request_deadline()).empty());
    REQUIRE(fake.logins() == 2);
    const auto callers = fake.ticket_callers();
    REQUIRE(callers.size() == 2);
    REQUIRE(callers[0] != callers[1]);  // retried with the new cookie
    // Every connection of the pool uses the new cookie.
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i) ts.emplace_back([&] { s->acquire_clone_ticket(s->request_deadline()); });
    for (auto& t : ts) t.join();
    for (const auto& c : fake.ticket_callers()) REQUIRE((c == callers[1] || c == callers[0]));
    REQUIRE(fake.logins() == 2);
    s->logout(s->request_deadline());
    REQUIRE(fake.active_sessions() == 0);
}

TEST_CASE("session: when logging in again fails, VIX_E_HOST_CONNECTION_LOST says the session expired") {
    FakeVsphere fake("root", "pw");
    auto s = login(fake);
    fake.set_password("changed");
    fake.expire_sessions();
    std::string detail;
    REQUIRE(code_of([&] { s->acquire_clone_ticket(s->request_deadline()); }, &detail) == VIX_E_HOST_CONNECTION_LOST);
    REQUIRE_THAT(detail, Catch::Contains("expired"));
    REQUIRE(detail.find("changed") == std::string::npos);
    REQUIRE(detail.find("pw") == std::string::npos);
}

TEST_CASE("session: a clone-ticket session that expired is VIX_E_HOST_CONNECTION_LOST, no login") {
    FakeVsphere fake("root", "pw");
    auto owner = login(fake);
    const Secret ticket = owner->acquire_clone_ticket(owner->request_deadline());
    Session clone(parse_endpoint(fake.url()), plain_tls(), "test", milliseconds(5000));
    clone.connect({}, ticket.view(), true, clone.request_deadline());
    fake.expire_sessions();
    std::string detail;
    REQUIRE(code_of([&] { clone.acquire_clone_ticket(clone.request_deadline()); }, &detail) ==
            VIX_E_HOST_CONNECTION_LOST);
    REQUIRE_THAT(detail, Catch::Contains("expired") && Catch::Contains("clone ticket"));
    REQUIRE(fake.logins() == 1);
}

TEST_CASE("session: 4 threads on one session run in parallel, never more than 4 connections") {
    FakeVsphere fake("root", "pw");
    auto s = login(fake);
    fake.set_slow(400);
    auto run = [&](int threads) {
        std::atomic<int> ok{0};
        const auto t0 = steady_clock::now();
        std::vector<std::thread> ts;
        for (int i = 0; i < threads; ++i)
            ts.emplace_back([&] {
                if (!s->acquire_clone_ticket(s->request_deadline()).empty()) ++ok;
            });
        for (auto& t : ts) t.join();
        REQUIRE(ok == threads);
        return ms_since(t0);
    };
    const long long four = run(4);
    CHECK(four < 800);  // one call's 400 ms, not four's 1600
    REQUIRE(fake.max_concurrent() == 4);
    REQUIRE(s->open_connections() <= Session::kMaxConnections);
    const long long eight = run(8);  // two rounds on 4 connections
    CHECK(eight >= 790);
    CHECK(eight < 1600);
    REQUIRE(fake.connections() == 4);
    REQUIRE(fake.max_concurrent() == 4);
    s->logout(s->request_deadline());
}

TEST_CASE("transport: a call may wait as long as its own deadline says, past request_timeout") {
    FakeVsphere fake("root", "pw");
    auto s = login(fake, milliseconds(300));
    fake.set_slow(700);
    // The short default bound trips...
    std::string detail;
    REQUIRE(code_of([&] { s->acquire_clone_ticket(s->request_deadline()); }, &detail) ==
            VIX_E_NET_HTTP_OPERATION_TIMEDOUT);
    REQUIRE_THAT(detail, Catch::Contains("read"));
    // ...a long poll's own bound does not, and nothing shorter hides below it.
    const Deadline long_poll(s->request_timeout() + milliseconds(2000));
    REQUIRE_FALSE(s->acquire_clone_ticket(long_poll).empty());
}

namespace {
std::atomic<bool> g_signal{false};
bool signal_pending() { return g_signal.load(); }
}  // namespace

TEST_CASE("transport: a pending signal stops a wait with VIX_E_CANCELLED within 50 ms") {
    FakeVsphere fake("root", "pw");
    auto s = login(fake);
    fake.set_slow(2000);
    g_signal = false;
    std::atomic<long long> raised_at{0};
    const auto t0 = steady_clock::now();
    std::thread raiser([&] {
        std::this_thread::sleep_for(milliseconds(200));
        raised_at = ms_since(t0);
        g_signal = true;
    });
    std::string detail;
    const std::int64_t code =
        code_of([&] { s->acquire_clone_ticket(Deadline(milliseconds(10000), signal_pending)); }, &detail);
    const long long stopped_at = ms_since(t0);
    raiser.join();
    g_signal = false;
    REQUIRE(code == VIX_E_CANCELLED);
    REQUIRE_THAT(detail, Catch::Contains("interrupted by a signal"));
    CHECK(stopped_at - raised_at < 50);
}

TEST_CASE("datastore files: the /folder target escapes the path, the datacenter path and the datastore") {
    DatacenterInfo dc;
    dc.name = "DC 1";
    dc.path = "Lab/DC 1";
    DatastorePath f;
    REQUIRE(parse_datastore_path("[ds#1&x] my vm/\xc3\xa9t\xc3\xa9?-1.png", f));
    REQUIRE(datastore_file_target(dc, f) ==
            "/folder/my%20vm/%C3%A9t%C3%A9%3F-1.png?dcPath=Lab%2FDC%201&dsName=ds%231%26x");
}

TEST_CASE("session: get_bytes sends the cookie, reads the body, maps 404, logs in again on 401") {
    FakeVsphere fake("root", "pw");
    const std::string png("\x89PNG\r\n\x1a\n\0\0binary", 16);
    fake.put_file("/folder/vm/vm-1.png?dcPath=DC0&dsName=ds", png);
    auto s = login(fake);
    REQUIRE(s->get_bytes("/folder/vm/vm-1.png?dcPath=DC0&dsName=ds", s->request_deadline()) == png);
    std::string detail;
    REQUIRE(code_of([&] { s->get_bytes("/folder/vm/none.png?dcPath=DC0&dsName=ds", s->request_deadline()); },
                    &detail) == VIX_E_FILE_NOT_FOUND);
    REQUIRE_THAT(detail, Catch::Contains("/folder/vm/none.png") && Catch::Contains("404"));
    // The SOAP calls of the pooled connection still work after a GET.
    REQUIRE_FALSE(s->acquire_clone_ticket(s->request_deadline()).empty());
    fake.expire_sessions();
    REQUIRE(s->get_bytes("/folder/vm/vm-1.png?dcPath=DC0&dsName=ds", s->request_deadline()) == png);
    REQUIRE(fake.logins() == 2);
    REQUIRE(fake.gets().size() == 4);  // ok, 404, 401, ok
    s->logout(s->request_deadline());
    // Logged out: no re-login, the session is gone.
    REQUIRE(code_of([&] { s->get_bytes("/folder/vm/vm-1.png?dcPath=DC0&dsName=ds", s->request_deadline()); }) ==
            VIX_E_HOST_CONNECTION_LOST);
}
