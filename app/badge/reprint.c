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

/* Sized by its last row: the assertion catches a verdict added at the end without text. */
static const char *const verdict_texts[] = {
	[BADGE_REPRINT_OK] = N_("Reprint allowed"),
	[BADGE_REPRINT_NEEDS_ORGANIZER] = N_("A reprint needs the organizer: please ask staff."),
	[BADGE_REPRINT_LIMIT] = N_("This badge has been reprinted as often as the event allows."),
};
_Static_assert(sizeof verdict_texts / sizeof verdict_texts[0] == BADGE_REPRINT_COUNT,
	       "one text per verdict");

const char *badge_reprint_text_in(int lang, int v)
{
	if ((unsigned)v >= BADGE_REPRINT_COUNT || !verdict_texts[v])
		return "";
	return i18n_tr(lang, verdict_texts[v]);
}

const char *badge_reprint_text(enum badge_reprint_verdict v)
{
	return badge_reprint_text_in(i18n_lang(), (int)v);
}
