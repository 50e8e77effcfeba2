/* SPDX-License-Identifier: MIT */
/* A database as a sync replica (see replica.h). The SQL of the replica's own tables and of
 * merging into the shared ones lives here, on db.c's connection (db_sqlite). */
#include "sync/replica.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define REPLICA_SCHEMA 1

static const char schema_v1[] =
	"CREATE TABLE IF NOT EXISTS sync_confirmed(uuid TEXT PRIMARY KEY);"
	"CREATE TABLE IF NOT EXISTS sync_note(uuid TEXT PRIMARY KEY, kiosk TEXT NOT NULL,"
	" incident TEXT NOT NULL, note TEXT NOT NULL, wall_ms INTEGER NOT NULL,"
	" hlc INTEGER NOT NULL, synced INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS checkin_unsynced ON checkin(synced) WHERE synced = 0;";

#define CI_SEL "c.uuid, c.kiosk, c.seq, c.event_id, c.number, c.session_id, c.kind, c.method," \
	" c.wall_ms, c.hlc, c.clock_trusted, c.synced," \
	" EXISTS(SELECT 1 FROM sync_confirmed f WHERE f.uuid = c.uuid)"
#define NOTE_SEL "uuid, kiosk, incident, note, wall_ms, hlc"

static void col_text(sqlite3_stmt *s, int i, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(buf, cap, "%s", t ? (const char *)t : "");
}

static void read_event(sqlite3_stmt *s, struct sync_event *e)
{
	struct db_checkin *c = &e->ci;
	memset(e, 0, sizeof *e);
	col_text(s, 0, c->uuid, sizeof c->uuid);
	col_text(s, 1, c->kiosk, sizeof c->kiosk);
	c->seq = sqlite3_column_int64(s, 2);
	c->event_id = sqlite3_column_int64(s, 3);
	c->number = sqlite3_column_int64(s, 4);
	c->session_id = sqlite3_column_int64(s, 5);
	c->kind = sqlite3_column_int(s, 6);
	c->method = sqlite3_column_int(s, 7);
	c->wall_ms = sqlite3_column_int64(s, 8);
	c->hlc = sqlite3_column_int64(s, 9);
	c->clock_trusted = sqlite3_column_int(s, 10);
	c->synced = sqlite3_column_int(s, 11);
	e->mode = sqlite3_column_int(s, 12) ? SYNC_MODE_HUB : SYNC_MODE_OFFLINE;
}

static void read_note(sqlite3_stmt *s, struct sync_note *x)
{
	memset(x, 0, sizeof *x);
	col_text(s, 0, x->uuid, sizeof x->uuid);
	col_text(s, 1, x->kiosk, sizeof x->kiosk);
	col_text(s, 2, x->incident, sizeof x->incident);
	col_text(s, 3, x->note, sizeof x->note);
	x->wall_ms = sqlite3_column_int64(s, 4);
	x->hlc = sqlite3_column_int64(s, 5);
}

/* A transaction of our own unless the caller holds one: *mine says which. */
static int begin(db *d, int *mine)
{
	*mine = sqlite3_get_autocommit(db_sqlite(d));
	return *mine ? db_begin(d) : VK_OK;
}

static int end(db *d, int mine, int rc)
{
	if (!mine)
		return rc;
	if (rc == VK_OK)
		return db_commit(d);
	db_rollback(d);
	return rc;
}

static int prep(db *d, const char *sql, sqlite3_stmt **s)
{
	return sqlite3_prepare_v2(db_sqlite(d), sql, -1, s, NULL) == SQLITE_OK ? VK_OK : VK_ERR_DB;
}

int sync_replica_init(db *d)
{
	int mine, rc;
	if (db_setting_int(d, "sync.schema", 0) >= REPLICA_SCHEMA)
		return VK_OK;
	if ((rc = begin(d, &mine)))
		return rc;
	rc = db_exec(d, schema_v1);
	if (rc == VK_OK)
		rc = db_setting_set(d, "sync.schema", "1");
	return end(d, mine, rc);
}

int sync_replica_add_events(db *d, const struct sync_event *ev, size_t n, int synced,
			    size_t *added, size_t *clashes)
{
	sqlite3_stmt *ins = NULL, *conf = NULL, *has = NULL;
	size_t a = 0, cl = 0;
	int mine, rc;

	if ((rc = begin(d, &mine)))
		return rc;
	if ((rc = prep(d, "INSERT OR IGNORE INTO checkin(uuid, kiosk, seq, event_id, number,"
			  " session_id, kind, method, wall_ms, hlc, clock_trusted, synced)"
			  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", &ins)) ||
	    (rc = prep(d, "INSERT OR IGNORE INTO sync_confirmed(uuid) VALUES(?1)", &conf)) ||
	    (rc = prep(d, "SELECT 1 FROM checkin WHERE uuid = ?1", &has)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct db_checkin *c = &ev[i].ci;
		sqlite3_bind_text(ins, 1, c->uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, c->kiosk, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, c->seq);
		sqlite3_bind_int64(ins, 4, c->event_id);
		sqlite3_bind_int64(ins, 5, c->number);
		sqlite3_bind_int64(ins, 6, c->session_id);
		sqlite3_bind_int(ins, 7, c->kind);
		sqlite3_bind_int(ins, 8, c->method);
		sqlite3_bind_int64(ins, 9, c->wall_ms);
		sqlite3_bind_int64(ins, 10, c->hlc);
		sqlite3_bind_int(ins, 11, c->clock_trusted);
		sqlite3_bind_int(ins, 12, synced);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = VK_ERR_DB;
			goto out;
		}
		sqlite3_reset(ins);
		if (sqlite3_changes(db_sqlite(d)) == 1) {
			a++;
		} else {
			/* ignored: the same uuid is here (a repeat), or another event holds
			 * this (kiosk, seq) */
			sqlite3_bind_text(has, 1, c->uuid, -1, SQLITE_STATIC);
			if (sqlite3_step(has) != SQLITE_ROW)
				cl++;
			sqlite3_reset(has);
			if (ev[i].mode != SYNC_MODE_HUB)
				continue;
		}
		if (ev[i].mode == SYNC_MODE_HUB) {
			sqlite3_bind_text(conf, 1, c->uuid, -1, SQLITE_STATIC);
			if (sqlite3_step(conf) != SQLITE_DONE) {
				rc = VK_ERR_DB;
				goto out;
			}
			sqlite3_reset(conf);
		}
	}
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(conf);
	sqlite3_finalize(has);
	if (added)
		*added = a;
	if (clashes)
		*clashes = cl;
	return end(d, mine, rc);
}

int sync_replica_add_notes(db *d, const struct sync_note *nt, size_t n, int synced)
{
	sqlite3_stmt *s = NULL;
	int mine, rc;
	if ((rc = begin(d, &mine)))
		return rc;
	if ((rc = prep(d, "INSERT OR IGNORE INTO sync_note(uuid, kiosk, incident, note, wall_ms,"
			  " hlc, synced) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &s)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(s, 1, nt[i].uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, nt[i].kiosk, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, nt[i].incident, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, nt[i].note, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, nt[i].wall_ms);
		sqlite3_bind_int64(s, 6, nt[i].hlc);
		sqlite3_bind_int(s, 7, synced);
		if (sqlite3_step(s) != SQLITE_DONE) {
			rc = VK_ERR_DB;
			goto out;
		}
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(s);
	return end(d, mine, rc);
}

int sync_replica_confirm(db *d, const char (*uuids)[37], size_t n)
{
	sqlite3_stmt *s = NULL;
	int mine, rc;
	if ((rc = begin(d, &mine)))
		return rc;
	if ((rc = prep(d, "INSERT OR IGNORE INTO sync_confirmed(uuid) VALUES(?1)", &s)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(s, 1, uuids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			rc = VK_ERR_DB;
			goto out;
		}
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(s);
	return end(d, mine, rc);
}

/* Runs a SELECT of events (CI_SEL) or notes (NOTE_SEL) into a growing array. */
static int collect(db *d, const char *sql, int64_t bind1, int is_note, void **arr, size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0, sz = is_note ? sizeof(struct sync_note) : sizeof(struct sync_event);
	int rc;
	*arr = NULL;
	*n = 0;
	if (prep(d, sql, &s))
		return VK_ERR_DB;
	if (bind1 >= 0)
		sqlite3_bind_int64(s, 1, bind1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			void *p = realloc(*arr, nc * sz);
			if (!p) {
				sqlite3_finalize(s);
				free(*arr);
				*arr = NULL;
				*n = 0;
				return VK_ERR_NOMEM;
			}
			*arr = p;
			cap = nc;
		}
		if (is_note)
			read_note(s, (struct sync_note *)*arr + *n);
		else
			read_event(s, (struct sync_event *)*arr + *n);
		(*n)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*arr);
		*arr = NULL;
		*n = 0;
		return VK_ERR_DB;
	}
	return VK_OK;
}

int sync_replica_load(db *d, int64_t event_id, struct sync_event **ev, size_t *n,
		      struct sync_note **notes, size_t *nn)
{
	int rc = collect(d, event_id ? "SELECT " CI_SEL " FROM checkin c WHERE c.event_id = ?1"
					" ORDER BY c.hlc, c.kiosk, c.seq"
				     : "SELECT " CI_SEL " FROM checkin c ORDER BY c.hlc, c.kiosk, c.seq",
			 event_id ? event_id : -1, 0, (void **)ev, n);
	if (rc)
		return rc;
	rc = collect(d, "SELECT " NOTE_SEL " FROM sync_note ORDER BY hlc, uuid", -1, 1,
		     (void **)notes, nn);
	if (rc) {
		free(*ev);
		*ev = NULL;
		*n = 0;
	}
	return rc;
}

int sync_replica_pending(db *d, size_t limit, struct sync_event **ev, size_t *n,
			 struct sync_note **notes, size_t *nn)
{
	db_kiosk_id(d); /* made on first use: the queries below read it */
	/* only this kiosk's own events go up: what came from elsewhere is the hub's already */
	int rc = collect(d, "SELECT " CI_SEL " FROM checkin c WHERE c.synced = 0 AND c.kiosk ="
			    " (SELECT value FROM setting WHERE key = 'kiosk_id')"
			    " ORDER BY c.rowid LIMIT ?1", (int64_t)limit, 0, (void **)ev, n);
	if (rc)
		return rc;
	rc = collect(d, "SELECT " NOTE_SEL " FROM sync_note WHERE synced = 0 AND kiosk ="
		     " (SELECT value FROM setting WHERE key = 'kiosk_id') ORDER BY rowid LIMIT ?1",
		     (int64_t)limit, 1, (void **)notes, nn);
	if (rc) {
		free(*ev);
		*ev = NULL;
		*n = 0;
	}
	return rc;
}

int64_t sync_replica_pending_count(db *d)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	db_kiosk_id(d);
	if (prep(d, "SELECT (SELECT COUNT(*) FROM checkin WHERE synced = 0 AND kiosk = k.id)"
		    " + (SELECT COUNT(*) FROM sync_note WHERE synced = 0 AND kiosk = k.id)"
		    " FROM (SELECT value AS id FROM setting WHERE key = 'kiosk_id') k", &s))
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int sync_replica_mark_synced(db *d, const struct sync_event *ev, size_t n,
			     const struct sync_note *notes, size_t nn)
{
	sqlite3_stmt *a = NULL, *b = NULL;
	int mine, rc;
	if ((rc = begin(d, &mine)))
		return rc;
	if ((rc = prep(d, "UPDATE checkin SET synced = 1 WHERE uuid = ?1", &a)) ||
	    (rc = prep(d, "UPDATE sync_note SET synced = 1 WHERE uuid = ?1", &b)))
		goto out;
	for (size_t i = 0; i < n + nn; i++) {
		sqlite3_stmt *s = i < n ? a : b;
		sqlite3_bind_text(s, 1, i < n ? ev[i].ci.uuid : notes[i - n].uuid, -1,
				  SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			rc = VK_ERR_DB;
			goto out;
		}
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return end(d, mine, rc);
}

/* ---- the roster ------------------------------------------------------------------------ */
static int exec_bound(db *d, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? VK_OK : VK_ERR_DB;
	sqlite3_finalize(s);
	return rc;
}

int sync_replica_put_event(db *d, const struct db_event *ev)
{
	sqlite3_stmt *s;
	if (prep(d, "INSERT INTO event(id, name, starts, ends, timezone, walkins, created)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
		    " ON CONFLICT(id) DO UPDATE SET name = excluded.name, starts = excluded.starts,"
		    " ends = excluded.ends, timezone = excluded.timezone, walkins = excluded.walkins",
		 &s))
		return VK_ERR_DB;
	sqlite3_bind_int64(s, 1, ev->id);
	sqlite3_bind_text(s, 2, ev->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ev->starts, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, ev->ends, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, ev->timezone, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, ev->walkins);
	return exec_bound(d, s);
}

int sync_replica_put_key(db *d, const struct db_key *k)
{
	sqlite3_stmt *s;
	if (prep(d, "INSERT INTO event_key(key_id, event_id, pk, revoked, created)"
		    " VALUES(?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
		    " ON CONFLICT(key_id) DO UPDATE SET revoked = MAX(revoked, excluded.revoked)",
		 &s))
		return VK_ERR_DB;
	sqlite3_bind_int(s, 1, k->key_id);
	sqlite3_bind_int64(s, 2, k->event_id);
	sqlite3_bind_blob(s, 3, k->pk, 32, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, k->revoked);
	return exec_bound(d, s);
}

int sync_replica_put_reg(db *d, const struct db_registration *r)
{
	struct db_registration cur, x = *r;
	int rc = db_reg_get(d, r->event_id, r->number, &cur);
	if (rc == VK_OK) {
		x.id = cur.id;
		return db_reg_update(d, &x);
	}
	if (rc != VK_ERR_NOT_FOUND)
		return rc;
	x.id = 0;
	return db_reg_insert(d, &x);
}

int sync_replica_put_revocation(db *d, const struct sync_revocation *r)
{
	sqlite3_stmt *s;
	if (prep(d, "INSERT OR IGNORE INTO revocation(event_id, number, nonce, reason, created_ms)"
		    " VALUES(?1, ?2, ?3, ?4,"
		    " CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))", &s))
		return VK_ERR_DB;
	sqlite3_bind_int64(s, 1, r->event_id);
	sqlite3_bind_int64(s, 2, r->number);
	sqlite3_bind_int64(s, 3, r->nonce);
	sqlite3_bind_text(s, 4, r->reason, -1, SQLITE_STATIC);
	return exec_bound(d, s);
}

int sync_setting_travels(const char *key)
{
	return strcmp(key, "kiosk_id") != 0 && strncmp(key, "sync.", 5) != 0 &&
	       strncmp(key, "hub.", 4) != 0 && strncmp(key, "clock.", 6) != 0;
}

int sync_replica_put_setting(db *d, const struct sync_setting *s)
{
	if (!sync_setting_travels(s->key))
		return VK_OK; /* a hub never steers what belongs to one kiosk */
	return db_setting_set(d, s->key, s->value);
}

int64_t sync_replica_cursor(db *d)
{
	sqlite3_stmt *s;
	int64_t v = 0;
	if (prep(d, "SELECT cursor_down FROM sync_peer WHERE peer = 'hub'", &s))
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int sync_replica_set_cursor(db *d, int64_t cursor)
{
	sqlite3_stmt *s;
	if (prep(d, "INSERT INTO sync_peer(peer, cursor_down) VALUES('hub', ?1)"
		    " ON CONFLICT(peer) DO UPDATE SET cursor_down = excluded.cursor_down", &s))
		return VK_ERR_DB;
	sqlite3_bind_int64(s, 1, cursor);
	return exec_bound(d, s);
}

void sync_uuid_new(char out[37])
{
	uint8_t r[16];
	randombytes_buf(r, sizeof r);
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
		 r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
		 r[15]);
}

int64_t sync_replica_next_seq(db *d)
{
	sqlite3_stmt *s;
	int64_t v = 1;
	if (prep(d, "SELECT COALESCE(MAX(seq), 0) + 1 FROM checkin WHERE kiosk = ?1", &s))
		return 1;
	sqlite3_bind_text(s, 1, db_kiosk_id(d), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int sync_replica_note(db *d, const char *incident, const char *text, int64_t wall_ms,
		      int64_t hlc, struct sync_note *out)
{
	struct sync_note x;
	memset(&x, 0, sizeof x);
	if (!sync_uuid_ok(incident) || !text || strlen(text) > SYNC_MAX_NOTE)
		return VK_ERR_INVALID;
	sync_uuid_new(x.uuid);
	snprintf(x.kiosk, sizeof x.kiosk, "%s", db_kiosk_id(d));
	snprintf(x.incident, sizeof x.incident, "%s", incident);
	snprintf(x.note, sizeof x.note, "%s", text);
	x.wall_ms = wall_ms;
	x.hlc = hlc;
	int rc = sync_replica_add_notes(d, &x, 1, 0);
	if (rc == VK_OK && out)
		*out = x;
	return rc;
}
