/* SPDX-License-Identifier: MIT */
/* `vkhid stats` (turnout) and `vkhid export attendance` (CSV for Excel, certificates). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/checkin.h"
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

/* The session a by-session row is about ("" title when it is gone). */
static void row_session(struct cli *c, const struct db_stats_row *r, struct db_session *x)
{
	memset(x, 0, sizeof *x);
	if (db_session_get(c->d, strtoll(r->key, NULL, 10), x) != VK_OK)
		x->id = strtoll(r->key, NULL, 10);
}

/* Turnout per day (an event of several days) and per session, as JSON members. */
static void json_days_sessions(struct cli *c, const struct db_stats *st)
{
	fputs(", \"by_day\": [", c->out);
	for (int i = 0; i < st->n_day; i++) {
		fputs(i ? ", {\"day\": " : "{\"day\": ", c->out);
		cli_json_str(c->out, st->day[i].key);
		fprintf(c->out, ", \"admitted\": %" PRId64 "}", st->day[i].admitted);
	}
	fprintf(c->out, "], \"event_days\": %" PRId64 ", \"every_day\": %" PRId64
		", \"by_session\": [", st->event_days, st->every_day);
	for (int i = 0; i < st->n_session; i++) {
		struct db_session x;
		row_session(c, &st->session[i], &x);
		fprintf(c->out, "%s{\"id\": %" PRId64 ", \"title\": ", i ? ", " : "", x.id);
		cli_json_str(c->out, x.title);
		fputs(", \"room\": ", c->out);
		cli_json_str(c->out, x.room);
		fputs(", \"starts\": ", c->out);
		cli_json_str(c->out, x.starts);
		fprintf(c->out, ", \"capacity\": %" PRId64 ", \"attended\": %" PRId64
			", \"cancelled\": %s}", st->session[i].registered, st->session[i].admitted,
			x.cancelled ? "true" : "false");
	}
	fputs("]", c->out);
}

static void text_days_sessions(struct cli *c, const struct db_stats *st)
{
	if (st->n_day && (st->event_days > 1 || st->n_day > 1)) {
		fprintf(c->out, "%s", _("  by day (people who came):\n"));
		for (int i = 0; i < st->n_day; i++)
			fprintf(c->out, "    %s  %5" PRId64 "\n", st->day[i].key, st->day[i].admitted);
		fprintf(c->out, _("  came on every day (%lld days): %lld\n"), (long long)st->event_days,
			(long long)st->every_day);
	}
	if (st->n_session)
		fprintf(c->out, "%s", _("  by session (people / seats):\n"));
	for (int i = 0; i < st->n_session; i++) {
		struct db_session x;
		char seats[48];
		row_session(c, &st->session[i], &x);
		if (st->session[i].registered)
			snprintf(seats, sizeof seats, "%5" PRId64 " / %-5" PRId64, st->session[i].admitted,
				 st->session[i].registered);
		else
			snprintf(seats, sizeof seats, "%5" PRId64 "        ", st->session[i].admitted);
		fprintf(c->out, "    %4" PRId64 "  %s  %s  ", x.id, x.starts, seats);
		pad(c->out, x.room, 12);
		fprintf(c->out, " %s%s\n", x.title, x.cancelled ? _(" (cancelled)") : "");
	}
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
		fputs("]", c->out);
		json_days_sessions(c, &st);
		fputs("}\n", c->out);
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
		text_days_sessions(c, &st);
	}
	db_stats_free(&st);
	return 0;
}

/* An event of several days gets a column a day (up to EXPORT_MAX_DAYS) and the number of
 * days each person came. */
#define EXPORT_MAX_DAYS 62

struct export_ctx {
	struct cli *c;
	FILE *f;
	int64_t rows, present;
	int n_days;                         /* 0 for an event of one day */
	char days[EXPORT_MAX_DAYS][11];     /* its dates, YYYY-MM-DD */
};

/* The per-day cells of (event, number): "yes"/"no" a day, then how many days; the row's
 * last cells. Returns VK_OK or an error. */
static int export_days(struct export_ctx *x, int64_t event_id, int64_t number)
{
	struct db_day came[EXPORT_MAX_DAYS];
	int n = db_checkin_days(x->c->d, event_id, number, 0, came, EXPORT_MAX_DAYS);
	if (n < 0)
		return n;
	for (int i = 0; i < x->n_days; i++) {
		int yes = 0;
		for (int k = 0; k < n && k < EXPORT_MAX_DAYS; k++)
			yes |= strcmp(came[k].date, x->days[i]) == 0;
		cli_csv_field(x->f, yes ? "yes" : "no", 0);
	}
	cli_csv_number(x->f, n, 1);
	return VK_OK;
}

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
	cli_csv_field(x->f, in ? method_word(first.method) : "", !x->n_days);
	if (x->n_days && export_days(x, r->event_id, r->number) != VK_OK)
		return VK_ERR_IO;
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
	cli_csv_field(x->f, method_word(first.method), !x->n_days);
	if (x->n_days && export_days(x, ci->event_id, ci->number) != VK_OK)
		return VK_ERR_IO;
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
	      "checked_in,first_checkin,kiosk,method", x.f);
	/* an event of several days: a column a day ("day 2026-11-23") and the days counted */
	if (checkin_event_days(&ev) > 1) {
		int64_t t;
		char when[32];
		snprintf(when, sizeof when, "%s 12:00", ev.starts);
		clock_parse_local(when, &t);
		for (int i = 0; i < checkin_event_days(&ev) && i < EXPORT_MAX_DAYS; i++) {
			clock_format_local(t + (int64_t)i * 86400000, when);
			snprintf(x.days[x.n_days++], sizeof x.days[0], "%.10s", when);
			fprintf(x.f, ",day %.10s", when);
		}
		fputs(",days", x.f);
	}
	fputs("\r\n", x.f);
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
