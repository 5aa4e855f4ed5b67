// Snapshot handles: VMCreateSnapshot and friends (SPEC-VM 13), and their
// properties (SPEC-VM 12). A snapshot handle names its snapshot by managed
// object; every call reads the VM's snapshot tree afresh.
#include "vix/snapshot.h"

#include "api.h"
#include "vix/vim/snapshots.h"
#include "vm_ops.h"

namespace vix {

using vmops::check_belongs;
using vmops::live_snapshot;
using vmops::on_vm;
using vmops::snapshot_gone;

namespace {

// VIX_PROPERTY_SNAPSHOT_IS_REPLAYABLE: dropped in VIX 1.11, still named by
// old scripts (SPEC-VM 17.13); always false.
constexpr std::int64_t kIsReplayable = 4207;

int new_handle(const std::shared_ptr<HostSession>& host, int owner, const std::string& vm_moref,
               const std::string& vm_path, const std::string& moref) {
    auto s = std::make_shared<SnapshotObject>();
    s->host = host;
    s->vm_moref = vm_moref;
    s->vm_path = vm_path;
    s->moref = moref;
    return add_handle(s, owner);
}

int handle_for(const VmObject& vm, const std::string& moref) {
    return new_handle(vm.host, vm.owner, vm.moref, vm.path, moref);
}

SnapshotTree vm_tree(const VmObject& vm) {
    return read_snapshot_tree(*vm.host->session, vm.moref, request_deadline(*vm.host));
}

// The tree of the snapshot's VM and the snapshot's place in it. A snapshot
// that is gone (removed with its parent, or by another client) is marked.
SnapshotTree snapshot_tree(SnapshotObject& s, int& index) {
    SnapshotTree t = read_snapshot_tree(*s.host->session, s.vm_moref, request_deadline(*s.host));
    index = t.find(s.moref);
    if (index < 0) {
        s.removed = true;
        snapshot_gone(s, false);  // the caller's detail names the VM
    }
    return t;
}

std::int64_t power_state_bits(const std::string& state) {
    if (state == "poweredOn") return VIX_POWERSTATE_POWERED_ON;
    if (state == "suspended") return VIX_POWERSTATE_SUSPENDED;
    return VIX_POWERSTATE_POWERED_OFF;
}

}  // namespace

void SnapshotObject::properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) {
    out.clear();
    // Every id is known before anything is sent.
    for (const IntArg& id : ids) {
        const std::int64_t n = id.kind == IntArg::Int ? id.value : -1;
        if (n != VIX_PROPERTY_SNAPSHOT_DISPLAYNAME && n != VIX_PROPERTY_SNAPSHOT_DESCRIPTION &&
            n != VIX_PROPERTY_SNAPSHOT_POWERSTATE && n != kIsReplayable)
            throw Error(VIX_E_UNRECOGNIZED_PROPERTY,
                        id.kind == IntArg::Int ? "property " + std::to_string(n) + " is not a snapshot property"
                                               : std::string("property id is not an integer"));
    }
    if (removed) snapshot_gone(*this);
    on_vm("GetProperties", vm_path, [&] {
        int i;
        const SnapshotTree t = snapshot_tree(*this, i);
        const SnapshotNode& node = t.nodes[i];
        for (const IntArg& id : ids) {
            PropertyValue v;
            if (id.value == VIX_PROPERTY_SNAPSHOT_DISPLAYNAME || id.value == VIX_PROPERTY_SNAPSHOT_DESCRIPTION) {
                v.is_string = true;
                v.text = id.value == VIX_PROPERTY_SNAPSHOT_DISPLAYNAME ? node.name : node.description;
            } else if (id.value == VIX_PROPERTY_SNAPSHOT_POWERSTATE) {
                v.number = power_state_bits(node.state);
            }  // else: replayable, never
            out.push_back(std::move(v));
        }
    });
}

Status vm_create_snapshot(int vm_handle, const StrArg& name, const StrArg& description, const IntArg& options,
                          const IntArg& property_list, int& snapshot) noexcept {
    snapshot = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        check_string(name, "name");
        const std::string n = name.kind == StrArg::Bytes ? std::string(name.bytes) : std::string("Snapshot");
        const std::string d = optional_string(description, "description");
        const std::int64_t o = options_arg(options, VIX_SNAPSHOT_INCLUDE_MEMORY);
        no_handle_arg(property_list);
        const HostSession& h = *vm->host;
        const std::string moref = on_vm("VMCreateSnapshot", vm->path, [&] {
            const std::string task = start_create_snapshot(*h.session, vm->moref, n, d,
                                                           (o & VIX_SNAPSHOT_INCLUDE_MEMORY) != 0, false,
                                                           request_deadline(h));
            std::string result = vmops::wait_vm_task(h, *vm, task, "CreateSnapshot_Task");
            if (result.empty()) throw Error(VIX_E_INVALID_XML, "the task names no snapshot");
            return result;
        });
        snapshot = handle_for(*vm, moref);
    });
}

Status vm_remove_snapshot(int vm_handle, int snapshot_handle, const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        std::shared_ptr<SnapshotObject> snap = live_snapshot(snapshot_handle);
        const std::int64_t o = options_arg(options, VIX_SNAPSHOT_REMOVE_CHILDREN);
        check_belongs(*vm, *snap, "VMRemoveSnapshot");
        const HostSession& h = *vm->host;
        on_vm("VMRemoveSnapshot", vm->path, [&] {
            const std::string task = start_remove_snapshot(*h.session, snap->moref,
                                                           (o & VIX_SNAPSHOT_REMOVE_CHILDREN) != 0,
                                                           request_deadline(h));
            vmops::wait_vm_task(h, *vm, task, "RemoveSnapshot_Task");
        });
        // Handles of removed children find out from the tree at their next use.
        snap->removed = true;
    });
}

Status vm_revert_to_snapshot(int vm_handle, int snapshot_handle, const IntArg& options,
                             const IntArg& property_list) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        std::shared_ptr<SnapshotObject> snap = live_snapshot(snapshot_handle);
        // LAUNCH_GUI has no meaning on vSphere and is ignored (SPEC-VM 17.7).
        const std::int64_t o =
            options_arg(options, VIX_VMPOWEROP_LAUNCH_GUI | VIX_VMPOWEROP_SUPPRESS_SNAPSHOT_POWERON);
        no_handle_arg(property_list);
        check_belongs(*vm, *snap, "VMRevertToSnapshot");
        const HostSession& h = *vm->host;
        on_vm("VMRevertToSnapshot", vm->path, [&] {
            const std::string task = start_revert_to_snapshot(
                *h.session, snap->moref, (o & VIX_VMPOWEROP_SUPPRESS_SNAPSHOT_POWERON) != 0, request_deadline(h));
            vmops::wait_vm_task(h, *vm, task, "RevertToSnapshot_Task");
        });
    });
}

Status vm_get_num_root_snapshots(int vm_handle, int& n) noexcept {
    n = 0;
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        n = on_vm("VMGetNumRootSnapshots", vm->path, [&] { return static_cast<int>(vm_tree(*vm).roots.size()); });
    });
}

Status vm_get_root_snapshot(int vm_handle, const IntArg& index, int& snapshot) noexcept {
    snapshot = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        const std::int64_t i = int_arg(index, "index", false);
        if (i < 0) invalid_arg("index must not be negative");
        const std::string moref = on_vm("VMGetRootSnapshot", vm->path, [&] {
            const SnapshotTree t = vm_tree(*vm);
            if (i >= static_cast<std::int64_t>(t.roots.size()))
                invalid_arg("index " + std::to_string(i) + " is out of range: the VM has " +
                            std::to_string(t.roots.size()) + " root snapshots");
            return t.nodes[t.roots[i]].moref;
        });
        snapshot = handle_for(*vm, moref);
    });
}

Status vm_get_current_snapshot(int vm_handle, int& snapshot) noexcept {
    snapshot = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        const std::string moref = on_vm("VMGetCurrentSnapshot", vm->path, [&] {
            std::string current = vm_tree(*vm).current;
            if (current.empty()) throw Error(VIX_E_SNAPSHOT_NOTFOUND, "the VM has no current snapshot");
            return current;
        });
        snapshot = handle_for(*vm, moref);
    });
}

Status vm_get_named_snapshot(int vm_handle, const StrArg& name, int& snapshot) noexcept {
    snapshot = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<VmObject> vm = vmops::live_vm(vm_handle);
        const std::string n = required_string(name, "name");
        const std::string moref = on_vm("VMGetNamedSnapshot", vm->path, [&] {
            const SnapshotTree t = vm_tree(*vm);
            int i;
            switch (find_named(t, n, i)) {
                case NamedLookup::None: throw Error(VIX_E_SNAPSHOT_NOTFOUND, "no snapshot is named \"" + n + "\"");
                case NamedLookup::Several:
                    throw Error(VIX_E_SNAPSHOT_NONUNIQUE_NAME,
                                "several snapshots are named \"" + n + "\"; name it by its path (\"parent/child\")");
                case NamedLookup::Found: break;
            }
            return t.nodes[i].moref;
        });
        snapshot = handle_for(*vm, moref);
    });
}

Status snapshot_get_num_children(int snapshot_handle, int& n) noexcept {
    n = 0;
    return guarded([&] {
        std::shared_ptr<SnapshotObject> s = live_snapshot(snapshot_handle);
        n = on_vm("SnapshotGetNumChildren", s->vm_path, [&] {
            int i;
            return static_cast<int>(snapshot_tree(*s, i).nodes[i].children.size());
        });
    });
}

Status snapshot_get_child(int snapshot_handle, const IntArg& index, int& child) noexcept {
    child = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<SnapshotObject> s = live_snapshot(snapshot_handle);
        const std::int64_t want = int_arg(index, "index", false);
        if (want < 0) invalid_arg("index must not be negative");
        const std::string moref = on_vm("SnapshotGetChild", s->vm_path, [&] {
            int i;
            const SnapshotTree t = snapshot_tree(*s, i);
            const std::vector<int>& kids = t.nodes[i].children;
            if (want >= static_cast<std::int64_t>(kids.size()))
                invalid_arg("index " + std::to_string(want) + " is out of range: the snapshot has " +
                            std::to_string(kids.size()) + " children");
            return t.nodes[kids[want]].moref;
        });
        child = new_handle(s->host, s->owner, s->vm_moref, s->vm_path, moref);
    });
}

Status snapshot_get_parent(int snapshot_handle, int& parent) noexcept {
    parent = VIX_INVALID_HANDLE;
    return guarded([&] {
        std::shared_ptr<SnapshotObject> s = live_snapshot(snapshot_handle);
        const std::string moref = on_vm("SnapshotGetParent", s->vm_path, [&] {
            int i;
            const SnapshotTree t = snapshot_tree(*s, i);
            return t.nodes[i].parent < 0 ? std::string() : t.nodes[t.nodes[i].parent].moref;
        });
        if (!moref.empty()) parent = new_handle(s->host, s->owner, s->vm_moref, s->vm_path, moref);
    });
}

}  // namespace vix
