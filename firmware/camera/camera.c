/* SPDX-License-Identifier: MIT */
/* Camera driver table and dispatch (see camera.h): a spec "name:arg" picks a driver by
 * name, like SDL's video drivers. The thin wrappers are where logging and fault hooks go. */
#include "camera/camera.h"

#include <stdio.h>
#include <string.h>

extern const struct camera_driver camera_files_driver;

const struct camera_driver *const camera_drivers[] = {
	&camera_files_driver,
	NULL,
};

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

int camera_open(const char *spec, struct camera **out, char *why, size_t why_len)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;
	size_t n = colon ? (size_t)(colon - spec) : (spec ? strlen(spec) : 0);
	char known[256] = "";

	*out = NULL;
	for (const struct camera_driver *const *d = camera_drivers; *d; d++) {
		if (strlen((*d)->name) == n && strncmp((*d)->name, spec, n) == 0)
			return (*d)->open(colon ? colon + 1 : "", out, why, why_len);
		snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
			 known[0] ? ", " : "", (*d)->help);
	}
	if (why && why_len)
		snprintf(why, why_len, "no camera driver '%.*s' (known: %s)", (int)n, spec ? spec : "", known);
	return CAM_ERR_NO_DRIVER;
}

int camera_grab(struct camera *cam, struct cam_frame *frame, int timeout_ms)
{
	return cam->drv->grab(cam, frame, timeout_ms);
}

void camera_close(struct camera *cam)
{
	if (cam)
		cam->drv->close(cam);
}
