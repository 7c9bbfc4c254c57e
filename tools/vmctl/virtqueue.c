// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues. The driver runs on other vCPUs while a device reads
 * the ring, so the indices are loaded and stored with acquire/release
 * order, and descriptors are copied before they are checked (the driver
 * could change them under us). Little-endian, like x86.
 */
#include <string.h>
#include <linux/virtio_ring.h>

#include "virtqueue.h"

void *guest_ptr(const struct guest_mem *g, uint64_t gpa, uint64_t len)
{
	if (gpa > g->size || len > g->size - gpa)
		return NULL;
	return g->base + gpa;
}

int virtq_valid(const struct virtq *q, const struct guest_mem *g)
{
	uint64_t n = q->size;

	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return 0;
	if (q->desc % 16 || q->avail % 2 || q->used % 4)
		return 0;
	return guest_ptr(g, q->desc, 16 * n) && guest_ptr(g, q->avail, 6 + 2 * n) &&
	       guest_ptr(g, q->used, 6 + 8 * n);
}

static uint16_t load_idx(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* One descriptor into the chain's out or in list. */
static int add_buf(struct virtq_chain *c, const struct guest_mem *g, const struct vring_desc *d)
{
	int writable = d->flags & VRING_DESC_F_WRITE;
	void *p = guest_ptr(g, d->addr, d->len);

	/* Readable buffers come first: one after a writable one is malformed. */
	if (!p || (!writable && c->nr_in))
		return -1;
	if (c->nr_out + c->nr_in >= VIRTQ_MAX_BUFS)
		return -1;
	if (writable)
		c->in[c->nr_in++] = (struct iovec){ p, d->len };
	else
		c->out[c->nr_out++] = (struct iovec){ p, d->len };
	return 0;
}

int virtq_pop(struct virtq *q, const struct guest_mem *g, struct virtq_chain *c)
{
	struct vring_avail *avail = guest_ptr(g, q->avail, 6 + 2 * q->size);
	const struct vring_desc *table = guest_ptr(g, q->desc, 16 * q->size);
	uint16_t idx, i, steps;

	if (!q->ready || !avail || !table)
		return -1;
	idx = load_idx(&avail->idx);
	if (idx == q->next_avail)
		return 0;
	/* More entries than the ring has: the driver's index is garbage. */
	if ((uint16_t)(idx - q->next_avail) > q->size)
		return -1;
	c->head = avail->ring[q->next_avail % q->size];
	c->nr_out = c->nr_in = 0;
	q->next_avail++;
	for (i = c->head, steps = 0;; steps++) {
		struct vring_desc d;

		/* Indirect descriptors are not offered; a loop never ends. */
		if (i >= q->size || steps >= q->size)
			return -1;
		memcpy(&d, &table[i], sizeof(d));
		if ((d.flags & VRING_DESC_F_INDIRECT) || add_buf(c, g, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 1;
		i = d.next;
	}
}

void virtq_push(struct virtq *q, const struct guest_mem *g, uint16_t head, uint32_t written)
{
	struct vring_used *used = guest_ptr(g, q->used, 6 + 8 * q->size);
	uint16_t idx;

	if (!used)
		return;
	idx = used->idx;
	used->ring[idx % q->size].id = head;
	used->ring[idx % q->size].len = written;
	/* The element before the index that publishes it. */
	__atomic_store_n(&used->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
}

int virtq_wants_interrupt(const struct virtq *q, const struct guest_mem *g)
{
	const struct vring_avail *avail = guest_ptr(g, q->avail, 6 + 2 * q->size);

	/* Our used index store before the driver's flag load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail && !(load_idx(&avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
}

size_t iov_length(const struct iovec *iov, unsigned int n)
{
	size_t len = 0;

	while (n--)
		len += iov++->iov_len;
	return len;
}

static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t skip,
		       void *buf, size_t len, int to_iov)
{
	size_t done = 0;

	for (; n && done < len; iov++, n--) {
		size_t chunk;

		if (skip >= iov->iov_len) {
			skip -= iov->iov_len;
			continue;
		}
		chunk = iov->iov_len - skip;
		if (chunk > len - done)
			chunk = len - done;
		if (to_iov)
			memcpy((uint8_t *)iov->iov_base + skip, (uint8_t *)buf + done, chunk);
		else
			memcpy((uint8_t *)buf + done, (uint8_t *)iov->iov_base + skip, chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip, void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, 0);
}

size_t buf_to_iov(const struct iovec *iov, unsigned int n, size_t skip, const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (void *)buf, len, 1);
}
