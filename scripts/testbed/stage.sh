#!/bin/bash
# Ready one kernel for a test boot: build lvmm.ko against it and pack the
# initramfs. KIND is "test" (the cached KUnit kernel, built if needed),
# "stock" (Debian 12's 6.1, fetched if needed), "stock-6.12" (Debian's
# 6.12, the kernel of Debian 13) or "stock-7.x" (trixie-backports'
# newest). Leaves OUTDIR/kernel (the image's path) and
# OUTDIR/initramfs.cpio.gz; the module is built in $LVMM_OUT/mod-KIND.
# GUESTS: the Linux guests vmctl's test boots in this bed, any of "debian"
# (Debian's stock kernel, unmodified), "debian-6.12" and "debian-7.x"
# (Debian 13's kernel and trixie-backports' newest, unmodified, fetched
# if needed), "small" (the bed's small guest kernel, built here if needed)
# and "test" (the test kernel itself); default "debian small test", ""
# for none. Each left out keeps the initramfs smaller, which
# Bochs reads from its emulated CD and init copies to a tmpfs.
# usage: stage.sh KIND OUTDIR [GUESTS]
set -euo pipefail
. "$(dirname "$0")/common.sh"

kind=$1 out=$2 guests=${3-debian small test}
has_guest() { case " $guests " in *" $1 "*) return 0 ;; esac; return 1; }
case $kind in
test)
	kdir=$(bash "$TESTBED_DIR/build-kernel.sh")
	image=$kdir/arch/x86/boot/bzImage
	kver=$(cat "$kdir/include/config/kernel.release")
	modtree=$(dirname "$kdir")/modroot/lib/modules/$kver ;;
stock | stock-6.12 | stock-7.x)
	# stock: Debian 12's 6.1 (or LVMM_STOCK's); stock-6.12: Debian's 6.12;
	# stock-7.x: trixie-backports' newest
	v=
	[ "$kind" = stock ] || v=${kind#stock-}
	info=$(bash "$TESTBED_DIR/fetch-stock.sh" $v)
	image=${info%%$'\n'*} kdir=${info#*$'\n'}
	kver=${image##*/vmlinuz-}
	modtree=${image%/boot/*}/lib/modules/$kver ;;
*)
	echo "stage: unknown kernel kind '$kind' (test, stock, stock-6.12 or stock-7.x)" >&2
	exit 2 ;;
esac

mkdir -p "$out"
# One module build per kernel, shared by its beds (kbuild is incremental).
ko=$(bash "$TESTBED_DIR/build-module.sh" "$kdir" "$LVMM_OUT/mod-$kind")

# KVM, the benchmark's peer (kvm_amd for SVM, kvm_intel for VMX), with
# what it needs (Debian's kvm_amd needs ccp for SEV): follow modinfo's
# depends field from both.
declare -A path seen
while read -r f; do
	n=${f##*/} && n=${n%%.ko*} && path[${n//-/_}]=$f
done < <(find "$modtree" -name '*.ko*')
# tun: vmctl's guest network; overlay: ctr's containers from images (both
# built into the test kernel).
want=(kvm_amd kvm_intel tun overlay) kvm=()
while [ ${#want[@]} -gt 0 ]; do
	m=${want[0]} && want=("${want[@]:1}")
	[ -z "${seen[$m]:-}" ] && [ -n "${path[$m]:-}" ] || continue
	seen[$m]=1 && kvm+=("${path[$m]}")
	IFS=, read -ra deps <<<"$(modinfo -F depends "${path[$m]}")"
	want+=("${deps[@]}")
done
# The Linux guests of vmctl's tests: Debian's kernel (with its virtio
# modules), the small guest kernel, the test kernel (when it has been built).
guest='' guest_mods='' small_guest='' test_guest='' guest_612='' guest_7x=''
mods_of() { echo "${1%/boot/*}/lib/modules/${1##*/vmlinuz-}/kernel"; }
if has_guest debian; then
	guest=$image
	[ "$kind" = stock ] || { info=$(bash "$TESTBED_DIR/fetch-stock.sh") && guest=${info%%$'\n'*}; }
	guest_mods=$(mods_of "$guest")
fi
if has_guest debian-6.12; then
	info=$(bash "$TESTBED_DIR/fetch-stock.sh" 6.12) && guest_612=${info%%$'\n'*}
	guest_mods="$guest_mods $(mods_of "$guest_612")"
fi
if has_guest debian-7.x; then
	info=$(bash "$TESTBED_DIR/fetch-stock.sh" 7.x) && guest_7x=${info%%$'\n'*}
	guest_mods="$guest_mods $(mods_of "$guest_7x")"
fi
if has_guest small; then
	small_guest=$(bash "$TESTBED_DIR/build-kernel.sh" guest)/arch/x86/boot/bzImage
fi
if has_guest test; then
	test_guest=$(bash "$TESTBED_DIR/build-kernel.sh" --print-dir-if-built)
	[ -z "$test_guest" ] || test_guest=$test_guest/arch/x86/boot/bzImage
fi
LVMM_GUEST_TEST_KERNEL=$test_guest LVMM_GUEST_SMALL_KERNEL=$small_guest LVMM_GUEST_KERNEL=$guest \
	LVMM_GUEST_KERNEL_612=$guest_612 LVMM_GUEST_KERNEL_7X=$guest_7x \
	LVMM_GUEST_MODULES=$guest_mods bash "$TESTBED_DIR/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$kver" "$ko" "${kvm[@]}"
echo "$image" >"$out/kernel"
