/* SPDX-License-Identifier: MIT */
/* The print queue worker: takes badge jobs from the database queue (db_job_*), renders
 * each badge (badge.h), sends it to the printer (printer.h) and reports what happened.
 * Jobs survive a crash, a power cut, an unplugged cable or an empty roll: a job leaves the
 * queue only when the printer took it, and a job left "printing" by a crash is resumed.
 *
 * Two ways to run it, same code: printq_start() runs a worker thread with its own database
 * connection (the kiosk: the UI never waits for the printer); printq_run_once() works
 * through the queue in the caller's thread (the headless scenario: deterministic).
 *
 * Functions return VK_OK or a negative enum vk_err unless they say otherwise. */
#ifndef VK_BADGE_PRINTQ_H
#define VK_BADGE_PRINTQ_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "printer/printer.h"

struct printq;

#define PRINTQ_MAX_PRINTERS 4

struct printq_config {
	const char *db_path;       /* the queue's database (its own connection) */
	const char *printer_spec;  /* "file:DIR", "usb", "usb:04f9:209d", ...; "A+B" for several
				    * printers at one kiosk, used in turn */
	const char *event_name;    /* printed on badges; may be NULL */
	const char *template_path; /* a badge template file, or NULL for the built-in layout */
};

enum printq_note_kind {
	PRINTQ_PRINTED,     /* a badge was printed: number, file (file printer), ms */
	PRINTQ_HELD,        /* a job waits: the printer's state says why */
	PRINTQ_STATE,       /* the printer's state changed (plugged, unplugged, no labels...) */
	PRINTQ_FAILED,      /* a job that can never print (cannot be rendered) was set aside */
};

struct printq_note {
	enum printq_note_kind kind;
	int64_t job_id;
	int64_t number;            /* registration number of the job */
	enum printer_state state;  /* the printer's state now */
	const char *file;          /* PRINTQ_PRINTED with the file printer: the PNG written */
	double ms;                 /* PRINTQ_PRINTED: render + send */
	const char *detail;        /* English detail for logs, may be "" */
};

/* Called from the worker thread (printq_start) or from printq_run_once's caller. */
typedef void (*printq_note_fn)(void *ctx, const struct printq_note *n);

/* Opens the queue: its database connection, the printer, the badge fonts. Returns VK_OK
 * and a queue to free with printq_close(), or an error with a reason in why. A printer
 * that is absent is not an error: jobs wait until it comes. */
int printq_open(const struct printq_config *cfg, printq_note_fn fn, void *ctx,
		struct printq **out, char *why, size_t why_len);
/* Starts the worker thread. */
int printq_start(struct printq *q);
/* Wakes the worker: a job was queued or the printer may be back. Thread-safe. */
void printq_kick(struct printq *q);
/* Prints queued jobs in the caller's thread until the queue is empty or the printer
 * cannot print; returns the number printed or a negative error. Not with printq_start. */
int printq_run_once(struct printq *q);

struct printq_status {
	enum printer_state state;
	char model[64];
	struct printer_media media;
	int64_t queued;            /* jobs waiting (queued or interrupted) */
	int64_t printed;           /* badges printed since open */
	char detail[160];
	int labels_known, labels_left, near_end; /* the roll's end, as printer_status says */
};
/* Prints one given job now, in the caller's thread (`vkhid badge print`: the reprint just
 * queued, not the whole queue). Returns 1 printed, 0 held (the printer's state says why),
 * or a negative error. Not with printq_start. */
int printq_print_job(struct printq *q, const struct db_print_job *job);

/* A consistent snapshot of the queue and printer; thread-safe, never blocks on USB. */
void printq_get_status(struct printq *q, struct printq_status *st);
/* The (first) printer (for the simulated printer's fault hooks in scenarios and tests). */
struct printer *printq_printer(struct printq *q);
/* Stops the worker (finishing the label in progress) and frees everything. */
void printq_close(struct printq *q);

#endif
