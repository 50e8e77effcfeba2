/* SPDX-License-Identifier: MIT */
/* QR decoding: gray frames -> zbar -> payloads, and de-duplication of codes held in view.
 *
 * A "pass" is one zbar scan of one version of the picture: the frame as it is, or a copy
 * the pass has prepared (inverted, halved, stretched, smoothed, cropped).
 *
 * Why the live path looks the way it does: zbar's image scanner costs about 11 ns per
 * pixel per direction even on a white frame (its edge filter runs on every pixel), so a
 * plain pass over 1280x720 takes 20-35 ms on the benchmark machine whatever is in view,
 * four times the 8 ms budget of an empty frame. The only ways to be cheaper are to give
 * zbar fewer pixels (crop, downscale) or fewer lines (density). So scan_frame() runs:
 *
 *   1. the finder gate (our own code, 3-4 ms at 720p): every other row is binarised
 *      against a running local mean and searched for the 1:1:3:1:1 run pattern of a QR
 *      finder, in both polarities; row hits that stack up are confirmed down their
 *      column. Only when a finder is likely does zbar run, at full resolution, on a crop
 *      around the candidates (inverted when the finder is light on dark);
 *   2. when the gate found a finder but zbar read nothing in its crop, one crop rescue,
 *      in turn from frame to frame: the crop binarised against its local mean (glare
 *      halos, folds, shading, faded or printed-on-fabric codes), enlarged 2x (modules
 *      squeezed by a curved sheet or a steep angle), sharpened (motion blur), enlarged
 *      and binarised. A crop is a small part of the frame, and an empty frame seldom has
 *      a confirmed finder, so this costs the empty frame nothing;
 *   3. when that read nothing, on every other frame, one rescue pass from
 *      live_rotation[], in turn: half size with every other line (blur, noise, low
 *      contrast the gate's binariser misses), half size binarised against the local mean
 *      (the same, under uneven light), then the guide box at full resolution with every
 *      other line (the whole frame at full density, at 640x480 or less).
 *
 * An empty frame thus costs the gate and, on every other frame, one cheap pass; a code
 * held in view meets every live pass within SCAN_LIVE_ROTATION frames (133 ms at 30
 * fps). scan_still() runs the gate, the plain pass, every crop rescue and then every
 * rescue pass until one reads something.
 *
 * The gate also sees light-on-dark finders (dark-mode phones) and several codes at once;
 * what it cannot see are finders washed out by strong noise or blur, which the rescue
 * passes are for. It decodes nothing itself: every payload comes from zbar.
 *
 * Sections: zbar set-up, the preprocessing passes, the finder gate, running a pass, the
 * public scanners, de-duplication. */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "core/err.h"
#include "trace/trace.h"

/* Frames larger than this are refused rather than scanned: no camera gives them, and the
 * scratch plane of a rescue pass must stay bounded. */
#define SCAN_MAX_SIDE 8192

/* The four-character code zbar uses for an 8-bit gray plane. */
#define FOURCC_Y800 0x30303859UL

/* What the finder gate keeps of a frame: at most this many row hits and candidates; a
 * frame with more (fabric, foliage) is not worth more than the cap. */
#define GATE_MAX_HITS 20000
#define GATE_MAX_CANDS 1024

struct gate_hit { int x, y, size, light; };
struct gate_cand {
	int x0, x1, y0, y1;   /* bounding box of the stacked row hits */
	int last_x, last_y;
	int size_sum, hits;
	int light;            /* 1: light centre on a dark ground (dark mode) */
	int confirmed;
};

/* A crop the gate found worth reading: where, which polarity, how large a module. */
struct gate_crop {
	int x0, y0, x1, y1;
	int light, module;
};

struct scan {
	zbar_image_scanner_t *zs;
	uint8_t *work;      /* scratch plane a rescue pass writes into; grows, capped */
	size_t work_cap;
	uint8_t *aux;       /* a second scratch plane, for rescues made in two steps */
	size_t aux_cap;
	uint32_t *integ;    /* integral image of the adaptive threshold */
	size_t integ_cap;
	int ncrops;         /* crops of the last gate (one per polarity at most) */
	struct gate_crop crops[2];
	unsigned long rescue_no; /* which crop rescue the next live frame tries */
	int density;        /* zbar's current x/y density */
	unsigned long frame_no;
	int ncand;          /* confirmed candidates of the last gate */
	struct gate_cand cand[GATE_MAX_CANDS];
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
	s->density = 1;
	return s;
}

void scan_free(scan *s)
{
	if (!s)
		return;
	zbar_image_scanner_destroy(s->zs);
	free(s->work);
	free(s->aux);
	free(s->integ);
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

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Makes *buf hold at least n elements of size sz; 0 or VK_ERR_NOMEM. */
static int buf_reserve(void **buf, size_t *cap, size_t n, size_t sz)
{
	if (n <= *cap)
		return VK_OK;
	if (n > (size_t)4 * SCAN_MAX_SIDE * SCAN_MAX_SIDE + 2 * SCAN_MAX_SIDE + 1)
		return VK_ERR_NOMEM;
	void *p = realloc(*buf, n * sz);
	if (!p)
		return VK_ERR_NOMEM;
	*buf = p;
	*cap = n;
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

/* Adaptive (local mean) binarisation, after Bradley and Roth: a pixel is dark when it is
 * more than pct percent below the mean of the (2r+1)^2 box around it. Shading, a glare's
 * halo, a fold's shadow and faint print all keep their modules, where zbar's own
 * threshold (along its scan lines) follows the slow change and loses the fast one. The
 * box sums come from an integral image in 32-bit unsigned arithmetic: it wraps on large
 * pictures, but every box sum is far below 2^32 and modular subtraction gives it exactly.
 * src and dst are packed w x h planes and may not overlap. */
static int make_adaptive(scan *s, const uint8_t *src, uint8_t *dst, int w, int h, int r, int pct)
{
	size_t iw = (size_t)w + 1;
	if (buf_reserve((void **)&s->integ, &s->integ_cap, iw * ((size_t)h + 1), sizeof *s->integ))
		return VK_ERR_NOMEM;
	uint32_t *I = s->integ;
	memset(I, 0, iw * sizeof *I);
	for (int y = 0; y < h; y++) {
		uint32_t row = 0;
		uint32_t *cur = I + (size_t)(y + 1) * iw, *up = cur - iw;
		cur[0] = 0;
		for (int x = 0; x < w; x++) {
			row += src[(size_t)y * w + x];
			cur[x + 1] = up[x + 1] + row;
		}
	}
	for (int y = 0; y < h; y++) {
		int ya = y - r < 0 ? 0 : y - r, yb = y + r + 1 > h ? h : y + r + 1;
		const uint32_t *ta = I + (size_t)ya * iw, *tb = I + (size_t)yb * iw;
		for (int x = 0; x < w; x++) {
			int xa = x - r < 0 ? 0 : x - r, xb = x + r + 1 > w ? w : x + r + 1;
			uint32_t sum = tb[xb] - tb[xa] - ta[xb] + ta[xa];
			uint64_t area = (uint64_t)(xb - xa) * (uint64_t)(yb - ya);
			/* v < mean * (100 - pct) / 100, without a division */
			uint64_t lhs = (uint64_t)src[(size_t)y * w + x] * area * 100;
			dst[(size_t)y * w + x] = lhs < (uint64_t)sum * (uint64_t)(100 - pct) ? 0 : 255;
		}
	}
	return VK_OK;
}

/* Unsharp mask with a 5x5 box (twice the difference from the local mean added): undoes
 * some of a motion or focus blur and steepens faded print. src and dst are packed w x h planes
 * and may not overlap. */
static int make_sharpen(scan *s, const uint8_t *src, uint8_t *dst, int w, int h)
{
	const int r = 2;
	size_t iw = (size_t)w + 1;
	if (buf_reserve((void **)&s->integ, &s->integ_cap, iw * ((size_t)h + 1), sizeof *s->integ))
		return VK_ERR_NOMEM;
	uint32_t *I = s->integ;
	memset(I, 0, iw * sizeof *I);
	for (int y = 0; y < h; y++) {
		uint32_t row = 0;
		uint32_t *cur = I + (size_t)(y + 1) * iw, *up = cur - iw;
		cur[0] = 0;
		for (int x = 0; x < w; x++) {
			row += src[(size_t)y * w + x];
			cur[x + 1] = up[x + 1] + row;
		}
	}
	for (int y = 0; y < h; y++) {
		int ya = y - r < 0 ? 0 : y - r, yb = y + r + 1 > h ? h : y + r + 1;
		const uint32_t *ta = I + (size_t)ya * iw, *tb = I + (size_t)yb * iw;
		for (int x = 0; x < w; x++) {
			int xa = x - r < 0 ? 0 : x - r, xb = x + r + 1 > w ? w : x + r + 1;
			int area = (xb - xa) * (yb - ya);
			int mean = (int)((tb[xb] - tb[xa] - ta[xb] + ta[xa]) / (uint32_t)area);
			int v = src[(size_t)y * w + x];
			dst[(size_t)y * w + x] = (uint8_t)clampi(v + 2 * (v - mean), 0, 255);
		}
	}
	return VK_OK;
}

/* ---- the finder gate ---------------------------------------------------------------------
 * A QR finder crossed through its centre, along any line, reads dark-light-dark-light-dark
 * in the widths 1:1:3:1:1 (light-dark-light... on a dark-mode screen). The gate binarises
 * lines against a running local mean, so shading and glare across the frame do not
 * matter, and looks for that pattern with loose tolerances (blur widens the centre,
 * perspective squeezes a side). It finds far more candidates than codes; zbar decides. */

/* Gray levels around the local mean within which a pixel keeps the colour of the one
 * before it: flat paper and sensor noise do not break a run into specks. */
#define GATE_DEAD 5

/* 1 when five run widths are close enough to 1:1:3:1:1: each outer run 0.5-1.7 units and
 * the centre 2-4.3 units, a unit being a seventh of the total. */
static int finder_ratio(const int r[5], int total)
{
	for (int i = 0; i < 5; i++) {
		int v70 = 70 * r[i];
		if (i == 2 ? (v70 < 20 * total || v70 > 43 * total)
			   : (v70 < 5 * total || v70 > 17 * total))
			return 0;
	}
	return 1;
}

/* Longest line the gate reads, and the widest averaging window it uses. */
#define GATE_MAX_LINE SCAN_MAX_SIDE
#define GATE_MAX_HALF 256

/* Walks n pixels from p, step bytes apart, binarised against the mean of the 2*half+1
 * pixels around each (the ends repeat the edge pixel), and stores up to cap finder
 * patterns found in out: x = centre position along the line, size = the pattern's
 * width, light = 1 when its centre is light. Returns how many it stored.
 *
 * Each pixel is first averaged 1-2-1 with its neighbours along the line: that takes the
 * edge off sensor noise (noisy frames otherwise break into specks) and still keeps
 * modules of 1.5 pixels apart. The line is copied, padded at both ends, so the loops
 * need no bounds checks: this runs on every other row of every frame. */
static int line_finders(const uint8_t *p, int n, ptrdiff_t step, int half, struct gate_hit *out,
			int cap)
{
	uint16_t line[GATE_MAX_LINE + 2 * GATE_MAX_HALF + 4];
	int run[5] = {0}, nruns = 0, cur = -1, len = 0, found = 0;

	if (n < 7)
		return 0;
	if (n > GATE_MAX_LINE)
		n = GATE_MAX_LINE;
	if (half > GATE_MAX_HALF)
		half = GATE_MAX_HALF;
	/* line[pad + i] = 4 x the smoothed pixel i, for i in -pad .. n - 1 + pad */
	const int pad = half + 1;
	uint16_t *v = line + pad;
	{
		int prev = p[0], here = p[0];
		for (int i = 0; i < n; i++) {
			int next = i + 1 < n ? p[(ptrdiff_t)(i + 1) * step] : here;
			v[i] = (uint16_t)(prev + 2 * here + next);
			prev = here;
			here = next;
		}
		for (int i = 1; i <= pad; i++) {
			v[-i] = v[0];
			v[n - 1 + i] = v[n - 1];
		}
	}
	/* classify first, in a loop without branches: 1 dark, 2 light, 0 too close to the
	 * local mean to say (it keeps the colour before it) */
	uint8_t cls[GATE_MAX_LINE + 1];
	const int win = 2 * half + 1, dead = 4 * GATE_DEAD * win;
	int sum = 0;
	for (int i = -half; i <= half; i++)
		sum += v[i];
	for (int x = 0; x < n; x++) {
		int d = v[x] * win - sum;
		cls[x] = (uint8_t)((d < -dead) | ((d > dead) << 1));
		sum += v[x + half + 1] - v[x - half];
	}
	cls[n] = 0;
	int x = 0;
	while (x < n && cls[x] == 0)
		x++;
	if (x == n)
		return 0;
	cur = cls[x] == 1;
	int start = 0; /* the current run began here (the undecided lead counts to it) */
	for (x++; x <= n; x++) {
		int dark;
		if (x < n) {
			if (cls[x] == 0 || (cls[x] == 1) == cur)
				continue;
			dark = cls[x] == 1;
		} else {
			dark = !cur; /* the line's end closes the last run */
		}
		len = x - start;
		start = x;
		run[0] = run[1];
		run[1] = run[2];
		run[2] = run[3];
		run[3] = run[4];
		run[4] = len;
		if (++nruns >= 5) {
			int total = run[0] + run[1] + run[2] + run[3] + run[4];
			if (total >= 7 && total <= n / 2 && finder_ratio(run, total) && found < cap) {
				struct gate_hit *h = &out[found++];
				h->x = x - run[4] - run[3] - run[2] + run[2] / 2;
				h->size = total;
				h->light = !cur; /* the centre has the colour of the run just ended */
			}
		}
		cur = dark;
	}
	return found;
}

/* Adds a row hit to the candidate it continues (same polarity, a sampled row or two
 * above, centred within a quarter of its size) or starts a new candidate. Only the
 * candidates still growing (live[0..*nlive)) are searched: a frame of foliage has
 * thousands of row hits, but few stack. */
static void gate_add(scan *s, int *ncand, int *live, int *nlive, const struct gate_hit *h, int y)
{
	for (int k = 0; k < *nlive; k++) {
		struct gate_cand *c = &s->cand[live[k]];
		int avg = c->size_sum / c->hits;
		if (c->light != h->light || c->last_y == y)
			continue;
		if (abs(h->x - c->last_x) > (avg / 4 > 2 ? avg / 4 : 2) || 2 * h->size < avg ||
		    h->size > 2 * avg)
			continue;
		c->last_x = h->x;
		c->last_y = y;
		c->y1 = y;
		if (h->x < c->x0)
			c->x0 = h->x;
		if (h->x > c->x1)
			c->x1 = h->x;
		c->size_sum += h->size;
		c->hits++;
		return;
	}
	if (*ncand >= GATE_MAX_CANDS)
		return;
	live[(*nlive)++] = *ncand;
	s->cand[(*ncand)++] = (struct gate_cand){ .x0 = h->x, .x1 = h->x, .y0 = y, .y1 = y,
						   .last_x = h->x, .last_y = y, .size_sum = h->size,
						   .hits = 1, .light = h->light };
}

/* Looks down the column through a candidate's centre for the same pattern, centred on
 * the candidate and about as large: a finder is square, text and stripes are not. */
static int gate_line_agrees(const struct plane *in, const struct gate_cand *c, int dx)
{
	int size = c->size_sum / c->hits, cx = (c->x0 + c->x1) / 2, cy = (c->y0 + c->y1) / 2;
	/* from (cx - dx*k, cy - k) to (cx + dx*k, cy + k), inside the frame */
	int k = 2 * size;
	k = k < cy ? k : cy;
	k = k < in->h - 1 - cy ? k : in->h - 1 - cy;
	if (dx) {
		k = k < cx ? k : cx;
		k = k < in->w - 1 - cx ? k : in->w - 1 - cx;
	}
	struct gate_hit v[16];
	if (2 * k + 1 < 7)
		return 0;
	const uint8_t *start = in->px + (size_t)(cy - k) * in->stride + (cx - dx * k);
	int n = line_finders(start, 2 * k + 1, in->stride + dx, size > 8 ? size : 8, v, 16);
	/* a turned finder is wider along one line than another: a diagonal is allowed more */
	int lo = dx ? 5 : 6, hi = dx ? 20 : 16, tol = size / 3 + 1;
	for (int i = 0; i < n; i++)
		if (v[i].light == c->light && abs(v[i].x - k) <= tol && 10 * v[i].size >= lo * size &&
		    10 * v[i].size <= hi * size)
			return 1;
	return 0;
}

/* Looks down the column and along a diagonal through a candidate's centre for the same
 * pattern, centred on the candidate and about as large: a finder is square and
 * concentric, text and stripes are not. */
static int gate_confirm(const struct plane *in, struct gate_cand *c)
{
	return gate_line_agrees(in, c, 0) && (gate_line_agrees(in, c, 1) || gate_line_agrees(in, c, -1));
}

/* Runs the gate over the frame; leaves the candidates in s->cand and returns how many
 * are confirmed. */
static int gate_run(scan *s, const struct plane *in, int *ncand_out)
{
	const int row_step = 2, half = in->w / 40 > 8 ? in->w / 40 : 8;
	struct gate_hit row[64];
	int ncand = 0, nhits = 0, confirmed = 0;

	int live[GATE_MAX_CANDS], nlive = 0;

	for (int y = 0; y < in->h && nhits < GATE_MAX_HITS; y += row_step) {
		int n = line_finders(in->px + (size_t)y * in->stride, in->w, 1, half, row, 64);
		/* a candidate missed on two sampled rows in a row has ended */
		int k = 0;
		for (int i = 0; i < nlive; i++)
			if (y - s->cand[live[i]].last_y <= 2 * row_step)
				live[k++] = live[i];
		nlive = k;
		for (int i = 0; i < n && nlive < GATE_MAX_CANDS; i++)
			gate_add(s, &ncand, live, &nlive, &row[i], y);
		nhits += n;
	}
	for (int i = 0; i < ncand; i++) {
		struct gate_cand *c = &s->cand[i];
		int avg = c->size_sum / c->hits;
		/* stacked at least twice, and no taller than it is wide (a barcode's bars stack
		 * a long way down) */
		/* the row pattern holds across the centre's three modules: about 3/7 of its
		 * size, on every other row; ask for half of that */
		int need = avg * 3 / 7 / row_step / 2;
		c->confirmed = c->hits >= (need > 2 ? need : 2) && c->y1 - c->y0 <= avg + 2 * row_step &&
			       gate_confirm(in, c);
		confirmed += c->confirmed;
	}
	*ncand_out = ncand;
	return confirmed;
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

/* Scans a packed w x h plane with zbar, reading every density-th line in each direction;
 * adds what it finds to out. Returns VK_OK or VK_ERR_NOMEM. */
static int zbar_pass(scan *s, const uint8_t *px, int w, int h, int density,
		     struct scan_code *out, int max, int *n)
{
	if (density != s->density) {
		zbar_image_scanner_set_config(s->zs, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density);
		zbar_image_scanner_set_config(s->zs, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density);
		s->density = density;
	}
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

/* The part of the frame inside a box (clipped), as a plane that still has the frame's
 * stride. */
static struct plane sub_plane(const struct plane *in, int x0, int y0, int x1, int y1)
{
	x0 = clampi(x0, 0, in->w - 1);
	y0 = clampi(y0, 0, in->h - 1);
	x1 = clampi(x1, x0 + 1, in->w);
	y1 = clampi(y1, y0 + 1, in->h);
	return (struct plane){ in->px + (size_t)y0 * in->stride + x0, x1 - x0, y1 - y0, in->stride };
}

/* zbar on a crop of the frame: copied (zbar wants packed rows), inverted for light-on-dark
 * codes, halved when its modules are large enough and it is big. */
static int crop_pass(scan *s, const struct plane *crop, int invert, int halve,
		     struct scan_code *out, int max, int *n)
{
	int w = halve ? crop->w / 2 : crop->w, h = halve ? crop->h / 2 : crop->h;
	if (w < 21 || h < 21)
		return VK_OK;
	if (work_reserve(s, (size_t)w * h))
		return VK_ERR_NOMEM;
	if (halve)
		make_half(crop, s->work, w, h);
	else
		copy_packed(crop, s->work);
	if (invert)
		for (size_t i = 0; i < (size_t)w * h; i++)
			s->work[i] = (uint8_t)(255 - s->work[i]);
	return zbar_pass(s, s->work, w, h, 1, out, max, n);
}

/* The gate, then zbar on a crop around the confirmed candidates of each polarity. With
 * three or more finders the code lies inside them and a margin of a few modules does;
 * with fewer the others were missed and the code may reach a version-10 code's width in
 * any direction. */
static int finder_pass(scan *s, const struct plane *in, struct scan_code *out, int max, int *n)
{
	int ncand = 0;
	s->ncand = gate_run(s, in, &ncand);
	s->ncrops = 0;
	for (int light = 0; light <= 1; light++) {
		int k = 0, x0 = in->w, y0 = in->h, x1 = 0, y1 = 0, size_sum = 0;
		for (int i = 0; i < ncand; i++) {
			const struct gate_cand *c = &s->cand[i];
			if (!c->confirmed || c->light != light)
				continue;
			int sz = c->size_sum / c->hits, cy = (c->y0 + c->y1) / 2;
			k++;
			size_sum += sz;
			x0 = c->x0 - sz / 2 < x0 ? c->x0 - sz / 2 : x0;
			x1 = c->x1 + sz / 2 > x1 ? c->x1 + sz / 2 : x1;
			y0 = cy - sz / 2 < y0 ? cy - sz / 2 : y0;
			y1 = cy + sz / 2 > y1 ? cy + sz / 2 : y1;
		}
		if (!k)
			continue;
		int module = size_sum / k / 7 > 0 ? size_sum / k / 7 : 1;
		int bw = x1 - x0, bh = y1 - y0;
		/* three finders spanning a squarish box of at least 14 modules are likely one
		 * code's corners; anything else leaves room for the code in every direction */
		int corners = k >= 3 && bw >= 14 * module && bh >= 14 * module && 5 * bw <= 8 * bh &&
			      5 * bh <= 8 * bw;
		int margin = (corners ? 8 : 50) * module;
		struct plane crop = sub_plane(in, x0 - margin, y0 - margin, x1 + margin, y1 + margin);
		{
			int cx0 = clampi(x0 - margin, 0, in->w - 1), cy0 = clampi(y0 - margin, 0, in->h - 1);
			s->crops[s->ncrops++] = (struct gate_crop){ cx0, cy0, cx0 + crop.w, cy0 + crop.h,
								    light, module };
		}
		/* Large crops of large codes at half size: four times cheaper, and modules of
		 * 4 px or more keep 2 px after halving. */
		int halve = module >= 4 && (size_t)crop.w * crop.h * 4 > (size_t)in->w * in->h;
		int rc = crop_pass(s, &crop, light, halve, out, max, n);
		if (rc)
			return rc;
	}
	return VK_OK;
}

/* The crop rescues: what the gate's crop is given when zbar read nothing in it as it is.
 * Each is cheap (a crop, not the frame), and each saves a kind of frame the others lose:
 *   adaptive    local-mean binarisation: glare halos, folds, shading, faint print;
 *   double      2x enlargement: modules squeezed under 2-3 px (curved sheets, a steep
 *               angle, a code far away), which zbar's finder cannot measure;
 *   sharpen     unsharp mask: motion and focus blur;
 *   double-adaptive  both: small modules under uneven light. */
enum { RESCUE_ADAPTIVE, RESCUE_DOUBLE, RESCUE_SHARPEN, RESCUE_DOUBLE_ADAPTIVE, RESCUE_COUNT };

/* Largest crop (in pixels, after enlargement) a rescue works on: a 1280x720 frame's worth
 * keeps the dearest rescue to a few ms. */
#define RESCUE_MAX_AREA (1280L * 720)

/* Runs one crop rescue on the crop c of the frame in. Returns VK_OK or VK_ERR_NOMEM. */
static int crop_rescue(scan *s, const struct plane *in, const struct gate_crop *c, int which,
		       struct scan_code *out, int max, int *n)
{
	struct plane crop = sub_plane(in, c->x0, c->y0, c->x1, c->y1);
	int w = crop.w, h = crop.h;
	int up = which == RESCUE_DOUBLE || which == RESCUE_DOUBLE_ADAPTIVE;
	if (w < 21 || h < 21)
		return VK_OK;
	/* enlarging helps only modules too small for zbar; large ones are read as they are */
	if (up && (c->module > 4 || 4L * w * h > RESCUE_MAX_AREA))
		return VK_OK;
	if (!up && (long)w * h > RESCUE_MAX_AREA)
		return VK_OK;
	int ow = up ? 2 * w : w, oh = up ? 2 * h : h;
	size_t np = (size_t)ow * oh;
	if (work_reserve(s, np) || buf_reserve((void **)&s->aux, &s->aux_cap, np, 1))
		return VK_ERR_NOMEM;
	/* the crop, packed, dark on light, enlarged if asked, in aux */
	if (up)
		make_double(&crop, s->aux, ow, oh);
	else
		for (int y = 0; y < h; y++)
			memcpy(s->aux + (size_t)y * w, crop.px + (size_t)y * crop.stride, (size_t)w);
	if (c->light)
		for (size_t i = 0; i < np; i++)
			s->aux[i] = (uint8_t)(255 - s->aux[i]);
	int m = up ? 2 * c->module : c->module, rc = VK_OK;
	const uint8_t *scan_px = s->work;
	switch (which) {
	case RESCUE_ADAPTIVE:
	case RESCUE_DOUBLE_ADAPTIVE:
		/* a window of about eight modules: both colours in it wherever it is */
		rc = make_adaptive(s, s->aux, s->work, ow, oh, clampi(4 * m, 4, 96), 5);
		break;
	case RESCUE_SHARPEN:
		rc = make_sharpen(s, s->aux, s->work, ow, oh);
		break;
	default:
		scan_px = s->aux;
		break;
	}
	if (rc)
		return rc;
	return zbar_pass(s, scan_px, ow, oh, 1, out, max, n);
}

/* Every crop rescue on every crop of the last gate, until one reads something. */
static int crop_rescue_all(scan *s, const struct plane *in, struct scan_code *out, int max, int *n)
{
	for (int k = 0; k < RESCUE_COUNT && *n == 0; k++)
		for (int i = 0; i < s->ncrops; i++) {
			int rc = crop_rescue(s, in, &s->crops[i], k, out, max, n);
			if (rc)
				return rc;
		}
	return VK_OK;
}

/* Runs one pass over the frame in and appends new codes to out[*n..max). Returns VK_OK or
 * VK_ERR_NOMEM. */
static int run_pass_codes(scan *s, int pass, const struct plane *in, struct scan_code *out,
			  int max, int *n)
{
	int w = in->w, h = in->h, ow = w, oh = h, density = 1;
	size_t need = (size_t)w * h;

	switch (pass) {
	case SCAN_PASS_FINDER:
		return finder_pass(s, in, out, max, n);
	case SCAN_PASS_CROP_RESCUE: {
		int rc = finder_pass(s, in, out, max, n);
		return rc || *n ? rc : crop_rescue_all(s, in, out, max, n);
	}
	case SCAN_PASS_ADAPTIVE:
	case SCAN_PASS_HALF_ADAPTIVE:
	case SCAN_PASS_SHARPEN: {
		int half = pass == SCAN_PASS_HALF_ADAPTIVE;
		ow = half ? w / 2 : w;
		oh = half ? h / 2 : h;
		if (ow < 21 || oh < 21)
			return VK_OK;
		need = (size_t)ow * oh;
		if (work_reserve(s, need) || buf_reserve((void **)&s->aux, &s->aux_cap, need, 1))
			return VK_ERR_NOMEM;
		if (half)
			make_half(in, s->aux, ow, oh);
		else
			copy_packed(in, s->aux);
		int side = ow < oh ? ow : oh, rc;
		/* the window: a twelfth of the shorter side, some eight modules of a code
		 * that fills a third of it */
		if (pass == SCAN_PASS_SHARPEN)
			rc = make_sharpen(s, s->aux, s->work, ow, oh);
		else
			rc = make_adaptive(s, s->aux, s->work, ow, oh, clampi(side / 24, 4, 96), 5);
		if (rc)
			return rc;
		return zbar_pass(s, s->work, ow, oh, half ? 2 : 1, out, max, n);
	}
	case SCAN_PASS_GUIDE: {
		/* the middle half of the width and two thirds of the height: where the screen's
		 * guide box asks people to hold the code */
		struct plane g = sub_plane(in, w / 4, h / 6, w - w / 4, h - h / 6);
		if (work_reserve(s, (size_t)g.w * g.h))
			return VK_ERR_NOMEM;
		copy_packed(&g, s->work);
		return zbar_pass(s, s->work, g.w, g.h, 2, out, max, n);
	}
	case SCAN_PASS_PLAIN:
		/* The camera's plane as it is, when its rows are packed: no copy. */
		if (in->stride == w)
			return zbar_pass(s, in->px, w, h, 1, out, max, n);
		break;
	case SCAN_PASS_HALF_FAST:
	case SCAN_PASS_HALF_FAST_INVERT:
		density = 2;
		/* fall through */
	case SCAN_PASS_HALF:
		ow = w / 2;
		oh = h / 2;
		if (ow < 21 || oh < 21) /* smaller than the smallest QR code */
			return VK_OK;
		need = (size_t)ow * oh;
		break;
	case SCAN_PASS_DOUBLE:
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
	case SCAN_PASS_PLAIN:   copy_packed(in, s->work); break;
	case SCAN_PASS_INVERT:  make_invert(in, s->work); break;
	case SCAN_PASS_HALF:
	case SCAN_PASS_HALF_FAST:
		make_half(in, s->work, ow, oh);
		break;
	case SCAN_PASS_HALF_FAST_INVERT:
		make_half(in, s->work, ow, oh);
		for (size_t i = 0; i < need; i++)
			s->work[i] = (uint8_t)(255 - s->work[i]);
		break;
	case SCAN_PASS_STRETCH: make_stretch(in, s->work); break;
	case SCAN_PASS_BLUR:    make_blur(in, s->work); break;
	case SCAN_PASS_DOUBLE:  make_double(in, s->work, ow, oh); break;
	default:                return VK_OK;
	}
	return zbar_pass(s, s->work, ow, oh, density, out, max, n);
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

/* The rescue passes of the live path, one per frame in this order; -1: the gate alone.
 * Chosen by what each read on the stress set and the real photographs beyond what the
 * gate reads, for its cost on an empty 720p frame (`make bench` prints the table):
 *   half-fast  5 ms: noisy and blurred codes whose finders the gate's binariser loses;
 *   half-adaptive  4-5 ms: the same under shading, glare and fabric, where the local
 *              threshold keeps modules zbar's line threshold loses; it took two of the
 *              four half-fast slots, and the empty frame got no dearer (five paired
 *              runs on the bench machine: median 4.3 ms either way, p90 7.0 against
 *              7.4 before);
 *   guide-box  6 ms: small and faint codes near the middle (whole frame at VGA: 7 of
 *              the real photographs the other live passes miss);
 *   half-fast-inv: nothing the gate did not already read (the gate sees light-on-dark
 *              finders and inverts its crop), so it is left to scan_still().
 *   plain      once every 16 frames (about half a second): the whole frame at full
 *              density, so a code held that long is never read worse than by plain zbar
 *              (small modules and faint print the gate's binariser can lose).
 * Every other frame runs the gate alone, so the median cost of an empty frame is the gate
 * plus at most a cheap rescue pass, and the CPU keeps headroom on a slower board. */
static const int live_rotation[SCAN_LIVE_ROTATION] = {
	SCAN_PASS_HALF_FAST, -1, SCAN_PASS_GUIDE, -1, SCAN_PASS_HALF_ADAPTIVE, -1, SCAN_PASS_GUIDE, -1,
	SCAN_PASS_HALF_FAST, -1, SCAN_PASS_GUIDE, -1, SCAN_PASS_HALF_ADAPTIVE, -1, SCAN_PASS_GUIDE,
	SCAN_PASS_PLAIN,
};

/* run_pass_codes, and the VKHID_DEBUG=scan trace of each code a pass found. */
static int run_pass(scan *s, int pass, const struct plane *in, struct scan_code *out, int max,
		    int *n)
{
	int before = *n, rc = run_pass_codes(s, pass, in, out, max, n);
	for (int i = before; i < *n; i++)
		/* only the start: a foreign code may be a secret (a pretix ticket secret) */
		vk_trace(VK_TRACE_SCAN, "code found by the %s pass (%dx%d): %zu bytes%s: %.12s...",
			 scan_pass_name(pass), in->w, in->h, out[i].len,
			 out[i].truncated ? " (truncated)" : "", out[i].data);
	return rc;
}

/* Decodes the QR codes in one camera frame: the finder gate with zbar on what it found,
 * then the next rescue pass of the live rotation. Writes at most max codes to out,
 * distinct payloads only, and returns how many it wrote, or VK_ERR_INVALID for a bad
 * frame (sides not in 1..8192, stride < width) or VK_ERR_NOMEM. Nothing is kept that
 * refers to gray after the call returns. */
int scan_frame(scan *s, const uint8_t *gray, int width, int height, int stride,
	       struct scan_code *out, int max)
{
	int rc = check_args(s, gray, width, height, stride, out, max);
	if (rc)
		return rc;
	struct plane in = { gray, width, height, stride };
	int n = 0;
	rc = run_pass(s, SCAN_PASS_FINDER, &in, out, max, &n);
	/* the gate saw a finder and zbar read nothing in its crop: one crop rescue a frame,
	 * in turn, so a code held in view meets each within RESCUE_COUNT frames */
	if (!rc && n == 0 && s->ncrops > 0) {
		int which = (int)(s->rescue_no++ % RESCUE_COUNT);
		for (int i = 0; i < s->ncrops && !rc; i++)
			rc = crop_rescue(s, &in, &s->crops[i], which, out, max, &n);
		for (int i = 0; i < n; i++)
			vk_trace(VK_TRACE_SCAN, "code found by crop rescue %d: %zu bytes", which, out[i].len);
	}
	if (!rc && n == 0) {
		int pass = live_rotation[s->frame_no % SCAN_LIVE_ROTATION];
		/* On a VGA frame the guide box is most of the picture and the whole of it costs
		 * little more: scan it all, at full density. */
		if (pass == SCAN_PASS_GUIDE && (long)width * height <= 640L * 480)
			pass = SCAN_PASS_PLAIN;
		if (pass >= 0)
			rc = run_pass(s, pass, &in, out, max, &n);
	}
	s->frame_no++;
	return rc ? rc : n;
}

/* The passes of a still picture, in the order that rescued the most of the real
 * photographs and the stress set for the time they cost. */
static const int still_passes[] = {
	SCAN_PASS_FINDER, SCAN_PASS_PLAIN, -1 /* the crop rescues of the gate's crops */,
	SCAN_PASS_HALF, SCAN_PASS_INVERT, SCAN_PASS_HALF_FAST_INVERT, SCAN_PASS_ADAPTIVE,
	SCAN_PASS_SHARPEN, SCAN_PASS_BLUR, SCAN_PASS_STRETCH, SCAN_PASS_DOUBLE,
};

/* Decodes the QR codes in a still picture: the gate and the plain pass, then each rescue
 * pass in turn until one finds a code. Costs up to about seven plain passes on a picture
 * with no code. Same arguments, results and errors as scan_frame(). */
int scan_still(scan *s, const uint8_t *gray, int width, int height, int stride,
	       struct scan_code *out, int max)
{
	int rc = check_args(s, gray, width, height, stride, out, max);
	if (rc)
		return rc;
	struct plane in = { gray, width, height, stride };
	int n = 0;
	for (size_t i = 0; i < sizeof still_passes / sizeof still_passes[0]; i++) {
		/* the first two always run: the gate may find one of several codes */
		if (n > 0 && i >= 2)
			break;
		if (still_passes[i] < 0)
			rc = crop_rescue_all(s, &in, out, max, &n);
		else
			rc = run_pass(s, still_passes[i], &in, out, max, &n);
		if (rc)
			return rc;
	}
	return n;
}

const char *scan_pass_name(int pass)
{
	static const char *const names[SCAN_PASS_COUNT] = {
		[SCAN_PASS_FINDER] = "finder", [SCAN_PASS_HALF_FAST] = "half-fast",
		[SCAN_PASS_HALF_FAST_INVERT] = "half-fast-inv", [SCAN_PASS_GUIDE] = "guide-box",
		[SCAN_PASS_PLAIN] = "plain", [SCAN_PASS_INVERT] = "invert", [SCAN_PASS_HALF] = "half",
		[SCAN_PASS_BLUR] = "blur", [SCAN_PASS_STRETCH] = "stretch", [SCAN_PASS_DOUBLE] = "double",
		[SCAN_PASS_CROP_RESCUE] = "crop-rescue", [SCAN_PASS_ADAPTIVE] = "adaptive",
		[SCAN_PASS_HALF_ADAPTIVE] = "half-adaptive", [SCAN_PASS_SHARPEN] = "sharpen",
	};
	return pass >= 0 && pass < SCAN_PASS_COUNT ? names[pass] : "?";
}

/* Runs a single pass (enum scan_pass_id) and returns the number of codes it read, or an
 * error as scan_frame() does; VK_ERR_INVALID for an unknown pass. */
int scan_pass_run(scan *s, int pass, const uint8_t *gray, int width, int height, int stride,
		  struct scan_code *out, int max)
{
	int rc = check_args(s, gray, width, height, stride, out, max);
	if (rc)
		return rc;
	if (pass < 0 || pass >= SCAN_PASS_COUNT)
		return VK_ERR_INVALID;
	struct plane in = { gray, width, height, stride };
	int n = 0;
	rc = run_pass(s, pass, &in, out, max, &n);
	return rc ? rc : n;
}

int scan_last_candidates(const scan *s)
{
	return s ? s->ncand : 0;
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
