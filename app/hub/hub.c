/* SPDX-License-Identifier: MIT */
/* The hub's HTTPS API (see hub.h): libmicrohttpd, one thread per connection, a lock around
 * the store. Map: 1. requests and replies  2. the calls  3. start and stop */
#include "hub/hub.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "hub/web.h"

struct hub {
	struct MHD_Daemon *mhd;
	struct hub_store *store;
	pthread_mutex_t lock;
	FILE *log;
	struct web *web;   /* the organizers' dashboard (web.c) */
};

/* one request's body as it arrives */
struct req {
	char *body;
	size_t len, cap;
	int too_big;
	int replied;   /* the answer went out before the body (a declared huge body) */
};

long long hub_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- 1. requests and replies ------------------------------------------------------------ */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, json_t *o)
{
	char *txt;
	struct MHD_Response *r;
	enum MHD_Result ret;
	if (!json_object_get(o, "now_ms"))
		json_object_set_new(o, "now_ms", json_integer(hub_now_ms()));
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!txt)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(txt), txt, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(txt);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result error(struct hub *h, struct MHD_Connection *c, unsigned status,
			     const char *code, const char *msg)
{
	if (h->log) {
		fprintf(h->log, "hub: refused (%u %s): %s\n", status, code, msg);
		fflush(h->log);
	}
	return reply(c, status, json_pack("{s:s, s:s}", "error", code, "message", msg));
}

static int status_of(int rc)
{
	switch (rc) {
	case HUB_ERR_TOKEN: return 401;
	case HUB_ERR_FORBIDDEN: return 403;
	case HUB_ERR_CLASH: return 409;
	case VK_ERR_INVALID: return 400;
	case VK_ERR_NOT_FOUND: return 404;
	default: return 500;
	}
}

static enum MHD_Result store_error(struct hub *h, struct MHD_Connection *c, int rc)
{
	switch (rc) {
	case HUB_ERR_TOKEN:
		return error(h, c, 401, "token", "unknown, used, expired or revoked token or code: "
			     "enroll the kiosk again with a new code from the hub");
	case HUB_ERR_FORBIDDEN:
		return error(h, c, 403, "forbidden", "a kiosk may send only its own events");
	case HUB_ERR_CLASH:
		return error(h, c, 409, "clash", "another enrolled kiosk has this kiosk id or name: "
			     "revoke it first (vkhid hub revoke-kiosk NAME)");
	case VK_ERR_INVALID:
		return error(h, c, 400, "invalid", "the request does not make sense");
	default:
		return error(h, c, (unsigned)status_of(rc), "store",
			     "the hub could not read or write its database; see the hub's log");
	}
}

/* ---- 2. the calls ---------------------------------------------------------------------- */
static enum MHD_Result do_enroll(struct hub *h, struct MHD_Connection *c, json_t *body)
{
	const char *code = json_string_value(json_object_get(body, "code"));
	const char *kiosk = json_string_value(json_object_get(body, "kiosk"));
	char token[65], name[64];
	int rc;
	if (!code || !kiosk || strlen(code) > 128 || !sync_kiosk_ok(kiosk))
		return error(h, c, 400, "invalid", "enroll needs {\"code\": CODE, \"kiosk\": KIOSK-ID}");
	pthread_mutex_lock(&h->lock);
	rc = h->store->ops->enroll(h->store, code, kiosk, hub_now_ms(), token, sizeof token, name,
				   sizeof name);
	pthread_mutex_unlock(&h->lock);
	if (rc)
		return store_error(h, c, rc);
	if (h->log) {
		fprintf(h->log, "hub: kiosk %s enrolled as \"%s\"\n", kiosk, name);
		fflush(h->log);
	}
	return reply(c, 200, json_pack("{s:s, s:s}", "token", token, "name", name));
}

static enum MHD_Result do_changes(struct hub *h, struct MHD_Connection *c)
{
	const char *since_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	const char *limit_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	char *end;
	long long since = 0, limit = 1000;
	json_t *msg;
	int rc;
	if (since_s) {
		since = strtoll(since_s, &end, 10);
		if (*end || since < 0)
			return error(h, c, 400, "invalid", "since must be a cursor (0 or more)");
	}
	if (limit_s) {
		limit = strtoll(limit_s, &end, 10);
		if (*end || limit < 1 || limit > 5000)
			return error(h, c, 400, "invalid", "limit must be 1 to 5000");
	}
	pthread_mutex_lock(&h->lock);
	rc = h->store->ops->changes(h->store, since, (int)limit, &msg);
	pthread_mutex_unlock(&h->lock);
	if (rc)
		return store_error(h, c, rc);
	return reply(c, 200, msg);
}

static enum MHD_Result do_push(struct hub *h, struct MHD_Connection *c,
			       const struct hub_kiosk *k, json_t *body)
{
	json_t *evs = json_object_get(body, "events"), *nts = json_object_get(body, "notes");
	struct sync_event *ev = NULL;
	struct sync_note *nt = NULL;
	size_t n = 0, nn = 0, added = 0, clashes = 0, i;
	char why[200], msg[300];
	enum MHD_Result ret;
	int rc;

	if ((evs && !json_is_array(evs)) || (nts && !json_is_array(nts)))
		return error(h, c, 400, "invalid", "\"events\" and \"notes\" must be arrays");
	n = json_array_size(evs);
	nn = json_array_size(nts);
	if (n > HUB_MAX_BATCH || nn > HUB_MAX_BATCH)
		return error(h, c, 413, "too_big", "at most 5000 events and notes per push");
	if ((n && !(ev = calloc(n, sizeof *ev))) || (nn && !(nt = calloc(nn, sizeof *nt)))) {
		free(ev);
		return error(h, c, 500, "memory", "out of memory");
	}
	for (i = 0; i < n; i++) {
		if (sync_event_from_json(json_array_get(evs, i), &ev[i], why, sizeof why)) {
			snprintf(msg, sizeof msg, "event %zu: %s", i, why);
			ret = error(h, c, 400, "invalid", msg);
			goto out;
		}
	}
	for (i = 0; i < nn; i++) {
		if (sync_note_from_json(json_array_get(nts, i), &nt[i], why, sizeof why)) {
			snprintf(msg, sizeof msg, "note %zu: %s", i, why);
			ret = error(h, c, 400, "invalid", msg);
			goto out;
		}
	}
	/* the kiosk's health rides along (optional); a bad one refuses the push, whole */
	struct hub_kiosk_health hh;
	json_t *hj = json_object_get(body, "health");
	const char *bk = json_string_value(json_object_get(body, "bundle_key"));
	if (bk && (strlen(bk) != 64 || strspn(bk, "0123456789abcdef") != 64)) {
		ret = error(h, c, 400, "invalid", "\"bundle_key\" must be 64 hex digits");
		goto out;
	}
	memset(&hh, 0, sizeof hh);
	if (hj) {
		struct sync_health sh;
		if (sync_health_from_json(hj, &sh, why, sizeof why)) {
			ret = error(h, c, 400, "invalid", why);
			goto out;
		}
		snprintf(hh.kiosk, sizeof hh.kiosk, "%s", k->id);
		hh.at_ms = hub_now_ms();
		memcpy(hh.printer, sh.printer, sizeof hh.printer);
		memcpy(hh.camera, sh.camera, sizeof hh.camera);
		hh.queue = sh.queue;
		hh.clock_trusted = sh.clock_trusted;
		hh.pending = sh.pending;
	}
	/* walk-ins registered at the kiosk (in its own block of numbers) come before their
	 * check-ins */
	json_t *wk = json_object_get(body, "walkins");
	size_t nw = json_array_size(wk);
	struct db_registration *wr = NULL;
	if ((wk && !json_is_array(wk)) || nw > HUB_MAX_BATCH) {
		ret = error(h, c, 400, "invalid", "\"walkins\" must be an array of at most 5000");
		goto out;
	}
	if (nw && !(wr = calloc(nw, sizeof *wr))) {
		ret = error(h, c, 500, "memory", "out of memory");
		goto out;
	}
	for (i = 0; i < nw; i++) {
		if (sync_reg_from_json(json_array_get(wk, i), &wr[i], why, sizeof why)) {
			snprintf(msg, sizeof msg, "walk-in %zu: %s", i, why);
			free(wr);
			ret = error(h, c, 400, "invalid", msg);
			goto out;
		}
	}
	pthread_mutex_lock(&h->lock);
	rc = nw ? h->store->ops->walkins_put(h->store, k->id, wr, nw) : VK_OK;
	if (rc == VK_OK)
		rc = h->store->ops->push(h->store, k->id, ev, n, nt, nn, &added, &clashes);
	if (rc == VK_OK && hj)
		rc = h->store->ops->kiosk_health_put(h->store, &hh);
	/* the kiosk's key for USB-stick bundles: published to every replica (sync/bundle.h) */
	if (rc == VK_OK && bk)
		rc = h->store->ops->kiosk_key_put(h->store, k->id, bk);
	pthread_mutex_unlock(&h->lock);
	free(wr);
	if (rc)
		ret = store_error(h, c, rc);
	else
		ret = reply(c, 200, json_pack("{s:I, s:I, s:I}", "added", (json_int_t)added,
					      "known", (json_int_t)(n - added - clashes),
					      "clashes", (json_int_t)clashes));
out:
	free(ev);
	free(nt);
	return ret;
}

static enum MHD_Result do_redeem(struct hub *h, struct MHD_Connection *c,
				 const struct hub_kiosk *k, json_t *body)
{
	struct sync_event cand;
	struct hub_redeem res;
	char why[200];
	int rc;
	if (sync_event_from_json(json_object_get(body, "event"), &cand, why, sizeof why))
		return error(h, c, 400, "invalid", why);
	if (strcmp(cand.ci.kiosk, k->id) != 0)
		return store_error(h, c, HUB_ERR_FORBIDDEN);
	if (cand.ci.kind != DB_CI_ENTRY && cand.ci.kind != DB_CI_WALKIN)
		return error(h, c, 400, "invalid", "only an entry or a walk-in is redeemed");
	if (!h->store->ops->concurrent)
		pthread_mutex_lock(&h->lock);
	rc = h->store->ops->redeem(h->store, &cand, &res);
	if (!h->store->ops->concurrent)
		pthread_mutex_unlock(&h->lock);
	if (rc)
		return store_error(h, c, rc);
	return reply(c, 200, json_pack("{s:s, s:o}", "decision",
				       res.decision == HUB_ADMITTED ? "admitted" : "already_admitted",
				       "first", sync_event_to_json(&res.first)));
}

static enum MHD_Result dispatch(struct hub *h, struct MHD_Connection *c, const char *url,
				const char *method, struct req *rq)
{
	int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	json_t *body = NULL;
	struct hub_kiosk k;
	char why[256];
	enum MHD_Result ret;
	int rc;

	if (strcmp(url, "/v1/health") == 0 && get) {
		int64_t events = 0, kiosks = 0;
		pthread_mutex_lock(&h->lock);
		rc = h->store->ops->health(h->store, &events, &kiosks);
		pthread_mutex_unlock(&h->lock);
		if (rc)
			return store_error(h, c, rc);
		return reply(c, 200, json_pack("{s:b, s:s, s:I, s:I}", "ok", 1, "backend",
					       h->store->ops->name, "events", (json_int_t)events,
					       "kiosks", (json_int_t)kiosks));
	}
	if (strcmp(url, "/v1/time") == 0 && get)
		return reply(c, 200, json_object());
	if (rq->too_big)
		return error(h, c, 413, "too_big", "the request body is larger than 8 MiB");
	if (web_owns(url))
		return web_handle(h->web, c, url, method, rq->body, rq->len);
	if (post && sync_parse(rq->body, rq->len, &body, why, sizeof why))
		return error(h, c, 400, "bad_json", why);
	if (strcmp(url, "/v1/enroll") == 0 && post) {
		ret = do_enroll(h, c, body);
		json_decref(body);
		return ret;
	}
	/* everything else needs a kiosk's token */
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) > 128) {
		json_decref(body);
		return error(h, c, 401, "token", "this call needs \"Authorization: Bearer TOKEN\" "
			     "with the kiosk's token from enrollment");
	}
	if (!h->store->ops->concurrent)
		pthread_mutex_lock(&h->lock);
	rc = h->store->ops->auth(h->store, auth + 7, hub_now_ms(), &k);
	if (!h->store->ops->concurrent)
		pthread_mutex_unlock(&h->lock);
	if (rc) {
		json_decref(body);
		return store_error(h, c, rc);
	}
	if (strcmp(url, "/v1/changes") == 0 && get)
		ret = do_changes(h, c);
	else if (strcmp(url, "/v1/push") == 0 && post)
		ret = do_push(h, c, &k, body);
	else if (strcmp(url, "/v1/redeem") == 0 && post)
		ret = do_redeem(h, c, &k, body);
	else
		ret = error(h, c, 404, "not_found", "no such call: see /v1/health, /v1/changes, "
			    "/v1/push, /v1/redeem, /v1/enroll, /v1/time");
	/* the dashboard's open pages see a push or an admission at once (and a kiosk's
	 * contact: online again) */
	if (strcmp(url, "/v1/push") == 0 || strcmp(url, "/v1/redeem") == 0)
		web_changed(h->web);
	json_decref(body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct hub *h = cls;
	struct req *rq = *con_cls;
	if (!rq) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		*con_cls = rq;
		/* refuse a declared huge body before reading any of it */
		if (cl && strtoull(cl, NULL, 10) > SYNC_MAX_BODY) {
			rq->too_big = rq->replied = 1;
			return error(h, c, 413, "too_big", "the request body is larger than 8 MiB");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (rq->replied || rq->too_big || rq->len + n > SYNC_MAX_BODY) {
			rq->too_big = 1;
			return MHD_YES;
		}
		if (rq->len + n + 1 > rq->cap) {
			size_t nc = rq->cap ? rq->cap : 4096;
			while (nc < rq->len + n + 1)
				nc *= 2;
			char *p = realloc(rq->body, nc);
			if (!p)
				return MHD_NO;
			rq->body = p;
			rq->cap = nc;
		}
		memcpy(rq->body + rq->len, upload_data, n);
		rq->len += n;
		rq->body[rq->len] = 0;
		return MHD_YES;
	}
	if (rq->replied)
		return MHD_YES;
	return dispatch(h, c, url, method, rq);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* ---- 3. start and stop ---------------------------------------------------------------- */
int hub_start(const struct hub_config *cfg, struct hub **out, int *port, char *why,
	      size_t why_len)
{
	struct sockaddr_in sa;
	char host[64];
	const char *colon = strrchr(cfg->listen, ':');
	char *end;
	long p;
	struct hub *h;

	*out = NULL;
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		snprintf(why, why_len, "this libmicrohttpd was built without TLS");
		return VK_ERR_UNSUPPORTED;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	if (!colon || (size_t)(colon - cfg->listen) >= sizeof host)
		goto bad;
	memcpy(host, cfg->listen, (size_t)(colon - cfg->listen));
	host[colon - cfg->listen] = 0;
	p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535 || !colon[1] || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		goto bad;
	sa.sin_port = htons((uint16_t)p);
	if (!(h = calloc(1, sizeof *h)))
		return VK_ERR_NOMEM;
	h->store = cfg->store;
	h->log = cfg->log;
	pthread_mutex_init(&h->lock, NULL);
	if (!(h->web = web_new(h->store, &h->lock, h->log))) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return VK_ERR_NOMEM;
	}
	h->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				  MHD_USE_TLS,
				  0, NULL, NULL, on_request, h,
				  MHD_OPTION_HTTPS_MEM_KEY, cfg->key_pem,
				  MHD_OPTION_HTTPS_MEM_CERT, cfg->cert_pem,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
				  MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				  MHD_OPTION_CONNECTION_LIMIT, 256u,
				  MHD_OPTION_END);
	if (!h->mhd) {
		snprintf(why, why_len, "cannot listen on %s (in use, or not an address of this "
			 "machine?)", cfg->listen);
		web_free(h->web);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return VK_ERR_IO;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : (int)p;
	*out = h;
	return VK_OK;
bad:
	snprintf(why, why_len, "--listen takes ADDRESS:PORT, for example 127.0.0.1:8443 or "
		 "0.0.0.0:8443 (got \"%s\")", cfg->listen);
	return VK_ERR_INVALID;
}

void hub_stop(struct hub *h)
{
	if (!h)
		return;
	web_shutdown(h->web); /* open event streams end, so their threads can be joined */
	MHD_stop_daemon(h->mhd);
	web_free(h->web);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
