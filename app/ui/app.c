/* SPDX-License-Identifier: MIT */
/* The threaded kiosk (app.h).
 *
 * Map: messages to the UI thread; the door's notes (door thread, printer worker); the
 * door thread; the UI thread (events, drawing, statistics); start and stop.
 *
 * The door itself (camera, scan, rules, log, badges) is door/door.h, the same loop the
 * headless scenario runner steps; here its thread calls door_step() in a loop and
 * door_request() for what the screens ask. The UI thread owns SDL, the state machine and
 * the name index. It never takes a lock that another thread holds for longer than a list
 * operation or a preview copy: the door's database writes and the printer's USB transfers
 * happen on their own threads. */
#include "ui/app.h"

#include <SDL.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera/camera.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/service.h"
#include "core/search.h"
#include "door/door.h"
#include "sync/worker.h"
#include "ui/org_doctor.h"
#include "ui/catalog.h"
#include "ui/ui.h"

#define PREVIEW_MAX_W 480    /* the preview is a guide, not a photograph: keep it cheap */
#define FRAME_MS 33          /* door thread pace for cameras that never wait (files:) */
#define SYNC_ROUND_MS 5000   /* a sync round this often (and at once after an admission) */

static atomic_int stop_flag;

void app_stop(void)
{
	atomic_store(&stop_flag, 1);
}

/* ---- messages to the UI thread ---------------------------------------------------------- */
enum msg_kind { MSG_OUTCOME, MSG_DONE, MSG_PRINTED, MSG_HELD, MSG_SCANNER, MSG_HUB_CODE };

struct msg {
	struct msg *next;
	enum msg_kind kind;
	struct ui_request rq;        /* MSG_DONE: what was asked */
	struct door_result res;      /* MSG_DONE: what it came to; MSG_OUTCOME: res.res */
	enum door_source source;     /* MSG_OUTCOME */
	double t_decoded;            /* MSG_OUTCOME from the camera: when the code was decoded */
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
	struct door *door;           /* stepped by the door thread only, once it runs */
	struct sync_worker *sync;    /* the background sync (enrolled kiosks), else NULL */
	int health_told;             /* the sync thread has had the kiosk's health once */
	struct org_doctor *doctor;   /* the organizer screen's readiness report */
	atomic_int door_stop;
	atomic_int door_done;        /* exit_at_end: the camera ended and every badge printed */
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

/* ---- the door's notes (door thread; printing notes from the printer worker) ---------- */
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

static const int scanner_state[] = {
	[DOOR_CAMERA_OK] = UI_SCANNER_OK, [DOOR_CAMERA_NONE] = UI_SCANNER_NONE,
	[DOOR_CAMERA_GONE] = UI_SCANNER_GONE, [DOOR_CAMERA_ENDED] = UI_SCANNER_ENDED,
};

static void on_door(void *ctx, const struct door_note *n)
{
	struct app *a = ctx;
	struct msg *m;

	if (n->kind == DOOR_FRAME) {
		publish_preview(a, n->frame);
		return;
	}
	if (n->kind == DOOR_PROBLEM) {
		fprintf(stderr, "vkhid: %s\n", door_problem_text(n->problem));
		return;
	}
	if (n->kind == DOOR_PRINTED && a->cfg->print_delay_ms > 0)
		SDL_Delay((Uint32)a->cfg->print_delay_ms); /* a slow printer holds its worker */
	m = calloc(1, sizeof *m);
	if (!m)
		return;
	m->wall_ms = n->wall_ms;
	switch (n->kind) {
	case DOOR_OUTCOME:
		/* what was just recorded goes up now, not at the next round */
		if (a->sync)
			sync_worker_poke(a->sync);
		m->kind = MSG_OUTCOME;
		m->res.res = *n->result;
		m->source = n->source;
		if (n->source == DOOR_SRC_CAMERA || n->source == DOOR_SRC_SCANNER)
			m->t_decoded = n->t_decoded;
		break;
	case DOOR_PRINTED:
	case DOOR_PRINT_ASSUMED:
		m->kind = MSG_PRINTED;
		m->number = n->number;
		break;
	case DOOR_PRINT_HELD:
		m->kind = MSG_HELD;
		m->number = n->number;
		m->state = n->printer_state;
		break;
	case DOOR_CAMERA:
		m->kind = MSG_SCANNER;
		m->scanner = scanner_state[n->camera_state];
		break;
	case DOOR_HUB_CODE:
		/* the code in rq.a (cut to its size), its full length in number: the screens
		 * refuse a code longer than a request holds */
		m->kind = MSG_HUB_CODE;
		snprintf(m->rq.a, sizeof m->rq.a, "%.*s", (int)(n->code_len < sizeof m->rq.a
							      ? n->code_len : sizeof m->rq.a - 1),
			 n->code);
		m->number = (int64_t)n->code_len;
		break;
	default:
		free(m);
		return;
	}
	post(a, m);
}

/* ---- the door thread ---------------------------------------------------------------------- */
static void *door_main(void *arg)
{
	struct app *a = arg;
	double last_ping = 0;

	while (!atomic_load(&a->door_stop)) {
		struct ui_request rq;
		double t0 = clock_mono_ms(), spent;
		int rc;

		/* systemd's watchdog (board/systemd/vkhid.service, WatchdogSec): pinged from the
		 * door loop, so a door stuck in a camera or the database restarts the kiosk */
		if (t0 - last_ping >= 1000) {
			service_watchdog();
			last_ping = t0;
		}

		while (take_request(a, &rq)) {
			struct msg *m = calloc(1, sizeof *m);
			if (!m)
				break;
			m->kind = MSG_DONE;
			m->rq = rq;
			door_request(a->door, &rq, &m->res);
			if (m->res.has_outcome) {
				/* the outcome itself came as a note, like any presentation */
				free(m);
				continue;
			}
			post(a, m);
		}
		rc = door_step(a->door, 0);
		if (rc == VK_ERR_NOT_FOUND && a->cfg->exit_at_end && door_queue_length(a->door) == 0) {
			pthread_mutex_lock(&a->lock);
			if (!a->req_n)
				atomic_store(&a->door_done, 1);
			pthread_mutex_unlock(&a->lock);
		}
		/* a camera that never waits (image files), or none at all, is paced like a real one */
		spent = clock_mono_ms() - t0;
		if (spent < FRAME_MS)
			SDL_Delay((Uint32)(FRAME_MS - spent));
	}
	return NULL;
}

/* ---- the UI thread ------------------------------------------------------------------------ */
struct view {
	struct ui *ui;
	struct ui_state *sm;
	struct ui_dlist *dl;
	struct search *search;
	struct vk_clock clock;       /* the wall clock the screens show (same shifts as the door's) */
	struct door *door;           /* for door_pin_check, which any thread may call */
};

static int view_find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	struct view *v = ctx;
	return v->search ? search_find(v->search, q, hits, max) : 0;
}

static int view_pin_check(void *ctx, const char *typed, int *tries_left, int64_t *locked_ms_left)
{
	struct view *v = ctx;
	struct pin_state st;
	int r = door_pin_check(v->door, typed, clock_now_ms(&v->clock), &st);
	*tries_left = st.tries_left;
	*locked_ms_left = st.locked_ms_left;
	return r;
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
		case MSG_HUB_CODE:
			ui_sm_hub_code(v->sm, m->rq.a, (size_t)m->number, now);
			break;
		case MSG_OUTCOME:
			if (m->source == DOOR_SRC_CAMERA)
				ui_sm_code_seen(v->sm, now); /* the guide frame turns green */
			ui_sm_outcome(v->sm, &m->res.res, m->wall_ms, now);
			if (m->source == DOOR_SRC_WALKIN && m->res.res.have_reg && v->search)
				search_put(v->search, &m->res.res.reg);
			if (checkin_outcome_admits(m->res.res.outcome) && v->search)
				search_set_admitted(v->search, m->res.res.number, 1);
			if (m->t_decoded > 0 && *n_pending < 16)
				pending_t[(*n_pending)++] = m->t_decoded;
			break;
		case MSG_DONE:
			if (m->res.has_turnout) {
				ui_sm_turnout(v->sm, &m->res.turnout);
			} else {
				if (m->rq.kind == UI_REQ_SET_CLOCK && m->res.rc == VK_OK) {
					v->clock.offset_ms += m->rq.ms;
					v->clock.trusted_override = 1;
				}
				ui_sm_done(v->sm, m->rq.kind, m->res.rc, m->res.name, now);
				if (m->rq.kind == UI_REQ_UNDO && m->res.rc == VK_OK && v->search)
					search_set_admitted(v->search, m->rq.number, 0);
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
				.w = a->cfg->w, .h = a->cfg->h, .title = "vkhid", .vsync = !a->cfg->headless,
				.rotation = a->cfg->rotation };
	struct door_settings set;
	int l, rc;

	ui_catalog_load(NULL);
	v->sm = malloc(sizeof *v->sm);
	v->dl = malloc(sizeof *v->dl);
	if (!v->sm || !v->dl)
		return VK_ERR_NOMEM;
	/* before the door thread starts: the door's connection is still this thread's */
	door_settings_get(a->door, &set);
	if (door_search_open(a->door, &v->search) != VK_OK)
		v->search = NULL; /* Find me finds nobody; the door still works */
	clock_init(&v->clock, 0);
	rc = ui_open(&uc, &v->ui, why, why_len);
	if (rc)
		return rc;
	l = ui_lang_find(set.lang);
	if (l < 0)
		/* no ui.lang stored: Ukrainian, the working language (`vkhid setting` says so),
		 * unless VKHID_LANG names the process language for this run */
		l = getenv("VKHID_LANG") && *getenv("VKHID_LANG") ? i18n_lang() : ui_lang_find("uk");
	if (l < 0)
		l = i18n_lang();
	ui_sm_init(v->sm, door_event(a->door)->name, door_event(a->door)->walkins, l < 0 ? 0 : l, NULL, ticks());
	ui_sm_load_settings(v->sm, door_setting_read, a->door);
	v->door = a->door;
	v->sm->ops.ctx = v;
	v->sm->ops.find = view_find;
	v->sm->ops.pin_check = view_pin_check;
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

/* The sync thread's state to the screens, and the kiosk's health to the sync thread. */
static void feed_sync(struct app *a, struct view *v, const struct printq_status *ps)
{
	struct sync_worker_state ws;
	struct ui_sync_state us;
	struct sync_health h;

	sync_worker_get(a->sync, &ws);
	memset(&us, 0, sizeof us);
	us.enrolled = 1;
	us.online = ws.online;
	snprintf(us.hub, sizeof us.hub, "%s", ws.hub);
	us.last_contact_ms = ws.last_contact_ms;
	us.pending = ws.pending;
	us.roster = ws.cursor;
	ui_sm_sync(v->sm, &us);
	if (ws.clock_from_hub) {
		/* the screens' clock shows the hub's time, as the door's clock keeps it */
		v->clock.offset_ms = ws.clock_offset_ms;
		v->clock.trusted_override = 1;
	}
	memset(&h, 0, sizeof h);
	snprintf(h.printer, sizeof h.printer, "%s", sync_health_printer_word(ps->state));
	snprintf(h.camera, sizeof h.camera, "%s", sync_health_camera_word(v->sm->scanner));
	h.queue = ps->queued;
	h.clock_trusted = clock_trusted(&v->clock);
	h.pending = ws.pending;
	sync_worker_set_health(a->sync, &h);
	if (!a->health_told) {
		/* the first round ran before the health was known: the hub hears it now */
		a->health_told = 1;
		sync_worker_poke(a->sync);
	}
}

/* The organizer screen's readiness report: what the kiosk sees of its devices now. */
static void feed_doctor(struct app *a, struct view *v, const struct printq_status *ps, int64_t now)
{
	struct org_doctor_devices dev = { .camera_spec = a->cfg->camera_spec, .scanner = v->sm->scanner,
					  .printer_spec = a->cfg->printer_spec, .printer = ps };
	if (!a->doctor)
		return;
	pthread_mutex_lock(&a->lock);
	dev.gray = a->preview;
	dev.w = dev.stride = a->pv_w;
	dev.h = a->pv_h;
	org_doctor_poll(a->doctor, v->sm, &dev, now);
	pthread_mutex_unlock(&a->lock);
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
	struct door_config dc = { .database = cfg->database, .camera_spec = cfg->camera_spec,
				  .printer_spec = cfg->printer_spec, .out_dir = cfg->out_dir,
				  .light_spec = cfg->light_spec, .frame_ms = FRAME_MS,
				  .session_id = cfg->session_id, .session_exit = cfg->session_exit };

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	atomic_store(&stop_flag, 0);
	pthread_mutex_init(&a.lock, NULL);
	a.tail = &a.head;
	/* the door: database, rules, log, print queue and its worker; the camera is opened by
	 * the door thread (and looked for again when it goes) */
	rc = door_open(&dc, on_door, &a, &a.door, why, why_len);
	if (rc)
		goto out;
	rc = view_open(&a, &v, why, why_len);
	if (rc)
		goto out;
	a.doctor = org_doctor_new(cfg->database, 1); /* NULL (out of memory): no report */
	/* an enrolled kiosk syncs by itself; its own connection, never in the door's way */
	if (strcmp(door_decider_name(a.door), "hub") == 0 &&
	    sync_worker_start(cfg->database, SYNC_ROUND_MS, &a.sync) != VK_OK) {
		fprintf(stderr, "%s", _("vkhid: cannot start the sync thread: the kiosk decides "
					"alone until restarted\n"));
		a.sync = NULL;
	}
	if (pthread_create(&door, NULL, door_main, &a) != 0) {
		snprintf(why, why_len, "%s", _("cannot start the door thread"));
		rc = VK_ERR_NOMEM;
		goto out;
	}
	door_started = 1;

	t_start = last_frame = clock_mono_ms();
	while (!atomic_load(&stop_flag) && !v.sm->quit && !atomic_load(&a.door_done)) {
		SDL_Event e;
		struct ui_request rq;
		double now_ms = clock_mono_ms(), gap;
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
			door_printer_status(a.door, &ps);
			ui_sm_printer(v.sm, ps.state, ps.queued, ps.printed, ps.model, now);
			if (a.sync)
				feed_sync(&a, &v, &ps);
			ui_sm_wall(v.sm, clock_now_ms(&v.clock), clock_trusted(&v.clock));
			feed_doctor(&a, &v, &ps, now);
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
		now_ms = clock_mono_ms();
		for (int i = 0; i < n_pending; i++)
			if (stats->greetings < APP_MAX_SAMPLES)
				stats->greet_ms[stats->greetings++] = now_ms - pending_t[i];
		n_pending = 0;
		gap = now_ms - last_frame;
		if (stats->frames > 0 && gap > stats->worst_frame_ms)
			stats->worst_frame_ms = gap;
		last_frame = now_ms;
		if (stats->frames++ == 0)
			/* the screen is drawn, the database open, the door thread looking at the
			 * camera: systemd may count the kiosk as started (Type=notify) */
			service_ready(_("The kiosk is open"));
		if (cfg->exit_after_ms > 0 && now_ms - t_start >= cfg->exit_after_ms)
			break;
		/* without vsync (offscreen) a frame every 16 ms is plenty */
		if (cfg->headless)
			SDL_Delay(15);
	}
	stats->seconds = (clock_mono_ms() - t_start) / 1000.0;
	stats->fps = stats->seconds > 0 ? stats->frames / stats->seconds : 0;
	if (cfg->screenshot) {
		ui_sm_layout(v.sm, v.sm->w, v.sm->h, v.dl);
		ui_draw(v.ui, v.dl, 1);
		ui_save_png(v.ui, cfg->screenshot);
	}
	rc = VK_OK;
out:
	service_stopping();
	sync_worker_stop(a.sync); /* waits for a round in progress, at most one call's timeout */
	if (door_started) {
		atomic_store(&a.door_stop, 1);
		pthread_join(door, NULL);
	}
	org_doctor_free(a.doctor); /* waits for a gathering in progress */
	if (a.door) {
		struct printq_status ps;
		door_printer_status(a.door, &ps);
		stats->printed = (int)ps.printed;
		door_close(a.door); /* finishes the label in progress */
	}
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
