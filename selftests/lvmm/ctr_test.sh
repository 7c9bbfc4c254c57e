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
PTY=$(cd "$(dirname "$0")" && pwd)/pty_drive

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
for t in sh cat echo hostname id sleep ls grep mkdir uname head tail true wc mknod kill tty readlink env; do
	ln -s busybox "$B/rootfs/bin/$t"
done

# conf ARGS [LINUX-EXTRA] [PROCESS-EXTRA] [NAMESPACES]: write config.json;
# $TERMINAL, $CAPS, $EXTRA_MOUNTS and $EXTRA_TOP (top-level keys) change it.
conf() {
	caps=${CAPS:-'"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"'}
	ns=${4:-'{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}'}
	cat >"$B/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": ${TERMINAL:-false}, "user": {"uid": 0, "gid": 0},
    "args": [$1],
    "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {
      "bounding": [$caps],
      "effective": [$caps],
      "permitted": [$caps]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 321, "soft": 321}],
    "noNewPrivileges": true $3
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "box", $EXTRA_TOP
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
    $EXTRA_MOUNTS
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

# linux.cgroupsPath: the limits land in that group, below ctr's parent
# cgroup (the root here), cpu.shares converted as runc does; delete
# removes the group.
conf '"sleep", "100"' ', "cgroupsPath": "/ctr-test/limited", "resources": {"pids": {"limit": 9}, "cpu": {"shares": 1024}}'
(cd "$B" && $CTR run --detach cgpath) >"$tmp/out" 2>&1
{ cat /sys/fs/cgroup/ctr-test/limited/pids.max; cat /sys/fs/cgroup/ctr-test/limited/cpu.weight; } >>"$tmp/out" 2>&1
expect "cgroupsPath: pids.max is set in the named group" '^9$'
expect "cgroupsPath: cpu.shares 1024 is cpu.weight 39" '^39$'
$CTR delete --force cgpath >"$tmp/out" 2>&1
[ -d /sys/fs/cgroup/ctr-test/limited ] && notok "delete removes the named group" || ok "delete removes the named group"
rmdir /sys/fs/cgroup/ctr-test 2>/dev/null

# exec: a second process joins every namespace and the cgroup.
DEVPTS=', {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666", "mode=0620"]}'
EXTRA_MOUNTS=$DEVPTS
conf '"sleep", "100"'
unset EXTRA_MOUNTS
(cd "$B" && $CTR run --detach ex) >"$tmp/out" 2>&1
$CTR exec ex sh -c 'echo pid=$$; hostname; cat /proc/self/cgroup; ls -d /proc/[0-9]* | wc -l' >"$tmp/out" 2>&1
expect "exec: in the container's uts namespace" '^box$'
expect "exec: in its pid namespace (not pid 1)" '^pid=[2-9]$'
expect "exec: in its cgroup namespace, at its root" '^0::/$'
$CTR exec --env FOO=bar --cwd /proc --user 1000:1000 ex sh -c 'echo foo=$FOO; pwd; id; exit 5' >"$tmp/out" 2>&1
echo "(exit status $?)" >>"$tmp/out"
expect "exec --env" '^foo=bar$'
expect "exec --cwd" '^/proc$'
expect "exec --user" '^uid=1000 gid=1000'
expect "exec passes the exit status on" '^\(exit status 5\)$'
echo '{"args": ["sh", "-c", "echo from-json $X"], "env": ["X=1", "PATH=/bin"], "cwd": "/"}' >"$tmp/process.json"
$CTR exec --process "$tmp/process.json" ex >"$tmp/out" 2>&1
expect "exec --process process.json" '^from-json 1$'
$CTR exec -d --pid-file "$tmp/exec.pid" ex sleep 30 >"$tmp/out" 2>&1
# ps --format json: the pids of the container's cgroup, as runc prints them
$CTR ps --format json ex >"$tmp/out" 2>&1
expect "a detached exec process is in the container's cgroup (ctr ps)" "[[,]$(cat "$tmp/exec.pid" 2>/dev/null || echo none)[],]"
$CTR exec ex /nosuchprogram >"$tmp/out" 2>&1
expect "exec of a missing program: one line naming it" 'exec: .*nosuchprogram'
$PTY --input 'tty; exit 4\n' -- $CTR exec --tty ex sh >"$tmp/out" 2>&1
echo "(exit status $?)" >>"$tmp/out"
expect "exec --tty: the shell has a pty" '^/dev/pts/[0-9]+'
expect "exec --tty: exit status through the pty relay" '^\(exit status 4\)$'
$CTR delete --force ex

# process.terminal: a foreground run relays the pty; --console-socket hands it over.
TERMINAL=true EXTRA_MOUNTS=$DEVPTS
conf '"sh"'
unset TERMINAL EXTRA_MOUNTS
(cd "$B" && $PTY --input 'tty; echo $((6*7)); exit 3\n' -- $CTR run tty1) >"$tmp/out" 2>&1
echo "(exit status $?)" >>"$tmp/out"
expect "terminal: the shell's stdin is a pty in the container" '^/dev/pts/0'
expect "terminal: typed input reaches the shell" '^42'
expect "terminal: run exits with the shell's status" '^\(exit status 3\)$'
$PTY --listen "$tmp/console.sock" --input 'echo $((7*7)); exit\n' >"$tmp/console.out" 2>&1 &
cpid=$!
i=0; while [ ! -S "$tmp/console.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
(cd "$B" && $CTR create --console-socket "$tmp/console.sock" tty2 && $CTR start tty2) >"$tmp/out" 2>&1
wait $cpid
cat "$tmp/console.out" >>"$tmp/out"
expect "--console-socket receives the pty master" '^49'
$CTR delete --force tty2 >/dev/null 2>&1
(cd "$B" && $CTR create tty3) >"$tmp/out" 2>&1
expect "terminal without --console-socket for create is refused" 'pass --console-socket'

# Devices: linux.devices nodes, and the device policy of linux.resources.devices.
# The container's /dev is a tmpfs without nodev, so mknod'ed nodes open
# there; /dev/kmsg takes writes without privileges; an unattached tun
# fails its read (EBADFD or EIO, by kernel), or the open with ENODEV when
# tun is a module not loaded: each means the device policy let it through.
PASSED='File descriptor in bad state|Input/output error|No such device'
MKNOD='"CAP_MKNOD", "CAP_AUDIT_WRITE"'
CAPS=$MKNOD
conf '"sh", "-c", "head -c1 /dev/net/tun; mknod /dev/tun2 c 10 200 && head -c1 /dev/tun2; mknod /dev/kmsg2 c 1 11 && echo ctr-test >/dev/kmsg2; echo kmsg=$?; ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty | wc -l"' \
	', "devices": [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438}]'
run dev1
expect "linux.devices: /dev/net/tun created and passes the policy" "head: /dev/net/tun: ($PASSED)"
expect "a listed device is allowed when made again by mknod" "head: /dev/tun2: ($PASSED)"
expect "device policy: an unlisted device cannot be opened" "can't create /dev/kmsg2: Operation not permitted"
expect "the default device set is there" '^6$'
conf '"sh", "-c", "mknod /dev/tun2 c 10 200 && head -c1 /dev/tun2; mknod /dev/kmsg2 c 1 11 && echo ctr-test >/dev/kmsg2; echo kmsg=$?; head -c1 /dev/kmsg2; echo read=$?"' \
	', "resources": {"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]}'
run dev2
unset CAPS
expect "device policy: an allow rule lets the device be written" '^kmsg=0$'
expect "device policy: ... but only with the access it grants (no read)" "head: /dev/kmsg2: Operation not permitted"
expect "device policy: the tun device, not allowed now, is refused" 'head: /dev/tun2: Operation not permitted'

# Hooks: order, state on stdin, and the namespace each runs in.
HOOK='{"path": "/bin/sh", "args": ["sh", "-c", "echo $0 $(cat) $(readlink /proc/self/ns/mnt) >> '"$tmp"'/hooks.log"'
EXTRA_TOP='"hooks": {
    "createRuntime": ['"$HOOK"', "createRuntime"]}],
    "createContainer": ['"$HOOK"', "createContainer"]}],
    "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "echo startContainer $(hostname) > /tmp/started"]}],
    "poststart": ['"$HOOK"', "poststart"]}],
    "poststop": ['"$HOOK"', "poststop"]}]
  },'
conf '"sh", "-c", "cat /tmp/started"'
unset EXTRA_TOP
rm -f "$tmp/hooks.log"
run hooks
hostmnt=$(readlink /proc/self/ns/mnt | sed 's/[][]/\\&/g')	# as a regex
cat "$tmp/hooks.log" >>"$tmp/out"
expect "startContainer runs in the container before the program" '^startContainer box$'
expect "createRuntime: runtime namespace, state creating" '^createRuntime .*"status":"creating".* '"$hostmnt"'$'
expect "createContainer: container mount namespace, state creating" '^createContainer .*"status":"creating".* mnt:\[[0-9]+\]$'
refuse "createContainer does not run in the host's mount namespace" "^createContainer .* $hostmnt\$"
expect "poststop: state stopped" '^poststop .*"status":"stopped"'
grep -o '^[a-zA-Z]*' "$tmp/hooks.log" | tr '\n' ' ' >"$tmp/out"
expect "hooks in spec order" '^createRuntime createContainer poststart poststop $'

# Mount destinations resolve inside the rootfs: symlinks in the image
# (absolute, or climbing with ..) cannot send a mount onto the host.
mkdir -p "$tmp/host-target"
ln -s "$tmp/host-target" "$B/rootfs/evil"
ln -s ../../../../../../../.. "$B/rootfs/up"
EXTRA_MOUNTS=', {"destination": "/evil/x", "type": "tmpfs", "source": "tmpfs"}, {"destination": "/up/ctr-escape", "type": "tmpfs", "source": "tmpfs"}'
conf '"sh", "-c", "echo inside > /evil/x/f && cat /evil/x/f"'
unset EXTRA_MOUNTS
run symlinks
# ctr refuses a destination whose path runs through a symlink to a missing
# directory (runc would create it inside the rootfs): either is safe.
expect "a mount through a symlink lands inside the rootfs, or is refused by name" '^inside$|mount destination /evil/x inside the rootfs'
{ ls -A "$tmp/host-target"; ls -d /ctr-escape; grep -E "host-target|ctr-escape" /proc/mounts; } >"$tmp/out" 2>/dev/null
[ -s "$tmp/out" ] && notok "nothing is created or mounted on the host through them" ||
	ok "nothing is created or mounted on the host through them"
rm -f "$B/rootfs/evil" "$B/rootfs/up"

# A container can neither see nor signal host processes.
sleep 300 &
hostpid=$!
conf '"sh", "-c", "kill -9 '"$hostpid"'; echo kill=$?; ls /proc/'"$hostpid"' >/dev/null 2>&1; echo seen=$?"'
run hostsig
expect "kill of a host pid fails inside the container" '^kill=1$'
expect "the host pid is not visible" '^seen=1$'
kill -0 "$hostpid" 2>/dev/null && ok "the host process survived" || notok "the host process survived"

# Side by side with crun, the reference runtime: the same bundles must
# look the same from inside.
if command -v crun >/dev/null 2>&1; then
	CRUN="crun --root /tmp/crun-state"
	# same NAME: run $B under both; outputs and exit statuses must match.
	same() {
		for rt in ctr crun; do
			if [ $rt = ctr ]; then r=$CTR; else r=$CRUN; fi
			(cd "$B" && $r run "side-$1") >"$tmp/$rt.out" 2>&1
			echo "(exit status $?)" >>"$tmp/$rt.out"
		done
		if diff -u "$tmp/crun.out" "$tmp/ctr.out" >"$tmp/out" 2>&1; then
			ok "same as crun: $1"
		else
			notok "same as crun: $1 (diff crun ctr below)"
		fi
	}
	conf '"sh", "-c", "hostname; id; cat /proc/self/cgroup; grep -E \"^(Cap|NoNewPrivs|Seccomp)\" /proc/self/status; ulimit -n; umask; wc -c < /proc/cmdline; echo x > /proc/sys/kernel/hostname || echo ro-sys; echo pid=$$; ls /dev; cat /proc/self/uid_map; touch /x || echo ro-root"'
	same process-and-namespaces
	conf '"cat", "/proc/self/uid_map", "/proc/self/gid_map"' \
		', "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]' '' \
		'{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"user"}'
	same user-namespace
	conf '"sh", "-c", "mkdir /tmp/d; echo mkdir=$?; hostname x; echo not-reached"' "$SEC"
	same seccomp
	# The shell and 3 sleeps fill pids.max; the 4th fork fails and the
	# shell exits 2. No pipeline: its two sides would race for the slots.
	conf '"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo not-reached"' \
		', "resources": {"pids": {"limit": 4}}'
	same pids-limit
	cp "$tmp/ctr.out" "$tmp/out"
	expect "pids-limit: a fork fails at pids.max (ctr, as crun)" "can't fork"
	CAPS=$MKNOD
	conf '"sh", "-c", "mknod /dev/tun2 c 10 200 && head -c1 /dev/tun2; mknod /dev/kmsg2 c 1 11 && echo ctr-test >/dev/kmsg2; echo kmsg=$?"' \
		', "resources": {"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]}'
	unset CAPS
	same device-policy
	conf '"sh", "-c", "kill -9 '"$hostpid"'; echo kill=$?"'
	same host-signal
	# Configs as the engines write them: Podman's bind options (rprivate,
	# nosuid on /dev/shm), a tmpfs with options where the rootfs has no
	# directory, and seccomp without noNewPrivileges or CAP_SYS_ADMIN.
	echo from-the-host >"$tmp/hostname"
	mkdir -p "$tmp/shm"
	EXTRA_MOUNTS=', {"destination": "/etc/hostname", "type": "bind", "source": "'"$tmp"'/hostname", "options": ["bind", "rprivate"]},
	  {"destination": "/dev/shm", "type": "bind", "source": "'"$tmp"'/shm", "options": ["bind", "rprivate", "nosuid", "noexec", "nodev"]},
	  {"destination": "/run/new", "type": "tmpfs", "source": "tmpfs", "options": ["rprivate", "nosuid", "size=1m"]}'
	conf '"sh", "-c", "cat /etc/hostname; grep -E \" /(etc/hostname|dev/shm|run/new) \" /proc/mounts"'
	unset EXTRA_MOUNTS
	same podman-mounts
	conf '"sh", "-c", "grep -E \"^(NoNewPrivs|Seccomp):\" /proc/self/status; mkdir /tmp/d; echo mkdir=$?"' "$SEC"
	sed -i 's/"noNewPrivileges": true/"noNewPrivileges": false/' "$B/config.json"
	same seccomp-without-no-new-privs
	cp "$tmp/ctr.out" "$tmp/out"
	expect "seccomp without noNewPrivileges or CAP_SYS_ADMIN: loaded (ctr, as crun)" '^Seccomp:.2$'
else
	notok "crun is not in the test VM: the side-by-side checks did not run"
fi
kill "$hostpid" 2>/dev/null

# Limits under org.lvmm.ctr.resources best-effort: what cgroup v2 can take
# still applies (only where a controller is missing does ctr go without).
EXTRA_TOP='"annotations": {"org.lvmm.ctr.resources": "best-effort"},'
conf '"sleep", "100"' ', "cgroupsPath": "/ctr-test/best-effort", "resources": {"memory": {"limit": 33554432}, "pids": {"limit": 7}}'
unset EXTRA_TOP
(cd "$B" && $CTR run --detach besteffort) >"$tmp/out" 2>&1
cat /sys/fs/cgroup/ctr-test/best-effort/memory.max /sys/fs/cgroup/ctr-test/best-effort/pids.max >>"$tmp/out" 2>&1
expect "best-effort: memory.max still applies on cgroup v2" '^33554432$'
expect "... and pids.max" '^7$'
refuse "... with no warning" 'not applied'
$CTR delete --force besteffort >/dev/null 2>&1
rmdir /sys/fs/cgroup/ctr-test 2>/dev/null

# A user namespace locks the flags its mounts came with: a bind ro of a
# nosuid,nodev,noexec source keeps them (uid 1000 outside).
mkdir -p "$tmp/locked"
if mount -t tmpfs -o nosuid,nodev,noexec,mode=755 tmpfs "$tmp/locked"; then
	echo locked >"$tmp/locked/f"
	chmod 644 "$tmp/locked/f"
	EXTRA_MOUNTS=', {"destination": "/tmp/f", "type": "bind", "source": "'"$tmp"'/locked/f", "options": ["bind", "ro"]}'
	conf '"sh", "-c", "cat /tmp/f; grep \" /tmp/f \" /proc/mounts"' \
		', "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]' '' \
		'{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"user"}'
	unset EXTRA_MOUNTS
	run lockedbind
	expect "user namespace: bind ro of a nosuid,nodev,noexec source runs" '^locked$'
	expect "... read-only, keeping nosuid,nodev,noexec" ' /tmp/f tmpfs ro,nosuid,nodev,noexec'
	umount "$tmp/locked"
else
	notok "mounting a tmpfs for the locked-flags bind failed"
fi

# Lifecycle and pause through ctr state.
conf '"sleep", "100"'
(cd "$B" && $CTR create life) >"$tmp/out" 2>&1
$CTR state life >"$tmp/out" 2>&1
expect "state after create: created" '"status":"created"'
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$tmp/out")
# CVE-2019-5736: its /proc/PID/exe is a read-only clone of ctr's mount
# (an O_TRUNC open is refused before the file's being in use is checked,
# which an unguarded binary would answer with "Text file busy").
sh -c ": >/proc/$pid/exe" >"$tmp/out" 2>&1
expect "the waiting process runs from a read-only clone of ctr's binary (CVE-2019-5736)" 'Read-only file system'
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
# runc's command-line contract: update and events against a cgroup v2
# with every controller (ctr_host_test.sh checks the rest, and the errors).
conf '"sleep", "100"'
(cd "$B" && $CTR run --detach upd) >"$tmp/out" 2>&1
CG=/sys/fs/cgroup/ctr/upd
$CTR update --memory 100m --pids-limit 10 --cpu-quota 50000 --cpu-period 100000 --cpu-shares 1024 upd >"$tmp/out" 2>&1
echo "(exit status $?)" >>"$tmp/out"
for f in memory.max pids.max cpu.max cpu.weight; do echo "$f $(cat "$CG/$f")"; done >>"$tmp/out" 2>&1
expect "update: status 0" '^\(exit status 0\)$'
expect "update --memory 100m lowers memory.max" '^memory.max 104857600$'
expect "update --pids-limit 10 sets pids.max" '^pids.max 10$'
expect "update --cpu-quota 50000 --cpu-period 100000 set cpu.max" '^cpu.max 50000 100000$'
expect "update --cpu-shares 1024 is cpu.weight 39 (runc's conversion)" '^cpu.weight 39$'
echo '{"memory": {"limit": 209715200}, "cpu": {"period": 200000}}' | $CTR update --resources - upd >"$tmp/out" 2>&1
{ echo "(exit status $?)"; cat "$CG/memory.max" "$CG/cpu.max"; } >>"$tmp/out" 2>&1
expect "update --resources - (stdin): memory.limit sets memory.max" '^209715200$'
expect "... a period alone keeps the quota" '^50000 200000$'
if [ -e "$CG/memory.swap.max" ]; then
	$CTR update --memory-swap 300m upd >"$tmp/out" 2>&1
	{ echo "(exit status $?)"; cat "$CG/memory.swap.max"; } >>"$tmp/out" 2>&1
	expect "update --memory-swap counts memory + swap: memory.swap.max is the rest" '^104857600$'
fi
$CTR events --stats upd >"$tmp/out" 2>&1
expect "events --stats: memory usage and limit" '"memory":\{.*"usage":\{"usage":[0-9]+,"limit":209715200\}'
expect "events --stats: pids current and limit" '"pids":\{"current":1,"limit":10\}'
expect "events --stats: cpu usage in nanoseconds" '"cpu":\{"usage":\{"total":[0-9]+,"kernel":[0-9]+,"user":[0-9]+\}'
$CTR update --memory -1 upd >"$tmp/out" 2>&1
cat "$CG/memory.max" >>"$tmp/out" 2>&1
expect "update --memory -1 lifts the limit" '^max$'
$CTR delete --force upd >/dev/null 2>&1

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
conf '"true"'
sed -i 's/^  "linux": {/  "linux": { "timeOffsets": { "monotonic": { "secs": 10 } },/' "$B/config.json"
run bad5
expect "unsupported linux.timeOffsets named" 'linux.timeOffsets: not supported'
leftovers >"$tmp/out"
[ -s "$tmp/out" ] && notok "errors leave no state, cgroup or process behind" ||
	ok "errors leave no state, cgroup or process behind"

echo "1..$n"
cat "$tmp/tap"
[ $failed -eq 0 ]
