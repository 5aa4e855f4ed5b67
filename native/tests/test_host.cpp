#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "fake_vsphere.h"
#include "vix/host.h"

using namespace vix;

static IntArg I(std::int64_t v) { return {IntArg::Int, v}; }
static StrArg S(std::string_view s) { return {StrArg::Bytes, s}; }

static ConnectArgs vi_args(std::string_view url, std::string_view user, std::string_view pass) {
    ConnectArgs a;
    a.api_version = I(VIX_API_VERSION);
    a.host_type = I(VIX_SERVICEPROVIDER_VMWARE_VI_SERVER);
    a.host_name = S(url);
    a.host_port = I(0);
    a.user_name = S(user);
    a.password = S(pass);
    a.options = I(0);
    a.property_list = I(VIX_INVALID_HANDLE);
    return a;
}

static std::int64_t connect_code(const ConnectArgs& a) {
    int h = -1;
    const Status s = host_connect(a, h);
    REQUIRE(h == (s.ok() ? h : 0));
    if (s.ok()) host_disconnect(h);
    return s.code;
}

TEST_CASE("host: argument rules in parameter order, before any traffic") {
    const std::string url = "http://127.0.0.1:1/sdk";  // nothing listens: a rule must fail first
    ConnectArgs a = vi_args(url, "root", "pw");
    a.api_version = I(2);
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a.host_type = I(99);  // still apiVersion decides
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a = vi_args(url, "root", "pw");
    a.host_type = I(5);
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a = vi_args(url, "root", std::string_view("p\0w", 3));
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a = vi_args(url, "ro\xff" "ot", "pw");
    REQUIRE(connect_code(a) == VIX_E_INVALID_UTF8_STRING);
    a.options = I(1);  // userName comes first
    REQUIRE(connect_code(a) == VIX_E_INVALID_UTF8_STRING);
    a = vi_args(url, "root", "pw");
    a.options = I(0x10);
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a.options = I(0x8);  // the retired bit is ignored; then the connect fails
    REQUIRE(connect_code(a) == VIX_E_NET_HTTP_COULDNT_CONNECT);
    a = vi_args(url, "root", "pw");
    a.property_list = I(5);
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a.property_list = IntArg{};  // undef is fine
    REQUIRE(connect_code(a) == VIX_E_NET_HTTP_COULDNT_CONNECT);
}

TEST_CASE("host: credentials rules and providers") {
    ConnectArgs a = vi_args("http://127.0.0.1:1/sdk", "root", "pw");
    a.password = StrArg{};
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a.user_name = StrArg{};
    REQUIRE(connect_code(a) == VIX_E_INVALID_ARG);
    a.host_name = StrArg{};
    REQUIRE(connect_code(a) == VIX_E_INVALID_HOSTNAME_SPECIFICATION);
    a = vi_args("http://127.0.0.1:1/sdk", "root", "pw");
    a.host_type = I(VIX_SERVICEPROVIDER_VMWARE_SERVER);
    REQUIRE(connect_code(a) == VIX_E_NOT_SUPPORTED);
    a.host_type = I(VIX_SERVICEPROVIDER_VMWARE_WORKSTATION);
    REQUIRE(connect_code(a) == VIX_E_NOT_FOR_REMOTE_HOST);
}

TEST_CASE("host: connect, properties, disconnect against a real local server") {
    FakeVsphere server("root", "p<>&'\"]]>");
    const std::string url = server.url();
    ConnectArgs a = vi_args(url, "root", "p<>&'\"]]>");
    int h = 0;
    const Status s = host_connect(a, h);
    INFO(s.detail);
    REQUIRE(s.ok());
    REQUIRE(h > 0);
    REQUIRE(server.active_sessions() == 1);
    REQUIRE(handle_type(h) == VIX_HANDLETYPE_HOST);
    std::vector<PropertyValue> props;
    REQUIRE(get_properties(h, {I(VIX_PROPERTY_HOST_HOSTTYPE), I(VIX_PROPERTY_HOST_API_VERSION),
                               I(VIX_PROPERTY_HOST_SOFTWARE_VERSION)},
                           props)
                .ok());
    REQUIRE(props.size() == 3);
    REQUIRE(props[0].number == VIX_SERVICEPROVIDER_VMWARE_VI_SERVER);
    REQUIRE(props[1].number >= 1);
    REQUIRE(props[2].text == "Fake vSphere 1.0 build-42");
    REQUIRE(get_properties(h, {I(12345)}, props).code == VIX_E_UNRECOGNIZED_PROPERTY);
    host_disconnect(h);
    REQUIRE(server.active_sessions() == 0);
    REQUIRE(handle_type(h) == VIX_HANDLETYPE_NONE);
    REQUIRE(get_properties(h, {I(VIX_PROPERTY_HOST_HOSTTYPE)}, props).code == VIX_E_INVALID_HANDLE);
    host_disconnect(h);  // stale: silent
}

TEST_CASE("host: wrong password is an authentication failure without the password in the detail") {
    FakeVsphere server("root", "right");
    int h = 0;
    const Status s = host_connect(vi_args(server.url(), "root", "wrong-secret"), h);
    REQUIRE(s.code == VIX_E_AUTHENTICATION_FAIL);
    REQUIRE(h == 0);
    REQUIRE(s.detail.find("InvalidLogin") != std::string::npos);
    REQUIRE(s.detail.find("wrong-secret") == std::string::npos);
}

TEST_CASE("host: HostConnect from 8 threads at once") {
    FakeVsphere server("root", "pw");
    constexpr int kThreads = 8;
    constexpr int kEach = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            std::vector<int> mine;
            for (int i = 0; i < kEach; ++i) {
                int h = 0;
                if (!host_connect(vi_args(server.url(), "root", "pw"), h).ok() || h <= 0) ++failures;
                mine.push_back(h);
            }
            for (int h : mine) host_disconnect(h);
        });
    }
    for (auto& th : threads) th.join();
    REQUIRE(failures == 0);
    REQUIRE(server.logins() == kThreads * kEach);
    REQUIRE(server.active_sessions() == 0);
    REQUIRE(open_handle_count() == 0);
}

TEST_CASE("host: disconnect_all logs out what is still open") {
    FakeVsphere server("root", "pw");
    int h1 = 0, h2 = 0;
    REQUIRE(host_connect(vi_args(server.url(), "root", "pw"), h1).ok());
    REQUIRE(host_connect(vi_args(server.url(), "root", "pw"), h2).ok());
    REQUIRE(server.active_sessions() == 2);
    disconnect_all();
    REQUIRE(server.active_sessions() == 0);
    REQUIRE(handle_type(h1) == VIX_HANDLETYPE_NONE);
}

TEST_CASE("host: UTF-8 validation") {
    REQUIRE(valid_utf8("plain"));
    REQUIRE(valid_utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
    REQUIRE_FALSE(valid_utf8("\xff"));
    REQUIRE_FALSE(valid_utf8("\xc3"));
    REQUIRE_FALSE(valid_utf8("\xc0\xaf"));          // overlong
    REQUIRE_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
    REQUIRE_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
}
