/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liblvmm: thin wrappers over the /dev/lvmm ioctl ABI, shared by vmctl,
 * the benchmarks and the selftests.  Every function returns 0 (or a
 * non-negative fd) on success and -errno on failure; none prints.
 */
#ifndef LIBLVMM_H
#define LIBLVMM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/lvmm.h>

/* Which hypervisor runs the VM: lvmm, or KVM for comparisons. */
enum lvmm_engine {
	LVMM_ENGINE_LVMM,
	LVMM_ENGINE_KVM,
};

struct lvmm_vm {
	int sys_fd;		/* /dev/lvmm (or /dev/kvm) */
	int vm_fd;
	enum lvmm_engine engine;
};

struct lvmm_vcpu {
	int fd;
	unsigned int id;
	struct lvmm_run *run;	/* the mmap'ed run page (KVM: a translation of it) */
	size_t run_size;
	enum lvmm_engine engine;
	void *kvm_run;		/* KVM's own run page */
};

/* The hypervisor device: $LVMM_DEV if set, else /dev/lvmm. */
const char *lvmm_dev_path(void);
/* Open lvmm_dev_path() and create a VM. */
int lvmm_vm_create(struct lvmm_vm *vm);
/*
 * The same on @engine: LVMM_ENGINE_KVM opens /dev/kvm ($KVM_DEV) and makes
 * every call below act on KVM, with the lvmm ABI's structures and exits
 * (no LVMM_INTERRUPT; KVM's own counters instead of LVMM_GET_VCPU_STATS;
 * the irqchip is KVM's split one).
 */
int lvmm_vm_create_engine(struct lvmm_vm *vm, enum lvmm_engine engine);
void lvmm_vm_destroy(struct lvmm_vm *vm);

/* LVMM_SET_MEMORY_REGION; size 0 deletes the slot. */
int lvmm_set_region(struct lvmm_vm *vm, uint32_t slot, uint32_t flags,
		    uint64_t gpa, uint64_t size, void *hva);

/* Anonymous, page-aligned host memory for guest RAM (mmap); NULL on error. */
void *lvmm_alloc_guest_mem(size_t size);
void lvmm_free_guest_mem(void *mem, size_t size);

/* LVMM_CREATE_VCPU plus the run page mmap. */
int lvmm_vcpu_create(struct lvmm_vm *vm, unsigned int id, struct lvmm_vcpu *vcpu);
void lvmm_vcpu_destroy(struct lvmm_vcpu *vcpu);

/* LVMM_RUN: 0, or -errno (-EINTR when a signal interrupted the guest). */
int lvmm_vcpu_run(struct lvmm_vcpu *vcpu);
/* Set immediate_exit: RUN returns -EINTR at once from now on (with a signal: also from inside). */
void lvmm_vcpu_set_immediate_exit(struct lvmm_vcpu *vcpu);

int lvmm_get_regs(struct lvmm_vcpu *vcpu, struct lvmm_regs *regs);
int lvmm_set_regs(struct lvmm_vcpu *vcpu, const struct lvmm_regs *regs);
int lvmm_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *sregs);
int lvmm_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *sregs);
int lvmm_get_msr(struct lvmm_vcpu *vcpu, uint32_t index, uint64_t *data);
int lvmm_set_msr(struct lvmm_vcpu *vcpu, uint32_t index, uint64_t data);
int lvmm_set_cpuid(struct lvmm_vcpu *vcpu, const struct lvmm_cpuid_entry *entries,
		   uint32_t nent);
int lvmm_interrupt(struct lvmm_vcpu *vcpu, uint32_t vector);

/* LVMM_CHECK_EXTENSION: > 0 if the module has LVMM_CAP_@cap. */
int lvmm_check_extension(struct lvmm_vm *vm, unsigned int cap);
/* LVMM_GET_TSC_KHZ: the host's (and so the guest's) TSC frequency. */
int lvmm_get_tsc_khz(struct lvmm_vm *vm);
/* LVMM_CREATE_IRQCHIP: in-kernel local APICs for the vCPUs created later. */
int lvmm_create_irqchip(struct lvmm_vm *vm);
/* LVMM_SIGNAL_MSI: returns how many APICs took it. */
/* LVMM_SET_VM_NAME: the name netlink lists the VM under. */
int lvmm_set_vm_name(struct lvmm_vm *vm, const char *name);
int lvmm_signal_msi(struct lvmm_vm *vm, uint32_t address, uint32_t data);

/*
 * Put the vCPU in flat 16-bit real mode: CS = DS = ES = SS = 0 (base 0,
 * 64 KiB limits), RIP = @rip, RFLAGS = 0x2.
 */
int lvmm_vcpu_setup_real_mode(struct lvmm_vcpu *vcpu, uint64_t rip);

/* Pointer to the string I/O data of an LVMM_EXIT_IO exit. */
static inline void *lvmm_io_data(struct lvmm_vcpu *vcpu)
{
	return (char *)vcpu->run + vcpu->run->io.data_offset;
}

/* Human-readable name of an LVMM_EXIT_* reason ("io", "mmio", ...). */
const char *lvmm_exit_name(uint32_t reason);
/* LVMM_GET_VCPU_STATS; 0 or -errno. */
int lvmm_get_vcpu_stats(struct lvmm_vcpu *vcpu, struct lvmm_vcpu_stats *stats);
/* "io", "page_fault", ... for an enum lvmm_stat index. */
const char *lvmm_stat_name(unsigned int stat);

/* One named counter of a vCPU. */
struct lvmm_counter {
	char name[32];
	uint64_t value;
};

/*
 * KVM engine only: KVM's own cumulative event counters of @vcpu ("exits",
 * "io_exits", "halt_exits", ...; KVM_GET_STATS_FD, Linux 5.14+). Returns
 * how many were stored in @out (at most @max) or -errno.
 */
int lvmm_kvm_vcpu_counters(struct lvmm_vcpu *vcpu, struct lvmm_counter *out, unsigned int max);

#endif /* LIBLVMM_H */
