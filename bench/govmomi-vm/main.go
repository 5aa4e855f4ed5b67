// govmomi rows of bench/vm-run (Debian's govmomi source, GOPATH mode).
//
//	govmomi-vm URL USER PASSWORD cycle VMXPATH N
//	govmomi-vm URL USER PASSWORD snapcycle VMXPATH N
//	govmomi-vm URL USER PASSWORD find N
//	govmomi-vm URL USER PASSWORD guestcopy VMXPATH LOCALFILE N
//	govmomi-vm URL USER PASSWORD guestrun VMXPATH N
//
// A VM cycle: object.SearchIndex.FindByDatastorePath in the default
// datacenter, the power state, PowerOn and PowerOff each waited for with
// Task.Wait (property collector, WaitForUpdatesEx). A listing: a
// ContainerView of VirtualMachines and view.Retrieve of
// config.files.vmPathName and runtime.powerState into mo.VirtualMachine.
// Guest rows (guest user "guest", password "guestpasswd"), with
// github.com/vmware/govmomi/guest: a copy is FileManager's
// InitiateFileTransferToGuest, TransferURL and the soap client's Upload
// (the file as the body, soap.Upload{ContentLength}), then
// InitiateFileTransferFromGuest and Download copied into another file,
// whose size is checked. A run is ProcessManager.StartProgram(/bin/true),
// then ListProcesses for its pid until it has an EndTime, after 50 ms
// doubling to 1 s (the module's backoff).
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/guest"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
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
	copyMode := os.Args[4] == "guestcopy"
	runMode := os.Args[4] == "guestrun"
	cycle := os.Args[4] == "cycle" || snaps || copyMode || runMode
	path, local := "", ""
	nArg := os.Args[5]
	if copyMode {
		if len(os.Args) < 8 {
			die(fmt.Errorf("guestcopy needs VMXPATH LOCALFILE N"))
		}
		path, local, nArg = os.Args[5], os.Args[6], os.Args[7]
	} else if cycle {
		path, nArg = os.Args[5], os.Args[6]
	}
	n, _ := strconv.Atoi(nArg)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		die(err)
	}
	items := 0
	// The VM at path, in the default datacenter, as a govmomi user finds it.
	findVM := func() (*object.VirtualMachine, error) {
		dc, err := find.NewFinder(c.Client, false).DefaultDatacenter(ctx)
		if err != nil {
			return nil, err
		}
		ref, err := object.NewSearchIndex(c.Client).FindByDatastorePath(ctx, dc, path)
		if err != nil || ref == nil {
			return nil, fmt.Errorf("no VM at %s: %v", path, err)
		}
		return ref.(*object.VirtualMachine), nil
	}
	vmCycle := func() error {
		vm, err := findVM()
		if err != nil {
			return err
		}
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
		if snapVM, err = findVM(); err != nil {
			die(err)
		}
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
	var (
		fm   *guest.FileManager
		pm   *guest.ProcessManager
		auth = &types.NamePasswordAuthentication{Username: "guest", Password: "guestpasswd", GuestAuthentication: types.GuestAuthentication{InteractiveSession: false}}
		size int64
		back string
	)
	guestCopy := func() error {
		u, err := fm.InitiateFileTransferToGuest(ctx, auth, "/tmp/bench.bin", &types.GuestPosixFileAttributes{}, size, true)
		if err != nil {
			return err
		}
		tu, err := fm.TransferURL(ctx, u)
		if err != nil {
			return err
		}
		f, err := os.Open(local)
		if err != nil {
			return err
		}
		p := soap.DefaultUpload
		p.ContentLength = size
		err = c.Client.Client.Upload(ctx, f, tu, &p)
		f.Close()
		if err != nil {
			return err
		}
		info, err := fm.InitiateFileTransferFromGuest(ctx, auth, "/tmp/bench.bin")
		if err != nil {
			return err
		}
		tu, err = fm.TransferURL(ctx, info.Url)
		if err != nil {
			return err
		}
		rc, _, err := c.Client.Client.Download(ctx, tu, &soap.DefaultDownload)
		if err != nil {
			return err
		}
		out, err := os.Create(back)
		if err != nil {
			rc.Close()
			return err
		}
		got, err := io.Copy(out, rc)
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if got != size || info.Size != size {
			return fmt.Errorf("the copy back has %d bytes, not %d", got, size)
		}
		return nil
	}
	guestRun := func() error {
		pid, err := pm.StartProgram(ctx, auth, &types.GuestProgramSpec{ProgramPath: "/bin/true", Arguments: ""})
		if err != nil {
			return err
		}
		delay := 50 * time.Millisecond
		for i := 0; i < 1000; i++ { // bounded
			time.Sleep(delay)
			ps, err := pm.ListProcesses(ctx, auth, []int64{pid})
			if err != nil {
				return err
			}
			if len(ps) == 0 {
				return fmt.Errorf("process %d gone", pid)
			}
			if ps[0].EndTime != nil {
				return nil
			}
			if delay *= 2; delay > time.Second {
				delay = time.Second
			}
		}
		return fmt.Errorf("/bin/true did not end")
	}
	rss0 := statusKB("VmRSS")
	if copyMode || runMode { // untimed set-up: the VM, Tools running, the managers
		vm, err := findVM()
		if err != nil {
			die(err)
		}
		running := false
		for i := 0; i < 300 && !running; i++ {
			if running, err = vm.IsToolsRunning(ctx); err != nil {
				die(err)
			} else if !running {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !running {
			die(fmt.Errorf("VMware Tools not running"))
		}
		om := guest.NewOperationsManager(c.Client, vm.Reference())
		if fm, err = om.FileManager(ctx); err != nil {
			die(err)
		}
		if pm, err = om.ProcessManager(ctx); err != nil {
			die(err)
		}
		if copyMode {
			st, err := os.Stat(local)
			if err != nil {
				die(err)
			}
			size, back = st.Size(), local+".govmomi"
		}
	}
	one := vmCycle
	if snaps {
		one = snapCycle
	} else if copyMode {
		one = guestCopy
	} else if runMode {
		one = guestRun
	}
	if cycle && !copyMode {
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
	mode, extra := "find", ""
	switch {
	case snaps:
		mode = "snapcycle"
	case copyMode:
		mode = "guestcopy"
		extra = fmt.Sprintf(" mb_per_s=%.1f", 2*float64(size)/1048576/(med/1e3))
		os.Remove(back)
	case runMode:
		mode = "guestrun"
	case cycle:
		mode = "vmcycle"
	}
	fmt.Printf("RESULT client=govmomi mode=%s n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f items=%d peak_growth_kb=%d%s\n",
		mode, n, med, lat[k-1], wall, cpu/float64(n), items, statusKB("VmHWM")-rss0, extra)
	_ = c.Logout(ctx)
}
