#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr's images inside the test VM: the bed's kernels (overlayfs, cgroup v2
# with controllers), where the host test (ctr_image_test.sh, with skopeo
# and umoci as peers) cannot look: import a busybox tarball, run from it,
# the limits of `ctr container run` in the container's cgroup, commit,
# and a container killed under its monitor leaves nothing mounted.
# TAP output.
CTR="ctr --store /tmp/ctr-store --root /tmp/ctr-image-state"
n=0 failed=0
tmp=$(mktemp -d)
cleanup() {
	for c in $(ls /tmp/ctr-store/containers 2>/dev/null); do
		ctr --root /tmp/ctr-image-state delete --force "$c" >/dev/null 2>&1
	done
	rm -rf "$tmp" /tmp/ctr-store /tmp/ctr-image-state
}
trap cleanup EXIT
# The plan comes first (parse-results.awk): results are collected and printed after it.
exec 3>&1 >"$tmp/tap"
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" | head -20; }
# is NAME WANT COMMAND...: the command prints exactly WANT
is() {
	d=$1 want=$2
	shift 2
	got=$("$@" 2>"$tmp/out")
	if [ "$got" = "$want" ]; then ok "$d"; else echo "want: $want, got: $got" >>"$tmp/out"; notok "$d"; fi
}

grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
if ! grep -qw overlay /proc/filesystems; then
	echo "1..1"
	echo "not ok 1 - overlayfs in the bed's kernel (built in, or overlay.ko in the image: stage.sh)"
	exit 1
fi

rf=$tmp/rootfs
mkdir -p "$rf/bin" "$rf/etc"
cp /bin/busybox "$rf/bin/"
for t in sh cat echo id sleep rm ls; do ln -s busybox "$rf/bin/$t"; done
echo hi >"$rf/etc/hello"
tar -C "$rf" -czf "$tmp/rootfs.tgz" .

if $CTR import "$tmp/rootfs.tgz" base >"$tmp/out" 2>&1; then ok "import a rootfs tarball"; else notok "import a rootfs tarball"; fi
is "run from the image" "hi" $CTR container run --rm base cat /etc/hello
is "its exit status" "3" sh -c "$CTR container run --rm base sh -c 'exit 3'; echo \$?"
is "--memory 64m is memory.max in its cgroup" "67108864" $CTR container run --rm --memory 64m base cat /sys/fs/cgroup/memory.max
is "--pids-limit 77 is pids.max" "77" $CTR container run --rm --pids-limit 77 base cat /sys/fs/cgroup/pids.max
is "--cpus 0.5 is cpu.max" "50000 100000" $CTR container run --rm --cpus 0.5 base cat /sys/fs/cgroup/cpu.max
is "a bad --memory is one clear error" "125 1" sh -c "$CTR container run --rm --memory lots base true 2>$tmp/e; echo \$? \$(grep -c 'give a size' $tmp/e)"
$CTR container run --name w base sh -c 'echo new >/new; rm /etc/hello' >"$tmp/out" 2>&1
if $CTR commit w base2 >>"$tmp/out" 2>&1; then ok "commit"; else notok "commit"; fi
is "the commit has the new file and not the deleted one" "new gone" $CTR container run --rm base2 sh -c 'echo $(cat /new) $([ -e /etc/hello ] && echo there || echo gone)'
is "the base image is untouched" "hi" $CTR container run --rm base cat /etc/hello
$CTR container rm w >/dev/null 2>&1
name=$($CTR container run -d --name bg base sleep 60 2>"$tmp/out")
is "run -d" "bg" echo "$name"
# SIGKILL of the monitor and the container: the overlay was in the
# monitor's mount namespace, so nothing stays mounted on the host.
ctr --root /tmp/ctr-image-state kill bg KILL >/dev/null 2>&1
pkill -KILL -f 'container run -d --name bg' 2>/dev/null
sleep 1
is "nothing of it stays mounted" "0" sh -c "grep -c /tmp/ctr-store /proc/mounts"
if $CTR container rm --force bg >"$tmp/out" 2>&1; then ok "container rm --force after the kill"; else notok "container rm --force after the kill"; fi
is "and no container is left" "" ls /tmp/ctr-store/containers
if $CTR rmi base2 base >"$tmp/out" 2>&1 && [ "$(ls /tmp/ctr-store/layers | grep -vc empty)" = 0 ]; then
	ok "rmi of both removes every layer"
else
	notok "rmi of both removes every layer"
fi
echo "1..$n" >&3
cat "$tmp/tap" >&3
[ $failed = 0 ]
