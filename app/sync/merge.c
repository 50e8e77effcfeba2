/* SPDX-License-Identifier: MIT */
/* The merge rules (see merge.h): one deterministic pass over the sorted set. */
#include "sync/merge.h"

#include <stdlib.h>
#include <string.h>

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

int sync_derive(const struct sync_event *ev, size_t n, const struct sync_note *notes,
		size_t nn, struct sync_derived *out)
{
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
		if (!out->first || !out->inc)
			goto out;
	}
	/* walk ticket by ticket, episode by episode */
	for (i = 0; i < m;) {
		size_t t_end = i;
		while (t_end < m && s[t_end].ci.event_id == s[i].ci.event_id &&
		       s[t_end].ci.number == s[i].ci.number)
			t_end++;
		size_t ep = i;
		while (ep < t_end) {
			size_t ep_end = ep, first = SIZE_MAX;
			while (ep_end < t_end && s[ep_end].ci.kind != DB_CI_UNDO)
				ep_end++;
			for (j = ep; j < ep_end; j++) {
				if (!is_admission(&s[j]))
					continue;
				if (first == SIZE_MAX ||
				    (s[j].mode == SYNC_MODE_HUB && s[first].mode != SYNC_MODE_HUB))
					first = j;
			}
			if (first != SIZE_MAX) {
				out->first[out->n_first++] = s[first];
				for (j = ep; j < ep_end; j++) {
					if (j == first || !is_admission(&s[j]))
						continue;
					struct sync_incident *x = &out->inc[out->n_inc++];
					const struct sync_note *note;
					memcpy(x->id, s[j].ci.uuid, sizeof x->id);
					x->first = s[first];
					x->other = s[j];
					x->order_uncertain = !s[first].ci.clock_trusted ||
							     !s[j].ci.clock_trusted;
					if ((note = find_note(ns, nn, x->id))) {
						x->resolved = 1;
						memcpy(x->note, note->note, sizeof x->note);
					}
				}
			}
			ep = ep_end + 1; /* skip the undo that closed the episode */
		}
		i = t_end;
	}
	rc = VK_OK;
out:
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
