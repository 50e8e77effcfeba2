/* SPDX-License-Identifier: MIT */
/* Where the hub keeps its truth: a named storage backend behind one table of functions,
 * like the printer and camera drivers. "sqlite" (store_sqlite.c) keeps everything in a
 * normal vkhid database plus the hub's own tables, so `vkhid --db hub.db event/import/...`
 * keep working on it. "postgres" (store_pg.c, libpq) keeps the kiosks, admissions, the
 * check-in log and the change feed in PostgreSQL, for many entrances or venues on one
 * server; the organizers' roster is still made with the usual commands in the hub's vkhid
 * database, and the postgres backend publishes its changes to PostgreSQL.
 *
 * The hub's HTTP layer (hub.c) calls these with one request at a time per store (it holds
 * a lock), so a backend need not be thread-safe, except auth and redeem of a backend that
 * says it is (ops.concurrent); admissions are serialised by a unique key in the store all
 * the same, so two hubs on one PostgreSQL stay correct.
 *
 * Every function returns VK_OK or a negative vk_err; HUB_ERR_* below add the hub's own
 * refusals. */
#ifndef VK_HUB_STORE_H
#define VK_HUB_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/wire.h"

struct db;

enum hub_err {
	HUB_ERR_TOKEN = -100,    /* unknown, revoked or expired token or enrollment code */
	HUB_ERR_CLASH = -101,    /* a kiosk id or name already belongs to another kiosk */
	HUB_ERR_FORBIDDEN = -102,/* a kiosk sent events in another kiosk's name */
};

struct hub_store;

struct hub_kiosk {
	char id[16];             /* the kiosk database's own id */
	char name[64];           /* the organizer's name for it ("Entrance A") */
	int64_t enrolled_ms;
	int64_t revoked_ms;      /* 0 while active */
	int64_t last_seen_ms;
};

/* A kiosk's latest health, as it sent it with a push (sync_health), and when. */
struct hub_kiosk_health {
	char kiosk[16];          /* the kiosk's id */
	char name[64];           /* its name at the hub ("" when the kiosk is unknown) */
	int64_t at_ms;           /* hub time when the health arrived */
	char printer[32];        /* printer state word ("ready", "paper_out"...), "" unknown */
	int64_t queue;           /* badges waiting to print */
	char camera[32];         /* "ok", "none", "gone", "ended", "" unknown */
	int clock_trusted;       /* the kiosk's clock was trusted */
	int64_t pending;         /* events waiting to go up from it */
	int64_t last_seen_ms;    /* the kiosk's last call of any kind (hub_kiosk) */
	int64_t revoked_ms;      /* 0 while active */
};

enum hub_decision { HUB_ADMITTED = 0, HUB_ALREADY_ADMITTED = 1 };

struct hub_redeem {
	int decision;            /* enum hub_decision */
	struct sync_event first; /* the admission that counts (already_admitted), or the
				    candidate itself (admitted) */
};

struct hub_store_ops {
	const char *name;
	/* 1: auth and redeem are thread-safe, and the hub calls them without its lock (so
	 * admissions at many doors are decided at once); 0: every call under the lock. */
	int concurrent;
	/* Opens the store, creating the hub's tables when missing: db_path is the hub's vkhid
	 * database (sqlite: the store itself; postgres: the roster it publishes), url the
	 * server's connection string (postgres; NULL for sqlite). why gets a one-line reason
	 * on failure. */
	int (*open)(const char *db_path, const char *url, struct hub_store **out, char *why,
		    size_t why_len);
	void (*close)(struct hub_store *s);

	/* A one-time enrollment code for a kiosk to be called name, valid until expires_ms;
	 * code (cap >= 65) receives it. HUB_ERR_CLASH when an active kiosk has that name. */
	int (*enroll_code)(struct hub_store *s, const char *name, int64_t now_ms,
			   int64_t expires_ms, char *code, size_t cap);
	/* Spends a code for kiosk id: token (cap >= 65) receives the kiosk's own token, name
	 * the kiosk's name. HUB_ERR_TOKEN when the code is unknown, used or expired;
	 * HUB_ERR_CLASH when another active kiosk has this id. */
	int (*enroll)(struct hub_store *s, const char *code, const char *kiosk_id, int64_t now_ms,
		      char *token, size_t cap, char *name, size_t name_cap);
	/* The kiosk a bearer token belongs to; HUB_ERR_TOKEN when unknown or revoked. */
	int (*auth)(struct hub_store *s, const char *token, int64_t now_ms, struct hub_kiosk *k);
	/* Calls fn for every kiosk, in enrollment order. */
	int (*kiosks)(struct hub_store *s, int (*fn)(void *ctx, const struct hub_kiosk *k),
		      void *ctx);
	/* Revokes the kiosk with this name or id: its token is refused from now on.
	 * VK_ERR_NOT_FOUND when there is none. */
	int (*revoke)(struct hub_store *s, const char *name, int64_t now_ms);

	/* Merges a batch from kiosk_id (all events and notes must be its own, else
	 * HUB_ERR_FORBIDDEN and nothing is stored): one transaction, idempotent by uuid.
	 * *added counts the new ones, *clashes events refused for a (kiosk, seq) taken. */
	int (*push)(struct hub_store *s, const char *kiosk_id, const struct sync_event *ev,
		    size_t n, const struct sync_note *notes, size_t nn, size_t *added,
		    size_t *clashes);
	/* Decides an admission for the candidate event (not stored: it comes with the next
	 * push). One admission per ticket and episode (between undos), by a unique key; a
	 * repeated request for the same uuid gets the same answer. */
	int (*redeem)(struct hub_store *s, const struct sync_event *candidate,
		      struct hub_redeem *out);
	/* Up to limit changes after cursor since, as a wire message (caller json_decref's):
	 * {"cursor","more","event":[..],"keys":[..],"registrations":[..],"revocations":[..],
	 *  "settings":[..],"events":[..],"notes":[..],"confirmed":[..]}. */
	int (*changes)(struct hub_store *s, int64_t since, int limit, json_t **out);
	/* Counts for the health answer. */
	int (*health)(struct hub_store *s, int64_t *events, int64_t *kiosks);

	/* ---- what the organizers' dashboard (web.c) reads and writes ---- */
	/* The hub's own vkhid database: events, registrations, settings. Owned by the store
	 * (never closed by the caller); use it under the same lock as the store. */
	struct db *(*roster)(struct hub_store *s);
	/* The whole merged log: every check-in event (hub-decided ones with mode hub) and every
	 * note, in no particular order. *ev and *notes are malloc'ed; the caller frees them. */
	int (*log)(struct hub_store *s, struct sync_event **ev, size_t *n,
		   struct sync_note **notes, size_t *nn);
	/* Records an organizer's note on incident (the uuid of the extra admission) in the
	 * hub's own name, so it travels to every kiosk like a kiosk's note. VK_ERR_INVALID for
	 * an id that is not a uuid or a text over SYNC_MAX_NOTE bytes. */
	int (*note)(struct hub_store *s, const char *incident, const char *text, int64_t now_ms);
	/* The hub's secrets (the organizers' password hash): never sent to kiosks. get copies
	 * the value into buf (cap bytes) or returns VK_ERR_NOT_FOUND. */
	int (*secret_get)(struct hub_store *s, const char *key, char *buf, size_t cap);
	int (*secret_set)(struct hub_store *s, const char *key, const char *value);

	/* Keeps h (its kiosk, at_ms and the state words; name, last_seen_ms and revoked_ms are
	 * ignored) as the kiosk's latest health, replacing the one before. */
	int (*kiosk_health_put)(struct hub_store *s, const struct hub_kiosk_health *h);
	/* Calls fn for every enrolled kiosk in enrollment order, with its latest health (the
	 * state fields empty and at_ms 0 when it never sent one); fn returning nonzero stops
	 * the walk and is returned. */
	int (*kiosk_health_list)(struct hub_store *s,
				 int (*fn)(void *ctx, const struct hub_kiosk_health *h), void *ctx);
	/* Records pubhex (64 hex digits) as kiosk_id's key for USB-stick bundles and publishes
	 * it to every replica as the setting "bundle.key.KIOSK" (sync/bundle.h). */
	int (*kiosk_key_put)(struct hub_store *s, const char *kiosk_id, const char *pubhex);
	/* Stores walk-ins registered at kiosk_id (inserted or replaced by number; they reach
	 * every kiosk with the roster). Every number must be in the kiosk's own block (setting
	 * "walkin.base.KIOSK", DB_WALKIN_BLOCK numbers), else HUB_ERR_FORBIDDEN and nothing is
	 * stored. */
	int (*walkins_put)(struct hub_store *s, const char *kiosk_id,
			   const struct db_registration *r, size_t n);
};

/* The secret (never sent to kiosks) where a hub database remembers the PostgreSQL server
 * it last served with ("" or absent: its own sqlite storage). */
#define HUB_PG_URL_KEY "hub.pg_url"

/* Opens the storage of the hub whose vkhid database is db_path: PostgreSQL at pg_url when
 * given, else the server the hub last served with (HUB_PG_URL_KEY), else sqlite. So the
 * hub's other commands (enroll-token, kiosks, sync export/import) reach the same truth as
 * the running hub without repeating --pg. Returns as ops->open does. */
int hub_store_open_auto(const char *db_path, const char *pg_url, struct hub_store **out,
			char *why, size_t why_len);

/* The backends, NULL-terminated; hub_store_find(NULL) is the default ("sqlite"). */
extern const struct hub_store_ops *const hub_store_backends[];
const struct hub_store_ops *hub_store_find(const char *name);

extern const struct hub_store_ops hub_store_sqlite;
extern const struct hub_store_ops hub_store_postgres;

/* The generic part every backend's store begins with. */
struct hub_store {
	const struct hub_store_ops *ops; /* always the first member */
};

/* Gives kiosk_id a block of walk-in numbers unless it has one: the setting
 * "walkin.base.KIOSK" (travels to the kiosk with the roster) = the next free block of
 * DB_WALKIN_BLOCK numbers. sqlite is a store of the sqlite backend (the postgres backend
 * passes its roster). Inside the caller's transaction, if any. */
int hub_sqlite_walkin_block(struct hub_store *sqlite, const char *kiosk_id);

/* An event of several days admits a ticket once a day (core/checkin.h), so the
 * admission episodes of a ticket (the unique key that serialises admissions) are counted
 * per day: the episode of an admission on day D with U undos before it that day is
 * D * HUB_DAY_EPISODES + U; in a one-day event it is U. */
#define HUB_DAY_EPISODES 100000
/* D for an admission at wall_ms of event_id in roster (the hub's vkhid database): 0 for
 * an event of one day; else a positive day number, with the day's bounds in local time
 * (the hub runs in the event's time zone) in [*from_ms, *to_ms). Bounds untouched for 0. */
int64_t hub_episode_day(struct db *roster, int64_t event_id, int64_t wall_ms, int64_t *from_ms,
			int64_t *to_ms);

/* sha256 of text as 64 lower-case hex digits (tokens are stored only hashed). */
void hub_hash_hex(const char *text, char out[65]);
/* 32 random bytes as 64 hex digits. */
void hub_random_hex(char out[65]);

#endif
