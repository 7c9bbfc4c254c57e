#!/bin/bash
# Build (once) a bed kernel from Debian's linux-source-6.1: "test" (the
# default; KUnit, KASAN, lockdep, KVM as modules) or "guest" (the small
# kernel of vmctl's nested boots, no modules), each from its fragment
# FLAVOR-kernel.config. Prints the build directory, which for the test
# kernel also serves as KDIR for lvmm.ko.
# --print-dir-if-built: only print it when a finished build exists (for
# the Makefile's KDIR fallback); never builds, never waits on the lock.
# usage: build-kernel.sh [test|guest] [--print-dir-if-built]
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavor=test
case ${1:-} in test | guest) flavor=$1 && shift ;; esac
dir=$(test_kernel_dir "$flavor")
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

frag=$TESTBED_DIR/$flavor-kernel.config
targets="bzImage modules"
[ "$flavor" = test ] || targets=bzImage
echo "testbed: building the $flavor kernel in $dir" >&2
rm -rf "$dir/src"
mkdir -p "$dir/src"
tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir/src" --strip-components=1
cd "$dir/src"
make -s tinyconfig >/dev/null
# kvm_guest.config brings PCI, 9p, SCSI and a DRM driver: the test kernel
# (the L1 of the beds) wants most of them, the small guest none.
[ "$flavor" != test ] || make -s kvm_guest.config >/dev/null
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

# shellcheck disable=SC2086 # $targets is a word list
make -s -j"$JOBS" $targets >"$dir/build.log" 2>&1 ||
	{ tail -n 30 "$dir/build.log" >&2; exit 1; }
rm -rf "$dir/modroot"
[ "$flavor" != test ] || make -s modules_install INSTALL_MOD_PATH="$dir/modroot" >/dev/null
touch "$dir/.done"
echo "$dir/src"
