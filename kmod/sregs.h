/* SPDX-License-Identifier: GPL-2.0 */
/* Validation of special registers set by userspace, before any backend sees them. */
#ifndef LVMM_SREGS_H
#define LVMM_SREGS_H

#include <linux/lvmm.h>

int lvmm_sregs_check(const struct lvmm_sregs *s);

#endif /* LVMM_SREGS_H */
