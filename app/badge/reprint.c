/* SPDX-License-Identifier: MIT */
/* The reprint rule (see reprint.h): counts a participant's reprints in the check-in log
 * and weighs them against the two settings. */
#include "badge/reprint.h"

#include <string.h>

#include "core/err.h"
#include "core/i18n.h"

struct count_ctx {
	int64_t number;
	int64_t n;
};

static int count_one(void *ctx, const struct db_checkin *ci)
{
	struct count_ctx *c = ctx;
	if (ci->number == c->number && ci->kind == DB_CI_REPRINT)
		c->n++;
	return 0;
}

int badge_reprint_check(db *d, int64_t event_id, int64_t number, int organizer,
			struct badge_reprint *out)
{
	struct count_ctx c = { number, 0 };

	memset(out, 0, sizeof(*out));
	int rc = db_checkin_each(d, event_id, count_one, &c);
	if (rc)
		return rc;
	out->done = c.n;
	out->free_allowed = db_setting_int(d, BADGE_SETTING_REPRINTS_FREE, 0);
	out->max_allowed = db_setting_int(d, BADGE_SETTING_REPRINTS_MAX, -1);
	if (out->max_allowed >= 0 && c.n >= out->max_allowed)
		out->verdict = BADGE_REPRINT_LIMIT;
	else if (!organizer && c.n >= out->free_allowed)
		out->verdict = BADGE_REPRINT_NEEDS_ORGANIZER;
	else
		out->verdict = BADGE_REPRINT_OK;
	return VK_OK;
}

const char *badge_reprint_text(enum badge_reprint_verdict v)
{
	switch (v) {
	case BADGE_REPRINT_OK: return TR("Reprint allowed", "Повторний друк дозволено");
	case BADGE_REPRINT_NEEDS_ORGANIZER:
		return TR("A reprint needs the organizer: please ask staff.",
			  "Повторний друк — лише з дозволу організатора: зверніться до персоналу.");
	case BADGE_REPRINT_LIMIT:
		return TR("This badge has been reprinted as often as the event allows.",
			  "Цей бейдж уже передруковано стільки разів, скільки дозволяє захід.");
	}
	return "";
}
