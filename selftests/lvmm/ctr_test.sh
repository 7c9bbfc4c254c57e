#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr end to end, inside the test VM (cgroup v2, every namespace): each
# check runs a busybox bundle and looks from inside the container at what
# config.json asked for. TAP output.
CTR="ctr --root /tmp/ctr-state"
n=0 failed=0
tmp=$(mktemp -d)
chmod 755 "$tmp"	# the user namespace test's root is uid 1000 outside
B=$tmp/bundle

cleanup() {
	for id in $($CTR list --format json 2>/dev/null | tr ',' '\n' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'); do
		$CTR delete --force "$id" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# Results are collected and printed after the plan line at the end.
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$tmp/tap"; }
notok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1" >>"$tmp/tap"
	[ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" >>"$tmp/tap"
}
# expect NAME PATTERN: $tmp/out matches the extended regex
expect() { if grep -Eq "$2" "$tmp/out"; then ok "$1"; else notok "$1 (wanted /$2/)"; fi; }
refuse() { if grep -Eq "$2" "$tmp/out"; then notok "$1 (unwanted /$2/)"; else ok "$1"; fi; }

# The cgroup v2 hierarchy, with the controllers ctr uses.
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup

mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/"
for t in sh cat echo hostname id sleep ls grep mkdir uname head tail true wc; do
	ln -s busybox "$B/rootfs/bin/$t"
done

# conf ARGS [LINUX-EXTRA] [PROCESS-EXTRA] [NAMESPACES]: write config.json
conf() {
	ns=${4:-'{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}'}
	cat >"$B/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false, "user": {"uid": 0, "gid": 0},
    "args": [$1],
    "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 321, "soft": 321}],
    "noNewPrivileges": true $3
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "box",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
  ],
  "linux": {
    "namespaces": [$ns],
    "maskedPaths": ["/proc/cmdline", "/proc/kcore"],
    "readonlyPaths": ["/proc/sys"] $2
  }
}
EOF
}

# run ID: ctr run in the bundle, output and status in $tmp/out, $rc
run() { (cd "$B" && $CTR run "$1") >"$tmp/out" 2>&1; rc=$?; echo "(exit status $rc)" >>"$tmp/out"; }

conf '"sh", "-c", "hostname; id; grep -E \"^Cap(Inh|Bnd|Eff)\" /proc/self/status; ulimit -n; cat /proc/mounts; wc -c < /proc/cmdline; echo x > /proc/sys/kernel/hostname || echo ro-sys; echo pid=$$; ls -d /proc/[0-9]* | wc -l"'
run basic
[ $rc -eq 0 ] && ok "run exits 0" || notok "run exits 0 (got $rc)"
expect "hostname from config.json" '^box$'
expect "uid 0 in the container" '^uid=0 gid=0'
expect "inheritable capabilities empty" '^CapInh:[[:space:]]+0000000000000000$'
expect "bounding set as configured" '^CapBnd:[[:space:]]+0000000020000420$'
expect "rlimit NOFILE 321" '^321$'
expect "proc mounted" '^proc /proc proc '
expect "masked /proc/cmdline reads empty" '^0$'
expect "readonly /proc/sys" 'ro-sys'
expect "the workload is pid 1 of its pid namespace" '^pid=1$'
expect "it sees only its own processes (sh, ls, wc)" '^[1-4]$'
refuse "no host mount leaks in" ' /sys/kernel/debug | /selftests '

# Nothing of ctr's leaks in (CVE-2024-21626): fds 0-2 (and ls's own 3), cwd /.
conf '"sh", "-c", "ls /proc/self/fd; pwd; readlink /proc/self/cwd"'
run fds
refuse "no runtime file descriptor leaks in" '^([4-9]|[1-9][0-9]+)$'
expect "working directory is the container's /" '^/$'

# User namespace: root inside is uid 1000 outside.
conf '"cat", "/proc/self/uid_map", "/proc/self/gid_map"' \
	', "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]' '' \
	'{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"user"}'
run userns
[ $rc -eq 0 ] && ok "user namespace container runs" || notok "user namespace container runs (rc $rc)"
expect "uid_map 0 -> 1000" '^ +0 +1000 +1$'

# Seccomp: mkdir gets the configured errno; sethostname kills the process.
SEC=', "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
  {"names": ["sethostname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
conf '"sh", "-c", "mkdir /tmp/d; echo mkdir=$?"' "$SEC"
run sec1
expect "seccomp errno 13 (EACCES) for mkdir" 'Permission denied'
expect "the shell goes on after the denied call" '^mkdir=1$'
conf '"hostname", "other"' "$SEC"
run sec2
[ $rc -eq 159 ] && ok "seccomp kill: sethostname dies of SIGSYS (status 159)" ||
	notok "seccomp kill (status $rc, wanted 159)"

# Memory limit: tail must hold a 64 MB line of zeroes; memory.max is 16 MB.
conf '"sh", "-c", "head -c 67108864 /dev/zero | tail -n 1 >/dev/null && echo survived"' \
	', "resources": {"memory": {"limit": 16777216, "swap": 16777216}}'
run oom
refuse "allocation past memory.max does not survive" 'survived'
expect "ctr reports the OOM kill" 'OOM killer'

# pids.max: 4 processes, the shell tries to start 8 sleeps.
conf '"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 3 & done 2>&1; wait"' \
	', "resources": {"pids": {"limit": 4}}'
run pids
expect "pids.max stops forks" "can't fork|Resource temporarily unavailable"

# Lifecycle and pause through ctr state.
conf '"sleep", "100"'
(cd "$B" && $CTR create life) >"$tmp/out" 2>&1
$CTR state life >"$tmp/out" 2>&1
expect "state after create: created" '"status":"created"'
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$tmp/out")
readlink "/proc/$pid/exe" >"$tmp/out" 2>&1
expect "the waiting process runs from a sealed memfd, not the ctr binary" 'memfd:ctr'
$CTR start life
$CTR state life >"$tmp/out" 2>&1
expect "state after start: running" '"status":"running"'
$CTR pause life
$CTR state life >"$tmp/out" 2>&1
expect "state after pause: paused" '"status":"paused"'
cat /sys/fs/cgroup/ctr/life/cgroup.events >"$tmp/out" 2>&1
expect "the cgroup is frozen" '^frozen 1$'
$CTR resume life
$CTR state life >"$tmp/out" 2>&1
expect "state after resume: running" '"status":"running"'
$CTR kill life KILL
sleep 1
$CTR state life >"$tmp/out" 2>&1
expect "state after kill: stopped" '"status":"stopped"'
$CTR delete life >"$tmp/out" 2>&1 && ok "delete a stopped container" || notok "delete a stopped container"

# Error paths: one line, nothing left behind.
leftovers() {
	ls /tmp/ctr-state 2>/dev/null
	ls -d /sys/fs/cgroup/ctr/*/ 2>/dev/null
	cat /proc/[0-9]*/comm 2>/dev/null | grep '^sleep$'
}
conf '"sleep", "100"'
(cd "$B" && $CTR create dup) >/dev/null 2>&1
(cd "$B" && $CTR create dup) >"$tmp/out" 2>&1
expect "duplicate id refused" 'already exists'
$CTR delete --force dup >/dev/null 2>&1
echo '{"ociVersion": ' >"$B/config.json"
run bad1
expect "malformed config.json named" 'not readable as JSON'
conf '"true"'
sed -i 's/"path": "rootfs"/"path": "missing"/' "$B/config.json"
run bad2
expect "missing rootfs named" 'rootfs .*missing does not exist'
conf '"true"' '' '' '{"type":"mount"},{"type":"bogus"}'
run bad3
expect "unknown namespace type named" 'unknown namespace type "bogus"'
conf '"/bin/nosuchprogram"'
run bad4
expect "missing binary named" 'nosuchprogram'
leftovers >"$tmp/out"
[ -s "$tmp/out" ] && notok "errors leave no state, cgroup or process behind" ||
	ok "errors leave no state, cgroup or process behind"

echo "1..$n"
cat "$tmp/tap"
[ $failed -eq 0 ]
