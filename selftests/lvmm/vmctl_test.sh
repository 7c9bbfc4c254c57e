#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vmctl end to end, inside the test VM (lvmm.ko loaded; vmctl and the
# flat guests from tools/vmctl are in /usr/bin and /guests). TAP output.
guests=${GUESTS:-/guests}
n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME EXPECTED-STATUS CMD...: stdout in $tmp/out, stderr in $tmp/err
check() {
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "not ok $n - $name: exit status $rc, expected $want"
		sed 's/^/# /' "$tmp/out" "$tmp/err"
		failed=$((failed + 1))
		return 1
	fi
	return 0
}

# expect WHAT FILE TEXT: the file has exactly this text / contains it
same() {
	if [ "$(cat "$2")" = "$3" ]; then return 0; fi
	echo "not ok $n - $1: got '$(cat "$2")', expected '$3'"
	failed=$((failed + 1))
	return 1
}
contains() {
	if grep -qF -- "$3" "$2"; then return 0; fi
	echo "not ok $n - $1: '$3' not in: $(cat "$2")"
	failed=$((failed + 1))
	return 1
}

echo "1..7"
check "hello guest" 0 vmctl run --flat "$guests/hello.bin" &&
	same "hello guest" "$tmp/out" "Hello from an lvmm guest" &&
	same "hello guest stderr" "$tmp/err" "" && echo "ok $n - hello guest prints its greeting and halts"

check "hello guest at 0x90000" 0 vmctl run --flat "$guests/hello.bin" --load-addr 0x90000 &&
	same "hello at 0x90000" "$tmp/out" "Hello from an lvmm guest" &&
	echo "ok $n - a guest loaded high in the first MiB runs the same"

check "triple fault" 3 vmctl run --flat "$guests/triple.bin" &&
	contains "triple fault" "$tmp/err" "triple-faulted" &&
	echo "ok $n - a triple fault ends vmctl with status 3 and says so"

check "missing image" 1 vmctl run --flat /nonexistent.bin &&
	contains "missing image" "$tmp/err" "cannot open guest image /nonexistent.bin" &&
	echo "ok $n - a missing image is named in the error"

check "image too big" 1 vmctl run --flat "$guests/hello.bin" --memory 4K &&
	contains "image too big" "$tmp/err" "does not fit in guest RAM" &&
	echo "ok $n - an image that does not fit is refused"

check "bad size" 2 vmctl run --flat "$guests/hello.bin" --memory 12x &&
	contains "bad size" "$tmp/err" "--memory '12x' is not a size" &&
	echo "ok $n - a malformed size is a usage error"

# --engine kvm itself is exercised by make bench (linux_bench.sh, stock
# kernel). Here, in the svm-test bed (KASAN kernel, kvm_amd nested under
# TCG), KVM did not finish the flat guest within the test's 120 s and
# stayed loaded, failing every later test: to be investigated, so only
# the option's error is checked.
check "unknown engine" 2 vmctl run --flat "$guests/hello.bin" --engine xen &&
	contains "unknown engine" "$tmp/err" "--engine 'xen': use lvmm or kvm" &&
	echo "ok $n - an unknown engine is a usage error"

[ "$failed" -eq 0 ]
