// VMware config files -> settings (SPEC section 6).
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vix {

// Lower-cased key -> value. Later files override earlier ones.
using ConfigMap = std::map<std::string, std::string>;

// Adds every well-formed `key = value` / `key = "value"` line; skips the rest.
void parse_config(std::string_view text, ConfigMap& into);

// TRUE/FALSE, yes/no, 1/0, in any case.
std::optional<bool> parse_bool(std::string_view v);

struct Settings {
    std::chrono::milliseconds connect_timeout{60000};  // also bounds each later request
    // vix.operationTimeoutSeconds: bounds a task wait; 0 = no bound of its own.
    std::chrono::milliseconds operation_timeout{0};
    bool verify_ssl = false;
    std::string ca_file;
    std::string ca_dir;
    std::string thumbprint;  // as configured; tls.cpp parses it
};

// options: the HostConnect options word; its VERIFY bit can only turn
// verification on.
Settings settings_from(const ConfigMap& config, std::int64_t options);

// Reads `system_path` then `user_path` (either may be missing).
ConfigMap read_config_files(const std::string& system_path, const std::string& user_path);

// The standard locations: /etc/vmware/config and $HOME/.vmware/config.
Settings load_settings(std::int64_t options);

}  // namespace vix
