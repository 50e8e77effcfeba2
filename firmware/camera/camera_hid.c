/* SPDX-License-Identifier: MIT */
/* "hid:/dev/input/eventN": a USB 2D barcode scanner that types like a keyboard, read from
 * evdev directly. The scanner sends key codes as a US keyboard would; mapping them here,
 * rather than through the system's keymap, reads the same characters whatever layout the
 * kiosk has (a Ukrainian layout would otherwise turn "VK1:" into "МЛ1Ж"). Enter ends a
 * code. The device is grabbed (EVIOCGRAB) so its keystrokes do not also reach the screen.
 *
 * A grab yields no picture: the frame carries the decoded text instead (camera.h). A
 * regular file of struct input_event records plays like a device and ends with
 * CAM_ERR_END, which is how the tests feed it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "camera/camera.h"

/* ---- the key map ---------------------------------------------------------------------- */
struct key_chars { unsigned short code; char plain, shifted; };

static const struct key_chars key_map[] = {
	{ KEY_1, '1', '!' }, { KEY_2, '2', '@' }, { KEY_3, '3', '#' }, { KEY_4, '4', '$' },
	{ KEY_5, '5', '%' }, { KEY_6, '6', '^' }, { KEY_7, '7', '&' }, { KEY_8, '8', '*' },
	{ KEY_9, '9', '(' }, { KEY_0, '0', ')' }, { KEY_MINUS, '-', '_' }, { KEY_EQUAL, '=', '+' },
	{ KEY_Q, 'q', 'Q' }, { KEY_W, 'w', 'W' }, { KEY_E, 'e', 'E' }, { KEY_R, 'r', 'R' },
	{ KEY_T, 't', 'T' }, { KEY_Y, 'y', 'Y' }, { KEY_U, 'u', 'U' }, { KEY_I, 'i', 'I' },
	{ KEY_O, 'o', 'O' }, { KEY_P, 'p', 'P' }, { KEY_LEFTBRACE, '[', '{' },
	{ KEY_RIGHTBRACE, ']', '}' }, { KEY_A, 'a', 'A' }, { KEY_S, 's', 'S' }, { KEY_D, 'd', 'D' },
	{ KEY_F, 'f', 'F' }, { KEY_G, 'g', 'G' }, { KEY_H, 'h', 'H' }, { KEY_J, 'j', 'J' },
	{ KEY_K, 'k', 'K' }, { KEY_L, 'l', 'L' }, { KEY_SEMICOLON, ';', ':' },
	{ KEY_APOSTROPHE, '\'', '"' }, { KEY_GRAVE, '`', '~' }, { KEY_BACKSLASH, '\\', '|' },
	{ KEY_Z, 'z', 'Z' }, { KEY_X, 'x', 'X' }, { KEY_C, 'c', 'C' }, { KEY_V, 'v', 'V' },
	{ KEY_B, 'b', 'B' }, { KEY_N, 'n', 'N' }, { KEY_M, 'm', 'M' }, { KEY_COMMA, ',', '<' },
	{ KEY_DOT, '.', '>' }, { KEY_SLASH, '/', '?' }, { KEY_SPACE, ' ', ' ' },
	{ KEY_KP0, '0', '0' }, { KEY_KP1, '1', '1' }, { KEY_KP2, '2', '2' }, { KEY_KP3, '3', '3' },
	{ KEY_KP4, '4', '4' }, { KEY_KP5, '5', '5' }, { KEY_KP6, '6', '6' }, { KEY_KP7, '7', '7' },
	{ KEY_KP8, '8', '8' }, { KEY_KP9, '9', '9' }, { KEY_KPMINUS, '-', '-' },
	{ KEY_KPPLUS, '+', '+' }, { KEY_KPDOT, '.', '.' }, { KEY_KPASTERISK, '*', '*' },
	{ KEY_KPSLASH, '/', '/' },
};

void cam_hid_init(struct cam_hid_parser *p)
{
	memset(p, 0, sizeof *p);
}

int cam_hid_feed(struct cam_hid_parser *p, unsigned type, unsigned code, int value)
{
	if (type != EV_KEY)
		return 0;
	if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
		p->shift = value != 0;
		return 0;
	}
	if (value != 1) /* 0 release, 2 auto-repeat: a scanner never holds a key on purpose */
		return 0;
	if (code == KEY_ENTER || code == KEY_KPENTER) {
		if (p->len == 0 && !p->cut)
			return 0;
		p->buf[p->len] = '\0';
		return 1;
	}
	for (size_t i = 0; i < sizeof key_map / sizeof key_map[0]; i++) {
		if (key_map[i].code != code)
			continue;
		if (p->len < CAM_TEXT_MAX)
			p->buf[p->len++] = p->shift ? key_map[i].shifted : key_map[i].plain;
		else
			p->cut = 1;
		break;
	}
	return 0;
}

/* ---- the driver ----------------------------------------------------------------------- */
struct hid_cam {
	struct camera base;        /* always the first member */
	int fd;
	int is_file;               /* a recording: its end is the end */
	int have_code;             /* the parser holds a code returned by the last grab */
	struct cam_hid_parser parser;
	char text[CAM_TEXT_MAX + 1];
	uint64_t seq;
};

extern const struct camera_driver camera_hid_driver;

static int hid_open(const char *arg, struct camera **out, char *why, size_t why_len)
{
	struct stat st;
	struct hid_cam *c;
	*out = NULL;
	if (!arg || !*arg) {
		snprintf(why, why_len, "hid: needs a device, e.g. hid:/dev/input/event3");
		return CAM_ERR_INVALID;
	}
	int fd = open(arg, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, why_len, "cannot open %s: %s", arg, strerror(errno));
		return errno == ENOMEM ? CAM_ERR_NOMEM : CAM_ERR_IO;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return CAM_ERR_NOMEM;
	}
	c->base.drv = &camera_hid_driver;
	c->fd = fd;
	c->is_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	/* Keep the scanner's keystrokes to ourselves; a file cannot be grabbed, and a device
	 * someone else grabbed still reads. */
	if (!c->is_file)
		(void)ioctl(fd, EVIOCGRAB, 1);
	cam_hid_init(&c->parser);
	*out = &c->base;
	return CAM_OK;
}

static int hid_grab(struct camera *cam, struct cam_frame *f, int timeout_ms)
{
	struct hid_cam *c = (struct hid_cam *)cam;
	struct input_event ev;

	if (c->have_code) {
		/* the code returned last time has been taken: start the next one */
		c->have_code = 0;
		c->parser.len = 0;
		c->parser.cut = 0;
	}
	for (;;) {
		ssize_t n = read(c->fd, &ev, sizeof ev);
		if (n == (ssize_t)sizeof ev) {
			if (!cam_hid_feed(&c->parser, ev.type, ev.code, ev.value))
				continue;
			memset(f, 0, sizeof *f);
			memcpy(c->text, c->parser.buf, c->parser.len + 1);
			f->text = c->text;
			f->text_len = c->parser.len;
			f->text_cut = c->parser.cut;
			f->seq = ++c->seq;
			c->have_code = 1;
			return CAM_OK;
		}
		if (n == 0 || (n > 0 && c->is_file))
			return c->is_file ? CAM_ERR_END : CAM_ERR_GONE;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
			if (timeout_ms <= 0)
				return CAM_ERR_AGAIN;
			int r = poll(&pfd, 1, timeout_ms);
			timeout_ms = 0; /* one wait per grab */
			if (r <= 0)
				return CAM_ERR_AGAIN;
			if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
				return CAM_ERR_GONE;
			continue;
		}
		/* ENODEV: the scanner was unplugged */
		return CAM_ERR_GONE;
	}
}

static void hid_close(struct camera *cam)
{
	struct hid_cam *c = (struct hid_cam *)cam;
	close(c->fd);
	free(c);
}

const struct camera_driver camera_hid_driver = {
	.name = "hid",
	.help = "hid:/dev/input/eventN",
	.open = hid_open,
	.grab = hid_grab,
	.close = hid_close,
};
