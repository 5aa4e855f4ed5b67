package main

// The guests behind the guest operations double (guest.go).
//
// Each VM's guest is a directory tree, <guest root>/<VM instance uuid>/,
// made on the first guest operation: /bin, /usr, /lib*, /etc are read-only
// bind mounts of the host's (symlinks where the host has symlinks: merged
// /usr), /dev and /proc are bind mounts, /tmp is world-writable, and
// /home/<guest user> is the guest user's home. Programs run for real:
// /bin/sh in a chroot of that tree, with their real pid, exit code and
// start/end times.
//
// Bind mounts and chroot need CAP_SYS_ADMIN and CAP_SYS_CHROOT, which the
// tests have as root of a private user+mount namespace (unshare -rm). There
// is no other uid in such a namespace: programs run as its root, and the
// double reports the guest user as their owner. Without the privilege the
// file operations still work on the bare tree, and starting a program fails
// with GuestOperationsUnavailable (and a log line saying why).
//
// Write access is modelled as for an unprivileged guest user: only /tmp and
// the user's home (and what lies below them) are writable; anything else
// is GuestPermissionDenied. A process the double started on its own (the
// guest's "init", owned by root) cannot be killed by the guest user.

import (
	"bufio"
	"errors"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// endedProcessTTL is how long an ended process stays listed (vSphere: about
// five minutes).
const endedProcessTTL = 5 * time.Minute

// hostDirs are the host directories a guest shares (read-only).
var hostDirs = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc"}

type guestWorld struct {
	root       string
	removeRoot bool // a temp dir of our own: removed at exit
	user, pass string
	port       string // the server's port and scheme, for transfer URLs
	scheme     string

	mu     sync.Mutex
	guests map[string]*guest // by VM moref value
	xfers  map[string]*transfer
	nextID uint64

	warnOnce sync.Once
}

type guest struct {
	world *guestWorld
	vmID  string
	dir   string // host path of the guest's /
	home  string // the user's home, a guest path

	mu      sync.Mutex
	mounts  []string // host paths, in mount order
	noExec  error    // why programs cannot run here (nil: they can)
	procs   map[int64]*guestProc
	stopped bool // suspended: processes are SIGSTOPped
}

type guestProc struct {
	info  types.GuestProcessInfo
	owner string // "root" for the double's own processes
	cmd   *exec.Cmd
	done  chan struct{}
}

func newGuestWorld(root, user, pass string) (*guestWorld, error) {
	w := &guestWorld{user: user, pass: pass, guests: make(map[string]*guest), xfers: make(map[string]*transfer)}
	if user == "" || strings.ContainsAny(user, "/\x00") || user == "." || user == ".." {
		return nil, fmt.Errorf("bad -guest-user %q", user)
	}
	if root == "" {
		dir, err := ioutil.TempDir("", "vcsim-guests-")
		if err != nil {
			return nil, err
		}
		w.root, w.removeRoot = dir, true
	} else {
		abs, err := filepath.Abs(root)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(abs, 0755); err != nil {
			return nil, err
		}
		w.root = abs
	}
	return w, nil
}

// guestFor returns the VM's guest, making its tree on first use.
func (w *guestWorld) guestFor(vm *simulator.VirtualMachine) (*guest, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if g, ok := w.guests[vm.Self.Value]; ok {
		return g, nil
	}
	name := vm.Self.Value
	if vm.Config != nil && vm.Config.InstanceUuid != "" {
		name = vm.Config.InstanceUuid
	}
	g := &guest{world: w, vmID: vm.Self.Value, dir: filepath.Join(w.root, name),
		home: "/home/" + w.user, procs: make(map[int64]*guestProc)}
	if err := g.build(); err != nil {
		return nil, err
	}
	w.guests[vm.Self.Value] = g
	g.startInit()
	return g, nil
}

func (w *guestWorld) lookup(vmID string) *guest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.guests[vmID]
}

// build makes the guest's tree and its mounts (idempotent).
func (g *guest) build() error {
	for _, d := range []struct {
		p    string
		mode os.FileMode
	}{{"", 0755}, {"home", 0755}, {"root", 0700}, {"dev", 0755}, {"proc", 0755}, {"tmp", 0777 | os.ModeSticky}} {
		p := filepath.Join(g.dir, d.p)
		if err := os.MkdirAll(p, d.mode.Perm()); err != nil {
			return err
		}
		if err := os.Chmod(p, d.mode); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(g.host(g.home), 0755); err != nil {
		return err
	}
	for _, name := range hostDirs {
		st, err := os.Lstat("/" + name)
		if err != nil {
			continue
		}
		dst := filepath.Join(g.dir, name)
		if st.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink("/" + name)
			if err != nil {
				return err
			}
			if _, err := os.Lstat(dst); os.IsNotExist(err) {
				if err := os.Symlink(target, dst); err != nil {
					return err
				}
			}
			continue
		}
		if !st.IsDir() {
			continue
		}
		if err := os.MkdirAll(dst, 0755); err != nil {
			return err
		}
		if err := g.bind("/"+name, dst, true); err != nil {
			g.noExec = err
			break
		}
	}
	if g.noExec == nil {
		for _, name := range []string{"dev", "proc"} {
			if err := g.bind("/"+name, filepath.Join(g.dir, name), false); err != nil {
				g.noExec = err
				break
			}
		}
	}
	if g.noExec != nil {
		g.world.warnOnce.Do(func() {
			log.Printf("guest operations: cannot bind-mount into %s (%v): programs cannot run in the guests "+
				"(StartProgramInGuest answers GuestOperationsUnavailable); run the simulator as root of a "+
				"private user+mount namespace, e.g. under unshare -rm", g.world.root, g.noExec)
		})
		g.unmountAll()
	}
	return nil
}

// bind bind-mounts src on dst (recursively), read-only when asked. The
// read-only remount keeps the flags the kernel locks in a user namespace.
func (g *guest) bind(src, dst string, ro bool) error {
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("mount --rbind %s %s: %v", src, dst, err)
	}
	g.mounts = append(g.mounts, dst)
	if ro {
		var st syscall.Statfs_t
		flags := uintptr(syscall.MS_BIND | syscall.MS_REMOUNT | syscall.MS_RDONLY)
		if syscall.Statfs(dst, &st) == nil {
			for _, f := range []struct{ st, ms uintptr }{
				{0x2, syscall.MS_NOSUID}, {0x4, syscall.MS_NODEV}, {0x8, syscall.MS_NOEXEC},
				{0x400, syscall.MS_NOATIME}, {0x800, syscall.MS_NODIRATIME}, {0x1000, syscall.MS_RELATIME},
			} {
				if uintptr(st.Flags)&f.st != 0 {
					flags |= f.ms
				}
			}
		}
		if err := syscall.Mount("", dst, "", flags, ""); err != nil {
			log.Printf("guest operations: read-only remount of %s: %v (left writable)", dst, err)
		}
	}
	return nil
}

// unmountAll detaches the guest's mounts; true when none is left.
func (g *guest) unmountAll() bool {
	ok := true
	for i := len(g.mounts) - 1; i >= 0; i-- {
		if err := syscall.Unmount(g.mounts[i], syscall.MNT_DETACH); err != nil && err != syscall.EINVAL {
			log.Printf("guest operations: umount %s: %v", g.mounts[i], err)
			ok = false
		}
	}
	g.mounts = nil
	return ok && !mountedBelow(g.dir)
}

// mountedBelow tells whether anything is mounted at or below dir (or when
// that cannot be known), so that nothing is ever removed through a mount.
func mountedBelow(dir string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return true
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 0; n < 100000 && sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := strings.ReplaceAll(fields[4], `\040`, " ")
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			return true
		}
	}
	return sc.Err() != nil
}

// close ends every guest's processes and mounts, and removes the guest root
// when it is a temp dir of our own (never through a mount).
func (w *guestWorld) close() {
	w.mu.Lock()
	gs := make([]*guest, 0, len(w.guests))
	for _, g := range w.guests {
		gs = append(gs, g)
	}
	w.guests = map[string]*guest{}
	w.mu.Unlock()
	clean := true
	for _, g := range gs {
		g.killAll(true)
		g.mu.Lock()
		if !g.unmountAll() {
			clean = false
		}
		g.mu.Unlock()
	}
	if w.removeRoot {
		if clean && !mountedBelow(w.root) {
			os.RemoveAll(w.root)
		} else {
			log.Printf("guest operations: mounts left below %s; not removing it", w.root)
		}
	}
}

// powerOff: the guest's processes die (power off, reset, reboot).
func (w *guestWorld) powerOff(ref types.ManagedObjectReference) {
	if g := w.lookup(ref.Value); g != nil {
		g.killAll(true)
		g.mu.Lock()
		g.stopped = false
		g.mu.Unlock()
	}
}

// suspend freezes the guest's processes; resume thaws them.
func (w *guestWorld) suspend(ref types.ManagedObjectReference) {
	if g := w.lookup(ref.Value); g != nil {
		g.signalAll(syscall.SIGSTOP)
		g.mu.Lock()
		g.stopped = true
		g.mu.Unlock()
	}
}

func (w *guestWorld) resume(ref types.ManagedObjectReference) {
	if g := w.lookup(ref.Value); g != nil {
		g.signalAll(syscall.SIGCONT)
		g.mu.Lock()
		g.stopped = false
		g.mu.Unlock()
	}
}

// vmGone: the VM was unregistered or destroyed; its guest goes with it (the
// tree is removed only when its mounts are gone).
func (w *guestWorld) vmGone(ref types.ManagedObjectReference) {
	w.mu.Lock()
	g := w.guests[ref.Value]
	delete(w.guests, ref.Value)
	w.mu.Unlock()
	if g == nil {
		return
	}
	g.killAll(true)
	g.mu.Lock()
	ok := g.unmountAll()
	g.mu.Unlock()
	if ok {
		os.RemoveAll(g.dir)
	}
}

// host maps an absolute, clean guest path to the host (no symlink
// resolution: see resolve).
func (g *guest) host(guestPath string) string {
	return filepath.Join(g.dir, filepath.FromSlash(path.Clean("/"+guestPath)))
}

var errLoop = errors.New("too many levels of symbolic links")

// resolve turns a guest path into the guest path it names, following
// symlinks inside the guest (absolute targets are relative to the guest's
// /), the last component only when followLast. Components that do not
// exist are kept as they are. Never leaves the guest's tree.
func (g *guest) resolve(p string, followLast bool) (string, error) {
	todo := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	if len(todo) == 1 && todo[0] == "" {
		return "/", nil
	}
	cur := "/"
	links := 0
	for len(todo) > 0 {
		comp := todo[0]
		todo = todo[1:]
		if comp == "" || comp == "." {
			continue
		}
		if comp == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, comp)
		if len(todo) == 0 && !followLast {
			return next, nil
		}
		st, err := os.Lstat(g.host(next))
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > 40 {
			return "", errLoop
		}
		target, err := os.Readlink(g.host(next))
		if err != nil {
			return "", err
		}
		rest := strings.Split(strings.Trim(target, "/"), "/")
		if strings.HasPrefix(target, "/") {
			cur = "/"
		}
		todo = append(rest, todo...)
	}
	return cur, nil
}

// writable tells whether the guest user may create or remove entries in
// the directory dir (a resolved guest path).
func (g *guest) writable(dir string) bool {
	dir = path.Clean(dir)
	for _, top := range []string{"/tmp", g.home} {
		if dir == top || strings.HasPrefix(dir, top+"/") {
			return true
		}
	}
	return false
}

// env is the environment of the guest user's programs.
func (g *guest) env() []string {
	return []string{
		"HOME=" + g.home,
		"USER=" + g.world.user,
		"LOGNAME=" + g.world.user,
		"SHELL=/bin/sh",
		"PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
		"LANG=C.UTF-8",
		"TMPDIR=/tmp",
	}
}

// startInit starts the guest's own long-running process, owned by root (so
// that a guest user's TerminateProcessInGuest on it is refused, as on a
// real guest). Only where programs can run.
func (g *guest) startInit() {
	if g.noExec != nil {
		return
	}
	if _, err := g.start("root", "/bin/sleep", "/bin/sleep infinity", "/", nil, []string{"/bin/sleep", "infinity"}); err != nil {
		log.Printf("guest %s: starting its init process: %v", g.vmID, err)
	}
}

// start runs argv in the guest's chroot as owner; cmdLine is what
// ListProcessesInGuest reports.
func (g *guest) start(owner, name, cmdLine, dir string, env, argv []string) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.noExec != nil {
		return 0, g.noExec
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer devnull.Close()
	cmd := &exec.Cmd{
		Path:   argv[0], // resolved by the kernel inside the chroot
		Args:   argv,
		Dir:    dir,
		Env:    append(g.env(), env...),
		Stdin:  devnull,
		Stdout: devnull,
		Stderr: devnull,
		SysProcAttr: &syscall.SysProcAttr{
			Chroot:    g.dir,
			Setpgid:   true,
			Pdeathsig: syscall.SIGKILL,
		},
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	p := &guestProc{
		info: types.GuestProcessInfo{
			Name:      name,
			Pid:       int64(cmd.Process.Pid),
			Owner:     owner,
			CmdLine:   cmdLine,
			StartTime: time.Now().UTC(),
		},
		owner: owner,
		cmd:   cmd,
		done:  make(chan struct{}),
	}
	if owner != "root" {
		p.info.Owner = g.world.user
	}
	g.procs[p.info.Pid] = p
	go func() {
		err := cmd.Wait()
		code := int32(0)
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				code = 128 + int32(ws.Signal())
			} else {
				code = int32(ee.ExitCode())
			}
		} else if err != nil {
			code = -1
		}
		end := time.Now().UTC()
		g.mu.Lock()
		p.info.EndTime = &end
		p.info.ExitCode = code
		g.mu.Unlock()
		close(p.done)
	}()
	return p.info.Pid, nil
}

// list returns the processes (running, and ended within endedProcessTTL),
// by pid; only those in pids when it is not empty.
func (g *guest) list(pids []int64) []types.GuestProcessInfo {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	want := map[int64]bool{}
	for _, p := range pids {
		want[p] = true
	}
	var out []types.GuestProcessInfo
	for pid, p := range g.procs {
		if p.info.EndTime != nil && now.Sub(*p.info.EndTime) > endedProcessTTL {
			delete(g.procs, pid)
			continue
		}
		if len(want) > 0 && !want[pid] {
			continue
		}
		info := p.info
		if info.EndTime != nil {
			t := *info.EndTime
			info.EndTime = &t
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pid < out[j].Pid })
	return out
}

// kill ends a running process of the guest user. Waits (1 s at most) until
// it has ended, so the next ListProcessesInGuest shows its end.
func (g *guest) kill(pid int64) types.BaseMethodFault {
	g.mu.Lock()
	p, ok := g.procs[pid]
	if !ok || p.info.EndTime != nil {
		g.mu.Unlock()
		return &types.GuestProcessNotFound{Pid: pid}
	}
	if p.owner == "root" {
		g.mu.Unlock()
		return &types.GuestPermissionDenied{}
	}
	_ = syscall.Kill(-int(pid), syscall.SIGKILL)
	_ = p.cmd.Process.Kill()
	if g.stopped {
		_ = syscall.Kill(-int(pid), syscall.SIGCONT)
	}
	g.mu.Unlock()
	select {
	case <-p.done:
	case <-time.After(time.Second):
	}
	return nil
}

// killAll ends every running process (waiting up to 2 s in all).
func (g *guest) killAll(includeInit bool) {
	g.mu.Lock()
	var waits []chan struct{}
	for pid, p := range g.procs {
		if p.info.EndTime != nil || (!includeInit && p.owner == "root") {
			continue
		}
		_ = syscall.Kill(-int(pid), syscall.SIGKILL)
		_ = syscall.Kill(-int(pid), syscall.SIGCONT)
		waits = append(waits, p.done)
	}
	g.mu.Unlock()
	deadline := time.After(2 * time.Second)
	for _, d := range waits {
		select {
		case <-d:
		case <-deadline:
			return
		}
	}
}

func (g *guest) signalAll(sig syscall.Signal) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for pid, p := range g.procs {
		if p.info.EndTime == nil {
			_ = syscall.Kill(-int(pid), sig)
		}
	}
}

// toolsUp (re)starts the guest's init process once the guest is up again.
func (w *guestWorld) toolsUp(ref types.ManagedObjectReference) {
	g := w.lookup(ref.Value)
	if g == nil {
		return
	}
	g.mu.Lock()
	running := false
	for _, p := range g.procs {
		if p.owner == "root" && p.info.EndTime == nil {
			running = true
		}
	}
	g.mu.Unlock()
	if !running {
		g.startInit()
	}
}
