#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr under containerd (the path Kubernetes takes: CRI -> containerd ->
# its runc v2 shim -> the runtime binary), side by side with runc: a
# containerd of the test's own (state, socket and config under a temporary
# directory; CRI off) runs the same tasks once with runc and once with ctr
# as the shim's runtime binary (`ctr run --runc-binary`, the per-container
# form of the runtime's BinaryName option). A wrapper records the command
# lines the shim uses, so that the test also shows which verbs and global
# flags containerd needs.
# TAP output. usage: ctr_containerd_test.sh CTR BUSYBOX
CTR_BIN=$(realpath "$1")
BUSYBOX=$2
. "$(cd "$(dirname "$0")" && pwd)/engine_matrix.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP containerd runs as root here"
	exit 0
fi
# Debian's containerd ships its client as /usr/bin/ctr: not this ctr.
CLIENT=/usr/bin/ctr
if ! command -v containerd >/dev/null 2>&1 || ! command -v containerd-shim-runc-v2 >/dev/null 2>&1 ||
	[ ! -x $CLIENT ] || ! command -v runc >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - containerd, its shim and client, and runc are installed (scripts/testbed/deps.sh)"
	exit 1
fi

tmp=$(mktemp -d /tmp/ctr-containerd.XXXXXX)

sock=$tmp/containerd.sock
cat >"$tmp/config.toml" <<EOF
version = 2
root = "$tmp/root"
state = "$tmp/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = "$tmp/debug.sock"
EOF
containerd --config "$tmp/config.toml" >"$tmp/containerd.log" 2>&1 &
daemon=$!
cleanup() {
	for c in $($CLIENT -a "$sock" -n lvmm c ls -q 2>/dev/null); do
		$CLIENT -a "$sock" -n lvmm t kill -s KILL "$c" >/dev/null 2>&1
		$CLIENT -a "$sock" -n lvmm t rm -f "$c" >/dev/null 2>&1
		$CLIENT -a "$sock" -n lvmm c rm "$c" >/dev/null 2>&1
	done
	kill $daemon 2>/dev/null
	wait $daemon 2>/dev/null
	# The shims outlive the daemon by design; theirs are in $tmp.
	pkill -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null
	umount -R "$tmp/state" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cc() { $CLIENT -a "$sock" -n lvmm "$@"; }
i=0
while ! cc version >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $daemon 2>/dev/null; then
		notok "containerd starts with the test's config" "$tmp/containerd.log"
		finish
		exit 1
	fi
	sleep 0.1
done

# The image, made by hand as an OCI image layout archive: a busybox
# rootfs as its one layer.
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/tmp" "$tmp/rootfs/etc" "$tmp/img/blobs/sha256"
cp "$BUSYBOX" "$tmp/rootfs/bin/busybox"
for a in sh echo id hostname sleep cat ls true; do ln -s busybox "$tmp/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/rootfs/etc/passwd"
tar -C "$tmp/rootfs" -cf "$tmp/layer.tar" .
# blob FILE: store FILE in the layout; print "DIGEST SIZE"
blob() {
	d=$(sha256sum "$1" | cut -d' ' -f1)
	cp "$1" "$tmp/img/blobs/sha256/$d"
	echo "sha256:$d $(stat -c %s "$1")"
}
set -- $(blob "$tmp/layer.tar")
layer=$1 layer_size=$2
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
	"$layer" >"$tmp/config.json"
set -- $(blob "$tmp/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
	"$1" "$2" "$layer" "$layer_size" >"$tmp/manifest.json"
set -- $(blob "$tmp/manifest.json")
IMG=localhost/ctr-containerd-test:1
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"1"}}]}' \
	"$1" "$2" "$IMG" >"$tmp/img/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$tmp/img/oci-layout"
tar -C "$tmp/img" -cf "$tmp/image.tar" .
if ! cc images import "$tmp/image.tar" >"$tmp/import.out" 2>&1; then
	notok "containerd imports the hand-made OCI image" "$tmp/import.out"
	finish
	exit 1
fi

# One wrapper per runtime: it logs each command line, then runs it.
for rt in runc ctr; do
	bin=$(command -v runc)
	[ $rt = runc ] || bin=$CTR_BIN
	printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "$tmp/calls.$rt" "$bin" >"$tmp/rt-$rt"
	chmod +x "$tmp/rt-$rt"
done

status() { cc t ls | awk -v c="$1" '$1 == c { print $3 }'; }
# The matrix: each case prints what it observed; its status is recorded.
case_echo() { cc run --rm --runc-binary "$tmp/rt-$RT" "$IMG" "e-$RT" echo hello; }
case_exit_code() { cc run --rm --runc-binary "$tmp/rt-$RT" "$IMG" "x-$RT" sh -c 'exit 7'; }
case_lifecycle() {
	cid=d-$RT
	cc run -d --runc-binary "$tmp/rt-$RT" "$IMG" "$cid" \
		sh -c 'trap "exit 3" TERM; while :; do sleep 1; done' || return 1
	sleep 0.5
	status "$cid"
	cc t exec --exec-id e1 "$cid" echo exec-ok
	cc t exec --exec-id e2 "$cid" sh -c 'exit 4'
	echo "exec-status $?"
	# The shim asks the runtime for the pids: the workload's shell and
	# its sleep (at least).
	[ "$(cc t ps "$cid" | awk 'NR > 1' | wc -l)" -ge 1 ] && echo ps-ok
	cc t pause "$cid" && status "$cid"
	cc t resume "$cid" && status "$cid"
	cc t kill "$cid" && sleep 1.5 && status "$cid"
	# (the client reports a workload's non-zero exit status on stderr)
	cc t rm "$cid" 2>&1 | grep -o 'exit code [0-9]*'
	cc c rm "$cid" && echo removed
}
# An exec that fails: the runtime's own message reaches the client
# (through the --log file in JSON that the shim reads back).
case_exec_error() {
	cid=f-$RT
	cc run -d --runc-binary "$tmp/rt-$RT" "$IMG" "$cid" sleep 1000 || return 1
	cc t exec --exec-id bad "$cid" /no/such/program 2>&1 | grep -o 'no/such/program' | head -n1
	cc t kill -s KILL "$cid"
	sleep 0.5
	cc t rm "$cid" >/dev/null
	cc c rm "$cid" && echo removed
}

cases="echo exit_code lifecycle exec_error"
expected() {
	case $1 in
	echo) echo '^hello rc=0$' ;;
	exit_code) echo '^rc=7$' ;;
	lifecycle) echo '^RUNNING exec-ok exec-status 4 ps-ok PAUSED RUNNING STOPPED exit code 3 removed rc=0$' ;;
	exec_error) echo '^no/such/program removed rc=0$' ;;
	esac
}

matrix_run "$cases" runc ctr
matrix_score "$cases" runc ctr
# The shim drives ctr with the verbs and flags it gives runc.
verbs() { awk '{ for (i = 1; i <= NF; i++) if ($i !~ /^-/ && $(i-1) !~ /^--(root|log|log-format|bundle|pid-file|process|console-socket)$/) { print $i; break } }' "$1" | sort -u; }
if [ -s "$tmp/calls.ctr" ] && [ "$(verbs "$tmp/calls.ctr")" = "$(verbs "$tmp/calls.runc")" ]; then
	ok "the shim calls ctr with runc's verbs ($(verbs "$tmp/calls.ctr" | tr '\n' ' '))"
else
	notok "the shim calls ctr with runc's verbs" "$tmp/calls.runc" "$tmp/calls.ctr"
fi
if grep -q -- '--log-format json' "$tmp/calls.ctr"; then
	ok "the shim asks for JSON logs (--log FILE --log-format json)"
else
	notok "the shim asks for JSON logs (--log FILE --log-format json)" "$tmp/calls.ctr"
fi
finish
