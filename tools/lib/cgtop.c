// SPDX-License-Identifier: GPL-2.0
/* vmctl top and ctr top: see cgtop.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgtop.h"

#define TOP_MAX	256

struct top_row {
	char kind[8];		/* "vm" or "ctr" */
	char name[256];
	struct cg cg;
	unsigned long long usage_usec;	/* cpu.stat */
	double cpu_percent;
	long long memory, limit;	/* limit -1: max */
	long pids;
	int frozen;
};

static long long read_number(const struct cg *cg, const char *file)
{
	char buf[64];

	if (cg_read(cg, file, buf, sizeof(buf)))
		return -1;
	return strncmp(buf, "max", 3) ? strtoll(buf, NULL, 10) : -1;
}

static unsigned long long cpu_usage(const struct cg *cg)
{
	char buf[512], *p;

	if (cg_read(cg, "cpu.stat", buf, sizeof(buf)))
		return 0;
	p = strstr(buf, "usage_usec ");
	return p ? strtoull(p + 11, NULL, 10) : 0;
}

#define TOP_PIDS	4096

static void sample(struct top_row *r)
{
	static pid_t pids[TOP_PIDS];
	char buf[256];

	r->usage_usec = cpu_usage(&r->cg);
	r->memory = read_number(&r->cg, "memory.current");
	r->limit = read_number(&r->cg, "memory.max");
	/* cgroup.procs, not pids.current: it needs no controller. */
	r->pids = cg_pids(&r->cg, pids, TOP_PIDS);
	r->frozen = !cg_read(&r->cg, "cgroup.events", buf, sizeof(buf)) && strstr(buf, "frozen 1");
}

/* The leaves of ROOT/PARENT/@kind_dir, as rows of @kind. */
static int collect(const char *root, const char *parent, const char *kind_dir, const char *kind,
		   struct top_row *rows, int n)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s%s%s/%s", root, parent[0] ? "/" : "", parent, kind_dir);
	d = opendir(dir);
	while (d && (e = readdir(d)) && n < TOP_MAX) {
		struct top_row *r = &rows[n];

		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		memset(r, 0, sizeof(*r));
		snprintf(r->kind, sizeof(r->kind), "%s", kind);
		snprintf(r->name, sizeof(r->name), "%s", e->d_name);
		if ((size_t)snprintf(r->cg.path, sizeof(r->cg.path), "%s/%s", dir, e->d_name) >=
		    sizeof(r->cg.path))
			continue;
		sample(r);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void human(char *buf, size_t len, long long bytes)
{
	if (bytes < 0)
		snprintf(buf, len, "max");
	else if (bytes >= 1LL << 30)
		snprintf(buf, len, "%.1fG", bytes / (double)(1LL << 30));
	else
		snprintf(buf, len, "%.1fM", bytes / (double)(1 << 20));
}

static void print_table(const struct top_row *rows, int n, int clear)
{
	char mem[16], lim[16];
	int i;

	if (clear)
		fputs("\033[H\033[2J", stdout);
	printf("%-4s %-24s %-8s %6s %9s %9s %5s\n", "KIND", "NAME", "STATE", "CPU%", "MEMORY",
	       "LIMIT", "PIDS");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];

		human(mem, sizeof(mem), r->memory);
		human(lim, sizeof(lim), r->limit);
		printf("%-4s %-24s %-8s %6.1f %9s %9s %5ld\n", r->kind, r->name,
		       r->pids <= 0 ? "empty" : r->frozen ? "frozen" : "running", r->cpu_percent,
		       r->memory < 0 ? "-" : mem, lim, r->pids < 0 ? 0 : r->pids);
	}
	fflush(stdout);
}

static double now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int cgtop_run(int rounds, int interval_ms)
{
	static struct top_row before[TOP_MAX], after[TOP_MAX];
	char root[PATH_MAX], parent[2048];
	int nb, na, i, j, round, ret = cg_root(root, sizeof(root));
	struct timespec tick = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
	double t0, t1;

	if (ret)
		return ret;
	cg_parent_rel(parent, sizeof(parent));
	for (round = 0; !rounds || round < rounds; round++) {
		nb = collect(root, parent, "vmctl", "vm", before, 0);
		nb = collect(root, parent, "ctr", "ctr", before, nb);
		t0 = now_usec();
		nanosleep(&tick, NULL);
		na = collect(root, parent, "vmctl", "vm", after, 0);
		na = collect(root, parent, "ctr", "ctr", after, na);
		t1 = now_usec();
		/* CPU use: the usage each group added over the interval. */
		for (i = 0; i < na; i++)
			for (j = 0; j < nb; j++)
				if (!strcmp(after[i].cg.path, before[j].cg.path) && t1 > t0)
					after[i].cpu_percent = 100.0 * (after[i].usage_usec -
									before[j].usage_usec) / (t1 - t0);
		print_table(after, na, isatty(1));
	}
	return 0;
}

int cgtop_main(int argc, char **argv, const char *prog)
{
	int rounds = 0, interval = 1000, i, ret;
	char *end;

	for (i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "--iterations")) && i + 1 < argc) {
			rounds = strtol(argv[++i], &end, 10);
			if (*end || rounds <= 0) {
				fprintf(stderr, "%s: top: -n '%s' is not a positive number\n", prog,
					argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			interval = (int)(strtod(argv[++i], &end) * 1000);
			if (*end || interval < 100) {
				fprintf(stderr, "%s: top: --interval '%s': give seconds, 0.1 or more\n",
					prog, argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s top [-n ROUNDS] [--interval SECONDS]\n\n"
			       "VMs (vmctl's cgroups) and containers (ctr's) side by side, refreshed\n"
			       "every second: CPU use over the interval, memory against its limit,\n"
			       "processes. vmctl top and ctr top show the same.\n", prog);
			return 0;
		} else {
			fprintf(stderr, "%s: top: unexpected '%s' (usage: %s top [-n N] [--interval S])\n",
				prog, argv[i], prog);
			return 2;
		}
	}
	ret = cgtop_run(rounds, interval);
	if (ret)
		fprintf(stderr, "%s: top: this host has no cgroup v2 hierarchy to read VMs and "
			"containers from\n", prog);
	return ret ? 1 : 0;
}
