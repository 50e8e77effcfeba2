/* SPDX-License-Identifier: MIT */
/* `vkhid run`: the kiosk. With a display it is the touch kiosk (ui/app.c: UI, door and
 * printer threads), full screen under KMSDRM, a window under X11 or Wayland; with
 * --headless --exit-after the same threads offscreen ("--exit-after end": until the
 * camera's images ran out and every badge printed). Headless with a scenario (or a folder
 * of images) it steps the same door (door/door.h) in one thread on a virtual clock, with
 * the simulated camera and printer and the screens offscreen, and prints what happened. */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "ui/app.h"
#include "door/door.h"
#include "ui/scenario.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
	app_stop();
}

/* Parses "WxH"; returns 0 when it is a plausible window size. */
static int parse_size(const char *s, int *w, int *h)
{
	char x;
	return s && sscanf(s, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') && *w >= 320 && *h >= 240
			       && *w <= 8192 && *h <= 8192
		       ? 0
		       : -1;
}

/* The kiosk with a screen: the threaded app. */
static int run_window(struct cli *c, const char *cam, const char *prn, const char *out,
		      const char *size, int fullscreen, const char *exit_after, const char *shot,
		      int headless, const char *light, int rotation, int64_t session, int exit_door)
{
	struct app_config cfg = { .database = c->db_path, .camera_spec = cam ? cam : "auto",
				  .printer_spec = prn ? prn : "usb", .out_dir = out, .headless = headless,
				  .fullscreen = fullscreen, .screenshot = shot, .light_spec = light,
				  .rotation = rotation, .session_id = session, .session_exit = exit_door };
	struct app_stats *st = calloc(1, sizeof *st);
	char why[1024] = "";
	int rc;

	if (!st)
		return 2;
	if (size && parse_size(size, &cfg.w, &cfg.h)) {
		fputs(_("vkhid: --size wants WIDTHxHEIGHT, such as 800x480\n"), c->err);
		free(st);
		return 2;
	}
	if (exit_after && strcmp(exit_after, "end") == 0) {
		cfg.exit_at_end = 1;
	} else if (exit_after) {
		char *end;
		double sec = strtod(exit_after, &end);
		if (end == exit_after || *end || !(sec > 0 && sec <= 86400)) {
			fputs(_("vkhid: --exit-after wants seconds (such as 5) or end (when the camera's "
				"images ran out and every badge printed)\n"), c->err);
			free(st);
			return 2;
		}
		cfg.exit_after_ms = (int)(sec * 1000);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = app_run(&cfg, st, why, sizeof why);
	if (rc) {
		fprintf(c->err, _("vkhid: the kiosk cannot start: %s\n"), why);
		free(st);
		return 2;
	}
	fprintf(c->out, _("%ld frames in %.1f s (%.0f a second), %d badges printed\n"),
		st->frames, st->seconds, st->fps, st->printed);
	free(st);
	return 0;
}

/* Reads --session ID: the session must be one of the current event's and not cancelled.
 * Returns 0 with *id (0 when no --session), or 2 after saying what is wrong. */
static int read_session(struct cli *c, const char *arg, int64_t *id)
{
	struct db_event ev;
	struct db_session x;
	char *end;
	long long n;
	*id = 0;
	if (!arg)
		return 0;
	n = strtoll(arg, &end, 10);
	if (cli_event(c, &ev))
		return 2;
	if (*end || n < 1 || db_session_get(c->d, n, &x) != VK_OK || x.event_id != ev.id) {
		fprintf(c->err, _("vkhid: no session %s in this event; `vkhid session list` shows them\n"), arg);
		return 2;
	}
	if (x.cancelled) {
		fprintf(c->err, _("vkhid: session %s (%s) was cancelled; choose another\n"), arg, x.title);
		return 2;
	}
	fprintf(c->out, _("Room door: %s, %s, %s-%s\n"), x.title, x.room, x.starts, x.ends + 11);
	*id = n;
	return 0;
}

/* Prints the summary of a run; returns the number of failed expectations. */
static int summary(struct cli *c, const struct scenario *s)
{
	int total = 0;
	for (int i = 0; i < CI_OUTCOME_COUNT; i++)
		total += s->outcomes[i];
	fprintf(c->out, _("\n%d presentations:"), total);
	for (int i = 0; i < CI_OUTCOME_COUNT; i++)
		if (s->outcomes[i])
			fprintf(c->out, " %s %d", checkin_outcome_word(i), s->outcomes[i]);
	fputc('\n', c->out);
	fprintf(c->out, _("badges printed %d, waiting in the queue %d, frames with no code read %d\n"),
		s->printed, s->held ? s->held : 0, s->no_read);
	if (s->n_door)
		fprintf(c->out, _("image shown -> outcome -> badge written: median %.1f ms per attendee\n"),
			scenario_median_door_ms(s));
	if (s->problems)
		fprintf(c->out, _("problems at the door (the door went on): %d\n"), s->problems);
	if (s->expect_passed || s->expect_failed)
		fprintf(c->out, _("expectations: %d met, %d not met\n"),
			s->expect_passed, s->expect_failed);
	return s->expect_failed;
}

int cmd_run(struct cli *c, int argc, char **argv)
{
	const char *scen = NULL, *out = NULL, *cam = NULL, *prn = NULL, *pos[1], *size = NULL;
	const char *exit_after = NULL, *shot = NULL, *light = NULL, *conf = NULL, *rot = NULL;
	const char *ses = NULL;
	int64_t session = 0;
	int exit_door = 0;
	int headless = 0, np = 0, rc, quiet = 0, fullscreen = 0, no_screens = 0, sw = 0, sh = 0;
	int rotation = 0;
	struct opt_spec spec[] = {
		{ "--headless", OPT_FLAG, &headless }, { "--scenario", OPT_VALUE, &scen },
		{ "--out", OPT_VALUE, &out }, { "--camera", OPT_VALUE, &cam },
		{ "--printer", OPT_VALUE, &prn }, { "--quiet", OPT_FLAG, &quiet },
		{ "--size", OPT_VALUE, &size }, { "--fullscreen", OPT_FLAG, &fullscreen },
		{ "--no-screens", OPT_FLAG, &no_screens }, { "--exit-after", OPT_VALUE, &exit_after },
		{ "--screenshot", OPT_VALUE, &shot }, { "--light", OPT_VALUE, &light },
		{ "--config", OPT_VALUE, &conf }, { "--rotation", OPT_VALUE, &rot },
		{ "--session", OPT_VALUE, &ses }, { "--exit", OPT_FLAG, &exit_door }, { NULL, 0, NULL },
	};
	struct door_config cfg;
	struct scenario *s;
	struct door *k;
	char why[1024] = "";

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (rot) {
		struct config rc_cfg;
		config_defaults(&rc_cfg);
		if (config_set(&rc_cfg, "rotation", rot, why, sizeof why) != VK_OK) {
			fprintf(c->err, "vkhid: --rotation: %s\n", why);
			return 2;
		}
		rotation = rc_cfg.rotation;
	}
	if (exit_door && !ses) {
		fputs(_("vkhid: --exit makes a session's door the one people leave by: give --session ID too\n"),
		      c->err);
		return 2;
	}
	if (!headless) {
		/* the kiosk at a door: /etc/vkhid/vkhid.conf (or --config) says what the flags do
		 * not; a mistake there is reported with its line and that setting keeps its
		 * default, so a typo never keeps the kiosk from starting */
		static struct config kc;
		struct config_report rep;
		char wh[32];
		int lrc;
		config_defaults(&kc);
		memset(&rep, 0, sizeof rep);
		lrc = config_load(conf ? conf : CONFIG_PATH, &kc, &rep);
		if (lrc == VK_ERR_NOT_FOUND && conf) {
			fprintf(c->err, _("vkhid: no such settings file: %s\n"), conf);
			return 2;
		}
		config_report_print(&rep, conf ? conf : CONFIG_PATH, c->err);
		if (lrc == 0) {
			/* only a file that exists speaks: without one, the flags' own defaults */
			if (!cam)
				cam = kc.camera;
			if (!prn)
				prn = kc.printer;
			if (!light && kc.light[0])
				light = kc.light;
			/* the size is the screen's own, as it is mounted; the rotation turns the
			 * drawing (ui.h), so a portrait layout needs no swapped size */
			if (!size && kc.width > 0 && kc.height > 0) {
				snprintf(wh, sizeof wh, "%dx%d", kc.width, kc.height);
				size = wh;
			}
			if (!rot)
				rotation = kc.rotation;
			if (!fullscreen && kc.fullscreen)
				fullscreen = 1;
			if (kc.language[0] && i18n_lang_find(kc.language) >= 0 && !getenv("VKHID_LANG"))
				i18n_set_lang(i18n_lang_find(kc.language));
		}
		if (!cli_db(c, 0) || read_session(c, ses, &session))
			return 2;
		return run_window(c, cam, prn, out, size, fullscreen, exit_after, shot, 0, light, rotation,
				  session, exit_door);
	}
	if (!scen && exit_after) {
		/* the threaded kiosk offscreen for a while: tests and benchmarks of the real threads */
		if (!cli_db(c, 0) || read_session(c, ses, &session))
			return 2;
		return run_window(c, cam ? cam : "files:", prn, out, size, 0, exit_after, shot, 1, light,
				  rotation, session, exit_door);
	}
	if (size && parse_size(size, &sw, &sh)) {
		fputs(_("vkhid: --size wants WIDTHxHEIGHT, such as 800x480\n"), c->err);
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
	if (cli_event(c, &ev) || read_session(c, ses, &session))
		return 2;
	s = calloc(1, sizeof *s);
	if (!s)
		return 2;
	s->account = quiet ? NULL : c->out;
	memset(&cfg, 0, sizeof cfg);
	cfg.database = c->db_path;
	cfg.camera_spec = cam ? cam : "files:";
	cfg.printer_spec = prn;
	cfg.out_dir = out;
	cfg.headless = 1;
	cfg.frame_ms = 33;
	cfg.light_spec = light;
	cfg.session_id = session;
	cfg.session_exit = exit_door;
	rc = door_open(&cfg, scenario_note, s, &k, why, sizeof why);
	if (rc) {
		fprintf(c->err, _("vkhid: the kiosk cannot start: %s\n"), why);
		free(s);
		return 2;
	}
	s->door = k;
	if (!quiet)
		fprintf(c->out, _("Kiosk for %s: camera %s, printer %s, log %s/log.jsonl\n"),
			ev.name, cfg.camera_spec, prn ? prn : "file", out);
	if (!no_screens && scenario_screens_open(s, out, sw, sh, why, sizeof why) != VK_OK) {
		/* the door works without its screens: say so and go on */
		fprintf(c->err, _("vkhid: no screens in this run: %s\n"), why);
		scenario_screens_close(s);
		why[0] = '\0';
	}
	if (scen) {
		rc = scenario_run(s, scen, why, sizeof why);
	} else {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		/* the door goes on through trouble (reported in the account); only the end of the
		 * camera's images or a signal stops it */
		while (!stop && (rc = door_step(k, 0)) >= 0)
			;
		rc = rc == VK_ERR_NOT_FOUND || stop ? VK_OK : rc;
	}
	scenario_screens_close(s);
	door_close(k);
	if (rc) {
		fprintf(c->err, _("vkhid: the run stopped: %s\n"),
			why[0] ? why : vk_strerror(rc));
		free(s);
		return 2;
	}
	rc = summary(c, s) ? 1 : 0;
	free(s);
	return rc;
}
