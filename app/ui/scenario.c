/* SPDX-License-Identifier: MIT */
/* The headless scenario runner (see scenario.h): parses a script line by line and drives
 * the kiosk through its simulated camera and printer, printing a readable account. */
#include "ui/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badge/qr.h"
#include "camera/camera.h"
#include "core/err.h"
#include "core/i18n.h"
#include "scan/scan.h"

#define SHOW_MAX_FRAMES 30   /* about a second of camera frames */
#define MAX_LINE 4096

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *mark(enum checkin_outcome o)
{
	switch (o) {
	case CI_ADMITTED: return "✔";
	case CI_ALREADY_ADMITTED: return "↺";
	default: return "✘";
	}
}

void scenario_note(void *ctx, const struct kiosk_note *n)
{
	struct scenario *s = ctx;
	FILE *a = s->account;

	switch (n->kind) {
	case KIOSK_OUTCOME: {
		const struct checkin_result *r = n->result;
		s->outcomes[r->outcome]++;
		s->last_outcome = r->outcome;
		snprintf(s->last_name, sizeof s->last_name, "%s", r->have_reg ? r->reg.display : "");
		if (!a)
			break;
		fprintf(a, "    %s %-17s", mark(r->outcome), checkin_outcome_word(r->outcome));
		if (r->have_reg)
			fprintf(a, " %s%s%s", r->reg.display, r->reg.organization[0] ? " · " : "",
				r->reg.organization);
		else if (r->number && r->outcome == CI_ADMITTED)
			fprintf(a, TR(" ticket №%" PRId64 " (not in this kiosk's list yet)",
				      " квиток №%" PRId64 " (ще немає у списку кіоску)"), r->number);
		fprintf(a, "  [%.1f ms]\n", n->ms);
		if (r->outcome == CI_ALREADY_ADMITTED) {
			char when[32];
			clock_format_local(r->first.wall_ms, when);
			fprintf(a, TR("      first admitted %s at kiosk %s\n",
				      "      уперше пройшов(-ла) %s на кіоску %s\n"), when, r->first.kiosk);
		} else if (r->outcome == CI_WRONG_EVENT && r->other_event[0]) {
			fprintf(a, TR("      the ticket is for: %s\n", "      квиток на: %s\n"), r->other_event);
		}
		if (r->outcome != CI_ADMITTED)
			fprintf(a, "      %s. %s\n", checkin_outcome_title(r->outcome),
				checkin_outcome_advice(r->outcome));
		break;
	}
	case KIOSK_PRINTED:
		s->printed++;
		if (s->in_show && s->n_door < SCENARIO_MAX_SAMPLES)
			s->door_ms[s->n_door++] = mono_ms() - s->show_t0;
		if (a)
			fprintf(a, TR("      badge printed: %s  [%.1f ms]\n", "      бейдж надруковано: %s  [%.1f ms]\n"),
				n->file && n->file[0] ? n->file : "-", n->ms);
		break;
	case KIOSK_PRINT_HELD:
		s->held++;
		if (a)
			fprintf(a, TR("      badge waits in the queue: printer %s (the check-in is saved)\n",
				      "      бейдж чекає в черзі: принтер %s (реєстрацію збережено)\n"),
				printer_state_name(n->printer_state));
		break;
	case KIOSK_NO_READ:
		break;
	}
}

/* Shows what the camera holds now for up to a second of frames, until the kiosk reacts;
 * then takes it away for long enough that the same code would count again. */
static int hold_in_view(struct scenario *s)
{
	int rc = 0;
	s->last_outcome = -1;
	s->last_name[0] = '\0';
	s->in_show = 1;
	for (int i = 0; i < SHOW_MAX_FRAMES; i++) {
		rc = kiosk_tick(s->k, 0);
		if (rc != 0)
			break;
	}
	s->in_show = 0;
	if (rc < 0)
		return rc;
	if (s->last_outcome < 0) {
		s->no_read++;
		if (s->account)
			fprintf(s->account, "%s", TR("    · no code read\n", "    · код не прочитано\n"));
	}
	camera_sim_show(kiosk_camera(s->k), NULL, 0, 0, 0);
	rc = kiosk_tick(s->k, SCAN_GONE_MS + 100);
	return rc < 0 ? rc : VK_OK;
}

/* Draws TEXT as a QR code on a white 640x480 page, as a phone screen would show it. */
static int show_code(struct scenario *s, const char *text, char *why, size_t why_len)
{
	struct qr_image q;
	uint8_t *qr = NULL, *page = NULL;
	int side, rc, w = 640, h = 480;

	if (qr_encode(text, &q) != VK_OK) {
		snprintf(why, why_len, "%s", TR("cannot draw that text as a QR code",
						"цей текст неможливо намалювати як QR-код"));
		return VK_ERR_INVALID;
	}
	rc = qr_render_gray(&q, 4, 4, &qr, &side);
	qr_free(&q);
	if (rc != VK_OK)
		return rc;
	if (side > w)
		w = h = side;
	if (side > h)
		h = side;
	page = malloc((size_t)w * h);
	if (!page) {
		free(qr);
		return VK_ERR_NOMEM;
	}
	memset(page, 255, (size_t)w * h);
	for (int y = 0; y < side; y++)
		memcpy(page + (size_t)(y + (h - side) / 2) * w + (w - side) / 2, qr + (size_t)y * side,
		       (size_t)side);
	camera_sim_show(kiosk_camera(s->k), page, w, h, w);
	free(page);
	free(qr);
	return hold_in_view(s);
}

static int expect(struct scenario *s, char *arg, int line)
{
	char *name = strchr(arg, ' ');
	int want, ok;
	if (name) {
		*name++ = '\0';
		while (*name == ' ')
			name++;
	}
	want = strcmp(arg, "none") == 0 ? -1 : checkin_outcome_parse(arg);
	if (want < 0 && strcmp(arg, "none") != 0)
		return VK_ERR_INVALID;
	ok = s->last_outcome == want && (!name || !*name || strstr(s->last_name, name));
	if (ok) {
		s->expect_passed++;
		return VK_OK;
	}
	s->expect_failed++;
	if (s->account)
		fprintf(s->account, TR("    !! line %d: expected %s%s%s, got %s%s%s\n",
				       "    !! рядок %d: очікували %s%s%s, а сталося %s%s%s\n"), line, arg,
			name && *name ? " " : "", name ? name : "",
			s->last_outcome < 0 ? "none" : checkin_outcome_word(s->last_outcome),
			s->last_name[0] ? " " : "", s->last_name);
	return VK_OK;
}

static int staff(struct scenario *s, const char *code, int undo)
{
	struct checkin_result *r = malloc(sizeof *r);
	struct checkin_desk *desk = kiosk_desk(s->k);
	int rc;
	if (!r)
		return VK_ERR_NOMEM;
	rc = undo ? checkin_undo(desk, code, strlen(code), r) : checkin_reprint(desk, code, strlen(code), r);
	if (s->account)
		fprintf(s->account, "    %s %s\n", rc == VK_OK ? "✔" : "✘",
			rc == VK_OK ? (undo ? TR("check-in undone (recorded)", "вхід скасовано (записано)")
					    : TR("reprint queued", "повторний друк у черзі"))
				    : TR("not checked in: nothing to do", "не зареєстрований: нічого робити"));
	free(r);
	if (rc == VK_OK && !undo)
		kiosk_print_pending(s->k);
	return rc == VK_OK || rc == VK_ERR_NOT_FOUND || rc == VK_ERR_INVALID ? VK_OK : rc;
}

static int run_line(struct scenario *s, char *cmd, char *arg, const char *dir, int line,
		    char *why, size_t why_len)
{
	char path[4096], reason[512];
	int rc;

	if (strcmp(cmd, "show") == 0 && *arg) {
		if (arg[0] == '/')
			snprintf(path, sizeof path, "%s", arg);
		else
			snprintf(path, sizeof path, "%s/%s", dir, arg);
		if (s->account)
			fprintf(s->account, "  show %s\n", arg);
		s->show_t0 = mono_ms();
		if (camera_sim_show_file(kiosk_camera(s->k), path, reason, sizeof reason) != CAM_OK) {
			snprintf(why, why_len, TR("line %d: %s", "рядок %d: %s"), line, reason);
			return VK_ERR_IO;
		}
		return hold_in_view(s);
	}
	if (strcmp(cmd, "show-code") == 0 && *arg) {
		if (s->account)
			fprintf(s->account, "  show-code %.60s%s\n", arg, strlen(arg) > 60 ? "…" : "");
		s->show_t0 = mono_ms();
		rc = show_code(s, arg, why, why_len);
		return rc;
	}
	if (strcmp(cmd, "present") == 0 && *arg) {
		if (s->account)
			fprintf(s->account, "  present %.60s\n", arg);
		s->last_outcome = -1;
		s->last_name[0] = '\0';
		rc = kiosk_present(s->k, arg, strlen(arg));
		return rc < 0 ? rc : VK_OK;
	}
	if (strcmp(cmd, "wait") == 0 && *arg) {
		long ms = strtol(arg, NULL, 10);
		if (ms <= 0 || ms > 3600000)
			goto bad;
		for (long t = 0; t < ms; t += 33)
			if ((rc = kiosk_tick(s->k, 33)) < 0)
				return rc;
		return VK_OK;
	}
	if (strcmp(cmd, "expect") == 0 && *arg) {
		if (expect(s, arg, line) != VK_OK)
			goto bad;
		return VK_OK;
	}
	if (strcmp(cmd, "printer") == 0 && *arg) {
		int st = printer_state_parse(arg);
		if (st < 0)
			goto bad;
		if (s->account)
			fprintf(s->account, TR("  printer: %s\n", "  принтер: %s\n"), arg);
		if (printer_sim_set_state(kiosk_printer(s->k), st) != PRINTER_OK) {
			snprintf(why, why_len, TR("line %d: the printer is not the simulated one",
						  "рядок %d: це не імітований принтер"), line);
			return VK_ERR_INVALID;
		}
		if (st == PRINTER_READY)
			kiosk_print_pending(s->k);
		return VK_OK;
	}
	if (strcmp(cmd, "advance") == 0 && *arg) {
		char *end;
		long long sec = strtoll(arg, &end, 10);
		if (*end || sec < 0 || sec > 400LL * 86400)
			goto bad;
		kiosk_advance_clock(s->k, sec * 1000);
		if (s->account)
			fprintf(s->account, TR("  clock +%llds\n", "  годинник +%lld с\n"), sec);
		return VK_OK;
	}
	if ((strcmp(cmd, "undo") == 0 || strcmp(cmd, "reprint") == 0) && *arg) {
		if (s->account)
			fprintf(s->account, "  %s %.40s\n", cmd, arg);
		return staff(s, arg, cmd[0] == 'u');
	}
bad:
	snprintf(why, why_len, TR("line %d: cannot understand '%s %s' (see `vkhid run --help`)",
				  "рядок %d: незрозуміло «%s %s» (див. `vkhid run --help`)"), line, cmd, arg);
	return VK_ERR_INVALID;
}

int scenario_run(struct scenario *s, const char *path, char *why, size_t why_len)
{
	FILE *f = fopen(path, "r");
	char *line = malloc(MAX_LINE), *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	int n = 0, rc = VK_OK;

	s->last_outcome = -1;
	if (!f || !line || !copy) {
		snprintf(why, why_len, TR("cannot read the scenario %s: %s", "не вдається прочитати сценарій %s: %s"),
			 path, strerror(errno));
		rc = VK_ERR_IO;
		goto out;
	}
	while (fgets(line, MAX_LINE, f)) {
		char *p = line, *end, *arg;
		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, why_len, TR("line %d is too long", "рядок %d задовгий"), n);
			rc = VK_ERR_INVALID;
			goto out;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*p || *p == '#')
			continue;
		arg = p;
		while (*arg && *arg != ' ' && *arg != '\t')
			arg++;
		if (*arg) {
			*arg++ = '\0';
			while (*arg == ' ' || *arg == '\t')
				arg++;
		}
		rc = run_line(s, p, arg, dir, n, why, why_len);
		if (rc)
			goto out;
	}
out:
	if (f)
		fclose(f);
	free(line);
	free(copy);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double scenario_median_door_ms(const struct scenario *s)
{
	double tmp[SCENARIO_MAX_SAMPLES];
	if (!s->n_door)
		return 0;
	memcpy(tmp, s->door_ms, sizeof(double) * (size_t)s->n_door);
	qsort(tmp, (size_t)s->n_door, sizeof(double), cmp_double);
	return tmp[s->n_door / 2];
}
