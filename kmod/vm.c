// SPDX-License-Identifier: GPL-2.0
/*
 * VM file descriptors: memory slots, vCPU creation and the VM's name.  A VM lives as long
 * as its fd or any of its vCPU fds is open.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>

#include "lvmm.h"
#include "lapic.h"

static void lvmm_vm_free(struct lvmm_vm *vm)
{
	unsigned int i;

	lvmm_vmlist_del(vm);
	for (i = 0; i < LVMM_MAX_MEM_SLOTS; i++) {
		struct lvmm_memslot *s = &vm->slots.slot[i];

		if (s->used)
			lvmm_mmu_unmap_range(vm, s->gpa, s->size);
	}
	lvmm_mmu_destroy(&vm->mmu);
	mmdrop(vm->mm);
	kfree(vm);
	lvmm_hw_put();
}

void lvmm_vm_put(struct lvmm_vm *vm)
{
	if (refcount_dec_and_test(&vm->users))
		lvmm_vm_free(vm);
}

static void lvmm_kick_ipi(void *unused)
{
	/* The interrupt itself forces the vCPU out of guest mode. */
}

/*
 * Make sure no vCPU keeps running on translations older than vm->tlb_gen:
 * a vCPU entering after this sees the new generation and flushes; one in
 * guest mode now is interrupted, and smp_call_function_single() waits
 * until it has left.
 */
void lvmm_vm_kick_all(struct lvmm_vm *vm)
{
	unsigned int i;

	/* Pairs with lvmm_enter_guest(): the new tlb_gen before each mode. */
	smp_mb();
	for (i = 0; i < LVMM_MAX_VCPUS; i++) {
		struct lvmm_vcpu *vcpu = vm->vcpus[i];

		if (vcpu && READ_ONCE(vcpu->mode) == LVMM_IN_GUEST)
			smp_call_function_single(READ_ONCE(vcpu->cpu), lvmm_kick_ipi, NULL, 1);
	}
}

static int lvmm_set_memory_region(struct lvmm_vm *vm, void __user *argp)
{
	struct lvmm_memory_region r;
	struct lvmm_memslot *s;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;

	mutex_lock(&vm->lock);
	ret = lvmm_slots_check(&vm->slots, &r, TASK_SIZE);
	if (ret)
		goto out;
	s = &vm->slots.slot[r.slot];
	if (r.memory_size == 0) {
		/* Unmap first: vCPUs must not keep using the pages. */
		lvmm_mmu_unmap_range(vm, s->gpa, s->size);
		s->used = false;
		goto out;
	}
	s->flags = r.flags;
	s->gpa = r.guest_phys_addr;
	s->size = r.memory_size;
	s->hva = r.userspace_addr;
	s->used = true;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static int lvmm_create_irqchip(struct lvmm_vm *vm)
{
	int ret = 0;

	mutex_lock(&vm->lock);
	if (vm->irqchip)
		ret = -EEXIST;
	else if (vm->vcpus_created)
		ret = -EBUSY;	/* vCPUs made without an APIC cannot get one */
	else
		vm->irqchip = true;
	mutex_unlock(&vm->lock);
	return ret;
}

static int lvmm_signal_msi(struct lvmm_vm *vm, void __user *argp)
{
	struct lvmm_msi msi;
	bool logical;
	u32 dest;
	u8 vector;
	int i;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	if (!READ_ONCE(vm->irqchip))
		return -ENXIO;
	for (i = 0; i < ARRAY_SIZE(msi.reserved); i++)
		if (msi.reserved[i])
			return -EINVAL;
	if (msi.flags || lvmm_msi_decode(msi.address_lo, msi.address_hi, msi.data,
					 &dest, &logical, &vector))
		return -EINVAL;
	return lvmm_apic_deliver(vm, dest, logical, vector,
				 (msi.data & APIC_DM_FIXED_MASK) == APIC_DM_LOWEST);
}

static int lvmm_set_vm_name_ioctl(struct lvmm_vm *vm, void __user *argp)
{
	struct lvmm_vm_name n;

	if (copy_from_user(&n, argp, sizeof(n)))
		return -EFAULT;
	return lvmm_vm_set_name(vm, &n);
}

static long lvmm_vm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct lvmm_vm *vm = filp->private_data;

	/* Guest memory is the creator's; another process may not drive it. */
	if (vm->mm != current->mm)
		return -EIO;

	switch (cmd) {
	case LVMM_SET_MEMORY_REGION:
		return lvmm_set_memory_region(vm, (void __user *)arg);
	case LVMM_CREATE_VCPU:
		return lvmm_create_vcpu(vm, arg);
	case LVMM_CREATE_IRQCHIP:
		return arg ? -EINVAL : lvmm_create_irqchip(vm);
	case LVMM_SIGNAL_MSI:
		return lvmm_signal_msi(vm, (void __user *)arg);
	case LVMM_SET_VM_NAME:
		return lvmm_set_vm_name_ioctl(vm, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int lvmm_vm_release(struct inode *inode, struct file *filp)
{
	lvmm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations lvmm_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lvmm_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = lvmm_vm_release,
	.llseek = noop_llseek,
};

int lvmm_create_vm(void)
{
	struct lvmm_vm *vm;
	int ret, fd;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->users, 1);
	mutex_init(&vm->lock);
	ret = lvmm_mmu_init(&vm->mmu, lvmm_ops->pte_format, lvmm_ops->tdp_levels());
	if (ret)
		goto err_free;
	ret = lvmm_hw_get();
	if (ret)
		goto err_mmu;
	vm->mm = current->mm;
	mmgrab(vm->mm);
	lvmm_vmlist_add(vm);

	fd = anon_inode_getfd("lvmm-vm", &lvmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		lvmm_vm_put(vm);
	return fd;

err_mmu:
	lvmm_mmu_destroy(&vm->mmu);
err_free:
	kfree(vm);
	return ret;
}
