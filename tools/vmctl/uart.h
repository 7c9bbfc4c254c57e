/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART: output goes to a FILE at once (the transmitter is always
 * idle), input comes from uart_receive(); receive-data and THR-empty
 * interrupts raise the INTR line (gated by MCR.OUT2, as on a PC), which
 * the machine wires to an I/O APIC pin.
 */
#ifndef VMCTL_UART_H
#define VMCTL_UART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define UART_COM1_BASE	0x3f8
#define UART_COM1_IRQ	4
#define UART_NR_PORTS	8
#define UART_RX_SIZE	4096

struct uart {
	uint16_t base;
	FILE *out;		/* where the guest's transmitted bytes go */
	int flush_each;		/* flush every byte (an interactive terminal) */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	int thre_pending;	/* THR-empty interrupt not yet seen in IIR */
	uint8_t rx[UART_RX_SIZE];
	size_t rx_head, rx_len;
	/* The INTR line: called with 1 on each rising edge, 0 on falling. */
	void (*irq)(void *opaque, int level);
	void *opaque;
	int irq_level;
};

void uart_init(struct uart *u, uint16_t base, FILE *out,
	       void (*irq)(void *opaque, int level), void *opaque);
/* Whether @port is one of the UART's eight registers. */
int uart_claims(const struct uart *u, uint16_t port);
uint8_t uart_read(struct uart *u, uint16_t port);
void uart_write(struct uart *u, uint16_t port, uint8_t val);
/* Bytes from the outside world; returns how many fitted. */
size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len);

#endif /* VMCTL_UART_H */
