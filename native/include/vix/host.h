// HostConnect / HostDisconnect and friends: the API the XS layer calls.
// Every function here is noexcept: one shared catch turns any C++ exception
// into a Status, so none can cross into Perl.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vix/args.h"
#include "vix/errors.h"
#include "vix/http.h"
#include "vix/secret.h"

namespace vix {

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
// Logs out (best effort, bounded), closes, and invalidates the host handle
// and every VM and snapshot handle opened through it. No-op on a stale or
// unknown handle, or one that is not a host handle.
void host_disconnect(int handle) noexcept;
// On a host handle: host_disconnect. On a VM or snapshot handle: forgets it
// (a VM's guest credentials are wiped). Silent on anything else.
void release_handle(int handle) noexcept;
// VIX_HANDLETYPE_HOST, _VM, _SNAPSHOT, or _NONE.
std::int64_t handle_type(int handle) noexcept;

// One value per id, in order, for any kind of handle.
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
