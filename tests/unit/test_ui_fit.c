/* SPDX-License-Identifier: MIT */
/* Text that fits (ui/ui.c, ui/layout.c): every screen in every state is drawn for real
 * (SDL's offscreen window, the software renderer, the kiosk's fonts) at 800x480 (the 7"
 * Pi display), 1280x720 and 1080x1920 portrait, in Ukrainian, English and a pseudo-
 * language whose every text is 40% longer (built from po/vkhid.pot at test time). What
 * was drawn is checked, not what was asked for: no text below its minimum size, none cut
 * with "…", none outside its box or over another text, and no two buttons or boxes
 * partly over each other. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/i18n.h"
#include "ui/keyboard.h"
#include "ui/palette.h"
#include "ui/screen.h"
#include "ui/ui.h"

/* ---- the people the screens show --------------------------------------------------------- */
static int fake_find(void *ctx, const char *q, struct search_hit *hits, int max)
{
	static const struct { const char *name, *org, *email, *cat; } people[] = {
		{ "Олександр Скалозуб", "ГО «Вхід»", "oleksandr@ukr.net", "Спікер" },
		{ "Олександр Скалозуб", "Львівська міська рада, відділ цифрової трансформації",
		  "skalozub@city.lviv.ua", "Учасник" },
		{ "Ганна-Марія Мʼясоїд-Вишневецька", "Благодійний фонд «Відкриті дані для громад»", "",
		  "Волонтер" },
		{ "Emily O'Brien", "Open Data Institute", "emily@theodi.org", "Speaker" },
	};
	int n = 0, want = strcmp(q, "many") == 0 ? 40 : strcmp(q, "nobody") == 0 ? 0 : 4;
	(void)ctx;
	for (; n < want && n < max; n++) {
		memset(&hits[n], 0, sizeof hits[n]);
		hits[n].number = 1 + n;
		snprintf(hits[n].display, sizeof hits[n].display, "%s", people[n % 4].name);
		snprintf(hits[n].organization, sizeof hits[n].organization, "%s", people[n % 4].org);
		snprintf(hits[n].email, sizeof hits[n].email, "%s", people[n % 4].email);
		snprintf(hits[n].category, sizeof hits[n].category, "%s", people[n % 4].cat);
		hits[n].admitted = n % 2;
		hits[n].status = n == 5 ? DB_REG_CANCELLED : DB_REG_ACTIVE;
	}
	return n;
}

static struct checkin_result *result(int outcome, int64_t number)
{
	struct checkin_result *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->outcome = outcome;
	r->number = number;
	r->have_reg = 1;
	snprintf(r->reg.display, sizeof r->reg.display, "Олександра-Вікторія Скалозуб-Мʼясоїд");
	snprintf(r->reg.organization, sizeof r->reg.organization,
		 "Львівська міська рада, департамент цифрової трансформації");
	snprintf(r->reg.category, sizeof r->reg.category, "Спікер");
	snprintf(r->other_event, sizeof r->other_event, "Форум громад 2025: осінній етап");
	r->first.wall_ms = (int64_t)1796112000000;
	snprintf(r->first.kiosk, sizeof r->first.kiosk, "k2");
	r->valid_from_day = 2526;
	r->valid_days = 2;
	if (outcome == CI_ADMITTED)
		r->job_id = 7;
	return r;
}

/* ---- the states -------------------------------------------------------------------------- */
#define WALL ((int64_t)1796112000000)
#define MAX_STATES 96

struct case_ {
	char name[64];
	struct ui_state *st;
};
static struct case_ cases[MAX_STATES];
static int n_cases;

static struct ui_state *fresh(int lang)
{
	struct ui_state *st = malloc(sizeof *st);
	assert_non_null(st);
	ui_sm_init(st, "Форум громад 2026: цифрова трансформація", 1, lang, NULL, 1000);
	st->ops.find = fake_find;
	ui_sm_wall(st, WALL, 1);
	return st;
}

static void add(const char *name, struct ui_state *st)
{
	assert_true(n_cases < MAX_STATES);
	snprintf(cases[n_cases].name, sizeof cases[0].name, "%s", name);
	cases[n_cases].st = st;
	n_cases++;
}

static void org_open(struct ui_state *st)
{
	struct ui_request rq;
	ui_sm_button(st, "org", 1100);
	ui_sm_text(st, UI_DEFAULT_PIN, 1110);
	ui_sm_key(st, UI_KEY_ENTER, 1120);
	while (ui_sm_next_request(st, &rq))
		;
}

static void build_cases(int lang)
{
	struct ui_state *st;
	struct checkin_result *r;
	struct ui_turnout t = { .registered = 1208, .admitted = 817, .this_hour = 212, .reprints = 14,
				.undos = 3, .n_cat = 10 };
	static const char *const cats[10] = { "Учасник", "Спікер", "Волонтер", "Преса", "Організатор",
					      "Партнер", "Спонсор", "Модератор панельної дискусії",
					      "Гість", "Студент" };
	n_cases = 0;
	add("welcome", fresh(lang));
	st = fresh(lang);
	ui_sm_scanner(st, UI_SCANNER_NONE, 1000);
	add("welcome-camera-starting", st);
	st = fresh(lang);
	ui_sm_scanner(st, UI_SCANNER_NONE, 1000);
	ui_sm_tick(st, 1000 + UI_CAMERA_WAIT_MS + 1);
	ui_sm_printer(st, PRINTER_NO_MEDIA, 3, 10, "QL-820NWB", 1000 + UI_CAMERA_WAIT_MS + 2);
	add("welcome-no-camera-printer", st);
	st = fresh(lang);
	ui_sm_printer(st, PRINTER_COVER_OPEN, 3, 10, "QL-820NWB", 1200);
	ui_sm_setting(st, "ui.camera_side", "top");
	ui_sm_code_seen(st, 1200);
	add("welcome-printer-arrow", st);
	st = fresh(lang);
	ui_sm_setting(st, "ui.camera_side", "right");
	add("welcome-arrow-right", st);

	for (int p = UI_PRINT_NONE; p <= UI_PRINT_HELD; p++) {
		char nm[64];
		st = fresh(lang);
		r = result(CI_ADMITTED, 1);
		ui_sm_outcome(st, r, WALL, 2000);
		st->print = p;
		snprintf(nm, sizeof nm, "greeting-print%d", p);
		add(nm, st);
		free(r);
	}
	for (int o = CI_ALREADY_ADMITTED; o <= CI_OUTCOME_COUNT; o++) {
		char nm[64];
		st = fresh(lang);
		if (o < CI_OUTCOME_COUNT) {
			r = result(o, 3);
			ui_sm_outcome(st, r, WALL + 3600 * 1000, 2000);
			free(r);
		} else {
			ui_sm_done(st, UI_REQ_CHECKIN, VK_ERR_DB, "Олександра-Вікторія Скалозуб-Мʼясоїд", 2000);
		}
		snprintf(nm, sizeof nm, "refused-%d", o);
		add(nm, st);
	}
	for (int p = UI_PRINT_NONE; p <= UI_PRINT_HELD; p++) {
		char nm[64];
		st = fresh(lang);
		r = result(CI_ADMITTED, 9);
		ui_sm_outcome(st, r, WALL, 2000);
		if (p == UI_PRINT_DONE)
			ui_sm_printed(st, 9, 3000);
		if (p == UI_PRINT_HELD)
			ui_sm_held(st, 9, PRINTER_NO_MEDIA, 3000);
		st->recent[0].print = p;
		free(r);
		r = result(CI_ALREADY_ADMITTED, 9);
		ui_sm_outcome(st, r, WALL + 60000, 62000);
		free(r);
		snprintf(nm, sizeof nm, "refused-repeat-print%d", p);
		add(nm, st);
	}

	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	add("find-empty", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "олександр", 1200);
	add("find-namesakes", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "many", 1200);
	add("find-many", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "many", 1200);
	ui_sm_drag(st, -300, 800, 480, 1300);
	add("find-many-scrolled", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "nobody", 1200);
	add("find-nobody", st);
	for (int k = 0; k < 3; k++) {
		char nm[64];
		st = fresh(lang);
		ui_sm_button(st, "find", 1100);
		ui_sm_text(st, "о", 1200);
		st->kbd = k;
		snprintf(nm, sizeof nm, "find-kbd%d", k);
		add(nm, st);
	}
	for (int purpose = UI_FOR_CHECKIN; purpose <= UI_FOR_UNDO; purpose++) {
		char nm[64];
		st = fresh(lang);
		if (purpose != UI_FOR_CHECKIN) {
			org_open(st);
			ui_sm_button(st, purpose == UI_FOR_REPRINT ? "reprint" : "undo", 1200);
		} else {
			ui_sm_button(st, "find", 1200);
		}
		ui_sm_text(st, "many", 1210);
		snprintf(nm, sizeof nm, "find-purpose%d", purpose);
		add(nm, st);
		st = fresh(lang);
		if (purpose != UI_FOR_CHECKIN) {
			org_open(st);
			ui_sm_button(st, purpose == UI_FOR_REPRINT ? "reprint" : "undo", 1200);
		} else {
			ui_sm_button(st, "find", 1200);
		}
		ui_sm_text(st, "many", 1210);
		ui_sm_button(st, "hit-1", 1220);
		snprintf(nm, sizeof nm, "confirm-purpose%d", purpose);
		add(nm, st);
	}
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "олександр", 1200);
	ui_sm_button(st, "hit-1", 1300);
	ui_sm_button(st, "yes", 1400);
	add("verify", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "олександр", 1200);
	ui_sm_button(st, "hit-1", 1300);
	ui_sm_button(st, "yes", 1400);
	ui_sm_text(st, "123", 1410);
	ui_sm_key(st, UI_KEY_ENTER, 1420);
	ui_sm_text(st, "sk", 1430);
	add("verify-wrong", st);

	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "nobody", 1200);
	ui_sm_button(st, "walkin", 1300);
	add("walkin", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "nobody", 1200);
	ui_sm_button(st, "walkin", 1300);
	ui_sm_button(st, "field-org", 1310);
	ui_sm_text(st, "Благодійний фонд «Відкриті дані для громад України»", 1320);
	ui_sm_button(st, "field-email", 1330);
	ui_sm_text(st, "hanna.myasoid-vyshnevetska.example", 1340);
	ui_sm_button(st, "register", 1350);
	add("walkin-error", st);
	st = fresh(lang);
	ui_sm_button(st, "find", 1100);
	ui_sm_text(st, "nobody", 1200);
	ui_sm_button(st, "walkin", 1300);
	ui_sm_button(st, "field-org", 1310);
	ui_sm_button(st, "key:123", 1320);
	add("walkin-symbols", st);

	st = fresh(lang);
	ui_sm_button(st, "org", 1100);
	add("pin", st);
	st = fresh(lang);
	ui_sm_button(st, "org", 1100);
	ui_sm_text(st, "1111", 1110);
	ui_sm_key(st, UI_KEY_ENTER, 1120);
	ui_sm_text(st, "12", 1130);
	add("pin-wrong", st);
	st = fresh(lang);
	ui_sm_button(st, "org", 1100);
	for (int i = 0; i < UI_PIN_TRIES; i++) {
		ui_sm_text(st, "1111", 1110 + i);
		ui_sm_key(st, UI_KEY_ENTER, 1110 + i);
	}
	add("pin-locked", st);

	st = fresh(lang);
	org_open(st);
	add("org-counting", st);
	st = fresh(lang);
	org_open(st);
	for (int i = 0; i < 10; i++)
		snprintf(t.cat[i].name, sizeof t.cat[i].name, "%s", cats[i]), t.cat[i].registered = 100 + i,
			t.cat[i].admitted = 50 + i;
	ui_sm_turnout(st, &t);
	add("org-turnout", st);
	st = fresh(lang);
	r = result(CI_REVOKED, 4);
	ui_sm_scanner(st, UI_SCANNER_GONE, 1050);
	ui_sm_outcome(st, r, WALL, 1060);
	free(r);
	ui_sm_printer(st, PRINTER_NO_MEDIA, 4, 120, "QL-820NWB", 1070);
	ui_sm_printer(st, PRINTER_READY, 4, 120, "QL-820NWB", 1080);
	ui_sm_printer(st, PRINTER_COVER_OPEN, 4, 120, "QL-820NWB", 1090);
	ui_sm_key(st, UI_KEY_ESCAPE, 1095); /* from the refusal back to the start */
	org_open(st);
	assert_int_equal(st->screen, UI_ORG);
	ui_sm_turnout(st, &t);
	ui_sm_done(st, UI_REQ_REPRINT, VK_ERR_EXISTS, "Олександра-Вікторія Скалозуб-Мʼясоїд", 1200);
	st->clock_trusted = 0;
	add("org-problems", st);
	st = fresh(lang);
	org_open(st);
	ui_sm_turnout(st, &t);
	ui_sm_drag(st, -2000, 800, 480, 1300);
	add("org-scrolled", st);
	st = fresh(lang);
	org_open(st);
	ui_sm_button(st, "quit", 1200);
	add("org-quit", st);
	st = fresh(lang);
	org_open(st);
	ui_sm_button(st, "clock", 1200);
	ui_sm_button(st, "clock:3600", 1210);
	add("clock", st);
}

/* ---- the checks -------------------------------------------------------------------------- */
static int inside(struct ui_rect a, struct ui_rect b, int slack)
{
	return a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.w <= b.x + b.w + slack
	       && a.y + a.h <= b.y + b.h + slack;
}

static int meet(struct ui_rect a, struct ui_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int solid(const struct ui_dlist *dl, int i)
{
	const struct ui_item *it = &dl->item[i];
	return i > 0 && (it->kind == UI_IT_BOX || it->kind == UI_IT_BUTTON || it->kind == UI_IT_PREVIEW);
}

static int failures;

static void fail_at(const char *cs, const char *lang, int w, int h, const char *fmt, ...)
{
	va_list ap;
	char msg[600];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (failures < 60)
		print_message("%s %s %dx%d: %s\n", cs, lang, w, h, msg);
	failures++;
}

static void check_drawn(struct ui *ui, const struct ui_dlist *dl, const char *cs, const char *lang,
			int w, int h)
{
	struct ui_drawn d[UI_MAX_ITEMS];
	for (int i = 0; i < dl->n; i++)
		ui_drawn(ui, i, &d[i]);
	for (int i = 0; i < dl->n; i++) {
		const struct ui_item *it = &dl->item[i];
		if (!it->text[0] || (it->kind != UI_IT_TEXT && it->kind != UI_IT_BUTTON))
			continue;
		if (!d[i].px) {
			fail_at(cs, lang, w, h, "'%s' was not drawn", it->text);
			continue;
		}
		if (d[i].px < it->min_px || it->min_px < 18)
			fail_at(cs, lang, w, h, "'%s' drawn at %d px, below %d", it->text, d[i].px, it->min_px);
		if (d[i].cut)
			fail_at(cs, lang, w, h, "'%s' cut with an ellipsis (box %dx%d at %d px)", it->text, it->r.w,
				it->r.h, d[i].px);
		if (!inside(d[i].ink, it->r, 1))
			fail_at(cs, lang, w, h, "'%s' drawn outside its box (%d,%d %dx%d in %d,%d %dx%d)", it->text,
				d[i].ink.x, d[i].ink.y, d[i].ink.w, d[i].ink.h, it->r.x, it->r.y, it->r.w, it->r.h);
		if (it->kind == UI_IT_BUTTON && dl->w >= 800 && (it->r.w < 48 * dl->scale - 0.5
								|| it->r.h < 48 * dl->scale - 0.5)
		    && !(h > w && strncmp(it->name, "key:", 4) == 0))
			fail_at(cs, lang, w, h, "button %s is %dx%d, less than a finger", it->name, it->r.w, it->r.h);
		for (int j = 0; j < dl->n; j++) {
			if (j == i)
				continue;
			if (j > i && d[j].px && meet(d[i].ink, d[j].ink))
				fail_at(cs, lang, w, h, "'%s' over '%s'", it->text, dl->item[j].text);
			if (solid(dl, j) && j != i && meet(d[i].ink, dl->item[j].r)
			    && !inside(d[i].ink, dl->item[j].r, 0))
				fail_at(cs, lang, w, h, "'%s' runs over the edge of %s %s", it->text,
					dl->item[j].kind == UI_IT_BUTTON ? "button" : "box", dl->item[j].name);
		}
	}
	for (int i = 1; i < dl->n; i++)
		for (int j = i + 1; j < dl->n; j++)
			if (solid(dl, i) && solid(dl, j) && meet(dl->item[i].r, dl->item[j].r)
			    && !inside(dl->item[i].r, dl->item[j].r, 0) && !inside(dl->item[j].r, dl->item[i].r, 0))
				fail_at(cs, lang, w, h, "%s %s and %s %s overlap", dl->item[i].name,
					dl->item[i].text, dl->item[j].name, dl->item[j].text);
}

/* po/ from the top of the source tree or from the test's own place (BUILD/asan/tests/). */
static int find_po(char *out, size_t cap)
{
	char exe[PATH_MAX - 32];
	ssize_t n;
	snprintf(out, cap, "po");
	if (access("po/vkhid.pot", R_OK) == 0)
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return -1;
		*slash = '\0';
	}
	snprintf(out, cap, "%s/po", exe);
	return 0;
}

static void every_screen_fits(void **state)
{
	static const int sizes[][2] = { { 800, 480 }, { 1280, 720 }, { 1080, 1920 } };
	char po[PATH_MAX], dir[] = "/tmp/vkhid-fit.XXXXXX", cmd[4 * PATH_MAX], why[256];
	const char *langs[3] = { "uk", "en", "xx" };
	struct ui_config cfg = { .headless = 1, .w = 800, .h = 480, .title = "fit" };
	struct ui *ui = NULL;
	struct ui_dlist *dl = malloc(sizeof *dl);
	const char *shots = getenv("UI_FIT_SHOTS");
	int drawn = 0;
	(void)state;

	assert_non_null(dl);
	assert_int_equal(find_po(po, sizeof po), 0);
	assert_non_null(mkdtemp(dir));
	/* the pseudo-language: every English text 40% longer, in words that can wrap */
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/xx/LC_MESSAGES %s/uk/LC_MESSAGES"
		 " && msgfmt -o %s/uk/LC_MESSAGES/vkhid.mo '%s/uk.po'"
		 " && msgen '%s/vkhid.pot' 2>/dev/null | msgfilter --keep-header -o %s/xx.po"
		 " perl -CSD -0777 -pe 's{([^\\n]+)}{ my $n = int(length($1) * 0.4 + 0.99); my $p = \"\";"
		 " for my $i (0 .. $n - 1) { $p .= ($i %% 5 == 0) ? \" \" : \"o\" } $1 . $p }ge'"
		 " && msgfmt -o %s/xx/LC_MESSAGES/vkhid.mo %s/xx.po",
		 dir, dir, dir, po, po, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	i18n_load(dir);
	assert_true(i18n_lang_find("xx") > 0);
	assert_true(strlen(i18n_tr(i18n_lang_find("xx"), "Lock")) > strlen("Lock"));

	if (ui_open(&cfg, &ui, why, sizeof why) != VK_OK)
		fail_msg("no offscreen window: %s", why);
	for (int lg = 0; lg < 3; lg++) {
		int lang = i18n_lang_find(langs[lg]);
		assert_true(lang >= 0);
		build_cases(lang);
		for (int c = 0; c < n_cases; c++) {
			if (!cases[c].st)
				continue;
			for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
				int w = sizes[k][0], h = sizes[k][1];
				ui_resize(ui, w, h);
				ui_sm_layout(cases[c].st, w, h, dl);
				assert_int_equal(ui_draw(ui, dl, shots != NULL), VK_OK);
				check_drawn(ui, dl, cases[c].name, langs[lg], w, h);
				if (shots) { /* UI_FIT_SHOTS=DIR: every screen as a PNG, to look at */
					char png[PATH_MAX];
					if (snprintf(png, sizeof png, "%s/%s-%s-%dx%d.png", shots, langs[lg],
						     cases[c].name, w, h) < (int)sizeof png)
						ui_save_png(ui, png);
				}
				drawn++;
			}
			free(cases[c].st);
		}
	}
	print_message("%d screens drawn, %d problems\n", drawn, failures);
	assert_true(drawn > 200);
	ui_close(ui);
	free(dl);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	i18n_free();
	assert_int_equal(failures, 0);
}

/* The two sounds: played once per outcome, the refusal's differs from the welcome's, and
 * silence when the organizer turned them off. No audio device is needed. */
static void sounds_once_per_outcome(void **state)
{
	struct ui_config cfg = { .headless = 1, .w = 800, .h = 480, .title = "fit" };
	struct ui *ui = NULL;
	struct ui_dlist *dl = malloc(sizeof *dl);
	struct ui_state *st = fresh(VK_LANG_EN);
	struct checkin_result *ok = result(CI_ADMITTED, 1), *no = result(CI_REVOKED, 2);
	char why[256];
	(void)state;
	assert_int_equal(ui_open(&cfg, &ui, why, sizeof why), VK_OK);
	ui_sm_layout(st, 800, 480, dl);
	ui_draw(ui, dl, 0);
	assert_int_equal(ui_last_sound(ui), UI_SOUND_NONE);
	ui_sm_outcome(st, ok, WALL, 2000);
	ui_sm_layout(st, 800, 480, dl);
	ui_draw(ui, dl, 0);
	assert_int_equal(ui_last_sound(ui), UI_SOUND_OK);
	ui_sm_outcome(st, no, WALL, 3000);
	ui_sm_layout(st, 800, 480, dl);
	ui_draw(ui, dl, 0);
	assert_int_equal(ui_last_sound(ui), UI_SOUND_REFUSED);
	ui_sm_setting(st, "ui.sound", "off");
	ui_sm_outcome(st, ok, WALL, 4000);
	ui_sm_layout(st, 800, 480, dl);
	ui_draw(ui, dl, 0);
	assert_int_equal(ui_last_sound(ui), UI_SOUND_REFUSED); /* nothing new was played */
	ui_close(ui);
	free(ok);
	free(no);
	free(st);
	free(dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sounds_once_per_outcome),
		cmocka_unit_test(every_screen_fits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
