/* SPDX-License-Identifier: MIT */
/* The layouts of the screens (screen.h): what the state machine (screen.c) shows, as
 * display lists in pixels, drawn by ui.c and read by the tests. No SDL here: text widths
 * come through the measure ui.c installs (ui_set_measure), so a button is as wide as its
 * label drawn, in any script.
 *
 * Map: the display list and drawing helpers; one function per screen; ui_sm_layout, which
 * picks the screen's function; hit tests.
 *
 * Sizes scale with the window: 1.0 at 800x480 (the official 7" Pi display), 2.25 at
 * 1920x1080; a portrait window stacks what a landscape one puts side by side and gives
 * the extra height to the texts and lists. Lists that do not fit scroll by whole rows, so
 * nothing is ever drawn half outside its place. */
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

/* ---- measuring text -------------------------------------------------------------------- */
static ui_measure_fn measure_fn;
static void *measure_ctx;

void ui_set_measure(ui_measure_fn fn, void *ctx)
{
	measure_fn = fn;
	measure_ctx = ctx;
}

int ui_text_width(const char *utf8, int px, int bold)
{
	int chars = 0;
	if (measure_fn)
		return measure_fn(measure_ctx, utf8, px, bold);
	/* no font at hand (unit tests): characters, not bytes, at a generous average width */
	for (const char *p = utf8; *p;) {
		text_utf8_next(&p);
		chars++;
	}
	return (int)(chars * px * (bold ? 0.62 : 0.58));
}

/* ---- layouts --------------------------------------------------------------------------- */
struct ly {
	struct ui_dlist *dl;
	double s;
	int W, H, pad, bar, portrait, lang;
	int lang2;            /* the second language shown smaller, or -1 */
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

/* The smallest size any text may shrink to: 18 px at 800x480, scaled above it. */
static int min_px(const struct ly *l)
{
	return S(l, 18) < 18 ? 18 : S(l, 18);
}

/* A text of size px (never below the minimum) on background bg. */
static struct ui_item *text(struct ly *l, struct ui_rect r, double px, int flags, uint32_t fg,
			    uint32_t bg, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static struct ui_item *text(struct ly *l, struct ui_rect r, double px, int flags, uint32_t fg,
			    uint32_t bg, const char *fmt, ...)
{
	struct ui_item *it = ui_dlist_add(l->dl, UI_IT_TEXT, r);
	va_list ap;
	if (!it)
		return NULL;
	it->px = S(l, px);
	it->min_px = min_px(l);
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

/* The text colour readable on bg: white on dark colours, body text on light ones. */
static uint32_t ink_on(uint32_t bg)
{
	return ui_contrast(UI_WHITE, bg) >= ui_contrast(UI_FG, bg) ? UI_WHITE : UI_FG;
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
	it->min_px = min_px(l);
	if (it->px < it->min_px)
		it->px = it->min_px;
	it->bg = bg;
	it->fg = ink_on(bg);
	it->flags = UI_BOLD | UI_WRAP;
	return it;
}

static const char *L(const struct ly *l, const char *msgid)
{
	return i18n_tr(l->lang, msgid);
}

/* The width a button needs for label at px (bold), with room on both sides. */
static int label_w(const struct ly *l, const char *label, double px)
{
	return ui_text_width(label, S(l, px), 1) + S(l, 36);
}

/* The top bar: a title and, from the right, up to three buttons given as name/label. The
 * language now is the white button: it stands out of the bar. */
static int top_bar(struct ly *l, const char *title, const char *const *buttons, int n)
{
	int x = l->W - l->pad / 2, bh = l->bar - S(l, 12), bw;
	box(l, R(0, 0, l->W, l->bar), UI_BAR);
	for (int i = n - 1; i >= 0; i--) {
		const char *label = buttons[2 * i + 1];
		struct ui_item *it;
		bw = label_w(l, label, 22);
		if (bw < S(l, 84))
			bw = S(l, 84);
		if (bw > l->W / 3)
			bw = l->W / 3;
		x -= bw;
		it = button(l, buttons[2 * i], R(x, S(l, 6), bw, bh), 22, UI_BAR_BTN, label);
		if (it && strncmp(buttons[2 * i], "lang-", 5) == 0
		    && i18n_lang_find(buttons[2 * i] + 5) == l->lang) {
			it->bg = UI_WHITE;
			it->fg = UI_BAR;
		}
		x -= S(l, 8);
	}
	text(l, R(l->pad, 0, x - l->pad - S(l, 8), l->bar), 26, UI_BOLD | UI_MIDDLE | UI_WRAP, UI_WHITE,
	     UI_BAR, "%s", title);
	return l->bar;
}

/* What an input field shows of text (and its caret) at px in w pixels: all of it, or its
 * end after "…" -- a field scrolls to where the typing is, as any text field does. */
static const char *field_tail(const char *text, int px, int bold, int w, char *out, size_t cap)
{
	const char *p = text;
	snprintf(out, cap, "%s|", text);
	while (*p && ui_text_width(out, px, bold) > w) {
		text_utf8_next(&p);
		snprintf(out, cap, "…%s|", p);
	}
	return out;
}

/* "o…@ukr.net": enough of an e-mail address to tell two namesakes apart, not to learn it. */
static void mask_email(const char *email, char *out, size_t cap)
{
	const char *at = strchr(email, '@');
	const char *p = email;
	char first[8] = "";
	out[0] = '\0';
	if (!at || at == email || !at[1])
		return;
	text_utf8_next(&p);
	snprintf(first, sizeof first, "%.*s", (int)(p - email), email);
	snprintf(out, cap, "%s…%s", first, at);
}

/* The kiosk's wall clock now (the last reading moved on by the time since). */
static int64_t wall_of(const struct ui_state *st)
{
	return st->wall_ms + (st->wall_at ? st->now - st->wall_at : 0);
}

/* The height a wrapped text of size px needs in a box w wide (from its measured width,
 * with room for the words that do not break evenly), at most max_lines lines. */
static int text_h(const struct ly *l, const char *s, double px, int w, int bold, int max_lines)
{
	int p = S(l, px), tw = ui_text_width(s, p, bold), lines;
	lines = w > 0 ? (int)(tw / (w * 0.85)) + 1 : 1;
	if (lines > max_lines)
		lines = max_lines;
	return (int)(lines * p * 1.42) + S(l, 4);
}

/* The arrow toward the camera, inside the preview, on the camera's side (ui.camera_side),
 * when the camera is not behind the screen: people look where the arrow points. */
static void camera_arrow(const struct ui_state *st, struct ly *l, struct ui_rect pv)
{
	static const char *const arrows[] = { "", "▲", "◀", "▶", "▼" };
	int side = st->camera_side, h = S(l, 44), tw;
	char label[96];
	struct ui_rect r;
	if (side <= UI_CAM_BEHIND || side > UI_CAM_BOTTOM)
		return;
	if (side == UI_CAM_RIGHT)
		snprintf(label, sizeof label, "%s %s", L(l, "Camera"), arrows[side]);
	else
		snprintf(label, sizeof label, "%s %s", arrows[side], L(l, "Camera"));
	tw = ui_text_width(label, S(l, 24), 1) + S(l, 20);
	if (tw > pv.w - S(l, 16))
		tw = pv.w - S(l, 16);
	r = R(pv.x + S(l, 8), pv.y + S(l, 8), tw, h);
	if (side == UI_CAM_TOP || side == UI_CAM_BOTTOM)
		r.x = pv.x + (pv.w - tw) / 2;
	if (side == UI_CAM_RIGHT)
		r.x = pv.x + pv.w - tw - S(l, 8);
	if (side == UI_CAM_BOTTOM)
		r.y = pv.y + pv.h - h - S(l, 8);
	box(l, r, UI_BAR);
	text(l, r, 24, UI_BOLD | UI_MIDDLE | UI_CENTER, UI_WHITE, UI_BAR, "%s", label);
}

static int camera_dead(const struct ui_state *st)
{
	return st->scanner == UI_SCANNER_GONE
	       || (st->scanner == UI_SCANNER_NONE && st->now - st->scanner_since >= UI_CAMERA_WAIT_MS);
}

/* The language buttons: the language now is white, standing out of the navy. In a row
 * from the right edge at y (portrait: under the bar, where the title has the bar). */
static void lang_row(struct ly *l, int y, int h, uint32_t under)
{
	int n = i18n_lang_count(), x = l->W - l->pad / 2;
	if (n > 3)
		n = 3; /* three languages at the door; more from the organizer's menu */
	for (int i = n - 1; i >= 0; i--) {
		char name[48];
		const char *label = i18n_tr(i, "ENG");
		int bw = label_w(l, label, 22);
		struct ui_item *it;
		if (bw < S(l, 84))
			bw = S(l, 84);
		x -= bw;
		snprintf(name, sizeof name, "lang-%s", i18n_lang_code(i));
		it = button(l, name, R(x, y, bw, h), 22, under == UI_BAR ? UI_BAR_BTN : UI_SECONDARY, label);
		if (it && i == l->lang) {
			it->bg = under == UI_BAR ? UI_WHITE : UI_BAR;
			it->fg = under == UI_BAR ? UI_BAR : UI_WHITE;
		}
		x -= S(l, 8);
	}
}

static void lay_welcome(const struct ui_state *st, struct ly *l)
{
	int y, x0, cw, limit, fh = S(l, 84), dead = camera_dead(st), P = l->portrait;
	struct ui_rect pv, corner, find;
	const char *title_msgid = dead ? "The camera is not working"
				       : "Show the QR code of your ticket to the camera";
	const char *title = L(l, title_msgid);
	const char *warn = L(l, "Badges are delayed: the printer needs attention. Check-in works: please tell a staff member.");
	const char *sub = dead ? L(l, "Find yourself by name below, or ask a staff member.")
			       : L(l, "On your phone or on paper. Hold it still for 1–2 seconds.");
	int top;

	if (P) {
		/* the bar holds the event's name; the languages get their own row */
		top_bar(l, st->event_name[0] ? st->event_name : "vkhid", NULL, 0);
		lang_row(l, l->bar + l->pad / 2, S(l, 52), UI_BG);
		top = l->bar + l->pad / 2 + S(l, 52) + l->pad / 2;
		corner = R(l->pad, l->H - l->pad - S(l, 52), S(l, 130), S(l, 52));
		find = R(l->pad, corner.y - S(l, 12) - fh, l->W - 2 * l->pad, fh);
		pv = R(l->pad, top, l->W - 2 * l->pad, (int)(l->H * 0.30));
		x0 = l->pad;
		cw = l->W - 2 * l->pad;
		y = pv.y + pv.h + l->pad;
	} else {
		int col = l->W / 2 - l->pad - l->pad / 2;
		box(l, R(0, 0, l->W, l->bar), UI_BAR);
		lang_row(l, S(l, 6), l->bar - S(l, 12), UI_BAR);
		{
			/* the title takes what the languages leave */
			int lw = 0, n = i18n_lang_count() > 3 ? 3 : i18n_lang_count();
			for (int i = 0; i < n; i++) {
				int bw = label_w(l, i18n_tr(i, "ENG"), 22);
				lw += (bw < S(l, 84) ? S(l, 84) : bw) + S(l, 8);
			}
			text(l, R(l->pad, 0, l->W - l->pad / 2 - lw - l->pad - S(l, 8), l->bar), 26,
			     UI_BOLD | UI_MIDDLE | UI_WRAP, UI_WHITE, UI_BAR, "%s",
			     st->event_name[0] ? st->event_name : "vkhid");
		}
		corner = R(l->pad, l->H - l->pad - S(l, 52), S(l, 130), S(l, 52));
		pv = R(l->pad, l->bar + l->pad, col, corner.y - S(l, 10) - l->bar - l->pad);
		x0 = l->W / 2 + l->pad / 2;
		cw = l->W - x0 - l->pad;
		find = R(x0, l->H - l->pad - fh, cw, fh);
		y = l->bar + l->pad;
	}
	limit = find.y - S(l, 10);
	{
		struct ui_item *it = ui_dlist_add(l->dl, UI_IT_PREVIEW, pv);
		if (it) {
			it->bg = UI_PREVIEW;
			it->fg = l->dl->code_seen ? UI_OK : UI_FRAME;
			snprintf(it->name, sizeof it->name, "preview");
		}
	}
	if (dead || st->scanner == UI_SCANNER_NONE)
		text(l, R(pv.x + l->pad, pv.y + pv.h / 2 - S(l, 50), pv.w - 2 * l->pad, S(l, 100)), 22,
		     UI_WRAP | UI_CENTER | UI_MIDDLE, UI_WHITE, UI_PREVIEW, "%s",
		     dead ? L(l, "No picture from the camera") : L(l, "Starting the camera..."));
	else
		camera_arrow(st, l, pv);
	{
		/* from the top, in order of need: what to do, the printer's warning, how, the
		 * same in the second language; what does not fit whole is left out */
		int tpx = P ? 36 : 32, th = text_h(l, title, tpx, cw, 1, 4), wh = 0, sh, h2 = 0;
		char second[400] = "";
		if (th > limit - y)
			th = limit - y;
		text(l, R(x0, y, cw, th), tpx, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s", title);
		y += th + S(l, 6);
		if (st->printer != PRINTER_READY) {
			wh = text_h(l, warn, 20, cw - S(l, 20), 0, 4) + S(l, 8);
			if (y + wh <= limit) {
				struct ui_rect b = R(x0, y, cw, wh);
				box(l, b, UI_WARN);
				text(l, R(b.x + S(l, 10), b.y, b.w - S(l, 20), b.h), 20, UI_WRAP | UI_MIDDLE, UI_FG,
				     UI_WARN, "%s", warn);
				y += wh + S(l, 6);
			}
		}
		sh = text_h(l, sub, 22, cw, 0, 3);
		if (y + sh <= limit) {
			text(l, R(x0, y, cw, sh), 22, UI_WRAP, UI_MUTED, UI_BG, "%s", sub);
			y += sh + S(l, 4);
		}
		if (l->lang2 >= 0) {
			snprintf(second, sizeof second, "%s", i18n_tr(l->lang2, title_msgid));
			h2 = text_h(l, second, 20, cw, 0, 3);
			if (y + h2 <= limit)
				text(l, R(x0, y, cw, h2), 20, UI_WRAP, UI_MUTED, UI_BG, "%s", second);
		}
	}
	button(l, "find", find, 28, UI_PRIMARY, L(l, "No code? Find yourself by name"));
	button(l, "org", corner, 20, UI_SECONDARY, L(l, "Staff"));
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
	uint32_t cat = ui_category_color(st, st->category);
	int band = S(l, 20), x = band + l->pad, w = l->W - x - l->pad, y = l->pad;
	int bottom = l->H - l->pad - S(l, l->portrait ? 110 : 76);
	const char *progress;
	uint32_t pbg = UI_OK_TINT, pfg = UI_OK;

	box(l, R(0, 0, band, l->H), cat);
	if (l->portrait)
		y += S(l, 60);
	text(l, R(x, y, w, S(l, l->portrait ? 70 : 48)), l->portrait ? 44 : 34, UI_BOLD, UI_OK, UI_BG,
	     "%s", L(l, "Welcome!"));
	y += S(l, l->portrait ? 80 : 52);
	{
		int nh = text_h(l, st->name, l->portrait ? 84 : 64, w, 1, 3);
		if (nh > S(l, l->portrait ? 360 : 170))
			nh = S(l, l->portrait ? 360 : 170);
		text(l, R(x, y, w, nh), l->portrait ? 84 : 64, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s", st->name);
		y += nh + S(l, 4);
	}
	if (st->organization[0] && y + S(l, 76) <= bottom) {
		text(l, R(x, y, w, S(l, l->portrait ? 110 : 76)), l->portrait ? 36 : 28, UI_WRAP, UI_MUTED,
		     UI_BG, "%s", st->organization);
		y += S(l, l->portrait ? 120 : 80);
	}
	if (st->category[0] && y + S(l, 44) <= bottom) {
		const char *name = ui_category_name(st, st->category, l->lang);
		int ch = S(l, l->portrait ? 60 : 44);
		int cw = ui_text_width(name, S(l, l->portrait ? 30 : 22), 1) + S(l, 36);
		if (cw > w)
			cw = w;
		box(l, R(x, y, cw, ch), cat);
		text(l, R(x + S(l, 10), y, cw - S(l, 20), ch), l->portrait ? 30 : 22,
		     UI_BOLD | UI_MIDDLE | UI_CENTER, ink_on(cat), cat, "%s", name);
	}
	switch (st->print) {
	case UI_PRINT_QUEUED:
		progress = L(l, "Printing your badge...");
		break;
	case UI_PRINT_DONE:
		progress = L(l, "Your badge is ready: take it from the printer.");
		break;
	case UI_PRINT_HELD:
		progress = L(l, "You are checked in. The badge waits for the printer: please tell a staff member.");
		pbg = UI_WARN;
		pfg = UI_FG;
		break;
	default:
		progress = L(l, "You are checked in.");
		break;
	}
	{
		struct ui_rect b = R(x, bottom, w, l->H - l->pad - bottom);
		box(l, b, pbg);
		text(l, R(b.x + S(l, 14), b.y, b.w - S(l, 28), b.h), l->portrait ? 30 : 24,
		     UI_WRAP | UI_MIDDLE | UI_BOLD, pfg, pbg, "%s", progress);
	}
}

/* What a repeated scan of a fresh check-in is told, in lang (no staff needed). */
static void repeat_text(const struct ui_state *st, int lang, char *out, size_t cap)
{
	char when[32];
	ui_when_text(st->repeat_wall, when, sizeof when);
	switch (st->repeat_print) {
	case UI_PRINT_DONE:
		snprintf(out, cap, i18n_tr(lang, "Your badge was printed at %s: it is in the printer's tray."),
			 when + 11);
		break;
	case UI_PRINT_QUEUED:
		snprintf(out, cap, "%s", i18n_tr(lang, "Your badge is printing: take it from the printer in a moment."));
		break;
	case UI_PRINT_HELD:
		snprintf(out, cap, "%s", i18n_tr(lang, "Your badge waits for the printer: please tell a staff member."));
		break;
	default:
		snprintf(out, cap, i18n_tr(lang, "You were checked in at %s. No badge? Please ask a staff member."),
			 when + 11);
		break;
	}
}

static void lay_refused(const struct ui_state *st, struct ly *l)
{
	int o = st->outcome >= 0 && st->outcome <= CI_OUTCOME_COUNT ? st->outcome : CI_OUTCOME_COUNT;
	int repeat = st->repeat && o == CI_ALREADY_ADMITTED;
	int staff = !repeat && (o == CI_ALREADY_ADMITTED || o == CI_CANCELLED || o == CI_REVOKED
				|| o == CI_FORGED || o == CI_OUTCOME_COUNT);
	int danger = o == CI_CANCELLED || o == CI_REVOKED || o == CI_FORGED || o == CI_OUTCOME_COUNT;
	int findable = o == CI_UNKNOWN || o == CI_MALFORMED;
	uint32_t hbg = repeat ? UI_OK : danger ? UI_DANGER : UI_WARN, hfg = ink_on(hbg);
	int P = l->portrait;
	int hh = S(l, P ? 200 : 96), icon = hh - 2 * S(l, 14);
	int bh = S(l, P ? 84 : 72), x = l->pad, w = l->W - 2 * l->pad, y, limit, h;
	int64_t left = (UI_REFUSED_MS - (st->now - st->since) + 999) / 1000;
	char buf[400], label[96], a2[600];
	const char *title = repeat ? L(l, "You are already checked in")
			    : o < CI_OUTCOME_COUNT ? checkin_outcome_title_in(l->lang, o)
						   : L(l, "Something went wrong");
	const char *advice;
	struct ui_rect ok, find;

	if (icon > S(l, 90))
		icon = S(l, 90);
	if (left < 0)
		left = 0;
	box(l, R(0, 0, l->W, hh), hbg);
	{
		struct ui_rect ir = R(l->pad, (hh - icon) / 2, icon, icon);
		box(l, ir, hfg);
		text(l, ir, P ? 60 : 44, UI_BOLD | UI_CENTER | UI_MIDDLE, hbg, hfg, "%s",
		     repeat ? "✓" : danger ? "✕" : "!");
		text(l, R(ir.x + icon + l->pad, 0, l->W - ir.x - icon - 2 * l->pad, hh), P ? 44 : 34,
		     UI_BOLD | UI_WRAP | UI_MIDDLE, hfg, hbg, "%s", title);
	}
	/* the buttons: the next step is the strongest one; the way back counts down */
	if (P) {
		ok = R(l->pad, l->H - l->pad - bh, w, bh);
		find = R(l->pad, ok.y - S(l, 12) - bh, w, bh);
	} else {
		int bw = S(l, 220), fw = findable ? w - bw - l->pad : 0;
		ok = R(l->W - l->pad - bw, l->H - l->pad - bh, bw, bh);
		if (fw > S(l, 460))
			fw = S(l, 460);
		find = R(ok.x - l->pad - fw, ok.y, fw, bh);
	}
	limit = (findable && P ? find.y : ok.y) - S(l, 10);
	y = hh + S(l, P ? 24 : 12);
	if (st->name[0]) {
		h = text_h(l, st->name, P ? 48 : 30, w, 1, P ? 2 : 1);
		text(l, R(x, y, w, h), P ? 48 : 30, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s", st->name);
		y += h + S(l, 4);
	}
	if (repeat) {
		repeat_text(st, l->lang, buf, sizeof buf);
		advice = buf;
	} else {
		advice = o < CI_OUTCOME_COUNT ? checkin_outcome_advice_in(l->lang, o)
					      : L(l, "Your check-in was not recorded. Please ask a staff member.");
		if (st->detail[0]) {
			h = text_h(l, st->detail, P ? 30 : 22, w, 0, 3);
			text(l, R(x, y, w, h), P ? 30 : 22, UI_WRAP, UI_FG, UI_BG, "%s", st->detail);
			y += h + S(l, 4);
		}
	}
	h = text_h(l, advice, P ? 32 : 24, w, 0, 3);
	if (y + h > limit)
		h = limit - y;
	text(l, R(x, y, w, h), P ? 32 : 24, UI_WRAP, UI_FG, UI_BG, "%s", advice);
	y += h + S(l, 4);
	if (staff) {
		const char *call = L(l, "Please call a staff member.");
		h = text_h(l, call, P ? 32 : 24, w, 1, 2);
		if (y + h <= limit) {
			text(l, R(x, y, w, h), P ? 32 : 24, UI_BOLD | UI_WRAP, UI_DANGER, UI_BG, "%s", call);
			y += h + S(l, 4);
		}
	}
	if (l->lang2 >= 0) {
		/* the second language, smaller: the title and what to do */
		const char *t2 = repeat ? i18n_tr(l->lang2, "You are already checked in")
				 : o < CI_OUTCOME_COUNT ? checkin_outcome_title_in(l->lang2, o)
							: i18n_tr(l->lang2, "Something went wrong");
		char b2[400];
		if (repeat)
			repeat_text(st, l->lang2, b2, sizeof b2);
		else
			snprintf(b2, sizeof b2, "%s", o < CI_OUTCOME_COUNT ? checkin_outcome_advice_in(l->lang2, o)
						 : i18n_tr(l->lang2, "Your check-in was not recorded. Please ask a staff member."));
		snprintf(a2, sizeof a2, "%s. %s", t2, b2);
		h = text_h(l, a2, P ? 24 : 19, w, 0, 5);
		if (y + h <= limit) /* whole or not at all */
			text(l, R(x, y, w, h), P ? 24 : 19, UI_WRAP, UI_MUTED, UI_BG, "%s", a2);
	}
	if (findable) {
		button(l, "find", find, 26, UI_PRIMARY, L(l, "Find yourself by name"));
		snprintf(label, sizeof label, i18n_tr(l->lang, "Back (%d s)"), (int)left);
		button(l, "ok", ok, 24, UI_SECONDARY, label);
	} else {
		snprintf(label, sizeof label, i18n_tr(l->lang, "OK (%d s)"), (int)left);
		button(l, "ok", ok, 26, UI_PRIMARY, label);
	}
}

static const char *find_title(const struct ui_state *st, const struct ly *l)
{
	return st->purpose == UI_FOR_REPRINT ? L(l, "Reprint: find the person")
	       : st->purpose == UI_FOR_UNDO  ? L(l, "Undo a check-in: find the person")
					     : L(l, "Find yourself by name");
}

/* The second line of a result: what tells namesakes apart. The organization; the masked
 * e-mail too when another result has the same name, or there is no organization. The
 * organizer's lists start with whether the person is checked in. */
static void hit_detail(const struct ui_state *st, const struct ly *l, const struct search_hit *h,
		       char *out, size_t cap)
{
	char mail[160];
	int namesake = 0;
	out[0] = '\0';
	if (st->purpose != UI_FOR_CHECKIN)
		snprintf(out, cap, "%s", h->admitted ? L(l, "✓ checked in") : L(l, "not checked in"));
	for (int i = 0; i < st->n_hits; i++)
		if (&st->hits[i] != h && strcmp(st->hits[i].display, h->display) == 0)
			namesake = 1;
	if (h->organization[0])
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? " · " : "", h->organization);
	mask_email(h->email, mail, sizeof mail);
	/* the organizer's lists carry the check-in state instead (the confirm screen has more) */
	if (mail[0] && (namesake || !out[0]) && st->purpose == UI_FOR_CHECKIN)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? " · " : "", mail);
	if (!out[0] && h->category[0])
		snprintf(out, cap, "%s", ui_category_name(st, h->category, l->lang));
}

static void lay_find(const struct ui_state *st, struct ly *l)
{
	const char *btn[2] = { "back", L(l, "Back") };
	int with_walkin = st->walkins && st->purpose == UI_FOR_CHECKIN && st->query[0] && !st->n_hits;
	int y = top_bar(l, find_title(st, l), btn, 1);
	int P = l->portrait, fh = S(l, 54), kh, ry, rh, cols, rows, total_rows, first, gap = S(l, 8);
	int hint = S(l, P ? 52 : 28), kw = l->W - 2 * l->pad, card = S(l, P ? 92 : 82);
	struct ui_rect f;

	y += l->pad / 2;
	f = R(l->pad, y, l->W - 2 * l->pad, fh);
	box(l, f, UI_BG);
	frame(l, f, UI_FRAME, S(l, 2) < 2 ? 2 : S(l, 2));
	if (st->query[0]) {
		char shown[sizeof st->query + 8];
		text(l, R(f.x + S(l, 12), f.y, f.w - S(l, 24), f.h), 28, UI_MIDDLE | UI_BOLD, UI_FG, UI_BG, "%s",
		     field_tail(st->query, S(l, 28), 1, f.w - S(l, 30), shown, sizeof shown));
	}
	else
		text(l, R(f.x + S(l, 12), f.y, f.w - S(l, 24), f.h), 22, UI_MIDDLE | UI_WRAP, UI_MUTED, UI_BG,
		     "%s", L(l, "Type the first letters of your name or surname"));
	y += fh + l->pad / 2;
	kh = P ? (int)(l->H * 0.42) : S(l, 212);
	if (kh > l->H - y - S(l, 120))
		kh = l->H - y - S(l, 120);
	kh = ui_kbd_height(kw, kh, st->kbd, -1, l->s);
	ry = y;
	rh = l->H - l->pad / 2 - kh - l->pad / 2 - ry;
	cols = P ? 1 : 2;
	rows = (rh - hint + gap) / (card + gap);
	if (rows < 1)
		rows = 1;
	total_rows = (st->n_hits + cols - 1) / cols;
	{
		int row_unit = (rh - hint + gap) / rows; /* px per row, scaled */
		int unit1 = (int)lround(row_unit / l->s);
		int max_first = total_rows > rows ? total_rows - rows : 0;
		first = unit1 > 0 ? (st->scroll + unit1 / 2) / unit1 : 0;
		if (first > max_first)
			first = max_first;
		l->dl->scroll_max = max_first * unit1;
	}
	if (st->query[0] && st->n_hits == 0) {
		const char *msg = with_walkin ? L(l, "Nobody found. Check the spelling, try your family name, or register.")
					      : L(l, "Nobody found. Check the spelling or try your family name.");
		if (with_walkin) {
			/* registering on the spot: offered only now that a search found nobody */
			int bw = label_w(l, L(l, "Register"), 26) + S(l, 40), bh = S(l, 64);
			if (bw > (l->W - 2 * l->pad) / 2)
				bw = (l->W - 2 * l->pad) / 2;
			if (bh > rh)
				bh = rh;
			text(l, R(l->pad, ry, l->W - 3 * l->pad - bw, rh), 22, UI_WRAP | UI_MIDDLE, UI_FG, UI_BG, "%s",
			     msg);
			button(l, "walkin", R(l->W - l->pad - bw, ry + (rh - bh) / 2, bw, bh), 26, UI_PRIMARY,
			       L(l, "Register"));
		} else {
			text(l, R(l->pad, ry, l->W - 2 * l->pad, rh), 22, UI_WRAP | UI_MIDDLE, UI_FG, UI_BG, "%s", msg);
		}
	} else if (!st->query[0]) {
		text(l, R(l->pad, ry, l->W - 2 * l->pad, rh), 22, UI_WRAP | UI_MIDDLE, UI_MUTED, UI_BG, "%s",
		     L(l, "Cyrillic or Latin letters both work."));
	}
	for (int r = 0; r < rows && first + r < total_rows; r++)
		for (int c = 0; c < cols; c++) {
			int i = (first + r) * cols + c;
			int cw = (l->W - 2 * l->pad - (cols - 1) * gap) / cols;
			int ch = (rh - hint + gap) / rows - gap, nh = S(l, P ? 38 : 34);
			struct ui_rect cr = R(l->pad + c * (cw + gap), ry + r * (ch + gap), cw, ch);
			const struct search_hit *h;
			char nm[16], det[400];
			struct ui_item *b;
			if (i >= st->n_hits)
				break;
			h = &st->hits[i];
			snprintf(nm, sizeof nm, "hit-%d", i);
			b = button(l, nm, cr, 22, UI_CARD, "");
			if (b)
				b->flags |= UI_SCROLLS;
			text(l, R(cr.x + S(l, 10), cr.y + S(l, 2), cr.w - S(l, 20), nh), 24, UI_BOLD | UI_MIDDLE,
			     UI_FG, UI_CARD, "%s%s", h->display, h->status == DB_REG_CANCELLED ? " ×" : "");
			hit_detail(st, l, h, det, sizeof det);
			if (det[0])
				text(l, R(cr.x + S(l, 10), cr.y + S(l, 2) + nh, cr.w - S(l, 20), cr.h - nh - S(l, 4)), 18,
				     UI_WRAP, h->admitted && st->purpose != UI_FOR_CHECKIN ? UI_OK : UI_MUTED, UI_CARD,
				     "%s", det);
		}
	{
		int shown_to = (first + rows) * cols, more = st->n_hits - shown_to;
		struct ui_rect hr = R(l->pad, ry + rh - hint, l->W - 2 * l->pad, hint);
		if (st->n_hits >= UI_MAX_HITS && more > 0)
			text(l, hr, 18, UI_MIDDLE | UI_WRAP, UI_FG, UI_BG, "%s",
			     L(l, "Many people match: scroll, or type more of the name."));
		else if (more > 0)
			text(l, hr, 18, UI_MIDDLE | UI_WRAP, UI_FG, UI_BG,
			     i18n_tr(l->lang, "%d more: scroll, or type more of the name."), more);
		else if (first > 0)
			text(l, hr, 18, UI_MIDDLE | UI_WRAP, UI_MUTED, UI_BG, i18n_tr(l->lang, "All %d shown."),
			     st->n_hits);
	}
	ui_kbd_add(l->dl, R(l->pad, l->H - l->pad / 2 - kh, kw, kh), st->kbd, -1, l->lang, l->s);
}

static void lay_confirm(const struct ui_state *st, struct ly *l)
{
	const struct search_hit *h = &st->hits[st->picked];
	const char *title = st->purpose == UI_FOR_REPRINT ? L(l, "Print this badge again?")
			    : st->purpose == UI_FOR_UNDO  ? L(l, "Undo this check-in?")
							  : L(l, "Is this you?");
	const char *yes = st->purpose == UI_FOR_REPRINT ? L(l, "Reprint the badge")
			  : st->purpose == UI_FOR_UNDO  ? L(l, "Undo the check-in")
							: L(l, "Yes, it is me");
	int y = top_bar(l, title, NULL, 0) + l->pad, w = l->W - 2 * l->pad, bh = S(l, 76);
	int limit = l->H - (l->portrait ? 2 : 1) * (bh + l->pad) - l->pad;
	char det[400];
	text(l, R(l->pad, y, w, S(l, l->portrait ? 220 : 130)), l->portrait ? 64 : 52, UI_BOLD | UI_WRAP,
	     UI_FG, UI_BG, "%s", h->display);
	y += S(l, l->portrait ? 226 : 134);
	hit_detail(st, l, h, det, sizeof det);
	if (det[0] && y + S(l, 70) <= limit) {
		text(l, R(l->pad, y, w, S(l, 70)), 26, UI_WRAP, UI_MUTED, UI_BG, "%s", det);
		y += S(l, 74);
	}
	if (h->category[0] && y + S(l, 40) <= limit)
		text(l, R(l->pad, y, w, S(l, 40)), 24, UI_WRAP, UI_MUTED, UI_BG, "%s",
		     ui_category_name(st, h->category, l->lang));
	if (l->portrait) {
		button(l, "yes", R(l->pad, l->H - 2 * (bh + l->pad), w, bh), 28,
		       st->purpose == UI_FOR_UNDO ? UI_DANGER : UI_PRIMARY, yes);
		button(l, "no", R(l->pad, l->H - bh - l->pad, w, bh), 28, UI_SECONDARY, L(l, "No, go back"));
	} else {
		int bw = (w - l->pad) / 2;
		button(l, "no", R(l->pad, l->H - bh - l->pad, bw, bh), 26, UI_SECONDARY, L(l, "No, go back"));
		button(l, "yes", R(l->pad * 2 + bw, l->H - bh - l->pad, bw, bh), 26,
		       st->purpose == UI_FOR_UNDO ? UI_DANGER : UI_PRIMARY, yes);
	}
}

static void lay_verify(const struct ui_state *st, struct ly *l)
{
	const char *btn[2] = { "back", L(l, "Back") };
	int y = top_bar(l, L(l, "One more step"), btn, 1) + l->pad / 2;
	int w = l->W - 2 * l->pad, fh = S(l, 56), okw = S(l, 150), th = S(l, l->portrait ? 200 : 76), kh;
	struct ui_rect f;
	if (st->verify_wrong)
		text(l, R(l->pad, y, w, th), 20, UI_WRAP | UI_BOLD, UI_DANGER, UI_BG,
		     i18n_tr(l->lang, "That does not match. Tries left: %d. Or ask a staff member."),
		     UI_VERIFY_TRIES - st->verify_wrong);
	else
		text(l, R(l->pad, y, w, th), l->portrait ? 28 : 20, UI_WRAP, UI_FG, UI_BG, "%s",
		     L(l, "So that nobody takes another person's badge: type the last 3 digits of your "
			  "registration number, or the first 3 letters of your e-mail address."));
	y += th + S(l, 6);
	f = R(l->pad, y, w - okw - l->pad, fh);
	box(l, f, UI_BG);
	frame(l, f, UI_FRAME, S(l, 2) < 2 ? 2 : S(l, 2));
	{
		char shown[sizeof st->verify + 8];
		text(l, R(f.x + S(l, 12), f.y, f.w - S(l, 24), f.h), 28, UI_MIDDLE | UI_BOLD, UI_FG, UI_BG, "%s",
		     field_tail(st->verify, S(l, 28), 1, f.w - S(l, 30), shown, sizeof shown));
	}
	{
		struct ui_item *b = button(l, "verify-ok", R(f.x + f.w + l->pad, y, okw, fh), 26, UI_PRIMARY,
					   L(l, "OK"));
		if (b && !st->verify[0])
			b->flags |= UI_DISABLED;
	}
	y += fh + l->pad / 2;
	kh = ui_kbd_height(w, l->H - l->pad / 2 - y, st->kbd, -1, l->s);
	ui_kbd_add(l->dl, R(l->pad, l->H - l->pad / 2 - kh, w, kh), st->kbd, -1, l->lang, l->s);
}

static void lay_walkin(const struct ui_state *st, struct ly *l)
{
	static const char *const names[3] = { "field-name", "field-org", "field-email" };
	static const char *const hints[3] = { N_("Given name and family name"), N_("Organization"),
					      N_("E-mail (optional)") };
	const char *btn[2] = { "back", L(l, "Back") };
	int y = top_bar(l, L(l, "Register on the spot"), btn, 1) + l->pad / 2;
	int fw = l->portrait ? l->W - 2 * l->pad : (int)((l->W - 3 * l->pad) * 0.58);
	int fh = S(l, l->portrait ? 64 : 50), gap = S(l, 6), kh, kw = l->W - 2 * l->pad;
	int rx = l->portrait ? l->pad : l->pad * 2 + fw, rw = l->portrait ? fw : l->W - rx - l->pad;
	int top = y;

	for (int i = 0; i < 3; i++) {
		struct ui_rect f = R(l->pad, y, fw, fh);
		struct ui_item *b = button(l, names[i], f, 22, UI_BG, "");
		if (b)
			b->fg = UI_FG;
		frame(l, f, i == st->focus ? UI_FRAME : UI_MUTED, i == st->focus ? (S(l, 3) < 3 ? 3 : S(l, 3)) : 1);
		if (st->field[i][0]) {
			char shown[sizeof st->field[0] + 8];
			field_tail(st->field[i], S(l, 24), 0, f.w - S(l, 26), shown, sizeof shown);
			if (i != st->focus)
				shown[strlen(shown) - 1] = '\0'; /* the caret only where the typing goes */
			text(l, R(f.x + S(l, 10), f.y, f.w - S(l, 20), f.h), 24, UI_MIDDLE, UI_FG, UI_BG, "%s", shown);
		}
		else
			text(l, R(f.x + S(l, 10), f.y, f.w - S(l, 20), f.h), 20, UI_MIDDLE, UI_MUTED, UI_BG, "%s%s",
			     i == st->focus ? "|" : "", L(l, hints[i]));
		y += fh + gap;
	}
	if (l->portrait) {
		button(l, "register", R(rx, y, rw, S(l, 72)), 26, UI_PRIMARY, L(l, "Register and print my badge"));
		y += S(l, 76);
		text(l, R(rx, y, rw, S(l, 70)), 22, UI_WRAP, st->note[0] ? UI_DANGER : UI_MUTED, UI_BG, "%s",
		     st->note[0] ? st->note : L(l, "Your name goes on the badge as you type it."));
		y += S(l, 74);
	} else {
		int rh = S(l, 80), col = 3 * fh + 2 * gap;
		button(l, "register", R(rx, top, rw, rh), 22, UI_PRIMARY, L(l, "Register and print my badge"));
		text(l, R(rx, top + rh + gap, rw, col - rh - gap), 18, UI_WRAP | UI_MIDDLE,
		     st->note[0] ? UI_DANGER : UI_MUTED, UI_BG, "%s",
		     st->note[0] ? st->note : L(l, "Your name goes on the badge as you type it."));
	}
	{
		/* the Shift key shows what the next letter will be: a name's words start with
		 * a capital by themselves */
		const char *f = st->field[st->focus];
		size_t n = strlen(f);
		int sh = st->shift || (st->focus == 0 && (n == 0 || f[n - 1] == ' ' || f[n - 1] == '-'));
		if (st->kbd == UI_KBD_SYM)
			sh = -1;
		kh = ui_kbd_height(kw, l->H - y - l->pad / 2 - l->pad / 4, st->kbd, sh, l->s);
		ui_kbd_add(l->dl, R(l->pad, l->H - l->pad / 2 - kh, kw, kh), st->kbd, sh, l->lang, l->s);
	}
}

static void lay_pin(const struct ui_state *st, struct ly *l)
{
	const char *btn[2] = { "back", L(l, "Back") };
	int y = top_bar(l, L(l, "Staff only"), btn, 1) + l->pad / 2;
	int locked = st->pin_locked_until > st->now;
	int kw = S(l, l->portrait ? 150 : 104), kh = S(l, l->portrait ? 84 : 60), gap = S(l, 8);
	int padw = 3 * kw + 2 * gap, x0, ky, mw;
	char dots[64] = "";
	static const char *const keys[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok" };

	/* one dot for each digit typed: 12 fit in dots[] */
	for (size_t i = 0; i < strlen(st->pin_typed) && i < 12; i++)
		strcat(dots, "● ");
	if (l->portrait) {
		x0 = (l->W - padw) / 2;
		mw = l->W - 2 * l->pad;
		text(l, R(l->pad, y, mw, S(l, 50)), 28, UI_CENTER | UI_MIDDLE | UI_WRAP, UI_FG, UI_BG, "%s",
		     L(l, "Enter the organizer PIN"));
		y += S(l, 54);
		if (dots[0])
			text(l, R(l->pad, y, mw, S(l, 50)), 34, UI_CENTER | UI_MIDDLE, UI_FG, UI_BG, "%s", dots);
		y += S(l, 54);
		ky = y + S(l, 110);
	} else {
		mw = l->W - padw - 3 * l->pad;
		x0 = l->W - l->pad - padw;
		text(l, R(l->pad, y, mw, S(l, 80)), 26, UI_WRAP, UI_FG, UI_BG, "%s", L(l, "Enter the organizer PIN"));
		if (dots[0])
			text(l, R(l->pad, y + S(l, 84), mw, S(l, 56)), 34, UI_MIDDLE, UI_FG, UI_BG, "%s", dots);
		ky = y;
		y += S(l, 150);
	}
	if (locked) {
		int64_t left = (st->pin_locked_until - st->now + 999) / 1000;
		text(l, R(l->pad, y, mw, S(l, 100)), 22, UI_WRAP | UI_BOLD, UI_DANGER, UI_BG,
		     i18n_tr(l->lang, "Too many wrong PINs. Try again in %d:%02d."), (int)(left / 60),
		     (int)(left % 60));
	} else if (st->pin_wrong) {
		/* how many tries are left is nobody's business at a public kiosk */
		text(l, R(l->pad, y, mw, S(l, 100)), 22, UI_WRAP | UI_BOLD, UI_DANGER, UI_BG, "%s",
		     L(l, "Wrong PIN."));
	}
	for (int i = 0; i < 12; i++) {
		char nm[16];
		struct ui_rect r = R(x0 + (i % 3) * (kw + gap), ky + (i / 3) * (kh + gap), kw, kh);
		const char *label = keys[i];
		uint32_t bg = UI_KEY_BG;
		struct ui_item *it;
		snprintf(nm, sizeof nm, "pin-%s", keys[i]);
		if (strcmp(keys[i], "del") == 0)
			label = "⌫";
		else if (strcmp(keys[i], "ok") == 0) {
			label = L(l, "OK");
			bg = UI_PRIMARY;
		}
		if (locked)
			bg = UI_DISABLED_BG;
		it = button(l, nm, r, 30, bg, label);
		if (it && locked) {
			it->flags |= UI_DISABLED;
			it->flags &= ~UI_BOLD;
			it->fg = UI_MUTED;
		}
	}
}

/* One line of the organizer's information column, placed later (the column scrolls). */
struct org_line {
	int h;
	double px;
	int flags;
	uint32_t fg, bg;      /* bg != UI_BG: drawn on a box of that colour */
	char text[UI_TEXT_MAX];
};

static void lay_org(const struct ui_state *st, struct ly *l)
{
	/* Refresh first and Close last, far apart: a slip must not close the kiosk */
	static const struct { const char *name, *label; } acts[] = {
		{ "refresh", N_("Refresh") },         { "reprint", N_("Reprint a badge") },
		{ "undo", N_("Undo a check-in") },    { "clock", N_("Set the clock") },
		{ "hub", N_("Connect to hub") },      { "default-lang", "" },
		{ "quit", N_("Close the kiosk") },
	};
	const int n_acts = (int)(sizeof acts / sizeof acts[0]);
	const char *btn[2] = { "lock", L(l, "Lock") };
	int top = top_bar(l, L(l, "Organizer"), btn, 1) + l->pad / 2, y;
	int iw = l->portrait ? l->W - 2 * l->pad : (int)((l->W - 3 * l->pad) * 0.60);
	int bx = l->portrait ? l->pad : 2 * l->pad + iw, bw = l->portrait ? (l->W - 3 * l->pad) / 2 : l->W - bx - l->pad;
	int bh = S(l, 56), gap = S(l, 8), line = S(l, 30), bottom;
	int rows = (n_acts + 1) / 2; /* portrait: two buttons a row */
	char when[32];
	const struct ui_turnout *t = &st->turnout;
	struct org_line *ln = calloc(64, sizeof *ln);
	int n = 0, first = 0, skip_h = 0;

	if (!ln)
		return;
	if (st->quit_confirm) {
		int w = l->W - 2 * l->pad, cy = top + l->pad, cbw = (w - l->pad) / 2;
		free(ln);
		text(l, R(l->pad, cy, w, S(l, 60)), 32, UI_BOLD | UI_WRAP, UI_FG, UI_BG, "%s",
		     L(l, "Close the kiosk?"));
		text(l, R(l->pad, cy + S(l, 66), w, S(l, 110)), 24, UI_WRAP, UI_FG, UI_BG, "%s",
		     L(l, "Nobody can check in here until the kiosk is started again."));
		button(l, "quit-no", R(l->pad, l->H - l->pad - S(l, 76), cbw, S(l, 76)), 26, UI_PRIMARY,
		       L(l, "Keep it open"));
		button(l, "quit-yes", R(2 * l->pad + cbw, l->H - l->pad - S(l, 76), cbw, S(l, 76)), 26, UI_DANGER,
		       L(l, "Close the kiosk"));
		return;
	}
	/* each line as tall as its text wrapped in the column (H: at least) */
#define LINE(H, PX, FL, FG, BG, ...)                                                              \
	do {                                                                                       \
		if (n < 64) {                                                                      \
			int th_;                                                                   \
			ln[n] = (struct org_line){ .h = (H), .px = (PX), .flags = (FL), .fg = (FG), .bg = (BG) }; \
			snprintf(ln[n].text, sizeof ln[n].text, __VA_ARGS__);                      \
			th_ = text_h(l, ln[n].text, (PX), iw - ((BG) != UI_BG ? S(l, 16) : 0),      \
				     ((FL) & UI_BOLD) != 0, 4);                                    \
			if (th_ > ln[n].h)                                                         \
				ln[n].h = th_;                                                     \
			n++;                                                                       \
		}                                                                                  \
	} while (0)
	/* the result of what the organizer just did comes first */
	if (st->org_msg) {
		char msg[300];
		int good = st->org_msg == UI_OM_REPRINT_OK || st->org_msg == UI_OM_UNDO_OK
			   || st->org_msg == UI_OM_CLOCK_OK || st->org_msg == UI_OM_SCANNED
			   || st->org_msg == UI_OM_HUB_OK || st->org_msg == UI_OM_HUB_SCAN
			   || st->org_msg == UI_OM_HUB_WAIT;
		ui_sm_org_text(st, l->lang, msg, sizeof msg);
		LINE(line, 20, UI_BOLD | UI_WRAP, good ? UI_OK : UI_DANGER, UI_BG, "%s", msg);
	}
	if (t->valid) {
		LINE(S(l, 46), 30, UI_BOLD, UI_FG, UI_BG, i18n_tr(l->lang, "Checked in: %lld of %lld"),
		     (long long)t->admitted, (long long)t->registered);
		LINE(line, 20, UI_WRAP, UI_FG, UI_BG,
		     i18n_tr(l->lang, "This hour: %lld · reprints: %lld · undone: %lld"),
		     (long long)t->this_hour, (long long)t->reprints, (long long)t->undos);
		for (int i = 0; i < t->n_cat && i < UI_MAX_CATS; i++)
			LINE(line, 20, UI_WRAP, UI_MUTED, UI_BG, "%s: %" PRId64 " / %" PRId64,
			     t->cat[i].name[0] && strcmp(t->cat[i].name, "-") ? t->cat[i].name : L(l, "No category"),
			     t->cat[i].admitted, t->cat[i].registered);
	} else {
		LINE(S(l, 46), 24, 0, UI_MUTED, UI_BG, "%s", L(l, "Counting..."));
	}
	if (st->printer != PRINTER_READY)
		LINE(S(l, 40), 20, UI_WRAP | UI_MIDDLE | UI_BOLD, UI_FG, UI_WARN, "%s. %s",
		     printq_state_text_in(l->lang, st->printer), printq_state_advice_in(l->lang, st->printer));
	LINE(line, 20, UI_WRAP, UI_FG, UI_BG, i18n_tr(l->lang, "Printer: %s · queue %lld · printed %lld"),
	     st->printer == PRINTER_READY ? L(l, "ready") : L(l, "needs attention"),
	     (long long)st->printer_queued, (long long)st->printer_printed);
	LINE(line, 20, UI_WRAP, camera_dead(st) ? UI_DANGER : UI_FG, UI_BG, "%s",
	     camera_dead(st) && st->scanner == UI_SCANNER_NONE ? L(l, "Camera: no picture: check the cable")
							     : ui_scanner_text_in(l->lang, st->scanner));
	ui_when_text(wall_of(st), when, sizeof when);
	LINE(line, 20, UI_WRAP, UI_FG, UI_BG, "%s: %s%s", L(l, "Clock"), when,
	     st->clock_trusted ? "" : L(l, " (not synchronised: set it)"));
	if (st->sync.enrolled) {
		if (st->sync.last_contact_ms)
			ui_when_text(st->sync.last_contact_ms, when, sizeof when);
		else
			snprintf(when, sizeof when, "%s", L(l, "never"));
		LINE(line, 20, UI_WRAP, st->sync.online ? UI_FG : UI_DANGER, UI_BG,
		     i18n_tr(l->lang, "Hub: %s · %s"), st->sync.hub,
		     st->sync.online ? L(l, "online") : L(l, "offline"));
		LINE(line, 18, UI_WRAP, UI_MUTED, UI_BG,
		     i18n_tr(l->lang, "Last contact %s · waiting to go up %lld · roster version %lld"),
		     when, (long long)st->sync.pending, (long long)st->sync.roster);
	}
	if (st->have_doctor) {
		/* the readiness report (the checks of `vkhid doctor`), judged in the organizer's
		 * language: problems boxed as the printer's are, warnings in bold */
		struct doctor_report *rep = malloc(sizeof *rep);
		if (rep) {
			doctor_judge(&st->doctor, l->lang, rep);
			LINE(S(l, 36), 22, UI_BOLD | UI_MIDDLE, UI_FG, UI_BG, "%s",
			     rep->worst == DOCTOR_FAIL ? L(l, "Readiness: not ready")
			     : rep->worst == DOCTOR_WARN ? L(l, "Readiness: works, with warnings")
							 : L(l, "Readiness: ready"));
			/* what needs doing first: problems, then warnings, then what is fine */
			for (int k = 0; k < 3 * rep->n; k++) {
				const struct doctor_item *it = &rep->item[k % rep->n];
				if ((int)it->verdict != DOCTOR_FAIL - k / rep->n)
					continue;
				if (it->verdict == DOCTOR_FAIL)
					LINE(S(l, 40), 18, UI_WRAP | UI_MIDDLE | UI_BOLD, UI_FG, UI_WARN, "%s: %s",
					     it->title, it->text);
				else
					LINE(line, 18, UI_WRAP | (it->verdict == DOCTOR_WARN ? UI_BOLD : 0),
					     it->verdict == DOCTOR_WARN ? UI_FG : UI_MUTED, UI_BG, "%s: %s", it->title,
					     it->text);
				/* what to do may take more lines than the column's usual four */
				if (n > 0) {
					int boxed = ln[n - 1].bg != UI_BG;
					int th8 = text_h(l, ln[n - 1].text, 18, iw - (boxed ? S(l, 16) : 0),
							 (ln[n - 1].flags & UI_BOLD) != 0, 8);
					if (th8 > ln[n - 1].h)
						ln[n - 1].h = th8;
				}
			}
			free(rep);
		}
	}
	if (st->n_problems) {
		LINE(S(l, 36), 22, UI_BOLD | UI_MIDDLE, UI_FG, UI_BG, "%s", L(l, "Problems"));
		for (int i = st->n_problems - 1; i >= 0; i--) {
			char p[200], w2[32];
			int fixable = st->problems[i].kind <= UI_PB_PIN_LOCK;
			ui_sm_problem_text(st, i, l->lang, p, sizeof p);
			ui_when_text(st->problems[i].at_wall, when, sizeof when);
			if (st->problems[i].resolved) {
				ui_when_text(st->problems[i].resolved_wall, w2, sizeof w2);
				LINE(line, 18, UI_WRAP, UI_MUTED, UI_BG, i18n_tr(l->lang, "%s  %s (resolved %s)"),
				     when + 11, p, w2 + 11);
			} else {
				LINE(line, 18, UI_WRAP | (fixable ? UI_BOLD : 0), fixable ? UI_DANGER : UI_FG, UI_BG,
				     "%s  %s", when + 11, p);
			}
		}
	}
#undef LINE
	/* the column: from top to bottom (portrait: above the buttons), by whole lines */
	/* landscape: the buttons above Close share the column's height, closer together
	 * before they get smaller (never below a finger: test_ui_fit) */
	if (!l->portrait) {
		int room = l->H - l->pad - bh - gap - (l->bar + l->pad / 2);
		if ((n_acts - 1) * (bh + gap) > room) {
			gap = S(l, 4);
			bh = room / (n_acts - 1) - gap;
		}
	}
	bottom = l->portrait ? l->H - l->pad - rows * (bh + gap) : l->H - l->pad / 2;
	{
		int total = 0, view = bottom - top, acc = 0, want = S(l, st->scroll);
		for (int i = 0; i < n; i++)
			total += ln[i].h + S(l, 2);
		for (first = 0; first < n && acc + ln[first].h / 2 < want && total - acc > view; first++)
			acc += ln[first].h + S(l, 2);
		skip_h = acc;
		l->dl->scroll_max = total > view ? (int)lround((total - view + line) / l->s) : 0;
	}
	(void)skip_h;
	y = top;
	for (int i = first; i < n; i++) {
		struct ui_rect r = R(l->pad, y, iw, ln[i].h);
		int more = n - i - 1;
		/* the last place left says that more lines follow, rather than cutting one */
		if (y + ln[i].h > bottom || (more > 0 && y + ln[i].h + S(l, 30) > bottom)) {
			text(l, R(l->pad, y, iw, S(l, 28)), 18, UI_MIDDLE | UI_BOLD, UI_PRIMARY, UI_BG, "%s",
			     L(l, "More below: drag the list up."));
			break;
		}
		if (ln[i].bg != UI_BG) {
			box(l, r, ln[i].bg);
			r = R(r.x + S(l, 8), r.y, r.w - S(l, 16), r.h);
		}
		text(l, r, ln[i].px, ln[i].flags, ln[i].fg, ln[i].bg, "%s", ln[i].text);
		y += ln[i].h + S(l, 2);
	}
	free(ln);
	for (int i = 0; i < n_acts; i++) {
		struct ui_rect r;
		char label[160];
		if (l->portrait)
			r = R(l->pad + (i % 2) * (bw + l->pad), l->H - l->pad - (rows - i / 2) * (bh + gap) + gap, bw, bh);
		else if (i == n_acts - 1)
			r = R(bx, l->H - l->pad - bh, bw, bh); /* Close stands apart, at the bottom */
		else
			r = R(bx, l->bar + l->pad / 2 + i * (bh + gap), bw, bh);
		if (strcmp(acts[i].name, "default-lang") == 0)
			snprintf(label, sizeof label, i18n_tr(l->lang, "Attendees' language: %s"),
				 i18n_tr(st->default_lang, "ENG"));
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
	int bw = (l->W - 2 * l->pad - (cols - 1) * gap) / cols, bh = S(l, l->portrait ? 80 : 60);
	char when[32];

	ui_when_text(wall_of(st) + st->clock_delta, when, sizeof when);
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
	l.lang2 = -1;
	if (st->bilingual && (st->screen == UI_WELCOME || st->screen == UI_REFUSED)) {
		/* Ukrainian large and English smaller, or English large and Ukrainian smaller */
		l.lang2 = l.lang != VK_LANG_EN ? VK_LANG_EN : i18n_lang_find("uk");
		if (l.lang2 == l.lang)
			l.lang2 = -1;
	}
	out->scroll_max = 0;
	out->sound = st->sound_on ? st->sound : UI_SOUND_NONE;
	out->sound_id = st->sound_id;
	out->code_seen = st->seen_at && st->now - st->seen_at < 1500;
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
	case UI_VERIFY: lay_verify(st, &l); break;
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
