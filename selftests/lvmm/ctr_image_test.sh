#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr's image store and containers from images (ctr-image): import, the
# OCI layout that skopeo and umoci read as is, layers unpacked once,
# tag/rmi/prune/history, `ctr container run` with the image config and
# its overrides, commit with whiteouts, and hostile layers that must not
# write outside their directory. Images made by umoci (config) and read
# back by skopeo + umoci are the peers.
# TAP output. usage: ctr_image_test.sh CTR BUSYBOX
CTR_BIN=$(realpath "$1")
BUSYBOX=$2
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	d=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/# /' "$tmp/out" | head -20; fi
}
# expect DESCRIPTION WANT COMMAND...: ok if COMMAND prints exactly WANT
expect() {
	d=$1 want=$2
	shift 2
	got=$("$@" 2>"$tmp/err")
	if [ "$got" = "$want" ]; then ok "$d"; else
		not_ok "$d"
		echo "# want: $want"
		echo "# got:  $got" | head -5
		sed 's/^/# /' "$tmp/err" | head -10
	fi
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP overlay mounts and chroot need root"
	exit 0
fi
for t in skopeo umoci python3; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "1..1"
		echo "not ok 1 - $t is installed (scripts/testbed/deps.sh)"
		exit 1
	fi
done
tmp=$(mktemp -d /tmp/ctr-image.XXXXXX)
cleanup() {
	for c in $(ls "$tmp/store/containers" 2>/dev/null); do
		"$CTR_BIN" --root "$tmp/state" delete --force "$c" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
# The plan comes first (parse-results.awk): results are collected and printed after it.
exec 3>&1 >"$tmp/tap"
ctr() { "$CTR_BIN" --store "$tmp/store" --root "$tmp/state" "$@"; }
run() { ctr container run --rm "$@"; }

# A busybox root filesystem.
rf=$tmp/rootfs
mkdir -p "$rf/bin" "$rf/etc" "$rf/tmp"
cp "$BUSYBOX" "$rf/bin/busybox"
for a in sh cat echo ls id rm touch sleep test wc printenv pwd mkdir ln stat readlink; do
	ln -s busybox "$rf/bin/$a"
done
echo hi >"$rf/etc/hello"
echo 'root:x:0:0:root:/root:/bin/sh' >"$rf/etc/passwd"
echo 'app:x:1000:1000::/home/app:/bin/sh' >>"$rf/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nstaff:x:50:\n' >"$rf/etc/group"
tar -C "$rf" -czf "$tmp/rootfs.tgz" .

# --- the store ---
check "import of a rootfs tarball" ctr import "$tmp/rootfs.tgz" base
expect "images lists it" "base latest" sh -c "\"$CTR_BIN\" --store $tmp/store images | awk 'NR==2 {print \$1, \$2}'"
check "images --format json has its id" sh -c "\"$CTR_BIN\" --store $tmp/store images --format json | grep -q '\"Id\"'"
check "skopeo reads the store as an OCI layout" skopeo inspect "oci:$tmp/store/oci:base:latest"
rm -rf "$tmp/unp"
check "umoci unpacks it" umoci unpack --image "$tmp/store/oci:base:latest" "$tmp/unp"
expect "umoci's files are the tarball's" "hi" cat "$tmp/unp/rootfs/etc/hello"
check "busybox unpacked intact" cmp "$BUSYBOX" "$tmp/store/layers/$(ls "$tmp/store/layers" | grep -v empty | head -1)/bin/busybox"
layers=$(ls "$tmp/store/layers" | wc -l)
echo two >"$rf/etc/two"
tar -C "$rf" -czf "$tmp/rootfs2.tgz" .
rm "$rf/etc/two"
ctr import "$tmp/rootfs.tgz" again >/dev/null 2>&1
expect "the same layer in a second image is unpacked once" "$layers" sh -c "ls $tmp/store/layers | wc -l"
ctr rmi again >/dev/null 2>&1
check "tag gives an image another name" ctr tag base other:1
expect "both names list the same id" "1" sh -c "\"$CTR_BIN\" --store $tmp/store images | awk 'NR>1 && (\$1==\"base\" || \$1==\"other\") {print \$3}' | sort -u | wc -l"
check "rmi of one name leaves the other" sh -c "\"$CTR_BIN\" --store $tmp/store rmi other:1 && \"$CTR_BIN\" --store $tmp/store inspect base >/dev/null"
expect "rmi of an unknown image names it" "1" sh -c "\"$CTR_BIN\" --store $tmp/store rmi nosuch 2>&1 | grep -c 'image \"nosuch\" is not in the store'"
expect "an invalid name is refused" "1" sh -c "\"$CTR_BIN\" --store $tmp/store tag base 'Bad Name' 2>&1 | grep -c 'invalid image name'"
check "history names the import" sh -c "\"$CTR_BIN\" --store $tmp/store history base | grep -q 'ctr import'"

# --- containers from images ---
expect "container run prints the image's file" "hi" run base cat /etc/hello
expect "the command's exit status is run's" "7" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --rm base sh -c 'exit 7'; echo \$?"
expect "-e sets the environment" "bar" run -e FOO=bar base sh -c 'echo $FOO'
expect "-w sets the working directory (made if missing)" "/tmp/w" run -w /tmp/w base pwd
expect "-u uid:gid" "1000 50" run -u 1000:50 base sh -c 'echo $(id -u) $(id -g)'
expect "-u a name from the image's /etc/passwd" "1000 1000" run -u app base sh -c 'echo $(id -u) $(id -g)'
expect "-u an unknown name is an error naming it" "1" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --rm -u nobody base true 2>&1 | grep -c 'user \"nobody\" is not in'"
mkdir -p "$tmp/vol"
echo volfile >"$tmp/vol/f"
expect "-v HOST:CTR binds a directory" "volfile" run -v "$tmp/vol:/mnt" base cat /mnt/f
run -v "$tmp/vol:/mnt:ro" base sh -c 'echo x > /mnt/g' >/dev/null 2>&1
expect "-v ...:ro is read-only" "absent" sh -c "[ -e $tmp/vol/g ] && echo present || echo absent"
expect "--rm leaves no container behind" "0" sh -c "ls $tmp/store/containers | wc -l"
expect "an unknown image is one clear error, status 125" "125 1" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --rm nosuch true 2>$tmp/e; echo \$? \$(grep -c 'not in the store' $tmp/e)"

PTY=$(cd "$(dirname "$0")" && pwd)/pty_drive
if [ -x "$PTY" ]; then
	expect "-it: a shell on a terminal of its own, and its exit status" "/dev/pts/0 in-42 4" sh -c "\"$PTY\" --wait-for '#' --input 'tty; echo in-\$((6*7))\\nexit 4\\n' --timeout 20 -- \"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --rm -it base /bin/sh >$tmp/pty; rc=\$?; echo \$(grep -o '^/dev/pts/[0-9]*' $tmp/pty) \$(grep -o '^in-[0-9]*' $tmp/pty) \$rc"
else
	not_ok "-it (pty_drive is built: make -C selftests/lvmm)"
fi

# An image with a config, made by umoci: Entrypoint, Cmd, Env, WorkingDir, User.
rm -rf "$tmp/layout"
skopeo copy -q "oci:$tmp/store/oci:base:latest" "oci:$tmp/layout:cfg" &&
	umoci config --image "$tmp/layout:cfg" --config.env GREETING=hello --config.workingdir /tmp \
		--config.user 1000 --config.entrypoint /bin/sh --config.entrypoint -c \
		--config.cmd 'echo $GREETING $(id -u) $(pwd)' --config.exposedports 8080/tcp &&
	skopeo copy -q "oci:$tmp/layout:cfg" "oci:$tmp/store/oci:cfg:latest"
check "an image configured by umoci copies in with skopeo" ctr inspect cfg
expect "Entrypoint, Cmd, Env, WorkingDir and User apply" "hello 1000 /tmp" run cfg
expect "a command after the image replaces Cmd" "hello" run cfg 'echo $GREETING'
expect "--entrypoint replaces Entrypoint (and Cmd)" "/tmp" run --entrypoint /bin/pwd cfg
expect "-e, -w, -u override the image's" "bye 0 /" run -e GREETING=bye -w / -u 0 cfg
check "ExposedPorts reach the bundle's annotations" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --name ports cfg true >/dev/null; grep -q '8080/tcp' $tmp/store/containers/ports/config.json"
ctr container rm ports >/dev/null 2>&1

# Detached containers and their monitor.
check "run -d starts a container and prints its name" sh -c "[ \"\$(\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run -d --name bg base sleep 30)\" = bg ]"
expect "container ls shows it running" "running" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container ls | awk '\$1==\"bg\" {print \$3}'"
expect "the runtime knows it (ctr state)" "1" sh -c "\"$CTR_BIN\" --root $tmp/state state bg | grep -c '\"running\"'"
expect "container rm of a running container is refused" "1" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container rm bg 2>&1 | grep -c 'stop it'"
check "container rm --force removes it" ctr container rm --force bg
expect "and the runtime forgot it" "0" sh -c "ls $tmp/state | grep -c '^bg\$'"
ctr container run -d --rm --name short base true >/dev/null 2>&1
i=0
while [ -d "$tmp/store/containers/short" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect "run -d --rm: the monitor removes it after it exits" "gone" sh -c "[ -d $tmp/store/containers/short ] && echo there || echo gone"
expect "a taken name is refused, naming the fix" "1" sh -c "\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --name dup base true; \"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --name dup base true 2>&1 | grep -c 'ctr container rm dup'"
ctr container rm dup >/dev/null 2>&1

# --- commit ---
ctr container run --name work base sh -c 'echo added >/added; rm /etc/hello; mkdir /d; echo x >/d/x; echo changed >/etc/passwd' >/dev/null 2>&1
check "commit of a container" ctr commit work committed
expect "a fresh container of the commit sees the added file" "added" run committed cat /added
expect "and not the deleted one (whiteout)" "absent" run committed sh -c '[ -e /etc/hello ] && echo present || echo absent'
expect "and the changed one" "changed" run committed cat /etc/passwd
expect "the base image is untouched" "hi" run base cat /etc/hello
check "history shows the commit" sh -c "\"$CTR_BIN\" --store $tmp/store history committed | grep -q 'ctr commit work'"
rm -rf "$tmp/layout2" "$tmp/unp2"
skopeo copy -q "oci:$tmp/store/oci:committed:latest" "oci:$tmp/layout2:c" &&
	umoci unpack --image "$tmp/layout2:c" "$tmp/unp2" >/dev/null 2>&1
expect "umoci's unpack of the commit agrees (added, deleted, changed)" "added absent changed" sh -c "echo \$(cat $tmp/unp2/rootfs/added) \$([ -e $tmp/unp2/rootfs/etc/hello ] && echo present || echo absent) \$(cat $tmp/unp2/rootfs/etc/passwd)"
lower=$tmp/store/layers/$("$CTR_BIN" --store "$tmp/store" inspect base | python3 -c 'import json,sys; print(json.load(sys.stdin)["Config"]["rootfs"]["diff_ids"][0][7:])')
run base sh -c 'echo scribble > /etc/hello; rm /bin/ls' >/dev/null 2>&1
expect "a container's writes never reach the image's layers" "hi yes" sh -c "echo \$(cat $lower/etc/hello) \$([ -e $lower/bin/ls ] && echo yes)"
expect "rmi of an image a container uses is refused" "1" sh -c "\"$CTR_BIN\" --store $tmp/store rmi base 2>&1 | grep -c 'used by a container'"
ctr container rm work >/dev/null 2>&1

# --- hostile layers: nothing may be written outside the layer ---
sentinel=$tmp/sentinel
mkdir -p "$sentinel"
echo keep >"$sentinel/file"
# evil NAME: a tar layer built by python's tarfile (entries as tar lets one write them)
evil() {
	python3 - "$tmp/$1.tar" "$sentinel" "$1" <<'EOF'
import io, sys, tarfile
out, sentinel, kind = sys.argv[1:]
t = tarfile.open(out, "w")
def f(name, data=b"pwned\n"):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
def link(name, target, sym=True):
    i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE if sym else tarfile.LNKTYPE
    i.linkname = target; t.addfile(i)
if kind == "dotdot": f("../../../../../.." + sentinel + "/dotdot")
elif kind == "absolute": f(sentinel + "/absolute")
elif kind == "symlink": link("lnk", sentinel); f("lnk/through-symlink")
elif kind == "hardlink": link("hl", sentinel + "/file", sym=False); f("hl", b"overwritten\n")
elif kind == "hardlink-dotdot": link("hl", "../../../../.." + sentinel + "/file", sym=False)
elif kind == "whiteout": f("etc/.wh..."); f("etc/.wh.")
elif kind == "device":
    i = tarfile.TarInfo("dev/mem"); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 1
    t.addfile(i); f("ok")
t.close()
EOF
}
for k in dotdot absolute symlink hardlink hardlink-dotdot whiteout device; do
	evil $k
	ctr import "$tmp/$k.tar" "evil-$k" >"$tmp/$k.out" 2>&1
	echo $? >"$tmp/$k.rc"
done
expect "a layer entry with .. is refused" "1 1" sh -c "echo \$(cat $tmp/dotdot.rc) \$(grep -c 'leaves the layer' $tmp/dotdot.out)"
expect "an absolute entry stays inside the layer" "absent" sh -c "[ -e $sentinel/absolute ] && echo present || echo absent"
expect "a write through a symlink to outside does not reach it" "absent" sh -c "[ -e $sentinel/through-symlink ] && echo present || echo absent"
expect "a hardlink to a host file does not link or overwrite it" "keep 1" sh -c "echo \$(cat $sentinel/file) \$(stat -c %h $sentinel/file)"
expect "a hardlink with .. is refused" "1 1" sh -c "echo \$(cat $tmp/hardlink-dotdot.rc) \$(grep -c 'leaves the layer' $tmp/hardlink-dotdot.out)"
expect "a whiteout of .. is refused" "1 1" sh -c "echo \$(cat $tmp/whiteout.rc) \$(grep -c 'bad whiteout' $tmp/whiteout.out)"
expect "device nodes are not made" "0 absent" sh -c "echo \$(cat $tmp/device.rc) \$(ls $tmp/store/layers/*/dev/mem >/dev/null 2>&1 && echo present || echo absent)"
expect "the sentinel directory holds only its file" "file" ls "$sentinel"
expect "a refused layer leaves nothing in tmp/" "0" sh -c "ls $tmp/store/tmp | wc -l"

# --- integrity ---
cp -a "$tmp/store" "$tmp/store2"
cfg=$("$CTR_BIN" --store "$tmp/store2" inspect base | python3 -c 'import json,sys; print(json.load(sys.stdin)["Manifest"]["config"]["digest"][7:])')
echo '{"tampered":true}' >"$tmp/store2/oci/blobs/sha256/$cfg"
expect "a blob whose content is not its digest is refused" "1" sh -c "\"$CTR_BIN\" --store $tmp/store2 inspect base 2>&1 | grep -c 'corrupt'"
big=$tmp/big.json
python3 -c 'import json; print(json.dumps({"schemaVersion": 2, "pad": "x" * (5 << 20)}))' >"$big"
d=$(sha256sum "$big" | cut -d' ' -f1)
cp "$big" "$tmp/store2/oci/blobs/sha256/$d"
python3 - "$tmp/store2/oci/index.json" "$d" "$(stat -c %s "$big")" <<'EOF'
import json, sys
p, d, size = sys.argv[1:]
i = json.load(open(p))
i["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + d,
    "size": int(size), "annotations": {"org.opencontainers.image.ref.name": "huge:latest"}})
json.dump(i, open(p, "w"))
EOF
expect "an oversized manifest is refused" "1" sh -c "\"$CTR_BIN\" --store $tmp/store2 inspect huge 2>&1 | grep -c 'more than the'"
rm -rf "$tmp/store2"

# --- prune ---
ctr tag committed dangling-soon >/dev/null
before=$(ls "$tmp/store/oci/blobs/sha256" | wc -l)
ctr rmi committed dangling-soon >/dev/null 2>&1
after=$(ls "$tmp/store/oci/blobs/sha256" | wc -l)
expect "rmi of an image's last name removes its own blobs" "yes" sh -c "[ $after -lt $before ] && echo yes"
expect "and keeps the base's" "hi" run base cat /etc/hello
ctr import "$tmp/rootfs.tgz" named >/dev/null 2>&1
ctr import "$tmp/rootfs2.tgz" named >/dev/null 2>&1	# the first loses its name: unnamed
expect "an image that lost its name lists as <none>" "1" sh -c "\"$CTR_BIN\" --store $tmp/store images | grep -c '<none>'"
check "prune removes unnamed images" sh -c "\"$CTR_BIN\" --store $tmp/store image prune | grep -q 'Removed 1 image'"
expect "and named ones stay" "hi hi" sh -c "echo \$(\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --rm base cat /etc/hello) \$(\"$CTR_BIN\" --store $tmp/store --root $tmp/state container run --rm named cat /etc/hello)"
check "prune --all removes every unused image" sh -c "\"$CTR_BIN\" --store $tmp/store image prune --all >/dev/null && [ \$(ls $tmp/store/oci/blobs/sha256 | wc -l) = 0 ] && [ \$(ls $tmp/store/layers | grep -vc empty) = 0 ]"

echo "1..$n" >&3
cat "$tmp/tap" >&3
exit $fail
