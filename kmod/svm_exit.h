/* SPDX-License-Identifier: GPL-2.0 */
/* Translation of SVM #VMEXIT codes to vendor-neutral exits. */
#ifndef LVMM_SVM_EXIT_H
#define LVMM_SVM_EXIT_H

#include "lvmm.h"

/* @nrip: the VMCB's next RIP when the CPU has NRIP save, else 0. */
void lvmm_svm_decode_exit(u64 code, u64 info1, u64 info2, u64 nrip, struct lvmm_exit *x);

/* svm_vmrun.S: the world switch, with GIF already clear. */
void lvmm_svm_vmrun(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa);
/* The host's RIP saved by VMRUN: it must never come back as the guest's. */
extern const char lvmm_svm_after_vmrun[];

#endif /* LVMM_SVM_EXIT_H */
