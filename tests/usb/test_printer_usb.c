/* SPDX-License-Identifier: MIT */
/* The real libusb code path of the "usb" printer driver against fake printers on umockdev
 * (tests/fakes/fakeprinter.c): finding and naming printers (GET_DEVICE_ID), whole badge
 * jobs to a 720-dot QL-820NWB, a 1296-dot QL-1110NWB, a Zebra ZD421 and an Epson TM-T20
 * (the bytes decoded back and compared with the rendered badge, the QR read), and every
 * fault a person can fix: cover open, no labels, wrong roll, a printer that does not answer
 * (a real LIBUSB_ERROR_TIMEOUT), unplugged mid-job and plugged back, Editor Lite, DYMO.
 * Finally the print queue over USB across an unplug: the badge prints once.
 *
 * Runs under umockdev-wrapper (tests/run.sh does it); without umockdev it skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "badge/badge.h"
#include "badge/printq.h"
#include "core/err.h"
#include "db/db.h"
#include "fakeprinter.h"
#include "printer/proto.h"
#include "protodec.h"

static const struct printer_media R62X100 = { 62, 100, 0 }, R102X152 = { 102, 152, 0 },
				  R80 = { 80, 0, 0 };

static const struct badge_info who = {
	.display = "Ярослав Мудрий", .given = "Ярослав", .family = "Мудрий",
	.organization = "Київська Русь", .category = "Гість", .event_name = "Форум",
	.code = "VK1:USB-FAKE-TEST",
};

struct commits {
	int begin, abort;
};

static int on_commit(void *ctx, enum printer_commit what)
{
	struct commits *c = ctx;
	if (what == PRINTER_COMMIT_BEGIN)
		c->begin++;
	else
		c->abort++;
	return 0;
}

static struct printer *open_spec(const char *spec)
{
	struct printer *p = NULL;
	char why[256];
	if (printer_open(spec, &p, why, sizeof why) != PRINTER_OK)
		fail_msg("open %s: %s", spec, why);
	return p;
}

/* Renders the badge for template tpl at p's geometry and prints it. */
static int print_badge(struct printer *p, const char *tpl, struct printer_status *st,
		       struct commits *c, struct printer_raster *keep)
{
	struct badge_template t;
	struct printer_geometry g;
	struct printer_raster r;

	assert_int_equal(badge_template_builtin(tpl, &t), VK_OK);
	assert_int_equal(printer_geometry(p, &t.media, &g), PRINTER_OK);
	assert_int_equal(badge_render_template(&who, &t, &g, &r), VK_OK);
	struct printer_job job = { .name = "usb", .media = t.media, .commit = on_commit,
				   .commit_ctx = c };
	int rc = printer_print(p, &job, &r, st);
	if (keep)
		*keep = r;
	else
		printer_raster_free(&r);
	return rc;
}

static int setup(void **state)
{
	struct fakebed *b = fakebed_new();
	if (!b)
		skip();
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	fakebed_free(*state);
	return 0;
}

static void test_list_names_printers(void **state)
{
	struct fakebed *b = *state;
	struct printer_found found[8];

	fake_add(b, "QL-820NWB", R62X100);
	fake_add(b, "QL-1110NWB", R102X152);
	fake_add(b, "ZD421", R102X152);
	fake_add(b, "TM-T20", R80);
	int n = printer_list(found, 8);
	assert_int_equal(n, 4);
	const struct printer_found *ql = NULL, *wide = NULL, *zd = NULL, *tm = NULL;
	for (int i = 0; i < n; i++) {
		if (strcmp(found[i].spec, "usb:04f9:209d") == 0)
			ql = &found[i];
		if (strcmp(found[i].spec, "usb:04f9:20a8") == 0)
			wide = &found[i];
		if (strncmp(found[i].spec, "usb:0a5f:", 9) == 0)
			zd = &found[i];
		if (strcmp(found[i].spec, "usb:04b8:0e03") == 0)
			tm = &found[i];
	}
	assert_non_null(ql);
	assert_string_equal(ql->model, "QL-820NWB");
	assert_int_equal(ql->status.state, PRINTER_READY);
	assert_int_equal(ql->status.media.width_mm, 62);
	assert_int_equal(ql->status.media.length_mm, 100);
	assert_non_null(wide);
	assert_string_equal(wide->model, "QL-1110NWB");
	assert_int_equal(wide->status.media.width_mm, 102);
	/* not in our id table: found by its printer interface, named by GET_DEVICE_ID */
	assert_non_null(zd);
	assert_string_equal(zd->model, "ZD421");
	assert_int_equal(zd->status.state, PRINTER_READY);
	assert_non_null(tm);
	assert_string_equal(tm->model, "TM-T20");
}

/* A whole job through libusb; the fake's bytes decode to the badge we rendered. */
static void brother_job(struct fakebed *b, const char *model, struct printer_media m,
			const char *tpl)
{
	struct fakeprinter *f = fake_add(b, model, m);
	struct printer *p = open_spec(fake_spec(f));
	struct printer_status st;
	struct commits c = { 0 };
	struct printer_raster r;
	struct decoded d;
	size_t len;

	assert_int_equal(print_badge(p, tpl, &st, &c, &r), PRINTER_OK);
	assert_int_equal(c.begin, 1);
	assert_int_equal(c.abort, 0);
	assert_int_equal(fake_jobs(f), 1);
	const uint8_t *job = fake_job(f, 0, &len);
	const struct brother_media *bm = brother_media_find(m.width_mm, m.length_mm);
	int rc = decode_brother(job, len, printer_model_find(model)->head_dots, bm->dots_printable,
				bm->right_margin, &d);
	if (rc)
		fail_msg("%s", d.error);
	assert_int_equal(raster_diff(&d.r, &r), 0);
	char *text = read_qr(&d.r);
	assert_non_null(text);
	assert_string_equal(text, who.code);
	free(text);
	decoded_free(&d);
	printer_raster_free(&r);
	printer_close(p);
}

static void test_ql820_job(void **state) { brother_job(*state, "QL-820NWB", R62X100, "62x100"); }
static void test_ql1110_job(void **state)
{
	brother_job(*state, "QL-1110NWB", R102X152, "102x152");
}

static void test_zebra_job(void **state)
{
	struct fakebed *b = *state;
	struct fakeprinter *f = fake_add(b, "ZD421", R102X152);
	struct printer *p = open_spec("usb:0a5f");
	struct printer_status st;
	struct commits c = { 0 };
	struct printer_raster r;
	struct decoded d;
	size_t len;

	assert_int_equal(print_badge(p, "102x152", &st, &c, &r), PRINTER_OK);
	assert_int_equal(fake_jobs(f), 1);
	const uint8_t *job = fake_job(f, 0, &len);
	if (decode_zpl(job, len, &d))
		fail_msg("%s", d.error);
	assert_int_equal(raster_diff(&d.r, &r), 0);
	char *text = read_qr(&d.r);
	assert_string_equal(text, who.code);
	free(text);
	decoded_free(&d);
	printer_raster_free(&r);
	/* head open */
	fake_set_state(f, PRINTER_COVER_OPEN);
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_COVER_OPEN);
	assert_int_equal(print_badge(p, "102x152", &st, &c, NULL), PRINTER_ERR_NOT_READY);
	/* silent: no answer means it needs attention */
	fake_set_state(f, PRINTER_READY);
	fake_set_silent(f, 1);
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_NOT_ANSWERING);
	assert_int_equal(fake_jobs(f), 1);
	printer_close(p);
}

static void test_escpos_job(void **state)
{
	struct fakebed *b = *state;
	struct fakeprinter *f = fake_add(b, "TM-T20", R80);
	struct printer *p = open_spec("usb:TM-T20");
	struct printer_status st;
	struct commits c = { 0 };
	struct printer_raster r;
	struct decoded d;
	size_t len;

	assert_int_equal(print_badge(p, "80", &st, &c, &r), PRINTER_OK);
	assert_int_equal(fake_jobs(f), 1);
	const uint8_t *job = fake_job(f, 0, &len);
	if (decode_escpos(job, len, &d))
		fail_msg("%s", d.error);
	assert_int_equal(raster_diff(&d.r, &r), 0);
	decoded_free(&d);
	printer_raster_free(&r);
	fake_set_state(f, PRINTER_END_OF_MEDIA);
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_END_OF_MEDIA);
	printer_close(p);
}

/* Cover open, no labels, wrong roll: refused before a byte of the job is sent. */
static void test_brother_faults(void **state)
{
	struct fakebed *b = *state;
	struct fakeprinter *f = fake_add(b, "QL-820NWB", R62X100);
	struct printer *p = open_spec("usb");
	struct printer_status st;
	struct commits c = { 0 };

	fake_set_state(f, PRINTER_COVER_OPEN);
	assert_int_equal(print_badge(p, "62x100", &st, &c, NULL), PRINTER_ERR_NOT_READY);
	assert_int_equal(st.state, PRINTER_COVER_OPEN);
	fake_set_state(f, PRINTER_NO_MEDIA);
	assert_int_equal(print_badge(p, "62x100", &st, &c, NULL), PRINTER_ERR_NOT_READY);
	assert_int_equal(st.state, PRINTER_NO_MEDIA);
	fake_set_state(f, PRINTER_READY);
	fake_set_media(f, (struct printer_media){ 62, 0, 0 });
	assert_int_equal(print_badge(p, "62x100", &st, &c, NULL), PRINTER_ERR_NOT_READY);
	assert_int_equal(st.state, PRINTER_WRONG_MEDIA);
	assert_non_null(strstr(st.detail, "loaded: 62 mm endless; needed: 62 x 100 mm die-cut"));
	assert_int_equal(c.begin, 0);
	assert_int_equal(fake_jobs(f), 0);
	fake_set_media(f, R62X100);
	assert_int_equal(print_badge(p, "62x100", &st, &c, NULL), PRINTER_OK);
	assert_int_equal(fake_jobs(f), 1);
	printer_close(p);
}

/* Not answering: the status read really times out in libusb. */
static void test_not_answering(void **state)
{
	struct fakebed *b = *state;
	struct fakeprinter *f = fake_add(b, "QL-820NWB", R62X100);
	struct printer *p = open_spec("usb:04f9:209d");
	struct printer_status st;
	struct commits c = { 0 };

	fake_set_silent(f, 1);
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_NOT_ANSWERING);
	assert_non_null(strstr(st.detail, "did not answer"));
	assert_int_equal(print_badge(p, "62x100", &st, &c, NULL), PRINTER_ERR_TIMEOUT);
	fake_set_silent(f, 0);
	assert_int_equal(print_badge(p, "62x100", &st, &c, NULL), PRINTER_OK);
	assert_int_equal(fake_jobs(f), 1);
	printer_close(p);
}

/* Unplugged in the middle of the raster data: nothing printed, no commit, the state says
 * unplugged; plugged back: found again and the job goes through whole. */
static void test_unplug_mid_job(void **state)
{
	struct fakebed *b = *state;
	struct fakeprinter *f = fake_add(b, "QL-1110NWB", R102X152);
	struct printer *p = open_spec("usb:QL-1110NWB");
	struct printer_status st;
	struct commits c = { 0 };

	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_READY);
	fake_unplug_after(f, 20000);
	assert_int_equal(print_badge(p, "102x152", &st, &c, NULL), PRINTER_ERR_GONE);
	if (st.state != PRINTER_UNPLUGGED)
		fail_msg("state %s: %s", printer_state_name(st.state), st.detail);
	assert_int_equal(c.begin, 0);
	assert_int_equal(fake_jobs(f), 0);
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	if (st.state != PRINTER_UNPLUGGED)
		fail_msg("state %s: %s", printer_state_name(st.state), st.detail);
	fake_replug(f);
	int ready = 0;
	for (int i = 0; i < 500 && !ready; i++) { /* up to 10 s */
		assert_int_equal(printer_status(p, &st), PRINTER_OK);
		ready = st.state == PRINTER_READY;
		if (!ready)
			usleep(20000);
	}
	if (!ready)
		fail_msg("after replug: %s: %s", printer_state_name(st.state), st.detail);
	assert_int_equal(print_badge(p, "102x152", &st, &c, NULL), PRINTER_OK);
	assert_int_equal(c.begin, 1);
	assert_int_equal(fake_jobs(f), 1);
	printer_close(p);
}

static void test_editor_lite_and_dymo(void **state)
{
	struct fakebed *b = *state;
	struct printer_status st;

	fake_add(b, "QL-1110NWB (Editor Lite)", R102X152);
	struct printer *p = open_spec("usb");
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_EDITOR_LITE);
	printer_close(p);
	fake_add(b, "LabelWriter 450", R62X100);
	p = open_spec("usb:0922");
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_UNSUPPORTED);
	assert_non_null(strstr(st.detail, "LabelWriter 450"));
	printer_close(p);
	p = open_spec("usb:04f9:209d");
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_ABSENT);
	printer_close(p);
}

/* The queue over USB: a badge waits while the printer is unplugged, prints once when it
 * is back. */
static void test_queue_across_unplug(void **state)
{
	struct fakebed *b = *state;
	struct fakeprinter *f = fake_add(b, "QL-820NWB", R62X100);
	char dir[] = "/tmp/vkhid-usbq.XXXXXX", path[64], why[256];
	db *d;
	struct db_event ev = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/q.db", dir);
	assert_int_equal(db_open(path, DB_CREATE, &d, why, sizeof why), VK_OK);
	snprintf(ev.name, sizeof ev.name, "Форум");
	assert_int_equal(db_event_create(d, &ev), VK_OK);
	struct db_registration r = { .event_id = ev.id };
	snprintf(r.display, sizeof r.display, "Анна Київська");
	assert_int_equal(db_reg_insert(d, &r), VK_OK);
	struct db_print_job j = { .event_id = ev.id, .number = r.number };
	snprintf(j.template_name, sizeof j.template_name, "62x100");
	assert_int_equal(db_job_add(d, &j), VK_OK);

	fake_unplug(f);
	struct printq *q = NULL;
	struct printq_config cfg = { .db_path = path, .printer_spec = "usb" };
	assert_int_equal(printq_open(&cfg, NULL, NULL, &q, why, sizeof why), VK_OK);
	assert_int_equal(printq_run_once(q), 0);
	struct printq_status st;
	printq_get_status(q, &st);
	assert_int_equal(st.queued, 1);
	assert_int_equal(st.state, PRINTER_ABSENT);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fake_replug(f);
	int printed = 0;
	for (int i = 0; i < 500 && !printed; i++) { /* up to 10 s */
		printed = printq_run_once(q);
		if (!printed)
			usleep(20000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("# replugged QL-820NWB found and badge printed in %.0f ms\n",
		      (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	printq_get_status(q, &st);
	if (printed != 1)
		fail_msg("after replug: %s: %s", printer_state_name(st.state), st.detail);
	assert_int_equal(printq_run_once(q), 0);
	printq_close(q);
	assert_int_equal(fake_jobs(f), 1);
	assert_int_equal(db_job_count(d, DB_JOB_DONE), 1);
	db_close(d);
	unlink(path);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_names_printers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ql820_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ql1110_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zebra_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escpos_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brother_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_answering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unplug_mid_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_editor_lite_and_dymo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_across_unplug, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	badge_shutdown();
	return rc;
}
