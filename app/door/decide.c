/* SPDX-License-Identifier: MIT */
/* The table of deciders built in and the choice by name (decide.h). One decider a file:
 * decide_local.c, decide_hub.c. */
#include "door/decide.h"

#include <string.h>

const struct door_decider *const door_deciders[] = { &door_decider_local, &door_decider_hub, NULL };

const struct door_decider *door_decider_find(const char *spec)
{
	size_t n;
	if (!spec || !*spec)
		return &door_decider_local;
	n = strcspn(spec, ":");
	for (const struct door_decider *const *p = door_deciders; *p; p++)
		if (strlen((*p)->name) == n && strncmp((*p)->name, spec, n) == 0)
			return *p;
	return NULL;
}
