/* SPDX-License-Identifier: GPL-2.0 */
/* liblvmm's KVM engine (kvm_engine.c), called by liblvmm.c only, and what they share. */
#ifndef LIBLVMM_KVM_ENGINE_H
#define LIBLVMM_KVM_ENGINE_H

#include "lvmm.h"

/* The lvmm_run the caller sees: room for a page of string I/O data. */
#define KVM_SHADOW_RUN_SIZE	8192

/* Open @path, check its API version, create a VM (both engines). */
int lvmm_open_hypervisor(struct lvmm_vm *vm, const char *path, unsigned long version_cmd,
		    int version, unsigned long create_cmd);

int kvm_vm_create(struct lvmm_vm *vm);
int kvm_set_region(struct lvmm_vm *vm, uint32_t slot, uint32_t flags,
		   uint64_t gpa, uint64_t size, void *hva);
int kvm_vcpu_create(struct lvmm_vm *vm, unsigned int id, struct lvmm_vcpu *vcpu);
void kvm_vcpu_destroy(struct lvmm_vcpu *vcpu);
int kvm_vcpu_run(struct lvmm_vcpu *vcpu);
void kvm_vcpu_kick(struct lvmm_vcpu *vcpu);
int kvm_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *sregs);
int kvm_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *sregs);
/* The KVM ioctl with the same argument layout as @lvmm_cmd, or 0. */
unsigned long kvm_vcpu_cmd(unsigned long lvmm_cmd);
int kvm_check_extension(struct lvmm_vm *vm, unsigned int cap);
int kvm_get_tsc_khz(struct lvmm_vm *vm);
int kvm_create_irqchip(struct lvmm_vm *vm);
int kvm_signal_msi(struct lvmm_vm *vm, uint32_t address, uint32_t data);

#endif /* LIBLVMM_KVM_ENGINE_H */
