#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr's image side against its peers, each pair alternating round by round
# (rounds.sh) so that drift hits both alike; the medians and a ratio line
# per pair (the goal: ctr <= peer, and run at most half of Podman's):
#   run    `ctr container run --rm IMAGE /bin/true` / `podman run --rm` (crun)
#   build  `ctr build` / `buildah bud` of a small multi-step Containerfile,
#          cold (no cache: every RUN runs) and cached (nothing changed)
#   pull   of an image with a 50 MiB layer from a local docker-registry:
#          `ctr pull` / `skopeo copy` (into an empty store each round)
# A pair runs where its peer does: run in the test VM (bench.sh: Podman
# and crun are in the svm image), build and pull on the host (demo.sh
# bench, with buildah, skopeo and docker-registry from deps.sh).
# usage: image_bench.sh run|build|pull...  BENCH_IMAGE_ROUNDS (7)
ROUNDS=${BENCH_IMAGE_ROUNDS:-7}
say() { echo "bench: $*"; }
CTR=${CTR:-ctr}
fail=0
tmp=$(mktemp -d)
reg_pid=
cleanup() {
	[ -z "$reg_pid" ] || kill "$reg_pid" 2>/dev/null
	command -v podman >/dev/null 2>&1 && podman rm -af -t 0 >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/rounds.sh"
export TMPDIR=$tmp
RT_BENCH=$(command -v rt_bench || echo "$(dirname "$0")/rt_bench")
ratio() { # ratio LABEL A B WHAT: the medians of $tmp/A and $tmp/B
	a=$(median "$tmp/$2" wall_us) b=$(median "$tmp/$3" wall_us)
	if [ -z "$a" ] || [ -z "$b" ]; then
		say "FAILED: no $1 comparison"
		fail=1
		return
	fi
	awk -v l="$1" -v a="$a" -v b="$b" -v an="$2" -v bn="$3" -v w="$4" -v n="$ROUNDS" 'BEGIN {
		printf "bench: %s ratio %s/%s: %.2f (%s: %s %d us, %s %d us; median of %d)\n", l, an, bn, a / b, w, an, a, bn, b, n
	}'
}

# A busybox root filesystem, as a tarball both sides import.
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/etc"
# (busybox sh answers "command -v busybox" with the bare applet name)
bb=/bin/busybox
[ -x $bb ] || bb=$(command -v busybox)
cp "$bb" "$tmp/rootfs/bin/busybox"
for a in sh true cat echo mkdir; do ln -s busybox "$tmp/rootfs/bin/$a"; done
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
store=$tmp/store
ctr_() { "$CTR" --store "$store" --root "$tmp/ctr-state" "$@"; }
ctr_ import "$tmp/rootfs.tar" bench:1 >/dev/null || { say "FAILED: ctr import"; exit 1; }

podman_setup() {
	printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n[containers]\nnetns = "none"\n' \
		>"$tmp/containers.conf"
	printf '[storage]\ndriver = "overlay"\nrunroot = "%s/run"\ngraphroot = "%s/storage"\n' "$tmp" "$tmp" \
		>"$tmp/storage.conf"
	export CONTAINERS_CONF="$tmp/containers.conf" CONTAINERS_STORAGE_CONF="$tmp/storage.conf"
	podman import -q "$tmp/rootfs.tar" localhost/bench:1 >/dev/null
}

bench_run() {
	for p in podman crun; do
		command -v $p >/dev/null 2>&1 || { say "FAILED: $p is not here for the run comparison"; fail=1; return; }
	done
	podman_setup || { say "FAILED: podman import"; fail=1; return; }
	round_cmd() {
		case $1 in
		ctr) "$RT_BENCH" "$CTR" --store "$store" --root "$tmp/ctr-state" container run --rm bench:1 /bin/true ;;
		podman) "$RT_BENCH" podman --runtime "$(command -v crun)" run --rm localhost/bench:1 /bin/true ;;
		esac
	}
	rounds "$ROUNDS" ctr podman
	ratio "image run" ctr podman "run --rm IMAGE /bin/true, podman with crun"
}

bench_build() {
	command -v buildah >/dev/null 2>&1 || { say "FAILED: buildah is not here for the build comparison"; fail=1; return; }
	podman_setup || { say "FAILED: podman import"; fail=1; return; }
	mkdir -p "$tmp/ctx"
	head -c 1048576 /dev/urandom >"$tmp/ctx/data.bin"
	echo 'echo hello' >"$tmp/ctx/hello.sh"
	for who in ctr buildah; do
		img=bench:1
		[ $who = buildah ] && img=localhost/bench:1
		cat >"$tmp/ctx/Containerfile.$who" <<EOF
FROM $img
ENV APP=/app
WORKDIR /app
COPY hello.sh data.bin ./
RUN mkdir -p /app/out && echo built >/app/out/stamp
RUN cat /app/out/stamp
LABEL bench=1
CMD ["/bin/sh", "/app/hello.sh"]
EOF
	done
	round_cmd() {
		case $1 in
		ctr) "$RT_BENCH" "$CTR" --store "$store" --root "$tmp/ctr-state" build $nocache -t built:1 -f "$tmp/ctx/Containerfile.ctr" "$tmp/ctx" ;;
		buildah) "$RT_BENCH" buildah --storage-driver overlay --root "$tmp/storage" --runroot "$tmp/run" \
			bud $nocache --isolation chroot -q -t built:1 -f "$tmp/ctx/Containerfile.buildah" "$tmp/ctx" ;;
		esac
	}
	nocache=--no-cache
	rounds "$ROUNDS" ctr buildah
	mv "$tmp/ctr" "$tmp/ctr.cold"
	mv "$tmp/buildah" "$tmp/buildah.cold"
	ratio "build cold" ctr.cold buildah.cold "a 6-step Containerfile with 2 RUNs, no cache"
	nocache=
	rounds "$ROUNDS" ctr buildah
	ratio "build cached" ctr buildah "the same, nothing changed"
	rm -f "$tmp/ctr" "$tmp/buildah"
}

bench_pull() {
	for p in skopeo docker-registry; do
		command -v $p >/dev/null 2>&1 || { say "FAILED: $p is not here for the pull comparison"; fail=1; return; }
	done
	port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 20000) }')
	cat >"$tmp/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $tmp/registry
http:
  addr: 127.0.0.1:$port
EOF
	docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
	reg_pid=$!
	i=0
	until skopeo inspect --tls-verify=false "docker://127.0.0.1:$port/none" >/dev/null 2>&1 ||
		grep -q 'listening on' "$tmp/registry.log" || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	mkdir -p "$tmp/big/bin"
	head -c 52428800 /dev/urandom >"$tmp/big/blob"
	tar -C "$tmp/big" -cf "$tmp/big.tar" .
	ctr_ import "$tmp/big.tar" big:1 >/dev/null &&
		ctr_ push --tls-verify=false big:1 "127.0.0.1:$port/big:1" >/dev/null 2>&1 ||
		{ say "FAILED: ctr push of the 50 MiB image (see $tmp/registry.log)"; fail=1; return; }
	round_cmd() {
		rm -rf "$tmp/pull-store" "$tmp/pull-oci"
		case $1 in
		ctr) "$RT_BENCH" "$CTR" --store "$tmp/pull-store" pull --quiet --tls-verify=false "127.0.0.1:$port/big:1" ;;
		skopeo) "$RT_BENCH" skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/big:1" "oci:$tmp/pull-oci:big" ;;
		esac
	}
	rounds "$ROUNDS" ctr skopeo
	ratio "image pull" ctr skopeo "a 50 MiB layer from 127.0.0.1 into an empty store"
}

[ $# -gt 0 ] || set -- run
for what in "$@"; do
	case $what in
	run | build | pull) bench_"$what" ;;
	*) say "FAILED: unknown comparison $what (run, build, pull)"; fail=1 ;;
	esac
done
exit $fail
