#include <catch2/catch.hpp>
#include <string>

#include "vix/errors.h"

using namespace vix;

TEST_CASE("errors: every VixError code has its own non-empty text") {
    for (const ErrorInfo& e : kErrorInfo) {
        INFO(e.name);
        REQUIRE(std::string(error_text(e.code)) == e.text);
        REQUIRE(std::string(e.text).size() > 5);
        REQUIRE(std::string(e.text) != "Unknown error");
    }
}

TEST_CASE("errors: low 16 bits select the text; unknown codes get a generic text") {
    REQUIRE(std::string(error_text(VIX_E_NET_HTTP_SSL_SECURITY | (std::int64_t(7) << 32))) ==
            error_text(VIX_E_NET_HTTP_SSL_SECURITY));
    REQUIRE(std::string(error_text(65000)) == "Unknown error");
    REQUIRE(std::string(error_name(VIX_E_AUTHENTICATION_FAIL)) == "VIX_E_AUTHENTICATION_FAIL");
    REQUIRE(error_name(65000) == nullptr);
}

TEST_CASE("errors: the fault table") {
    REQUIRE(fault_to_code("InvalidLogin") == VIX_E_AUTHENTICATION_FAIL);
    REQUIRE(fault_to_code("NoPermission") == VIX_E_HOST_USER_PERMISSIONS);
    REQUIRE(fault_to_code("NotAuthenticated") == VIX_E_HOST_USER_PERMISSIONS);
    REQUIRE(fault_to_code("SystemError") == VIX_E_FAIL);
    REQUIRE(fault_to_code("") == VIX_E_FAIL);
}

TEST_CASE("errors: redact removes every secret given, folds lines, caps length") {
    const std::string out = redact("bad <p&ss> and p&amp;ss and p&ss\nsecond line", {"p&ss", "p&amp;ss"});
    REQUIRE(out.find("p&ss") == std::string::npos);
    REQUIRE(out.find("p&amp;ss") == std::string::npos);
    REQUIRE(out.find('\n') == std::string::npos);
    REQUIRE(out.find("second line") != std::string::npos);
    const std::string big = redact(std::string(100000, 'x') + "SECRET", {"SECRET"});
    REQUIRE(big.size() < 700);
    REQUIRE(redact("a SECRET b", {"SECRET"}) == "a *** b");
}
