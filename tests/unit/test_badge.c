/* SPDX-License-Identifier: MIT */
/* Unit tests of badge rendering, checked on the pixels as a person at the door would: the
 * badge has the label's size, its QR code reads back with zbar to the exact ticket code,
 * the name is printed large in the upper half, a very long name stays inside the margins,
 * Ukrainian and Latin letters with diacritics and the apostrophe ʼ produce ink, a symbol
 * only DejaVu Sans has is drawn from DejaVu rather than as a box, optional fields may be
 * missing, and rendering many badges or from two threads is safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "badge/badge.h"
#include "core/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

/* Renders b with the default built-in template (62x100 at the QL's 300 dpi), as the print
 * queue does for an event without a template of its own. */
static int render_default(const struct badge_info *b, struct printer_raster *out)
{
	struct badge_template t;
	if (badge_template_builtin("62x100", &t) != VK_OK)
		return VK_ERR_NOT_FOUND;
	return badge_render_template(b, &t, NULL, out);
}

/* A signed VK1 ticket as ticket.h specifies it today (126 characters). */
static const char code[] =
	"VK1:6BFOXN*TS0BI$ZDFRH%4ZR2AB/8D4PP7G1UW71N3AZF9F2ZZ:52ALKD4ST2R1UAU8V91K*WLIKY7H1QSEF"
	"NKTB4YGK$Q5LLZ:DV6M-HUG2%3H8ZO7W:EH5/V-1";

/* 2.5 mm at 300 dpi: the layout keeps all ink inside it (die-cut labels have rounded
 * corners and the cut wanders by a dot or two). */
#define MARGIN 30

static const struct badge_info speaker = {
	.display = "Олександр Скалозуб",
	.given = "Олександр",
	.family = "Скалозуб",
	.organization = "Громадська організація «Вхід»",
	.category = "Спікер",
	.event_name = "Львівський ІТ-форум 2025",
	.code = code,
};

static int group_setup(void **state)
{
	char why[200];

	(void)state;
	if (badge_init(why, sizeof(why)) != VK_OK) {
		fprintf(stderr, "# badge_init: %s\n", why);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	badge_shutdown();
	return 0;
}

/* Black dots in the rectangle [x0, x1) x [y0, y1). */
static long ink(const struct printer_raster *r, int x0, int y0, int x1, int y1)
{
	long n = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += printer_raster_get(r, x, y);
	return n;
}

/* Decodes the QR code on a badge as the door scanner would: zbar, binary mode. */
static char *decode_raster(const struct printer_raster *r)
{
	uint8_t *gray = malloc((size_t)r->width * r->height);
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	char *text = NULL;

	assert_non_null(gray);
	for (int y = 0; y < r->height; y++)
		for (int x = 0; x < r->width; x++)
			gray[(size_t)y * r->width + x] = printer_raster_get(r, x, y) ? 0 : 255;
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)r->width, (unsigned)r->height);
	zbar_image_set_data(img, gray, (unsigned long)r->width * r->height, NULL);
	if (zbar_scan_image(sc, img) > 0) {
		const zbar_symbol_t *sym = zbar_image_first_symbol(img);
		text = strndup(zbar_symbol_get_data(sym), zbar_symbol_get_data_length(sym));
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	free(gray);
	return text;
}

/* No ink within MARGIN dots of any edge. */
static void assert_margins_clean(const struct printer_raster *r)
{
	assert_int_equal(ink(r, 0, 0, MARGIN, r->height), 0);
	assert_int_equal(ink(r, r->width - MARGIN, 0, r->width, r->height), 0);
	assert_int_equal(ink(r, 0, 0, r->width, MARGIN), 0);
	assert_int_equal(ink(r, 0, r->height - MARGIN, r->width, r->height), 0);
}

/* Rows [y0, y1) that hold ink between the margins. */
static int inked_rows(const struct printer_raster *r, int y0, int y1)
{
	int n = 0;
	for (int y = y0; y < y1; y++)
		n += ink(r, MARGIN, y, r->width - MARGIN, y + 1) > 0;
	return n;
}

/* The default template's size: a 62x100 mm DK-11202 label at 300 dpi. */
static void test_layout_table(void **state)
{
	struct badge_template t;
	struct printer_geometry g;
	(void)state;
	assert_int_equal(badge_template_builtin("62x100", &t), VK_OK);
	assert_int_equal(badge_template_geometry(&t, &g), VK_OK);
	assert_int_equal(g.width_dots, 696);
	assert_int_equal(g.height_dots, 1109);
	assert_int_equal(g.dpi, 300);
	assert_int_equal(t.media.width_mm, 62);
	assert_int_equal(t.media.length_mm, 100);
	assert_int_equal(badge_template_builtin("102x152x", &t), VK_ERR_NOT_FOUND);
}

static void test_speaker_badge(void **state)
{
	struct printer_raster r;

	(void)state;
	assert_int_equal(render_default(&speaker, &r), VK_OK);
	assert_int_equal(r.width, 696);
	assert_int_equal(r.height, 1109);
	assert_int_equal(r.dpi, 300);

	char *got = decode_raster(&r);
	assert_non_null(got);
	assert_string_equal(got, code);
	free(got);

	/* The name: plenty of ink in the upper half, below the event line, and tall text
	 * (at least 12 mm of inked rows between the event rule and the middle). */
	assert_true(ink(&r, MARGIN, 120, 696 - MARGIN, 1109 / 2) > 20000);
	assert_true(inked_rows(&r, 120, 1109 / 2) > 140);
	/* The category band: mostly black at the bottom, with white letters in it. */
	long band = ink(&r, MARGIN, 1109 - MARGIN - 100, 696 - MARGIN, 1109 - MARGIN);
	long band_area = (long)(696 - 2 * MARGIN) * 100;
	assert_true(band > band_area * 8 / 10);
	assert_true(band < band_area);
	assert_margins_clean(&r);
	printer_raster_free(&r);
}

/* A foreign code (pretix secret, lower case) is printed exactly, case kept. */
static void test_foreign_code(void **state)
{
	struct badge_info b = speaker;
	struct printer_raster r;

	(void)state;
	b.code = "pretix-q7rbs3nq8mzgh2xv";
	assert_int_equal(render_default(&b, &r), VK_OK);
	char *got = decode_raster(&r);
	assert_non_null(got);
	assert_string_equal(got, b.code);
	free(got);
	printer_raster_free(&r);
}

static void test_long_name_stays_inside(void **state)
{
	struct badge_info b = speaker;
	struct printer_raster r;

	(void)state;
	b.display = "Анна-Марія Вишневецька-Короленко-Сковорода";
	b.given = "Анна-Марія";
	b.family = "Вишневецька-Короленко-Сковорода";
	b.organization = "Національний університет «Києво-Могилянська академія», факультет "
			 "інформатики, кафедра мультимедійних систем";
	assert_int_equal(render_default(&b, &r), VK_OK);
	assert_margins_clean(&r);
	assert_true(ink(&r, MARGIN, 120, 696 - MARGIN, 1109 / 2) > 5000);
	char *got = decode_raster(&r);
	assert_non_null(got);
	assert_string_equal(got, code);
	free(got);
	printer_raster_free(&r);

	/* One word far too long for any size: cut with an ellipsis, still inside. */
	b.display = "Пиуеееееееееееееееееееееееееееееееееееееееееееееееееееееееееееееееееееееееее";
	assert_int_equal(render_default(&b, &r), VK_OK);
	assert_margins_clean(&r);
	assert_true(ink(&r, MARGIN, 120, 696 - MARGIN, 1109 / 2) > 1000);
	printer_raster_free(&r);
}

/* Letters Noto Sans has: no fallback, and ink where the name goes. */
static void test_diacritics_and_apostrophe(void **state)
{
	const char *names[] = {
		"Ґалина Їжакевич-Єрмоленко Іванʼюк",
		"Zoë Ďuríková-Øster Dʼartagnan",
		"Łukasz Żółć Şahin Nguyễn Thị",
	};
	struct printer_raster r;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct badge_info b = { .display = names[i] };
		unsigned long before = badge_fallback_count();
		assert_int_equal(render_default(&b, &r), VK_OK);
		assert_int_equal(badge_fallback_count(), before);
		assert_true(ink(&r, MARGIN, MARGIN, 696 - MARGIN, 1109 - MARGIN) > 5000);
		assert_margins_clean(&r);
		printer_raster_free(&r);
	}
}

/* ✓ is not in Noto Sans: DejaVu draws it. Drawn with Noto it would be the same empty box
 * that a code point no font has (U+10FFFD) gets; the two badges must differ. */
static void test_fallback_glyph_not_a_box(void **state)
{
	struct badge_info check = { .display = "✓✓✓" };
	struct badge_info missing = { .display = "\U0010FFFD\U0010FFFD\U0010FFFD" };
	struct printer_raster a, b;

	(void)state;
	unsigned long before = badge_fallback_count();
	assert_int_equal(render_default(&check, &a), VK_OK);
	assert_int_equal(badge_fallback_count(), before + 3);
	assert_true(ink(&a, MARGIN, MARGIN, 696 - MARGIN, 1109 - MARGIN) > 3000);

	assert_int_equal(render_default(&missing, &b), VK_OK);
	assert_int_equal(badge_fallback_count(), before + 3);
	assert_true(ink(&b, MARGIN, MARGIN, 696 - MARGIN, 1109 - MARGIN) > 0);
	assert_memory_not_equal(a.bits, b.bits, (size_t)a.stride * a.height);
	printer_raster_free(&a);
	printer_raster_free(&b);

	/* Mixed in a name: one run each way, the name still fits. */
	struct badge_info mixed = { .display = "Марта ✓ Коваль", .category = "Волонтер ✓" };
	before = badge_fallback_count();
	assert_int_equal(render_default(&mixed, &a), VK_OK);
	assert_int_equal(badge_fallback_count(), before + 2);
	assert_margins_clean(&a);
	printer_raster_free(&a);
}

/* Only a name: no band, no QR, the name alone; and the other combinations render. */
static void test_optional_fields_missing(void **state)
{
	struct badge_info b = { .display = "Марія Коваль" };
	struct printer_raster r;

	(void)state;
	assert_int_equal(render_default(&b, &r), VK_OK);
	assert_true(ink(&r, MARGIN, MARGIN, 696 - MARGIN, 1109 - MARGIN) > 5000);
	/* Nothing in the bottom quarter where the QR and band would be. */
	assert_int_equal(ink(&r, 0, 1109 * 3 / 4, 696, 1109), 0);
	assert_null(decode_raster(&r));
	printer_raster_free(&r);

	b.organization = "";
	b.category = "Учасник";
	b.code = "";
	assert_int_equal(render_default(&b, &r), VK_OK);
	assert_true(ink(&r, MARGIN, 1109 - MARGIN - 100, 696 - MARGIN, 1109 - MARGIN) > 40000);
	printer_raster_free(&r);

	b.category = NULL;
	b.code = "12345678";
	b.organization = "ТОВ «Ромашка»";
	assert_int_equal(render_default(&b, &r), VK_OK);
	char *got = decode_raster(&r);
	assert_non_null(got);
	assert_string_equal(got, "12345678");
	free(got);
	assert_margins_clean(&r);
	printer_raster_free(&r);
}

static void test_empty_name_refused(void **state)
{
	struct badge_info b = speaker;
	struct printer_raster r;

	(void)state;
	b.display = "";
	assert_int_equal(render_default(&b, &r), VK_ERR_INVALID);
	assert_null(r.bits);
	b.display = " \t\n ";
	assert_int_equal(render_default(&b, &r), VK_ERR_INVALID);
	b.display = NULL;
	assert_int_equal(render_default(&b, &r), VK_ERR_INVALID);
	assert_int_equal(render_default(NULL, &r), VK_ERR_INVALID);
	assert_int_equal(render_default(&speaker, NULL), VK_ERR_INVALID);
}

/* Whitespace from a spreadsheet (tabs, double spaces, a trailing newline) lays out the
 * same as the clean name. */
static void test_messy_whitespace(void **state)
{
	struct badge_info clean = { .display = "Олександр Скалозуб" };
	struct badge_info messy = { .display = "  Олександр\t  Скалозуб\r\n" };
	struct printer_raster a, b;

	(void)state;
	assert_int_equal(render_default(&clean, &a), VK_OK);
	assert_int_equal(render_default(&messy, &b), VK_OK);
	assert_memory_equal(a.bits, b.bits, (size_t)a.stride * a.height);
	printer_raster_free(&a);
	printer_raster_free(&b);
}

/* Twenty badges one after another: LeakSanitizer checks at exit that nothing piles up. */
static void test_many_badges(void **state)
{
	char name[64];
	struct printer_raster r;

	(void)state;
	for (int i = 0; i < 20; i++) {
		struct badge_info b = speaker;
		snprintf(name, sizeof(name), "Учасник №%d Петренко", i + 1);
		b.display = name;
		assert_int_equal(render_default(&b, &r), VK_OK);
		printer_raster_free(&r);
	}
}

struct thread_job {
	struct printer_raster r;
	int rc;
};

static void *render_thread(void *arg)
{
	struct thread_job *j = arg;
	for (int i = 0; i < 3 && j->rc == VK_OK; i++) {
		printer_raster_free(&j->r);
		j->rc = render_default(&speaker, &j->r);
	}
	return NULL;
}

/* The UI and printer threads may both render: same pixels as one thread alone. */
static void test_two_threads(void **state)
{
	struct thread_job j[2] = { 0 };
	struct printer_raster ref;
	pthread_t t[2];

	(void)state;
	assert_int_equal(render_default(&speaker, &ref), VK_OK);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, render_thread, &j[i]), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(j[i].rc, VK_OK);
		assert_memory_equal(j[i].r.bits, ref.bits, (size_t)ref.stride * ref.height);
		printer_raster_free(&j[i].r);
	}
	printer_raster_free(&ref);
}

/* Shut down and start again (a settings reload does this): still renders. */
static void test_reinit(void **state)
{
	struct printer_raster r;
	char why[200];

	(void)state;
	badge_shutdown();
	badge_shutdown();
	assert_int_equal(render_default(&speaker, &r), VK_OK); /* loads fonts itself */
	printer_raster_free(&r);
	assert_int_equal(badge_init(why, sizeof(why)), VK_OK);
	assert_string_equal(why, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_table),
		cmocka_unit_test(test_speaker_badge),
		cmocka_unit_test(test_foreign_code),
		cmocka_unit_test(test_long_name_stays_inside),
		cmocka_unit_test(test_diacritics_and_apostrophe),
		cmocka_unit_test(test_fallback_glyph_not_a_box),
		cmocka_unit_test(test_optional_fields_missing),
		cmocka_unit_test(test_empty_name_refused),
		cmocka_unit_test(test_messy_whitespace),
		cmocka_unit_test(test_many_badges),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_reinit),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
