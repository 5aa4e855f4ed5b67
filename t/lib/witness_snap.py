#!/usr/bin/python3
"""Independent witness for the snapshot and VM-variable tests: pyvmomi
(Debian's python3-pyvmomi) looks at the server's state without our module.

  witness_snap.py URL USER tree VMXPATH        name<TAB>depth<TAB>current(0|1), depth first
  witness_snap.py URL USER get VMXPATH KEY     the last value of extraConfig KEY; exit 3 if unset
  witness_snap.py URL USER set VMXPATH KEY VAL ReconfigVM_Task extraConfig KEY=VAL
  witness_snap.py URL USER path NAME           vmPathName of the VM named NAME; exit 3 if none
  witness_snap.py URL USER ip VMXPATH          guest.ipAddress ("" when none)

The password comes from the environment (VCSIM_PASSWORD), never argv.
"""
import os
import ssl
import sys
import time
from urllib.parse import urlparse

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim


def vms(si):
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
    try:
        return list(view.view)
    finally:
        view.Destroy()


def vm_at(si, vmx):
    for vm in vms(si):
        if vm.config and vm.config.files.vmPathName == vmx:
            return vm
    sys.exit("no VM at %s" % vmx)


def wait(task):
    deadline = time.time() + 60
    while task.info.state not in ("success", "error"):
        if time.time() > deadline:
            sys.exit("task timed out")
        time.sleep(0.05)
    if task.info.state == "error":
        sys.exit("task failed: %s" % task.info.error)


def main():
    url, user, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    u = urlparse(url)
    si = SmartConnect(host=u.hostname, port=u.port or 443, user=user, pwd=os.environ["VCSIM_PASSWORD"],
                      sslContext=ssl._create_unverified_context())
    try:
        if cmd == "tree":
            vm = vm_at(si, args[0])
            info = vm.snapshot
            current = info.currentSnapshot if info else None

            def walk(nodes, depth):
                for n in nodes:
                    print("%s\t%d\t%d" % (n.name, depth, 1 if current is not None and n.snapshot == current else 0))
                    walk(n.childSnapshotList, depth + 1)

            walk(info.rootSnapshotList if info else [], 0)
        elif cmd == "get":
            vm = vm_at(si, args[0])
            values = [o.value for o in vm.config.extraConfig if o.key == args[1]]
            if not values:
                return 3
            sys.stdout.write(str(values[-1]))
        elif cmd == "set":
            vm = vm_at(si, args[0])
            spec = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key=args[1], value=args[2])])
            wait(vm.ReconfigVM_Task(spec))
        elif cmd == "ip":
            vm = vm_at(si, args[0])
            sys.stdout.write((vm.guest.ipAddress or "") if vm.guest else "")
        elif cmd == "path":
            for vm in vms(si):
                if vm.name == args[0]:
                    print(vm.config.files.vmPathName)
                    return 0
            return 3
        else:
            sys.exit("unknown command " + cmd)
    finally:
        Disconnect(si)
    return 0


if __name__ == "__main__":
    sys.exit(main())
