/* SPDX-License-Identifier: MIT */
/* `vkhid import`: a participant list into the current event, with a report an organizer
 * can act on (what was added, updated, cancelled; which lines were wrong and why). */
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/import.h"

int cmd_import(struct cli *c, int argc, char **argv)
{
	const char *format = "auto", *pos[1];
	struct opt_list maps = { .n = 0 };
	int dry = 0, np = 0, rc;
	struct opt_spec spec[] = {
		{ "--format", OPT_VALUE, &format }, { "--map", OPT_LIST, &maps },
		{ "--dry-run", OPT_FLAG, &dry }, { NULL, 0, NULL },
	};
	struct import_opts o;
	struct import_report rep;
	struct db_event ev;
	char why[1024] = "";

	if (opt_parse(argc, argv, spec, pos, 1, &np, c->err))
		return 2;
	if (np != 1) {
		cli_usage(c, "import");
		return 2;
	}
	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	memset(&o, 0, sizeof o);
	o.event_id = ev.id;
	o.format = format;
	o.maps = maps.v;
	o.n_maps = maps.n;
	o.dry_run = dry;
	memset(&rep, 0, sizeof rep);
	rc = import_csv_file(c->d, pos[0], &o, &rep, why, sizeof why);
	if (rc) {
		fprintf(c->err, _("vkhid: %s: nothing was imported.\n%s\n"), pos[0], why);
		import_report_free(&rep);
		return 2;
	}
	fprintf(c->out, _("%s%s: format %s, encoding %s, separator '%c'\n"),
		dry ? _("[dry run, nothing saved] ") : "",
		pos[0], rep.format, rep.encoding, rep.delimiter);
	fprintf(c->out, _("  rows %lld: added %lld, updated %lld, cancelled %lld, unchanged %lld,"
			  " skipped %lld\n"),
		(long long)rep.rows, (long long)rep.added, (long long)rep.updated,
		(long long)rep.cancelled, (long long)rep.unchanged, (long long)rep.skipped);
	if (rep.unmapped[0])
		fprintf(c->out, _("  columns not used: %s (add --map 'Header=field' to use one)\n"),
			rep.unmapped);
	for (int i = 0; i < rep.n_problems; i++) {
		const struct import_problem *p = &rep.problems[i];
		fprintf(c->out, _("  line %d: %s%s%s%s\n"), p->line,
			import_reason_text(p->reason), p->detail[0] ? " (" : "", p->detail,
			p->detail[0] ? ")" : "");
	}
	if (rep.problems_total > rep.n_problems)
		fprintf(c->out, _n("  ... and %lld more problem\n", "  ... and %lld more problems\n",
				   rep.problems_total - rep.n_problems),
			(long long)rep.problems_total - rep.n_problems);
	import_report_free(&rep);
	return 0;
}
