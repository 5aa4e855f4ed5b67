#include <unistd.h>
#include <cstdlib>
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "vix/errors.h"
#include "vix/tls.h"

using namespace vix;

static std::int64_t context_code(const Settings& s) {
    try {
        TlsContext ctx(s);
    } catch (const Error& e) {
        return e.code();
    }
    return VIX_OK;
}

TEST_CASE("tls: thumbprints in any case, with or without colons") {
    REQUIRE(parse_thumbprint("AB:cd:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01").size() == 20);
    REQUIRE(parse_thumbprint(std::string(64, 'a')).size() == 32);
    REQUIRE(parse_thumbprint("zz").empty());
    REQUIRE(parse_thumbprint("ab:cd").empty());
    const unsigned char md[3] = {0xab, 0x01, 0xff};
    REQUIRE(format_thumbprint(md, 3) == "AB:01:FF");
}

TEST_CASE("tls: an unreadable CA file or directory is an error naming the path") {
    Settings s;
    s.verify_ssl = true;
    s.ca_file = "/nonexistent/ca.pem";
    try {
        TlsContext ctx(s);
        FAIL("accepted a missing CA file");
    } catch (const Error& e) {
        REQUIRE(e.code() == VIX_E_NET_HTTP_SSL_SECURITY);
        REQUIRE(e.detail().find("/nonexistent/ca.pem") != std::string::npos);
    }
    s.ca_file.clear();
    s.ca_dir = "/nonexistent/dir";
    REQUIRE(context_code(s) == VIX_E_NET_HTTP_SSL_SECURITY);
    char path[] = "/tmp/vixnotpemXXXXXX";
    close(mkstemp(path));
    std::ofstream(path) << "not a certificate\n";
    s.ca_dir.clear();
    s.ca_file = path;
    REQUIRE(context_code(s) == VIX_E_NET_HTTP_SSL_SECURITY);
    std::remove(path);
}

TEST_CASE("tls: a malformed thumbprint is refused, verification off needs nothing") {
    Settings s;
    s.thumbprint = "12:34";
    REQUIRE(context_code(s) == VIX_E_NET_HTTP_SSL_SECURITY);
    REQUIRE(context_code(Settings{}) == VIX_OK);
    Settings sys;
    sys.verify_ssl = true;
    REQUIRE(context_code(sys) == VIX_OK);
}
