/* SPDX-License-Identifier: MIT */
/* Badges: a registration's fields laid out on a label and rendered to a 1-bit raster at
 * the printer's resolution (SDL2_ttf text thresholded crisply, libqrencode QR).
 *
 * The first and default layout is a 62x100 mm die-cut label at 300 dpi (696x1109 dots):
 * the name large (shrinks to fit, wraps to two lines), organization, category, event name,
 * and the ticket QR. Fonts: Noto Sans (fonts-noto-core) with DejaVu Sans as fallback for
 * glyphs Noto lacks. */
#ifndef VK_BADGE_H
#define VK_BADGE_H

#include "printer/printer.h"

struct badge_info {
	const char *display;       /* the name as it should appear; required */
	const char *given;         /* may be NULL */
	const char *family;        /* may be NULL */
	const char *organization;  /* may be NULL or "" */
	const char *category;      /* may be NULL or "" */
	const char *event_name;    /* may be NULL */
	const char *code;          /* ticket code for the QR; NULL or "" = no QR */
};

struct badge_layout {
	const char *name;          /* "62x100" */
	int width_dots, height_dots;
	int dpi;
	struct printer_media media;
};

/* The built-in layout for a name ("62x100"), or NULL. NULL name = the default. */
const struct badge_layout *badge_layout_get(const char *name);

/* Loads fonts (once per process; thread-safe). Returns VK_OK or VK_ERR_NOT_FOUND with
 * a reason naming the package to install. */
int badge_init(char *why, size_t why_len);
void badge_shutdown(void);

/* Renders b with layout l into out (allocated here; free with printer_raster_free()).
 * Only one thread renders at a time (SDL2_ttf): calls are serialised inside. */
int badge_render(const struct badge_info *b, const struct badge_layout *l,
		 struct printer_raster *out);

/* Characters drawn with the fallback font (DejaVu Sans) since the process started, for
 * tests and `vkhid doctor`: proof that a glyph Noto Sans lacks was not printed as a box. */
unsigned long badge_fallback_count(void);

#endif
