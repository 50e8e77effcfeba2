/* SPDX-License-Identifier: MIT */
/* Label printers: a driver is a named table of functions chosen by "--printer NAME[:ARG]"
 * ("usb", "usb:04f9:209d", "usb:QL-820NWB", "file:DIR", "file:DIR:QL-820NWB"). "usb"
 * (printer_usb.c) speaks to Brother QL, Zebra and ESC/POS printers over libusb through the
 * pure protocol encoders of proto.h; the simulated twin "file" writes each badge as a PNG
 * (and with a MODEL the exact bytes) and has fault hooks (printer_sim_set_state) so tests
 * can unplug it or run it out of labels. The known models are a table (printer_models.c).
 * Firmware knows nothing of app/.
 *
 * Functions return PRINTER_OK (0) or a negative enum printer_err. */
#ifndef FW_PRINTER_H
#define FW_PRINTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Printer codes live in -200 .. -299, apart from every other layer's (the table is in
 * app/core/err.h, which knows this header; this header knows nothing of it). */
enum printer_err {
	PRINTER_OK = 0,
	PRINTER_ERR_IO = -201,
	PRINTER_ERR_NOMEM = -202,
	PRINTER_ERR_INVALID = -203,    /* a bad spec or raster */
	PRINTER_ERR_NO_DRIVER = -204,
	PRINTER_ERR_NOT_READY = -205,  /* the printer's state (see status) prevents printing */
	PRINTER_ERR_TIMEOUT = -206,
	PRINTER_ERR_GONE = -207,       /* unplugged */
};
const char *printer_strerror(int err);

/* What a person near the printer can see and fix. */
enum printer_state {
	PRINTER_READY = 0,
	PRINTER_ABSENT,         /* no printer found */
	PRINTER_UNPLUGGED,      /* was there, is gone */
	PRINTER_COVER_OPEN,
	PRINTER_NO_MEDIA,
	PRINTER_END_OF_MEDIA,
	PRINTER_WRONG_MEDIA,
	PRINTER_CUTTER_JAM,
	PRINTER_CANNOT_FEED,
	PRINTER_EDITOR_LITE,
	PRINTER_NOT_ANSWERING,
	PRINTER_SYSTEM_ERROR,
	PRINTER_PAUSED,         /* Zebra: the pause button was pressed */
	PRINTER_UNSUPPORTED,    /* a label printer we recognise but cannot drive (DYMO) */
	PRINTER_STATE_COUNT
};
/* Stable lower-case word for logs and scenarios ("ready", "no-media", ...). */
const char *printer_state_name(enum printer_state st);
/* Parses a word of printer_state_name(); -1 when unknown. */
int printer_state_parse(const char *word);

/* A 1-bit image at the printer's resolution. Bit 7 of byte 0 is the top-left pixel;
 * 1 = black (ink). red is an optional second plane (two-colour stock), or NULL. */
struct printer_raster {
	int width, height;      /* pixels */
	int stride;             /* bytes per row, >= (width + 7) / 8 */
	int dpi;
	uint8_t *bits;
	uint8_t *red;
};
/* Allocates a white raster; free with printer_raster_free(). Returns PRINTER_ERR_NOMEM or
 * PRINTER_ERR_INVALID (size beyond 4096x8192). */
int printer_raster_new(struct printer_raster *r, int width, int height, int dpi);
void printer_raster_free(struct printer_raster *r);
static inline int printer_raster_get(const struct printer_raster *r, int x, int y)
{
	return (r->bits[(size_t)y * r->stride + (x >> 3)] >> (7 - (x & 7))) & 1;
}
static inline void printer_raster_set(struct printer_raster *r, int x, int y, int black)
{
	uint8_t *p = &r->bits[(size_t)y * r->stride + (x >> 3)];
	uint8_t m = (uint8_t)(0x80 >> (x & 7));
	*p = black ? (uint8_t)(*p | m) : (uint8_t)(*p & ~m);
}
/* Writes a file at path through emit(fp, ctx), all or nothing: a temporary file in the
 * same folder, flushed to disk, then renamed over path, so a power cut never leaves a
 * complete-looking name over a half-written file. Every picture vkhid writes for people
 * (badges, ticket QR codes) goes through it. Returns PRINTER_OK, PRINTER_ERR_NOMEM or
 * PRINTER_ERR_IO (also when emit returns nonzero). */
int printer_write_file(const char *path, int (*emit)(FILE *fp, const void *ctx), const void *ctx);
/* Writes the raster as a PNG (black on white; red plane in red). */
int printer_raster_save_png(const struct printer_raster *r, const char *path);

struct printer_media {
	int width_mm;           /* 0 = unknown */
	int length_mm;          /* 0 = endless */
	int two_colour;         /* 1 = black/red stock (Brother DK-22251) */
};

/* Where a badge for some stock goes on a given printer: its resolution and printable dots.
 * height_dots is 0 on endless stock (the template chooses the length). */
struct printer_geometry {
	int dpi;
	int width_dots;
	int height_dots;
};

struct printer_status {
	enum printer_state state;
	char model[64];
	struct printer_media media;
	char detail[160];       /* English detail for logs */
	/* What the printer says of the roll's end, where it says it (the readiness report):
	 * labels_known 1 with labels_left the labels still on the roll (the simulated printer
	 * with a roll end set); near_end 1 when the printer warns that paper runs out soon
	 * (ESC/POS "paper near end"). Zero: the printer does not tell. */
	int labels_known, labels_left;
	int near_end;
};

/* The point of no return of a job, told to whoever queued it (the print queue records it
 * durably): BEGIN just before the command that makes the printer print leaves the host;
 * ABORT when that command then did not go out after all (the job may be sent again). A
 * nonzero return from BEGIN cancels the job before the printer prints anything. */
enum printer_commit { PRINTER_COMMIT_BEGIN = 0, PRINTER_COMMIT_ABORT = 1 };
typedef int (*printer_commit_fn)(void *ctx, enum printer_commit what);

struct printer_job {
	const char *name;       /* file-safe name for the job (the file driver uses it) */
	struct printer_media media; /* the stock the badge was laid out for */
	printer_commit_fn commit; /* may be NULL */
	void *commit_ctx;
};

/* ---- the printers we know ------------------------------------------------------------- */
enum printer_model_flags {
	PM_RASTER_MODE = 1 << 0,   /* Brother: needs "ESC i a 01" to switch to raster mode */
	PM_COMPRESSION = 1 << 1,   /* Brother: takes TIFF PackBits raster lines */
	PM_TWO_COLOUR = 1 << 2,    /* Brother QL-8xx: black/red on DK-22251 */
	PM_INVALIDATE_400 = 1 << 3,/* Brother QL-8xx: 400 invalidate bytes, not 200 */
	PM_EDITOR_LITE = 1 << 4,   /* this USB id is the printer in Editor Lite (USB disk) mode */
	PM_UNSUPPORTED = 1 << 5,   /* recognised so we can say so, but not driven (DYMO) */
	PM_CUTTER = 1 << 6,        /* has an automatic cutter */
	PM_ANY_PRODUCT = 1 << 7,   /* matches any product id of the vendor with a printer interface */
};

struct printer_model {
	const char *name;          /* "QL-820NWB"; also the MODEL of "file:DIR:MODEL" */
	uint16_t vid, pid;
	const char *protocol;      /* "brother_ql", "zpl", "escpos", "dymo" */
	int dpi;
	int head_dots;             /* dots across the print head */
	unsigned flags;            /* enum printer_model_flags */
	uint8_t status_code;       /* Brother: byte 4 of the status reply, 0 = not checked */
	struct printer_media stock;/* the roll the file twin pretends is loaded */
};
/* Every known model, terminated by a zeroed entry. */
extern const struct printer_model printer_models[];
/* The model called name (case-insensitive, "QL-820NWB", "ql820nwb" too), or NULL. */
const struct printer_model *printer_model_find(const char *name);
/* The model with this USB id, then a vendor-wide entry (PM_ANY_PRODUCT), or NULL. */
const struct printer_model *printer_model_by_usb(uint16_t vid, uint16_t pid);
/* The geometry of stock m on model (NULL = a 300 dpi Brother QL with a 720-dot head).
 * Returns PRINTER_OK or PRINTER_ERR_INVALID when the model cannot print that stock. */
int printer_model_geometry(const struct printer_model *model, const struct printer_media *m,
			   struct printer_geometry *g);

struct printer;

struct printer_driver {
	const char *name;
	const char *help;
	/* Opens the printer described by arg; returns PRINTER_OK and a printer that must be
	 * freed with close(), or an error with an English reason in why. */
	int (*open)(const char *arg, struct printer **out, char *why, size_t why_len);
	/* Reads the printer's state; PRINTER_OK even when the state is not READY. */
	int (*status)(struct printer *p, struct printer_status *st);
	/* Prints one label. On failure st says why (the job stays queued by the caller).
	 * Calls job->commit (when set) around the point of no return. After BEGIN, an error
	 * other than PRINTER_ERR_NOT_READY means "unknown whether it printed"; NOT_READY after
	 * BEGIN means the printer itself reported that the label failed. */
	int (*print)(struct printer *p, const struct printer_job *job,
		     const struct printer_raster *r, struct printer_status *st);
	void (*close)(struct printer *p);
};

struct printer {
	const struct printer_driver *drv; /* always the first member */
	const struct printer_model *model; /* what is connected, NULL while unknown */
};

extern const struct printer_driver *const printer_drivers[];

int printer_open(const char *spec, struct printer **out, char *why, size_t why_len);
int printer_status(struct printer *p, struct printer_status *st);
int printer_print(struct printer *p, const struct printer_job *job,
		  const struct printer_raster *r, struct printer_status *st);
void printer_close(struct printer *p);
/* The geometry of stock m on printer p (its model, or the 300 dpi default). */
int printer_geometry(struct printer *p, const struct printer_media *m, struct printer_geometry *g);

/* One line a connected printer: what `vkhid printers` lists. */
struct printer_found {
	char spec[64];          /* what to pass to --printer: "usb:04f9:209d" */
	char model[64];
	struct printer_status status;
};
/* Lists connected printers of every driver that can look (USB); returns how many were
 * written to out (at most max), or a negative error. */
int printer_list(struct printer_found *out, int max);

/* The simulated printer ("file:DIR"): forces a state (unplugged, no-media...) until set
 * back to READY; fail_after = n makes the n-th next job end the roll. Returns
 * PRINTER_ERR_INVALID when p is not the simulated printer. */
int printer_sim_set_state(struct printer *p, enum printer_state st);
/* The n-th next job finds the end of the roll (END_OF_MEDIA, nothing written) and the state
 * stays until set back to READY; n = 0 cancels. PRINTER_ERR_INVALID as above. */
int printer_sim_fail_after(struct printer *p, int n);
/* Number of labels the simulated printer has written. */
int printer_sim_count(struct printer *p);
/* Loads another roll into the simulated printer (a wrong roll for a test). */
int printer_sim_set_media(struct printer *p, const struct printer_media *m);
/* The folder the simulated printer writes to, or NULL for other printers. */
const char *printer_sim_dir(struct printer *p);
/* Test hook: the process ends at once (_exit(137), as if killed) at this point of the next
 * job: before the commit, between the commit and the label appearing, or after it. */
enum printer_sim_crash { SIM_CRASH_NONE = 0, SIM_CRASH_BEFORE_COMMIT, SIM_CRASH_AFTER_COMMIT,
			 SIM_CRASH_AFTER_PRINT };
int printer_sim_crash_at(struct printer *p, enum printer_sim_crash where);

#endif
