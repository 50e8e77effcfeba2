/* SPDX-License-Identifier: MIT */
/* The status light and buzzer (firmware/gpio): spec parsing, the simulated twin, the
 * signal layer stepped through time by hand, and the real gpiod driver against the
 * kernel's gpio-sim where this machine has it (skipped with a reason where not). */
#include <dirent.h>
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

#include "gpio/gpio.h"

static void test_spec_check(void **state)
{
	char why[256];
	int off[GPIO_OUTPUT_COUNT];
	(void)state;

	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green=17,red=27,amber=22,buzzer=18", why, sizeof why), GPIO_OK);
	assert_int_equal(gpio_spec_check("none", why, sizeof why), GPIO_OK);
	assert_int_equal(gpio_spec_check("sim", why, sizeof why), GPIO_OK);
	assert_int_equal(gpio_parse_pins("red=27,buzzer=18", off, why, sizeof why), GPIO_OK);
	assert_int_equal(off[GPIO_RED], 27);
	assert_int_equal(off[GPIO_BUZZER], 18);
	assert_int_equal(off[GPIO_GREEN], -1);

	assert_int_equal(gpio_spec_check("blinkenlights", why, sizeof why), GPIO_ERR_NO_DRIVER);
	assert_non_null(strstr(why, "gpiod:CHIP"));
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0", why, sizeof why), GPIO_ERR_INVALID);
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:purple=3", why, sizeof why), GPIO_ERR_INVALID);
	assert_non_null(strstr(why, "purple"));
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green=17,red=17", why, sizeof why), GPIO_ERR_INVALID);
	assert_non_null(strstr(why, "same pin"));
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green=17,green=18", why, sizeof why), GPIO_ERR_INVALID);
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green=-1", why, sizeof why), GPIO_ERR_INVALID);
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green=17x", why, sizeof why), GPIO_ERR_INVALID);
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green", why, sizeof why), GPIO_ERR_INVALID);
	assert_int_equal(gpio_spec_check("gpiod:gpiochip0:green=1,,red=2", why, sizeof why), GPIO_ERR_INVALID);
}

static void test_open_drivers(void **state)
{
	struct gpio *g;
	char why[256];
	(void)state;

	assert_int_equal(gpio_open(NULL, &g, why, sizeof why), GPIO_OK);
	assert_string_equal(g->drv->name, "none");
	assert_int_equal(gpio_set(g, GPIO_RED, 1), GPIO_OK);
	assert_int_equal(gpio_sim_level(g, GPIO_RED), -1); /* not the twin */
	gpio_close(g);
	assert_int_equal(gpio_open("gpiod:no-such-chip-here:green=1", &g, why, sizeof why), GPIO_ERR_IO);
	assert_null(g);
	assert_non_null(strstr(why, "no-such-chip-here"));
	assert_int_equal(gpio_open("laser:1", &g, why, sizeof why), GPIO_ERR_NO_DRIVER);
}

static void test_sim_records(void **state)
{
	struct gpio *g;
	char why[256], path[] = "/tmp/vkhid-gpio-XXXXXX", line[64], all[512] = "";
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	char spec[64];
	snprintf(spec, sizeof spec, "sim:%s", path);
	assert_int_equal(gpio_open(spec, &g, why, sizeof why), GPIO_OK);
	assert_int_equal(gpio_sim_level(g, GPIO_GREEN), 0);
	assert_int_equal(gpio_set(g, GPIO_GREEN, 1), GPIO_OK);
	assert_int_equal(gpio_set(g, GPIO_GREEN, 1), GPIO_OK); /* no change, not counted */
	assert_int_equal(gpio_set(g, GPIO_BUZZER, 7), GPIO_OK); /* any nonzero is on */
	assert_int_equal(gpio_sim_level(g, GPIO_GREEN), 1);
	assert_int_equal(gpio_sim_level(g, GPIO_BUZZER), 1);
	assert_int_equal(gpio_sim_changes(g, GPIO_GREEN), 1);
	assert_int_equal(gpio_set(g, (enum gpio_output)9, 1), GPIO_ERR_INVALID);
	gpio_sim_fail(g, 1);
	assert_int_equal(gpio_set(g, GPIO_RED, 1), GPIO_ERR_IO);
	assert_int_equal(gpio_sim_level(g, GPIO_RED), 0);
	gpio_sim_fail(g, 0);
	gpio_close(g); /* turns everything off, and says so in the record */

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f))
		strncat(all, line, sizeof all - strlen(all) - 1);
	fclose(f);
	unlink(path);
	assert_string_equal(all, "green on\nbuzzer on\ngreen off\nbuzzer off\n");
}

/* The levels of all outputs at time t, as "GRAB" letters (lower case = off). */
static const char *levels(struct gpio_signal *s, struct gpio *g, uint64_t t)
{
	static char out[GPIO_OUTPUT_COUNT + 1];
	assert_int_equal(gpio_signal_tick(s, t), GPIO_OK);
	for (int i = 0; i < GPIO_OUTPUT_COUNT; i++)
		out[i] = (char)(gpio_sim_level(g, (enum gpio_output)i) ? "GRAB"[i] : "grab"[i]);
	out[GPIO_OUTPUT_COUNT] = '\0';
	return out;
}

static void test_signal_moods(void **state)
{
	struct gpio *g;
	char why[128];
	(void)state;

	assert_int_equal(gpio_open("sim", &g, why, sizeof why), GPIO_OK);
	struct gpio_signal *s = gpio_signal_new(g);
	assert_non_null(s);
	assert_string_equal(levels(s, g, 0), "grab");
	gpio_signal_mood(s, GPIO_MOOD_READY, 10);
	assert_string_equal(levels(s, g, 10), "Grab");
	assert_string_equal(levels(s, g, 100000), "Grab");

	/* needs staff: amber blinks, green goes out */
	gpio_signal_mood(s, GPIO_MOOD_NEEDS_STAFF, 1000);
	assert_string_equal(levels(s, g, 1000), "grAb");
	assert_string_equal(levels(s, g, 1000 + GPIO_BLINK_MS - 1), "grAb");
	assert_string_equal(levels(s, g, 1000 + GPIO_BLINK_MS), "grab");
	assert_string_equal(levels(s, g, 1000 + 2 * GPIO_BLINK_MS), "grAb");
	/* telling it again does not restart the blink */
	gpio_signal_mood(s, GPIO_MOOD_NEEDS_STAFF, 1000 + 2 * GPIO_BLINK_MS + 100);
	assert_string_equal(levels(s, g, 1000 + 3 * GPIO_BLINK_MS + 10), "grab");
	long amber = gpio_sim_changes(g, GPIO_AMBER);
	assert_int_equal(amber, 4);
	gpio_signal_mood(s, GPIO_MOOD_READY, 5000);
	assert_string_equal(levels(s, g, 5000), "Grab");
	gpio_signal_free(s);
	gpio_close(g);
}

static void test_signal_events(void **state)
{
	struct gpio *g;
	char why[128];
	(void)state;

	assert_int_equal(gpio_open("sim", &g, why, sizeof why), GPIO_OK);
	struct gpio_signal *s = gpio_signal_new(g);
	gpio_signal_mood(s, GPIO_MOOD_READY, 0);
	assert_string_equal(levels(s, g, 0), "Grab");

	/* admission: a short beep, green flashing, then steady green again */
	gpio_signal_event(s, GPIO_EVENT_ADMITTED, 1000);
	assert_string_equal(levels(s, g, 1000), "graB");
	assert_string_equal(levels(s, g, 1000 + GPIO_ADMIT_BEEP_MS - 1), "GraB");
	assert_string_equal(levels(s, g, 1000 + GPIO_ADMIT_BEEP_MS), "Grab");
	assert_string_equal(levels(s, g, 1250), "grab");
	assert_string_equal(levels(s, g, 1350), "Grab");
	assert_string_equal(levels(s, g, 1450), "grab");
	assert_string_equal(levels(s, g, 1000 + GPIO_ADMIT_MS), "Grab");
	long beeps = gpio_sim_changes(g, GPIO_BUZZER);
	assert_int_equal(beeps, 2); /* one beep: on, off */

	/* refusal: red and two longer beeps, green dark, then back to ready */
	gpio_signal_event(s, GPIO_EVENT_REFUSED, 3000);
	assert_string_equal(levels(s, g, 3000), "gRaB");
	assert_string_equal(levels(s, g, 3200), "gRaB");
	assert_string_equal(levels(s, g, 3350), "gRab");
	assert_string_equal(levels(s, g, 3500), "gRaB");
	assert_string_equal(levels(s, g, 3800), "gRab");
	assert_string_equal(levels(s, g, 3000 + GPIO_REFUSE_MS - 1), "gRab");
	assert_string_equal(levels(s, g, 3000 + GPIO_REFUSE_MS), "Grab");
	assert_int_equal(gpio_sim_changes(g, GPIO_BUZZER) - beeps, 4); /* two beeps */

	/* an admission while staff are called: the flash shows, amber goes on blinking */
	gpio_signal_mood(s, GPIO_MOOD_NEEDS_STAFF, 10000);
	gpio_signal_event(s, GPIO_EVENT_ADMITTED, 10000);
	assert_string_equal(levels(s, g, 10000), "grAB");
	assert_string_equal(levels(s, g, 10000 + GPIO_BLINK_MS + 50), "Grab");
	assert_string_equal(levels(s, g, 10000 + 2 * GPIO_BLINK_MS), "grAb");

	/* a GPIO line that fails is reported, and set again on the next tick */
	gpio_sim_fail(g, 1);
	gpio_signal_mood(s, GPIO_MOOD_READY, 20000);
	assert_int_equal(gpio_signal_tick(s, 20000), GPIO_ERR_IO);
	gpio_sim_fail(g, 0);
	assert_string_equal(levels(s, g, 20001), "Grab");
	gpio_signal_free(s);
	gpio_close(g);
}

/* ---- the real driver against the kernel's gpio-sim -------------------------------------- */
#define SIMCFG "/sys/kernel/config/gpio-sim"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int rc = fputs(text, f) < 0;
	return fclose(f) || rc ? -1 : 0;
}

static int read_word(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *r = fgets(buf, (int)len, f);
	fclose(f);
	if (!r)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void test_gpiod_on_gpio_sim(void **state)
{
	char dev[64], chip[64], path[512], v[16], why[256], spec[128];
	struct gpio *g;
	(void)state;

	if (access(SIMCFG, W_OK) != 0) {
		if (system("modprobe gpio-sim 2>/dev/null") != 0 || access(SIMCFG, W_OK) != 0) {
			print_message("# SKIP the kernel's gpio-sim is not available here (it needs configfs "
				      "at /sys/kernel/config and the gpio-sim module, as root); the gpiod "
				      "driver was not tried against a kernel\n");
			return;
		}
	}
	/* one bank of 8 lines, brought up live */
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d", (int)getpid());
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/bank0", (int)getpid());
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/bank0/num_lines", (int)getpid());
	assert_int_equal(write_file(path, "8"), 0);
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/live", (int)getpid());
	assert_int_equal(write_file(path, "1"), 0);
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/dev_name", (int)getpid());
	assert_int_equal(read_word(path, dev, sizeof dev), 0);
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/bank0/chip_name", (int)getpid());
	assert_int_equal(read_word(path, chip, sizeof chip), 0);

	snprintf(spec, sizeof spec, "gpiod:%s:green=1,red=2,amber=3,buzzer=5", chip);
	int rc = gpio_open(spec, &g, why, sizeof why);
	if (rc)
		print_message("# %s\n", why);
	assert_int_equal(rc, GPIO_OK);
	struct gpio_signal *s = gpio_signal_new(g);
	gpio_signal_mood(s, GPIO_MOOD_READY, 0);
	gpio_signal_event(s, GPIO_EVENT_REFUSED, 0);
	assert_int_equal(gpio_signal_tick(s, 0), GPIO_OK);
	/* what the kernel's line values say: red and buzzer high, green low */
	const int want[8] = { 0, 0, 1, 0, 0, 1, 0, 0 };
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof path, "/sys/devices/platform/%s/%s/sim_gpio%d/value", dev, chip, i);
		assert_int_equal(read_word(path, v, sizeof v), 0);
		assert_int_equal(atoi(v), want[i]);
	}
	/* a second kiosk cannot take the same lines */
	struct gpio *g2;
	assert_int_equal(gpio_open(spec, &g2, why, sizeof why), GPIO_ERR_BUSY);
	gpio_signal_free(s);
	gpio_close(g);

	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/live", (int)getpid());
	write_file(path, "0");
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d/bank0", (int)getpid());
	rmdir(path);
	snprintf(path, sizeof path, SIMCFG "/vkhid-%d", (int)getpid());
	rmdir(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_check),
		cmocka_unit_test(test_open_drivers),
		cmocka_unit_test(test_sim_records),
		cmocka_unit_test(test_signal_moods),
		cmocka_unit_test(test_signal_events),
		cmocka_unit_test(test_gpiod_on_gpio_sim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
