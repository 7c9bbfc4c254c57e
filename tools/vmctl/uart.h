/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A polled 16550-compatible UART: enough for a guest that writes to THR
 * after checking LSR, as early consoles and boot loaders do. No FIFO
 * emulation and no interrupts yet.
 */
#ifndef VMCTL_UART_H
#define VMCTL_UART_H

#include <stdint.h>
#include <stdio.h>

#define UART_COM1_BASE	0x3f8
#define UART_NR_PORTS	8

struct uart {
	uint16_t base;
	FILE *out;		/* where the guest's transmitted bytes go */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
};

void uart_init(struct uart *u, uint16_t base, FILE *out);
/* Whether @port is one of the UART's eight registers. */
int uart_claims(const struct uart *u, uint16_t port);
uint8_t uart_read(struct uart *u, uint16_t port);
void uart_write(struct uart *u, uint16_t port, uint8_t val);

#endif /* VMCTL_UART_H */
