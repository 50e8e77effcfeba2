/* SPDX-License-Identifier: MIT */
/* The hub's "postgres" storage backend (see store.h), with libpq: for many entrances or
 * venues on one PostgreSQL server, whose own replication is how it grows past one machine.
 *
 * What kiosks exchange lives in PostgreSQL:
 *   hub_change   the change feed: seq (the cursor), the wire array a record belongs to
 *                ("events", "registrations", "confirmed"...) and the record's wire JSON;
 *                kiosks apply records in order, so a roster row changed twice simply
 *                appears twice and the later one wins
 *   checkin      the check-in log's keys (uuid, kiosk, seq, ticket, kind, hlc): uniqueness
 *                and the episode count of a ticket; the full events are in hub_change
 *   sync_confirmed, sync_note   which admissions the hub decided; which notes it holds
 *   hub_kiosk, hub_enroll, hub_admit   as in the sqlite backend; hub_admit's primary key
 *                (event, number, episode) serialises admissions across hubs
 * Every write that adds to hub_change holds one transaction-level advisory lock, so the
 * feed's sequence numbers become visible in order and a reader never skips one.
 *
 * The roster (events, keys, registrations, revocations, settings) is made with the usual
 * commands in the hub's vkhid database (sqlite); this backend reads that database's change
 * feed through the sqlite backend and publishes new roster records to hub_change before
 * each page of changes, keeping how far it got per roster database in hub_meta.
 * Map: 1. queries  2. schema, open, close  3. roster publishing  4. kiosks and tokens
 *      5. push and redeem  6. changes */
#include "hub/store.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "sync/replica.h"

#define FEED_LOCK "7616" /* the advisory lock key of writers to hub_change */

/* Connections of their own for the calls a kiosk waits on at the door (auth, redeem),
 * which the hub makes without its lock (ops.concurrent): several admissions are decided at
 * once, and their commits share PostgreSQL's WAL flushes instead of queueing one fsync
 * after another behind the hub's lock. Opened when first needed. */
#define POOL 8

struct pg_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGconn *c[POOL];
	int busy[POOL];
};

struct pg_store {
	struct hub_store base; /* always the first member */
	PGconn *pg;
	char *url;                /* for the pool's connections */
	struct pg_pool pool;
	struct hub_store *roster; /* the sqlite backend on the hub's vkhid database */
	char roster_key[64];      /* hub_meta key of this roster's publishing cursor */
};

/* ---- 1. queries ------------------------------------------------------------------------ */
/* Runs sql with n text parameters on connection pg; NULL params are SQL NULL. The result
 * must be PQclear'ed; NULL when it failed (the error is in the connection). */
static PGresult *run_on(PGconn *pg, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		/* the hub's log is where an administrator looks when the store fails */
		fprintf(stderr, "hub: PostgreSQL: %s", PQerrorMessage(pg));
		PQclear(r);
		return NULL;
	}
	return r;
}

/* The same on the store's main connection (the calls made under the hub's lock). */
static PGresult *run(struct pg_store *s, const char *sql, int n, const char *const *p)
{
	return run_on(s->pg, sql, n, p);
}

static void quiet(void *arg, const char *message);

/* A connection of the pool for one call (blocks while all are busy), or NULL when the
 * server cannot be reached; give it back with pool_put. A connection the server dropped is
 * reset on the way out. */
static PGconn *pool_get(struct pg_store *s, int *slot)
{
	PGconn *c = NULL;
	pthread_mutex_lock(&s->pool.mu);
	for (;;) {
		for (int i = 0; i < POOL; i++)
			if (!s->pool.busy[i]) {
				*slot = i;
				s->pool.busy[i] = 1;
				c = s->pool.c[i];
				goto found;
			}
		pthread_cond_wait(&s->pool.cv, &s->pool.mu);
	}
found:
	pthread_mutex_unlock(&s->pool.mu);
	if (!c) {
		c = PQconnectdb(s->url);
		if (PQstatus(c) == CONNECTION_OK)
			PQsetNoticeProcessor(c, quiet, NULL);
		s->pool.c[*slot] = c; /* the slot is ours while busy */
	}
	if (PQstatus(c) != CONNECTION_OK)
		PQreset(c);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "hub: PostgreSQL: %s", PQerrorMessage(c));
		pthread_mutex_lock(&s->pool.mu);
		s->pool.busy[*slot] = 0;
		pthread_cond_signal(&s->pool.cv);
		pthread_mutex_unlock(&s->pool.mu);
		return NULL;
	}
	return c;
}

static void pool_put(struct pg_store *s, int slot)
{
	pthread_mutex_lock(&s->pool.mu);
	s->pool.busy[slot] = 0;
	pthread_cond_signal(&s->pool.cv);
	pthread_mutex_unlock(&s->pool.mu);
}

/* Runs sql and only says whether it worked. */
static int exec0(struct pg_store *s, const char *sql, int n, const char *const *p)
{
	PGresult *r = run(s, sql, n, p);
	if (!r)
		return VK_ERR_DB;
	PQclear(r);
	return VK_OK;
}

/* Rows changed by the last INSERT/UPDATE of r. */
static int changed(PGresult *r)
{
	return atoi(PQcmdTuples(r));
}

/* Runs several statements without parameters (the schema). */
static int exec_script(struct pg_store *s, const char *sql)
{
	PGresult *r = PQexec(s->pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	return ok ? VK_OK : VK_ERR_DB;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "relation already exists, skipping" is no news */
}

static int begin_feed(struct pg_store *s)
{
	if (exec0(s, "BEGIN", 0, NULL))
		return VK_ERR_DB;
	if (exec0(s, "SELECT pg_advisory_xact_lock(" FEED_LOCK ")", 0, NULL)) {
		exec0(s, "ROLLBACK", 0, NULL);
		return VK_ERR_DB;
	}
	return VK_OK;
}

static int finish(struct pg_store *s, int rc)
{
	if (rc == VK_OK)
		return exec0(s, "COMMIT", 0, NULL);
	exec0(s, "ROLLBACK", 0, NULL);
	return rc;
}

#define I64(buf, v) (snprintf(buf, sizeof buf, "%" PRId64, (int64_t)(v)), buf)

/* Appends one record (a JSON value) to the feed under array arr. */
static int feed(struct pg_store *s, const char *arr, const json_t *rec)
{
	char *body = json_dumps(rec, JSON_COMPACT | JSON_ENCODE_ANY);
	const char *p[2] = { arr, body };
	int rc;
	if (!body)
		return VK_ERR_NOMEM;
	rc = exec0(s, "INSERT INTO hub_change(arr, body) VALUES($1, $2)", 2, p);
	free(body);
	return rc;
}

/* ---- 2. schema, open, close ------------------------------------------------------------ */
static const char pg_schema[] =
	"CREATE TABLE IF NOT EXISTS hub_meta(key text PRIMARY KEY, value text NOT NULL);"
	"CREATE TABLE IF NOT EXISTS hub_change(seq bigserial PRIMARY KEY, arr text NOT NULL,"
	" body text NOT NULL);"
	"CREATE TABLE IF NOT EXISTS checkin(uuid text PRIMARY KEY, kiosk text NOT NULL,"
	" seq bigint NOT NULL, event_id bigint NOT NULL, number bigint NOT NULL,"
	" kind int NOT NULL, hlc bigint NOT NULL, UNIQUE(kiosk, seq));"
	"CREATE INDEX IF NOT EXISTS checkin_ticket ON checkin(event_id, number, kind);"
	"CREATE TABLE IF NOT EXISTS sync_confirmed(uuid text PRIMARY KEY);"
	"CREATE TABLE IF NOT EXISTS sync_note(uuid text PRIMARY KEY);"
	"CREATE TABLE IF NOT EXISTS hub_kiosk(id text PRIMARY KEY, name text NOT NULL,"
	" token_hash text NOT NULL UNIQUE, enrolled_ms bigint NOT NULL,"
	" revoked_ms bigint NOT NULL DEFAULT 0, last_seen_ms bigint NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS hub_enroll(code_hash text PRIMARY KEY, name text NOT NULL,"
	" created_ms bigint NOT NULL, expires_ms bigint NOT NULL,"
	" used_ms bigint NOT NULL DEFAULT 0, kiosk text NOT NULL DEFAULT '');"
	"CREATE TABLE IF NOT EXISTS hub_admit(event_id bigint NOT NULL, number bigint NOT NULL,"
	" gen bigint NOT NULL, uuid text NOT NULL, kiosk text NOT NULL, wall_ms bigint NOT NULL,"
	" hlc bigint NOT NULL, clock_trusted int NOT NULL, by_hub int NOT NULL,"
	" PRIMARY KEY(event_id, number, gen));"
	/* a redeem is one round trip: the decision and its confirmation in one function call
	 * (its own transaction). It takes no feed lock: hub_admit's primary key serialises
	 * admissions, and concurrent redeems commit (and flush) together; the confirmation
	 * reaches the feed when publish() next runs (before every page of changes) */
	"ALTER TABLE sync_confirmed ADD COLUMN IF NOT EXISTS fed boolean NOT NULL DEFAULT true;"
	"CREATE OR REPLACE FUNCTION vkhid_redeem(p_event bigint, p_number bigint, p_uuid text,"
	" p_kiosk text, p_wall bigint, p_hlc bigint, p_trusted int)"
	" RETURNS TABLE(r_uuid text, r_kiosk text, r_wall bigint, r_hlc bigint, r_trusted int,"
	" r_by_hub int, r_fresh int) LANGUAGE plpgsql AS $$"
	" DECLARE g bigint; n int; fresh int := 0;"
	" BEGIN"
	"  SELECT COUNT(*) INTO g FROM checkin c WHERE c.event_id = p_event"
	"   AND c.number = p_number AND c.kind = 2;"
	"  INSERT INTO hub_admit AS a (event_id, number, gen, uuid, kiosk, wall_ms, hlc,"
	"   clock_trusted, by_hub) VALUES (p_event, p_number, g, p_uuid, p_kiosk, p_wall, p_hlc,"
	"   p_trusted, 1) ON CONFLICT DO NOTHING;"
	"  GET DIAGNOSTICS n = ROW_COUNT;"
	"  IF n = 1 THEN"
	"   fresh := 1;"
	"   INSERT INTO sync_confirmed AS f (uuid, fed) VALUES (p_uuid, false)"
	"    ON CONFLICT DO NOTHING;"
	"  END IF;"
	"  RETURN QUERY SELECT a.uuid, a.kiosk, a.wall_ms, a.hlc, a.clock_trusted, a.by_hub, fresh"
	"   FROM hub_admit a WHERE a.event_id = p_event AND a.number = p_number AND a.gen = g;"
	" END $$;"
	"CREATE TABLE IF NOT EXISTS hub_kiosk_health(kiosk text PRIMARY KEY, at_ms bigint NOT NULL,"
	" printer text NOT NULL, queue bigint NOT NULL, camera text NOT NULL,"
	" clock_trusted int NOT NULL, pending bigint NOT NULL);"
	"INSERT INTO hub_meta(key, value) VALUES('schema', '1') ON CONFLICT DO NOTHING;";

static void pg_close(struct hub_store *bs)
{
	struct pg_store *s = (struct pg_store *)bs;
	if (!s)
		return;
	PQfinish(s->pg);
	for (int i = 0; i < POOL; i++)
		if (s->pool.c[i])
			PQfinish(s->pool.c[i]);
	pthread_cond_destroy(&s->pool.cv);
	pthread_mutex_destroy(&s->pool.mu);
	if (s->roster)
		s->roster->ops->close(s->roster);
	free(s->url);
	free(s);
}

static int pg_open(const char *db_path, const char *url, struct hub_store **out, char *why,
		   size_t why_len)
{
	struct pg_store *s = calloc(1, sizeof *s);
	char msg[300];
	db *d;
	int rc;

	*out = NULL;
	if (!s)
		return VK_ERR_NOMEM;
	s->base.ops = &hub_store_postgres;
	pthread_mutex_init(&s->pool.mu, NULL);
	pthread_cond_init(&s->pool.cv, NULL);
	if (!url || !*url) {
		snprintf(why, why_len, "the postgres storage needs --pg postgresql://USER@HOST:PORT/DB");
		rc = VK_ERR_INVALID;
		goto fail;
	}
	if (!(s->url = strdup(url))) {
		rc = VK_ERR_NOMEM;
		goto fail;
	}
	s->pg = PQconnectdb(url);
	if (PQstatus(s->pg) != CONNECTION_OK) {
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(s->pg));
		msg[strcspn(msg, "\n")] = 0;
		snprintf(why, why_len, "cannot connect to PostgreSQL: %s", msg);
		rc = VK_ERR_DB;
		goto fail;
	}
	PQsetNoticeProcessor(s->pg, quiet, NULL);
	/* two hubs starting at once must not both create the tables */
	if (exec0(s, "SELECT pg_advisory_lock(7617)", 0, NULL) ||
	    (rc = exec_script(s, pg_schema),
	     exec0(s, "SELECT pg_advisory_unlock(7617)", 0, NULL), rc)) {
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(s->pg));
		msg[strcspn(msg, "\n")] = 0;
		snprintf(why, why_len, "cannot create the hub's tables in PostgreSQL: %s", msg);
		rc = VK_ERR_DB;
		goto fail;
	}
	if ((rc = hub_store_sqlite.open(db_path, NULL, &s->roster, why, why_len)))
		goto fail;
	if ((rc = db_open(db_path, 0, &d, why, why_len)))
		goto fail;
	snprintf(s->roster_key, sizeof s->roster_key, "roster:%s", db_kiosk_id(d));
	db_close(d);
	*out = &s->base;
	return VK_OK;
fail:
	pg_close(&s->base);
	return rc;
}

/* ---- 3. roster publishing ---------------------------------------------------------------- */
static int store_batch(struct pg_store *s, const struct sync_event *ev, size_t n,
		       const struct sync_note *notes, size_t nn, size_t *added, size_t *clashes,
		       int in_tx);

/* The check-in log of the hub's own database (check-ins made on the hub's computer with
 * `vkhid --db hub.db checkin`, a USB stick merged into it) goes into PostgreSQL the way a
 * kiosk's push does, idempotent by uuid, so every kiosk and the dashboard see it as they
 * would from the sqlite storage. Inside publish()'s transaction. */
static int publish_log(struct pg_store *s, json_t *msg)
{
	json_t *je = json_object_get(msg, "events"), *jn = json_object_get(msg, "notes");
	size_t n = json_array_size(je), nn = json_array_size(jn), k = 0, kn = 0, added, clashes;
	struct sync_event *ev = NULL;
	struct sync_note *nt = NULL;
	char why[200];
	int rc = VK_OK;
	if (n + nn == 0)
		return VK_OK;
	if ((n && !(ev = calloc(n, sizeof *ev))) || (nn && !(nt = calloc(nn, sizeof *nt)))) {
		free(ev);
		return VK_ERR_NOMEM;
	}
	/* a record the wire cannot read is the database's damage, not news: it is skipped as
	 * a kiosk's pull would skip it */
	for (size_t i = 0; i < n; i++)
		if (sync_event_from_json(json_array_get(je, i), &ev[k], why, sizeof why) == VK_OK)
			k++;
	for (size_t i = 0; i < nn; i++)
		if (sync_note_from_json(json_array_get(jn, i), &nt[kn], why, sizeof why) == VK_OK)
			kn++;
	if (k || kn)
		rc = store_batch(s, ev, k, nt, kn, &added, &clashes, 1);
	free(ev);
	free(nt);
	return rc;
}

/* Copies new roster records from the hub's vkhid database into the feed. */
static int publish(struct pg_store *s)
{
	static const char *const arrays[] = { "event", "keys", "registrations", "revocations",
					      "settings" };
	const char *p[2] = { s->roster_key, NULL };
	char cur_s[32];
	int64_t cur = 0;
	int more = 1, rc;
	PGresult *r;

	if ((rc = begin_feed(s)))
		return rc;
	if (!(r = run(s, "SELECT value FROM hub_meta WHERE key = $1", 1, p))) {
		rc = VK_ERR_DB;
		goto out;
	}
	if (PQntuples(r) == 1)
		cur = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	int64_t start = cur;
	while (more && rc == VK_OK) {
		json_t *msg;
		if ((rc = s->roster->ops->changes(s->roster, cur, 5000, &msg)))
			break;
		for (size_t a = 0; rc == VK_OK && a < sizeof arrays / sizeof arrays[0]; a++) {
			size_t i;
			json_t *x;
			json_array_foreach(json_object_get(msg, arrays[a]), i, x) {
				if ((rc = feed(s, arrays[a], x)))
					break;
			}
		}
		if (rc == VK_OK)
			rc = publish_log(s, msg);
		cur = json_integer_value(json_object_get(msg, "cursor"));
		more = json_is_true(json_object_get(msg, "more"));
		json_decref(msg);
	}
	/* the hub's decisions made since (vkhid_redeem), in one statement so a confirmation
	 * committed meanwhile waits for the next time rather than being marked and lost */
	if (rc == VK_OK)
		rc = exec0(s, "WITH f AS (UPDATE sync_confirmed SET fed = true WHERE NOT fed"
			   " RETURNING uuid) INSERT INTO hub_change(arr, body)"
			   " SELECT 'confirmed', to_json(uuid)::text FROM f", 0, NULL);
	if (rc == VK_OK && cur != start) {
		p[1] = I64(cur_s, cur);
		rc = exec0(s, "INSERT INTO hub_meta(key, value) VALUES($1, $2) ON CONFLICT(key)"
			   " DO UPDATE SET value = excluded.value", 2, p);
	}
out:
	return finish(s, rc);
}

/* ---- 4. kiosks and tokens ------------------------------------------------------------- */
static int pg_enroll_code(struct hub_store *bs, const char *name, int64_t now_ms,
			  int64_t expires_ms, char *code, size_t cap)
{
	struct pg_store *s = (struct pg_store *)bs;
	char hash[65], raw[65], a[32], b[32];
	PGresult *r;
	int taken;
	if (cap < 65)
		return VK_ERR_INVALID;
	const char *p1[1] = { name };
	if (!(r = run(s, "SELECT 1 FROM hub_kiosk WHERE name = $1 AND revoked_ms = 0", 1, p1)))
		return VK_ERR_DB;
	taken = PQntuples(r) > 0;
	PQclear(r);
	if (taken)
		return HUB_ERR_CLASH;
	hub_random_hex(raw);
	raw[32] = 0;
	hub_hash_hex(raw, hash);
	const char *p[4] = { hash, name, I64(a, now_ms), I64(b, expires_ms) };
	if (exec0(s, "INSERT INTO hub_enroll(code_hash, name, created_ms, expires_ms)"
		  " VALUES($1, $2, $3, $4)", 4, p))
		return VK_ERR_DB;
	snprintf(code, cap, "%s", raw);
	return VK_OK;
}

static int pg_enroll(struct hub_store *bs, const char *code, const char *kiosk_id,
		     int64_t now_ms, char *token, size_t cap, char *name, size_t name_cap)
{
	struct pg_store *s = (struct pg_store *)bs;
	char hash[65], tok[65], thash[65], now_s[32];
	PGresult *r;
	int rc = VK_OK;
	if (cap < 65 || !sync_kiosk_ok(kiosk_id))
		return VK_ERR_INVALID;
	hub_hash_hex(code, hash);
	if (exec0(s, "BEGIN", 0, NULL))
		return VK_ERR_DB;
	const char *p[3] = { hash, I64(now_s, now_ms), kiosk_id };
	if (!(r = run(s, "UPDATE hub_enroll SET used_ms = $2, kiosk = $3 WHERE code_hash = $1"
		      " AND used_ms = 0 AND expires_ms > $2 RETURNING name", 3, p))) {
		rc = VK_ERR_DB;
		goto out;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		rc = HUB_ERR_TOKEN;
		goto out;
	}
	snprintf(name, name_cap, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	const char *pc[2] = { kiosk_id, name };
	if (!(r = run(s, "SELECT 1 FROM hub_kiosk WHERE revoked_ms = 0 AND"
		      " ((id = $1 AND name <> $2) OR (name = $2 AND id <> $1))", 2, pc))) {
		rc = VK_ERR_DB;
		goto out;
	}
	int clash = PQntuples(r) > 0;
	PQclear(r);
	if (clash) {
		rc = HUB_ERR_CLASH;
		goto out;
	}
	hub_random_hex(tok);
	hub_hash_hex(tok, thash);
	const char *pk[4] = { kiosk_id, name, thash, now_s };
	rc = exec0(s, "INSERT INTO hub_kiosk(id, name, token_hash, enrolled_ms) VALUES($1, $2, $3, $4)"
		   " ON CONFLICT(id) DO UPDATE SET name = excluded.name, token_hash ="
		   " excluded.token_hash, enrolled_ms = excluded.enrolled_ms, revoked_ms = 0", 4, pk);
	if (rc == VK_OK)
		snprintf(token, cap, "%s", tok);
	/* the walk-in block is a roster setting, published to PostgreSQL like the others */
	if (rc == VK_OK)
		rc = hub_sqlite_walkin_block(s->roster, kiosk_id);
out:
	return finish(s, rc);
}

#define KIOSK_COLS "id, name, enrolled_ms, revoked_ms, last_seen_ms"

static void read_kiosk(PGresult *r, int row, struct hub_kiosk *k)
{
	memset(k, 0, sizeof *k);
	snprintf(k->id, sizeof k->id, "%s", PQgetvalue(r, row, 0));
	snprintf(k->name, sizeof k->name, "%s", PQgetvalue(r, row, 1));
	k->enrolled_ms = strtoll(PQgetvalue(r, row, 2), NULL, 10);
	k->revoked_ms = strtoll(PQgetvalue(r, row, 3), NULL, 10);
	k->last_seen_ms = strtoll(PQgetvalue(r, row, 4), NULL, 10);
}

static int pg_auth(struct hub_store *bs, const char *token, int64_t now_ms, struct hub_kiosk *k)
{
	struct pg_store *s = (struct pg_store *)bs;
	char hash[65], now_s[32];
	const char *p[1] = { hash };
	PGresult *r;
	PGconn *c;
	int found, slot;
	hub_hash_hex(token, hash);
	/* on the pool: the hub checks tokens without its lock (ops.concurrent) */
	if (!(c = pool_get(s, &slot)))
		return VK_ERR_DB;
	if (!(r = run_on(c, "SELECT " KIOSK_COLS " FROM hub_kiosk WHERE token_hash = $1", 1, p))) {
		pool_put(s, slot);
		return VK_ERR_DB;
	}
	found = PQntuples(r) == 1;
	if (found)
		read_kiosk(r, 0, k);
	PQclear(r);
	if (found && !k->revoked_ms && now_ms - k->last_seen_ms >= 5000) {
		const char *pu[2] = { k->id, I64(now_s, now_ms) };
		PQclear(run_on(c, "UPDATE hub_kiosk SET last_seen_ms = $2 WHERE id = $1", 2, pu));
		k->last_seen_ms = now_ms;
	}
	pool_put(s, slot);
	if (!found || k->revoked_ms)
		return HUB_ERR_TOKEN;
	return VK_OK;
}

static int pg_kiosks(struct hub_store *bs, int (*fn)(void *ctx, const struct hub_kiosk *k),
		     void *ctx)
{
	struct pg_store *s = (struct pg_store *)bs;
	struct hub_kiosk k;
	PGresult *r = run(s, "SELECT " KIOSK_COLS " FROM hub_kiosk ORDER BY enrolled_ms, id", 0,
			  NULL);
	int rc = VK_OK;
	if (!r)
		return VK_ERR_DB;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		read_kiosk(r, i, &k);
		rc = fn(ctx, &k);
	}
	PQclear(r);
	return rc;
}

static int pg_revoke(struct hub_store *bs, const char *name, int64_t now_ms)
{
	struct pg_store *s = (struct pg_store *)bs;
	char now_s[32];
	const char *p[2] = { name, I64(now_s, now_ms) };
	PGresult *r = run(s, "UPDATE hub_kiosk SET revoked_ms = $2 WHERE (name = $1 OR id = $1)"
			  " AND revoked_ms = 0", 2, p);
	int n;
	if (!r)
		return VK_ERR_DB;
	n = changed(r);
	PQclear(r);
	return n ? VK_OK : VK_ERR_NOT_FOUND;
}

/* ---- 5. push and redeem ---------------------------------------------------------------- */
/* A PostgreSQL array literal of text elements, each quoted and escaped; malloc'd. */
struct arr {
	char *buf;
	size_t len;
	FILE *f;
	int n;
};

static int arr_open(struct arr *a)
{
	memset(a, 0, sizeof *a);
	if (!(a->f = open_memstream(&a->buf, &a->len)))
		return VK_ERR_NOMEM;
	fputc('{', a->f);
	return VK_OK;
}

static void arr_add(struct arr *a, const char *v)
{
	fputs(a->n++ ? ",\"" : "\"", a->f);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', a->f);
		fputc(*v, a->f);
	}
	fputc('"', a->f);
}

static void arr_add_i64(struct arr *a, int64_t v)
{
	char b[32];
	arr_add(a, I64(b, v));
}

static char *arr_close(struct arr *a)
{
	fputc('}', a->f);
	if (fclose(a->f) != 0) {
		free(a->buf);
		return NULL;
	}
	return a->buf;
}

/* A batch is stored in a few statements over arrays, not one round trip per event: the
 * new events' keys (those already here are skipped), their records appended to the feed in
 * order, the admissions among them claimed, and the new notes. */
/* The batch's merge, inside the caller's feed transaction when in_tx (the roster's own
 * events, published), else in one of its own (a kiosk's push). */
static int store_batch(struct pg_store *s, const struct sync_event *ev, size_t n,
		       const struct sync_note *notes, size_t nn, size_t *added, size_t *clashes,
		       int in_tx)
{
	enum { UUID, KIOSK, SEQ, EV, NUM, KIND, HLC, WALL, TRUSTED, BODY, NCOL };
	struct arr col[NCOL], nu, nb;
	char *lit[NCOL] = { 0 }, *nul = NULL, *nbl = NULL;
	PGresult *r;
	int rc;

	*added = *clashes = 0;
	for (int c = 0; c < NCOL; c++)
		if (arr_open(&col[c]))
			return VK_ERR_NOMEM;
	if (arr_open(&nu) || arr_open(&nb))
		return VK_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct sync_event e = ev[i];
		e.mode = SYNC_MODE_OFFLINE; /* only the hub's own records say "hub" */
		char *body = NULL;
		json_t *o = sync_event_to_json(&e);
		if (o)
			body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		arr_add(&col[UUID], e.ci.uuid);
		arr_add(&col[KIOSK], e.ci.kiosk);
		arr_add_i64(&col[SEQ], e.ci.seq);
		arr_add_i64(&col[EV], e.ci.event_id);
		arr_add_i64(&col[NUM], e.ci.number);
		arr_add_i64(&col[KIND], e.ci.kind);
		arr_add_i64(&col[HLC], e.ci.hlc);
		arr_add_i64(&col[WALL], e.ci.wall_ms);
		arr_add_i64(&col[TRUSTED], e.ci.clock_trusted);
		arr_add(&col[BODY], body ? body : "");
		free(body);
	}
	for (size_t i = 0; i < nn; i++) {
		char *body = NULL;
		json_t *o = sync_note_to_json(&notes[i]);
		if (o)
			body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		arr_add(&nu, notes[i].uuid);
		arr_add(&nb, body ? body : "");
		free(body);
	}
	rc = VK_OK;
	for (int c = 0; c < NCOL; c++)
		if (!(lit[c] = arr_close(&col[c])))
			rc = VK_ERR_NOMEM;
	if (!(nul = arr_close(&nu)) || !(nbl = arr_close(&nb)))
		rc = VK_ERR_NOMEM;
	if (rc)
		goto done;
	if (!in_tx && (rc = begin_feed(s)))
		goto done;
	/* the new events: keys stored, records fed in the batch's order */
	const char *p[NCOL] = { lit[UUID], lit[KIOSK], lit[SEQ], lit[EV], lit[NUM], lit[KIND],
				lit[HLC], lit[WALL], lit[TRUSTED], lit[BODY] };
	r = run(s, "WITH x AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[],"
		" $4::bigint[], $5::bigint[], $6::int[], $7::bigint[], $8::bigint[], $9::int[],"
		" $10::text[]) WITH ORDINALITY AS t(uuid, kiosk, seq, event_id, number, kind, hlc,"
		" wall_ms, trusted, body, i)),"
		" ins AS (INSERT INTO checkin(uuid, kiosk, seq, event_id, number, kind, hlc)"
		" SELECT uuid, kiosk, seq, event_id, number, kind, hlc FROM x ORDER BY i"
		" ON CONFLICT DO NOTHING RETURNING uuid),"
		" fed AS (INSERT INTO hub_change(arr, body) SELECT 'events', x.body FROM x"
		" JOIN ins USING (uuid) ORDER BY x.i RETURNING 1)"
		" SELECT (SELECT COUNT(*) FROM ins), (SELECT COUNT(*) FROM fed)", 10, p);
	if (!r) {
		rc = VK_ERR_DB;
		goto out;
	}
	*added = (size_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	/* events refused although their uuid is not here: another event holds (kiosk, seq) */
	const char *pu[1] = { lit[UUID] };
	if (!(r = run(s, "SELECT COUNT(*) FROM checkin WHERE uuid = ANY($1::text[])", 1, pu))) {
		rc = VK_ERR_DB;
		goto out;
	}
	*clashes = n - (size_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	/* offline admissions claim their ticket's episode; an episode held already is an
	 * incident every replica derives */
	if ((rc = exec0(s, "INSERT INTO hub_admit(event_id, number, gen, uuid, kiosk, wall_ms, hlc,"
			" clock_trusted, by_hub) SELECT x.event_id, x.number, (SELECT COUNT(*) FROM"
			" checkin c WHERE c.event_id = x.event_id AND c.number = x.number AND c.kind = 2"
			" AND c.hlc < x.hlc), x.uuid, x.kiosk, x.wall_ms, x.hlc, x.trusted, 0"
			" FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],"
			" $6::int[], $7::bigint[], $8::bigint[], $9::int[]) WITH ORDINALITY AS"
			" x(uuid, kiosk, seq, event_id, number, kind, hlc, wall_ms, trusted, i)"
			" WHERE x.kind IN (0, 3) ORDER BY x.i ON CONFLICT DO NOTHING", 9, p)))
		goto out;
	if (nn) {
		const char *pn[2] = { nul, nbl };
		rc = exec0(s, "WITH x AS (SELECT * FROM unnest($1::text[], $2::text[]) WITH ORDINALITY"
			   " AS t(uuid, body, i)), ins AS (INSERT INTO sync_note(uuid) SELECT uuid FROM x"
			   " ORDER BY i ON CONFLICT DO NOTHING RETURNING uuid)"
			   " INSERT INTO hub_change(arr, body) SELECT 'notes', x.body FROM x"
			   " JOIN ins USING (uuid) ORDER BY x.i", 2, pn);
	}
out:
	if (!in_tx)
		rc = finish(s, rc);
done:
	for (int c = 0; c < NCOL; c++)
		free(lit[c]);
	free(nul);
	free(nbl);
	return rc;
}

static int pg_push(struct hub_store *bs, const char *kiosk_id, const struct sync_event *ev,
		   size_t n, const struct sync_note *notes, size_t nn, size_t *added,
		   size_t *clashes)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ev[i].ci.kiosk, kiosk_id) != 0)
			return HUB_ERR_FORBIDDEN;
	for (size_t i = 0; i < nn; i++)
		if (strcmp(notes[i].kiosk, kiosk_id) != 0)
			return HUB_ERR_FORBIDDEN;
	return store_batch((struct pg_store *)bs, ev, n, notes, nn, added, clashes, 0);
}

static int pg_redeem(struct hub_store *bs, const struct sync_event *cand, struct hub_redeem *out)
{
	struct pg_store *s = (struct pg_store *)bs;
	char a[32], b[32], w[32], h[32], t[32];
	PGresult *r;

	memset(out, 0, sizeof *out);
	if (cand->ci.kind != DB_CI_ENTRY && cand->ci.kind != DB_CI_WALKIN)
		return VK_ERR_INVALID;
	const char *p[7] = { I64(a, cand->ci.event_id), I64(b, cand->ci.number), cand->ci.uuid,
			     cand->ci.kiosk, I64(w, cand->ci.wall_ms), I64(h, cand->ci.hlc),
			     I64(t, cand->ci.clock_trusted) };
	int slot;
	PGconn *c = pool_get(s, &slot);
	if (!c)
		return VK_ERR_DB;
	r = run_on(c, "SELECT * FROM vkhid_redeem($1, $2, $3, $4, $5, $6, $7)", 7, p);
	pool_put(s, slot);
	if (!r)
		return VK_ERR_DB;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VK_ERR_DB;
	}
	out->first = *cand;
	snprintf(out->first.ci.uuid, sizeof out->first.ci.uuid, "%s", PQgetvalue(r, 0, 0));
	snprintf(out->first.ci.kiosk, sizeof out->first.ci.kiosk, "%s", PQgetvalue(r, 0, 1));
	out->first.ci.wall_ms = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	out->first.ci.hlc = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	out->first.ci.clock_trusted = atoi(PQgetvalue(r, 0, 4));
	out->first.mode = atoi(PQgetvalue(r, 0, 5)) ? SYNC_MODE_HUB : SYNC_MODE_OFFLINE;
	PQclear(r);
	/* the holder of the episode: this candidate (now, or from an earlier identical
	 * request: a retry gets the same answer), or another admission */
	if (strcmp(out->first.ci.uuid, cand->ci.uuid) == 0) {
		out->decision = HUB_ADMITTED;
		out->first = *cand;
		out->first.mode = SYNC_MODE_HUB;
	} else {
		out->decision = HUB_ALREADY_ADMITTED;
	}
	return VK_OK;
}

/* ---- 6. changes ------------------------------------------------------------------------ */
static int pg_changes(struct hub_store *bs, int64_t since, int limit, json_t **out)
{
	static const char *const arrays[] = { "event", "keys", "registrations", "revocations",
					      "settings", "events", "notes", "confirmed" };
	struct pg_store *s = (struct pg_store *)bs;
	char a[32], b[32];
	int64_t cursor = since;
	int rows, rc;
	json_t *msg;
	PGresult *r;

	*out = NULL;
	if ((rc = publish(s)))
		return rc;
	const char *p[2] = { I64(a, since), I64(b, limit + 1) };
	if (!(r = run(s, "SELECT seq, arr, body FROM hub_change WHERE seq > $1 ORDER BY seq"
		      " LIMIT $2", 2, p)))
		return VK_ERR_DB;
	if (!(msg = json_object())) {
		PQclear(r);
		return VK_ERR_NOMEM;
	}
	for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
		json_object_set_new(msg, arrays[i], json_array());
	rows = PQntuples(r);
	for (int i = 0; i < rows && i < limit; i++) {
		json_error_t je;
		json_t *arr = json_object_get(msg, PQgetvalue(r, i, 1));
		json_t *rec = json_loads(PQgetvalue(r, i, 2), JSON_DECODE_ANY, &je);
		cursor = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		if (arr && rec)
			json_array_append(arr, rec);
		json_decref(rec);
	}
	PQclear(r);
	json_object_set_new(msg, "format", json_string(SYNC_FORMAT));
	json_object_set_new(msg, "cursor", json_integer(cursor));
	json_object_set_new(msg, "more", json_boolean(rows > limit));
	*out = msg;
	return VK_OK;
}

static int pg_health(struct hub_store *bs, int64_t *events, int64_t *kiosks)
{
	struct pg_store *s = (struct pg_store *)bs;
	PGresult *r = run(s, "SELECT (SELECT COUNT(*) FROM checkin),"
			  " (SELECT COUNT(*) FROM hub_kiosk WHERE revoked_ms = 0)", 0, NULL);
	if (!r)
		return VK_ERR_DB;
	*events = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	*kiosks = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	return VK_OK;
}

/* ---- the dashboard's reads and writes ------------------------------------------------- */
/* The roster (events, registrations) and the secrets live in the hub's vkhid database. */
static db *pg_roster(struct hub_store *bs)
{
	struct pg_store *s = (struct pg_store *)bs;
	return s->roster->ops->roster(s->roster);
}

static int pg_secret_get(struct hub_store *bs, const char *key, char *buf, size_t cap)
{
	struct pg_store *s = (struct pg_store *)bs;
	return s->roster->ops->secret_get(s->roster, key, buf, cap);
}

static int pg_secret_set(struct hub_store *bs, const char *key, const char *value)
{
	struct pg_store *s = (struct pg_store *)bs;
	return s->roster->ops->secret_set(s->roster, key, value);
}

/* The log is the feed's "events" and "notes" records (as the kiosks pushed them); the
 * hub's own decisions are the uuids in sync_confirmed. */
static int pg_log(struct hub_store *bs, struct sync_event **ev, size_t *n,
		  struct sync_note **notes, size_t *nn)
{
	struct pg_store *s = (struct pg_store *)bs;
	/* the hub's own check-ins count on the dashboard as soon as they are made */
	int prc = publish(s);
	if (prc)
		return prc;
	PGresult *r = run(s, "SELECT h.arr, h.body, EXISTS(SELECT 1 FROM sync_confirmed f"
			  " WHERE h.arr = 'events' AND f.uuid = h.body::json->>'uuid')"
			  " FROM hub_change h WHERE h.arr IN ('events', 'notes') ORDER BY h.seq",
			  0, NULL);
	int rows, rc = VK_OK;
	char why[200];
	*ev = NULL;
	*notes = NULL;
	*n = *nn = 0;
	if (!r)
		return VK_ERR_DB;
	rows = PQntuples(r);
	if (rows && (!(*ev = calloc((size_t)rows, sizeof **ev)) ||
		     !(*notes = calloc((size_t)rows, sizeof **notes)))) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	for (int i = 0; i < rows && rc == VK_OK; i++) {
		json_error_t jerr;
		json_t *o = json_loads(PQgetvalue(r, i, 1), 0, &jerr);
		int is_ev = strcmp(PQgetvalue(r, i, 0), "events") == 0;
		if (!o) {
			rc = VK_ERR_DB;
			break;
		}
		if (is_ev) {
			if (sync_event_from_json(o, &(*ev)[*n], why, sizeof why) == VK_OK) {
				if (PQgetvalue(r, i, 2)[0] == 't')
					(*ev)[*n].mode = SYNC_MODE_HUB;
				(*n)++;
			}
		} else if (sync_note_from_json(o, &(*notes)[*nn], why, sizeof why) == VK_OK) {
			(*nn)++;
		}
		json_decref(o);
	}
out:
	PQclear(r);
	if (rc) {
		free(*ev);
		free(*notes);
		*ev = NULL;
		*notes = NULL;
		*n = *nn = 0;
	}
	return rc;
}

/* A note in the hub's own name goes in like a kiosk's pushed note, so it reaches kiosks. */
static int pg_note(struct hub_store *bs, const char *incident, const char *text, int64_t now_ms)
{
	struct pg_store *s = (struct pg_store *)bs;
	struct sync_note x;
	struct vk_clock clk;
	size_t added = 0, clashes = 0;
	int64_t floor = 0;
	PGresult *r;
	if (!sync_uuid_ok(incident) || !text || strlen(text) > SYNC_MAX_NOTE)
		return VK_ERR_INVALID;
	if (!(r = run(s, "SELECT COALESCE(MAX(hlc), 0) FROM checkin", 0, NULL)))
		return VK_ERR_DB;
	floor = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	clock_init(&clk, floor);
	memset(&x, 0, sizeof x);
	sync_uuid_new(x.uuid);
	snprintf(x.kiosk, sizeof x.kiosk, "%s", db_kiosk_id(pg_roster(bs)));
	snprintf(x.incident, sizeof x.incident, "%s", incident);
	snprintf(x.note, sizeof x.note, "%s", text);
	x.wall_ms = now_ms;
	x.hlc = clock_hlc_next(&clk);
	return pg_push(bs, x.kiosk, NULL, 0, &x, 1, &added, &clashes);
}

/* ---- kiosks' health ------------------------------------------------------------------- */
static int pg_kiosk_health_put(struct hub_store *bs, const struct hub_kiosk_health *h)
{
	struct pg_store *s = (struct pg_store *)bs;
	char at[32], q[32], tr[8], pe[32];
	const char *p[7] = { h->kiosk, I64(at, h->at_ms), h->printer, I64(q, h->queue), h->camera,
			     I64(tr, h->clock_trusted ? 1 : 0), I64(pe, h->pending) };
	return exec0(s, "INSERT INTO hub_kiosk_health(kiosk, at_ms, printer, queue, camera,"
		     " clock_trusted, pending) VALUES($1, $2, $3, $4, $5, $6, $7)"
		     " ON CONFLICT (kiosk) DO UPDATE SET at_ms = EXCLUDED.at_ms,"
		     " printer = EXCLUDED.printer, queue = EXCLUDED.queue, camera = EXCLUDED.camera,"
		     " clock_trusted = EXCLUDED.clock_trusted, pending = EXCLUDED.pending", 7, p);
}

static int pg_kiosk_health_list(struct hub_store *bs,
				int (*fn)(void *ctx, const struct hub_kiosk_health *h), void *ctx)
{
	struct pg_store *s = (struct pg_store *)bs;
	struct hub_kiosk_health h;
	PGresult *r = run(s, "SELECT k.id, k.name, COALESCE(h.at_ms, 0), COALESCE(h.printer, ''),"
			  " COALESCE(h.queue, 0), COALESCE(h.camera, ''),"
			  " COALESCE(h.clock_trusted, 0), COALESCE(h.pending, 0), k.last_seen_ms,"
			  " k.revoked_ms FROM hub_kiosk k LEFT JOIN hub_kiosk_health h"
			  " ON h.kiosk = k.id ORDER BY k.enrolled_ms, k.id", 0, NULL);
	int rc = VK_OK;
	if (!r)
		return VK_ERR_DB;
	for (int i = 0; i < PQntuples(r) && !rc; i++) {
		memset(&h, 0, sizeof h);
		snprintf(h.kiosk, sizeof h.kiosk, "%s", PQgetvalue(r, i, 0));
		snprintf(h.name, sizeof h.name, "%s", PQgetvalue(r, i, 1));
		h.at_ms = strtoll(PQgetvalue(r, i, 2), NULL, 10);
		snprintf(h.printer, sizeof h.printer, "%s", PQgetvalue(r, i, 3));
		h.queue = strtoll(PQgetvalue(r, i, 4), NULL, 10);
		snprintf(h.camera, sizeof h.camera, "%s", PQgetvalue(r, i, 5));
		h.clock_trusted = atoi(PQgetvalue(r, i, 6));
		h.pending = strtoll(PQgetvalue(r, i, 7), NULL, 10);
		h.last_seen_ms = strtoll(PQgetvalue(r, i, 8), NULL, 10);
		h.revoked_ms = strtoll(PQgetvalue(r, i, 9), NULL, 10);
		rc = fn(ctx, &h);
	}
	PQclear(r);
	return rc;
}

static int pg_kiosk_key_put(struct hub_store *bs, const char *kiosk_id, const char *pubhex)
{
	struct pg_store *s = (struct pg_store *)bs;
	/* a setting of the roster, which is published to PostgreSQL like any other */
	return s->roster->ops->kiosk_key_put(s->roster, kiosk_id, pubhex);
}

static int pg_walkins_put(struct hub_store *bs, const char *kiosk_id,
			  const struct db_registration *r, size_t n)
{
	struct pg_store *s = (struct pg_store *)bs;
	/* registrations are the roster's, made in the hub's database and published */
	return s->roster->ops->walkins_put(s->roster, kiosk_id, r, n);
}

const struct hub_store_ops hub_store_postgres = {
	.name = "postgres",
	.concurrent = 1,
	.open = pg_open,
	.close = pg_close,
	.enroll_code = pg_enroll_code,
	.enroll = pg_enroll,
	.auth = pg_auth,
	.kiosks = pg_kiosks,
	.revoke = pg_revoke,
	.push = pg_push,
	.redeem = pg_redeem,
	.changes = pg_changes,
	.health = pg_health,
	.roster = pg_roster,
	.log = pg_log,
	.note = pg_note,
	.secret_get = pg_secret_get,
	.secret_set = pg_secret_set,
	.kiosk_health_put = pg_kiosk_health_put,
	.kiosk_health_list = pg_kiosk_health_list,
	.kiosk_key_put = pg_kiosk_key_put,
	.walkins_put = pg_walkins_put,
};
