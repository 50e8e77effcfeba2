/* SPDX-License-Identifier: MIT */
/* `vkhid purge --before DATE [--yes]`: removes the personal data (names, e-mails,
 * organizations, ticket codes, search keys) of every event that ended before DATE and
 * keeps what the turnout needs (numbers, categories, the check-in log, which holds no
 * personal data). Without --yes it only says what it would remove and how to export the
 * attendance first; the log stays append-only (purge touches registration rows only).
 * Afterwards the file is rewritten (VACUUM) so no removed value stays in a free page. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"
#include "db/db.h"

struct purge {
	struct cli *c;
	const char *before;
	int yes, found, failed;
	int64_t rows;
};

/* The last day of an event: its end, else its start; "" when it has no dates (never
 * purged by date: nobody can tell when it ended). */
static const char *last_day(const struct db_event *ev)
{
	return ev->ends[0] ? ev->ends : ev->starts;
}

static int one_event(void *ctx, const struct db_event *ev)
{
	struct purge *p = ctx;
	const char *last = last_day(ev);
	int64_t n;
	if (!last[0] || strcmp(last, p->before) >= 0)
		return 0;
	n = db_reg_count(p->c->d, ev->id, 0);
	p->found++;
	if (!p->yes) {
		fprintf(p->c->out, _("  %s (ended %s): personal data of %lld registrations\n"),
			ev->name, last, (long long)n);
		return 0;
	}
	if (db_purge_event(p->c->d, ev->id, &n) != VK_OK) {
		p->failed = 1;
		return 1;
	}
	p->rows += n;
	fprintf(p->c->out, _("  %s (ended %s): personal data removed from %lld "
			     "registrations\n"), ev->name, last, (long long)n);
	return 0;
}

int cmd_purge(struct cli *c, int argc, char **argv)
{
	const char *before = NULL, *pos[1];
	int yes = 0, np = 0, rc;
	struct opt_spec spec[] = { { "--before", OPT_VALUE, &before }, { "--yes", OPT_FLAG, &yes },
				   { NULL, 0, NULL } };
	struct purge p = { .c = c };

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!before || ticket_day_from_date(before) < 0) {
		fprintf(c->err, "%s", _("vkhid: purge needs --before YYYY-MM-DD (events that ended "
					 "before that day)\n"));
		return 2;
	}
	if (!cli_db(c, CLI_DB_WRITE))
		return 2;
	p.before = before;
	p.yes = yes;
	if (!yes)
		fprintf(c->out, _("Events that ended before %s:\n"), before);
	rc = db_event_each(c->d, one_event, &p);
	if (p.failed || rc) {
		fprintf(c->err, "%s", _("vkhid: the purge failed; nothing of that event was "
					 "removed. Run `vkhid doctor`.\n"));
		return 2;
	}
	if (!p.found) {
		fprintf(c->out, _("No event ended before %s: nothing to remove.\n"), before);
		return 0;
	}
	if (!yes) {
		fprintf(c->out, _("The counts (turnout by category and by hour) stay; names, e-mails,"
				  " organizations and ticket codes go, for good. Keep the attendance "
				  "first if you need it:\n  vkhid --db %s export attendance --out "
				  "attendance.csv\nThen run again with --yes.\n"), c->db_path);
		return 1;
	}
	if (db_compact(c->d) != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: the data was removed, but the file could not be "
					 "rewritten (is the disk full?): old values may remain in free "
					 "space. Free some space and run the purge again.\n"));
		return 2;
	}
	return 0;
}
