/* SPDX-License-Identifier: MIT */
/* Telling systemd how the kiosk is doing (sd_notify): board/systemd/vkhid.service is
 * Type=notify with a watchdog, so systemd waits for "ready" before it counts the kiosk as
 * started, and restarts it when the door loop stops sending watchdog pings (a hung camera
 * or door). Outside systemd (NOTIFY_SOCKET unset) every call does nothing. */
#ifndef VK_CORE_SERVICE_H
#define VK_CORE_SERVICE_H

#include <stdint.h>

/* Says the kiosk is up (screen, camera and database): READY=1, with a status line.
 * Returns 1 when systemd was told, 0 when not under systemd, VK_ERR_IO on failure. */
int service_ready(const char *status);
/* One watchdog ping (WATCHDOG=1): call it from the door loop at least every
 * service_watchdog_ms() / 2. Returns as service_ready. */
int service_watchdog(void);
/* A free-text status line for `systemctl status` ("printer out of labels"). */
int service_status(const char *status);
/* Says the kiosk is stopping (STOPPING=1). */
int service_stopping(void);
/* The watchdog period systemd asked for, in milliseconds; 0 when there is none. */
uint64_t service_watchdog_ms(void);

#endif
