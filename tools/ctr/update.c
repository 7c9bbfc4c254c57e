// SPDX-License-Identifier: GPL-2.0
/*
 * ctr update: change the limits of a container's cgroup, with runc's
 * flags or an OCI linux.resources object (--resources FILE, or - for
 * stdin, as containerd's shim sends it).  Values mean what they mean to
 * runc: 0 (or absent) leaves a limit as it is, -1 lifts it.  Every file
 * the update would write is checked first: a limit whose controller the
 * container's cgroup lacks is an error naming it, and nothing is changed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"

#define UNSET INT64_MIN

struct update {
	int64_t memory, swap, reservation, shares, quota, period, pids, blkio;
	const char *cpus, *mems;
};

/* runc's sizes (docker's RAMInBytes): 1024-based k, m, g, t, p, optionally with i and b. */
static int parse_size(const char *flag, const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	char *end;
	const char *u;
	double v;
	int shift = 0;

	if (!strcmp(s, "-1")) {
		*out = -1;
		return 0;
	}
	v = strtod(s, &end);
	if (end == s || *s == '-' || *s == '+' || !isfinite(v))
		goto bad;
	if (*end == ' ')
		end++;
	if (*end && (u = strchr(units, end[0] | 0x20))) {
		shift = 10 * (int)(u - units + 1);
		end++;
		if ((*end | 0x20) == 'i')
			end++;
	}
	if ((*end | 0x20) == 'b')
		end++;
	v *= (double)(1ULL << shift);
	if (*end || v >= 9.2e18)
		goto bad;
	*out = (int64_t)v;
	return 0;
bad:
	ctr_err("%s %s: expected bytes (like 104857600, 100m or 1g), or -1 for no limit", flag, s);
	return -EINVAL;
}

static int parse_int(const char *flag, const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		ctr_err("%s %s: expected an integer %lld..%lld", flag, s, (long long)min,
			(long long)max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* A member of linux.resources that ctr does not update: a warning, the rest goes on. */
static void ignore_others(const struct jv *obj, const char *const *known)
{
	size_t i;

	if (!obj->o || !json_object_is_type(obj->o, json_type_object))
		return;
	json_object_object_foreach(obj->o, key, val) {
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		/* An empty list or object asks for nothing (containerd sends hugepageLimits: []). */
		if (!known[i] && val &&
		    !(json_object_is_type(val, json_type_array) && !json_object_array_length(val)) &&
		    !(json_object_is_type(val, json_type_object) && !json_object_object_length(val)))
			ctr_warn("update: %s%s%s is not updated by ctr (it updates memory limit, reservation and swap, cpu shares, quota, period, cpus and mems, pids.limit and blockIO.weight)",
				 obj->path, obj->path[0] ? "." : "", key);
	}
}

/* --resources: an OCI LinuxResources object (devices are set at create, as with runc). */
static int parse_resources(const char *file, struct update *u)
{
	static const char *const top[] = { "memory", "cpu", "pids", "blockIO", "devices", NULL };
	static const char *const mem_keys[] = { "limit", "reservation", "swap", NULL };
	static const char *const cpu_keys[] = {
		"shares", "quota", "period", "cpus", "mems", "realtimeRuntime", "realtimePeriod", NULL,
	};
	static const char *const pids_keys[] = { "limit", NULL };
	static const char *const blkio_keys[] = { "weight", NULL };
	json_object *o = strcmp(file, "-") ? json_object_from_file(file) : json_object_from_fd(0);
	const char *name = strcmp(file, "-") ? file : "--resources - (stdin)";
	struct jv r = jv_root(o, name), mem = jv_key(&r, "memory"), cpu = jv_key(&r, "cpu");
	struct jv pids = jv_key(&r, "pids"), blkio = jv_key(&r, "blockIO");
	struct jv rt[2] = { jv_key(&cpu, "realtimeRuntime"), jv_key(&cpu, "realtimePeriod") };
	struct jv cpus = jv_key(&cpu, "cpus"), mems = jv_key(&cpu, "mems");
	const struct {
		struct jv v;
		int64_t min, max, *out;
	} ints[] = {
		{ jv_key(&mem, "limit"), -1, INT64_MAX, &u->memory },
		{ jv_key(&mem, "reservation"), -1, INT64_MAX, &u->reservation },
		{ jv_key(&mem, "swap"), -1, INT64_MAX, &u->swap },
		{ jv_key(&cpu, "shares"), 0, 262144, &u->shares },
		{ jv_key(&cpu, "quota"), -1, INT64_MAX, &u->quota },
		{ jv_key(&cpu, "period"), 0, 1000000, &u->period },
		{ jv_key(&pids, "limit"), -1, INT64_MAX, &u->pids },
		{ jv_key(&blkio, "weight"), 0, 1000, &u->blkio },
	};
	int64_t v;
	size_t i;
	int ret = -EINVAL;

	if (!o) {
		const char *why = json_util_get_last_err();

		ctr_err("%s: not readable as JSON (%.*s)", name,
			why ? (int)strcspn(why, "\n") : 9, why ? why : "no reason");
		return -EINVAL;
	}
	if (jv_need(&r, jv_object(&r), "an object (OCI linux.resources)") || jv_object(&mem) < 0 ||
	    jv_object(&cpu) < 0 || jv_object(&pids) < 0 || jv_object(&blkio) < 0)
		goto out;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (jv_int(&ints[i].v, ints[i].min, ints[i].max, ints[i].out) < 0)
			goto out;
	for (i = 0; i < 2; i++) {
		v = 0;
		if (jv_int(&rt[i], INT64_MIN, INT64_MAX, &v) < 0)
			goto out;
		if (v) {
			jv_bad(&rt[i], "0 (cgroup v2 has no realtime CPU limits)");
			goto out;
		}
	}
	if (jv_string(&cpus, &u->cpus) < 0 || jv_string(&mems, &u->mems) < 0)
		goto out;
	/* cpus and mems point into @o: it stays for the rest of this run. */
	o = NULL;
	ignore_others(&r, top);
	ignore_others(&mem, mem_keys);
	ignore_others(&cpu, cpu_keys);
	ignore_others(&pids, pids_keys);
	ignore_others(&blkio, blkio_keys);
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

/* A limit file's number; "max" is -1. */
static int64_t current(const struct cg *cg, const char *file, int field)
{
	char buf[128], *p = buf;

	if (cg_read(cg, file, buf, sizeof(buf)))
		return -1;
	while (field-- > 0 && (p = strchr(p, ' ')))
		p++;
	return !p || !strncmp(p, "max", 3) ? -1 : strtoll(p, NULL, 10);
}

/* -1 lifts a limit, 0 leaves it, others are the limit. */
static int64_t limit(int64_t v)
{
	return v == UNSET || v == 0 ? -1 : v < 0 ? INT64_MAX : v;
}

/* runc's conversions to cgroup v2, from its own (v1-shaped) values. */
static int to_limits(const struct update *u, const struct cg *cg, struct cg_limits *l)
{
	int64_t mem;

	cg_limits_init(l);
	l->memory_max = limit(u->memory);
	l->memory_low = limit(u->reservation);
	l->pids_max = limit(u->pids);
	l->cpuset_cpus = u->cpus && u->cpus[0] ? u->cpus : NULL;
	l->cpuset_mems = u->mems && u->mems[0] ? u->mems : NULL;
	/* OCI's swap counts memory + swap; memory.swap.max swap alone. */
	if (u->swap != UNSET && u->swap != 0) {
		mem = u->memory != UNSET && u->memory != 0 ? u->memory : current(cg, "memory.max", 0);
		if (u->swap == -1) {
			l->memory_swap_max = INT64_MAX;
		} else if (mem < 0) {
			ctr_err("update: --memory-swap %lld needs a memory limit too (it counts memory + swap)",
				(long long)u->swap);
			return -EINVAL;
		} else if (u->swap < mem) {
			ctr_err("update: --memory-swap %lld is below the memory limit %lld (it counts memory + swap)",
				(long long)u->swap, (long long)mem);
			return -EINVAL;
		} else {
			l->memory_swap_max = u->swap - mem;
		}
	}
	if (u->shares != UNSET && u->shares != 0) {
		if (u->shares < 2) {
			ctr_err("update: cpu shares %lld: expected 2..262144 (or 0: unchanged)",
				(long long)u->shares);
			return -EINVAL;
		}
		l->cpu_weight = 1 + ((u->shares - 2) * 9999) / 262142;
	}
	/* cpu.max holds both: keep the one not given. */
	if ((u->quota != UNSET && u->quota != 0) || (u->period != UNSET && u->period != 0)) {
		l->cpu_quota = u->quota != UNSET && u->quota != 0 ? limit(u->quota)
								: current(cg, "cpu.max", 0);
		if (l->cpu_quota < 0)
			l->cpu_quota = INT64_MAX;
		l->cpu_period = u->period != UNSET && u->period != 0 ? u->period
								  : current(cg, "cpu.max", 1);
		if (l->cpu_period > 0 && l->cpu_period < 1000) {
			ctr_err("update: cpu period %lld: expected 1000..1000000 microseconds",
				(long long)l->cpu_period);
			return -EINVAL;
		}
	}
	if (u->blkio != UNSET && u->blkio != 0) {
		if (u->blkio < 10) {
			ctr_err("update: blkio weight %lld: expected 10..1000 (or 0: unchanged)",
				(long long)u->blkio);
			return -EINVAL;
		}
		l->io_weight = 1 + ((u->blkio - 10) * 9999) / 990;
	}
	return 0;
}

/* The files @l writes that @cg does not have (a controller it lacks), comma-separated. */
static void missing_files(const struct cg *cg, const struct cg_limits *l, char *out, size_t len)
{
	const struct {
		const char *file;
		bool wanted;
	} files[] = {
		{ "memory.max", l->memory_max >= 0 }, { "memory.low", l->memory_low >= 0 },
		{ "memory.swap.max", l->memory_swap_max >= 0 }, { "pids.max", l->pids_max >= 0 },
		{ "cpu.weight", l->cpu_weight >= 0 },
		{ "cpu.max", l->cpu_quota >= 0 || l->cpu_period >= 0 },
		{ "cpuset.cpus", l->cpuset_cpus != NULL }, { "cpuset.mems", l->cpuset_mems != NULL },
		{ "io.weight", l->io_weight >= 0 },
	};
	char path[PATH_MAX + 32];
	size_t i;

	out[0] = 0;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", cg->path, files[i].file);
		if (files[i].wanted && access(path, W_OK))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? ", " : "",
				 files[i].file);
	}
}

static int apply(const char *id, const struct update *u)
{
	struct ctr_state st;
	struct cg cg, made;
	struct cg_limits l;
	char root[PATH_MAX], missing[512];
	int ret = ctr_state_load(&st, id);

	if (ret)
		return ret;
	json_object_put(st.annotations);
	if (!strcmp(ctr_status(&st), "stopped")) {
		ctr_err("container \"%s\" is stopped: there is nothing to update", id);
		return -ESRCH;
	}
	if (!st.cgroup[0] || cg_root(root, sizeof(root))) {
		ctr_err("container \"%s\" has no cgroup v2 group: its limits cannot be updated", id);
		return -ENOTSUP;
	}
	snprintf(cg.path, sizeof(cg.path), "%s", st.cgroup);
	ret = to_limits(u, &cg, &l);
	if (ret)
		return ret;
	/* Enable the controllers the new limits need in each ancestor (the group exists). */
	ret = cg_create(&made, st.cgroup + strlen(root) + 1, &l);
	if (ret) {
		ctr_err("update \"%s\": %s: %s", id, st.cgroup, strerror(-ret));
		return ret;
	}
	missing_files(&cg, &l, missing, sizeof(missing));
	if (missing[0]) {
		ctr_err("update \"%s\": cannot set %s: no such controller for %s (this cgroup v2 hierarchy lacks it); nothing was changed",
			id, missing, st.cgroup);
		return -ENOTSUP;
	}
	ctr_debug("update \"%s\": memory.max %lld, pids.max %lld, cpu.weight %lld, cpu.max %lld %lld",
		  id, (long long)l.memory_max, (long long)l.pids_max, (long long)l.cpu_weight,
		  (long long)l.cpu_quota, (long long)l.cpu_period);
	ret = cg_apply(&cg, &l, missing, sizeof(missing));
	if (!ret && missing[0])
		ret = -ENOTSUP;
	if (ret)
		ctr_err("update \"%s\": writing the limits to %s: %s%s%s", id, st.cgroup,
			strerror(-ret), missing[0] ? " at " : "", missing);
	return ret;
}

int container__update(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, 's' },
		{ "memory-reservation", required_argument, NULL, 'R' },
		{ "cpu-share", required_argument, NULL, 'S' },	/* runc's name */
		{ "cpu-shares", required_argument, NULL, 'S' },
		{ "cpu-quota", required_argument, NULL, 'q' },
		{ "cpu-period", required_argument, NULL, 'p' },
		{ "cpuset-cpus", required_argument, NULL, 'c' },
		{ "cpuset-mems", required_argument, NULL, 'M' },
		{ "pids-limit", required_argument, NULL, 'P' },
		{ "blkio-weight", required_argument, NULL, 'b' },
		{ "cpu-rt-period", required_argument, NULL, 'T' },
		{ "cpu-rt-runtime", required_argument, NULL, 'T' },
		{ "l3-cache-schema", required_argument, NULL, 'I' },
		{ "mem-bw-schema", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	struct update u = {
		UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, NULL, NULL,
	};
	const char *resources = NULL, *id;
	bool flags = false;
	int c, ret = 0;

	while (!ret && (c = ctr_getopt(argc, argv, "r:", opts)) >= 0) {
		flags |= c != 'r';
		switch (c) {
		case 'r': resources = optarg; break;
		case 'm': ret = parse_size("--memory", optarg, &u.memory); break;
		case 's': ret = parse_size("--memory-swap", optarg, &u.swap); break;
		case 'R': ret = parse_size("--memory-reservation", optarg, &u.reservation); break;
		case 'S': ret = parse_int("--cpu-shares", optarg, 0, 262144, &u.shares); break;
		case 'q': ret = parse_int("--cpu-quota", optarg, -1, INT64_MAX, &u.quota); break;
		case 'p': ret = parse_int("--cpu-period", optarg, 0, 1000000, &u.period); break;
		case 'c': u.cpus = optarg; break;
		case 'M': u.mems = optarg; break;
		case 'P': ret = parse_int("--pids-limit", optarg, -1, INT64_MAX, &u.pids); break;
		case 'b': ret = parse_int("--blkio-weight", optarg, 0, 1000, &u.blkio); break;
		case 'T':
			ctr_err("update: realtime CPU limits are not supported (cgroup v2 has none)");
			return 1;
		case 'I':
			ctr_err("update: Intel RDT (%s) is not supported by ctr", argv[optind - 1]);
			return 1;
		}
	}
	if (ret)
		return 1;
	id = ctr_verb_id(c, argc, argv, 0, &ret);
	if (!id)
		return ret;
	if (resources && flags) {
		ctr_err("update: give either --resources or limit flags, not both");
		return 1;
	}
	if (resources && parse_resources(resources, &u))
		return 1;
	return !!apply(id, &u);
}
