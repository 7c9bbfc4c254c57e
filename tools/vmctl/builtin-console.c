// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl console NAME: attach this terminal to a started VM's console:
 * its output from the console log, keystrokes through the control socket.
 * Ctrl-] detaches (the VM runs on).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "control.h"
#include "state.h"
#include "vmctl.h"

#define DETACH_KEY	0x1d	/* Ctrl-] */
#define BACKLOG		2048	/* of the log shown on attaching */

/* New output of the log since the last call. */
static void copy_log(int log)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(log, buf, sizeof(buf))) > 0)
		if (write(1, buf, n) != n)
			return;
}

/* Keystrokes to the guest; 1 on the detach key. */
static int forward_input(int sock)
{
	char buf[256];
	ssize_t n = read(0, buf, sizeof(buf)), i;

	if (n <= 0)
		return 1;	/* end of input: detach */
	for (i = 0; i < n; i++)
		if (buf[i] == DETACH_KEY)
			break;
	if (i && write(sock, buf, i) != i)
		return 1;
	return i < n;
}

static int attach(const char *name, int sock, int log)
{
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = sock, .events = POLLIN } };
	struct termios saved, raw;
	int tty = isatty(0) && !tcgetattr(0, &saved), ret = VMCTL_OK;

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	for (;;) {
		copy_log(log);
		if (poll(p, 2, 100) < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			/* The monitor closed the connection: the VM ended. */
			copy_log(log);
			fprintf(stderr, "\r\nvmctl: VM '%s' stopped\r\n", name);
			break;
		}
		if ((p[0].revents & (POLLIN | POLLHUP)) && forward_input(sock)) {
			fprintf(stderr, "\r\nvmctl: detached from VM '%s'; it runs on\r\n", name);
			break;
		}
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	return ret;
}

int cmd_console(int argc, char **argv)
{
	char path[4200];
	int sock, log, ret;
	off_t end;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: vmctl [--root DIR] console NAME\n\n"
		     "Attach to a started VM's console: its recent output, then what it prints;\n"
		     "what you type goes to the guest. Ctrl-] detaches; the VM runs on.");
		return VMCTL_OK;
	}
	if (argc != 2) {
		vmctl_err("console: give one VM (usage: vmctl console NAME)");
		return VMCTL_USAGE;
	}
	if (!state_running(argv[1])) {
		vmctl_err("VM '%s' is not running (start it: vmctl start %s)", argv[1], argv[1]);
		return VMCTL_ERROR;
	}
	if (state_path(path, sizeof(path), argv[1], "console.log") ||
	    (log = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		vmctl_err("cannot open the console log of VM '%s': %s", argv[1], strerror(errno));
		return VMCTL_ERROR;
	}
	if (control_request(argv[1], "console", &sock)) {
		close(log);
		return VMCTL_ERROR;
	}
	end = lseek(log, 0, SEEK_END);
	lseek(log, end > BACKLOG ? end - BACKLOG : 0, SEEK_SET);
	fprintf(stderr, "vmctl: attached to VM '%s' (Ctrl-] detaches)\n", argv[1]);
	ret = attach(argv[1], sock, log);
	close(sock);
	close(log);
	return ret;
}
