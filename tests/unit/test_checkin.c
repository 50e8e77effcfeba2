/* SPDX-License-Identifier: MIT */
/* Tests of the check-in rules (app/core/checkin.c) on a real SQLite file with real signed
 * tickets: every outcome, undo and reprint as events, two connections racing for the same
 * ticket, a process killed mid-storm, and a clock that jumps backwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/checkin.h"
#include "core/err.h"
#include "core/ticket.h"
#include "db/db.h"
#include "dbcheck.h"

struct fx {
	char dir[64], path[128];
	db *d;
	struct checkin_desk desk;
	uint8_t sk[64];
	int key_id;
	int64_t ev, other_ev;
	uint8_t other_sk[64];
	int other_key;
};

static int64_t add_event(db *d, const char *name, uint8_t sk[64], int *key_id)
{
	struct db_event ev;
	struct db_key k;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "%s", name);
	assert_int_equal(db_event_create(d, &ev), VK_OK);
	memset(&k, 0, sizeof k);
	k.event_id = ev.id;
	crypto_sign_keypair(k.pk, sk);
	assert_int_equal(db_key_add(d, &k), VK_OK);
	*key_id = k.key_id;
	return ev.id;
}

static void add_people(db *d, int64_t ev, int n)
{
	for (int i = 1; i <= n; i++) {
		struct db_registration r;
		memset(&r, 0, sizeof r);
		r.event_id = ev;
		snprintf(r.display, sizeof r.display, "Учасник %d", i);
		if (i == 3)
			r.status = DB_REG_CANCELLED;
		if (i == 4)
			snprintf(r.ticket_code, sizeof r.ticket_code, "pretix-secret-%d", i);
		assert_int_equal(db_reg_insert(d, &r), VK_OK);
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char why[256];
	if (sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-ci.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	if (db_open(f->path, DB_CREATE, &f->d, why, sizeof why))
		return -1;
	f->other_ev = add_event(f->d, "Інший захід", f->other_sk, &f->other_key);
	add_people(f->d, f->other_ev, 2);
	f->ev = add_event(f->d, "Форум", f->sk, &f->key_id);
	add_people(f->d, f->ev, 200);
	db_event_set_current(f->d, f->ev);
	if (checkin_desk_init(&f->desk, f->d))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	db_close(f->d);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void ticket(struct fx *f, int64_t ev, int key, const uint8_t *sk, uint32_t number,
		   int from, int days, uint32_t nonce, char out[TICKET_CODE_LEN + 1])
{
	struct ticket t = { .version = 1, .key_id = (uint16_t)key, .event_id = (uint32_t)ev,
			    .number = number, .valid_from = (uint16_t)from, .valid_days = (uint8_t)days,
			    .nonce = nonce };
	(void)f;
	assert_int_equal(ticket_sign(&t, sk, out, TICKET_CODE_LEN + 1), VK_OK);
}

static enum checkin_outcome present(struct fx *f, const char *code, struct checkin_result *r)
{
	assert_int_equal(checkin_present(&f->desk, code, strlen(code), DB_CI_QR, r), VK_OK);
	return r->outcome;
}

static void test_every_outcome(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1], bad[TICKET_CODE_LEN + 1];
	int today = clock_today(&f->desk.clock);

	ticket(f, f->ev, f->key_id, f->sk, 1, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	assert_true(r.have_reg);
	assert_string_equal(r.reg.display, "Учасник 1");
	assert_true(r.job_id > 0);
	assert_int_equal(present(f, c, &r), CI_ALREADY_ADMITTED);
	assert_string_equal(r.first.kiosk, db_kiosk_id(f->d));
	assert_true(r.first.wall_ms > 0);

	ticket(f, f->ev, f->key_id, f->sk, 3, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_CANCELLED);

	ticket(f, f->ev, f->key_id, f->sk, 5, 0, 0, 9, c);
	assert_int_equal(db_revoke(f->d, f->ev, 5, 9, "lost"), VK_OK);
	assert_int_equal(present(f, c, &r), CI_REVOKED);
	ticket(f, f->ev, f->key_id, f->sk, 5, 0, 0, 10, c); /* the reissued one works */
	assert_int_equal(present(f, c, &r), CI_ADMITTED);

	ticket(f, f->other_ev, f->other_key, f->other_sk, 1, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_WRONG_EVENT);
	assert_string_equal(r.other_event, "Інший захід");

	ticket(f, f->ev, f->key_id, f->sk, 6, today - 10, 2, 1, c);
	assert_int_equal(present(f, c, &r), CI_NOT_VALID_NOW);
	ticket(f, f->ev, f->key_id, f->sk, 6, today + 1, 2, 1, c);
	assert_int_equal(present(f, c, &r), CI_NOT_VALID_NOW);
	ticket(f, f->ev, f->key_id, f->sk, 6, today, 1, 1, c);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);

	/* signed with another event's key but claiming ours: forged */
	ticket(f, f->ev, f->other_key, f->other_sk, 7, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_FORGED);
	/* our key id, someone else's secret key */
	uint8_t pk[32], sk2[64];
	crypto_sign_keypair(pk, sk2);
	ticket(f, f->ev, f->key_id, sk2, 7, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_FORGED);
	ticket(f, f->ev, f->key_id, f->sk, 7, 0, 0, 1, c);
	memcpy(bad, c, sizeof bad);
	bad[TICKET_CODE_LEN - 3] = bad[TICKET_CODE_LEN - 3] == '0' ? '1' : '0';
	assert_int_equal(present(f, bad, &r), CI_FORGED);

	assert_int_equal(present(f, "pretix-secret-4", &r), CI_ADMITTED);
	assert_string_equal(r.reg.display, "Учасник 4");
	assert_false(r.signed_ticket);
	assert_int_equal(present(f, "pretix-secret-404", &r), CI_UNKNOWN);
	assert_int_equal(present(f, "VK1:!!", &r), CI_MALFORMED);
	assert_int_equal(present(f, "VK1:", &r), CI_MALFORMED);
	assert_int_equal(checkin_present(&f->desk, "", 0, DB_CI_QR, &r), VK_OK);
	assert_int_equal(r.outcome, CI_MALFORMED);
	assert_int_equal(checkin_present(&f->desk, "ab\0cd", 5, DB_CI_QR, &r), VK_OK);
	assert_int_equal(r.outcome, CI_MALFORMED);
	assert_int_equal(present(f, "\xff\xfe", &r), CI_MALFORMED);
	char *huge = malloc(1 << 20);
	memset(huge, 'A', 1 << 20);
	assert_int_equal(checkin_present(&f->desk, huge, 1 << 20, DB_CI_QR, &r), VK_OK);
	assert_int_equal(r.outcome, CI_MALFORMED);
	free(huge);
	assert_int_equal(present(f, "'; DROP TABLE registration; --", &r), CI_UNKNOWN);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 200);

	for (int o = 0; o < CI_OUTCOME_COUNT; o++)
		assert_int_equal(checkin_outcome_parse(checkin_outcome_word(o)), o);
}

static void test_unlisted_signed_ticket(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1];
	ticket(f, f->ev, f->key_id, f->sk, 5000, 0, 0, 1, c); /* the roster has 200 */
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	assert_false(r.have_reg);
	assert_int_equal(r.number, 5000);
	assert_int_equal(present(f, c, &r), CI_ALREADY_ADMITTED);
}

static void test_undo_reprint(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1];
	struct db_stats st;
	ticket(f, f->ev, f->key_id, f->sk, 10, 0, 0, 1, c);
	assert_int_equal(checkin_undo(&f->desk, c, strlen(c), &r), VK_ERR_NOT_FOUND);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	assert_int_equal(checkin_reprint(&f->desk, c, strlen(c), &r), VK_OK);
	assert_true(r.job_id > 0);
	assert_int_equal(db_job_count(f->d, DB_JOB_QUEUED), 2);
	assert_int_equal(checkin_undo(&f->desk, c, strlen(c), &r), VK_OK);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	assert_int_equal(db_stats(f->d, f->ev, &st), VK_OK);
	assert_int_equal(st.admitted, 1);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.reprints, 1);
	assert_int_equal(st.undos, 1);
	db_stats_free(&st);
}

/* "Find me": a person found by name is admitted by number, through the same log */
static void test_by_number(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1];
	assert_int_equal(checkin_number(&f->desk, 20, DB_CI_SEARCH, &r), VK_OK);
	assert_int_equal(r.outcome, CI_ADMITTED);
	assert_string_equal(r.reg.display, "Учасник 20");
	assert_true(r.job_id > 0);
	ticket(f, f->ev, f->key_id, f->sk, 20, 0, 0, 1, c); /* then the ticket: already in */
	assert_int_equal(present(f, c, &r), CI_ALREADY_ADMITTED);
	assert_int_equal(r.first.method, DB_CI_SEARCH);
	assert_int_equal(checkin_number(&f->desk, 3, DB_CI_SEARCH, &r), VK_OK);
	assert_int_equal(r.outcome, CI_CANCELLED);
	assert_int_equal(checkin_number(&f->desk, 9999, DB_CI_SEARCH, &r), VK_OK);
	assert_int_equal(r.outcome, CI_UNKNOWN);
	assert_int_equal(checkin_reprint_number(&f->desk, 20, &r), VK_OK);
	assert_int_equal(checkin_undo_number(&f->desk, 20, &r), VK_OK);
	assert_int_equal(checkin_undo_number(&f->desk, 20, &r), VK_ERR_NOT_FOUND);
}

static void test_walkin(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	struct db_registration reg;
	struct db_stats st;
	memset(&reg, 0, sizeof reg);
	snprintf(reg.display, sizeof reg.display, "Богдан Литвин");
	/* the event does not allow walk-ins: nothing is written */
	assert_int_equal(checkin_walkin(&f->desk, &reg, &r), VK_ERR_INVALID);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 200);
	f->desk.event.walkins = 1;
	assert_int_equal(checkin_walkin(&f->desk, &reg, &r), VK_OK);
	assert_int_equal(reg.number, 201);
	assert_int_equal(r.outcome, CI_ADMITTED);
	assert_int_equal(r.entry.kind, DB_CI_WALKIN);
	assert_true(r.job_id > 0);
	assert_int_equal(checkin_number(&f->desk, 201, DB_CI_SEARCH, &r), VK_OK);
	assert_int_equal(r.outcome, CI_ALREADY_ADMITTED);
	assert_int_equal(db_stats(f->d, f->ev, &st), VK_OK);
	assert_int_equal(st.registered, 200); /* 199 active + the walk-in */
	assert_int_equal(st.admitted, 1);
	db_stats_free(&st);
	memset(&reg, 0, sizeof reg);
	assert_int_equal(checkin_walkin(&f->desk, &reg, &r), VK_ERR_INVALID); /* no name */
}

static void test_clock_backwards(void **state)
{
	struct fx *f = *state;
	struct checkin_result r1, r2;
	char c[TICKET_CODE_LEN + 1];
	ticket(f, f->ev, f->key_id, f->sk, 11, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r1), CI_ADMITTED);
	f->desk.clock.offset_ms = -3600 * 1000; /* the clock was set back an hour */
	ticket(f, f->ev, f->key_id, f->sk, 12, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r2), CI_ADMITTED);
	assert_true(r2.entry.hlc > r1.entry.hlc);
	assert_true(r2.entry.wall_ms < r1.entry.wall_ms);
}

/* Two kiosks' connections to one database present the same tickets at once: each ticket
 * is admitted exactly once. Each racer must open the database and get an answer for every
 * code: a racer that could not open it, or whose check-ins failed, fails the test (else the
 * other racer alone would make the sum come out right). */
struct racer {
	const char *path;
	char (*codes)[TICKET_CODE_LEN + 1];
	int n, admitted, answered;
	pthread_barrier_t *start;
	char why[128];
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	struct checkin_desk desk;
	struct checkin_result *r = malloc(sizeof *r);
	db *d = NULL;
	int ready = r && db_open(rc->path, 0, &d, rc->why, sizeof rc->why) == VK_OK &&
		    checkin_desk_init(&desk, d) == VK_OK;
	if (r && !ready && !rc->why[0])
		snprintf(rc->why, sizeof rc->why, "the check-in desk did not start");
	/* both racers start presenting together (or give up together) */
	pthread_barrier_wait(rc->start);
	for (int i = 0; ready && i < rc->n; i++) {
		if (checkin_present(&desk, rc->codes[i], strlen(rc->codes[i]), DB_CI_QR, r) != VK_OK)
			continue;
		rc->answered++;
		if (r->outcome == CI_ADMITTED)
			rc->admitted++;
	}
	db_close(d);
	free(r);
	return NULL;
}

static void test_two_kiosks_race(void **state)
{
	struct fx *f = *state;
	enum { N = 40 };
	char (*codes)[TICKET_CODE_LEN + 1] = calloc(N, TICKET_CODE_LEN + 1);
	pthread_barrier_t start;
	struct racer a = { f->path, codes, N, 0, 0, &start, "" };
	struct racer b = { f->path, codes, N, 0, 0, &start, "" };
	pthread_t ta, tb;
	for (int i = 0; i < N; i++)
		ticket(f, f->ev, f->key_id, f->sk, (uint32_t)(100 + i), 0, 0, 1, codes[i]);
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
	assert_int_equal(pthread_join(ta, NULL), 0);
	assert_int_equal(pthread_join(tb, NULL), 0);
	pthread_barrier_destroy(&start);
	if (a.why[0] || b.why[0])
		fail_msg("a racer could not start: %s%s", a.why, b.why);
	assert_int_equal(a.answered, N); /* every presentation got an answer on both kiosks */
	assert_int_equal(b.answered, N);
	assert_int_equal(a.admitted + b.admitted, N);
	free(codes);
}

/* A check-in shown as done is on disk: a child admits tickets and reports each one after
 * checkin_present returned; it is killed with SIGKILL mid-storm; every reported admission
 * is in the database afterwards, and the file is sound. */
static void test_kill_mid_storm(void **state)
{
	struct fx *f = *state;
	enum { N = 3000 };
	char (*codes)[TICKET_CODE_LEN + 1] = calloc(N, TICKET_CODE_LEN + 1);
	int fds[2], acked[N], n_acked = 0, status;
	pid_t pid;
	for (int i = 0; i < N; i++)
		ticket(f, f->ev, f->key_id, f->sk, (uint32_t)(i + 1), 0, 0, 77, codes[i]);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct checkin_desk desk;
		struct checkin_result r;
		db *d;
		char why[128];
		close(fds[0]);
		if (db_open(f->path, 0, &d, why, sizeof why) || checkin_desk_init(&desk, d))
			_exit(3);
		for (int i = 0; i < N; i++) {
			if (checkin_present(&desk, codes[i], strlen(codes[i]), DB_CI_QR, &r) == VK_OK &&
			    r.outcome == CI_ADMITTED) {
				if (write(fds[1], &i, sizeof i) != sizeof i)
					_exit(4);
			}
		}
		_exit(0);
	}
	close(fds[1]);
	while (n_acked < 40 && read(fds[0], &acked[n_acked], sizeof(int)) == sizeof(int))
		n_acked++;
	kill(pid, SIGKILL);
	while (n_acked < N && read(fds[0], &acked[n_acked], sizeof(int)) == sizeof(int))
		n_acked++;
	close(fds[0]);
	waitpid(pid, &status, 0);
	assert_true(n_acked >= 40);
	print_message("# killed after %d of %d check-ins were acknowledged\n", n_acked, N);

	db *d;
	char why[128];
	struct db_checkin first;
	assert_int_equal(db_open(f->path, 0, &d, why, sizeof why), VK_OK);
	for (int i = 0; i < n_acked; i++)
		assert_int_equal(db_checkin_admission(d, f->ev, acked[i] + 1, &first), VK_OK);
	db_close(d);
	char ic[512];
	if (dbcheck_integrity(f->path, ic, sizeof ic) != 0 || strcmp(ic, "ok") != 0)
		fail_msg("integrity_check of the database after the kill: %s", ic);
	free(codes);
}

/* How many reprints the log holds for number, and how many jobs wait in the queue: what
 * the limit must leave untouched when it refuses. */
static int64_t reprints_of(struct fx *f, int64_t number)
{
	return db_checkin_count(f->d, f->ev, number, DB_CI_REPRINT);
}

/* The reprint limit is the core's: with badge.reprints_max 0 no caller of
 * checkin_reprint / checkin_reprint_number gets a reprint recorded or a badge queued. */
static void test_reprint_limit_in_core(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1];
	ticket(f, f->ev, f->key_id, f->sk, 30, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	int64_t queued = db_job_count(f->d, DB_JOB_QUEUED);

	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_REPRINTS_MAX, "0"), VK_OK);
	assert_int_equal(checkin_reprint(&f->desk, c, strlen(c), &r), VK_ERR_REPRINT_LIMIT);
	assert_int_equal(r.job_id, 0);
	assert_int_equal(r.reprints.done, 0);
	assert_int_equal(r.reprints.max_allowed, 0);
	assert_int_equal(checkin_reprint_number(&f->desk, 30, &r), VK_ERR_REPRINT_LIMIT);
	assert_int_equal(reprints_of(f, 30), 0);
	assert_int_equal(db_job_count(f->d, DB_JOB_QUEUED), queued);

	/* one allowed: the first goes through, the second is refused */
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_REPRINTS_MAX, "1"), VK_OK);
	assert_int_equal(checkin_reprint(&f->desk, c, strlen(c), &r), VK_OK);
	assert_true(r.job_id > 0);
	assert_int_equal(checkin_reprint(&f->desk, c, strlen(c), &r), VK_ERR_REPRINT_LIMIT);
	assert_int_equal(r.reprints.done, 1);
	assert_int_equal(reprints_of(f, 30), 1);
	assert_int_equal(db_job_count(f->d, DB_JOB_QUEUED), queued + 1);

	/* the limit does not hide "not checked in" */
	assert_int_equal(checkin_reprint_number(&f->desk, 31, &r), VK_ERR_NOT_FOUND);
}

/* Who may pass badge.reprints_free: an attendee by themselves only up to it, the
 * organizer up to badge.reprints_max. */
static void test_reprint_attendee_and_organizer(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1];
	ticket(f, f->ev, f->key_id, f->sk, 32, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_REPRINTS_FREE, "1"), VK_OK);
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_REPRINTS_MAX, "3"), VK_OK);

	assert_int_equal(checkin_reprint_as(&f->desk, c, strlen(c), CHECKIN_ATTENDEE, &r), VK_OK);
	assert_true(r.job_id > 0);
	assert_int_equal(checkin_reprint_as(&f->desk, c, strlen(c), CHECKIN_ATTENDEE, &r),
			 VK_ERR_REPRINT_NEEDS_ORGANIZER);
	assert_int_equal(r.job_id, 0);
	assert_int_equal(checkin_reprint_number_as(&f->desk, 32, CHECKIN_ATTENDEE, &r),
			 VK_ERR_REPRINT_NEEDS_ORGANIZER);
	assert_int_equal(reprints_of(f, 32), 1);
	assert_int_equal(checkin_reprint_as(&f->desk, c, strlen(c), CHECKIN_ORGANIZER, &r), VK_OK);
	assert_int_equal(checkin_reprint_number_as(&f->desk, 32, CHECKIN_ORGANIZER, &r), VK_OK);
	assert_int_equal(checkin_reprint_number(&f->desk, 32, &r), VK_ERR_REPRINT_LIMIT);
	assert_int_equal(reprints_of(f, 32), 3);
	/* the preview agrees with what was enforced */
	struct checkin_reprints rp;
	assert_int_equal(checkin_reprint_rule(f->d, f->ev, 32, CHECKIN_ORGANIZER, &rp),
			 VK_ERR_REPRINT_LIMIT);
	assert_int_equal(rp.done, 3);
}

/* The revocation contract at the door: a revoked ticket is refused and its reissue
 * admitted; "every ticket issued before T" refuses the older and admits the newer. */
static void test_revocation_contract(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char old[TICKET_CODE_LEN + 1], renewed[TICKET_CODE_LEN + 1], later[TICKET_CODE_LEN + 1];

	ticket(f, f->ev, f->key_id, f->sk, 40, 0, 0, 100, old);
	ticket(f, f->ev, f->key_id, f->sk, 40, 0, 0, 101, renewed);
	assert_int_equal(db_ticket_issued(f->d, f->ev, 40, 100, 1000), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, f->ev, 40, 101, 2000), VK_OK);
	assert_int_equal(db_revoke(f->d, f->ev, 40, 100, "reissued"), VK_OK);
	assert_int_equal(present(f, old, &r), CI_REVOKED);
	assert_int_equal(present(f, renewed, &r), CI_ADMITTED);

	/* a lost phone: every ticket of №41 so far is revoked, then one is issued anew */
	ticket(f, f->ev, f->key_id, f->sk, 41, 0, 0, 200, old);
	ticket(f, f->ev, f->key_id, f->sk, 41, 0, 0, 201, renewed);
	ticket(f, f->ev, f->key_id, f->sk, 41, 0, 0, 202, later);
	assert_int_equal(db_ticket_issued(f->d, f->ev, 41, 200, 1000), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, f->ev, 41, 201, 2000), VK_OK);
	assert_int_equal(db_revoke_issued_before(f->d, f->ev, 41, 3000, "phone lost"), VK_OK);
	assert_int_equal(db_ticket_issued(f->d, f->ev, 41, 202, 3000), VK_OK);
	assert_int_equal(present(f, old, &r), CI_REVOKED);
	assert_int_equal(present(f, renewed, &r), CI_REVOKED);
	assert_int_equal(present(f, later, &r), CI_ADMITTED);
	/* and a revocation of №41 leaves №42 alone */
	ticket(f, f->ev, f->key_id, f->sk, 42, 0, 0, 200, old);
	assert_int_equal(present(f, old, &r), CI_ADMITTED);
}

/* Defect 1: two desks on one database, the kiosk's clock a day behind the command line's.
 * The command line undoes; the kiosk presents again: admitted once, then "already", and
 * the turnout agrees, every round. Before the fix the kiosk's entries sorted before the
 * undo (its clock floor was read once, at start) and the ticket was admitted every time. */
static void test_undo_with_clock_behind(void **state)
{
	struct fx *f = *state;
	struct checkin_desk cli;
	struct checkin_result r;
	struct db_stats st;
	char c[TICKET_CODE_LEN + 1], why[256];
	db *d2;
	assert_int_equal(db_open(f->path, 0, &d2, why, sizeof why), VK_OK);
	assert_int_equal(checkin_desk_init(&cli, d2), VK_OK);
	f->desk.clock.offset_ms = -24LL * 3600 * 1000; /* the kiosk is a day behind */
	ticket(f, f->ev, f->key_id, f->sk, 21, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_ADMITTED);
	for (int round = 0; round < 4; round++) {
		assert_int_equal(checkin_undo(&cli, c, strlen(c), &r), VK_OK);
		assert_int_equal(present(f, c, &r), CI_ADMITTED);
		assert_int_equal(present(f, c, &r), CI_ALREADY_ADMITTED);
		assert_int_equal(checkin_present(&cli, c, strlen(c), DB_CI_QR, &r), VK_OK);
		assert_int_equal(r.outcome, CI_ALREADY_ADMITTED);
		assert_int_equal(db_stats(f->d, f->ev, &st), VK_OK);
		assert_int_equal(st.admitted, 1);
		db_stats_free(&st);
	}
	db_close(d2);
}

/* Defect 3: a real ticket of another event, signed by that event's key 1, is presented at
 * a kiosk whose own key is also 1: "another event", never "forged". A ticket that claims
 * our event and fails our key stays forged. */
static void test_other_database_ticket(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	char c[TICKET_CODE_LEN + 1], dir[64], path[128], why[256], cmd[128];
	uint8_t sk2[64];
	int key2;
	db *d2;
	snprintf(dir, sizeof dir, "/tmp/vkhid-test-ci2.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/other.db", dir);
	assert_int_equal(db_open(path, DB_CREATE, &d2, why, sizeof why), VK_OK);
	int64_t ev2 = add_event(d2, "Чужий захід", sk2, &key2);
	db_close(d2);
	/* both databases numbered their first key 1 */
	assert_int_equal(key2, 1);
	ticket(f, ev2, key2, sk2, 5, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_WRONG_EVENT);
	/* the same key of theirs claiming our event: forged */
	ticket(f, f->ev, key2, sk2, 5, 0, 0, 1, c);
	assert_int_equal(present(f, c, &r), CI_FORGED);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Defect 4: an event from 2027-01-10 to 2028-06-30 (537 days) admits its tickets on any
 * of its days (once a day: a later day greets them back) and refuses them the day after
 * it ends. */
static void test_long_event(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	struct db_event ev;
	struct ticket t;
	char c[TICKET_CODE_LEN + 1];
	int from = ticket_day_from_date("2027-01-10"), to = ticket_day_from_date("2028-06-30");
	assert_int_equal(db_event_get(f->d, f->ev, &ev), VK_OK);
	snprintf(ev.starts, sizeof ev.starts, "2027-01-10");
	snprintf(ev.ends, sizeof ev.ends, "2028-06-30");
	assert_int_equal(db_event_update(f->d, &ev), VK_OK);
	assert_int_equal(checkin_desk_init(&f->desk, f->d), VK_OK);
	assert_int_equal(ticket_window(from, to, &t), VK_OK);
	t.key_id = (uint16_t)f->key_id;
	t.event_id = (uint32_t)f->ev;
	t.number = 30;
	t.nonce = 1;
	assert_int_equal(ticket_sign(&t, f->sk, c, sizeof c), VK_OK);
	static const char *const days[] = { "2027-09-15", "2028-06-30", "2028-07-01", "2027-01-09" };
	static const int want[] = { CI_ADMITTED, CI_WELCOME_BACK, CI_NOT_VALID_NOW,
				    CI_NOT_VALID_NOW };
	for (int i = 0; i < 4; i++) {
		char iso[32];
		snprintf(iso, sizeof iso, "%sT12:00:00", days[i]);
		struct tm tm = { 0 };
		assert_non_null(strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm));
		tm.tm_isdst = -1;
		f->desk.clock.virtual_ms = (int64_t)mktime(&tm) * 1000;
		assert_int_equal(present(f, c, &r), want[i]);
	}
	/* a short event's ticket keeps the first format (the test vector's) */
	assert_int_equal(ticket_window(from, from + 2, &t), VK_OK);
	assert_int_equal(t.version, 1);
	assert_int_equal(t.valid_days, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlisted_signed_ticket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_reprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walkin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_backwards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_kiosks_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_mid_storm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint_limit_in_core, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint_attendee_and_organizer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation_contract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_with_clock_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_database_ticket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_event, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
