/* SPDX-License-Identifier: MIT */
/* Tests of the capture drivers that need no camera on the build machine: the pixel format
 * conversions (camera_convert.c, MJPEG through real libjpeg), the v4l2 driver's errors
 * (no V4L2 device can exist here), the pipe driver against a real child process that
 * writes rpicam-vid style YUV420 with padded rows (this test program itself, run as
 * "--yuv420-generator"), the hid barcode scanner fed evdev events from a file, and y4m
 * videos played by the files driver. Codes drawn into frames are read with real zbar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <qrencode.h>

#include "camera/camera.h"
#include "scan/scan.h"

static char self_exe[4096];

/* ---- helpers ---------------------------------------------------------------------------- */

/* The test pattern of frame k of a generated video: every pixel known. */
static uint8_t pattern(int x, int y, int k)
{
	return (uint8_t)(x * 3 + y * 5 + k * 17);
}

/* Draws text as a QR code (5 px a module) on a white w x h gray page at dst. */
static void draw_qr(uint8_t *dst, int w, int h, int stride, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(q);
	for (int y = 0; y < h; y++)
		memset(dst + (size_t)y * stride, 255, (size_t)w);
	int px = 5, x0 = (w - q->width * px) / 2, y0 = (h - q->width * px) / 2;
	assert_true(x0 >= 20 && y0 >= 20);
	for (int y = 0; y < q->width * px; y++)
		for (int x = 0; x < q->width * px; x++)
			if (q->data[(y / px) * q->width + x / px] & 1)
				dst[(size_t)(y0 + y) * stride + x0 + x] = 0;
	QRcode_free(q);
}

static int reads(const struct cam_frame *f, const char *want)
{
	struct scan_code codes[SCAN_MAX_CODES];
	scan *s = scan_new();
	int ok = 0;
	/* a few frames: the live path spreads its passes over successive frames */
	for (int i = 0; i < SCAN_LIVE_ROTATION && !ok; i++) {
		int n = scan_frame(s, f->gray, f->width, f->height, f->stride, codes, SCAN_MAX_CODES);
		for (int k = 0; k < n; k++)
			ok |= codes[k].len == strlen(want) && memcmp(codes[k].data, want, codes[k].len) == 0;
	}
	scan_free(s);
	return ok;
}

/* ---- conversions ------------------------------------------------------------------------- */

static void test_convert_raw(void **state)
{
	(void)state;
	enum { W = 6, H = 3, S = 16 };
	uint8_t yuyv[S * H], planar[S * H + S * H / 2], gray[W * H];
	memset(yuyv, 0xAA, sizeof yuyv);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			yuyv[y * S + 2 * x] = pattern(x, y, 0);
			yuyv[y * S + 2 * x + 1] = (uint8_t)(x & 1 ? 200 : 50); /* V, U */
		}
	assert_int_equal(cam_to_gray(CAM_FMT_YUYV, yuyv, sizeof yuyv, W, H, S, gray), CAM_OK);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			assert_int_equal(gray[y * W + x], pattern(x, y, 0));
	/* a row shorter than two bytes a pixel is not YUYV */
	assert_int_equal(cam_to_gray(CAM_FMT_YUYV, yuyv, sizeof yuyv, W, H, W, gray), CAM_ERR_INVALID);
	assert_int_equal(cam_to_gray(CAM_FMT_YUYV, yuyv, (size_t)S * (H - 1), W, H, S, gray), CAM_ERR_INVALID);

	for (int fmt = CAM_FMT_GREY; fmt <= CAM_FMT_YUV420; fmt++) {
		if (fmt == CAM_FMT_YUYV)
			continue;
		memset(planar, 0x80, sizeof planar);
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				planar[y * S + x] = pattern(x, y, fmt);
		memset(gray, 0, sizeof gray);
		assert_int_equal(cam_to_gray(fmt, planar, sizeof planar, W, H, S, gray), CAM_OK);
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				assert_int_equal(gray[y * W + x], pattern(x, y, fmt));
		assert_int_equal(cam_frame_bytes(fmt, W, H, S), (size_t)S * (H - 1) + W);
		assert_int_equal(cam_to_gray(fmt, planar, 10, W, H, S, gray), CAM_ERR_INVALID);
	}
	assert_int_equal(cam_to_gray(CAM_FMT_GREY, planar, sizeof planar, 0, H, S, gray), CAM_ERR_INVALID);
	assert_int_equal(cam_to_gray(99, planar, sizeof planar, W, H, S, gray), CAM_ERR_INVALID);
}

/* Compresses a w x h picture with libjpeg; colour = 1 writes YCbCr from RGB whose luma is
 * the pattern. The result is freed with free(). */
static uint8_t *make_jpeg(int w, int h, int colour, unsigned long *size)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL;
	uint8_t *row = malloc((size_t)w * 3);
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	*size = 0;
	jpeg_mem_dest(&ci, &out, size);
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = colour ? 3 : 1;
	ci.in_color_space = colour ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 98, TRUE);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < ci.image_height) {
		int y = (int)ci.next_scanline;
		for (int x = 0; x < w; x++) {
			/* smooth content: JPEG keeps it within a few levels */
			uint8_t v = (uint8_t)(40 + (x + 2 * y) % 160);
			if (colour) {
				row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = v; /* gray RGB: luma = v */
			} else {
				row[x] = v;
			}
		}
		JSAMPROW r = row;
		jpeg_write_scanlines(&ci, &r, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(row);
	return out;
}

static void test_convert_mjpeg(void **state)
{
	(void)state;
	enum { W = 64, H = 48 };
	uint8_t gray[W * H];
	for (int colour = 0; colour <= 1; colour++) {
		unsigned long size;
		uint8_t *jpg = make_jpeg(W, H, colour, &size);
		assert_non_null(jpg);
		memset(gray, 0, sizeof gray);
		assert_int_equal(cam_to_gray(CAM_FMT_MJPEG, jpg, size, W, H, 0, gray), CAM_OK);
		int worst = 0;
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				int d = abs(gray[y * W + x] - (40 + (x + 2 * y) % 160));
				worst = d > worst ? d : worst;
			}
		assert_true(worst <= 12);
		/* a frame of another size, a cut frame and garbage are refused, not crashed on */
		assert_int_equal(cam_to_gray(CAM_FMT_MJPEG, jpg, size, W * 2, H, 0, gray), CAM_ERR_INVALID);
		memset(gray, 0, sizeof gray);
		int rc = cam_to_gray(CAM_FMT_MJPEG, jpg, size / 3, W, H, 0, gray);
		assert_true(rc == CAM_OK || rc == CAM_ERR_INVALID); /* libjpeg pads a cut stream */
		jpg[2] = 0x00; /* no longer a marker */
		assert_int_equal(cam_to_gray(CAM_FMT_MJPEG, jpg, 20, W, H, 0, gray), CAM_ERR_INVALID);
		free(jpg);
	}
	const uint8_t junk[] = { 0x12, 0x34, 0x56 };
	assert_int_equal(cam_to_gray(CAM_FMT_MJPEG, junk, sizeof junk, W, H, 0, gray), CAM_ERR_INVALID);
}

/* ---- v4l2: what can be checked without a device ------------------------------------------- */

static void test_v4l2_errors(void **state)
{
	struct camera *cam;
	char why[256];
	(void)state;
	assert_int_equal(camera_open("v4l2:/dev/video99", &cam, why, sizeof why), CAM_ERR_IO);
	assert_null(cam);
	assert_non_null(strstr(why, "/dev/video99"));
	assert_non_null(strstr(why, "No such file"));
	assert_int_equal(camera_open("v4l2:/dev/null", &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "not a V4L2 device"));
	assert_int_equal(camera_open("v4l2:", &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_int_equal(camera_open("v4l2:/dev/video0,12x", &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "12x"));
	assert_int_equal(camera_open("v4l2:/dev/video0,640x480@0", &cam, why, sizeof why), CAM_ERR_INVALID);
	/* every driver is listed for a name that is none of them */
	assert_int_equal(camera_open("webcam:0", &cam, why, sizeof why), CAM_ERR_NO_DRIVER);
	assert_non_null(strstr(why, "v4l2:"));
	assert_non_null(strstr(why, "pipe:"));
	assert_non_null(strstr(why, "hid:"));
}

/* ---- pipe: a real child writing rpicam-vid's YUV420 ---------------------------------------- */

/* Run as the child: writes frames of --width x --height with rows padded to 64 bytes; the
 * pattern of frame k, or with --qr TEXT one frame holding that code. */
static int generator(int argc, char **argv)
{
	int w = 0, h = 0, frames = 1;
	const char *qr = NULL, *done = NULL;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--width"))
			w = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--height"))
			h = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--frames"))
			frames = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--qr"))
			qr = argv[i + 1];
		else if (!strcmp(argv[i], "--done"))
			done = argv[i + 1];
	}
	int stride = (w + 63) / 64 * 64;
	size_t ybytes = (size_t)stride * h, cbytes = 2 * (size_t)(stride / 2) * ((h + 1) / 2);
	uint8_t *f = malloc(ybytes + cbytes);
	for (int k = 0; k < frames; k++) {
		memset(f, 0xEE, ybytes); /* padding a reader must skip */
		memset(f + ybytes, 128, cbytes);
		if (qr)
			draw_qr(f, w, h, stride, qr);
		else
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					f[(size_t)y * stride + x] = pattern(x, y, k);
		if (fwrite(f, 1, ybytes + cbytes, stdout) != ybytes + cbytes)
			break;
	}
	fflush(stdout);
	free(f);
	/* every frame is in the pipe: say so through the FIFO the test waits on */
	if (done) {
		int fd = open(done, O_WRONLY);
		if (fd < 0 || write(fd, "1", 1) != 1)
			return 1;
		close(fd);
	}
	return 0;
}

/* Waits until the generator says every frame is written: a byte on the FIFO read end fd,
 * opened before the generator starts. Returns 1, or 0 after timeout_ms without it. */
static int wait_done(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	return poll(&p, 1, timeout_ms) == 1 && read(fd, &c, 1) == 1;
}

static void test_pipe(void **state)
{
	struct camera *cam;
	struct cam_frame f;
	char spec[8192], why[256];
	(void)state;

	/* a ticket-like code through the child, read by the scanner in place (stride 320) */
	snprintf(spec, sizeof spec, "pipe:%s --yuv420-generator --width 300 --height 240 --frames 1 --qr VK1:PIPE-TEST", self_exe);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	int rc = CAM_ERR_AGAIN;
	for (int i = 0; i < 100 && rc == CAM_ERR_AGAIN; i++)
		rc = camera_grab(cam, &f, 100);
	assert_int_equal(rc, CAM_OK);
	assert_int_equal(f.width, 300);
	assert_int_equal(f.height, 240);
	assert_int_equal(f.stride, 320);
	assert_true(reads(&f, "VK1:PIPE-TEST"));
	for (int i = 0; i < 100 && rc == CAM_OK; i++)
		rc = camera_grab(cam, &f, 100);
	assert_int_equal(rc, CAM_ERR_END);
	camera_close(cam);

	/* five frames already waiting: the grab returns the newest, not the oldest. The
	 * generator tells through a FIFO when all five are in the pipe (a Linux FIFO opened
	 * without a writer polls as nothing to read until one comes). */
	char dir[] = "/tmp/vkhid-test-pipe.XXXXXX", fifo[64];
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/done", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int done_fd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(done_fd >= 0);
	snprintf(spec, sizeof spec, "pipe:%s --yuv420-generator --width 100 --height 60 --frames 5 --done %s",
		 self_exe, fifo);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	if (!wait_done(done_fd, 20000))
		fail_msg("the generator did not write its 5 frames within 20 s");
	close(done_fd);
	unlink(fifo);
	rmdir(dir);
	assert_int_equal(camera_grab(cam, &f, 1000), CAM_OK);
	assert_int_equal(f.stride, 128);
	for (int y = 0; y < 60; y++)
		for (int x = 0; x < 100; x++)
			assert_int_equal(f.gray[(size_t)y * f.stride + x], pattern(x, y, 4));
	assert_int_equal(camera_grab(cam, &f, 1000), CAM_ERR_END);
	camera_close(cam);

	/* a frame size the driver cannot know is refused with a reason */
	assert_int_equal(camera_open("pipe:cat /dev/zero", &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "--width"));
	/* a command that never writes: no frame, and close does not hang */
	assert_int_equal(camera_open("pipe:sleep 30; : --width 64 --height 48", &cam, why, sizeof why), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 50), CAM_ERR_AGAIN);
	camera_close(cam);
}

/* ---- hid: evdev key events ----------------------------------------------------------------- */

struct evbuf { struct input_event ev[20000]; int n; };

static void ev(struct evbuf *b, unsigned type, unsigned code, int value)
{
	assert_true(b->n < 20000);
	memset(&b->ev[b->n], 0, sizeof b->ev[0]);
	b->ev[b->n].type = (uint16_t)type;
	b->ev[b->n].code = (uint16_t)code;
	b->ev[b->n].value = value;
	b->n++;
}

/* A key stroke as a scanner sends it: scan code, press, sync, release, sync. */
static void key(struct evbuf *b, unsigned code, int shift)
{
	if (shift)
		ev(b, EV_KEY, KEY_LEFTSHIFT, 1);
	ev(b, EV_MSC, MSC_SCAN, 0x70000);
	ev(b, EV_KEY, code, 1);
	ev(b, EV_SYN, SYN_REPORT, 0);
	ev(b, EV_KEY, code, 0);
	ev(b, EV_SYN, SYN_REPORT, 0);
	if (shift)
		ev(b, EV_KEY, KEY_LEFTSHIFT, 0);
}

static void test_hid(void **state)
{
	struct evbuf *b = calloc(1, sizeof *b);
	struct cam_hid_parser p;
	(void)state;

	/* "VK1:ab-2" then Enter; an auto-repeat and a key with no character are ignored */
	key(b, KEY_V, 1);
	key(b, KEY_K, 1);
	key(b, KEY_1, 0);
	key(b, KEY_SEMICOLON, 1);
	key(b, KEY_A, 0);
	ev(b, EV_KEY, KEY_A, 2);
	key(b, KEY_B, 0);
	key(b, KEY_LEFTCTRL, 0);
	key(b, KEY_MINUS, 0);
	key(b, KEY_KP2, 0);
	key(b, KEY_ENTER, 0);
	/* Enter alone is no code; then "Z/" ended by the keypad's Enter */
	key(b, KEY_ENTER, 0);
	key(b, KEY_Z, 1);
	key(b, KEY_SLASH, 0);
	key(b, KEY_KPENTER, 0);
	/* longer than a frame can carry: cut, and said so */
	for (int i = 0; i < CAM_TEXT_MAX + 10; i++)
		ev(b, EV_KEY, KEY_7, 1);
	key(b, KEY_ENTER, 0);

	cam_hid_init(&p);
	int done = 0;
	for (int i = 0; i < b->n && !done; i++)
		done = cam_hid_feed(&p, b->ev[i].type, b->ev[i].code, b->ev[i].value);
	assert_true(done);
	assert_string_equal(p.buf, "VK1:ab-2");

	char path[] = "/tmp/vkhid-test-hid.XXXXXX", spec[64], why[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->ev, sizeof b->ev[0] * (size_t)b->n), (ssize_t)(sizeof b->ev[0] * (size_t)b->n));
	close(fd);
	struct camera *cam;
	struct cam_frame f;
	snprintf(spec, sizeof spec, "hid:%s", path);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_null(f.gray);
	assert_int_equal(f.text_len, 8);
	assert_string_equal(f.text, "VK1:ab-2");
	assert_int_equal(f.text_cut, 0);
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_string_equal(f.text, "Z/");
	assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
	assert_int_equal(f.text_len, CAM_TEXT_MAX);
	assert_int_equal(f.text_cut, 1);
	assert_int_equal(f.text[0], '7');
	assert_int_equal(camera_grab(cam, &f, 0), CAM_ERR_END);
	camera_close(cam);
	unlink(path);
	assert_int_equal(camera_open("hid:/dev/input/event-none", &cam, why, sizeof why), CAM_ERR_IO);
	assert_non_null(strstr(why, "event-none"));
	free(b);
}

/* ---- y4m in the files driver --------------------------------------------------------------- */

static void test_y4m(void **state)
{
	enum { W = 320, H = 240 };
	char path[] = "/tmp/vkhid-test-y4m.XXXXXX", spec[128], why[256];
	struct camera *cam;
	struct cam_frame f;
	uint8_t *y = malloc(W * H), chroma[2 * (W / 2) * (H / 2)];
	(void)state;

	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *o = fdopen(fd, "wb");
	memset(chroma, 100, sizeof chroma);
	fprintf(o, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n", W, H);
	for (int k = 0; k < 3; k++) {
		if (k == 1)
			draw_qr(y, W, H, W, "VK1:Y4M-REPLAY");
		else
			for (int i = 0; i < W * H; i++)
				y[i] = pattern(i % W, i / W, k);
		fprintf(o, "FRAME\n");
		fwrite(y, 1, W * H, o);
		fwrite(chroma, 1, sizeof chroma, o);
	}
	fprintf(o, "FRAME\n");
	fwrite(y, 1, W * H / 2, o); /* the recording was cut off mid-frame */
	fclose(o);

	snprintf(spec, sizeof spec, "files:%s", path);
	/* the name must say y4m */
	assert_int_not_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	char named[80];
	snprintf(named, sizeof named, "%s.y4m", path);
	assert_int_equal(rename(path, named), 0);
	snprintf(spec, sizeof spec, "files:%s", named);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
		assert_int_equal(f.width, W);
		assert_int_equal(f.height, H);
		assert_true(f.seq == (uint64_t)k + 1);
		if (k == 1) {
			assert_true(reads(&f, "VK1:Y4M-REPLAY"));
			continue;
		}
		for (int i = 0; i < W * H; i += 97)
			assert_int_equal(f.gray[(size_t)(i / W) * f.stride + i % W], pattern(i % W, i / W, k));
	}
	assert_int_equal(camera_grab(cam, &f, 0), CAM_ERR_END);
	camera_close(cam);

	/* mono and 4:4:4 recordings skip the right amount of chroma */
	static const char *const spaces[] = { "Cmono", "C444", "C422" };
	static const size_t cbytes[] = { 0, 2 * 32 * 24, 2 * 16 * 24 };
	for (int s = 0; s < 3; s++) {
		o = fopen(named, "wb");
		fprintf(o, "YUV4MPEG2 W32 H24 F25:1 %s\n", spaces[s]);
		for (int k = 0; k < 2; k++) {
			fprintf(o, "FRAME\n");
			for (int i = 0; i < 32 * 24; i++)
				fputc(pattern(i % 32, i / 32, k + 5), o);
			for (size_t i = 0; i < cbytes[s]; i++)
				fputc(0x55, o);
		}
		fclose(o);
		assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_OK);
		for (int k = 0; k < 2; k++) {
			assert_int_equal(camera_grab(cam, &f, 0), CAM_OK);
			assert_int_equal(f.gray[31 + 23 * 32], pattern(31, 23, k + 5));
			assert_int_equal(f.gray[0], pattern(0, 0, k + 5));
		}
		assert_int_equal(camera_grab(cam, &f, 0), CAM_ERR_END);
		camera_close(cam);
	}
	/* not a y4m, or one with a depth we cannot read: refused at open with a reason */
	o = fopen(named, "wb");
	fputs("RIFF....AVI LIST\n", o);
	fclose(o);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_INVALID);
	assert_non_null(strstr(why, "YUV4MPEG2"));
	o = fopen(named, "wb");
	fputs("YUV4MPEG2 W32 H24 C420p10\n", o);
	fclose(o);
	assert_int_equal(camera_open(spec, &cam, why, sizeof why), CAM_ERR_INVALID);
	unlink(named);
	free(y);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--yuv420-generator") == 0)
		return generator(argc, argv);
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	if (n <= 0)
		return 1;
	self_exe[n] = '\0';
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_convert_raw),
		cmocka_unit_test(test_convert_mjpeg),
		cmocka_unit_test(test_v4l2_errors),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_hid),
		cmocka_unit_test(test_y4m),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
