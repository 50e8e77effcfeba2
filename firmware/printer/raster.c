/* SPDX-License-Identifier: MIT */
/* 1-bit printer rasters: allocation with a hard size cap, and PNG output for the simulated
 * printer, badge previews and test artefacts. A raster is what every printer protocol
 * (Brother QL, ZPL, ESC/POS) consumes; this file knows nothing of any of them.
 *
 * The PNG is written with SDL2_image from an 8-bit palette surface (white, black, red) into
 * a temporary file beside the target, flushed to disk and renamed over it, so a crash or a
 * power cut leaves either the old file or the whole new one, never half a badge. */
#include "printer/printer.h"

#include <SDL.h>
#include <SDL_image.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest raster we accept: wider than any label head we know (1296 dots on the wide
 * Brother models), longer than a 102x152 mm label at 300 dpi, small enough (4 MiB of bits)
 * that a bad template cannot exhaust a Raspberry Pi's memory. */
#define RASTER_MAX_WIDTH 4096
#define RASTER_MAX_HEIGHT 8192

/* Allocates a white raster of width x height pixels at dpi (0 when unknown). The bits are
 * zeroed (white) and there is no red plane; callers that print two colours allocate red
 * themselves with stride * height bytes. Returns PRINTER_OK, PRINTER_ERR_INVALID for a size
 * outside 1..4096 x 1..8192 or a NULL r, or PRINTER_ERR_NOMEM. On failure *r is zeroed, so
 * printer_raster_free() is always safe. Free with printer_raster_free(). */
int printer_raster_new(struct printer_raster *r, int width, int height, int dpi)
{
	if (!r)
		return PRINTER_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	if (width <= 0 || height <= 0 || width > RASTER_MAX_WIDTH || height > RASTER_MAX_HEIGHT
	    || dpi < 0)
		return PRINTER_ERR_INVALID;

	int stride = (width + 7) / 8;
	uint8_t *bits = calloc((size_t)stride * (size_t)height, 1);
	if (!bits)
		return PRINTER_ERR_NOMEM;
	r->width = width;
	r->height = height;
	r->stride = stride;
	r->dpi = dpi;
	r->bits = bits;
	return PRINTER_OK;
}

/* Frees the planes of r and zeroes it; r may be NULL or already freed. */
void printer_raster_free(struct printer_raster *r)
{
	if (!r)
		return;
	free(r->bits);
	free(r->red);
	memset(r, 0, sizeof(*r));
}

/* Bit x of a plane row (1 = ink); the plane may be NULL (no red). */
static int plane_bit(const uint8_t *row, int x)
{
	return row ? (row[x >> 3] >> (7 - (x & 7))) & 1 : 0;
}

/* Writes r as a PNG at path: white paper, black ink, red ink where the red plane is set
 * (black wins where both are set, as on two-colour Brother stock). The file appears whole or
 * not at all. Returns PRINTER_OK, PRINTER_ERR_INVALID (no raster), PRINTER_ERR_NOMEM or
 * PRINTER_ERR_IO (the folder is missing or not writable, the disk is full). */
int printer_write_file(const char *path, int (*emit)(FILE *fp, const void *ctx), const void *ctx)
{
	int rc = PRINTER_ERR_IO;
	FILE *fp = NULL;
	int created = 0;
	int fd = -1;
	size_t n = strlen(path) + sizeof(".tmp-XXXXXX");
	char *tmp = malloc(n);

	if (!tmp)
		return PRINTER_ERR_NOMEM;
	snprintf(tmp, n, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	created = 1;
	/* mkstemp makes the file private; badges and ticket images are meant to be shared. */
	(void)fchmod(fd, 0644);
	fp = fdopen(fd, "wb");
	if (!fp)
		goto out;
	fd = -1;
	if (emit(fp, ctx) != 0 || ferror(fp))
		goto out;
	/* The data must be on the disk before the rename makes it visible, or a power cut
	 * could leave a complete-looking name over an empty file. */
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		goto out;
	int close_rc = fclose(fp);
	fp = NULL;
	if (close_rc != 0 || rename(tmp, path) != 0)
		goto out;
	created = 0;
	rc = PRINTER_OK;
out:
	if (fp)
		fclose(fp);
	if (fd >= 0)
		close(fd);
	/* Only on failure: never leave a half-written temporary behind. */
	if (created)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int emit_png(FILE *fp, const void *ctx)
{
	SDL_RWops *rw = SDL_RWFromFP(fp, SDL_FALSE);
	int rc;
	if (!rw)
		return -1;
	rc = IMG_SavePNG_RW((SDL_Surface *)ctx, rw, 0);
	SDL_RWclose(rw);
	return rc;
}

int printer_raster_save_png(const struct printer_raster *r, const char *path)
{
	int rc = PRINTER_ERR_NOMEM;
	SDL_Surface *s = NULL;

	if (!r || !r->bits || !path || !*path || r->width <= 0 || r->height <= 0
	    || r->stride < (r->width + 7) / 8)
		return PRINTER_ERR_INVALID;

	s = SDL_CreateRGBSurfaceWithFormat(0, r->width, r->height, 8, SDL_PIXELFORMAT_INDEX8);
	if (!s)
		goto out;
	/* Index 0 is paper, 1 black, 2 red: a three-entry palette keeps the PNG small. */
	const SDL_Color colours[3] = {
		{ 255, 255, 255, 255 }, { 0, 0, 0, 255 }, { 220, 0, 0, 255 },
	};
	if (SDL_SetPaletteColors(s->format->palette, colours, 0, 3) != 0)
		goto out;
	for (int y = 0; y < r->height; y++) {
		const uint8_t *black = r->bits + (size_t)y * r->stride;
		const uint8_t *red = r->red ? r->red + (size_t)y * r->stride : NULL;
		uint8_t *dst = (uint8_t *)s->pixels + (size_t)y * s->pitch;
		for (int x = 0; x < r->width; x++)
			dst[x] = plane_bit(black, x) ? 1 : plane_bit(red, x) ? 2 : 0;
	}
	rc = printer_write_file(path, emit_png, s);
out:
	SDL_FreeSurface(s);
	return rc;
}
