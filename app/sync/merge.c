/* SPDX-License-Identifier: MIT */
/* The merge rules (see merge.h): one deterministic pass over the sorted set. */
#include "sync/merge.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"

static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

int sync_event_cmp(const void *pa, const void *pb)
{
	const struct db_checkin *a = &((const struct sync_event *)pa)->ci;
	const struct db_checkin *b = &((const struct sync_event *)pb)->ci;
	int c;
	if ((c = cmp64(a->event_id, b->event_id)) || (c = cmp64(a->number, b->number)) ||
	    (c = cmp64(a->hlc, b->hlc)) || (c = strcmp(a->kiosk, b->kiosk)) ||
	    (c = cmp64(a->seq, b->seq)))
		return c;
	return strcmp(a->uuid, b->uuid);
}

static int note_cmp(const void *pa, const void *pb)
{
	const struct sync_note *a = pa, *b = pb;
	int c = strcmp(a->incident, b->incident);
	if (c || (c = cmp64(a->hlc, b->hlc)))
		return c;
	return strcmp(a->uuid, b->uuid);
}

static int uuid_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sync_event *)a)->ci.uuid,
		      ((const struct sync_event *)b)->ci.uuid);
}

static int is_admission(const struct sync_event *e)
{
	return e->ci.kind == DB_CI_ENTRY || e->ci.kind == DB_CI_WALKIN;
}

/* The latest note on an incident, from notes sorted by (incident, hlc, uuid). */
static const struct sync_note *find_note(const struct sync_note *notes, size_t nn,
					 const char *id)
{
	size_t lo = 0, hi = nn;
	const struct sync_note *found = NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(notes[mid].incident, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nn && strcmp(notes[lo].incident, id) == 0; lo++)
		found = &notes[lo];
	return found;
}

/* Where and when an event counts: its session, and its local day when its event lasts
 * several days (else 0). Two events weigh against each other only with the same key. */
struct place { int64_t session, day; };

static struct place place_of(const struct sync_event *e, const int64_t *multi_day, size_t n_multi)
{
	struct place p = { e->ci.session_id, 0 };
	for (size_t k = 0; k < n_multi; k++)
		if (multi_day[k] == e->ci.event_id) {
			int64_t to;
			clock_day_bounds(e->ci.wall_ms, &p.day, &to);
			break;
		}
	return p;
}

/* One place's events of a ticket, idx[0..k) in log order: first admissions and
 * incidents of its episodes (an undo closes one). */
static void weigh(const struct sync_event *s, const size_t *idx, size_t k,
		  const struct sync_note *ns, size_t nn, struct sync_derived *out)
{
	size_t ep = 0, j;
	while (ep < k) {
		size_t ep_end = ep, first = SIZE_MAX;
		while (ep_end < k && s[idx[ep_end]].ci.kind != DB_CI_UNDO)
			ep_end++;
		for (j = ep; j < ep_end; j++) {
			const struct sync_event *e = &s[idx[j]];
			if (!is_admission(e))
				continue;
			if (first == SIZE_MAX ||
			    (e->mode == SYNC_MODE_HUB && s[idx[first]].mode != SYNC_MODE_HUB))
				first = j;
		}
		if (first != SIZE_MAX) {
			out->first[out->n_first++] = s[idx[first]];
			for (j = ep; j < ep_end; j++) {
				const struct sync_event *e = &s[idx[j]];
				if (j == first || !is_admission(e))
					continue;
				struct sync_incident *x = &out->inc[out->n_inc++];
				const struct sync_note *note;
				memcpy(x->id, e->ci.uuid, sizeof x->id);
				x->first = s[idx[first]];
				x->other = *e;
				x->order_uncertain = !x->first.ci.clock_trusted || !e->ci.clock_trusted;
				if ((note = find_note(ns, nn, x->id))) {
					x->resolved = 1;
					memcpy(x->note, note->note, sizeof x->note);
				}
			}
		}
		ep = ep_end + 1; /* skip the undo that closed the episode */
	}
}

int sync_derive(const struct sync_event *ev, size_t n, const struct sync_note *notes,
		size_t nn, struct sync_derived *out)
{
	return sync_derive_days(ev, n, notes, nn, NULL, 0, out);
}

int sync_derive_days(const struct sync_event *ev, size_t n, const struct sync_note *notes,
		     size_t nn, const int64_t *multi_day, size_t n_multi, struct sync_derived *out)
{
	size_t *idx = NULL;
	unsigned char *done = NULL;
	struct sync_event *s = NULL;
	struct sync_note *ns = NULL;
	size_t m = 0, i, j;
	int rc = VK_ERR_NOMEM;

	memset(out, 0, sizeof *out);
	if (n && !(s = malloc(n * sizeof *s)))
		goto out;
	if (nn && !(ns = malloc(nn * sizeof *ns)))
		goto out;
	if (nn)
		memcpy(ns, notes, nn * sizeof *ns);
	if (nn)
		qsort(ns, nn, sizeof *ns, note_cmp);
	/* de-duplicate by uuid: sort by uuid, keep one copy; a hub confirmation wins */
	if (n)
		memcpy(s, ev, n * sizeof *s);
	if (n)
		qsort(s, n, sizeof *s, uuid_cmp);
	for (i = 0; i < n; i++) {
		if (m && strcmp(s[m - 1].ci.uuid, s[i].ci.uuid) == 0) {
			if (s[i].mode == SYNC_MODE_HUB)
				s[m - 1].mode = SYNC_MODE_HUB;
			continue;
		}
		if (m != i)
			s[m] = s[i];
		m++;
	}
	if (m)
		qsort(s, m, sizeof *s, sync_event_cmp);
	if (m) {
		out->first = calloc(m, sizeof *out->first);
		out->inc = calloc(m, sizeof *out->inc);
		idx = malloc(m * sizeof *idx);
		done = calloc(m, 1);
		if (!out->first || !out->inc || !idx || !done)
			goto out;
	}
	/* walk ticket by ticket; within a ticket, place by place (its session and day: a
	 * ticket has few events, so each place is gathered by a scan), episode by episode */
	for (i = 0; i < m;) {
		size_t t_end = i;
		while (t_end < m && s[t_end].ci.event_id == s[i].ci.event_id &&
		       s[t_end].ci.number == s[i].ci.number)
			t_end++;
		for (size_t a = i; a < t_end; a++) {
			size_t k = 0;
			struct place pa;
			if (done[a])
				continue;
			pa = place_of(&s[a], multi_day, n_multi);
			for (j = a; j < t_end; j++) {
				struct place pj = done[j] ? pa : place_of(&s[j], multi_day, n_multi);
				if (!done[j] && pj.session == pa.session && pj.day == pa.day) {
					done[j] = 1;
					idx[k++] = j;
				}
			}
			weigh(s, idx, k, ns, nn, out);
		}
		i = t_end;
	}
	rc = VK_OK;
out:
	free(idx);
	free(done);
	free(s);
	free(ns);
	if (rc)
		sync_derived_free(out);
	return rc;
}

void sync_derived_free(struct sync_derived *d)
{
	free(d->first);
	free(d->inc);
	memset(d, 0, sizeof *d);
}
