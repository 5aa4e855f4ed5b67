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
// caller keeps the fault name and message in the detail. A row with a
// condition applies only when it holds (empty: always); the first match wins.
std::int64_t fault_to_code(std::string_view fault_type, std::string_view power_state, std::string_view object_type) {
    enum When { Always, VmOn, VmOffOrSuspended, ObjectIsVm, ObjectIsSnapshot };
    struct Row {
        std::string_view fault;
        When when;
        std::int64_t code;
    };
    static constexpr Row table[] = {
        // SPEC part 1, section 4
        {"InvalidLogin", Always, VIX_E_AUTHENTICATION_FAIL},
        {"NoPermission", Always, VIX_E_HOST_USER_PERMISSIONS},
        // After the one re-login of SPEC-VM 16 has failed, the session says
        // VIX_E_HOST_CONNECTION_LOST itself; a NotAuthenticated that reaches
        // this table is a call the session was never allowed to make.
        {"NotAuthenticated", Always, VIX_E_HOST_USER_PERMISSIONS},
        // SPEC-VM 15
        {"InvalidPowerState", VmOn, VIX_E_VM_IS_RUNNING},
        {"InvalidPowerState", VmOffOrSuspended, VIX_E_VM_NOT_RUNNING},
        {"InvalidState", VmOn, VIX_E_VM_IS_RUNNING},
        {"ManagedObjectNotFound", ObjectIsVm, VIX_E_VM_NOT_FOUND},
        {"ManagedObjectNotFound", ObjectIsSnapshot, VIX_E_SNAPSHOT_NOTFOUND},
        {"FileNotFound", Always, VIX_E_FILE_NOT_FOUND},
        {"GuestFileNotFound", Always, VIX_E_FILE_NOT_FOUND},
        {"NotFound", Always, VIX_E_NOT_FOUND},
        {"FileAlreadyExists", Always, VIX_E_FILE_ALREADY_EXISTS},
        {"AlreadyExists", Always, VIX_E_FILE_ALREADY_EXISTS},
        {"DuplicateName", Always, VIX_E_FILE_ALREADY_EXISTS},
        {"InvalidDatastorePath", Always, VIX_E_INVALID_ARG},
        {"InvalidArgument", Always, VIX_E_INVALID_ARG},
        {"RestrictedVersion", Always, VIX_E_LICENSE},
        {"TaskInProgress", Always, VIX_E_OBJECT_IS_BUSY},
        {"ConcurrentAccess", Always, VIX_E_OBJECT_IS_BUSY},
        {"ToolsUnavailable", Always, VIX_E_TOOLS_NOT_RUNNING},
        {"GuestOperationsUnavailable", Always, VIX_E_TOOLS_NOT_RUNNING},
        {"InvalidGuestLogin", Always, VIX_E_CANNOT_AUTHENTICATE_WITH_GUEST},
        {"GuestPermissionDenied", Always, VIX_E_GUEST_USER_PERMISSIONS},
        {"GuestProcessNotFound", Always, VIX_E_NO_SUCH_PROCESS},
        {"NotADirectory", Always, VIX_E_NOT_A_DIRECTORY},
        {"NotAFile", Always, VIX_E_NOT_A_FILE},
        {"InsufficientResourcesFault", Always, VIX_E_VM_INSUFFICIENT_HOST_MEMORY},
        {"InsufficientMemoryResourcesFault", Always, VIX_E_VM_INSUFFICIENT_HOST_MEMORY},
        {"InsufficientHostMemoryCapacityFault", Always, VIX_E_VM_INSUFFICIENT_HOST_MEMORY},
        {"NoDiskSpace", Always, VIX_E_DISK_FULL},
        // SPEC-VM 13
        {"AlreadyUpgraded", Always, VIX_E_VM_ALREADY_UP_TO_DATE},
    };
    const auto holds = [&](When w) {
        switch (w) {
            case Always: return true;
            case VmOn: return power_state == "poweredOn";
            case VmOffOrSuspended: return power_state == "poweredOff" || power_state == "suspended";
            case ObjectIsVm: return object_type == "VirtualMachine";
            case ObjectIsSnapshot: return object_type == "VirtualMachineSnapshot";
        }
        return false;
    };
    for (const Row& r : table)
        if (r.fault == fault_type && holds(r.when)) return r.code;
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
