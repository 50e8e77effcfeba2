/* SPDX-License-Identifier: MIT */
/* `vkhid doctor`: is this kiosk ready? One screen (or --json) with one line for each part
 * -- camera, printer, database, backup, event, key, roster, hub, clock, power, memory,
 * service -- that says OK or what to do. The checks themselves are app/doctor (the
 * organizer screen shows the same report); this file gathers the facts the command line
 * can see (the camera and printer named by the flags or /etc/vkhid/vkhid.conf, opened for
 * a moment) and prints them.
 *
 * The database is opened read-only, so the doctor works on a backup, a read-only copy or
 * a damaged file and never changes it. Exit status: 0 when nothing is a problem (warnings
 * pass), 1 when something is, 2 for a usage mistake. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "doctor/doctor.h"

#define HUB_TIMEOUT_MS 3000
#define CAMERA_WATCH_MS 2500

/* Prints s padded with spaces to width characters (UTF-8 letters count as one). */
static void print_padded(FILE *out, const char *s, int width)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	fputs(s, out);
	for (; n < width; n++)
		fputc(' ', out);
}

int cmd_doctor(struct cli *c, int argc, char **argv)
{
	const char *cam = NULL, *prn = NULL, *tpl = NULL, *conf = NULL, *fault = NULL, *pos[1];
	int json = 0, np = 0;
	struct opt_spec spec[] = {
		{ "--json", OPT_FLAG, &json },        { "--camera", OPT_VALUE, &cam },
		{ "--printer", OPT_VALUE, &prn },     { "--template", OPT_VALUE, &tpl },
		{ "--config", OPT_VALUE, &conf },     { "--printer-fault", OPT_VALUE, &fault },
		{ NULL, 0, NULL },
	};
	static struct config kc;
	struct config_report rep;
	struct doctor_facts *f = calloc(1, sizeof *f);
	struct doctor_report *r = calloc(1, sizeof *r);
	int lang = i18n_lang(), rc = 2;

	if (!f || !r)
		goto out;
	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		goto out;
	/* the kiosk's own settings file says which camera and printer, as for `vkhid run` */
	config_defaults(&kc);
	memset(&rep, 0, sizeof rep);
	if (config_load(conf ? conf : CONFIG_PATH, &kc, &rep) == VK_ERR_NOT_FOUND && conf) {
		fprintf(c->err, _("vkhid: no such settings file: %s\n"), conf);
		goto out;
	}
	config_report_print(&rep, conf ? conf : CONFIG_PATH, c->err);
	doctor_facts_init(f);
	doctor_gather_local(f, c->db_path);
	if (f->have_event && f->ev.timezone[0]) {
		/* the event's day, in the event's time zone */
		time_t now = time(NULL);
		struct tm tm;
		cli_set_timezone(f->ev.timezone);
		localtime_r(&now, &tm);
		strftime(f->today, sizeof f->today, "%Y-%m-%d", &tm);
	}
	doctor_gather_hub(f, HUB_TIMEOUT_MS);
	doctor_gather_camera(f, cam ? cam : kc.camera, CAMERA_WATCH_MS);
	if (doctor_gather_printer(f, prn ? prn : kc.printer, tpl ? tpl : kc.template_name, fault)) {
		fprintf(c->err, _("vkhid: --printer-fault wants a printer state (no-media, "
				  "end-of-media, cover-open, unplugged...) or labels=N\n"));
		goto out;
	}
	doctor_judge(f, lang, r);

	if (json) {
		fprintf(c->out, "{\"database\": ");
		cli_json_str(c->out, c->db_path);
		fprintf(c->out, ", \"checks\": [");
		for (int i = 0; i < r->n; i++) {
			fprintf(c->out, "%s{\"check\": \"%s\", \"verdict\": \"%s\", \"title\": ", i ? ", " : "",
				r->item[i].name, doctor_verdict_word(r->item[i].verdict));
			cli_json_str(c->out, r->item[i].title);
			fprintf(c->out, ", \"text\": ");
			cli_json_str(c->out, r->item[i].text);
			fprintf(c->out, "}");
		}
		fprintf(c->out, "], \"worst\": \"%s\", \"ok\": %s}\n", doctor_verdict_word(r->worst),
			r->worst == DOCTOR_FAIL ? "false" : "true");
	} else {
		fprintf(c->out, _("vkhid doctor: %s\n"), c->db_path);
		for (int i = 0; i < r->n; i++) {
			fputs("  ", c->out);
			print_padded(c->out, doctor_verdict_text(r->item[i].verdict, lang), 9);
			print_padded(c->out, r->item[i].title, 19);
			fprintf(c->out, " %s\n", r->item[i].text);
		}
		fprintf(c->out, "%s\n", r->worst == DOCTOR_FAIL ? _("Not ready: see the problems above.")
			: r->worst == DOCTOR_WARN ? _("Works, but see the warnings above.")
			: _("Ready."));
	}
	rc = r->worst == DOCTOR_FAIL ? 1 : 0;
out:
	free(f);
	free(r);
	return rc;
}
