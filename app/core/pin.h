/* SPDX-License-Identifier: MIT */
/* The organizer PIN: stored only as an argon2id hash (libsodium crypto_pwhash_str) in the
 * setting table, checked with a lockout that survives a restart.
 *
 * Settings used (all in the kiosk's database):
 *   ui.pin               the hash ("$argon2id$..."); absent = the default PIN PIN_DEFAULT.
 *                        A plain PIN left by an older vkhid is hashed by pin_migrate().
 *   ui.pin_fails         wrong PINs since the last right one or the last lockout
 *   ui.pin_locked_until  wall-clock ms until which organizer mode is locked (0 = not)
 *
 * PIN_TRIES wrong PINs lock organizer mode for PIN_LOCK_MS. The state is in the database,
 * so killing and restarting the kiosk does not give a guesser fresh tries. Each function
 * uses the connection it is given (one thread's, see db.h). */
#ifndef VK_CORE_PIN_H
#define VK_CORE_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define PIN_SETTING "ui.pin"
#define PIN_SETTING_FAILS "ui.pin_fails"
#define PIN_SETTING_LOCKED "ui.pin_locked_until"
#define PIN_DEFAULT "2580"             /* until the organizer sets one (vkhid setting ui.pin) */
#define PIN_TRIES 5                    /* wrong PINs before the lockout */
#define PIN_LOCK_MS (5 * 60 * 1000)    /* how long the lockout lasts */
#define PIN_HASH_MAX 128               /* room for a hash string, NUL included */

enum pin_result {
	PIN_OK = 0,      /* the right PIN: the failure count is reset */
	PIN_WRONG = 1,   /* a wrong PIN (tries_left says how many remain) */
	PIN_LOCKED = 2,  /* locked now (locked_ms_left says for how long); nothing was tried */
};

struct pin_state {
	int tries_left;          /* before the lockout, 1 .. PIN_TRIES */
	int64_t locked_until;    /* wall-clock ms, 0 when not locked */
	int64_t locked_ms_left;  /* 0 when not locked */
};

/* Hashes pin into out (cap >= PIN_HASH_MAX): an argon2id string that carries its own salt
 * and costs. Returns VK_OK, VK_ERR_INVALID for an empty pin, VK_ERR_NOMEM when the hash
 * could not be computed (out of memory). */
int pin_hash(const char *pin, char *out, size_t cap);
/* 1 when stored is a hash made by pin_hash (not a plain PIN). */
int pin_is_hash(const char *stored);
/* 1 when pin matches the stored hash; a stored plain PIN (an old database) is compared as
 * it is, in constant time. */
int pin_matches(const char *stored, const char *pin);

/* Stores the hash of pin as the organizer PIN and clears the lockout. Returns VK_OK or an
 * error of pin_hash / the database. */
int pin_set(db *d, const char *pin);
/* 1 when the organizer has set a PIN (ui.pin present), 0 when the default applies. */
int pin_is_set(db *d);
/* Replaces a plain PIN left by an older vkhid with its hash. Returns 1 when it migrated
 * one, 0 when there was nothing to do, or a database error. */
int pin_migrate(db *d);

/* Reads the lockout state at wall-clock now_ms into st. A lock-until further ahead than
 * PIN_LOCK_MS (the clock was set back) counts as PIN_LOCK_MS from now. */
void pin_state_get(db *d, int64_t now_ms, struct pin_state *st);
/* Checks typed against the organizer PIN at wall-clock now_ms, counting failures and
 * locking after PIN_TRIES of them; st (may be NULL) receives the state after the check.
 * typed NULL only reads the state. Returns enum pin_result, or a negative error when the
 * database could not record the attempt (then the PIN is treated as not accepted). */
int pin_check(db *d, const char *typed, int64_t now_ms, struct pin_state *st);

#endif
