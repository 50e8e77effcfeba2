/* SPDX-License-Identifier: MIT */
/* sd_notify wrappers (see service.h). libsystemd's sd_notify already does nothing when
 * NOTIFY_SOCKET is unset; these wrappers give the kiosk our error codes and keep the
 * protocol's words in one place. unset_environment is 0 throughout: a restarted door loop
 * in the same process must still be able to ping. */
#include "core/service.h"

#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "core/err.h"

static int notify(const char *text)
{
	int rc = sd_notify(0, text);
	return rc < 0 ? VK_ERR_IO : rc > 0;
}

/* Status lines are one line: a newline would start a new assignment in the protocol. */
static void one_line(char *dst, size_t cap, const char *prefix, const char *s)
{
	size_t n = (size_t)snprintf(dst, cap, "%s", prefix);
	for (; s && *s && n + 1 < cap; s++)
		dst[n++] = *s == '\n' || *s == '\r' ? ' ' : *s;
	dst[n < cap ? n : cap - 1] = '\0';
}

int service_ready(const char *status)
{
	char msg[300];
	one_line(msg, sizeof msg, "READY=1\nSTATUS=", status ? status : "ready");
	return notify(msg);
}

int service_watchdog(void)
{
	return notify("WATCHDOG=1");
}

int service_status(const char *status)
{
	char msg[300];
	one_line(msg, sizeof msg, "STATUS=", status ? status : "");
	return notify(msg);
}

int service_stopping(void)
{
	return notify("STOPPING=1");
}

uint64_t service_watchdog_ms(void)
{
	uint64_t usec = 0;
	return sd_watchdog_enabled(0, &usec) > 0 ? usec / 1000 : 0;
}
