#include "vix/config.h"

#include <pwd.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "vix/constants.h"

namespace vix {

static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

static std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

static bool parse_line(std::string_view line, std::string& key, std::string& value) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return false;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view k = trim(line.substr(0, eq));
    if (k.empty()) return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':')) return false;
    std::string_view v = trim(line.substr(eq + 1));
    if (!v.empty() && v.front() == '"') {
        // A quoted value may hold '#'; after the closing quote only a comment may follow.
        const std::size_t close = v.find('"', 1);
        if (close == std::string_view::npos) return false;
        std::string_view tail = trim(v.substr(close + 1));
        if (!tail.empty() && tail.front() != '#') return false;
        v = v.substr(1, close - 1);
    } else {
        const std::size_t hash = v.find('#');
        if (hash != std::string_view::npos) v = trim(v.substr(0, hash));
        if (v.find('"') != std::string_view::npos) return false;
    }
    key = lower(k);
    value = std::string(v);
    return true;
}

void parse_config(std::string_view text, ConfigMap& into) {
    std::string key, value;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (parse_line(line, key, value)) into[key] = value;
    }
}

std::optional<bool> parse_bool(std::string_view v) {
    const std::string l = lower(trim(v));
    if (l == "true" || l == "yes" || l == "1") return true;
    if (l == "false" || l == "no" || l == "0") return false;
    return std::nullopt;
}

static std::optional<std::chrono::milliseconds> parse_seconds(std::string_view v) {
    const std::string s(trim(v));
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(d) || d <= 0 || d > 7 * 24 * 3600) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(d * 1000)));
}

Settings settings_from(const ConfigMap& config, std::int64_t options) {
    Settings s;
    auto get = [&](const char* k) -> const std::string* {
        auto it = config.find(k);
        return it == config.end() ? nullptr : &it->second;
    };
    if (const std::string* v = get("vix.connecttimeoutseconds"))
        if (auto t = parse_seconds(*v)) s.connect_timeout = *t;
    if (const std::string* v = get("vix.operationtimeoutseconds"))
        if (auto t = parse_seconds(*v)) s.operation_timeout = *t;
    if (const std::string* v = get("vix.enablesslcertificatecheck"))
        if (auto b = parse_bool(*v)) s.verify_ssl = *b;
    if (options & VIX_HOSTOPTION_VERIFY_SSL_CERT) s.verify_ssl = true;
    if (const std::string* v = get("vix.sslcertificatefile")) s.ca_file = *v;
    if (const std::string* v = get("vix.sslcertificatedirectory")) s.ca_dir = *v;
    if (const std::string* v = get("vix.sslthumbprint")) s.thumbprint = *v;
    return s;
}

static void read_file_into(const std::string& path, ConfigMap& into) {
    if (path.empty()) return;
    std::ifstream in(path, std::ios::binary);
    if (!in) return;
    std::ostringstream ss;
    // A config file is small; cap what we read so a wrong path (a device) cannot hang us.
    char buf[8192];
    std::size_t total = 0;
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        ss.write(buf, in.gcount());
        total += static_cast<std::size_t>(in.gcount());
        if (total > (1u << 20)) break;
    }
    parse_config(ss.str(), into);
}

ConfigMap read_config_files(const std::string& system_path, const std::string& user_path) {
    ConfigMap m;
    read_file_into(system_path, m);
    read_file_into(user_path, m);
    return m;
}

static std::string home_dir() {
    if (const char* h = std::getenv("HOME"); h && *h) return h;
    struct passwd pw, *res = nullptr;
    char buf[4096];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res && res->pw_dir) return res->pw_dir;
    return {};
}

Settings load_settings(std::int64_t options) {
    const std::string home = home_dir();
    return settings_from(read_config_files("/etc/vmware/config", home.empty() ? "" : home + "/.vmware/config"),
                         options);
}

}  // namespace vix
