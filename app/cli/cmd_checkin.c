/* SPDX-License-Identifier: MIT */
/* `vkhid checkin`, `undo`, `reprint`, `revoke`: one code at a time, as the camera or a
 * staff member would present it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "badge/reprint.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/checkin.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"
#include "door/decide.h"

void cli_print_result(struct cli *c, const struct checkin_result *r, int json)
{
	const char *name = r->have_reg ? r->reg.display : "";
	char when[32];

	if (json) {
		fprintf(c->out, "{\"outcome\": \"%s\", \"registration\": ",
			checkin_outcome_word(r->outcome));
		if (r->number)
			fprintf(c->out, "%" PRId64, r->number);
		else
			fputs("null", c->out);
		fputs(", \"name\": ", c->out);
		if (r->have_reg)
			cli_json_str(c->out, name);
		else
			fputs("null", c->out);
		fputs(", \"first_checkin\": ", c->out);
		if (r->outcome == CI_ALREADY_ADMITTED) {
			clock_format_local(r->first.wall_ms, when);
			fputs("{\"time\": ", c->out);
			cli_json_str(c->out, when);
			fputs(", \"kiosk\": ", c->out);
			cli_json_str(c->out, r->first.kiosk);
			fprintf(c->out, ", \"uuid\": \"%s\"}", r->first.uuid);
		} else {
			fputs("null", c->out);
		}
		fputs("}\n", c->out);
		return;
	}
	fprintf(c->out, "%s: %s", checkin_outcome_word(r->outcome), checkin_outcome_title(r->outcome));
	if (r->have_reg)
		fprintf(c->out, " — %s%s%s (№%" PRId64 ")", name,
			r->reg.organization[0] ? ", " : "", r->reg.organization, r->number);
	else if (r->number && checkin_outcome_admits(r->outcome))
		fprintf(c->out, _(" — ticket №%lld (not in this kiosk's list yet)"), (long long)r->number);
	fputc('\n', c->out);
	if (r->outcome == CI_ALREADY_ADMITTED) {
		clock_format_local(r->first.wall_ms, when);
		fprintf(c->out, _("  first admitted %s at kiosk %s\n"), when, r->first.kiosk);
	}
	if (r->outcome == CI_WRONG_EVENT && r->other_event[0])
		fprintf(c->out, _("  the ticket is for: %s\n"), r->other_event);
	if (r->outcome == CI_NOT_VALID_NOW && r->valid_days) {
		char from[11], to[11];
		ticket_date_from_day(r->valid_from_day, from);
		ticket_date_from_day(r->valid_from_day + r->valid_days - 1, to);
		fprintf(c->out, _("  valid %s .. %s\n"), from, to);
	}
	fprintf(c->out, "  %s\n", checkin_outcome_advice(r->outcome));
}

/* Common start: options, database, desk. Returns 0 and the code, or an exit status. */
static int start(struct cli *c, int argc, char **argv, const char *name, int *json,
		 struct checkin_desk *desk, const char **code)
{
	const char *pos[1];
	int np = 0, dummy = 0;
	struct opt_spec spec[] = { { "--json", OPT_FLAG, json ? json : &dummy }, { NULL, 0, NULL } };
	if (opt_parse(argc, argv, spec, pos, 1, &np, c->err))
		return 2;
	if (np != 1) {
		cli_usage(c, name);
		return 2;
	}
	*code = pos[0];
	if (!cli_db(c, 0))
		return 2;
	if (checkin_desk_init(desk, c->d) != VK_OK) {
		struct db_event ev;
		cli_event(c, &ev);
		return 2;
	}
	return 0;
}

/* The door's decision (door/decide.h): on an enrolled database the hub decides, the local
 * rules when it has not answered within the door's budget; else the local rules. */
static int decide(struct cli *c, struct checkin_desk *desk, const char *code, size_t len,
		  struct checkin_result *res)
{
	char url[256], why[512] = "";
	const struct door_decider *dec = &door_decider_local;
	struct door_ask ask = { .code = code, .len = len, .method = DB_CI_MANUAL };
	const char *mode = DOOR_MODE_LOCAL;
	void *st = NULL;
	int rc;

	if (db_setting_get(c->d, "sync.url", url, sizeof url) == VK_OK && url[0])
		dec = &door_decider_hub;
	if (dec->open(desk, "", &st, why, sizeof why) != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", why);
		dec = &door_decider_local;
		st = NULL;
	}
	rc = dec->decide(st, desk, &ask, res, &mode);
	dec->close(st);
	if (rc == VK_OK && strcmp(mode, DOOR_MODE_OFFLINE) == 0)
		fprintf(c->err, _("vkhid: the hub did not answer within %d ms: decided here "
				  "(offline)\n"), DOOR_HUB_BUDGET_MS);
	return rc;
}

int cmd_checkin(struct cli *c, int argc, char **argv)
{
	struct checkin_desk desk;
	struct checkin_result res;
	const char *code;
	int json = 0, rc = start(c, argc, argv, "checkin", &json, &desk, &code);
	char *buf = NULL;
	size_t len;
	if (rc)
		return rc;
	len = strlen(code);
	if (strcmp(code, "-") == 0) {
		/* the code from standard input (a scanner piped in, or a payload too long for argv):
		 * read a little past the longest code a ticket can have, then refuse the rest */
		buf = malloc(CHECKIN_MAX_CODE + 2);
		if (!buf)
			return 2;
		len = fread(buf, 1, CHECKIN_MAX_CODE + 1, stdin);
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		code = buf;
	}
	rc = decide(c, &desk, code, len, &res);
	free(buf);
	if (rc) {
		fprintf(c->err, _("vkhid: the check-in could not be saved (%s); nothing was recorded. "
				   "%s\n"), vk_strerror(rc), cli_db_advice(rc));
		return 2;
	}
	cli_print_result(c, &res, json);
	/* day two's "welcome back" lets them in as well */
	return checkin_outcome_admits(res.outcome) ? 0 : 1;
}

static int staff(struct cli *c, int argc, char **argv, const char *name, int kind)
{
	struct checkin_desk desk;
	struct checkin_result res;
	const char *code;
	int rc = start(c, argc, argv, name, NULL, &desk, &code);
	if (rc)
		return rc;
	/* the command line is the organizer's: the core applies only the overall limit */
	rc = kind == DB_CI_UNDO ? checkin_undo(&desk, code, strlen(code), &res)
				: checkin_reprint_as(&desk, code, strlen(code), CHECKIN_ORGANIZER, &res);
	if (rc == VK_ERR_REPRINT_LIMIT || rc == VK_ERR_REPRINT_NEEDS_ORGANIZER) {
		fprintf(c->err, "vkhid: %s\n", badge_reprint_text(badge_reprint_verdict_of(rc)));
		return 1;
	}
	if (rc == VK_ERR_INVALID) {
		fprintf(c->err, _("vkhid: cannot %s this code: %s\n"),
			name, checkin_outcome_title(res.outcome));
		return 1;
	}
	if (rc == VK_ERR_NOT_FOUND) {
		fprintf(c->err, "%s", _("vkhid: this participant is not checked in\n"));
		return 1;
	}
	if (rc) {
		fprintf(c->err, _("vkhid: could not save (%s)\n"),
			vk_strerror(rc));
		return 2;
	}
	if (kind == DB_CI_UNDO)
		fprintf(c->out, _("Check-in of №%lld undone (recorded in the log).\n"), (long long)res.number);
	else
		fprintf(c->out, _("Badge of №%lld queued for reprint.\n"), (long long)res.number);
	return 0;
}

int cmd_undo(struct cli *c, int argc, char **argv)
{
	return staff(c, argc, argv, "undo", DB_CI_UNDO);
}

int cmd_reprint(struct cli *c, int argc, char **argv)
{
	return staff(c, argc, argv, "reprint", DB_CI_REPRINT);
}

int cmd_revoke(struct cli *c, int argc, char **argv)
{
	struct ticket_signed ts;
	struct db_event ev;
	const char *pos[1];
	int np = 0;
	struct opt_spec spec[] = { { NULL, 0, NULL } };
	if (opt_parse(argc, argv, spec, pos, 1, &np, c->err))
		return 2;
	if (np != 1) {
		cli_usage(c, "revoke");
		return 2;
	}
	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	if (ticket_decode(pos[0], strlen(pos[0]), &ts) != TICKET_OK) {
		fprintf(c->err, "%s", _("vkhid: only signed vkhid tickets (VK1:...) can be revoked; "
					 "for a foreign code, cancel the registration in the list and re-import\n"));
		return 2;
	}
	if (db_revoke(c->d, ts.t.event_id, ts.t.number, ts.t.nonce, "revoked by staff") != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: could not save the revocation\n"));
		return 2;
	}
	fprintf(c->out, _("Ticket №%u revoked.\n"), ts.t.number);
	return 0;
}
