# Score one test boot. Run as
#   awk -v label=L -v status=S -f parse-results.awk results.log console.log
# results.log holds blocks "@@LVMM-BEGIN name@@" ... "@@LVMM-END name rc=N@@"
# (from init.sh) and a final "@@LVMM-DONE@@". Inside a block, every KTAP /
# TAP result line counts (nested subtests included), except a line that
# only summarises its own subtests. "# SKIP" is skipped, not passed. A
# block without result lines is one test: passed if its rc is 0, skipped
# if 4 (kselftest's skip), else failed. A non-zero rc without a failing
# line (a crash after some passes) and a short plan count one failure.
# Prints "FAIL label: test: why" with context for each failure, then a
# last line "@@COUNTS passed failed skipped" for parse-results.sh.

function fail(what, why, ctx) {
	nfail++
	printf "FAIL %s: %s: %s\n", label, what, why
	if (ctx != "")
		printf "%s", ctx
}

function context(   i, s) {	# the last lines of the current block
	s = ""
	for (i = (nl > 6 ? nl - 6 : 0); i < nl; i++)
		s = s "    | " ring[i % 6] "\n"
	return s
}

function begin_block(n) {
	if (inblock)
		fail(name, "did not finish (no END marker)", context())
	name = n; inblock = 1; nl = 0
	bpass = bfail = bskip = 0; plan = -1; base = -1; nbase = 0; planskip = 0
	prev_ind = -1; split("", failed)
}

function end_block(rc,   why) {
	inblock = 0
	why = ""
	if (plan > nbase)
		why = sprintf("incomplete: %d of %d results", nbase, plan)
	else if (bfail == 0 && rc != 0 && rc != 4)	# 4 is kselftest's "skip"
		why = "exited with rc=" rc
	if (why != "") {
		if (rc == 137) why = why " (rc=137: killed by the timeout?)"
		else if (rc == 127) why = why " (not found)"
		else if (rc != 0 && why !~ /rc=/) why = why " (rc=" rc ")"
		fail(name, why, context())
	} else if (bpass + bfail + bskip == 0) {	# a plain step or program
		if (rc == 4 || planskip) nskip++
		else npass++
	}
}

# A result line whose predecessor was indented deeper closes a group of
# subtests: it counts only if it fails and none of them did.
function result(l,   ind, ok, skip, k, kids) {
	ind = match(l, /[^ \t]/) - 1
	ok = (l !~ /^[ \t]*not ok/)
	skip = (l ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
	if (ind == base) nbase++
	if (prev_ind > ind) {
		prev_ind = ind
		kids = 0
		for (k in failed) if (k + 0 > ind) { kids += failed[k]; delete failed[k] }
		failed[ind] += kids
		if (ok || skip || kids) return
		bfail++; failed[ind]++
		fail(name, l, context())
		return
	}
	prev_ind = ind
	if (skip) { bskip++; nskip++ }
	else if (ok) { bpass++; npass++ }
	else {
		bfail++; failed[ind]++
		fail(name, l, context())
	}
}

FNR == 1 { file = FILENAME == ARGV[1] ? 1 : 2 }	# either may be empty
{ sub(/\r+$/, "") }

# ---- results.log ----
file == 1 && /^@@LVMM-BEGIN / {
	n = $2; sub(/@@$/, "", n); begin_block(n); next
}
file == 1 && /@@LVMM-END / {
	# the program's last line may lack a newline: keep what precedes
	i = index($0, "@@LVMM-END ")
	pre = substr($0, 1, i - 1); $0 = substr($0, i)
	if (pre != "") { ring[nl++ % 6] = pre; if (pre ~ /^[ \t]*(not )?ok [0-9]+( |$)/) result(pre) }
	rc = $3; sub(/^rc=/, "", rc); sub(/@@$/, "", rc)
	if (inblock) end_block(rc + 0)
	next
}
file == 1 && /^@@LVMM-DONE@@/ { done = 1; next }
file == 1 && inblock {
	ring[nl++ % 6] = $0
	if ($0 ~ /^[ \t]*(not )?ok [0-9]+( |$)/) result($0)
	else if ($0 ~ /^[ \t]*1\.\.[0-9]+/ && plan < 0) {
		plan = $1; sub(/^1\.\./, "", plan); plan += 0
		base = match($0, /[^ \t]/) - 1
		planskip = (plan == 0 && $0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
	} else if ($0 ~ /^[ \t]*Bail out!/)
		{ bfail++; plan = -1; fail(name, $0, context()) }
	next
}

# ---- console.log: kernel error reports, each counted once. A report
# starts at a matching line (a bare dump_stack at its "Call Trace") and
# runs to its end-trace line or the next test; matches inside it (stack
# frames, an Oops after a BUG) add nothing. ----
file == 2 && /lvmm-test: / {
	running = $0; sub(/.*lvmm-test: /, "", running); open = 0; oom = 0; emu_splat = 0; next
}
file == 2 && FNR <= ctx_end { splat[ns] = splat[ns] "    | " $0 "\n" }
file == 2 && /---\[ end trace/ { open = 0; next }
# The OOM killer's report (a test of memory limits provokes one on
# purpose) dumps the stack: its Call Trace is not an error report.
file == 2 && /invoked oom-killer:/ { oom = 1; next }
file == 2 && oom && /Out of memory|oom-kill:|Memory cgroup out of memory/ { oom = 0; next }
file == 2 && oom && /Call Trace/ { next }
file == 2 && /Speculative Return Stack Overflow: WARNING|RETBleed: WARNING|Spectre V[12].*WARNING/ {
	next	# CPU-vulnerability notices at boot under TCG
}
# 6.12+ at boot (PID 0, before any module) under Bochs: its
# corei7_skylake_x CPUID leaf 1 claims 16 logical CPUs on a 1-CPU machine,
# which the topology parser WARNs about. Only that splat (to its end
# trace), and only there.
file == 2 && emu_splat { if (/---\[ end trace/) emu_splat = 0; next }
file == 2 && running == "" && /WARNING: CPU: 0 PID: 0 at arch\/x86\/kernel\/cpu\/topology_common\.c:[0-9]+ parse_legacy/ {
	emu_splat = 1; next
}
file == 2 && (/BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|KFENCE|kernel BUG|general protection fault|possible circular locking|INFO: lockdep|lockdep is turned off|INFO: task .* blocked|soft lockup|hard LOCKUP|rcu.*stall|unreferenced object|list_(add|del) corruption|refcount_t:|DEBUG_LOCKS_WARN_ON|sleeping function called|scheduling while atomic|double fault|Unable to handle|stack-protector|Attempted to kill init/ ||
	    /Call Trace/) {
	if (!open) {
		ns++
		splat[ns] = "    | " $0 "\n"
		where[ns] = running == "" ? "boot" : running
		head[ns] = $0
		ctx_end = FNR + 8
	}
	open = 1
}

END {
	if (inblock)
		fail(name, "did not finish (no END marker)", context())
	if (!done)
		fail("boot", "no @@LVMM-DONE@@ marker (qemu: " status ")", "")
	for (i = 1; i <= ns; i++) {
		sub(/^\[[ 0-9.]*\] /, "", head[i])
		fail("console during " where[i], head[i], splat[i])
	}
	printf "@@COUNTS %d %d %d\n", npass, nfail, nskip
}
