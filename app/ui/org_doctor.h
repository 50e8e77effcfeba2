/* SPDX-License-Identifier: MIT */
/* The readiness report on the organizer screen: the same checks as `vkhid doctor`
 * (app/doctor), gathered while the organizer screen is open and shown in its column.
 *
 * The database, disk, clock, power and service facts are gathered anew when the organizer
 * screen opens and every ORG_DOCTOR_MS while it stays open -- by the threaded kiosk in a
 * thread of its own (an integrity check reads every page; the UI never waits for it), by
 * the headless scenario runner at once. The camera and printer are the kiosk's own: their
 * facts come from what the kiosk sees of them (org_doctor_devices), never by opening them
 * a second time. */
#ifndef VK_UI_ORG_DOCTOR_H
#define VK_UI_ORG_DOCTOR_H

#include <stdint.h>

#include "badge/printq.h"
#include "doctor/doctor.h"
#include "ui/screen.h"

#define ORG_DOCTOR_MS 15000

/* What the running kiosk knows of its devices at this moment. */
struct org_doctor_devices {
	const char *camera_spec;
	int scanner;                  /* enum ui_scanner_state */
	const uint8_t *gray;          /* the latest camera picture, or NULL */
	int w, h, stride;
	const char *printer_spec;
	const struct printq_status *printer; /* NULL: no printer status yet */
};

struct org_doctor;

/* A reporter for the kiosk database at db_path; threaded 1 gathers in a thread of its own.
 * Returns NULL when out of memory. Free with org_doctor_free (waits for a gathering). */
struct org_doctor *org_doctor_new(const char *db_path, int threaded);
void org_doctor_free(struct org_doctor *od);

/* Called from the thread that owns st, every turn: while the organizer screen is shown,
 * starts a gathering when due and, when one is done, hands the facts (with the devices'
 * facts of dev) to the screens with ui_sm_doctor. Never blocks when threaded. */
void org_doctor_poll(struct org_doctor *od, struct ui_state *st,
		     const struct org_doctor_devices *dev, int64_t now);

/* Gives the screens the readiness facts to show (copied); the organizer screen judges them
 * in its own language when it is drawn. */
void ui_sm_doctor(struct ui_state *st, const struct doctor_facts *f);

/* Adds to f what the kiosk knows of its camera and printer (dev). */
void org_doctor_devices_facts(struct doctor_facts *f, const struct org_doctor_devices *dev);

#endif
