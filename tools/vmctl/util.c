// SPDX-License-Identifier: GPL-2.0
/* Error reporting and number parsing for vmctl's command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vmctl.h"

void vmctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("vmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (v > (~0ULL >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

uint8_t table_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

int vmctl_bad_option(const char *verb, const char *opt)
{
	vmctl_err("%s: unknown or incomplete option '%s' (see: vmctl %s --help)", verb, opt, verb);
	return VMCTL_USAGE;
}

int vmctl_extra_arg(const char *verb, const char *arg)
{
	vmctl_err("%s: unexpected argument '%s' (see: vmctl %s --help)", verb, arg, verb);
	return VMCTL_USAGE;
}
