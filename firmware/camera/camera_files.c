/* SPDX-License-Identifier: MIT */
/* The simulated camera, "files": frames made from image files, for the headless kiosk and
 * tests. A full driver, not an "if (headless)" in a real one.
 *
 *   files:            nothing in view until camera_sim_show() puts something there
 *   files:DIR         every image in DIR, in name order
 *   files:A.png,B.jpg a list of images
 *   ...@N             each image stays in view N frames (default 3), then N empty frames
 *
 * An empty frame is white, the size of the last image (640x480 before any). Frames are
 * made on demand: grab never waits. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "camera/camera.h"

#define MAX_FILES 10000

struct files_cam {
	struct camera base;        /* always the first member */
	char **files;              /* the list, or NULL for a scene driven by camera_sim_show */
	int n_files, next_file;
	int hold;                  /* frames each image stays in view */
	int phase;                 /* frames shown of the current image (then as many blank) */
	uint8_t *view;             /* what is in front of the camera, or NULL (blank) */
	int w, h;
	uint8_t *blank;
	int blank_w, blank_h;
	uint64_t seq;
};

extern const struct camera_driver camera_files_driver;

static void say(char *why, size_t n, const char *msg, const char *arg)
{
	if (why && n)
		snprintf(why, n, msg, arg);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_image_name(const char *n)
{
	const char *dot = strrchr(n, '.');
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".tif",
					   ".tiff", ".webp", ".pnm", ".pgm", ".ppm", NULL };
	if (!dot)
		return 0;
	for (int i = 0; ext[i]; i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

static int add_file(struct files_cam *c, const char *path)
{
	char **p;
	if (c->n_files >= MAX_FILES)
		return CAM_ERR_INVALID;
	p = realloc(c->files, sizeof *p * (size_t)(c->n_files + 1));
	if (!p)
		return CAM_ERR_NOMEM;
	c->files = p;
	if (!(c->files[c->n_files] = strdup(path)))
		return CAM_ERR_NOMEM;
	c->n_files++;
	return CAM_OK;
}

static void files_close(struct camera *cam)
{
	struct files_cam *c = (struct files_cam *)cam;
	for (int i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	free(c->view);
	free(c->blank);
	free(c);
}

static int load_list(struct files_cam *c, char *list, char *why, size_t why_len)
{
	DIR *d = opendir(list);
	int rc = CAM_OK;
	if (d) {
		struct dirent *e;
		char path[4096];
		while (rc == CAM_OK && (e = readdir(d))) {
			if (e->d_name[0] == '.' || !is_image_name(e->d_name))
				continue;
			snprintf(path, sizeof path, "%s/%s", list, e->d_name);
			rc = add_file(c, path);
		}
		closedir(d);
		if (rc == CAM_OK && c->n_files == 0) {
			say(why, why_len, "no images in the folder %s", list);
			return CAM_ERR_INVALID;
		}
		if (c->n_files > 1)
			qsort(c->files, (size_t)c->n_files, sizeof *c->files, by_name);
		return rc;
	}
	if (errno != ENOTDIR && !strchr(list, ',') && !is_image_name(list)) {
		say(why, why_len, "no folder or image %s", list);
		return CAM_ERR_IO;
	}
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && rc == CAM_OK;
	     tok = strtok_r(NULL, ",", &save))
		rc = add_file(c, tok);
	return rc;
}

static int files_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	struct files_cam *c = calloc(1, sizeof *c);
	char *spec = strdup(arg ? arg : "");
	char *at;
	int rc = CAM_OK;

	*out = NULL;
	if (!c || !spec) {
		free(c);
		free(spec);
		return CAM_ERR_NOMEM;
	}
	c->base.drv = &camera_files_driver;
	c->hold = 3;
	at = strrchr(spec, '@');
	if (at) {
		char *end;
		long n = strtol(at + 1, &end, 10);
		if (*end || n < 1 || n > 1000) {
			say(why, why_len, "bad frame count in %s (use @1 .. @1000)", arg);
			rc = CAM_ERR_INVALID;
			goto out;
		}
		c->hold = (int)n;
		*at = '\0';
	}
	if (spec[0])
		rc = load_list(c, spec, why, why_len);
out:
	free(spec);
	if (rc != CAM_OK) {
		files_close(&c->base);
		return rc;
	}
	*out = &c->base;
	return CAM_OK;
}

/* A white frame of the size of the last thing shown. */
static int blank_frame(struct files_cam *c, struct cam_frame *f)
{
	int w = c->w ? c->w : 640, h = c->h ? c->h : 480;
	if (!c->blank || c->blank_w != w || c->blank_h != h) {
		uint8_t *b = malloc((size_t)w * h);
		if (!b)
			return CAM_ERR_NOMEM;
		memset(b, 255, (size_t)w * h);
		free(c->blank);
		c->blank = b;
		c->blank_w = w;
		c->blank_h = h;
	}
	f->gray = c->blank;
	f->width = w;
	f->height = h;
	f->stride = w;
	return CAM_OK;
}

static int set_view(struct files_cam *c, uint8_t *px, int w, int h)
{
	free(c->view);
	c->view = px;
	if (px) {
		c->w = w;
		c->h = h;
	}
	return CAM_OK;
}

static int files_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	struct files_cam *c = (struct files_cam *)cam;
	(void)timeout_ms;
	if (c->files) {
		/* a list plays itself: each image hold frames, then hold blank frames */
		if (c->phase == 0) {
			uint8_t *px;
			int w, h;
			if (c->next_file >= c->n_files)
				return CAM_ERR_END;
			if (image_load_gray(c->files[c->next_file], &px, &w, &h, NULL, 0) != CAM_OK)
				px = NULL; /* an unreadable file is an empty scene, not a stall */
			set_view(c, px, w, h);
			c->next_file++;
		}
		if (c->phase == c->hold)
			set_view(c, NULL, 0, 0);
		c->phase = (c->phase + 1) % (2 * c->hold);
	}
	if (c->view) {
		f->gray = c->view;
		f->width = c->w;
		f->height = c->h;
		f->stride = c->w;
	} else if (blank_frame(c, f) != CAM_OK) {
		return CAM_ERR_NOMEM;
	}
	f->seq = ++c->seq;
	return CAM_OK;
}

int camera_sim_show(struct camera *cam, const uint8_t *gray, int w, int h, int stride)
{
	struct files_cam *c = (struct files_cam *)cam;
	uint8_t *px;
	if (!cam || cam->drv != &camera_files_driver)
		return CAM_ERR_INVALID;
	if (!gray)
		return set_view(c, NULL, 0, 0);
	if (w < 1 || h < 1 || w > 8192 || h > 8192 || stride < w)
		return CAM_ERR_INVALID;
	px = malloc((size_t)w * h);
	if (!px)
		return CAM_ERR_NOMEM;
	for (int y = 0; y < h; y++)
		memcpy(px + (size_t)y * w, gray + (size_t)y * stride, (size_t)w);
	return set_view(c, px, w, h);
}

int camera_sim_show_file(struct camera *cam, const char *path, char *why, size_t why_len)
{
	uint8_t *px;
	int w, h, rc;
	if (!cam || cam->drv != &camera_files_driver)
		return CAM_ERR_INVALID;
	rc = image_load_gray(path, &px, &w, &h, why, why_len);
	if (rc != CAM_OK)
		return rc;
	return set_view((struct files_cam *)cam, px, w, h);
}

const struct camera_driver camera_files_driver = {
	.name = "files",
	.help = "files:[DIR|A.png,B.png][@FRAMES]",
	.open = files_open,
	.grab = files_grab,
	.close = files_close,
};
