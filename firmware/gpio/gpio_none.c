/* SPDX-License-Identifier: MIT */
/* The "none" light driver: no light or buzzer attached. Every call succeeds and does
 * nothing, so the kiosk needs no "if (has_light)" anywhere (like libusb's null backend). */
#include "gpio/gpio.h"

#include <stdlib.h>

extern const struct gpio_driver gpio_none_driver;

static int none_open(const char *arg, struct gpio **out, char *why, size_t why_len)
{
	struct gpio *g = calloc(1, sizeof *g);
	if (!g)
		return GPIO_ERR_NOMEM;
	g->drv = &gpio_none_driver;
	*out = g;
	return GPIO_OK;
}

static int none_set(struct gpio *g, enum gpio_output out, int on)
{
	return GPIO_OK;
}

static void none_close(struct gpio *g)
{
	free(g);
}

const struct gpio_driver gpio_none_driver = {
	.name = "none",
	.help = "none",
	.open = none_open,
	.set = none_set,
	.close = none_close,
};
