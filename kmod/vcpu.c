// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors: the run loop, register state, CPUID, interrupt
 * injection and the mmap'ed run page.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "lvmm.h"
#include "compat.h"
#include "cpuid.h"
#include "lapic.h"
#include "sregs.h"

/* RFLAGS bits a guest may hold; bit 1 always reads as one. */
#define RFLAGS_VALID	0x3f7fd7UL

static void lvmm_enter_guest(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	bool flush;
	u64 gen, t;
	int cpu;

	local_irq_disable();
	cpu = smp_processor_id();
	WRITE_ONCE(vcpu->cpu, cpu);
	WRITE_ONCE(vcpu->mode, LVMM_IN_GUEST);
	/* Pairs with lvmm_vm_kick_all() and lvmm_vcpu_kick(): see it or get kicked. */
	smp_mb();
	if (READ_ONCE(vcpu->event) || READ_ONCE(vcpu->vm->paused)) {
		/* An interrupt or a pause since the last look: go round again. */
		WRITE_ONCE(vcpu->mode, LVMM_OUTSIDE_GUEST);
		local_irq_enable();
		exit->kind = LVMM_X_NONE;
		exit->entered = false;
		return;
	}
	gen = READ_ONCE(vcpu->vm->tlb_gen);
	flush = cpu != vcpu->last_cpu || gen != vcpu->tlb_gen;

	lvmm_fpu_enter(&vcpu->guest_fpu);
	t = local_clock();
	lvmm_ops->vcpu_run(vcpu, flush, exit);
	WRITE_ONCE(vcpu->guest_ns, vcpu->guest_ns + local_clock() - t);
	lvmm_fpu_exit(&vcpu->guest_fpu);
	exit->entered = true;
	lvmm_stat_inc(vcpu, LVMM_STAT_EXITS);

	vcpu->last_cpu = cpu;
	vcpu->tlb_gen = gen;
	WRITE_ONCE(vcpu->mode, LVMM_OUTSIDE_GUEST);
	local_irq_enable();
}

void lvmm_vcpu_kick(struct lvmm_vcpu *vcpu)
{
	int cpu;

	WRITE_ONCE(vcpu->event, 1);
	/* The event before the mode: pairs with lvmm_enter_guest(). */
	smp_mb();
	wake_up_interruptible(&vcpu->wq);
	if (READ_ONCE(vcpu->mode) == LVMM_IN_GUEST) {
		cpu = READ_ONCE(vcpu->cpu);
		/* A host interrupt is enough to make the guest exit. */
		if (cpu != raw_smp_processor_id())
			smp_send_reschedule(cpu);
	}
}

/*
 * Two MSRs that Linux reads without a #GP fixup on Intel CPUs (head_64.S's
 * verify_cpu and early_init_intel): IA32_MISC_ENABLE, where only fast
 * strings may be toggled, and the microcode revision, whose writes (the
 * "clear, CPUID, read" dance) are ignored. Same values on both vendors.
 */
#define MISC_ENABLE_RESET	(MSR_IA32_MISC_ENABLE_FAST_STRING | \
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)
#define UCODE_REVISION		(1ULL << 32)

static int core_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_MISC_ENABLE:
		*data = vcpu->misc_enable;
		return 0;
	case MSR_IA32_UCODE_REV:
		*data = UCODE_REVISION;
		return 0;
	}
	return -ENOENT;
}

static int core_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	switch (index) {
	case MSR_IA32_MISC_ENABLE:
		if ((data ^ vcpu->misc_enable) & ~(u64)MSR_IA32_MISC_ENABLE_FAST_STRING)
			return -EINVAL;
		vcpu->misc_enable = data;
		return 0;
	case MSR_IA32_UCODE_REV:
		return 0;
	}
	return -ENOENT;
}

int lvmm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	int ret = core_get_msr(vcpu, index, data);

	if (ret == -ENOENT)
		ret = lvmm_lapic_get_msr(vcpu, index, data);
	return ret == -ENOENT ? lvmm_ops->get_msr(vcpu, index, data) : ret;
}

int lvmm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	int ret = core_set_msr(vcpu, index, data);

	if (ret == -ENOENT)
		ret = lvmm_lapic_set_msr(vcpu, index, data);
	return ret == -ENOENT ? lvmm_ops->set_msr(vcpu, index, data) : ret;
}

/* The local APIC's highest deliverable vector, injected or waited for. */
static bool lvmm_inject_apic(struct lvmm_vcpu *vcpu)
{
	int v;

	WRITE_ONCE(vcpu->event, 0);
	/* Clear, then look: a kick after this is seen in lvmm_enter_guest(). */
	smp_mb();
	v = lvmm_lapic_pending_vector(vcpu);
	if (v < 0)
		return false;
	if (!lvmm_ops->interrupt_allowed(vcpu)) {
		lvmm_ops->set_irq_window(vcpu, true);
		return false;
	}
	lvmm_lapic_accept(vcpu, v);
	lvmm_ops->inject_irq(vcpu, v);
	lvmm_stat_inc(vcpu, LVMM_STAT_IRQ_INJECTED);
	return true;
}

/* An NMI from the local APIC, before any interrupt: true if injected. */
static bool lvmm_inject_nmi(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;

	if (!READ_ONCE(a->nmi_pending))
		return false;
	if (!lvmm_ops->nmi_allowed(vcpu)) {
		lvmm_ops->request_nmi_window(vcpu);
		return false;
	}
	WRITE_ONCE(a->nmi_pending, false);
	lvmm_ops->inject_nmi(vcpu);
	lvmm_stat_inc(vcpu, LVMM_STAT_NMI_INJECTED);
	return true;
}

/* Inject a queued interrupt, or ask for an exit once the guest can take one. */
static bool lvmm_prepare_interrupts(struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *run = vcpu->run;

	if (vcpu->lapic && lvmm_inject_nmi(vcpu))
		return true;
	if (vcpu->lapic && lvmm_inject_apic(vcpu))
		return true;
	if (vcpu->irq_pending) {
		if (lvmm_ops->interrupt_allowed(vcpu)) {
			lvmm_ops->inject_irq(vcpu, vcpu->irq_vector);
			lvmm_stat_inc(vcpu, LVMM_STAT_IRQ_INJECTED);
			vcpu->irq_pending = false;
		} else {
			lvmm_ops->set_irq_window(vcpu, true);
		}
	} else if (run->request_interrupt_window) {
		if (lvmm_ops->interrupt_allowed(vcpu)) {
			run->exit_reason = LVMM_EXIT_IRQ_WINDOW_OPEN;
			return false;
		}
		lvmm_ops->set_irq_window(vcpu, true);
	}
	return true;
}

/* A paused VM's vCPUs wait here, outside the guest, until resumed or a signal. */
static void lvmm_wait_resume(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vm *vm = vcpu->vm;
	u64 t = local_clock();

	wait_event_interruptible(vm->pause_wq, !READ_ONCE(vm->paused));
	lvmm_sleep_end(vcpu, t);
}

static int lvmm_vcpu_run_loop(struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *run = vcpu->run;
	struct lvmm_exit exit;
	int ret;

	ret = lvmm_complete_pending(vcpu);
	if (ret)
		return ret;
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = LVMM_EXIT_INTR;
		return -EINTR;
	}

	lvmm_fpu_load(&vcpu->guest_fpu);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = LVMM_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		cond_resched();
		if (READ_ONCE(vcpu->vm->paused)) {
			lvmm_wait_resume(vcpu);
			continue;
		}
		if (vcpu->lapic) {
			ret = lvmm_lapic_service(vcpu);
			if (ret) {
				run->exit_reason = LVMM_EXIT_INTR;
				break;
			}
		}
		if (!lvmm_prepare_interrupts(vcpu)) {
			ret = 0;
			break;
		}
		lvmm_enter_guest(vcpu, &exit);
		ret = lvmm_handle_exit(vcpu, &exit);
		if (ret <= 0)
			break;
	}
	lvmm_fpu_put(&vcpu->guest_fpu);

	lvmm_stat_inc(vcpu, LVMM_STAT_USER_EXITS);
	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = !vcpu->irq_pending &&
					     lvmm_ops->interrupt_allowed(vcpu);
	return ret;
}

/* One LVMM_RUN, with its time split into guest, lvmm and sleeping. */
static int lvmm_vcpu_run(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vm *vm = vcpu->vm;
	u64 start = local_clock();
	u64 guest = vcpu->guest_ns, sleep = vcpu->sleep_ns;
	int ret;

	if (READ_ONCE(vm->state) != LVMM_VM_RUNNING)
		WRITE_ONCE(vm->state, LVMM_VM_RUNNING);
	vcpu->exit_event = -1;
	ret = lvmm_vcpu_run_loop(vcpu);
	/* Set by exit.c, not read from the run page userspace can write. */
	if (vcpu->exit_event == LVMM_EVENT_SHUTDOWN)
		WRITE_ONCE(vm->state, LVMM_VM_SHUTDOWN);
	if (vcpu->exit_event >= 0)
		lvmm_vm_notify(vm, vcpu->exit_event, vcpu->id);
	WRITE_ONCE(vcpu->lvmm_ns, vcpu->lvmm_ns + local_clock() - start -
		   (vcpu->guest_ns - guest) - (vcpu->sleep_ns - sleep));
	return ret;
}

/* The architectural reset state (as after INIT): registers here, the rest in the backend. */
void lvmm_vcpu_reset(struct lvmm_vcpu *vcpu)
{
	lvmm_ops->vcpu_reset(vcpu);
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->pending = LVMM_PENDING_NONE;
	vcpu->irq_pending = false;
	vcpu->misc_enable = MISC_ENABLE_RESET;
	/* Fresh hardware state may meet stale TLB entries (recycled ASID or EPT root). */
	vcpu->last_cpu = -1;
}

static int lvmm_get_vcpu_stats(struct lvmm_vcpu *vcpu, void __user *argp)
{
	struct lvmm_vcpu_stats st = { .count = LVMM_STAT_NR };
	int i;

	for (i = 0; i < LVMM_STAT_NR; i++)
		st.value[i] = READ_ONCE(vcpu->stats[i]);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static int lvmm_get_regs(struct lvmm_vcpu *vcpu, void __user *argp)
{
	const unsigned long *r = vcpu->regs;
	struct lvmm_regs regs = {
		.rax = r[LVMM_RAX], .rbx = r[LVMM_RBX], .rcx = r[LVMM_RCX],
		.rdx = r[LVMM_RDX], .rsi = r[LVMM_RSI], .rdi = r[LVMM_RDI],
		.rsp = r[LVMM_RSP], .rbp = r[LVMM_RBP],
		.r8 = r[LVMM_R8], .r9 = r[LVMM_R9], .r10 = r[LVMM_R10],
		.r11 = r[LVMM_R11], .r12 = r[LVMM_R12], .r13 = r[LVMM_R13],
		.r14 = r[LVMM_R14], .r15 = r[LVMM_R15],
		.rip = vcpu->rip, .rflags = vcpu->rflags,
	};

	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static int lvmm_set_regs(struct lvmm_vcpu *vcpu, void __user *argp)
{
	unsigned long *r = vcpu->regs;
	struct lvmm_regs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if (regs.rflags & ~RFLAGS_VALID)
		return -EINVAL;
	r[LVMM_RAX] = regs.rax; r[LVMM_RBX] = regs.rbx; r[LVMM_RCX] = regs.rcx;
	r[LVMM_RDX] = regs.rdx; r[LVMM_RSI] = regs.rsi; r[LVMM_RDI] = regs.rdi;
	r[LVMM_RSP] = regs.rsp; r[LVMM_RBP] = regs.rbp;
	r[LVMM_R8] = regs.r8; r[LVMM_R9] = regs.r9; r[LVMM_R10] = regs.r10;
	r[LVMM_R11] = regs.r11; r[LVMM_R12] = regs.r12; r[LVMM_R13] = regs.r13;
	r[LVMM_R14] = regs.r14; r[LVMM_R15] = regs.r15;
	vcpu->rip = regs.rip;
	vcpu->rflags = regs.rflags | X86_EFLAGS_FIXED;
	return 0;
}

static int lvmm_get_sregs(struct lvmm_vcpu *vcpu, void __user *argp)
{
	struct lvmm_sregs s;

	memset(&s, 0, sizeof(s));
	lvmm_ops->get_sregs(vcpu, &s);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static int lvmm_set_sregs(struct lvmm_vcpu *vcpu, void __user *argp)
{
	struct lvmm_sregs s;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	ret = lvmm_sregs_check(&s);
	if (ret)
		return ret;
	lvmm_ops->set_sregs(vcpu, &s);
	return 0;
}

/* GET_MSRS / SET_MSRS: returns the number of entries processed. */
static int lvmm_msrs(struct lvmm_vcpu *vcpu, void __user *argp, bool set)
{
	struct lvmm_msrs __user *user = argp;
	struct lvmm_msr_entry e;
	struct lvmm_msrs hdr;
	u32 i;

	if (copy_from_user(&hdr, user, sizeof(hdr)))
		return -EFAULT;
	if (hdr.pad)
		return -EINVAL;
	if (hdr.nmsrs > LVMM_MAX_MSR_ENTRIES)
		return -E2BIG;
	for (i = 0; i < hdr.nmsrs; i++) {
		if (copy_from_user(&e, &user->entries[i], sizeof(e)))
			return -EFAULT;
		if (e.reserved)
			return -EINVAL;
		if (set) {
			if (lvmm_set_msr(vcpu, e.index, e.data))
				break;
			continue;
		}
		if (lvmm_get_msr(vcpu, e.index, &e.data))
			break;
		if (copy_to_user(&user->entries[i].data, &e.data, sizeof(e.data)))
			return -EFAULT;
	}
	return i;
}

static int lvmm_set_cpuid(struct lvmm_vcpu *vcpu, void __user *argp)
{
	struct lvmm_cpuid __user *user = argp;
	struct lvmm_cpuid_entry *e;
	struct lvmm_cpuid hdr;
	int ret;

	if (copy_from_user(&hdr, user, sizeof(hdr)))
		return -EFAULT;
	if (hdr.pad)
		return -EINVAL;
	if (hdr.nent > LVMM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	e = memdup_user(user->entries, array_size(hdr.nent, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	ret = lvmm_cpuid_check(e, hdr.nent);
	if (ret) {
		kfree(e);
		return ret;
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = e;
	vcpu->cpuid_nent = hdr.nent;
	return 0;
}

static int lvmm_queue_interrupt(struct lvmm_vcpu *vcpu, void __user *argp)
{
	struct lvmm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	/* Vectors 0-31 are exceptions, not interrupts. */
	if (irq.reserved || irq.vector < 32 || irq.vector > 255)
		return -EINVAL;
	if (vcpu->irq_pending)
		return -EBUSY;
	vcpu->irq_vector = irq.vector;
	vcpu->irq_pending = true;
	return 0;
}

static long lvmm_vcpu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct lvmm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	/* Without the mutex: readable while another thread is in RUN. */
	if (cmd == LVMM_GET_VCPU_STATS)
		return lvmm_get_vcpu_stats(vcpu, argp);
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	if (lvmm_ops->vcpu_load)
		lvmm_ops->vcpu_load(vcpu);

	switch (cmd) {
	case LVMM_RUN:
		lvmm_vcpu_set_pid(vcpu);
		ret = arg ? -EINVAL : lvmm_vcpu_run(vcpu);
		break;
	case LVMM_GET_REGS:
		ret = lvmm_get_regs(vcpu, argp);
		break;
	case LVMM_SET_REGS:
		ret = lvmm_set_regs(vcpu, argp);
		break;
	case LVMM_GET_SREGS:
		ret = lvmm_get_sregs(vcpu, argp);
		break;
	case LVMM_SET_SREGS:
		ret = lvmm_set_sregs(vcpu, argp);
		break;
	case LVMM_GET_MSRS:
		ret = lvmm_msrs(vcpu, argp, false);
		break;
	case LVMM_SET_MSRS:
		ret = lvmm_msrs(vcpu, argp, true);
		break;
	case LVMM_SET_CPUID:
		ret = lvmm_set_cpuid(vcpu, argp);
		break;
	case LVMM_INTERRUPT:
		ret = lvmm_queue_interrupt(vcpu, argp);
		break;
	default:
		ret = -ENOTTY;
	}
	if (lvmm_ops->vcpu_put)
		lvmm_ops->vcpu_put(vcpu);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static vm_fault_t lvmm_run_fault(struct vm_fault *vmf)
{
	struct lvmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lvmm_run_vm_ops = {
	.fault = lvmm_run_fault,
};

static int lvmm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &lvmm_run_vm_ops;
	return 0;
}

static void lvmm_vcpu_free(struct lvmm_vcpu *vcpu)
{
	lvmm_lapic_free(vcpu);
	put_pid(vcpu->pid);
	lvmm_ops->vcpu_free(vcpu);
	lvmm_fpu_free(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu->cpuid);
	kfree(vcpu);
}

static int lvmm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct lvmm_vcpu *vcpu = filp->private_data;
	struct lvmm_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	mutex_unlock(&vm->lock);
	lvmm_vcpu_free(vcpu);
	lvmm_vm_put(vm);
	return 0;
}

static const struct file_operations lvmm_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lvmm_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = lvmm_vcpu_mmap,
	.release = lvmm_vcpu_release,
	.llseek = noop_llseek,
};

int lvmm_create_vcpu(struct lvmm_vm *vm, unsigned long id)
{
	struct lvmm_vcpu *vcpu;
	bool irqchip;
	int ret;

	if (id >= LVMM_MAX_VCPUS)
		return -EINVAL;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->last_cpu = -1;
	mutex_init(&vcpu->mutex);
	init_waitqueue_head(&vcpu->wq);
	/* From now on LVMM_CREATE_IRQCHIP is too late. */
	mutex_lock(&vm->lock);
	vm->vcpus_created = true;
	irqchip = vm->irqchip;
	mutex_unlock(&vm->lock);
	vcpu->run = (struct lvmm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = lvmm_fpu_alloc(&vcpu->guest_fpu);
	if (ret)
		goto err_run;
	ret = lvmm_ops->vcpu_create(vcpu);
	if (ret)
		goto err_fpu;
	lvmm_vcpu_reset(vcpu);
	if (irqchip) {
		ret = lvmm_lapic_create(vcpu);
		if (ret) {
			lvmm_vcpu_free(vcpu);
			return ret;
		}
	}

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		mutex_unlock(&vm->lock);
		lvmm_vcpu_free(vcpu);
		return -EEXIST;
	}
	vm->vcpus[id] = vcpu;
	refcount_inc(&vm->users);
	/* From here userspace may close the fd: touch nothing after success. */
	ret = anon_inode_getfd("lvmm-vcpu", &lvmm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		vm->vcpus[id] = NULL;
		refcount_dec(&vm->users);
		mutex_unlock(&vm->lock);
		lvmm_vcpu_free(vcpu);
		return ret;
	}
	mutex_unlock(&vm->lock);
	return ret;

err_fpu:
	lvmm_fpu_free(&vcpu->guest_fpu);
err_run:
	free_page((unsigned long)vcpu->run);
err_free:
	kfree(vcpu);
	return ret;
}
