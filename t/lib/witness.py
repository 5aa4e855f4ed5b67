#!/usr/bin/python3
"""Independent witness of the simulator's state, for the tests: a second
vSphere client (pyvmomi, python3-pyvmomi), not our module.

Usage:

    witness.py --url URL [--user U] [--password P | --password-env NAME] COMMAND [ARGS...]

    vms                         one line per VM: vmPathName, powerState, name
    snapshots VMX               one line per snapshot, depth first: the name
                                path from the root ("a/b/c"), the snapshot's
                                power state, "current" or "-"
    extraconfig VMX KEY         the value of config.extraConfig[KEY] (no line
                                when unset; the last one when repeated)
    set-extraconfig VMX KEY VAL ReconfigVM_Task with that extraConfig entry
    tools VMX                   guest.toolsRunningStatus, guest.toolsStatus
    power VMX on|off|suspend|reset
                                the power task; waits for it
    expire-sessions             TerminateSession on every session but the
                                witness's own; one line per session ended:
                                userName, userAgent

VMX is the VM's vmPathName exactly ("[LocalDS_0] vm/vm.vmx"). Output lines
are tab-separated, in a stable order (vms: by vmPathName). The witness logs
in as URL's server user (default root/rootpasswd), logs out at the end, and
is told apart by its User-Agent, which starts with "pyvmomi". Exit status:
0 on success, 1 on a vSphere fault or a VM that is not found (one line on
stderr), 2 on bad usage.
"""
import argparse
import os
import ssl
import sys
import time
import urllib.parse

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim


def clean(s):
    return str(s if s is not None else "").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def wait_task(task, timeout=120):
    end = time.time() + timeout
    while task.info.state in ("queued", "running"):
        if time.time() > end:
            raise RuntimeError("task %s timed out" % task.info.key)
        time.sleep(0.05)
    if task.info.state == "error":
        raise task.info.error
    return task.info.result


def all_vms(content):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    try:
        pc = content.propertyCollector
        spec = vim.PropertyCollector.FilterSpec(
            objectSet=[vim.PropertyCollector.ObjectSpec(
                obj=view, skip=True,
                selectSet=[vim.PropertyCollector.TraversalSpec(type=vim.view.ContainerView, path="view")])],
            propSet=[vim.PropertyCollector.PropertySpec(
                type=vim.VirtualMachine, pathSet=["name", "config.files.vmPathName", "runtime.powerState"])])
        out = []
        res = pc.RetrievePropertiesEx([spec], vim.PropertyCollector.RetrieveOptions())
        for _ in range(100000):
            if res is None:
                break
            for oc in res.objects:
                props = {p.name: p.val for p in oc.propSet}
                out.append((oc.obj, props))
            if not res.token:
                break
            res = pc.ContinueRetrievePropertiesEx(res.token)
        return out
    finally:
        view.DestroyView()


def find_vm(content, vmx):
    for obj, props in all_vms(content):
        if props.get("config.files.vmPathName") == vmx:
            return obj
    raise LookupError("no VM with vmPathName %s" % vmx)


def walk(tree, prefix, current, out):
    for node in tree or []:
        name = prefix + node.name
        out.append("%s\t%s\t%s" % (clean(name), node.state, "current" if node.snapshot == current else "-"))
        walk(node.childSnapshotList, name + "/", current, out)


def main(argv):
    ap = argparse.ArgumentParser(description="vSphere witness", add_help=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", default="root")
    ap.add_argument("--password", default="rootpasswd")
    ap.add_argument("--password-env")
    ap.add_argument("command")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args(argv)
    pw = a.password
    if a.password_env:
        if a.password_env not in os.environ:
            print("witness: %s is not set" % a.password_env, file=sys.stderr)
            return 2
        pw = os.environ[a.password_env]
    nargs = {"vms": 0, "snapshots": 1, "extraconfig": 2, "set-extraconfig": 3, "tools": 1,
             "power": 2, "expire-sessions": 0}
    if a.command not in nargs or len(a.args) != nargs[a.command]:
        print("witness: usage: see the top of %s" % __file__, file=sys.stderr)
        return 2

    u = urllib.parse.urlparse(a.url)
    si = SmartConnect(host=u.hostname, port=u.port or 443, user=a.user, pwd=pw,
                      sslContext=ssl._create_unverified_context())
    out = []
    try:
        content = si.RetrieveContent()
        cmd, args = a.command, a.args
        if cmd == "vms":
            rows = [(p.get("config.files.vmPathName"), p.get("runtime.powerState"), p.get("name"))
                    for _, p in all_vms(content) if p.get("config.files.vmPathName")]
            for path, state, name in sorted(rows):
                out.append("%s\t%s\t%s" % (clean(path), state, clean(name)))
        elif cmd == "snapshots":
            vm = find_vm(content, args[0])
            if vm.snapshot:
                walk(vm.snapshot.rootSnapshotList, "", vm.snapshot.currentSnapshot, out)
        elif cmd == "extraconfig":
            vm = find_vm(content, args[0])
            val = None
            for o in vm.config.extraConfig or []:
                if o.key == args[1]:
                    val = o.value
            if val is not None:
                out.append(clean(val))
        elif cmd == "set-extraconfig":
            vm = find_vm(content, args[0])
            spec = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key=args[1], value=args[2])])
            wait_task(vm.ReconfigVM_Task(spec))
        elif cmd == "tools":
            vm = find_vm(content, args[0])
            out.append("%s\t%s" % (vm.guest.toolsRunningStatus, vm.guest.toolsStatus))
        elif cmd == "power":
            vm = find_vm(content, args[0])
            op = {"on": vm.PowerOnVM_Task, "off": vm.PowerOffVM_Task,
                  "suspend": vm.SuspendVM_Task, "reset": vm.ResetVM_Task}.get(args[1])
            if op is None:
                print("witness: power on|off|suspend|reset", file=sys.stderr)
                return 2
            wait_task(op())
        elif cmd == "expire-sessions":
            sm = content.sessionManager
            own = sm.currentSession.key
            for s in sorted(sm.sessionList, key=lambda s: (s.userName, s.userAgent or "", s.key)):
                if s.key == own:
                    continue
                try:
                    sm.TerminateSession([s.key])
                except vim.fault.NotFound:
                    continue  # ended meanwhile
                out.append("%s\t%s" % (clean(s.userName), clean(s.userAgent)))
    except (vim.fault.VimFault, vim.MethodFault, LookupError, RuntimeError) as e:
        print("witness: %s: %s" % (type(e).__name__, clean(getattr(e, "msg", None) or e)), file=sys.stderr)
        return 1
    finally:
        try:
            Disconnect(si)
        except Exception:  # noqa: BLE001 - the session may be gone already
            pass
    for line in out:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
