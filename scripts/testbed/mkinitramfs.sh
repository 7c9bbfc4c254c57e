#!/bin/bash
# Pack the test VM's initramfs: static busybox, /init (init.sh), lvmm.ko,
# the given extra modules (KVM, the benchmark peer; `modprobe kvm_amd`
# works inside), and whatever userspace exists in the checkout:
#   /selftests/TESTS + each program it lists  <- selftests/lvmm/
#   /selftests/<helper> for each line of HELPERS
#   /usr/bin/crun, /usr/bin/runc + libraries  <- the host's (reference runtimes)
#   /usr/bin/vmctl (and /vmctl), /guests/*.bin <- tools/vmctl/
#   /guests/bzImage                            <- $LVMM_GUEST_KERNEL (Debian's, if set)
#   /guests/bzImage-6.12, bzImage-7.x          <- $LVMM_GUEST_KERNEL_612, _7X (Debian's newer ones)
#   /guests/small-bzImage                      <- $LVMM_GUEST_SMALL_KERNEL (if set)
#   /guests/test-bzImage                       <- $LVMM_GUEST_TEST_KERNEL (if set)
#   /guests/initrd.cpio.gz                     <- busybox + linux-guest-init.sh + the
#                                                 virtio modules ($LVMM_GUEST_MODULES), for them
#   /usr/bin/ctr, /usr/bin/ctr-image + libraries <- tools/ctr/
#   /usr/bin/podman, conmon, skopeo, umoci     <- the host's, + libraries (LVMM_IMAGE_ENGINES=1)
#   /bench/* (executables), /bench.sh          <- tools/bench/
#   /demo.sh                                   <- scripts/testbed/guest-demo.sh
# usage: mkinitramfs.sh OUT.cpio.gz KVER LVMM_KO [MODULE.ko...]
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$1 kver=$2 ko=$3
shift 3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,selftests}

# There is no libc in the image: a dynamic binary gets its loader and
# libraries copied along (and a warning, since the tools should be static).
add() { # add SRC DEST-IN-ROOT [dynamic-ok]
	install -D -m "$(stat -c %a "$1")" "$1" "$root/$2"
	if readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; then
		[ -n "${3:-}" ] || echo "mkinitramfs: warning: $1 is not static; copying its libraries" >&2
		ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
			[ -e "$root$lib" ] || install -D "$lib" "$root$lib"
		done
	fi
}

add /bin/busybox bin/busybox
"$root/bin/busybox" --list-full | while read -r applet; do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
install -m 755 "$TESTBED_DIR/init.sh" "$root/init"
install -m 755 "$TESTBED_DIR/guest-demo.sh" "$root/demo.sh"
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true # not as a user
install -m 644 "$ko" "$root/lvmm.ko"

moddir=$root/lib/modules/$kver/kernel
mkdir -p "$moddir"
for m in "$@"; do
	case $m in
	*.xz) xz -dc "$m" >"$moddir/$(basename "$m" .xz)" ;;
	*.zst) zstd -qdc "$m" >"$moddir/$(basename "$m" .zst)" ;;
	*) cp "$m" "$moddir/" ;;
	esac
done
depmod -b "$root" "$kver" 2>/dev/null

st=$TOPDIR/selftests/lvmm
if [ -f "$st/TESTS" ]; then
	cp "$st/TESTS" "$root/selftests/TESTS"
	while read -r t _; do
		case $t in '' | '#'*) continue ;; esac
		# A missing program is left out here and fails inside (rc=127).
		if [ -f "$st/$t" ]; then add "$st/$t" "selftests/$t"
		else echo "mkinitramfs: warning: selftest $t is not built" >&2; fi
	done <"$st/TESTS"
	while read -r t; do
		[ ! -f "$st/$t" ] || add "$st/$t" "selftests/$t"
	done <"$st/HELPERS"
fi

vm=$TOPDIR/tools/vmctl
if [ -x "$vm/vmctl" ]; then
	add "$vm/vmctl" usr/bin/vmctl
	ln -s usr/bin/vmctl "$root/vmctl"
fi
for g in "$vm"/guests/*.bin; do
	[ ! -f "$g" ] || install -D -m 644 "$g" "$root/guests/${g##*/}"
done
# The Linux guests of vmctl's tests (stage.sh picks them per bed), and one
# busybox initramfs for all of them.
guest_kernels=0
for g in bzImage:${LVMM_GUEST_KERNEL:-} small-bzImage:${LVMM_GUEST_SMALL_KERNEL:-} \
	test-bzImage:${LVMM_GUEST_TEST_KERNEL:-} bzImage-6.12:${LVMM_GUEST_KERNEL_612:-} \
	bzImage-7.x:${LVMM_GUEST_KERNEL_7X:-}; do
	[ -n "${g#*:}" ] || continue
	install -D -m 644 "${g#*:}" "$root/guests/${g%%:*}"
	guest_kernels=$((guest_kernels + 1))
done
if [ $guest_kernels -gt 0 ]; then
	groot=$(mktemp -d)
	mkdir -p "$groot"/{bin,dev,proc,sys,tmp}
	cp /bin/busybox "$groot/bin/"
	for a in sh mount echo cat grep sleep reboot poweroff tr cut setsid mkfifo; do ln -s busybox "$groot/bin/$a"; done
	for a in ls dd od head wc ip ping sync insmod stty tty ps uname dmesg sed sort; do ln -s busybox "$groot/bin/$a"; done
	for a in mkdir chmod acpid killall; do ln -s busybox "$groot/bin/$a"; done
	# Each stock kernel's virtio drivers (and the power button's), in load
	# order, under its release (the init loads them when it runs that
	# kernel; the small and test kernels have them built in).
	# LVMM_GUEST_MODULES: their .../lib/modules/RELEASE/kernel trees.
	for tree in ${LVMM_GUEST_MODULES:-}; do
		gmods=$groot/lib/modules/$(basename "$(dirname "$tree")")
		mkdir -p "$gmods"
		for m in virtio/virtio_ring virtio/virtio virtio/virtio_mmio block/virtio_blk \
			char/hw_random/virtio-rng char/virtio_console ../net/core/failover \
			net/net_failover net/virtio_net input/evdev acpi/button; do
			f=$tree/drivers/$m.ko
			[ -f "$f" ] || continue
			cp "$f" "$gmods/"
			echo "${m##*/}.ko" >>"$gmods/order"
		done
	done
	install -m 755 "$TESTBED_DIR/linux-guest-init.sh" "$groot/init"
	(cd "$groot" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$root/guests/initrd.cpio.gz"
	rm -rf "$groot"
fi
[ ! -x "$TOPDIR/tools/ctr/ctr" ] || add "$TOPDIR/tools/ctr/ctr" usr/bin/ctr
# ctr's image verbs (dynamic: libcurl, libarchive; ctr runs it from beside itself)
[ ! -x "$TOPDIR/tools/ctr/ctr-image" ] || add "$TOPDIR/tools/ctr/ctr-image" usr/bin/ctr-image dynamic-ok
# The reference runtimes, for the side-by-side test and the benchmark
# (Debian's builds are dynamic: their libraries come along).
for r in crun runc; do
	p=$(command -v "$r") || continue
	add "$p" "usr/bin/$r" dynamic-ok
done
# The engines ctr runs under, and the image peers ctr's archives and
# pushes are checked against (LVMM_IMAGE_ENGINES=1: the beds that run
# selftests tagged "engines"; 80 MB that the others do without).
if [ -n "${LVMM_IMAGE_ENGINES:-}" ]; then
	for p in podman conmon skopeo umoci docker-registry; do
		add "$(command -v "$p")" "usr/bin/$p" dynamic-ok
	done
	# GNU tar, find, diff and cmp for the image tests (--transform,
	# -printf, --no-dereference), beside busybox, not in its place:
	# ctr_image_lib.sh puts them first in its own PATH only.
	for p in tar find diff cmp; do
		add "$(command -v "$p")" "usr/lib/lvmm-gnu/$p" dynamic-ok
	done
	for f in /usr/share/containers/seccomp.json /etc/containers/policy.json; do
		[ ! -f "$f" ] || install -D -m 644 "$f" "$root$f"
	done
fi
for b in "$TOPDIR"/tools/bench/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	case ${b##*/} in
	bench.sh) add "$b" bench.sh ;;
	*) add "$b" "bench/${b##*/}" ;;
	esac
done

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
