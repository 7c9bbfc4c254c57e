// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory by guest-physical address.  The vCPU runs in the creator's
 * process, so guest RAM is reached through the slot's user mapping.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "lvmm.h"

static int access_guest(struct lvmm_vcpu *vcpu, u64 gpa, void *buf,
			unsigned int len, bool write)
{
	const struct lvmm_memslot *s;
	unsigned long left;
	int ret = 0;

	mutex_lock(&vcpu->vm->lock);
	s = lvmm_slots_find(&vcpu->vm->slots, gpa);
	if (!s || len > s->size - (gpa - s->gpa) || (write && (s->flags & LVMM_MEM_READONLY))) {
		ret = -EFAULT;
		goto out;
	}
	if (write)
		left = copy_to_user((void __user *)lvmm_slot_hva(s, gpa), buf, len);
	else
		left = copy_from_user(buf, (void __user *)lvmm_slot_hva(s, gpa), len);
	if (left)
		ret = -EFAULT;
out:
	mutex_unlock(&vcpu->vm->lock);
	return ret;
}

int lvmm_read_guest(struct lvmm_vcpu *vcpu, u64 gpa, void *buf, unsigned int len)
{
	return access_guest(vcpu, gpa, buf, len, false);
}

int lvmm_write_guest(struct lvmm_vcpu *vcpu, u64 gpa, const void *buf, unsigned int len)
{
	return access_guest(vcpu, gpa, (void *)buf, len, true);
}

/*
 * Nested page fault on RAM: pin the backing page and map it.  Returns 1
 * when mapped (re-enter), 0 when @gpa is MMIO for userspace (no slot, or
 * a write to a read-only slot), or -errno.
 */
/*
 * A guest touches its RAM in runs (a kernel unpacking itself, page tables,
 * page cache): map the aligned 64 KiB around a fault at once, which cuts
 * a Linux boot's second-level faults by most of their number. Pages some
 * vCPU mapped meanwhile are simply left as they are.
 */
#define FAULT_AROUND_PAGES	16

/* 1 when the run around @gpa is mapped, 0 to map @gpa alone instead. */
static int fault_around(struct lvmm_vm *vm, const struct lvmm_memslot *s, u64 gpa)
{
	struct page *pages[FAULT_AROUND_PAGES];
	u64 first = max(ALIGN_DOWN(gpa, FAULT_AROUND_PAGES * PAGE_SIZE), s->gpa);
	u64 end = min(first + FAULT_AROUND_PAGES * PAGE_SIZE, s->gpa + s->size);
	int i, n, ret = 0;

	n = pin_user_pages_fast(lvmm_slot_hva(s, first), (end - first) >> PAGE_SHIFT,
				FOLL_LONGTERM | FOLL_WRITE, pages);
	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		int err = ret < 0 ? ret : lvmm_mmu_map(&vm->mmu, first + i * PAGE_SIZE,
							pages[i], true);

		if (err && err != -EEXIST)
			ret = err;
		if (err)
			unpin_user_page(pages[i]);
	}
	if (ret < 0)
		return ret;
	/* A short pin that stopped before @gpa: let the caller try it alone. */
	return gpa < first + ((u64)n << PAGE_SHIFT);
}

int lvmm_fault_in(struct lvmm_vcpu *vcpu, u64 gpa, bool write)
{
	struct lvmm_vm *vm = vcpu->vm;
	const struct lvmm_memslot *s;
	struct page *page;
	unsigned long hva;
	bool writable;
	int ret;

	mutex_lock(&vm->lock);
	s = lvmm_slots_find(&vm->slots, gpa);
	writable = s && !(s->flags & LVMM_MEM_READONLY);
	if (!s || (write && !writable)) {
		ret = 0;
		goto out;
	}
	/*
	 * Pin writable whenever the user mapping allows it, even for a
	 * read-only slot: a read-only pin of a never-touched anonymous page
	 * would return the shared zero page and the guest would never see
	 * later writes from the host.
	 */
	if (writable) {
		ret = fault_around(vm, s, gpa & PAGE_MASK);
		if (ret)
			goto out;
	}
	hva = lvmm_slot_hva(s, gpa & PAGE_MASK);
	ret = pin_user_pages_fast(hva, 1, FOLL_LONGTERM | FOLL_WRITE, &page);
	if (ret != 1 && !writable)
		ret = pin_user_pages_fast(hva, 1, FOLL_LONGTERM, &page);
	if (ret != 1) {
		ret = ret < 0 ? ret : -EFAULT;
		goto out;
	}
	ret = lvmm_mmu_map(&vm->mmu, gpa & PAGE_MASK, page, writable);
	if (ret) {
		unpin_user_page(page);
		/* Another vCPU mapped it first: fine, re-enter. */
		ret = ret == -EEXIST ? 1 : ret;
		goto out;
	}
	ret = 1;
out:
	mutex_unlock(&vm->lock);
	return ret;
}
