/* SPDX-License-Identifier: MIT */
/* `vkhid find TEXT`: the kiosk's "Find me" search for staff and scripts, best match
 * first, with whether each person is already in. */
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/search.h"

#define FIND_MAX 20

int cmd_find(struct cli *c, int argc, char **argv)
{
	const char *pos[8];
	int np = 0, json = 0, n;
	struct opt_spec spec[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	struct search_hit hits[FIND_MAX];
	struct search *s;
	struct db_event ev;
	char query[1024] = "";

	if (opt_parse(argc, argv, spec, pos, 8, &np, c->err))
		return 2;
	if (np < 1) {
		cli_usage(c, "find");
		return 2;
	}
	for (int i = 0; i < np; i++) { /* `vkhid find Олександр Скалозуб` without quotes */
		if (i)
			strncat(query, " ", sizeof query - strlen(query) - 1);
		strncat(query, pos[i], sizeof query - strlen(query) - 1);
	}
	if (!cli_db(c, CLI_DB_READ) || cli_event(c, &ev))
		return 2;
	if (search_open(c->d, ev.id, &s) != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: could not read the participant list\n"));
		return 2;
	}
	n = search_find(s, query, hits, FIND_MAX);
	search_free(s);
	if (n < 0)
		return 2;
	if (json)
		fputc('[', c->out);
	for (int i = 0; i < n; i++) {
		struct db_checkin first;
		int in = db_checkin_admission(c->d, ev.id, hits[i].number, &first) == VK_OK;
		static const char *const kind[] = { "exact", "prefix", "fuzzy" };
		if (json) {
			fprintf(c->out, "%s{\"registration\": %" PRId64 ", \"name\": ", i ? ", " : "",
				hits[i].number);
			cli_json_str(c->out, hits[i].display);
			fputs(", \"organization\": ", c->out);
			cli_json_str(c->out, hits[i].organization);
			fputs(", \"category\": ", c->out);
			cli_json_str(c->out, hits[i].category);
			fprintf(c->out, ", \"status\": \"%s\", \"checked_in\": %s, \"match\": \"%s\"}",
				hits[i].status == DB_REG_CANCELLED ? "cancelled" : "active",
				in ? "true" : "false", kind[hits[i].match]);
			continue;
		}
		fprintf(c->out, "№%-6" PRId64 " %s", hits[i].number, hits[i].display);
		if (hits[i].organization[0])
			fprintf(c->out, " — %s", hits[i].organization);
		if (hits[i].category[0])
			fprintf(c->out, " (%s)", hits[i].category);
		if (hits[i].status == DB_REG_CANCELLED)
			fputs(_("  [cancelled]"), c->out);
		else if (in)
			fputs(_("  [checked in]"), c->out);
		fputc('\n', c->out);
	}
	if (json)
		fputs("]\n", c->out);
	else if (n == 0)
		fprintf(c->out, "%s", _("Nobody found. Try part of the name, in either alphabet.\n"));
	return n > 0 ? 0 : 1;
}
