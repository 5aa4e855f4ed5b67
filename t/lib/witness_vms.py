#!/usr/bin/python3
# Independent witness for the VM tests: reads and changes server state with
# pyvmomi, a client that shares no code with the module under test.
#
#   VIX_WITNESS_URL=https://127.0.0.1:PORT/sdk VIX_WITNESS_USER=root \
#   VIX_WITNESS_PASSWORD=... witness_vms.py COMMAND [ARG]
#
# Commands (output is UTF-8 text, one record per line, fields TAB-separated):
#   list                 vmPathName  powerState   (every VM, sorted)
#   datastores           name  url               (local directory of each)
#   props PATH           name numCPU memoryMB guestId template vmPathName
#   poweroff|poweron|suspend|destroy|unregister PATH
#                        changes the VM behind the module's back, waits for
#                        the task; prints "ok"
# Exit status 2 when PATH names no VM. Every call is bounded by a 30 s
# socket timeout.
import os
import socket
import ssl
import sys
import time

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim


def connect():
    url = os.environ["VIX_WITNESS_URL"]
    rest = url.split("://", 1)[1]
    hostport = rest.split("/", 1)[0]
    if hostport.startswith("["):
        host, _, port = hostport[1:].partition("]:")
    else:
        host, _, port = hostport.partition(":")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    socket.setdefaulttimeout(30)
    return SmartConnect(host=host, port=int(port or 443), user=os.environ["VIX_WITNESS_USER"],
                        pwd=os.environ["VIX_WITNESS_PASSWORD"], sslContext=ctx)


def all_vms(si):
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    try:
        return list(view.view)
    finally:
        view.Destroy()


def vm_path(vm):
    cfg = vm.config
    return cfg.files.vmPathName if cfg and cfg.files else None


def find(si, path):
    for vm in all_vms(si):
        if vm_path(vm) == path:
            return vm
    sys.stderr.write("no VM at %s\n" % path)
    sys.exit(2)


def wait(task):
    deadline = time.time() + 30
    while task.info.state not in ("success", "error"):
        if time.time() > deadline:
            raise SystemExit("task did not finish in 30 s")
        time.sleep(0.02)
    if task.info.state == "error":
        raise SystemExit("task failed: %s" % task.info.error)


def main():
    cmd = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else None
    si = connect()
    out = []
    try:
        if cmd == "list":
            rows = []
            for vm in all_vms(si):
                p = vm_path(vm)
                if p:
                    rows.append("%s\t%s" % (p, vm.runtime.powerState))
            out = sorted(rows)
        elif cmd == "datastores":
            content = si.RetrieveContent()
            view = content.viewManager.CreateContainerView(content.rootFolder, [vim.Datastore], True)
            out = sorted("%s\t%s" % (d.name, d.summary.url) for d in view.view)
            view.Destroy()
        elif cmd == "props":
            vm = find(si, arg)
            c = vm.config
            out = ["\t".join(str(x) for x in (vm.name, c.hardware.numCPU, c.hardware.memoryMB,
                                                c.guestId or "", 1 if c.template else 0,
                                                c.files.vmPathName))]
        elif cmd in ("poweroff", "poweron", "suspend", "destroy"):
            vm = find(si, arg)
            wait({"poweroff": vm.PowerOffVM_Task, "poweron": vm.PowerOnVM_Task,
                  "suspend": vm.SuspendVM_Task, "destroy": vm.Destroy_Task}[cmd]())
            out = ["ok"]
        elif cmd == "unregister":
            find(si, arg).UnregisterVM()
            out = ["ok"]
        else:
            raise SystemExit("unknown command %s" % cmd)
    finally:
        Disconnect(si)
    for line in out:
        sys.stdout.buffer.write(line.encode("utf-8") + b"\n")


if __name__ == "__main__":
    main()
