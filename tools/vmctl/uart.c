// SPDX-License-Identifier: GPL-2.0
/* The 16550 register file, for a guest that polls. */
#include "uart.h"

enum { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB	0x80
#define LSR_THRE	0x20	/* transmit holding register empty */
#define LSR_TEMT	0x40	/* transmitter empty */
#define IIR_NO_INT	0x01
#define MSR_DCD_DSR_CTS	0xb0	/* a connected, ready line */
#define MCR_LOOP	0x10

void uart_init(struct uart *u, uint16_t base, FILE *out)
{
	*u = (struct uart){ .base = base, .out = out, .dll = 12 /* 9600 baud */ };
}

int uart_claims(const struct uart *u, uint16_t port)
{
	return port >= u->base && port < u->base + UART_NR_PORTS;
}

uint8_t uart_read(struct uart *u, uint16_t port)
{
	int dlab = u->lcr & LCR_DLAB;

	switch (port - u->base) {
	case RBR_THR:
		return dlab ? u->dll : 0;	/* nothing is ever received */
	case IER:
		return dlab ? u->dlm : u->ier;
	case IIR_FCR:
		return IIR_NO_INT;
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		/* Output is written at once, so the transmitter is always idle. */
		return LSR_THRE | LSR_TEMT;
	case MSR:
		return u->mcr & MCR_LOOP ? 0 : MSR_DCD_DSR_CTS;
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
		} else if (!(u->mcr & MCR_LOOP)) {
			fputc(val, u->out);
			if (val == '\n')
				fflush(u->out);
		}
		break;
	case IER:
		if (dlab)
			u->dlm = val;
		else
			u->ier = val & 0x0f;
		break;
	case LCR:
		u->lcr = val;
		break;
	case MCR:
		u->mcr = val & 0x1f;
		break;
	case SCR:
		u->scr = val;
		break;
	default:	/* FCR; LSR and MSR are read-only */
		break;
	}
}
