/* SPDX-License-Identifier: MIT */
/* `vkhid sync` (a kiosk and its hub: enroll, one round of push and pull, status) and
 * `vkhid incidents` (tickets admitted at two doors while they could not talk, derived from
 * the merged log the same way on every replica; resolving adds a note, never erases). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/checkin.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/i18n.h"
#include "hub/hub.h"
#include "hub/store.h"
#include "sync/bundle.h"
#include "sync/client.h"
#include "sync/decide.h"
#include "sync/merge.h"
#include "sync/replica.h"

/* ---- vkhid sync ------------------------------------------------------------------------ */
static int exit_of(int rc)
{
	return rc == SYNC_ERR_UNREACHABLE ? 1 : 2;
}

static int sync_enroll_cmd(struct cli *c, const char *code)
{
	char why[600], name[64] = "";
	struct db_event ev;
	int rc;
	if (!cli_db(c, 1))
		return 2;
	rc = sync_enroll(c->d, code, name, sizeof name, why, sizeof why);
	if (rc == VK_ERR_INVALID) {
		fprintf(c->err, _("vkhid sync: %s. Copy the whole line that `vkhid hub enroll-token` "
				  "printed.\n"), why);
		return 2;
	}
	if (rc == SYNC_ERR_TOKEN) {
		fprintf(c->err, _("vkhid sync: %s\nThe code was used already or has expired: make a "
				  "new one on the hub (vkhid hub enroll-token).\n"), why);
		return 2;
	}
	if (rc) {
		fprintf(c->err, _("vkhid sync: enrollment failed: %s\n"), why);
		return exit_of(rc);
	}
	fprintf(c->out, _("Enrolled with the hub as \"%s\".\n"), name);
	if (db_event_current(c->d, &ev) == VK_OK)
		fprintf(c->out, _("Event: %s (%lld registrations)\n"), ev.name,
			(long long)db_reg_count(c->d, ev.id, 1));
	return 0;
}

static int sync_once(struct cli *c)
{
	struct sync_report rep;
	char why[600];
	int rc;
	if (!cli_db(c, 0))
		return 2;
	rc = sync_round(c->d, NULL, &rep, why, sizeof why);
	if (rc == SYNC_ERR_NOT_ENROLLED) {
		fprintf(c->err, "%s", _("vkhid sync: this database is not enrolled with a hub. On the "
					"hub: vkhid hub enroll-token; here: vkhid sync enroll CODE\n"));
		return 2;
	}
	if (rc == SYNC_ERR_TOKEN) {
		fprintf(c->err, _("vkhid sync: %s\nThis kiosk was revoked at the hub: ask the "
				  "organizer for a new code and run vkhid sync enroll CODE.\n"), why);
		return 2;
	}
	if (rc) {
		fprintf(c->err, _("vkhid sync: %s\n"), why);
		fprintf(c->err, _("%lld events wait to go up; they are safe here and go with "
				  "the next sync.\n"), (long long)rep.pending);
		return exit_of(rc);
	}
	fprintf(c->out, _("In step with the hub: %zu sent, %zu received, roster version %lld.\n"),
		rep.pushed, rep.pulled, (long long)rep.cursor);
	return rep.pending == 0 ? 0 : 1;
}

static int sync_status(struct cli *c, int json)
{
	struct sync_link link;
	char name[64] = "", when[32] = "-";
	int64_t last, pending, cursor, offset;
	int enrolled;
	if (!cli_db(c, 0))
		return 2;
	if (sync_replica_init(c->d))
		return 2;
	enrolled = sync_link_load(c->d, &link) == VK_OK;
	db_setting_get(c->d, "sync.name", name, sizeof name);
	last = db_setting_int(c->d, "sync.last_contact_ms", 0);
	offset = db_setting_int(c->d, "clock.offset_ms", 0);
	pending = sync_replica_pending_count(c->d);
	cursor = sync_replica_cursor(c->d);
	if (last > 0)
		clock_format_local(last, when);
	if (json) {
		fprintf(c->out, "{\"enrolled\":%s,\"hub\":", enrolled ? "true" : "false");
		cli_json_str(c->out, enrolled ? link.url : "");
		fprintf(c->out, ",\"name\":");
		cli_json_str(c->out, name);
		fprintf(c->out, ",\"last_contact_ms\":%" PRId64 ",\"pending\":%" PRId64
			",\"roster_version\":%" PRId64 ",\"clock_offset_ms\":%" PRId64 "}\n", last,
			pending, cursor, offset);
		return 0;
	}
	if (!enrolled)
		fprintf(c->out, "%s", _("Hub: none (this kiosk works on its own)\n"));
	else
		fprintf(c->out, _("Hub: %s (this kiosk: \"%s\")\n"), link.url, name);
	fprintf(c->out, _("Last contact: %s\n"), when);
	fprintf(c->out, _("Events waiting to go up: %lld\n"), (long long)pending);
	fprintf(c->out, _("Roster version: %lld\n"), (long long)cursor);
	return 0;
}

/* `vkhid sync redeem CODE`: the door's decision through the hub (sync_decide), as the
 * kiosk's hub decider makes it: the hub decides within the budget, else the local rules.
 * An admission the hub granted is pushed at once. */
static int sync_redeem_cmd(struct cli *c, const char *code, const char *budget_s, int json)
{
	struct checkin_desk desk;
	struct checkin_result res;
	struct sync_link link;
	struct sync_client *cl = NULL;
	struct sync_report rep;
	char why[600], when[32];
	long budget = 300;
	int mode, rc;

	if (budget_s) {
		char *end;
		budget = strtol(budget_s, &end, 10);
		if (*end || budget < 1 || budget > 60000) {
			fprintf(c->err, "%s", _("vkhid sync: --timeout-ms takes 1 to 60000\n"));
			return 2;
		}
	}
	if (!cli_db(c, 0))
		return 2;
	if (sync_link_load(c->d, &link)) {
		fprintf(c->err, "%s", _("vkhid sync: this database is not enrolled with a hub\n"));
		return 2;
	}
	if (checkin_desk_init(&desk, c->d)) {
		fprintf(c->err, "%s", _("vkhid sync: this database has no event yet: run vkhid sync "
					"first\n"));
		return 2;
	}
	/* the door's clock follows the hub's */
	desk.clock.offset_ms = db_setting_int(c->d, "clock.offset_ms", 0);
	if ((rc = sync_client_new(&link, &cl)))
		return 2;
	rc = sync_decide(&desk, cl, code, strlen(code), DB_CI_MANUAL, budget, &res, &mode);
	if (rc) {
		fprintf(c->err, "%s", _("vkhid sync: the check-in could not be recorded\n"));
		sync_client_free(cl);
		return 2;
	}
	if (mode == SYNC_MODE_HUB && res.outcome == CI_ADMITTED &&
	    sync_round(c->d, cl, &rep, why, sizeof why))
		fprintf(c->err, _("vkhid sync: %s (the event goes with the next sync)\n"), why);
	sync_client_free(cl);
	if (mode == SYNC_MODE_OFFLINE && res.outcome == CI_ADMITTED)
		fprintf(c->err, _("vkhid sync: no answer from the hub within %ld ms: decided here "
				  "(offline)\n"), budget);
	if (mode != SYNC_MODE_HUB || (res.outcome != CI_ADMITTED &&
					  res.outcome != CI_ALREADY_ADMITTED)) {
		cli_print_result(c, &res, json);
		return res.outcome == CI_ADMITTED ? 0 : 1;
	}
	const struct db_checkin *first = res.outcome == CI_ADMITTED ? &res.entry : &res.first;
	clock_format_local(first->wall_ms, when);
	if (json) {
		fprintf(c->out, "{\"outcome\":\"%s\",\"mode\":\"hub\",\"number\":%lld"
			",\"first_kiosk\":", checkin_outcome_word(res.outcome),
			(long long)res.number);
		cli_json_str(c->out, first->kiosk);
		fprintf(c->out, ",\"first_wall_ms\":%lld}\n", (long long)first->wall_ms);
	} else if (res.outcome == CI_ADMITTED) {
		fprintf(c->out, _("admitted (decided by the hub): #%lld\n"), (long long)res.number);
	} else {
		fprintf(c->out, _("already admitted: #%lld came in at kiosk %s, %s\n"),
			(long long)res.number, first->kiosk, when);
	}
	return res.outcome == CI_ADMITTED ? 0 : 1;
}

/* ---- vkhid sync export / import: USB sticks (sync/bundle.h) -------------------------------- */
static int bundle_export(struct cli *c, const char *dir)
{
	struct sync_bundle_key key;
	struct db_event ev;
	struct sync_event *evs = NULL;
	struct sync_note *nts = NULL;
	size_t n = 0, nn = 0, ne = 0, nne = 0;
	char writer[16], why[600], path[4200];
	json_t *body, *a, *b;
	int rc;

	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	if (sync_replica_init(c->d) != VK_OK)
		return 2;
	if (sync_bundle_key_load(c->db_path, &key, why, sizeof why) != VK_OK) {
		fprintf(c->err, "vkhid sync: %s\n", why);
		return 2;
	}
	sync_bundle_writer(c->d, writer);
	sync_bundle_trust(c->d, writer, key.pubhex);
	body = json_pack("{s:s, s:s, s:I, s:s}", "format", SYNC_BUNDLE_FORMAT, "writer", writer,
			 "event_id", (json_int_t)ev.id, "event_name", ev.name);
	if (!body)
		return 2;
	if (strcmp(writer, SYNC_BUNDLE_WRITER_HUB) == 0) {
		/* the hub: its whole change feed, as kiosks pull it */
		struct hub_store *st = NULL;
		json_t *ch = NULL;
		rc = hub_store_open_auto(c->db_path, NULL, &st, why, sizeof why);
		if (rc == VK_OK)
			rc = st->ops->changes(st, 0, 1 << 30, &ch);
		if (st)
			st->ops->close(st);
		if (rc != VK_OK) {
			fprintf(c->err, _("vkhid sync: cannot read the hub's changes: %s\n"), why);
			json_decref(body);
			return 2;
		}
		ne = json_array_size(json_object_get(ch, "events"));
		nne = json_array_size(json_object_get(ch, "registrations"));
		json_object_set_new(body, "changes", ch);
	} else {
		/* a kiosk: every event and note of its own (cumulative) */
		if (sync_replica_load(c->d, ev.id, &evs, &n, &nts, &nn) != VK_OK) {
			json_decref(body);
			return 2;
		}
		a = json_array();
		b = json_array();
		for (size_t i = 0; i < n; i++)
			if (strcmp(evs[i].ci.kiosk, writer) == 0) {
				json_array_append_new(a, sync_event_to_json(&evs[i]));
				ne++;
			}
		for (size_t i = 0; i < nn; i++)
			if (strcmp(nts[i].kiosk, writer) == 0)
				json_array_append_new(b, sync_note_to_json(&nts[i]));
		json_object_set_new(body, "events", a);
		json_object_set_new(body, "notes", b);
		free(evs);
		free(nts);
		/* and the walk-ins it registered (its own block of numbers) */
		{
			char wkey[64];
			int64_t base;
			struct db_registration *r = malloc(sizeof *r);
			json_t *w = json_array();
			snprintf(wkey, sizeof wkey, "walkin.base.%s", writer);
			base = db_setting_int(c->d, wkey, 0);
			for (int64_t num = base; r && w && base >= DB_WALKIN_BLOCK &&
			     num < base + DB_WALKIN_BLOCK && db_reg_get(c->d, ev.id, num, r) == VK_OK; num++)
				json_array_append_new(w, sync_reg_to_json(r));
			free(r);
			if (w)
				json_object_set_new(body, "walkins", w);
		}
	}
	rc = sync_bundle_write(dir, writer, &key, body, path, sizeof path, why, sizeof why);
	json_decref(body);
	if (rc != VK_OK) {
		fprintf(c->err, _("vkhid sync: the bundle was not written: %s\n"), why);
		return 2;
	}
	if (strcmp(writer, SYNC_BUNDLE_WRITER_HUB) == 0)
		fprintf(c->out, _("Bundle written and checked: %s (the hub's roster, keys, settings, "
				  "%zu events, %zu registrations)\n"), path, ne, nne);
	else
		fprintf(c->out, _("Bundle written and checked: %s (%zu events of kiosk %s)\n"), path,
			ne, writer);
	return 0;
}

/* Decodes a bundle's events and notes (every one must be the writer's when own_only). */
static int bundle_items(json_t *body, const char *writer, int own_only, struct sync_event **ev,
			size_t *n, struct sync_note **nt, size_t *nn, char *why, size_t why_len)
{
	json_t *a = json_object_get(body, "events"), *b = json_object_get(body, "notes");
	*ev = NULL;
	*nt = NULL;
	*n = json_array_size(a);
	*nn = json_array_size(b);
	if ((a && !json_is_array(a)) || (b && !json_is_array(b))) {
		snprintf(why, why_len, "its events are not a list");
		return VK_ERR_INVALID;
	}
	if ((*n && !(*ev = calloc(*n, sizeof **ev))) || (*nn && !(*nt = calloc(*nn, sizeof **nt))))
		return VK_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++) {
		char w[200];
		if (sync_event_from_json(json_array_get(a, i), &(*ev)[i], w, sizeof w)) {
			snprintf(why, why_len, "event %zu: %s", i, w);
			return VK_ERR_INVALID;
		}
		if (own_only && strcmp((*ev)[i].ci.kiosk, writer) != 0) {
			snprintf(why, why_len, "event %zu is another kiosk's", i);
			return VK_ERR_INVALID;
		}
	}
	for (size_t i = 0; i < *nn; i++) {
		char w[200];
		if (sync_note_from_json(json_array_get(b, i), &(*nt)[i], w, sizeof w)) {
			snprintf(why, why_len, "note %zu: %s", i, w);
			return VK_ERR_INVALID;
		}
		if (own_only && strcmp((*nt)[i].kiosk, writer) != 0) {
			snprintf(why, why_len, "note %zu is another kiosk's", i);
			return VK_ERR_INVALID;
		}
	}
	return VK_OK;
}

/* Decodes a kiosk bundle's walk-ins; each must be in the writer's own block of numbers as
 * this database knows it. */
static int bundle_walkins(db *d, json_t *body, const char *writer, struct db_registration **r,
			  size_t *n, char *why, size_t why_len)
{
	json_t *a = json_object_get(body, "walkins");
	char key[64];
	int64_t base;
	*r = NULL;
	*n = json_array_size(a);
	if (a && !json_is_array(a)) {
		snprintf(why, why_len, "its walk-ins are not a list");
		return VK_ERR_INVALID;
	}
	if (*n == 0)
		return VK_OK;
	snprintf(key, sizeof key, "walkin.base.%s", writer);
	base = db_setting_int(d, key, 0);
	if (!(*r = calloc(*n, sizeof **r)))
		return VK_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++) {
		char w[200];
		if (sync_reg_from_json(json_array_get(a, i), &(*r)[i], w, sizeof w)) {
			snprintf(why, why_len, "walk-in %zu: %s", i, w);
			return VK_ERR_INVALID;
		}
		if (base < DB_WALKIN_BLOCK || (*r)[i].number < base ||
		    (*r)[i].number >= base + DB_WALKIN_BLOCK) {
			snprintf(why, why_len, "walk-in %zu has a number outside the kiosk's own", i);
			return VK_ERR_INVALID;
		}
	}
	return VK_OK;
}

static int bundle_import(struct cli *c, const char *file)
{
	struct sync_bundle bu;
	struct db_event ev;
	struct sync_event *evs = NULL;
	struct sync_note *nts = NULL;
	size_t n = 0, nn = 0, nw = 0, len, added = 0, clashes = 0;
	struct db_registration *wr = NULL;
	char *buf = NULL, why[600], me[16], key[64], known[80];
	int rc, exit_rc = 2;
	json_t *eid;

	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	if (sync_replica_init(c->d) != VK_OK)
		return 2;
	if ((rc = sync_bundle_read(file, &buf, &len, why, sizeof why)) ||
	    (rc = sync_bundle_parse(buf, len, &bu, why, sizeof why))) {
		fprintf(c->err, _("vkhid sync: %s refused, nothing imported: %s\n"), file, why);
		free(buf);
		return 2;
	}
	free(buf);
	sync_bundle_writer(c->d, me);
	snprintf(key, sizeof key, "bundle.key.%s", bu.writer);
	eid = json_object_get(bu.body, "event_id");
	if (strcmp(bu.writer, me) == 0) {
		fprintf(c->out, "%s", _("This is this database's own bundle: nothing to import.\n"));
		exit_rc = 0;
		goto out;
	}
	if (db_setting_get(c->d, key, known, sizeof known) != VK_OK) {
		fprintf(c->err, _("vkhid sync: %s refused, nothing imported: it was written by \"%s\", "
				  "whom this database does not know. Import only bundles of this "
				  "event's hub and its enrolled kiosks (a kiosk becomes known after "
				  "its first sync with the hub).\n"), file, bu.writer);
		goto out;
	}
	if (strcmp(known, bu.pubhex) != 0) {
		fprintf(c->err, _("vkhid sync: %s refused, nothing imported: it is signed with a key "
				  "that is not \"%s\"'s.\n"), file, bu.writer);
		goto out;
	}
	if (json_integer_value(eid) != ev.id) {
		fprintf(c->err, _("vkhid sync: %s refused, nothing imported: it belongs to another "
				  "event (%s).\n"), file,
			json_string_value(json_object_get(bu.body, "event_name"))
				? json_string_value(json_object_get(bu.body, "event_name")) : "?");
		goto out;
	}
	if (strcmp(bu.writer, SYNC_BUNDLE_WRITER_HUB) == 0) {
		/* the hub's feed, applied as a pull would apply it */
		struct sync_report rep;
		int more = 0;
		json_t *ch = json_object_get(bu.body, "changes");
		memset(&rep, 0, sizeof rep);
		if (!json_is_object(ch)) {
			fprintf(c->err, _("vkhid sync: %s refused, nothing imported: it holds no roster\n"), file);
			goto out;
		}
		/* a kiosk that is ahead of the stick keeps its place in the hub's feed */
		int64_t cur = sync_replica_cursor(c->d);
		rc = sync_apply_changes(c->d, ch, &rep, &more, why, sizeof why);
		if (rc == VK_OK && sync_replica_cursor(c->d) < cur)
			rc = sync_replica_set_cursor(c->d, cur);
		if (rc) {
			fprintf(c->err, _("vkhid sync: %s refused, nothing imported: %s\n"), file, why);
			goto out;
		}
		fprintf(c->out, _("Imported the hub's bundle: %zu records.\n"), rep.pulled);
		exit_rc = 0;
		goto out;
	}
	if ((rc = bundle_items(bu.body, bu.writer, 1, &evs, &n, &nts, &nn, why, sizeof why)) ||
	    (rc = bundle_walkins(c->d, bu.body, bu.writer, &wr, &nw, why, sizeof why))) {
		fprintf(c->err, _("vkhid sync: %s refused, nothing imported: %s\n"), file, why);
		goto out;
	}
	if (strcmp(me, SYNC_BUNDLE_WRITER_HUB) == 0) {
		/* at the hub: the same merge as a push from that kiosk, admissions included */
		struct hub_store *st = NULL;
		rc = hub_store_open_auto(c->db_path, NULL, &st, why, sizeof why);
		if (rc == VK_OK && nw)
			rc = st->ops->walkins_put(st, bu.writer, wr, nw);
		if (rc == VK_OK)
			rc = st->ops->push(st, bu.writer, evs, n, nts, nn, &added, &clashes);
		if (st)
			st->ops->close(st);
	} else {
		/* at another kiosk: events of elsewhere, never pushed from here */
		rc = db_begin(c->d);
		for (size_t i = 0; rc == VK_OK && i < nw; i++)
			rc = sync_replica_put_reg(c->d, &wr[i]);
		if (rc == VK_OK)
			rc = sync_replica_add_events(c->d, evs, n, 1, &added, &clashes);
		if (rc == VK_OK)
			rc = sync_replica_add_notes(c->d, nts, nn, 1);
		if (rc == VK_OK)
			rc = db_commit(c->d);
		else
			db_rollback(c->d);
	}
	if (rc) {
		fprintf(c->err, _("vkhid sync: %s could not be merged, nothing imported (%s)\n"), file,
			vk_strerror(rc));
		goto out;
	}
	fprintf(c->out, _("Imported the bundle of kiosk %s: %zu new events of %zu.\n"), bu.writer,
		added, n);
	exit_rc = 0;
out:
	free(evs);
	free(nts);
	free(wr);
	json_decref(bu.body);
	return exit_rc;
}

int cmd_sync(struct cli *c, int argc, char **argv)
{
	const char *pos[2], *budget = NULL, *to = NULL;
	int np = 0, json = 0;
	struct opt_spec spec[] = { { "--json", OPT_FLAG, &json },
				   { "--timeout-ms", OPT_VALUE, &budget },
				   { "--to", OPT_VALUE, &to }, { NULL, 0, NULL } };
	if (opt_parse(argc, argv, spec, pos, 2, &np, c->err))
		return 2;
	if (np == 0)
		return sync_once(c);
	if (strcmp(pos[0], "redeem") == 0 && np == 2)
		return sync_redeem_cmd(c, pos[1], budget, json);
	if (strcmp(pos[0], "enroll") == 0 && np == 2)
		return sync_enroll_cmd(c, pos[1]);
	if (strcmp(pos[0], "status") == 0 && np == 1)
		return sync_status(c, json);
	if (strcmp(pos[0], "export") == 0 && np == 1 && to)
		return bundle_export(c, to);
	if (strcmp(pos[0], "import") == 0 && np == 2)
		return bundle_import(c, pos[1]);
	fprintf(c->err, "%s", _("vkhid sync: use `vkhid sync` (one round), `vkhid sync enroll CODE`, "
				"`vkhid sync status [--json]`, `vkhid sync redeem CODE [--timeout-ms 300]`, "
				"`vkhid sync export --to DIR` or `vkhid sync import FILE`\n"));
	return 2;
}

/* ---- vkhid incidents --------------------------------------------------------------------- */
/* The events of several days, whose tickets are admitted once a day (core/checkin.h). */
struct multi_days {
	int64_t id[64];
	size_t n;
};

static int note_multi_day(void *ctx, const struct db_event *ev)
{
	struct multi_days *m = ctx;
	if (checkin_event_days(ev) > 1 && m->n < sizeof m->id / sizeof m->id[0])
		m->id[m->n++] = ev->id;
	return 0;
}

/* A hub whose storage is PostgreSQL keeps the merged log there, not in its vkhid database:
 * *st receives that store (close it), or NULL for a kiosk or a sqlite hub, whose log is in
 * the file. */
static int pg_hub_store(struct cli *c, struct hub_store **st)
{
	char me[16], why[600];
	int rc;
	*st = NULL;
	sync_bundle_writer(c->d, me);
	if (strcmp(me, SYNC_BUNDLE_WRITER_HUB) != 0)
		return VK_OK;
	if ((rc = hub_store_open_auto(c->db_path, NULL, st, why, sizeof why))) {
		fprintf(c->err, _("vkhid incidents: cannot open the hub's storage: %s\n"), why);
		return rc;
	}
	if (strcmp((*st)->ops->name, "postgres") != 0) {
		(*st)->ops->close(*st);
		*st = NULL;
	}
	return VK_OK;
}

static int derive_all(struct cli *c, struct sync_derived *d)
{
	struct sync_event *ev = NULL;
	struct sync_note *nt = NULL;
	struct multi_days md = { .n = 0 };
	struct hub_store *st;
	size_t n = 0, nn = 0;
	int rc;
	if ((rc = sync_replica_init(c->d)) || (rc = pg_hub_store(c, &st)))
		return rc;
	if (st) {
		rc = st->ops->log(st, &ev, &n, &nt, &nn);
		st->ops->close(st);
	} else {
		rc = sync_replica_load(c->d, 0, &ev, &n, &nt, &nn);
	}
	if (rc)
		return rc;
	db_event_each(c->d, note_multi_day, &md);
	rc = sync_derive_days(ev, n, nt, nn, md.id, md.n, d);
	free(ev);
	free(nt);
	return rc;
}

static void json_side(struct cli *c, const struct sync_event *e)
{
	fprintf(c->out, "{\"uuid\":\"%s\",\"kiosk\":", e->ci.uuid);
	cli_json_str(c->out, e->ci.kiosk);
	fprintf(c->out, ",\"wall_ms\":%" PRId64 ",\"mode\":\"%s\",\"clock_trusted\":%s}",
		e->ci.wall_ms, sync_mode_word(e->mode), e->ci.clock_trusted ? "true" : "false");
}

static void text_side(struct cli *c, const struct sync_event *e)
{
	char when[32];
	clock_format_local(e->ci.wall_ms, when);
	fprintf(c->out, "%s %s %s%s", e->ci.kiosk, when, sync_mode_word(e->mode),
		e->ci.clock_trusted ? "" : _(" (clock not trusted)"));
}

static int incidents_list(struct cli *c, int json)
{
	struct sync_derived d;
	struct db_registration r;
	size_t open = 0;
	if (derive_all(c, &d)) {
		fprintf(c->err, "%s", _("vkhid incidents: cannot read the check-in log\n"));
		return 2;
	}
	if (json)
		fprintf(c->out, "[");
	for (size_t i = 0; i < d.n_inc; i++) {
		const struct sync_incident *x = &d.inc[i];
		int have = db_reg_get(c->d, x->first.ci.event_id, x->first.ci.number, &r) == VK_OK;
		open += !x->resolved;
		if (json) {
			fprintf(c->out, "%s{\"id\":\"%s\",\"event_id\":%" PRId64 ",\"number\":%" PRId64
				",\"name\":", i ? "," : "", x->id, x->first.ci.event_id,
				x->first.ci.number);
			cli_json_str(c->out, have ? r.display : "");
			fprintf(c->out, ",\"first\":");
			json_side(c, &x->first);
			fprintf(c->out, ",\"other\":");
			json_side(c, &x->other);
			fprintf(c->out, ",\"order_uncertain\":%s,\"resolved\":%s,\"note\":",
				x->order_uncertain ? "true" : "false", x->resolved ? "true" : "false");
			cli_json_str(c->out, x->note);
			fprintf(c->out, "}");
			continue;
		}
		fprintf(c->out, "%.8s  #%" PRId64 " %s\n", x->id, x->first.ci.number,
			have ? r.display : "");
		fprintf(c->out, "          %s ", _("first:"));
		text_side(c, &x->first);
		fprintf(c->out, "\n          %s ", _("again:"));
		text_side(c, &x->other);
		fprintf(c->out, "\n");
		if (x->order_uncertain)
			fprintf(c->out, "          %s\n", _("order uncertain: a clock was not trusted"));
		if (x->resolved)
			fprintf(c->out, _("          resolved: %s\n"), x->note);
	}
	if (json)
		fprintf(c->out, "]\n");
	else if (d.n_inc == 0)
		fprintf(c->out, "%s", _("No incidents: no ticket was admitted twice.\n"));
	else
		fprintf(c->out, _("%zu incidents, %zu not resolved. Resolve one with: vkhid incidents "
				  "resolve ID --note TEXT\n"), d.n_inc, open);
	sync_derived_free(&d);
	return 0;
}

static int incidents_resolve(struct cli *c, const char *id, const char *note)
{
	struct sync_derived d;
	const struct sync_incident *found = NULL;
	struct vk_clock clk;
	int many = 0, rc;
	if (!note || !*note || strlen(note) > SYNC_MAX_NOTE) {
		fprintf(c->err, "%s", _("vkhid incidents: resolve needs --note TEXT (at most 500 "
					"bytes): what was found and done\n"));
		return 2;
	}
	if (strlen(id) < 4) {
		fprintf(c->err, "%s", _("vkhid incidents: give at least the first 4 characters of the "
					"incident's ID\n"));
		return 2;
	}
	if (derive_all(c, &d)) {
		fprintf(c->err, "%s", _("vkhid incidents: cannot read the check-in log\n"));
		return 2;
	}
	for (size_t i = 0; i < d.n_inc; i++) {
		if (strncmp(d.inc[i].id, id, strlen(id)) == 0) {
			many += found != NULL;
			found = &d.inc[i];
		}
	}
	if (!found || many) {
		fprintf(c->err, found ? _("vkhid incidents: \"%s\" matches several incidents: give "
					  "more of the ID\n")
				      : _("vkhid incidents: no incident \"%s\" (see vkhid incidents)\n"),
			id);
		sync_derived_free(&d);
		return 2;
	}
	struct hub_store *st;
	if ((rc = pg_hub_store(c, &st)) == VK_OK && st) {
		/* the note goes where the hub's log is, in the hub's name, to every kiosk */
		rc = st->ops->note(st, found->id, note, hub_now_ms());
		st->ops->close(st);
	} else if (rc == VK_OK) {
		clock_init(&clk, db_checkin_max_hlc(c->d));
		rc = sync_replica_note(c->d, found->id, note, clock_now_ms(&clk),
				       clock_hlc_next(&clk), NULL);
	}
	if (rc == VK_OK)
		fprintf(c->out, _("Incident %.8s resolved. The note travels with the next sync; "
				  "nothing was erased.\n"), found->id);
	else
		fprintf(c->err, "%s", _("vkhid incidents: could not record the note\n"));
	sync_derived_free(&d);
	return rc ? 2 : 0;
}

int cmd_incidents(struct cli *c, int argc, char **argv)
{
	const char *pos[2], *note = NULL;
	int np = 0, json = 0;
	struct opt_spec spec[] = { { "--json", OPT_FLAG, &json }, { "--note", OPT_VALUE, &note },
				   { NULL, 0, NULL } };
	if (opt_parse(argc, argv, spec, pos, 2, &np, c->err))
		return 2;
	if (!cli_db(c, 0))
		return 2;
	if (np == 0)
		return incidents_list(c, json);
	if (strcmp(pos[0], "resolve") == 0 && np == 2)
		return incidents_resolve(c, pos[1], note);
	fprintf(c->err, "%s", _("vkhid incidents: use `vkhid incidents [--json]` or "
				"`vkhid incidents resolve ID --note TEXT`\n"));
	return 2;
}
