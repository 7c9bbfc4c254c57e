#!/bin/bash
# Unpack (once) the kselftest headers from Debian's linux-source-6.1 and
# print their directory, for `-I` when building selftests/lvmm
# (kselftest_harness.h and kselftest.h are all a test program needs).
set -euo pipefail
. "$(dirname "$0")/common.sh"

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
dir=$LVMM_CACHE/ksft-$ver
if [ ! -f "$dir/kselftest_harness.h" ]; then
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir.tmp" --strip-components=4 \
		--wildcards 'linux-source-6.1/tools/testing/selftests/kselftest*.h'
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi
echo "$dir"
