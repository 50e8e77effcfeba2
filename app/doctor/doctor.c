/* SPDX-License-Identifier: MIT */
/* The readiness checks: a table of functions, each turning the gathered facts (gather.c)
 * into one verdict and one line that says what was found and what to do. `vkhid doctor`
 * prints the lines (or JSON); the organizer screen draws them. To add a check, write one
 * function of the check_fn shape and add a row to the table: both follow.
 *
 * Every text is asked for in the report's language with i18n_tr (T below), so the
 * organizer screen can show the report in the organizer's language while the command line
 * uses the process's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "badge/printmsg.h"
#include "camera/camera.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/i18n.h"
#include "doctor/doctor.h"

#define T(lang, s) i18n_tr(lang, s)

/* Below these a part works badly: a dark or washed-out picture reads codes slowly, a
 * blurred one not at all (mean edge strength of a sharp page with a code is 10 and more;
 * an out-of-focus one stays under 2). */
#define CAM_DARK 40
#define CAM_BRIGHT 225
#define CAM_BLURRED 2.0
#define LABELS_FEW 25
#define MEM_LOW_MB 150
#define BACKUP_OLD_S (7 * 86400)

void doctor_facts_init(struct doctor_facts *f)
{
	memset(f, 0, sizeof *f);
	f->free_mb = -1;
	f->backup_age_s = -1;
	f->registered = -1;
	f->hub_reached = -1;
	f->mem_total_mb = f->mem_avail_mb = -1;
	f->brightness = -1;
	f->sharpness = -1;
	f->queued = -1;
}

typedef enum doctor_verdict (*check_fn)(const struct doctor_facts *f, int lang, char *text,
					 size_t cap);

/* ---- devices ------------------------------------------------------------------------------ */
static enum doctor_verdict check_camera(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	if (!f->camera_checked) {
		snprintf(text, cap, "%s", T(lang, "not checked: name the camera with --camera or in "
					     "/etc/vkhid/vkhid.conf"));
		return DOCTOR_WARN;
	}
	if (f->camera_rc != CAM_OK) {
		if (f->service == DOCTOR_SVC_ACTIVE) {
			snprintf(text, cap, T(lang, "%s is in use by the running kiosk: see this report on "
						    "its organizer screen"), f->camera_spec);
			return DOCTOR_WARN;
		}
		snprintf(text, cap, T(lang, "%s cannot be opened (%s): check the cable and the camera "
					    "setting (--camera, or camera in /etc/vkhid/vkhid.conf)"),
			 f->camera_spec, f->camera_why);
		return DOCTOR_FAIL;
	}
	if (f->text_source) {
		snprintf(text, cap, T(lang, "%s: a barcode scanner, it sends codes as text"), f->camera_spec);
		return DOCTOR_OK;
	}
	if (f->frames == 0) {
		snprintf(text, cap, T(lang, "no pictures from %s: check the cable, and that no other "
					    "program uses the camera; then unplug it and plug it in again"),
			 f->camera_spec);
		return DOCTOR_FAIL;
	}
	if (f->brightness >= 0 && f->brightness < CAM_DARK) {
		snprintf(text, cap, T(lang, "the picture is too dark (brightness %d of 255): light the "
					    "place where people hold their tickets"), f->brightness);
		return DOCTOR_WARN;
	}
	if (f->sharpness >= 0 && f->sharpness < CAM_BLURRED) {
		snprintf(text, cap, T(lang, "the picture is blurred or shows nothing (sharpness %.1f): "
					    "hold a ticket 20-40 cm in front of it; focus or clean the lens"),
			 f->sharpness);
		return DOCTOR_WARN;
	}
	if (f->brightness > CAM_BRIGHT) {
		snprintf(text, cap, T(lang, "the picture is too bright (brightness %d of 255): turn the "
					    "camera away from windows and lamps"), f->brightness);
		return DOCTOR_WARN;
	}
	if (f->brightness < 0)
		snprintf(text, cap, T(lang, "pictures arriving from %s"), f->camera_spec);
	else
		snprintf(text, cap, T(lang, "pictures arriving from %s (%d seen), brightness %d of 255, "
					    "sharpness %.1f"),
			 f->camera_spec, f->frames, f->brightness, f->sharpness);
	return DOCTOR_OK;
}

static enum doctor_verdict check_printer(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	const struct printer_status *s = &f->pst;
	char have[96], want[96], left[160] = "";

	if (!f->printer_checked) {
		snprintf(text, cap, "%s", T(lang, "not checked: name the printer with --printer or in "
					     "/etc/vkhid/vkhid.conf"));
		return DOCTOR_WARN;
	}
	if (f->printer_rc != PRINTER_OK && f->service == DOCTOR_SVC_ACTIVE) {
		/* the kiosk holds the printer's USB interface: a second claim is refused */
		snprintf(text, cap, T(lang, "%s is in use by the running kiosk: see this report on "
					    "its organizer screen"), f->printer_spec);
		return DOCTOR_WARN;
	}
	if (f->printer_rc != PRINTER_OK) {
		snprintf(text, cap, T(lang, "%s cannot be opened (%s): is it plugged in and switched on? "
					    "`vkhid printers` lists what is connected"),
			 f->printer_spec, f->printer_why);
		return DOCTOR_FAIL;
	}
	printq_media_text_in(lang, &s->media, have, sizeof have);
	printq_media_text_in(lang, &f->want, want, sizeof want);
	if (s->state != PRINTER_READY) {
		snprintf(text, cap, "%s: %s. %s", s->model[0] ? s->model : f->printer_spec,
			 printq_state_text_in(lang, s->state), printq_state_advice_in(lang, s->state));
		return DOCTOR_FAIL;
	}
	if (s->media.width_mm && f->want.width_mm &&
	    (s->media.width_mm != f->want.width_mm || s->media.length_mm != f->want.length_mm ||
	     (f->want.two_colour && !s->media.two_colour))) {
		snprintf(text, cap, T(lang, "%s has %s loaded, but the badge template %s needs %s: load "
					    "that roll, or choose a template for this one"),
			 s->model, have, f->template_name, want);
		return DOCTOR_FAIL;
	}
	if (s->labels_known && s->labels_left < LABELS_FEW) {
		snprintf(text, cap, T(lang, "%s: only %d labels left on the roll: have a new %s ready"),
			 s->model, s->labels_left, want);
		return DOCTOR_WARN;
	}
	if (s->near_end) {
		snprintf(text, cap, T(lang, "%s: the roll is nearly at its end: have a new %s ready"),
			 s->model, want);
		return DOCTOR_WARN;
	}
	if (s->labels_known)
		snprintf(left, sizeof left, T(lang, "%d labels left"), s->labels_left);
	else
		snprintf(left, sizeof left, "%s", T(lang, "this printer does not report the labels left"));
	if (!f->template_name[0] && !s->media.width_mm)
		snprintf(text, cap, T(lang, "%s ready; %s"), s->model, left);
	else if (!f->template_name[0])
		snprintf(text, cap, T(lang, "%s ready, %s loaded; %s"), s->model, have, left);
	else if (!s->media.width_mm)
		snprintf(text, cap, T(lang, "%s ready (it does not report its roll: check it is %s); %s"),
			 s->model, want, left);
	else
		snprintf(text, cap, T(lang, "%s ready, %s loaded as the template %s needs; %s"), s->model,
			 have, f->template_name, left);
	return DOCTOR_OK;
}

/* ---- the database ------------------------------------------------------------------------- */
static enum doctor_verdict check_integrity(const struct doctor_facts *f, int lang, char *text,
					   size_t cap)
{
	if (f->db_rc == VK_OK) {
		snprintf(text, cap, "%s", T(lang, "the database file is sound"));
		return DOCTOR_OK;
	}
	if (f->db_rc == DB_ERR_CORRUPT || f->db_rc == DB_ERR_DISK)
		snprintf(text, cap, T(lang, "the database is damaged (%s): do not use it; restore the last "
					    "backup, or the hub's copy"), f->db_why);
	else if (f->db_rc == VK_ERR_NOT_FOUND)
		snprintf(text, cap, T(lang, "there is no database at %s: create the event with `vkhid "
					    "event create`, or connect to the hub"), f->db_path);
	else
		snprintf(text, cap, T(lang, "the database cannot be read (%s)"), f->db_why);
	return DOCTOR_FAIL;
}

static enum doctor_verdict check_space(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	long long mb = (long long)f->free_mb;
	if (f->free_mb < 0) {
		snprintf(text, cap, "%s", T(lang, "cannot tell the free space beside the database"));
		return DOCTOR_WARN;
	}
	if (mb < 20) {
		snprintf(text, cap, T(lang, "only %llu MB free: free some space before the doors open"),
			 (unsigned long long)mb);
		return DOCTOR_FAIL;
	}
	if (mb < 200) {
		snprintf(text, cap, T(lang, "%llu MB free: enough for today, but little"), (unsigned long long)mb);
		return DOCTOR_WARN;
	}
	snprintf(text, cap, T(lang, "%llu MB free"), (unsigned long long)mb);
	return DOCTOR_OK;
}

static enum doctor_verdict check_backup(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	if (f->backup_age_s < 0) {
		snprintf(text, cap, "%s", T(lang, "no backup beside the database: before the doors open, "
					     "stop the kiosk and copy the database to a USB stick"));
		return DOCTOR_WARN;
	}
	if (f->backup_age_s > BACKUP_OLD_S) {
		snprintf(text, cap, T(lang, "the last backup (%s) is %lld days old: make a fresh copy "
					    "before the doors open"),
			 f->backup_name, (long long)(f->backup_age_s / 86400));
		return DOCTOR_WARN;
	}
	snprintf(text, cap, T(lang, "last backup %s, %lld hours ago"), f->backup_name,
		 (long long)(f->backup_age_s / 3600));
	return DOCTOR_OK;
}

static enum doctor_verdict check_event(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	if (!f->have_event) {
		snprintf(text, cap, "%s", T(lang, "no event: create one with `vkhid event create`"));
		return DOCTOR_FAIL;
	}
	if (!f->ev.starts[0]) {
		snprintf(text, cap, T(lang, "%s, no dates (tickets are valid on any day)"), f->ev.name);
		return DOCTOR_WARN;
	}
	if (f->ev.ends[0] && strcmp(f->today, f->ev.ends) > 0) {
		snprintf(text, cap, T(lang, "%s ended on %s: its tickets are no longer admitted"),
			 f->ev.name, f->ev.ends);
		return DOCTOR_WARN;
	}
	if (strcmp(f->today, f->ev.starts) < 0) {
		snprintf(text, cap, T(lang, "%s starts on %s: tickets are admitted from that day"),
			 f->ev.name, f->ev.starts);
		return DOCTOR_WARN;
	}
	snprintf(text, cap, T(lang, "%s, %s to %s"), f->ev.name, f->ev.starts, f->ev.ends);
	return DOCTOR_OK;
}

static enum doctor_verdict check_key(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	if (!f->have_event) {
		snprintf(text, cap, "%s", T(lang, "no event, so no key"));
		return DOCTOR_FAIL;
	}
	if (!f->key_id) {
		snprintf(text, cap, "%s", T(lang, "no signing key: signed tickets cannot be checked "
					     "(`vkhid keygen` on the organizer's computer)"));
		return DOCTOR_WARN;
	}
	snprintf(text, cap, T(lang, "signing key %d present"), f->key_id);
	return DOCTOR_OK;
}

static enum doctor_verdict check_roster(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	if (f->registered < 0) {
		snprintf(text, cap, "%s", T(lang, "no roster"));
		return DOCTOR_FAIL;
	}
	if (f->registered == 0) {
		snprintf(text, cap, "%s", T(lang, "nobody registered yet: import the list with `vkhid import`"));
		return DOCTOR_WARN;
	}
	if (f->enrolled)
		snprintf(text, cap, T(lang, "%lld registered, roster version %lld from the hub"),
			 (long long)f->registered, (long long)f->roster_version);
	else
		snprintf(text, cap, T(lang, "%lld registered"), (long long)f->registered);
	return DOCTOR_OK;
}

/* ---- the world around ----------------------------------------------------------------------- */
static void ago_text(int64_t now_ms, int64_t then_ms, int lang, char *out, size_t cap)
{
	int64_t s = (now_ms - then_ms) / 1000;
	if (!then_ms)
		snprintf(out, cap, "%s", T(lang, "never"));
	else if (s < 120)
		snprintf(out, cap, T(lang, "%lld s ago"), (long long)(s < 0 ? 0 : s));
	else if (s < 7200)
		snprintf(out, cap, T(lang, "%lld min ago"), (long long)(s / 60));
	else
		snprintf(out, cap, T(lang, "%lld hours ago"), (long long)(s / 3600));
}

static enum doctor_verdict check_hub(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	char ago[64];
	if (!f->enrolled) {
		snprintf(text, cap, "%s", T(lang, "none: this kiosk decides alone (connect it to the venue's "
					     "hub on the organizer screen, or with `vkhid sync enroll`)"));
		return DOCTOR_OK;
	}
	ago_text(f->now_ms, f->last_sync_ms, lang, ago, sizeof ago);
	if (f->hub_reached == 0) {
		snprintf(text, cap, T(lang, "%s does not answer (%s); last sync %s: check the network "
					    "cable or Wi-Fi and that the hub is running; until then this "
					    "kiosk decides alone and sends its check-ins later"),
			 f->hub_url, f->hub_why, ago);
		return DOCTOR_WARN;
	}
	if (f->hub_reached < 0) {
		snprintf(text, cap, T(lang, "%s, not asked; last sync %s"), f->hub_url, ago);
		return DOCTOR_OK;
	}
	snprintf(text, cap, T(lang, "%s answers; last sync %s"), f->hub_url, ago);
	return DOCTOR_OK;
}

static enum doctor_verdict check_clock(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	char now[32];
	clock_format_local(f->now_ms, now);
	if (!f->clock_trusted) {
		snprintf(text, cap, T(lang, "%s, not synchronised: check-in times may be wrong; set it on "
					    "the organizer screen (Set the clock) or connect to the hub"),
			 now);
		return DOCTOR_WARN;
	}
	snprintf(text, cap, T(lang, "%s, synchronised (%s)"), now,
		 strcmp(f->clock_how, "hub") == 0 ? T(lang, "from the hub") : T(lang, "network time"));
	return DOCTOR_OK;
}

static enum doctor_verdict check_power(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	/* bits 0-3 now, the same four 16 bits up since boot */
	static const char *const now_words[4] = { N_("under-voltage now"), N_("frequency capped now"),
						  N_("throttled now"), N_("soft temperature limit now") };
	static const char *const boot_words[4] = { N_("under-voltage"), N_("frequency capped"),
						   N_("throttled"), N_("soft temperature limit") };
	char list[400] = "";
	size_t len = 0;
	uint32_t w = f->power_word;
	int boot = 0;

	if (f->power_known == 0) {
		snprintf(text, cap, "%s", T(lang, "no power flags here (not a Raspberry Pi)"));
		return DOCTOR_OK;
	}
	if (f->power_known < 0) {
		snprintf(text, cap, T(lang, "cannot read the power flags from %s"), f->power_source);
		return DOCTOR_WARN;
	}
	for (int i = 0; i < 4; i++)
		if ((w >> i) & 1u)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? "; " : "",
						T(lang, now_words[i]));
	for (int i = 0; i < 4 && len < sizeof list; i++)
		if ((w >> (16 + i)) & 1u)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
						boot++ ? ", " : len ? T(lang, "; since boot: ") : T(lang, "since boot: "),
						T(lang, boot_words[i]));
	if (!len) {
		snprintf(text, cap, T(lang, "power supply good (%s says 0x%x)"), f->power_source, (unsigned)w);
		return DOCTOR_OK;
	}
	if (w & (DOCTOR_PWR_UNDERVOLT | DOCTOR_PWR_UNDERVOLT_BOOT))
		snprintf(text, cap, T(lang, "%s (0x%x): the power supply is too weak: use the official one "
					    "(Pi 4: 5.1 V 3 A, Pi 5: 5 V 5 A) and give the printer its own"),
			 list, (unsigned)w);
	else
		snprintf(text, cap, T(lang, "%s (0x%x): the Pi is too hot: give it air or a fan, out of "
					    "the sun"), list, (unsigned)w);
	return (w & 0xF) ? DOCTOR_FAIL : DOCTOR_WARN;
}

static enum doctor_verdict check_memory(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	if (f->mem_avail_mb < 0) {
		snprintf(text, cap, "%s", T(lang, "cannot tell the free memory"));
		return DOCTOR_WARN;
	}
	if (f->mem_avail_mb < MEM_LOW_MB) {
		snprintf(text, cap, T(lang, "only %lld MB of %lld MB free: close other programs or restart "
					    "the kiosk"),
			 (long long)f->mem_avail_mb, (long long)f->mem_total_mb);
		return DOCTOR_WARN;
	}
	snprintf(text, cap, T(lang, "%lld MB of %lld MB free"), (long long)f->mem_avail_mb,
		 (long long)f->mem_total_mb);
	return DOCTOR_OK;
}

static enum doctor_verdict check_service(const struct doctor_facts *f, int lang, char *text, size_t cap)
{
	switch (f->service) {
	case DOCTOR_SVC_THIS:
		snprintf(text, cap, "%s", T(lang, "this kiosk runs as the vkhid service: it comes back by "
					     "itself after a power cut"));
		return DOCTOR_OK;
	case DOCTOR_SVC_ACTIVE:
		snprintf(text, cap, "%s", T(lang, "the vkhid service is running"));
		return DOCTOR_OK;
	case DOCTOR_SVC_INACTIVE:
		snprintf(text, cap, "%s", T(lang, "the vkhid service is not running: start it with `sudo "
					     "systemctl enable --now vkhid`"));
		return DOCTOR_WARN;
	case DOCTOR_SVC_FAILED:
		snprintf(text, cap, "%s", T(lang, "the vkhid service failed: `journalctl -u vkhid` says "
					     "why; then `sudo systemctl restart vkhid`"));
		return DOCTOR_FAIL;
	case DOCTOR_SVC_NO_SYSTEMD:
		snprintf(text, cap, "%s", T(lang, "no systemd here: the kiosk is started by hand"));
		return DOCTOR_OK;
	default:
		snprintf(text, cap, "%s", T(lang, "cannot tell whether the vkhid service runs"));
		return DOCTOR_WARN;
	}
}

static const struct {
	const char *name;   /* stable, for --json and scripts */
	const char *title;  /* for people (N_: translated where shown) */
	check_fn fn;
	int needs_db;       /* a problem, not checked, when the database cannot be read */
} checks[] = {
	{ "camera", N_("camera"), check_camera, 0 },
	{ "printer", N_("printer"), check_printer, 0 },
	{ "integrity", N_("database integrity"), check_integrity, 0 },
	{ "space", N_("free space"), check_space, 0 },
	{ "backup", N_("last backup"), check_backup, 0 },
	{ "event", N_("event and dates"), check_event, 1 },
	{ "key", N_("ticket signing key"), check_key, 1 },
	{ "roster", N_("roster"), check_roster, 1 },
	{ "hub", N_("hub"), check_hub, 1 },
	{ "clock", N_("clock"), check_clock, 0 },
	{ "power", N_("power supply"), check_power, 0 },
	{ "memory", N_("memory"), check_memory, 0 },
	{ "service", N_("service"), check_service, 0 },
};

void doctor_judge(const struct doctor_facts *f, int lang, struct doctor_report *r)
{
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < sizeof checks / sizeof checks[0] && r->n < DOCTOR_MAX_CHECKS; i++) {
		struct doctor_item *it = &r->item[r->n++];
		it->name = checks[i].name;
		it->title = T(lang, checks[i].title);
		if (checks[i].needs_db && f->db_rc != VK_OK) {
			snprintf(it->text, sizeof it->text, "%s",
				 T(lang, "not checked: the database cannot be read"));
			it->verdict = DOCTOR_FAIL;
		} else {
			it->verdict = checks[i].fn(f, lang, it->text, sizeof it->text);
		}
		if (it->verdict > r->worst)
			r->worst = it->verdict;
	}
}

const struct doctor_item *doctor_find(const struct doctor_report *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->item[i].name, name) == 0)
			return &r->item[i];
	return NULL;
}

const char *doctor_verdict_word(enum doctor_verdict v)
{
	return v == DOCTOR_OK ? "ok" : v == DOCTOR_WARN ? "warning" : "problem";
}

const char *doctor_verdict_text(enum doctor_verdict v, int lang)
{
	return v == DOCTOR_OK ? T(lang, "ok") : v == DOCTOR_WARN ? T(lang, "warning") : T(lang, "PROBLEM");
}
