#!/bin/bash
# Fetch (once) a stock Debian kernel for a test boot: by default Debian
# 12's 6.1 (what linux-image-amd64 points at); VERSION (a release such as
# 6.12.117+deb12-amd64 or 7.3.4+deb13-amd64, or just 6.12 or 7.x for the
# current one, see kdirs.sh) fetches another.
# The .debs are unpacked into the cache (never installed), so the host's
# /boot and module tree are untouched; only the image and the KVM modules
# (the benchmark peer) and the few drivers the beds load are kept, not
# the 400 MB module tree, and modules compressed by the package (6.12 on)
# are stored uncompressed as the 6.1 ones are. 6.1's headers are
# installed normally because lvmm.ko is built against them; other
# kernels' come from kdirs.sh (6.12's headers depend on the image, and
# 7.x's are in kdirs.sh's Debian 13 chroot).
# usage: fetch-stock.sh [VERSION]   (LVMM_STOCK=VERSION sets the default,
# so that LVMM_STOCK=6.12 makes every "stock" boot of the beds Debian's 6.12)
# Prints two lines: the vmlinuz path, then the KDIR for lvmm.ko.
set -euo pipefail
. "$(dirname "$0")/common.sh"

ver=${1:-${LVMM_STOCK:-$(stock_kernel_version)}}
[ -n "$ver" ] || { echo "fetch-stock: cannot resolve linux-image-amd64 (run deps.sh)" >&2; exit 1; }
kdir=
case $ver in
6.12 | 7.x)
	read -r ver kdir _ < <(bash "$TESTBED_DIR/kdirs.sh" "$ver") ;;
6.12.*)
	read -r ver kdir _ < <(LVMM_K612=$ver bash "$TESTBED_DIR/kdirs.sh" 6.12) ;;
*+deb13-amd64)
	read -r v kdir _ < <(bash "$TESTBED_DIR/kdirs.sh" 7.x)
	[ "$v" = "$ver" ] ||
		{ echo "fetch-stock: trixie-backports has $v, not $ver" >&2; exit 1; } ;;
esac
dir=$(stock_kernel_dir "$ver")

exec 9>"$dir.lock"
flock 9
# .done4: the extraction also holds the virtio, tun, overlay, evdev and
# ACPI button modules now.
if [ ! -f "$dir/.done4" ]; then
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp" "$dir"
	case $ver in
	*+deb13-amd64)
		# Debian 13's packaging: the image in linux-binary-*, the
		# modules in linux-modules-*, both under /usr/lib/modules.
		echo "fetch-stock: downloading linux-binary-$ver and linux-modules-$ver" >&2
		dl=$LVMM_TRIXIE_ROOT/var/tmp/lvmm-fetch
		rm -rf "$dl" && mkdir -p "$dl"
		chroot "$LVMM_TRIXIE_ROOT" sh -c "cd /var/tmp/lvmm-fetch &&
			apt-get download -q -o APT::Sandbox::User=root \
				linux-binary-$ver linux-modules-$ver" >/dev/null
		mv "$dl"/*.deb "$dir.tmp/"
		rmdir "$dl"
		m=./usr/lib/modules/$ver/kernel ;;
	*)
		echo "fetch-stock: downloading linux-image-$ver" >&2
		# Sandbox user root: _apt may not write into a cache under /root.
		(cd "$dir.tmp" && apt-get download -q -o APT::Sandbox::User=root \
			"linux-image-$ver" >/dev/null)
		m=./lib/modules/$ver/kernel ;;
	esac
	# kvm-amd needs ccp (SEV), kvm needs irqbypass. The virtio drivers
	# (and what virtio_net needs) go into vmctl's Linux guest; tun lets
	# the test VM give that guest a network; overlayfs is the root of
	# ctr's containers made from images; evdev and button: the guest's
	# ACPI power button (vmctl stop).
	for deb in "$dir.tmp"/*.deb; do
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$dir" --wildcards --no-wildcards-match-slash \
				'./boot/*' './usr/lib/modules/*/vmlinuz' \
				"$m/arch/x86/kvm/*" "$m/virt/lib/*" "$m/drivers/crypto/ccp/*" \
				"$m/drivers/virtio/*" "$m/drivers/block/virtio_blk.ko*" \
				"$m/drivers/char/hw_random/virtio-rng.ko*" "$m/drivers/char/virtio_console.ko*" \
				"$m/drivers/net/virtio_net.ko*" "$m/drivers/net/net_failover.ko*" \
				"$m/net/core/failover.ko*" "$m/drivers/net/tun.ko*" \
				"$m/drivers/input/evdev.ko*" "$m/drivers/acpi/button.ko*" \
				"$m/fs/overlayfs/*" 2>/dev/null || :
	done
	# The layout the beds expect: boot/vmlinuz-VER, lib/modules/VER.
	if [ -d "$dir/usr/lib/modules" ]; then
		mkdir -p "$dir/boot" "$dir/lib"
		mv "$dir/usr/lib/modules/$ver/vmlinuz" "$dir/boot/vmlinuz-$ver"
		mv "$dir/usr/lib/modules" "$dir/lib/"
		rm -rf "$dir/usr"
	fi
	find "$dir/lib/modules" -name '*.ko.xz' -exec xz -d {} +
	for f in "boot/vmlinuz-$ver" "lib/modules/$ver/kernel/arch/x86/kvm/kvm.ko" \
		"lib/modules/$ver/kernel/drivers/net/tun.ko"; do
		[ -f "$dir/$f" ] || { echo "fetch-stock: $f missing from the packages of $ver" >&2; exit 1; }
	done
	rm -rf "$dir.tmp"
	touch "$dir/.done4"
fi

if [ -z "$kdir" ]; then
	kdir=/usr/src/linux-headers-$ver
	if [ ! -f "$kdir/Makefile" ]; then
		echo "fetch-stock: installing linux-headers-$ver" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"linux-headers-$ver" >/dev/null
	fi
fi

echo "$dir/boot/vmlinuz-$ver"
echo "$kdir"
