/* SPDX-License-Identifier: MIT */
/* `vkhid session create|list|edit|cancel|import`: the event's programme. Times are read
 * and shown in the event's time zone ("YYYY-MM-DD HH:MM"); the rules a session must meet
 * and the programme CSV are core/programme.h's. A cancelled session is kept (its
 * attendance stays in the log and the exports); its room's door says it was cancelled. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/programme.h"
#include "core/text.h"

/* Reads "--capacity N" into *out; 0 on success, 2 with a message. */
static int read_capacity(struct cli *c, const char *v, int64_t *out)
{
	char *end;
	long long n;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (!*v || *end || errno || n < 0 || n > 1000000) {
		fprintf(c->err, _("vkhid: --capacity is a number of seats (0 = no limit), not '%s'\n"), v);
		return 2;
	}
	*out = n;
	return 0;
}

/* Reads a session id argument of the current event into x; 0, or 2 with a message. */
static int read_session(struct cli *c, const struct db_event *ev, const char *arg,
			struct db_session *x)
{
	char *end;
	long long id = strtoll(arg, &end, 10);
	if (*end || id < 1 || db_session_get(c->d, id, x) != VK_OK || x->event_id != ev->id) {
		fprintf(c->err, _("vkhid: no session %s in this event; `vkhid session list` shows them\n"), arg);
		return 2;
	}
	return 0;
}

/* Checks x and stores it (insert when x->id is 0); 0, or 2 with a message. */
static int save(struct cli *c, const struct db_event *ev, struct db_session *x)
{
	char why[256];
	int rc;
	if (programme_check(x, ev, why, sizeof why) != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", why);
		return 2;
	}
	rc = x->id ? db_session_update(c->d, x) : db_session_insert(c->d, x);
	if (rc) {
		fprintf(c->err, "%s", _("vkhid: could not save the session (is the disk full?)\n"));
		return 2;
	}
	return 0;
}

static int create_or_edit(struct cli *c, int argc, char **argv, int edit)
{
	const char *title = NULL, *room = NULL, *starts = NULL, *ends = NULL, *cap = NULL,
		   *cats = NULL, *speakers = NULL, *pos[1];
	int np;
	struct opt_spec spec[] = {
		{ "--title", OPT_VALUE, &title }, { "--room", OPT_VALUE, &room },
		{ "--starts", OPT_VALUE, &starts }, { "--ends", OPT_VALUE, &ends },
		{ "--capacity", OPT_VALUE, &cap }, { "--categories", OPT_VALUE, &cats },
		{ "--speakers", OPT_VALUE, &speakers }, { NULL, 0, NULL },
	};
	struct db_event ev;
	struct db_session x;

	if (opt_parse(argc, argv, spec, pos, edit ? 1 : 0, &np, c->err))
		return 2;
	if (edit && np != 1) {
		cli_usage(c, "session");
		return 2;
	}
	if (!edit && (!title || !starts || !ends)) {
		fprintf(c->err, "%s", _("vkhid: a session needs --title, --starts and --ends "
					"('YYYY-MM-DD HH:MM', the event's time zone)\n"));
		return 2;
	}
	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	memset(&x, 0, sizeof x);
	if (edit && read_session(c, &ev, pos[0], &x))
		return 2;
	x.event_id = ev.id;
	if (title)
		text_copy(x.title, sizeof x.title, title);
	if (room)
		text_copy(x.room, sizeof x.room, room);
	if (starts)
		text_copy(x.starts, sizeof x.starts, starts);
	if (ends)
		text_copy(x.ends, sizeof x.ends, ends);
	if ((starts && strlen(starts) != 16) || (ends && strlen(ends) != 16)) {
		fprintf(c->err, "%s", _("vkhid: times are written 'YYYY-MM-DD HH:MM', e.g. '2026-11-23 09:30'\n"));
		return 2;
	}
	if (cats)
		text_copy(x.categories, sizeof x.categories, cats);
	if (speakers)
		text_copy(x.speakers, sizeof x.speakers, speakers);
	if (cap && read_capacity(c, cap, &x.capacity))
		return 2;
	if (save(c, &ev, &x))
		return 2;
	fprintf(c->out, edit ? _("Session %lld changed: %s\n") : _("Session %lld created: %s\n"),
		(long long)x.id, x.title);
	return 0;
}

struct list_ctx {
	struct cli *c;
	int json, n;
};

static int list_one(void *ctx, const struct db_session *x)
{
	struct list_ctx *l = ctx;
	FILE *f = l->c->out;
	int64_t had = db_session_attendance(l->c->d, x->event_id, x->id);
	if (l->json) {
		fprintf(f, "%s{\"id\": %" PRId64 ", \"title\": ", l->n ? ", " : "", x->id);
		cli_json_str(f, x->title);
		fputs(", \"room\": ", f);
		cli_json_str(f, x->room);
		fputs(", \"starts\": ", f);
		cli_json_str(f, x->starts);
		fputs(", \"ends\": ", f);
		cli_json_str(f, x->ends);
		fprintf(f, ", \"capacity\": %" PRId64 ", \"attended\": %" PRId64 ", \"categories\": ",
			x->capacity, had);
		cli_json_str(f, x->categories);
		fputs(", \"speakers\": ", f);
		cli_json_str(f, x->speakers);
		fprintf(f, ", \"cancelled\": %s}", x->cancelled ? "true" : "false");
	} else {
		char seats[64];
		if (x->capacity)
			snprintf(seats, sizeof seats, "%" PRId64 "/%" PRId64, had, x->capacity);
		else
			snprintf(seats, sizeof seats, "%" PRId64, had);
		fprintf(f, "%4" PRId64 "  %s-%s  %-9s %-12s %s%s%s%s\n", x->id, x->starts,
			x->ends[0] ? x->ends + 11 : "", seats, x->room, x->title,
			x->categories[0] ? "  [" : "", x->categories[0] ? x->categories : "",
			x->categories[0] ? "]" : "");
		if (x->cancelled)
			fprintf(f, "      %s\n", _("(cancelled)"));
	}
	l->n++;
	return ferror(f) ? VK_ERR_IO : 0;
}

static int session_list(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int np;
	struct list_ctx l = { .c = c };
	struct opt_spec spec[] = { { "--json", OPT_FLAG, &l.json }, { NULL, 0, NULL } };
	struct db_event ev;
	int rc;
	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!cli_db(c, CLI_DB_READ) || cli_event(c, &ev))
		return 2;
	if (l.json)
		fputs("[", c->out);
	rc = db_session_each(c->d, ev.id, list_one, &l);
	if (l.json)
		fputs("]\n", c->out);
	else if (rc == VK_OK && l.n == 0)
		fprintf(c->out, "%s", _("No sessions yet: vkhid session create --title ... or vkhid session import FILE.csv\n"));
	return rc == VK_OK ? 0 : 2;
}

static int session_cancel(struct cli *c, int argc, char **argv)
{
	struct db_event ev;
	struct db_session x;
	if (argc != 1) {
		cli_usage(c, "session");
		return 2;
	}
	if (!cli_db(c, 0) || cli_event(c, &ev) || read_session(c, &ev, argv[0], &x))
		return 2;
	x.cancelled = 1;
	if (db_session_update(c->d, &x) != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: could not save the session (is the disk full?)\n"));
		return 2;
	}
	fprintf(c->out, _("Session %lld cancelled: %s (its attendance is kept)\n"), (long long)x.id,
		x.title);
	return 0;
}

static int session_import(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int np, dry = 0, rc = VK_OK;
	struct opt_spec spec[] = { { "--dry-run", OPT_FLAG, &dry }, { NULL, 0, NULL } };
	struct db_event ev;
	struct programme p;
	char why[512] = "";

	if (opt_parse(argc, argv, spec, pos, 1, &np, c->err))
		return 2;
	if (np != 1) {
		cli_usage(c, "session");
		return 2;
	}
	if (!cli_db(c, dry ? CLI_DB_READ : 0) || cli_event(c, &ev))
		return 2;
	rc = programme_read_csv(pos[0], &ev, &p, why, sizeof why);
	if (rc) {
		fprintf(c->err, "vkhid: %s\n", rc == VK_ERR_NOMEM ? vk_strerror(rc) : why);
		programme_free(&p);
		return 2;
	}
	if (p.n_errors) {
		for (int i = 0; i < p.n_errors && i < PROGRAMME_MAX_ERRORS; i++)
			fprintf(c->err, _("%s: line %d: %s\n"), pos[0], p.errors[i].line, p.errors[i].text);
		if (p.n_errors > PROGRAMME_MAX_ERRORS)
			fprintf(c->err, _("... and %d more\n"), p.n_errors - PROGRAMME_MAX_ERRORS);
		fprintf(c->err, _("vkhid: nothing imported: correct the %d line(s) above and import again\n"),
			p.n_errors);
		programme_free(&p);
		return 1;
	}
	/* all or nothing: one transaction */
	if (!dry) {
		rc = db_begin(c->d);
		for (size_t i = 0; rc == VK_OK && i < p.n; i++)
			rc = db_session_insert(c->d, &p.sessions[i]);
		if (rc == VK_OK)
			rc = db_commit(c->d);
		else
			db_rollback(c->d);
	}
	if (rc) {
		fprintf(c->err, "%s", _("vkhid: could not save the sessions (is the disk full?); nothing imported\n"));
		programme_free(&p);
		return 2;
	}
	fprintf(c->out, dry ? _("%s: %zu sessions would be imported (dry run)\n")
			    : _("%s: %zu sessions imported\n"), pos[0], p.n);
	programme_free(&p);
	return 0;
}

int cmd_session(struct cli *c, int argc, char **argv)
{
	if (argc < 1) {
		cli_usage(c, "session");
		return 2;
	}
	if (strcmp(argv[0], "create") == 0)
		return create_or_edit(c, argc - 1, argv + 1, 0);
	if (strcmp(argv[0], "edit") == 0)
		return create_or_edit(c, argc - 1, argv + 1, 1);
	if (strcmp(argv[0], "list") == 0)
		return session_list(c, argc - 1, argv + 1);
	if (strcmp(argv[0], "cancel") == 0)
		return session_cancel(c, argc - 1, argv + 1);
	if (strcmp(argv[0], "import") == 0)
		return session_import(c, argc - 1, argv + 1);
	cli_usage(c, "session");
	return 2;
}
