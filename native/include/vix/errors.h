// Error codes, texts, the fault->code table, and the exception the core throws.
#pragma once
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "vix/constants.h"

namespace vix {

// A failure with its VIX error code and a one-line detail of the real cause.
// The detail must never hold a secret: callers pass it through redact().
class Error : public std::exception {
public:
    Error(std::int64_t code, std::string detail);
    std::int64_t code() const noexcept { return code_; }
    const std::string& detail() const noexcept { return detail_; }
    const char* what() const noexcept override { return detail_.c_str(); }

private:
    std::int64_t code_;
    std::string detail_;
};

// Result of a core API call, handed to the XS layer.
struct Status {
    std::int64_t code = VIX_OK;
    std::string detail;
    bool ok() const { return code == VIX_OK; }
};

// Text for (code & 0xFFFF); a generic text for codes we do not know.
const char* error_text(std::int64_t code);
// Constant name for (code & 0xFFFF), or nullptr.
const char* error_name(std::int64_t code);

// The one table mapping a vSphere fault type (e.g. "InvalidLogin") to a code
// (SPEC 4, SPEC-VM 15). Some rows depend on the VM's power state (the
// fault's existingState, or what the caller knows) or on the type of the
// object that was not found.
std::int64_t fault_to_code(std::string_view fault_type, std::string_view power_state = {},
                           std::string_view object_type = {});

// Makes a detail safe to show: removes every occurrence of each secret,
// folds it onto one line and caps its length. (Callers that quote XML pass
// the escaped form of a secret too: see vim.cpp.)
std::string redact(std::string_view text, std::initializer_list<std::string_view> secrets);

}  // namespace vix
