/* SPDX-License-Identifier: MIT */
/* QR codes for tickets and badges (libqrencode): encode a text, then draw it as a PNG, an
 * SVG, a gray image (what a camera would see) or into a 1-bit printer raster. */
#ifndef VK_BADGE_QR_H
#define VK_BADGE_QR_H

#include <stddef.h>
#include <stdint.h>

struct printer_raster;

struct qr_image {
	int size;          /* modules per side, without quiet zone */
	int version;       /* QR version 1..40 */
	uint8_t *modules;  /* size*size bytes, 1 = dark */
};

/* Encodes text at ECC level Q (alphanumeric mode where the text allows it, so a VK1
 * ticket stays at version 7 or lower). Returns VK_OK or VK_ERR_INVALID (too long / empty),
 * VK_ERR_NOMEM. Free with qr_free(). */
int qr_encode(const char *text, struct qr_image *out);
void qr_free(struct qr_image *q);

/* Writes a PNG with module_px pixels a module and a quiet zone of quiet modules. */
int qr_write_png(const struct qr_image *q, int module_px, int quiet, const char *path);
/* Writes a scalable SVG (one path, viewBox in modules). */
int qr_write_svg(const struct qr_image *q, int quiet, const char *path);
/* Renders to a malloc'd gray buffer (255 white, 0 black) of side *side pixels. */
int qr_render_gray(const struct qr_image *q, int module_px, int quiet, uint8_t **gray, int *side);
/* Draws into r with its top-left corner at (x, y), module_px printer dots a module,
 * without quiet zone (the caller leaves white space). */
void qr_draw(const struct qr_image *q, struct printer_raster *r, int x, int y, int module_px);

#endif
