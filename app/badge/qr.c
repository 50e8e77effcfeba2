/* SPDX-License-Identifier: MIT */
/* QR codes for tickets and badges: libqrencode turns a text into a module matrix, and this
 * file draws the matrix four ways. PNG and SVG are the ticket files organizers mail out
 * (`vkhid tickets`); the gray image is what the camera would see (scanner tests); qr_draw
 * puts the code on a badge raster.
 *
 * Encoding is case-sensitive at error-correction level Q (a quarter of the code may be
 * smudged or covered by a thumb and it still reads). libqrencode splits the text into
 * segments itself, so a VK1 ticket, whose Base45 characters are exactly the QR alphanumeric
 * set, is coded at 5.5 bits a character rather than 8.
 *
 * Files are written to a temporary name beside the target, flushed and renamed, so a crash
 * leaves either the old file or the whole new one. */
#include "badge/qr.h"

#include "core/err.h"
#include "printer/printer.h"

#include <SDL.h>
#include <SDL_image.h>
#include <qrencode.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest image side we render: a version 40 code (177 modules) with a 4-module quiet
 * zone at 40 pixels a module. Beyond that a caller has made a mistake, and the square of
 * the side must stay far from overflowing. */
#define QR_MAX_SIDE 8000

/* Encodes text (NUL-terminated UTF-8, case kept) at ECC level Q into out. Returns VK_OK;
 * VK_ERR_INVALID for NULL, an empty text or one too long for a QR code; VK_ERR_NOMEM. On
 * failure out is zeroed, so qr_free() is always safe. Free with qr_free(). */
int qr_encode(const char *text, struct qr_image *out)
{
	QRcode *code;

	if (!out)
		return VK_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return VK_ERR_INVALID;

	errno = 0;
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
	if (!code)
		return errno == ENOMEM ? VK_ERR_NOMEM : VK_ERR_INVALID;

	size_t n = (size_t)code->width * (size_t)code->width;
	uint8_t *modules = malloc(n);
	if (!modules) {
		QRcode_free(code);
		return VK_ERR_NOMEM;
	}
	/* libqrencode packs flags into each byte (function patterns, format bits...); only
	 * bit 0, dark or light, matters to a reader. */
	for (size_t i = 0; i < n; i++)
		modules[i] = code->data[i] & 1;
	out->size = code->width;
	out->version = code->version;
	out->modules = modules;
	QRcode_free(code);
	return VK_OK;
}

/* Frees the modules of q and zeroes it; q may be NULL or already freed. */
void qr_free(struct qr_image *q)
{
	if (!q)
		return;
	free(q->modules);
	memset(q, 0, sizeof(*q));
}

static int qr_valid(const struct qr_image *q)
{
	return q && q->modules && q->size >= 21 && q->size <= 177;
}

/* Renders q as a malloc'd square gray image (255 white, 0 black) of *side pixels a side:
 * module_px pixels a module and quiet light modules around it. Returns VK_OK, VK_ERR_INVALID
 * (no code, module_px < 1, quiet < 0 or an image over 8000 pixels a side) or VK_ERR_NOMEM.
 * The caller frees *gray with free(). */
int qr_render_gray(const struct qr_image *q, int module_px, int quiet, uint8_t **gray, int *side)
{
	if (!gray || !side)
		return VK_ERR_INVALID;
	*gray = NULL;
	*side = 0;
	if (!qr_valid(q) || module_px < 1 || quiet < 0 || quiet > 100)
		return VK_ERR_INVALID;
	long s = (long)(q->size + 2 * quiet) * module_px;
	if (s > QR_MAX_SIDE)
		return VK_ERR_INVALID;

	uint8_t *img = malloc((size_t)s * (size_t)s);
	if (!img)
		return VK_ERR_NOMEM;
	memset(img, 255, (size_t)s * (size_t)s);
	int off = quiet * module_px;
	for (int my = 0; my < q->size; my++) {
		for (int mx = 0; mx < q->size; mx++) {
			if (!q->modules[my * q->size + mx])
				continue;
			for (int dy = 0; dy < module_px; dy++) {
				uint8_t *row = img + (size_t)(off + my * module_px + dy) * (size_t)s;
				memset(row + off + mx * module_px, 0, (size_t)module_px);
			}
		}
	}
	*gray = img;
	*side = (int)s;
	return VK_OK;
}

/* Draws the dark modules of q into r, top-left corner at (x, y), module_px dots a module,
 * without a quiet zone: the caller keeps at least 4 modules around it white. Dots outside
 * r are clipped, so a badge layout mistake loses a corner of the code rather than memory. */
void qr_draw(const struct qr_image *q, struct printer_raster *r, int x, int y, int module_px)
{
	if (!qr_valid(q) || !r || !r->bits || module_px < 1)
		return;
	for (int my = 0; my < q->size; my++) {
		for (int mx = 0; mx < q->size; mx++) {
			if (!q->modules[my * q->size + mx])
				continue;
			int x0 = x + mx * module_px, y0 = y + my * module_px;
			for (int py = y0; py < y0 + module_px; py++) {
				if (py < 0 || py >= r->height)
					continue;
				for (int px = x0; px < x0 + module_px; px++)
					if (px >= 0 && px < r->width)
						printer_raster_set(r, px, py, 1);
			}
		}
	}
}

/* printer_write_file (firmware/printer/raster.c) in our error codes. */
static int write_atomically(const char *path, int (*emit)(FILE *fp, const void *ctx),
			    const void *ctx)
{
	int rc = printer_write_file(path, emit, ctx);
	return rc == PRINTER_OK ? VK_OK : rc == PRINTER_ERR_NOMEM ? VK_ERR_NOMEM : VK_ERR_IO;
}

static int emit_png(FILE *fp, const void *ctx)
{
	SDL_Surface *s = (SDL_Surface *)ctx;
	SDL_RWops *rw = SDL_RWFromFP(fp, SDL_FALSE);

	if (!rw)
		return -1;
	int rc = IMG_SavePNG_RW(s, rw, 0);
	SDL_RWclose(rw);
	return rc;
}

/* Writes q as a PNG (8-bit gray palette, black on white) with module_px pixels a module
 * and quiet light modules around it. Returns VK_OK, VK_ERR_INVALID (see qr_render_gray, or
 * no path), VK_ERR_NOMEM or VK_ERR_IO. */
int qr_write_png(const struct qr_image *q, int module_px, int quiet, const char *path)
{
	uint8_t *gray = NULL;
	SDL_Surface *s = NULL;
	SDL_Color ramp[256];
	int side = 0;
	int rc;

	if (!path || !*path)
		return VK_ERR_INVALID;
	rc = qr_render_gray(q, module_px, quiet, &gray, &side);
	if (rc != VK_OK)
		return rc;
	s = SDL_CreateRGBSurfaceWithFormatFrom(gray, side, side, 8, side, SDL_PIXELFORMAT_INDEX8);
	if (!s) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	/* A palette where index i is gray level i: the pixels are gray values as they stand. */
	for (int i = 0; i < 256; i++)
		ramp[i] = (SDL_Color){ (Uint8)i, (Uint8)i, (Uint8)i, 255 };
	if (SDL_SetPaletteColors(s->format->palette, ramp, 0, 256) != 0) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	rc = write_atomically(path, emit_png, s);
out:
	SDL_FreeSurface(s);
	free(gray);
	return rc;
}

struct svg_ctx {
	const struct qr_image *q;
	int quiet;
};

/* One path of unit-high rectangles, one per horizontal run of dark modules: a few
 * kilobytes for a ticket, and every renderer draws it without seams between modules. */
static int emit_svg(FILE *fp, const void *ctx)
{
	const struct svg_ctx *c = ctx;
	const struct qr_image *q = c->q;
	int n = q->size + 2 * c->quiet;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n", n, n);
	fprintf(fp, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", n, n);
	fputs("<path fill=\"#000000\" d=\"", fp);
	for (int y = 0; y < q->size; y++) {
		const uint8_t *row = q->modules + (size_t)y * q->size;
		int x = 0;
		while (x < q->size) {
			if (!row[x]) {
				x++;
				continue;
			}
			int start = x;
			while (x < q->size && row[x])
				x++;
			fprintf(fp, "M%d %dh%dv1h-%dz", start + c->quiet, y + c->quiet,
				x - start, x - start);
		}
		/* A line break per module row keeps the file readable and diffable. */
		fputc('\n', fp);
	}
	fputs("\"/>\n</svg>\n", fp);
	return 0;
}

/* Writes q as a scalable SVG: a white square and one black path, viewBox in modules
 * (size + 2 * quiet a side), crisp edges. Returns VK_OK, VK_ERR_INVALID (no code, no path,
 * quiet outside 0..100), VK_ERR_NOMEM or VK_ERR_IO. */
int qr_write_svg(const struct qr_image *q, int quiet, const char *path)
{
	if (!qr_valid(q) || quiet < 0 || quiet > 100 || !path || !*path)
		return VK_ERR_INVALID;
	struct svg_ctx c = { q, quiet };
	return write_atomically(path, emit_svg, &c);
}
