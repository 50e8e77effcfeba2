/* SPDX-License-Identifier: MIT */
/* Unit tests of core/ticket.c: a cross-implementation test vector (the expected code was
 * made by Node.js, not by our C), forgery in every bit, the decoder on hostile input, the
 * QR size of a code, day numbers against the C library's calendar, and key files.
 * Codes are handed to ticket_decode in heap buffers of their exact length, so
 * AddressSanitizer reports any read past len. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* timegm, as an independent calendar for the day-number test */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <qrencode.h>
#include <sodium.h>

#include "core/base45.h"
#include "core/err.h"
#include "core/ticket.h"

/* ---- the test vector ------------------------------------------------------------------
 * Seed: the bytes 00 01 02 .. 1f. Ticket: version 1, key id 7, event id 0x1234ABCD
 * (305441741), number 42, valid from 2026-03-14 (day 2264), 3 days, nonce 0xA1B2.
 *
 * VECTOR_CODE was made independently of this code base with Node.js v20 (OpenSSL):
 * crypto.createPrivateKey over the PKCS#8 DER prefix 302e020100300506032b657004220420 and
 * the seed, crypto.sign(null, "VK1:" + payload, key), and a separate ten-line Base45 in
 * JavaScript (checked against the RFC 9285 examples); day 2264 is
 * (Date.UTC(2026, 2, 14) - Date.UTC(2020, 0, 1)) / 86400000. Node printed (tests/fixtures/ticket-vector.js reproduces it):
 *   pk      03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8
 *   payload 0100071234abcd0000002a08d803a1b2
 * Ed25519 signatures are deterministic, so libsodium must give the same string. */
#define VECTOR_CODE "VK1:V50A+0ST6A-P0005E5*DR*JKZWNSSKZT7Y5F17WR5MZC3MMK-U1YLKJ8CVWSIUH7+87" \
		    "VU:RIFSF7WK*20/.4PCL2F6WEN.1T+C129E7WI-KQ/UP1DANUKY2G"
#define VECTOR_PK "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
#define VECTOR_PAYLOAD "0100071234abcd0000002a08d803a1b2"

static const struct ticket vector_ticket = {
	.version = 1,
	.key_id = 7,
	.event_id = 0x1234ABCD,
	.number = 42,
	.valid_from = 2264,
	.valid_days = 3,
	.nonce = 0xA1B2,
};

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static void keys_from_seed(uint8_t first_byte, uint8_t pk[32], uint8_t sk[64])
{
	uint8_t seed[32];

	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(first_byte + i);
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
}

/* ticket_decode on an exact-size heap copy of len bytes of s. */
static enum ticket_decode_result decode_exact(const char *s, size_t len, struct ticket_signed *ts)
{
	char *copy = malloc(len ? len : 1);
	enum ticket_decode_result r;

	assert_non_null(copy);
	memcpy(copy, s, len);
	r = ticket_decode(copy, len, ts);
	free(copy);
	return r;
}

static void assert_same_ticket(const struct ticket *a, const struct ticket *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->key_id, b->key_id);
	assert_int_equal(a->event_id, b->event_id);
	assert_int_equal(a->number, b->number);
	assert_int_equal(a->valid_from, b->valid_from);
	assert_int_equal(a->valid_days, b->valid_days);
	assert_int_equal(a->nonce, b->nonce);
}

static uint32_t prng(uint32_t *s)
{
	/* xorshift32: fixed sequence, so a failure can be replayed. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int group_setup(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* ---- codes ---------------------------------------------------------------------------- */

static void test_vector_sign(void **state)
{
	uint8_t pk[32], sk[64], want_pk[32];
	char code[TICKET_CODE_LEN + 1];

	keys_from_seed(0, pk, sk);
	assert_int_equal(sodium_hex2bin(want_pk, 32, VECTOR_PK, 64, NULL, NULL, NULL), 0);
	assert_memory_equal(pk, want_pk, 32);
	assert_int_equal(ticket_sign(&vector_ticket, sk, code, sizeof(code)), VK_OK);
	assert_string_equal(code, VECTOR_CODE);
}

static void test_vector_decode_verify(void **state)
{
	struct ticket_signed ts;
	uint8_t pk[32], payload[TICKET_PAYLOAD_LEN];

	assert_int_equal(sodium_hex2bin(pk, 32, VECTOR_PK, 64, NULL, NULL, NULL), 0);
	assert_int_equal(sodium_hex2bin(payload, sizeof(payload), VECTOR_PAYLOAD,
					2 * sizeof(payload), NULL, NULL, NULL), 0);
	assert_int_equal(decode_exact(VECTOR_CODE, strlen(VECTOR_CODE), &ts), TICKET_OK);
	assert_same_ticket(&ts.t, &vector_ticket);
	assert_memory_equal(ts.msg, "VK1:", 4);
	assert_memory_equal(ts.msg + 4, payload, sizeof(payload));
	assert_int_equal(ticket_verify(&ts, pk), VK_OK);
}

static void test_code_shape(void **state)
{
	uint8_t pk[32], sk[64];
	uint32_t seed = 0x7ab1e;

	keys_from_seed(0x40, pk, sk);
	for (int i = 0; i < 300; i++) {
		struct ticket t = {
			.version = 1,
			.key_id = (uint16_t)prng(&seed),
			.event_id = prng(&seed),
			.number = prng(&seed),
			.valid_from = (uint16_t)prng(&seed),
			.valid_days = (uint8_t)prng(&seed),
			.nonce = prng(&seed) % 0xFFFF + 1,
		};
		char code[TICKET_CODE_LEN + 1];
		struct ticket_signed ts;

		assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_OK);
		assert_int_equal(strlen(code), TICKET_CODE_LEN);
		assert_memory_equal(code, TICKET_PREFIX, 4);
		assert_int_equal(strspn(code + 4, alphabet), TICKET_CODE_LEN - 4);
		assert_int_equal(decode_exact(code, TICKET_CODE_LEN, &ts), TICKET_OK);
		assert_same_ticket(&ts.t, &t);
		assert_int_equal(ticket_verify(&ts, pk), VK_OK);
	}
}

static void test_sign_rejects(void **state)
{
	uint8_t pk[32], sk[64];
	struct ticket t = vector_ticket;
	char code[TICKET_CODE_LEN + 1];

	keys_from_seed(0, pk, sk);
	assert_int_equal(ticket_sign(&t, sk, code, TICKET_CODE_LEN), VK_ERR_INVALID);
	assert_int_equal(ticket_sign(NULL, sk, code, sizeof(code)), VK_ERR_INVALID);
	assert_int_equal(ticket_sign(&t, NULL, code, sizeof(code)), VK_ERR_INVALID);
	assert_int_equal(ticket_sign(&t, sk, NULL, sizeof(code)), VK_ERR_INVALID);
	t.version = 0;
	assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_ERR_INVALID);
	t.version = 3;
	assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_ERR_INVALID);
	t = vector_ticket;
	t.nonce = 0x10000;
	assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_ERR_INVALID);
	t.nonce = 0xFFFF;
	assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_OK);
}

/* Nonces start at 1: no signer makes a nonce-0 ticket (0 once meant "every ticket of the
 * person" to the revocation list), and fresh nonces cover 1 .. 65535. */
static void test_nonce_never_zero(void **state)
{
	uint8_t pk[32], sk[64];
	struct ticket t = vector_ticket;
	char code[TICKET_CODE_LEN + 1];
	static uint8_t seen[0x10000];
	long distinct = 0;

	(void)state;
	keys_from_seed(0, pk, sk);
	t.nonce = 0;
	assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_ERR_INVALID);
	t.nonce = 1;
	assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_OK);
	/* 2 million draws: a 0 drawn with chance 1/65536 would show ~30 times; every value
	 * of 1 .. 65535 is drawn (a draw missing one has a chance near e^-30) */
	memset(seen, 0, sizeof seen);
	for (long i = 0; i < 2000000; i++) {
		uint32_t n = ticket_nonce_new();
		assert_true(n >= 1 && n <= 0xFFFF);
		if (!seen[n]) {
			seen[n] = 1;
			distinct++;
		}
	}
	assert_int_equal(distinct, 0xFFFF);
}

/* Re-encodes the vector with bit `bit` of its 80 raw bytes flipped. */
static void flipped_code(unsigned bit, char code[TICKET_CODE_LEN + 1])
{
	static const char vector[] = VECTOR_CODE;
	uint8_t raw[TICKET_PAYLOAD_LEN + TICKET_SIG_LEN];

	assert_int_equal(base45_decode(vector + 4, TICKET_CODE_LEN - 4, raw, sizeof(raw)),
			 sizeof(raw));
	raw[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	memcpy(code, "VK1:", 4);
	assert_int_equal(base45_encode(raw, sizeof(raw), code + 4, TICKET_CODE_LEN - 3),
			 TICKET_CODE_LEN - 4);
}

static void test_forgery_every_bit(void **state)
{
	uint8_t pk[32];

	assert_int_equal(sodium_hex2bin(pk, 32, VECTOR_PK, 64, NULL, NULL, NULL), 0);
	for (unsigned bit = 0; bit < 8 * (TICKET_PAYLOAD_LEN + TICKET_SIG_LEN); bit++) {
		char code[TICKET_CODE_LEN + 1];
		struct ticket_signed ts;

		flipped_code(bit, code);
		if (bit < 8) {
			/* The version byte: no longer a version-1 ticket. */
			assert_int_equal(decode_exact(code, TICKET_CODE_LEN, &ts),
					 TICKET_MALFORMED);
			continue;
		}
		assert_int_equal(decode_exact(code, TICKET_CODE_LEN, &ts), TICKET_OK);
		assert_int_equal(ticket_verify(&ts, pk), VK_ERR_CRYPTO);
	}
}

static void test_wrong_key(void **state)
{
	uint8_t pk[32], sk[64];
	struct ticket_signed ts;

	keys_from_seed(1, pk, sk);
	assert_int_equal(decode_exact(VECTOR_CODE, strlen(VECTOR_CODE), &ts), TICKET_OK);
	assert_int_equal(ticket_verify(&ts, pk), VK_ERR_CRYPTO);
	assert_int_equal(ticket_verify(&ts, NULL), VK_ERR_CRYPTO);
	assert_int_equal(ticket_verify(NULL, pk), VK_ERR_CRYPTO);
}

/* Fields edited after decoding no longer match what the signature covers. */
static void test_fields_must_match_msg(void **state)
{
	uint8_t pk[32];
	struct ticket_signed ts;

	assert_int_equal(sodium_hex2bin(pk, 32, VECTOR_PK, 64, NULL, NULL, NULL), 0);
	assert_int_equal(decode_exact(VECTOR_CODE, strlen(VECTOR_CODE), &ts), TICKET_OK);
	ts.t.number = 43;
	assert_int_equal(ticket_verify(&ts, pk), VK_ERR_CRYPTO);
	ts.t.number = 42;
	ts.t.valid_days = 200;
	assert_int_equal(ticket_verify(&ts, pk), VK_ERR_CRYPTO);
	ts.t.valid_days = 3;
	assert_int_equal(ticket_verify(&ts, pk), VK_OK);
}

/* ---- the decoder on hostile input ----------------------------------------------------- */

static void expect_decode(const char *s, size_t len, enum ticket_decode_result want)
{
	struct ticket_signed ts;
	static const struct ticket_signed zero;

	memset(&ts, 0xa5, sizeof(ts));
	assert_int_equal(decode_exact(s, len, &ts), want);
	if (want != TICKET_OK)
		assert_memory_equal(&ts, &zero, sizeof(ts));
}

static void test_decode_edges(void **state)
{
	char buf[TICKET_CODE_LEN + 8];
	struct ticket_signed ts;

	expect_decode("", 0, TICKET_NOT_VK);
	assert_int_equal(ticket_decode(NULL, 0, &ts), TICKET_NOT_VK);
	expect_decode("V", 1, TICKET_NOT_VK);
	expect_decode("VK1", 3, TICKET_NOT_VK);
	expect_decode("VK1:", 4, TICKET_MALFORMED);
	expect_decode("VK1:BB8", 7, TICKET_MALFORMED);
	expect_decode("VK2:", 4, TICKET_NOT_VK);
	expect_decode("pretix-secret-ab12cd", 20, TICKET_NOT_VK);
	expect_decode("\0\0\0\0\0", 5, TICKET_NOT_VK);
	expect_decode(VECTOR_CODE, TICKET_CODE_LEN - 1, TICKET_MALFORMED);
	expect_decode(VECTOR_CODE, TICKET_CODE_LEN, TICKET_OK);

	/* Exact text only (see ticket.c): no trimming, no case folding. */
	memcpy(buf, VECTOR_CODE, TICKET_CODE_LEN);
	memcpy(buf + TICKET_CODE_LEN, "\r\n", 2);
	expect_decode(buf, TICKET_CODE_LEN + 1, TICKET_MALFORMED);
	expect_decode(buf, TICKET_CODE_LEN + 2, TICKET_MALFORMED);
	buf[TICKET_CODE_LEN] = ' ';
	expect_decode(buf, TICKET_CODE_LEN + 1, TICKET_MALFORMED);
	buf[0] = ' ';
	memcpy(buf + 1, VECTOR_CODE, TICKET_CODE_LEN);
	expect_decode(buf, TICKET_CODE_LEN + 1, TICKET_NOT_VK);
	memcpy(buf, VECTOR_CODE, TICKET_CODE_LEN);
	buf[0] = 'v';
	buf[1] = 'k';
	expect_decode(buf, TICKET_CODE_LEN, TICKET_NOT_VK);
	memcpy(buf, VECTOR_CODE, TICKET_CODE_LEN);
	for (int i = 4; i < TICKET_CODE_LEN; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	expect_decode(buf, TICKET_CODE_LEN, TICKET_MALFORMED);

	/* A NUL inside the code, where strlen would stop. */
	memcpy(buf, VECTOR_CODE, TICKET_CODE_LEN);
	buf[60] = '\0';
	expect_decode(buf, TICKET_CODE_LEN, TICKET_MALFORMED);
}

/* A well-formed code of version 3 (unknown), signed like a real one: still refused. */
static void test_other_version(void **state)
{
	uint8_t pk[32], sk[64], msg[4 + TICKET_PAYLOAD_LEN];
	uint8_t raw[TICKET_PAYLOAD_LEN + TICKET_SIG_LEN];
	char code[TICKET_CODE_LEN + 1];

	keys_from_seed(0, pk, sk);
	assert_int_equal(sodium_hex2bin(raw, TICKET_PAYLOAD_LEN, VECTOR_PAYLOAD,
					2 * TICKET_PAYLOAD_LEN, NULL, NULL, NULL), 0);
	raw[0] = 3;
	memcpy(msg, "VK1:", 4);
	memcpy(msg + 4, raw, TICKET_PAYLOAD_LEN);
	crypto_sign_detached(raw + TICKET_PAYLOAD_LEN, NULL, msg, sizeof(msg), sk);
	memcpy(code, "VK1:", 4);
	assert_int_equal(base45_encode(raw, sizeof(raw), code + 4, sizeof(code) - 4),
			 TICKET_CODE_LEN - 4);
	expect_decode(code, TICKET_CODE_LEN, TICKET_MALFORMED);
}

static void test_decode_huge(void **state)
{
	size_t n = 1 << 20;
	char *big = malloc(n);

	assert_non_null(big);
	memset(big, 0, n);
	expect_decode(big, n, TICKET_NOT_VK);
	memcpy(big, VECTOR_CODE, TICKET_CODE_LEN);
	expect_decode(big, n, TICKET_MALFORMED);
	memset(big + 4, 'A', n - 4);
	expect_decode(big, n, TICKET_MALFORMED);
	free(big);
}

/* Random bytes of every length up to 300, half of them behind the prefix so that they
 * reach the Base45 decoder, and Base45 text of the right length. Nothing may crash, and
 * random text must never pass as a signed ticket. */
static void test_decode_random(void **state)
{
	uint8_t pk[32];
	uint32_t seed = 0xC0FFEE;
	char buf[300];

	assert_int_equal(sodium_hex2bin(pk, 32, VECTOR_PK, 64, NULL, NULL, NULL), 0);
	for (int i = 0; i < 30000; i++) {
		size_t len = prng(&seed) % (sizeof(buf) + 1);
		uint32_t kind = prng(&seed) % 3;
		struct ticket_signed ts;

		if (kind == 2)
			len = TICKET_CODE_LEN;
		for (size_t j = 0; j < len; j++)
			buf[j] = kind == 2 ? alphabet[prng(&seed) % 45] : (char)prng(&seed);
		if (kind != 0 && len >= 4)
			memcpy(buf, "VK1:", 4);
		if (decode_exact(buf, len, &ts) == TICKET_OK)
			assert_int_equal(ticket_verify(&ts, pk), VK_ERR_CRYPTO);
	}
}

/* One to three characters of the vector changed to other Base45 characters: whenever the
 * result still decodes, its signature must fail (the encoding has one spelling per byte
 * string, so no changed code carries the original bytes). */
static void test_decode_mutations(void **state)
{
	uint8_t pk[32];
	uint32_t seed = 0xBADC0DE;
	int decoded = 0;

	assert_int_equal(sodium_hex2bin(pk, 32, VECTOR_PK, 64, NULL, NULL, NULL), 0);
	for (int i = 0; i < 3000; i++) {
		char code[TICKET_CODE_LEN + 1] = VECTOR_CODE;
		int changes = 1 + (int)(prng(&seed) % 3);
		struct ticket_signed ts;

		for (int c = 0; c < changes; c++) {
			size_t at = 4 + prng(&seed) % (TICKET_CODE_LEN - 4);
			char was = code[at];

			do
				code[at] = alphabet[prng(&seed) % 45];
			while (code[at] == was);
		}
		if (decode_exact(code, TICKET_CODE_LEN, &ts) == TICKET_OK) {
			decoded++;
			assert_int_equal(ticket_verify(&ts, pk), VK_ERR_CRYPTO);
		}
	}
	assert_true(decoded > 1000); /* the test reached the signature check */
}

/* ---- QR size -------------------------------------------------------------------------- */

/* A ticket must fit QR version 7 at ECC level Q (small enough for a phone screen at arm's
 * length). 124 alphanumeric characters take 4 + 9 + 62 * 11 = 695 bits; version 7-Q holds
 * 88 data codewords = 704 bits. (With a 3-byte nonce the code was 126 characters, 706 bits,
 * and needed version 8: that is why the nonce has 2 bytes.) */
static void test_qr_fit(void **state)
{
	uint8_t pk[32], sk[64];
	uint32_t seed = 0x9e3779b9;

	keys_from_seed(0x80, pk, sk);
	for (int i = 0; i < 50; i++) {
		struct ticket t = vector_ticket;
		char code[TICKET_CODE_LEN + 1];
		QRcode *q, *m;

		t.number = prng(&seed);
		t.nonce = prng(&seed) % 0xFFFF + 1;
		if (i == 0)
			strcpy(code, VECTOR_CODE);
		else
			assert_int_equal(ticket_sign(&t, sk, code, sizeof(code)), VK_OK);
		q = QRcode_encodeString(code, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
		m = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		assert_non_null(q);
		assert_non_null(m);
		assert_in_range(q->version, 1, 7);
		assert_in_range(m->version, 1, 6);
		QRcode_free(q);
		QRcode_free(m);
	}
}

/* ---- day numbers ---------------------------------------------------------------------- */

static void test_day_known(void **state)
{
	char out[11];

	assert_int_equal(ticket_day_from_date("2020-01-01"), 0);
	assert_int_equal(ticket_day_from_date("2020-02-29"), 59);
	assert_int_equal(ticket_day_from_date("2020-12-31"), 365);
	assert_int_equal(ticket_day_from_date("2021-01-01"), 366);
	assert_int_equal(ticket_day_from_date("2026-03-14"), 2264); /* Node, see the vector */
	assert_int_equal(ticket_day_from_date("2024-02-29"), 1520);
	assert_true(ticket_day_from_date("2200-01-01") > 65535); /* beyond a ticket's field */
	ticket_date_from_day(2264, out);
	assert_string_equal(out, "2026-03-14");
	ticket_date_from_day(0, out);
	assert_string_equal(out, "2020-01-01");
	ticket_date_from_day(ticket_day_from_date("9999-12-31"), out);
	assert_string_equal(out, "9999-12-31");
	ticket_date_from_day(ticket_day_from_date("9999-12-31") + 1, out);
	assert_string_equal(out, "0000-00-00");
	ticket_date_from_day(-1, out);
	assert_string_equal(out, "0000-00-00");
}

static void test_day_invalid(void **state)
{
	static const char *bad[] = {
		"2026-02-30", "2023-02-29", "2100-02-29", "2026-04-31", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-01-32", "2019-12-31", "2000-02-29",
		"0000-01-01", "", "2026", "2026-3-14", "2026-03-4", "2026-03-14x",
		"2026-03-14 ", " 2026-03-14", "2026/03/14", "abcd-ef-gh", "20260314",
		"2026-03-1\xff", "+026-03-14", "2026--3-14", "10000-01-01",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ticket_day_from_date(bad[i]), -1);
	assert_int_equal(ticket_day_from_date(NULL), -1);
}

/* Every day a ticket field can name (and more), against glibc's timegm in UTC, and back. */
static void test_day_against_libc(void **state)
{
	struct tm epoch = { .tm_year = 120, .tm_mon = 0, .tm_mday = 1 };
	time_t base = timegm(&epoch);

	for (int day = 0; day < 70000; day++) {
		time_t at = base + (time_t)day * 86400;
		struct tm tm;
		char want[40], got[11]; /* want: room for any int year, to keep -O2 quiet */

		assert_non_null(gmtime_r(&at, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday);
		ticket_date_from_day(day, got);
		assert_string_equal(got, want);
		assert_int_equal(ticket_day_from_date(want), day);
	}
}

static void test_valid_on(void **state)
{
	struct ticket t = vector_ticket; /* days 2264, 2265, 2266 */

	assert_false(ticket_valid_on(&t, 2263));
	assert_true(ticket_valid_on(&t, 2264));
	assert_true(ticket_valid_on(&t, 2266));
	assert_false(ticket_valid_on(&t, 2267));
	assert_false(ticket_valid_on(&t, -1)); /* today unknown: not inside a window */
	t.valid_from = 0; /* 2020-01-01 is a real first day */
	assert_true(ticket_valid_on(&t, 2));
	assert_false(ticket_valid_on(&t, 3));
	t.valid_from = 2264;
	t.valid_days = 0;
	assert_true(ticket_valid_on(&t, 9));
	/* The window's end lies past what a uint16_t holds. */
	t.valid_from = 65535;
	t.valid_days = 255;
	assert_true(ticket_valid_on(&t, 65535 + 254));
	assert_false(ticket_valid_on(&t, 65535 + 255));
	assert_false(ticket_valid_on(&t, 65534));
	/* Version 2 ends with the event: a window of 537 days is no longer cut at 255. */
	assert_int_equal(ticket_window(2566, 3102, &t), VK_OK);
	assert_int_equal(t.version, TICKET_VERSION_EVENT);
	assert_true(ticket_valid_on_event(&t, 2566 + 300, 3102));
	assert_true(ticket_valid_on_event(&t, 3102, 3102));
	assert_false(ticket_valid_on_event(&t, 3103, 3102));
	assert_false(ticket_valid_on_event(&t, 2565, 3102));
	assert_int_equal(ticket_window(2566, 2566 + 254, &t), VK_OK);
	assert_int_equal(t.version, TICKET_VERSION_DAYS);
	assert_int_equal(t.valid_days, 255);
	assert_int_equal(ticket_window(5, 4, &t), VK_ERR_INVALID);
}

/* ---- key files ------------------------------------------------------------------------ */

struct keydir {
	char dir[64];
	char path[128];
};

static int key_setup(void **state)
{
	struct keydir *k = calloc(1, sizeof(*k));

	if (!k)
		return -1;
	strcpy(k->dir, "/tmp/vkhid-test-ticket-XXXXXX");
	if (!mkdtemp(k->dir)) {
		free(k);
		return -1;
	}
	snprintf(k->path, sizeof(k->path), "%s/event.key", k->dir);
	*state = k;
	return 0;
}

static int key_teardown(void **state)
{
	struct keydir *k = *state;

	unlink(k->path);
	rmdir(k->dir);
	free(k);
	return 0;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_key_round_trip(void **state)
{
	struct keydir *k = *state;
	uint8_t pk[32], sk[64], back[64];
	char hex[129], want[256], got[256] = "";
	int64_t event_id = 0;
	int key_id = 0;
	struct stat st;
	FILE *f;

	keys_from_seed(0, pk, sk);
	assert_int_equal(ticket_key_save(k->path, 0x1234ABCD, 7, sk), VK_OK);
	assert_int_equal(stat(k->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	sodium_bin2hex(hex, sizeof(hex), sk, 64);
	snprintf(want, sizeof(want), "vkhid-secret-key 1\nevent 305441741\nkey 7\nsecret %s\n",
		 hex);
	f = fopen(k->path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got) - 1, f), strlen(want));
	fclose(f);
	assert_string_equal(got, want);

	assert_int_equal(ticket_key_load(k->path, &event_id, &key_id, back), VK_OK);
	assert_int_equal(event_id, 0x1234ABCD);
	assert_int_equal(key_id, 7);
	assert_memory_equal(back, sk, 64);

	/* Never replaced, not even by the same key. */
	assert_int_equal(ticket_key_save(k->path, 1, 1, sk), VK_ERR_EXISTS);
	assert_int_equal(ticket_key_load(k->path, &event_id, &key_id, back), VK_OK);
	assert_int_equal(event_id, 0x1234ABCD);
	assert_int_equal(key_id, 7);
}

static void test_key_save_rejects(void **state)
{
	struct keydir *k = *state;
	uint8_t pk[32], sk[64];
	struct stat st;

	keys_from_seed(0, pk, sk);
	assert_int_equal(ticket_key_save(k->path, -1, 7, sk), VK_ERR_INVALID);
	assert_int_equal(ticket_key_save(k->path, 0x100000000LL, 7, sk), VK_ERR_INVALID);
	assert_int_equal(ticket_key_save(k->path, 1, -1, sk), VK_ERR_INVALID);
	assert_int_equal(ticket_key_save(k->path, 1, 65536, sk), VK_ERR_INVALID);
	assert_int_equal(ticket_key_save(k->path, 1, 1, NULL), VK_ERR_INVALID);
	sk[40] ^= 1; /* public half no longer the seed's */
	assert_int_equal(ticket_key_save(k->path, 1, 1, sk), VK_ERR_INVALID);
	assert_int_equal(stat(k->path, &st), -1);
	keys_from_seed(0, pk, sk);
	assert_int_equal(ticket_key_save("/nonexistent-dir/x.key", 1, 1, sk), VK_ERR_IO);
	assert_int_equal(ticket_key_save(k->dir, 1, 1, sk), VK_ERR_EXISTS);
	assert_int_equal(ticket_key_save(k->path, 0xFFFFFFFFLL, 65535, sk), VK_OK);
}

static void expect_load(const char *path, int want)
{
	uint8_t sk[64];
	int64_t event_id = -5;
	int key_id = -5;

	memset(sk, 0xa5, sizeof(sk));
	assert_int_equal(ticket_key_load(path, &event_id, &key_id, sk), want);
	if (want != VK_OK) {
		static const uint8_t zero[64];

		assert_memory_equal(sk, zero, sizeof(sk));
		assert_int_equal(event_id, -5);
		assert_int_equal(key_id, -5);
	}
}

static void test_key_load_rejects(void **state)
{
	struct keydir *k = *state;
	uint8_t pk[32], sk[64];
	char hex[129], text[512], bad_hex[129];
	static const char *const forms[] = {
		/* header */
		"vkhid-secret-key 2\nevent 1\nkey 1\nsecret %s\n",
		"vkhid-public-key 1\nevent 1\nkey 1\nsecret %s\n",
		"\nvkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\n",
		/* numbers */
		"vkhid-secret-key 1\nevent -1\nkey 1\nsecret %s\n",
		"vkhid-secret-key 1\nevent 4294967296\nkey 1\nsecret %s\n",
		"vkhid-secret-key 1\nevent 12345678901\nkey 1\nsecret %s\n",
		"vkhid-secret-key 1\nevent \nkey 1\nsecret %s\n",
		"vkhid-secret-key 1\nevent 1 \nkey 1\nsecret %s\n",
		"vkhid-secret-key 1\nevent 1\nkey 65536\nsecret %s\n",
		"vkhid-secret-key 1\nevent 1\nkey 0x10\nsecret %s\n",
		/* order, layout, line ends */
		"vkhid-secret-key 1\nkey 1\nevent 1\nsecret %s\n",
		"vkhid-secret-key 1\r\nevent 1\r\nkey 1\r\nsecret %s\r\n",
		"vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s",
		"vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\n\n",
		"vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\nextra 1\n",
		"vkhid-secret-key 1\nevent 1\nkey 1\nsecret  %s\n",
	};

	keys_from_seed(0, pk, sk);
	sodium_bin2hex(hex, sizeof(hex), sk, 64);

	expect_load(k->path, VK_ERR_NOT_FOUND);
	expect_load(k->dir, VK_ERR_IO);

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		int n = snprintf(text, sizeof(text), forms[i], hex);

		write_file(k->path, text, (size_t)n);
		expect_load(k->path, VK_ERR_INVALID);
	}

	/* The hex: wrong digit, short, long, odd, and halves that do not belong together. */
	memcpy(bad_hex, hex, sizeof(hex));
	bad_hex[10] = 'g';
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\n", bad_hex);
	write_file(k->path, text, strlen(text));
	expect_load(k->path, VK_ERR_INVALID);
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %.126s\n", hex);
	write_file(k->path, text, strlen(text));
	expect_load(k->path, VK_ERR_INVALID);
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %.127s\n", hex);
	write_file(k->path, text, strlen(text));
	expect_load(k->path, VK_ERR_INVALID);
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s00\n", hex);
	write_file(k->path, text, strlen(text));
	expect_load(k->path, VK_ERR_INVALID);
	memcpy(bad_hex, hex, sizeof(hex));
	bad_hex[127] = bad_hex[127] == '0' ? '1' : '0';
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\n", bad_hex);
	write_file(k->path, text, strlen(text));
	expect_load(k->path, VK_ERR_INVALID);

	/* Empty, a NUL inside, too big. */
	write_file(k->path, "", 0);
	expect_load(k->path, VK_ERR_INVALID);
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\n", hex);
	text[20] = '\0';
	write_file(k->path, text, strlen(text + 21) + 21);
	expect_load(k->path, VK_ERR_INVALID);
	memset(text, 'A', sizeof(text));
	write_file(k->path, text, sizeof(text));
	expect_load(k->path, VK_ERR_INVALID);

	/* Uppercase hex is the same key; the file stays accepted. */
	for (int i = 0; hex[i]; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	snprintf(text, sizeof(text), "vkhid-secret-key 1\nevent 1\nkey 1\nsecret %s\n", hex);
	write_file(k->path, text, strlen(text));
	expect_load(k->path, VK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_sign),
		cmocka_unit_test(test_nonce_never_zero),
		cmocka_unit_test(test_vector_decode_verify),
		cmocka_unit_test(test_code_shape),
		cmocka_unit_test(test_sign_rejects),
		cmocka_unit_test(test_forgery_every_bit),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_fields_must_match_msg),
		cmocka_unit_test(test_decode_edges),
		cmocka_unit_test(test_other_version),
		cmocka_unit_test(test_decode_huge),
		cmocka_unit_test(test_decode_random),
		cmocka_unit_test(test_decode_mutations),
		cmocka_unit_test(test_qr_fit),
		cmocka_unit_test(test_day_known),
		cmocka_unit_test(test_day_invalid),
		cmocka_unit_test(test_day_against_libc),
		cmocka_unit_test(test_valid_on),
		cmocka_unit_test_setup_teardown(test_key_round_trip, key_setup, key_teardown),
		cmocka_unit_test_setup_teardown(test_key_save_rejects, key_setup, key_teardown),
		cmocka_unit_test_setup_teardown(test_key_load_rejects, key_setup, key_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
