// Clones, VM variables, virtual hardware, VMware Tools and the screen
// (SPEC-VM 13), and the VIX families vSphere has no counterpart for.
#include <strings.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "api.h"
#include "guest_env.h"
#include "vix/snapshot.h"
#include "vix/vim/datastore.h"
#include "vix/vim/inventory.h"
#include "vix/vim/vmconfig.h"
#include "vm_ops.h"

namespace vix {

using vmops::on_vm;

namespace {

bool same_name(std::string_view a, const char* b) {
    return a.size() == std::strlen(b) && strncasecmp(a.data(), b, a.size()) == 0;
}

// VIX_VM_CONFIG_RUNTIME_ONLY: the names the original answered from the VM's
// configuration rather than its extraConfig (SPEC-VM 17.10).
bool runtime_value(const VmConfig& c, std::string_view name, std::string& value) {
    if (same_name(name, "displayName")) value = c.name;
    else if (same_name(name, "guestOS")) value = c.guest_id;
    else if (same_name(name, "memsize")) value = c.memory_mb;
    else if (same_name(name, "numvcpus")) value = c.num_cpu;
    else return extra_config_value(c, name, value);
    return true;
}

std::int64_t variable_type(const IntArg& a) {
    const std::int64_t t = int_arg(a, "variableType", false);
    if (t != VIX_VM_GUEST_VARIABLE && t != VIX_VM_CONFIG_RUNTIME_ONLY && t != VIX_GUEST_ENVIRONMENT_VARIABLE)
        invalid_arg("variableType must be VIX_VM_GUEST_VARIABLE, VIX_VM_CONFIG_RUNTIME_ONLY or "
                    "VIX_GUEST_ENVIRONMENT_VARIABLE");
    return t;
}

bool logged_in(VmObject& vm) {
    std::lock_guard<std::mutex> lk(vm.guest_mu);
    return vm.logged_in;
}

// The VM must be on for Tools and the console: checked before anything is
// started (SPEC-VM 11), as vSphere's simulator accepts more than a host.
void require_on(const HostSession& h, const VmObject& vm) {
    const VmRuntime r = vm_runtime(*h.session, vm.moref, request_deadline(h));
    if (r.power_state != "poweredOn") throw Error(VIX_E_VM_NOT_RUNNING, "the VM is " + r.power_state);
}

}  // namespace

Status vm_clone(int vm_handle, const IntArg& snapshot, const IntArg& clone_type, const StrArg& dest_vmx_path,
                const IntArg& options, const IntArg& property_list, int& clone) noexcept {
    clone = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        std::shared_ptr<SnapshotObject> snap;
        // 0 and undef: no snapshot; anything else must be a live snapshot handle.
        const std::int64_t sh = int_arg(snapshot, "snapshotHandle");
        if (sh != VIX_INVALID_HANDLE)
            snap = vmops::live_snapshot(sh > 0 && sh <= 0x7fffffff ? static_cast<int>(sh) : 0);
        const std::int64_t type = int_arg(clone_type, "cloneType", false);
        if (type != VIX_CLONETYPE_FULL && type != VIX_CLONETYPE_LINKED)
            invalid_arg("cloneType must be VIX_CLONETYPE_FULL or VIX_CLONETYPE_LINKED");
        const std::string dest = required_string(dest_vmx_path, "destConfigPathName");
        options_arg(options, 0);
        no_handle_arg(property_list);
        DatastorePath dp;
        if (!parse_datastore_path(dest, dp))
            invalid_arg("VMClone: " + dest + " is not a datastore path (\"[datastore] name/name.vmx\")");
        // The new VM's name is the file name without .vmx (SPEC-VM 17.11).
        std::string name = dp.rest.substr(dp.rest.rfind('/') == std::string::npos ? 0 : dp.rest.rfind('/') + 1);
        if (name.size() > 4 && strcasecmp(name.c_str() + name.size() - 4, ".vmx") == 0) name.resize(name.size() - 4);
        if (name.empty()) invalid_arg("VMClone: " + dest + " names no file");
        if (type == VIX_CLONETYPE_LINKED && !snap)
            invalid_arg("VMClone " + vm->path + ": a linked clone needs a snapshot to share disks with");
        if (snap) vmops::check_belongs(*vm, *snap, "VMClone");
        const HostSession& h = *vm->host;
        Session& s = *h.session;
        auto obj = std::make_shared<VmObject>();
        obj->host = vm->host;
        on_vm("VMClone", vm->path, [&] {
            const Deadline dl = request_deadline(h);
            const VmPlacement where = vm_placement(s, vm->moref, dl);
            CloneRequest r;
            r.folder = where.folder;
            r.pool = where.pool;
            r.datastore = where.datastore(dp.datastore);
            if (r.datastore.empty())
                throw Error(VIX_E_NOT_FOUND, "the VM's host has no datastore named \"" + dp.datastore + "\"");
            r.name = name;
            r.snapshot = snap ? snap->moref : std::string();
            r.linked = type == VIX_CLONETYPE_LINKED;
            const std::string task = start_clone_vm(s, vm->moref, r, dl);
            obj->moref = vmops::wait_vm_task(h, *vm, task, "CloneVM_Task");
            if (obj->moref.empty()) throw Error(VIX_E_INVALID_XML, "the task names no new VM");
            obj->path = vm_path_name(s, obj->moref, request_deadline(h));
        });
        clone = add_handle(obj, vm->owner);
    });
}

Status vm_read_variable(int vm_handle, const IntArg& type, const StrArg& name, const IntArg& options,
                        std::string& value) noexcept {
    value.clear();
    Status st = guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        const std::int64_t t = variable_type(type);
        const std::string n = required_string(name, "name");
        options_arg(options, 0);
        if (t == VIX_GUEST_ENVIRONMENT_VARIABLE) {
            if (!logged_in(*vm))
                throw Error(VIX_E_GUEST_USER_PERMISSIONS, "VMReadVariable " + vm->path + ": log in with VMLoginInGuest first");
            value = read_guest_environment_variable(*vm, n);
            return;
        }
        on_vm("VMReadVariable", vm->path, [&] {
            const VmConfig c = read_vm_config(*vm->host->session, vm->moref, request_deadline(*vm->host));
            bool set = t == VIX_VM_GUEST_VARIABLE ? extra_config_value(c, "guestinfo." + n, value)
                                                  : runtime_value(c, n, value);
            // On Workstation, Tools publish the guest's address as the guest
            // variable "ip" (what vmrun getGuestIPAddress reads); vSphere
            // reports it as guest.ipAddress instead. A guestinfo.ip of our
            // own still comes first.
            if (t == VIX_VM_GUEST_VARIABLE && same_name(n, "ip") && (!set || value.empty())) {
                value = c.guest_ip;
                set = true;
            }
            if (!set) value.clear();  // unset: VIX_OK and ""
        });
    });
    if (!st.ok()) value.clear();
    return st;
}

Status vm_write_variable(int vm_handle, const IntArg& type, const StrArg& name, const StrArg& value,
                         const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        const std::int64_t t = variable_type(type);
        const std::string n = required_string(name, "name");
        check_string(value, "value");
        if (value.kind != StrArg::Bytes) invalid_arg("value is required (\"\" clears the variable)");
        options_arg(options, 0);
        if (t != VIX_VM_GUEST_VARIABLE)
            throw Error(VIX_E_NOT_SUPPORTED, "VMWriteVariable " + vm->path +
                                                 ": vSphere can only write guest variables (guestinfo.*), as the "
                                                 "original on ESX");
        const HostSession& h = *vm->host;
        on_vm("VMWriteVariable", vm->path, [&] {
            const std::string task =
                start_set_extra_config(*h.session, vm->moref, "guestinfo." + n, value.bytes, request_deadline(h));
            vmops::wait_vm_task(h, *vm, task, "ReconfigVM_Task");
        });
    });
}

Status vm_upgrade_virtual_hardware(int vm_handle, const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        options_arg(options, 0);
        const HostSession& h = *vm->host;
        on_vm("VMUpgradeVirtualHardware", vm->path, [&] {
            const VmRuntime r = vm_runtime(*h.session, vm->moref, request_deadline(h));
            if (r.power_state != "poweredOff")
                throw Error(VIX_E_VM_IS_RUNNING, "the VM is " + r.power_state + "; power it off first");
            const std::string task = start_upgrade_vm(*h.session, vm->moref, request_deadline(h));
            vmops::wait_vm_task(h, *vm, task, "UpgradeVM_Task");
        });
    });
}

Status vm_install_tools(int vm_handle, const IntArg& options, const StrArg& command_line_args) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        // VIX_INSTALLTOOLS_MOUNT_TOOLS_INSTALLER is 0: no bit means "mount".
        const std::int64_t o = options_arg(options, VIX_INSTALLTOOLS_AUTO_UPGRADE | VIX_INSTALLTOOLS_RETURN_IMMEDIATELY);
        const std::string args = optional_string(command_line_args, "commandLineArgs");
        const HostSession& h = *vm->host;
        on_vm("VMInstallTools", vm->path, [&] {
            require_on(h, *vm);
            if (!(o & VIX_INSTALLTOOLS_AUTO_UPGRADE)) {
                mount_tools_installer(*h.session, vm->moref, request_deadline(h));
                return;
            }
            const std::string task = start_upgrade_tools(*h.session, vm->moref, args, request_deadline(h));
            if (!(o & VIX_INSTALLTOOLS_RETURN_IMMEDIATELY)) vmops::wait_vm_task(h, *vm, task, "UpgradeTools_Task");
        });
    });
}

Status vm_capture_screen_image(int vm_handle, const IntArg& capture_type, const IntArg& property_list,
                               std::string& png) noexcept {
    png.clear();
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        const std::int64_t t = int_arg(capture_type, "captureType", false);
        if (t != VIX_CAPTURESCREENFORMAT_PNG && t != VIX_CAPTURESCREENFORMAT_PNG_NOCOMPRESS)
            invalid_arg("captureType must be VIX_CAPTURESCREENFORMAT_PNG or VIX_CAPTURESCREENFORMAT_PNG_NOCOMPRESS");
        no_handle_arg(property_list);
        // vSphere writes one kind of PNG: both formats get it.
        const HostSession& h = *vm->host;
        Session& s = *h.session;
        on_vm("VMCaptureScreenImage", vm->path, [&] {
            // A VM that is not on: the task's InvalidPowerState, through the table.
            const std::string task = start_create_screenshot(s, vm->moref, request_deadline(h));
            const std::string file = vmops::wait_vm_task(h, *vm, task, "CreateScreenshot_Task");
            DatastorePath dp;
            if (!parse_datastore_path(file, dp) || dp.rest.empty())
                throw Error(VIX_E_INVALID_XML, "CreateScreenshot_Task: the result \"" + file + "\" is not a datastore path");
            // The file's datacenter: the first, in inventory order, that has
            // its datastore (as VMOpen, SPEC-VM 17.2).
            const std::vector<DatacenterInfo> dcs = datacenters(s, request_deadline(h));
            const auto dc = std::find_if(dcs.begin(), dcs.end(),
                                         [&](const DatacenterInfo& d) { return d.holds(dp.datastore); });
            if (dc == dcs.end())
                throw Error(VIX_E_NOT_FOUND, "no datacenter has the datastore of the screenshot " + dp.canonical());
            // The PNG is the caller's, not the VM's: it goes whether the read
            // worked or not. A delete that fails leaves it in the VM's
            // directory but does not take the image from the caller.
            const auto remove = [&]() noexcept {
                try {
                    const std::string del = start_delete_datastore_file(s, *dc, dp, request_deadline(h));
                    wait_for_task(s, del, vmops::task_wait(h, "DeleteDatastoreFile_Task on " + dp.canonical()));
                } catch (...) {
                }
            };
            try {
                png = read_datastore_file(s, *dc, dp, request_deadline(h));
            } catch (...) {
                remove();
                throw;
            }
            remove();
        });
    });
}

Status vm_not_on_vsphere(int vm_handle, const char* feature) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vm_arg(vm_handle);
        const std::string f(feature);
        const char* what = f.find("SharedFolder") != std::string::npos ? "shared folders"
                           : f.find("Url") != std::string::npos        ? "a way to open a URL in the guest"
                                                                       : "record and replay";
        throw Error(VIX_E_NOT_SUPPORTED, f + " " + vm->path + ": vSphere has no " + what);
    });
}

}  // namespace vix
