#!/bin/bash
# Score test boots: failures with context, one count line per boot and,
# last, the total "N passed, N failed[, N skipped]". Exit 1 on any failure.
# usage: parse-results.sh [LABEL=]OUTDIR...  (as left by run-qemu.sh or
# run-bochs.sh; a boot is labelled LABEL, or by its directory's name)
set -euo pipefail
awkfile=$(dirname "$0")/parse-results.awk

tp=0 tf=0 ts=0
for arg in "$@"; do
	d=${arg#*=}
	label=${d%/}; label=${label##*/}
	[ "$arg" = "$d" ] || label=${arg%%=*}
	touch "$d/results.log" "$d/console.log"
	out=$(awk -v label="$label" -v status="$(cat "$d/status" 2>/dev/null || echo 'did not run')" \
		-f "$awkfile" "$d/results.log" "$d/console.log")
	read -r _ p f s <<<"${out##*$'\n'}"
	[ "$out" = "${out##*$'\n'}" ] || printf '%s\n' "${out%$'\n'*}"
	[ "$f" -eq 0 ] || echo "  logs: $d/{results,console}.log"
	echo "$label: $p passed, $f failed, $s skipped ($(cat "$d/seconds" 2>/dev/null || echo '?') s boot)"
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
done

summary="$tp passed, $tf failed"
[ "$ts" -eq 0 ] || summary+=", $ts skipped"
echo "$summary"
[ "$tf" -eq 0 ]
