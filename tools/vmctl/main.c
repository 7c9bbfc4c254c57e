// SPDX-License-Identifier: GPL-2.0
/* vmctl: run and manage lvmm virtual machines. */
#include <stdio.h>
#include <string.h>

#include "state.h"
#include "vmctl.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "run a guest in this terminal until it halts" },
	{ "create", cmd_create, "define a VM: a name and run's options" },
	{ "start", cmd_start, "run a defined VM detached" },
	{ "stop", cmd_stop, "stop a started VM (then kill it after --timeout)" },
	{ "kill", cmd_kill, "kill a started VM at once" },
	{ "delete", cmd_delete, "remove a defined VM" },
	{ "status", cmd_status, "a defined VM's state and definition" },
	{ "console", cmd_console, "attach to a started VM's console" },
	{ "list", cmd_list, "list the VMs you may see, with state and resources" },
	{ "stats", cmd_stats, "a VM's exit counters, guest time and memory" },
	{ "pause", cmd_pause, "stop a VM's vCPUs where they are" },
	{ "resume", cmd_resume, "let a paused VM go on" },
	{ "events", cmd_events, "print VM events as they happen" },
	{ "top", cmd_top, "VMs and ctr's containers side by side, from their cgroups" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: vmctl [--root DIR] COMMAND [OPTIONS]\n\ncommands:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'vmctl COMMAND --help' describes a command. --root DIR: where defined VMs\n"
		"live (now %s; also $VMCTL_ROOT).\n"
		"Environment: LVMM_DEV overrides the device (/dev/lvmm).\n", state_root());
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc >= 3 && !strcmp(argv[1], "--root")) {
		state_set_root(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		usage(stderr);
		return VMCTL_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return VMCTL_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	vmctl_err("unknown command '%s' (see: vmctl --help)", argv[1]);
	return VMCTL_USAGE;
}
