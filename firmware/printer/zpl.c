/* SPDX-License-Identifier: MIT */
/* Zebra ZPL II, as a pure encoder and decoder (see proto.h). From Zebra's "ZPL II
 * Programming Guide":
 *
 *   ^XA                      start of a label format
 *   ^PWw  ^LLh               print width and label length in dots
 *   ^FO0,0                   field origin at the top-left corner
 *   ^GFA,t,t,r,HEX           graphic field: t bytes in all, r bytes a row, ASCII hex data
 *                            (1 = black, the high bit of each byte leftmost)
 *   ^FS                      field separator
 *   ^XZ                      end of format: the printer prints it (the point of no return)
 *
 * Status: "~HS" answers with three lines, each STX ... ETX CR LF, of comma-separated
 * fields. A printer with the head open or out of media may not answer at all: the USB
 * driver takes silence as "needs attention" (PRINTER_NOT_ANSWERING). */
#include "printer/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int zpl_status_request(const struct printer_model *m, struct pbuf *out)
{
	(void)m;
	return pbuf_put(out, "~HS", 3);
}

static int zpl_encode(const struct printer_model *m, const struct printer_media *media,
		      const struct printer_raster *r, const struct proto_opts *o,
		      struct pbuf *body, struct pbuf *tail)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t row = (size_t)(r->width + 7) / 8;
	size_t total = row * (size_t)r->height;
	int rc;

	(void)o;
	(void)media;
	if (!m || !r || !r->bits || r->width > m->head_dots)
		return PRINTER_ERR_INVALID;
	if ((rc = pbuf_printf(body, "^XA^PW%d^LL%d^FO0,0^GFA,%zu,%zu,%zu,", r->width, r->height,
			      total, total, row)))
		return rc;
	for (int y = 0; y < r->height; y++) {
		const uint8_t *src = r->bits + (size_t)y * r->stride;
		for (size_t i = 0; i < row; i++) {
			uint8_t v = src[i];
			/* Dots past the width in the last byte stay white. */
			if (i == row - 1 && (r->width & 7))
				v &= (uint8_t)(0xFF << (8 - (r->width & 7)));
			char two[2] = { hex[v >> 4], hex[v & 15] };
			if ((rc = pbuf_put(body, two, 2)))
				return rc;
		}
	}
	if ((rc = pbuf_put(body, "^FS", 3)))
		return rc;
	return pbuf_put(tail, "^XZ", 3);
}

/* The largest value a field may carry. Real fields are at most 8 digits; anything longer
 * from a broken or hostile printer is held here, so no product below can overflow (long
 * is 32 bits on the Pi's armhf). */
#define ZPL_FIELD_MAX 99999999L

/* Splits s[0..n) (the text between STX and ETX) into at most max comma-separated integers.
 * Reads only inside s[0..n): the reply is not NUL-terminated. Each field is an optional
 * sign and decimal digits; anything after the digits up to the comma is ignored, a field
 * with no digits is 0, and values are held to [-ZPL_FIELD_MAX, ZPL_FIELD_MAX]. */
static int fields(const char *s, size_t n, long *v, int max)
{
	int k = 0;
	size_t i = 0;

	while (i < n && k < max) {
		long x = 0;
		int neg = 0;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			neg = s[i++] == '-';
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (x < ZPL_FIELD_MAX)
				x = x * 10 + (s[i] - '0');
		if (x > ZPL_FIELD_MAX)
			x = ZPL_FIELD_MAX;
		v[k++] = neg ? -x : x;
		while (i < n && s[i] != ',')
			i++;
		i++;
	}
	return k;
}

static int zpl_status_parse(const struct printer_model *m, const uint8_t *b, size_t n,
			    struct proto_reply *r)
{
	const char *s = (const char *)b;
	size_t start[3], len[3], i = 0;
	long f1[12] = { 0 }, f2[11] = { 0 };

	(void)m;
	if (n == 0)
		return 0;
	if (b[0] != 0x02)
		return PRINTER_ERR_INVALID;
	for (int k = 0; k < 3; k++) {
		while (i < n && b[i] != 0x02)
			i++;
		if (i >= n)
			return 0;
		start[k] = ++i;
		while (i < n && b[i] != 0x03)
			i++;
		if (i >= n)
			return 0;
		len[k] = i - start[k];
		i++;
	}
	/* The CR LF after the last ETX belongs to the reply too. */
	while (i < n && (b[i] == '\r' || b[i] == '\n'))
		i++;
	if (fields(s + start[0], len[0], f1, 12) < 12 || fields(s + start[1], len[1], f2, 11) < 11)
		return PRINTER_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	long paper_out = f1[1], pause = f1[2], formats = f1[4], partial = f1[7];
	long head_up = f2[2], ribbon_out = f2[3], transfer = f2[4], remaining = f2[8];
	if (head_up)
		r->st.state = PRINTER_COVER_OPEN;
	else if (paper_out)
		r->st.state = PRINTER_NO_MEDIA;
	else if (ribbon_out && transfer)
		r->st.state = PRINTER_NO_MEDIA;
	else if (f1[9] || f1[10] || f1[11])
		r->st.state = PRINTER_SYSTEM_ERROR;
	else if (pause)
		r->st.state = PRINTER_PAUSED;
	else
		r->st.state = PRINTER_READY;
	r->busy = formats > 0 || remaining > 0 || partial;
	/* Label length in dots; a negative one means nothing. At most 99999999 * 254, which
	 * fits 64 bits. */
	int dpi = m && m->dpi > 0 ? m->dpi : 203;
	long long len_dots = f1[3] > 0 ? f1[3] : 0;
	r->st.media.length_mm = (int)(len_dots * 254 / ((long long)dpi * 10));
	snprintf(r->st.detail, sizeof(r->st.detail),
		 "paper out %ld, pause %ld, head up %ld, ribbon out %ld, formats %ld, labels %ld",
		 paper_out, pause, head_up, ribbon_out, formats, remaining);
	return (int)i;
}

const struct printer_protocol proto_zpl = {
	.name = "zpl",
	.status_request = zpl_status_request,
	.status_parse = zpl_status_parse,
	.encode = zpl_encode,
	.reports_completion = 0,
};
