/* SPDX-License-Identifier: MIT */
/* Wall clock, trust and the hybrid logical clock (see clock.h). */
#include "core/clock.h"

#include <stdio.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

#include "core/ticket.h"

void clock_init(struct vk_clock *c, int64_t hlc_floor)
{
	c->offset_ms = 0;
	c->virtual_ms = 0;
	c->trusted_override = -1;
	c->hlc_last = hlc_floor;
}

int64_t clock_now_ms(const struct vk_clock *c)
{
	struct timeval tv;
	if (c->virtual_ms)
		return c->virtual_ms + c->offset_ms;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000 + c->offset_ms;
}

int clock_trusted(const struct vk_clock *c)
{
	struct timex tx = { 0 };
	if (c->trusted_override >= 0)
		return c->trusted_override;
	if (c->virtual_ms)
		return 1;
	/* adjtimex only reads here (modes 0); STA_UNSYNC is cleared once NTP has set the time */
	if (adjtimex(&tx) < 0)
		return 0;
	return !(tx.status & STA_UNSYNC);
}

int64_t clock_hlc_next(struct vk_clock *c)
{
	int64_t wall = clock_now_ms(c) << 16;
	c->hlc_last = wall > c->hlc_last ? wall : c->hlc_last + 1;
	return c->hlc_last;
}

void clock_observe(struct vk_clock *c, int64_t hlc)
{
	if (hlc > c->hlc_last)
		c->hlc_last = hlc;
}

int clock_today(const struct vk_clock *c)
{
	time_t t = (time_t)(clock_now_ms(c) / 1000);
	struct tm tm;
	char date[16];
	localtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	return ticket_day_from_date(date);
}

void clock_format_local(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

double clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
