// SPDX-License-Identifier: GPL-2.0
/* The CMOS clock of rtc.h. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "rtc.h"

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define REG_A		0x0a	/* bit 7: update in progress */
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define REG_B_24H	0x02	/* 24-hour, BCD (bit 2 clear) */
#define REG_D_VRT	0x80	/* valid RAM and time */
#define REG_CENTURY	0x32

void rtc_init(struct rtc *r)
{
	*r = (struct rtc){ 0 };
	r->cmos[REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate */
	r->cmos[REG_B] = REG_B_24H;
	r->cmos[REG_D] = REG_D_VRT;
}

int rtc_claims(uint16_t port)
{
	return port == RTC_INDEX || port == RTC_DATA;
}

static uint8_t bcd(int v)
{
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static uint8_t clock_reg(uint8_t reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case 0x00:
		return bcd(tm.tm_sec);
	case 0x02:
		return bcd(tm.tm_min);
	case 0x04:
		return bcd(tm.tm_hour);
	case 0x06:
		return bcd(tm.tm_wday + 1);
	case 0x07:
		return bcd(tm.tm_mday);
	case 0x08:
		return bcd(tm.tm_mon + 1);
	case 0x09:
		return bcd(tm.tm_year % 100);
	default:	/* REG_CENTURY */
		return bcd((tm.tm_year + 1900) / 100);
	}
}

uint8_t rtc_read(struct rtc *r, uint16_t port)
{
	uint8_t reg = r->index & 0x7f;

	if (port == RTC_INDEX)
		return 0xff;	/* write-only on a PC */
	if (reg <= 0x09 && !(reg & 1 && reg < 0x06))
		return clock_reg(reg);
	if (reg == REG_CENTURY)
		return clock_reg(reg);
	if (reg == REG_C)
		return 0;	/* no interrupt flags: the RTC raises none */
	return r->cmos[reg];
}

void rtc_write(struct rtc *r, uint16_t port, uint8_t val)
{
	uint8_t reg = r->index & 0x7f;

	if (port == RTC_INDEX) {
		r->index = val;	/* bit 7 is the NMI mask: nothing to mask */
		return;
	}
	/* The time and the status registers are the host's to keep. */
	if (reg <= REG_D || reg == REG_CENTURY)
		return;
	r->cmos[reg] = val;
}
