/* SPDX-License-Identifier: GPL-2.0 */
/* vmctl: shared declarations of the subcommands and their helpers. */
#ifndef VMCTL_H
#define VMCTL_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses, documented in vmctl --help. */
enum {
	VMCTL_OK = 0,		/* the guest halted */
	VMCTL_ERROR = 1,	/* vmctl could not set up or run the VM */
	VMCTL_USAGE = 2,	/* bad command line */
	VMCTL_GUEST_FAILED = 3,	/* triple fault, failed entry, unhandled exit */
	VMCTL_GUEST_RESET = 4,	/* the guest reset the machine (reboot; panic with panic=-1) */
	VMCTL_FORCED_OFF = 5,	/* vmctl stop forced it off: no shutdown in time */
};

/* One per builtin-*.c, in main.c's table. */
int cmd_run(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_top(int argc, char **argv);

/* A verb's bad option or extra argument: say so, pointing at its --help. */
int vmctl_bad_option(const char *verb, const char *opt);
int vmctl_extra_arg(const char *verb, const char *arg);

/* Print "vmctl: " + message + "\n" to stderr. */
void vmctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "64K", "16M", "1G" or bytes; 0 on success, -1 on a malformed size. */
int parse_size(const char *s, uint64_t *out);
/* The byte that makes @p's bytes sum to 0 (MP and ACPI tables). */
uint8_t table_checksum(const void *p, size_t len);
/* Decimal or 0x-hex address; 0 on success. */
int parse_u64(const char *s, uint64_t *out);

#endif /* VMCTL_H */
