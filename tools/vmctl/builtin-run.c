// SPDX-License-Identifier: GPL-2.0
/* vmctl run: build the machine from the command line and run it in this terminal. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "machine.h"
#include "vmctl.h"

static void on_stop_signal(int sig)
{
	vmctl_stop_signal = sig;
}

static void on_wakeup_signal(int sig)
{
	(void)sig;	/* only there to make LVMM_RUN return EINTR */
}

static struct machine the_machine;

int cmd_run(int argc, char **argv)
{
	struct sigaction stop = { .sa_handler = on_stop_signal };
	struct sigaction wake = { .sa_handler = on_wakeup_signal };
	struct vm_config cfg;
	int status;

	if (vm_config_parse(argc, argv, &cfg))
		return VMCTL_USAGE;
	/* No SA_RESTART: a signal must make LVMM_RUN return EINTR. */
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGUSR1, &wake, NULL);
	if (machine_create(&the_machine, &cfg)) {
		machine_destroy(&the_machine);
		return VMCTL_ERROR;
	}
	status = machine_run(&the_machine, &cfg);
	machine_destroy(&the_machine);
	return status;
}
