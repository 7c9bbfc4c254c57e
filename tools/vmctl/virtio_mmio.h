/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2): one
 * 4 KiB register window and one I/O APIC pin per device. Devices are
 * declared to the guest in the DSDT (acpi.c, _HID "LNRO0005"), which is
 * how Debian's kernel, without virtio_mmio.device= support, finds them.
 * The pin is pulsed (edge-triggered, like Firecracker's): the driver
 * reads InterruptStatus and drains the whole ring on each interrupt.
 */
#ifndef VMCTL_VIRTIO_MMIO_H
#define VMCTL_VIRTIO_MMIO_H

#include <stdint.h>

#include "virtqueue.h"

#define VIRTIO_MMIO_BASE	0xd0000000ULL	/* above the largest RAM (3 GiB) */
#define VIRTIO_MMIO_WINDOW	0x1000
#define VIRTIO_MMIO_FIRST_PIN	16		/* I/O APIC pins above the ISA ones */
#define VIRTIO_MAX_DEVICES	8		/* pins 16-23 */
#define VIRTIO_MAX_QUEUES	2

struct virtio_dev;

struct virtio_dev_ops {
	/* The driver made buffers available in queue @q. */
	void (*notify)(struct virtio_dev *d, unsigned int q);
	/* The driver reset the device (status 0): drop in-flight state. */
	void (*reset)(struct virtio_dev *d);
	/* Free the device (its struct virtio_dev included). */
	void (*destroy)(struct virtio_dev *d);
};

struct virtio_dev {
	/* Set by the device model. */
	const char *name;		/* for messages: "virtio-blk vda" */
	uint32_t device_id;		/* VIRTIO_ID_* */
	uint64_t features;		/* offered; VIRTIO_F_VERSION_1 is added */
	const void *config;		/* device configuration space */
	uint32_t config_len;
	unsigned int nr_queues;
	const struct virtio_dev_ops *ops;
	void *priv;

	/* Set by virtio_mmio_init(). */
	uint64_t base;
	unsigned int pin;
	struct guest_mem mem;
	void (*pulse)(void *opaque, unsigned int pin);
	void *opaque;

	/* The transport's registers. */
	uint64_t driver_features;
	uint32_t features_sel, driver_features_sel, queue_sel;
	uint32_t status, interrupt_status;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	int broken_reported;
};

void virtio_mmio_init(struct virtio_dev *d, unsigned int slot, struct guest_mem mem,
		      void (*pulse)(void *opaque, unsigned int pin), void *opaque);
/* Whether @gpa is in the window of the device in @slot. */
int virtio_mmio_slot(uint64_t gpa);
uint32_t virtio_mmio_read(struct virtio_dev *d, uint64_t offset, unsigned int len);
void virtio_mmio_write(struct virtio_dev *d, uint64_t offset, uint32_t val, unsigned int len);

/* Whether the driver has set DRIVER_OK and not broken the device since. */
int virtio_live(const struct virtio_dev *d);
/* After pushing used buffers to queue @q: interrupt the driver if it wants one. */
void virtio_notify_used(struct virtio_dev *d, unsigned int q);
/* The driver corrupted queue @q: report once, set DEVICE_NEEDS_RESET. */
void virtio_broken(struct virtio_dev *d, unsigned int q);

#endif /* VMCTL_VIRTIO_MMIO_H */
