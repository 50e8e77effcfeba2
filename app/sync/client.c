/* SPDX-License-Identifier: MIT */
/* The kiosk's side of sync (see client.h). Map: 1. the enrollment code  2. HTTPS calls with
 * libcurl  3. enrollment  4. a round of push and pull  5. redeem at the door */
#include "sync/client.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "sync/bundle.h"
#include "sync/replica.h"

#define CALL_TIMEOUT_MS 15000L /* a sync round's call; the door has its own budget */
#define PUSH_BATCH 1000
#define PULL_LIMIT 5000

/* ---- 1. the enrollment code ----------------------------------------------------------- */
int sync_code_format(const char *url, const char *code, const char *pin, char *out, size_t cap)
{
	int n = snprintf(out, cap, SYNC_CODE_PREFIX "url=%s;code=%s;pin=%s", url, code, pin);
	return n > 0 && (size_t)n < cap ? VK_OK : VK_ERR_INVALID;
}

/* Copies the value of "name=" from the ;-separated fields of s. */
static int field(const char *s, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = s; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1, *e = strchr(v, ';');
			size_t len = e ? (size_t)(e - v) : strlen(v);
			while (len && (v[len - 1] == '\n' || v[len - 1] == '\r' || v[len - 1] == ' '))
				len--;
			if (len == 0 || len >= cap)
				return VK_ERR_INVALID;
			memcpy(out, v, len);
			out[len] = 0;
			return VK_OK;
		}
	}
	return VK_ERR_INVALID;
}

int sync_code_parse(const char *text, struct sync_link *l)
{
	memset(l, 0, sizeof *l);
	if (!text || strncmp(text, SYNC_CODE_PREFIX, strlen(SYNC_CODE_PREFIX)) != 0)
		return VK_ERR_INVALID;
	text += strlen(SYNC_CODE_PREFIX);
	if (field(text, "url", l->url, sizeof l->url) || field(text, "code", l->token,
								 sizeof l->token) ||
	    field(text, "pin", l->pin, sizeof l->pin))
		return VK_ERR_INVALID;
	if (strncmp(l->url, "https://", 8) != 0 || strncmp(l->pin, "sha256//", 8) != 0)
		return VK_ERR_INVALID;
	return VK_OK;
}

/* ---- 2. HTTPS calls -------------------------------------------------------------------- */
struct sync_client {
	CURL *curl;
	struct sync_link link;
	int64_t offset_ms;
	char *buf;
	size_t len;
	int too_big;
	int has_health;              /* send health with the next round's push */
	struct sync_health health;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sync_client *c = ctx;
	size_t len = size * n;
	if (c->len + len > SYNC_MAX_BODY) {
		c->too_big = 1;
		return 0; /* aborts the transfer */
	}
	char *b = realloc(c->buf, c->len + len + 1);
	if (!b)
		return 0;
	c->buf = b;
	memcpy(b + c->len, p, len);
	c->len += len;
	b[c->len] = 0;
	return len;
}

int sync_client_new(const struct sync_link *link, struct sync_client **out)
{
	struct sync_client *c;
	*out = NULL;
	pthread_once(&curl_once, curl_setup);
	if (!(c = calloc(1, sizeof *c)))
		return VK_ERR_NOMEM;
	c->link = *link;
	if (!(c->curl = curl_easy_init())) {
		free(c);
		return VK_ERR_NOMEM;
	}
	*out = c;
	return VK_OK;
}

void sync_client_free(struct sync_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c->buf);
	free(c);
}

void sync_client_set_health(struct sync_client *c, const struct sync_health *h)
{
	c->has_health = h != NULL;
	if (h)
		c->health = *h;
}

int64_t sync_client_hub_offset(const struct sync_client *c)
{
	return c->offset_ms;
}

int sync_client_call(struct sync_client *c, const char *method, const char *path,
		     const json_t *body, long timeout_ms, long *status, json_t **reply,
		     char *why, size_t why_len)
{
	char url[512], auth[128], err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	char *txt = NULL;
	CURLcode cc;
	int rc = VK_OK;
	int64_t t0 = now_ms();

	*reply = NULL;
	*status = 0;
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->too_big = 0;
	snprintf(url, sizeof url, "%s%s", c->link.url, path);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	if (c->link.token[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->link.token);
		hdr = curl_slist_append(hdr, auth);
	}
	CURL *h = c->curl;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	/* the hub's certificate is self-signed: the chain is not checked, its key is */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->link.pin);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	if (strcmp(method, "POST") == 0) {
		txt = body ? json_dumps(body, JSON_COMPACT) : strdup("{}");
		if (!txt) {
			rc = VK_ERR_NOMEM;
			goto out;
		}
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, txt);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(txt));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	cc = curl_easy_perform(h);
	if (cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
		snprintf(why, why_len, "the server at %s is not the hub this kiosk enrolled with "
			 "(its key differs): refused", c->link.url);
		rc = SYNC_ERR_PIN;
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(why, why_len, "no answer from the hub at %s: %s", c->link.url,
			 err[0] ? err : curl_easy_strerror(cc));
		rc = SYNC_ERR_UNREACHABLE;
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	json_error_t je;
	if (!c->buf || !(*reply = json_loadb(c->buf, c->len, JSON_REJECT_DUPLICATES, &je)) ||
	    !json_is_object(*reply)) {
		json_decref(*reply);
		*reply = NULL;
		snprintf(why, why_len, "the hub at %s gave an answer that is not JSON (status %ld)",
			 c->link.url, *status);
		rc = SYNC_ERR_REFUSED;
		goto out;
	}
	/* the hub's clock, corrected by half the round trip */
	json_t *t = json_object_get(*reply, "now_ms");
	if (json_is_integer(t)) {
		int64_t t1 = now_ms();
		c->offset_ms = json_integer_value(t) - (t0 + (t1 - t0) / 2);
	}
	if (*status >= 400) {
		const char *m = json_string_value(json_object_get(*reply, "message"));
		const char *e = json_string_value(json_object_get(*reply, "error"));
		snprintf(why, why_len, "the hub refused: %s", m ? m : "(no reason given)");
		rc = e && strcmp(e, "token") == 0 ? SYNC_ERR_TOKEN : SYNC_ERR_REFUSED;
	}
out:
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdr);
	free(txt);
	if (rc && rc != SYNC_ERR_REFUSED && rc != SYNC_ERR_TOKEN) {
		json_decref(*reply);
		*reply = NULL;
	}
	return rc;
}

/* ---- 3. enrollment -------------------------------------------------------------------- */
int sync_link_load(db *d, struct sync_link *l)
{
	memset(l, 0, sizeof *l);
	if (db_setting_get(d, "sync.url", l->url, sizeof l->url) ||
	    db_setting_get(d, "sync.pin", l->pin, sizeof l->pin) ||
	    db_setting_get(d, "sync.token", l->token, sizeof l->token))
		return SYNC_ERR_NOT_ENROLLED;
	return VK_OK;
}

static void note_contact(db *d, struct sync_client *c)
{
	char v[32];
	snprintf(v, sizeof v, "%" PRId64, now_ms());
	db_setting_set(d, "sync.last_contact_ms", v);
	/* the door's clock follows the hub's (a Pi without a battery clock starts wrong) */
	snprintf(v, sizeof v, "%" PRId64, c->offset_ms);
	db_setting_set(d, "clock.offset_ms", v);
	/* the moment the clock became trusted is kept: incidents before it are "order
	 * uncertain", after it not */
	if (db_setting_get(d, "clock.trusted", v, sizeof v) != VK_OK || strcmp(v, "hub") != 0) {
		snprintf(v, sizeof v, "%" PRId64, now_ms() + c->offset_ms);
		db_setting_set(d, "clock.trusted_since_ms", v);
	}
	db_setting_set(d, "clock.trusted", "hub");
}

int sync_enroll(db *d, const char *code_text, char *name, size_t name_cap, char *why,
		size_t why_len)
{
	struct sync_link link;
	struct sync_client *c = NULL;
	struct sync_report rep;
	json_t *req = NULL, *ans = NULL;
	long status;
	int rc;

	if (sync_code_parse(code_text, &link)) {
		snprintf(why, why_len, "this is not an enrollment code from a vkhid hub (it starts "
			 "with %s)", SYNC_CODE_PREFIX);
		return VK_ERR_INVALID;
	}
	if ((rc = sync_replica_init(d)))
		return rc;
	req = json_pack("{s:s, s:s}", "code", link.token, "kiosk", db_kiosk_id(d));
	link.token[0] = 0; /* the one-time code is not a bearer token */
	if (!req || (rc = sync_client_new(&link, &c)))
		goto out;
	rc = sync_client_call(c, "POST", "/v1/enroll", req, CALL_TIMEOUT_MS, &status, &ans, why,
			      why_len);
	if (rc)
		goto out;
	const char *tok = json_string_value(json_object_get(ans, "token"));
	const char *nm = json_string_value(json_object_get(ans, "name"));
	if (!tok || strlen(tok) >= sizeof link.token) {
		snprintf(why, why_len, "the hub's answer has no token");
		rc = SYNC_ERR_REFUSED;
		goto out;
	}
	snprintf(link.token, sizeof link.token, "%s", tok);
	snprintf(name, name_cap, "%s", nm ? nm : "");
	if ((rc = db_begin(d)))
		goto out;
	if ((rc = db_setting_set(d, "sync.url", link.url)) ||
	    (rc = db_setting_set(d, "sync.pin", link.pin)) ||
	    (rc = db_setting_set(d, "sync.token", link.token)) ||
	    (rc = db_setting_set(d, "sync.name", name)) ||
	    (rc = sync_replica_set_cursor(d, 0))) {
		db_rollback(d);
		goto out;
	}
	note_contact(d, c);
	if ((rc = db_commit(d)))
		goto out;
	sync_client_free(c);
	c = NULL;
	rc = sync_round(d, NULL, &rep, why, why_len);
out:
	json_decref(req);
	json_decref(ans);
	sync_client_free(c);
	return rc;
}

/* ---- 4. a round of push and pull -------------------------------------------------------- */
/* This kiosk's walk-ins not yet acknowledged by the hub (numbers in its own block above
 * "sync.walkins_sent"), at most limit, as a JSON array; *last the highest number in it.
 * NULL when there are none (or the kiosk has no block yet). */
static json_t *walkins_pending(db *d, size_t limit, int64_t *last)
{
	struct db_registration *r;
	struct db_event ev;
	char key[64];
	int64_t base, n;
	json_t *a;
	snprintf(key, sizeof key, "walkin.base.%s", db_kiosk_id(d));
	base = db_setting_int(d, key, 0);
	if (base < DB_WALKIN_BLOCK || db_event_current(d, &ev) != VK_OK)
		return NULL;
	n = db_setting_int(d, "sync.walkins_sent", base - 1) + 1;
	if (n < base)
		n = base;
	if (!(r = malloc(sizeof *r)) || !(a = json_array())) {
		free(r);
		return NULL;
	}
	for (; json_array_size(a) < limit && n < base + DB_WALKIN_BLOCK &&
	       db_reg_get(d, ev.id, n, r) == VK_OK; n++) {
		json_array_append_new(a, sync_reg_to_json(r));
		*last = n;
	}
	free(r);
	if (json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static int push_all(db *d, struct sync_client *c, struct sync_report *rep, char *why,
		    size_t why_len)
{
	/* the kiosk's bundle key goes up until the hub has it: then the hub publishes it to
	 * every replica, which then accept this kiosk's USB-stick bundles (bundle.h) */
	struct sync_bundle_key key;
	char sent[80] = "", kwhy[200];
	int has_key = sync_bundle_key_load(db_path(d), &key, kwhy, sizeof kwhy) == VK_OK;
	int key_due = has_key && (db_setting_get(d, "sync.bundle_key_sent", sent, sizeof sent) ||
				  strcmp(sent, key.pubhex) != 0);
	for (;;) {
		struct sync_event *ev = NULL;
		struct sync_note *nt = NULL;
		size_t n = 0, nn = 0;
		json_t *req = NULL, *ans = NULL, *a, *b;
		long status;
		int64_t wlast = 0;
		json_t *wk = walkins_pending(d, PUSH_BATCH, &wlast);
		int rc = sync_replica_pending(d, PUSH_BATCH, &ev, &n, &nt, &nn);
		/* with nothing to send, the kiosk's health still goes once a round */
		if (rc || (n == 0 && nn == 0 && !wk && !c->has_health && !key_due)) {
			free(ev);
			free(nt);
			json_decref(wk);
			return rc;
		}
		a = json_array();
		b = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, sync_event_to_json(&ev[i]));
		for (size_t i = 0; i < nn; i++)
			json_array_append_new(b, sync_note_to_json(&nt[i]));
		req = json_pack("{s:s, s:o, s:o}", "format", SYNC_FORMAT, "events", a, "notes", b);
		if (req && has_key)
			json_object_set_new(req, "bundle_key", json_string(key.pubhex));
		if (req && wk)
			json_object_set(req, "walkins", wk);
		if (req && c->has_health) {
			/* what still waits once this batch is in */
			c->health.pending = sync_replica_pending_count(d) - (int64_t)(n + nn);
			if (c->health.pending < 0)
				c->health.pending = 0;
			json_object_set_new(req, "health", sync_health_to_json(&c->health));
		}
		rc = req ? sync_client_call(c, "POST", "/v1/push", req, CALL_TIMEOUT_MS, &status,
					    &ans, why, why_len) : VK_ERR_NOMEM;
		/* only what the hub acknowledged is marked: a lost answer means the same
		 * batch goes again next time, which the hub ignores by uuid */
		if (rc == VK_OK) {
			rc = sync_replica_mark_synced(d, ev, n, nt, nn);
			rep->pushed += (size_t)json_integer_value(json_object_get(ans, "added"));
		}
		int had_walkins = wk != NULL;
		json_decref(req);
		json_decref(ans);
		json_decref(wk);
		free(ev);
		free(nt);
		if (rc)
			return rc;
		if (key_due) {
			db_setting_set(d, "sync.bundle_key_sent", key.pubhex);
			key_due = 0;
		}
		if (had_walkins) {
			char v[32];
			snprintf(v, sizeof v, "%" PRId64, wlast);
			db_setting_set(d, "sync.walkins_sent", v);
		}
		if (n == 0 && nn == 0 && !had_walkins)
			return VK_OK; /* the health or the key alone went */
		c->has_health = 0; /* went with this batch: once a round is enough */
	}
}

int sync_apply_changes(db *d, json_t *msg, struct sync_report *rep, int *more, char *why,
		       size_t why_len)
{
	json_t *x, *cur = json_object_get(msg, "cursor");
	size_t i;
	int rc;
	if (!json_is_integer(cur) || json_integer_value(cur) < 0) {
		snprintf(why, why_len, "the hub's changes have no cursor");
		return SYNC_ERR_REFUSED;
	}
	*more = json_is_true(json_object_get(msg, "more"));
	if ((rc = db_begin(d)))
		return rc;
#define EACH(name) json_array_foreach(json_object_get(msg, name), i, x)
	EACH("event") {
		struct db_event ev;
		if ((rc = sync_dbevent_from_json(x, &ev, why, why_len)) ||
		    (rc = sync_replica_put_event(d, &ev)))
			goto out;
		rep->pulled++;
	}
	EACH("keys") {
		struct db_key k;
		if ((rc = sync_key_from_json(x, &k, why, why_len)) || (rc = sync_replica_put_key(d, &k)))
			goto out;
		rep->pulled++;
	}
	EACH("registrations") {
		struct db_registration r;
		if ((rc = sync_reg_from_json(x, &r, why, why_len)) ||
		    (rc = sync_replica_put_reg(d, &r)))
			goto out;
		rep->pulled++;
	}
	EACH("revocations") {
		struct sync_revocation r;
		if ((rc = sync_revocation_from_json(x, &r, why, why_len)) ||
		    (rc = sync_replica_put_revocation(d, &r)))
			goto out;
		rep->pulled++;
	}
	EACH("settings") {
		struct sync_setting st;
		if ((rc = sync_setting_from_json(x, &st, why, why_len)) ||
		    (rc = sync_replica_put_setting(d, &st)))
			goto out;
		rep->pulled++;
	}
	{
		/* the log's events in one call: its statements are prepared once per page */
		json_t *arr = json_object_get(msg, "events");
		size_t n = json_array_size(arr);
		struct sync_event *ev = n ? calloc(n, sizeof *ev) : NULL;
		if (n && !ev) {
			rc = VK_ERR_NOMEM;
			goto out;
		}
		json_array_foreach(arr, i, x) {
			if ((rc = sync_event_from_json(x, &ev[i], why, why_len)))
				break;
		}
		if (rc == VK_OK)
			rc = sync_replica_add_events(d, ev, n, 1, NULL, NULL);
		free(ev);
		if (rc)
			goto out;
		rep->pulled += n;
	}
	EACH("notes") {
		struct sync_note nt;
		if ((rc = sync_note_from_json(x, &nt, why, why_len)) ||
		    (rc = sync_replica_add_notes(d, &nt, 1, 1)))
			goto out;
		rep->pulled++;
	}
	EACH("confirmed") {
		const char *u = json_string_value(x);
		char uu[1][37];
		if (!sync_uuid_ok(u)) {
			snprintf(why, why_len, "a confirmation is not a UUID");
			rc = VK_ERR_INVALID;
			goto out;
		}
		memcpy(uu[0], u, 37);
		if ((rc = sync_replica_confirm(d, (const char (*)[37])uu, 1)))
			goto out;
		rep->pulled++;
	}
#undef EACH
	rc = sync_replica_set_cursor(d, json_integer_value(cur));
	rep->cursor = json_integer_value(cur);
out:
	if (rc == VK_OK)
		return db_commit(d);
	db_rollback(d);
	return rc;
}

int sync_round(db *d, struct sync_client *c, struct sync_report *rep, char *why, size_t why_len)
{
	struct sync_client *own = NULL;
	struct sync_link link;
	int rc, more = 1;

	memset(rep, 0, sizeof *rep);
	if ((rc = sync_replica_init(d)))
		return rc;
	if (!c) {
		if ((rc = sync_link_load(d, &link))) {
			snprintf(why, why_len, "this database is not enrolled with a hub");
			return rc;
		}
		if ((rc = sync_client_new(&link, &own)))
			return rc;
		c = own;
	}
	if ((rc = push_all(d, c, rep, why, why_len)))
		goto out;
	while (more) {
		char path[64];
		json_t *ans = NULL;
		long status;
		snprintf(path, sizeof path, "/v1/changes?since=%" PRId64 "&limit=%d",
			 sync_replica_cursor(d), PULL_LIMIT);
		if ((rc = sync_client_call(c, "GET", path, NULL, CALL_TIMEOUT_MS, &status, &ans, why,
					   why_len)))
			goto out;
		rc = sync_apply_changes(d, ans, rep, &more, why, why_len);
		json_decref(ans);
		if (rc)
			goto out;
	}
	note_contact(d, c);
	rep->clock_offset_ms = c->offset_ms;
out:
	rep->cursor = sync_replica_cursor(d);
	rep->pending = sync_replica_pending_count(d);
	sync_client_free(own);
	return rc;
}

/* ---- 5. redeem at the door ------------------------------------------------------------- */
int sync_redeem(struct sync_client *c, const struct sync_event *cand, long timeout_ms,
		struct sync_event *first)
{
	json_t *req = json_pack("{s:o}", "event", sync_event_to_json(cand)), *ans = NULL;
	char why[256];
	long status;
	int rc, out = SYNC_REDEEM_NO_ANSWER;
	const char *dec;

	if (!req)
		return SYNC_REDEEM_NO_ANSWER;
	rc = sync_client_call(c, "POST", "/v1/redeem", req, timeout_ms, &status, &ans, why,
			      sizeof why);
	json_decref(req);
	if (rc == VK_OK && (dec = json_string_value(json_object_get(ans, "decision")))) {
		struct sync_event f;
		if (sync_event_from_json(json_object_get(ans, "first"), &f, why, sizeof why) == VK_OK) {
			if (strcmp(dec, "admitted") == 0)
				out = SYNC_REDEEM_ADMITTED;
			else if (strcmp(dec, "already_admitted") == 0)
				out = SYNC_REDEEM_ALREADY;
			if (first)
				*first = f;
		}
	}
	json_decref(ans);
	return out;
}
