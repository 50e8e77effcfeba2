/* SPDX-License-Identifier: MIT */
/* The organizers' dashboard (see web.h). The hub serves one thread per connection, so an
 * open event stream waits in its own thread on a condition variable and never holds the
 * store's lock while it waits: the kiosks' API keeps answering. The figures are computed
 * from the merged log the way every replica derives them (sync/merge.c), joined with the
 * roster in the hub's database, and drawn here as HTML and SVG (escaped, in the reader's
 * language); the page's small script only swaps the sections it receives.
 * Map: 1. text buffers  2. sessions and tries  3. figures  4. sections  5. pages
 *      6. event streams  7. routes  8. kiosks and lists from the dashboard
 *      9. the certificate check (/verify, public) */
#include "hub/web.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cert/cert.h"
#include "cli/cli.h"
#include "core/checkin.h"
#include "core/clock.h"
#include "core/err.h"
#include "badge/qr.h"
#include "core/i18n.h"
#include "core/import.h"
#include "core/text.h"
#include "core/ticket.h"
#include "db/db.h"
#include "hub/hub.h"
#include "sync/client.h"
#include "sync/merge.h"

#define MAX_SESSIONS 64
#define SESSION_MS (12LL * 3600 * 1000)
#define MAX_TRIES 5              /* wrong passwords from one address before a wait */
#define TRY_WAIT_MS (60LL * 1000)
#define ONLINE_MS (30LL * 1000)  /* a kiosk heard from this recently is online (it syncs
				    every 5 s while it can) */
#define STREAM_WAIT_MS 5000      /* an idle stream looks again (clocks, kiosks going quiet) */
#define LIST_MAX 200             /* rows of a list shown before "and N more" */

struct session {
	char token[65], csrf[65];
	long long expires_ms;
};

struct tries {
	char addr[64];
	int fails;
	long long until_ms;
};

struct web {
	struct hub_store *store;
	pthread_mutex_t *lock;   /* the hub's store lock */
	FILE *log;
	pthread_mutex_t mu;      /* sessions, tries, the change counter */
	pthread_cond_t cv;
	unsigned long long version;
	int stopping;
	struct session ses[MAX_SESSIONS];
	struct tries tr[MAX_SESSIONS];
};

/* ---- 1. text buffers ------------------------------------------------------------------- */
struct sb {
	char *p;
	size_t n, cap;
	int oom;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 1024;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *q = realloc(b->p, nc);
		if (!q) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_s(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_f(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_f(struct sb *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sb_add(b, tmp, (size_t)n);
		return;
	}
	/* longer than the stack buffer: format again into the right size */
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

/* s as HTML text or an attribute's value: names come from imported lists */
static void sb_esc(struct sb *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_s(b, "&amp;"); break;
		case '<': sb_s(b, "&lt;"); break;
		case '>': sb_s(b, "&gt;"); break;
		case '"': sb_s(b, "&quot;"); break;
		case '\'': sb_s(b, "&#39;"); break;
		default: sb_add(b, s, 1);
		}
	}
}

static void clock_hm(long long ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 16, "%H:%M", &tm);
}

static void clock_dhm(long long ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

/* One field of an application/x-www-form-urlencoded body (or query), decoded into out.
 * Returns 1 when present. */
static int form_get(const char *body, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	const char *p = body;
	if (!p)
		return 0;
	while (*p) {
		const char *end = strchr(p, '&');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t o = 0;
			for (const char *q = p + nl + 1; q < end && o + 1 < cap; q++) {
				if (*q == '+') {
					out[o++] = ' ';
				} else if (*q == '%' && end - q > 2 && isxdigit((unsigned char)q[1]) &&
					   isxdigit((unsigned char)q[2])) {
					char hex[3] = { q[1], q[2], 0 };
					out[o++] = (char)strtol(hex, NULL, 16);
					q += 2;
				} else {
					out[o++] = *q;
				}
			}
			out[o] = 0;
			return 1;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- 2. sessions and tries ------------------------------------------------------------- */
static void client_addr(struct MHD_Connection *c, char out[64])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
					MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, 64, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out, 64);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
			  64);
}

/* The session of the request's cookie (copied into *out), or 0. */
static int session_of(struct web *w, struct MHD_Connection *c, struct session *out)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "vkhid_s");
	long long now = hub_now_ms();
	int found = 0;
	if (!tok || strlen(tok) != 64)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < MAX_SESSIONS; i++) {
		struct session *s = &w->ses[i];
		if (s->token[0] && s->expires_ms > now && sodium_memcmp(s->token, tok, 64) == 0) {
			*out = *s;
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&w->mu);
	return found;
}

static int session_valid(struct web *w, const char *token)
{
	int ok = 0;
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (strcmp(w->ses[i].token, token) == 0 && w->ses[i].expires_ms > hub_now_ms())
			ok = !w->stopping;
	pthread_mutex_unlock(&w->mu);
	return ok;
}

static void session_new(struct web *w, struct session *out)
{
	long long now = hub_now_ms();
	int slot = 0;
	hub_random_hex(out->token);
	hub_random_hex(out->csrf);
	out->expires_ms = now + SESSION_MS;
	pthread_mutex_lock(&w->mu);
	/* a free or expired slot, else the one closest to its end */
	for (int i = 0; i < MAX_SESSIONS; i++) {
		if (!w->ses[i].token[0] || w->ses[i].expires_ms <= now) {
			slot = i;
			break;
		}
		if (w->ses[i].expires_ms < w->ses[slot].expires_ms)
			slot = i;
	}
	w->ses[slot] = *out;
	pthread_mutex_unlock(&w->mu);
}

static void session_end(struct web *w, const char *token)
{
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (strcmp(w->ses[i].token, token) == 0)
			memset(&w->ses[i], 0, sizeof w->ses[i]);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* ms to wait before addr may try a password again (0: now) */
static long long tries_wait(struct web *w, const char *addr)
{
	long long wait = 0, now = hub_now_ms();
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (strcmp(w->tr[i].addr, addr) == 0 && w->tr[i].until_ms > now)
			wait = w->tr[i].until_ms - now;
	pthread_mutex_unlock(&w->mu);
	return wait;
}

static void tries_note(struct web *w, const char *addr, int good)
{
	long long now = hub_now_ms();
	int slot = -1, oldest = 0;
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < MAX_SESSIONS && slot < 0; i++)
		if (strcmp(w->tr[i].addr, addr) == 0)
			slot = i;
	if (slot < 0 && !good) {
		for (int i = 0; i < MAX_SESSIONS; i++)
			if (w->tr[i].until_ms < w->tr[oldest].until_ms || !w->tr[i].addr[0])
				oldest = i;
		slot = oldest;
		memset(&w->tr[slot], 0, sizeof w->tr[slot]);
		snprintf(w->tr[slot].addr, sizeof w->tr[slot].addr, "%s", addr);
	}
	if (slot >= 0) {
		if (good) {
			memset(&w->tr[slot], 0, sizeof w->tr[slot]);
		} else if (++w->tr[slot].fails >= MAX_TRIES) {
			w->tr[slot].fails = 0;
			w->tr[slot].until_ms = now + TRY_WAIT_MS;
		}
	}
	pthread_mutex_unlock(&w->mu);
}

int web_password_hash(const char *password, char *out, size_t cap)
{
	size_t n = strlen(password);
	if (n < 8 || n > 1024 || cap < crypto_pwhash_STRBYTES)
		return VK_ERR_INVALID;
	if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return VK_ERR_NOMEM;
	return VK_OK;
}

/* ---- 3. figures ------------------------------------------------------------------------ */
struct tally {
	char key[256];
	long long admitted, registered;
};

struct tallies {
	struct tally *t;
	size_t n, cap;
};

static struct tally *tally_of(struct tallies *ts, const char *key)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].key, key) == 0)
			return &ts->t[i];
	if (ts->n == ts->cap) {
		size_t nc = ts->cap ? ts->cap * 2 : 16;
		struct tally *p = realloc(ts->t, nc * sizeof *p);
		if (!p)
			return NULL;
		ts->t = p;
		ts->cap = nc;
	}
	memset(&ts->t[ts->n], 0, sizeof ts->t[0]);
	snprintf(ts->t[ts->n].key, sizeof ts->t[0].key, "%s", key);
	return &ts->t[ts->n++];
}

static int tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->registered != y->registered)
		return x->registered < y->registered ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* A ticket present now: the first admission of its last episode, with no undo after it. */
struct arrival {
	int64_t number;
	const struct sync_event *first;
};

struct kio {
	struct hub_kiosk k;
	long long events, admitted;
	struct hub_kiosk_health h; /* its latest health (h.at_ms 0: none sent yet) */
};

#define WEB_MAX_DAYS 62
#define WEB_MAX_ROOMS 200

/* One session of the programme as the dashboard shows it. */
struct room {
	struct db_session x;
	long long attended, in_now;
};

/* One log event reduced to what the days and rooms need, sorted by (place, number, hlc). */
struct mark {
	int64_t place;             /* the day's first millisecond (days), the session (rooms) */
	int64_t number, hlc;
	int kind;
};

static int mark_cmp(const void *pa, const void *pb)
{
	const struct mark *a = pa, *b = pb;
	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	return a->hlc < b->hlc ? -1 : a->hlc > b->hlc;
}

/* What one view of the dashboard needs, read once per update. */
struct view {
	int lang;
	const char *q, *group;  /* the reader's search and chosen group ("" for none) */
	int have_event;
	struct db_event ev;
	struct sync_derived d;
	int derived;
	struct arrival *arr;
	size_t n_arr;
	struct kio *kio;
	size_t n_kio, cap_kio;
	long long admitted, registered, unlisted;
	struct tallies cats, orgs;
	struct sb find, missing;   /* rows of the search and of the group's absentees */
	long long n_find, n_missing;
	char qfold[256];
	long long now;
	char (*inc_name)[256];     /* the person of each incident, "" when not in the list */
	/* an event of several days: people per day (entrance admissions that count) */
	int n_days;
	struct { char date[11]; long long people; } days[WEB_MAX_DAYS];
	long long event_days, every_day;
	/* the programme: per session, people it had and people in its room now */
	size_t n_rooms;
	struct room *rooms;
};

static const struct arrival *arrival_of(const struct view *v, int64_t number)
{
	size_t lo = 0, hi = v->n_arr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->arr[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->n_arr && v->arr[lo].number == number ? &v->arr[lo] : NULL;
}

static const char *kiosk_name(const struct view *v, const char *id)
{
	for (size_t i = 0; i < v->n_kio; i++)
		if (strcmp(v->kio[i].k.id, id) == 0)
			return v->kio[i].k.name;
	return id;
}

static int add_kiosk(void *ctx, const struct hub_kiosk *k)
{
	struct view *v = ctx;
	if (v->n_kio == v->cap_kio) {
		size_t nc = v->cap_kio ? v->cap_kio * 2 : 8;
		struct kio *p = realloc(v->kio, nc * sizeof *p);
		if (!p)
			return VK_ERR_NOMEM;
		v->kio = p;
		v->cap_kio = nc;
	}
	memset(&v->kio[v->n_kio], 0, sizeof v->kio[0]);
	v->kio[v->n_kio++].k = *k;
	return 0;
}

static int add_health(void *ctx, const struct hub_kiosk_health *h)
{
	struct view *v = ctx;
	for (size_t i = 0; i < v->n_kio; i++)
		if (strcmp(v->kio[i].k.id, h->kiosk) == 0)
			v->kio[i].h = *h;
	return 0;
}

static void arrived_words(struct view *v, struct sb *b, const struct arrival *a)
{
	char when[16];
	clock_hm(a->first->ci.wall_ms, when);
	sb_f(b, "<span class=in>%s</span> ", i18n_tr(v->lang, "arrived"));
	sb_esc(b, when);
	sb_s(b, " · ");
	sb_esc(b, kiosk_name(v, a->first->ci.kiosk));
}

/* Per registration: the tallies, the search's and the group's rows. */
static int view_reg(void *ctx, const struct db_registration *r)
{
	struct view *v = ctx;
	const struct arrival *a = r->status == DB_REG_ACTIVE ? arrival_of(v, r->number) : NULL;
	struct tally *t;
	if (r->status == DB_REG_ACTIVE) {
		v->registered++;
		v->admitted += a != NULL;
		if ((t = tally_of(&v->cats, r->category))) {
			t->registered++;
			t->admitted += a != NULL;
		}
		if ((t = tally_of(&v->orgs, r->organization))) {
			t->registered++;
			t->admitted += a != NULL;
		}
	}
	if (v->qfold[0] && (strstr(r->search_key, v->qfold) || strstr(r->ticket_code, v->q))) {
		if (++v->n_find <= 20) {
			sb_f(&v->find, "<li><b>");
			sb_esc(&v->find, r->display);
			sb_f(&v->find, "</b> <span class=dim>#%" PRId64 " ", r->number);
			sb_esc(&v->find, r->category);
			if (r->organization[0]) {
				sb_s(&v->find, " · ");
				sb_esc(&v->find, r->organization);
			}
			sb_s(&v->find, "</span><br>");
			if (r->status != DB_REG_ACTIVE)
				sb_f(&v->find, "<span class=out>%s</span>",
				     i18n_tr(v->lang, "registration cancelled"));
			else if (a)
				arrived_words(v, &v->find, a);
			else
				sb_f(&v->find, "<span class=out>%s</span>",
				     i18n_tr(v->lang, "not arrived yet"));
			sb_s(&v->find, "</li>");
		}
	}
	if (v->group[0] && r->status == DB_REG_ACTIVE && !a && strcmp(r->category, v->group) == 0) {
		if (++v->n_missing <= LIST_MAX) {
			sb_f(&v->missing, "<li>#%" PRId64 " <b>", r->number);
			sb_esc(&v->missing, r->display);
			sb_s(&v->missing, "</b>");
			if (r->organization[0]) {
				sb_s(&v->missing, " <span class=dim>");
				sb_esc(&v->missing, r->organization);
				sb_s(&v->missing, "</span>");
			}
			sb_s(&v->missing, "</li>");
		}
	}
	return 0;
}

static int add_room(void *ctx, const struct db_session *x)
{
	struct view *v = ctx;
	if (v->n_rooms < WEB_MAX_ROOMS) {
		memset(&v->rooms[v->n_rooms], 0, sizeof v->rooms[0]);
		v->rooms[v->n_rooms++].x = *x;
	}
	return 0;
}

/* People per day and per session, from the merged log (the same rule as ADMITTING_ROW in
 * db.c: a place's admission counts when an entry comes after its last undo; in a room,
 * someone is in now when their last entry comes after their last exit). The roster's
 * sessions are read by the caller into v->rooms first. Returns VK_OK or VK_ERR_NOMEM. */
static int view_days_rooms(struct view *v, const struct sync_event *ev, size_t n)
{
	struct mark *m = malloc((n + 1) * sizeof *m);
	size_t k = 0;
	int multi = checkin_event_days(&v->ev) > 1;
	if (!m)
		return VK_ERR_NOMEM;
	/* the days: entrance events of the current event, by local day */
	for (size_t i = 0; multi && i < n; i++) {
		const struct db_checkin *c = &ev[i].ci;
		int64_t to;
		if (c->event_id != v->ev.id || c->session_id || (c->kind != DB_CI_ENTRY &&
		    c->kind != DB_CI_WALKIN && c->kind != DB_CI_UNDO))
			continue;
		m[k] = (struct mark){ 0, c->number, c->hlc, c->kind };
		clock_day_bounds(c->wall_ms, &m[k].place, &to);
		k++;
	}
	qsort(m, k, sizeof *m, mark_cmp);
	if (multi)
		v->event_days = checkin_event_days(&v->ev);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		int64_t entry = -1, undo = -1;
		for (; j < k && m[j].place == m[i].place && m[j].number == m[i].number; j++)
			if (m[j].kind == DB_CI_UNDO)
				undo = m[j].hlc;
			else
				entry = m[j].hlc;
		if (entry > undo) {
			char when[32];
			int d;
			clock_format_local(m[i].place, when);
			for (d = 0; d < v->n_days && strncmp(v->days[d].date, when, 10) != 0; d++)
				;
			if (d == v->n_days && v->n_days < WEB_MAX_DAYS)
				snprintf(v->days[v->n_days++].date, sizeof v->days[0].date, "%.10s", when);
			if (d < v->n_days)
				v->days[d].people++;
		}
		i = j;
	}
	free(m);
	if (multi) {
		/* who came on every day: the same marks keyed by person, then day */
		struct mark *p = malloc((n + 1) * sizeof *p);
		size_t q = 0;
		if (!p)
			return VK_ERR_NOMEM;
		for (size_t i = 0; i < n; i++) {
			const struct db_checkin *c = &ev[i].ci;
			int64_t from, to;
			if (c->event_id != v->ev.id || c->session_id || (c->kind != DB_CI_ENTRY &&
			    c->kind != DB_CI_WALKIN && c->kind != DB_CI_UNDO))
				continue;
			clock_day_bounds(c->wall_ms, &from, &to);
			p[q++] = (struct mark){ c->number, from, c->hlc, c->kind };
		}
		qsort(p, q, sizeof *p, mark_cmp);
		for (size_t i = 0; i < q;) {
			long long days = 0;
			size_t j = i;
			while (j < q && p[j].place == p[i].place) {
				size_t e = j;
				int64_t entry = -1, undo = -1;
				for (; e < q && p[e].place == p[j].place && p[e].number == p[j].number; e++)
					if (p[e].kind == DB_CI_UNDO)
						undo = p[e].hlc;
					else
						entry = p[e].hlc;
				days += entry > undo;
				j = e;
			}
			v->every_day += days >= v->event_days;
			i = j;
		}
		free(p);
	}
	/* the rooms: session events of the current event, by session and person */
	if (!v->n_rooms)
		return VK_OK;
	if (!(m = malloc((n + 1) * sizeof *m)))
		return VK_ERR_NOMEM;
	k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct db_checkin *c = &ev[i].ci;
		if (c->event_id == v->ev.id && c->session_id && c->kind != DB_CI_REPRINT)
			m[k++] = (struct mark){ c->session_id, c->number, c->hlc, c->kind };
	}
	qsort(m, k, sizeof *m, mark_cmp);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		int64_t entry = -1, undo = -1, out = -1;
		for (; j < k && m[j].place == m[i].place && m[j].number == m[i].number; j++)
			if (m[j].kind == DB_CI_UNDO)
				undo = m[j].hlc;
			else if (m[j].kind == DB_CI_EXIT)
				out = m[j].hlc;
			else
				entry = m[j].hlc;
		for (size_t r = 0; entry > undo && r < v->n_rooms; r++)
			if (v->rooms[r].x.id == m[i].place) {
				v->rooms[r].attended++;
				v->rooms[r].in_now += entry > out;
			}
		i = j;
	}
	free(m);
	return VK_OK;
}

static void view_free(struct view *v)
{
	if (v->derived)
		sync_derived_free(&v->d);
	free(v->arr);
	free(v->rooms);
	free(v->inc_name);
	free(v->kio);
	free(v->cats.t);
	free(v->orgs.t);
	free(v->find.p);
	free(v->missing.p);
	memset(v, 0, sizeof *v);
}

/* Reads the store once and computes the figures. Returns VK_OK or the store's error. */
static int view_load(struct web *w, struct view *v, int lang, const char *q, const char *group)
{
	struct sync_event *ev = NULL;
	struct sync_note *nt = NULL;
	size_t n = 0, nn = 0;
	int rc;

	memset(v, 0, sizeof *v);
	v->lang = lang;
	v->q = q;
	v->group = group;
	v->now = hub_now_ms();
	if (q[0])
		text_fold(q, v->qfold, sizeof v->qfold);
	pthread_mutex_lock(w->lock);
	rc = w->store->ops->log(w->store, &ev, &n, &nt, &nn);
	if (rc == VK_OK)
		rc = w->store->ops->kiosks(w->store, add_kiosk, v);
	if (rc == VK_OK && w->store->ops->kiosk_health_list)
		rc = w->store->ops->kiosk_health_list(w->store, add_health, v);
	pthread_mutex_unlock(w->lock);
	if (rc == VK_OK && (rc = sync_derive(ev, n, nt, nn, &v->d)) == VK_OK)
		v->derived = 1;
	if (rc == VK_OK) {
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < v->n_kio; k++)
				if (strcmp(v->kio[k].k.id, ev[i].ci.kiosk) == 0)
					v->kio[k].events++;
	}
	pthread_mutex_lock(w->lock);
	db *d = w->store->ops->roster(w->store);
	v->have_event = rc == VK_OK && db_event_current(d, &v->ev) == VK_OK;
	pthread_mutex_unlock(w->lock);
	if (v->have_event && checkin_event_days(&v->ev) > 1) {
		/* admitted once a day: a day-two entry is no incident (core/checkin.h) */
		int64_t multi[1] = { v->ev.id };
		sync_derived_free(&v->d);
		v->derived = 0;
		if ((rc = sync_derive_days(ev, n, nt, nn, multi, 1, &v->d)) == VK_OK)
			v->derived = 1;
	}
	if (rc == VK_OK && v->have_event) {
		/* the undos of this event, in log order: an arrival followed by one is undone */
		struct sync_event **undo = NULL;
		size_t nu = 0, u = 0;
		if (!(undo = calloc(n + 1, sizeof *undo)) ||
		    !(v->arr = calloc(v->d.n_first + 1, sizeof *v->arr))) {
			free(undo);
			rc = VK_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (ev[i].ci.kind == DB_CI_UNDO && ev[i].ci.event_id == v->ev.id &&
			    ev[i].ci.session_id == 0) /* a room's undo leaves the arrival */
				undo[nu++] = &ev[i];
		for (size_t i = 1; i < nu; i++)
			for (size_t j = i; j > 0 && sync_event_cmp(undo[j - 1], undo[j]) > 0; j--) {
				struct sync_event *x = undo[j];
				undo[j] = undo[j - 1];
				undo[j - 1] = x;
			}
		for (size_t i = 0; i < v->d.n_first; i++) {
			const struct sync_event *f = &v->d.first[i];
			if (f->ci.event_id != v->ev.id || f->ci.session_id)
				continue; /* a room's attendance is no arrival (the rooms section) */
			/* the last episode of the ticket counts: later ones come later in d.first
			 * (past the ticket's rooms, which the merge keeps apart) */
			int later = 0;
			for (size_t k = i + 1; k < v->d.n_first && v->d.first[k].ci.event_id == f->ci.event_id &&
			     v->d.first[k].ci.number == f->ci.number; k++)
				later |= v->d.first[k].ci.session_id == 0;
			if (later)
				continue;
			while (u < nu && (undo[u]->ci.number < f->ci.number))
				u++;
			int undone = 0;
			for (size_t k = u; k < nu && undo[k]->ci.number == f->ci.number; k++)
				undone |= sync_event_cmp(undo[k], f) > 0;
			if (undone)
				continue;
			v->arr[v->n_arr].number = f->ci.number;
			v->arr[v->n_arr++].first = f;
			for (size_t k = 0; k < v->n_kio; k++)
				if (strcmp(v->kio[k].k.id, f->ci.kiosk) == 0)
					v->kio[k].admitted++;
		}
		free(undo);
		pthread_mutex_lock(w->lock);
		if (!(v->rooms = calloc(WEB_MAX_ROOMS, sizeof *v->rooms)))
			rc = VK_ERR_NOMEM;
		if (rc == VK_OK)
			rc = db_session_each(w->store->ops->roster(w->store), v->ev.id, add_room, v);
		pthread_mutex_unlock(w->lock);
		if (rc == VK_OK)
			rc = view_days_rooms(v, ev, n);
		pthread_mutex_lock(w->lock);
		if (rc == VK_OK)
			rc = db_reg_each(w->store->ops->roster(w->store), v->ev.id, view_reg, v);
		if (rc == VK_OK && v->d.n_inc &&
		    !(v->inc_name = calloc(v->d.n_inc, sizeof *v->inc_name)))
			rc = VK_ERR_NOMEM;
		for (size_t i = 0; rc == VK_OK && i < v->d.n_inc; i++) {
			struct db_registration r;
			if (db_reg_get(w->store->ops->roster(w->store), v->d.inc[i].first.ci.event_id,
				       v->d.inc[i].first.ci.number, &r) == VK_OK)
				snprintf(v->inc_name[i], sizeof v->inc_name[i], "%s", r.display);
		}
		/* signed tickets admitted before their registration reached the hub */
		for (size_t i = 0; rc == VK_OK && i < v->n_arr; i++) {
			struct db_registration r;
			if (db_reg_get(w->store->ops->roster(w->store), v->ev.id, v->arr[i].number, &r) ==
			    VK_ERR_NOT_FOUND)
				v->unlisted++;
		}
		pthread_mutex_unlock(w->lock);
		qsort(v->cats.t, v->cats.n, sizeof *v->cats.t, tally_cmp);
		qsort(v->orgs.t, v->orgs.n, sizeof *v->orgs.t, tally_cmp);
	}
out:
	free(ev);
	free(nt);
	if (rc == VK_OK && (v->find.oom || v->missing.oom))
		rc = VK_ERR_NOMEM;
	if (rc)
		view_free(v);
	return rc;
}

/* ---- 4. sections ----------------------------------------------------------------------- */
static void bar(struct sb *b, long long part, long long whole)
{
	int pct = whole > 0 ? (int)(part * 100 / whole) : 0;
	sb_f(b, "<div class=bar><i style=\"width:%d%%\"></i></div>", pct);
}

static void sec_totals(struct view *v, struct sb *b)
{
	long long pct = v->registered ? (v->admitted * 100 / v->registered) : 0;
	sb_f(b, "<div class=big><b id=n-admitted>%lld</b> <span>%s</span> "
	     "<b id=n-registered>%lld</b></div>", v->admitted + v->unlisted,
	     i18n_tr(v->lang, "of"), v->registered);
	sb_f(b, "<div class=dim>%s · %lld%%</div>", i18n_tr(v->lang, "admitted of registered"),
	     pct);
	bar(b, v->admitted, v->registered);
	if (v->unlisted)
		sb_f(b, "<div class=dim>%s: %lld</div>",
		     i18n_tr(v->lang, "signed tickets not in the list"), v->unlisted);
}

static void sec_tallies(struct view *v, struct sb *b, const struct tallies *ts, size_t max)
{
	if (!ts->n) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "No registrations yet."));
		return;
	}
	sb_s(b, "<table>");
	for (size_t i = 0; i < ts->n && i < max; i++) {
		const struct tally *t = &ts->t[i];
		sb_s(b, "<tr><th>");
		sb_esc(b, t->key[0] ? t->key : i18n_tr(v->lang, "(none)"));
		sb_f(b, "</th><td class=num>%lld / %lld</td><td class=w>", t->admitted, t->registered);
		bar(b, t->admitted, t->registered);
		sb_s(b, "</td></tr>");
	}
	sb_s(b, "</table>");
	if (ts->n > max)
		sb_f(b, "<p class=dim>%s %zu</p>", i18n_tr(v->lang, "More not shown:"), ts->n - max);
}

static void sec_bykiosk(struct view *v, struct sb *b)
{
	if (!v->n_kio) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "No kiosk is enrolled yet."));
		return;
	}
	sb_s(b, "<table>");
	for (size_t i = 0; i < v->n_kio; i++) {
		sb_s(b, "<tr><th>");
		sb_esc(b, v->kio[i].k.name);
		sb_f(b, "</th><td class=num>%lld</td><td class=w>", v->kio[i].admitted);
		bar(b, v->kio[i].admitted, v->admitted + v->unlisted);
		sb_s(b, "</td></tr>");
	}
	sb_s(b, "</table>");
}

/* Arrivals per 15 minutes as bars, at most the last 24 hours of them. */
static void sec_chart(struct view *v, struct sb *b)
{
	enum { Q = 15 * 60 * 1000, MAXBINS = 96, W = 600, H = 150, TOP = 20, BOT = 26 };
	long long lo = 0, hi = 0, bins[MAXBINS] = { 0 }, max = 0;
	int nb;
	if (!v->n_arr) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "Nobody has arrived yet."));
		return;
	}
	for (size_t i = 0; i < v->n_arr; i++) {
		long long t = v->arr[i].first->ci.wall_ms / Q;
		if (!i || t < lo)
			lo = t;
		if (!i || t > hi)
			hi = t;
	}
	if (hi - lo >= MAXBINS)
		lo = hi - MAXBINS + 1;
	nb = (int)(hi - lo + 1);
	if (nb < 4) {
		lo -= 4 - nb;
		nb = 4;
	}
	for (size_t i = 0; i < v->n_arr; i++) {
		long long t = v->arr[i].first->ci.wall_ms / Q;
		if (t >= lo && t <= hi && ++bins[t - lo] > max)
			max = bins[t - lo];
	}
	double bw = (double)W / nb;
	sb_f(b, "<svg id=chart viewBox=\"0 0 %d %d\" role=img aria-label=\"%s\" "
	     "xmlns=\"http://www.w3.org/2000/svg\">", W, H + TOP + BOT,
	     i18n_tr(v->lang, "Arrivals per 15 minutes"));
	sb_f(b, "<line x1=0 y1=%d x2=%d y2=%d stroke=\"#999\"/>", TOP + H, W, TOP + H);
	for (int i = 0; i < nb; i++) {
		double h = max ? (double)bins[i] * H / (double)max : 0;
		char when[16];
		clock_hm((lo + i) * (long long)Q, when);
		if (bins[i])
			sb_f(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			     "fill=\"#2a6f97\"><title>%s: %lld</title></rect>", i * bw + 1,
			     TOP + H - h, bw > 3 ? bw - 2 : bw, h, when, bins[i]);
		if (bins[i] && (bw >= 24 || bins[i] == max))
			sb_f(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=16 text-anchor=middle>%lld"
			     "</text>", i * bw + bw / 2, TOP + H - h - 4, bins[i]);
		/* a label each hour, or each bar when there are few */
		if (nb <= 8 || (lo + i) % 4 == 0)
			sb_f(b, "<text x=\"%.1f\" y=%d font-size=15 fill=\"#555\">%s</text>", i * bw + 2,
			     TOP + H + 20, when);
	}
	sb_s(b, "</svg>");
}

static void sec_find(struct view *v, struct sb *b)
{
	if (!v->q[0])
		return;
	if (!v->n_find) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "Nobody registered matches that."));
		return;
	}
	sb_s(b, "<ul class=rows>");
	sb_add(b, v->find.p ? v->find.p : "", v->find.n);
	sb_s(b, "</ul>");
	if (v->n_find > 20)
		sb_f(b, "<p class=dim>%s %lld</p>", i18n_tr(v->lang, "More not shown:"),
		     v->n_find - 20);
}

static void sec_missing(struct view *v, struct sb *b)
{
	if (!v->group[0]) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "Choose a group to see who has not "
						       "arrived yet."));
		return;
	}
	if (!v->n_missing) {
		sb_f(b, "<p class=in>%s</p>", i18n_tr(v->lang, "Everyone in this group has arrived."));
		return;
	}
	sb_f(b, "<p><b id=n-missing>%lld</b> %s</p><ul class=rows>", v->n_missing,
	     i18n_tr(v->lang, "not arrived yet"));
	sb_add(b, v->missing.p ? v->missing.p : "", v->missing.n);
	sb_s(b, "</ul>");
	if (v->n_missing > LIST_MAX)
		sb_f(b, "<p class=dim>%s %lld</p>", i18n_tr(v->lang, "More not shown:"),
		     v->n_missing - LIST_MAX);
}

/* The kiosks' own health reports (printer, camera, clock, events waiting) are added to
 * what the hub knows here once kiosks send them; until then a kiosk shows its contact
 * with the hub. */
static void sec_kiosks(struct view *v, struct sb *b)
{
	char when[32];
	if (!v->n_kio) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "No kiosk is enrolled yet: make a "
						       "code with vkhid hub enroll-token."));
		return;
	}
	sb_s(b, "<ul class=rows>");
	for (size_t i = 0; i < v->n_kio; i++) {
		const struct kio *k = &v->kio[i];
		sb_s(b, "<li class=kiosk><b>");
		sb_esc(b, k->k.name);
		sb_s(b, "</b> ");
		if (k->k.revoked_ms) {
			clock_dhm(k->k.revoked_ms, when);
			sb_f(b, "<span class=out>%s</span> <span class=dim>%s</span>",
			     i18n_tr(v->lang, "revoked"), when);
		} else if (!k->k.last_seen_ms) {
			sb_f(b, "<span class=warn>%s</span>", i18n_tr(v->lang, "never connected"));
		} else if (v->now - k->k.last_seen_ms <= ONLINE_MS) {
			sb_f(b, "<span class=in>%s</span>", i18n_tr(v->lang, "online"));
		} else {
			clock_dhm(k->k.last_seen_ms, when);
			sb_f(b, "<span class=out>%s</span> %s", i18n_tr(v->lang, "offline since"), when);
		}
		sb_s(b, "<br><span class=dim>");
		if (k->k.last_seen_ms) {
			clock_dhm(k->k.last_seen_ms, when);
			sb_f(b, "%s %s · ", i18n_tr(v->lang, "last contact"), when);
		}
		sb_f(b, "%s %lld · %s %lld", i18n_tr(v->lang, "events sent"), k->events,
		     i18n_tr(v->lang, "admitted"), k->admitted);
		if (k->h.at_ms) {
			/* what the kiosk said of itself with its last sync */
			sb_f(b, "<br>%s ", i18n_tr(v->lang, "printer"));
			sb_esc(b, k->h.printer);
			sb_f(b, " · %s %lld · %s ", i18n_tr(v->lang, "queue"), (long long)k->h.queue,
			     i18n_tr(v->lang, "camera"));
			sb_esc(b, k->h.camera);
			sb_f(b, " · %s · %s %lld", k->h.clock_trusted ? i18n_tr(v->lang, "clock trusted")
								    : i18n_tr(v->lang, "clock not trusted"),
			     i18n_tr(v->lang, "waiting to go up"), (long long)k->h.pending);
		}
		sb_s(b, "</span></li>");
	}
	sb_s(b, "</ul>");
}

static void side(struct view *v, struct sb *b, const char *label, const struct sync_event *e)
{
	char when[32];
	clock_dhm(e->ci.wall_ms, when);
	sb_f(b, "<div class=dim>%s ", label);
	sb_esc(b, kiosk_name(v, e->ci.kiosk));
	sb_f(b, " · %s · %s%s</div>", when, e->mode == SYNC_MODE_HUB ?
	     i18n_tr(v->lang, "decided by the hub") : i18n_tr(v->lang, "offline"),
	     e->ci.clock_trusted ? "" : i18n_tr(v->lang, " (clock not trusted)"));
}

static void sec_incidents(struct view *v, struct sb *b, const char *csrf)
{
	size_t open = 0;
	if (!v->d.n_inc) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "No incidents: no ticket was "
						       "admitted twice."));
		return;
	}
	for (size_t i = 0; i < v->d.n_inc; i++)
		open += !v->d.inc[i].resolved;
	sb_f(b, "<p><b id=n-open>%zu</b> %s</p><ul class=rows>", open,
	     i18n_tr(v->lang, "to resolve"));
	for (size_t i = 0; i < v->d.n_inc; i++) {
		const struct sync_incident *x = &v->d.inc[i];
		sb_f(b, "<li class=\"incident%s\" data-id=\"%s\"><b>#%" PRId64 " ",
		     x->resolved ? " done" : "", x->id, x->first.ci.number);
		if (v->inc_name)
			sb_esc(b, v->inc_name[i]);
		sb_s(b, "</b>");
		side(v, b, i18n_tr(v->lang, "first:"), &x->first);
		side(v, b, i18n_tr(v->lang, "again:"), &x->other);
		if (x->order_uncertain)
			sb_f(b, "<div class=warn>%s</div>",
			     i18n_tr(v->lang, "order uncertain: a clock was not trusted"));
		if (x->resolved) {
			sb_f(b, "<div class=in>%s ", i18n_tr(v->lang, "Resolved:"));
			sb_esc(b, x->note);
			sb_s(b, "</div>");
		} else if (csrf) {
			sb_f(b, "<form method=post action=\"/dash/resolve\" class=resolve>"
			     "<input type=hidden name=csrf value=\"%s\">"
			     "<input type=hidden name=id value=\"%s\">"
			     "<input name=note required maxlength=500 placeholder=\"%s\" aria-label=\"%s\">"
			     "<button>%s</button></form>", csrf, x->id,
			     i18n_tr(v->lang, "What was found and done"),
			     i18n_tr(v->lang, "What was found and done"),
			     i18n_tr(v->lang, "Resolve"));
		}
		sb_s(b, "</li>");
	}
	sb_s(b, "</ul>");
}

/* People per day (an event of several days) and who came on every day. */
static void sec_days(struct view *v, struct sb *b)
{
	if (!v->event_days) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "The event lasts one day."));
		return;
	}
	sb_s(b, "<table>");
	for (int i = 0; i < v->n_days; i++) {
		sb_s(b, "<tr><th>");
		sb_esc(b, v->days[i].date);
		sb_f(b, "</th><td class=num id=day-%d>%lld</td><td class=w>", i + 1, v->days[i].people);
		bar(b, v->days[i].people, v->registered);
		sb_s(b, "</td></tr>");
	}
	sb_s(b, "</table>");
	sb_f(b, "<p>%s: <b id=every-day>%lld</b></p>", i18n_tr(v->lang, "Came on every day"),
	     v->every_day);
}

/* The programme's rooms: how full each is now, and how many each session had. */
static void sec_rooms(struct view *v, struct sb *b)
{
	if (!v->n_rooms) {
		sb_f(b, "<p class=dim>%s</p>", i18n_tr(v->lang, "No sessions in the programme."));
		return;
	}
	sb_f(b, "<table><tr><th></th><td class=num>%s</td><td class=num>%s</td><td></td></tr>",
	     i18n_tr(v->lang, "in now"), i18n_tr(v->lang, "came"));
	for (size_t i = 0; i < v->n_rooms; i++) {
		const struct room *r = &v->rooms[i];
		sb_s(b, "<tr><th>");
		sb_esc(b, r->x.starts + (r->x.starts[0] ? 11 : 0));
		sb_s(b, " ");
		sb_esc(b, r->x.title);
		if (r->x.room[0]) {
			sb_s(b, " · ");
			sb_esc(b, r->x.room);
		}
		if (r->x.cancelled)
			sb_f(b, " (%s)", i18n_tr(v->lang, "cancelled"));
		sb_f(b, "</th><td class=num id=room-%lld>%lld", (long long)r->x.id, r->in_now);
		if (r->x.capacity)
			sb_f(b, " / %lld", (long long)r->x.capacity);
		sb_f(b, "</td><td class=num>%lld</td><td class=w>", r->attended);
		bar(b, r->in_now, r->x.capacity ? r->x.capacity : r->attended);
		sb_s(b, "</td></tr>");
	}
	sb_s(b, "</table>");
}

/* The sections by name: the page draws them first, the stream sends them again. */
static const char *const sections[] = { "totals", "chart", "cats", "orgs", "bykiosk", "find",
					"missing", "kiosks", "incidents", "days", "rooms" };
#define N_SECTIONS (sizeof sections / sizeof sections[0])

static void draw(struct view *v, int i, struct sb *b, const char *csrf)
{
	switch (i) {
	case 0: sec_totals(v, b); break;
	case 1: sec_chart(v, b); break;
	case 2: sec_tallies(v, b, &v->cats, 30); break;
	case 3: sec_tallies(v, b, &v->orgs, 15); break;
	case 4: sec_bykiosk(v, b); break;
	case 5: sec_find(v, b); break;
	case 6: sec_missing(v, b); break;
	case 7: sec_kiosks(v, b); break;
	case 8: sec_incidents(v, b, csrf); break;
	case 9: sec_days(v, b); break;
	case 10: sec_rooms(v, b); break;
	}
}

/* ---- 5. pages -------------------------------------------------------------------------- */
static const char css[] =
	"*{box-sizing:border-box}body{margin:0;font:15px/1.4 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'Noto Sans','DejaVu Sans',sans-serif;background:#f3f4f6;color:#1f2933}"
	"header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;"
	"background:#1f3b57;color:#fff}header h1{font-size:1.1rem;margin:0}"
	"header .ev{flex:1;min-width:8rem;opacity:.9}header a{color:#fff}"
	"header form{display:inline;margin:0}nav{display:flex;gap:.6rem;align-items:center}"
	"main{display:grid;grid-template-columns:1fr;gap:.8rem;padding:.8rem;max-width:1280px;"
	"margin:auto}@media(min-width:900px){main{grid-template-columns:1fr 1fr}"
	".wide{grid-column:1/-1}}"
	"section{background:#fff;border-radius:8px;padding:.7rem .9rem;"
	"box-shadow:0 1px 2px #0002;min-width:0}"
	"h2{font-size:1rem;margin:.1rem 0 .5rem}.big{font-size:2.2rem}.big span{font-size:1rem}"
	".dim{color:#52606d;font-size:.9rem}.in{color:#1b7a3e;font-weight:600}"
	".out{color:#b3261e;font-weight:600}.warn{color:#9a6700;font-weight:600}"
	".bar{background:#e4e7eb;border-radius:4px;height:.6rem;overflow:hidden}"
	".bar i{display:block;height:100%;background:#2a6f97}"
	"table{width:100%;border-collapse:collapse}th{text-align:left;font-weight:500;"
	"overflow-wrap:anywhere}td,th{padding:.2rem .3rem;border-bottom:1px solid #eee}"
	"td.num{white-space:nowrap;text-align:right}td.w{width:35%}"
	"ul.rows{list-style:none;margin:0;padding:0}ul.rows li{padding:.4rem 0;"
	"border-bottom:1px solid #eee;overflow-wrap:anywhere}"
	"input,select,button{font:inherit;padding:.4rem .5rem;border:1px solid #9aa5b1;"
	"border-radius:6px;max-width:100%}button{background:#1f3b57;color:#fff;border:0;"
	"cursor:pointer}form.row{display:flex;gap:.4rem;flex-wrap:wrap}form.row input,"
	"form.row select{flex:1;min-width:8rem}form.resolve{display:flex;gap:.4rem;margin-top:.3rem}"
	"form.resolve input{flex:1;min-width:0}svg{width:100%;height:auto;display:block}"
	".live{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;background:#52606d}"
	".live.on{background:#1b7a3e}.err{color:#b3261e}"
	".login{max-width:22rem;margin:3rem auto;background:#fff;padding:1.2rem;border-radius:8px}"
	".login input{width:100%;margin:.4rem 0 .8rem}";

static const char app_js[] =
	"'use strict';\n"
	"/* vkhid dashboard: the hub sends the page's sections as HTML over Server-Sent Events;\n"
	"   this swaps the ones that changed. A section being typed in waits until focus leaves. */\n"
	"(function () {\n"
	"  var live = document.getElementById('live'), last = {}, pending = {};\n"
	"  function put(k, html) {\n"
	"    var el = document.getElementById('s-' + k);\n"
	"    if (!el) return;\n"
	"    var a = document.activeElement;\n"
	"    if (a && a !== document.body && el.contains(a)) { pending[k] = html; return; }\n"
	"    el.innerHTML = html;\n"
	"    delete pending[k];\n"
	"  }\n"
	"  document.addEventListener('focusout', function () {\n"
	"    setTimeout(function () { for (var k in pending) put(k, pending[k]); }, 0);\n"
	"  });\n"
	"  function state(on) {\n"
	"    live.className = on ? 'live on' : 'live';\n"
	"    live.textContent = on ? live.dataset.on : live.dataset.off;\n"
	"  }\n"
	"  var es = new EventSource('/dash/events' + location.search);\n"
	"  es.onopen = function () { state(true); };\n"
	"  es.onmessage = function (m) {\n"
	"    var d = JSON.parse(m.data);\n"
	"    for (var k in d) if (last[k] !== d[k]) { last[k] = d[k]; put(k, d[k]); }\n"
	"    state(true);\n"
	"  };\n"
	"  es.onerror = function () {\n"
	"    state(false);\n"
	"    /* refused (the session ended): the page shows the login again */\n"
	"    if (es.readyState === 2) setTimeout(function () { location.reload(); }, 3000);\n"
	"  };\n"
	"  var g = document.getElementById('group');\n"
	"  if (g) g.addEventListener('change', function () { g.form.submit(); });\n"
	"})();\n";

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type,
				 char *text, size_t len, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	/* nothing from elsewhere: the page works where the venue has no internet */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; connect-src 'self'; "
				"style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_sb(struct MHD_Connection *c, unsigned status, const char *type,
			       struct sb *b, const char *cookie)
{
	if (b->oom || !b->p) {
		free(b->p);
		return MHD_NO;
	}
	return send_text(c, status, type, b->p, b->n, cookie);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Location", to);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, 303, r);
	MHD_destroy_response(r);
	return ret;
}

/* The reader's language: the cookie the switch sets, else the browser's first choice. */
static int lang_of(struct MHD_Connection *c)
{
	const char *ck = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "vkhid_lang");
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
	int uk = i18n_lang_find("uk");
	if (uk < 0)
		return VK_LANG_EN;
	if (ck)
		return strcmp(ck, "uk") == 0 ? uk : VK_LANG_EN;
	return al && strncasecmp(al, "en", 2) == 0 ? VK_LANG_EN : uk;
}

static void page_head(struct sb *b, int lang, const char *title)
{
	sb_f(b, "<!doctype html><html lang=%s><head><meta charset=utf-8>"
	     "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
	     "<link rel=icon href=\"data:,\"><title>", lang == VK_LANG_EN ? "en" : "uk");
	sb_esc(b, title);
	sb_f(b, "</title><style>%s</style></head><body>", css);
}

static void lang_links(struct sb *b, int lang)
{
	sb_f(b, "<nav class=langs><a href=\"/dash/lang?to=uk\"%s>УК</a>"
	     "<a href=\"/dash/lang?to=en\"%s>EN</a></nav>",
	     lang != VK_LANG_EN ? " aria-current=true" : "",
	     lang == VK_LANG_EN ? " aria-current=true" : "");
}

static enum MHD_Result login_page(struct web *w, struct MHD_Connection *c, unsigned status,
				  const char *msg)
{
	int lang = lang_of(c);
	struct sb b = { 0 };
	char hash[crypto_pwhash_STRBYTES];
	int have;
	pthread_mutex_lock(w->lock);
	have = w->store->ops->secret_get(w->store, WEB_PASSWORD_KEY, hash, sizeof hash) == VK_OK;
	pthread_mutex_unlock(w->lock);
	page_head(&b, lang, i18n_tr(lang, "vkhid: organizers' dashboard"));
	sb_f(&b, "<header><h1>vkhid</h1><span class=ev>%s</span>",
	     i18n_tr(lang, "Organizers' dashboard"));
	lang_links(&b, lang);
	sb_f(&b, "</header><form class=login method=post action=\"/dash/login\"><h2>%s</h2>",
	     i18n_tr(lang, "Log in"));
	if (msg)
		sb_f(&b, "<p class=err id=login-error>%s</p>", msg);
	if (!have)
		sb_f(&b, "<p class=err>%s</p>", i18n_tr(lang, "No organizer password is set yet. "
						       "On the hub run: vkhid --db HUB.db hub password"));
	sb_f(&b, "<label for=password>%s</label><input id=password name=password type=password "
	     "autocomplete=current-password required autofocus><button id=login>%s</button>"
	     "</form></body></html>", i18n_tr(lang, "Organizer password"), i18n_tr(lang, "Log in"));
	return send_sb(c, status, "text/html; charset=utf-8", &b, NULL);
}

static void admin_sections(struct sb *b, int lang, const char *csrf);

static enum MHD_Result dash_page(struct web *w, struct MHD_Connection *c,
				 const struct session *s)
{
	int lang = lang_of(c);
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
	const char *group = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "group");
	struct view v;
	struct sb b = { 0 };
	char qq[200], gg[200];
	snprintf(qq, sizeof qq, "%s", q ? q : "");
	snprintf(gg, sizeof gg, "%s", group ? group : "");
	if (view_load(w, &v, lang, qq, gg)) {
		sb_f(&b, "%s", i18n_tr(lang, "The hub could not read its database; see the hub's "
				       "log."));
		return send_sb(c, 500, "text/plain; charset=utf-8", &b, NULL);
	}
	page_head(&b, lang, i18n_tr(lang, "vkhid: organizers' dashboard"));
	sb_s(&b, "<header><h1>vkhid</h1><span class=ev>");
	sb_esc(&b, v.have_event ? v.ev.name : i18n_tr(lang, "No event yet"));
	sb_f(&b, "</span><span id=live class=live data-on=\"%s\" data-off=\"%s\">%s</span>",
	     i18n_tr(lang, "live"), i18n_tr(lang, "reconnecting…"), i18n_tr(lang, "reconnecting…"));
	lang_links(&b, lang);
	sb_f(&b, "<form method=post action=\"/dash/logout\"><input type=hidden name=csrf "
	     "value=\"%s\"><button id=logout>%s</button></form></header><main>", s->csrf,
	     i18n_tr(lang, "Log out"));
	static const char *const titles[N_SECTIONS] = {
		N_("Admitted"), N_("Arrivals per 15 minutes"), N_("By category"),
		N_("By organization"), N_("By kiosk"), N_("Find a person"),
		N_("Not arrived yet"), N_("Kiosks"), N_("Incidents"), N_("By day"),
		N_("Rooms now"),
	};
	for (size_t i = 0; i < N_SECTIONS; i++) {
		sb_f(&b, "<section id=%s%s><h2>%s</h2>", sections[i], i == 8 ? " class=wide" : "",
		     i18n_tr(lang, titles[i]));
		if (i == 5) {
			sb_f(&b, "<form class=row method=get action=\"/dash/\"><input type=hidden "
			     "name=group value=\"");
			sb_esc(&b, gg);
			sb_f(&b, "\"><input id=q name=q type=search value=\"");
			sb_esc(&b, qq);
			sb_f(&b, "\" placeholder=\"%s\" aria-label=\"%s\"><button id=find-go>%s</button>"
			     "</form>", i18n_tr(lang, "Name or ticket code"),
			     i18n_tr(lang, "Name or ticket code"), i18n_tr(lang, "Find"));
		} else if (i == 6) {
			sb_f(&b, "<form class=row method=get action=\"/dash/\"><input type=hidden "
			     "name=q value=\"");
			sb_esc(&b, qq);
			sb_f(&b, "\"><select id=group name=group aria-label=\"%s\"><option value=\"\">"
			     "%s</option>", i18n_tr(lang, "Group"), i18n_tr(lang, "Choose a group"));
			for (size_t k = 0; k < v.cats.n; k++) {
				sb_s(&b, "<option value=\"");
				sb_esc(&b, v.cats.t[k].key);
				sb_f(&b, "\"%s>", strcmp(v.cats.t[k].key, gg) == 0 ? " selected" : "");
				sb_esc(&b, v.cats.t[k].key[0] ? v.cats.t[k].key : i18n_tr(lang, "(none)"));
				sb_s(&b, "</option>");
			}
			sb_f(&b, "</select><button>%s</button></form>", i18n_tr(lang, "Show"));
		}
		sb_f(&b, "<div id=s-%s>", sections[i]);
		draw(&v, (int)i, &b, s->csrf);
		sb_s(&b, "</div></section>");
	}
	sb_f(&b, "<section id=export><h2>%s</h2><p><a id=export-csv href=\"/dash/export.csv\">"
	     "%s</a></p><p class=dim>%s</p></section>",
	     i18n_tr(lang, "Export"), i18n_tr(lang, "Attendance (CSV for Excel)"),
	     i18n_tr(lang, "The same file as vkhid export attendance: who registered, who came, "
		     "when and through which kiosk."));
	admin_sections(&b, lang, s->csrf);
	sb_s(&b, "</main><script src=\"/dash/app.js\"></script></body></html>");
	view_free(&v);
	return send_sb(c, 200, "text/html; charset=utf-8", &b, NULL);
}

/* ---- 6. event streams ------------------------------------------------------------------ */
struct stream {
	struct web *w;
	struct session s;
	int lang;
	char q[200], group[200];
	unsigned long long seen;   /* the change counter when last computed */
	int started;
	char *last;                /* the last figures sent */
	struct sb out;
	size_t off;
	long long last_sent_ms;
};

/* The figures as one SSE "data:" line: {"section": "html", ...}. NULL when unreadable. */
static char *stream_data(struct stream *st)
{
	struct view v;
	json_t *o;
	char *txt;
	if (view_load(st->w, &v, st->lang, st->q, st->group))
		return NULL;
	if (!(o = json_object())) {
		view_free(&v);
		return NULL;
	}
	for (size_t i = 0; i < N_SECTIONS; i++) {
		struct sb b = { 0 };
		draw(&v, (int)i, &b, st->s.csrf);
		json_object_set_new(o, sections[i], json_string(b.p ? b.p : ""));
		free(b.p);
	}
	view_free(&v);
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return txt;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	struct web *w = st->w;
	(void)pos;
	for (;;) {
		if (st->off < st->out.n) {
			size_t k = st->out.n - st->off;
			if (k > max)
				k = max;
			memcpy(buf, st->out.p + st->off, k);
			st->off += k;
			return (ssize_t)k;
		}
		st->out.n = st->off = 0;
		if (!session_valid(w, st->s.token))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (st->started) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += STREAM_WAIT_MS / 1000;
			pthread_mutex_lock(&w->mu);
			while (!w->stopping && w->version == st->seen &&
			       pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
				;
			int stop = w->stopping;
			st->seen = w->version;
			pthread_mutex_unlock(&w->mu);
			if (stop)
				return MHD_CONTENT_READER_END_OF_STREAM;
		} else {
			pthread_mutex_lock(&w->mu);
			st->seen = w->version;
			pthread_mutex_unlock(&w->mu);
		}
		st->started = 1;
		char *data = stream_data(st);
		if (!data)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (!st->last || strcmp(st->last, data) != 0) {
			sb_s(&st->out, "data: ");
			sb_s(&st->out, data);
			sb_s(&st->out, "\n\n");
			free(st->last);
			st->last = data;
			st->last_sent_ms = hub_now_ms();
		} else {
			free(data);
			/* a comment now and then keeps the connection and any proxy awake */
			if (hub_now_ms() - st->last_sent_ms >= 15000) {
				sb_s(&st->out, ": ping\n\n");
				st->last_sent_ms = hub_now_ms();
			}
		}
		if (st->out.oom)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
}

static void stream_free(void *cls)
{
	struct stream *st = cls;
	free(st->last);
	free(st->out.p);
	free(st);
}

static enum MHD_Result stream_start(struct web *w, struct MHD_Connection *c,
				    const struct session *s)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
	const char *group = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "group");
	struct stream *st = calloc(1, sizeof *st);
	struct MHD_Response *r;
	enum MHD_Result ret;
	if (!st)
		return MHD_NO;
	st->w = w;
	st->s = *s;
	st->lang = lang_of(c);
	snprintf(st->q, sizeof st->q, "%s", q ? q : "");
	snprintf(st->group, sizeof st->group, "%s", group ? group : "");
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, st,
					      stream_free);
	if (!r) {
		free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- 7. routes ------------------------------------------------------------------------- */
static enum MHD_Result do_login(struct web *w, struct MHD_Connection *c, const char *body)
{
	int lang = lang_of(c);
	char addr[64], pw[1100], hash[crypto_pwhash_STRBYTES], cookie[200], msg[300];
	long long wait;
	int have, good;
	struct session s;

	client_addr(c, addr);
	if ((wait = tries_wait(w, addr)) > 0) {
		snprintf(msg, sizeof msg, i18n_tr(lang, "Too many wrong passwords. Try again in %lld "
						  "seconds."), (wait + 999) / 1000);
		return login_page(w, c, 429, msg);
	}
	pthread_mutex_lock(w->lock);
	have = w->store->ops->secret_get(w->store, WEB_PASSWORD_KEY, hash, sizeof hash) == VK_OK;
	pthread_mutex_unlock(w->lock);
	if (!form_get(body, "password", pw, sizeof pw))
		pw[0] = 0;
	/* the slow hash runs outside every lock: the API keeps answering meanwhile */
	good = have && pw[0] && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	sodium_memzero(pw, sizeof pw);
	tries_note(w, addr, good);
	if (!good) {
		if (w->log) {
			fprintf(w->log, "hub: dashboard login refused from %s\n", addr);
			fflush(w->log);
		}
		return login_page(w, c, 401, have ? i18n_tr(lang, "Wrong password.") : NULL);
	}
	session_new(w, &s);
	snprintf(cookie, sizeof cookie, "vkhid_s=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; "
		 "SameSite=Strict", s.token, SESSION_MS / 1000);
	if (w->log) {
		fprintf(w->log, "hub: dashboard login from %s\n", addr);
		fflush(w->log);
	}
	return redirect(c, "/dash/", cookie);
}

/* A POST of a session must carry its CSRF token (tok, as the form sent it), and come from
 * the hub's own pages. */
static int csrf_check(struct MHD_Connection *c, const struct session *s, const char *tok)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (origin && strcmp(origin, "null") != 0) {
		if (!host || strncmp(origin, "https://", 8) != 0 || strcmp(origin + 8, host) != 0)
			return 0;
	}
	return tok && strlen(tok) == 64 && sodium_memcmp(tok, s->csrf, 64) == 0;
}

static int csrf_ok(struct MHD_Connection *c, const struct session *s, const char *body)
{
	char tok[80];
	return form_get(body, "csrf", tok, sizeof tok) && csrf_check(c, s, tok);
}

/* ---- 8. kiosks and lists from the dashboard -------------------------------------------- */
/* "Add a kiosk" makes a one-time enrollment code as `vkhid hub enroll-token` does and shows
 * it as a QR code that the kiosk's organizer screen reads with its own camera (and as the
 * text `vkhid sync enroll` takes). "Import the participant list" runs the very importer of
 * `vkhid import` on an uploaded CSV and shows its report, every bad row with its line. */
#define ENROLL_HOURS 24

static void admin_sections(struct sb *b, int lang, const char *csrf)
{
	sb_f(b, "<section id=kiosk-add><h2>%s</h2><form class=row method=post "
	     "action=\"/dash/kiosk-add\"><input type=hidden name=csrf value=\"%s\">"
	     "<input id=kiosk-name name=name maxlength=63 required placeholder=\"%s\" "
	     "aria-label=\"%s\"><button id=kiosk-add-go>%s</button></form><p class=dim>%s</p>"
	     "</section>", i18n_tr(lang, "Add a kiosk"), csrf,
	     i18n_tr(lang, "Kiosk name, e.g. Entrance A"), i18n_tr(lang, "Kiosk name"),
	     i18n_tr(lang, "Show the code"),
	     i18n_tr(lang, "Shows a one-time code as a QR: on the kiosk, open the organizer screen "
		     "and choose Connect to hub, then hold this screen to the camera."));
	sb_f(b, "<section id=import><h2>%s</h2><form method=post action=\"/dash/import\" "
	     "enctype=\"multipart/form-data\"><input type=hidden name=csrf value=\"%s\">"
	     "<p><input id=import-file type=file name=csv accept=\".csv,text/csv\" required "
	     "aria-label=\"%s\"></p><p><label><input id=import-dry type=checkbox name=dry "
	     "value=1> %s</label></p><button id=import-go>%s</button></form><p class=dim>%s</p>"
	     "</section>", i18n_tr(lang, "Import the participant list"), csrf,
	     i18n_tr(lang, "CSV file"), i18n_tr(lang, "Only check the file, save nothing"),
	     i18n_tr(lang, "Import"),
	     i18n_tr(lang, "The same importer as vkhid import: Google Forms, Excel, pretix, "
		     "Eventbrite or vkhid's own columns. A re-import updates people and never "
		     "deletes anyone; the kiosks get the changes at their next sync."));
}

/* A page of its own (the add-a-kiosk code, an import's report) with a way back. */
static void admin_page_open(struct sb *b, int lang, const char *title)
{
	page_head(b, lang, title);
	sb_f(b, "<header><h1>vkhid</h1><span class=ev>");
	sb_esc(b, title);
	sb_f(b, "</span><a id=back href=\"/dash/\">%s</a></header><main><section class=wide>",
	     i18n_tr(lang, "Back to the dashboard"));
}

static enum MHD_Result admin_page_close(struct MHD_Connection *c, unsigned status,
					struct sb *b)
{
	sb_s(b, "</section></main></body></html>");
	return send_sb(c, status, "text/html; charset=utf-8", b, NULL);
}

static enum MHD_Result admin_error(struct MHD_Connection *c, unsigned status, int lang,
				   const char *title, const char *msg)
{
	struct sb b = { 0 };
	admin_page_open(&b, lang, title);
	sb_s(&b, "<p class=err id=admin-error>");
	sb_esc(&b, msg);
	sb_s(&b, "</p>");
	return admin_page_close(c, status, &b);
}

/* The code as an inline SVG: one path of dark modules in a 4-module quiet zone, drawn
 * crisp so a camera reads it from a phone or a laptop screen. */
static int qr_svg(struct sb *b, const char *text, const char *label)
{
	struct qr_image q;
	const int quiet = 4;
	if (qr_encode(text, &q) != VK_OK)
		return VK_ERR_INVALID;
	int side = q.size + 2 * quiet;
	sb_f(b, "<svg id=enroll-qr xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	     "shape-rendering=crispEdges role=img style=\"max-width:22rem;margin:auto\" "
	     "aria-label=\"", side, side);
	sb_esc(b, label);
	sb_f(b, "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	     side, side);
	for (int y = 0; y < q.size; y++)
		for (int x = 0; x < q.size; x++)
			if (q.modules[y * q.size + x])
				sb_f(b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	sb_s(b, "\"/></svg>");
	qr_free(&q);
	return VK_OK;
}

static enum MHD_Result do_kiosk_add(struct web *w, struct MHD_Connection *c, const char *body)
{
	int lang = lang_of(c);
	const char *title = i18n_tr(lang, "Add a kiosk");
	char name[256], url[300], pin[100], code[80], text[600], msg[400];
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	struct sb b = { 0 };
	int rc, have_url;

	if (!form_get(body, "name", name, sizeof name))
		name[0] = 0;
	text_trim(name);
	if (!name[0] || strlen(name) > 63 || strpbrk(name, "\r\n\t;")) {
		return admin_error(c, 400, lang, title,
				   i18n_tr(lang, "Give the kiosk a name of 1 to 63 characters (no "
					   "semicolons), for example Entrance A, and try again."));
	}
	int64_t now = hub_now_ms();
	pthread_mutex_lock(w->lock);
	db *roster = w->store->ops->roster(w->store);
	/* the address the hub printed when it started; else the one this browser reached */
	have_url = db_setting_get(roster, "hub.url", url, sizeof url) == VK_OK;
	if (db_setting_get(roster, "hub.pin", pin, sizeof pin) != VK_OK)
		pin[0] = 0;
	rc = pin[0] ? w->store->ops->enroll_code(w->store, name, now,
						 now + ENROLL_HOURS * 3600000LL, code, sizeof code)
		    : VK_ERR_NOT_FOUND;
	pthread_mutex_unlock(w->lock);
	if (!have_url && host && strlen(host) < 200 && !strpbrk(host, ";\"<> "))
		snprintf(url, sizeof url, "https://%s", host);
	else if (!have_url)
		rc = VK_ERR_NOT_FOUND;
	if (rc == HUB_ERR_CLASH) {
		snprintf(msg, sizeof msg, i18n_tr(lang, "A kiosk with this name is enrolled already. "
						  "Choose another name, or revoke that kiosk first "
						  "(vkhid hub revoke-kiosk \"%s\")."), name);
		return admin_error(c, 409, lang, title, msg);
	}
	if (rc || sync_code_format(url, code, pin, text, sizeof text)) {
		if (w->log) {
			fprintf(w->log, "hub: dashboard: no enrollment code (%s)\n", vk_strerror(rc));
			fflush(w->log);
		}
		return admin_error(c, 500, lang, title,
				   i18n_tr(lang, "The hub could not make an enrollment code; see the "
					   "hub's log."));
	}
	if (w->log) {
		fprintf(w->log, "hub: dashboard made an enrollment code for \"%s\"\n", name);
		fflush(w->log);
	}
	admin_page_open(&b, lang, title);
	sb_s(&b, "<h2 id=enroll-name>");
	sb_esc(&b, name);
	sb_s(&b, "</h2>");
	if (qr_svg(&b, text, i18n_tr(lang, "Enrollment code as a QR")))
		sb_f(&b, "<p class=err>%s</p>", i18n_tr(lang, "The code is too long for a QR; type "
							  "the text below on the kiosk."));
	sb_f(&b, "<ol><li>%s</li><li>%s</li><li>%s</li></ol>",
	     i18n_tr(lang, "On the kiosk, enter the organizer PIN."),
	     i18n_tr(lang, "Choose Connect to hub."),
	     i18n_tr(lang, "Hold this code in front of the kiosk's camera."));
	snprintf(msg, sizeof msg, i18n_tr(lang, "The code works once, for %d hours. Without a "
					  "camera, on the kiosk's computer run:"), ENROLL_HOURS);
	sb_f(&b, "<p class=dim>%s</p><p><code id=enroll-text style=\"overflow-wrap:anywhere\">"
	     "vkhid sync enroll '", msg);
	sb_esc(&b, text);
	sb_f(&b, "'</code></p><p class=dim>%s <code id=enroll-pin>", i18n_tr(lang, "Hub key:"));
	sb_esc(&b, pin);
	sb_s(&b, "</code></p>");
	return admin_page_close(c, 200, &b);
}

/* One part of a multipart/form-data body: the bytes of the part called name (*data, *n, a
 * pointer into body). boundary is the Content-Type's. Returns 1 when found. */
static int mp_part(const char *body, size_t len, const char *boundary, const char *name,
		   const char **data, size_t *n)
{
	char delim[120], want[140];
	size_t dl;
	const char *end = body + len, *p = body;
	if (!body || snprintf(delim, sizeof delim, "--%s", boundary) >= (int)sizeof delim)
		return 0;
	dl = strlen(delim);
	snprintf(want, sizeof want, "name=\"%s\"", name);
	while ((p = memmem(p, (size_t)(end - p), delim, dl))) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* the closing delimiter */
		const char *hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hdr_end)
			return 0;
		const char *content = hdr_end + 4;
		const char *next = memmem(content, (size_t)(end - content), delim, dl);
		if (!next || next - content < 2)
			return 0;
		/* the headers name the part: name="csv" exactly (not name="csv2") */
		const char *nm = memmem(p, (size_t)(hdr_end - p), want, strlen(want));
		if (nm && (nm == p || nm[-1] == ' ' || nm[-1] == ';')) {
			*data = content;
			*n = (size_t)(next - 2 - content); /* the CRLF before the delimiter */
			return 1;
		}
		p = next;
	}
	return 0;
}

/* The boundary of a multipart/form-data Content-Type, or 0. */
static int mp_boundary(struct MHD_Connection *c, char *out, size_t cap)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *b;
	size_t n;
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0 ||
	    !(b = strstr(ct, "boundary=")))
		return 0;
	b += 9;
	if (*b == '"') {
		b++;
		n = strcspn(b, "\"");
	} else {
		n = strcspn(b, "; ");
	}
	if (n == 0 || n >= cap || n > 70)
		return 0;
	memcpy(out, b, n);
	out[n] = 0;
	return 1;
}

static void import_report_html(struct sb *b, int lang, const struct import_report *rep,
			       int dry)
{
	if (dry)
		sb_f(b, "<p class=warn id=import-dry-note>%s</p>",
		     i18n_tr(lang, "Only checked: nothing was saved."));
	sb_f(b, "<p id=import-summary>");
	sb_f(b, i18n_tr(lang, "Rows %lld: added %lld, updated %lld, cancelled %lld, unchanged "
			"%lld, skipped %lld."), (long long)rep->rows, (long long)rep->added,
	     (long long)rep->updated, (long long)rep->cancelled, (long long)rep->unchanged,
	     (long long)rep->skipped);
	sb_f(b, "</p><p class=dim>");
	sb_f(b, i18n_tr(lang, "Format %s, encoding %s, separator '%c'."), rep->format,
	     rep->encoding, rep->delimiter);
	sb_s(b, "</p>");
	if (rep->unmapped[0]) {
		sb_f(b, "<p class=dim>%s ", i18n_tr(lang, "Columns not used:"));
		sb_esc(b, rep->unmapped);
		sb_s(b, "</p>");
	}
	if (rep->n_problems == 0) {
		sb_f(b, "<p class=in id=import-clean>%s</p>", i18n_tr(lang, "Every row was read."));
		return;
	}
	sb_f(b, "<h2>%s</h2><table id=import-problems><tr><th>%s</th><th>%s</th><th>%s</th></tr>",
	     i18n_tr(lang, "Rows to check"), i18n_tr(lang, "Line"), i18n_tr(lang, "Problem"),
	     i18n_tr(lang, "What happened"));
	for (int i = 0; i < rep->n_problems; i++) {
		const struct import_problem *p = &rep->problems[i];
		sb_f(b, "<tr><td class=num>%d</td><td>", p->line);
		sb_esc(b, import_reason_text_in(lang, p->reason));
		if (p->detail[0]) {
			sb_s(b, " (");
			sb_esc(b, p->detail);
			sb_s(b, ")");
		}
		sb_f(b, "</td><td class=%s>%s</td></tr>", p->skipped ? "out" : "warn",
		     p->skipped ? i18n_tr(lang, "not imported: fix the row and upload the file "
					  "again")
				: i18n_tr(lang, "imported with a warning"));
	}
	sb_s(b, "</table>");
	if (rep->problems_total > rep->n_problems) {
		sb_f(b, "<p class=dim>");
		sb_f(b, i18n_tr(lang, "… and %lld more problems."),
		     (long long)(rep->problems_total - rep->n_problems));
		sb_s(b, "</p>");
	}
}

static enum MHD_Result do_import(struct web *w, struct MHD_Connection *c,
				 const struct session *s, const char *body, size_t len)
{
	int lang = lang_of(c);
	const char *title = i18n_tr(lang, "Import the participant list");
	char boundary[80], tok[80] = "", why[1024] = "";
	const char *part, *csv;
	size_t pn, csv_n;
	int dry, rc;
	struct import_opts o;
	struct import_report rep;
	struct db_event ev;
	struct sb b = { 0 };

	if (!mp_boundary(c, boundary, sizeof boundary))
		return admin_error(c, 400, lang, title,
				   i18n_tr(lang, "Send the list with the form on the dashboard (a "
					   "file upload)."));
	if (mp_part(body, len, boundary, "csrf", &part, &pn) && pn < sizeof tok) {
		memcpy(tok, part, pn);
		tok[pn] = 0;
	}
	if (!csrf_check(c, s, tok))
		return admin_error(c, 403, lang, title,
				   i18n_tr(lang, "This form is out of date: reload the dashboard "
					   "and try again."));
	dry = mp_part(body, len, boundary, "dry", &part, &pn);
	if (!mp_part(body, len, boundary, "csv", &csv, &csv_n) || csv_n == 0)
		return admin_error(c, 400, lang, title,
				   i18n_tr(lang, "Choose a CSV file to upload: the file was empty "
					   "or missing. Nothing was imported."));
	memset(&o, 0, sizeof o);
	memset(&rep, 0, sizeof rep);
	o.format = "auto";
	o.dry_run = dry;
	pthread_mutex_lock(w->lock);
	db *roster = w->store->ops->roster(w->store);
	rc = db_event_current(roster, &ev);
	if (rc == VK_OK) {
		o.event_id = ev.id;
		rc = import_csv_buffer(roster, csv, csv_n, &o, &rep, why, sizeof why);
	}
	pthread_mutex_unlock(w->lock);
	if (rc) {
		import_report_free(&rep);
		if (rc == VK_ERR_NOT_FOUND && !why[0])
			snprintf(why, sizeof why, "%s", i18n_tr(lang, "The hub has no event yet: "
								"create it first (vkhid --db HUB.db "
								"event create --name NAME)."));
		if (w->log) {
			fprintf(w->log, "hub: dashboard import refused: %s\n", vk_strerror(rc));
			fflush(w->log);
		}
		admin_page_open(&b, lang, title);
		sb_f(&b, "<p class=err id=admin-error>%s</p><p>",
		     i18n_tr(lang, "Nothing was imported."));
		sb_esc(&b, why[0] ? why : vk_strerror(rc));
		sb_s(&b, "</p>");
		return admin_page_close(c, rc == VK_ERR_INVALID || rc == VK_ERR_NOT_FOUND ? 400 : 500,
					&b);
	}
	if (w->log) {
		fprintf(w->log, "hub: dashboard import%s: %lld rows, %lld added, %lld updated, "
			"%lld skipped\n", dry ? " (dry run)" : "", (long long)rep.rows,
			(long long)rep.added, (long long)rep.updated, (long long)rep.skipped);
		fflush(w->log);
	}
	admin_page_open(&b, lang, title);
	import_report_html(&b, lang, &rep, dry);
	import_report_free(&rep);
	if (!dry)
		web_changed(w); /* the figures count the new people at once */
	return admin_page_close(c, 200, &b);
}

static enum MHD_Result do_resolve(struct web *w, struct MHD_Connection *c,
				  const struct session *s, const char *body)
{
	int lang = lang_of(c);
	char id[80], note[SYNC_MAX_NOTE * 3 + 1];
	struct view v;
	const struct sync_incident *found = NULL;
	struct sb b = { 0 };
	int rc;
	if (!form_get(body, "id", id, sizeof id))
		id[0] = 0;
	if (!form_get(body, "note", note, sizeof note))
		note[0] = 0;
	/* the rules of `vkhid incidents resolve`: a note of 1 to 500 bytes, a known incident */
	if (!note[0] || strlen(note) > SYNC_MAX_NOTE) {
		sb_f(&b, "%s", i18n_tr(lang, "Write a note of at most 500 bytes: what was found and "
				       "done. Go back and try again."));
		return send_sb(c, 400, "text/plain; charset=utf-8", &b, NULL);
	}
	if (view_load(w, &v, lang, "", ""))
		return send_text(c, 500, "text/plain; charset=utf-8", strdup("store"), 5, NULL);
	for (size_t i = 0; i < v.d.n_inc; i++)
		if (strcmp(v.d.inc[i].id, id) == 0)
			found = &v.d.inc[i];
	if (!found) {
		view_free(&v);
		sb_f(&b, "%s", i18n_tr(lang, "No such incident (it may have been resolved already). "
				       "Go back to the dashboard."));
		return send_sb(c, 404, "text/plain; charset=utf-8", &b, NULL);
	}
	pthread_mutex_lock(w->lock);
	rc = w->store->ops->note(w->store, found->id, note, hub_now_ms());
	pthread_mutex_unlock(w->lock);
	view_free(&v);
	if (rc) {
		sb_f(&b, "%s", i18n_tr(lang, "The note could not be recorded; see the hub's log."));
		return send_sb(c, 500, "text/plain; charset=utf-8", &b, NULL);
	}
	if (w->log) {
		fprintf(w->log, "hub: incident %.8s resolved from the dashboard\n", id);
		fflush(w->log);
	}
	web_changed(w);
	(void)s;
	return redirect(c, "/dash/#incidents", NULL);
}

static const char *method_word(int m)
{
	return m == DB_CI_QR ? "qr" : m == DB_CI_SEARCH ? "search" : "manual";
}

struct export_ctx {
	struct view *v;
	FILE *f;
};

static int export_row(void *ctx, const struct db_registration *r)
{
	struct export_ctx *x = ctx;
	const struct arrival *a = arrival_of(x->v, r->number);
	char when[32] = "";
	if (a)
		clock_format_local(a->first->ci.wall_ms, when);
	cli_csv_number(x->f, r->number, 0);
	cli_csv_field(x->f, r->given, 0);
	cli_csv_field(x->f, r->family, 0);
	cli_csv_field(x->f, r->display, 0);
	cli_csv_field(x->f, r->organization, 0);
	cli_csv_field(x->f, r->category, 0);
	cli_csv_field(x->f, r->email, 0);
	cli_csv_field(x->f, r->status == DB_REG_CANCELLED ? "cancelled" : "active", 0);
	cli_csv_field(x->f, a ? "yes" : "no", 0);
	cli_csv_field(x->f, when, 0);
	cli_csv_field(x->f, a ? a->first->ci.kiosk : "", 0);
	cli_csv_field(x->f, a ? method_word(a->first->ci.method) : "", 1);
	return 0;
}

/* The attendance file of `vkhid export attendance` (cmd_stats.c): the same columns, the
 * same formula-safe writer, computed from the merged log of every kiosk. */
static enum MHD_Result do_export(struct web *w, struct MHD_Connection *c)
{
	struct view v;
	char *text = NULL, disp[300];
	size_t len = 0;
	struct export_ctx x;
	struct MHD_Response *r;
	enum MHD_Result ret;
	int rc;
	if (view_load(w, &v, VK_LANG_EN, "", ""))
		return send_text(c, 500, "text/plain", strdup("store"), 5, NULL);
	if (!(x.f = open_memstream(&text, &len))) {
		view_free(&v);
		return MHD_NO;
	}
	x.v = &v;
	fputs("\xef\xbb\xbf", x.f);
	fputs("number,given_name,family_name,name,organization,category,email,status,"
	      "checked_in,first_checkin,kiosk,method\r\n", x.f);
	pthread_mutex_lock(w->lock);
	rc = v.have_event ? db_reg_each(w->store->ops->roster(w->store), v.ev.id, export_row, &x)
			  : VK_OK;
	for (size_t i = 0; rc == VK_OK && i < v.n_arr; i++) {
		struct db_registration reg;
		char when[32];
		const struct sync_event *f = v.arr[i].first;
		if (db_reg_get(w->store->ops->roster(w->store), v.ev.id, v.arr[i].number, &reg) !=
		    VK_ERR_NOT_FOUND)
			continue;
		clock_format_local(f->ci.wall_ms, when);
		cli_csv_number(x.f, f->ci.number, 0);
		cli_csv_field(x.f, "", 0);
		cli_csv_field(x.f, "", 0);
		cli_csv_field(x.f, _("(signed ticket, not in the list)"), 0);
		for (int k = 0; k < 3; k++)
			cli_csv_field(x.f, "", 0);
		cli_csv_field(x.f, "unlisted", 0);
		cli_csv_field(x.f, "yes", 0);
		cli_csv_field(x.f, when, 0);
		cli_csv_field(x.f, f->ci.kiosk, 0);
		cli_csv_field(x.f, method_word(f->ci.method), 1);
	}
	pthread_mutex_unlock(w->lock);
	snprintf(disp, sizeof disp, "attachment; filename=\"attendance-%" PRId64 ".csv\"",
		 v.have_event ? v.ev.id : (int64_t)0);
	view_free(&v);
	if (fclose(x.f) != 0 || rc) {
		free(text);
		return send_text(c, 500, "text/plain", strdup("export"), 6, NULL);
	}
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
	MHD_add_response_header(r, "Content-Disposition", disp);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result verify_page(struct web *w, struct MHD_Connection *c, const char *body);

int web_owns(const char *url)
{
	return strcmp(url, "/") == 0 || strcmp(url, "/dash") == 0 || strncmp(url, "/dash/", 6) == 0 ||
	       strcmp(url, "/verify") == 0;
}

enum MHD_Result web_handle(struct web *w, struct MHD_Connection *c, const char *url,
			   const char *method, const char *body, size_t len)
{
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;
	struct session s;
	int have;

	if (strcmp(url, "/") == 0 || strcmp(url, "/dash") == 0)
		return redirect(c, "/dash/", NULL);
	if (strcmp(url, "/dash/lang") == 0 && get) {
		const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
		return redirect(c, "/dash/", to && strcmp(to, "en") == 0
			? "vkhid_lang=en; Path=/; Max-Age=31536000; Secure; SameSite=Strict"
			: "vkhid_lang=uk; Path=/; Max-Age=31536000; Secure; SameSite=Strict");
	}
	if (strcmp(url, "/dash/login") == 0 && post)
		return do_login(w, c, body);
	if (strcmp(url, "/verify") == 0 && (get || post))
		return verify_page(w, c, post ? body : NULL);
	have = session_of(w, c, &s);
	if (strcmp(url, "/dash/") == 0 && get)
		return have ? dash_page(w, c, &s) : login_page(w, c, 200, NULL);
	if (!have) {
		int lang = lang_of(c);
		struct sb b = { 0 };
		sb_f(&b, "%s", i18n_tr(lang, "Log in first: open /dash/ on the hub."));
		return send_sb(c, 401, "text/plain; charset=utf-8", &b, NULL);
	}
	/* a file upload is multipart: its CSRF token is one of the parts (web_admin.inc) */
	if (strcmp(url, "/dash/import") == 0 && post)
		return do_import(w, c, &s, body, len);
	if (post && !csrf_ok(c, &s, body)) {
		struct sb b = { 0 };
		sb_f(&b, "%s", i18n_tr(lang_of(c), "This form is out of date: reload the dashboard "
				       "and try again."));
		return send_sb(c, 403, "text/plain; charset=utf-8", &b, NULL);
	}
	if (strcmp(url, "/dash/logout") == 0 && post) {
		session_end(w, s.token);
		return redirect(c, "/dash/", "vkhid_s=; Path=/; Max-Age=0; HttpOnly; Secure; "
				"SameSite=Strict");
	}
	if (strcmp(url, "/dash/app.js") == 0 && get)
		return send_text(c, 200, "text/javascript; charset=utf-8", strdup(app_js),
				 strlen(app_js), NULL);
	if (strcmp(url, "/dash/events") == 0 && get)
		return stream_start(w, c, &s);
	if (strcmp(url, "/dash/resolve") == 0 && post)
		return do_resolve(w, c, &s, body);
	if (strcmp(url, "/dash/kiosk-add") == 0 && post)
		return do_kiosk_add(w, c, body);
	if (strcmp(url, "/dash/export.csv") == 0 && get)
		return do_export(w, c);
	struct sb b = { 0 };
	sb_f(&b, "%s", i18n_tr(lang_of(c), "No such page: open /dash/."));
	return send_sb(c, 404, "text/plain; charset=utf-8", &b, NULL);
}

void web_changed(struct web *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->version++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

struct web *web_new(struct hub_store *store, pthread_mutex_t *lock, FILE *log)
{
	struct web *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->store = store;
	w->lock = lock;
	w->log = log;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	return w;
}

void web_shutdown(struct web *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void web_free(struct web *w)
{
	if (!w)
		return;
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	sodium_memzero(w->ses, sizeof w->ses);
	free(w);
}

/* ---- 9. the certificate check (/verify, public) ----------------------------------------------
 * Whoever is shown a certificate (an employer, a university) checks it here without an
 * account and without calling the organizer: the code from its QR is checked against the
 * event's public keys in the hub's database (app/cert). Nothing is shown beyond what the
 * signed code itself says and the event's name, so the page needs no login. The form
 * posts (a code holds spaces and '+', which a query string would blur); GET ?code= works
 * for a link. 200 for a genuine certificate, 400 for any other code. */
static enum MHD_Result verify_page(struct web *w, struct MHD_Connection *c, const char *body)
{
	int lang = lang_of(c), have, rc = CERT_MALFORMED, named = 0;
	char code[CERT_CODE_MAX + 8] = "", date[11], attended[256];
	struct cert_claim cl;
	struct db_event ev;
	struct sb b = { 0 };

	have = form_get(body, "code", code, sizeof code);
	if (!have) {
		const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
		if (q) {
			snprintf(code, sizeof code, "%s", q);
			have = 1;
		}
	}
	/* a pasted code may end with the line break of the text it came from; only that is
	 * removed (a space is a Base45 digit) */
	for (size_t n = strlen(code); n && (code[n - 1] == '\n' || code[n - 1] == '\r');)
		code[--n] = '\0';
	have = have && code[0];
	if (have) {
		pthread_mutex_lock(w->lock);
		db *d = w->store->ops->roster(w->store);
		rc = cert_check(d, code, strlen(code), &cl);
		named = rc == CERT_GENUINE && db_event_get(d, cl.event_id, &ev) == VK_OK;
		pthread_mutex_unlock(w->lock);
	}
	page_head(&b, lang, i18n_tr(lang, "vkhid: check a certificate"));
	sb_f(&b, "<header><h1>vkhid</h1><span class=ev>%s</span></header><main>",
	     i18n_tr(lang, "Check a certificate"));
	if (have && rc == CERT_GENUINE) {
		struct cert_verdict v = { .days = cl.days, .sessions = cl.sessions,
					  .minutes = cl.minutes };
		cert_attended_text(lang, &v, attended, sizeof attended);
		ticket_date_from_day(cl.issued_day, date);
		sb_f(&b, "<section id=verdict class=ok data-genuine=1><h2>%s</h2><dl>",
		     i18n_tr(lang, "Genuine certificate"));
		sb_f(&b, "<dt>%s</dt><dd id=name>", i18n_tr(lang, "Name"));
		sb_esc(&b, cl.name);
		sb_f(&b, "</dd><dt>%s</dt><dd id=event>", i18n_tr(lang, "Event"));
		if (named)
			sb_esc(&b, ev.name);
		else
			sb_f(&b, "#%" PRId64, cl.event_id);
		sb_f(&b, "</dd><dt>%s</dt><dd id=attended>", i18n_tr(lang, "Attended"));
		sb_esc(&b, attended);
		sb_f(&b, "</dd><dt>%s</dt><dd id=date>%s</dd><dt>%s</dt><dd id=number>%" PRId64
		     "</dd></dl></section>", i18n_tr(lang, "Date"), date,
		     i18n_tr(lang, "Registration number"), cl.number);
	} else if (have) {
		sb_f(&b, "<section id=verdict class=err data-genuine=0><h2>%s</h2><p>%s</p></section>",
		     i18n_tr(lang, "NOT a genuine certificate"),
		     rc < 0 ? i18n_tr(lang, "The hub could not read its database: try again.")
			    : i18n_tr(lang, cert_check_text(rc)));
	}
	sb_f(&b, "<form method=post action=\"/verify\"><label for=code>%s</label>"
	     "<textarea id=code name=code rows=4 cols=60 required>", i18n_tr(lang, "The code under "
	     "the certificate's QR code (it starts with VC1:)"));
	sb_esc(&b, code);
	sb_f(&b, "</textarea><button id=check>%s</button></form></main></body></html>",
	     i18n_tr(lang, "Check"));
	return send_sb(c, !have || rc == CERT_GENUINE ? 200 : 400, "text/html; charset=utf-8", &b,
		       NULL);
}
