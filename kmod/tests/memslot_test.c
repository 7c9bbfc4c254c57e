// SPDX-License-Identifier: GPL-2.0
/* KUnit: memory slot validation and lookup (memslot.c). */
#include <kunit/test.h>

#include "../memslot.h"

#define USER_LIMIT	0x00007ffffffff000ULL

static struct lvmm_memory_region region(u32 slot, u64 gpa, u64 size, u64 hva)
{
	return (struct lvmm_memory_region){
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = hva,
	};
}

/* Slots live on the heap: 32 of them are too big for a kernel stack. */
static struct lvmm_slots *new_slots(struct kunit *test)
{
	struct lvmm_slots *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

static void add(struct lvmm_slots *s, u32 slot, u64 gpa, u64 size, u64 hva)
{
	s->slot[slot] = (struct lvmm_memslot){
		.used = true, .gpa = gpa, .size = size, .hva = hva,
	};
}

static void memslot_accepts_valid(struct kunit *test)
{
	struct lvmm_slots *s = new_slots(test);
	struct lvmm_memory_region r = region(0, 0, 0x10000, 0x400000);

	KUNIT_EXPECT_EQ(test, 0, lvmm_slots_check(s, &r, USER_LIMIT));
	r.flags = LVMM_MEM_READONLY;
	KUNIT_EXPECT_EQ(test, 0, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(LVMM_MAX_MEM_SLOTS - 1, LVMM_MAX_GPA - 0x1000, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, 0, lvmm_slots_check(s, &r, USER_LIMIT));
}

static void memslot_rejects_bad_fields(struct kunit *test)
{
	struct lvmm_slots *s = new_slots(test);
	struct lvmm_memory_region r;

	r = region(LVMM_MAX_MEM_SLOTS, 0, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0, 0x1000, 0x1000);
	r.flags = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r.flags = 0;
	r.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0x800, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0, 0x1800, 0x1000);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0, 0x1000, 0x1010);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
}

static void memslot_rejects_out_of_range(struct kunit *test)
{
	struct lvmm_slots *s = new_slots(test);
	struct lvmm_memory_region r;

	/* Past the 52-bit guest-physical space, and wrapping around it. */
	r = region(0, LVMM_MAX_GPA, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, LVMM_MAX_GPA - 0x1000, 0x2000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0x1000, ~0xfffULL, 0x1000);
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	/* User ranges past TASK_SIZE, and an hva + size that overflows. */
	r = region(0, 0, 0x1000, USER_LIMIT);
	KUNIT_EXPECT_EQ(test, -EFAULT, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0, 0x2000, USER_LIMIT - 0x1000);
	KUNIT_EXPECT_EQ(test, -EFAULT, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(0, 0, 0x2000, ~0xfffULL);
	KUNIT_EXPECT_EQ(test, -EFAULT, lvmm_slots_check(s, &r, USER_LIMIT));
}

static void memslot_overlap(struct kunit *test)
{
	struct lvmm_slots *s = new_slots(test);
	struct lvmm_memory_region r;

	add(s, 3, 0x10000, 0x10000, 0x400000);
	/* Same slot number again, and each kind of overlap. */
	r = region(3, 0x100000, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EEXIST, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(4, 0xf000, 0x2000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EEXIST, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(4, 0x1f000, 0x2000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EEXIST, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(4, 0x14000, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EEXIST, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(4, 0, 0x100000, 0x1000);
	KUNIT_EXPECT_EQ(test, -EEXIST, lvmm_slots_check(s, &r, USER_LIMIT));
	/* Adjacent on either side is fine. */
	r = region(4, 0xf000, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, 0, lvmm_slots_check(s, &r, USER_LIMIT));
	r = region(4, 0x20000, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, 0, lvmm_slots_check(s, &r, USER_LIMIT));
}

static void memslot_delete(struct kunit *test)
{
	struct lvmm_slots *s = new_slots(test);
	struct lvmm_memory_region r = region(5, 0, 0, 0);

	KUNIT_EXPECT_EQ(test, -ENOENT, lvmm_slots_check(s, &r, USER_LIMIT));
	add(s, 5, 0x10000, 0x1000, 0x400000);
	KUNIT_EXPECT_EQ(test, 0, lvmm_slots_check(s, &r, USER_LIMIT));
	/* A delete carries nothing but the slot number. */
	r.guest_phys_addr = 0x10000;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
	r.guest_phys_addr = 0;
	r.flags = LVMM_MEM_READONLY;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_slots_check(s, &r, USER_LIMIT));
}

static void memslot_find(struct kunit *test)
{
	struct lvmm_slots *s = new_slots(test);
	const struct lvmm_memslot *m;

	add(s, 0, 0, 0xa0000, 0x400000);
	add(s, 7, 0x100000, 0x100000, 0x800000);
	KUNIT_EXPECT_PTR_EQ(test, &s->slot[0], lvmm_slots_find(s, 0));
	KUNIT_EXPECT_PTR_EQ(test, &s->slot[0], lvmm_slots_find(s, 0x9ffff));
	KUNIT_EXPECT_NULL(test, lvmm_slots_find(s, 0xa0000));
	KUNIT_EXPECT_NULL(test, lvmm_slots_find(s, 0xfffff));
	m = lvmm_slots_find(s, 0x123456);
	KUNIT_ASSERT_PTR_EQ(test, &s->slot[7], m);
	KUNIT_EXPECT_EQ(test, 0x823456ULL, lvmm_slot_hva(m, 0x123456));
	KUNIT_EXPECT_NULL(test, lvmm_slots_find(s, 0x200000));
	KUNIT_EXPECT_NULL(test, lvmm_slots_find(s, ~0ULL));
	s->slot[7].used = false;
	KUNIT_EXPECT_NULL(test, lvmm_slots_find(s, 0x123456));
}

static struct kunit_case memslot_cases[] = {
	KUNIT_CASE(memslot_accepts_valid),
	KUNIT_CASE(memslot_rejects_bad_fields),
	KUNIT_CASE(memslot_rejects_out_of_range),
	KUNIT_CASE(memslot_overlap),
	KUNIT_CASE(memslot_delete),
	KUNIT_CASE(memslot_find),
	{}
};

static struct kunit_suite memslot_suite = {
	.name = "lvmm_memslot",
	.test_cases = memslot_cases,
};

kunit_test_suites(&memslot_suite);
