// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl stop NAME [--timeout S]: press the guest's ACPI power button and
 * wait S seconds (default 30) for it to shut down and power off; then
 * force it off, and if its monitor does not end either, kill that. A
 * flat guest has no power button: it stops at once. vmctl kill NAME
 * kills the monitor at once (SIGKILL): lvmm frees the VM with the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "state.h"
#include "vmctl.h"

/* Until @pid is gone, at most @ms: 0 if it went. */
static int wait_gone(const char *name, pid_t pid, long ms)
{
	struct timespec tick = { 0, 50 * 1000000L };

	for (; ms > 0; ms -= 50) {
		if (state_running(name) != pid)
			return 0;
		nanosleep(&tick, NULL);
	}
	return state_running(name) == pid ? -1 : 0;
}

/* The running monitor of a defined VM, or 0 after saying why not. */
static pid_t running_vm(const char *verb, const char *name)
{
	struct vm_def d;
	int ret = state_def_load(name, &d);
	pid_t pid;

	state_def_free(&d);
	if (ret == -2)
		vmctl_err("no VM '%s' is defined in %s (see: vmctl list)", name, state_root());
	if (ret)
		return 0;
	pid = state_running(name);
	if (!pid)
		vmctl_err("cannot %s VM '%s': it is not running (start it: vmctl start %s)", verb,
			  name, name);
	return pid;
}

int vm_kill(const char *name, pid_t pid)
{
	if (kill(pid, SIGKILL) && errno != ESRCH) {
		vmctl_err("cannot kill the monitor of VM '%s' (pid %ld): %s", name, (long)pid,
			  strerror(errno));
		return -1;
	}
	if (wait_gone(name, pid, 10000)) {
		vmctl_err("the monitor of VM '%s' (pid %ld) outlived SIGKILL for 10 s", name,
			  (long)pid);
		return -1;
	}
	state_save_status(name, 128 + SIGKILL);
	return 0;
}

int cmd_stop(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long timeout = 30;
	char *end, *name;
	pid_t pid;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 0) {
				vmctl_err("--timeout '%s' is not a number of seconds", optarg);
				return VMCTL_USAGE;
			}
			break;
		case 'h':
			puts("usage: vmctl [--root DIR] stop NAME [--timeout SECONDS]\n\n"
			     "Stop a started VM: press its ACPI power button, so that the guest shuts\n"
			     "down and powers off (status 0). If it is still running after SECONDS\n"
			     "(default 30; 0 forces at once), force it off (status 5). A flat guest\n"
			     "has no power button and stops at once (status 0).");
			return VMCTL_OK;
		default:
			return vmctl_bad_option("stop", argv[optind - 1]);
		}
	}
	if (optind != argc - 1) {
		vmctl_err("stop: give one VM (usage: vmctl stop NAME [--timeout S])");
		return VMCTL_USAGE;
	}
	name = argv[optind];
	pid = running_vm("stop", name);
	if (!pid)
		return VMCTL_ERROR;
	if (timeout && control_request(name, "shutdown", NULL) == 0 &&
	    wait_gone(name, pid, timeout * 1000) == 0)
		return VMCTL_OK;
	if (timeout)
		vmctl_err("VM '%s' did not shut down within %ld s: forcing it off", name, timeout);
	if (control_request(name, "stop", NULL) == 0 && wait_gone(name, pid, 10000) == 0)
		return VMCTL_OK;
	vmctl_err("the monitor of VM '%s' did not end: killing it", name);
	return vm_kill(name, pid) ? VMCTL_ERROR : VMCTL_OK;
}

int cmd_kill(int argc, char **argv)
{
	pid_t pid;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: vmctl [--root DIR] kill NAME\n\n"
		     "Kill a started VM's monitor at once (SIGKILL); lvmm frees the VM.");
		return VMCTL_OK;
	}
	if (argc != 2) {
		vmctl_err("kill: give one VM (usage: vmctl kill NAME)");
		return VMCTL_USAGE;
	}
	pid = running_vm("kill", argv[1]);
	if (!pid)
		return VMCTL_ERROR;
	return vm_kill(argv[1], pid) ? VMCTL_ERROR : VMCTL_OK;
}
