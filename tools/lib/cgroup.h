/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 resource accounting shared by ctr (containers) and vmctl
 * (VMs), so both are limited and counted the same way.
 */
#ifndef LVMM_TOOLS_CGROUP_H
#define LVMM_TOOLS_CGROUP_H

#include <limits.h>
#include <linux/limits.h>	/* PATH_MAX, also under -std=c11 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cg {
	char path[PATH_MAX];	/* the group's directory */
};

/* -1 (or NULL) leaves a limit unset; INT64_MAX writes "max". */
struct cg_limits {
	int64_t memory_max;	/* bytes */
	int64_t memory_swap_max;
	int64_t pids_max;
	int64_t cpu_quota;	/* microseconds per period */
	int64_t cpu_period;
	int64_t cpu_weight;	/* 1..10000 */
	int64_t memory_low;	/* bytes: memory.low, OCI's memory.reservation */
	int64_t io_weight;	/* 1..10000: io.weight */
	const char *cpuset_cpus, *cpuset_mems;
};

void cg_limits_init(struct cg_limits *l);

/* The caller's own v2 group from the root ("/a/b"; "/" at the root or without v2). */
void cg_self(char *buf, size_t len);
/*
 * The parent of the caller's own v2 group, relative to the root, without
 * a leading '/' ("" at the root): where ctr puts its containers
 * (PARENT/ctr/ID) and vmctl its VMs (PARENT/vmctl/NAME), side by side.
 */
void cg_parent_rel(char *buf, size_t len);

/*
 * The cgroup v2 mount: /sys/fs/cgroup on a unified host, or the "unified"
 * part of a hybrid one.  Returns 0, or -ENOENT without cgroup v2.
 */
int cg_root(char *buf, size_t len);

/*
 * Create (or reuse) @rel below the v2 root, enabling in each ancestor the
 * controllers @l needs.  Returns 0 or -errno.
 */
int cg_create(struct cg *cg, const char *rel, const struct cg_limits *l);

/*
 * Write the limits.  Those the hierarchy cannot take (a controller not
 * available, as on a hybrid host) are named in @skipped (comma
 * separated); returns -errno only for a real failure.
 */
int cg_apply(const struct cg *cg, const struct cg_limits *l, char *skipped, size_t len);

/* @file of the group into @buf (NUL-terminated); 0 or -errno. */
int cg_read(const struct cg *cg, const char *file, char *buf, size_t len);
int cg_attach(const struct cg *cg, pid_t pid);
/*
 * fork() with the clone flags @flags (namespaces), the child born in @cg
 * (NULL: where the caller is). Returns the child's pid in the parent, 0
 * in the child, -errno if there is no child; *@attach_err is 0 or the
 * -errno of putting the child into @cg.
 */
pid_t cg_clone(const struct cg *cg, unsigned long flags, int *attach_err);
int cg_freeze(const struct cg *cg, bool frozen);
/* Kill every process in the group (cgroup.kill, else one by one). */
int cg_kill_all(const struct cg *cg, int sig);
/* Up to @max member pids into @pids; returns how many, or -errno. */
int cg_pids(const struct cg *cg, pid_t *pids, int max);
/* memory.events oom_kill count, or -errno. */
long cg_oom_kills(const struct cg *cg);
/* Remove the group (its processes must be gone). */
int cg_destroy(const struct cg *cg);

#endif /* LVMM_TOOLS_CGROUP_H */
