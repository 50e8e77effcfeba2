/* SPDX-License-Identifier: MIT */
/* The kiosk's window: SDL2 video and renderer, fonts (Noto Sans, DejaVu Sans for the
 * glyphs Noto lacks), drawing a screen's display list (screen.h), reading it back as a PNG,
 * and turning SDL events (finger, mouse, keyboard, text) into state machine inputs.
 *
 * Everything here runs on the UI thread only. Headless, the window is SDL's offscreen
 * driver with the software renderer, so screenshots are the same pixels on every machine;
 * on a Raspberry Pi without a desktop it is KMSDRM, full screen; on a laptop a window. */
#ifndef VK_UI_UI_H
#define VK_UI_UI_H

#include <stddef.h>
#include <stdint.h>

#include "ui/screen.h"

union SDL_Event;
struct ui;

struct ui_config {
	int headless;      /* offscreen video, software renderer (unless the environment says) */
	int fullscreen;    /* full screen (always under KMSDRM) */
	int w, h;          /* window size; 0 = 1024x600 (a window) or the display's */
	const char *title;
	int vsync;         /* present in step with the display */
	int rotation;      /* 0, 90, 180, 270: the screen is mounted turned this far, and the
			    * layout is drawn turned clockwise by it (90: an 800x480 panel
			    * standing upright shows a 480x800 portrait layout) */
};

/* Opens the window. Full screen (cfg->fullscreen, or always under KMSDRM) is the kiosk:
 * the mouse pointer is hidden there. The screen saver is off in every mode. Returns VK_OK
 * and a ui to free with ui_close(), or an error with a reason in why: no display, no fonts
 * (names the package to install), a rotation that is not a right angle. */
int ui_open(const struct ui_config *cfg, struct ui **out, char *why, size_t why_len);
void ui_close(struct ui *ui);
/* The size in pixels the layouts are made for: the window's, with width and height
 * swapped on a screen turned by 90 or 270 degrees. */
void ui_size(struct ui *ui, int *w, int *h);
/* The rotation the window was opened with (0, 90, 180, 270). */
int ui_rotation(const struct ui *ui);
/* Resizes the window (headless: any size, for portrait and 1920x1080 screenshots). */
int ui_resize(struct ui *ui, int w, int h);

/* Gives the camera's latest picture (8-bit gray) for the preview; copied. */
void ui_preview(struct ui *ui, const uint8_t *gray, int w, int h, int stride);

/* Draws a display list (made for ui_size()) and shows it, turned by the rotation. With
 * keep = 1 the frame's pixels are kept, as the window shows them, for ui_save_png() and
 * ui_ink() (which takes a rectangle of the layout). Returns VK_OK or VK_ERR_DEVICE. */
int ui_draw(struct ui *ui, const struct ui_dlist *dl, int keep);
/* Writes the last kept frame as a PNG. */
int ui_save_png(struct ui *ui, const char *path);
/* Of the last kept frame: the share (0..1) of pixels in r that differ clearly from bg,
 * i.e. text or drawing was put there. */
double ui_ink(struct ui *ui, struct ui_rect r, uint32_t bg);
/* The size in pixels a text item was drawn at in the last frame (0 when not drawn):
 * texts shrink to fit, never below their min_px. */
int ui_drawn_px(struct ui *ui, int item);
/* How a text item (or a button's label) of the last frame was drawn: its size, the
 * rectangle its lines cover, whether it had to be cut ("…"). */
struct ui_drawn {
	int px;               /* 0 = nothing drawn */
	int cut;
	int lines;
	struct ui_rect ink;   /* the lines' extent, as placed */
};
/* Fills out for item of the last ui_draw(); returns its px (0 when nothing was drawn). */
int ui_drawn(struct ui *ui, int item, struct ui_drawn *out);
/* The sound (enum ui_sound) last played for a display list's sound_id; 0 = none yet.
 * Played only when the list asks (ui.sound on) and only once per id; without an audio
 * device nothing is heard and nothing fails. */
int ui_last_sound(struct ui *ui);

/* Feeds one SDL event to the state machine (finger and mouse taps, keys, typed text,
 * window size changes). Returns 1 when the window was asked to close. */
int ui_handle_event(struct ui *ui, struct ui_state *st, const union SDL_Event *e, int64_t now);

#endif
