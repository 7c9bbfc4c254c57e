#!/bin/bash
# Build lvmm.ko out of tree for one kernel without dirtying the checkout:
# kmod/, uapi/ and the top-level Kbuild are mirrored into OUTDIR (mtimes
# kept, so kbuild rebuilds incrementally) and kbuild runs there.
# usage: build-module.sh KDIR OUTDIR   (W=1 in the environment passes on)
# Prints the path of the built lvmm.ko.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=$1 out=$2
[ -f "$kdir/Makefile" ] || { echo "build-module: $kdir is no kernel build tree" >&2; exit 1; }
[ -d "$TOPDIR/kmod" ] || { echo "build-module: $TOPDIR/kmod does not exist" >&2; exit 1; }
mkdir -p "$out"
srcs=("$TOPDIR/kmod" "$TOPDIR/Kbuild")
[ ! -d "$TOPDIR/uapi" ] || srcs+=("$TOPDIR/uapi")

# --delete drops files removed from the repo; the excluded build products
# are protected from it, which keeps the build incremental.
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='modules.order' \
	--exclude='Module.symvers' --exclude='.tmp_*' \
	"${srcs[@]}" "$out/"

make -s -C "$kdir" M="$out" -j"$JOBS" ${W:+W=$W} ${C:+C=$C} modules >&2
echo "$out/kmod/lvmm.ko"
