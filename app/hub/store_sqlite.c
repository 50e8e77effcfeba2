/* SPDX-License-Identifier: MIT */
/* The hub's "sqlite" storage backend (see store.h): a normal vkhid database (event,
 * registrations, keys, the check-in log, settings) plus the hub's own tables, created here
 * with their own version in `setting` ("hub.schema"):
 *   hub_change  one row per change kiosks must hear of, filled by triggers on the shared
 *               tables, so `vkhid --db hub.db import` reaches kiosks without knowing of them;
 *               its seq is the cursor of "changes since N"
 *   hub_kiosk   enrolled kiosks: id, name, sha256 of the token, revoked time
 *   hub_enroll  one-time enrollment codes (hashed), their expiry and use
 *   hub_admit   the admission decisions: PRIMARY KEY (event, number, episode) is the unique
 *               key that serialises admissions across kiosks
 *   hub_secret  the organizers' password hash (never in the change feed)
 * Map: 1. schema  2. open/close  3. kiosks and tokens  4. push and redeem  5. changes
 *      6. the dashboard's reads and writes */
#include "hub/store.h"

#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkin.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "sync/bundle.h"
#include "sync/replica.h"

/* the statements that read one changed row, prepared once (a page reads a thousand) */
enum row_q { RQ_REVOCATION, RQ_SETTING, RQ_CHECKIN, RQ_CONFIRM, RQ_NOTE, RQ_COUNT };

struct sq_store {
	struct hub_store base; /* always the first member */
	db *d;
	sqlite3 *h;
	sqlite3_stmt *rq[RQ_COUNT];
};

static const char *const row_sql[RQ_COUNT] = {
	[RQ_REVOCATION] = "SELECT event_id, number, nonce, reason FROM revocation WHERE rowid = ?1",
	[RQ_SETTING] = "SELECT key, value FROM setting WHERE rowid = ?1",
	[RQ_CHECKIN] = "SELECT c.uuid, c.kiosk, c.seq, c.event_id, c.number, c.session_id,"
		       " c.kind, c.method, c.wall_ms, c.hlc, c.clock_trusted,"
		       " EXISTS(SELECT 1 FROM sync_confirmed f WHERE f.uuid = c.uuid)"
		       " FROM checkin c WHERE c.rowid = ?1",
	[RQ_CONFIRM] = "SELECT uuid FROM sync_confirmed WHERE rowid = ?1",
	[RQ_NOTE] = "SELECT uuid, kiosk, incident, note, wall_ms, hlc FROM sync_note WHERE rowid = ?1",
};

/* The cached statement q, reset and bound to k; NULL when it cannot be prepared. */
static sqlite3_stmt *row_stmt(struct sq_store *s, enum row_q q, int64_t k)
{
	if (!s->rq[q] && sqlite3_prepare_v3(s->h, row_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
					    &s->rq[q], NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(s->rq[q]);
	sqlite3_bind_int64(s->rq[q], 1, k);
	return s->rq[q];
}

/* ---- 1. schema ------------------------------------------------------------------------ */
#define HUB_SCHEMA 1

#define CH_TRIGGER(name, when, table, tbl, key) \
	"CREATE TRIGGER IF NOT EXISTS " name " AFTER " when " ON " table \
	" BEGIN INSERT INTO hub_change(tbl, k) VALUES('" tbl "', " key "); END;"

static const char hub_schema_v1[] =
	"CREATE TABLE hub_change(seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL,"
	" k INTEGER NOT NULL);"
	"CREATE TABLE hub_kiosk(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" token_hash TEXT NOT NULL UNIQUE, enrolled_ms INTEGER NOT NULL,"
	" revoked_ms INTEGER NOT NULL DEFAULT 0, last_seen_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE hub_enroll(code_hash TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
	" used_ms INTEGER NOT NULL DEFAULT 0, kiosk TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE hub_admit(event_id INTEGER NOT NULL, number INTEGER NOT NULL,"
	" gen INTEGER NOT NULL, uuid TEXT NOT NULL, kiosk TEXT NOT NULL,"
	" wall_ms INTEGER NOT NULL, hlc INTEGER NOT NULL, clock_trusted INTEGER NOT NULL,"
	" by_hub INTEGER NOT NULL, PRIMARY KEY(event_id, number, gen));"
	CH_TRIGGER("hub_ch_event_i", "INSERT", "event", "event", "NEW.id")
	CH_TRIGGER("hub_ch_event_u", "UPDATE", "event", "event", "NEW.id")
	CH_TRIGGER("hub_ch_key_i", "INSERT", "event_key", "key", "NEW.key_id")
	CH_TRIGGER("hub_ch_key_u", "UPDATE", "event_key", "key", "NEW.key_id")
	CH_TRIGGER("hub_ch_reg_i", "INSERT", "registration", "reg", "NEW.id")
	CH_TRIGGER("hub_ch_reg_u", "UPDATE", "registration", "reg", "NEW.id")
	CH_TRIGGER("hub_ch_rev_i", "INSERT", "revocation", "revocation", "NEW.rowid")
	CH_TRIGGER("hub_ch_set_i", "INSERT", "setting", "setting", "NEW.rowid")
	CH_TRIGGER("hub_ch_set_u", "UPDATE", "setting", "setting", "NEW.rowid")
	CH_TRIGGER("hub_ch_ci_i", "INSERT", "checkin", "checkin", "NEW.rowid")
	CH_TRIGGER("hub_ch_conf_i", "INSERT", "sync_confirmed", "confirm", "NEW.rowid")
	CH_TRIGGER("hub_ch_note_i", "INSERT", "sync_note", "note", "NEW.rowid")
	/* what the database held before it became a hub reaches kiosks too */
	"INSERT INTO hub_change(tbl, k) SELECT 'event', id FROM event ORDER BY rowid;"
	"INSERT INTO hub_change(tbl, k) SELECT 'key', key_id FROM event_key ORDER BY key_id;"
	"INSERT INTO hub_change(tbl, k) SELECT 'reg', id FROM registration ORDER BY id;"
	"INSERT INTO hub_change(tbl, k) SELECT 'revocation', rowid FROM revocation;"
	"INSERT INTO hub_change(tbl, k) SELECT 'setting', rowid FROM setting;"
	"INSERT INTO hub_change(tbl, k) SELECT 'checkin', rowid FROM checkin ORDER BY rowid;"
	"INSERT INTO hub_change(tbl, k) SELECT 'confirm', rowid FROM sync_confirmed;"
	"INSERT INTO hub_change(tbl, k) SELECT 'note', rowid FROM sync_note;";

static int prep(struct sq_store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->h, sql, -1, st, NULL) == SQLITE_OK ? VK_OK : VK_ERR_DB;
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? VK_OK : VK_ERR_DB;
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(buf, cap, "%s", t ? (const char *)t : "");
}

/* ---- 2. open / close -------------------------------------------------------------------- */
static void sq_close(struct hub_store *bs)
{
	struct sq_store *s = (struct sq_store *)bs;
	if (!s)
		return;
	for (int i = 0; i < RQ_COUNT; i++)
		sqlite3_finalize(s->rq[i]);
	db_close(s->d);
	free(s);
}

static int sq_open(const char *where, const char *url, struct hub_store **out, char *why,
		   size_t why_len)
{
	struct sq_store *s = calloc(1, sizeof *s);
	int rc;
	*out = NULL;
	if (!s)
		return VK_ERR_NOMEM;
	s->base.ops = &hub_store_sqlite;
	rc = db_open(where, DB_CREATE, &s->d, why, why_len);
	if (rc)
		goto fail;
	s->h = db_sqlite(s->d);
	if ((rc = sync_replica_init(s->d)))
		goto fail;
	if (db_setting_int(s->d, "hub.schema", 0) < HUB_SCHEMA) {
		if ((rc = db_begin(s->d)))
			goto fail;
		rc = db_exec(s->d, hub_schema_v1);
		if (rc == VK_OK)
			rc = db_setting_set(s->d, "hub.schema", "1");
		if (rc == VK_OK)
			rc = db_commit(s->d);
		else
			db_rollback(s->d);
		if (rc) {
			snprintf(why, why_len, "cannot create the hub's tables in %s", where);
			goto fail;
		}
	}
	/* the hub's secrets stay out of `setting`, whose rows travel to kiosks */
	if ((rc = db_exec(s->d, "CREATE TABLE IF NOT EXISTS hub_secret(key TEXT PRIMARY KEY,"
			  " value TEXT NOT NULL)"))) {
		snprintf(why, why_len, "cannot create the hub's tables in %s", where);
		goto fail;
	}
	/* the hub's own key for USB-stick bundles, published to the kiosks as a setting */
	{
		struct sync_bundle_key key;
		if ((rc = sync_bundle_key_load(where, &key, why, why_len)) ||
		    (rc = sync_bundle_trust(s->d, SYNC_BUNDLE_WRITER_HUB, key.pubhex)))
			goto fail;
	}
	/* the kiosks' latest health (a table of its own, made on any hub schema) */
	if ((rc = db_exec(s->d, "CREATE TABLE IF NOT EXISTS hub_kiosk_health(kiosk TEXT PRIMARY KEY,"
			  " at_ms INTEGER NOT NULL, printer TEXT NOT NULL, queue INTEGER NOT NULL,"
			  " camera TEXT NOT NULL, clock_trusted INTEGER NOT NULL,"
			  " pending INTEGER NOT NULL)"))) {
		snprintf(why, why_len, "cannot create the hub's tables in %s", where);
		goto fail;
	}
	*out = &s->base;
	return VK_OK;
fail:
	sq_close(&s->base);
	return rc;
}

/* ---- 3. kiosks and tokens -------------------------------------------------------------- */
static int sq_enroll_code(struct hub_store *bs, const char *name, int64_t now_ms,
			  int64_t expires_ms, char *code, size_t cap)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	char hash[65], raw[65];
	int taken;
	if (cap < 65)
		return VK_ERR_INVALID;
	if (prep(s, "SELECT 1 FROM hub_kiosk WHERE name = ?1 AND revoked_ms = 0", &st))
		return VK_ERR_DB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	taken = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (taken)
		return HUB_ERR_CLASH;
	hub_random_hex(raw);
	/* 32 hex digits keep the QR small and still hold 128 random bits */
	raw[32] = 0;
	hub_hash_hex(raw, hash);
	if (prep(s, "INSERT INTO hub_enroll(code_hash, name, created_ms, expires_ms)"
		    " VALUES(?1, ?2, ?3, ?4)", &st))
		return VK_ERR_DB;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, expires_ms);
	if (step_done(st))
		return VK_ERR_DB;
	snprintf(code, cap, "%s", raw);
	return VK_OK;
}

static int sq_enroll(struct hub_store *bs, const char *code, const char *kiosk_id,
		     int64_t now_ms, char *token, size_t cap, char *name, size_t name_cap)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	char hash[65], tok[65], thash[65];
	int rc;
	if (cap < 65 || !sync_kiosk_ok(kiosk_id))
		return VK_ERR_INVALID;
	hub_hash_hex(code, hash);
	if ((rc = db_begin(s->d)))
		return rc;
	/* the code is spent in the same transaction that creates the kiosk: a replayed
	 * enrollment finds it used */
	if ((rc = prep(s, "UPDATE hub_enroll SET used_ms = ?2, kiosk = ?3 WHERE code_hash = ?1"
			  " AND used_ms = 0 AND expires_ms > ?2 RETURNING name", &st)))
		goto out;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(st, 3, kiosk_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		rc = HUB_ERR_TOKEN;
		goto out;
	}
	col_text(st, 0, name, name_cap);
	sqlite3_finalize(st);
	if ((rc = prep(s, "SELECT 1 FROM hub_kiosk WHERE revoked_ms = 0 AND"
			  " ((id = ?1 AND name <> ?2) OR (name = ?2 AND id <> ?1))", &st)))
		goto out;
	sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	int clash = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (clash) {
		rc = HUB_ERR_CLASH;
		goto out;
	}
	hub_random_hex(tok);
	hub_hash_hex(tok, thash);
	if ((rc = prep(s, "INSERT INTO hub_kiosk(id, name, token_hash, enrolled_ms)"
			  " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
			  " token_hash = excluded.token_hash, enrolled_ms = excluded.enrolled_ms,"
			  " revoked_ms = 0", &st)))
		goto out;
	sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, thash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	if ((rc = step_done(st)))
		goto out;
	snprintf(token, cap, "%s", tok);
	rc = hub_sqlite_walkin_block(&s->base, kiosk_id);
out:
	if (rc == VK_OK)
		return db_commit(s->d);
	db_rollback(s->d);
	return rc;
}

static void read_kiosk(sqlite3_stmt *st, struct hub_kiosk *k)
{
	memset(k, 0, sizeof *k);
	col_text(st, 0, k->id, sizeof k->id);
	col_text(st, 1, k->name, sizeof k->name);
	k->enrolled_ms = sqlite3_column_int64(st, 2);
	k->revoked_ms = sqlite3_column_int64(st, 3);
	k->last_seen_ms = sqlite3_column_int64(st, 4);
}

#define KIOSK_COLS "id, name, enrolled_ms, revoked_ms, last_seen_ms"

static int sq_auth(struct hub_store *bs, const char *token, int64_t now_ms, struct hub_kiosk *k)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	char hash[65];
	int found;
	hub_hash_hex(token, hash);
	if (prep(s, "SELECT " KIOSK_COLS " FROM hub_kiosk WHERE token_hash = ?1", &st))
		return VK_ERR_DB;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		read_kiosk(st, k);
	sqlite3_finalize(st);
	if (!found || k->revoked_ms)
		return HUB_ERR_TOKEN;
	/* "last contact" for the organizer, written at most every 5 s: each write costs a
	 * flush to disk */
	if (now_ms - k->last_seen_ms >= 5000 &&
	    prep(s, "UPDATE hub_kiosk SET last_seen_ms = ?2 WHERE id = ?1", &st) == VK_OK) {
		sqlite3_bind_text(st, 1, k->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now_ms);
		step_done(st);
		k->last_seen_ms = now_ms;
	}
	return VK_OK;
}

static int sq_kiosks(struct hub_store *bs, int (*fn)(void *ctx, const struct hub_kiosk *k),
		     void *ctx)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	struct hub_kiosk k;
	int rc = VK_OK, r;
	if (prep(s, "SELECT " KIOSK_COLS " FROM hub_kiosk ORDER BY enrolled_ms, id", &st))
		return VK_ERR_DB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		read_kiosk(st, &k);
		if ((rc = fn(ctx, &k)))
			break;
	}
	if (!rc && r != SQLITE_DONE)
		rc = VK_ERR_DB;
	sqlite3_finalize(st);
	return rc;
}

static int sq_revoke(struct hub_store *bs, const char *name, int64_t now_ms)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	if (prep(s, "UPDATE hub_kiosk SET revoked_ms = ?2 WHERE (name = ?1 OR id = ?1)"
		    " AND revoked_ms = 0", &st))
		return VK_ERR_DB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	if (step_done(st))
		return VK_ERR_DB;
	return sqlite3_changes(s->h) ? VK_OK : VK_ERR_NOT_FOUND;
}

/* ---- 4. push and redeem --------------------------------------------------------------- */
/* The episode of a ticket's entrance admission made at wall time wall_ms: how many
 * entrance undos the log holds for it (before hlc when hlc > 0). In an event of several
 * days each day admits once (core/checkin.h), so a day is an episode of its own: the
 * day's number (hub_episode_day) above HUB_DAY_EPISODES, plus that day's undos. */
static int64_t episode(struct sq_store *s, int64_t event_id, int64_t number, int64_t wall_ms,
		       int64_t hlc)
{
	sqlite3_stmt *st;
	int64_t n = 0, from = INT64_MIN, to = INT64_MAX;
	int64_t day = hub_episode_day(s->d, event_id, wall_ms, &from, &to);
	if (prep(s, "SELECT COUNT(*) FROM checkin WHERE event_id = ?1 AND number = ?2"
		    " AND kind = 2 AND session_id = 0 AND (?3 = 0 OR hlc < ?3)"
		    " AND wall_ms >= ?4 AND wall_ms < ?5", &st))
		return 0;
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, number);
	sqlite3_bind_int64(st, 3, hlc);
	sqlite3_bind_int64(st, 4, from);
	sqlite3_bind_int64(st, 5, to);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return day * HUB_DAY_EPISODES + n;
}

/* Claims the ticket's episode for an admission; 1 when this uuid holds it (now or from an
 * earlier identical request), 0 when another admission does, negative on error. */
static int admit(struct sq_store *s, const struct sync_event *e, int64_t gen, int by_hub)
{
	sqlite3_stmt *st;
	int rc;
	if (prep(s, "INSERT INTO hub_admit(event_id, number, gen, uuid, kiosk, wall_ms, hlc,"
		    " clock_trusted, by_hub) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		    " ON CONFLICT DO NOTHING", &st))
		return VK_ERR_DB;
	sqlite3_bind_int64(st, 1, e->ci.event_id);
	sqlite3_bind_int64(st, 2, e->ci.number);
	sqlite3_bind_int64(st, 3, gen);
	sqlite3_bind_text(st, 4, e->ci.uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->ci.kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, e->ci.wall_ms);
	sqlite3_bind_int64(st, 7, e->ci.hlc);
	sqlite3_bind_int(st, 8, e->ci.clock_trusted);
	sqlite3_bind_int(st, 9, by_hub);
	if ((rc = step_done(st)))
		return rc;
	return sqlite3_changes(s->h) == 1;
}

int64_t hub_episode_day(struct db *roster, int64_t event_id, int64_t wall_ms, int64_t *from_ms,
			int64_t *to_ms)
{
	struct db_event ev;
	if (db_event_get(roster, event_id, &ev) != VK_OK || checkin_event_days(&ev) < 2)
		return 0;
	clock_day_bounds(wall_ms, from_ms, to_ms);
	/* days since 2020-01-01: positive, and far below the episodes' range */
	return *from_ms / 86400000 - 18262 + 1;
}

static int sq_push(struct hub_store *bs, const char *kiosk_id, const struct sync_event *ev,
		   size_t n, const struct sync_note *notes, size_t nn, size_t *added,
		   size_t *clashes)
{
	struct sq_store *s = (struct sq_store *)bs;
	struct sync_event *copy = NULL;
	int rc;
	*added = *clashes = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ev[i].ci.kiosk, kiosk_id) != 0)
			return HUB_ERR_FORBIDDEN;
	for (size_t i = 0; i < nn; i++)
		if (strcmp(notes[i].kiosk, kiosk_id) != 0)
			return HUB_ERR_FORBIDDEN;
	if (n && !(copy = malloc(n * sizeof *copy)))
		return VK_ERR_NOMEM;
	/* a kiosk's word that the hub decided counts for nothing: the hub's own records
	 * (sync_confirmed, written when it decided) say which admissions were its own */
	for (size_t i = 0; i < n; i++) {
		copy[i] = ev[i];
		copy[i].mode = SYNC_MODE_OFFLINE;
	}
	if ((rc = db_begin(s->d)))
		goto out;
	rc = sync_replica_add_events(s->d, copy, n, 1, added, clashes);
	for (size_t i = 0; rc == VK_OK && i < n; i++) {
		const struct db_checkin *c = &copy[i].ci;
		if ((c->kind != DB_CI_ENTRY && c->kind != DB_CI_WALKIN) || c->session_id)
			continue; /* a session's attendance is no admission at the entrance */
		int r = admit(s, &copy[i], episode(s, c->event_id, c->number, c->wall_ms, c->hlc), 0);
		if (r < 0)
			rc = r;
	}
	if (rc == VK_OK)
		rc = sync_replica_add_notes(s->d, notes, nn, 1);
	if (rc == VK_OK)
		rc = db_commit(s->d);
	else
		db_rollback(s->d);
out:
	free(copy);
	return rc;
}

static int sq_redeem(struct hub_store *bs, const struct sync_event *cand, struct hub_redeem *out)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	int rc, got;
	memset(out, 0, sizeof *out);
	if (cand->ci.kind != DB_CI_ENTRY && cand->ci.kind != DB_CI_WALKIN)
		return VK_ERR_INVALID;
	if ((rc = db_begin(s->d)))
		return rc;
	int64_t gen = episode(s, cand->ci.event_id, cand->ci.number, cand->ci.wall_ms, 0);
	got = admit(s, cand, gen, 1);
	if (got < 0) {
		rc = got;
		goto out;
	}
	/* the holder of the episode: this candidate, an earlier request with the same uuid
	 * (a retry: the same answer), or another admission */
	if ((rc = prep(s, "SELECT a.uuid, a.kiosk, a.wall_ms, a.hlc, a.clock_trusted, a.by_hub"
			  " FROM hub_admit a WHERE a.event_id = ?1 AND a.number = ?2 AND a.gen = ?3",
			  &st)))
		goto out;
	sqlite3_bind_int64(st, 1, cand->ci.event_id);
	sqlite3_bind_int64(st, 2, cand->ci.number);
	sqlite3_bind_int64(st, 3, gen);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		rc = VK_ERR_DB;
		goto out;
	}
	out->first = *cand;
	col_text(st, 0, out->first.ci.uuid, sizeof out->first.ci.uuid);
	col_text(st, 1, out->first.ci.kiosk, sizeof out->first.ci.kiosk);
	out->first.ci.wall_ms = sqlite3_column_int64(st, 2);
	out->first.ci.hlc = sqlite3_column_int64(st, 3);
	out->first.ci.clock_trusted = sqlite3_column_int(st, 4);
	out->first.mode = sqlite3_column_int(st, 5) ? SYNC_MODE_HUB : SYNC_MODE_OFFLINE;
	sqlite3_finalize(st);
	if (strcmp(out->first.ci.uuid, cand->ci.uuid) == 0) {
		out->decision = HUB_ADMITTED;
		out->first = *cand;
		out->first.mode = SYNC_MODE_HUB;
		if (got == 1) {
			const char (*u)[37] = &cand->ci.uuid;
			rc = sync_replica_confirm(s->d, u, 1);
		}
	} else {
		out->decision = HUB_ALREADY_ADMITTED;
	}
out:
	if (rc == VK_OK)
		return db_commit(s->d);
	db_rollback(s->d);
	return rc;
}

/* ---- 5. changes ----------------------------------------------------------------------- */
static int add_row(struct sq_store *s, json_t *msg, const char *tbl, int64_t k)
{
	sqlite3_stmt *st = NULL;
	json_t *item = NULL;
	const char *arr = NULL;
	int rc = VK_OK;

	if (strcmp(tbl, "event") == 0) {
		struct db_event ev;
		if (db_event_get(s->d, k, &ev) == VK_OK)
			item = sync_dbevent_to_json(&ev), arr = "event";
	} else if (strcmp(tbl, "key") == 0) {
		struct db_key key;
		if (db_key_get(s->d, (int)k, &key) == VK_OK)
			item = sync_key_to_json(&key), arr = "keys";
	} else if (strcmp(tbl, "reg") == 0) {
		struct db_registration r;
		if (db_reg_by_id(s->d, k, &r) == VK_OK)
			item = sync_reg_to_json(&r), arr = "registrations";
	} else if (strcmp(tbl, "revocation") == 0) {
		struct sync_revocation r = { 0 };
		if (!(st = row_stmt(s, RQ_REVOCATION, k)))
			return VK_ERR_DB;
		if (sqlite3_step(st) == SQLITE_ROW) {
			r.event_id = sqlite3_column_int64(st, 0);
			r.number = sqlite3_column_int64(st, 1);
			r.nonce = (uint32_t)sqlite3_column_int64(st, 2);
			col_text(st, 3, r.reason, sizeof r.reason);
			item = sync_revocation_to_json(&r), arr = "revocations";
		}
	} else if (strcmp(tbl, "setting") == 0) {
		struct sync_setting x;
		if (!(st = row_stmt(s, RQ_SETTING, k)))
			return VK_ERR_DB;
		if (sqlite3_step(st) == SQLITE_ROW) {
			col_text(st, 0, x.key, sizeof x.key);
			col_text(st, 1, x.value, sizeof x.value);
			if (sync_setting_travels(x.key))
				item = sync_setting_to_json(&x), arr = "settings";
		}
	} else if (strcmp(tbl, "checkin") == 0) {
		struct sync_event e;
		if (!(st = row_stmt(s, RQ_CHECKIN, k)))
			return VK_ERR_DB;
		if (sqlite3_step(st) == SQLITE_ROW) {
			memset(&e, 0, sizeof e);
			col_text(st, 0, e.ci.uuid, sizeof e.ci.uuid);
			col_text(st, 1, e.ci.kiosk, sizeof e.ci.kiosk);
			e.ci.seq = sqlite3_column_int64(st, 2);
			e.ci.event_id = sqlite3_column_int64(st, 3);
			e.ci.number = sqlite3_column_int64(st, 4);
			e.ci.session_id = sqlite3_column_int64(st, 5);
			e.ci.kind = sqlite3_column_int(st, 6);
			e.ci.method = sqlite3_column_int(st, 7);
			e.ci.wall_ms = sqlite3_column_int64(st, 8);
			e.ci.hlc = sqlite3_column_int64(st, 9);
			e.ci.clock_trusted = sqlite3_column_int(st, 10);
			e.mode = sqlite3_column_int(st, 11) ? SYNC_MODE_HUB : SYNC_MODE_OFFLINE;
			item = sync_event_to_json(&e), arr = "events";
		}
	} else if (strcmp(tbl, "confirm") == 0) {
		if (!(st = row_stmt(s, RQ_CONFIRM, k)))
			return VK_ERR_DB;
		if (sqlite3_step(st) == SQLITE_ROW)
			item = json_string((const char *)sqlite3_column_text(st, 0)), arr = "confirmed";
	} else if (strcmp(tbl, "note") == 0) {
		struct sync_note x;
		if (!(st = row_stmt(s, RQ_NOTE, k)))
			return VK_ERR_DB;
		if (sqlite3_step(st) == SQLITE_ROW) {
			memset(&x, 0, sizeof x);
			col_text(st, 0, x.uuid, sizeof x.uuid);
			col_text(st, 1, x.kiosk, sizeof x.kiosk);
			col_text(st, 2, x.incident, sizeof x.incident);
			col_text(st, 3, x.note, sizeof x.note);
			x.wall_ms = sqlite3_column_int64(st, 4);
			x.hlc = sqlite3_column_int64(st, 5);
			item = sync_note_to_json(&x), arr = "notes";
		}
	}
	if (st)
		sqlite3_reset(st); /* cached: reset, not finalized */
	if (arr) {
		if (!item || json_array_append_new(json_object_get(msg, arr), item))
			rc = VK_ERR_NOMEM;
	}
	return rc;
}

static int sq_changes(struct hub_store *bs, int64_t since, int limit, json_t **out)
{
	static const char *const arrays[] = { "event", "keys", "registrations", "revocations",
					      "settings", "events", "notes", "confirmed" };
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	int64_t cursor = since;
	int rows = 0, rc = VK_OK, r;
	json_t *msg = json_object();

	*out = NULL;
	if (!msg)
		return VK_ERR_NOMEM;
	for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
		json_object_set_new(msg, arrays[i], json_array());
	/* one read transaction: the page is one consistent snapshot */
	if ((rc = db_exec(s->d, "BEGIN")))
		goto fail;
	if ((rc = prep(s, "SELECT seq, tbl, k FROM hub_change WHERE seq > ?1 ORDER BY seq"
			  " LIMIT ?2", &st))) {
		db_rollback(s->d);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int(st, 2, limit + 1);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows == limit)
			break; /* one more exists */
		rows++;
		cursor = sqlite3_column_int64(st, 0);
		char tbl[16];
		col_text(st, 1, tbl, sizeof tbl);
		if ((rc = add_row(s, msg, tbl, sqlite3_column_int64(st, 2))))
			break;
	}
	int more = r == SQLITE_ROW && rows == limit;
	if (rc == VK_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = VK_ERR_DB;
	sqlite3_finalize(st);
	db_rollback(s->d); /* ends the read transaction */
	if (rc)
		goto fail;
	json_object_set_new(msg, "format", json_string(SYNC_FORMAT));
	json_object_set_new(msg, "cursor", json_integer(cursor));
	json_object_set_new(msg, "more", json_boolean(more));
	*out = msg;
	return VK_OK;
fail:
	json_decref(msg);
	return rc;
}

static int sq_health(struct hub_store *bs, int64_t *events, int64_t *kiosks)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	if (prep(s, "SELECT (SELECT COUNT(*) FROM checkin),"
		    " (SELECT COUNT(*) FROM hub_kiosk WHERE revoked_ms = 0)", &st))
		return VK_ERR_DB;
	int ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		*events = sqlite3_column_int64(st, 0);
		*kiosks = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return ok ? VK_OK : VK_ERR_DB;
}

/* ---- 6. the dashboard's reads and writes ---------------------------------------------- */
static db *sq_roster(struct hub_store *bs)
{
	return ((struct sq_store *)bs)->d;
}

static int sq_log(struct hub_store *bs, struct sync_event **ev, size_t *n,
		  struct sync_note **notes, size_t *nn)
{
	return sync_replica_load(((struct sq_store *)bs)->d, 0, ev, n, notes, nn);
}

static int sq_note(struct hub_store *bs, const char *incident, const char *text, int64_t now_ms)
{
	struct sq_store *s = (struct sq_store *)bs;
	struct vk_clock clk;
	(void)now_ms; /* the hub's clock is the wall clock; the HLC keeps notes after events */
	clock_init(&clk, db_checkin_max_hlc(s->d));
	return sync_replica_note(s->d, incident, text, clock_now_ms(&clk), clock_hlc_next(&clk),
				 NULL);
}

static int sq_secret_get(struct hub_store *bs, const char *key, char *buf, size_t cap)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	int rc;
	if ((rc = prep(s, "SELECT value FROM hub_secret WHERE key = ?1", &st)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_text(st, 0, buf, cap);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : VK_ERR_DB;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- kiosks' health ------------------------------------------------------------------- */
static int sq_kiosk_health_put(struct hub_store *bs, const struct hub_kiosk_health *h)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	if (prep(s, "INSERT OR REPLACE INTO hub_kiosk_health(kiosk, at_ms, printer, queue, camera,"
		    " clock_trusted, pending) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st))
		return VK_ERR_DB;
	sqlite3_bind_text(st, 1, h->kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, h->at_ms);
	sqlite3_bind_text(st, 3, h->printer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, h->queue);
	sqlite3_bind_text(st, 5, h->camera, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, h->clock_trusted ? 1 : 0);
	sqlite3_bind_int64(st, 7, h->pending);
	return step_done(st);
}

static int sq_kiosk_health_list(struct hub_store *bs,
				int (*fn)(void *ctx, const struct hub_kiosk_health *h), void *ctx)
{
	struct sq_store *s = (struct sq_store *)bs;
	struct hub_kiosk_health h;
	sqlite3_stmt *st;
	int rc = VK_OK, r;
	if (prep(s, "SELECT k.id, k.name, COALESCE(h.at_ms, 0), COALESCE(h.printer, ''),"
		    " COALESCE(h.queue, 0), COALESCE(h.camera, ''), COALESCE(h.clock_trusted, 0),"
		    " COALESCE(h.pending, 0), k.last_seen_ms, k.revoked_ms FROM hub_kiosk k"
		    " LEFT JOIN hub_kiosk_health h ON h.kiosk = k.id ORDER BY k.enrolled_ms, k.id",
		 &st))
		return VK_ERR_DB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&h, 0, sizeof h);
		col_text(st, 0, h.kiosk, sizeof h.kiosk);
		col_text(st, 1, h.name, sizeof h.name);
		h.at_ms = sqlite3_column_int64(st, 2);
		col_text(st, 3, h.printer, sizeof h.printer);
		h.queue = sqlite3_column_int64(st, 4);
		col_text(st, 5, h.camera, sizeof h.camera);
		h.clock_trusted = sqlite3_column_int(st, 6);
		h.pending = sqlite3_column_int64(st, 7);
		h.last_seen_ms = sqlite3_column_int64(st, 8);
		h.revoked_ms = sqlite3_column_int64(st, 9);
		if ((rc = fn(ctx, &h)))
			break;
	}
	if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
		rc = VK_ERR_DB;
	sqlite3_finalize(st);
	return rc;
}

static int sq_secret_set(struct hub_store *bs, const char *key, const char *value)
{
	struct sq_store *s = (struct sq_store *)bs;
	sqlite3_stmt *st;
	int rc;
	if ((rc = prep(s, "INSERT INTO hub_secret(key, value) VALUES(?1, ?2)"
		       " ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return step_done(st);
}

static int sq_kiosk_key_put(struct hub_store *bs, const char *kiosk_id, const char *pubhex)
{
	struct sq_store *s = (struct sq_store *)bs;
	return sync_bundle_trust(s->d, kiosk_id, pubhex);
}

/* ---- walk-ins ---------------------------------------------------------------------------- */
int hub_sqlite_walkin_block(struct hub_store *bs, const char *kiosk_id)
{
	struct sq_store *s = (struct sq_store *)bs;
	char key[64], v[32];
	int64_t next;
	int rc;
	snprintf(key, sizeof key, "walkin.base.%s", kiosk_id);
	if (db_setting_get(s->d, key, v, sizeof v) == VK_OK)
		return VK_OK; /* enrolled again: the same block, its walk-ins keep their numbers */
	next = db_setting_int(s->d, "hub.walkin_next_block", 1);
	snprintf(v, sizeof v, "%" PRId64, next * DB_WALKIN_BLOCK);
	if ((rc = db_setting_set(s->d, key, v)))
		return rc;
	snprintf(v, sizeof v, "%" PRId64, next + 1);
	return db_setting_set(s->d, "hub.walkin_next_block", v);
}

static int sq_walkins_put(struct hub_store *bs, const char *kiosk_id,
			  const struct db_registration *r, size_t n)
{
	struct sq_store *s = (struct sq_store *)bs;
	char key[64];
	int64_t base;
	int rc;
	snprintf(key, sizeof key, "walkin.base.%s", kiosk_id);
	base = db_setting_int(s->d, key, 0);
	for (size_t i = 0; i < n; i++)
		if (base < DB_WALKIN_BLOCK || r[i].number < base || r[i].number >= base + DB_WALKIN_BLOCK)
			return HUB_ERR_FORBIDDEN;
	if (n == 0)
		return VK_OK;
	if ((rc = db_begin(s->d)))
		return rc;
	for (size_t i = 0; i < n && rc == VK_OK; i++)
		rc = sync_replica_put_reg(s->d, &r[i]);
	if (rc == VK_OK)
		return db_commit(s->d);
	db_rollback(s->d);
	return rc;
}

const struct hub_store_ops hub_store_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.enroll_code = sq_enroll_code,
	.enroll = sq_enroll,
	.auth = sq_auth,
	.kiosks = sq_kiosks,
	.revoke = sq_revoke,
	.push = sq_push,
	.redeem = sq_redeem,
	.changes = sq_changes,
	.health = sq_health,
	.roster = sq_roster,
	.log = sq_log,
	.note = sq_note,
	.secret_get = sq_secret_get,
	.secret_set = sq_secret_set,
	.kiosk_health_put = sq_kiosk_health_put,
	.kiosk_health_list = sq_kiosk_health_list,
	.kiosk_key_put = sq_kiosk_key_put,
	.walkins_put = sq_walkins_put,
};
