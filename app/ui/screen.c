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
	"verify",
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
	if (s != st->screen) {
		st->changed = 1;
		st->quit_confirm = 0;
		if (s == UI_FIND || s == UI_WELCOME)
			st->scroll = 0;
		if (s == UI_ORG)
			st->stats_at = st->now;
	}
	st->wedge[0] = '\0';
	st->screen = s;
	st->since = st->now;
	st->last_input = st->now;
}

/* The kiosk's wall clock now: the latest reading moved on by the monotonic time since. */
static int64_t wall_now(const struct ui_state *st)
{
	return st->wall_ms + (st->wall_at ? st->now - st->wall_at : 0);
}

/* 1 when a problem of kind is logged and not yet resolved. */
static int problem_open(const struct ui_state *st, int kind)
{
	for (int i = 0; i < st->n_problems; i++)
		if (st->problems[i].kind == kind && !st->problems[i].resolved)
			return 1;
	return 0;
}

static void add_problem(struct ui_state *st, int kind, int code, const char *arg)
{
	if (st->n_problems == UI_MAX_PROBLEMS) {
		memmove(&st->problems[0], &st->problems[1], sizeof st->problems[0] * (UI_MAX_PROBLEMS - 1));
		st->n_problems--;
	}
	memset(&st->problems[st->n_problems], 0, sizeof st->problems[0]);
	st->problems[st->n_problems].kind = kind;
	st->problems[st->n_problems].code = code;
	st->problems[st->n_problems].at_wall = wall_now(st);
	text_copy(st->problems[st->n_problems].arg, sizeof st->problems[0].arg, arg ? arg : "");
	st->n_problems++;
	st->changed = 1;
}

/* The cause of problems of kind went away (the printer is ready, the camera is back). */
static void resolve_problems(struct ui_state *st, int kind)
{
	for (int i = 0; i < st->n_problems; i++)
		if (st->problems[i].kind == kind && !st->problems[i].resolved) {
			st->problems[i].resolved = 1;
			st->problems[i].resolved_wall = wall_now(st);
			st->changed = 1;
		}
}

static void org_say(struct ui_state *st, int msg, int code, const char *arg)
{
	st->org_msg = msg;
	st->org_code = code;
	text_copy(st->org_arg, sizeof st->org_arg, arg && *arg ? arg : "-");
	st->changed = 1;
}

/* ---- Connect to hub (the organizer screen) ----------------------------------------------- */
static void request(struct ui_state *st, const struct ui_request *rq);

/* The organizer taps Connect to hub and holds the code of the dashboard's "Add a kiosk" to
 * the camera: the door reads it on the usual scan path (DOOR_HUB_CODE) and enrolls when
 * asked (UI_REQ_HUB_ENROLL). A code shown at any other time enrolls nothing: an attendee
 * cannot point the kiosk at another hub. */
static void hub_scan_start(struct ui_state *st)
{
	st->hub_scan_at = st->now > 0 ? st->now : 1;
	org_say(st, UI_OM_HUB_SCAN, 0, NULL);
}

int ui_sm_hub_code(struct ui_state *st, const char *code, size_t len, int64_t now)
{
	struct ui_request rq = { .kind = UI_REQ_HUB_ENROLL };
	st->now = now;
	if (st->screen != UI_ORG || !st->hub_scan_at || now - st->hub_scan_at > UI_HUB_SCAN_MS) {
		if (st->screen == UI_ORG)
			org_say(st, UI_OM_HUB_UNASKED, 0, NULL);
		return 0;
	}
	st->hub_scan_at = 0;
	if (len >= sizeof rq.a || memchr(code, 0, len)) {
		org_say(st, UI_OM_HUB_FAIL, 0, i18n_tr(st->lang, "the code is too long: enroll "
						       "with vkhid sync enroll on the kiosk"));
		return 0;
	}
	memcpy(rq.a, code, len);
	rq.a[len] = '\0';
	request(st, &rq);
	org_say(st, UI_OM_HUB_WAIT, 0, NULL);
	return 1;
}

static void hub_enrolled(struct ui_state *st, int rc, const char *what)
{
	org_say(st, rc == VK_OK ? UI_OM_HUB_OK : UI_OM_HUB_FAIL, 0, what);
}

static void hub_text(const struct ui_state *st, int lang, char *out, size_t cap)
{
	const char *a = st->org_arg;
	switch (st->org_msg) {
	case UI_OM_HUB_SCAN:
		snprintf(out, cap, "%s", i18n_tr(lang, "Hold the code from the hub's dashboard (Add a "
						 "kiosk) in front of the camera."));
		break;
	case UI_OM_HUB_WAIT:
		snprintf(out, cap, "%s", i18n_tr(lang, "Code read: connecting to the hub..."));
		break;
	case UI_OM_HUB_OK:
		snprintf(out, cap, i18n_tr(lang, "Connected to the hub as %s. Close the kiosk and "
					   "start it again to work on the hub's event."), a);
		break;
	case UI_OM_HUB_FAIL:
		snprintf(out, cap, i18n_tr(lang, "Not connected to the hub: %s"), a);
		break;
	case UI_OM_HUB_UNASKED:
		snprintf(out, cap, "%s", i18n_tr(lang, "That is a hub's code: tap Connect to hub "
						 "first, then show it again."));
		break;
	default:
		break;
	}
}

/* ---- what this kiosk admitted lately ---------------------------------------------------- */
static int recent_find(const struct ui_state *st, int64_t number)
{
	for (int i = 0; i < st->n_recent; i++)
		if (st->recent[i].number == number)
			return i;
	return -1;
}

static void recent_put(struct ui_state *st, int64_t number, int print)
{
	int i = recent_find(st, number);
	if (i < 0) {
		if (st->n_recent == UI_MAX_RECENT) {
			memmove(&st->recent[0], &st->recent[1], sizeof st->recent[0] * (UI_MAX_RECENT - 1));
			st->n_recent--;
		}
		i = st->n_recent++;
	}
	st->recent[i].number = number;
	st->recent[i].wall_ms = wall_now(st);
	st->recent[i].printed_wall = 0;
	st->recent[i].print = print;
}

static void recent_drop(struct ui_state *st, int64_t number)
{
	int i = recent_find(st, number);
	if (i >= 0) {
		memmove(&st->recent[i], &st->recent[i + 1], sizeof st->recent[0] * (size_t)(st->n_recent - i - 1));
		st->n_recent--;
	}
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
	st->findme_verify = 1;
	st->sound_on = 1;
	st->bilingual = 1;
	st->scanner_since = now;
	st->changed = 1;
}

/* ---- settings --------------------------------------------------------------------------- */
static int on_off(const char *v, int *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true"))
		*out = 1;
	else if (!strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false"))
		*out = 0;
	else
		return 0;
	return 1;
}

static int cat_slot(struct ui_state *st, const char *name)
{
	for (int i = 0; i < st->n_cat_style; i++)
		if (strcmp(st->cat_style[i].name, name) == 0)
			return i;
	if (st->n_cat_style == UI_MAX_CAT_STYLES)
		return -1;
	memset(&st->cat_style[st->n_cat_style], 0, sizeof st->cat_style[0]);
	text_copy(st->cat_style[st->n_cat_style].name, sizeof st->cat_style[0].name, name);
	return st->n_cat_style++;
}

/* "Name=value; Name=value": calls back for each pair, both trimmed. */
static void each_pair(struct ui_state *st, const char *list, int color)
{
	char buf[1024], *save = NULL;
	text_copy(buf, sizeof buf, list);
	for (char *p = strtok_r(buf, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(p, '=');
		int i;
		if (!eq)
			continue;
		*eq = '\0';
		text_trim(p);
		text_trim(eq + 1);
		if (!*p || !eq[1] || (i = cat_slot(st, p)) < 0)
			continue;
		if (color) {
			const char *v = eq[1] == '#' ? eq + 2 : eq + 1;
			char *end;
			unsigned long rgb = strtoul(v, &end, 16);
			if (end - v == 6 && !*end) {
				st->cat_style[i].color = (uint32_t)rgb;
				st->cat_style[i].has_color = 1;
			}
		} else {
			text_copy(st->cat_style[i].en, sizeof st->cat_style[i].en, eq + 1);
		}
	}
}

int ui_sm_setting(struct ui_state *st, const char *key, const char *value)
{
	static const char *const sides[] = { "behind", "top", "left", "right", "bottom" };
	if (!key || !value)
		return 0;
	st->changed = 1;
	if (!strcmp(key, "ui.findme_verify"))
		return on_off(value, &st->findme_verify);
	if (!strcmp(key, "ui.sound"))
		return on_off(value, &st->sound_on);
	if (!strcmp(key, "ui.bilingual"))
		return on_off(value, &st->bilingual);
	if (!strcmp(key, "ui.camera_side")) {
		for (int i = 0; i < 5; i++)
			if (!strcmp(value, sides[i])) {
				st->camera_side = i;
				return 1;
			}
		return 0;
	}
	if (!strcmp(key, "ui.category_colors") || !strcmp(key, "ui.category_en")) {
		each_pair(st, value, !strcmp(key, "ui.category_colors"));
		return 1;
	}
	return 0;
}

void ui_sm_load_settings(struct ui_state *st, ui_setting_fn get, void *ctx)
{
	static const char *const keys[] = { "ui.findme_verify", "ui.sound", "ui.bilingual",
					    "ui.camera_side", "ui.category_colors", "ui.category_en" };
	char v[1024];
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (get(ctx, keys[i], v, sizeof v) == 0)
			ui_sm_setting(st, keys[i], v);
}

/* Readable defaults for the categories most events have; any other is the bar's navy.
 * Never derived from the name's letters: two categories must not both come out red. */
uint32_t ui_category_color(const struct ui_state *st, const char *category)
{
	static const struct { const char *word; uint32_t rgb; } defaults[] = {
		{ "спікер", 0x1565C0 }, { "speaker", 0x1565C0 }, { "доповідач", 0x1565C0 },
		{ "волонтер", 0x2E7D32 }, { "volunteer", 0x2E7D32 },
		{ "організатор", 0x6A1B9A }, { "organizer", 0x6A1B9A }, { "staff", 0x6A1B9A },
		{ "преса", 0x795548 }, { "press", 0x795548 }, { "медіа", 0x795548 }, { "media", 0x795548 },
		{ "партнер", 0x00695C }, { "partner", 0x00695C }, { "спонсор", 0x00695C },
		{ "sponsor", 0x00695C },
	};
	char f[64];
	if (!category || !*category)
		return UI_BAR;
	for (int i = 0; st && i < st->n_cat_style; i++)
		if (st->cat_style[i].has_color && strcmp(st->cat_style[i].name, category) == 0)
			return st->cat_style[i].color;
	text_fold(category, f, sizeof f);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (strcmp(f, defaults[i].word) == 0)
			return defaults[i].rgb;
	return UI_BAR;
}

const char *ui_category_name(const struct ui_state *st, const char *category, int lang)
{
	/* the usual Ukrainian categories have their English names without any setting */
	static const struct { const char *uk, *en; } usual[] = {
		{ "учасник", "Participant" }, { "учасниця", "Participant" }, { "спікер", "Speaker" },
		{ "доповідач", "Speaker" },    { "волонтер", "Volunteer" },    { "організатор", "Organizer" },
		{ "преса", "Press" },          { "медіа", "Media" },           { "партнер", "Partner" },
		{ "спонсор", "Sponsor" },      { "гість", "Guest" },           { "студент", "Student" },
	};
	char f[64];
	if (lang != VK_LANG_EN || !category)
		return category ? category : "";
	for (int i = 0; i < st->n_cat_style; i++)
		if (st->cat_style[i].en[0] && strcmp(st->cat_style[i].name, category) == 0)
			return st->cat_style[i].en;
	text_fold(category, f, sizeof f);
	for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
		if (strcmp(f, usual[i].uk) == 0)
			return usual[i].en;
	return category;
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

/* The dates a ticket is valid, as people read them: "December 1–2, 2026" in English,
 * «1–2 грудня 2026» in Ukrainian (the catalogs order day and month and decline the month);
 * first and days count from 2020-01-01. */
static void dates_text(int lang, int first, int days, char *out, size_t cap)
{
	static const char *const months[12] = {
		N_("January %s"), N_("February %s"), N_("March %s"), N_("April %s"), N_("May %s"),
		N_("June %s"), N_("July %s"), N_("August %s"), N_("September %s"), N_("October %s"),
		N_("November %s"), N_("December %s"),
	};
	time_t t0 = (time_t)1577836800 + (time_t)first * 86400;
	time_t t1 = t0 + (time_t)(days > 1 ? days - 1 : 0) * 86400;
	struct tm a, b;
	char d[32], md[128], md2[64];
	gmtime_r(&t0, &a);
	gmtime_r(&t1, &b);
	if (a.tm_year == b.tm_year && a.tm_mon == b.tm_mon) {
		if (a.tm_mday == b.tm_mday)
			snprintf(d, sizeof d, "%d", a.tm_mday);
		else
			snprintf(d, sizeof d, "%d–%d", a.tm_mday, b.tm_mday);
		snprintf(md, sizeof md, i18n_tr(lang, months[a.tm_mon]), d);
		snprintf(out, cap, i18n_tr(lang, "%s, %d"), md, a.tm_year + 1900);
		return;
	}
	snprintf(d, sizeof d, "%d", a.tm_mday);
	snprintf(md, sizeof md, i18n_tr(lang, months[a.tm_mon]), d);
	if (a.tm_year != b.tm_year) {
		char y[128];
		snprintf(y, sizeof y, i18n_tr(lang, "%s, %d"), md, a.tm_year + 1900);
		text_copy(md, sizeof md, y);
	}
	snprintf(d, sizeof d, "%d", b.tm_mday);
	snprintf(md2, sizeof md2, i18n_tr(lang, months[b.tm_mon]), d);
	snprintf(out, cap, i18n_tr(lang, "%s – %s, %d"), md, md2, b.tm_year + 1900);
}

void ui_sm_outcome(struct ui_state *st, const struct checkin_result *r, int64_t wall_ms,
		   int64_t now)
{
	char when[32];
	int rec;
	st->now = now;
	st->wall_ms = wall_ms;
	st->wall_at = now;
	st->seen_at = 0;
	rec = r->outcome == CI_ALREADY_ADMITTED ? recent_find(st, r->number) : -1;
	if (checkin_outcome_admits(r->outcome))
		recent_put(st, r->number, r->job_id ? UI_PRINT_QUEUED : UI_PRINT_NONE);
	if (is_staff_screen(st->screen) || (st->purpose != UI_FOR_CHECKIN
					    && (st->screen == UI_FIND || st->screen == UI_CONFIRM))) {
		org_say(st, UI_OM_SCANNED, r->outcome, r->have_reg ? r->reg.display : "-");
		return;
	}
	st->outcome = r->outcome;
	st->number = r->number;
	st->job_id = r->job_id;
	st->detail[0] = '\0';
	st->repeat = 0;
	snprintf(st->name, sizeof st->name, "%s", r->have_reg ? r->reg.display : "");
	snprintf(st->organization, sizeof st->organization, "%s", r->have_reg ? r->reg.organization : "");
	snprintf(st->category, sizeof st->category, "%s", r->have_reg ? r->reg.category : "");
	st->guest_lang = -1;
	/* greet people in their own language unless they chose one on the welcome screen */
	if (r->have_reg && st->lang == st->default_lang)
		st->guest_lang = i18n_lang_find(r->reg.lang);
	st->sound = checkin_outcome_admits(r->outcome) ? UI_SOUND_OK : UI_SOUND_REFUSED;
	st->sound_id++;
	if (checkin_outcome_admits(r->outcome)) {
		if (!st->name[0])
			snprintf(st->name, sizeof st->name, T(st, "Participant %lld"), (long long)r->number);
		st->print = r->job_id ? UI_PRINT_QUEUED : UI_PRINT_NONE;
		st->print_since = now;
		if (r->job_id && st->printer != PRINTER_READY)
			st->print = UI_PRINT_HELD;
		if (r->job_id)
			st->recent[recent_find(st, r->number)].print = st->print;
		go(st, UI_GREETING);
		st->changed = 1;
		return;
	}
	switch (r->outcome) {
	case CI_ALREADY_ADMITTED:
		if (rec >= 0 && wall_ms - st->recent[rec].wall_ms < UI_REPEAT_MS) {
			/* the same person a minute later: their badge is here, nobody need come */
			st->repeat = 1;
			st->repeat_print = st->recent[rec].print;
			st->repeat_wall = st->recent[rec].printed_wall ? st->recent[rec].printed_wall
								       : st->recent[rec].wall_ms;
			st->sound = UI_SOUND_OK;
		} else if (r->first.wall_ms && wall_ms - r->first.wall_ms < UI_REPEAT_MS
			   && wall_ms >= r->first.wall_ms) {
			st->repeat = 1;
			st->repeat_print = UI_PRINT_NONE;
			st->repeat_wall = r->first.wall_ms;
			st->sound = UI_SOUND_OK;
		}
		ui_when_text(r->first.wall_ms, when, sizeof when);
		snprintf(st->detail, sizeof st->detail, T(st, "First check-in: %s, kiosk %s."), when,
			 r->first.kiosk);
		break;
	case CI_WRONG_EVENT:
		if (r->other_event[0])
			snprintf(st->detail, sizeof st->detail, T(st, "This ticket is for: %s."), r->other_event);
		break;
	case CI_ROOM_FULL:
		/* the count is for staff: how full, so they can point to another room */
		checkin_session_line(r, st->detail, sizeof st->detail);
		break;
	case CI_NOT_VALID_NOW: {
		char dates[128];
		dates_text(st->lang, r->valid_from_day, r->valid_days, dates, sizeof dates);
		snprintf(st->detail, sizeof st->detail, T(st, "The ticket is valid on these dates: %s."),
			 dates);
		break;
	}
	default:
		break;
	}
	go(st, UI_REFUSED);
	st->changed = 1;
	if (r->outcome != CI_UNKNOWN && r->outcome != CI_MALFORMED && !st->repeat)
		add_problem(st, UI_PB_REFUSAL, r->outcome, st->name);
}

void ui_sm_printed(struct ui_state *st, int64_t number, int64_t now)
{
	int i;
	st->now = now;
	if ((i = recent_find(st, number)) >= 0) {
		st->recent[i].print = UI_PRINT_DONE;
		st->recent[i].printed_wall = wall_now(st);
	}
	if (st->screen == UI_GREETING && number == st->number && st->print != UI_PRINT_DONE) {
		st->print = UI_PRINT_DONE;
		st->print_since = now;
		st->changed = 1;
	}
}

void ui_sm_held(struct ui_state *st, int64_t number, enum printer_state state, int64_t now)
{
	int i;
	st->now = now;
	if (st->printer != state) {
		st->printer = state;
		if (state != PRINTER_READY)
			add_problem(st, UI_PB_PRINTER, state, NULL);
	}
	if ((i = recent_find(st, number)) >= 0 && st->recent[i].print == UI_PRINT_QUEUED)
		st->recent[i].print = UI_PRINT_HELD;
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
			add_problem(st, UI_PB_PRINTER, state, NULL);
		else
			resolve_problems(st, UI_PB_PRINTER);
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
			add_problem(st, UI_PB_CAMERA_GONE, 0, NULL);
		if (sc == UI_SCANNER_OK || sc == UI_SCANNER_ENDED) {
			resolve_problems(st, UI_PB_CAMERA_GONE);
			resolve_problems(st, UI_PB_CAMERA_NONE);
		}
		st->scanner = sc;
		st->scanner_since = now;
		st->changed = 1;
	}
}

void ui_sm_code_seen(struct ui_state *st, int64_t now)
{
	st->now = now;
	if (!st->seen_at || now - st->seen_at > 500)
		st->changed = 1;
	st->seen_at = now;
}

void ui_sm_wall(struct ui_state *st, int64_t wall_ms, int trusted)
{
	st->wall_ms = wall_ms;
	st->wall_at = st->now;
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
	st->now = now;
	st->changed = 1;
	switch (kind) {
	case UI_REQ_REPRINT:
		org_say(st, rc == VK_OK ? UI_OM_REPRINT_OK
			    : rc == VK_ERR_REPRINT_LIMIT || rc == VK_ERR_REPRINT_NEEDS_ORGANIZER ? UI_OM_REPRINT_MAX
			    : UI_OM_REPRINT_NOT_IN, 0, name);
		break;
	case UI_REQ_UNDO:
		org_say(st, rc == VK_OK ? UI_OM_UNDO_OK : UI_OM_UNDO_NOT_IN, 0, name);
		if (rc == VK_OK && st->picked >= 0 && st->picked < st->n_hits)
			recent_drop(st, st->hits[st->picked].number);
		break;
	case UI_REQ_CHECKIN:
	case UI_REQ_WALKIN:
		if (rc != VK_OK) {
			/* the door thread could not record it: never leave the attendee guessing */
			st->outcome = CI_OUTCOME_COUNT;
			st->repeat = 0;
			snprintf(st->name, sizeof st->name, "%s", name ? name : "");
			st->detail[0] = '\0';
			st->sound = UI_SOUND_REFUSED;
			st->sound_id++;
			go(st, UI_REFUSED);
			add_problem(st, UI_PB_NOT_RECORDED, 0, name);
		}
		break;
	case UI_REQ_SET_CLOCK:
		org_say(st, rc == VK_OK ? UI_OM_CLOCK_OK : UI_OM_CLOCK_FAIL, 0, NULL);
		break;
	case UI_REQ_SETTING:
		if (rc != VK_OK)
			org_say(st, UI_OM_SETTING_FAIL, 0, NULL);
		break;
	case UI_REQ_HUB_ENROLL:
		hub_enrolled(st, rc, name);
		break;
	default:
		break;
	}
}

void ui_sm_org_text(const struct ui_state *st, int lang, char *out, size_t cap)
{
	const char *a = st->org_arg;
	out[0] = '\0';
	switch (st->org_msg) {
	case UI_OM_SCANNED:
		snprintf(out, cap, i18n_tr(lang, "Scanned: %s, %s"), a,
			 checkin_outcome_short_in(lang, st->org_code));
		break;
	case UI_OM_REPRINT_OK:
		snprintf(out, cap, i18n_tr(lang, "Badge queued again: %s"), a);
		break;
	case UI_OM_REPRINT_MAX:
		snprintf(out, cap, i18n_tr(lang, "No reprint: every reprint allowed was used "
					   "(setting badge.reprints_max). %s"), a);
		break;
	case UI_OM_REPRINT_NOT_IN:
		snprintf(out, cap, i18n_tr(lang, "No reprint: not checked in, no badge yet. %s"), a);
		break;
	case UI_OM_UNDO_OK:
		snprintf(out, cap, i18n_tr(lang, "Check-in undone (kept in the log): %s"), a);
		break;
	case UI_OM_UNDO_NOT_IN:
		snprintf(out, cap, i18n_tr(lang, "Nothing to undo: not checked in. %s"), a);
		break;
	case UI_OM_CLOCK_OK:
		snprintf(out, cap, "%s", i18n_tr(lang, "The clock is set."));
		break;
	case UI_OM_CLOCK_FAIL:
		snprintf(out, cap, "%s", i18n_tr(lang, "The clock could not be set."));
		break;
	case UI_OM_SETTING_FAIL:
		snprintf(out, cap, "%s", i18n_tr(lang, "The setting could not be saved."));
		break;
	default:
		hub_text(st, lang, out, cap);
		break;
	}
}

void ui_sm_problem_text(const struct ui_state *st, int i, int lang, char *out, size_t cap)
{
	const char *a;
	if (i < 0 || i >= st->n_problems) {
		out[0] = '\0';
		return;
	}
	a = st->problems[i].arg;
	switch (st->problems[i].kind) {
	case UI_PB_PRINTER:
		snprintf(out, cap, "%s", printq_state_text_in(lang, st->problems[i].code));
		break;
	case UI_PB_CAMERA_GONE:
		snprintf(out, cap, "%s", i18n_tr(lang, "The camera was disconnected"));
		break;
	case UI_PB_CAMERA_NONE:
		snprintf(out, cap, "%s", i18n_tr(lang, "The camera shows no picture"));
		break;
	case UI_PB_PIN_LOCK:
		snprintf(out, cap, "%s", i18n_tr(lang, "Organizer mode locked after wrong PINs"));
		break;
	case UI_PB_REFUSAL:
		snprintf(out, cap, "%s%s%s", checkin_outcome_short_in(lang, st->problems[i].code),
			 a[0] ? ": " : "", a);
		break;
	default:
		snprintf(out, cap, "%s%s%s", i18n_tr(lang, "A check-in could not be recorded"),
			 a[0] ? ": " : "", a);
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
	/* the index may not know of the check-ins since it was built: this kiosk's own do */
	for (int i = 0; i < st->n_hits; i++)
		if (recent_find(st, st->hits[i].number) >= 0)
			st->hits[i].admitted = 1;
	st->scroll = 0;
	st->changed = 1;
}

/* 1 when what was typed on the verify screen is the picked person's: the last three
 * digits of the registration number, or the first three or more letters of the e-mail. */
static int verify_ok(const struct ui_state *st)
{
	const struct search_hit *h = &st->hits[st->picked];
	char typed[64], mail[160];
	size_t n;
	text_fold(st->verify, typed, sizeof typed);
	n = strlen(typed);
	if (n == 3 && strspn(typed, "0123456789") == 3)
		return atoi(typed) == (int)(h->number % 1000);
	text_fold(h->email, mail, sizeof mail);
	return n >= 3 && strchr(mail, '@') && (size_t)(strchr(mail, '@') - mail) >= n
	       && strncmp(mail, typed, n) == 0;
}

static void admit_picked(struct ui_state *st)
{
	struct ui_request rq = { .kind = UI_REQ_CHECKIN, .number = st->hits[st->picked].number };
	snprintf(rq.a, sizeof rq.a, "%s", st->hits[st->picked].display);
	request(st, &rq);
}

static void verify_enter(struct ui_state *st)
{
	if (!st->verify[0])
		return;
	if (verify_ok(st)) {
		st->verify[0] = '\0';
		admit_picked(st);
		return;
	}
	st->verify[0] = '\0';
	st->verify_wrong++;
	st->changed = 1;
	if (st->verify_wrong >= UI_VERIFY_TRIES)
		go(st, UI_WELCOME); /* no guessing a stranger's badge out of the kiosk */
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
		if (strlen(text) < sizeof ch
		    && (st->shift || (st->focus == 0 && (n == 0 || f[n - 1] == ' ' || f[n - 1] == '-')))) {
			snprintf(ch, sizeof ch, "%s", text);
			capitalise(ch, sizeof ch);
			append(f, sizeof st->field[0], ch);
		} else {
			append(f, sizeof st->field[0], text);
		}
		st->shift = 0; /* one letter, as on a phone */
		st->changed = 1;
	} else if (st->screen == UI_VERIFY) {
		append(st->verify, sizeof st->verify, text);
		st->changed = 1;
	} else if (st->screen == UI_PIN) {
		if (st->pin_locked_until > st->now)
			return;
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
	} else if (st->screen == UI_VERIFY) {
		text_utf8_pop(st->verify);
	}
	st->changed = 1;
}

/* The lockout as the keeper of the PIN sees it (ops.pin_check): it outlives the process. */
static void pin_take_state(struct ui_state *st, int tries_left, int64_t locked_ms_left)
{
	st->pin_wrong = tries_left > 0 && tries_left <= UI_PIN_TRIES ? UI_PIN_TRIES - tries_left : 0;
	st->pin_locked_until = locked_ms_left > 0 ? st->now + locked_ms_left : 0;
	st->changed = 1;
}

static void pin_refresh(struct ui_state *st)
{
	int tries = UI_PIN_TRIES;
	int64_t left = 0;
	if (st->ops.pin_check && st->ops.pin_check(st->ops.ctx, NULL, &tries, &left) >= 0)
		pin_take_state(st, tries, left);
}

static void pin_enter(struct ui_state *st)
{
	int right;
	if (st->pin_locked_until > st->now)
		return;
	if (st->ops.pin_check) {
		int tries = UI_PIN_TRIES;
		int64_t left = 0;
		int r = st->ops.pin_check(st->ops.ctx, st->pin_typed, &tries, &left);
		right = r == UI_PIN_RIGHT;
		if (r >= 0)
			pin_take_state(st, tries, left);
		if (!right && left > 0) /* this wrong PIN locked it (a lock in force returns above) */
			add_problem(st, UI_PB_PIN_LOCK, 0, NULL);
	} else {
		/* no keeper of the PIN (the state machine alone, in tests): st->pin */
		right = strcmp(st->pin_typed, st->pin) == 0;
		if (!right && ++st->pin_wrong >= UI_PIN_TRIES) {
			st->pin_locked_until = st->now + UI_PIN_LOCK_MS;
			st->pin_wrong = 0;
			add_problem(st, UI_PB_PIN_LOCK, 0, NULL);
		}
		if (right)
			st->pin_wrong = 0;
	}
	memset(st->pin_typed, 0, sizeof st->pin_typed);
	if (right) {
		st->org_msg = UI_OM_NONE;
		go(st, UI_ORG);
		{
			struct ui_request rq = { .kind = UI_REQ_STATS };
			request(st, &rq);
		}
		return;
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
		else if (k == 4)
			st->shift = !st->shift;
		else if (st->kbd < 0)
			st->kbd = letters_kbd(st);
		st->changed = 1;
		return;
	}
	switch (st->screen) {
	case UI_WELCOME:
		if (strcmp(name, "find") == 0)
			open_find(st, UI_FOR_CHECKIN);
		else if (strcmp(name, "org") == 0) {
			go(st, UI_PIN);
			pin_refresh(st);
		}
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
		} else if (strcmp(name, "walkin") == 0 && st->walkins && st->query[0] && !st->n_hits) {
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
		} else if (strcmp(name, "yes") == 0 && st->purpose == UI_FOR_CHECKIN && st->findme_verify) {
			st->verify[0] = '\0';
			st->verify_wrong = 0;
			st->kbd = UI_KBD_SYM;
			go(st, UI_VERIFY);
		} else if (strcmp(name, "yes") == 0) {
			struct ui_request rq = { .number = st->hits[st->picked].number };
			rq.kind = st->purpose == UI_FOR_CHECKIN ? UI_REQ_CHECKIN
				  : st->purpose == UI_FOR_REPRINT ? UI_REQ_REPRINT : UI_REQ_UNDO;
			snprintf(rq.a, sizeof rq.a, "%s", st->hits[st->picked].display);
			request(st, &rq);
			if (st->purpose != UI_FOR_CHECKIN) {
				st->org_msg = UI_OM_NONE;
				go(st, UI_ORG);
			}
		}
		break;
	case UI_VERIFY:
		if (strcmp(name, "back") == 0)
			go(st, UI_FIND);
		else if (strcmp(name, "verify-ok") == 0)
			verify_enter(st);
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
			/* the attendees' language; the organizer keeps reading theirs until Lock */
			st->default_lang = (st->default_lang + 1) % i18n_lang_count();
			snprintf(rq.a, sizeof rq.a, "ui.lang");
			snprintf(rq.b, sizeof rq.b, "%s", i18n_lang_code(st->default_lang));
			request(st, &rq);
			st->changed = 1;
		} else if (strcmp(name, "hub") == 0) {
			hub_scan_start(st);
		} else if (strcmp(name, "refresh") == 0) {
			struct ui_request rq = { .kind = UI_REQ_STATS };
			request(st, &rq);
		} else if (strcmp(name, "quit") == 0) {
			st->quit_confirm = 1;
			st->changed = 1;
		} else if (strcmp(name, "quit-no") == 0) {
			st->quit_confirm = 0;
			st->changed = 1;
		} else if (strcmp(name, "quit-yes") == 0 && st->quit_confirm) {
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
		else if (st->screen == UI_VERIFY)
			verify_enter(st);
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
		else if (st->screen == UI_CONFIRM || st->screen == UI_WALKIN || st->screen == UI_VERIFY)
			go(st, UI_FIND);
		else
			go(st, UI_WELCOME);
		break;
	}
}

/* ---- timeouts -------------------------------------------------------------------------- */
void ui_sm_tick(struct ui_state *st, int64_t now)
{
	int64_t on = now - st->since, idle = now - st->last_input, prev = st->now;
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
		else if ((prev - st->since) / 1000 != on / 1000)
			st->changed = 1; /* the countdown to the start */
		break;
	case UI_FIND:
	case UI_CONFIRM:
	case UI_WALKIN:
	case UI_VERIFY:
		if (idle > UI_IDLE_MS)
			go(st, st->purpose == UI_FOR_CHECKIN || st->screen == UI_WALKIN ? UI_WELCOME : UI_ORG);
		break;
	case UI_PIN:
		if (idle > UI_IDLE_MS)
			go(st, UI_WELCOME);
		break;
	case UI_ORG:
	case UI_CLOCK:
		if (idle > UI_ORG_IDLE_MS) {
			go(st, UI_WELCOME);
		} else if (st->screen == UI_ORG && now - st->stats_at >= UI_STATS_MS) {
			/* the turnout keeps itself current while the organizer watches */
			struct ui_request rq = { .kind = UI_REQ_STATS };
			st->stats_at = now;
			request(st, &rq);
		}
		break;
	default:
		break;
	}
	if (st->screen == UI_PIN && st->pin_locked_until && now / 1000 != (now - 1) / 1000)
		st->changed = 1; /* the lockout countdown */
	if (st->pin_locked_until && st->pin_locked_until <= now && problem_open(st, UI_PB_PIN_LOCK))
		resolve_problems(st, UI_PB_PIN_LOCK);
	if (st->scanner == UI_SCANNER_NONE && now - st->scanner_since >= UI_CAMERA_WAIT_MS
	    && !problem_open(st, UI_PB_CAMERA_NONE)) {
		add_problem(st, UI_PB_CAMERA_NONE, 0, NULL);
		st->changed = 1; /* the welcome screen stops promising a camera */
	}
}

void ui_sm_drag(struct ui_state *st, int dy, int w, int h, int64_t now)
{
	struct ui_dlist *dl = malloc(sizeof *dl);
	int before = st->scroll;
	if (!dl)
		return;
	st->now = now;
	st->last_input = now;
	ui_sm_layout(st, w, h, dl);
	st->scroll -= (int)lround(dy / (dl->scale > 0 ? dl->scale : 1));
	if (st->scroll > dl->scroll_max)
		st->scroll = dl->scroll_max;
	if (st->scroll < 0)
		st->scroll = 0;
	if (st->scroll != before)
		st->changed = 1;
	free(dl);
}
