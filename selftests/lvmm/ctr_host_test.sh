#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr on the machine running make check itself (not in the test VM): the
# host's cgroup layout may be hybrid (controllers on v1, an empty v2
# "unified" mount), where ctr must still run containers, refuse limits it
# cannot enforce unless the config opts out (annotation
# org.lvmm.ctr.resources: best-effort) and then name them; on a unified
# host the limits must apply.
# Then the escapes of issue 20 that need no cgroup v2 controllers, tried
# as a hostile config or container would: here ctr runs from a real
# filesystem (ext4, say), as installed binaries do, which the CVE-2019-5736
# check needs (in the test VM everything is on tmpfs). Last, configs as
# the engines write them: Podman 4.3's own (ctr-fixtures/), its seccomp
# profile, bind options, hooks, no mount namespace.
# TAP output. usage: ctr_host_test.sh CTR BUSYBOX
STATE=${TMPDIR:-/tmp}/ctr-host-state.$$
CTR_BIN=$(realpath "$1")
CTR="$CTR_BIN --root $STATE"
BUSYBOX=$2
n=0 failed=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP ctr needs root here (namespaces, cgroups, pivot_root)"
	exit 0
fi
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
# A cgroup sandbox: the tests run in a cgroup namespace rooted at a group
# of their own, with cgroup2 mounted again to show only it. What a ctr
# that gets it wrong kills or creates (the issue's cgroupsPath "" killed
# every process of the host's root group) stays in there.
if [ -z "$CTR_HOST_SANDBOX" ] && [ -n "$CG2" ] && command -v unshare >/dev/null 2>&1; then
	sb=$CG2/ctr-host-test.$$
	mkdir "$sb" || exit 1
	CTR_HOST_SANDBOX=$sb sh -c 'echo $$ >"$CTR_HOST_SANDBOX/cgroup.procs" &&
		exec unshare --cgroup --mount --propagation private "$@"' sh sh "$0" "$@"
	rc=$?
	find "$sb" -depth -type d -exec rmdir {} + 2>/dev/null
	exit $rc
fi
# In the sandbox: its own cgroup2 view, and this shell in a leaf, so that
# the containers' groups (below ctr's parent, the sandbox) may take controllers.
if [ -n "$CTR_HOST_SANDBOX" ] && ! { umount -l "$CG2" && mount -t cgroup2 cgroup2 "$CG2" && mkdir "$CG2/runner" &&
	echo $$ >"$CG2/runner/cgroup.procs"; }; then
	echo "1..1"
	echo "not ok 1 - setting up the cgroup sandbox in $CTR_HOST_SANDBOX"
	exit 1
fi
tmp=$(mktemp -d)
# Results are collected and printed after the plan line at the end.
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$tmp/tap"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2" >>"$tmp/tap"; }
notok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1" >>"$tmp/tap"
	[ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" >>"$tmp/tap"
}
expect() { if grep -Eq "$2" "$tmp/out"; then ok "$1"; else notok "$1 (wanted /$2/)"; fi; }
refuse() { if grep -Eq "$2" "$tmp/out"; then notok "$1 (unwanted /$2/)"; else ok "$1"; fi; }

# pids of processes whose command line is exactly "sleep N" (the tests' markers)
sleepers() {
	for f in /proc/[0-9]*/cmdline; do
		[ "$(tr '\0' ' ' 2>/dev/null <"$f")" = "sleep $1 " ] && { p=${f#/proc/}; echo "${p%/cmdline}"; }
	done
}
[ -n "$CTR_HOST_SANDBOX" ] || CG2=	# no sandbox: no cgroupsPath checks
# Mounts at $1 and below off this mount table (a container without a mount namespace leaves them).
unmount_all() {
	i=0; while grep -q " $1 " /proc/self/mountinfo && [ $i -lt 5 ]; do umount -l "$1"; i=$((i + 1)); done
}
cleanup() {
	for id in $($CTR list --quiet 2>/dev/null); do $CTR delete --force "$id" >/dev/null 2>&1; done
	unmount_all "$B/rootfs"
	unmount_all "$tmp/locked"
	for s in 4241 4242 4243 4244 4245; do for p in $(sleepers $s); do kill -9 "$p"; done; done
	[ -n "$CG2" ] && for d in "$CG2/ctr-host-victim.$$" "$CG2/ctr-host-nest.$$/runner" \
		"$CG2/ctr-host-nest.$$/c1" "$CG2/ctr-host-nest.$$"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	rm -rf "$tmp" "$STATE"
}
trap cleanup EXIT

B=$tmp/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp "$BUSYBOX" "$B/rootfs/bin/busybox"
for t in sh hostname cat ls id sleep echo kill pwd readlink true rm grep head mkdir; do ln -s busybox "$B/rootfs/bin/$t"; done

# conf ARGS: write config.json; $USER_JSON, $NS, $LINUX_EXTRA, $MOUNTS_EXTRA,
# $TOP_EXTRA, $PROCESS_EXTRA, $ROOT_RO and $CWD change it.
conf() {
	user=${USER_JSON:-'{"uid": 0, "gid": 0}'}
	ns=${NS:-'{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}, {"type": "cgroup"}'}
	cat >"$B/config.json" <<JSON
{
  "ociVersion": "1.0.2", $TOP_EXTRA
  "process": {"args": [$1], "cwd": "${CWD:-/}", "env": ["PATH=/bin"],
              "user": $user $PROCESS_EXTRA},
  "root": {"path": "rootfs", "readonly": ${ROOT_RO:-true}},
  "hostname": "on-host",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"} $MOUNTS_EXTRA],
  "linux": {
    "namespaces": [$ns] $LINUX_EXTRA
  }
}
JSON
}
NOPIDNS='{"type": "mount"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}'
# run ID [ARGS...]: ctr run in the bundle; output and status in $tmp/out, $rc
run() { id=$1; shift; (cd "$B" && $CTR run "$@" "$id") >"$tmp/out" 2>&1; rc=$?; }

# --- the host's cgroup layout ---
# Limits ctr cannot enforce (a hybrid host's v2 part has no memory or pids
# controller) are an error, as in runc, unless the annotation
# org.lvmm.ctr.resources is "best-effort"; then they are named as not applied.
LIMITS=', "resources": {"memory": {"limit": 67108864}, "pids": {"limit": 64}}'
LINUX_EXTRA=$LIMITS
conf '"sh", "-c", "hostname"'
unset LINUX_EXTRA
run host1
if grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts; then
	[ $rc -eq 0 ] && ok "a container runs on this host" || notok "a container runs on this host (status $rc)"
	expect "its hostname is the config's" '^on-host$'
	if grep -q 'not applied\|cannot be enforced' "$tmp/out"; then notok "unified host: every limit applied"
	else ok "unified host: every limit applied"; fi
	cat "/sys/fs/cgroup/ctr/host1/memory.max" >"$tmp/out" 2>&1 &&
		notok "unified host: the cgroup is gone after run" || ok "unified host: the cgroup is gone after run"
else
	[ $rc -eq 1 ] && refuse "hybrid host: limits ctr cannot enforce are refused" '^on-host$' ||
		notok "hybrid host: limits ctr cannot enforce are refused (status $rc)"
	expect "... naming each limit" 'linux.resources.memory.limit, linux.resources.pids.limit cannot be enforced'
	expect "... the missing controllers and the opt-out" 'no memory, pids controller.*"org.lvmm.ctr.resources": "best-effort"'
	TOP_EXTRA='"annotations": {"org.lvmm.ctr.resources": "best-effort"},' LINUX_EXTRA=$LIMITS
	conf '"sh", "-c", "hostname"'
	unset TOP_EXTRA LINUX_EXTRA
	run host2
	[ $rc -eq 0 ] && expect "hybrid host, best-effort: the container runs" '^on-host$' ||
		notok "hybrid host, best-effort: the container runs (status $rc)"
	expect "... naming the limits not applied" 'warning: linux.resources.memory.limit, linux.resources.pids.limit not applied'
	# cpu.shares 1024 (containerd's and Docker's default spec: v1's
	# default weight) is no limit to enforce; any other value is.
	for sh in 1024 512; do
		LINUX_EXTRA=', "resources": {"cpu": {"shares": '$sh'}}'
		conf '"sh", "-c", "hostname"'
		unset LINUX_EXTRA
		run "shares$sh"
		case $sh in
		1024) [ $rc -eq 0 ] && expect "hybrid host: cpu.shares 1024 (the default weight) runs" '^on-host$' ||
			notok "hybrid host: cpu.shares 1024 (the default weight) runs (status $rc)" ;;
		*) [ $rc -eq 1 ] && expect "hybrid host: cpu.shares 512 is refused" 'linux.resources.cpu.shares cannot be enforced' ||
			notok "hybrid host: cpu.shares 512 is refused (status $rc)" ;;
		esac
	done
fi
TOP_EXTRA='"annotations": {"org.lvmm.ctr.resources": "maybe"},'
conf '"true"'
unset TOP_EXTRA
run host3
[ $rc -eq 1 ] && expect "an unknown org.lvmm.ctr.resources value is refused, naming it" \
	'annotations.org.lvmm.ctr.resources: expected "required" \(the default\) or "best-effort", not "maybe"' ||
	notok "an unknown org.lvmm.ctr.resources value is refused (status $rc)"

# --- 1. CVE-2019-5736: the host's ctr binary cannot be rewritten ---
# A copy of ctr on a real filesystem (not tmpfs, where any binary has seals).
CVE_DIR=$tmp
[ "$(stat -f -c %T "$CVE_DIR")" = tmpfs ] && CVE_DIR=$(dirname "$CTR_BIN")
if [ "$(stat -f -c %T "$CVE_DIR")" = tmpfs ]; then
	skip "CVE-2019-5736: the waiting process runs from a read-only clone of ctr" "no non-tmpfs directory here"
	skip "CVE-2019-5736: a container cannot rewrite ctr through /proc/PID/exe" "no non-tmpfs directory here"
else
	COPY=$CVE_DIR/ctr-cve-copy.$$
	cp "$CTR_BIN" "$COPY"
	CC="$COPY --root $STATE"
	sum0=$(cksum <"$COPY")
	fs=$(stat -f -c %T "$COPY")
	conf '"sleep", "4241"'
	(cd "$B" && $CC create cve) >"$tmp/out" 2>&1
	pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$STATE/cve/state.json" 2>/dev/null)
	# An O_TRUNC open: EROFS from a read-only clone of ctr's mount
	# (ETXTBSY would mean the binary itself, only kept by being in use).
	sh -c ": >/proc/$pid/exe" >>"$tmp/out" 2>&1
	expect "CVE-2019-5736: create's waiting process runs from a read-only clone of ctr (on $fs)" 'Read-only file system'
	$CC delete --force cve >/dev/null 2>&1
	# Without open_tree (a kernel before 5.12, a seccomp profile that
	# hides it) ctr runs from a sealed memfd copy of itself instead.
	DENY=$(dirname "$CTR_BIN")/tests/deny_syscall
	if [ -x "$DENY" ]; then
		(cd "$B" && "$DENY" open_tree -- $CC create cve) >"$tmp/out" 2>&1
		pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$STATE/cve/state.json" 2>/dev/null)
		readlink "/proc/$pid/exe" >>"$tmp/out" 2>&1
		expect "CVE-2019-5736: without open_tree, the waiting process runs from a sealed memfd copy" 'memfd:ctr'
		$CC delete --force cve >/dev/null 2>&1
	else
		notok "CVE-2019-5736: $DENY is built (make -C tools/ctr)"
	fi
	# The attack: ctr exec runs /evil, whose interpreter is /proc/self/exe,
	# that is the exec'ing ctr itself. It blocks on a full stderr pipe; a
	# second process of the container (sharing the host's pid namespace)
	# opens its /proc/PID/exe, kills it and writes through the fd.
	printf '#!/proc/self/exe\n' >"$B/rootfs/evil"
	chmod 755 "$B/rootfs/evil"
	NS=$NOPIDNS ROOT_RO=false
	conf '"sleep", "4242"'
	unset NS ROOT_RO
	(cd "$B" && $CC run --detach cve) >"$tmp/out" 2>&1
	mkfifo "$tmp/full"
	exec 9<>"$tmp/full"
	head -c 65536 /dev/zero >&9
	timeout 10 $CC exec --detach --pid-file "$tmp/x.pid" cve /evil 2>&9
	sleep 0.3
	x=$(cat "$tmp/x.pid" 2>/dev/null)
	exe=$(readlink "/proc/$x/exe" 2>&1)
	timeout 10 $CC exec --detach cve sh -c "exec 4</proc/$x/exe || { echo no-open >/tmp/result; exit; };
		kill -9 $x; sleep 0.3; if echo pwned >>/proc/self/fd/4; then echo wrote; else echo refused; fi >/tmp/result 2>&1"
	i=0; while [ ! -s "$B/rootfs/tmp/result" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	exec 9>&-
	{ echo "exe of the exec'd ctr: $exe"; cat "$B/rootfs/tmp/result"; } >"$tmp/out" 2>&1
	$CC delete --force cve >>"$tmp/out" 2>&1
	if [ "$(cksum <"$COPY")" = "$sum0" ] && ! grep -q '^wrote$' "$tmp/out"; then
		ok "CVE-2019-5736: a container cannot rewrite ctr (on $fs) through /proc/PID/exe"
	else
		notok "CVE-2019-5736: a container cannot rewrite ctr (on $fs) through /proc/PID/exe"
	fi
	rm -f "$COPY" "$B/rootfs/evil" "$B/rootfs/tmp/result" "$tmp/full"
fi

# --- 2. an invalid user is an error, never root ---
for u in -1 4294967295 4294967296 -4294967296 '"nobody"' 1e30 1e10 1.9 null; do
	USER_JSON="{\"uid\": $u, \"gid\": 0}"
	conf '"id"'
	run baduser
	if [ "$u" = null ]; then	# null is absent: uid 0, as runc reads it
		expect "process.user.uid null is absent, as in runc" '^uid=0'
		continue
	fi
	if [ $rc -eq 1 ] && grep -q 'process.user.uid: expected an integer 0..4294967294' "$tmp/out" &&
		! grep -q 'uid=' "$tmp/out" && [ "$(wc -l <"$tmp/out")" -eq 1 ]; then
		ok "uid $u is refused in one line naming process.user.uid"
	else
		notok "uid $u is refused in one line naming process.user.uid (status $rc)"
	fi
done
for g in '[4294967296]' '["x"]' '[0.5]' '[-1]'; do
	USER_JSON="{\"uid\": 0, \"gid\": 0, \"additionalGids\": $g}"
	conf '"id"'
	run badgroups
	[ $rc -eq 1 ] && grep -q 'process.user.additionalGids\[0\]: expected an integer' "$tmp/out" &&
		! grep -q 'uid=' "$tmp/out" && ok "additionalGids $g is refused, naming the element" ||
		notok "additionalGids $g is refused, naming the element (status $rc)"
done
USER_JSON='{"uid": 0, "gid": -1}'
conf '"id"'
run badgid
[ $rc -eq 1 ] && expect "gid -1 is refused" 'process.user.gid: expected an integer' ||
	notok "gid -1 is refused (status $rc)"
USER_JSON="{\"uid\": 0, \"gid\": 0, \"additionalGids\": [$(seq -s, 1001 1070)]}"
conf '"id"'
run manygroups
unset USER_JSON
expect "70 additionalGids are all set (none cut at 64)" 'groups=.*1065.*1070'

# --- 3. the workload has a session of its own (no TIOCSTI into the caller's terminal) ---
SID='read -r pid comm st ppid pgrp sid rest </proc/$$/stat; [ $sid = $pid ] && echo own-session || echo session $sid pid $pid; (: </dev/tty) 2>/dev/null && echo has-ctty || echo no-ctty'
conf "\"sh\", \"-c\", \"$SID\""
run sess1
expect "run: the workload leads a session of its own" '^own-session$'
NS=$NOPIDNS
conf '"sleep", "4243"'
unset NS
run sess2 --detach
$CTR exec sess2 sh -c "$SID" >"$tmp/out" 2>&1
expect "exec: the process leads a session of its own (no pid namespace)" '^own-session$'
# With a controlling terminal (script's pty): the workload must not have it.
if command -v script >/dev/null 2>&1; then
	conf "\"sh\", \"-c\", \"$SID\""
	(cd "$B" && script -qec "$CTR run sess3" /dev/null) >"$tmp/out" 2>&1
	expect "run under a terminal: the workload cannot open the caller's /dev/tty" '^no-ctty'
	script -qec "$CTR exec sess2 sh -c '$SID'" /dev/null >"$tmp/out" 2>&1
	expect "exec under a terminal: the process cannot open the caller's /dev/tty" '^no-ctty'
else
	skip "run under a terminal: the workload cannot open the caller's /dev/tty" "no script(1)"
	skip "exec under a terminal: the process cannot open the caller's /dev/tty" "no script(1)"
fi
$CTR delete --force sess2 >/dev/null 2>&1

# --- 4. linux.cgroupsPath stays below ctr's parent cgroup ---
if [ -n "$CG2" ]; then
	mkdir "$CG2/ctr-host-victim.$$"
	sleep 4244 &
	victim=$!
	echo "$victim" >"$CG2/ctr-host-victim.$$/cgroup.procs"
	LINUX_EXTRA=", \"cgroupsPath\": \"ctr-host-victim.$$\""
	conf '"/bin/nosuchprogram"'
	run cgvictim
	expect "a cgroup that already has processes is refused" 'already has processes'
	{ kill -0 "$victim" && [ -d "$CG2/ctr-host-victim.$$" ]; } 2>/dev/null &&
		ok "... and its process and group are left alone" ||
		notok "... and its process and group are left alone"
	made=
	for p in "ctr-host-victim.$$/sub/.." "../../../../$tmp/host-dir" "" "/" "a/./b" "a//b"; do
		LINUX_EXTRA=", \"cgroupsPath\": \"$p\""
		conf '"sleep", "100"'
		(cd "$B" && $CTR create cgbad) >"$tmp/out" 2>&1
		rc=$?
		[ -e "$tmp/host-dir" ] && made=1
		$CTR delete --force cgbad >/dev/null 2>&1
		if [ $rc -eq 1 ] && grep -q 'linux.cgroupsPath: expected' "$tmp/out"; then
			ok "cgroupsPath \"$p\" is refused"
		else
			notok "cgroupsPath \"$p\" is refused (status $rc)"
		fi
	done
	[ -n "$made" ] && notok "no directory is made on the host through .." ||
		ok "no directory is made on the host through .."
	kill -0 "$victim" 2>/dev/null && ok "the victim's process survived" || notok "the victim's process survived"
	kill "$victim"
	# ctr in a nested group: the container's group is its sibling, not at the root.
	mkdir -p "$CG2/ctr-host-nest.$$/runner"
	LINUX_EXTRA=', "cgroupsPath": "/c1"' NS='{"type": "mount"}, {"type": "pid"}'
	conf '"cat", "/proc/self/cgroup"'
	unset LINUX_EXTRA NS
	sed -i '/"hostname"/d' "$B/config.json"
	(cd "$B" && sh -c "echo \$\$ >$CG2/ctr-host-nest.$$/runner/cgroup.procs && exec $CTR run cgnest") >"$tmp/out" 2>&1
	expect "cgroupsPath is relative to ctr's parent cgroup" "^0::/ctr-host-nest\\.$$/c1\$"
else
	skip "linux.cgroupsPath checks" "no cgroup2 mount or no unshare(1) for a sandbox"
fi

# --- 5. the working directory cannot be a caller's fd ---
mkdir -p "$tmp/host-cwd"
touch "$tmp/host-cwd/HOST-MARK"
CWD=/proc/self/fd/7
conf '"sh", "-c", "pwd; ls"'
unset CWD
(cd "$B" && $CTR run cwd1 7<"$tmp/host-cwd") >"$tmp/out" 2>&1
refuse "process.cwd /proc/self/fd/7 (a host directory) does not reach the host" 'HOST-MARK'
expect "... it is refused, naming process.cwd" 'process.cwd /proc/self/fd/7'
NS=$NOPIDNS
conf '"sleep", "4245"'
unset NS
run cwd2 --detach
$CTR exec --cwd /proc/self/fd/7 cwd2 ls 7<"$tmp/host-cwd" >"$tmp/out" 2>&1
refuse "exec --cwd /proc/self/fd/7 does not reach the host" 'HOST-MARK'
$CTR exec --cwd /tmp cwd2 pwd >"$tmp/out" 2>&1
expect "exec --cwd of a container directory still works" '^/tmp$'
$CTR delete --force cwd2 >/dev/null 2>&1

# --- 6. wrong JSON types: one line naming the path, never a crash ---
# mutate NAME EXPECTED-PATH SED: the base config changed by SED
mutate() {
	conf '"true"'
	sed -i "$3" "$B/config.json"
	run mut
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -Fq "config.json: $2: expected" "$tmp/out"; then
		ok "$1: one line naming $2"
	else
		echo "(exit status $rc)" >>"$tmp/out"
		notok "$1: one line naming $2"
	fi
}
MOUNTS_EXTRA=', {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}'
mutate '"mounts": {}' mounts 's/"mounts": \[.*/"mounts": {}, "x": [/'
mutate '"options": "ro"' 'mounts[2].options' 's/"options": \["nosuid"\]/"options": "ro"/'
mutate '"options": [null]' 'mounts[2].options[0]' 's/"options": \["nosuid"\]/"options": [null]/'
unset MOUNTS_EXTRA
mutate '"namespaces": {}' linux.namespaces 's/"namespaces": \[.*\]/"namespaces": {}/'
mutate '"args": [null]' 'process.args[0]' 's/"args": \["true"\]/"args": [null]/'
mutate '"env": [null]' 'process.env[0]' 's/"env": \["PATH=\/bin"\]/"env": [null]/'
mutate 'capabilities [null]' 'process.capabilities.bounding[0]' 's/"cwd"/"capabilities": {"bounding": [null]}, "cwd"/'
mutate '"process": []' process 's/"process": {/"process": [], "x": {/'
mutate '"root": "rootfs"' root 's/"root": {[^}]*}/"root": "rootfs"/'
mutate '"terminal": "yes"' process.terminal 's/"cwd"/"terminal": "yes", "cwd"/'
mutate 'cpu.shares 2^62' linux.resources.cpu.shares 's/"linux": {/"linux": {"resources": {"cpu": {"shares": 4611686018427387904}},/'
mutate 'rlimits "x"' process.rlimits 's/"cwd"/"rlimits": "x", "cwd"/'
mutate 'rlimit soft 1.5' 'process.rlimits[0].soft' 's/"cwd"/"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1.5, "hard": 2}], "cwd"/'
mutate 'hooks.poststop {}' hooks.poststop 's/"process"/"hooks": {"poststop": {}}, "process"/'
mutate 'seccomp defaultAction 1' linux.seccomp.defaultAction 's/"linux": {/"linux": {"seccomp": {"defaultAction": 1},/'
mutate 'sysctl value 1' linux.sysctl.a 's/"linux": {/"linux": {"sysctl": {"a": 1},/'
mutate 'devices {}' linux.devices 's/"linux": {/"linux": {"devices": {},/'
mutate 'uidMappings size -1' 'linux.uidMappings[0].size' 's/"linux": {/"linux": {"uidMappings": [{"containerID": 0, "hostID": 0, "size": -1}],/'
mutate 'maskedPaths [1]' 'linux.maskedPaths[0]' 's/"linux": {/"linux": {"maskedPaths": [1],/'
mutate 'oomScoreAdj 1e3' process.oomScoreAdj 's/"cwd"/"oomScoreAdj": 1e3, "cwd"/'
# delete works from the state saved at create, whatever the bundle says now.
conf '"sleep", "100"'
(cd "$B" && $CTR create edited) >"$tmp/out" 2>&1
sed -i 's/"mounts": \[.*/"mounts": {}, "x": [/' "$B/config.json"
$CTR delete edited >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -e "$STATE/edited" ] && ok "delete works after the bundle's config.json was edited" ||
	notok "delete works after the bundle's config.json was edited (status $rc)"
# State files are type-checked too.
conf '"sleep", "100"'
(cd "$B" && $CTR create tampered) >"$tmp/out" 2>&1
sed -i 's/"pid":\([0-9]*\)/"pid":"\1"/' "$STATE/tampered/state.json"
$CTR state tampered >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] && expect "a state.json pid that is a string is refused, naming it" 'state.json: pid: expected an integer' ||
	notok "a state.json pid that is a string is refused (status $rc)"
sed -i 's/"pid":"\([0-9]*\)"/"pid":\1/' "$STATE/tampered/state.json"
$CTR delete --force tampered >/dev/null 2>&1

# --- 7. leaks, symlinks, paths, ids ---
NS=$NOPIDNS
conf '"sh", "-c", "sleep 4242 & exit 0"'
unset NS
run leak1
sleep 0.2
sleepers 4242 >"$tmp/out"
[ -s "$tmp/out" ] && notok "run: a child left by the workload (no pid namespace) does not survive" ||
	ok "run: a child left by the workload (no pid namespace) does not survive"
NS=$NOPIDNS
conf '"sh", "-c", "sleep 4243 & exec sleep 4244"'
unset NS
run leak2 --detach
sleep 0.2
$CTR kill leak2 KILL >"$tmp/out" 2>&1
sleep 0.3
sleepers 4243 >>"$tmp/out"
[ -s "$tmp/out" ] && notok "kill KILL (no pid namespace) takes every process of the container" ||
	ok "kill KILL (no pid namespace) takes every process of the container"
$CTR delete --force leak2 >/dev/null 2>&1
conf '"sleep", "4245"'
run pidtamper --detach
sed -i "s/\"pid\":[0-9]*/\"pid\":$$/" "$STATE/pidtamper/state.json"
$CTR delete --force pidtamper >"$tmp/out" 2>&1
rc=$?
sleep 0.2
sleepers 4245 >>"$tmp/out"
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && ok "delete --force with a tampered state pid still removes the container" ||
	notok "delete --force with a tampered state pid still removes the container (status $rc)"
kill -0 $$ && ok "... and the process the pid now names is not signalled" ||
	notok "... and the process the pid now names is not signalled"
mkdir -p "$STATE/target"
echo '{"ociVersion": "1.0.2", "id": "evil", "pid": 0, "bundle": "/"}' >"$STATE/target/state.json"
ln -s target "$STATE/evil"
$CTR delete evil >"$tmp/out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ -f "$STATE/target/state.json" ] && ok "delete refuses a state directory that is a symlink" ||
	notok "delete refuses a state directory that is a symlink (status $rc)"
rm -rf "$STATE/target" "$STATE/evil"
LINUX_EXTRA=', "readonlyPaths": ["/../../.."]' ROOT_RO=false
conf '"sh", "-c", "echo x >/ro-test && echo writable; rm -f /ro-test"'
unset LINUX_EXTRA ROOT_RO
run ropath
refuse "readonlyPaths with .. is never silently skipped" '^writable$'
expect "... it is refused, naming linux.readonlyPaths[0]" 'linux.readonlyPaths\[0\]: expected'
mkdir -p "$B/data" "$tmp/elsewhere/data"
echo right >"$B/data/f"
echo wrong >"$tmp/elsewhere/data/f"
MOUNTS_EXTRA=', {"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro"]}'
conf '"sh", "-c", "cat /data/f; echo x >/data/g || echo read-only"'
unset MOUNTS_EXTRA
(cd "$tmp/elsewhere" && $CTR run --bundle "$B" relbind) >"$tmp/out" 2>&1
expect "a relative bind source is relative to the bundle, not the caller's cwd" '^right$'
expect "... and a bind mount's ro applies" '^read-only$'
$CTR state "$(printf 'x\033]0;owned\007y')" >"$tmp/out" 2>&1
if grep -q "$(printf '\033')" "$tmp/out"; then notok "an id with control characters is not echoed raw"
else expect "an id with control characters is not echoed raw" 'x\\x1b\]0;owned\\x07y'; fi

# --- 8. runc's command-line contract ---
# Flags, exit statuses, logs and verbs as Podman's conmon and containerd's
# runc shim use them, checked against what runc 1.1 and crun do.
PY=$(command -v python3)
# st CMD...: stdout in $tmp/out, stderr in $tmp/err, status in $rc
st() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
# refused NAME RE: status 1, nothing on stdout, one stderr line matching RE
refused() {
	if [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -Eq -- "$2" "$tmp/err"; then
		ok "$1"
	else
		{ echo "status $rc, stderr:"; cat "$tmp/err"; } >>"$tmp/out"
		notok "$1 (wanted status 1 and one line /$2/)"
	fi
}
# passed NAME: status 0
passed() { if [ $rc -eq 0 ]; then ok "$1"; else cat "$tmp/err" >>"$tmp/out"; notok "$1 (status $rc)"; fi; }
# stopped ID: wait (up to 3 s) until its state says stopped
stopped() {
	i=0; while ! $CTR state "$1" 2>/dev/null | grep -q '"status":"stopped"' && [ $i -lt 30 ]; do
		sleep 0.1; i=$((i + 1)); done
}
cgroup_of() { sed -n 's/.*"ctr_cgroup":"\([^"]*\)".*/\1/p' "$STATE/$1/state.json" 2>/dev/null; }

st $CTR --foo list
refused "an unknown global flag is refused by name (status 1)" "^ctr: unknown flag --foo \(see ctr --help\)$"
st $CTR create --foo x
refused "an unknown flag of a verb is refused by name and verb" "^ctr: unknown flag --foo for 'create' \(see ctr help create\)$"
st $CTR kill -z x
refused "... a short one too" "^ctr: unknown flag -z for 'kill'"
st $CTR create --bundle
refused "a flag without its value is refused by name" "flag --bundle for 'create' needs a value"
st $CTR state
refused "a usage error exits 1, as runc's" "state needs a container id"
st $CTR frob x
refused "an unknown command exits 1" 'unknown command "frob"'
st $CTR checkpoint x
refused "checkpoint is refused in one line" '^ctr: checkpoint is not supported by ctr \(no CRIU support\)$'
st $CTR restore --image-path /x x
refused "restore is refused in one line" '^ctr: restore is not supported by ctr \(no CRIU support\)$'
st $CTR --systemd-cgroup list
refused "--systemd-cgroup is refused, naming the flag and the fix" '^ctr: --systemd-cgroup: ctr has no systemd cgroup driver.*cgroupfs'
st $CTR --rootless true list
refused "--rootless true is refused" '^ctr: --rootless true is not supported'
st $CTR --rootless=auto --rootless false --criu /nonexistent/criu list --quiet
passed "--rootless auto|false and --criu PATH are accepted"
st $CTR help create
[ $rc -eq 0 ] && grep -q '^usage: ctr .*create \[--bundle DIR\]' "$tmp/out" && ok "ctr help create prints its usage" ||
	notok "ctr help create prints its usage (status $rc)"
st $CTR create --help
[ $rc -eq 0 ] && grep -q '^usage: ctr .*create ' "$tmp/out" && ok "create --help prints its usage" ||
	notok "create --help prints its usage (status $rc)"

# One logging path: --log FILE takes errors, warnings and debug lines; stderr stays empty.
st $CTR --log "$tmp/log.json" --log-format json state nosuch
[ $rc -eq 1 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ] &&
	ok "--log FILE: a failing command prints nothing on stderr (status 1)" ||
	{ cat "$tmp/err" >>"$tmp/out"; notok "--log FILE: a failing command prints nothing on stderr (status $rc)"; }
cp "$tmp/log.json" "$tmp/out" 2>/dev/null
expect "--log-format json: one {level, msg, time} line, level error, the message, an RFC 3339 time" \
	'^\{"level":"error","msg":"container \\"nosuch\\" does not exist[^"]*","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})"\}$'
if [ -n "$PY" ]; then
	"$PY" -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l); assert sorted(o) == ["level", "msg", "time"], o; print(o["level"], o["msg"])' \
		"$tmp/log.json" >"$tmp/out" 2>&1
	expect "... and a JSON parser reads it" '^error container "nosuch" does not exist'
fi
st $CTR --log "$tmp/log.txt" --debug state nosuch
cp "$tmp/log.txt" "$tmp/out"
expect "--log FILE (text): logrus's time= level= msg= lines" '^time="[0-9T:-]+Z" level=error msg="container \\"nosuch\\" does not exist'
expect "--debug adds debug lines to the log" '^time="[^"]*" level=debug msg="state '
st $CTR --log-format xml list
refused "--log-format other than text or json is refused" 'log-format xml: use text or json'
# A warning of create (a systemd cgroupsPath falls back to ctr/ID) goes to
# the log, never to the container's stdout or stderr (conmon's pipes).
LINUX_EXTRA=', "cgroupsPath": "system.slice:ctr:cli1"'
conf '"sh", "-c", "echo out; echo err >&2"'
rm -f "$tmp/log.json"
(cd "$B" && $CTR --log "$tmp/log.json" --log-format json run cli1) >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = out ] && [ "$(cat "$tmp/err")" = err ]; then
	ok "with --log, create's warning is not in the container's stdout or stderr"
else
	{ echo "status $rc, stderr:"; cat "$tmp/err"; } >>"$tmp/out"
	notok "with --log, create's warning is not in the container's stdout or stderr"
fi
cp "$tmp/log.json" "$tmp/out"
expect "... it is in the log, as a warning" '^\{"level":"warning","msg":"systemd cgroupsPath'
# The real error is the log's last line and its only error line.
conf '"/bin/nosuchprogram"'
unset LINUX_EXTRA
rm -f "$tmp/log.json"
(cd "$B" && $CTR --log "$tmp/log.json" --log-format json create cli2) >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$tmp/err" ] && [ "$(grep -c '"level":"error"' "$tmp/log.json")" -eq 1 ] &&
	tail -n 1 "$tmp/log.json" | grep -q '"level":"error","msg":"[^"]*nosuchprogram' &&
	grep -q '"level":"warning"' "$tmp/log.json"; then
	ok "a failed create: after its warning, the error is the log's last and only error line"
else
	cat "$tmp/log.json" "$tmp/err" >>"$tmp/out" 2>&1
	notok "a failed create: after its warning, the error is the log's last and only error line (status $rc)"
fi

# Exit statuses: the workload's own for run and exec in the foreground.
conf '"sh", "-c", "exit 7"'
run cli3
[ $rc -eq 7 ] && ok "run exits with the workload's status (7)" || notok "run exits with the workload's status (7, got $rc)"
NS=$NOPIDNS
conf '"sh", "-c", "kill -9 $$"'
run cli4
[ $rc -eq 137 ] && ok "run: a workload killed by SIGKILL is 137" || notok "run: a workload killed by SIGKILL is 137 (got $rc)"
TOP_EXTRA='"annotations": {"org.example.a": "b"},'
conf '"sleep", "4241"'
unset NS TOP_EXTRA
run cli5 --detach
st $CTR exec cli5 sh -c 'exit 7'
[ $rc -eq 7 ] && ok "exec exits with the process's status (7)" || notok "exec exits with the process's status (7, got $rc)"
st $CTR exec cli5 sh -c 'kill -9 $$'
[ $rc -eq 137 ] && ok "exec: a process killed by SIGKILL is 137" || notok "exec: a process killed by SIGKILL is 137 (got $rc)"
st $CTR exec cli5
refused "exec without a command is an error, status 1" 'exec needs a command'

# state: every field runc prints, with runc's names.
$CTR state cli5 >"$tmp/state" 2>&1
cp "$tmp/state" "$tmp/out"
miss=
for k in ociVersion id pid status bundle rootfs created annotations owner; do
	grep -q "^  \"$k\":" "$tmp/state" || miss="$miss $k"
done
[ -z "$miss" ] && ok "state has runc's fields" || notok "state has runc's fields (missing:$miss)"
expect "... created is RFC 3339 with nanoseconds, in UTC" \
	'"created":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z"'
expect "... rootfs is the bundle's rootfs, absolute" "\"rootfs\":\"$B/rootfs\""
expect "... annotations are the config's" '"org.example.a":"b"'
# The state a hook reads on stdin has them too (the runtime-spec's state).
TOP_EXTRA="\"annotations\": {\"org.example.a\": \"b\"}, \"hooks\": {\"createRuntime\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >$tmp/hook-state\"]}]},"
conf '"true"'
unset TOP_EXTRA
run cli5h
cat "$tmp/hook-state" >>"$tmp/out" 2>&1
# runc gives hooks the spec's State (no rootfs, created, owner).
expect "a createRuntime hook's state is the spec's, with the config's annotations" \
	'^\{"ociVersion":"[^"]+","id":"cli5h","status":"creating","pid":[0-9]+,"bundle":"[^"]+","annotations":\{"org.example.a":"b"\}\}$'
if command -v runc >/dev/null 2>&1 && (cd "$B" && runc --root "$tmp/runc" create cmp$$) >"$tmp/out" 2>&1; then
	runc --root "$tmp/runc" state cmp$$ | sed -n 's/^  "\([A-Za-z]*\)":.*/\1/p' | sort >"$tmp/runc-keys"
	runc --root "$tmp/runc" delete --force cmp$$ >/dev/null 2>&1
	sed -n 's/^  "\([A-Za-z]*\)":.*/\1/p' "$tmp/state" | sort >"$tmp/ctr-keys"
	diff "$tmp/runc-keys" "$tmp/ctr-keys" >"$tmp/out" 2>&1 && ok "state's fields are runc's, on the same bundle" ||
		notok "state's fields are runc's, on the same bundle"
else
	skip "state's fields are runc's, on the same bundle" "no runc, or it cannot create here"
fi

# kill and delete of what is not there, as runc and crun.
$CTR kill cli5 KILL
stopped cli5
st $CTR kill cli5 KILL
refused "kill of a stopped container is an error" 'container "cli5" is not running'
st $CTR kill --all cli5 KILL
passed "kill --all of a stopped container succeeds"
st $CTR exec cli5 true
refused "exec in a stopped container is an error, status 1" 'exec needs a running container'
$CTR delete cli5 >/dev/null 2>&1
st $CTR delete --force nosuch
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] && ok "delete --force of a missing container: silent, status 0" ||
	{ cat "$tmp/err" >>"$tmp/out"; notok "delete --force of a missing container: silent, status 0 (got $rc)"; }
st $CTR delete nosuch
refused "delete of a missing container (no --force) is an error" 'container "nosuch" does not exist'
mkdir -p "$STATE/half"
touch "$STATE/half/creating"
st $CTR delete --force half
[ $rc -eq 0 ] && [ ! -e "$STATE/half" ] && ok "delete --force removes a state directory a dead create left without state.json" ||
	notok "delete --force removes a state directory a dead create left without state.json (status $rc)"
rm -rf "$STATE/half"

# --pid-file: complete before create returns, by rename over what was there.
echo 99999999 >"$tmp/pidfile"
ino=$(stat -c %i "$tmp/pidfile")
conf '"sleep", "4242"'
(cd "$B" && $CTR create --pid-file "$tmp/pidfile" cli6) >"$tmp/out" 2>&1
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$STATE/cli6/state.json" 2>/dev/null)
if [ -n "$pid" ] && [ "$(cat "$tmp/pidfile")" = "$pid" ] && [ "$(stat -c %i "$tmp/pidfile")" != "$ino" ] &&
	[ "$(stat -c %a "$tmp/pidfile")" = 644 ] && [ -z "$(ls -A "$tmp" | grep '^\.pidfile')" ]; then
	ok "--pid-file holds the pid when create returns, renamed into place (mode 644, no temporary left)"
else
	ls -la "$tmp" >>"$tmp/out"
	notok "--pid-file holds the pid when create returns, renamed into place (mode 644, no temporary left)"
fi
$CTR delete --force cli6 >/dev/null 2>&1

# ps and events on a running container.
conf '"sleep", "4243"'
run cli7 --detach
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$STATE/cli7/state.json" 2>/dev/null)
st $CTR ps --format json cli7
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "[$pid]" ] && ok "ps --format json: a JSON array of the pids" ||
	notok "ps --format json: a JSON array of the pids (wanted [$pid], status $rc)"
if command -v ps >/dev/null 2>&1; then
	st $CTR ps cli7
	[ $rc -eq 0 ] && head -n 1 "$tmp/out" | grep -qw PID && [ "$(sed 1d "$tmp/out" | awk '{ print $2 }')" = "$pid" ] &&
		ok "ps: ps -ef's table, the container's processes only" ||
		notok "ps: ps -ef's table, the container's processes only (status $rc)"
else
	skip "ps: ps -ef's table, the container's processes only" "no ps(1)"
fi
if [ -n "$(cgroup_of cli7)" ]; then
	st $CTR events --stats cli7
	[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
		grep -Eq '^\{"type":"stats","id":"cli7","data":\{"cpu":\{"usage":\{"total":[0-9]+,' "$tmp/out" &&
		ok "events --stats: one stats object with cpu usage" ||
		notok "events --stats: one stats object with cpu usage (status $rc)"
	timeout 10 $CTR events --interval 200ms cli7 >"$tmp/events" 2>&1 &
	ev=$!
	sleep 0.8
	$CTR kill cli7 KILL
	wait $ev
	rc=$?
	cp "$tmp/events" "$tmp/out"
	[ $rc -eq 0 ] && [ "$(grep -c '^{"type":"stats","id":"cli7"' "$tmp/events")" -ge 2 ] &&
		ok "events --interval 200ms streams stats, and ends when the container stops" ||
		notok "events --interval 200ms streams stats, and ends when the container stops (status $rc)"
else
	skip "events --stats: one stats object with cpu usage" "no cgroup v2 group here"
	skip "events --interval 200ms streams stats, and ends when the container stops" "no cgroup v2 group here"
fi
$CTR delete --force cli7 >/dev/null 2>&1

# update: applied through the cgroup, or an error naming what cannot be.
conf '"sleep", "4244"'
run cli8 --detach
cg=$(cgroup_of cli8)
st $CTR update --memory 100m cli8
if [ -z "$cg" ]; then
	refused "update without a cgroup is an error" 'has no cgroup v2 group'
elif [ -e "$cg/memory.max" ]; then
	[ $rc -eq 0 ] && [ "$(cat "$cg/memory.max")" = 104857600 ] && ok "update --memory 100m sets memory.max" ||
		notok "update --memory 100m sets memory.max (status $rc)"
else
	refused "update --memory without the memory controller is an error naming memory.max" \
		'update "cli8": cannot set memory.max: no such controller for .*nothing was changed'
fi
echo '{"pids": {"limit": 10}, "devices": [{"allow": false, "access": "rwm"}]}' >"$tmp/res.json"
st sh -c "$CTR update --resources - cli8 <'$tmp/res.json'"
if [ -n "$cg" ] && [ -e "$cg/pids.max" ]; then
	[ $rc -eq 0 ] && [ "$(cat "$cg/pids.max")" = 10 ] && ok "update --resources - (stdin) sets pids.max" ||
		notok "update --resources - (stdin) sets pids.max (status $rc)"
elif [ -n "$cg" ]; then
	refused "update --resources - without the pids controller is an error naming pids.max" 'cannot set pids.max: no such controller'
fi
st $CTR update --memory lots cli8
refused "update --memory lots is refused" '^ctr: --memory lots: expected bytes'
st $CTR update --resources "$tmp/res.json" --pids-limit 5 cli8
refused "update: --resources and limit flags together are refused" 'either --resources or limit flags'
echo '{"memory": {"limit": "1g"}}' >"$tmp/res.json"
st $CTR update --resources "$tmp/res.json" cli8
refused "update --resources: a wrong type is named by its path" 'res.json: memory.limit: expected an integer'
st $CTR update --cpu-rt-period 1000 cli8
refused "update --cpu-rt-period is refused (cgroup v2 has no realtime limits)" 'realtime CPU limits are not supported'
st $CTR update --foo 1 cli8
refused "update --foo is refused by name" "unknown flag --foo for 'update'"
$CTR kill cli8 KILL
stopped cli8
st $CTR update --pids-limit 5 cli8
refused "update of a stopped container is an error" 'is stopped: there is nothing to update'
$CTR delete --force cli8 >/dev/null 2>&1

# features: the runtime-spec schema, and every mount option it lists is one create takes.
st $CTR features
if [ -n "$PY" ]; then
	"$PY" - "$tmp/out" >"$tmp/opts" 2>"$tmp/err" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
assert isinstance(f["ociVersionMin"], str) and isinstance(f["ociVersionMax"], str)
assert "prestart" in f["hooks"] and "poststop" in f["hooks"]
l = f["linux"]
assert "mount" in l["namespaces"] and "CAP_SYS_ADMIN" in l["capabilities"]
assert l["cgroup"]["v2"] is True and l["cgroup"]["systemd"] is False
assert l["seccomp"]["enabled"] is True and "SCMP_ACT_ERRNO" in l["seccomp"]["actions"]
prop = {"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"}
o = f["mountOptions"]
# each flag on a tmpfs of its own (remount needs an existing mount: on a
# bind); each bind kind and each propagation on a (remounted) bind of its own
m = [{"destination": "/tmp/f%d" % i, "type": "tmpfs", "source": "tmpfs", "options": [x]}
     for i, x in enumerate(x for x in o if x not in prop | {"bind", "rbind", "remount"})]
m += [{"destination": "/tmp/r", "source": "rootfs/bin", "options": ["rbind", "remount", "ro"]}]
m += [{"destination": "/tmp/b%d" % i, "source": "rootfs/bin", "options": [x]}
      for i, x in enumerate(x for x in o if x in ("bind", "rbind"))]
m += [{"destination": "/tmp/p%d" % i, "source": "rootfs/bin", "options": ["rbind", "ro", x]}
      for i, x in enumerate(x for x in o if x in prop)]
print(", " + ", ".join(json.dumps(x) for x in m))
PY
	if [ $? -eq 0 ] && [ $rc -eq 0 ]; then
		ok "features: JSON in the runtime-spec features schema"
		MOUNTS_EXTRA=$(cat "$tmp/opts") ROOT_RO=false
		conf '"true"'
		unset MOUNTS_EXTRA ROOT_RO
		run cli9
		[ $rc -eq 0 ] && ok "every mount option features lists is taken by create" ||
			notok "every mount option features lists is taken by create (status $rc)"
	else
		cat "$tmp/err" >>"$tmp/out"
		notok "features: JSON in the runtime-spec features schema (status $rc)"
	fi
else
	expect "features: JSON with the runtime-spec keys" '"ociVersionMin"'
fi

# --console-socket: the pty master arrives by SCM_RIGHTS (runc's protocol).
PTY=$(dirname "$0")/pty_drive
cat >"$tmp/recv.py" <<'PY'
import array, os, select, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(10)
c, _ = s.accept()
msg, anc, _, _ = c.recvmsg(256, socket.CMSG_SPACE(4))
fds = [array.array("i", d)[0] for lvl, t, d in anc if lvl == socket.SOL_SOCKET and t == socket.SCM_RIGHTS]
print("payload=%s fds=%d" % (msg.decode(), len(fds)), flush=True)
os.write(fds[0], sys.argv[2].encode())
end = time.time() + 10
while time.time() < end:
    if select.select([fds[0]], [], [], 0.5)[0]:
        try:
            d = os.read(fds[0], 4096)
        except OSError:
            break
        if not d:
            break
        sys.stdout.write(d.decode(errors="replace")); sys.stdout.flush()
PY
if [ -x "$PTY" ] || [ -n "$PY" ]; then
	MOUNTS_EXTRA=', {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666"]}'
	conf '"sh"'
	unset MOUNTS_EXTRA
	sed -i 's/"process": {/"process": {"terminal": true, /' "$B/config.json"
	if [ -x "$PTY" ]; then
		"$PTY" --listen "$tmp/console.sock" --input 'echo $((6*7)); exit\n' >"$tmp/console" 2>&1 &
	else
		"$PY" "$tmp/recv.py" "$tmp/console.sock" 'echo $((6*7)); exit
' >"$tmp/console" 2>&1 &
	fi
	rx=$!
	i=0; while [ ! -S "$tmp/console.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	(cd "$B" && $CTR create --console-socket "$tmp/console.sock" cli10 && $CTR start cli10) >"$tmp/out" 2>&1
	wait $rx
	cat "$tmp/console" >>"$tmp/out"
	expect "--console-socket: the pty master arrives, the shell answers on it" '^42'
	$CTR delete --force cli10 >/dev/null 2>&1
else
	skip "--console-socket: the pty master arrives, the shell answers on it" "no pty_drive or python3"
fi
# --- 9. configs as the engines write them (Podman 4.3, containerd) ---
USERNS_MAPS=', "uidMappings": [{"containerID": 0, "hostID": 0, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 0, "size": 65536}]'
echo from-the-host >"$tmp/hostname"
# Bind mounts with options besides "bind": the flags apply to the new mount.
MOUNTS_EXTRA=", {\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"$tmp/hostname\", \"options\": [\"bind\", \"rprivate\"]}"
conf '"cat", "/etc/hostname"'
run bindprop
[ $rc -eq 0 ] && expect "a file bind mount with rprivate (Podman's /etc/hostname)" '^from-the-host$' ||
	notok "a file bind mount with rprivate (Podman's /etc/hostname) (status $rc)"
mkdir -p "$tmp/shm"
MOUNTS_EXTRA=", {\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"$tmp/hostname\", \"options\": [\"bind\", \"ro\"]},
	{\"destination\": \"/dev/shm\", \"type\": \"bind\", \"source\": \"$tmp/shm\", \"options\": [\"bind\", \"rprivate\", \"nosuid\", \"noexec\", \"nodev\"]}"
ROOT_RO=false
conf '"sh", "-c", "echo x >/etc/hostname || echo hostname-ro; grep \" /dev/shm \" /proc/mounts"'
run bindflags
expect "a file bind mount with ro is read-only" '^hostname-ro$'
expect "Podman's /dev/shm bind: nosuid, nodev, noexec" ' /dev/shm [^ ]+ [^ ]*nosuid,nodev,noexec'
# In a user namespace the kernel locks the source's nosuid, nodev, noexec:
# ro keeps them (a remount that clears them is refused with EPERM).
mkdir -p "$tmp/locked"
if mount -t tmpfs -o nosuid,nodev,noexec,size=64k tmpfs "$tmp/locked"; then
	echo locked >"$tmp/locked/f"
	MOUNTS_EXTRA=", {\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"$tmp/locked/f\", \"options\": [\"bind\", \"ro\"]}"
	NS='{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "user"}' LINUX_EXTRA=$USERNS_MAPS
	conf '"sh", "-c", "grep \" /etc/hostname \" /proc/mounts"'
	run bindlocked
	[ $rc -eq 0 ] && expect "user namespace: bind ro of a nosuid,nodev,noexec source keeps them" \
		' /etc/hostname tmpfs ro,nosuid,nodev,noexec' ||
		notok "user namespace: bind ro of a nosuid,nodev,noexec source (status $rc)"
	umount "$tmp/locked"
else
	skip "user namespace: bind ro of a nosuid,nodev,noexec source keeps them" "cannot mount a tmpfs here"
fi
unset NS LINUX_EXTRA
for o in '"bind", "mode=0755"' '"rbind", "idmap"'; do
	MOUNTS_EXTRA=", {\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"$tmp/hostname\", \"options\": [$o]}"
	conf '"true"'
	run badopt
	bad=${o#*, }
	[ $rc -eq 1 ] && expect "bind option $bad is refused by name" "mounts\\[2\\]\\.options\\[1\\]: .*$(echo $bad | tr -d '"')" ||
		notok "bind option $bad is refused by name (status $rc)"
done
# tmpfs with options on a directory the rootfs lacks; tmpcopyup.
mkdir -p "$B/rootfs/seed/sub"
echo seeded >"$B/rootfs/seed/sub/f"
ln -sf /bin/busybox "$B/rootfs/seed/link"
MOUNTS_EXTRA=', {"destination": "/new/dir", "type": "tmpfs", "source": "tmpfs", "options": ["rprivate", "nosuid", "size=1m"]},
	{"destination": "/seed", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "tmpcopyup"]}'
conf '"sh", "-c", "grep -E \" /(new/dir|seed) \" /proc/mounts; cat /seed/sub/f; readlink /seed/link"'
run tmpfs1
[ $rc -eq 0 ] && expect "tmpfs with rprivate on a missing directory: created and mounted" ' /new/dir tmpfs rw,nosuid' ||
	notok "tmpfs with rprivate on a missing directory: created and mounted (status $rc)"
expect "tmpcopyup: the tmpfs starts with the directory's files" '^seeded$'
expect "... and its symlinks, as links" '^/bin/busybox$'
expect "... on a tmpfs" ' /seed tmpfs '
rm -rf "$B/rootfs/seed" "$B/rootfs/new"
# A destination through a symlink that points out of the rootfs stays inside.
mkdir -p "$tmp/outside"
ln -sfn "$tmp/outside" "$B/rootfs/escape"
MOUNTS_EXTRA=", {\"destination\": \"/escape/f\", \"type\": \"bind\", \"source\": \"$tmp/hostname\", \"options\": [\"bind\"]}"
conf '"true"'
run escape
[ -e "$tmp/outside/f" ] && notok "a mount destination never follows a symlink out of the rootfs" ||
	ok "a mount destination never follows a symlink out of the rootfs"
rm -f "$B/rootfs/escape"
unset MOUNTS_EXTRA ROOT_RO

# Seccomp as Podman and Docker use it: no noNewPrivileges, no CAP_SYS_ADMIN.
# The kernel then takes the filter only while ctr is still privileged.
FIX=$(dirname "$0")/ctr-fixtures/podman-4.3-config.json
PODMAN_SECCOMP=$(sed -n '/^  "seccomp": {/,/^  },$/p' "$FIX" | sed '1s/^  "seccomp": //; $s/,$//')
LINUX_EXTRA=", \"seccomp\": $PODMAN_SECCOMP"
PROCESS_EXTRA=', "noNewPrivileges": false, "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
conf '"grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"'
run seccomp1
[ $rc -eq 0 ] && expect "Podman's seccomp profile, no NNP, no CAP_SYS_ADMIN: loaded" '^Seccomp:.2$' ||
	notok "Podman's seccomp profile, no NNP, no CAP_SYS_ADMIN: loaded (status $rc)"
expect "... without no_new_privs" '^NoNewPrivs:.0$'
PROCESS_EXTRA=', "noNewPrivileges": true'
conf '"grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"'
run seccomp2
[ $rc -eq 0 ] && expect "Podman's seccomp profile with noNewPrivileges: loaded" '^Seccomp:.2$' ||
	notok "Podman's seccomp profile with noNewPrivileges: loaded (status $rc)"
unset PROCESS_EXTRA
# Several conditions on one argument: any of them (runc, crun).
LINUX_EXTRA=', "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]}'
conf '"sh", "-c", "trap : USR1 USR2; for s in USR1 USR2 0; do kill -$s $$ 2>/dev/null && echo $s-sent || echo $s-denied; done"'
run seccomp3
[ $rc -eq 0 ] && expect "two SCMP_CMP_EQ on one argument: the first matches" '^USR1-denied$' ||
	notok "two SCMP_CMP_EQ on one argument (status $rc)"
expect "... the second too" '^USR2-denied$'
expect "... and other values pass" '^0-sent$'
# A filter the kernel refuses (longer than 4096 instructions) fails create.
{
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": ['
	i=1; while [ $i -le 1500 ]; do
		printf '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": %d, "op": "SCMP_CMP_EQ"}]},' $((i * 4294967296 + i))
		i=$((i + 1))
	done
	printf '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}]}]}'
} >"$tmp/big.json"
for nnp in false true; do
	LINUX_EXTRA=", \"seccomp\": $(cat "$tmp/big.json")" PROCESS_EXTRA=", \"noNewPrivileges\": $nnp"
	conf '"sleep", "100"'
	(cd "$B" && $CTR create bigsec) >"$tmp/out" 2>&1
	rc=$?
	$CTR state bigsec >>"$tmp/out" 2>&1 && $CTR delete --force bigsec >/dev/null 2>&1
	[ $rc -eq 1 ] && expect "a filter the kernel refuses fails create (noNewPrivileges $nnp)" \
		'loading the seccomp filter \(linux.seccomp\): Invalid argument' ||
		notok "a filter the kernel refuses fails create (noNewPrivileges $nnp, status $rc)"
	expect "... leaving no container" 'container "bigsec" does not exist'
done
unset LINUX_EXTRA PROCESS_EXTRA

# Hooks read the state with the config's annotations, prestart first.
printf '#!/bin/sh\n{ printf "%%s " "$1"; cat; echo; } >>%s\n' "$tmp/hooks.out" >"$tmp/hook.sh"
printf '#!/bin/sh\n{ printf "%%s " "$1"; cat; echo; } >>/tmp/hooks.out\n' >"$B/rootfs/bin/hook.sh"
chmod 755 "$tmp/hook.sh" "$B/rootfs/bin/hook.sh"
hooks='"hooks": {'
for h in prestart createRuntime createContainer startContainer poststart poststop; do
	p=$tmp/hook.sh; [ $h = startContainer ] && p=/bin/hook.sh
	hooks="$hooks\"$h\": [{\"path\": \"$p\", \"args\": [\"hook.sh\", \"$h\"]}],"
done
TOP_EXTRA="${hooks%,}}, \"annotations\": {\"org.example.key\": \"value\"}," ROOT_RO=false
conf '"true"'
unset TOP_EXTRA ROOT_RO
rm -f "$tmp/hooks.out" "$B/rootfs/tmp/hooks.out"
run hooked
cat "$tmp/hooks.out" "$B/rootfs/tmp/hooks.out" >>"$tmp/out" 2>&1
for h in prestart createRuntime createContainer startContainer poststart poststop; do
	expect "$h hook: ociVersion, id, status, bundle and the annotations on stdin" \
		"^$h \\{\"ociVersion\":\"[^\"]+\",\"id\":\"hooked\",\"status\":\"[a-z]+\",\"pid\":[0-9]+,\"bundle\":\"$B\",\"annotations\":\\{\"org.example.key\":\"value\"\\}\\}"
done
[ "$(sed -n 's/ .*//p' "$tmp/hooks.out" | head -2 | tr '\n' ' ')" = "prestart createRuntime " ] &&
	ok "prestart hooks run before createRuntime ones (runtime spec, runc)" ||
	notok "prestart hooks run before createRuntime ones (runtime spec, runc)"
rm -f "$B/rootfs/bin/hook.sh" "$B/rootfs/tmp/hooks.out"

# No mount namespace, as runc and crun allow: a chroot into the rootfs.
NS='{"type": "pid"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}' ROOT_RO=false
conf '"sh", "-c", "ls /bin/busybox && echo in-rootfs; sleep 4241"'
run nomnt --detach
sleep 0.3
$CTR exec nomnt sh -c 'ls /bin/busybox /etc/passwd 2>&1' >"$tmp/out" 2>&1
expect "no mount namespace: exec runs in the container's root" '^/bin/busybox$'
refuse "... not in the host's" '^/etc/passwd$'
$CTR delete --force nomnt >/dev/null 2>&1
conf '"sh", "-c", "ls /bin/busybox && echo in-rootfs"'
run nomnt2
[ $rc -eq 0 ] && expect "no mount namespace: the container runs in its rootfs" '^in-rootfs$' ||
	notok "no mount namespace: the container runs in its rootfs (status $rc)"
ROOT_RO=true
conf '"true"'
run nomnt3
[ $rc -eq 1 ] && expect "no mount namespace: root.readonly is refused (it would stay on the host)" \
	'root.readonly: true needs a mount namespace' ||
	notok "no mount namespace: root.readonly is refused (status $rc)"
unset NS ROOT_RO
# Their mounts stay in this (the sandbox's) mount table, as with runc.
unmount_all "$B/rootfs"

# Sysctls: only those of the container's own namespaces; before readonlyPaths.
LINUX_EXTRA=', "sysctl": {"net.ipv4.ping_group_range": "0 0", "kernel.shm_rmid_forced": "1"}, "readonlyPaths": ["/proc/sys"]'
conf '"cat", "/proc/sys/net/ipv4/ping_group_range", "/proc/sys/kernel/shm_rmid_forced"'
run sysctl1
[ $rc -eq 0 ] && expect "sysctls are set before /proc/sys turns read-only (Podman's order)" '^0.0$' ||
	notok "sysctls are set before /proc/sys turns read-only (status $rc)"
for k in kernel.randomize_va_space net.ipv4.ip_forward; do
	LINUX_EXTRA=", \"sysctl\": {\"$k\": \"1\"}" NS='{"type": "mount"}, {"type": "pid"}'
	conf '"true"'
	run sysctl2
	[ $rc -eq 1 ] && expect "sysctl $k outside the container's namespaces is refused" "linux.sysctl.$k: " ||
		notok "sysctl $k outside the container's namespaces is refused (status $rc)"
done
unset LINUX_EXTRA NS
# Limits the host does not allow name the rlimit (fs.nr_open caps RLIMIT_NOFILE).
big=$(($(cat /proc/sys/fs/nr_open) + 1))
PROCESS_EXTRA=", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": $big, \"hard\": $big}]"
conf '"true"'
unset PROCESS_EXTRA
run rlim
[ $rc -eq 1 ] && expect "an rlimit the kernel refuses is named" "process.rlimits\\[0\\] \\(soft $big, hard $big\\): Operation not permitted" ||
	notok "an rlimit the kernel refuses is named (status $rc)"

# oomScoreAdj: raising it is always allowed; lowering it needs
# CAP_SYS_RESOURCE, without which it is refused (runc too), never dropped.
for adj in 500 -999; do
	PROCESS_EXTRA=", \"oomScoreAdj\": $adj"
	conf '"cat", "/proc/self/oom_score_adj"'
	unset PROCESS_EXTRA
	run oom
	if [ $adj -gt 0 ] || sh -c 'echo -999 >/proc/self/oom_score_adj' 2>/dev/null; then
		[ $rc -eq 0 ] && expect "oomScoreAdj $adj applies" "^$adj\$" || notok "oomScoreAdj $adj applies (status $rc)"
	else
		[ $rc -eq 1 ] && expect "oomScoreAdj $adj without CAP_SYS_RESOURCE is refused, naming it" \
			"process.oomScoreAdj $adj: Permission denied" ||
			notok "oomScoreAdj $adj without CAP_SYS_RESOURCE is refused (status $rc)"
	fi
done

# Podman 4.3's own config.json (podman --runtime crun run --rootfs), its
# paths moved here: create and start run its sleep, exec looks around.
P=$tmp/podman
mkdir -p "$P/userdata/shm"
cp -a "$B/rootfs" "$P/rootfs"
echo 526a290b3174 >"$P/userdata/hostname"
echo "127.0.0.1 localhost" >"$P/userdata/hosts"
echo "nameserver 127.0.0.1" >"$P/userdata/resolv.conf"
: >"$P/userdata/.containerenv"
hn=$(ulimit -Hn)
# Podman asks for RLIMIT_NOFILE 1048576: only with CAP_SYS_RESOURCE above the hard limit.
[ "$hn" != unlimited ] && [ "$hn" -lt 1048576 ] || hn=1048576
sed -e "s|@USERDATA@|$P/userdata|g" -e "s/: 1048576\$/: $hn/; s/: 1048576,\$/: $hn,/" \
	-e 's/^ "annotations": {$/ "annotations": {"org.lvmm.ctr.resources": "best-effort",/' "$FIX" >"$P/config.json"
(cd "$P" && $CTR create podman && $CTR start podman) >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "Podman's config.json: create and start" || notok "Podman's config.json: create and start (status $rc)"
$CTR exec podman sh -c 'cat /etc/hostname; grep Seccomp: /proc/1/status; umask; cat /proc/sys/net/ipv4/ping_group_range;
	echo x >/proc/sys/kernel/hostname 2>/dev/null || echo proc-sys-ro; cat /proc/mounts' >>"$tmp/out" 2>&1
expect "... its bind mounts (/etc/hostname)" '^526a290b3174$'
expect "... its seccomp profile on the container's process" '^Seccomp:.2$'
expect "... its umask (18 is 0022)" '^0022$'
expect "... its sysctl" '^0.0$'
expect "... /proc/sys read-only" '^proc-sys-ro$'
expect "... /dev/shm nosuid, nodev, noexec" ' /dev/shm [^ ]+ [^ ]*nosuid,nodev,noexec'
expect "... /dev/pts a new instance with gid=5" '^devpts /dev/pts devpts .*gid=5,mode=620,ptmxmode=666'
expect "... /dev/mqueue" '^mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec'
expect "... /sys read-only" '^sysfs /sys sysfs ro,nosuid,nodev,noexec'
expect "... maskedPaths (/sys/firmware)" ' /sys/firmware tmpfs ro'
$CTR delete --force podman >/dev/null 2>&1

# A --root whose parents do not exist yet (a fresh /run) is made, as runc does.
conf '"sh", "-c", "echo made"'
(cd "$B" && $CTR_BIN --root "$tmp/fresh/run/ctr" run deep) >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -qx made "$tmp/out" && [ "$(stat -c %a "$tmp/fresh/run/ctr")" = 700 ] &&
	ok "--root under missing parents: made (mkdir -p), the root itself 0700" ||
	notok "--root under missing parents: made (mkdir -p), the root itself 0700 (status $rc: $(cat "$tmp/out"))"

ls "$STATE" 2>/dev/null >"$tmp/out"
[ -s "$tmp/out" ] && notok "nothing left in the state directory" || ok "nothing left in the state directory"
for s in 4241 4242 4243 4244 4245; do sleepers $s; done >"$tmp/out"
[ -s "$tmp/out" ] && notok "no test process is left running" || ok "no test process is left running"

echo "1..$n"
cat "$tmp/tap"
[ $failed -eq 0 ]
