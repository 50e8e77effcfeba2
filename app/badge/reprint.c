/* SPDX-License-Identifier: MIT */
/* The reprint rule as the badge screens see it (see reprint.h); the rule itself is the
 * core's (checkin_reprint_rule), which also enforces it when a reprint is recorded. */
#include "badge/reprint.h"

#include <string.h>

#include "core/err.h"
#include "core/i18n.h"

int badge_reprint_check(db *d, int64_t event_id, int64_t number, int organizer,
			struct badge_reprint *out)
{
	struct checkin_reprints r;
	int rc = checkin_reprint_rule(d, event_id, number,
				      organizer ? CHECKIN_ORGANIZER : CHECKIN_ATTENDEE, &r);

	memset(out, 0, sizeof(*out));
	if (rc != VK_OK && rc != VK_ERR_REPRINT_LIMIT && rc != VK_ERR_REPRINT_NEEDS_ORGANIZER)
		return rc;
	out->done = r.done;
	out->free_allowed = r.free_allowed;
	out->max_allowed = r.max_allowed;
	out->verdict = rc == VK_ERR_REPRINT_LIMIT ? BADGE_REPRINT_LIMIT
		     : rc == VK_ERR_REPRINT_NEEDS_ORGANIZER ? BADGE_REPRINT_NEEDS_ORGANIZER
		     : BADGE_REPRINT_OK;
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

enum badge_reprint_verdict badge_reprint_verdict_of(int err)
{
	return err == VK_ERR_REPRINT_LIMIT ? BADGE_REPRINT_LIMIT
	     : err == VK_ERR_REPRINT_NEEDS_ORGANIZER ? BADGE_REPRINT_NEEDS_ORGANIZER
	     : BADGE_REPRINT_OK;
}

const char *badge_reprint_text(enum badge_reprint_verdict v)
{
	return badge_reprint_text_in(i18n_lang(), (int)v);
}
