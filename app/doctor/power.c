/* SPDX-License-Identifier: MIT */
/* The Raspberry Pi's power flags for the readiness report: the firmware's throttling word
 * (the one `vcgencmd get_throttled` prints), read from wherever this machine offers it.
 * A printer on the same supply as the Pi can pull the voltage down while it prints: the
 * "under-voltage has happened" bit is how an organizer learns that before a brown-out
 * resets the kiosk in the middle of the queue. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor/doctor.h"

int doctor_power_parse(const char *text, uint32_t *word)
{
	const char *p = text;
	unsigned long long v = 0;
	int digits = 0;

	if (!text)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "throttled=", 10) == 0)
		p += 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; isxdigit((unsigned char)*p); p++) {
		int d = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
		v = v * 16 + (unsigned)d;
		if (++digits > 8)
			return -1; /* the word is 32 bits */
	}
	while (isspace((unsigned char)*p))
		p++;
	if (!digits || *p)
		return -1;
	*word = (uint32_t)v;
	return 0;
}

/* Reads the first line of path into buf. Returns 0, or -1 when it cannot be read. */
static int read_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	int ok;
	if (!f)
		return -1;
	ok = fgets(buf, (int)cap, f) != NULL;
	fclose(f);
	return ok ? 0 : -1;
}

/* 1 when an executable called name is on the PATH. */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[1024];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		if (n && n < sizeof dir - strlen(name) - 2) {
			snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, name);
			if (access(dir, X_OK) == 0)
				return 1;
		}
		path += n + (path[n] == ':');
	}
	return 0;
}

int doctor_power_read(uint32_t *word, char *source, size_t source_len)
{
	const char *env = getenv("VKHID_THROTTLED_PATH");
	char line[128];
	glob_t g;
	int found = 0;

	if (env && *env) {
		snprintf(source, source_len, "%s", env);
		if (read_line(env, line, sizeof line) != 0)
			return -1;
		return doctor_power_parse(line, word) == 0 ? 1 : -1;
	}
	if (on_path("vcgencmd")) {
		FILE *p = popen("vcgencmd get_throttled 2>/dev/null", "r");
		int got = 0;
		snprintf(source, source_len, "vcgencmd get_throttled");
		if (p) {
			got = fgets(line, sizeof line, p) != NULL;
			pclose(p);
		}
		/* vcgencmd without its device (a container, another board) says so on stderr and
		 * prints nothing: then the sysfs file may still be there */
		if (got && doctor_power_parse(line, word) == 0)
			return 1;
	}
	/* the firmware driver's own file: soc on a Pi 4, soc@107c000000 on a Pi 5 */
	if (glob("/sys/devices/platform/soc*/*firmware/get_throttled", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !found; i++) {
			snprintf(source, source_len, "%s", g.gl_pathv[i]);
			if (read_line(g.gl_pathv[i], line, sizeof line) == 0 &&
			    doctor_power_parse(line, word) == 0)
				found = 1;
			else
				found = -1;
		}
		globfree(&g);
		return found;
	}
	snprintf(source, source_len, "%s", "");
	return 0;
}
