// SPDX-License-Identifier: GPL-2.0
/*
 * liblvmm: the /dev/lvmm ioctl wrappers shared by vmctl, the benchmarks
 * and the selftests.  Errors are returned as -errno, never printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_engine.h"
#include "lvmm.h"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int lvmm_vm_create_engine(struct lvmm_vm *vm, enum lvmm_engine engine)
{
	return engine == LVMM_ENGINE_KVM ? kvm_vm_create(vm) : lvmm_vm_create(vm);
}

int lvmm_open_hypervisor(struct lvmm_vm *vm, const char *path, unsigned long version_cmd,
		    int version, unsigned long create_cmd)
{
	int ret;

	vm->vm_fd = -1;
	vm->sys_fd = open(path, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		return neg_errno();
	ret = ioctl(vm->sys_fd, version_cmd, 0);
	if (ret != version) {
		ret = ret < 0 ? neg_errno() : -EPROTO;
		goto err;
	}
	vm->vm_fd = ioctl(vm->sys_fd, create_cmd, 0);
	if (vm->vm_fd < 0) {
		ret = neg_errno();
		goto err;
	}
	return 0;
err:
	close(vm->sys_fd);
	vm->sys_fd = -1;
	return ret;
}

const char *lvmm_dev_path(void)
{
	const char *path = getenv("LVMM_DEV");

	return path && *path ? path : "/dev/lvmm";
}

int lvmm_vm_create(struct lvmm_vm *vm)
{
	vm->engine = LVMM_ENGINE_LVMM;
	return lvmm_open_hypervisor(vm, lvmm_dev_path(), LVMM_GET_API_VERSION, LVMM_API_VERSION,
				    LVMM_CREATE_VM);
}

void lvmm_vm_destroy(struct lvmm_vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->vm_fd = vm->sys_fd = -1;
}

int lvmm_set_region(struct lvmm_vm *vm, uint32_t slot, uint32_t flags,
		    uint64_t gpa, uint64_t size, void *hva)
{
	struct lvmm_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (vm->engine == LVMM_ENGINE_KVM)
		return kvm_set_region(vm, slot, flags, gpa, size, hva);
	return ioctl(vm->vm_fd, LVMM_SET_MEMORY_REGION, &r) < 0 ? neg_errno() : 0;
}

void *lvmm_alloc_guest_mem(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void lvmm_free_guest_mem(void *mem, size_t size)
{
	munmap(mem, size);
}

int lvmm_vcpu_create(struct lvmm_vm *vm, unsigned int id, struct lvmm_vcpu *vcpu)
{
	int size, ret;
	void *run;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->fd = -1;
	if (vm->engine == LVMM_ENGINE_KVM)
		return kvm_vcpu_create(vm, id, vcpu);
	size = ioctl(vm->sys_fd, LVMM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return neg_errno();
	vcpu->fd = ioctl(vm->vm_fd, LVMM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return neg_errno();
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED) {
		ret = neg_errno();
		close(vcpu->fd);
		vcpu->fd = -1;
		return ret;
	}
	vcpu->id = id;
	vcpu->run = run;
	vcpu->run_size = size;
	return 0;
}

void lvmm_vcpu_destroy(struct lvmm_vcpu *vcpu)
{
	if (vcpu->engine == LVMM_ENGINE_KVM) {
		kvm_vcpu_destroy(vcpu);
		return;
	}
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

/* For KVM: the ioctl with the same layout, or ENOTTY where there is none. */
static int raw_vcpu_ioctl(struct lvmm_vcpu *vcpu, unsigned long cmd, const void *arg)
{
	if (vcpu->engine == LVMM_ENGINE_KVM) {
		cmd = kvm_vcpu_cmd(cmd);
		if (!cmd) {
			errno = ENOTTY;
			return -1;
		}
	}
	return ioctl(vcpu->fd, cmd, arg);
}

static int vcpu_ioctl(struct lvmm_vcpu *vcpu, unsigned long cmd, const void *arg)
{
	return raw_vcpu_ioctl(vcpu, cmd, arg) < 0 ? neg_errno() : 0;
}

int lvmm_vcpu_run(struct lvmm_vcpu *vcpu)
{
	if (vcpu->engine == LVMM_ENGINE_KVM)
		return kvm_vcpu_run(vcpu);
	return ioctl(vcpu->fd, LVMM_RUN, NULL) < 0 ? neg_errno() : 0;
}

void lvmm_vcpu_set_immediate_exit(struct lvmm_vcpu *vcpu)
{
	if (vcpu->engine == LVMM_ENGINE_KVM)
		kvm_vcpu_kick(vcpu);
	else
		vcpu->run->immediate_exit = 1;
}

int lvmm_get_regs(struct lvmm_vcpu *vcpu, struct lvmm_regs *regs)
{
	return vcpu_ioctl(vcpu, LVMM_GET_REGS, regs);
}

int lvmm_set_regs(struct lvmm_vcpu *vcpu, const struct lvmm_regs *regs)
{
	return vcpu_ioctl(vcpu, LVMM_SET_REGS, regs);
}

int lvmm_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *sregs)
{
	if (vcpu->engine == LVMM_ENGINE_KVM)
		return kvm_get_sregs(vcpu, sregs);
	return vcpu_ioctl(vcpu, LVMM_GET_SREGS, sregs);
}

int lvmm_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *sregs)
{
	if (vcpu->engine == LVMM_ENGINE_KVM)
		return kvm_set_sregs(vcpu, sregs);
	return vcpu_ioctl(vcpu, LVMM_SET_SREGS, sregs);
}

/* One-entry MSR transfer; the kernel returns how many entries it did. */
static int msr_ioctl(struct lvmm_vcpu *vcpu, unsigned long cmd, uint32_t index,
		     uint64_t *data)
{
	struct {
		struct lvmm_msrs hdr;
		struct lvmm_msr_entry entry;
	} m = { .hdr.nmsrs = 1, .entry = { .index = index, .data = *data } };
	int ret = raw_vcpu_ioctl(vcpu, cmd, &m);

	if (ret < 0)
		return neg_errno();
	if (ret != 1)
		return -EINVAL;
	*data = m.entry.data;
	return 0;
}

int lvmm_get_msr(struct lvmm_vcpu *vcpu, uint32_t index, uint64_t *data)
{
	*data = 0;
	return msr_ioctl(vcpu, LVMM_GET_MSRS, index, data);
}

int lvmm_set_msr(struct lvmm_vcpu *vcpu, uint32_t index, uint64_t data)
{
	return msr_ioctl(vcpu, LVMM_SET_MSRS, index, &data);
}

int lvmm_set_cpuid(struct lvmm_vcpu *vcpu, const struct lvmm_cpuid_entry *entries,
		   uint32_t nent)
{
	struct lvmm_cpuid *c;
	int ret;

	c = calloc(1, sizeof(*c) + (size_t)nent * sizeof(*entries));
	if (!c)
		return -ENOMEM;
	c->nent = nent;
	memcpy(c->entries, entries, (size_t)nent * sizeof(*entries));
	ret = vcpu_ioctl(vcpu, LVMM_SET_CPUID, c);
	free(c);
	return ret;
}

int lvmm_check_extension(struct lvmm_vm *vm, unsigned int cap)
{
	int ret;

	if (vm->engine == LVMM_ENGINE_KVM)
		return kvm_check_extension(vm, cap);
	ret = ioctl(vm->sys_fd, LVMM_CHECK_EXTENSION, cap);
	return ret < 0 ? neg_errno() : ret;
}

int lvmm_get_tsc_khz(struct lvmm_vm *vm)
{
	int ret;

	if (vm->engine == LVMM_ENGINE_KVM)
		return kvm_get_tsc_khz(vm);
	ret = ioctl(vm->sys_fd, LVMM_GET_TSC_KHZ, 0);
	return ret < 0 ? neg_errno() : ret;
}

int lvmm_create_irqchip(struct lvmm_vm *vm)
{
	if (vm->engine == LVMM_ENGINE_KVM)
		return kvm_create_irqchip(vm);
	return ioctl(vm->vm_fd, LVMM_CREATE_IRQCHIP, 0) < 0 ? neg_errno() : 0;
}

int lvmm_set_vm_name(struct lvmm_vm *vm, const char *name)
{
	struct lvmm_vm_name n = { { 0 } };

	if (vm->engine == LVMM_ENGINE_KVM)
		return 0;	/* KVM has no names; its VMs are not listed by lvmm */
	if (strlen(name) >= sizeof(n.name))
		return -EINVAL;
	memcpy(n.name, name, strlen(name));
	return ioctl(vm->vm_fd, LVMM_SET_VM_NAME, &n) < 0 ? neg_errno() : 0;
}

int lvmm_signal_msi(struct lvmm_vm *vm, uint32_t address, uint32_t data)
{
	struct lvmm_msi msi = { .address_lo = address, .data = data };
	int ret;

	if (vm->engine == LVMM_ENGINE_KVM)
		return kvm_signal_msi(vm, address, data);
	ret = ioctl(vm->vm_fd, LVMM_SIGNAL_MSI, &msi);
	return ret < 0 ? neg_errno() : ret;
}

int lvmm_interrupt(struct lvmm_vcpu *vcpu, uint32_t vector)
{
	struct lvmm_interrupt irq = { .vector = vector };

	return vcpu_ioctl(vcpu, LVMM_INTERRUPT, &irq);
}

static void real_mode_segment(struct lvmm_segment *s, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
}

int lvmm_vcpu_setup_real_mode(struct lvmm_vcpu *vcpu, uint64_t rip)
{
	struct lvmm_sregs sregs = { 0 };
	struct lvmm_regs regs;
	int ret;

	ret = lvmm_get_sregs(vcpu, &sregs);
	if (ret)
		return ret;
	real_mode_segment(&sregs.cs, 0xb);	/* code, read, accessed */
	real_mode_segment(&sregs.ds, 0x3);	/* data, write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	ret = lvmm_set_sregs(vcpu, &sregs);
	if (ret)
		return ret;
	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rflags = 0x2;
	return lvmm_set_regs(vcpu, &regs);
}

const char *lvmm_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[LVMM_EXIT_UNKNOWN] = "unknown",
		[LVMM_EXIT_IO] = "io",
		[LVMM_EXIT_MMIO] = "mmio",
		[LVMM_EXIT_HLT] = "hlt",
		[LVMM_EXIT_SHUTDOWN] = "shutdown",
		[LVMM_EXIT_FAIL_ENTRY] = "fail_entry",
		[LVMM_EXIT_INTR] = "intr",
		[LVMM_EXIT_HYPERCALL] = "hypercall",
		[LVMM_EXIT_INTERNAL_ERROR] = "internal_error",
		[LVMM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "invalid";
}

int lvmm_get_vcpu_stats(struct lvmm_vcpu *vcpu, struct lvmm_vcpu_stats *stats)
{
	return vcpu_ioctl(vcpu, LVMM_GET_VCPU_STATS, stats);
}

const char *lvmm_stat_name(unsigned int stat)
{
	static const char *const names[] = {
		[LVMM_STAT_EXITS] = "exits",
		[LVMM_STAT_HOST_INTR] = "host_intr",
		[LVMM_STAT_IO] = "io",
		[LVMM_STAT_MMIO] = "mmio",
		[LVMM_STAT_APIC_MMIO] = "apic_mmio",
		[LVMM_STAT_PAGE_FAULT] = "page_fault",
		[LVMM_STAT_MSR] = "msr",
		[LVMM_STAT_CPUID] = "cpuid",
		[LVMM_STAT_HLT] = "hlt",
		[LVMM_STAT_IRQ_WINDOW] = "irq_window",
		[LVMM_STAT_OTHER] = "other",
		[LVMM_STAT_HALT_SLEEPS] = "halt_sleeps",
		[LVMM_STAT_IRQ_INJECTED] = "irq_injected",
		[LVMM_STAT_USER_EXITS] = "user_exits",
		[LVMM_STAT_PAUSE] = "pause",
		[LVMM_STAT_DIRECTED_YIELDS] = "directed_yields",
		[LVMM_STAT_NMI_INJECTED] = "nmi_injected",
	};

	if (stat < sizeof(names) / sizeof(names[0]) && names[stat])
		return names[stat];
	return "unknown";
}
