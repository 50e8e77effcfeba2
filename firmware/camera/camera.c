/* SPDX-License-Identifier: MIT */
/* Camera driver table and dispatch (see camera.h). A spec "name:arg" picks a driver by
 * name at run time, as SDL picks a video driver, so the headless kiosk is the same program
 * with "files:" instead of "v4l2:/dev/video0". The thin wrappers below are where logging
 * and fault hooks go when they are needed. Each driver lives in its own camera_NAME.c. */
#include "camera/camera.h"
#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

/* Defined in camera_files.c; one line per driver file, in the order --help lists them. */
extern const struct camera_driver camera_files_driver;
extern const struct camera_driver camera_v4l2_driver;
extern const struct camera_driver camera_pipe_driver;
extern const struct camera_driver camera_rpicam_driver;
extern const struct camera_driver camera_auto_driver;
extern const struct camera_driver camera_hid_driver;

const struct camera_driver *const camera_drivers[] = {
	&camera_files_driver,
	&camera_v4l2_driver,
	&camera_pipe_driver,
	&camera_rpicam_driver,
	&camera_auto_driver,
	&camera_hid_driver,
	NULL,
};

/* A short English phrase for an enum cam_err value, for logs; never NULL, static. */
const char *cam_strerror(int err)
{
	switch (err) {
	case CAM_OK: return "success";
	case CAM_ERR_IO: return "cannot read the camera or file";
	case CAM_ERR_NOMEM: return "out of memory";
	case CAM_ERR_INVALID: return "invalid camera spec or image";
	case CAM_ERR_NO_DRIVER: return "no such camera driver";
	case CAM_ERR_AGAIN: return "no new frame yet";
	case CAM_ERR_END: return "no more frames";
	case CAM_ERR_GONE: return "camera unplugged";
	}
	return "unknown camera error";
}

/* Opens the camera a spec names: "name" or "name:arg", where arg means what the driver
 * says (its help line). On success *out must be closed with camera_close(). Returns
 * CAM_ERR_NO_DRIVER for an unknown name (why then lists the known spec forms),
 * CAM_ERR_INVALID for a NULL spec, or the driver's own error and reason. */
int camera_open(const char *spec, struct camera **out, char *why, size_t why_len)
{
	if (why && why_len)
		why[0] = '\0';
	if (!out)
		return CAM_ERR_INVALID;
	*out = NULL;
	if (!spec) {
		if (why && why_len)
			snprintf(why, why_len, "no camera given");
		return CAM_ERR_INVALID;
	}
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	char known[256] = "";
	size_t used = 0;

	for (const struct camera_driver *const *d = camera_drivers; *d; d++) {
		if (strlen((*d)->name) == n && strncmp((*d)->name, spec, n) == 0) {
			/* a reopen after an unplug is one more open in the trace */
			int rc = (*d)->open(colon ? colon + 1 : "", out, why, why_len);
			vk_trace(VK_TRACE_CAMERA, "open %s: %s%s%s", spec,
				 rc ? cam_strerror(rc) : "ok", rc && why && why_len ? ": " : "",
				 rc && why && why_len ? why : "");
			return rc;
		}
		if (used < sizeof known)
			used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
						 used ? ", " : "", (*d)->help);
	}
	if (why && why_len)
		snprintf(why, why_len, "no camera driver '%.*s' (known: %s)", (int)n, spec, known);
	return CAM_ERR_NO_DRIVER;
}

/* Fills frame with the camera's newest frame (see struct camera_driver's grab). */
int camera_grab(struct camera *cam, struct cam_frame *frame, int timeout_ms)
{
	if (!cam || !frame)
		return CAM_ERR_INVALID;
	int rc = cam->drv->grab(cam, frame, timeout_ms);
	/* "no frame yet" is the normal idle answer: only real failures are traced */
	if (rc != CAM_OK && rc != CAM_ERR_AGAIN)
		vk_trace(VK_TRACE_CAMERA, "frame: %s", cam_strerror(rc));
	return rc;
}

/* Closes a camera from camera_open(); NULL is allowed. Frames it gave become invalid. */
void camera_close(struct camera *cam)
{
	if (cam) {
		vk_trace(VK_TRACE_CAMERA, "close");
		cam->drv->close(cam);
	}
}
