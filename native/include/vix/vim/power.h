// Power operations on a VirtualMachine (SPEC-VM 11) and the state their
// preconditions are checked against.
#pragma once
#include <string>
#include <string_view>

#include "vix/vim/session.h"
#include "vix/vim/tasks.h"

namespace vix {

struct VmRuntime {
    std::string power_state;    // poweredOn, poweredOff, suspended
    std::string tools_running;  // guest.toolsRunningStatus, e.g. guestToolsRunning
    std::string tools_status;   // guest.toolsStatus, e.g. toolsNotInstalled
    bool question = false;      // runtime.question is set: blocked on a message
};

// One RetrievePropertiesEx; a deleted VM is ManagedObjectNotFound →
// VIX_E_VM_NOT_FOUND.
VmRuntime vm_runtime(Session& s, const std::string& vm, const Deadline& dl);

// VirtualMachine.<method>: PowerOnVM_Task, PowerOffVM_Task, ResetVM_Task,
// SuspendVM_Task, Destroy_Task, ... Returns the task's moref.
std::string start_vm_task(Session& s, const std::string& vm, std::string_view method, const Deadline& dl);

// ShutdownGuest, RebootGuest, StandbyGuest: requests to the guest's Tools,
// answered at once (no task).
void guest_power_request(Session& s, const std::string& vm, std::string_view method, const Deadline& dl);

// Waits until runtime.powerState is `state`.
void wait_for_power_state(Session& s, const std::string& vm, std::string_view state, const TaskWait& w);

}  // namespace vix
