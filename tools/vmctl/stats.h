/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMCTL_STATS_H
#define VMCTL_STATS_H

struct machine;

/* To stderr: exits of all vCPUs by kind, with rates over @seconds. */
void print_vcpu_stats(struct machine *m, double seconds);

#endif /* VMCTL_STATS_H */
