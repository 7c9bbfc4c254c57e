// SPDX-License-Identifier: GPL-2.0
/* The VM's own cgroup v2 leaf: see vmcg.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "vmcg.h"
#include "vmctl.h"

static int limits_asked(const struct vm_config *o)
{
	return o->memory_limit >= 0 || o->cpu_quota >= 0 || o->cpu_weight >= 0;
}

/* Leaves of vmctl run processes that are gone (a SIGKILL, an OOM kill). */
static void remove_stale_run_leaves(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct cg stale;
	long pid;

	while (d && (e = readdir(d))) {
		if (sscanf(e->d_name, "run-%ld", &pid) != 1 || pid <= 0 ||
		    (kill(pid, 0) && errno != ESRCH) || !kill(pid, 0))
			continue;
		if (snprintf(stale.path, sizeof(stale.path), "%s/%s", dir, e->d_name) <
		    (int)sizeof(stale.path))
			rmdir(stale.path);	/* fails, harmlessly, if still populated */
	}
	if (d)
		closedir(d);
}

int vm_cgroup_enter(struct vm_cgroup *v, const struct vm_config *o, const char *leaf)
{
	char parent[2048], rel[PATH_MAX], root[PATH_MAX], skipped[256] = "";
	struct cg_limits l;
	int ret;

	memset(v, 0, sizeof(*v));
	if (cg_root(root, sizeof(root))) {
		if (limits_asked(o))
			vmctl_err("warning: this host has no cgroup v2 hierarchy: --memory-limit, "
				  "--cpu-limit and --cpu-weight cannot apply");
		return 0;
	}
	cg_self(v->orig, sizeof(v->orig));
	cg_parent_rel(parent, sizeof(parent));
	if (leaf)
		snprintf(rel, sizeof(rel), "%s%svmctl/%s", parent, parent[0] ? "/" : "", leaf);
	else
		snprintf(rel, sizeof(rel), "%s%svmctl/run-%ld", parent, parent[0] ? "/" : "",
			 (long)getpid());
	cg_limits_init(&l);
	l.memory_max = o->memory_limit;
	if (o->memory_limit >= 0)
		l.memory_swap_max = 0;	/* the limit is the VM's RAM, not RAM plus swap */
	if (o->cpu_quota >= 0) {
		l.cpu_quota = o->cpu_quota;
		l.cpu_period = 100000;
	}
	l.cpu_weight = o->cpu_weight;
	ret = cg_create(&v->cg, rel, &l);
	if (ret) {
		if (!limits_asked(o))
			return 0;	/* not ours to manage here: run where we are */
		vmctl_err("cannot create the VM's cgroup %s: %s (run as root, or delegate a "
			  "cgroup v2 subtree to this user)", rel, strerror(-ret));
		return -1;
	}
	/* A leaf left by a VM that was killed: its counters (oom_kill) start afresh. */
	if (leaf && !cg_destroy(&v->cg))
		ret = cg_create(&v->cg, rel, &l);
	if (!ret)
		ret = cg_apply(&v->cg, &l, skipped, sizeof(skipped));
	if (!ret)
		ret = cg_attach(&v->cg, getpid());
	if (ret) {
		vmctl_err("cannot place the VM in its cgroup %s: %s", v->cg.path, strerror(-ret));
		return -1;
	}
	if (skipped[0])
		vmctl_err("warning: this host's cgroups cannot apply: %s", skipped);
	v->entered = 1;
	snprintf(parent, sizeof(parent), "%s", v->cg.path);
	*strrchr(parent, '/') = 0;
	remove_stale_run_leaves(parent);
	return 0;
}

void vm_cgroup_leave(struct vm_cgroup *v)
{
	struct cg back;
	char root[PATH_MAX];

	if (!v->entered || cg_root(root, sizeof(root)))
		return;
	if ((size_t)snprintf(back.path, sizeof(back.path), "%s%s", root,
			     strcmp(v->orig, "/") ? v->orig : "") < sizeof(back.path) &&
	    !cg_attach(&back, getpid()))
		cg_destroy(&v->cg);
	v->entered = 0;
}
