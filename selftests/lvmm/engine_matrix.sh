# SPDX-License-Identifier: GPL-2.0
# Sourced by the engine tests (ctr_podman_test.sh, ctr_containerd_test.sh):
# TAP bookkeeping and the side-by-side matrix. A test defines case_NAME
# functions (each prints what it observed), expected NAME (the extended
# regex over "OUTPUT rc=STATUS" that the case must show) and, optionally,
# compare_case NAME (return 0 when it scored NAME itself), then calls
#   matrix_run "CASES" RUNTIME...   each case once per runtime ($RT set)
#   matrix_score "CASES" PEER CTR   peer must show the expected result,
#                                   then ctr must too
# Results go under $tmp, which the test makes.
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$tmp/tap"; }
# notok NAME [FILE...]: a failure, with the files as TAP comments
notok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1" >>"$tmp/tap"
	shift
	for f in "$@"; do [ -f "$f" ] && sed "s|^|# ${f##*/}: |" "$f" >>"$tmp/tap"; done
}
finish() {
	echo "1..$n"
	cat "$tmp/tap"
	[ $failed -eq 0 ]
}
# matrix_out RUNTIME: the directory of that runtime's results
matrix_out() { echo "$tmp/out.${1##*/}"; }
matrix_run() {
	cases=$1
	shift
	for RT in "$@"; do
		export RT
		d=$(matrix_out "$RT")
		mkdir -p "$d"
		for c in $cases; do
			rc=0
			"case_$c" >"$d/$c.raw" 2>"$d/$c.err" || rc=$?
			# One line per case: the output's lines joined, then the status.
			{ tr '\n' ' ' <"$d/$c.raw"; echo "rc=$rc"; } >"$d/$c"
		done
	done
}
matrix_score() {
	peer=$2 ctr=$3
	pd=$(matrix_out "$peer") cd=$(matrix_out "$ctr")
	for c in $1; do
		! command -v compare_case >/dev/null 2>&1 || ! compare_case "$c" || continue
		want=$(RT=$ctr expected "$c") peer_want=$(RT=$peer expected "$c")
		if ! grep -Eq "$peer_want" "$pd/$c"; then
			notok "$c: ${peer##*/} (the peer) shows /$peer_want/" "$pd/$c" "$pd/$c.err"
		elif grep -Eq "$want" "$cd/$c"; then
			ok "$c: ctr as ${peer##*/}"
		else
			notok "$c: ctr as ${peer##*/} (wanted /$want/)" "$cd/$c" "$cd/$c.err"
		fi
	done
}
