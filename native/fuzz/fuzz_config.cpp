// libFuzzer target: the VMware config file parser and settings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vix/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vix::ConfigMap m;
    vix::parse_config(std::string_view(reinterpret_cast<const char*>(data), size), m);
    for (const auto& [k, v] : m)
        if (k.empty() || k.find('\n') != std::string::npos || v.find('\n') != std::string::npos) __builtin_trap();
    const vix::Settings s = vix::settings_from(m, 0);
    if (s.connect_timeout.count() <= 0) __builtin_trap();
    return 0;
}
