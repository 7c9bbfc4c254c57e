/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's own cgroup v2 leaf, PARENT/vmctl/NAME next to ctr's
 * containers (PARENT/ctr/ID), through the same tools/lib code: vmctl
 * moves itself there before it allocates guest RAM, so that the guest's
 * memory, vmctl and lvmm's page tables are charged to the VM.
 */
#ifndef VMCTL_VMCG_H
#define VMCTL_VMCG_H

#include <limits.h>

#include "cgroup.h"

struct vm_config;

struct vm_cgroup {
	struct cg cg;
	char orig[PATH_MAX];	/* where vmctl was: it goes back there at the end */
	int entered;
};

/*
 * Enter the leaf @leaf ("NAME", or NULL for run-PID) with @o's limits: 0,
 * or -1 after saying why. Without cgroup v2, or without the right to
 * create groups, vmctl runs where it is (and says which limits it cannot
 * apply, if any were asked for).
 */
int vm_cgroup_enter(struct vm_cgroup *v, const struct vm_config *o, const char *leaf);
/* Back to where vmctl was, and remove the leaf. */
void vm_cgroup_leave(struct vm_cgroup *v);

#endif /* VMCTL_VMCG_H */
