/* SPDX-License-Identifier: MIT */
/* `vkhid stats` (turnout) and `vkhid export attendance` (CSV for Excel, certificates). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/i18n.h"

/* Prints s left-aligned in width characters (not bytes: Cyrillic letters are two). */
static void pad(FILE *f, const char *s, int width)
{
	int chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	fputs(s, f);
	for (; chars < width; chars++)
		fputc(' ', f);
}

static double pct(int64_t a, int64_t b)
{
	return b > 0 ? 100.0 * (double)a / (double)b : 0.0;
}

int cmd_stats(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int json = 0, np;
	struct opt_spec spec[] = { { "--json", OPT_FLAG, &json }, { NULL, 0, NULL } };
	struct db_event ev;
	struct db_stats st;

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!cli_db(c, CLI_DB_READ) || cli_event(c, &ev))
		return 2;
	if (db_stats(c->d, ev.id, &st) != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: could not read the turnout\n"));
		return 2;
	}
	if (json) {
		fputs("{\"event\": ", c->out);
		cli_json_str(c->out, ev.name);
		fprintf(c->out, ", \"event_id\": %" PRId64 ", \"registered\": %" PRId64
			", \"cancelled\": %" PRId64 ", \"admitted\": %" PRId64
			", \"admitted_not_in_list\": %" PRId64 ", \"reprints\": %" PRId64
			", \"undos\": %" PRId64 ", \"by_category\": [", ev.id, st.registered,
			st.cancelled, st.admitted, st.admitted_unlisted, st.reprints, st.undos);
		for (int i = 0; i < st.n_category; i++) {
			fputs(i ? ", {\"category\": " : "{\"category\": ", c->out);
			cli_json_str(c->out, st.category[i].key);
			fprintf(c->out, ", \"registered\": %" PRId64 ", \"admitted\": %" PRId64 "}",
				st.category[i].registered, st.category[i].admitted);
		}
		fputs("], \"by_hour\": [", c->out);
		for (int i = 0; i < st.n_hour; i++) {
			fputs(i ? ", {\"hour\": " : "{\"hour\": ", c->out);
			cli_json_str(c->out, st.hour[i].key);
			fprintf(c->out, ", \"admitted\": %" PRId64 "}", st.hour[i].admitted);
		}
		fputs("]}\n", c->out);
	} else {
		fprintf(c->out, "%s\n", ev.name);
		fprintf(c->out, _("  admitted   %lld of %lld registered (%.1f%%)\n"),
			(long long)st.admitted, (long long)st.registered, pct(st.admitted, st.registered));
		if (st.admitted_unlisted)
			fprintf(c->out, _("  of them %lld with valid tickets not yet in this list\n"),
				(long long)st.admitted_unlisted);
		fprintf(c->out, _("  cancelled  %lld   reprints %lld   undone %lld\n"),
			(long long)st.cancelled, (long long)st.reprints, (long long)st.undos);
		if (st.n_category)
			fprintf(c->out, "%s", _("  by category:\n"));
		for (int i = 0; i < st.n_category; i++) {
			fputs("    ", c->out);
			pad(c->out, st.category[i].key[0] ? st.category[i].key : _("(none)"), 24);
			fprintf(c->out, " %5" PRId64 " / %-5" PRId64 " %5.1f%%\n",
				st.category[i].admitted, st.category[i].registered,
				pct(st.category[i].admitted, st.category[i].registered));
		}
		if (st.n_hour)
			fprintf(c->out, "%s", _("  by hour (admissions):\n"));
		for (int i = 0; i < st.n_hour; i++)
			fprintf(c->out, "    %s  %5" PRId64 "\n", st.hour[i].key, st.hour[i].admitted);
	}
	db_stats_free(&st);
	return 0;
}

struct export_ctx {
	struct cli *c;
	FILE *f;
	int64_t rows, present;
};

static const char *method_word(int m)
{
	return m == DB_CI_QR ? "qr" : m == DB_CI_SEARCH ? "search" : "manual";
}

static int export_row(void *ctx, const struct db_registration *r)
{
	struct export_ctx *x = ctx;
	struct db_checkin first;
	char when[32] = "";
	int in = db_checkin_admission(x->c->d, r->event_id, r->number, &first) == VK_OK;
	if (in)
		clock_format_local(first.wall_ms, when);
	cli_csv_number(x->f, r->number, 0);
	cli_csv_field(x->f, r->given, 0);
	cli_csv_field(x->f, r->family, 0);
	cli_csv_field(x->f, r->display, 0);
	cli_csv_field(x->f, r->organization, 0);
	cli_csv_field(x->f, r->category, 0);
	cli_csv_field(x->f, r->email, 0);
	cli_csv_field(x->f, r->status == DB_REG_CANCELLED ? "cancelled" : "active", 0);
	cli_csv_field(x->f, in ? "yes" : "no", 0);
	cli_csv_field(x->f, when, 0);
	cli_csv_field(x->f, in ? first.kiosk : "", 0);
	cli_csv_field(x->f, in ? method_word(first.method) : "", 1);
	x->rows++;
	x->present += in;
	return ferror(x->f) ? VK_ERR_IO : 0;
}

/* A signed ticket admitted before its registration reached this database: a row with
 * the number only, so nobody who came in is missing from the list. Called for every log
 * entry; writes each such number once (at its first admission). */
static int export_unlisted(void *ctx, const struct db_checkin *ci)
{
	struct export_ctx *x = ctx;
	struct db_registration r;
	struct db_checkin first;
	char when[32];
	if (ci->kind != DB_CI_ENTRY && ci->kind != DB_CI_WALKIN)
		return 0;
	if (db_reg_get(x->c->d, ci->event_id, ci->number, &r) != VK_ERR_NOT_FOUND)
		return 0;
	if (db_checkin_admission(x->c->d, ci->event_id, ci->number, &first) != VK_OK ||
	    strcmp(first.uuid, ci->uuid) != 0)
		return 0;
	clock_format_local(first.wall_ms, when);
	cli_csv_number(x->f, ci->number, 0);
	cli_csv_field(x->f, "", 0);
	cli_csv_field(x->f, "", 0);
	cli_csv_field(x->f, _("(signed ticket, not in the list)"), 0);
	for (int i = 0; i < 3; i++)
		cli_csv_field(x->f, "", 0);
	cli_csv_field(x->f, "unlisted", 0);
	cli_csv_field(x->f, "yes", 0);
	cli_csv_field(x->f, when, 0);
	cli_csv_field(x->f, first.kiosk, 0);
	cli_csv_field(x->f, method_word(first.method), 1);
	x->rows++;
	x->present++;
	return ferror(x->f) ? VK_ERR_IO : 0;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	const char *out = NULL, *pos[2];
	int np = 0, rc;
	struct opt_spec spec[] = { { "--out", OPT_VALUE, &out }, { NULL, 0, NULL } };
	struct export_ctx x = { .c = c };
	struct db_event ev;
	char tmp[4096];

	if (opt_parse(argc, argv, spec, pos, 2, &np, c->err))
		return 2;
	if (np != 1 || strcmp(pos[0], "attendance") != 0 || !out) {
		cli_usage(c, "export");
		return 2;
	}
	if (!cli_db(c, CLI_DB_READ) || cli_event(c, &ev))
		return 2;
	/* a temporary file renamed at the end: a half-written export never looks complete */
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	x.f = fopen(tmp, "w");
	if (!x.f) {
		fprintf(c->err, _("vkhid: cannot write %s: %s\n"),
			out, strerror(errno));
		return 2;
	}
	fputs("\xef\xbb\xbf", x.f); /* BOM: Excel then reads the file as UTF-8 */
	fputs("number,given_name,family_name,name,organization,category,email,status,"
	      "checked_in,first_checkin,kiosk,method\r\n", x.f);
	rc = db_reg_each(c->d, ev.id, export_row, &x);
	if (rc == VK_OK)
		rc = db_checkin_each(c->d, ev.id, export_unlisted, &x);
	if (fclose(x.f) != 0 || rc != VK_OK || rename(tmp, out) != 0) {
		unlink(tmp);
		fprintf(c->err, _("vkhid: the export to %s failed; check the disk\n"), out);
		return 2;
	}
	fprintf(c->out, _("%s: %lld participants, %lld checked in\n"), out, (long long)x.rows,
		(long long)x.present);
	return 0;
}
