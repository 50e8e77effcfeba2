/* SPDX-License-Identifier: MIT */
/* /etc/vkhid/vkhid.conf (app/cli/config.c): a good file is taken whole; a broken one is
 * reported line by line and every other setting still applies; flags say the same. Files
 * are real files read through config_load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/config.h"
#include "core/err.h"

static char path[64];

static void write_conf(const char *text, size_t len)
{
	snprintf(path, sizeof path, "/tmp/vkhid-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static int load(const char *text, struct config *cfg, struct config_report *rep)
{
	write_conf(text, strlen(text));
	config_defaults(cfg);
	memset(rep, 0, sizeof *rep);
	int rc = config_load(path, cfg, rep);
	unlink(path);
	return rc;
}

/* The report has a problem at line with text containing what. */
static int has(const struct config_report *rep, int line, const char *what)
{
	for (int i = 0; i < rep->n; i++)
		if (rep->p[i].line == line && strstr(rep->p[i].text, what))
			return 1;
	return 0;
}

static void test_good_file(void **state)
{
	struct config c;
	struct config_report rep;
	(void)state;
	int rc = load("\xEF\xBB\xBF; the kiosk at the main door\r\n"
		      "[kiosk]\r\n"
		      "camera = pipe:rpicam-vid -t 0 --codec yuv420 -o -\r\n"
		      "printer=usb:QL-820NWB\n"
		      "template = speaker   ; an inline comment\n"
		      "language = uk\n"
		      "database = /srv/vkhid/door.db\n"
		      "\n"
		      "  [screen]\n"
		      "rotation = portrait\n"
		      "size = 480x800\n"
		      "fullscreen = no\n"
		      "[hub]\n"
		      "address = https://hub.example.org:8443\n"
		      "[light]\n"
		      "# pins on the 40-pin header\n"
		      "pins = gpiod:gpiochip0:green=17,red=27,amber=22,buzzer=18\n", &c, &rep);
	assert_int_equal(rc, VK_OK);
	for (int i = 0; i < rep.n; i++)
		print_message("# line %d: %s\n", rep.p[i].line, rep.p[i].text);
	assert_int_equal(rep.n, 0);
	assert_string_equal(c.camera, "pipe:rpicam-vid -t 0 --codec yuv420 -o -");
	assert_string_equal(c.printer, "usb:QL-820NWB");
	assert_string_equal(c.template_name, "speaker");
	assert_string_equal(c.language, "uk");
	assert_string_equal(c.database, "/srv/vkhid/door.db");
	assert_int_equal(c.portrait, 1);
	assert_int_equal(c.width, 480);
	assert_int_equal(c.height, 800);
	assert_int_equal(c.fullscreen, 0);
	assert_string_equal(c.hub, "https://hub.example.org:8443");
	assert_string_equal(c.light, "gpiod:gpiochip0:green=17,red=27,amber=22,buzzer=18");
}

static void test_no_file_means_defaults(void **state)
{
	struct config c, d;
	struct config_report rep = { 0 };
	(void)state;
	config_defaults(&c);
	config_defaults(&d);
	assert_int_equal(config_load("/nonexistent/vkhid.conf", &c, &rep), VK_ERR_NOT_FOUND);
	assert_int_equal(rep.n, 0);
	assert_memory_equal(&c, &d, sizeof c);
	assert_string_equal(c.camera, "auto");
	assert_string_equal(c.printer, "usb");
	assert_string_equal(c.light, "none");
	assert_int_equal(c.fullscreen, 1);
	assert_int_equal(c.portrait, 0);
}

static void test_broken_file(void **state)
{
	struct config c;
	struct config_report rep;
	char longline[400];
	(void)state;
	memset(longline, 'x', sizeof longline);
	memcpy(longline, "template = ", 11);
	longline[sizeof longline - 1] = '\0';
	char text[2048];
	snprintf(text, sizeof text,
		 "[kiosk]\n"                          /* 1 */
		 "camera = webcam0\n"                 /* 2: no such driver */
		 "printer = file:/tmp/badges\n"       /* 3: good */
		 "language = de\n"                    /* 4 */
		 "colour = blue\n"                    /* 5: unknown setting */
		 "just some words\n"                  /* 6: not a setting */
		 "%s\n"                               /* 7: too long */
		 "[screen\n"                          /* 8: no closing ] */
		 "[screen]\n"                         /* 9 */
		 "rotation = upside-down\n"           /* 10 */
		 "size = 800 by 480\n"                /* 11 */
		 "fullscreen = maybe\n"               /* 12 */
		 "[sound]\n"                          /* 13: unknown section */
		 "volume = 11\n"                      /* 14: inside it: not reported again */
		 "[hub]\n"                            /* 15 */
		 "address = hub.example.org\n"        /* 16 */
		 "[light]\n"                          /* 17 */
		 "pins = gpiod:gpiochip0:green=17,red=17\n" /* 18 */
		 "= nameless\n"                       /* 19 */
		 "database = relative.db\n",          /* 20 */
		 longline);
	assert_int_equal(load(text, &c, &rep), VK_OK);
	for (int i = 0; i < rep.n; i++)
		print_message("# line %d: %s\n", rep.p[i].line, rep.p[i].text);
	assert_true(has(&rep, 2, "unknown camera 'webcam0'"));
	assert_true(has(&rep, 2, "v4l2"));   /* says which are known */
	assert_true(has(&rep, 4, "uk or en"));
	assert_true(has(&rep, 5, "colour"));
	assert_true(has(&rep, 6, "name = value"));
	assert_true(has(&rep, 7, "longer than"));
	assert_true(has(&rep, 8, "closing ]"));
	assert_true(has(&rep, 10, "landscape or portrait"));
	assert_true(has(&rep, 11, "800x480"));
	assert_true(has(&rep, 12, "yes or no"));
	assert_true(has(&rep, 13, "[sound]"));
	assert_true(has(&rep, 16, "https://"));
	assert_true(has(&rep, 18, "same pin"));
	assert_true(has(&rep, 19, "no name"));
	assert_true(has(&rep, 20, "unknown setting 'database' (known here: pins)"));
	assert_int_equal(rep.n, 14);
	/* the one good line applies; every broken setting keeps its default */
	assert_string_equal(c.printer, "file:/tmp/badges");
	assert_string_equal(c.camera, "auto");
	assert_string_equal(c.language, "");
	assert_string_equal(c.template_name, "");
	assert_int_equal(c.portrait, 0);
	assert_int_equal(c.width, 0);
	assert_int_equal(c.fullscreen, 1);
	assert_string_equal(c.hub, "");
	assert_string_equal(c.light, "none");
	assert_string_equal(c.database, "/var/lib/vkhid/vkhid.db");

	/* what an organizer reads */
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	config_report_print(&rep, "/etc/vkhid/vkhid.conf", f);
	fclose(f);
	assert_non_null(strstr(out, "/etc/vkhid/vkhid.conf, line 10: rotation: the rotation is landscape or portrait (or 0, 90, 180, 270 degrees)\n"));
	assert_non_null(strstr(out, "default"));
	free(out);
}

static void test_garbage_and_limits(void **state)
{
	struct config c;
	struct config_report rep = { 0 };
	(void)state;
	/* zero bytes and a binary mess: reported, never a crash */
	static const char junk[] = "camera = files:\0/x\n\xff\xfe[\x01\n=\n[]\n";
	config_defaults(&c);
	assert_int_equal(config_parse(junk, sizeof junk - 1, &c, &rep), VK_OK);
	assert_true(has(&rep, 1, "zero byte"));
	assert_string_equal(c.camera, "auto");
	/* a flood of mistakes is counted past the cap */
	char *many = malloc(100 * 8);
	for (int i = 0; i < 100; i++)
		memcpy(many + i * 8, "oops!!!\n", 8);
	memset(&rep, 0, sizeof rep);
	config_parse(many, 800, &c, &rep);
	free(many);
	assert_int_equal(rep.n, CONFIG_MAX_PROBLEMS);
	assert_int_equal(rep.more, 100 - CONFIG_MAX_PROBLEMS);
	/* a file too big to be a settings file */
	char *big = calloc(1, CONFIG_FILE_MAX + 10);
	memset(big, ';', CONFIG_FILE_MAX + 9);
	write_conf(big, CONFIG_FILE_MAX + 9);
	free(big);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(config_load(path, &c, &rep), VK_ERR_IO);
	unlink(path);
	assert_true(has(&rep, 0, "KiB"));
}

static void test_flags(void **state)
{
	struct config c;
	char why[300];
	(void)state;
	config_defaults(&c);
	assert_int_equal(config_flag(&c, "--rotation", "portrait", why, sizeof why), VK_OK);
	assert_int_equal(c.portrait, 1);
	assert_int_equal(c.rotation, 90);
	/* a screen mounted upside down, or standing on its other side */
	assert_int_equal(config_flag(&c, "--rotation", "180", why, sizeof why), VK_OK);
	assert_int_equal(c.rotation, 180);
	assert_int_equal(c.portrait, 0);
	assert_int_equal(config_flag(&c, "--rotation", "270", why, sizeof why), VK_OK);
	assert_int_equal(c.portrait, 1);
	assert_int_equal(config_flag(&c, "--rotation", "45", why, sizeof why), VK_ERR_INVALID);
	assert_int_equal(c.rotation, 270);
	assert_int_equal(config_flag(&c, "--windowed", NULL, why, sizeof why), VK_OK);
	assert_int_equal(c.fullscreen, 0);
	assert_int_equal(config_flag(&c, "--light", "sim", why, sizeof why), VK_OK);
	assert_string_equal(c.light, "sim");
	assert_int_equal(config_flag(&c, "--hub", "ftp://x", why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "https://"));
	assert_string_equal(c.hub, "");
	assert_int_equal(config_flag(&c, "--camera", "files:/tmp/x", why, sizeof why), VK_OK);
	assert_string_equal(c.camera, "files:/tmp/x");
	assert_int_equal(config_flag(&c, "--volume", "11", why, sizeof why), VK_ERR_NOT_FOUND);
	assert_int_equal(config_flag(&c, "--db", "relative.db", why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "full path"));
	assert_string_equal(c.database, "/var/lib/vkhid/vkhid.db");
	/* every setting has a flag, and every flag works */
	for (const struct config_key *k = config_keys; k->name; k++)
		assert_true(strncmp(k->flag, "--", 2) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_no_file_means_defaults),
		cmocka_unit_test(test_broken_file),
		cmocka_unit_test(test_garbage_and_limits),
		cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
