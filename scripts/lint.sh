#!/bin/bash
# Kernel-side lint: checkpatch (from Debian's linux-source-6.1) on kmod/
# and uapi/, then a W=1 build with sparse (C=2) against every kernel lvmm
# supports: Debian's 6.1, 6.12 and trixie-backports' 7.x, prepared and
# cached by testbed/kdirs.sh (7.x in a Debian 13 chroot, with a sparse
# older than its headers: see old_sparse_filter), plus the running
# kernel's tree and the test kernel once built. Any finding fails.
# usage: lint.sh [KDIR...]   (only these trees, on this machine)
# A check whose inputs (kmod/, uapi/, Kbuild, these scripts, the tree) are
# unchanged since its last clean run is not run again. On 7.x (6.18 made
# KVM's helpers KVM's only) lvmm.ko is built without its VMX backend
# (kmod/compat.h), and links like the others.
set -euo pipefail
. "$(dirname "$0")/testbed/common.sh"

start=$SECONDS
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
cpdir=$LVMM_CACHE/checkpatch-$ver
if [ ! -f "$cpdir/scripts/checkpatch.pl" ]; then
	rm -rf "$cpdir.tmp"
	mkdir -p "$cpdir.tmp"
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$cpdir.tmp" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	rm -rf "$cpdir"
	mv "$cpdir.tmp" "$cpdir"
fi

cd "$TOPDIR"
mapfile -t files < <(find kmod uapi -name '*.[chS]' ! -name '*.mod.c' ! -path kmod/compat.h |
	LC_ALL=C sort)
fail=0
mkdir -p "$LVMM_OUT/lint"
# What the results depend on: a check whose inputs are unchanged since its
# last clean run is not run again.
inputs=$( (find kmod uapi Kbuild -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod*' \
	! -name '.*.cmd' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	sha256sum "$0" "$TESTBED_DIR/build-module.sh" "$TESTBED_DIR/kdirs.sh") | sha256sum)
checkpatch() {
	"$cpdir/scripts/checkpatch.pl" --no-tree --terse --show-types "$@" 2>&1 |
		grep -v '^total: 0 errors, 0 warnings' || :
}
# --strict CHECKs are advice; uapi cannot use BIT() so only -W level counts.
# kmod/compat.h is where lvmm tests the kernel version, which checkpatch
# (written for in-tree code) always flags.
cpkey=$(echo "$inputs $ver" | sha256sum | cut -c1-16)
if [ "$(cat "$LVMM_OUT/lint/checkpatch.ok" 2>/dev/null)" != "$cpkey" ]; then
	rm -f "$LVMM_OUT/lint/checkpatch.ok"
	out=$(checkpatch --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f "${files[@]}"
		checkpatch --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
			-f kmod/compat.h)
	if [ -n "$out" ]; then
		printf 'checkpatch:\n%s\n' "$out"
		fail=1
	else
		echo "$cpkey" >"$LVMM_OUT/lint/checkpatch.ok"
	fi
fi

# The trees: NAME KDIR SPARSE (see kdirs.sh).
trees=()
if [ $# -gt 0 ]; then
	for k in "$@"; do trees+=("$(basename "$(dirname "$k")")-$(basename "$k") $k 2"); done
else
	mapfile -t trees < <(bash "$TESTBED_DIR/kdirs.sh") ||
		{ echo "lint: kdirs.sh failed" >&2; exit 1; }
	[ ${#trees[@]} -eq 3 ] || { echo "lint: kdirs.sh failed" >&2; exit 1; }
	for k in "/lib/modules/$(uname -r)/build" \
		"$(bash "$TESTBED_DIR/build-kernel.sh" --print-dir-if-built)"; do
		[ -f "$k/Makefile" ] || continue
		k=$(readlink -f "$k")
		printf '%s\n' "${trees[@]}" | grep -q " $k " ||
			trees+=("$(basename "$(dirname "$k")")-$(basename "$k") $k 2")
	done
fi

# Sparse 0.6.4 on 7.x (kdirs.sh's "old"): kbuild's complaints that the
# checker is missing or too old (it runs anyway), and the one construct of
# those headers it cannot evaluate, MODULE_INFO's ("bad constant
# expression" on each MODULE_* line), go; everything else it says stays.
old_sparse_filter() {
	local line f l
	while IFS= read -r line; do
		case $line in
		*checker-valid.sh:*"No such file or directory" | *"specified, but sparse"*"is not available or not up to date") continue ;;
		*": error: bad constant expression")
			f=${line%%:*} l=${line#*:} l=${l%%:*}
			sed -n "${l}p" "$1/$f" 2>/dev/null | grep -q '^MODULE_' && continue ;;
		esac
		printf '%s\n' "$line"
	done
}

for t in "${trees[@]}"; do
	read -r name kdir sparse <<<"$t"
	build=$LVMM_OUT/lint/$name
	mkdir -p "$build"
	key=$(echo "$inputs $name $kdir $sparse $(stat -c %Y "$kdir/.config" 2>/dev/null)" |
		sha256sum | cut -c1-16)
	if [ "$(head -n1 "$build.ok" 2>/dev/null)" != "$key" ]; then
		rm -f "$build.ok"
		cflag=
		case $sparse in
		0) ;;
		old) cflag=2 ;;
		*) cflag=$sparse ;;
		esac
		if [ "$(cat "$build.clean" 2>/dev/null)" = "sparse=$sparse" ]; then
			# The last build here was clean, with the same checker:
			# kbuild recompiles (and sparse checks, C=1) only what
			# changed since.
			[ -z "$cflag" ] || cflag=1
		else
			# Fresh objects so that every file is compiled (and checked).
			rm -rf "$build/kmod"
		fi
		rm -f "$build.clean"
		rc=0
		old=
		[ "$sparse" != old ] || old=1
		warn=$(W=1 C=$cflag SPARSE_OLD=$old bash "$TESTBED_DIR/build-module.sh" \
			"$kdir" "$build" 2>&1 >/dev/null) || rc=$?
		warn=$(grep -v 'Skipping BTF generation' <<<"$warn" || :)
		[ -z "$old" ] || warn=$(old_sparse_filter "$build" <<<"$warn")
		[ $rc -eq 0 ] || [ -n "$warn" ] || warn="build failed (status $rc)"
		if [ -n "$warn" ]; then
			printf 'W=1 / sparse build (%s):\n%s\n' "$name" "$warn"
			fail=1
			continue
		fi
		echo "$key" >"$build.ok"
		echo "sparse=$sparse" >"$build.clean"
	fi
	case $sparse in
	0) how=", no sparse" ;;
	old) how=" and sparse 0.6.4 (__typeof_unqual__ as __typeof__)" ;;
	*) how=" and sparse" ;;
	esac
	echo "lint: $name: clean (W=1$how)"
done
[ $fail -eq 0 ] && echo "lint: checkpatch, W=1 and sparse clean ($((SECONDS - start)) s)"
exit $fail
