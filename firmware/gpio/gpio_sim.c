/* SPDX-License-Identifier: MIT */
/* The simulated light and buzzer ("sim", "sim:FILE"): a full driver that remembers every
 * level it was told, so unit tests and headless scenarios can ask what a person at the
 * door would have seen and heard. With FILE each change is also appended there as a line
 * "OUTPUT on|off" (flushed at once, so a scenario can read it while the kiosk runs). */
#include "gpio/gpio.h"

#include <stdio.h>
#include <stdlib.h>

extern const struct gpio_driver gpio_sim_driver;

struct gpio_sim {
	struct gpio base; /* always the first member */
	int level[GPIO_OUTPUT_COUNT];
	long changes[GPIO_OUTPUT_COUNT];
	int fail;
	FILE *log;
};

static int sim_open(const char *arg, struct gpio **out, char *why, size_t why_len)
{
	struct gpio_sim *s = calloc(1, sizeof *s);
	if (!s)
		return GPIO_ERR_NOMEM;
	s->base.drv = &gpio_sim_driver;
	if (arg && *arg) {
		s->log = fopen(arg, "a");
		if (!s->log) {
			if (why && why_len)
				snprintf(why, why_len, "cannot write the light's record %s", arg);
			free(s);
			return GPIO_ERR_IO;
		}
	}
	*out = &s->base;
	return GPIO_OK;
}

static int sim_set(struct gpio *g, enum gpio_output out, int on)
{
	struct gpio_sim *s = (struct gpio_sim *)g;
	if (s->fail)
		return GPIO_ERR_IO;
	if (s->level[out] == on)
		return GPIO_OK;
	s->level[out] = on;
	s->changes[out]++;
	if (s->log) {
		fprintf(s->log, "%s %s\n", gpio_output_name(out), on ? "on" : "off");
		fflush(s->log);
	}
	return GPIO_OK;
}

static void sim_close(struct gpio *g)
{
	struct gpio_sim *s = (struct gpio_sim *)g;
	s->fail = 0;
	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++)
		sim_set(g, (enum gpio_output)i, 0);
	if (s->log)
		fclose(s->log);
	free(s);
}

const struct gpio_driver gpio_sim_driver = {
	.name = "sim",
	.help = "sim[:FILE]",
	.open = sim_open,
	.set = sim_set,
	.close = sim_close,
};

static struct gpio_sim *as_sim(const struct gpio *g)
{
	return g && g->drv == &gpio_sim_driver ? (struct gpio_sim *)g : NULL;
}

int gpio_sim_level(const struct gpio *g, enum gpio_output out)
{
	struct gpio_sim *s = as_sim(g);
	return s && (unsigned)out < GPIO_OUTPUT_COUNT ? s->level[out] : -1;
}

long gpio_sim_changes(const struct gpio *g, enum gpio_output out)
{
	struct gpio_sim *s = as_sim(g);
	return s && (unsigned)out < GPIO_OUTPUT_COUNT ? s->changes[out] : -1;
}

int gpio_sim_fail(struct gpio *g, int fail)
{
	struct gpio_sim *s = as_sim(g);
	if (!s)
		return GPIO_ERR_INVALID;
	s->fail = fail;
	return GPIO_OK;
}
