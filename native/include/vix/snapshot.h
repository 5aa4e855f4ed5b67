// Snapshots, clones, VM variables, hardware and tools, and the VIX families
// vSphere does not have (SPEC-VM 13): the API the XS layer calls. Every
// function is noexcept; arguments are checked in parameter order before
// anything is sent. Handle results are VIX_INVALID_HANDLE on failure.
#pragma once
#include <string>
#include <vector>

#include "vix/args.h"
#include "vix/errors.h"

namespace vix {

// ---- snapshots (snapshot.cpp) ----
Status vm_create_snapshot(int vm, const StrArg& name, const StrArg& description, const IntArg& options,
                          const IntArg& property_list, int& snapshot) noexcept;
Status vm_remove_snapshot(int vm, int snapshot, const IntArg& options) noexcept;
Status vm_revert_to_snapshot(int vm, int snapshot, const IntArg& options, const IntArg& property_list) noexcept;
Status vm_get_num_root_snapshots(int vm, int& n) noexcept;
Status vm_get_root_snapshot(int vm, const IntArg& index, int& snapshot) noexcept;
Status vm_get_current_snapshot(int vm, int& snapshot) noexcept;
Status vm_get_named_snapshot(int vm, const StrArg& name, int& snapshot) noexcept;
Status snapshot_get_num_children(int snapshot, int& n) noexcept;
Status snapshot_get_child(int snapshot, const IntArg& index, int& child) noexcept;
// A root's parent: VIX_OK and VIX_INVALID_HANDLE.
Status snapshot_get_parent(int snapshot, int& parent) noexcept;

// ---- clone, variables, hardware, tools, screen (vmextra.cpp) ----
// `snapshot` is a handle, or 0/undef for none (an IntArg: anything else that
// is not a handle value is VIX_E_INVALID_ARG).
Status vm_clone(int vm, const IntArg& snapshot, const IntArg& clone_type, const StrArg& dest_vmx_path,
                const IntArg& options, const IntArg& property_list, int& clone) noexcept;
Status vm_read_variable(int vm, const IntArg& type, const StrArg& name, const IntArg& options,
                        std::string& value) noexcept;
Status vm_write_variable(int vm, const IntArg& type, const StrArg& name, const StrArg& value,
                         const IntArg& options) noexcept;
Status vm_upgrade_virtual_hardware(int vm, const IntArg& options) noexcept;
Status vm_install_tools(int vm, const IntArg& options, const StrArg& command_line_args) noexcept;
// PNG bytes of the console.
Status vm_capture_screen_image(int vm, const IntArg& capture_type, const IntArg& property_list,
                               std::string& png) noexcept;

// ---- what vSphere has no such thing for (vmextra.cpp) ----
// Each checks its VM handle, then answers VIX_E_NOT_SUPPORTED; `feature`
// is the function's name, e.g. "VMAddSharedFolder".
Status vm_not_on_vsphere(int vm, const char* feature) noexcept;

}  // namespace vix
