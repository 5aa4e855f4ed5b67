// SEAM for the guest team (issue #12): VMReadVariable with
// VIX_GUEST_ENVIRONMENT_VARIABLE reads an environment variable inside the
// guest (GuestOperationsManager.processManager.ReadEnvironmentVariableInGuest,
// with the VM handle's guest credentials). vmextra.cpp has already checked
// the arguments and that the handle is logged in; this function does the
// rest and returns the value ("" when the variable is not set).
#pragma once
#include <string>

#include "api.h"

namespace vix {

std::string read_guest_environment_variable(VmObject& vm, const std::string& name);

}  // namespace vix
