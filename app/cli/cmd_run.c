/* SPDX-License-Identifier: MIT */
/* `vkhid run`: the kiosk. Headless, it runs the same loop with the simulated camera and
 * printer, driven by a scenario (or by a folder of images), and prints what happened. */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "ui/kiosk.h"
#include "ui/scenario.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Prints the summary of a run; returns the number of failed expectations. */
static int summary(struct cli *c, const struct scenario *s)
{
	int total = 0;
	for (int i = 0; i < CI_OUTCOME_COUNT; i++)
		total += s->outcomes[i];
	fprintf(c->out, TR("\n%d presentations:", "\n%d пред'явлень:"), total);
	for (int i = 0; i < CI_OUTCOME_COUNT; i++)
		if (s->outcomes[i])
			fprintf(c->out, " %s %d", checkin_outcome_word(i), s->outcomes[i]);
	fputc('\n', c->out);
	fprintf(c->out, TR("badges printed %d, waiting in the queue %d, frames with no code read %d\n",
			   "надруковано бейджів %d, у черзі %d, кадрів без коду %d\n"),
		s->printed, s->held ? s->held : 0, s->no_read);
	if (s->n_door)
		fprintf(c->out, TR("image shown -> outcome -> badge written: median %.1f ms per attendee\n",
				   "зображення -> рішення -> бейдж записано: медіана %.1f мс на учасника\n"),
			scenario_median_door_ms(s));
	if (s->expect_passed || s->expect_failed)
		fprintf(c->out, TR("expectations: %d met, %d not met\n", "очікування: %d справдилось, %d ні\n"),
			s->expect_passed, s->expect_failed);
	return s->expect_failed;
}

int cmd_run(struct cli *c, int argc, char **argv)
{
	const char *scen = NULL, *out = NULL, *cam = NULL, *prn = NULL, *pos[1];
	int headless = 0, np = 0, rc, quiet = 0;
	struct opt_spec spec[] = {
		{ "--headless", OPT_FLAG, &headless }, { "--scenario", OPT_VALUE, &scen },
		{ "--out", OPT_VALUE, &out }, { "--camera", OPT_VALUE, &cam },
		{ "--printer", OPT_VALUE, &prn }, { "--quiet", OPT_FLAG, &quiet }, { NULL, 0, NULL },
	};
	struct kiosk_config cfg;
	struct scenario *s;
	struct kiosk *k;
	char why[1024] = "";

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!headless) {
		fprintf(c->err, "%s", TR("vkhid: this build runs the kiosk headless only: add --headless "
					 "--scenario FILE --out DIR (the touch screen comes with the kiosk screens)\n",
					 "vkhid: ця збірка запускає кіоск лише без екрана: додайте --headless "
					 "--scenario ФАЙЛ --out ТЕКА\n"));
		return 2;
	}
	if (!out || (!scen && !cam)) {
		cli_usage(c, "run");
		return 2;
	}
	/* open through the CLI first for its messages (missing file, foreign file) and TZ */
	if (!cli_db(c, 0))
		return 2;
	struct db_event ev;
	if (cli_event(c, &ev))
		return 2;
	s = calloc(1, sizeof *s);
	if (!s)
		return 2;
	s->account = quiet ? NULL : c->out;
	memset(&cfg, 0, sizeof cfg);
	cfg.db_path = c->db_path;
	cfg.camera_spec = cam ? cam : "files:";
	cfg.printer_spec = prn;
	cfg.out_dir = out;
	cfg.virtual_clock = 1;
	cfg.frame_ms = 33;
	rc = kiosk_open(&cfg, scenario_note, s, &k, why, sizeof why);
	if (rc) {
		fprintf(c->err, TR("vkhid: the kiosk cannot start: %s\n", "vkhid: кіоск не запускається: %s\n"), why);
		free(s);
		return 2;
	}
	s->k = k;
	if (!quiet)
		fprintf(c->out, TR("Kiosk for %s: camera %s, printer %s, log %s/log.jsonl\n",
				   "Кіоск заходу «%s»: камера %s, принтер %s, журнал %s/log.jsonl\n"),
			ev.name, cfg.camera_spec, prn ? prn : "file", out);
	if (scen) {
		rc = scenario_run(s, scen, why, sizeof why);
	} else {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		while (!stop && (rc = kiosk_tick(k, 0)) >= 0)
			;
		rc = rc == VK_ERR_NOT_FOUND || stop ? VK_OK : rc;
	}
	kiosk_close(k);
	if (rc) {
		fprintf(c->err, TR("vkhid: the run stopped: %s\n", "vkhid: запуск зупинено: %s\n"),
			why[0] ? why : vk_strerror(rc));
		free(s);
		return 2;
	}
	rc = summary(c, s) ? 1 : 0;
	free(s);
	return rc;
}
