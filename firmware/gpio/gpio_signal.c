/* SPDX-License-Identifier: MIT */
/* The signal layer over the light and buzzer (see gpio.h): what each output should be is a
 * pure function of the standing mood, the last door event and the time, so a test steps
 * the clock by hand. gpio_signal_tick() then touches only the outputs whose level changed,
 * which keeps a slow GPIO chip (or an I2C expander) out of the door loop's way. */
#include "gpio/gpio.h"

#include <stdlib.h>

/* An output's on-intervals within an event, in ms from the event's start. */
struct pulse {
	enum gpio_output out;
	uint32_t from, to;
};

/* Admission: one short beep; green flashes off and on three times (it is steady green
 * when ready, so the flash is the dark gaps). */
static const struct pulse admit[] = {
	{ GPIO_BUZZER, 0, GPIO_ADMIT_BEEP_MS },
	{ GPIO_GREEN, 100, 200 }, { GPIO_GREEN, 300, 400 }, { GPIO_GREEN, 500, GPIO_ADMIT_MS },
};
/* Refusal: red for a second and a half, two longer beeps; green dark meanwhile. */
static const struct pulse refuse[] = {
	{ GPIO_RED, 0, GPIO_REFUSE_MS },
	{ GPIO_BUZZER, 0, 300 }, { GPIO_BUZZER, 450, 750 },
};

struct gpio_signal {
	struct gpio *g;
	enum gpio_mood mood;
	uint64_t mood_since;
	int have_event;
	enum gpio_event event;
	uint64_t event_at;
	int level[GPIO_OUTPUT_COUNT]; /* what the hardware was last set to; -1 unknown */
};

struct gpio_signal *gpio_signal_new(struct gpio *g)
{
	struct gpio_signal *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->g = g;
	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++)
		s->level[i] = -1;
	return s;
}

void gpio_signal_free(struct gpio_signal *s)
{
	free(s);
}

void gpio_signal_mood(struct gpio_signal *s, enum gpio_mood mood, uint64_t now_ms)
{
	if (s->mood == mood)
		return; /* a repeated "needs staff" must not restart the blink */
	s->mood = mood;
	s->mood_since = now_ms;
}

void gpio_signal_event(struct gpio_signal *s, enum gpio_event ev, uint64_t now_ms)
{
	s->have_event = 1;
	s->event = ev;
	s->event_at = now_ms;
}

/* What the mood alone asks of output out at now_ms. */
static int mood_level(const struct gpio_signal *s, enum gpio_output out, uint64_t now_ms)
{
	switch (s->mood) {
	case GPIO_MOOD_READY:
		return out == GPIO_GREEN;
	case GPIO_MOOD_NEEDS_STAFF:
		if (out != GPIO_AMBER)
			return 0;
		return now_ms < s->mood_since ? 1 : ((now_ms - s->mood_since) / GPIO_BLINK_MS) % 2 == 0;
	case GPIO_MOOD_OFF:
		break;
	}
	return 0;
}

int gpio_signal_want(const struct gpio_signal *s, enum gpio_output out, uint64_t now_ms)
{
	if (s->have_event && now_ms >= s->event_at) {
		const struct pulse *p = s->event == GPIO_EVENT_ADMITTED ? admit : refuse;
		size_t n = s->event == GPIO_EVENT_ADMITTED ? sizeof admit / sizeof *admit
							   : sizeof refuse / sizeof *refuse;
		uint64_t t = now_ms - s->event_at;
		uint64_t len = s->event == GPIO_EVENT_ADMITTED ? GPIO_ADMIT_MS : GPIO_REFUSE_MS;
		if (t < len && out != GPIO_AMBER) {
			/* an event owns green, red and the buzzer while it lasts; amber keeps
			 * blinking so "staff called" never goes dark behind a busy door */
			int on = 0;
			for (size_t i = 0; i < n; i++)
				on |= p[i].out == out && t >= p[i].from && t < p[i].to;
			return on;
		}
	}
	return mood_level(s, out, now_ms);
}

int gpio_signal_tick(struct gpio_signal *s, uint64_t now_ms)
{
	int first_err = GPIO_OK;

	if (s->have_event && now_ms >= s->event_at &&
	    now_ms - s->event_at >= (s->event == GPIO_EVENT_ADMITTED ? GPIO_ADMIT_MS : GPIO_REFUSE_MS))
		s->have_event = 0;
	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++) {
		int want = gpio_signal_want(s, (enum gpio_output)i, now_ms);
		if (want == s->level[i])
			continue;
		int rc = gpio_set(s->g, (enum gpio_output)i, want);
		if (rc == GPIO_OK)
			s->level[i] = want;
		else if (first_err == GPIO_OK)
			first_err = rc;
	}
	return first_err;
}
