// SPDX-License-Identifier: GPL-2.0
/* The virtio-mmio register file (see virtio_mmio.h). */
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "virtio_devices.h"
#include "vmctl.h"

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VENDOR	0x4d4d564c	/* "LVMM" */

void virtio_mmio_init(struct virtio_dev *d, unsigned int slot, struct guest_mem mem,
		      void (*pulse)(void *opaque, unsigned int pin), void *opaque)
{
	d->base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_WINDOW;
	d->pin = VIRTIO_MMIO_FIRST_PIN + slot;
	d->mem = mem;
	d->pulse = pulse;
	d->opaque = opaque;
	d->features |= 1ULL << VIRTIO_F_VERSION_1;
}

int virtio_mmio_slot(uint64_t gpa)
{
	if (gpa < VIRTIO_MMIO_BASE || gpa >= VIRTIO_MMIO_BASE + VIRTIO_MAX_DEVICES * VIRTIO_MMIO_WINDOW)
		return -1;
	return (gpa - VIRTIO_MMIO_BASE) / VIRTIO_MMIO_WINDOW;
}

int virtio_live(const struct virtio_dev *d)
{
	return (d->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(d->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void reset(struct virtio_dev *d)
{
	d->driver_features = 0;
	d->features_sel = d->driver_features_sel = d->queue_sel = 0;
	d->status = d->interrupt_status = 0;
	memset(d->vq, 0, sizeof(d->vq));
	d->broken_reported = 0;
	if (d->ops->reset)
		d->ops->reset(d);
}

void virtio_notify_used(struct virtio_dev *d, unsigned int q)
{
	if (!virtq_wants_interrupt(&d->vq[q], &d->mem))
		return;
	d->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	d->pulse(d->opaque, d->pin);
}

void virtio_broken(struct virtio_dev *d, unsigned int q)
{
	if (!d->broken_reported)
		vmctl_err("warning: %s: the driver corrupted queue %u (addresses outside RAM, "
			  "a loop or a bad index); the device waits for a reset", d->name, q);
	d->broken_reported = 1;
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (d->status & VIRTIO_CONFIG_S_DRIVER_OK) {
		d->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
		d->pulse(d->opaque, d->pin);
	}
}

static uint32_t config_read(const struct virtio_dev *d, uint64_t offset, unsigned int len)
{
	uint32_t v = 0;

	if (len <= 4 && offset < d->config_len)
		memcpy(&v, (const uint8_t *)d->config + offset,
		       d->config_len - offset < len ? d->config_len - offset : len);
	return v;
}

static struct virtq *selected_queue(struct virtio_dev *d)
{
	return d->queue_sel < d->nr_queues ? &d->vq[d->queue_sel] : NULL;
}

uint32_t virtio_mmio_read(struct virtio_dev *d, uint64_t offset, unsigned int len)
{
	struct virtq *q = selected_queue(d);

	if (offset >= VIRTIO_MMIO_CONFIG)
		return config_read(d, offset - VIRTIO_MMIO_CONFIG, len);
	if (len != 4)
		return 0;	/* registers are 32-bit wide */
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->features_sel < 2 ? (uint32_t)(d->features >> (32 * d->features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return ~0U;	/* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0;	/* the configuration never changes under the driver */
	default:
		return 0;
	}
}

/* FEATURES_OK only for a subset of what was offered, with VERSION_1. */
static void write_status(struct virtio_dev *d, uint32_t val)
{
	if (!val) {
		reset(d);
		return;
	}
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) && !(d->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((d->driver_features & ~d->features) ||
	     !(d->driver_features & (1ULL << VIRTIO_F_VERSION_1))))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	d->status = (val & 0xff & ~VIRTIO_CONFIG_S_NEEDS_RESET) |
		    (d->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void set_half(uint64_t *reg, int high, uint32_t val)
{
	if (high)
		*reg = (*reg & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | val;
}

static void write_queue(struct virtio_dev *d, struct virtq *q, uint64_t offset, uint32_t val)
{
	/* The layout is fixed once the queue is ready (until a reset). */
	if (q->ready && offset != VIRTIO_MMIO_QUEUE_READY)
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->size = val <= VIRTQ_MAX_SIZE ? val : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!(val & 1)) {
			q->ready = 0;
			break;
		}
		q->ready = 1;
		q->next_avail = 0;
		if (!virtq_valid(q, &d->mem))
			virtio_broken(d, q - d->vq);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&q->avail, offset == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&q->used, offset == VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		break;
	}
}

void virtio_mmio_write(struct virtio_dev *d, uint64_t offset, uint32_t val, unsigned int len)
{
	struct virtq *q = selected_queue(d);

	/* The configuration space is read-only here; registers are 32-bit. */
	if (offset >= VIRTIO_MMIO_CONFIG || len != 4)
		return;
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->driver_features_sel < 2 && !(d->status & VIRTIO_CONFIG_S_FEATURES_OK))
			set_half(&d->driver_features, d->driver_features_sel, val);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (val < d->nr_queues && virtio_live(d) && d->vq[val].ready)
			d->ops->notify(d, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~val;
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(d, val);
		break;
	default:
		if (q)
			write_queue(d, q, offset, val);
		break;
	}
}

void virtio_dev_destroy(struct virtio_dev *d)
{
	if (d)
		d->ops->destroy(d);
}
