#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A seeded libFuzzer run of ctr's config.json and state.json parsers (ASan +
# UBSan): builds the fuzzers (make -C tools/ctr fuzz), runs each for
# SECONDS over a copy of its seed corpus, prints its executions, and exits
# non-zero if any input crashed it (the input is kept in ARTIFACTS).
# usage: run.sh SECONDS   (env: FUZZ_ARTIFACTS, default tools/ctr/fuzz/artifacts;
# FUZZ_SEED, default 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:?usage: run.sh SECONDS}
artifacts=${FUZZ_ARTIFACTS:-$here/artifacts}
make -s -C "$here/.." fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
# libseccomp's own leaks are not ctr's (lsan.supp says which).
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rc=0
for f in config state; do
	mkdir "$work/$f"
	cp "$here/corpus/$f"/* "$work/$f/"
	# -close_fd_mask=2: ctr's error lines (one per refused input) stay quiet;
	# libFuzzer and the sanitizers keep reporting on their own copy of stderr.
	# -seed: the same mutations in the same order on every run (FUZZ_SEED
	# picks others), so that make check stays deterministic.
	if "$here/build/fuzz_$f" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$artifacts/$f-" \
		-dict="$here/json.dict" \
		"$work/$f" >"$work/$f.log" 2>&1; then
		echo "fuzz_$f: $(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$f.log") executions in ${secs} s, no crash"
	else
		rc=1
		echo "fuzz_$f: FAILED; the input is in $artifacts, the report:"
		grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work/$f.log" | head -30
	fi
done
exit $rc
