/* SPDX-License-Identifier: MIT */
/* The printers vkhid knows by USB id: Brother QL (from the QL-500 to the QL-1115NWB, and
 * their "Editor Lite" USB-disk ids so staff can be told to switch it off), Zebra desktop
 * models, Epson TM receipt printers, and DYMO LabelWriters (recognised, not driven).
 * Ids from Debian's usb.ids and the vendors' references; resolutions and head widths from
 * the command references. Also the geometry of a stock on a model: what the badge renderer
 * must fill. */
#include "printer/printer.h"
#include "printer/proto.h"

#include <ctype.h>
#include <string.h>

#define BQ "brother_ql"
#define S_62X100 { 62, 100, 0 }
#define S_102X152 { 102, 152, 0 }
#define S_80 { 80, 0, 0 }

/* Brother QL: 300 dpi; 720 dots (90 bytes a line) or 1296 (162 bytes) on the wide models.
 * Raster-mode switch absent on QL-500..570 and 700; PackBits absent on QL-500..570, 700,
 * 800; two colours on the QL-8xx. */
#define QL_STD (PM_RASTER_MODE | PM_COMPRESSION | PM_CUTTER)
const struct printer_model printer_models[] = {
	{ "QL-500", 0x04f9, 0x2015, BQ, 300, 720, 0, 0, S_62X100 },
	{ "QL-550", 0x04f9, 0x2016, BQ, 300, 720, PM_CUTTER, 0, S_62X100 },
	{ "QL-560", 0x04f9, 0x2027, BQ, 300, 720, PM_CUTTER, 0, S_62X100 },
	{ "QL-570", 0x04f9, 0x2028, BQ, 300, 720, PM_CUTTER, 0, S_62X100 },
	{ "QL-650TD", 0x04f9, 0x201b, BQ, 300, 720, QL_STD, 0, S_62X100 },
	{ "QL-700", 0x04f9, 0x2042, BQ, 300, 720, PM_CUTTER, 0, S_62X100 },
	{ "QL-710W", 0x04f9, 0x2043, BQ, 300, 720, QL_STD, 0x36, S_62X100 },
	{ "QL-720NW", 0x04f9, 0x2044, BQ, 300, 720, QL_STD, 0x37, S_62X100 },
	{ "QL-800", 0x04f9, 0x209b, BQ, 300, 720,
	  PM_RASTER_MODE | PM_CUTTER | PM_TWO_COLOUR | PM_INVALIDATE_400, 0x38, S_62X100 },
	{ "QL-810W", 0x04f9, 0x209c, BQ, 300, 720,
	  QL_STD | PM_TWO_COLOUR | PM_INVALIDATE_400, 0x39, S_62X100 },
	{ "QL-820NWB", 0x04f9, 0x209d, BQ, 300, 720,
	  QL_STD | PM_TWO_COLOUR | PM_INVALIDATE_400, 0x41, S_62X100 },
	{ "QL-600", 0x04f9, 0x20c0, BQ, 300, 720, QL_STD, 0, S_62X100 },
	{ "QL-1050", 0x04f9, 0x2020, BQ, 300, 1296, QL_STD, 0, S_102X152 },
	{ "QL-1060N", 0x04f9, 0x202a, BQ, 300, 1296, QL_STD, 0, S_102X152 },
	{ "QL-1100", 0x04f9, 0x20a7, BQ, 300, 1296, QL_STD, 0x43, S_102X152 },
	{ "QL-1110NWB", 0x04f9, 0x20a8, BQ, 300, 1296, QL_STD, 0x44, S_102X152 },
	{ "QL-1115NWB", 0x04f9, 0x20ab, BQ, 300, 1296, QL_STD, 0, S_102X152 },
	/* The same printers switched to Editor Lite: a USB disk, no printer interface. */
	{ "QL-700 (Editor Lite)", 0x04f9, 0x2049, BQ, 300, 720, PM_EDITOR_LITE, 0, S_62X100 },
	{ "QL-720NW (Editor Lite)", 0x04f9, 0x204d, BQ, 300, 720, PM_EDITOR_LITE, 0, S_62X100 },
	{ "QL-1100 (Editor Lite)", 0x04f9, 0x20a9, BQ, 300, 1296, PM_EDITOR_LITE, 0, S_102X152 },
	{ "QL-1110NWB (Editor Lite)", 0x04f9, 0x20aa, BQ, 300, 1296, PM_EDITOR_LITE, 0,
	  S_102X152 },
	{ "QL-1115NWB (Editor Lite)", 0x04f9, 0x20ac, BQ, 300, 1296, PM_EDITOR_LITE, 0,
	  S_102X152 },
	/* Zebra: 203 dpi desktop models, 4-inch heads (832 dots) except the 2-inch ZD410. */
	{ "GK420d", 0x0a5f, 0x0080, "zpl", 203, 832, 0, 0, S_102X152 },
	{ "GK420t", 0x0a5f, 0x0081, "zpl", 203, 832, 0, 0, S_102X152 },
	{ "ZD410", 0x0a5f, 0x011c, "zpl", 203, 448, 0, 0, { 56, 0, 0 } },
	{ "ZD500", 0x0a5f, 0x0110, "zpl", 203, 832, 0, 0, S_102X152 },
	{ "ZD620", 0x0a5f, 0x0141, "zpl", 203, 832, 0, 0, S_102X152 },
	/* ZD420/ZD421 are not in usb.ids: any other Zebra with a printer interface. */
	{ "ZD421", 0x0a5f, 0x0000, "zpl", 203, 832, PM_ANY_PRODUCT, 0, S_102X152 },
	/* Epson TM: 80 mm paper, 576 dots at 203 dpi. */
	{ "TM-T20", 0x04b8, 0x0e03, "escpos", 203, 576, PM_CUTTER, 0, S_80 },
	{ "TM (ESC/POS)", 0x04b8, 0x0000, "escpos", 203, 576, PM_CUTTER | PM_ANY_PRODUCT, 0,
	  S_80 },
	/* DYMO LabelWriter: its own protocol; the 550 prints only on NFC-tagged labels. */
	{ "LabelWriter 450", 0x0922, 0x0020, "dymo", 300, 672, PM_UNSUPPORTED, 0, { 0, 0, 0 } },
	{ "LabelWriter 400", 0x0922, 0x0019, "dymo", 300, 672, PM_UNSUPPORTED, 0, { 0, 0, 0 } },
	{ "LabelWriter SE450", 0x0922, 0x0400, "dymo", 300, 672, PM_UNSUPPORTED, 0,
	  { 0, 0, 0 } },
	{ "LabelWriter 550", 0x0922, 0x0028, "dymo", 300, 672, PM_UNSUPPORTED, 0, { 0, 0, 0 } },
	{ NULL, 0, 0, NULL, 0, 0, 0, 0, { 0, 0, 0 } },
};

/* Compares model names ignoring case and the dashes and spaces people leave out. */
static int name_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == ' ')
			a++;
		while (*b == '-' || *b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

const struct printer_model *printer_model_find(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (const struct printer_model *m = printer_models; m->name; m++)
		if (name_eq(m->name, name))
			return m;
	return NULL;
}

const struct printer_model *printer_model_by_usb(uint16_t vid, uint16_t pid)
{
	const struct printer_model *any = NULL;

	for (const struct printer_model *m = printer_models; m->name; m++) {
		if (m->vid != vid)
			continue;
		if (m->pid == pid && !(m->flags & PM_ANY_PRODUCT))
			return m;
		if ((m->flags & PM_ANY_PRODUCT) && !any)
			any = m;
	}
	return any;
}

static int mm_to_dots(int mm, int dpi)
{
	return (int)(((long)mm * dpi * 10 + 127) / 254);
}

/* Brother: the media table decides (a 102 mm roll needs a wide head). Zebra: the label
 * width, at most the head. ESC/POS: the whole head on 80 mm paper. */
int printer_model_geometry(const struct printer_model *model, const struct printer_media *m,
			   struct printer_geometry *g)
{
	static const struct printer_model fallback = { "QL (300 dpi)", 0, 0, BQ, 300, 720, 0, 0,
						       S_62X100 };

	if (!m || !g)
		return PRINTER_ERR_INVALID;
	memset(g, 0, sizeof(*g));
	if (!model)
		model = &fallback;
	g->dpi = model->dpi;
	if (strcmp(model->protocol, BQ) == 0) {
		const struct brother_media *bm = brother_media_find(m->width_mm, m->length_mm);
		if (!bm || (bm->wide_only && model->head_dots < 1296))
			return PRINTER_ERR_INVALID;
		g->width_dots = bm->dots_printable;
		g->height_dots = bm->length_dots;
		return PRINTER_OK;
	}
	if (m->width_mm <= 0)
		return PRINTER_ERR_INVALID;
	g->width_dots = mm_to_dots(m->width_mm, model->dpi);
	if (g->width_dots > model->head_dots)
		g->width_dots = model->head_dots;
	if (strcmp(model->protocol, "escpos") == 0)
		g->width_dots = model->head_dots;
	g->height_dots = m->length_mm ? mm_to_dots(m->length_mm, model->dpi) : 0;
	return PRINTER_OK;
}
