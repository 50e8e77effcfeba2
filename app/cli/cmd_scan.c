/* SPDX-License-Identifier: MIT */
/* `vkhid scan IMAGE...` and `vkhid badge preview`: the decoding path the camera uses, on
 * still images, and the badge a participant would get, as a PNG. */
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
			fprintf(c->err, TR("vkhid: %s: %s\n", "vkhid: %s: %s\n"), pos[i], why);
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

int cmd_badge(struct cli *c, int argc, char **argv)
{
	const char *reg = NULL, *code = NULL, *out = NULL, *layout = NULL, *pos[1];
	int np = 0, rc;
	struct opt_spec spec[] = {
		{ "--registration", OPT_VALUE, &reg }, { "--code", OPT_VALUE, &code },
		{ "--out", OPT_VALUE, &out }, { "--template", OPT_VALUE, &layout }, { NULL, 0, NULL },
	};
	struct db_event ev;
	struct db_registration r;
	struct printer_raster ras;
	const struct badge_layout *l;
	char why[256];

	if (argc < 1 || strcmp(argv[0], "preview") != 0) {
		cli_usage(c, "badge");
		return 2;
	}
	if (opt_parse(argc - 1, argv + 1, spec, pos, 0, &np, c->err))
		return 2;
	if (!out || (!reg && !code)) {
		cli_usage(c, "badge");
		return 2;
	}
	l = badge_layout_get(layout);
	if (!l) {
		fprintf(c->err, TR("vkhid: no badge layout '%s' (built in: 62x100)\n",
				   "vkhid: немає макета бейджа «%s» (вбудований: 62x100)\n"), layout);
		return 2;
	}
	if (!cli_db(c, 0) || cli_event(c, &ev))
		return 2;
	rc = reg ? db_reg_get(c->d, ev.id, strtoll(reg, NULL, 10), &r) : db_reg_by_code(c->d, code, &r);
	if (rc != VK_OK) {
		fprintf(c->err, "%s", TR("vkhid: no such participant in the current event\n",
					 "vkhid: такого учасника в поточному заході немає\n"));
		return 2;
	}
	if (badge_init(why, sizeof why) != VK_OK) {
		fprintf(c->err, "vkhid: %s\n", why);
		return 2;
	}
	struct badge_info b = {
		.display = r.display, .given = r.given, .family = r.family,
		.organization = r.organization, .category = r.category, .event_name = ev.name,
		.code = r.vk_code[0] ? r.vk_code : r.ticket_code,
	};
	rc = badge_render(&b, l, &ras);
	if (rc == VK_OK) {
		rc = printer_raster_save_png(&ras, out) == PRINTER_OK ? VK_OK : VK_ERR_IO;
		printer_raster_free(&ras);
	}
	badge_shutdown();
	if (rc) {
		fprintf(c->err, TR("vkhid: could not write the badge to %s\n",
				   "vkhid: не вдалося записати бейдж у %s\n"), out);
		return 2;
	}
	fprintf(c->out, "%s\n", out);
	return 0;
}
