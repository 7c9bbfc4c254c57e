// SPDX-License-Identifier: GPL-2.0
/*
 * Every VM on the host, for management: ids, names, owners, state, and
 * pause/resume.  netlink.c reads it; vm.c adds and removes VMs.
 *
 * Pause lives here, in the kernel, rather than in the VMM or the cgroup
 * freezer: any VMM gets it without code of its own, a paused vCPU stays
 * out of guest mode with its interrupts pending in the kernel (a frozen
 * VMM thread could still be in guest mode until the freezer reaches it),
 * and the VMM's own threads (console, devices) keep running.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "lvmm.h"

DEFINE_MUTEX(lvmm_vms_lock);
LIST_HEAD(lvmm_vms);		/* by id, ascending: netlink dumps resume by id */
static u32 lvmm_next_id = 1;

/* The creator's cgroup v2 path, as /sys/fs/cgroup shows it. */
static char *lvmm_owner_cgroup(void)
{
	char *buf, *path = NULL;
	int len;

	if (!IS_ENABLED(CONFIG_CGROUPS))
		return NULL;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return NULL;
	rcu_read_lock();
	len = cgroup_path(task_dfl_cgroup(current), buf, PATH_MAX);
	rcu_read_unlock();
	if (len > 0 && len < PATH_MAX)
		path = kstrdup(buf, GFP_KERNEL);
	kfree(buf);
	return path;
}

void lvmm_vmlist_add(struct lvmm_vm *vm)
{
	vm->owner_pid = task_tgid_nr(current);
	vm->owner_uid = current_euid();
	vm->owner_cgroup = lvmm_owner_cgroup();
	vm->created_ns = ktime_get_real_ns();
	vm->state = LVMM_VM_CREATED;
	init_waitqueue_head(&vm->pause_wq);

	mutex_lock(&lvmm_vms_lock);
	/* Ids are not reused: 4 billion VMs before a module reload. */
	vm->id = lvmm_next_id++;
	list_add_tail(&vm->node, &lvmm_vms);
	__lvmm_vm_notify(vm, LVMM_EVENT_CREATED, -1);
	mutex_unlock(&lvmm_vms_lock);
}

void lvmm_vmlist_del(struct lvmm_vm *vm)
{
	mutex_lock(&lvmm_vms_lock);
	list_del(&vm->node);
	__lvmm_vm_notify(vm, LVMM_EVENT_DESTROYED, -1);
	mutex_unlock(&lvmm_vms_lock);
	kfree(vm->owner_cgroup);
}

/* With lvmm_vms_lock held; the VM stays valid until it is dropped. */
struct lvmm_vm *lvmm_vm_find(u32 id)
{
	struct lvmm_vm *vm;

	lockdep_assert_held(&lvmm_vms_lock);
	list_for_each_entry(vm, &lvmm_vms, node)
		if (vm->id == id)
			return vm;
	return NULL;
}

int lvmm_vm_set_name(struct lvmm_vm *vm, const struct lvmm_vm_name *n)
{
	size_t len = strnlen(n->name, sizeof(n->name)), i;

	if (len == 0 || len == sizeof(n->name))
		return -EINVAL;
	for (i = 0; i < sizeof(n->name); i++) {
		unsigned char c = n->name[i];

		if (i < len ? !(isalnum(c) || c == '.' || c == '_' || c == '-') : c)
			return -EINVAL;
	}
	mutex_lock(&lvmm_vms_lock);
	memcpy(vm->name, n->name, sizeof(vm->name));
	mutex_unlock(&lvmm_vms_lock);
	return 0;
}

enum lvmm_vm_state lvmm_vm_state(const struct lvmm_vm *vm)
{
	return READ_ONCE(vm->paused) ? LVMM_VM_PAUSED : READ_ONCE(vm->state);
}

/*
 * With lvmm_vms_lock held.  Pausing returns once no vCPU is in guest
 * mode: a vCPU checks the flag before every entry, with interrupts off
 * after announcing its mode (lvmm_enter_guest()), and those in the guest
 * now are pulled out by lvmm_vm_kick_all().
 */
int lvmm_vm_pause(struct lvmm_vm *vm, bool pause)
{
	lockdep_assert_held(&lvmm_vms_lock);
	if (READ_ONCE(vm->paused) == pause)
		return -EALREADY;
	WRITE_ONCE(vm->paused, pause);
	if (pause) {
		mutex_lock(&vm->lock);
		lvmm_vm_kick_all(vm);
		mutex_unlock(&vm->lock);
	} else {
		wake_up_all(&vm->pause_wq);
	}
	__lvmm_vm_notify(vm, pause ? LVMM_EVENT_PAUSED : LVMM_EVENT_RESUMED, -1);
	return 0;
}

void __lvmm_vm_notify(struct lvmm_vm *vm, enum lvmm_event event, int vcpu_id)
{
	lockdep_assert_held(&lvmm_vms_lock);
	lvmm_nl_event(vm, event, vcpu_id);
}

void lvmm_vm_notify(struct lvmm_vm *vm, enum lvmm_event event, int vcpu_id)
{
	mutex_lock(&lvmm_vms_lock);
	__lvmm_vm_notify(vm, event, vcpu_id);
	mutex_unlock(&lvmm_vms_lock);
}
