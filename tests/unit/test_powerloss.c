/* SPDX-License-Identifier: MIT */
/* Power can fail at any instant: a check-in shown as done is on disk. The kiosk's check-in
 * desk admits a stream of signed tickets through the simulated power cut of powercut.c
 * (registered as SQLite's default VFS, so db_open uses it): at a chosen write or sync
 * everything not yet synced is thrown away, the database is opened again as after a
 * reboot, and every check-in that checkin_present acknowledged before the cut must be
 * there, PRAGMA integrity_check must say "ok", and the desk must admit again.
 *
 * Cut points: fixed ones (the first operations, the middle, the last ones, inside the
 * closing checkpoint) and random ones; the random seed is printed and VKHID_SEED=N replays
 * it. Each is tried with SQLite's usual checkpoints and with frequent ones.
 *
 * The controls prove the test can fail: the same run with the connection's synchronous
 * lowered to OFF and to NORMAL (through db_exec, the database's escape hatch for tests)
 * must lose acknowledged check-ins at the cut, and the test asserts that it sees that. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/checkin.h"
#include "core/err.h"
#include "core/ticket.h"
#include "db/db.h"
#include "dbcheck.h"
#include "powercut.h"

enum { PEOPLE = 80, STREAM = 60, RANDOM_CUTS = 24 };

struct world {
	char dir[64], tmpl[128], path[128];
	uint8_t sk[64];
	int key_id;
	int64_t ev;
	char codes[STREAM + 1][TICKET_CODE_LEN + 1]; /* the last one: after the reboot */
	uint32_t seed;
};

/* What one run through a cut came to. */
struct run {
	long ops;           /* counted operations until the end (or the cut) */
	int acked;          /* check-ins acknowledged as admitted before the cut */
	int lost;           /* of those, missing after the reboot */
	int reopened;       /* the database opened again */
	int sound;          /* integrity_check said "ok" */
	int admits_again;   /* a new ticket was admitted after the reboot */
	char integrity[512];
};

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;
	int rc = in && out ? 0 : -1;
	while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
		rc = fwrite(buf, 1, n, out) == n ? 0 : -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	return rc;
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	struct db_event ev;
	struct db_key k;
	db *d;
	char why[256];
	const char *env = getenv("VKHID_SEED");

	if (!w || sodium_init() < 0 || powercut_install() != 0)
		return -1;
	w->seed = env && *env ? (uint32_t)strtoul(env, NULL, 10) : (uint32_t)time(NULL) ^ (uint32_t)getpid();
	if (!w->seed)
		w->seed = 1;
	print_message("# power-cut seed %u (VKHID_SEED=%u replays it)\n", w->seed, w->seed);
	snprintf(w->dir, sizeof w->dir, "/tmp/vkhid-test-pl.XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(w->tmpl, sizeof w->tmpl, "%s/template.db", w->dir);
	snprintf(w->path, sizeof w->path, "%s/k.db", w->dir);
	/* the event as the organizer left it; closed, so the file is whole and on disk */
	if (db_open(w->tmpl, DB_CREATE, &d, why, sizeof why))
		return -1;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Форум громад");
	memset(&k, 0, sizeof k);
	if (db_event_create(d, &ev) || db_event_set_current(d, ev.id))
		return -1;
	k.event_id = ev.id;
	crypto_sign_keypair(k.pk, w->sk);
	if (db_key_add(d, &k))
		return -1;
	for (int i = 1; i <= PEOPLE; i++) {
		struct db_registration r;
		memset(&r, 0, sizeof r);
		r.event_id = ev.id;
		snprintf(r.display, sizeof r.display, "Учасник %d", i);
		if (db_reg_insert(d, &r))
			return -1;
	}
	(void)db_kiosk_id(d); /* the kiosk's identity is made now, not inside a run */
	db_close(d);
	w->ev = ev.id;
	w->key_id = k.key_id;
	for (int i = 0; i <= STREAM; i++) {
		struct ticket t = { .version = 1, .key_id = (uint16_t)w->key_id, .event_id = (uint32_t)w->ev,
				    .number = (uint32_t)(i + 1), .nonce = 1 };
		if (ticket_sign(&t, w->sk, w->codes[i], TICKET_CODE_LEN + 1))
			return -1;
	}
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", w->dir);
	int rc = system(cmd);
	free(w);
	return rc == 0 ? 0 : -1;
}

static void remove_db(const char *path)
{
	char p[160];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", path);
	unlink(p);
}

/* One kiosk session from the template: open, admit the stream, close, with power failing
 * at operation cut_at (0 = never); then the reboot and the checks. synchronous NULL keeps
 * what db_open set; checkpoint 0 keeps SQLite's automatic checkpoint. */
static void session(struct world *w, long cut_at, const char *synchronous, int checkpoint,
		    struct run *out)
{
	int acked[STREAM], n_acked = 0;
	struct checkin_desk desk;
	struct checkin_result *r = calloc(1, sizeof *r);
	char why[256], sql[128];
	db *d = NULL;

	assert_non_null(r);
	memset(out, 0, sizeof *out);
	remove_db(w->path);
	assert_int_equal(copy_file(w->tmpl, w->path), 0);

	powercut_arm(cut_at);
	if (db_open(w->path, 0, &d, why, sizeof why) == VK_OK) {
		int ready = 1;
		if (synchronous) {
			snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", synchronous);
			ready = db_exec(d, sql) == VK_OK;
		}
		if (ready && checkpoint) {
			snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint=%d", checkpoint);
			ready = db_exec(d, sql) == VK_OK;
		}
		ready = ready && checkin_desk_init(&desk, d) == VK_OK;
		for (int i = 0; ready && i < STREAM && !powercut_dead(); i++)
			if (checkin_present(&desk, w->codes[i], strlen(w->codes[i]), DB_CI_QR, r) == VK_OK &&
			    r->outcome == CI_ADMITTED)
				acked[n_acked++] = i + 1; /* shown as done: the number admitted */
		/* a cut that has not come yet may still come while closing (the checkpoint) */
		db_close(d);
	} else {
		assert_true(cut_at > 0); /* without a cut the database must open */
	}
	out->ops = powercut_ops();
	out->acked = n_acked;
	assert_int_equal(powercut_restore(), 0);
	if (cut_at == 0)
		assert_int_equal(n_acked, STREAM);

	/* the reboot: the file as the disk kept it, opened the ordinary way */
	if (db_open(w->path, 0, &d, why, sizeof why) != VK_OK) {
		snprintf(out->integrity, sizeof out->integrity, "does not open: %s", why);
		out->lost = n_acked;
		free(r);
		return;
	}
	out->reopened = 1;
	for (int i = 0; i < n_acked; i++) {
		struct db_checkin first;
		if (db_checkin_admission(d, w->ev, acked[i], &first) != VK_OK)
			out->lost++;
	}
	if (checkin_desk_init(&desk, d) == VK_OK &&
	    checkin_present(&desk, w->codes[STREAM], strlen(w->codes[STREAM]), DB_CI_QR, r) == VK_OK)
		out->admits_again = r->outcome == CI_ADMITTED;
	db_close(d);
	out->sound = dbcheck_integrity(w->path, out->integrity, sizeof out->integrity) == 0 &&
		     strcmp(out->integrity, "ok") == 0;
	free(r);
}

/* The cut points for a session of total operations: the first few, the middle, the last
 * few (inside the closing checkpoint), and RANDOM_CUTS drawn from the seed. */
static int cut_points(struct world *w, long total, long *at, int cap)
{
	int n = 0;
	for (long k = 1; k <= 4 && k <= total; k++)
		at[n++] = k;
	at[n++] = total / 3 > 0 ? total / 3 : 1;
	at[n++] = total / 2 > 0 ? total / 2 : 1;
	for (long k = total - 3; k <= total; k++)
		if (k > 4)
			at[n++] = k;
	while (n < cap)
		at[n++] = 1 + (long)(next_rand(&w->seed) % (uint32_t)total);
	return n;
}

static void cuts_with(struct world *w, int checkpoint)
{
	struct run run;
	long at[12 + RANDOM_CUTS];
	int failures = 0;

	session(w, 0, NULL, checkpoint, &run); /* no cut: how many operations there are */
	assert_int_equal(run.lost, 0);
	assert_true(run.sound);
	assert_true(run.ops > STREAM);
	long total = run.ops;
	int n = cut_points(w, total, at, (int)(sizeof at / sizeof at[0]));
	print_message("# checkpoint %s: %ld operations a session, %d cuts\n",
		      checkpoint ? "every few pages" : "automatic", total, n);
	for (int i = 0; i < n; i++) {
		session(w, at[i], NULL, checkpoint, &run);
		if (run.lost || !run.sound || !run.admits_again) {
			print_message("# cut at operation %ld of %ld: %d of %d acknowledged check-ins "
				      "lost, integrity: %s, admits again: %s\n", at[i], total,
				      run.lost, run.acked, run.integrity, run.admits_again ? "yes" : "no");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* synchronous=FULL as db_open sets it: nothing acknowledged is ever lost. */
static void test_power_cuts(void **state)
{
	cuts_with(*state, 0);
}

/* The same with a checkpoint every 8 pages: the cuts land in checkpoints and WAL
 * restarts too. */
static void test_power_cuts_frequent_checkpoints(void **state)
{
	cuts_with(*state, 8);
}

/* A lowered synchronous must be caught: at cuts in the second half of the stream, some
 * acknowledged check-ins are gone, and this test sees it. */
static void control(struct world *w, const char *synchronous)
{
	struct run run;
	int caught = 0, tried = 0;
	session(w, 0, synchronous, 0, &run);
	long total = run.ops;
	assert_true(total > 4);
	for (int i = 0; i < 6; i++) {
		long at = total / 2 + (long)(next_rand(&w->seed) % (uint32_t)(total / 2 - 2));
		session(w, at, synchronous, 0, &run);
		tried++;
		caught += run.acked > 0 && (run.lost > 0 || !run.sound);
	}
	print_message("# synchronous=%s: loss of acknowledged check-ins seen at %d of %d cuts\n",
		      synchronous, caught, tried);
	assert_true(caught > 0);
}

static void test_control_synchronous_off(void **state)
{
	control(*state, "OFF");
}

static void test_control_synchronous_normal(void **state)
{
	control(*state, "NORMAL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_cuts),
		cmocka_unit_test(test_power_cuts_frequent_checkpoints),
		cmocka_unit_test(test_control_synchronous_off),
		cmocka_unit_test(test_control_synchronous_normal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
