// VMReadVariable with VIX_GUEST_ENVIRONMENT_VARIABLE (SPEC-VM 13): the seam
// of guest_env.h, filled by the guest operations.
#include "guest_env.h"

#include "guest_ops.h"

namespace vix {

std::string read_guest_environment_variable(VmObject& vm, const std::string& name) {
    const GuestContext c(vm, "VMReadVariable");
    return on_vm(c.op(), vm.path, [&] { return read_environment_variable(c.target(), name, c.deadline()); });
}

}  // namespace vix
