/* SPDX-License-Identifier: MIT */
/* `make bench` (certificates), release build, through the real program:
 *
 *   certificates   `vkhid certificates --out DIR` for 1,000 eligible people of a two-day
 *                  event with a programme: seconds in all, milliseconds per certificate
 *                  (each one its own PDF, plus the combined PDF and the CSV), peak memory
 *                  (max RSS of the process), the size of the files
 *   dry run        `vkhid certificates --dry-run` for the same people: seconds in all
 *
 * The roster and the log are written straight into the database (one transaction), the
 * event and its key by the program itself (event create, keygen). Timing goals live here,
 * never in the tests. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "db/db.h"

#define PEOPLE 1000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs vkhid with args (NULL-terminated), output to /dev/null; returns its exit status
 * (-1 when it did not exit), and the seconds and max RSS (KB) it took. */
static int run(const char *const *args, double *secs, long *rss_kb)
{
	double t0 = now_s();
	fflush(stdout); /* or the child's copy of the buffer is printed twice */
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	struct rusage ru;
	int status;
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status))
		return -1;
	*secs = now_s() - t0;
	*rss_kb = ru.ru_maxrss;
	return WEXITSTATUS(status);
}

static long long dir_bytes(const char *dir, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[1024];
	long long n = 0;
	*files = 0;
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.' && stat(path, &st) == 0) {
			n += st.st_size;
			(*files)++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

static const char *const given[] = { "Олена", "Ігор", "Марта", "Denys", "Тарас", "Оксана",
				     "Їжак", "Anna-Maria", "Юрій", "Соломія" };
static const char *const family[] = { "Бондар", "Ткач", "Гнатюк", "Shevchuk", "Мʼясоїд",
				      "Лисенко", "Квітка-Основʼяненко", "O'Neill", "Щербань",
				      "Їжакевич" };

static int fill(const char *dbfile)
{
	db *d;
	char why[256];
	struct db_event ev;
	if (db_open(dbfile, 0, &d, why, sizeof why) || db_event_current(d, &ev))
		return -1;
	int rc = db_begin(d);
	/* 09:00 Kyiv on 2026-11-02 and 03 */
	const int64_t day1 = INT64_C(1793602800) * 1000, day2 = day1 + INT64_C(86400000);
	rc = rc ? rc : db_exec(d, "INSERT INTO session(id, event_id, title, room, starts, ends) "
			       "SELECT 1, id, 'Відкриття', 'А', '2026-11-02 10:00', '2026-11-02 12:00' "
			       "FROM event; INSERT INTO session(id, event_id, title, room, starts, ends) "
			       "SELECT 2, id, 'Закриття', 'А', '2026-11-03 15:00', '2026-11-03 17:30' "
			       "FROM event");
	for (int i = 0; i < PEOPLE && !rc; i++) {
		struct db_registration r = { .event_id = ev.id };
		snprintf(r.given, sizeof r.given, "%s", given[i % 10]);
		snprintf(r.family, sizeof r.family, "%s", family[(i / 10) % 10]);
		snprintf(r.display, sizeof r.display, "%s %s", r.given, r.family);
		snprintf(r.email, sizeof r.email, "p%d@example.org", i);
		rc = db_reg_insert(d, &r);
		for (int k = 0; k < 4 && !rc; k++) {
			struct db_checkin ci = { .event_id = ev.id, .number = r.number,
						 .kind = DB_CI_ENTRY, .session_id = k < 2 ? 0 : k - 1,
						 .wall_ms = (k % 2 ? day2 : day1) + k * 3600000,
						 .hlc = (int64_t)i * 8 + k + 1 };
			rc = db_checkin_append(d, &ci);
		}
	}
	rc = rc ? rc : db_commit(d);
	db_close(d);
	return rc;
}

int main(int argc, char **argv)
{
	const char *vkhid = argc > 2 && strcmp(argv[1], "--vkhid") == 0 ? argv[2] : "build/vkhid";
	char dir[] = "/tmp/vkhid-bench-cert.XXXXXX", dbfile[128], out[128], cmd[256];
	double secs;
	long rss;
	int files, rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(dbfile, sizeof dbfile, "%s/k.db", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	const char *create[] = { vkhid, "--db", dbfile, "event", "create", "--name",
				 "Тижневий тренінг для громад 2026", "--starts", "2026-11-02",
				 "--ends", "2026-11-03", "--timezone", "Europe/Kyiv", NULL };
	const char *keygen[] = { vkhid, "--db", dbfile, "keygen", NULL };
	const char *rule[] = { vkhid, "--db", dbfile, "certificates", "rule", "--min-days", "2",
			       "--min-sessions", "2", NULL };
	const char *dry[] = { vkhid, "--db", dbfile, "certificates", "--dry-run", NULL };
	const char *make[] = { vkhid, "--db", dbfile, "certificates", "--out", out, NULL };

	printf("vkhid certificate benchmark (release build)\n");
	if (run(create, &secs, &rss) || run(keygen, &secs, &rss) || fill(dbfile) ||
	    run(rule, &secs, &rss)) {
		printf("certificates:                (could not set up the event; is %s built?)\n", vkhid);
		rc = 1;
		goto out;
	}
	if (run(dry, &secs, &rss) == 0)
		printf("certificates dry run:        %8.2f s for %d people (%.2f ms each), %.1f MB max RSS\n",
		       secs, PEOPLE, secs * 1000 / PEOPLE, (double)rss / 1024);
	rc = run(make, &secs, &rss);
	if (rc == 0) {
		long long bytes = dir_bytes(out, &files);
		printf("certificates, %d people:   %8.2f s in all, %.1f ms per certificate "
		       "(own PDF + combined PDF + CSV), %.1f MB max RSS; %d files, %.1f MB\n",
		       PEOPLE, secs, secs * 1000 / PEOPLE, (double)rss / 1024, files,
		       (double)bytes / 1048576);
	} else {
		printf("certificates:                (vkhid certificates failed: exit %d)\n", rc);
	}
out:
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 && rc == 0 ? 0 : 1;
}
