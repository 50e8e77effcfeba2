/* SPDX-License-Identifier: MIT */
/* Unit tests of app/cert: the eligibility judge on its edge cases (exactly the minimum, a
 * cancelled session, an undo, a day boundary in the event's time zone, minutes between
 * entrance and exit), the rule's stored form, the reasons as a person reads them in
 * Ukrainian, the facts read from a real SQLite file, and the signed code: genuine, every
 * byte altered, another event's key, a withdrawn key, a ticket passed off as a
 * certificate. The PDFs themselves are checked end to end (tests/e2e/certificates.sh:
 * pdftoppm, zbarimg, pdftotext). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "cert/cert.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"
#include "db/db.h"

#define D1 2497 /* 2026-11-02 */
#define D2 2498
#define D3 2499
#define H (3600LL * 1000)

static const int three_days[] = { D1, D2, D3 };

/* 09:00 on day d plus minutes, as wall-clock ms (UTC; the judge only compares them) */
static int64_t at(int day, int minutes)
{
	return ((int64_t)day * 86400 + 1577836800LL) * 1000 + 9 * H + (int64_t)minutes * 60000;
}

static struct cert_mark entry(int day, int64_t session)
{
	return (struct cert_mark){ session, DB_CI_ENTRY, day, at(day, 0) };
}

static struct cert_mark mark(int kind, int day, int64_t session, int minutes)
{
	return (struct cert_mark){ session, kind, day, at(day, minutes) };
}

static struct cert_verdict judge(const struct cert_rule *r, const struct cert_mark *m, size_t n,
				 const struct cert_session *s, size_t ns)
{
	struct cert_facts f = { m, n, s, ns, three_days, 3 };
	struct cert_verdict v;
	cert_judge(r, &f, &v);
	return v;
}

static struct cert_rule rule_of(const char *text)
{
	struct cert_rule r;
	char why[200];
	assert_int_equal(cert_rule_parse(text, &r, why, sizeof why), VK_OK);
	return r;
}

/* ---- the judge --------------------------------------------------------------------------- */
static void test_default_rule(void **state)
{
	(void)state;
	struct cert_rule r;
	cert_rule_default(&r);
	struct cert_verdict v = judge(&r, NULL, 0, NULL, 0);
	assert_false(v.eligible);
	assert_int_equal(v.days, 0);
	struct cert_mark m[] = { entry(D2, 0) };
	v = judge(&r, m, 1, NULL, 0);
	assert_true(v.eligible);
	assert_int_equal(v.days, 1);
	/* a reprint is not attendance */
	struct cert_mark rp[] = { mark(DB_CI_REPRINT, D1, 0, 0) };
	assert_false(judge(&r, rp, 1, NULL, 0).eligible);
	/* a walk-in is */
	struct cert_mark wk[] = { mark(DB_CI_WALKIN, D1, 0, 0) };
	assert_true(judge(&r, wk, 1, NULL, 0).eligible);
}

static void test_days_exactly_the_minimum(void **state)
{
	(void)state;
	struct cert_rule r = rule_of("days=2");
	struct cert_mark two[] = { entry(D1, 0), entry(D1, 0), entry(D3, 0) };
	struct cert_verdict v = judge(&r, two, 3, NULL, 0);
	assert_true(v.eligible);
	assert_int_equal(v.days, 2); /* the same day twice is one day */
	struct cert_mark one[] = { entry(D1, 0), mark(DB_CI_ENTRY, D1, 0, 300) };
	v = judge(&r, one, 2, NULL, 0);
	assert_false(v.eligible);
	assert_int_equal(v.n_reasons, 1);
	assert_int_equal(v.reasons[0].why, CERT_WHY_DAYS);
	assert_int_equal(v.reasons[0].a, 1);
	assert_int_equal(v.reasons[0].b, 3);
	assert_int_equal(v.reasons[0].c, 2);
}

static void test_every_day_names_the_missing_one(void **state)
{
	(void)state;
	struct cert_rule r = rule_of("days=3");
	struct cert_mark m[] = { entry(D1, 0), entry(D3, 0) };
	struct cert_verdict v = judge(&r, m, 2, NULL, 0);
	assert_false(v.eligible);
	assert_int_equal(v.n_reasons, 1);
	assert_int_equal(v.reasons[0].why, CERT_WHY_DAY_MISSING);
	assert_int_equal(v.reasons[0].a, 2);
}

static void test_undo_cancels_its_own_day_only(void **state)
{
	(void)state;
	struct cert_rule r = rule_of("days=2");
	/* day 1, day 2, then day 2's check-in undone: one day is left, day 1 */
	struct cert_mark m[] = { entry(D1, 0), entry(D2, 0), mark(DB_CI_UNDO, D2, 0, 5) };
	struct cert_verdict v = judge(&r, m, 3, NULL, 0);
	assert_int_equal(v.days, 1);
	assert_false(v.eligible);
	/* undone, then checked in again the same day: the day counts */
	struct cert_mark again[] = { entry(D1, 0), mark(DB_CI_UNDO, D1, 0, 5),
				     mark(DB_CI_ENTRY, D1, 0, 10), entry(D2, 0) };
	v = judge(&r, again, 4, NULL, 0);
	assert_int_equal(v.days, 2);
	assert_true(v.eligible);
	/* an undo at a session's door leaves the entrance alone, and the other way round */
	struct cert_session s[] = { { 7, "Відкриття", 0, 60 } };
	struct cert_rule rs = rule_of("sessions=1");
	struct cert_mark door[] = { entry(D1, 0), entry(D1, 7), mark(DB_CI_UNDO, D1, 7, 1) };
	v = judge(&rs, door, 3, s, 1);
	assert_int_equal(v.days, 1);
	assert_int_equal(v.sessions, 0);
	assert_false(v.eligible);
	struct cert_mark gate[] = { entry(D1, 0), entry(D1, 7), mark(DB_CI_UNDO, D1, 0, 1) };
	v = judge(&rs, gate, 3, s, 1);
	assert_int_equal(v.days, 0);
	assert_int_equal(v.sessions, 1);
	assert_true(v.eligible);
}

static const struct cert_session five[] = {
	{ 1, "Відкриття", 0, 60 }, { 2, "Workshop", 0, 90 }, { 3, "Панель", 1, 60 },
	{ 4, "Q&A", 0, 30 }, { 5, "Закриття", 0, 30 },
};

static void test_sessions_exactly_the_minimum(void **state)
{
	(void)state;
	struct cert_rule r = rule_of("sessions=3");
	struct cert_mark m[] = { entry(D1, 1), entry(D1, 2), entry(D2, 4) };
	struct cert_verdict v = judge(&r, m, 3, five, 5);
	assert_true(v.eligible);
	assert_int_equal(v.sessions, 3);
	assert_int_equal(v.sessions_total, 4); /* one of five is cancelled */
	assert_int_equal(v.session_minutes, 60 + 90 + 30);
	v = judge(&r, m, 2, five, 5);
	assert_false(v.eligible);
	assert_int_equal(v.reasons[0].why, CERT_WHY_SESSIONS);
	assert_int_equal(v.reasons[0].a, 2);
	assert_int_equal(v.reasons[0].b, 4);
	assert_int_equal(v.reasons[0].c, 3);
}

static void test_cancelled_session(void **state)
{
	(void)state;
	/* "all five" when one was cancelled asks for the four that took place */
	struct cert_rule r = rule_of("sessions=5");
	struct cert_mark four[] = { entry(D1, 1), entry(D1, 2), entry(D2, 4), entry(D2, 5) };
	struct cert_verdict v = judge(&r, four, 4, five, 5);
	assert_true(v.eligible);
	/* the cancelled one does not count even for someone scanned at its door */
	struct cert_mark with_cancelled[] = { entry(D1, 1), entry(D1, 2), entry(D1, 3), entry(D2, 4) };
	v = judge(&r, with_cancelled, 4, five, 5);
	assert_false(v.eligible);
	assert_int_equal(v.sessions, 3);
	assert_int_equal(v.reasons[0].c, 4);
	/* a required session that was cancelled is required no more */
	struct cert_rule req = rule_of("required=1,3");
	struct cert_mark first[] = { entry(D1, 1) };
	assert_true(judge(&req, first, 1, five, 5).eligible);
	/* a required session missed is named; an unknown one fails rather than passes */
	struct cert_rule req2 = rule_of("required=2,99");
	v = judge(&req2, first, 1, five, 5);
	assert_false(v.eligible);
	assert_int_equal(v.n_reasons, 2);
	assert_int_equal(v.reasons[0].why, CERT_WHY_REQUIRED);
	assert_int_equal(v.reasons[0].a, 2);
	assert_int_equal(v.reasons[1].a, 99);
}

static void test_minutes_between_entrance_and_exit(void **state)
{
	(void)state;
	struct cert_rule r = rule_of("minutes=180");
	struct cert_mark m[] = { entry(D1, 0), mark(DB_CI_EXIT, D1, 0, 180) };
	struct cert_verdict v = judge(&r, m, 2, NULL, 0);
	assert_int_equal(v.minutes, 180);
	assert_true(v.eligible); /* exactly the minimum */
	struct cert_rule more = rule_of("minutes=181");
	v = judge(&more, m, 2, NULL, 0);
	assert_false(v.eligible);
	assert_int_equal(v.reasons[0].why, CERT_WHY_MINUTES);
	/* scanned twice on the way in: the stay runs from the first scan */
	struct cert_mark twice[] = { entry(D1, 0), mark(DB_CI_ENTRY, D1, 0, 30),
				     mark(DB_CI_EXIT, D1, 0, 180) };
	assert_int_equal(judge(&r, twice, 3, NULL, 0).minutes, 180);
	/* never scanned out: nothing; an exit the next morning closes nothing */
	struct cert_mark open[] = { entry(D1, 0), mark(DB_CI_EXIT, D2, 0, 60) };
	assert_int_equal(judge(&r, open, 2, NULL, 0).minutes, 0);
	/* two days add up; an undone entry's stay is not counted */
	struct cert_mark days[] = { entry(D1, 0), mark(DB_CI_EXIT, D1, 0, 100), entry(D2, 0),
				    mark(DB_CI_EXIT, D2, 0, 80) };
	v = judge(&r, days, 4, NULL, 0);
	assert_int_equal(v.minutes, 180);
	struct cert_mark undone[] = { entry(D1, 0), mark(DB_CI_UNDO, D1, 0, 1),
				      mark(DB_CI_EXIT, D1, 0, 180) };
	assert_int_equal(judge(&r, undone, 3, NULL, 0).minutes, 0);
}

/* A person scanned thousands of times (a door left scanning): the judge's scratch array
 * comes from the heap, and the answer is the same as for a short log. */
static void test_many_marks(void **state)
{
	(void)state;
	enum { N = 3001 };
	struct cert_mark *m = calloc(N, sizeof *m);
	assert_non_null(m);
	for (int i = 0; i < N - 2; i++)
		m[i] = mark(DB_CI_ENTRY, D1, i % 2 ? 7 : 0, i % 600);
	m[N - 2] = mark(DB_CI_UNDO, D1, 0, 700);  /* day 1 at the entrance undone */
	m[N - 1] = entry(D2, 0);
	struct cert_session s[] = { { 7, "Відкриття", 0, 60 } };
	struct cert_rule r = rule_of("days=2 sessions=1");
	struct cert_verdict v = judge(&r, m, N, s, 1);
	assert_int_equal(v.days, 1);
	assert_int_equal(v.sessions, 1);
	assert_false(v.eligible);
	assert_int_equal(v.reasons[0].why, CERT_WHY_DAYS);
	assert_int_equal(v.reasons[0].a, 1);
	free(m);
}

static void test_reasons_in_ukrainian(void **state)
{
	(void)state;
	int uk = i18n_lang_find("uk");
	char line[512];
	assert_true(uk > 0);
	struct cert_rule r = rule_of("days=3 sessions=4");
	struct cert_mark m[] = { entry(D1, 0), entry(D3, 0), entry(D1, 1), entry(D1, 2), entry(D3, 4) };
	struct cert_facts f = { m, 5, five, 5, three_days, 3 };
	struct cert_verdict v;
	cert_judge(&r, &f, &v);
	cert_verdict_text(uk, &v, &f, line, sizeof line);
	assert_string_equal(line, "не отримує сертифіката: немає дня 2; сесій: 3 з 4 (потрібно 4)");
	cert_verdict_text(VK_LANG_EN, &v, &f, line, sizeof line);
	assert_string_equal(line, "not eligible: missing day 2; sessions: 3 of 4 (4 needed)");
	struct cert_rule req = rule_of("required=2,4");
	struct cert_mark one[] = { entry(D1, 4) };
	f = (struct cert_facts){ one, 1, five, 5, three_days, 3 };
	cert_judge(&req, &f, &v);
	cert_verdict_text(uk, &v, &f, line, sizeof line);
	assert_string_equal(line, "не отримує сертифіката: немає сесії «Workshop»");
	struct cert_rule d1 = rule_of("days=1");
	cert_judge(&d1, &(struct cert_facts){ m, 5, five, 5, three_days, 3 }, &v);
	cert_verdict_text(uk, &v, &f, line, sizeof line);
	assert_string_equal(line, "отримує сертифікат (днів: 2; сесій: 3 з 4)");
	cert_attended_text(uk, &v, line, sizeof line);
	assert_string_equal(line, "Днів: 2 · Сесій: 3 · Годин: 3");
}

/* ---- the rule's stored form ----------------------------------------------------------------- */
static void test_rule_text(void **state)
{
	(void)state;
	struct cert_rule r;
	char text[256], why[200];
	r = rule_of("days=2 required=4,1,4 minutes=300");
	assert_int_equal(r.min_days, 2);
	assert_int_equal(r.n_required, 2); /* the repeated 4 once */
	cert_rule_format(&r, text, sizeof text);
	assert_string_equal(text, "days=2 required=4,1 minutes=300");
	r = rule_of("  ");
	assert_true(r.is_default);
	assert_int_equal(r.min_days, 1);
	const char *bad[] = { "days=two", "days=-1", "sessions=", "colour=red", "days",
			      "required=1,,2", "required=0", "days=0", "minutes=99999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why[0] = '\0';
		assert_int_equal(cert_rule_parse(bad[i], &r, why, sizeof why), VK_ERR_INVALID);
		assert_true(why[0] != '\0');
	}
}

/* ---- the database: facts, the stored rule, the signed code ---------------------------------- */
struct fx {
	char dir[64], path[128];
	db *d;
	struct db_event ev, other;
	uint8_t sk[64], other_sk[64];
	int key_id, other_key;
};

static void add_key(db *d, int64_t ev, uint8_t sk[64], int *key_id)
{
	struct db_key k = { .event_id = ev };
	crypto_sign_keypair(k.pk, sk);
	assert_int_equal(db_key_add(d, &k), VK_OK);
	*key_id = k.key_id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char why[256];
	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-cert.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	if (db_open(f->path, DB_CREATE, &f->d, why, sizeof why))
		return -1;
	snprintf(f->ev.name, sizeof f->ev.name, "Форум громад");
	snprintf(f->ev.timezone, sizeof f->ev.timezone, "Europe/Kyiv");
	snprintf(f->other.name, sizeof f->other.name, "Other event");
	if (db_event_create(f->d, &f->ev) || db_event_create(f->d, &f->other))
		return -1;
	add_key(f->d, f->ev.id, f->sk, &f->key_id);
	add_key(f->d, f->other.id, f->other_sk, &f->other_key);
	db_event_set_current(f->d, f->ev.id);
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

static void log_row(struct fx *f, int64_t number, int kind, int64_t session, int64_t wall_ms)
{
	static int64_t hlc = 1;
	struct db_checkin ci = { .event_id = f->ev.id, .number = number, .kind = kind,
				 .session_id = session, .wall_ms = wall_ms, .hlc = hlc++ };
	assert_int_equal(db_checkin_append(f->d, &ci), VK_OK);
}

static void test_facts_from_the_database(void **state)
{
	struct fx *f = *state;
	char sql[512];
	cert_book *b;
	struct cert_facts facts;
	struct cert_verdict v;
	struct cert_rule two = rule_of("days=2");

	setenv("TZ", "Europe/Kyiv", 1);
	tzset();
	snprintf(sql, sizeof sql, "INSERT INTO session(id, event_id, title, starts, ends, cancelled)"
		 " VALUES(1, %lld, 'Відкриття', '2026-11-02 10:00', '2026-11-02 11:30', 0),"
		 " (2, %lld, 'Скасована', '2026-11-02 12:00', '2026-11-02 13:00', 1)",
		 (long long)f->ev.id, (long long)f->ev.id);
	assert_int_equal(db_exec(f->d, sql), VK_OK);
	/* 23:30 and 00:30 in Kyiv (21:30 and 22:30 UTC, one UTC day): two days at the event */
	int64_t late = (int64_t)1793655000 * 1000; /* 2026-11-02 21:30:00 UTC */
	log_row(f, 1, DB_CI_ENTRY, 0, late);
	log_row(f, 1, DB_CI_ENTRY, 0, late + H);
	log_row(f, 1, DB_CI_ENTRY, 1, late - 11 * H);
	log_row(f, 1, DB_CI_ENTRY, 2, late - 10 * H);
	/* number 2: in and undone */
	log_row(f, 2, DB_CI_ENTRY, 0, late - 12 * H);
	log_row(f, 2, DB_CI_UNDO, 0, late - 12 * H + 60000);
	assert_int_equal(cert_book_load(f->d, &f->ev, &b), VK_OK);

	cert_book_facts(b, 1, &facts);
	assert_int_equal(facts.n_marks, 4);
	assert_int_equal(facts.n_sessions, 2);
	assert_int_equal(facts.n_days, 2); /* no dates set: the days people came */
	cert_judge(&two, &facts, &v);
	assert_int_equal(v.days, 2);
	assert_true(v.eligible);
	assert_int_equal(v.sessions, 1); /* the cancelled one read as cancelled */
	assert_int_equal(v.sessions_total, 1);
	assert_int_equal(v.session_minutes, 90);

	cert_book_facts(b, 2, &facts);
	cert_judge(&two, &facts, &v);
	assert_int_equal(v.days, 0);
	cert_book_facts(b, 3, &facts);
	assert_int_equal(facts.n_marks, 0);
	cert_book_free(b);
	unsetenv("TZ");
	tzset();
}

static void test_rule_stored(void **state)
{
	struct fx *f = *state;
	struct cert_rule r = rule_of("sessions=3 minutes=60"), got;
	assert_int_equal(cert_rule_load(f->d, f->ev.id, &got), VK_OK);
	assert_true(got.is_default);
	assert_int_equal(cert_rule_save(f->d, f->ev.id, &r), VK_OK);
	assert_int_equal(cert_rule_load(f->d, f->ev.id, &got), VK_OK);
	assert_false(got.is_default);
	assert_int_equal(got.min_sessions, 3);
	assert_int_equal(got.min_minutes, 60);
	assert_int_equal(cert_rule_load(f->d, f->other.id, &got), VK_OK); /* per event */
	assert_true(got.is_default);
	assert_int_equal(db_setting_set(f->d, "certificates.rule.1", "days=x"), VK_OK);
	assert_int_equal(cert_rule_load(f->d, 1, &got), VK_ERR_INVALID);
}

static struct cert_claim claim_of(struct fx *f)
{
	struct cert_claim c = { .key_id = f->key_id, .event_id = f->ev.id, .number = 42,
				.issued_day = D2, .days = 2, .sessions = 5, .minutes = 750 };
	snprintf(c.name, sizeof c.name, "Олена Ковальчук-Їжак");
	return c;
}

static void test_code_genuine_and_altered(void **state)
{
	struct fx *f = *state;
	struct cert_claim c = claim_of(f), got;
	char code[CERT_CODE_MAX];
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_OK);
	assert_memory_equal(code, "VC1:", 4);
	assert_int_equal(cert_check(f->d, code, strlen(code), &got), CERT_GENUINE);
	assert_string_equal(got.name, c.name);
	assert_int_equal(got.number, 42);
	assert_int_equal(got.event_id, f->ev.id);
	assert_int_equal(got.issued_day, D2);
	assert_int_equal(got.days, 2);
	assert_int_equal(got.sessions, 5);
	assert_int_equal(got.minutes, 750);
	/* every character replaced by every other Base45 digit: never genuine */
	static const char b45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	size_t n = strlen(code);
	for (size_t i = 4; i < n; i++) {
		char keep = code[i];
		for (const char *p = b45; *p; p++) {
			if (*p == keep)
				continue;
			code[i] = *p;
			int rc = cert_check(f->d, code, n, &got);
			if (rc == CERT_GENUINE)
				fail_msg("position %zu as '%c' passed as genuine", i, *p);
		}
		code[i] = keep;
	}
	/* cut short, or one character more */
	assert_int_equal(cert_check(f->d, code, n - 1, &got), CERT_MALFORMED);
	assert_int_equal(cert_check(f->d, code, 10, &got), CERT_MALFORMED);
	code[n] = '0';
	assert_true(cert_check(f->d, code, n + 1, &got) != CERT_GENUINE);
	code[n] = '\0';
}

static void test_code_other_key_and_ticket(void **state)
{
	struct fx *f = *state;
	struct cert_claim c = claim_of(f), got;
	char code[CERT_CODE_MAX], ticket[TICKET_CODE_LEN + 1];
	/* the other event's secret key, claiming this event under its own key id: forged */
	assert_int_equal(cert_code_sign(&c, f->other_sk, code, sizeof code), VK_OK);
	assert_int_equal(cert_check(f->d, code, strlen(code), &got), CERT_FORGED);
	/* the other event's key, honestly: signed by a key of another event */
	c.key_id = f->other_key;
	assert_int_equal(cert_code_sign(&c, f->other_sk, code, sizeof code), VK_OK);
	assert_int_equal(cert_check(f->d, code, strlen(code), &got), CERT_FORGED);
	c.event_id = f->other.id;
	assert_int_equal(cert_code_sign(&c, f->other_sk, code, sizeof code), VK_OK);
	assert_int_equal(cert_check(f->d, code, strlen(code), &got), CERT_GENUINE);
	assert_int_equal(got.event_id, f->other.id); /* the caller tells it is another event */
	/* a key this database never heard of */
	c = claim_of(f);
	c.key_id = 999;
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_OK);
	assert_int_equal(cert_check(f->d, code, strlen(code), &got), CERT_UNKNOWN_KEY);
	/* a ticket of the same event and key is no certificate */
	struct ticket t = { .version = 1, .key_id = (uint16_t)f->key_id,
			    .event_id = (uint32_t)f->ev.id, .number = 42, .nonce = 7 };
	assert_int_equal(ticket_sign(&t, f->sk, ticket, sizeof ticket), VK_OK);
	assert_int_equal(cert_check(f->d, ticket, strlen(ticket), &got), CERT_NOT_CERT);
	/* a withdrawn key */
	c = claim_of(f);
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_OK);
	assert_int_equal(db_exec(f->d, "UPDATE event_key SET revoked = 1"), VK_OK);
	assert_int_equal(cert_check(f->d, code, strlen(code), &got), CERT_KEY_REVOKED);
	assert_int_equal(db_exec(f->d, "UPDATE event_key SET revoked = 0"), VK_OK);
}

static void test_code_refuses(void **state)
{
	struct fx *f = *state;
	struct cert_claim c = claim_of(f);
	char code[CERT_CODE_MAX];
	c.name[0] = '\0';
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_ERR_INVALID);
	c = claim_of(f);
	snprintf(c.name, sizeof c.name, "two\nlines");
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_ERR_INVALID);
	c = claim_of(f);
	c.name[3] = (char)0xff; /* not UTF-8 */
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_ERR_INVALID);
	c = claim_of(f);
	c.days = 256;
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_ERR_INVALID);
	/* the longest name fits the buffer the header promises */
	c = claim_of(f);
	memset(c.name, 'x', CERT_NAME_MAX);
	c.name[CERT_NAME_MAX] = '\0';
	assert_int_equal(cert_code_sign(&c, f->sk, code, sizeof code), VK_OK);
	assert_true(strlen(code) < CERT_CODE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rule),
		cmocka_unit_test(test_days_exactly_the_minimum),
		cmocka_unit_test(test_every_day_names_the_missing_one),
		cmocka_unit_test(test_undo_cancels_its_own_day_only),
		cmocka_unit_test(test_sessions_exactly_the_minimum),
		cmocka_unit_test(test_cancelled_session),
		cmocka_unit_test(test_minutes_between_entrance_and_exit),
		cmocka_unit_test(test_many_marks),
		cmocka_unit_test(test_reasons_in_ukrainian),
		cmocka_unit_test(test_rule_text),
		cmocka_unit_test_setup_teardown(test_facts_from_the_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_genuine_and_altered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_other_key_and_ticket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_refuses, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
