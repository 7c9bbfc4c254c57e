/* SPDX-License-Identifier: GPL-2.0 */
/* One VM as vmctl runs it: RAM, vCPUs (one thread each), device models. */
#ifndef VMCTL_MACHINE_H
#define VMCTL_MACHINE_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "bzimage.h"
#include "ioapic.h"
#include "lvmm.h"
#include "pit.h"
#include "rtc.h"
#include "uart.h"
#include "virtio_mmio.h"
#include "vmcg.h"

#define VMCTL_MAX_CPUS	8

struct machine {
	struct lvmm_vm vm;
	struct lvmm_vcpu vcpus[VMCTL_MAX_CPUS];
	pthread_t threads[VMCTL_MAX_CPUS];
	unsigned int ncpus;
	uint8_t *mem;
	uint64_t mem_size;
	struct linux_boot boot;
	char cmdline[BOOT_CMDLINE_MAX];
	int linux;		/* a bzImage guest, not a flat one */
	int tsc_khz;		/* the TSC rate the guest sees; 0 if the host has none */

	/* The device models and the rest below: one vCPU thread at a time. */
	pthread_mutex_t lock;
	struct uart com1;
	struct pit pit;		/* channel 2, for the guest's TSC calibration */
	struct rtc rtc;
	struct ioapic ioapic;
	struct virtio_dev *virtio[VIRTIO_MAX_DEVICES];	/* slot i: window i, pin 16 + i */
	unsigned int nr_virtio;
	struct virtio_dev *virtio_console;	/* stdin goes here, not to COM1 */
	int reset_requested;	/* the guest pulsed the reset line */
	int poweroff_requested;	/* ... or entered ACPI S5 */
	/* Unclaimed ports and addresses are reported once, not per access. */
	uint8_t warned_ports[65536 / 8];
	uint32_t *port_exits;	/* --stats: port I/O exits per port */
	uint64_t warned_mmio;
	/* The first vCPU to end the VM sets the status; the others follow. */
	int stopping, status;
	unsigned int parked;	/* vCPUs in HLT with interrupts off */
	pthread_cond_t stopped;	/* parked vCPU threads wait for stopping */
	struct vm_cgroup cgroup;	/* where vmctl and the guest's RAM are charged */
};

/* Set by SIGINT/SIGTERM. */
extern volatile sig_atomic_t vmctl_stop_signal;

struct vm_config;

/* Build the VM of @o: 0, or -1 after saying why (then machine_destroy()). */
int machine_create(struct machine *m, const struct vm_config *o);
/* Run every vCPU (one thread each) until the VM ends; the exit status. */
int machine_run(struct machine *m, const struct vm_config *o);
void machine_destroy(struct machine *m);
/* SIGINT and SIGTERM stop the VM (status 128+N); SIGUSR1 only interrupts RUN. */
void machine_signals(void);

/* Run @vcpu until the VM ends; returns the exit status (see vmctl.h). */
int vcpu_loop(struct machine *m, struct lvmm_vcpu *vcpu);
/* Press the guest's ACPI power button: -1 if it has none (a flat guest). */
int machine_power_button(struct machine *m);
/* End the VM with @status from outside a vCPU thread, saying @why. */
void machine_stop(struct machine *m, int status, const char *why);

#endif /* VMCTL_MACHINE_H */
