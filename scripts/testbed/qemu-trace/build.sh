#!/bin/bash
# Build Debian 12's QEMU 7.2 with a per-vCPU ring of SVM events (VMRUN,
# #VMEXIT, interrupts, CLGI/STGI) that is printed to stderr when a VMRUN
# or #VMEXIT carries the host's state, on a nested SHUTDOWN, and on any
# machine reset.  A debugging aid for the svm-test bed, not part of
# make check: see Documentation/testing.rst.  LVMM_QEMU_ACCEL=tcg (one
# thread per vCPU) is what showed QEMU's own race on CPU 0's hflags2.
#
# usage: build.sh            -> $LVMM_CACHE/qemu-trace/bin/qemu-system-x86_64
# then:  PATH=$LVMM_CACHE/qemu-trace/bin:$PATH LVMM_QEMU_ACCEL=tcg \
#        LVMM_APPEND="lvmm.vm_cpus=0-1 lvmm.only=vmctl_linux_test.sh" \
#        bash scripts/testbed/run-qemu.sh KERNEL INITRD check 900 OUTDIR
#        grep -A1100 '^LVT cpu' OUTDIR/qemu.err
set -euo pipefail
. "$(dirname "$0")/../common.sh"
export DEBIAN_FRONTEND=noninteractive

dir=$LVMM_CACHE/qemu-trace
patch=$TESTBED_DIR/qemu-trace/svm-trace.patch
mkdir -p "$dir/bin"

apt-get install -y -qq ninja-build meson libglib2.0-dev libpixman-1-dev \
	zlib1g-dev python3-venv flex bison pkg-config dpkg-dev >/dev/null

if [ ! -d "$dir/src" ]; then
	rm -rf "$dir/dl" && mkdir -p "$dir/dl"
	if ! (cd "$dir/dl" && apt-get source -qq --download-only qemu); then
		echo "build.sh: apt-get source qemu failed: add a 'Types: deb-src'" \
			"entry for bookworm to /etc/apt/sources.list.d/ and run" \
			"apt-get update" >&2
		exit 1
	fi
	(cd "$dir/dl" && dpkg-source -x qemu_*.dsc src >/dev/null)
	patch -d "$dir/dl/src" -p1 <"$patch"
	mv "$dir/dl/src" "$dir/src"
fi

if [ ! -f "$dir/src/build/build.ninja" ]; then
	mkdir -p "$dir/src/build"
	(cd "$dir/src/build" && ../configure --target-list=x86_64-softmmu \
		--without-default-features --disable-docs --disable-werror \
		--enable-tcg >"$dir/configure.log")
fi
ninja -C "$dir/src/build" -j"$JOBS" qemu-system-x86_64 >"$dir/build.log"

# Debian's source has no firmware blobs: use the installed ones.
cat >"$dir/bin/qemu-system-x86_64" <<EOS
#!/bin/sh
exec $dir/src/build/qemu-system-x86_64 -L /usr/share/qemu -L /usr/share/seabios "\$@"
EOS
chmod +x "$dir/bin/qemu-system-x86_64"
echo "build.sh: $dir/bin/qemu-system-x86_64"
