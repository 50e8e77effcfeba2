/* SPDX-License-Identifier: MIT */
/* `make bench` (printing figures), release build:
 *
 *   render+encode  one badge per built-in template on its usual printer (QL-820NWB for
 *                  62 mm stock, QL-1110NWB for 102x152, TM-T20 for 80 mm receipts) and a
 *                  ZD421: median ms of 30 (goal < 30 ms)
 *   bytes          a Brother job with and without PackBits compression
 *   resume         a printer unplugged then plugged back while a badge waits: ms until the
 *                  queue's worker thread notices and the badge is out. Measured with the
 *                  simulated printer (file twin): the worker looks once a second, so this is
 *                  the queue's own latency; the USB driver's re-enumeration on the same poll
 *                  is timed under umockdev in tests/usb/test_printer_usb.c.
 *
 * Timing goals live here, never in the tests. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "badge/badge.h"
#include "badge/printq.h"
#include "core/err.h"
#include "db/db.h"
#include "printer/proto.h"

#define RUNS 30

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
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

static const struct badge_info who = {
	.display = "Олександра Їжакевич-Мʼясоїд", .given = "Олександра",
	.family = "Їжакевич-Мʼясоїд", .organization = "Асоціація міст України",
	.category = "Спікер", .event_name = "Форум громад 2026",
	.code = "VK1:NCTM8H0DD6BZNDOL6RH1MZ9MZ3QKQJKEMZ2IU+OR3NKXFQ0:EZD6M2B4E-NRWB$AZRB42I:FHN-R6XFMAULF$SPM4PGG.FAJLN4/4U*IT:P",
};

/* Renders and encodes one badge; returns ms, and the job size. */
static double one(const struct printer_model *m, const struct badge_template *t,
		  const struct proto_opts *o, size_t *bytes)
{
	struct printer_geometry g;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const struct printer_protocol *p = proto_find(m->protocol);
	double t0 = now_ms();

	if (printer_model_geometry(m, &t->media, &g) != PRINTER_OK
	    || badge_render_template(&who, t, &g, &r) != VK_OK
	    || p->encode(m, &t->media, &r, o, &body, &tail) != PRINTER_OK) {
		fprintf(stderr, "bench_print: %s on %s failed\n", t->name, m->name);
		exit(1);
	}
	double ms = now_ms() - t0;
	if (bytes)
		*bytes = body.len + tail.len;
	printer_raster_free(&r);
	pbuf_free(&body);
	pbuf_free(&tail);
	return ms;
}

static void render_encode(const char *tpl, const char *model)
{
	struct badge_template t;
	double v[RUNS];
	const struct printer_model *m = printer_model_find(model);

	badge_template_builtin(tpl, &t);
	one(m, &t, NULL, NULL); /* warm the glyph caches */
	for (int i = 0; i < RUNS; i++)
		v[i] = one(m, &t, NULL, NULL);
	printf("render+encode %-8s %-11s %6.1f ms median (goal < 30 ms)\n", tpl, model,
	       median(v, RUNS));
}

static void job_bytes(const char *tpl, const char *model)
{
	struct badge_template t;
	struct proto_opts raw = { .no_compression = 1 };
	size_t packed, plain;

	badge_template_builtin(tpl, &t);
	one(printer_model_find(model), &t, NULL, &packed);
	one(printer_model_find(model), &t, &raw, &plain);
	printf("brother job   %-8s %-11s %7zu bytes with PackBits, %7zu without (%.0f%%)\n", tpl,
	       model, packed, plain, 100.0 * packed / plain);
}

static int printed;
static void on_note(void *ctx, const struct printq_note *n)
{
	(void)ctx;
	if (n->kind == PRINTQ_PRINTED)
		__atomic_add_fetch(&printed, 1, __ATOMIC_SEQ_CST);
}

/* Unplug, queue a badge, plug back (without kicking the worker): ms until it is out. */
static double resume_once(const char *dbpath, const char *spec, int64_t event, int k)
{
	db *d;
	char why[256];
	struct printq *q = NULL;
	struct printq_config cfg = { .db_path = dbpath, .printer_spec = spec };

	if (db_open(dbpath, 0, &d, why, sizeof why) != VK_OK
	    || printq_open(&cfg, on_note, NULL, &q, why, sizeof why) != VK_OK) {
		fprintf(stderr, "bench_print: %s\n", why);
		exit(1);
	}
	printer_sim_set_state(printq_printer(q), PRINTER_UNPLUGGED);
	printq_start(q);
	struct db_print_job j = { .event_id = event, .number = k };
	snprintf(j.template_name, sizeof j.template_name, "62x100");
	db_job_add(d, &j);
	printq_kick(q);
	usleep(200000);
	int before = __atomic_load_n(&printed, __ATOMIC_SEQ_CST);
	double t0 = now_ms();
	printer_sim_set_state(printq_printer(q), PRINTER_READY);
	while (__atomic_load_n(&printed, __ATOMIC_SEQ_CST) == before && now_ms() - t0 < 5000)
		usleep(1000);
	double ms = now_ms() - t0;
	printq_close(q);
	db_close(d);
	return ms;
}

static void resume(void)
{
	char dir[] = "/tmp/vkhid-bench-print.XXXXXX", path[96], spec[128], why[256];
	db *d;
	struct db_event ev = { 0 };
	double v[5];

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/b.db", dir);
	snprintf(spec, sizeof spec, "file:%s/labels", dir);
	if (db_open(path, DB_CREATE, &d, why, sizeof why) != VK_OK)
		return;
	snprintf(ev.name, sizeof ev.name, "Bench");
	db_event_create(d, &ev);
	for (int i = 0; i < 5; i++) {
		struct db_registration r = { .event_id = ev.id };
		snprintf(r.display, sizeof r.display, "Учасник %d", i + 1);
		db_reg_insert(d, &r);
	}
	db_close(d);
	for (int i = 0; i < 5; i++)
		v[i] = resume_once(path, spec, ev.id, i + 1);
	printf("replug->printed (file twin, worker polls 1/s) %6.0f ms median of 5 (goal < 2000 ms)\n",
	       median(v, 5));
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_print: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
	char why[256];

	(void)argc;
	(void)argv;
	if (badge_init(why, sizeof why) != VK_OK) {
		fprintf(stderr, "bench_print: %s\n", why);
		return 1;
	}
	printf("vkhid printing benchmarks (release build, %ld cores)\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	render_encode("62x100", "QL-820NWB");
	render_encode("62", "QL-820NWB");
	render_encode("62-red", "QL-820NWB");
	render_encode("102x152", "QL-1110NWB");
	render_encode("102x152", "ZD421");
	render_encode("80", "TM-T20");
	job_bytes("62x100", "QL-820NWB");
	job_bytes("62-red", "QL-820NWB");
	job_bytes("102x152", "QL-1110NWB");
	resume();
	badge_shutdown();
	return 0;
}
