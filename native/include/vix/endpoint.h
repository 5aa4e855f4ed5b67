// hostName -> scheme/host/port/path (SPEC section 4). The only place that
// knows the defaults: https, port 443 (80 for http), path /sdk.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace vix {

struct Endpoint {
    bool tls = true;
    std::string host;  // without brackets for IPv6
    std::uint16_t port = 443;
    std::string path = "/sdk";
    bool host_is_ip = false;

    // "host:port" with brackets around an IPv6 address, for Host: and details.
    std::string authority() const;
    std::string url() const;
};

// Throws vix::Error with VIX_E_INVALID_HOSTNAME_SPECIFICATION,
// VIX_E_NET_HTTP_UNSUPPORTED_PROTOCOL or VIX_E_NET_HTTP_URL_MALFORMAT.
Endpoint parse_endpoint(std::string_view host_name);

// A redirect's Location, absolute or relative to `base`.
Endpoint resolve_location(const Endpoint& base, std::string_view location);

}  // namespace vix
