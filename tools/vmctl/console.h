/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl's terminal: stdin feeds COM1's receiver (raw mode when it is a
 * terminal, restored at exit), and Ctrl-A x quits (Ctrl-A Ctrl-A sends a
 * Ctrl-A), as in QEMU.
 */
#ifndef VMCTL_CONSOLE_H
#define VMCTL_CONSOLE_H

struct machine;

#define CONSOLE_ESCAPE	0x01	/* Ctrl-A */

/* Start the input thread; 0 or -1. */
int console_start(struct machine *m);

#endif /* VMCTL_CONSOLE_H */
