/* SPDX-License-Identifier: MIT */
/* The kiosk's background sync: a thread with its own database connection that runs a round
 * of push and pull (sync_round) every few seconds while the kiosk runs, and at once when
 * poked (after an admission, so it goes up without waiting). Its state is what the kiosk
 * shows: online or not, last contact, events waiting, roster version. A database that is
 * not enrolled makes the thread wait idle; nothing here ever blocks the door. */
#ifndef VK_SYNC_WORKER_H
#define VK_SYNC_WORKER_H

#include <stdint.h>

#include "sync/wire.h"

struct sync_worker;

struct sync_worker_state {
	int enrolled;              /* the database has a hub */
	int online;                /* the last round reached the hub */
	int64_t last_contact_ms;   /* wall time of the last round that reached it, 0 never */
	int64_t pending;           /* events waiting to go up after the last round */
	int64_t cursor;            /* roster version */
	int64_t rounds;            /* rounds finished (reached the hub or not) */
	char hub[256];             /* the hub's address (sync.url) */
	int clock_from_hub;        /* the hub told its time: clock_offset_ms is to be applied */
	int64_t clock_offset_ms;   /* hub clock minus the system clock */
	char error[256];           /* why the last round failed, "" after a good one */
};

/* Starts the thread for the database at db_path, a round every interval_ms (5000 is the
 * kiosk's; at least 50). Returns VK_OK, VK_ERR_NOMEM or VK_ERR_IO (no thread). Stop and free
 * with sync_worker_stop(). */
int sync_worker_start(const char *db_path, int interval_ms, struct sync_worker **out);
/* Asks for a round now (returns at once). */
void sync_worker_poke(struct sync_worker *w);
/* The kiosk's health to send with the next rounds (copied; the pending count is filled in
 * by the round). */
void sync_worker_set_health(struct sync_worker *w, const struct sync_health *h);
/* A copy of the state after the last round. */
void sync_worker_get(struct sync_worker *w, struct sync_worker_state *st);
/* Stops the thread (waiting for a round in progress, at most one call's timeout) and frees
 * w. NULL is allowed. */
void sync_worker_stop(struct sync_worker *w);

#endif
