// SPDX-License-Identifier: GPL-2.0
/* The 8254's channel 2 and port 0x61 (see pit.h). */
#define _POSIX_C_SOURCE 200809L
#include "pit.h"

#define PIT_CH2		0x42
#define PIT_CONTROL	0x43
#define PORT_B		0x61
#define GATE2		0x01
#define SPEAKER		0x02
#define REFRESH		0x10
#define OUT2		0x20

int pit_claims(uint16_t port)
{
	return (port >= 0x40 && port <= PIT_CONTROL) || port == PORT_B;
}

/* Ticks of the 1.193182 MHz clock since counting began. */
static uint64_t ticks(const struct pit *p)
{
	struct timespec now;
	uint64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (uint64_t)(now.tv_sec - p->start.tv_sec) * 1000000000ULL +
	     now.tv_nsec - p->start.tv_nsec;
	return ns * PIT_FREQ_HZ / 1000000000ULL;
}

/* Mode 0 counts down and wraps; the others reload (close enough for 2 and 3). */
static uint16_t count(const struct pit *p)
{
	uint32_t n = p->reload ? p->reload : 0x10000;
	uint64_t t;

	if (!p->counting)
		return p->reload;
	t = ticks(p);
	if (p->mode == 0)
		return (uint16_t)(n - t);
	return (uint16_t)(n - t % n);
}

static int out2(const struct pit *p)
{
	uint32_t n = p->reload ? p->reload : 0x10000;

	if (!p->counting)
		return p->mode != 0;	/* mode 0: low until the count ends */
	if (p->mode == 0)
		return ticks(p) >= n;
	return ticks(p) % n < n / 2;	/* square wave */
}

static uint8_t read_ch2(struct pit *p)
{
	uint16_t v = p->latched ? p->latch : count(p);
	uint8_t b;

	switch (p->access) {
	case 1:
		b = v;
		break;
	case 2:
		b = v >> 8;
		break;
	default:	/* low byte, then high byte */
		b = p->read_hi ? v >> 8 : v;
		p->read_hi = !p->read_hi;
		if (!p->read_hi)
			p->latched = 0;
		return b;
	}
	p->latched = 0;
	return b;
}

uint8_t pit_read(struct pit *p, uint16_t port)
{
	if (port == PORT_B) {
		p->refresh ^= REFRESH;
		return p->port61 | p->refresh | (out2(p) ? OUT2 : 0);
	}
	return port == PIT_CH2 ? read_ch2(p) : 0;
}

static void start(struct pit *p)
{
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->counting = p->port61 & GATE2;
}

static void write_control(struct pit *p, uint8_t val)
{
	if ((val >> 6) != 2)
		return;	/* channels 0 and 1 (and read-back): not modelled */
	if (!((val >> 4) & 3)) {	/* counter latch */
		p->latch = count(p);
		p->latched = 1;
		p->read_hi = 0;
		return;
	}
	p->access = (val >> 4) & 3;
	p->mode = (val >> 1) & 7;
	p->write_hi = p->read_hi = 0;
	p->latched = 0;
	p->counting = 0;
}

void pit_write(struct pit *p, uint16_t port, uint8_t val)
{
	switch (port) {
	case PORT_B:
		/* A rising gate restarts the count. */
		if ((val & GATE2) && !(p->port61 & GATE2)) {
			p->port61 = val & (GATE2 | SPEAKER);
			start(p);
		}
		p->port61 = val & (GATE2 | SPEAKER);
		if (!(val & GATE2))
			p->counting = 0;
		break;
	case PIT_CONTROL:
		write_control(p, val);
		break;
	case PIT_CH2:
		if (p->access == 1 || (p->access == 3 && !p->write_hi)) {
			p->reload = (p->reload & 0xff00) | val;
			p->write_hi = p->access == 3;
			if (p->access == 3)
				return;	/* the high byte completes the count */
		} else {
			p->reload = (p->reload & 0x00ff) | (uint16_t)val << 8;
			p->write_hi = 0;
		}
		start(p);
		break;
	}
}
