/* SPDX-License-Identifier: MIT */
/* Badges: a registration's fields laid out on a label and rendered to the printer's 1-bit
 * raster. The fonts, and fitting a text into a box, are the text engine (badge_text.c);
 * this file places the blocks, the logo and the QR code.
 *
 * Sections, in reading order:
 *   fields     a field cleaned for layout (whitespace runs made one space, cut)
 *   logo       a PNG scaled and dithered (Floyd-Steinberg) into the raster
 *   layout     a template (template.c) laid out top to bottom and bottom to top; the
 *              built-in layouts are built-in templates at their usual resolution
 *
 * Every size is given in millimetres and converted with the layout's dpi, so the layout
 * survives another resolution. */
#include "badge/badge.h"

#include "badge/badge_text.h"
#include "badge/qr.h"
#include "core/err.h"

#include <SDL.h>
#include <SDL_image.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fields -------------------------------------------------------------------------- */

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
				btext_plane_set(r, plane, x0 + tx, y + ty, 1);
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
	int em0 = btext_cap_to_em(f, req->cap_start);

	memset(out, 0, sizeof(*out));
	if (strlen(a) >= RUN_MAX || strlen(b) >= RUN_MAX)
		return VK_ERR_INVALID;
	int wa = btext_line_width(f, em0, a), wb = btext_line_width(f, em0, b);
	if (wa < 0 || wb < 0)
		return wa < 0 ? wa : wb;
	int wmax = wa > wb ? wa : wb, best = em0;
	if (wmax > req->box_w)
		best = (int)((long)em0 * req->box_w / wmax);
	int hmax = btext_em_for_height(f, 2, req->box_h);
	if (best > hmax)
		best = hmax;
	if (best < btext_cap_to_em(f, req->cap_floor))
		return VK_ERR_INVALID; /* the caller fits the whole name instead */
	out->nlines = 2;
	snprintf(out->line[0], RUN_MAX, "%s", a);
	snprintf(out->line[1], RUN_MAX, "%s", b);
	return btext_shrink_to_fit(req, out, best);
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
		struct fit_req req = { btext_regular(), mm(l, e), mm(l, e * 0.73), mm(l, e * 0.73), inner_w,
				       mm(l, e * 2.27), 1, NULL };
		d.plane = PLANE(BADGE_PART_EVENT);
		if ((rc = btext_fit_text(ev, &req, ft)) || (rc = btext_draw_block(ft, btext_regular(), &d, margin,
								       inner_w, top)))
			goto out;
		top += btext_block_height(btext_regular(), 1, ft->px) + mm(l, 1.2);
		btext_fill_rect(out, d.plane, margin, top, W - margin, top + mm(l, 0.3));
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
		struct fit_req req = { btext_bold(), mm(l, t->cat_mm), mm(l, t->cat_mm * 0.595),
				       mm(l, t->cat_mm * 0.595), inner_w - 2 * pad, band_h - pad, 1,
				       NULL };
		if (band_h < mm(l, 3)) {
			rc = VK_ERR_INVALID;
			goto out;
		}
		if ((rc = btext_fit_text(cat_text, &req, ft)))
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
			btext_fill_rect(out, plane, x0, band_top, x1, bottom);
		int cap = (int)lround(ft->px * btext_bold()->cap_ratio);
		int accent = (int)lround(ft->px * ACCENT_EM);
		struct draw_ctx dw = { .r = out, .plane = plane, .ink = cs == BADGE_CAT_TEXT,
				       .clip_x0 = margin + pad / 2, .clip_x1 = W - margin - pad / 2 };
		/* Centre the capitals, not the accents and descenders: it looks centred. */
		if ((rc = btext_draw_block(ft, btext_bold(), &dw, margin + pad, inner_w - 2 * pad,
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
	struct fit_req nreq = { btext_bold(), mm(l, t->name_mm), mm(l, t->name_min_mm),
				mm(l, t->name_min_mm * 0.49), inner_w,
				org[0] ? avail * 62 / 100 : avail, 2, prefer };
	rc = VK_ERR_INVALID;
	if (t->family_line && given[0] && family[0])
		rc = fit_two(given, family, &nreq, ft);
	if (rc != VK_OK && (rc = btext_fit_text(display, &nreq, ft)))
		goto out;
	struct fitted name = *ft;
	int name_h = btext_block_height(btext_bold(), name.nlines, name.px);
	int gap = mm(l, 3.5), org_h = 0;
	if (org[0]) {
		struct fit_req oreq = { btext_regular(), mm(l, t->org_mm), mm(l, t->org_mm * 0.706),
					mm(l, t->org_mm * 0.706), inner_w, avail - name_h - gap, 2,
					NULL };
		if ((rc = btext_fit_text(org, &oreq, ft)))
			goto out;
		org_h = btext_block_height(btext_regular(), ft->nlines, ft->px);
	}
	int block = name_h + (org[0] ? gap + org_h : 0);
	int y = top + (avail - block) / 2;
	d.plane = PLANE(BADGE_PART_NAME);
	if ((rc = btext_draw_block(&name, btext_bold(), &d, margin, inner_w, y)))
		goto out;
	d.plane = PLANE(BADGE_PART_ORG);
	if (org[0] && (rc = btext_draw_block(ft, btext_regular(), &d, margin, inner_w, y + name_h + gap)))
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

	btext_lock();
	rc = btext_load_fonts(NULL, 0);
	if (rc == VK_OK)
		rc = render_locked(b, t, &l, out);
	btext_unlock();
	return rc;
}
