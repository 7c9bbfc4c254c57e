// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl top: VMs and ctr's containers side by side, from their cgroups
 * (tools/lib/cgtop.c: ctr top is the same code).
 */
#include "cgtop.h"
#include "vmctl.h"

int cmd_top(int argc, char **argv)
{
	return cgtop_main(argc, argv, "vmctl");
}
