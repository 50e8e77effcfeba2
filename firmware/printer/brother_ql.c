/* SPDX-License-Identifier: MIT */
/* Brother QL raster protocol, as a pure encoder and decoder (see proto.h). From Brother's
 * "Raster Command Reference" for the QL series:
 *
 *   invalidate     200 zero bytes (400 on the QL-8xx) end any half-received command
 *   ESC @          initialise
 *   ESC i a 01     switch to raster mode (not on QL-500..570, 700)
 *   ESC i z ...    print information: valid flags, media type, width mm, length mm,
 *                  raster line count (32-bit little-endian), page (0 = first), 0
 *   ESC i M 40     auto-cut on;  ESC i A 01  cut every label
 *   ESC i K n      expanded mode: 0x08 cut at end, 0x01 two-colour printing
 *   ESC i d n1 n2  feed margin in dots (35 on endless stock, 0 on die-cut)
 *   M 02           TIFF PackBits compression of the raster lines (where supported)
 *   g 00 n data    one raster line (two-colour: w 01 n black, then w 02 n red)
 *   Z              an all-white line (compression mode only)
 *   1A             print the page: the point of no return
 *
 * Raster lines run across the head from its far end: the image is mirrored left to right,
 * and the printable area sits right_margin dots from the head's right end (table below).
 * The status reply is 32 bytes; brother_status_parse() maps its error bits to the states
 * a person can fix. */
#include "printer/proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers (shared by every protocol) ---------------------------------------------- */
static int pbuf_reserve(struct pbuf *b, size_t n)
{
	if (n > PBUF_MAX || b->len > PBUF_MAX - n)
		return PRINTER_ERR_NOMEM;
	if (b->len + n <= b->cap)
		return PRINTER_OK;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	if (cap > PBUF_MAX)
		cap = PBUF_MAX;
	uint8_t *d = realloc(b->data, cap);
	if (!d)
		return PRINTER_ERR_NOMEM;
	b->data = d;
	b->cap = cap;
	return PRINTER_OK;
}

int pbuf_put(struct pbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return PRINTER_OK;
	int rc = pbuf_reserve(b, n);
	if (rc)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return PRINTER_OK;
}

int pbuf_byte(struct pbuf *b, uint8_t c)
{
	return pbuf_put(b, &c, 1);
}

int pbuf_fill(struct pbuf *b, uint8_t c, size_t n)
{
	int rc = pbuf_reserve(b, n);
	if (rc)
		return rc;
	memset(b->data + b->len, c, n);
	b->len += n;
	return PRINTER_OK;
}

int pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(small))
		return PRINTER_ERR_INVALID;
	return pbuf_put(b, small, (size_t)n);
}

void pbuf_free(struct pbuf *b)
{
	if (!b)
		return;
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* ---- media -------------------------------------------------------------------------- */
static const struct brother_media media_table[] = {
	{ 62, 0, 0x0A, 696, 12, 0, 0 },        /* DK-22205, DK-22251 (black/red) */
	{ 62, 100, 0x0B, 696, 12, 1109, 0 },   /* DK-11202 */
	{ 29, 90, 0x0B, 306, 6, 991, 0 },      /* DK-11201 */
	{ 102, 0, 0x0A, 1164, 12, 0, 1 },      /* DK-22243 */
	{ 102, 152, 0x0B, 1164, 12, 1660, 1 }, /* DK-11241 */
};

const struct brother_media *brother_media_find(int width_mm, int length_mm)
{
	for (size_t i = 0; i < sizeof(media_table) / sizeof(media_table[0]); i++)
		if (media_table[i].width_mm == width_mm && media_table[i].length_mm == length_mm)
			return &media_table[i];
	return NULL;
}

/* ---- PackBits ----------------------------------------------------------------------- */
/* TIFF PackBits: a header byte h then data. 0 <= h <= 127: h + 1 literal bytes follow;
 * -127 <= h <= -1 (0x81..0xFF): the next byte repeats 1 - h times. Here every run of two
 * or more equal bytes becomes a repeat and everything else literal stretches. */
int brother_packbits(const uint8_t *src, size_t n, struct pbuf *out)
{
	size_t i = 0;
	int rc;

	while (i < n) {
		size_t run = 1;
		while (i + run < n && run < 128 && src[i + run] == src[i])
			run++;
		if (run >= 2) {
			if ((rc = pbuf_byte(out, (uint8_t)(257 - run))) || (rc = pbuf_byte(out, src[i])))
				return rc;
			i += run;
			continue;
		}
		/* A literal stretch ends where a run of two begins. */
		size_t lit = 0;
		while (i + lit < n && lit < 128) {
			if (i + lit + 1 < n && src[i + lit] == src[i + lit + 1])
				break;
			lit++;
		}
		if ((rc = pbuf_byte(out, (uint8_t)(lit - 1))) || (rc = pbuf_put(out, src + i, lit)))
			return rc;
		i += lit;
	}
	return PRINTER_OK;
}

/* ---- encoding ------------------------------------------------------------------------ */
/* Fills line (head_bytes long) with row y of plane: the printable area placed right_margin
 * dots from the head's right end, then mirrored. Returns 1 when any dot is set. */
static int head_line(const struct printer_raster *r, const uint8_t *plane, int y, int head_dots,
		     int right_margin, uint8_t *line)
{
	const uint8_t *row = plane + (size_t)y * r->stride;
	int pos = head_dots - r->width - right_margin; /* unmirrored left edge of the label */
	int any = 0;

	memset(line, 0, (size_t)head_dots / 8);
	for (int x = 0; x < r->width; x++) {
		if (!((row[x >> 3] >> (7 - (x & 7))) & 1))
			continue;
		int d = head_dots - 1 - (pos + x); /* mirrored */
		line[d >> 3] |= (uint8_t)(0x80 >> (d & 7));
		any = 1;
	}
	return any;
}

static int put_line(struct pbuf *b, uint8_t cmd, uint8_t sub, const uint8_t *line, size_t n,
		    int compress, struct pbuf *tmp)
{
	int rc;

	if (!compress) {
		if ((rc = pbuf_byte(b, cmd)) || (rc = pbuf_byte(b, sub)) || (rc = pbuf_byte(b, (uint8_t)n)))
			return rc;
		return pbuf_put(b, line, n);
	}
	tmp->len = 0;
	if ((rc = brother_packbits(line, n, tmp)))
		return rc;
	if (tmp->len > 255)
		return PRINTER_ERR_INVALID;
	if ((rc = pbuf_byte(b, cmd)) || (rc = pbuf_byte(b, sub)) || (rc = pbuf_byte(b, (uint8_t)tmp->len)))
		return rc;
	return pbuf_put(b, tmp->data, tmp->len);
}

static int bq_status_request(const struct printer_model *m, struct pbuf *out)
{
	static const uint8_t req[] = { 0x1B, 0x40, 0x1B, 0x69, 0x53 };
	int rc = pbuf_fill(out, 0, m && (m->flags & PM_INVALIDATE_400) ? 400 : 200);
	return rc ? rc : pbuf_put(out, req, sizeof(req));
}

static int bq_encode(const struct printer_model *m, const struct printer_media *media,
		     const struct printer_raster *r, const struct proto_opts *o,
		     struct pbuf *body, struct pbuf *tail)
{
	const struct brother_media *bm;
	struct pbuf tmp = { 0 };
	uint8_t line[2][1296 / 8];
	int rc;

	if (!m || !media || !r || !r->bits)
		return PRINTER_ERR_INVALID;
	bm = brother_media_find(media->width_mm, media->length_mm);
	if (!bm || (bm->wide_only && m->head_dots < 1296) || r->width > bm->dots_printable
	    || m->head_dots > 1296 || (bm->length_dots && r->height != bm->length_dots))
		return PRINTER_ERR_INVALID;
	int two = media->two_colour && r->red;
	if (two && !(m->flags & PM_TWO_COLOUR))
		return PRINTER_ERR_INVALID;
	int compress = (m->flags & PM_COMPRESSION) && !(o && o->no_compression);
	size_t nbytes = (size_t)m->head_dots / 8;
	uint32_t lines = (uint32_t)r->height;

	if ((rc = pbuf_fill(body, 0, (m->flags & PM_INVALIDATE_400) ? 400 : 200))
	    || (rc = pbuf_put(body, "\x1B\x40", 2)))
		goto out;
	if ((m->flags & PM_RASTER_MODE) && (rc = pbuf_put(body, "\x1B\x69\x61\x01", 4)))
		goto out;
	const uint8_t info[] = {
		0x1B, 0x69, 0x7A,
		0x80 | 0x02 | 0x04 | 0x08,   /* recover, media type, width and length are valid */
		bm->type, (uint8_t)bm->width_mm, (uint8_t)bm->length_mm,
		(uint8_t)lines, (uint8_t)(lines >> 8), (uint8_t)(lines >> 16), (uint8_t)(lines >> 24),
		0x00, 0x00,
	};
	if ((rc = pbuf_put(body, info, sizeof(info))))
		goto out;
	if ((m->flags & PM_CUTTER)
	    && ((rc = pbuf_put(body, "\x1B\x69\x4D\x40", 4)) || (rc = pbuf_put(body, "\x1B\x69\x41\x01", 4))))
		goto out;
	uint8_t expanded = (uint8_t)(((m->flags & PM_CUTTER) ? 0x08 : 0) | (two ? 0x01 : 0));
	int margin = bm->type == 0x0A ? 35 : 0;
	const uint8_t tail_cmds[] = { 0x1B, 0x69, 0x4B, expanded,
				      0x1B, 0x69, 0x64, (uint8_t)margin, (uint8_t)(margin >> 8) };
	if ((rc = pbuf_put(body, tail_cmds, sizeof(tail_cmds))))
		goto out;
	if ((m->flags & PM_COMPRESSION) && (rc = pbuf_put(body, compress ? "M\x02" : "M\x00", 2)))
		goto out;
	for (int y = 0; y < r->height; y++) {
		int any = head_line(r, r->bits, y, m->head_dots, bm->right_margin, line[0]);
		if (two) {
			head_line(r, r->red, y, m->head_dots, bm->right_margin, line[1]);
			if ((rc = put_line(body, 'w', 0x01, line[0], nbytes, compress, &tmp))
			    || (rc = put_line(body, 'w', 0x02, line[1], nbytes, compress, &tmp)))
				goto out;
		} else if (!any && compress) {
			if ((rc = pbuf_byte(body, 'Z')))
				goto out;
		} else if ((rc = put_line(body, 'g', 0x00, line[0], nbytes, compress, &tmp))) {
			goto out;
		}
	}
	rc = pbuf_byte(tail, 0x1A);
out:
	pbuf_free(&tmp);
	return rc;
}

/* ---- status -------------------------------------------------------------------------- */
/* Bits of error byte 1 (offset 8) and 2 (offset 9) a person can fix, most urgent first. */
static enum printer_state state_from_errors(uint8_t e1, uint8_t e2)
{
	if (e2 & 0x10)
		return PRINTER_COVER_OPEN;
	if (e1 & 0x01)
		return PRINTER_NO_MEDIA;
	if (e1 & 0x02)
		return PRINTER_END_OF_MEDIA;
	if (e1 & 0x04)
		return PRINTER_CUTTER_JAM;
	if (e2 & 0x01)
		return PRINTER_WRONG_MEDIA;
	if (e2 & 0x40)
		return PRINTER_CANNOT_FEED;
	if ((e1 & 0x80) || (e2 & 0x80) || (e2 & 0x04))
		return PRINTER_SYSTEM_ERROR;
	return PRINTER_READY;
}

static int bq_status_parse(const struct printer_model *m, const uint8_t *b, size_t n,
			   struct proto_reply *r)
{
	(void)m;
	if (n < 1)
		return 0;
	if (b[0] != 0x80)
		return PRINTER_ERR_INVALID;
	if (n < 32)
		return 0;
	if (b[1] != 0x20 || b[2] != 0x42)
		return PRINTER_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	r->st.state = state_from_errors(b[8], b[9]);
	r->st.media.width_mm = b[10];
	r->st.media.length_mm = b[17];
	if (b[11] == 0 && r->st.state == PRINTER_READY)
		r->st.state = PRINTER_NO_MEDIA;
	r->completed = b[18] == 0x01;
	r->phase_printing = b[19] == 0x01;
	r->busy = b[19] == 0x01;
	snprintf(r->st.detail, sizeof(r->st.detail),
		 "status type %u, phase %u, errors %02x %02x, media %u mm x %u mm type %02x",
		 b[18], b[19], b[8], b[9], b[10], b[17], b[11]);
	return 32;
}

void brother_status_build(uint8_t out[32], uint8_t model_code, enum printer_state st,
			  const struct printer_media *m, int type, int phase)
{
	memset(out, 0, 32);
	out[0] = 0x80;
	out[1] = 0x20;
	out[2] = 0x42;
	out[3] = 0x34;
	out[4] = model_code;
	out[5] = 0x30;
	switch (st) {
	case PRINTER_NO_MEDIA: out[8] |= 0x01; break;
	case PRINTER_END_OF_MEDIA: out[8] |= 0x02; break;
	case PRINTER_CUTTER_JAM: out[8] |= 0x04; break;
	case PRINTER_WRONG_MEDIA: out[9] |= 0x01; break;
	case PRINTER_COVER_OPEN: out[9] |= 0x10; break;
	case PRINTER_CANNOT_FEED: out[9] |= 0x40; break;
	case PRINTER_SYSTEM_ERROR: out[9] |= 0x80; break;
	default: break;
	}
	if (m && st != PRINTER_NO_MEDIA) {
		out[10] = (uint8_t)m->width_mm;
		out[11] = m->length_mm ? 0x0B : 0x0A;
		out[17] = (uint8_t)m->length_mm;
	}
	out[18] = (uint8_t)(st != PRINTER_READY && type == 0 ? 2 : type);
	out[19] = (uint8_t)phase;
}

const struct printer_protocol proto_brother_ql = {
	.name = "brother_ql",
	.status_request = bq_status_request,
	.status_parse = bq_status_parse,
	.encode = bq_encode,
	.reports_completion = 1,
};

const struct printer_protocol *proto_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "brother_ql") == 0)
		return &proto_brother_ql;
	if (strcmp(name, "zpl") == 0)
		return &proto_zpl;
	if (strcmp(name, "escpos") == 0)
		return &proto_escpos;
	return NULL;
}
