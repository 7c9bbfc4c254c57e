// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on a tap device. The tap carries virtio's own 12-byte
 * header (IFF_VNET_HDR), so frames move between the rings and the tap
 * without copying or translation. Transmit runs on the notifying vCPU's
 * thread; receive has its own thread, woken by the tap and by an eventfd
 * that the driver's "more receive buffers" notification (or the end of
 * the VM) writes. No offloads are offered: the guest checksums.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "virtio_devices.h"
#include "vmctl.h"

#define RX_QUEUE	0
#define TX_QUEUE	1

struct virtio_net {
	struct virtio_dev dev;
	struct virtio_net_config config;
	pthread_mutex_t *lock;
	pthread_t rx_thread;
	int tap, wake, started, stopping;
	char name[IFNAMSIZ + 16];
};

static void tx(struct virtio_net *n)
{
	struct virtio_dev *d = &n->dev;
	struct virtq_chain c;
	int ret, done = 0;

	while ((ret = virtq_pop(&d->vq[TX_QUEUE], &d->mem, &c)) > 0) {
		/* A full tap queue drops the frame, as a busy wire would. */
		if (writev(n->tap, c.out, c.nr_out) < 0 && errno != EAGAIN && errno != EIO)
			vmctl_err("warning: %s: tap write: %s", n->name, strerror(errno));
		virtq_push(&d->vq[TX_QUEUE], &d->mem, c.head, 0);
		done = 1;
	}
	if (ret < 0)
		virtio_broken(d, TX_QUEUE);
	if (done)
		virtio_notify_used(d, TX_QUEUE);
}

static void net_notify(struct virtio_dev *d, unsigned int q)
{
	struct virtio_net *n = (struct virtio_net *)d;
	uint64_t one = 1;

	if (q == TX_QUEUE)
		tx(n);
	else if (write(n->wake, &one, sizeof(one)) < 0)
		vmctl_err("warning: %s: cannot wake the receive thread", n->name);
}

/* One frame from the tap into the next receive buffer: 1 done, 0 no frame, -1 no buffer. */
static int rx_one(struct virtio_net *n)
{
	struct virtio_dev *d = &n->dev;
	struct virtq *q = &d->vq[RX_QUEUE];
	struct virtq_chain c;
	ssize_t len;
	int ret;

	if (!virtio_live(d) || !q->ready)
		return -1;
	ret = virtq_pop(q, &d->mem, &c);
	if (ret < 0)
		virtio_broken(d, RX_QUEUE);
	if (ret <= 0)
		return -1;
	len = readv(n->tap, c.in, c.nr_in);
	if (len < 0) {
		q->next_avail--;	/* no frame after all: the buffer stays available */
		return 0;
	}
	virtq_push(q, &d->mem, c.head, len);
	virtio_notify_used(d, RX_QUEUE);
	return 1;
}

static void *rx_thread(void *arg)
{
	struct virtio_net *n = arg;
	int want_frames = 1, ret;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = n->wake, .events = POLLIN },
			{ .fd = n->tap, .events = want_frames ? POLLIN : 0 },
		};
		uint64_t count;

		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (fds[0].revents & POLLIN) {
			if (read(n->wake, &count, sizeof(count)) < 0 && errno != EAGAIN)
				return NULL;
			want_frames = 1;	/* new buffers, or the end */
		}
		pthread_mutex_lock(n->lock);
		if (n->stopping) {
			pthread_mutex_unlock(n->lock);
			return NULL;
		}
		/* Out of buffers: frames wait in the tap until the driver adds some. */
		if (fds[1].revents & POLLIN) {
			while ((ret = rx_one(n)) > 0)
				;
			want_frames = !ret;
		}
		pthread_mutex_unlock(n->lock);
	}
}

int virtio_net_start(struct virtio_dev *d)
{
	struct virtio_net *n = (struct virtio_net *)d;

	if (pthread_create(&n->rx_thread, NULL, rx_thread, n)) {
		vmctl_err("%s: cannot start the receive thread", n->name);
		return -1;
	}
	n->started = 1;
	return 0;
}

static void net_destroy(struct virtio_dev *d)
{
	struct virtio_net *n = (struct virtio_net *)d;
	uint64_t one = 1;

	if (n->started) {
		pthread_mutex_lock(n->lock);
		n->stopping = 1;
		pthread_mutex_unlock(n->lock);
		if (write(n->wake, &one, sizeof(one)) == sizeof(one))
			pthread_join(n->rx_thread, NULL);
	}
	if (n->wake >= 0)
		close(n->wake);
	if (n->tap >= 0)
		close(n->tap);
	free(n);
}

static const struct virtio_dev_ops net_ops = {
	.notify = net_notify,
	.destroy = net_destroy,
};

static int open_tap(struct virtio_net *n, const char *ifname)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr_len = sizeof(struct virtio_net_hdr_v1);

	n->tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (n->tap < 0) {
		vmctl_err("--net tap:%s: /dev/net/tun: %s (modprobe tun)", ifname, strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(n->tap, TUNSETIFF, &ifr)) {
		vmctl_err("--net tap:%s: cannot attach: %s%s", ifname, strerror(errno),
			  errno == EPERM ? " (needs CAP_NET_ADMIN, or a tap owned by this user: "
					   "ip tuntap add NAME mode tap user USER vnet_hdr)" :
			  errno == EBUSY ? " (another program holds it)" : "");
		return -1;
	}
	if (ioctl(n->tap, TUNSETVNETHDRSZ, &hdr_len)) {
		vmctl_err("--net tap:%s: cannot set the virtio header size: %s", ifname,
			  strerror(errno));
		return -1;
	}
	return 0;
}

struct virtio_dev *virtio_net_create(const char *ifname, pthread_mutex_t *lock)
{
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n) {
		vmctl_err("--net: out of memory");
		return NULL;
	}
	n->tap = n->wake = -1;
	n->lock = lock;
	snprintf(n->name, sizeof(n->name), "virtio-net %s", ifname);
	n->dev = (struct virtio_dev){
		.name = n->name,
		.device_id = VIRTIO_ID_NET,
		.features = 1ULL << VIRTIO_NET_F_MAC,
		.config = &n->config,
		.config_len = sizeof(n->config),
		.nr_queues = 2,
		.ops = &net_ops,
	};
	if (!*ifname || strlen(ifname) >= IFNAMSIZ) {
		vmctl_err("--net tap:%s: an interface name has 1 to %d characters", ifname,
			  IFNAMSIZ - 1);
		net_destroy(&n->dev);
		return NULL;
	}
	n->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (n->wake < 0 || open_tap(n, ifname)) {
		net_destroy(&n->dev);
		return NULL;
	}
	/* A locally administered MAC, 52:54:00 like QEMU's, the rest random. */
	memcpy(n->config.mac, "\x52\x54\x00", 3);
	if (getrandom(n->config.mac + 3, 3, 0) != 3)
		n->config.mac[5] = 1;
	return &n->dev;
}
