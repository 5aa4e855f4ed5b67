"""pyvmomi rows of bench/vm-run (python3-pyvmomi 6.7.1, Debian's python3).

    python3 pyvmomi_vm.py URL USER PASSWORD cycle VMXPATH N
    python3 pyvmomi_vm.py URL USER PASSWORD find N

A VM cycle: SearchIndex.FindByDatastorePath in the first datacenter, the
power state, PowerOnVM_Task and PowerOffVM_Task each waited for with
pyVim.task.WaitForTask (a property-collector filter and WaitForUpdates).
A listing: a ContainerView of VirtualMachines and one RetrievePropertiesEx
(ContinueRetrievePropertiesEx while there is a token) for
config.files.vmPathName and runtime.powerState: the fast way, not one
round trip per VM.
"""
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
    cycle = mode == "cycle"
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

    rss0 = status_kb("VmRSS")
    if cycle:
        vm_cycle()
    lat = []
    c0, w0 = time.process_time(), time.monotonic()
    for _ in range(n):
        t = time.monotonic()
        if cycle:
            vm_cycle()
        else:
            items = find_all()
        lat.append((time.monotonic() - t) * 1e3)
    wall, cpu = time.monotonic() - w0, (time.process_time() - c0) * 1e3
    lat.sort()
    med = lat[n // 2] if n % 2 else (lat[n // 2 - 1] + lat[n // 2]) / 2
    p95 = lat[max(1, -(-95 * n // 100)) - 1]
    print("RESULT client=pyvmomi mode=%s n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f "
          "items=%d peak_growth_kb=%d" % ("vmcycle" if cycle else "find", n, med, p95, wall, cpu / n, items,
                                          status_kb("VmHWM") - rss0))
    Disconnect(si)


if __name__ == "__main__":
    main()
