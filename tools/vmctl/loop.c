// SPDX-License-Identifier: GPL-2.0
/*
 * The exit loop of one vCPU: port I/O and MMIO go to the device models
 * (under the machine's lock), and an exit that ends the guest ends the
 * VM: the first vCPU to see one records the status and pulls the other
 * vCPU threads out of LVMM_RUN with a signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acpi.h"
#include "machine.h"
#include "vmctl.h"

volatile sig_atomic_t vmctl_stop_signal;

static uint64_t guest_rip(struct lvmm_vcpu *vcpu)
{
	struct lvmm_regs r;
	struct lvmm_sregs s;

	if (lvmm_get_regs(vcpu, &r) || lvmm_get_sregs(vcpu, &s))
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

/* ACPI's sleep control register: SLP_EN with \_S5's type is power-off. */
static int acpi_io(struct machine *m, struct lvmm_run *run, uint8_t *data)
{
	if (run->io.port != ACPI_SLEEP_CONTROL && run->io.port != ACPI_SLEEP_STATUS)
		return 0;
	if (run->io.direction == LVMM_EXIT_IO_IN)
		memset(data, 0, run->io.size * run->io.count);
	else if (run->io.port == ACPI_SLEEP_CONTROL && (data[0] & ACPI_SLP_EN) &&
		 ACPI_SLP_TYP(data[0]) == ACPI_S5_TYPE)
		m->poweroff_requested = 1;
	return 1;
}

/* The byte-wide port devices: reads and writes of one register. */
struct byte_port_ops {
	uint8_t (*read)(struct machine *m, uint16_t port);
	void (*write)(struct machine *m, uint16_t port, uint8_t val);
};

static uint8_t com1_read(struct machine *m, uint16_t port)
{
	return uart_read(&m->com1, port);
}

static void com1_write(struct machine *m, uint16_t port, uint8_t val)
{
	uart_write(&m->com1, port, val);
}

static uint8_t pit_port_read(struct machine *m, uint16_t port)
{
	return pit_read(&m->pit, port);
}

static void pit_port_write(struct machine *m, uint16_t port, uint8_t val)
{
	pit_write(&m->pit, port, val);
}

static uint8_t rtc_port_read(struct machine *m, uint16_t port)
{
	return rtc_read(&m->rtc, port);
}

static void rtc_port_write(struct machine *m, uint16_t port, uint8_t val)
{
	rtc_write(&m->rtc, port, val);
}

static const struct byte_port_ops com1_ops = { com1_read, com1_write };
static const struct byte_port_ops pit_ops = { pit_port_read, pit_port_write };
static const struct byte_port_ops rtc_ops = { rtc_port_read, rtc_port_write };

static const struct byte_port_ops *byte_device(struct machine *m, uint16_t port)
{
	if (uart_claims(&m->com1, port))
		return &com1_ops;
	if (m->linux && pit_claims(port))
		return &pit_ops;
	if (m->linux && rtc_claims(port))
		return &rtc_ops;
	return NULL;
}

/* Port I/O, string I/O included: each of @count items goes to the device. */
static void handle_io(struct machine *m, struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *run = vcpu->run;
	uint8_t *data = lvmm_io_data(vcpu);
	uint32_t i, n = run->io.count * run->io.size;
	uint16_t port = run->io.port;
	const struct byte_port_ops *dev;

	if (m->port_exits)
		m->port_exits[port]++;
	if (m->linux && (i8042_io(m, run, data) || acpi_io(m, run, data)))
		return;
	dev = byte_device(m, port);
	if (!dev) {
		/* As on a PC: nothing answers, reads float high. */
		if (run->io.direction == LVMM_EXIT_IO_IN)
			memset(data, 0xff, n);
		if (!(m->warned_ports[port / 8] & (1 << port % 8))) {
			m->warned_ports[port / 8] |= 1 << port % 8;
			vmctl_err("warning: guest %s port %#x at %#llx: no device there",
				  run->io.direction == LVMM_EXIT_IO_IN ? "read" : "wrote",
				  port, (unsigned long long)guest_rip(vcpu));
		}
		return;
	}
	/* Byte registers: wider accesses use the low byte. */
	for (i = 0; i < run->io.count; i++) {
		uint8_t *item = data + i * run->io.size;

		if (run->io.direction == LVMM_EXIT_IO_IN) {
			memset(item, 0, run->io.size);
			item[0] = dev->read(m, port);
		} else {
			dev->write(m, port, item[0]);
		}
	}
}

static void handle_mmio(struct machine *m, struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *run = vcpu->run;
	int slot = virtio_mmio_slot(run->mmio.phys_addr);
	uint32_t v = 0;

	if (slot >= 0 && (unsigned int)slot < m->nr_virtio) {
		struct virtio_dev *d = m->virtio[slot];
		uint64_t offset = run->mmio.phys_addr - d->base;

		if (run->mmio.is_write) {
			memcpy(&v, run->mmio.data, run->mmio.len < 4 ? run->mmio.len : 4);
			virtio_mmio_write(d, offset, v, run->mmio.len);
		} else {
			v = virtio_mmio_read(d, offset, run->mmio.len);
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
			memcpy(run->mmio.data, &v, 4);
		}
		return;
	}

	if (m->linux && ioapic_claims(run->mmio.phys_addr)) {
		/* 32-bit registers; other widths use the low bytes. */
		if (run->mmio.is_write) {
			memcpy(&v, run->mmio.data, run->mmio.len < 4 ? run->mmio.len : 4);
			ioapic_write(&m->ioapic, run->mmio.phys_addr, v);
		} else {
			v = ioapic_read(&m->ioapic, run->mmio.phys_addr);
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
			memcpy(run->mmio.data, &v, 4);
		}
		return;
	}
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	if (m->warned_mmio != run->mmio.phys_addr) {
		m->warned_mmio = run->mmio.phys_addr;
		vmctl_err("warning: guest %s %u bytes at %#llx (outside RAM) at %#llx: no device there",
			  run->mmio.is_write ? "wrote" : "read", run->mmio.len,
			  (unsigned long long)run->mmio.phys_addr,
			  (unsigned long long)guest_rip(vcpu));
	}
}

#define PARK	(-2)

/* What one exit means: -1 go on, PARK stop this vCPU, else the status that ends the VM. */
static int handle_exit(struct machine *m, struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *run = vcpu->run;
	unsigned int i;

	switch (run->exit_reason) {
	case LVMM_EXIT_IO:
		handle_io(m, vcpu);
		if (m->poweroff_requested) {
			fflush(stdout);
			return VMCTL_OK;
		}
		if (!m->reset_requested)
			return -1;
		fflush(stdout);
		vmctl_err("the guest reset the machine (reboot, or a panic with panic=-1)");
		return VMCTL_GUEST_RESET;
	case LVMM_EXIT_MMIO:
		handle_mmio(m, vcpu);
		return -1;
	case LVMM_EXIT_HLT:
		if (!m->linux)
			return VMCTL_OK;
		/*
		 * HLT with interrupts off: only NMI or INIT could wake the
		 * vCPU. One such vCPU is a parked CPU (Linux stops the others
		 * so on reboot or panic); all of them is a dead guest.
		 */
		if (++m->parked < m->ncpus)
			return PARK;
		fflush(stdout);
		vmctl_err("the Linux guest stopped: every vCPU is in HLT with interrupts off (vCPU %u at %#llx)",
			  vcpu->id, (unsigned long long)guest_rip(vcpu));
		return VMCTL_GUEST_FAILED;
	case LVMM_EXIT_HYPERCALL:
		run->hypercall.ret = (uint64_t)-ENOSYS;
		return -1;
	case LVMM_EXIT_SHUTDOWN:
		fflush(stdout);
		/* No RIP: lvmm has already put the vCPU back to its reset state. */
		vmctl_err("the guest triple-faulted (shutdown) on vCPU %u", vcpu->id);
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
			(unsigned long long)guest_rip(vcpu), run->internal.suberror);
		for (i = 0; i < run->internal.ndata && i < 8; i++)
			fprintf(stderr, " %#llx", (unsigned long long)run->internal.data[i]);
		fputc('\n', stderr);
		return VMCTL_GUEST_FAILED;
	default:
		fflush(stdout);
		vmctl_err("unexpected exit '%s' (%u) near %#llx",
			  lvmm_exit_name(run->exit_reason), run->exit_reason,
			  (unsigned long long)guest_rip(vcpu));
		return VMCTL_GUEST_FAILED;
	}
}

/* End the VM with @status (the first caller wins) and stop the other vCPUs. */
static int stop_machine(struct machine *m, struct lvmm_vcpu *self, int status)
{
	unsigned int i;

	if (!m->stopping) {
		m->stopping = 1;
		m->status = status;
		pthread_cond_broadcast(&m->stopped);
		for (i = 0; i < m->ncpus; i++) {
			if (&m->vcpus[i] == self)
				continue;
			/* Before RUN: return at once; inside it: the signal. */
			lvmm_vcpu_set_immediate_exit(&m->vcpus[i]);
			pthread_kill(m->threads[i], SIGUSR1);
		}
	}
	return m->status;
}

void machine_stop(struct machine *m, int status, const char *why)
{
	pthread_mutex_lock(&m->lock);
	if (!m->stopping) {
		fflush(stdout);
		vmctl_err("%s", why);
	}
	stop_machine(m, NULL, status);
	pthread_mutex_unlock(&m->lock);
}

int vcpu_loop(struct machine *m, struct lvmm_vcpu *vcpu)
{
	int ret, status;

	for (;;) {
		/* A stop signal that came outside LVMM_RUN must not wait for an exit. */
		ret = vmctl_stop_signal ? -EINTR : lvmm_vcpu_run(vcpu);
		pthread_mutex_lock(&m->lock);
		if (m->stopping) {
			status = m->status;
		} else if (ret == -EINTR) {
			status = -1;
			if (vmctl_stop_signal) {
				fflush(stdout);
				vmctl_err("stopped by signal %d", (int)vmctl_stop_signal);
				status = stop_machine(m, vcpu, 128 + vmctl_stop_signal);
			}
		} else if (ret) {
			vmctl_err("%s failed on vCPU %u: %s",
				  m->vm.engine == LVMM_ENGINE_KVM ? "KVM_RUN" : "LVMM_RUN",
				  vcpu->id, strerror(-ret));
			status = stop_machine(m, vcpu, VMCTL_ERROR);
		} else {
			status = handle_exit(m, vcpu);
			if (status >= 0)
				status = stop_machine(m, vcpu, status);
		}
		/* A parked vCPU waits for the others to end the VM. */
		while (status == PARK && !m->stopping)
			pthread_cond_wait(&m->stopped, &m->lock);
		if (status == PARK)
			status = m->status;
		pthread_mutex_unlock(&m->lock);
		if (status >= 0)
			return status;
	}
}
