/* SPDX-License-Identifier: MIT */
/* The kiosk loop: camera frames -> scan -> check-in rules -> greeting -> badge printed.
 *
 * One kiosk owns a camera and a printer (chosen by name, DESIGN §2), a database connection
 * and a check-in desk. kiosk_tick() takes one frame and acts on what it finds;
 * kiosk_print_pending() works through the persistent print queue. Every outcome and every
 * printed badge is appended to OUT/log.jsonl (one JSON object a line) and reported to a
 * callback, which the headless scenario runner uses to print a readable account.
 *
 * In headless mode the kiosk runs on a virtual clock that advances by the frame interval,
 * so a scenario gives the same outcomes on every machine however fast it is. */
#ifndef VK_UI_KIOSK_H
#define VK_UI_KIOSK_H

#include <stddef.h>
#include <stdint.h>

#include "core/checkin.h"
#include "printer/printer.h"

struct camera;

struct kiosk_config {
	const char *db_path;
	const char *camera_spec;   /* "files:" by default */
	const char *printer_spec;  /* "file:OUT/badges" by default */
	const char *out_dir;       /* where log.jsonl goes; created if missing */
	int virtual_clock;         /* 1 = headless: time advances only with ticks */
	int frame_ms;              /* frame interval, 33 by default */
};

enum kiosk_note_kind { KIOSK_OUTCOME, KIOSK_PRINTED, KIOSK_PRINT_HELD };

/* What the kiosk reports after each step. */
struct kiosk_note {
	enum kiosk_note_kind kind;
	const struct checkin_result *result; /* KIOSK_OUTCOME */
	const char *code;                    /* the code presented (KIOSK_OUTCOME) */
	size_t code_len;
	double ms;                           /* frame grabbed -> outcome / job -> badge written */
	int64_t number;                      /* KIOSK_PRINTED / KIOSK_PRINT_HELD */
	const char *file;                    /* KIOSK_PRINTED: the badge file, if any */
	enum printer_state printer_state;    /* KIOSK_PRINT_HELD: why the job waits */
	int64_t wall_ms;
};

typedef void (*kiosk_note_fn)(void *ctx, const struct kiosk_note *n);

struct kiosk;

/* Opens the database, camera and printer. Returns VK_OK and a kiosk to free with
 * kiosk_close(), or an error with a reason in why (in the user's language). */
int kiosk_open(const struct kiosk_config *cfg, kiosk_note_fn fn, void *ctx, struct kiosk **out,
	       char *why, size_t why_len);
void kiosk_close(struct kiosk *k);

/* Takes one frame (advancing the virtual clock by advance_ms first, or the frame interval
 * when 0), decodes it and presents every new code. Returns the number of outcomes, or a
 * negative error (CAM end of a finite source: VK_ERR_NOT_FOUND). */
int kiosk_tick(struct kiosk *k, int advance_ms);
/* Presents a code as a keyboard-wedge scanner would (no camera). */
int kiosk_present(struct kiosk *k, const char *code, size_t len);
/* Prints queued badges until the queue is empty or the printer cannot print. Returns the
 * number printed, or a negative error. */
int kiosk_print_pending(struct kiosk *k);

/* Accessors for the scenario runner. */
struct camera *kiosk_camera(struct kiosk *k);
struct printer *kiosk_printer(struct kiosk *k);
struct checkin_desk *kiosk_desk(struct kiosk *k);
/* Shifts the kiosk's clock (an organizer setting the time; a scenario's "advance"). */
void kiosk_advance_clock(struct kiosk *k, int64_t ms);
/* Writes a free-form JSON line to the log (the caller gives a complete object). */
void kiosk_log_raw(struct kiosk *k, const char *json_object);

#endif
