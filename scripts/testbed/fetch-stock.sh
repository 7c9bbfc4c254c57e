#!/bin/bash
# Fetch (once) Debian's stock 6.1 kernel for the second test boot.
# The .deb is unpacked into the cache (never installed), so the host's
# /boot and module tree are untouched; only the image and the KVM modules
# (the benchmark peer) are kept, not the 400 MB module tree. The headers
# are installed normally because lvmm.ko is built against them.
# Prints two lines: the vmlinuz path, then the KDIR for lvmm.ko.
set -euo pipefail
. "$(dirname "$0")/common.sh"

ver=${1:-$(stock_kernel_version)}
[ -n "$ver" ] || { echo "fetch-stock: cannot resolve linux-image-amd64 (run deps.sh)" >&2; exit 1; }
dir=$(stock_kernel_dir "$ver")

exec 9>"$dir.lock"
flock 9
# .done2: the extraction also holds the virtio and tun modules now.
if [ ! -f "$dir/.done2" ]; then
	echo "fetch-stock: downloading linux-image-$ver" >&2
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	# Sandbox user root: _apt may not write into a cache under /root.
	(cd "$dir.tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-image-$ver" >/dev/null)
	mkdir -p "$dir"
	# kvm-amd needs ccp (SEV), kvm needs irqbypass. The virtio drivers
	# (and what virtio_net needs) go into vmctl's Linux guest; tun lets
	# the test VM give that guest a network.
	m=./lib/modules/$ver/kernel
	dpkg-deb --fsys-tarfile "$dir.tmp"/linux-image-"$ver"_*.deb |
		tar -x -C "$dir" ./boot "$m/arch/x86/kvm" "$m/virt/lib" "$m/drivers/crypto/ccp" \
			"$m/drivers/virtio" "$m/drivers/block/virtio_blk.ko" \
			"$m/drivers/char/hw_random/virtio-rng.ko" "$m/drivers/char/virtio_console.ko" \
			"$m/drivers/net/virtio_net.ko" "$m/drivers/net/net_failover.ko" \
			"$m/net/core/failover.ko" "$m/drivers/net/tun.ko"
	rm -rf "$dir.tmp"
	touch "$dir/.done2"
fi

kdir=/usr/src/linux-headers-$ver
if [ ! -f "$kdir/Makefile" ]; then
	echo "fetch-stock: installing linux-headers-$ver" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"linux-headers-$ver" >/dev/null
fi

echo "$dir/boot/vmlinuz-$ver"
echo "$kdir"
