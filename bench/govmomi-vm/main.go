// govmomi rows of bench/vm-run (Debian's govmomi source, GOPATH mode).
//
//	govmomi-vm URL USER PASSWORD cycle VMXPATH N
//	govmomi-vm URL USER PASSWORD snapcycle VMXPATH N
//	govmomi-vm URL USER PASSWORD find N
//
// A VM cycle: object.SearchIndex.FindByDatastorePath in the default
// datacenter, the power state, PowerOn and PowerOff each waited for with
// Task.Wait (property collector, WaitForUpdatesEx). A listing: a
// ContainerView of VirtualMachines and view.Retrieve of
// config.files.vmPathName and runtime.powerState into mo.VirtualMachine.
package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func statusKB(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), key+":") {
			v, _ := strconv.ParseInt(strings.Fields(s.Text())[1], 10, 64)
			return v
		}
	}
	return -1
}

func cpuMS() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "govmomi-vm:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 6 {
		die(fmt.Errorf("usage: govmomi-vm URL USER PASSWORD cycle VMXPATH N | find N"))
	}
	ctx := context.Background()
	u, err := url.Parse(os.Args[1])
	if err != nil {
		die(err)
	}
	u.User = url.UserPassword(os.Args[2], os.Args[3])
	snaps := os.Args[4] == "snapcycle"
	cycle := os.Args[4] == "cycle" || snaps
	path := ""
	nArg := os.Args[5]
	if cycle {
		path, nArg = os.Args[5], os.Args[6]
	}
	n, _ := strconv.Atoi(nArg)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		die(err)
	}
	items := 0
	vmCycle := func() error {
		dc, err := find.NewFinder(c.Client, false).DefaultDatacenter(ctx)
		if err != nil {
			return err
		}
		ref, err := object.NewSearchIndex(c.Client).FindByDatastorePath(ctx, dc, path)
		if err != nil || ref == nil {
			return fmt.Errorf("no VM at %s: %v", path, err)
		}
		vm := ref.(*object.VirtualMachine)
		st, err := vm.PowerState(ctx)
		if err != nil {
			return err
		}
		if st == types.VirtualMachinePowerStatePoweredOn {
			return fmt.Errorf("VM is already on")
		}
		t, err := vm.PowerOn(ctx)
		if err == nil {
			err = t.Wait(ctx)
		}
		if err != nil {
			return err
		}
		t, err = vm.PowerOff(ctx)
		if err == nil {
			err = t.Wait(ctx)
		}
		return err
	}
	var snapVM *object.VirtualMachine
	if snaps {
		dc, err := find.NewFinder(c.Client, false).DefaultDatacenter(ctx)
		if err != nil {
			die(err)
		}
		ref, err := object.NewSearchIndex(c.Client).FindByDatastorePath(ctx, dc, path)
		if err != nil || ref == nil {
			die(fmt.Errorf("no VM at %s: %v", path, err))
		}
		snapVM = ref.(*object.VirtualMachine)
	}
	// Snapshots by reference (methods.*), not by name: govmomi's
	// RevertToSnapshot(name) and RemoveSnapshot(name) read the tree first.
	snapCycle := func() error {
		t, err := snapVM.CreateSnapshot(ctx, "bench", "", false, false)
		if err != nil {
			return err
		}
		info, err := t.WaitForResult(ctx, nil)
		if err != nil {
			return err
		}
		snap := info.Result.(types.ManagedObjectReference)
		rv, err := methods.RevertToSnapshot_Task(ctx, c.Client, &types.RevertToSnapshot_Task{This: snap})
		if err != nil {
			return err
		}
		if err := object.NewTask(c.Client, rv.Returnval).Wait(ctx); err != nil {
			return err
		}
		rm, err := methods.RemoveSnapshot_Task(ctx, c.Client, &types.RemoveSnapshot_Task{This: snap, RemoveChildren: false})
		if err != nil {
			return err
		}
		return object.NewTask(c.Client, rm.Returnval).Wait(ctx)
	}
	findAll := func() error {
		v, err := view.NewManager(c.Client).CreateContainerView(ctx, c.Client.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
		if err != nil {
			return err
		}
		var vms []mo.VirtualMachine
		if err := v.Retrieve(ctx, []string{"VirtualMachine"}, []string{"config.files.vmPathName", "runtime.powerState"}, &vms); err != nil {
			return err
		}
		items = 0
		for _, vm := range vms {
			if vm.Config != nil && vm.Config.Files.VmPathName != "" {
				items++
			}
		}
		return v.Destroy(ctx)
	}
	rss0 := statusKB("VmRSS")
	one := vmCycle
	if snaps {
		one = snapCycle
	}
	if cycle {
		if err := one(); err != nil {
			die(err)
		}
	}
	var lat []float64
	c0, w0 := cpuMS(), time.Now()
	for i := 0; i < n; i++ {
		t := time.Now()
		if cycle {
			err = one()
		} else {
			err = findAll()
		}
		if err != nil {
			die(err)
		}
		lat = append(lat, float64(time.Since(t).Nanoseconds())/1e6)
	}
	wall, cpu := time.Since(w0).Seconds(), cpuMS()-c0
	sort.Float64s(lat)
	med := lat[n/2]
	if n%2 == 0 {
		med = (lat[n/2-1] + lat[n/2]) / 2
	}
	k := (95*n + 99) / 100
	if k < 1 {
		k = 1
	}
	mode := "find"
	if snaps {
		mode = "snapcycle"
	} else if cycle {
		mode = "vmcycle"
	}
	fmt.Printf("RESULT client=govmomi mode=%s n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f items=%d peak_growth_kb=%d\n",
		mode, n, med, lat[k-1], wall, cpu/float64(n), items, statusKB("VmHWM")-rss0)
	_ = c.Logout(ctx)
}
