/* SPDX-License-Identifier: MIT */
/* The threaded kiosk behind `vkhid run`: three threads (DESIGN §2).
 *   - the UI thread (the caller of app_run): SDL events, the screen state machine, drawing
 *     at the display's rate; it never waits for the others, only takes what they posted.
 *   - the door thread: steps the door (door/door.h: camera frames -> scan -> decision ->
 *     log -> badge queue, the same loop as the headless scenario runner) and carries out
 *     the screens' requests (Find me, walk-in, reprint, undo, turnout...) through it.
 *   - the printer worker (badge/printq.h, run by the door): badges from the persistent
 *     queue to the printer, with its own database connection.
 * Messages to the UI thread go through a mutex-protected list the UI drains every frame. */
#ifndef VK_UI_APP_H
#define VK_UI_APP_H

#include <stddef.h>
#include <stdint.h>

struct app_config {
	const char *database;        /* the kiosk's database file */
	const char *camera_spec;     /* "v4l2:/dev/video0", "files:DIR", ... */
	const char *light_spec;      /* status light and buzzer ("gpiod:...", "sim"), NULL none */
	const char *printer_spec;    /* "usb", "file:DIR", ... */
	const char *out_dir;         /* log.jsonl goes here; NULL = no log */
	int headless;                /* offscreen window, software renderer (benchmarks) */
	int fullscreen;
	int w, h;                    /* window size, 0 = default */
	int rotation;                /* the screen is mounted turned by 0, 90, 180, 270 degrees:
				      * the screens are drawn turned, touches turned back */
	int exit_after_ms;           /* stop by itself after this long (tests), 0 = never */
	int exit_at_end;             /* stop by itself when a finite camera source (image files,
				      * a recording) ended and every badge printed (tests) */
	const char *screenshot;      /* write the last frame here as PNG when stopping */
	int print_delay_ms;          /* tests: the printer worker is held this long per badge,
				      * as a slow printer would hold it */
	int64_t session_id;          /* the door of this session's room (door_config), 0 = the
				      * event's entrance */
	int session_exit;            /* with session_id: the door people leave by */
};

#define APP_MAX_SAMPLES 1024
struct app_stats {
	long frames;
	double seconds;
	double fps;                  /* frames drawn per second */
	double worst_frame_ms;       /* the longest gap between two frames */
	int greetings;               /* outcomes drawn on screen */
	double greet_ms[APP_MAX_SAMPLES]; /* code decoded -> greeting drawn, ms */
	int printed;
};

/* Runs the kiosk until the window is closed, the organizer quits, SIGINT/SIGTERM, or
 * exit_after_ms. Returns VK_OK, or an error with a reason in why (no display, no camera,
 * no event...). stats may be NULL. */
int app_run(const struct app_config *cfg, struct app_stats *stats, char *why, size_t why_len);

/* Asks a running app_run to stop (from a signal handler: it only sets a flag). */
void app_stop(void);

#endif
