/* SPDX-License-Identifier: GPL-2.0 */
/* The verbs that act on running VMs find them through lvmm's netlink family. */
#ifndef VMCTL_VMREF_H
#define VMCTL_VMREF_H

#include <sys/types.h>

#include "lvmm_nl.h"

/* The netlink client, or NULL after saying what to do (load lvmm.ko). */
struct lvmm_nl *vmref_open(void);
/*
 * The VM called @ref, or with id @ref if no VM has that name: 0, or -1
 * after saying what went wrong (unknown, or a name several VMs share).
 */
int vmref_find(struct lvmm_nl *nl, const char *ref, struct lvmm_nl_vm *vm);
/* The VM that monitor process @pid runs: 0, or -1 if none (say nothing). */
int vmref_of_pid(struct lvmm_nl *nl, pid_t pid, struct lvmm_nl_vm *vm);
/* One line for a failed netlink request about @vm (errno @err) doing @what. */
void vmref_err(struct lvmm_nl *nl, const struct lvmm_nl_vm *vm, const char *what, int err);
/* "NAME" or "#ID" for messages. */
const char *vmref_label(const struct lvmm_nl_vm *vm, char *buf, size_t size);

#endif /* VMCTL_VMREF_H */
