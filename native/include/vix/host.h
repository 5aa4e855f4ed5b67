// HostConnect / HostDisconnect and friends: the API the XS layer calls.
// Every function here is noexcept: one shared catch turns any C++ exception
// into a Status, so none can cross into Perl.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vix/errors.h"
#include "vix/http.h"
#include "vix/secret.h"

namespace vix {

// An integer argument as Perl gave it.
struct IntArg {
    enum Kind { Undef, Int, NotInt } kind = Undef;
    std::int64_t value = 0;
};

// A string argument: undef, UTF-8 bytes (a character string already
// encoded), or something that is not a string (a plain reference).
struct StrArg {
    enum Kind { Undef, Bytes, NotString } kind = Undef;
    std::string_view bytes;
};

struct ConnectArgs {
    IntArg api_version;
    IntArg host_type;
    StrArg host_name;
    IntArg host_port;  // ignored, as documented
    StrArg user_name;
    StrArg password;
    IntArg options;
    IntArg property_list;
    // Lets a waiting signal (a script's alarm) stop the call: VIX_E_CANCELLED.
    InterruptCheck interrupted = nullptr;
};

Status host_connect(const ConnectArgs& args, int& handle) noexcept;
// Logs out (best effort, bounded), closes, and invalidates. No-op on a
// stale or unknown handle.
void host_disconnect(int handle) noexcept;
std::int64_t handle_type(int handle) noexcept;

struct PropertyValue {
    bool is_string = false;
    std::int64_t number = 0;
    std::string text;
};
Status get_properties(int handle, const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) noexcept;

// A ticket for SessionManager.CloneSession, to hand this session to another
// process: HostConnect(..., undef, $ticket, ...).
Status acquire_clone_ticket(int handle, Secret& ticket) noexcept;

// At process exit: log out every session this process still owns (bounded).
void disconnect_all() noexcept;

// Exposed for tests.
bool valid_utf8(std::string_view s) noexcept;
std::size_t open_handle_count() noexcept;

}  // namespace vix
