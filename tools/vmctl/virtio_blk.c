// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk on a raw image file. Requests run on the notifying vCPU's
 * thread (simple, and the guest waits for them anyway); FLUSH is
 * fdatasync(), so data the guest flushed survives a host crash. The image
 * is locked (flock: shared when read-only, else exclusive) so that two
 * VMs never write one disk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "virtio_devices.h"
#include "vmctl.h"

#define SECTOR_SIZE	512

struct virtio_blk {
	struct virtio_dev dev;
	struct virtio_blk_config config;
	int fd, readonly;
	char name[32];
	char serial[VIRTIO_BLK_ID_BYTES];
};

static uint8_t do_io(struct virtio_blk *b, const struct virtio_blk_outhdr *h,
		     const struct iovec *iov, unsigned int n, int write)
{
	size_t len = iov_length(iov, n);
	uint64_t sectors = b->config.capacity;
	ssize_t done;

	if (len % SECTOR_SIZE || h->sector > sectors || len / SECTOR_SIZE > sectors - h->sector)
		return VIRTIO_BLK_S_IOERR;
	if (write && b->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (write)
		done = pwritev(b->fd, iov, n, h->sector * SECTOR_SIZE);
	else
		done = preadv(b->fd, iov, n, h->sector * SECTOR_SIZE);
	return done == (ssize_t)len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

/* One request: header, data, status byte. Returns the bytes written to the guest. */
static uint32_t blk_request(struct virtio_blk *b, struct virtq_chain *c)
{
	struct virtio_blk_outhdr h;
	struct iovec data[VIRTQ_MAX_BUFS], *status_iov;
	unsigned int nr_data = c->nr_in;
	uint32_t written = 0;
	uint8_t status;
	size_t skip;

	/* Without a status byte to write there is no way to answer. */
	if (!c->nr_in || !c->in[c->nr_in - 1].iov_len)
		return 0;
	memcpy(data, c->in, nr_data * sizeof(*data));
	status_iov = &data[nr_data - 1];
	if (!--status_iov->iov_len)
		nr_data--;
	if (iov_to_buf(c->out, c->nr_out, 0, &h, sizeof(h)) < sizeof(h)) {
		status = VIRTIO_BLK_S_IOERR;
		goto out;
	}
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		status = do_io(b, &h, data, nr_data, 0);
		if (status == VIRTIO_BLK_S_OK)
			written = iov_length(data, nr_data);
		break;
	case VIRTIO_BLK_T_OUT: {
		/* The data follows the header in the readable buffers. */
		struct iovec out[VIRTQ_MAX_BUFS];
		unsigned int i, n = 0;

		for (i = 0, skip = sizeof(h); i < c->nr_out; i++) {
			if (skip >= c->out[i].iov_len) {
				skip -= c->out[i].iov_len;
				continue;
			}
			out[n].iov_base = (uint8_t *)c->out[i].iov_base + skip;
			out[n++].iov_len = c->out[i].iov_len - skip;
			skip = 0;
		}
		status = do_io(b, &h, out, n, 1);
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		status = b->readonly || !fdatasync(b->fd) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		written = buf_to_iov(data, nr_data, 0, b->serial, sizeof(b->serial));
		status = VIRTIO_BLK_S_OK;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
out:
	/* The status byte is the last byte of the last writable buffer. */
	*((uint8_t *)c->in[c->nr_in - 1].iov_base + c->in[c->nr_in - 1].iov_len - 1) = status;
	return written + 1;
}

static void blk_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_blk *b = (struct virtio_blk *)d;
	struct virtq_chain c;
	int ret, done = 0;

	while ((ret = virtq_pop(&d->vq[q], &d->mem, &c)) > 0) {
		virtq_push(&d->vq[q], &d->mem, c.head, blk_request(b, &c));
		done = 1;
	}
	if (ret < 0)
		virtio_broken(d, q);
	if (done)
		virtio_notify_used(d, q);
}

static void blk_destroy(struct virtio_dev *d)
{
	struct virtio_blk *b = (struct virtio_blk *)d;

	close(b->fd);
	free(b);
}

static const struct virtio_dev_ops blk_ops = {
	.notify = blk_notify,
	.destroy = blk_destroy,
};

struct virtio_dev *virtio_blk_create(const char *path, int readonly, unsigned int index)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	struct stat st;

	if (!b) {
		vmctl_err("--disk %s: out of memory", path);
		return NULL;
	}
	b->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		vmctl_err("--disk %s: %s%s", path, strerror(errno),
			  errno == EACCES || errno == EROFS ? " (add ,ro to attach it read-only)" : "");
		free(b);
		return NULL;
	}
	if (fstat(b->fd, &st) || !S_ISREG(st.st_mode) || st.st_size % SECTOR_SIZE || !st.st_size) {
		vmctl_err("--disk %s: not a raw image (a regular file of whole 512-byte sectors)%s",
			  path, S_ISREG(st.st_mode) && st.st_size % SECTOR_SIZE ?
			  ": truncate -s to a multiple of 512" : "");
		blk_destroy(&b->dev);
		return NULL;
	}
	if (flock(b->fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		vmctl_err("--disk %s: in use by another VM or program (%s)", path,
			  readonly ? "someone writes it" : "locked");
		blk_destroy(&b->dev);
		return NULL;
	}
	b->readonly = readonly;
	b->config.capacity = st.st_size / SECTOR_SIZE;
	b->config.seg_max = VIRTQ_MAX_BUFS - 2;	/* header and status take two */
	snprintf(b->name, sizeof(b->name), "virtio-blk vd%c", 'a' + index);
	/* The serial: /dev/disk/by-id/virtio-lvmm-disk<index>. */
	snprintf(b->serial, sizeof(b->serial), "lvmm-disk%u", index);
	b->dev = (struct virtio_dev){
		.name = b->name,
		.device_id = VIRTIO_ID_BLOCK,
		.features = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_FLUSH |
			    (readonly ? 1ULL << VIRTIO_BLK_F_RO : 0),
		.config = &b->config,
		.config_len = sizeof(b->config),
		.nr_queues = 1,
		.ops = &blk_ops,
	};
	return &b->dev;
}
