/* SPDX-License-Identifier: MIT */
/* Badge templates (badge/template.c) and rendering them (badge/badge.c): the file format
 * with its error messages, every built-in at its printer's resolution with a readable QR,
 * categories as band, inverse block or text with per-category text, two colours on
 * DK-22251, a dithered logo, and the contact QR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_image.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "badge/badge.h"
#include "core/err.h"
#include "protodec.h"

static long ink(const struct printer_raster *r, const uint8_t *plane, int x0, int y0, int x1,
		int y1)
{
	long n = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += (plane[(size_t)y * r->stride + x / 8] >> (7 - x % 8)) & 1;
	return n;
}

static const struct badge_info speaker = {
	.display = "Олександр Скалозуб", .given = "Олександр", .family = "Скалозуб",
	.organization = "ГО «Вхід»", .category = "Спікер", .event_name = "Форум громад 2026",
	.code = "VK1:TEMPLATE-TEST", .email = "o.skalozub@example.org",
};

static void test_parse_full(void **state)
{
	(void)state;
	struct badge_template t;
	char why[256];
	const char *text =
		"# a template for the forum\n"
		"stock 62-red\n"
		"length 120   # mm\n"
		"margin 3\n"
		"event 2.5\n"
		"name 10 min 6 family-line\n"
		"organization off\n"
		"category band size 5 height 10\n"
		"category-for \"Спікер\" inverse SPEAKER · СПІКЕР\n"
		"category-for Преса off\n"
		"qr contact size 25\n"
		"logo logo.png height 12\n"
		"red category logo\n";
	assert_int_equal(badge_template_parse(text, "/srv/forum", &t, why, sizeof why), VK_OK);
	assert_int_equal(t.media.width_mm, 62);
	assert_int_equal(t.media.length_mm, 0);
	assert_int_equal(t.media.two_colour, 1);
	assert_true(t.length_mm == 120);
	assert_true(t.margin_mm == 3);
	assert_true(t.name_mm == 10 && t.name_min_mm == 6 && t.family_line);
	assert_true(t.org_mm == 0);
	assert_int_equal(t.cat_style, BADGE_CAT_BAND);
	assert_true(t.cat_mm == 5 && t.band_mm == 10);
	assert_int_equal(t.nrules, 2);
	assert_string_equal(t.rules[0].match, "Спікер");
	assert_int_equal(t.rules[0].style, BADGE_CAT_INVERSE);
	assert_string_equal(t.rules[0].text, "SPEAKER · СПІКЕР");
	assert_int_equal(t.rules[1].style, BADGE_CAT_OFF);
	assert_int_equal(t.qr, BADGE_QR_CONTACT);
	assert_string_equal(t.logo, "/srv/forum/logo.png");
	assert_int_equal(t.red, BADGE_PART_CATEGORY | BADGE_PART_LOGO);
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct badge_template t;
	char why[256];
	static const struct { const char *text, *says; } bad[] = {
		{ "stock 62x100\nsize 3\n", "line 2: unknown directive \"size\"" },
		{ "stock 63x99\n", "line 1: unknown stock \"63x99\"" },
		{ "name big\n", "line 1: \"big\" is not a size" },
		{ "category stripe\n", "line 1: category style \"stripe\"" },
		{ "qr barcode\n", "line 1: qr \"barcode\"" },
		{ "stock 62\nlength 5\n", "at least 20 mm" },
		{ "event 2 3\n", "line 1: unexpected \"3\"" },
		{ "red nose\n", "line 1: red \"nose\"" },
		{ "logo\n", "line 1: logo needs a PNG file" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(badge_template_parse(bad[i].text, NULL, &t, why, sizeof why),
				 VK_ERR_INVALID);
		if (!strstr(why, bad[i].says))
			fail_msg("\"%s\": got \"%s\", wanted \"%s\"", bad[i].text, why, bad[i].says);
	}
	assert_int_equal(badge_template_load("/nonexistent/t.txt", &t, why, sizeof why),
			 VK_ERR_NOT_FOUND);
}

/* Each built-in renders at its usual printer's size and its QR reads back. */
static void test_builtins_render(void **state)
{
	(void)state;
	static const struct { const char *name; int w, h; } want[] = {
		{ "62x100", 696, 1109 }, { "62", 696, 1063 }, { "62-red", 696, 1063 },
		{ "102x152", 1164, 1660 }, { "80", 576, 799 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct badge_template t;
		struct printer_raster r;
		assert_int_equal(badge_template_builtin(want[i].name, &t), VK_OK);
		assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
		assert_int_equal(r.width, want[i].w);
		assert_int_equal(r.height, want[i].h);
		char *text = read_qr(&r);
		if (!text)
			fail_msg("no QR read on %s", want[i].name);
		assert_string_equal(text, speaker.code);
		free(text);
		printer_raster_free(&r);
	}
	struct badge_template t;
	assert_int_equal(badge_template_builtin("A4", &t), VK_ERR_NOT_FOUND);
}

/* Band: ink across the whole width at the bottom. Inverse: a block narrower than the
 * badge. Text: no block. The per-category text replaces the category. */
static void test_category_styles(void **state)
{
	(void)state;
	struct badge_template t;
	struct printer_raster r;
	char why[256];
	int margin = 30; /* 2.5 mm at 300 dpi */

	assert_int_equal(badge_template_parse("category band\n", NULL, &t, why, sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	int y = r.height - margin - 5;
	assert_true(ink(&r, r.bits, margin, y, margin + 10, y + 1) == 10);
	printer_raster_free(&r);

	assert_int_equal(badge_template_parse("category-for Спікер inverse SPEAKER\n", NULL, &t, why,
					      sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	assert_true(ink(&r, r.bits, margin, y, margin + 10, y + 1) == 0);
	assert_true(ink(&r, r.bits, r.width / 2 - 5, y, r.width / 2 + 5, y + 1) == 10);
	printer_raster_free(&r);

	assert_int_equal(badge_template_parse("category text\n", NULL, &t, why, sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	assert_true(ink(&r, r.bits, margin, y, margin + 10, y + 1) == 0);
	long text_ink = ink(&r, r.bits, margin, r.height - margin - 106, r.width - margin,
			    r.height - margin);
	assert_true(text_ink > 500);
	printer_raster_free(&r);

	/* off for this category: the QR moves down to where the band was */
	assert_int_equal(badge_template_parse("category-for Спікер off\n", NULL, &t, why,
					      sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	assert_true(ink(&r, r.bits, margin, y, margin + 10, y + 1) == 0);
	printer_raster_free(&r);
}

/* DK-22251: the band in red, the name in black; other stock has no red plane. */
static void test_two_colour(void **state)
{
	(void)state;
	struct badge_template t;
	struct printer_raster r;

	assert_int_equal(badge_template_builtin("62-red", &t), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	assert_non_null(r.red);
	int y = r.height - 35;
	assert_true(ink(&r, r.red, 30, y, 40, y + 1) == 10);
	assert_true(ink(&r, r.bits, 30, y, 40, y + 1) == 0);
	assert_true(ink(&r, r.bits, 0, r.height / 4, r.width, r.height / 2) > 5000);
	printer_raster_free(&r);
	assert_int_equal(badge_template_builtin("62", &t), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	assert_null(r.red);
	printer_raster_free(&r);
}

/* A left-to-right gray ramp as the logo: dithered, its ink falls from left to right. */
static void test_logo_dithered(void **state)
{
	(void)state;
	char dir[] = "/tmp/vkhid-logo.XXXXXX", png[64], text[160], why[256];
	struct badge_template t;
	struct printer_raster r;

	assert_non_null(mkdtemp(dir));
	snprintf(png, sizeof png, "%s/logo.png", dir);
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 400, 100, 32, SDL_PIXELFORMAT_RGBA32);
	assert_non_null(s);
	for (int y = 0; y < 100; y++)
		for (int x = 0; x < 400; x++) {
			uint8_t *p = (uint8_t *)s->pixels + y * s->pitch + 4 * x;
			p[0] = p[1] = p[2] = (uint8_t)(x * 255 / 399);
			p[3] = 255;
		}
	assert_int_equal(IMG_SavePNG(s, png), 0);
	SDL_FreeSurface(s);
	snprintf(text, sizeof text, "logo logo.png height 10\nevent off\n");
	assert_int_equal(badge_template_parse(text, dir, &t, why, sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_OK);
	/* 10 mm = 118 dots high, 472 wide -> clipped to the inner width (636) no: 472 fits */
	int top = 30, h = 118, x0 = (696 - 472) / 2;
	long dark = ink(&r, r.bits, x0, top, x0 + 100, top + h);
	long mid = ink(&r, r.bits, x0 + 186, top, x0 + 286, top + h);
	long light = ink(&r, r.bits, x0 + 372, top, x0 + 472, top + h);
	print_message("# logo ink: %ld %ld %ld of %d\n", dark, mid, light, 100 * h);
	assert_true(dark > 100 * h * 7 / 10);
	assert_true(mid > 100 * h * 3 / 10 && mid < 100 * h * 7 / 10);
	assert_true(light < 100 * h * 2 / 10);
	printer_raster_free(&r);
	/* a logo that is not a picture is an error, not a blank */
	snprintf(text, sizeof text, "logo missing.png\n");
	assert_int_equal(badge_template_parse(text, dir, &t, why, sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&speaker, &t, NULL, &r), VK_ERR_INVALID);
	unlink(png);
	rmdir(dir);
}

/* qr contact: a MECARD with the name, organization and e-mail, special characters escaped. */
static void test_contact_qr(void **state)
{
	(void)state;
	struct badge_template t;
	struct printer_raster r;
	char why[128];
	struct badge_info b = speaker;
	b.organization = "Кафе; Бар, Ltd";

	assert_int_equal(badge_template_parse("qr contact\n", NULL, &t, why, sizeof why), VK_OK);
	assert_int_equal(badge_render_template(&b, &t, NULL, &r), VK_OK);
	char *text = read_qr(&r);
	assert_non_null(text);
	assert_string_equal(text, "MECARD:N:Скалозуб,Олександр;ORG:Кафе\\; Бар\\, Ltd;"
			    "EMAIL:o.skalozub@example.org;;");
	free(text);
	printer_raster_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_builtins_render),
		cmocka_unit_test(test_category_styles),
		cmocka_unit_test(test_two_colour),
		cmocka_unit_test(test_logo_dithered),
		cmocka_unit_test(test_contact_qr),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	badge_shutdown();
	return rc;
}
