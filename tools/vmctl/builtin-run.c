// SPDX-License-Identifier: GPL-2.0
/* vmctl run: build the machine from the command line and run it in this terminal. */
#define _GNU_SOURCE
#include <stddef.h>

#include "config.h"
#include "machine.h"
#include "vmctl.h"

static struct machine the_machine;

int cmd_run(int argc, char **argv)
{
	struct vm_config cfg;
	int status;

	if (vm_config_parse(argc, argv, &cfg))
		return VMCTL_USAGE;
	machine_signals();
	if (machine_create(&the_machine, &cfg)) {
		machine_destroy(&the_machine);
		return VMCTL_ERROR;
	}
	status = machine_run(&the_machine, &cfg);
	machine_destroy(&the_machine);
	return status;
}
