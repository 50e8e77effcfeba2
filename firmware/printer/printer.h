/* SPDX-License-Identifier: MIT */
/* Label printers: a driver is a named table of functions chosen by "--printer NAME[:ARG]"
 * ("file:DIR", later "usb", "usb:04f9:209d"). The simulated twin "file" writes each badge
 * as a PNG and has fault hooks (printer_sim_set_state) so tests can unplug it or run it
 * out of labels. Firmware knows nothing of app/.
 *
 * Functions return PRINTER_OK (0) or a negative enum printer_err. */
#ifndef FW_PRINTER_H
#define FW_PRINTER_H

#include <stddef.h>
#include <stdint.h>

enum printer_err {
	PRINTER_OK = 0,
	PRINTER_ERR_IO = -1,
	PRINTER_ERR_NOMEM = -2,
	PRINTER_ERR_INVALID = -3,    /* a bad spec or raster */
	PRINTER_ERR_NO_DRIVER = -4,
	PRINTER_ERR_NOT_READY = -5,  /* the printer's state (see status) prevents printing */
	PRINTER_ERR_TIMEOUT = -6,
	PRINTER_ERR_GONE = -7,       /* unplugged */
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
/* Writes the raster as a PNG (black on white; red plane in red). */
int printer_raster_save_png(const struct printer_raster *r, const char *path);

struct printer_media {
	int width_mm;           /* 0 = unknown */
	int length_mm;          /* 0 = endless */
};

struct printer_status {
	enum printer_state state;
	char model[64];
	struct printer_media media;
	char detail[160];       /* English detail for logs */
};

struct printer_job {
	const char *name;       /* file-safe name for the job (the file driver uses it) */
	struct printer_media media; /* the stock the badge was laid out for */
};

struct printer;

struct printer_driver {
	const char *name;
	const char *help;
	/* Opens the printer described by arg; returns PRINTER_OK and a printer that must be
	 * freed with close(), or an error with an English reason in why. */
	int (*open)(const char *arg, struct printer **out, char *why, size_t why_len);
	/* Reads the printer's state; PRINTER_OK even when the state is not READY. */
	int (*status)(struct printer *p, struct printer_status *st);
	/* Prints one label. On failure st says why (the job stays queued by the caller). */
	int (*print)(struct printer *p, const struct printer_job *job,
		     const struct printer_raster *r, struct printer_status *st);
	void (*close)(struct printer *p);
};

struct printer {
	const struct printer_driver *drv; /* always the first member */
};

extern const struct printer_driver *const printer_drivers[];

int printer_open(const char *spec, struct printer **out, char *why, size_t why_len);
int printer_status(struct printer *p, struct printer_status *st);
int printer_print(struct printer *p, const struct printer_job *job,
		  const struct printer_raster *r, struct printer_status *st);
void printer_close(struct printer *p);

/* The simulated printer ("file:DIR"): forces a state (unplugged, no-media...) until set
 * back to READY; fail_after = n makes the n-th next job end the roll. Returns
 * PRINTER_ERR_INVALID when p is not the simulated printer. */
int printer_sim_set_state(struct printer *p, enum printer_state st);
/* The n-th next job finds the end of the roll (END_OF_MEDIA, nothing written) and the state
 * stays until set back to READY; n = 0 cancels. PRINTER_ERR_INVALID as above. */
int printer_sim_fail_after(struct printer *p, int n);
/* Number of labels the simulated printer has written. */
int printer_sim_count(struct printer *p);

#endif
