// libFuzzer target: the hostName parser and redirect resolution.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vix/endpoint.h"
#include "vix/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    try {
        vix::Endpoint ep = vix::parse_endpoint(in);
        if (ep.host.empty() || ep.port == 0 || ep.path.empty() || ep.path[0] != '/') __builtin_trap();
        (void)ep.url();
        vix::resolve_location(ep, in);
    } catch (const vix::Error& e) {
        if (e.detail().find('\n') != std::string::npos && in.find('\n') == std::string_view::npos) __builtin_trap();
    }
    return 0;
}
