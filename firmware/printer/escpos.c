/* SPDX-License-Identifier: MIT */
/* ESC/POS receipt printers (Epson TM and compatibles), as a pure encoder and decoder (see
 * proto.h). From Epson's "ESC/POS Command Reference":
 *
 *   ESC @                          initialise
 *   GS v 0 m xL xH yL yH data      raster bit image, m = 0 normal; x bytes a row, y rows;
 *                                  1 = print; sent in bands of ESCPOS_BAND rows
 *   GS V 66 n                      feed to the cutter (plus n motion units) and cut
 *   DLE EOT n                      real-time status, one byte for each n = 1..4
 *
 * A receipt printer prints as the bands arrive, so its point of no return is the first
 * band: the body is only the initialisation. */
#include "printer/proto.h"

#include <stdio.h>
#include <string.h>

#define ESCPOS_BAND 128

static int esc_status_request(const struct printer_model *m, struct pbuf *out)
{
	static const uint8_t req[] = { 0x10, 0x04, 0x01, 0x10, 0x04, 0x02,
				       0x10, 0x04, 0x03, 0x10, 0x04, 0x04 };
	(void)m;
	return pbuf_put(out, req, sizeof(req));
}

static int esc_encode(const struct printer_model *m, const struct printer_media *media,
		      const struct printer_raster *r, const struct proto_opts *o,
		      struct pbuf *body, struct pbuf *tail)
{
	size_t row = (size_t)(r->width + 7) / 8;
	int rc;

	(void)o;
	(void)media;
	if (!m || !r || !r->bits || r->width > m->head_dots || row > 0xFFFF)
		return PRINTER_ERR_INVALID;
	if ((rc = pbuf_put(body, "\x1B\x40", 2)))
		return rc;
	for (int y0 = 0; y0 < r->height; y0 += ESCPOS_BAND) {
		int h = r->height - y0 < ESCPOS_BAND ? r->height - y0 : ESCPOS_BAND;
		const uint8_t cmd[] = { 0x1D, 0x76, 0x30, 0x00, (uint8_t)row, (uint8_t)(row >> 8),
					(uint8_t)h, (uint8_t)(h >> 8) };
		if ((rc = pbuf_put(tail, cmd, sizeof(cmd))))
			return rc;
		for (int y = y0; y < y0 + h; y++) {
			const uint8_t *src = r->bits + (size_t)y * r->stride;
			if ((rc = pbuf_put(tail, src, row)))
				return rc;
			if ((r->width & 7) && row)
				tail->data[tail->len - 1] &= (uint8_t)(0xFF << (8 - (r->width & 7)));
		}
	}
	return pbuf_put(tail, "\x1D\x56\x42\x00", 4);
}

/* Every status byte has bit 1 and bit 4 set and bits 0 and 7 clear. */
static int status_byte(uint8_t b)
{
	return (b & 0x93) == 0x12;
}

static int esc_status_parse(const struct printer_model *m, const uint8_t *b, size_t n,
			    struct proto_reply *r)
{
	(void)m;
	if (n == 0)
		return 0;
	if (!status_byte(b[0]))
		return PRINTER_ERR_INVALID;
	if (n < 4)
		return 0;
	for (int i = 1; i < 4; i++)
		if (!status_byte(b[i]))
			return PRINTER_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	uint8_t s1 = b[0], s2 = b[1], s3 = b[2], s4 = b[3];
	if (s2 & 0x04)
		r->st.state = PRINTER_COVER_OPEN;
	else if ((s4 & 0x60) || (s2 & 0x20))
		r->st.state = PRINTER_END_OF_MEDIA;
	else if (s3 & 0x08)
		r->st.state = PRINTER_CUTTER_JAM;
	else if ((s3 & 0x60) || (s2 & 0x40))
		r->st.state = PRINTER_SYSTEM_ERROR;
	else
		r->st.state = PRINTER_READY;
	/* Offline with no fault named: feeding by the button, or still busy. */
	r->busy = (s1 & 0x08) != 0 && r->st.state == PRINTER_READY;
	r->st.media.width_mm = 80;
	r->st.near_end = (s4 & 0x0C) != 0;
	snprintf(r->st.detail, sizeof(r->st.detail), "status %02x %02x %02x %02x%s", s1, s2, s3, s4,
		 (s4 & 0x0C) ? ", paper near its end" : "");
	return 4;
}

const struct printer_protocol proto_escpos = {
	.name = "escpos",
	.status_request = esc_status_request,
	.status_parse = esc_status_parse,
	.encode = esc_encode,
	.reports_completion = 0,
};
