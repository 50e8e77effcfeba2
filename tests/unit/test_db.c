/* SPDX-License-Identifier: MIT */
/* Tests of app/db: a real SQLite file in a temporary folder. What a user would notice:
 * data survives reopening, the wrong file is refused and left alone, the check-in log
 * cannot be edited, admissions are derived from the log (undo counts), a print job left
 * half-done by a crash comes back, turnout adds up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "db/db.h"

struct fx {
	char dir[64];
	char path[128];
	db *d;
	struct db_event ev;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char why[256];
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-db.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	if (db_open(f->path, DB_CREATE, &f->d, why, sizeof why) != VK_OK)
		return -1;
	snprintf(f->ev.name, sizeof f->ev.name, "Форум");
	if (db_event_create(f->d, &f->ev) != VK_OK || db_event_set_current(f->d, f->ev.id) != VK_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];
	db_close(f->d);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t add_reg(db *d, int64_t ev, const char *name, const char *code)
{
	struct db_registration r;
	memset(&r, 0, sizeof r);
	r.event_id = ev;
	snprintf(r.display, sizeof r.display, "%s", name);
	snprintf(r.ticket_code, sizeof r.ticket_code, "%s", code ? code : "");
	assert_int_equal(db_reg_insert(d, &r), VK_OK);
	return r.number;
}

static void append(db *d, int64_t ev, int64_t number, int kind, int64_t hlc)
{
	struct db_checkin c;
	memset(&c, 0, sizeof c);
	c.event_id = ev;
	c.number = number;
	c.kind = kind;
	c.hlc = hlc;
	c.wall_ms = hlc >> 16;
	assert_int_equal(db_checkin_append(d, &c), VK_OK);
}

static void test_survives_reopen(void **state)
{
	struct fx *f = *state;
	struct db_registration r;
	struct db_event ev;
	char why[256];
	int64_t n = add_reg(f->d, f->ev.id, "Олександр Скалозуб", "SECRET1");
	assert_int_equal(n, 1);
	assert_int_equal(add_reg(f->d, f->ev.id, "Ганна", NULL), 2);
	db_close(f->d);
	assert_int_equal(db_open(f->path, 0, &f->d, why, sizeof why), VK_OK);
	assert_int_equal(db_event_current(f->d, &ev), VK_OK);
	assert_string_equal(ev.name, "Форум");
	assert_string_equal(ev.timezone, "Europe/Kyiv");
	assert_int_equal(db_reg_by_code(f->d, "SECRET1", &r), VK_OK);
	assert_string_equal(r.display, "Олександр Скалозуб");
	assert_int_equal(db_reg_by_code(f->d, "", &r), VK_ERR_NOT_FOUND);
	assert_int_equal(db_reg_count(f->d, f->ev.id, 1), 2);
}

static void test_pragmas(void **state)
{
	struct fx *f = *state;
	sqlite3 *h;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), DB_SCHEMA_VERSION);
	sqlite3_finalize(s);
	sqlite3_close(h);
}

static void test_refuses_foreign_and_newer(void **state)
{
	struct fx *f = *state;
	char p[200], why[512];
	db *d = NULL;
	FILE *t;
	sqlite3 *h;

	snprintf(p, sizeof p, "%s/notes.txt", f->dir);
	t = fopen(p, "w");
	assert_non_null(t);
	fputs("this is not a database at all, it is a shopping list\n", t);
	fclose(t);
	assert_int_equal(db_open(p, 0, &d, why, sizeof why), VK_ERR_DB_FOREIGN);
	assert_null(d);
	assert_non_null(strstr(why, "not a vkhid database"));

	snprintf(p, sizeof p, "%s/other.sqlite", f->dir);
	assert_int_equal(sqlite3_open(p, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE t(x); INSERT INTO t VALUES(42)", 0, 0, 0), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(db_open(p, DB_CREATE, &d, why, sizeof why), VK_ERR_DB_FOREIGN);
	/* and it was not touched: still version 0, still its own table only */
	assert_int_equal(sqlite3_open(p, &h), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT COUNT(*), (SELECT x FROM t) FROM sqlite_master", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 1);
	assert_int_equal(sqlite3_column_int(s, 1), 42);
	sqlite3_finalize(s);
	sqlite3_close(h);

	assert_int_equal(db_exec(f->d, "PRAGMA user_version = 99"), VK_OK);
	db_close(f->d);
	f->d = NULL;
	assert_int_equal(db_open(f->path, 0, &d, why, sizeof why), VK_ERR_DB_NEWER);
	assert_non_null(strstr(why, "newer vkhid"));
	snprintf(p, sizeof p, "%s/absent.db", f->dir);
	assert_int_equal(db_open(p, 0, &d, why, sizeof why), VK_ERR_NOT_FOUND);
	assert_int_equal(access(p, F_OK), -1); /* opening did not create it */
	/* teardown needs a handle: reopen after putting the version back */
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", DB_SCHEMA_VERSION);
	sqlite3_exec(h, pragma, 0, 0, 0);
	sqlite3_close(h);
	assert_int_equal(db_open(f->path, 0, &f->d, why, sizeof why), VK_OK);
}

static void test_log_append_only(void **state)
{
	struct fx *f = *state;
	append(f->d, f->ev.id, 1, DB_CI_ENTRY, 1000 << 16);
	assert_int_not_equal(db_exec(f->d, "UPDATE checkin SET kind = 2"), VK_OK);
	assert_int_not_equal(db_exec(f->d, "UPDATE checkin SET hlc = 5"), VK_OK);
	/* only the synced flag may change after the fact */
	assert_int_equal(db_exec(f->d, "UPDATE checkin SET synced = 1"), VK_OK);
}

static void test_admission_derived(void **state)
{
	struct fx *f = *state;
	struct db_checkin first;
	int64_t ev = f->ev.id;
	assert_int_equal(db_checkin_admission(f->d, ev, 1, &first), VK_ERR_NOT_FOUND);
	append(f->d, ev, 1, DB_CI_ENTRY, 100 << 16);
	append(f->d, ev, 1, DB_CI_ENTRY, 200 << 16); /* a second kiosk, offline */
	assert_int_equal(db_checkin_admission(f->d, ev, 1, &first), VK_OK);
	assert_int_equal(first.hlc, 100 << 16);
	assert_int_equal(first.seq, 1);
	append(f->d, ev, 1, DB_CI_UNDO, 300 << 16);
	assert_int_equal(db_checkin_admission(f->d, ev, 1, &first), VK_ERR_NOT_FOUND);
	append(f->d, ev, 1, DB_CI_REPRINT, 350 << 16); /* a reprint is not an entry */
	assert_int_equal(db_checkin_admission(f->d, ev, 1, &first), VK_ERR_NOT_FOUND);
	append(f->d, ev, 1, DB_CI_ENTRY, 400 << 16);
	assert_int_equal(db_checkin_admission(f->d, ev, 1, &first), VK_OK);
	assert_int_equal(first.hlc, 400 << 16);
	assert_int_equal(db_checkin_max_hlc(f->d), 400 << 16);
}

static void test_kiosk_seq_and_uuid(void **state)
{
	struct fx *f = *state;
	struct db_checkin a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.event_id = b.event_id = f->ev.id;
	a.number = 1;
	b.number = 2;
	assert_int_equal(db_checkin_append(f->d, &a), VK_OK);
	assert_int_equal(db_checkin_append(f->d, &b), VK_OK);
	assert_int_equal(b.seq, a.seq + 1);
	assert_string_not_equal(a.uuid, b.uuid);
	assert_int_equal(strlen(a.uuid), 36);
	assert_string_equal(a.kiosk, db_kiosk_id(f->d));
	/* the same uuid twice (a retried sync) is refused, never doubled */
	b.seq = 0;
	assert_int_not_equal(db_checkin_append(f->d, &b), VK_OK);
}

static void test_job_queue_resumes(void **state)
{
	struct fx *f = *state;
	struct db_print_job j1 = { .event_id = f->ev.id, .number = 1 }, j2 = { .event_id = f->ev.id, .number = 2 };
	struct db_print_job got;
	char why[256];
	assert_int_equal(db_job_next(f->d, &got), VK_ERR_NOT_FOUND);
	assert_int_equal(db_job_add(f->d, &j1), VK_OK);
	assert_int_equal(db_job_add(f->d, &j2), VK_OK);
	assert_int_equal(db_job_next(f->d, &got), VK_OK);
	assert_int_equal(got.id, j1.id);
	assert_int_equal(db_job_set_state(f->d, j1.id, DB_JOB_PRINTING, ""), VK_OK);
	/* the process dies here; a new one finds the job again */
	db_close(f->d);
	assert_int_equal(db_open(f->path, 0, &f->d, why, sizeof why), VK_OK);
	assert_int_equal(db_job_next(f->d, &got), VK_OK);
	assert_int_equal(got.id, j1.id);
	assert_int_equal(got.attempts, 1);
	assert_int_equal(db_job_set_state(f->d, j1.id, DB_JOB_DONE, ""), VK_OK);
	assert_int_equal(db_job_next(f->d, &got), VK_OK);
	assert_int_equal(got.id, j2.id);
	assert_int_equal(db_job_count(f->d, DB_JOB_DONE), 1);
	assert_int_equal(db_job_count(f->d, DB_JOB_QUEUED), 1);
}

static void test_stats(void **state)
{
	struct fx *f = *state;
	struct db_registration r;
	struct db_stats st;
	int64_t ev = f->ev.id;
	for (int i = 0; i < 4; i++) {
		memset(&r, 0, sizeof r);
		r.event_id = ev;
		snprintf(r.display, sizeof r.display, "P%d", i);
		snprintf(r.category, sizeof r.category, "%s", i < 3 ? "Учасник" : "Спікер");
		r.status = i == 2 ? DB_REG_CANCELLED : DB_REG_ACTIVE;
		assert_int_equal(db_reg_insert(f->d, &r), VK_OK);
	}
	append(f->d, ev, 1, DB_CI_ENTRY, 100 << 16);
	append(f->d, ev, 1, DB_CI_ENTRY, 110 << 16);   /* duplicate entry: still one person */
	append(f->d, ev, 4, DB_CI_ENTRY, 120 << 16);
	append(f->d, ev, 2, DB_CI_ENTRY, 130 << 16);
	append(f->d, ev, 2, DB_CI_UNDO, 140 << 16);
	append(f->d, ev, 99, DB_CI_ENTRY, 150 << 16);  /* a signed ticket not in the roster */
	assert_int_equal(db_stats(f->d, ev, &st), VK_OK);
	assert_int_equal(st.registered, 3);
	assert_int_equal(st.cancelled, 1);
	assert_int_equal(st.admitted, 3);
	assert_int_equal(st.admitted_unlisted, 1);
	assert_int_equal(st.undos, 1);
	assert_int_equal(st.n_category, 2);
	assert_string_equal(st.category[0].key, "Спікер");
	assert_int_equal(st.category[0].admitted, 1);
	assert_string_equal(st.category[1].key, "Учасник");
	assert_int_equal(st.category[1].registered, 2);
	assert_int_equal(st.category[1].admitted, 1);
	assert_true(st.n_hour >= 1);
	db_stats_free(&st);
}

static void test_keys(void **state)
{
	struct fx *f = *state;
	struct db_key k1 = { .event_id = f->ev.id }, k2 = { .event_id = f->ev.id }, got;
	memset(k1.pk, 0xaa, 32);
	memset(k2.pk, 0xbb, 32);
	assert_int_equal(db_key_latest(f->d, f->ev.id, &got), VK_ERR_NOT_FOUND);
	assert_int_equal(db_key_add(f->d, &k1), VK_OK);
	assert_int_equal(db_key_add(f->d, &k2), VK_OK);
	assert_int_equal(k2.key_id, k1.key_id + 1);
	assert_int_equal(db_key_latest(f->d, f->ev.id, &got), VK_OK);
	assert_int_equal(got.key_id, k2.key_id);
	assert_int_equal(db_key_get(f->d, k1.key_id, &got), VK_OK);
	assert_memory_equal(got.pk, k1.pk, 32);
	assert_int_equal(db_key_get(f->d, 999, &got), VK_ERR_NOT_FOUND);
}

/* The revocation contract (db.h): revoking a nonce revokes exactly that ticket; nonce 0
 * is no wildcard; "issued before T" refuses what was issued before T (or is not known to
 * have been issued here) and admits what was issued at or after T. */
static void test_revocation(void **state)
{
	struct fx *f = *state;
	int64_t ev = f->ev.id;
	assert_int_equal(db_is_revoked(f->d, ev, 3, 77), 0);
	assert_int_equal(db_revoke(f->d, ev, 3, 77, "lost"), VK_OK);
	assert_int_equal(db_revoke(f->d, ev, 3, 77, "twice"), VK_OK);
	assert_int_equal(db_is_revoked(f->d, ev, 3, 77), 1);
	assert_int_equal(db_is_revoked(f->d, ev, 3, 78), 0);  /* the reissue */
	assert_int_equal(db_is_revoked(f->d, ev, 2, 77), 0);  /* another person's nonce */

	/* a ticket of nonce 0 (made before nonces started at 1) is revoked alone */
	assert_int_equal(db_revoke(f->d, ev, 4, 0, "old ticket"), VK_OK);
	assert_int_equal(db_is_revoked(f->d, ev, 4, 0), 1);
	assert_int_equal(db_is_revoked(f->d, ev, 4, 12345), 0);
}

static void test_revoke_issued_before(void **state)
{
	struct fx *f = *state;
	int64_t ev = f->ev.id;
	assert_int_equal(db_ticket_issued(f->d, ev, 6, 11, 1000), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, ev, 6, 12, 2000), VK_OK);
	assert_int_equal(db_revoke_issued_before(f->d, ev, 6, 2500, "phone lost"), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, ev, 6, 13, 3000), VK_OK);
	assert_int_equal(db_is_revoked(f->d, ev, 6, 11), 1);
	assert_int_equal(db_is_revoked(f->d, ev, 6, 12), 1);
	assert_int_equal(db_is_revoked(f->d, ev, 6, 13), 0);  /* issued after: admitted */
	assert_int_equal(db_is_revoked(f->d, ev, 6, 14), 1);  /* never issued here: refused */
	assert_int_equal(db_is_revoked(f->d, ev, 7, 11), 0);  /* only that registration */
	/* an earlier moment never narrows; a later one widens */
	assert_int_equal(db_revoke_issued_before(f->d, ev, 6, 1500, "older"), VK_OK);
	assert_int_equal(db_is_revoked(f->d, ev, 6, 12), 1);
	assert_int_equal(db_revoke_issued_before(f->d, ev, 6, 3001, "again"), VK_OK);
	assert_int_equal(db_is_revoked(f->d, ev, 6, 13), 1);
	/* a nonce once issued, or revoked, is never issued again for that person */
	assert_int_equal(db_ticket_issued(f->d, ev, 6, 13, 4000), VK_ERR_EXISTS);
	assert_int_equal(db_revoke(f->d, ev, 8, 21, "lost"), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, ev, 8, 21, 4000), VK_ERR_EXISTS);
	assert_int_equal(db_ticket_issued(f->d, ev, 8, 22, 4000), VK_OK);
}

/* A schema-2 database whose revocation list holds a nonce-0 row ("every ticket of that
 * registration", which the old code read as "forever"): after the upgrade the row means
 * "issued before that revocation", so a ticket issued after it is admitted. */
static void test_upgrade_nonce0_revocation(void **state)
{
	struct fx *f = *state;
	char why[256], pragma[64];
	int64_t ev = f->ev.id;
	/* back to schema 2: what migrations 2 -> 3, 3 -> 4 and 4 -> 5 made is removed, the
	 * old row written */
	assert_int_equal(db_exec(f->d, "DROP TABLE ticket_issue; DROP TABLE revocation_before;"
				       " DROP INDEX checkin_hlc; DROP TABLE import_batch;"
				       " DROP TABLE import_undo; DROP INDEX checkin_session;"
				       " ALTER TABLE session DROP COLUMN capacity;"
				       " ALTER TABLE session DROP COLUMN categories;"
				       " ALTER TABLE session DROP COLUMN speakers;"
				       " ALTER TABLE session DROP COLUMN cancelled; PRAGMA user_version = 2"), VK_OK);
	snprintf(pragma, sizeof pragma, "INSERT INTO revocation VALUES(%lld, 9, 0, 'all', 5000)",
		 (long long)ev);
	assert_int_equal(db_exec(f->d, pragma), VK_OK);
	db_close(f->d);
	assert_int_equal(db_open(f->path, 0, &f->d, why, sizeof why), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, ev, 9, 40, 4000), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, ev, 9, 41, 6000), VK_OK);
	assert_int_equal(db_is_revoked(f->d, ev, 9, 40), 1);
	assert_int_equal(db_is_revoked(f->d, ev, 9, 41), 0);
	assert_int_equal(db_is_revoked(f->d, ev, 9, 0), 1); /* the old ticket itself stays out */
}

/* "Who is admitted" is one definition used by the check-in decision and the turnout: on
 * a random log (entries, walk-ins, undos, reprints in random order) both agree with the
 * rule "an entry or walk-in after the registration's last undo". Seed printed. */
static void test_admitted_one_definition(void **state)
{
	struct fx *f = *state;
	enum { PEOPLE = 80 };
	static const int kinds[] = { DB_CI_ENTRY, DB_CI_WALKIN, DB_CI_UNDO, DB_CI_REPRINT };
	unsigned seed = (unsigned)time(NULL);
	int64_t hlc = 1000 << 16, want = 0;
	struct db_stats st;

	printf("# seed %u\n", seed);
	assert_int_equal(db_begin(f->d), VK_OK);
	for (int64_t n = 1; n <= PEOPLE; n++) {
		int in = 0, events = rand_r(&seed) % 6;
		for (int i = 0; i < events; i++) {
			int kind = kinds[rand_r(&seed) % 4];
			append(f->d, f->ev.id, n, kind, hlc += 1 << 16);
			if (kind == DB_CI_UNDO)
				in = 0;
			else if (kind == DB_CI_ENTRY || kind == DB_CI_WALKIN)
				in = 1;
		}
		struct db_checkin first;
		int rc = db_checkin_admission(f->d, f->ev.id, n, &first);
		if (rc != (in ? VK_OK : VK_ERR_NOT_FOUND))
			fail_msg("seed %u: №%lld admitted %d, decision says %d", seed, (long long)n, in, rc);
		want += in;
	}
	assert_int_equal(db_commit(f->d), VK_OK);
	assert_int_equal(db_stats(f->d, f->ev.id, &st), VK_OK);
	if (st.admitted != want)
		fail_msg("seed %u: turnout %lld, rule %lld", seed, (long long)st.admitted, (long long)want);
	db_stats_free(&st);
}

/* Defect 6: 16 connections (threads, as separate as processes for SQLite's locks) open one
 * schema-1 file at the same instant: every one succeeds, the schema is current, the data
 * is intact. Before the fix some failed with "table session already exists": they read
 * user_version before taking the write lock and ran a step another had just applied. */
struct opener {
	const char *path;
	pthread_barrier_t *go;
	int rc;
	char why[256];
};

static void *open_at_once(void *arg)
{
	struct opener *o = arg;
	db *d = NULL;
	pthread_barrier_wait(o->go);
	o->rc = db_open(o->path, 0, &d, o->why, sizeof o->why);
	db_close(d);
	return NULL;
}

static void test_concurrent_upgrade(void **state)
{
	struct fx *f = *state;
	enum { N = 16 };
	char path[160], *sql;
	FILE *in = fopen("tests/fixtures/schema-v1.sql", "r");
	sqlite3 *h;
	pthread_t th[N];
	struct opener o[N];
	pthread_barrier_t go;
	struct db_registration r;
	db *d;
	long n;
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	sql = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(sql, 1, (size_t)n, in), (size_t)n);
	fclose(in);
	for (int round = 0; round < 3; round++) {
		snprintf(path, sizeof path, "%s/v1-%d.db", f->dir, round);
		assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
		assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
		/* its COMMIT below waits for the openers' reads to end, however slow the machine */
		sqlite3_busy_timeout(h, 60000);
		/* Another writer holds the lock while they start, so every opener has read the
		 * old version by the time the first can write (the pause only makes the race
		 * likely; the test is right whatever the timing). */
		assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
		pthread_barrier_init(&go, NULL, N + 1);
		for (int i = 0; i < N; i++) {
			o[i] = (struct opener){ .path = path, .go = &go };
			assert_int_equal(pthread_create(&th[i], NULL, open_at_once, &o[i]), 0);
		}
		pthread_barrier_wait(&go);
		usleep(300 * 1000);
		assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h);
		for (int i = 0; i < N; i++) {
			pthread_join(th[i], NULL);
			if (o[i].rc != VK_OK)
				print_error("opener %d: %s\n", i, o[i].why);
			assert_int_equal(o[i].rc, VK_OK);
		}
		pthread_barrier_destroy(&go);
		assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), DB_SCHEMA_VERSION);
		sqlite3_finalize(s);
		sqlite3_close(h);
		assert_int_equal(db_open(path, 0, &d, NULL, 0), VK_OK);
		assert_int_equal(db_reg_get(d, 77, 1, &r), VK_OK);
		assert_true(db_reg_count(d, 77, 0) >= 1);
		db_close(d);
	}
	free(sql);
}

/* DB_READONLY reads and never writes; an empty file is not made a database without
 * DB_CREATE; a sound file passes db_check and a damaged one fails it. */
static void test_readonly_empty_check(void **state)
{
	struct fx *f = *state;
	char p[200], why[512];
	struct db_event ev;
	struct stat st;
	db *d = NULL;
	FILE *t;
	add_reg(f->d, f->ev.id, "Олена", NULL);
	assert_int_equal(db_check(f->d, why, sizeof why), VK_OK);
	assert_int_equal(db_open(f->path, DB_READONLY, &d, why, sizeof why), VK_OK);
	assert_true(db_readonly(d));
	assert_int_equal(db_event_current(d, &ev), VK_OK);
	assert_int_equal(db_reg_count(d, f->ev.id, 0), 1);
	assert_int_equal(db_setting_set(d, "x", "y"), DB_ERR_READONLY);
	db_close(d);

	snprintf(p, sizeof p, "%s/empty.db", f->dir);
	t = fopen(p, "w");
	assert_non_null(t);
	fclose(t);
	assert_int_equal(db_open(p, DB_READONLY, &d, why, sizeof why), DB_ERR_EMPTY);
	assert_int_equal(db_open(p, 0, &d, why, sizeof why), DB_ERR_EMPTY);
	assert_null(d);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_foreign_and_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admission_derived, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kiosk_seq_and_uuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_queue_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admitted_one_definition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke_issued_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_nonce0_revocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_empty_check, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
