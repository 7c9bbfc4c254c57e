// SPDX-License-Identifier: GPL-2.0
/*
 * The machine: build a VM from its definition (RAM, vCPUs, a flat
 * real-mode guest or a Linux bzImage, the device models), run it to its
 * end, and take it down. The command line is config.c's business.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/virtio_ids.h>
#include <pthread.h>

#include "acpi.h"
#include "bzimage.h"
#include "console.h"
#include "cpuid.h"
#include "flat.h"
#include "mptable.h"
#include "lvmm.h"
#include "machine.h"
#include "uart.h"
#include "stats.h"
#include "virtio_devices.h"
#include "vmctl.h"
#include "config.h"

static int set_real_mode_entry(struct lvmm_vcpu *vcpu, uint64_t addr)
{
	struct lvmm_sregs s;
	struct lvmm_regs r;
	int ret;

	ret = lvmm_vcpu_setup_real_mode(vcpu, 0);
	if (ret)
		return ret;
	/* CS:IP = (addr >> 4):(addr & 0xf) reaches all of the first MiB. */
	ret = lvmm_get_sregs(vcpu, &s);
	if (ret)
		return ret;
	s.cs.selector = addr >> 4;
	s.cs.base = (uint64_t)s.cs.selector << 4;
	ret = lvmm_set_sregs(vcpu, &s);
	if (ret)
		return ret;
	ret = lvmm_get_regs(vcpu, &r);
	if (ret)
		return ret;
	r.rip = addr & 0xf;
	r.rsp = addr & 0xfff0;	/* just below the image, inside SS = 0 */
	return lvmm_set_regs(vcpu, &r);
}

/* vCPU 0 starts at the kernel; the others wait for INIT/SIPI in lvmm. */
static int setup_linux_vcpu(struct machine *m, struct lvmm_vcpu *vcpu)
{
	struct lvmm_cpuid_entry cpuid[LVMM_MAX_CPUID_ENTRIES];
	unsigned int n = vmctl_cpuid_table(cpuid, LVMM_MAX_CPUID_ENTRIES, vcpu->id,
					   VMCTL_CPUID_APIC |
					   (m->tsc_khz ? VMCTL_CPUID_TSC_DEADLINE : 0));
	int ret = lvmm_set_cpuid(vcpu, cpuid, n);

	if (ret || vcpu->id)
		return ret;
	return bzimage_setup_vcpu(&m->boot, vcpu);
}

static int open_kvm(struct machine *m)
{
	int ret = lvmm_vm_create_engine(&m->vm, LVMM_ENGINE_KVM);

	if (ret)
		vmctl_err("--engine kvm: cannot create a KVM VM: %s%s", strerror(-ret),
			  ret == -ENOENT ? " (no /dev/kvm: modprobe kvm_amd or kvm_intel)" :
			  ret == -EBUSY || ret == -EIO ? " (lvmm.ko may hold the CPU's "
				"virtualization: rmmod lvmm)" : "");
	return ret ? -1 : 0;
}

/* Opening /dev/lvmm was refused: name the group that grants it. */
static int no_access(void)
{
	vmctl_err("no access to %s: add your user to group 'lvmm' (as root: usermod -aG lvmm "
		  "%s; it takes effect at the next login), or run as root",
		  lvmm_dev_path(),
		  getenv("USER") ? getenv("USER") : "USER");
	return -1;
}

static int open_vm(struct machine *m, enum lvmm_engine engine)
{
	int ret;

	if (engine == LVMM_ENGINE_KVM)
		return open_kvm(m);
	ret = lvmm_vm_create(&m->vm);
	if (ret == -EACCES || ret == -EPERM)
		return no_access();
	if (ret == -ENOENT) {
		vmctl_err("cannot open %s: %s (is lvmm.ko loaded? try: insmod lvmm.ko)",
			  lvmm_dev_path(), strerror(-ret));
		return -1;
	}
	if (ret == -EPROTO) {
		vmctl_err("lvmm.ko speaks another ABI version than this vmctl (%d): "
			  "rebuild vmctl and lvmm.ko from the same tree", LVMM_API_VERSION);
		return -1;
	}
	if (ret) {
		vmctl_err("cannot create a VM: %s%s", strerror(-ret),
			  ret == -EBUSY ? " (another hypervisor, e.g. kvm_amd, holds the CPU's "
					  "virtualization: stop its VMs or unload it; since Linux 6.12 "
					  "KVM holds it while loaded unless kvm.enable_virt_at_load=0)" :
			  "");
		return -1;
	}
	return 0;
}

/* A virtio device's interrupt: an edge on its I/O APIC pin. */
static void virtio_pulse(void *opaque, unsigned int pin)
{
	struct machine *m = opaque;

	ioapic_set_irq(&m->ioapic, pin, 1);
	ioapic_set_irq(&m->ioapic, pin, 0);
}

static int add_virtio(struct machine *m, struct virtio_dev *d)
{
	if (!d)
		return -1;
	virtio_mmio_init(d, m->nr_virtio, (struct guest_mem){ m->mem, m->mem_size },
			 virtio_pulse, m);
	m->virtio[m->nr_virtio++] = d;
	return 0;
}

/* Disks first, so that they are vda, vdb, ... in --disk order. */
static int create_virtio_devices(struct machine *m, const struct vm_config *o)
{
	unsigned int i;

	for (i = 0; i < o->nr_disks; i++)
		if (add_virtio(m, virtio_blk_create(o->disks[i], o->disk_ro[i], i)))
			return -1;
	if (o->tap && add_virtio(m, virtio_net_create(o->tap, &m->lock)))
		return -1;
	if (add_virtio(m, virtio_rng_create()) || add_virtio(m, virtio_console_create(stdout)))
		return -1;
	if (o->virtio_console)
		m->virtio_console = m->virtio[m->nr_virtio - 1];
	return 0;
}

/*
 * A Linux guest gets the in-kernel local APIC, and learns the TSC's
 * frequency from its command line (tsc_early_khz=): with no PIT or HPET
 * to calibrate against, that is how it can use the TSC-deadline timer.
 */
static int prepare_linux(struct machine *m, const struct vm_config *o)
{
	int khz, ret;

	if (lvmm_check_extension(&m->vm, LVMM_CAP_IRQCHIP) <= 0) {
		vmctl_err("this lvmm.ko has no in-kernel local APIC (LVMM_CAP_IRQCHIP): "
			  "rebuild vmctl and lvmm.ko from the same tree");
		return -1;
	}
	ret = lvmm_create_irqchip(&m->vm);
	if (ret) {
		vmctl_err("cannot create the local APICs: %s", strerror(-ret));
		return -1;
	}
	khz = lvmm_get_tsc_khz(&m->vm);
	snprintf(m->cmdline, sizeof(m->cmdline), "%s", o->cmdline ? o->cmdline : "");
	if (khz > 0) {
		m->tsc_khz = khz;
		if (!strstr(m->cmdline, "tsc_early_khz="))
			snprintf(m->cmdline + strlen(m->cmdline),
				 sizeof(m->cmdline) - strlen(m->cmdline),
				 "%stsc_early_khz=%d", m->cmdline[0] ? " " : "", khz);
		/*
		 * The guest's TSC is the host's plus a constant offset: let
		 * it keep the TSC as clocksource instead of checking it
		 * against jiffies, whose ticks run late whenever the vCPU
		 * thread waits for a CPU.
		 */
		if (!strstr(m->cmdline, "tsc="))
			snprintf(m->cmdline + strlen(m->cmdline),
				 sizeof(m->cmdline) - strlen(m->cmdline), " tsc=reliable");
	} else {
		/* A TSC-deadline timer cannot be timed without the TSC's rate. */
		fprintf(stderr, "vmctl: warning: the host kernel knows no TSC rate (%s): "
			"the guest gets no TSC-deadline timer and calibrates its TSC itself\n",
			khz < 0 ? strerror(-khz) : "rate 0");
	}
	/* A panicked guest resets at once (vmctl exits) instead of hanging. */
	if (!strstr(m->cmdline, "panic="))
		snprintf(m->cmdline + strlen(m->cmdline), sizeof(m->cmdline) - strlen(m->cmdline),
			 " panic=-1");
	m->boot = (struct linux_boot){
		.kernel = o->kernel, .initrd = o->initrd, .cmdline = m->cmdline,
		.mem_size = o->memory,
	};
	if (bzimage_load(&m->boot, m->mem) || create_virtio_devices(m, o))
		return -1;
	mptable_write(m->mem, o->cpus);
	acpi_write_tables(m->mem, o->cpus, m->nr_virtio);
	m->linux = 1;
	return 0;
}

int machine_power_button(struct machine *m)
{
	if (!m->linux)
		return -1;
	pthread_mutex_lock(&m->lock);
	ioapic_set_irq(&m->ioapic, ACPI_GED_PIN, 1);
	ioapic_set_irq(&m->ioapic, ACPI_GED_PIN, 0);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* COM1's INTR line is ISA IRQ 4, I/O APIC pin 4 (see the MP table). */
static void com1_irq(void *opaque, int level)
{
	struct machine *m = opaque;

	ioapic_set_irq(&m->ioapic, UART_COM1_IRQ, level);
}

int machine_create(struct machine *m, const struct vm_config *o)
{
	int ret;

	unsigned int i;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->stopped, NULL);
	m->vm.sys_fd = m->vm.vm_fd = -1;
	for (i = 0; i < VMCTL_MAX_CPUS; i++)
		m->vcpus[i].fd = -1;
	/* Into the VM's cgroup first: guest RAM is charged to who touches it. */
	if (vm_cgroup_enter(&m->cgroup, o, o->cgroup_leaf))
		return -1;
	m->mem_size = o->memory;
	m->mem = lvmm_alloc_guest_mem(o->memory);
	if (!m->mem) {
		vmctl_err("cannot allocate %llu bytes of guest RAM: %s",
			  (unsigned long long)o->memory, strerror(errno));
		return -1;
	}
	if (o->flat && flat_load(o->flat, m->mem, m->mem_size, o->load_addr))
		return -1;
	if (open_vm(m, o->engine))
		return -1;
	/* The name lvmm's netlink listing shows (vmctl list, events). */
	if (o->name && (ret = lvmm_set_vm_name(&m->vm, o->name))) {
		vmctl_err("cannot name the VM '%s': %s", o->name, strerror(-ret));
		return -1;
	}
	if (o->kernel && prepare_linux(m, o))
		return -1;
	ret = lvmm_set_region(&m->vm, 0, 0, 0, m->mem_size, m->mem);
	if (ret) {
		vmctl_err("cannot register guest RAM: %s", strerror(-ret));
		return -1;
	}
	for (i = 0; i < o->cpus; i++) {
		ret = lvmm_vcpu_create(&m->vm, i, &m->vcpus[i]);
		if (!ret)
			m->ncpus++;
		if (!ret && m->linux)
			ret = setup_linux_vcpu(m, &m->vcpus[i]);
		else if (!ret)
			ret = set_real_mode_entry(&m->vcpus[i], o->load_addr);
		if (ret) {
			vmctl_err("cannot create vCPU %u: %s%s", i, strerror(-ret), ret == -ENOSPC ?
				  " (each vCPU holds one of the CPU's ASIDs or VPIDs and none is "
				  "free: stop other VMs)" : "");
			return -1;
		}
	}
	uart_init(&m->com1, UART_COM1_BASE, stdout, m->linux ? com1_irq : NULL, m);
	if (m->linux) {
		ioapic_init(&m->ioapic, &m->vm, o->cpus);
		rtc_init(&m->rtc);
	}
	return 0;
}

void machine_destroy(struct machine *m)
{
	unsigned int i;

	fflush(stdout);
	/* Device threads touch guest RAM: they go first. */
	for (i = 0; i < m->nr_virtio; i++)
		virtio_dev_destroy(m->virtio[i]);
	for (i = 0; i < m->ncpus; i++)
		if (m->vcpus[i].fd >= 0)
			lvmm_vcpu_destroy(&m->vcpus[i]);
	lvmm_vm_destroy(&m->vm);
	if (m->mem)
		lvmm_free_guest_mem(m->mem, m->mem_size);
	pthread_cond_destroy(&m->stopped);
	pthread_mutex_destroy(&m->lock);
	vm_cgroup_leave(&m->cgroup);
}

static void on_stop_signal(int sig)
{
	vmctl_stop_signal = sig;
}

static void on_wakeup_signal(int sig)
{
	(void)sig;	/* only there to make LVMM_RUN return EINTR */
}

void machine_signals(void)
{
	struct sigaction stop = { .sa_handler = on_stop_signal };
	struct sigaction wake = { .sa_handler = on_wakeup_signal };

	/* No SA_RESTART: a signal must make LVMM_RUN return EINTR. */
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGUSR1, &wake, NULL);
}

/* "NAME/N" for vCPU N, cut to the kernel's 15 characters. */
static void name_threads(struct machine *m, const char *name)
{
	char comm[16];
	unsigned int i;

	for (i = 0; i < m->ncpus; i++) {
		snprintf(comm, sizeof(comm), "%.*s/%u", (int)(sizeof(comm) - 4), name, i);
		pthread_setname_np(m->threads[i], comm);
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

struct vcpu_thread_arg {
	struct machine *m;
	struct lvmm_vcpu *vcpu;
};

static void *vcpu_thread(void *p)
{
	struct vcpu_thread_arg *a = p;

	vcpu_loop(a->m, a->vcpu);
	return NULL;
}

int machine_run(struct machine *m, const struct vm_config *o)
{
	struct vcpu_thread_arg args[VMCTL_MAX_CPUS];
	struct timespec start;
	unsigned int i;
	int status;

	if (o->stats)
		m->port_exits = calloc(65536, sizeof(*m->port_exits));
	clock_gettime(CLOCK_MONOTONIC, &start);
	m->threads[0] = pthread_self();
	for (i = 0; i < m->nr_virtio; i++)
		if (m->virtio[i]->device_id == VIRTIO_ID_NET && virtio_net_start(m->virtio[i]))
			return VMCTL_ERROR;
	if (m->linux && console_start(m))
		vmctl_err("warning: no input thread: the guest's console gets no input");
	for (i = 1; i < m->ncpus; i++) {
		args[i] = (struct vcpu_thread_arg){ m, &m->vcpus[i] };
		if (pthread_create(&m->threads[i], NULL, vcpu_thread, &args[i])) {
			vmctl_err("cannot start the thread of vCPU %u", i);
			/* The started ones end with the VM. */
			machine_stop(m, VMCTL_ERROR, "vmctl: stopping the VM: not every vCPU has a thread");
			break;
		}
	}
	if (o->name)
		name_threads(m, o->name);
	status = vcpu_loop(m, &m->vcpus[0]);
	while (--i > 0)
		pthread_join(m->threads[i], NULL);
	if (o->stats)
		print_vcpu_stats(m, seconds_since(&start));
	free(m->port_exits);
	m->port_exits = NULL;
	return status;
}
