/* SPDX-License-Identifier: MIT */
/* The check-in rules: what happens when a code is presented at the door.
 *
 * A code is either a signed vkhid ticket ("VK1:...", verified with the event's public
 * key) or a foreign code (pretix secret, Eventbrite barcode) looked up in the roster
 * exactly. Each presentation ends in exactly one outcome; an admission appends an entry to
 * the check-in log and queues the badge in the same transaction, so a check-in shown as
 * done is on disk together with its print job. Core logic only: no SDL, no devices. */
#ifndef VK_CORE_CHECKIN_H
#define VK_CORE_CHECKIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "db/db.h"

#define CHECKIN_MAX_CODE 2000 /* longer payloads are malformed without a database look-up */

enum checkin_outcome {
	CI_ADMITTED = 0,
	CI_ALREADY_ADMITTED,
	CI_CANCELLED,
	CI_REVOKED,
	CI_WRONG_EVENT,
	CI_NOT_VALID_NOW,
	CI_FORGED,
	CI_UNKNOWN,
	CI_MALFORMED,
	/* days: an event of several days admits each ticket once a day */
	CI_WELCOME_BACK,        /* admitted today, having come on an earlier day (no new
				 * badge unless the event prints daily badges) */
	/* sessions: a desk set to a session (a room's door) */
	CI_SESSION_ADMITTED,    /* attendance of the session recorded (or already was) */
	CI_ROOM_FULL,           /* the session's capacity is reached */
	CI_NOT_FOR_CATEGORY,    /* the session is for other categories of ticket */
	CI_SESSION_NOT_STARTED, /* earlier than its start less the grace */
	CI_SESSION_OVER,        /* later than its end plus the grace */
	CI_SESSION_CANCELLED,   /* the session was cancelled */
	CI_NOT_CHECKED_IN,      /* not checked in at the entrance today (and the event sends
				 * such people to the entrance) */
	CI_SESSION_EXIT,        /* a room's door in exit mode: leaving recorded (when they
				 * were in) */
	CI_OUTCOME_COUNT
};

/* 1 for the outcomes that let the person in (admitted, welcome back, session admitted):
 * the greeting screen, the green light. */
int checkin_outcome_admits(int o);

/* The outcome's word as the CLI and logs print it ("admitted", "already_admitted"...). */
const char *checkin_outcome_word(enum checkin_outcome o);
/* Parses a word; -1 when unknown. */
int checkin_outcome_parse(const char *word);
/* What the attendee (first line) and staff (second line) are told, in the current language. */
const char *checkin_outcome_title(enum checkin_outcome o);
const char *checkin_outcome_advice(enum checkin_outcome o);
/* The same in language lang (i18n.h) for any int, so a test can walk every outcome in every
 * language: "?" / "" when o is out of range. Static strings. */
const char *checkin_outcome_title_in(int lang, int o);
const char *checkin_outcome_advice_in(int lang, int o);
/* A few words for staff: "ticket revoked". */
const char *checkin_outcome_short_in(int lang, int o);

/* A kiosk's check-in desk: its database connection, current event and clock. */
struct checkin_desk {
	db *d;
	struct db_event event;
	struct vk_clock clock;
	char template_name[64]; /* badge layout queued with each admission */
	int queue_badges;       /* 1 = queue a print job with each admission */
	int64_t session_id;     /* 0: the event's entrance; else the session whose room door
				 * this desk is (checkin_desk_set_session) */
	int exit_mode;          /* with a session: the door people leave by (DB_CI_EXIT) */
};

/* Settings of the event's days and sessions (the setting table, so they travel to every
 * kiosk with the roster):
 *   event.daily_badges  1 = print a badge every day (default 0: the first day's badge
 *                       is kept, and day two only greets)
 *   session.grace_min   minutes a room's door admits before the session starts and
 *                       after it ends (default 10)
 *   session.entrance    what a room's door does with someone not checked in at the
 *                       entrance today: "admit" (default: records both the entrance and
 *                       the session) or "send" (CI_NOT_CHECKED_IN: go to the entrance) */
#define CHECKIN_SETTING_DAILY_BADGES "event.daily_badges"
#define CHECKIN_SETTING_SESSION_GRACE "session.grace_min"
#define CHECKIN_SETTING_SESSION_ENTRANCE "session.entrance"
#define CHECKIN_SESSION_GRACE_DEFAULT 10

/* Sets the desk to a session's door (id 0: back to the entrance). Returns VK_OK,
 * VK_ERR_NOT_FOUND when the event has no such session. A cancelled session may be set
 * (its door then says so). */
int checkin_desk_set_session(struct checkin_desk *desk, int64_t session_id);

/* How many days the event spans by its dates (1 when it has none or one). */
int checkin_event_days(const struct db_event *ev);

/* The admission that counts now at the entrance: today's in an event of several days,
 * the current one otherwise. VK_OK and first filled, VK_ERR_NOT_FOUND, or an error. */
int checkin_admitted_now(struct checkin_desk *desk, int64_t event_id, int64_t number,
			 struct db_checkin *first);

/* Prepares a desk for the database's current event. Returns VK_OK, VK_ERR_NOT_FOUND when
 * the database has no current event, or an error. The desk borrows d. */
int checkin_desk_init(struct checkin_desk *desk, db *d);

/* The reprint limit. Every reprint is a DB_CI_REPRINT entry in the log, counted inside
 * the write transaction that would add one more, against two settings:
 *   badge.reprints_free  reprints an attendee may get by themselves (default 0)
 *   badge.reprints_max   reprints allowed at all, even by the organizer (-1 = no limit)
 * Who asks decides which limit applies: */
#define CHECKIN_SETTING_REPRINTS_FREE "badge.reprints_free"
#define CHECKIN_SETTING_REPRINTS_MAX "badge.reprints_max"

enum checkin_actor {
	CHECKIN_ORGANIZER = 0, /* behind the PIN, the command line: up to reprints_max */
	CHECKIN_ATTENDEE = 1,  /* self-service at the kiosk: up to reprints_free as well */
};

struct checkin_reprints {
	int64_t done;          /* reprints recorded so far */
	int64_t free_allowed;  /* badge.reprints_free in force */
	int64_t max_allowed;   /* badge.reprints_max in force, -1 = no limit */
};

/* Whether one more reprint of (event, number) may be made by who, without recording
 * anything (for screens that offer the button). Returns VK_OK (allowed),
 * VK_ERR_REPRINT_LIMIT (reprints_max reached), VK_ERR_REPRINT_NEEDS_ORGANIZER (an
 * attendee past reprints_free) or a database error; out is filled unless a database
 * error. checkin_reprint*() apply the same rule inside their transaction. */
int checkin_reprint_rule(db *d, int64_t event_id, int64_t number, enum checkin_actor who,
			 struct checkin_reprints *out);

struct checkin_result {
	enum checkin_outcome outcome;
	int signed_ticket;            /* 1 = a VK1 ticket, 0 = a foreign code */
	int64_t event_id;             /* the ticket's event (0 when unknown) */
	int64_t number;               /* the registration number (0 when unknown) */
	int have_reg;                 /* reg is filled in (the roster knows this person) */
	struct db_registration reg;
	struct db_checkin entry;      /* the entry appended (admitted) */
	struct db_checkin first;      /* the first admission (already_admitted) */
	int64_t job_id;               /* the badge queued (admitted), 0 when none */
	char other_event[256];        /* the other event's name (wrong_event), "" if unknown */
	int valid_from_day, valid_days; /* the ticket's window (not_valid_now) */
	struct checkin_reprints reprints; /* reprint: the count and limits weighed */
	int64_t session_id;           /* the session's door that decided, 0 = entrance */
	int64_t session_count;        /* people in the session's room now (after this one) */
	int64_t session_capacity;     /* its seats, 0 = no limit */
	int entrance_recorded;        /* a room's door recorded the entrance too */
	int badge;                    /* 1 = a badge was queued with this admission */
};

/* Decides, for an entrance admission about to be recorded, whether it is the first day
 * (CI_ADMITTED, badge) or a later day (CI_WELCOME_BACK, res->first = the first day's
 * admission; a badge only when event.daily_badges is set, then CI_ADMITTED). Sets
 * res->outcome and res->badge; the caller records. Returns VK_OK or an error. */
int checkin_day_rule(struct checkin_desk *desk, struct checkin_result *res);

/* A line for staff about a session's door ("room 40 of 40"), in the current language,
 * into buf; "" when res is not about a session. */
void checkin_session_line(const struct checkin_result *res, char *buf, size_t len);

/* Presents len bytes (anything a camera or keyboard may give) with method enum
 * db_ci_method. Returns VK_OK with res filled in for every outcome, refusals included,
 * or a negative error when the database failed (nothing was recorded then). */
int checkin_present(struct checkin_desk *desk, const char *code, size_t len, int method,
		    struct checkin_result *res);

/* Finds out which registration a code stands for, and whether it would be refused,
 * without recording anything: res->outcome CI_ADMITTED means "a valid code of an active
 * registration" (the log is not consulted). For staff screens and commands. */
int checkin_resolve(struct checkin_desk *desk, const char *code, size_t len,
		    struct checkin_result *res);
/* The same for a registration number in the desk's event (a person found by name). */
int checkin_resolve_number(struct checkin_desk *desk, int64_t number,
			   struct checkin_result *res);

/* Staff actions on a code, recorded as events, never as edits:
 * undo an admission (VK_ERR_NOT_FOUND when not admitted), or reprint a badge (queues a job,
 * VK_ERR_NOT_FOUND when not admitted). res->outcome tells how the code itself resolved.
 * A reprint is weighed against the reprint limit in the same write transaction that
 * records it (so no caller can skip it and two kiosks cannot both take the last one):
 * VK_ERR_REPRINT_LIMIT or VK_ERR_REPRINT_NEEDS_ORGANIZER then, nothing recorded, with
 * res->reprints telling the count and the limits. checkin_reprint() asks as the
 * organizer; checkin_reprint_as() says who asks. */
int checkin_undo(struct checkin_desk *desk, const char *code, size_t len,
		 struct checkin_result *res);
int checkin_reprint(struct checkin_desk *desk, const char *code, size_t len,
		    struct checkin_result *res);
int checkin_reprint_as(struct checkin_desk *desk, const char *code, size_t len,
		       enum checkin_actor who, struct checkin_result *res);

/* The same by registration number in the desk's event, for a person found by name who
 * has no code at hand ("Find me", staff screens). Outcomes: admitted, already_admitted,
 * cancelled, or unknown (no such number). */
int checkin_number(struct checkin_desk *desk, int64_t number, int method,
		   struct checkin_result *res);
int checkin_undo_number(struct checkin_desk *desk, int64_t number, struct checkin_result *res);
int checkin_reprint_number(struct checkin_desk *desk, int64_t number, struct checkin_result *res);
int checkin_reprint_number_as(struct checkin_desk *desk, int64_t number, enum checkin_actor who,
			      struct checkin_result *res);

/* Registers a walk-in and admits them in one transaction: reg (event and number are
 * assigned here, written back) is inserted, a walk-in entry is appended and the badge
 * queued. VK_ERR_INVALID when reg has no name or the event does not allow walk-ins. */
int checkin_walkin(struct checkin_desk *desk, struct db_registration *reg,
		   struct checkin_result *res);

#endif
