// SPDX-License-Identifier: GPL-2.0
/* The 16550A register file, with a receive buffer and interrupts. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "uart.h"

enum { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* THR empty */
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO	0xc0	/* FIFOs enabled: a 16550A */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define LCR_DLAB	0x80
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define LSR_TEMT	0x40	/* transmitter empty */
#define MCR_OUT2	0x08	/* gates INTR on PCs */
#define MCR_LOOP	0x10
#define MSR_DCD_DSR_CTS	0xb0	/* a connected, ready line */

void uart_init(struct uart *u, uint16_t base, FILE *out,
	       void (*irq)(void *opaque, int level), void *opaque)
{
	*u = (struct uart){
		.base = base, .out = out, .dll = 12 /* 9600 baud */,
		.flush_each = isatty(fileno(out)), .irq = irq, .opaque = opaque,
	};
}

int uart_claims(const struct uart *u, uint16_t port)
{
	return port >= u->base && port < u->base + UART_NR_PORTS;
}

static uint8_t iir(const struct uart *u)
{
	uint8_t fifo = u->fcr & FCR_ENABLE ? IIR_FIFO : 0;

	if ((u->ier & IER_RDI) && u->rx_len)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NO_INT;
}

static void update_irq(struct uart *u)
{
	int level = !(iir(u) & IIR_NO_INT) && (u->mcr & MCR_OUT2);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->irq)
		u->irq(u->opaque, level);
}

static uint8_t rx_pop(struct uart *u)
{
	uint8_t c;

	if (!u->rx_len)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_SIZE;
	u->rx_len--;
	return c;
}

uint8_t uart_read(struct uart *u, uint16_t port)
{
	int dlab = u->lcr & LCR_DLAB;
	uint8_t v;

	switch (port - u->base) {
	case RBR_THR:
		if (dlab)
			return u->dll;
		v = rx_pop(u);
		update_irq(u);
		return v;
	case IER:
		return dlab ? u->dlm : u->ier;
	case IIR_FCR:
		v = iir(u);
		/* Reading IIR acknowledges a THR-empty interrupt. */
		if ((v & 0x0f) == IIR_THRI) {
			u->thre_pending = 0;
			update_irq(u);
		}
		return v;
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		/* Output is written at once: the transmitter is always idle. */
		return LSR_THRE | LSR_TEMT | (u->rx_len ? LSR_DR : 0);
	case MSR:
		if (!(u->mcr & MCR_LOOP))
			return MSR_DCD_DSR_CTS;
		/*
		 * Loopback: the modem outputs come back as inputs (OUT2 -> DCD,
		 * OUT1 -> RI, DTR -> DSR, RTS -> CTS). Linux's 8250 probe checks
		 * this; a port that fails it stays "unknown", and every open of
		 * ttyS0 then reads EOF (EIO) although the console writes work.
		 */
		return (u->mcr & 0x0c) << 4 | (u->mcr & 0x01) << 5 | (u->mcr & 0x02) << 3;
	default:
		return u->scr;
	}
}

void uart_write(struct uart *u, uint16_t port, uint8_t val)
{
	int dlab = u->lcr & LCR_DLAB;

	switch (port - u->base) {
	case RBR_THR:
		if (dlab) {
			u->dll = val;
			return;
		}
		if (!(u->mcr & MCR_LOOP)) {
			fputc(val, u->out);
			if (u->flush_each || val == '\n')
				fflush(u->out);
		} else {
			uart_receive(u, &val, 1);	/* loopback: to our own receiver */
		}
		u->thre_pending = 1;	/* sent already: empty again */
		break;
	case IER:
		if (dlab) {
			u->dlm = val;
			return;
		}
		/* Enabling the THR-empty interrupt with THR empty raises it. */
		if ((val & IER_THRI) && !(u->ier & IER_THRI))
			u->thre_pending = 1;
		u->ier = val & 0x0f;
		break;
	case IIR_FCR:
		u->fcr = val & 0xc9;
		if (val & FCR_CLEAR_RX)
			u->rx_len = 0;
		break;
	case LCR:
		u->lcr = val;
		return;
	case MCR:
		u->mcr = val & 0x1f;
		break;
	case SCR:
		u->scr = val;
		return;
	default:	/* LSR and MSR are read-only */
		return;
	}
	update_irq(u);
}

size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	while (n < len && u->rx_len < UART_RX_SIZE) {
		u->rx[(u->rx_head + u->rx_len) % UART_RX_SIZE] = buf[n++];
		u->rx_len++;
	}
	update_irq(u);
	return n;
}
