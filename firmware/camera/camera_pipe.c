/* SPDX-License-Identifier: MIT */
/* "pipe:COMMAND": raw YUV420 frames read from a child process's standard output. Made for
 * the Raspberry Pi camera module, which only libcamera (C++) drives:
 *
 *   pipe:rpicam-vid -t 0 -n --codec yuv420 --width 1280 --height 720 -o -
 *
 * The frame size comes from the command's --width and --height. rpicam-vid pads each row
 * to a multiple of 64 bytes (the chroma rows to half that), so a frame is stride * H luma
 * bytes followed by two chroma planes of (stride / 2) * ceil(H / 2). The luma plane is
 * the gray frame as it is: it is handed on with its stride, never copied.
 *
 * Frames are read as they come (the pipe is non-blocking) into two buffers; a grab
 * returns the newest complete one, so a slow scan never falls behind the camera. The end
 * of the child's output ends the source (CAM_ERR_END); close stops the child.
 *
 * The same reader serves the "rpicam" driver (camera_rpicam.c) through cam_pipe_spawn():
 * there the child is a live camera, so the end of its output means it died and a grab
 * says CAM_ERR_GONE (the door then starts it again). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "camera/camera.h"

#define PIPE_MAX_SIDE 8192

struct pipe_cam {
	struct camera base;        /* always the first member */
	pid_t child;
	int fd;
	int width, height, stride;
	size_t frame_bytes;
	uint8_t *buf[2];           /* buf[fill] is being read into; buf[!fill] is the newest */
	int fill;
	size_t have;               /* bytes of buf[fill] read so far */
	int have_frame;            /* buf[!fill] holds a complete frame not yet returned */
	int ended;
	int live;                  /* the end of the output is a death (CAM_ERR_GONE) */
	uint64_t seq;
};

extern const struct camera_driver camera_pipe_driver;

/* The number after "--NAME " or "--NAME=" in the command, or 0. */
static long option_value(const char *cmd, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(cmd, name); p; p = strstr(p + 1, name)) {
		if ((p != cmd && p[-1] != ' ' && p[-1] != '\t') || (p[n] != ' ' && p[n] != '='))
			continue;
		return strtol(p + n + 1, NULL, 10);
	}
	return 0;
}

static void pipe_close(struct camera *cam)
{
	struct pipe_cam *c = (struct pipe_cam *)cam;
	if (c->fd >= 0)
		close(c->fd);
	if (c->child > 0) {
		/* closing the pipe makes a writer fail with EPIPE; a child that is not
		 * writing is told to stop */
		kill(c->child, SIGTERM);
		/* a camera program that ignores it must not hang the door: after 2 s it is
		 * killed */
		for (int i = 0; i < 200; i++) {
			pid_t r = waitpid(c->child, NULL, WNOHANG);
			if (r == c->child || (r < 0 && errno != EINTR)) {
				c->child = 0;
				break;
			}
			if (r == 0)
				usleep(10000);
		}
		if (c->child > 0) {
			kill(c->child, SIGKILL);
			while (waitpid(c->child, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
	free(c->buf[0]);
	free(c->buf[1]);
	free(c);
}

/* Starts argv[0] with its standard output into a new pipe camera (see camera.h). */
int cam_pipe_spawn(char *const argv[], int width, int height, int live, struct camera **out,
		   char *why, size_t why_len)
{
	struct pipe_cam *c;
	int fds[2], err[2];

	*out = NULL;
	if (width < 16 || height < 16 || width > PIPE_MAX_SIDE || height > PIPE_MAX_SIDE) {
		snprintf(why, why_len, "the frame size must be 16..%d pixels a side", PIPE_MAX_SIDE);
		return CAM_ERR_INVALID;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		return CAM_ERR_NOMEM;
	c->base.drv = &camera_pipe_driver;
	c->fd = -1;
	c->live = live;
	c->width = width;
	c->height = height;
	c->stride = (width + 63) / 64 * 64;
	c->frame_bytes = (size_t)c->stride * c->height + 2 * (size_t)(c->stride / 2) * ((c->height + 1) / 2);
	c->buf[0] = malloc(c->frame_bytes);
	c->buf[1] = malloc(c->frame_bytes);
	if (!c->buf[0] || !c->buf[1]) {
		pipe_close(&c->base);
		return CAM_ERR_NOMEM;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		pipe_close(&c->base);
		return CAM_ERR_IO;
	}
	/* a second pipe tells the parent whether exec worked: a missing program is a
	 * reason to report, not a camera whose output merely ends */
	if (pipe2(err, O_CLOEXEC) != 0) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		pipe_close(&c->base);
		return CAM_ERR_IO;
	}
	c->child = fork();
	if (c->child < 0) {
		snprintf(why, why_len, "cannot start a process: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		close(err[0]);
		close(err[1]);
		pipe_close(&c->base);
		return CAM_ERR_IO;
	}
	if (c->child == 0) {
		int e;
		dup2(fds[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		e = errno;
		if (write(err[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(fds[1]);
	close(err[1]);
	{
		int e = 0;
		ssize_t n;
		while ((n = read(err[0], &e, sizeof e)) < 0 && errno == EINTR)
			;
		close(err[0]);
		if (n == (ssize_t)sizeof e) {
			snprintf(why, why_len, "cannot run %s: %s", argv[0], strerror(e));
			close(fds[0]);
			pipe_close(&c->base);
			return CAM_ERR_IO;
		}
	}
	c->fd = fds[0];
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	*out = &c->base;
	return CAM_OK;
}

static int pipe_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	long w = arg ? option_value(arg, "--width") : 0, h = arg ? option_value(arg, "--height") : 0;
	char *argv[] = { "/bin/sh", "-c", (char *)arg, NULL };
	int rc;

	*out = NULL;
	if (!arg || !*arg) {
		snprintf(why, why_len, "pipe: needs a command that writes YUV420 frames");
		return CAM_ERR_INVALID;
	}
	if (w < 16 || h < 16 || w > PIPE_MAX_SIDE || h > PIPE_MAX_SIDE) {
		snprintf(why, why_len, "pipe: the command must say its frame size with --width W "
			 "--height H (16..%d)", PIPE_MAX_SIDE);
		return CAM_ERR_INVALID;
	}
	rc = cam_pipe_spawn(argv, (int)w, (int)h, 0, out, why, why_len);
	return rc;
}

/* Reads what the pipe holds now; every completed frame becomes the newest. Returns CAM_OK,
 * or CAM_ERR_END at the end of the output. */
static int drain(struct pipe_cam *c)
{
	for (;;) {
		ssize_t n = read(c->fd, c->buf[c->fill] + c->have, c->frame_bytes - c->have);
		if (n > 0) {
			c->have += (size_t)n;
			if (c->have == c->frame_bytes) {
				c->fill = !c->fill;
				c->have = 0;
				c->have_frame = 1;
			}
			continue;
		}
		if (n == 0)
			return CAM_ERR_END;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? CAM_OK : CAM_ERR_IO;
	}
}

static int pipe_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	struct pipe_cam *c = (struct pipe_cam *)cam;
	int rc = c->ended ? CAM_ERR_END : drain(c);

	if (rc == CAM_ERR_END)
		c->ended = 1;
	else if (rc != CAM_OK)
		return rc;
	while (!c->have_frame && !c->ended && timeout_ms > 0) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		rc = drain(c);
		if (rc == CAM_ERR_END)
			c->ended = 1;
		else if (rc != CAM_OK)
			return rc;
		/* a partial frame: keep waiting, but no longer than one frame's worth */
		timeout_ms = timeout_ms > 40 ? 40 : timeout_ms;
	}
	if (!c->have_frame)
		return c->ended ? (c->live ? CAM_ERR_GONE : CAM_ERR_END) : CAM_ERR_AGAIN;
	c->have_frame = 0;
	memset(f, 0, sizeof *f);
	f->gray = c->buf[!c->fill];
	f->width = c->width;
	f->height = c->height;
	f->stride = c->stride;
	f->seq = ++c->seq;
	return CAM_OK;
}

const struct camera_driver camera_pipe_driver = {
	.name = "pipe",
	.help = "pipe:COMMAND (raw YUV420 on stdout, with --width W --height H)",
	.open = pipe_open,
	.grab = pipe_grab,
	.close = pipe_close,
};
