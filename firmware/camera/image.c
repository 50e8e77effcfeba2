/* SPDX-License-Identifier: MIT */
/* Image files -> 8-bit gray planes, for the simulated camera and for `vkhid scan FILE`.
 *
 * SDL2_image decodes the file (PNG, JPEG, BMP, GIF, TGA, ... whatever it was built with);
 * we convert the surface to one known 32-bit layout and take ITU-R BT.601 luma, the Y that
 * a camera's YUV output would carry. No SDL subsystem needs initialising for this, so the
 * camera thread and command-line tools can call it without a window. */
#include "camera/camera.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL.h>
#include <SDL_image.h>

/* No camera gives more, and a bigger picture is more likely a mistake or a decompression
 * bomb than a ticket. */
#define IMAGE_MAX_SIDE 8192

/* Writes a reason into why, which callers may leave NULL. */
__attribute__((format(printf, 3, 4)))
static void say(char *why, size_t why_len, const char *fmt, ...)
{
	if (!why || !why_len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

/* The extension of path without its dot ("" when none): SDL2_image uses it as a hint for
 * formats that carry no signature of their own, such as TGA. */
static const char *extension_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	return dot ? dot + 1 : "";
}

/* Reads the image file at path and returns it as a packed 8-bit gray plane (stride ==
 * width) in *gray, which the caller frees with free(), and its size in *w, *h. Pixels
 * with alpha are composited over white first, as a transparent PNG of a QR code is
 * meant to be seen on paper. Returns CAM_OK; CAM_ERR_IO when the file cannot be opened or
 * is not a regular file; CAM_ERR_INVALID when it is not an image SDL2_image can decode,
 * or is larger than 8192 pixels on a side; CAM_ERR_NOMEM. On error *gray is NULL and why
 * (if not NULL) holds an English reason naming the file. */
int image_load_gray(const char *path, uint8_t **gray, int *w, int *h, char *why, size_t why_len)
{
	SDL_Surface *loaded = NULL, *rgba = NULL;
	uint8_t *plane = NULL;
	FILE *fp = NULL;
	struct stat st;
	int rc = CAM_OK;

	if (gray)
		*gray = NULL;
	if (!path || !gray || !w || !h) {
		say(why, why_len, "no image path given");
		return CAM_ERR_INVALID;
	}
	/* Opened here rather than by SDL so that "cannot read" and "not an image" stay
	 * apart: SDL reports both as a failed load. */
	fp = fopen(path, "rb");
	if (!fp) {
		say(why, why_len, "cannot open %s: %s", path, strerror(errno));
		rc = CAM_ERR_IO;
		goto out;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		say(why, why_len, "%s is not a regular file", path);
		rc = CAM_ERR_IO;
		goto out;
	}
	SDL_RWops *rw = SDL_RWFromFP(fp, SDL_TRUE);
	if (!rw) {
		say(why, why_len, "cannot read %s: %s", path, SDL_GetError());
		rc = CAM_ERR_IO;
		goto out;
	}
	fp = NULL; /* the RWops owns it now and closes it */
	loaded = IMG_LoadTyped_RW(rw, 1, extension_of(path));
	if (!loaded) {
		say(why, why_len, "%s is not an image we can read: %s", path, IMG_GetError());
		rc = CAM_ERR_INVALID;
		goto out;
	}
	if (loaded->w <= 0 || loaded->h <= 0 || loaded->w > IMAGE_MAX_SIDE ||
	    loaded->h > IMAGE_MAX_SIDE) {
		say(why, why_len, "%s is %dx%d pixels; the limit is %dx%d", path, loaded->w,
		    loaded->h, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
		rc = CAM_ERR_INVALID;
		goto out;
	}
	/* One byte order for every source format (paletted, 24-bit, with a colour key...);
	 * SDL turns a colour key into alpha 0 on the way. */
	rgba = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_RGBA32, 0);
	if (!rgba) {
		say(why, why_len, "cannot convert %s: %s", path, SDL_GetError());
		rc = CAM_ERR_NOMEM;
		goto out;
	}
	plane = malloc((size_t)rgba->w * rgba->h);
	if (!plane) {
		say(why, why_len, "out of memory loading %s", path);
		rc = CAM_ERR_NOMEM;
		goto out;
	}
	if (SDL_MUSTLOCK(rgba))
		SDL_LockSurface(rgba);
	for (int y = 0; y < rgba->h; y++) {
		const uint8_t *src = (const uint8_t *)rgba->pixels + (size_t)y * rgba->pitch;
		uint8_t *dst = plane + (size_t)y * rgba->w;
		for (int x = 0; x < rgba->w; x++, src += 4) {
			/* BT.601 weights 0.299, 0.587, 0.114 in 8.8 fixed point (sum 256). */
			unsigned luma = (77u * src[0] + 150u * src[1] + 29u * src[2] + 128u) >> 8;
			unsigned a = src[3];
			/* Over white: luma*a + 255*(1-a), rounded. Luma is linear in the
			 * channels, so compositing after it gives the same result. */
			dst[x] = (uint8_t)((luma * a + 255u * (255u - a) + 127u) / 255u);
		}
	}
	if (SDL_MUSTLOCK(rgba))
		SDL_UnlockSurface(rgba);
	*gray = plane;
	*w = rgba->w;
	*h = rgba->h;
	plane = NULL;
out:
	if (fp)
		fclose(fp);
	SDL_FreeSurface(rgba);
	SDL_FreeSurface(loaded);
	free(plane);
	return rc;
}
