/* SPDX-License-Identifier: MIT */
/* The stress set generator (see stress.h). A frame is a generated background (gradient,
 * boxes, lines of "text", stripes) with tickets drawn on it through a homography (size,
 * rotation, perspective) and an optional bend, each pixel supersampled 3x3, then the
 * class's damage (blur, noise, glare, screen grid). Everything comes from one xorshift
 * generator seeded by the caller. Not a test program: it has no main. */
#include "stress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

struct rng { uint32_t s; };

static uint32_t rnd(struct rng *r)
{
	/* xorshift32; a zero state would stay zero */
	uint32_t x = r->s ? r->s : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return r->s = x;
}

static double uni(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * (rnd(r) >> 8) / 16777216.0;
}

static double gauss(struct rng *r)
{
	double a = uni(r, 1e-9, 1.0), b = uni(r, 0.0, 1.0);
	return sqrt(-2.0 * log(a)) * cos(2.0 * M_PI * b);
}

static uint8_t clamp8(double v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
}

const char *stress_class_name(int cls)
{
	static const char *const names[STRESS_CLASSES] = {
		"rotation", "perspective", "blur", "noise", "low-contrast", "glare", "small-modules",
		"dark-mode", "moire", "curved", "multi", "cylinder", "t-shirt", "motion-blur",
		"angle-glare", "empty",
	};
	return cls >= 0 && cls < STRESS_CLASSES ? names[cls] : "?";
}

/* ---- background ----------------------------------------------------------------------- */
static void background(uint8_t *g, int w, int h, struct rng *r)
{
	double a = uni(r, 60, 200), gx = uni(r, -80, 80) / w, gy = uni(r, -80, 80) / h;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			g[(size_t)y * w + x] = clamp8(a + gx * x + gy * y);
	int boxes = 6 + (int)(rnd(r) % 8);
	for (int i = 0; i < boxes; i++) {
		int bw = (int)uni(r, w / 16.0, w / 3.0), bh = (int)uni(r, h / 16.0, h / 3.0);
		int x0 = (int)uni(r, 0, w - bw), y0 = (int)uni(r, 0, h - bh);
		uint8_t v = (uint8_t)uni(r, 20, 240);
		int kind = (int)(rnd(r) % 3);
		for (int y = y0; y < y0 + bh; y++)
			for (int x = x0; x < x0 + bw; x++) {
				uint8_t *p = &g[(size_t)y * w + x];
				if (kind == 0)
					*p = v;
				else if (kind == 1) /* stripes, like a barcode or a shirt */
					*p = ((x - x0) / (2 + i % 5)) % 2 ? v : (uint8_t)(255 - v);
				else if ((y - y0) % 14 < 8 && ((x - x0) * 7 + (y - y0) / 14 * 13) % 23 < 15)
					*p = (uint8_t)(v / 4); /* lines of "text" */
			}
	}
}

/* ---- geometry: a homography from image pixels to paper coordinates (in modules) -------- */
/* Solves the 8 unknowns of H (h33 = 1) mapping src[i] -> dst[i]. */
static int homography(const double src[4][2], const double dst[4][2], double H[9])
{
	double A[8][9];
	for (int i = 0; i < 4; i++) {
		double x = src[i][0], y = src[i][1], u = dst[i][0], v = dst[i][1];
		double r0[9] = { x, y, 1, 0, 0, 0, -u * x, -u * y, u };
		double r1[9] = { 0, 0, 0, x, y, 1, -v * x, -v * y, v };
		memcpy(A[2 * i], r0, sizeof r0);
		memcpy(A[2 * i + 1], r1, sizeof r1);
	}
	for (int c = 0; c < 8; c++) {
		int p = c;
		for (int k = c + 1; k < 8; k++)
			if (fabs(A[k][c]) > fabs(A[p][c]))
				p = k;
		if (fabs(A[p][c]) < 1e-12)
			return -1;
		for (int j = 0; j < 9; j++) {
			double t = A[c][j];
			A[c][j] = A[p][j];
			A[p][j] = t;
		}
		for (int k = 0; k < 8; k++) {
			if (k == c)
				continue;
			double f = A[k][c] / A[c][c];
			for (int j = c; j < 9; j++)
				A[k][j] -= f * A[c][j];
		}
	}
	for (int i = 0; i < 8; i++)
		H[i] = A[i][8] / A[i][i];
	H[8] = 1;
	return 0;
}

struct placement {
	double cx, cy, side;   /* centre and side of the paper (code + quiet zone), pixels */
	double angle, taper;   /* rotation; how much shorter the far edge is (0..1) */
	double bend, bend_len; /* wave amplitude (pixels) and length across the sheet */
	double bend_phase;
	double cyl_r;          /* radius of the cylinder the sheet is bent round (0: flat) */
	double cyl_depth;      /* how much smaller the sides look for being farther away */
	int inverted;          /* light modules on dark */
	double ink, paper;     /* gray levels */
};

static uint32_t ticket_text(struct rng *r, char *out)
{
	static const char b45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	memcpy(out, "VK1:", 4);
	for (int i = 0; i < 120; i++)
		out[4 + i] = b45[rnd(r) % 45];
	out[124] = '\0';
	return 0;
}

/* Draws the code of text onto g as placed by pl. Returns 0 or -1. */
static int draw_code(uint8_t *g, int w, int h, const char *text, const struct placement *pl)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
	if (!q)
		return -1;
	const int n = q->width;
	const double span = n + 8; /* modules, quiet zone of 4 on each side */
	double hs = pl->side / 2, c = cos(pl->angle), s = sin(pl->angle);
	/* paper corners before rotation: top edge shortened by the taper */
	double local[4][2] = { { -hs * (1 - pl->taper), -hs }, { hs * (1 - pl->taper), -hs },
			       { hs, hs }, { -hs, hs } };
	double img[4][2], paper[4][2] = { { -4, -4 }, { n + 4, -4 }, { n + 4, n + 4 }, { -4, n + 4 } };
	double H[9];
	for (int i = 0; i < 4; i++) {
		img[i][0] = pl->cx + c * local[i][0] - s * local[i][1];
		img[i][1] = pl->cy + s * local[i][0] + c * local[i][1];
	}
	if (homography(img, paper, H)) {
		QRcode_free(q);
		return -1;
	}
	int x0 = w, x1 = 0, y0 = h, y1 = 0, m = (int)(fabs(pl->bend) + 3);
	for (int i = 0; i < 4; i++) {
		x0 = fmin(x0, img[i][0] - m);
		x1 = fmax(x1, img[i][0] + m);
		y0 = fmin(y0, img[i][1] - m);
		y1 = fmax(y1, img[i][1] + m);
	}
	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > w - 1 ? w - 1 : x1;
	y1 = y1 > h - 1 ? h - 1 : y1;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			double acc = 0;
			int on = 0;
			for (int sy = 0; sy < 3; sy++)
				for (int sx = 0; sx < 3; sx++) {
					double px = x + (sx + 0.5) / 3 - 0.5, py = y + (sy + 0.5) / 3 - 0.5;
					double shade = 1;
					/* a sheet round a vertical cylinder through the centre: what
					 * the camera sees at a distance d from the axis lies on the
					 * sheet at the arc length r asin(d / r); the sides are farther
					 * (smaller) and turned from the light (darker) */
					if (pl->cyl_r > 0) {
						double d = (px - pl->cx) / pl->cyl_r;
						if (d <= -1 || d >= 1) {
							acc += g[(size_t)y * w + x];
							continue;
						}
						double th = asin(d), ct = cos(th);
						px = pl->cx + pl->cyl_r * th;
						py = pl->cy + (py - pl->cy) * (1 + pl->cyl_depth * (1 - ct));
						shade = 0.55 + 0.45 * ct;
					}
					/* a bent sheet: rows of the sheet wave up and down */
					if (pl->bend != 0)
						py += pl->bend * sin(2 * M_PI * px / pl->bend_len + pl->bend_phase);
					double d = H[6] * px + H[7] * py + H[8];
					double u = (H[0] * px + H[1] * py + H[2]) / d;
					double v = (H[3] * px + H[4] * py + H[5]) / d;
					if (u < -4 || v < -4 || u >= n + 4 || v >= n + 4) {
						acc += g[(size_t)y * w + x];
						continue;
					}
					on = 1;
					int dark = u >= 0 && v >= 0 && u < n && v < n &&
						   (q->data[(int)v * n + (int)u] & 1);
					if (pl->inverted)
						dark = !dark;
					acc += shade * (dark ? pl->ink : pl->paper);
				}
			if (on)
				g[(size_t)y * w + x] = clamp8(acc / 9);
		}
	(void)span;
	QRcode_free(q);
	return 0;
}

/* ---- damage ------------------------------------------------------------------------------ */
static int blur_box(uint8_t *g, int w, int h, int x0, int y0, int x1, int y1, double sigma)
{
	int rad = (int)ceil(3 * sigma);
	double k[64];
	if (rad > 31)
		rad = 31;
	double ks = 0;
	for (int i = -rad; i <= rad; i++)
		ks += k[i + rad] = exp(-i * i / (2 * sigma * sigma));
	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > w ? w : x1;
	y1 = y1 > h ? h : y1;
	int bw = x1 - x0, bh = y1 - y0;
	if (bw <= 0 || bh <= 0)
		return 0;
	float *t = malloc(sizeof *t * (size_t)bw * bh);
	if (!t)
		return -1;
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++) {
			double a = 0;
			for (int i = -rad; i <= rad; i++) {
				int xx = x0 + x + i;
				xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
				a += k[i + rad] * g[(size_t)(y0 + y) * w + xx];
			}
			t[(size_t)y * bw + x] = (float)(a / ks);
		}
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++) {
			double a = 0, kk = 0;
			for (int i = -rad; i <= rad; i++) {
				int yy = y + i;
				if (yy < 0 || yy >= bh)
					continue;
				a += k[i + rad] * t[(size_t)yy * bw + x];
				kk += k[i + rad];
			}
			g[(size_t)(y0 + y) * w + x0 + x] = clamp8(a / kk);
		}
	free(t);
	return 0;
}

static void add_noise(uint8_t *g, int w, int h, double sigma, struct rng *r)
{
	for (size_t i = 0; i < (size_t)w * h; i++)
		g[i] = clamp8(g[i] + sigma * gauss(r));
}

/* A straight motion blur over a box: each pixel the mean of the picture along a segment of
 * len pixels at angle a through it (bilinear samples half a pixel apart). */
static int motion_box(uint8_t *g, int w, int h, int x0, int y0, int x1, int y1, double len, double a)
{
	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > w ? w : x1;
	y1 = y1 > h ? h : y1;
	int bw = x1 - x0, bh = y1 - y0, ns = (int)(2 * len) + 1;
	if (bw <= 0 || bh <= 0)
		return 0;
	uint8_t *t = malloc((size_t)bw * bh);
	if (!t)
		return -1;
	double dx = cos(a), dy = sin(a);
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++) {
			double acc = 0;
			for (int i = 0; i < ns; i++) {
				double o = -len / 2 + len * i / (ns - 1);
				double fx = x0 + x + o * dx, fy = y0 + y + o * dy;
				fx = fx < 0 ? 0 : fx > w - 1.001 ? w - 1.001 : fx;
				fy = fy < 0 ? 0 : fy > h - 1.001 ? h - 1.001 : fy;
				int ix = (int)fx, iy = (int)fy;
				double ax = fx - ix, ay = fy - iy;
				const uint8_t *p = g + (size_t)iy * w + ix;
				acc += (1 - ay) * ((1 - ax) * p[0] + ax * p[1]) + ay * ((1 - ax) * p[w] + ax * p[w + 1]);
			}
			t[(size_t)y * bw + x] = clamp8(acc / ns);
		}
	for (int y = 0; y < bh; y++)
		memcpy(g + (size_t)(y0 + y) * w + x0, t + (size_t)y * bw, (size_t)bw);
	free(t);
	return 0;
}

/* A bright reflection centred at (gx, gy) of spread sg: str 1 and more wash the middle out
 * to white. */
static void glare_box(uint8_t *g, int w, int h, int x0, int y0, int x1, int y1, double gx, double gy,
		      double sg, double str)
{
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++) {
			double d2 = ((x - gx) * (x - gx) + (y - gy) * (y - gy)) / (2 * sg * sg);
			uint8_t *p = &g[(size_t)y * w + x];
			*p = clamp8(*p + (255 - *p) * str * exp(-d2));
		}
}

/* ---- the classes ------------------------------------------------------------------------- */
static void default_placement(struct placement *pl, int w, int h, double module, struct rng *r)
{
	memset(pl, 0, sizeof *pl);
	pl->side = module * 53; /* version 7: 45 modules and the quiet zone */
	pl->cx = w / 2.0 + uni(r, -0.25, 0.25) * (w - pl->side);
	pl->cy = h / 2.0 + uni(r, -0.25, 0.25) * (h - pl->side);
	pl->angle = uni(r, -0.08, 0.08);
	pl->ink = uni(r, 15, 50);
	pl->paper = uni(r, 200, 245);
}

int stress_make(int cls, int w, int h, uint32_t seed, struct stress_frame *f)
{
	struct rng r = { seed * 2654435761u + (uint32_t)cls * 40503u + (uint32_t)w };
	struct placement pl;
	double module = h / 720.0 * uni(&r, 4.2, 6.0); /* pixels per module at a comfortable distance */
	int rc = 0;

	memset(f, 0, sizeof *f);
	f->w = w;
	f->h = h;
	f->gray = malloc((size_t)w * h);
	if (!f->gray)
		return -1;
	for (int i = 0; i < 8; i++)
		rnd(&r);
	background(f->gray, w, h, &r);
	if (cls == STRESS_EMPTY) {
		add_noise(f->gray, w, h, 3, &r);
		return 0;
	}
	default_placement(&pl, w, h, module, &r);
	switch (cls) {
	case STRESS_ROTATION:
		pl.angle = uni(&r, 10, 80) * M_PI / 180 * (rnd(&r) & 1 ? 1 : -1);
		break;
	case STRESS_PERSPECTIVE:
		pl.taper = uni(&r, 0.15, 0.35);
		pl.angle = (rnd(&r) % 4) * M_PI / 2 + uni(&r, -0.2, 0.2);
		break;
	case STRESS_LOW_CONTRAST: {
		double mid = uni(&r, 90, 170), span = uni(&r, 0.07, 0.14) * 255;
		pl.ink = mid - span / 2;
		pl.paper = mid + span / 2;
		break;
	}
	case STRESS_SMALL:
		module = uni(&r, 1.4, 2.1);
		pl.side = module * 53;
		break;
	case STRESS_DARK:
	case STRESS_MOIRE:
		/* a phone screen; dark mode draws light modules on a dark ground */
		pl.side *= 0.9;
		if (cls == STRESS_DARK) {
			pl.inverted = 1;
			pl.ink = uni(&r, 10, 40);
			pl.paper = uni(&r, 190, 240);
		}
		break;
	case STRESS_CURVED:
		pl.bend = pl.side * uni(&r, 0.012, 0.028);
		pl.bend_len = pl.side * uni(&r, 0.7, 1.3);
		pl.bend_phase = uni(&r, 0, 2 * M_PI);
		break;
	case STRESS_CYLINDER: {
		/* the half-width of the sheet is an arc of 46-69 degrees */
		double th = uni(&r, 0.8, 1.2);
		pl.side *= 1.15;
		pl.cyl_r = pl.side / 2 / th;
		pl.cyl_depth = uni(&r, 0.08, 0.18);
		pl.angle = uni(&r, -0.05, 0.05);
		break;
	}
	case STRESS_TSHIRT:
		pl.paper = uni(&r, 110, 215);
		pl.ink = pl.paper * uni(&r, 0.55, 0.75);
		pl.bend = pl.side * uni(&r, 0.006, 0.014);
		pl.bend_len = pl.side * uni(&r, 0.8, 1.4);
		pl.bend_phase = uni(&r, 0, 2 * M_PI);
		break;
	case STRESS_ANGLE_GLARE:
		pl.side *= 0.95;
		pl.taper = uni(&r, 0.18, 0.3);
		pl.angle = (rnd(&r) % 4) * M_PI / 2 + uni(&r, -0.25, 0.25);
		pl.ink = uni(&r, 15, 40);
		pl.paper = uni(&r, 170, 225);
		break;
	default:
		break;
	}
	if (cls == STRESS_MULTI) {
		int k = 2 + (int)(rnd(&r) % 2);
		double cell = (double)w / k;
		module = fmin(module, 0.85 * fmin(cell, h) / 53);
		for (int i = 0; i < k && !rc; i++) {
			default_placement(&pl, w, h, module, &r);
			pl.cx = cell * (i + 0.5) + uni(&r, -0.05, 0.05) * cell;
			pl.cy = h / 2.0 + uni(&r, -0.2, 0.2) * (h - pl.side);
			ticket_text(&r, f->text[i]);
			rc = draw_code(f->gray, w, h, f->text[i], &pl);
		}
		f->ncodes = k;
		add_noise(f->gray, w, h, 3, &r);
		return rc;
	}
	ticket_text(&r, f->text[0]);
	f->ncodes = 1;
	rc = draw_code(f->gray, w, h, f->text[0], &pl);
	int bx0 = (int)(pl.cx - pl.side), by0 = (int)(pl.cy - pl.side);
	int bx1 = (int)(pl.cx + pl.side), by1 = (int)(pl.cy + pl.side);
	switch (cls) {
	case STRESS_BLUR:
		if (!rc)
			rc = blur_box(f->gray, w, h, bx0, by0, bx1, by1, module * uni(&r, 0.3, 0.55));
		break;
	case STRESS_NOISE:
		add_noise(f->gray, w, h, uni(&r, 22, 40), &r);
		return rc;
	case STRESS_GLARE: {
		double gx = pl.cx + uni(&r, -0.25, 0.25) * pl.side, gy = pl.cy + uni(&r, -0.25, 0.25) * pl.side;
		double sg = pl.side * uni(&r, 0.14, 0.24), str = uni(&r, 0.75, 0.95);
		glare_box(f->gray, w, h, bx0, by0, bx1, by1, gx, gy, sg, str);
		break;
	}
	case STRESS_ANGLE_GLARE: {
		/* a specular highlight: its core saturates to white */
		double gx = pl.cx + uni(&r, -0.22, 0.22) * pl.side, gy = pl.cy + uni(&r, -0.22, 0.22) * pl.side;
		double sg = pl.side * uni(&r, 0.07, 0.11);
		glare_box(f->gray, w, h, bx0, by0, bx1, by1, gx, gy, sg, uni(&r, 1.3, 1.8));
		glare_box(f->gray, w, h, bx0, by0, bx1, by1, gx, gy, 3 * sg, uni(&r, 0.25, 0.4));
		break;
	}
	case STRESS_MOTION:
		if (!rc)
			rc = motion_box(f->gray, w, h, bx0, by0, bx1, by1, module * uni(&r, 1.2, 2.0),
					uni(&r, 0, M_PI));
		break;
	case STRESS_TSHIRT: {
		/* the weave: a fine crossed texture; the folds: broad shading bands across */
		double p = uni(&r, 2.2, 3.2), wd = uni(&r, 0.08, 0.16);
		double fa = uni(&r, 0, M_PI), fl = pl.side * uni(&r, 0.4, 0.8), fd = uni(&r, 0.15, 0.3);
		double ph = uni(&r, 0, 2 * M_PI);
		for (int y = by0 < 0 ? 0 : by0; y < by1 && y < h; y++)
			for (int x = bx0 < 0 ? 0 : bx0; x < bx1 && x < w; x++) {
				double weave = 1 - wd * (0.5 + 0.5 * sin(2 * M_PI * x / p) * sin(2 * M_PI * y / p));
				double t = (x * cos(fa) + y * sin(fa)) / fl;
				double fold = 1 - fd * (0.5 + 0.5 * sin(2 * M_PI * t + ph));
				uint8_t *q = &f->gray[(size_t)y * w + x];
				*q = clamp8(*q * weave * fold);
			}
		/* the ink bleeds into the cloth */
		if (!rc)
			rc = blur_box(f->gray, w, h, bx0, by0, bx1, by1, module * 0.2);
		add_noise(f->gray, w, h, 6, &r);
		return rc;
	}
	case STRESS_MOIRE: {
		/* the screen's sub-pixel grid, slightly turned against the sensor's rows */
		double period = uni(&r, 2.3, 3.4), a = uni(&r, -0.3, 0.3), depth = uni(&r, 0.25, 0.4);
		double hs = pl.side / 2 + 4;
		for (int y = (int)(pl.cy - hs); y < pl.cy + hs; y++)
			for (int x = (int)(pl.cx - hs); x < pl.cx + hs; x++) {
				if (x < 0 || y < 0 || x >= w || y >= h)
					continue;
				double t = (x * cos(a) + y * sin(a)) / period;
				uint8_t *p = &f->gray[(size_t)y * w + x];
				*p = clamp8(*p * (1 - depth * (0.5 + 0.5 * cos(2 * M_PI * t))));
			}
		if (!rc)
			rc = blur_box(f->gray, w, h, bx0, by0, bx1, by1, 0.7);
		break;
	}
	default:
		break;
	}
	add_noise(f->gray, w, h, 3, &r);
	return rc;
}

void stress_free(struct stress_frame *f)
{
	free(f->gray);
	f->gray = NULL;
}
