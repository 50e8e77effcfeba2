/* SPDX-License-Identifier: MIT */
/* How many badges a participant may get: the first is free, reprints are counted (every
 * reprint is a DB_CI_REPRINT entry in the check-in log) and limited by two settings in the
 * database's setting table:
 *
 *   badge.reprints_free   reprints anyone at the kiosk may ask for (default 0: every
 *                         reprint needs the organizer)
 *   badge.reprints_max    reprints allowed at all, even by the organizer (default -1: no
 *                         limit)
 *
 * A badge is the entry pass: unlimited reprints would let one ticket become many badges.
 * The rule belongs to the core (core/checkin.h): checkin_reprint*() enforce it inside the
 * transaction that records a reprint, whoever calls them. badge_reprint_check() is only a
 * preview for screens and messages. */
#ifndef VK_BADGE_REPRINT_H
#define VK_BADGE_REPRINT_H

#include <stdint.h>

#include "core/checkin.h"
#include "db/db.h"

#define BADGE_SETTING_REPRINTS_FREE CHECKIN_SETTING_REPRINTS_FREE
#define BADGE_SETTING_REPRINTS_MAX CHECKIN_SETTING_REPRINTS_MAX

enum badge_reprint_verdict {
	BADGE_REPRINT_OK = 0,
	BADGE_REPRINT_NEEDS_ORGANIZER,
	BADGE_REPRINT_LIMIT,
	BADGE_REPRINT_COUNT
};

struct badge_reprint {
	enum badge_reprint_verdict verdict;
	int64_t done;          /* reprints so far */
	int64_t free_allowed;  /* the settings in force */
	int64_t max_allowed;   /* -1 = no limit */
};

/* Tells whether one more reprint of (event, number) may be made; organizer = 1 when the
 * organizer (PIN, command line) asks. Returns VK_OK with out filled, or a database error.
 * Records nothing and enforces nothing (checkin_reprint*() do). */
int badge_reprint_check(db *d, int64_t event_id, int64_t number, int organizer,
			struct badge_reprint *out);
/* The verdict a checkin_reprint*() error stands for: BADGE_REPRINT_LIMIT for
 * VK_ERR_REPRINT_LIMIT, BADGE_REPRINT_NEEDS_ORGANIZER for VK_ERR_REPRINT_NEEDS_ORGANIZER,
 * BADGE_REPRINT_OK for anything else. */
enum badge_reprint_verdict badge_reprint_verdict_of(int err);
/* The decision in the user's language, for screens and the command line. */
const char *badge_reprint_text(enum badge_reprint_verdict v);
/* The same in language lang (core/i18n.h); "" out of range. For tests walking every verdict. */
const char *badge_reprint_text_in(int lang, int v);

#endif
