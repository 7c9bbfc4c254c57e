// SPDX-License-Identifier: GPL-2.0
/* pio_bench engine: lvmm through liblvmm (/dev/lvmm, or $LVMM_DEV). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lvmm.h"

struct engine_vm {
	struct lvmm_vm vm;
	struct lvmm_vcpu vcpu;
	int have_vcpu;
};

static int fail(const char *step, int err)
{
	fprintf(stderr, "pio_bench: lvmm: %s: %s\n", step, strerror(-err));
	return err;
}

static void lvmm_close(struct engine_vm *v)
{
	if (!v)
		return;
	if (v->have_vcpu)
		lvmm_vcpu_destroy(&v->vcpu);
	lvmm_vm_destroy(&v->vm);
	free(v);
}

static int lvmm_open(struct engine_vm **out, void *mem)
{
	struct engine_vm *v = calloc(1, sizeof(*v));
	int ret;

	*out = NULL;
	if (!v)
		return -ENOMEM;
	v->vm.sys_fd = v->vm.vm_fd = -1;
	ret = lvmm_vm_create(&v->vm);
	if (ret) {
		fail("open /dev/lvmm + LVMM_CREATE_VM", ret);
		goto err;
	}
	ret = lvmm_set_region(&v->vm, 0, 0, 0, GUEST_MEM_SIZE, mem);
	if (ret) {
		fail("LVMM_SET_MEMORY_REGION", ret);
		goto err;
	}
	ret = lvmm_vcpu_create(&v->vm, 0, &v->vcpu);
	if (ret) {
		fail("LVMM_CREATE_VCPU", ret);
		goto err;
	}
	v->have_vcpu = 1;
	ret = lvmm_vcpu_setup_real_mode(&v->vcpu, GUEST_ENTRY);
	if (ret) {
		fail("real-mode SET_SREGS/SET_REGS", ret);
		goto err;
	}
	*out = v;
	return 0;
err:
	lvmm_close(v);
	return ret;
}

static int lvmm_run(struct engine_vm *v, struct pio_exit *e)
{
	struct lvmm_run *run = v->vcpu.run;
	int ret = lvmm_vcpu_run(&v->vcpu);

	if (ret)
		return ret;
	if (run->exit_reason != LVMM_EXIT_IO) {
		e->is_io = 0;
		if (run->exit_reason == LVMM_EXIT_INTERNAL_ERROR)
			snprintf(e->what, sizeof(e->what),
				 "internal_error suberror=%u data=%#llx,%#llx,%#llx",
				 run->internal.suberror,
				 (unsigned long long)run->internal.data[0],
				 (unsigned long long)run->internal.data[1],
				 (unsigned long long)run->internal.data[2]);
		else if (run->exit_reason == LVMM_EXIT_FAIL_ENTRY)
			snprintf(e->what, sizeof(e->what), "fail_entry reason=%#llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		else
			snprintf(e->what, sizeof(e->what), "%s (%u)",
				 lvmm_exit_name(run->exit_reason), run->exit_reason);
		return 0;
	}
	e->is_io = 1;
	e->out = run->io.direction == LVMM_EXIT_IO_OUT;
	e->size = run->io.size;
	e->port = run->io.port;
	e->count = run->io.count;
	e->data = *(uint8_t *)lvmm_io_data(&v->vcpu);
	return 0;
}

static int lvmm_null_ioctl(struct engine_vm *v)
{
	struct lvmm_regs regs;

	return lvmm_get_regs(&v->vcpu, &regs);
}

const struct engine engine_lvmm = {
	.name = "lvmm",
	.open = lvmm_open,
	.run = lvmm_run,
	.null_ioctl = lvmm_null_ioctl,
	.close = lvmm_close,
};
