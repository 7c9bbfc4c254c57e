// SPDX-License-Identifier: GPL-2.0
/* Error lines and writes, shared by every verb (and the fuzz harness). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "ctr.h"

/*
 * Ids, paths and names in messages come from configs and command lines
 * written by others: escape C0 and C1 controls (and DEL) so that they
 * cannot move the cursor, retitle or feed the caller's terminal.
 */
void ctr_fputs_safe(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(f, "\\u%04x", *++p);	/* U+0080..U+009F in UTF-8 */
		else
			fputc(*p, f);
	}
}

void ctr_err(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("ctr: ", stderr);
	ctr_fputs_safe(msg, stderr);
	fputc('\n', stderr);
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
