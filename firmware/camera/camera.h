/* SPDX-License-Identifier: MIT */
/* Cameras: a driver is a named table of functions, chosen at run time by a spec string
 * such as "files:DIR" or "v4l2:/dev/video0" (like SDL's video drivers). The simulated
 * twin ("files") is a full driver: it shows images from files, and the headless scenario
 * puts an image in front of it with camera_sim_show().
 *
 * Frames are 8-bit gray (Y800), the plane zbar reads. Firmware knows nothing of app/.
 * Functions return CAM_OK (0) or a negative enum cam_err. */
#ifndef FW_CAMERA_H
#define FW_CAMERA_H

#include <stddef.h>
#include <stdint.h>

/* Camera codes live in -300 .. -399, apart from every other layer's (the table is in
 * app/core/err.h, which knows this header; this header knows nothing of it). */
enum cam_err {
	CAM_OK = 0,
	CAM_ERR_IO = -301,          /* a file or device could not be read */
	CAM_ERR_NOMEM = -302,
	CAM_ERR_INVALID = -303,     /* a bad spec or an image that is not an image */
	CAM_ERR_NO_DRIVER = -304,   /* no driver of that name */
	CAM_ERR_AGAIN = -305,       /* no new frame yet */
	CAM_ERR_END = -306,         /* a finite source (a folder of files) has ended */
	CAM_ERR_GONE = -307,        /* the camera was unplugged */
};
const char *cam_strerror(int err);

struct cam_frame {
	int width, height;
	int stride;             /* bytes from one row to the next */
	const uint8_t *gray;    /* owned by the camera; valid until the next grab or close */
	uint64_t seq;           /* frame counter, from 1 */
	/* A code already decoded by the device (the "hid" barcode scanner): then gray is
	 * NULL, width and height 0, and text holds text_len bytes (NUL-terminated), valid
	 * until the next grab. text_cut is 1 when the scanner sent more than CAM_TEXT_MAX
	 * bytes and the rest was dropped (the rules refuse such a code as malformed). */
	const char *text;
	size_t text_len;
	int text_cut;
};
#define CAM_TEXT_MAX 4096

struct camera;

struct camera_driver {
	const char *name;       /* "files", "v4l2", ... */
	const char *help;       /* one line for --help: the spec's form */
	/* Opens the device described by arg (the part of the spec after "name:", may be "").
	 * Returns CAM_OK and a camera that must be freed with close(), or an error and writes
	 * an English reason into why. */
	int (*open)(const char *arg, struct camera **out, char *why, size_t why_len);
	/* Fills frame with the newest frame, waiting at most timeout_ms (0 = do not wait).
	 * CAM_ERR_AGAIN when there is none yet, CAM_ERR_END when a finite source is done. */
	int (*grab)(struct camera *cam, struct cam_frame *frame, int timeout_ms);
	void (*close)(struct camera *cam);
};

/* The generic part every driver's camera struct starts with. */
struct camera {
	const struct camera_driver *drv; /* always the first member */
};

/* NULL-terminated table of the drivers built in. */
extern const struct camera_driver *const camera_drivers[];

/* Opens "name:arg" (or just "name"). why gets a reason on failure. */
int camera_open(const char *spec, struct camera **out, char *why, size_t why_len);
int camera_grab(struct camera *cam, struct cam_frame *frame, int timeout_ms);
void camera_close(struct camera *cam);

/* ---- the simulated camera ("files:" driver) ---------------------------------------------
 * Spec forms: "files:" (nothing in view until camera_sim_show), "files:DIR" (every image
 * in DIR in name order), "files:A.png,B.jpg" (a list); an optional "@N" suffix sets how
 * many frames each image stays in view (default 3), followed by empty frames. */

/* Puts a gray image in front of the simulated camera (copied); NULL clears the view.
 * Returns CAM_ERR_INVALID when cam is not the simulated camera. */
int camera_sim_show(struct camera *cam, const uint8_t *gray, int w, int h, int stride);
/* Loads an image file (any format SDL2_image reads) and shows it. A "files:" list may
 * also name one .y4m video (YUV4MPEG2, any 8-bit colour space): its frames play once, in
 * order, then CAM_ERR_END, so a recording made at a real door can be replayed. */
int camera_sim_show_file(struct camera *cam, const char *path, char *why, size_t why_len);

/* Loads an image file as 8-bit gray (ITU-R BT.601 luma). *gray must be freed with free().
 * Returns CAM_ERR_IO (unreadable) or CAM_ERR_INVALID (not an image) with a reason. */
int image_load_gray(const char *path, uint8_t **gray, int *w, int *h, char *why, size_t why_len);

/* ---- pixel formats (camera_convert.c), shared by the v4l2 and pipe drivers -------------- */
enum cam_pixfmt {
	CAM_FMT_GREY,    /* 8-bit luma, rows of stride bytes */
	CAM_FMT_YUYV,    /* packed 4:2:2, Y0 U Y1 V; stride >= 2 * width */
	CAM_FMT_NV12,    /* Y plane, then interleaved UV at half size */
	CAM_FMT_YUV420,  /* Y plane, then U and V planes at half size (I420) */
	CAM_FMT_MJPEG,   /* one JPEG image per frame (stride ignored) */
};
/* Bytes one frame of fmt needs at least (the Y plane for the planar formats, since the
 * chroma is not read); 0 for MJPEG, whose size varies. */
size_t cam_frame_bytes(int fmt, int width, int height, int stride);
/* Writes the gray (luma) plane of a frame of format fmt into dst, width x height packed.
 * size is the number of bytes at src. Returns CAM_OK, or CAM_ERR_INVALID when the frame
 * is shorter than its format needs, the sizes are out of range, or the JPEG is broken or
 * of another size. For GREY, NV12 and YUV420 a caller that can use a stride should point
 * at src directly instead: the Y plane is already gray. */
int cam_to_gray(int fmt, const uint8_t *src, size_t size, int width, int height, int stride,
		uint8_t *dst);

/* ---- a child process's frames (camera_pipe.c), shared by the pipe and rpicam drivers --- */
/* Starts argv[0] (looked up on PATH) with argv, its standard output read as raw YUV420
 * frames of width x height (rows padded to 64 bytes, as rpicam-vid writes them). On
 * success *out is a camera to close with camera_close(), which stops the child. With
 * live = 1 the end of the output means the program died: grabs then say CAM_ERR_GONE;
 * with live = 0 CAM_ERR_END (a finite source). Returns CAM_ERR_IO with a reason when the
 * program cannot be run, CAM_ERR_INVALID for a size out of range. */
int cam_pipe_spawn(char *const argv[], int width, int height, int live, struct camera **out,
		   char *why, size_t why_len);

/* ---- the Raspberry Pi camera (camera_rpicam.c) and the automatic choice (camera_auto.c) - */
/* How the rpicam driver waits before starting rpicam-vid again after it died: the n-th
 * death in a row (n >= 1) waits this many ms. Deaths count as in a row unless the camera
 * gave pictures for at least CAM_RPICAM_GOOD_RUN_MS in between. */
#define CAM_RPICAM_FIRST_WAIT_MS 1000
#define CAM_RPICAM_MAX_WAIT_MS 30000
#define CAM_RPICAM_GOOD_RUN_MS 30000
int cam_rpicam_backoff_ms(int deaths);
/* Forgets the deaths counted so far (tests; a fresh start). */
void cam_rpicam_backoff_reset(void);

/* The first USB webcam's capture node under the sysfs root given (NULL = /sys): the
 * lowest-numbered video4linux device that sits on a USB bus and is its device's first
 * node (UVC cameras also make a metadata node). Writes "/dev/videoN" into path and
 * returns CAM_OK, or CAM_ERR_IO when there is none. */
int cam_find_usb_webcam(const char *sysfs, char *path, size_t path_len);
/* 1 when `rpicam-vid --list-cameras` (the first one on PATH) names at least one camera,
 * else 0 (no program, no camera, or no answer within a few seconds). */
int cam_rpicam_present(void);

/* ---- the USB barcode scanner's key events (camera_hid.c) ----------------------------------
 * A scanner that types like a keyboard sends key codes of a US layout whatever layout the
 * system has; reading evdev ourselves maps them without the system's keymap. */
struct cam_hid_parser {
	int shift;              /* a Shift key is down */
	size_t len;
	int cut;                /* more than CAM_TEXT_MAX characters arrived */
	char buf[CAM_TEXT_MAX + 1];
};
void cam_hid_init(struct cam_hid_parser *p);
/* Feeds one evdev event (type, code, value as in struct input_event). Returns 1 when an
 * Enter completed a code (p->buf, p->len, p->cut hold it until the next feed), else 0.
 * Key releases, repeats, keys with no character and an Enter with nothing before it are
 * ignored. */
int cam_hid_feed(struct cam_hid_parser *p, unsigned type, unsigned code, int value);

#endif
