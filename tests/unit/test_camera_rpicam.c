/* SPDX-License-Identifier: MIT */
/* The Pi camera driver (camera_rpicam.c) and the automatic choice (camera_auto.c) without
 * a Pi: a fake `rpicam-vid` shell script put first on PATH writes raw YUV420 frames made
 * here and then dies, as a real one does when its ribbon cable slips. The driver must
 * start it with the options that make YUV420 on stdout, hand on its frames, say
 * CAM_ERR_GONE when it dies, and not start it again before the back-off has passed. The
 * automatic choice must prefer a listed Pi camera, and otherwise pick the first USB
 * webcam's capture node from a fake sysfs tree (VKHID_SYSFS). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "camera/camera.h"

#define W 64
#define H 48
#define FRAME_BYTES (W * H + 2 * (W / 2) * (H / 2))

static char dir[64], old_path[8192];

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

static int setup(void **state)
{
	char frame[FRAME_BYTES], path[8400];
	FILE *f;
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/vk-rpicam-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* a frame whose luma says where each pixel is; the chroma is grey */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			frame[y * W + x] = (char)(x * 3 + y);
	memset(frame + W * H, 128, FRAME_BYTES - W * H);
	snprintf(path, sizeof path, "%s/frame.yuv", dir);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(frame, 1, sizeof frame, f);
	fclose(f);
	snprintf(old_path, sizeof old_path, "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	snprintf(path, sizeof path, "%s:%s", dir, old_path);
	setenv("PATH", path, 1);
	cam_rpicam_backoff_reset();
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	setenv("PATH", old_path, 1);
	unsetenv("VKHID_SYSFS");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The fake rpicam-vid: records its arguments, lists a camera (or none), writes FRAMES
 * frames, dies with status 3. */
static void fake_rpicam(int frames, int lists_camera)
{
	char path[128], script[1024];
	snprintf(script, sizeof script,
		 "#!/bin/sh\n"
		 "if [ \"$1\" = --list-cameras ]; then\n"
		 "  %s\n"
		 "  exit 0\n"
		 "fi\n"
		 "echo \"$@\" >> '%s/args'\n"
		 "i=0\n"
		 "while [ $i -lt %d ]; do cat '%s/frame.yuv' || exit 1; i=$((i+1)); done\n"
		 "exit 3\n",
		 lists_camera ? "printf 'Available cameras\\n-----------------\\n"
				"0 : imx708 [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)\\n'"
			      : "echo 'No cameras available!' >&2",
		 dir, frames, dir);
	snprintf(path, sizeof path, "%s/rpicam-vid", dir);
	write_file(path, script, 0755);
}

/* Grabs until a frame comes or the source says something else (bounded by the count). */
static int grab(struct camera *cam, struct cam_frame *f)
{
	int rc = CAM_ERR_AGAIN;
	for (int i = 0; i < 200 && rc == CAM_ERR_AGAIN; i++)
		rc = camera_grab(cam, f, 50);
	return rc;
}

static void backoff_doubles_to_a_ceiling(void **state)
{
	(void)state;
	assert_int_equal(cam_rpicam_backoff_ms(1), 1000);
	assert_int_equal(cam_rpicam_backoff_ms(2), 2000);
	assert_int_equal(cam_rpicam_backoff_ms(3), 4000);
	assert_int_equal(cam_rpicam_backoff_ms(5), 16000);
	assert_int_equal(cam_rpicam_backoff_ms(6), 30000);
	assert_int_equal(cam_rpicam_backoff_ms(60), 30000);
}

static void frames_then_death_then_backoff(void **state)
{
	struct camera *cam = NULL;
	struct cam_frame f;
	char why[256], path[128], args[512] = "";
	FILE *fa;
	int got = 0, rc;
	(void)state;

	fake_rpicam(3, 1);
	assert_int_equal(camera_open("rpicam:64x48@15", &cam, why, sizeof why), CAM_OK);
	while ((rc = grab(cam, &f)) == CAM_OK) {
		assert_int_equal(f.width, W);
		assert_int_equal(f.height, H);
		assert_int_equal(f.stride, W);
		assert_int_equal(f.gray[5 * f.stride + 7], (uint8_t)(7 * 3 + 5));
		got++;
	}
	/* the frames that were in the pipe may be taken newest-only; at least one came */
	assert_true(got >= 1 && got <= 3);
	/* the program died: a camera problem, not the end of a finite source */
	assert_int_equal(rc, CAM_ERR_GONE);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_ERR_GONE);
	camera_close(cam);

	snprintf(path, sizeof path, "%s/args", dir);
	fa = fopen(path, "r");
	assert_non_null(fa);
	assert_non_null(fgets(args, sizeof args, fa));
	fclose(fa);
	assert_non_null(strstr(args, "--codec yuv420 --width 64 --height 48 --framerate 15"));
	assert_non_null(strstr(args, "-o -"));

	/* at once again: not yet, and the reason says when */
	assert_int_equal(camera_open("rpicam:64x48@15", &cam, why, sizeof why), CAM_ERR_IO);
	assert_null(cam);
	assert_non_null(strstr(why, "started again in"));
	/* once the wait is over it starts again and gives pictures */
	cam_rpicam_backoff_reset();
	assert_int_equal(camera_open("rpicam:64x48@15", &cam, why, sizeof why), CAM_OK);
	assert_int_equal(grab(cam, &f), CAM_OK);
	camera_close(cam);
	cam_rpicam_backoff_reset();
}

static void not_installed_or_bad_spec(void **state)
{
	struct camera *cam = NULL;
	char why[256], path[8400];
	(void)state;
	snprintf(path, sizeof path, "%s/rpicam-vid", dir);
	unlink(path);
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(camera_open("rpicam", &cam, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "rpicam-apps"));
	assert_int_equal(camera_open("rpicam:64x", &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "WxH"));
	snprintf(path, sizeof path, "%s:%s", dir, old_path);
	setenv("PATH", path, 1);
}

/* A fake sysfs: video0 is a platform device (the Pi's codec), video1 a USB camera's
 * metadata node, video3 and video2 USB cameras' picture nodes: video2 is the first. */
static void make_sysfs(const char *root)
{
	static const struct { const char *name, *dev, *index; } nodes[] = {
		{ "video0", "../../devices/platform/soc/fe00b840.mailbox/bcm2835-codec", "0" },
		{ "video1", "../../devices/platform/scb/fd500000.pcie/pci0000:00/0000:01:00.0/usb1/1-1/1-1.3/1-1.3:1.0", "1" },
		{ "video3", "../../devices/platform/scb/fd500000.pcie/pci0000:00/0000:01:00.0/usb1/1-1/1-1.4/1-1.4:1.0", "0" },
		{ "video2", "../../devices/platform/scb/fd500000.pcie/pci0000:00/0000:01:00.0/usb1/1-1/1-1.3/1-1.3:1.0", "0" },
	};
	char p[512], cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/class/video4linux'", root);
	assert_int_equal(system(cmd), 0);
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		snprintf(p, sizeof p, "%s/class/video4linux/%s", root, nodes[i].name);
		assert_int_equal(mkdir(p, 0755), 0);
		snprintf(p, sizeof p, "%s/class/video4linux/%s/device", root, nodes[i].name);
		assert_int_equal(symlink(nodes[i].dev, p), 0);
		snprintf(p, sizeof p, "%s/class/video4linux/%s/index", root, nodes[i].name);
		write_file(p, nodes[i].index, 0644);
	}
}

static void auto_prefers_the_pi_camera_else_the_first_webcam(void **state)
{
	struct camera *cam = NULL;
	struct cam_frame f;
	char why[256], sys[128], dev[64];
	(void)state;

	snprintf(sys, sizeof sys, "%s/sys", dir);
	make_sysfs(sys);
	assert_int_equal(cam_find_usb_webcam(sys, dev, sizeof dev), CAM_OK);
	assert_string_equal(dev, "/dev/video2");
	setenv("VKHID_SYSFS", sys, 1);

	/* a Pi camera listed: it is the one, whatever webcams there are */
	fake_rpicam(50, 1);
	assert_int_equal(cam_rpicam_present(), 1);
	assert_int_equal(camera_open("auto:64x48", &cam, why, sizeof why), CAM_OK);
	assert_string_equal(cam->drv->name, "rpicam");
	assert_int_equal(grab(cam, &f), CAM_OK);
	assert_int_equal(f.width, W);
	camera_close(cam);

	/* rpicam-vid installed but no camera on the ribbon: the first USB webcam, which
	 * cannot open here (no such device on the build machine); the reason names it */
	fake_rpicam(1, 0);
	assert_int_equal(cam_rpicam_present(), 0);
	assert_int_equal(camera_open("auto", &cam, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "/dev/video2"));

	/* neither: what to do */
	snprintf(sys, sizeof sys, "%s/empty", dir);
	setenv("VKHID_SYSFS", sys, 1);
	assert_int_equal(camera_open("auto", &cam, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "USB webcam"));
	unsetenv("VKHID_SYSFS");
	cam_rpicam_backoff_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_doubles_to_a_ceiling),
		cmocka_unit_test(frames_then_death_then_backoff),
		cmocka_unit_test(not_installed_or_bad_spec),
		cmocka_unit_test(auto_prefers_the_pi_camera_else_the_first_webcam),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
