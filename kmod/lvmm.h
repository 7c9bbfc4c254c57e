/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvmm core: the vendor-neutral view of VMs and vCPUs, and the ops table a
 * hardware backend (svm.c, vmx.c) implements.
 */
#ifndef LVMM_CORE_H
#define LVMM_CORE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/uidgid.h>
#include <linux/refcount.h>
#include <linux/sched/clock.h>
#include <linux/wait.h>
#include <linux/lvmm.h>

#include "fpu.h"
#include "memslot.h"
#include "mmu.h"

/* Index of each general register in lvmm_vcpu.regs: the x86 encoding order. */
enum lvmm_reg {
	LVMM_RAX, LVMM_RCX, LVMM_RDX, LVMM_RBX,
	LVMM_RSP, LVMM_RBP, LVMM_RSI, LVMM_RDI,
	LVMM_R8, LVMM_R9, LVMM_R10, LVMM_R11,
	LVMM_R12, LVMM_R13, LVMM_R14, LVMM_R15,
	LVMM_NR_REGS
};

/* What a backend found when the guest exited, in vendor-neutral terms. */
enum lvmm_exit_kind {
	LVMM_X_NONE,		/* nothing to do (host interrupt): re-enter */
	LVMM_X_IO,
	LVMM_X_NPF,		/* second-level page fault */
	LVMM_X_NOP,		/* skip the instruction (INVD) */
	LVMM_X_HLT,
	LVMM_X_PAUSE,		/* a spinning PAUSE loop */
	LVMM_X_CPUID,
	LVMM_X_RDMSR,
	LVMM_X_WRMSR,
	LVMM_X_HYPERCALL,
	LVMM_X_SHUTDOWN,
	LVMM_X_FAIL_ENTRY,
	LVMM_X_IRQ_WINDOW,
	LVMM_X_NMI_WINDOW,	/* NMIs may be unblocked (VMX window, SVM IRET) */
	LVMM_X_EXCEPTION,	/* intercepted exception to reflect back */
	LVMM_X_UD,		/* instruction the guest may not use: inject #UD */
	LVMM_X_BACKEND,		/* vendor-specific: ops->handle_exit finishes it */
	LVMM_X_UNHANDLED,
	LVMM_X_HOST_STATE,	/* SVM came back with the host's state as the guest's */
};

struct lvmm_exit {
	enum lvmm_exit_kind kind;
	u64 code, info1, info2;	/* the raw hardware exit, for reports */
	u64 next_rip;		/* 0 when the hardware did not say... */
	u8 insn_len;		/* ...then RIP advances by this */
	bool in_delivery;	/* the exit interrupted an event's delivery */
	bool entered;		/* the guest ran (not a re-check before entry) */
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2, 4 */
			u8 addr_size;	/* 2, 4, 8 (string I/O) */
			bool in, string, rep;
		} io;
		struct {
			u64 gpa;
			bool write, present, in_walk;
		} npf;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
		} exc;
	};
};

/* Work a RUN must finish with userspace's data before entering the guest. */
enum lvmm_pending {
	LVMM_PENDING_NONE,
	LVMM_PENDING_IO_IN,
	LVMM_PENDING_MMIO_READ,
	LVMM_PENDING_HYPERCALL,
};

struct lvmm_vm;
struct lvmm_vcpu;

struct lvmm_arch_ops {
	const char *name;
	const struct lvmm_pte_format *pte_format;
	/* Levels of the second-level page table (4, or 5 for NPT under LA57). */
	int (*tdp_levels)(void);
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	int (*cpu_enable)(void);		/* on this CPU, irqs off */
	void (*cpu_disable)(void);
	int (*vcpu_create)(struct lvmm_vcpu *vcpu);
	void (*vcpu_free)(struct lvmm_vcpu *vcpu);
	/* Hardware state after INIT; the core resets the GPRs, RIP and RFLAGS. */
	void (*vcpu_reset)(struct lvmm_vcpu *vcpu);
	/*
	 * Optional: around every vCPU ioctl, in the calling task, so that a
	 * backend can keep per-CPU hardware state (the current VMCS) loaded
	 * while the task runs and hand it over when it is scheduled out.
	 */
	void (*vcpu_load)(struct lvmm_vcpu *vcpu);
	void (*vcpu_put)(struct lvmm_vcpu *vcpu);
	/* One guest entry; called with preemption disabled. */
	void (*vcpu_run)(struct lvmm_vcpu *vcpu, bool flush_tlb, struct lvmm_exit *exit);
	void (*get_sregs)(struct lvmm_vcpu *vcpu, struct lvmm_sregs *sregs);
	void (*set_sregs)(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *sregs);
	int (*get_msr)(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct lvmm_vcpu *vcpu, u32 index, u64 data);
	bool (*interrupt_allowed)(struct lvmm_vcpu *vcpu);
	void (*inject_irq)(struct lvmm_vcpu *vcpu, u8 vector);
	void (*inject_exception)(struct lvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error);
	void (*set_irq_window)(struct lvmm_vcpu *vcpu, bool enable);
	/* The CPU exits on spinning PAUSE loops (PLE, pause filter). */
	bool (*has_pause_exits)(void);
	/* NMIs for the guest: false if the CPU cannot track their blocking. */
	bool (*has_nmi)(void);
	bool (*nmi_allowed)(struct lvmm_vcpu *vcpu);
	void (*inject_nmi)(struct lvmm_vcpu *vcpu);
	/* Exit when NMIs may be unblocked; then nmi_window_exit() on that exit. */
	void (*request_nmi_window)(struct lvmm_vcpu *vcpu);
	void (*nmi_window_exit)(struct lvmm_vcpu *vcpu);
	/* LVMM_X_BACKEND exits, with interrupts on: 1 re-enters, 0 returns. */
	int (*handle_exit)(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
};

extern const struct lvmm_arch_ops *lvmm_ops;

struct lvmm_vm {
	refcount_t users;		/* the VM fd and one per vCPU */
	struct mm_struct *mm;		/* the creator's: guest memory lives there */
	struct mutex lock;		/* slots, mmu, vcpus[] */
	struct lvmm_slots slots;
	struct lvmm_mmu mmu;
	u64 tlb_gen;			/* bumped when mappings are removed */
	struct lvmm_vcpu *vcpus[LVMM_MAX_VCPUS];
	bool irqchip;			/* vCPUs get an in-kernel local APIC */
	bool vcpus_created;		/* ...only if set before the first vCPU */

	/* vmlist.c: what netlink reports; the list and name under lvmm_vms_lock */
	struct list_head node;
	u32 id;
	char name[LVMM_VM_NAME_LEN];
	pid_t owner_pid;
	kuid_t owner_uid;
	char *owner_cgroup;		/* NULL if unknown */
	u64 created_ns;
	int state;			/* enum lvmm_vm_state, never PAUSED */
	bool paused;			/* no vCPU enters the guest */
	wait_queue_head_t pause_wq;	/* where vCPUs wait for resume */
};

enum lvmm_vcpu_mode { LVMM_OUTSIDE_GUEST, LVMM_IN_GUEST };

struct lvmm_vcpu {
	struct lvmm_vm *vm;
	unsigned int id;
	struct mutex mutex;		/* one ioctl at a time */
	struct lvmm_run *run;

	unsigned long regs[LVMM_NR_REGS];
	u64 rip, rflags;

	/* Where the vCPU entered last, for TLB flush decisions. */
	int cpu, last_cpu;
	int mode;
	u64 tlb_gen;

	struct lvmm_guest_fpu guest_fpu;

	struct lvmm_cpuid_entry *cpuid;
	u32 cpuid_nent;

	enum lvmm_pending pending;
	struct {
		u8 size, reg;
		bool high_byte;
		u8 dst_size;
		bool sign_extend;
		u64 next_rip;
		/* string IN */
		u32 count;
		u64 gpa;
		bool string, rep;
		u8 addr_size;
	} pend;

	bool irq_pending;
	u8 irq_vector;

	u64 misc_enable;		/* IA32_MISC_ENABLE, read by Intel guests */

	/* The thread of the last LVMM_RUN, for directed yields; under vm->lock. */
	struct pid *pid;

	/* LVMM_GET_VCPU_STATS; written by the vCPU's thread only. */
	u64 stats[LVMM_STAT_NR];
	u64 guest_ns;			/* in guest mode */
	u64 lvmm_ns;			/* in LVMM_RUN, neither in the guest nor asleep */
	u64 sleep_ns;			/* in LVMM_RUN asleep: HLT, a paused VM */
	int exit_event;			/* LVMM_EVENT_* this RUN ends with, or -1 */

	/* LVMM_CREATE_IRQCHIP: the local APIC, and where HLT sleeps. */
	struct lvmm_lapic *lapic;
	wait_queue_head_t wq;
	int event;			/* set by lvmm_vcpu_kick(): look again */

	void *arch;
};

/* vm.c */
int lvmm_create_vm(void);
void lvmm_vm_put(struct lvmm_vm *vm);
void lvmm_vm_kick_all(struct lvmm_vm *vm);

/* vmlist.c: every VM, for netlink; lock order lvmm_vms_lock, then vm->lock */
extern struct mutex lvmm_vms_lock;
extern struct list_head lvmm_vms;
void lvmm_vmlist_add(struct lvmm_vm *vm);
void lvmm_vmlist_del(struct lvmm_vm *vm);
struct lvmm_vm *lvmm_vm_find(u32 id);
int lvmm_vm_set_name(struct lvmm_vm *vm, const struct lvmm_vm_name *n);
enum lvmm_vm_state lvmm_vm_state(const struct lvmm_vm *vm);
int lvmm_vm_pause(struct lvmm_vm *vm, bool pause);
/* An event to netlink listeners; __ with lvmm_vms_lock held. -1: no vCPU. */
void __lvmm_vm_notify(struct lvmm_vm *vm, enum lvmm_event event, int vcpu_id);
void lvmm_vm_notify(struct lvmm_vm *vm, enum lvmm_event event, int vcpu_id);

/* netlink.c */
int lvmm_nl_init(void);
void lvmm_nl_exit(void);
void lvmm_nl_event(const struct lvmm_vm *vm, enum lvmm_event event, int vcpu_id);

/* vcpu.c */
static inline void lvmm_stat_inc(struct lvmm_vcpu *vcpu, enum lvmm_stat stat)
{
	WRITE_ONCE(vcpu->stats[stat], vcpu->stats[stat] + 1);
}

/* Sleeps inside LVMM_RUN, left out of lvmm_ns: t = local_clock(); sleep; end. */
static inline void lvmm_sleep_end(struct lvmm_vcpu *vcpu, u64 start)
{
	WRITE_ONCE(vcpu->sleep_ns, vcpu->sleep_ns + local_clock() - start);
}

int lvmm_create_vcpu(struct lvmm_vm *vm, unsigned long id);
void lvmm_vcpu_reset(struct lvmm_vcpu *vcpu);
/* Make the vCPU look at its APIC soon: wake it, or pull it out of the guest. */
void lvmm_vcpu_kick(struct lvmm_vcpu *vcpu);
/* MSRs as the guest sees them: the core's, the local APIC's, then the backend's. */
int lvmm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int lvmm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data);

/* yield.c */
void lvmm_vcpu_set_pid(struct lvmm_vcpu *vcpu);
void lvmm_vcpu_on_spin(struct lvmm_vcpu *vcpu);

/* exit.c: returns 1 to re-enter the guest, 0 to return to userspace. */
int lvmm_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_complete_pending(struct lvmm_vcpu *vcpu);

/* guest memory by guest-physical address, through the slot's user mapping */
int lvmm_read_guest(struct lvmm_vcpu *vcpu, u64 gpa, void *buf, unsigned int len);
int lvmm_write_guest(struct lvmm_vcpu *vcpu, u64 gpa, const void *buf, unsigned int len);
int lvmm_fault_in(struct lvmm_vcpu *vcpu, u64 gpa, bool write);

/* hwenable.c */
int lvmm_hw_init(void);
void lvmm_hw_exit(void);
int lvmm_hw_get(void);
void lvmm_hw_put(void);

extern const struct lvmm_arch_ops lvmm_svm_ops;
extern const struct lvmm_arch_ops lvmm_vmx_ops;

static inline bool lvmm_is_canonical(u64 addr)
{
	return ((s64)addr << 16 >> 16) == (s64)addr;
}

#endif /* LVMM_CORE_H */
