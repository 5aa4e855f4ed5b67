package main

// vSphere guest operations for the simulated VMs: GuestAuthManager,
// GuestProcessManager and GuestFileManager (ServiceContent.
// guestOperationsManager). The simulator 0.24.2 registers no auth manager,
// a process manager with no methods, and a file manager that needs Docker;
// this double replaces them, on the guests of guestfs.go.
//
// Every call checks, in vSphere's order: the VM exists
// (ManagedObjectNotFound), is powered on (InvalidPowerState), its Tools run
// (GuestOperationsUnavailable), the credentials are the -guest-user and
// -guest-password pair given as NamePasswordAuthentication
// (InvalidGuestLogin); then the call's own arguments. Guest paths are
// absolute POSIX paths (else InvalidArgument).

import (
	"errors"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// listPageSize is ListFilesInGuest's page when maxResults is unset;
// listPageMax bounds a page whatever maxResults says.
const (
	listPageSize = 50
	listPageMax  = 1000
)

func installGuestManagers(w *guestWorld) {
	si, ok := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	if !ok || si.Content.GuestOperationsManager == nil {
		log.Printf("guest operations: no GuestOperationsManager in this model")
		return
	}
	gom, ok := simulator.Map.Get(*si.Content.GuestOperationsManager).(*simulator.GuestOperationsManager)
	if !ok {
		log.Printf("guest operations: unexpected GuestOperationsManager object")
		return
	}
	if gom.AuthManager == nil {
		gom.AuthManager = &types.ManagedObjectReference{Type: "GuestAuthManager", Value: "guestOperationsAuthManager"}
	}
	simulator.Map.Put(&guestAuthManager{GuestAuthManager: mo.GuestAuthManager{Self: *gom.AuthManager}, w: w})
	simulator.Map.Put(&guestFileManager{GuestFileManager: mo.GuestFileManager{Self: *gom.FileManager}, w: w})
	simulator.Map.Put(&guestProcessManager{GuestProcessManager: mo.GuestProcessManager{Self: *gom.ProcessManager}, w: w})
}

// prepare runs the checks every guest operation starts with and returns the
// VM's guest.
func (w *guestWorld) prepare(vmRef types.ManagedObjectReference, auth types.BaseGuestAuthentication) (*guest, types.BaseMethodFault) {
	vm, ok := simulator.Map.Get(vmRef).(*simulator.VirtualMachine)
	if !ok {
		return nil, &types.ManagedObjectNotFound{Obj: vmRef}
	}
	var fault types.BaseMethodFault
	simulator.Map.WithLock(vm, func() {
		if fault = powerFault(vm, types.VirtualMachinePowerStatePoweredOn); fault != nil {
			return
		}
		if !toolsRunning(vm) {
			fault = &types.GuestOperationsUnavailable{}
		}
	})
	if fault != nil {
		return nil, fault
	}
	npa, ok := auth.(*types.NamePasswordAuthentication)
	if !ok || npa.Username != w.user || npa.Password != w.pass {
		return nil, &types.InvalidGuestLogin{}
	}
	g, err := w.guestFor(vm)
	if err != nil {
		log.Printf("guest operations: %s: %v", vm.Self.Value, err)
		return nil, &types.GuestOperationsUnavailable{}
	}
	return g, nil
}

// soapFault wraps a fault with a message naming it, as real servers do.
func soapFault(f types.BaseMethodFault) *soap.Fault {
	return simulator.Fault(strings.TrimPrefix(fmt.Sprintf("%T", f), "*types."), f)
}

// checkPath validates a guest path argument.
func checkPath(p, prop string) types.BaseMethodFault {
	if p == "" || !strings.HasPrefix(p, "/") || strings.ContainsRune(p, 0) {
		return &types.InvalidArgument{InvalidProperty: prop}
	}
	return nil
}

// fsFault maps a file system error on guest path p to the vSphere fault.
func fsFault(p string, err error) types.BaseMethodFault {
	ff := types.FileFault{File: p}
	var errno syscall.Errno
	switch {
	case os.IsNotExist(err):
		return &types.FileNotFound{FileFault: ff}
	case errors.As(err, &errno) && errno == syscall.ENOTEMPTY:
		return &types.DirectoryNotEmpty{FileFault: ff}
	case os.IsExist(err):
		return &types.FileAlreadyExists{FileFault: ff}
	case errors.As(err, &errno) && errno == syscall.ENOTDIR:
		return &types.NotADirectory{FileFault: ff}
	case errors.As(err, &errno) && errno == syscall.EISDIR:
		return &types.NotAFile{FileFault: ff}
	case errors.As(err, &errno) && errno == syscall.ENOTEMPTY:
		return &types.DirectoryNotEmpty{FileFault: ff}
	case errors.As(err, &errno) && errno == syscall.ENOSPC:
		return &types.NoDiskSpace{FileFault: ff}
	case os.IsPermission(err), errors.As(err, &errno) && (errno == syscall.EROFS || errno == syscall.EPERM):
		return &types.GuestPermissionDenied{}
	}
	return &ff
}

// ----------------------------------------------------------------------------
// GuestAuthManager

type guestAuthManager struct {
	mo.GuestAuthManager // first: the simulator digs an mo type out of every registry object
	noLock
	w *guestWorld
}

// ValidateCredentialsInGuest checks the guest credentials.
//
// Real vSphere: succeeds (no result) for valid credentials, InvalidGuestLogin
// otherwise; the common checks first. The double accepts only -guest-user and
// -guest-password.
func (m *guestAuthManager) ValidateCredentialsInGuest(ctx *simulator.Context, req *types.ValidateCredentialsInGuest) soap.HasFault {
	body := &methods.ValidateCredentialsInGuestBody{}
	if _, f := m.w.prepare(req.Vm, req.Auth); f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.ValidateCredentialsInGuestResponse{}
	return body
}

// ----------------------------------------------------------------------------
// GuestProcessManager

type guestProcessManager struct {
	mo.GuestProcessManager
	noLock
	w *guestWorld
}

// StartProgramInGuest starts a program and returns its pid at once.
//
// Real vSphere (Linux guest, open-vm-tools): runs `"programPath" arguments`
// through /bin/sh -c as the guest user, in workingDirectory (default: the
// user's home), stdio on /dev/null, with envVariables added to the user's
// environment; the pid is that shell's. A missing program is FileNotFound,
// a directory NotAFile, a non-executable file GuestPermissionDenied; a bad
// working directory FileNotFound or NotADirectory. The double does the same
// in the guest's chroot.
func (m *guestProcessManager) StartProgramInGuest(ctx *simulator.Context, req *types.StartProgramInGuest) soap.HasFault {
	body := &methods.StartProgramInGuestBody{}
	pid, f := m.start(req)
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.StartProgramInGuestResponse{Returnval: pid}
	return body
}

func (m *guestProcessManager) start(req *types.StartProgramInGuest) (int64, types.BaseMethodFault) {
	g, f := m.w.prepare(req.Vm, req.Auth)
	if f != nil {
		return 0, f
	}
	if req.Spec == nil {
		return 0, &types.InvalidArgument{InvalidProperty: "spec"}
	}
	spec := req.Spec.GetGuestProgramSpec()
	if f := checkPath(spec.ProgramPath, "spec.programPath"); f != nil {
		return 0, f
	}
	prog, err := g.resolve(spec.ProgramPath, true)
	if err != nil {
		return 0, fsFault(spec.ProgramPath, err)
	}
	st, err := os.Stat(g.host(prog))
	switch {
	case err != nil:
		return 0, fsFault(spec.ProgramPath, err)
	case st.IsDir():
		return 0, &types.NotAFile{FileFault: types.FileFault{File: spec.ProgramPath}}
	case st.Mode()&0111 == 0:
		return 0, &types.GuestPermissionDenied{}
	}
	dir := spec.WorkingDirectory
	if dir == "" {
		dir = g.home
	}
	if f := checkPath(dir, "spec.workingDirectory"); f != nil {
		return 0, f
	}
	rdir, err := g.resolve(dir, true)
	if err == nil {
		st, err = os.Stat(g.host(rdir))
		if err == nil && !st.IsDir() {
			return 0, &types.NotADirectory{FileFault: types.FileFault{File: dir}}
		}
	}
	if err != nil {
		return 0, fsFault(dir, err)
	}
	for _, e := range spec.EnvVariables {
		if !strings.Contains(e, "=") || strings.HasPrefix(e, "=") {
			return 0, &types.InvalidArgument{InvalidProperty: "spec.envVariables"}
		}
	}
	cmdLine := `"` + spec.ProgramPath + `"`
	if spec.Arguments != "" {
		cmdLine += " " + spec.Arguments
	}
	pid, err := g.start(m.w.user, spec.ProgramPath, cmdLine, rdir, spec.EnvVariables, []string{"/bin/sh", "-c", cmdLine})
	if err != nil {
		log.Printf("guest operations: StartProgramInGuest in %s: %v", g.vmID, err)
		return 0, &types.GuestOperationsUnavailable{}
	}
	return pid, nil
}

// ListProcessesInGuest lists the guest's processes.
//
// Real vSphere: every process in the guest, plus those started with
// StartProgramInGuest that ended in the last few minutes (with endTime and
// exitCode); with pids, only those (unknown pids are left out). The double's
// guest runs only what StartProgramInGuest started and its own init (owner
// root); ended ones stay listed for five minutes.
func (m *guestProcessManager) ListProcessesInGuest(ctx *simulator.Context, req *types.ListProcessesInGuest) soap.HasFault {
	body := &methods.ListProcessesInGuestBody{}
	g, f := m.w.prepare(req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.ListProcessesInGuestResponse{Returnval: g.list(req.Pids)}
	return body
}

// TerminateProcessInGuest kills a process.
//
// Real vSphere: kills the process (SIGKILL on Linux); a pid that is not
// running is GuestProcessNotFound; another user's process is
// GuestPermissionDenied. The double kills the process group and waits (up
// to 1 s) for it to end.
func (m *guestProcessManager) TerminateProcessInGuest(ctx *simulator.Context, req *types.TerminateProcessInGuest) soap.HasFault {
	body := &methods.TerminateProcessInGuestBody{}
	g, f := m.w.prepare(req.Vm, req.Auth)
	if f == nil {
		f = g.kill(req.Pid)
	}
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.TerminateProcessInGuestResponse{}
	return body
}

// ReadEnvironmentVariableInGuest returns "NAME=value" strings of the guest
// user's environment: all of them, or those named (unknown names are left
// out), as vSphere does.
func (m *guestProcessManager) ReadEnvironmentVariableInGuest(ctx *simulator.Context, req *types.ReadEnvironmentVariableInGuest) soap.HasFault {
	body := &methods.ReadEnvironmentVariableInGuestBody{}
	g, f := m.w.prepare(req.Vm, req.Auth)
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	var out []string
	for _, kv := range g.env() {
		if len(req.Names) == 0 {
			out = append(out, kv)
			continue
		}
		for _, n := range req.Names {
			if strings.HasPrefix(kv, n+"=") {
				out = append(out, kv)
			}
		}
	}
	body.Res = &types.ReadEnvironmentVariableInGuestResponse{Returnval: out}
	return body
}

// ----------------------------------------------------------------------------
// GuestFileManager

type guestFileManager struct {
	mo.GuestFileManager
	noLock
	w *guestWorld
}

// fileInfo describes the guest file at host path hp (not following a
// final symlink).
func fileInfo(name, hp string) (types.GuestFileInfo, error) {
	st, err := os.Lstat(hp)
	if err != nil {
		return types.GuestFileInfo{}, err
	}
	kind := string(types.GuestFileTypeFile)
	switch {
	case st.Mode()&os.ModeSymlink != 0:
		kind = string(types.GuestFileTypeSymlink)
	case st.IsDir():
		kind = string(types.GuestFileTypeDirectory)
	}
	return types.GuestFileInfo{Path: name, Type: kind, Size: st.Size(), Attributes: posixAttrs(st, hp)}, nil
}

func posixAttrs(st os.FileInfo, hp string) *types.GuestPosixFileAttributes {
	mt := st.ModTime().UTC()
	at := mt
	a := &types.GuestPosixFileAttributes{Permissions: int64(st.Mode().Perm())}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		at = time.Unix(sys.Atim.Sec, sys.Atim.Nsec).UTC()
		uid, gid := int32(sys.Uid), int32(sys.Gid)
		a.OwnerId, a.GroupId = &uid, &gid
		a.Permissions = int64(sys.Mode & 07777)
	}
	a.ModificationTime, a.AccessTime = &mt, &at
	if st.Mode()&os.ModeSymlink != 0 {
		a.SymlinkTarget, _ = os.Readlink(hp)
	}
	return a
}

// ListFilesInGuest lists a directory (or describes one file).
//
// Real vSphere: for a directory, its entries including "." and "..", each
// with name (no directory part), type (file, directory, symlink), size and
// attributes (GuestPosixFileAttributes on Linux); for a file, that file
// alone under the path given. matchPattern is a Perl regular expression
// (unanchored) on the names; index and maxResults page the result and
// remaining says how many entries follow the page. Missing path:
// FileNotFound. The double sorts entries by name (a real guest uses
// directory order) and pages by listPageSize when maxResults is unset.
func (m *guestFileManager) ListFilesInGuest(ctx *simulator.Context, req *types.ListFilesInGuest) soap.HasFault {
	body := &methods.ListFilesInGuestBody{}
	res, f := m.list(req)
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.ListFilesInGuestResponse{Returnval: *res}
	return body
}

func (m *guestFileManager) list(req *types.ListFilesInGuest) (*types.GuestListFileInfo, types.BaseMethodFault) {
	g, f := m.w.prepare(req.Vm, req.Auth)
	if f != nil {
		return nil, f
	}
	if f := checkPath(req.FilePath, "filePath"); f != nil {
		return nil, f
	}
	var re *regexp.Regexp
	if req.MatchPattern != "" {
		var err error
		if re, err = regexp.Compile(req.MatchPattern); err != nil {
			return nil, &types.InvalidArgument{InvalidProperty: "matchPattern"}
		}
	}
	if req.Index < 0 || req.MaxResults < 0 {
		return nil, &types.InvalidArgument{InvalidProperty: "index"}
	}
	rp, err := g.resolve(req.FilePath, true)
	if err != nil {
		return nil, fsFault(req.FilePath, err)
	}
	hp := g.host(rp)
	st, err := os.Stat(hp)
	if err != nil {
		return nil, fsFault(req.FilePath, err)
	}
	var all []types.GuestFileInfo
	if !st.IsDir() {
		fi, err := fileInfo(req.FilePath, hp)
		if err != nil {
			return nil, fsFault(req.FilePath, err)
		}
		all = append(all, fi)
	} else {
		names, err := readDirNames(hp)
		if err != nil {
			return nil, fsFault(req.FilePath, err)
		}
		for i, name := range append([]string{".", ".."}, names...) {
			entry := path.Join(hp, name)
			if i == 1 {
				entry = g.host(path.Dir(rp))
			}
			if re != nil && !re.MatchString(name) {
				continue
			}
			fi, err := fileInfo(name, entry)
			if err != nil {
				continue // gone meanwhile
			}
			all = append(all, fi)
		}
	}
	size := int(req.MaxResults)
	if size == 0 {
		size = listPageSize
	}
	if size > listPageMax {
		size = listPageMax
	}
	start := int(req.Index)
	if start > len(all) {
		start = len(all)
	}
	end := start + size
	if end > len(all) {
		end = len(all)
	}
	return &types.GuestListFileInfo{Files: all[start:end], Remaining: int32(len(all) - end)}, nil
}

func readDirNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

// parentFor resolves the guest path p for creating or removing it: returns
// the resolved path (final symlink not followed) after checking that its
// directory exists, is a directory and is writable by the guest user.
func (g *guest) parentFor(p string) (string, types.BaseMethodFault) {
	rp, err := g.resolve(p, false)
	if err != nil {
		return "", fsFault(p, err)
	}
	if rp == "/" {
		return "", &types.GuestPermissionDenied{}
	}
	dir := path.Dir(rp)
	st, err := os.Stat(g.host(dir))
	if err != nil {
		return "", fsFault(path.Dir(p), err)
	}
	if !st.IsDir() {
		return "", &types.NotADirectory{FileFault: types.FileFault{File: path.Dir(p)}}
	}
	if !g.writable(dir) {
		return "", &types.GuestPermissionDenied{}
	}
	return rp, nil
}

// MakeDirectoryInGuest creates a directory.
//
// Real vSphere: FileAlreadyExists when the path exists; with
// createParentDirectories missing parents are made, else a missing parent is
// FileNotFound; a parent that is a file is NotADirectory; no write access is
// GuestPermissionDenied.
func (m *guestFileManager) MakeDirectoryInGuest(ctx *simulator.Context, req *types.MakeDirectoryInGuest) soap.HasFault {
	body := &methods.MakeDirectoryInGuestBody{}
	if f := m.mkdir(req); f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.MakeDirectoryInGuestResponse{}
	return body
}

func (m *guestFileManager) mkdir(req *types.MakeDirectoryInGuest) types.BaseMethodFault {
	g, rp, f := m.target(req.Vm, req.Auth, req.DirectoryPath, "directoryPath", false)
	if f != nil {
		return f
	}
	if _, err := os.Lstat(g.host(rp)); err == nil {
		return &types.FileAlreadyExists{FileFault: types.FileFault{File: req.DirectoryPath}}
	}
	if req.CreateParentDirectories {
		// Find the nearest existing ancestor; it must be writable.
		anc := path.Dir(rp)
		for i := 0; i < 4096 && anc != "/"; i++ {
			if _, err := os.Lstat(g.host(anc)); err == nil {
				break
			}
			anc = path.Dir(anc)
		}
		ra, err := g.resolve(anc, true)
		if err != nil {
			return fsFault(anc, err)
		}
		st, err := os.Stat(g.host(ra))
		if err != nil {
			return fsFault(anc, err)
		}
		if !st.IsDir() {
			return &types.NotADirectory{FileFault: types.FileFault{File: anc}}
		}
		if !g.writable(ra) {
			return &types.GuestPermissionDenied{}
		}
		if err := os.MkdirAll(g.host(rp), 0755); err != nil {
			return fsFault(req.DirectoryPath, err)
		}
		return nil
	}
	if _, f := g.parentFor(req.DirectoryPath); f != nil {
		return f
	}
	if err := os.Mkdir(g.host(rp), 0755); err != nil {
		return fsFault(req.DirectoryPath, err)
	}
	return nil
}

// target is the start every operation on one guest path shares, in the
// order vSphere checks: the guest (VM found, powered on, Tools running,
// credentials valid), the path (absolute, clean), then the path resolved
// inside the guest's tree (its last element followed or not).
func (m *guestFileManager) target(vm types.ManagedObjectReference, auth types.BaseGuestAuthentication,
	p, prop string, follow bool) (*guest, string, types.BaseMethodFault) {
	g, f := m.w.prepare(vm, auth)
	if f != nil {
		return nil, "", f
	}
	if f := checkPath(p, prop); f != nil {
		return nil, "", f
	}
	rp, err := g.resolve(p, follow)
	if err != nil {
		return nil, "", fsFault(p, err)
	}
	return g, rp, nil
}

// DeleteFileInGuest removes a file (or symlink).
//
// Real vSphere: FileNotFound when missing, NotAFile for a directory,
// GuestPermissionDenied without write access to its directory.
func (m *guestFileManager) DeleteFileInGuest(ctx *simulator.Context, req *types.DeleteFileInGuest) soap.HasFault {
	body := &methods.DeleteFileInGuestBody{}
	f := func() types.BaseMethodFault {
		g, rp, f := m.target(req.Vm, req.Auth, req.FilePath, "filePath", false)
		if f != nil {
			return f
		}
		st, err := os.Lstat(g.host(rp))
		if err != nil {
			return fsFault(req.FilePath, err)
		}
		if st.IsDir() {
			return &types.NotAFile{FileFault: types.FileFault{File: req.FilePath}}
		}
		if _, f := g.parentFor(req.FilePath); f != nil {
			return f
		}
		if err := os.Remove(g.host(rp)); err != nil {
			return fsFault(req.FilePath, err)
		}
		return nil
	}()
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.DeleteFileInGuestResponse{}
	return body
}

// DeleteDirectoryInGuest removes a directory.
//
// Real vSphere: FileNotFound when missing, NotADirectory for a file;
// without recursive a non-empty directory is DirectoryNotEmpty; with it the
// whole tree goes. GuestPermissionDenied without write access.
func (m *guestFileManager) DeleteDirectoryInGuest(ctx *simulator.Context, req *types.DeleteDirectoryInGuest) soap.HasFault {
	body := &methods.DeleteDirectoryInGuestBody{}
	f := func() types.BaseMethodFault {
		g, rp, f := m.target(req.Vm, req.Auth, req.DirectoryPath, "directoryPath", false)
		if f != nil {
			return f
		}
		st, err := os.Lstat(g.host(rp))
		if err != nil {
			return fsFault(req.DirectoryPath, err)
		}
		if !st.IsDir() {
			return &types.NotADirectory{FileFault: types.FileFault{File: req.DirectoryPath}}
		}
		if _, f := g.parentFor(req.DirectoryPath); f != nil {
			return f
		}
		if req.Recursive {
			err = os.RemoveAll(g.host(rp))
		} else {
			err = syscall.Rmdir(g.host(rp))
			if errors.Is(err, syscall.EEXIST) {
				err = syscall.ENOTEMPTY
			}
		}
		if err != nil {
			return fsFault(req.DirectoryPath, err)
		}
		return nil
	}()
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.DeleteDirectoryInGuestResponse{}
	return body
}

// move is MoveFileInGuest (wantDir false) and MoveDirectoryInGuest.
func (m *guestFileManager) move(vm types.ManagedObjectReference, auth types.BaseGuestAuthentication, src, dst string, overwrite, wantDir bool) types.BaseMethodFault {
	g, f := m.w.prepare(vm, auth)
	if f != nil {
		return f
	}
	if f := checkPath(src, "src"); f != nil {
		return f
	}
	if f := checkPath(dst, "dst"); f != nil {
		return f
	}
	rs, err := g.resolve(src, false)
	if err != nil {
		return fsFault(src, err)
	}
	st, err := os.Lstat(g.host(rs))
	if err != nil {
		return fsFault(src, err)
	}
	if wantDir && !st.IsDir() {
		return &types.NotADirectory{FileFault: types.FileFault{File: src}}
	}
	if !wantDir && st.IsDir() {
		return &types.NotAFile{FileFault: types.FileFault{File: src}}
	}
	if _, f := g.parentFor(src); f != nil {
		return f
	}
	rd, f := g.parentFor(dst)
	if f != nil {
		return f
	}
	if dt, err := os.Lstat(g.host(rd)); err == nil {
		if wantDir || !overwrite {
			return &types.FileAlreadyExists{FileFault: types.FileFault{File: dst}}
		}
		if dt.IsDir() {
			return &types.NotAFile{FileFault: types.FileFault{File: dst}}
		}
	}
	if wantDir && (rd == rs || strings.HasPrefix(rd, rs+"/")) {
		return &types.InvalidArgument{InvalidProperty: "dstDirectoryPath"}
	}
	if err := os.Rename(g.host(rs), g.host(rd)); err != nil {
		return fsFault(dst, err)
	}
	return nil
}

// MoveFileInGuest renames a file.
//
// Real vSphere: FileNotFound when src is missing, NotAFile when it is a
// directory; an existing dst is FileAlreadyExists unless overwrite (and
// NotAFile when dst is a directory).
func (m *guestFileManager) MoveFileInGuest(ctx *simulator.Context, req *types.MoveFileInGuest) soap.HasFault {
	body := &methods.MoveFileInGuestBody{}
	if f := m.move(req.Vm, req.Auth, req.SrcFilePath, req.DstFilePath, req.Overwrite, false); f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.MoveFileInGuestResponse{}
	return body
}

// MoveDirectoryInGuest renames a directory.
//
// Real vSphere: FileNotFound when src is missing, NotADirectory when it is
// a file, FileAlreadyExists when dst exists.
func (m *guestFileManager) MoveDirectoryInGuest(ctx *simulator.Context, req *types.MoveDirectoryInGuest) soap.HasFault {
	body := &methods.MoveDirectoryInGuestBody{}
	if f := m.move(req.Vm, req.Auth, req.SrcDirectoryPath, req.DstDirectoryPath, false, true); f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.MoveDirectoryInGuestResponse{}
	return body
}

// tempIn creates a temporary file or directory for the Create*InGuest calls.
func (m *guestFileManager) tempIn(vm types.ManagedObjectReference, auth types.BaseGuestAuthentication, prefix, suffix, dir string, isDir bool) (string, types.BaseMethodFault) {
	g, f := m.w.prepare(vm, auth)
	if f != nil {
		return "", f
	}
	if dir == "" {
		dir = "/tmp"
	}
	if f := checkPath(dir, "directoryPath"); f != nil {
		return "", f
	}
	if strings.ContainsAny(prefix+suffix, "/\x00") {
		return "", &types.InvalidArgument{InvalidProperty: "prefix"}
	}
	rd, err := g.resolve(dir, true)
	if err != nil {
		return "", fsFault(dir, err)
	}
	st, err := os.Stat(g.host(rd))
	if err != nil {
		return "", fsFault(dir, err)
	}
	if !st.IsDir() {
		return "", &types.NotADirectory{FileFault: types.FileFault{File: dir}}
	}
	if !g.writable(rd) {
		return "", &types.GuestPermissionDenied{}
	}
	pattern := prefix + "*" + suffix
	var hp string
	if isDir {
		hp, err = ioutil.TempDir(g.host(rd), pattern)
	} else {
		var tf *os.File
		if tf, err = ioutil.TempFile(g.host(rd), pattern); err == nil {
			hp = tf.Name()
			tf.Close()
		}
	}
	if err != nil {
		return "", fsFault(dir, err)
	}
	return path.Join(dir, path.Base(hp)), nil
}

// CreateTemporaryFileInGuest creates an empty file prefix<random>suffix in
// directoryPath (default: the guest's temp directory, /tmp) and returns its
// path. Missing directory: FileNotFound; not writable: GuestPermissionDenied.
func (m *guestFileManager) CreateTemporaryFileInGuest(ctx *simulator.Context, req *types.CreateTemporaryFileInGuest) soap.HasFault {
	body := &methods.CreateTemporaryFileInGuestBody{}
	p, f := m.tempIn(req.Vm, req.Auth, req.Prefix, req.Suffix, req.DirectoryPath, false)
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.CreateTemporaryFileInGuestResponse{Returnval: p}
	return body
}

// CreateTemporaryDirectoryInGuest: as CreateTemporaryFileInGuest, a directory.
func (m *guestFileManager) CreateTemporaryDirectoryInGuest(ctx *simulator.Context, req *types.CreateTemporaryDirectoryInGuest) soap.HasFault {
	body := &methods.CreateTemporaryDirectoryInGuestBody{}
	p, f := m.tempIn(req.Vm, req.Auth, req.Prefix, req.Suffix, req.DirectoryPath, true)
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.CreateTemporaryDirectoryInGuestResponse{Returnval: p}
	return body
}

// ChangeFileAttributesInGuest sets a file's times and permissions.
//
// Real vSphere (POSIX attributes): modificationTime, accessTime,
// permissions; ownerId/groupId need privilege (GuestPermissionDenied for an
// unprivileged user unless unchanged). FileNotFound when missing.
func (m *guestFileManager) ChangeFileAttributesInGuest(ctx *simulator.Context, req *types.ChangeFileAttributesInGuest) soap.HasFault {
	body := &methods.ChangeFileAttributesInGuestBody{}
	f := func() types.BaseMethodFault {
		g, rp, f := m.target(req.Vm, req.Auth, req.GuestFilePath, "guestFilePath", true)
		if f != nil {
			return f
		}
		hp := g.host(rp)
		st, err := os.Stat(hp)
		if err != nil {
			return fsFault(req.GuestFilePath, err)
		}
		if !g.writable(path.Dir(rp)) && !g.writable(rp) {
			return &types.GuestPermissionDenied{}
		}
		return applyAttrs(hp, st, req.FileAttributes, req.GuestFilePath)
	}()
	if f != nil {
		body.Fault_ = soapFault(f)
		return body
	}
	body.Res = &types.ChangeFileAttributesInGuestResponse{}
	return body
}

// applyAttrs applies guest file attributes to host path hp.
func applyAttrs(hp string, st os.FileInfo, attrs types.BaseGuestFileAttributes, guestPath string) types.BaseMethodFault {
	if attrs == nil {
		return nil
	}
	base := attrs.GetGuestFileAttributes()
	if px, ok := attrs.(*types.GuestPosixFileAttributes); ok {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			if px.OwnerId != nil && uint32(*px.OwnerId) != sys.Uid || px.GroupId != nil && uint32(*px.GroupId) != sys.Gid {
				return &types.GuestPermissionDenied{}
			}
		}
		if px.Permissions != 0 {
			if err := os.Chmod(hp, os.FileMode(px.Permissions&0777)|modeBits(px.Permissions)); err != nil {
				return fsFault(guestPath, err)
			}
		}
	}
	if base.ModificationTime != nil || base.AccessTime != nil {
		mt, at := st.ModTime(), st.ModTime()
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			at = time.Unix(sys.Atim.Sec, sys.Atim.Nsec)
		}
		if base.ModificationTime != nil {
			mt = *base.ModificationTime
		}
		if base.AccessTime != nil {
			at = *base.AccessTime
		}
		if err := os.Chtimes(hp, at, mt); err != nil {
			return fsFault(guestPath, err)
		}
	}
	return nil
}

func modeBits(p int64) os.FileMode {
	var m os.FileMode
	if p&04000 != 0 {
		m |= os.ModeSetuid
	}
	if p&02000 != 0 {
		m |= os.ModeSetgid
	}
	if p&01000 != 0 {
		m |= os.ModeSticky
	}
	return m
}
