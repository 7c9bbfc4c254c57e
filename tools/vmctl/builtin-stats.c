// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl stats NAME: a running VM's exit counters by reason, guest and
 * lvmm time and memory, read through netlink while it runs; once, or
 * as rates every --watch seconds; as text, JSON or the Prometheus text
 * format (for node_exporter's textfile collector).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "lvmm.h"
#include "stats.h"
#include "vmctl.h"
#include "vmref.h"

enum format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS };

struct sample {
	struct lvmm_nl_vm vm;
	struct lvmm_nl_vcpu_stats vcpu[LVMM_MAX_VCPUS];
	int nr;
	struct timespec when;
};

static int take_sample(struct lvmm_nl *nl, uint32_t id, struct sample *s)
{
	int ret = lvmm_nl_get_vm(nl, id, &s->vm);

	if (!ret)
		ret = lvmm_nl_get_stats(nl, id, s->vcpu, LVMM_MAX_VCPUS);
	if (ret < 0)
		return ret;
	s->nr = ret < LVMM_MAX_VCPUS ? ret : LVMM_MAX_VCPUS;
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	return 0;
}

static uint64_t total(const struct sample *s, unsigned int stat)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < s->nr; i++)
		sum += stat < s->vcpu[i].count ? s->vcpu[i].stat[stat] : 0;
	return sum;
}

static void print_text(const struct sample *s)
{
	int i;
	unsigned int k;

	printf("VM %u '%s': %s, %d vCPUs, %llu MiB of memory, %llu MiB touched\n", s->vm.id,
	       s->vm.name, lvmm_nl_state_name(s->vm.state), s->nr,
	       (unsigned long long)(s->vm.mem_bytes >> 20),
	       (unsigned long long)(s->vm.mem_mapped >> 20));
	for (i = 0; i < s->nr; i++) {
		const struct lvmm_nl_vcpu_stats *v = &s->vcpu[i];

		printf("vCPU %u: %llu exits, %.3f s in the guest, %.3f s in lvmm\n", v->vcpu_id,
		       (unsigned long long)v->stat[LVMM_STAT_EXITS], v->guest_ns / 1e9,
		       v->lvmm_ns / 1e9);
		for (k = 1; k < v->count && k < LVMM_STAT_NR; k++)
			if (v->stat[k])
				printf("  %-16s %llu\n", lvmm_stat_name(k),
				       (unsigned long long)v->stat[k]);
	}
}

static void print_json(const struct sample *s)
{
	struct json_object *o = json_object_new_object(), *vcpus = json_object_new_array();
	int i;
	unsigned int k;

	json_object_object_add(o, "id", json_object_new_int64(s->vm.id));
	json_object_object_add(o, "name", json_object_new_string(s->vm.name));
	json_object_object_add(o, "state", json_object_new_string(lvmm_nl_state_name(s->vm.state)));
	json_object_object_add(o, "memory_bytes", json_object_new_int64(s->vm.mem_bytes));
	json_object_object_add(o, "memory_mapped_bytes", json_object_new_int64(s->vm.mem_mapped));
	for (i = 0; i < s->nr; i++) {
		const struct lvmm_nl_vcpu_stats *v = &s->vcpu[i];
		struct json_object *c = json_object_new_object(), *n = json_object_new_object();

		json_object_object_add(c, "id", json_object_new_int64(v->vcpu_id));
		json_object_object_add(c, "guest_ns", json_object_new_int64(v->guest_ns));
		json_object_object_add(c, "lvmm_ns", json_object_new_int64(v->lvmm_ns));
		for (k = 0; k < v->count && k < LVMM_STAT_NR; k++)
			json_object_object_add(n, lvmm_stat_name(k), json_object_new_int64(v->stat[k]));
		json_object_object_add(c, "counters", n);
		json_object_array_add(vcpus, c);
	}
	json_object_object_add(o, "vcpus", vcpus);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static bool is_exit_kind(unsigned int stat)
{
	unsigned int i;

	for (i = 0; i < lvmm_nr_exit_kinds; i++)
		if (lvmm_exit_kinds[i] == stat)
			return true;
	return false;
}

static void prom_family(const char *metric, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

/* Each vCPU's exit counters (@exits) or its other counters (the total aside). */
static void prom_counters(const struct sample *s, const char *vm, bool exits, const char *metric,
			  const char *label)
{
	unsigned int k;
	int i;

	for (i = 0; i < s->nr; i++)
		for (k = !exits; k < s->vcpu[i].count && k < LVMM_STAT_NR; k++)
			if (is_exit_kind(k) == exits)
				printf("%s{%s,vcpu=\"%u\",%s=\"%s\"} %llu\n", metric, vm,
				       s->vcpu[i].vcpu_id, label, lvmm_stat_name(k),
				       (unsigned long long)s->vcpu[i].stat[k]);
}

/* Each vCPU's time in the guest (@guest) or in lvmm. */
static void prom_seconds(const struct sample *s, const char *vm, bool guest, const char *metric)
{
	int i;

	for (i = 0; i < s->nr; i++)
		printf("%s{%s,vcpu=\"%u\"} %.9f\n", metric, vm, s->vcpu[i].vcpu_id,
		       (guest ? s->vcpu[i].guest_ns : s->vcpu[i].lvmm_ns) / 1e9);
}

/* https://prometheus.io/docs/instrumenting/exposition_formats/ (text format 0.0.4) */
static void print_prometheus(const struct sample *s)
{
	char vm[128];

	snprintf(vm, sizeof(vm), "vm=\"%s\",id=\"%u\"", s->vm.name, s->vm.id);
	prom_family("lvmm_vm_memory_bytes", "gauge", "Guest memory in the VM's slots.");
	printf("lvmm_vm_memory_bytes{%s} %llu\n", vm, (unsigned long long)s->vm.mem_bytes);
	prom_family("lvmm_vm_memory_mapped_bytes", "gauge", "Guest memory the guest has touched.");
	printf("lvmm_vm_memory_mapped_bytes{%s} %llu\n", vm, (unsigned long long)s->vm.mem_mapped);
	prom_family("lvmm_vcpu_exits_total", "counter", "Exits from the guest, by reason.");
	prom_counters(s, vm, true, "lvmm_vcpu_exits_total", "reason");
	prom_family("lvmm_vcpu_events_total", "counter",
		    "Other events: sleeps, injections, returns to the VMM.");
	prom_counters(s, vm, false, "lvmm_vcpu_events_total", "event");
	prom_family("lvmm_vcpu_guest_seconds_total", "counter", "Time in guest mode.");
	prom_seconds(s, vm, true, "lvmm_vcpu_guest_seconds_total");
	prom_family("lvmm_vcpu_lvmm_seconds_total", "counter",
		    "Time in lvmm, outside the guest, not asleep.");
	prom_seconds(s, vm, false, "lvmm_vcpu_lvmm_seconds_total");
}

/* One --watch line: exits per second by reason, and guest time in %. */
static void print_rates(const struct sample *a, const struct sample *b)
{
	double dt = (b->when.tv_sec - a->when.tv_sec) + (b->when.tv_nsec - a->when.tv_nsec) / 1e9;
	uint64_t guest = 0;
	unsigned int k;
	int i;

	if (dt <= 0)
		dt = 1e-9;
	for (i = 0; i < b->nr; i++)
		guest += b->vcpu[i].guest_ns - (i < a->nr ? a->vcpu[i].guest_ns : 0);
	printf("%s: %.0f exits/s, guest %.1f%%", lvmm_nl_state_name(b->vm.state),
	       (total(b, LVMM_STAT_EXITS) - total(a, LVMM_STAT_EXITS)) / dt, 100.0 * guest / 1e9 / dt);
	for (k = 0; k < lvmm_nr_exit_kinds; k++) {
		unsigned int stat = lvmm_exit_kinds[k];
		uint64_t d = total(b, stat) - total(a, stat);

		if (d)
			printf(", %s %.0f/s", lvmm_stat_name(stat), d / dt);
	}
	printf(", %llu MiB touched\n", (unsigned long long)(b->vm.mem_mapped >> 20));
	fflush(stdout);
}

static void stats_usage(void)
{
	puts("usage: vmctl stats NAME|ID [--json | --format text|json|prometheus]\n"
	     "                   [--watch SECONDS [--count N]]\n\n"
	     "A running VM's counters, read without stopping it: exits by reason per vCPU,\n"
	     "time in the guest and in lvmm, guest memory and how much of it is touched.\n"
	     "--watch prints rates (exits per second by reason, guest time in %) every\n"
	     "SECONDS until the VM is gone (or N times with --count). The Prometheus text\n"
	     "format suits node_exporter's textfile collector.");
}

static int parse_format(const char *s, enum format *f)
{
	if (!strcmp(s, "text"))
		*f = FMT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else if (!strcmp(s, "prometheus"))
		*f = FMT_PROMETHEUS;
	else
		return -1;
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct sample a, b;
	enum format fmt = FMT_TEXT;
	long watch = 0, count = -1;
	struct lvmm_nl *nl;
	char *end;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			fmt = FMT_JSON;
			break;
		case 'f':
			if (parse_format(optarg, &fmt)) {
				vmctl_err("--format '%s': use text, json or prometheus", optarg);
				return VMCTL_USAGE;
			}
			break;
		case 'w':
		case 'c':
			*(opt == 'w' ? &watch : &count) = strtol(optarg, &end, 10);
			if (*end || strtol(optarg, NULL, 10) <= 0) {
				vmctl_err("--%s '%s' is not a positive number", opt == 'w' ? "watch" :
					  "count", optarg);
				return VMCTL_USAGE;
			}
			break;
		case 'h':
			stats_usage();
			return VMCTL_OK;
		default:
			return vmctl_bad_option("stats", argv[optind - 1]);
		}
	}
	if (optind != argc - 1) {
		vmctl_err("stats: give one VM (usage: vmctl stats NAME|ID [--json] [--watch S])");
		return VMCTL_USAGE;
	}
	if (watch && fmt != FMT_TEXT) {
		vmctl_err("stats: --watch prints rates as text; leave out --json/--format");
		return VMCTL_USAGE;
	}
	nl = vmref_open();
	if (!nl)
		return VMCTL_ERROR;
	ret = vmref_find(nl, argv[optind], &a.vm) ? -1 : take_sample(nl, a.vm.id, &a);
	if (ret < -1)
		vmref_err(nl, &a.vm, "read the statistics of", ret);
	if (!ret && !watch) {
		if (fmt == FMT_JSON)
			print_json(&a);
		else if (fmt == FMT_PROMETHEUS)
			print_prometheus(&a);
		else
			print_text(&a);
	}
	while (!ret && watch && count--) {
		sleep(watch);
		if (take_sample(nl, a.vm.id, &b))
			break;	/* the VM is gone: the end of the watch */
		print_rates(&a, &b);
		a = b;
	}
	lvmm_nl_close(nl);
	return ret ? VMCTL_ERROR : VMCTL_OK;
}
