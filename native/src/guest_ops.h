// What the guest API files (guest.cpp, guest_fs.cpp) share: the VM handle
// check, the login check, and the context one guest call runs in.
#pragma once
#include <memory>
#include <string>

#include "api.h"
#include "vm_ops.h"
#include "vix/guest.h"
#include "vix/vim/guest.h"

namespace vix {

// A VM handle that is still usable (VMDelete has not removed it).
std::shared_ptr<VmObject> guest_vm(int handle);

// One guest call's context: the VM, its host, the managers and a copy of the
// credentials taken under the handle's lock (wiped with the context).
class GuestContext {
public:
    // The login check (SPEC-VM 17.16: after the handle and the arguments):
    // not logged in → VIX_E_GUEST_USER_PERMISSIONS, nothing sent.
    GuestContext(VmObject& vm, const char* op);  // `vm` outlives the context
    // What a request needs; the managers are looked up on first use (once
    // per session), so checks made after the login check still send nothing.
    GuestTarget target() const;
    Deadline deadline() const { return request_deadline(*host_); }
    const HostSession& host() const { return *host_; }
    const VmObject& vm() const { return vm_; }
    const char* op() const { return op_; }

private:
    VmObject& vm_;
    std::shared_ptr<HostSession> host_;
    mutable std::shared_ptr<const GuestManagers> managers_;
    const char* op_;
    Secret user_, password_;
    bool interactive_ = false;
};

// The managers of a host, looked up on first use.
std::shared_ptr<const GuestManagers> managers_of(HostSession& h);

// Details name the operation and the VM's path, as every VM call's do.
using vmops::on_vm;

// Starts the program and, unless `wait` is false, polls for its end.
void run_in_guest(const GuestContext& c, const std::string& program, const std::string& args, bool wait,
                  RunResult& out);

// Sleeps `ms` in slices of at most 50 ms; a pending Perl signal ends the
// sleep with VIX_E_CANCELLED.
void interruptible_sleep(long ms, const char* what);

}  // namespace vix
