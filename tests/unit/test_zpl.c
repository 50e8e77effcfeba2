/* SPDX-License-Identifier: MIT */
/* The ZPL II encoder and ~HS decoder against vectors worked out by hand from Zebra's "ZPL
 * II Programming Guide", and a round trip of a rendered 102x152 badge at 203 dpi through
 * the test decoder, with its QR read by zbar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "badge/badge.h"
#include "core/err.h"
#include "printer/proto.h"
#include "protodec.h"

/* 16 x 2 dots: row 0 = 1111 0000 0000 1111, row 1 = 0000 0000 1111 1111.
 * ^GFA: 4 bytes in all, 2 a row, hex F0 0F 00 FF; the format ends with ^XZ (the tail). */
static void test_tiny_label(void **state)
{
	(void)state;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const char *want = "^XA^PW16^LL2^FO0,0^GFA,4,4,2,F00F00FF^FS";

	assert_int_equal(printer_raster_new(&r, 16, 2, 203), PRINTER_OK);
	r.bits[0] = 0xF0;
	r.bits[1] = 0x0F;
	r.bits[2] = 0x00;
	r.bits[3] = 0xFF;
	assert_int_equal(proto_zpl.encode(printer_model_find("ZD421"), NULL, &r, NULL, &body, &tail),
			 PRINTER_OK);
	assert_int_equal(body.len, strlen(want));
	assert_memory_equal(body.data, want, strlen(want));
	assert_int_equal(tail.len, 3);
	assert_memory_equal(tail.data, "^XZ", 3);
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

/* 12 dots wide: still 2 bytes a row, and the 4 dots past the width are sent white even if
 * the raster's padding holds ink. */
static void test_width_not_multiple_of_8(void **state)
{
	(void)state;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const char *want = "^XA^PW12^LL1^FO0,0^GFA,2,2,2,FFF0^FS";

	assert_int_equal(printer_raster_new(&r, 12, 1, 203), PRINTER_OK);
	r.bits[0] = 0xFF;
	r.bits[1] = 0xFF;
	assert_int_equal(proto_zpl.encode(printer_model_find("ZD421"), NULL, &r, NULL, &body, &tail),
			 PRINTER_OK);
	assert_int_equal(body.len, strlen(want));
	assert_memory_equal(body.data, want, strlen(want));
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

/* ~HS answers three STX ... ETX CR LF strings. String 1 fields: comm settings, paper out,
 * pause, label length, formats in buffer, buffer full, diag, partial format, unused,
 * corrupt RAM, under temp, over temp. String 2: function settings, unused, head up, ribbon
 * out, thermal transfer, print mode, width mode, label waiting, labels remaining, format
 * while printing, graphics stored. */
#define HS(s1, s2) "\x02" s1 "\x03\r\n\x02" s2 "\x03\r\n\x02" "1234,0" "\x03\r\n"
static void test_status(void **state)
{
	(void)state;
	struct proto_reply r;
	const char *ok = HS("030,0,0,1218,000,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000000,1,000");
	const char *paper = HS("030,1,0,1218,000,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000000,1,000");
	const char *head = HS("030,0,0,1218,000,0,0,0,000,0,0,0", "000,0,1,0,0,2,6,0,00000000,1,000");
	const char *pause = HS("030,0,1,1218,000,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000000,1,000");
	const char *busy = HS("030,0,0,1218,001,0,0,0,000,0,0,0", "000,0,0,0,0,2,6,0,00000001,1,000");

	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)ok, strlen(ok), &r),
			 (int)strlen(ok));
	assert_int_equal(r.st.state, PRINTER_READY);
	assert_false(r.busy);
	assert_int_equal(r.st.media.length_mm, 152); /* 1218 dots at 203 dpi */
	proto_zpl.status_parse(NULL, (const uint8_t *)paper, strlen(paper), &r);
	assert_int_equal(r.st.state, PRINTER_NO_MEDIA);
	proto_zpl.status_parse(NULL, (const uint8_t *)head, strlen(head), &r);
	assert_int_equal(r.st.state, PRINTER_COVER_OPEN);
	proto_zpl.status_parse(NULL, (const uint8_t *)pause, strlen(pause), &r);
	assert_int_equal(r.st.state, PRINTER_PAUSED);
	proto_zpl.status_parse(NULL, (const uint8_t *)busy, strlen(busy), &r);
	assert_true(r.busy);
	/* half a reply waits for more; garbage is refused */
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)ok, 20, &r), 0);
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)"xyz", 3, &r),
			 PRINTER_ERR_INVALID);
	struct pbuf req = { 0 };
	assert_int_equal(proto_zpl.status_request(NULL, &req), PRINTER_OK);
	assert_memory_equal(req.data, "~HS", 3);
	pbuf_free(&req);
}

/* A broken or hostile printer: fields far past 8 digits, signs, no digits at all, a zero
 * dpi. The kiosk must get a reply it can act on, never an overflow (UBSan stops the test)
 * and never a read past the reply (ASan). */
static void test_status_hostile(void **state)
{
	(void)state;
	struct proto_reply r;
	const char *huge = HS("030,0,0,99999999999999999999999999,000,0,0,0,000,0,0,0",
			      "000,0,0,0,0,2,6,0,99999999999999999999,1,000");
	const char *lmax = HS("030,0,0,9223372036854775807,000,0,0,0,000,0,0,0",
			      "000,0,0,0,0,2,6,0,00000000,1,000");
	const char *lmin = HS("030,0,0,-9223372036854775808,000,0,0,0,000,0,0,0",
			      "000,0,0,0,0,2,6,0,00000000,1,000");
	const char *words = HS("a,b,c,d,e,f,g,h,i,j,k,l", "a,b,c,d,e,f,g,h,i,j,k");
	const char *few = HS("030,0,0", "000,0,0");
	struct printer_model zero_dpi = *printer_model_find("ZD421");

	zero_dpi.dpi = 0;
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)huge, strlen(huge), &r),
			 (int)strlen(huge));
	assert_int_equal(r.st.state, PRINTER_READY);
	assert_true(r.busy); /* labels remaining: a huge count is still "some" */
	assert_true(r.st.media.length_mm > 0);
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)lmax, strlen(lmax), &r),
			 (int)strlen(lmax));
	assert_true(r.st.media.length_mm > 0);
	assert_int_equal(proto_zpl.status_parse(&zero_dpi, (const uint8_t *)lmax, strlen(lmax), &r),
			 (int)strlen(lmax));
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)lmin, strlen(lmin), &r),
			 (int)strlen(lmin));
	assert_int_equal(r.st.media.length_mm, 0); /* a negative length means nothing */
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)words, strlen(words), &r),
			 (int)strlen(words));
	assert_int_equal(r.st.state, PRINTER_READY);
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)few, strlen(few), &r),
			 PRINTER_ERR_INVALID);
	/* A field that runs to the very end of a reply with no ETX: more bytes are needed. */
	const char *open_end = "\x02" "030,0,0,12345678901234567890";
	assert_int_equal(proto_zpl.status_parse(NULL, (const uint8_t *)open_end, strlen(open_end),
						&r), 0);
}

static void test_round_trip_zd421(void **state)
{
	(void)state;
	const struct printer_model *m = printer_model_find("ZD421");
	struct badge_template t;
	struct printer_geometry g;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	struct decoded d;
	const char *code = "VK1:ZEBRA-ROUNDTRIP-7";

	assert_int_equal(badge_template_builtin("102x152", &t), VK_OK);
	assert_int_equal(printer_model_geometry(m, &t.media, &g), PRINTER_OK);
	assert_int_equal(g.dpi, 203);
	assert_int_equal(g.width_dots, 815);
	struct badge_info b = { .display = "Taras Shevchenko", .given = "Taras",
				.family = "Shevchenko", .organization = "Kaniv",
				.category = "Press", .event_name = "Forum", .code = code };
	assert_int_equal(badge_render_template(&b, &t, &g, &r), VK_OK);
	assert_int_equal(proto_zpl.encode(m, &t.media, &r, NULL, &body, &tail), PRINTER_OK);
	assert_int_equal(pbuf_put(&body, tail.data, tail.len), PRINTER_OK);
	if (decode_zpl(body.data, body.len, &d))
		fail_msg("%s", d.error);
	assert_int_equal(raster_diff(&d.r, &r), 0);
	char *text = read_qr(&d.r);
	assert_non_null(text);
	assert_string_equal(text, code);
	free(text);
	decoded_free(&d);
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_label),
		cmocka_unit_test(test_width_not_multiple_of_8),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_hostile),
		cmocka_unit_test(test_round_trip_zd421),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	badge_shutdown();
	return rc;
}
