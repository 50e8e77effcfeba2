/* SPDX-License-Identifier: MIT */
/* A screen mounted turned (ui/ui.c, `rotation` in vkhid.conf): the welcome screen is drawn
 * for real (SDL's offscreen window, the software renderer, the kiosk's fonts) upright at
 * the layout's size, and again in a window of the panel's own size turned by 90, 180 and
 * 270 degrees; the turned screenshot must be the upright one turned, pixel for pixel. A
 * finger and a mouse click where the turned screen shows the "find" button must open
 * Find me. And the kiosk's window hides the mouse pointer and keeps the screen saver off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <SDL.h>
#include <SDL_image.h>

#include "core/err.h"
#include "core/i18n.h"
#include "ui/screen.h"
#include "ui/ui.h"

#define PANEL_W 800    /* the official 7" display */
#define PANEL_H 480

static struct ui_state *welcome(void)
{
	struct ui_state *st = malloc(sizeof *st);
	assert_non_null(st);
	ui_sm_init(st, "Форум громад 2026", 1, VK_LANG_EN, NULL, 1000);
	ui_sm_wall(st, 1780000000000LL, 1);
	return st;
}

/* Draws the welcome screen in a window of w x h turned by rot; saves it to png and
 * returns it read back as a 32-bit surface (free with SDL_FreeSurface). */
static SDL_Surface *shot(int w, int h, int rot, const char *png)
{
	struct ui_config cfg = { .headless = 1, .w = w, .h = h, .title = "rotate", .rotation = rot };
	struct ui *ui = NULL;
	struct ui_dlist *dl = malloc(sizeof *dl);
	struct ui_state *st = welcome();
	SDL_Surface *s, *conv;
	char why[256];
	int lw, lh;

	assert_non_null(dl);
	if (ui_open(&cfg, &ui, why, sizeof why) != VK_OK)
		fail_msg("no offscreen window: %s", why);
	ui_size(ui, &lw, &lh);
	/* the layout is made for the upright size: the panel's, swapped when on its side */
	assert_int_equal(lw, rot % 180 ? h : w);
	assert_int_equal(lh, rot % 180 ? w : h);
	ui_sm_layout(st, lw, lh, dl);
	assert_int_equal(ui_draw(ui, dl, 1), VK_OK);
	assert_int_equal(ui_save_png(ui, png), VK_OK);
	ui_close(ui);
	free(st);
	free(dl);
	s = IMG_Load(png);
	assert_non_null(s);
	conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB888, 0);
	SDL_FreeSurface(s);
	assert_non_null(conv);
	return conv;
}

static uint32_t px(const SDL_Surface *s, int x, int y)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4, 4);
	return v & 0xFFFFFF;
}

/* The turned screenshot against the upright one, turned here by the same rule: the
 * upright pixel (x, y) shows at the window's (H-1-y, x) turned by 90 degrees clockwise. */
static void turned_is_upright_turned(int rot)
{
	char up_png[] = "/tmp/vk-rot-up-XXXXXX", turn_png[] = "/tmp/vk-rot-turn-XXXXXX";
	int fd1 = mkstemp(up_png), fd2 = mkstemp(turn_png);
	int lw = rot % 180 ? PANEL_H : PANEL_W, lh = rot % 180 ? PANEL_W : PANEL_H;
	SDL_Surface *up, *turned;
	long same = 0, total = 0, unturned_same = 0, dark = 0;

	assert_true(fd1 >= 0 && fd2 >= 0);
	close(fd1);
	close(fd2);
	up = shot(lw, lh, 0, up_png);
	turned = shot(PANEL_W, PANEL_H, rot, turn_png);
	assert_int_equal(up->w, lw);
	assert_int_equal(up->h, lh);
	/* the screenshot is the panel as it is mounted */
	assert_int_equal(turned->w, PANEL_W);
	assert_int_equal(turned->h, PANEL_H);
	for (int y = 0; y < lh; y++)
		for (int x = 0; x < lw; x++) {
			int X, Y;
			uint32_t a = px(up, x, y);
			switch (rot) {
			case 90: X = lh - 1 - y; Y = x; break;
			case 180: X = lw - 1 - x; Y = lh - 1 - y; break;
			default: X = y; Y = lw - 1 - x; break;
			}
			same += px(turned, X, Y) == a;
			if (x < PANEL_W && y < PANEL_H)
				unturned_same += px(turned, x, y) == a;
			dark += (a & 0xFF) < 80;
			total++;
		}
	print_message("rotation %d: %ld of %ld pixels as the upright screen turned\n", rot, same, total);
	/* something is drawn (the title, the buttons' labels), so the comparison means something */
	assert_true(dark > total / 200);
	assert_int_equal(same, total);
	/* and it is not the upright picture merely copied (or cropped) */
	assert_true(unturned_same < total * 9 / 10);
	SDL_FreeSurface(up);
	SDL_FreeSurface(turned);
	unlink(up_png);
	unlink(turn_png);
}

static void drawn_turned_90(void **state)
{
	(void)state;
	turned_is_upright_turned(90);
}

static void drawn_turned_180(void **state)
{
	(void)state;
	turned_is_upright_turned(180);
}

static void drawn_turned_270(void **state)
{
	(void)state;
	turned_is_upright_turned(270);
}

/* Where the turned window shows the upright point (x, y) of a w x h layout, as 0..1 of the
 * window (the inverse of what ui.c does with a touch). */
static void window_point(int rot, double x, double y, int w, int h, float *fx, float *fy)
{
	switch (rot) {
	case 90: *fx = (float)(1.0 - y / h); *fy = (float)(x / w); break;
	case 180: *fx = (float)(1.0 - x / w); *fy = (float)(1.0 - y / h); break;
	case 270: *fx = (float)(y / h); *fy = (float)(1.0 - x / w); break;
	default: *fx = (float)(x / w); *fy = (float)(y / h); break;
	}
}

/* A finger, then a mouse click, where the turned screen shows "find": Find me opens. */
static void taps_turned_back(void **state)
{
	static const int rots[] = { 90, 180, 270 };
	(void)state;
	for (size_t r = 0; r < sizeof rots / sizeof rots[0]; r++) {
		struct ui_config cfg = { .headless = 1, .w = PANEL_W, .h = PANEL_H, .title = "rotate",
					 .rotation = rots[r] };
		struct ui *ui = NULL;
		struct ui_dlist *dl = malloc(sizeof *dl);
		const struct ui_item *find = NULL;
		char why[256];
		int w, h;
		float fx, fy;
		double cx, cy;

		assert_non_null(dl);
		assert_int_equal(ui_open(&cfg, &ui, why, sizeof why), VK_OK);
		assert_int_equal(ui_rotation(ui), rots[r]);
		ui_size(ui, &w, &h);
		for (int how = 0; how < 2; how++) {
			struct ui_state *st = welcome();
			SDL_Event e;
			ui_sm_layout(st, w, h, dl);
			for (int i = 0; i < dl->n; i++)
				if (dl->item[i].kind == UI_IT_BUTTON && strcmp(dl->item[i].name, "find") == 0)
					find = &dl->item[i];
			assert_non_null(find);
			/* a quarter into the button, not its centre: a centre may map onto itself */
			cx = find->r.x + find->r.w / 4.0;
			cy = find->r.y + find->r.h / 4.0;
			window_point(rots[r], cx, cy, w, h, &fx, &fy);
			memset(&e, 0, sizeof e);
			if (how == 0) {
				e.type = SDL_FINGERDOWN;
				e.tfinger.x = fx;
				e.tfinger.y = fy;
				ui_handle_event(ui, st, &e, 2000);
				e.type = SDL_FINGERUP;
				ui_handle_event(ui, st, &e, 2050);
			} else {
				e.type = SDL_MOUSEBUTTONDOWN;
				e.button.button = SDL_BUTTON_LEFT;
				e.button.x = (int)(fx * PANEL_W);
				e.button.y = (int)(fy * PANEL_H);
				ui_handle_event(ui, st, &e, 2000);
			}
			if (st->screen != UI_FIND)
				fail_msg("rotation %d, %s at window (%.3f, %.3f): screen %s, not find",
					 rots[r], how ? "click" : "finger", fx, fy, ui_screen_name(st->screen));
			free(st);
		}
		ui_close(ui);
		free(dl);
	}
}

/* The kiosk (full screen) hides the pointer; a window on a laptop keeps it. The screen
 * saver is off in both. */
static void pointer_hidden_screen_awake(void **state)
{
	struct ui_config cfg = { .headless = 1, .w = PANEL_W, .h = PANEL_H, .title = "rotate" };
	struct ui *ui = NULL;
	char why[256];
	(void)state;
	assert_int_equal(ui_open(&cfg, &ui, why, sizeof why), VK_OK);
	assert_int_equal(SDL_ShowCursor(SDL_QUERY), SDL_ENABLE);
	assert_false(SDL_IsScreenSaverEnabled());
	ui_close(ui);
	cfg.fullscreen = 1;
	assert_int_equal(ui_open(&cfg, &ui, why, sizeof why), VK_OK);
	assert_int_equal(SDL_ShowCursor(SDL_QUERY), SDL_DISABLE);
	assert_false(SDL_IsScreenSaverEnabled());
	ui_close(ui);
	cfg.fullscreen = 0;
	cfg.rotation = 45;
	assert_int_equal(ui_open(&cfg, &ui, why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "90"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drawn_turned_90),
		cmocka_unit_test(drawn_turned_180),
		cmocka_unit_test(drawn_turned_270),
		cmocka_unit_test(taps_turned_back),
		cmocka_unit_test(pointer_hidden_screen_awake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
