// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console with one port (/dev/hvc0 in the guest), no multiport:
 * queue 0 carries input to the guest, queue 1 its output, which goes to
 * the same place as the serial port's.
 */
#include <stdlib.h>
#include <linux/virtio_ids.h>

#include "virtio_devices.h"
#include "vmctl.h"

#define RX_QUEUE	0
#define TX_QUEUE	1

struct virtio_console {
	struct virtio_dev dev;
	FILE *out;
};

static void console_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_console *con = (struct virtio_console *)d;
	struct virtq_chain c;
	unsigned int i;
	int ret, done = 0;

	if (q != TX_QUEUE)
		return;	/* new receive buffers: used when input comes */
	while ((ret = virtq_pop(&d->vq[q], &d->mem, &c)) > 0) {
		for (i = 0; i < c.nr_out; i++)
			fwrite(c.out[i].iov_base, 1, c.out[i].iov_len, con->out);
		virtq_push(&d->vq[q], &d->mem, c.head, 0);
		done = 1;
	}
	fflush(con->out);
	if (ret < 0)
		virtio_broken(d, q);
	if (done)
		virtio_notify_used(d, q);
}

size_t virtio_console_receive(struct virtio_dev *d, const uint8_t *buf, size_t len)
{
	struct virtq_chain c;
	size_t done = 0, n;
	int ret = 0;

	while (done < len && virtio_live(d) && d->vq[RX_QUEUE].ready &&
	       (ret = virtq_pop(&d->vq[RX_QUEUE], &d->mem, &c)) > 0) {
		n = buf_to_iov(c.in, c.nr_in, 0, buf + done, len - done);
		virtq_push(&d->vq[RX_QUEUE], &d->mem, c.head, n);
		done += n;
	}
	if (ret < 0)
		virtio_broken(d, RX_QUEUE);
	if (done)
		virtio_notify_used(d, RX_QUEUE);
	return done;
}

static void console_destroy(struct virtio_dev *d)
{
	free(d);
}

static const struct virtio_dev_ops console_ops = {
	.notify = console_notify,
	.destroy = console_destroy,
};

struct virtio_dev *virtio_console_create(FILE *out)
{
	struct virtio_console *con = calloc(1, sizeof(*con));

	if (!con) {
		vmctl_err("virtio-console: out of memory");
		return NULL;
	}
	con->out = out;
	con->dev = (struct virtio_dev){
		.name = "virtio-console",
		.device_id = VIRTIO_ID_CONSOLE,
		.nr_queues = 2,
		.ops = &console_ops,
	};
	return &con->dev;
}
