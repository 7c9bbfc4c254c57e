#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr's image side against a real registry: Debian's docker-registry
# (the distribution project's, the one Docker Hub runs) started by the
# test twice, plain http and then TLS (a self-signed certificate) with
# htpasswd logins. ctr-image pushes and pulls there (what skopeo, umoci
# and Podman make of its images is ctr_registry_interop_test.sh's), then
# the paths that only show under load or malice: blobs the registry has
# (HEAD), chunked uploads, cross-repository mounts, an index with two
# platforms, a blob altered in the registry's
# storage, a pull killed mid-layer, two pulls at once into one store, a
# full disk under pull, import and load; and logins: auth.json in
# Podman's format, a wrong password, TLS with --cert-dir or
# --tls-verify=false, and a third registry with token (Bearer) logins, as
# Docker Hub's, against a JWT server of the test's own.
# TAP output (CTR_TEST_KEEP=1 keeps its directory, logs included).
# usage: ctr_registry_test.sh CTR_IMAGE BUSYBOX
IMG=$(realpath "$1" 2>/dev/null || echo "$1")
BUSYBOX=$2
n=0 failed=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP ctr-image unpacks layers in a chroot: root only"
	exit 0
fi
if [ ! -x "$IMG" ]; then
	echo "1..1"
	echo "not ok 1 - $1 is built (make -C tools/ctr/image)"
	exit 1
fi
for t in docker-registry skopeo umoci htpasswd openssl curl python3; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed (scripts/testbed/deps.sh installs it)"
		exit 0
	fi
done
tmp=$(mktemp -d /tmp/ctr-registry.XXXXXX)
pids=
mounts=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for m in $mounts; do umount "$m"; done
	[ -n "$CTR_TEST_KEEP" ] || rm -rf "$tmp"
}
trap cleanup EXIT
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$tmp/tap"; }
notok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1" >>"$tmp/tap"
	[ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" | head -40 >>"$tmp/tap"
}
finish() {
	echo "1..$n"
	cat "$tmp/tap"
	[ $failed -eq 0 ]
}
# check NAME COMMAND...: ok when COMMAND succeeds (the output stays in $tmp/out)
check() {
	name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$name"; else notok "$name"; fi
}
# refused NAME REGEX COMMAND...: COMMAND must fail and say REGEX
refused() {
	name=$1 re=$2
	shift 2
	if "$@" >"$tmp/out" 2>&1; then
		notok "$name (it succeeded)"
	elif grep -Eq "$re" "$tmp/out"; then
		ok "$name"
	else
		notok "$name (wanted /$re/)"
	fi
}
expect() { if grep -Eq "$2" "$tmp/out"; then ok "$1"; else notok "$1 (wanted /$2/)"; fi; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# registry NAME EXTRA_YAML: a registry of its own storage under $tmp/NAME; sets $port
registry() {
	port=$(free_port)
	mkdir -p "$tmp/$1"
	cat >"$tmp/$1/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $tmp/$1/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$2
EOF
	docker-registry serve "$tmp/$1/config.yml" >"$tmp/$1/log" 2>&1 &
	pids="$pids $!"
	i=0
	until curl -sk -o /dev/null "http://127.0.0.1:$port/v2/" || curl -sk -o /dev/null "https://127.0.0.1:$port/v2/"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "1..1"
			echo "not ok 1 - docker-registry serves $tmp/$1/config.yml"
			sed 's/^/# /' "$tmp/$1/log"
			exit 1
		fi
		sleep 0.1
	done
}
ci() { s=$1; shift; "$IMG" --store "$tmp/$s" "$@"; }
# field STORE IMAGE EXPR: a value of `ctr image inspect` (EXPR indexes d, the JSON)
field() {
	ci "$1" image inspect "$2" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$3"
}
# layer_of STORE: the directory of the store's one unpacked layer
layer_of() { echo "$tmp/$1"/layers/*; }
same_files() {
	diff -r "$1" "$2" >"$tmp/diff" 2>&1 && return 0
	cat "$tmp/diff"
	return 1
}

# rootfs TAR DIR [EXTRA_FILE_CONTENT]: a busybox root file system and its tar.gz
rootfs() {
	mkdir -p "$2/bin" "$2/etc"
	cp "$BUSYBOX" "$2/bin/busybox"
	ln -s busybox "$2/bin/sh"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$2/etc/passwd"
	echo "$3" >"$2/etc/marker"
	tar -C "$2" -czf "$1" .
}
rootfs "$tmp/x.tgz" "$tmp/xroot" "image x"

# ---- a plain http registry ----
registry plain ""
R=127.0.0.1:$port
P="--tls-verify=false"

ci s1 import "$tmp/x.tgz" "$R/x:1" >/dev/null
check "push to a plain http registry (--tls-verify=false)" ci s1 push $P "$R/x:1"
cp "$tmp/out" "$tmp/push1"
digest=$(grep -E '^sha256:' "$tmp/push1")
refused "without --tls-verify=false, ctr wants https and says how to allow http" \
	"tls-verify=false" ci s1 push "$R/x:1"
check "pull into a fresh store" ci s2 pull $P "$R/x:1"
if same_files "$tmp/xroot" "$(layer_of s2)" >"$tmp/out"; then
	ok "the pulled layer unpacks to the files imported"
else
	notok "the pulled layer unpacks to the files imported"
fi
ci s1 images --format json >"$tmp/a" 2>&1
ci s2 images --format json >"$tmp/b" 2>&1
if [ "$(grep -o 'sha256:[0-9a-f]*' "$tmp/a" | sort -u)" = "$(grep -o 'sha256:[0-9a-f]*' "$tmp/b" | sort -u)" ] &&
	grep -q "$R/x" "$tmp/b"; then
	ok "the pulled image has the pushed one's id and digests, under its name"
else
	cat "$tmp/a" "$tmp/b" >"$tmp/out"
	notok "the pulled image has the pushed one's id and digests, under its name"
fi
ci s1 push $P "$R/x:1" >"$tmp/out" 2>&1
if [ "$(grep -c 'skipped: already exists' "$tmp/out")" = 2 ] && ! grep -q ' done' "$tmp/out"; then
	ok "a second push sends nothing: the registry has both blobs (HEAD)"
else
	notok "a second push sends nothing: the registry has both blobs (HEAD)"
fi
ci s2 pull $P "$R/x:1" >"$tmp/out" 2>&1
if [ "$(grep -c 'skipped: already in the store' "$tmp/out")" = 2 ]; then
	ok "a second pull fetches no blob the store has"
else
	notok "a second pull fetches no blob the store has"
fi
check "pull by digest ($R/x@$digest)" ci s3 pull $P "$R/x@$digest"
check "... and the store finds it by that digest" ci s3 image inspect "$R/x@$digest"
refused "a pull by a digest the registry does not have fails naming the answer" \
	"answered 404" ci s3 pull $P "$R/x@sha256:$(printf '%064d' 0)"
refused "a name without a registry is refused (ctr has no default registry)" \
	"names no registry" ci s3 pull x:1

# chunked uploads (a small threshold) and cross-repository mounts
head -c 300000 /dev/urandom >"$tmp/rand"
mkdir -p "$tmp/croot" && cp "$tmp/rand" "$tmp/croot/rand" && tar -C "$tmp/croot" -cf "$tmp/c.tar" .
ci s1 import "$tmp/c.tar" "$R/chunk:1" >/dev/null
CTR_PUSH_CHUNK_SIZE=65536 ci s1 push $P "$R/chunk:1" >"$tmp/out" 2>&1
expect "a blob above CTR_PUSH_CHUNK_SIZE goes in chunks (PATCH)" "chunked: 5 parts"
if [ "$(grep -c '"PATCH /v2/chunk/blobs/uploads/[^ ]* HTTP/1.1" 202' "$tmp/plain/log")" = 5 ]; then
	ok "... the registry's log shows the 5 PATCH requests"
else
	grep PATCH "$tmp/plain/log" | tail -10 >"$tmp/out"
	notok "... the registry's log shows the 5 PATCH requests"
fi
if ci s6 pull $P "$R/chunk:1" >"$tmp/out" 2>&1 && cmp "$tmp/rand" "$(layer_of s6)/rand" >>"$tmp/out" 2>&1; then
	ok "the chunked blob pulls back whole"
else
	notok "the chunked blob pulls back whole"
fi
ci s1 push $P "$R/x:1" "$R/y:1" >"$tmp/out" 2>&1
if [ "$(grep -c 'mounted from x' "$tmp/out")" = 2 ] && ! grep -q ' done' "$tmp/out" &&
	[ "$(grep -c '"POST /v2/y/blobs/uploads/?mount=sha256:[0-9a-f]*&from=x HTTP/1.1" 201' "$tmp/plain/log")" = 2 ] &&
	curl -sf -o /dev/null -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$R/v2/y/manifests/1"; then
	ok "pushing to another repository mounts the blobs from the first (nothing sent; the registry logs 201 mounts)"
else
	grep -E 'mount|/v2/y/' "$tmp/plain/log" | tail -10 >>"$tmp/out"
	notok "pushing to another repository mounts the blobs from the first (nothing sent)"
fi
ci s2 push $P "$R/x:1" "$R/z:1" >"$tmp/out" 2>&1
expect "a pulled image's blobs mount from the repository they came from" "mounted from x"

# an index of two platforms, PUT by hand
ci s1 push $P "$R/x:1" "$R/multi:amd" >/dev/null 2>&1
ci s1 push $P "$R/chunk:1" "$R/multi:arm" >/dev/null 2>&1
man() { curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$R/v2/multi/manifests/$1"; }
man amd >"$tmp/amd.json"
man arm >"$tmp/arm.json"
desc() {
	printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"linux","architecture":"%s"}}' \
		"$(sha256sum <"$1" | cut -d' ' -f1)" "$(wc -c <"$1")" "$2"
}
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
	"$(desc "$tmp/arm.json" arm64)" "$(desc "$tmp/amd.json" amd64)" >"$tmp/index.json"
if curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" --data-binary "@$tmp/index.json" \
	"http://$R/v2/multi/manifests/all" >"$tmp/out" 2>&1; then
	ok "the registry takes an index of linux/arm64 and linux/amd64"
else
	notok "the registry takes an index of linux/arm64 and linux/amd64"
fi
xid=sha256:$(field s1 "$R/x:1" 'd["Id"]')
cid=sha256:$(field s1 "$R/chunk:1" 'd["Id"]')
if [ -n "$xid" ] && ci s7 pull $P --platform linux/amd64 "$R/multi:all" >"$tmp/out" 2>&1 && grep -qx "$xid" "$tmp/out"; then
	ok "from an index, pull takes the linux/amd64 image"
else
	echo "# wanted id $xid" >>"$tmp/out"
	notok "from an index, pull takes the linux/amd64 image"
fi
if [ -n "$cid" ] && ci s7 pull $P --platform linux/arm64 "$R/multi:all" >"$tmp/out" 2>&1 && grep -qx "$cid" "$tmp/out"; then
	ok "... and with --platform linux/arm64 the other"
else
	echo "# wanted id $cid" >>"$tmp/out"
	notok "... and with --platform linux/arm64 the other"
fi
refused "a platform the index lacks is refused, naming those it has" \
	"no linux/s390x image; it has linux/arm64, linux/amd64" ci s7 pull $P --platform linux/s390x "$R/multi:all"

# a blob altered in the registry's storage (it serves the file as it is)
rootfs "$tmp/bad.tgz" "$tmp/badroot" "image bad"
ci s1 import "$tmp/bad.tgz" "$R/bad:1" >/dev/null
ci s1 push $P "$R/bad:1" >/dev/null 2>&1
bad=$(field s1 "$R/bad:1" 'd["Manifest"]["layers"][0]["digest"]')
hex=${bad#sha256:}
f=$tmp/plain/data/docker/registry/v2/blobs/sha256/$(echo "$hex" | cut -c1-2)/$hex/data
if [ -f "$f" ] && printf 'XXXX' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null; then
	refused "a layer whose bytes are not its digest is refused" "other content for blob $bad" \
		ci s8 pull $P "$R/bad:1"
	# what s8 keeps is s1's blobs only: not the altered layer under its own digest either
	foreign=
	for b in "$tmp"/s8/oci/blobs/sha256/*; do
		[ -e "$tmp/s1/oci/blobs/sha256/${b##*/}" ] || foreign="$foreign ${b##*/}"
	done
	if [ ! -e "$tmp/s8/oci/blobs/sha256/$hex" ] && [ -z "$foreign" ] &&
		[ -z "$(ls "$tmp/s8/tmp" | grep blob)" ] && ! ci s8 images 2>&1 | grep -q bad; then
		ok "... and nothing of it is kept: no blob, no temporary file, no name"
	else
		ls -la "$tmp/s8/oci/blobs/sha256" "$tmp/s8/tmp" >"$tmp/out" 2>&1
		notok "... and nothing of it is kept: no blob, no temporary file, no name (kept:$foreign)"
	fi
else
	notok "the pushed layer $bad is in the registry's storage ($f)"
fi
mf=$(grep -o 'sha256:[0-9a-f]*' "$tmp/push1" | tail -1)
ci s1 push $P "$R/bad:1" "$R/badm:1" >/dev/null 2>&1
bm=$(curl -sf -o /dev/null -D - -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$R/v2/badm/manifests/1" |
	tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }')
hex=${bm#sha256:}
f=$tmp/plain/data/docker/registry/v2/blobs/sha256/$(echo "$hex" | cut -c1-2)/$hex/data
if [ -n "$hex" ] && [ -f "$f" ] && printf ' ' >>"$f"; then
	refused "a manifest whose bytes are not the digest the registry gives is refused" \
		"whose content is sha256:" ci s9 pull $P "$R/badm:1"
else
	notok "the manifest $bm of badm is in the registry's storage ($mf)"
fi

# a pull killed in the middle of a big layer, then run again
mkdir -p "$tmp/bigroot" && head -c 50000000 /dev/urandom >"$tmp/bigroot/big"
tar -C "$tmp/bigroot" -cf "$tmp/big.tar" .
ci s1 import "$tmp/big.tar" "$R/big:1" >/dev/null
ci s1 push -q $P "$R/big:1" >/dev/null 2>"$tmp/out" || notok "push of a 50 MB layer"
# store_whole STORE: every blob's content is its name, tmp/ is empty (else why, on stdout)
store_whole() {
	for b in "$tmp/$1"/oci/blobs/sha256/*; do
		[ "$(sha256sum <"$b" | cut -d' ' -f1)" = "${b##*/}" ] || echo "blob ${b##*/} is not its digest"
	done
	ls -A "$tmp/$1/tmp" | sed 's/^/left in tmp: /'
}

# slow_pull STORE BYTES: big:1 pulled at 10 MB/s in the background ($pull,
# its output in $tmp/STORE.pull), once BYTES of the layer are in tmp/ ($i:
# the 50 ms steps waited, over 200 if it never got there)
slow_pull() {
	CTR_REGISTRY_MAX_SPEED=10000000 ci "$1" pull $P "$R/big:1" >"$tmp/$1.pull" 2>&1 &
	pull=$!
	i=0
	until [ "$(cat "$tmp/$1"/tmp/blob.* 2>/dev/null | wc -c)" -gt "$2" ] || [ $i -gt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
bigd=$(sha256sum "$tmp/big.tar" | cut -d' ' -f1)
# kill -9 once a part of the layer is written
slow_pull s10 5000000
kill -9 $pull 2>/dev/null
wait $pull 2>/dev/null
# every file in blobs/ is whole: its content is its name
whole=$(store_whole s10 | grep '^blob ')
if [ $i -le 200 ] && [ -z "$whole" ] && [ ! -e "$tmp/s10/oci/blobs/sha256/$bigd" ] &&
	! ci s10 images 2>&1 | grep -q big; then
	ok "a pull killed mid-layer leaves no partial blob in blobs/ and no name"
else
	ls -la "$tmp/s10/oci/blobs/sha256" "$tmp/s10/tmp" >"$tmp/out" 2>&1
	notok "a pull killed mid-layer leaves no partial blob in blobs/ and no name (waited $i${whole:+, $whole})"
fi
if ci s10 pull $P "$R/big:1" >"$tmp/out" 2>&1 && grep -q 'skipped: already in the store' "$tmp/out" &&
	cmp "$tmp/bigroot/big" "$(layer_of s10)/big" >>"$tmp/out" 2>&1; then
	ok "pulled again, it skips what it has and completes"
else
	notok "pulled again, it skips what it has and completes"
fi

# two pulls of the same image into one store at once: the second waits
# for the store's lock, then finds every blob there
slow_pull s16 1000000
CTR_REGISTRY_MAX_SPEED=10000000 ci s16 pull $P "$R/big:1" >"$tmp/pull2" 2>&1
rc2=$?
wait $pull
rc1=$?
cat "$tmp/s16.pull" "$tmp/pull2" >"$tmp/out"
if [ $i -le 200 ] && [ $rc1 = 0 ] && [ $rc2 = 0 ] && grep -q 'waiting for another ctr using the store' "$tmp/pull2" &&
	[ "$(grep -c 'skipped: already in the store' "$tmp/pull2")" = 2 ]; then
	ok "two pulls of one image at once: both succeed, the second waits for the store's lock"
else
	notok "two pulls of one image at once: both succeed, the second waits for the store's lock (rc $rc1 $rc2, waited $i)"
fi
store_whole s16 >"$tmp/out"
ci s16 images >>"$tmp/out" 2>&1
if ! grep -Eq '^(left in tmp:|blob )' "$tmp/out" && [ "$(grep -c "^$R/big " "$tmp/out")" = 1 ] &&
	[ "$(ls "$tmp/s16/layers" | wc -l)" = 1 ] && cmp "$tmp/bigroot/big" "$(layer_of s16)/big" >>"$tmp/out" 2>&1; then
	ok "... and the store is whole: each blob its digest, the image listed once, one layer, tmp/ empty"
else
	notok "... and the store is whole: each blob its digest, the image listed once, one layer, tmp/ empty"
fi

# a full disk: the store on a 2 MB tmpfs that holds a small image; a pull
# (a 50 MB layer), an import (a 1.2 MB layer: its blob fits, unpacked it
# does not) and a load (the 50 MB layer) must fail naming ENOSPC and leave
# the small image whole, no partial blob and tmp/ empty; import and load
# also give back the blobs they wrote.
blobs_of() { ls "$tmp/full/st/oci/blobs/sha256"; }
# full_disk VERB NEW_BLOBS_OK COMMAND...: COMMAND, on the store full/st, fails with ENOSPC
full_disk() {
	verb=$1 extra=$2
	shift 2
	blobs_of >"$tmp/before"
	refused "full disk: $verb fails, saying No space left on device" 'No space left on device' "$@"
	what="the small image listed alone and intact, no partial blob, tmp/ empty"
	[ "$extra" = yes ] || what="$what, no new blob"
	store_whole full/st >"$tmp/out"
	[ "$extra" = yes ] || blobs_of | comm -13 "$tmp/before" - | sed 's/^/new blob: /' >>"$tmp/out"
	if [ ! -s "$tmp/out" ] && [ ! -e "$tmp/full/st/oci/blobs/sha256/$bigd" ] &&
		[ "$(ci full/st images -q | wc -l)" = 1 ] && ci full/st images | grep -q '^small ' &&
		[ "$(ls "$tmp/full/st/layers" | wc -l)" = 1 ] &&
		[ "$(cat "$tmp"/full/st/layers/*/etc/hello 2>&1)" = small ]; then
		ok "... and the store is whole: $what"
	else
		ci full/st images >>"$tmp/out" 2>&1
		ls -la "$tmp/full/st/oci/blobs/sha256" "$tmp/full/st/layers" >>"$tmp/out" 2>&1
		notok "... and the store is whole: $what"
	fi
}
mkdir -p "$tmp/full" "$tmp/smallroot/etc" "$tmp/midroot"
echo small >"$tmp/smallroot/etc/hello"
tar -C "$tmp/smallroot" -cf "$tmp/small.tar" .
head -c 1200000 /dev/urandom >"$tmp/midroot/rand"
tar -C "$tmp/midroot" -cf "$tmp/mid.tar" .
ci s1 save -o "$tmp/big-archive.tar" "$R/big:1" >/dev/null 2>&1
if mount -t tmpfs -o size=2m ctr-test-full "$tmp/full" 2>"$tmp/out"; then
	mounts="$tmp/full"
	ci full/st import "$tmp/small.tar" small:1 >/dev/null 2>&1
	full_disk pull yes ci full/st pull $P "$R/big:1"
	full_disk import no ci full/st import "$tmp/mid.tar" mid:1
	full_disk load no ci full/st load -i "$tmp/big-archive.tar"
else
	for v in pull import load; do
		ok "full disk: $v # SKIP cannot mount a tmpfs: $(cat "$tmp/out")"
		ok "... and the store is whole # SKIP"
	done
fi

# ---- a registry with TLS (self-signed) and htpasswd logins ----
mkdir -p "$tmp/certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/certs/ca.crt" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
htpasswd -Bbn user pass >"$tmp/htpasswd" 2>/dev/null
registry secure "  tls:
    certificate: $tmp/certs/ca.crt
    key: $tmp/key.pem
auth:
  htpasswd:
    realm: ctr-test
    path: $tmp/htpasswd"
S=127.0.0.1:$port
A="--authfile $tmp/auth.json"
C="--cert-dir $tmp/certs"

refused "a push without login fails and says to log in" "answered 401.*run ctr login $S" \
	ci s1 push $A $C "$R/x:1" "$S/x:1"
refused "a self-signed certificate is refused without its CA, naming --cert-dir and --tls-verify=false" \
	"cert-dir.*tls-verify=false" ci s1 login $A -u user -p pass "$S"
refused "login with a wrong password fails" "refused the password of user" \
	ci s1 login $A $C -u user -p wrong "$S"
if [ ! -e "$tmp/auth.json" ]; then ok "... and writes no auth.json"; else notok "... and writes no auth.json"; fi
check "login with the right password and --cert-dir" sh -c "echo pass | '$IMG' --store '$tmp/s1' login $A $C -u user --password-stdin '$S'"
if [ "$(stat -c %a "$tmp/auth.json")" = 600 ] &&
	python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); assert a["auths"][sys.argv[2]]["auth"] == "dXNlcjpwYXNz"' \
		"$tmp/auth.json" "$S" >"$tmp/out" 2>&1; then
	ok "auth.json is Podman's format, mode 0600"
else
	ls -l "$tmp/auth.json" >>"$tmp/out"
	cat "$tmp/auth.json" >>"$tmp/out"
	notok "auth.json is Podman's format, mode 0600"
fi
check "push after login (TLS verified with --cert-dir)" ci s1 push $A $C "$R/x:1" "$S/x:1"
check "pull after login into a fresh store" ci s11 pull $A $C "$S/x:1"
if same_files "$tmp/xroot" "$(layer_of s11)" >"$tmp/out"; then
	ok "... with the same files"
else
	notok "... with the same files"
fi
check "--tls-verify=false pulls from the self-signed registry without its CA" ci s12 pull $A $P "$S/x:1"
if skopeo inspect --authfile "$tmp/auth.json" --cert-dir "$tmp/certs" "docker://$S/x:1" >"$tmp/out" 2>&1 &&
	echo '{}' >"$tmp/empty.json" &&
	! skopeo inspect --authfile "$tmp/empty.json" --cert-dir "$tmp/certs" "docker://$S/x:1" >/dev/null 2>&1; then
	ok "skopeo inspect --authfile takes ctr's auth.json (and fails without it)"
else
	notok "skopeo inspect --authfile takes ctr's auth.json (and fails without it)"
fi
check "REGISTRY_AUTH_FILE is login's default file" sh -c "REGISTRY_AUTH_FILE='$tmp/env.json' '$IMG' --store '$tmp/s1' login $C -u user -p pass '$S' && grep -q dXNlcjpwYXNz '$tmp/env.json'"
mkdir -p "$tmp/home/.docker"
printf '{"auths":{"https://%s":{"auth":"dXNlcjpwYXNz"}}}' "$S" >"$tmp/home/.docker/config.json"
check "without an auth.json entry, Docker's ~/.docker/config.json is read" \
	env HOME="$tmp/home" REGISTRY_AUTH_FILE="$tmp/none.json" "$IMG" --store "$tmp/s15" pull $C "$S/x:1"
check "logout" ci s1 logout $A "$S"
refused "after logout the registry refuses again" "run ctr login $S" ci s13 pull $A $C "$S/x:1"
refused "a second logout says there was no login" "not logged in to $S" ci s1 logout $A "$S"
# ---- a registry with token (Bearer) authentication, as Docker Hub's ----
# The token server: JWTs signed with a key whose self-signed certificate
# the registry trusts; credentials user:pass get the actions asked for,
# anonymous requests none; every scope asked for is logged.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/tok.key" -out "$tmp/tok.crt" -days 2 \
	-subj /CN=ctr-test-token >/dev/null 2>&1
cat >"$tmp/token.py" <<'EOF'
import base64, http.server, json, ssl, subprocess, sys, time, urllib.parse
key, crt, log = sys.argv[2], sys.argv[3], open(sys.argv[4], "a")
x5c = base64.b64encode(ssl.PEM_cert_to_DER_cert(open(crt).read())).decode()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        auth, user = self.headers.get("Authorization", ""), None
        if auth.startswith("Basic "):
            user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            if (user, pw) != ("user", "pass"):
                self.send_response(401); self.end_headers(); return
        access = []
        for sc in q.get("scope", []):
            log.write("scope %s user %s\n" % (sc, user)); log.flush()
            t, name, actions = sc.split(":")
            if user:
                access.append({"type": t, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        claims = {"iss": "ctr-test-issuer", "sub": user or "", "aud": q["service"][0], "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": str(now) + self.path, "access": access}
        head = b64(json.dumps({"typ": "JWT", "alg": "RS256", "x5c": [x5c]}).encode())
        body = head + "." + b64(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=body.encode(),
                             capture_output=True, check=True).stdout
        out = json.dumps({"token": body + "." + b64(sig), "expires_in": 300}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
tport=$(free_port)
python3 "$tmp/token.py" "$tport" "$tmp/tok.key" "$tmp/tok.crt" "$tmp/token.log" 2>"$tmp/token.err" &
pids="$pids $!"
# the registry does not wait for it: the first push would find it not yet listening
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$tport/token?service=ctr-test" || [ $i -gt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
registry token "auth:
  token:
    realm: http://127.0.0.1:$tport/token
    service: ctr-test
    issuer: ctr-test-issuer
    rootcertbundle: $tmp/tok.crt"
T=127.0.0.1:$port
TA="--authfile $tmp/tauth.json"
refused "Bearer: a push without login fails and says to log in" "answered 401.*run ctr login $T" \
	ci s1 push $TA $P "$R/x:1" "$T/x:1"
refused "Bearer: a wrong password is refused by the token server" "token server refused the credentials of user" \
	ci s1 login $TA $P -u user -p wrong "$T"
check "Bearer: login" ci s1 login $TA $P -u user -p pass "$T"
check "Bearer: push" ci s1 push $TA $P "$R/x:1" "$T/x:1"
if grep -q "scope repository:x:pull,push user user" "$tmp/token.log"; then
	ok "Bearer: push asked the token server for repository:x:pull,push"
else
	cp "$tmp/token.log" "$tmp/out"
	notok "Bearer: push asked the token server for repository:x:pull,push"
fi
ci s1 push $TA $P "$R/x:1" "$T/w:1" >"$tmp/out" 2>&1
if [ "$(grep -c 'mounted from x' "$tmp/out")" = 2 ] && grep -q "scope repository:x:pull user user" "$tmp/token.log"; then
	ok "Bearer: a cross-repository mount gets a token for both repositories"
else
	cat "$tmp/token.log" >>"$tmp/out"
	notok "Bearer: a cross-repository mount gets a token for both repositories"
fi
if ci s14 pull $TA $P "$T/w:1" >"$tmp/out" 2>&1 && same_files "$tmp/xroot" "$(layer_of s14)" >>"$tmp/out"; then
	ok "Bearer: pull, the same files"
else
	notok "Bearer: pull, the same files"
fi
finish
