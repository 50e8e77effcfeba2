/* SPDX-License-Identifier: MIT */
/* "auto[:WxH[@FPS]]": whichever camera the kiosk has, looked for at each open. The Pi
 * camera when `rpicam-vid --list-cameras` names one, else the first USB webcam that sysfs
 * shows (whatever /dev/videoN it was given), else none (CAM_ERR_IO, with what to do).
 *
 * There is no "auto" camera object: the open returns the rpicam or v4l2 camera it found,
 * so a grab costs nothing extra. The finding again happens where the door already opens a
 * lost camera again (every few seconds): a webcam unplugged from one port and plugged
 * into another comes back as /dev/video2 instead of /dev/video0 and is found there.
 *
 * VKHID_SYSFS in the environment names another sysfs root to look in (the unit tests'
 * fake one, tests/unit/test_camera_rpicam.c); rpicam-vid is the first one on PATH. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "camera/camera.h"

#define LIST_TIMEOUT_MS 5000   /* rpicam-vid --list-cameras takes about 1 s on a Pi 4 */
#define LIST_MAX 8192

/* Reads a small sysfs file's first line into buf; 0, or -1 when unreadable. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int cam_find_usb_webcam(const char *sysfs, char *path, size_t path_len)
{
	char dir[512], p[1024], link[1024], line[64];
	DIR *d;
	struct dirent *e;
	long best = -1;

	snprintf(dir, sizeof dir, "%s/class/video4linux", sysfs ? sysfs : "/sys");
	d = opendir(dir);
	if (!d)
		return CAM_ERR_IO;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long n;
		ssize_t k;
		if (strncmp(e->d_name, "video", 5) != 0 || !isdigit((unsigned char)e->d_name[5]))
			continue;
		n = strtol(e->d_name + 5, &end, 10);
		if (*end || (best >= 0 && n >= best))
			continue;
		/* on a USB bus: the device's real path goes through a usbN bus */
		snprintf(p, sizeof p, "%s/%s/device", dir, e->d_name);
		k = readlink(p, link, sizeof link - 1);
		if (k <= 0)
			continue;
		link[k] = '\0';
		if (!strstr(link, "/usb"))
			continue;
		/* the device's first node is the picture; a UVC camera's second is metadata */
		snprintf(p, sizeof p, "%s/%s/index", dir, e->d_name);
		if (read_line(p, line, sizeof line) == 0 && strcmp(line, "0") != 0)
			continue;
		best = n;
	}
	closedir(d);
	if (best < 0)
		return CAM_ERR_IO;
	snprintf(path, path_len, "/dev/video%ld", best);
	return CAM_OK;
}

int cam_rpicam_present(void)
{
	int fds[2], found = 0, status;
	pid_t pid;
	char *buf = malloc(LIST_MAX + 1);
	size_t have = 0;
	struct timespec t0, t1;

	if (!buf)
		return 0;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free(buf);
		return 0;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(buf);
		return 0;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		/* rpicam-vid writes the list on stderr (its log) in some versions, stdout in others */
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		execlp("rpicam-vid", "rpicam-vid", "--list-cameras", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		long spent;
		ssize_t n;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= LIST_TIMEOUT_MS || poll(&pfd, 1, (int)(LIST_TIMEOUT_MS - spent)) <= 0)
			break;
		n = read(fds[0], buf + have, LIST_MAX - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		if (have == LIST_MAX)
			break;
	}
	close(fds[0]);
	kill(pid, SIGKILL); /* done, or too slow: either way it has said what it will say */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[have] = '\0';
	/* a camera is listed as "0 : imx708 [4608x2592 10-bit RGGB] (/base/...)" */
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char *q = line;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (q[0] == ' ' && q[1] == ':' && q[2] == ' ' && isalnum((unsigned char)q[3])) {
			found = 1;
			break;
		}
	}
	free(buf);
	return found;
}

static int auto_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	char spec[128], dev[64];
	const char *size = arg && *arg ? arg : NULL;

	*out = NULL;
	if (cam_rpicam_present()) {
		snprintf(spec, sizeof spec, "rpicam%s%s", size ? ":" : "", size ? size : "");
		return camera_open(spec, out, why, why_len);
	}
	if (cam_find_usb_webcam(getenv("VKHID_SYSFS"), dev, sizeof dev) == CAM_OK) {
		snprintf(spec, sizeof spec, "v4l2:%s%s%s", dev, size ? "," : "", size ? size : "");
		return camera_open(spec, out, why, why_len);
	}
	snprintf(why, why_len, "no camera found: connect the Pi camera's ribbon cable (with the "
		 "power off) or plug in a USB webcam");
	return CAM_ERR_IO;
}

/* Never called: the open hands back the camera it found, with that driver's table. */
static int auto_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	(void)cam;
	(void)f;
	(void)timeout_ms;
	return CAM_ERR_INVALID;
}

static void auto_close(struct camera *cam)
{
	(void)cam;
}

const struct camera_driver camera_auto_driver = {
	.name = "auto",
	.help = "auto[:WxH[@FPS]]",
	.open = auto_open,
	.grab = auto_grab,
	.close = auto_close,
};
