#!/usr/bin/python3
"""pyvmomi peer for bench/run.

    pyvmomi_client.py connect|smart URL USER PASSWORD N [hold]

One cycle = pyVim.connect.Connect (or SmartConnect) then Disconnect, then the
stub's pooled keep-alive connection is dropped (Disconnect only logs out and
leaves the socket to the garbage collector).  Run with Debian's
/usr/bin/python3: that is where python3-pyvmomi is installed.
"""
import resource
import ssl
import sys
import time
from urllib.parse import urlsplit

from pyVim import connect as pc


def cpu_ms():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return (ru.ru_utime + ru.ru_stime) * 1e3


def vmrss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    if len(sys.argv) < 6:
        sys.exit("usage: pyvmomi_client.py connect|smart URL USER PASSWORD N [hold]")
    kind, url, user, pwd, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    hold = len(sys.argv) > 6 and sys.argv[6] == "hold"
    u = urlsplit(url)
    # pyvmomi 6.7.1 has no disableSslCertValidation; an unverified context is its way.
    ctx = ssl._create_unverified_context()
    # pyvmomi 6.7.1's Connect() takes host and port but no protocol; SmartConnect
    # takes protocol too.  Both login with Login(user, pwd) after RetrieveContent.
    if kind == "connect":
        def login():
            return pc.Connect(host=u.hostname, port=u.port, user=user, pwd=pwd,
                              path=u.path or "/sdk", sslContext=ctx)
    elif kind == "smart":
        def login():
            return pc.SmartConnect(protocol="https", host=u.hostname, port=u.port, user=user,
                                   pwd=pwd, path=u.path or "/sdk", sslContext=ctx)
    else:
        sys.exit("unknown kind " + kind)
    name = "pyvmomi-" + kind

    def logout(si):
        # Disconnect() calls RetrieveContent again before Logout (one more
        # round trip than the floor), and swallows every error, so a failed Logout would go
        # unnoticed here; bench/run's session leak check catches that.
        pc.Disconnect(si)
        si._stub.DropConnections()

    # One untimed warm-up cycle: first use loads pyVmomi's type tables.
    logout(login())

    if not hold:
        lat = []
        c0, w0 = cpu_ms(), time.perf_counter()
        for _ in range(n):
            t = time.perf_counter()
            logout(login())
            lat.append((time.perf_counter() - t) * 1e3)
        wall, cpu = time.perf_counter() - w0, cpu_ms() - c0
        lat.sort()
        med = lat[n // 2] if n % 2 else (lat[n // 2 - 1] + lat[n // 2]) / 2
        p95 = lat[max(1, -(-95 * n // 100)) - 1]  # nearest rank
        print("RESULT client=%s mode=cycle n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f"
              % (name, n, med, p95, wall, cpu / n))
    else:
        before = vmrss_kb()
        sis = [login() for _ in range(n)]
        after = vmrss_kb()
        for si in sis:
            logout(si)
        print("RESULT client=%s mode=hold n=%d rss_before_kb=%d rss_after_kb=%d rss_kb_per_session=%.1f"
              % (name, n, before, after, (after - before) / n))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line for bench/run's table, not a traceback
        msg = getattr(e, "msg", None) or str(e) or repr(e)
        sys.exit("pyvmomi: %s: %s" % (type(e).__name__, " ".join(str(msg).split())))
