/* SPDX-License-Identifier: MIT */
/* The badge text engine (badge_text.h): the fonts, loaded once (Noto Sans regular and bold,
 * DejaVu Sans for the glyphs Noto lacks); UTF-8 text split into runs by which font draws
 * them, measured and drawn into a 1-bit raster; and a text fitted into a box -- shrunk,
 * wrapped to two lines, ellipsized as a last resort. The badge layout (badge.c) places the
 * fitted blocks.
 *
 * Text comes from SDL2_ttf in 8-bit coverage and is cut at 50% into black and white dots:
 * at 300 dpi crisp edges read better on a thermal head than dithered grays. Text sizes are
 * cap heights (what the eye sees as "size") converted to the em size SDL2_ttf wants with
 * the font's own cap-height ratio.
 *
 * SDL2_ttf fonts hold a size and a glyph cache, so one mutex serialises every use of them;
 * rendering a badge takes a few milliseconds, so callers hardly wait. */
#include "badge/badge_text.h"

#include "badge/badge.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/text.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fonts --------------------------------------------------------------------------- */

#define NOTO_DIR "/usr/share/fonts/truetype/noto/"
#define DEJAVU_DIR "/usr/share/fonts/truetype/dejavu/"


static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int ready;
	struct face regular, bold;
	unsigned long fallback_chars;
} g;

static TTF_Font *open_first(const char *a, const char *b)
{
	TTF_Font *f = TTF_OpenFont(a, 64);
	return f ? f : b ? TTF_OpenFont(b, 64) : NULL;
}

static void face_close(struct face *f)
{
	if (f->main)
		TTF_CloseFont(f->main);
	if (f->fallback)
		TTF_CloseFont(f->fallback);
	memset(f, 0, sizeof(*f));
}

/* Loads a style: Noto as main and DejaVu as fallback; DejaVu alone when Noto is missing. */
static int face_open(struct face *f, const char *noto, const char *dejavu)
{
	int minx, maxx, miny, maxy, adv;

	memset(f, 0, sizeof(*f));
	f->main = TTF_OpenFont(noto, 64);
	if (f->main)
		f->fallback = TTF_OpenFont(dejavu, 64);
	else
		f->main = open_first(dejavu, NULL);
	if (!f->main)
		return VK_ERR_NOT_FOUND;
	f->main_px = f->fallback_px = 64;
	/* Light hinting (FreeType's auto-hinter, vertical only): baselines and horizontal
	 * stems land on whole dots, which keeps thresholded text even, at a third of the cost
	 * of the fonts' own bytecode hinting (9 ms a badge instead of 3 on the bench machine,
	 * too much on a Pi). */
	TTF_SetFontHinting(f->main, TTF_HINTING_LIGHT);
	if (f->fallback)
		TTF_SetFontHinting(f->fallback, TTF_HINTING_LIGHT);
	/* Measured at a large size so hinting's rounding hardly matters. */
	if (TTF_SetFontSize(f->main, 400) != 0
	    || TTF_GlyphMetrics32(f->main, 'H', &minx, &maxx, &miny, &maxy, &adv) != 0
	    || maxy <= 0) {
		face_close(f);
		return VK_ERR_NOT_FOUND;
	}
	f->main_px = 400;
	f->cap_ratio = maxy / 400.0;
	return VK_OK;
}

/* Caller holds g_lock. */
int btext_load_fonts(char *why, size_t why_len)
{
	if (g.ready)
		return VK_OK;
	if (TTF_Init() != 0) {
		if (why_len)
			snprintf(why, why_len, _("SDL2_ttf failed to start: %s"), TTF_GetError());
		return VK_ERR_NOMEM;
	}
	if (face_open(&g.regular, NOTO_DIR "NotoSans-Regular.ttf", DEJAVU_DIR "DejaVuSans.ttf")
	    || face_open(&g.bold, NOTO_DIR "NotoSans-Bold.ttf", DEJAVU_DIR "DejaVuSans-Bold.ttf")) {
		face_close(&g.regular);
		face_close(&g.bold);
		TTF_Quit();
		if (why_len)
			snprintf(why, why_len, "%s", _("no badge font: install the package fonts-noto-core "
						   "(or at least fonts-dejavu-core)"));
		return VK_ERR_NOT_FOUND;
	}
	g.ready = 1;
	return VK_OK;
}

/* Loads the badge fonts once per process; later calls return at once. Thread-safe.
 * Returns VK_OK, VK_ERR_NOT_FOUND with a reason in why naming the Debian package to
 * install, or VK_ERR_NOMEM when FreeType cannot start (why may be NULL when why_len is 0).
 * badge_render_template() calls it itself; calling it at start-up reports a missing font
 * before the first attendee arrives. */
int badge_init(char *why, size_t why_len)
{
	if (why_len)
		why[0] = '\0';
	pthread_mutex_lock(&g_lock);
	int rc = btext_load_fonts(why, why_len);
	pthread_mutex_unlock(&g_lock);
	return rc;
}

/* Closes the fonts and releases SDL2_ttf (reference-counted by SDL2_ttf, so the UI's own
 * use of it is unaffected). Safe to call when not initialised; badge_init() may follow. */
void badge_shutdown(void)
{
	pthread_mutex_lock(&g_lock);
	if (g.ready) {
		face_close(&g.regular);
		face_close(&g.bold);
		TTF_Quit();
		g.ready = 0;
	}
	pthread_mutex_unlock(&g_lock);
}

/* Characters drawn with the fallback font (DejaVu) since the process started: lets tests
 * and `vkhid doctor` see that a name needed glyphs Noto Sans lacks. */
unsigned long badge_fallback_count(void)
{
	pthread_mutex_lock(&g_lock);
	unsigned long n = g.fallback_chars;
	pthread_mutex_unlock(&g_lock);
	return n;
}

/* ---- text runs ----------------------------------------------------------------------- */

/* Characters that belong to whatever font their neighbours use: spaces, combining marks,
 * joiners and variation selectors. Splitting runs at them would only cost kerning. */
static int neutral_char(uint32_t c)
{
	return c == ' ' || (c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200D)
	       || (c >= 0xFE00 && c <= 0xFE0F);
}

/* 1 when c must come from the fallback font: the main font lacks it and the fallback has
 * it. When neither has it the main font draws its "missing" box. */
static int wants_fallback(const struct face *f, uint32_t c)
{
	return f->fallback && !TTF_GlyphIsProvided32(f->main, c)
	       && TTF_GlyphIsProvided32(f->fallback, c);
}

/* Sets or clears dot (x, y) of a plane of r (the black bits or the red plane). */
void btext_plane_set(struct printer_raster *r, uint8_t *plane, int x, int y, int ink)
{
	uint8_t *p = &plane[(size_t)y * r->stride + (x >> 3)];
	uint8_t m = (uint8_t)(0x80 >> (x & 7));
	*p = ink ? (uint8_t)(*p | m) : (uint8_t)(*p & ~m);
}

void btext_fill_rect(struct printer_raster *r, uint8_t *plane, int x0, int y0, int x1, int y1)
{
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < r->height; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x1 && x < r->width; x++)
			btext_plane_set(r, plane, x, y, 1);
}

/* Returns the font for a run, set to px pixels a em. */
static TTF_Font *run_font(struct face *f, int fallback, int px)
{
	TTF_Font *font = fallback ? f->fallback : f->main;
	int *cur = fallback ? &f->fallback_px : &f->main_px;

	/* TTF_SetFontSize empties the glyph cache: only when the size really changes. */
	if (*cur != px) {
		if (TTF_SetFontSize(font, px) != 0)
			return NULL;
		*cur = px;
	}
	return font;
}

/* Calls fn for each run of s: [start, end) and whether the fallback font draws it.
 * Stops at the first nonzero return of fn and returns it. */
typedef int (*run_fn)(struct face *f, int px, const char *start, size_t len, int fallback,
		      void *ctx);
static int for_each_run(struct face *f, int px, const char *s, run_fn fn, void *ctx)
{
	const char *start = s, *p = s;
	int cur = -1; /* -1 until a character decides the run's font */

	while (*p) {
		const char *at = p;
		uint32_t c = text_utf8_next(&p);
		if (neutral_char(c))
			continue;
		int fb = wants_fallback(f, c);
		if (cur >= 0 && fb != cur) {
			int rc = fn(f, px, start, (size_t)(at - start), cur, ctx);
			if (rc)
				return rc;
			start = at;
		}
		cur = fb;
	}
	if (p > start)
		return fn(f, px, start, (size_t)(p - start), cur > 0, ctx);
	return 0;
}

static int copy_run(char *dst, const char *start, size_t len)
{
	if (len >= RUN_MAX)
		return -1;
	memcpy(dst, start, len);
	dst[len] = '\0';
	return 0;
}

static int measure_run(struct face *f, int px, const char *start, size_t len, int fallback,
		       void *ctx)
{
	char buf[RUN_MAX];
	int w = 0, h = 0;
	TTF_Font *font = run_font(f, fallback, px);

	if (!font || copy_run(buf, start, len) || TTF_SizeUTF8(font, buf, &w, &h) != 0)
		return VK_ERR_NOMEM;
	*(int *)ctx += w;
	return 0;
}

/* Width in pixels of s drawn at px pixels a em, or a negative vk_err. */
int btext_line_width(struct face *f, int px, const char *s)
{
	int w = 0;
	int rc = for_each_run(f, px, s, measure_run, &w);
	return rc ? rc : w;
}


static int draw_run(struct face *f, int px, const char *start, size_t len, int fallback,
		    void *ctx)
{
	struct draw_ctx *d = ctx;
	char buf[RUN_MAX];
	const SDL_Color black = { 0, 0, 0, 255 }, white = { 255, 255, 255, 255 };
	TTF_Font *font = run_font(f, fallback, px);

	if (!font || copy_run(buf, start, len))
		return VK_ERR_NOMEM;
	/* Shaded: one byte a pixel indexing a 256-step ramp from paper to ink, cheaper than
	 * Blended's RGBA and all we need for a threshold. */
	SDL_Surface *s = TTF_RenderUTF8_Shaded(font, buf, black, white);
	if (!s)
		return VK_ERR_NOMEM;
	uint8_t ink[256];
	for (int i = 0; i < 256; i++) {
		const SDL_Color *c = i < s->format->palette->ncolors
				     ? &s->format->palette->colors[i] : &white;
		ink[i] = (c->r + c->g + c->b) < 3 * 128;
	}
	/* The surface's baseline sits at the font's ascent; a glyph reaching above the ascent
	 * (stacked accents) makes SDL2_ttf grow the surface at the top. */
	int extra = s->h - TTF_FontHeight(font);
	int top = d->baseline - TTF_FontAscent(font) - (extra > 0 ? extra : 0);
	for (int y = 0; y < s->h; y++) {
		int ry = top + y;
		if (ry < 0 || ry >= d->r->height)
			continue;
		const uint8_t *row = (const uint8_t *)s->pixels + (size_t)y * s->pitch;
		for (int x = 0; x < s->w; x++) {
			int rx = d->x + x;
			if (rx < d->clip_x0 || rx >= d->clip_x1 || !ink[row[x]])
				continue;
			btext_plane_set(d->r, d->plane, rx, ry, d->ink);
		}
	}
	d->x += s->w;
	if (fallback) {
		for (const char *p = buf; *p;)
			if (!neutral_char(text_utf8_next(&p)))
				g.fallback_chars++;
	}
	SDL_FreeSurface(s);
	return 0;
}

/* Draws s at px pixels a em with its left edge at x and its baseline at baseline. */
static int line_draw(struct face *f, int px, const char *s, struct draw_ctx *d, int x,
		     int baseline)
{
	d->x = x;
	d->baseline = baseline;
	return for_each_run(f, px, s, draw_run, d);
}

/* ---- fitting a text into a box ------------------------------------------------------- */




int btext_cap_to_em(const struct face *f, int cap)
{
	int em = (int)lround(cap / f->cap_ratio);
	return em < 4 ? 4 : em;
}

/* Block height in ems of n lines: from the top of the accents over capitals to below the
 * descenders of the last line. */
static double block_ems(const struct face *f, int n)
{
	return ACCENT_EM + f->cap_ratio + (n - 1) * LINE_PITCH_EM + DESCENT_EM;
}

int btext_block_height(const struct face *f, int n, int px)
{
	return (int)ceil(px * block_ems(f, n));
}

/* The largest em at which n lines fit box_h. */
int btext_em_for_height(const struct face *f, int n, int box_h)
{
	return (int)floor(box_h / block_ems(f, n));
}

/* Trims s to the longest prefix that, with an ellipsis, fits max_w at px. */
static int ellipsize(struct face *f, int px, char *s, int max_w)
{
	char buf[RUN_MAX];
	size_t cuts[RUN_MAX];
	size_t ncuts = 0;
	int w = btext_line_width(f, px, s);

	if (w < 0)
		return w;
	if (w <= max_w)
		return VK_OK;
	/* Offsets of every character boundary, so the search never splits a character. */
	for (const char *p = s; *p && ncuts < RUN_MAX;) {
		text_utf8_next(&p);
		cuts[ncuts++] = (size_t)(p - s);
	}
	size_t lo = 0, hi = ncuts; /* characters kept: lo fits (0 = ellipsis alone) */
	while (lo + 1 < hi) {
		size_t mid = (lo + hi) / 2;
		size_t len = cuts[mid - 1];
		while (len > 0 && s[len - 1] == ' ')
			len--;
		memcpy(buf, s, len);
		memcpy(buf + len, ELLIPSIS, sizeof(ELLIPSIS));
		w = btext_line_width(f, px, buf);
		if (w < 0)
			return w;
		if (w <= max_w)
			lo = mid;
		else
			hi = mid;
	}
	size_t len = lo ? cuts[lo - 1] : 0;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	memcpy(s + len, ELLIPSIS, sizeof(ELLIPSIS));
	return VK_OK;
}

/* Splits text at byte offset cut into two lines: a space is dropped, a hyphen stays at
 * the end of the first line. */
static void split_at(const char *text, size_t cut, char *a, char *b)
{
	size_t alen = cut, bstart = cut;

	if (text[cut] == ' ')
		bstart = cut + 1;
	while (alen > 0 && text[alen - 1] == ' ')
		alen--;
	memcpy(a, text, alen);
	a[alen] = '\0';
	snprintf(b, RUN_MAX, "%s", text + bstart);
}

/* Chooses lines and size for text per req. One line when it fits at cap_min or larger;
 * otherwise the two-line split (at a space, or after a hyphen) that allows the largest
 * size, down to cap_floor; below that, ellipsis. Widths are measured once at the starting
 * size and scaled, then checked at the final size. */
int btext_fit_text(const char *text, const struct fit_req *req, struct fitted *out)
{
	struct face *f = req->face;
	int em0 = btext_cap_to_em(f, req->cap_start);
	int em_min = btext_cap_to_em(f, req->cap_min), em_floor = btext_cap_to_em(f, req->cap_floor);
	char a[RUN_MAX], b[RUN_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(text) >= RUN_MAX)
		return VK_ERR_INVALID;

	int w1 = btext_line_width(f, em0, text);
	if (w1 < 0)
		return w1;
	int best = em0;
	if (w1 > req->box_w)
		best = (int)((long)em0 * req->box_w / w1);
	int hmax1 = btext_em_for_height(f, 1, req->box_h);
	if (best > hmax1)
		best = hmax1;
	out->nlines = 1;
	snprintf(out->line[0], RUN_MAX, "%s", text);

	if (best < em_min && req->max_lines >= 2) {
		int hmax2 = btext_em_for_height(f, 2, req->box_h);
		double best_score = best;
		for (size_t i = 1; text[i]; i++) {
			int is_space = text[i] == ' ';
			int after_hyphen = text[i - 1] == '-' && text[i] != ' ';
			if (!is_space && !after_hyphen)
				continue;
			split_at(text, i, a, b);
			if (!a[0] || !b[0])
				continue;
			int wa = btext_line_width(f, em0, a), wb = btext_line_width(f, em0, b);
			if (wa < 0 || wb < 0)
				return wa < 0 ? wa : wb;
			int wmax = wa > wb ? wa : wb;
			int em = wmax > req->box_w ? (int)((long)em0 * req->box_w / wmax) : em0;
			if (em > hmax2)
				em = hmax2;
			/* Spaces are the natural break; a hyphen only when it buys a clearly larger
			 * name. Between given and family name is best of all. */
			double score = em * (is_space ? 1.0 : 0.85);
			if (req->prefer_break && is_space && strcmp(b, req->prefer_break) == 0)
				score *= 1.1;
			if (req->prefer_break && is_space && i == strlen(req->prefer_break)
			    && strncmp(text, req->prefer_break, i) == 0)
				score *= 1.1;
			if (score > best_score) {
				best_score = score;
				best = em;
				out->nlines = 2;
				memcpy(out->line[0], a, sizeof(a));
				memcpy(out->line[1], b, sizeof(b));
			}
		}
	}

	if (best < em_floor) {
		/* Too long for any honest size: keep the floor size and cut the text. With two
		 * lines allowed, fill the first line at a break and cut the second. */
		best = em_floor;
		if (req->max_lines >= 2 && btext_em_for_height(f, 2, req->box_h) >= em_floor) {
			size_t fit_cut = 0;
			for (size_t i = 1; text[i]; i++) {
				if (text[i] != ' ' && !(text[i - 1] == '-' && text[i] != ' '))
					continue;
				split_at(text, i, a, b);
				int wa = btext_line_width(f, best, a);
				if (wa < 0)
					return wa;
				if (wa <= req->box_w)
					fit_cut = i;
			}
			if (fit_cut) {
				out->nlines = 2;
				split_at(text, fit_cut, out->line[0], out->line[1]);
			} else {
				out->nlines = 1;
				snprintf(out->line[0], RUN_MAX, "%s", text);
			}
		} else {
			out->nlines = 1;
			snprintf(out->line[0], RUN_MAX, "%s", text);
		}
		for (int i = 0; i < out->nlines; i++)
			if ((rc = ellipsize(f, best, out->line[i], req->box_w)) != VK_OK)
				return rc;
	}
	return btext_shrink_to_fit(req, out, best);
}

int btext_shrink_to_fit(const struct fit_req *req, struct fitted *out, int px)
{
	/* Hinting makes width not quite proportional to size: step down until it fits. */
	for (;;) {
		int fits = 1;
		for (int i = 0; i < out->nlines; i++) {
			out->width[i] = btext_line_width(req->face, px, out->line[i]);
			if (out->width[i] < 0)
				return out->width[i];
			if (out->width[i] > req->box_w)
				fits = 0;
		}
		if (fits)
			break;
		if (px <= 4)
			return VK_ERR_INVALID;
		px--;
	}
	out->px = px;
	return VK_OK;
}

/* Draws a fitted block centred in [x0, x0 + w) with the top of its accent room at top. */
int btext_draw_block(const struct fitted *ft, struct face *f, struct draw_ctx *d, int x0,
		     int w, int top)
{
	int baseline = top + (int)lround(ft->px * (ACCENT_EM + f->cap_ratio));

	for (int i = 0; i < ft->nlines; i++) {
		int rc = line_draw(f, ft->px, ft->line[i], d, x0 + (w - ft->width[i]) / 2, baseline);
		if (rc)
			return rc;
		baseline += (int)lround(ft->px * LINE_PITCH_EM);
	}
	return VK_OK;
}


/* ---- for the layout (badge_text.h) ---------------------------------------------------- */

void btext_lock(void)
{
	pthread_mutex_lock(&g_lock);
}

void btext_unlock(void)
{
	pthread_mutex_unlock(&g_lock);
}

struct face *btext_regular(void)
{
	return &g.regular;
}

struct face *btext_bold(void)
{
	return &g.bold;
}
