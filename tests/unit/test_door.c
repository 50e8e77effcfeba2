/* SPDX-License-Identifier: MIT */
/* Tests of the door (app/door) on a real SQLite file, headless: what it reports through its
 * callback and what it writes to log.jsonl for a code, the screens' requests and staff
 * actions (no names, no codes, the file readable by its owner only), and the choice of
 * who decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "db/db.h"
#include "door/decide.h"
#include "door/door.h"

struct fx {
	char dir[64], path[128], out[128], log[160];
	struct door *door;
	/* what the callback saw */
	int n_outcome, n_printed, n_staff, n_problem;
	enum door_source last_source;
	enum checkin_outcome last_outcome;
	char last_mode[16];
	int64_t last_number;
};

static void on_note(void *ctx, const struct door_note *n)
{
	struct fx *f = ctx;
	switch (n->kind) {
	case DOOR_OUTCOME:
		f->n_outcome++;
		f->last_source = n->source;
		f->last_outcome = n->result->outcome;
		snprintf(f->last_mode, sizeof f->last_mode, "%s", n->mode);
		f->last_number = n->result->number;
		break;
	case DOOR_PRINTED:
		f->n_printed++;
		break;
	case DOOR_STAFF:
		f->n_staff++;
		break;
	case DOOR_PROBLEM:
		f->n_problem++;
		break;
	default:
		break;
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct door_config cfg = { 0 };
	struct db_event ev;
	struct db_key k;
	uint8_t sk[64];
	char why[256];
	db *d;

	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-door.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	snprintf(f->out, sizeof f->out, "%s/out", f->dir);
	snprintf(f->log, sizeof f->log, "%s/log.jsonl", f->out);
	if (db_open(f->path, DB_CREATE, &d, why, sizeof why))
		return -1;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Форум");
	ev.walkins = 1;
	if (db_event_create(d, &ev) || db_event_set_current(d, ev.id))
		return -1;
	memset(&k, 0, sizeof k);
	k.event_id = ev.id;
	crypto_sign_keypair(k.pk, sk);
	if (db_key_add(d, &k))
		return -1;
	for (int i = 1; i <= 3; i++) {
		struct db_registration r;
		memset(&r, 0, sizeof r);
		r.event_id = ev.id;
		snprintf(r.display, sizeof r.display, "Учасниця Номер%d", i);
		snprintf(r.ticket_code, sizeof r.ticket_code, "pretix-secret-%d", i);
		if (db_reg_insert(d, &r))
			return -1;
	}
	db_close(d);
	cfg.database = f->path;
	cfg.out_dir = f->out;
	cfg.headless = 1;
	if (door_open(&cfg, on_note, f, &f->door, why, sizeof why) != VK_OK) {
		fprintf(stderr, "door_open: %s\n", why);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	door_close(f->door);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The whole log as one string (freed by the caller). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;
	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void fingerprint(const char *code, char out[9])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)code, strlen(code));
	snprintf(out, 9, "%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
}

/* A code typed at the door: one outcome reported and logged by registration number and
 * the code's fingerprint, the badge printed in the same thread; no name or code in the
 * log, which only its owner may read. */
static void test_code_reported_and_logged(void **state)
{
	struct fx *f = *state;
	char fp[9], want[200], *log;
	struct stat st;

	assert_int_equal(door_code(f->door, "pretix-secret-2", 15), 1);
	assert_int_equal(f->n_outcome, 1);
	assert_int_equal(f->last_outcome, CI_ADMITTED);
	assert_int_equal(f->last_source, DOOR_SRC_KEYBOARD);
	assert_string_equal(f->last_mode, "local");
	assert_int_equal(f->n_printed, 1);

	log = slurp(f->log);
	fingerprint("pretix-secret-2", fp);
	snprintf(want, sizeof want, "\"source\": \"keyboard\", \"outcome\": \"admitted\", \"registration\": 2, "
		 "\"code_kind\": \"foreign\", \"code\": \"%s\", \"checkin\": \"", fp);
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, "\"mode\": \"local\""));
	assert_non_null(strstr(log, "\"event\": \"printed\", \"registration\": 2"));
	assert_null(strstr(log, "pretix-secret"));
	assert_null(strstr(log, "Учасниця"));
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(log);

	/* shown again: already admitted, with the first check-in */
	assert_int_equal(door_code(f->door, "pretix-secret-2", 15), 1);
	assert_int_equal(f->last_outcome, CI_ALREADY_ADMITTED);
	log = slurp(f->log);
	assert_non_null(strstr(log, "\"outcome\": \"already_admitted\", \"registration\": 2"));
	assert_non_null(strstr(log, "\"first_checkin\": {\"time\": \""));
	free(log);
}

/* The screens' requests go through the same reporting and log: Find me, a walk-in, an
 * organizer's undo and reprint. */
static void test_requests_reported_and_logged(void **state)
{
	struct fx *f = *state;
	struct ui_request rq;
	struct door_result *res = malloc(sizeof *res);
	char *log;

	assert_non_null(res);
	memset(&rq, 0, sizeof rq);
	rq.kind = UI_REQ_CHECKIN;
	rq.number = 1;
	door_request(f->door, &rq, res);
	assert_int_equal(res->rc, VK_OK);
	assert_true(res->has_outcome);
	assert_string_equal(res->name, "Учасниця Номер1");
	assert_int_equal(f->n_outcome, 1);
	assert_int_equal(f->last_source, DOOR_SRC_SEARCH);

	memset(&rq, 0, sizeof rq);
	rq.kind = UI_REQ_WALKIN;
	snprintf(rq.a, sizeof rq.a, "Нова Людина");
	door_request(f->door, &rq, res);
	assert_int_equal(res->rc, VK_OK);
	assert_int_equal(f->n_outcome, 2);
	assert_int_equal(f->last_source, DOOR_SRC_WALKIN);
	assert_int_equal(f->last_outcome, CI_ADMITTED);

	memset(&rq, 0, sizeof rq);
	rq.kind = UI_REQ_UNDO;
	rq.number = 1;
	door_request(f->door, &rq, res);
	assert_int_equal(res->rc, VK_OK);
	memset(&rq, 0, sizeof rq);
	rq.kind = UI_REQ_REPRINT;
	rq.number = 3; /* never admitted: nothing to reprint */
	door_request(f->door, &rq, res);
	assert_int_not_equal(res->rc, VK_OK);
	assert_int_equal(f->n_staff, 2);
	assert_int_equal(f->n_problem, 0);
	free(res);

	log = slurp(f->log);
	assert_non_null(strstr(log, "\"source\": \"search\", \"outcome\": \"admitted\", \"registration\": 1, "
				    "\"code_kind\": \"none\", \"code\": null"));
	assert_non_null(strstr(log, "\"source\": \"walkin\", \"outcome\": \"admitted\", \"registration\": 4"));
	assert_non_null(strstr(log, "\"event\": \"staff\", \"action\": \"undo\", \"registration\": 1, \"ok\": true, "
				    "\"source\": \"organizer\""));
	assert_non_null(strstr(log, "\"action\": \"reprint\", \"registration\": 3, \"ok\": false"));
	assert_null(strstr(log, "Людина"));
	assert_null(strstr(log, "Учасниця"));
	free(log);
}

/* Who decides: "local" by default and by name, "hub" by name; the hub only on an enrolled
 * database; anything else is refused with its name. */
static void test_decider_choice(void **state)
{
	struct fx *f = *state;
	struct door_config cfg = { .database = f->path, .headless = 1, .decider = "hub:300" };
	struct door *d = NULL;
	char why[256] = "";

	assert_ptr_equal(door_decider_find(NULL), &door_decider_local);
	assert_ptr_equal(door_decider_find("local"), &door_decider_local);
	assert_ptr_equal(door_decider_find("local:anything"), &door_decider_local);
	assert_ptr_equal(door_decider_find("hub"), &door_decider_hub);
	assert_ptr_equal(door_decider_find("hub:500"), &door_decider_hub);
	assert_null(door_decider_find("loc"));
	/* this database has no hub: asking for one says how to get one */
	assert_int_equal(door_open(&cfg, on_note, f, &d, why, sizeof why), VK_ERR_INVALID);
	assert_null(d);
	assert_non_null(strstr(why, "not enrolled"));
	cfg.decider = "nosuch";
	assert_int_equal(door_open(&cfg, on_note, f, &d, why, sizeof why), VK_ERR_UNSUPPORTED);
	assert_null(d);
	assert_non_null(strstr(why, "nosuch"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_code_reported_and_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_reported_and_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decider_choice, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
