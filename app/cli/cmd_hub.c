/* SPDX-License-Identifier: MIT */
/* `vkhid hub`: run the venue's hub, make enrollment codes for kiosks, list and revoke
 * kiosks, set the organizers' dashboard password. The hub's database is a normal vkhid database (events, imports, keys and stats
 * work on it as on a kiosk); the hub adds its own tables to it (app/hub/store_sqlite.c). */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/i18n.h"
#include "hub/hub.h"
#include "hub/store.h"
#include "hub/tls.h"
#include "hub/web.h"
#include "sync/client.h"

/* The storage: PostgreSQL when a --pg URL is given, else the hub's own database. */
static const char *pg_url;

static int open_store(struct cli *c, const char *backend, struct hub_store **s)
{
	const struct hub_store_ops *ops = NULL;
	char why[600];
	int rc;
	if (backend && !(ops = hub_store_find(backend))) {
		fprintf(c->err, _("vkhid hub: no storage backend \"%s\" (this vkhid has: sqlite, "
				  "postgres)\n"), backend);
		return 2;
	}
	/* without --backend: --pg, else the storage the hub last served with */
	if (backend)
		rc = ops->open(c->db_path, pg_url, s, why, sizeof why);
	else
		rc = hub_store_open_auto(c->db_path, pg_url, s, why, sizeof why);
	if (rc) {
		fprintf(c->err, _("vkhid hub: cannot open the hub's database %s: %s\n"), c->db_path,
			why);
		return 2;
	}
	return 0;
}

static int serve(struct cli *c, const char *listen, const char *backend)
{
	struct hub_store *store = NULL;
	struct hub_tls tls;
	struct hub *h = NULL;
	struct hub_config cfg;
	char why[600], url[300];
	sigset_t set;
	int port, sig, rc;
	struct db_event ev;

	if (!cli_db(c, 1))
		return 2;
	/* the dashboard's clock times are the event's, wherever the hub runs */
	if (db_event_current(c->d, &ev) == VK_OK)
		cli_set_timezone(ev.timezone);
	if (hub_tls_load(c->db_path, &tls, why, sizeof why)) {
		fprintf(c->err, _("vkhid hub: %s\n"), why);
		return 2;
	}
	/* a hub served without --pg is a sqlite hub again; with --pg, its other commands
	 * (enroll-token, sync export/import...) follow it to PostgreSQL */
	if ((rc = open_store(c, backend ? backend : pg_url ? "postgres" : "sqlite", &store))) {
		hub_tls_free(&tls);
		return rc;
	}
	if (store->ops->secret_set(store, HUB_PG_URL_KEY,
				   strcmp(store->ops->name, "postgres") == 0 ? pg_url : "")) {
		fprintf(c->err, "%s", _("vkhid hub: cannot write the hub's database\n"));
		store->ops->close(store);
		hub_tls_free(&tls);
		return 2;
	}
	/* signals are taken by sigwait below, not by the server's threads */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&cfg, 0, sizeof cfg);
	cfg.listen = listen;
	cfg.store = store;
	cfg.key_pem = tls.key_pem;
	cfg.cert_pem = tls.cert_pem;
	cfg.log = c->err;
	if ((rc = hub_start(&cfg, &h, &port, why, sizeof why))) {
		fprintf(c->err, _("vkhid hub: %s\n"), why);
		store->ops->close(store);
		hub_tls_free(&tls);
		return 2;
	}
	{
		char host[64];
		size_t n = (size_t)(strrchr(listen, ':') - listen);
		snprintf(host, sizeof host, "%.*s", (int)n, listen);
		snprintf(url, sizeof url, "https://%s:%d", host, port);
		/* what enroll-token puts in codes; a wildcard address is no address to give */
		if (strcmp(host, "0.0.0.0") != 0)
			db_setting_set(c->d, "hub.url", url);
		db_setting_set(c->d, "hub.pin", tls.pin);
	}
	fprintf(c->out, _("hub: listening on %s (storage: %s)\n"), url, store->ops->name);
	fprintf(c->out, _("hub: key %s\n"), tls.pin);
	fprintf(c->out, _("hub: organizers' dashboard %s/dash/ (set its password with `vkhid --db "
			  "HUB.db hub password`)\n"), url);
	fprintf(c->out, "%s", _("hub: add a kiosk with `vkhid --db HUB.db hub enroll-token --name NAME`; "
				"stop with Ctrl+C\n"));
	fflush(c->out);
	sigwait(&set, &sig);
	fprintf(c->out, "%s", _("hub: stopping\n"));
	hub_stop(h);
	store->ops->close(store);
	hub_tls_free(&tls);
	return 0;
}

static int enroll_token(struct cli *c, const char *name, const char *url, const char *hours_s)
{
	struct hub_store *store = NULL;
	struct hub_tls tls;
	char why[600], code[80], text[600], stored_url[300], auto_name[64];
	long hours = 24;
	int rc;

	if (hours_s) {
		char *end;
		hours = strtol(hours_s, &end, 10);
		if (*end || hours < 1 || hours > 24 * 30) {
			fprintf(c->err, "%s", _("vkhid hub: --hours takes 1 to 720\n"));
			return 2;
		}
	}
	if (!cli_db(c, 1))
		return 2;
	if (!url) {
		if (db_setting_get(c->d, "hub.url", stored_url, sizeof stored_url)) {
			fprintf(c->err, "%s", _("vkhid hub: the hub's address is not known yet: start "
						"the hub once (vkhid hub --listen ADDRESS:PORT) or "
						"pass --url https://ADDRESS:PORT\n"));
			return 2;
		}
		url = stored_url;
	}
	if (strncmp(url, "https://", 8) != 0 || strchr(url, ';') || strlen(url) > 200) {
		fprintf(c->err, "%s", _("vkhid hub: --url takes https://ADDRESS:PORT\n"));
		return 2;
	}
	if (hub_tls_load(c->db_path, &tls, why, sizeof why)) {
		fprintf(c->err, _("vkhid hub: %s\n"), why);
		return 2;
	}
	if ((rc = open_store(c, NULL, &store))) {
		hub_tls_free(&tls);
		return rc;
	}
	if (!name) {
		snprintf(auto_name, sizeof auto_name, "kiosk-%ld", (long)(time(NULL) % 100000));
		name = auto_name;
	}
	int64_t now = hub_now_ms();
	rc = store->ops->enroll_code(store, name, now, now + hours * 3600000LL, code, sizeof code);
	if (rc == HUB_ERR_CLASH) {
		fprintf(c->err, _("vkhid hub: a kiosk called \"%s\" is enrolled already. Choose "
				  "another --name, or revoke it first: vkhid hub revoke-kiosk \"%s\"\n"),
			name, name);
		rc = 2;
	} else if (rc || sync_code_format(url, code, tls.pin, text, sizeof text)) {
		fprintf(c->err, "%s", _("vkhid hub: could not make an enrollment code\n"));
		rc = 2;
	} else {
		fprintf(c->out, "%s\n", text);
		fprintf(c->err, _("The code enrolls one kiosk as \"%s\" within %ld hours: on the kiosk, "
				  "vkhid sync enroll 'CODE'\n"), name, hours);
		rc = 0;
	}
	store->ops->close(store);
	hub_tls_free(&tls);
	return rc;
}

struct list_ctx {
	struct cli *c;
	int json, n;
};

static void fmt_time(int64_t ms, char out[32])
{
	if (ms <= 0)
		snprintf(out, 32, "-");
	else
		clock_format_local(ms, out);
}

static int print_kiosk(void *vctx, const struct hub_kiosk *k)
{
	struct list_ctx *x = vctx;
	char a[32], b[32];
	if (x->json) {
		fprintf(x->c->out, "%s{\"id\":", x->n ? "," : "");
		cli_json_str(x->c->out, k->id);
		fprintf(x->c->out, ",\"name\":");
		cli_json_str(x->c->out, k->name);
		fprintf(x->c->out, ",\"enrolled_ms\":%" PRId64 ",\"last_seen_ms\":%" PRId64
			",\"revoked\":%s}", k->enrolled_ms, k->last_seen_ms,
			k->revoked_ms ? "true" : "false");
	} else {
		fmt_time(k->last_seen_ms, a);
		fmt_time(k->revoked_ms, b);
		fprintf(x->c->out, "%-10s %-20s %-20s %s\n", k->id, k->name, a,
			k->revoked_ms ? _("revoked") : _("active"));
	}
	x->n++;
	return 0;
}

static int kiosks(struct cli *c, int json)
{
	struct hub_store *store;
	struct list_ctx x = { c, json, 0 };
	int rc;
	if (!cli_db(c, 0) || (rc = open_store(c, NULL, &store)))
		return 2;
	if (json)
		fprintf(c->out, "[");
	else
		fprintf(c->out, "%-10s %-20s %-20s %s\n", _("ID"), _("NAME"), _("LAST CONTACT"),
			_("STATE"));
	rc = store->ops->kiosks(store, print_kiosk, &x);
	if (json)
		fprintf(c->out, "]\n");
	store->ops->close(store);
	return rc ? 2 : 0;
}

static int revoke_kiosk(struct cli *c, const char *name)
{
	struct hub_store *store;
	int rc;
	if (!cli_db(c, 0) || (rc = open_store(c, NULL, &store)))
		return 2;
	rc = store->ops->revoke(store, name, hub_now_ms());
	store->ops->close(store);
	if (rc == VK_ERR_NOT_FOUND) {
		fprintf(c->err, _("vkhid hub: no active kiosk is called \"%s\" (see vkhid hub kiosks)\n"),
			name);
		return 2;
	}
	if (rc) {
		fprintf(c->err, "%s", _("vkhid hub: could not revoke the kiosk\n"));
		return 2;
	}
	fprintf(c->out, _("Kiosk \"%s\" revoked: the hub refuses its token from now on.\n"), name);
	return 0;
}

/* Reads one line of at most cap-1 bytes from f without its line end; with a terminal, the
 * typing is not shown. Returns 0 at end of input. */
static int read_secret(FILE *f, const char *prompt, FILE *out, char *buf, size_t cap)
{
	struct termios old, quiet;
	int tty = isatty(fileno(f)) && tcgetattr(fileno(f), &old) == 0;
	int got;
	if (tty) {
		fputs(prompt, out);
		fflush(out);
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(fileno(f), TCSAFLUSH, &quiet);
	}
	got = fgets(buf, (int)cap, f) != NULL;
	if (tty) {
		tcsetattr(fileno(f), TCSAFLUSH, &old);
		fputs("\n", out);
	}
	if (got)
		buf[strcspn(buf, "\r\n")] = 0;
	return got;
}

/* `vkhid hub password`: the organizers' dashboard password, from the terminal (typed twice)
 * or one line of standard input, stored only as its argon2id hash. */
static int set_password(struct cli *c)
{
	struct hub_store *store;
	char pw[1100], again[1100], hash[crypto_pwhash_STRBYTES];
	int rc, tty = isatty(fileno(stdin));
	if (!cli_db(c, 0) || (rc = open_store(c, NULL, &store)))
		return 2;
	if (!read_secret(stdin, _("New organizer password: "), c->out, pw, sizeof pw) ||
	    (tty && (!read_secret(stdin, _("The same again: "), c->out, again, sizeof again) ||
		     strcmp(pw, again) != 0))) {
		fprintf(c->err, "%s", _("vkhid hub: no password set: type the same password twice "
					"(or give it as one line on standard input)\n"));
		store->ops->close(store);
		return 2;
	}
	rc = web_password_hash(pw, hash, sizeof hash);
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(again, sizeof again);
	if (rc == VK_ERR_INVALID) {
		fprintf(c->err, "%s", _("vkhid hub: the password must have 8 to 1024 characters\n"));
		store->ops->close(store);
		return 2;
	}
	if (rc == VK_OK)
		rc = store->ops->secret_set(store, WEB_PASSWORD_KEY, hash);
	store->ops->close(store);
	if (rc) {
		fprintf(c->err, "%s", _("vkhid hub: could not store the password\n"));
		return 2;
	}
	fprintf(c->out, "%s", _("Organizer password set. Open the dashboard at the hub's address "
				"followed by /dash/ and log in with it.\n"));
	return 0;
}

int cmd_hub(struct cli *c, int argc, char **argv)
{
	const char *pos[2], *listen = NULL, *name = NULL, *url = NULL, *hours = NULL,
		   *backend = NULL;
	int np = 0, json = 0;
	struct opt_spec spec[] = {
		{ "--listen", OPT_VALUE, &listen }, { "--name", OPT_VALUE, &name },
		{ "--url", OPT_VALUE, &url }, { "--hours", OPT_VALUE, &hours },
		{ "--backend", OPT_VALUE, &backend }, { "--json", OPT_FLAG, &json },
		{ "--pg", OPT_VALUE, &pg_url }, { NULL, 0, NULL } };
	if (opt_parse(argc, argv, spec, pos, 2, &np, c->err))
		return 2;
	if (np == 0) {
		if (!listen) {
			fprintf(c->err, "%s", _("vkhid hub: say where to listen, for example: "
						"vkhid --db hub.db hub --listen 127.0.0.1:8443\n"));
			return 2;
		}
		return serve(c, listen, backend);
	}
	if (strcmp(pos[0], "enroll-token") == 0 && np == 1)
		return enroll_token(c, name, url, hours);
	if (strcmp(pos[0], "kiosks") == 0 && np == 1)
		return kiosks(c, json);
	if (strcmp(pos[0], "revoke-kiosk") == 0 && np == 2)
		return revoke_kiosk(c, pos[1]);
	if (strcmp(pos[0], "password") == 0 && np == 1)
		return set_password(c);
	fprintf(c->err, "%s", _("vkhid hub: use --listen ADDRESS:PORT, enroll-token [--name NAME], "
				"kiosks, revoke-kiosk NAME, or password\n"));
	return 2;
}
