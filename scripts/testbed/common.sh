# Shared settings for the test-bed scripts; sourced, not run.
# Caches live outside the repository and are rebuilt when missing.
LVMM_CACHE=${LVMM_CACHE:-$HOME/.cache/lvmm}
TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPDIR=$(cd "$TESTBED_DIR/../.." && pwd)
JOBS=${JOBS:-$(nproc)}
mkdir -p "$LVMM_CACHE"

# A bed kernel's cache key: linux-source version + config fragment hash.
# FLAVOR: "test" (KUnit, KASAN, lockdep: the L1 of the test beds) or
# "guest" (small, for vmctl's nested boots).
test_kernel_dir() {
	local flavor=${1:-test} ver hash prefix=kernel
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	# Only the option lines count: editing a comment must not cost a rebuild.
	hash=$(grep -E '^(CONFIG_|# CONFIG_)' "$TESTBED_DIR/$flavor-kernel.config" |
		sha256sum | cut -c1-12)
	[ "$flavor" = test ] || prefix=$flavor-kernel
	echo "$LVMM_CACHE/$prefix-$ver-$hash"
}

# The stock Debian kernel that linux-image-amd64 currently depends on.
stock_kernel_version() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\..*-amd64\)$/\1/p' | head -n1
}

# Where a stock kernel's .deb is unpacked (dpkg -x), per version.
stock_kernel_dir() {
	echo "$LVMM_CACHE/stock-$1"
}

# The Debian 13 chroot kdirs.sh makes for trixie-backports' 7.x headers
# (their linux-kbuild needs glibc 2.38): build-module.sh builds a tree
# under it inside it.
LVMM_TRIXIE_ROOT=$LVMM_CACHE/trixie-root

# Build products and logs of check/demo/bench (git-ignored).
LVMM_OUT=${LVMM_OUT:-$TOPDIR/.testbed}
