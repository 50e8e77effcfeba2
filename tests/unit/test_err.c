/* SPDX-License-Identifier: MIT */
/* Tests of the error codes of every layer (app/core/err.c): the layers' numeric ranges do
 * not overlap, every value of every layer lies in its own layer's range, and
 * vk_error_name() / vk_strerror() name each value as its own layer's, so a code passed up
 * without conversion is still reported as what it is (an unplugged printer is never "a
 * database made by a newer vkhid"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "camera/camera.h"
#include "core/err.h"
#include "db/db.h"
#include "printer/printer.h"

struct layer {
	enum vk_err_layer layer;
	const char *prefix;   /* how vk_error_name() begins for this layer */
	int first, last;      /* the range: first (least negative) and last value */
	const int *codes;     /* every error value of the layer's enum */
	size_t n;
};

static const int core_codes[] = {
	VK_ERR_IO, VK_ERR_NOMEM, VK_ERR_INVALID, VK_ERR_NOT_FOUND, VK_ERR_CRYPTO, VK_ERR_EXISTS,
	VK_ERR_UNSUPPORTED, VK_ERR_DEVICE, VK_ERR_REPRINT_NEEDS_ORGANIZER, VK_ERR_REPRINT_LIMIT,
};
static const int db_codes[] = { DB_ERR_SQL, DB_ERR_FOREIGN, DB_ERR_NEWER };
static const int printer_codes[] = {
	PRINTER_ERR_IO, PRINTER_ERR_NOMEM, PRINTER_ERR_INVALID, PRINTER_ERR_NO_DRIVER,
	PRINTER_ERR_NOT_READY, PRINTER_ERR_TIMEOUT, PRINTER_ERR_GONE,
};
static const int camera_codes[] = {
	CAM_ERR_IO, CAM_ERR_NOMEM, CAM_ERR_INVALID, CAM_ERR_NO_DRIVER, CAM_ERR_AGAIN,
	CAM_ERR_END, CAM_ERR_GONE,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct layer layers[] = {
	{ VK_LAYER_CORE, "VK_ERR_", VK_ERR_CORE_FIRST, VK_ERR_CORE_LAST, core_codes, N(core_codes) },
	{ VK_LAYER_DB, "DB_ERR_", VK_ERR_DB_FIRST, VK_ERR_DB_LAST, db_codes, N(db_codes) },
	{ VK_LAYER_PRINTER, "PRINTER_ERR_", VK_ERR_PRINTER_FIRST, VK_ERR_PRINTER_LAST,
	  printer_codes, N(printer_codes) },
	{ VK_LAYER_CAMERA, "CAM_ERR_", VK_ERR_CAMERA_FIRST, VK_ERR_CAMERA_LAST,
	  camera_codes, N(camera_codes) },
};

static void test_ranges_do_not_overlap(void **state)
{
	(void)state;
	for (size_t a = 0; a < N(layers); a++) {
		int a_hi = layers[a].first, a_lo = layers[a].last;
		assert_true(a_hi < 0 && a_lo <= a_hi);
		for (size_t b = a + 1; b < N(layers); b++) {
			int b_hi = layers[b].first, b_lo = layers[b].last;
			assert_true(a_hi < b_lo || b_hi < a_lo);
		}
		/* the classifier agrees with the table at the range's ends */
		assert_int_equal(vk_error_layer(a_hi), layers[a].layer);
		assert_int_equal(vk_error_layer(a_lo), layers[a].layer);
		/* every value the layer defines lies in its range */
		for (size_t i = 0; i < layers[a].n; i++)
			assert_true(layers[a].codes[i] <= a_hi && layers[a].codes[i] >= a_lo);
	}
	assert_int_equal(vk_error_layer(0), VK_LAYER_NONE);
	assert_int_equal(vk_error_layer(7), VK_LAYER_NONE);
}

static void test_every_value_names_its_layer(void **state)
{
	(void)state;
	for (size_t a = 0; a < N(layers); a++) {
		const struct layer *l = &layers[a];
		for (size_t i = 0; i < l->n; i++) {
			int v = l->codes[i];
			const char *name = vk_error_name(v);
			assert_int_equal(vk_error_layer(v), l->layer);
			if (strncmp(name, l->prefix, strlen(l->prefix)) != 0)
				fail_msg("%d is named %s, not %s...", v, name, l->prefix);
			assert_string_not_equal(vk_strerror(v), "unknown error");
			assert_string_not_equal(vk_strerror(v), "");
			/* no two values of any layers share a name */
			for (size_t b = 0; b < N(layers); b++)
				for (size_t j = 0; j < layers[b].n; j++)
					if (layers[b].codes[j] != v)
						assert_string_not_equal(vk_error_name(layers[b].codes[j]), name);
		}
	}
	assert_string_equal(vk_error_name(VK_OK), "VK_OK");
	assert_string_equal(vk_error_name(-99), "VK_ERR_UNKNOWN");
	assert_string_equal(vk_error_layer_name(vk_error_layer(PRINTER_ERR_GONE)), "printer");
}

/* The case that started it: a printer or camera code that reaches a log unconverted. */
static void test_unconverted_device_codes(void **state)
{
	(void)state;
	assert_string_equal(vk_error_name(PRINTER_ERR_GONE), "PRINTER_ERR_GONE");
	assert_string_equal(vk_strerror(PRINTER_ERR_GONE), printer_strerror(PRINTER_ERR_GONE));
	assert_null(strstr(vk_strerror(PRINTER_ERR_GONE), "database"));
	assert_string_equal(vk_strerror(CAM_ERR_GONE), cam_strerror(CAM_ERR_GONE));
	assert_null(strstr(vk_strerror(CAM_ERR_GONE), "database"));
	assert_non_null(strstr(vk_strerror(DB_ERR_NEWER), "newer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges_do_not_overlap),
		cmocka_unit_test(test_every_value_names_its_layer),
		cmocka_unit_test(test_unconverted_device_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
