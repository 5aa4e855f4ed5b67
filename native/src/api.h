// What the API files (host, vm, snapshot, guest) share: the kinds of handle
// in the one table, the one catch that turns any C++ exception into a
// Status, and the argument checks. Internal to the core.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "vix/args.h"
#include "vix/errors.h"
#include "vix/handles.h"
#include "vix/secret.h"
#include "vix/vim/session.h"

namespace vix {

struct GuestManagers;  // vix/vim/guest.h

class HandleObject {
public:
    virtual ~HandleObject() = default;
    virtual std::int64_t type() const noexcept = 0;  // VIX_HANDLETYPE_*
    // fork child: drop sockets, send nothing.
    virtual void abandon() noexcept {}
    // One value per id, in order; throws VIX_E_UNRECOGNIZED_PROPERTY.
    virtual void properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) = 0;
    // The host handle this one was opened through (0 for a host handle).
    int owner = 0;
};

class HostSession final : public HandleObject {
public:
    std::int64_t type() const noexcept override { return VIX_HANDLETYPE_HOST; }
    void abandon() noexcept override {
        if (session) session->abandon();
    }
    void properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) override;

    std::int64_t provider = 0;
    std::shared_ptr<Session> session;  // null for the local providers
    std::string full_name;             // local providers: what was found
    std::chrono::milliseconds operation_timeout{0};  // 0: tasks have no bound of their own

    // GuestOperationsManager's managers: fixed for the session's life, so
    // looked up once, by the first guest call (guest_ops.cpp).
    std::mutex guest_mu;
    std::shared_ptr<const GuestManagers> guest_managers;
};

// The handle's own record of a VM: which object, and (SPEC-VM 14) the guest
// credentials of VMLoginInGuest.
class VmObject final : public HandleObject {
public:
    std::int64_t type() const noexcept override { return VIX_HANDLETYPE_VM; }
    void properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) override;  // vm.cpp

    std::shared_ptr<HostSession> host;
    std::string moref;
    std::string path;                   // vmPathName when opened: for details
    std::atomic<bool> deleted{false};   // VMDelete ran: calls give VIX_E_VM_NOT_FOUND

    std::mutex guest_mu;
    bool logged_in = false;
    bool interactive = false;
    Secret guest_user;
    Secret guest_password;
    void logout_guest() noexcept {
        std::lock_guard<std::mutex> lk(guest_mu);
        logged_in = false;
        guest_user.wipe();
        guest_password.wipe();
    }
    ~VmObject() override { logout_guest(); }
};

class SnapshotObject final : public HandleObject {
public:
    std::int64_t type() const noexcept override { return VIX_HANDLETYPE_SNAPSHOT; }
    void properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) override;  // snapshot.cpp

    std::shared_ptr<HostSession> host;
    std::string vm_moref;
    std::string vm_path;
    std::string moref;
    std::atomic<bool> removed{false};  // VMRemoveSnapshot ran
};

HandleTable<HandleObject>& handles();
// Adds a handle owned by `owner` (0: a host); VIX_E_OUT_OF_MEMORY when the
// handle space is used up.
int add_handle(std::shared_ptr<HandleObject> object, int owner);

// The interrupt hook of set_interrupt_check().
InterruptCheck interrupt_check() noexcept;
// A Deadline of one request timeout of this host, interruptible.
inline Deadline request_deadline(const HostSession& h) { return h.session->request_deadline(interrupt_check()); }

template <class F>
Status guarded(F&& f) noexcept {
    try {
        f();
        return {};
    } catch (const Error& e) {
        return {e.code(), e.detail()};
    } catch (const std::bad_alloc&) {
        return {VIX_E_OUT_OF_MEMORY, "out of memory"};
    } catch (const std::exception& e) {
        return {VIX_E_FAIL, std::string("internal error: ") + e.what()};
    } catch (...) {
        return {VIX_E_FAIL, "internal error"};
    }
}

// ---- argument checks (SPEC 2, SPEC-VM 9 and 17.4): in parameter order ----

[[noreturn]] void invalid_arg(const std::string& why);
// Not a reference, no NUL, valid UTF-8; undef passes.
void check_string(const StrArg& a, const char* name);
// check_string, and neither undef nor empty.
std::string required_string(const StrArg& a, const char* name);
// check_string; undef is "".
std::string optional_string(const StrArg& a, const char* name);
// An exact integer (undef counts as 0 where `undef_is_zero`).
std::int64_t int_arg(const IntArg& a, const char* name, bool undef_is_zero = true);
// Options: only the bits of `allowed` (others → VIX_E_INVALID_ARG).
std::int64_t options_arg(const IntArg& a, std::int64_t allowed, const char* name = "options");
// A property-list handle documented as "must be VIX_INVALID_HANDLE": 0 or undef.
void no_handle_arg(const IntArg& a, const char* name = "propertyListHandle");

// Handle parameters: 0, released or unknown → VIX_E_INVALID_HANDLE; a live
// handle of another kind → VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE.
std::shared_ptr<HostSession> host_arg(int handle);  // a vSphere host
std::shared_ptr<VmObject> vm_arg(int handle);       // VMDelete'd ones too
std::shared_ptr<SnapshotObject> snapshot_arg(int handle);

}  // namespace vix
