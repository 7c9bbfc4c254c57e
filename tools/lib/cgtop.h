/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One view of VMs and containers, from their cgroups: vmctl top and ctr
 * top print the same table with the same code. It lists the leaves of
 * PARENT/vmctl (VMs) and PARENT/ctr (containers), PARENT being
 * cg_parent_rel() of the caller, with CPU use over the interval, memory
 * against its limit and the number of processes.
 */
#ifndef LVMM_TOOLS_CGTOP_H
#define LVMM_TOOLS_CGTOP_H

/*
 * Print @rounds tables (0: until interrupted), @interval_ms apart; on a
 * terminal each replaces the last. 0, or -errno (no cgroup v2).
 */
int cgtop_run(int rounds, int interval_ms);
/*
 * The verb itself, for both tools: "top [-n ROUNDS] [--interval SECONDS]";
 * messages start with "@prog: ". Returns the exit status (0, 1, or 2 for
 * bad usage).
 */
int cgtop_main(int argc, char **argv, const char *prog);

#endif /* LVMM_TOOLS_CGTOP_H */
