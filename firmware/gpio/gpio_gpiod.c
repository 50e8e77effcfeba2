/* SPDX-License-Identifier: MIT */
/* The "gpiod" light driver: LEDs and a buzzer on GPIO lines through the kernel's GPIO
 * character device, with libgpiod's v1 API (Debian 12 and Raspberry Pi OS Bookworm ship
 * libgpiod 1.6). Spec: "gpiod:CHIP:green=17,red=27,amber=22,buzzer=18", where CHIP is
 * what gpiod_chip_open_lookup() accepts: "gpiochip0", "/dev/gpiochip0", a label such as
 * "pinctrl-bcm2711", or a number. The lines are held as outputs for as long as the kiosk
 * runs, so nothing else toggles them behind its back. */
#include "gpio/gpio.h"

#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct gpio_driver gpio_gpiod_driver;

#define CONSUMER "vkhid"

struct gpio_gpiod {
	struct gpio base; /* always the first member */
	struct gpiod_chip *chip;
	struct gpiod_line *line[GPIO_OUTPUT_COUNT]; /* NULL: output not wired */
};

static void gpiod_close_all(struct gpio *g)
{
	struct gpio_gpiod *d = (struct gpio_gpiod *)g;
	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++) {
		if (!d->line[i])
			continue;
		gpiod_line_set_value(d->line[i], 0);
		gpiod_line_release(d->line[i]);
	}
	if (d->chip)
		gpiod_chip_close(d->chip);
	free(d);
}

static int gpiod_open_spec(const char *arg, struct gpio **out, char *why, size_t why_len)
{
	int offset[GPIO_OUTPUT_COUNT];
	char chip[128];
	const char *colon = strchr(arg, ':');
	int rc;

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof chip) {
		if (why && why_len)
			snprintf(why, why_len, "write the light as gpiod:CHIP:PINS, such as "
				 "gpiod:gpiochip0:green=17,red=27,amber=22,buzzer=18");
		return GPIO_ERR_INVALID;
	}
	memcpy(chip, arg, (size_t)(colon - arg));
	chip[colon - arg] = '\0';
	rc = gpio_parse_pins(colon + 1, offset, why, why_len);
	if (rc)
		return rc;

	struct gpio_gpiod *d = calloc(1, sizeof *d);
	if (!d)
		return GPIO_ERR_NOMEM;
	d->base.drv = &gpio_gpiod_driver;
	d->chip = gpiod_chip_open_lookup(chip);
	if (!d->chip) {
		if (why && why_len)
			snprintf(why, why_len, "cannot open GPIO chip %s (%s): check the name with "
				 "gpiodetect and that the kiosk user is in group gpio", chip, strerror(errno));
		free(d);
		return GPIO_ERR_IO;
	}
	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++) {
		if (offset[i] < 0)
			continue;
		struct gpiod_line *l = gpiod_chip_get_line(d->chip, (unsigned)offset[i]);
		if (!l) {
			if (why && why_len)
				snprintf(why, why_len, "GPIO chip %s has no line %d (for %s)", chip,
					 offset[i], gpio_output_name((enum gpio_output)i));
			gpiod_close_all(&d->base);
			return GPIO_ERR_INVALID;
		}
		if (gpiod_line_request_output(l, CONSUMER, 0) < 0) {
			int busy = errno == EBUSY;
			if (why && why_len)
				snprintf(why, why_len, "cannot drive line %d of %s (for %s): %s", offset[i],
					 chip, gpio_output_name((enum gpio_output)i),
					 busy ? "another program or driver holds it" : strerror(errno));
			gpiod_close_all(&d->base);
			return busy ? GPIO_ERR_BUSY : GPIO_ERR_IO;
		}
		d->line[i] = l;
	}
	*out = &d->base;
	return GPIO_OK;
}

static int gpiod_set(struct gpio *g, enum gpio_output out, int on)
{
	struct gpio_gpiod *d = (struct gpio_gpiod *)g;
	if (!d->line[out])
		return GPIO_OK;
	return gpiod_line_set_value(d->line[out], on) < 0 ? GPIO_ERR_IO : GPIO_OK;
}

const struct gpio_driver gpio_gpiod_driver = {
	.name = "gpiod",
	.help = "gpiod:CHIP:green=N,red=N,amber=N,buzzer=N",
	.open = gpiod_open_spec,
	.set = gpiod_set,
	.close = gpiod_close_all,
};
