// SPDX-License-Identifier: GPL-2.0
/* Flat binaries: the file's bytes are the guest's code at one address. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flat.h"
#include "vmctl.h"

int flat_load(const char *path, uint8_t *mem, uint64_t mem_size, uint64_t addr)
{
	struct stat st;
	uint64_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmctl_err("cannot open guest image %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		vmctl_err("guest image %s is not a regular file", path);
		goto err;
	}
	if (st.st_size == 0) {
		vmctl_err("guest image %s is empty", path);
		goto err;
	}
	if (addr >= mem_size || (uint64_t)st.st_size > mem_size - addr) {
		vmctl_err("guest image %s (%lld bytes) does not fit in guest RAM at %#llx "
			  "(RAM is %llu bytes; use a larger --memory or a lower --load-addr)",
			  path, (long long)st.st_size, (unsigned long long)addr,
			  (unsigned long long)mem_size);
		goto err;
	}
	while (done < (uint64_t)st.st_size) {
		n = read(fd, mem + addr + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vmctl_err("cannot read guest image %s: %s", path,
				  n ? strerror(errno) : "file shrank while reading");
			goto err;
		}
		done += n;
	}
	close(fd);
	return 0;
err:
	close(fd);
	return -1;
}
