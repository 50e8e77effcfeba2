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
#include "ui/palette.h"
#include "ui/screen.h"

/* A fake name index: two namesakes and one more; "many" finds 40 people, "мар" and
 * "z..." nobody. */
static int fake_find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	static const struct { int64_t n; const char *name, *org, *email; } people[] = {
		{ 1, "Олександр Скалозуб", "ГО «Вхід»", "oleksandr@ukr.net" },
		{ 2, "Олександр Скалозуб", "Львівська міська рада", "skalozub@city.lviv.ua" },
		{ 3, "Ганна Мʼясоїд", "Фонд", "" },
	};
	int n = 0;
	int *calls = ctx;
	(*calls)++;
	if (strcmp(q, "many") == 0) {
		for (n = 0; n < 40 && n < max; n++) {
			memset(&hits[n], 0, sizeof hits[n]);
			hits[n].number = 100 + n;
			snprintf(hits[n].display, sizeof hits[n].display, "Олена Мельник %d", n);
			snprintf(hits[n].organization, sizeof hits[n].organization, "Школа №%d", n);
		}
		return n;
	}
	for (size_t i = 0; i < 3 && n < max; i++) {
		if ((q[0] == 'o' || strncmp(q, "о", 2) == 0) && people[i].n > 2)
			continue;
		if (q[0] == 'h' && people[i].n != 3)
			continue;
		if (q[0] == 'z' || strncmp(q, "мар", strlen("мар")) == 0)
			continue;
		memset(&hits[n], 0, sizeof hits[n]);
		hits[n].number = people[i].n;
		snprintf(hits[n].display, sizeof hits[n].display, "%s", people[i].name);
		snprintf(hits[n].organization, sizeof hits[n].organization, "%s", people[i].org);
		snprintf(hits[n].email, sizeof hits[n].email, "%s", people[i].email);
		n++;
	}
	return n;
}

/* The texts of the current screen at w x h, joined by " | ", in a static buffer. */
static const char *screen_text(const struct ui_state *st, int w, int h)
{
	static char all[16384];
	struct ui_dlist *dl = malloc(sizeof *dl);
	assert_non_null(dl);
	ui_sm_layout(st, w, h, dl);
	all[0] = '\0';
	for (int i = 0; i < dl->n; i++)
		if (dl->item[i].text[0] && strlen(all) + strlen(dl->item[i].text) + 4 < sizeof all) {
			strcat(all, dl->item[i].text);
			strcat(all, " | ");
		}
	free(dl);
	return all;
}

/* The item of the current screen whose text contains needle (copied into *out). */
static int find_item(const struct ui_state *st, int w, int h, const char *needle, struct ui_item *out)
{
	struct ui_dlist *dl = malloc(sizeof *dl);
	int found = 0;
	assert_non_null(dl);
	ui_sm_layout(st, w, h, dl);
	for (int i = 0; i < dl->n && !found; i++)
		if (strstr(dl->item[i].text, needle)) {
			*out = dl->item[i];
			found = 1;
		}
	free(dl);
	return found;
}

static int has_button(const struct ui_state *st, int w, int h, const char *name)
{
	struct ui_dlist *dl = malloc(sizeof *dl);
	int found;
	assert_non_null(dl);
	ui_sm_layout(st, w, h, dl);
	found = ui_dlist_find(dl, name) != NULL;
	free(dl);
	return found;
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
		if (checkin_outcome_admits(o))
			continue; /* welcome back, a session's door: greetings (day_two_and_rooms) */
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

/* Day two and a room's door greet (no badge to wait for); a full room tells staff how full
 * it is. */
static void day_two_and_rooms(void **state)
{
	(void)state;
	static const int greet[] = { CI_WELCOME_BACK, CI_SESSION_ADMITTED, CI_SESSION_EXIT };
	for (size_t i = 0; i < sizeof greet / sizeof greet[0]; i++) {
		struct ui_state *st = new_state(0);
		struct checkin_result *r = result(greet[i], 12, "Олена Коваль");
		ui_sm_outcome(st, r, 0, 5000);
		assert_int_equal(st->screen, UI_GREETING);
		assert_int_equal(st->print, UI_PRINT_NONE);
		assert_int_equal(st->sound, UI_SOUND_OK);
		free(r);
		free(st);
	}
	struct ui_state *st = new_state(0);
	struct checkin_result *r = result(CI_ROOM_FULL, 12, "Олена Коваль");
	r->session_id = 3;
	r->session_count = 40;
	r->session_capacity = 40;
	ui_sm_outcome(st, r, 0, 5000);
	assert_int_equal(st->screen, UI_REFUSED);
	assert_non_null(strstr(st->detail, "40 of 40"));
	free(r);
	free(st);
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
	/* the namesakes' masked e-mails tell them apart too, never the whole address */
	assert_non_null(strstr(screen_text(st, 800, 480), "o…@ukr.net"));
	assert_null(strstr(screen_text(st, 800, 480), "oleksandr@"));
	assert_true(ui_sm_button(st, "hit-1", 1400));
	assert_int_equal(st->screen, UI_CONFIRM);
	assert_false(ui_sm_next_request(st, &rq));
	assert_true(ui_sm_button(st, "yes", 1500));
	/* not a public directory: something only the person knows comes first */
	assert_int_equal(st->screen, UI_VERIFY);
	assert_false(ui_sm_next_request(st, &rq));
	ui_sm_text(st, "001", 1510); /* the other Олександр's number */
	ui_sm_key(st, UI_KEY_ENTER, 1520);
	assert_false(ui_sm_next_request(st, &rq));
	assert_int_equal(st->verify_wrong, 1);
	ui_sm_text(st, "002", 1530);
	assert_true(ui_sm_button(st, "verify-ok", 1540));
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_CHECKIN);
	assert_int_equal(rq.number, 2);
	free(st);
}

static void find_me_verify_by_email_and_off(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_request rq;
	(void)state;
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "олекс", 1200);
	ui_sm_button(st, "hit-0", 1300);
	ui_sm_button(st, "yes", 1400);
	ui_sm_text(st, "OLE", 1410); /* the first letters of the e-mail, any case */
	ui_sm_key(st, UI_KEY_ENTER, 1420);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.number, 1);
	/* three wrong answers: back to the start, nothing printed */
	ui_sm_key(st, UI_KEY_ESCAPE, 1500);
	ui_sm_key(st, UI_KEY_ESCAPE, 1500);
	ui_sm_button(st, "find", 1600);
	ui_sm_text(st, "олекс", 1610);
	ui_sm_button(st, "hit-1", 1620);
	ui_sm_button(st, "yes", 1630);
	for (int i = 0; i < UI_VERIFY_TRIES; i++) {
		ui_sm_text(st, "ole", 1640 + i); /* person 2's e-mail starts with "ska" */
		ui_sm_key(st, UI_KEY_ENTER, 1640 + i);
	}
	assert_int_equal(st->screen, UI_WELCOME);
	assert_false(ui_sm_next_request(st, &rq));
	/* an open event turns it off: Yes prints at once */
	assert_true(ui_sm_setting(st, "ui.findme_verify", "off"));
	ui_sm_button(st, "find", 1700);
	ui_sm_text(st, "олекс", 1710);
	ui_sm_button(st, "hit-1", 1720);
	ui_sm_button(st, "yes", 1730);
	assert_true(ui_sm_next_request(st, &rq));
	assert_int_equal(rq.kind, UI_REQ_CHECKIN);
	assert_int_equal(rq.number, 2);
	free(st);
}

static void find_me_never_hides_a_person(void **state)
{
	static const int sizes[][2] = { { 800, 480 }, { 1280, 720 }, { 1080, 1920 } };
	(void)state;
	for (size_t k = 0; k < 3; k++) {
		struct ui_state *st = new_state(0);
		int w = sizes[k][0], h = sizes[k][1], seen_last = 0;
		ui_sm_button(st, "find", 1100);
		ui_sm_text(st, "many", 1200);
		assert_int_equal(st->n_hits, 40);
		assert_true(has_button(st, w, h, "hit-0"));
		assert_false(has_button(st, w, h, "hit-39"));
		/* the screen says how many more there are and what to do */
		assert_non_null(strstr(screen_text(st, w, h), "more: scroll, or type more of the name"));
		/* a finger drags the list up until the last person shows */
		for (int i = 0; i < 200 && !seen_last; i++) {
			ui_sm_drag(st, -(h / 8), w, h, 1300 + i);
			seen_last = has_button(st, w, h, "hit-39");
		}
		assert_true(seen_last);
		assert_false(has_button(st, w, h, "hit-0"));
		ui_sm_drag(st, 100 * h, w, h, 1600);
		assert_true(has_button(st, w, h, "hit-0"));
		free(st);
	}
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
	/* registering is offered only once a search found nobody */
	assert_false(ui_sm_button(w, "walkin", 1110));
	ui_sm_text(w, "олекс", 1120);
	assert_false(ui_sm_button(w, "walkin", 1130));
	for (int i = 0; i < 10; i++)
		ui_sm_key(w, UI_KEY_BACKSPACE, 1140);
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
	{
		char msg[400];
		struct ui_item it;
		ui_sm_org_text(st, st->lang, msg, sizeof msg);
		assert_non_null(strstr(msg, "Ганна"));
		assert_true(find_item(st, 800, 480, "Ганна", &it));
		assert_int_equal(it.fg, UI_OK);
		/* a failure is not shown in success green */
		ui_sm_done(st, UI_REQ_REPRINT, VK_ERR_NOT_FOUND, "Ганна Мʼясоїд", 1345);
		assert_true(find_item(st, 800, 480, "Ганна", &it));
		assert_int_equal(it.fg, UI_DANGER);
	}
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
	/* Close asks first, and is nowhere near Refresh */
	{
		struct ui_dlist *dl = malloc(sizeof *dl);
		const struct ui_item *q, *r;
		assert_non_null(dl);
		ui_sm_layout(st, 800, 480, dl);
		q = ui_dlist_find(dl, "quit");
		r = ui_dlist_find(dl, "refresh");
		assert_non_null(q);
		assert_non_null(r);
		assert_true(abs(q->r.y - r->r.y) > 3 * r->r.h);
		free(dl);
	}
	while (ui_sm_next_request(st, &rq))
		;
	ui_sm_button(st, "quit", 1820);
	assert_false(st->quit);
	assert_false(ui_sm_next_request(st, &rq));
	assert_true(ui_sm_button(st, "quit-no", 1825));
	assert_false(st->quit);
	ui_sm_button(st, "quit", 1830);
	assert_true(ui_sm_button(st, "quit-yes", 1835));
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
	assert_non_null(strstr(screen_text(st, 800, 480), "Олександр"));
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

/* Nothing claims that staff were called: nothing calls them (yet). */
static void says_only_what_is_true(void **state)
{
	static const int langs[] = { VK_LANG_EN, VK_LANG_UK };
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct ui_state *st = new_state(0);
		struct checkin_result *r = result(CI_ADMITTED, 4, "Ганна");
		const char *t;
		st->lang = st->default_lang = langs[k];
		ui_sm_printer(st, PRINTER_NO_MEDIA, 0, 0, NULL, 1050);
		t = screen_text(st, 800, 480);
		assert_null(strstr(t, "called"));
		assert_null(strstr(t, "викликано"));
		assert_null(strstr(t, "staff are fixing"));
		ui_sm_outcome(st, r, 0, 2000);
		ui_sm_held(st, 4, PRINTER_NO_MEDIA, 2100);
		t = screen_text(st, 800, 480);
		assert_null(strstr(t, "called"));
		assert_null(strstr(t, "викликано"));
		free(r);
		free(st);
	}
}

/* The same ticket again a minute later: the badge is in the tray, nobody need come. */
static void second_scan_says_where_the_badge_is(void **state)
{
	struct ui_state *st = new_state(0);
	struct checkin_result *r = result(CI_ADMITTED, 5, "Соломія Федорів");
	struct checkin_result *again = result(CI_ALREADY_ADMITTED, 5, "Соломія Федорів");
	int64_t wall = (int64_t)1796112000000; /* 2026-12-01 10:00 UTC */
	const char *t;
	(void)state;
	ui_sm_wall(st, wall, 1);
	ui_sm_outcome(st, r, wall, 2000);
	ui_sm_printed(st, 5, 4000);
	again->first.wall_ms = wall;
	snprintf(again->first.kiosk, sizeof again->first.kiosk, "k1");
	ui_sm_outcome(st, again, wall + 60000, 62000);
	assert_int_equal(st->screen, UI_REFUSED);
	assert_true(st->repeat);
	t = screen_text(st, 800, 480);
	assert_non_null(strstr(t, "Your badge was printed at"));
	assert_null(strstr(t, "call a staff member"));
	assert_int_equal(st->n_problems, 0); /* nothing for the organizer to act on */
	/* half an hour later it is a real second entry: staff should look */
	ui_sm_outcome(st, again, wall + 30 * 60000, 30 * 60000 + 2000);
	assert_false(st->repeat);
	assert_non_null(strstr(screen_text(st, 800, 480), "call a staff member"));
	free(r);
	free(again);
	free(st);
}

/* No picture for a few seconds: the welcome screen stops asking for a code, offers Find
 * me, and the organizer sees the problem (resolved when the camera comes back). */
static void no_camera_is_told(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_item it;
	(void)state;
	ui_sm_scanner(st, UI_SCANNER_NONE, 1000);
	ui_sm_tick(st, 2000);
	assert_non_null(strstr(screen_text(st, 800, 480), "Starting the camera"));
	ui_sm_tick(st, 1000 + UI_CAMERA_WAIT_MS + 1);
	assert_null(strstr(screen_text(st, 800, 480), "Show the QR code"));
	assert_non_null(strstr(screen_text(st, 800, 480), "The camera is not working"));
	assert_true(has_button(st, 800, 480, "find"));
	assert_int_equal(st->n_problems, 1);
	assert_int_equal(st->problems[0].kind, UI_PB_CAMERA_NONE);
	assert_false(st->problems[0].resolved);
	ui_sm_scanner(st, UI_SCANNER_OK, 9000);
	assert_true(st->problems[0].resolved);
	assert_non_null(strstr(screen_text(st, 800, 480), "Show the QR code"));
	/* the organizer's log has a heading and says it was resolved */
	ui_sm_button(st, "org", 9100);
	ui_sm_text(st, UI_DEFAULT_PIN, 9200);
	ui_sm_key(st, UI_KEY_ENTER, 9200);
	assert_true(find_item(st, 800, 480, "Problems", &it));
	assert_true(find_item(st, 800, 480, "resolved", &it));
	free(st);
}

/* During a lockout the keys look disabled; the tries left are never shown. */
static void pin_screen_tells_no_secrets(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_dlist *dl = malloc(sizeof *dl);
	const struct ui_item *k;
	char tries[32];
	(void)state;
	ui_sm_button(st, "org", 1100);
	ui_sm_text(st, "1111", 1200);
	ui_sm_key(st, UI_KEY_ENTER, 1200);
	snprintf(tries, sizeof tries, "%d", UI_PIN_TRIES - 1);
	assert_non_null(strstr(screen_text(st, 800, 480), "Wrong PIN"));
	assert_null(strstr(screen_text(st, 800, 480), "Tries left"));
	for (int i = 0; i < UI_PIN_TRIES; i++) {
		ui_sm_text(st, "1111", 1300 + i);
		ui_sm_key(st, UI_KEY_ENTER, 1300 + i);
	}
	ui_sm_layout(st, 800, 480, dl);
	k = ui_dlist_find(dl, "pin-5");
	assert_non_null(k);
	assert_true(k->flags & UI_DISABLED);
	assert_int_equal(k->bg, UI_DISABLED_BG);
	assert_int_equal(k->fg, UI_MUTED);
	free(dl);
	free(st);
}

/* Category colours are the organizer's (or readable defaults), never from the name's
 * letters; English guests read the category's English name. */
static void category_colours_and_names(void **state)
{
	struct ui_state *st = new_state(0);
	(void)state;
	assert_int_not_equal(ui_category_color(st, "Спікер"), ui_category_color(st, "Волонтер"));
	assert_int_not_equal(ui_category_color(st, "Speaker"), UI_DANGER);
	assert_int_not_equal(ui_category_color(st, "Volunteer"), UI_DANGER);
	assert_int_equal(ui_category_color(st, "Щось нове"), UI_BAR);
	assert_true(ui_sm_setting(st, "ui.category_colors", "Спікер=#1E88E5; Волонтер = #fb8c00"));
	assert_int_equal(ui_category_color(st, "Спікер"), 0x1E88E5);
	assert_int_equal(ui_category_color(st, "Волонтер"), 0xFB8C00);
	assert_string_equal(ui_category_name(st, "Волонтер", VK_LANG_EN), "Volunteer"); /* usual */
	assert_string_equal(ui_category_name(st, "Спікер", VK_LANG_EN), "Speaker");
	assert_true(ui_sm_setting(st, "ui.category_en", "Спікер=Keynote speaker"));
	assert_string_equal(ui_category_name(st, "Спікер", VK_LANG_EN), "Keynote speaker");
	assert_string_equal(ui_category_name(st, "Ментор", VK_LANG_EN), "Ментор");
	assert_string_equal(ui_category_name(st, "Спікер", VK_LANG_UK), "Спікер");
	assert_false(ui_sm_setting(st, "ui.nope", "1"));
	free(st);
}

/* The organizer's screen keeps its turnout current, and stays in the organizer's
 * language when the attendees' default changes. */
static void organizer_screen_is_live(void **state)
{
	struct ui_state *st = new_state(0);
	struct ui_request rq;
	int stats = 0;
	(void)state;
	ui_sm_button(st, "org", 1100);
	ui_sm_text(st, UI_DEFAULT_PIN, 1200);
	ui_sm_key(st, UI_KEY_ENTER, 1200);
	while (ui_sm_next_request(st, &rq))
		;
	for (int64_t t = 1200; t <= 1200 + 3 * UI_STATS_MS; t += 500)
		ui_sm_tick(st, t);
	while (ui_sm_next_request(st, &rq))
		stats += rq.kind == UI_REQ_STATS;
	assert_int_equal(stats, 3);
	if (ui_lang_count() > 1) {
		int before = st->lang;
		ui_sm_button(st, "default-lang", 20000);
		assert_int_equal(st->lang, before);
		assert_int_not_equal(st->default_lang, before);
	}
	free(st);
}

/* Walk-in: Shift types one capital; names start with capitals by themselves. */
static void walkin_keyboard_shift(void **state)
{
	struct ui_state *w = new_state(1);
	(void)state;
	ui_sm_button(w, "find", 1100);
	ui_sm_text(w, "zz", 1110);
	ui_sm_button(w, "walkin", 1120);
	ui_sm_button(w, "field-org", 1130);
	w->kbd = UI_KBD_EN;
	ui_sm_button(w, "key:shift", 1140);
	ui_sm_button(w, "key:a", 1150);
	ui_sm_button(w, "key:b", 1160);
	assert_string_equal(w->field[1], "Ab");
	ui_sm_button(w, "key:123", 1170);
	assert_true(ui_sm_button(w, "key:«", 1180));
	assert_true(ui_sm_button(w, "key:7", 1190));
	assert_string_equal(w->field[1], "Ab«7");
	free(w);
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
			/* a narrow portrait keyboard: 12 letters and Shift share 480 px, half a finger */
			double minw = 48 * dl->scale * (h > w && strncmp(it->name, "key:", 4) == 0 ? 0.5 : 1);
			if (it->r.w < minw - 0.5 || it->r.h < 48 * dl->scale - 0.5)
				fail_msg("%s %dx%d: button %s is %dx%d, smaller than a finger (48 px at 800x480)",
					 ui_screen_name(st->screen), w, h, it->name, it->r.w, it->r.h);
			if (strncmp(it->name, "key:", 4) == 0 && h > w && it->r.h > it->r.w * 17 / 10
			    && strcmp(it->name, "key:back") && strcmp(it->name, "key:space"))
				fail_msg("%s %dx%d: key %s is a sliver (%dx%d)", ui_screen_name(st->screen), w, h,
					 it->name, it->r.w, it->r.h);
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
		cmocka_unit_test(day_two_and_rooms),
		cmocka_unit_test(find_me_pick_confirm_requests_checkin),
		cmocka_unit_test(find_me_verify_by_email_and_off),
		cmocka_unit_test(find_me_never_hides_a_person),
		cmocka_unit_test(says_only_what_is_true),
		cmocka_unit_test(second_scan_says_where_the_badge_is),
		cmocka_unit_test(no_camera_is_told),
		cmocka_unit_test(pin_screen_tells_no_secrets),
		cmocka_unit_test(category_colours_and_names),
		cmocka_unit_test(organizer_screen_is_live),
		cmocka_unit_test(walkin_keyboard_shift),
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
