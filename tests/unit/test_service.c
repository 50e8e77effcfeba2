/* SPDX-License-Identifier: MIT */
/* sd_notify wrappers (app/core/service.c) against a real unix datagram socket standing in
 * for systemd's NOTIFY_SOCKET: what the service manager would receive, and nothing at all
 * outside systemd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/service.h"

static int sock = -1;
static char sock_path[108];

static int setup(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	(void)state;
	snprintf(sock_path, sizeof sock_path, "/tmp/vkhid-notify-%d", (int)getpid());
	unlink(sock_path);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock_path);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&a, sizeof a) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(sock);
	unlink(sock_path);
	unsetenv("NOTIFY_SOCKET");
	return 0;
}

/* The next datagram, or "" when none is waiting. */
static const char *received(void)
{
	static char buf[512];
	ssize_t n = recv(sock, buf, sizeof buf - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_outside_systemd(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(service_ready("up"), 0);
	assert_int_equal(service_watchdog(), 0);
	assert_int_equal(service_watchdog_ms(), 0);
	assert_string_equal(received(), "");
}

static void test_under_systemd(void **state)
{
	char pid[32];
	(void)state;
	setenv("NOTIFY_SOCKET", sock_path, 1);
	assert_int_equal(service_ready("camera, printer and database are up"), 1);
	assert_string_equal(received(), "READY=1\nSTATUS=camera, printer and database are up");
	assert_int_equal(service_watchdog(), 1);
	assert_string_equal(received(), "WATCHDOG=1");
	/* a status with a newline stays one status line, not a forged READY */
	assert_int_equal(service_status("printer out of labels\nREADY=1"), 1);
	assert_string_equal(received(), "STATUS=printer out of labels READY=1");
	assert_int_equal(service_stopping(), 1);
	assert_string_equal(received(), "STOPPING=1");
	/* the watchdog period is the one systemd set for this process */
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	setenv("WATCHDOG_USEC", "20000000", 1);
	assert_int_equal(service_watchdog_ms(), 20000);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_systemd),
		cmocka_unit_test(test_under_systemd),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
