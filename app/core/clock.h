/* SPDX-License-Identifier: MIT */
/* Time for check-ins: the wall clock (which a Raspberry Pi without a battery clock may
 * have wrong), whether it can be trusted, and a hybrid logical clock that never goes
 * backwards, so the log has one order even when the wall clock jumps.
 *
 * A clock can be shifted (the organizer sets the time; a scenario advances it) without
 * touching the system clock. */
#ifndef VK_CORE_CLOCK_H
#define VK_CORE_CLOCK_H

#include <stdint.h>

struct vk_clock {
	int64_t offset_ms;     /* added to the system clock */
	int64_t virtual_ms;    /* when nonzero, the clock stands still at this time (tests) */
	int trusted_override;  /* -1 ask the system, 0 untrusted, 1 trusted (organizer set it) */
	int64_t hlc_last;      /* last hybrid value handed out */
};

/* A clock that follows the system clock; hlc_floor is the highest value already in the
 * log (db_checkin_max_hlc), so a restart with a clock set back still moves forward. */
void clock_init(struct vk_clock *c, int64_t hlc_floor);
/* Wall time in ms since the Unix epoch. */
int64_t clock_now_ms(const struct vk_clock *c);
/* 1 when the wall time can be trusted: the system clock is NTP-synchronised (adjtimex)
 * or the organizer set it; a scenario's virtual clock counts as trusted. */
int clock_trusted(const struct vk_clock *c);
/* The next hybrid logical clock value: (ms << 16) | counter, strictly increasing. */
int64_t clock_hlc_next(struct vk_clock *c);
/* Moves the hybrid clock past hlc (a value another process wrote), so the next value
 * sorts after it whatever this process's wall clock says. */
void clock_observe(struct vk_clock *c, int64_t hlc);
/* Milliseconds of a hybrid value. */
static inline int64_t clock_hlc_ms(int64_t hlc) { return hlc >> 16; }
/* Today's day number at the event (days since 2020-01-01 in local time; the process TZ
 * is the event's time zone). */
int clock_today(const struct vk_clock *c);
/* The local day holding ms: [*from_ms, *to_ms) from its midnight to the next (23 or 25
 * hours on the days summer time starts or ends), in the process's TZ (the event's time
 * zone, which the CLI sets). */
void clock_day_bounds(int64_t ms, int64_t *from_ms, int64_t *to_ms);
/* Reads "YYYY-MM-DD HH:MM" as local time: ms since the epoch into *ms. Returns 0, or -1
 * when the text is not such a time (or names no real minute, like 24:00 or 02-30). */
int clock_parse_local(const char *text, int64_t *ms);
/* Formats ms as local "YYYY-MM-DD HH:MM:SS". */
void clock_format_local(int64_t ms, char out[32]);
/* Milliseconds of the monotonic clock (CLOCK_MONOTONIC) with sub-millisecond precision:
 * for durations and pacing only, never for dates (it starts at an arbitrary point). */
double clock_mono_ms(void);

#endif
