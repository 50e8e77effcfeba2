/* SPDX-License-Identifier: MIT */
/* Headless scenarios: a small line-based script that drives the kiosk as people at the
 * door would, for demos and end-to-end tests. One command a line; '#' starts a comment.
 *
 *   show IMAGE           hold an image (path relative to the scenario) in front of the
 *                        camera until the kiosk reacts (at most 1 s), then take it away
 *   show-code TEXT       the same with a QR code of TEXT drawn on a white page
 *   present TEXT         a code typed by a keyboard-wedge scanner (no camera)
 *   wait MS              let MS milliseconds of camera frames pass
 *   expect OUTCOME [NAME]  the last reaction was OUTCOME (admitted, already_admitted, ...,
 *                        or none when no code was read), for a name containing NAME
 *   printer STATE        the simulated printer turns STATE (ready, no-media, unplugged...)
 *   advance SECONDS      move the kiosk's clock forward (days pass: 86400 a day)
 *   next-day [HH:MM]     move the clock to the next day (the event's time zone) at HH:MM,
 *                        09:00 when not given
 *   day N [HH:MM]        move the clock to the event's day N (1 = its first date) at
 *                        HH:MM (09:00), so runs on one database agree on the day (it may
 *                        set the clock back: a run starts at the real time)
 *   at HH:MM             move the clock forward to HH:MM of the same day
 *   door-session ID [exit]  the kiosk becomes the door of session ID's room (with exit:
 *                        the door people leave by; entrance: back to the event's entrance)
 *   expect-light OUT on|off  the simulated status light (--light sim): green, red, amber
 *                        or buzzer is now on or off
 *   undo TEXT / reprint TEXT   staff actions on a code
 *
 * With the screens (scenario_screens_open), the kiosk's touch screen too:
 *   tap BUTTON           tap a button of the screen by its name (find, org, key:а, hit-0,
 *                        pin-1, pin-ok, yes, reprint, ...; `screen` lists them)
 *   tap X Y              tap at pixel X, Y (as a finger would: through SDL's events)
 *   drag DY              a finger dragged DY pixels down (negative: up) mid-screen
 *   type TEXT            type TEXT on a keyboard (into the search, the form or the PIN)
 *   key NAME             backspace, enter or escape
 *   screenshot NAME      write OUT/screens/NAME.png (software renderer: the same pixels
 *                        on every machine) and log every text drawn, its size and ink
 *   expect-screen NAME   the screen now is NAME (welcome, greeting, refused, find,
 *                        confirm, walkin, pin, organizer, clock)
 *   expect-text TEXT     the screen now shows TEXT
 *   size W H             the window becomes W x H pixels (portrait: W < H)
 *   screen               print the screen's texts and buttons (for writing scenarios)
 *
 * The runner only feeds the door (door/door.h) camera frames, codes and a virtual clock;
 * the door does the rest, as at a real kiosk, and writes OUT/log.jsonl and the badges.
 * The runner prints a readable account (with names). With screens, each change of screen
 * is written to OUT/screens.jsonl as {"event": "screen", "screen": NAME, "texts": [...]}
 * (the texts drawn, names included: a test aid kept apart from the door's log). */
#ifndef VK_UI_SCENARIO_H
#define VK_UI_SCENARIO_H

#include <stdio.h>

#include "core/checkin.h"
#include "door/door.h"
#include "ui/screen.h"

#define SCENARIO_MAX_SAMPLES 4096

struct scenario {
	FILE *account;             /* where the readable account goes (NULL = quiet) */
	struct door *door;
	/* what happened, for the summary and for expect */
	int outcomes[CI_OUTCOME_COUNT];
	int printed, held, no_read, expect_failed, expect_passed;
	int last_outcome;          /* -1 = none since the last show/present */
	int problem;               /* the door reported a problem since the last show */
	int problems;              /* problems the door reported in the run */
	char last_name[256];
	/* image shown -> badge written, ms, one sample per admitted attendee */
	double door_ms[SCENARIO_MAX_SAMPLES];
	int n_door;
	double show_t0;            /* when the current show started (monotonic ms) */
	int in_show;
	/* the screens (all NULL when the run has none) */
	struct ui *ui;
	struct ui_state *sm;
	struct search *search;
	struct ui_dlist *dl;       /* scratch display list */
	int view_w, view_h;
	int logged_screen;         /* the screen last logged, -1 none */
	FILE *screens;             /* OUT/screens.jsonl */
	char out_dir[1024];
	struct org_doctor *doctor; /* the organizer screen's readiness report, made when shown */
};

/* Opens the kiosk's screens for the run: an offscreen w x h window (800x480 when 0), the
 * screen state machine on the kiosk's clock, the name search index. Returns VK_OK, or an
 * error with why (the run can go on without screens). s->door must be open. */
int scenario_screens_open(struct scenario *s, const char *out_dir, int w, int h, char *why,
			  size_t why_len);
void scenario_screens_close(struct scenario *s);

/* The door_note_fn to pass to door_open with the scenario as ctx. */
void scenario_note(void *ctx, const struct door_note *n);

/* Runs the script at path on s->door. Returns VK_OK when it ran to the end (failed expects
 * are counted in s->expect_failed), or VK_ERR_INVALID / VK_ERR_IO with why naming the
 * line that is wrong. */
int scenario_run(struct scenario *s, const char *path, char *why, size_t why_len);

/* Median of the door samples in ms (0 when none). */
double scenario_median_door_ms(const struct scenario *s);

#endif
