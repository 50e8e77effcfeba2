/* SPDX-License-Identifier: MIT */
/* The door (door.h): frames and codes in, outcomes, badges, log lines and notes out.
 *
 * Map: words and texts; reporting; opening and closing; the camera and frames;
 * presentations; the print queue's notes; what the screens need. The check-in rules live
 * in core/checkin.c behind the decider (decide.h); the screens' requests in request.c;
 * the log's lines in log.c. */
#include "door/door_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "badge/badge.h"
#include "camera/camera.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/pin.h"
#include "sync/client.h"

_Static_assert(SCAN_MAX_PAYLOAD > CHECKIN_MAX_CODE, "a cut payload must be long enough to be refused");

#define REOPEN_MS 3000 /* the threaded kiosk looks for a missing camera again this often */

/* ---- words and texts -------------------------------------------------------------------- */
static const char *const source_words[DOOR_SRC_COUNT] = {
	[DOOR_SRC_CAMERA] = "camera",     [DOOR_SRC_SCANNER] = "scanner",
	[DOOR_SRC_KEYBOARD] = "keyboard", [DOOR_SRC_SEARCH] = "search",
	[DOOR_SRC_WALKIN] = "walkin",     [DOOR_SRC_ORGANIZER] = "organizer",
	[DOOR_SRC_STAFF] = "staff",
};

const char *door_source_word(enum door_source s)
{
	return (unsigned)s < DOOR_SRC_COUNT && source_words[s] ? source_words[s] : "unknown";
}

static const struct {
	const char *word;
	const char *text; /* msgid */
} problems[DOOR_PROBLEM_COUNT] = {
	[DOOR_PROBLEM_DATABASE] = { "database", N_("The check-in could not be saved: the database "
						 "failed. Try again; if it keeps failing, call staff.") },
	[DOOR_PROBLEM_CAMERA] = { "camera", N_("The camera does not answer: check its cable. The kiosk "
					       "looks for it again every few seconds.") },
	[DOOR_PROBLEM_MEMORY] = { "memory", N_("The kiosk ran out of memory for one code: show it again.") },
	[DOOR_PROBLEM_PRINTER] = { "printer", N_("The printer cannot be used: check-ins go on and badges "
						 "wait in the queue.") },
};

const char *door_problem_word(enum door_problem p)
{
	return (unsigned)p < DOOR_PROBLEM_COUNT && problems[p].word ? problems[p].word : "unknown";
}

const char *door_problem_text_in(int lang, int p)
{
	return (unsigned)p < DOOR_PROBLEM_COUNT && problems[p].text
		       ? i18n_tr(lang, problems[p].text)
		       : i18n_tr(lang, N_("Unknown problem at the door."));
}

const char *door_problem_text(enum door_problem p)
{
	return door_problem_text_in(i18n_lang(), (int)p);
}

/* ---- reporting -------------------------------------------------------------------------- */
static int64_t door_now(struct door *d)
{
	int64_t now;
	pthread_mutex_lock(&d->clock_lock);
	now = clock_now_ms(&d->desk.clock);
	pthread_mutex_unlock(&d->clock_lock);
	return now;
}

/* ---- the status light ------------------------------------------------------------------
 * What a person at the door sees without reading: green while ready, a green flash and a
 * short beep on admission, red and two beeps on a refusal, amber blinking while the kiosk
 * needs staff (a printer that cannot print, a camera lost). Fed from door_report, which
 * every outcome and printer note passes through, so it says the same in every mode. */
static uint64_t light_now(struct door *d)
{
	/* headless: the virtual clock, so a scenario sees the same light on every machine */
	return d->cfg.headless ? (uint64_t)d->desk.clock.virtual_ms : (uint64_t)clock_mono_ms();
}

static void light_note(struct door *d, const struct door_note *n)
{
	uint64_t now;
	if (!d->signal)
		return;
	pthread_mutex_lock(&d->light_lock);
	now = light_now(d);
	switch (n->kind) {
	case DOOR_OUTCOME:
		gpio_signal_event(d->signal, n->result && checkin_outcome_admits(n->result->outcome)
						     ? GPIO_EVENT_ADMITTED : GPIO_EVENT_REFUSED, now);
		break;
	case DOOR_PRINTED:
	case DOOR_PRINT_ASSUMED:
		d->printer_trouble = 0;
		break;
	case DOOR_PRINT_HELD:
		d->printer_trouble = n->printer_state != PRINTER_READY;
		break;
	case DOOR_CAMERA:
		d->camera_trouble = n->camera_state == DOOR_CAMERA_NONE || n->camera_state == DOOR_CAMERA_GONE;
		break;
	case DOOR_PROBLEM:
		if (n->problem == DOOR_PROBLEM_PRINTER)
			d->printer_trouble = 1;
		break;
	default:
		break;
	}
	gpio_signal_mood(d->signal, d->printer_trouble || d->camera_trouble ? GPIO_MOOD_NEEDS_STAFF
									: GPIO_MOOD_READY, now);
	gpio_signal_tick(d->signal, now);
	pthread_mutex_unlock(&d->light_lock);
}

static void light_tick(struct door *d)
{
	if (!d->signal)
		return;
	pthread_mutex_lock(&d->light_lock);
	gpio_signal_tick(d->signal, light_now(d));
	pthread_mutex_unlock(&d->light_lock);
}

void door_report(struct door *d, struct door_note *n)
{
	n->wall_ms = door_now(d);
	door_log_note(d->log, n);
	light_note(d, n);
	if (d->fn)
		d->fn(d->ctx, n);
}

void door_report_problem(struct door *d, enum door_problem p, int rc)
{
	struct door_note n = { .kind = DOOR_PROBLEM, .problem = p, .rc = rc };
	door_report(d, &n);
}

static void camera_state(struct door *d, enum door_camera_state st)
{
	struct door_note n = { .kind = DOOR_CAMERA, .camera_state = st };
	if (d->cam_state == (int)st)
		return;
	d->cam_state = (int)st;
	if (st == DOOR_CAMERA_GONE)
		door_report_problem(d, DOOR_PROBLEM_CAMERA, VK_ERR_DEVICE);
	door_report(d, &n);
}

/* ---- opening and closing ---------------------------------------------------------------- */
static int mkdir_p(const char *path)
{
	char buf[1024];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static void print_note(void *ctx, const struct printq_note *pn);

int door_open(const struct door_config *cfg, door_note_fn fn, void *ctx, struct door **out,
	      char *why, size_t why_len)
{
	struct door *d = calloc(1, sizeof *d);
	char reason[512] = "";
	int rc;

	*out = NULL;
	if (!d)
		return VK_ERR_NOMEM;
	pthread_mutex_init(&d->clock_lock, NULL);
	pthread_mutex_init(&d->light_lock, NULL);
	d->cfg = *cfg;
	if (cfg->light_spec && *cfg->light_spec && strcmp(cfg->light_spec, "none") != 0) {
		if (gpio_open(cfg->light_spec, &d->gpio, reason, sizeof reason) != GPIO_OK) {
			snprintf(why, why_len, _("status light %s: %s"), cfg->light_spec, reason);
			rc = VK_ERR_DEVICE;
			goto fail;
		}
		d->signal = gpio_signal_new(d->gpio);
		if (!d->signal) {
			rc = VK_ERR_NOMEM;
			goto fail;
		}
		gpio_signal_mood(d->signal, GPIO_MOOD_READY, 0);
		gpio_signal_tick(d->signal, 0); /* green from the start: the kiosk is ready */
	}
	d->fn = fn;
	d->ctx = ctx;
	d->cam_state = -1;
	if (!d->cfg.frame_ms)
		d->cfg.frame_ms = 33;
	/* copied whole: a spec cut at a fixed length names a file that is not there, and the
	 * kiosk would wait for that camera for ever */
	d->camera_spec = strdup(cfg->camera_spec ? cfg->camera_spec : "files:");
	if (!d->camera_spec) {
		snprintf(why, why_len, "%s", _("out of memory"));
		rc = VK_ERR_NOMEM;
		goto fail;
	}
	d->cfg.camera_spec = d->camera_spec;
	if (cfg->out_dir && mkdir_p(cfg->out_dir) != 0) {
		snprintf(why, why_len, _("cannot create the folder %s"), cfg->out_dir);
		rc = VK_ERR_IO;
		goto fail;
	}
	if (cfg->printer_spec)
		snprintf(d->printer_spec, sizeof d->printer_spec, "%s", cfg->printer_spec);
	else if (cfg->out_dir)
		snprintf(d->printer_spec, sizeof d->printer_spec, "file:%s/badges", cfg->out_dir);
	else
		snprintf(d->printer_spec, sizeof d->printer_spec, "usb");
	d->cfg.printer_spec = d->printer_spec;
	rc = db_open(cfg->database, 0, &d->db, reason, sizeof reason);
	if (rc) {
		snprintf(why, why_len, "%s", reason);
		goto fail;
	}
	rc = checkin_desk_init(&d->desk, d->db);
	if (rc) {
		snprintf(why, why_len, "%s", _("the database has no event: create one first"));
		goto fail;
	}
	if (cfg->headless)
		d->desk.clock.virtual_ms = clock_now_ms(&d->desk.clock);
	if (cfg->session_id && checkin_desk_set_session(&d->desk, cfg->session_id) != VK_OK) {
		snprintf(why, why_len, _("the event has no session %lld: `vkhid session list` shows them"),
			 (long long)cfg->session_id);
		rc = VK_ERR_NOT_FOUND;
		goto fail;
	}
	d->desk.exit_mode = cfg->session_id && cfg->session_exit;
	/* an older vkhid stored the organizer PIN as it is: hash it now (a failure leaves it
	 * plain, and it still works; the next open tries again) */
	pin_migrate(d->db);
	/* no choice made: an enrolled database asks its hub first */
	if (!cfg->decider || !*cfg->decider) {
		char url[256];
		d->cfg.decider = db_setting_get(d->db, "sync.url", url, sizeof url) == VK_OK && url[0]
					 ? "hub" : "local";
	}
	d->decider = door_decider_find(d->cfg.decider);
	if (!d->decider) {
		snprintf(why, why_len, _("no such way to decide admissions: %s (there is: local, hub)"), cfg->decider);
		rc = VK_ERR_UNSUPPORTED;
		goto fail;
	}
	{
		const char *colon = strchr(d->cfg.decider, ':');
		rc = d->decider->open(&d->desk, colon ? colon + 1 : "", &d->decider_state, reason, sizeof reason);
		if (rc) {
			snprintf(why, why_len, "%s", reason);
			d->decider = NULL;
			goto fail;
		}
	}
	d->sc = scan_new();
	d->codes = calloc(SCAN_MAX_CODES, sizeof *d->codes);
	if (!d->sc || !d->codes) {
		rc = VK_ERR_NOMEM;
		goto fail;
	}
	scan_dedup_init(&d->dedup);
	if (cfg->out_dir && door_log_open(cfg->out_dir, &d->log) != VK_OK) {
		snprintf(why, why_len, _("cannot write %s/log.jsonl"), cfg->out_dir);
		rc = VK_ERR_IO;
		goto fail;
	}
	/* Headless, a camera that cannot open is a mistake in the command; the threaded kiosk
	 * waits for one to be plugged in (door_step). */
	if (cfg->headless && camera_open(d->camera_spec, &d->cam, reason, sizeof reason) != CAM_OK) {
		snprintf(why, why_len, _("camera %s: %s"), d->camera_spec, reason);
		d->cam = NULL;
		rc = VK_ERR_DEVICE;
		goto fail;
	}
	{
		struct printq_config pqc = { .db_path = cfg->database, .printer_spec = d->printer_spec,
					     .event_name = d->desk.event.name };
		rc = printq_open(&pqc, print_note, d, &d->pq, reason, sizeof reason);
		if (rc == VK_OK && !cfg->headless) {
			/* a real kiosk never lets the screen wait for the printer */
			rc = printq_start(d->pq);
			d->pq_threaded = rc == VK_OK;
		}
		if (rc != VK_OK) {
			printq_close(d->pq);
			d->pq = NULL;
			if (cfg->headless) {
				snprintf(why, why_len, "%s", reason);
				rc = VK_ERR_DEVICE;
				goto fail;
			}
			/* the door still admits; badges wait in the queue for a printer */
			door_report_problem(d, DOOR_PROBLEM_PRINTER, rc);
		}
	}
	*out = d;
	return VK_OK;
fail:
	door_close(d);
	return rc;
}

void door_close(struct door *d)
{
	if (!d)
		return;
	/* First: the printer's thread may still be writing to the log and calling back. */
	printq_close(d->pq);
	d->pq = NULL;
	badge_shutdown();
	door_log_close(d->log);
	free(d->codes);
	scan_free(d->sc);
	if (d->cam)
		camera_close(d->cam);
	if (d->decider)
		d->decider->close(d->decider_state);
	db_close(d->db);
	gpio_signal_free(d->signal);
	gpio_close(d->gpio);
	pthread_mutex_destroy(&d->light_lock);
	pthread_mutex_destroy(&d->clock_lock);
	free(d->camera_spec);
	free(d);
}

/* ---- presentations ---------------------------------------------------------------------- */
/* A hub's enrollment code (the dashboard's "add a kiosk" QR) goes to the screens, which
 * enroll only when the organizer asked for it behind the PIN; returns 1 when ask was one. */
static int door_hub_code(struct door *d, const struct door_ask *ask, enum door_source src)
{
	size_t pl = strlen(SYNC_CODE_PREFIX);
	if (!ask->code || ask->len <= pl || memcmp(ask->code, SYNC_CODE_PREFIX, pl) != 0)
		return 0;
	struct door_note n = { .kind = DOOR_HUB_CODE, .source = src, .code = ask->code,
			       .code_len = ask->len };
	door_report(d, &n);
	return 1;
}

#define DOOR_BUSY_RETRIES 2 /* after the first try, each waiting up to db.c's DB_BUSY_MS */

int door_present(struct door *d, const struct door_ask *ask, enum door_source src, double t0,
		 struct checkin_result *res)
{
	struct checkin_result *own = NULL;
	struct door_note n = { .kind = DOOR_OUTCOME, .source = src, .code = ask->code,
			       .code_len = ask->len, .t_decoded = t0 };
	int rc;

	if (door_hub_code(d, ask, src))
		return VK_OK;
	if (!res) {
		own = malloc(sizeof *own);
		if (!own) {
			door_report_problem(d, DOOR_PROBLEM_MEMORY, VK_ERR_NOMEM);
			return VK_ERR_NOMEM;
		}
		res = own;
	}
	rc = d->decider->decide(d->decider_state, &d->desk, ask, res, &n.mode);
	/* A database kept busy past the wait (a long import, a backup) is transient: nothing
	 * was recorded, so asking again is safe; only then is it a problem for staff. */
	for (int again = 0; rc == DB_ERR_BUSY && again < DOOR_BUSY_RETRIES; again++)
		rc = d->decider->decide(d->decider_state, &d->desk, ask, res, &n.mode);
	if (rc) {
		/* nothing was recorded: say so and keep serving the next person */
		door_report_problem(d, DOOR_PROBLEM_DATABASE, rc);
		free(own);
		return rc;
	}
	n.ms = clock_mono_ms() - t0;
	n.result = res;
	door_report(d, &n);
	/* the badge follows the greeting at once; a printer that is not ready keeps the job */
	if (res->job_id)
		door_print_pending(d);
	free(own);
	return VK_OK;
}

int door_code(struct door *d, const char *code, size_t len)
{
	struct door_ask ask = { .code = code, .len = len, .method = DB_CI_MANUAL };
	return door_present(d, &ask, DOOR_SRC_KEYBOARD, clock_mono_ms(), NULL) == VK_OK;
}

int door_frame(struct door *d, const struct cam_frame *f)
{
	double t0 = clock_mono_ms();
	int n, outcomes = 0;

	if (f->text) {
		/* a barcode scanner decoded it; a cut code (text_cut) is longer than any ticket
		 * and the rules refuse it as malformed */
		struct door_ask ask = { .code = f->text, .len = f->text_len, .method = DB_CI_QR };
		if (!scan_dedup_seen(&d->dedup, f->text, f->text_len, clock_now_ms(&d->desk.clock)))
			return 0;
		return door_present(d, &ask, DOOR_SRC_SCANNER, t0, NULL) == VK_OK;
	}
	n = scan_frame(d->sc, f->gray, f->width, f->height, f->stride, d->codes, SCAN_MAX_CODES);
	for (int i = 0; i < n; i++) {
		struct scan_code *c = &d->codes[i];
		/* A payload the scanner had to cut is longer than SCAN_MAX_PAYLOAD, itself above
		 * CHECKIN_MAX_CODE, so the rules refuse it as malformed without a look-up. */
		struct door_ask ask = { .code = c->data, .len = c->len, .method = DB_CI_QR };
		if (!scan_dedup_seen(&d->dedup, c->data, c->len, clock_now_ms(&d->desk.clock)))
			continue;
		if (door_present(d, &ask, DOOR_SRC_CAMERA, t0, NULL) == VK_OK)
			outcomes++;
	}
	return outcomes;
}

/* ---- the camera ------------------------------------------------------------------------- */
int door_step(struct door *d, int advance_ms)
{
	struct cam_frame f;
	char why[256];
	int rc;

	if (d->cfg.headless)
		d->desk.clock.virtual_ms += advance_ms > 0 ? advance_ms : d->cfg.frame_ms;
	light_tick(d);
	if (!d->cam) {
		double now = clock_mono_ms();
		if (now < d->next_open)
			return 0;
		d->next_open = now + REOPEN_MS;
		if (camera_open(d->camera_spec, &d->cam, why, sizeof why) != CAM_OK) {
			d->cam = NULL;
			camera_state(d, d->cam_state == DOOR_CAMERA_GONE ? DOOR_CAMERA_GONE : DOOR_CAMERA_NONE);
			return 0;
		}
	}
	rc = camera_grab(d->cam, &f, d->cfg.frame_ms);
	if (rc == CAM_ERR_AGAIN)
		return 0;
	if (rc == CAM_ERR_END) {
		camera_state(d, DOOR_CAMERA_ENDED);
		return VK_ERR_NOT_FOUND;
	}
	if (rc != CAM_OK) {
		/* unplugged: look for it again (headless at the next step) */
		camera_state(d, DOOR_CAMERA_GONE);
		camera_close(d->cam);
		d->cam = NULL;
		d->next_open = d->cfg.headless ? 0 : clock_mono_ms() + REOPEN_MS;
		return 0;
	}
	camera_state(d, DOOR_CAMERA_OK);
	if (!f.text) {
		struct door_note n = { .kind = DOOR_FRAME, .frame = &f };
		if (d->fn)
			d->fn(d->ctx, &n);
	}
	return door_frame(d, &f);
}

/* ---- the print queue's notes ------------------------------------------------------------ */
/* What the print queue (badge/printq.c) reports, as log lines and notes. Called in the
 * printer's worker thread on the threaded kiosk. */
static void print_note(void *ctx, const struct printq_note *pn)
{
	struct door *d = ctx;
	struct door_note n = { .number = pn->number, .printer_state = pn->state, .ms = pn->ms };

	switch (pn->kind) {
	case PRINTQ_PRINTED:
		n.kind = pn->detail && strcmp(pn->detail, "assumed") == 0 ? DOOR_PRINT_ASSUMED : DOOR_PRINTED;
		n.file = pn->file ? pn->file : "";
		break;
	case PRINTQ_HELD:
		n.kind = DOOR_PRINT_HELD;
		break;
	case PRINTQ_FAILED:
		n.kind = DOOR_PRINT_FAILED;
		break;
	case PRINTQ_STATE:
		return;
	}
	door_report(d, &n);
}

int door_print_pending(struct door *d)
{
	if (!d->pq)
		return 0;
	if (d->pq_threaded) {
		printq_kick(d->pq);
		return 0;
	}
	return printq_run_once(d->pq);
}

/* ---- what the screens need -------------------------------------------------------------- */
void door_settings_get(struct door *d, struct door_settings *s)
{
	memset(s, 0, sizeof *s);
	db_setting_get(d->db, DOOR_SETTING_LANG, s->lang, sizeof s->lang);
}

int door_setting_read(void *door, const char *key, char *buf, size_t len)
{
	struct door *d = door;
	return db_setting_get(d->db, key, buf, len);
}

int door_pin_check(struct door *d, const char *typed, int64_t now_ms, struct pin_state *st)
{
	db *own;
	int rc;
	/* a connection of its own: the screens ask from their thread while the door's
	 * connection belongs to the door's thread (db.h); PIN checks are rare */
	if (db_open(db_path(d->db), 0, &own, NULL, 0) != VK_OK) {
		if (st)
			memset(st, 0, sizeof *st);
		return DB_ERR_SQL;
	}
	rc = pin_check(own, typed, now_ms, st);
	db_close(own);
	return rc;
}

const struct db_event *door_event(struct door *d)
{
	return &d->desk.event;
}

int64_t door_queue_length(struct door *d)
{
	int64_t q = db_job_count(d->db, DB_JOB_QUEUED), p = db_job_count(d->db, DB_JOB_PRINTING);
	return (q > 0 ? q : 0) + (p > 0 ? p : 0);
}

void door_printer_status(struct door *d, struct printq_status *st)
{
	if (d->pq) {
		printq_get_status(d->pq, st);
		return;
	}
	memset(st, 0, sizeof *st);
	st->state = PRINTER_ABSENT;
}

int door_search_open(struct door *d, struct search **out)
{
	return search_open(d->db, d->desk.event.id, out);
}

const char *door_decider_name(struct door *d)
{
	return d->decider->name;
}

const char *door_database(struct door *d)
{
	return d->cfg.database;
}

int door_set_session(struct door *d, int64_t session_id)
{
	return checkin_desk_set_session(&d->desk, session_id);
}

void door_set_exit(struct door *d, int exit_mode)
{
	d->desk.exit_mode = exit_mode != 0;
}

int64_t door_session(struct door *d)
{
	return d->desk.session_id;
}

const struct vk_clock *door_clock(struct door *d)
{
	return &d->desk.clock;
}

void door_advance_clock(struct door *d, int64_t ms)
{
	pthread_mutex_lock(&d->clock_lock);
	d->desk.clock.offset_ms += ms;
	pthread_mutex_unlock(&d->clock_lock);
}

struct gpio *door_light(struct door *d)
{
	return d->gpio;
}

struct camera *door_camera(struct door *d)
{
	return d->cam;
}

struct printer *door_printer(struct door *d)
{
	return d->pq ? printq_printer(d->pq) : NULL;
}
