// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl create NAME [run's options]: check the options as run would and
 * store them as the VM's definition; vmctl start runs it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "state.h"
#include "vmctl.h"

int cmd_create(int argc, char **argv)
{
	struct vm_config cfg;
	struct vm_def d = { 0 };
	const char *name;
	int i, ret;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: vmctl [--root DIR] create NAME RUN-OPTIONS...\n\n"
		       "Define VM NAME with vmctl run's options (see: vmctl run --help), checked\n"
		       "now and stored in %s/NAME/config.json; relative paths are\n"
		       "taken from this directory. Start it with: vmctl start NAME\n",
		       state_root());
		return VMCTL_OK;
	}
	if (argc < 2 || argv[1][0] == '-') {
		vmctl_err("create: give the VM's name first (usage: vmctl create NAME --kernel ...)");
		return VMCTL_USAGE;
	}
	name = argv[1];
	if (vm_name_check(name))
		return VMCTL_USAGE;
	if (argc - 2 > STATE_MAX_ARGS) {
		vmctl_err("create: at most %d option words", STATE_MAX_ARGS);
		return VMCTL_USAGE;
	}
	/* The same checks as run, on the options after the name. */
	argv[1] = argv[0];
	ret = vm_config_parse(argc - 1, argv + 1, &cfg);
	argv[1] = (char *)name;
	if (ret)
		return VMCTL_USAGE;
	if (cfg.name) {
		vmctl_err("create: the name is the first word; leave out --name");
		return VMCTL_USAGE;
	}
	ret = state_def_load(name, &d);
	state_def_free(&d);
	if (ret != -2) {
		if (!ret)
			vmctl_err("a VM named '%s' exists already in %s (delete it first: vmctl delete %s)",
				  name, state_root(), name);
		return VMCTL_ERROR;
	}
	snprintf(d.name, sizeof(d.name), "%s", name);
	if (!getcwd(d.cwd, sizeof(d.cwd))) {
		vmctl_err("create: cannot tell the current directory: %s", strerror(errno));
		return VMCTL_ERROR;
	}
	for (i = 2; i < argc; i++)
		d.args[d.nargs++] = argv[i];
	d.created = time(NULL);
	ret = state_def_save(&d);
	d.nargs = 0;	/* the strings are argv's */
	return ret ? VMCTL_ERROR : VMCTL_OK;
}
