/* SPDX-License-Identifier: MIT */
/* The Brother QL raster encoder and status decoder, byte by byte against vectors worked
 * out by hand from Brother's "QL Series Raster Command Reference" (and the PackBits example
 * of the TIFF 6.0 specification), then a round trip: a rendered badge encoded for a 720-dot
 * (QL-820NWB) and a 1296-dot (QL-1110NWB) head, decoded back by tests/unit/protodec.c,
 * compared dot for dot, and its QR read with zbar. */
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

static const struct printer_model *model(const char *name)
{
	const struct printer_model *m = printer_model_find(name);
	assert_non_null(m);
	return m;
}

/* TIFF 6.0, section 9: the PackBits example. */
static void test_packbits_tiff_example(void **state)
{
	(void)state;
	const uint8_t in[] = { 0xAA, 0xAA, 0xAA, 0x80, 0x00, 0x2A, 0xAA, 0xAA, 0xAA, 0xAA, 0x80,
			       0x00, 0x2A, 0x22, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA,
			       0xAA, 0xAA };
	const uint8_t want[] = { 0xFE, 0xAA, 0x02, 0x80, 0x00, 0x2A, 0xFD, 0xAA, 0x03, 0x80,
				 0x00, 0x2A, 0x22, 0xF7, 0xAA };
	struct pbuf out = { 0 };
	assert_int_equal(brother_packbits(in, sizeof(in), &out), PRINTER_OK);
	assert_int_equal(out.len, sizeof(want));
	assert_memory_equal(out.data, want, sizeof(want));
	pbuf_free(&out);
}

/* A 62x100 label (696 x 1109 dots) with one black dot at the top-left corner. */
static void corner_dot(struct printer_raster *r, int w, int h)
{
	assert_int_equal(printer_raster_new(r, w, h, 300), PRINTER_OK);
	printer_raster_set(r, 0, 0, 1);
}

/* Finds needle in the job; returns its offset or -1. */
static long find(const struct pbuf *b, const void *needle, size_t n, size_t from)
{
	for (size_t i = from; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return (long)i;
	return -1;
}

/* QL-800: no compression. Worked by hand:
 *   400 x 00                     invalidate (QL-8xx)
 *   1B 40                        initialise
 *   1B 69 61 01                  raster mode
 *   1B 69 7A 8E 0B 3E 64 55 04 00 00 00 00
 *                                flags 0x80|0x02|0x04|0x08, die-cut, 62 mm, 100 mm,
 *                                1109 = 0x0455 lines, first page
 *   1B 69 4D 40  1B 69 41 01     auto-cut, every label
 *   1B 69 4B 08                  cut at end
 *   1B 69 64 00 00               no feed margin on die-cut labels
 *   67 00 5A + 90 bytes          the first line: the dot at label x = 0 sits at head dot
 *                                720 - 1 - (720 - 696 - 12) = 707 after mirroring,
 *                                byte 88, bit 3 (mask 0x10)
 *   1A                           print, last page */
static void test_job_ql800_uncompressed(void **state)
{
	(void)state;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const struct printer_media m = { 62, 100, 0 };

	corner_dot(&r, 696, 1109);
	assert_int_equal(proto_brother_ql.encode(model("QL-800"), &m, &r, NULL, &body, &tail),
			 PRINTER_OK);
	for (int i = 0; i < 400; i++)
		assert_int_equal(body.data[i], 0);
	const uint8_t head[] = { 0x1B, 0x40, 0x1B, 0x69, 0x61, 0x01, 0x1B, 0x69, 0x7A, 0x8E, 0x0B,
				 0x3E, 0x64, 0x55, 0x04, 0x00, 0x00, 0x00, 0x00, 0x1B, 0x69, 0x4D,
				 0x40, 0x1B, 0x69, 0x41, 0x01, 0x1B, 0x69, 0x4B, 0x08, 0x1B, 0x69,
				 0x64, 0x00, 0x00 };
	assert_memory_equal(body.data + 400, head, sizeof(head));
	const uint8_t *line = body.data + 400 + sizeof(head);
	assert_int_equal(line[0], 0x67);
	assert_int_equal(line[1], 0x00);
	assert_int_equal(line[2], 90);
	for (int i = 0; i < 90; i++)
		assert_int_equal(line[3 + i], i == 88 ? 0x10 : 0x00);
	/* then 1108 white lines of 93 bytes each, and nothing else */
	assert_int_equal(body.len, 400 + sizeof(head) + 1109 * 93);
	assert_int_equal(tail.len, 1);
	assert_int_equal(tail.data[0], 0x1A);
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

/* QL-820NWB compresses: the same first line is 88 zero bytes (a run: 257 - 88 = 0xA9,
 * 00), then the literal pair 10 00 (header 01): "67 00 05 A9 00 01 10 00"; a white line
 * is the single byte 'Z' (5A). "M 02" switches compression on. */
static void test_job_ql820_compressed(void **state)
{
	(void)state;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const struct printer_media m = { 62, 100, 0 };

	corner_dot(&r, 696, 1109);
	assert_int_equal(proto_brother_ql.encode(model("QL-820NWB"), &m, &r, NULL, &body, &tail),
			 PRINTER_OK);
	long at = find(&body, "\x1B\x69\x64\x00\x00" "M\x02", 7, 400);
	assert_true(at > 400);
	const uint8_t first[] = { 0x67, 0x00, 0x05, 0xA9, 0x00, 0x01, 0x10, 0x00 };
	assert_memory_equal(body.data + at + 7, first, sizeof(first));
	size_t rest = body.len - (size_t)at - 7 - sizeof(first);
	assert_int_equal(rest, 1108);
	for (size_t i = 0; i < rest; i++)
		assert_int_equal(body.data[body.len - rest + i], 'Z');
	/* without compression asked: M 00 and full lines */
	struct proto_opts o = { .no_compression = 1 };
	pbuf_free(&body);
	pbuf_free(&tail);
	assert_int_equal(proto_brother_ql.encode(model("QL-820NWB"), &m, &r, &o, &body, &tail),
			 PRINTER_OK);
	assert_true(find(&body, "\x1B\x69\x64\x00\x00" "M\x00" "\x67\x00\x5A", 10, 400) > 0);
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

/* QL-1110NWB, 102x152 (1164 x 1660 dots) on a 1296-dot head: the label starts
 * 1296 - 1164 - 12 = 120 dots in; x = 0 lands on head dot 1295 - 120 = 1175: byte 146,
 * bit 7 (mask 0x01). Lines are 162 bytes; invalidate is 200 bytes; 1660 = 0x067C. */
static void test_job_ql1110_wide(void **state)
{
	(void)state;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const struct printer_media m = { 102, 152, 0 };
	struct proto_opts o = { .no_compression = 1 };

	corner_dot(&r, 1164, 1660);
	assert_int_equal(proto_brother_ql.encode(model("QL-1110NWB"), &m, &r, &o, &body, &tail),
			 PRINTER_OK);
	assert_int_equal(body.data[199], 0x00);
	assert_int_equal(body.data[200], 0x1B);
	assert_int_equal(body.data[201], 0x40);
	const uint8_t info[] = { 0x1B, 0x69, 0x7A, 0x8E, 0x0B, 0x66, 0x98, 0x7C, 0x06, 0x00, 0x00,
				 0x00, 0x00 };
	assert_true(find(&body, info, sizeof(info), 0) > 0);
	long at = find(&body, "M\x00" "\x67\x00\xA2", 5, 0);
	assert_true(at > 0);
	for (int i = 0; i < 162; i++)
		assert_int_equal(body.data[at + 5 + i], i == 146 ? 0x01 : 0x00);
	/* the wide stock does not fit a 720-dot head */
	pbuf_free(&body);
	pbuf_free(&tail);
	assert_int_equal(proto_brother_ql.encode(model("QL-820NWB"), &m, &r, &o, &body, &tail),
			 PRINTER_ERR_INVALID);
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

/* Two colours (QL-820NWB on DK-22251, 62 mm endless): ESC i K 09 (cut + two-colour),
 * feed margin 35 = 23 00, media type 0A, length 0; each line is "w 01" black then "w 02"
 * red. A red dot at x = 1 lands on head dot 706: byte 88, mask 0x20. */
static void test_job_two_colour(void **state)
{
	(void)state;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	const struct printer_media m = { 62, 0, 1 };
	struct proto_opts o = { .no_compression = 1 };

	assert_int_equal(printer_raster_new(&r, 696, 2, 300), PRINTER_OK);
	r.red = calloc((size_t)r.stride * 2, 1);
	assert_non_null(r.red);
	r.red[0] = 0x40; /* x = 1, row 0 */
	assert_int_equal(proto_brother_ql.encode(model("QL-820NWB"), &m, &r, &o, &body, &tail),
			 PRINTER_OK);
	const uint8_t info[] = { 0x1B, 0x69, 0x7A, 0x8E, 0x0A, 0x3E, 0x00, 0x02, 0x00, 0x00, 0x00,
				 0x00, 0x00 };
	assert_true(find(&body, info, sizeof(info), 0) > 0);
	assert_true(find(&body, "\x1B\x69\x4B\x09\x1B\x69\x64\x23\x00", 9, 0) > 0);
	long at = find(&body, "w\x01\x5A", 3, 0);
	assert_true(at > 0);
	assert_int_equal(body.data[at + 3 + 90], 'w');
	assert_int_equal(body.data[at + 3 + 91], 0x02);
	assert_int_equal(body.data[at + 3 + 93 + 88], 0x20);
	/* a two-colour job for a printer without red */
	pbuf_free(&body);
	pbuf_free(&tail);
	assert_int_equal(proto_brother_ql.encode(model("QL-720NW"), &m, &r, &o, &body, &tail),
			 PRINTER_ERR_INVALID);
	pbuf_free(&body);
	pbuf_free(&tail);
	printer_raster_free(&r);
}

/* The status request: invalidate, ESC @, ESC i S. */
static void test_status_request(void **state)
{
	(void)state;
	struct pbuf b = { 0 };
	assert_int_equal(proto_brother_ql.status_request(model("QL-720NW"), &b), PRINTER_OK);
	assert_int_equal(b.len, 205);
	assert_memory_equal(b.data + 200, "\x1B\x40\x1B\x69\x53", 5);
	pbuf_free(&b);
}

/* 32-byte replies written out by hand from the reference's table. */
static void test_status_parse(void **state)
{
	(void)state;
	struct proto_reply r;
	uint8_t s[32] = { 0x80, 0x20, 0x42, 0x34, 0x41, 0x30, 0, 0 };

	/* a 62x100 die-cut roll, no error, a plain reply */
	s[10] = 62;
	s[11] = 0x0B;
	s[17] = 100;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_READY);
	assert_int_equal(r.st.media.width_mm, 62);
	assert_int_equal(r.st.media.length_mm, 100);
	assert_false(r.completed);
	/* printing completed (status type 1) */
	s[18] = 0x01;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_true(r.completed);
	s[18] = 0x02;
	/* error 2 bit 4: cover open */
	s[9] = 0x10;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_COVER_OPEN);
	s[9] = 0x01;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_WRONG_MEDIA);
	s[9] = 0x40;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_CANNOT_FEED);
	s[9] = 0x80;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_SYSTEM_ERROR);
	s[9] = 0;
	/* error 1: bit 0 no media, bit 1 end of media, bit 2 cutter jam */
	s[8] = 0x01;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_NO_MEDIA);
	s[8] = 0x02;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_END_OF_MEDIA);
	s[8] = 0x04;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), 32);
	assert_int_equal(r.st.state, PRINTER_CUTTER_JAM);
	/* incomplete, then not a status at all */
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 20, &r), 0);
	s[0] = 0x41;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), PRINTER_ERR_INVALID);
}

/* Rendered badge -> encoded -> decoded back: the same dots, and the QR reads. */
/* A broken or hostile printer: every bit set after a valid header, replies cut at every
 * length, and a reply inside a longer buffer. The parser reads only the bytes given
 * (ASan), names a state a person can act on, and uses exactly one reply. (Reviewed for
 * the ZPL overflow of issue 10: the Brother reply is fixed-size bytes, no arithmetic.) */
static void test_status_hostile(void **state)
{
	(void)state;
	struct proto_reply r;
	uint8_t s[64];

	memset(s, 0xFF, sizeof s);
	s[0] = 0x80, s[1] = 0x20, s[2] = 0x42;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, sizeof s, &r), 32);
	assert_int_equal(r.st.state, PRINTER_COVER_OPEN); /* the most urgent bit wins */
	assert_int_equal(r.st.media.width_mm, 255);
	assert_non_null(memchr(r.st.detail, '\0', sizeof r.st.detail));
	for (size_t n = 1; n < 32; n++) {
		uint8_t *cut = malloc(n);
		memcpy(cut, s, n);
		assert_int_equal(proto_brother_ql.status_parse(NULL, cut, n, &r), 0);
		free(cut);
	}
	memset(s, 0, sizeof s);
	s[0] = 0x80;
	assert_int_equal(proto_brother_ql.status_parse(NULL, s, 32, &r), PRINTER_ERR_INVALID);
}

static void round_trip(const char *model_name, const char *tpl_name, int compress)
{
	const struct printer_model *m = model(model_name);
	struct badge_template t;
	struct printer_geometry g;
	struct printer_raster r;
	struct pbuf body = { 0 }, tail = { 0 };
	struct decoded d;
	struct proto_opts o = { .no_compression = !compress };
	const char *code = "VK1:ROUNDTRIP-Ґ-0042";

	assert_int_equal(badge_template_builtin(tpl_name, &t), VK_OK);
	assert_int_equal(printer_model_geometry(m, &t.media, &g), PRINTER_OK);
	struct badge_info b = { .display = "Соломія Крушельницька", .given = "Соломія",
				.family = "Крушельницька", .organization = "Львівська опера",
				.category = "Спікер", .event_name = "Форум", .code = code };
	assert_int_equal(badge_render_template(&b, &t, &g, &r), VK_OK);
	assert_int_equal(proto_brother_ql.encode(m, &t.media, &r, &o, &body, &tail), PRINTER_OK);
	assert_int_equal(pbuf_put(&body, tail.data, tail.len), PRINTER_OK);
	const struct brother_media *bm = brother_media_find(t.media.width_mm, t.media.length_mm);
	assert_non_null(bm);
	int rc = decode_brother(body.data, body.len, m->head_dots, bm->dots_printable,
				bm->right_margin, &d);
	if (rc)
		fail_msg("%s", d.error);
	assert_int_equal(d.pages, 1);
	assert_int_equal(d.compressed, compress);
	assert_int_equal(d.width_mm, t.media.width_mm);
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

static void test_round_trip_ql820(void **state)
{
	(void)state;
	round_trip("QL-820NWB", "62x100", 1);
	round_trip("QL-820NWB", "62", 0);
	round_trip("QL-820NWB", "62-red", 1);
}

static void test_round_trip_ql1110(void **state)
{
	(void)state;
	round_trip("QL-1110NWB", "102x152", 1);
	round_trip("QL-1110NWB", "62x100", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packbits_tiff_example),
		cmocka_unit_test(test_job_ql800_uncompressed),
		cmocka_unit_test(test_job_ql820_compressed),
		cmocka_unit_test(test_job_ql1110_wide),
		cmocka_unit_test(test_job_two_colour),
		cmocka_unit_test(test_status_request),
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_status_hostile),
		cmocka_unit_test(test_round_trip_ql820),
		cmocka_unit_test(test_round_trip_ql1110),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	badge_shutdown();
	return rc;
}
