#!/bin/bash
# Build (once) the KUnit-enabled test kernel from Debian's linux-source-6.1.
# Prints the build directory, which also serves as KDIR for lvmm.ko.
# --print-dir-if-built: only print it when a finished build exists (for
# the Makefile's KDIR fallback); never builds, never waits on the lock.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir=$(test_kernel_dir)
if [ "${1:-}" = --print-dir-if-built ]; then
	[ ! -f "$dir/.done" ] || echo "$dir/src"
	exit 0
fi
mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir/src"
	exit 0
fi

frag=$TESTBED_DIR/test-kernel.config
echo "testbed: building test kernel in $dir (about 15 minutes on 2 cores)" >&2
rm -rf "$dir/src"
mkdir -p "$dir/src"
tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir/src" --strip-components=1
cd "$dir/src"
make -s tinyconfig >/dev/null
make -s kvm_guest.config >/dev/null
scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s olddefconfig >/dev/null

# Options whose dependencies are off vanish silently: insist every line took.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" .config || { echo "config: $line did not take" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" .config || { echo "config: $opt still set" >&2; bad=1; } ;;
	esac
done <"$frag"
[ $bad -eq 0 ]

make -s -j"$JOBS" bzImage modules >"$dir/build.log" 2>&1 ||
	{ tail -n 30 "$dir/build.log" >&2; exit 1; }
rm -rf "$dir/modroot"
make -s modules_install INSTALL_MOD_PATH="$dir/modroot" >/dev/null
touch "$dir/.done"
echo "$dir/src"
