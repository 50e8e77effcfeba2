/* SPDX-License-Identifier: MIT */
/* The screens' requests at the door (door_request in door.h): admitting the person picked
 * in Find me, a walk-in, reprint, undo, turnout, the clock, settings; and staff actions on
 * a code. They run in the door's thread, on its connection, and are reported and logged
 * like any presentation. Only composition of the check-in rules (core/checkin.h): no rules
 * of its own. */
#include "door/door_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/text.h"
#include "sync/client.h"

/* Connect to hub: the organizer showed the dashboard's code (door note DOOR_HUB_CODE, then
 * the screens' request). The kiosk's database enrolls as `vkhid sync enroll` does, on the
 * door's own connection; out->name gets the kiosk's name at the hub, or why it failed in
 * the organizer's words. */
static void hub_enroll(struct door *d, const struct ui_request *rq, struct door_result *out)
{
	char name[64] = "", why[sizeof out->name] = "";
	out->rc = sync_enroll(d->desk.d, rq->a, name, sizeof name, why, sizeof why);
	snprintf(out->name, sizeof out->name, "%s", out->rc == VK_OK ? name : why);
}

/* Turnout for the organizer screen. */
static int turnout(struct door *d, struct ui_turnout *t)
{
	struct checkin_desk *desk = &d->desk;
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

/* A database failure is a problem of the door; "nobody to act on" is an answer. */
static int is_problem(int rc)
{
	return rc != VK_OK && rc != VK_ERR_NOT_FOUND && rc != VK_ERR_INVALID && rc != VK_ERR_EXISTS;
}

/* Registers a walk-in and admits them: one transaction in the core (checkin_walkin); the
 * outcome is reported and logged with source "walkin". */
static int walkin(struct door *d, const struct ui_request *rq, struct door_result *out, double t0)
{
	struct db_registration r;
	struct door_note n = { .kind = DOOR_OUTCOME, .source = DOOR_SRC_WALKIN, .mode = DOOR_MODE_LOCAL };
	const char *sp;
	int rc;

	memset(&r, 0, sizeof r);
	r.event_id = d->desk.event.id;
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
	rc = checkin_walkin(&d->desk, &r, &out->res);
	if (rc != VK_OK)
		return rc;
	out->has_outcome = 1;
	n.result = &out->res;
	n.ms = clock_mono_ms() - t0;
	n.t_decoded = t0;
	door_report(d, &n);
	if (out->res.job_id)
		door_print_pending(d);
	return VK_OK;
}

static void report_staff(struct door *d, int undo, enum door_source src, const char *code, size_t len,
			 int64_t number, int rc, const struct checkin_result *res)
{
	struct door_note n = { .kind = DOOR_STAFF, .source = src, .staff_undo = undo, .rc = rc,
			       .code = code, .code_len = len, .number = number,
			       .result = rc == VK_OK || code ? res : NULL };
	if (is_problem(rc))
		door_report_problem(d, DOOR_PROBLEM_DATABASE, rc);
	door_report(d, &n);
	if (rc == VK_OK && !undo)
		door_print_pending(d);
}

void door_request(struct door *d, const struct ui_request *rq, struct door_result *out)
{
	struct checkin_desk *desk = &d->desk;
	struct db_registration reg;
	double t0 = clock_mono_ms();

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", rq->a);
	switch (rq->kind) {
	case UI_REQ_CHECKIN:
	case UI_REQ_REPRINT:
	case UI_REQ_UNDO:
		/* by number: a person found by name needs no code at hand */
		out->rc = db_reg_get(desk->d, desk->event.id, rq->number, &reg);
		if (out->rc) {
			if (is_problem(out->rc))
				door_report_problem(d, DOOR_PROBLEM_DATABASE, out->rc);
			break;
		}
		snprintf(out->name, sizeof out->name, "%s", reg.display);
		if (rq->kind == UI_REQ_CHECKIN) {
			struct door_ask ask = { .number = rq->number, .method = DB_CI_SEARCH };
			out->rc = door_present(d, &ask, DOOR_SRC_SEARCH, t0, &out->res);
			out->has_outcome = out->rc == VK_OK;
		} else if (rq->kind == UI_REQ_REPRINT) {
			/* the organizer asks (behind the PIN): the core enforces badge.reprints_max
			 * in the reprint's own transaction (VK_ERR_REPRINT_LIMIT) */
			out->rc = checkin_reprint_number_as(desk, rq->number, CHECKIN_ORGANIZER, &out->res);
			report_staff(d, 0, DOOR_SRC_ORGANIZER, NULL, 0, rq->number, out->rc, &out->res);
		} else {
			out->rc = checkin_undo_number(desk, rq->number, &out->res);
			report_staff(d, 1, DOOR_SRC_ORGANIZER, NULL, 0, rq->number, out->rc, &out->res);
		}
		break;
	case UI_REQ_WALKIN:
		out->rc = walkin(d, rq, out, t0);
		if (is_problem(out->rc))
			door_report_problem(d, DOOR_PROBLEM_DATABASE, out->rc);
		break;
	case UI_REQ_STATS:
		out->rc = turnout(d, &out->turnout);
		out->has_turnout = out->rc == VK_OK;
		break;
	case UI_REQ_SET_CLOCK:
		pthread_mutex_lock(&d->clock_lock);
		desk->clock.offset_ms += rq->ms;
		desk->clock.trusted_override = 1;
		pthread_mutex_unlock(&d->clock_lock);
		out->rc = VK_OK;
		break;
	case UI_REQ_SETTING:
		out->rc = db_setting_set(desk->d, rq->a, rq->b);
		break;
	case UI_REQ_PRESENT: {
		struct door_ask ask = { .code = rq->a, .len = strlen(rq->a), .method = DB_CI_MANUAL };
		out->rc = door_present(d, &ask, DOOR_SRC_KEYBOARD, t0, &out->res);
		out->has_outcome = out->rc == VK_OK;
		break;
	}
	case UI_REQ_QUIT:
		out->rc = VK_OK;
		break;
	case UI_REQ_HUB_ENROLL:
		hub_enroll(d, rq, out);
		break;
	}
}

int door_staff_code(struct door *d, const char *code, size_t len, int undo)
{
	struct checkin_result *res = malloc(sizeof *res);
	int rc;
	if (!res) {
		door_report_problem(d, DOOR_PROBLEM_MEMORY, VK_ERR_NOMEM);
		return VK_ERR_NOMEM;
	}
	memset(res, 0, sizeof *res);
	rc = undo ? checkin_undo(&d->desk, code, len, res) : checkin_reprint(&d->desk, code, len, res);
	report_staff(d, undo, DOOR_SRC_STAFF, code, len, res->number, rc, res);
	free(res);
	return rc;
}
