/* SPDX-License-Identifier: MIT */
/* The simulated camera, "files": frames made from image files, for the headless kiosk,
 * the scenario tests and `--camera files:DIR` on a laptop. A full driver beside the real
 * ones, not an "if (headless)" inside them.
 *
 *   files:              nothing in view until camera_sim_show() puts something there
 *   files:DIR           every image in DIR (by extension, dot files skipped), name order
 *   files:A.png,B.jpg   a list of images, in the order given
 *   ...@N               each image stays in view N frames (default 3), then N empty frames,
 *                       as if each person stepped away before the next; after the last
 *                       image's empty frames grab returns CAM_ERR_END
 *   files:door.y4m      a YUV4MPEG2 video (a recording made at a real door): each frame
 *                       once, in order, then CAM_ERR_END
 *
 * An empty frame is white (255), the size of the last image (640x480 before any). Every
 * file of a list is decoded once at open, so a missing or broken file is refused there
 * with a reason, and again when its turn comes, so a long list does not sit in memory.
 * Frames are made on demand: grab never waits and ignores its timeout.
 *
 * An image put up with camera_sim_show() is in front of the camera until cleared; while
 * it is, a list's playback pauses. camera_sim_show() may be called from another thread
 * than grab (the scenario runs on the UI thread, capture on the camera thread), so the
 * view is guarded by a mutex, and a replaced image is kept until the next grab because
 * the frame handed out last may still point into it.
 *
 * y4m is the raw video format of ffmpeg's -f yuv4mpegpipe: a header line "YUV4MPEG2
 * W<width> H<height> ... [C<colour space>]", then per frame a line starting "FRAME" and
 * the planes. The luma plane comes first whatever the colour space, so it is the gray
 * frame as it is; the chroma is skipped by its size (4:2:0 when C is not given).
 *
 * Sections: the playlist, y4m, open and close, grab, the simulation hooks, the driver. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "camera/camera.h"

#define FILES_DEFAULT_HOLD 3
#define FILES_MAX_HOLD 1000
#define FILES_MAX_COUNT 10000   /* a hard cap on the playlist */
#define FILES_MAX_SIDE 8192
#define BLANK_W 640
#define BLANK_H 480

struct files_cam {
	struct camera base;        /* always the first member */
	pthread_mutex_t lock;      /* guards everything below */
	char **files;              /* the playlist; n_files == 0 for a scene driven by sim_show */
	int n_files;
	int next_file;             /* the playlist image whose turn comes next */
	int hold;                  /* frames each image stays in view, then as many empty */
	int phase;                 /* frames given so far of the current image and its gap */
	uint8_t *play;             /* the playlist image in view, or NULL */
	int play_w, play_h;
	uint8_t *shown;            /* the image camera_sim_show put up, or NULL */
	int shown_w, shown_h;
	uint8_t *retired;          /* a shown image replaced while the last frame used it */
	int shown_handed;          /* the last grab returned shown */
	uint8_t *blank;
	int blank_w, blank_h;
	int last_w, last_h;        /* size of the last image, for empty frames */
	uint64_t seq;
	FILE *y4m;                 /* a y4m video being played, or NULL */
	size_t y4m_chroma;         /* bytes of chroma after each frame's luma */
	uint8_t *y4m_frame;        /* the current video frame, play_w x play_h */
};

extern const struct camera_driver camera_files_driver;

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

/* ---- the playlist ------------------------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder may hold notes or thumbnails' databases beside the pictures: take only names
 * that say they are images. */
static int is_image_name(const char *name)
{
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga",
					   ".tif", ".tiff", ".webp", ".pnm", ".pgm", ".ppm" };
	const char *dot = strrchr(name, '.');
	if (!dot)
		return 0;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

static int add_file(struct files_cam *c, const char *path, char *why, size_t why_len)
{
	if (c->n_files >= FILES_MAX_COUNT) {
		say(why, why_len, "more than %d images", FILES_MAX_COUNT);
		return CAM_ERR_INVALID;
	}
	char **p = realloc(c->files, sizeof *p * (size_t)(c->n_files + 1));
	if (!p)
		return CAM_ERR_NOMEM;
	c->files = p;
	c->files[c->n_files] = strdup(path);
	if (!c->files[c->n_files])
		return CAM_ERR_NOMEM;
	c->n_files++;
	return CAM_OK;
}

static int list_folder(struct files_cam *c, const char *dir, char *why, size_t why_len)
{
	DIR *d = opendir(dir);
	int rc = CAM_OK;
	if (!d) {
		say(why, why_len, "cannot read the folder %s: %s", dir, strerror(errno));
		return CAM_ERR_IO;
	}
	for (struct dirent *e; rc == CAM_OK && (e = readdir(d));) {
		if (e->d_name[0] == '.' || !is_image_name(e->d_name))
			continue;
		char path[4096];
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) {
			say(why, why_len, "a path in %s is too long", dir);
			rc = CAM_ERR_INVALID;
			break;
		}
		rc = add_file(c, path, why, why_len);
	}
	closedir(d);
	if (rc == CAM_OK && c->n_files == 0) {
		say(why, why_len, "no images in the folder %s (looked for .png, .jpg, .bmp, ...)",
		    dir);
		rc = CAM_ERR_INVALID;
	}
	if (rc == CAM_OK)
		qsort(c->files, (size_t)c->n_files, sizeof *c->files, by_name);
	return rc;
}

/* list is modified (cut at the commas). */
static int list_files(struct files_cam *c, char *list, char *why, size_t why_len)
{
	int rc = CAM_OK;
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && rc == CAM_OK;
	     tok = strtok_r(NULL, ",", &save))
		rc = add_file(c, tok, why, why_len);
	if (rc == CAM_OK && c->n_files == 0) {
		say(why, why_len, "no image named in the list");
		rc = CAM_ERR_INVALID;
	}
	return rc;
}

/* Decodes every file once, so that a typo or a broken file stops the program at start
 * with its name rather than showing an empty scene later. */
static int check_files(struct files_cam *c, char *why, size_t why_len)
{
	for (int i = 0; i < c->n_files; i++) {
		uint8_t *px;
		int w, h;
		int rc = image_load_gray(c->files[i], &px, &w, &h, why, why_len);
		if (rc != CAM_OK)
			return rc;
		free(px);
	}
	return CAM_OK;
}

/* ---- y4m ------------------------------------------------------------------------------------ */
#define Y4M_MAX_LINE 1024

/* Reads one line, without its newline, into line; -1 at the end or when too long. */
static int y4m_line(FILE *f, char *line, size_t cap)
{
	size_t n = 0;
	int ch;
	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n + 1 >= cap)
			return -1;
		line[n++] = (char)ch;
	}
	line[n] = '\0';
	return ch == EOF ? -1 : 0;
}

static int is_y4m_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcasecmp(name + n - 4, ".y4m") == 0;
}

/* Opens the video and reads its header. */
static int y4m_open(struct files_cam *c, const char *path, char *why, size_t why_len)
{
	char line[Y4M_MAX_LINE];
	long w = 0, h = 0;
	const char *cs = "420";

	c->y4m = fopen(path, "rb");
	if (!c->y4m) {
		say(why, why_len, "cannot open %s: %s", path, strerror(errno));
		return CAM_ERR_IO;
	}
	if (y4m_line(c->y4m, line, sizeof line) || strncmp(line, "YUV4MPEG2 ", 10) != 0) {
		say(why, why_len, "%s is not a YUV4MPEG2 video", path);
		return CAM_ERR_INVALID;
	}
	for (char *save = NULL, *tok = strtok_r(line + 10, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (tok[0] == 'W')
			w = strtol(tok + 1, NULL, 10);
		else if (tok[0] == 'H')
			h = strtol(tok + 1, NULL, 10);
		else if (tok[0] == 'C')
			cs = tok + 1;
	}
	if (w < 1 || h < 1 || w > FILES_MAX_SIDE || h > FILES_MAX_SIDE) {
		say(why, why_len, "%s: the y4m header has no usable W and H", path);
		return CAM_ERR_INVALID;
	}
	size_t cw = (size_t)(w + 1) / 2, ch = (size_t)(h + 1) / 2;
	if (strstr(cs, "p1")) /* 10, 12 or 16 bits a sample: two bytes each */
		cs = "?";
	if (strncmp(cs, "mono", 4) == 0)
		c->y4m_chroma = 0;
	else if (strncmp(cs, "444", 3) == 0)
		c->y4m_chroma = 2 * (size_t)w * (size_t)h;
	else if (strncmp(cs, "422", 3) == 0)
		c->y4m_chroma = 2 * cw * (size_t)h;
	else if (strncmp(cs, "420", 3) == 0)
		c->y4m_chroma = 2 * cw * ch;
	else {
		say(why, why_len, "%s: the y4m colour space is not 8-bit 4:2:0, 4:2:2, 4:4:4 or mono", path);
		return CAM_ERR_INVALID;
	}
	c->y4m_frame = malloc((size_t)w * h);
	if (!c->y4m_frame)
		return CAM_ERR_NOMEM;
	c->play_w = c->last_w = (int)w;
	c->play_h = c->last_h = (int)h;
	return CAM_OK;
}

/* Reads the next video frame into c->y4m_frame: CAM_OK, or CAM_ERR_END (a cut-off last
 * frame ends the video too). */
static int y4m_next(struct files_cam *c)
{
	char line[Y4M_MAX_LINE];
	size_t n = (size_t)c->play_w * c->play_h;
	if (y4m_line(c->y4m, line, sizeof line) || strncmp(line, "FRAME", 5) != 0)
		return CAM_ERR_END;
	if (fread(c->y4m_frame, 1, n, c->y4m) != n)
		return CAM_ERR_END;
	if (c->y4m_chroma && fseek(c->y4m, (long)c->y4m_chroma, SEEK_CUR) != 0)
		return CAM_ERR_END;
	return CAM_OK;
}

/* ---- open and close ------------------------------------------------------------------------ */

static void files_close(struct camera *cam)
{
	struct files_cam *c = (struct files_cam *)cam;
	if (!c)
		return;
	for (int i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	free(c->play);
	free(c->shown);
	free(c->retired);
	free(c->blank);
	if (c->y4m)
		fclose(c->y4m);
	free(c->y4m_frame);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Cuts a trailing "@N" off spec into *hold. An "@" followed by anything but digits is part
 * of a file name and stays. */
static int cut_hold(char *spec, int *hold, char *why, size_t why_len)
{
	char *at = strrchr(spec, '@');
	if (!at || !at[1] || strspn(at + 1, "0123456789") != strlen(at + 1))
		return CAM_OK;
	long n = strlen(at + 1) > 4 ? FILES_MAX_HOLD + 1 : strtol(at + 1, NULL, 10);
	if (n < 1 || n > FILES_MAX_HOLD) {
		say(why, why_len, "bad frame count @%s (use @1 .. @%d)", at + 1, FILES_MAX_HOLD);
		return CAM_ERR_INVALID;
	}
	*hold = (int)n;
	*at = '\0';
	return CAM_OK;
}

static int files_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	struct files_cam *c = NULL;
	char *spec = NULL;
	struct stat st;
	int rc = CAM_OK;

	*out = NULL;
	c = calloc(1, sizeof *c);
	spec = strdup(arg ? arg : "");
	if (!c || !spec) {
		free(c);
		free(spec);
		return CAM_ERR_NOMEM;
	}
	c->base.drv = &camera_files_driver;
	c->hold = FILES_DEFAULT_HOLD;
	c->last_w = BLANK_W;
	c->last_h = BLANK_H;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		free(spec);
		return CAM_ERR_NOMEM;
	}
	rc = cut_hold(spec, &c->hold, why, why_len);
	if (rc != CAM_OK || !spec[0])
		goto out;
	int found = stat(spec, &st) == 0;
	if (found && !S_ISDIR(st.st_mode) && is_y4m_name(spec)) {
		rc = y4m_open(c, spec, why, why_len);
		goto out;
	}
	if (found && S_ISDIR(st.st_mode)) {
		rc = list_folder(c, spec, why, why_len);
	} else if (!found && !strchr(spec, ',')) {
		say(why, why_len, "no folder or image %s: %s", spec, strerror(errno));
		rc = CAM_ERR_IO;
	} else {
		rc = list_files(c, spec, why, why_len);
	}
	if (rc == CAM_OK)
		rc = check_files(c, why, why_len);
out:
	free(spec);
	if (rc != CAM_OK) {
		files_close(&c->base);
		return rc;
	}
	*out = &c->base;
	return CAM_OK;
}

/* ---- grab ------------------------------------------------------------------------------------ */

/* Points f at a white frame of the last image's size. */
static int blank_frame(struct files_cam *c, struct cam_frame *f)
{
	int w = c->last_w, h = c->last_h;
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
	return CAM_OK;
}

/* Moves the playlist one frame on; returns CAM_ERR_END after the last image's gap, or
 * an error of image_load_gray() when a file changed since open. *in_view tells whether
 * this frame shows c->play or is empty. */
static int play_step(struct files_cam *c, int *in_view)
{
	if (c->phase == 0) {
		uint8_t *px;
		int w, h;
		if (c->next_file >= c->n_files)
			return CAM_ERR_END;
		int rc = image_load_gray(c->files[c->next_file++], &px, &w, &h, NULL, 0);
		if (rc != CAM_OK)
			return rc;
		free(c->play);
		c->play = px;
		c->play_w = c->last_w = w;
		c->play_h = c->last_h = h;
	}
	*in_view = c->phase < c->hold;
	if (!*in_view && c->play) {
		/* The frame before this one was the last to use it. */
		free(c->play);
		c->play = NULL;
	}
	c->phase = (c->phase + 1) % (2 * c->hold);
	return CAM_OK;
}

static int files_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	struct files_cam *c = (struct files_cam *)cam;
	int rc = CAM_OK, in_view = 0;
	(void)timeout_ms;

	pthread_mutex_lock(&c->lock);
	/* The caller is done with the previous frame now. */
	free(c->retired);
	c->retired = NULL;
	f->text = NULL;
	f->text_len = 0;
	f->text_cut = 0;
	if (c->shown) {
		f->gray = c->shown;
		f->width = c->shown_w;
		f->height = c->shown_h;
	} else if (c->y4m) {
		rc = y4m_next(c);
		f->gray = c->y4m_frame;
		f->width = c->play_w;
		f->height = c->play_h;
	} else {
		if (c->n_files)
			rc = play_step(c, &in_view);
		if (rc == CAM_OK && in_view) {
			f->gray = c->play;
			f->width = c->play_w;
			f->height = c->play_h;
		} else if (rc == CAM_OK) {
			rc = blank_frame(c, f);
		}
	}
	c->shown_handed = rc == CAM_OK && c->shown;
	if (rc == CAM_OK) {
		f->stride = f->width;
		f->seq = ++c->seq;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* ---- the simulation hooks --------------------------------------------------------------------- */

/* Replaces the shown image by px (NULL clears); takes ownership of px. */
static void put_shown(struct files_cam *c, uint8_t *px, int w, int h)
{
	pthread_mutex_lock(&c->lock);
	if (c->shown_handed) {
		free(c->retired);
		c->retired = c->shown;
		c->shown_handed = 0;
	} else {
		free(c->shown);
	}
	c->shown = px;
	if (px) {
		c->shown_w = c->last_w = w;
		c->shown_h = c->last_h = h;
	}
	pthread_mutex_unlock(&c->lock);
}

/* Puts a copy of a w x h gray plane (rows stride bytes apart) in front of the simulated
 * camera: every grab returns it until the next call; NULL clears the view, and empty
 * frames then have the size of this image. Returns CAM_OK; CAM_ERR_INVALID when cam is
 * not a "files" camera or the size is not 1..8192 on a side with stride >= w;
 * CAM_ERR_NOMEM. The caller keeps gray. Safe to call from another thread than grab. */
int camera_sim_show(struct camera *cam, const uint8_t *gray, int w, int h, int stride)
{
	if (!cam || cam->drv != &camera_files_driver)
		return CAM_ERR_INVALID;
	struct files_cam *c = (struct files_cam *)cam;
	if (!gray) {
		put_shown(c, NULL, 0, 0);
		return CAM_OK;
	}
	if (w < 1 || h < 1 || w > FILES_MAX_SIDE || h > FILES_MAX_SIDE || stride < w)
		return CAM_ERR_INVALID;
	uint8_t *px = malloc((size_t)w * h);
	if (!px)
		return CAM_ERR_NOMEM;
	for (int y = 0; y < h; y++)
		memcpy(px + (size_t)y * w, gray + (size_t)y * stride, (size_t)w);
	put_shown(c, px, w, h);
	return CAM_OK;
}

/* Loads the image file at path (see image_load_gray()) and puts it in front of the
 * simulated camera as camera_sim_show() does. Returns its errors, or those of
 * image_load_gray() with a reason in why; on error the view is unchanged. */
int camera_sim_show_file(struct camera *cam, const char *path, char *why, size_t why_len)
{
	uint8_t *px;
	int w, h;
	if (!cam || cam->drv != &camera_files_driver) {
		say(why, why_len, "not the simulated camera");
		return CAM_ERR_INVALID;
	}
	int rc = image_load_gray(path, &px, &w, &h, why, why_len);
	if (rc != CAM_OK)
		return rc;
	put_shown((struct files_cam *)cam, px, w, h);
	return CAM_OK;
}

/* ---- the driver ------------------------------------------------------------------------------ */

const struct camera_driver camera_files_driver = {
	.name = "files",
	.help = "files:[DIR|A.png,B.png][@FRAMES]",
	.open = files_open,
	.grab = files_grab,
	.close = files_close,
};
