/* SPDX-License-Identifier: MIT */
/* The check-in rules (see checkin.h).
 *
 * A presentation goes through two stages: resolve() finds out which registration the code
 * stands for and refuses what must be refused (malformed, forged, other event, revoked,
 * outside its days, cancelled, unknown); then checkin_present() looks at the log and
 * either admits (entry + print job in one transaction) or reports the first admission.
 * Staff actions (undo, reprint) are weighed inside the transaction that records them; the
 * reprint limit (checkin_reprint_rule) lives here so that no caller can skip it. */
#include "core/checkin.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/ticket.h"
#include "trace/trace.h"

static const char *const words[CI_OUTCOME_COUNT] = {
	[CI_ADMITTED] = "admitted",
	[CI_ALREADY_ADMITTED] = "already_admitted",
	[CI_CANCELLED] = "cancelled",
	[CI_REVOKED] = "revoked",
	[CI_WRONG_EVENT] = "wrong_event",
	[CI_NOT_VALID_NOW] = "not_valid_now",
	[CI_FORGED] = "forged",
	[CI_UNKNOWN] = "unknown",
	[CI_MALFORMED] = "malformed",
	[CI_WELCOME_BACK] = "welcome_back",
	[CI_SESSION_ADMITTED] = "session_admitted",
	[CI_ROOM_FULL] = "room_full",
	[CI_NOT_FOR_CATEGORY] = "not_for_category",
	[CI_SESSION_NOT_STARTED] = "session_not_started",
	[CI_SESSION_OVER] = "session_over",
	[CI_SESSION_CANCELLED] = "session_cancelled",
	[CI_NOT_CHECKED_IN] = "not_checked_in",
	[CI_SESSION_EXIT] = "session_exit",
};

int checkin_outcome_admits(int o)
{
	return o == CI_ADMITTED || o == CI_WELCOME_BACK || o == CI_SESSION_ADMITTED ||
	       o == CI_SESSION_EXIT;
}

const char *checkin_outcome_word(enum checkin_outcome o)
{
	return (unsigned)o < CI_OUTCOME_COUNT ? words[o] : "?";
}

int checkin_outcome_parse(const char *word)
{
	for (int i = 0; i < CI_OUTCOME_COUNT; i++)
		if (strcmp(word, words[i]) == 0)
			return i;
	return -1;
}

/* What the attendee reads for each outcome: a title and what to do. English msgids, looked
 * up in the person's language when shown. The tables are sized by their last entry, so
 * the assertions catch an outcome added at the end without its text (test_i18n catches a
 * hole). */
static const char *const titles[] = {
	[CI_ADMITTED] = N_("Welcome!"),
	[CI_ALREADY_ADMITTED] = N_("You are already checked in"),
	[CI_CANCELLED] = N_("This registration was cancelled"),
	[CI_REVOKED] = N_("This ticket is no longer valid"),
	[CI_WRONG_EVENT] = N_("This ticket is for another event"),
	[CI_NOT_VALID_NOW] = N_("This ticket is not valid today"),
	[CI_FORGED] = N_("This ticket cannot be verified"),
	[CI_UNKNOWN] = N_("We could not find this code"),
	[CI_MALFORMED] = N_("This is not a ticket code"),
	[CI_WELCOME_BACK] = N_("Welcome back!"),
	[CI_SESSION_ADMITTED] = N_("Welcome to the session!"),
	[CI_ROOM_FULL] = N_("The room is full"),
	[CI_NOT_FOR_CATEGORY] = N_("This session is not for your ticket category"),
	[CI_SESSION_NOT_STARTED] = N_("This session has not started yet"),
	[CI_SESSION_OVER] = N_("This session is over"),
	[CI_SESSION_CANCELLED] = N_("This session was cancelled"),
	[CI_NOT_CHECKED_IN] = N_("Please check in at the entrance first"),
	[CI_SESSION_EXIT] = N_("Goodbye!"),
};
_Static_assert(sizeof titles / sizeof titles[0] == CI_OUTCOME_COUNT, "one title per outcome");

static const char *const advice[] = {
	[CI_ADMITTED] = N_("Your badge is printing."),
	[CI_ALREADY_ADMITTED] = N_("Lost your badge? A staff member can print it again."),
	[CI_CANCELLED] = N_("If you think this is a mistake, a staff member can help."),
	[CI_REVOKED] = N_("It was replaced or reported lost. A staff member can help."),
	[CI_WRONG_EVENT] = N_("Check that you are at the right event, or show another ticket."),
	[CI_NOT_VALID_NOW] = N_("Come back on a day the ticket is valid, or ask a staff member."),
	[CI_FORGED] = N_("Please show the ticket to a staff member."),
	[CI_UNKNOWN] = N_("Try another ticket, or find yourself by name."),
	[CI_MALFORMED] = N_("Show the QR code from your ticket e-mail, or find yourself by name."),
	[CI_WELCOME_BACK] = N_("Good to see you again. Your badge from the first day is still valid."),
	[CI_SESSION_ADMITTED] = N_("Your attendance is recorded."),
	[CI_ROOM_FULL] = N_("All seats are taken. A staff member can help you find another session."),
	[CI_NOT_FOR_CATEGORY] = N_("Check the programme, or ask a staff member."),
	[CI_SESSION_NOT_STARTED] = N_("Please come back a few minutes before it starts."),
	[CI_SESSION_OVER] = N_("Check the programme for what is on now."),
	[CI_SESSION_CANCELLED] = N_("Check the programme for what is on now, or ask a staff member."),
	[CI_NOT_CHECKED_IN] = N_("The kiosk at the entrance will greet you and print your badge."),
	[CI_SESSION_EXIT] = N_("Your leaving is recorded."),
};
_Static_assert(sizeof advice / sizeof advice[0] == CI_OUTCOME_COUNT, "one advice per outcome");

/* A few words for staff lists and logs ("Scanned: Olena, ticket revoked"). */
static const char *const shorts[] = {
	[CI_ADMITTED] = N_("admitted"),
	[CI_ALREADY_ADMITTED] = N_("already checked in"),
	[CI_CANCELLED] = N_("registration cancelled"),
	[CI_REVOKED] = N_("ticket revoked"),
	[CI_WRONG_EVENT] = N_("ticket for another event"),
	[CI_NOT_VALID_NOW] = N_("ticket not valid today"),
	[CI_FORGED] = N_("ticket cannot be verified"),
	[CI_UNKNOWN] = N_("code not found"),
	[CI_MALFORMED] = N_("not a ticket code"),
	[CI_WELCOME_BACK] = N_("admitted again on another day"),
	[CI_SESSION_ADMITTED] = N_("session attendance recorded"),
	[CI_ROOM_FULL] = N_("room full"),
	[CI_NOT_FOR_CATEGORY] = N_("session not for this category"),
	[CI_SESSION_NOT_STARTED] = N_("session not started yet"),
	[CI_SESSION_OVER] = N_("session over"),
	[CI_SESSION_CANCELLED] = N_("session cancelled"),
	[CI_NOT_CHECKED_IN] = N_("not checked in at the entrance"),
	[CI_SESSION_EXIT] = N_("left the session"),
};
_Static_assert(sizeof shorts / sizeof shorts[0] == CI_OUTCOME_COUNT, "one word per outcome");

const char *checkin_outcome_title_in(int lang, int o)
{
	return (unsigned)o < CI_OUTCOME_COUNT && titles[o] ? i18n_tr(lang, titles[o]) : "?";
}

const char *checkin_outcome_advice_in(int lang, int o)
{
	if ((unsigned)o >= CI_OUTCOME_COUNT || !advice[o])
		return "";
	return i18n_tr(lang, advice[o]);
}

const char *checkin_outcome_short_in(int lang, int o)
{
	return (unsigned)o < CI_OUTCOME_COUNT && shorts[o] ? i18n_tr(lang, shorts[o]) : "?";
}

const char *checkin_outcome_title(enum checkin_outcome o)
{
	return checkin_outcome_title_in(i18n_lang(), (int)o);
}

const char *checkin_outcome_advice(enum checkin_outcome o)
{
	return checkin_outcome_advice_in(i18n_lang(), (int)o);
}

int checkin_desk_init(struct checkin_desk *desk, db *d)
{
	int rc;
	memset(desk, 0, sizeof *desk);
	desk->d = d;
	desk->queue_badges = 1;
	snprintf(desk->template_name, sizeof desk->template_name, "62x100");
	rc = db_event_current(d, &desk->event);
	if (rc)
		return rc;
	clock_init(&desk->clock, db_checkin_max_hlc(d));
	return VK_OK;
}

int checkin_event_days(const struct db_event *ev)
{
	int n;
	if (!ev->starts[0] || !ev->ends[0])
		return 1;
	n = db_days_between(ev->starts, ev->ends);
	return n > 0 ? n + 1 : 1;
}

int checkin_desk_set_session(struct checkin_desk *desk, int64_t session_id)
{
	struct db_session x;
	int rc;
	if (session_id == 0) {
		desk->session_id = 0;
		return VK_OK;
	}
	rc = db_session_get(desk->d, session_id, &x);
	if (rc == VK_OK && x.event_id != desk->event.id)
		rc = VK_ERR_NOT_FOUND;
	if (rc == VK_OK)
		desk->session_id = session_id;
	return rc;
}

/* The span of wall time in which an entrance admission counts now: today in an event of
 * several days (each day admits once), all time otherwise. */
static void admission_span(struct checkin_desk *desk, int64_t *from_ms, int64_t *to_ms)
{
	if (checkin_event_days(&desk->event) > 1) {
		clock_day_bounds(clock_now_ms(&desk->clock), from_ms, to_ms);
	} else {
		*from_ms = INT64_MIN;
		*to_ms = INT64_MAX;
	}
}

int checkin_admitted_now(struct checkin_desk *desk, int64_t event_id, int64_t number,
			 struct db_checkin *first)
{
	int64_t from, to;
	admission_span(desk, &from, &to);
	return db_checkin_admission_in(desk->d, event_id, number, 0, from, to, first);
}

int checkin_day_rule(struct checkin_desk *desk, struct checkin_result *res)
{
	struct db_day first_day;
	int64_t from, to;
	int n;
	res->outcome = CI_ADMITTED;
	res->badge = desk->queue_badges;
	if (checkin_event_days(&desk->event) < 2)
		return VK_OK;
	n = db_checkin_days(desk->d, res->event_id, res->number, 0, &first_day, 1);
	if (n < 0)
		return n;
	if (n == 0)
		return VK_OK;
	/* came on an earlier day (today's admission, if any, was weighed by the caller) */
	clock_day_bounds(first_day.first_ms, &from, &to);
	if (db_checkin_admission_in(desk->d, res->event_id, res->number, 0, from, to,
				    &res->first) != VK_OK)
		memset(&res->first, 0, sizeof res->first);
	if (db_setting_int(desk->d, CHECKIN_SETTING_DAILY_BADGES, 0) == 1)
		return VK_OK;
	res->outcome = CI_WELCOME_BACK;
	res->badge = 0;
	return VK_OK;
}

void checkin_session_line(const struct checkin_result *res, char *buf, size_t len)
{
	if (!res->session_id) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (res->session_capacity > 0)
		snprintf(buf, len, _("room: %lld of %lld seats taken"), (long long)res->session_count,
			 (long long)res->session_capacity);
	else
		snprintf(buf, len, _("people in the room: %lld"), (long long)res->session_count);
}

/* A payload a scanner may hand us is refused early when it cannot be any ticket: empty,
 * too long, not UTF-8, or holding control characters (binary junk, a keyboard wedge's
 * stray Enter belongs to the caller). */
static int plausible(const char *code, size_t len)
{
	if (len == 0 || len > CHECKIN_MAX_CODE)
		return 0;
	if (!text_utf8_valid(code, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)code[i] < 0x20 || code[i] == 0x7f)
			return 0;
	return 1;
}

/* Fills res->other_event with the name of event id, if this database knows it. */
static void name_other_event(struct checkin_desk *desk, int64_t id, struct checkin_result *res)
{
	struct db_event ev;
	if (db_event_get(desk->d, id, &ev) == VK_OK)
		snprintf(res->other_event, sizeof res->other_event, "%s", ev.name);
}

/* Stage one. Returns VK_OK with res->outcome set; CI_ADMITTED here means "a valid code of
 * an active registration" and the caller decides on the log. */
static int resolve(struct checkin_desk *desk, const char *code, size_t len,
		   struct checkin_result *res)
{
	struct ticket_signed ts;
	struct db_key key;
	char buf[CHECKIN_MAX_CODE + 1];
	int rc;

	memset(res, 0, sizeof *res);
	if (!plausible(code, len)) {
		res->outcome = CI_MALFORMED;
		return VK_OK;
	}
	switch (ticket_decode(code, len, &ts)) {
	case TICKET_MALFORMED:
		res->outcome = CI_MALFORMED;
		return VK_OK;
	case TICKET_NOT_VK:
		/* a foreign code: exact look-up in the roster (any event, to tell "other event") */
		memcpy(buf, code, len);
		buf[len] = '\0';
		rc = db_reg_by_code(desk->d, buf, &res->reg);
		if (rc == VK_ERR_NOT_FOUND) {
			res->outcome = CI_UNKNOWN;
			return VK_OK;
		}
		if (rc)
			return rc;
		res->have_reg = 1;
		res->event_id = res->reg.event_id;
		res->number = res->reg.number;
		if (res->reg.event_id != desk->event.id) {
			name_other_event(desk, res->reg.event_id, res);
			res->outcome = CI_WRONG_EVENT;
		} else if (res->reg.status == DB_REG_CANCELLED) {
			res->outcome = CI_CANCELLED;
		} else {
			res->outcome = CI_ADMITTED;
		}
		return VK_OK;
	case TICKET_OK:
		break;
	}

	res->signed_ticket = 1;
	res->event_id = ts.t.event_id;
	res->number = ts.t.number;
	if ((int64_t)ts.t.event_id != desk->event.id) {
		/* Key ids start at 1 in every database, so another event's ticket names a key id
		 * that may be ours: never weigh it against a key of another event. Only when this
		 * database holds that event's own key can we tell its forgeries; otherwise it is
		 * simply "another event" (it can get into nothing here either way). */
		rc = db_key_get(desk->d, ts.t.key_id, &key);
		if (rc && rc != VK_ERR_NOT_FOUND)
			return rc;
		if (rc == VK_OK && key.event_id == (int64_t)ts.t.event_id &&
		    ticket_verify(&ts, key.pk) != VK_OK) {
			res->outcome = CI_FORGED;
			return VK_OK;
		}
		/* show whose ticket it is, so staff can help them find the right one */
		name_other_event(desk, ts.t.event_id, res);
		res->have_reg = rc == VK_OK && key.event_id == (int64_t)ts.t.event_id &&
				db_reg_get(desk->d, ts.t.event_id, ts.t.number, &res->reg) == VK_OK;
		res->outcome = CI_WRONG_EVENT;
		return VK_OK;
	}
	/* It claims our event: it must be signed by a key of our event. */
	rc = db_key_get(desk->d, ts.t.key_id, &key);
	if (rc && rc != VK_ERR_NOT_FOUND)
		return rc;
	if (rc == VK_ERR_NOT_FOUND || key.event_id != (int64_t)ts.t.event_id) {
		res->outcome = CI_FORGED;
		return VK_OK;
	}
	if (ticket_verify(&ts, key.pk) != VK_OK) {
		res->outcome = CI_FORGED;
		return VK_OK;
	}
	rc = db_is_revoked(desk->d, ts.t.event_id, ts.t.number, ts.t.nonce);
	if (rc < 0)
		return rc;
	if (rc == 1 || key.revoked) {
		res->outcome = CI_REVOKED;
		return VK_OK;
	}
	int last = desk->event.ends[0] ? ticket_day_from_date(desk->event.ends) : -1;
	if (!ticket_valid_on_event(&ts.t, clock_today(&desk->clock), last)) {
		res->valid_from_day = ts.t.valid_from;
		res->valid_days = ts.t.valid_days;
		if (ts.t.version == TICKET_VERSION_EVENT && ts.t.valid_days == TICKET_TO_EVENT_END)
			res->valid_days = last >= ts.t.valid_from ? last - ts.t.valid_from + 1 : 0;
		res->outcome = CI_NOT_VALID_NOW;
		return VK_OK;
	}
	rc = db_reg_get(desk->d, ts.t.event_id, ts.t.number, &res->reg);
	if (rc && rc != VK_ERR_NOT_FOUND)
		return rc;
	/* Not in our roster yet (not synced): a valid signature is enough to admit. */
	res->have_reg = rc == VK_OK;
	if (res->have_reg && res->reg.status == DB_REG_CANCELLED)
		res->outcome = CI_CANCELLED;
	else
		res->outcome = CI_ADMITTED;
	return VK_OK;
}

int checkin_resolve(struct checkin_desk *desk, const char *code, size_t len,
		    struct checkin_result *res)
{
	return resolve(desk, code, len, res);
}

/* Appends one log event of kind for the resolved registration, with a print job when
 * with_job; inside the caller's transaction. */
static int append_in(struct checkin_desk *desk, struct checkin_result *res, int64_t session_id,
		     int kind, int method, int with_job, struct db_checkin *out)
{
	struct db_print_job job;
	int rc;

	memset(out, 0, sizeof *out);
	out->event_id = res->event_id;
	out->number = res->number;
	out->session_id = session_id;
	out->kind = kind;
	out->method = method;
	out->wall_ms = clock_now_ms(&desk->clock);
	/* Another process (the command line, another kiosk thread) may have written a later
	 * value since this desk last looked, with a clock ahead of ours: inside the write
	 * transaction nobody can add one now, so after this read our row sorts last. The
	 * order of the log never depends on two processes' clocks agreeing. */
	clock_observe(&desk->clock, db_checkin_max_hlc(desk->d));
	out->hlc = clock_hlc_next(&desk->clock);
	out->clock_trusted = clock_trusted(&desk->clock);
	rc = db_checkin_append(desk->d, out);
	if (rc || !with_job)
		return rc;
	memset(&job, 0, sizeof job);
	job.event_id = res->event_id;
	job.number = res->number;
	snprintf(job.template_name, sizeof job.template_name, "%s", desk->template_name);
	job.created_ms = out->wall_ms;
	rc = db_job_add(desk->d, &job);
	if (rc == VK_OK)
		res->job_id = job.id;
	return rc;
}

/* The same at the event's entrance (session 0). */
static int append(struct checkin_desk *desk, struct checkin_result *res, int kind, int method,
		  int with_job, struct db_checkin *out)
{
	return append_in(desk, res, 0, kind, method, with_job, out);
}

/* Stage one for a registration number of the desk's event. */
static int resolve_number(struct checkin_desk *desk, int64_t number, struct checkin_result *res)
{
	int rc;
	memset(res, 0, sizeof *res);
	res->event_id = desk->event.id;
	res->number = number;
	rc = db_reg_get(desk->d, desk->event.id, number, &res->reg);
	if (rc == VK_ERR_NOT_FOUND) {
		res->outcome = CI_UNKNOWN;
		return VK_OK;
	}
	if (rc)
		return rc;
	res->have_reg = 1;
	res->outcome = res->reg.status == DB_REG_CANCELLED ? CI_CANCELLED : CI_ADMITTED;
	return VK_OK;
}

static int admit(struct checkin_desk *desk, int method, struct checkin_result *res);

int checkin_present(struct checkin_desk *desk, const char *code, size_t len, int method,
		    struct checkin_result *res)
{
	int rc = resolve(desk, code, len, res);
	if (rc == VK_OK && res->outcome == CI_ADMITTED)
		rc = admit(desk, method, res);
	vk_trace(VK_TRACE_DOOR, "code of %zu bytes: %s, event %" PRId64 " number %" PRId64
		 ", job %" PRId64 "%s%s", len, rc ? vk_error_name(rc) : checkin_outcome_word(res->outcome),
		 res->event_id, res->number, res->job_id, res->signed_ticket ? ", signed" : "",
		 res->have_reg ? ", in the roster" : "");
	return rc;
}

int checkin_resolve_number(struct checkin_desk *desk, int64_t number,
			   struct checkin_result *res)
{
	return resolve_number(desk, number, res);
}

int checkin_number(struct checkin_desk *desk, int64_t number, int method,
		   struct checkin_result *res)
{
	int rc = resolve_number(desk, number, res);
	if (rc || res->outcome != CI_ADMITTED)
		return rc;
	return admit(desk, method, res);
}

/* Ends a write transaction begun by the caller: on error (rc, or a failed commit) it is
 * rolled back and nothing was recorded, so no print job is reported either. */
static int finish(struct checkin_desk *desk, struct checkin_result *res, int rc)
{
	if (rc) {
		db_rollback(desk->d);
		res->job_id = 0;
	}
	return rc;
}

/* 1 when category is one of list's comma-separated names (spaces around them ignored,
 * letters compared as they are: categories come from one roster). */
static int category_in(const char *category, const char *list)
{
	size_t n = strlen(category);
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		const char *end = e ? e : p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		const char *q = end;
		while (q > p && q[-1] == ' ')
			q--;
		if ((size_t)(q - p) == n && n && memcmp(p, category, n) == 0)
			return 1;
		p = e ? e + 1 : end;
	}
	return 0;
}

/* Stage two at a room's door: the session's own rules (cancelled, hours with the grace,
 * category, capacity, the entrance first), weighed and recorded in one transaction. */
static int admit_session(struct checkin_desk *desk, int method, struct checkin_result *res)
{
	struct db_session x;
	struct db_checkin entrance;
	int64_t starts, ends, now, grace, inside;
	char rule[16] = "admit";
	int rc;

	res->session_id = desk->session_id;
	rc = db_begin(desk->d);
	if (rc)
		return rc;
	/* read inside the transaction: an edit (more seats, cancelled) counts at once */
	rc = db_session_get(desk->d, desk->session_id, &x);
	if (rc)
		goto fail;
	res->session_capacity = x.capacity;
	/* how full the room is now: people in it (those who left by an exit door are not) */
	res->session_count = db_session_present(desk->d, res->event_id, x.id, 0);
	if (res->session_count < 0) {
		rc = (int)res->session_count;
		goto fail;
	}
	inside = db_session_present(desk->d, res->event_id, x.id, res->number);
	if (inside < 0) {
		rc = (int)inside;
		goto fail;
	}
	if (desk->exit_mode) {
		/* leaving is recorded whenever it happens (for the minutes a certificate may
		 * count); someone who was not in has nothing to record */
		res->outcome = CI_SESSION_EXIT;
		if (!inside)
			goto refuse;
		rc = append_in(desk, res, x.id, DB_CI_EXIT, method, 0, &res->entry);
		if (rc == VK_OK)
			rc = db_commit(desk->d);
		if (rc == VK_OK)
			res->session_count--;
		goto fail;
	}
	if (x.cancelled) {
		res->outcome = CI_SESSION_CANCELLED;
		goto refuse;
	}
	now = clock_now_ms(&desk->clock);
	grace = db_setting_int(desk->d, CHECKIN_SETTING_SESSION_GRACE,
			       CHECKIN_SESSION_GRACE_DEFAULT) * 60000;
	if (grace < 0)
		grace = 0;
	if (clock_parse_local(x.starts, &starts) == 0 && now < starts - grace) {
		res->outcome = CI_SESSION_NOT_STARTED;
		goto refuse;
	}
	if (clock_parse_local(x.ends, &ends) == 0 && now >= ends + grace) {
		res->outcome = CI_SESSION_OVER;
		goto refuse;
	}
	if (x.categories[0] && !(res->have_reg && category_in(res->reg.category, x.categories))) {
		res->outcome = CI_NOT_FOR_CATEGORY;
		goto refuse;
	}
	/* in the room already (a second scan): let in, nothing new to record */
	if (inside) {
		db_checkin_admission_in(desk->d, res->event_id, res->number, x.id, INT64_MIN,
					INT64_MAX, &res->first);
		res->outcome = CI_SESSION_ADMITTED;
		goto refuse;
	}
	if (x.capacity > 0 && res->session_count >= x.capacity) {
		res->outcome = CI_ROOM_FULL;
		goto refuse;
	}
	rc = checkin_admitted_now(desk, res->event_id, res->number, &entrance);
	if (rc == VK_ERR_NOT_FOUND) {
		db_setting_get(desk->d, CHECKIN_SETTING_SESSION_ENTRANCE, rule, sizeof rule);
		if (strcmp(rule, "send") == 0) {
			res->outcome = CI_NOT_CHECKED_IN;
			goto refuse;
		}
		/* admitted here and recorded at the entrance too: the day counts */
		rc = append(desk, res, DB_CI_ENTRY, method, 0, &entrance);
		res->entrance_recorded = rc == VK_OK;
	}
	if (rc)
		goto fail;
	/* a first entry, or coming back after leaving by the exit door (a new entry, so the
	 * minutes in the room can be counted) */
	rc = append_in(desk, res, x.id, DB_CI_ENTRY, method, 0, &res->entry);
	if (rc == VK_OK)
		rc = db_commit(desk->d);
	if (rc == VK_OK) {
		res->outcome = CI_SESSION_ADMITTED;
		res->session_count++;
	}
fail:
	return finish(desk, res, rc);
refuse:
	db_rollback(desk->d);
	return VK_OK;
}

/* Stage two: admits a resolved registration unless the log says it is in already (today,
 * in an event of several days). */
static int admit(struct checkin_desk *desk, int method, struct checkin_result *res)
{
	int rc;

	if (desk->session_id)
		return admit_session(desk, method, res);
	/* Check and append in one write transaction: two connections (two threads, or a
	 * kiosk and the CLI) cannot both admit the same ticket. */
	rc = db_begin(desk->d);
	if (rc)
		return rc;
	rc = checkin_admitted_now(desk, res->event_id, res->number, &res->first);
	if (rc == VK_OK) {
		res->outcome = CI_ALREADY_ADMITTED;
		db_rollback(desk->d);
		return VK_OK;
	}
	if (rc != VK_ERR_NOT_FOUND)
		goto fail;
	rc = checkin_day_rule(desk, res);
	if (rc == VK_OK)
		rc = append(desk, res, DB_CI_ENTRY, method, res->badge, &res->entry);
	if (rc == VK_OK)
		rc = db_commit(desk->d);
fail:
	return finish(desk, res, rc);
}

int checkin_reprint_rule(db *d, int64_t event_id, int64_t number, enum checkin_actor who,
			 struct checkin_reprints *out)
{
	memset(out, 0, sizeof *out);
	out->done = db_checkin_count(d, event_id, number, DB_CI_REPRINT);
	if (out->done < 0)
		return (int)out->done;
	out->free_allowed = db_setting_int(d, CHECKIN_SETTING_REPRINTS_FREE, 0);
	out->max_allowed = db_setting_int(d, CHECKIN_SETTING_REPRINTS_MAX, -1);
	if (out->max_allowed >= 0 && out->done >= out->max_allowed)
		return VK_ERR_REPRINT_LIMIT;
	if (who != CHECKIN_ORGANIZER && out->done >= out->free_allowed)
		return VK_ERR_REPRINT_NEEDS_ORGANIZER;
	return VK_OK;
}

/* Shared by undo and reprint: the resolved registration must be admitted now, and a
 * reprint must be within the limit for who asks; both weighed inside the transaction
 * that records the action. */
static int staff_resolved(struct checkin_desk *desk, int kind, enum checkin_actor who,
			  struct checkin_result *res)
{
	int rc;
	if (res->outcome != CI_ADMITTED && res->outcome != CI_CANCELLED)
		return VK_ERR_INVALID;
	rc = db_begin(desk->d);
	if (rc)
		return rc;
	/* an undo takes back what this desk admits: today's entrance (in an event of several
	 * days), or attendance of its session; a reprint needs an admission on any day */
	if (kind == DB_CI_UNDO && desk->session_id) {
		res->session_id = desk->session_id;
		rc = db_checkin_admission_in(desk->d, res->event_id, res->number, desk->session_id,
					     INT64_MIN, INT64_MAX, &res->first);
	} else if (kind == DB_CI_UNDO) {
		rc = checkin_admitted_now(desk, res->event_id, res->number, &res->first);
	} else {
		rc = db_checkin_admission(desk->d, res->event_id, res->number, &res->first);
	}
	if (rc)
		goto fail;
	if (kind == DB_CI_REPRINT) {
		rc = checkin_reprint_rule(desk->d, res->event_id, res->number, who, &res->reprints);
		if (rc)
			goto fail;
	}
	rc = append_in(desk, res, kind == DB_CI_UNDO ? desk->session_id : 0, kind, DB_CI_MANUAL,
		       kind == DB_CI_REPRINT, &res->entry);
	if (rc == VK_OK)
		rc = db_commit(desk->d);
fail:
	return finish(desk, res, rc);
}

static int staff_action(struct checkin_desk *desk, const char *code, size_t len, int kind,
			enum checkin_actor who, struct checkin_result *res)
{
	int rc = resolve(desk, code, len, res);
	return rc ? rc : staff_resolved(desk, kind, who, res);
}

int checkin_undo(struct checkin_desk *desk, const char *code, size_t len,
		 struct checkin_result *res)
{
	return staff_action(desk, code, len, DB_CI_UNDO, CHECKIN_ORGANIZER, res);
}

int checkin_reprint(struct checkin_desk *desk, const char *code, size_t len,
		    struct checkin_result *res)
{
	return staff_action(desk, code, len, DB_CI_REPRINT, CHECKIN_ORGANIZER, res);
}

int checkin_reprint_as(struct checkin_desk *desk, const char *code, size_t len,
		       enum checkin_actor who, struct checkin_result *res)
{
	return staff_action(desk, code, len, DB_CI_REPRINT, who, res);
}

int checkin_undo_number(struct checkin_desk *desk, int64_t number, struct checkin_result *res)
{
	int rc = resolve_number(desk, number, res);
	return rc ? rc : staff_resolved(desk, DB_CI_UNDO, CHECKIN_ORGANIZER, res);
}

int checkin_reprint_number(struct checkin_desk *desk, int64_t number, struct checkin_result *res)
{
	return checkin_reprint_number_as(desk, number, CHECKIN_ORGANIZER, res);
}

int checkin_reprint_number_as(struct checkin_desk *desk, int64_t number, enum checkin_actor who,
			      struct checkin_result *res)
{
	int rc = resolve_number(desk, number, res);
	return rc ? rc : staff_resolved(desk, DB_CI_REPRINT, who, res);
}

int checkin_walkin(struct checkin_desk *desk, struct db_registration *reg,
		   struct checkin_result *res)
{
	int rc;
	memset(res, 0, sizeof *res);
	if (!desk->event.walkins || !reg->display[0])
		return VK_ERR_INVALID;
	reg->event_id = desk->event.id;
	reg->number = 0;
	reg->status = DB_REG_ACTIVE;
	/* the registration, its entry and its badge stand or fall together */
	rc = db_begin(desk->d);
	if (rc)
		return rc;
	{
		/* an enrolled kiosk numbers walk-ins in its own block, so they can go up to the
		 * hub without taking another kiosk's or the hub's numbers */
		char key[64];
		int64_t base;
		snprintf(key, sizeof key, "walkin.base.%s", db_kiosk_id(desk->d));
		base = db_setting_int(desk->d, key, 0);
		if (base >= DB_WALKIN_BLOCK) {
			reg->number = db_reg_next_in(desk->d, reg->event_id, base, base + DB_WALKIN_BLOCK);
			if (reg->number < 0) {
				rc = VK_ERR_NOMEM; /* the block is full (a million walk-ins) */
				goto fail;
			}
		}
	}
	rc = db_reg_insert(desk->d, reg);
	if (rc)
		goto fail;
	res->event_id = reg->event_id;
	res->number = reg->number;
	res->reg = *reg;
	res->have_reg = 1;
	res->outcome = CI_ADMITTED;
	rc = append(desk, res, DB_CI_WALKIN, DB_CI_MANUAL, desk->queue_badges, &res->entry);
	if (rc == VK_OK)
		rc = db_commit(desk->d);
fail:
	return finish(desk, res, rc);
}
