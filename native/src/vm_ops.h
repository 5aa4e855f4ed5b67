// Helpers the API files that act on a VM share (snapshot.cpp, vmextra.cpp):
// the detail that names the operation and the VM, usable VM and snapshot
// handles, and waiting for a task with the fault table's power-state rows
// filled in.
// (vm.cpp keeps its own copies for now; they can move here.)
#pragma once
#include <string>
#include <string_view>

#include "api.h"
#include "vix/vim/power.h"
#include "vix/vim/tasks.h"

namespace vix::vmops {

// The detail names the operation and the VM's path (SPEC-VM 15, 17.12).
template <class F>
auto on_vm(const char* op, const std::string& path, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error& e) {
        throw Error(e.code(), std::string(op) + " " + path + ": " + e.detail());
    }
}

// A VM handle that is still usable: VMDelete has not removed it.
inline std::shared_ptr<VmObject> live_vm(int handle) {
    std::shared_ptr<VmObject> vm = vm_arg(handle);
    if (vm->deleted) throw Error(VIX_E_VM_NOT_FOUND, vm->path + " was deleted");
    return vm;
}

inline TaskWait task_wait(const HostSession& h, std::string what) {
    TaskWait w;
    w.overall = h.operation_timeout;
    w.interrupted = interrupt_check();
    w.what = std::move(what);
    return w;
}

// Waits for a task on `vm`; returns its result. An InvalidState fault says
// nothing of the power state, which the table's row needs: read it here.
inline std::string wait_vm_task(const HostSession& h, const VmObject& vm, const std::string& task,
                                std::string_view method) {
    Session& s = *h.session;
    Fault fault;
    try {
        return wait_for_task(s, task, task_wait(h, std::string(method)), &fault);
    } catch (const Error& e) {
        if (fault.type != "InvalidState" || !fault.existing_state.empty()) throw;
        const VmRuntime now = vm_runtime(s, vm.moref, request_deadline(h));
        throw Error(fault_to_code(fault.type, now.power_state), e.detail());
    }
}

[[noreturn]] inline void snapshot_gone(const SnapshotObject& s, bool name_vm = true) {
    throw Error(VIX_E_SNAPSHOT_NOTFOUND,
                "the snapshot " + s.moref + (name_vm ? " of " + s.vm_path : std::string()) + " no longer exists");
}

// A snapshot handle whose snapshot has not been removed through us.
inline std::shared_ptr<SnapshotObject> live_snapshot(int handle) {
    std::shared_ptr<SnapshotObject> s = snapshot_arg(handle);
    if (s->removed) snapshot_gone(*s);
    return s;
}

// The snapshot must be one of this VM's: a handle from another VM is a
// wrong argument, found before anything is sent.
inline void check_belongs(const VmObject& vm, const SnapshotObject& s, const char* op) {
    if (s.vm_moref != vm.moref || s.host->session->endpoint().url() != vm.host->session->endpoint().url())
        invalid_arg(std::string(op) + ": the snapshot belongs to " + s.vm_path + ", not to " + vm.path);
}

}  // namespace vix::vmops
