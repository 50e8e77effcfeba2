/* SPDX-License-Identifier: MIT */
/* Gathering the readiness report's facts (doctor.h): the database read-only, the disk,
 * backups, clock, power flags, memory and the service; the hub asked with a timeout; the
 * camera watched for a moment and the printer's status read, each through its driver
 * table (the simulated twins in tests). Nothing here writes anything: the doctor may run
 * beside the kiosk, on a backup or on a damaged file. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "badge/badge.h"
#include "camera/camera.h"
#include "core/clock.h"
#include "core/err.h"
#include "doctor/doctor.h"
#include "sync/client.h"
#include "sync/replica.h"

/* ---- the database and the machine ----------------------------------------------------------- */
static void gather_space(struct doctor_facts *f, const char *path)
{
	struct statvfs fs;
	char dir[1024], *slash;
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (statvfs(dir, &fs) == 0)
		f->free_mb = (int64_t)((unsigned long long)fs.f_bavail * fs.f_frsize / (1024 * 1024));
}

/* The newest DB.bak-* beside the database (board/deb/preinst keeps one at each upgrade;
 * an organizer's own copies may follow the same name). */
static void gather_backup(struct doctor_facts *f, const char *path)
{
	char pat[1100];
	glob_t g;
	time_t newest = 0;
	snprintf(pat, sizeof pat, "%s.bak-*", path);
	if (glob(pat, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat sb;
		size_t n = strlen(g.gl_pathv[i]);
		if ((n > 4 && strcmp(g.gl_pathv[i] + n - 4, "-wal") == 0) || stat(g.gl_pathv[i], &sb) != 0 ||
		    !S_ISREG(sb.st_mode) || sb.st_mtime <= newest)
			continue;
		newest = sb.st_mtime;
		const char *base = strrchr(g.gl_pathv[i], '/');
		snprintf(f->backup_name, sizeof f->backup_name, "%s", base ? base + 1 : g.gl_pathv[i]);
	}
	globfree(&g);
	if (newest) {
		time_t now = time(NULL);
		f->backup_age_s = now > newest ? (int64_t)(now - newest) : 0;
	}
}

static void gather_memory(struct doctor_facts *f)
{
	FILE *m = fopen("/proc/meminfo", "r");
	char line[160];
	long long kb;
	if (!m)
		return;
	while (fgets(line, sizeof line, m)) {
		if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
			f->mem_total_mb = kb / 1024;
		else if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
			f->mem_avail_mb = kb / 1024;
	}
	fclose(m);
}

/* The kiosk's service as systemd sees it. A kiosk under systemd has NOTIFY_SOCKET (it is
 * the service); the command line asks `systemctl is-active vkhid`. */
static void gather_service(struct doctor_facts *f)
{
	struct stat sb;
	char word[64] = "";
	FILE *p;

	if (getenv("NOTIFY_SOCKET") && *getenv("NOTIFY_SOCKET")) {
		f->service = DOCTOR_SVC_THIS;
		return;
	}
	if (stat("/run/systemd/system", &sb) != 0) {
		f->service = DOCTOR_SVC_NO_SYSTEMD;
		return;
	}
	p = popen("systemctl is-active vkhid.service 2>/dev/null", "r");
	if (!p)
		return;
	if (!fgets(word, sizeof word, p))
		word[0] = '\0';
	pclose(p);
	word[strcspn(word, "\n")] = '\0';
	if (strcmp(word, "active") == 0 || strcmp(word, "activating") == 0 || strcmp(word, "reloading") == 0)
		f->service = DOCTOR_SVC_ACTIVE;
	else if (strcmp(word, "failed") == 0)
		f->service = DOCTOR_SVC_FAILED;
	else if (word[0])
		f->service = DOCTOR_SVC_INACTIVE;
}

void doctor_gather_local(struct doctor_facts *f, const char *path)
{
	struct vk_clock ck;
	char v[64];
	db *d = NULL;
	time_t now = time(NULL);
	struct tm tm;

	snprintf(f->db_path, sizeof f->db_path, "%s", path);
	f->db_rc = db_open(path, DB_READONLY, &d, f->db_why, sizeof f->db_why);
	if (f->db_rc == VK_OK)
		f->db_rc = db_check(d, f->db_why, sizeof f->db_why);
	if (f->db_rc == VK_OK) {
		struct db_key key;
		struct sync_link link;
		f->have_event = db_event_current(d, &f->ev) == VK_OK;
		if (f->have_event) {
			if (db_key_latest(d, f->ev.id, &key) == VK_OK)
				f->key_id = key.key_id;
			f->registered = db_reg_count(d, f->ev.id, 1);
		}
		if (sync_link_load(d, &link) == VK_OK) {
			f->enrolled = 1;
			snprintf(f->hub_url, sizeof f->hub_url, "%s", link.url);
			f->last_sync_ms = db_setting_int(d, "sync.last_contact_ms", 0);
			f->roster_version = sync_replica_cursor(d);
		}
		if (db_setting_get(d, "clock.trusted", v, sizeof v) == VK_OK && strcmp(v, "hub") == 0)
			snprintf(f->clock_how, sizeof f->clock_how, "hub");
	}
	db_close(d);
	/* the caller made the event's time zone the process's (the kiosk at start, the
	 * command line before gathering): its day is the event's day */
	localtime_r(&now, &tm);
	strftime(f->today, sizeof f->today, "%Y-%m-%d", &tm);
	gather_space(f, path);
	gather_backup(f, path);
	clock_init(&ck, 0);
	f->now_ms = clock_now_ms(&ck);
	if (clock_trusted(&ck))
		snprintf(f->clock_how, sizeof f->clock_how, "ntp");
	f->clock_trusted = f->clock_how[0] != '\0';
	f->power_known = doctor_power_read(&f->power_word, f->power_source, sizeof f->power_source);
	gather_memory(f);
	gather_service(f);
}

void doctor_gather_hub(struct doctor_facts *f, long timeout_ms)
{
	struct sync_link link;
	struct sync_client *c = NULL;
	json_t *reply = NULL;
	long status = 0;
	db *d = NULL;
	int rc;

	if (!f->enrolled || db_open(f->db_path, DB_READONLY, &d, NULL, 0) != VK_OK)
		return;
	rc = sync_link_load(d, &link);
	db_close(d);
	if (rc != VK_OK)
		return;
	f->hub_reached = 0;
	if (sync_client_new(&link, &c) != VK_OK) {
		snprintf(f->hub_why, sizeof f->hub_why, "%s", "out of memory");
		return;
	}
	rc = sync_client_call(c, "GET", "/v1/health", NULL, timeout_ms, &status, &reply, f->hub_why,
			      sizeof f->hub_why);
	if (rc == VK_OK && status == 200)
		f->hub_reached = 1;
	else if (rc == VK_OK)
		snprintf(f->hub_why, sizeof f->hub_why, "HTTP %ld", status);
	json_decref(reply);
	sync_client_free(c);
}

/* ---- the camera ------------------------------------------------------------------------------ */
void doctor_picture_stats(const uint8_t *gray, int w, int h, int stride, int *bright, double *sharp)
{
	uint64_t sum = 0, edge = 0, n = 0;
	for (int y = 0; y + 2 < h; y += 2) {
		const uint8_t *row = gray + (size_t)y * stride;
		const uint8_t *below = row + (size_t)2 * stride;
		for (int x = 0; x + 2 < w; x += 2) {
			int dx = row[x + 2] - row[x], dy = below[x] - row[x];
			sum += row[x];
			edge += (uint64_t)(dx < 0 ? -dx : dx) + (uint64_t)(dy < 0 ? -dy : dy);
			n++;
		}
	}
	*bright = n ? (int)(sum / n) : -1;
	*sharp = n ? (double)edge / (2.0 * (double)n) : -1;
}

void doctor_gather_camera(struct doctor_facts *f, const char *spec, int watch_ms)
{
	struct camera *cam = NULL;
	double t0 = clock_mono_ms();

	f->camera_checked = 1;
	snprintf(f->camera_spec, sizeof f->camera_spec, "%s", spec);
	f->camera_rc = camera_open(spec, &cam, f->camera_why, sizeof f->camera_why);
	if (f->camera_rc != CAM_OK)
		return;
	/* a few pictures are enough; a camera that sends none is watched for watch_ms */
	while (f->frames < 8 && clock_mono_ms() - t0 < watch_ms) {
		struct cam_frame fr;
		int rc = camera_grab(cam, &fr, 100);
		if (rc == CAM_ERR_AGAIN)
			continue;
		if (rc != CAM_OK)
			break; /* ended or unplugged: what was seen stands */
		f->frames++;
		if (!fr.gray) {
			f->text_source = 1;
			continue;
		}
		int b;
		double s;
		doctor_picture_stats(fr.gray, fr.width, fr.height, fr.stride, &b, &s);
		/* the sharpest picture speaks for the camera (a blank moment says little) */
		if (s > f->sharpness) {
			f->sharpness = s;
			f->brightness = b;
		}
	}
	camera_close(cam);
}

/* ---- the printer ------------------------------------------------------------------------------ */
int doctor_gather_printer(struct doctor_facts *f, const char *spec, const char *template_name,
			  const char *fault)
{
	struct badge_template t;
	struct printer *p = NULL;
	char why[512];
	int st = -1, labels = 0;

	if (fault && strncmp(fault, "labels=", 7) == 0) {
		char *end;
		long n = strtol(fault + 7, &end, 10);
		if (end == fault + 7 || *end || n < 0 || n > 100000)
			return -1;
		labels = (int)n;
	} else if (fault && (st = printer_state_parse(fault)) < 0) {
		return -1;
	}
	f->printer_checked = 1;
	snprintf(f->printer_spec, sizeof f->printer_spec, "%s", spec);
	/* the template the kiosk prints: a built-in by name, else a file */
	if (!template_name || !*template_name || badge_template_builtin(template_name, &t) == VK_OK) {
		if (!template_name || !*template_name)
			badge_template_builtin(NULL, &t);
	} else if (badge_template_load(template_name, &t, why, sizeof why) != VK_OK) {
		badge_template_builtin(NULL, &t);
	}
	snprintf(f->template_name, sizeof f->template_name, "%s", t.name);
	f->want = t.media;
	f->printer_rc = printer_open(spec, &p, f->printer_why, sizeof f->printer_why);
	if (f->printer_rc != PRINTER_OK)
		return 0;
	if (st >= 0)
		printer_sim_set_state(p, (enum printer_state)st);
	else if (fault)
		printer_sim_fail_after(p, labels + 1);
	f->printer_rc = printer_status(p, &f->pst);
	if (f->printer_rc != PRINTER_OK)
		snprintf(f->printer_why, sizeof f->printer_why, "%s", printer_strerror(f->printer_rc));
	if (!f->pst.model[0])
		snprintf(f->pst.model, sizeof f->pst.model, "%s", spec);
	printer_close(p);
	return 0;
}
