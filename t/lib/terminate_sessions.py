#!/usr/bin/python3
"""Ends every session on a vSphere server except its own, as an administrator
would (SessionManager.TerminateSession), from a client independent of this
module (pyvmomi). Usage: terminate_sessions.py URL USER PASSWORD.
Prints the number of sessions terminated."""
import ssl
import sys
from urllib.parse import urlsplit

from pyVim import connect as pc
from pyVmomi import vim

url, user, pwd = sys.argv[1:4]
u = urlsplit(url)
si = pc.Connect(host=u.hostname, port=u.port, user=user, pwd=pwd, path=u.path or "/sdk",
                sslContext=ssl._create_unverified_context())
sm = si.content.sessionManager
mine = sm.currentSession.key
others = [s.key for s in sm.sessionList if s.key != mine]
n = 0
for key in others:
    try:
        sm.TerminateSession([key])
        n += 1
    except vim.fault.NotFound:
        pass
pc.Disconnect(si)
print(n)
