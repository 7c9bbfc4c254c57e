#!/bin/bash
# Build lvmm.ko out of tree for one kernel without dirtying the checkout:
# kmod/, uapi/ and the top-level Kbuild are mirrored into OUTDIR (mtimes
# kept, so kbuild rebuilds incrementally) and kbuild runs there.
# usage: build-module.sh KDIR OUTDIR   (W=1 and C=2 in the environment pass
# on; SPARSE_OLD=1 see below). A KDIR inside kdirs.sh's Debian 13 chroot is built in it, with
# OUTDIR bind-mounted on its /lvmm.
# Prints the path of the built lvmm.ko.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=$1 out=$2 root=/
[ -f "$kdir/Makefile" ] || { echo "build-module: $kdir is no kernel build tree" >&2; exit 1; }
case $kdir in
"$LVMM_TRIXIE_ROOT"/*) root=$LVMM_TRIXIE_ROOT kdir=${kdir#"$LVMM_TRIXIE_ROOT"} ;;
esac
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

args=(-s -j"$JOBS" ${W:+W=$W} ${C:+C=$C} modules)
# SPARSE_OLD=1 (lint.sh, for 7.x): sparse 0.6.4 on headers newer than it,
# past kbuild's check (a command-line KBUILD_CHECKSRC wins over the
# Makefile's) and with __typeof_unqual__ read as __typeof__.
[ -z "${C:-}" ] || [ -z "${SPARSE_OLD:-}" ] ||
	args=(-s -j"$JOBS" ${W:+W=$W} KBUILD_CHECKSRC="$C" "CHECK=sparse -D__typeof_unqual__=__typeof__" modules)
if [ "$root" = / ]; then
	make -C "$kdir" M="$out" "${args[@]}" >&2
else
	# A mount namespace of its own: /proc (objtool reads it) and the
	# output directory are mounted for this build only.
	unshare -m sh -ec 'mount -t proc proc "$1/proc"; mount --bind "$2" "$1/lvmm"
		r=$1 k=$3; shift 3
		exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin make -C "$k" M=/lvmm "$@"' \
		sh "$root" "$out" "$kdir" "${args[@]}" >&2
fi
echo "$out/kmod/lvmm.ko"
