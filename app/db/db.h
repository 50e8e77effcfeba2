/* SPDX-License-Identifier: MIT */
/* The kiosk's SQLite database: the only module that speaks SQL.
 *
 * One file per kiosk, WAL mode, synchronous=FULL (an acknowledged check-in survives a
 * power cut), foreign keys on, schema versioned by PRAGMA user_version with forward
 * migrations. Each thread opens its own connection with db_open().
 *
 * Identities that cross kiosks: an event has a random 31-bit id chosen at creation; a
 * registration is (event id, number), the number assigned in import order and printed in
 * signed tickets. Check-ins refer to (event, number), not to a local row, so a kiosk can
 * record a signed ticket whose registration has not reached it yet.
 *
 * Every function returns VK_OK (0), a negative enum vk_err of core/err.h (not found,
 * exists, out of memory...) or one of this layer's own codes below, unless it says
 * otherwise. SQLite's codes are converted here and never leave this module. */
#ifndef VK_DB_H
#define VK_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct db db;

#define DB_SCHEMA_VERSION 5

/* The database layer's own codes, in its range -100 .. -199 (see core/err.h). */
enum db_err {
	DB_ERR_SQL = -100,     /* SQLite failed (disk full, locked, corrupt) */
	DB_ERR_FOREIGN = -101, /* the file is not a vkhid database */
	DB_ERR_NEWER = -102,   /* the database comes from a newer vkhid */
	DB_ERR_BUSY = -103,    /* another process held the database too long (retry) */
	DB_ERR_FULL = -104,    /* the disk (or the database's size limit) is full */
	DB_ERR_READONLY = -105,/* the file or its folder cannot be written */
	DB_ERR_CORRUPT = -106, /* the file is damaged (failed its integrity check) */
	DB_ERR_DISK = -107,    /* the operating system reported an input/output error */
	DB_ERR_EMPTY = -108,   /* the file is empty: not a database (yet) */
};
/* The names these codes had when they were part of the core's enum. */
#define VK_ERR_DB DB_ERR_SQL
#define VK_ERR_DB_FOREIGN DB_ERR_FOREIGN
#define VK_ERR_DB_NEWER DB_ERR_NEWER

enum db_open_flags {
	DB_CREATE = 1,   /* create the file when it does not exist */
	DB_READONLY = 2, /* open for reading only (stats, export, find): never writes,
			  * never migrates; works on a read-only file in a read-only folder */
};

/* Opens (and, with DB_CREATE, creates) the database at path, migrating an older schema.
 * Only DB_CREATE turns an empty file into a database; without it an empty file is
 * DB_ERR_EMPTY and stays empty. On failure returns VK_ERR_DB_FOREIGN (not SQLite, or SQLite
 * but not ours), VK_ERR_DB_NEWER, VK_ERR_NOT_FOUND (no file and no DB_CREATE),
 * DB_ERR_EMPTY, DB_ERR_READONLY, DB_ERR_FULL, DB_ERR_CORRUPT, DB_ERR_DISK, DB_ERR_BUSY or
 * VK_ERR_DB, and writes a one-line English reason into why (may be NULL). The handle must
 * be freed with db_close(). The environment variable VKHID_DB_MAX_PAGES (tests only)
 * limits the file's size in pages, to see what a full disk does. */
int db_open(const char *path, int flags, db **out, char *why, size_t why_len);
void db_close(db *d);
/* The file's integrity (PRAGMA quick_check): VK_OK, DB_ERR_CORRUPT (damaged: why holds
 * SQLite's first finding) or another error. Reads every page: run it at kiosk start, in
 * `vkhid doctor` and before a command writes, not per check-in. */
int db_check(db *d, char *why, size_t why_len);
/* 1 when the database was opened read-only. */
int db_readonly(const db *d);
const char *db_path(const db *d);

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. db_rollback ignores errors. */
int db_begin(db *d);
int db_commit(db *d);
void db_rollback(db *d);

/* Settings: small key/value pairs (current event, kiosk id, kiosk sequence...).
 * db_setting_get returns VK_ERR_NOT_FOUND when the key is absent; the value is truncated
 * to fit buf (always NUL-terminated). */
int db_setting_get(db *d, const char *key, char *buf, size_t len);
int db_setting_set(db *d, const char *key, const char *value);
int64_t db_setting_int(db *d, const char *key, int64_t fallback);

/* This kiosk's identity: a random id made on first open (8 hex digits), stable after. */
const char *db_kiosk_id(db *d);

/* ---- events --------------------------------------------------------------------------- */
struct db_event {
	int64_t id;            /* random, 1 .. 2^31-1 */
	char name[256];
	char starts[11];       /* YYYY-MM-DD or "" */
	char ends[11];
	char timezone[64];     /* IANA name, "Europe/Kyiv" by default */
	int walkins;           /* walk-in registration allowed */
};

/* Creates an event with a fresh random id written back into ev->id. */
int db_event_create(db *d, struct db_event *ev);
int db_event_get(db *d, int64_t id, struct db_event *ev);
/* Rewrites the event ev->id's name, dates, time zone and walk-in flag; VK_ERR_NOT_FOUND
 * when there is no such event. */
int db_event_update(db *d, const struct db_event *ev);
/* The current event (setting "event"); VK_ERR_NOT_FOUND when none was created. */
int db_event_current(db *d, struct db_event *ev);
int db_event_set_current(db *d, int64_t id);
/* Calls fn for every event, oldest first; stops early and returns fn's value if nonzero. */
int db_event_each(db *d, int (*fn)(void *ctx, const struct db_event *ev), void *ctx);

/* ---- signing keys (public halves only; secret keys live in files) --------------------- */
struct db_key {
	int64_t event_id;
	int key_id;            /* 1 .. 65535, unique within the database */
	uint8_t pk[32];        /* Ed25519 public key */
	int revoked;
};
/* Adds a public key; key->key_id is chosen (next free) and written back. */
int db_key_add(db *d, struct db_key *key);
/* Finds a key by id across all events; VK_ERR_NOT_FOUND when unknown. */
int db_key_get(db *d, int key_id, struct db_key *key);
/* The newest usable key of an event; VK_ERR_NOT_FOUND when it has none. */
int db_key_latest(db *d, int64_t event_id, struct db_key *key);

/* ---- registrations -------------------------------------------------------------------- */
enum db_reg_status { DB_REG_ACTIVE = 0, DB_REG_CANCELLED = 1 };

struct db_registration {
	int64_t id;            /* local row id */
	int64_t event_id;
	int64_t number;        /* per event, from 1; 0 = assign on insert */
	char external_id[128]; /* id in the imported list (pretix position, Eventbrite attendee) */
	char ticket_code[256]; /* foreign code (pretix secret, Eventbrite barcode) or "" */
	char vk_code[192];     /* signed vkhid ticket issued for it, or "" */
	char given[128];
	char family[128];
	char display[256];     /* what the badge and screen show */
	char organization[256];
	char category[64];
	char email[256];
	char lang[8];          /* "uk", "en" or "" */
	int status;            /* enum db_reg_status */
	char search_key[512];  /* folded text for name search */
	char updated[32];      /* ISO time of the last change */
};

/* Finds the registration an imported row refers to: by external id when it has one, else
 * by email (case-insensitive), else by foreign ticket code. Returns VK_OK and fills out,
 * VK_ERR_NOT_FOUND, or an error. */
int db_reg_find_for_import(db *d, int64_t event_id, const char *external_id,
			   const char *email, const char *ticket_code,
			   struct db_registration *out);
/* Walk-ins registered at an enrolled kiosk take numbers from the kiosk's own block of
 * DB_WALKIN_BLOCK numbers, [base, base + DB_WALKIN_BLOCK), base given by the hub (setting
 * "walkin.base.KIOSK", a multiple of DB_WALKIN_BLOCK); other numbers stay below the first. */
#define DB_WALKIN_BLOCK 1000000
/* The next free number in [lo, hi) of the event (lo when none is taken), -1 when full. */
int64_t db_reg_next_in(db *d, int64_t event_id, int64_t lo, int64_t hi);
/* Inserts r (number 0 = next free below DB_WALKIN_BLOCK); r->id and r->number are written
 * back. */
int db_reg_insert(db *d, struct db_registration *r);
/* Rewrites every field of the row r->id (number and event stay). */
int db_reg_update(db *d, const struct db_registration *r);
int db_reg_get(db *d, int64_t event_id, int64_t number, struct db_registration *out);
int db_reg_by_id(db *d, int64_t id, struct db_registration *out);
/* Exact lookup of a foreign ticket code in any event (the caller compares the event). */
int db_reg_by_code(db *d, const char *code, struct db_registration *out);
int db_reg_set_vk_code(db *d, int64_t id, const char *vk_code);
/* Calls fn for every registration of the event in number order; stops early on nonzero. */
int db_reg_each(db *d, int64_t event_id,
		int (*fn)(void *ctx, const struct db_registration *r), void *ctx);
int64_t db_reg_count(db *d, int64_t event_id, int only_active);

/* ---- tickets issued, revocations ---------------------------------------------------- */
/* A signed ticket carries no issue time (see core/ticket.h), only a nonce that tells one
 * person's tickets apart. So the database records when it issued each ticket, and a
 * revocation is one of two explicit things:
 *   - db_revoke: exactly the ticket (event, number, nonce), forever;
 *   - db_revoke_issued_before: every ticket of the registration issued before a moment T
 *     (a lost phone: "all tickets so far"); a ticket issued at or after T is admitted.
 *     A ticket this database has no issue record of counts as issued before T (it cannot
 *     prove otherwise), so only tickets issued here after T pass.
 * Nonce 0 is an ordinary value here (ticket_sign never makes it; a ticket from before
 * that rule with nonce 0 can still be revoked exactly). */

/* Records that the ticket (event, number, nonce) was issued at issued_ms (ms since the
 * epoch). VK_ERR_EXISTS when that nonce was already issued for this registration: draw
 * another (a reused nonce would bring a revoked ticket back). */
int db_ticket_issued(db *d, int64_t event_id, int64_t number, uint32_t nonce,
		     int64_t issued_ms);
/* Revokes exactly one ticket. Revoking it twice is not an error. */
int db_revoke(db *d, int64_t event_id, int64_t number, uint32_t nonce, const char *reason);
/* Revokes every ticket of (event, number) issued before before_ms (ms since the epoch;
 * pass the current time for "all issued so far"). A later call with a later moment
 * widens the revocation; an earlier one never narrows it. */
int db_revoke_issued_before(db *d, int64_t event_id, int64_t number, int64_t before_ms,
			    const char *reason);
/* 1 when the ticket (event, number, nonce) is revoked by either kind, 0 when not,
 * negative on error. */
int db_is_revoked(db *d, int64_t event_id, int64_t number, uint32_t nonce);

/* ---- the check-in event log (append-only) --------------------------------------------- */
/* DB_CI_EXIT: a scan on the way out of a session's room (its door in exit mode): it frees
 * a seat, and the minutes a person stayed count towards a certificate (app/cert). */
enum db_ci_kind { DB_CI_ENTRY = 0, DB_CI_REPRINT = 1, DB_CI_UNDO = 2, DB_CI_WALKIN = 3,
		  DB_CI_EXIT = 4 };
enum db_ci_method { DB_CI_QR = 0, DB_CI_SEARCH = 1, DB_CI_MANUAL = 2 };

struct db_checkin {
	char uuid[37];
	char kiosk[16];
	int64_t seq;           /* per kiosk, from 1 */
	int64_t event_id;
	int64_t number;        /* registration number */
	int64_t session_id;    /* 0 = the event itself */
	int kind;              /* enum db_ci_kind */
	int method;            /* enum db_ci_method */
	int64_t wall_ms;       /* wall clock, ms since the Unix epoch */
	int64_t hlc;           /* hybrid logical clock: ms << 16 | counter */
	int clock_trusted;
	int synced;
};

/* Appends an event; ci->uuid, ci->kiosk, ci->seq are filled in when empty/zero. The caller
 * runs it inside db_begin/db_commit together with whatever goes with it (a print job). */
int db_checkin_append(db *d, struct db_checkin *ci);
/* The registration's first admission at the event's entrance (session 0) that counts:
 * the first entry or walk-in after the last undo (in an event of several days, an undo
 * takes back its own day's admission only). Returns VK_OK and fills first,
 * VK_ERR_NOT_FOUND when never admitted, or an error. This and db_stats() share one SQL
 * definition of "admitted" (db.c, ADMITTING_ROW). */
int db_checkin_admission(db *d, int64_t event_id, int64_t number, struct db_checkin *first);
/* The registration's admission to session_id (0: the entrance) among the log rows with
 * wall time in [from_ms, to_ms): the first entry or walk-in after the last undo of the
 * same session in that span. The check-in rules ask it for today (an event of several
 * days admits once a day) or for all time (INT64_MIN, INT64_MAX). VK_OK and first
 * filled, VK_ERR_NOT_FOUND, or an error. */
int db_checkin_admission_in(db *d, int64_t event_id, int64_t number, int64_t session_id,
			    int64_t from_ms, int64_t to_ms, struct db_checkin *first);
/* A day someone was admitted: the local date and the first admission's wall time. */
struct db_day {
	char date[11];         /* YYYY-MM-DD in the event's time zone (the process's TZ) */
	int64_t first_ms;
};
/* The days on which (event, number) was admitted to session_id (0: the entrance) and
 * not undone, oldest first: up to max of them into days. Returns how many days there
 * are (may exceed max), or a negative error. */
int db_checkin_days(db *d, int64_t event_id, int64_t number, int64_t session_id,
		    struct db_day *days, int max);
/* Whole calendar days from one YYYY-MM-DD to another (to - from), -1 when unreadable. */
int db_days_between(const char *from, const char *to);
/* How many log entries of kind (enum db_ci_kind) the registration has; negative on
 * error. The reprint limit counts DB_CI_REPRINT inside its write transaction. */
int64_t db_checkin_count(db *d, int64_t event_id, int64_t number, int kind);
/* Calls fn for every log entry of the event in (hlc, kiosk, seq) order. */
int db_checkin_each(db *d, int64_t event_id,
		    int (*fn)(void *ctx, const struct db_checkin *ci), void *ctx);
/* The highest hybrid-clock value in the log (0 when empty), to restart the clock. */
int64_t db_checkin_max_hlc(db *d);

/* ---- the programme: sessions --------------------------------------------------------- */
struct db_session {
	int64_t id;            /* local row id, from 1 */
	int64_t event_id;
	char title[256];
	char room[128];
	char starts[17];       /* "YYYY-MM-DD HH:MM" in the event's time zone */
	char ends[17];
	int64_t capacity;      /* seats; 0 = no limit */
	char categories[256];  /* who it is for: categories separated by commas, "" = all */
	char speakers[512];
	int cancelled;         /* kept (its attendance stays), no longer admits */
};
/* Inserts x (x->id written back). */
int db_session_insert(db *d, struct db_session *x);
/* Rewrites every field of session x->id of event x->event_id; VK_ERR_NOT_FOUND when none. */
int db_session_update(db *d, const struct db_session *x);
int db_session_get(db *d, int64_t id, struct db_session *x);
/* Calls fn for every session of the event, by start time; stops early on nonzero. */
int db_session_each(db *d, int64_t event_id,
		    int (*fn)(void *ctx, const struct db_session *x), void *ctx);
/* How many people the session has had (admitted to it, not undone), negative on error. */
int64_t db_session_attendance(db *d, int64_t event_id, int64_t session_id);
/* Who is in the session's room now: admitted to it, and no exit (DB_CI_EXIT) after their
 * latest entry. number 0: how many people; else 1 when that person is in, 0 when not.
 * Negative on error. */
int64_t db_session_present(db *d, int64_t event_id, int64_t session_id, int64_t number);

/* ---- print jobs (the persistent queue) ------------------------------------------------ */
enum db_job_state { DB_JOB_QUEUED = 0, DB_JOB_PRINTING = 1, DB_JOB_DONE = 2, DB_JOB_FAILED = 3 };

struct db_print_job {
	int64_t id;
	int64_t event_id;
	int64_t number;
	char template_name[64];
	int state;
	int attempts;
	char last_error[256];
	int64_t created_ms;
	int64_t done_ms;
};
int db_job_add(db *d, struct db_print_job *job);
/* The oldest job that is queued or was left "printing" by a crash; VK_ERR_NOT_FOUND when
 * the queue is empty. */
int db_job_next(db *d, struct db_print_job *job);
int db_job_set_state(db *d, int64_t id, int state, const char *error);
/* Takes a queued job for printing (QUEUED -> PRINTING, note recorded) only if it is still
 * queued: VK_OK, or VK_ERR_EXISTS when another worker took it first. */
int db_job_claim(db *d, int64_t id, const char *note);
int64_t db_job_count(db *d, int state);

/* ---- turnout -------------------------------------------------------------------------- */
struct db_stats_row { char key[256]; int64_t registered; int64_t admitted; };
struct db_stats {
	int64_t registered;    /* active registrations */
	int64_t cancelled;
	int64_t admitted;      /* registrations currently admitted (entries minus undos) */
	int64_t admitted_unlisted; /* signed tickets admitted whose registration is not here */
	int64_t entries;       /* log rows of kind entry/walk-in */
	int64_t reprints;
	int64_t undos;
	int n_category;
	struct db_stats_row *category; /* by category, malloc'd */
	int n_hour;
	struct db_stats_row *hour;     /* key "YYYY-MM-DD HH" local time, admitted per hour */
	int n_day;
	struct db_stats_row *day;      /* key "YYYY-MM-DD": people admitted that day */
	int64_t event_days;            /* the event's days (its dates; else days with anyone) */
	int64_t every_day;             /* people admitted on each of those days */
	int n_session;
	struct db_stats_row *session;  /* key: the session id; registered: its capacity (0 =
					* no limit); admitted: the people it had */
};
/* Fills st; free with db_stats_free(). */
int db_stats(db *d, int64_t event_id, struct db_stats *st);
void db_stats_free(struct db_stats *st);

/* ---- imports in short transactions ---------------------------------------------------- */
/* An import writes in chunks of a few hundred rows, one short transaction each, so the
 * door's check-ins get in between; it stays all-or-nothing as a whole:
 *   db_import_running  before the first chunk: holds the import lock (shared) so nobody
 *                      takes this import for a dead one; released by db_import_done or
 *                      db_close;
 *   db_import_begin    in the first chunk: a new batch;
 *   db_import_note     before updating (inserted 0) or after inserting (1) a registration:
 *                      remembers what the row was;
 *   db_import_finish   in the last chunk's transaction: the import stands, its notes go;
 *   db_import_undo     after a failure: every row of the batch back as it was (one
 *                      transaction);
 *   db_import_recover  when a writing command starts: undoes the batches of imports that
 *                      died (no process holds the import lock); *undone counts them.
 * Meanwhile the rows already applied are visible (a kiosk can find and admit them); an
 * import that is undone removes them again, and their check-ins stay in the log. */
int db_import_running(db *d);
void db_import_done(db *d);
int db_import_begin(db *d, int64_t event_id, int64_t *batch);
int db_import_note(db *d, int64_t batch, int64_t reg_id, int inserted);
int db_import_finish(db *d, int64_t batch);
int db_import_undo(db *d, int64_t batch);
int db_import_recover(db *d, int *undone);

/* ---- purge ---------------------------------------------------------------------------- */
/* Removes the personal data of every registration of the event (names, e-mails,
 * organizations, ids, ticket codes, search keys; the display becomes "#NUMBER") and keeps
 * event, number, category and status, so the turnout stays the same; the check-in log
 * holds no personal data and is not touched. *rows counts the registrations changed. */
int db_purge_event(db *d, int64_t event_id, int64_t *rows);
/* Rewrites the file from its live rows (VACUUM) and empties the write-ahead log, so no
 * removed value is left in a free page. Needs free space about the file's size. */
int db_compact(db *d);
/* Writes a consistent copy of the whole database to a new file at path (which must not
 * exist), from a read-only connection too, while others keep writing. For rehearsals on
 * a scratch copy of the event. Returns VK_OK or an error. */
int db_copy_to(db *d, const char *path);

/* ---- what certificates read (app/cert) --------------------------------------------------- */
struct db_cert_session {
	int64_t id;
	int64_t event_id;
	char title[256];
	char room[128];
	char starts[20];       /* "YYYY-MM-DD HH:MM" in the event's time zone, or "" */
	char ends[20];
	int cancelled;         /* cancelled sessions count for nobody */
};
/* Calls fn for every session of the event (cancelled ones too), by start time; stops
 * early and returns fn's value if nonzero. */
int db_cert_session_each(db *d, int64_t event_id,
			 int (*fn)(void *ctx, const struct db_cert_session *s), void *ctx);

/* Raw escape hatch for tests and benchmarks: runs SQL text with no result rows. */
int db_exec(db *d, const char *sql);

/* ---- the raw connection (app/sync, app/hub) ---------------------------------------------- */
struct sqlite3;
/* The SQLite connection behind d, for the sync replica and the hub's own tables (which they
 * create and version themselves). Borrowed: closed by db_close(). */
struct sqlite3 *db_sqlite(db *d);

#endif
