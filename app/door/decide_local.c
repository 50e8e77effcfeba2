/* SPDX-License-Identifier: MIT */
/* The "local" decider (decide.h): the kiosk's own database decides, through the check-in
 * rules of core/checkin.c. It keeps no state. */
#include "door/decide.h"

#include "core/err.h"

static int local_open(struct checkin_desk *desk, const char *arg, void **state, char *why,
		      size_t why_len)
{
	(void)desk;
	(void)arg;
	(void)why;
	(void)why_len;
	*state = NULL;
	return VK_OK;
}

static int local_decide(void *state, struct checkin_desk *desk, const struct door_ask *ask,
			struct checkin_result *res, const char **mode)
{
	(void)state;
	*mode = DOOR_MODE_LOCAL;
	if (ask->code)
		return checkin_present(desk, ask->code, ask->len, ask->method, res);
	return checkin_number(desk, ask->number, ask->method, res);
}

static void local_close(void *state)
{
	(void)state;
}

const struct door_decider door_decider_local = {
	.name = "local",
	.help = "local: the kiosk's own database decides",
	.open = local_open,
	.decide = local_decide,
	.close = local_close,
};
