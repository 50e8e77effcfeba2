/* SPDX-License-Identifier: MIT */
/* Certificates as PDF (see cert.h): A4 landscape pages drawn with cairo, text set by Pango
 * (shaping, Cyrillic and Latin alike, fonts found by fontconfig and embedded by cairo as
 * subsets), the QR code from libqrencode drawn as vector squares, signature images from
 * PNG files. And the certificate template (an INI file, read with inih).
 *
 * Page layout, in points (842 x 595): a double frame; the title; the name, alone on its
 * line so it needs no grammatical case and shrunk until it fits; the intro and the event;
 * what was attended; the date; up to three signatures along the bottom; the QR code at the
 * bottom right with a line on how to check it. */
#include "cert/cert.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <ini.h>
#include <libgen.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badge/qr.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"

#define PAGE_W 841.89   /* A4 landscape, points */
#define PAGE_H 595.28
#define MARGIN 60.0
#define QR_SIDE 120.0
#define DEFAULT_FONT "DejaVu Serif"

/* ---- the template ----------------------------------------------------------------------- */
void cert_template_default(struct cert_template *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->font, sizeof t->font, "%s", DEFAULT_FONT);
}

struct tload {
	struct cert_template *t;
	char dir[1024];
	char why[512];
};

static int set_text(char *dst, size_t cap, const char *v, struct tload *l, const char *key)
{
	if (strlen(v) >= cap) {
		snprintf(l->why, sizeof l->why, "%s: the text is longer than %zu bytes", key, cap - 1);
		return 0;
	}
	snprintf(dst, cap, "%s", v);
	return 1;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct tload *l = user;
	struct cert_template *t = l->t;
	if (strcasecmp(section, "certificate") == 0) {
		if (strcasecmp(name, "title") == 0)
			return set_text(t->title, sizeof t->title, value, l, name);
		if (strcasecmp(name, "intro") == 0)
			return set_text(t->intro, sizeof t->intro, value, l, name);
		if (strcasecmp(name, "lang") == 0)
			return set_text(t->lang, sizeof t->lang, value, l, name);
		if (strcasecmp(name, "font") == 0)
			return set_text(t->font, sizeof t->font, value, l, name);
		if (strcasecmp(name, "date") == 0) {
			if (ticket_day_from_date(value) < 0 || strlen(value) != 10) {
				snprintf(l->why, sizeof l->why, "date: '%.40s' is not a date YYYY-MM-DD", value);
				return 0;
			}
			return set_text(t->date, sizeof t->date, value, l, name);
		}
	} else if (strncasecmp(section, "signature ", 10) == 0 && section[10] >= '1' &&
		   section[10] <= '0' + CERT_MAX_SIGNATURES && !section[11]) {
		int i = section[10] - '1';
		struct cert_signature *s = &t->sig[i];
		if (i + 1 > t->n_sig)
			t->n_sig = i + 1;
		if (strcasecmp(name, "name") == 0)
			return set_text(s->name, sizeof s->name, value, l, name);
		if (strcasecmp(name, "role") == 0)
			return set_text(s->role, sizeof s->role, value, l, name);
		if (strcasecmp(name, "image") == 0) {
			/* relative to the template's folder, so a template travels with its images */
			if (value[0] == '/')
				return set_text(s->image, sizeof s->image, value, l, name);
			if ((size_t)snprintf(s->image, sizeof s->image, "%s/%s", l->dir, value) >=
			    sizeof s->image) {
				snprintf(l->why, sizeof l->why, "image: the path is too long");
				return 0;
			}
			return 1;
		}
	} else {
		snprintf(l->why, sizeof l->why,
			 "unknown section [%.60s]: use [certificate] and [signature 1] to [signature 3]",
			 section);
		return 0;
	}
	snprintf(l->why, sizeof l->why, "unknown key '%.60s' in [%.60s]", name, section);
	return 0;
}

int cert_template_load(const char *path, struct cert_template *t, char *why, size_t why_len)
{
	struct tload l = { .t = t };
	char *copy = strdup(path);
	int line;
	cert_template_default(t);
	if (!copy)
		return VK_ERR_NOMEM;
	snprintf(l.dir, sizeof l.dir, "%s", dirname(copy));
	free(copy);
	line = ini_parse(path, on_pair, &l);
	if (line == -1) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno ? errno : ENOENT));
		return VK_ERR_NOT_FOUND;
	}
	if (line) {
		snprintf(why, why_len, "%s, line %d: %s", path, line,
			 l.why[0] ? l.why : "not NAME = VALUE or [section]");
		return VK_ERR_INVALID;
	}
	for (int i = 0; i < t->n_sig; i++) {
		if (!t->sig[i].image[0])
			continue;
		cairo_surface_t *s = cairo_image_surface_create_from_png(t->sig[i].image);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			snprintf(why, why_len, "%s: signature %d: %s is not a readable PNG image (%s)",
				 path, i + 1, t->sig[i].image,
				 cairo_status_to_string(cairo_surface_status(s)));
			cairo_surface_destroy(s);
			return VK_ERR_INVALID;
		}
		t->sig_surface[i] = s;
	}
	return VK_OK;
}

void cert_template_free(struct cert_template *t)
{
	for (int i = 0; i < CERT_MAX_SIGNATURES; i++) {
		if (t->sig_surface[i])
			cairo_surface_destroy(t->sig_surface[i]);
		t->sig_surface[i] = NULL;
	}
}

/* ---- drawing ---------------------------------------------------------------------------- */
struct cert_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
};

int cert_pdf_open(const char *path, cert_pdf **out)
{
	cert_pdf *p = calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return VK_ERR_NOMEM;
	p->surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p->surface);
		free(p);
		return VK_ERR_IO;
	}
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "vkhid");
	p->cr = cairo_create(p->surface);
	*out = p;
	return VK_OK;
}

/* Sets text in one layout of width w (points), centred; returns its height in points.
 * fit_one_line: shrink from size down to min_size until it fits on one line (the name). */
static double text_block(cairo_t *cr, const char *family, int bold, double size, double min_size,
			 int fit_one_line, const char *text, double x, double y, double w)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();
	int pw, ph;
	pango_font_description_set_family(fd, family);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	for (;;) {
		pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		if (!fit_one_line) {
			pango_layout_set_width(l, (int)(w * PANGO_SCALE));
			pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
			break;
		}
		pango_layout_get_size(l, &pw, &ph);
		if ((double)pw / PANGO_SCALE <= w || size <= min_size) {
			if ((double)pw / PANGO_SCALE > w) { /* still too long: wrap at the least size */
				pango_layout_set_width(l, (int)(w * PANGO_SCALE));
				pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
			}
			break;
		}
		size *= 0.92;
	}
	pango_layout_get_size(l, &pw, &ph);
	/* a layout without a width is as wide as its text: centre it by hand */
	double lw = pango_layout_get_width(l) > 0 ? w : (double)pw / PANGO_SCALE;
	cairo_move_to(cr, x + (w - lw) / 2, y);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)ph / PANGO_SCALE;
}

static void frame(cairo_t *cr)
{
	cairo_set_source_rgb(cr, 0.13, 0.23, 0.42);
	cairo_set_line_width(cr, 3.0);
	cairo_rectangle(cr, 22, 22, PAGE_W - 44, PAGE_H - 44);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, 30, 30, PAGE_W - 60, PAGE_H - 60);
	cairo_stroke(cr);
}

static int draw_qr(cairo_t *cr, const char *code, double x, double y, double side)
{
	struct qr_image q;
	int rc = qr_encode(code, &q);
	if (rc)
		return rc;
	const int quiet = 4;
	double m = side / (q.size + 2 * quiet);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, side, side);
	cairo_fill(cr);
	/* crisp module edges: antialiased neighbours would leave hairlines between them */
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q.size; r++)
		for (int c = 0; c < q.size; c++)
			if (q.modules[r * q.size + c])
				cairo_rectangle(cr, x + (c + quiet) * m, y + (r + quiet) * m, m, m);
	cairo_fill(cr);
	cairo_restore(cr);
	qr_free(&q);
	return VK_OK;
}

static void draw_signature(cairo_t *cr, const struct cert_template *t, int i, double x,
			   double y, double w)
{
	const struct cert_signature *s = &t->sig[i];
	cairo_surface_t *img = t->sig_surface[i];
	const double ih = 55.0;
	if (img) {
		double sw = cairo_image_surface_get_width(img), sh = cairo_image_surface_get_height(img);
		double k = sw > 0 && sh > 0 ? (w / sw < ih / sh ? w / sw : ih / sh) : 0;
		if (k > 0) {
			cairo_save(cr);
			cairo_translate(cr, x + (w - sw * k) / 2, y + ih - sh * k);
			cairo_scale(cr, k, k);
			cairo_set_source_surface(cr, img, 0, 0);
			cairo_paint(cr);
			cairo_restore(cr);
		}
	}
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, x, y + ih + 4);
	cairo_line_to(cr, x + w, y + ih + 4);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	double h = s->name[0] ? text_block(cr, t->font, 0, 11, 11, 0, s->name, x, y + ih + 8, w) : 0;
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	if (s->role[0])
		text_block(cr, t->font, 0, 9, 9, 0, s->role, x, y + ih + 10 + h, w);
}

int cert_pdf_page(cert_pdf *p, const struct cert_template *t, const struct cert_page *pg)
{
	cairo_t *cr = p->cr;
	const double w = PAGE_W - 2 * MARGIN;
	double y;
	char line[512];
	int rc;

	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	frame(cr);

	cairo_set_source_rgb(cr, 0.13, 0.23, 0.42);
	y = 84;
	y += text_block(cr, t->font, 1, 32, 18, 1,
			t->title[0] ? t->title : i18n_tr(pg->lang, "Certificate of completion"),
			MARGIN, y, w);
	/* the name stands alone: it is printed exactly as registered, in no sentence */
	cairo_set_source_rgb(cr, 0, 0, 0);
	y += 52;
	y += text_block(cr, t->font, 1, 40, 14, 1, pg->name, MARGIN, y, w);
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	y += 26;
	y += text_block(cr, t->font, 0, 15, 15, 0,
			t->intro[0] ? t->intro : i18n_tr(pg->lang, "for taking part in"), MARGIN, y, w);
	cairo_set_source_rgb(cr, 0.13, 0.23, 0.42);
	y += 6;
	y += text_block(cr, t->font, 1, 24, 12, 0, pg->event, MARGIN + 40, y, w - 80);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	y += 30;
	if (pg->attended && *pg->attended)
		y += text_block(cr, t->font, 0, 14, 14, 0, pg->attended, MARGIN, y, w);
	y += 10;
	snprintf(line, sizeof line, i18n_tr(pg->lang, "Date: %s"), pg->date);
	text_block(cr, t->font, 0, 12, 12, 0, line, MARGIN, y, w);

	/* signatures along the bottom, left of the QR code */
	double sig_y = PAGE_H - 60 - 100, sig_w = 160, gap = 24;
	for (int i = 0; i < t->n_sig; i++)
		draw_signature(cr, t, i, MARGIN + i * (sig_w + gap), sig_y, sig_w);

	double qx = PAGE_W - MARGIN - QR_SIDE + 10, qy = PAGE_H - 52 - QR_SIDE - 14;
	rc = draw_qr(cr, pg->code, qx, qy, QR_SIDE);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	text_block(cr, "DejaVu Sans", 0, 7, 7, 0,
		   i18n_tr(pg->lang, "Scan to verify: vkhid verify, or the organizer's hub /verify"),
		   qx - 30, qy + QR_SIDE + 1, QR_SIDE + 40);
	cairo_restore(cr);
	if (rc)
		return rc;
	cairo_show_page(cr);
	return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? VK_OK
	       : cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? VK_ERR_NOMEM : VK_ERR_IO;
}

int cert_pdf_close(cert_pdf *p)
{
	int rc;
	if (!p)
		return VK_OK;
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	rc = cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS ? VK_OK : VK_ERR_IO;
	cairo_surface_destroy(p->surface);
	free(p);
	return rc;
}

void cert_pdf_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
