/* SPDX-License-Identifier: MIT */
/* "rpicam[:WxH[@FPS]]": the Raspberry Pi camera module (CSI) through `rpicam-vid`, the
 * Raspberry Pi OS program over libcamera (a C++ library we do not link). It writes raw
 * YUV420 frames to its standard output, which the pipe reader (camera_pipe.c) takes:
 *
 *   rpicam-vid -t 0 -n --codec yuv420 --width 1280 --height 720 --framerate 30 --flush -o -
 *
 * YUV420 rather than MJPEG: its luma plane is the gray frame zbar reads, handed on without
 * a copy, where MJPEG would cost the Pi a JPEG decode per frame.
 *
 * rpicam-vid can die (a loose ribbon cable, the camera stack restarting, the program
 * killed): a grab then says CAM_ERR_GONE, the door reports "camera lost" to staff and opens
 * the camera again a few seconds later, which starts rpicam-vid again. A program that dies
 * again and again is not started in a tight loop: each death in a row doubles the wait
 * before the next start (CAM_RPICAM_FIRST_WAIT_MS up to CAM_RPICAM_MAX_WAIT_MS), and an
 * open during the wait fails with the time left as its reason. A camera that stops giving
 * pictures while its program lives (CAM_RPICAM_STALL_MS) is treated as dead too.
 *
 * The count of deaths is kept in this file, not in the camera: a camera object ends with
 * its program, and a kiosk has one Pi camera. Only the door thread opens cameras. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera/camera.h"

#define CAM_RPICAM_STALL_MS 10000   /* pictures stopped this long: the program is hung */
#define CAM_RPICAM_START_MS 15000   /* a fresh start may take this long to give a picture */

struct rpicam_cam {
	struct camera base;         /* always the first member */
	struct camera *pipe;        /* the pipe reader of rpicam-vid's output */
	double started_ms, last_frame_ms;
	uint64_t frames;
	int dead;                   /* its death was counted */
};

extern const struct camera_driver camera_rpicam_driver;

static struct {
	int deaths;                 /* deaths in a row */
	double not_before_ms;       /* no start before this (monotonic ms) */
} backoff;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* The wait after the deaths-th death in a row: 1 s, 2 s, 4 s ... at most 30 s. */
int cam_rpicam_backoff_ms(int deaths)
{
	long ms = CAM_RPICAM_FIRST_WAIT_MS;
	for (int i = 1; i < deaths && ms < CAM_RPICAM_MAX_WAIT_MS; i++)
		ms *= 2;
	return ms > CAM_RPICAM_MAX_WAIT_MS ? CAM_RPICAM_MAX_WAIT_MS : (int)ms;
}

void cam_rpicam_backoff_reset(void)
{
	backoff.deaths = 0;
	backoff.not_before_ms = 0;
}

/* Counts a death of the camera's program, once. */
static void count_death(struct rpicam_cam *c)
{
	double now = now_ms();
	if (c->dead)
		return;
	c->dead = 1;
	/* a long good run in between: this death starts a new series */
	if (c->frames > 0 && now - c->started_ms >= CAM_RPICAM_GOOD_RUN_MS)
		backoff.deaths = 0;
	backoff.deaths++;
	backoff.not_before_ms = now + cam_rpicam_backoff_ms(backoff.deaths);
}

static void rpicam_close(struct camera *cam)
{
	struct rpicam_cam *c = (struct rpicam_cam *)cam;
	if (c->pipe)
		c->pipe->drv->close(c->pipe);
	free(c);
}

static int rpicam_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	int w = 1280, h = 720, fps = 30, rc;
	char ws[16], hs[16], fs[16];
	char *argv[] = { "rpicam-vid", "-t", "0", "-n", "--codec", "yuv420", "--width", ws,
			 "--height", hs, "--framerate", fs, "--flush", "-o", "-", NULL };
	struct rpicam_cam *c;
	double now = now_ms();

	*out = NULL;
	if (arg && *arg) {
		char tail;
		int k = sscanf(arg, "%dx%d@%d%c", &w, &h, &fps, &tail);
		if (k < 2 || k == 4 || w < 16 || h < 16 || w > 4608 || h > 4608 || fps < 1 || fps > 120) {
			snprintf(why, why_len, "rpicam: bad setting '%s' (use WxH or WxH@FPS, such as "
				 "rpicam:1280x720@30)", arg);
			return CAM_ERR_INVALID;
		}
	}
	if (now < backoff.not_before_ms) {
		snprintf(why, why_len, "rpicam-vid stopped %d time%s in a row; it is started again "
			 "in %.0f s", backoff.deaths, backoff.deaths == 1 ? "" : "s",
			 (backoff.not_before_ms - now) / 1000.0 + 0.5);
		return CAM_ERR_IO;
	}
	snprintf(ws, sizeof ws, "%d", w);
	snprintf(hs, sizeof hs, "%d", h);
	snprintf(fs, sizeof fs, "%d", fps);
	c = calloc(1, sizeof *c);
	if (!c)
		return CAM_ERR_NOMEM;
	c->base.drv = &camera_rpicam_driver;
	rc = cam_pipe_spawn(argv, w, h, 1, &c->pipe, why, why_len);
	if (rc != CAM_OK) {
		free(c);
		if (rc == CAM_ERR_IO && strstr(why, "No such file"))
			snprintf(why, why_len, "rpicam-vid is not installed (package rpicam-apps): "
				 "install it for the Pi camera, or use a USB webcam");
		return rc;
	}
	c->started_ms = c->last_frame_ms = now;
	*out = &c->base;
	return CAM_OK;
}

static int rpicam_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	struct rpicam_cam *c = (struct rpicam_cam *)cam;
	int rc;
	double now;

	if (c->dead)
		return CAM_ERR_GONE;
	rc = c->pipe->drv->grab(c->pipe, f, timeout_ms);
	now = now_ms();
	if (rc == CAM_OK) {
		c->frames++;
		c->last_frame_ms = now;
		return CAM_OK;
	}
	if (rc == CAM_ERR_AGAIN) {
		double quiet = now - c->last_frame_ms;
		if (quiet < (c->frames ? CAM_RPICAM_STALL_MS : CAM_RPICAM_START_MS))
			return CAM_ERR_AGAIN;
		/* alive but silent: closing the camera stops the program */
	}
	count_death(c);
	return CAM_ERR_GONE;
}

const struct camera_driver camera_rpicam_driver = {
	.name = "rpicam",
	.help = "rpicam[:WxH[@FPS]]",
	.open = rpicam_open,
	.grab = rpicam_grab,
	.close = rpicam_close,
};
