#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr-image save and load against Podman's, skopeo's and umoci's reading
# and writing of the same two formats (docker-archive, oci-archive): an
# archive either side writes, the other loads and runs, with the same
# files and a container that shows the same as the writer's; and the archives load must refuse (names with .., absolute
# names, blobs or layers that are not what they are named) leave no name.
# TAP output. usage: ctr_image_archive_test.sh CTR-IMAGE BUSYBOX
. "$(cd "$(dirname "$0")" && pwd)/ctr_image_lib.sh"
podman_setup

# $same_cmd: what a container shows of its image (files, /bin, uid, gid,
# cwd), the same under any engine; ctr's run of bb is the reference
same_cmd='cat /etc/hello /etc/passwd /etc/group && ls /bin && id -u && id -g && busybox sha256sum /bin/busybox && pwd'
ci container run --rm bb sh -c "$same_cmd" >"$tmp/ctr.run" 2>&1

# ---- ctr save, read by the others ----
ci save -o "$tmp/d.tar" bb 2>"$tmp/save.err"
ci save --format oci-archive -o "$tmp/o.tar" bb 2>>"$tmp/save.err"
tar -xOf "$tmp/d.tar" manifest.json >"$tmp/d.manifest" 2>&1
layer=$(sed -n 's/.*"Layers":\["\([0-9a-f]*\.tar\)"\].*/\1/p' "$tmp/d.manifest")
if grep -q '"RepoTags":\["bb:latest"\]' "$tmp/d.manifest" && [ -n "$layer" ] &&
	tar -xOf "$tmp/d.tar" "$layer" | tar -t 2>/dev/null | grep -q 'etc/hello' &&
	[ "$(tar -xOf "$tmp/d.tar" "$layer" | sha256sum | cut -d' ' -f1).tar" = "$layer" ]; then
	ok "save: docker-archive manifest.json, layer an uncompressed tar named by its sha256"
else
	notok "save: docker-archive manifest.json, layer an uncompressed tar named by its sha256" \
		"$tmp/d.manifest" "$tmp/save.err"
fi
if need podman; then
	for f in d o; do
		fmt=docker-archive
		[ $f = o ] && fmt=oci-archive
		pm rmi -af >/dev/null 2>&1
		if pm load -i "$tmp/$f.tar" >"$tmp/pload.$f" 2>&1 &&
			pm run --rm localhost/bb:latest cat /etc/hello >"$tmp/prun.$f" 2>&1 &&
			[ "$(cat "$tmp/prun.$f")" = hello ]; then
			ok "ctr save --format $fmt; podman load; podman run cat /etc/hello"
		else
			notok "ctr save --format $fmt; podman load; podman run cat /etc/hello" \
				"$tmp/pload.$f" "$tmp/prun.$f"
		fi
		pm run --rm localhost/bb:latest sh -c "$same_cmd" >"$tmp/psame.$f" 2>&1
		same_run "... podman run of it shows what ctr container run of bb does" "$tmp/ctr.run" "$tmp/psame.$f"
	done
fi
if need skopeo umoci; then
	if skopeo copy "docker-archive:$tmp/d.tar" "oci:$tmp/sk:x" >"$tmp/sk.out" 2>&1 &&
		unpack_oci "$tmp/sk:x" "$tmp/sk.bundle" && same_tree "$tmp/rootfs" "$tmp/sk.bundle/rootfs"; then
		ok "skopeo copy docker-archive: of ctr's archive, umoci unpack: the same files"
	else
		notok "skopeo copy docker-archive: of ctr's archive, umoci unpack: the same files" "$tmp/sk.out"
	fi
	if skopeo copy "oci-archive:$tmp/o.tar:bb:latest" "oci:$tmp/sko:x" >"$tmp/sko.out" 2>&1 &&
		unpack_oci "$tmp/sko:x" "$tmp/sko.bundle" && same_tree "$tmp/rootfs" "$tmp/sko.bundle/rootfs"; then
		ok "skopeo copy oci-archive: of ctr's archive (ref bb:latest), umoci unpack: the same files"
	else
		notok "skopeo copy oci-archive: of ctr's archive (ref bb:latest), umoci unpack: the same files" \
			"$tmp/sko.out"
	fi
fi

# ---- the others' archives, ctr load ----
# loaded_same STORE NAME: the image NAME in STORE has the files of the rootfs
loaded_same() {
	rm -rf "$tmp/chk" "$tmp/chk.bundle"
	skopeo copy "oci:$1/oci:$2" "oci:$tmp/chk:x" >/dev/null 2>&1 &&
		unpack_oci "$tmp/chk:x" "$tmp/chk.bundle" && same_tree "$tmp/rootfs" "$tmp/chk.bundle/rootfs"
}
if need podman skopeo umoci; then
	pm rmi -af >/dev/null 2>&1
	pm load -i "$tmp/d.tar" >/dev/null 2>&1
	pm save -o "$tmp/pd.tar" localhost/bb:latest >"$tmp/psave" 2>&1
	pm save --format oci-archive -o "$tmp/po.tar" localhost/bb:latest >>"$tmp/psave" 2>&1
	pm run --rm localhost/bb:latest sh -c "$same_cmd" >"$tmp/psame.p" 2>&1
	for f in pd po; do
		"$CI" --store "$tmp/s.$f" load -i "$tmp/$f.tar" >"$tmp/load.$f" 2>&1
		if grep -qx "Loaded image: localhost/bb:latest" "$tmp/load.$f" &&
			loaded_same "$tmp/s.$f" localhost/bb:latest; then
			ok "podman save ($f.tar); ctr load: localhost/bb:latest, the same files"
		else
			notok "podman save ($f.tar); ctr load: localhost/bb:latest, the same files" \
				"$tmp/psave" "$tmp/load.$f"
		fi
		"$CI" --store "$tmp/s.$f" container run --rm localhost/bb:latest sh -c "$same_cmd" \
			>"$tmp/csame.$f" 2>&1
		same_run "... ctr container run of it shows what podman run of the image saved does" \
			"$tmp/psame.p" "$tmp/csame.$f"
	done
fi

# gzip'ed, from stdin; two images (one with two names) in one archive
cp "$BUSYBOX" "$tmp/bb2" 2>/dev/null
mkdir -p "$tmp/r2/etc" && echo two >"$tmp/r2/etc/two" && tar -C "$tmp/r2" -cf "$tmp/r2.tar" .
ci import "$tmp/r2.tar" two >/dev/null 2>&1
ci tag two two:v2 >/dev/null 2>&1
ci save -o "$tmp/multi.tar" bb two two:v2 2>"$tmp/multi.err"
gzip -c "$tmp/multi.tar" >"$tmp/multi.tgz"
"$CI" --store "$tmp/s.multi" load <"$tmp/multi.tgz" >"$tmp/multi.out" 2>>"$tmp/multi.err"
"$CI" --store "$tmp/s.multi" images --format json >"$tmp/multi.json" 2>&1
if [ "$(grep -c '^Loaded image: ' "$tmp/multi.out")" = 3 ] &&
	grep -q '"bb:latest"' "$tmp/multi.json" && grep -q '"two:latest"' "$tmp/multi.json" &&
	grep -q '"two:v2"' "$tmp/multi.json" && [ "$(grep -c '"Id"' "$tmp/multi.json")" = 2 ]; then
	ok "save of 2 images (3 names), gzip'ed, load from stdin: both images, all names"
else
	notok "save of 2 images (3 names), gzip'ed, load from stdin: both images, all names" \
		"$tmp/multi.err" "$tmp/multi.out" "$tmp/multi.json"
fi

# ---- what load refuses; nothing is named after a refusal ----
# refused NAME ARCHIVE PATTERN: load fails, says PATTERN, and the store has no image
refused() {
	rm -rf "$tmp/s.bad"
	if ! "$CI" --store "$tmp/s.bad" load -i "$2" >"$tmp/bad.out" 2>&1 &&
		grep -q "$3" "$tmp/bad.out" &&
		[ "$("$CI" --store "$tmp/s.bad" images -q 2>&1)" = "" ]; then
		ok "load refuses $1"
	else
		notok "load refuses $1 (wanted /$3/)" "$tmp/bad.out"
	fi
}
mkdir -p "$tmp/x" && tar -C "$tmp/x" -xf "$tmp/d.tar"
cfg=$(cd "$tmp/x" && ls ./*.json | grep -v manifest)
(cd "$tmp/x" && tar --transform='s|^|../|' -cf "$tmp/dotdot.tar" manifest.json "$cfg" ./*.tar 2>/dev/null)
refused "an entry named ../" "$tmp/dotdot.tar" 'has "\.\."'
(cd "$tmp/x" && tar -P --transform='s|^|/|' -cf "$tmp/abs.tar" manifest.json "$cfg" ./*.tar 2>/dev/null)
refused "an absolute entry" "$tmp/abs.tar" 'absolute'
# a layer swapped for another tar: not the diff_id its config gives
cp "$tmp/r2.tar" "$tmp/x/$layer"
(cd "$tmp/x" && tar -cf "$tmp/swapped.tar" manifest.json "$cfg" ./*.tar)
refused "a docker-archive layer that is not its diff_id" "$tmp/swapped.tar" 'not the diff_id'
# an OCI blob whose content is not its name
mkdir -p "$tmp/y" && tar -C "$tmp/y" -xf "$tmp/o.tar"
big=$(ls -S "$tmp/y/blobs/sha256" | head -1)
cp "$tmp/r2.tar" "$tmp/y/blobs/sha256/$big"
(cd "$tmp/y" && tar -cf "$tmp/badblob.tar" oci-layout index.json blobs)
refused "an oci-archive blob that is not its digest" "$tmp/badblob.tar" 'digest mismatch'
printf 'not a tar' >"$tmp/junk"
refused "a file that is not an archive" "$tmp/junk" 'not a tar archive'
(cd "$tmp/x" && tar -cf "$tmp/nomanifest.tar" "$cfg" ./*.tar)
refused "an archive of neither format" "$tmp/nomanifest.tar" 'neither a docker save archive'

# a save that fails (a corrupt layer in the store) keeps the old file
cp -a "$tmp/store" "$tmp/s.corrupt"
blob=$(ls -S "$tmp/s.corrupt/oci/blobs/sha256" | head -1)
printf 'x' | dd of="$tmp/s.corrupt/oci/blobs/sha256/$blob" bs=1 seek=100 conv=notrunc 2>/dev/null
echo old >"$tmp/old.tar"
for fmt in docker-archive oci-archive; do
	if ! "$CI" --store "$tmp/s.corrupt" save --format $fmt -o "$tmp/old.tar" bb >"$tmp/corrupt.out" 2>&1 &&
		grep -q "corrupt\|gzip\|not the diff_id" "$tmp/corrupt.out" && [ "$(cat "$tmp/old.tar")" = old ] &&
		[ -z "$(ls "$tmp" | grep 'old\.tar\.')" ]; then
		ok "save --format $fmt of a corrupt blob fails and keeps the old file"
	else
		notok "save --format $fmt of a corrupt blob fails and keeps the old file" "$tmp/corrupt.out"
	fi
done
finish
