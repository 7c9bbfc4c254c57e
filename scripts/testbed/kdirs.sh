#!/bin/bash
# Prepare (once, cached) the kernel build trees lvmm.ko is checked
# against, and print one line per tree:
#   NAME KDIR SPARSE
# NAME is the kernel release, KDIR the tree (build-module.sh builds one in
# the chroot below inside it) and SPARSE the C= level its build can run
# (0: none). The trees:
#  - Debian 12's 6.1: the stock headers deps.sh installs.
#  - Debian 12's 6.12 (bookworm-security's linux-6.12, the series that
#    bookworm-backports carries too): its headers .debs unpacked into the
#    cache, never installed (they depend on the kernel image).
#  - the newest kernel of trixie-backports (7.3 now): its linux-kbuild
#    needs glibc 2.38 and Debian 12 has 2.36, so it is built inside a
#    Debian 13 chroot made once with debootstrap under the cache.
# usage: kdirs.sh [6.1|6.12|7.x]...   (default: all three)
# LVMM_K612=VERSION picks another 6.12 build (e.g. 6.12.95+deb12-amd64,
# bookworm-backports'); LVMM_KDIRS_UPDATE=1 refreshes the chroot's package
# lists so that a newer trixie-backports kernel is picked up.
set -euo pipefail
. "$(dirname "$0")/common.sh"
export DEBIAN_FRONTEND=noninteractive

log() { echo "kdirs: $*" >&2; }

# Debian 12's 6.12 release: what linux-headers-6.12-amd64 depends on.
k612_version() {
	if [ -n "${LVMM_K612:-}" ]; then
		echo "$LVMM_K612"
		return
	fi
	apt-cache depends linux-headers-6.12-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(6\.12\..*-amd64\)$/\1/p' | head -n1
}

# Unpack linux-headers-VER, its -common and linux-kbuild into the cache;
# the Makefile's absolute include of the -common tree is pointed there.
k612_tree() {
	local ver=$1 dir base kdir
	dir=$LVMM_CACHE/headers-$ver
	base=${ver%-amd64}
	kdir=$dir/usr/src/linux-headers-$ver
	exec 8>"$dir.lock"
	flock 8
	if [ ! -f "$dir/.done" ]; then
		log "unpacking the headers of $ver"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp/debs"
		(cd "$dir.tmp/debs" && apt-get download -q -o APT::Sandbox::User=root \
			"linux-headers-$ver" "linux-headers-$base-common" "linux-kbuild-$base" >/dev/null)
		for d in "$dir.tmp"/debs/*.deb; do dpkg -x "$d" "$dir.tmp"; done
		rm -rf "$dir.tmp/debs"
		sed -i "s|^include /usr/src/|include $dir/usr/src/|" \
			"$dir.tmp/usr/src/linux-headers-$ver/Makefile"
		mv "$dir.tmp" "$dir"
		touch "$dir/.done"
	fi
	exec 8>&-
	echo "$kdir"
}

# The Debian 13 chroot. debootstrap's default mirror; backports is the
# same mirror's trixie-backports suite.
chroot_dir=$LVMM_TRIXIE_ROOT
chroot_run() {
	chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive "$@"
}

make_chroot() {
	if [ ! -f "$chroot_dir/.done" ]; then
		command -v debootstrap >/dev/null ||
			apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
		log "making a Debian 13 chroot in $chroot_dir (once; about 2 minutes)"
		rm -rf "$chroot_dir" "$chroot_dir.tmp"
		debootstrap --variant=minbase --include=make,gcc,libc6-dev \
			trixie "$chroot_dir.tmp" >"$LVMM_CACHE/trixie-debootstrap.log" 2>&1 ||
			{ log "debootstrap failed: $LVMM_CACHE/trixie-debootstrap.log"; exit 1; }
		sed -n 's/^\(deb .*\) trixie main$/\1 trixie-backports main/p' \
			"$chroot_dir.tmp/etc/apt/sources.list" \
			>"$chroot_dir.tmp/etc/apt/sources.list.d/backports.list"
		mkdir -p "$chroot_dir.tmp/lvmm"
		mv "$chroot_dir.tmp" "$chroot_dir"
		chroot_run apt-get update -qq
		touch "$chroot_dir/.done"
	elif [ -n "${LVMM_KDIRS_UPDATE:-}" ]; then
		chroot_run apt-get update -qq
	fi
}

# trixie-backports' kernel: what its linux-headers-amd64 depends on.
bpo13_version() {
	local v
	v=$(chroot_run apt-cache madison linux-headers-amd64 |
		awk -F' *[|] *' '$3 ~ /trixie-backports/ { print $2; exit }')
	[ -n "$v" ] || return 0
	chroot_run apt-cache show "linux-headers-amd64=$v" |
		sed -n 's/^Depends:.* linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p' | head -n1
}

bpo13_tree() {
	local ver
	exec 8>"$chroot_dir.lock"
	flock 8
	make_chroot
	ver=$(bpo13_version)
	[ -n "$ver" ] || { log "no linux-headers-amd64 in trixie-backports"; exit 1; }
	if [ ! -f "$chroot_dir/usr/src/linux-headers-$ver/Makefile" ]; then
		log "installing linux-headers-$ver in the chroot"
		# The headers need the kbuild and compiler packages, not the image.
		chroot_run apt-get install -y -qq --no-install-recommends \
			"linux-headers-$ver" >"$LVMM_CACHE/trixie-apt.log" 2>&1 ||
			{ log "installing failed: $LVMM_CACHE/trixie-apt.log"; exit 1; }
	fi
	if [ ! -x "$chroot_dir/usr/bin/sparse" ]; then
		log "installing sparse in the chroot"
		chroot_run apt-get install -y -qq --no-install-recommends sparse \
			>>"$LVMM_CACHE/trixie-apt.log" 2>&1 ||
			{ log "installing sparse failed: $LVMM_CACHE/trixie-apt.log"; exit 1; }
	fi
	exec 8>&-
	echo "$ver"
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(6.1 6.12 7.x)
for w in "${want[@]}"; do
	case $w in
	6.1)
		ver=$(stock_kernel_version)
		[ -f "/usr/src/linux-headers-$ver/Makefile" ] ||
			{ log "linux-headers-$ver is not installed (run deps.sh)"; exit 1; }
		echo "$ver /usr/src/linux-headers-$ver 2"
		;;
	6.12)
		ver=$(k612_version)
		[ -n "$ver" ] || { log "cannot resolve linux-headers-6.12-amd64 (apt-get update?)"; exit 1; }
		echo "$ver $(k612_tree "$ver") 2"
		;;
	7.x)
		# "old": no sparse in Debian 13 or its backports parses these
		# headers (0.6.4 knows no __typeof_unqual__, and linux-kbuild
		# lacks the scripts/checker-valid.sh that C= runs first), so
		# lint.sh runs 0.6.4 past that check with __typeof_unqual__ read
		# as __typeof__ (see there).
		ver=$(bpo13_tree)
		echo "$ver $chroot_dir/usr/src/linux-headers-$ver old"
		;;
	*)
		log "unknown tree $w (6.1, 6.12 or 7.x)"
		exit 1
		;;
	esac
done
