/* SPDX-License-Identifier: MIT */
/* The readiness checks (app/doctor): the Pi's throttling word parsed from what vcgencmd and
 * the kernel print and decoded bit by bit; each check's verdict and what it tells people
 * to do for the facts a broken kiosk has (no pictures, a dark or blurred picture, a printer
 * out of labels or with the wrong roll, a damaged database, no key, an unreachable hub,
 * under-voltage), in English and Ukrainian; the picture measures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/i18n.h"
#include "doctor/doctor.h"

static void test_power_parse(void **state)
{
	uint32_t w = 7;
	(void)state;
	assert_int_equal(doctor_power_parse("throttled=0x50005\n", &w), 0);
	assert_int_equal(w, 0x50005);
	assert_int_equal(doctor_power_parse("50005\n", &w), 0); /* the sysfs file: bare hex */
	assert_int_equal(w, 0x50005);
	assert_int_equal(doctor_power_parse("  0x0  ", &w), 0);
	assert_int_equal(w, 0);
	assert_int_equal(doctor_power_parse("throttled=0xE000F", &w), 0);
	assert_int_equal(w, 0xE000F);
	w = 7;
	assert_int_equal(doctor_power_parse("error=1 error_msg=\"Command not registered\"", &w), -1);
	assert_int_equal(doctor_power_parse("", &w), -1);
	assert_int_equal(doctor_power_parse("throttled=", &w), -1);
	assert_int_equal(doctor_power_parse("0x123456789", &w), -1); /* more than 32 bits */
	assert_int_equal(doctor_power_parse("0x5g", &w), -1);
	assert_int_equal(doctor_power_parse(NULL, &w), -1);
	assert_int_equal(w, 7); /* untouched on failure */
}

static void test_power_read_env(void **state)
{
	char path[] = "/tmp/vkhid-throttled-XXXXXX", src[200];
	uint32_t w = 0;
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "throttled=0x50005\n", 18), 18);
	close(fd);
	setenv("VKHID_THROTTLED_PATH", path, 1);
	assert_int_equal(doctor_power_read(&w, src, sizeof src), 1);
	assert_int_equal(w, 0x50005);
	assert_string_equal(src, path);
	unlink(path);
	assert_int_equal(doctor_power_read(&w, src, sizeof src), -1); /* said, but unreadable */
	unsetenv("VKHID_THROTTLED_PATH");
}

/* A kiosk where everything is fine. */
static void healthy(struct doctor_facts *f)
{
	doctor_facts_init(f);
	snprintf(f->db_path, sizeof f->db_path, "/var/lib/vkhid/vkhid.db");
	f->db_rc = VK_OK;
	f->free_mb = 5000;
	f->backup_age_s = 3600;
	snprintf(f->backup_name, sizeof f->backup_name, "vkhid.db.bak-0.1.0");
	f->have_event = 1;
	snprintf(f->ev.name, sizeof f->ev.name, "Форум");
	snprintf(f->ev.starts, sizeof f->ev.starts, "2026-11-30");
	snprintf(f->ev.ends, sizeof f->ev.ends, "2026-12-02");
	snprintf(f->today, sizeof f->today, "2026-12-01");
	f->key_id = 1;
	f->registered = 120;
	f->now_ms = 1764576000000;
	f->clock_trusted = 1;
	snprintf(f->clock_how, sizeof f->clock_how, "ntp");
	f->power_known = 1;
	f->mem_total_mb = 4000;
	f->mem_avail_mb = 3000;
	f->service = DOCTOR_SVC_ACTIVE;
	f->camera_checked = 1;
	snprintf(f->camera_spec, sizeof f->camera_spec, "v4l2:/dev/video0");
	f->frames = 8;
	f->brightness = 140;
	f->sharpness = 12;
	f->printer_checked = 1;
	snprintf(f->printer_spec, sizeof f->printer_spec, "usb");
	snprintf(f->pst.model, sizeof f->pst.model, "QL-820NWB");
	f->pst.media = (struct printer_media){ 62, 100, 0 };
	f->want = f->pst.media;
	snprintf(f->template_name, sizeof f->template_name, "62x100");
}

static const struct doctor_item *judge(const struct doctor_facts *f, int lang, const char *name,
				       struct doctor_report *r)
{
	const struct doctor_item *it;
	doctor_judge(f, lang, r);
	it = doctor_find(r, name);
	assert_non_null(it);
	return it;
}

static void test_healthy_is_ready(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	(void)state;
	healthy(&f);
	doctor_judge(&f, VK_LANG_EN, &r);
	for (int i = 0; i < r.n; i++)
		if (r.item[i].verdict != DOCTOR_OK)
			fail_msg("%s: %s", r.item[i].name, r.item[i].text);
	assert_int_equal(r.worst, DOCTOR_OK);
	assert_int_equal(r.n, 13);
}

static void test_power_bits(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	const struct doctor_item *it;
	(void)state;
	healthy(&f);
	f.power_word = 0x50005;
	it = judge(&f, VK_LANG_EN, "power", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_int_equal(r.worst, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "under-voltage now; throttled now; since boot: under-voltage, "
					 "throttled (0x50005)"));
	assert_null(strstr(it->text, "capped"));
	assert_null(strstr(it->text, "temperature"));
	assert_non_null(strstr(it->text, "power supply is too weak"));
	/* only in the past: a warning, the kiosk works */
	f.power_word = 0x50000;
	it = judge(&f, VK_LANG_EN, "power", &r);
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_string_equal(it->text, "since boot: under-voltage, throttled (0x50000): the power supply is too "
				      "weak: use the official one (Pi 4: 5.1 V 3 A, Pi 5: 5 V 5 A) and give "
				      "the printer its own");
	/* heat, not the supply */
	f.power_word = 0xA0000 | 0xA;
	it = judge(&f, VK_LANG_EN, "power", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "frequency capped now; soft temperature limit now; since boot: "
					 "frequency capped, soft temperature limit"));
	assert_non_null(strstr(it->text, "too hot"));
	/* not a Pi; a source that said something else */
	f.power_known = 0;
	assert_int_equal(judge(&f, VK_LANG_EN, "power", &r)->verdict, DOCTOR_OK);
	f.power_known = -1;
	assert_int_equal(judge(&f, VK_LANG_EN, "power", &r)->verdict, DOCTOR_WARN);
}

static void test_camera(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	const struct doctor_item *it;
	(void)state;
	healthy(&f);
	f.frames = 0;
	it = judge(&f, VK_LANG_EN, "camera", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "no pictures from v4l2:/dev/video0"));
	healthy(&f);
	f.brightness = 12;
	f.sharpness = 0.3; /* dark pictures have no edges either: dark is what to fix */
	it = judge(&f, VK_LANG_EN, "camera", &r);
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_non_null(strstr(it->text, "too dark (brightness 12 of 255)"));
	healthy(&f);
	f.sharpness = 0.8;
	it = judge(&f, VK_LANG_EN, "camera", &r);
	assert_non_null(strstr(it->text, "blurred or shows nothing"));
	healthy(&f);
	f.camera_rc = -301;
	snprintf(f.camera_why, sizeof f.camera_why, "no such device");
	/* with the kiosk's service running, the camera is busy because the kiosk holds it */
	it = judge(&f, VK_LANG_EN, "camera", &r);
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_non_null(strstr(it->text, "in use by the running kiosk"));
	f.service = DOCTOR_SVC_INACTIVE;
	it = judge(&f, VK_LANG_EN, "camera", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "cannot be opened (no such device)"));
}

static void test_printer(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	const struct doctor_item *it;
	(void)state;
	healthy(&f);
	f.pst.state = PRINTER_NO_MEDIA;
	it = judge(&f, VK_LANG_EN, "printer", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "QL-820NWB: "));
	healthy(&f);
	f.pst.labels_known = 1;
	f.pst.labels_left = 3;
	it = judge(&f, VK_LANG_EN, "printer", &r);
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_non_null(strstr(it->text, "only 3 labels left"));
	f.pst.labels_left = 400;
	it = judge(&f, VK_LANG_EN, "printer", &r);
	assert_int_equal(it->verdict, DOCTOR_OK);
	assert_non_null(strstr(it->text, "400 labels left"));
	healthy(&f);
	f.printer_rc = PRINTER_ERR_IO;
	snprintf(f.printer_why, sizeof f.printer_why, "busy");
	it = judge(&f, VK_LANG_EN, "printer", &r); /* the kiosk's service holds it */
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_non_null(strstr(it->text, "usb is in use by the running kiosk"));
	f.service = DOCTOR_SVC_NO_SYSTEMD;
	it = judge(&f, VK_LANG_EN, "printer", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "usb cannot be opened (busy)"));
	healthy(&f);
	f.pst.near_end = 1;
	assert_int_equal(judge(&f, VK_LANG_EN, "printer", &r)->verdict, DOCTOR_WARN);
	healthy(&f);
	f.pst.media = (struct printer_media){ 62, 0, 0 };
	it = judge(&f, VK_LANG_EN, "printer", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "has 62 mm continuous tape (DK-22205) loaded, but the badge "
					 "template 62x100 needs 62 x 100 mm labels (DK-11202)"));
}

static void test_database(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	const struct doctor_item *it;
	(void)state;
	healthy(&f);
	f.db_rc = DB_ERR_CORRUPT;
	snprintf(f.db_why, sizeof f.db_why, "database disk image is malformed");
	it = judge(&f, VK_LANG_EN, "integrity", &r);
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_non_null(strstr(it->text, "damaged (database disk image is malformed)"));
	assert_non_null(strstr(it->text, "restore the last backup"));
	it = doctor_find(&r, "roster");
	assert_int_equal(it->verdict, DOCTOR_FAIL);
	assert_string_equal(it->text, "not checked: the database cannot be read");
	healthy(&f);
	f.key_id = 0;
	it = judge(&f, VK_LANG_EN, "key", &r);
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_non_null(strstr(it->text, "vkhid keygen"));
	healthy(&f);
	f.backup_age_s = -1;
	assert_int_equal(judge(&f, VK_LANG_EN, "backup", &r)->verdict, DOCTOR_WARN);
	f.free_mb = 10;
	assert_int_equal(judge(&f, VK_LANG_EN, "space", &r)->verdict, DOCTOR_FAIL);
}

static void test_hub(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	const struct doctor_item *it;
	(void)state;
	healthy(&f);
	f.enrolled = 1;
	snprintf(f.hub_url, sizeof f.hub_url, "https://10.0.0.2:8443");
	f.hub_reached = 0;
	snprintf(f.hub_why, sizeof f.hub_why, "connection refused");
	f.last_sync_ms = f.now_ms - 5 * 60 * 1000;
	it = judge(&f, VK_LANG_EN, "hub", &r);
	assert_int_equal(it->verdict, DOCTOR_WARN);
	assert_non_null(strstr(it->text, "https://10.0.0.2:8443 does not answer (connection refused); "
					 "last sync 5 min ago"));
	f.hub_reached = 1;
	it = judge(&f, VK_LANG_EN, "hub", &r);
	assert_int_equal(it->verdict, DOCTOR_OK);
}

static void test_ukrainian(void **state)
{
	struct doctor_facts f;
	struct doctor_report r;
	int uk = i18n_lang_find("uk");
	(void)state;
	assert_true(uk > 0);
	healthy(&f);
	f.power_word = 0x50005;
	f.pst.state = PRINTER_NO_MEDIA;
	doctor_judge(&f, uk, &r);
	assert_non_null(strstr(doctor_find(&r, "power")->text, "замала напруга зараз"));
	assert_string_equal(doctor_find(&r, "power")->title, "живлення");
	assert_string_equal(doctor_verdict_text(DOCTOR_WARN, uk), i18n_tr(uk, "warning"));
	assert_string_equal(doctor_verdict_word(DOCTOR_FAIL), "problem");
}

static void test_picture_stats(void **state)
{
	uint8_t flat[64 * 48], board[64 * 48];
	int b;
	double s;
	(void)state;
	memset(flat, 128, sizeof flat);
	for (int y = 0; y < 48; y++)
		for (int x = 0; x < 64; x++)
			board[y * 64 + x] = ((x / 2 + y / 2) & 1) ? 255 : 0;
	doctor_picture_stats(flat, 64, 48, 64, &b, &s);
	assert_int_equal(b, 128);
	assert_true(s == 0);
	doctor_picture_stats(board, 64, 48, 64, &b, &s);
	assert_true(s > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_parse),   cmocka_unit_test(test_power_read_env),
		cmocka_unit_test(test_healthy_is_ready), cmocka_unit_test(test_power_bits),
		cmocka_unit_test(test_camera),        cmocka_unit_test(test_printer),
		cmocka_unit_test(test_database),      cmocka_unit_test(test_hub),
		cmocka_unit_test(test_ukrainian),     cmocka_unit_test(test_picture_stats),
	};
	i18n_load(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
