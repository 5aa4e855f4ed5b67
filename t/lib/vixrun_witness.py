"""Independent witness of the simulator's state for t/80-vixrun.t (pyvmomi).

Usage: WITNESS_PASSWORD=... python3 vixrun_witness.py URL USER
Prints one JSON object:
  {"datastores": [{"name": ..., "url": ...}],
   "vms": [{"path": "[ds] dir/x.vmx", "name": ..., "power": "poweredOn",
            "tools": "guestToolsRunning", "ip": "guest.ipAddress or \"\"", "template": false,
            "snapshots": [{"name": ..., "children": [...]}],
            "current": "name of the current snapshot" or null,
            "guestinfo": {"guestinfo.key": "value"}}]}
"""
import json
import os
import ssl
import sys
from urllib.parse import urlparse

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim


def tree(snaps):
    return [{"name": s.name, "children": tree(s.childSnapshotList or [])} for s in snaps or []]


def main():
    url, user = sys.argv[1], sys.argv[2]
    u = urlparse(url)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    si = SmartConnect(host=u.hostname, port=u.port or 443, user=user,
                      pwd=os.environ["WITNESS_PASSWORD"], sslContext=ctx)
    try:
        content = si.RetrieveContent()
        out = {"datastores": [], "vms": []}
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.Datastore], True)
        for ds in view.view:
            out["datastores"].append({"name": ds.name, "url": ds.summary.url})
        view.Destroy()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        for vm in view.view:
            cfg = vm.config
            snap = vm.snapshot
            current = None
            if snap is not None and snap.currentSnapshot is not None:
                def find(nodes):
                    for n in nodes or []:
                        if n.snapshot == snap.currentSnapshot:
                            return n.name
                        r = find(n.childSnapshotList)
                        if r:
                            return r
                    return None
                current = find(snap.rootSnapshotList)
            out["vms"].append({
                "path": cfg.files.vmPathName if cfg else None,
                "name": vm.name,
                "power": str(vm.runtime.powerState),
                "tools": str(vm.guest.toolsRunningStatus) if vm.guest else None,
                "ip": (vm.guest.ipAddress or "") if vm.guest else "",
                "template": bool(cfg.template) if cfg else False,
                "snapshots": tree(snap.rootSnapshotList) if snap else [],
                "current": current,
                "guestinfo": {o.key: str(o.value) for o in (cfg.extraConfig if cfg else [])
                              if o.key.startswith("guestinfo.")},
            })
        view.Destroy()
        print(json.dumps(out))
    finally:
        Disconnect(si)


if __name__ == "__main__":
    main()
