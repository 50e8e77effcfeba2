/* SPDX-License-Identifier: MIT */
/* The kiosk loop (see kiosk.h): frames in, outcomes and badges out.
 *
 * Map: opening and closing; the log (log.jsonl); frames and presentations; the print
 * queue. The check-in rules themselves live in core/checkin.c; this file only wires the
 * camera, the rules, the badge renderer and the printer together. */
#include "ui/kiosk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "badge/badge.h"
#include "badge/printq.h"
#include "camera/camera.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/json.h"
#include "scan/scan.h"

_Static_assert(SCAN_MAX_PAYLOAD > CHECKIN_MAX_CODE, "a cut payload must be long enough to be refused");

struct kiosk {
	struct kiosk_config cfg;
	db *d;
	struct checkin_desk desk;
	struct camera *cam;
	struct printer *prn;
	char printer_dir[1024];   /* the file printer's folder, "" for real printers */
	scan *sc;
	struct scan_dedup dedup;
	struct scan_code *codes;  /* SCAN_MAX_CODES results of the last frame */
	FILE *log;
	kiosk_note_fn fn;
	void *ctx;
	int badges_ready;
	struct printq *pq;        /* owns prn; a worker thread unless headless */
	int pq_threaded;
};

static void kiosk_print_note(void *ctx, const struct printq_note *pn);

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void note(struct kiosk *k, const struct kiosk_note *n)
{
	if (k->fn)
		k->fn(k->ctx, n);
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

int kiosk_open(const struct kiosk_config *cfg, kiosk_note_fn fn, void *ctx, struct kiosk **out,
	       char *why, size_t why_len)
{
	struct kiosk *k = calloc(1, sizeof *k);
	char path[1200], reason[512] = "", printer_spec[1100];
	int rc;

	*out = NULL;
	if (!k)
		return VK_ERR_NOMEM;
	k->cfg = *cfg;
	k->fn = fn;
	k->ctx = ctx;
	if (!k->cfg.frame_ms)
		k->cfg.frame_ms = 33;
	if (!k->cfg.camera_spec)
		k->cfg.camera_spec = "files:";
	if (mkdir_p(cfg->out_dir) != 0) {
		snprintf(why, why_len, TR("cannot create the folder %s", "не вдається створити теку %s"),
			 cfg->out_dir);
		rc = VK_ERR_IO;
		goto fail;
	}
	if (!k->cfg.printer_spec) {
		snprintf(printer_spec, sizeof printer_spec, "file:%s/badges", cfg->out_dir);
		k->cfg.printer_spec = printer_spec;
	}
	if (strncmp(k->cfg.printer_spec, "file:", 5) == 0) {
		/* the file twin writes DIR/NAME.png; remember DIR to report the file */
		const char *arg = k->cfg.printer_spec + 5;
		const char *colon = strchr(arg, ':');
		size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
		if (n >= sizeof k->printer_dir)
			n = sizeof k->printer_dir - 1;
		memcpy(k->printer_dir, arg, n);
		k->printer_dir[n] = '\0';
	}
	rc = db_open(cfg->db_path, 0, &k->d, reason, sizeof reason);
	if (rc) {
		snprintf(why, why_len, "%s", reason);
		goto fail;
	}
	rc = checkin_desk_init(&k->desk, k->d);
	if (rc) {
		snprintf(why, why_len, "%s", TR("the database has no event: create one first",
						"у базі даних немає заходу: спершу створіть його"));
		goto fail;
	}
	if (cfg->virtual_clock)
		k->desk.clock.virtual_ms = clock_now_ms(&k->desk.clock);
	if (camera_open(k->cfg.camera_spec, &k->cam, reason, sizeof reason) != CAM_OK) {
		snprintf(why, why_len, TR("camera %s: %s", "камера %s: %s"), k->cfg.camera_spec, reason);
		rc = VK_ERR_DEVICE;
		goto fail;
	}
	struct printq_config pqc = { .db_path = cfg->db_path, .printer_spec = k->cfg.printer_spec,
				     .event_name = k->desk.event.name };
	if (printq_open(&pqc, kiosk_print_note, k, &k->pq, reason, sizeof reason) != VK_OK) {
		snprintf(why, why_len, "%s", reason);
		rc = VK_ERR_DEVICE;
		goto fail;
	}
	k->prn = printq_printer(k->pq);
	if (badge_init(reason, sizeof reason) != VK_OK) {
		snprintf(why, why_len, "%s", reason);
		rc = VK_ERR_NOT_FOUND;
		goto fail;
	}
	k->badges_ready = 1;
	k->sc = scan_new();
	k->codes = calloc(SCAN_MAX_CODES, sizeof *k->codes);
	if (!k->sc || !k->codes) {
		rc = VK_ERR_NOMEM;
		goto fail;
	}
	scan_dedup_init(&k->dedup);
	snprintf(path, sizeof path, "%s/log.jsonl", cfg->out_dir);
	k->log = fopen(path, "a");
	if (!k->log) {
		snprintf(why, why_len, TR("cannot write %s", "не вдається записати %s"), path);
		rc = VK_ERR_IO;
		goto fail;
	}
	/* Headless runs print in the caller's thread (deterministic); a real kiosk never
	 * lets the screen wait for the printer. */
	if (!cfg->virtual_clock) {
		rc = printq_start(k->pq);
		if (rc)
			goto fail;
		k->pq_threaded = 1;
	}
	*out = k;
	return VK_OK;
fail:
	kiosk_close(k);
	return rc;
}

void kiosk_close(struct kiosk *k)
{
	if (!k)
		return;
	/* First: the printer thread may still be writing to the log. */
	printq_close(k->pq);
	k->prn = NULL;
	if (k->log)
		fclose(k->log);
	free(k->codes);
	scan_free(k->sc);
	if (k->badges_ready)
		badge_shutdown();
	if (k->cam)
		camera_close(k->cam);
	db_close(k->d);
	free(k);
}

struct camera *kiosk_camera(struct kiosk *k) { return k->cam; }
struct printer *kiosk_printer(struct kiosk *k) { return k->prn; }
struct checkin_desk *kiosk_desk(struct kiosk *k) { return &k->desk; }

void kiosk_advance_clock(struct kiosk *k, int64_t ms)
{
	k->desk.clock.offset_ms += ms;
}

/* ---- the log ---------------------------------------------------------------------------- */
static void log_head(struct kiosk *k, const char *what)
{
	char when[32];
	int64_t now = clock_now_ms(&k->desk.clock);
	clock_format_local(now, when);
	fprintf(k->log, "{\"time\": \"%s\", \"wall_ms\": %" PRId64 ", \"event\": \"%s\"", when, now, what);
}

void kiosk_log_raw(struct kiosk *k, const char *json_object)
{
	fprintf(k->log, "%s\n", json_object);
	fflush(k->log);
}

static void log_outcome(struct kiosk *k, const struct checkin_result *r, const char *code,
			size_t len, const char *source, double ms)
{
	/* one line, whole: the printer thread writes its lines to the same log */
	flockfile(k->log);
	log_head(k, "outcome");
	fprintf(k->log, ", \"source\": \"%s\", \"outcome\": \"%s\", \"code\": ", source,
		checkin_outcome_word(r->outcome));
	json_str(k->log, code, len > 300 ? 300 : len);
	if (r->number)
		fprintf(k->log, ", \"registration\": %" PRId64, r->number);
	else
		fputs(", \"registration\": null", k->log);
	fputs(", \"name\": ", k->log);
	if (r->have_reg)
		json_cstr(k->log, r->reg.display);
	else
		fputs("null", k->log);
	if (r->have_reg && r->reg.organization[0]) {
		fputs(", \"organization\": ", k->log);
		json_cstr(k->log, r->reg.organization);
	}
	if (r->outcome == CI_ALREADY_ADMITTED) {
		char when[32];
		clock_format_local(r->first.wall_ms, when);
		fprintf(k->log, ", \"first_checkin\": {\"time\": \"%s\", \"kiosk\": ", when);
		json_cstr(k->log, r->first.kiosk);
		fputc('}', k->log);
	}
	if (r->outcome == CI_ADMITTED)
		fprintf(k->log, ", \"checkin\": \"%s\"", r->entry.uuid);
	fprintf(k->log, ", \"ms\": %.2f}\n", ms);
	fflush(k->log);
	funlockfile(k->log);
}

/* ---- frames and presentations ----------------------------------------------------------- */
static int present(struct kiosk *k, const char *code, size_t len, int method, const char *source,
		   double t0)
{
	struct checkin_result *res = malloc(sizeof *res);
	struct kiosk_note n = { .kind = KIOSK_OUTCOME };
	int rc;
	if (!res)
		return VK_ERR_NOMEM;
	rc = checkin_present(&k->desk, code, len, method, res);
	if (rc) {
		free(res);
		return rc;
	}
	n.ms = mono_ms() - t0;
	n.result = res;
	n.code = code;
	n.code_len = len;
	n.wall_ms = clock_now_ms(&k->desk.clock);
	log_outcome(k, res, code, len, source, n.ms);
	note(k, &n);
	free(res);
	/* The badge follows the greeting at once; a printer that is not ready keeps the job. */
	kiosk_print_pending(k);
	return 1;
}

int kiosk_tick(struct kiosk *k, int advance_ms)
{
	struct cam_frame f;
	int rc, n, outcomes = 0;
	double t0;

	if (k->desk.clock.virtual_ms)
		k->desk.clock.virtual_ms += advance_ms > 0 ? advance_ms : k->cfg.frame_ms;
	rc = camera_grab(k->cam, &f, k->cfg.frame_ms);
	if (rc == CAM_ERR_AGAIN)
		return 0;
	if (rc == CAM_ERR_END)
		return VK_ERR_NOT_FOUND;
	if (rc != CAM_OK)
		return VK_ERR_DEVICE;
	t0 = mono_ms();
	if (f.text) {
		/* a hid barcode scanner decoded it; a cut code (text_cut) is over 2000 bytes and
		 * the rules refuse it as malformed */
		if (!scan_dedup_seen(&k->dedup, f.text, f.text_len, clock_now_ms(&k->desk.clock)))
			return 0;
		return present(k, f.text, f.text_len, DB_CI_QR, "scanner", t0);
	}
	n = scan_frame(k->sc, f.gray, f.width, f.height, f.stride, k->codes, SCAN_MAX_CODES);
	for (int i = 0; i < n; i++) {
		struct scan_code *c = &k->codes[i];
		/* A payload the scanner had to cut is longer than SCAN_MAX_PAYLOAD, itself above
		 * CHECKIN_MAX_CODE, so the rules refuse it as malformed without a look-up. */
		if (!scan_dedup_seen(&k->dedup, c->data, c->len, clock_now_ms(&k->desk.clock)))
			continue;
		rc = present(k, c->data, c->len, DB_CI_QR, "camera", t0);
		if (rc < 0)
			return rc;
		outcomes += rc;
	}
	return outcomes;
}

int kiosk_present(struct kiosk *k, const char *code, size_t len)
{
	return present(k, code, len, DB_CI_MANUAL, "keyboard", mono_ms());
}

/* ---- the print queue -------------------------------------------------------------------- */
/* What the print queue (badge/printq.c) reports, as log lines and kiosk notes. Called in
 * the printer thread on a real kiosk: the log lines are written whole under the FILE lock. */
static void kiosk_print_note(void *ctx, const struct printq_note *pn)
{
	struct kiosk *k = ctx;
	struct kiosk_note n = { .number = pn->number };

	if (pn->kind == PRINTQ_HELD) {
		n.kind = KIOSK_PRINT_HELD;
		n.printer_state = pn->state;
		flockfile(k->log);
		log_head(k, "print_held");
		fprintf(k->log, ", \"registration\": %" PRId64 ", \"printer\": \"%s\"}\n",
			pn->number, printer_state_name(pn->state));
		fflush(k->log);
		funlockfile(k->log);
		note(k, &n);
	} else if (pn->kind == PRINTQ_PRINTED) {
		n.kind = KIOSK_PRINTED;
		n.ms = pn->ms;
		n.file = pn->file ? pn->file : "";
		n.wall_ms = clock_now_ms(&k->desk.clock);
		flockfile(k->log);
		log_head(k, "printed");
		fprintf(k->log, ", \"registration\": %" PRId64 ", \"file\": ", pn->number);
		json_cstr(k->log, n.file);
		fprintf(k->log, ", \"ms\": %.2f}\n", n.ms);
		fflush(k->log);
		funlockfile(k->log);
		note(k, &n);
	}
}

int kiosk_print_pending(struct kiosk *k)
{
	if (k->pq_threaded) {
		printq_kick(k->pq);
		return 0;
	}
	return printq_run_once(k->pq);
}
