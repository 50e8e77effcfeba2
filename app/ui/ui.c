/* SPDX-License-Identifier: MIT */
/* The kiosk's window (ui.h): SDL2 window and renderer, text fitted into rectangles,
 * display lists drawn, frames read back, SDL events translated, the two short sounds.
 *
 * Map: opening and closing; sounds; fonts and the text cache; fitting text; drawing;
 * reading the frame back; events.
 *
 * Text is the costly part of a frame: each distinct (text, size, box) is measured,
 * wrapped and rasterised once and kept as textures in a small cache, so a screen that
 * does not change redraws from textures at full frame rate. */
#include "ui/ui.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/err.h"

#define NOTO_DIR "/usr/share/fonts/truetype/noto/"
#define DEJAVU_DIR "/usr/share/fonts/truetype/dejavu/"
#define CACHE_SLOTS 256
#define MAX_LINES 8

struct fitted {
	int used;
	uint64_t stamp;          /* last frame it was drawn in, for eviction */
	uint64_t hash;
	char text[UI_TEXT_MAX];
	int px, min_px, w, h, flags;
	uint32_t fg;
	/* the result */
	int size, n;
	int cut;                 /* an ellipsis ended it, or a word was wider than the box */
	SDL_Texture *line[MAX_LINES];
	int lw[MAX_LINES], lh;
};

struct ui {
	SDL_Window *win;
	SDL_Renderer *ren;
	TTF_Font *font[2];       /* Noto Sans regular, bold (or DejaVu when Noto is missing) */
	TTF_Font *fallback[2];   /* DejaVu Sans regular, bold; NULL when missing */
	int font_size[4];        /* the size each of the four fonts is set to now */
	struct fitted cache[CACHE_SLOTS];
	uint64_t frame;
	SDL_Texture *preview;
	int pv_w, pv_h;
	uint8_t *pixels;         /* the last kept frame, RGB888 as 0x00RRGGBB words */
	int px_w, px_h;
	struct ui_drawn drawn[UI_MAX_ITEMS];
	int sdl_started, ttf_started;
	/* a screen mounted turned: the layout is drawn upright into target (the logical
	 * size), then turned by rot degrees clockwise onto the window */
	int rot;                 /* 0, 90, 180 or 270 */
	SDL_Texture *target;
	int tg_w, tg_h;
	/* sounds */
	SDL_AudioDeviceID audio;
	int audio_started;
	uint32_t sound_id;       /* the display list's sound_id last played */
	int last_sound;
	/* a finger on a list: taps wait for the lift, moves scroll */
	int touch_down, touch_moved;
	float touch_x, touch_y, touch_last_y;
	char touch_name[40];
};

/* SDL2_ttf's width of a text at px, for the layouts (ui_set_measure). */
static int measure(void *ctx, const char *utf8, int px, int bold);

/* ---- opening and closing --------------------------------------------------------------- */
static TTF_Font *open_font(const char *a, const char *b)
{
	TTF_Font *f = TTF_OpenFont(a, 24);
	if (!f && b)
		f = TTF_OpenFont(b, 24);
	if (f)
		TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
	return f;
}

/* ---- sounds ---------------------------------------------------------------------------- */
#define AUDIO_RATE 22050

/* Opens the default audio output for the two tones. No sound card, no driver: the kiosk
 * stays silent and works on. Headless uses SDL's dummy driver (nothing is heard). */
static void open_audio(struct ui *ui, int headless)
{
	SDL_AudioSpec want, have;
	if (headless)
		SDL_SetHintWithPriority(SDL_HINT_AUDIODRIVER, "dummy", SDL_HINT_OVERRIDE);
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
		return;
	ui->audio_started = 1;
	memset(&want, 0, sizeof want);
	want.freq = AUDIO_RATE;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 1024;
	ui->audio = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
	if (ui->audio)
		SDL_PauseAudioDevice(ui->audio, 0);
}

/* Queues a tone of hz for ms, faded in and out so it does not click. */
static void tone(struct ui *ui, double hz, int ms)
{
	int n = AUDIO_RATE * ms / 1000, fade = AUDIO_RATE / 200;
	int16_t *buf = malloc((size_t)n * sizeof *buf);
	if (!buf)
		return;
	for (int i = 0; i < n; i++) {
		double env = 1.0;
		if (i < fade)
			env = (double)i / fade;
		else if (n - i < fade)
			env = (double)(n - i) / fade;
		buf[i] = (int16_t)(9000.0 * env * sin(2.0 * M_PI * hz * i / AUDIO_RATE));
	}
	SDL_QueueAudio(ui->audio, buf, (Uint32)((size_t)n * sizeof *buf));
	free(buf);
}

/* Success: two short rising notes; a refusal: one low, longer note. Different enough to
 * tell apart without looking. */
static void play(struct ui *ui, int kind)
{
	ui->last_sound = kind;
	if (!ui->audio)
		return;
	SDL_ClearQueuedAudio(ui->audio);
	if (kind == UI_SOUND_OK) {
		tone(ui, 880, 90);
		tone(ui, 1320, 140);
	} else if (kind == UI_SOUND_REFUSED) {
		tone(ui, 330, 160);
		tone(ui, 247, 260);
	}
}

int ui_last_sound(struct ui *ui)
{
	return ui->last_sound;
}

int ui_open(const struct ui_config *cfg, struct ui **out, char *why, size_t why_len)
{
	struct ui *ui = calloc(1, sizeof *ui);
	int w = cfg->w, h = cfg->h, rc = VK_ERR_DEVICE;
	Uint32 flags = SDL_WINDOW_SHOWN;
	const char *drv;
	int kiosk;

	*out = NULL;
	if (!ui)
		return VK_ERR_NOMEM;
	if (cfg->rotation != 0 && cfg->rotation != 90 && cfg->rotation != 180 && cfg->rotation != 270) {
		snprintf(why, why_len, "the screen rotation is 0, 90, 180 or 270 degrees, not %d", cfg->rotation);
		free(ui);
		return VK_ERR_INVALID;
	}
	ui->rot = cfg->rotation;
	if (cfg->headless) {
		/* SDL's dummy driver with the software renderer: the same pixels as "offscreen"
		 * (tried), without offscreen's EGL probe, whose loaded and unloaded Mesa leaves
		 * allocations LeakSanitizer reports. Headless ignores the environment here: it is
		 * not meant to show anything. */
		SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
		SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_OVERRIDE);
	}
	/* a kiosk screen must not go dark while people queue */
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
	if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		snprintf(why, why_len, "no display for the kiosk window (%s): run it under X11 or Wayland, "
			 "on the Pi's console (KMSDRM), or headless with --headless", SDL_GetError());
		goto fail;
	}
	ui->sdl_started = 1;
	SDL_DisableScreenSaver();
	drv = SDL_GetCurrentVideoDriver();
	kiosk = cfg->fullscreen || (drv && strcmp(drv, "KMSDRM") == 0);
	if (kiosk && !cfg->headless)
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP; /* no desktop: the whole screen is ours */
	else
		flags |= SDL_WINDOW_RESIZABLE;
	/* a kiosk is worked by touch: an arrow in the middle of the greeting only puzzles
	 * people (touches and clicks still arrive; only the pointer is not drawn) */
	if (kiosk)
		SDL_ShowCursor(SDL_DISABLE);
	if (w <= 0 || h <= 0) {
		w = cfg->headless ? 800 : 1024;
		h = cfg->headless ? 480 : 600;
	}
	ui->win = SDL_CreateWindow(cfg->title ? cfg->title : "vkhid", SDL_WINDOWPOS_CENTERED,
				   SDL_WINDOWPOS_CENTERED, w, h, flags);
	if (!ui->win) {
		snprintf(why, why_len, "cannot open the kiosk window: %s", SDL_GetError());
		goto fail;
	}
	ui->ren = SDL_CreateRenderer(ui->win, -1, cfg->vsync ? SDL_RENDERER_PRESENTVSYNC : 0);
	if (!ui->ren)
		ui->ren = SDL_CreateRenderer(ui->win, -1, SDL_RENDERER_SOFTWARE);
	if (!ui->ren) {
		snprintf(why, why_len, "cannot draw in the kiosk window: %s", SDL_GetError());
		goto fail;
	}
	SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
	if (TTF_Init() != 0) {
		snprintf(why, why_len, "SDL2_ttf failed to start: %s", TTF_GetError());
		goto fail;
	}
	ui->ttf_started = 1;
	ui->font[0] = open_font(NOTO_DIR "NotoSans-Regular.ttf", DEJAVU_DIR "DejaVuSans.ttf");
	ui->font[1] = open_font(NOTO_DIR "NotoSans-Bold.ttf", DEJAVU_DIR "DejaVuSans-Bold.ttf");
	ui->fallback[0] = open_font(DEJAVU_DIR "DejaVuSans.ttf", NULL);
	ui->fallback[1] = open_font(DEJAVU_DIR "DejaVuSans-Bold.ttf", NULL);
	if (!ui->font[0] || !ui->font[1]) {
		snprintf(why, why_len, "no screen font: install the package fonts-noto-core "
			 "(or at least fonts-dejavu-core)");
		rc = VK_ERR_NOT_FOUND;
		goto fail;
	}
	for (int i = 0; i < 4; i++)
		ui->font_size[i] = 24;
	SDL_StartTextInput();
	ui_set_measure(measure, ui);
	open_audio(ui, cfg->headless);
	*out = ui;
	return VK_OK;
fail:
	ui_close(ui);
	return rc;
}

static void cache_drop(struct fitted *f)
{
	for (int i = 0; i < f->n; i++)
		if (f->line[i])
			SDL_DestroyTexture(f->line[i]);
	memset(f, 0, sizeof *f);
}

void ui_close(struct ui *ui)
{
	if (!ui)
		return;
	ui_set_measure(NULL, NULL);
	if (ui->audio)
		SDL_CloseAudioDevice(ui->audio);
	if (ui->audio_started)
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
	for (int i = 0; i < CACHE_SLOTS; i++)
		cache_drop(&ui->cache[i]);
	if (ui->preview)
		SDL_DestroyTexture(ui->preview);
	if (ui->target)
		SDL_DestroyTexture(ui->target);
	for (int i = 0; i < 2; i++) {
		if (ui->font[i])
			TTF_CloseFont(ui->font[i]);
		if (ui->fallback[i])
			TTF_CloseFont(ui->fallback[i]);
	}
	if (ui->ttf_started)
		TTF_Quit();
	if (ui->ren)
		SDL_DestroyRenderer(ui->ren);
	if (ui->win)
		SDL_DestroyWindow(ui->win);
	if (ui->sdl_started)
		SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
	free(ui->pixels);
	free(ui);
}

/* The window's own size in pixels (the render target is never left set between frames,
 * so this is the output's size, not the target's). */
static void output_size(struct ui *ui, int *w, int *h)
{
	if (SDL_GetRendererOutputSize(ui->ren, w, h) != 0)
		SDL_GetWindowSize(ui->win, w, h);
}

void ui_size(struct ui *ui, int *w, int *h)
{
	int ow, oh;
	output_size(ui, &ow, &oh);
	*w = ui->rot % 180 ? oh : ow;
	*h = ui->rot % 180 ? ow : oh;
}

int ui_rotation(const struct ui *ui)
{
	return ui->rot;
}

/* A point given as 0..1 of the window (a finger, or a click divided by the window size)
 * to 0..1 of the upright layout: the inverse of the turn ui_draw gives the picture. Drawn
 * turned by 90 degrees, the layout's top-left corner is at the window's top-right. */
static void to_layout(const struct ui *ui, float fx, float fy, float *lx, float *ly)
{
	switch (ui->rot) {
	case 90: *lx = fy; *ly = 1.0f - fx; break;
	case 180: *lx = 1.0f - fx; *ly = 1.0f - fy; break;
	case 270: *lx = 1.0f - fy; *ly = fx; break;
	default: *lx = fx; *ly = fy; break;
	}
}

/* A rectangle of the layout to the window's pixels (for ui_ink on a turned frame); w, h
 * are the layout's size. */
static struct ui_rect to_window(const struct ui *ui, struct ui_rect r, int w, int h)
{
	switch (ui->rot) {
	case 90: return (struct ui_rect){ h - (r.y + r.h), r.x, r.h, r.w };
	case 180: return (struct ui_rect){ w - (r.x + r.w), h - (r.y + r.h), r.w, r.h };
	case 270: return (struct ui_rect){ r.y, w - (r.x + r.w), r.h, r.w };
	default: return r;
	}
}

int ui_resize(struct ui *ui, int w, int h)
{
	SDL_SetWindowSize(ui->win, w, h);
	return VK_OK;
}

/* ---- fonts and the text cache ---------------------------------------------------------- */
static uint64_t hash_item(const struct ui_item *it)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)it->text; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	h ^= (uint64_t)it->px * 31 + (uint64_t)it->r.w * 131 + (uint64_t)it->r.h * 1031
	     + (uint64_t)it->flags * 7 + (uint64_t)it->fg * 17 + (uint64_t)it->min_px;
	return h;
}

/* 1 when every character of s is in the font. */
static int font_has_all(TTF_Font *f, const char *s)
{
	while (*s) {
		uint32_t cp = text_utf8_next(&s);
		if (cp == 0xFFFD)
			return 1; /* not UTF-8: let the main font draw its boxes */
		if (cp > ' ' && !TTF_GlyphIsProvided32(f, cp))
			return 0;
	}
	return 1;
}

/* The font for a text: Noto unless it lacks a character DejaVu has; set to px. */
static TTF_Font *pick_font(struct ui *ui, const char *s, int bold, int px)
{
	int fb = ui->fallback[bold] && !font_has_all(ui->font[bold], s) && font_has_all(ui->fallback[bold], s);
	TTF_Font *f = fb ? ui->fallback[bold] : ui->font[bold];
	int slot = fb * 2 + bold;
	/* TTF_SetFontSize empties the glyph cache: only when the size changes */
	if (ui->font_size[slot] != px && TTF_SetFontSize(f, px) == 0)
		ui->font_size[slot] = px;
	return f;
}

static int measure(void *ctx, const char *utf8, int px, int bold)
{
	struct ui *ui = ctx;
	int w = 0, h = 0;
	TTF_Font *f = pick_font(ui, utf8, bold != 0, px);
	if (TTF_SizeUTF8(f, utf8, &w, &h) != 0)
		return 0;
	return w;
}

static int text_width(TTF_Font *f, const char *s, size_t len)
{
	char buf[UI_TEXT_MAX];
	int w = 0, h = 0;
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	TTF_SizeUTF8(f, buf, &w, &h);
	return w;
}

/* ---- fitting text ---------------------------------------------------------------------- */
struct lines { int n; size_t start[MAX_LINES], len[MAX_LINES]; };

/* Breaks s into at most max lines of width w at spaces; returns 1 when it all fits. */
static int wrap(TTF_Font *f, const char *s, int w, int max, struct lines *out)
{
	size_t n = strlen(s), at = 0;
	out->n = 0;
	while (at < n && out->n < max) {
		size_t best = 0, i;
		while (s[at] == ' ')
			at++;
		if (at >= n)
			break;
		if (text_width(f, s + at, n - at) <= w) {
			best = n - at;
		} else {
			for (i = at; i <= n; i++) {
				if (i == n || s[i] == ' ') {
					if (text_width(f, s + at, i - at) <= w)
						best = i - at;
					else
						break;
				}
			}
		}
		if (best == 0)
			return 0; /* one word wider than the box */
		out->start[out->n] = at;
		out->len[out->n] = best;
		out->n++;
		at += best;
	}
	while (at < n && s[at] == ' ')
		at++;
	return at >= n;
}

/* The space kept free inside a button on each side of its label. */
static int button_pad(const struct ui_item *it)
{
	int a = it->r.h / 6, b = it->r.w / 12;
	return a < b ? a : b;
}

/* Fits the item's text into its box: the largest size from px down to min_px at which it
 * fits (wrapping when allowed); at min_px what does not fit is cut with an ellipsis. */
static void fit(struct ui *ui, const struct ui_item *it, struct fitted *f)
{
	int bold = (it->flags & UI_BOLD) != 0, max_lines, size = it->px;
	TTF_Font *font = NULL;
	struct lines ls = { 0 };
	char buf[UI_TEXT_MAX + 4];
	SDL_Color c = { (it->fg >> 16) & 255, (it->fg >> 8) & 255, it->fg & 255, 255 };
	int inner_w = it->r.w - 2 * (it->kind == UI_IT_BUTTON ? button_pad(it) : 0);

	for (;;) {
		int lh;
		font = pick_font(ui, it->text, bold, size);
		lh = TTF_FontLineSkip(font);
		max_lines = (it->flags & UI_WRAP) ? it->r.h / (lh > 0 ? lh : 1) : 1;
		if (max_lines < 1)
			max_lines = 1;
		if (max_lines > MAX_LINES)
			max_lines = MAX_LINES;
		/* it fits when its lines are as wide as the box and one line is no taller */
		if ((lh <= it->r.h && wrap(font, it->text, inner_w, max_lines, &ls)) || size <= it->min_px) {
			if (size <= it->min_px)
				wrap(font, it->text, inner_w, max_lines, &ls);
			break;
		}
		size = size * 9 / 10;
		if (size < it->min_px)
			size = it->min_px;
	}
	f->size = size;
	f->lh = TTF_FontLineSkip(font);
	if (ls.n == 0 && it->text[0]) { /* one word too wide even at the smallest size */
		ls.n = 1;
		ls.start[0] = 0;
		ls.len[0] = strlen(it->text);
	}
	f->cut = 0;
	for (int i = 0; i < ls.n; i++) {
		SDL_Surface *s;
		size_t len = ls.len[i];
		int last = i == ls.n - 1;
		memcpy(buf, it->text + ls.start[i], len);
		buf[len] = '\0';
		/* the last line of a text that did not fit ends with an ellipsis */
		if (last && (ls.start[i] + len < strlen(it->text) || text_width(font, buf, len) > inner_w)) {
			f->cut = 1;
			while (len > 0 && text_width(font, buf, len) + text_width(font, "…", 3) > inner_w) {
				do
					len--;
				while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80);
			}
			memcpy(buf + len, "…", 4);
		}
		s = TTF_RenderUTF8_Blended(font, buf, c);
		if (!s)
			continue;
		f->line[f->n] = SDL_CreateTextureFromSurface(ui->ren, s);
		f->lw[f->n] = s->w;
		if (f->line[f->n])
			f->n++;
		SDL_FreeSurface(s);
	}
}

static struct fitted *fitted_for(struct ui *ui, const struct ui_item *it)
{
	uint64_t h = hash_item(it);
	struct fitted *oldest = &ui->cache[0];
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct fitted *f = &ui->cache[i];
		if (f->used && f->hash == h && f->px == it->px && f->w == it->r.w && f->h == it->r.h
		    && f->flags == it->flags && f->fg == it->fg && f->min_px == it->min_px
		    && strcmp(f->text, it->text) == 0) {
			f->stamp = ui->frame;
			return f;
		}
		if (!f->used || f->stamp < oldest->stamp || (oldest->used && !f->used))
			oldest = f;
	}
	cache_drop(oldest);
	oldest->used = 1;
	oldest->hash = h;
	oldest->stamp = ui->frame;
	snprintf(oldest->text, sizeof oldest->text, "%s", it->text);
	oldest->px = it->px;
	oldest->min_px = it->min_px;
	oldest->w = it->r.w;
	oldest->h = it->r.h;
	oldest->flags = it->flags;
	oldest->fg = it->fg;
	fit(ui, it, oldest);
	return oldest;
}

/* ---- drawing --------------------------------------------------------------------------- */
static void color(struct ui *ui, uint32_t rgb)
{
	SDL_SetRenderDrawColor(ui->ren, (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255, 255);
}

static void fill(struct ui *ui, struct ui_rect r, uint32_t rgb)
{
	SDL_Rect q = { r.x, r.y, r.w, r.h };
	color(ui, rgb);
	SDL_RenderFillRect(ui->ren, &q);
}

static void outline(struct ui *ui, struct ui_rect r, uint32_t rgb, int t)
{
	if (t < 1)
		t = 1;
	fill(ui, (struct ui_rect){ r.x, r.y, r.w, t }, rgb);
	fill(ui, (struct ui_rect){ r.x, r.y + r.h - t, r.w, t }, rgb);
	fill(ui, (struct ui_rect){ r.x, r.y, t, r.h }, rgb);
	fill(ui, (struct ui_rect){ r.x + r.w - t, r.y, t, r.h }, rgb);
}

static int draw_text(struct ui *ui, const struct ui_item *it, struct ui_drawn *d)
{
	struct fitted *f;
	int total, y, pad, x0 = 1 << 30, x1 = -(1 << 30);
	if (!it->text[0])
		return 0;
	f = fitted_for(ui, it);
	total = f->n * f->lh;
	pad = it->kind == UI_IT_BUTTON ? button_pad(it) : 0;
	y = (it->flags & UI_MIDDLE) || it->kind == UI_IT_BUTTON ? it->r.y + (it->r.h - total) / 2 : it->r.y;
	for (int i = 0; i < f->n; i++) {
		int x = it->r.x + pad;
		int cw = it->r.w - 2 * pad;
		SDL_Rect dst;
		if ((it->flags & UI_CENTER) || it->kind == UI_IT_BUTTON)
			x = it->r.x + (it->r.w - f->lw[i]) / 2;
		else if (f->lw[i] > cw)
			x = it->r.x;
		dst.x = x;
		dst.y = y + i * f->lh;
		SDL_QueryTexture(f->line[i], NULL, NULL, &dst.w, &dst.h);
		SDL_RenderCopy(ui->ren, f->line[i], NULL, &dst);
		if (dst.x < x0)
			x0 = dst.x;
		if (dst.x + f->lw[i] > x1)
			x1 = dst.x + f->lw[i];
	}
	d->px = f->size;
	d->cut = f->cut;
	d->lines = f->n;
	if (f->n)
		d->ink = (struct ui_rect){ x0, y, x1 - x0, total };
	return f->size;
}

static void draw_preview(struct ui *ui, const struct ui_item *it)
{
	struct ui_rect r = it->r, g;
	int side, t, arm;
	fill(ui, r, it->bg);
	if (ui->preview && ui->pv_w > 0 && ui->pv_h > 0) {
		/* fit the picture into the box, keeping its shape */
		double sx = (double)r.w / ui->pv_w, sy = (double)r.h / ui->pv_h, s = sx < sy ? sx : sy;
		SDL_Rect dst = { 0, 0, (int)(ui->pv_w * s), (int)(ui->pv_h * s) };
		dst.x = r.x + (r.w - dst.w) / 2;
		dst.y = r.y + (r.h - dst.h) / 2;
		/* mirrored, as a selfie camera: moving the phone left moves it left on screen */
		SDL_RenderCopyEx(ui->ren, ui->preview, NULL, &dst, 0, NULL, SDL_FLIP_HORIZONTAL);
	}
	/* the guide frame: four corners of a square where the code should be, each drawn
	 * twice: a dark edge that shows on a bright page, the colour (blue, green when a code
	 * is seen) inside it */
	side = (r.w < r.h ? r.w : r.h) * 7 / 10;
	g = (struct ui_rect){ r.x + (r.w - side) / 2, r.y + (r.h - side) / 2, side, side };
	t = side / 30 < 4 ? 4 : side / 30;
	arm = side / 4;
	for (int pass = 0; pass < 2; pass++) {
		int e = pass ? 0 : 2;             /* the dark edge is 2 px wider all round */
		uint32_t c = pass ? it->fg : 0x000000u;
		struct ui_rect q = { g.x - e, g.y - e, side + 2 * e, side + 2 * e };
		int tt = t + 2 * e, aa = arm + 2 * e;
		fill(ui, (struct ui_rect){ q.x, q.y, aa, tt }, c);
		fill(ui, (struct ui_rect){ q.x, q.y, tt, aa }, c);
		fill(ui, (struct ui_rect){ q.x + q.w - aa, q.y, aa, tt }, c);
		fill(ui, (struct ui_rect){ q.x + q.w - tt, q.y, tt, aa }, c);
		fill(ui, (struct ui_rect){ q.x, q.y + q.h - tt, aa, tt }, c);
		fill(ui, (struct ui_rect){ q.x, q.y + q.h - aa, tt, aa }, c);
		fill(ui, (struct ui_rect){ q.x + q.w - aa, q.y + q.h - tt, aa, tt }, c);
		fill(ui, (struct ui_rect){ q.x + q.w - tt, q.y + q.h - aa, tt, aa }, c);
	}
}

void ui_preview(struct ui *ui, const uint8_t *gray, int w, int h, int stride)
{
	uint8_t *rgb;
	if (!gray || w <= 0 || h <= 0) {
		if (ui->preview)
			SDL_DestroyTexture(ui->preview);
		ui->preview = NULL;
		return;
	}
	if (!ui->preview || ui->pv_w != w || ui->pv_h != h) {
		if (ui->preview)
			SDL_DestroyTexture(ui->preview);
		ui->preview = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING, w, h);
		ui->pv_w = w;
		ui->pv_h = h;
		if (!ui->preview)
			return;
	}
	rgb = malloc((size_t)w * h * 3);
	if (!rgb)
		return;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint8_t v = gray[(size_t)y * stride + x];
			uint8_t *p = rgb + ((size_t)y * w + x) * 3;
			p[0] = p[1] = p[2] = v;
		}
	SDL_UpdateTexture(ui->preview, NULL, rgb, w * 3);
	free(rgb);
}

/* A turned screen: makes the layout-sized texture the layout is drawn into the render
 * target (made again when the window's size changed). Returns 0, or -1 when the renderer
 * cannot draw into a texture (then the frame is drawn unturned rather than not at all). */
static int begin_turned(struct ui *ui)
{
	int w, h;
	ui_size(ui, &w, &h);
	if (ui->target && (ui->tg_w != w || ui->tg_h != h)) {
		SDL_DestroyTexture(ui->target);
		ui->target = NULL;
	}
	if (!ui->target) {
		ui->target = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
		if (!ui->target)
			return -1;
		/* copied over the window as it is: no blending with what was there */
		SDL_SetTextureBlendMode(ui->target, SDL_BLENDMODE_NONE);
		ui->tg_w = w;
		ui->tg_h = h;
	}
	return SDL_SetRenderTarget(ui->ren, ui->target) == 0 ? 0 : -1;
}

/* Turns the drawn layout onto the window: SDL_RenderCopyEx turns dst clockwise about its
 * centre, so a layout-sized dst centred on the window covers it exactly when turned. */
static void end_turned(struct ui *ui)
{
	int ow, oh;
	SDL_Rect dst;
	SDL_SetRenderTarget(ui->ren, NULL);
	output_size(ui, &ow, &oh);
	dst.w = ui->tg_w;
	dst.h = ui->tg_h;
	dst.x = (ow - dst.w) / 2;
	dst.y = (oh - dst.h) / 2;
	color(ui, 0xFFFFFF);
	SDL_RenderClear(ui->ren);
	SDL_RenderCopyEx(ui->ren, ui->target, NULL, &dst, ui->rot, NULL, SDL_FLIP_NONE);
}

int ui_draw(struct ui *ui, const struct ui_dlist *dl, int keep)
{
	int turned;
	ui->frame++;
	if (dl->sound_id != ui->sound_id) {
		ui->sound_id = dl->sound_id;
		if (dl->sound)
			play(ui, dl->sound);
	}
	turned = ui->rot && begin_turned(ui) == 0;
	color(ui, 0xFFFFFF);
	SDL_RenderClear(ui->ren);
	for (int i = 0; i < dl->n; i++) {
		const struct ui_item *it = &dl->item[i];
		memset(&ui->drawn[i], 0, sizeof ui->drawn[i]);
		switch (it->kind) {
		case UI_IT_BOX:
			fill(ui, it->r, it->bg);
			break;
		case UI_IT_FRAME:
			outline(ui, it->r, it->fg, it->px);
			break;
		case UI_IT_BUTTON:
			fill(ui, it->r, it->bg);
			draw_text(ui, it, &ui->drawn[i]);
			break;
		case UI_IT_TEXT:
			draw_text(ui, it, &ui->drawn[i]);
			break;
		case UI_IT_PREVIEW:
			draw_preview(ui, it);
			break;
		}
	}
	if (turned)
		end_turned(ui);
	if (keep) {
		/* the window's pixels, as the screen shows them (turned when it is) */
		int w, h;
		output_size(ui, &w, &h);
		if (w != ui->px_w || h != ui->px_h || !ui->pixels) {
			free(ui->pixels);
			ui->pixels = malloc((size_t)w * h * 4);
			ui->px_w = ui->pixels ? w : 0;
			ui->px_h = ui->pixels ? h : 0;
		}
		if (ui->pixels && SDL_RenderReadPixels(ui->ren, NULL, SDL_PIXELFORMAT_RGB888, ui->pixels, w * 4) != 0) {
			free(ui->pixels);
			ui->pixels = NULL;
			ui->px_w = ui->px_h = 0;
		}
	}
	SDL_RenderPresent(ui->ren);
	return VK_OK;
}

int ui_drawn_px(struct ui *ui, int item)
{
	return item >= 0 && item < UI_MAX_ITEMS ? ui->drawn[item].px : 0;
}

int ui_drawn(struct ui *ui, int item, struct ui_drawn *out)
{
	if (item < 0 || item >= UI_MAX_ITEMS) {
		memset(out, 0, sizeof *out);
		return 0;
	}
	*out = ui->drawn[item];
	return out->px;
}

/* ---- reading the frame back ------------------------------------------------------------ */
int ui_save_png(struct ui *ui, const char *path)
{
	SDL_Surface *s;
	int rc;
	if (!ui->pixels)
		return VK_ERR_INVALID;
	s = SDL_CreateRGBSurfaceWithFormatFrom(ui->pixels, ui->px_w, ui->px_h, 32, ui->px_w * 4,
					       SDL_PIXELFORMAT_RGB888);
	if (!s)
		return VK_ERR_NOMEM;
	rc = IMG_SavePNG(s, path) == 0 ? VK_OK : VK_ERR_IO;
	SDL_FreeSurface(s);
	return rc;
}

double ui_ink(struct ui *ui, struct ui_rect r, uint32_t bg)
{
	long n = 0, ink = 0;
	if (!ui->pixels)
		return 0;
	r = to_window(ui, r, ui->rot % 180 ? ui->px_h : ui->px_w, ui->rot % 180 ? ui->px_w : ui->px_h);
	for (int y = r.y < 0 ? 0 : r.y; y < r.y + r.h && y < ui->px_h; y++)
		for (int x = r.x < 0 ? 0 : r.x; x < r.x + r.w && x < ui->px_w; x++) {
			uint32_t p;
			int d = 0;
			memcpy(&p, ui->pixels + ((size_t)y * ui->px_w + x) * 4, 4);
			for (int sh = 0; sh <= 16; sh += 8) {
				int a = (int)((p >> sh) & 255), b = (int)((bg >> sh) & 255);
				d += a > b ? a - b : b - a;
			}
			n++;
			ink += d > 96;
		}
	return n ? (double)ink / n : 0;
}

/* ---- events ---------------------------------------------------------------------------- */
int ui_handle_event(struct ui *ui, struct ui_state *st, const SDL_Event *e, int64_t now)
{
	int w, h, ww, wh;
	float fx, fy;
	ui_size(ui, &w, &h);
	switch (e->type) {
	case SDL_QUIT:
		return 1;
	case SDL_FINGERDOWN: {
		/* touch screens: coordinates are 0..1 of the window, turned back to the layout's
		 * on a turned screen. A press on a list waits: it may be the start of a drag that
		 * scrolls the list */
		struct ui_dlist *dl = malloc(sizeof *dl);
		const struct ui_item *it = NULL;
		int x, y;
		to_layout(ui, e->tfinger.x, e->tfinger.y, &fx, &fy);
		x = (int)(fx * w);
		y = (int)(fy * h);
		if (dl) {
			ui_sm_layout(st, w, h, dl);
			it = ui_dlist_hit(dl, x, y);
		}
		ui->touch_down = 1;
		ui->touch_moved = 0;
		ui->touch_x = fx;
		ui->touch_y = ui->touch_last_y = fy;
		ui->touch_name[0] = '\0';
		if (it && (it->flags & UI_SCROLLS))
			snprintf(ui->touch_name, sizeof ui->touch_name, "%s", it->name);
		else if (dl && dl->scroll_max > 0 && !it)
			; /* a drag on the list's empty space: nothing to tap */
		else
			ui_sm_tap(st, x, y, w, h, now);
		free(dl);
		break;
	}
	case SDL_FINGERMOTION:
		if (ui->touch_down) {
			int dy;
			to_layout(ui, e->tfinger.x, e->tfinger.y, &fx, &fy);
			dy = (int)((fy - ui->touch_last_y) * h);
			if (fabsf(fy - ui->touch_y) * h > 12 || fabsf(fx - ui->touch_x) * w > 12)
				ui->touch_moved = 1;
			if (ui->touch_moved && dy) {
				ui_sm_drag(st, dy, w, h, now);
				ui->touch_last_y = fy;
			}
		}
		break;
	case SDL_FINGERUP:
		if (ui->touch_down && !ui->touch_moved && ui->touch_name[0])
			ui_sm_button(st, ui->touch_name, now);
		ui->touch_down = 0;
		ui->touch_name[0] = '\0';
		break;
	case SDL_MOUSEWHEEL:
		ui_sm_drag(st, e->wheel.y * 40, w, h, now);
		break;
	case SDL_MOUSEBUTTONDOWN:
		/* a touch screen also sends a mouse click for each tap: take the finger only */
		if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
			break;
		SDL_GetWindowSize(ui->win, &ww, &wh);
		if (ww > 0 && wh > 0) {
			to_layout(ui, (e->button.x + 0.5f) / ww, (e->button.y + 0.5f) / wh, &fx, &fy);
			ui_sm_tap(st, (int)(fx * w), (int)(fy * h), w, h, now);
		}
		break;
	case SDL_TEXTINPUT:
		ui_sm_text(st, e->text.text, now);
		break;
	case SDL_KEYDOWN:
		if (e->key.keysym.sym == SDLK_BACKSPACE)
			ui_sm_key(st, UI_KEY_BACKSPACE, now);
		else if (e->key.keysym.sym == SDLK_RETURN || e->key.keysym.sym == SDLK_KP_ENTER)
			ui_sm_key(st, UI_KEY_ENTER, now);
		else if (e->key.keysym.sym == SDLK_ESCAPE)
			ui_sm_key(st, UI_KEY_ESCAPE, now);
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			st->changed = 1;
		break;
	default:
		break;
	}
	return 0;
}
