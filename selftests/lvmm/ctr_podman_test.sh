#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr under Podman (through conmon), side by side with a peer runtime
# (crun where cgroup v2 is whole, runc on a hybrid host, which crun
# refuses): the same matrix of podman commands runs once per runtime, and
# each case must give ctr the peer's result and the expected one. Podman
# runs with a storage root, a run root and a containers.conf of its own
# (cgroupfs manager, no network, rlimits inside this shell's), so nothing
# of the machine's own Podman is read or changed.
# TAP output. usage: ctr_podman_test.sh [CTR PEER BUSYBOX]
# (the test bed's defaults: /usr/bin/ctr, crun, /bin/busybox)
CTR_BIN=$(realpath "${1:-/usr/bin/ctr}")
PEER=$(command -v "${2:-crun}")
BUSYBOX=${3:-/bin/busybox}
. "$(cd "$(dirname "$0")" && pwd)/engine_matrix.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP Podman drives the runtimes as root here"
	exit 0
fi
if ! command -v podman >/dev/null 2>&1 || ! command -v conmon >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - podman and conmon are installed (scripts/testbed/deps.sh installs them)"
	exit 1
fi
if [ -z "$PEER" ]; then
	echo "1..1"
	echo "not ok 1 - the peer runtime ${2:-crun} is installed"
	exit 1
fi

tmp=$(mktemp -d /tmp/ctr-podman.XXXXXX)

# The engine's own world. Rlimits: Podman's defaults raise nofile and
# nproc, which a shell without CAP_SYS_RESOURCE cannot, and Podman lowers
# its own process limit (to 32768 here) before it starts the runtime: ask
# for less than both.
hard_limit() {
	awk -v l="$1" -v cap="$2" 'index($0, l) == 1 { $0 = substr($0, length(l) + 1)
		print ($2 == "unlimited" || $2 + 0 > cap ? cap : $2) }' /proc/self/limits
}
nofile=$(hard_limit "Max open files" 1024) nproc=$(hard_limit "Max processes" 4096)
cat >"$tmp/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
pids_limit = 0
netns = "none"
[engine]
# Runtimes that take --log FILE --log-format json (where conmon then
# reads their errors; stderr is the container's): ctr does, as runc.
runtime_supports_json = ["crun", "runc", "ctr"]
cgroup_manager = "cgroupfs"
events_logger = "file"
image_copy_tmp_dir = "$tmp/libpod"
events_logfile_path = "$tmp/events.log"
EOF
export CONTAINERS_CONF="$tmp/containers.conf"
printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' \
	"$tmp/run" "$tmp/storage" >"$tmp/storage.conf"
export CONTAINERS_STORAGE_CONF="$tmp/storage.conf"
# pm ARGS...: podman with the runtime under test ($RT); a script, so that
# script(1) can run it under a terminal too.
cat >"$tmp/pm" <<EOF
#!/bin/sh
exec podman --tmpdir "$tmp/libpod" --runtime "\$RT" "\$@"
EOF
chmod +x "$tmp/pm"
pm() { "$tmp/pm" "$@"; }
cleanup() {
	for RT in "$PEER" "$CTR_BIN"; do pm rm -af -t 0 >/dev/null 2>&1; done
	RT=$PEER pm rmi -af >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# The image: a busybox rootfs imported as a tarball, as a user would.
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/tmp" "$tmp/rootfs/etc" "$tmp/vol"
cp "$BUSYBOX" "$tmp/rootfs/bin/busybox"
for a in sh echo id hostname sleep cat ls pwd tty true printf; do
	ln -s busybox "$tmp/rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/rootfs/etc/passwd"
echo 'root:x:0:' >"$tmp/rootfs/etc/group"
echo from-the-host >"$tmp/vol/file"
echo host-file >"$tmp/hostfile"
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
if ! RT=$PEER pm import -q "$tmp/rootfs.tar" localhost/ctr-podman-test:1 >"$tmp/import.out" 2>&1; then
	notok "podman imports the busybox rootfs" "$tmp/import.out"
	finish; exit 1
fi
IMG=localhost/ctr-podman-test:1

# The test bed boots without cgroupfs: mount cgroup v2 as ctr_test.sh does.
[ -d /sys/fs/cgroup ] && ! grep -q ' /sys/fs/cgroup ' /proc/mounts &&
	mount -t cgroup2 none /sys/fs/cgroup
# Where the limits can be enforced: a cgroup v2 hierarchy with the memory
# and pids controllers (the test bed); on a hybrid host they live on v1,
# where only the peer (runc) applies them and ctr must refuse.
v2=no
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts && v2=yes

# tty_run CMD...: run CMD on a pseudo-terminal of its own.
PTY=$(cd "$(dirname "$0")" && pwd)/pty_drive
tty_run() {
	tty_rc=0
	"$PTY" --timeout 60 -- "$@" >"$tmp/tty.out" || tty_rc=$?
	tr -d '\r' <"$tmp/tty.out"
	return $tty_rc
}

# The matrix: each case prints what it observed; its status is recorded.
case_echo() { pm run --rm "$IMG" echo hello; }
case_id() { pm run --rm "$IMG" id; }
case_hostname() { pm run --rm --hostname box1 "$IMG" hostname; }
case_env() { pm run --rm -e FOO=bar "$IMG" sh -c 'echo "FOO=$FOO"'; }
case_workdir() { pm run --rm -w /tmp "$IMG" pwd; }
case_user() { pm run --rm --user 1000:1000 "$IMG" id; }
case_memory() {
	pm run --rm --memory 64m "$IMG" sh -c \
		'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
}
case_pids() {
	pm run --rm --pids-limit 77 "$IMG" sh -c \
		'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max'
}
case_bind_dir() { pm run --rm -v "$tmp/vol:/data" "$IMG" cat /data/file; }
case_bind_file_ro() {
	pm run --rm -v "$tmp/hostfile:/etc/motd:ro" "$IMG" sh -c \
		'cat /etc/motd; echo x >/etc/motd && echo writable || echo read-only'
}
case_tty() { tty_run "$tmp/pm" run --rm -it "$IMG" sh -c 'tty; echo done'; }
case_exit_code() { pm run --rm "$IMG" sh -c 'exit 7'; }
case_detached() {
	id=$(pm run -d --name d1 "$IMG" sh -c 'echo started; trap "echo got-term; exit 3" TERM; while :; do sleep 1; done') ||
		return 1
	sleep 1
	pm ps --format '{{.Names}} {{.Status}}' | sed 's/ Up .*/ Up/'
	pm logs d1
	pm exec d1 echo exec-ok
	tty_run "$tmp/pm" exec -it d1 sh -c 'tty >/dev/null && echo exec-tty-ok'
	pm pause d1 >/dev/null && pm inspect --format '{{.State.Status}}' d1
	pm unpause d1 >/dev/null && pm inspect --format '{{.State.Status}}' d1
	pm stop -t 10 d1 >/dev/null
	pm inspect --format 'stopped {{.State.ExitCode}}' d1
	pm logs d1 | tail -n 1
	pm rm d1 >/dev/null && echo removed
}
case_stop_kill() {
	# A PID 1 without a TERM handler ignores SIGTERM: stop escalates.
	pm run -d --name d2 "$IMG" sleep 1000 >/dev/null || return 1
	pm stop -t 1 d2 >/dev/null
	pm inspect --format 'stopped {{.State.ExitCode}}' d2
	pm rm d2 >/dev/null
	pm run -d --name d3 "$IMG" sleep 1000 >/dev/null || return 1
	pm kill d3 >/dev/null
	pm wait d3
	pm rm d3 >/dev/null && echo removed
}
case_wait() {
	pm run -d --name d4 "$IMG" sh -c 'sleep 1; exit 5' >/dev/null || return 1
	pm wait d4
	pm rm d4 >/dev/null && echo removed
}
case_rm_cleanup() {
	pm run --rm --name d5 "$IMG" true
	echo "listed $(pm ps -a --format '{{.Names}}' | grep -c d5)"
}
case_info() { pm info --format '{{.Host.OCIRuntime.Path}}'; }

cases="echo id hostname env workdir user memory pids bind_dir bind_file_ro tty
exit_code detached stop_kill wait rm_cleanup info"

# What each case must show (an extended regex over its output and status).
expected() {
	case $1 in
	echo) echo '^hello rc=0$' ;;
	id) echo '^uid=0\(root\) gid=0\(root\)( groups=.*)? rc=0$' ;;
	hostname) echo '^box1 rc=0$' ;;
	env) echo '^FOO=bar rc=0$' ;;
	workdir) echo '^/tmp rc=0$' ;;
	user) echo '^uid=1000(\(1000\))? gid=1000(\(1000\))?( groups=1000(\(1000\))?)? rc=0$' ;;
	memory) echo '^67108864 rc=0$' ;;
	pids) echo '^77 rc=0$' ;;
	bind_dir) echo '^from-the-host rc=0$' ;;
	bind_file_ro) echo '^host-file .*read-only rc=0$' ;;
	tty) echo '^/dev/pts/[0-9]+ done rc=0$' ;;
	exit_code) echo '^rc=7$' ;;
	detached) echo '^d1 Up started exec-ok exec-tty-ok paused running stopped 3 got-term removed rc=0$' ;;
	stop_kill) echo '^stopped 137 137 removed rc=0$' ;;
	wait) echo '^5 removed rc=0$' ;;
	rm_cleanup) echo '^listed 0 rc=0$' ;;
	info) echo "^$RT rc=0$" ;;
	esac
}

# Where ctr cannot enforce a limit the peer enforces through cgroup v1,
# ctr must refuse the container (which runs without the limit) with an
# error naming the limit.
compare_case() {
	[ $v2 = no ] && { [ "$1" = memory ] || [ "$1" = pids ]; } || return 1
	pd=$(matrix_out "$PEER") cd=$(matrix_out "$CTR_BIN")
	if grep -Eq "$(RT=$PEER expected "$1")" "$pd/$1" && grep -q 'rc=[1-9]' "$cd/$1" &&
		grep -Eq "$(RT=$CTR_BIN expected echo)" "$cd/echo" &&
		grep -v warning "$cd/$1.err" | grep -qi "${1%s}"; then
		ok "$1: refused by ctr without cgroup v2 (${PEER##*/} applies it on v1)"
	else
		notok "$1: refused by ctr without cgroup v2 (${PEER##*/} applies it on v1)" \
			"$pd/$1" "$cd/$1" "$cd/$1.err"
	fi
}

matrix_run "$cases" "$PEER" "$CTR_BIN"
matrix_score "$cases" "$PEER" "$CTR_BIN"
finish
