#include <unistd.h>
#include <cstdlib>
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "vix/config.h"
#include "vix/constants.h"

using namespace vix;

TEST_CASE("config: table of lines") {
    struct Row {
        const char* line;
        const char* key;    // nullptr: the line must be skipped
        const char* value;
    };
    const Row rows[] = {
        {"vix.connectTimeoutSeconds = \"30\"", "vix.connecttimeoutseconds", "30"},
        {"vix.connectTimeoutSeconds=30", "vix.connecttimeoutseconds", "30"},
        {"  VIX.EnableSslCertificateCheck   =   TRUE  ", "vix.enablesslcertificatecheck", "TRUE"},
        {"a = \"with # hash\"  # and a comment", "a", "with # hash"},
        {"b = plain # comment", "b", "plain"},
        {"c = \"\"", "c", ""},
        {"# a comment = \"x\"", nullptr, nullptr},
        {"no equals sign", nullptr, nullptr},
        {"= \"no key\"", nullptr, nullptr},
        {"d = \"unterminated", nullptr, nullptr},
        {"e = \"x\" junk", nullptr, nullptr},
        {"bad key = 1", nullptr, nullptr},
        {"f = a\"b", nullptr, nullptr},
        {"", nullptr, nullptr},
    };
    for (const Row& r : rows) {
        INFO(r.line);
        ConfigMap m;
        parse_config(r.line, m);
        if (!r.key) {
            REQUIRE(m.empty());
        } else {
            REQUIRE(m.size() == 1);
            REQUIRE(m.begin()->first == r.key);
            REQUIRE(m.begin()->second == r.value);
        }
    }
}

TEST_CASE("config: malformed lines do not stop the rest; later lines win") {
    ConfigMap m;
    parse_config("x = 1\r\ngarbage\n\"\nx = 2\ny = \"3\"", m);
    REQUIRE(m.at("x") == "2");
    REQUIRE(m.at("y") == "3");
}

TEST_CASE("config: booleans in every spelling") {
    for (const char* t : {"TRUE", "true", "True", "yes", "YES", "1"}) REQUIRE(parse_bool(t) == true);
    for (const char* f : {"FALSE", "false", "no", "No", "0"}) REQUIRE(parse_bool(f) == false);
    for (const char* x : {"", "2", "on", "truex"}) REQUIRE_FALSE(parse_bool(x).has_value());
}

TEST_CASE("config: settings, option bit only turns verification on") {
    ConfigMap m;
    REQUIRE_FALSE(settings_from(m, 0).verify_ssl);
    REQUIRE(settings_from(m, VIX_HOSTOPTION_VERIFY_SSL_CERT).verify_ssl);
    m["vix.enablesslcertificatecheck"] = "no";
    REQUIRE(settings_from(m, VIX_HOSTOPTION_VERIFY_SSL_CERT).verify_ssl);
    m["vix.enablesslcertificatecheck"] = "yes";
    REQUIRE(settings_from(m, 0).verify_ssl);
    REQUIRE(settings_from(m, 0).connect_timeout.count() == 60000);
    m["vix.connecttimeoutseconds"] = "2";
    REQUIRE(settings_from(m, 0).connect_timeout.count() == 2000);
    m["vix.connecttimeoutseconds"] = "-5";
    REQUIRE(settings_from(m, 0).connect_timeout.count() == 60000);
    m["vix.connecttimeoutseconds"] = "abc";
    REQUIRE(settings_from(m, 0).connect_timeout.count() == 60000);
}

TEST_CASE("config: the user file wins over the system file") {
    char sys[] = "/tmp/vixcfgsysXXXXXX";
    char usr[] = "/tmp/vixcfgusrXXXXXX";
    close(mkstemp(sys));
    close(mkstemp(usr));
    std::ofstream(sys) << "vix.connectTimeoutSeconds = \"10\"\nvix.sslCertificateFile = \"/sys.pem\"\n";
    std::ofstream(usr) << "vix.connecttimeoutseconds = \"3\"\n";
    const ConfigMap m = read_config_files(sys, usr);
    const Settings s = settings_from(m, 0);
    REQUIRE(s.connect_timeout.count() == 3000);
    REQUIRE(s.ca_file == "/sys.pem");
    REQUIRE(read_config_files("/nonexistent/a", "/nonexistent/b").empty());
    std::remove(sys);
    std::remove(usr);
}
