// SEAM for the guest team (issue #12): see guest_env.h. Until guest
// operations land, a logged-in handle gets a clear "not yet" answer.
#include "guest_env.h"

namespace vix {

std::string read_guest_environment_variable(VmObject& vm, const std::string& name) {
    (void)name;
    throw Error(VIX_E_NOT_SUPPORTED,
                "VMReadVariable " + vm.path + ": guest environment variables need guest operations (not built yet)");
}

}  // namespace vix
