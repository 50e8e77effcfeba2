/* SPDX-License-Identifier: MIT */
/* `vkhid scan IMAGE...`: the decoding path the camera uses, on still images. (`vkhid badge
 * preview` lives in cmd_print.c with the other badge commands.) */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "badge/badge.h"
#include "camera/camera.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "scan/scan.h"

int cmd_scan(struct cli *c, int argc, char **argv)
{
	const char *pos[256];
	int np = 0, status = 0;
	struct opt_spec spec[] = { { NULL, 0, NULL } };
	struct scan_code *codes;
	scan *s;

	if (opt_parse(argc, argv, spec, pos, 256, &np, c->err))
		return 2;
	if (np < 1) {
		cli_usage(c, "scan");
		return 2;
	}
	codes = calloc(SCAN_MAX_CODES, sizeof *codes);
	s = scan_new();
	if (!codes || !s) {
		free(codes);
		scan_free(s);
		return 2;
	}
	for (int i = 0; i < np; i++) {
		uint8_t *gray = NULL;
		int w, h, n;
		char why[512];
		if (image_load_gray(pos[i], &gray, &w, &h, why, sizeof why) != CAM_OK) {
			fprintf(c->err, "vkhid: %s: %s\n", pos[i], why);
			status = 2;
			continue;
		}
		n = scan_still(s, gray, w, h, w, codes, SCAN_MAX_CODES);
		for (int k = 0; k < n; k++) {
			fwrite(codes[k].data, 1, codes[k].len, c->out);
			fputc('\n', c->out);
		}
		free(gray);
	}
	scan_free(s);
	free(codes);
	return status;
}
