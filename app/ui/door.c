/* SPDX-License-Identifier: MIT */
/* The door's side of the screens' requests (door.h). */
#include "ui/door.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "badge/reprint.h"
#include "core/err.h"
#include "core/text.h"

int door_turnout(struct checkin_desk *desk, struct ui_turnout *t)
{
	struct db_stats st;
	char hour[32];
	time_t now = (time_t)(clock_now_ms(&desk->clock) / 1000);
	struct tm tm;
	int rc = db_stats(desk->d, desk->event.id, &st);

	memset(t, 0, sizeof *t);
	if (rc)
		return rc;
	localtime_r(&now, &tm);
	strftime(hour, sizeof hour, "%Y-%m-%d %H:00", &tm);
	t->registered = st.registered;
	t->admitted = st.admitted + st.admitted_unlisted;
	t->reprints = st.reprints;
	t->undos = st.undos;
	for (int i = 0; i < st.n_hour; i++)
		if (strcmp(st.hour[i].key, hour) == 0)
			t->this_hour = st.hour[i].admitted;
	/* the biggest categories first: what the organizer looks for */
	for (int i = 0; i < st.n_category; i++) {
		int at = t->n_cat;
		if (at == UI_MAX_CATS) {
			if (st.category[i].registered <= t->cat[UI_MAX_CATS - 1].registered)
				continue;
			at = UI_MAX_CATS - 1;
		} else {
			t->n_cat++;
		}
		while (at > 0 && t->cat[at - 1].registered < st.category[i].registered) {
			t->cat[at] = t->cat[at - 1];
			at--;
		}
		text_copy(t->cat[at].name, sizeof t->cat[at].name, st.category[i].key);
		t->cat[at].registered = st.category[i].registered;
		t->cat[at].admitted = st.category[i].admitted;
	}
	t->valid = 1;
	db_stats_free(&st);
	return VK_OK;
}

/* Registers a walk-in and admits them: one transaction in the core (checkin_walkin), a
 * walk-in entry in the log; reprints and undo then go by registration number. */
static int walkin(struct checkin_desk *desk, const struct ui_request *rq, struct door_result *out)
{
	struct db_registration r;
	const char *sp;
	int rc;

	memset(&r, 0, sizeof r);
	r.event_id = desk->event.id;
	text_copy(r.display, sizeof r.display, rq->a);
	text_trim(r.display);
	sp = strchr(r.display, ' ');
	if (!r.display[0])
		return VK_ERR_INVALID;
	if (sp) {
		snprintf(r.given, sizeof r.given, "%.*s", (int)(sp - r.display), r.display);
		text_copy(r.family, sizeof r.family, sp + 1);
		text_trim(r.family);
	} else {
		text_copy(r.given, sizeof r.given, r.display);
	}
	text_copy(r.organization, sizeof r.organization, rq->b);
	text_trim(r.organization);
	text_copy(r.email, sizeof r.email, rq->c);
	text_trim(r.email);
	text_search_key(r.given, r.family, r.display, r.search_key, sizeof r.search_key);
	snprintf(out->name, sizeof out->name, "%s", r.display);
	rc = checkin_walkin(desk, &r, &out->res);
	out->has_outcome = rc == VK_OK;
	return rc;
}

void door_do(struct checkin_desk *desk, const struct ui_request *rq, struct door_result *out)
{
	struct db_registration reg;

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", rq->a);
	switch (rq->kind) {
	case UI_REQ_CHECKIN:
	case UI_REQ_REPRINT:
	case UI_REQ_UNDO:
		/* by number: a person found by name needs no code at hand */
		out->rc = db_reg_get(desk->d, desk->event.id, rq->number, &reg);
		if (out->rc)
			break;
		snprintf(out->name, sizeof out->name, "%s", reg.display);
		if (rq->kind == UI_REQ_CHECKIN) {
			out->rc = checkin_number(desk, rq->number, DB_CI_SEARCH, &out->res);
			out->has_outcome = out->rc == VK_OK;
		} else if (rq->kind == UI_REQ_REPRINT) {
			/* the organizer asks (behind the PIN): only the overall limit applies */
			struct badge_reprint rp;
			out->rc = badge_reprint_check(desk->d, desk->event.id, rq->number, 1, &rp);
			if (out->rc == VK_OK && rp.verdict != BADGE_REPRINT_OK)
				out->rc = VK_ERR_EXISTS;
			if (out->rc == VK_OK)
				out->rc = checkin_reprint_number(desk, rq->number, &out->res);
		} else {
			out->rc = checkin_undo_number(desk, rq->number, &out->res);
		}
		break;
	case UI_REQ_WALKIN:
		out->rc = walkin(desk, rq, out);
		break;
	case UI_REQ_STATS:
		out->rc = door_turnout(desk, &out->turnout);
		out->has_turnout = out->rc == VK_OK;
		break;
	case UI_REQ_SET_CLOCK:
		desk->clock.offset_ms += rq->ms;
		desk->clock.trusted_override = 1;
		out->rc = VK_OK;
		break;
	case UI_REQ_SETTING:
		out->rc = db_setting_set(desk->d, rq->a, rq->b);
		break;
	case UI_REQ_PRESENT:
		out->rc = checkin_present(desk, rq->a, strlen(rq->a), DB_CI_MANUAL, &out->res);
		out->has_outcome = out->rc == VK_OK;
		break;
	case UI_REQ_QUIT:
		out->rc = VK_OK;
		break;
	}
}
