#include <catch2/catch.hpp>

#include "vix/endpoint.h"
#include "vix/errors.h"

using namespace vix;

static std::int64_t code_of(const char* in) {
    try {
        parse_endpoint(in);
    } catch (const Error& e) {
        return e.code();
    }
    return VIX_OK;
}

TEST_CASE("endpoint: full https URL") {
    Endpoint e = parse_endpoint("https://vc.example.com:8443/sdk");
    REQUIRE(e.tls);
    REQUIRE(e.host == "vc.example.com");
    REQUIRE(e.port == 8443);
    REQUIRE(e.path == "/sdk");
    REQUIRE_FALSE(e.host_is_ip);
}

TEST_CASE("endpoint: defaults for a bare name, http, case and whitespace") {
    Endpoint e = parse_endpoint("  viserver\n");
    REQUIRE((e.tls && e.host == "viserver" && e.port == 443 && e.path == "/sdk"));
    e = parse_endpoint("HTTP://esx01");
    REQUIRE((!e.tls && e.port == 80 && e.path == "/sdk"));
    e = parse_endpoint("esx01:8333");
    REQUIRE((e.tls && e.port == 8333));
    e = parse_endpoint("https://esx01/");
    REQUIRE(e.path == "/sdk");
    e = parse_endpoint("https://esx01/custom/sdk");
    REQUIRE(e.path == "/custom/sdk");
}

TEST_CASE("endpoint: IPv4 literal") {
    Endpoint e = parse_endpoint("127.0.0.1:4443");
    REQUIRE((e.host == "127.0.0.1" && e.host_is_ip && e.port == 4443));
}

TEST_CASE("endpoint: bracketed IPv6 forms") {
    Endpoint e = parse_endpoint("[::1]");
    REQUIRE((e.host == "::1" && e.host_is_ip && e.port == 443));
    e = parse_endpoint("[::1]:8443");
    REQUIRE(e.port == 8443);
    e = parse_endpoint("https://[::1]:8443/sdk");
    REQUIRE((e.host == "::1" && e.port == 8443 && e.path == "/sdk"));
    REQUIRE(e.authority() == "[::1]:8443");
}

TEST_CASE("endpoint: bare IPv6") {
    Endpoint e = parse_endpoint("fe80::1");
    REQUIRE((e.host == "fe80::1" && e.host_is_ip && e.port == 443));
    REQUIRE(parse_endpoint("::1").host == "::1");
}

TEST_CASE("endpoint: errors") {
    REQUIRE(code_of("") == VIX_E_INVALID_HOSTNAME_SPECIFICATION);
    REQUIRE(code_of("   ") == VIX_E_INVALID_HOSTNAME_SPECIFICATION);
    REQUIRE(code_of("ftp://host/sdk") == VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL);
    REQUIRE(code_of("gopher://host") == VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL);
    REQUIRE(code_of("https://host:0/sdk") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("https://host:65536/sdk") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("host:80a") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("host:") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("https://root:pw@host/sdk") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("https:///sdk") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("[::1") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("[nothex]") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("ho st") == VIX_E_NET_HTTP_URL_MALFORMAT);
    REQUIRE(code_of("1:2:3:zz") == VIX_E_NET_HTTP_URL_MALFORMAT);
}

TEST_CASE("endpoint: the detail never repeats a password given inside the URL") {
    try {
        parse_endpoint("https://root:hunter2@host/sdk");
        FAIL("accepted");
    } catch (const Error& e) {
        REQUIRE(e.code() == VIX_E_NET_HTTP_URL_MALFORMAT);
        REQUIRE(e.detail().find("hunter2") == std::string::npos);
    }
    for (const char* url : {"https://root:s3/cr3t@127.0.0.1:443/sdk", "root:s3/cr3t@127.0.0.1", "http://u:a@b/c@h/x"}) {
        try {
            parse_endpoint(url);
            FAIL("accepted " << url);
        } catch (const Error& e) {
            INFO(e.detail());
            REQUIRE(e.detail().find("cr3t") == std::string::npos);
            REQUIRE(e.detail().find("b/c") == std::string::npos);
            REQUIRE(e.detail().find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("endpoint: redirect locations") {
    Endpoint base = parse_endpoint("https://a.example:8443/sdk");
    Endpoint r = resolve_location(base, "/other");
    REQUIRE((r.host == "a.example" && r.port == 8443 && r.path == "/other"));
    r = resolve_location(base, "http://b.example/x");
    REQUIRE((!r.tls && r.host == "b.example" && r.port == 80 && r.path == "/x"));
    r = resolve_location(base, "https://c.example");
    REQUIRE(r.path == "/");
}
