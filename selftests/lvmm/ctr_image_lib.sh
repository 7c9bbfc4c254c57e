# SPDX-License-Identifier: GPL-2.0
# Sourced by the ctr-image tests (ctr_image_archive_test.sh,
# ctr_registry_interop_test.sh,
# ctr_image_build_test.sh): TAP bookkeeping (engine_matrix.sh's ok, notok,
# finish), a busybox root filesystem, and Podman, skopeo and umoci with a
# world of their own under $tmp (storage, containers.conf), so nothing of
# the host's images or configuration is touched. Sourced with the test's
# arguments (CTR-IMAGE BUSYBOX; the test bed's defaults: /usr/bin/ctr-image,
# /bin/busybox), it makes $tmp and the image bb (a busybox root filesystem
# imported, $tmp/rootfs) or ends the test.
# In the test bed busybox is the userland, and its shell runs its own
# applets whatever PATH says: GNU's tar, find, diff and cmp, staged beside
# it (mkinitramfs.sh) for what busybox's lack, are called as functions.
if [ -d /usr/lib/lvmm-gnu ]; then
	for t in tar find diff cmp; do
		eval "$t() { /usr/lib/lvmm-gnu/$t \"\$@\"; }"
	done
fi
CI=$(realpath "${1:-/usr/bin/ctr-image}")
BUSYBOX=${2:-/bin/busybox}
tmp=$(mktemp -d /tmp/ctr-image-test.XXXXXX)
. "$(cd "$(dirname "$0")" && pwd)/engine_matrix.sh"

# ci ARGS...: ctr-image on the test's store
ci() { "$CI" --store "$tmp/store" "$@"; }

# rootfs DIR: a busybox root filesystem with /etc/hello
rootfs() {
	mkdir -p "$1/bin" "$1/etc" "$1/tmp" "$1/root"
	cp "$BUSYBOX" "$1/bin/busybox"
	for a in sh cat ls echo true false mkdir id printf test env pwd sleep touch rm; do
		ln -s busybox "$1/bin/$a"
	done
	echo hello >"$1/etc/hello"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$1/etc/passwd"
	echo 'root:x:0:' >"$1/etc/group"
}

# podman_setup: pm runs podman in the test's world (vfs storage; the
# cgroupfs manager and rlimits this shell can grant, as ctr_podman_test.sh)
podman_setup() {
	nofile=$(awk '/^Max open files/ { print ($5 == "unlimited" || $5 > 1024) ? 1024 : $5 }' /proc/self/limits)
	nproc=$(awk '/^Max processes/ { print ($4 == "unlimited" || $4 > 4096) ? 4096 : $4 }' /proc/self/limits)
	printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\npids_limit = 0\nnetns = "none"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "%s"\n' \
		"$nofile" "$nofile" "$nproc" "$nproc" "$tmp/events.log" >"$tmp/containers.conf"
	printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' \
		"$tmp/prun" "$tmp/pstore" >"$tmp/storage.conf"
	export CONTAINERS_CONF="$tmp/containers.conf" CONTAINERS_STORAGE_CONF="$tmp/storage.conf"
	# The test bed boots without cgroupfs: mount cgroup v2 as ctr_test.sh does.
	[ -d /sys/fs/cgroup ] && ! grep -q ' /sys/fs/cgroup ' /proc/mounts &&
		mount -t cgroup2 none /sys/fs/cgroup
	# crun refuses a hybrid cgroup layout; runc runs on both
	PM_RUNTIME=crun
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || PM_RUNTIME=runc
}
pm() { podman --tmpdir "$tmp/libpod" --runtime "$PM_RUNTIME" "$@"; }
pm_cleanup() {
	[ -n "$PM_RUNTIME" ] || return 0
	pm rm -af -t 0 >/dev/null 2>&1
	pm rmi -af >/dev/null 2>&1
	umount -R "$tmp/pstore" 2>/dev/null
}

# unpack_oci LAYOUT:NAME DIR: the image's root filesystem in DIR/rootfs (umoci)
unpack_oci() { umoci unpack --image "$1" "$2" >/dev/null 2>&1; }

# same_tree A B: the same names, types, modes and contents (mtimes aside)
tree_list() { (cd "$1" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort); }
same_tree() {
	[ "$(tree_list "$1")" = "$(tree_list "$2")" ] && diff -r --no-dereference "$1" "$2" >/dev/null
}

# same_run NAME WANT OUT: OUT is WANT (a run that printed hello), to the byte
same_run() {
	if grep -qx hello "$2" && cmp -s "$2" "$3"; then
		ok "$1"
	else
		diff "$2" "$3" >"$3.diff" 2>&1
		notok "$1" "$3.diff"
	fi
}
# need TOOL...: a TAP failure (not a skip) for a missing tool deps.sh installs
need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		notok "$t is installed (scripts/testbed/deps.sh)"
		return 1
	done
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP ctr-image unpacks layers (and builds) as root"
	rm -rf "$tmp"
	exit 0
fi
cleanup() { pm_cleanup; rm -rf "$tmp"; }
trap cleanup EXIT
rootfs "$tmp/rootfs"
tar -C "$tmp/rootfs" -czf "$tmp/rootfs.tgz" .
if ! ci import "$tmp/rootfs.tgz" bb >"$tmp/import.out" 2>&1; then
	notok "import a busybox rootfs as bb" "$tmp/import.out"
	finish
	exit 1
fi
ok "import a busybox rootfs as bb"
