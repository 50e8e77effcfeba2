/* SPDX-License-Identifier: MIT */
/* Unit tests of the printer layer through the simulated "file:DIR" printer: what a user of
 * the kiosk would notice. A badge comes out as DIR/NAME.png with the right pixels; a printer
 * with no labels refuses the job and says why, writes nothing, and prints again once fixed;
 * a mistyped --printer name lists the names that exist; state words survive a round trip
 * through a scenario file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "printer/printer.h"

#include <SDL.h>
#include <SDL_image.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fixture {
	char root[64];          /* a fresh temporary folder, removed afterwards */
	char dir[128];          /* root/out/labels: does not exist before printer_open */
	char spec[160];
	struct printer *p;
	struct printer_raster r;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* A badge-sized raster with recognisable ink: a black square top-left, a line along the
 * bottom row, white elsewhere. */
static void fill_pattern(struct printer_raster *r)
{
	for (int y = 10; y < 60; y++)
		for (int x = 10; x < 60; x++)
			printer_raster_set(r, x, y, 1);
	for (int x = 0; x < r->width; x++)
		printer_raster_set(r, x, r->height - 1, 1);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char why[200];

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/vkhid-test-printer-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir, sizeof(f->dir), "%s/out/labels", f->root);
	snprintf(f->spec, sizeof(f->spec), "file:%s", f->dir);
	assert_int_equal(printer_open(f->spec, &f->p, why, sizeof(why)), PRINTER_OK);
	assert_int_equal(printer_raster_new(&f->r, 696, 1109, 300), PRINTER_OK);
	fill_pattern(&f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	printer_close(f->p);
	printer_raster_free(&f->r);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static int file_exists(const char *dir, const char *name)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Files in dir, temporaries included: a refused job must leave nothing behind. */
static int count_files(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	FILE *fp = popen(cmd, "r");
	int n = -1;
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%d", &n), 1);
	pclose(fp);
	return n;
}

/* The colour of one pixel of a loaded image, as 0xRRGGBB. */
static uint32_t pixel_rgb(SDL_Surface *s, int x, int y)
{
	uint8_t *p = (uint8_t *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4;
	uint8_t r, g, b, a;
	SDL_GetRGBA(*(uint32_t *)p, s->format, &r, &g, &b, &a);
	return (uint32_t)r << 16 | (uint32_t)g << 8 | b;
}

static SDL_Surface *load_rgba(const char *path)
{
	SDL_Surface *raw = IMG_Load(path);
	assert_non_null(raw);
	SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGBA32, 0);
	SDL_FreeSurface(raw);
	assert_non_null(s);
	return s;
}

static void test_prints_png_of_same_size(void **state)
{
	struct fixture *f = *state;
	struct printer_job job = { .name = "badge-0001", .media = { 62, 100, 0 } };
	struct printer_status st;
	char path[300];

	assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_READY);
	assert_int_equal(printer_sim_count(f->p), 1);

	snprintf(path, sizeof(path), "%s/badge-0001.png", f->dir);
	SDL_Surface *s = load_rgba(path);
	assert_int_equal(s->w, 696);
	assert_int_equal(s->h, 1109);
	assert_int_equal(pixel_rgb(s, 30, 30), 0x000000);
	assert_int_equal(pixel_rgb(s, 5, 5), 0xFFFFFF);
	assert_int_equal(pixel_rgb(s, 300, 600), 0xFFFFFF);
	assert_int_equal(pixel_rgb(s, 695, 1108), 0x000000);
	SDL_FreeSurface(s);
	/* Only the PNG: no temporary left over from the atomic write. */
	assert_int_equal(count_files(f->dir), 1);
}

static void test_status_reports_file_model_and_media(void **state)
{
	struct fixture *f = *state;
	struct printer_status st;

	assert_int_equal(printer_status(f->p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_READY);
	assert_string_equal(st.model, "file");
	assert_int_equal(st.media.width_mm, 62);
	assert_int_equal(st.media.length_mm, 100);
	assert_non_null(strstr(st.detail, f->dir));
}

static void test_no_media_refuses_then_recovers(void **state)
{
	struct fixture *f = *state;
	struct printer_job job = { .name = "anna", .media = { 62, 100, 0 } };
	struct printer_status st;

	assert_int_equal(printer_sim_set_state(f->p, PRINTER_NO_MEDIA), PRINTER_OK);
	assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_ERR_NOT_READY);
	assert_int_equal(st.state, PRINTER_NO_MEDIA);
	assert_false(file_exists(f->dir, "anna.png"));
	assert_int_equal(count_files(f->dir), 0);
	assert_int_equal(printer_sim_count(f->p), 0);

	assert_int_equal(printer_status(f->p, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_NO_MEDIA);
	assert_string_equal(printer_state_name(st.state), "no-media");

	assert_int_equal(printer_sim_set_state(f->p, PRINTER_READY), PRINTER_OK);
	assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_OK);
	assert_int_equal(st.state, PRINTER_READY);
	assert_true(file_exists(f->dir, "anna.png"));
	assert_int_equal(printer_sim_count(f->p), 1);
}

static void test_unplugged_is_gone(void **state)
{
	struct fixture *f = *state;
	struct printer_job job = { .name = "b", .media = { 62, 100, 0 } };
	struct printer_status st;

	assert_int_equal(printer_sim_set_state(f->p, PRINTER_UNPLUGGED), PRINTER_OK);
	assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_ERR_GONE);
	assert_int_equal(st.state, PRINTER_UNPLUGGED);
	assert_int_equal(printer_sim_set_state(f->p, PRINTER_COVER_OPEN), PRINTER_OK);
	assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_ERR_NOT_READY);
	assert_int_equal(st.state, PRINTER_COVER_OPEN);
	assert_int_equal(count_files(f->dir), 0);
}

/* The roll ends under the third label and stays ended until someone loads a new one. */
static void test_roll_runs_out_on_third_job(void **state)
{
	struct fixture *f = *state;
	struct printer_status st;
	const char *names[] = { "j1", "j2", "j3", "j4" };

	assert_int_equal(printer_sim_fail_after(f->p, 3), PRINTER_OK);
	for (int i = 0; i < 4; i++) {
		struct printer_job job = { .name = names[i], .media = { 62, 100, 0 } };
		int rc = printer_print(f->p, &job, &f->r, &st);
		if (i < 2) {
			assert_int_equal(rc, PRINTER_OK);
		} else {
			assert_int_equal(rc, PRINTER_ERR_NOT_READY);
			assert_int_equal(st.state, PRINTER_END_OF_MEDIA);
		}
	}
	assert_int_equal(printer_sim_count(f->p), 2);
	assert_int_equal(count_files(f->dir), 2);
	assert_int_equal(printer_sim_set_state(f->p, PRINTER_READY), PRINTER_OK);
	struct printer_job again = { .name = "j3", .media = { 62, 100, 0 } };
	assert_int_equal(printer_print(f->p, &again, &f->r, &st), PRINTER_OK);
	assert_int_equal(printer_sim_count(f->p), 3);
}

static void test_wrong_media_refused(void **state)
{
	struct fixture *f = *state;
	struct printer_job job = { .name = "wide", .media = { 102, 152, 0 } };
	struct printer_status st;

	assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_ERR_NOT_READY);
	assert_int_equal(st.state, PRINTER_WRONG_MEDIA);
	assert_false(file_exists(f->dir, "wide.png"));
	/* The printer itself is fine: the next right job prints. */
	struct printer_job ok = { .name = "narrow", .media = { 62, 100, 0 } };
	assert_int_equal(printer_print(f->p, &ok, &f->r, &st), PRINTER_OK);
}

static void test_job_name_cannot_escape_folder(void **state)
{
	struct fixture *f = *state;
	struct printer_status st;
	const char *bad[] = { "../escape", "a/b", ".hidden", "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct printer_job job = { .name = bad[i], .media = { 62, 100, 0 } };
		assert_int_equal(printer_print(f->p, &job, &f->r, &st), PRINTER_ERR_INVALID);
	}
	assert_int_equal(count_files(f->dir), 0);
	char escaped[200];
	snprintf(escaped, sizeof(escaped), "%s/out/escape.png", f->root);
	assert_int_not_equal(access(escaped, F_OK), 0);
}

static void test_unknown_driver_lists_known(void **state)
{
	struct printer *p = (struct printer *)&p; /* must be reset to NULL */
	char why[200];

	(void)state;
	assert_int_equal(printer_open("usb9:04f9", &p, why, sizeof(why)), PRINTER_ERR_NO_DRIVER);
	assert_null(p);
	assert_non_null(strstr(why, "usb9"));
	assert_non_null(strstr(why, "file"));
	assert_int_equal(printer_open("", &p, why, sizeof(why)), PRINTER_ERR_INVALID);
	assert_int_equal(printer_open(NULL, &p, why, sizeof(why)), PRINTER_ERR_INVALID);
	assert_int_equal(printer_open("file", &p, why, sizeof(why)), PRINTER_ERR_INVALID);
	assert_non_null(strstr(why, "DIR"));
	assert_int_equal(printer_open("file:", &p, NULL, 0), PRINTER_ERR_INVALID);
	assert_null(p);
}

/* The :MODEL suffix names the model (shown in the status), is not part of the folder name,
 * and makes the twin write the bytes that model would receive beside the PNG. */
static void test_model_suffix(void **state)
{
	struct fixture *f = *state;
	struct printer *p = NULL;
	struct printer_status st;
	struct printer_job job = { .name = "m", .media = { 62, 100, 0 } };
	char spec[200], why[200], other[160];

	snprintf(other, sizeof(other), "%s/raw", f->root);
	snprintf(spec, sizeof(spec), "file:%s:ql820nwb", other);
	assert_int_equal(printer_open(spec, &p, why, sizeof(why)), PRINTER_OK);
	assert_int_equal(printer_status(p, &st), PRINTER_OK);
	assert_string_equal(st.model, "QL-820NWB");
	assert_non_null(strstr(st.detail, "ql820nwb"));
	assert_int_equal(printer_print(p, &job, &f->r, &st), PRINTER_OK);
	assert_true(file_exists(other, "m.png"));
	assert_true(file_exists(other, "m.bin"));
	printer_close(p);
	snprintf(spec, sizeof(spec), "file:%s:NoSuchPrinter", other);
	assert_int_equal(printer_open(spec, &p, why, sizeof(why)), PRINTER_ERR_INVALID);
	assert_non_null(strstr(why, "NoSuchPrinter"));
}

static void test_open_fails_on_a_file(void **state)
{
	struct fixture *f = *state;
	struct printer *p = NULL;
	char path[160], spec[200], why[200];

	snprintf(path, sizeof(path), "%s/plain", f->root);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(spec, sizeof(spec), "file:%s/sub", path);
	assert_int_equal(printer_open(spec, &p, why, sizeof(why)), PRINTER_ERR_IO);
	assert_null(p);
	assert_non_null(strstr(why, "plain"));
}

static int fake_status(struct printer *p, struct printer_status *st) { return PRINTER_OK; }

static void test_sim_hooks_reject_other_drivers(void **state)
{
	static const struct printer_driver other = { .name = "other", .status = fake_status };
	struct printer fake = { .drv = &other };

	(void)state;
	assert_int_equal(printer_sim_set_state(&fake, PRINTER_NO_MEDIA), PRINTER_ERR_INVALID);
	assert_int_equal(printer_sim_fail_after(&fake, 1), PRINTER_ERR_INVALID);
	assert_int_equal(printer_sim_count(&fake), PRINTER_ERR_INVALID);
	assert_int_equal(printer_sim_count(NULL), PRINTER_ERR_INVALID);
}

static void test_state_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < PRINTER_STATE_COUNT; i++) {
		const char *w = printer_state_name((enum printer_state)i);
		assert_non_null(w);
		assert_string_not_equal(w, "unknown");
		assert_int_equal(printer_state_parse(w), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(w, printer_state_name((enum printer_state)j));
	}
	assert_string_equal(printer_state_name(PRINTER_READY), "ready");
	assert_string_equal(printer_state_name(PRINTER_EDITOR_LITE), "editor-lite");
	assert_string_equal(printer_state_name(PRINTER_STATE_COUNT), "unknown");
	assert_int_equal(printer_state_parse("No-Media"), -1);
	assert_int_equal(printer_state_parse("bogus"), -1);
	assert_int_equal(printer_state_parse(NULL), -1);
}

static void test_strerror_names_every_error(void **state)
{
	(void)state;
	/* the codes run from PRINTER_ERR_IO down to PRINTER_ERR_GONE (their range, err.h) */
	for (int e = PRINTER_ERR_GONE; e <= PRINTER_ERR_IO; e++)
		assert_string_not_equal(printer_strerror(e), "unknown printer error");
	assert_string_not_equal(printer_strerror(PRINTER_OK), "unknown printer error");
	assert_string_equal(printer_strerror(-99), "unknown printer error");
}

static void test_raster_limits(void **state)
{
	struct printer_raster r;

	(void)state;
	assert_int_equal(printer_raster_new(&r, 4097, 100, 300), PRINTER_ERR_INVALID);
	assert_null(r.bits);
	assert_int_equal(printer_raster_new(&r, 100, 8193, 300), PRINTER_ERR_INVALID);
	assert_int_equal(printer_raster_new(&r, 0, 10, 300), PRINTER_ERR_INVALID);
	assert_int_equal(printer_raster_new(&r, 13, 2, 300), PRINTER_OK);
	assert_int_equal(r.stride, 2);
	assert_int_equal(r.bits[0] | r.bits[1] | r.bits[2] | r.bits[3], 0);
	printer_raster_set(&r, 12, 1, 1);
	assert_int_equal(printer_raster_get(&r, 12, 1), 1);
	assert_int_equal(printer_raster_get(&r, 11, 1), 0);
	printer_raster_free(&r);
	printer_raster_free(&r); /* twice is safe */
}

/* Two-colour stock: the red plane comes out red, and black wins where both are set. */
static void test_png_red_plane(void **state)
{
	struct fixture *f = *state;
	struct printer_raster r;
	char path[200];

	assert_int_equal(printer_raster_new(&r, 16, 4, 300), PRINTER_OK);
	r.red = calloc((size_t)r.stride * r.height, 1);
	assert_non_null(r.red);
	r.red[0] = 0xC0;                   /* (0,0) and (1,0) red */
	printer_raster_set(&r, 1, 0, 1);   /* (1,0) also black */
	snprintf(path, sizeof(path), "%s/red.png", f->root);
	assert_int_equal(printer_raster_save_png(&r, path), PRINTER_OK);
	SDL_Surface *s = load_rgba(path);
	assert_int_equal(pixel_rgb(s, 0, 0) & 0xFF0000, 0xDC0000);
	assert_int_equal(pixel_rgb(s, 0, 0) & 0x00FFFF, 0);
	assert_int_equal(pixel_rgb(s, 1, 0), 0x000000);
	assert_int_equal(pixel_rgb(s, 2, 0), 0xFFFFFF);
	SDL_FreeSurface(s);
	printer_raster_free(&r);

	/* A folder that does not exist: an error, not a crash. */
	snprintf(path, sizeof(path), "%s/missing/red.png", f->root);
	assert_int_equal(printer_raster_new(&r, 8, 8, 300), PRINTER_OK);
	assert_int_equal(printer_raster_save_png(&r, path), PRINTER_ERR_IO);
	printer_raster_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prints_png_of_same_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_reports_file_model_and_media, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_media_refuses_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unplugged_is_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roll_runs_out_on_third_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_media_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_name_cannot_escape_folder, setup, teardown),
		cmocka_unit_test(test_unknown_driver_lists_known),
		cmocka_unit_test_setup_teardown(test_model_suffix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_fails_on_a_file, setup, teardown),
		cmocka_unit_test(test_sim_hooks_reject_other_drivers),
		cmocka_unit_test(test_state_names_round_trip),
		cmocka_unit_test(test_strerror_names_every_error),
		cmocka_unit_test(test_raster_limits),
		cmocka_unit_test_setup_teardown(test_png_red_plane, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
