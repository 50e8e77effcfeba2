/* SPDX-License-Identifier: MIT */
/* `make bench` (hub figures): a real `vkhid hub` process on loopback, real HTTPS with the
 * pinned key, ten kiosk databases enrolled with one-time codes.
 *
 *   redeem      ten kiosks ask the hub to decide admissions at once (random tickets, so
 *               they collide): p50 and p99 of one answer (goal: p99 < 50 ms)
 *   ingest      one kiosk pushes 20,000 events in batches of 1,000: events per second into
 *               the sqlite backend (goal > 5,000/s)
 *   postgres    redeem and ingest again with the PostgreSQL storage, against a server made
 *               in a temporary folder (skipped where PostgreSQL 15 or root is missing)
 *   converge    two kiosks cut off, 10,000 admissions and reprints on each side, then both
 *               sync: seconds until every replica holds the same log and derives the same
 *               first admissions and incidents
 *
 * usage: bench_hub --vkhid PATH */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "db/db.h"
#include "sync/client.h"
#include "sync/merge.h"
#include "sync/replica.h"

#define KIOSKS 10
#define PER_KIOSK 200
#define PEOPLE 1000
#define INGEST 20000

static const char *vkhid;
static char dir[64];
static char pg_url[128];      /* "" for the sqlite storage */
/* The hub's database: one per storage, each with the same roster (a hub keeps its own log
 * in its database, and a PostgreSQL hub publishes that log too, so the sqlite run's
 * admissions must not be the PostgreSQL run's). */
static const char *hub_name = "hub.db";

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

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "bench_hub: failed: %s\n", cmd);
	return rc;
}

struct kiosk {
	struct sync_link link;
	char id[16];
	int64_t event_id;
	double lat[PER_KIOSK];
	int admitted;
};

static pthread_barrier_t start;

static void *redeem_thread(void *arg)
{
	struct kiosk *k = arg;
	struct sync_client *c;
	unsigned seed = (unsigned)(uintptr_t)k;
	if (sync_client_new(&k->link, &c))
		return NULL;
	pthread_barrier_wait(&start);
	for (int i = 0; i < PER_KIOSK; i++) {
		struct sync_event e, first;
		memset(&e, 0, sizeof e);
		sync_uuid_new(e.ci.uuid);
		snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "%s", k->id);
		e.ci.seq = i + 1;
		e.ci.event_id = k->event_id;
		e.ci.number = 1 + rand_r(&seed) % PEOPLE;
		e.ci.wall_ms = (int64_t)time(NULL) * 1000;
		e.ci.hlc = e.ci.wall_ms << 16;
		e.ci.clock_trusted = 1;
		double t0 = now_ms();
		int a = sync_redeem(c, &e, 5000, &first);
		k->lat[i] = now_ms() - t0;
		k->admitted += a == SYNC_REDEEM_ADMITTED;
		if (a == SYNC_REDEEM_NO_ANSWER)
			k->lat[i] = 1e9; /* counts against p99 */
	}
	sync_client_free(c);
	return NULL;
}

/* Starts `vkhid hub` on a free loopback port (with the PostgreSQL storage when pg_url is
 * set); returns its pid and the port, or -1. */
static pid_t start_hub(int *port)
{
	char line[512], hub_db[128];
	int fds[2];
	pid_t pid;
	FILE *out;

	*port = 0;
	snprintf(hub_db, sizeof hub_db, "%s/%s", dir, hub_name);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		if (pg_url[0])
			execl(vkhid, vkhid, "--db", hub_db, "hub", "--listen", "127.0.0.1:0", "--pg",
			      pg_url, (char *)NULL);
		else
			execl(vkhid, vkhid, "--db", hub_db, "hub", "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	while (out && fgets(line, sizeof line, out)) {
		const char *p = strstr(line, "listening on https://127.0.0.1:");
		if (p) {
			*port = atoi(p + strlen("listening on https://127.0.0.1:"));
			break;
		}
	}
	if (out)
		fclose(out); /* the hub writes nothing more that we need */
	if (!*port) {
		fprintf(stderr, "bench_hub: the hub did not start\n");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void stop_hub(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* Enrolls KIOSKS new kiosk databases (PREFIX0.db ...) as an organizer would. */
static int enroll_all(struct kiosk *ks, const char *prefix)
{
	char cmd[1200], path[128], why[512], name[64];
	for (int k = 0; k < KIOSKS; k++) {
		db *d;
		char code[600] = "";
		snprintf(cmd, sizeof cmd, "'%s' --db '%s/%s' hub enroll-token --name %s%d%s%s "
			 "2>/dev/null", vkhid, dir, hub_name, prefix, k, pg_url[0] ? " --pg " : "",
			 pg_url);
		FILE *p = popen(cmd, "r");
		if (!p || !fgets(code, sizeof code, p)) {
			if (p)
				pclose(p);
			return -1;
		}
		pclose(p);
		code[strcspn(code, "\n")] = 0;
		snprintf(path, sizeof path, "%s/%s%d.db", dir, prefix, k);
		if (db_open(path, DB_CREATE, &d, why, sizeof why))
			return -1;
		if (sync_enroll(d, code, name, sizeof name, why, sizeof why) ||
		    sync_link_load(d, &ks[k].link)) {
			fprintf(stderr, "bench_hub: enroll: %s\n", why);
			db_close(d);
			return -1;
		}
		snprintf(ks[k].id, sizeof ks[k].id, "%s", db_kiosk_id(d));
		ks[k].event_id = db_setting_int(d, "event", 0);
		ks[k].admitted = 0;
		db_close(d);
	}
	return 0;
}

static void bench_redeem(struct kiosk *ks, const char *storage)
{
	static double all[KIOSKS * PER_KIOSK];
	pthread_t th[KIOSKS];
	int n = 0, admitted = 0;
	pthread_barrier_init(&start, NULL, KIOSKS);
	double t0 = now_ms();
	for (int k = 0; k < KIOSKS; k++)
		pthread_create(&th[k], NULL, redeem_thread, &ks[k]);
	for (int k = 0; k < KIOSKS; k++)
		pthread_join(th[k], NULL);
	double wall = now_ms() - t0;
	pthread_barrier_destroy(&start);
	for (int k = 0; k < KIOSKS; k++) {
		memcpy(all + n, ks[k].lat, sizeof ks[k].lat);
		n += PER_KIOSK;
		admitted += ks[k].admitted;
	}
	qsort(all, (size_t)n, sizeof *all, cmp);
	printf("hub redeem (%s), %d kiosks at once: %6.2f ms p50, %.2f ms p99 (%d requests in "
	       "%.1f s, %d admitted of %d people; goal: p99 < 50 ms)\n", storage, KIOSKS,
	       all[n / 2], all[(int)(0.99 * (n - 1) + 0.5)], n, wall / 1000, admitted, PEOPLE);
}

static int bench_ingest(struct kiosk *k0, const char *storage)
{
	struct sync_client *c;
	char why[512];
	if (sync_client_new(&k0->link, &c))
		return -1;
	double t1 = now_ms();
	int64_t seq = 100000;
	for (int b = 0; b < INGEST / 1000; b++) {
		json_t *arr = json_array(), *ans = NULL;
		for (int i = 0; i < 1000; i++) {
			struct sync_event e;
			memset(&e, 0, sizeof e);
			sync_uuid_new(e.ci.uuid);
			snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "%s", k0->id);
			e.ci.seq = seq++;
			e.ci.event_id = k0->event_id;
			e.ci.number = 1 + i % PEOPLE;
			e.ci.kind = DB_CI_REPRINT;
			e.ci.wall_ms = 1764576000000 + seq;
			e.ci.hlc = e.ci.wall_ms << 16;
			e.ci.clock_trusted = 1;
			json_array_append_new(arr, sync_event_to_json(&e));
		}
		json_t *req = json_pack("{s:o}", "events", arr);
		long status;
		int r = sync_client_call(c, "POST", "/v1/push", req, 60000, &status, &ans, why,
					 sizeof why);
		json_decref(req);
		json_decref(ans);
		if (r) {
			fprintf(stderr, "bench_hub: push: %s\n", why);
			sync_client_free(c);
			return -1;
		}
	}
	double secs = (now_ms() - t1) / 1000;
	sync_client_free(c);
	printf("hub ingest (%s):     %8.0f events/s (%d events in batches of 1000 over HTTPS, "
	       "%.2f s; goal > 5000/s)\n", storage, INGEST / secs, INGEST, secs);
	return 0;
}

/* A PostgreSQL 15 server in a folder of its own (the postgres user cannot enter ours) on
 * a port of this process: 0 and pg_url set, or -1 (skipped). */
static char pgdir[64];

static int start_pg(void)
{
	const char *bin = "/usr/lib/postgresql/15/bin";
	char cmd[1500];
	int port = 55000 + getpid() % 5000;
	if (access("/usr/lib/postgresql/15/bin/initdb", X_OK) != 0 || getuid() != 0)
		return -1;
	snprintf(pgdir, sizeof pgdir, "/tmp/vkhid-bench-pg.XXXXXX");
	if (!mkdtemp(pgdir))
		return -1;
	snprintf(cmd, sizeof cmd, "chown postgres '%s' && "
		 "su postgres -c \"%s/initdb -D %s/data -A trust -E UTF8 --locale=C.UTF-8\" "
		 ">/dev/null 2>&1 && su postgres -c \"%s/pg_ctl -D %s/data -l %s/log -w -o "
		 "'-c listen_addresses=127.0.0.1 -p %d -k %s' start\" >/dev/null 2>&1",
		 pgdir, bin, pgdir, bin, pgdir, pgdir, port, pgdir);
	if (system(cmd) != 0)
		return -1;
	snprintf(pg_url, sizeof pg_url, "postgresql://postgres@127.0.0.1:%d/postgres", port);
	return 0;
}

static void stop_pg(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "su postgres -c \"/usr/lib/postgresql/15/bin/pg_ctl -D %s/data "
		 "-m immediate -w stop\" >/dev/null 2>&1; rm -rf '%s'", pgdir, pgdir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_hub: could not stop PostgreSQL in %s\n", pgdir);
}

int main(int argc, char **argv)
{
	char cmd[1200], path[128], why[512];
	static struct kiosk ks[KIOSKS], kp[KIOSKS];
	pid_t hub = -1;
	int port, rc = 1, pg = 0;

	int pg_only = 0; /* --postgres-only: the PostgreSQL figures alone (profiling) */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--vkhid") == 0 && i + 1 < argc)
			vkhid = argv[i + 1];
		if (strcmp(argv[i], "--postgres-only") == 0)
			pg_only = 1;
	}
	if (!vkhid) {
		fprintf(stderr, "usage: bench_hub --vkhid PATH [--postgres-only]\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "/tmp/vkhid-bench-hub.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	/* the hub: an event and a roster of PEOPLE, made with the usual commands */
	snprintf(path, sizeof path, "%s/list.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		goto out;
	fprintf(f, "external_id,given_name,family_name,category,email,ticket_code,status\n");
	for (int i = 1; i <= PEOPLE; i++)
		fprintf(f, "P%d,Олена,Бондар %d,Учасник,p%d@example.org,T-%05d,active\n", i, i, i, i);
	fclose(f);
	for (int h = 0; h < 2; h++) {
		const char *name = h ? "hub-pg.db" : "hub.db";
		snprintf(cmd, sizeof cmd, "'%s' --db '%s/%s' event create --name Bench >/dev/null && "
			 "'%s' --db '%s/%s' import '%s' >/dev/null", vkhid, dir, name, vkhid, dir,
			 name, path);
		if (run(cmd))
			goto out;
	}

	/* ---- the sqlite storage ---- */
	if (pg_only)
		goto postgres;
	if ((hub = start_hub(&port)) < 0 || enroll_all(ks, "k"))
		goto out;
	bench_redeem(ks, "sqlite");
	if (bench_ingest(&ks[0], "sqlite  "))
		goto out;

	/* ---- convergence after a partition ---- */
	{
		db *kd[2];
		double t2;
		int ok = 1;
		for (int k = 0; k < 2 && ok; k++) {
			snprintf(path, sizeof path, "%s/k%d.db", dir, k + 1);
			ok = db_open(path, 0, &kd[k], why, sizeof why) == VK_OK;
		}
		if (!ok)
			goto out;
		/* each side admits and reprints on its own: 10,000 events, a third of them on
		 * tickets the other side admits too */
		for (int k = 0; k < 2; k++) {
			static struct sync_event evs[10000];
			int64_t seq = sync_replica_next_seq(kd[k]);
			for (int i = 0; i < 10000; i++) {
				struct sync_event *e = &evs[i];
				memset(e, 0, sizeof *e);
				sync_uuid_new(e->ci.uuid);
				snprintf(e->ci.kiosk, sizeof e->ci.kiosk, "%s", db_kiosk_id(kd[k]));
				e->ci.seq = seq + i;
				e->ci.event_id = ks[k + 1].event_id;
				e->ci.number = 1 + (i * 7 + k * 3) % PEOPLE;
				e->ci.kind = i % 3 ? DB_CI_REPRINT : DB_CI_ENTRY;
				e->ci.wall_ms = 1764576000000 + i * 10 + k;
				e->ci.hlc = e->ci.wall_ms << 16;
				e->ci.clock_trusted = k == 0;
			}
			sync_replica_add_events(kd[k], evs, 10000, 0, NULL, NULL);
		}
		t2 = now_ms();
		struct sync_report rep;
		for (int pass = 0; pass < 2 && ok; pass++)
			for (int k = 0; k < 2 && ok; k++)
				ok = sync_round(kd[k], NULL, &rep, why, sizeof why) == VK_OK;
		double secs = (now_ms() - t2) / 1000;
		/* agree: the same number of events and the same derived answer */
		size_t n_ev[2] = { 0, 0 }, n_inc[2] = { 0, 0 }, n_first[2] = { 0, 0 };
		for (int k = 0; k < 2 && ok; k++) {
			struct sync_event *e;
			struct sync_note *nt;
			size_t n_e, n_n;
			struct sync_derived dv;
			ok = sync_replica_load(kd[k], 0, &e, &n_e, &nt, &n_n) == VK_OK &&
			     sync_derive(e, n_e, nt, n_n, &dv) == VK_OK;
			if (ok) {
				n_ev[k] = n_e;
				n_inc[k] = dv.n_inc;
				n_first[k] = dv.n_first;
				sync_derived_free(&dv);
				free(e);
				free(nt);
			}
		}
		for (int k = 0; k < 2; k++)
			db_close(kd[k]);
		if (!ok || n_ev[0] != n_ev[1] || n_inc[0] != n_inc[1] || n_first[0] != n_first[1]) {
			fprintf(stderr, "bench_hub: the replicas disagree after the partition: %s\n", why);
			goto out;
		}
		printf("hub convergence:              %8.2f s  (10000 events on each side of a "
		       "partition, then both synced: %zu events, %zu incidents alike)\n", secs,
		       n_ev[0], n_inc[0]);
	}
	stop_hub(hub);
	hub = -1;

	/* ---- the PostgreSQL storage ---- */
postgres:
	hub_name = "hub-pg.db";
	if (start_pg() == 0 && (pg = 1)) {
		if ((hub = start_hub(&port)) < 0 || enroll_all(kp, "p"))
			goto out;
		bench_redeem(kp, "postgres");
		if (bench_ingest(&kp[0], "postgres"))
			goto out;
	} else {
		if (pgdir[0])
			pg = 1; /* made but not started: still remove it */
		printf("hub with PostgreSQL: skipped (needs PostgreSQL 15 and root to start a server)\n");
	}
	rc = 0;
out:
	stop_hub(hub);
	if (pg)
		stop_pg();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_hub: could not remove %s\n", dir);
	return rc;
}
