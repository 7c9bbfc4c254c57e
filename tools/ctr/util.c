// SPDX-License-Identifier: GPL-2.0
/* Escaping and writes, shared by every verb (and the fuzz harness). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr.h"

/*
 * Ids, paths and names in messages come from configs and command lines
 * written by others: escape C0 and C1 controls (and DEL) so that they
 * cannot move the cursor, retitle or feed the caller's terminal.
 */
void ctr_escape(char *out, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	for (; *p && o + 7 < len; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += snprintf(out + o, len - o, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			o += snprintf(out + o, len - o, "\\u%04x", *++p);	/* U+0080..U+009F in UTF-8 */
		else
			out[o++] = *p;
	}
	out[o] = 0;
}

void ctr_fputs_safe(const char *s, FILE *f)
{
	char buf[4096 * 4];

	ctr_escape(buf, sizeof(buf), s);
	fputs(buf, f);
}

int ctr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * @data as the whole of @path, or nothing: written to a temporary file
 * beside it and renamed over it, so that a reader (conmon reads the
 * --pid-file as soon as create returns) never sees it half written.
 */
int ctr_write_file_atomic(const char *path, const char *data, mode_t mode)
{
	char tmp[4096];
	const char *slash = strrchr(path, '/');
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0,
			     path, slash ? slash + 1 : path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ctr_write_all(fd, data, strlen(data));
	if (!ret && fchmod(fd, mode))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
