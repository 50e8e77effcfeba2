/* SPDX-License-Identifier: MIT */
/* The organizer screen's readiness report (org_doctor.h): gathering the facts beside the
 * running kiosk, and handing them to the screens. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "camera/camera.h"
#include "core/err.h"
#include "ui/org_doctor.h"

struct org_doctor {
	char *db_path;
	int threaded;
	pthread_t th;
	int running;                /* a gathering thread was started and not yet joined */
	atomic_int done;            /* it finished: work holds its facts */
	struct doctor_facts work;
	int64_t started;            /* when the last gathering began (the screens' ms) */
	int64_t screen_since;       /* the organizer screen's opening it was made for */
	int have;
};

struct org_doctor *org_doctor_new(const char *db_path, int threaded)
{
	struct org_doctor *od = calloc(1, sizeof *od);
	if (!od)
		return NULL;
	od->db_path = strdup(db_path ? db_path : "");
	if (!od->db_path) {
		free(od);
		return NULL;
	}
	od->threaded = threaded;
	return od;
}

void org_doctor_free(struct org_doctor *od)
{
	if (!od)
		return;
	if (od->running)
		pthread_join(od->th, NULL);
	free(od->db_path);
	free(od);
}

static void *gather_main(void *arg)
{
	struct org_doctor *od = arg;
	doctor_facts_init(&od->work);
	/* the kiosk set the event's time zone at start; the hub's reachability is the sync
	 * thread's to tell (ui_sync_state), not a call of ours */
	doctor_gather_local(&od->work, od->db_path);
	atomic_store(&od->done, 1);
	return NULL;
}

void org_doctor_devices_facts(struct doctor_facts *f, const struct org_doctor_devices *dev)
{
	f->camera_checked = 1;
	snprintf(f->camera_spec, sizeof f->camera_spec, "%s", dev->camera_spec ? dev->camera_spec : "");
	f->camera_rc = CAM_OK;
	f->frames = dev->scanner == UI_SCANNER_OK || dev->scanner == UI_SCANNER_ENDED ? 1 : 0;
	if (dev->scanner == UI_SCANNER_GONE) {
		f->camera_rc = CAM_ERR_GONE;
		snprintf(f->camera_why, sizeof f->camera_why, "%s", cam_strerror(CAM_ERR_GONE));
	}
	f->brightness = -1;
	f->sharpness = -1;
	if (f->frames && dev->gray && dev->w > 2 && dev->h > 2)
		doctor_picture_stats(dev->gray, dev->w, dev->h, dev->stride, &f->brightness, &f->sharpness);
	f->printer_checked = 1;
	snprintf(f->printer_spec, sizeof f->printer_spec, "%s", dev->printer_spec ? dev->printer_spec : "");
	f->printer_rc = PRINTER_OK;
	memset(&f->pst, 0, sizeof f->pst);
	if (dev->printer) {
		f->pst.state = dev->printer->state;
		snprintf(f->pst.model, sizeof f->pst.model, "%.63s",
			 dev->printer->model[0] ? dev->printer->model : f->printer_spec);
		f->pst.media = dev->printer->media;
		f->pst.labels_known = dev->printer->labels_known;
		f->pst.labels_left = dev->printer->labels_left;
		f->pst.near_end = dev->printer->near_end;
		f->queued = dev->printer->queued;
	} else {
		f->pst.state = PRINTER_ABSENT;
	}
	/* the print queue itself holds a job on a wrong roll (WRONG_MEDIA): the template the
	 * queue prints with is its business, so no second comparison here */
	f->template_name[0] = '\0';
	memset(&f->want, 0, sizeof f->want);
}

/* Hands the gathered facts, with the devices and the screens' own knowledge, over. */
static void apply(struct org_doctor *od, struct ui_state *st, const struct org_doctor_devices *dev)
{
	struct doctor_facts *f = &od->work;
	org_doctor_devices_facts(f, dev);
	if (st->sync.enrolled) {
		f->enrolled = 1;
		f->hub_reached = st->sync.online ? 1 : 0;
		if (!f->hub_url[0])
			snprintf(f->hub_url, sizeof f->hub_url, "%s", st->sync.hub);
		if (st->sync.last_contact_ms)
			f->last_sync_ms = st->sync.last_contact_ms;
		f->roster_version = st->sync.roster;
		if (!st->sync.online)
			snprintf(f->hub_why, sizeof f->hub_why, "%s", "no answer in the last round");
	}
	/* the kiosk's clock, as the door keeps it (set by the organizer or the hub) */
	if (st->clock_trusted && !f->clock_trusted) {
		f->clock_trusted = 1;
		snprintf(f->clock_how, sizeof f->clock_how, "%s", st->sync.enrolled ? "hub" : "ntp");
	}
	if (st->wall_ms)
		f->now_ms = st->wall_ms;
	ui_sm_doctor(st, f);
	od->have = 1;
}

void org_doctor_poll(struct org_doctor *od, struct ui_state *st, const struct org_doctor_devices *dev,
		     int64_t now)
{
	if (!od)
		return;
	if (od->running && atomic_load(&od->done)) {
		pthread_join(od->th, NULL);
		od->running = 0;
		if (st->screen == UI_ORG)
			apply(od, st, dev);
	}
	if (st->screen != UI_ORG || od->running)
		return;
	if (od->have && od->screen_since == st->since && now - od->started < ORG_DOCTOR_MS)
		return;
	od->started = now;
	od->screen_since = st->since;
	if (od->threaded) {
		atomic_store(&od->done, 0);
		if (pthread_create(&od->th, NULL, gather_main, od) == 0) {
			od->running = 1;
			return;
		}
	}
	gather_main(od);
	apply(od, st, dev);
}

void ui_sm_doctor(struct ui_state *st, const struct doctor_facts *f)
{
	st->doctor = *f;
	st->have_doctor = 1;
	st->changed = 1;
}
