// SPDX-License-Identifier: GPL-2.0
/* vmctl run --stats: lvmm's exit counters of all vCPUs, summed, at the end. */
#include <stdio.h>
#include <stdlib.h>

#include "machine.h"
#include "stats.h"

/* The kinds of exit, as opposed to the other counters (sleeps, injections). */
static const unsigned int exit_kinds[] = {
	LVMM_STAT_HOST_INTR, LVMM_STAT_IO, LVMM_STAT_MMIO, LVMM_STAT_APIC_MMIO,
	LVMM_STAT_PAGE_FAULT, LVMM_STAT_MSR, LVMM_STAT_CPUID, LVMM_STAT_HLT,
	LVMM_STAT_IRQ_WINDOW, LVMM_STAT_OTHER,
};

static uint64_t sum[LVMM_STAT_MAX];

static int by_count(const void *a, const void *b)
{
	uint64_t x = sum[*(const unsigned int *)a], y = sum[*(const unsigned int *)b];

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The three ports with the most exits: where port I/O time goes. */
static void print_busiest_ports(const struct machine *m)
{
	unsigned int best[3] = { 0 }, i, j, k;

	if (!m->port_exits)
		return;
	for (i = 0; i < 65536; i++)
		for (j = 0; j < 3; j++)
			if (m->port_exits[i] > m->port_exits[best[j]]) {
				for (k = 2; k > j; k--)
					best[k] = best[k - 1];
				best[j] = i;
				break;
			}
	fprintf(stderr, "vmctl: stats:   busiest ports:");
	for (j = 0; j < 3 && m->port_exits[best[j]]; j++)
		fprintf(stderr, " %#x (%u)", best[j], m->port_exits[best[j]]);
	fputc('\n', stderr);
}

void print_vcpu_stats(struct machine *m, double seconds)
{
	unsigned int kinds[sizeof(exit_kinds) / sizeof(exit_kinds[0])];
	struct lvmm_vcpu_stats st;
	unsigned int i, k;

	if (m->vm.engine == LVMM_ENGINE_KVM) {
		fprintf(stderr, "vmctl: stats: %.1f s on %u vCPUs (KVM: its counters are in "
			"/sys/kernel/debug/kvm, not read here)\n", seconds, m->ncpus);
		return;
	}
	for (i = 0; i < m->ncpus; i++) {
		if (lvmm_get_vcpu_stats(&m->vcpus[i], &st)) {
			fprintf(stderr, "vmctl: --stats: this lvmm.ko has no LVMM_GET_VCPU_STATS\n");
			return;
		}
		for (k = 0; k < st.count && k < LVMM_STAT_MAX; k++)
			sum[k] += st.value[k];
	}
	if (seconds <= 0)
		seconds = 1e-9;
	fprintf(stderr, "vmctl: stats: %.1f s on %u vCPUs: %llu exits, %.0f per second\n",
		seconds, m->ncpus, (unsigned long long)sum[LVMM_STAT_EXITS],
		sum[LVMM_STAT_EXITS] / seconds);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		kinds[i] = exit_kinds[i];
	qsort(kinds, sizeof(kinds) / sizeof(kinds[0]), sizeof(kinds[0]), by_count);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && sum[kinds[i]]; i++)
		fprintf(stderr, "vmctl: stats:   %-12s %10llu %9.0f/s %5.1f%%\n",
			lvmm_stat_name(kinds[i]), (unsigned long long)sum[kinds[i]],
			sum[kinds[i]] / seconds,
			sum[LVMM_STAT_EXITS] ? 100.0 * sum[kinds[i]] / sum[LVMM_STAT_EXITS] : 0);
	print_busiest_ports(m);
	fprintf(stderr, "vmctl: stats: %llu HLTs slept in lvmm, %llu interrupts injected, "
		"%llu returns to vmctl\n", (unsigned long long)sum[LVMM_STAT_HALT_SLEEPS],
		(unsigned long long)sum[LVMM_STAT_IRQ_INJECTED],
		(unsigned long long)sum[LVMM_STAT_USER_EXITS]);
}
