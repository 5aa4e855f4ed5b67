#include "vix/endpoint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "vix/errors.h"

namespace vix {

std::string Endpoint::authority() const {
    std::string a = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return a + ":" + std::to_string(port);
}

std::string Endpoint::url() const { return (tls ? "https://" : "http://") + authority() + path; }

static std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

[[noreturn]] static void malformed(std::string_view input, const char* why) {
    // The input is quoted (shortened) so the user sees what was wrong, minus
    // any user:password@ part, which must never reach a detail.
    // A password may hold '/', '?', '#' or '@': everything up to the last '@'
    // is masked (too much, at worst, when a path holds an '@').
    std::string shown(input);
    const std::size_t start = shown.find("://") == std::string::npos ? 0 : shown.find("://") + 3;
    const std::size_t at = shown.rfind('@');
    if (at != std::string::npos && at >= start) shown.replace(start, at - start, "***");
    shown.resize(std::min<std::size_t>(shown.size(), 200));
    throw Error(VIX_E_NET_HTTP_URL_MALFORMAT, "malformed host name \"" + shown + "\": " + why);
}

static bool is_ipv6(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

static bool is_ipv4(const std::string& s) {
    unsigned char buf[4];
    return inet_pton(AF_INET, s.c_str(), buf) == 1;
}

static bool valid_dns_name(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    for (char c : h) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
    }
    return h.front() != '.' && h.front() != '-';
}

static std::uint16_t parse_port(std::string_view input, std::string_view p) {
    if (p.empty() || p.size() > 5) malformed(input, "bad port");
    unsigned long v = 0;
    for (char c : p) {
        if (c < '0' || c > '9') malformed(input, "port is not a number");
        v = v * 10 + static_cast<unsigned long>(c - '0');
    }
    if (v == 0 || v > 65535) malformed(input, "port out of range");
    return static_cast<std::uint16_t>(v);
}

Endpoint parse_endpoint(std::string_view input) {
    const std::string_view s = trim(input);
    if (s.empty()) throw Error(VIX_E_INVALID_HOSTNAME_SPECIFICATION, "no host name given");

    Endpoint ep;
    std::string_view rest = s;
    const std::size_t scheme_end = s.find("://");
    if (scheme_end != std::string_view::npos) {
        std::string scheme;
        for (char c : s.substr(0, scheme_end)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (scheme == "https") {
            ep.tls = true;
        } else if (scheme == "http") {
            ep.tls = false;
            ep.port = 80;
        } else {
            if (scheme.empty()) malformed(s, "empty scheme");
            throw Error(VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL,
                        "unsupported scheme \"" + scheme.substr(0, 40) + "\" (use https or http)");
        }
        rest = s.substr(scheme_end + 3);
    }

    const std::size_t path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    if (!path.empty() && path.front() != '/') malformed(s, "query or fragment without a path");
    if (path.find_first_of(" \t\r\n") != std::string_view::npos || path.find('#') != std::string_view::npos)
        malformed(s, "bad path");
    if (!path.empty() && path != "/") ep.path = std::string(path);

    if (authority.empty()) malformed(s, "no host");
    if (authority.find('@') != std::string_view::npos)
        malformed(s, "user name or password inside the URL (pass them as arguments)");

    if (authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) malformed(s, "unterminated IPv6 literal");
        ep.host = std::string(authority.substr(1, close - 1));
        if (!is_ipv6(ep.host)) malformed(s, "bad IPv6 address");
        ep.host_is_ip = true;
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') malformed(s, "junk after IPv6 literal");
            ep.port = parse_port(s, after.substr(1));
        }
        return ep;
    }

    const std::size_t colons = static_cast<std::size_t>(std::count(authority.begin(), authority.end(), ':'));
    if (colons >= 2) {  // a bare IPv6 address: no port possible
        ep.host = std::string(authority);
        if (!is_ipv6(ep.host)) malformed(s, "bad IPv6 address");
        ep.host_is_ip = true;
        return ep;
    }
    if (colons == 1) {
        const std::size_t c = authority.find(':');
        ep.port = parse_port(s, authority.substr(c + 1));
        authority = authority.substr(0, c);
    }
    ep.host = std::string(authority);
    if (is_ipv4(ep.host)) {
        ep.host_is_ip = true;
    } else if (!valid_dns_name(ep.host)) {
        malformed(s, "bad host name");
    }
    return ep;
}

Endpoint resolve_location(const Endpoint& base, std::string_view location) {
    location = trim(location);
    if (!location.empty() && location.front() == '/') {
        if (location.size() > 1 && location[1] == '/')  // scheme-relative
            return parse_endpoint((base.tls ? "https:" : "http:") + std::string(location));
        Endpoint ep = base;
        ep.path = std::string(location);
        return ep;
    }
    if (location.find("://") == std::string_view::npos) malformed(location, "relative redirect location");
    Endpoint ep = parse_endpoint(location);
    // A Location without a path means "/", not our /sdk default.
    std::string_view after = location.substr(location.find("://") + 3);
    if (after.find('/') == std::string_view::npos) ep.path = "/";
    return ep;
}

}  // namespace vix
