/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMCTL_STATS_H
#define VMCTL_STATS_H

struct machine;

/* lvmm's kinds of exit (enum lvmm_stat), as opposed to its other counters. */
extern const unsigned int lvmm_exit_kinds[];
extern const unsigned int lvmm_nr_exit_kinds;

/* To stderr: exits of all vCPUs by kind, with rates over @seconds. */
void print_vcpu_stats(struct machine *m, double seconds);

#endif /* VMCTL_STATS_H */
