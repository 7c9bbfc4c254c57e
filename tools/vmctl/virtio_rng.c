// SPDX-License-Identifier: GPL-2.0
/* virtio-rng: each buffer the driver offers is filled from getrandom(). */
#include <stdlib.h>
#include <sys/random.h>
#include <linux/virtio_ids.h>

#include "virtio_devices.h"
#include "vmctl.h"

static uint32_t fill(struct virtq_chain *c)
{
	uint32_t written = 0;
	unsigned int i;

	for (i = 0; i < c->nr_in; i++) {
		ssize_t n = getrandom(c->in[i].iov_base, c->in[i].iov_len, 0);

		if (n <= 0)
			break;
		written += n;
		if ((size_t)n < c->in[i].iov_len)
			break;	/* a large request is answered in part, as allowed */
	}
	return written;
}

static void rng_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtq_chain c;
	int ret, done = 0;

	while ((ret = virtq_pop(&d->vq[q], &d->mem, &c)) > 0) {
		virtq_push(&d->vq[q], &d->mem, c.head, fill(&c));
		done = 1;
	}
	if (ret < 0)
		virtio_broken(d, q);
	if (done)
		virtio_notify_used(d, q);
}

static void rng_destroy(struct virtio_dev *d)
{
	free(d);
}

static const struct virtio_dev_ops rng_ops = {
	.notify = rng_notify,
	.destroy = rng_destroy,
};

struct virtio_dev *virtio_rng_create(void)
{
	struct virtio_dev *d = calloc(1, sizeof(*d));

	if (!d) {
		vmctl_err("virtio-rng: out of memory");
		return NULL;
	}
	*d = (struct virtio_dev){
		.name = "virtio-rng",
		.device_id = VIRTIO_ID_RNG,
		.nr_queues = 1,
		.ops = &rng_ops,
	};
	return d;
}
