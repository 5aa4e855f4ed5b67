#!/usr/bin/python3
"""Checks -idle-timeout: the server closes an idle keep-alive connection.

    check_idle.py URL IDLE_SECONDS

Prints "ok - ..." or "not ok - ..." lines and exits non-zero on failure.
"""
import http.client
import ssl
import sys
import time
import urllib.parse

u = urllib.parse.urlparse(sys.argv[1])
idle = float(sys.argv[2])
ctx = ssl._create_unverified_context()
c = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=10)
failed = 0
c.request("GET", "/about")
r = c.getresponse()
r.read()
ok1 = r.status == 200 and not r.will_close
print("%s - keep-alive request answered" % ("ok" if ok1 else "not ok"))
c.request("GET", "/about")  # still open before the idle timeout
r = c.getresponse()
r.read()
time.sleep(idle * 2 + 0.5)
c.sock.settimeout(5)
closed = False
try:
    closed = c.sock.recv(1) == b""
except (ssl.SSLError, OSError):
    closed = True
print("%s - the server closed the idle connection" % ("ok" if closed else "not ok"))
sys.exit(0 if ok1 and closed else 1)
