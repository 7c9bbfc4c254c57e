// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run: one VM, one vCPU, and either a flat real-mode guest or a
 * Linux bzImage (bzimage.c). The exit loop hands port I/O to the device
 * models and ends when the guest halts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/virtio_ids.h>

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

#define DEFAULT_MEMORY		(1ULL << 20)
#define DEFAULT_LINUX_MEMORY	(512ULL << 20)
#define MAX_LINUX_MEMORY	(3ULL << 30)	/* RAM stays below the 32-bit MMIO hole */
#define DEFAULT_LOAD_ADDR	0x1000ULL
#define REAL_MODE_LIMIT		(1ULL << 20)	/* what CS:IP can reach */
#define MAX_MEMORY		(1ULL << 40)

/* Slots for disks: the others go to the net card, the rng and the console. */
#define MAX_DISKS	(VIRTIO_MAX_DEVICES - 3)
#define MAX_NAME	32

struct run_opts {
	const char *flat, *kernel, *initrd, *cmdline, *name;
	uint64_t memory, load_addr;
	unsigned long cpus;
	int memory_given;
	const char *disks[MAX_DISKS];
	int disk_ro[MAX_DISKS];
	unsigned int nr_disks;
	const char *tap;		/* --net tap:NAME; NULL for none */
	int virtio_console;		/* --console virtio */
	int stats;			/* --stats */
	enum lvmm_engine engine;	/* --engine */
};

static void run_usage(FILE *f)
{
	fputs("usage: vmctl run --flat FILE [--memory SIZE] [--load-addr ADDR]\n"
	      "       vmctl run --kernel BZIMAGE [--initrd FILE] [--cmdline STR]\n"
	      "                 [--memory SIZE] [--cpus N] [--disk FILE[,ro]]...\n"
	      "                 [--net tap:NAME|none] [--console serial|virtio] [--name NAME]\n"
	      "                 [--stats] [--engine lvmm|kvm]\n"
	      "\n"
	      "Run FILE, raw 16-bit real-mode code, on one vCPU until it halts; or\n"
	      "boot a 64-bit Linux bzImage through the 64-bit boot protocol.\n"
	      "The guest's writes to the serial port COM1 (0x3f8) go to stdout.\n"
	      "\n"
	      "  --flat FILE        the guest image (no headers: code at byte 0)\n"
	      "  --kernel BZIMAGE   an x86-64 Linux kernel (boot protocol 2.12+)\n"
	      "  --initrd FILE      its initial ramdisk, placed at the top of RAM\n"
	      "  --cmdline STR      its command line (e.g. \"console=ttyS0\")\n"
	      "  --cpus N           vCPUs, 1 to 8 (default 1)\n"
	      "  --memory SIZE      guest RAM from address 0, in bytes or with a\n"
	      "                     K/M/G suffix, page aligned (default 1M; for\n"
	      "                     --kernel 512M, between 64M and 3G)\n"
	      "  --disk FILE[,ro]   a raw disk image as virtio-blk (vda, vdb, ... in\n"
	      "                     order; up to 5); ,ro attaches it read-only\n"
	      "  --net tap:NAME     a virtio-net card on tap device NAME (created if\n"
	      "                     missing, removed at exit); none (default): no card\n"
	      "  --console DEV      where stdin goes: serial (COM1, default) or virtio\n"
	      "                     (hvc0); the guest's output on either reaches stdout\n"
	      "  --name NAME        the VM's name (1-32 of A-Z a-z 0-9 . _ -), given\n"
	      "                     to the vCPU threads (NAME/0, NAME/1, ...)\n"
	      "  --stats            at the end, print lvmm's exit counters (by kind,\n"
	      "                     per second) to stderr\n"
	      "  --engine E         lvmm (default), or kvm: the same machine on\n"
	      "                     /dev/kvm, for comparisons\n"
	      "  --load-addr ADDR   where FILE goes and execution starts, below\n"
	      "                     1 MiB (default 0x1000); CS = ADDR >> 4\n"
	      "\n"
	      "vmctl adds tsc_early_khz=<the TSC's frequency>, tsc=reliable and\n"
	      "panic=-1 to a Linux command line that does not set them. A Linux\n"
	      "guest always has a virtio-rng and a virtio-console; the virtio\n"
	      "devices are virtio-mmio, declared in the ACPI DSDT (the guest needs\n"
	      "the virtio_mmio driver). Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A.\n"
	      "\n"
	      "Exit status: 0 the guest halted (flat) or powered off (Linux), or\n"
	      "Ctrl-A x; 1 vmctl failed, 2 bad usage,\n"
	      "3 the guest crashed (triple fault, failed entry, internal error,\n"
	      "HLT with interrupts off), 4 the guest reset the machine (reboot,\n"
	      "or a panic), 128+N stopped by signal N.\n", f);
}

static int check_linux_opts(struct run_opts *o)
{
	if (!o->memory_given)
		o->memory = DEFAULT_LINUX_MEMORY;
	if (o->memory < BOOT_MIN_MEMORY || o->memory > MAX_LINUX_MEMORY || o->memory % 4096) {
		vmctl_err("--memory %llu MiB: a Linux guest needs between %llu MiB and %llu MiB, page aligned",
			  (unsigned long long)(o->memory >> 20),
			  (unsigned long long)(BOOT_MIN_MEMORY >> 20),
			  (unsigned long long)(MAX_LINUX_MEMORY >> 20));
		return -1;
	}
	if (o->cmdline && strlen(o->cmdline) > BOOT_CMDLINE_MAX - 64) {
		vmctl_err("--cmdline is %zu bytes; vmctl takes at most %d",
			  strlen(o->cmdline), BOOT_CMDLINE_MAX - 64);
		return -1;
	}
	if (o->cpus > VMCTL_MAX_CPUS) {
		vmctl_err("--cpus %lu: at most %d", o->cpus, VMCTL_MAX_CPUS);
		return -1;
	}
	return 0;
}

static int parse_disk(struct run_opts *o, char *arg)
{
	char *comma = strrchr(arg, ',');

	if (o->nr_disks == MAX_DISKS) {
		vmctl_err("--disk %s: at most %d disks", arg, MAX_DISKS);
		return -1;
	}
	o->disk_ro[o->nr_disks] = 0;
	if (comma && !strcmp(comma, ",ro")) {
		*comma = 0;
		o->disk_ro[o->nr_disks] = 1;
	} else if (comma && !strcmp(comma, ",rw")) {
		*comma = 0;
	}
	if (!*arg) {
		vmctl_err("--disk: give an image file (example: --disk root.img,ro)");
		return -1;
	}
	o->disks[o->nr_disks++] = arg;
	return 0;
}

static int parse_name(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > MAX_NAME || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "abcdefghijklmnopqrstuvwxyz0123456789._-") != len) {
		vmctl_err("--name '%s': use 1 to %d letters, digits, '.', '_' or '-'", name, MAX_NAME);
		return -1;
	}
	return 0;
}

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "flat", required_argument, NULL, 'f' },
		{ "memory", required_argument, NULL, 'm' },
		{ "load-addr", required_argument, NULL, 'l' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'N' },
		{ "console", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'a' },
		{ "stats", no_argument, NULL, 's' },
		{ "engine", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*o = (struct run_opts){ .memory = DEFAULT_MEMORY, .load_addr = DEFAULT_LOAD_ADDR,
				.cpus = 1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->flat = optarg;
			break;
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'c':
			o->cmdline = optarg;
			break;
		case 'd':
			if (parse_disk(o, optarg))
				return -1;
			break;
		case 'N':
			if (!strcmp(optarg, "none")) {
				o->tap = NULL;
			} else if (!strncmp(optarg, "tap:", 4)) {
				o->tap = optarg + 4;
			} else {
				vmctl_err("--net '%s': use tap:NAME or none", optarg);
				return -1;
			}
			break;
		case 'C':
			if (strcmp(optarg, "serial") && strcmp(optarg, "virtio")) {
				vmctl_err("--console '%s': use serial or virtio", optarg);
				return -1;
			}
			o->virtio_console = !strcmp(optarg, "virtio");
			break;
		case 's':
			o->stats = 1;
			break;
		case 'e':
			if (strcmp(optarg, "lvmm") && strcmp(optarg, "kvm")) {
				vmctl_err("--engine '%s': use lvmm or kvm", optarg);
				return -1;
			}
			o->engine = strcmp(optarg, "kvm") ? LVMM_ENGINE_LVMM : LVMM_ENGINE_KVM;
			break;
		case 'a':
			if (parse_name(optarg))
				return -1;
			o->name = optarg;
			break;
		case 'n': {
			char *end;

			o->cpus = strtoul(optarg, &end, 10);
			if (*end || !o->cpus) {
				vmctl_err("--cpus '%s' is not a positive number", optarg);
				return -1;
			}
			break;
		}
		case 'm':
			o->memory_given = 1;
			if (parse_size(optarg, &o->memory)) {
				vmctl_err("--memory '%s' is not a size (examples: 65536, 64K, 16M)",
					  optarg);
				return -1;
			}
			break;
		case 'l':
			if (parse_u64(optarg, &o->load_addr)) {
				vmctl_err("--load-addr '%s' is not an address (example: 0x1000)",
					  optarg);
				return -1;
			}
			break;
		case 'h':
			run_usage(stdout);
			exit(VMCTL_OK);
		default:
			vmctl_err("run: unknown or incomplete option '%s' (see: vmctl run --help)",
				  argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		vmctl_err("run: unexpected argument '%s' (see: vmctl run --help)", argv[optind]);
		return -1;
	}
	if (!o->flat == !o->kernel) {
		vmctl_err("run: give one guest: --kernel BZIMAGE or --flat FILE");
		return -1;
	}
	if (o->kernel)
		return check_linux_opts(o);
	if (o->initrd || o->cmdline || o->cpus != 1 || o->nr_disks || o->tap || o->virtio_console) {
		vmctl_err("run: --initrd, --cmdline, --cpus, --disk, --net and --console go with "
			  "--kernel, not --flat");
		return -1;
	}
	if (o->memory < 4096 || o->memory % 4096 || o->memory > MAX_MEMORY) {
		vmctl_err("--memory %llu: must be a multiple of 4K between 4K and 1T",
			  (unsigned long long)o->memory);
		return -1;
	}
	if (o->load_addr >= REAL_MODE_LIMIT) {
		vmctl_err("--load-addr %#llx: a real-mode guest must start below 1 MiB",
			  (unsigned long long)o->load_addr);
		return -1;
	}
	return 0;
}

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

static int open_vm(struct machine *m, enum lvmm_engine engine)
{
	int ret;

	if (engine == LVMM_ENGINE_KVM)
		return open_kvm(m);
	ret = lvmm_vm_create(&m->vm);
	if (ret == -ENOENT) {
		vmctl_err("cannot open %s: %s (is lvmm.ko loaded? try: insmod lvmm.ko)",
			  getenv("LVMM_DEV") ? getenv("LVMM_DEV") : "/dev/lvmm", strerror(-ret));
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
			  ret == -EACCES ? " (run as root or get access to /dev/lvmm)" : "");
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
static int create_virtio_devices(struct machine *m, const struct run_opts *o)
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
static int prepare_linux(struct machine *m, const struct run_opts *o)
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

/* COM1's INTR line is ISA IRQ 4, I/O APIC pin 4 (see the MP table). */
static void com1_irq(void *opaque, int level)
{
	struct machine *m = opaque;

	ioapic_set_irq(&m->ioapic, UART_COM1_IRQ, level);
}

static int machine_create(struct machine *m, const struct run_opts *o)
{
	int ret;

	unsigned int i;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->stopped, NULL);
	m->vm.sys_fd = m->vm.vm_fd = -1;
	for (i = 0; i < VMCTL_MAX_CPUS; i++)
		m->vcpus[i].fd = -1;
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
			vmctl_err("cannot create vCPU %u: %s", i, strerror(-ret));
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

static void machine_destroy(struct machine *m)
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
}

static void on_stop_signal(int sig)
{
	vmctl_stop_signal = sig;
}

static void on_wakeup_signal(int sig)
{
	(void)sig;	/* only there to make LVMM_RUN return EINTR */
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

static struct machine the_machine;

static void *vcpu_thread(void *vcpu)
{
	vcpu_loop(&the_machine, vcpu);
	return NULL;
}

int cmd_run(int argc, char **argv)
{
	struct sigaction stop = { .sa_handler = on_stop_signal };
	struct sigaction wake = { .sa_handler = on_wakeup_signal };
	struct machine *mp = &the_machine;
	struct timespec start;
	struct run_opts opts;
	unsigned int i;
	int status;

	if (parse_run_opts(argc, argv, &opts))
		return VMCTL_USAGE;
	/* No SA_RESTART: a signal must make LVMM_RUN return EINTR. */
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGUSR1, &wake, NULL);
	if (machine_create(mp, &opts)) {
		machine_destroy(mp);
		return VMCTL_ERROR;
	}
	if (opts.stats)
		mp->port_exits = calloc(65536, sizeof(*mp->port_exits));
	clock_gettime(CLOCK_MONOTONIC, &start);
	mp->threads[0] = pthread_self();
	for (i = 0; i < mp->nr_virtio; i++)
		if (mp->virtio[i]->device_id == VIRTIO_ID_NET && virtio_net_start(mp->virtio[i])) {
			machine_destroy(mp);
			return VMCTL_ERROR;
		}
	if (mp->linux && console_start(mp))
		vmctl_err("warning: no input thread: the guest's console gets no input");
	for (i = 1; i < mp->ncpus; i++) {
		if (pthread_create(&mp->threads[i], NULL, vcpu_thread, &mp->vcpus[i])) {
			vmctl_err("cannot start the thread of vCPU %u", i);
			machine_destroy(mp);
			return VMCTL_ERROR;
		}
	}
	if (opts.name)
		name_threads(mp, opts.name);
	status = vcpu_loop(mp, &mp->vcpus[0]);
	for (i = 1; i < mp->ncpus; i++)
		pthread_join(mp->threads[i], NULL);
	if (opts.stats)
		print_vcpu_stats(mp, seconds_since(&start));
	free(mp->port_exits);
	machine_destroy(mp);
	return status;
}
