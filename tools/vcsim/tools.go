package main

// VMware Tools state, as a real host reports it.
//
// Real vSphere: Tools start a while after the guest boots; until then
// guest.toolsRunningStatus is guestToolsNotRunning. Once they run it is
// guestToolsRunning and guest.toolsStatus is toolsOk (Tools installed and
// current). Power off or suspend stops them at once (toolsNotRunning). A
// guest reboot takes them down and, once the guest is back, up again.
//
// The simulator 0.24.2 never changes these properties (a VM it creates says
// toolsNotInstalled forever). This double watches every change of
// runtime.powerState, whoever makes it (PowerOnVM_Task, reset, snapshot
// revert, ShutdownGuest...), through a registry handler, and updates the
// guest.* and summary.guest.* properties through Registry.Update, so the
// PropertyCollector (RetrievePropertiesEx, WaitForUpdatesEx) sees them like
// any other change. While Tools run, guest.ipAddress is the guest's
// address (guestIP). Every guest of this double has Tools installed: a VM
// reports toolsNotInstalled only until its first power-on (a VM the
// simulator just created or registered). The delay is -tools-delay.

import (
	"fmt"
	"hash/fnv"
	"log"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// toolsVersion is what guest.toolsVersion says while Tools run (10.3.10).
const toolsVersion = "10346"

type toolsWatcher struct {
	delay  time.Duration
	guests *guestWorld

	mu   sync.Mutex
	gen  map[string]uint64                         // per VM id: bumped by every power change
	last map[string]types.VirtualMachinePowerState // per VM id: the last power state seen
	busy map[string]bool                           // per VM id: a guest shutdown/standby/reboot is under way
}

func newToolsWatcher(delay time.Duration, g *guestWorld) *toolsWatcher {
	if delay < 0 {
		delay = 0
	}
	return &toolsWatcher{
		delay:  delay,
		guests: g,
		gen:    make(map[string]uint64),
		last:   make(map[string]types.VirtualMachinePowerState),
		busy:   make(map[string]bool),
	}
}

// Reference makes the watcher a simulator.RegisterObject.
func (t *toolsWatcher) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "VcsimToolsWatcher", Value: "tools"}
}

// install sets the Tools state of the model's VMs (running on the powered-on
// ones at once: they booted before the server started) and starts watching.
func (t *toolsWatcher) install() {
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm, ok := e.(*simulator.VirtualMachine)
		if !ok {
			continue
		}
		st := vm.Runtime.PowerState
		t.last[vm.Self.Value] = st
		simulator.Map.Update(vm, toolsChanges(vm.Self, st == types.VirtualMachinePowerStatePoweredOn))
	}
	simulator.Map.AddHandler(t)
}

// PutObject: nothing to do; a new VM's first power change is seen by UpdateObject.
func (t *toolsWatcher) PutObject(mo.Reference) {}

// RemoveObject: a VM that is unregistered or destroyed loses its guest processes.
func (t *toolsWatcher) RemoveObject(ref types.ManagedObjectReference) {
	if ref.Type != "VirtualMachine" {
		return
	}
	t.mu.Lock()
	t.gen[ref.Value]++
	delete(t.last, ref.Value)
	t.mu.Unlock()
	go t.guests.vmGone(ref)
}

// UpdateObject sees every Registry.Update. It is called with the VM's lock
// possibly held, so it only records the change and acts in a goroutine.
func (t *toolsWatcher) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	ref := obj.Reference()
	if ref.Type != "VirtualMachine" {
		return
	}
	for _, c := range changes {
		if c.Name != "runtime.powerState" {
			continue
		}
		var st types.VirtualMachinePowerState
		switch v := c.Val.(type) {
		case types.VirtualMachinePowerState:
			st = v
		case string:
			st = types.VirtualMachinePowerState(v)
		default:
			continue
		}
		t.mu.Lock()
		prev := t.last[ref.Value]
		if prev == st {
			t.mu.Unlock()
			continue
		}
		t.last[ref.Value] = st
		t.gen[ref.Value]++
		g := t.gen[ref.Value]
		delete(t.busy, ref.Value)
		t.mu.Unlock()
		go t.powerChanged(ref, prev, st, g)
	}
}

func (t *toolsWatcher) current(ref types.ManagedObjectReference, g uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gen[ref.Value] == g
}

func (t *toolsWatcher) powerChanged(ref types.ManagedObjectReference, prev, st types.VirtualMachinePowerState, g uint64) {
	switch st {
	case types.VirtualMachinePowerStatePoweredOn:
		t.setTools(ref, false)
		if prev == types.VirtualMachinePowerStateSuspended {
			t.guests.resume(ref)
		} else {
			t.guests.powerOff(ref) // a reset: the old guest's processes are gone
		}
		t.after(ref, g, func() { t.setTools(ref, true); t.guests.toolsUp(ref) })
	case types.VirtualMachinePowerStatePoweredOff:
		t.setTools(ref, false)
		t.guests.powerOff(ref)
	case types.VirtualMachinePowerStateSuspended:
		t.setTools(ref, false)
		t.guests.suspend(ref)
	}
}

// after runs f once the Tools delay has passed, unless the VM's power state
// changed (or a guest operation started) in between.
func (t *toolsWatcher) after(ref types.ManagedObjectReference, g uint64, f func()) {
	time.AfterFunc(t.delay, func() {
		if t.current(ref, g) {
			f()
		}
	})
}

// setTools updates the VM's Tools properties under its lock.
func (t *toolsWatcher) setTools(ref types.ManagedObjectReference, running bool) {
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	simulator.Map.WithLock(vm, func() {
		if running && vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			return
		}
		simulator.Map.Update(vm, toolsChanges(ref, running))
	})
}

// toolsRunning tells whether the VM's Tools run now.
func toolsRunning(vm *simulator.VirtualMachine) bool {
	return vm.Guest != nil && vm.Guest.ToolsRunningStatus == string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
}

// guestIP is the primary IP address the guest of a VM reports while Tools
// run: 10.x.y.z, fixed per VM id (the simulator's guests have no network).
func guestIP(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	v := h.Sum32()
	return fmt.Sprintf("10.%d.%d.%d", uint8(v>>16), uint8(v>>8), 2+uint8(v)%252)
}

// toolsChanges also sets guest.ipAddress: real vSphere reports the guest's
// primary IP address while Tools run and clears it when they stop.
func toolsChanges(ref types.ManagedObjectReference, running bool) []types.PropertyChange {
	status := types.VirtualMachineToolsStatusToolsNotRunning
	runStatus := types.VirtualMachineToolsRunningStatusGuestToolsNotRunning
	guestState := "notRunning"
	heartbeat := types.ManagedEntityStatusGray
	ip := ""
	if running {
		status = types.VirtualMachineToolsStatusToolsOk
		runStatus = types.VirtualMachineToolsRunningStatusGuestToolsRunning
		guestState = "running"
		heartbeat = types.ManagedEntityStatusGreen
		ip = guestIP(ref.Value)
	}
	current := string(types.VirtualMachineToolsVersionStatusGuestToolsCurrent)
	return []types.PropertyChange{
		{Name: "guest.toolsStatus", Val: status},
		{Name: "guest.toolsRunningStatus", Val: string(runStatus)},
		{Name: "guest.toolsVersionStatus", Val: current},
		{Name: "guest.toolsVersionStatus2", Val: current},
		{Name: "guest.toolsVersion", Val: toolsVersion},
		{Name: "guest.guestState", Val: guestState},
		{Name: "guest.ipAddress", Val: ip},
		{Name: "summary.guest.ipAddress", Val: ip},
		{Name: "summary.guest.toolsStatus", Val: status},
		{Name: "summary.guest.toolsRunningStatus", Val: string(runStatus)},
		{Name: "summary.guest.toolsVersionStatus", Val: current},
		{Name: "summary.guest.toolsVersionStatus2", Val: current},
		{Name: "guestHeartbeatStatus", Val: heartbeat},
		{Name: "summary.quickStats.guestHeartbeatStatus", Val: heartbeat},
	}
}

// guestPower starts a guest-initiated power change (ShutdownGuest,
// StandbyGuest, RebootGuest): Tools stop at once, and after the Tools delay
// (the guest's own shutdown time) the VM is off, suspended, or (reboot) on
// again with Tools back. Returns false when one is already under way.
func (t *toolsWatcher) guestPower(ctx *simulator.Context, vm *simulator.VirtualMachine, to types.VirtualMachinePowerState, reboot bool) bool {
	ref := vm.Self
	t.mu.Lock()
	if t.busy[ref.Value] {
		t.mu.Unlock()
		return false
	}
	t.busy[ref.Value] = true
	t.gen[ref.Value]++
	g := t.gen[ref.Value]
	t.mu.Unlock()

	bg := *ctx // the request's session, for the events; outlives the request
	bg.Caller = &vm.Self
	simulator.Map.Update(vm, toolsChanges(vm.Self, false))
	go func() {
		if reboot {
			t.guests.powerOff(ref)
		}
		t.after(ref, g, func() {
			t.mu.Lock()
			delete(t.busy, ref.Value)
			t.mu.Unlock()
			if reboot {
				simulator.Map.WithLock(vm, func() {
					now := time.Now()
					simulator.Map.Update(vm, []types.PropertyChange{
						{Name: "runtime.bootTime", Val: &now},
						{Name: "summary.runtime.bootTime", Val: &now},
					})
				})
				t.after(ref, g, func() { t.setTools(ref, true); t.guests.toolsUp(ref) })
				return
			}
			simulator.Map.WithLock(vm, func() {
				if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
					return
				}
				if err := setPowerState(&bg, vm, to); err != nil {
					log.Printf("%s: guest power change to %s: %v", ref.Value, to, err)
				}
			})
		})
	}()
	return true
}

// restartTools takes Tools down now and brings them back after the delay
// (a Tools upgrade). The caller holds the VM's lock.
func (t *toolsWatcher) restartTools(ref types.ManagedObjectReference) {
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	t.mu.Lock()
	t.gen[ref.Value]++
	g := t.gen[ref.Value]
	t.mu.Unlock()
	simulator.Map.Update(vm, toolsChanges(vm.Self, false))
	t.after(ref, g, func() { t.setTools(ref, true) })
}
