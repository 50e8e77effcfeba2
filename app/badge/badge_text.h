/* SPDX-License-Identifier: MIT */
/* The badge text engine, shared by badge_text.c (fonts, runs, fitting) and badge.c (the
 * layout) only: not part of the badge module's interface (badge.h). Every function here
 * except btext_lock() expects the lock held (btext_lock) and, for drawing and measuring,
 * the fonts loaded (btext_load_fonts). */
#ifndef VK_BADGE_TEXT_H
#define VK_BADGE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <SDL_ttf.h>

#include "printer/printer.h"

/* One style of text: the main font and the font that supplies the glyphs it lacks. */
struct face {
	TTF_Font *main;
	TTF_Font *fallback;     /* NULL when the main font is already DejaVu or it is missing */
	int main_px, fallback_px; /* the size each is set to, so we set it only on change */
	double cap_ratio;       /* cap height / em of the main font */
};

/* SDL2_ttf wants NUL-terminated strings; runs are slices. Names are short, so a fixed
 * buffer suffices; fields are capped well below it before layout (FIELD_MAX). */
#define RUN_MAX 1024

/* Line pitch and the room under the last baseline, in ems. The pitch keeps the dots of Ї
 * on a second line clear of the descender of у or р on the first. */
#define LINE_PITCH_EM 1.18
#define DESCENT_EM 0.26
/* Room above the capitals for the dots of Ї and Й's breve (0.21 em in Noto Sans Bold). */
#define ACCENT_EM 0.24
#define ELLIPSIS "\xE2\x80\xA6"

struct draw_ctx {
	struct printer_raster *r;
	uint8_t *plane;         /* r->bits, or r->red for red ink */
	int x;                  /* pen position, advanced run by run */
	int baseline;
	int ink;                /* 1 black text, 0 white text on black */
	int clip_x0, clip_x1;   /* dots outside [clip_x0, clip_x1) are not touched */
};

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


/* The font lock (one SDL2_ttf user at a time) and the two faces. */
void btext_lock(void);
void btext_unlock(void);
/* Loads the fonts once (lock held); VK_OK, or VK_ERR_NOT_FOUND / VK_ERR_NOMEM with a
 * reason in why naming the package to install (why may be NULL when why_len is 0). */
int btext_load_fonts(char *why, size_t why_len);
struct face *btext_regular(void);
struct face *btext_bold(void);

/* Sets (ink 1) or clears dot (x, y) of a plane of r; fills [x0,x1) x [y0,y1), clipped. */
void btext_plane_set(struct printer_raster *r, uint8_t *plane, int x, int y, int ink);
void btext_fill_rect(struct printer_raster *r, uint8_t *plane, int x0, int y0, int x1, int y1);
/* Sizes: the em for a cap height; the width of a line at px; the height of n lines at px;
 * the largest em at which n lines fit box_h. */
int btext_cap_to_em(const struct face *f, int cap);
int btext_line_width(struct face *f, int px, const char *s);
int btext_block_height(const struct face *f, int n, int px);
int btext_em_for_height(const struct face *f, int n, int box_h);
/* Fits text into req's box (shrinking, wrapping to req->max_lines, then ellipsizing);
 * VK_OK with out filled, or VK_ERR_INVALID when even the floor size does not fit. */
int btext_fit_text(const char *text, const struct fit_req *req, struct fitted *out);
/* With out's lines set: measures them in req->face at px and steps px down until every
 * line fits req->box_w (hinting makes width not quite proportional to size). Fills
 * out->width and out->px; VK_ERR_INVALID when even 4 px is too wide, or a font error. */
int btext_shrink_to_fit(const struct fit_req *req, struct fitted *out, int px);
/* Draws a fitted block centred in [x0, x0 + w) with its top at y. VK_OK or VK_ERR_NOMEM. */
int btext_draw_block(const struct fitted *ft, struct face *f, struct draw_ctx *d, int x0,
		     int w, int top);

#endif
