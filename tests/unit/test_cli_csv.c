/* SPDX-License-Identifier: MIT */
/* Unit tests of the one CSV field writer every vkhid export goes through (app/cli/cli.c,
 * cli_csv_field and cli_csv_number): quoting, and the OWASP rule against spreadsheet
 * formula injection, including the tab and CR leads that no imported name can carry (the
 * importer trims them) but other texts might. tests/e2e/csv.sh checks the exports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"

/* What cli_csv_field writes for s as the last field of a row, without the CRLF. */
static char *field(const char *s)
{
	static char out[256];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	cli_csv_field(f, s, 1);
	fclose(f);
	assert_true(len >= 2 && len < sizeof out);
	assert_memory_equal(buf + len - 2, "\r\n", 2);
	memcpy(out, buf, len - 2);
	out[len - 2] = '\0';
	free(buf);
	return out;
}

static void test_formula_leads_become_text(void **state)
{
	(void)state;
	assert_string_equal(field("=1+2"), "\"'=1+2\"");
	assert_string_equal(field("+1"), "\"'+1\"");
	assert_string_equal(field("-2"), "\"'-2\"");
	assert_string_equal(field("@SUM(1+1)"), "\"'@SUM(1+1)\"");
	assert_string_equal(field("\t=1"), "\"'\t=1\"");
	assert_string_equal(field("\r=1"), "\"'\r=1\"");
	assert_string_equal(field("=HYPERLINK(\"http://x\",\"y\")"),
			    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	/* not at the start: an ordinary text, written as it is */
	assert_string_equal(field("Ганна =1"), "Ганна =1");
	assert_string_equal(field("a-b"), "a-b");
	assert_string_equal(field(""), "");
	assert_string_equal(field("a,b"), "\"a,b\"");
	assert_string_equal(field("a;b"), "\"a;b\"");
}

static void test_numbers_stay_numbers(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	cli_csv_number(f, 42, 0);
	cli_csv_number(f, -7, 0);
	cli_csv_field(f, "-7", 1);
	fclose(f);
	assert_string_equal(buf, "42,-7,\"'-7\"\r\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formula_leads_become_text),
		cmocka_unit_test(test_numbers_stay_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
