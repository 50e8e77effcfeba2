/* SPDX-License-Identifier: MIT */
/* The screen state machine without pixels (ui/screen.h): journeys at the door and the
 * organizer's, timeouts, the PIN lockout, requests, and the layouts of every screen at
 * 800x480, 1920x1080 and portrait: buttons inside the window, every text at least 18 px at
 * 800x480 and at a contrast of at least 4.5:1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "ui/catalog.h"
#include "ui/keyboard.h"
#include "ui/screen.h"

/* A fake name index: two namesakes and one more. */
static int fake_find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	static const struct { int64_t n; const char *name, *org; } people[] = {
		{ 1, "Олександр Скалозуб", "ГО «Вхід»" },
		{ 2, "Олександр Скалозуб", "Львівська міська рада" },
		{ 3, "Ганна Мʼясоїд", "Фонд" },
	};
	int n = 0;
	int *calls = ctx;
	(*calls)++;
	for (size_t i = 0; i < 3 && n < max; i++) {
		if ((q[0] == 'o' || strncmp(q, "о", 2) == 0) && people[i].n > 2)
			continue;
		if (q[0] == 'h' && people[i].n != 3)
			continue;
		if (q[0] == 'z')
			continue;
		memset(&hits[n], 0, sizeof hits[n]);
		hits[n].number = people[i].n;
		snprintf(hits[n].display, sizeof hits[n].display, "%s", people[i].name);
		snprintf(hits[n].organization, sizeof hits[n].organization, "%s", people[i].org);
		n++;
	}
	return n;
}

static int calls;

static struct ui_state *new_state(int walkins)
{
	struct ui_state *st = malloc(sizeof *st);
	assert_non_null(st);
	ui_sm_init(st, "Форум громад 2026", walkins, 0, NULL, 1000);
	st->ops.ctx = &calls;
	st->ops.find = fake_find;
	return st;
}

static struct checkin_result *result(int outcome, int64_t number, const char *name)
{
	struct checkin_result *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->outcome = outcome;
	r->number = number;
	if (name) {
		r->have_reg = 1;
		snprintf(r->reg.display, sizeof r->reg.display, "%s", name);
		snprintf(r->reg.organization, sizeof r->reg.organization, "ГО «Вхід»");
		snprintf(r->reg.category, sizeof r->reg.category, "Спікер");
	}
	if (outcome == CI_ADMITTED)
		r->job_id = 7;
	return r;
}

static void greeting_then_back_to_scan(void **state)
{
	struct ui_state *st = new_state(0);
	struct checkin_result *r = result(CI_ADMITTED, 1, "Олександр Скалозуб");
	(void)state;
	ui_sm_outcome(st, r, 0, 2000);
	assert_int_equal(st->screen, UI_GREETING);
	assert_int_equal(st->print, UI_PRINT_QUEUED);
	ui_sm_printed(st, 1, 2500);
	assert_int_equal(st->print, UI_PRINT_DONE);
	ui_sm_tick(st, 2500 + UI_GREETING_MS - 10);
	assert_int_equal(st->screen, UI_GREETING);
	ui_sm_tick(st, 2500 + UI_GREETING_MS + 10);
	assert_int_equal(st->screen, UI_WELCOME);
	free(r);
	free(st);
}

static void printer_problem_on_greeting(void **state)
{
	struct ui_state *st = new_state(0);
	struct checkin_result *r = result(CI_ADMITTED, 4, "Ганна");
	(void)state;
	ui_sm_outcome(st, r, 0, 2000);
	ui_sm_held(st, 4, PRINTER_NO_MEDIA, 2100);
	assert_int_equal(st->print, UI_PRINT_HELD);
	assert_int_equal(st->printer, PRINTER_NO_MEDIA);
	assert_true(st->n_problems >= 1); /* the organizer sees it */
	ui_sm_tick(st, 2100 + UI_GREETING_MS + 1);
	assert_int_equal(st->screen, UI_WELCOME); /* never left on an error */
	free(r);
	free(st);
}

static void every_refusal_times_out(void **state)
{
	(void)state;
	for (int o = CI_ALREADY_ADMITTED; o < CI_OUTCOME_COUNT; o++) {
		struct ui_state *st = new_state(0);
		struct checkin_result *r = result(o, 0, NULL);
		ui_sm_outcome(st, r, 0, 5000);
		assert_int_equal(st->screen, UI_REFUSED);
		assert_int_equal(st->outcome, o);
		ui_sm_tick(st, 5000 + UI_REFUSED_MS + 1);
		assert_int_equal(st->screen, UI_WELCOME);
		free(r);
		free(st);
	}
}

static void find_me_pick_confirm_requests_checkin(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_request rq;
	(void)state;
	assert_true(ui_sm_button(st, "find", 1100));
	assert_int_equal(st->screen, UI_FIND);
	st->kbd = UI_KBD_UK;
	assert_true(ui_sm_button(st, "key:о", 1200)); /* on-screen keyboard, Ukrainian */
	assert_string_equal(st->query, "о");
	ui_sm_text(st, "лекс", 1300);
	assert_string_equal(st->query, "олекс");
	assert_int_equal(st->n_hits, 2); /* namesakes, told apart by organization */
	assert_string_not_equal(st->hits[0].organization, st->hits[1].organization);
	assert_true(ui_sm_button(st, "hit-1", 1400));
	assert_int_equal(st->screen, UI_CONFIRM);
	assert_false(ui_sm_next_request(st, &rq));
	assert_true(ui_sm_button(st, "yes", 1500));
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_CHECKIN);
	assert_int_equal(rq.number, 2);
	free(st);
}

static void find_me_backspace_apostrophe_and_idle(void **state)
{
	struct ui_state *st = new_state(0);
	(void)state;
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "мʼ", 1200);
	st->kbd = UI_KBD_UK;
	assert_true(ui_sm_button(st, "key:ʼ", 1250));
	assert_string_equal(st->query, "мʼʼ");
	ui_sm_key(st, UI_KEY_BACKSPACE, 1300);
	ui_sm_key(st, UI_KEY_BACKSPACE, 1300);
	assert_string_equal(st->query, "м");
	assert_true(ui_sm_button(st, "key:abc", 1350)); /* to Latin */
	assert_non_null(strstr(st->query, "м"));
	assert_true(ui_sm_button(st, "key:'", 1360));
	ui_sm_tick(st, 1360 + UI_IDLE_MS + 1);
	assert_int_equal(st->screen, UI_WELCOME);
	assert_string_equal(st->query, ""); /* nothing of the last person stays */
	free(st);
}

static void walkin_only_when_allowed(void **state)
{
	struct ui_state *st = new_state(0), *w = new_state(1);
	struct ui_request rq;
	(void)state;
	ui_sm_button(st, "find", 1100);
	assert_false(ui_sm_button(st, "walkin", 1200));
	ui_sm_button(w, "find", 1100);
	ui_sm_text(w, "марта коваль", 1150);
	assert_true(ui_sm_button(w, "walkin", 1200));
	assert_int_equal(w->screen, UI_WALKIN);
	assert_string_equal(w->field[0], "Марта Коваль"); /* the search text, capitalised */
	ui_sm_button(w, "field-org", 1300);
	ui_sm_text(w, "ГО Тест", 1310);
	ui_sm_button(w, "field-email", 1320);
	ui_sm_text(w, "marta.example.org", 1330);
	ui_sm_button(w, "register", 1340);
	assert_false(ui_sm_next_request(w, &rq)); /* no @ */
	assert_int_equal(w->focus, 2);
	ui_sm_key(w, UI_KEY_BACKSPACE, 1350);
	for (int i = 0; i < 20; i++)
		ui_sm_key(w, UI_KEY_BACKSPACE, 1350);
	ui_sm_text(w, "marta@example.org", 1360);
	ui_sm_button(w, "register", 1370);
	assert_true(ui_sm_next_request(w, &rq));
	assert_int_equal(rq.kind, UI_REQ_WALKIN);
	assert_string_equal(rq.a, "Марта Коваль");
	assert_string_equal(rq.b, "ГО Тест");
	assert_string_equal(rq.c, "marta@example.org");
	free(st);
	free(w);
}

static void pin_lockout(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_request rq;
	(void)state;
	ui_sm_button(st, "org", 1100);
	assert_int_equal(st->screen, UI_PIN);
	for (int i = 0; i < UI_PIN_TRIES; i++) {
		ui_sm_text(st, "1111", 1200 + i);
		ui_sm_key(st, UI_KEY_ENTER, 1200 + i);
		assert_int_equal(st->screen, UI_PIN);
	}
	assert_true(st->pin_locked_until > 1300);
	/* locked: even the right PIN does nothing, and the keypad is disabled */
	ui_sm_text(st, UI_DEFAULT_PIN, 1400);
	ui_sm_key(st, UI_KEY_ENTER, 1400);
	assert_int_equal(st->screen, UI_PIN);
	assert_false(ui_sm_button(st, "pin-1", 1500));
	/* the PIN screen gives up by itself; after the lockout the right PIN opens
	 * organizer mode and asks for the turnout */
	ui_sm_tick(st, 1500 + UI_IDLE_MS + 1);
	assert_int_equal(st->screen, UI_WELCOME);
	ui_sm_button(st, "org", 1300 + UI_PIN_LOCK_MS);
	ui_sm_text(st, UI_DEFAULT_PIN, 1300 + UI_PIN_LOCK_MS);
	ui_sm_key(st, UI_KEY_ENTER, 1300 + UI_PIN_LOCK_MS);
	assert_int_equal(st->screen, UI_ORG);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_STATS);
	free(st);
}

static void organizer_actions(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_request rq;
	struct ui_turnout t = { .registered = 200, .admitted = 16, .n_cat = 1 };
	(void)state;
	ui_sm_button(st, "org", 1100);
	ui_sm_text(st, UI_DEFAULT_PIN, 1200);
	ui_sm_key(st, UI_KEY_ENTER, 1200);
	while (ui_sm_next_request(st, &rq))
		;
	snprintf(t.cat[0].name, sizeof t.cat[0].name, "Учасник");
	ui_sm_turnout(st, &t);
	/* reprint: find, pick, confirm -> request, back to the organizer */
	ui_sm_button(st, "reprint", 1300);
	assert_int_equal(st->screen, UI_FIND);
	ui_sm_text(st, "h", 1310);
	ui_sm_button(st, "hit-0", 1320);
	ui_sm_button(st, "yes", 1330);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_REPRINT);
	assert_int_equal(rq.number, 3);
	assert_int_equal(st->screen, UI_ORG);
	ui_sm_done(st, UI_REQ_REPRINT, VK_OK, "Ганна Мʼясоїд", 1340);
	assert_non_null(strstr(st->org_message, "Ганна"));
	/* undo the same way */
	ui_sm_button(st, "undo", 1400);
	ui_sm_text(st, "h", 1410);
	ui_sm_button(st, "hit-0", 1420);
	ui_sm_button(st, "yes", 1430);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_UNDO);
	/* the clock: +1 hour -1 min, saved as one shift */
	ui_sm_button(st, "clock", 1500);
	assert_int_equal(st->screen, UI_CLOCK);
	ui_sm_button(st, "clock:3600", 1510);
	ui_sm_button(st, "clock:-60", 1520);
	ui_sm_button(st, "save", 1530);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_SET_CLOCK);
	assert_int_equal(rq.ms, 3540000);
	/* language default: saved as a setting */
	ui_sm_button(st, "default-lang", 1600);
	if (ui_lang_count() > 1) {
		assert_true(ui_sm_next_request(st, &rq));
		assert_int_equal(rq.kind, UI_REQ_SETTING);
		assert_string_equal(rq.a, "ui.lang");
	} else {
		while (ui_sm_next_request(st, &rq))
			;
	}
	/* lock, then quit from a fresh organizer session */
	ui_sm_button(st, "lock", 1700);
	assert_int_equal(st->screen, UI_WELCOME);
	ui_sm_button(st, "org", 1800);
	ui_sm_text(st, UI_DEFAULT_PIN, 1810);
	ui_sm_key(st, UI_KEY_ENTER, 1810);
	ui_sm_button(st, "quit", 1820);
	assert_true(st->quit);
	/* organizer mode locks itself when left alone */
	ui_sm_button(st, "org", 1900);
	free(st);
}

static void outcome_in_organizer_mode_stays(void **state)
{
	struct ui_state *st = new_state(0);
	struct checkin_result *r = result(CI_ADMITTED, 1, "Олександр Скалозуб");
	(void)state;
	ui_sm_button(st, "org", 1100);
	ui_sm_text(st, UI_DEFAULT_PIN, 1200);
	ui_sm_key(st, UI_KEY_ENTER, 1200);
	ui_sm_outcome(st, r, 0, 1300);
	assert_int_equal(st->screen, UI_ORG);
	assert_non_null(strstr(st->org_message, "Олександр"));
	ui_sm_tick(st, 1300 + UI_ORG_IDLE_MS + 1);
	assert_int_equal(st->screen, UI_WELCOME);
	free(r);
	free(st);
}

static void keyboard_wedge_on_welcome(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_request rq;
	(void)state;
	ui_sm_text(st, "p9dx4kz7wq2vfm8tnc3hbr6y", 1100);
	ui_sm_key(st, UI_KEY_ENTER, 1110);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_PRESENT);
	assert_string_equal(rq.a, "p9dx4kz7wq2vfm8tnc3hbr6y");
	free(st);
}

static void taps_by_position(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_dlist *dl = malloc(sizeof *dl);
	const struct ui_item *b;
	(void)state;
	ui_sm_layout(st, 800, 480, dl);
	b = ui_dlist_find(dl, "find");
	assert_non_null(b);
	assert_false(ui_sm_tap(st, 2, 470, 800, 480, 1200)); /* the preview is not a button */
	assert_true(ui_sm_tap(st, b->r.x + b->r.w / 2, b->r.y + b->r.h / 2, 800, 480, 1200));
	assert_int_equal(st->screen, UI_FIND);
	free(dl);
	free(st);
}

/* Puts the state machine on every screen and checks each layout at each size. */
static void check_layout(const struct ui_state *st, int w, int h)
{
	struct ui_dlist *dl = malloc(sizeof *dl);
	int texts = 0;
	assert_non_null(dl);
	ui_sm_layout(st, w, h, dl);
	assert_true(dl->n > 3);
	assert_true(dl->n < UI_MAX_ITEMS); /* never cut off */
	for (int i = 0; i < dl->n; i++) {
		const struct ui_item *it = &dl->item[i];
		if (it->kind == UI_IT_BUTTON) {
			if (it->r.x < 0 || it->r.y < 0 || it->r.x + it->r.w > w || it->r.y + it->r.h > h)
				fail_msg("%s %dx%d: button %s outside the window", ui_screen_name(st->screen), w, h,
					 it->name);
			if (it->r.w < 24 || it->r.h < 24)
				fail_msg("%s %dx%d: button %s too small to touch", ui_screen_name(st->screen), w, h,
					 it->name);
		}
		if ((it->kind == UI_IT_TEXT || it->kind == UI_IT_BUTTON) && it->text[0]) {
			texts++;
			if (it->min_px < 18 || it->px < it->min_px)
				fail_msg("%s %dx%d: '%s' may shrink below 18 px", ui_screen_name(st->screen), w, h,
					 it->text);
			if (ui_contrast(it->fg, it->bg) < 4.5)
				fail_msg("%s %dx%d: '%s' contrast %.2f", ui_screen_name(st->screen), w, h, it->text,
					 ui_contrast(it->fg, it->bg));
		}
	}
	assert_true(texts > 0);
	free(dl);
}

static void every_screen_every_size(void **state)
{
	static const int sizes[][2] = { { 800, 480 }, { 1920, 1080 }, { 480, 800 }, { 1080, 1920 }, { 1024, 600 } };
	struct ui_state *st = new_state(1);
	struct checkin_result *r = result(CI_ALREADY_ADMITTED, 1, "Олександр Скалозуб");
	(void)state;
	st->printer = PRINTER_NO_MEDIA;
	st->scanner = UI_SCANNER_GONE;
	for (int s = 0; s < UI_SCREEN_COUNT; s++) {
		st->screen = s;
		st->n_hits = 0;
		if (s == UI_FIND || s == UI_CONFIRM) {
			snprintf(st->query, sizeof st->query, "о");
			st->n_hits = fake_find(&calls, "о", st->hits, UI_MAX_HITS);
			st->picked = 0;
		}
		if (s == UI_REFUSED)
			ui_sm_outcome(st, r, 0, 1000), st->screen = UI_REFUSED;
		if (s == UI_PIN)
			st->pin_wrong = 2;
		for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
			check_layout(st, sizes[k][0], sizes[k][1]);
	}
	for (int o = 0; o <= CI_OUTCOME_COUNT; o++) {
		st->screen = UI_REFUSED;
		st->outcome = o;
		check_layout(st, 800, 480);
	}
	for (int p = 0; p < PRINTER_STATE_COUNT; p++) {
		st->screen = UI_ORG;
		st->printer = p;
		check_layout(st, 800, 480);
	}
	for (int k = 0; k < 3; k++) {
		st->screen = UI_FIND;
		st->kbd = k;
		check_layout(st, 800, 480);
		check_layout(st, 480, 800);
	}
	free(r);
	free(st);
}

static void contrast_formula(void **state)
{
	(void)state;
	assert_true(ui_contrast(0x000000, 0xFFFFFF) > 20.9);
	assert_true(ui_contrast(0x777777, 0xFFFFFF) < 4.5); /* the classic failing grey */
	assert_true(ui_contrast(0xFFFFFF, 0xFFFFFF) < 1.01);
}

static void screen_names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < UI_SCREEN_COUNT; s++)
		assert_int_equal(ui_screen_parse(ui_screen_name(s)), s);
	assert_int_equal(ui_screen_parse("nope"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(greeting_then_back_to_scan),
		cmocka_unit_test(printer_problem_on_greeting),
		cmocka_unit_test(every_refusal_times_out),
		cmocka_unit_test(find_me_pick_confirm_requests_checkin),
		cmocka_unit_test(find_me_backspace_apostrophe_and_idle),
		cmocka_unit_test(walkin_only_when_allowed),
		cmocka_unit_test(pin_lockout),
		cmocka_unit_test(organizer_actions),
		cmocka_unit_test(outcome_in_organizer_mode_stays),
		cmocka_unit_test(keyboard_wedge_on_welcome),
		cmocka_unit_test(taps_by_position),
		cmocka_unit_test(every_screen_every_size),
		cmocka_unit_test(contrast_formula),
		cmocka_unit_test(screen_names_round_trip),
	};
	int rc;
	ui_catalog_load(NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ui_catalog_free();
	return rc;
}
