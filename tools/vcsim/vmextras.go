package main

// VirtualMachine and Folder methods the simulator 0.24.2 lacks or gets wrong
// for our purposes. Each is reached through rewriteThis (frontend.go): a call
// on VirtualMachine:vm-N is answered by the vmExt registered as
// VcsimVirtualMachine:vm-N, which locks and updates the simulator's own
// VirtualMachine vm-N. State changes go through Registry.Update, so the
// PropertyCollector reports them.

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	vmExtType     = "VcsimVirtualMachine"
	folderExtType = "VcsimFolder"
)

// The server-wide state the extensions use (set once by installExtensions,
// before the server takes requests).
var (
	theGuests *guestWorld
	theTools  *toolsWatcher
)

// installExtensions registers the guest operations managers (guest.go), the
// session probe (frontend.go) and remembers the shared state.
func installExtensions(g *guestWorld, t *toolsWatcher) {
	theGuests, theTools = g, t
	simulator.Map.Put(&authProbe{Self: types.ManagedObjectReference{Type: authProbeType, Value: "probe"}})
	installGuestManagers(g)
}

// ensureExt registers the handler object for (as, id) if it is not there yet.
func ensureExt(as, id string) {
	ref := types.ManagedObjectReference{Type: as, Value: id}
	if simulator.Map.Get(ref) != nil {
		return
	}
	switch as {
	case vmExtType:
		simulator.Map.Put(&vmExt{Self: ref})
	case folderExtType:
		simulator.Map.Put(&folderExt{Self: ref})
	}
}

// vmExt answers the added VirtualMachine methods for the VM of the same id.
type vmExt struct {
	noLock
	Self types.ManagedObjectReference
}

func (e *vmExt) Reference() types.ManagedObjectReference { return e.Self }

// vm returns the simulator's VM, or the ManagedObjectNotFound fault a real
// server gives for a VM that no longer exists.
func (e *vmExt) vm() (*simulator.VirtualMachine, *soap.Fault) {
	ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: e.Self.Value}
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return nil, simulator.Fault("", &types.ManagedObjectNotFound{Obj: ref})
	}
	return vm, nil
}

// withVM runs f with the VM locked and ctx.Caller set to the VM, as the
// simulator does for its own VirtualMachine methods.
func (e *vmExt) withVM(ctx *simulator.Context, f func(vm *simulator.VirtualMachine)) *soap.Fault {
	vm, fault := e.vm()
	if fault != nil {
		return fault
	}
	ctx.Caller = &vm.Self
	simulator.Map.WithLock(vm, func() { f(vm) })
	return nil
}

func powerFault(vm *simulator.VirtualMachine, want types.VirtualMachinePowerState) types.BaseMethodFault {
	if vm.Runtime.PowerState == want {
		return nil
	}
	return &types.InvalidPowerState{RequestedState: want, ExistingState: vm.Runtime.PowerState}
}

// guestPowerOp is RebootGuest, StandbyGuest and ShutdownGuest.
//
// Real vSphere: the VM must be powered on (else InvalidPowerState) and Tools
// running (else ToolsUnavailable); the call returns at once and the guest
// then shuts down (poweredOff), goes to standby (suspended) or reboots (stays
// poweredOn; Tools go down and come back). The double does exactly this,
// the guest taking -tools-delay to shut down or reboot. (The simulator's own
// ShutdownGuest powers off at once and ignores Tools; it has no RebootGuest
// or StandbyGuest.)
func (e *vmExt) guestPowerOp(ctx *simulator.Context, to types.VirtualMachinePowerState, reboot bool) *soap.Fault {
	var fault types.BaseMethodFault
	if f := e.withVM(ctx, func(vm *simulator.VirtualMachine) {
		if fault = powerFault(vm, types.VirtualMachinePowerStatePoweredOn); fault != nil {
			return
		}
		if !toolsRunning(vm) {
			fault = &types.ToolsUnavailable{}
			return
		}
		if !theTools.guestPower(ctx, vm, to, reboot) {
			fault = &types.TaskInProgress{Task: vm.Self}
		}
	}); f != nil {
		return f
	}
	if fault != nil {
		return simulator.Fault("", fault)
	}
	return nil
}

// RebootGuest: see guestPowerOp.
func (e *vmExt) RebootGuest(ctx *simulator.Context, req *types.RebootGuest) soap.HasFault {
	body := &methods.RebootGuestBody{}
	if body.Fault_ = e.guestPowerOp(ctx, types.VirtualMachinePowerStatePoweredOn, true); body.Fault_ == nil {
		body.Res = &types.RebootGuestResponse{}
	}
	return body
}

// StandbyGuest: see guestPowerOp.
func (e *vmExt) StandbyGuest(ctx *simulator.Context, req *types.StandbyGuest) soap.HasFault {
	body := &methods.StandbyGuestBody{}
	if body.Fault_ = e.guestPowerOp(ctx, types.VirtualMachinePowerStateSuspended, false); body.Fault_ == nil {
		body.Res = &types.StandbyGuestResponse{}
	}
	return body
}

// ShutdownGuest: see guestPowerOp.
func (e *vmExt) ShutdownGuest(ctx *simulator.Context, req *types.ShutdownGuest) soap.HasFault {
	body := &methods.ShutdownGuestBody{}
	if body.Fault_ = e.guestPowerOp(ctx, types.VirtualMachinePowerStatePoweredOff, false); body.Fault_ == nil {
		body.Res = &types.ShutdownGuestResponse{}
	}
	return body
}

// setPowerState is the end of a guest-initiated power change: the events a
// real host posts and the runtime.powerState update (which the Tools watcher
// sees). The caller holds the VM's lock.
func setPowerState(ctx *simulator.Context, vm *simulator.VirtualMachine, to types.VirtualMachinePowerState) error {
	ev := types.VmEvent{Event: types.Event{Vm: &types.VmEventArgument{
		EntityEventArgument: types.EntityEventArgument{Name: vm.Name},
		Vm:                  vm.Self,
	}}}
	var events []types.BaseEvent
	switch to {
	case types.VirtualMachinePowerStatePoweredOff:
		events = []types.BaseEvent{&types.VmGuestShutdownEvent{VmEvent: ev}, &types.VmPoweredOffEvent{VmEvent: ev}}
	case types.VirtualMachinePowerStateSuspended:
		events = []types.BaseEvent{&types.VmGuestStandbyEvent{VmEvent: ev}, &types.VmSuspendedEvent{VmEvent: ev}}
	default:
		return fmt.Errorf("unexpected target state %s", to)
	}
	if ctx.Session != nil {
		em := simulator.Map.EventManager()
		ctx.WithLock(em, func() {
			for _, e := range events {
				em.PostEvent(ctx, &types.PostEvent{EventToPost: e})
			}
		})
	}
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "runtime.powerState", Val: to},
		{Name: "summary.runtime.powerState", Val: to},
	})
	return nil
}

// MountToolsInstaller connects the VMware Tools CD image to the VM.
//
// Real vSphere: the VM must be powered on (InvalidPowerState, an
// InvalidState); a second mount while one is mounted is InvalidState. Sets
// runtime.toolsInstallerMounted. The double does the same (no CD-ROM device
// change is modelled).
func (e *vmExt) MountToolsInstaller(ctx *simulator.Context, req *types.MountToolsInstaller) soap.HasFault {
	body := &methods.MountToolsInstallerBody{}
	var fault types.BaseMethodFault
	if body.Fault_ = e.withVM(ctx, func(vm *simulator.VirtualMachine) {
		if fault = powerFault(vm, types.VirtualMachinePowerStatePoweredOn); fault != nil {
			return
		}
		if vm.Runtime.ToolsInstallerMounted {
			fault = &types.InvalidState{}
			return
		}
		simulator.Map.Update(vm, installerMounted(true))
	}); body.Fault_ != nil {
		return body
	}
	if fault != nil {
		body.Fault_ = simulator.Fault("VMware Tools installer already mounted or VM not running", fault)
		return body
	}
	body.Res = &types.MountToolsInstallerResponse{}
	return body
}

// UnmountToolsInstaller disconnects the Tools CD image; a no-op when none is
// mounted (as on a real host).
func (e *vmExt) UnmountToolsInstaller(ctx *simulator.Context, req *types.UnmountToolsInstaller) soap.HasFault {
	body := &methods.UnmountToolsInstallerBody{}
	if body.Fault_ = e.withVM(ctx, func(vm *simulator.VirtualMachine) {
		if vm.Runtime.ToolsInstallerMounted {
			simulator.Map.Update(vm, installerMounted(false))
		}
	}); body.Fault_ == nil {
		body.Res = &types.UnmountToolsInstallerResponse{}
	}
	return body
}

func installerMounted(b bool) []types.PropertyChange {
	return []types.PropertyChange{
		{Name: "runtime.toolsInstallerMounted", Val: b},
		{Name: "summary.runtime.toolsInstallerMounted", Val: b},
	}
}

// UpgradeToolsTask (UpgradeTools_Task) upgrades VMware Tools in the guest.
//
// Real vSphere: needs the VM powered on (InvalidPowerState) and Tools running
// (ToolsUnavailable); mounts the installer, runs it with installerOptions,
// restarts Tools, unmounts. The double's Tools are always current: the task
// succeeds, Tools go down and come back after -tools-delay, and the options
// are logged on stderr.
func (e *vmExt) UpgradeToolsTask(ctx *simulator.Context, req *types.UpgradeTools_Task) soap.HasFault {
	vm, fault := e.vm()
	if fault != nil {
		return &methods.UpgradeTools_TaskBody{Fault_: fault}
	}
	task := simulator.CreateTask(vm, "upgradeTools", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		var fault types.BaseMethodFault
		simulator.Map.WithLock(vm, func() {
			if fault = powerFault(vm, types.VirtualMachinePowerStatePoweredOn); fault != nil {
				return
			}
			if !toolsRunning(vm) {
				fault = &types.ToolsUnavailable{}
				return
			}
			log.Printf("%s: UpgradeTools_Task installerOptions=%q", vm.Self.Value, req.InstallerOptions)
			simulator.Map.Update(vm, installerMounted(false))
			theTools.restartTools(vm.Self)
		})
		return nil, fault
	})
	return &methods.UpgradeTools_TaskBody{Res: &types.UpgradeTools_TaskResponse{Returnval: task.Run()}}
}

// hwVersion parses "vmx-13" (or "13") into 13; 0 when it is not one.
func hwVersion(s string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "vmx-"))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// UpgradeVMTask (UpgradeVM_Task) raises the virtual hardware version.
//
// Real vSphere: the VM must be powered off (InvalidPowerState); with no
// version the newest the host supports is the target; a VM already at (or
// above) the target gives AlreadyUpgraded; a version the host does not know
// is NotSupported. The double's host supports up to esx.HardwareVersion
// (vmx-13). The simulator's own version upgrades a running VM and never
// says AlreadyUpgraded.
func (e *vmExt) UpgradeVMTask(ctx *simulator.Context, req *types.UpgradeVM_Task) soap.HasFault {
	vm, fault := e.vm()
	if fault != nil {
		return &methods.UpgradeVM_TaskBody{Fault_: fault}
	}
	task := simulator.CreateTask(vm, "upgradeVm", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		var fault types.BaseMethodFault
		simulator.Map.WithLock(vm, func() {
			if fault = powerFault(vm, types.VirtualMachinePowerStatePoweredOff); fault != nil {
				return
			}
			newest := hwVersion(esx.HardwareVersion)
			target := newest
			if req.Version != "" {
				target = hwVersion(req.Version)
				if target == 0 || target > newest {
					fault = &types.NotSupported{}
					return
				}
			}
			if hwVersion(vm.Config.Version) >= target {
				fault = &types.AlreadyUpgraded{}
				return
			}
			simulator.Map.Update(vm, []types.PropertyChange{
				{Name: "config.version", Val: fmt.Sprintf("vmx-%02d", target)},
			})
		})
		return nil, fault
	})
	return &methods.UpgradeVM_TaskBody{Res: &types.UpgradeVM_TaskResponse{Returnval: task.Run()}}
}

// vmDir returns the VM's datastore name, its directory in datastore-path
// form ("dir" of "[ds] dir/x.vmx"), the vmx file's base name, and that
// directory's local path.
func vmDir(vm *simulator.VirtualMachine) (ds, dir, base, local string, fault types.BaseMethodFault) {
	var p object.DatastorePath
	if !p.FromString(vm.Config.Files.VmPathName) {
		return "", "", "", "", &types.InvalidDatastorePath{DatastorePath: vm.Config.Files.VmPathName}
	}
	for _, ref := range vm.Datastore {
		d, ok := simulator.Map.Get(ref).(*simulator.Datastore)
		if ok && d.Name == p.Datastore {
			dir = path.Dir(p.Path)
			if dir == "." {
				dir = ""
			}
			local = filepath.Join(d.Info.GetDatastoreInfo().Url, filepath.FromSlash(dir))
			return p.Datastore, dir, strings.TrimSuffix(path.Base(p.Path), ".vmx"), local, nil
		}
	}
	return "", "", "", "", &types.InvalidDatastore{Name: p.Datastore}
}

// CreateScreenshotTask (CreateScreenshot_Task) captures the VM's console.
//
// Real vSphere: the VM must be powered on (InvalidPowerState); writes a PNG
// into the VM's directory and returns its datastore path, "[ds] dir/name-N.png",
// as the task result (fetched afterwards with GET /folder/...). The double
// writes a real 640x480 PNG (a dark console with a bar whose colour depends
// on the VM) the same way.
func (e *vmExt) CreateScreenshotTask(ctx *simulator.Context, req *types.CreateScreenshot_Task) soap.HasFault {
	vm, fault := e.vm()
	if fault != nil {
		return &methods.CreateScreenshot_TaskBody{Fault_: fault}
	}
	task := simulator.CreateTask(vm, "createScreenshot", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		var (
			fault  types.BaseMethodFault
			result string
		)
		simulator.Map.WithLock(vm, func() {
			if fault = powerFault(vm, types.VirtualMachinePowerStatePoweredOn); fault != nil {
				return
			}
			ds, dir, base, local, f := vmDir(vm)
			if f != nil {
				fault = f
				return
			}
			for n := 1; n <= 100000; n++ {
				name := fmt.Sprintf("%s-%d.png", base, n)
				file, err := os.OpenFile(filepath.Join(local, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0644)
				if os.IsExist(err) {
					continue
				}
				if err != nil {
					fault = &types.CannotCreateFile{FileFault: types.FileFault{File: name}}
					return
				}
				err = png.Encode(file, screenshot(vm.Self.Value))
				if cerr := file.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(file.Name())
					fault = &types.FileFault{File: name}
					return
				}
				result = fmt.Sprintf("[%s] %s", ds, path.Join(dir, name))
				return
			}
			fault = &types.FileFault{File: base}
		})
		if fault != nil {
			return nil, fault
		}
		return result, nil
	})
	return &methods.CreateScreenshot_TaskBody{Res: &types.CreateScreenshot_TaskResponse{Returnval: task.Run()}}
}

func screenshot(seed string) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	h := uint32(2166136261)
	for i := 0; i < len(seed); i++ {
		h = (h ^ uint32(seed[i])) * 16777619
	}
	bar := color.RGBA{uint8(h), uint8(h >> 8), uint8(h >> 16), 255}
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			c := color.RGBA{16, 16, 24, 255}
			if y < 24 {
				c = bar
			} else if x%8 < 6 && y%16 < 12 && (x/8+y/16)%7 != 0 && x < 320 {
				c = color.RGBA{200, 200, 200, 255} // "text"
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// CloneVMTask (CloneVM_Task) checks what the simulator does not, then lets
// it clone.
//
// Real vSphere: spec.snapshot must be a snapshot of this VM (else
// InvalidArgument); diskMoveType createNewChildDiskBacking (a linked clone)
// needs spec.snapshot (else InvalidArgument); the clone is named req.name and
// placed in "[ds] name/name.vmx" on spec.location.datastore (default: the
// source's). The simulator does the cloning (name, folder, pool, datastore,
// powerOn, template) but copies the disks in full: no backing parent is
// recorded for a linked clone.
func (e *vmExt) CloneVMTask(ctx *simulator.Context, req *types.CloneVM_Task) soap.HasFault {
	var res soap.HasFault
	var fault types.BaseMethodFault
	if f := e.withVM(ctx, func(vm *simulator.VirtualMachine) {
		linked := req.Spec.Location.DiskMoveType == string(types.VirtualMachineRelocateDiskMoveOptionsCreateNewChildDiskBacking)
		if req.Spec.Snapshot != nil {
			if vm.Snapshot == nil || !snapshotInTree(vm.Snapshot.RootSnapshotList, *req.Spec.Snapshot) {
				fault = &types.InvalidArgument{InvalidProperty: "spec.snapshot"}
				return
			}
		} else if linked {
			fault = &types.InvalidArgument{InvalidProperty: "spec.location.diskMoveType"}
			return
		}
		if req.Name == "" {
			fault = &types.InvalidArgument{InvalidProperty: "name"}
			return
		}
		if ds := req.Spec.Location.Datastore; ds != nil {
			if _, ok := simulator.Map.Get(*ds).(*simulator.Datastore); !ok {
				fault = &types.ManagedObjectNotFound{Obj: *ds}
				return
			}
		}
		if _, ok := simulator.Map.Get(req.Folder).(*simulator.Folder); !ok {
			fault = &types.ManagedObjectNotFound{Obj: req.Folder}
			return
		}
		req.This = vm.Self
		res = vm.CloneVMTask(ctx, req)
	}); f != nil {
		return &methods.CloneVM_TaskBody{Fault_: f}
	}
	if fault != nil {
		return &methods.CloneVM_TaskBody{Fault_: simulator.Fault("", fault)}
	}
	return res
}

func snapshotInTree(tree []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference) bool {
	for i := range tree {
		if tree[i].Snapshot == ref || snapshotInTree(tree[i].ChildSnapshotList, ref) {
			return true
		}
	}
	return false
}

// folderExt answers the replaced Folder methods for the folder of the same id.
type folderExt struct {
	noLock
	Self types.ManagedObjectReference
}

func (e *folderExt) Reference() types.ManagedObjectReference { return e.Self }

// RegisterVMTask (RegisterVM_Task) registers an existing .vmx file.
//
// Real vSphere: path must be a datastore path (InvalidDatastorePath); the
// file must exist on a datastore of the folder's datacenter (else NotFound:
// real hosts answer NotFound, "The object or item referred to could not be
// found", for both a missing file and an unknown datastore); the VM takes
// its name from req.name, else the vmx's displayName, else the file name;
// its hardware (virtualHW.version, numvcpus, memsize) comes from the vmx;
// vmPathName is the given path. The simulator also insists on <name>.nvram
// and vmware.log beside the vmx (a real host creates them at power-on, so
// the double creates empty ones first), panics on an unknown datastore, and
// ignores the vmx's contents.
func (e *folderExt) RegisterVMTask(ctx *simulator.Context, req *types.RegisterVM_Task) soap.HasFault {
	ref := types.ManagedObjectReference{Type: "Folder", Value: e.Self.Value}
	folder, ok := simulator.Map.Get(ref).(*simulator.Folder)
	if !ok {
		return &methods.RegisterVM_TaskBody{Fault_: simulator.Fault("", &types.ManagedObjectNotFound{Obj: ref})}
	}
	fail := func(f types.BaseMethodFault) soap.HasFault {
		task := simulator.CreateTask(folder, "registerVm", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
			return nil, f
		})
		return &methods.RegisterVM_TaskBody{Res: &types.RegisterVM_TaskResponse{Returnval: task.Run()}}
	}
	var p object.DatastorePath
	if !p.FromString(req.Path) || !strings.HasSuffix(p.Path, ".vmx") {
		return fail(&types.InvalidDatastorePath{DatastorePath: req.Path})
	}
	dc := entityDatacenter(folder.Self)
	local := ""
	if dc != nil {
		for _, dsRef := range dc.Datastore {
			if ds, ok := simulator.Map.Get(dsRef).(*simulator.Datastore); ok && ds.Name == p.Datastore {
				local = filepath.Join(ds.Info.GetDatastoreInfo().Url, filepath.FromSlash(p.Path))
			}
		}
	}
	if local == "" {
		return fail(&types.NotFound{})
	}
	if st, err := os.Stat(local); err != nil || !st.Mode().IsRegular() {
		return fail(&types.NotFound{})
	}
	vmx := readVMX(local)
	if req.Name == "" {
		req.Name = vmx["displayname"]
	}
	if req.Name == "" {
		req.Name = strings.TrimSuffix(path.Base(p.Path), ".vmx")
	}
	for _, name := range []string{req.Name + ".nvram", "vmware.log"} {
		f, err := os.OpenFile(filepath.Join(filepath.Dir(local), name), os.O_WRONLY|os.O_CREATE, 0644)
		if err == nil {
			f.Close()
		}
	}
	req.This = folder.Self
	ctx.Caller = &folder.Self
	var res soap.HasFault
	simulator.Map.WithLock(folder, func() { res = folder.RegisterVMTask(ctx, req) })
	body, ok := res.(*methods.RegisterVM_TaskBody)
	if !ok || body.Res == nil {
		return res
	}
	task, ok := simulator.Map.Get(body.Res.Returnval).(*simulator.Task)
	if !ok || task.Info.Error != nil {
		return res
	}
	if vmRef, ok := task.Info.Result.(types.ManagedObjectReference); ok {
		if vm, ok := simulator.Map.Get(vmRef).(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() { applyVMX(vm, vmx) })
		}
	}
	return res
}

// entityDatacenter walks up the inventory from ref to its datacenter.
func entityDatacenter(ref types.ManagedObjectReference) *simulator.Datacenter {
	for i := 0; i < 100; i++ {
		obj := simulator.Map.Get(ref)
		if dc, ok := obj.(*simulator.Datacenter); ok {
			return dc
		}
		f, ok := obj.(*simulator.Folder)
		if !ok || f.Parent == nil {
			return nil
		}
		ref = *f.Parent
	}
	return nil
}

// readVMX reads the key = "value" lines of a .vmx file (keys lower-cased, as
// VMX keys are case-insensitive). Bounded: at most 1 MiB and 10,000 lines.
func readVMX(file string) map[string]string {
	m := make(map[string]string)
	f, err := os.Open(file)
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 0; n < 10000 && sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		i := strings.IndexByte(line, '=')
		if i <= 0 || strings.HasPrefix(line, "#") {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(line[:i]))
		v := strings.TrimSpace(line[i+1:])
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		} else {
			v = strings.Trim(v, `"`)
		}
		m[k] = v
	}
	return m
}

// applyVMX sets what the vmx says about the VM's hardware.
func applyVMX(vm *simulator.VirtualMachine, vmx map[string]string) {
	var changes []types.PropertyChange
	if v := hwVersion(vmx["virtualhw.version"]); v > 0 {
		changes = append(changes, types.PropertyChange{Name: "config.version", Val: fmt.Sprintf("vmx-%02d", v)})
	}
	if n, err := strconv.Atoi(vmx["numvcpus"]); err == nil && n > 0 {
		changes = append(changes,
			types.PropertyChange{Name: "config.hardware.numCPU", Val: int32(n)},
			types.PropertyChange{Name: "summary.config.numCpu", Val: int32(n)})
	}
	if n, err := strconv.Atoi(vmx["memsize"]); err == nil && n > 0 {
		changes = append(changes,
			types.PropertyChange{Name: "config.hardware.memoryMB", Val: int32(n)},
			types.PropertyChange{Name: "summary.config.memorySizeMB", Val: int32(n)})
	}
	if len(changes) > 0 {
		simulator.Map.Update(vm, changes)
	}
}
