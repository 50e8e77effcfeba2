/* SPDX-License-Identifier: MIT */
/* The kiosk's SQLite database (see db.h for the model).
 *
 * Map of this file:
 *   1. schema and migrations        (user_version, application_id)
 *   2. opening, pragmas, statements (one prepared statement cache per connection)
 *   3. settings, kiosk identity
 *   4. events and keys
 *   5. registrations, revocations
 *   6. the check-in log
 *   7. print jobs
 *   8. turnout
 *   9. imports in short transactions
 *  10. purge
 *  11. the connection itself, for the sync replica and the hub
 *  12. what certificates read (sessions with their cancelled flag)
 * Every SQL statement on the kiosk's own tables is in this file (app/sync and app/hub run
 * theirs on their own tables, over db_sqlite()). Statements name the enum constants of
 * db.h in braces ("kind = {CI_UNDO}"); the braces are replaced by the constants' values
 * when a statement is prepared (sql_expand), so no number of an enum is written twice,
 * and a misspelt name fails to prepare (braces are not SQL). */
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "trace/trace.h"

#define APP_ID 0x766b6864 /* "vkhd" in PRAGMA application_id */

/* ---- 1. schema and migrations ------------------------------------------------------------
 * migrations[i] takes a database from user_version i to i + 1. Never edit a step that has
 * shipped: add a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE setting(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE event(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" starts TEXT NOT NULL DEFAULT '', ends TEXT NOT NULL DEFAULT '',"
	" timezone TEXT NOT NULL DEFAULT 'Europe/Kyiv', walkins INTEGER NOT NULL DEFAULT 0,"
	" settings TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL);"
	"CREATE TABLE event_key(key_id INTEGER PRIMARY KEY,"
	" event_id INTEGER NOT NULL REFERENCES event(id), pk BLOB NOT NULL,"
	" revoked INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);"
	"CREATE TABLE registration(id INTEGER PRIMARY KEY,"
	" event_id INTEGER NOT NULL REFERENCES event(id), number INTEGER NOT NULL,"
	" external_id TEXT NOT NULL DEFAULT '', ticket_code TEXT NOT NULL DEFAULT '',"
	" vk_code TEXT NOT NULL DEFAULT '', given TEXT NOT NULL DEFAULT '',"
	" family TEXT NOT NULL DEFAULT '', display TEXT NOT NULL,"
	" organization TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '',"
	" email TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT '',"
	" status INTEGER NOT NULL DEFAULT 0, search_key TEXT NOT NULL DEFAULT '',"
	" updated TEXT NOT NULL, UNIQUE(event_id, number));"
	"CREATE INDEX registration_ext ON registration(event_id, external_id) WHERE external_id <> '';"
	"CREATE INDEX registration_email ON registration(event_id, email) WHERE email <> '';"
	"CREATE INDEX registration_code ON registration(ticket_code) WHERE ticket_code <> '';"
	"CREATE TABLE revocation(event_id INTEGER NOT NULL, number INTEGER NOT NULL,"
	" nonce INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL,"
	" PRIMARY KEY(event_id, number, nonce));"
	"CREATE TABLE checkin(uuid TEXT PRIMARY KEY, kiosk TEXT NOT NULL, seq INTEGER NOT NULL,"
	" event_id INTEGER NOT NULL, number INTEGER NOT NULL, kind INTEGER NOT NULL,"
	" method INTEGER NOT NULL, wall_ms INTEGER NOT NULL, hlc INTEGER NOT NULL,"
	" clock_trusted INTEGER NOT NULL, synced INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE(kiosk, seq));"
	"CREATE INDEX checkin_reg ON checkin(event_id, number, hlc);"
	/* The log is append-only: only the synced flag may change after the fact. */
	"CREATE TRIGGER checkin_append_only BEFORE UPDATE OF uuid, kiosk, seq, event_id, number,"
	" kind, method, wall_ms, hlc, clock_trusted ON checkin"
	" BEGIN SELECT RAISE(ABORT, 'the check-in log is append-only'); END;"
	"CREATE TABLE print_job(id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL,"
	" number INTEGER NOT NULL, template TEXT NOT NULL DEFAULT '',"
	" state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL,"
	" done_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX print_job_state ON print_job(state, id);",

	/* 1 -> 2: programme sessions, kiosks and sync peers; check-ins may name a session. */
	"CREATE TABLE session(id INTEGER PRIMARY KEY,"
	" event_id INTEGER NOT NULL REFERENCES event(id), title TEXT NOT NULL,"
	" room TEXT NOT NULL DEFAULT '', starts TEXT NOT NULL DEFAULT '',"
	" ends TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE kiosk(id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',"
	" last_seen_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE sync_peer(peer TEXT PRIMARY KEY, cursor_up INTEGER NOT NULL DEFAULT 0,"
	" cursor_down INTEGER NOT NULL DEFAULT 0);"
	"ALTER TABLE checkin ADD COLUMN session_id INTEGER NOT NULL DEFAULT 0;",

	/* 2 -> 3: tickets issued (when), and revocation "every ticket issued before T". The
	 * rows of nonce 0 once meant "every ticket of the registration" (and the code read them
	 * as "forever", so the reissues were refused too): they become "issued before the
	 * moment of that revocation", which is what they were meant to say. */
	"CREATE TABLE ticket_issue(event_id INTEGER NOT NULL, number INTEGER NOT NULL,"
	" nonce INTEGER NOT NULL, issued_ms INTEGER NOT NULL,"
	" PRIMARY KEY(event_id, number, nonce));"
	"CREATE TABLE revocation_before(event_id INTEGER NOT NULL, number INTEGER NOT NULL,"
	" before_ms INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY(event_id, number));"
	"INSERT INTO revocation_before(event_id, number, before_ms, reason)"
	" SELECT event_id, number, MAX(created_ms), MAX(reason) FROM revocation WHERE nonce = 0"
	" GROUP BY event_id, number;"
	"DELETE FROM revocation WHERE nonce = 0;",

	/* 3 -> 4: every append reads the highest hybrid clock value inside its transaction
	 * (so its row sorts after every other process's); an index keeps that one step. */
	"CREATE INDEX checkin_hlc ON checkin(hlc);"
	/* An import is applied in short transactions (the door keeps admitting meanwhile) and
	 * stays all-or-nothing: import_undo keeps what each of its rows was before, until the
	 * import's last transaction drops it; an import that fails or dies is undone from it. */
	"CREATE TABLE import_batch(id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL,"
	" started_ms INTEGER NOT NULL);"
	"CREATE TABLE import_undo(batch INTEGER NOT NULL, id INTEGER NOT NULL,"
	" inserted INTEGER NOT NULL, external_id TEXT, ticket_code TEXT, vk_code TEXT,"
	" given TEXT, family TEXT, display TEXT, organization TEXT, category TEXT, email TEXT,"
	" lang TEXT, status INTEGER, search_key TEXT, updated TEXT, PRIMARY KEY(batch, id));",

	/* 4 -> 5: the programme: a session's capacity, who it is for (categories, comma
	 * separated; '' = everyone), its speakers and whether it was cancelled (kept, so its
	 * attendance stays); the log is read per session (room doors, capacity). */
	"ALTER TABLE session ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE session ADD COLUMN categories TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE session ADD COLUMN speakers TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE session ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX checkin_session ON checkin(event_id, session_id, number);",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == DB_SCHEMA_VERSION,
	       "one migration per schema version");

/* ---- 2. opening, pragmas, statements ------------------------------------------------------ */
/* The statements, by name: the names appear in VKHID_DEBUG=sql traces. */
#define QUERIES(X) \
	X(Q_SETTING_GET) X(Q_SETTING_SET) \
	X(Q_EVENT_INS) X(Q_EVENT_GET) X(Q_EVENT_ALL) X(Q_EVENT_UPD) \
	X(Q_KEY_INS) X(Q_KEY_GET) X(Q_KEY_LATEST) X(Q_KEY_NEXT) \
	X(Q_REG_BY_EXT) X(Q_REG_BY_EMAIL) X(Q_REG_BY_CODE_EV) X(Q_REG_INS) X(Q_REG_UPD) \
	X(Q_REG_GET) X(Q_REG_BY_ID) X(Q_REG_BY_CODE) X(Q_REG_SET_VK) X(Q_REG_ALL) \
	X(Q_REG_COUNT) X(Q_REG_COUNT_ACTIVE) X(Q_REG_NEXT_NUM) \
	X(Q_TICKET_ISSUED) X(Q_REVOKE) X(Q_REVOKE_BEFORE) X(Q_IS_REVOKED) \
	X(Q_CI_INS) X(Q_CI_NEXT_SEQ) X(Q_CI_ADMISSION) X(Q_CI_ADMISSION_IN) X(Q_CI_COUNT) \
	X(Q_CI_ALL) X(Q_CI_DAYS) X(Q_SES_INS) X(Q_SES_UPD) X(Q_SES_GET) X(Q_SES_ALL) X(Q_SES_COUNT) X(Q_SES_PRESENT) \
	X(Q_CI_MAX_HLC) \
	X(Q_JOB_INS) X(Q_JOB_NEXT) X(Q_JOB_SET) X(Q_JOB_CLAIM) X(Q_JOB_COUNT) \
	X(Q_IMP_BEGIN) X(Q_IMP_NOTE_INS) X(Q_IMP_NOTE_UPD) X(Q_IMP_DROP_UNDO) X(Q_IMP_DROP) \
	X(Q_IMP_RESTORE) X(Q_IMP_DELETE_NEW) X(Q_IMP_PENDING) X(Q_PURGE_REG) X(Q_PURGE_UNDO)
#define Q_ENUM(n) n,
#define Q_NAME(n) [n] = #n,
enum q { QUERIES(Q_ENUM) Q_COUNT };
static const char *const q_names[Q_COUNT] = { QUERIES(Q_NAME) };

/* The enum constants statements may name in braces (see the top of this file). */
static const struct {
	const char *name;
	int value;
} sql_consts[] = {
	{ "CI_ENTRY", DB_CI_ENTRY }, { "CI_REPRINT", DB_CI_REPRINT },
	{ "CI_UNDO", DB_CI_UNDO },   { "CI_WALKIN", DB_CI_WALKIN },
	{ "CI_EXIT", DB_CI_EXIT },
	{ "REG_ACTIVE", DB_REG_ACTIVE }, { "REG_CANCELLED", DB_REG_CANCELLED },
	{ "JOB_QUEUED", DB_JOB_QUEUED }, { "JOB_PRINTING", DB_JOB_PRINTING },
	{ "JOB_DONE", DB_JOB_DONE },     { "JOB_FAILED", DB_JOB_FAILED },
};

/* The local day of a log row (the process's TZ is the event's time zone, as for
 * clock_day_bounds()). */
#define LOCAL_DAY(c) "date(" c ".wall_ms / 1000, 'unixepoch', 'localtime')"
/* 1 when the row's event spans several days (then attendance is counted per day). */
#define MULTI_DAY(c) \
	"EXISTS (SELECT 1 FROM event e WHERE e.id = " c ".event_id AND e.starts <> ''" \
	" AND e.ends > e.starts)"

/* Who is admitted, defined once. A log row c admits its registration to its session
 * (session_id 0: the event's entrance) when it is an entry or a walk-in later than the
 * last undo of the same registration and session; in an event of several days an undo
 * takes back that day's admission only (so undoing a mistaken check-in on day two keeps
 * day one). The registration's admission (to a session, on a day) is the first such row.
 * The check-in decision (db_checkin_admission_in), the turnout and the export (db_stats,
 * db_checkin_days) all use this fragment. */
#define ADMITTING_ROW(c) \
	c ".kind IN ({CI_ENTRY}, {CI_WALKIN}) AND " c ".hlc > COALESCE((SELECT MAX(u.hlc)" \
	" FROM checkin u WHERE u.event_id = " c ".event_id AND u.number = " c ".number" \
	" AND u.kind = {CI_UNDO} AND u.session_id = " c ".session_id AND (NOT " MULTI_DAY(c) \
	" OR " LOCAL_DAY("u") " = " LOCAL_DAY(c) ")), -1)"

#define REG_COLS "id, event_id, number, external_id, ticket_code, vk_code, given, family," \
	" display, organization, category, email, lang, status, search_key, updated"
#define CI_COLS "uuid, kiosk, seq, event_id, number, session_id, kind, method, wall_ms, hlc," \
	" clock_trusted, synced"
#define JOB_COLS "id, event_id, number, template, state, attempts, last_error, created_ms, done_ms"

static const char *const sql_text[Q_COUNT] = {
	[Q_SETTING_GET] = "SELECT value FROM setting WHERE key = ?1",
	[Q_SETTING_SET] = "INSERT INTO setting(key, value) VALUES(?1, ?2)"
			  " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[Q_EVENT_INS] = "INSERT INTO event(id, name, starts, ends, timezone, walkins, created)"
			" VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
	[Q_EVENT_GET] = "SELECT id, name, starts, ends, timezone, walkins FROM event WHERE id = ?1",
	[Q_EVENT_ALL] = "SELECT id, name, starts, ends, timezone, walkins FROM event ORDER BY rowid",
	[Q_EVENT_UPD] = "UPDATE event SET name = ?2, starts = ?3, ends = ?4, timezone = ?5,"
			" walkins = ?6 WHERE id = ?1",
	[Q_KEY_INS] = "INSERT INTO event_key(key_id, event_id, pk, created)"
		      " VALUES(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
	[Q_KEY_GET] = "SELECT event_id, key_id, pk, revoked FROM event_key WHERE key_id = ?1",
	[Q_KEY_LATEST] = "SELECT event_id, key_id, pk, revoked FROM event_key"
			 " WHERE event_id = ?1 AND revoked = 0 ORDER BY key_id DESC LIMIT 1",
	[Q_KEY_NEXT] = "SELECT COALESCE(MAX(key_id), 0) + 1 FROM event_key",
	[Q_REG_BY_EXT] = "SELECT " REG_COLS " FROM registration"
			 " WHERE event_id = ?1 AND external_id = ?2 AND external_id <> ''",
	[Q_REG_BY_EMAIL] = "SELECT " REG_COLS " FROM registration"
			   " WHERE event_id = ?1 AND email = lower(?2) AND email <> ''",
	[Q_REG_BY_CODE_EV] = "SELECT " REG_COLS " FROM registration"
			     " WHERE ticket_code = ?2 AND ticket_code <> '' AND event_id = ?1",
	[Q_REG_INS] = "INSERT INTO registration(event_id, number, external_id, ticket_code,"
		      " vk_code, given, family, display, organization, category, email, lang,"
		      " status, search_key, updated)"
		      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[Q_REG_UPD] = "UPDATE registration SET external_id = ?2, ticket_code = ?3, vk_code = ?4,"
		      " given = ?5, family = ?6, display = ?7, organization = ?8, category = ?9,"
		      " email = ?10, lang = ?11, status = ?12, search_key = ?13, updated = ?14"
		      " WHERE id = ?1",
	[Q_REG_GET] = "SELECT " REG_COLS " FROM registration WHERE event_id = ?1 AND number = ?2",
	[Q_REG_BY_ID] = "SELECT " REG_COLS " FROM registration WHERE id = ?1",
	[Q_REG_BY_CODE] = "SELECT " REG_COLS " FROM registration"
			  " WHERE ticket_code = ?1 AND ticket_code <> '' ORDER BY id LIMIT 1",
	[Q_REG_SET_VK] = "UPDATE registration SET vk_code = ?2 WHERE id = ?1",
	[Q_REG_ALL] = "SELECT " REG_COLS " FROM registration WHERE event_id = ?1 ORDER BY number",
	[Q_REG_COUNT] = "SELECT COUNT(*) FROM registration WHERE event_id = ?1",
	[Q_REG_COUNT_ACTIVE] = "SELECT COUNT(*) FROM registration WHERE event_id = ?1"
			       " AND status = {REG_ACTIVE}",
	/* below the walk-in blocks (DB_WALKIN_BLOCK): a list imported at the hub never takes a
	 * number a kiosk may give a walk-in */
	[Q_REG_NEXT_NUM] = "SELECT COALESCE(MAX(number), 0) + 1 FROM registration WHERE event_id = ?1"
			   " AND number < 1000000",
	/* a nonce revoked before it was recorded as issued (a ticket from before the issue
	 * table) is taken too: it must not be handed out again */
	[Q_TICKET_ISSUED] = "INSERT INTO ticket_issue(event_id, number, nonce, issued_ms)"
			    " SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM revocation"
			    " WHERE event_id = ?1 AND number = ?2 AND nonce = ?3)",
	[Q_REVOKE] = "INSERT OR IGNORE INTO revocation(event_id, number, nonce, reason, created_ms)"
		     " VALUES(?1, ?2, ?3, ?4, ?5)",
	[Q_REVOKE_BEFORE] = "INSERT INTO revocation_before(event_id, number, before_ms, reason)"
			    " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(event_id, number) DO UPDATE SET"
			    " reason = CASE WHEN excluded.before_ms > before_ms THEN excluded.reason"
			    " ELSE reason END, before_ms = MAX(before_ms, excluded.before_ms)",
	/* revoked exactly, or issued before a "revoked before" moment (no issue record here
	 * counts as before: nothing proves the ticket is newer) */
	[Q_IS_REVOKED] = "SELECT EXISTS (SELECT 1 FROM revocation WHERE event_id = ?1"
			 " AND number = ?2 AND nonce = ?3) OR EXISTS (SELECT 1 FROM"
			 " revocation_before b WHERE b.event_id = ?1 AND b.number = ?2"
			 " AND COALESCE((SELECT i.issued_ms FROM ticket_issue i WHERE i.event_id = ?1"
			 " AND i.number = ?2 AND i.nonce = ?3), -1) < b.before_ms)",
	[Q_CI_INS] = "INSERT INTO checkin(" CI_COLS ")"
		     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_CI_NEXT_SEQ] = "SELECT COALESCE(MAX(seq), 0) + 1 FROM checkin WHERE kiosk = ?1",
	/* the admission to session ?3 in wall time [?4, ?5): one day, or all time. The
	 * undo that counts is the last one of the same span (the caller's day), which is
	 * ADMITTING_ROW for one day of a multi-day event and for all time otherwise. */
	[Q_CI_ADMISSION] = "SELECT " CI_COLS " FROM checkin c WHERE c.event_id = ?1"
			   " AND c.number = ?2 AND c.session_id = 0 AND " ADMITTING_ROW("c")
			   " ORDER BY c.hlc, c.kiosk, c.seq LIMIT 1",
	[Q_CI_ADMISSION_IN] = "SELECT " CI_COLS " FROM checkin c WHERE c.event_id = ?1"
			   " AND c.number = ?2 AND c.session_id = ?3 AND c.kind IN ({CI_ENTRY},"
			   " {CI_WALKIN}) AND c.wall_ms >= ?4 AND c.wall_ms < ?5"
			   " AND c.hlc > COALESCE((SELECT MAX(u.hlc) FROM checkin u"
			   " WHERE u.event_id = ?1 AND u.number = ?2 AND u.session_id = ?3"
			   " AND u.kind = {CI_UNDO} AND u.wall_ms >= ?4 AND u.wall_ms < ?5), -1)"
			   " ORDER BY c.hlc, c.kiosk, c.seq LIMIT 1",
	[Q_CI_COUNT] = "SELECT COUNT(*) FROM checkin WHERE event_id = ?1 AND number = ?2"
		       " AND kind = ?3",
	[Q_CI_ALL] = "SELECT " CI_COLS " FROM checkin WHERE event_id = ?1 ORDER BY hlc, kiosk, seq",
	[Q_CI_DAYS] = "SELECT " LOCAL_DAY("c") " AS day, MIN(c.wall_ms) FROM checkin c"
		      " WHERE c.event_id = ?1 AND c.number = ?2 AND c.session_id = ?3 AND "
		      ADMITTING_ROW("c") " GROUP BY day ORDER BY day",
#define SES_COLS "id, event_id, title, room, starts, ends, capacity, categories, speakers, cancelled"
	[Q_SES_INS] = "INSERT INTO session(event_id, title, room, starts, ends, capacity,"
		      " categories, speakers, cancelled) VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_SES_UPD] = "UPDATE session SET title = ?3, room = ?4, starts = ?5, ends = ?6,"
		      " capacity = ?7, categories = ?8, speakers = ?9, cancelled = ?10"
		      " WHERE id = ?1 AND event_id = ?2",
	[Q_SES_GET] = "SELECT " SES_COLS " FROM session WHERE id = ?1",
	[Q_SES_ALL] = "SELECT " SES_COLS " FROM session WHERE event_id = ?1 ORDER BY starts, id",
	/* the people a session has now: admitted to it and not undone (an attendee who
	 * comes back after a break is one person) */
	[Q_SES_COUNT] = "SELECT COUNT(DISTINCT c.number) FROM checkin c WHERE c.event_id = ?1"
			" AND c.session_id = ?2 AND " ADMITTING_ROW("c"),
	/* in the room now: the latest admitting entry has no exit after it (?3 = 0: all) */
	[Q_SES_PRESENT] = "SELECT COUNT(*) FROM (SELECT c.number AS number, MAX(c.hlc) AS h"
			  " FROM checkin c WHERE c.event_id = ?1 AND c.session_id = ?2"
			  " AND (?3 = 0 OR c.number = ?3) AND " ADMITTING_ROW("c") " GROUP BY c.number) a"
			  " WHERE NOT EXISTS (SELECT 1 FROM checkin x WHERE x.event_id = ?1"
			  " AND x.session_id = ?2 AND x.number = a.number AND x.kind = {CI_EXIT}"
			  " AND x.hlc > a.h)",
	[Q_CI_MAX_HLC] = "SELECT COALESCE(MAX(hlc), 0) FROM checkin",
	[Q_JOB_INS] = "INSERT INTO print_job(event_id, number, template, state, created_ms)"
		      " VALUES(?1, ?2, ?3, {JOB_QUEUED}, ?4)",
	[Q_JOB_NEXT] = "SELECT " JOB_COLS " FROM print_job"
		       " WHERE state IN ({JOB_QUEUED}, {JOB_PRINTING}) ORDER BY id LIMIT 1",
	[Q_JOB_SET] = "UPDATE print_job SET state = ?2, last_error = ?3,"
		      " attempts = attempts + (?2 = {JOB_PRINTING}),"
		      " done_ms = CASE WHEN ?2 = {JOB_DONE} THEN ?4 ELSE done_ms END WHERE id = ?1",
	[Q_JOB_CLAIM] = "UPDATE print_job SET state = {JOB_PRINTING}, last_error = ?2,"
			" attempts = attempts + 1 WHERE id = ?1 AND state = {JOB_QUEUED}",
	[Q_JOB_COUNT] = "SELECT COUNT(*) FROM print_job WHERE state = ?1",
	[Q_IMP_BEGIN] = "INSERT INTO import_batch(event_id, started_ms) VALUES(?1, ?2)",
	[Q_IMP_NOTE_INS] = "INSERT OR IGNORE INTO import_undo(batch, id, inserted) VALUES(?1, ?2, 1)",
	[Q_IMP_NOTE_UPD] = "INSERT OR IGNORE INTO import_undo(batch, id, inserted, external_id,"
			   " ticket_code, vk_code, given, family, display, organization, category,"
			   " email, lang, status, search_key, updated) SELECT ?1, id, 0, external_id,"
			   " ticket_code, vk_code, given, family, display, organization, category,"
			   " email, lang, status, search_key, updated FROM registration WHERE id = ?2",
	[Q_IMP_DROP_UNDO] = "DELETE FROM import_undo WHERE batch = ?1",
	[Q_IMP_DROP] = "DELETE FROM import_batch WHERE id = ?1",
	[Q_IMP_RESTORE] = "UPDATE registration SET (external_id, ticket_code, vk_code, given,"
			  " family, display, organization, category, email, lang, status,"
			  " search_key, updated) = (SELECT external_id, ticket_code, vk_code, given,"
			  " family, display, organization, category, email, lang, status,"
			  " search_key, updated FROM import_undo u WHERE u.batch = ?1"
			  " AND u.id = registration.id) WHERE id IN (SELECT id FROM import_undo"
			  " WHERE batch = ?1 AND inserted = 0)",
	[Q_IMP_DELETE_NEW] = "DELETE FROM registration WHERE id IN (SELECT id FROM import_undo"
			     " WHERE batch = ?1 AND inserted = 1)",
	[Q_IMP_PENDING] = "SELECT id FROM import_batch ORDER BY id LIMIT 1",
	/* what stays: event, number, category and status, so the turnout by category and by
	 * hour (from the log, which holds no personal data) is computed as before */
	[Q_PURGE_REG] = "UPDATE registration SET external_id = '', ticket_code = '', vk_code = '',"
			" given = '', family = '', display = '#' || number, organization = '',"
			" email = '', lang = '', search_key = '', updated = ?2 WHERE event_id = ?1"
			" AND (display <> '#' || number OR given <> '' OR family <> '' OR email <> ''"
			" OR organization <> '' OR ticket_code <> '' OR vk_code <> ''"
			" OR external_id <> '' OR search_key <> '')",
	[Q_PURGE_UNDO] = "DELETE FROM import_undo WHERE batch IN (SELECT id FROM import_batch"
			 " WHERE event_id = ?1)",
};

struct db {
	sqlite3 *h;
	char *path;
	int readonly;
	int import_fd;         /* the import lock held while this connection imports, or 0 */
	char kiosk[16];
	int64_t busy_since;    /* monotonic ms when the current wait for a lock began */
	sqlite3_stmt *st[Q_COUNT];
};

static int64_t now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void say(char *why, size_t n, const char *msg)
{
	if (why && n)
		snprintf(why, n, "%s", msg);
}

/* Converts an SQLite result code where it enters our code. */
static int db_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return VK_OK;
	case SQLITE_NOMEM: return VK_ERR_NOMEM;
	case SQLITE_NOTADB: return DB_ERR_FOREIGN;
	case SQLITE_CONSTRAINT: return VK_ERR_EXISTS;
	case SQLITE_CANTOPEN: return VK_ERR_IO;
	case SQLITE_BUSY: case SQLITE_LOCKED: return DB_ERR_BUSY;
	case SQLITE_FULL: return DB_ERR_FULL;
	case SQLITE_READONLY: case SQLITE_PERM: return DB_ERR_READONLY;
	case SQLITE_CORRUPT: return DB_ERR_CORRUPT;
	case SQLITE_IOERR: return DB_ERR_DISK;
	default: return DB_ERR_SQL;
	}
}

/* The statement this thread last prepared or took from its cache, so SQLite's error log can name it
 * (one pointer store per statement; read only when sql is traced). */
static _Thread_local const char *current_q;

/* The SQL text with every {NAME} of sql_consts replaced by its value; malloc'd (free()),
 * NULL when out of memory or when a brace names no constant (so it cannot be prepared). */
static char *sql_expand(const char *text)
{
	size_t cap = strlen(text) + 1, n = 0;
	char *out = malloc(cap); /* values are never longer than their names */
	const char *p = text;
	if (!out)
		return NULL;
	while (*p) {
		if (*p != '{') {
			out[n++] = *p++;
			continue;
		}
		const char *end = strchr(p, '}');
		size_t i, len = end ? (size_t)(end - p - 1) : 0;
		for (i = 0; end && i < sizeof sql_consts / sizeof sql_consts[0]; i++)
			if (strlen(sql_consts[i].name) == len && strncmp(p + 1, sql_consts[i].name, len) == 0)
				break;
		if (!end || i == sizeof sql_consts / sizeof sql_consts[0]) {
			vk_trace(VK_TRACE_SQL, "no constant for %.40s", p);
			free(out);
			return NULL;
		}
		n += (size_t)snprintf(out + n, cap - n, "%d", sql_consts[i].value);
		p = end + 1;
	}
	out[n] = '\0';
	return out;
}

/* Prepares text (expanded) on d; name is for traces. Returns an SQLite code. */
static int prepare(db *d, const char *name, const char *text, unsigned flags,
		   sqlite3_stmt **out)
{
	char *sql = sql_expand(text);
	int rc;
	*out = NULL;
	current_q = name;
	if (!sql)
		return SQLITE_ERROR;
	rc = sqlite3_prepare_v3(d->h, sql, -1, flags, out, NULL);
	if (rc != SQLITE_OK)
		vk_trace(VK_TRACE_SQL, "%s: cannot prepare: %s", name, sqlite3_errmsg(d->h));
	free(sql);
	return rc;
}

/* The cached statement for q, reset and ready to bind; NULL on a prepare failure (which
 * only a corrupted schema can cause). */
static sqlite3_stmt *stmt(db *d, enum q q)
{
	current_q = q_names[q];
	if (!d->st[q]) {
		if (prepare(d, q_names[q], sql_text[q], SQLITE_PREPARE_PERSISTENT, &d->st[q])
		    != SQLITE_OK)
			return NULL;
	} else {
		sqlite3_reset(d->st[q]);
		sqlite3_clear_bindings(d->st[q]);
	}
	return d->st[q];
}

static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}

static int64_t query_int(db *d, sqlite3_stmt *s, int64_t fallback)
{
	int64_t v = fallback;
	(void)d;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return v;
}

static void col_text(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
	if (n >= cap) {
		n = cap - 1;
		/* never cut inside a UTF-8 sequence */
		while (n > 0 && (t[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	sqlite3_bind_text(s, i, t ? t : "", -1, SQLITE_STATIC);
}

int db_exec(db *d, const char *sql)
{
	return db_err(sqlite3_exec(d->h, sql, NULL, NULL, NULL));
}

static int pragma_int(sqlite3 *h, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(h, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Brings the schema to DB_SCHEMA_VERSION, one migration per transaction. */
static int migrate(db *d, int create, char *why, size_t why_len)
{
	int64_t ver = 0, appid = 0, ntables = 0;
	char msg[512];
	int rc = pragma_int(d->h, "PRAGMA user_version", &ver);
	if (rc == SQLITE_OK)
		rc = pragma_int(d->h, "PRAGMA application_id", &appid);
	if (rc == SQLITE_OK)
		rc = pragma_int(d->h, "SELECT COUNT(*) FROM sqlite_master", &ntables);
	if (rc != SQLITE_OK) {
		int e = db_err(rc);
		snprintf(msg, sizeof msg, e == DB_ERR_FOREIGN ? "%s is not a vkhid database (%s)"
			 : "%s cannot be read (%s)", d->path, sqlite3_errmsg(d->h));
		say(why, why_len, msg);
		return e;
	}
	if (ver == 0 && ntables == 0 && !create) {
		/* an empty file (or an empty SQLite file): only "create" makes a database here */
		snprintf(msg, sizeof msg, "%s is empty, not a vkhid database", d->path);
		say(why, why_len, msg);
		return DB_ERR_EMPTY;
	}
	if (appid != APP_ID && (ntables > 0 || ver != 0)) {
		snprintf(msg, sizeof msg, "%s is an SQLite database of another program, not vkhid",
			 d->path);
		say(why, why_len, msg);
		return DB_ERR_FOREIGN;
	}
	if (ver > DB_SCHEMA_VERSION) {
		snprintf(msg, sizeof msg, "%s was written by a newer vkhid (schema %" PRId64
			 ", this one knows %d): update vkhid", d->path, ver, DB_SCHEMA_VERSION);
		say(why, why_len, msg);
		return DB_ERR_NEWER;
	}
	/* a read-only connection reads an older schema as it is (every schema has the tables
	 * the reading commands use) and never upgrades it */
	while (!d->readonly && ver < DB_SCHEMA_VERSION) {
		char *err = NULL;
		char pragma[128];
		rc = sqlite3_exec(d->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		/* Another process may have upgraded the file between our first look and our
		 * write lock: read the version again under the lock and skip what it did. */
		if (rc == SQLITE_OK)
			rc = pragma_int(d->h, "PRAGMA user_version", &ver);
		if (rc == SQLITE_OK && ver >= DB_SCHEMA_VERSION) {
			sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
			break;
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(d->h, migrations[ver], NULL, NULL, &err);
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %" PRId64 ";"
			 "PRAGMA application_id = %d", ver + 1, APP_ID);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(d->h, pragma, NULL, NULL, &err);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(d->h, "COMMIT", NULL, NULL, &err);
		if (rc != SQLITE_OK) {
			snprintf(msg, sizeof msg, "cannot upgrade %s to schema %" PRId64 ": %s",
				 d->path, ver + 1, err ? err : sqlite3_errmsg(d->h));
			if (rc == SQLITE_OK)
				rc = sqlite3_errcode(d->h);
			say(why, why_len, msg);
			sqlite3_free(err);
			sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
			return db_err(rc);
		}
		ver++;
	}
	/* read-only on an older schema: temporary views of what later schemas added, which
	 * the reading commands' statements name (a TEMP name comes before the file's own) */
	if (d->readonly && ver < 2 && sqlite3_exec(d->h,
	    "CREATE TEMP VIEW checkin AS SELECT *, 0 AS session_id FROM main.checkin;"
	    "CREATE TEMP TABLE session(id INTEGER PRIMARY KEY, event_id INTEGER, title TEXT,"
	    " room TEXT, starts TEXT, ends TEXT, capacity INTEGER, categories TEXT,"
	    " speakers TEXT, cancelled INTEGER);", NULL, NULL, NULL) != SQLITE_OK)
		return DB_ERR_SQL;
	if (d->readonly && ver >= 2 && ver < 5 && sqlite3_exec(d->h,
	    "CREATE TEMP VIEW session AS SELECT *, 0 AS capacity, '' AS categories,"
	    " '' AS speakers, 0 AS cancelled FROM main.session;", NULL, NULL, NULL) != SQLITE_OK)
		return DB_ERR_SQL;
	return VK_OK;
}

/* Process-wide SQLite set-up, once, before the library initialises: no memory
 * statistics (they take a global mutex on every allocation, and we never read them). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/* SQLite's error log: every failed statement, with its text, when sql is traced. */
static void sqlite_log(void *ctx, int code, const char *msg)
{
	(void)ctx;
	int kind = code & 0xff;
	vk_trace(VK_TRACE_SQL, "sqlite %s %d (last statement %s): %s",
		 kind == SQLITE_WARNING ? "warning" : kind == SQLITE_NOTICE ? "notice" : "error",
		 code, current_q ? current_q : "-", msg);
}

static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
}

#define DB_SLOW_NS (50 * 1000000LL) /* a statement slower than this is traced */

/* The profile hook (installed only when sql is traced): names slow statements. */
static int sqlite_profile(unsigned what, void *ctx, void *p, void *x)
{
	db *d = ctx;
	long long ns = *(const long long *)x;
	const char *name = "statement";
	if (what != SQLITE_TRACE_PROFILE || ns < DB_SLOW_NS)
		return 0;
	for (int i = 0; i < Q_COUNT; i++)
		if (d->st[i] == p)
			name = q_names[i];
	vk_trace(VK_TRACE_SQL, "slow %s: %lld ms: %.200s", name, ns / 1000000,
		 sqlite3_sql(p) ? sqlite3_sql(p) : "");
	return 0;
}

/* A "file:" URI for path with immutable=1: SQLite then reads the file as it is, with no
 * -wal or -shm beside it (a read-only folder cannot hold them). Only for read-only opens of
 * a file nobody can be writing (its folder is not writable). malloc'd, NULL on no memory. */
static char *immutable_uri(const char *path)
{
	size_t n = strlen(path);
	char *uri = malloc(3 * n + 32), *o = uri;
	if (!uri)
		return NULL;
	o += sprintf(o, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			o += sprintf(o, "%%%02X", (unsigned char)*p);
		else
			*o++ = *p;
	}
	sprintf(o, "?immutable=1");
	return uri;
}

/* 1 when the folder holding path can be written (SQLite needs it for -wal and -shm). */
static int folder_writable(const char *path)
{
	char *copy = strdup(path), *slash;
	int ok;
	if (!copy)
		return 0;
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	ok = access(slash ? copy : ".", W_OK) == 0;
	free(copy);
	return ok;
}

/* Waiting for another connection's write lock. SQLite's own busy timeout sleeps up to
 * 100 ms between tries, so a writer that takes the lock again a few milliseconds after
 * each commit (an import in chunks) could starve the door. This tries every millisecond
 * for the first 50 tries and every 5 ms after, so the door gets in at the first gap
 * between chunks, and gives up DB_BUSY_MS after the wait began by the clock, not by
 * counting sleeps: on a loaded machine a 5 ms sleep takes 10 or 20, and a wait counted
 * in sleeps kept an attendee at the door for a minute before staff saw the problem. */
#define DB_BUSY_MS 10000
static int busy_wait(void *ctx, int tries)
{
	db *d = ctx;
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (tries == 0)
		d->busy_since = now;
	if (now - d->busy_since >= DB_BUSY_MS)
		return 0;
	usleep(tries < 50 ? 1000 : 5000);
	return 1;
}

/* Opens the SQLite handle for d with oflags (uri when not NULL). SQLite code. */
static int open_handle(db *d, const char *name, int oflags)
{
	int rc = sqlite3_open_v2(name, &d->h, oflags, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_busy_handler(d->h, busy_wait, d);
	sqlite3_extended_result_codes(d->h, 0);
	return SQLITE_OK;
}

int db_open(const char *path, int flags, db **out, char *why, size_t why_len)
{
	char msg[512];
	int rc, oflags;
	const char *limit;
	db *d;

	*out = NULL;
	if (!path || !*path) {
		say(why, why_len, "no database path given");
		return VK_ERR_INVALID;
	}
	if (!(flags & DB_CREATE) && access(path, F_OK) != 0) {
		snprintf(msg, sizeof msg, "%s does not exist", path);
		say(why, why_len, msg);
		return VK_ERR_NOT_FOUND;
	}
	pthread_once(&sqlite_once, sqlite_setup);
	if (sodium_init() < 0) {
		say(why, why_len, "libsodium could not start");
		return VK_ERR_CRYPTO;
	}
	d = calloc(1, sizeof *d);
	if (!d || !(d->path = strdup(path))) {
		free(d);
		return VK_ERR_NOMEM;
	}
	d->readonly = (flags & DB_READONLY) != 0;
	oflags = SQLITE_OPEN_NOMUTEX | (d->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	if ((flags & DB_CREATE) && !d->readonly)
		oflags |= SQLITE_OPEN_CREATE;
	if (d->readonly && !folder_writable(path) && access(path, F_OK) == 0) {
		/* A copy in a read-only folder (a mounted backup, a folder of another user): no
		 * -shm can be made beside it, so read it as an immutable file. */
		char *uri = immutable_uri(path);
		if (!uri) {
			rc = VK_ERR_NOMEM;
			goto fail;
		}
		rc = open_handle(d, uri, oflags | SQLITE_OPEN_URI);
		free(uri);
	} else {
		rc = open_handle(d, path, oflags);
	}
	if (rc != SQLITE_OK) {
		snprintf(msg, sizeof msg, "cannot open %s: %s", path,
			 d->h ? sqlite3_errmsg(d->h) : "out of memory");
		say(why, why_len, msg);
		rc = db_err(rc);
		goto fail;
	}
	if (vk_trace_on(VK_TRACE_SQL)) {
		vk_trace_write(VK_TRACE_SQL, "open %s%s", path, d->readonly ? " (read-only)" : "");
		sqlite3_trace_v2(d->h, SQLITE_TRACE_PROFILE, sqlite_profile, d);
	}
	limit = getenv("VKHID_DB_MAX_PAGES");
	if (limit && *limit) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA max_page_count = %ld", strtol(limit, NULL, 10));
		sqlite3_exec(d->h, pragma, NULL, NULL, NULL);
	}
	rc = migrate(d, (flags & DB_CREATE) != 0, why, why_len);
	if (rc)
		goto fail;
	if (d->readonly) {
		*out = d;
		return VK_OK;
	}
	/* WAL + FULL: a commit that returned is on disk even if power fails right after. */
	/* secure_delete: a replaced value (a plain PIN hashed, purged names) is overwritten, not
	 * left in free space of the file. */
	if (sqlite3_exec(d->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(msg, sizeof msg, "cannot set up %s: %s", path, sqlite3_errmsg(d->h));
		say(why, why_len, msg);
		rc = db_err(rc);
		goto fail;
	}
	/* TEST HOOK, for tests/e2e/powercut.sh's control only: VKHID_TEST_SYNCHRONOUS=NORMAL|OFF
	 * lowers durability on purpose to show that the power-loss test catches lost check-ins.
	 * Never set it on a kiosk. */
	const char *test_sync = getenv("VKHID_TEST_SYNCHRONOUS");
	if (test_sync && (strcmp(test_sync, "NORMAL") == 0 || strcmp(test_sync, "OFF") == 0))
		sqlite3_exec(d->h, test_sync[0] == 'O' ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=NORMAL",
			     NULL, NULL, NULL);
	*out = d;
	return VK_OK;
fail:
	db_close(d);
	return rc;
}

int db_check(db *d, char *why, size_t why_len)
{
	sqlite3_stmt *s;
	char msg[512];
	int rc = sqlite3_prepare_v2(d->h, "PRAGMA quick_check", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(d->h));
		say(why, why_len, msg);
		return db_err(rc) == DB_ERR_SQL ? DB_ERR_CORRUPT : db_err(rc);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *res = (const char *)sqlite3_column_text(s, 0);
		int fine = res && strcmp(res, "ok") == 0;
		snprintf(msg, sizeof msg, "%s", res ? res : "no answer");
		say(why, why_len, msg);
		sqlite3_finalize(s);
		return fine ? VK_OK : DB_ERR_CORRUPT;
	}
	snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(d->h));
	say(why, why_len, msg);
	sqlite3_finalize(s);
	rc = db_err(rc);
	/* a page SQLite cannot even parse is damage too */
	return rc == DB_ERR_SQL || rc == DB_ERR_FOREIGN ? DB_ERR_CORRUPT : rc;
}

int db_readonly(const db *d)
{
	return d->readonly;
}

void db_close(db *d)
{
	if (!d)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(d->st[i]);
	db_import_done(d);
	sqlite3_close(d->h);
	free(d->path);
	free(d);
}

const char *db_path(const db *d)
{
	return d->path;
}

int db_begin(db *d)
{
	int rc = db_exec(d, "BEGIN IMMEDIATE");
	vk_trace(VK_TRACE_SQL, "begin write transaction: %s", rc ? vk_error_name(rc) : "ok");
	return rc;
}

int db_commit(db *d)
{
	int rc = db_exec(d, "COMMIT");
	vk_trace(VK_TRACE_SQL, "commit: %s", rc ? sqlite3_errmsg(d->h) : "ok");
	return rc;
}

void db_rollback(db *d)
{
	if (!sqlite3_get_autocommit(d->h)) {
		vk_trace(VK_TRACE_SQL, "rollback");
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
	}
}

/* ---- 3. settings, kiosk identity ---------------------------------------------------------- */
int db_setting_get(db *d, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *s = stmt(d, Q_SETTING_GET);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		col_text(s, 0, buf, len);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_setting_set(db *d, const char *key, const char *value)
{
	sqlite3_stmt *s = stmt(d, Q_SETTING_SET);
	if (!s)
		return DB_ERR_SQL;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	return step_done(s);
}

int64_t db_setting_int(db *d, const char *key, int64_t fallback)
{
	char buf[32], *end;
	long long v;
	if (db_setting_get(d, key, buf, sizeof buf) != VK_OK)
		return fallback;
	errno = 0;
	v = strtoll(buf, &end, 10);
	return (errno || end == buf) ? fallback : v;
}

const char *db_kiosk_id(db *d)
{
	if (d->kiosk[0])
		return d->kiosk;
	if (db_setting_get(d, "kiosk_id", d->kiosk, sizeof d->kiosk) != VK_OK || !d->kiosk[0]) {
		snprintf(d->kiosk, sizeof d->kiosk, "%08" PRIx32, randombytes_random());
		if (db_setting_set(d, "kiosk_id", d->kiosk) != VK_OK) {
			/* another connection may have won the race: take its id */
			db_setting_get(d, "kiosk_id", d->kiosk, sizeof d->kiosk);
		}
	}
	return d->kiosk;
}

/* ---- 4. events and keys ------------------------------------------------------------------- */
static void read_event(sqlite3_stmt *s, struct db_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, ev->name, sizeof ev->name);
	col_text(s, 2, ev->starts, sizeof ev->starts);
	col_text(s, 3, ev->ends, sizeof ev->ends);
	col_text(s, 4, ev->timezone, sizeof ev->timezone);
	ev->walkins = sqlite3_column_int(s, 5);
}

int db_event_create(db *d, struct db_event *ev)
{
	for (int tries = 0; tries < 8; tries++) {
		sqlite3_stmt *s = stmt(d, Q_EVENT_INS);
		int rc;
		if (!s)
			return DB_ERR_SQL;
		ev->id = (int64_t)(randombytes_uniform(0x7ffffffe) + 1);
		sqlite3_bind_int64(s, 1, ev->id);
		bind_text(s, 2, ev->name);
		bind_text(s, 3, ev->starts);
		bind_text(s, 4, ev->starts[0] && !ev->ends[0] ? ev->starts : ev->ends);
		bind_text(s, 5, ev->timezone[0] ? ev->timezone : "Europe/Kyiv");
		sqlite3_bind_int(s, 6, ev->walkins);
		rc = step_done(s);
		if (rc != VK_ERR_EXISTS) /* a random id collision: draw again */
			return rc;
	}
	return DB_ERR_SQL;
}

int db_event_update(db *d, const struct db_event *ev)
{
	sqlite3_stmt *s = stmt(d, Q_EVENT_UPD);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, ev->id);
	bind_text(s, 2, ev->name);
	bind_text(s, 3, ev->starts);
	bind_text(s, 4, ev->starts[0] && !ev->ends[0] ? ev->starts : ev->ends);
	bind_text(s, 5, ev->timezone[0] ? ev->timezone : "Europe/Kyiv");
	sqlite3_bind_int(s, 6, ev->walkins);
	rc = step_done(s);
	if (rc == VK_OK && sqlite3_changes(d->h) == 0)
		rc = VK_ERR_NOT_FOUND;
	return rc;
}

int db_event_get(db *d, int64_t id, struct db_event *ev)
{
	sqlite3_stmt *s = stmt(d, Q_EVENT_GET);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_event(s, ev);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_event_current(db *d, struct db_event *ev)
{
	int64_t id = db_setting_int(d, "event", 0);
	if (!id)
		return VK_ERR_NOT_FOUND;
	return db_event_get(d, id, ev);
}

int db_event_set_current(db *d, int64_t id)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, id);
	return db_setting_set(d, "event", buf);
}

int db_event_each(db *d, int (*fn)(void *ctx, const struct db_event *ev), void *ctx)
{
	sqlite3_stmt *s;
	struct db_event ev;
	int rc;
	/* a private statement: fn may call back into the database */
	if (prepare(d, q_names[Q_EVENT_ALL], sql_text[Q_EVENT_ALL], 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_event(s, &ev);
		int r = fn(ctx, &ev);
		if (r) {
			sqlite3_finalize(s);
			return r;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}

static void read_key(sqlite3_stmt *s, struct db_key *k)
{
	const void *pk = sqlite3_column_blob(s, 2);
	memset(k, 0, sizeof *k);
	k->event_id = sqlite3_column_int64(s, 0);
	k->key_id = sqlite3_column_int(s, 1);
	if (pk && sqlite3_column_bytes(s, 2) == 32)
		memcpy(k->pk, pk, 32);
	k->revoked = sqlite3_column_int(s, 3);
}

int db_key_add(db *d, struct db_key *key)
{
	sqlite3_stmt *s;
	int64_t next = query_int(d, stmt(d, Q_KEY_NEXT), -1);
	if (next < 1)
		return DB_ERR_SQL;
	if (next > 65535)
		return VK_ERR_NOMEM;
	s = stmt(d, Q_KEY_INS);
	if (!s)
		return DB_ERR_SQL;
	key->key_id = (int)next;
	sqlite3_bind_int(s, 1, key->key_id);
	sqlite3_bind_int64(s, 2, key->event_id);
	sqlite3_bind_blob(s, 3, key->pk, 32, SQLITE_STATIC);
	return step_done(s);
}

static int key_query(db *d, enum q q, int64_t arg, struct db_key *key)
{
	sqlite3_stmt *s = stmt(d, q);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, arg);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_key(s, key);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_key_get(db *d, int key_id, struct db_key *key)
{
	return key_query(d, Q_KEY_GET, key_id, key);
}

int db_key_latest(db *d, int64_t event_id, struct db_key *key)
{
	return key_query(d, Q_KEY_LATEST, event_id, key);
}

/* ---- 5. registrations, revocations -------------------------------------------------------- */
static void read_reg(sqlite3_stmt *s, struct db_registration *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->event_id = sqlite3_column_int64(s, 1);
	r->number = sqlite3_column_int64(s, 2);
	col_text(s, 3, r->external_id, sizeof r->external_id);
	col_text(s, 4, r->ticket_code, sizeof r->ticket_code);
	col_text(s, 5, r->vk_code, sizeof r->vk_code);
	col_text(s, 6, r->given, sizeof r->given);
	col_text(s, 7, r->family, sizeof r->family);
	col_text(s, 8, r->display, sizeof r->display);
	col_text(s, 9, r->organization, sizeof r->organization);
	col_text(s, 10, r->category, sizeof r->category);
	col_text(s, 11, r->email, sizeof r->email);
	col_text(s, 12, r->lang, sizeof r->lang);
	r->status = sqlite3_column_int(s, 13);
	col_text(s, 14, r->search_key, sizeof r->search_key);
	col_text(s, 15, r->updated, sizeof r->updated);
}

/* Runs a registration query whose parameters are already bound; one row or NOT_FOUND. */
static int reg_one(sqlite3_stmt *s, struct db_registration *out)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_reg(s, out);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_reg_find_for_import(db *d, int64_t event_id, const char *external_id,
			   const char *email, const char *ticket_code,
			   struct db_registration *out)
{
	sqlite3_stmt *s;
	if (external_id && *external_id) {
		if (!(s = stmt(d, Q_REG_BY_EXT)))
			return DB_ERR_SQL;
		sqlite3_bind_int64(s, 1, event_id);
		bind_text(s, 2, external_id);
		return reg_one(s, out);
	}
	if (email && *email) {
		if (!(s = stmt(d, Q_REG_BY_EMAIL)))
			return DB_ERR_SQL;
		sqlite3_bind_int64(s, 1, event_id);
		bind_text(s, 2, email);
		return reg_one(s, out);
	}
	if (ticket_code && *ticket_code) {
		if (!(s = stmt(d, Q_REG_BY_CODE_EV)))
			return DB_ERR_SQL;
		sqlite3_bind_int64(s, 1, event_id);
		bind_text(s, 2, ticket_code);
		return reg_one(s, out);
	}
	return VK_ERR_NOT_FOUND;
}

/* Binds the fields shared by insert and update, starting at parameter `first`. */
static void bind_reg_fields(sqlite3_stmt *s, int first, const struct db_registration *r,
			    const char *updated)
{
	bind_text(s, first + 0, r->external_id);
	bind_text(s, first + 1, r->ticket_code);
	bind_text(s, first + 2, r->vk_code);
	bind_text(s, first + 3, r->given);
	bind_text(s, first + 4, r->family);
	bind_text(s, first + 5, r->display);
	bind_text(s, first + 6, r->organization);
	bind_text(s, first + 7, r->category);
	bind_text(s, first + 8, r->email);
	bind_text(s, first + 9, r->lang);
	sqlite3_bind_int(s, first + 10, r->status);
	bind_text(s, first + 11, r->search_key);
	bind_text(s, first + 12, updated);
}

static void iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int db_reg_insert(db *d, struct db_registration *r)
{
	sqlite3_stmt *s;
	char upd[32];
	int rc;
	if (r->number <= 0) {
		if (!(s = stmt(d, Q_REG_NEXT_NUM)))
			return DB_ERR_SQL;
		sqlite3_bind_int64(s, 1, r->event_id);
		r->number = query_int(d, s, -1);
		if (r->number < 1)
			return DB_ERR_SQL;
	}
	if (!(s = stmt(d, Q_REG_INS)))
		return DB_ERR_SQL;
	if (!r->updated[0])
		iso_now(upd);
	else
		snprintf(upd, sizeof upd, "%s", r->updated);
	sqlite3_bind_int64(s, 1, r->event_id);
	sqlite3_bind_int64(s, 2, r->number);
	bind_reg_fields(s, 3, r, upd);
	rc = step_done(s);
	if (rc == VK_OK)
		r->id = sqlite3_last_insert_rowid(d->h);
	return rc;
}

int64_t db_reg_next_in(db *d, int64_t event_id, int64_t lo, int64_t hi)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(d->h, "SELECT COALESCE(MAX(number) + 1, ?2) FROM registration"
			       " WHERE event_id = ?1 AND number >= ?2 AND number < ?3", -1, &s,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v < hi ? v : -1;
}

int db_reg_update(db *d, const struct db_registration *r)
{
	sqlite3_stmt *s = stmt(d, Q_REG_UPD);
	char upd[32];
	if (!s)
		return DB_ERR_SQL;
	iso_now(upd);
	sqlite3_bind_int64(s, 1, r->id);
	bind_reg_fields(s, 2, r, r->updated[0] ? r->updated : upd);
	return step_done(s);
}

int db_reg_get(db *d, int64_t event_id, int64_t number, struct db_registration *out)
{
	sqlite3_stmt *s = stmt(d, Q_REG_GET);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	return reg_one(s, out);
}

int db_reg_by_id(db *d, int64_t id, struct db_registration *out)
{
	sqlite3_stmt *s = stmt(d, Q_REG_BY_ID);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, id);
	return reg_one(s, out);
}

int db_reg_by_code(db *d, const char *code, struct db_registration *out)
{
	sqlite3_stmt *s = stmt(d, Q_REG_BY_CODE);
	if (!s)
		return DB_ERR_SQL;
	bind_text(s, 1, code);
	return reg_one(s, out);
}

int db_reg_set_vk_code(db *d, int64_t id, const char *vk_code)
{
	sqlite3_stmt *s = stmt(d, Q_REG_SET_VK);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, vk_code);
	return step_done(s);
}

int db_reg_each(db *d, int64_t event_id,
		int (*fn)(void *ctx, const struct db_registration *r), void *ctx)
{
	sqlite3_stmt *s;
	struct db_registration *r = malloc(sizeof *r);
	int rc;
	if (!r)
		return VK_ERR_NOMEM;
	if (prepare(d, q_names[Q_REG_ALL], sql_text[Q_REG_ALL], 0, &s) != SQLITE_OK) {
		free(r);
		return DB_ERR_SQL;
	}
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_reg(s, r);
		int u = fn(ctx, r);
		if (u) {
			rc = u;
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? VK_OK : db_err(rc);
out:
	sqlite3_finalize(s);
	free(r);
	return rc;
}

int64_t db_reg_count(db *d, int64_t event_id, int only_active)
{
	sqlite3_stmt *s = stmt(d, only_active ? Q_REG_COUNT_ACTIVE : Q_REG_COUNT);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	return query_int(d, s, DB_ERR_SQL);
}

int db_ticket_issued(db *d, int64_t event_id, int64_t number, uint32_t nonce,
		     int64_t issued_ms)
{
	sqlite3_stmt *s = stmt(d, Q_TICKET_ISSUED);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, nonce);
	sqlite3_bind_int64(s, 4, issued_ms);
	rc = step_done(s);
	if (rc == VK_OK && sqlite3_changes(d->h) != 1)
		rc = VK_ERR_EXISTS; /* revoked before it was ever recorded as issued */
	return rc;
}

int db_revoke_issued_before(db *d, int64_t event_id, int64_t number, int64_t before_ms,
			    const char *reason)
{
	sqlite3_stmt *s = stmt(d, Q_REVOKE_BEFORE);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, before_ms);
	bind_text(s, 4, reason);
	return step_done(s);
}

int db_revoke(db *d, int64_t event_id, int64_t number, uint32_t nonce, const char *reason)
{
	sqlite3_stmt *s = stmt(d, Q_REVOKE);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, nonce);
	bind_text(s, 4, reason);
	sqlite3_bind_int64(s, 5, now_ms());
	return step_done(s);
}

int db_is_revoked(db *d, int64_t event_id, int64_t number, uint32_t nonce)
{
	sqlite3_stmt *s = stmt(d, Q_IS_REVOKED);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, nonce);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int(s, 0) != 0;
	else
		rc = db_err(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	sqlite3_reset(s);
	return rc;
}

/* ---- 6. the check-in log ------------------------------------------------------------------ */
static void read_ci(sqlite3_stmt *s, struct db_checkin *c)
{
	memset(c, 0, sizeof *c);
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
}

static void uuid_v4(char out[37])
{
	uint8_t b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}

int db_checkin_append(db *d, struct db_checkin *ci)
{
	sqlite3_stmt *s;
	if (!ci->uuid[0])
		uuid_v4(ci->uuid);
	if (!ci->kiosk[0])
		snprintf(ci->kiosk, sizeof ci->kiosk, "%s", db_kiosk_id(d));
	if (ci->seq <= 0) {
		if (!(s = stmt(d, Q_CI_NEXT_SEQ)))
			return DB_ERR_SQL;
		bind_text(s, 1, ci->kiosk);
		ci->seq = query_int(d, s, -1);
		if (ci->seq < 1)
			return DB_ERR_SQL;
	}
	if (!(s = stmt(d, Q_CI_INS)))
		return DB_ERR_SQL;
	bind_text(s, 1, ci->uuid);
	bind_text(s, 2, ci->kiosk);
	sqlite3_bind_int64(s, 3, ci->seq);
	sqlite3_bind_int64(s, 4, ci->event_id);
	sqlite3_bind_int64(s, 5, ci->number);
	sqlite3_bind_int64(s, 6, ci->session_id);
	sqlite3_bind_int(s, 7, ci->kind);
	sqlite3_bind_int(s, 8, ci->method);
	sqlite3_bind_int64(s, 9, ci->wall_ms);
	sqlite3_bind_int64(s, 10, ci->hlc);
	sqlite3_bind_int(s, 11, ci->clock_trusted);
	sqlite3_bind_int(s, 12, ci->synced);
	return step_done(s);
}

int db_checkin_admission(db *d, int64_t event_id, int64_t number, struct db_checkin *first)
{
	sqlite3_stmt *s = stmt(d, Q_CI_ADMISSION);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_ci(s, first);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_checkin_admission_in(db *d, int64_t event_id, int64_t number, int64_t session_id,
			    int64_t from_ms, int64_t to_ms, struct db_checkin *first)
{
	sqlite3_stmt *s = stmt(d, Q_CI_ADMISSION_IN);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, session_id);
	sqlite3_bind_int64(s, 4, from_ms);
	sqlite3_bind_int64(s, 5, to_ms);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_ci(s, first);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_checkin_days(db *d, int64_t event_id, int64_t number, int64_t session_id,
		    struct db_day *days, int max)
{
	sqlite3_stmt *s = stmt(d, Q_CI_DAYS);
	int rc, n = 0;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, session_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n < max) {
			col_text(s, 0, days[n].date, sizeof days[n].date);
			days[n].first_ms = sqlite3_column_int64(s, 1);
		}
		n++;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? n : db_err(rc);
}

int64_t db_checkin_count(db *d, int64_t event_id, int64_t number, int kind)
{
	sqlite3_stmt *s = stmt(d, Q_CI_COUNT);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int(s, 3, kind);
	return query_int(d, s, DB_ERR_SQL);
}

int db_checkin_each(db *d, int64_t event_id,
		    int (*fn)(void *ctx, const struct db_checkin *ci), void *ctx)
{
	sqlite3_stmt *s;
	struct db_checkin c;
	int rc;
	if (prepare(d, q_names[Q_CI_ALL], sql_text[Q_CI_ALL], 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_ci(s, &c);
		int u = fn(ctx, &c);
		if (u) {
			sqlite3_finalize(s);
			return u;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}

int64_t db_checkin_max_hlc(db *d)
{
	return query_int(d, stmt(d, Q_CI_MAX_HLC), 0);
}

/* ---- 6b. the programme: sessions ---------------------------------------------------------- */
static void read_session(sqlite3_stmt *s, struct db_session *x)
{
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(s, 0);
	x->event_id = sqlite3_column_int64(s, 1);
	col_text(s, 2, x->title, sizeof x->title);
	col_text(s, 3, x->room, sizeof x->room);
	col_text(s, 4, x->starts, sizeof x->starts);
	col_text(s, 5, x->ends, sizeof x->ends);
	x->capacity = sqlite3_column_int64(s, 6);
	col_text(s, 7, x->categories, sizeof x->categories);
	col_text(s, 8, x->speakers, sizeof x->speakers);
	x->cancelled = sqlite3_column_int(s, 9);
}

static void bind_session(sqlite3_stmt *s, const struct db_session *x)
{
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_int64(s, 2, x->event_id);
	bind_text(s, 3, x->title);
	bind_text(s, 4, x->room);
	bind_text(s, 5, x->starts);
	bind_text(s, 6, x->ends);
	sqlite3_bind_int64(s, 7, x->capacity);
	bind_text(s, 8, x->categories);
	bind_text(s, 9, x->speakers);
	sqlite3_bind_int(s, 10, x->cancelled);
}

int db_session_insert(db *d, struct db_session *x)
{
	sqlite3_stmt *s = stmt(d, Q_SES_INS);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	bind_session(s, x);
	rc = step_done(s);
	if (rc == VK_OK)
		x->id = sqlite3_last_insert_rowid(d->h);
	return rc;
}

int db_session_update(db *d, const struct db_session *x)
{
	sqlite3_stmt *s = stmt(d, Q_SES_UPD);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	bind_session(s, x);
	rc = step_done(s);
	if (rc == VK_OK && sqlite3_changes(d->h) == 0)
		rc = VK_ERR_NOT_FOUND;
	return rc;
}

int db_session_get(db *d, int64_t id, struct db_session *x)
{
	sqlite3_stmt *s = stmt(d, Q_SES_GET);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_session(s, x);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_session_each(db *d, int64_t event_id,
		    int (*fn)(void *ctx, const struct db_session *x), void *ctx)
{
	sqlite3_stmt *s;
	struct db_session x;
	int rc;
	if (prepare(d, q_names[Q_SES_ALL], sql_text[Q_SES_ALL], 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_session(s, &x);
		int u = fn(ctx, &x);
		if (u) {
			sqlite3_finalize(s);
			return u;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}

int64_t db_session_attendance(db *d, int64_t event_id, int64_t session_id)
{
	sqlite3_stmt *s = stmt(d, Q_SES_COUNT);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, session_id);
	return query_int(d, s, DB_ERR_SQL);
}

int64_t db_session_present(db *d, int64_t event_id, int64_t session_id, int64_t number)
{
	sqlite3_stmt *s = stmt(d, Q_SES_PRESENT);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, session_id);
	sqlite3_bind_int64(s, 3, number);
	return query_int(d, s, DB_ERR_SQL);
}

/* ---- 7. print jobs ------------------------------------------------------------------------ */
int db_job_add(db *d, struct db_print_job *job)
{
	sqlite3_stmt *s = stmt(d, Q_JOB_INS);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	if (!job->created_ms)
		job->created_ms = now_ms();
	sqlite3_bind_int64(s, 1, job->event_id);
	sqlite3_bind_int64(s, 2, job->number);
	bind_text(s, 3, job->template_name);
	sqlite3_bind_int64(s, 4, job->created_ms);
	rc = step_done(s);
	if (rc == VK_OK) {
		job->id = sqlite3_last_insert_rowid(d->h);
		job->state = DB_JOB_QUEUED;
	}
	return rc;
}

int db_job_next(db *d, struct db_print_job *job)
{
	sqlite3_stmt *s = stmt(d, Q_JOB_NEXT);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(job, 0, sizeof *job);
		job->id = sqlite3_column_int64(s, 0);
		job->event_id = sqlite3_column_int64(s, 1);
		job->number = sqlite3_column_int64(s, 2);
		col_text(s, 3, job->template_name, sizeof job->template_name);
		job->state = sqlite3_column_int(s, 4);
		job->attempts = sqlite3_column_int(s, 5);
		col_text(s, 6, job->last_error, sizeof job->last_error);
		job->created_ms = sqlite3_column_int64(s, 7);
		job->done_ms = sqlite3_column_int64(s, 8);
		rc = VK_OK;
	} else {
		rc = rc == SQLITE_DONE ? VK_ERR_NOT_FOUND : db_err(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int db_job_set_state(db *d, int64_t id, int state, const char *error)
{
	sqlite3_stmt *s = stmt(d, Q_JOB_SET);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, state);
	bind_text(s, 3, error);
	sqlite3_bind_int64(s, 4, now_ms());
	return step_done(s);
}

int db_job_claim(db *d, int64_t id, const char *note)
{
	sqlite3_stmt *s = stmt(d, Q_JOB_CLAIM);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, note);
	rc = step_done(s);
	if (rc == VK_OK && sqlite3_changes(d->h) != 1)
		rc = VK_ERR_EXISTS;
	return rc;
}

int64_t db_job_count(db *d, int state)
{
	sqlite3_stmt *s = stmt(d, Q_JOB_COUNT);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int(s, 1, state);
	return query_int(d, s, DB_ERR_SQL);
}

/* ---- 8. turnout --------------------------------------------------------------------------- */
/* The admitted set (ADMITTING_ROW): per registration, the first admitting row. */
#define ADMITTED_CTE \
	"WITH adm AS (SELECT c.number AS number, MIN(c.wall_ms) AS wall_ms FROM checkin c" \
	" WHERE c.event_id = ?1 AND c.session_id = 0 AND " ADMITTING_ROW("c") " GROUP BY c.number) "
/* Per registration and day, the entrance admissions that count. */
#define DAYS_CTE \
	"WITH att AS (SELECT DISTINCT c.number AS number, " LOCAL_DAY("c") " AS day" \
	" FROM checkin c WHERE c.event_id = ?1 AND c.session_id = 0 AND " ADMITTING_ROW("c") ") "

static int stats_rows(db *d, int64_t event_id, const char *name, const char *sql,
		      struct db_stats_row **rows, int *n)
{
	sqlite3_stmt *s;
	int rc, cap = 0;
	*rows = NULL;
	*n = 0;
	if (prepare(d, name, sql, 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 16;
			void *p;
			if (ncap > 100000) { /* a hard cap: categories and hours are few */
				rc = SQLITE_DONE;
				break;
			}
			p = realloc(*rows, (size_t)ncap * sizeof **rows);
			if (!p) {
				sqlite3_finalize(s);
				return VK_ERR_NOMEM;
			}
			*rows = p;
			cap = ncap;
		}
		struct db_stats_row *r = &(*rows)[(*n)++];
		col_text(s, 0, r->key, sizeof r->key);
		r->registered = sqlite3_column_int64(s, 1);
		r->admitted = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}

/* How many people came on every day of the event (its dates, or the days anyone came
 * when it has none). */
static int stats_days_all(db *d, int64_t event_id, struct db_stats *st)
{
	static const char sql[] = DAYS_CTE
		"SELECT COUNT(*) FROM (SELECT number FROM att GROUP BY number"
		" HAVING COUNT(*) >= MAX(?2, (SELECT COUNT(DISTINCT day) FROM att)))";
	sqlite3_stmt *s;
	int rc;
	int64_t days = 0;
	struct db_event ev;
	if (db_event_get(d, event_id, &ev) == VK_OK && ev.starts[0] && ev.ends[0] &&
	    strcmp(ev.ends, ev.starts) > 0)
		days = db_days_between(ev.starts, ev.ends) + 1;
	st->event_days = days > 0 ? days : st->n_day;
	if (prepare(d, "stats every day", sql, 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, days);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->every_day = sqlite3_column_int64(s, 0);
		rc = VK_OK;
	} else {
		rc = db_err(rc);
	}
	sqlite3_finalize(s);
	return rc;
}

int db_days_between(const char *from, const char *to)
{
	struct tm a = { 0 }, b = { 0 };
	if (sscanf(from, "%4d-%2d-%2d", &a.tm_year, &a.tm_mon, &a.tm_mday) != 3 ||
	    sscanf(to, "%4d-%2d-%2d", &b.tm_year, &b.tm_mon, &b.tm_mday) != 3)
		return -1;
	a.tm_year -= 1900;
	b.tm_year -= 1900;
	a.tm_mon--;
	b.tm_mon--;
	/* timegm: calendar days, whatever the time zone and its summer time */
	return (int)((timegm(&b) - timegm(&a)) / 86400);
}

int db_stats(db *d, int64_t event_id, struct db_stats *st)
{
	static const char totals[] = ADMITTED_CTE
		"SELECT (SELECT COUNT(*) FROM registration WHERE event_id = ?1"
		"   AND status = {REG_ACTIVE}),"
		" (SELECT COUNT(*) FROM registration WHERE event_id = ?1"
		"   AND status = {REG_CANCELLED}),"
		" (SELECT COUNT(*) FROM adm),"
		" (SELECT COUNT(*) FROM adm WHERE NOT EXISTS (SELECT 1 FROM registration r"
		"   WHERE r.event_id = ?1 AND r.number = adm.number)),"
		" (SELECT COUNT(*) FROM checkin WHERE event_id = ?1"
		"   AND kind IN ({CI_ENTRY}, {CI_WALKIN})),"
		" (SELECT COUNT(*) FROM checkin WHERE event_id = ?1 AND kind = {CI_REPRINT}),"
		" (SELECT COUNT(*) FROM checkin WHERE event_id = ?1 AND kind = {CI_UNDO})";
	static const char by_cat[] = ADMITTED_CTE
		"SELECT r.category, SUM(r.status = {REG_ACTIVE}), SUM(adm.number IS NOT NULL)"
		" FROM registration r LEFT JOIN adm ON adm.number = r.number"
		" WHERE r.event_id = ?1 GROUP BY r.category ORDER BY r.category";
	static const char by_hour[] = ADMITTED_CTE
		"SELECT strftime('%Y-%m-%d %H:00', wall_ms / 1000, 'unixepoch', 'localtime') AS h,"
		" 0, COUNT(*) FROM adm GROUP BY h ORDER BY h";
	/* key "YYYY-MM-DD", registered = 0, admitted = people who came that day */
	static const char by_day[] = DAYS_CTE
		"SELECT day, 0, COUNT(*) FROM att GROUP BY day ORDER BY day";
	/* key "ID", registered = capacity, admitted = people the session had */
	static const char by_session[] =
		"SELECT s.id, s.capacity, (SELECT COUNT(DISTINCT c.number) FROM checkin c"
		" WHERE c.event_id = ?1 AND c.session_id = s.id AND " ADMITTING_ROW("c") ")"
		" FROM session s WHERE s.event_id = ?1 ORDER BY s.starts, s.id";
	sqlite3_stmt *s;
	int rc;

	memset(st, 0, sizeof *st);
	if (prepare(d, "stats totals", totals, 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->registered = sqlite3_column_int64(s, 0);
		st->cancelled = sqlite3_column_int64(s, 1);
		st->admitted = sqlite3_column_int64(s, 2);
		st->admitted_unlisted = sqlite3_column_int64(s, 3);
		st->entries = sqlite3_column_int64(s, 4);
		st->reprints = sqlite3_column_int64(s, 5);
		st->undos = sqlite3_column_int64(s, 6);
		rc = VK_OK;
	} else {
		rc = db_err(rc);
	}
	sqlite3_finalize(s);
	if (rc == VK_OK)
		rc = stats_rows(d, event_id, "stats by category", by_cat, &st->category,
				&st->n_category);
	if (rc == VK_OK)
		rc = stats_rows(d, event_id, "stats by hour", by_hour, &st->hour, &st->n_hour);
	if (rc == VK_OK)
		rc = stats_rows(d, event_id, "stats by day", by_day, &st->day, &st->n_day);
	if (rc == VK_OK)
		rc = stats_days_all(d, event_id, st);
	if (rc == VK_OK)
		rc = stats_rows(d, event_id, "stats by session", by_session, &st->session,
				&st->n_session);
	if (rc)
		db_stats_free(st);
	return rc;
}

void db_stats_free(struct db_stats *st)
{
	free(st->category);
	free(st->hour);
	free(st->day);
	free(st->session);
	st->category = st->hour = st->day = st->session = NULL;
	st->n_category = st->n_hour = st->n_day = st->n_session = 0;
}

/* ---- 9. imports in short transactions ------------------------------------------------------ */
int db_import_begin(db *d, int64_t event_id, int64_t *batch)
{
	sqlite3_stmt *s = stmt(d, Q_IMP_BEGIN);
	int rc;
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, now_ms());
	rc = step_done(s);
	if (rc == VK_OK)
		*batch = sqlite3_last_insert_rowid(d->h);
	return rc;
}

int db_import_note(db *d, int64_t batch, int64_t reg_id, int inserted)
{
	sqlite3_stmt *s = stmt(d, inserted ? Q_IMP_NOTE_INS : Q_IMP_NOTE_UPD);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, batch);
	sqlite3_bind_int64(s, 2, reg_id);
	return step_done(s);
}

/* Runs q with the batch bound as ?1. */
static int batch_step(db *d, enum q q, int64_t batch)
{
	sqlite3_stmt *s = stmt(d, q);
	if (!s)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, batch);
	return step_done(s);
}

int db_import_finish(db *d, int64_t batch)
{
	int rc = batch_step(d, Q_IMP_DROP_UNDO, batch);
	return rc ? rc : batch_step(d, Q_IMP_DROP, batch);
}

int db_import_undo(db *d, int64_t batch)
{
	int rc = db_begin(d);
	if (rc)
		return rc;
	/* check-ins of the undone rows stay in the log (it is append-only): they count as
	 * admitted tickets whose registration is not here, as for an unsynced kiosk */
	rc = batch_step(d, Q_IMP_RESTORE, batch);
	if (rc == VK_OK)
		rc = batch_step(d, Q_IMP_DELETE_NEW, batch);
	if (rc == VK_OK)
		rc = db_import_finish(d, batch);
	if (rc == VK_OK)
		rc = db_commit(d);
	if (rc)
		db_rollback(d);
	return rc;
}

/* The lock file that tells a running import from a dead one: every import holds a shared
 * flock on it while it runs; whoever gets it exclusively knows no import is running. */
static int import_lock(db *d, int how)
{
	char path[1100];
	int fd;
	snprintf(path, sizeof path, "%s-import.lock", d->path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, how | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An in-memory database (tests, fuzzing) has no file beside it and no other process. */
static int in_memory(const db *d)
{
	return !d->path[0] || strcmp(d->path, ":memory:") == 0;
}

int db_import_running(db *d)
{
	int fd;
	if (in_memory(d))
		return VK_OK;
	fd = import_lock(d, LOCK_SH);
	if (fd >= 0)
		d->import_fd = fd;
	return fd >= 0 ? VK_OK : VK_ERR_IO;
}

void db_import_done(db *d)
{
	if (d->import_fd > 0)
		close(d->import_fd);
	d->import_fd = 0;
}

int db_import_recover(db *d, int *undone)
{
	int fd, rc = VK_OK;
	*undone = 0;
	if (d->readonly || in_memory(d))
		return VK_OK;
	/* nothing half-imported (the usual case): no lock, and no lock file made beside a
	 * database that was never imported into */
	if (!query_int(d, stmt(d, Q_IMP_PENDING), 0))
		return VK_OK;
	fd = import_lock(d, LOCK_EX);
	if (fd < 0)
		return VK_OK; /* an import is running (or the folder is read-only): leave it */
	for (;;) {
		int64_t batch = query_int(d, stmt(d, Q_IMP_PENDING), 0);
		if (!batch)
			break;
		rc = db_import_undo(d, batch);
		if (rc)
			break;
		(*undone)++;
	}
	close(fd);
	return rc;
}

/* ---- 10. purge ----------------------------------------------------------------------------- */
int db_purge_event(db *d, int64_t event_id, int64_t *rows)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;
	*rows = 0;
	/* freed pages are overwritten with zeroes, not left for a file carver */
	sqlite3_exec(d->h, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
	rc = db_begin(d);
	if (rc)
		return rc;
	s = stmt(d, Q_PURGE_REG);
	if (!s) {
		db_rollback(d);
		return DB_ERR_SQL;
	}
	iso_now(now);
	sqlite3_bind_int64(s, 1, event_id);
	bind_text(s, 2, now);
	rc = step_done(s);
	if (rc == VK_OK)
		*rows = sqlite3_changes(d->h);
	/* an undo journal of that event's imports would keep the old names */
	if (rc == VK_OK)
		rc = batch_step(d, Q_PURGE_UNDO, event_id);
	if (rc == VK_OK)
		rc = db_commit(d);
	if (rc)
		db_rollback(d);
	return rc;
}

int db_compact(db *d)
{
	/* VACUUM rewrites the file from the live rows only; the checkpoint then empties the
	 * write-ahead log, which still held the old pages */
	int rc = sqlite3_exec(d->h, "VACUUM", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(d->h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	return db_err(rc);
}

int db_copy_to(db *d, const char *path)
{
	/* VACUUM INTO writes a consistent snapshot from a read transaction: it works on a
	 * read-only connection and beside a kiosk that keeps checking people in */
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(d->h, "VACUUM INTO ?1", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_err(rc);
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}

/* ---- 11. the connection itself, for the sync replica and the hub ---------------------------
 * app/sync and app/hub keep their own tables (with their own schema versions in `setting`)
 * in the same file and run their SQL on this connection, so a hub database stays a normal
 * vkhid database. */
struct sqlite3 *db_sqlite(db *d)
{
	return d->h;
}

/* ---- 12. what certificates read -------------------------------------------------------------
 * The programme's sessions with their cancelled flag (app/cert counts attendance against
 * them). A statement of its own, prepared per call: certificates are made once after an
 * event, not per scan. */
int db_cert_session_each(db *d, int64_t event_id,
			 int (*fn)(void *ctx, const struct db_cert_session *s), void *ctx)
{
	static const char sql[] = "SELECT id, event_id, title, room, starts, ends, cancelled"
				  " FROM session WHERE event_id = ?1 ORDER BY starts, id";
	sqlite3_stmt *s;
	struct db_cert_session row;
	int rc;
	if (prepare(d, "cert sessions", sql, 0, &s) != SQLITE_OK)
		return DB_ERR_SQL;
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		row.id = sqlite3_column_int64(s, 0);
		row.event_id = sqlite3_column_int64(s, 1);
		col_text(s, 2, row.title, sizeof row.title);
		col_text(s, 3, row.room, sizeof row.room);
		col_text(s, 4, row.starts, sizeof row.starts);
		col_text(s, 5, row.ends, sizeof row.ends);
		row.cancelled = sqlite3_column_int(s, 6) != 0;
		int u = fn(ctx, &row);
		if (u) {
			sqlite3_finalize(s);
			return u;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VK_OK : db_err(rc);
}
