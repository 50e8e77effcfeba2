/* SPDX-License-Identifier: MIT */
/* The door's insides, shared by its files (door.c: the loop and printing; request.c: the
 * screens' requests). Not for other modules: they use door.h. */
#ifndef VK_DOOR_DOOR_INT_H
#define VK_DOOR_DOOR_INT_H

#include <pthread.h>

#include "door/decide.h"
#include "door/door.h"
#include "gpio/gpio.h"
#include "door/log.h"
#include "scan/scan.h"

struct door {
	struct door_config cfg;
	char *camera_spec;             /* owned: a files: list of many tickets is long */
	char printer_spec[1100];
	db *db;                        /* the door's connection: its thread's only */
	struct checkin_desk desk;
	const struct door_decider *decider;
	void *decider_state;
	struct camera *cam;
	double next_open;              /* threaded: when to look for a missing camera again */
	int cam_state;                 /* enum door_camera_state last reported, -1 none */
	scan *sc;
	struct scan_dedup dedup;
	struct scan_code *codes;       /* SCAN_MAX_CODES results of the last frame */
	struct printq *pq;             /* NULL when the printer could not be opened (threaded) */
	int pq_threaded;
	struct door_log *log;
	door_note_fn fn;
	void *ctx;
	/* The printer's worker reads the clock while the door's thread may shift it. */
	pthread_mutex_t clock_lock;
	/* The status light and buzzer (firmware/gpio): NULL when the kiosk has none. The
	 * printer's worker reports too, so light_lock guards the signal layer. */
	struct gpio *gpio;
	struct gpio_signal *signal;
	pthread_mutex_t light_lock;
	int printer_trouble, camera_trouble; /* what makes the amber light blink */
};

/* Stamps n with the door's clock, writes its log line and calls the callback. */
void door_report(struct door *d, struct door_note *n);
/* Reports a problem (log and callback); the door goes on. */
void door_report_problem(struct door *d, enum door_problem p, int rc);
/* Decides and records one admission through the decider, reports the outcome and prints
 * or queues its badge. res receives the result (may be NULL). Returns VK_OK, or the
 * decider's error (reported as a problem). */
int door_present(struct door *d, const struct door_ask *ask, enum door_source src, double t0,
		 struct checkin_result *res);

#endif
