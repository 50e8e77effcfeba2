/* SPDX-License-Identifier: MIT */
/* The screen state machine and the layouts of the screens (screen.h). No SDL here: the
 * layouts are display lists in pixels, drawn by ui.c and read by the tests.
 *
 * Map: names and small helpers; the requests queue; inputs (outcomes, printer, scanner,
 * results of requests); taps and keys; timeouts; layouts, one function per screen.
 *
 * Sizes scale with the window: 1.0 at 800x480 (the official 7" Pi display), 2.25 at
 * 1920x1080; a portrait window stacks what a landscape one puts side by side. */
#include "ui/screen.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "badge/printmsg.h"
#include "core/i18n.h"
#include "core/text.h"
#include "ui/keyboard.h"
#include "ui/palette.h"

/* ---- names and small helpers --------------------------------------------------------- */
static const char *const screen_names[UI_SCREEN_COUNT] = {
	"welcome", "greeting", "refused", "find", "confirm", "walkin", "pin", "organizer", "clock",
};

const char *ui_screen_name(enum ui_screen s)
{
	return (unsigned)s < UI_SCREEN_COUNT ? screen_names[s] : "?";
}

int ui_screen_parse(const char *name)
{
	for (int i = 0; i < UI_SCREEN_COUNT; i++)
		if (strcmp(name, screen_names[i]) == 0)
			return i;
	return -1;
}

static double lin(uint32_t c8)
{
	double c = (double)c8 / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(uint32_t rgb)
{
	return 0.2126 * lin((rgb >> 16) & 255) + 0.7152 * lin((rgb >> 8) & 255) + 0.0722 * lin(rgb & 255);
}

double ui_contrast(uint32_t a, uint32_t b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* Appends text to s (capacity cap) when it fits whole. */
static void append(char *s, size_t cap, const char *text)
{
	size_t n = strlen(s), t = strlen(text);
	if (n + t < cap)
		memcpy(s + n, text, t + 1);
}

/* Upper case of one letter (a character string), in place, for walk-in names. */
static void capitalise(char *ch, size_t cap)
{
	char up[8];
	text_upper_char(ch, up, sizeof up);
	text_copy(ch, cap, up);
}

static int is_staff_screen(enum ui_screen s)
{
	return s == UI_PIN || s == UI_ORG || s == UI_CLOCK;
}

static void go(struct ui_state *st, enum ui_screen s)
{
	if (s == UI_WELCOME && st->screen != UI_WELCOME) {
		/* the next attendee starts in the kiosk's language, with nothing of the last one */
		st->lang = st->default_lang;
		st->query[0] = '\0';
		st->n_hits = 0;
		memset(st->field, 0, sizeof st->field);
		st->pin_typed[0] = '\0';
	}
	if (s != st->screen)
		st->changed = 1;
	st->wedge[0] = '\0';
	st->screen = s;
	st->since = st->now;
	st->last_input = st->now;
}

static void add_problem(struct ui_state *st, const char *text)
{
	if (st->n_problems == UI_MAX_PROBLEMS) {
		memmove(&st->problems[0], &st->problems[1], sizeof st->problems[0] * (UI_MAX_PROBLEMS - 1));
		st->n_problems--;
	}
	st->problems[st->n_problems].at_wall = st->wall_ms;
	snprintf(st->problems[st->n_problems].text, sizeof st->problems[0].text, "%s", text);
	st->n_problems++;
	st->changed = 1;
}

static void request(struct ui_state *st, const struct ui_request *rq)
{
	if (st->req_n == UI_MAX_REQUESTS)
		return; /* the door thread is far behind: a tap more is dropped, never blocks */
	st->req[(st->req_head + st->req_n) % UI_MAX_REQUESTS] = *rq;
	st->req_n++;
}

int ui_sm_next_request(struct ui_state *st, struct ui_request *out)
{
	if (!st->req_n)
		return 0;
	*out = st->req[st->req_head];
	st->req_head = (st->req_head + 1) % UI_MAX_REQUESTS;
	st->req_n--;
	return 1;
}

int ui_sm_take_changed(struct ui_state *st)
{
	int c = st->changed;
	st->changed = 0;
	return c;
}

void ui_sm_init(struct ui_state *st, const char *event_name, int walkins, int lang,
		const char *pin, int64_t now)
{
	memset(st, 0, sizeof *st);
	snprintf(st->event_name, sizeof st->event_name, "%s", event_name ? event_name : "");
	st->walkins = walkins;
	st->lang = st->default_lang = lang;
	snprintf(st->pin, sizeof st->pin, "%s", pin && *pin ? pin : UI_DEFAULT_PIN);
	st->now = st->since = st->last_input = now;
	st->guest_lang = -1;
	st->w = 800;
	st->h = 480;
	st->printer = PRINTER_READY;
	st->changed = 1;
}

/* ---- inputs ---------------------------------------------------------------------------- */
static const char *T(const struct ui_state *st, const char *msgid)
{
	return i18n_tr(st->lang, msgid);
}

/* "2026-11-23 10:15" from wall ms (local time) */
static void when_text(int64_t ms, char *out, size_t cap)
{
	char buf[32];
	clock_format_local(ms, buf);
	snprintf(out, cap, "%.16s", buf);
}

/* A ticket's day number (days since 2020-01-01) as a date. */
static void day_text(int day, char *out, size_t cap)
{
	time_t t = (time_t)1577836800 + (time_t)day * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, cap, "%d.%m.%Y", &tm);
}

static const char *outcome_short(const struct ui_state *st, int o)
{
	return checkin_outcome_short_in(st->lang, o);
}

void ui_sm_outcome(struct ui_state *st, const struct checkin_result *r, int64_t wall_ms,
		   int64_t now)
{
	char when[32];
	st->now = now;
	st->wall_ms = wall_ms;
	if (is_staff_screen(st->screen) || (st->purpose != UI_FOR_CHECKIN
					    && (st->screen == UI_FIND || st->screen == UI_CONFIRM))) {
		snprintf(st->org_message, sizeof st->org_message, T(st, "Scanned: %s, %s"),
			 r->have_reg ? r->reg.display : "-", outcome_short(st, r->outcome));
		st->changed = 1;
		return;
	}
	st->outcome = r->outcome;
	st->number = r->number;
	st->job_id = r->job_id;
	st->detail[0] = '\0';
	snprintf(st->name, sizeof st->name, "%s", r->have_reg ? r->reg.display : "");
	snprintf(st->organization, sizeof st->organization, "%s", r->have_reg ? r->reg.organization : "");
	snprintf(st->category, sizeof st->category, "%s", r->have_reg ? r->reg.category : "");
	st->guest_lang = -1;
	/* greet people in their own language unless they chose one on the welcome screen */
	if (r->have_reg && st->lang == st->default_lang)
		st->guest_lang = i18n_lang_find(r->reg.lang);
	if (r->outcome == CI_ADMITTED) {
		if (!st->name[0])
			snprintf(st->name, sizeof st->name, T(st, "Participant %lld"), (long long)r->number);
		st->print = r->job_id ? UI_PRINT_QUEUED : UI_PRINT_NONE;
		st->print_since = now;
		if (r->job_id && st->printer != PRINTER_READY)
			st->print = UI_PRINT_HELD;
		go(st, UI_GREETING);
		st->changed = 1;
		return;
	}
	switch (r->outcome) {
	case CI_ALREADY_ADMITTED:
		when_text(r->first.wall_ms, when, sizeof when);
		snprintf(st->detail, sizeof st->detail, T(st, "First check-in: %s, kiosk %s."), when,
			 r->first.kiosk);
		break;
	case CI_WRONG_EVENT:
		if (r->other_event[0])
			snprintf(st->detail, sizeof st->detail, T(st, "This ticket is for: %s."), r->other_event);
		break;
	case CI_NOT_VALID_NOW: {
		char from[32], to[32];
		day_text(r->valid_from_day, from, sizeof from);
		day_text(r->valid_from_day + (r->valid_days > 0 ? r->valid_days - 1 : 0), to, sizeof to);
		snprintf(st->detail, sizeof st->detail, T(st, "The ticket is valid from %s to %s."), from, to);
		break;
	}
	default:
		break;
	}
	go(st, UI_REFUSED);
	st->changed = 1;
	{
		char p[200];
		snprintf(p, sizeof p, "%s%s%.120s", outcome_short(st, r->outcome), st->name[0] ? ": " : "",
			 st->name);
		if (r->outcome != CI_UNKNOWN && r->outcome != CI_MALFORMED)
			add_problem(st, p);
	}
}

void ui_sm_printed(struct ui_state *st, int64_t number, int64_t now)
{
	st->now = now;
	if (st->screen == UI_GREETING && number == st->number && st->print != UI_PRINT_DONE) {
		st->print = UI_PRINT_DONE;
		st->print_since = now;
		st->changed = 1;
	}
}

void ui_sm_held(struct ui_state *st, int64_t number, enum printer_state state, int64_t now)
{
	st->now = now;
	if (st->printer != state) {
		st->printer = state;
		if (state != PRINTER_READY)
			add_problem(st, printq_state_text_in(st->lang, state));
	}
	if (st->screen == UI_GREETING && number == st->number && st->print == UI_PRINT_QUEUED) {
		st->print = UI_PRINT_HELD;
		st->print_since = now;
		st->changed = 1;
	}
}

void ui_sm_printer(struct ui_state *st, enum printer_state state, int64_t queued,
		   int64_t printed, const char *model, int64_t now)
{
	st->now = now;
	if (state != st->printer) {
		if (state != PRINTER_READY)
			add_problem(st, printq_state_text_in(st->lang, state));
		st->printer = state;
		st->changed = 1;
	}
	if (queued != st->printer_queued || printed != st->printer_printed)
		st->changed = 1;
	st->printer_queued = queued;
	st->printer_printed = printed;
	if (model)
		snprintf(st->printer_model, sizeof st->printer_model, "%s", model);
}

/* The camera as staff read it on the organizer screen. Sized by its last row, so the
 * assertion catches a state added at the end without its text. */
static const char *const scanner_texts[] = {
	[UI_SCANNER_OK] = N_("Camera: working"),
	[UI_SCANNER_NONE] = N_("Camera: no picture yet"),
	[UI_SCANNER_GONE] = N_("Camera: disconnected"),
	[UI_SCANNER_ENDED] = N_("Camera: the image files have ended"),
};
_Static_assert(sizeof scanner_texts / sizeof scanner_texts[0] == UI_SCANNER_COUNT,
	       "one text per camera state");

const char *ui_scanner_text_in(int lang, int sc)
{
	return (unsigned)sc < UI_SCANNER_COUNT && scanner_texts[sc] ? i18n_tr(lang, scanner_texts[sc]) : "?";
}

void ui_sm_scanner(struct ui_state *st, enum ui_scanner_state sc, int64_t now)
{
	st->now = now;
	if ((int)sc != st->scanner) {
		if (sc == UI_SCANNER_GONE)
			add_problem(st, T(st, "The camera was disconnected"));
		st->scanner = sc;
		st->changed = 1;
	}
}

void ui_sm_wall(struct ui_state *st, int64_t wall_ms, int trusted)
{
	st->wall_ms = wall_ms;
	st->clock_trusted = trusted;
}

void ui_sm_turnout(struct ui_state *st, const struct ui_turnout *t)
{
	st->turnout = *t;
	st->turnout.valid = 1;
	st->changed = 1;
}

void ui_sm_done(struct ui_state *st, enum ui_req_kind kind, int rc, const char *name, int64_t now)
{
	const char *who = name && *name ? name : "-";
	st->now = now;
	st->changed = 1;
	switch (kind) {
	case UI_REQ_REPRINT:
		if (rc == VK_OK)
			snprintf(st->org_message, sizeof st->org_message, T(st, "Badge queued again for %s."), who);
		else if (rc == VK_ERR_EXISTS)
			snprintf(st->org_message, sizeof st->org_message,
				 T(st, "%s has had every reprint allowed (setting badge.reprints_max)."), who);
		else
			snprintf(st->org_message, sizeof st->org_message,
				 T(st, "%s is not checked in: no badge to reprint."), who);
		break;
	case UI_REQ_UNDO:
		if (rc == VK_OK)
			snprintf(st->org_message, sizeof st->org_message,
				 T(st, "Check-in of %s undone (kept in the log)."), who);
		else
			snprintf(st->org_message, sizeof st->org_message,
				 T(st, "%s is not checked in: nothing to undo."), who);
		break;
	case UI_REQ_CHECKIN:
	case UI_REQ_WALKIN:
		if (rc != VK_OK) {
			/* the door thread could not record it: never leave the attendee guessing */
			st->outcome = CI_OUTCOME_COUNT;
			snprintf(st->name, sizeof st->name, "%s", name ? name : "");
			st->detail[0] = '\0';
			go(st, UI_REFUSED);
			add_problem(st, T(st, "A check-in could not be recorded"));
		}
		break;
	case UI_REQ_SET_CLOCK:
		snprintf(st->org_message, sizeof st->org_message, "%s",
			 rc == VK_OK ? T(st, "The clock is set.") : T(st, "The clock could not be set."));
		break;
	case UI_REQ_SETTING:
		if (rc != VK_OK)
			snprintf(st->org_message, sizeof st->org_message, "%s",
				 T(st, "The setting could not be saved."));
		break;
	default:
		break;
	}
}

/* ---- taps and keys --------------------------------------------------------------------- */
static void search_now(struct ui_state *st)
{
	st->n_hits = 0;
	if (st->ops.find && st->query[0]) {
		int n = st->ops.find(st->ops.ctx, st->query, st->hits, UI_MAX_HITS);
		st->n_hits = n > 0 ? n : 0;
	}
	st->changed = 1;
}

static int letters_kbd(const struct ui_state *st)
{
	return st->lang == i18n_lang_find("uk") ? UI_KBD_UK : UI_KBD_EN;
}

static void open_find(struct ui_state *st, int purpose)
{
	st->purpose = purpose;
	st->query[0] = '\0';
	st->n_hits = 0;
	st->kbd = letters_kbd(st);
	go(st, UI_FIND);
}

/* Text typed into the field the screen edits. */
static void type_text(struct ui_state *st, const char *text)
{
	if (st->screen == UI_WELCOME || st->screen == UI_GREETING || st->screen == UI_REFUSED) {
		/* a keyboard-wedge scanner types the code and Enter */
		append(st->wedge, sizeof st->wedge, text);
	} else if (st->screen == UI_FIND) {
		append(st->query, sizeof st->query, text);
		search_now(st);
	} else if (st->screen == UI_WALKIN) {
		char ch[8];
		char *f = st->field[st->focus];
		size_t n = strlen(f);
		if (st->focus == 0 && strlen(text) < sizeof ch && (n == 0 || f[n - 1] == ' ' || f[n - 1] == '-')) {
			snprintf(ch, sizeof ch, "%s", text);
			capitalise(ch, sizeof ch);
			append(f, sizeof st->field[0], ch);
		} else {
			append(f, sizeof st->field[0], text);
		}
		st->changed = 1;
	} else if (st->screen == UI_PIN) {
		for (const char *p = text; *p; p++)
			if (*p >= '0' && *p <= '9' && strlen(st->pin_typed) < sizeof st->pin_typed - 1) {
				char d[2] = { *p, 0 };
				append(st->pin_typed, sizeof st->pin_typed, d);
			}
		st->changed = 1;
	}
}

static void backspace(struct ui_state *st)
{
	if (st->screen == UI_FIND) {
		text_utf8_pop(st->query);
		search_now(st);
	} else if (st->screen == UI_WALKIN) {
		text_utf8_pop(st->field[st->focus]);
	} else if (st->screen == UI_PIN) {
		text_utf8_pop(st->pin_typed);
	}
	st->changed = 1;
}

static void pin_enter(struct ui_state *st)
{
	if (st->pin_locked_until > st->now)
		return;
	if (strcmp(st->pin_typed, st->pin) == 0) {
		st->pin_wrong = 0;
		st->pin_typed[0] = '\0';
		st->org_message[0] = '\0';
		go(st, UI_ORG);
		{
			struct ui_request rq = { .kind = UI_REQ_STATS };
			request(st, &rq);
		}
		return;
	}
	st->pin_typed[0] = '\0';
	st->pin_wrong++;
	if (st->pin_wrong >= UI_PIN_TRIES) {
		st->pin_locked_until = st->now + UI_PIN_LOCK_MS;
		st->pin_wrong = 0;
		add_problem(st, T(st, "Organizer mode locked after wrong PINs"));
	}
	st->changed = 1;
}

static void walkin_submit(struct ui_state *st)
{
	struct ui_request rq = { .kind = UI_REQ_WALKIN };
	char name[128];
	snprintf(name, sizeof name, "%s", st->field[0]);
	while (strlen(name) && name[strlen(name) - 1] == ' ')
		name[strlen(name) - 1] = '\0';
	if (!name[0] || !strchr(name, ' ')) {
		snprintf(st->note, sizeof st->note, "%s", T(st, "Type your given name and family name."));
		st->focus = 0;
		st->changed = 1;
		return;
	}
	if (st->field[2][0] && !strchr(st->field[2], '@')) {
		snprintf(st->note, sizeof st->note, "%s", T(st, "The e-mail address needs an @."));
		st->focus = 2;
		st->changed = 1;
		return;
	}
	snprintf(rq.a, sizeof rq.a, "%s", name);
	snprintf(rq.b, sizeof rq.b, "%s", st->field[1]);
	snprintf(rq.c, sizeof rq.c, "%s", st->field[2]);
	request(st, &rq);
	st->note[0] = '\0';
	/* the greeting comes with the outcome; until then the form says it is working */
	snprintf(st->note, sizeof st->note, "%s", T(st, "Registering..."));
	st->changed = 1;
}

/* What a named button does on the current screen. */
static void press(struct ui_state *st, const char *name)
{
	char text[16];
	int k;

	st->last_input = st->now;
	if (strncmp(name, "lang-", 5) == 0) {
		int l = i18n_lang_find(name + 5);
		if (l >= 0)
			st->lang = l;
		st->changed = 1;
		return;
	}
	if ((k = ui_kbd_press(name, &st->kbd, text, sizeof text)) != 0) {
		if (k == 1)
			type_text(st, text);
		else if (k == 2)
			backspace(st);
		else if (st->kbd < 0)
			st->kbd = letters_kbd(st);
		st->changed = 1;
		return;
	}
	switch (st->screen) {
	case UI_WELCOME:
		if (strcmp(name, "find") == 0)
			open_find(st, UI_FOR_CHECKIN);
		else if (strcmp(name, "org") == 0)
			go(st, UI_PIN);
		break;
	case UI_GREETING:
		break;
	case UI_REFUSED:
		if (strcmp(name, "ok") == 0)
			go(st, UI_WELCOME);
		else if (strcmp(name, "find") == 0)
			open_find(st, UI_FOR_CHECKIN);
		break;
	case UI_FIND:
		if (strcmp(name, "back") == 0) {
			go(st, st->purpose == UI_FOR_CHECKIN ? UI_WELCOME : UI_ORG);
		} else if (strcmp(name, "walkin") == 0 && st->walkins) {
			memset(st->field, 0, sizeof st->field);
			/* what was typed to search is most likely the name: keep it, capitalised */
			st->field[0][0] = '\0';
			for (const char *p = st->query; *p;) {
				char ch[8] = "";
				size_t n = 1, len = strlen(st->field[0]);
				while ((p[n] & 0xC0) == 0x80 && n < sizeof ch - 1)
					n++;
				memcpy(ch, p, n);
				if (len == 0 || st->field[0][len - 1] == ' ' || st->field[0][len - 1] == '-')
					capitalise(ch, sizeof ch);
				append(st->field[0], sizeof st->field[0], ch);
				p += n;
			}
			st->focus = 0;
			st->note[0] = '\0';
			go(st, UI_WALKIN);
		} else if (strncmp(name, "hit-", 4) == 0) {
			int i = atoi(name + 4);
			if (i >= 0 && i < st->n_hits) {
				st->picked = i;
				go(st, UI_CONFIRM);
			}
		}
		break;
	case UI_CONFIRM:
		if (strcmp(name, "no") == 0) {
			go(st, UI_FIND);
		} else if (strcmp(name, "yes") == 0) {
			struct ui_request rq = { .number = st->hits[st->picked].number };
			rq.kind = st->purpose == UI_FOR_CHECKIN ? UI_REQ_CHECKIN
				  : st->purpose == UI_FOR_REPRINT ? UI_REQ_REPRINT : UI_REQ_UNDO;
			snprintf(rq.a, sizeof rq.a, "%s", st->hits[st->picked].display);
			request(st, &rq);
			if (st->purpose != UI_FOR_CHECKIN) {
				st->org_message[0] = '\0';
				go(st, UI_ORG);
			}
		}
		break;
	case UI_WALKIN:
		if (strcmp(name, "back") == 0)
			go(st, UI_FIND);
		else if (strncmp(name, "field-", 6) == 0) {
			st->focus = strcmp(name, "field-name") == 0 ? 0 : strcmp(name, "field-org") == 0 ? 1 : 2;
			st->kbd = st->focus == 2 ? UI_KBD_EN : letters_kbd(st);
			st->changed = 1;
		} else if (strcmp(name, "register") == 0)
			walkin_submit(st);
		break;
	case UI_PIN:
		if (strcmp(name, "back") == 0)
			go(st, UI_WELCOME);
		else if (strcmp(name, "pin-del") == 0)
			backspace(st);
		else if (strcmp(name, "pin-ok") == 0)
			pin_enter(st);
		else if (strncmp(name, "pin-", 4) == 0 && name[4] >= '0' && name[4] <= '9' && !name[5])
			type_text(st, name + 4);
		break;
	case UI_ORG:
		if (strcmp(name, "lock") == 0) {
			go(st, UI_WELCOME);
		} else if (strcmp(name, "reprint") == 0) {
			open_find(st, UI_FOR_REPRINT);
		} else if (strcmp(name, "undo") == 0) {
			open_find(st, UI_FOR_UNDO);
		} else if (strcmp(name, "clock") == 0) {
			st->clock_delta = 0;
			go(st, UI_CLOCK);
		} else if (strcmp(name, "default-lang") == 0) {
			struct ui_request rq = { .kind = UI_REQ_SETTING };
			st->default_lang = (st->default_lang + 1) % i18n_lang_count();
			st->lang = st->default_lang;
			snprintf(rq.a, sizeof rq.a, "ui.lang");
			snprintf(rq.b, sizeof rq.b, "%s", i18n_lang_code(st->default_lang));
			request(st, &rq);
			st->changed = 1;
		} else if (strcmp(name, "refresh") == 0) {
			struct ui_request rq = { .kind = UI_REQ_STATS };
			request(st, &rq);
		} else if (strcmp(name, "quit") == 0) {
			struct ui_request rq = { .kind = UI_REQ_QUIT };
			st->quit = 1;
			request(st, &rq);
		}
		break;
	case UI_CLOCK:
		if (strcmp(name, "back") == 0) {
			go(st, UI_ORG);
		} else if (strncmp(name, "clock:", 6) == 0) {
			st->clock_delta += (int64_t)strtoll(name + 6, NULL, 10) * 1000;
			st->changed = 1;
		} else if (strcmp(name, "save") == 0) {
			struct ui_request rq = { .kind = UI_REQ_SET_CLOCK, .ms = st->clock_delta };
			request(st, &rq);
			st->wall_ms += st->clock_delta;
			st->clock_trusted = 1;
			st->clock_delta = 0;
			go(st, UI_ORG);
		}
		break;
	default:
		break;
	}
}

int ui_sm_button(struct ui_state *st, const char *name, int64_t now)
{
	struct ui_dlist *dl = malloc(sizeof *dl);
	const struct ui_item *it;
	int ok = 0;
	if (!dl)
		return 0;
	st->now = now;
	ui_sm_layout(st, st->w, st->h, dl);
	it = ui_dlist_find(dl, name);
	if (it && !(it->flags & UI_DISABLED)) {
		press(st, name);
		ok = 1;
	}
	free(dl);
	return ok;
}

int ui_sm_tap(struct ui_state *st, int x, int y, int w, int h, int64_t now)
{
	struct ui_dlist *dl = malloc(sizeof *dl);
	const struct ui_item *it;
	int ok = 0;
	char name[sizeof dl->item[0].name];
	if (!dl)
		return 0;
	st->now = now;
	st->w = w;
	st->h = h;
	st->last_input = now;
	ui_sm_layout(st, w, h, dl);
	it = ui_dlist_hit(dl, x, y);
	if (it) {
		snprintf(name, sizeof name, "%s", it->name);
		press(st, name);
		ok = 1;
	} else if (st->screen == UI_GREETING || st->screen == UI_REFUSED) {
		/* a tap anywhere on a result lets the next person go at once */
		go(st, UI_WELCOME);
		ok = 1;
	}
	free(dl);
	return ok;
}

void ui_sm_text(struct ui_state *st, const char *utf8, int64_t now)
{
	st->now = now;
	st->last_input = now;
	type_text(st, utf8);
}

void ui_sm_key(struct ui_state *st, enum ui_key key, int64_t now)
{
	st->now = now;
	st->last_input = now;
	switch (key) {
	case UI_KEY_BACKSPACE:
		backspace(st);
		break;
	case UI_KEY_ENTER:
		if (st->wedge[0]) {
			struct ui_request rq = { .kind = UI_REQ_PRESENT };
			snprintf(rq.a, sizeof rq.a, "%s", st->wedge);
			st->wedge[0] = '\0';
			request(st, &rq);
		} else if (st->screen == UI_PIN)
			pin_enter(st);
		else if (st->screen == UI_WALKIN)
			walkin_submit(st);
		else if (st->screen == UI_FIND && st->n_hits > 0) {
			st->picked = 0;
			go(st, UI_CONFIRM);
		} else if (st->screen == UI_CONFIRM)
			press(st, "yes");
		break;
	case UI_KEY_ESCAPE:
		if (st->screen == UI_CLOCK || (st->screen == UI_FIND && st->purpose != UI_FOR_CHECKIN))
			go(st, UI_ORG);
		else if (st->screen == UI_CONFIRM || st->screen == UI_WALKIN)
			go(st, UI_FIND);
		else
			go(st, UI_WELCOME);
		break;
	}
}

/* ---- timeouts -------------------------------------------------------------------------- */
void ui_sm_tick(struct ui_state *st, int64_t now)
{
	int64_t on = now - st->since, idle = now - st->last_input;
	st->now = now;
	switch (st->screen) {
	case UI_WELCOME:
		if (st->lang != st->default_lang && idle > UI_IDLE_MS) {
			st->lang = st->default_lang;
			st->changed = 1;
		}
		break;
	case UI_GREETING:
		/* a badge still printing keeps the greeting up a little longer, not for ever */
		if ((st->print == UI_PRINT_QUEUED && on > 3 * UI_GREETING_MS)
		    || (st->print != UI_PRINT_QUEUED && now - st->print_since > UI_GREETING_MS))
			go(st, UI_WELCOME);
		break;
	case UI_REFUSED:
		if (on > UI_REFUSED_MS)
			go(st, UI_WELCOME);
		break;
	case UI_FIND:
	case UI_CONFIRM:
	case UI_WALKIN:
		if (idle > UI_IDLE_MS)
			go(st, st->purpose == UI_FOR_CHECKIN || st->screen == UI_WALKIN ? UI_WELCOME : UI_ORG);
		break;
	case UI_PIN:
		if (idle > UI_IDLE_MS)
			go(st, UI_WELCOME);
		break;
	case UI_ORG:
	case UI_CLOCK:
		if (idle > UI_ORG_IDLE_MS)
			go(st, UI_WELCOME);
		break;
	default:
		break;
	}
	if (st->screen == UI_PIN && st->pin_locked_until && now / 1000 != (now - 1) / 1000)
		st->changed = 1; /* the lockout countdown */
}

/* ---- layouts --------------------------------------------------------------------------- */
struct ly {
	struct ui_dlist *dl;
	double s;
	int W, H, pad, bar, portrait, lang;
};

static int S(const struct ly *l, double v)
{
	return (int)lround(v * l->s);
}

struct ui_item *ui_dlist_add(struct ui_dlist *dl, enum ui_item_kind kind, struct ui_rect r)
{
	struct ui_item *it;
	if (dl->n >= UI_MAX_ITEMS)
		return NULL;
	it = &dl->item[dl->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->r = r;
	return it;
}

static struct ui_rect R(int x, int y, int w, int h)
{
	struct ui_rect r = { x, y, w, h };
	return r;
}

static void box(struct ly *l, struct ui_rect r, uint32_t color)
{
	struct ui_item *it = ui_dlist_add(l->dl, UI_IT_BOX, r);
	if (it)
		it->bg = it->fg = color;
}

static void frame(struct ly *l, struct ui_rect r, uint32_t color, int thick)
{
	struct ui_item *it = ui_dlist_add(l->dl, UI_IT_FRAME, r);
	if (it) {
		it->fg = color;
		it->px = thick;
	}
}

/* A text of size px (never below 18 at 800x480) on background bg. */
static struct ui_item *text(struct ly *l, struct ui_rect r, double px, int flags, uint32_t fg,
			    uint32_t bg, const char *fmt, ...)
{
	struct ui_item *it = ui_dlist_add(l->dl, UI_IT_TEXT, r);
	va_list ap;
	if (!it)
		return NULL;
	it->px = S(l, px);
	it->min_px = S(l, 18);
	if (it->min_px < 18)
		it->min_px = 18;
	if (it->px < it->min_px)
		it->px = it->min_px;
	it->flags = flags;
	it->fg = fg;
	it->bg = bg;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof it->text, fmt, ap);
	va_end(ap);
	return it;
}

static struct ui_item *button(struct ly *l, const char *name, struct ui_rect r, double px,
			      uint32_t bg, const char *label)
{
	struct ui_item *it = ui_dlist_add(l->dl, UI_IT_BUTTON, r);
	if (!it)
		return NULL;
	snprintf(it->name, sizeof it->name, "%s", name);
	snprintf(it->text, sizeof it->text, "%s", label);
	it->px = S(l, px);
	it->min_px = S(l, 18) < 18 ? 18 : S(l, 18);
	if (it->px < it->min_px)
		it->px = it->min_px;
	it->bg = bg;
	it->fg = bg == UI_SECONDARY || bg == UI_KEY_BG || bg == UI_KEY_BG2 || bg == UI_CARD
			 || bg == UI_WARN || bg == UI_BG ? UI_FG : UI_WHITE;
	it->flags = UI_BOLD;
	return it;
}

static const char *L(const struct ly *l, const char *msgid)
{
	return i18n_tr(l->lang, msgid);
}

/* The top bar: a title and, from the right, up to three buttons given as name/label. */
static int top_bar(struct ly *l, const char *title, const char *const *buttons, int n)
{
	int x = l->W - l->pad / 2, bh = l->bar - S(l, 14), bw;
	box(l, R(0, 0, l->W, l->bar), UI_BAR);
	for (int i = n - 1; i >= 0; i--) {
		const char *label = buttons[2 * i + 1];
		bw = S(l, 40) + (int)(strlen(label) * S(l, 11));
		if (bw < S(l, 84))
			bw = S(l, 84);
		if (bw > l->W / 3)
			bw = l->W / 3;
		x -= bw;
		struct ui_item *it = button(l, buttons[2 * i], R(x, S(l, 7), bw, bh), 22, UI_BAR_BTN, label);
		if (it && strncmp(buttons[2 * i], "lang-", 5) == 0
		    && i18n_lang_find(buttons[2 * i] + 5) == l->lang)
			it->bg = UI_PRIMARY; /* the language now */
		x -= S(l, 8);
	}
	text(l, R(l->pad, 0, x - l->pad - S(l, 8), l->bar), 26, UI_BOLD | UI_MIDDLE, UI_WHITE, UI_BAR,
	     "%s", title);
	return l->bar;
}

static uint32_t category_color(const char *cat)
{
	static const uint32_t colors[] = { 0x1F3A93, 0x00695C, 0x6A1B9A, 0x795548, 0xB3261E,
					   0x2E7D32, 0xA84300, 0x37474F };
	uint32_t h = 2166136261u;
	if (!cat || !*cat)
		return UI_BAR;
	for (const unsigned char *p = (const unsigned char *)cat; *p; p++)
		h = (h ^ *p) * 16777619u;
	return colors[h % (sizeof colors / sizeof colors[0])];
}

static void lay_welcome(const struct ui_state *st, struct ly *l)
{
	char langs[I18N_MAX_LANGS * 2][48];
	const char *btn[I18N_MAX_LANGS * 2];
	int n = i18n_lang_count(), y, x0, cw;
	struct ui_rect pv, corner;

	for (int i = 0; i < n; i++) {
		snprintf(langs[2 * i], sizeof langs[0], "lang-%s", i18n_lang_code(i));
		snprintf(langs[2 * i + 1], sizeof langs[0], "%s", i18n_tr(i, "ENG"));
		btn[2 * i] = langs[2 * i];
		btn[2 * i + 1] = langs[2 * i + 1];
	}
	top_bar(l, st->event_name[0] ? st->event_name : "vkhid", btn, n);
	corner = R(l->W - l->pad - S(l, 130), l->H - l->pad / 2 - S(l, 44), S(l, 130), S(l, 44));
	if (l->portrait) {
		pv = R(l->pad, l->bar + l->pad, l->W - 2 * l->pad, (int)(l->H * 0.40));
		x0 = l->pad;
		cw = l->W - 2 * l->pad;
		y = pv.y + pv.h + l->pad;
	} else {
		pv = R(l->pad, l->bar + l->pad, l->W / 2 - l->pad - l->pad / 2, l->H - l->bar - 2 * l->pad);
		x0 = l->W / 2 + l->pad / 2;
		cw = l->W - x0 - l->pad;
		y = l->bar + l->pad;
	}
	{
		struct ui_item *it = ui_dlist_add(l->dl, UI_IT_PREVIEW, pv);
		if (it) {
			it->bg = UI_PREVIEW;
			it->fg = UI_FRAME;
			snprintf(it->name, sizeof it->name, "preview");
		}
	}
	if (st->scanner != UI_SCANNER_OK && st->scanner != UI_SCANNER_ENDED)
		text(l, R(pv.x + l->pad, pv.y + pv.h / 2 - S(l, 40), pv.w - 2 * l->pad, S(l, 80)), 22,
		     UI_WRAP | UI_CENTER | UI_MIDDLE, UI_WHITE, UI_PREVIEW, "%s",
		     st->scanner == UI_SCANNER_GONE ? L(l, "The camera is not working: use Find me")
						    : L(l, "Starting the camera..."));
	text(l, R(x0, y, cw, S(l, 132)), 34, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s",
	     L(l, "Show the QR code of your ticket to the camera"));
	y += S(l, 136);
	text(l, R(x0, y, cw, S(l, 62)), 22, UI_WRAP, UI_MUTED, UI_BG, "%s",
	     L(l, "On your phone or on paper. Hold it still for a moment."));
	y += S(l, 66);
	if (st->printer != PRINTER_READY) {
		struct ui_rect b = R(x0, y, cw, S(l, 66));
		box(l, b, UI_WARN);
		text(l, R(b.x + S(l, 10), b.y, b.w - S(l, 20), b.h), 20, UI_WRAP | UI_MIDDLE, UI_FG, UI_WARN,
		     "%s", L(l, "Badges are delayed: staff are fixing the printer. Check-in works."));
	}
	button(l, "find", R(x0, corner.y - S(l, 12) - S(l, 76), cw, S(l, 76)), 26, UI_PRIMARY,
	       L(l, "No code? Find me by name"));
	button(l, "org", corner, 18, UI_SECONDARY, L(l, "Staff"));
}

static void lay_greeting(const struct ui_state *st, struct ly *l)
{
	uint32_t cat = category_color(st->category);
	int x = l->pad + S(l, 28), w = l->W - x - l->pad, y = l->pad, band = S(l, 20);
	const char *progress;
	uint32_t pbg = UI_OK_TINT, pfg = UI_OK;

	box(l, R(0, 0, band, l->H), cat);
	x = band + l->pad;
	w = l->W - x - l->pad;
	text(l, R(x, y, w, S(l, 48)), 34, UI_BOLD, UI_OK, UI_BG, "%s", L(l, "Welcome!"));
	y += S(l, 52);
	text(l, R(x, y, w, S(l, l->portrait ? 200 : 150)), 64, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s",
	     st->name);
	y += S(l, l->portrait ? 204 : 154);
	if (st->organization[0]) {
		text(l, R(x, y, w, S(l, 76)), 28, UI_WRAP, UI_MUTED, UI_BG, "%s", st->organization);
		y += S(l, 80);
	}
	if (st->category[0]) {
		int cw = S(l, 40) + (int)strlen(st->category) * S(l, 11);
		if (cw > w)
			cw = w;
		box(l, R(x, y, cw, S(l, 40)), cat);
		text(l, R(x + S(l, 12), y, cw - S(l, 24), S(l, 40)), 22, UI_BOLD | UI_MIDDLE | UI_CENTER,
		     UI_WHITE, cat, "%s", st->category);
	}
	switch (st->print) {
	case UI_PRINT_QUEUED:
		progress = L(l, "Printing your badge...");
		break;
	case UI_PRINT_DONE:
		progress = L(l, "Your badge is ready: take it from the printer.");
		break;
	case UI_PRINT_HELD:
		progress = L(l, "Your check-in is saved. The badge will follow: staff have been called.");
		pbg = UI_WARN;
		pfg = UI_FG;
		break;
	default:
		progress = L(l, "You are checked in.");
		break;
	}
	{
		struct ui_rect b = R(x, l->H - l->pad - S(l, 70), w, S(l, 70));
		box(l, b, pbg);
		text(l, R(b.x + S(l, 14), b.y, b.w - S(l, 28), b.h), 24, UI_WRAP | UI_MIDDLE | UI_BOLD, pfg,
		     pbg, "%s", progress);
	}
}

static void lay_refused(const struct ui_state *st, struct ly *l)
{
	int o = st->outcome >= 0 && st->outcome <= CI_OUTCOME_COUNT ? st->outcome : CI_OUTCOME_COUNT;
	int staff = o == CI_ALREADY_ADMITTED || o == CI_CANCELLED || o == CI_REVOKED || o == CI_FORGED
		    || o == CI_OUTCOME_COUNT;
	int danger = o == CI_CANCELLED || o == CI_REVOKED || o == CI_FORGED || o == CI_OUTCOME_COUNT;
	uint32_t hbg = danger ? UI_DANGER : UI_WARN, hfg = danger ? UI_WHITE : UI_FG;
	int y, bw = S(l, 170), bh = S(l, 68);
	int x = l->pad, w = l->W - 2 * l->pad;

	box(l, R(0, 0, l->W, S(l, 118)), hbg);
	text(l, R(l->pad, 0, l->W - 2 * l->pad, S(l, 118)), 38, UI_BOLD | UI_WRAP | UI_MIDDLE, hfg, hbg,
	     "%s", o < CI_OUTCOME_COUNT ? checkin_outcome_title_in(l->lang, o)
				 : L(l, "Something went wrong"));
	y = S(l, 118) + l->pad;
	if (st->name[0]) {
		text(l, R(x, y, w, S(l, 48)), 32, UI_BOLD, UI_FG, UI_BG, "%s", st->name);
		y += S(l, 52);
	}
	if (st->detail[0]) {
		text(l, R(x, y, w, S(l, 64)), 24, UI_WRAP, UI_FG, UI_BG, "%s", st->detail);
		y += S(l, 68);
	}
	text(l, R(x, y, w, S(l, 72)), 26, UI_WRAP, UI_FG, UI_BG, "%s",
	     o == CI_ADMITTED ? "" : o < CI_OUTCOME_COUNT ? checkin_outcome_advice_in(l->lang, o)
	     : L(l, "Your check-in was not recorded. Please ask a staff member."));
	y += S(l, 76);
	if (staff)
		text(l, R(x, y, w, S(l, 40)), 26, UI_BOLD, UI_DANGER, UI_BG, "%s",
		     L(l, "Please call a staff member."));
	button(l, "ok", R(l->W - l->pad - bw, l->H - l->pad - bh, bw, bh), 28, UI_PRIMARY, L(l, "OK"));
	if (o == CI_UNKNOWN || o == CI_MALFORMED) {
		int fw = l->W - 3 * l->pad - bw;
		if (fw > S(l, 420))
			fw = S(l, 420);
		button(l, "find", R(l->W - 2 * l->pad - bw - fw, l->H - l->pad - bh, fw, bh), 24,
		       UI_SECONDARY, L(l, "Find me by name"));
	}
}

static const char *find_title(const struct ui_state *st, const struct ly *l)
{
	return st->purpose == UI_FOR_REPRINT ? L(l, "Reprint: find the person")
	       : st->purpose == UI_FOR_UNDO  ? L(l, "Undo: find the person")
					     : L(l, "Find me");
}

static void lay_find(const struct ui_state *st, struct ly *l)
{
	const char *btn[4] = { "walkin", L(l, "Register"), "back", L(l, "Back") };
	int with_walkin = st->walkins && st->purpose == UI_FOR_CHECKIN;
	int y = top_bar(l, find_title(st, l), with_walkin ? btn : btn + 2, with_walkin ? 2 : 1);
	int fh = S(l, 54), kh, ry, rh, cols, rows;
	struct ui_rect f;

	y += l->pad / 2;
	f = R(l->pad, y, l->W - 2 * l->pad, fh);
	box(l, f, UI_BG);
	frame(l, f, UI_FRAME, S(l, 2) < 2 ? 2 : S(l, 2));
	if (st->query[0])
		text(l, R(f.x + S(l, 12), f.y, f.w - S(l, 24), f.h), 28, UI_MIDDLE | UI_BOLD, UI_FG, UI_BG,
		     "%s|", st->query);
	else
		text(l, R(f.x + S(l, 12), f.y, f.w - S(l, 24), f.h), 22, UI_MIDDLE, UI_MUTED, UI_BG, "%s",
		     L(l, "Type the first letters of your name or surname"));
	y += fh + l->pad / 2;
	kh = l->portrait ? (int)(l->H * 0.42) : S(l, 236);
	if (kh > l->H - y - S(l, 90))
		kh = l->H - y - S(l, 90);
	ry = y;
	rh = l->H - l->pad / 2 - kh - l->pad / 2 - ry;
	cols = l->portrait ? 1 : 3;
	rows = l->portrait ? rh / S(l, 84) : 1;
	if (rows < 1)
		rows = 1;
	if (st->query[0] && st->n_hits == 0) {
		text(l, R(l->pad, ry, l->W - 2 * l->pad, rh), 22, UI_WRAP | UI_MIDDLE, UI_FG, UI_BG, "%s",
		     with_walkin ? L(l, "Nobody found. Check the spelling, try your family name, or register.")
				 : L(l, "Nobody found. Check the spelling or try your family name."));
	} else if (!st->query[0]) {
		text(l, R(l->pad, ry, l->W - 2 * l->pad, rh), 22, UI_WRAP | UI_MIDDLE, UI_MUTED, UI_BG, "%s",
		     L(l, "Cyrillic or Latin letters both work."));
	}
	for (int i = 0; i < st->n_hits && i < cols * rows; i++) {
		int gap = S(l, 10), cw = (l->W - 2 * l->pad - (cols - 1) * gap) / cols;
		int ch = rh / rows - (rows > 1 ? gap : 0);
		struct ui_rect c = R(l->pad + (i % cols) * (cw + gap), ry + (i / cols) * (ch + gap), cw, ch);
		char nm[16];
		const struct search_hit *h = &st->hits[i];
		snprintf(nm, sizeof nm, "hit-%d", i);
		button(l, nm, c, 22, UI_CARD, "");
		text(l, R(c.x + S(l, 10), c.y + S(l, 4), c.w - S(l, 20), c.h / 2 + S(l, 4)), 24,
		     UI_BOLD | UI_MIDDLE, UI_FG, UI_CARD, "%s%s", h->display,
		     h->status == DB_REG_CANCELLED ? " ×" : "");
		text(l, R(c.x + S(l, 10), c.y + c.h / 2 + S(l, 4), c.w - S(l, 20), c.h / 2 - S(l, 8)), 18,
		     UI_MIDDLE, UI_MUTED, UI_CARD, "%s", h->organization[0] ? h->organization : h->category);
	}
	ui_kbd_add(l->dl, R(l->pad, l->H - l->pad / 2 - kh, l->W - 2 * l->pad, kh), st->kbd, l->lang, l->s);
}

static void lay_confirm(const struct ui_state *st, struct ly *l)
{
	const struct search_hit *h = &st->hits[st->picked];
	const char *title = st->purpose == UI_FOR_REPRINT ? L(l, "Print this badge again?")
			    : st->purpose == UI_FOR_UNDO  ? L(l, "Undo this check-in?")
							  : L(l, "Is this you?");
	const char *yes = st->purpose == UI_FOR_REPRINT ? L(l, "Reprint the badge")
			  : st->purpose == UI_FOR_UNDO  ? L(l, "Undo the check-in")
							: L(l, "Yes, print my badge");
	int y = top_bar(l, title, NULL, 0) + l->pad, w = l->W - 2 * l->pad, bh = S(l, 76);
	text(l, R(l->pad, y, w, S(l, 140)), 56, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s", h->display);
	y += S(l, 144);
	if (h->organization[0]) {
		text(l, R(l->pad, y, w, S(l, 70)), 28, UI_WRAP, UI_MUTED, UI_BG, "%s", h->organization);
		y += S(l, 74);
	}
	if (h->category[0])
		text(l, R(l->pad, y, w, S(l, 40)), 24, 0, UI_MUTED, UI_BG, "%s", h->category);
	if (l->portrait) {
		button(l, "yes", R(l->pad, l->H - 2 * (bh + l->pad), w, bh), 26,
		       st->purpose == UI_FOR_UNDO ? UI_DANGER : UI_PRIMARY, yes);
		button(l, "no", R(l->pad, l->H - bh - l->pad, w, bh), 26, UI_SECONDARY, L(l, "No, go back"));
	} else {
		int bw = (w - l->pad) / 2;
		button(l, "no", R(l->pad, l->H - bh - l->pad, bw, bh), 26, UI_SECONDARY, L(l, "No, go back"));
		button(l, "yes", R(l->pad * 2 + bw, l->H - bh - l->pad, bw, bh), 26,
		       st->purpose == UI_FOR_UNDO ? UI_DANGER : UI_PRIMARY, yes);
	}
}

static void lay_walkin(const struct ui_state *st, struct ly *l)
{
	static const char *const names[3] = { "field-name", "field-org", "field-email" };
	static const char *const hints[3] = { N_("Given name and family name"), N_("Organization"),
					      N_("E-mail (optional)") };
	const char *btn[2] = { "back", L(l, "Back") };
	int y = top_bar(l, L(l, "Register on the spot"), btn, 1) + l->pad / 2;
	int fw = l->portrait ? l->W - 2 * l->pad : (int)((l->W - 3 * l->pad) * 0.62);
	int fh = S(l, 46), gap = S(l, 6), kh;
	int rx = l->portrait ? l->pad : l->pad * 2 + fw, rw = l->portrait ? fw : l->W - rx - l->pad;
	int top = y;

	for (int i = 0; i < 3; i++) {
		struct ui_rect f = R(l->pad, y, fw, fh);
		struct ui_item *b = button(l, names[i], f, 22, UI_BG, "");
		if (b)
			b->fg = UI_FG;
		frame(l, f, i == st->focus ? UI_FRAME : UI_MUTED, i == st->focus ? (S(l, 3) < 3 ? 3 : S(l, 3)) : 1);
		if (st->field[i][0])
			text(l, R(f.x + S(l, 10), f.y, f.w - S(l, 20), f.h), 24, UI_MIDDLE, UI_FG, UI_BG, "%s%s",
			     st->field[i], i == st->focus ? "|" : "");
		else
			text(l, R(f.x + S(l, 10), f.y, f.w - S(l, 20), f.h), 20, UI_MIDDLE, UI_MUTED, UI_BG, "%s%s",
			     i == st->focus ? "|" : "", L(l, hints[i]));
		y += fh + gap;
	}
	if (l->portrait) {
		button(l, "register", R(rx, y, rw, S(l, 64)), 24, UI_PRIMARY, L(l, "Register and print my badge"));
		y += S(l, 68);
		text(l, R(rx, y, rw, S(l, 52)), 18, UI_WRAP, st->note[0] ? UI_DANGER : UI_MUTED, UI_BG, "%s",
		     st->note[0] ? st->note : L(l, "Your name goes on the badge."));
		y += S(l, 56);
	} else {
		struct ui_item *b = button(l, "register", R(rx, top, rw, fh * 2 + gap), 22, UI_PRIMARY,
					   L(l, "Register and print my badge"));
		if (b)
			b->flags |= UI_WRAP;
		text(l, R(rx, top + 2 * (fh + gap), rw, fh), 18, UI_WRAP | UI_MIDDLE,
		     st->note[0] ? UI_DANGER : UI_MUTED, UI_BG, "%s",
		     st->note[0] ? st->note : L(l, "Your name goes on the badge."));
	}
	kh = l->H - y - l->pad / 2;
	ui_kbd_add(l->dl, R(l->pad, y + l->pad / 4, l->W - 2 * l->pad, kh - l->pad / 4), st->kbd, l->lang,
		   l->s);
}

static void lay_pin(const struct ui_state *st, struct ly *l)
{
	const char *btn[2] = { "back", L(l, "Back") };
	int y = top_bar(l, L(l, "Staff only"), btn, 1) + l->pad / 2;
	int locked = st->pin_locked_until > st->now;
	int kw = S(l, 104), kh = S(l, 60), gap = S(l, 8);
	int padw = 3 * kw + 2 * gap, x0, ky;
	char dots[64] = "";
	static const char *const keys[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok" };

	for (size_t i = 0; i < strlen(st->pin_typed) && i < 12; i++)
		append(dots, sizeof dots, "● ");
	if (l->portrait) {
		x0 = (l->W - padw) / 2;
		text(l, R(l->pad, y, l->W - 2 * l->pad, S(l, 40)), 24, UI_CENTER | UI_MIDDLE, UI_FG, UI_BG, "%s",
		     L(l, "Enter the organizer PIN"));
		y += S(l, 44);
		text(l, R(l->pad, y, l->W - 2 * l->pad, S(l, 50)), 34, UI_CENTER | UI_MIDDLE, UI_FG, UI_BG,
		     "%s", dots);
		y += S(l, 54);
		ky = y + S(l, 60);
	} else {
		int lw = l->W - padw - 3 * l->pad;
		x0 = l->W - l->pad - padw;
		text(l, R(l->pad, y, lw, S(l, 80)), 26, UI_WRAP, UI_FG, UI_BG, "%s", L(l, "Enter the organizer PIN"));
		text(l, R(l->pad, y + S(l, 84), lw, S(l, 56)), 34, UI_MIDDLE, UI_FG, UI_BG, "%s", dots);
		ky = y;
		y += S(l, 150);
	}
	if (locked) {
		int64_t left = (st->pin_locked_until - st->now + 999) / 1000;
		text(l, R(l->pad, y, l->portrait ? l->W - 2 * l->pad : l->W - padw - 3 * l->pad, S(l, 100)), 22,
		     UI_WRAP | UI_BOLD, UI_DANGER, UI_BG, i18n_tr(l->lang, "Too many wrong PINs. Try again in %d:%02d."),
		     (int)(left / 60), (int)(left % 60));
	} else if (st->pin_wrong) {
		text(l, R(l->pad, y, l->portrait ? l->W - 2 * l->pad : l->W - padw - 3 * l->pad, S(l, 100)), 22,
		     UI_WRAP | UI_BOLD, UI_DANGER, UI_BG, i18n_tr(l->lang, "Wrong PIN. Tries left: %d."),
		     UI_PIN_TRIES - st->pin_wrong);
	}
	for (int i = 0; i < 12; i++) {
		char nm[16];
		struct ui_rect r = R(x0 + (i % 3) * (kw + gap), ky + (i / 3) * (kh + gap), kw, kh);
		const char *label = keys[i];
		uint32_t bg = UI_KEY_BG;
		snprintf(nm, sizeof nm, "pin-%s", keys[i]);
		if (strcmp(keys[i], "del") == 0)
			label = "⌫";
		else if (strcmp(keys[i], "ok") == 0) {
			label = L(l, "OK");
			bg = UI_PRIMARY;
		}
		struct ui_item *it = button(l, nm, r, 30, bg, label);
		if (it && locked)
			it->flags |= UI_DISABLED;
	}
}

static void lay_org(const struct ui_state *st, struct ly *l)
{
	static const struct { const char *name, *label; } acts[] = {
		{ "reprint", N_("Reprint a badge") }, { "undo", N_("Undo a check-in") },
		{ "clock", N_("Set the clock") },     { "default-lang", "" },
		{ "refresh", N_("Refresh") },         { "quit", N_("Quit the kiosk") },
	};
	const int n_acts = (int)(sizeof acts / sizeof acts[0]);
	const char *btn[2] = { "lock", L(l, "Lock") };
	int y = top_bar(l, L(l, "Organizer"), btn, 1) + l->pad / 2;
	int iw = l->portrait ? l->W - 2 * l->pad : (int)((l->W - 3 * l->pad) * 0.60);
	int bx = l->portrait ? l->pad : 2 * l->pad + iw, bw = l->portrait ? (l->W - 3 * l->pad) / 2 : l->W - bx - l->pad;
	int bh = S(l, 54), gap = S(l, 8), line = S(l, 30);
	char when[32], buf[300];
	const struct ui_turnout *t = &st->turnout;

	if (t->valid) {
		text(l, R(l->pad, y, iw, S(l, 44)), 30, UI_BOLD, UI_FG, UI_BG,
		     i18n_tr(l->lang, "Checked in: %lld of %lld"), (long long)t->admitted,
		     (long long)t->registered);
		y += S(l, 46);
		text(l, R(l->pad, y, iw, line), 20, 0, UI_FG, UI_BG,
		     i18n_tr(l->lang, "This hour: %lld · reprints: %lld · undone: %lld"),
		     (long long)t->this_hour, (long long)t->reprints, (long long)t->undos);
		y += line;
		for (int i = 0; i < t->n_cat && i < (l->portrait ? 6 : 3); i++) {
			text(l, R(l->pad, y, iw, line), 20, 0, UI_MUTED, UI_BG, "%s: %" PRId64 " / %" PRId64,
			     t->cat[i].name[0] ? t->cat[i].name : "-", t->cat[i].admitted, t->cat[i].registered);
			y += line;
		}
	} else {
		text(l, R(l->pad, y, iw, S(l, 44)), 24, 0, UI_MUTED, UI_BG, "%s", L(l, "Counting..."));
		y += S(l, 46);
	}
	y += S(l, 4);
	if (st->printer != PRINTER_READY) {
		struct ui_rect b = R(l->pad, y, iw, S(l, 64));
		box(l, b, UI_WARN);
		snprintf(buf, sizeof buf, "%s. %s", printq_state_text_in(l->lang, st->printer),
			 printq_state_advice_in(l->lang, st->printer));
		text(l, R(b.x + S(l, 8), b.y, b.w - S(l, 16), b.h), 18, UI_WRAP | UI_MIDDLE | UI_BOLD, UI_FG,
		     UI_WARN, "%s", buf);
		y += S(l, 68);
	}
	text(l, R(l->pad, y, iw, line), 20, 0, UI_FG, UI_BG,
	     i18n_tr(l->lang, "Printer: %s · queue %lld · printed %lld"),
	     st->printer == PRINTER_READY ? L(l, "ready") : L(l, "needs attention"),
	     (long long)st->printer_queued, (long long)st->printer_printed);
	y += line;
	text(l, R(l->pad, y, iw, line), 20, 0, UI_FG, UI_BG, "%s",
	     ui_scanner_text_in(l->lang, st->scanner));
	y += line;
	when_text(st->wall_ms + (st->screen == UI_CLOCK ? st->clock_delta : 0), when, sizeof when);
	text(l, R(l->pad, y, iw, line), 20, 0, UI_FG, UI_BG, "%s: %s%s", L(l, "Clock"), when,
	     st->clock_trusted ? "" : L(l, " (not synchronised: set it)"));
	y += line;
	if (st->org_message[0]) {
		text(l, R(l->pad, y, iw, S(l, 56)), 20, UI_BOLD | UI_WRAP, UI_OK, UI_BG, "%s", st->org_message);
		y += S(l, 58);
	}
	for (int i = st->n_problems - 1; i >= 0 && y + line <= (l->portrait ? l->H - 3 * (bh + gap) - l->pad : l->H - l->pad / 2); i--) {
		when_text(st->problems[i].at_wall, when, sizeof when);
		text(l, R(l->pad, y, iw, line), 18, 0, UI_MUTED, UI_BG, "%s  %s", when + 11, st->problems[i].text);
		y += line;
	}
	for (int i = 0; i < n_acts; i++) {
		struct ui_rect r;
		char label[160];
		if (l->portrait)
			r = R(l->pad + (i % 2) * (bw + l->pad), l->H - l->pad - (3 - i / 2) * (bh + gap), bw, bh);
		else
			r = R(bx, l->bar + l->pad / 2 + i * (bh + gap), bw, bh);
		if (strcmp(acts[i].name, "default-lang") == 0)
			snprintf(label, sizeof label, i18n_tr(l->lang, "Language: %s"), i18n_tr(st->default_lang, "ENG"));
		else
			snprintf(label, sizeof label, "%s", L(l, acts[i].label));
		button(l, acts[i].name, r, 22, strcmp(acts[i].name, "quit") == 0 ? UI_DANGER : UI_SECONDARY, label);
	}
}

static void lay_clock(const struct ui_state *st, struct ly *l)
{
	static const struct { const char *name, *label; } steps[8] = {
		{ "clock:-86400", N_("-1 day") }, { "clock:-3600", N_("-1 hour") },
		{ "clock:-600", N_("-10 min") },  { "clock:-60", N_("-1 min") },
		{ "clock:60", N_("+1 min") },     { "clock:600", N_("+10 min") },
		{ "clock:3600", N_("+1 hour") },  { "clock:86400", N_("+1 day") },
	};
	const char *btn[2] = { "back", L(l, "Cancel") };
	int y = top_bar(l, L(l, "Set the clock"), btn, 1) + l->pad;
	int cols = l->portrait ? 2 : 4, gap = S(l, 10);
	int bw = (l->W - 2 * l->pad - (cols - 1) * gap) / cols, bh = S(l, 60);
	char when[32];

	when_text(st->wall_ms + st->clock_delta, when, sizeof when);
	text(l, R(l->pad, y, l->W - 2 * l->pad, S(l, 70)), 52, UI_BOLD | UI_CENTER | UI_MIDDLE, UI_FG, UI_BG,
	     "%s", when);
	y += S(l, 80);
	for (int i = 0; i < 8; i++) {
		int row = i / cols, col = i % cols;
		button(l, steps[i].name, R(l->pad + col * (bw + gap), y + row * (bh + gap), bw, bh), 24,
		       UI_SECONDARY, L(l, steps[i].label));
	}
	button(l, "save", R(l->pad, l->H - l->pad - S(l, 68), l->W - 2 * l->pad, S(l, 68)), 26, UI_PRIMARY,
	       L(l, "Save the time"));
}

void ui_sm_layout(const struct ui_state *st, int w, int h, struct ui_dlist *out)
{
	struct ly l = { .dl = out, .W = w, .H = h };
	int lng = w > h ? w : h, sht = w > h ? h : w;
	out->n = 0;
	out->w = w;
	out->h = h;
	l.s = (double)lng / 800.0 < (double)sht / 480.0 ? (double)lng / 800.0 : (double)sht / 480.0;
	if (l.s < 0.5)
		l.s = 0.5;
	out->scale = l.s;
	l.portrait = h > w;
	l.pad = S(&l, 16);
	l.bar = S(&l, 64);
	l.lang = st->screen == UI_GREETING && st->guest_lang >= 0 ? st->guest_lang : st->lang;
	box(&l, R(0, 0, w, h), UI_BG);
	switch (st->screen) {
	case UI_WELCOME: lay_welcome(st, &l); break;
	case UI_GREETING: lay_greeting(st, &l); break;
	case UI_REFUSED: lay_refused(st, &l); break;
	case UI_FIND: lay_find(st, &l); break;
	case UI_CONFIRM: lay_confirm(st, &l); break;
	case UI_WALKIN: lay_walkin(st, &l); break;
	case UI_PIN: lay_pin(st, &l); break;
	case UI_ORG: lay_org(st, &l); break;
	case UI_CLOCK: lay_clock(st, &l); break;
	default: break;
	}
}

const struct ui_item *ui_dlist_find(const struct ui_dlist *dl, const char *name)
{
	for (int i = dl->n - 1; i >= 0; i--)
		if (dl->item[i].kind == UI_IT_BUTTON && strcmp(dl->item[i].name, name) == 0)
			return &dl->item[i];
	return NULL;
}

const struct ui_item *ui_dlist_hit(const struct ui_dlist *dl, int x, int y)
{
	for (int i = dl->n - 1; i >= 0; i--) {
		const struct ui_item *it = &dl->item[i];
		if (it->kind != UI_IT_BUTTON || (it->flags & UI_DISABLED))
			continue;
		if (x >= it->r.x && x < it->r.x + it->r.w && y >= it->r.y && y < it->r.y + it->r.h)
			return it;
	}
	return NULL;
}
