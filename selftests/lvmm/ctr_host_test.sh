#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr on the machine running make check itself (not in the test VM): the
# host's cgroup layout may be hybrid (controllers on v1, an empty v2
# "unified" mount), where ctr must still run containers and name the
# limits it could not apply; on a unified host the limits must apply.
# TAP output. usage: ctr_host_test.sh CTR BUSYBOX
STATE=${TMPDIR:-/tmp}/ctr-host-state.$$
CTR="$(realpath "$1") --root $STATE"
BUSYBOX=$2
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out"; }
expect() { if grep -Eq "$2" "$tmp/out"; then ok "$1"; else notok "$1 (wanted /$2/)"; fi; }

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP ctr needs root here (namespaces, cgroups, pivot_root)"
	exit 0
fi
echo "1..5"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
B=$tmp/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev"
cp "$BUSYBOX" "$B/rootfs/bin/busybox"
for t in sh hostname; do ln -s busybox "$B/rootfs/bin/$t"; done
cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {"args": ["sh", "-c", "hostname"], "cwd": "/", "env": ["PATH=/bin"]},
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "on-host",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}, {"type": "cgroup"}],
    "resources": {"memory": {"limit": 67108864}, "pids": {"limit": 64}}
  }
}
JSON
(cd "$B" && $CTR run host1) >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "a container runs on this host" || notok "a container runs on this host (status $rc)"
expect "its hostname is the config's" '^on-host$'
if grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts; then
	if grep -q 'not applied' "$tmp/out"; then notok "unified host: every limit applied"
	else ok "unified host: every limit applied"; fi
	cat "/sys/fs/cgroup/ctr/host1/memory.max" >"$tmp/out" 2>&1 &&
		notok "unified host: the cgroup is gone after run" || ok "unified host: the cgroup is gone after run"
else
	expect "hybrid host: ctr names the limits it could not apply" 'not applied'
	expect "... memory among them" 'memory'
fi
ls "$STATE" 2>/dev/null >"$tmp/out"
[ -s "$tmp/out" ] && notok "nothing left in the state directory" || ok "nothing left in the state directory"
rmdir "$STATE" 2>/dev/null
[ $failed -eq 0 ]
