/* SPDX-License-Identifier: MIT */
/* `make bench` (scanning): the QR pipeline of app/scan against zbar's image scanner with
 * default settings, side by side in one run on the same frames.
 *
 *   worth      each pass alone: reads on the stress set and the real photographs, and its
 *              median ms on an empty 1280x720 frame (what it costs when nothing is there)
 *   read rate  per stress class (640x480 and 1280x720) and on the real photographs:
 *              zbar default, the live path on the first frame, the live path over one
 *              turn of its rotation (a code held 16 frames, 0.53 s), and the still path
 *   time       median and p90 CPU ms per frame at 640x480 and 1280x720, with and without a
 *              code (CPU time of the thread: other work on a shared machine stays out)
 *   kiosk      ms from a frame with a ticket to the outcome, through the real kiosk loop
 *              (files camera, temporary database, signed tickets)
 *
 * The stress set comes from tests/unit/stress.c (included: bench programs link no test
 * helpers), seeds 1..STRESS_N per class and size. Timing goals live here, never in tests. */
#include <dirent.h>
#include <iconv.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <qrencode.h>
#include <zbar.h>

#include "../unit/stress.c"
#include "camera/camera.h"
#include "core/checkin.h"
#include "core/err.h"
#include "core/ticket.h"
#include "db/db.h"
#include "scan/scan.h"
#include "door/door.h"

#define STRESS_N 6     /* frames per class and size */
#define HELD SCAN_LIVE_ROTATION /* frames a code is held for the live read rate: 0.53 s */

/* CPU time of this thread: the figure of the code, not of whatever else the shared
 * machine runs at the same moment (wall time is printed for the kiosk loop). */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double mean(const double *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return n ? s / n : 0;
}

static double pctl(double *v, int n, double p)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[(int)(p * (n - 1) + 0.5)];
}

/* The same text: byte for byte, or the bytes read as Shift_JIS (some real photographs
 * carry Japanese in Shift_JIS, their .txt is UTF-8; binary mode gives the bytes). */
static int same_text(const char *got, size_t n, const char *want, size_t wl)
{
	if (n == wl && memcmp(got, want, n) == 0)
		return 1;
	iconv_t cd = iconv_open("UTF-8", "SHIFT_JIS");
	if (cd == (iconv_t)-1)
		return 0;
	char out[8192], *ip = (char *)got, *op = out;
	size_t il = n, ol = sizeof out;
	size_t r = iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	return r != (size_t)-1 && (size_t)(op - out) == wl && memcmp(out, want, wl) == 0;
}

/* ---- zbar with default settings: the comparison ---- */
static zbar_image_scanner_t *zdef;

static int zbar_default(const uint8_t *g, int w, int h, const char (*want)[128], int nwant,
			const char *wtext, size_t wlen, int *hits)
{
	zbar_image_t *img = zbar_image_create();
	int n = 0;
	zbar_image_set_format(img, 0x30303859UL);
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, g, (unsigned long)w * h, NULL);
	zbar_scan_image(zdef, img);
	*hits = 0;
	for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
		const char *d = zbar_symbol_get_data(s);
		size_t l = zbar_symbol_get_data_length(s);
		n++;
		if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
			continue;
		for (int i = 0; i < nwant; i++)
			*hits += strlen(want[i]) == l && memcmp(want[i], d, l) == 0;
		if (wtext)
			*hits += same_text(d, l, wtext, wlen);
	}
	zbar_image_destroy(img);
	return n;
}

static int count_hits(const struct scan_code *c, int n, const char (*want)[128], int nwant,
		      const char *wtext, size_t wlen)
{
	int hits = 0;
	for (int i = 0; i < nwant; i++)
		for (int k = 0; k < n; k++)
			if (c[k].len == strlen(want[i]) && memcmp(c[k].data, want[i], c[k].len) == 0) {
				hits++;
				break;
			}
	if (wtext)
		for (int k = 0; k < n; k++)
			if (same_text(c[k].data, c[k].len, wtext, wlen)) {
				hits++;
				break;
			}
	return hits;
}

/* ---- the real photographs ---- */
struct photo { uint8_t *g; int w, h; char *want; size_t wlen; };

static int load_photos(const char *shared, struct photo **out)
{
	static const char *const sets[] = { "qrcode-1", "qrcode-2", "qrcode-3" };
	struct photo *p = NULL;
	int n = 0;
	for (int k = 0; k < 3; k++) {
		char dir[512];
		snprintf(dir, sizeof dir, "%s/fixtures/qr-photos/%s", shared, sets[k]);
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t L = strlen(e->d_name);
			char img[1024], txt[1024];
			if (L < 5 || strcmp(e->d_name + L - 4, ".png") != 0)
				continue;
			snprintf(img, sizeof img, "%s/%s", dir, e->d_name);
			snprintf(txt, sizeof txt, "%s/%.*s.txt", dir, (int)(L - 4), e->d_name);
			FILE *f = fopen(txt, "rb");
			if (!f)
				continue;
			p = realloc(p, sizeof *p * (size_t)(n + 1));
			p[n].want = calloc(1, 65536);
			p[n].wlen = fread(p[n].want, 1, 65535, f);
			fclose(f);
			if (image_load_gray(img, &p[n].g, &p[n].w, &p[n].h, NULL, 0) != CAM_OK) {
				free(p[n].want);
				continue;
			}
			n++;
		}
		if (d)
			closedir(d);
	}
	*out = p;
	return n;
}

/* Photographs without a code, cut to w x h: an empty scene a camera really sees. */
static int load_empty(const char *shared, int w, int h, uint8_t **frames)
{
	int n = 0;
	for (int k = 1; k <= 22; k++) {
		char path[512];
		uint8_t *ph;
		int pw, hh;
		snprintf(path, sizeof path, "%s/fixtures/qr-photos/falsepositives/%02d.png", shared, k);
		if (image_load_gray(path, &ph, &pw, &hh, NULL, 0) != CAM_OK)
			continue;
		uint8_t *f = malloc((size_t)w * h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				f[(size_t)y * w + x] = ph[(size_t)(y * hh / h) * pw + (size_t)(x * pw / w)];
		free(ph);
		frames[n++] = f;
	}
	return n;
}

/* ---- the kiosk loop (the door, door/door.h, stepped as the scenario runner steps it) ---- */
struct kiosk_watch { double ms; int outcomes; int admitted; };

static void on_note(void *ctx, const struct door_note *n)
{
	struct kiosk_watch *kw = ctx;
	if (n->kind != DOOR_OUTCOME)
		return;
	kw->ms = n->ms;
	kw->outcomes++;
	kw->admitted += n->result->outcome == CI_ADMITTED;
}

static void kiosk_latency(const char *dir)
{
	char path[512], why[512];
	struct db_event ev;
	struct db_key key;
	uint8_t sk[64];
	db *d;
	snprintf(path, sizeof path, "%s/kiosk.db", dir);
	if (sodium_init() < 0 || db_open(path, DB_CREATE, &d, why, sizeof why)) {
		printf("kiosk: cannot create a database: %s\n", why);
		return;
	}
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Bench");
	db_event_create(d, &ev);
	db_event_set_current(d, ev.id);
	memset(&key, 0, sizeof key);
	key.event_id = ev.id;
	crypto_sign_keypair(key.pk, sk);
	db_key_add(d, &key);
	db_close(d);

	struct kiosk_watch kw = { 0 };
	struct door_config cfg = { .database = path, .camera_spec = "files:", .out_dir = dir,
				   .headless = 1, .frame_ms = 33 };
	char prn[600];
	snprintf(prn, sizeof prn, "file:%s/badges", dir);
	cfg.printer_spec = prn;
	struct door *k;
	if (door_open(&cfg, on_note, &kw, &k, why, sizeof why) != VK_OK) {
		printf("kiosk: cannot open: %s\n", why);
		return;
	}
	enum { NT = 30 };
	double v[NT];
	int nv = 0, frames_to_read = 0;
	uint8_t *frame = malloc(1280 * 720);
	for (int i = 0; i < NT; i++) {
		char code[TICKET_CODE_LEN + 1];
		struct ticket t = { .version = 1, .key_id = (uint16_t)key.key_id, .event_id = (uint32_t)ev.id,
				    .number = (uint32_t)(i + 1), .nonce = (uint32_t)(i % 0xFFFF + 1) };
		ticket_sign(&t, sk, code, sizeof code);
		/* a phone-sized page with the ticket, on a cluttered scene */
		struct rng r = { 1000u + (uint32_t)i };
		background(frame, 1280, 720, &r);
		struct placement pl;
		default_placement(&pl, 1280, 720, uni(&r, 4.0, 6.0), &r);
		draw_code(frame, 1280, 720, code, &pl);
		camera_sim_show(door_camera(k), frame, 1280, 720, 1280);
		int before = kw.outcomes;
		for (int f = 0; f < 10 && kw.outcomes == before; f++) {
			door_step(k, 0);
			frames_to_read++;
		}
		if (kw.outcomes > before)
			v[nv++] = kw.ms;
		camera_sim_show(door_camera(k), NULL, 0, 0, 0);
		door_step(k, 1500); /* the person walks on */
	}
	printf("kiosk loop 1280x720:    frame with a ticket -> outcome %.2f ms median, %.2f ms p90 "
	       "(%d of %d read, %d admitted, %.1f frames each; door_step with the files camera)\n",
	       pctl(v, nv, 0.5), pctl(v, nv, 0.9), nv, NT, kw.admitted, (double)frames_to_read / NT);
	free(frame);
	door_close(k);
}

int main(int argc, char **argv)
{
	const char *shared = getenv("VKHID_SHARED") ? getenv("VKHID_SHARED") : "../shared";
	char dir[] = "/tmp/vkhid-bench-scan.XXXXXX", cmd[600];
	static const int sizes[2][2] = { { 640, 480 }, { 1280, 720 } };
	struct scan_code *codes = calloc(SCAN_MAX_CODES, sizeof *codes);
	scan *s = scan_new();
	double *v = calloc(100000, sizeof *v);
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir) || !codes || !s || !v)
		return 1;
	zdef = zbar_image_scanner_create(); /* default settings: every symbology, no binary mode */

	struct photo *ph;
	int nph = load_photos(shared, &ph);
	uint8_t *empty720[22], *empty480[22];
	int ne720 = load_empty(shared, 1280, 720, empty720), ne480 = load_empty(shared, 640, 480, empty480);
	printf("vkhid scan benchmarks (release build, %ld cores; %d real photographs, %d stress frames per class and size)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), nph, STRESS_N);

	/* the stress set, made once */
	struct stress_frame (*st)[2][STRESS_N] = calloc(STRESS_CLASSES, sizeof *st);
	for (int c = 0; c < STRESS_CLASSES; c++)
		for (int z = 0; z < 2; z++)
			for (int i = 0; i < STRESS_N; i++)
				stress_make(c, sizes[z][0], sizes[z][1], (uint32_t)i + 1, &st[c][z][i]);

	/* ---- worth of each pass ---- */
	printf("\npass worth (alone): stress codes read of all, real photos exact, ms on an empty 1280x720 frame (median)\n");
	for (int p = 0; p < SCAN_PASS_COUNT; p++) {
		int got = 0, all = 0, real = 0, nv = 0;
		for (int c = 0; c < STRESS_CLASSES; c++)
			for (int z = 0; z < 2; z++)
				for (int i = 0; i < STRESS_N; i++) {
					struct stress_frame *f = &st[c][z][i];
					int n = scan_pass_run(s, p, f->gray, f->w, f->h, f->w, codes, SCAN_MAX_CODES);
					got += count_hits(codes, n, f->text, f->ncodes, NULL, 0);
					all += f->ncodes;
				}
		for (int i = 0; i < nph; i++) {
			int n = scan_pass_run(s, p, ph[i].g, ph[i].w, ph[i].h, ph[i].w, codes, SCAN_MAX_CODES);
			real += count_hits(codes, n, NULL, 0, ph[i].want, ph[i].wlen);
		}
		for (int r = 0; r < 3; r++)
			for (int i = 0; i < ne720; i++) {
				double t0 = now_ms();
				scan_pass_run(s, p, empty720[i], 1280, 720, 1280, codes, SCAN_MAX_CODES);
				v[nv++] = now_ms() - t0;
			}
		printf("  %-14s stress %3d/%-3d  real %2d/%d  empty 720p %6.2f ms\n", scan_pass_name(p), got,
		       all, real, nph, pctl(v, nv, 0.5));
	}

	/* ---- read rates ---- */
	printf("\nread rate (codes read of codes shown): zbar default | live, first frame | live, held %d frames | still\n", HELD);
	int tot[4] = { 0 }, totall = 0, false_reads[4] = { 0 };
	for (int c = 0; c < STRESS_CLASSES; c++) {
		int got[4] = { 0 }, all = 0, decoded[4] = { 0 };
		for (int z = 0; z < 2; z++)
			for (int i = 0; i < STRESS_N; i++) {
				struct stress_frame *f = &st[c][z][i];
				int h, n;
				decoded[0] += zbar_default(f->gray, f->w, f->h, f->text, f->ncodes, NULL, 0, &h);
				got[0] += h;
				/* a fresh scanner: the first frame of a held code lands on rotation slot 0 */
				scan *live = scan_new();
				int seen[STRESS_MAX_CODES] = { 0 };
				for (int fr = 0; fr < HELD; fr++) {
					n = scan_frame(live, f->gray, f->w, f->h, f->w, codes, SCAN_MAX_CODES);
					if (fr == 0) {
						got[1] += count_hits(codes, n, f->text, f->ncodes, NULL, 0);
						decoded[1] += n;
					}
					decoded[2] += n;
					for (int k = 0; k < f->ncodes; k++)
						seen[k] |= count_hits(codes, n, &f->text[k], 1, NULL, 0);
				}
				for (int k = 0; k < f->ncodes; k++)
					got[2] += seen[k];
				scan_free(live);
				n = scan_still(s, f->gray, f->w, f->h, f->w, codes, SCAN_MAX_CODES);
				got[3] += count_hits(codes, n, f->text, f->ncodes, NULL, 0);
				decoded[3] += n;
				all += f->ncodes;
			}
		if (c == STRESS_EMPTY) {
			printf("  %-14s decoded anything: %d | %d | %d | %d  (must be 0)\n", stress_class_name(c),
			       decoded[0], decoded[1], decoded[2], decoded[3]);
			for (int k = 0; k < 4; k++)
				false_reads[k] += decoded[k];
			continue;
		}
		printf("  %-14s %3d%% | %3d%% | %3d%% | %3d%%   (%d codes)\n", stress_class_name(c),
		       100 * got[0] / all, 100 * got[1] / all, 100 * got[2] / all, 100 * got[3] / all, all);
		for (int k = 0; k < 4; k++)
			tot[k] += got[k];
		totall += all;
	}
	printf("  %-14s %3d%% | %3d%% | %3d%% | %3d%%   (%d codes)\n", "all classes", 100 * tot[0] / totall,
	       100 * tot[1] / totall, 100 * tot[2] / totall, 100 * tot[3] / totall, totall);
	{
		int got[4] = { 0 };
		for (int i = 0; i < nph; i++) {
			int h, n;
			zbar_default(ph[i].g, ph[i].w, ph[i].h, NULL, 0, ph[i].want, ph[i].wlen, &h);
			got[0] += h > 0;
			scan *live = scan_new();
			int seen = 0;
			for (int fr = 0; fr < HELD; fr++) {
				n = scan_frame(live, ph[i].g, ph[i].w, ph[i].h, ph[i].w, codes, SCAN_MAX_CODES);
				int hit = count_hits(codes, n, NULL, 0, ph[i].want, ph[i].wlen);
				if (fr == 0)
					got[1] += hit;
				seen |= hit;
			}
			got[2] += seen;
			scan_free(live);
			n = scan_still(s, ph[i].g, ph[i].w, ph[i].h, ph[i].w, codes, SCAN_MAX_CODES);
			got[3] += count_hits(codes, n, NULL, 0, ph[i].want, ph[i].wlen);
		}
		printf("  %-14s %3d%% | %3d%% | %3d%% | %3d%%   (%d/%d | %d | %d | %d exact; goal >= 90%%)\n",
		       "real photos", 100 * got[0] / nph, 100 * got[1] / nph, 100 * got[2] / nph,
		       100 * got[3] / nph, got[0], nph, got[1], got[2], got[3]);
	}
	{
		int fp[2] = { 0 };
		for (int i = 0; i < ne720; i++) {
			int h;
			fp[0] += zbar_default(empty720[i], 1280, 720, NULL, 0, NULL, 0, &h);
			scan *live = scan_new();
			for (int fr = 0; fr < HELD; fr++)
				fp[1] += scan_frame(live, empty720[i], 1280, 720, 1280, codes, SCAN_MAX_CODES);
			scan_free(live);
		}
		printf("  %-14s decoded anything: zbar default %d, live %d (must be 0)\n", "no-code photos", fp[0], fp[1]);
	}

	/* ---- time per frame ---- */
	printf("\ntime per frame, CPU ms (median / p90): zbar default | zbar QR-only plain | this pipeline, live (median / p90 / mean)\n");
	for (int z = 0; z < 2; z++) {
		int w = sizes[z][0], h = sizes[z][1];
		for (int withcode = 0; withcode <= 1; withcode++) {
			double *t[3] = { v, v + 30000, v + 60000 };
			int nt = 0;
			scan *live = scan_new();
			uint8_t *const *empties = z ? empty720 : empty480;
			const int nempty = z ? ne720 : ne480;
			for (int rep = 0; rep < 3; rep++) {
				int nsrc = withcode ? (STRESS_CLASSES - 1) * STRESS_N : STRESS_N + nempty;
				for (int i = 0; i < nsrc; i++) {
					const uint8_t *g;
					if (withcode)
						g = st[i / STRESS_N][z][i % STRESS_N].gray;
					else if (i < STRESS_N)
						g = st[STRESS_EMPTY][z][i].gray;
					else
						g = empties[i - STRESS_N];
					int hh;
					double t0 = now_ms();
					zbar_default(g, w, h, NULL, 0, NULL, 0, &hh);
					double t1 = now_ms();
					scan_pass_run(s, SCAN_PASS_PLAIN, g, w, h, w, codes, SCAN_MAX_CODES);
					double t2 = now_ms();
					scan_frame(live, g, w, h, w, codes, SCAN_MAX_CODES);
					double t3 = now_ms();
					t[0][nt] = t1 - t0;
					t[1][nt] = t2 - t1;
					t[2][nt] = t3 - t2;
					nt++;
				}
			}
			scan_free(live);
			double m2 = mean(t[2], nt);
			printf("  %4dx%-4d %-10s %6.2f / %6.2f | %6.2f / %6.2f | %6.2f / %6.2f / %6.2f  (%d frames)%s\n", w, h,
			       withcode ? "with code" : "no code", pctl(t[0], nt, 0.5), pctl(t[0], nt, 0.9),
			       pctl(t[1], nt, 0.5), pctl(t[1], nt, 0.9), pctl(t[2], nt, 0.5), pctl(t[2], nt, 0.9), m2, nt,
			       z == 1 && !withcode ? "  goal: <= 8 ms median" : "");
		}
	}

	printf("\n");
	kiosk_latency(dir);

	for (int c = 0; c < STRESS_CLASSES; c++)
		for (int z = 0; z < 2; z++)
			for (int i = 0; i < STRESS_N; i++)
				stress_free(&st[c][z][i]);
	free(st);
	for (int i = 0; i < nph; i++) {
		free(ph[i].g);
		free(ph[i].want);
	}
	free(ph);
	for (int i = 0; i < ne720; i++)
		free(empty720[i]);
	for (int i = 0; i < ne480; i++)
		free(empty480[i]);
	zbar_image_scanner_destroy(zdef);
	scan_free(s);
	free(codes);
	free(v);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
