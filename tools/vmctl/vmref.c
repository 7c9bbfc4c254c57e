// SPDX-License-Identifier: GPL-2.0
/* Finding VMs by name or id through lvmm's netlink family. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "vmref.h"

struct lvmm_nl *vmref_open(void)
{
	struct lvmm_nl *nl = lvmm_nl_open();

	if (!nl && errno == ENOENT)
		vmctl_err("lvmm.ko is not loaded, or too old for management (no netlink family "
			  "'lvmm'): load this tree's module (insmod lvmm.ko)");
	else if (!nl)
		vmctl_err("cannot talk to lvmm.ko over netlink: %s", strerror(errno));
	return nl;
}

struct lookup {
	const char *name;
	uint32_t id;
	struct lvmm_nl_vm *vm;
	int by_name, by_id;
};

static int match(const struct lvmm_nl_vm *vm, void *arg)
{
	struct lookup *l = arg;

	if (!strcmp(vm->name, l->name)) {
		if (!l->by_name++)
			*l->vm = *vm;
	} else if (l->id && vm->id == l->id && !l->by_name) {
		l->by_id++;
		*l->vm = *vm;
	}
	return 0;
}

int vmref_find(struct lvmm_nl *nl, const char *ref, struct lvmm_nl_vm *vm)
{
	struct lookup l = { .name = ref, .vm = vm };
	char *end;
	int ret;

	l.id = strtoul(ref, &end, 10);
	if (*end || !*ref)
		l.id = 0;
	ret = lvmm_nl_list_vms(nl, match, &l);
	if (ret < 0) {
		vmctl_err("cannot list VMs: %s", strerror(-ret));
		return -1;
	}
	if (l.by_name > 1) {
		vmctl_err("%d VMs are named '%s': give the id instead (see: vmctl list)",
			  l.by_name, ref);
		return -1;
	}
	if (!l.by_name && !l.by_id) {
		vmctl_err("no VM '%s' is running that you may see (see: vmctl list)", ref);
		return -1;
	}
	return 0;
}

struct by_pid {
	pid_t pid;
	struct lvmm_nl_vm *vm;
	int found;
};

static int match_pid(const struct lvmm_nl_vm *vm, void *arg)
{
	struct by_pid *b = arg;

	if (vm->owner_pid != (uint32_t)b->pid)
		return 0;
	*b->vm = *vm;
	b->found = 1;
	return 1;
}

int vmref_of_pid(struct lvmm_nl *nl, pid_t pid, struct lvmm_nl_vm *vm)
{
	struct by_pid b = { pid, vm, 0 };

	return lvmm_nl_list_vms(nl, match_pid, &b) >= 0 && b.found ? 0 : -1;
}

const char *vmref_label(const struct lvmm_nl_vm *vm, char *buf, size_t size)
{
	if (vm->name[0])
		snprintf(buf, size, "'%s'", vm->name);
	else
		snprintf(buf, size, "#%u", vm->id);
	return buf;
}

void vmref_err(struct lvmm_nl *nl, const struct lvmm_nl_vm *vm, const char *what, int err)
{
	char label[80];

	vmref_label(vm, label, sizeof(label));
	if (err == -EPERM)
		vmctl_err("cannot %s VM %s: it belongs to uid %u; only that user or root may",
			  what, label, vm->owner_uid);
	else if (err == -ENOENT)
		vmctl_err("cannot %s VM %s: it is gone", what, label);
	else
		vmctl_err("cannot %s VM %s: %s%s%s", what, label, strerror(-err),
			  lvmm_nl_error(nl)[0] ? ": " : "", lvmm_nl_error(nl));
}
