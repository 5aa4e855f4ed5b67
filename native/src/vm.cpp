// VM handles: inventory, power and properties (SPEC-VM 10 to 12).
#include "vix/vm.h"

#include <tinyxml2.h>

#include <algorithm>
#include <cstdlib>

#include "api.h"
#include "vm_ops.h"
#include "vix/vim/inventory.h"
#include "vix/vim/power.h"
#include "vix/vim/properties.h"
#include "vix/vim/tasks.h"

namespace vix {

namespace {

// VIX_PROPERTY_VM_IS_RECORDING, _IS_REPLAYING: dropped in VIX 1.11, still
// named by old scripts (SPEC-VM 17.13); always false.
constexpr std::int64_t kIsRecording = 236;
constexpr std::int64_t kIsReplaying = 237;

using vmops::live_vm;
using vmops::on_vm;
using vmops::task_wait;

// Starts a VirtualMachine task and waits for it.
std::string run_vm_task(const HostSession& h, const VmObject& vm, std::string_view method) {
    const std::string task = start_vm_task(*h.session, vm.moref, method, request_deadline(h));
    return vmops::wait_vm_task(h, vm, task, method);
}

std::string required_path(const StrArg& a) { return required_string(a, "vmxFilePathName"); }

std::int64_t power_state_bits(const std::string& state, bool question) {
    std::int64_t v = state == "poweredOn"   ? VIX_POWERSTATE_POWERED_ON
                     : state == "suspended" ? VIX_POWERSTATE_SUSPENDED
                                            : VIX_POWERSTATE_POWERED_OFF;
    if (question) v |= VIX_POWERSTATE_BLOCKED_ON_MSG;
    return v;
}

std::int64_t tools_state(const std::string& running, const std::string& status) {
    if (running == "guestToolsRunning") return VIX_TOOLSSTATE_RUNNING;
    if (status == "toolsNotInstalled") return VIX_TOOLSSTATE_NOT_INSTALLED;
    return VIX_TOOLSSTATE_UNKNOWN;
}

int open_vm(int host, const StrArg& vmx_path) {
    std::shared_ptr<HostSession> h = host_arg(host);
    const std::string path = required_path(vmx_path);
    DatastorePath dp;
    if (!parse_datastore_path(path, dp))
        throw Error(VIX_E_VM_NOT_FOUND, "VMOpen " + path + ": not a datastore path (\"[datastore] dir/name.vmx\")");
    const Deadline dl = request_deadline(*h);
    const std::string moref = on_vm("VMOpen", dp.canonical(), [&] {
        return find_vm(*h->session, datacenters(*h->session, dl), dp, dl);
    });
    if (moref.empty()) throw Error(VIX_E_VM_NOT_FOUND, "VMOpen " + dp.canonical() + ": no VM is registered there");
    auto vm = std::make_shared<VmObject>();
    vm->host = h;
    vm->moref = moref;
    vm->path = dp.canonical();
    return add_handle(vm, host);
}


// The server properties a VM property id is read from (none: a constant).
std::vector<std::string_view> paths_of(std::int64_t id) {
    switch (id) {
        case VIX_PROPERTY_VM_NUM_VCPUS: return {"config.hardware.numCPU"};
        case VIX_PROPERTY_VM_VMX_PATHNAME: return {"config.files.vmPathName"};
        case VIX_PROPERTY_VM_MEMORY_SIZE: return {"config.hardware.memoryMB"};
        case VIX_PROPERTY_VM_READ_ONLY: return {"config.template"};
        case VIX_PROPERTY_VM_NAME: return {"name"};
        case VIX_PROPERTY_VM_GUESTOS: return {"config.guestId"};
        case VIX_PROPERTY_VM_POWER_STATE: return {"runtime.powerState", "runtime.question"};
        case VIX_PROPERTY_VM_TOOLS_STATE: return {"guest.toolsRunningStatus", "guest.toolsStatus"};
        case VIX_PROPERTY_VM_IS_RUNNING: return {"runtime.powerState"};
        case VIX_PROPERTY_VM_VMTEAM_PATHNAME: case VIX_PROPERTY_VM_IN_VMTEAM:
        case VIX_PROPERTY_VM_SUPPORTED_FEATURES: case kIsRecording: case kIsReplaying:
            return {};
        default:
            throw Error(VIX_E_UNRECOGNIZED_PROPERTY, "property " + std::to_string(id) + " is not a VM property");
    }
}

PropertyValue vm_property(std::int64_t id, const ObjectProps& o) {
    PropertyValue v;
    const auto str = [&](std::string s) {
        v.is_string = true;
        v.text = std::move(s);
    };
    const auto num = [&](std::string_view path) { v.number = std::strtoll(o.text(path).c_str(), nullptr, 10); };
    switch (id) {
        case VIX_PROPERTY_VM_NUM_VCPUS: num("config.hardware.numCPU"); break;
        case VIX_PROPERTY_VM_VMX_PATHNAME: str(o.text("config.files.vmPathName")); break;
        case VIX_PROPERTY_VM_VMTEAM_PATHNAME: str(""); break;  // no teams on vSphere
        case VIX_PROPERTY_VM_MEMORY_SIZE: num("config.hardware.memoryMB"); break;
        case VIX_PROPERTY_VM_READ_ONLY: v.number = o.text("config.template") == "true"; break;
        case VIX_PROPERTY_VM_NAME: str(o.text("name")); break;
        case VIX_PROPERTY_VM_GUESTOS: str(o.text("config.guestId")); break;
        case VIX_PROPERTY_VM_POWER_STATE:
            v.number = power_state_bits(o.text("runtime.powerState"), o.has("runtime.question"));
            break;
        case VIX_PROPERTY_VM_TOOLS_STATE:
            v.number = tools_state(o.text("guest.toolsRunningStatus"), o.text("guest.toolsStatus"));
            break;
        case VIX_PROPERTY_VM_IS_RUNNING: v.number = o.text("runtime.powerState") == "poweredOn"; break;
        case VIX_PROPERTY_VM_SUPPORTED_FEATURES:
            v.number = VIX_VM_SUPPORT_MULTIPLE_SNAPSHOTS | VIX_VM_SUPPORT_TOOLS_INSTALL | VIX_VM_SUPPORT_HARDWARE_UPGRADE;
            break;
        default: v.number = 0; break;  // in a team, recording, replaying: never
    }
    return v;
}

}  // namespace

void VmObject::properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) {
    // Every id is known before anything is sent; only what they need is asked.
    std::vector<std::string_view> paths;
    for (const IntArg& id : ids) {
        if (id.kind != IntArg::Int) throw Error(VIX_E_UNRECOGNIZED_PROPERTY, "property id is not an integer");
        for (std::string_view p : paths_of(id.value))
            if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
    }
    if (deleted) throw Error(VIX_E_VM_NOT_FOUND, path + " was deleted");
    ObjectProps none;
    bool answered = paths.empty();
    if (!paths.empty()) {
        on_vm("GetProperties", path, [&] {
            retrieve_object(*host->session, "VirtualMachine", moref, paths, request_deadline(*host),
                            [&](const ObjectProps& o) {
                                answered = true;
                                for (const IntArg& id : ids) out.push_back(vm_property(id.value, o));
                            });
        });
    } else {
        for (const IntArg& id : ids) out.push_back(vm_property(id.value, none));
    }
    if (!answered) throw Error(VIX_E_VM_NOT_FOUND, path + ": the server returned no properties for it");
}

Status find_items(int host, const IntArg& search_type, const IntArg& timeout, std::vector<std::string>& out) noexcept {
    out.clear();
    Status st = guarded([&] {
        std::shared_ptr<HostSession> h = host_arg(host);
        const std::int64_t type = int_arg(search_type, "searchType", false);
        if (type != VIX_FIND_REGISTERED_VMS && type != VIX_FIND_RUNNING_VMS)
            invalid_arg("searchType must be VIX_FIND_REGISTERED_VMS or VIX_FIND_RUNNING_VMS");
        const std::int64_t seconds = int_arg(timeout, "timeoutInSeconds");
        // The bound covers the whole call (SPEC-VM 17.9); none of its own:
        // one request timeout, as any call.
        const Deadline dl = seconds > 0 ? Deadline(std::chrono::seconds(std::min<std::int64_t>(seconds, 1 << 24)),
                                                   interrupt_check())
                                        : request_deadline(*h);
        const bool running = type == VIX_FIND_RUNNING_VMS;
        Session& s = *h->session;
        try {
            retrieve_container(s, "Folder", s.content().root_folder, "VirtualMachine",
                               {"config.files.vmPathName", "runtime.powerState"}, dl, [&](const ObjectProps& o) {
                                   if (running && o.text("runtime.powerState") != "poweredOn") return;
                                   std::string p = o.text("config.files.vmPathName");
                                   if (!p.empty()) out.push_back(std::move(p));
                               });
        } catch (const Error& e) {
            throw Error(e.code(), "FindItems: " + e.detail());
        }
    });
    if (!st.ok()) out.clear();  // never a partial list
    return st;
}

Status vm_open(int host, const StrArg& vmx_path, int& vm) noexcept {
    vm = VIX_INVALID_HANDLE;
    return guarded([&] { vm = open_vm(host, vmx_path); });
}

Status host_open_vm(int host, const StrArg& vmx_path, const IntArg& options, const IntArg& property_list,
                    int& vm) noexcept {
    vm = VIX_INVALID_HANDLE;
    return guarded([&] {
        host_arg(host);
        required_path(vmx_path);
        options_arg(options, VIX_VMOPEN_NORMAL);
        no_handle_arg(property_list);
        vm = open_vm(host, vmx_path);
    });
}

Status register_vm(int host, const StrArg& vmx_path) noexcept {
    return guarded([&] {
        std::shared_ptr<HostSession> h = host_arg(host);
        const std::string path = required_path(vmx_path);
        DatastorePath dp;
        if (!parse_datastore_path(path, dp))
            invalid_arg("RegisterVM " + path + ": not a datastore path (\"[datastore] dir/name.vmx\")");
        Session& s = *h->session;
        const Deadline dl = request_deadline(*h);
        on_vm("RegisterVM", dp.canonical(), [&] {
            const std::vector<DatacenterInfo> dcs = datacenters(s, dl);
            const DatacenterInfo* dc = nullptr;
            for (const DatacenterInfo& d : dcs)
                if (d.holds(dp.datastore)) {
                    dc = &d;
                    break;
                }
            if (!dc) throw Error(VIX_E_NOT_FOUND, "no datastore named \"" + dp.datastore + "\"");
            if (!find_by_datastore_path(s, dc->moref, dp, dl).empty()) return;  // registered already
            const std::string pool = first_resource_pool(s, dc->host_folder, dl);
            if (pool.empty()) throw Error(VIX_E_NOT_FOUND, "the datacenter has no compute resource to run it");
            const std::string task = start_register_vm(s, *dc, pool, dp, dl);
            try {
                wait_for_task(s, task, task_wait(*h, "RegisterVM_Task"));
            } catch (const Error& e) {
                // The file to register is what was not found (SPEC-VM 10).
                if (e.code() == VIX_E_FILE_NOT_FOUND) throw Error(VIX_E_NOT_FOUND, e.detail());
                throw;
            }
        });
    });
}

Status unregister_vm(int host, const StrArg& vmx_path) noexcept {
    return guarded([&] {
        std::shared_ptr<HostSession> h = host_arg(host);
        const std::string path = required_path(vmx_path);
        DatastorePath dp;
        if (!parse_datastore_path(path, dp)) return;  // matches no registered VM (SPEC-VM 17.1)
        Session& s = *h->session;
        const Deadline dl = request_deadline(*h);
        on_vm("UnregisterVM", dp.canonical(), [&] {
            const std::string vm = find_vm(s, datacenters(s, dl), dp, dl);
            if (vm.empty()) return;
            const VmRuntime r = vm_runtime(s, vm, dl);
            if (r.power_state != "poweredOff")
                throw Error(VIX_E_VM_IS_RUNNING, "the VM is " + r.power_state + "; power it off first");
            unregister_vm(s, vm, dl);
        });
    });
}

Status vm_power_on(int vm_handle, const IntArg& options, const IntArg& property_list) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = live_vm(vm_handle);
        const std::int64_t o = options_arg(options, VIX_VMPOWEROP_LAUNCH_GUI | VIX_VMPOWEROP_START_VM_PAUSED);
        no_handle_arg(property_list);
        if (o & VIX_VMPOWEROP_START_VM_PAUSED)
            throw Error(VIX_E_NOT_SUPPORTED, "VMPowerOn: vSphere cannot start a VM paused");
        const HostSession& h = *vm->host;
        on_vm("VMPowerOn", vm->path, [&] {
            const VmRuntime r = vm_runtime(*h.session, vm->moref, request_deadline(h));
            if (r.power_state == "poweredOn") throw Error(VIX_E_VM_IS_RUNNING, "the VM is already powered on");
            run_vm_task(h, *vm, "PowerOnVM_Task");  // also resumes a suspended VM
        });
    });
}

namespace {

// Power off, reset and suspend: the VM must be on; FROM_GUEST asks the
// guest's Tools instead of the host.
Status guest_or_host_power(int vm_handle, const IntArg& options, const char* op, std::string_view task_method,
                           std::string_view guest_method, std::string_view end_state) {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = live_vm(vm_handle);
        const std::int64_t o = options_arg(options, VIX_VMPOWEROP_FROM_GUEST);
        const HostSession& h = *vm->host;
        Session& s = *h.session;
        on_vm(op, vm->path, [&] {
            const VmRuntime r = vm_runtime(s, vm->moref, request_deadline(h));
            if (r.power_state != "poweredOn") throw Error(VIX_E_VM_NOT_RUNNING, "the VM is " + r.power_state);
            if (!(o & VIX_VMPOWEROP_FROM_GUEST)) {
                run_vm_task(h, *vm, task_method);
                return;
            }
            if (r.tools_running != "guestToolsRunning")
                throw Error(VIX_E_TOOLS_NOT_RUNNING, "VMware Tools are not running in the guest");
            guest_power_request(s, vm->moref, guest_method, request_deadline(h));
            if (!end_state.empty())
                wait_for_power_state(s, vm->moref, end_state, task_wait(h, std::string(guest_method)));
        });
    });
}

Status not_on_vsphere(int vm_handle, const IntArg& options, const IntArg& property_list, const char* what) {
    return guarded([&] {
        live_vm(vm_handle);
        int_arg(options, "options");
        no_handle_arg(property_list);
        throw Error(VIX_E_NOT_SUPPORTED, std::string(what) + ": vSphere has no paused state");
    });
}

}  // namespace

Status vm_power_off(int vm, const IntArg& options) noexcept {
    return guest_or_host_power(vm, options, "VMPowerOff", "PowerOffVM_Task", "ShutdownGuest", "poweredOff");
}

Status vm_reset(int vm, const IntArg& options) noexcept {
    return guest_or_host_power(vm, options, "VMReset", "ResetVM_Task", "RebootGuest", "");
}

Status vm_suspend(int vm, const IntArg& options) noexcept {
    return guest_or_host_power(vm, options, "VMSuspend", "SuspendVM_Task", "StandbyGuest", "suspended");
}

Status vm_pause(int vm, const IntArg& options, const IntArg& property_list) noexcept {
    return not_on_vsphere(vm, options, property_list, "VMPause");
}

Status vm_unpause(int vm, const IntArg& options, const IntArg& property_list) noexcept {
    return not_on_vsphere(vm, options, property_list, "VMUnpause");
}

Status vm_delete(int vm_handle, const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = live_vm(vm_handle);
        const std::int64_t o = options_arg(options, VIX_VMDELETE_DISK_FILES);
        if (!(o & VIX_VMDELETE_DISK_FILES))
            invalid_arg("VMDelete: options must include VIX_VMDELETE_DISK_FILES (vSphere cannot keep the disks)");
        const HostSession& h = *vm->host;
        on_vm("VMDelete", vm->path, [&] {
            const VmRuntime r = vm_runtime(*h.session, vm->moref, request_deadline(h));
            if (r.power_state == "poweredOn") throw Error(VIX_E_VM_IS_RUNNING, "the VM is powered on");
            run_vm_task(h, *vm, "Destroy_Task");
        });
        vm->deleted = true;
    });
}

}  // namespace vix
