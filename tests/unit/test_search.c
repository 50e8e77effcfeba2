/* SPDX-License-Identifier: MIT */
/* Tests of name search (app/core/search.c) over a real SQLite roster: a person finds
 * themselves in either script, by any part of a name, with typos and apostrophes, and the
 * best match comes first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/search.h"
#include "core/text.h"
#include "db/db.h"

struct fx {
	char dir[64];
	db *d;
	struct search *s;
	int64_t ev;
};

static void person(db *d, int64_t ev, const char *given, const char *family, const char *org, int status)
{
	struct db_registration r;
	memset(&r, 0, sizeof r);
	r.event_id = ev;
	snprintf(r.given, sizeof r.given, "%s", given);
	snprintf(r.family, sizeof r.family, "%s", family);
	snprintf(r.display, sizeof r.display, "%s %s", given, family);
	snprintf(r.organization, sizeof r.organization, "%s", org);
	r.status = status;
	text_search_key(r.given, r.family, r.display, r.search_key, sizeof r.search_key);
	assert_int_equal(db_reg_insert(d, &r), VK_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct db_event ev;
	char path[128], why[256];
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-search.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(path, sizeof path, "%s/k.db", f->dir);
	if (db_open(path, DB_CREATE, &f->d, why, sizeof why))
		return -1;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Форум");
	db_event_create(f->d, &ev);
	f->ev = ev.id;
	person(f->d, ev.id, "Олександр", "Скалозуб", "ГО «Вхід»", 0);            /* 1 */
	person(f->d, ev.id, "Ганна", "Мʼясоїд", "Фонд «Громада»", 0);             /* 2 */
	person(f->d, ev.id, "Олександр", "Коваленко", "Львівська міська рада", 0); /* 3 */
	person(f->d, ev.id, "Олександр", "Коваленко", "UNDP Ukraine", 0);          /* 4 */
	person(f->d, ev.id, "Emily", "O'Brien", "Open Data Ukraine", 0);           /* 5 */
	person(f->d, ev.id, "Юлія", "Їжакевич", "", 0);                            /* 6 */
	person(f->d, ev.id, "Ган", "Лі", "", 0);                                    /* 7 */
	person(f->d, ev.id, "Ярослав", "Ґудзь", "", 1);                            /* 8, cancelled */
	person(f->d, ev.id, "Анна-Марія", "Шевченко", "", 0);                      /* 9 */
	person(f->d, ev.id, "Jürgen", "Müller", "TU München", 0);                   /* 10 */
	person(f->d, ev.id, "Chloé", "Dubois", "", 0);                             /* 11 */
	person(f->d, ev.id, "Tomáš", "Novák", "", 0);                              /* 12 */
	person(f->d, ev.id, "Łukasz", "Wałęsa", "", 0);                            /* 13 */
	if (search_open(f->d, ev.id, &f->s))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	search_free(f->s);
	db_close(f->d);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* 1 when number is among the n hits. */
static int found(const struct search_hit *h, int n, int64_t number)
{
	for (int i = 0; i < n; i++)
		if (h[i].number == number)
			return 1;
	return 0;
}

static void test_either_script(void **state)
{
	struct fx *f = *state;
	struct search_hit h[10];
	static const char *const queries[] = {
		"Skalozub", "скал", "Oleksandr Skal", "Aleksandr Skalozub", "олександр скалозуб",
		"ОЛЕКСАНДР", "skalozub oleksandr", "Скалозуб", "sKaLo",
	};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		int n = search_find(f->s, queries[i], h, 10);
		assert_true(n >= 1);
		if (!found(h, n, 1))
			fail_msg("'%s' did not find Олександр Скалозуб", queries[i]);
	}
	assert_int_equal(search_find(f->s, "Oleksandr Skal", h, 10), 1);
	assert_string_equal(h[0].display, "Олександр Скалозуб");
	assert_string_equal(h[0].organization, "ГО «Вхід»");
}

static void test_spellings_and_apostrophes(void **state)
{
	struct fx *f = *state;
	struct search_hit h[10];
	static const char *const hanna[] = { "Hanna", "Ganna", "ганна", "Мʼясоїд", "М'ясоїд",
					     "М’ясоїд", "Мясоїд", "Miasoid", "myasoid" };
	for (size_t i = 0; i < sizeof hanna / sizeof hanna[0]; i++) {
		int n = search_find(f->s, hanna[i], h, 10);
		if (!found(h, n, 2))
			fail_msg("'%s' did not find Ганна Мʼясоїд", hanna[i]);
	}
	int n = search_find(f->s, "obrien", h, 10);
	assert_true(found(h, n, 5));
	n = search_find(f->s, "Yuliia", h, 10);
	assert_true(found(h, n, 6));
	n = search_find(f->s, "Yizhak", h, 10);
	assert_true(found(h, n, 6));
	n = search_find(f->s, "Gudz", h, 10);
	assert_true(found(h, n, 8));
	assert_int_equal(h[0].status, DB_REG_CANCELLED);
	n = search_find(f->s, "марія", h, 10); /* a part of a hyphenated name */
	assert_true(found(h, n, 9));
}

static void test_ranking_and_namesakes(void **state)
{
	struct fx *f = *state;
	struct search_hit h[10];
	int n = search_find(f->s, "ган", h, 10);
	assert_true(n >= 2);
	assert_int_equal(h[0].number, 7);        /* "Ган" exactly, before the prefix of "Ганна" */
	assert_int_equal(h[0].match, SEARCH_EXACT);
	assert_true(found(h, n, 2));
	n = search_find(f->s, "Коваленко", h, 10);
	assert_int_equal(n, 2);                  /* namesakes, told apart by organization */
	assert_string_not_equal(h[0].organization, h[1].organization);
	n = search_find(f->s, "олекс шевч", h, 10);
	assert_int_equal(n, 0);                  /* every word must match the same person */
}

static void test_typos(void **state)
{
	struct fx *f = *state;
	struct search_hit h[10];
	int n = search_find(f->s, "Skalozyb", h, 10);
	assert_true(found(h, n, 1));
	assert_int_equal(h[0].match, SEARCH_FUZZY);
	n = search_find(f->s, "Скалазуб", h, 10);
	assert_true(found(h, n, 1));
	/* short queries never go fuzzy: three letters are a prefix, not a guess */
	n = search_find(f->s, "xyz", h, 10);
	assert_int_equal(n, 0);
}

static void test_edges(void **state)
{
	struct fx *f = *state;
	struct search_hit h[3];
	char big[4096];
	assert_int_equal(search_find(f->s, "", h, 3), 0);
	assert_int_equal(search_find(f->s, "   ", h, 3), 0);
	assert_int_equal(search_find(f->s, NULL, h, 3), 0);
	assert_true(search_find(f->s, "о", h, 3) <= 3);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_true(search_find(f->s, big, h, 3) >= 0);
	assert_true(search_find(f->s, "\xff\xfe'; DROP", h, 3) >= 0);
	assert_int_equal(search_count(f->s), 13);
	/* a walk-in joins the index at once */
	struct db_registration r;
	memset(&r, 0, sizeof r);
	r.number = 14;
	snprintf(r.given, sizeof r.given, "Богдан");
	snprintf(r.family, sizeof r.family, "Литвин");
	snprintf(r.display, sizeof r.display, "Богдан Литвин");
	assert_int_equal(search_put(f->s, &r), VK_OK);
	assert_int_equal(search_find(f->s, "Lytvyn", h, 3), 1);
	assert_int_equal(search_count(f->s), 14);
}

/* Latin letters with diacritics are found typed without them, and with them. */
static void test_latin_diacritics(void **state)
{
	struct fx *f = *state;
	static const struct { const char *q; int64_t number; } cases[] = {
		{ "muller", 10 }, { "Müller", 10 }, { "MULLER", 10 }, { "jurgen", 10 }, { "chloe", 11 },
		{ "Chloé", 11 }, { "novak", 12 }, { "tomas novak", 12 }, { "lukasz", 13 }, { "walesa", 13 },
	};
	struct search_hit h[8];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = search_find(f->s, cases[i].q, h, 8);
		if (n < 1 || h[0].number != cases[i].number)
			fail_msg("'%s' did not find registration %lld first", cases[i].q, (long long)cases[i].number);
	}
	/* Cyrillic й and ї keep their marks: "ижакевич" is not "їжакевич" folded away */
	assert_int_equal(search_find(f->s, "їжак", h, 8), 1);
}

/* Whether each person is checked in: read from the log when the index is built, and
 * told later by whoever admits or undoes. */
static void test_admitted_state(void **state)
{
	struct fx *f = *state;
	struct search *s2;
	struct search_hit h[8];
	struct db_checkin ci;
	memset(&ci, 0, sizeof ci);
	ci.event_id = f->ev;
	ci.number = 2;
	ci.kind = DB_CI_ENTRY;
	ci.wall_ms = 1796112000000;
	ci.hlc = ci.wall_ms << 16;
	assert_int_equal(db_checkin_append(f->d, &ci), VK_OK);
	assert_int_equal(search_open(f->d, f->ev, &s2), VK_OK);
	assert_int_equal(search_find(s2, "мʼясоїд", h, 8), 1);
	assert_true(h[0].admitted);
	assert_int_equal(search_find(s2, "скалозуб", h, 8), 1);
	assert_false(h[0].admitted);
	assert_int_equal(search_set_admitted(s2, 1, 1), VK_OK);
	assert_int_equal(search_set_admitted(s2, 2, 0), VK_OK);
	assert_int_equal(search_set_admitted(s2, 999, 1), VK_ERR_NOT_FOUND);
	assert_int_equal(search_find(s2, "скалозуб", h, 8), 1);
	assert_true(h[0].admitted);
	assert_int_equal(search_find(s2, "мʼясоїд", h, 8), 1);
	assert_false(h[0].admitted);
	search_free(s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_either_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spellings_and_apostrophes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranking_and_namesakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latin_diacritics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admitted_state, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
