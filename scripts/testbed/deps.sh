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
      libjson-c-dev libseccomp-dev libcap-dev crun runc lz4
      dwarves debootstrap clang-14 libclang-rt-14-dev
      podman conmon golang-github-containers-common containerd
      libarchive-dev libcurl4-openssl-dev libzstd-dev zlib1g-dev
      skopeo umoci buildah docker-registry apache2-utils python3-docutils
      acpica-tools)
# dwarves: pahole, for the BTF of modules built against 6.12 (its headers
# ship vmlinux); debootstrap: kdirs.sh's Debian 13 chroot for 7.x; lz4:
# the small guest kernel's compression; clang-14: ctr's fuzzers; podman,
# conmon and containerd: the engines ctr runs under (their tests bring
# their own configuration; nothing of theirs is enabled as a service);
# libarchive, libcurl, zstd, zlib: ctr-image (layers, registries);
# skopeo, umoci, buildah, docker-registry (+ htpasswd): its peers in the
# image tests (the registry is started by the test that needs it);
# python3-docutils: rst2man, for the man pages (make man, make install);
# acpica-tools: iasl, which checks vmctl's ACPI tables (vmctl_acpi_test.sh).

# QEMU 10 for the SVM beds comes from bookworm-backports (built for Debian
# 12): a sources file of its own, and a pin that keeps every other package
# on bookworm. QEMU 7.2's nested-SVM bugs (Documentation/testing.rst) are
# why; seabios comes along because QEMU 10 needs a newer one.
bpo_pkgs=(qemu-system-x86 qemu-system-common qemu-system-data seabios)
bpo_sources=/etc/apt/sources.list.d/lvmm-bookworm-backports.sources
bpo_pin=/etc/apt/preferences.d/lvmm-bookworm-backports
bpo_setup() {
	local want_sources want_pin
	want_sources="Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
	want_pin="# lvmm's test bed (scripts/testbed/deps.sh): only these from backports
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: ${bpo_pkgs[*]}
Pin: release n=bookworm-backports
Pin-Priority: 990"
	[ "$(cat "$bpo_sources" 2>/dev/null)" = "$want_sources" ] &&
		[ "$(cat "$bpo_pin" 2>/dev/null)" = "$want_pin" ] && return 1
	echo "$want_sources" >"$bpo_sources"
	echo "$want_pin" >"$bpo_pin"
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# A brand-new machine has empty package lists: refresh them once (the
# marker file), and again whenever something is missing.
marker=$LVMM_CACHE/apt-updated
missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
# QEMU 10: the installed qemu-system-x86 must be backports' (an upgrade
# from 7.2 on a machine that had it).
qemu_ok() {
	dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null | grep -q '^1:1[0-9]\.'
}
! qemu_ok && installed qemu-system-x86 && missing+=(qemu-system-x86)
if bpo_setup || [ ${#missing[@]} -gt 0 ] || [ ! -e "$marker" ]; then
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
	# Debian's docker-registry starts one on :5000 as a service; the tests
	# start their own, so one that this script installed is not left on.
	if [[ " ${missing[*]} " == *" docker-registry "* ]] && [ -d /run/systemd/system ]; then
		systemctl disable --now -q docker-registry 2>/dev/null || true
	fi
fi
qemu_ok || { echo "deps: qemu-system-x86 is not QEMU 10 from bookworm-backports: $(dpkg-query -W -f='${Version}' qemu-system-x86)" >&2; exit 1; }
