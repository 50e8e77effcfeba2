/* SPDX-License-Identifier: MIT */
/* Badges: a registration's fields laid out on a label and rendered to a 1-bit raster at
 * the printer's resolution (SDL2_ttf text thresholded crisply, libqrencode QR).
 *
 * What goes where is a template (template.c: a small text file per event, or a built-in
 * for 62x100, 62 mm endless, 62 mm black/red, 102x152 and 80 mm receipts); the default is
 * a 62x100 mm die-cut label at 300 dpi (696x1109 dots): the name large (shrinks to fit,
 * wraps to two lines), organization, category band, event name, and the ticket QR. Fonts:
 * Noto Sans (fonts-noto-core) with DejaVu Sans as fallback for glyphs Noto lacks. */
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
	const char *email;         /* for a contact QR; may be NULL */
};

/* ---- templates (template.c) -------------------------------------------------------- */
/* A badge template: the stock and which fields go where. Read from a small text file per
 * event (the format is in template.c and the README) or one of the built-ins. */
enum badge_cat_style { BADGE_CAT_OFF = 0, BADGE_CAT_TEXT, BADGE_CAT_BAND, BADGE_CAT_INVERSE };
enum badge_qr_kind { BADGE_QR_OFF = 0, BADGE_QR_TICKET, BADGE_QR_CONTACT };
enum badge_part {
	BADGE_PART_EVENT = 1, BADGE_PART_NAME = 2, BADGE_PART_ORG = 4, BADGE_PART_CATEGORY = 8,
	BADGE_PART_LOGO = 16, BADGE_PART_QR = 32,
};
#define BADGE_MAX_RULES 16
struct badge_cat_rule {
	char match[64];                /* the category as imported (exact) */
	enum badge_cat_style style;
	char text[64];                 /* what to print instead, "" = the category itself */
};
struct badge_template {
	char name[64];
	struct printer_media media;    /* the stock */
	double length_mm;              /* endless stock: the label's length */
	double margin_mm;
	double event_mm;               /* cap heights in mm; 0 = the field is off */
	double name_mm, name_min_mm;
	int family_line;               /* the family name on a line of its own */
	double org_mm;
	enum badge_cat_style cat_style;
	double cat_mm, band_mm;        /* category text size, band height */
	int nrules;
	struct badge_cat_rule rules[BADGE_MAX_RULES];
	enum badge_qr_kind qr;
	double qr_mm;
	char logo[1024];               /* a PNG, "" = none; relative paths from the file's folder */
	double logo_mm;                /* the logo's height */
	unsigned red;                  /* enum badge_part: drawn in red on two-colour stock */
};

/* The built-in template called name ("62x100", "62", "62-red", "102x152", "80"; NULL = the
 * default, 62x100). VK_ERR_NOT_FOUND if none. */
int badge_template_builtin(const char *name, struct badge_template *t);
/* The names of the built-ins, NULL-terminated. */
extern const char *const badge_template_names[];
/* Parses template text; base_dir resolves a relative logo path (may be NULL). Returns VK_OK
 * or VK_ERR_INVALID with "line N: what is wrong" in why. */
int badge_template_parse(const char *text, const char *base_dir, struct badge_template *t,
			 char *why, size_t why_len);
/* Reads and parses a template file (at most 64 KiB). VK_ERR_NOT_FOUND, VK_ERR_IO or as
 * badge_template_parse(). */
int badge_template_load(const char *path, struct badge_template *t, char *why, size_t why_len);
/* Where the template's badge goes when no printer is named: the usual printer of its stock
 * (Brother QL 300 dpi; a 1296-dot QL for 102 mm; a TM-T20 for 80 mm receipts). */
int badge_template_geometry(const struct badge_template *t, struct printer_geometry *g);

/* Renders b with template t at geometry g (NULL = badge_template_geometry; height 0 =
 * endless: t->length_mm). out is allocated here (free with printer_raster_free()); it has a
 * red plane when the stock is two-colour. VK_OK, VK_ERR_INVALID (no name, no room, a logo
 * that cannot be read), VK_ERR_NOT_FOUND (no font), VK_ERR_NOMEM. Thread-safe. */
int badge_render_template(const struct badge_info *b, const struct badge_template *t,
			  const struct printer_geometry *g, struct printer_raster *out);

/* Loads fonts (once per process; thread-safe). Returns VK_OK or VK_ERR_NOT_FOUND with
 * a reason naming the package to install. */
int badge_init(char *why, size_t why_len);
void badge_shutdown(void);

/* Characters drawn with the fallback font (DejaVu Sans) since the process started, for
 * tests and `vkhid doctor`: proof that a glyph Noto Sans lacks was not printed as a box. */
unsigned long badge_fallback_count(void);

#endif
