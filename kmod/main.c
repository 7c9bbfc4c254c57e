// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm: a lightweight in-kernel hypervisor.  Module entry points and the
 * /dev/lvmm system ioctls; the backend is chosen from CPUID at load.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <asm/tsc.h>

#include "lvmm.h"
#include "compat.h"

const struct lvmm_arch_ops *lvmm_ops;

static long lvmm_dev_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LVMM_GET_API_VERSION:
		return arg ? -EINVAL : LVMM_API_VERSION;
	case LVMM_CREATE_VM:
		return arg ? -EINVAL : lvmm_create_vm();
	case LVMM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	case LVMM_CHECK_EXTENSION:
		if (arg == LVMM_CAP_PAUSE_EXITS)
			return lvmm_ops->has_pause_exits();
		return arg == LVMM_CAP_IRQCHIP || arg == LVMM_CAP_VCPU_STATS ||
		       arg == LVMM_CAP_NETLINK;
	case LVMM_GET_TSC_KHZ:
		return arg ? -EINVAL : (tsc_khz ? (long)tsc_khz : -EIO);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lvmm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lvmm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice lvmm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "lvmm",
	.fops = &lvmm_dev_fops,
	.mode = 0660,
};

/*
 * Raw CPUID, not boot_cpu_has(): the kernel hides VMX when the firmware
 * locked it off, and the backend's setup explains that case better.
 */
static const struct lvmm_arch_ops *lvmm_pick_backend(void)
{
	if (boot_cpu_has(X86_FEATURE_SVM))
		return &lvmm_svm_ops;
	if (cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31)) {
#ifdef LVMM_KVM_ONLY_EXPORTS
		pr_err("lvmm: this kernel keeps VMXON and the VMX host-state helpers to KVM's modules (EXPORT_SYMBOL_FOR_KVM), so lvmm has no Intel VT-x backend on it; use a kernel before that change (6.12 works) or an AMD host\n");
		return ERR_PTR(-EOPNOTSUPP);
#else
		return &lvmm_vmx_ops;
#endif
	}
	return NULL;
}

static int __init lvmm_init(void)
{
	int ret;

	lvmm_ops = lvmm_pick_backend();
	if (IS_ERR(lvmm_ops))
		return PTR_ERR(lvmm_ops);
	if (!lvmm_ops) {
		pr_err("lvmm: this CPU has neither AMD-V (SVM) nor Intel VT-x (VMX); lvmm cannot run here\n");
		return -ENODEV;
	}
	ret = lvmm_ops->hardware_setup();
	if (ret)
		return ret;
	ret = lvmm_hw_init();
	if (ret)
		goto err_setup;
	/* Before the device: every VM's creation is an event. */
	ret = lvmm_nl_init();
	if (ret)
		goto err_hw;
	ret = misc_register(&lvmm_dev);
	if (ret)
		goto err_nl;
	pr_info("lvmm: loaded, backend %s, ABI version %d\n", lvmm_ops->name, LVMM_API_VERSION);
	return 0;

err_nl:
	lvmm_nl_exit();
err_hw:
	lvmm_hw_exit();
err_setup:
	lvmm_ops->hardware_unsetup();
	return ret;
}

static void __exit lvmm_exit(void)
{
	misc_deregister(&lvmm_dev);
	lvmm_nl_exit();
	lvmm_hw_exit();
	lvmm_ops->hardware_unsetup();
}

module_init(lvmm_init);
module_exit(lvmm_exit);
MODULE_DESCRIPTION("lvmm: lightweight in-kernel hypervisor");
MODULE_LICENSE("GPL");
