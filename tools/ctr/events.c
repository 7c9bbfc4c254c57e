// SPDX-License-Identifier: GPL-2.0
/*
 * ctr events: a container's resource use from its cgroup v2 files, as
 * runc prints it: one JSON object a line, {"type":"stats","id":ID,
 * "data":{"cpu":...,"memory":...,"pids":...}} with runc's field names
 * and units (nanoseconds of CPU, bytes), and {"type":"oom","id":ID}
 * when the OOM killer struck.  --stats prints one and exits; otherwise
 * one every --interval until the container stops (runc's goes on).
 * A controller the group lacks leaves its part out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctr.h"

/* Go's time.ParseDuration for what --interval takes: "5s", "500ms", "1m30s", "1.5h". */
static int parse_duration(const char *s, long long *ns)
{
	/* Two-letter units first: "ms" is not "m" then "s". */
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\u00b5s", 1e3 }, { "ms", 1e6 },
		{ "h", 3600e9 }, { "m", 60e9 }, { "s", 1e9 },
	};
	double total = 0, v;
	const char *p = s;
	char *end;
	size_t i, n;

	while (*p) {
		if (!strchr("0123456789.", *p))
			return -EINVAL;
		v = strtod(p, &end);
		if (end == p)
			return -EINVAL;
		p = end;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			n = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, n))
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		total += v * units[i].ns;
		p += n;
	}
	if (total < 1 || total > 1e18)
		return -EINVAL;
	*ns = (long long)total;
	return 0;
}

/* "key value" lines (cpu.stat, memory.stat) into an object; NULL if the file is not there. */
static json_object *flat_keyed(const struct cg *cg, const char *file)
{
	char buf[8192], *line, *save, key[64];
	unsigned long long v;
	json_object *o;

	if (cg_read(cg, file, buf, sizeof(buf)))
		return NULL;
	o = json_object_new_object();
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%63s %llu", key, &v) == 2)
			json_object_object_add(o, key, json_object_new_uint64(v));
	return o;
}

static unsigned long long get(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

/* A single-number file; "max" is runc's unlimited (UINT64_MAX, or 0 for pids). */
static int number(const struct cg *cg, const char *file, uint64_t max, uint64_t *out)
{
	char buf[64];

	if (cg_read(cg, file, buf, sizeof(buf)))
		return -1;
	*out = !strncmp(buf, "max", 3) ? max : strtoull(buf, NULL, 10);
	return 0;
}

static void add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static json_object *cpu_stats(const struct cg *cg)
{
	json_object *st = flat_keyed(cg, "cpu.stat"), *cpu, *usage, *thr;

	if (!st)
		return NULL;
	cpu = json_object_new_object();
	usage = json_object_new_object();
	add_u64(usage, "total", get(st, "usage_usec") * 1000);
	add_u64(usage, "kernel", get(st, "system_usec") * 1000);
	add_u64(usage, "user", get(st, "user_usec") * 1000);
	json_object_object_add(cpu, "usage", usage);
	thr = json_object_new_object();
	add_u64(thr, "periods", get(st, "nr_periods"));
	add_u64(thr, "throttled_periods", get(st, "nr_throttled"));
	add_u64(thr, "throttled_time", get(st, "throttled_usec") * 1000);
	json_object_object_add(cpu, "throttling", thr);
	json_object_put(st);
	return cpu;
}

/* runc's memory: usage and limit; swap as memory + swap (its cgroup v1 meaning); memory.stat. */
static json_object *memory_stats(const struct cg *cg)
{
	uint64_t use, lim, swap, swap_lim;
	json_object *mem, *u, *raw;

	if (number(cg, "memory.current", UINT64_MAX, &use) ||
	    number(cg, "memory.max", UINT64_MAX, &lim))
		return NULL;
	mem = json_object_new_object();
	raw = flat_keyed(cg, "memory.stat");
	add_u64(mem, "cache", raw ? get(raw, "file") : 0);
	u = json_object_new_object();
	add_u64(u, "usage", use);
	add_u64(u, "limit", lim);
	json_object_object_add(mem, "usage", u);
	if (!number(cg, "memory.swap.current", UINT64_MAX, &swap) &&
	    !number(cg, "memory.swap.max", UINT64_MAX, &swap_lim)) {
		u = json_object_new_object();
		add_u64(u, "usage", swap + use);
		add_u64(u, "limit", swap_lim == UINT64_MAX || lim == UINT64_MAX ? UINT64_MAX
										 : swap_lim + lim);
		json_object_object_add(mem, "swap", u);
	}
	if (raw)
		json_object_object_add(mem, "raw", raw);
	return mem;
}

static json_object *pids_stats(const struct cg *cg)
{
	uint64_t cur, lim;
	json_object *o;

	if (number(cg, "pids.current", 0, &cur) || number(cg, "pids.max", 0, &lim))
		return NULL;
	o = json_object_new_object();
	add_u64(o, "current", cur);
	add_u64(o, "limit", lim);
	return o;
}

static void print_event(const char *type, const char *id, json_object *data)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(o, "data", data);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

/* One stats event; -ENOENT once the cgroup is gone. */
static int print_stats(const char *id, const struct cg *cg)
{
	json_object *data = json_object_new_object(), *part;

	part = cpu_stats(cg);
	if (!part) {
		json_object_put(data);
		return -ENOENT;	/* cpu.stat is in every v2 group: the group is gone */
	}
	json_object_object_add(data, "cpu", part);
	part = memory_stats(cg);
	if (part)
		json_object_object_add(data, "memory", part);
	part = pids_stats(cg);
	if (part)
		json_object_object_add(data, "pids", part);
	print_event("stats", id, data);
	return 0;
}

int container__events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	long long interval = 5000000000LL;
	struct ctr_state st;
	bool once = false;
	const char *id;
	long ooms, now;
	struct cg cg;
	int c, status;

	while ((c = ctr_getopt(argc, argv, "", opts)) >= 0) {
		if (c == 's') {
			once = true;
		} else if (parse_duration(optarg, &interval)) {
			ctr_err("--interval %s: expected a duration like 5s, 500ms or 1m30s", optarg);
			return 1;
		}
	}
	id = ctr_verb_id(c, argc, argv, 0, &status);
	if (!id)
		return status;
	if (ctr_state_load(&st, id))
		return 1;
	json_object_put(st.annotations);
	if (!ctr_alive(&st)) {
		ctr_err("container \"%s\" is not running: it has no stats", id);
		return 1;
	}
	if (!st.cgroup[0]) {
		ctr_err("container \"%s\" has no cgroup v2 group: it has no stats", id);
		return 1;
	}
	snprintf(cg.path, sizeof(cg.path), "%s", st.cgroup);
	if (once)
		return print_stats(id, &cg) ? 1 : 0;
	ooms = cg_oom_kills(&cg);
	while (ctr_alive(&st) && !print_stats(id, &cg)) {
		now = cg_oom_kills(&cg);
		if (now > ooms && ooms >= 0)
			print_event("oom", id, NULL);
		ooms = now;
		nanosleep(&(struct timespec){ .tv_sec = interval / 1000000000LL,
					      .tv_nsec = interval % 1000000000LL }, NULL);
	}
	return 0;
}
