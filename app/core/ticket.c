/* SPDX-License-Identifier: MIT */
/* Signed vkhid tickets (see ticket.h for the format): signing for the organiser's tools,
 * decoding and verification for the kiosk's scan path, the day numbers of validity
 * windows, and the secret key file.
 *
 * Sections, in order:
 *   libsodium start   sodium_init() once, lazily, from any thread
 *   payload           the 16 bytes, big-endian, both ways
 *   codes             ticket_sign, ticket_decode, ticket_verify
 *   day numbers       days since 2020-01-01, proleptic Gregorian, no time zones
 *   key files         ticket_key_save, ticket_key_load
 *
 * A code is taken exactly as presented. ticket_decode neither trims nor folds case: the
 * signature covers exact bytes, QR alphanumeric mode cannot carry lowercase, and a space
 * is a Base45 digit that may open or close the encoded part, so stripping whitespace here
 * could turn a valid code into a corrupt one. A scanner that appends CR or LF (a
 * keyboard-wedge reader) must have those removed by its caller, and only those. */
#include "core/ticket.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/base45.h"
#include "core/err.h"

#define PREFIX_LEN (sizeof(TICKET_PREFIX) - 1)
#define RAW_LEN (TICKET_PAYLOAD_LEN + TICKET_SIG_LEN)
#define NONCE_MAX 0xFFFFu

/* ---- libsodium start ------------------------------------------------------------------ */

/* sodium_init() is thread-safe and idempotent, but it takes a lock on every call; the flag
 * keeps the scan path lock-free once it has succeeded. Two threads racing through the
 * first call both run sodium_init(), which is harmless. */
static atomic_int sodium_ready;

static int sodium_start(void)
{
	if (atomic_load_explicit(&sodium_ready, memory_order_acquire))
		return 0;
	if (sodium_init() < 0)
		return -1;
	atomic_store_explicit(&sodium_ready, 1, memory_order_release);
	return 0;
}

/* ---- payload -------------------------------------------------------------------------- */

static void pack(const struct ticket *t, uint8_t p[TICKET_PAYLOAD_LEN])
{
	p[0] = t->version;
	p[1] = (uint8_t)(t->key_id >> 8);
	p[2] = (uint8_t)t->key_id;
	p[3] = (uint8_t)(t->event_id >> 24);
	p[4] = (uint8_t)(t->event_id >> 16);
	p[5] = (uint8_t)(t->event_id >> 8);
	p[6] = (uint8_t)t->event_id;
	p[7] = (uint8_t)(t->number >> 24);
	p[8] = (uint8_t)(t->number >> 16);
	p[9] = (uint8_t)(t->number >> 8);
	p[10] = (uint8_t)t->number;
	p[11] = (uint8_t)(t->valid_from >> 8);
	p[12] = (uint8_t)t->valid_from;
	p[13] = t->valid_days;
	p[14] = (uint8_t)(t->nonce >> 8);
	p[15] = (uint8_t)t->nonce;
}

static void unpack(const uint8_t p[TICKET_PAYLOAD_LEN], struct ticket *t)
{
	t->version = p[0];
	t->key_id = (uint16_t)(p[1] << 8 | p[2]);
	t->event_id = (uint32_t)p[3] << 24 | (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
	t->number = (uint32_t)p[7] << 24 | (uint32_t)p[8] << 16 | (uint32_t)p[9] << 8 | p[10];
	t->valid_from = (uint16_t)(p[11] << 8 | p[12]);
	t->valid_days = p[13];
	t->nonce = (uint32_t)p[14] << 8 | p[15];
}

/* ---- codes ---------------------------------------------------------------------------- */

uint32_t ticket_nonce_new(void)
{
	if (sodium_start() < 0)
		return 1; /* cannot happen on a working system; still never 0 */
	return randombytes_uniform(NONCE_MAX) + 1;
}

/* Besides VK_OK and VK_ERR_INVALID (bad version, nonce 0 or over 16 bits, NULL, short
 * out), returns VK_ERR_CRYPTO if libsodium cannot start, which does not happen on a working
 * system. */
int ticket_sign(const struct ticket *t, const uint8_t sk[64], char *out, size_t out_len)
{
	uint8_t msg[PREFIX_LEN + TICKET_PAYLOAD_LEN];
	uint8_t raw[RAW_LEN];
	long n;

	if (!t || !sk || !out || out_len < TICKET_CODE_LEN + 1)
		return VK_ERR_INVALID;
	/* nonces start at 1: a 0 once meant "every ticket" to the revocation list */
	if ((t->version != TICKET_VERSION_DAYS && t->version != TICKET_VERSION_EVENT) ||
	    t->nonce == 0 || t->nonce > NONCE_MAX)
		return VK_ERR_INVALID;
	if (sodium_start() < 0)
		return VK_ERR_CRYPTO;
	memcpy(msg, TICKET_PREFIX, PREFIX_LEN);
	pack(t, msg + PREFIX_LEN);
	memcpy(raw, msg + PREFIX_LEN, TICKET_PAYLOAD_LEN);
	/* Ed25519 cannot fail here; the return value carries no information. */
	crypto_sign_detached(raw + TICKET_PAYLOAD_LEN, NULL, msg, sizeof(msg), sk);
	memcpy(out, TICKET_PREFIX, PREFIX_LEN);
	n = base45_encode(raw, sizeof(raw), out + PREFIX_LEN, out_len - PREFIX_LEN);
	if (n != TICKET_CODE_LEN - (long)PREFIX_LEN)
		return VK_ERR_INVALID;
	return VK_OK;
}

/* ts is cleared first, so after TICKET_NOT_VK or TICKET_MALFORMED it holds zeroes, never
 * half a ticket. Only len bytes of code are read; code need not be NUL-terminated. */
enum ticket_decode_result ticket_decode(const char *code, size_t len, struct ticket_signed *ts)
{
	uint8_t raw[RAW_LEN];

	if (ts)
		memset(ts, 0, sizeof(*ts));
	if (!code || len < PREFIX_LEN || memcmp(code, TICKET_PREFIX, PREFIX_LEN) != 0)
		return TICKET_NOT_VK;
	if (!ts || len != TICKET_CODE_LEN)
		return TICKET_MALFORMED;
	if (base45_decode(code + PREFIX_LEN, len - PREFIX_LEN, raw, sizeof(raw)) != RAW_LEN)
		return TICKET_MALFORMED;
	/* A later format gets a new prefix or version; guessing at one would misread it. */
	if (raw[0] != TICKET_VERSION_DAYS && raw[0] != TICKET_VERSION_EVENT)
		return TICKET_MALFORMED;
	unpack(raw, &ts->t);
	memcpy(ts->msg, TICKET_PREFIX, PREFIX_LEN);
	memcpy(ts->msg + PREFIX_LEN, raw, TICKET_PAYLOAD_LEN);
	memcpy(ts->sig, raw + TICKET_PAYLOAD_LEN, TICKET_SIG_LEN);
	return TICKET_OK;
}

/* Callers act on ts->t, but the signature covers ts->msg; a struct filled by hand (or
 * edited after decoding) could make the two disagree, so they are compared before the
 * signature is trusted. Any failure, NULL arguments included, is VK_ERR_CRYPTO. */
int ticket_verify(const struct ticket_signed *ts, const uint8_t pk[32])
{
	uint8_t expect[PREFIX_LEN + TICKET_PAYLOAD_LEN];

	if (!ts || !pk || sodium_start() < 0)
		return VK_ERR_CRYPTO;
	memcpy(expect, TICKET_PREFIX, PREFIX_LEN);
	pack(&ts->t, expect + PREFIX_LEN);
	if (memcmp(expect, ts->msg, sizeof(expect)) != 0)
		return VK_ERR_CRYPTO;
	if (crypto_sign_verify_detached(ts->sig, ts->msg, sizeof(ts->msg), pk) != 0)
		return VK_ERR_CRYPTO;
	return VK_OK;
}

/* ---- day numbers ---------------------------------------------------------------------- */

/* Dates run from 2020-01-01 (day 0) to 9999-12-31: four-digit years, and nothing before
 * day 0, whose number -1 would collide with "invalid". Calendar arithmetic instead of
 * mktime/timegm keeps the kiosk's TZ and DST out of ticket windows. */
#define EPOCH_YEAR 2020
#define LAST_YEAR 9999

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return len[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 0001-01-01 to January 1st of year y (y >= 1). */
static long days_before_year(long y)
{
	long p = y - 1;

	return p * 365 + p / 4 - p / 100 + p / 400;
}

static long day_number(long y, int m, int d)
{
	long n = days_before_year(y) - days_before_year(EPOCH_YEAR);

	for (int i = 1; i < m; i++)
		n += month_days(y, i);
	return n + d - 1;
}

static int two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Accepts exactly "YYYY-MM-DD" and nothing after it. */
int ticket_day_from_date(const char *s)
{
	long y;
	int m, d;

	if (!s)
		return -1;
	for (int i = 0; i < 10; i++) {
		int dash = i == 4 || i == 7;

		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	if (s[10] != '\0')
		return -1;
	y = two_digits(s) * 100L + two_digits(s + 2);
	m = two_digits(s + 5);
	d = two_digits(s + 8);
	if (y < EPOCH_YEAR || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	return (int)day_number(y, m, d);
}

/* Writes v as exactly width decimal digits; by hand, since the ranges are known and
 * snprintf cannot be shown to fit without them. */
static void put_digits(char *out, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* A day outside 2020-01-01 .. 9999-12-31 is written as "0000-00-00". */
void ticket_date_from_day(int day, char out[11])
{
	long y, rest;
	int m = 1;

	if (day < 0 || day > day_number(LAST_YEAR, 12, 31)) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	/* A year has at least 365 days, so this guess is never early; step back to the year
	 * that holds the day. */
	y = EPOCH_YEAR + day / 365;
	while (day_number(y, 1, 1) > day)
		y--;
	rest = day - day_number(y, 1, 1);
	while (rest >= month_days(y, m)) {
		rest -= month_days(y, m);
		m++;
	}
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, rest + 1, 2);
	out[10] = '\0';
}

int ticket_window(int from, int to, struct ticket *t)
{
	memset(t, 0, sizeof *t);
	if (from < 0 || to < from || from > 0xffff)
		return VK_ERR_INVALID;
	t->valid_from = (uint16_t)from;
	if (to - from + 1 <= 255) {
		t->version = TICKET_VERSION_DAYS;
		t->valid_days = (uint8_t)(to - from + 1);
	} else {
		t->version = TICKET_VERSION_EVENT;
		t->valid_days = TICKET_TO_EVENT_END;
	}
	return VK_OK;
}

int ticket_valid_on_event(const struct ticket *t, int day, int last_day)
{
	if (t->version == TICKET_VERSION_EVENT && t->valid_days == TICKET_TO_EVENT_END)
		return day >= t->valid_from && (last_day < 0 || day <= last_day);
	return ticket_valid_on(t, day);
}

int ticket_valid_on(const struct ticket *t, int day)
{
	if (t->version == TICKET_VERSION_EVENT && t->valid_days == TICKET_TO_EVENT_END)
		return day >= t->valid_from;
	/* A window of 0 days means the ticket carries none; day 0 (2020-01-01) is a day. */
	if (t->valid_days == 0)
		return 1;
	return day >= t->valid_from && day < (int)t->valid_from + t->valid_days;
}

/* ---- key files ------------------------------------------------------------------------ */

/* The file is exactly four lines:
 *   vkhid-secret-key 1
 *   event 305441741
 *   key 7
 *   secret <128 hex digits: libsodium's 64-byte secret key, seed then public key>
 * Event ids travel in tickets as 32 bits and key ids as 16, so the file holds no more. */
#define KEY_MAGIC "vkhid-secret-key 1\n"
#define KEY_FILE_MAX 512 /* a real file is under 200 bytes */
#define EVENT_ID_MAX 0xFFFFFFFFLL
#define KEY_ID_MAX 0xFFFF

/* 0 when the public half of sk is the one its seed derives: catches a file corrupted or
 * assembled from two keys, which would otherwise sign tickets no kiosk accepts. */
static int sk_consistent(const uint8_t sk[64])
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk2[crypto_sign_SECRETKEYBYTES];
	int rc;

	crypto_sign_seed_keypair(pk, sk2, sk);
	rc = sodium_memcmp(sk2, sk, sizeof(sk2)) == 0 ? 0 : -1;
	sodium_memzero(sk2, sizeof(sk2));
	return rc;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The directory entry is durable only once the directory itself is synced. */
static int fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	int fd, rc = -1;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

/* Besides VK_OK and VK_ERR_EXISTS, returns VK_ERR_INVALID (ids out of range, or an sk
 * whose two halves do not belong together), VK_ERR_IO (nothing is left behind: a
 * half-written file is removed) or VK_ERR_CRYPTO (libsodium cannot start). */
int ticket_key_save(const char *path, int64_t event_id, int key_id, const uint8_t sk[64])
{
	char hex[2 * crypto_sign_SECRETKEYBYTES + 1];
	char text[KEY_FILE_MAX];
	int fd = -1, created = 0, len, rc;

	if (!path || !sk || event_id < 0 || event_id > EVENT_ID_MAX || key_id < 0 ||
	    key_id > KEY_ID_MAX) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	if (sodium_start() < 0) {
		rc = VK_ERR_CRYPTO;
		goto out;
	}
	if (sk_consistent(sk) != 0) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	sodium_bin2hex(hex, sizeof(hex), sk, crypto_sign_SECRETKEYBYTES);
	len = snprintf(text, sizeof(text), KEY_MAGIC "event %lld\nkey %d\nsecret %s\n",
		       (long long)event_id, key_id, hex);
	if (len < 0 || (size_t)len >= sizeof(text)) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	/* O_EXCL: a second "new key" must never replace the key tickets were signed with. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? VK_ERR_EXISTS : VK_ERR_IO;
		goto out;
	}
	created = 1;
	if (write_all(fd, text, (size_t)len) != 0 || fsync(fd) != 0) {
		rc = VK_ERR_IO;
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc != 0 || fsync_parent(path) != 0) {
		rc = VK_ERR_IO;
		goto out;
	}
	rc = VK_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc != VK_OK && created)
		unlink(path);
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* Moves *p past lit when the text starts with it. */
static int take(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* One to ten decimal digits (no sign, no spaces) up to max, then a newline. */
static int take_number(const char **p, long long max, long long *v)
{
	const char *s = *p;
	long long n = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (++digits > 10)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	if (digits == 0 || n > max || *s != '\n')
		return -1;
	*p = s + 1;
	*v = n;
	return 0;
}

/* Strict: the four lines exactly as ticket_key_save writes them (hex in either case),
 * nothing before or after. The outputs are written only on VK_OK; on failure sk is zeroed.
 * VK_ERR_IO when the file exists but cannot be read; VK_ERR_CRYPTO when libsodium
 * cannot start. The file's mode is not checked: a key moved on a FAT stick has none. */
int ticket_key_load(const char *path, int64_t *event_id, int *key_id, uint8_t sk[64])
{
	char text[KEY_FILE_MAX + 1];
	uint8_t key[crypto_sign_SECRETKEYBYTES];
	const char *p = text, *hex;
	size_t got = 0, bin_len = 0;
	long long ev, kid;
	int fd = -1, rc;

	if (!path || !event_id || !key_id || !sk) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	if (sodium_start() < 0) {
		rc = VK_ERR_CRYPTO;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? VK_ERR_NOT_FOUND : VK_ERR_IO;
		goto out;
	}
	/* Read one byte past the cap so that an oversized file is seen as such. */
	while (got < sizeof(text) - 1) {
		ssize_t r = read(fd, text + got, sizeof(text) - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = VK_ERR_IO;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	text[got] = '\0';
	if (got > KEY_FILE_MAX || strlen(text) != got) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	if (take(&p, KEY_MAGIC) || take(&p, "event ") || take_number(&p, EVENT_ID_MAX, &ev) ||
	    take(&p, "key ") || take_number(&p, KEY_ID_MAX, &kid) || take(&p, "secret ")) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	hex = p;
	if (strlen(hex) != 2 * sizeof(key) + 1 || hex[2 * sizeof(key)] != '\n' ||
	    sodium_hex2bin(key, sizeof(key), hex, 2 * sizeof(key), NULL, &bin_len, NULL) != 0 ||
	    bin_len != sizeof(key) || sk_consistent(key) != 0) {
		rc = VK_ERR_INVALID;
		goto out;
	}
	memcpy(sk, key, sizeof(key));
	*event_id = ev;
	*key_id = (int)kid;
	rc = VK_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc != VK_OK && sk)
		sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int ticket_key_exposed(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && (st.st_mode & 077) != 0;
}
