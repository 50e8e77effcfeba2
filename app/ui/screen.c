/* SPDX-License-Identifier: MIT */
/* The screen state machine (screen.h): which screen shows what, driven by outcomes, taps,
 * keys and time; the layouts of the screens are layout.c. No SDL here.
 *
 * Map: names and small helpers; the requests queue; inputs (outcomes, printer, scanner,
 * results of requests); taps and keys; timeouts. */
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

void ui_when_text(int64_t ms, char *out, size_t cap)
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
		ui_when_text(r->first.wall_ms, when, sizeof when);
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
	if ((unsigned)sc >= UI_SCANNER_COUNT || !scanner_texts[sc])
		return "?";
	return i18n_tr(lang, scanner_texts[sc]);
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

void ui_sm_sync(struct ui_state *st, const struct ui_sync_state *sync)
{
	if (memcmp(&st->sync, sync, sizeof *sync) != 0)
		st->changed = 1;
	st->sync = *sync;
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
		else if (rc == VK_ERR_REPRINT_LIMIT || rc == VK_ERR_REPRINT_NEEDS_ORGANIZER)
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
