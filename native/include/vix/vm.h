// Inventory, power and VM handles (SPEC-VM 10 to 12): the API the XS layer
// calls. Every function is noexcept; arguments are checked in parameter
// order before anything is sent.
#pragma once
#include <string>
#include <vector>

#include "vix/args.h"
#include "vix/errors.h"

namespace vix {

Status find_items(int host, const IntArg& search_type, const IntArg& timeout, std::vector<std::string>& out) noexcept;
Status vm_open(int host, const StrArg& vmx_path, int& vm) noexcept;
Status host_open_vm(int host, const StrArg& vmx_path, const IntArg& options, const IntArg& property_list,
                    int& vm) noexcept;
Status register_vm(int host, const StrArg& vmx_path) noexcept;
Status unregister_vm(int host, const StrArg& vmx_path) noexcept;

Status vm_power_on(int vm, const IntArg& options, const IntArg& property_list) noexcept;
Status vm_power_off(int vm, const IntArg& options) noexcept;
Status vm_reset(int vm, const IntArg& options) noexcept;
Status vm_suspend(int vm, const IntArg& options) noexcept;
// No pause on vSphere: VIX_E_NOT_SUPPORTED once the handle has passed.
Status vm_pause(int vm, const IntArg& options, const IntArg& property_list) noexcept;
Status vm_unpause(int vm, const IntArg& options, const IntArg& property_list) noexcept;
Status vm_delete(int vm, const IntArg& options) noexcept;

}  // namespace vix
