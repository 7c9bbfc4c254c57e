#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr-image build: each Containerfile instruction, multi-stage builds,
# the layer cache (a rebuild runs no RUN and takes well under a second; a
# changed file rebuilds from its COPY on), .dockerignore, errors that name
# the Containerfile's line, ADD's refusals; and the same Containerfile
# built by buildah gives the same files and config.
# TAP output. usage: ctr_image_build_test.sh CTR-IMAGE BUSYBOX
. "$(cd "$(dirname "$0")" && pwd)/ctr_image_lib.sh"

# ---- a context that uses every instruction ----
c=$tmp/ctx
mkdir -p "$c/src/deep" "$c/tarred/t"
echo 'int main(void) { return 0; }' >"$c/app.c"
echo one >"$c/src/one.txt"
echo two >"$c/src/deep/two.txt"
echo g1 >"$c/g1.conf"
echo g2 >"$c/g2.conf"
echo in-tar >"$c/tarred/t/file"
chmod 0640 "$c/src/one.txt"
chmod 0750 "$c/src/deep"
tar -C "$c/tarred" -czf "$c/bundle.tgz" t
rm -rf "$c/tarred"
cat >"$c/Containerfile" <<'EOF'
# syntax=docker/dockerfile:1
# a comment
ARG BASE=bb
FROM $BASE AS build
ARG GREETING=hello
ARG UNSET
ENV A=1 \
    B="two words"
ENV C ${A:-x}-${NOPE:-dflt}-${A:+set}
LABEL org.lvmm.test="yes" other=2
WORKDIR /app
COPY app.c ./
COPY src /app/src/
COPY *.conf /etc/cfg/
COPY --chown=nobody:root app.c /app/owned.c
ADD bundle.tgz /opt/
RUN echo "RAN-MARKER $GREETING $A $B" && echo "$GREETING|$A|$B|$C|${UNSET:-none}" >/app/out.txt
RUN ["/bin/sh", "-c", "id -u >/app/uid"]
EXPOSE 8080 53/udp
USER nobody
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /app/out.txt"]
FROM scratch AS final
COPY --from=build /app/out.txt /out.txt
COPY --from=0 /etc/hello /hello
EOF
ci build -t first --target build --build-arg GREETING=hey "$c" >"$tmp/b1.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^STEP 2/22: FROM \$BASE AS build' "$tmp/b1.out" &&
	grep -q '^RAN-MARKER hey 1 two words' "$tmp/b1.out"; then
	ok "build: STEP n/N lines, RUN's output with ARG (--build-arg) and ENV"
else
	notok "build: STEP n/N lines, RUN's output with ARG (--build-arg) and ENV (rc=$rc)" "$tmp/b1.out"
fi
ci image inspect first >"$tmp/first.json" 2>&1
# cfg KEY: a value of the image config's "config", compact
cfg() {
	python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["Config"]["config"]
print(json.dumps(c.get(sys.argv[2]), sort_keys=True, separators=(",", ":")))' "$tmp/first.json" "$1"
}
check() {
	if [ "$(cfg "$1")" = "$2" ]; then ok "config $1 is $2"; else notok "config $1 is $2 (got $(cfg "$1"))"; fi
}
check Env '["A=1","B=two words","C=1-dflt-set"]'
check Labels '{"org.lvmm.test":"yes","other":"2"}'
check WorkingDir '"/app"'
check ExposedPorts '{"53/udp":{},"8080/tcp":{}}'
check User '"nobody"'
check Entrypoint '["/bin/sh","-c"]'
check Cmd '["cat /app/out.txt"]'
hist=$(python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["Config"]
h = c["history"]; print(len(h), sum(1 for e in h if e.get("empty_layer")), len(c["rootfs"]["diff_ids"]))' "$tmp/first.json")
# the import's entry and one a step of stage build (17), 8 of them layers
# (WORKDIR making /app, 4 COPY, ADD, 2 RUN)
if [ "$hist" = "18 9 9" ]; then
	ok "history: an entry per step, empty_layer for the config-only ones (18 9 9)"
else
	notok "history: an entry per step, empty_layer for the config-only ones (wanted 18 9 9, got $hist)"
fi
# The files, through the runtime: CMD as the image has it, then a listing.
ci container run --rm first >"$tmp/run1.out" 2>&1
if [ "$(cat "$tmp/run1.out")" = "hey|1|two words|1-dflt-set|none" ]; then
	ok "container run of the build: ENTRYPOINT + CMD print RUN's file"
else
	notok "container run of the build: ENTRYPOINT + CMD print RUN's file" "$tmp/run1.out"
fi
ci container run --rm --user 0 first 'cd /; for f in app/app.c app/src/one.txt app/src/deep/two.txt etc/cfg/g1.conf etc/cfg/g2.conf opt/t/file app/uid; do printf "%s " $f; cat $f; done; busybox stat -c "%A %u %g %n" app/owned.c app/src/deep app/src/one.txt' >"$tmp/run2.out" 2>&1
cat >"$tmp/run2.want" <<'EOF'
app/app.c int main(void) { return 0; }
app/src/one.txt one
app/src/deep/two.txt two
etc/cfg/g1.conf g1
etc/cfg/g2.conf g2
opt/t/file in-tar
app/uid 0
-rw-r--r-- 65534 0 app/owned.c
drwxr-x--- 0 0 app/src/deep
-rw-r----- 0 0 app/src/one.txt
EOF
if diff "$tmp/run2.want" "$tmp/run2.out" >"$tmp/run2.diff"; then
	ok "COPY (file, directory contents, glob, --chown), ADD of a .tgz unpacked, RUN exec form: files and modes"
else
	notok "COPY (file, directory contents, glob, --chown), ADD of a .tgz unpacked, RUN exec form: files and modes" \
		"$tmp/run2.out" "$tmp/run2.diff"
fi

# ---- multi-stage: scratch with files from stage "build" and stage 0 ----
ci build -t final "$c" >"$tmp/b2.out" 2>&1
rm -rf "$tmp/fin" "$tmp/fin.bundle"
if skopeo copy "oci:$tmp/store/oci:final:latest" "oci:$tmp/fin:x" >"$tmp/fin.out" 2>&1 &&
	unpack_oci "$tmp/fin:x" "$tmp/fin.bundle" &&
	[ "$(cd "$tmp/fin.bundle/rootfs" && find . | sort | tr '\n' ' ')" = ". ./hello ./out.txt " ] &&
	[ "$(cat "$tmp/fin.bundle/rootfs/hello")" = hello ]; then
	ok "multi-stage: FROM scratch, COPY --from=build and --from=0: those two files only"
else
	notok "multi-stage: FROM scratch, COPY --from=build and --from=0: those two files only" \
		"$tmp/b2.out" "$tmp/fin.out"
fi

# COPY --from an image of the store, not a stage
mkdir -p "$tmp/fromimg"
printf 'FROM scratch\nCOPY --from=bb /etc/hello /etc/passwd /got/\n' >"$tmp/fromimg/Containerfile"
ci build -t fromimg "$tmp/fromimg" >"$tmp/fromimg.out" 2>&1
rm -rf "$tmp/fi" "$tmp/fi.bundle"
if skopeo copy "oci:$tmp/store/oci:fromimg:latest" "oci:$tmp/fi:x" >>"$tmp/fromimg.out" 2>&1 &&
	unpack_oci "$tmp/fi:x" "$tmp/fi.bundle" &&
	[ "$(cd "$tmp/fi.bundle/rootfs" && find . | sort | tr '\n' ' ')" = ". ./got ./got/hello ./got/passwd " ]; then
	ok "COPY --from=IMAGE (an image of the store) of two files into a directory"
else
	notok "COPY --from=IMAGE (an image of the store) of two files into a directory" "$tmp/fromimg.out"
fi

# ---- the cache ----
id1=$(tail -1 "$tmp/b2.out")
t0=$(date +%s%N)
ci build -t final "$c" >"$tmp/b3.out" 2>&1
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
if ! grep -q '^RAN-MARKER' "$tmp/b3.out" && [ "$(grep -c -- '--> Using cache' "$tmp/b3.out")" = 19 ] &&
	[ "$(tail -1 "$tmp/b3.out")" = "$id1" ] && [ $ms -lt 1000 ]; then
	ok "rebuild, nothing changed: every step from the cache, no RUN, the same image, ${ms} ms"
else
	notok "rebuild, nothing changed: every step from the cache, no RUN, the same image (${ms} ms, wanted < 1000; first $id1, $(grep -c -- '--> Using cache' "$tmp/b3.out") from the cache)" \
		"$tmp/b3.out"
fi
echo one-changed >"$c/src/one.txt"
chmod 0640 "$c/src/one.txt"
ci build -t final "$c" >"$tmp/b4.out" 2>&1
# cached: the 8 steps before COPY src (ARG and FROM print none); rebuilt from there on
if grep -q '^RAN-MARKER' "$tmp/b4.out" && [ "$(grep -c -- '--> Using cache' "$tmp/b4.out")" = 7 ]; then
	ok "a copied file changed: cached up to its COPY, RUN again after it"
else
	notok "a copied file changed: cached up to its COPY, RUN again after it" "$tmp/b4.out"
fi
ci build --no-cache -t final "$c" >"$tmp/b5.out" 2>&1
if grep -q '^RAN-MARKER' "$tmp/b5.out" && ! grep -q -- '--> Using cache' "$tmp/b5.out"; then
	ok "--no-cache runs every step"
else
	notok "--no-cache runs every step" "$tmp/b5.out"
fi
ci build -t final --build-arg GREETING=other "$c" >"$tmp/b6.out" 2>&1
if grep -q '^RAN-MARKER other' "$tmp/b6.out"; then
	ok "another --build-arg value: RUN again"
else
	notok "another --build-arg value: RUN again" "$tmp/b6.out"
fi

# ---- .dockerignore ----
d=$tmp/ign
mkdir -p "$d/keep" "$d/logs/sub" "$d/a/b/c"
for f in keep/k.txt logs/x.log logs/sub/y.log logs/important.log secret.key a/b/c/z.tmp a/top.tmp readme; do
	echo "$f" >"$d/$f"
done
printf '# comment\nsecret.key\nlogs\n!logs/important.log\n**/*.tmp\n' >"$d/.dockerignore"
printf 'FROM bb\nCOPY . /ctx/\n' >"$d/Containerfile"
ci build -t ign "$d" >"$tmp/ign.out" 2>&1
ci container run --rm ign sh -c 'cd /ctx && find . -type f | sort' >"$tmp/ign.files" 2>&1
printf './.dockerignore\n./Containerfile\n./keep/k.txt\n./logs/important.log\n./readme\n' >"$tmp/ign.want"
if diff "$tmp/ign.want" "$tmp/ign.files" >"$tmp/ign.diff"; then
	ok ".dockerignore: names, directories, ! exceptions and ** globs"
else
	notok ".dockerignore: names, directories, ! exceptions and ** globs" "$tmp/ign.out" "$tmp/ign.diff"
fi

# ---- errors name the line ----
e=$tmp/err
mkdir -p "$e"
# fails FILE-TEXT PATTERN NAME: the build fails, saying PATTERN
fails() {
	printf "$1" >"$e/Containerfile"
	if ci build -t err "$e" >"$tmp/err.out" 2>&1; then
		notok "$3 (the build succeeded)" "$tmp/err.out"
	elif grep -q "$2" "$tmp/err.out"; then
		ok "$3"
	else
		notok "$3 (wanted /$2/)" "$tmp/err.out"
	fi
}
fails 'FROM bb\n\n# x\nENV A=1\nCOPY app.c /app/\n' 'Containerfile:5: COPY: no such file app.c' \
	"a missing COPY source: Containerfile:5: COPY: no such file app.c"
fails 'FROM bb\nRUN true && \\\n  exit 3\nRUN echo never\n' 'Containerfile:2: RUN: .*exited with status 3' \
	"RUN exiting 3 fails the build with its status and line"
fails 'FROM bb\nRUN\n' 'Containerfile:2: RUN: needs arguments' "an instruction without arguments"
fails 'FROM bb\nFROBNICATE x\n' 'Containerfile:2: FROBNICATE: unknown instruction' "an unknown instruction"
fails 'FROM nosuchimage\n' 'Containerfile:1: FROM: no image nosuchimage' "FROM an image not in the store"
fails 'FROM bb\nADD https://example.com/x.tgz /\n' 'Containerfile:2: ADD: https://example.com/x.tgz: ctr build does not download' \
	"ADD of a URL is refused"
mkdir -p "$e/evil"
echo pwned >"$e/evil/pwned"
tar -C "$e/evil" -cf "$e/evil.tar" --transform='s|^|../../|' pwned 2>/dev/null
fails 'FROM bb\nADD evil.tar /opt/\n' 'Containerfile:2: ADD: .*evil.tar has the entry "../../pwned", which leaves the destination' \
	"ADD of a tar with ../ entries is refused"
if [ ! -e "$tmp/store/pwned" ] && [ ! -e "$tmp/store/tmp/pwned" ] && ! ls "$tmp"/store/tmp/*/pwned >/dev/null 2>&1; then
	ok "nothing of the ../ tar was written"
else
	notok "nothing of the ../ tar was written"
fi

# ---- buildah, the same Containerfile ----
if need buildah skopeo umoci; then
	podman_setup
	ci save -o "$tmp/bb.tar" bb 2>"$tmp/bah.err"
	pm load -i "$tmp/bb.tar" >>"$tmp/bah.err" 2>&1
	sed 's|^ARG BASE=bb|ARG BASE=localhost/bb|' "$c/Containerfile" >"$tmp/Containerfile.buildah"
	buildah --runtime "$PM_RUNTIME" bud --isolation chroot --layers=false -f "$tmp/Containerfile.buildah" \
		--target build --build-arg GREETING=hey -t localhost/bah "$c" >>"$tmp/bah.err" 2>&1
	skopeo copy containers-storage:localhost/bah:latest "oci:$tmp/bah:x" >>"$tmp/bah.err" 2>&1
	ci build -t first --target build --build-arg GREETING=hey "$c" >>"$tmp/bah.err" 2>&1
	skopeo copy "oci:$tmp/store/oci:first:latest" "oci:$tmp/mine:x" >>"$tmp/bah.err" 2>&1
	if unpack_oci "$tmp/bah:x" "$tmp/bah.b" && unpack_oci "$tmp/mine:x" "$tmp/mine.b" &&
		same_tree "$tmp/bah.b/rootfs/app" "$tmp/mine.b/rootfs/app" &&
		same_tree "$tmp/bah.b/rootfs/opt" "$tmp/mine.b/rootfs/opt" &&
		same_tree "$tmp/bah.b/rootfs/etc/cfg" "$tmp/mine.b/rootfs/etc/cfg"; then
		ok "buildah bud of the same Containerfile: the same /app, /opt and /etc/cfg"
	else
		tree_list "$tmp/bah.b/rootfs/app" >"$tmp/bah.app" 2>&1
		tree_list "$tmp/mine.b/rootfs/app" >"$tmp/mine.app" 2>&1
		notok "buildah bud of the same Containerfile: the same /app, /opt and /etc/cfg" \
			"$tmp/bah.err" "$tmp/bah.app" "$tmp/mine.app"
	fi
	# the config: Env, Labels, WorkingDir, User, Entrypoint, Cmd, ExposedPorts
	conf() {
		python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["config"]
print(json.dumps({k: c.get(k) for k in ("Env", "Labels", "WorkingDir", "User", "Entrypoint", "Cmd", "ExposedPorts")}, sort_keys=True))' \
			"$tmp/$1.b/config.json.image" 2>&1
	}
	for x in bah mine; do
		dg=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$tmp/$x/index.json")
		cd_=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["config"]["digest"][7:])' "$tmp/$x/blobs/sha256/$dg")
		cp "$tmp/$x/blobs/sha256/$cd_" "$tmp/$x.b/config.json.image"
	done
	# buildah adds a PATH and its version label to every image
	if [ "$(conf bah | sed 's|"PATH=[^"]*", ||; s|"io.buildah.version": "[^"]*", ||')" = "$(conf mine)" ]; then
		ok "buildah bud of the same Containerfile: the same config"
	else
		conf bah >"$tmp/bah.conf"
		conf mine >"$tmp/mine.conf"
		notok "buildah bud of the same Containerfile: the same config" "$tmp/bah.conf" "$tmp/mine.conf"
	fi
fi
finish
