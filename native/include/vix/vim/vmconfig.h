// A VirtualMachine's configuration and the calls that change it (SPEC-VM 13):
// extraConfig (VM variables), CloneVM_Task, UpgradeVM_Task, VMware Tools
// installation, screenshots.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vix/vim/session.h"

namespace vix {

struct VmConfig {
    std::vector<std::pair<std::string, std::string>> extra;  // config.extraConfig, in the server's order
    std::string name;       // config.name (displayName)
    std::string guest_id;   // config.guestId
    std::string memory_mb;  // config.hardware.memoryMB
    std::string num_cpu;    // config.hardware.numCPU
    std::string guest_ip;   // guest.ipAddress: the guest's primary address while Tools run, else ""
};

// One RetrievePropertiesEx.
VmConfig read_vm_config(Session& s, const std::string& vm, const Deadline& dl);

// The value of `key` in extraConfig, compared without regard to case (VMX
// keys are case-insensitive); where the server repeats a key the last value
// wins. False when unset.
bool extra_config_value(const VmConfig& c, std::string_view key, std::string& value);

// ReconfigVM_Task with one extraConfig OptionValue (an xsd:string value).
std::string start_set_extra_config(Session& s, const std::string& vm, std::string_view key, std::string_view value,
                                   const Deadline& dl);

// Where a clone of `vm` goes by default: its folder, its pool, and the
// datastores its host sees (name -> moref).
struct VmPlacement {
    std::string folder;
    std::string pool;
    std::vector<std::pair<std::string, std::string>> datastores;
    std::string datastore(std::string_view name) const;  // moref, "" when none has that name
};
VmPlacement vm_placement(Session& s, const std::string& vm, const Deadline& dl);

struct CloneRequest {
    std::string folder, pool, datastore, name;
    std::string snapshot;  // "" : the current state
    bool linked = false;   // diskMoveType createNewChildDiskBacking
};
std::string start_clone_vm(Session& s, const std::string& vm, const CloneRequest& r, const Deadline& dl);

// config.files.vmPathName of a VM.
std::string vm_path_name(Session& s, const std::string& vm, const Deadline& dl);

// UpgradeVM_Task without a version: the newest the host supports.
std::string start_upgrade_vm(Session& s, const std::string& vm, const Deadline& dl);
// MountToolsInstaller (no task).
void mount_tools_installer(Session& s, const std::string& vm, const Deadline& dl);
// UpgradeTools_Task; installerOptions left out when empty.
std::string start_upgrade_tools(Session& s, const std::string& vm, std::string_view installer_options,
                                const Deadline& dl);

// CreateScreenshot_Task: its result is the PNG's datastore path
// ("[ds] dir/name-N.png"), left there for the caller to fetch and delete.
std::string start_create_screenshot(Session& s, const std::string& vm, const Deadline& dl);

}  // namespace vix
