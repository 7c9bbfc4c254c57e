// SPDX-License-Identifier: GPL-2.0
/*
 * Where a container's cgroup goes: linux.cgroupsPath (or ctr/ID) below
 * ctr's parent cgroup, the way runc places a relative path, so that a
 * config can neither name a group elsewhere on the host nor climb out of
 * ctr's own subtree (spec.c refuses "." and ".." components).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "ctr.h"

int ctr_cgroup_rel(const char *cgroups_path, const char *id, char *out, size_t len)
{
	char base[2048], rel[2048];
	int n;

	if (cgroups_path && strchr(cgroups_path, ':')) {
		ctr_err("warning: systemd cgroupsPath \"%s\" is not supported; using ctr/%s",
			cgroups_path, id);
		cgroups_path = NULL;
	}
	if (cgroups_path) {
		while (*cgroups_path == '/')
			cgroups_path++;
		snprintf(rel, sizeof(rel), "%s", cgroups_path);
	} else {
		snprintf(rel, sizeof(rel), "ctr/%s", id);
	}
	cg_parent_rel(base, sizeof(base));
	n = snprintf(out, len, "%s%s%s", base, base[0] ? "/" : "", rel);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Whether any process is in the group at @path or below it. */
bool ctr_cgroup_populated(const char *path)
{
	char file[4200], line[128];
	bool populated = false;
	FILE *f;

	snprintf(file, sizeof(file), "%s/cgroup.events", path);
	f = fopen(file, "re");
	if (!f) {
		/* No cgroup.events: be safe, count cgroup.procs. */
		snprintf(file, sizeof(file), "%s/cgroup.procs", path);
		f = fopen(file, "re");
		populated = !f || fgets(line, sizeof(line), f);
		if (f)
			fclose(f);
		return populated;
	}
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "populated 1\n"))
			populated = true;
	fclose(f);
	return populated;
}
