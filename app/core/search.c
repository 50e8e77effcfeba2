/* SPDX-License-Identifier: MIT */
/* Name search (see search.h).
 *
 * The index is one arena of text and an array of entries. Each entry keeps its display
 * name, organization and category (to show), and a list of search words: every word of
 * the person's names folded (lower case, no apostrophes), and for Cyrillic words their
 * Latin forms — the official Ukrainian romanization of 2010 and the Russian-style spelling
 * people also type (г g, и i, х h, й y...). A query is folded the same way; each query word
 * must match some search word of a person, exactly, as a prefix, or (query words of four
 * letters or more, when exact and prefix matches are few) within a small edit distance.
 *
 * Sections: transliteration; building the index; matching; ranking. */
#include "core/search.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/text.h"

#define MAX_WORDS 24          /* search words kept per person */
#define MAX_QUERY_WORDS 6
#define WORD_CAP 96           /* bytes of one word */
#define ARENA_CAP (512u << 20) /* hard cap on the index's text */

/* ---- transliteration --------------------------------------------------------------------- */

/* Latin for a lower-case Cyrillic letter. style 0: the Ukrainian national romanization
 * (2010; є ї й ю я are ye yi y yu ya at the start of a word); style 1: the Russian-style
 * spelling common in older documents and habits (г g, и i, х kh, є e, ї i, й y, ю yu, я ya,
 * ы y, э e, ё e). NULL when cp is not a Cyrillic letter we know. */
static const char *latin(uint32_t cp, int first, int style)
{
	switch (cp) {
	case 0x430: return "a";
	case 0x431: return "b";
	case 0x432: return "v";
	case 0x433: return style ? "g" : "h";
	case 0x491: return "g";
	case 0x434: return "d";
	case 0x435: return "e";
	case 0x454: return style ? "e" : first ? "ye" : "ie";
	case 0x436: return "zh";
	case 0x437: return "z";
	case 0x438: return style ? "i" : "y";
	case 0x456: return "i";
	case 0x457: return style ? "i" : first ? "yi" : "i";
	case 0x439: return style ? "y" : first ? "y" : "i";
	case 0x43a: return "k";
	case 0x43b: return "l";
	case 0x43c: return "m";
	case 0x43d: return "n";
	case 0x43e: return "o";
	case 0x43f: return "p";
	case 0x440: return "r";
	case 0x441: return "s";
	case 0x442: return "t";
	case 0x443: return "u";
	case 0x444: return "f";
	case 0x445: return "kh";
	case 0x446: return "ts";
	case 0x447: return "ch";
	case 0x448: return "sh";
	case 0x449: return style ? "sch" : "shch";
	case 0x44c: return "";
	case 0x44a: return "";
	case 0x44e: return style || first ? "yu" : "iu";
	case 0x44f: return style || first ? "ya" : "ia";
	case 0x44b: return "y";
	case 0x44d: return "e";
	case 0x451: return "e";
	}
	return NULL;
}

/* Writes the Latin form of a folded word into out; returns 0 when the word has no
 * Cyrillic (then there is nothing to add). */
static int romanize(const char *w, int style, char *out, size_t cap)
{
	size_t n = 0;
	int cyr = 0, first = 1;
	uint32_t prev = 0;
	for (const char *p = w; *p;) {
		const char *start = p;
		uint32_t cp = text_utf8_next(&p);
		const char *l = latin(cp, first, style);
		size_t add;
		/* зг is "zgh" in the national romanization, to keep it apart from ж */
		if (!style && cp == 0x433 && prev == 0x437)
			l = "gh";
		if (l) {
			cyr = 1;
			add = strlen(l);
			if (n + add >= cap)
				break;
			memcpy(out + n, l, add);
		} else {
			add = (size_t)(p - start);
			if (n + add >= cap)
				break;
			memcpy(out + n, start, add);
		}
		n += add;
		first = 0;
		prev = cp;
	}
	out[n] = '\0';
	return cyr;
}

/* ---- building the index ------------------------------------------------------------------ */
struct entry {
	int64_t number;
	int status;
	int admitted;
	uint32_t display, organization, category, email; /* arena offsets */
	uint32_t words;                           /* arena offset: words, each NUL-ended, then "" */
};

struct search {
	char *arena;
	size_t used, cap;
	struct entry *e;
	int64_t n, ecap;
	int64_t event_id;
	int64_t *by_number;      /* entry indices sorted by number; rebuilt when n changes */
	int64_t n_sorted;
};

static int64_t arena_put(struct search *s, const char *str, size_t len)
{
	if (s->used + len + 1 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1u << 16;
		char *p;
		while (ncap < s->used + len + 1)
			ncap *= 2;
		if (ncap > ARENA_CAP)
			return VK_ERR_NOMEM;
		p = realloc(s->arena, ncap);
		if (!p)
			return VK_ERR_NOMEM;
		s->arena = p;
		s->cap = ncap;
	}
	memcpy(s->arena + s->used, str, len);
	s->arena[s->used + len] = '\0';
	s->used += len + 1;
	return (int64_t)(s->used - len - 1);
}

/* Adds w to the word list under construction in buf (NUL-separated), unless present. */
static void add_word(char *buf, size_t *len, size_t cap, int *count, const char *w)
{
	size_t wl = strlen(w);
	if (!wl || *count >= MAX_WORDS || *len + wl + 2 > cap)
		return;
	for (size_t i = 0; i < *len; i += strlen(buf + i) + 1)
		if (strcmp(buf + i, w) == 0)
			return;
	memcpy(buf + *len, w, wl + 1);
	*len += wl + 1;
	(*count)++;
}

/* Splits folded text into words (on spaces and hyphens) and adds each with its Latin forms. */
static void add_words(char *buf, size_t *len, size_t cap, int *count, const char *text)
{
	char folded[512], w[WORD_CAP], lat[WORD_CAP * 2];
	const char *p;
	text_fold(text ? text : "", folded, sizeof folded);
	p = folded;
	while (*p) {
		size_t n = 0;
		while (*p == ' ' || *p == '-')
			p++;
		while (*p && *p != ' ' && *p != '-' && n + 1 < sizeof w)
			w[n++] = *p++;
		w[n] = '\0';
		while (*p && *p != ' ' && *p != '-')
			p++;
		if (!n)
			continue;
		add_word(buf, len, cap, count, w);
		for (int style = 0; style < 2; style++)
			if (romanize(w, style, lat, sizeof lat))
				add_word(buf, len, cap, count, lat);
	}
}

/* Adds r; with replace, an entry of the same number is rewritten instead (its old text
 * stays in the arena, unreachable: replacements are rare, one walk-in at a time). */
static int put(struct search *s, const struct db_registration *r, int replace)
{
	char words[MAX_WORDS * WORD_CAP];
	size_t wl = 0;
	int count = 0;
	struct entry *e = NULL;
	int64_t off[5];

	for (int64_t i = 0; replace && i < s->n; i++)
		if (s->e[i].number == r->number) {
			e = &s->e[i];
			break;
		}
	if (!e) {
		if (s->n == s->ecap) {
			int64_t ncap = s->ecap ? s->ecap * 2 : 1024;
			struct entry *p = realloc(s->e, (size_t)ncap * sizeof *p);
			if (!p)
				return VK_ERR_NOMEM;
			s->e = p;
			s->ecap = ncap;
		}
		e = &s->e[s->n++];
		e->admitted = 0;
	}
	add_words(words, &wl, sizeof words, &count, r->given);
	add_words(words, &wl, sizeof words, &count, r->family);
	add_words(words, &wl, sizeof words, &count, r->display);
	words[wl++] = '\0';
	off[0] = arena_put(s, r->display, strlen(r->display));
	off[1] = arena_put(s, r->organization, strlen(r->organization));
	off[2] = arena_put(s, r->category, strlen(r->category));
	off[3] = arena_put(s, words, wl - 1); /* arena_put adds the list's final NUL */
	off[4] = arena_put(s, r->email, strlen(r->email));
	for (int i = 0; i < 5; i++)
		if (off[i] < 0) {
			s->n--;
			return VK_ERR_NOMEM;
		}
	e->number = r->number;
	e->status = r->status;
	e->display = (uint32_t)off[0];
	e->organization = (uint32_t)off[1];
	e->category = (uint32_t)off[2];
	e->words = (uint32_t)off[3];
	e->email = (uint32_t)off[4];
	s->n_sorted = -1; /* the number index is stale */
	return VK_OK;
}

int search_put(struct search *s, const struct db_registration *r)
{
	return put(s, r, 1);
}

static int put_cb(void *ctx, const struct db_registration *r)
{
	return put(ctx, r, 0);
}

static int by_number_cmp(const void *a, const void *b, void *ctx)
{
	const struct search *s = ctx;
	int64_t x = s->e[*(const int64_t *)a].number, y = s->e[*(const int64_t *)b].number;
	return x < y ? -1 : x > y;
}

/* The entry of registration number, or NULL. */
static struct entry *entry_of(struct search *s, int64_t number)
{
	int64_t lo = 0, hi;
	if (s->n_sorted != s->n) {
		int64_t *p = realloc(s->by_number, (size_t)(s->n ? s->n : 1) * sizeof *p);
		if (!p)
			return NULL;
		s->by_number = p;
		for (int64_t i = 0; i < s->n; i++)
			p[i] = i;
		qsort_r(p, (size_t)s->n, sizeof *p, by_number_cmp, s);
		s->n_sorted = s->n;
	}
	hi = s->n;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		int64_t v = s->e[s->by_number[mid]].number;
		if (v == number)
			return &s->e[s->by_number[mid]];
		if (v < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int search_set_admitted(struct search *s, int64_t number, int admitted)
{
	struct entry *e = entry_of(s, number);
	if (!e)
		return VK_ERR_NOT_FOUND;
	e->admitted = admitted != 0;
	return VK_OK;
}

/* The log in order: an entry (or walk-in) admits, an undo takes it back. */
static int admitted_cb(void *ctx, const struct db_checkin *ci)
{
	if (ci->session_id == 0 && (ci->kind == DB_CI_ENTRY || ci->kind == DB_CI_WALKIN))
		search_set_admitted(ctx, ci->number, 1);
	else if (ci->session_id == 0 && ci->kind == DB_CI_UNDO)
		search_set_admitted(ctx, ci->number, 0);
	return 0;
}

int search_open(db *d, int64_t event_id, struct search **out)
{
	struct search *s = calloc(1, sizeof *s);
	int rc;
	*out = NULL;
	if (!s)
		return VK_ERR_NOMEM;
	s->event_id = event_id;
	rc = db_reg_each(d, event_id, put_cb, s);
	if (!rc)
		rc = db_checkin_each(d, event_id, admitted_cb, s);
	if (rc) {
		search_free(s);
		return rc;
	}
	*out = s;
	return VK_OK;
}

void search_free(struct search *s)
{
	if (!s)
		return;
	free(s->arena);
	free(s->e);
	free(s->by_number);
	free(s);
}

int64_t search_count(const struct search *s)
{
	return s->n;
}

/* ---- matching ---------------------------------------------------------------------------- */
struct qword {
	char form[3][WORD_CAP * 2]; /* as typed (folded), Ukrainian Latin, Russian-style Latin */
	size_t len[3];
	int nforms;
	int chars;                  /* letters typed (not bytes: Cyrillic takes two) */
};

/* Edit distance between a and b (bytes), giving up above limit (returns limit + 1). */
static int distance(const char *a, size_t la, const char *b, size_t lb, int limit)
{
	int row[WORD_CAP * 2 + 1];
	if (la > WORD_CAP * 2 || lb > WORD_CAP * 2)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > (size_t)limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0], best;
		row[0] = (int)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb];
}

/* A 64-bit set of the bytes in s[0..n): one edit changes at most two of its bits, so two
 * strings whose sets differ in more than 2 * limit bits are further apart than limit.
 * Cheap enough to spare most distance computations. */
static uint64_t byte_set(const char *s, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= 1ull << ((unsigned char)s[i] & 63);
	return m;
}

/* The best match of query word q among an entry's words: enum search_match, or -1. */
static int match_word(const struct qword *q, const char *words, int fuzzy)
{
	int best = -1;
	for (const char *w = words; *w; w += strlen(w) + 1) {
		size_t wl = strlen(w);
		for (int f = 0; f < q->nforms; f++) {
			const char *t = q->form[f];
			size_t tl = q->len[f];
			if (w[0] != t[0] && !fuzzy)
				continue;
			if (tl <= wl && memcmp(w, t, tl) == 0) {
				if (tl == wl)
					return SEARCH_EXACT;
				best = SEARCH_PREFIX;
			} else if (fuzzy && best < 0 && q->chars >= 4) {
				/* a typo in a word typed in full, or in the part typed so far */
				int limit = q->chars >= 8 ? 2 : 1;
				size_t cmp = wl < tl + (size_t)limit ? wl : tl;
				uint64_t tm = byte_set(t, tl);
				if (__builtin_popcountll(tm ^ byte_set(w, wl)) > 2 * limit &&
				    __builtin_popcountll(tm ^ byte_set(w, cmp)) > 2 * limit)
					continue;
				if (distance(t, tl, w, wl, limit) <= limit ||
				    (wl > tl && distance(t, tl, w, cmp, limit) <= limit))
					best = SEARCH_FUZZY;
			}
		}
	}
	return best;
}

/* ---- ranking ----------------------------------------------------------------------------- */
struct cand {
	int64_t idx;
	int rank;     /* worst match over the query words */
	int sum;      /* sum of matches: more exact words first */
};

static int by_rank(const void *a, const void *b, void *ctx)
{
	const struct search *s = ctx;
	const struct cand *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->sum != y->sum)
		return x->sum - y->sum;
	return strcmp(s->arena + s->e[x->idx].display, s->arena + s->e[y->idx].display);
}

/* Candidates kept per kind of match: a short query matches thousands of people, and the
 * screen shows a handful; the exact matches must not be crowded out by prefixes. */
#define PER_RANK 256
#define MAX_CANDIDATES (3 * PER_RANK)

/* One pass over the index; fuzzy = 0 finds exact and prefix matches only. */
static int collect(const struct search *s, const struct qword *q, int nq, int fuzzy,
		   struct cand *c, int n, int per_rank[3])
{
	for (int64_t i = 0; i < s->n && n < MAX_CANDIDATES; i++) {
		const char *words = s->arena + s->e[i].words;
		int rank = 0, sum = 0, k;
		for (k = 0; k < nq; k++) {
			int m = match_word(&q[k], words, fuzzy);
			if (m < 0 || (!fuzzy && m == SEARCH_FUZZY))
				break;
			rank = m > rank ? m : rank;
			sum += m;
		}
		if (k < nq || (fuzzy && rank != SEARCH_FUZZY))
			continue; /* the fuzzy pass adds only what the first pass could not find */
		if (per_rank[rank] >= PER_RANK)
			continue;
		per_rank[rank]++;
		c[n].idx = i;
		c[n].rank = rank;
		c[n].sum = sum;
		n++;
	}
	return n;
}

int search_find(struct search *s, const char *query, struct search_hit *hits, int max)
{
	char folded[512];
	struct qword q[MAX_QUERY_WORDS];
	struct cand *c;
	int nq = 0, n;
	const char *p;

	text_fold(query ? query : "", folded, sizeof folded);
	for (p = folded; *p && nq < MAX_QUERY_WORDS;) {
		size_t len = 0;
		while (*p == ' ' || *p == '-')
			p++;
		while (p[len] && p[len] != ' ' && p[len] != '-')
			len++;
		if (!len)
			break;
		if (len >= WORD_CAP)
			len = WORD_CAP - 1;
		memcpy(q[nq].form[0], p, len);
		q[nq].form[0][len] = '\0';
		q[nq].len[0] = len;
		q[nq].nforms = 1;
		q[nq].chars = 0;
		for (size_t b = 0; b < len; b++)
			q[nq].chars += ((unsigned char)p[b] & 0xc0) != 0x80;
		for (int style = 0; style < 2; style++) {
			int f = q[nq].nforms;
			if (romanize(q[nq].form[0], style, q[nq].form[f], sizeof q[nq].form[f])) {
				q[nq].len[f] = strlen(q[nq].form[f]);
				q[nq].nforms++;
			}
		}
		nq++;
		p += len;
		while (*p && *p != ' ' && *p != '-')
			p++;
	}
	if (nq == 0 || max <= 0)
		return 0;
	c = malloc(MAX_CANDIDATES * sizeof *c);
	if (!c)
		return VK_ERR_NOMEM;
	int per_rank[3] = { 0, 0, 0 }, long_word = 0;
	for (int k = 0; k < nq; k++)
		long_word |= q[k].chars >= 4;
	n = collect(s, q, nq, 0, c, 0, per_rank);
	/* typos are looked for only when few people matched, and only for words long
	 * enough to carry one: three letters are a prefix, not a guess */
	if (n < max && long_word)
		n = collect(s, q, nq, 1, c, n, per_rank);
	qsort_r(c, (size_t)n, sizeof *c, by_rank, s);
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {
		const struct entry *e = &s->e[c[i].idx];
		hits[i].number = e->number;
		hits[i].match = c[i].rank;
		hits[i].status = e->status;
		text_copy(hits[i].display, sizeof hits[i].display, s->arena + e->display);
		text_copy(hits[i].organization, sizeof hits[i].organization, s->arena + e->organization);
		text_copy(hits[i].category, sizeof hits[i].category, s->arena + e->category);
		text_copy(hits[i].email, sizeof hits[i].email, s->arena + e->email);
		hits[i].admitted = e->admitted;
	}
	free(c);
	return n;
}
