/* SPDX-License-Identifier: MIT */
/* Badges: a registration's fields laid out on a label and rendered to the printer's 1-bit
 * raster. Text comes from SDL2_ttf in 8-bit coverage and is cut at 50% into black and
 * white dots: at 300 dpi crisp edges read better on a thermal head than dithered grays.
 *
 * Sections, in reading order:
 *   fonts      loading Noto Sans (regular, bold) and DejaVu Sans as the fallback, once
 *   text runs  UTF-8 split into runs by which font has the glyphs; measure and draw a line
 *   fitting    a text into a box: shrink, wrap to two lines, ellipsize as a last resort
 *   logo       a PNG scaled and dithered (Floyd-Steinberg) into the raster
 *   layout     a template (template.c) laid out top to bottom and bottom to top; the
 *              built-in layouts are built-in templates at their usual resolution
 *
 * Every size is given in millimetres and converted with the layout's dpi, so the layout
 * survives another resolution; text sizes are cap heights (what the eye sees as "size")
 * converted to the em size SDL2_ttf wants with the font's own cap-height ratio.
 *
 * SDL2_ttf fonts hold a size and a glyph cache, so one mutex serialises every use of them;
 * rendering a badge takes a few milliseconds, so callers hardly wait. */
#include "badge/badge.h"

#include "badge/qr.h"
#include "core/err.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fonts --------------------------------------------------------------------------- */

#define NOTO_DIR "/usr/share/fonts/truetype/noto/"
#define DEJAVU_DIR "/usr/share/fonts/truetype/dejavu/"

/* One style of text: the main font and the font that supplies the glyphs it lacks. */
struct face {
	TTF_Font *main;
	TTF_Font *fallback;     /* NULL when the main font is already DejaVu or it is missing */
	int main_px, fallback_px; /* the size each is set to, so we set it only on change */
	double cap_ratio;       /* cap height / em of the main font */
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int ready;
	struct face regular, bold;
	unsigned long fallback_chars;
} g;

static const struct badge_layout layouts[] = {
	{ "62x100", 696, 1109, 300, { 62, 100, 0 } },
	{ "62", 696, 1063, 300, { 62, 0, 0 } },
	{ "62-red", 696, 1063, 300, { 62, 0, 1 } },
	{ "102x152", 1164, 1660, 300, { 102, 152, 0 } },
	{ "80", 576, 799, 203, { 80, 0, 0 } },
};

/* The built-in layout called name ("62x100"), the default one for NULL, or NULL when there
 * is no such layout. Static storage. */
const struct badge_layout *badge_layout_get(const char *name)
{
	if (!name)
		return &layouts[0];
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (strcmp(layouts[i].name, name) == 0)
			return &layouts[i];
	return NULL;
}

/* Opens the first of two font files that exists; NULL when neither does. */
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
static int load_fonts(char *why, size_t why_len)
{
	if (g.ready)
		return VK_OK;
	if (TTF_Init() != 0) {
		if (why_len)
			snprintf(why, why_len, "SDL2_ttf failed to start: %s", TTF_GetError());
		return VK_ERR_NOMEM;
	}
	if (face_open(&g.regular, NOTO_DIR "NotoSans-Regular.ttf", DEJAVU_DIR "DejaVuSans.ttf")
	    || face_open(&g.bold, NOTO_DIR "NotoSans-Bold.ttf", DEJAVU_DIR "DejaVuSans-Bold.ttf")) {
		face_close(&g.regular);
		face_close(&g.bold);
		TTF_Quit();
		if (why_len)
			snprintf(why, why_len, "no badge font: install the package fonts-noto-core "
				 "(or at least fonts-dejavu-core)");
		return VK_ERR_NOT_FOUND;
	}
	g.ready = 1;
	return VK_OK;
}

/* Loads the badge fonts once per process; later calls return at once. Thread-safe.
 * Returns VK_OK, VK_ERR_NOT_FOUND with a reason in why naming the Debian package to
 * install, or VK_ERR_NOMEM when FreeType cannot start (why may be NULL when why_len is 0). badge_render() calls it itself; calling it
 * at start-up reports a missing font before the first attendee arrives. */
int badge_init(char *why, size_t why_len)
{
	if (why_len)
		why[0] = '\0';
	pthread_mutex_lock(&g_lock);
	int rc = load_fonts(why, why_len);
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

/* Decodes one UTF-8 character at *p and advances past it. A malformed byte becomes
 * U+FFFD and is skipped alone, so bad input cannot make us read past the NUL. */
static uint32_t utf8_next(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t c = s[0];
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
		: (c & 0xF8) == 0xF0 ? 3 : -1;

	if (n < 0) {
		*p += 1;
		return 0xFFFD;
	}
	c &= n == 0 ? 0x7F : n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07;
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p += 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*p += n + 1;
	return c;
}

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
static void plane_set(struct printer_raster *r, uint8_t *plane, int x, int y, int ink)
{
	uint8_t *p = &plane[(size_t)y * r->stride + (x >> 3)];
	uint8_t m = (uint8_t)(0x80 >> (x & 7));
	*p = ink ? (uint8_t)(*p | m) : (uint8_t)(*p & ~m);
}

static void fill_rect(struct printer_raster *r, uint8_t *plane, int x0, int y0, int x1, int y1)
{
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < r->height; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x1 && x < r->width; x++)
			plane_set(r, plane, x, y, 1);
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
		uint32_t c = utf8_next(&p);
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

/* SDL2_ttf wants NUL-terminated strings; runs are slices. Names are short, so a fixed
 * buffer suffices; fields are capped well below it before layout (FIELD_MAX). */
#define RUN_MAX 1024
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
static int line_width(struct face *f, int px, const char *s)
{
	int w = 0;
	int rc = for_each_run(f, px, s, measure_run, &w);
	return rc ? rc : w;
}

struct draw_ctx {
	struct printer_raster *r;
	uint8_t *plane;         /* r->bits, or r->red for red ink */
	int x;                  /* pen position, advanced run by run */
	int baseline;
	int ink;                /* 1 black text, 0 white text on black */
	int clip_x0, clip_x1;   /* dots outside [clip_x0, clip_x1) are not touched */
};

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
			plane_set(d->r, d->plane, rx, ry, d->ink);
		}
	}
	d->x += s->w;
	if (fallback) {
		for (const char *p = buf; *p;)
			if (!neutral_char(utf8_next(&p)))
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

/* Line pitch and the room under the last baseline, in ems. The pitch keeps the dots of Ї
 * on a second line clear of the descender of у or р on the first. */
#define LINE_PITCH_EM 1.18
#define DESCENT_EM 0.26
/* Room above the capitals for the dots of Ї and Й's breve (0.21 em in Noto Sans Bold). */
#define ACCENT_EM 0.24
#define ELLIPSIS "\xE2\x80\xA6"

struct fit_req {
	struct face *face;
	int cap_start, cap_min; /* preferred and smallest comfortable cap height, dots */
	int cap_floor;          /* below this we ellipsize rather than shrink */
	int box_w, box_h;
	int max_lines;          /* 1 or 2 */
	const char *prefer_break; /* a break point to favour (the family name), or NULL */
};

struct fitted {
	int px;                 /* em size */
	int nlines;
	char line[2][RUN_MAX];
	int width[2];
};

static int cap_to_em(const struct face *f, int cap)
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

static int block_height(const struct face *f, int n, int px)
{
	return (int)ceil(px * block_ems(f, n));
}

/* The largest em at which n lines fit box_h. */
static int em_for_height(const struct face *f, int n, int box_h)
{
	return (int)floor(box_h / block_ems(f, n));
}

/* Trims s to the longest prefix that, with an ellipsis, fits max_w at px. */
static int ellipsize(struct face *f, int px, char *s, int max_w)
{
	char buf[RUN_MAX];
	size_t cuts[RUN_MAX];
	size_t ncuts = 0;
	int w = line_width(f, px, s);

	if (w < 0)
		return w;
	if (w <= max_w)
		return VK_OK;
	/* Offsets of every character boundary, so the search never splits a character. */
	for (const char *p = s; *p && ncuts < RUN_MAX;) {
		utf8_next(&p);
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
		w = line_width(f, px, buf);
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
static int fit_text(const char *text, const struct fit_req *req, struct fitted *out)
{
	struct face *f = req->face;
	int em0 = cap_to_em(f, req->cap_start);
	int em_min = cap_to_em(f, req->cap_min), em_floor = cap_to_em(f, req->cap_floor);
	char a[RUN_MAX], b[RUN_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(text) >= RUN_MAX)
		return VK_ERR_INVALID;

	int w1 = line_width(f, em0, text);
	if (w1 < 0)
		return w1;
	int best = em0;
	if (w1 > req->box_w)
		best = (int)((long)em0 * req->box_w / w1);
	int hmax1 = em_for_height(f, 1, req->box_h);
	if (best > hmax1)
		best = hmax1;
	out->nlines = 1;
	snprintf(out->line[0], RUN_MAX, "%s", text);

	if (best < em_min && req->max_lines >= 2) {
		int hmax2 = em_for_height(f, 2, req->box_h);
		double best_score = best;
		for (size_t i = 1; text[i]; i++) {
			int is_space = text[i] == ' ';
			int after_hyphen = text[i - 1] == '-' && text[i] != ' ';
			if (!is_space && !after_hyphen)
				continue;
			split_at(text, i, a, b);
			if (!a[0] || !b[0])
				continue;
			int wa = line_width(f, em0, a), wb = line_width(f, em0, b);
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
		if (req->max_lines >= 2 && em_for_height(f, 2, req->box_h) >= em_floor) {
			size_t fit_cut = 0;
			for (size_t i = 1; text[i]; i++) {
				if (text[i] != ' ' && !(text[i - 1] == '-' && text[i] != ' '))
					continue;
				split_at(text, i, a, b);
				int wa = line_width(f, best, a);
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

	/* Hinting makes width not quite proportional to size: step down until it fits. */
	for (;;) {
		int fits = 1;
		for (int i = 0; i < out->nlines; i++) {
			out->width[i] = line_width(f, best, out->line[i]);
			if (out->width[i] < 0)
				return out->width[i];
			if (out->width[i] > req->box_w)
				fits = 0;
		}
		if (fits)
			break;
		if (best <= 4)
			return VK_ERR_INVALID;
		best--;
	}
	out->px = best;
	return VK_OK;
}

/* Draws a fitted block centred in [x0, x0 + w) with the top of its accent room at top. */
static int draw_block(const struct fitted *ft, struct face *f, struct draw_ctx *d, int x0,
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

/* ---- layout -------------------------------------------------------------------------- */

/* Longest field we lay out, in bytes; longer ones are cut at a character boundary. */
#define FIELD_MAX 400

/* Copies src into dst with whitespace runs (tabs, newlines from a CSV) made one space and
 * the ends trimmed. Returns the length; 0 for NULL or blank. */
static size_t clean_field(const char *src, char dst[FIELD_MAX + 1])
{
	size_t n = 0;
	int space = 0;

	dst[0] = '\0';
	if (!src)
		return 0;
	for (const char *p = src; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			space = n > 0;
			continue;
		}
		if (c < 0x20)
			continue;
		if (n + (space ? 1 : 0) + 1 > FIELD_MAX)
			break;
		if (space)
			dst[n++] = ' ';
		space = 0;
		dst[n++] = (char)c;
	}
	/* Never end inside a UTF-8 sequence: drop a lead byte whose continuation was cut. */
	size_t k = n;
	while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
		k--;
	if (k > 0 && (unsigned char)dst[k - 1] >= 0xC0) {
		unsigned char lead = (unsigned char)dst[k - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (n - (k - 1) < need)
			n = k - 1;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
	return n;
}

/* ---- logo ---------------------------------------------------------------------------- */

/* Draws the PNG at path into plane, h dots high (narrower when it would exceed max_w),
 * centred on cx with its top at y: an area average to the target size, composited on white
 * paper, then Floyd-Steinberg error diffusion so grays become dot densities. Returns the
 * height drawn, or a negative vk_err. */
static int draw_logo(const char *path, struct printer_raster *r, uint8_t *plane, int cx, int y,
		     int h, int max_w)
{
	SDL_Surface *src = IMG_Load(path), *rgba = NULL;
	float *gray = NULL;
	int rc = VK_ERR_INVALID;

	if (!src)
		return VK_ERR_INVALID;
	rgba = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_RGBA32, 0);
	SDL_FreeSurface(src);
	if (!rgba || rgba->w <= 0 || rgba->h <= 0)
		goto out;
	int w = (int)((long)rgba->w * h / rgba->h);
	if (w > max_w) {
		w = max_w;
		h = (int)((long)rgba->h * w / rgba->w);
	}
	if (w < 1 || h < 1)
		goto out;
	gray = calloc((size_t)w * (size_t)(h + 1), sizeof(*gray));
	if (!gray) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	for (int ty = 0; ty < h; ty++) {
		int sy0 = (int)((long)ty * rgba->h / h), sy1 = (int)((long)(ty + 1) * rgba->h / h);
		if (sy1 <= sy0)
			sy1 = sy0 + 1;
		for (int tx = 0; tx < w; tx++) {
			int sx0 = (int)((long)tx * rgba->w / w), sx1 = (int)((long)(tx + 1) * rgba->w / w);
			if (sx1 <= sx0)
				sx1 = sx0 + 1;
			double sum = 0;
			int n = 0;
			for (int sy = sy0; sy < sy1; sy++) {
				const uint8_t *row = (const uint8_t *)rgba->pixels + (size_t)sy * rgba->pitch;
				for (int sx = sx0; sx < sx1; sx++) {
					const uint8_t *px = row + 4 * sx;
					double lum = 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2];
					double a = px[3] / 255.0;
					sum += lum * a + 255.0 * (1 - a);
					n++;
				}
			}
			gray[(size_t)ty * w + tx] = (float)(sum / n);
		}
	}
	int x0 = cx - w / 2;
	for (int ty = 0; ty < h; ty++) {
		for (int tx = 0; tx < w; tx++) {
			float old = gray[(size_t)ty * w + tx];
			int ink = old < 128;
			float err = old - (ink ? 0 : 255);
			if (ink && y + ty < r->height && x0 + tx >= 0 && x0 + tx < r->width)
				plane_set(r, plane, x0 + tx, y + ty, 1);
			if (tx + 1 < w)
				gray[(size_t)ty * w + tx + 1] += err * 7 / 16;
			if (ty + 1 < h) {
				if (tx > 0)
					gray[(size_t)(ty + 1) * w + tx - 1] += err * 3 / 16;
				gray[(size_t)(ty + 1) * w + tx] += err * 5 / 16;
				if (tx + 1 < w)
					gray[(size_t)(ty + 1) * w + tx + 1] += err * 1 / 16;
			}
		}
	}
	rc = h;
out:
	free(gray);
	SDL_FreeSurface(rgba);
	return rc;
}

/* ---- layout -------------------------------------------------------------------------- */

struct geom {
	int W, H, dpi;
};

static int mm(const struct geom *l, double v)
{
	return (int)lround(v * l->dpi / 25.4);
}

/* Appends s to a MECARD field with its special characters escaped. */
static void mecard_put(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst);
	for (; s && *s && n + 2 < cap; s++) {
		if (*s == '\\' || *s == ';' || *s == ',' || *s == ':')
			dst[n++] = '\\';
		dst[n++] = *s;
	}
	dst[n] = '\0';
}

/* The contact QR's text: "MECARD:N:Family,Given;ORG:...;EMAIL:...;;". */
static void contact_text(const struct badge_info *b, char *out, size_t cap)
{
	snprintf(out, cap, "MECARD:N:");
	if (b->family && *b->family && b->given && *b->given) {
		mecard_put(out, cap, b->family);
		strncat(out, ",", cap - strlen(out) - 1);
		mecard_put(out, cap, b->given);
	} else {
		mecard_put(out, cap, b->display);
	}
	strncat(out, ";", cap - strlen(out) - 1);
	if (b->organization && *b->organization) {
		strncat(out, "ORG:", cap - strlen(out) - 1);
		mecard_put(out, cap, b->organization);
		strncat(out, ";", cap - strlen(out) - 1);
	}
	if (b->email && *b->email) {
		strncat(out, "EMAIL:", cap - strlen(out) - 1);
		mecard_put(out, cap, b->email);
		strncat(out, ";", cap - strlen(out) - 1);
	}
	strncat(out, ";", cap - strlen(out) - 1);
}

/* Fits given and family on two lines of one size (the template's family-line). */
static int fit_two(const char *a, const char *b, const struct fit_req *req, struct fitted *out)
{
	struct face *f = req->face;
	int em0 = cap_to_em(f, req->cap_start);

	memset(out, 0, sizeof(*out));
	if (strlen(a) >= RUN_MAX || strlen(b) >= RUN_MAX)
		return VK_ERR_INVALID;
	int wa = line_width(f, em0, a), wb = line_width(f, em0, b);
	if (wa < 0 || wb < 0)
		return wa < 0 ? wa : wb;
	int wmax = wa > wb ? wa : wb, best = em0;
	if (wmax > req->box_w)
		best = (int)((long)em0 * req->box_w / wmax);
	int hmax = em_for_height(f, 2, req->box_h);
	if (best > hmax)
		best = hmax;
	if (best < cap_to_em(f, req->cap_floor))
		return VK_ERR_INVALID; /* the caller fits the whole name instead */
	out->nlines = 2;
	snprintf(out->line[0], RUN_MAX, "%s", a);
	snprintf(out->line[1], RUN_MAX, "%s", b);
	for (;;) {
		int fits = 1;
		for (int i = 0; i < 2; i++) {
			out->width[i] = line_width(f, best, out->line[i]);
			if (out->width[i] < 0)
				return out->width[i];
			if (out->width[i] > req->box_w)
				fits = 0;
		}
		if (fits)
			break;
		if (best <= 4)
			return VK_ERR_INVALID;
		best--;
	}
	out->px = best;
	return VK_OK;
}

/* The category's style and text after the template's per-category rules. */
static enum badge_cat_style category_style(const struct badge_template *t, const char *cat,
					   char text[FIELD_MAX + 1])
{
	for (int i = 0; i < t->nrules; i++) {
		if (strcmp(t->rules[i].match, cat) != 0)
			continue;
		clean_field(t->rules[i].text[0] ? t->rules[i].text : cat, text);
		return t->rules[i].style;
	}
	clean_field(cat, text);
	return t->cat_style;
}

/* badge_render_template() with g_lock held and the fonts loaded: lays the fields out from
 * both ends (logo and event name from the top; category and QR from the bottom), then
 * centres the name and organization in the space between. */
static int render_locked(const struct badge_info *b, const struct badge_template *t,
			 const struct geom *l, struct printer_raster *out)
{
	char display[FIELD_MAX + 1], family[FIELD_MAX + 1], given[FIELD_MAX + 1];
	char org[FIELD_MAX + 1], cat[FIELD_MAX + 1], ev[FIELD_MAX + 1], cat_text[FIELD_MAX + 1];
	char contact[1024];
	struct fitted *ft = NULL;
	struct qr_image qr = { 0 };
	int rc;

	if (clean_field(b->display, display) == 0)
		return VK_ERR_INVALID;
	clean_field(b->family, family);
	clean_field(b->given, given);
	clean_field(t->org_mm > 0 ? b->organization : NULL, org);
	clean_field(b->category, cat);
	clean_field(t->event_mm > 0 ? b->event_name : NULL, ev);

	rc = printer_raster_new(out, l->W, l->H, l->dpi);
	if (rc != PRINTER_OK)
		return rc == PRINTER_ERR_NOMEM ? VK_ERR_NOMEM : VK_ERR_INVALID;
	if (t->media.two_colour) {
		out->red = calloc((size_t)out->stride * (size_t)out->height, 1);
		if (!out->red) {
			rc = VK_ERR_NOMEM;
			goto out;
		}
	}
	ft = malloc(sizeof(*ft));
	if (!ft) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
#define PLANE(part) ((t->red & (part)) && out->red ? out->red : out->bits)

	const int W = l->W, H = l->H;
	const int margin = mm(l, t->margin_mm);
	const int inner_w = W - 2 * margin;
	struct draw_ctx d = { .r = out, .plane = out->bits, .ink = 1, .clip_x0 = margin,
			      .clip_x1 = W - margin };
	int top = margin, bottom = H - margin;
	if (inner_w < mm(l, 20)) {
		rc = VK_ERR_INVALID;
		goto out;
	}

	/* Logo: centred at the top, dithered. */
	if (t->logo[0]) {
		int h = draw_logo(t->logo, out, PLANE(BADGE_PART_LOGO), W / 2, top, mm(l, t->logo_mm),
				  inner_w);
		if (h < 0) {
			rc = h;
			goto out;
		}
		top += h + mm(l, 2);
	}

	/* Event name: small, at the top, with a thin rule under it. */
	if (ev[0]) {
		double e = t->event_mm;
		struct fit_req req = { &g.regular, mm(l, e), mm(l, e * 0.73), mm(l, e * 0.73), inner_w,
				       mm(l, e * 2.27), 1, NULL };
		d.plane = PLANE(BADGE_PART_EVENT);
		if ((rc = fit_text(ev, &req, ft)) || (rc = draw_block(ft, &g.regular, &d, margin,
								       inner_w, top)))
			goto out;
		top += block_height(&g.regular, 1, ft->px) + mm(l, 1.2);
		fill_rect(out, d.plane, margin, top, W - margin, top + mm(l, 0.3));
		top += mm(l, 0.3) + mm(l, 2);
		d.plane = out->bits;
	}

	/* Category: a band across the badge (white on black, or on red), an inverse block as
	 * wide as its text, or plain bold text: the colour-less stand-in for the coloured
	 * lanyards staff look for across a room. What is printed may depend on the category. */
	enum badge_cat_style cs = cat[0] ? category_style(t, cat, cat_text) : BADGE_CAT_OFF;
	if (cs != BADGE_CAT_OFF && cat_text[0]) {
		uint8_t *plane = PLANE(BADGE_PART_CATEGORY);
		int band_h = mm(l, t->band_mm), pad = mm(l, 2);
		int band_top = bottom - band_h;
		struct fit_req req = { &g.bold, mm(l, t->cat_mm), mm(l, t->cat_mm * 0.595),
				       mm(l, t->cat_mm * 0.595), inner_w - 2 * pad, band_h - pad, 1,
				       NULL };
		if (band_h < mm(l, 3)) {
			rc = VK_ERR_INVALID;
			goto out;
		}
		if ((rc = fit_text(cat_text, &req, ft)))
			goto out;
		int x0 = margin, x1 = W - margin;
		if (cs == BADGE_CAT_INVERSE) {
			int half = ft->width[0] / 2 + pad;
			x0 = W / 2 - half;
			x1 = W / 2 + half;
			if (x0 < margin)
				x0 = margin;
			if (x1 > W - margin)
				x1 = W - margin;
		}
		if (cs != BADGE_CAT_TEXT)
			fill_rect(out, plane, x0, band_top, x1, bottom);
		int cap = (int)lround(ft->px * g.bold.cap_ratio);
		int accent = (int)lround(ft->px * ACCENT_EM);
		struct draw_ctx dw = { .r = out, .plane = plane, .ink = cs == BADGE_CAT_TEXT,
				       .clip_x0 = margin + pad / 2, .clip_x1 = W - margin - pad / 2 };
		/* Centre the capitals, not the accents and descenders: it looks centred. */
		if ((rc = draw_block(ft, &g.bold, &dw, margin + pad, inner_w - 2 * pad,
				     band_top + (band_h - cap) / 2 - accent)))
			goto out;
		bottom = band_top;
	} else {
		cat[0] = '\0';
	}

	/* QR above the category: the template's size whatever its version, so phones and the
	 * session scanners read it from arm's length; whole dots a module keep it sharp. Four
	 * light modules on every side, the band's edge included, or a reader may take the
	 * edge for part of the code. */
	const char *payload = NULL;
	if (t->qr == BADGE_QR_TICKET && b->code && b->code[0])
		payload = b->code;
	if (t->qr == BADGE_QR_CONTACT) {
		contact_text(b, contact, sizeof(contact));
		payload = contact;
	}
	if (payload) {
		if ((rc = qr_encode(payload, &qr)) != VK_OK)
			goto out;
		int module = mm(l, t->qr_mm) / qr.size;
		if (module * qr.size > inner_w)
			module = inner_w / qr.size;
		if (module < 1) {
			rc = VK_ERR_INVALID;
			goto out;
		}
		int side = module * qr.size, quiet = 4 * module;
		int qy = bottom - (cat[0] ? quiet : 0) - side;
		if (qy < top) {
			rc = VK_ERR_INVALID;
			goto out;
		}
		if (PLANE(BADGE_PART_QR) == out->red) {
			/* qr_draw draws black: draw into a scratch raster and move it to red. */
			uint8_t *saved = out->bits;
			out->bits = out->red;
			qr_draw(&qr, out, (W - side) / 2, qy, module);
			out->bits = saved;
		} else {
			qr_draw(&qr, out, (W - side) / 2, qy, module);
		}
		bottom = qy - quiet;
	} else if (cat[0]) {
		bottom -= mm(l, 3);
	}

	/* The name and organization share what is left, centred in it as one block. */
	int avail = bottom - top;
	if (avail < mm(l, 10)) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	const char *prefer = family[0] ? family : given[0] ? given : NULL;
	struct fit_req nreq = { &g.bold, mm(l, t->name_mm), mm(l, t->name_min_mm),
				mm(l, t->name_min_mm * 0.49), inner_w,
				org[0] ? avail * 62 / 100 : avail, 2, prefer };
	rc = VK_ERR_INVALID;
	if (t->family_line && given[0] && family[0])
		rc = fit_two(given, family, &nreq, ft);
	if (rc != VK_OK && (rc = fit_text(display, &nreq, ft)))
		goto out;
	struct fitted name = *ft;
	int name_h = block_height(&g.bold, name.nlines, name.px);
	int gap = mm(l, 3.5), org_h = 0;
	if (org[0]) {
		struct fit_req oreq = { &g.regular, mm(l, t->org_mm), mm(l, t->org_mm * 0.706),
					mm(l, t->org_mm * 0.706), inner_w, avail - name_h - gap, 2,
					NULL };
		if ((rc = fit_text(org, &oreq, ft)))
			goto out;
		org_h = block_height(&g.regular, ft->nlines, ft->px);
	}
	int block = name_h + (org[0] ? gap + org_h : 0);
	int y = top + (avail - block) / 2;
	d.plane = PLANE(BADGE_PART_NAME);
	if ((rc = draw_block(&name, &g.bold, &d, margin, inner_w, y)))
		goto out;
	d.plane = PLANE(BADGE_PART_ORG);
	if (org[0] && (rc = draw_block(ft, &g.regular, &d, margin, inner_w, y + name_h + gap)))
		goto out;
#undef PLANE
	rc = VK_OK;
out:
	qr_free(&qr);
	free(ft);
	if (rc != VK_OK)
		printer_raster_free(out);
	return rc;
}

int badge_render_template(const struct badge_info *b, const struct badge_template *t,
			  const struct printer_geometry *pg, struct printer_raster *out)
{
	struct printer_geometry dflt;
	struct geom l;
	int rc;

	if (!out)
		return VK_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!b || !t)
		return VK_ERR_INVALID;
	if (!pg) {
		if (badge_template_geometry(t, &dflt) != VK_OK)
			return VK_ERR_INVALID;
		pg = &dflt;
	}
	l.W = pg->width_dots;
	l.dpi = pg->dpi;
	l.H = pg->height_dots ? pg->height_dots : (int)lround(t->length_mm * pg->dpi / 25.4);
	if (l.dpi <= 0 || l.W <= 0 || l.H <= 0)
		return VK_ERR_INVALID;

	pthread_mutex_lock(&g_lock);
	rc = load_fonts(NULL, 0);
	if (rc == VK_OK)
		rc = render_locked(b, t, &l, out);
	pthread_mutex_unlock(&g_lock);
	return rc;
}

/* Renders b with layout l (NULL = the default layout) into out, which is allocated here
 * at the layout's size and must be freed with printer_raster_free(). Returns VK_OK;
 * VK_ERR_INVALID for no display name (blank counts as none), a code too long for a QR code
 * or a layout with no room; VK_ERR_NOT_FOUND when no font is installed; VK_ERR_NOMEM. On
 * failure out is zeroed. Thread-safe: calls are serialised. */
int badge_render(const struct badge_info *b, const struct badge_layout *l,
		 struct printer_raster *out)
{
	struct badge_template t;

	if (!out)
		return VK_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!l)
		l = badge_layout_get(NULL);
	if (l->dpi <= 0 || badge_template_builtin(l->name, &t) != VK_OK)
		return VK_ERR_INVALID;
	struct printer_geometry geo = { l->dpi, l->width_dots, l->height_dots };
	return badge_render_template(b, &t, &geo, out);
}
