/* SPDX-License-Identifier: MIT */
/* Test decoders for the printer protocols (see protodec.h). Written from the command
 * references, deliberately without calling any encoder code. */
#include "protodec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

static int err(struct decoded *d, const char *what, size_t at)
{
	snprintf(d->error, sizeof(d->error), "%s at byte %zu", what, at);
	return -1;
}

static int grow(struct decoded *d, int width, int rows, int red)
{
	if (d->r.bits && rows <= d->r.height)
		return 0;
	struct printer_raster n;
	int h = d->r.height ? d->r.height * 2 : 256;
	while (h < rows)
		h *= 2;
	if (h > 8192)
		h = 8192;
	if (rows > h || printer_raster_new(&n, width, h, 0) != PRINTER_OK)
		return -1;
	if (red || d->r.red) {
		n.red = calloc((size_t)n.stride * (size_t)h, 1);
		if (!n.red)
			return -1;
	}
	if (d->r.bits) {
		memcpy(n.bits, d->r.bits, (size_t)d->r.stride * d->r.height);
		if (d->r.red)
			memcpy(n.red, d->r.red, (size_t)d->r.stride * d->r.height);
	}
	printer_raster_free(&d->r);
	d->r = n;
	return 0;
}

/* Unpacks TIFF PackBits into out (exactly want bytes). Returns bytes of input used. */
static long unpack(const uint8_t *b, size_t n, uint8_t *out, size_t want)
{
	size_t i = 0, o = 0;
	while (o < want) {
		if (i >= n)
			return -1;
		int h = (int8_t)b[i++];
		if (h >= 0) {
			if (i + (size_t)h + 1 > n || o + (size_t)h + 1 > want)
				return -1;
			memcpy(out + o, b + i, (size_t)h + 1);
			i += (size_t)h + 1;
			o += (size_t)h + 1;
		} else if (h != -128) {
			size_t k = (size_t)(1 - h);
			if (i >= n || o + k > want)
				return -1;
			memset(out + o, b[i++], k);
			o += k;
		}
	}
	return (long)i;
}

/* Puts a head line (mirrored, offset) into row y of a label plane. */
static void head_to_label(const uint8_t *line, int head_dots, int label_dots, int right_margin,
			  uint8_t *row)
{
	int left = head_dots - label_dots - right_margin;
	for (int d = 0; d < head_dots; d++) {
		if (!((line[d / 8] >> (7 - d % 8)) & 1))
			continue;
		/* The head's dot d prints the label column counted from the other side. */
		int x = head_dots - 1 - d - left;
		if (x >= 0 && x < label_dots)
			row[x / 8] |= (uint8_t)(0x80 >> (x % 8));
	}
}

int decode_brother(const uint8_t *b, size_t n, int head_dots, int label_dots,
		   int right_margin, struct decoded *d)
{
	size_t i = 0, bytes = (size_t)head_dots / 8;
	int y = 0, black_pending = 0;
	uint8_t line[256];

	memset(d, 0, sizeof(*d));
	while (i < n) {
		uint8_t c = b[i];
		if (c == 0x00) {        /* invalidate */
			i++;
		} else if (c == 0x1B && i + 1 < n && b[i + 1] == 0x40) {
			i += 2;
		} else if (c == 0x1B && i + 2 < n && b[i + 1] == 0x69) {
			uint8_t k = b[i + 2];
			if (k == 'S') {
				i += 3;
			} else if (k == 'a' || k == 'M' || k == 'A') {
				i += 4;
			} else if (k == 'K') {
				if (i + 3 >= n)
					return err(d, "short ESC i K", i);
				d->two_colour = b[i + 3] & 1;
				d->cut = (b[i + 3] >> 3) & 1;
				i += 4;
			} else if (k == 'd') {
				i += 5;
			} else if (k == 'z') {
				if (i + 13 > n)
					return err(d, "short ESC i z", i);
				d->media_type = b[i + 4];
				d->width_mm = b[i + 5];
				d->length_mm = b[i + 6];
				d->lines = b[i + 7] | b[i + 8] << 8 | b[i + 9] << 16 | b[i + 10] << 24;
				i += 13;
			} else {
				return err(d, "unknown ESC i command", i);
			}
		} else if (c == 'M') {
			if (i + 1 >= n)
				return err(d, "short M", i);
			d->compressed = b[i + 1] == 0x02;
			i += 2;
		} else if (c == 'g' || c == 'w') {
			if (i + 3 > n)
				return err(d, "short raster line", i);
			size_t len = b[i + 2];
			int plane = c == 'w' ? b[i + 1] : 1;
			i += 3;
			if (i + len > n)
				return err(d, "raster line past the end", i);
			memset(line, 0, sizeof(line));
			if (d->compressed) {
				if (unpack(b + i, len, line, bytes) != (long)len)
					return err(d, "bad PackBits", i);
			} else {
				if (len != bytes)
					return err(d, "raster line of the wrong length", i);
				memcpy(line, b + i, len);
			}
			i += len;
			if (c == 'w' && plane == 2 && !black_pending)
				return err(d, "red line without its black line", i);
			if (grow(d, label_dots, y + 1, d->two_colour))
				return err(d, "image too large", i);
			uint8_t *dst = (plane == 2 ? d->r.red : d->r.bits) + (size_t)y * d->r.stride;
			head_to_label(line, head_dots, label_dots, right_margin, dst);
			if (c == 'w' && plane == 1) {
				black_pending = 1;
			} else {
				black_pending = 0;
				y++;
			}
		} else if (c == 'Z') {
			if (grow(d, label_dots, y + 1, d->two_colour))
				return err(d, "image too large", i);
			y++;
			i++;
		} else if (c == 0x0C || c == 0x1A) {
			d->pages++;
			i++;
		} else {
			return err(d, "unknown byte", i);
		}
	}
	d->r.height = y;
	if (d->lines != y)
		return err(d, "line count differs from ESC i z", i);
	return 0;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int decode_zpl(const uint8_t *b, size_t n, struct decoded *d)
{
	char *s = malloc(n + 1);
	long total, total2, row;
	int pw = 0;

	memset(d, 0, sizeof(*d));
	if (!s)
		return err(d, "no memory", 0);
	memcpy(s, b, n);
	s[n] = '\0';
	char *p = strstr(s, "^XA"), *pwp = strstr(s, "^PW"), *gf = strstr(s, "^GFA,");
	if (!p || !gf || !strstr(gf, "^XZ")) {
		free(s);
		return err(d, "no ^XA ... ^GFA ... ^XZ", 0);
	}
	if (pwp)
		pw = atoi(pwp + 3);
	if (sscanf(gf, "^GFA,%ld,%ld,%ld,", &total, &total2, &row) != 3 || row <= 0
	    || total % row || total != total2) {
		size_t at = (size_t)(gf - s);
		free(s);
		return err(d, "bad ^GFA header", at);
	}
	char *hex = gf + 5;
	for (int commas = 0; commas < 3; hex++)
		commas += *hex == ',';
	int width = pw > 0 ? pw : (int)row * 8, h = (int)(total / row);
	if (printer_raster_new(&d->r, width, h, 0) != PRINTER_OK) {
		free(s);
		return err(d, "bad size", 0);
	}
	for (long k = 0; k < total; k++) {
		int hi = hexval((uint8_t)hex[2 * k]), lo = hi < 0 ? -1 : hexval((uint8_t)hex[2 * k + 1]);
		if (hi < 0 || lo < 0) {
			size_t at = (size_t)(hex - s) + 2 * (size_t)k;
			free(s);
			return err(d, "bad hex", at);
		}
		long y = k / row, x = k % row;
		if (x < d->r.stride)
			d->r.bits[y * d->r.stride + x] = (uint8_t)(hi << 4 | lo);
	}
	if (strncmp(hex + 2 * total, "^FS", 3) != 0) {
		free(s);
		return err(d, "no ^FS after the data", 0);
	}
	d->pages = 1;
	free(s);
	return 0;
}

int decode_escpos(const uint8_t *b, size_t n, struct decoded *d)
{
	size_t i = 0;
	int y = 0, width = 0;

	memset(d, 0, sizeof(*d));
	while (i < n) {
		if (b[i] == 0x1B && i + 1 < n && b[i + 1] == 0x40) {
			i += 2;
		} else if (b[i] == 0x1D && i + 7 < n && b[i + 1] == 0x76 && b[i + 2] == 0x30) {
			int x = b[i + 4] | b[i + 5] << 8, h = b[i + 6] | b[i + 7] << 8;
			i += 8;
			if (i + (size_t)x * h > n)
				return err(d, "band past the end", i);
			if (!width)
				width = x * 8;
			if (x * 8 != width || grow(d, width, y + h, 0))
				return err(d, "band of another width", i);
			for (int r = 0; r < h; r++, y++)
				memcpy(d->r.bits + (size_t)y * d->r.stride, b + i + (size_t)r * x, (size_t)x);
			i += (size_t)x * h;
		} else if (b[i] == 0x1D && i + 3 < n && b[i + 1] == 0x56 && b[i + 2] == 0x42) {
			d->cut++;
			d->pages++;
			i += 4;
		} else {
			return err(d, "unknown byte", i);
		}
	}
	d->r.height = y;
	return 0;
}

void decoded_free(struct decoded *d)
{
	printer_raster_free(&d->r);
}

char *read_qr(const struct printer_raster *r)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	size_t n = (size_t)r->width * r->height;
	uint8_t *gray = malloc(n);
	char *out = NULL;

	if (!sc || !img || !gray)
		goto done;
	for (int y = 0; y < r->height; y++)
		for (int x = 0; x < r->width; x++)
			gray[(size_t)y * r->width + x] = printer_raster_get(r, x, y) ? 0 : 255;
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)r->width, (unsigned)r->height);
	zbar_image_set_data(img, gray, n, NULL);
	if (zbar_scan_image(sc, img) > 0) {
		const zbar_symbol_t *sym = zbar_image_first_symbol(img);
		if (sym)
			out = strdup(zbar_symbol_get_data(sym));
	}
done:
	if (img)
		zbar_image_destroy(img);
	if (sc)
		zbar_image_scanner_destroy(sc);
	free(gray);
	return out;
}

long raster_diff(const struct printer_raster *a, const struct printer_raster *b)
{
	if (a->width != b->width || a->height != b->height)
		return -1;
	long n = 0;
	for (int y = 0; y < a->height; y++)
		for (int x = 0; x < a->width; x++) {
			n += printer_raster_get(a, x, y) != printer_raster_get(b, x, y);
			int ra = a->red ? (a->red[(size_t)y * a->stride + x / 8] >> (7 - x % 8)) & 1 : 0;
			int rb = b->red ? (b->red[(size_t)y * b->stride + x / 8] >> (7 - x % 8)) & 1 : 0;
			n += ra != rb;
		}
	return n;
}
