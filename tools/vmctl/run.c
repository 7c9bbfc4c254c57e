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

#include "bzimage.h"
#include "cpuid.h"
#include "flat.h"
#include "mptable.h"
#include "lvmm.h"
#include "uart.h"
#include "vmctl.h"

#define DEFAULT_MEMORY		(1ULL << 20)
#define DEFAULT_LINUX_MEMORY	(512ULL << 20)
#define MAX_LINUX_MEMORY	(3ULL << 30)	/* RAM stays below the 32-bit MMIO hole */
#define DEFAULT_LOAD_ADDR	0x1000ULL
#define REAL_MODE_LIMIT		(1ULL << 20)	/* what CS:IP can reach */
#define MAX_MEMORY		(1ULL << 40)

struct run_opts {
	const char *flat, *kernel, *initrd, *cmdline;
	uint64_t memory, load_addr;
	unsigned long cpus;
	int memory_given;
};

struct machine {
	struct lvmm_vm vm;
	struct lvmm_vcpu vcpu;
	uint8_t *mem;
	uint64_t mem_size;
	struct uart com1;
	struct linux_boot boot;
	char cmdline[BOOT_CMDLINE_MAX];
	int linux;		/* a bzImage guest, not a flat one */
	int reset_requested;	/* the guest pulsed the reset line */
	/* Unclaimed ports and addresses are reported once, not per access. */
	uint8_t warned_ports[65536 / 8];
	uint64_t warned_mmio;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void run_usage(FILE *f)
{
	fputs("usage: vmctl run --flat FILE [--memory SIZE] [--load-addr ADDR]\n"
	      "       vmctl run --kernel BZIMAGE [--initrd FILE] [--cmdline STR]\n"
	      "                 [--memory SIZE] [--cpus N]\n"
	      "\n"
	      "Run FILE, raw 16-bit real-mode code, on one vCPU until it halts; or\n"
	      "boot a 64-bit Linux bzImage through the 64-bit boot protocol.\n"
	      "The guest's writes to the serial port COM1 (0x3f8) go to stdout.\n"
	      "\n"
	      "  --flat FILE        the guest image (no headers: code at byte 0)\n"
	      "  --kernel BZIMAGE   an x86-64 Linux kernel (boot protocol 2.12+)\n"
	      "  --initrd FILE      its initial ramdisk, placed at the top of RAM\n"
	      "  --cmdline STR      its command line (e.g. \"console=ttyS0\")\n"
	      "  --cpus N           vCPUs (only 1 until the in-kernel local APIC lands)\n"
	      "  --memory SIZE      guest RAM from address 0, in bytes or with a\n"
	      "                     K/M/G suffix, page aligned (default 1M; for\n"
	      "                     --kernel 512M, between 64M and 3G)\n"
	      "  --load-addr ADDR   where FILE goes and execution starts, below\n"
	      "                     1 MiB (default 0x1000); CS = ADDR >> 4\n"
	      "\n"
	      "vmctl adds tsc_early_khz=<the TSC's frequency> and panic=-1 to a\n"
	      "Linux command line that does not set them.\n"
	      "\n"
	      "Exit status: 0 the guest halted, 1 vmctl failed, 2 bad usage,\n"
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
	if (o->cpus > 1) {
		vmctl_err("--cpus %lu: only 1 vCPU for now (SMP needs the in-kernel local APIC, not there yet)",
			  o->cpus);
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
	if (o->initrd || o->cmdline || o->cpus != 1) {
		vmctl_err("run: --initrd, --cmdline and --cpus go with --kernel, not --flat");
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

static int setup_linux_vcpu(struct machine *m)
{
	struct lvmm_cpuid_entry cpuid[LVMM_MAX_CPUID_ENTRIES];
	unsigned int n = vmctl_cpuid_table(cpuid, LVMM_MAX_CPUID_ENTRIES, 0, 1);
	int ret = lvmm_set_cpuid(&m->vcpu, cpuid, n);

	return ret ? ret : bzimage_setup_vcpu(&m->boot, &m->vcpu);
}

static int open_vm(struct machine *m)
{
	int ret = lvmm_vm_create(&m->vm);

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
					  "virtualization: stop its VMs or unload it)" :
			  ret == -EACCES ? " (run as root or get access to /dev/lvmm)" : "");
		return -1;
	}
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
	if (khz > 0 && !strstr(m->cmdline, "tsc_early_khz="))
		snprintf(m->cmdline + strlen(m->cmdline), sizeof(m->cmdline) - strlen(m->cmdline),
			 "%stsc_early_khz=%d", m->cmdline[0] ? " " : "", khz);
	/* A panicked guest resets at once (vmctl exits) instead of hanging. */
	if (!strstr(m->cmdline, "panic="))
		snprintf(m->cmdline + strlen(m->cmdline), sizeof(m->cmdline) - strlen(m->cmdline),
			 " panic=-1");
	m->boot = (struct linux_boot){
		.kernel = o->kernel, .initrd = o->initrd, .cmdline = m->cmdline,
		.mem_size = o->memory,
	};
	if (bzimage_load(&m->boot, m->mem))
		return -1;
	mptable_write(m->mem, o->cpus);
	m->linux = 1;
	return 0;
}

static int machine_create(struct machine *m, const struct run_opts *o)
{
	int ret;

	memset(m, 0, sizeof(*m));
	m->vm.sys_fd = m->vm.vm_fd = m->vcpu.fd = -1;
	m->mem_size = o->memory;
	m->mem = lvmm_alloc_guest_mem(o->memory);
	if (!m->mem) {
		vmctl_err("cannot allocate %llu bytes of guest RAM: %s",
			  (unsigned long long)o->memory, strerror(errno));
		return -1;
	}
	if (o->flat && flat_load(o->flat, m->mem, m->mem_size, o->load_addr))
		return -1;
	if (open_vm(m))
		return -1;
	if (o->kernel && prepare_linux(m, o))
		return -1;
	ret = lvmm_set_region(&m->vm, 0, 0, 0, m->mem_size, m->mem);
	if (ret) {
		vmctl_err("cannot register guest RAM: %s", strerror(-ret));
		return -1;
	}
	ret = lvmm_vcpu_create(&m->vm, 0, &m->vcpu);
	if (!ret && m->linux)
		ret = setup_linux_vcpu(m);
	else if (!ret)
		ret = set_real_mode_entry(&m->vcpu, o->load_addr);
	if (ret) {
		vmctl_err("cannot create the vCPU: %s", strerror(-ret));
		return -1;
	}
	uart_init(&m->com1, UART_COM1_BASE, stdout);
	return 0;
}

static void machine_destroy(struct machine *m)
{
	fflush(stdout);
	if (m->vcpu.fd >= 0)
		lvmm_vcpu_destroy(&m->vcpu);
	lvmm_vm_destroy(&m->vm);
	if (m->mem)
		lvmm_free_guest_mem(m->mem, m->mem_size);
}

static uint64_t guest_rip(struct machine *m)
{
	struct lvmm_regs r;
	struct lvmm_sregs s;

	if (lvmm_get_regs(&m->vcpu, &r) || lvmm_get_sregs(&m->vcpu, &s))
		return 0;
	return s.cs.base + r.rip;
}

/*
 * The i8042's reset line, which Linux pulses to reboot (command 0xfe to
 * port 0x64). There is no keyboard behind it: the status port reads as
 * idle (nothing to read, room to write) and data reads as 0.
 */
#define I8042_DATA		0x60
#define I8042_COMMAND		0x64
#define I8042_CMD_RESET		0xfe

static int i8042_io(struct machine *m, struct lvmm_run *run, uint8_t *data)
{
	if (run->io.port != I8042_DATA && run->io.port != I8042_COMMAND)
		return 0;
	if (run->io.direction == LVMM_EXIT_IO_IN)
		memset(data, 0, run->io.size * run->io.count);
	else if (run->io.port == I8042_COMMAND && data[0] == I8042_CMD_RESET)
		m->reset_requested = 1;
	return 1;
}

/* Port I/O, string I/O included: each of @count items goes to the device. */
static void handle_io(struct machine *m)
{
	struct lvmm_run *run = m->vcpu.run;
	uint8_t *data = lvmm_io_data(&m->vcpu);
	uint32_t i, n = run->io.count * run->io.size;
	uint16_t port = run->io.port;

	if (m->linux && i8042_io(m, run, data))
		return;
	if (!uart_claims(&m->com1, port)) {
		/* As on a PC: nothing answers, reads float high. */
		if (run->io.direction == LVMM_EXIT_IO_IN)
			memset(data, 0xff, n);
		if (!(m->warned_ports[port / 8] & (1 << port % 8))) {
			m->warned_ports[port / 8] |= 1 << port % 8;
			vmctl_err("warning: guest %s port %#x at %#llx: no device there",
				  run->io.direction == LVMM_EXIT_IO_IN ? "read" : "wrote",
				  port, (unsigned long long)guest_rip(m));
		}
		return;
	}
	/* The UART has byte registers: wider accesses use the low byte. */
	for (i = 0; i < run->io.count; i++) {
		uint8_t *item = data + i * run->io.size;

		if (run->io.direction == LVMM_EXIT_IO_IN) {
			memset(item, 0, run->io.size);
			item[0] = uart_read(&m->com1, port);
		} else {
			uart_write(&m->com1, port, item[0]);
		}
	}
}

static void handle_mmio(struct machine *m)
{
	struct lvmm_run *run = m->vcpu.run;

	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	if (m->warned_mmio != run->mmio.phys_addr) {
		m->warned_mmio = run->mmio.phys_addr;
		vmctl_err("warning: guest %s %u bytes at %#llx (outside RAM) at %#llx: no device there",
			  run->mmio.is_write ? "wrote" : "read", run->mmio.len,
			  (unsigned long long)run->mmio.phys_addr,
			  (unsigned long long)guest_rip(m));
	}
}

/* Runs until the guest halts or fails; returns the exit status. */
static int run_loop(struct machine *m)
{
	struct lvmm_run *run = m->vcpu.run;
	unsigned int i;
	int ret;

	for (;;) {
		ret = lvmm_vcpu_run(&m->vcpu);
		if (ret == -EINTR) {
			if (stop_signal) {
				fflush(stdout);
				vmctl_err("stopped by signal %d", (int)stop_signal);
				return 128 + stop_signal;
			}
			continue;
		}
		if (ret) {
			vmctl_err("LVMM_RUN failed: %s", strerror(-ret));
			return VMCTL_ERROR;
		}
		switch (run->exit_reason) {
		case LVMM_EXIT_IO:
			handle_io(m);
			if (m->reset_requested) {
				fflush(stdout);
				vmctl_err("the guest reset the machine (reboot, or a panic with panic=-1)");
				return VMCTL_GUEST_RESET;
			}
			break;
		case LVMM_EXIT_MMIO:
			handle_mmio(m);
			break;
		case LVMM_EXIT_HLT:
			if (!m->linux)
				return VMCTL_OK;
			/* HLT with interrupts off: only NMI or INIT could wake it. */
			fflush(stdout);
			vmctl_err("the Linux guest stopped: HLT with interrupts off at %#llx",
				  (unsigned long long)guest_rip(m));
			return VMCTL_GUEST_FAILED;
		case LVMM_EXIT_HYPERCALL:
			run->hypercall.ret = (uint64_t)-ENOSYS;
			break;
		case LVMM_EXIT_SHUTDOWN:
			fflush(stdout);
			vmctl_err("the guest triple-faulted (shutdown) near %#llx",
				  (unsigned long long)guest_rip(m));
			return VMCTL_GUEST_FAILED;
		case LVMM_EXIT_FAIL_ENTRY:
			fflush(stdout);
			vmctl_err("entering the guest failed: hardware reason %#llx on cpu %u",
				  (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				  run->fail_entry.cpu);
			return VMCTL_GUEST_FAILED;
		case LVMM_EXIT_INTERNAL_ERROR:
			fflush(stdout);
			fprintf(stderr, "vmctl: lvmm could not handle the guest at %#llx: "
				"internal error %u, data",
				(unsigned long long)guest_rip(m), run->internal.suberror);
			for (i = 0; i < run->internal.ndata && i < 8; i++)
				fprintf(stderr, " %#llx", (unsigned long long)run->internal.data[i]);
			fputc('\n', stderr);
			return VMCTL_GUEST_FAILED;
		default:
			fflush(stdout);
			vmctl_err("unexpected exit '%s' (%u) near %#llx",
				  lvmm_exit_name(run->exit_reason), run->exit_reason,
				  (unsigned long long)guest_rip(m));
			return VMCTL_GUEST_FAILED;
		}
	}
}

int cmd_run(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct run_opts opts;
	struct machine m;
	int status;

	if (parse_run_opts(argc, argv, &opts))
		return VMCTL_USAGE;
	/* No SA_RESTART: a signal must make LVMM_RUN return EINTR. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (machine_create(&m, &opts)) {
		machine_destroy(&m);
		return VMCTL_ERROR;
	}
	status = run_loop(&m);
	machine_destroy(&m);
	return status;
}
