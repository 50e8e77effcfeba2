/* SPDX-License-Identifier: MIT */
/* Who earned a certificate: cert_judge(), a pure function from one person's attendance
 * facts to a verdict with its reasons, and the texts a person reads about it (see cert.h
 * for what counts as attendance). No database and no clock here, so every edge case is a
 * unit test of a few lines (it allocates only a scratch array for a person with more than
 * 512 log rows, and works without it too). */
#include "cert/cert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/ticket.h"

static int admits(int kind)
{
	return kind == DB_CI_ENTRY || kind == DB_CI_WALKIN;
}

/* 1 when mark i still stands: no undo after it at the same place on the same day. */
static int stands_scan(const struct cert_facts *f, size_t i)
{
	const struct cert_mark *m = &f->marks[i];
	for (size_t j = i + 1; j < f->n_marks; j++) {
		const struct cert_mark *u = &f->marks[j];
		if (u->kind == DB_CI_UNDO && u->session_id == m->session_id && u->day == m->day)
			return 0;
	}
	return 1;
}

/* The judge works on one person's marks; whether each still stands is worked out once
 * (ok, when there was memory for it), so a person scanned hundreds of times costs
 * n^2 comparisons, not n^3. */
struct judging {
	const struct cert_facts *f;
	const unsigned char *ok; /* NULL: ask stands_scan each time */
};

static int stands(const struct judging *j, size_t i)
{
	return j->ok ? j->ok[i] : stands_scan(j->f, i);
}

static int day_attended(const struct judging *j, int day)
{
	const struct cert_facts *f = j->f;
	for (size_t i = 0; i < f->n_marks; i++)
		if (f->marks[i].session_id == 0 && f->marks[i].day == day &&
		    admits(f->marks[i].kind) && stands(j, i))
			return 1;
	return 0;
}

static int session_attended(const struct judging *j, int64_t id)
{
	const struct cert_facts *f = j->f;
	for (size_t i = 0; i < f->n_marks; i++)
		if (f->marks[i].session_id == id && admits(f->marks[i].kind) && stands(j, i))
			return 1;
	return 0;
}

static const struct cert_session *session_of(const struct cert_facts *f, int64_t id)
{
	for (size_t i = 0; i < f->n_sessions; i++)
		if (f->sessions[i].id == id)
			return &f->sessions[i];
	return NULL;
}

static void reason(struct cert_verdict *v, int why, int64_t a, int64_t b, int64_t c)
{
	if (v->n_reasons == CERT_MAX_REASONS) {
		v->more_reasons++;
		return;
	}
	v->reasons[v->n_reasons++] = (struct cert_reason){ why, a, b, c };
}

/* Distinct days with a standing entrance check-in. */
static int count_days(const struct judging *jg)
{
	const struct cert_facts *f = jg->f;
	int n = 0;
	for (size_t i = 0; i < f->n_marks; i++) {
		const struct cert_mark *m = &f->marks[i];
		if (m->session_id != 0 || !admits(m->kind) || !stands(jg, i))
			continue;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct cert_mark *o = &f->marks[j];
			seen = o->session_id == 0 && o->day == m->day && admits(o->kind) && stands(jg, j);
		}
		n += !seen;
	}
	return n;
}

/* Entrance to the next exit on the same day; a second entry while inside is the same
 * stay scanned twice, an entry never closed by an exit adds nothing. */
static int64_t count_minutes(const struct judging *j)
{
	const struct cert_facts *f = j->f;
	int64_t total_ms = 0, in_ms = -1;
	int in_day = -1;
	for (size_t i = 0; i < f->n_marks; i++) {
		const struct cert_mark *m = &f->marks[i];
		if (m->session_id != 0 || !stands(j, i))
			continue;
		if (admits(m->kind)) {
			if (in_ms < 0 || in_day != m->day) {
				in_ms = m->wall_ms;
				in_day = m->day;
			}
		} else if (m->kind == DB_CI_EXIT && in_ms >= 0 && in_day == m->day) {
			if (m->wall_ms > in_ms)
				total_ms += m->wall_ms - in_ms;
			in_ms = -1;
		}
	}
	return total_ms / 60000;
}

void cert_judge(const struct cert_rule *rule, const struct cert_facts *f, struct cert_verdict *v)
{
	unsigned char small[512], *ok = f->n_marks <= sizeof small ? small : malloc(f->n_marks);
	struct judging jg = { f, ok };
	for (size_t i = 0; ok && i < f->n_marks; i++)
		ok[i] = (unsigned char)stands_scan(f, i);
	memset(v, 0, sizeof *v);
	v->days = count_days(&jg);
	for (size_t i = 0; i < f->n_sessions; i++) {
		const struct cert_session *s = &f->sessions[i];
		if (s->cancelled)
			continue;
		v->sessions_total++;
		if (session_attended(&jg, s->id)) {
			v->sessions++;
			v->session_minutes += s->minutes;
		}
	}
	v->minutes = count_minutes(&jg);

	if (rule->min_days && v->days < rule->min_days) {
		/* "all the days" is said day by day: "missing day 2" tells the organizer what
		 * to look for; otherwise the count says it */
		if (f->n_days && (size_t)rule->min_days >= f->n_days) {
			for (size_t i = 0; i < f->n_days; i++)
				if (!day_attended(&jg, f->days[i]))
					reason(v, CERT_WHY_DAY_MISSING, (int64_t)i + 1, 0, 0);
			if (!v->n_reasons) /* came on days outside the event's dates */
				reason(v, CERT_WHY_DAYS, v->days, (int64_t)f->n_days, rule->min_days);
		} else {
			reason(v, CERT_WHY_DAYS, v->days, (int64_t)f->n_days, rule->min_days);
		}
	}
	for (int i = 0; i < rule->n_required; i++) {
		const struct cert_session *s = session_of(f, rule->required[i]);
		if (s && s->cancelled)
			continue; /* it did not take place: nobody can be asked for it */
		if (!s || !session_attended(&jg, s->id))
			reason(v, CERT_WHY_REQUIRED, rule->required[i], 0, 0);
	}
	if (rule->min_sessions) {
		int need = rule->min_sessions < v->sessions_total ? rule->min_sessions : v->sessions_total;
		/* with no session left in the programme there is nothing to attend: the rule
		 * cannot be met rather than met by nobody coming */
		if (v->sessions < need || v->sessions_total == 0)
			reason(v, CERT_WHY_SESSIONS, v->sessions, v->sessions_total,
			       need ? need : rule->min_sessions);
	}
	if (rule->min_minutes && v->minutes < rule->min_minutes)
		reason(v, CERT_WHY_MINUTES, v->minutes, rule->min_minutes, 0);
	v->eligible = v->n_reasons == 0 && v->more_reasons == 0;
	if (ok != small)
		free(ok);
}

/* ---- texts ---------------------------------------------------------------------------- */
struct out {
	char *p;
	size_t n, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	if (o->n >= o->cap)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n = o->n + (size_t)k < o->cap ? o->n + (size_t)k : o->cap - 1;
}

static void reason_text(int lang, const struct cert_reason *r, const struct cert_facts *f,
			struct out *o)
{
	const struct cert_session *s;
	switch (r->why) {
	case CERT_WHY_DAY_MISSING:
		put(o, i18n_tr(lang, "missing day %lld"), (long long)r->a);
		break;
	case CERT_WHY_DAYS:
		put(o, i18n_tr(lang, "days: %lld of %lld (%lld needed)"), (long long)r->a,
		    (long long)r->b, (long long)r->c);
		break;
	case CERT_WHY_SESSIONS:
		put(o, i18n_tr(lang, "sessions: %lld of %lld (%lld needed)"), (long long)r->a,
		    (long long)r->b, (long long)r->c);
		break;
	case CERT_WHY_REQUIRED:
		s = session_of(f, r->a);
		if (s && s->title && *s->title)
			put(o, i18n_tr(lang, "missing the session “%s”"), s->title);
		else
			put(o, i18n_tr(lang, "missing session %lld (not in the programme)"),
			    (long long)r->a);
		break;
	case CERT_WHY_MINUTES:
		put(o, i18n_tr(lang, "minutes: %lld (%lld needed)"), (long long)r->a, (long long)r->b);
		break;
	}
}

void cert_verdict_text(int lang, const struct cert_verdict *v, const struct cert_facts *f,
		       char *out, size_t cap)
{
	struct out o = { out, 0, cap };
	if (!cap)
		return;
	out[0] = '\0';
	if (!v->eligible) {
		put(&o, "%s: ", i18n_tr(lang, "not eligible"));
		for (int i = 0; i < v->n_reasons; i++) {
			if (i)
				put(&o, "; ");
			reason_text(lang, &v->reasons[i], f, &o);
		}
		if (v->more_reasons)
			put(&o, i18n_tr(lang, "; and %d more"), v->more_reasons);
		return;
	}
	put(&o, "%s (", i18n_tr(lang, "eligible"));
	put(&o, i18n_tr(lang, "days: %d"), v->days);
	if (v->sessions_total) {
		put(&o, "; ");
		put(&o, i18n_tr(lang, "sessions: %d of %d"), v->sessions, v->sessions_total);
	}
	if (v->minutes) {
		put(&o, "; ");
		put(&o, i18n_tr(lang, "minutes: %lld"), (long long)v->minutes);
	}
	put(&o, ")");
}

void cert_attended_text(int lang, const struct cert_verdict *v, char *out, size_t cap)
{
	struct out o = { out, 0, cap };
	int64_t minutes = v->minutes ? v->minutes : v->session_minutes;
	if (!cap)
		return;
	out[0] = '\0';
	put(&o, i18n_tr(lang, "Days: %d"), v->days);
	if (v->sessions) {
		put(&o, " · ");
		put(&o, i18n_tr(lang, "Sessions: %d"), v->sessions);
	}
	if (minutes) {
		put(&o, " · ");
		/* hours with one decimal, shown only when they are not whole */
		if (minutes % 60 == 0)
			put(&o, i18n_tr(lang, "Hours: %lld"), (long long)(minutes / 60));
		else
			put(&o, i18n_tr(lang, "Hours: %.1f"), (double)minutes / 60.0);
	}
}

int cert_day_of(int64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	char date[16];
	if (!localtime_r(&t, &tm))
		return -1;
	if (strftime(date, sizeof date, "%Y-%m-%d", &tm) != 10)
		return -1;
	return ticket_day_from_date(date);
}

/* "YYYY-MM-DD HH:MM" as minutes since 2020-01-01 00:00, -1 when not that. */
static int64_t stamp_minutes(const char *s)
{
	char date[11];
	int h, m, day;
	if (strlen(s) != 16 || s[10] != ' ' || s[13] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if ((day = ticket_day_from_date(date)) < 0)
		return -1;
	if (s[11] < '0' || s[11] > '9' || s[12] < '0' || s[12] > '9' || s[14] < '0' ||
	    s[14] > '9' || s[15] < '0' || s[15] > '9')
		return -1;
	h = (s[11] - '0') * 10 + (s[12] - '0');
	m = (s[14] - '0') * 10 + (s[15] - '0');
	if (h > 23 || m > 59)
		return -1;
	return (int64_t)day * 1440 + h * 60 + m;
}

int cert_session_minutes(const char *starts, const char *ends)
{
	int64_t a = stamp_minutes(starts), b = stamp_minutes(ends);
	if (a < 0 || b <= a || b - a > 100000)
		return 0;
	return (int)(b - a);
}
