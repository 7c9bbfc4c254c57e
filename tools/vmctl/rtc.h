/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MC146818 RTC and CMOS RAM (ports 0x70/0x71): the guest reads the
 * host's UTC time (BCD, 24-hour), never sees an update in progress, and
 * keeps 128 bytes of CMOS. Setting the clock is accepted and ignored:
 * the guest's clock is the host's. Without it, Linux retries the time
 * read some 40,000 times and boots with the epoch as its time.
 */
#ifndef VMCTL_RTC_H
#define VMCTL_RTC_H

#include <stdint.h>

struct rtc {
	uint8_t index;
	uint8_t cmos[128];
};

void rtc_init(struct rtc *r);
int rtc_claims(uint16_t port);
uint8_t rtc_read(struct rtc *r, uint16_t port);
void rtc_write(struct rtc *r, uint16_t port, uint8_t val);

#endif /* VMCTL_RTC_H */
