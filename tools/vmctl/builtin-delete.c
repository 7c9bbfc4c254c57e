// SPDX-License-Identifier: GPL-2.0
/* vmctl delete NAME [--force]: remove a VM's definition and its files. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "state.h"
#include "vmctl.h"

/* The VM's directory holds only files vmctl made: no recursion needed. */
static int remove_dir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    unlinkat(dirfd(dir), e->d_name, 0))
			ret = -1;
	closedir(dir);
	return ret || rmdir(path) ? -1 : 0;
}

int cmd_delete(int argc, char **argv)
{
	const char *name = NULL;
	char path[4200];
	struct vm_def d;
	struct cg cg;
	int force = 0, i, ret;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f")) {
			force = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts("usage: vmctl [--root DIR] delete NAME [--force]\n\n"
			     "Remove a defined VM: its definition, console log and status. A running\n"
			     "VM is refused unless --force, which kills it first.");
			return VMCTL_OK;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			vmctl_err("delete: unexpected '%s' (usage: vmctl delete NAME [--force])",
				  argv[i]);
			return VMCTL_USAGE;
		}
	}
	if (!name) {
		vmctl_err("delete: give one VM (usage: vmctl delete NAME [--force])");
		return VMCTL_USAGE;
	}
	ret = state_def_load(name, &d);
	state_def_free(&d);
	if (ret == -2)
		vmctl_err("no VM '%s' is defined in %s (see: vmctl list)", name, state_root());
	if (ret)
		return VMCTL_ERROR;
	pid = state_running(name);
	if (pid && !force) {
		vmctl_err("VM '%s' is running (pid %ld): stop it first (vmctl stop %s) or use "
			  "delete --force", name, (long)pid, name);
		return VMCTL_ERROR;
	}
	if (pid && vm_kill(name, pid))
		return VMCTL_ERROR;
	/* The VM's cgroup leaf, if a killed monitor left it. */
	if (!state_load_text(name, "cgroup", cg.path, sizeof(cg.path)))
		cg_destroy(&cg);
	if (state_path(path, sizeof(path), name, "") || remove_dir(path)) {
		vmctl_err("cannot remove %s: %s", path, strerror(errno));
		return VMCTL_ERROR;
	}
	return VMCTL_OK;
}
