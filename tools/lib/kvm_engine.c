// SPDX-License-Identifier: GPL-2.0
/*
 * liblvmm's second engine: the same calls on /dev/kvm, so that vmctl can
 * run one guest with the same device code on both hypervisors and the
 * benchmark compares the hypervisors alone. lvmm's ABI copied KVM's
 * layouts where it could: regs, MSR lists, CPUID tables and segments are
 * byte for byte the same; the special registers gain apic_base, and the
 * run page differs after exit_reason, so KVM's is translated into an
 * lvmm_run after each KVM_RUN (and the answers of IN and MMIO reads go
 * back before the next). Device interrupts go through KVM's split
 * irqchip: local APICs in KVM, the I/O APIC in the VMM, MSIs by
 * KVM_SIGNAL_MSI, as with LVMM_CREATE_IRQCHIP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_engine.h"

_Static_assert(sizeof(struct lvmm_regs) == sizeof(struct kvm_regs), "regs layout");
_Static_assert(sizeof(struct lvmm_segment) == sizeof(struct kvm_segment), "segment layout");
_Static_assert(sizeof(struct lvmm_msr_entry) == sizeof(struct kvm_msr_entry), "MSR layout");
_Static_assert(sizeof(struct lvmm_cpuid_entry) == sizeof(struct kvm_cpuid_entry2), "CPUID layout");

/* The part of the special registers both ABIs share: segments to EFER. */
#define SREGS_COMMON	(offsetof(struct lvmm_sregs, efer) + sizeof(__u64))
_Static_assert(offsetof(struct kvm_sregs, efer) == offsetof(struct lvmm_sregs, efer), "sregs");

#define IOAPIC_PINS	24

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int kvm_vm_create(struct lvmm_vm *vm)
{
	const char *path = getenv("KVM_DEV");

	int ret;

	vm->engine = LVMM_ENGINE_KVM;
	ret = lvmm_open_hypervisor(vm, path && *path ? path : "/dev/kvm", KVM_GET_API_VERSION,
				   KVM_API_VERSION, KVM_CREATE_VM);
	if (ret)
		return ret;
	/*
	 * KVM on Intel wants three pages of guest-physical space for real
	 * mode without unrestricted guest: below the BIOS, as QEMU puts them.
	 */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0) {
		ret = neg_errno();
		lvmm_vm_destroy(vm);
	}
	return ret;
}

int kvm_vcpu_create(struct lvmm_vm *vm, unsigned int id, struct lvmm_vcpu *vcpu)
{
	int size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	void *run;

	if (size < 0)
		return neg_errno();
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return neg_errno();
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	vcpu->run = calloc(1, KVM_SHADOW_RUN_SIZE);	/* what the caller sees */
	if (run == MAP_FAILED || !vcpu->run) {
		int ret = run == MAP_FAILED ? neg_errno() : -ENOMEM;

		if (run != MAP_FAILED)
			munmap(run, size);
		free(vcpu->run);
		vcpu->run = NULL;
		close(vcpu->fd);
		vcpu->fd = -1;
		return ret;
	}
	vcpu->engine = LVMM_ENGINE_KVM;
	vcpu->id = id;
	vcpu->kvm_run = run;
	vcpu->run_size = size;
	return 0;
}

void kvm_vcpu_destroy(struct lvmm_vcpu *vcpu)
{
	if (vcpu->kvm_run)
		munmap(vcpu->kvm_run, vcpu->run_size);
	free(vcpu->run);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->kvm_run = NULL;
	vcpu->run = NULL;
	vcpu->fd = -1;
}

/* The answers to the last exit (IN data, an MMIO read) go to KVM's page. */
static void to_kvm(struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *r = vcpu->run;
	struct kvm_run *k = vcpu->kvm_run;

	k->request_interrupt_window = r->request_interrupt_window;
	if (r->exit_reason == LVMM_EXIT_IO && r->io.direction == LVMM_EXIT_IO_IN &&
	    k->exit_reason == KVM_EXIT_IO)
		memcpy((char *)k + k->io.data_offset, (char *)r + r->io.data_offset,
		       (size_t)r->io.size * r->io.count);
	if (r->exit_reason == LVMM_EXIT_MMIO && !r->mmio.is_write && k->exit_reason == KVM_EXIT_MMIO)
		memcpy(k->mmio.data, r->mmio.data, sizeof(k->mmio.data));
}

/* 1: translated; 0: an exit KVM finished itself, run again. */
static int from_kvm(struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *r = vcpu->run;
	struct kvm_run *k = vcpu->kvm_run;
	size_t n;

	r->ready_for_interrupt_injection = k->ready_for_interrupt_injection;
	r->if_flag = k->if_flag;
	switch (k->exit_reason) {
	case KVM_EXIT_IO:
		n = (size_t)k->io.size * k->io.count;
		if (n > KVM_SHADOW_RUN_SIZE - LVMM_RUN_IO_DATA_OFFSET)
			return -E2BIG;
		r->exit_reason = LVMM_EXIT_IO;
		r->io.direction = k->io.direction;
		r->io.size = k->io.size;
		r->io.port = k->io.port;
		r->io.count = k->io.count;
		r->io.data_offset = LVMM_RUN_IO_DATA_OFFSET;
		memcpy((char *)r + LVMM_RUN_IO_DATA_OFFSET, (char *)k + k->io.data_offset, n);
		return 1;
	case KVM_EXIT_MMIO:
		r->exit_reason = LVMM_EXIT_MMIO;
		r->mmio.phys_addr = k->mmio.phys_addr;
		memcpy(r->mmio.data, k->mmio.data, sizeof(r->mmio.data));
		r->mmio.len = k->mmio.len;
		r->mmio.is_write = k->mmio.is_write;
		return 1;
	case KVM_EXIT_HLT:
		r->exit_reason = LVMM_EXIT_HLT;
		return 1;
	case KVM_EXIT_SHUTDOWN:
		r->exit_reason = LVMM_EXIT_SHUTDOWN;
		return 1;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		r->exit_reason = LVMM_EXIT_IRQ_WINDOW_OPEN;
		return 1;
	case KVM_EXIT_FAIL_ENTRY:
		r->exit_reason = LVMM_EXIT_FAIL_ENTRY;
		r->fail_entry.hardware_entry_failure_reason =
			k->fail_entry.hardware_entry_failure_reason;
		r->fail_entry.cpu = k->fail_entry.cpu;
		return 1;
	case KVM_EXIT_INTERNAL_ERROR:
		r->exit_reason = LVMM_EXIT_INTERNAL_ERROR;
		r->internal.suberror = k->internal.suberror;
		r->internal.ndata = k->internal.ndata < 8 ? k->internal.ndata : 8;
		memcpy(r->internal.data, k->internal.data, r->internal.ndata * sizeof(__u64));
		return 1;
	case KVM_EXIT_IOAPIC_EOI:	/* only for level-triggered pins: none here */
		return 0;
	default:
		r->exit_reason = LVMM_EXIT_UNKNOWN;
		r->internal.suberror = k->exit_reason;
		return 1;
	}
}

int kvm_vcpu_run(struct lvmm_vcpu *vcpu)
{
	int ret;

	to_kvm(vcpu);
	for (;;) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			ret = neg_errno();
			/* An AP that left wait-for-SIPI: KVM wants RUN again. */
			if (ret == -EAGAIN)
				continue;
			if (ret == -EINTR)
				vcpu->run->exit_reason = LVMM_EXIT_INTR;
			return ret;
		}
		ret = from_kvm(vcpu);
		if (ret)
			break;
	}
	return ret < 0 ? ret : 0;
}

void kvm_vcpu_kick(struct lvmm_vcpu *vcpu)
{
	((struct kvm_run *)vcpu->kvm_run)->immediate_exit = 1;
}

int kvm_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *sregs)
{
	struct kvm_sregs k;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &k) < 0)
		return neg_errno();
	memset(sregs, 0, sizeof(*sregs));
	memcpy(sregs, &k, SREGS_COMMON);
	return 0;
}

/* KVM's apic_base and pending interrupt bitmap stay as they are. */
int kvm_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *sregs)
{
	struct kvm_sregs k;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &k) < 0)
		return neg_errno();
	memcpy(&k, sregs, SREGS_COMMON);
	return ioctl(vcpu->fd, KVM_SET_SREGS, &k) < 0 ? neg_errno() : 0;
}

unsigned long kvm_vcpu_cmd(unsigned long lvmm_cmd)
{
	switch (lvmm_cmd) {
	case LVMM_GET_REGS:
		return KVM_GET_REGS;
	case LVMM_SET_REGS:
		return KVM_SET_REGS;
	case LVMM_GET_MSRS:
		return KVM_GET_MSRS;
	case LVMM_SET_MSRS:
		return KVM_SET_MSRS;
	case LVMM_SET_CPUID:
		return KVM_SET_CPUID2;
	default:
		return 0;	/* no KVM counterpart (LVMM_INTERRUPT, stats) */
	}
}

int kvm_check_extension(struct lvmm_vm *vm, unsigned int cap)
{
	int ret;

	if (cap != LVMM_CAP_IRQCHIP)
		return 0;
	ret = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP);
	return ret < 0 ? neg_errno() : ret;
}

int kvm_get_tsc_khz(struct lvmm_vm *vm)
{
	int ret = ioctl(vm->vm_fd, KVM_GET_TSC_KHZ, 0);

	return ret < 0 ? neg_errno() : ret;
}

int kvm_create_irqchip(struct lvmm_vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { IOAPIC_PINS } };

	return ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0 ? neg_errno() : 0;
}

int kvm_signal_msi(struct lvmm_vm *vm, uint32_t address, uint32_t data)
{
	struct kvm_msi msi = { .address_lo = address, .data = data };
	int ret = ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi);

	return ret < 0 ? neg_errno() : ret;
}

int kvm_set_region(struct lvmm_vm *vm, uint32_t slot, uint32_t flags,
		   uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags & LVMM_MEM_READONLY ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? neg_errno() : 0;
}
