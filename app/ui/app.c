/* SPDX-License-Identifier: MIT */
/* The threaded kiosk (app.h).
 *
 * Map: messages to the UI thread; the door thread (camera, scan, rules, requests); the
 * printer worker's notes; the UI thread (events, drawing, statistics); start and stop.
 *
 * The UI thread owns SDL, the state machine and the name index. It never takes a lock
 * that another thread holds for longer than a list operation or a preview copy: the
 * door thread's database writes and the printer's USB transfers happen on their own. */
#include "ui/app.h"

#include <SDL.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "badge/printq.h"
#include "camera/camera.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/search.h"
#include "scan/scan.h"
#include "ui/catalog.h"
#include "ui/door.h"
#include "ui/ui.h"

#define PREVIEW_MAX_W 480    /* the preview is a guide, not a photograph: keep it cheap */
#define FRAME_MS 33          /* door thread pace for cameras that never wait (files:) */
#define REOPEN_MS 3000       /* a missing camera is looked for again this often */

static atomic_int stop_flag;

void app_stop(void)
{
	atomic_store(&stop_flag, 1);
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- messages to the UI thread ---------------------------------------------------------- */
enum msg_kind { MSG_DOOR, MSG_PRINTED, MSG_HELD, MSG_SCANNER };

struct msg {
	struct msg *next;
	enum msg_kind kind;
	struct ui_request rq;        /* MSG_DOOR: what was asked (kind PRESENT for the camera) */
	struct door_result res;      /* MSG_DOOR */
	double t_decoded;            /* MSG_DOOR from the camera: when the code was decoded */
	int64_t number;              /* MSG_PRINTED / MSG_HELD */
	enum printer_state state;
	int scanner;                 /* MSG_SCANNER */
	int64_t wall_ms;
};

struct app {
	const struct app_config *cfg;
	pthread_mutex_t lock;        /* guards everything below up to the marker */
	struct msg *head, **tail;
	struct ui_request req[64];   /* requests for the door thread */
	int req_head, req_n;
	uint8_t *preview;            /* the latest camera picture, scaled down */
	int pv_w, pv_h;
	uint64_t pv_seq;
	/* -- end of what lock guards */
	struct printq *q;
	atomic_int door_stop;
	char door_why[256];
	FILE *log;                   /* written by the door thread only */
	struct db_event event;
};

static void post(struct app *a, struct msg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&a->lock);
	*a->tail = m;
	a->tail = &m->next;
	pthread_mutex_unlock(&a->lock);
}

static struct msg *take_all(struct app *a)
{
	struct msg *m;
	pthread_mutex_lock(&a->lock);
	m = a->head;
	a->head = NULL;
	a->tail = &a->head;
	pthread_mutex_unlock(&a->lock);
	return m;
}

static int take_request(struct app *a, struct ui_request *rq)
{
	int ok = 0;
	pthread_mutex_lock(&a->lock);
	if (a->req_n) {
		*rq = a->req[a->req_head];
		a->req_head = (a->req_head + 1) % 64;
		a->req_n--;
		ok = 1;
	}
	pthread_mutex_unlock(&a->lock);
	return ok;
}

static void give_request(struct app *a, const struct ui_request *rq)
{
	pthread_mutex_lock(&a->lock);
	if (a->req_n < 64) {
		a->req[(a->req_head + a->req_n) % 64] = *rq;
		a->req_n++;
	}
	pthread_mutex_unlock(&a->lock);
}

/* ---- the door thread ---------------------------------------------------------------------- */
static void log_outcome(struct app *a, struct checkin_desk *desk, const struct checkin_result *r,
			const char *source, double ms)
{
	char when[32];
	int64_t now = clock_now_ms(&desk->clock);
	if (!a->log)
		return;
	clock_format_local(now, when);
	fprintf(a->log, "{\"time\": \"%s\", \"wall_ms\": %" PRId64 ", \"event\": \"outcome\", \"source\": \"%s\", "
		"\"outcome\": \"%s\", \"registration\": %" PRId64 ", \"name\": ", when, now, source,
		checkin_outcome_word(r->outcome), r->number);
	json_cstr(a->log, r->have_reg ? r->reg.display : NULL);
	fprintf(a->log, ", \"ms\": %.2f}\n", ms);
	fflush(a->log);
}

static void publish_preview(struct app *a, const struct cam_frame *f)
{
	int step = (f->width + PREVIEW_MAX_W - 1) / PREVIEW_MAX_W, w, h;
	uint8_t *p;
	if (step < 1)
		step = 1;
	w = f->width / step;
	h = f->height / step;
	if (w <= 0 || h <= 0)
		return;
	p = malloc((size_t)w * h);
	if (!p)
		return;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			p[(size_t)y * w + x] = f->gray[(size_t)y * step * f->stride + (size_t)x * step];
	pthread_mutex_lock(&a->lock);
	free(a->preview);
	a->preview = p;
	a->pv_w = w;
	a->pv_h = h;
	a->pv_seq++;
	pthread_mutex_unlock(&a->lock);
}

static void post_scanner(struct app *a, int *last, int now_state)
{
	struct msg *m;
	if (*last == now_state)
		return;
	*last = now_state;
	m = calloc(1, sizeof *m);
	if (!m)
		return;
	m->kind = MSG_SCANNER;
	m->scanner = now_state;
	post(a, m);
}

static void *door_main(void *arg)
{
	struct app *a = arg;
	struct checkin_desk desk;
	struct camera *cam = NULL;
	struct scan_code *codes = calloc(SCAN_MAX_CODES, sizeof *codes);
	scan *sc = scan_new();
	struct scan_dedup dedup;
	db *d = NULL;
	char why[256];
	double next_open = 0;
	int scanner = -1;

	if (!codes || !sc || db_open(a->cfg->db_path, 0, &d, why, sizeof why) != VK_OK
	    || checkin_desk_init(&desk, d) != VK_OK) {
		snprintf(a->door_why, sizeof a->door_why, "the door thread cannot open the database");
		goto out;
	}
	scan_dedup_init(&dedup);
	while (!atomic_load(&a->door_stop)) {
		struct ui_request rq;
		struct cam_frame f;
		double t0 = mono_ms();
		int rc, n;

		while (take_request(a, &rq)) {
			struct msg *m = calloc(1, sizeof *m);
			if (!m)
				break;
			m->kind = MSG_DOOR;
			m->rq = rq;
			door_do(&desk, &rq, &m->res);
			if (m->res.has_outcome)
				log_outcome(a, &desk, &m->res.res, rq.kind == UI_REQ_WALKIN ? "walkin"
								   : rq.kind == UI_REQ_CHECKIN ? "search" : "keyboard",
					    mono_ms() - t0);
			if (m->res.res.job_id && a->q)
				printq_kick(a->q);
			m->wall_ms = clock_now_ms(&desk.clock);
			post(a, m);
		}
		if (!cam && t0 >= next_open) {
			if (camera_open(a->cfg->camera_spec, &cam, why, sizeof why) != CAM_OK) {
				cam = NULL;
				post_scanner(a, &scanner, UI_SCANNER_NONE);
			}
			next_open = t0 + REOPEN_MS;
		}
		if (!cam) {
			SDL_Delay(FRAME_MS);
			continue;
		}
		rc = camera_grab(cam, &f, FRAME_MS);
		if (rc == CAM_ERR_AGAIN)
			continue;
		if (rc == CAM_ERR_END) {
			post_scanner(a, &scanner, UI_SCANNER_ENDED);
			SDL_Delay(FRAME_MS);
			continue;
		}
		if (rc != CAM_OK) {
			post_scanner(a, &scanner, UI_SCANNER_GONE);
			camera_close(cam);
			cam = NULL;
			next_open = t0 + REOPEN_MS;
			continue;
		}
		post_scanner(a, &scanner, UI_SCANNER_OK);
		if (f.text) {
			/* a barcode scanner (hid:) decoded it already: one code, no picture; a code
			 * cut at SCAN_MAX_PAYLOAD is longer than any ticket and is refused */
			size_t len = f.text_len < SCAN_MAX_PAYLOAD ? f.text_len : SCAN_MAX_PAYLOAD;
			memcpy(codes[0].data, f.text, len);
			codes[0].data[len] = '\0';
			codes[0].len = len;
			codes[0].truncated = f.text_cut;
			n = 1;
		} else {
			publish_preview(a, &f);
			n = scan_frame(sc, f.gray, f.width, f.height, f.stride, codes, SCAN_MAX_CODES);
		}
		for (int i = 0; i < n; i++) {
			struct msg *m;
			double t_decoded = mono_ms();
			if (!scan_dedup_seen(&dedup, codes[i].data, codes[i].len, clock_now_ms(&desk.clock)))
				continue;
			m = calloc(1, sizeof *m);
			if (!m)
				break;
			m->kind = MSG_DOOR;
			m->rq.kind = UI_REQ_PRESENT;
			m->t_decoded = t_decoded;
			m->res.rc = checkin_present(&desk, codes[i].data, codes[i].len, DB_CI_QR, &m->res.res);
			m->res.has_outcome = m->res.rc == VK_OK;
			if (m->res.has_outcome)
				log_outcome(a, &desk, &m->res.res, "camera", mono_ms() - t_decoded);
			if (m->res.res.job_id && a->q)
				printq_kick(a->q);
			m->wall_ms = clock_now_ms(&desk.clock);
			post(a, m);
		}
		/* a camera that never waits (image files) is paced like a real one */
		{
			double spent = mono_ms() - t0;
			if (spent < FRAME_MS)
				SDL_Delay((Uint32)(FRAME_MS - spent));
		}
	}
out:
	if (cam)
		camera_close(cam);
	scan_free(sc);
	free(codes);
	db_close(d);
	return NULL;
}

/* ---- the printer worker's notes (its thread) --------------------------------------------- */
static void on_print(void *ctx, const struct printq_note *n)
{
	struct app *a = ctx;
	struct msg *m;
	if (n->kind == PRINTQ_PRINTED && a->cfg->print_delay_ms > 0)
		SDL_Delay((Uint32)a->cfg->print_delay_ms); /* a slow printer holds its worker */
	if (n->kind != PRINTQ_PRINTED && n->kind != PRINTQ_HELD)
		return;
	m = calloc(1, sizeof *m);
	if (!m)
		return;
	m->kind = n->kind == PRINTQ_PRINTED ? MSG_PRINTED : MSG_HELD;
	m->number = n->number;
	m->state = n->state;
	post(a, m);
}

/* ---- the UI thread ------------------------------------------------------------------------ */
struct view {
	struct ui *ui;
	struct ui_state *sm;
	struct ui_dlist *dl;
	struct search *search;
	struct vk_clock clock;       /* the wall clock the screens show (same shifts as the door's) */
};

static int view_find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	struct view *v = ctx;
	return v->search ? search_find(v->search, q, hits, max) : 0;
}

static int64_t ticks(void)
{
	return (int64_t)SDL_GetTicks64();
}

/* Applies what the other threads posted; returns the decode times of outcomes shown. */
static void apply(struct app *a, struct view *v, struct msg *m, double *pending_t, int *n_pending)
{
	int64_t now = ticks();
	while (m) {
		struct msg *next = m->next;
		switch (m->kind) {
		case MSG_DOOR:
			if (m->res.has_outcome) {
				ui_sm_outcome(v->sm, &m->res.res, m->wall_ms, now);
				if (m->rq.kind == UI_REQ_WALKIN && m->res.res.have_reg && v->search)
					search_put(v->search, &m->res.res.reg);
				if (m->t_decoded > 0 && *n_pending < 16)
					pending_t[(*n_pending)++] = m->t_decoded;
			} else if (m->res.has_turnout) {
				ui_sm_turnout(v->sm, &m->res.turnout);
			} else {
				if (m->rq.kind == UI_REQ_SET_CLOCK && m->res.rc == VK_OK) {
					v->clock.offset_ms += m->rq.ms;
					v->clock.trusted_override = 1;
				}
				ui_sm_done(v->sm, m->rq.kind, m->res.rc, m->res.name, now);
				if (m->rq.kind == UI_REQ_REPRINT || m->rq.kind == UI_REQ_UNDO) {
					struct ui_request st = { .kind = UI_REQ_STATS };
					give_request(a, &st);
				}
			}
			break;
		case MSG_PRINTED:
			ui_sm_printed(v->sm, m->number, now);
			break;
		case MSG_HELD:
			ui_sm_held(v->sm, m->number, m->state, now);
			break;
		case MSG_SCANNER:
			ui_sm_scanner(v->sm, m->scanner, now);
			break;
		}
		free(m);
		m = next;
	}
}

static int view_open(struct app *a, struct view *v, char *why, size_t why_len)
{
	struct ui_config uc = { .headless = a->cfg->headless, .fullscreen = a->cfg->fullscreen,
				.w = a->cfg->w, .h = a->cfg->h, .title = "vkhid", .vsync = !a->cfg->headless };
	char pin[32] = "", lang[16] = "";
	db *d = NULL;
	int l, rc;

	ui_catalog_load(NULL);
	v->sm = malloc(sizeof *v->sm);
	v->dl = malloc(sizeof *v->dl);
	if (!v->sm || !v->dl)
		return VK_ERR_NOMEM;
	/* the UI's own connection: read the settings and build the name index, then close */
	rc = db_open(a->cfg->db_path, 0, &d, why, why_len);
	if (rc)
		return rc;
	db_setting_get(d, DOOR_SETTING_PIN, pin, sizeof pin);
	db_setting_get(d, DOOR_SETTING_LANG, lang, sizeof lang);
	if (search_open(d, a->event.id, &v->search) != VK_OK)
		v->search = NULL;
	clock_init(&v->clock, 0);
	db_close(d);
	rc = ui_open(&uc, &v->ui, why, why_len);
	if (rc)
		return rc;
	l = ui_lang_find(lang);
	if (l < 0)
		l = ui_lang_find(i18n_lang() == VK_LANG_UK ? "uk" : "en");
	ui_sm_init(v->sm, a->event.name, a->event.walkins, l < 0 ? 0 : l, pin, ticks());
	v->sm->ops.ctx = v;
	v->sm->ops.find = view_find;
	v->sm->scanner = UI_SCANNER_NONE;
	ui_size(v->ui, &v->sm->w, &v->sm->h);
	return VK_OK;
}

static void view_close(struct view *v)
{
	search_free(v->search);
	ui_close(v->ui);
	free(v->sm);
	free(v->dl);
	ui_catalog_free();
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* ---- start and stop ----------------------------------------------------------------------- */
int app_run(const struct app_config *cfg, struct app_stats *stats, char *why, size_t why_len)
{
	struct app a = { .cfg = cfg };
	struct view v = { 0 };
	pthread_t door;
	int door_started = 0, rc;
	double t_start, last_frame, last_status = 0, pending_t[16];
	int n_pending = 0;
	uint64_t pv_seen = 0;
	struct app_stats local;
	db *d = NULL;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	atomic_store(&stop_flag, 0);
	pthread_mutex_init(&a.lock, NULL);
	a.tail = &a.head;
	rc = db_open(cfg->db_path, 0, &d, why, why_len);
	if (rc)
		goto out;
	rc = db_event_current(d, &a.event);
	db_close(d);
	if (rc) {
		snprintf(why, why_len, "%s", TR("the database has no event: create one first",
						"у базі даних немає заходу: спершу створіть його"));
		goto out;
	}
	rc = view_open(&a, &v, why, why_len);
	if (rc)
		goto out;
	if (cfg->out_dir) {
		char path[1200];
		mkdir(cfg->out_dir, 0755);
		snprintf(path, sizeof path, "%s/log.jsonl", cfg->out_dir);
		a.log = fopen(path, "a");
	}
	{
		struct printq_config pc = { .db_path = cfg->db_path, .printer_spec = cfg->printer_spec,
					    .event_name = a.event.name };
		char pwhy[256] = "";
		if (printq_open(&pc, on_print, &a, &a.q, pwhy, sizeof pwhy) != VK_OK || printq_start(a.q) != VK_OK) {
			/* the door still admits; badges wait in the queue for a printer */
			fprintf(stderr, "vkhid: printer: %s\n", pwhy);
			if (a.q)
				printq_close(a.q);
			a.q = NULL;
		}
	}
	if (pthread_create(&door, NULL, door_main, &a) != 0) {
		snprintf(why, why_len, "cannot start the door thread");
		rc = VK_ERR_NOMEM;
		goto out;
	}
	door_started = 1;

	t_start = last_frame = mono_ms();
	while (!atomic_load(&stop_flag) && !v.sm->quit) {
		SDL_Event e;
		struct ui_request rq;
		double now_ms = mono_ms(), gap;
		int64_t now = ticks();

		while (SDL_PollEvent(&e))
			if (ui_handle_event(v.ui, v.sm, &e, now))
				atomic_store(&stop_flag, 1);
		apply(&a, &v, take_all(&a), pending_t, &n_pending);
		while (ui_sm_next_request(v.sm, &rq)) {
			if (rq.kind == UI_REQ_QUIT)
				atomic_store(&stop_flag, 1);
			else
				give_request(&a, &rq);
		}
		if (now_ms - last_status > 500) {
			struct printq_status ps;
			if (a.q) {
				printq_get_status(a.q, &ps);
				ui_sm_printer(v.sm, ps.state, ps.queued, ps.printed, ps.model, now);
			} else {
				ui_sm_printer(v.sm, PRINTER_ABSENT, 0, 0, "", now);
			}
			ui_sm_wall(v.sm, clock_now_ms(&v.clock), clock_trusted(&v.clock));
			last_status = now_ms;
		}
		ui_sm_tick(v.sm, now);
		ui_sm_take_changed(v.sm);
		pthread_mutex_lock(&a.lock);
		if (a.pv_seq != pv_seen && a.preview) {
			ui_preview(v.ui, a.preview, a.pv_w, a.pv_h, a.pv_w);
			pv_seen = a.pv_seq;
		}
		pthread_mutex_unlock(&a.lock);
		ui_size(v.ui, &v.sm->w, &v.sm->h);
		ui_sm_layout(v.sm, v.sm->w, v.sm->h, v.dl);
		ui_draw(v.ui, v.dl, 0);
		now_ms = mono_ms();
		for (int i = 0; i < n_pending; i++)
			if (stats->greetings < APP_MAX_SAMPLES)
				stats->greet_ms[stats->greetings++] = now_ms - pending_t[i];
		n_pending = 0;
		gap = now_ms - last_frame;
		if (stats->frames > 0 && gap > stats->worst_frame_ms)
			stats->worst_frame_ms = gap;
		last_frame = now_ms;
		stats->frames++;
		if (cfg->exit_after_ms > 0 && now_ms - t_start >= cfg->exit_after_ms)
			break;
		/* without vsync (offscreen) a frame every 16 ms is plenty */
		if (cfg->headless)
			SDL_Delay(15);
	}
	stats->seconds = (mono_ms() - t_start) / 1000.0;
	stats->fps = stats->seconds > 0 ? stats->frames / stats->seconds : 0;
	if (cfg->screenshot) {
		ui_sm_layout(v.sm, v.sm->w, v.sm->h, v.dl);
		ui_draw(v.ui, v.dl, 1);
		ui_save_png(v.ui, cfg->screenshot);
	}
	rc = VK_OK;
out:
	if (door_started) {
		atomic_store(&a.door_stop, 1);
		pthread_join(door, NULL);
	}
	if (a.q) {
		struct printq_status ps;
		printq_get_status(a.q, &ps);
		stats->printed = (int)ps.printed;
		printq_close(a.q);
	}
	if (a.log)
		fclose(a.log);
	for (struct msg *m = take_all(&a), *next; m; m = next) {
		next = m->next;
		free(m);
	}
	if (v.sm)
		view_close(&v);
	free(a.preview);
	pthread_mutex_destroy(&a.lock);
	if (stats->greetings > 1)
		qsort(stats->greet_ms, (size_t)stats->greetings, sizeof(double), cmp_double);
	return rc;
}
