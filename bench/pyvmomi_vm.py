"""pyvmomi rows of bench/vm-run (python3-pyvmomi 6.7.1, Debian's python3).

    python3 pyvmomi_vm.py URL USER PASSWORD cycle VMXPATH N
    python3 pyvmomi_vm.py URL USER PASSWORD snapcycle VMXPATH N
    python3 pyvmomi_vm.py URL USER PASSWORD find N
    python3 pyvmomi_vm.py URL USER PASSWORD guestcopy VMXPATH LOCALFILE N
    python3 pyvmomi_vm.py URL USER PASSWORD guestrun VMXPATH N

A VM cycle: SearchIndex.FindByDatastorePath in the first datacenter, the
power state, PowerOnVM_Task and PowerOffVM_Task each waited for with
pyVim.task.WaitForTask (a property-collector filter and WaitForUpdates).
A listing: a ContainerView of VirtualMachines and one RetrievePropertiesEx
(ContinueRetrievePropertiesEx while there is a token) for
config.files.vmPathName and runtime.powerState: the fast way, not one
round trip per VM.
Guest rows (guest user "guest", password "guestpasswd"): a copy is
fileManager.InitiateFileTransferToGuest, a PUT with http.client streaming
the file (a file object body with its Content-Length, 64 KiB blocks, on an
unverified SSL context), InitiateFileTransferFromGuest and a GET read in
64 KiB chunks into another file, whose size is checked. A run is
processManager.StartProgramInGuest(/bin/true), then ListProcessesInGuest
for its pid until it has an endTime, after 50 ms doubling to 1 s (the
module's backoff).
"""
import http.client
import os
import ssl
import sys
import time
from urllib.parse import urlparse

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl


def status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def main():
    url, user, password, mode = sys.argv[1:5]
    snaps = mode == "snapcycle"
    copy = mode == "guestcopy"
    run = mode == "guestrun"
    cycle = mode in ("cycle", "snapcycle", "guestcopy", "guestrun")
    local = None
    if copy:
        path, local, n = sys.argv[5], sys.argv[6], int(sys.argv[7])
    else:
        path, n = (sys.argv[5], int(sys.argv[6])) if cycle else (None, int(sys.argv[5]))
    u = urlparse(url)
    si = SmartConnect(host=u.hostname, port=u.port or 443, user=user, pwd=password,
                      sslContext=ssl._create_unverified_context())
    content = si.RetrieveContent()
    items = 0

    def vm_cycle():
        dc = content.rootFolder.childEntity[0]
        vm = content.searchIndex.FindByDatastorePath(dc, path)
        if vm.runtime.powerState == "poweredOn":
            raise RuntimeError("VM is already on")
        WaitForTask(vm.PowerOnVM_Task())
        WaitForTask(vm.PowerOffVM_Task())

    snap_vm = None
    if snaps:
        snap_vm = content.searchIndex.FindByDatastorePath(content.rootFolder.childEntity[0], path)

    PC = vmodl.query.PropertyCollector

    def wait(task):
        # pyVim's WaitForTask reads the whole TaskInfo, and the simulator's
        # revert task names the snapshot as its entity, which pyvmomi's type
        # check refuses: read state, error and result only, as the others do.
        spec = PC.FilterSpec(objectSet=[PC.ObjectSpec(obj=task)],
                             propSet=[PC.PropertySpec(type=vim.Task, pathSet=["info.state", "info.error", "info.result"])])
        f = content.propertyCollector.CreateFilter(spec, True)
        state, result, version = None, None, None
        try:
            for _ in range(1000):  # bounded long polls
                upd = content.propertyCollector.WaitForUpdatesEx(version, PC.WaitOptions(maxWaitSeconds=30))
                if upd is None:
                    continue
                version = upd.version
                for fs in upd.filterSet:
                    for o in fs.objectSet:
                        for c in o.changeSet:
                            if c.name == "info.state":
                                state = c.val
                            elif c.name == "info.result":
                                result = c.val
                            elif c.name == "info.error" and c.val is not None:
                                raise c.val
                if state in ("success", "error"):
                    return result
            raise RuntimeError("task did not finish")
        finally:
            f.Destroy()

    def snap_cycle():
        snap = wait(snap_vm.CreateSnapshot_Task(name="bench", description="", memory=False, quiesce=False))
        wait(snap.RevertToSnapshot_Task())
        wait(snap.RemoveSnapshot_Task(removeChildren=False))

    def find_all():
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(
                obj=view, skip=True,
                selectSet=[vmodl.query.PropertyCollector.TraversalSpec(
                    name="v", type=vim.view.ContainerView, path="view", skip=False)])],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(
                type=vim.VirtualMachine, pathSet=["config.files.vmPathName", "runtime.powerState"])])
        pc = content.propertyCollector
        res = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=1000))
        paths = []
        while res is not None:
            for o in res.objects:
                for p in o.propSet:
                    if p.name == "config.files.vmPathName":
                        paths.append(p.val)
            res = pc.ContinueRetrievePropertiesEx(res.token) if res.token else None
        view.Destroy()
        return len(paths)

    xfer_ctx = ssl._create_unverified_context()
    gvm = auth = fm = pm = None
    size, back = 0, None

    def transfer_conn(url):
        t = urlparse(url)
        host = u.hostname if t.hostname == "*" else t.hostname  # "*": the host we are connected to
        conn = http.client.HTTPSConnection(host, t.port or 443, context=xfer_ctx, blocksize=65536)
        return conn, t.path + ("?" + t.query if t.query else "")

    def guest_copy():
        url = fm.InitiateFileTransferToGuest(gvm, auth, "/tmp/bench.bin",
                                             vim.vm.guest.FileManager.PosixFileAttributes(), size, True)
        conn, target = transfer_conn(url)
        with open(local, "rb") as f:
            conn.request("PUT", target, body=f, headers={"Content-Length": str(size),
                                                         "Content-Type": "application/octet-stream"})
            resp = conn.getresponse()
            resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError("PUT: HTTP %d" % resp.status)
        info = fm.InitiateFileTransferFromGuest(gvm, auth, "/tmp/bench.bin")
        conn, target = transfer_conn(info.url)
        conn.request("GET", target)
        resp = conn.getresponse()
        if resp.status != 200:
            raise RuntimeError("GET: HTTP %d" % resp.status)
        with open(back, "wb") as f:
            while True:
                chunk = resp.read(65536)
                if not chunk:
                    break
                f.write(chunk)
        conn.close()
        if info.size != size or os.path.getsize(back) != size:
            raise RuntimeError("the copy back has the wrong size")

    def guest_run():
        pid = pm.StartProgramInGuest(gvm, auth, vim.vm.guest.ProcessManager.ProgramSpec(programPath="/bin/true",
                                                                                       arguments=""))
        delay = 0.05
        for _ in range(1000):  # bounded
            time.sleep(delay)
            ps = pm.ListProcessesInGuest(gvm, auth, [pid])
            if not ps:
                raise RuntimeError("process %d gone" % pid)
            if ps[0].endTime is not None:
                return
            delay = min(delay * 2, 1.0)
        raise RuntimeError("/bin/true did not end")

    rss0 = status_kb("VmRSS")
    if copy or run:  # untimed set-up: the VM, Tools running, the managers
        gvm = content.searchIndex.FindByDatastorePath(content.rootFolder.childEntity[0], path)
        for _ in range(300):
            if gvm.guest.toolsRunningStatus == "guestToolsRunning":
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("VMware Tools not running")
        auth = vim.vm.guest.NamePasswordAuthentication(username="guest", password="guestpasswd",
                                                       interactiveSession=False)
        fm = content.guestOperationsManager.fileManager
        pm = content.guestOperationsManager.processManager
        if copy:
            size = os.path.getsize(local)
            back = local + ".pyvmomi"
    one = snap_cycle if snaps else guest_copy if copy else guest_run if run else vm_cycle
    if cycle and not copy:
        one()
    lat = []
    c0, w0 = time.process_time(), time.monotonic()
    for _ in range(n):
        t = time.monotonic()
        if cycle:
            one()
        else:
            items = find_all()
        lat.append((time.monotonic() - t) * 1e3)
    wall, cpu = time.monotonic() - w0, (time.process_time() - c0) * 1e3
    lat.sort()
    med = lat[n // 2] if n % 2 else (lat[n // 2 - 1] + lat[n // 2]) / 2
    p95 = lat[max(1, -(-95 * n // 100)) - 1]
    name = "snapcycle" if snaps else "guestcopy" if copy else "guestrun" if run else "vmcycle" if cycle else "find"
    extra = " mb_per_s=%.1f" % (2 * size / 1048576 / (med / 1e3)) if copy else ""
    print("RESULT client=pyvmomi mode=%s n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f "
          "items=%d peak_growth_kb=%d%s" % (name, n, med, p95, wall, cpu / n, items, status_kb("VmHWM") - rss0, extra))
    if copy:
        os.unlink(back)
    Disconnect(si)


if __name__ == "__main__":
    main()
