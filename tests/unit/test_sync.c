/* SPDX-License-Identifier: MIT */
/* Tests of app/sync: the wire format on hostile input (never a crash, always a reason), the
 * merge rules on a hand-made partition, and a property test: N replicas (real SQLite files)
 * exchange batches through random partitions, with duplicated, reordered and dropped
 * messages; after a final full exchange every replica holds the same events and derives the
 * same first admissions and incidents. The seed is printed (VKHID_SEED=N repeats a run).
 * Then the hub's sqlite store: many threads on two connections (two hub processes on one
 * file) redeem one ticket and exactly one is admitted; and the door's client gives "no
 * answer" instead of waiting on a hub that accepts a connection and never replies. Last,
 * an in-process hub on loopback and a kiosk's background sync thread: a roster change at
 * the hub reaches the kiosk, a check-in goes up when poked, a stopped hub shows as offline.
 * And a kiosk's health (wire form, the hub's latest per kiosk) and USB-stick bundles (a key
 * made once; written, read back, refused when one byte changes or the file is cut). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "core/err.h"
#include "db/db.h"
#include "hub/hub.h"
#include "hub/store.h"
#include "hub/tls.h"
#include "printer/printer.h"
#include "sync/bundle.h"
#include "sync/client.h"
#include "sync/worker.h"
#include "sync/merge.h"
#include "sync/replica.h"
#include "sync/wire.h"

/* ---- the wire format on hostile input ---------------------------------------------------- */
static int parse_str(const char *s, char *why, size_t n)
{
	json_t *o = NULL;
	int rc = sync_parse(s, strlen(s), &o, why, n);
	json_decref(o);
	return rc;
}

static void test_parse_hostile(void **state)
{
	char why[256];
	static const char *const bad[] = {
		"", "{", "}", "[]", "null", "42", "\"x\"", "{\"a\":}", "{\"a\":1,}", "{'a':1}",
		"{\"a\":1}{", "{\"a\":1,\"a\":2}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\xff\xfe\"}",
		"{\"a\":\"\\ud800\"}", "{\"a\":1e999999}", "\xef\xbb\xbf{}x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = 0;
		assert_int_equal(parse_str(bad[i], why, sizeof why), VK_ERR_INVALID);
		assert_true(why[0] != 0);
	}
	assert_int_equal(parse_str("{\"a\":[1,{\"b\":[]}]}", why, sizeof why), VK_OK);

	/* deep nesting is refused before the parser recurses */
	size_t deep = 100000;
	char *p = malloc(2 * deep + 1);
	memset(p, '[', deep);
	memset(p + deep, ']', deep);
	p[2 * deep] = 0;
	p[0] = '{';
	assert_int_equal(parse_str(p, why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "deeper"));
	free(p);
	/* brackets inside strings do not count as nesting */
	assert_int_equal(parse_str("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[\"}", why, sizeof why), VK_OK);

	/* a body over the cap is refused without being parsed */
	json_t *o = NULL;
	assert_int_equal(sync_parse("{}", SYNC_MAX_BODY + 1, &o, why, sizeof why), VK_ERR_INVALID);
	assert_null(o);
	assert_non_null(strstr(why, "8 MiB"));
}

static const char good_event[] =
	"{\"uuid\":\"0b7e6c1e-7d0c-4c59-9f0e-2a3b4c5d6e7f\",\"kiosk\":\"a1b2c3d4\",\"seq\":3,"
	"\"event_id\":77,\"number\":12,\"session_id\":0,\"kind\":\"entry\",\"method\":\"qr\","
	"\"wall_ms\":1764560000000,\"hlc\":115671629824000000,\"clock_trusted\":false,"
	"\"mode\":\"offline\"}";

static void test_event_fields(void **state)
{
	char why[256], buf[2048];
	struct sync_event e;
	json_t *o;
	assert_int_equal(sync_parse(good_event, strlen(good_event), &o, why, sizeof why), VK_OK);
	assert_int_equal(sync_event_from_json(o, &e, why, sizeof why), VK_OK);
	assert_string_equal(e.ci.kiosk, "a1b2c3d4");
	assert_int_equal(e.ci.number, 12);
	assert_int_equal(e.mode, SYNC_MODE_OFFLINE);
	/* round trip */
	json_t *back = sync_event_to_json(&e);
	char *txt = sync_dump(back);
	json_t *o2;
	struct sync_event e2;
	assert_int_equal(sync_parse(txt, strlen(txt), &o2, why, sizeof why), VK_OK);
	assert_int_equal(sync_event_from_json(o2, &e2, why, sizeof why), VK_OK);
	assert_memory_equal(&e, &e2, sizeof e);
	free(txt);
	json_decref(back);
	json_decref(o2);
	json_decref(o);

	/* each field wrong in turn: refused, and the reason names the field */
	static const char *const edits[][3] = {
		{ "\"seq\":3", "\"seq\":0", "seq" },
		{ "\"seq\":3", "\"seq\":\"3\"", "seq" },
		{ "\"number\":12", "\"number\":1.5", "number" },
		{ "\"kind\":\"entry\"", "\"kind\":\"leave\"", "kind" }, /* "exit" is a kind now */
		{ "\"mode\":\"offline\"", "\"mode\":7", "mode" },
		{ "\"kiosk\":\"a1b2c3d4\"", "\"kiosk\":\"a b\"", "kiosk" },
		{ "\"kiosk\":\"a1b2c3d4\"", "\"kiosk\":\"0123456789abcdefXYZ\"", "kiosk" },
		{ "0b7e6c1e-7d0c", "0b7e6c1e+7d0c", "uuid" },
		{ "\"event_id\":77", "\"event_id\":99999999999", "event_id" },
		{ "\"clock_trusted\":false", "\"clock_trusted\":0", "clock_trusted" },
		{ "\"wall_ms\":1764560000000", "\"wall_ms\":-1", "wall_ms" },
	};
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		const char *at = strstr(good_event, edits[i][0]);
		assert_non_null(at);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good_event), good_event,
			 edits[i][1], at + strlen(edits[i][0]));
		assert_int_equal(sync_parse(buf, strlen(buf), &o, why, sizeof why), VK_OK);
		assert_int_equal(sync_event_from_json(o, &e, why, sizeof why), VK_ERR_INVALID);
		assert_non_null(strstr(why, edits[i][2]));
		json_decref(o);
	}
	/* a missing field */
	assert_int_equal(sync_parse("{\"uuid\":1}", 10, &o, why, sizeof why), VK_OK);
	assert_int_equal(sync_event_from_json(o, &e, why, sizeof why), VK_ERR_INVALID);
	json_decref(o);
}

/* ---- the merge rules by hand ---------------------------------------------------------------- */
static struct sync_event ev(const char *uuid_tail, const char *kiosk, int64_t seq,
			    int64_t number, int kind, int64_t hlc, int trusted, int mode)
{
	struct sync_event e;
	memset(&e, 0, sizeof e);
	snprintf(e.ci.uuid, sizeof e.ci.uuid, "00000000-0000-4000-8000-%012d", atoi(uuid_tail));
	snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "%s", kiosk);
	e.ci.seq = seq;
	e.ci.event_id = 5;
	e.ci.number = number;
	e.ci.kind = kind;
	e.ci.hlc = hlc;
	e.ci.wall_ms = hlc >> 16;
	e.ci.clock_trusted = trusted;
	e.mode = mode;
	return e;
}

static void test_merge_rules(void **state)
{
	struct sync_derived d;
	struct sync_event e[] = {
		/* ticket 1: A admits offline (untrusted clock) before B admits via the hub:
		 * the hub's admission is the first, A's is the incident, order uncertain */
		ev("1", "A", 1, 1, DB_CI_ENTRY, 100 << 16, 0, SYNC_MODE_OFFLINE),
		ev("2", "B", 1, 1, DB_CI_ENTRY, 200 << 16, 1, SYNC_MODE_HUB),
		/* ticket 2: admitted, undone, admitted again: no incident */
		ev("3", "A", 2, 2, DB_CI_ENTRY, 100 << 16, 1, SYNC_MODE_OFFLINE),
		ev("4", "A", 3, 2, DB_CI_UNDO, 150 << 16, 1, SYNC_MODE_OFFLINE),
		ev("5", "B", 2, 2, DB_CI_ENTRY, 300 << 16, 1, SYNC_MODE_OFFLINE),
		/* ticket 3: two offline admissions with trusted clocks: the lower wins; a
		 * reprint is not an admission */
		ev("6", "B", 3, 3, DB_CI_ENTRY, 500 << 16, 1, SYNC_MODE_OFFLINE),
		ev("7", "A", 4, 3, DB_CI_ENTRY, 400 << 16, 1, SYNC_MODE_OFFLINE),
		ev("8", "A", 5, 3, DB_CI_REPRINT, 450 << 16, 1, SYNC_MODE_OFFLINE),
	};
	struct sync_event dup = e[1];
	struct sync_note note = { .kiosk = "H", .note = "same person, let in once", .hlc = 9 };
	snprintf(note.uuid, sizeof note.uuid, "00000000-0000-4000-8000-%012d", 99);
	snprintf(note.incident, sizeof note.incident, "%s", e[5].ci.uuid);

	assert_int_equal(sync_derive(e, 8, &note, 1, &d), VK_OK);
	assert_int_equal(d.n_first, 4);
	assert_string_equal(d.first[0].ci.kiosk, "B"); /* ticket 1: the hub's */
	assert_int_equal(d.n_inc, 2);
	assert_string_equal(d.inc[0].first.ci.kiosk, "B");
	assert_string_equal(d.inc[0].other.ci.kiosk, "A");
	assert_int_equal(d.inc[0].other.mode, SYNC_MODE_OFFLINE);
	assert_int_equal(d.inc[0].order_uncertain, 1);
	assert_int_equal(d.inc[0].resolved, 0);
	assert_int_equal(d.inc[1].first.ci.number, 3);
	assert_string_equal(d.inc[1].first.ci.kiosk, "A");
	assert_int_equal(d.inc[1].order_uncertain, 0);
	assert_int_equal(d.inc[1].resolved, 1);
	assert_string_equal(d.inc[1].note, "same person, let in once");
	sync_derived_free(&d);

	/* a copy of B's event that arrived as "offline" elsewhere changes nothing: the
	 * confirmation wins whatever the order */
	struct sync_event e2[9];
	memcpy(e2, e, sizeof e);
	dup.mode = SYNC_MODE_OFFLINE;
	e2[1] = dup;
	e2[8] = e[1];
	assert_int_equal(sync_derive(e2, 8, NULL, 0, &d), VK_OK);
	assert_string_equal(d.first[0].ci.kiosk, "A"); /* without the hub's copy... */
	sync_derived_free(&d);
	assert_int_equal(sync_derive(e2, 9, NULL, 0, &d), VK_OK);
	assert_string_equal(d.first[0].ci.kiosk, "B"); /* ...with it, the hub's again */
	assert_int_equal(d.first[0].mode, SYNC_MODE_HUB);
	sync_derived_free(&d);
}

/* ---- property: replicas converge --------------------------------------------------------- */
#define NREP 4
#define NTICKETS 6

struct rep {
	char path[160];
	db *d;
	char kiosk[16];
	int64_t seq;
};

static uint64_t rng;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void shuffle(struct sync_event *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd((uint32_t)i);
		struct sync_event t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* sends a random part of from's log (shuffled, maybe duplicated) to to */
static void send_part(struct rep *from, struct rep *to, int all)
{
	struct sync_event *e;
	struct sync_note *nt;
	size_t n, nn;
	assert_int_equal(sync_replica_load(from->d, 0, &e, &n, &nt, &nn), VK_OK);
	size_t keep = 0;
	for (size_t i = 0; i < n; i++)
		if (all || rnd(3))
			e[keep++] = e[i];
	shuffle(e, keep);
	int copies = all ? 1 : 1 + (int)rnd(2);
	for (int c = 0; c < copies; c++) {
		assert_int_equal(sync_replica_add_events(to->d, e, keep, 1, NULL, NULL), VK_OK);
		assert_int_equal(sync_replica_add_notes(to->d, nt, nn, 1), VK_OK);
	}
	free(e);
	free(nt);
}

static void derive_text(struct rep *r, char **out)
{
	struct sync_event *e;
	struct sync_note *nt;
	size_t n, nn, len;
	struct sync_derived d;
	FILE *f = open_memstream(out, &len);
	assert_int_equal(sync_replica_load(r->d, 0, &e, &n, &nt, &nn), VK_OK);
	assert_int_equal(sync_derive(e, n, nt, nn, &d), VK_OK);
	fprintf(f, "events %zu\n", n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %d\n", e[i].ci.uuid, e[i].mode);
	for (size_t i = 0; i < d.n_first; i++)
		fprintf(f, "first %s\n", d.first[i].ci.uuid);
	for (size_t i = 0; i < d.n_inc; i++)
		fprintf(f, "incident %s first %s resolved %d uncertain %d\n", d.inc[i].id,
			d.inc[i].first.ci.uuid, d.inc[i].resolved, d.inc[i].order_uncertain);
	fclose(f);
	sync_derived_free(&d);
	free(e);
	free(nt);
}

static void test_property_converge(void **state)
{
	char dir[] = "/tmp/vkhid-test-sync.XXXXXX", why[256];
	struct rep r[NREP];
	const char *env = getenv("VKHID_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL) * 2654435761u;
	int rounds = 6;
	size_t total_inc = 0;

	print_message("# property seed %" PRIu64 " (VKHID_SEED=%" PRIu64 " repeats it)\n", seed,
		      seed);
	assert_non_null(mkdtemp(dir));
	for (int run = 0; run < rounds; run++) {
		rng = seed + (uint64_t)run * 7919 + 1;
		for (int i = 0; i < NREP; i++) {
			snprintf(r[i].path, sizeof r[i].path, "%s/r%d-%d.db", dir, run, i);
			assert_int_equal(db_open(r[i].path, DB_CREATE, &r[i].d, why, sizeof why),
					 VK_OK);
			assert_int_equal(sync_replica_init(r[i].d), VK_OK);
			snprintf(r[i].kiosk, sizeof r[i].kiosk, "k%d", i);
			r[i].seq = 0;
		}
		int64_t hlc = 1000 << 16;
		for (int step = 0; step < 120; step++) {
			struct rep *k = &r[rnd(NREP)];
			uint32_t what = rnd(10);
			if (what < 5) {
				/* an admission, an undo or a reprint at kiosk k */
				struct sync_event e;
				memset(&e, 0, sizeof e);
				k->seq++;
				snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "%s", k->kiosk);
				snprintf(e.ci.uuid, sizeof e.ci.uuid,
					 "%08x-0000-4000-8000-%012" PRIx64, rnd(1u << 30), (uint64_t)step);
				e.ci.seq = k->seq;
				e.ci.event_id = 1;
				e.ci.number = 1 + rnd(NTICKETS);
				e.ci.kind = what < 3 ? DB_CI_ENTRY : what == 3 ? DB_CI_UNDO : DB_CI_REPRINT;
				/* clocks disagree: each kiosk's hlc wanders */
				hlc += (int64_t)rnd(5000) << 16;
				e.ci.hlc = hlc - ((int64_t)rnd(3000) << 16);
				e.ci.wall_ms = e.ci.hlc >> 16;
				e.ci.clock_trusted = (int)rnd(2);
				e.mode = rnd(3) == 0 ? SYNC_MODE_HUB : SYNC_MODE_OFFLINE;
				if (e.mode == SYNC_MODE_HUB && k != &r[0] && rnd(2)) {
					/* the hub admitted it but its answer came too late: the
					 * hub (replica 0) holds the confirmed copy, the kiosk the
					 * same event decided offline */
					assert_int_equal(sync_replica_add_events(r[0].d, &e, 1, 1, NULL,
										 NULL), VK_OK);
					e.mode = SYNC_MODE_OFFLINE;
				}
				assert_int_equal(sync_replica_add_events(k->d, &e, 1, 0, NULL, NULL), VK_OK);
			} else if (what < 9) {
				/* a message through a partition: sometimes the link is down */
				struct rep *to = &r[rnd(NREP)];
				if (to != k && rnd(4))
					send_part(k, to, 0);
			} else {
				/* an organizer resolves an incident this replica knows of */
				struct sync_event *e;
				struct sync_note *nt;
				size_t n, nn;
				struct sync_derived d;
				assert_int_equal(sync_replica_load(k->d, 0, &e, &n, &nt, &nn), VK_OK);
				assert_int_equal(sync_derive(e, n, nt, nn, &d), VK_OK);
				if (d.n_inc)
					assert_int_equal(sync_replica_note(k->d, d.inc[rnd((uint32_t)d.n_inc)].id,
									   "checked", 1, hlc, NULL), VK_OK);
				sync_derived_free(&d);
				free(e);
				free(nt);
			}
			if (rnd(40) == 0) {
				/* a kiosk restarts: reopen its database */
				db_close(k->d);
				assert_int_equal(db_open(k->path, 0, &k->d, why, sizeof why), VK_OK);
			}
		}
		/* the partition heals: everyone to everyone, twice (gossip reaches all) */
		for (int pass = 0; pass < 2; pass++)
			for (int a = 0; a < NREP; a++)
				for (int b = 0; b < NREP; b++)
					if (a != b)
						send_part(&r[a], &r[b], 1);
		char *want, *got;
		derive_text(&r[0], &want);
		for (int i = 1; i < NREP; i++) {
			derive_text(&r[i], &got);
			if (strcmp(want, got) != 0)
				fail_msg("seed %" PRIu64 " run %d: replica %d differs from 0:\n%s\n---\n%s",
					 seed, run, i, want, got);
			free(got);
		}
		for (char *p = want; (p = strstr(p, "incident ")); p++)
			total_inc++;
		free(want);
		for (int i = 0; i < NREP; i++) {
			db_close(r[i].d);
			unlink(r[i].path);
			char x[sizeof r[i].path + 8];
			if (snprintf(x, sizeof x, "%s-wal", r[i].path) < (int)sizeof x)
				unlink(x);
			if (snprintf(x, sizeof x, "%s-shm", r[i].path) < (int)sizeof x)
				unlink(x);
		}
	}
	/* the test means something only if partitions made incidents */
	assert_true(total_inc > 0);
	rmdir(dir);
}

/* ---- the hub's store: one admission per ticket, whoever asks ------------------------------ */
struct redeem_arg {
	struct hub_store *store;
	pthread_mutex_t *lock; /* one request at a time per store, as hub.c does */
	int kiosk;
	int admitted;
};

static void *redeem_many(void *p)
{
	struct redeem_arg *a = p;
	for (int i = 0; i < 20; i++) {
		struct sync_event e;
		struct hub_redeem r;
		memset(&e, 0, sizeof e);
		sync_uuid_new(e.ci.uuid);
		snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "k%d", a->kiosk);
		e.ci.seq = i + 1;
		e.ci.event_id = 9;
		e.ci.number = 42;
		e.ci.hlc = 1;
		pthread_mutex_lock(a->lock);
		int rc = a->store->ops->redeem(a->store, &e, &r);
		pthread_mutex_unlock(a->lock);
		if (rc == VK_OK && r.decision == HUB_ADMITTED)
			a->admitted++;
	}
	return NULL;
}

static void test_store_one_admission(void **state)
{
	char dir[] = "/tmp/vkhid-test-hub.XXXXXX", path[64], why[256];
	struct hub_store *s1, *s2;
	pthread_mutex_t l1 = PTHREAD_MUTEX_INITIALIZER, l2 = PTHREAD_MUTEX_INITIALIZER;
	struct redeem_arg args[8];
	pthread_t th[8];
	const struct hub_store_ops *ops = hub_store_find("sqlite");

	assert_non_null(ops);
	assert_null(hub_store_find("nonesuch"));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/hub.db", dir);
	assert_int_equal(ops->open(path, NULL, &s1, why, sizeof why), VK_OK);
	assert_int_equal(ops->open(path, NULL, &s2, why, sizeof why), VK_OK);
	for (int i = 0; i < 8; i++) {
		args[i] = (struct redeem_arg){ i % 2 ? s2 : s1, i % 2 ? &l2 : &l1, i, 0 };
		pthread_create(&th[i], NULL, redeem_many, &args[i]);
	}
	int total = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		total += args[i].admitted;
	}
	assert_int_equal(total, 1);

	/* the kiosk that was admitted asks again (its answer was lost): the same answer */
	struct hub_redeem r, again;
	struct sync_event e;
	memset(&e, 0, sizeof e);
	sync_uuid_new(e.ci.uuid);
	snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "kx");
	e.ci.seq = 1;
	e.ci.event_id = 9;
	e.ci.number = 42;
	assert_int_equal(s1->ops->redeem(s1, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ALREADY_ADMITTED);
	struct sync_event holder = r.first;
	holder.ci.kind = DB_CI_ENTRY;
	holder.ci.event_id = 9;
	holder.ci.number = 42;
	assert_int_equal(s2->ops->redeem(s2, &holder, &again), VK_OK);
	assert_int_equal(again.decision, HUB_ADMITTED);

	/* an undo reaches the hub: the ticket may be admitted again, once */
	struct sync_event undo;
	size_t added, clashes;
	memset(&undo, 0, sizeof undo);
	sync_uuid_new(undo.ci.uuid);
	snprintf(undo.ci.kiosk, sizeof undo.ci.kiosk, "kx");
	undo.ci.seq = 5;
	undo.ci.event_id = 9;
	undo.ci.number = 42;
	undo.ci.kind = DB_CI_UNDO;
	undo.ci.hlc = 100;
	assert_int_equal(s1->ops->push(s1, "kx", &undo, 1, NULL, 0, &added, &clashes), VK_OK);
	assert_int_equal(added, 1);
	assert_int_equal(s1->ops->push(s1, "kx", &undo, 1, NULL, 0, &added, &clashes), VK_OK);
	assert_int_equal(added, 0); /* the same push again changes nothing */
	/* and nobody pushes in another kiosk's name */
	assert_int_equal(s1->ops->push(s1, "ky", &undo, 1, NULL, 0, &added, &clashes),
			 HUB_ERR_FORBIDDEN);
	sync_uuid_new(e.ci.uuid);
	assert_int_equal(s2->ops->redeem(s2, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ADMITTED);
	sync_uuid_new(e.ci.uuid);
	assert_int_equal(s1->ops->redeem(s1, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ALREADY_ADMITTED);

	s1->ops->close(s1);
	s2->ops->close(s2);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the door never waits on a hub that does not answer ------------------------------------ */
static void test_redeem_no_answer(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	struct sync_link link;
	struct sync_client *c;
	struct sync_event e;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* a listening socket nobody accepts from: TCP connects, TLS never answers */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	memset(&link, 0, sizeof link);
	snprintf(link.url, sizeof link.url, "https://127.0.0.1:%d", ntohs(sa.sin_port));
	snprintf(link.pin, sizeof link.pin, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	snprintf(link.token, sizeof link.token, "t");
	assert_int_equal(sync_client_new(&link, &c), VK_OK);
	memset(&e, 0, sizeof e);
	sync_uuid_new(e.ci.uuid);
	snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "k1");
	e.ci.seq = 1;
	e.ci.event_id = 1;
	e.ci.number = 1;
	assert_int_equal(sync_redeem(c, &e, 300, NULL), SYNC_REDEEM_NO_ANSWER);
	sync_client_free(c);
	close(fd);

	/* nobody listening at all: no answer too */
	assert_int_equal(sync_client_new(&link, &c), VK_OK);
	assert_int_equal(sync_redeem(c, &e, 300, NULL), SYNC_REDEEM_NO_ANSWER);
	sync_client_free(c);
}

/* ---- the kiosk's background sync against a hub in this process ---------------------------- */
static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits (polling the condition, 20 s at most) until the worker has finished a round that
 * began after this call. */
static void next_round(struct sync_worker *w)
{
	struct sync_worker_state st;
	sync_worker_get(w, &st);
	int64_t want = st.rounds + 2, t0 = mono_ms();
	sync_worker_poke(w);
	do {
		usleep(10000);
		sync_worker_get(w, &st);
	} while (st.rounds < want && mono_ms() - t0 < 20000);
	assert_true(st.rounds >= want);
}

static void test_worker_background(void **state)
{
	char dir[] = "/tmp/vkhid-test-worker.XXXXXX", hp[80], kp[80], why[512], code[80],
	     text[600], url[64], name[64];
	struct hub_store *store;
	struct hub_tls tls;
	struct hub_config cfg;
	struct hub *h;
	struct sync_worker *w;
	struct sync_worker_state st;
	struct db_event ev;
	struct db_registration r;
	db *hd, *kd;
	int port;

	assert_non_null(mkdtemp(dir));
	snprintf(hp, sizeof hp, "%s/hub.db", dir);
	snprintf(kp, sizeof kp, "%s/kiosk.db", dir);
	assert_int_equal(db_open(hp, DB_CREATE, &hd, why, sizeof why), VK_OK);
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Форум");
	snprintf(ev.timezone, sizeof ev.timezone, "Europe/Kyiv");
	assert_int_equal(db_event_create(hd, &ev), VK_OK);
	assert_int_equal(db_event_set_current(hd, ev.id), VK_OK);
	memset(&r, 0, sizeof r);
	r.event_id = ev.id;
	snprintf(r.display, sizeof r.display, "Олена Бондар");
	assert_int_equal(db_reg_insert(hd, &r), VK_OK);

	assert_int_equal(hub_store_sqlite.open(hp, NULL, &store, why, sizeof why), VK_OK);
	assert_int_equal(hub_tls_load(hp, &tls, why, sizeof why), VK_OK);
	memset(&cfg, 0, sizeof cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.store = store;
	cfg.key_pem = tls.key_pem;
	cfg.cert_pem = tls.cert_pem;
	assert_int_equal(store->ops->enroll_code(store, "Entrance A", hub_now_ms(),
						 hub_now_ms() + 3600000, code, sizeof code), VK_OK);
	assert_int_equal(hub_start(&cfg, &h, &port, why, sizeof why), VK_OK);
	snprintf(url, sizeof url, "https://127.0.0.1:%d", port);
	assert_int_equal(sync_code_format(url, code, tls.pin, text, sizeof text), VK_OK);

	assert_int_equal(db_open(kp, DB_CREATE, &kd, why, sizeof why), VK_OK);
	assert_int_equal(sync_enroll(kd, text, name, sizeof name, why, sizeof why), VK_OK);
	assert_string_equal(name, "Entrance A");
	assert_int_equal(db_reg_count(kd, ev.id, 1), 1);

	assert_int_equal(sync_worker_start(kp, 100, &w), VK_OK);
	/* a roster change at the hub reaches the kiosk by itself */
	memset(&r, 0, sizeof r);
	r.event_id = ev.id;
	snprintf(r.display, sizeof r.display, "Тарас Мельник");
	assert_int_equal(db_reg_insert(hd, &r), VK_OK);
	next_round(w);
	assert_int_equal(db_reg_count(kd, ev.id, 1), 2);
	sync_worker_get(w, &st);
	assert_true(st.enrolled && st.online);
	assert_true(st.last_contact_ms > 0);

	/* a check-in at the kiosk goes up */
	struct db_checkin ci;
	memset(&ci, 0, sizeof ci);
	ci.event_id = ev.id;
	ci.number = 2;
	ci.hlc = 5;
	assert_int_equal(db_checkin_append(kd, &ci), VK_OK);
	next_round(w);
	struct db_checkin first;
	assert_int_equal(db_checkin_admission(hd, ev.id, 2, &first), VK_OK);
	assert_string_equal(first.uuid, ci.uuid);
	sync_worker_get(w, &st);
	assert_int_equal(st.pending, 0);

	/* the hub stops: the kiosk says it is offline, the next check-in waits safely */
	hub_stop(h);
	memset(&ci, 0, sizeof ci);
	ci.event_id = ev.id;
	ci.number = 1;
	ci.hlc = 6;
	assert_int_equal(db_checkin_append(kd, &ci), VK_OK);
	next_round(w);
	sync_worker_get(w, &st);
	assert_false(st.online);
	assert_int_equal(st.pending, 1);
	assert_non_null(strstr(st.error, "no answer"));

	sync_worker_stop(w);
	db_close(kd);
	db_close(hd);
	store->ops->close(store);
	hub_tls_free(&tls);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}


/* ---- kiosk health and USB-stick bundles --------------------------------------------------- */
static int count_health(void *ctx, const struct hub_kiosk_health *h)
{
	struct hub_kiosk_health *out = ctx;
	if (strcmp(h->kiosk, "k1") == 0)
		*out = *h;
	return 0;
}

static void test_health_and_bundle(void **state)
{
	char dir[] = "/tmp/vkhid-test-bundle.XXXXXX", path[128], file[4200], why[300], cmd[200];
	struct sync_health h = { .printer = "cover_open", .queue = 3, .camera = "gone",
				 .clock_trusted = 1, .pending = 7 }, back;
	struct sync_bundle_key k, k2;
	struct sync_bundle b;
	struct hub_store *st;
	json_t *o, *body;
	char *buf;
	size_t len;
	(void)state;

	/* health travels as written; a word that is not a word is refused with a reason */
	o = sync_health_to_json(&h);
	assert_int_equal(sync_health_from_json(o, &back, why, sizeof why), VK_OK);
	assert_memory_equal(&h, &back, sizeof h);
	json_object_set_new(o, "printer", json_string("<b>ready</b>"));
	assert_int_equal(sync_health_from_json(o, &back, why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "printer"));
	json_object_del(o, "queue");
	json_object_set_new(o, "printer", json_string("ready"));
	assert_int_equal(sync_health_from_json(o, &back, why, sizeof why), VK_ERR_INVALID);
	json_decref(o);
	assert_string_equal(sync_health_printer_word(PRINTER_NO_MEDIA), "no_media");
	assert_string_equal(sync_health_printer_word(999), "unknown");

	/* the hub keeps the latest health of each enrolled kiosk */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/hub.db", dir);
	assert_int_equal(hub_store_sqlite.open(path, NULL, &st, why, sizeof why), VK_OK);
	{
		char code[65], token[65], name[64];
		struct hub_kiosk_health hk, got;
		assert_int_equal(st->ops->enroll_code(st, "Door", 1000, 1000000, code, sizeof code), VK_OK);
		assert_int_equal(st->ops->enroll(st, code, "k1", 2000, token, sizeof token, name,
						 sizeof name), VK_OK);
		memset(&got, 0, sizeof got);
		assert_int_equal(st->ops->kiosk_health_list(st, count_health, &got), VK_OK);
		assert_string_equal(got.name, "Door");
		assert_int_equal(got.at_ms, 0); /* never sent one */
		memset(&hk, 0, sizeof hk);
		snprintf(hk.kiosk, sizeof hk.kiosk, "k1");
		hk.at_ms = 5000;
		snprintf(hk.printer, sizeof hk.printer, "ready");
		hk.queue = 1;
		assert_int_equal(st->ops->kiosk_health_put(st, &hk), VK_OK);
		hk.at_ms = 6000;
		snprintf(hk.printer, sizeof hk.printer, "no_media");
		hk.queue = 4;
		snprintf(hk.camera, sizeof hk.camera, "ok");
		assert_int_equal(st->ops->kiosk_health_put(st, &hk), VK_OK);
		assert_int_equal(st->ops->kiosk_health_list(st, count_health, &got), VK_OK);
		assert_int_equal(got.at_ms, 6000);
		assert_string_equal(got.printer, "no_media");
		assert_int_equal(got.queue, 4);
	}
	st->ops->close(st);

	/* a key is made once, 0600, and read back the same */
	snprintf(path, sizeof path, "%s/k.db", dir);
	assert_int_equal(sync_bundle_key_load(path, &k, why, sizeof why), VK_OK);
	assert_int_equal(sync_bundle_key_load(path, &k2, why, sizeof why), VK_OK);
	assert_string_equal(k.pubhex, k2.pubhex);
	/* a bundle written is read back as written; one changed byte or a cut is refused */
	body = json_pack("{s:s, s:s, s:i, s:[]}", "format", SYNC_BUNDLE_FORMAT, "writer", "k1",
			 "event_id", 5, "events");
	assert_int_equal(sync_bundle_write(dir, "k1", &k, body, file, sizeof file, why, sizeof why),
			 VK_OK);
	json_decref(body);
	assert_int_equal(sync_bundle_read(file, &buf, &len, why, sizeof why), VK_OK);
	assert_int_equal(sync_bundle_parse(buf, len, &b, why, sizeof why), VK_OK);
	assert_string_equal(b.writer, "k1");
	assert_string_equal(b.pubhex, k.pubhex);
	json_decref(b.body);
	buf[len - 3] ^= 1;
	assert_int_equal(sync_bundle_parse(buf, len, &b, why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "signature"));
	buf[len - 3] ^= 1;
	assert_int_equal(sync_bundle_parse(buf, len - 1, &b, why, sizeof why), VK_ERR_INVALID);
	assert_int_equal(sync_bundle_parse(buf, 40, &b, why, sizeof why), VK_ERR_INVALID);
	free(buf);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_merge_rules),
		cmocka_unit_test(test_property_converge),
		cmocka_unit_test(test_store_one_admission),
		cmocka_unit_test(test_redeem_no_answer),
		cmocka_unit_test(test_worker_background),
		cmocka_unit_test(test_health_and_bundle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
