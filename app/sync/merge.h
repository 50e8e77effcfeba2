/* SPDX-License-Identifier: MIT */
/* What every replica derives from the merged log: the first admission of each ticket and
 * the incidents (DESIGN §5, notes/sync.md).
 *
 * The log is a grow-only set of events keyed by uuid; merging two replicas is their union
 * (an event the hub confirmed is "hub" everywhere: hub beats offline). From the set alone,
 * whatever order the events arrived in, each replica computes the same answer:
 *   - per ticket (event, number) and where it was admitted (session_id: 0 the entrance,
 *     else a session's room; and the local day, in an event of several days, which
 *     admits once a day), events are ordered by (hlc, kiosk, seq, uuid) and split into
 *     episodes at each undo of the same place and day;
 *   - in an episode, the first admission is the one the hub confirmed (the lowest of them
 *     if, improbably, several), else the lowest;
 *   - every other admission in the episode is an incident: it names both kiosks, both times
 *     and modes, and says "order uncertain" when either clock was not trusted;
 *   - an incident is resolved when a note names it (notes are grow-only too).
 * Pure functions: no database, no I/O. */
#ifndef VK_SYNC_MERGE_H
#define VK_SYNC_MERGE_H

#include <stddef.h>

#include "sync/wire.h"

struct sync_incident {
	char id[37];                 /* the uuid of the extra admission */
	struct sync_event first;     /* the admission that counts */
	struct sync_event other;     /* the extra one */
	int order_uncertain;         /* a clock of either was not trusted */
	int resolved;                /* a note names this incident */
	char note[SYNC_MAX_NOTE + 1];/* the latest note (by hlc, uuid), "" when none */
};

struct sync_derived {
	struct sync_event *first;    /* first admission of every episode, in ticket order */
	size_t n_first;
	struct sync_incident *inc;   /* in ticket order, then by the extra admission's order */
	size_t n_inc;
};

/* Derives first admissions and incidents from n events (any order; duplicate uuids are
 * merged, hub winning) and nn notes. Returns VK_OK and fills out (free with
 * sync_derived_free), or VK_ERR_NOMEM. */
int sync_derive(const struct sync_event *ev, size_t n, const struct sync_note *notes,
		size_t nn, struct sync_derived *out);
/* The same for a log whose events multi_day[0..n_multi) last several days: their
 * admissions are weighed per local day (the process's TZ is the events' time zone). */
int sync_derive_days(const struct sync_event *ev, size_t n, const struct sync_note *notes,
		     size_t nn, const int64_t *multi_day, size_t n_multi, struct sync_derived *out);
void sync_derived_free(struct sync_derived *d);

/* The order of the log: (event_id, number, hlc, kiosk, seq, uuid); a qsort comparator. */
int sync_event_cmp(const void *a, const void *b);

#endif
