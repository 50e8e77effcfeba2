/* SPDX-License-Identifier: MIT */
/* The organizer PIN (pin.h): argon2id hashes through libsodium, and the lockout kept in the
 * setting table so that a restart does not reset it.
 *
 * Costs: a PIN of 4 to 8 digits has at most 10^8 values, so no hash makes a stolen
 * database safe against a patient offline search; the hash keeps the PIN out of sight
 * (`vkhid setting`, a copied file, a backup) and makes each guess cost real time and
 * memory. The costs are OWASP's minimum for argon2id (2 passes over 19 MiB), so a
 * Raspberry Pi checks a PIN well within a second (libsodium's INTERACTIVE costs, 64 MiB,
 * took three times as long; SECURITY.md gives the times measured). */
#include "core/pin.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/err.h"

#define PIN_OPSLIMIT 2ULL
#define PIN_MEMLIMIT (19ULL * 1024 * 1024)

static int sodium_ready(void)
{
	return sodium_init() >= 0; /* thread-safe and idempotent */
}

int pin_hash(const char *pin, char *out, size_t cap)
{
	char h[crypto_pwhash_STRBYTES];
	if (!pin || !*pin)
		return VK_ERR_INVALID;
	if (cap < sizeof h || !sodium_ready())
		return VK_ERR_NOMEM;
	if (crypto_pwhash_str_alg(h, pin, strlen(pin), PIN_OPSLIMIT, (size_t)PIN_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return VK_ERR_NOMEM;
	memcpy(out, h, sizeof h);
	sodium_memzero(h, sizeof h);
	return VK_OK;
}

int pin_is_hash(const char *stored)
{
	return stored && strncmp(stored, "$argon2id$", 10) == 0;
}

int pin_matches(const char *stored, const char *pin)
{
	if (!stored || !pin)
		return 0;
	if (pin_is_hash(stored))
		return sodium_ready() && crypto_pwhash_str_verify(stored, pin, strlen(pin)) == 0;
	/* a plain PIN of an older vkhid, until pin_migrate replaces it */
	size_t n = strlen(stored);
	return n == strlen(pin) && sodium_ready() && sodium_memcmp(stored, pin, n) == 0;
}

static int put_int(db *d, const char *key, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	return db_setting_set(d, key, buf);
}

int pin_set(db *d, const char *pin)
{
	char h[PIN_HASH_MAX];
	int rc = pin_hash(pin, h, sizeof h);
	if (rc)
		return rc;
	rc = db_begin(d);
	if (rc == VK_OK)
		rc = db_setting_set(d, PIN_SETTING, h);
	if (rc == VK_OK)
		rc = put_int(d, PIN_SETTING_FAILS, 0);
	if (rc == VK_OK)
		rc = put_int(d, PIN_SETTING_LOCKED, 0);
	if (rc == VK_OK)
		rc = db_commit(d);
	else
		db_rollback(d);
	return rc;
}

int pin_is_set(db *d)
{
	char v[PIN_HASH_MAX];
	return db_setting_get(d, PIN_SETTING, v, sizeof v) == VK_OK && v[0];
}

int pin_migrate(db *d)
{
	char v[PIN_HASH_MAX], h[PIN_HASH_MAX];
	int rc;
	if (db_setting_get(d, PIN_SETTING, v, sizeof v) != VK_OK || !v[0] || pin_is_hash(v))
		return 0;
	rc = pin_hash(v, h, sizeof h);
	if (rc == VK_OK) {
		rc = db_begin(d);
		if (rc == VK_OK) {
			/* another process may have migrated it meanwhile: hash only a plain PIN */
			char again[PIN_HASH_MAX];
			if (db_setting_get(d, PIN_SETTING, again, sizeof again) == VK_OK && !pin_is_hash(again))
				rc = db_setting_set(d, PIN_SETTING, h);
			if (rc == VK_OK)
				rc = db_commit(d);
			else
				db_rollback(d);
		}
	}
	sodium_memzero(v, sizeof v);
	return rc == VK_OK ? 1 : rc;
}

void pin_state_get(db *d, int64_t now_ms, struct pin_state *st)
{
	int64_t fails = db_setting_int(d, PIN_SETTING_FAILS, 0);
	int64_t until = db_setting_int(d, PIN_SETTING_LOCKED, 0);
	memset(st, 0, sizeof *st);
	if (fails < 0)
		fails = 0;
	if (fails >= PIN_TRIES)
		fails = PIN_TRIES - 1;
	st->tries_left = PIN_TRIES - (int)fails;
	if (until > now_ms) {
		st->locked_ms_left = until - now_ms > PIN_LOCK_MS ? PIN_LOCK_MS : until - now_ms;
		st->locked_until = now_ms + st->locked_ms_left;
	}
}

int pin_check(db *d, const char *typed, int64_t now_ms, struct pin_state *st)
{
	struct pin_state s;
	char stored[PIN_HASH_MAX];
	int right, rc;

	pin_state_get(d, now_ms, &s);
	if (!typed || s.locked_ms_left) {
		if (st)
			*st = s;
		return typed ? PIN_LOCKED : (s.locked_ms_left ? PIN_LOCKED : PIN_OK);
	}
	if (db_setting_get(d, PIN_SETTING, stored, sizeof stored) != VK_OK || !stored[0])
		snprintf(stored, sizeof stored, "%s", PIN_DEFAULT);
	/* the slow hash runs outside the write lock: the door keeps admitting meanwhile */
	right = pin_matches(stored, typed);
	sodium_memzero(stored, sizeof stored);

	rc = db_begin(d);
	if (rc)
		return rc;
	if (right) {
		rc = put_int(d, PIN_SETTING_FAILS, 0);
	} else {
		/* re-read inside the transaction: another process's failures count too */
		int64_t fails = db_setting_int(d, PIN_SETTING_FAILS, 0) + 1;
		if (fails < 1)
			fails = 1;
		if (fails >= PIN_TRIES) {
			rc = put_int(d, PIN_SETTING_FAILS, 0);
			if (rc == VK_OK)
				rc = put_int(d, PIN_SETTING_LOCKED, now_ms + PIN_LOCK_MS);
		} else {
			rc = put_int(d, PIN_SETTING_FAILS, fails);
		}
	}
	if (rc == VK_OK)
		rc = db_commit(d);
	else
		db_rollback(d);
	if (rc)
		return rc;
	pin_state_get(d, now_ms, &s);
	if (st)
		*st = s;
	return right ? PIN_OK : PIN_WRONG;
}
