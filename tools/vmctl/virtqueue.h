/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a split virtqueue (virtio 1.x, section 2.7): take a
 * descriptor chain the driver made available, hand back a used one.
 * Every guest address is checked against guest RAM; a chain that leaves
 * RAM, loops, or is longer than the queue makes the ring "broken", and
 * the device asks for a reset instead of touching host memory.
 */
#ifndef VMCTL_VIRTQUEUE_H
#define VMCTL_VIRTQUEUE_H

#include <stdint.h>
#include <sys/uio.h>

#define VIRTQ_MAX_SIZE	256	/* QueueNumMax of every lvmm queue */
#define VIRTQ_MAX_BUFS	64	/* longest chain a device accepts */

struct guest_mem {
	uint8_t *base;
	uint64_t size;
};

/* Host address of [gpa, gpa + len) in guest RAM, or NULL. */
void *guest_ptr(const struct guest_mem *g, uint64_t gpa, uint64_t len);

struct virtq {
	uint16_t size;			/* QueueNum: entries, a power of 2 */
	int ready;
	uint64_t desc, avail, used;	/* guest physical addresses */
	uint16_t next_avail;		/* the next avail ring entry to take */
};

/* One chain: device-readable buffers first, then device-writable ones. */
struct virtq_chain {
	uint16_t head;
	unsigned int nr_out, nr_in;
	struct iovec out[VIRTQ_MAX_BUFS];	/* driver -> device */
	struct iovec in[VIRTQ_MAX_BUFS];	/* device -> driver */
};

/* Whether the ring's three parts lie in guest RAM, suitably aligned. */
int virtq_valid(const struct virtq *q, const struct guest_mem *g);
/* 1: @c holds the next chain; 0: nothing available; -1: broken ring. */
int virtq_pop(struct virtq *q, const struct guest_mem *g, struct virtq_chain *c);
/* Return chain @head with @written bytes stored into its device-writable buffers. */
void virtq_push(struct virtq *q, const struct guest_mem *g, uint16_t head, uint32_t written);
/* Whether the driver wants an interrupt for what was just pushed. */
int virtq_wants_interrupt(const struct virtq *q, const struct guest_mem *g);

/* Copy up to @len bytes between a flat buffer and an iovec array, from byte @skip on. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip, void *buf, size_t len);
size_t buf_to_iov(const struct iovec *iov, unsigned int n, size_t skip, const void *buf, size_t len);
size_t iov_length(const struct iovec *iov, unsigned int n);

#endif /* VMCTL_VIRTQUEUE_H */
