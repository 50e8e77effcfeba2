/* SPDX-License-Identifier: MIT */
/* Is this kiosk ready? The readiness report behind `vkhid doctor` and the organizer
 * screen: one engine for both, in two steps.
 *
 *   1. gathering (gather.c, power.c): what is true now, as plain facts in struct
 *      doctor_facts -- the database (integrity, free space, last backup, event, key,
 *      roster), the hub, the clock, the Pi's power flags, memory, the service; the camera
 *      and printer either opened here by their specs (the command line) or as the running
 *      kiosk sees them (the organizer screen fills those facts itself: the kiosk holds
 *      the devices);
 *   2. judging (doctor.c): a table of check functions turns the facts into one line per
 *      part -- OK, a warning, or a problem with what to do -- in a given language.
 *
 * Gathering may take seconds (an integrity check reads every page; a camera is watched
 * for a moment; the hub is asked with a timeout): never call it from a thread that draws.
 * Judging is quick and pure: the same facts give the same report. */
#ifndef VK_DOCTOR_H
#define VK_DOCTOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "printer/printer.h"

enum doctor_verdict { DOCTOR_OK = 0, DOCTOR_WARN = 1, DOCTOR_FAIL = 2 };

/* ---- the Raspberry Pi's power flags (power.c) ---------------------------------------------
 * The firmware's throttling word, as `vcgencmd get_throttled` prints it ("throttled=0x50005"):
 * bits 0-3 are true now, bits 16-19 have been true since boot. */
enum {
	DOCTOR_PWR_UNDERVOLT = 1u << 0,       /* under-voltage now */
	DOCTOR_PWR_CAPPED = 1u << 1,          /* ARM frequency capped now */
	DOCTOR_PWR_THROTTLED = 1u << 2,       /* throttled now */
	DOCTOR_PWR_SOFT_TEMP = 1u << 3,       /* soft temperature limit active now */
	DOCTOR_PWR_UNDERVOLT_BOOT = 1u << 16, /* under-voltage has happened since boot */
	DOCTOR_PWR_CAPPED_BOOT = 1u << 17,
	DOCTOR_PWR_THROTTLED_BOOT = 1u << 18,
	DOCTOR_PWR_SOFT_TEMP_BOOT = 1u << 19,
};
/* Parses the firmware's word from text: "throttled=0x50005", "0x50005" or the bare hex
 * digits the kernel's sysfs file holds ("50005"), surrounding space allowed. Returns 0 and
 * sets *word, or -1 when text is not such a word. */
int doctor_power_parse(const char *text, uint32_t *word);
/* Reads the word: from the file named by $VKHID_THROTTLED_PATH when set (tests feed hex
 * values this way), else from `vcgencmd get_throttled` when vcgencmd is on the PATH, else
 * from the firmware's sysfs file (/sys/devices/platform/soc/soc:firmware/get_throttled on
 * a Pi 4, soc@107c000000 on a Pi 5). Returns 1 with *word and where it came from in
 * source, 0 when there is nothing to read (not a Raspberry Pi), -1 when a source was
 * there but said something else (source names it). */
int doctor_power_read(uint32_t *word, char *source, size_t source_len);

/* ---- the facts ---------------------------------------------------------------------------- */
enum doctor_service { DOCTOR_SVC_UNKNOWN = 0, DOCTOR_SVC_NO_SYSTEMD, DOCTOR_SVC_ACTIVE,
		      DOCTOR_SVC_INACTIVE, DOCTOR_SVC_FAILED, DOCTOR_SVC_THIS };

struct doctor_facts {
	/* database */
	char db_path[1024];
	int db_rc;                /* VK_OK, or why it could not be opened or is damaged */
	char db_why[600];         /* SQLite's words for db_rc */
	int64_t free_mb;          /* free space where the database lives, -1 unknown */
	int64_t backup_age_s;     /* the newest DB.bak-* beside it, -1 none found */
	char backup_name[256];
	int have_event;
	struct db_event ev;
	char today[11];           /* YYYY-MM-DD in the event's time zone */
	int key_id;               /* newest signing key, 0 none */
	int64_t registered;       /* active registrations, -1 unknown */
	int64_t roster_version;   /* the hub's change cursor reached, 0 none */
	/* hub */
	int enrolled;
	char hub_url[256];
	int hub_reached;          /* 1 answered, 0 did not, -1 not asked */
	char hub_why[256];
	int64_t last_sync_ms;     /* wall time of the last contact, 0 never */
	int64_t now_ms;           /* wall time when gathered */
	/* clock */
	int clock_trusted;
	char clock_how[32];       /* "ntp", "hub", "" */
	/* power */
	int power_known;          /* doctor_power_read's answer: 1, 0 or -1 */
	uint32_t power_word;
	char power_source[160];
	/* memory */
	int64_t mem_total_mb, mem_avail_mb; /* -1 unknown */
	/* service */
	enum doctor_service service;
	/* camera */
	int camera_checked;       /* 0: not looked at (no spec) */
	char camera_spec[256];
	int camera_rc;            /* CAM_OK or why it could not be opened */
	char camera_why[256];
	int frames;               /* pictures seen while watching */
	int brightness;           /* mean gray 0..255 of the last picture, -1 none */
	double sharpness;         /* mean edge strength of the last picture, -1 none */
	int text_source;          /* a barcode scanner: it sends codes, not pictures */
	/* printer */
	int printer_checked;
	char printer_spec[256];
	int printer_rc;           /* PRINTER_OK or why it could not be opened */
	char printer_why[256];
	struct printer_status pst;
	char template_name[64];   /* the badge template the kiosk prints */
	struct printer_media want;/* its stock */
	int64_t queued;           /* badges waiting (the running kiosk), -1 unknown */
};

/* Fills f with "nothing known yet" (every count -1, every check not done). */
void doctor_facts_init(struct doctor_facts *f);

/* Gathers the database's facts from the file at path (opened read-only, never written;
 * a damaged or missing file is a fact, not an error), the free space, backups, clock,
 * power, memory and service. Sets the process's TZ to the event's time zone. */
void doctor_gather_local(struct doctor_facts *f, const char *path);
/* Asks the hub the database is enrolled to (a read-only connection of its own) whether it
 * answers, within timeout_ms. Does nothing for a kiosk without a hub. */
void doctor_gather_hub(struct doctor_facts *f, long timeout_ms);
/* Opens the camera spec and watches it for at most watch_ms: frames, brightness,
 * sharpness. The camera is closed again. */
void doctor_gather_camera(struct doctor_facts *f, const char *spec, int watch_ms);
/* Opens the printer spec and reads its status; template is a built-in name or a template
 * file ("" or NULL = the default 62x100). fault, when not NULL, is a test hook for the
 * simulated printer: a printer_state word ("no-media") or "labels=N" (the roll ends at the
 * N-th next label). Returns 0, or -1 when fault is not one of those (nothing gathered). */
int doctor_gather_printer(struct doctor_facts *f, const char *spec, const char *template_name,
			  const char *fault);

/* Mean gray (0..255) and mean edge strength of a gray picture, every second pixel: what
 * the camera check calls brightness and sharpness. */
void doctor_picture_stats(const uint8_t *gray, int w, int h, int stride, int *brightness,
			  double *sharpness);

/* ---- the report ----------------------------------------------------------------------------- */
#define DOCTOR_TEXT_MAX 480
struct doctor_item {
	const char *name;         /* stable, for --json and scripts: "camera", "power"... */
	const char *title;        /* for people, in the report's language */
	enum doctor_verdict verdict;
	char text[DOCTOR_TEXT_MAX]; /* what was found and what to do, in the report's language */
};
#define DOCTOR_MAX_CHECKS 16
struct doctor_report {
	int n;
	struct doctor_item item[DOCTOR_MAX_CHECKS];
	enum doctor_verdict worst;
};

/* Judges the facts with every check of the table, in language lang (core/i18n.h). */
void doctor_judge(const struct doctor_facts *f, int lang, struct doctor_report *r);
/* The item of check name in r, or NULL. */
const struct doctor_item *doctor_find(const struct doctor_report *r, const char *name);
/* The verdict's stable word for scripts: "ok", "warning", "problem". */
const char *doctor_verdict_word(enum doctor_verdict v);
/* The verdict as people read it in lang: "ok", "warning", "PROBLEM". */
const char *doctor_verdict_text(enum doctor_verdict v, int lang);

#endif
