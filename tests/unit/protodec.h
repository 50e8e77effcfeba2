/* SPDX-License-Identifier: MIT */
/* Test decoders: the bytes a printer protocol produced, turned back into the image the
 * printer would print, written independently of the encoders from the same public command
 * references (a second reading of each reference, so an encoder's misreading shows as a
 * difference), plus a QR reader on a decoded image (zbar). Shared by the unit tests and
 * the fake USB printer. */
#ifndef VK_TESTS_PROTODEC_H
#define VK_TESTS_PROTODEC_H

#include <stddef.h>
#include <stdint.h>

#include "printer/printer.h"

struct decoded {
	struct printer_raster r;   /* black (and red) planes as the label comes out */
	int pages;                 /* print commands seen */
	int lines;                 /* Brother: raster line count announced in ESC i z */
	int media_type, width_mm, length_mm; /* Brother print information */
	int compressed, two_colour, cut;
	char error[160];           /* "" when the bytes made sense */
};

/* Brother QL raster: head_dots 720 or 1296; label_dots the printable width; right_margin
 * the head offset. The image is un-mirrored. Returns 0 or -1 with d->error. */
int decode_brother(const uint8_t *b, size_t n, int head_dots, int label_dots,
		   int right_margin, struct decoded *d);
/* ZPL ^GFA inside ^XA..^XZ. */
int decode_zpl(const uint8_t *b, size_t n, struct decoded *d);
/* ESC/POS GS v 0 bands; width from the bands. */
int decode_escpos(const uint8_t *b, size_t n, struct decoded *d);
void decoded_free(struct decoded *d);

/* Reads one QR code from the black plane of r with zbar; the text is malloc'd or NULL. */
char *read_qr(const struct printer_raster *r);
/* Number of dots that differ between the black planes (and the red planes). */
long raster_diff(const struct printer_raster *a, const struct printer_raster *b);

#endif
