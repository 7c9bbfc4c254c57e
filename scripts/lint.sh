#!/bin/bash
# Kernel-side lint: checkpatch (from Debian's linux-source-6.1) on kmod/
# and uapi/, then a W=1 build with sparse (C=2). Any finding fails.
# usage: lint.sh [KDIR...]   (default: the running kernel's, the stock
# Debian headers make check installs, and the test kernel once built)
set -euo pipefail
. "$(dirname "$0")/testbed/common.sh"

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
mapfile -t files < <(find kmod uapi -name '*.[chS]' ! -name '*.mod.c' | LC_ALL=C sort)
fail=0
# --strict CHECKs are advice; uapi cannot use BIT() so only -W level counts.
if ! out=$("$cpdir/scripts/checkpatch.pl" --no-tree --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f "${files[@]}" 2>&1 |
	grep -v '^total: 0 errors, 0 warnings'); then
	:
fi
if [ -n "$out" ]; then
	printf 'checkpatch:\n%s\n' "$out"
	fail=1
fi

# Every kernel tree at hand: the KUnit suites only build where the kernel
# has KUnit (the test kernel), the rest everywhere.
kdirs=("$@")
if [ ${#kdirs[@]} -eq 0 ]; then
	for k in "/lib/modules/$(uname -r)/build" \
		"/usr/src/linux-headers-$(stock_kernel_version)" \
		"$(bash "$TESTBED_DIR/build-kernel.sh" --print-dir-if-built)"; do
		[ -f "$k/Makefile" ] && kdirs+=("$k")
	done
fi
[ ${#kdirs[@]} -gt 0 ] || { echo "lint: no kernel build tree (pass KDIR)" >&2; exit 1; }
for kdir in "${kdirs[@]}"; do
	build=$LVMM_OUT/lint/$(basename "$(dirname "$kdir")")-$(basename "$kdir")
	mkdir -p "$build"
	# Fresh objects so that every file is compiled (and checked) again.
	rm -rf "$build/kmod"
	if ! warn=$(W=1 C=2 bash "$TESTBED_DIR/build-module.sh" "$kdir" "$build" 2>&1 >/dev/null |
		grep -v 'Skipping BTF generation'); then
		:
	fi
	if [ -n "$warn" ]; then
		printf 'W=1 / sparse build (%s):\n%s\n' "$kdir" "$warn"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "lint: checkpatch, W=1 and sparse clean"
exit $fail
