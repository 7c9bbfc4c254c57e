#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr-image through a registry, against the tools users move images with:
# Debian's docker-registry (the distribution project's), started here on
# 127.0.0.1 over plain http, between ctr and skopeo, umoci and Podman,
# each way round. What one side pushes the other pulls, unpacks or runs,
# and the same files must come out: ctr's push through skopeo and umoci
# and through podman run; umoci's image pushed by skopeo (OCI and Docker
# v2 manifests) and a Podman commit pushed by podman, both run by ctr; an
# image ctr builds (COPY and RUN) through skopeo and umoci raw unpack,
# against what ctr's own container sees. It runs on the host and in the
# svm-stock bed (tagged engines: its image carries these tools); the
# registry's other paths (auth, TLS, chunks, faults) are ctr_registry_test.sh's.
# TAP output. usage: ctr_registry_interop_test.sh CTR-IMAGE BUSYBOX
. "$(cd "$(dirname "$0")" && pwd)/ctr_image_lib.sh"
podman_setup
if ! need docker-registry skopeo umoci podman; then
	finish
	exit 1
fi
# The test bed boots with the loopback device down.
ip link set lo up 2>/dev/null

# ---- the registry: port 0, the one it got read from its log ----
reg=$tmp/registry
mkdir -p "$reg"
cat >"$reg/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $reg/data
http:
  addr: 127.0.0.1:0
EOF
docker-registry serve "$reg/config.yml" >"$reg/log" 2>&1 &
regpid=$!
cleanup() {
	kill "$regpid" 2>/dev/null
	wait "$regpid" 2>/dev/null
	pm_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
i=0 port=
while [ -z "$port" ] && [ $i -lt 200 ] && kill -0 "$regpid" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
	port=$(sed -n 's/.*msg="listening on 127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$reg/log")
done
if [ -z "$port" ]; then
	notok "docker-registry listens on 127.0.0.1" "$reg/log"
	finish
	exit 1
fi
ok "docker-registry listens on 127.0.0.1:$port"
R=127.0.0.1:$port
P=--tls-verify=false
# cs STORE ARGS...: ctr-image on a store of its own
cs() { s=$1; shift; "$CI" --store "$tmp/$s" "$@"; }
# layer_of STORE: the directory of the store's one unpacked layer
layer_of() { echo "$tmp/$1"/layers/*; }

# $same_cmd: what a container shows of its image, the same under any engine
same_cmd='cat /etc/hello /etc/passwd && ls /bin && id -u && busybox sha256sum /bin/busybox && pwd'
ci container run --rm bb sh -c "$same_cmd" >"$tmp/ctr.run" 2>&1

# ---- ctr pushes; skopeo, umoci and Podman read it ----
if ci tag bb "$R/bb:1" >"$tmp/push.out" 2>&1 && ci push $P "$R/bb:1" >>"$tmp/push.out" 2>&1; then
	ok "ctr push bb to the registry"
else
	notok "ctr push bb to the registry" "$tmp/push.out" "$reg/log"
fi
if skopeo copy --src-tls-verify=false "docker://$R/bb:1" "oci:$tmp/sk:bb" >"$tmp/sk.out" 2>&1 &&
	unpack_oci "$tmp/sk:bb" "$tmp/sk.bundle" && same_tree "$tmp/rootfs" "$tmp/sk.bundle/rootfs"; then
	ok "skopeo copies ctr's push to an OCI layout, umoci unpacks the same files"
else
	notok "skopeo copies ctr's push to an OCI layout, umoci unpacks the same files" "$tmp/sk.out"
fi
if pm pull -q $P "$R/bb:1" >"$tmp/ppull.out" 2>&1; then
	ok "podman pull of ctr's push"
else
	notok "podman pull of ctr's push" "$tmp/ppull.out"
fi
pm run --rm --pull never "$R/bb:1" sh -c "$same_cmd" >"$tmp/prun.out" 2>&1
same_run "... podman run of it shows what ctr container run of bb does" "$tmp/ctr.run" "$tmp/prun.out"

# ---- Podman commits and pushes; ctr pulls and runs ----
if pm run --pull never --name pc "$R/bb:1" sh -c 'echo podman >/etc/marker && rm /etc/hello' >"$tmp/pc.out" 2>&1 &&
	pm commit -q pc "$R/pc:1" >>"$tmp/pc.out" 2>&1 &&
	pm push -q $P "$R/pc:1" >>"$tmp/pc.out" 2>&1; then
	ok "podman commits a container that added and deleted a file, and pushes it"
else
	notok "podman commits a container that added and deleted a file, and pushes it" "$tmp/pc.out"
fi
cs s1 pull $P "$R/pc:1" >"$tmp/pull-pc.out" 2>&1
cs s1 container run --rm "$R/pc:1" sh -c 'cat /etc/marker; ls /etc' >"$tmp/run-pc.out" 2>&1
if grep -qx podman "$tmp/run-pc.out" && ! grep -qx hello "$tmp/run-pc.out" &&
	grep -qx passwd "$tmp/run-pc.out"; then
	ok "ctr pulls Podman's push and runs it: its added file there, its deleted one gone (whiteout)"
else
	notok "ctr pulls Podman's push and runs it: its added file there, its deleted one gone (whiteout)" \
		"$tmp/pull-pc.out" "$tmp/run-pc.out"
fi

# ---- umoci makes an image, skopeo pushes it (OCI, and Docker's v2s2) ----
um=$tmp/um
if umoci init --layout "$um/l" >"$tmp/um.out" 2>&1 && umoci new --image "$um/l:u" >>"$tmp/um.out" 2>&1 &&
	umoci unpack --image "$um/l:u" "$um/b" >>"$tmp/um.out" 2>&1 &&
	cp -a "$tmp/rootfs/." "$um/b/rootfs/" && echo umoci >"$um/b/rootfs/etc/marker" &&
	umoci repack --image "$um/l:u" "$um/b" >>"$tmp/um.out" 2>&1 &&
	skopeo copy --dest-tls-verify=false "oci:$um/l:u" "docker://$R/um:u" >>"$tmp/um.out" 2>&1 &&
	skopeo copy --format v2s2 --dest-tls-verify=false "oci:$um/l:u" "docker://$R/dock:d" >>"$tmp/um.out" 2>&1; then
	ok "umoci builds an image, skopeo pushes it as OCI and as Docker v2"
else
	notok "umoci builds an image, skopeo pushes it as OCI and as Docker v2" "$tmp/um.out"
fi
if cs s2 pull $P "$R/um:u" >"$tmp/pull-um.out" 2>&1 && [ "$(cat "$(layer_of s2)/etc/marker")" = umoci ]; then
	ok "ctr pulls skopeo's push (OCI manifest) and unpacks umoci's files"
else
	notok "ctr pulls skopeo's push (OCI manifest) and unpacks umoci's files" "$tmp/pull-um.out"
fi
# ... and runs it: an image without Cmd runs the command given
um_sums="busybox sha256sum bin/busybox etc/passwd etc/marker"
cs s2 container run --rm "$R/um:u" sh -c "cd / && $um_sums" >"$tmp/um-ctr" 2>&1
(cd "$um/b/rootfs" 2>/dev/null && eval "$um_sums") >"$tmp/um-host" 2>&1
if [ "$(wc -l <"$tmp/um-ctr")" = 3 ] && cmp -s "$tmp/um-host" "$tmp/um-ctr"; then
	ok "ctr container run of skopeo's push of umoci's image sees umoci's files"
else
	diff "$tmp/um-host" "$tmp/um-ctr" >"$tmp/um.diff" 2>&1
	notok "ctr container run of skopeo's push of umoci's image sees umoci's files" "$tmp/um.diff"
fi
if cs s3 pull $P "$R/dock:d" >"$tmp/pull-d.out" 2>&1 && cs s3 image inspect "$R/dock:d" >>"$tmp/pull-d.out" 2>&1 &&
	grep -q 'vnd.docker.distribution.manifest.v2+json' "$tmp/pull-d.out" &&
	[ "$(cat "$(layer_of s3)/etc/marker")" = umoci ]; then
	ok "ctr pulls a Docker v2 manifest and keeps its media types"
else
	notok "ctr pulls a Docker v2 manifest and keeps its media types" "$tmp/pull-d.out"
fi

# ---- ctr build -> ctr push -> skopeo copy -> umoci raw unpack ----
# The files the Containerfile added are those ctr's own container sees.
ctx=$tmp/ctx
mkdir -p "$ctx"
echo "copied by COPY" >"$ctx/app.txt"
head -c 100000 /dev/urandom >"$ctx/data.bin"
cat >"$ctx/Containerfile" <<'EOF'
FROM bb
COPY app.txt /app/app.txt
COPY data.bin /app/
RUN busybox mkdir -p /gen && busybox seq 1 1000 >/gen/seq.txt && busybox cp /app/app.txt /gen/copy.txt && busybox ln -s ../app/app.txt /gen/link
EOF
# the checksums of the files the Containerfile added, and the link's target
sums="busybox sha256sum app/app.txt app/data.bin gen/seq.txt gen/copy.txt && busybox readlink gen/link"
if ci build -t "$R/built:1" "$ctx" >"$tmp/build.out" 2>&1 && ci push $P "$R/built:1" >>"$tmp/build.out" 2>&1; then
	ok "ctr builds a Containerfile with COPY and RUN and pushes the image"
else
	notok "ctr builds a Containerfile with COPY and RUN and pushes the image" "$tmp/build.out"
fi
if skopeo copy --src-tls-verify=false "docker://$R/built:1" "oci:$tmp/chain:built" >"$tmp/chain.out" 2>&1 &&
	umoci raw unpack --image "$tmp/chain:built" "$tmp/chain-rootfs" >>"$tmp/chain.out" 2>&1; then
	ok "... skopeo copies it to an OCI layout, umoci raw unpacks it"
else
	notok "... skopeo copies it to an OCI layout, umoci raw unpacks it" "$tmp/chain.out"
fi
ci container run --rm "$R/built:1" sh -c "cd / && $sums" >"$tmp/ctr-sums" 2>&1
(cd "$tmp/chain-rootfs" 2>/dev/null && eval "$sums") >"$tmp/umoci-sums" 2>&1
if [ "$(wc -l <"$tmp/ctr-sums")" = 5 ] && cmp -s "$tmp/ctr-sums" "$tmp/umoci-sums"; then
	ok "... umoci's files are those ctr's container sees (sha256 of what COPY and RUN added, the symlink)"
else
	diff "$tmp/ctr-sums" "$tmp/umoci-sums" >"$tmp/sums.diff" 2>&1
	notok "... umoci's files are those ctr's container sees (sha256 of what COPY and RUN added, the symlink)" \
		"$tmp/sums.diff"
fi
finish
