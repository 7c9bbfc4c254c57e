// SPDX-License-Identifier: GPL-2.0
/* The ACPI tables of acpi.h, laid out from ACPI_RSDP_ADDR upwards. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "acpi.h"
#include "ioapic.h"
#include "virtio_mmio.h"
#include "vmctl.h"

struct header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t extended_checksum, reserved[3];
} __attribute__((packed));

struct gas {			/* generic address structure */
	uint8_t space_id, bit_width, bit_offset, access_width;
	uint64_t address;
} __attribute__((packed));

struct fadt {
	struct header h;
	uint32_t facs, dsdt;
	uint8_t model, preferred_profile;
	uint16_t sci_interrupt;
	uint32_t smi_command;
	uint8_t acpi_enable, acpi_disable, s4_bios, pstate;
	uint32_t blocks[8];	/* PM1a/b event, PM1a/b control, PM2, timer, GPE0/1 */
	uint8_t lengths[8];
	uint16_t c2_latency, c3_latency, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alarm, month_alarm, century;
	uint16_t boot_flags;
	uint8_t reserved;
	uint32_t flags;
	struct gas reset_register;
	uint8_t reset_value;
	uint16_t arm_boot_flags;
	uint8_t minor_revision;
	uint64_t x_facs, x_dsdt;
	struct gas x_blocks[8];
	struct gas sleep_control, sleep_status;
	uint64_t hypervisor_id;
} __attribute__((packed));

static_assert(sizeof(struct fadt) == 276, "FADT revision 6 is 276 bytes");

struct madt {
	struct header h;
	uint32_t lapic_address, flags;
} __attribute__((packed));

struct madt_lapic {
	uint8_t type, length, processor_id, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_ioapic {
	uint8_t type, length, ioapic_id, reserved;
	uint32_t address, gsi_base;
} __attribute__((packed));

#define MADT_LAPIC	0
#define MADT_IOAPIC	1
#define LAPIC_ENABLED	1

#define FADT_HW_REDUCED		(1U << 20)
#define GAS_SYSTEM_IO		1

/* Name (_S5, Package (4) { 5, 0, 0, 0 }) in AML. */
static const uint8_t s5_aml[] = {
	0x08, '_', 'S', '5', '_',		/* NameOp "_S5_" */
	0x12, 0x07, 0x04,			/* PackageOp, PkgLength 7, 4 elements */
	0x0a, ACPI_S5_TYPE, 0x00, 0x00, 0x00,	/* BytePrefix 5, Zero, Zero, Zero */
};

/*
 * One virtio-mmio device in AML, as iasl would compile
 *   Device (VRnn) { Name (_HID, "LNRO0005") Name (_UID, nn)
 *     Name (_CRS, ResourceTemplate () {
 *       Memory32Fixed (ReadWrite, base, 0x1000)
 *       Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { pin } }) }
 * Package lengths use the two-byte encoding whatever their size.
 */
#define AML_NAME	0x08
#define AML_BYTE	0x0a
#define AML_STRING	0x0d
#define AML_BUFFER	0x11
#define AML_EXT		0x5b
#define AML_DEVICE	0x82
#define AML_METHOD	0x14

static uint8_t *pkg_length(uint8_t *p, size_t len)
{
	len += 2;	/* the encoding counts itself */
	p[0] = 0x40 | (len & 0xf);
	p[1] = len >> 4;
	return p + 2;
}

static uint8_t *put(uint8_t *p, const void *bytes, size_t len)
{
	memcpy(p, bytes, len);
	return p + len;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	return put(p, &v, 4);
}

/* Name (_CRS, Buffer () { @crs }): a resource template of @len bytes. */
static uint8_t *aml_crs(uint8_t *p, const uint8_t *crs, size_t len)
{
	p = put(p, "\x08_CRS\x11", 6);
	p = pkg_length(p, 2 + len);
	*p++ = AML_BYTE;
	*p++ = len;
	return put(p, crs, len);
}

/* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { @pin } */
static uint8_t *crs_interrupt(uint8_t *r, uint32_t pin)
{
	r = put(r, "\x89\x06\x00\x03\x01", 5);
	return put32(r, pin);
}

/* Device (...) around @body, which starts with the device's name. */
static size_t aml_device(uint8_t *at, const uint8_t *body, size_t len)
{
	uint8_t *q = at;

	*q++ = AML_EXT;
	*q++ = AML_DEVICE;
	q = pkg_length(q, len);
	q = put(q, body, len);
	return q - at;
}

static size_t virtio_device_aml(uint8_t *at, unsigned int slot)
{
	uint8_t body[128], *p = body;
	uint8_t crs[32], *r = crs;
	char name[5];

	/* Memory32Fixed: read-write, base, length; Interrupt: consumer, edge, one pin. */
	r = put(r, "\x86\x09\x00\x01", 4);
	r = put32(r, VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_WINDOW);
	r = put32(r, VIRTIO_MMIO_WINDOW);
	r = crs_interrupt(r, VIRTIO_MMIO_FIRST_PIN + slot);
	r = put(r, "\x79\x00", 2);	/* end tag, no checksum */

	snprintf(name, sizeof(name), "VR%02u", slot % 100);
	p = put(p, name, 4);
	p = put(p, "\x08_HID\x0dLNRO0005", 15);	/* with the NUL */
	p = put(p, "\x08_UID\x0a", 6);
	*p++ = slot;
	p = aml_crs(p, crs, r - crs);
	return aml_device(at, body, p - body);
}

/*
 * COM1 as an ACPI device (PNP0501, ports 0x3f8-0x3ff, ISA IRQ 4):
 *   Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, 1)
 *     Name (_CRS, ResourceTemplate () {
 *       IO (Decode16, 0x3f8, 0x3f8, 1, 8) IRQNoFlags () { 4 } }) }
 * A hardware-reduced FADT means no legacy PIC, and then Linux maps no
 * ISA IRQs to I/O APIC pins: the 8250 driver's fixed IRQ 4 would fail
 * request_irq() and every open of ttyS0 would get EIO. Declared here,
 * the port's IRQ is registered like any ACPI interrupt.
 */
static size_t com1_aml(uint8_t *at)
{
	static const uint8_t crs[] = {
		0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,	/* IO */
		0x22, 1 << 4, 0x00,				/* IRQNoFlags {4} */
		0x79, 0x00,					/* end tag */
	};
	uint8_t body[64], *p = body;

	p = put(p, "COM1", 4);
	p = put(p, "\x08_HID\x0c\x41\xd0\x05\x01", 10);	/* EisaId ("PNP0501") */
	p = put(p, "\x08_UID\x01", 6);				/* One */
	p = aml_crs(p, crs, sizeof(crs));
	return aml_device(at, body, p - body);
}

/*
 * The power button, as a hardware-reduced machine has it (QEMU's microvm
 * and arm virt do the same): a control-method button and a Generic Event
 * Device whose interrupt makes the guest notify it.
 *   Device (PWRB) { Name (_HID, EisaId ("PNP0C0C")) Name (_UID, Zero) }
 *   Device (GED0) { Name (_HID, "ACPI0013") Name (_UID, Zero)
 *     Name (_CRS, ResourceTemplate () {
 *       Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { pin } })
 *     Method (_EVT, 1) { Notify (\PWRB, 0x80) } }
 * Linux's button driver turns the notification into KEY_POWER, which
 * systemd-logind or acpid answer with a clean shutdown.
 */
static size_t power_button_aml(uint8_t *at)
{
	/* "_EVT", one argument (not serialized), Notify (\PWRB, 0x80) */
	static const char evt[] = "_EVT\x01" "\x86\\PWRB\x0a\x80";
	uint8_t body[96], *p = body, *q = at;
	uint8_t crs[16], *r = crs;

	p = put(p, "PWRB", 4);
	p = put(p, "\x08_HID\x0c\x41\xd0\x0c\x0c", 10);	/* EisaId ("PNP0C0C") */
	p = put(p, "\x08_UID\x00", 6);				/* Zero */
	q += aml_device(q, body, p - body);

	r = crs_interrupt(r, ACPI_GED_PIN);
	r = put(r, "\x79\x00", 2);
	p = body;
	p = put(p, "GED0", 4);
	p = put(p, "\x08_HID\x0d" "ACPI0013", 15);
	p = put(p, "\x08_UID\x00", 6);
	p = aml_crs(p, crs, r - crs);
	*p++ = AML_METHOD;
	p = pkg_length(p, sizeof(evt) - 1);
	p = put(p, evt, sizeof(evt) - 1);
	q += aml_device(q, body, p - body);
	return q - at;
}

static void header(struct header *h, const char *sig, uint32_t length, uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, "LVMM  ", 6);
	memcpy(h->oem_table_id, "VMCTL   ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "LVMM", 4);
	h->creator_revision = 1;
}

/* The MADT: the same CPUs and I/O APIC as the MP table (Linux prefers it). */
static void write_madt(uint8_t *at, unsigned int ncpus)
{
	struct madt *madt = (struct madt *)at;
	uint8_t *p = (uint8_t *)(madt + 1);
	unsigned int i;

	for (i = 0; i < ncpus; i++, p += sizeof(struct madt_lapic))
		*(struct madt_lapic *)p = (struct madt_lapic){
			.type = MADT_LAPIC, .length = sizeof(struct madt_lapic),
			.processor_id = i, .apic_id = i, .flags = LAPIC_ENABLED,
		};
	*(struct madt_ioapic *)p = (struct madt_ioapic){
		.type = MADT_IOAPIC, .length = sizeof(struct madt_ioapic),
		.ioapic_id = ncpus, .address = IOAPIC_BASE, .gsi_base = 0,
	};
	p += sizeof(struct madt_ioapic);
	header(&madt->h, "APIC", p - at, 4);
	madt->lapic_address = 0xfee00000;
	madt->h.checksum = table_checksum(madt, madt->h.length);
}

void acpi_write_tables(uint8_t *mem, unsigned int ncpus, unsigned int nr_virtio)
{
	uint64_t rsdp_at = ACPI_RSDP_ADDR, xsdt_at = rsdp_at + 64;
	uint64_t fadt_at = xsdt_at + 64, dsdt_at = fadt_at + 512, madt_at = dsdt_at + 2048;
	struct rsdp *rsdp = (struct rsdp *)(mem + rsdp_at);
	struct header *xsdt = (struct header *)(mem + xsdt_at);
	struct fadt *fadt = (struct fadt *)(mem + fadt_at);
	struct header *dsdt = (struct header *)(mem + dsdt_at);
	uint64_t *xsdt_entry = (uint64_t *)(xsdt + 1);
	unsigned int i;
	uint8_t *aml;

	memset(mem + rsdp_at, 0, madt_at + 1024 - rsdp_at);
	write_madt(mem + madt_at, ncpus);

	aml = put((uint8_t *)(dsdt + 1), s5_aml, sizeof(s5_aml));
	aml += com1_aml(aml);
	aml += power_button_aml(aml);
	for (i = 0; i < nr_virtio; i++)
		aml += virtio_device_aml(aml, i);
	assert(aml - (uint8_t *)dsdt <= (long)(madt_at - dsdt_at));
	header(dsdt, "DSDT", aml - (uint8_t *)dsdt, 2);
	dsdt->checksum = table_checksum(dsdt, dsdt->length);

	header(&fadt->h, "FACP", sizeof(*fadt), 6);
	fadt->dsdt = dsdt_at;
	fadt->x_dsdt = dsdt_at;
	fadt->flags = FADT_HW_REDUCED;
	fadt->sleep_control = (struct gas){
		.space_id = GAS_SYSTEM_IO, .bit_width = 8, .address = ACPI_SLEEP_CONTROL,
	};
	fadt->sleep_status = (struct gas){
		.space_id = GAS_SYSTEM_IO, .bit_width = 8, .address = ACPI_SLEEP_STATUS,
	};
	memcpy(&fadt->hypervisor_id, "LVMM\0\0\0\0", 8);
	fadt->h.checksum = table_checksum(fadt, sizeof(*fadt));

	header(xsdt, "XSDT", sizeof(*xsdt) + 16, 1);
	xsdt_entry[0] = fadt_at;
	xsdt_entry[1] = madt_at;
	xsdt->checksum = table_checksum(xsdt, xsdt->length);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "LVMM  ", 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = xsdt_at;
	rsdp->checksum = table_checksum(rsdp, 20);
	rsdp->extended_checksum = table_checksum(rsdp, sizeof(*rsdp));
}
