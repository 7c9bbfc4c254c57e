/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio devices vmctl offers a Linux guest. Each constructor prints
 * its own one-line error and returns NULL; each device frees itself with
 * virtio_dev_destroy().
 */
#ifndef VMCTL_VIRTIO_DEVICES_H
#define VMCTL_VIRTIO_DEVICES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "virtio_mmio.h"

/* A raw disk image; @index names it for messages (0: vda). */
struct virtio_dev *virtio_blk_create(const char *path, int readonly, unsigned int index);
/* Entropy from the host's getrandom(). */
struct virtio_dev *virtio_rng_create(void);
/* A console port (/dev/hvc0): output to @out; input from virtio_console_receive(). */
struct virtio_dev *virtio_console_create(FILE *out);
/* Bytes for the guest's console; returns how many the driver had room for. */
size_t virtio_console_receive(struct virtio_dev *d, const uint8_t *buf, size_t len);
/*
 * A network card on the tap device @ifname (created if missing). Its
 * receive thread takes @lock, the machine's, around each frame.
 */
struct virtio_dev *virtio_net_create(const char *ifname, pthread_mutex_t *lock);
/* Start the receive side once the device is wired (virtio_mmio_init()). */
int virtio_net_start(struct virtio_dev *d);

void virtio_dev_destroy(struct virtio_dev *d);

#endif /* VMCTL_VIRTIO_DEVICES_H */
