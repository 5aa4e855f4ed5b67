#include "vix/errors.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace vix {

Error::Error(std::int64_t code, std::string detail) : code_(code), detail_(std::move(detail)) {}

static const ErrorInfo* find_error(std::int64_t code) {
    const std::int64_t low = code & 0xFFFF;
    auto it = std::lower_bound(std::begin(kErrorInfo), std::end(kErrorInfo), low,
                               [](const ErrorInfo& e, std::int64_t c) { return e.code < c; });
    return (it != std::end(kErrorInfo) && it->code == low) ? it : nullptr;
}

const char* error_text(std::int64_t code) {
    const ErrorInfo* e = find_error(code);
    return e ? e->text : "Unknown error";
}

const char* error_name(std::int64_t code) {
    const ErrorInfo* e = find_error(code);
    return e ? e->name : nullptr;
}

// vSphere fault type -> VIX code. Every fault not listed is VIX_E_FAIL; the
// caller keeps the fault name and message in the detail.
std::int64_t fault_to_code(std::string_view fault_type) {
    struct Row {
        std::string_view fault;
        std::int64_t code;
    };
    static constexpr Row table[] = {
        {"InvalidLogin", VIX_E_AUTHENTICATION_FAIL},
        {"NoPermission", VIX_E_HOST_USER_PERMISSIONS},
        {"NotAuthenticated", VIX_E_HOST_USER_PERMISSIONS},
    };
    for (const Row& r : table)
        if (r.fault == fault_type) return r.code;
    return VIX_E_FAIL;
}

static void erase_all(std::string& text, std::string_view needle) {
    if (needle.empty()) return;
    for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos)) {
        text.replace(pos, needle.size(), "***");
        pos += 3;
    }
}

std::string redact(std::string_view text, std::initializer_list<std::string_view> secrets) {
    constexpr std::size_t kMax = 600;
    // Secrets are removed before truncation, so a cut can never leave half of one.
    std::string out(text.substr(0, 64 * 1024));
    for (std::string_view s : secrets) erase_all(out, s);
    for (char& c : out)
        if (c == '\n' || c == '\r' || c == '\t' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    if (out.size() > kMax) {
        out.resize(kMax);
        // Do not end inside a UTF-8 sequence.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
        out += "...";
    }
    return out;
}

}  // namespace vix
