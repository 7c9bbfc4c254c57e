// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl pause / resume NAME: lvmm keeps every vCPU of the VM out of the
 * guest (LVMM_CMD_PAUSE_VM), whoever runs it; its devices and console
 * stay up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmctl.h"
#include "vmref.h"

static int pause_or_resume(int argc, char **argv, int pause)
{
	const char *verb = pause ? "pause" : "resume";
	struct lvmm_nl_vm vm;
	struct lvmm_nl *nl;
	char label[80];
	int ret;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: vmctl %s NAME|ID\n\n%s\n", verb, pause ?
		       "Stop every vCPU of the VM where it is; it executes nothing until resumed.\n"
		       "Its devices, console and timers' interrupts wait for it." :
		       "Let a paused VM go on where it stopped.");
		return VMCTL_OK;
	}
	if (argc != 2) {
		vmctl_err("%s: give one VM (usage: vmctl %s NAME|ID)", verb, verb);
		return VMCTL_USAGE;
	}
	nl = vmref_open();
	if (!nl)
		return VMCTL_ERROR;
	ret = vmref_find(nl, argv[1], &vm);
	if (!ret) {
		ret = lvmm_nl_pause(nl, vm.id, pause);
		vmref_label(&vm, label, sizeof(label));
		if (ret == -EALREADY && pause)
			vmctl_err("VM %s is already paused (to go on: vmctl resume %s)",
				  label, argv[1]);
		else if (ret == -EALREADY)
			vmctl_err("VM %s is %s, not paused: nothing to resume", label,
				  lvmm_nl_state_name(vm.state));
		else if (ret)
			vmref_err(nl, &vm, verb, ret);
	}
	lvmm_nl_close(nl);
	return ret ? VMCTL_ERROR : VMCTL_OK;
}

int cmd_pause(int argc, char **argv)
{
	return pause_or_resume(argc, argv, 1);
}

int cmd_resume(int argc, char **argv)
{
	return pause_or_resume(argc, argv, 0);
}
