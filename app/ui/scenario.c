/* SPDX-License-Identifier: MIT */
/* The headless scenario runner (see scenario.h): parses a script line by line, puts
 * pictures in front of the door's simulated camera, sets its simulated printer, moves its
 * virtual clock, and steps the door (door/door.h, the loop every kiosk runs); prints a
 * readable account of what the door reported.
 *
 * Map: the account of notes; the screens (state machine on the kiosk's virtual clock,
 * requests carried out at once, screenshots); showing codes; sync with the hub (an enrolled
 * database only, and only when the script says `sync`, so a run without a hub stays the
 * same on every machine); the commands. */
#include "ui/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <sys/stat.h>

#include "badge/qr.h"
#include "badge/reprint.h"
#include "camera/camera.h"
#include "gpio/gpio.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/search.h"
#include "scan/scan.h"
#include "sync/client.h"
#include "sync/replica.h"
#include "ui/catalog.h"
#include "ui/org_doctor.h"
#include "ui/ui.h"

#define SHOW_MAX_FRAMES 30   /* about a second of camera frames */
#define MAX_LINE 4096

static const char *mark(enum checkin_outcome o)
{
	switch (o) {
	case CI_ADMITTED:
	case CI_WELCOME_BACK:
	case CI_SESSION_ADMITTED: return "✔";
	case CI_ALREADY_ADMITTED: return "↺";
	default: return "✘";
	}
}

static int64_t view_now(struct scenario *s);
static void sync_view(struct scenario *s, db *d, int online);

void scenario_note(void *ctx, const struct door_note *n)
{
	struct scenario *s = ctx;
	FILE *a = s->account;

	if (s->sm) {
		int64_t now = view_now(s);
		if (n->kind == DOOR_OUTCOME && n->source == DOOR_SRC_CAMERA)
			ui_sm_code_seen(s->sm, now); /* the guide frame turns green */
		if (n->kind == DOOR_OUTCOME)
			ui_sm_outcome(s->sm, n->result, n->wall_ms, now);
		else if (n->kind == DOOR_PRINTED || n->kind == DOOR_PRINT_ASSUMED)
			ui_sm_printed(s->sm, n->number, now);
		else if (n->kind == DOOR_PRINT_HELD)
			ui_sm_held(s->sm, n->number, n->printer_state, now);
		if (n->kind == DOOR_OUTCOME && n->source == DOOR_SRC_WALKIN && n->result->have_reg && s->search)
			search_put(s->search, &n->result->reg);
		if (n->kind == DOOR_OUTCOME && checkin_outcome_admits(n->result->outcome) && s->search)
			search_set_admitted(s->search, n->result->number, 1);
	}

	switch (n->kind) {
	case DOOR_OUTCOME: {
		const struct checkin_result *r = n->result;
		s->outcomes[r->outcome]++;
		s->last_outcome = r->outcome;
		snprintf(s->last_name, sizeof s->last_name, "%s", r->have_reg ? r->reg.display : "");
		if (!a)
			break;
		fprintf(a, "    %s %-17s", mark(r->outcome), checkin_outcome_word(r->outcome));
		if (r->have_reg)
			fprintf(a, " %s%s%s", r->reg.display, r->reg.organization[0] ? " · " : "",
				r->reg.organization);
		else if (r->number && r->outcome == CI_ADMITTED)
			fprintf(a, _(" ticket №%lld (not in this kiosk's list yet)"), (long long)r->number);
		fprintf(a, "  [%.1f ms]\n", n->ms);
		if (r->outcome == CI_ALREADY_ADMITTED) {
			char when[32];
			clock_format_local(r->first.wall_ms, when);
			fprintf(a, _("      first admitted %s at kiosk %s\n"), when, r->first.kiosk);
		} else if (r->outcome == CI_WRONG_EVENT && r->other_event[0]) {
			fprintf(a, _("      the ticket is for: %s\n"), r->other_event);
		}
		if (r->session_id) {
			char line[128];
			checkin_session_line(r, line, sizeof line);
			fprintf(a, "      %s\n", line);
		}
		if (!checkin_outcome_admits(r->outcome))
			fprintf(a, "      %s. %s\n", checkin_outcome_title(r->outcome),
				checkin_outcome_advice(r->outcome));
		break;
	}
	case DOOR_PRINTED:
		s->printed++;
		if (s->in_show && s->n_door < SCENARIO_MAX_SAMPLES)
			s->door_ms[s->n_door++] = clock_mono_ms() - s->show_t0;
		if (a)
			fprintf(a, _("      badge printed: %s  [%.1f ms]\n"), n->file && n->file[0] ? n->file : "-",
				n->ms);
		break;
	case DOOR_PRINT_ASSUMED:
		s->printed++;
		if (a)
			fprintf(a, "%s", _("      badge taken as printed (the printer was cut off after the print command)\n"));
		break;
	case DOOR_PRINT_HELD:
		s->held++;
		if (a)
			fprintf(a, _("      badge waits in the queue: printer %s (the check-in is saved)\n"),
				printer_state_name(n->printer_state));
		break;
	case DOOR_PRINT_FAILED:
		if (a)
			fprintf(a, "%s", _("      the badge cannot be printed: it was set aside\n"));
		break;
	case DOOR_PROBLEM:
		s->problem = 1;
		s->problems++;
		if (a)
			fprintf(a, "    ! %s\n", door_problem_text(n->problem));
		break;
	case DOOR_HUB_CODE:
		if (s->sm)
			ui_sm_hub_code(s->sm, n->code, n->code_len, view_now(s));
		if (a)
			fprintf(a, "%s", _("    a hub's enrollment code\n"));
		break;
	case DOOR_STAFF:
	case DOOR_CAMERA:
	case DOOR_FRAME:
		break;
	}
}

/* ---- the screens ----------------------------------------------------------------------- */
/* The screens run on the kiosk's clock: virtual in a scenario, so timeouts are the same on
 * every machine ("wait 6000" outlasts a greeting). */
static int64_t view_now(struct scenario *s)
{
	const struct vk_clock *c = door_clock(s->door);
	/* the virtual clock without the shifts of `advance` and of the organizer setting the
	 * time: a screen's timeout is about time passing, not about the date */
	return c->virtual_ms ? c->virtual_ms : clock_now_ms(c);
}

static int64_t view_wall(struct scenario *s)
{
	return clock_now_ms(door_clock(s->door));
}

static int view_find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	struct scenario *s = ctx;
	return s->search ? search_find(s->search, q, hits, max) : 0;
}

static int view_pin_check(void *ctx, const char *typed, int *tries_left, int64_t *locked_ms_left)
{
	struct scenario *s = ctx;
	struct pin_state st;
	int r = door_pin_check(s->door, typed, view_wall(s), &st);
	*tries_left = st.tries_left;
	*locked_ms_left = st.locked_ms_left;
	return r;
}

/* Logs the current screen and every text on it: {"event": "screen", ...}. With
 * drawn = 1 the frame was just drawn and each text gets its size and ink. */
static void view_log(struct scenario *s, const char *shot, const char *file, int drawn)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char when[32];
	int first = 1;
	if (!f)
		return;
	clock_format_local(view_wall(s), when);
	fprintf(f, "{\"time\": \"%s\", \"event\": \"screen\", \"screen\": \"%s\", \"lang\": \"%s\"", when,
		ui_screen_name(s->sm->screen), ui_lang_code(s->sm->screen == UI_GREETING && s->sm->guest_lang >= 0
							    ? s->sm->guest_lang : s->sm->lang));
	if (shot) {
		fputs(", \"screenshot\": ", f);
		json_cstr(f, shot);
		fputs(", \"file\": ", f);
		json_cstr(f, file);
		fprintf(f, ", \"w\": %d, \"h\": %d", s->dl->w, s->dl->h);
	}
	fputs(", \"texts\": [", f);
	for (int i = 0; i < s->dl->n; i++) {
		const struct ui_item *it = &s->dl->item[i];
		if ((it->kind != UI_IT_TEXT && it->kind != UI_IT_BUTTON) || !it->text[0])
			continue;
		fputs(first ? "{" : ", {", f);
		first = 0;
		fputs("\"text\": ", f);
		json_cstr(f, it->text);
		if (it->kind == UI_IT_BUTTON) {
			fputs(", \"button\": ", f);
			json_cstr(f, it->name);
		}
		fprintf(f, ", \"x\": %d, \"y\": %d, \"w\": %d, \"h\": %d, \"contrast\": %.1f", it->r.x, it->r.y,
			it->r.w, it->r.h, ui_contrast(it->fg, it->bg));
		if (drawn)
			fprintf(f, ", \"px\": %d, \"ink\": %.3f", ui_drawn_px(s->ui, i),
				ui_ink(s->ui, it->r, it->bg));
		fputc('}', f);
	}
	fputs("]}\n", f);
	fclose(f);
	if (s->screens) {
		fputs(buf, s->screens);
		fflush(s->screens);
	}
	free(buf);
}

/* Logs the screen when it changed since the last look. */
/* The organizer screen's readiness report, gathered at once (headless is one thread). */
static void view_doctor(struct scenario *s)
{
	struct printq_status ps;
	struct org_doctor_devices dev = { .camera_spec = "files:", .scanner = s->sm->scanner,
					  .printer = &ps };
	if (!s->doctor)
		s->doctor = org_doctor_new(door_database(s->door), 0);
	struct printer_status st;
	door_printer_status(s->door, &ps);
	/* headless, the printer is this thread's: its own word on model, roll and labels */
	if (door_printer(s->door) && printer_status(door_printer(s->door), &st) == PRINTER_OK) {
		ps.state = st.state;
		snprintf(ps.model, sizeof ps.model, "%s", st.model);
		ps.media = st.media;
		ps.labels_known = st.labels_known;
		ps.labels_left = st.labels_left;
		ps.near_end = st.near_end;
	}
	org_doctor_poll(s->doctor, s->sm, &dev, view_now(s));
}

static void view_settle(struct scenario *s)
{
	if (!s->sm)
		return;
	if (s->sm->screen == UI_ORG) {
		/* the queue as the organizer sees it (headless prints in this thread) */
		struct printer_status ps;
		enum printer_state state = s->sm->printer;
		struct printer *prn = door_printer(s->door);
		if (prn && printer_status(prn, &ps) == PRINTER_OK)
			state = ps.state;
		ui_sm_printer(s->sm, state, door_queue_length(s->door), s->printed, NULL, view_now(s));
		view_doctor(s);
	}
	ui_sm_tick(s->sm, view_now(s));
	ui_sm_take_changed(s->sm);
	if ((int)s->sm->screen != s->logged_screen) {
		s->logged_screen = s->sm->screen;
		ui_sm_layout(s->sm, s->view_w, s->view_h, s->dl);
		view_log(s, NULL, NULL, 0);
		if (s->account)
			fprintf(s->account, "    [screen: %s]\n", ui_screen_name(s->sm->screen));
	}
}

/* Carries out what the screens asked for, at once (headless is single-threaded): the
 * door reports outcomes through scenario_note, as for codes. */
static int view_requests(struct scenario *s)
{
	struct ui_request rq;
	struct door_result *res;
	if (!s->sm)
		return VK_OK;
	res = malloc(sizeof *res);
	if (!res)
		return VK_ERR_NOMEM;
	while (ui_sm_next_request(s->sm, &rq)) {
		int64_t now = view_now(s);
		if (s->account && rq.kind == UI_REQ_WALKIN)
			fprintf(s->account, "  walk-in %s\n", rq.a);
		else if (s->account && rq.kind == UI_REQ_CHECKIN)
			fprintf(s->account, "  find-me №%" PRId64 "\n", rq.number);
		if (rq.kind == UI_REQ_CHECKIN || rq.kind == UI_REQ_WALKIN || rq.kind == UI_REQ_PRESENT)
			s->last_outcome = -1;
		door_request(s->door, &rq, res);
		if (res->has_outcome)
			continue;
		if (rq.kind == UI_REQ_STATS && res->has_turnout) {
			ui_sm_turnout(s->sm, &res->turnout);
			continue;
		}
		if ((rq.kind == UI_REQ_REPRINT || rq.kind == UI_REQ_UNDO) && s->account)
			fprintf(s->account, "  %s %s: %s\n", rq.kind == UI_REQ_UNDO ? "undo" : "reprint", res->name,
				res->rc == VK_OK ? "done" : vk_strerror(res->rc));
		if (rq.kind == UI_REQ_QUIT && s->account)
			fprintf(s->account, "%s", _("  the organizer quit the kiosk\n"));
		ui_sm_wall(s->sm, view_wall(s), 1);
		ui_sm_done(s->sm, rq.kind, res->rc, res->name, now);
		if (rq.kind == UI_REQ_UNDO && res->rc == VK_OK && s->search)
			search_set_admitted(s->search, rq.number, 0);
		/* organizer actions change the turnout */
		if (rq.kind == UI_REQ_REPRINT || rq.kind == UI_REQ_UNDO) {
			struct ui_request st = { .kind = UI_REQ_STATS };
			door_request(s->door, &st, res);
			if (res->has_turnout)
				ui_sm_turnout(s->sm, &res->turnout);
		}
	}
	free(res);
	return VK_OK;
}

int scenario_screens_open(struct scenario *s, const char *out_dir, int w, int h, char *why,
			  size_t why_len)
{
	struct ui_config cfg = { .headless = 1, .w = w > 0 ? w : 800, .h = h > 0 ? h : 480 };
	struct door_settings set;
	char path[1200];
	int l, rc, fd;

	ui_catalog_load(NULL);
	rc = ui_open(&cfg, &s->ui, why, why_len);
	if (rc)
		return rc;
	s->sm = malloc(sizeof *s->sm);
	s->dl = malloc(sizeof *s->dl);
	if (!s->sm || !s->dl) {
		scenario_screens_close(s);
		return VK_ERR_NOMEM;
	}
	s->view_w = cfg.w;
	s->view_h = cfg.h;
	snprintf(s->out_dir, sizeof s->out_dir, "%s", out_dir);
	/* the screens show names: their log is kept apart from the door's, for the organizer */
	snprintf(path, sizeof path, "%s/screens.jsonl", out_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	s->screens = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!s->screens) {
		if (fd >= 0)
			close(fd);
		snprintf(why, why_len, _("cannot write %s"), path);
		scenario_screens_close(s);
		return VK_ERR_IO;
	}
	door_settings_get(s->door, &set);
	l = ui_lang_find(set.lang);
	if (l < 0)
		/* no ui.lang stored: Ukrainian, the working language (`vkhid setting` says so),
		 * unless VKHID_LANG names the process language for this run */
		l = getenv("VKHID_LANG") && *getenv("VKHID_LANG") ? i18n_lang() : ui_lang_find("uk");
	if (l < 0)
		l = i18n_lang();
	ui_sm_init(s->sm, door_event(s->door)->name, door_event(s->door)->walkins, l < 0 ? 0 : l, NULL, view_now(s));
	ui_sm_load_settings(s->sm, door_setting_read, s->door);
	s->sm->w = s->view_w;
	s->sm->h = s->view_h;
	s->sm->ops.ctx = s;
	s->sm->ops.find = view_find;
	s->sm->ops.pin_check = view_pin_check;
	ui_sm_wall(s->sm, view_wall(s), 1);
	if (strcmp(door_decider_name(s->door), "hub") == 0) {
		/* enrolled: the screens know the hub, not yet reached in this run */
		db *d = NULL;
		char reason[256];
		if (db_open(door_database(s->door), 0, &d, reason, sizeof reason) == VK_OK &&
		    sync_replica_init(d) == VK_OK)
			sync_view(s, d, 0);
		db_close(d);
	}
	if (door_search_open(s->door, &s->search) != VK_OK)
		s->search = NULL; /* Find me says nobody is found; the door still works */
	s->logged_screen = -1;
	view_settle(s);
	return VK_OK;
}

void scenario_screens_close(struct scenario *s)
{
	org_doctor_free(s->doctor);
	s->doctor = NULL;
	search_free(s->search);
	s->search = NULL;
	ui_close(s->ui);
	s->ui = NULL;
	free(s->sm);
	s->sm = NULL;
	free(s->dl);
	s->dl = NULL;
	if (s->screens)
		fclose(s->screens);
	s->screens = NULL;
	ui_catalog_free();
}

static void view_preview(struct scenario *s, const uint8_t *gray, int w, int h, int stride)
{
	if (s->ui)
		ui_preview(s->ui, gray, w, h, stride);
}

/* One camera frame, then the screens catch up (their timeouts, what they log). */
static int tick(struct scenario *s, int advance_ms)
{
	int rc = door_step(s->door, advance_ms);
	view_settle(s);
	return rc;
}

static int screenshot(struct scenario *s, const char *name, char *why, size_t why_len)
{
	char dir[1100], file[1300];
	snprintf(dir, sizeof dir, "%s/screens", s->out_dir);
	mkdir(dir, 0755);
	snprintf(file, sizeof file, "%s/%s.png", dir, name);
	ui_resize(s->ui, s->view_w, s->view_h);
	ui_sm_layout(s->sm, s->view_w, s->view_h, s->dl);
	ui_draw(s->ui, s->dl, 1);
	if (ui_save_png(s->ui, file) != VK_OK) {
		snprintf(why, why_len, _("cannot write %s"), file);
		return VK_ERR_IO;
	}
	view_log(s, name, file, 1);
	if (s->account)
		fprintf(s->account, "  screenshot %s (%s, %dx%d)\n", file, ui_screen_name(s->sm->screen),
			s->view_w, s->view_h);
	return VK_OK;
}

/* 1 when the screen now shows text (in a text or on a button). */
static int screen_shows(struct scenario *s, const char *text)
{
	ui_sm_layout(s->sm, s->view_w, s->view_h, s->dl);
	for (int i = 0; i < s->dl->n; i++)
		if (strstr(s->dl->item[i].text, text))
			return 1;
	return 0;
}

static void screen_dump(struct scenario *s)
{
	FILE *a = s->account ? s->account : stdout;
	ui_sm_layout(s->sm, s->view_w, s->view_h, s->dl);
	fprintf(a, "    screen %s, %dx%d:\n", ui_screen_name(s->sm->screen), s->view_w, s->view_h);
	for (int i = 0; i < s->dl->n; i++) {
		const struct ui_item *it = &s->dl->item[i];
		if (it->kind == UI_IT_BUTTON)
			fprintf(a, "      [%s] %s\n", it->name, it->text);
		else if (it->kind == UI_IT_TEXT)
			fprintf(a, "      %s\n", it->text);
	}
}

/* Taps at (x, y) the way a finger does: an SDL finger event through the window's event
 * handling, as on the touch screen. */
static void finger(struct scenario *s, Uint32 type, int x, int y, int dy)
{
	SDL_Event e;
	memset(&e, 0, sizeof e);
	e.type = type;
	e.tfinger.x = (float)x / (float)s->view_w;
	e.tfinger.y = (float)y / (float)s->view_h;
	e.tfinger.dy = (float)dy / (float)s->view_h;
	e.tfinger.pressure = 1;
	SDL_PushEvent(&e);
}

/* Taps at (x, y) the way a finger does: down and up through the window's event handling,
 * as on the touch screen (list cards act when the finger lifts, so a press can scroll). */
static void tap_at(struct scenario *s, int x, int y)
{
	SDL_Event e;
	ui_resize(s->ui, s->view_w, s->view_h);
	finger(s, SDL_FINGERDOWN, x, y, 0);
	finger(s, SDL_FINGERUP, x, y, 0);
	while (SDL_PollEvent(&e))
		ui_handle_event(s->ui, s->sm, &e, view_now(s));
}

/* A finger put down mid-window and dragged dy pixels (down positive), then lifted. */
static void drag(struct scenario *s, int dy)
{
	SDL_Event e;
	int x = s->view_w / 2, y = s->view_h / 2;
	ui_resize(s->ui, s->view_w, s->view_h);
	finger(s, SDL_FINGERDOWN, x, y, 0);
	for (int i = 1; i <= 4; i++)
		finger(s, SDL_FINGERMOTION, x, y + dy * i / 4, dy / 4);
	finger(s, SDL_FINGERUP, x, y + dy, 0);
	while (SDL_PollEvent(&e))
		ui_handle_event(s->ui, s->sm, &e, view_now(s));
}

/* Shows what the camera holds now for up to a second of frames, until the kiosk reacts;
 * then takes it away for long enough that the same code would count again. */
static int hold_in_view(struct scenario *s)
{
	int rc = 0;
	s->last_outcome = -1;
	s->last_name[0] = '\0';
	s->problem = 0;
	s->in_show = 1;
	for (int i = 0; i < SHOW_MAX_FRAMES; i++) {
		rc = tick(s, 0);
		if (rc != 0)
			break;
	}
	s->in_show = 0;
	if (rc < 0)
		return rc;
	if (s->last_outcome < 0 && !s->problem) {
		s->no_read++;
		if (s->account)
			fprintf(s->account, "%s", _("    · no code read\n"));
	}
	camera_sim_show(door_camera(s->door), NULL, 0, 0, 0);
	view_preview(s, NULL, 0, 0, 0);
	rc = tick(s, SCAN_GONE_MS + 100);
	return rc < 0 ? rc : VK_OK;
}

/* Draws TEXT as a QR code on a white 640x480 page, as a phone screen would show it. */
static int show_code(struct scenario *s, const char *text, char *why, size_t why_len)
{
	struct qr_image q;
	uint8_t *qr = NULL, *page = NULL;
	int side, rc, w = 640, h = 480;

	if (qr_encode(text, &q) != VK_OK) {
		snprintf(why, why_len, "%s", _("cannot draw that text as a QR code"));
		return VK_ERR_INVALID;
	}
	rc = qr_render_gray(&q, 4, 4, &qr, &side);
	qr_free(&q);
	if (rc != VK_OK)
		return rc;
	if (side > w)
		w = h = side;
	if (side > h)
		h = side;
	page = malloc((size_t)w * h);
	if (!page) {
		free(qr);
		return VK_ERR_NOMEM;
	}
	memset(page, 255, (size_t)w * h);
	for (int y = 0; y < side; y++)
		memcpy(page + (size_t)(y + (h - side) / 2) * w + (w - side) / 2, qr + (size_t)y * side,
		       (size_t)side);
	camera_sim_show(door_camera(s->door), page, w, h, w);
	view_preview(s, page, w, h, w);
	free(page);
	free(qr);
	return hold_in_view(s);
}

static int expect(struct scenario *s, char *arg, int line)
{
	char *name = strchr(arg, ' ');
	int want, ok;
	if (name) {
		*name++ = '\0';
		while (*name == ' ')
			name++;
	}
	want = strcmp(arg, "none") == 0 ? -1 : checkin_outcome_parse(arg);
	if (want < 0 && strcmp(arg, "none") != 0)
		return VK_ERR_INVALID;
	ok = s->last_outcome == want && (!name || !*name || strstr(s->last_name, name));
	if (ok) {
		s->expect_passed++;
		return VK_OK;
	}
	s->expect_failed++;
	if (s->account)
		fprintf(s->account, _("    !! line %d: expected %s%s%s, got %s%s%s\n"), line, arg,
			name && *name ? " " : "", name ? name : "",
			s->last_outcome < 0 ? "none" : checkin_outcome_word(s->last_outcome),
			s->last_name[0] ? " " : "", s->last_name);
	return VK_OK;
}

/* A staff action on a code: the door records and logs it; the run goes on whatever
 * came of it (a database failure is reported as the door's problem). */
static int staff(struct scenario *s, const char *code, int undo)
{
	int rc = door_staff_code(s->door, code, strlen(code), undo);
	if (rc == VK_ERR_REPRINT_LIMIT || rc == VK_ERR_REPRINT_NEEDS_ORGANIZER) {
		/* the core refused (badge.reprints_max): nothing recorded, nothing queued */
		if (s->account)
			fprintf(s->account, "    ✘ %s\n", badge_reprint_text(badge_reprint_verdict_of(rc)));
		return VK_OK;
	}
	if (s->account)
		fprintf(s->account, "    %s %s\n", rc == VK_OK ? "✔" : "✘",
			rc == VK_OK ? (undo ? _("check-in undone (recorded)") : _("reprint queued"))
			: rc == VK_ERR_NOT_FOUND || rc == VK_ERR_INVALID ? _("not checked in: nothing to do")
								       : _("not recorded: the database failed"));
	return VK_OK;
}

/* ---- sync with the hub ----------------------------------------------------------------- */
/* Tells the screens the link's state as the database holds it; online is the last round's
 * result (0 before any). */
static void sync_view(struct scenario *s, db *d, int online)
{
	struct ui_sync_state us;
	struct sync_link link;
	if (!s->sm)
		return;
	memset(&us, 0, sizeof us);
	if (sync_link_load(d, &link) == VK_OK) {
		us.enrolled = 1;
		us.online = online;
		snprintf(us.hub, sizeof us.hub, "%s", link.url);
		us.last_contact_ms = db_setting_int(d, "sync.last_contact_ms", 0);
		us.pending = sync_replica_pending_count(d);
		us.roster = sync_replica_cursor(d);
	}
	ui_sm_sync(s->sm, &us);
}

/* The scenario's `sync`: one round of push and pull, in this thread, with the kiosk's
 * health. A hub that cannot be reached is a state to show, not an error of the script. */
static int sync_once(struct scenario *s, int line, char *why, size_t why_len)
{
	struct sync_client *c = NULL;
	struct sync_report rep;
	struct sync_link link;
	struct sync_health h;
	char reason[512] = "";
	db *d = NULL;
	int rc;

	if (db_open(door_database(s->door), 0, &d, reason, sizeof reason) != VK_OK) {
		snprintf(why, why_len, _("line %d: %s"), line, reason);
		return VK_ERR_IO;
	}
	if (sync_replica_init(d) != VK_OK || sync_link_load(d, &link) != VK_OK) {
		db_close(d);
		snprintf(why, why_len, _("line %d: sync: this database is not enrolled with a hub "
					 "(vkhid sync enroll CODE)"), line);
		return VK_ERR_INVALID;
	}
	if (sync_client_new(&link, &c) != VK_OK) {
		db_close(d);
		return VK_ERR_NOMEM;
	}
	memset(&h, 0, sizeof h);
	snprintf(h.printer, sizeof h.printer, "%s",
		 sync_health_printer_word(s->sm ? (int)s->sm->printer : 0));
	snprintf(h.camera, sizeof h.camera, "%s",
		 sync_health_camera_word(s->sm ? s->sm->scanner : 0));
	h.queue = door_queue_length(s->door);
	h.clock_trusted = clock_trusted(door_clock(s->door));
	sync_client_set_health(c, &h);
	rc = sync_round(d, c, &rep, reason, sizeof reason);
	if (s->account) {
		if (rc == VK_OK)
			fprintf(s->account, _("  sync: in step with the hub (sent %zu, received %zu, "
					      "roster version %lld)\n"), rep.pushed, rep.pulled,
				(long long)rep.cursor);
		else
			fprintf(s->account, _("  sync: the hub cannot be reached: %s (%lld events wait)\n"),
				reason, (long long)rep.pending);
	}
	sync_view(s, d, rc == VK_OK);
	sync_client_free(c);
	db_close(d);
	return VK_OK;
}

/* `next-day [HH:MM]`, `day N [HH:MM]` and `at HH:MM`: the virtual clock moves to a local
 * time of the event's time zone (the process's TZ). Only `at` stays on the same day; `at`
 * and `next-day` never go back, `day N` may (a run starts at the real time; the log's
 * hybrid clock still only moves on). */
static int clock_step(struct scenario *s, const char *cmd, const char *arg, char *why,
		      size_t why_len)
{
	int64_t now = clock_now_ms(door_clock(s->door)), from, to, target;
	char date[16], when[48], hhmm[8] = "09:00";
	const char *t = arg;
	time_t tt;
	struct tm tm;

	if (strcmp(cmd, "day") == 0) {
		const struct db_event *ev = door_event(s->door);
		char *end;
		long n = strtol(arg, &end, 10);
		if (end == arg || n < 1 || n > 400 || !ev->starts[0]) {
			snprintf(why, why_len, "%s", _("day N wants a day of the event (1 = its first date; the "
						       "event must have dates)"));
			return VK_ERR_INVALID;
		}
		/* noon of the first date + (n - 1) days is on day n whatever summer time does */
		snprintf(when, sizeof when, "%s 12:00", ev->starts);
		if (clock_parse_local(when, &from) != 0)
			return VK_ERR_INVALID;
		tt = (time_t)(from / 1000) + (time_t)(n - 1) * 86400;
		t = end;
	} else if (strcmp(cmd, "next-day") == 0) {
		clock_day_bounds(now, &from, &to);
		tt = (time_t)(to / 1000) + 3600; /* inside the next day */
	} else {
		tt = (time_t)(now / 1000);
	}
	while (*t == ' ')
		t++;
	if (*t)
		snprintf(hhmm, sizeof hhmm, "%.5s", t);
	else if (strcmp(cmd, "at") == 0)
		return VK_ERR_INVALID;
	localtime_r(&tt, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	snprintf(when, sizeof when, "%s %s", date, hhmm);
	if (strlen(t) > 5 || clock_parse_local(when, &target) != 0) {
		snprintf(why, why_len, _("%s: '%s' is not a time of day (HH:MM)"), cmd, t);
		return VK_ERR_INVALID;
	}
	/* `day N` sets the clock (a run starts at the real time, which may be later on day N);
	 * the others only move on */
	if (target < now && strcmp(cmd, "day") != 0) {
		snprintf(why, why_len, _("%s %s: the clock only moves forward (it is %s now)"), cmd, arg, when);
		return VK_ERR_INVALID;
	}
	door_advance_clock(s->door, target - now);
	if (s->sm)
		ui_sm_wall(s->sm, view_wall(s), 1);
	if (s->account)
		fprintf(s->account, _("  clock: %s\n"), when);
	return VK_OK;
}

static int run_line(struct scenario *s, char *cmd, char *arg, const char *dir, int line,
		    char *why, size_t why_len)
{
	char path[4096], reason[512];
	int rc;

	if (strcmp(cmd, "show") == 0 && *arg) {
		if (arg[0] == '/')
			snprintf(path, sizeof path, "%s", arg);
		else
			snprintf(path, sizeof path, "%s/%s", dir, arg);
		if (s->account)
			fprintf(s->account, "  show %s\n", arg);
		s->show_t0 = clock_mono_ms();
		if (camera_sim_show_file(door_camera(s->door), path, reason, sizeof reason) != CAM_OK) {
			snprintf(why, why_len, _("line %d: %s"), line, reason);
			return VK_ERR_IO;
		}
		if (s->ui) {
			uint8_t *gray;
			int w, h;
			if (image_load_gray(path, &gray, &w, &h, reason, sizeof reason) == CAM_OK) {
				view_preview(s, gray, w, h, w);
				free(gray);
			}
		}
		return hold_in_view(s);
	}
	if (strcmp(cmd, "show-code") == 0 && *arg) {
		if (s->account)
			fprintf(s->account, "  show-code %.60s%s\n", arg, strlen(arg) > 60 ? "…" : "");
		s->show_t0 = clock_mono_ms();
		rc = show_code(s, arg, why, why_len);
		return rc;
	}
	if (strcmp(cmd, "sync") == 0 && !*arg)
		return sync_once(s, line, why, why_len);
	if (strcmp(cmd, "present") == 0 && *arg) {
		if (s->account)
			fprintf(s->account, "  present %.60s\n", arg);
		s->last_outcome = -1;
		s->last_name[0] = '\0';
		door_code(s->door, arg, strlen(arg));
		return VK_OK;
	}
	if (strcmp(cmd, "wait") == 0 && *arg) {
		long ms = strtol(arg, NULL, 10);
		if (ms <= 0 || ms > 3600000)
			goto bad;
		for (long t = 0; t < ms; t += 33)
			if ((rc = tick(s, 33)) < 0)
				return rc;
		return VK_OK;
	}
	if (strcmp(cmd, "expect") == 0 && *arg) {
		if (expect(s, arg, line) != VK_OK)
			goto bad;
		return VK_OK;
	}
	if (strcmp(cmd, "printer") == 0 && *arg) {
		int st = printer_state_parse(arg);
		if (st < 0)
			goto bad;
		if (s->account)
			fprintf(s->account, _("  printer: %s\n"), arg);
		if (!door_printer(s->door) || printer_sim_set_state(door_printer(s->door), st) != PRINTER_OK) {
			snprintf(why, why_len, _("line %d: the printer is not the simulated one"), line);
			return VK_ERR_INVALID;
		}
		if (s->sm)
			ui_sm_printer(s->sm, st, s->sm->printer_queued, s->sm->printer_printed, NULL, view_now(s));
		if (st == PRINTER_READY)
			door_print_pending(s->door);
		return VK_OK;
	}
	if (strcmp(cmd, "advance") == 0 && *arg) {
		char *end;
		long long sec = strtoll(arg, &end, 10);
		if (*end || sec < 0 || sec > 400LL * 86400)
			goto bad;
		door_advance_clock(s->door, sec * 1000);
		if (s->sm)
			ui_sm_wall(s->sm, view_wall(s), 1);
		if (s->account)
			fprintf(s->account, _("  clock +%llds\n"), sec);
		return VK_OK;
	}
	if (strcmp(cmd, "next-day") == 0 || strcmp(cmd, "day") == 0 || strcmp(cmd, "at") == 0)
		return clock_step(s, cmd, arg, why, why_len);
	if (strcmp(cmd, "door-session") == 0 && *arg) {
		char *end = NULL;
		long long id = strncmp(arg, "entrance", 8) == 0 ? 0 : strtoll(arg, &end, 10);
		int exit_door = end && strcmp(end, " exit") == 0;
		if (end && (id < 1 || (*end && !exit_door)))
			goto bad;
		if (!end && arg[8])
			goto bad;
		door_set_exit(s->door, exit_door);
		if (door_set_session(s->door, id) != VK_OK) {
			snprintf(why, why_len, _("the event has no session %s"), arg);
			return VK_ERR_INVALID;
		}
		if (s->account)
			fprintf(s->account, "  door-session %s\n", arg);
		return VK_OK;
	}
	if ((strcmp(cmd, "undo") == 0 || strcmp(cmd, "reprint") == 0) && *arg) {
		if (s->account)
			fprintf(s->account, "  %s %.40s\n", cmd, arg);
		return staff(s, arg, cmd[0] == 'u');
	}
	if (!s->sm && (strcmp(cmd, "tap") == 0 || strcmp(cmd, "type") == 0 || strcmp(cmd, "key") == 0
		       || strcmp(cmd, "screenshot") == 0 || (strncmp(cmd, "expect-", 7) == 0 && strcmp(cmd, "expect-light") != 0)
		       || strcmp(cmd, "size") == 0 || strcmp(cmd, "screen") == 0 || strcmp(cmd, "drag") == 0)) {
		snprintf(why, why_len, _("line %d: '%s' needs the kiosk's screens, and this run has none"), line, cmd);
		return VK_ERR_INVALID;
	}
	if (strcmp(cmd, "tap") == 0 && *arg) {
		int x, y;
		char extra;
		if (sscanf(arg, "%d %d %c", &x, &y, &extra) == 2) {
			if (x < 0 || y < 0 || x >= s->view_w || y >= s->view_h)
				goto bad;
			if (s->account)
				fprintf(s->account, "  tap %d %d\n", x, y);
			tap_at(s, x, y);
			return VK_OK;
		}
		if (s->account)
			fprintf(s->account, "  tap %s\n", arg);
		s->sm->w = s->view_w;
		s->sm->h = s->view_h;
		if (!ui_sm_button(s->sm, arg, view_now(s))) {
			snprintf(why, why_len, _("line %d: no button '%s' on the %s screen (`screen` lists them)"),
				 line, arg, ui_screen_name(s->sm->screen));
			return VK_ERR_INVALID;
		}
		return VK_OK;
	}
	if (strcmp(cmd, "expect-light") == 0 && *arg) {
		/* expect-light OUTPUT on|off: the simulated status light (--light sim) now */
		char outw[16], want[8], extra;
		int o, level;
		if (sscanf(arg, "%15s %7s %c", outw, want, &extra) != 2 || (o = gpio_output_parse(outw)) < 0
		    || (strcmp(want, "on") != 0 && strcmp(want, "off") != 0))
			goto bad;
		level = gpio_sim_level(door_light(s->door), (enum gpio_output)o);
		if (level < 0) {
			snprintf(why, why_len, _("line %d: expect-light needs the simulated light (--light sim)"), line);
			return VK_ERR_INVALID;
		}
		if (level == (want[1] == 'n')) {
			s->expect_passed++;
		} else {
			s->expect_failed++;
			if (s->account)
				fprintf(s->account, _("    !! line %d: expected the %s light %s, it is %s\n"), line, outw,
					want, level ? "on" : "off");
		}
		return VK_OK;
	}
	if (strcmp(cmd, "drag") == 0 && *arg) {
		char *end;
		long dy = strtol(arg, &end, 10);
		if (*end || dy < -4096 || dy > 4096)
			goto bad;
		if (s->account)
			fprintf(s->account, "  drag %ld\n", dy);
		drag(s, (int)dy);
		return VK_OK;
	}
	if (strcmp(cmd, "type") == 0 && *arg) {
		if (s->account)
			fprintf(s->account, "  type %s\n", arg);
		ui_sm_text(s->sm, arg, view_now(s));
		return VK_OK;
	}
	if (strcmp(cmd, "key") == 0 && *arg) {
		enum ui_key key;
		if (strcmp(arg, "backspace") == 0)
			key = UI_KEY_BACKSPACE;
		else if (strcmp(arg, "enter") == 0)
			key = UI_KEY_ENTER;
		else if (strcmp(arg, "escape") == 0)
			key = UI_KEY_ESCAPE;
		else
			goto bad;
		ui_sm_key(s->sm, key, view_now(s));
		return VK_OK;
	}
	if (strcmp(cmd, "screenshot") == 0 && *arg) {
		for (const char *p = arg; *p; p++)
			if (!(*p == '-' || *p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')
			      || (*p >= 'A' && *p <= 'Z')))
				goto bad;
		view_requests(s);
		view_settle(s);
		if (screenshot(s, arg, why, why_len) != VK_OK)
			return VK_ERR_IO;
		return VK_OK;
	}
	if (strcmp(cmd, "size") == 0 && *arg) {
		int w, h;
		char extra;
		if (sscanf(arg, "%d %d %c", &w, &h, &extra) != 2 || w < 320 || h < 240 || w > 4096 || h > 4096)
			goto bad;
		s->view_w = s->sm->w = w;
		s->view_h = s->sm->h = h;
		ui_resize(s->ui, w, h);
		return VK_OK;
	}
	if (strcmp(cmd, "screen") == 0) {
		screen_dump(s);
		return VK_OK;
	}
	if (strcmp(cmd, "expect-screen") == 0 && *arg) {
		if (ui_screen_parse(arg) < 0)
			goto bad;
		view_requests(s);
		view_settle(s);
		if ((int)s->sm->screen == ui_screen_parse(arg)) {
			s->expect_passed++;
		} else {
			s->expect_failed++;
			if (s->account)
				fprintf(s->account, _("    !! line %d: expected the %s screen, got %s\n"),
					line, arg, ui_screen_name(s->sm->screen));
		}
		return VK_OK;
	}
	if (strcmp(cmd, "expect-text") == 0 && *arg) {
		view_requests(s);
		view_settle(s);
		if (screen_shows(s, arg)) {
			s->expect_passed++;
		} else {
			s->expect_failed++;
			if (s->account) {
				fprintf(s->account, _("    !! line %d: the %s screen does not show '%s'\n"),
					line, ui_screen_name(s->sm->screen), arg);
				screen_dump(s);
			}
		}
		return VK_OK;
	}
bad:
	snprintf(why, why_len, _("line %d: cannot understand '%s %s' (see `vkhid run --help`)"), line, cmd, arg);
	return VK_ERR_INVALID;
}

int scenario_run(struct scenario *s, const char *path, char *why, size_t why_len)
{
	FILE *f = fopen(path, "r");
	char *line = malloc(MAX_LINE), *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	int n = 0, rc = VK_OK;

	s->last_outcome = -1;
	if (!f || !line || !copy) {
		snprintf(why, why_len, _("cannot read the scenario %s: %s"),
			 path, strerror(errno));
		rc = VK_ERR_IO;
		goto out;
	}
	while (fgets(line, MAX_LINE, f)) {
		char *p = line, *end, *arg;
		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, why_len, _("line %d is too long"), n);
			rc = VK_ERR_INVALID;
			goto out;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*p || *p == '#')
			continue;
		arg = p;
		while (*arg && *arg != ' ' && *arg != '\t')
			arg++;
		if (*arg) {
			*arg++ = '\0';
			while (*arg == ' ' || *arg == '\t')
				arg++;
		}
		rc = run_line(s, p, arg, dir, n, why, why_len);
		if (rc)
			goto out;
		/* what the screens asked for is done before the next line */
		rc = view_requests(s);
		if (rc)
			goto out;
		view_settle(s);
	}
out:
	if (f)
		fclose(f);
	free(line);
	free(copy);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double scenario_median_door_ms(const struct scenario *s)
{
	double tmp[SCENARIO_MAX_SAMPLES];
	if (!s->n_door)
		return 0;
	memcpy(tmp, s->door_ms, sizeof(double) * (size_t)s->n_door);
	qsort(tmp, (size_t)s->n_door, sizeof(double), cmp_double);
	return tmp[s->n_door / 2];
}
