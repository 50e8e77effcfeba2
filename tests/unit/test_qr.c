/* SPDX-License-Identifier: MIT */
/* Unit tests of QR output: every image is read back by zbar, the library the kiosk's own
 * scanner uses, from real pixels (a PNG loaded from disk, a camera-like gray image, a
 * printer raster), and must give the exact text, Cyrillic included. A VK1 ticket must stay
 * small enough (version 7) for cheap phones and webcams; the SVG must be a sane file that
 * describes exactly the same modules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "badge/qr.h"
#include "core/err.h"
#include "printer/printer.h"

#include <SDL.h>
#include <SDL_image.h>
#include <zbar.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "VK1:" and 121 characters of the Base45 alphabet (the QR alphanumeric set, space and
 * symbols included): 125 characters, the most that version 7 holds at level Q. */
static const char vk1_125[] =
	"VK1:6BFOXN*TS0BI$ZDFRH%4ZR2AB/8D4PP7G1UW71N3AZF9F2ZZ:52ALKD4ST2R1UAU8V91K*WLIKY7H1QSEF"
	"NKTB4YGK$Q5LLZ:DV6M-HUG2%3H8ZO7W:EH5/V-";
/* The length ticket.h currently specifies (TICKET_CODE_LEN 126). */
static const char vk1_126[] =
	"VK1:6BFOXN*TS0BI$ZDFRH%4ZR2AB/8D4PP7G1UW71N3AZF9F2ZZ:52ALKD4ST2R1UAU8V91K*WLIKY7H1QSEF"
	"NKTB4YGK$Q5LLZ:DV6M-HUG2%3H8ZO7W:EH5/V-1";
static const char cyrillic[] = "Квиток №17: Ґалина Їжак, «Вхід» — Київ ʼ";

static char tmpdir[64];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vkhid-test-qr-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Decodes the first QR code in a gray image with zbar, bytes as they are (binary mode,
 * or zbar would re-encode UTF-8 content). Returns a malloc'd string or NULL. */
static char *zbar_decode(const uint8_t *gray, int w, int h)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	char *text = NULL;

	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, gray, (unsigned long)w * h, NULL);
	if (zbar_scan_image(sc, img) > 0) {
		const zbar_symbol_t *sym = zbar_image_first_symbol(img);
		if (sym && zbar_symbol_get_type(sym) == ZBAR_QRCODE)
			text = strndup(zbar_symbol_get_data(sym), zbar_symbol_get_data_length(sym));
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	return text;
}

/* Loads an image file and decodes it: what a person does with a ticket PNG. */
static char *decode_png(const char *path, int *w, int *h)
{
	SDL_Surface *raw = IMG_Load(path);
	assert_non_null(raw);
	SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGBA32, 0);
	SDL_FreeSurface(raw);
	assert_non_null(s);
	uint8_t *gray = malloc((size_t)s->w * s->h);
	assert_non_null(gray);
	for (int y = 0; y < s->h; y++) {
		const uint8_t *row = (const uint8_t *)s->pixels + (size_t)y * s->pitch;
		for (int x = 0; x < s->w; x++)
			gray[(size_t)y * s->w + x] =
				(uint8_t)((row[4 * x] + row[4 * x + 1] + row[4 * x + 2]) / 3);
	}
	*w = s->w;
	*h = s->h;
	char *text = zbar_decode(gray, s->w, s->h);
	free(gray);
	SDL_FreeSurface(s);
	return text;
}

static void png_round_trip(const char *text, const char *file)
{
	struct qr_image q;
	char path[128];
	int w = 0, h = 0;

	assert_int_equal(qr_encode(text, &q), VK_OK);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
	assert_int_equal(qr_write_png(&q, 4, 4, path), VK_OK);
	char *got = decode_png(path, &w, &h);
	assert_int_equal(w, (q.size + 8) * 4);
	assert_int_equal(h, w);
	assert_non_null(got);
	assert_string_equal(got, text);
	free(got);
	qr_free(&q);
}

static void test_vk1_ticket_is_version_7_and_reads_back(void **state)
{
	struct qr_image q;

	(void)state;
	assert_int_equal(strlen(vk1_125), 125);
	assert_int_equal(qr_encode(vk1_125, &q), VK_OK);
	assert_in_range(q.version, 1, 7);
	assert_int_equal(q.size, 17 + 4 * q.version);
	qr_free(&q);
	png_round_trip(vk1_125, "vk1.png");
}

/* Today's ticket length reads back too; it needs version 8 (see the report on ticket.h). */
static void test_vk1_126_reads_back(void **state)
{
	struct qr_image q;

	(void)state;
	assert_int_equal(strlen(vk1_126), 126);
	assert_int_equal(qr_encode(vk1_126, &q), VK_OK);
	assert_in_range(q.version, 1, 8);
	qr_free(&q);
	png_round_trip(vk1_126, "vk1-126.png");
}

/* Case matters: a foreign code "abc-Def" must not come back upper-cased. */
static void test_case_and_cyrillic_round_trip(void **state)
{
	(void)state;
	png_round_trip(cyrillic, "cyr.png");
	png_round_trip("pretix:abc-Def_42", "case.png");
}

static void test_gray_image_reads_back(void **state)
{
	struct qr_image q;
	uint8_t *gray = NULL;
	int side = 0;

	(void)state;
	assert_int_equal(qr_encode(vk1_125, &q), VK_OK);
	assert_int_equal(qr_render_gray(&q, 3, 4, &gray, &side), VK_OK);
	assert_int_equal(side, (q.size + 8) * 3);
	/* The quiet zone is white and the finder pattern's corner black. */
	assert_int_equal(gray[0], 255);
	assert_int_equal(gray[(size_t)12 * side + 12], 0);
	char *got = zbar_decode(gray, side, side);
	assert_non_null(got);
	assert_string_equal(got, vk1_125);
	free(got);
	free(gray);
	assert_int_equal(qr_render_gray(&q, 0, 4, &gray, &side), VK_ERR_INVALID);
	assert_null(gray);
	assert_int_equal(qr_render_gray(&q, 1000, 4, &gray, &side), VK_ERR_INVALID);
	qr_free(&q);
}

/* qr_draw onto a printer raster: the badge path. */
static void test_draw_into_raster_reads_back(void **state)
{
	struct qr_image q;
	struct printer_raster r;

	(void)state;
	assert_int_equal(qr_encode(cyrillic, &q), VK_OK);
	assert_int_equal(printer_raster_new(&r, 400, 400, 300), PRINTER_OK);
	qr_draw(&q, &r, 40, 40, 5);
	/* Partly outside: clipped, no crash (ASan would tell). */
	qr_draw(&q, &r, 390, 390, 5);
	uint8_t *gray = malloc(400 * 400);
	assert_non_null(gray);
	for (int y = 0; y < 400; y++)
		for (int x = 0; x < 400; x++)
			gray[y * 400 + x] = printer_raster_get(&r, x, y) ? 0 : 255;
	char *got = zbar_decode(gray, 400, 400);
	assert_non_null(got);
	assert_string_equal(got, cyrillic);
	free(got);
	free(gray);
	printer_raster_free(&r);
	qr_free(&q);
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long n = ftell(fp);
	rewind(fp);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* The SVG is well-formed enough for browsers and mail-merge tools, and its path, drawn
 * back into a grid, is exactly the code's modules. */
static void test_svg_matches_modules(void **state)
{
	struct qr_image q;
	char path[128], want[64];
	const int quiet = 4;

	(void)state;
	assert_int_equal(qr_encode(vk1_125, &q), VK_OK);
	snprintf(path, sizeof(path), "%s/t.svg", tmpdir);
	assert_int_equal(qr_write_svg(&q, quiet, path), VK_OK);
	char *svg = read_file(path);

	assert_memory_equal(svg, "<svg", 4);
	int n = q.size + 2 * quiet;
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", n, n);
	assert_non_null(strstr(svg, want));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(svg, "fill=\"#ffffff\""));
	assert_null(strcasestr(svg, "nan"));
	assert_null(strcasestr(svg, "inf"));
	assert_non_null(strstr(svg, "</svg>\n"));
	char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	assert_null(strstr(d + 1, " d=\"")); /* one path */

	uint8_t *grid = calloc((size_t)n * n, 1);
	assert_non_null(grid);
	const char *p = d + 4;
	int x, y, len, len2, used;
	while (*p != '"') {
		if (*p == '\n') {
			p++;
			continue;
		}
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &len, &len2, &used), 4);
		assert_int_equal(len, len2);
		assert_in_range(x, quiet, n - quiet - 1);
		assert_in_range(y, quiet, n - quiet - 1);
		assert_in_range(x + len, x + 1, n - quiet);
		for (int i = 0; i < len; i++)
			grid[(size_t)y * n + x + i] = 1;
		p += used;
	}
	for (int my = 0; my < q.size; my++)
		for (int mx = 0; mx < q.size; mx++)
			assert_int_equal(grid[(size_t)(my + quiet) * n + mx + quiet],
					 q.modules[my * q.size + mx]);
	free(grid);
	free(svg);
	qr_free(&q);
}

static void test_bad_input_is_an_error(void **state)
{
	struct qr_image q;
	char path[128];
	char *huge;

	(void)state;
	assert_int_equal(qr_encode("", &q), VK_ERR_INVALID);
	assert_null(q.modules);
	assert_int_equal(qr_encode(NULL, &q), VK_ERR_INVALID);
	qr_free(&q);
	qr_free(&q);
	qr_free(NULL);

	/* More than a version 40 code holds at level Q. */
	huge = malloc(5001);
	assert_non_null(huge);
	memset(huge, 'x', 5000);
	huge[5000] = '\0';
	assert_int_equal(qr_encode(huge, &q), VK_ERR_INVALID);
	free(huge);

	snprintf(path, sizeof(path), "%s/none.png", tmpdir);
	assert_int_equal(qr_write_png(&q, 4, 4, path), VK_ERR_INVALID);
	assert_int_equal(qr_write_svg(&q, 4, path), VK_ERR_INVALID);
	assert_int_not_equal(access(path, F_OK), 0);

	/* A folder that does not exist: VK_ERR_IO and nothing half-written anywhere. */
	assert_int_equal(qr_encode("x", &q), VK_OK);
	snprintf(path, sizeof(path), "%s/missing/x.png", tmpdir);
	assert_int_equal(qr_write_png(&q, 4, 4, path), VK_ERR_IO);
	snprintf(path, sizeof(path), "%s/missing/x.svg", tmpdir);
	assert_int_equal(qr_write_svg(&q, 4, path), VK_ERR_IO);
	qr_free(&q);
}

/* Writing over an existing ticket replaces it whole and leaves no temporary behind. */
static void test_overwrite_is_atomic(void **state)
{
	struct qr_image a, b;
	char path[128], cmd[200];
	int w, h;

	(void)state;
	snprintf(path, sizeof(path), "%s/over.png", tmpdir);
	assert_int_equal(qr_encode("first", &a), VK_OK);
	assert_int_equal(qr_encode("second", &b), VK_OK);
	assert_int_equal(qr_write_png(&a, 4, 4, path), VK_OK);
	assert_int_equal(qr_write_png(&b, 4, 4, path), VK_OK);
	char *got = decode_png(path, &w, &h);
	assert_non_null(got);
	assert_string_equal(got, "second");
	free(got);
	snprintf(cmd, sizeof(cmd), "ls %s | grep -q tmp", tmpdir);
	assert_int_not_equal(system(cmd), 0);
	qr_free(&a);
	qr_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vk1_ticket_is_version_7_and_reads_back),
		cmocka_unit_test(test_vk1_126_reads_back),
		cmocka_unit_test(test_case_and_cyrillic_round_trip),
		cmocka_unit_test(test_gray_image_reads_back),
		cmocka_unit_test(test_draw_into_raster_reads_back),
		cmocka_unit_test(test_svg_matches_modules),
		cmocka_unit_test(test_bad_input_is_an_error),
		cmocka_unit_test(test_overwrite_is_atomic),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
