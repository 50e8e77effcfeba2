/* SPDX-License-Identifier: MIT */
/* `make bench` (the touch kiosk): the threaded kiosk of `vkhid run` measured offscreen.
 *
 *   fps while printing   frames drawn per second, and the longest frame gap, while the
 *                        printer worker takes 3 s per badge (held in its note callback, as
 *                        a slow printer holds it) and tickets keep coming to the camera
 *   code -> greeting     ms from a code decoded in the door thread to the frame with its
 *                        greeting (or refusal) drawn by the UI thread
 *   find me, 100k        a keystroke in "Find me" -> search -> the screen's layout rebuilt,
 *                        at 100,000 registrations (search.h through the state machine)
 *
 * Usage: bench_ui --vkhid PATH_TO_VKHID (used to build the small event with tickets). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/search.h"
#include "core/text.h"
#include "db/db.h"
#include "ui/app.h"
#include "ui/catalog.h"
#include "ui/screen.h"

#define ROWS 100000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pctl(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[(int)(p * (n - 1) + 0.5)];
}

static int sh(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "bench_ui: failed: %s\n", cmd);
	return rc;
}

static int fps_while_printing(const char *vkhid, const char *dir)
{
	char cmd[4096], dbp[1024], cam[1100], prn[1100];
	struct app_config cfg = { 0 };
	struct app_stats *st = calloc(1, sizeof *st);
	char why[512] = "";
	int rc;

	if (!st)
		return 1;
	snprintf(dbp, sizeof dbp, "%s/door.db", dir);
	snprintf(cmd, sizeof cmd,
		 "cd %s && V=%s && export VKHID_LANG=en && d=$(TZ=Europe/Kyiv date +%%F) && "
		 "$V --db door.db event create --name Bench --starts $d --ends $d >/dev/null && "
		 "$V --db door.db keygen >/dev/null && "
		 "printf 'given_name,family_name\\n' > p.csv && "
		 "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"Ім'я$i,Прізвище$i\" >> p.csv; done && "
		 "$V --db door.db import p.csv >/dev/null && $V --db door.db tickets --out t >/dev/null && "
		 "mkdir -p cam && cp t/ticket-*.png cam/",
		 dir, vkhid);
	if (sh(cmd))
		return 1;
	snprintf(cam, sizeof cam, "files:%s/cam@12", dir);
	snprintf(prn, sizeof prn, "file:%s/badges", dir);
	cfg.database = dbp;
	cfg.camera_spec = cam;
	cfg.printer_spec = prn;
	cfg.headless = 1;
	cfg.w = 800;
	cfg.h = 480;
	cfg.exit_after_ms = 10000;
	cfg.print_delay_ms = 3000;
	rc = app_run(&cfg, st, why, sizeof why);
	if (rc) {
		fprintf(stderr, "bench_ui: the kiosk did not start: %s\n", why);
		free(st);
		return 1;
	}
	printf("ui fps while printing:       %8.1f fps, longest frame gap %.1f ms (%d badges at 3 s each "
	       "over %.0f s; goal >= 30 fps)\n", st->fps, st->worst_frame_ms, st->printed, st->seconds);
	if (st->greetings > 0)
		printf("code decoded -> greeting:    %8.1f ms median, %.1f ms max over %d codes (drawn by the UI "
		       "thread; goal < 100 ms with the badge)\n", st->greet_ms[st->greetings / 2],
		       st->greet_ms[st->greetings - 1], st->greetings);
	else
		printf("code decoded -> greeting:    no code was read\n");
	free(st);
	return 0;
}

static int find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	return search_find(ctx, q, hits, max);
}

static int find_me_100k(const char *dir)
{
	static const char *const given[] = { "Олександр", "Ганна", "Марія", "Тарас", "Emily", "Jonas",
					     "Соломія", "Ярослав", "Ірина", "Дмитро", "Остап", "Леся" };
	static const char *const family[] = { "Скалозуб", "Шевченко", "Коваленко", "Мʼясоїд", "Smith",
					      "Ґудзь", "Їжакевич", "Бондаренко", "Novák", "Литвин",
					      "Гнатюк", "Олійник" };
	static const char *const queries[] = { "ско", "Ole", "шев", "kov", "гна", "smi" };
	char path[1100], why[256];
	struct db_event ev = { 0 };
	struct search *s = NULL;
	struct ui_state *st = malloc(sizeof *st);
	struct ui_dlist *dl = malloc(sizeof *dl);
	double v[600];
	int n = 0;
	db *d;

	if (!st || !dl)
		return 1;
	snprintf(path, sizeof path, "%s/search.db", dir);
	if (db_open(path, DB_CREATE, &d, why, sizeof why) != VK_OK)
		return 1;
	snprintf(ev.name, sizeof ev.name, "Bench");
	db_event_create(d, &ev);
	db_event_set_current(d, ev.id);
	db_exec(d, "PRAGMA synchronous=OFF");
	db_begin(d);
	for (int i = 1; i <= ROWS; i++) {
		struct db_registration r;
		memset(&r, 0, sizeof r);
		r.event_id = ev.id;
		snprintf(r.given, sizeof r.given, "%s", given[i % 12]);
		snprintf(r.family, sizeof r.family, "%s%s", family[(i / 12) % 12], i % 7 ? "" : "о");
		snprintf(r.display, sizeof r.display, "%s %s", r.given, r.family);
		snprintf(r.organization, sizeof r.organization, "Org %d", i % 997);
		snprintf(r.external_id, sizeof r.external_id, "E%06d", i);
		text_search_key(r.given, r.family, r.display, r.search_key, sizeof r.search_key);
		if (db_reg_insert(d, &r) != VK_OK) {
			db_rollback(d);
			db_close(d);
			return 1;
		}
	}
	db_commit(d);
	if (search_open(d, ev.id, &s) != VK_OK) {
		db_close(d);
		return 1;
	}
	ui_sm_init(st, "Bench", 0, 0, NULL, 0);
	st->ops.ctx = s;
	st->ops.find = find;
	for (int rep = 0; rep < 100; rep++) {
		for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
			double t0;
			ui_sm_button(st, "find", 0);
			t0 = now_ms();
			ui_sm_text(st, queries[q], 1);   /* three letters typed: search runs */
			ui_sm_layout(st, 800, 480, dl);  /* the screen with the results */
			v[n++] = now_ms() - t0;
			ui_sm_key(st, UI_KEY_ESCAPE, 2);
		}
	}
	printf("find me keystroke, 100k:     %8.2f ms median, %.2f ms p99 (3 letters -> search -> results "
	       "laid out; goal < 10 ms)\n", pctl(v, n, 0.5), pctl(v, n, 0.99));
	search_free(s);
	db_close(d);
	free(st);
	free(dl);
	return 0;
}

int main(int argc, char **argv)
{
	const char *vkhid = "build/vkhid";
	char dir[] = "/tmp/vkhid-bench-ui.XXXXXX", cmd[1200];
	int rc = 0;

	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--vkhid") == 0)
			vkhid = argv[i + 1];
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	{
		/* the tickets are made by the real binary: an absolute path survives the cd */
		char abs[4096];
		if (vkhid[0] != '/' && getcwd(abs, sizeof abs - strlen(vkhid) - 2)) {
			strcat(abs, "/");
			strcat(abs, vkhid);
			vkhid = strdup(abs);
		}
	}
	ui_catalog_load(NULL);
	rc |= fps_while_printing(vkhid, dir);
	rc |= find_me_100k(dir);
	ui_catalog_free();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
