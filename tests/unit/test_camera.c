/* SPDX-License-Identifier: MIT */
/* Tests of firmware/camera: the driver dispatch, the simulated "files" camera and
 * image_load_gray(). Images are written at test time with SDL2_image into a temporary
 * folder, so every pixel the camera gives can be checked against what was drawn: the
 * playback order and timing, the empty frames, what camera_sim_show() puts in view, how
 * an image with transparency and colour turns gray, and the reasons given for a missing
 * folder, a file that is not an image or a picture too large to be a camera frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>

#include "camera/camera.h"

/* ---- helpers ------------------------------------------------------------------------------ */

struct tmp {
	char dir[64];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	snprintf(t->dir, sizeof t->dir, "/tmp/vkhid-test-camera.XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	int rc = system(cmd);
	free(t);
	return rc == 0 ? 0 : -1;
}

static void path_in(const struct tmp *t, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", t->dir, name);
}

/* Writes a w x h PNG of one RGBA colour, with an optional 2x2 black mark at (mx, my) so
 * that a frame can be told from a flat one of the same colour. */
static void write_png(const char *path, int w, int h, uint32_t rgba, int mx, int my)
{
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
	assert_non_null(s);
	for (int y = 0; y < h; y++) {
		uint8_t *row = (uint8_t *)s->pixels + (size_t)y * s->pitch;
		for (int x = 0; x < w; x++) {
			int mark = mx >= 0 && x >= mx && x < mx + 2 && y >= my && y < my + 2;
			row[4 * x + 0] = mark ? 0 : (uint8_t)(rgba >> 24);
			row[4 * x + 1] = mark ? 0 : (uint8_t)(rgba >> 16);
			row[4 * x + 2] = mark ? 0 : (uint8_t)(rgba >> 8);
			row[4 * x + 3] = mark ? 255 : (uint8_t)rgba;
		}
	}
	assert_int_equal(IMG_SavePNG(s, path), 0);
	SDL_FreeSurface(s);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Asserts that f is a w x h frame of one value v everywhere (except a mark at mx, my). */
static void assert_frame(const struct cam_frame *f, int w, int h, int v, int mx, int my)
{
	assert_int_equal(f->width, w);
	assert_int_equal(f->height, h);
	assert_true(f->stride >= w);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int mark = mx >= 0 && x >= mx && x < mx + 2 && y >= my && y < my + 2;
			if (f->gray[(size_t)y * f->stride + x] != (mark ? 0 : v))
				fail_msg("pixel %d,%d is %d, want %d", x, y,
					 f->gray[(size_t)y * f->stride + x], mark ? 0 : v);
		}
}

/* ---- playback of a folder and of a list ------------------------------------------------------ */

/* Two images, named so that name order is not the order they were made in; a note and a
 * hidden file in the same folder are not frames. */
static void make_folder(const struct tmp *t)
{
	char p[256];
	path_in(t, "b-second.png", p, sizeof p);
	write_png(p, 40, 30, 0x323232ffu, 5, 5);        /* gray 50 */
	path_in(t, "a-first.png", p, sizeof p);
	write_png(p, 20, 10, 0xc8c8c8ffu, 1, 1);        /* gray 200 */
	path_in(t, "notes.txt", p, sizeof p);
	write_text(p, "not a frame");
	path_in(t, ".hidden.png", p, sizeof p);
	write_text(p, "not a frame either");
}

static void test_folder_plays_in_name_order(void **state)
{
	const struct tmp *t = *state;
	char spec[128], why[256] = "";
	struct camera *cam;
	struct cam_frame f;
	make_folder(t);

	snprintf(spec, sizeof spec, "files:%s@2", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	uint64_t seq = 0;
	for (int i = 0; i < 2; i++) { /* a-first in view two frames */
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 20, 10, 200, 1, 1);
		assert_true(f.seq == ++seq);
	}
	for (int i = 0; i < 2; i++) { /* then gone: white, its size */
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 20, 10, 255, -1, -1);
		assert_true(f.seq == ++seq);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 40, 30, 50, 5, 5);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 40, 30, 255, -1, -1);
	}
	assert_int_equal(camera_grab(cam, &f, 1000), CAM_ERR_END);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_ERR_END); /* and stays ended */
	camera_close(cam);

	/* without "@N" each image stays three frames */
	snprintf(spec, sizeof spec, "files:%s", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	int shown = 0, frames = 0;
	while (camera_grab(cam, &f, 0) == CAM_OK) {
		frames++;
		shown += f.gray[0] != 255;
	}
	assert_int_equal(shown, 6);
	assert_int_equal(frames, 12);
	camera_close(cam);
}

static void test_list_plays_in_given_order(void **state)
{
	const struct tmp *t = *state;
	char a[128], b[128], spec[300], why[256] = "";
	struct camera *cam;
	struct cam_frame f;
	make_folder(t);
	path_in(t, "a-first.png", a, sizeof a);
	path_in(t, "b-second.png", b, sizeof b);

	snprintf(spec, sizeof spec, "files:%s,%s@1", b, a);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 40, 30, 50, 5, 5);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 40, 30, 255, -1, -1);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 20, 10, 200, 1, 1);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_ERR_END);
	camera_close(cam);

	/* a single file is a list of one */
	snprintf(spec, sizeof spec, "files:%s", a);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 20, 10, 200, 1, 1);
	camera_close(cam);
}

/* ---- the scene the headless scenario drives ---------------------------------------------------- */

static void test_sim_show(void **state)
{
	const struct tmp *t = *state;
	char why[256] = "", path[128];
	struct camera *cam;
	struct cam_frame f;

	assert_int_equal(camera_open("files:", &cam, why, sizeof why), CAM_OK);
	for (int i = 0; i < 5; i++) { /* nothing in view, for as long as one likes */
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 640, 480, 255, -1, -1);
	}

	/* a padded plane is copied: changing it afterwards changes nothing in view */
	uint8_t plane[12 * 8];
	memset(plane, 7, sizeof plane);
	for (int y = 0; y < 8; y++)
		memset(plane + y * 12, 90, 10);
	assert_int_equal(camera_sim_show(cam, plane, 10, 8, 12), CAM_OK);
	memset(plane, 0, sizeof plane);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 10, 8, 90, -1, -1);
	}

	/* the frame handed out stays readable until the next grab, whatever is shown */
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	path_in(t, "shown.png", path, sizeof path);
	write_png(path, 30, 20, 0x000000ffu, -1, -1);
	assert_int_equal(camera_sim_show_file(cam, path, why, sizeof why), CAM_OK);
	assert_frame(&f, 10, 8, 90, -1, -1);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 30, 20, 0, -1, -1);

	/* cleared: white again, the size of what was last shown */
	assert_int_equal(camera_sim_show(cam, NULL, 0, 0, 0), CAM_OK);
	assert_frame(&f, 30, 20, 0, -1, -1);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 30, 20, 255, -1, -1);

	/* bad planes are refused and leave the view as it was */
	assert_int_equal(camera_sim_show(cam, plane, 10, 8, 9), CAM_ERR_INVALID);
	assert_int_equal(camera_sim_show(cam, plane, 0, 8, 12), CAM_ERR_INVALID);
	assert_int_equal(camera_sim_show(cam, plane, 9000, 1, 9000), CAM_ERR_INVALID);
	path_in(t, "note.png", path, sizeof path);
	write_text(path, "hello");
	assert_int_equal(camera_sim_show_file(cam, path, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "note.png"));
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 30, 20, 255, -1, -1);
	camera_close(cam);

	/* a picture held up over a playing folder pauses it; cleared, the folder goes on */
	path_in(t, "note.png", path, sizeof path);
	assert_int_equal(unlink(path), 0);
	path_in(t, "shown.png", path, sizeof path);
	assert_int_equal(unlink(path), 0);
	make_folder(t);
	char spec[128];
	snprintf(spec, sizeof spec, "files:%s@1", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 20, 10, 200, 1, 1);
	uint8_t dark[4] = { 3, 3, 3, 3 };
	assert_int_equal(camera_sim_show(cam, dark, 2, 2, 2), CAM_OK);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_frame(&f, 2, 2, 3, -1, -1);
	}
	assert_int_equal(camera_sim_show(cam, NULL, 0, 0, 0), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK); /* a-first's gap */
	assert_frame(&f, 2, 2, 255, -1, -1);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_frame(&f, 40, 30, 50, 5, 5);
	camera_close(cam);
}

/* The scenario puts pictures up from the UI thread while the camera thread grabs: every
 * frame must be whole (one picture or the empty scene, never a torn or freed one). */
static void *show_and_clear(void *arg)
{
	struct camera *cam = arg;
	uint8_t grey[64 * 48];
	memset(grey, 60, sizeof grey);
	for (int i = 0; i < 2000; i++)
		if (camera_sim_show(cam, i % 2 ? NULL : grey, 64, 48, 64) != CAM_OK)
			return (void *)1;
	return NULL;
}

static void test_sim_show_from_another_thread(void **state)
{
	char why[256];
	struct camera *cam;
	struct cam_frame f;
	pthread_t th;
	void *res;

	assert_int_equal(camera_open("files:", &cam, why, sizeof why), CAM_OK);
	assert_int_equal(pthread_create(&th, NULL, show_and_clear, cam), 0);
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		int v = f.gray[0];
		assert_true(v == 60 || v == 255);
		for (int k = 0; k < f.width * f.height; k++)
			if (f.gray[(size_t)(k / f.width) * f.stride + k % f.width] != v)
				fail_msg("frame %d is torn at pixel %d", i, k);
	}
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	camera_close(cam);
}

/* ---- what the user is told when the spec is wrong ------------------------------------------------ */

static int fake_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	return CAM_ERR_GONE;
}

static void test_bad_specs(void **state)
{
	const struct tmp *t = *state;
	char why[512], spec[400], a[128], note[128], missing[128];
	struct camera *cam = (struct camera *)&cam; /* must be reset to NULL on failure */
	make_folder(t);
	path_in(t, "a-first.png", a, sizeof a);
	path_in(t, "notes.txt", note, sizeof note);
	path_in(t, "gone.png", missing, sizeof missing);

	assert_int_equal(camera_open("webcam:/dev/video9", &cam, why, sizeof why), CAM_ERR_NO_DRIVER);
	assert_null(cam);
	assert_non_null(strstr(why, "webcam"));
	assert_non_null(strstr(why, "files:")); /* says what would have worked */
	assert_int_equal(camera_open("", &cam, why, sizeof why), CAM_ERR_NO_DRIVER);
	assert_int_equal(camera_open(NULL, &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_int_equal(camera_open("nosuch", &cam, NULL, 0), CAM_ERR_NO_DRIVER);

	snprintf(spec, sizeof spec, "files:%s/no-such-folder", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_IO);
	assert_null(cam);
	assert_non_null(strstr(why, "no-such-folder"));

	snprintf(spec, sizeof spec, "files:%s,%s", a, missing);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "gone.png"));

	snprintf(spec, sizeof spec, "files:%s,%s", a, note);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "notes.txt"));

	/* a folder with no image in it is a mistake, not an empty film */
	char empty[128];
	path_in(t, "empty", empty, sizeof empty);
	assert_int_equal(mkdir(empty, 0700), 0);
	path_in(t, "empty/readme.txt", note, sizeof note);
	write_text(note, "x");
	snprintf(spec, sizeof spec, "files:%s", empty);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "no images"));

	snprintf(spec, sizeof spec, "files:%s@0", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "@0"));
	snprintf(spec, sizeof spec, "files:%s@99999999999999999999", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_INVALID);
	/* an "@" that is not a count belongs to the name */
	snprintf(spec, sizeof spec, "files:%s@home", t->dir);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "@home"));

	/* the simulation hooks refuse a camera of another driver */
	static const struct camera_driver other = { .name = "other", .grab = fake_grab };
	struct camera fake = { .drv = &other };
	uint8_t px = 0;
	assert_int_equal(camera_sim_show(&fake, &px, 1, 1, 1), CAM_ERR_INVALID);
	assert_int_equal(camera_sim_show_file(&fake, a, why, sizeof why), CAM_ERR_INVALID);
	assert_int_equal(camera_sim_show(NULL, NULL, 0, 0, 0), CAM_ERR_INVALID);
	struct cam_frame f;
	assert_int_equal(camera_grab(&fake, &f, 0), CAM_ERR_GONE); /* the wrapper dispatches */
	camera_close(NULL);

	for (int e = 0; e >= -8; e--)
		assert_non_null(cam_strerror(e));
	assert_string_equal(cam_strerror(CAM_ERR_NO_DRIVER), "no such camera driver");
}

/* ---- image files to gray ----------------------------------------------------------------------- */

static void test_image_to_gray(void **state)
{
	const struct tmp *t = *state;
	char p[128], why[512];
	uint8_t *g = NULL;
	int w = 0, h = 0;

	/* BT.601 luma of pure red, green and blue: 0.299, 0.587, 0.114 of 255 */
	static const struct { uint32_t rgba; int luma; } colours[] = {
		{ 0xff0000ffu, 76 }, { 0x00ff00ffu, 150 }, { 0x0000ffffu, 29 },
		{ 0xffffffffu, 255 }, { 0x000000ffu, 0 }, { 0x808080ffu, 128 },
		/* transparency is composited over white, as on paper */
		{ 0x00000000u, 255 }, { 0x00000080u, 127 }, { 0xff000000u, 255 },
	};
	for (size_t i = 0; i < sizeof colours / sizeof colours[0]; i++) {
		path_in(t, "colour.png", p, sizeof p);
		write_png(p, 3, 2, colours[i].rgba, -1, -1);
		assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_OK);
		assert_int_equal(w, 3);
		assert_int_equal(h, 2);
		for (int k = 0; k < 6; k++)
			if (abs(g[k] - colours[i].luma) > 1)
				fail_msg("colour %08x gave %d, want %d", (unsigned)colours[i].rgba,
					 g[k], colours[i].luma);
		free(g);
	}

	/* other formats SDL2_image reads: BMP and JPEG of a mid-gray */
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 16, 16, 24, SDL_PIXELFORMAT_RGB24);
	assert_non_null(s);
	SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 100, 100, 100));
	path_in(t, "gray.bmp", p, sizeof p);
	assert_int_equal(SDL_SaveBMP(s, p), 0);
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_OK);
	assert_int_equal(w, 16);
	assert_int_equal(g[0], 100);
	free(g);
	path_in(t, "gray.jpg", p, sizeof p);
	assert_int_equal(IMG_SaveJPG(s, p, 90), 0);
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_OK);
	assert_true(abs(g[8 * 16 + 8] - 100) <= 3);
	free(g);
	SDL_FreeSurface(s);

	/* too large to be a camera frame: refused with the size in the reason */
	path_in(t, "wide.png", p, sizeof p);
	write_png(p, 8193, 1, 0xffffffffu, -1, -1);
	g = (uint8_t *)p; /* must come back NULL */
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_ERR_INVALID);
	assert_null(g);
	assert_non_null(strstr(why, "8193x1"));
	path_in(t, "edge.png", p, sizeof p);
	write_png(p, 8192, 2, 0xffffffffu, -1, -1);
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_OK);
	assert_int_equal(w, 8192);
	free(g);

	/* not images: the reason names the file; no crash on a cut PNG */
	path_in(t, "empty.png", p, sizeof p);
	write_text(p, "");
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "empty.png"));
	path_in(t, "big.png", p, sizeof p);
	write_png(p, 200, 200, 0x123456ffu, 7, 9);
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	char head[120];
	assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
	fclose(f);
	path_in(t, "cut.png", p, sizeof p);
	f = fopen(p, "wb");
	assert_non_null(f);
	fwrite(head, 1, sizeof head, f);
	fclose(f);
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_ERR_INVALID);
	assert_null(g);

	/* unreadable is not the same as not an image */
	path_in(t, "missing.png", p, sizeof p);
	assert_int_equal(image_load_gray(p, &g, &w, &h, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "missing.png"));
	assert_int_equal(image_load_gray(t->dir, &g, &w, &h, why, sizeof why), CAM_ERR_IO);
	assert_int_equal(image_load_gray(NULL, &g, &w, &h, NULL, 0), CAM_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_folder_plays_in_name_order, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_list_plays_in_given_order, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_sim_show, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_sim_show_from_another_thread),
		cmocka_unit_test_setup_teardown(test_bad_specs, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_image_to_gray, tmp_setup, tmp_teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* SDL2_image loads its codecs on first use; let it unload them. */
	IMG_Quit();
	return failed;
}
