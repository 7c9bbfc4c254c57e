#!/bin/bash
# Install the Debian packages that building and testing lvmm needs.
# Idempotent and non-interactive: only missing packages are installed.
set -euo pipefail
. "$(dirname "$0")/common.sh"
export DEBIAN_FRONTEND=noninteractive

pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
      kmod rsync python3 linux-source-6.1 qemu-system-x86 busybox-static
      libnl-genl-3-dev libnl-3-dev pkg-config sparse
      bochs bochsbios vgabios isolinux syslinux-common xorriso
      libjson-c-dev libseccomp-dev libcap-dev crun runc)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# A brand-new machine has empty package lists: refresh them once (the
# marker file), and again whenever something is missing.
marker=$LVMM_CACHE/apt-updated
missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ] || [ ! -e "$marker" ]; then
	apt-get update -qq
	touch "$marker"
fi

# The stock kernel's headers (lvmm.ko is built against them): the version
# is whatever linux-image-amd64 currently points at.
stock=$(stock_kernel_version)
[ -n "$stock" ] || { echo "deps: cannot resolve linux-image-amd64" >&2; exit 1; }
installed "linux-headers-$stock" || missing+=("linux-headers-$stock")

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
