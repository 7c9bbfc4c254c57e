// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's own per-vCPU counters, through its binary statistics interface
 * (KVM_GET_STATS_FD, Linux 5.14 and later): a header, one descriptor per
 * counter (flags, size, offset, then a name of header.name_size bytes)
 * and the data. vmctl --stats --engine kvm prints them beside lvmm's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lvmm.h"

static int read_at(int fd, void *buf, size_t size, uint64_t offset)
{
	ssize_t n = pread(fd, buf, size, offset);

	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EIO;
}

/* A plain event count: cumulative, one u64, no unit (not ns or a histogram). */
static int is_plain_count(const struct kvm_stats_desc *d)
{
	return (d->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_CUMULATIVE &&
	       (d->flags & KVM_STATS_UNIT_MASK) == KVM_STATS_UNIT_NONE && d->size == 1;
}

int lvmm_kvm_vcpu_counters(struct lvmm_vcpu *vcpu, struct lvmm_counter *out, unsigned int max)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	char *descs = NULL;
	size_t desc_size;
	unsigned int i, n = 0;
	int fd, ret;

	if (vcpu->engine != LVMM_ENGINE_KVM)
		return -ENOTTY;
	fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return -errno;
	ret = read_at(fd, &h, sizeof(h), 0);
	if (ret)
		goto out;
	desc_size = sizeof(*d) + h.name_size;
	ret = -EPROTO;
	if (!h.name_size || h.num_desc > 4096)
		goto out;
	descs = malloc((size_t)h.num_desc * desc_size);
	ret = descs ? read_at(fd, descs, (size_t)h.num_desc * desc_size, h.desc_offset) : -ENOMEM;
	for (i = 0; !ret && i < h.num_desc && n < max; i++) {
		d = (struct kvm_stats_desc *)(descs + i * desc_size);
		if (!is_plain_count(d))
			continue;
		ret = read_at(fd, &out[n].value, sizeof(out[n].value),
			      (uint64_t)h.data_offset + d->offset);
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)h.name_size, d->name);
		n++;
	}
out:
	free(descs);
	close(fd);
	return ret ? ret : (int)n;
}
