/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lvmm - lightweight in-kernel hypervisor: the userspace ABI.
 *
 * Three kinds of file descriptor carry the ABI, as with KVM:
 *   /dev/lvmm           system ioctls (API version, create a VM)
 *   VM fd               memory slots, vCPU creation
 *   vCPU fd             RUN, register state, CPUID, interrupts; mmap()
 *                       of the shared run page (struct lvmm_run)
 *
 * Documentation/uapi.rst describes every ioctl, its structure and errors.
 * Every reserved field and unknown flag must be zero: the kernel rejects
 * them with EINVAL so that later versions can give them meaning.
 */
#ifndef _UAPI_LINUX_LVMM_H
#define _UAPI_LINUX_LVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LVMM_API_VERSION	0

#define LVMM_MAX_MEM_SLOTS	32
#define LVMM_MAX_VCPUS		64
#define LVMM_MAX_CPUID_ENTRIES	64
#define LVMM_MAX_MSR_ENTRIES	64

/* Magic 0xB8 is unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define LVMMIO	0xB8

/* ---- /dev/lvmm ---- */
#define LVMM_GET_API_VERSION	_IO(LVMMIO, 0x00)
#define LVMM_CREATE_VM		_IO(LVMMIO, 0x01)	/* arg: 0; returns VM fd */
#define LVMM_GET_VCPU_MMAP_SIZE	_IO(LVMMIO, 0x02)	/* returns bytes */
/* arg: LVMM_CAP_*; returns 0 if absent, > 0 if present (ABI additions). */
#define LVMM_CHECK_EXTENSION	_IO(LVMMIO, 0x03)
/* returns the host TSC frequency in kHz (the guest's TSC runs at it) */
#define LVMM_GET_TSC_KHZ	_IO(LVMMIO, 0x04)

/*
 * Extensions to ABI version 0. A module that has one answers
 * LVMM_CHECK_EXTENSION with > 0; each is documented in uapi.rst.
 */
#define LVMM_CAP_IRQCHIP	1	/* LVMM_CREATE_IRQCHIP, LVMM_SIGNAL_MSI */
#define LVMM_CAP_VCPU_STATS	2	/* LVMM_GET_VCPU_STATS */
/* spinning PAUSE loops exit and yield to a preempted sibling vCPU */
#define LVMM_CAP_PAUSE_EXITS	3
/* LVMM_SET_VM_NAME and the generic netlink family "lvmm" below */
#define LVMM_CAP_NETLINK	4

/* ---- VM fd ---- */
#define LVMM_MEM_READONLY	(1U << 0)
#define LVMM_MEM_FLAGS_VALID	LVMM_MEM_READONLY

/*
 * Create slot @slot covering [guest_phys_addr, guest_phys_addr + memory_size)
 * backed by the caller's memory at userspace_addr.  memory_size == 0
 * deletes the slot.  Addresses and the size are page aligned; slots do not
 * overlap; an existing slot must be deleted before it is set again.
 */
struct lvmm_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 reserved[2];
};

#define LVMM_SET_MEMORY_REGION	_IOW(LVMMIO, 0x10, struct lvmm_memory_region)
#define LVMM_CREATE_VCPU	_IO(LVMMIO, 0x11)	/* arg: vcpu id; returns vCPU fd */
/*
 * LVMM_CAP_IRQCHIP: give every vCPU created afterwards an in-kernel local
 * APIC (xAPIC page at IA32_APIC_BASE, x2APIC MSRs, timer, IPIs,
 * INIT/SIPI) and let HLT sleep in the kernel. Before any vCPU exists.
 */
#define LVMM_CREATE_IRQCHIP	_IO(LVMMIO, 0x12)

struct lvmm_msi {
	__u32 address_lo;	/* 0xfeeXXXXX: destination id 19:12, logical 2 */
	__u32 address_hi;	/* must be 0 */
	__u32 data;		/* vector 7:0, delivery mode 10:8 (fixed or lowest priority) */
	__u32 flags;		/* must be 0 */
	__u32 reserved[4];
};

/* Deliver a message-signalled interrupt; returns how many APICs took it. */
#define LVMM_SIGNAL_MSI		_IOW(LVMMIO, 0x13, struct lvmm_msi)

/*
 * LVMM_CAP_NETLINK: the name the netlink family reports for this VM.
 * 1 to LVMM_VM_NAME_LEN - 1 characters of [A-Za-z0-9._-], NUL-terminated,
 * the rest of the array zero.  Names need not be unique: the VM id is.
 */
#define LVMM_VM_NAME_LEN	64

struct lvmm_vm_name {
	char name[LVMM_VM_NAME_LEN];
};

#define LVMM_SET_VM_NAME	_IOW(LVMMIO, 0x14, struct lvmm_vm_name)

/* ---- vCPU fd ---- */
struct lvmm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

struct lvmm_segment {
	__u64 base;
	__u32 limit;		/* byte granular: limit of the segment in bytes - 1 */
	__u16 selector;
	__u8  type;
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;
};

struct lvmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

struct lvmm_sregs {
	struct lvmm_segment cs, ds, es, fs, gs, ss;
	struct lvmm_segment tr, ldt;
	struct lvmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 reserved[4];
};

struct lvmm_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/* GET_MSRS/SET_MSRS return the number of entries processed. */
struct lvmm_msrs {
	__u32 nmsrs;
	__u32 pad;
	struct lvmm_msr_entry entries[];
};

#define LVMM_CPUID_FLAG_SIGNIFICANT_INDEX	(1U << 0)

struct lvmm_cpuid_entry {
	__u32 function;
	__u32 index;		/* subleaf, when SIGNIFICANT_INDEX */
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 reserved[3];
};

/* The table the guest's CPUID instruction is answered from. */
struct lvmm_cpuid {
	__u32 nent;
	__u32 pad;
	struct lvmm_cpuid_entry entries[];
};

/* Queue an external interrupt; injected when the guest can take it. */
struct lvmm_interrupt {
	__u32 vector;
	__u32 reserved;
};

/*
 * Counters of one vCPU since its creation (LVMM_CAP_VCPU_STATS). Indices
 * are stable; new ones are only ever added before LVMM_STAT_MAX, and
 * "count" says how many this module fills (the rest read as zero).
 */
enum lvmm_stat {
	LVMM_STAT_EXITS,		/* every exit from the guest */
	LVMM_STAT_HOST_INTR,		/* a host interrupt or a kick: nothing to emulate */
	LVMM_STAT_IO,			/* port I/O */
	LVMM_STAT_MMIO,			/* MMIO emulated in userspace */
	LVMM_STAT_APIC_MMIO,		/* xAPIC page accesses, in the kernel */
	LVMM_STAT_PAGE_FAULT,		/* first touch of guest RAM (NPT/EPT mapped) */
	LVMM_STAT_MSR,			/* RDMSR and WRMSR */
	LVMM_STAT_CPUID,
	LVMM_STAT_HLT,
	LVMM_STAT_IRQ_WINDOW,
	LVMM_STAT_OTHER,		/* CR access, exceptions, #UD, hypercalls, ... */
	LVMM_STAT_HALT_SLEEPS,		/* HLTs that slept in the kernel */
	LVMM_STAT_IRQ_INJECTED,		/* interrupts delivered to the guest */
	LVMM_STAT_USER_EXITS,		/* LVMM_RUN returning to userspace */
	LVMM_STAT_PAUSE,		/* spinning PAUSE loops (LVMM_CAP_PAUSE_EXITS) */
	LVMM_STAT_DIRECTED_YIELDS,	/* ...that gave the CPU to a sibling */
	LVMM_STAT_NMI_INJECTED,		/* NMIs delivered to the guest */
	LVMM_STAT_NR
};

#define LVMM_STAT_MAX	32

struct lvmm_vcpu_stats {
	__u32 count;			/* out: LVMM_STAT_NR */
	__u32 reserved;
	__u64 value[LVMM_STAT_MAX];
};

#define LVMM_RUN		_IO(LVMMIO, 0x80)
#define LVMM_GET_REGS		_IOR(LVMMIO, 0x81, struct lvmm_regs)
#define LVMM_SET_REGS		_IOW(LVMMIO, 0x82, struct lvmm_regs)
#define LVMM_GET_SREGS		_IOR(LVMMIO, 0x83, struct lvmm_sregs)
#define LVMM_SET_SREGS		_IOW(LVMMIO, 0x84, struct lvmm_sregs)
#define LVMM_GET_MSRS		_IOWR(LVMMIO, 0x85, struct lvmm_msrs)
#define LVMM_SET_MSRS		_IOW(LVMMIO, 0x86, struct lvmm_msrs)
#define LVMM_SET_CPUID		_IOW(LVMMIO, 0x87, struct lvmm_cpuid)
#define LVMM_INTERRUPT		_IOW(LVMMIO, 0x88, struct lvmm_interrupt)
#define LVMM_GET_VCPU_STATS	_IOR(LVMMIO, 0x89, struct lvmm_vcpu_stats)

/* ---- the run page: mmap(vcpu_fd, 0, LVMM_GET_VCPU_MMAP_SIZE) ---- */
enum lvmm_exit_reason {
	LVMM_EXIT_UNKNOWN		= 0,
	LVMM_EXIT_IO			= 1,
	LVMM_EXIT_MMIO			= 2,
	LVMM_EXIT_HLT			= 3,
	LVMM_EXIT_SHUTDOWN		= 4,
	LVMM_EXIT_FAIL_ENTRY		= 5,
	LVMM_EXIT_INTR			= 6,
	LVMM_EXIT_HYPERCALL		= 7,
	LVMM_EXIT_INTERNAL_ERROR	= 8,
	LVMM_EXIT_IRQ_WINDOW_OPEN	= 9,
};

#define LVMM_EXIT_IO_IN		0
#define LVMM_EXIT_IO_OUT	1

enum lvmm_internal_error {
	LVMM_INTERNAL_ERROR_UNHANDLED_EXIT	= 1,	/* data: exit code, info1, info2 */
	LVMM_INTERNAL_ERROR_EMULATION		= 2,	/* data: gpa, insn bytes (2 words) */
	LVMM_INTERNAL_ERROR_DELIVERY		= 3,	/* data: exit code, gpa */
	LVMM_INTERNAL_ERROR_HOST_STATE		= 4,	/* data: host cpu; vCPU reset */
};

struct lvmm_run {
	/* in */
	__u8 request_interrupt_window;
	__u8 immediate_exit;
	__u8 padding1[6];

	/* out */
	__u32 exit_reason;
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u8 padding2[2];

	union {
		/* LVMM_EXIT_IO: data lives at (char *)run + data_offset */
		struct {
			__u8 direction;
			__u8 size;		/* 1, 2 or 4 */
			__u16 port;
			__u32 count;		/* >1 only for rep string I/O */
			__u64 data_offset;
		} io;
		/* LVMM_EXIT_MMIO: for reads, fill data before the next RUN */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 padding[3];
		} mmio;
		/* LVMM_EXIT_HYPERCALL: nr = rax, args = rbx, rcx, rdx, rsi; ret -> rax */
		struct {
			__u64 nr;
			__u64 args[4];
			__u64 ret;
		} hypercall;
		/* LVMM_EXIT_FAIL_ENTRY */
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
			__u32 padding;
		} fail_entry;
		/* LVMM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[8];
		} internal;
		char padding[256];
	};
};

/* Offset of the string I/O data area in the run page. */
#define LVMM_RUN_IO_DATA_OFFSET	1024

/*
 * ---- generic netlink family "lvmm" (LVMM_CAP_NETLINK) ----
 *
 * Management next to the ioctls: list VMs, read vCPU statistics, pause
 * and resume, and events.  Requests carry only the attributes their
 * command lists; anything else (unknown, wrong type or size) is EINVAL.
 * A caller sees and controls the VMs of its effective uid (as opened the
 * socket), all VMs with CAP_SYS_ADMIN.  Documentation/uapi.rst has the
 * details of each command.
 */
#define LVMM_GENL_NAME		"lvmm"
#define LVMM_GENL_VERSION	1
/* Every event, for CAP_SYS_ADMIN; others use LVMM_CMD_SUBSCRIBE. */
#define LVMM_GENL_MCGRP_EVENTS	"events"

enum lvmm_nl_cmd {
	LVMM_CMD_UNSPEC,
	LVMM_CMD_GET_VM,	/* VM_ID: one VM; NLM_F_DUMP: all visible */
	LVMM_CMD_GET_STATS,	/* VM_ID -> VM_ID, VCPU... */
	LVMM_CMD_PAUSE_VM,	/* VM_ID */
	LVMM_CMD_RESUME_VM,	/* VM_ID */
	LVMM_CMD_SUBSCRIBE,	/* no attributes: events of visible VMs to this socket */
	LVMM_CMD_EVENT,		/* kernel to user only */
	__LVMM_CMD_MAX,
};
#define LVMM_CMD_MAX	(__LVMM_CMD_MAX - 1)

enum lvmm_nl_attr {
	LVMM_ATTR_UNSPEC,
	LVMM_ATTR_VM_ID,	/* u32, never reused while the module is loaded */
	LVMM_ATTR_VM_NAME,	/* string, LVMM_SET_VM_NAME's */
	LVMM_ATTR_OWNER_PID,	/* u32, the creating process (init pid namespace) */
	LVMM_ATTR_OWNER_UID,	/* u32, its effective uid (init user namespace) */
	LVMM_ATTR_OWNER_CGROUP,	/* string, its cgroup v2 path at creation */
	LVMM_ATTR_NR_VCPUS,	/* u32 */
	LVMM_ATTR_MEM_SLOTS,	/* u32, memory slots in use */
	LVMM_ATTR_MEM_BYTES,	/* u64, guest memory in those slots */
	LVMM_ATTR_MEM_MAPPED,	/* u64, of which mapped (touched) by the guest */
	LVMM_ATTR_STATE,	/* u32, enum lvmm_vm_state */
	LVMM_ATTR_CREATED_NS,	/* u64, CLOCK_REALTIME of creation */
	LVMM_ATTR_BACKEND,	/* string, "svm" or "vmx" */
	LVMM_ATTR_VCPU,		/* nested, once per vCPU: the VCPU_* and STATS */
	LVMM_ATTR_VCPU_ID,	/* u32 */
	LVMM_ATTR_STATS,	/* binary: u64 per enum lvmm_stat, length says how many */
	LVMM_ATTR_GUEST_NS,	/* u64, time in guest mode */
	LVMM_ATTR_LVMM_NS,	/* u64, time in LVMM_RUN outside guest mode, not sleeping */
	LVMM_ATTR_EVENT,	/* u32, enum lvmm_event */
	LVMM_ATTR_PAD,
	__LVMM_ATTR_MAX,
};
#define LVMM_ATTR_MAX	(__LVMM_ATTR_MAX - 1)

enum lvmm_vm_state {
	LVMM_VM_CREATED,	/* no vCPU has run yet */
	LVMM_VM_RUNNING,
	LVMM_VM_PAUSED,		/* LVMM_CMD_PAUSE_VM: no vCPU enters the guest */
	LVMM_VM_SHUTDOWN,	/* a vCPU's last exit was a shutdown (triple fault) */
};

/* LVMM_ATTR_EVENT; each event also has VM_ID, VM_NAME, OWNER_PID, OWNER_UID and OWNER_CGROUP. */
enum lvmm_event {
	LVMM_EVENT_CREATED,
	LVMM_EVENT_DESTROYED,
	LVMM_EVENT_PAUSED,
	LVMM_EVENT_RESUMED,
	LVMM_EVENT_SHUTDOWN,		/* with VCPU_ID */
	LVMM_EVENT_INTERNAL_ERROR,	/* with VCPU_ID */
	LVMM_EVENT_FAIL_ENTRY,		/* with VCPU_ID */
};

#endif /* _UAPI_LINUX_LVMM_H */
