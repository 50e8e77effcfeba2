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

enum cam_err {
	CAM_OK = 0,
	CAM_ERR_IO = -1,          /* a file or device could not be read */
	CAM_ERR_NOMEM = -2,
	CAM_ERR_INVALID = -3,     /* a bad spec or an image that is not an image */
	CAM_ERR_NO_DRIVER = -4,   /* no driver of that name */
	CAM_ERR_AGAIN = -5,       /* no new frame yet */
	CAM_ERR_END = -6,         /* a finite source (a folder of files) has ended */
	CAM_ERR_GONE = -7,        /* the camera was unplugged */
};
const char *cam_strerror(int err);

struct cam_frame {
	int width, height;
	int stride;             /* bytes from one row to the next */
	const uint8_t *gray;    /* owned by the camera; valid until the next grab or close */
	uint64_t seq;           /* frame counter, from 1 */
};

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
/* Loads an image file (any format SDL2_image reads) and shows it. */
int camera_sim_show_file(struct camera *cam, const char *path, char *why, size_t why_len);

/* Loads an image file as 8-bit gray (ITU-R BT.601 luma). *gray must be freed with free().
 * Returns CAM_ERR_IO (unreadable) or CAM_ERR_INVALID (not an image) with a reason. */
int image_load_gray(const char *path, uint8_t **gray, int *w, int *h, char *why, size_t why_len);

#endif
