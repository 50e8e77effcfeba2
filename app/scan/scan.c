/* SPDX-License-Identifier: MIT */
/* QR decoding: gray frames -> zbar -> payloads, and de-duplication of codes held in view.
 *
 * A "pass" is one zbar scan of one version of the picture: the frame as it is, or a copy
 * the pass has prepared (inverted, halved, stretched, smoothed). scan_frame() runs the
 * plain pass only, because the live path must stay cheap on frames with no code, which
 * are most frames. scan_still() runs the plain pass and, when it finds nothing, the
 * rescue passes in the order that read the most real photographs per millisecond (see
 * still_passes[]). Passes are numbered so that a later live path can spread one rescue
 * pass per frame across successive frames.
 *
 * Sections: zbar set-up, the preprocessing passes, running a pass, the public scanners,
 * de-duplication. */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "core/err.h"

/* Frames larger than this are refused rather than scanned: no camera gives them, and the
 * scratch plane of a rescue pass must stay bounded. */
#define SCAN_MAX_SIDE 8192

/* The four-character code zbar uses for an 8-bit gray plane. */
#define FOURCC_Y800 0x30303859UL

enum scan_pass {
	PASS_PLAIN,     /* the frame as the camera gave it */
	PASS_INVERT,    /* light modules on a dark ground: phones in dark mode */
	PASS_HALF,      /* 2x2 average: sensor noise and JPEG blocks wash out */
	PASS_STRETCH,   /* levels spread over 0..255: faint print, grey screens */
	PASS_BLUR,      /* 3x3 smoothing: moire of a screen's pixel grid, grain */
	PASS_DOUBLE,    /* 2x enlargement: modules of barely one pixel */
	PASS_COUNT
};

struct scan {
	zbar_image_scanner_t *zs;
	uint8_t *work;      /* scratch plane a rescue pass writes into; grows, capped */
	size_t work_cap;
};

/* ---- set-up ---------------------------------------------------------------------------- */

scan *scan_new(void)
{
	scan *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->zs = zbar_image_scanner_create();
	if (!s->zs) {
		free(s);
		return NULL;
	}
	/* QR only: every other symbology is a chance for a false read on a badge's text or
	 * a shirt's stripes, and costs time on every frame. */
	zbar_image_scanner_set_config(s->zs, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(s->zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* Without binary mode zbar guesses a character set and re-encodes the bytes, which
	 * turns UTF-8 names into Shift-JIS garbage; we want the bytes the code carries. */
	zbar_image_scanner_set_config(s->zs, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	return s;
}

void scan_free(scan *s)
{
	if (!s)
		return;
	zbar_image_scanner_destroy(s->zs);
	free(s->work);
	free(s);
}

/* Makes the scratch plane hold at least n bytes; 0 or VK_ERR_NOMEM. */
static int work_reserve(scan *s, size_t n)
{
	if (n <= s->work_cap)
		return VK_OK;
	if (n > (size_t)4 * SCAN_MAX_SIDE * SCAN_MAX_SIDE)
		return VK_ERR_NOMEM;
	uint8_t *p = realloc(s->work, n);
	if (!p)
		return VK_ERR_NOMEM;
	s->work = p;
	s->work_cap = n;
	return VK_OK;
}

/* ---- the preprocessing passes ----------------------------------------------------------
 * Each reads the caller's plane (any stride) and writes a packed plane into s->work,
 * returning its size in *ow, *oh. */

struct plane {
	const uint8_t *px;
	int w, h, stride;
};

static void copy_packed(const struct plane *in, uint8_t *dst)
{
	for (int y = 0; y < in->h; y++)
		memcpy(dst + (size_t)y * in->w, in->px + (size_t)y * in->stride, (size_t)in->w);
}

static void make_invert(const struct plane *in, uint8_t *dst)
{
	for (int y = 0; y < in->h; y++) {
		const uint8_t *row = in->px + (size_t)y * in->stride;
		uint8_t *o = dst + (size_t)y * in->w;
		for (int x = 0; x < in->w; x++)
			o[x] = (uint8_t)(255 - row[x]);
	}
}

static void make_half(const struct plane *in, uint8_t *dst, int ow, int oh)
{
	for (int y = 0; y < oh; y++) {
		const uint8_t *r0 = in->px + (size_t)(2 * y) * in->stride;
		const uint8_t *r1 = r0 + in->stride;
		uint8_t *o = dst + (size_t)y * ow;
		for (int x = 0; x < ow; x++)
			o[x] = (uint8_t)((r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + 2) / 4);
	}
}

/* Maps the darkest 1% to 0 and the lightest 1% to 255, so a few specular highlights or
 * black borders do not decide the range. */
static void make_stretch(const struct plane *in, uint8_t *dst)
{
	size_t hist[256] = {0};
	for (int y = 0; y < in->h; y++) {
		const uint8_t *row = in->px + (size_t)y * in->stride;
		for (int x = 0; x < in->w; x++)
			hist[row[x]]++;
	}
	size_t total = (size_t)in->w * in->h, cut = total / 100, acc = 0;
	int lo = 0, hi = 255;
	while (lo < 255 && acc + hist[lo] <= cut)
		acc += hist[lo++];
	acc = 0;
	while (hi > 0 && acc + hist[hi] <= cut)
		acc += hist[hi--];
	if (hi <= lo) {
		copy_packed(in, dst);
		return;
	}
	uint8_t map[256];
	for (int v = 0; v < 256; v++) {
		int m = (v - lo) * 255 / (hi - lo);
		map[v] = (uint8_t)(m < 0 ? 0 : m > 255 ? 255 : m);
	}
	for (int y = 0; y < in->h; y++) {
		const uint8_t *row = in->px + (size_t)y * in->stride;
		uint8_t *o = dst + (size_t)y * in->w;
		for (int x = 0; x < in->w; x++)
			o[x] = map[row[x]];
	}
}

/* 3x3 box average; the border rows and columns are copied as they are. */
static void make_blur(const struct plane *in, uint8_t *dst)
{
	int w = in->w, h = in->h;
	copy_packed(in, dst);
	if (w < 3 || h < 3)
		return;
	for (int y = 1; y < h - 1; y++) {
		const uint8_t *a = in->px + (size_t)(y - 1) * in->stride;
		const uint8_t *b = a + in->stride, *c = b + in->stride;
		uint8_t *o = dst + (size_t)y * w;
		for (int x = 1; x < w - 1; x++) {
			int sum = a[x - 1] + a[x] + a[x + 1] + b[x - 1] + b[x] + b[x + 1] +
				  c[x - 1] + c[x] + c[x + 1];
			o[x] = (uint8_t)((sum + 4) / 9);
		}
	}
}

/* Bilinear 2x enlargement: zbar's finder needs a few pixels per module to see the 1:1:3:1:1
 * pattern, and interpolation gives it edges between the original pixels. */
static void make_double(const struct plane *in, uint8_t *dst, int ow, int oh)
{
	for (int y = 0; y < oh; y++) {
		int y0 = y / 2, y1 = (y0 + 1 < in->h) ? y0 + 1 : y0;
		int fy = y & 1;
		const uint8_t *r0 = in->px + (size_t)y0 * in->stride;
		const uint8_t *r1 = in->px + (size_t)y1 * in->stride;
		uint8_t *o = dst + (size_t)y * ow;
		for (int x = 0; x < ow; x++) {
			int x0 = x / 2, x1 = (x0 + 1 < in->w) ? x0 + 1 : x0;
			int fx = x & 1;
			int top = fx ? r0[x0] + r0[x1] : 2 * r0[x0];
			int bot = fx ? r1[x0] + r1[x1] : 2 * r1[x0];
			int v = fy ? top + bot : 2 * top;
			o[x] = (uint8_t)((v + 2) / 4);
		}
	}
}

/* ---- running a pass ---------------------------------------------------------------------- */

/* Appends each QR symbol zbar found in img to out[*n..max), skipping payloads already
 * there: the same code seen twice (two passes, or a reflection) is one code. */
static void collect(const zbar_image_t *img, struct scan_code *out, int max, int *n)
{
	for (const zbar_symbol_t *sym = zbar_image_first_symbol(img); sym && *n < max;
	     sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		const char *data = zbar_symbol_get_data(sym);
		size_t len = zbar_symbol_get_data_length(sym);
		int truncated = len > SCAN_MAX_PAYLOAD;
		if (truncated)
			len = SCAN_MAX_PAYLOAD;
		int dup = 0;
		for (int i = 0; i < *n && !dup; i++)
			dup = out[i].len == len && out[i].truncated == truncated &&
			      memcmp(out[i].data, data, len) == 0;
		if (dup)
			continue;
		struct scan_code *c = &out[(*n)++];
		memcpy(c->data, data, len);
		c->data[len] = '\0';
		c->len = len;
		c->truncated = truncated;
	}
}

/* Scans a packed w x h plane with zbar; adds what it finds to out. Returns VK_OK or
 * VK_ERR_NOMEM. */
static int zbar_pass(scan *s, const uint8_t *px, int w, int h, struct scan_code *out, int max,
		     int *n)
{
	zbar_image_t *img = zbar_image_create();
	if (!img)
		return VK_ERR_NOMEM;
	zbar_image_set_format(img, FOURCC_Y800);
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	/* No cleanup handler: the plane belongs to the caller or to s->work. */
	zbar_image_set_data(img, px, (unsigned long)w * (unsigned long)h, NULL);
	int rc = VK_OK;
	if (zbar_scan_image(s->zs, img) < 0)
		rc = VK_ERR_NOMEM; /* zbar fails only when it cannot allocate */
	else
		collect(img, out, max, n);
	zbar_image_destroy(img);
	return rc;
}

/* Runs one pass over the frame in: prepares the pass's version of the picture, scans it
 * and appends new codes to out[*n..max). Returns VK_OK or VK_ERR_NOMEM. */
static int run_pass(scan *s, enum scan_pass pass, const struct plane *in,
		    struct scan_code *out, int max, int *n)
{
	int w = in->w, h = in->h, ow = w, oh = h;
	size_t need = (size_t)w * h;

	switch (pass) {
	case PASS_PLAIN:
		/* The camera's plane as it is, when its rows are packed: no copy. */
		if (in->stride == w)
			return zbar_pass(s, in->px, w, h, out, max, n);
		break;
	case PASS_HALF:
		ow = w / 2;
		oh = h / 2;
		if (ow < 21 || oh < 21) /* smaller than the smallest QR code */
			return VK_OK;
		need = (size_t)ow * oh;
		break;
	case PASS_DOUBLE:
		/* Only small pictures: a large one has pixels enough per module, and four
		 * times its area would cost more than the read is worth. */
		if (w > 1024 || h > 1024)
			return VK_OK;
		ow = 2 * w;
		oh = 2 * h;
		need = (size_t)ow * oh;
		break;
	default:
		break;
	}
	if (work_reserve(s, need))
		return VK_ERR_NOMEM;

	switch (pass) {
	case PASS_PLAIN:   copy_packed(in, s->work); break;
	case PASS_INVERT:  make_invert(in, s->work); break;
	case PASS_HALF:    make_half(in, s->work, ow, oh); break;
	case PASS_STRETCH: make_stretch(in, s->work); break;
	case PASS_BLUR:    make_blur(in, s->work); break;
	case PASS_DOUBLE:  make_double(in, s->work, ow, oh); break;
	case PASS_COUNT:   return VK_OK;
	}
	return zbar_pass(s, s->work, ow, oh, out, max, n);
}

/* ---- the public scanners ------------------------------------------------------------------ */

static int check_args(const scan *s, const uint8_t *gray, int width, int height, int stride,
		      const struct scan_code *out, int max)
{
	if (!s || !gray || width <= 0 || height <= 0 || stride < width || max < 0 ||
	    (max > 0 && !out))
		return VK_ERR_INVALID;
	if (width > SCAN_MAX_SIDE || height > SCAN_MAX_SIDE)
		return VK_ERR_INVALID;
	return VK_OK;
}

/* Decodes the QR codes in one camera frame with a single plain zbar pass over the gray
 * plane (read in place when stride == width, else copied row by row). Writes at most
 * max codes to out, distinct payloads only, and returns how many it wrote, or
 * VK_ERR_INVALID for a bad frame (sides not in 1..8192, stride < width) or VK_ERR_NOMEM.
 * Nothing is kept that refers to gray after the call returns. */
int scan_frame(scan *s, const uint8_t *gray, int width, int height, int stride,
	       struct scan_code *out, int max)
{
	int rc = check_args(s, gray, width, height, stride, out, max);
	if (rc)
		return rc;
	struct plane in = { gray, width, height, stride };
	int n = 0;
	rc = run_pass(s, PASS_PLAIN, &in, out, max, &n);
	return rc ? rc : n;
}

/* The rescue passes of a still picture, in the order that rescued the most of the real
 * photographs (tests/unit/test_scan.c) for the time they cost. */
static const enum scan_pass still_passes[] = {
	PASS_PLAIN, PASS_HALF, PASS_INVERT, PASS_BLUR, PASS_STRETCH, PASS_DOUBLE,
};

/* Decodes the QR codes in a still picture: the plain pass, then each rescue pass in turn
 * until one finds a code. Costs up to about seven plain passes on a picture with no code.
 * Same arguments, results and errors as scan_frame(). */
int scan_still(scan *s, const uint8_t *gray, int width, int height, int stride,
	       struct scan_code *out, int max)
{
	int rc = check_args(s, gray, width, height, stride, out, max);
	if (rc)
		return rc;
	struct plane in = { gray, width, height, stride };
	int n = 0;
	for (size_t i = 0; i < sizeof still_passes / sizeof still_passes[0] && n == 0; i++) {
		rc = run_pass(s, still_passes[i], &in, out, max, &n);
		if (rc)
			return rc;
	}
	return n;
}

/* ---- de-duplication ------------------------------------------------------------------------ */

/* FNV-1a, 64 bits: the payloads are short and few; a collision would merely merge two
 * presentations within the same second. */
static uint64_t fnv1a64(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Empties the table: every code seen next is a new presentation. */
void scan_dedup_init(struct scan_dedup *d)
{
	memset(d, 0, sizeof *d);
	for (int i = 0; i < SCAN_DEDUP_SLOTS; i++)
		d->slot[i].last_seen_ms = INT64_MIN;
}

/* Records that the code of len bytes was in view at now_ms (a monotonic clock) and
 * returns 1 when that starts a new presentation: the code was not seen in the last
 * SCAN_GONE_MS. Returns 0 while it is held in view; each sighting extends the hold, so a
 * code shown for a minute counts once. Up to SCAN_DEDUP_SLOTS codes are tracked at once;
 * when all are busy the one seen longest ago is forgotten. */
int scan_dedup_seen(struct scan_dedup *d, const char *code, size_t len, int64_t now_ms)
{
	uint64_t h = fnv1a64(code, len);
	int free_slot = -1, oldest = 0;

	for (int i = 0; i < SCAN_DEDUP_SLOTS; i++) {
		int64_t last = d->slot[i].last_seen_ms;
		int live = last != INT64_MIN && now_ms - last < SCAN_GONE_MS;
		if (live && d->slot[i].hash == h) {
			d->slot[i].last_seen_ms = now_ms;
			return 0;
		}
		if (!live && free_slot < 0)
			free_slot = i;
		if (last < d->slot[oldest].last_seen_ms)
			oldest = i;
	}
	int i = free_slot >= 0 ? free_slot : oldest;
	d->slot[i].hash = h;
	d->slot[i].last_seen_ms = now_ms;
	return 1;
}
