/* SPDX-License-Identifier: MIT */
/* The door: the one kiosk loop every mode runs (DESIGN §2). No SDL.
 *
 * A door owns a database connection and check-in desk, a camera, a print queue and the
 * kiosk's log (OUT/log.jsonl). It takes camera frames (pixels, or a code a barcode scanner
 * already decoded) and codes typed on a keyboard; scans, de-duplicates, asks its decider
 * who decides the admission (decide.h: today the local database), records, queues the
 * badge, writes one log line and reports what happened through one callback. It also
 * carries out the screens' requests (Find me, walk-in, reprint, undo, turnout, clock,
 * settings), reported and logged the same way.
 *
 * Who drives it:
 *   - the threaded kiosk (ui/app.c): its door thread calls door_step() in a loop and
 *     door_request() for the UI's requests; the print queue runs its own worker thread;
 *   - the headless scenario runner (ui/scenario.c) and `vkhid run --headless`: the caller's
 *     thread calls door_step() with a virtual clock; badges print in the same thread,
 *     at once, so a run gives the same outcomes on every machine;
 *   - the benchmarks.
 * The door's functions belong to the thread that drives it (its database connection is
 * that thread's); door_open and door_close may run in another thread before and after,
 * and door_printer_status in any thread. */
#ifndef VK_DOOR_DOOR_H
#define VK_DOOR_DOOR_H

#include <stddef.h>
#include <stdint.h>

#include "badge/printq.h"
#include "core/checkin.h"
#include "core/pin.h"
#include "core/search.h"
#include "printer/printer.h"
#include "ui/screen.h"

struct camera;
struct cam_frame;

struct door_config {
	const char *database;        /* the kiosk's database file */
	const char *camera_spec;   /* "files:" by default */
	const char *printer_spec;  /* "file:OUT/badges" by default (OUT/badges when out_dir) */
	const char *out_dir;       /* log.jsonl goes here (created, mode 0600); NULL = no log */
	const char *decider;       /* who decides admissions (decide.h): "local", "hub[:MS]";
				    * NULL: "hub" when the database is enrolled, else "local" */
	const char *light_spec;    /* status light and buzzer (firmware/gpio: "gpiod:...",
				    * "sim", "none"); NULL or "" = none */
	int headless;              /* 1: virtual clock moved by door_step, badges printed in the
				    * caller's thread, a camera that fails to open is an error;
				    * 0: the threaded kiosk: wall clock, printer worker thread,
				    * a missing camera is looked for again every few seconds */
	int frame_ms;              /* frame interval, 33 by default */
	int64_t session_id;        /* 0: the event's entrance; else the door of this session's
				    * room (core/checkin.h): a scan records its attendance */
	int session_exit;          /* with session_id: the door people leave by (a scan
				    * records leaving) */
};

/* Where a presentation came from; its word is logged as "source". */
enum door_source {
	DOOR_SRC_CAMERA,    /* a QR code read in a camera frame */
	DOOR_SRC_SCANNER,   /* a code a barcode scanner decoded (hid:) */
	DOOR_SRC_KEYBOARD,  /* a code typed (keyboard-wedge scanner, UI_REQ_PRESENT) */
	DOOR_SRC_SEARCH,    /* a person picked by name in Find me */
	DOOR_SRC_WALKIN,    /* a walk-in registered at the kiosk */
	DOOR_SRC_ORGANIZER, /* a staff action from the organizer screen */
	DOOR_SRC_STAFF,     /* a staff action on a code (scenario `undo`/`reprint`) */
	DOOR_SRC_COUNT
};
const char *door_source_word(enum door_source s);

/* What went wrong at the door without stopping it (the door keeps serving). */
enum door_problem {
	DOOR_PROBLEM_DATABASE, /* a presentation or request could not be recorded */
	DOOR_PROBLEM_CAMERA,   /* the camera failed or is missing; it is looked for again */
	DOOR_PROBLEM_MEMORY,   /* out of memory for one presentation */
	DOOR_PROBLEM_PRINTER,  /* the printer cannot be used: badges wait in the queue */
	DOOR_PROBLEM_COUNT
};
/* The problem's word for the log ("database"...), never NULL. */
const char *door_problem_word(enum door_problem p);
/* What staff are told, in the user's language (gettext), never NULL. */
const char *door_problem_text(enum door_problem p);
/* The same in language lang (core/i18n.h), for tests walking every problem. */
const char *door_problem_text_in(int lang, int p);

/* What the camera is doing (reported when it changes). */
enum door_camera_state { DOOR_CAMERA_OK, DOOR_CAMERA_NONE, DOOR_CAMERA_GONE, DOOR_CAMERA_ENDED };

enum door_note_kind {
	DOOR_OUTCOME,       /* a presentation's outcome: result, source, code, mode, ms */
	DOOR_STAFF,         /* undo or reprint: staff_undo, rc, result (when rc is VK_OK) */
	DOOR_PRINTED,       /* a badge was printed: number, file ("" for real printers), ms */
	DOOR_PRINT_ASSUMED, /* a job interrupted after its print command: taken as printed */
	DOOR_PRINT_HELD,    /* a badge waits: printer_state says why */
	DOOR_PRINT_FAILED,  /* a badge that can never print was set aside */
	DOOR_PROBLEM,       /* problem, rc */
	DOOR_CAMERA,        /* camera_state changed */
	DOOR_FRAME,         /* a camera picture (for the screens' preview): frame */
	DOOR_HUB_CODE,      /* a hub's enrollment code was shown (sync/client.h): code,
			     * code_len, source; it is no ticket: not decided, not logged. The
			     * organizer screen's "Connect to hub" takes it (ui_sm_hub_code) */
};

struct door_note {
	enum door_note_kind kind;
	enum door_source source;
	const struct checkin_result *result;  /* DOOR_OUTCOME, DOOR_STAFF (rc VK_OK) */
	const char *code;                     /* the code presented, NULL when none */
	size_t code_len;
	const char *mode;                     /* who decided: "local", "hub", "offline" */
	double ms;                            /* decoded -> outcome, or render + send */
	double t_decoded;                     /* clock_mono_ms() when the code was decoded */
	int64_t wall_ms;                      /* the door's clock at the note */
	int64_t number;                       /* printing notes, DOOR_STAFF */
	const char *file;                     /* DOOR_PRINTED */
	enum printer_state printer_state;     /* DOOR_PRINT_HELD */
	int staff_undo;                       /* DOOR_STAFF: 1 undo, 0 reprint */
	int rc;                               /* DOOR_STAFF, DOOR_PROBLEM: VK_OK or an error */
	enum door_problem problem;            /* DOOR_PROBLEM */
	enum door_camera_state camera_state;  /* DOOR_CAMERA */
	const struct cam_frame *frame;        /* DOOR_FRAME */
};

/* Called in the thread that drives the door, except the printing notes of the threaded
 * kiosk, which come from the printer's worker thread. Pointers in the note are valid
 * during the call only. */
typedef void (*door_note_fn)(void *ctx, const struct door_note *n);

struct door;

/* Opens the database, the decider, the camera (headless; the threaded kiosk opens it in
 * door_step) and the print queue, and creates out_dir/log.jsonl. Returns VK_OK and a door
 * to free with door_close(), or an error with a reason in why (in the user's language). */
int door_open(const struct door_config *cfg, door_note_fn fn, void *ctx, struct door **out,
	      char *why, size_t why_len);
/* Stops the printer worker (finishing the label in progress) and frees everything. */
void door_close(struct door *d);

/* One turn of the loop: headless, the virtual clock first moves on by advance_ms (the
 * frame interval when 0); then one frame is taken from the camera and every new code in
 * it presented. Returns the number of outcomes (0 also when the camera had nothing or is
 * missing), or VK_ERR_NOT_FOUND when a finite source (image files, a recording) ended.
 * Database trouble is reported as DOOR_PROBLEM and the door goes on. */
int door_step(struct door *d, int advance_ms);
/* Presents every new code of one frame (pixels or a scanner's text). Returns the number
 * of outcomes. */
int door_frame(struct door *d, const struct cam_frame *f);
/* Presents a code typed on a keyboard (method manual). Returns 1 with an outcome, 0 when
 * it could not be recorded (reported as DOOR_PROBLEM). */
int door_code(struct door *d, const char *code, size_t len);

/* What a screen's request came to. */
struct door_result {
	int rc;                      /* VK_OK or an error */
	int has_outcome;             /* res is filled in (check-in, walk-in): also reported
				      * as DOOR_OUTCOME */
	struct checkin_result res;
	int has_turnout;
	struct ui_turnout turnout;
	char name[256];              /* the person acted on, for the organizer's message */
};
/* Carries out a screen's request, logs and reports it like any presentation, and prints
 * (or queues) the badge it asks for. out is filled in. */
void door_request(struct door *d, const struct ui_request *rq, struct door_result *out);
/* A staff action on a code (scenario `undo CODE` / `reprint CODE`): logged as "staff".
 * Returns VK_OK, VK_ERR_NOT_FOUND / VK_ERR_INVALID when there was nothing to do, or an
 * error (also reported as DOOR_PROBLEM). */
int door_staff_code(struct door *d, const char *code, size_t len, int undo);

/* Prints queued badges now (headless) or wakes the printer worker (threaded). Returns the
 * number printed headless, 0 threaded. */
int door_print_pending(struct door *d);

/* ---- what the screens need, without speaking SQL ---------------------------------------- */
struct door_settings {
	char lang[16];   /* the kiosk's default language code ("" = from the locale) */
};
/* Reads the settings the screens use. */
void door_settings_get(struct door *d, struct door_settings *s);
/* Reads one setting by key into buf (always terminated). ctx is the door: the signature
 * is the screens' ui_setting_fn. Returns 0 when set, VK_ERR_NOT_FOUND when not, or an
 * error. Call it from the thread that owns the door's connection. */
int door_setting_read(void *door, const char *key, char *buf, size_t len);
/* Checks a PIN typed on the kiosk against the organizer PIN (core/pin.h: pin_check, with
 * the lockout kept in the database) at wall-clock now_ms; typed NULL only reads the
 * lockout state. Any thread may call it: it uses a database connection of its own.
 * Returns PIN_OK, PIN_WRONG (st->tries_left), PIN_LOCKED (st->locked_ms_left) or a
 * negative error (then the PIN is not accepted). st may be NULL. */
int door_pin_check(struct door *d, const char *typed, int64_t now_ms, struct pin_state *st);
/* The current event (name, walk-ins allowed, id). */
const struct db_event *door_event(struct door *d);
/* Badges waiting to print (queued or interrupted). */
int64_t door_queue_length(struct door *d);
/* A snapshot of the print queue and printer; thread-safe. */
void door_printer_status(struct door *d, struct printq_status *st);
/* Builds the name index of the event for Find me: *out must be freed with search_free().
 * Returns VK_OK or an error. */
int door_search_open(struct door *d, struct search **out);

/* The decider the door uses ("local", "hub"...): "hub" means the database is enrolled and
 * the kiosk should run its sync thread. */
const char *door_decider_name(struct door *d);
/* The database file the door was opened on. */
const char *door_database(struct door *d);

/* Makes the door the door of session_id's room (0: back to the event's entrance), as
 * `vkhid run --session` or the organizer does. Returns VK_OK, or VK_ERR_NOT_FOUND when
 * the event has no such session (the door stays as it was). */
int door_set_session(struct door *d, int64_t session_id);
/* With a session: 1 makes the door the one people leave by, 0 the one they enter by. */
void door_set_exit(struct door *d, int exit_mode);
/* The session the door admits to, 0 for the entrance. */
int64_t door_session(struct door *d);

/* The door's clock (virtual headless). */
const struct vk_clock *door_clock(struct door *d);
/* Shifts the door's clock (a scenario's `advance`). */
void door_advance_clock(struct door *d, int64_t ms);
/* The camera and the first printer, for the simulated devices' hooks (scenarios, tests);
 * the camera is NULL while the threaded kiosk has none. */
struct camera *door_camera(struct door *d);
/* The status light's outputs (the simulated twin answers gpio_sim_level()); NULL when the
 * kiosk has none. */
struct gpio *door_light(struct door *d);
struct printer *door_printer(struct door *d);

/* Settings the UI keeps in the database. */
#define DOOR_SETTING_PIN PIN_SETTING /* the organizer PIN's hash (core/pin.h) */
#define DOOR_SETTING_LANG "ui.lang"  /* the kiosk's default language code */

#endif
