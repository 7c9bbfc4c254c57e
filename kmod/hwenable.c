// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware virtualization is enabled on every online CPU only while
 * at least one VM exists, so that another hypervisor (kvm_amd, kvm_intel)
 * can use it when lvmm is idle.  CPUs that come online meanwhile are
 * enabled by the hotplug callback.
 *
 * Lock order: cpus_read_lock -> lvmm_hw_lock (the hotplug callbacks run
 * with the hotplug lock held and take lvmm_hw_lock).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include "lvmm.h"

static DEFINE_MUTEX(lvmm_hw_lock);
static unsigned int lvmm_hw_users;
static DEFINE_PER_CPU(bool, lvmm_hw_enabled);
static atomic_t lvmm_hw_failures;
static enum cpuhp_state lvmm_hp_state;

static void enable_this_cpu(void *unused)
{
	if (this_cpu_read(lvmm_hw_enabled))
		return;
	if (lvmm_ops->cpu_enable()) {
		atomic_inc(&lvmm_hw_failures);
		return;
	}
	this_cpu_write(lvmm_hw_enabled, true);
}

static void disable_this_cpu(void *unused)
{
	if (!this_cpu_read(lvmm_hw_enabled))
		return;
	lvmm_ops->cpu_disable();
	this_cpu_write(lvmm_hw_enabled, false);
}

int lvmm_hw_get(void)
{
	int ret = 0;

	cpus_read_lock();
	mutex_lock(&lvmm_hw_lock);
	if (lvmm_hw_users == 0) {
		atomic_set(&lvmm_hw_failures, 0);
		on_each_cpu(enable_this_cpu, NULL, 1);
		if (atomic_read(&lvmm_hw_failures)) {
			on_each_cpu(disable_this_cpu, NULL, 1);
			pr_warn_ratelimited("lvmm: %s is in use by another hypervisor (kvm?); unload it or stop its VMs first\n",
					    lvmm_ops->name);
			ret = -EBUSY;
		}
	}
	if (!ret)
		lvmm_hw_users++;
	mutex_unlock(&lvmm_hw_lock);
	cpus_read_unlock();
	return ret;
}

void lvmm_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&lvmm_hw_lock);
	if (!WARN_ON(lvmm_hw_users == 0) && --lvmm_hw_users == 0)
		on_each_cpu(disable_this_cpu, NULL, 1);
	mutex_unlock(&lvmm_hw_lock);
	cpus_read_unlock();
}

static int lvmm_cpu_online(unsigned int cpu)
{
	int ret = 0;

	mutex_lock(&lvmm_hw_lock);
	if (lvmm_hw_users) {
		atomic_set(&lvmm_hw_failures, 0);
		local_irq_disable();
		enable_this_cpu(NULL);
		local_irq_enable();
		if (atomic_read(&lvmm_hw_failures))
			ret = -EBUSY;
	}
	mutex_unlock(&lvmm_hw_lock);
	return ret;
}

static int lvmm_cpu_offline(unsigned int cpu)
{
	mutex_lock(&lvmm_hw_lock);
	local_irq_disable();
	disable_this_cpu(NULL);
	local_irq_enable();
	mutex_unlock(&lvmm_hw_lock);
	return 0;
}

int lvmm_hw_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "lvmm:online",
					lvmm_cpu_online, lvmm_cpu_offline);
	if (ret < 0)
		return ret;
	lvmm_hp_state = ret;
	return 0;
}

void lvmm_hw_exit(void)
{
	cpuhp_remove_state_nocalls(lvmm_hp_state);
}
