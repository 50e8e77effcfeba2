/* SPDX-License-Identifier: MIT */
/* Unit tests of core/base45.c: the examples of RFC 9285 both ways, every decoding error
 * the RFC names, buffer sizes to the byte, and round trips of pseudo-random bytes. Inputs
 * are copied into heap buffers of their exact length, so AddressSanitizer reports any read
 * past len. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/base45.h"

/* Decodes the first len bytes of s from an exact-size heap copy. */
static long decode_exact(const char *s, size_t len, uint8_t *out, size_t out_len)
{
	char *copy = malloc(len ? len : 1);
	long n;

	assert_non_null(copy);
	memcpy(copy, s, len);
	n = base45_decode(copy, len, out, out_len);
	free(copy);
	return n;
}

static void test_encoded_len(void **state)
{
	assert_int_equal(base45_encoded_len(0), 0);
	assert_int_equal(base45_encoded_len(1), 2);
	assert_int_equal(base45_encoded_len(2), 3);
	assert_int_equal(base45_encoded_len(3), 5);
	assert_int_equal(base45_encoded_len(81), 122); /* a ticket: payload and signature */
	/* Must not wrap around to a small number a caller would then trust. */
	assert_true(base45_encoded_len(SIZE_MAX) == SIZE_MAX);
}

/* RFC 9285 sections 4.3 and 4.4. */
static const struct {
	const char *bytes;
	const char *text;
} rfc[] = {
	{ "AB", "BB8" },
	{ "Hello!!", "%69 VD92EX0" },
	{ "base-45", "UJCLQE7W581" },
	{ "ietf!", "QED8WEX0" },
};

static void test_rfc_encode(void **state)
{
	for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		size_t n = strlen(rfc[i].bytes);
		char out[32];

		assert_int_equal(base45_encode((const uint8_t *)rfc[i].bytes, n, out, sizeof(out)),
				 strlen(rfc[i].text));
		assert_string_equal(out, rfc[i].text);
	}
}

static void test_rfc_decode(void **state)
{
	for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		size_t n = strlen(rfc[i].bytes);
		uint8_t out[32];

		assert_int_equal(decode_exact(rfc[i].text, strlen(rfc[i].text), out, sizeof(out)),
				 n);
		assert_memory_equal(out, rfc[i].bytes, n);
	}
}

/* The largest values a triple and a pair may carry, and one past them. */
static void test_limits(void **state)
{
	const uint8_t ffff[2] = { 0xff, 0xff }, ff = 0xff;
	uint8_t out[4];
	char text[8];

	assert_int_equal(base45_encode(ffff, 2, text, sizeof(text)), 3);
	assert_string_equal(text, "FGW");
	assert_int_equal(decode_exact("FGW", 3, out, sizeof(out)), 2);
	assert_memory_equal(out, ffff, 2);
	assert_int_equal(decode_exact("GGW", 3, out, sizeof(out)), -1); /* 65536 */
	assert_int_equal(decode_exact(":::", 3, out, sizeof(out)), -1); /* 91124 */

	assert_int_equal(base45_encode(&ff, 1, text, sizeof(text)), 2);
	assert_string_equal(text, "U5");
	assert_int_equal(decode_exact("U5", 2, out, sizeof(out)), 1);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(decode_exact("V5", 2, out, sizeof(out)), -1); /* 256 */
	assert_int_equal(decode_exact("::", 2, out, sizeof(out)), -1); /* 2024 */
}

static void test_decode_errors(void **state)
{
	uint8_t out[16];

	/* Characters outside the alphabet, in every position of a triple and a pair. */
	assert_int_equal(decode_exact("!B8", 3, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("B!8", 3, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB!", 3, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB8U!", 5, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB8\0005", 5, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB\0", 3, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB\x80", 3, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB\xff", 3, out, sizeof(out)), -1);
	/* Lowercase is not Base45 (a QR in alphanumeric mode cannot hold it). */
	assert_int_equal(decode_exact("bb8", 3, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("%69 vd92ex0", 11, out, sizeof(out)), -1);
	/* A length of 3k+1 is never produced. */
	assert_int_equal(decode_exact("B", 1, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB8B", 4, out, sizeof(out)), -1);
	assert_int_equal(decode_exact("BB8BB8B", 7, out, sizeof(out)), -1);
	/* Whitespace other than the space digit is foreign. */
	assert_int_equal(decode_exact("BB8\r\n", 5, out, sizeof(out)), -1);
}

static void test_empty(void **state)
{
	uint8_t out[1];
	char text[1] = { 'x' };

	assert_int_equal(base45_encode(NULL, 0, text, sizeof(text)), 0);
	assert_int_equal(text[0], '\0');
	assert_int_equal(base45_decode("", 0, out, sizeof(out)), 0);
	assert_int_equal(base45_decode(NULL, 0, NULL, 0), 0);
}

static void test_buffer_sizes(void **state)
{
	const uint8_t in[7] = "Hello!!";
	char text[12];
	uint8_t out[7];

	/* 11 characters plus the NUL: one byte less must fail, not truncate. */
	assert_int_equal(base45_encode(in, 7, text, 11), -1);
	assert_int_equal(base45_encode(in, 7, text, 12), 11);
	assert_int_equal(base45_encode(in, 7, NULL, 12), -1);
	assert_int_equal(base45_encode(NULL, 7, text, 12), -1);
	assert_int_equal(decode_exact("%69 VD92EX0", 11, out, 6), -1);
	assert_int_equal(decode_exact("%69 VD92EX0", 11, out, 7), 7);
	assert_int_equal(base45_decode(NULL, 3, out, 7), -1);
	assert_int_equal(base45_decode("BB8", 3, NULL, 7), -1);
}

static uint32_t prng(uint32_t *s)
{
	/* xorshift32: fixed sequence, so a failure can be replayed. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_round_trip(void **state)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	uint32_t seed = 0x45454545;

	for (size_t n = 0; n <= 200; n++) {
		for (int rep = 0; rep < 8; rep++) {
			uint8_t in[200], back[200];
			char text[301];
			long len;

			for (size_t i = 0; i < n; i++)
				in[i] = (uint8_t)prng(&seed);
			len = base45_encode(in, n, text, sizeof(text));
			assert_int_equal(len, base45_encoded_len(n));
			assert_int_equal(strlen(text), (size_t)len);
			assert_int_equal(strspn(text, alphabet), (size_t)len);
			assert_int_equal(decode_exact(text, (size_t)len, back, n), n);
			assert_memory_equal(back, in, n);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_len),
		cmocka_unit_test(test_rfc_encode),
		cmocka_unit_test(test_rfc_decode),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_buffer_sizes),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
