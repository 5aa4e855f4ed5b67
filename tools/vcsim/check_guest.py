#!/usr/bin/python3
"""Checks the simulator as a vSphere client other than ours would: pyvmomi
(python3-pyvmomi) and plain http.client. Meant to run inside the test
sandbox via tools/vcsim/check, against a simulator started with
-info-file INFO -tools-delay 1s:

    check_guest.py INFO_FILE

Prints one line per check and a closing "N passed, M failed"; exits non-zero
on any failure.
"""
import hashlib
import http.client
import json
import os
import ssl
import sys
import time
import traceback
import urllib.parse

from pyVim.connect import SmartConnect
from pyVmomi import vim, vmodl

PASSED = FAILED = 0


def check(ok, what, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print("ok - %s" % what)
    else:
        FAILED += 1
        print("not ok - %s%s" % (what, (": %s" % detail) if detail else ""))


def raises(fault, what, f, *args, **kw):
    try:
        f(*args, **kw)
    except fault as e:
        check(True, what)
        return e
    except Exception as e:  # noqa: BLE001 - any other outcome is a failure
        check(False, what, "raised %s: %s" % (type(e).__name__, getattr(e, "msg", e)))
        return None
    check(False, what, "no fault")
    return None


def wait_task(task, timeout=30):
    end = time.time() + timeout
    while task.info.state in ("queued", "running") and time.time() < end:
        time.sleep(0.05)
    if task.info.state == "error":
        raise task.info.error
    return task.info.result


def wait_prop(si, obj, prop, want, timeout=10):
    """Waits with WaitForUpdatesEx until obj.prop == want; True if it did."""
    pc = si.content.propertyCollector.CreatePropertyCollector()
    try:
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=obj)],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=type(obj), pathSet=[prop])])
        pc.CreateFilter(spec, True)
        version = ""
        end = time.time() + timeout
        while time.time() < end:
            opts = vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=max(1, int(end - time.time())))
            upd = pc.WaitForUpdatesEx(version, opts)
            if upd is None:
                continue
            version = upd.version
            for fs in upd.filterSet:
                for os_ in fs.objectSet:
                    for ch in os_.changeSet:
                        if ch.name == prop and ch.val == want:
                            return True
        return False
    finally:
        pc.DestroyPropertyCollector()


def main():
    info = json.load(open(sys.argv[1]))
    u = urllib.parse.urlparse(info["url"])
    host, port = u.hostname, u.port
    ctx = ssl._create_unverified_context()
    si = SmartConnect(host=host, port=port, user="root", pwd="rootpasswd", sslContext=ctx)
    content = si.RetrieveContent()
    cookie = si._stub.cookie
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vms = sorted(view.view, key=lambda v: v.name)
    check(len(vms) >= 2, "the model has VMs", len(vms))
    vm, vm2 = vms[0], vms[1]
    gom = content.guestOperationsManager
    am, pm, fm = gom.authManager, gom.processManager, gom.fileManager
    check(am is not None, "guestOperationsManager.authManager is set")
    auth = vim.vm.guest.NamePasswordAuthentication(username=info["guestUser"], password="guestpasswd")
    bad = vim.vm.guest.NamePasswordAuthentication(username=info["guestUser"], password="wrong")

    def https(method, path, body=None, headers=None):
        c = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    # --- power and Tools ---------------------------------------------------
    check(vm.runtime.powerState == "poweredOn" and vm.guest.toolsRunningStatus == "guestToolsRunning"
          and vm.guest.toolsStatus == "toolsOk", "a model VM starts on with Tools running")
    ip = vm.guest.ipAddress
    check(bool(ip) and vm.summary.guest.ipAddress == ip, "Tools running: guest.ipAddress is set", ip)
    wait_task(vm.PowerOffVM_Task())
    check(vm.guest.toolsRunningStatus == "guestToolsNotRunning", "power off stops Tools at once")
    check(not vm.guest.ipAddress, "Tools stopped: guest.ipAddress is cleared", vm.guest.ipAddress)
    e = raises(vim.fault.InvalidPowerState, "guest op on a powered-off VM: InvalidPowerState",
               am.ValidateCredentialsInGuest, vm, auth)
    if e:
        check(e.existingState == "poweredOff", "InvalidPowerState.existingState", e.existingState)
    raises(vim.fault.InvalidPowerState, "ShutdownGuest when off: InvalidPowerState", vm.ShutdownGuest)
    wait_task(vm.PowerOnVM_Task())
    check(vm.guest.toolsRunningStatus == "guestToolsNotRunning", "Tools not yet running right after power-on")
    raises(vim.fault.GuestOperationsUnavailable, "guest op before Tools run: GuestOperationsUnavailable",
           am.ValidateCredentialsInGuest, vm, auth)
    raises(vim.fault.ToolsUnavailable, "RebootGuest before Tools run: ToolsUnavailable", vm.RebootGuest)
    check(wait_prop(si, vm, "guest.toolsRunningStatus", "guestToolsRunning"),
          "WaitForUpdatesEx reports guestToolsRunning after power-on")
    check(vm.guest.toolsStatus == "toolsOk", "toolsStatus toolsOk")
    check(vm.guest.ipAddress == ip, "Tools back: the same guest.ipAddress", vm.guest.ipAddress)

    # --- credentials --------------------------------------------------------
    try:
        am.ValidateCredentialsInGuest(vm, auth)
        check(True, "ValidateCredentialsInGuest accepts the guest credentials")
    except Exception as e:  # noqa: BLE001
        check(False, "ValidateCredentialsInGuest accepts the guest credentials", e)
    raises(vim.fault.InvalidGuestLogin, "wrong password: InvalidGuestLogin", am.ValidateCredentialsInGuest, vm, bad)

    # --- directories and transfers -----------------------------------------
    d = "/tmp/chk/sub"
    fm.MakeDirectoryInGuest(vm, auth, d, True)
    raises(vim.fault.FileAlreadyExists, "MakeDirectory of an existing dir: FileAlreadyExists",
           fm.MakeDirectoryInGuest, vm, auth, d, False)
    raises(vim.fault.FileNotFound, "MakeDirectory without parents: FileNotFound",
           fm.MakeDirectoryInGuest, vm, auth, "/tmp/nope/x", False)
    raises(vim.fault.GuestPermissionDenied, "MakeDirectory in /etc: GuestPermissionDenied",
           fm.MakeDirectoryInGuest, vm, auth, "/etc/chk", False)
    raises(vmodl.fault.InvalidArgument, "relative path: InvalidArgument",
           fm.MakeDirectoryInGuest, vm, auth, "tmp/x", False)

    payload = os.urandom(300000) + b"end"
    attrs = vim.vm.guest.FileManager.FileAttributes()
    url = fm.InitiateFileTransferToGuest(vm, auth, d + "/data.bin", attrs, len(payload), False)
    pu = urllib.parse.urlparse(url)
    check(pu.hostname == "*" and pu.port == port and pu.path == "/guestFile", "upload URL is https://*:PORT/guestFile?...", url)
    target = pu.path + "?" + pu.query
    c = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
    c.putrequest("PUT", target)
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    try:
        c.send(b"5\r\nhello\r\n0\r\n\r\n")
    except OSError:
        pass  # the server may answer and close before reading the body
    st = c.getresponse().status
    c.close()
    check(st in (400, 411), "chunked PUT refused", st)
    st, _ = https("PUT", target, body=payload, headers={"Content-Length": str(len(payload))})
    check(st == 200, "PUT with Content-Length", st)
    st, _ = https("PUT", target, body=payload, headers={"Content-Length": str(len(payload))})
    check(st == 404, "a used upload URL is gone", st)
    raises(vim.fault.FileAlreadyExists, "upload onto an existing file without overwrite: FileAlreadyExists",
           fm.InitiateFileTransferToGuest, vm, auth, d + "/data.bin", attrs, 1, False)
    raises(vim.fault.NotAFile, "upload onto a directory: NotAFile",
           fm.InitiateFileTransferToGuest, vm, auth, d, attrs, 1, True)
    raises(vim.fault.GuestPermissionDenied, "upload into /usr: GuestPermissionDenied",
           fm.InitiateFileTransferToGuest, vm, auth, "/usr/x", attrs, 1, True)

    lst = fm.ListFilesInGuest(vm, auth, d, 0, 0, None)
    ent = {f.path: f for f in lst.files}
    check("data.bin" in ent and ent["data.bin"].size == len(payload) and ent["data.bin"].type == "file",
          "ListFilesInGuest shows the upload with its size")
    ti = fm.InitiateFileTransferFromGuest(vm, auth, d + "/data.bin")
    check(ti.size == len(payload), "FileTransferInformation.size", ti.size)
    pu = urllib.parse.urlparse(ti.url)
    st, got = https("GET", pu.path + "?" + pu.query)
    check(st == 200 and got == payload, "download is byte-identical", "%s %d" % (st, len(got)))
    raises(vim.fault.FileNotFound, "download of a missing file: FileNotFound",
           fm.InitiateFileTransferFromGuest, vm, auth, d + "/none")
    raises(vim.fault.NotAFile, "download of a directory: NotAFile",
           fm.InitiateFileTransferFromGuest, vm, auth, d)

    # --- programs -------------------------------------------------------------
    spec = vim.vm.guest.ProcessManager.ProgramSpec
    pid = pm.StartProgramInGuest(vm, auth, spec(programPath="/bin/sh", arguments="-c 'exit 3'"))
    end = time.time() + 10
    p = None
    while time.time() < end:
        p = pm.ListProcessesInGuest(vm, auth, [pid])[0]
        if p.endTime:
            break
        time.sleep(0.05)
    check(p is not None and p.endTime is not None and p.exitCode == 3 and p.pid == pid
          and p.owner == info["guestUser"], "sh -c 'exit 3' ends with exitCode 3")
    # A program sees the guest's files, and its output is a guest file.
    pid = pm.StartProgramInGuest(vm, auth, spec(programPath="/bin/sh",
                                 arguments="-c 'sha256sum < data.bin > sum.txt'", workingDirectory=d))
    end = time.time() + 10
    while time.time() < end and not pm.ListProcessesInGuest(vm, auth, [pid])[0].endTime:
        time.sleep(0.05)
    ti = fm.InitiateFileTransferFromGuest(vm, auth, d + "/sum.txt")
    pu = urllib.parse.urlparse(ti.url)
    st, got = https("GET", pu.path + "?" + pu.query)
    check(got.split()[0].decode() == hashlib.sha256(payload).hexdigest(), "a guest program reads the uploaded file")
    pid = pm.StartProgramInGuest(vm, auth, spec(programPath="/bin/sleep", arguments="100"))
    p = pm.ListProcessesInGuest(vm, auth, [pid])[0]
    check(p.endTime is None and "sleep" in p.cmdLine, "sleep 100 is running", p.cmdLine)
    pm.TerminateProcessInGuest(vm, auth, pid)
    p = pm.ListProcessesInGuest(vm, auth, [pid])[0]
    check(p.endTime is not None, "TerminateProcessInGuest ended it")
    raises(vim.fault.GuestProcessNotFound, "terminate an ended process: GuestProcessNotFound",
           pm.TerminateProcessInGuest, vm, auth, pid)
    raises(vim.fault.GuestProcessNotFound, "terminate an unknown pid: GuestProcessNotFound",
           pm.TerminateProcessInGuest, vm, auth, 999999)
    roots = [x for x in pm.ListProcessesInGuest(vm, auth, []) if x.owner == "root" and not x.endTime]
    if roots:
        raises(vim.fault.GuestPermissionDenied, "terminate root's process: GuestPermissionDenied",
               pm.TerminateProcessInGuest, vm, auth, roots[0].pid)
    else:
        check(False, "the guest has a root-owned process")
    raises(vim.fault.FileNotFound, "start a missing program: FileNotFound",
           pm.StartProgramInGuest, vm, auth, spec(programPath="/bin/nope", arguments=""))
    env = pm.ReadEnvironmentVariableInGuest(vm, auth, ["HOME"])
    check(env == ["HOME=/home/" + info["guestUser"]], "ReadEnvironmentVariableInGuest HOME", env)

    # --- listing, paging, moves, deletes ---------------------------------------
    pid = pm.StartProgramInGuest(vm, auth, spec(programPath="/bin/sh",
                                 arguments="-c 'mkdir many && cd many && for i in $(seq 1 120); do : > f$i; done'",
                                 workingDirectory=d))
    end = time.time() + 10
    while time.time() < end and not pm.ListProcessesInGuest(vm, auth, [pid])[0].endTime:
        time.sleep(0.05)
    names, index, pages = [], 0, 0
    while pages < 20:
        r = fm.ListFilesInGuest(vm, auth, d + "/many", index, 0, None)
        pages += 1
        names += [f.path for f in r.files]
        index += len(r.files)
        if r.remaining == 0:
            break
    check(pages == 3 and len([n for n in names if n.startswith("f")]) == 120,
          "ListFilesInGuest pages by 50 with remaining", "%d pages, %d names" % (pages, len(names)))
    r = fm.ListFilesInGuest(vm, auth, d + "/many", 0, 0, "^f1[0-9]$")
    check(len(r.files) == 10, "matchPattern filters", len(r.files))
    raises(vim.fault.FileNotFound, "list a missing dir: FileNotFound", fm.ListFilesInGuest, vm, auth, "/tmp/none", 0, 0, None)
    raises(vim.fault.FileAlreadyExists, "MoveFile onto an existing file without overwrite: FileAlreadyExists",
           fm.MoveFileInGuest, vm, auth, d + "/sum.txt", d + "/data.bin", False)
    fm.MoveFileInGuest(vm, auth, d + "/sum.txt", d + "/sum2.txt", False)
    r = fm.ListFilesInGuest(vm, auth, d + "/sum2.txt", 0, 0, None)
    check(len(r.files) == 1 and r.files[0].type == "file", "MoveFileInGuest renamed it")
    raises(vim.fault.NotAFile, "DeleteFile of a directory: NotAFile", fm.DeleteFileInGuest, vm, auth, d)
    fm.DeleteFileInGuest(vm, auth, d + "/sum2.txt")
    raises(vim.fault.FileNotFound, "DeleteFile of a missing file: FileNotFound", fm.DeleteFileInGuest, vm, auth, d + "/sum2.txt")
    raises(vim.fault.DirectoryNotEmpty, "DeleteDirectory non-recursive of a non-empty dir: DirectoryNotEmpty",
           fm.DeleteDirectoryInGuest, vm, auth, d + "/many", False)
    fm.MoveDirectoryInGuest(vm, auth, d + "/many", d + "/many2")
    fm.DeleteDirectoryInGuest(vm, auth, d + "/many2", True)
    raises(vim.fault.FileNotFound, "the deleted dir is gone", fm.ListFilesInGuest, vm, auth, d + "/many2", 0, 0, None)
    tmp = fm.CreateTemporaryFileInGuest(vm, auth, "vix", ".sh", None)
    check(tmp.startswith("/tmp/vix") and tmp.endswith(".sh"), "CreateTemporaryFileInGuest in /tmp", tmp)
    tdir = fm.CreateTemporaryDirectoryInGuest(vm, auth, "vix", "", None)
    r = fm.ListFilesInGuest(vm, auth, tdir, 0, 0, None)
    check([f.path for f in r.files] == [".", ".."], "CreateTemporaryDirectoryInGuest makes an empty dir")
    raises(vim.fault.InvalidPowerState, "guest op on another powered-off VM: InvalidPowerState",
           lambda: (wait_task(vm2.PowerOffVM_Task()), am.ValidateCredentialsInGuest(vm2, auth)))

    # --- guest power operations ---------------------------------------------
    vm.RebootGuest()
    check(vm.guest.toolsRunningStatus == "guestToolsNotRunning" and vm.runtime.powerState == "poweredOn",
          "RebootGuest: Tools go down, the VM stays on")
    check(wait_prop(si, vm, "guest.toolsRunningStatus", "guestToolsRunning", 15), "RebootGuest: Tools come back")
    vm.StandbyGuest()
    check(wait_prop(si, vm, "runtime.powerState", "suspended", 15), "StandbyGuest ends suspended")
    raises(vim.fault.InvalidPowerState, "StandbyGuest when suspended: InvalidPowerState", vm.StandbyGuest)
    raises(vim.fault.InvalidPowerState, "ResetVM_Task of a suspended VM: InvalidPowerState",
           lambda: wait_task(vm.ResetVM_Task()))
    wait_task(vm.PowerOffVM_Task())
    check(vm.runtime.powerState == "poweredOff", "PowerOff of a suspended VM is allowed")
    raises(vim.fault.InvalidPowerState, "SuspendVM_Task of a powered-off VM: InvalidPowerState",
           lambda: wait_task(vm.SuspendVM_Task()))
    wait_task(vm.PowerOnVM_Task())
    check(wait_prop(si, vm, "guest.toolsRunningStatus", "guestToolsRunning"), "Tools up again")
    wait_task(vm.ResetVM_Task())
    check(vm.runtime.powerState == "poweredOn" and vm.guest.toolsRunningStatus == "guestToolsNotRunning",
          "ResetVM_Task: on, Tools down")
    check(wait_prop(si, vm, "guest.toolsRunningStatus", "guestToolsRunning"), "Tools up after the reset")
    vm.ShutdownGuest()
    check(wait_prop(si, vm, "runtime.powerState", "poweredOff", 15), "ShutdownGuest ends poweredOff")

    # --- Tools installer, hardware upgrade -----------------------------------
    raises(vim.fault.InvalidPowerState, "UpgradeVM while on... (VM off now: AlreadyUpgraded)",
           lambda: (wait_task(vm2.PowerOnVM_Task()), wait_task(vm2.UpgradeVM_Task())))
    wait_task(vm2.PowerOffVM_Task())
    e = raises(vim.fault.AlreadyUpgraded, "UpgradeVM at the newest version: AlreadyUpgraded",
               lambda: wait_task(vm2.UpgradeVM_Task()))
    wait_task(vm.PowerOnVM_Task())
    vm.MountToolsInstaller()
    check(vm.runtime.toolsInstallerMounted, "MountToolsInstaller sets runtime.toolsInstallerMounted")
    raises(vim.fault.InvalidState, "second MountToolsInstaller: InvalidState", vm.MountToolsInstaller)
    vm.UnmountToolsInstaller()
    check(not vm.runtime.toolsInstallerMounted, "UnmountToolsInstaller clears it")
    wait_prop(si, vm, "guest.toolsRunningStatus", "guestToolsRunning")
    wait_task(vm.UpgradeTools_Task("--default"))
    check(vm.guest.toolsRunningStatus == "guestToolsNotRunning", "UpgradeTools restarts Tools")
    check(wait_prop(si, vm, "guest.toolsRunningStatus", "guestToolsRunning"), "Tools back after the upgrade")

    # --- screenshot and the datastore file interface ------------------------
    shot = wait_task(vm.CreateScreenshot_Task())
    ds = info["datastores"][0]
    check(isinstance(shot, str) and shot.startswith("[%s] " % ds["name"]) and shot.endswith("-1.png"),
          "CreateScreenshot_Task returns a datastore path", shot)
    rel = shot.split("] ", 1)[1]
    q = "?" + urllib.parse.urlencode({"dcPath": ds["datacenter"], "dsName": ds["name"]})
    st, _ = https("GET", "/folder/" + urllib.parse.quote(rel) + q)
    check(st == 401, "/folder without a session cookie: 401", st)
    st, png = https("GET", "/folder/" + urllib.parse.quote(rel) + q, headers={"Cookie": cookie})
    check(st == 200 and png.startswith(b"\x89PNG\r\n\x1a\n"), "GET /folder/... fetches the PNG", st)
    st, _ = https("DELETE", "/folder/" + urllib.parse.quote(rel) + q, headers={"Cookie": cookie})
    check(st in (200, 204), "DELETE /folder/... removes it", st)
    st, _ = https("GET", "/folder/" + urllib.parse.quote(rel) + q, headers={"Cookie": cookie})
    check(st == 404, "and it is gone", st)

    # --- register, extraConfig, clone ----------------------------------------
    dc = content.rootFolder.childEntity[0]
    vmdir = os.path.join(ds["dir"], "byhand")
    os.makedirs(vmdir, exist_ok=True)
    with open(os.path.join(vmdir, "byhand.vmx"), "w") as f:
        f.write('config.version = "8"\nvirtualHW.version = "8"\ndisplayName = "By Hand"\nmemsize = "256"\nnumvcpus = "2"\n')
    path = "[%s] byhand/byhand.vmx" % ds["name"]
    pool = vm.resourcePool
    new = wait_task(dc.vmFolder.RegisterVM_Task(path=path, asTemplate=False, pool=pool))
    check(new.config.files.vmPathName == path and new.name == "By Hand" and new.config.hardware.memoryMB == 256,
          "RegisterVM_Task of a hand-made .vmx", "%s %s" % (new.config.files.vmPathName, new.name))
    raises(vim.fault.NotFound, "RegisterVM_Task of a missing file: NotFound",
           lambda: wait_task(dc.vmFolder.RegisterVM_Task(path="[%s] nope/nope.vmx" % ds["name"], asTemplate=False, pool=pool)))
    wait_task(new.UpgradeVM_Task())
    check(new.config.version == "vmx-13", "UpgradeVM_Task of a vmx-08 VM", new.config.version)
    wait_task(new.ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="guestinfo.k", value="v1")])))
    ec = {o.key: o.value for o in new.config.extraConfig}
    check(ec.get("guestinfo.k") == "v1", "ReconfigVM_Task extraConfig is readable")
    snap = wait_task(new.CreateSnapshot_Task("s1", "", False, False))
    rs = vim.vm.RelocateSpec(diskMoveType="createNewChildDiskBacking")
    raises(vmodl.fault.InvalidArgument, "linked clone without a snapshot: InvalidArgument",
           lambda: wait_task(new.CloneVM_Task(folder=dc.vmFolder, name="lc", spec=vim.vm.CloneSpec(location=rs))))
    clone = wait_task(new.CloneVM_Task(folder=dc.vmFolder, name="lc",
                                       spec=vim.vm.CloneSpec(location=rs, snapshot=snap)))
    check(clone.name == "lc" and clone.config.files.vmPathName == "[%s] lc/lc.vmx" % ds["name"],
          "linked clone name and path", clone.config.files.vmPathName)
    wait_task(clone.PowerOnVM_Task())
    raises(vim.fault.InvalidPowerState, "UnregisterVM of a running VM: InvalidPowerState", clone.UnregisterVM)
    wait_task(clone.PowerOffVM_Task())
    wait_task(clone.Destroy_Task())
    new.UnregisterVM()
    check(os.path.exists(os.path.join(vmdir, "byhand.vmx")), "UnregisterVM keeps the files")

    # --- sessions -------------------------------------------------------------
    si2 = SmartConnect(host=host, port=port, user="root", pwd="rootpasswd", sslContext=ctx)
    key2 = si2.content.sessionManager.currentSession.key
    content.sessionManager.TerminateSession([key2])
    raises(vim.fault.NotAuthenticated, "a terminated session gets NotAuthenticated",
           lambda: si2.content.rootFolder.childEntity)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        check(False, "the check ran to its end")
    print("%d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)
