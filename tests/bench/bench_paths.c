/* SPDX-License-Identifier: MIT */
/* `make bench` (the two hot paths, on any architecture): the same program is built
 * natively and for arm64 (make cross), and tests/bench/arm64.sh runs both in one go, the
 * arm64 one under qemu-aarch64, to print them side by side with their ratio: a slowdown
 * that only arm64 has (a slow path for unsigned chars, unaligned reads, a missing SIMD
 * branch in a library) shows as a ratio well above the emulation's usual one.
 *
 *   scan      scan_frame() on an empty 1280x720 frame (a lit wall with sensor noise, the
 *             same bytes on every machine): what every camera frame costs when nobody is
 *             in front of the kiosk. Median CPU ms of the thread over 31 frames.
 *   checkin   checkin_present() of a signed ticket against 5,000 registrations, each
 *             admission written to the database: median CPU ms over 300 tickets (CPU
 *             time, so the fsync waits, the same on both, stay out of the ratio).
 *
 * With --machine it prints "name value" lines for the script; otherwise a sentence each.
 * Other arguments (make bench passes --vkhid to every bench) are ignored. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/checkin.h"
#include "core/err.h"
#include "core/import.h"
#include "core/ticket.h"
#include "db/db.h"
#include "scan/scan.h"

#define ROWS 5000
#define NCI 300
#define NFRAMES 31

static double cpu_ms(void)
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

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

/* A wall lit from one side, with the sensor's noise: a fixed generator, so every machine
 * scans the same bytes. */
static void empty_frame(uint8_t *g, int w, int h)
{
	uint32_t x = 2463534242u;
	for (int y = 0; y < h; y++)
		for (int i = 0; i < w; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			g[(size_t)y * w + i] = (uint8_t)(90 + i * 80 / w + y * 30 / h + (int)(x % 9) - 4);
		}
}

static double bench_scan(void)
{
	enum { W = 1280, H = 720 };
	uint8_t *g = malloc((size_t)W * H);
	struct scan_code *codes = calloc(SCAN_MAX_CODES, sizeof *codes);
	scan *s = scan_new();
	double v[NFRAMES], r = -1;

	if (g && codes && s) {
		empty_frame(g, W, H);
		for (int i = 0; i < NFRAMES; i++) {
			double t0 = cpu_ms();
			if (scan_frame(s, g, W, H, W, codes, SCAN_MAX_CODES) != 0)
				fprintf(stderr, "bench_paths: a code was read in an empty frame\n");
			v[i] = cpu_ms() - t0;
		}
		r = median(v, NFRAMES);
	}
	scan_free(s);
	free(codes);
	free(g);
	return r;
}

static double bench_checkin(const char *dir)
{
	char path[512], csv[512], why[512];
	struct import_report rep;
	struct import_opts o;
	struct db_event ev;
	struct db_key key;
	struct checkin_desk desk;
	struct checkin_result r;
	uint8_t sk[64];
	double v[NCI], res = -1;
	db *d = NULL;
	FILE *f;

	snprintf(csv, sizeof csv, "%s/list.csv", dir);
	f = fopen(csv, "w");
	if (!f)
		return -1;
	fputs("external_id,given_name,family_name,organization,category,email\n", f);
	for (int i = 0; i < ROWS; i++)
		fprintf(f, "E%05d,Олександр,Скалозуб %d,\"Org %d, Kyiv\",%s,p%05d@example.org\n", i, i,
			i % 50, i % 7 ? "Учасник" : "Спікер", i);
	fclose(f);
	snprintf(path, sizeof path, "%s/paths.db", dir);
	if (db_open(path, DB_CREATE, &d, why, sizeof why) != VK_OK) {
		fprintf(stderr, "bench_paths: %s\n", why);
		return -1;
	}
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Bench");
	db_event_create(d, &ev);
	db_event_set_current(d, ev.id);
	memset(&key, 0, sizeof key);
	key.event_id = ev.id;
	crypto_sign_keypair(key.pk, sk);
	db_key_add(d, &key);
	memset(&o, 0, sizeof o);
	o.event_id = ev.id;
	memset(&rep, 0, sizeof rep);
	if (import_csv_file(d, csv, &o, &rep, why, sizeof why) != VK_OK) {
		fprintf(stderr, "bench_paths: import failed: %s\n", why);
		db_close(d);
		return -1;
	}
	import_report_free(&rep);
	checkin_desk_init(&desk, d);
	desk.queue_badges = 1;
	for (int i = 0; i < NCI; i++) {
		char code[TICKET_CODE_LEN + 1];
		struct ticket t = { .version = 1, .key_id = (uint16_t)key.key_id, .event_id = (uint32_t)ev.id,
				    .number = (uint32_t)(1 + (i * 48271u) % ROWS), .nonce = (uint32_t)(i + 1) };
		double t0;
		ticket_sign(&t, sk, code, sizeof code);
		t0 = cpu_ms();
		checkin_present(&desk, code, strlen(code), DB_CI_QR, &r);
		v[i] = cpu_ms() - t0;
		if (r.outcome != CI_ADMITTED && i == 0)
			fprintf(stderr, "bench_paths: the first ticket was not admitted (%d)\n", r.outcome);
	}
	res = median(v, NCI);
	db_close(d);
	return res;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/vkhid-bench-paths.XXXXXX", cmd[64];
	int machine = 0;
	double scan_ms, ci_ms;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--machine") == 0)
			machine = 1;
	if (!mkdtemp(dir) || sodium_init() < 0)
		return 1;
	setenv("TZ", "Europe/Kyiv", 1);
	scan_ms = bench_scan();
	ci_ms = bench_checkin(dir);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_paths: could not remove %s\n", dir);
	if (scan_ms < 0 || ci_ms < 0)
		return 1;
	if (machine) {
		printf("scan_empty_720p_ms %.3f\ncheckin_ms %.3f\n", scan_ms, ci_ms);
	} else {
		printf("hot paths (this build): scan of an empty 1280x720 frame %.2f ms, check-in of a "
		       "signed ticket (5,000 registrations) %.3f ms; CPU medians\n", scan_ms, ci_ms);
		printf("  (make bench also runs the arm64 build under qemu beside it: tests/bench/arm64.sh)\n");
	}
	return 0;
}
