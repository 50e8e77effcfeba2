/* SPDX-License-Identifier: MIT */
/* The status light and buzzer: a driver is a named table of functions chosen at run time
 * by a spec string, like the camera and printer drivers:
 *   "gpiod:CHIP:green=17,red=27,amber=22,buzzer=18"  Linux GPIO character device (libgpiod v1)
 *   "none"                                            nothing attached: every call succeeds
 *   "sim" or "sim:FILE"                               the simulated twin: records every change
 *                                                     (and appends it to FILE as a text line)
 * On top of the outputs sits the signal layer (gpio_signal.c): kiosk states and door events
 * in, lights and beeps out, driven by a tick with the time as argument so tests need no
 * sleeping. Firmware knows nothing of app/.
 *
 * Functions return GPIO_OK (0) or a negative enum gpio_err. */
#ifndef FW_GPIO_H
#define FW_GPIO_H

#include <stddef.h>
#include <stdint.h>

enum gpio_err {
	GPIO_OK = 0,
	GPIO_ERR_IO = -1,         /* the chip or a line could not be opened or set */
	GPIO_ERR_NOMEM = -2,
	GPIO_ERR_INVALID = -3,    /* a bad spec */
	GPIO_ERR_NO_DRIVER = -4,  /* no driver of that name */
	GPIO_ERR_BUSY = -5,       /* a line is held by another program or the kernel */
};
const char *gpio_strerror(int err);

/* The outputs a kiosk has. Any of them may be absent (not in the spec): setting an absent
 * output succeeds and does nothing. */
enum gpio_output {
	GPIO_GREEN = 0,
	GPIO_RED,
	GPIO_AMBER,
	GPIO_BUZZER,
	GPIO_OUTPUT_COUNT
};
/* "green", "red", "amber", "buzzer"; "?" for anything else. */
const char *gpio_output_name(enum gpio_output out);
/* The output called word; -1 when unknown. */
int gpio_output_parse(const char *word);

struct gpio;

struct gpio_driver {
	const char *name;       /* "gpiod", "none", "sim" */
	const char *help;       /* one line for --help: the spec's form */
	/* Opens what arg describes (the part of the spec after "name:", may be ""). Returns
	 * GPIO_OK and a gpio that must be freed with close(), or an error and writes an
	 * English reason into why. Every output starts off (low). */
	int (*open)(const char *arg, struct gpio **out, char *why, size_t why_len);
	/* Drives output out high (on != 0) or low. Returns GPIO_OK, or GPIO_ERR_IO when the
	 * line could not be set (the light stays as it was). */
	int (*set)(struct gpio *g, enum gpio_output out, int on);
	/* Turns every output off and frees g. */
	void (*close)(struct gpio *g);
};

/* The generic part every driver's struct starts with. */
struct gpio {
	const struct gpio_driver *drv; /* always the first member */
};

/* NULL-terminated table of the drivers built in. */
extern const struct gpio_driver *const gpio_drivers[];

/* Opens "name:arg" (or just "name"). why gets a reason on failure. NULL or "" opens
 * "none". On success *out must be closed with gpio_close(). */
int gpio_open(const char *spec, struct gpio **out, char *why, size_t why_len);
/* Sets one output (see struct gpio_driver's set). GPIO_ERR_INVALID for a bad output. */
int gpio_set(struct gpio *g, enum gpio_output out, int on);
/* Turns everything off and frees g; NULL is a no-op. */
void gpio_close(struct gpio *g);

/* Checks a spec without touching any hardware: the driver exists and, for "gpiod", the
 * pin list parses (outputs known, each named once, offsets 0..511, no pin used twice).
 * Returns GPIO_OK or GPIO_ERR_INVALID / GPIO_ERR_NO_DRIVER with an English reason. Used to
 * report a mistake in /etc/vkhid/vkhid.conf at its line, before the kiosk starts. */
int gpio_spec_check(const char *spec, char *why, size_t why_len);

/* The pin list of a "gpiod" spec after the chip: "green=17,red=27". offset[i] is the line
 * offset of output i, or -1 when absent. Returns GPIO_OK or GPIO_ERR_INVALID with why. */
int gpio_parse_pins(const char *list, int offset[GPIO_OUTPUT_COUNT], char *why, size_t why_len);

/* ---- the simulated twin ("sim") ----------------------------------------------------------
 * Tests ask it what it was told. */
/* The level output out has now (0 or 1); -1 when g is not the simulated twin. */
int gpio_sim_level(const struct gpio *g, enum gpio_output out);
/* How many times output out changed level since open; -1 when g is not the twin. */
long gpio_sim_changes(const struct gpio *g, enum gpio_output out);
/* Fault hook: while fail is nonzero every set returns GPIO_ERR_IO (a line that broke). */
int gpio_sim_fail(struct gpio *g, int fail);

/* ---- the signal layer (gpio_signal.c) ----------------------------------------------------
 * What the light and buzzer say:
 *   GPIO_MOOD_OFF          everything dark (starting up, shutting down)
 *   GPIO_MOOD_READY        green steady
 *   GPIO_MOOD_NEEDS_STAFF  amber blinking (printer out of labels, cover open, unplugged,
 *                          camera lost): staff have been called
 * and on top of the mood, for a moment, a door event:
 *   GPIO_EVENT_ADMITTED    a short beep and the green light flashing
 *   GPIO_EVENT_REFUSED     the red light and two longer beeps
 * Times are milliseconds on any monotonic clock the caller chooses. */
enum gpio_mood { GPIO_MOOD_OFF = 0, GPIO_MOOD_READY, GPIO_MOOD_NEEDS_STAFF };
enum gpio_event { GPIO_EVENT_ADMITTED = 0, GPIO_EVENT_REFUSED };

#define GPIO_BLINK_MS 500       /* amber: on half a second, off half a second */
#define GPIO_ADMIT_BEEP_MS 120  /* admission: one short beep */
#define GPIO_ADMIT_MS 600       /* admission: green flashes for this long */
#define GPIO_REFUSE_MS 1500     /* refusal: red for this long */

struct gpio_signal;
/* A signal layer driving g (which the caller keeps and closes after gpio_signal_free).
 * Starts in GPIO_MOOD_OFF. Returns NULL when out of memory. */
struct gpio_signal *gpio_signal_new(struct gpio *g);
void gpio_signal_free(struct gpio_signal *s);
/* Sets the standing mood from now_ms on (blinking starts in its "on" half). Outputs
 * change at the next tick. */
void gpio_signal_mood(struct gpio_signal *s, enum gpio_mood mood, uint64_t now_ms);
/* Starts a door event at now_ms; a new event replaces one still showing. */
void gpio_signal_event(struct gpio_signal *s, enum gpio_event ev, uint64_t now_ms);
/* Brings every output to what it should be at now_ms, touching only the ones that change.
 * Call it often (every frame); times must not go backwards. Returns GPIO_OK or the first
 * driver error (the next tick tries again). */
int gpio_signal_tick(struct gpio_signal *s, uint64_t now_ms);
/* What output out should be at now_ms (no hardware touched): 0 or 1. */
int gpio_signal_want(const struct gpio_signal *s, enum gpio_output out, uint64_t now_ms);

#endif
