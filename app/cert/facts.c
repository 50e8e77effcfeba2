/* SPDX-License-Identifier: MIT */
/* An event's attendance facts for certificates (cert_book, see cert.h): the programme, the
 * event's days and every log row, read once and grouped by registration number, so
 * judging a thousand people is a thousand lookups in memory, not a thousand queries. */
#include "cert/cert.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/ticket.h"

#define MAX_ROWS 20000000    /* a hard cap on the log rows held (about 640 MB) */
#define MAX_EVENT_DAYS 366

struct row {
	int64_t number;
	size_t order;          /* position in the log, keeps log order within a number */
	struct cert_mark m;
};

struct cert_book {
	struct row *rows;
	size_t n_rows, cap_rows;
	struct cert_mark *marks; /* rows' marks in (number, log) order */
	struct cert_session *sessions;
	char (*titles)[256];
	size_t n_sessions, cap_sessions;
	int *days;
	size_t n_days;
	int err;
};

static int add_row(void *ctx, const struct db_checkin *ci)
{
	cert_book *b = ctx;
	if (b->n_rows == b->cap_rows) {
		size_t nc = b->cap_rows ? b->cap_rows * 2 : 1024;
		if (nc > MAX_ROWS)
			return VK_ERR_NOMEM;
		struct row *p = realloc(b->rows, nc * sizeof *p);
		if (!p)
			return VK_ERR_NOMEM;
		b->rows = p;
		b->cap_rows = nc;
	}
	struct row *r = &b->rows[b->n_rows];
	r->number = ci->number;
	r->order = b->n_rows++;
	r->m.session_id = ci->session_id;
	r->m.kind = ci->kind;
	r->m.wall_ms = ci->wall_ms;
	r->m.day = cert_day_of(ci->wall_ms);
	return 0;
}

static int add_session(void *ctx, const struct db_cert_session *s)
{
	cert_book *b = ctx;
	if (b->n_sessions == b->cap_sessions) {
		size_t nc = b->cap_sessions ? b->cap_sessions * 2 : 32;
		if (nc > 100000)
			return VK_ERR_NOMEM;
		struct cert_session *p = realloc(b->sessions, nc * sizeof *p);
		if (!p)
			return VK_ERR_NOMEM;
		b->sessions = p;
		char (*t)[256] = realloc(b->titles, nc * sizeof *t);
		if (!t)
			return VK_ERR_NOMEM;
		b->titles = t;
		b->cap_sessions = nc;
	}
	size_t i = b->n_sessions++;
	memcpy(b->titles[i], s->title, sizeof b->titles[i]);
	b->sessions[i] = (struct cert_session){
		.id = s->id, .title = NULL, .cancelled = s->cancelled,
		.minutes = cert_session_minutes(s->starts, s->ends),
	};
	return 0;
}

static int by_number(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The event's days: its dates when both are set, else every day with an entrance
 * check-in in the log (undone or not: the day took place). */
static int event_days(cert_book *b, const struct db_event *ev)
{
	int from = ev->starts[0] ? ticket_day_from_date(ev->starts) : -1;
	int to = ev->ends[0] ? ticket_day_from_date(ev->ends) : -1;
	if (from >= 0 && to >= from && to - from < MAX_EVENT_DAYS) {
		b->days = malloc((size_t)(to - from + 1) * sizeof *b->days);
		if (!b->days)
			return VK_ERR_NOMEM;
		for (int d = from; d <= to; d++)
			b->days[b->n_days++] = d;
		return VK_OK;
	}
	b->days = malloc((MAX_EVENT_DAYS + 1) * sizeof *b->days);
	if (!b->days)
		return VK_ERR_NOMEM;
	for (size_t i = 0; i < b->n_rows && b->n_days <= MAX_EVENT_DAYS; i++) {
		const struct cert_mark *m = &b->rows[i].m;
		if (m->session_id != 0 || m->day < 0 ||
		    (m->kind != DB_CI_ENTRY && m->kind != DB_CI_WALKIN))
			continue;
		int seen = 0;
		for (size_t j = 0; j < b->n_days && !seen; j++)
			seen = b->days[j] == m->day;
		if (!seen)
			b->days[b->n_days++] = m->day;
	}
	qsort(b->days, b->n_days, sizeof *b->days, by_int);
	return VK_OK;
}

int cert_book_load(db *d, const struct db_event *ev, cert_book **out)
{
	cert_book *b = calloc(1, sizeof *b);
	int rc;
	*out = NULL;
	if (!b)
		return VK_ERR_NOMEM;
	rc = db_cert_session_each(d, ev->id, add_session, b);
	if (rc == VK_OK)
		rc = db_checkin_each(d, ev->id, add_row, b);
	if (rc == VK_OK)
		rc = event_days(b, ev);
	if (rc == VK_OK && b->n_rows) {
		qsort(b->rows, b->n_rows, sizeof *b->rows, by_number);
		b->marks = malloc(b->n_rows * sizeof *b->marks);
		if (!b->marks)
			rc = VK_ERR_NOMEM;
		for (size_t i = 0; rc == VK_OK && i < b->n_rows; i++)
			b->marks[i] = b->rows[i].m;
	}
	if (rc) {
		cert_book_free(b);
		return rc;
	}
	/* titles now stay where they are */
	for (size_t i = 0; i < b->n_sessions; i++)
		b->sessions[i].title = b->titles[i];
	*out = b;
	return VK_OK;
}

void cert_book_facts(const cert_book *b, int64_t number, struct cert_facts *f)
{
	size_t lo = 0, hi = b->n_rows;
	memset(f, 0, sizeof *f);
	f->sessions = b->sessions;
	f->n_sessions = b->n_sessions;
	f->days = b->days;
	f->n_days = b->n_days;
	/* the first row of number, by binary search over the sorted rows */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->rows[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < b->n_rows && b->rows[end].number == number)
		end++;
	f->marks = end > lo ? &b->marks[lo] : NULL;
	f->n_marks = end - lo;
}

void cert_book_free(cert_book *b)
{
	if (!b)
		return;
	free(b->rows);
	free(b->marks);
	free(b->sessions);
	free(b->titles);
	free(b->days);
	free(b);
}
