/* SPDX-License-Identifier: MIT */
/* Status light driver table and dispatch (see gpio.h), and the pin-list parser the gpiod
 * driver and the config check share. Each driver lives in its own gpio_NAME.c. */
#include "gpio/gpio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct gpio_driver gpio_gpiod_driver;
extern const struct gpio_driver gpio_none_driver;
extern const struct gpio_driver gpio_sim_driver;

const struct gpio_driver *const gpio_drivers[] = {
	&gpio_gpiod_driver,
	&gpio_none_driver,
	&gpio_sim_driver,
	NULL,
};

static const char *const output_names[GPIO_OUTPUT_COUNT] = { "green", "red", "amber", "buzzer" };

/* A short English phrase for an enum gpio_err value, for logs; never NULL, static. */
const char *gpio_strerror(int err)
{
	switch (err) {
	case GPIO_OK: return "success";
	case GPIO_ERR_IO: return "cannot open or set the GPIO line";
	case GPIO_ERR_NOMEM: return "out of memory";
	case GPIO_ERR_INVALID: return "invalid light and buzzer spec";
	case GPIO_ERR_NO_DRIVER: return "no such light driver";
	case GPIO_ERR_BUSY: return "the GPIO line is used by something else";
	}
	return "unknown GPIO error";
}

const char *gpio_output_name(enum gpio_output out)
{
	return (unsigned)out < GPIO_OUTPUT_COUNT ? output_names[out] : "?";
}

int gpio_output_parse(const char *word)
{
	for (int i = 0; word && i < GPIO_OUTPUT_COUNT; i++)
		if (strcmp(word, output_names[i]) == 0)
			return i;
	return -1;
}

static void say(char *why, size_t why_len, const char *fmt, const char *a, const char *b)
{
	if (why && why_len)
		snprintf(why, why_len, fmt, a, b);
}

/* Parses "green=17,red=27,...": each output at most once, offsets 0..511 (a Pi 5's
 * biggest chip has 54 lines; 512 leaves room for expanders), no offset used twice. */
int gpio_parse_pins(const char *list, int offset[GPIO_OUTPUT_COUNT], char *why, size_t why_len)
{
	char item[64];
	int n = 0;

	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++)
		offset[i] = -1;
	if (!list || !*list) {
		say(why, why_len, "no pins given: write them as green=17,red=27,amber=22,buzzer=18%s%s", "", "");
		return GPIO_ERR_INVALID;
	}
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof item) {
			say(why, why_len, "a pin entry is empty or too long in '%s'%s", list, "");
			return GPIO_ERR_INVALID;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		if (*p == ',')
			p++;
		char *eq = strchr(item, '=');
		if (!eq) {
			say(why, why_len, "'%s' is not OUTPUT=PIN (such as green=17)%s", item, "");
			return GPIO_ERR_INVALID;
		}
		*eq = '\0';
		int o = gpio_output_parse(item);
		if (o < 0) {
			say(why, why_len, "unknown output '%s' (known: green, red, amber, buzzer)%s", item, "");
			return GPIO_ERR_INVALID;
		}
		if (offset[o] >= 0) {
			say(why, why_len, "%s is given twice%s", item, "");
			return GPIO_ERR_INVALID;
		}
		char *end;
		long v = strtol(eq + 1, &end, 10);
		if (end == eq + 1 || *end || v < 0 || v > 511) {
			say(why, why_len, "%s=%s: the pin must be a line number from 0 to 511", item, eq + 1);
			return GPIO_ERR_INVALID;
		}
		for (int i = 0; i < GPIO_OUTPUT_COUNT; i++) {
			if (offset[i] == v) {
				say(why, why_len, "%s and %s are on the same pin", output_names[i], item);
				return GPIO_ERR_INVALID;
			}
		}
		offset[o] = (int)v;
		n++;
	}
	if (n == 0) {
		say(why, why_len, "no pins given in '%s'%s", list, "");
		return GPIO_ERR_INVALID;
	}
	return GPIO_OK;
}

/* Finds the driver a spec names; *arg gets the rest after "name:". */
static const struct gpio_driver *find(const char *spec, const char **arg, char *why, size_t why_len)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	char known[256] = "";
	size_t used = 0;

	for (const struct gpio_driver *const *d = gpio_drivers; *d; d++) {
		if (strlen((*d)->name) == n && strncmp((*d)->name, spec, n) == 0) {
			*arg = colon ? colon + 1 : "";
			return *d;
		}
		if (used < sizeof known)
			used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
						 used ? ", " : "", (*d)->help);
	}
	if (why && why_len)
		snprintf(why, why_len, "no light driver '%.*s' (known: %s)", (int)n, spec, known);
	return NULL;
}

/* Opens the outputs a spec names (see gpio.h). */
int gpio_open(const char *spec, struct gpio **out, char *why, size_t why_len)
{
	const char *arg;

	if (why && why_len)
		why[0] = '\0';
	if (!out)
		return GPIO_ERR_INVALID;
	*out = NULL;
	if (!spec || !*spec)
		spec = "none";
	const struct gpio_driver *d = find(spec, &arg, why, why_len);
	return d ? d->open(arg, out, why, why_len) : GPIO_ERR_NO_DRIVER;
}

int gpio_spec_check(const char *spec, char *why, size_t why_len)
{
	const char *arg;
	int offset[GPIO_OUTPUT_COUNT];

	if (why && why_len)
		why[0] = '\0';
	if (!spec || !*spec)
		return GPIO_OK;
	const struct gpio_driver *d = find(spec, &arg, why, why_len);
	if (!d)
		return GPIO_ERR_NO_DRIVER;
	if (d != &gpio_gpiod_driver)
		return GPIO_OK;
	/* gpiod:CHIP:PINS */
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg) {
		say(why, why_len, "write the light as gpiod:CHIP:PINS, such as "
		    "gpiod:gpiochip0:green=17,red=27,amber=22,buzzer=18%s%s", "", "");
		return GPIO_ERR_INVALID;
	}
	return gpio_parse_pins(colon + 1, offset, why, why_len);
}

int gpio_set(struct gpio *g, enum gpio_output out, int on)
{
	if (!g || (unsigned)out >= GPIO_OUTPUT_COUNT)
		return GPIO_ERR_INVALID;
	return g->drv->set(g, out, on != 0);
}

void gpio_close(struct gpio *g)
{
	if (g)
		g->drv->close(g);
}
