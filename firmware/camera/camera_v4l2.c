/* SPDX-License-Identifier: MIT */
/* "v4l2:/dev/videoN[,WxH[@FPS]]": a USB (UVC) webcam through Video4Linux2.
 *
 * mmap streaming with V4L2_BUFS buffers; each grab dequeues every frame that is ready and
 * keeps only the newest, so a slow scan never works on a stale picture. Formats, in the
 * order we ask for them: GREY, NV12, YUV420 (luma handed on in place, with the driver's
 * stride, the buffer held until the next grab), then MJPEG and YUYV (converted into our
 * own plane, camera_convert.c). Above 640x480 MJPEG comes before YUYV: USB 2.0 carries
 * 720p YUYV at about 10 fps only. Default 1280x720 at up to 30 fps; the driver may
 * adjust the size, which the frames then report.
 *
 * Unplugging: a failed poll or ioctl with ENODEV (or similar) closes the device and the
 * grab returns CAM_ERR_GONE; each later grab tries to open the same path again (at most
 * every V4L2_RETRY_MS) and returns CAM_ERR_GONE until the camera is back, then frames
 * again. No V4L2 device can exist on the build machine, so the unit tests cover the
 * conversions and the errors; on a Raspberry Pi with a UVC webcam, check by hand:
 *   v4l2-ctl --list-formats-ext -d /dev/video0      (what the camera offers)
 *   vkhid run --camera v4l2:/dev/video0,1280x720@30 (show a ticket; unplug the camera:
 *   "camera missing"; plug it back: scanning resumes within a second)
 *
 * Map: device set-up (open_device, choose_format, start_stream), tear-down, grab. */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "camera/camera.h"

#define V4L2_BUFS 4
#define V4L2_RETRY_MS 500

struct v4l2_cam {
	struct camera base;        /* always the first member */
	char path[256];
	int want_w, want_h, want_fps;
	int fd;                    /* -1 while the camera is missing */
	int fmt;                   /* enum cam_pixfmt */
	int width, height, stride;
	struct { void *start; size_t length; } buf[V4L2_BUFS];
	int nbuf;
	int held;                  /* buffer index lent to the caller, or -1 */
	uint8_t *gray;             /* our plane for YUYV and MJPEG */
	int64_t retry_at_ms;
	uint64_t seq;
};

extern const struct camera_driver camera_v4l2_driver;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ioctl, retried when a signal interrupts it. */
static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;
	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

/* ---- tear-down -------------------------------------------------------------------------- */
static void stop_device(struct v4l2_cam *c)
{
	if (c->fd >= 0) {
		enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		(void)xioctl(c->fd, VIDIOC_STREAMOFF, &type);
	}
	for (int i = 0; i < c->nbuf; i++)
		if (c->buf[i].start && c->buf[i].start != MAP_FAILED)
			munmap(c->buf[i].start, c->buf[i].length);
	c->nbuf = 0;
	c->held = -1;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* ---- set-up ---------------------------------------------------------------------------- */
static const struct { uint32_t fourcc; int fmt; } formats_small[] = {
	{ V4L2_PIX_FMT_GREY, CAM_FMT_GREY }, { V4L2_PIX_FMT_NV12, CAM_FMT_NV12 },
	{ V4L2_PIX_FMT_YUV420, CAM_FMT_YUV420 }, { V4L2_PIX_FMT_YUYV, CAM_FMT_YUYV },
	{ V4L2_PIX_FMT_MJPEG, CAM_FMT_MJPEG },
}, formats_large[] = {
	{ V4L2_PIX_FMT_GREY, CAM_FMT_GREY }, { V4L2_PIX_FMT_NV12, CAM_FMT_NV12 },
	{ V4L2_PIX_FMT_YUV420, CAM_FMT_YUV420 }, { V4L2_PIX_FMT_MJPEG, CAM_FMT_MJPEG },
	{ V4L2_PIX_FMT_YUYV, CAM_FMT_YUYV },
};

/* Sets the first format of our list the device accepts as it is. */
static int choose_format(struct v4l2_cam *c, char *why, size_t why_len)
{
	int large = c->want_w * c->want_h > 640 * 480;
	size_t n = large ? sizeof formats_large / sizeof formats_large[0]
			 : sizeof formats_small / sizeof formats_small[0];
	for (size_t i = 0; i < n; i++) {
		uint32_t fourcc = large ? formats_large[i].fourcc : formats_small[i].fourcc;
		struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
		f.fmt.pix.width = (uint32_t)c->want_w;
		f.fmt.pix.height = (uint32_t)c->want_h;
		f.fmt.pix.pixelformat = fourcc;
		f.fmt.pix.field = V4L2_FIELD_NONE;
		if (xioctl(c->fd, VIDIOC_S_FMT, &f) < 0 || f.fmt.pix.pixelformat != fourcc)
			continue;
		c->fmt = large ? formats_large[i].fmt : formats_small[i].fmt;
		c->width = (int)f.fmt.pix.width;
		c->height = (int)f.fmt.pix.height;
		c->stride = (int)f.fmt.pix.bytesperline;
		if (c->fmt == CAM_FMT_MJPEG || c->stride == 0)
			c->stride = c->fmt == CAM_FMT_YUYV ? 2 * c->width : c->width;
		if (c->width < 16 || c->height < 16 || c->width > 8192 || c->height > 8192)
			continue;
		return CAM_OK;
	}
	snprintf(why, why_len, "%s offers none of GREY, NV12, YUV420, YUYV, MJPEG", c->path);
	return CAM_ERR_INVALID;
}

static int start_stream(struct v4l2_cam *c, char *why, size_t why_len)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = { .count = V4L2_BUFS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					   .memory = V4L2_MEMORY_MMAP };

	/* A rate is a wish: cameras that cannot set one keep their own. */
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = (uint32_t)c->want_fps;
	(void)xioctl(c->fd, VIDIOC_S_PARM, &parm);

	if (xioctl(c->fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 2) {
		snprintf(why, why_len, "%s: no streaming buffers: %s", c->path, strerror(errno));
		return CAM_ERR_IO;
	}
	c->nbuf = (int)(req.count > V4L2_BUFS ? V4L2_BUFS : req.count);
	for (int i = 0; i < c->nbuf; i++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
					 .index = (uint32_t)i };
		if (xioctl(c->fd, VIDIOC_QUERYBUF, &b) < 0)
			goto fail;
		c->buf[i].length = b.length;
		c->buf[i].start = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, b.m.offset);
		if (c->buf[i].start == MAP_FAILED)
			goto fail;
		if (xioctl(c->fd, VIDIOC_QBUF, &b) < 0)
			goto fail;
	}
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (xioctl(c->fd, VIDIOC_STREAMON, &type) < 0)
		goto fail;
	return CAM_OK;
fail:
	snprintf(why, why_len, "%s: cannot start streaming: %s", c->path, strerror(errno));
	return CAM_ERR_IO;
}

static int open_device(struct v4l2_cam *c, char *why, size_t why_len)
{
	struct v4l2_capability cap;
	int rc;

	c->fd = open(c->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (c->fd < 0) {
		snprintf(why, why_len, "cannot open %s: %s", c->path, strerror(errno));
		return errno == ENOENT || errno == ENODEV ? CAM_ERR_GONE : CAM_ERR_IO;
	}
	memset(&cap, 0, sizeof cap);
	if (xioctl(c->fd, VIDIOC_QUERYCAP, &cap) < 0) {
		snprintf(why, why_len, "%s is not a V4L2 device", c->path);
		rc = CAM_ERR_INVALID;
		goto fail;
	}
	uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
	if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
		snprintf(why, why_len, "%s cannot stream video (on a Raspberry Pi the camera module "
			 "is read with pipe:rpicam-vid ...)", c->path);
		rc = CAM_ERR_INVALID;
		goto fail;
	}
	rc = choose_format(c, why, why_len);
	if (rc == CAM_OK)
		rc = start_stream(c, why, why_len);
	if (rc == CAM_OK && (c->fmt == CAM_FMT_YUYV || c->fmt == CAM_FMT_MJPEG)) {
		uint8_t *g = realloc(c->gray, (size_t)c->width * c->height);
		if (!g)
			rc = CAM_ERR_NOMEM;
		else
			c->gray = g;
	}
	if (rc == CAM_OK)
		return CAM_OK;
fail:
	stop_device(c);
	return rc;
}

static void v4l2_close(struct camera *cam)
{
	struct v4l2_cam *c = (struct v4l2_cam *)cam;
	stop_device(c);
	free(c->gray);
	free(c);
}

/* Parses "/dev/videoN[,WxH[@FPS]]". */
static int v4l2_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	struct v4l2_cam *c = calloc(1, sizeof *c);
	const char *comma = arg ? strchr(arg, ',') : NULL;
	size_t n = comma ? (size_t)(comma - arg) : (arg ? strlen(arg) : 0);
	int rc;

	*out = NULL;
	if (!c)
		return CAM_ERR_NOMEM;
	c->base.drv = &camera_v4l2_driver;
	c->fd = -1;
	c->held = -1;
	c->want_w = 1280;
	c->want_h = 720;
	c->want_fps = 30;
	if (n == 0 || n >= sizeof c->path) {
		snprintf(why, why_len, "v4l2: needs a device, e.g. v4l2:/dev/video0 or v4l2:/dev/video0,640x480@30");
		free(c);
		return CAM_ERR_INVALID;
	}
	memcpy(c->path, arg, n);
	if (comma) {
		char tail;
		int k = sscanf(comma + 1, "%dx%d@%d%c", &c->want_w, &c->want_h, &c->want_fps, &tail);
		if (k < 2 || k == 4 || c->want_w < 16 || c->want_h < 16 || c->want_w > 8192 ||
		    c->want_h > 8192 || c->want_fps < 1 || c->want_fps > 240) {
			snprintf(why, why_len, "v4l2: bad setting '%s' (use WxH or WxH@FPS)", comma + 1);
			free(c);
			return CAM_ERR_INVALID;
		}
	}
	rc = open_device(c, why, why_len);
	if (rc != CAM_OK) {
		if (rc == CAM_ERR_GONE)
			rc = CAM_ERR_IO; /* at start, a missing camera is a mistake to report */
		v4l2_close(&c->base);
		return rc;
	}
	*out = &c->base;
	return CAM_OK;
}

/* ---- grab ------------------------------------------------------------------------------ */
static int gone(struct v4l2_cam *c)
{
	stop_device(c);
	c->retry_at_ms = mono_ms() + V4L2_RETRY_MS;
	return CAM_ERR_GONE;
}

static int v4l2_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	struct v4l2_cam *c = (struct v4l2_cam *)cam;
	struct v4l2_buffer b, newest;
	int have = 0;

	if (c->fd < 0) {
		char why[256];
		if (mono_ms() < c->retry_at_ms || open_device(c, why, sizeof why) != CAM_OK) {
			if (c->fd < 0 && mono_ms() >= c->retry_at_ms)
				c->retry_at_ms = mono_ms() + V4L2_RETRY_MS;
			return CAM_ERR_GONE;
		}
	}
	/* the buffer lent out last time goes back to the driver first */
	if (c->held >= 0) {
		struct v4l2_buffer q = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
					 .index = (uint32_t)c->held };
		c->held = -1;
		if (xioctl(c->fd, VIDIOC_QBUF, &q) < 0)
			return gone(c);
	}
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int r;
	do
		r = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : 0);
	while (r < 0 && errno == EINTR);
	if (r < 0 || (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)))
		return gone(c);
	if (r == 0)
		return CAM_ERR_AGAIN;
	/* take every ready frame; all but the newest go straight back */
	for (;;) {
		memset(&b, 0, sizeof b);
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(c->fd, VIDIOC_DQBUF, &b) < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EIO) /* a damaged frame; the buffer is still ours to queue */
				continue;
			return gone(c);
		}
		if (have && xioctl(c->fd, VIDIOC_QBUF, &newest) < 0)
			return gone(c);
		newest = b;
		have = 1;
	}
	if (!have)
		return CAM_ERR_AGAIN;
	if (newest.index >= (uint32_t)c->nbuf)
		return gone(c);
	const uint8_t *px = c->buf[newest.index].start;
	size_t used = newest.bytesused ? newest.bytesused : c->buf[newest.index].length;
	memset(f, 0, sizeof *f);
	f->width = c->width;
	f->height = c->height;
	if (c->fmt == CAM_FMT_GREY || c->fmt == CAM_FMT_NV12 || c->fmt == CAM_FMT_YUV420) {
		if (used < cam_frame_bytes(c->fmt, c->width, c->height, c->stride)) {
			(void)xioctl(c->fd, VIDIOC_QBUF, &newest);
			return CAM_ERR_AGAIN; /* a short frame: wait for the next */
		}
		/* no copy: the caller reads the driver's buffer until the next grab */
		c->held = (int)newest.index;
		f->gray = px;
		f->stride = c->stride;
	} else {
		int rc = cam_to_gray(c->fmt, px, used, c->width, c->height, c->stride, c->gray);
		if (xioctl(c->fd, VIDIOC_QBUF, &newest) < 0)
			return gone(c);
		if (rc != CAM_OK)
			return CAM_ERR_AGAIN; /* a corrupt JPEG now and then is normal for webcams */
		f->gray = c->gray;
		f->stride = c->width;
	}
	f->seq = ++c->seq;
	return CAM_OK;
}

const struct camera_driver camera_v4l2_driver = {
	.name = "v4l2",
	.help = "v4l2:/dev/videoN[,WxH[@FPS]]",
	.open = v4l2_open,
	.grab = v4l2_grab,
	.close = v4l2_close,
};
