// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run --stats: the exit counters of all vCPUs, summed, at the end:
 * lvmm's (LVMM_GET_VCPU_STATS) or, with --engine kvm, KVM's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "stats.h"

struct row {
	const char *name;
	unsigned long long count;
};

const unsigned int lvmm_exit_kinds[] = {
	LVMM_STAT_HOST_INTR, LVMM_STAT_IO, LVMM_STAT_MMIO, LVMM_STAT_APIC_MMIO,
	LVMM_STAT_PAGE_FAULT, LVMM_STAT_MSR, LVMM_STAT_CPUID, LVMM_STAT_HLT,
	LVMM_STAT_IRQ_WINDOW, LVMM_STAT_PAUSE, LVMM_STAT_OTHER,
};
const unsigned int lvmm_nr_exit_kinds = sizeof(lvmm_exit_kinds) / sizeof(lvmm_exit_kinds[0]);

/* KVM's counters that count exits of one kind (they may overlap). */
static const char *const kvm_exit_kinds[] = {
	"irq_exits", "io_exits", "mmio_exits", "pf_taken", "insn_emulation",
	"halt_exits", "irq_window_exits", "nmi_window_exits", "signal_exits",
	"request_irq_exits", "hypercalls",
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define KVM_COUNTERS_MAX	96

static int by_count(const void *a, const void *b)
{
	unsigned long long x = ((const struct row *)a)->count, y = ((const struct row *)b)->count;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The total, then each non-zero kind, busiest first, with rate and share. */
static void print_exits(const char *engine, struct row *rows, unsigned int n,
			unsigned long long exits, unsigned int ncpus, double seconds)
{
	unsigned int i;

	if (seconds <= 0)
		seconds = 1e-9;
	fprintf(stderr, "vmctl: stats: %.1f s on %u vCPUs (%s): %llu exits, %.0f per second\n",
		seconds, ncpus, engine, exits, exits / seconds);
	qsort(rows, n, sizeof(*rows), by_count);
	for (i = 0; i < n && rows[i].count; i++)
		fprintf(stderr, "vmctl: stats:   %-16s %10llu %9.0f/s %5.1f%%\n", rows[i].name,
			rows[i].count, rows[i].count / seconds,
			exits ? 100.0 * rows[i].count / exits : 0);
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

static void print_lvmm_stats(struct machine *m, double seconds)
{
	unsigned long long sum[LVMM_STAT_MAX] = { 0 };
	struct row rows[LVMM_STAT_NR];
	struct lvmm_vcpu_stats st;
	unsigned int i, k;

	for (i = 0; i < m->ncpus; i++) {
		if (lvmm_get_vcpu_stats(&m->vcpus[i], &st)) {
			fprintf(stderr, "vmctl: --stats: this lvmm.ko has no LVMM_GET_VCPU_STATS\n");
			return;
		}
		for (k = 0; k < st.count && k < LVMM_STAT_MAX; k++)
			sum[k] += st.value[k];
	}
	for (i = 0; i < lvmm_nr_exit_kinds; i++)
		rows[i] = (struct row){ lvmm_stat_name(lvmm_exit_kinds[i]), sum[lvmm_exit_kinds[i]] };
	print_exits("lvmm", rows, lvmm_nr_exit_kinds, sum[LVMM_STAT_EXITS], m->ncpus, seconds);
	print_busiest_ports(m);
	fprintf(stderr, "vmctl: stats: %llu HLTs slept in lvmm, %llu interrupts injected, "
		"%llu returns to vmctl, %llu directed yields\n", sum[LVMM_STAT_HALT_SLEEPS],
		sum[LVMM_STAT_IRQ_INJECTED], sum[LVMM_STAT_USER_EXITS],
		sum[LVMM_STAT_DIRECTED_YIELDS]);
}

/* KVM's counter @name summed over the vCPUs' @c (n each), 0 if it has none. */
static unsigned long long kvm_sum(struct lvmm_counter *c, const int *n, unsigned int ncpus,
				  const char *name)
{
	unsigned long long total = 0;
	unsigned int i;
	int k;

	for (i = 0; i < ncpus; i++)
		for (k = 0; k < n[i]; k++)
			if (!strcmp(c[i * KVM_COUNTERS_MAX + k].name, name))
				total += c[i * KVM_COUNTERS_MAX + k].value;
	return total;
}

static void print_kvm_stats(struct machine *m, double seconds)
{
	struct row rows[ARRAY_LEN(kvm_exit_kinds)];
	struct lvmm_counter *c = calloc((size_t)m->ncpus * KVM_COUNTERS_MAX, sizeof(*c));
	int n[VMCTL_MAX_CPUS];
	unsigned int i;

	for (i = 0; c && i < m->ncpus; i++) {
		n[i] = lvmm_kvm_vcpu_counters(&m->vcpus[i], c + i * KVM_COUNTERS_MAX,
					      KVM_COUNTERS_MAX);
		if (n[i] < 0) {
			fprintf(stderr, "vmctl: --stats: cannot read KVM's counters "
				"(KVM_GET_STATS_FD): %s\n", strerror(-n[i]));
			free(c);
			return;
		}
	}
	if (!c) {
		fprintf(stderr, "vmctl: --stats: out of memory\n");
		return;
	}
	for (i = 0; i < ARRAY_LEN(rows); i++)
		rows[i] = (struct row){ kvm_exit_kinds[i], kvm_sum(c, n, m->ncpus, kvm_exit_kinds[i]) };
	print_exits("KVM", rows, ARRAY_LEN(rows), kvm_sum(c, n, m->ncpus, "exits"), m->ncpus,
		    seconds);
	print_busiest_ports(m);
	fprintf(stderr, "vmctl: stats: KVM counts no MSR, CPUID or APIC-access exits by kind; "
		"insn_emulation overlaps the others; %llu halt wakeups, %llu interrupts injected\n",
		kvm_sum(c, n, m->ncpus, "halt_wakeup"), kvm_sum(c, n, m->ncpus, "irq_injections"));
	free(c);
}

void print_vcpu_stats(struct machine *m, double seconds)
{
	if (m->vm.engine == LVMM_ENGINE_KVM)
		print_kvm_stats(m, seconds);
	else
		print_lvmm_stats(m, seconds);
}
