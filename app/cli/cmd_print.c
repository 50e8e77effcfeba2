/* SPDX-License-Identifier: MIT */
/* `vkhid printers`, `vkhid print-test` and `vkhid badge preview|print`: what is connected
 * and in what state, a test label, a participant's badge as a PNG or on the printer.
 *
 * `badge print CODE` is a staff reprint from the command line: it goes through the same
 * rules as the kiosk (checkin_reprint records it and queues the job, the reprint limit of
 * badge/reprint.h applies; whoever runs the command line counts as the organizer) and is
 * then printed at once through the print queue's own code (printq_print_job), so a crash or
 * a printer fault leaves it queued exactly as a kiosk badge would be. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "badge/badge.h"
#include "badge/printmsg.h"
#include "badge/printq.h"
#include "badge/reprint.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/checkin.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"

#define DEFAULT_PRINTER "usb"

/* A template by file path or built-in name; prints why not and returns nonzero. */
static int load_template(struct cli *c, const char *arg, struct badge_template *t)
{
	char why[512];
	struct stat sb;

	if (!arg)
		return badge_template_builtin(NULL, t) != VK_OK;
	if (stat(arg, &sb) != 0 && badge_template_builtin(arg, t) == VK_OK)
		return 0;
	if (badge_template_load(arg, t, why, sizeof why) == VK_OK)
		return 0;
	fprintf(c->err, _("vkhid: template %s: %s\n"
			   "       (built in: 62x100, 62, 62-red, 102x152, 80)\n"), arg, why);
	return 1;
}

static void print_state(struct cli *c, const struct printer_status *st, const char *indent)
{
	char media[128];

	fprintf(c->out, "%s%s", indent, printq_state_text(st->state));
	if (st->media.width_mm) {
		printq_media_text(&st->media, media, sizeof media);
		fprintf(c->out, _("; loaded: %s"), media);
	}
	fputc('\n', c->out);
	if (st->state != PRINTER_READY && printq_state_advice(st->state)[0])
		fprintf(c->out, "%s%s\n", indent, printq_state_advice(st->state));
}

int cmd_printers(struct cli *c, int argc, char **argv)
{
	struct printer_found found[16];
	const char *pos[1];
	int np = 0;
	struct opt_spec spec[] = { { NULL, 0, NULL } };

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	int n = printer_list(found, 16);
	if (n <= 0)
		fprintf(c->out, "%s\n", _("No printer connected on USB."));
	for (int i = 0; i < n; i++) {
		fprintf(c->out, "%-16s %s\n", found[i].spec, found[i].model);
		print_state(c, &found[i].status, "                 ");
	}
	fprintf(c->out, "\n%s\n", _("Drivers (--printer NAME):"));
	for (int i = 0; printer_drivers[i]; i++)
		fprintf(c->out, "  %s\n", printer_drivers[i]->help);
	return 0;
}

int cmd_print_test(struct cli *c, int argc, char **argv)
{
	const char *prn = DEFAULT_PRINTER, *tpl_arg = NULL, *pos[1];
	int np = 0, rc;
	struct opt_spec spec[] = { { "--printer", OPT_VALUE, &prn },
				   { "--template", OPT_VALUE, &tpl_arg }, { NULL, 0, NULL } };
	struct badge_template t;
	struct printer *p = NULL;
	struct printer_status st;
	struct printer_geometry geo;
	struct printer_raster ras;
	char why[512];

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err) || load_template(c, tpl_arg, &t))
		return 2;
	if (printer_open(prn, &p, why, sizeof why) != PRINTER_OK) {
		fprintf(c->err, _("vkhid: printer %s: %s\n"), prn, why);
		return 2;
	}
	if (badge_init(why, sizeof why) != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", why);
		printer_close(p);
		return 2;
	}
	if (printer_geometry(p, &t.media, &geo) != PRINTER_OK) {
		fprintf(c->err, _("vkhid: this printer cannot print the %s template's stock\n"), t.name);
		rc = 2;
		goto out;
	}
	struct badge_info b = {
		.display = "Ґанна Їжакевич-Мʼясоїд", .given = "Ґанна", .family = "Їжакевич-Мʼясоїд",
		.organization = "vkhid · Test / Тест · Zoë Łukasiewicz", .category = "TEST",
		.event_name = _("Printer test"), .code = "VKHID-PRINT-TEST",
	};
	rc = badge_render_template(&b, &t, &geo, &ras);
	if (rc != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", vk_strerror(rc));
		rc = 2;
		goto out;
	}
	struct printer_job job = { .name = "print-test", .media = t.media };
	int prc = printer_print(p, &job, &ras, &st);
	printer_raster_free(&ras);
	if (prc == PRINTER_OK) {
		fprintf(c->out, _("Test badge printed on %s (%s).\n"),
			st.model[0] ? st.model : prn, t.name);
		rc = 0;
	} else {
		fprintf(c->out, "%s\n", _("Not printed:"));
		print_state(c, &st, "  ");
		if (st.state == PRINTER_WRONG_MEDIA) {
			char text[256];
			printq_wrong_media_text(&st.media, &t.media, text, sizeof text);
			fprintf(c->out, "  %s\n", text);
		}
		rc = 1;
	}
out:
	printer_close(p);
	badge_shutdown();
	return rc;
}

/* `badge preview`: the PNG a participant's badge would be. */
static int badge_preview(struct cli *c, int argc, char **argv)
{
	const char *reg = NULL, *code = NULL, *out = NULL, *tpl_arg = NULL, *pos[1];
	int np = 0, rc;
	struct opt_spec spec[] = {
		{ "--registration", OPT_VALUE, &reg }, { "--code", OPT_VALUE, &code },
		{ "--out", OPT_VALUE, &out }, { "--template", OPT_VALUE, &tpl_arg }, { NULL, 0, NULL },
	};
	struct db_event ev;
	struct db_registration r;
	struct printer_raster ras;
	struct badge_template t;
	char why[256];

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!out || (!reg && !code)) {
		cli_usage(c, "badge");
		return 2;
	}
	if (load_template(c, tpl_arg, &t))
		return 2;
	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	rc = reg ? db_reg_get(c->d, ev.id, strtoll(reg, NULL, 10), &r) : db_reg_by_code(c->d, code, &r);
	if (rc != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: no such participant in the current event\n"));
		return 2;
	}
	if (badge_init(why, sizeof why) != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", why);
		return 2;
	}
	struct badge_info b = {
		.display = r.display, .given = r.given, .family = r.family,
		.organization = r.organization, .category = r.category, .event_name = ev.name,
		.code = r.vk_code[0] ? r.vk_code : r.ticket_code, .email = r.email,
	};
	rc = badge_render_template(&b, &t, NULL, &ras);
	if (rc == VK_OK) {
		rc = printer_raster_save_png(&ras, out) == PRINTER_OK ? VK_OK : VK_ERR_IO;
		printer_raster_free(&ras);
	}
	badge_shutdown();
	if (rc) {
		fprintf(c->err, _("vkhid: could not write the badge to %s (%s)\n"), out, vk_strerror(rc));
		return 2;
	}
	fprintf(c->out, "%s\n", out);
	return 0;
}

/* The registration a code names, without recording anything (for the reprint limit,
 * which must be weighed before checkin_reprint records the reprint). 0 when unknown. */
static int code_registration(struct cli *c, const char *code, int64_t *event_id,
			     int64_t *number)
{
	struct ticket_signed ts;
	struct db_registration r;

	if (ticket_decode(code, strlen(code), &ts) == TICKET_OK) {
		*event_id = ts.t.event_id;
		*number = ts.t.number;
		return 1;
	}
	if (db_reg_by_code(c->d, code, &r) != VK_OK)
		return 0;
	*event_id = r.event_id;
	*number = r.number;
	return 1;
}

static void print_note(void *ctx, const struct printq_note *n)
{
	struct cli *c = ctx;
	if (n->kind == PRINTQ_PRINTED && n->file && n->file[0])
		fprintf(c->out, "%s\n", n->file);
}

/* `badge print CODE`: a counted staff reprint, printed now. */
static int badge_print(struct cli *c, int argc, char **argv)
{
	const char *prn = DEFAULT_PRINTER, *tpl = NULL, *pos[1];
	int np = 0, rc;
	struct opt_spec spec[] = { { "--printer", OPT_VALUE, &prn },
				   { "--template", OPT_VALUE, &tpl }, { NULL, 0, NULL } };
	struct checkin_desk desk;
	struct checkin_result *res = NULL;
	struct badge_reprint rp;
	struct printq *q = NULL;
	struct db_event ev;
	int64_t event_id = 0, number = 0;
	char why[600];

	if (opt_parse(argc, argv, spec, pos, 1, &np, c->err))
		return 2;
	if (np != 1) {
		cli_usage(c, "badge");
		return 2;
	}
	if (!cli_db(c, 0) || cli_event(c, &ev) || checkin_desk_init(&desk, c->d) != VK_OK)
		return 2;
	/* The command line is the organizer's tool: only the hard limit applies. */
	if (code_registration(c, pos[0], &event_id, &number)
	    && badge_reprint_check(c->d, event_id, number, 1, &rp) == VK_OK
	    && rp.verdict != BADGE_REPRINT_OK) {
		fprintf(c->err, "vkhid: %s (%" PRId64 ")\n", badge_reprint_text(rp.verdict), rp.done);
		return 1;
	}
	/* A built-in name goes with the job; a file is the queue's template. */
	struct badge_template bt;
	struct stat sb;
	const char *builtin = NULL;
	if (tpl && stat(tpl, &sb) != 0 && badge_template_builtin(tpl, &bt) == VK_OK) {
		builtin = tpl;
		tpl = NULL;
	}
	/* Open the printer before recording: a mistyped --printer records nothing. */
	struct printq_config cfg = { .db_path = c->db_path, .printer_spec = prn,
				     .event_name = ev.name, .template_path = tpl };
	rc = printq_open(&cfg, print_note, c, &q, why, sizeof why);
	if (rc != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", why);
		return 2;
	}
	res = calloc(1, sizeof *res);
	if (!res) {
		rc = 2;
		goto out;
	}
	rc = checkin_reprint(&desk, pos[0], strlen(pos[0]), res);
	if (rc == VK_ERR_REPRINT_LIMIT || rc == VK_ERR_REPRINT_NEEDS_ORGANIZER) {
		/* the limit was reached since the look above (another kiosk): nothing recorded */
		fprintf(c->err, "vkhid: %s (%" PRId64 ")\n",
			badge_reprint_text(badge_reprint_verdict_of(rc)), res->reprints.done);
		rc = 1;
		goto out;
	}
	if (rc == VK_ERR_INVALID || rc == VK_ERR_NOT_FOUND) {
		if (rc == VK_ERR_NOT_FOUND)
			fprintf(c->err, "%s", _("vkhid: this participant is not checked in: check in "
						 "first\n"));
		else
			fprintf(c->err, _("vkhid: no badge for this code: %s\n"),
				checkin_outcome_title(res->outcome));
		rc = 1;
		goto out;
	}
	if (rc || !res->job_id) {
		fprintf(c->err, _("vkhid: could not save (%s)\n"),
			vk_strerror(rc));
		rc = 2;
		goto out;
	}
	struct db_print_job job = { .id = res->job_id, .event_id = res->event_id,
				    .number = res->number, .state = DB_JOB_QUEUED };
	snprintf(job.template_name, sizeof job.template_name, "%s",
		 builtin ? builtin : desk.template_name);
	int printed = printq_print_job(q, &job);
	struct printq_status st;
	printq_get_status(q, &st);
	if (printed == 1) {
		fprintf(c->err, _("Badge of №%lld printed (reprint %lld).\n"),
			(long long)res->number, (long long)rp.done + 1);
		rc = 0;
	} else {
		fprintf(c->err, _("vkhid: not printed yet: %s. %s\n"
				   "The reprint is recorded and stays queued: it prints when the "
				   "printer is ready.\n"),
			printq_state_text(st.state), printq_state_advice(st.state));
		if (st.state == PRINTER_WRONG_MEDIA) {
			struct badge_template t;
			if (load_template(c, builtin ? builtin : tpl, &t) == 0) {
				printq_wrong_media_text(&st.media, &t.media, why, sizeof why);
				fprintf(c->err, "%s\n", why);
			}
		}
		rc = 1;
	}
out:
	free(res);
	printq_close(q);
	return rc;
}

int cmd_badge(struct cli *c, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "preview") == 0)
		return badge_preview(c, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "print") == 0)
		return badge_print(c, argc - 1, argv + 1);
	cli_usage(c, "badge");
	return 2;
}
