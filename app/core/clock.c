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

void clock_day_bounds(int64_t ms, int64_t *from_ms, int64_t *to_ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*from_ms = (int64_t)mktime(&tm) * 1000;
	/* the next day's midnight by the calendar, not + 24 h (summer time) */
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*to_ms = (int64_t)mktime(&tm) * 1000;
}

int clock_parse_local(const char *text, int64_t *ms)
{
	struct tm tm = { 0 }, back;
	int y, mo, d, h, mi, n = 0;
	time_t t;
	if (sscanf(text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || text[n] ||
	    n != 16)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	back = tm;
	t = mktime(&tm);
	/* mktime normalises 02-30 into March: a date that moved was not a real one */
	if (t == (time_t)-1 || tm.tm_year != back.tm_year || tm.tm_mon != back.tm_mon ||
	    tm.tm_mday != back.tm_mday || h > 23 || mi > 59)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
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
