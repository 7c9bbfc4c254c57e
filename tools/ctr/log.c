// SPDX-License-Identifier: GPL-2.0
/*
 * One path for every message ctr prints about itself: errors, warnings
 * and (with --debug) debug lines go to the --log file when one is given,
 * else to stderr, one line each, in runc's formats:
 *
 *   text on stderr   ctr: MSG / ctr: warning: MSG
 *   text in a file   time="RFC3339" level=error msg="MSG"   (logrus's)
 *   json             {"level":"error","msg":"MSG","time":"RFC3339"}
 *
 * With --log nothing goes to stderr: for a container without a terminal
 * the stderr of ctr create is the workload's own (conmon and containerd's
 * shim hand the container's pipes to the runtime), so whatever ctr wrote
 * there would become the container's output.  Callers read the log's
 * last "error" line as the runtime's error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"

static int log_fd = 2;
static bool log_file, log_json, log_debug;

int ctr_log_setup(const char *path, const char *format, bool debug)
{
	log_debug = debug;
	if (format && strcmp(format, "text") && strcmp(format, "json")) {
		ctr_err("--log-format %s: use text or json", format);
		return -EINVAL;
	}
	log_json = format && !strcmp(format, "json");
	if (!path || !strcmp(path, "/dev/stderr"))
		return 0;
	/* Close-on-exec: the workload must never inherit it. */
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (log_fd < 0) {
		int err = errno;

		log_fd = 2;
		log_json = false;
		ctr_err("--log %s: %s (give a writable file)", path, strerror(err));
		return -err;
	}
	log_file = true;
	return 0;
}

static void rfc3339(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* @s into @out with " and \ escaped, as logrus quotes a text value. */
static void quote(char *out, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = 0;
}

static void emit(const char *level, const char *fmt, va_list ap)
{
	char msg[4096], safe[4096 * 4], line[4096 * 8 + 128], when[32];
	const char *text = msg;
	json_object *o;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Older call sites say "warning: ..." through ctr_err. */
	if (!strcmp(level, "error") && !strncmp(msg, "warning: ", 9)) {
		level = "warning";
		text = msg + 9;
	}
	ctr_escape(safe, sizeof(safe), text);
	rfc3339(when, sizeof(when));
	if (log_json) {
		o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(safe));
		json_object_object_add(o, "time", json_object_new_string(when));
		n = snprintf(line, sizeof(line), "%s\n", json_object_to_json_string_ext(o,
			     JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (log_file) {
		char q[sizeof(safe) * 2];

		quote(q, sizeof(q), safe);
		n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", when, level, q);
	} else {
		n = snprintf(line, sizeof(line), "ctr: %s%s%s\n",
			     strcmp(level, "error") ? level : "", strcmp(level, "error") ? ": " : "",
			     safe);
	}
	/* One write per line: ctr's processes may share the file (O_APPEND). */
	if (n > 0)
		ctr_write_all(log_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void ctr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("error", fmt, ap);
	va_end(ap);
}

void ctr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning", fmt, ap);
	va_end(ap);
}

void ctr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug)
		return;
	va_start(ap, fmt);
	emit("debug", fmt, ap);
	va_end(ap);
}
