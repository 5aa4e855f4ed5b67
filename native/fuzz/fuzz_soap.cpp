// libFuzzer target: SOAP response and fault parsing, and redaction.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vix/errors.h"
#include "vix/soap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    try {
        vix::Reply r = vix::Reply::parse(in, "Login");
        if (r.is_fault()) {
            if (r.fault().type.empty()) __builtin_trap();
            const std::string d = vix::redact(r.fault().type + ": " + r.fault().message, {"secret"});
            if (d.find("secret") != std::string::npos || d.find('\n') != std::string::npos) __builtin_trap();
        } else {
            (void)vix::child_text(r.returnval(), "key");
        }
    } catch (const vix::Error& e) {
        if (e.code() != vix::VIX_E_INVALID_XML) __builtin_trap();
    }
    return 0;
}
