// SPDX-License-Identifier: GPL-2.0
/* pio_bench engine: KVM through /dev/kvm (or $KVM_DEV) and <linux/kvm.h>. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "engine.h"

struct engine_vm {
	int sys_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
};

static int fail(const char *step)
{
	int err = errno ? -errno : -EIO;

	fprintf(stderr, "pio_bench: kvm: %s: %s\n", step, strerror(-err));
	return err;
}

static void kvm_close(struct engine_vm *v)
{
	if (!v)
		return;
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->vcpu_fd >= 0)
		close(v->vcpu_fd);
	if (v->vm_fd >= 0)
		close(v->vm_fd);
	if (v->sys_fd >= 0)
		close(v->sys_fd);
	free(v);
}

static void real_mode_seg(struct kvm_segment *s, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
}

static int kvm_open(struct engine_vm **out, void *mem)
{
	const char *path = getenv("KVM_DEV");
	struct engine_vm *v = calloc(1, sizeof(*v));
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret, size;
	void *run;

	*out = NULL;
	if (!v)
		return -ENOMEM;
	v->vm_fd = v->vcpu_fd = -1;
	v->sys_fd = open(path && *path ? path : "/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->sys_fd < 0) {
		ret = fail("open /dev/kvm");
		goto err;
	}
	ret = ioctl(v->sys_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		ret = ret < 0 ? fail("KVM_GET_API_VERSION") : -EPROTO;
		goto err;
	}
	v->vm_fd = ioctl(v->sys_fd, KVM_CREATE_VM, 0);
	if (v->vm_fd < 0) {
		ret = fail("KVM_CREATE_VM");
		goto err;
	}
	if (ioctl(v->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		ret = fail("KVM_SET_USER_MEMORY_REGION");
		goto err;
	}
	v->vcpu_fd = ioctl(v->vm_fd, KVM_CREATE_VCPU, 0);
	if (v->vcpu_fd < 0) {
		ret = fail("KVM_CREATE_VCPU");
		goto err;
	}
	size = ioctl(v->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0) {
		ret = fail("KVM_GET_VCPU_MMAP_SIZE");
		goto err;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu_fd, 0);
	if (run == MAP_FAILED) {
		ret = fail("mmap kvm_run");
		goto err;
	}
	v->run = run;
	v->run_size = size;

	/* Real mode like liblvmm's lvmm_vcpu_setup_real_mode(): all bases 0. */
	if (ioctl(v->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		ret = fail("KVM_GET_SREGS");
		goto err;
	}
	real_mode_seg(&sregs.cs, 0xb);
	real_mode_seg(&sregs.ds, 0x3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	if (ioctl(v->vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
		ret = fail("KVM_SET_SREGS");
		goto err;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_ENTRY;
	regs.rflags = 0x2;
	if (ioctl(v->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		ret = fail("KVM_SET_REGS");
		goto err;
	}
	*out = v;
	return 0;
err:
	kvm_close(v);
	return ret;
}

static int kvm_run(struct engine_vm *v, struct pio_exit *e)
{
	struct kvm_run *run = v->run;

	if (ioctl(v->vcpu_fd, KVM_RUN, 0) < 0)
		return errno ? -errno : -EIO;
	if (run->exit_reason != KVM_EXIT_IO) {
		e->is_io = 0;
		if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
			snprintf(e->what, sizeof(e->what), "internal_error suberror=%u",
				 run->internal.suberror);
		else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
			snprintf(e->what, sizeof(e->what), "fail_entry reason=%#llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		else
			snprintf(e->what, sizeof(e->what), "exit_reason=%u", run->exit_reason);
		return 0;
	}
	e->is_io = 1;
	e->out = run->io.direction == KVM_EXIT_IO_OUT;
	e->size = run->io.size;
	e->port = run->io.port;
	e->count = run->io.count;
	e->data = *((uint8_t *)run + run->io.data_offset);
	return 0;
}

static int kvm_null_ioctl(struct engine_vm *v)
{
	struct kvm_regs regs;

	return ioctl(v->vcpu_fd, KVM_GET_REGS, &regs) < 0 ? (errno ? -errno : -EIO) : 0;
}

const struct engine engine_kvm = {
	.name = "kvm",
	.open = kvm_open,
	.run = kvm_run,
	.null_ioctl = kvm_null_ioctl,
	.close = kvm_close,
};
