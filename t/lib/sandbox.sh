#!/usr/bin/env bash
# Runs "$@" hermetically. Meant to be started as `unshare -rnm bash sandbox.sh CMD...`
# (new user, network and mount namespaces), so that:
#   - the only network is a fresh loopback interface (no traffic can leave);
#   - name lookups only read a private /etc/hosts (localhost, viserver and
#     sim.test -> 127.0.0.1; localhost, ip6-localhost -> ::1), never DNS.
# Exits non-zero with a one-line reason if any step fails.
set -euo pipefail

fail() { echo "sandbox.sh: $*" >&2; exit 97; }

(( $# > 0 )) || fail "no command given"

# Refuse to touch the real /etc: the bind mounts below are harmless only in
# a mount namespace of our own. The identity uid_map "0 0 4294967295" means
# the initial user namespace, i.e. not under unshare -r. unshare execs us in
# place, so our parent is still outside: its mount namespace link is
# unreadable from a new user namespace, and must differ from ours if readable.
own_ns=$(readlink /proc/self/ns/mnt 2>/dev/null || true)
parent_ns=$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null || true)
uid_map=$(tr -s ' \t' ' ' </proc/self/uid_map 2>/dev/null || true)
if [[ -z "$own_ns" || "$own_ns" == "$parent_ns" || -z "$uid_map" ||
      "$uid_map" =~ ^\ ?0\ 0\ 4294967295 ]]; then
    fail "not in private user+mount namespaces (run under unshare -rnm)"
fi

ipcmd=$(command -v ip || true)
for c in /usr/sbin/ip /sbin/ip; do [[ -n "$ipcmd" ]] && break; [[ -x "$c" ]] && ipcmd=$c; done
[[ -n "$ipcmd" ]] || fail "the ip command (iproute2) is not installed"
"$ipcmd" link set lo up || fail "cannot bring up lo"

# The files are unlinked right after the bind mounts: the mounts keep the
# inodes alive, and nothing is left behind in TMPDIR when the command ends.
dir=$(mktemp -d "${TMPDIR:-/tmp}/vix-sandbox.XXXXXX") || fail "mktemp failed"
printf '127.0.0.1 localhost viserver sim.test\n::1 localhost ip6-localhost\n' >"$dir/hosts"
printf 'hosts: files\n' >"$dir/nsswitch.conf"
mount --bind "$dir/hosts" /etc/hosts || { rm -rf "$dir"; fail "cannot bind-mount /etc/hosts"; }
mount --bind "$dir/nsswitch.conf" /etc/nsswitch.conf || { rm -rf "$dir"; fail "cannot bind-mount /etc/nsswitch.conf"; }
rm -rf "$dir"

export VIX_TEST_SANDBOXED=1
exec "$@"
