/* SPDX-License-Identifier: MIT */
/* A database as a sync replica: merging what arrives from elsewhere into the kiosk's (or
 * the hub's) own vkhid database, and reading back what has to go out.
 *
 * Check-in events live in the normal `checkin` table (so the local door, stats and export
 * see other kiosks' admissions); this module adds two grow-only tables of its own, created
 * on first use with their own version in `setting` ("sync.schema"):
 *   sync_confirmed(uuid)  the admissions the hub decided (their mode is "hub")
 *   sync_note(...)        organizers' notes resolving incidents
 * and keeps the kiosk's link to its hub: settings "sync.url", "sync.pin", "sync.token",
 * "sync.name", "sync.last_contact_ms", "sync.clock_offset_ms", and the cursor of changes
 * pulled in sync_peer('hub').
 *
 * Every function returns VK_OK or a negative vk_err. Functions that write run in one
 * transaction of their own unless the caller already opened one. */
#ifndef VK_SYNC_REPLICA_H
#define VK_SYNC_REPLICA_H

#include <stddef.h>

#include "db/db.h"
#include "sync/wire.h"

/* Creates the replica's tables when missing (idempotent). */
int sync_replica_init(db *d);

/* Merges events (INSERT OR IGNORE by uuid; hub confirmations added to sync_confirmed).
 * synced is the flag stored with new rows (1: they came from or reached the hub). *added
 * (may be NULL) counts events that were new here; *clashes (may be NULL) counts events
 * refused because another event holds the same (kiosk, seq): two kiosks with one id. */
int sync_replica_add_events(db *d, const struct sync_event *ev, size_t n, int synced,
			    size_t *added, size_t *clashes);
/* Merges notes (INSERT OR IGNORE by uuid). */
int sync_replica_add_notes(db *d, const struct sync_note *nt, size_t n, int synced);
/* Records that the hub decided these admissions (uuids). */
int sync_replica_confirm(db *d, const char (*uuids)[37], size_t n);

/* Every event (event_id 0: of all events) with its mode, and every note. *ev and *notes
 * are malloc'd: the caller frees them. */
int sync_replica_load(db *d, int64_t event_id, struct sync_event **ev, size_t *n,
		      struct sync_note **notes, size_t *nn);
/* Up to limit events and notes not yet acknowledged by the hub, oldest first. */
int sync_replica_pending(db *d, size_t limit, struct sync_event **ev, size_t *n,
			 struct sync_note **notes, size_t *nn);
/* How many events and notes wait to go up. */
int64_t sync_replica_pending_count(db *d);
/* Marks events and notes (by uuid) as acknowledged by the hub. */
int sync_replica_mark_synced(db *d, const struct sync_event *ev, size_t n,
			     const struct sync_note *notes, size_t nn);

/* Roster records from the hub: inserted or replaced as a whole. */
int sync_replica_put_event(db *d, const struct db_event *ev);
int sync_replica_put_key(db *d, const struct db_key *k);
int sync_replica_put_reg(db *d, const struct db_registration *r);
int sync_replica_put_revocation(db *d, const struct sync_revocation *r);
int sync_replica_put_setting(db *d, const struct sync_setting *s);
/* 1 when a setting travels from the hub to kiosks (the organizer's settings and the current
 * event), 0 for what belongs to one database (its kiosk id, its link to the hub). */
int sync_setting_travels(const char *key);

/* The cursor of changes pulled from the hub (0 before the first pull). */
int64_t sync_replica_cursor(db *d);
int sync_replica_set_cursor(db *d, int64_t cursor);

/* Adds an organizer's note resolving incident id (a full uuid). */
int sync_replica_note(db *d, const char *incident, const char *text, int64_t wall_ms,
		      int64_t hlc, struct sync_note *out);

/* The next sequence number of this database's own kiosk (the log's highest + 1). */
int64_t sync_replica_next_seq(db *d);
/* A fresh random (version 4) UUID in lower case. */
void sync_uuid_new(char out[37]);

#endif
