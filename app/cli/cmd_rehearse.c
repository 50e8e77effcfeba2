/* SPDX-License-Identifier: MIT */
/* `vkhid rehearse --attendees N --rate R/min`: a dress rehearsal before the doors open.
 *
 * The real database is never written: it is copied (db_copy_to, a consistent snapshot
 * even beside a running kiosk) into a scratch folder, N made-up attendees with generated
 * ticket codes are added to the copy, and each code is shown as a QR code to the simulated
 * camera of the same door the kiosk runs (door/door.h, headless: virtual clock, badges
 * printed at once) with the simulated printer, or the real one with --printer. The copy
 * decides alone (decider "local"), so a kiosk enrolled to a hub sends nothing to it.
 *
 * What it reports, in the user's language: check-ins per minute, the queue people would
 * stand in, badge time (code read to badge printed, p50/p95) and everything that failed.
 * The queue is a model, said in the output: people arrive evenly at the rate; each spends
 * the time the door really took (frames until the code was read, the decision, the badge)
 * plus --handling seconds to step up and take the badge; one kiosk serves one at a time. */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "badge/printmsg.h"
#include "badge/qr.h"
#include "camera/camera.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"
#include "door/door.h"

#define REHEARSE_MAX 20000
#define SHOW_FRAMES 30          /* a code not read within a second of frames failed */
#define FAIL_LINES 12           /* failures listed one by one, then counted */

struct rehearsal {
	/* the person being presented: what the door said */
	int outcome;                /* enum checkin_outcome, -1 none yet */
	double decide_ms;           /* decoded -> outcome */
	int printed;
	double print_ms;
	int held;
	enum printer_state held_state;
	int problem;
	enum door_problem problem_kind;
	/* totals */
	int admitted, no_read, refused, not_printed, problems;
	char fail[FAIL_LINES][200];
	int n_fail;
};

static void note_fail(struct rehearsal *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_fail(struct rehearsal *r, const char *fmt, ...)
{
	va_list ap;
	if (r->n_fail < FAIL_LINES) {
		va_start(ap, fmt);
		vsnprintf(r->fail[r->n_fail], sizeof r->fail[0], fmt, ap);
		va_end(ap);
	}
	r->n_fail++;
}

static void on_note(void *ctx, const struct door_note *n)
{
	struct rehearsal *r = ctx;
	switch (n->kind) {
	case DOOR_OUTCOME:
		if (n->result) {
			r->outcome = (int)n->result->outcome;
			r->decide_ms = n->ms;
		}
		break;
	case DOOR_PRINTED:
		r->printed = 1;
		r->print_ms = n->ms;
		break;
	case DOOR_PRINT_HELD:
		r->held = 1;
		r->held_state = n->printer_state;
		break;
	case DOOR_PROBLEM:
		r->problem = 1;
		r->problem_kind = n->problem;
		break;
	default:
		break;
	}
}

/* Shows text as a QR code on a white 640x480 page, as a phone held up would show it. */
static int show_code(struct camera *cam, const char *text)
{
	struct qr_image q;
	uint8_t *qr = NULL, *page;
	int side, w = 640, h = 480, rc;

	if (qr_encode(text, &q) != VK_OK)
		return VK_ERR_INVALID;
	rc = qr_render_gray(&q, 4, 4, &qr, &side);
	qr_free(&q);
	if (rc != VK_OK)
		return rc;
	if (side > w)
		w = h = side;
	page = malloc((size_t)w * h);
	if (!page) {
		free(qr);
		return VK_ERR_NOMEM;
	}
	memset(page, 255, (size_t)w * h);
	for (int y = 0; y < side; y++)
		memcpy(page + (size_t)(y + (h - side) / 2) * w + (w - side) / 2, qr + (size_t)y * side,
		       (size_t)side);
	rc = camera_sim_show(cam, page, w, h, w) == CAM_OK ? VK_OK : VK_ERR_INVALID;
	free(page);
	free(qr);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The p-th percentile (0..100) of n sorted values, nearest rank. */
static double percentile(const double *v, int n, int p)
{
	int k;
	if (n <= 0)
		return 0;
	k = (p * n + 99) / 100;
	return v[k < 1 ? 0 : k - 1];
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Parses "12", "12/min" or "12/m"; 0 when it is not a rate between 0.1 and 6000 a minute. */
static double parse_rate(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !(v >= 0.1 && v <= 6000))
		return 0;
	if (*end && strcmp(end, "/min") != 0 && strcmp(end, "/m") != 0)
		return 0;
	return v;
}

/* Adds n made-up attendees with generated codes to the copy; codes[i] receives each. */
static int add_attendees(const char *path, int n, char (*codes)[64], char *why, size_t why_len)
{
	db *d = NULL;
	struct db_event ev;
	int rc = db_open(path, 0, &d, why, why_len);
	uint32_t salt = ticket_nonce_new();

	if (rc)
		return rc;
	if (db_event_current(d, &ev) != VK_OK) {
		memset(&ev, 0, sizeof ev);
		snprintf(ev.name, sizeof ev.name, "%s", _("Rehearsal"));
		snprintf(ev.timezone, sizeof ev.timezone, "Europe/Kyiv");
		if ((rc = db_event_create(d, &ev)) || (rc = db_event_set_current(d, ev.id)))
			goto out;
	}
	if ((rc = db_begin(d)))
		goto out;
	/* the real kiosk's waiting badges came along in the copy: they are real people's,
	 * and the rehearsal's printer must not print them */
	{
		struct db_print_job job;
		int guard = 0;
		while (!rc && db_job_next(d, &job) == VK_OK && guard++ < 1000000)
			rc = db_job_set_state(d, job.id, DB_JOB_DONE, "left to the real kiosk: rehearsal copy");
	}
	for (int i = 0; i < n && !rc; i++) {
		struct db_registration reg;
		memset(&reg, 0, sizeof reg);
		reg.event_id = ev.id;
		snprintf(codes[i], 64, "VKHID-REHEARSAL-%08x-%05d", (unsigned)salt, i + 1);
		snprintf(reg.ticket_code, sizeof reg.ticket_code, "%s", codes[i]);
		snprintf(reg.display, sizeof reg.display, _("Rehearsal guest %d"), i + 1);
		snprintf(reg.category, sizeof reg.category, "%s", _("Rehearsal"));
		rc = db_reg_insert(d, &reg);
	}
	if (rc)
		db_rollback(d);
	else
		rc = db_commit(d);
out:
	if (rc && !*why)
		snprintf(why, why_len, "%s", vk_error_name(rc));
	db_close(d);
	return rc;
}

int cmd_rehearse(struct cli *c, int argc, char **argv)
{
	const char *n_arg = "50", *rate_arg = "10/min", *prn = NULL, *out = NULL, *handling_arg = "5";
	const char *pos[1];
	int json = 0, np = 0, n, rc = 2, kept = 1;
	double rate, handling_s;
	struct opt_spec spec[] = {
		{ "--attendees", OPT_VALUE, &n_arg }, { "--rate", OPT_VALUE, &rate_arg },
		{ "--printer", OPT_VALUE, &prn },     { "--out", OPT_VALUE, &out },
		{ "--handling", OPT_VALUE, &handling_arg }, { "--json", OPT_FLAG, &json },
		{ NULL, 0, NULL },
	};
	char dir[1024] = "", copy[1200], badges[1200], printer_spec[1300], why[600] = "", *end, *hend;
	char (*codes)[64] = NULL;
	double *badge_ms = NULL, *arrive = NULL, *begin = NULL, *done = NULL;
	struct rehearsal *r = calloc(1, sizeof *r);
	struct door *d = NULL;
	struct door_config dc;
	int64_t vt = 0;            /* virtual ms since the first arrival */
	int n_badge = 0;

	if (!r)
		return 2;
	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		goto out;
	n = (int)strtol(n_arg, &end, 10);
	rate = parse_rate(rate_arg);
	handling_s = strtod(handling_arg, &hend);
	if (*end || hend == handling_arg || *hend || n < 1 || n > REHEARSE_MAX || rate <= 0 || !(handling_s >= 0 && handling_s <= 600)) {
		fprintf(c->err, _("vkhid rehearse: --attendees wants 1 to %d people, --rate a number a "
				  "minute such as 12/min, --handling seconds (0 to 600)\n"), REHEARSE_MAX);
		goto out;
	}
	/* the real database: opened read-only (messages for a missing or foreign file, the
	 * event's time zone), copied, closed; nothing of the rehearsal ever reaches it */
	if (!cli_db(c, CLI_DB_READ))
		goto out;
	if (out) {
		snprintf(dir, sizeof dir, "%s", out);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(c->err, _("vkhid rehearse: cannot create the folder %s: %s\n"), dir, strerror(errno));
			goto out;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/vkhid-rehearsal-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			fprintf(c->err, _("vkhid rehearse: cannot create the folder %s: %s\n"), dir, strerror(errno));
			goto out;
		}
	}
	kept = out != NULL;
	snprintf(copy, sizeof copy, "%s/rehearsal.db", dir);
	snprintf(badges, sizeof badges, "%s/badges", dir);
	if (access(copy, F_OK) == 0) {
		fprintf(c->err, _("vkhid rehearse: %s already holds a rehearsal: choose another --out "
				  "folder\n"), dir);
		goto out;
	}
	rc = db_copy_to(c->d, copy);
	db_close(c->d);
	c->d = NULL;
	codes = calloc((size_t)n, sizeof *codes);
	badge_ms = calloc((size_t)n, sizeof *badge_ms);
	arrive = calloc((size_t)n, sizeof *arrive);
	done = calloc((size_t)n, sizeof *done);
	begin = calloc((size_t)n, sizeof *begin);
	if (rc == VK_OK && (!codes || !badge_ms || !arrive || !done || !begin))
		rc = VK_ERR_NOMEM;
	if (rc == VK_OK)
		rc = add_attendees(copy, n, codes, why, sizeof why);
	if (rc != VK_OK) {
		fprintf(c->err, _("vkhid rehearse: cannot make the copy of the event in %s: %s\n"), dir,
			why[0] ? why : cli_db_advice(rc));
		rc = 2;
		goto cleanup;
	}
	snprintf(printer_spec, sizeof printer_spec, "file:%s", badges);
	memset(&dc, 0, sizeof dc);
	dc.database = copy;
	dc.camera_spec = "files:";
	dc.printer_spec = prn ? prn : printer_spec;
	dc.out_dir = dir;
	dc.decider = "local";
	dc.headless = 1;
	dc.frame_ms = 33;
	rc = door_open(&dc, on_note, r, &d, why, sizeof why);
	if (rc != VK_OK) {
		fprintf(c->err, _("vkhid rehearse: the door cannot open: %s\n"), why);
		rc = 2;
		goto cleanup;
	}
	if (!json) {
		fprintf(c->out, _("Rehearsal: %d attendees at %.1f a minute through the kiosk's door\n"), n, rate);
		fprintf(c->out, _("  The real database %s is not touched: the rehearsal runs on a copy of "
				  "it with %d made-up attendees, %s%s\n"),
			c->db_path, n, copy, kept ? "" : _(" (removed at the end)"));
		fprintf(c->out, _("  Camera: simulated, showing each generated ticket; printer: %s\n"),
			dc.printer_spec);
	}

	{
		double gap = 60000.0 / rate, free_at = 0;
		for (int i = 0; i < n; i++) {
			int frames = 0, got = 0;
			double start, real0, real_ms;
			arrive[i] = i * gap;
			start = arrive[i] > free_at ? arrive[i] : free_at;
			begin[i] = start;
			/* the door's clock walks to the moment this person steps up */
			if ((int64_t)start > vt) {
				door_step(d, (int)((int64_t)start - vt));
				vt = (int64_t)start;
			}
			r->outcome = -1;
			r->printed = r->held = r->problem = 0;
			real0 = clock_mono_ms();
			if (show_code(door_camera(d), codes[i]) != VK_OK) {
				note_fail(r, _("%s: cannot draw the code"), codes[i]);
				r->no_read++;
				done[i] = start;
				continue;
			}
			while (frames < SHOW_FRAMES && !got) {
				got = door_step(d, 0) > 0 || r->outcome >= 0;
				frames++;
			}
			camera_sim_show(door_camera(d), NULL, 0, 0, 0);
			real_ms = clock_mono_ms() - real0;
			if (!got) {
				r->no_read++;
				note_fail(r, _("%s: the camera did not read the code"), codes[i]);
			} else if (r->outcome != CI_ADMITTED) {
				r->refused++;
				note_fail(r, _("%s: not admitted: %s"), codes[i],
					  checkin_outcome_title((enum checkin_outcome)r->outcome));
			} else {
				r->admitted++;
				if (r->printed) {
					badge_ms[n_badge++] = r->decide_ms + r->print_ms;
				} else {
					r->not_printed++;
					note_fail(r, _("%s: admitted, but the badge did not print: %s"), codes[i],
						  r->held ? printq_state_text(r->held_state)
							  : _("the printer did not say why"));
				}
			}
			if (r->problem) {
				r->problems++;
				note_fail(r, "%s: %s", codes[i], door_problem_text(r->problem_kind));
			}
			/* the frames ran on the virtual clock; the work itself took real time */
			done[i] = start + frames * dc.frame_ms + real_ms + handling_s * 1000;
			free_at = done[i];
		}
	}

	{
		int q_max = 0;
		double q_sum = 0, span_min, per_min, p50, p95, wait_max = 0;
		/* what each newcomer finds: people who came earlier and have not stepped up yet */
		for (int i = 0; i < n; i++) {
			int q = 0;
			for (int j = 0; j < i; j++)
				q += begin[j] > arrive[i];
			q_sum += q;
			if (q > q_max)
				q_max = q;
			if (begin[i] - arrive[i] > wait_max)
				wait_max = begin[i] - arrive[i];
		}
		span_min = (done[n - 1] - arrive[0]) / 60000.0;
		per_min = span_min > 0 ? r->admitted / span_min : 0;
		qsort(badge_ms, (size_t)n_badge, sizeof *badge_ms, cmp_double);
		p50 = percentile(badge_ms, n_badge, 50);
		p95 = percentile(badge_ms, n_badge, 95);
		int failed = n - r->admitted + r->not_printed;
		if (json) {
			fprintf(c->out, "{\"attendees\": %d, \"rate_per_min\": %.2f, \"admitted\": %d, "
					"\"printed\": %d, \"checkins_per_min\": %.2f, \"queue_max\": %d, "
					"\"queue_mean\": %.2f, \"wait_max_s\": %.1f, \"badge_p50_ms\": %.1f, \"badge_p95_ms\": %.1f, "
					"\"no_read\": %d, \"refused\": %d, \"not_printed\": %d, \"problems\": %d, "
					"\"failed\": %d, \"copy\": ",
				n, rate, r->admitted, n_badge, per_min, q_max, q_sum / n, wait_max / 1000, p50, p95, r->no_read,
				r->refused, r->not_printed, r->problems, failed);
			cli_json_str(c->out, copy);
			fprintf(c->out, ", \"kept\": %s, \"database\": ", kept ? "true" : "false");
			cli_json_str(c->out, c->db_path);
			fprintf(c->out, "}\n");
		} else {
			fprintf(c->out, _("Checked in: %d of %d; badges printed: %d\n"), r->admitted, n, n_badge);
			fprintf(c->out, _("Check-ins per minute: %.1f (people arrived at %.1f a minute)\n"), per_min,
				rate);
			fprintf(c->out, _("Queue: at most %d waiting, %.1f on average, the longest wait %.0f s "
					  "(each person takes %.0f s to step up and take the badge, --handling)\n"),
				q_max, q_sum / n, wait_max / 1000, handling_s);
			if (n_badge)
				fprintf(c->out, _("Badge time, code read to badge printed: p50 %.0f ms, p95 %.0f ms\n"),
					p50, p95);
			if (!r->n_fail) {
				fprintf(c->out, "%s\n", _("Nothing failed."));
			} else {
				fprintf(c->out, _("Failed: %d\n"), r->n_fail);
				for (int i = 0; i < r->n_fail && i < FAIL_LINES; i++)
					fprintf(c->out, "  %s\n", r->fail[i]);
				if (r->n_fail > FAIL_LINES)
					fprintf(c->out, _("  ... and %d more\n"), r->n_fail - FAIL_LINES);
			}
			if (kept)
				fprintf(c->out, _("The copy, its log and badges stay in %s.\n"), dir);
		}
		rc = failed || r->problems ? 1 : 0;
	}

cleanup:
	door_close(d);
	if (!kept && dir[0])
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
out:
	free(codes);
	free(badge_ms);
	free(arrive);
	free(done);
	free(begin);
	free(r);
	return rc;
}
