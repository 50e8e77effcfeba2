/* SPDX-License-Identifier: MIT */
/* The layouts of the screens (screen.h): what the state machine (screen.c) shows, as
 * display lists in pixels, drawn by ui.c and read by the tests. No SDL here.
 *
 * Map: the display list and drawing helpers; one function per screen; ui_sm_layout, which
 * picks the screen's function; hit tests.
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
	if (st->sync.enrolled && !st->sync.online) {
		/* unobtrusive: a dot and a word beside the staff corner, for staff, not attendees */
		struct ui_rect m = R(corner.x - S(l, 140), corner.y, S(l, 130), corner.h);
		box(l, R(m.x, m.y + m.h / 2 - S(l, 5), S(l, 10), S(l, 10)), UI_WARN);
		text(l, R(m.x + S(l, 16), m.y, m.w - S(l, 16), m.h), 16, UI_MIDDLE, UI_MUTED, UI_BG, "%s",
		     L(l, "offline"));
	}
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

	/* one dot for each digit typed: 12 fit in dots[] */
	for (size_t i = 0; i < strlen(st->pin_typed) && i < 12; i++)
		strcat(dots, "● ");
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
	ui_when_text(st->wall_ms + (st->screen == UI_CLOCK ? st->clock_delta : 0), when, sizeof when);
	text(l, R(l->pad, y, iw, line), 20, 0, UI_FG, UI_BG, "%s: %s%s", L(l, "Clock"), when,
	     st->clock_trusted ? "" : L(l, " (not synchronised: set it)"));
	y += line;
	if (st->sync.enrolled) {
		if (st->sync.last_contact_ms)
			ui_when_text(st->sync.last_contact_ms, when, sizeof when);
		else
			snprintf(when, sizeof when, "%s", L(l, "never"));
		text(l, R(l->pad, y, iw, line), 20, 0, st->sync.online ? UI_FG : UI_DANGER, UI_BG,
		     i18n_tr(l->lang, "Hub: %s · %s"), st->sync.hub,
		     st->sync.online ? L(l, "online") : L(l, "offline"));
		y += line;
		text(l, R(l->pad, y, iw, line), 18, 0, UI_MUTED, UI_BG,
		     i18n_tr(l->lang, "Last contact %s · waiting to go up %lld · roster version %lld"),
		     when, (long long)st->sync.pending, (long long)st->sync.roster);
		y += line;
	}
	if (st->org_message[0]) {
		text(l, R(l->pad, y, iw, S(l, 56)), 20, UI_BOLD | UI_WRAP, UI_OK, UI_BG, "%s", st->org_message);
		y += S(l, 58);
	}
	for (int i = st->n_problems - 1; i >= 0 && y + line <= (l->portrait ? l->H - 3 * (bh + gap) - l->pad : l->H - l->pad / 2); i--) {
		ui_when_text(st->problems[i].at_wall, when, sizeof when);
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

	ui_when_text(st->wall_ms + st->clock_delta, when, sizeof when);
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
