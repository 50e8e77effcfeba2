/* SPDX-License-Identifier: MIT */
/* The readiness report's printer check against fake USB printers on umockdev: the real
 * "usb" driver and its status parsers answer what `vkhid doctor` says -- the model, the roll
 * against the badge template, a printer out of labels, one that does not answer.
 * Runs under umockdev-wrapper (tests/run.sh does it); without umockdev it skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "doctor/doctor.h"
#include "fakeprinter.h"

static int setup(void **state)
{
	struct fakebed *b = fakebed_new();
	if (!b)
		skip();
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	fakebed_free(*state);
	return 0;
}

/* The printer line of the report for the printer at spec, with template tpl. */
static enum doctor_verdict printer_line(const char *spec, const char *tpl, char *text, size_t cap)
{
	struct doctor_facts f;
	struct doctor_report r;
	const struct doctor_item *it;
	doctor_facts_init(&f);
	assert_int_equal(doctor_gather_printer(&f, spec, tpl, NULL), 0);
	doctor_judge(&f, VK_LANG_EN, &r);
	it = doctor_find(&r, "printer");
	assert_non_null(it);
	snprintf(text, cap, "%s", it->text);
	return it->verdict;
}

static void test_ql820(void **state)
{
	struct fakeprinter *p = fake_add(*state, "QL-820NWB", (struct printer_media){ 62, 100, 0 });
	char text[DOCTOR_TEXT_MAX];
	assert_non_null(p);
	assert_int_equal(printer_line(fake_spec(p), "62x100", text, sizeof text), DOCTOR_OK);
	assert_non_null(strstr(text, "QL-820NWB ready, 62 x 100 mm labels (DK-11202) loaded as the template "
				     "62x100 needs"));
	/* out of labels, as the printer's status reply says */
	fake_set_state(p, PRINTER_NO_MEDIA);
	assert_int_equal(printer_line(fake_spec(p), "62x100", text, sizeof text), DOCTOR_FAIL);
	assert_non_null(strstr(text, i18n_tr(VK_LANG_EN, "Load a label roll (open the cover, put the roll "
							 "in, close it).")));
	/* the wrong roll for the template */
	fake_set_state(p, PRINTER_READY);
	fake_set_media(p, (struct printer_media){ 62, 0, 0 });
	assert_int_equal(printer_line(fake_spec(p), "62x100", text, sizeof text), DOCTOR_FAIL);
	assert_non_null(strstr(text, "QL-820NWB has 62 mm continuous tape (DK-22205) loaded, but the badge "
				     "template 62x100 needs 62 x 100 mm labels (DK-11202)"));
	assert_int_equal(printer_line(fake_spec(p), "62", text, sizeof text), DOCTOR_OK);
}

static void test_not_answering(void **state)
{
	struct fakeprinter *p = fake_add(*state, "QL-820NWB", (struct printer_media){ 62, 100, 0 });
	char text[DOCTOR_TEXT_MAX];
	assert_non_null(p);
	fake_set_silent(p, 1);
	assert_int_equal(printer_line(fake_spec(p), "62x100", text, sizeof text), DOCTOR_FAIL);
}

static void test_none_plugged(void **state)
{
	char text[DOCTOR_TEXT_MAX];
	(void)state;
	assert_int_equal(printer_line("usb", "62x100", text, sizeof text), DOCTOR_FAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ql820, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_answering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_plugged, setup, teardown),
	};
	i18n_load(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
