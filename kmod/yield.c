// SPDX-License-Identifier: GPL-2.0
/*
 * Directed yield: a vCPU that spins in a PAUSE loop most likely waits for
 * a lock held by a sibling whose thread the host preempted.  Spinning on
 * until the host's tick only burns the time the holder needs to release
 * it, so the spinner gives its CPU to a sibling that is runnable but not
 * running (the idea of KVM's kvm_vcpu_on_spin()).
 */
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>

#include "lvmm.h"

/* Called by LVMM_RUN: remember which thread runs this vCPU. */
void lvmm_vcpu_set_pid(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vm *vm = vcpu->vm;
	struct pid *old;

	if (likely(vcpu->pid == task_pid(current)))
		return;
	mutex_lock(&vm->lock);
	old = vcpu->pid;
	vcpu->pid = get_pid(task_pid(current));
	mutex_unlock(&vm->lock);
	put_pid(old);
}

/*
 * The thread of the first sibling from *pos on (in round-robin order after
 * @me) that is not in the guest, with a reference; *pos moves past it.
 */
static struct task_struct *next_sibling_task(struct lvmm_vcpu *me, unsigned int *pos)
{
	struct lvmm_vm *vm = me->vm;
	struct task_struct *task = NULL;

	mutex_lock(&vm->lock);
	for (; !task && *pos < LVMM_MAX_VCPUS; (*pos)++) {
		struct lvmm_vcpu *v = vm->vcpus[(me->id + *pos) % LVMM_MAX_VCPUS];

		/* A sibling in the guest runs: it cannot be the holder we wait for. */
		if (v && v != me && v->pid && READ_ONCE(v->mode) != LVMM_IN_GUEST)
			task = get_pid_task(v->pid, PIDTYPE_PID);
	}
	mutex_unlock(&vm->lock);
	return task;
}

void lvmm_vcpu_on_spin(struct lvmm_vcpu *me)
{
	struct task_struct *task;
	unsigned int pos = 1;	/* round robin from the next vCPU: none is favoured */

	while ((task = next_sibling_task(me, &pos))) {
		/* > 0: done; 0: running or asleep (halted); < 0: nobody else to run. */
		int yielded = task != current ? yield_to(task, true) : 0;

		put_task_struct(task);
		if (yielded > 0)
			lvmm_stat_inc(me, LVMM_STAT_DIRECTED_YIELDS);
		if (yielded)
			return;
	}
}
