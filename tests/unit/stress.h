/* SPDX-License-Identifier: MIT */
/* The generated stress set: hard camera frames of vkhid tickets, made from fixed seeds at
 * test time (no image files committed). Shared by tests/unit/test_scan_stress.c and
 * tests/bench/bench_scan.c (which includes stress.c: bench programs link no helpers). */
#ifndef VK_TEST_STRESS_H
#define VK_TEST_STRESS_H

#include <stdint.h>

enum stress_class {
	STRESS_ROTATION,     /* turned 10-80 degrees */
	STRESS_PERSPECTIVE,  /* held at an angle: one side 15-35% shorter */
	STRESS_BLUR,         /* out of focus: Gaussian sigma 0.3-0.55 of a module */
	STRESS_NOISE,        /* a dark room's sensor noise, sigma 22-40 gray levels */
	STRESS_LOW_CONTRAST, /* faded print: 7-14% of the range */
	STRESS_GLARE,        /* a light's reflection over 30-60% of the code */
	STRESS_SMALL,        /* held too far away: modules of 1.4-2.1 pixels */
	STRESS_DARK,         /* a phone in dark mode: light modules on a dark screen */
	STRESS_MOIRE,        /* a screen's pixel grid beating with the sensor's */
	STRESS_CURVED,       /* a crumpled or bent sheet: rows wave by up to a module */
	STRESS_MULTI,        /* two or three tickets in one frame */
	STRESS_CYLINDER,     /* a sheet bent round a cylinder (a curved ticket, a bottle):
	                      * modules squeezed to 0.35-0.7 at the sides, edges curved,
	                      * the sides shaded */
	STRESS_TSHIRT,       /* printed on a T-shirt: 25-45% contrast on a coloured fabric,
	                      * a weave texture, soft folds that warp and shade the print */
	STRESS_MOTION,       /* moved while the shutter was open: a straight blur of 1.2-2
	                      * modules in any direction */
	STRESS_ANGLE_GLARE,  /* a phone screen at an angle (one side 18-30% shorter) with a
	                      * lamp's reflection washing out 15-25% of the code to white */
	STRESS_EMPTY,        /* no code at all: clutter, text, stripes */
	STRESS_CLASSES
};

#define STRESS_MAX_CODES 3

struct stress_frame {
	uint8_t *gray;       /* w x h, packed; free with stress_free() */
	int w, h;
	int ncodes;          /* the codes drawn (0 for STRESS_EMPTY) */
	char text[STRESS_MAX_CODES][128]; /* their payloads: "VK1:" + 120 Base45 characters */
};

/* A short name of the class ("rotation", ...), "?" when out of range. */
const char *stress_class_name(int cls);
/* Makes the frame of class cls at w x h from seed (the same seed gives the same pixels).
 * Returns 0, or -1 when out of memory or QR encoding failed. */
int stress_make(int cls, int w, int h, uint32_t seed, struct stress_frame *f);
void stress_free(struct stress_frame *f);

#endif
