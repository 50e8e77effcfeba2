/* SPDX-License-Identifier: MIT */
/* `vkhid doctor`: is this kiosk ready? A table of checks, each with a verdict (ok, warning,
 * problem) and one line that says what was found and what to do. The database is opened
 * read-only, so the doctor works on a backup, a read-only copy or a damaged file and never
 * changes it. Exit status 0 when nothing is a problem, 1 otherwise (warnings pass).
 *
 * To add a check (printer, camera, clock, hub: later issues), write one function of the
 * check_fn shape and add a row to the checks table; the text and JSON output follow. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/statvfs.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"
#include "db/db.h"

enum verdict { V_OK = 0, V_WARN = 1, V_FAIL = 2 };

/* What the checks share: the open database (NULL when it could not be opened, with why). */
struct doctor {
	struct cli *c;
	db *d;
	int open_rc;
	char why[600];
	struct db_event ev;
	int have_event;
};

typedef enum verdict (*check_fn)(struct doctor *dr, char *text, size_t cap);

static enum verdict check_integrity(struct doctor *dr, char *text, size_t cap)
{
	char why[600];
	int rc = dr->d ? db_check(dr->d, why, sizeof why) : dr->open_rc;
	if (!dr->d)
		snprintf(why, sizeof why, "%s", dr->why);
	if (rc == VK_OK) {
		snprintf(text, cap, "%s", _("the database file is sound"));
		return V_OK;
	}
	if (rc == DB_ERR_CORRUPT || rc == DB_ERR_DISK)
		snprintf(text, cap, _("the database is damaged (%s): do not use it; restore the last "
				      "backup, or the hub's copy"), why);
	else
		snprintf(text, cap, _("the database cannot be read (%s)"), why);
	return V_FAIL;
}

static enum verdict check_space(struct doctor *dr, char *text, size_t cap)
{
	struct statvfs fs;
	char dir[1024], *slash;
	snprintf(dir, sizeof dir, "%s", dr->c->db_path);
	slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	else
		snprintf(dir, sizeof dir, ".");
	if (statvfs(dir, &fs) != 0) {
		snprintf(text, cap, _("cannot tell the free space of %s"), dir);
		return V_WARN;
	}
	unsigned long long mb = (unsigned long long)fs.f_bavail * fs.f_frsize / (1024 * 1024);
	if (mb < 20) {
		snprintf(text, cap, _("only %llu MB free: free some space before the doors open"), mb);
		return V_FAIL;
	}
	if (mb < 200) {
		snprintf(text, cap, _("%llu MB free: enough for today, but little"), mb);
		return V_WARN;
	}
	snprintf(text, cap, _("%llu MB free"), mb);
	return V_OK;
}

static enum verdict check_event(struct doctor *dr, char *text, size_t cap)
{
	if (!dr->have_event) {
		snprintf(text, cap, "%s", _("no event: create one with `vkhid event create`"));
		return V_FAIL;
	}
	if (!dr->ev.starts[0]) {
		snprintf(text, cap, _("%s, no dates (tickets are valid on any day)"), dr->ev.name);
		return V_WARN;
	}
	{
		/* the event's own days, in its time zone (the CLI set TZ to it) */
		char today[16];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		if (dr->ev.ends[0] && strcmp(today, dr->ev.ends) > 0) {
			snprintf(text, cap, _("%s ended on %s: its tickets are no longer admitted"),
				 dr->ev.name, dr->ev.ends);
			return V_WARN;
		}
		if (strcmp(today, dr->ev.starts) < 0) {
			snprintf(text, cap, _("%s starts on %s: tickets are admitted from that day"),
				 dr->ev.name, dr->ev.starts);
			return V_WARN;
		}
	}
	snprintf(text, cap, _("%s, %s to %s"), dr->ev.name, dr->ev.starts, dr->ev.ends);
	return V_OK;
}

static enum verdict check_key(struct doctor *dr, char *text, size_t cap)
{
	struct db_key key;
	if (!dr->have_event) {
		snprintf(text, cap, "%s", _("no event, so no key"));
		return V_FAIL;
	}
	if (db_key_latest(dr->d, dr->ev.id, &key) != VK_OK) {
		snprintf(text, cap, "%s", _("no signing key: signed tickets cannot be checked "
					     "(`vkhid keygen` on the organizer's computer)"));
		return V_WARN;
	}
	snprintf(text, cap, _("signing key %d present"), key.key_id);
	return V_OK;
}

static enum verdict check_roster(struct doctor *dr, char *text, size_t cap)
{
	int64_t n = dr->have_event ? db_reg_count(dr->d, dr->ev.id, 1) : -1;
	if (n < 0) {
		snprintf(text, cap, "%s", _("no roster"));
		return V_FAIL;
	}
	if (n == 0) {
		snprintf(text, cap, "%s", _("nobody registered yet: import the list with `vkhid import`"));
		return V_WARN;
	}
	snprintf(text, cap, _("%lld registered"), (long long)n);
	return V_OK;
}

static const struct {
	const char *name;   /* stable, for --json and scripts */
	const char *title;  /* for people */
	check_fn fn;
	int needs_db;       /* skipped (a problem) when the database could not be opened */
} checks[] = {
	{ "integrity", N_("database integrity"), check_integrity, 0 },
	{ "space", N_("free space"), check_space, 0 },
	{ "event", N_("event and dates"), check_event, 1 },
	{ "key", N_("ticket signing key"), check_key, 1 },
	{ "roster", N_("roster"), check_roster, 1 },
};

int cmd_doctor(struct cli *c, int argc, char **argv)
{
	int json = 0, np = 0, worst = V_OK, damaged = 0;
	const char *pos[1];
	struct opt_spec spec[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	struct doctor dr = { .c = c };
	static const char *const words[] = { "ok", "warning", "problem" };

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	dr.open_rc = db_open(c->db_path, DB_READONLY, &dr.d, dr.why, sizeof dr.why);
	if (dr.d && db_check(dr.d, NULL, 0) != VK_OK)
		damaged = 1; /* the other checks would read a damaged file: they wait */
	dr.have_event = dr.d && !damaged && db_event_current(dr.d, &dr.ev) == VK_OK;
	if (json)
		fprintf(c->out, "{\"database\": ");
	if (json)
		cli_json_str(c->out, c->db_path);
	else
		fprintf(c->out, _("vkhid doctor: %s\n"), c->db_path);
	if (json)
		fprintf(c->out, ", \"checks\": [");
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		char text[800];
		enum verdict v;
		if (checks[i].needs_db && (!dr.d || damaged)) {
			snprintf(text, sizeof text, "%s", _("not checked: the database cannot be read"));
			v = V_FAIL;
		} else {
			v = checks[i].fn(&dr, text, sizeof text);
		}
		if ((int)v > worst)
			worst = v;
		if (json) {
			fprintf(c->out, "%s{\"check\": \"%s\", \"verdict\": \"%s\", \"text\": ",
				i ? ", " : "", checks[i].name, words[v]);
			cli_json_str(c->out, text);
			fprintf(c->out, "}");
		} else {
			fprintf(c->out, "  %-8s %-20s %s\n",
				v == V_OK ? _("ok") : v == V_WARN ? _("warning") : _("PROBLEM"),
				_(checks[i].title), text);
		}
	}
	if (json)
		fprintf(c->out, "], \"ok\": %s}\n", worst == V_FAIL ? "false" : "true");
	else
		fprintf(c->out, "%s\n", worst == V_FAIL ? _("Not ready: see the problems above.")
			: worst == V_WARN ? _("Works, but see the warnings above.")
			: _("Ready."));
	db_close(dr.d);
	return worst == V_FAIL ? 1 : 0;
}
