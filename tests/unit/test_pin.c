/* SPDX-License-Identifier: MIT */
/* Tests of app/core/pin.c on a real SQLite file: the organizer PIN is kept only as an
 * argon2id hash, the right PIN opens and a wrong one does not, five wrong PINs lock
 * organizer mode and the lock survives closing and reopening the database (a restarted
 * kiosk), and a plain PIN left by an older vkhid becomes a hash that leaves no trace of the
 * digits in the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/pin.h"
#include "db/db.h"

#define NOW 1764547200000LL /* 2025-12-01, any wall-clock ms */

struct fx {
	char dir[64];
	char path[128];
	db *d;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-pin.XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	if (db_open(f->path, DB_CREATE, &f->d, NULL, 0) != VK_OK)
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

static void reopen(struct fx *f)
{
	db_close(f->d);
	assert_int_equal(db_open(f->path, 0, &f->d, NULL, 0), VK_OK);
}

/* 1 when the bytes of text appear anywhere in the file at path (or its -wal) */
static int file_has(const char *path, const char *text)
{
	char p[160];
	int found = 0;
	for (int w = 0; w < 2 && !found; w++) {
		snprintf(p, sizeof p, "%s%s", path, w ? "-wal" : "");
		FILE *fp = fopen(p, "rb");
		if (!fp)
			continue;
		fseek(fp, 0, SEEK_END);
		long n = ftell(fp);
		rewind(fp);
		char *buf = malloc(n > 0 ? (size_t)n : 1);
		assert_non_null(buf);
		if (n > 0 && fread(buf, 1, (size_t)n, fp) == (size_t)n)
			found = memmem(buf, (size_t)n, text, strlen(text)) != NULL;
		free(buf);
		fclose(fp);
	}
	return found;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void hash_and_verify(void **state)
{
	char h1[PIN_HASH_MAX], h2[PIN_HASH_MAX];
	struct timespec t0;
	(void)state;
	assert_int_equal(pin_hash("739164", h1, sizeof h1), VK_OK);
	assert_int_equal(pin_hash("739164", h2, sizeof h2), VK_OK);
	assert_true(pin_is_hash(h1));
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_null(strstr(h1, "739164"));
	assert_string_not_equal(h1, h2); /* salted */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(pin_matches(h1, "739164"));
	/* a figure for the report, not a goal (timing goals live in make bench) */
	printf("# argon2id verify of one PIN: %.0f ms here (this build)\n", ms_since(&t0));
	assert_false(pin_matches(h1, "739165"));
	assert_false(pin_matches(h1, "73916"));
	assert_false(pin_matches(h1, ""));
	assert_int_equal(pin_hash("", h1, sizeof h1), VK_ERR_INVALID);
}

static void right_and_wrong(void **state)
{
	struct fx *f = *state;
	struct pin_state st;
	char v[PIN_HASH_MAX];
	/* nothing set: the default PIN opens, and nothing is stored */
	assert_false(pin_is_set(f->d));
	assert_int_equal(pin_check(f->d, PIN_DEFAULT, NOW, &st), PIN_OK);
	assert_int_equal(pin_set(f->d, "739164"), VK_OK);
	assert_true(pin_is_set(f->d));
	assert_int_equal(db_setting_get(f->d, PIN_SETTING, v, sizeof v), VK_OK);
	assert_true(pin_is_hash(v));
	assert_int_equal(pin_check(f->d, PIN_DEFAULT, NOW, &st), PIN_WRONG);
	assert_int_equal(st.tries_left, PIN_TRIES - 1);
	assert_int_equal(pin_check(f->d, "000000", NOW, &st), PIN_WRONG);
	assert_int_equal(st.tries_left, PIN_TRIES - 2);
	/* the right PIN opens and gives the tries back */
	assert_int_equal(pin_check(f->d, "739164", NOW, &st), PIN_OK);
	assert_int_equal(st.tries_left, PIN_TRIES);
	assert_int_equal(st.locked_ms_left, 0);
}

static void lockout_survives_restart(void **state)
{
	struct fx *f = *state;
	struct pin_state st;
	int64_t t = NOW;
	assert_int_equal(pin_set(f->d, "739164"), VK_OK);
	/* three wrong, then the kiosk restarts: two tries are left, not five */
	for (int i = 0; i < 3; i++)
		assert_int_equal(pin_check(f->d, "1111", t++, &st), PIN_WRONG);
	reopen(f);
	pin_state_get(f->d, t, &st);
	assert_int_equal(st.tries_left, PIN_TRIES - 3);
	assert_int_equal(pin_check(f->d, "1111", t++, &st), PIN_WRONG);
	assert_int_equal(pin_check(f->d, "1111", t, &st), PIN_WRONG);
	assert_true(st.locked_ms_left > 0);
	int64_t locked_at = t;
	/* locked, and still locked after a restart: even the right PIN is not tried */
	reopen(f);
	assert_int_equal(pin_check(f->d, "739164", t + 1000, &st), PIN_LOCKED);
	assert_int_equal(st.locked_ms_left, PIN_LOCK_MS - 1000);
	assert_int_equal(pin_check(f->d, NULL, t + 1000, &st), PIN_LOCKED);
	/* a clock set far back does not lengthen the lock beyond PIN_LOCK_MS */
	pin_state_get(f->d, t - 10LL * 24 * 3600 * 1000, &st);
	assert_true(st.locked_ms_left <= PIN_LOCK_MS);
	/* after the lock, the right PIN opens */
	reopen(f);
	assert_int_equal(pin_check(f->d, "739164", locked_at + PIN_LOCK_MS, &st), PIN_OK);
	assert_int_equal(st.tries_left, PIN_TRIES);
	/* setting a new PIN clears a lock */
	for (int i = 0; i < PIN_TRIES; i++)
		pin_check(f->d, "1111", t + PIN_LOCK_MS + 10, &st);
	assert_true(st.locked_ms_left > 0);
	assert_int_equal(pin_set(f->d, "24680"), VK_OK);
	assert_int_equal(pin_check(f->d, "24680", t + PIN_LOCK_MS + 20, &st), PIN_OK);
}

static void plain_pin_migrated(void **state)
{
	struct fx *f = *state;
	struct pin_state st;
	char v[PIN_HASH_MAX];
	/* what an older vkhid wrote */
	assert_int_equal(db_setting_set(f->d, PIN_SETTING, "86420973"), VK_OK);
	reopen(f);
	assert_true(file_has(f->path, "86420973"));
	/* the plain PIN still opens before the migration (nobody is locked out by it) */
	assert_int_equal(pin_check(f->d, "86420973", NOW, &st), PIN_OK);
	assert_int_equal(pin_migrate(f->d), 1);
	assert_int_equal(pin_migrate(f->d), 0); /* once */
	assert_int_equal(db_setting_get(f->d, PIN_SETTING, v, sizeof v), VK_OK);
	assert_true(pin_is_hash(v));
	assert_int_equal(pin_check(f->d, "86420973", NOW, &st), PIN_OK);
	assert_int_equal(pin_check(f->d, "86420974", NOW, &st), PIN_WRONG);
	db_close(f->d);
	f->d = NULL;
	assert_false(file_has(f->path, "86420973"));
	assert_int_equal(db_open(f->path, 0, &f->d, NULL, 0), VK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test_setup_teardown(right_and_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(lockout_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(plain_pin_migrated, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
