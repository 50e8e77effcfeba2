/* SPDX-License-Identifier: MIT */
/* Printer protocols as pure encoders and decoders: a raster in, the exact bytes a model
 * must receive out; a status reply in, a printer_status out. No USB and no files here, so
 * each protocol is tested byte by byte without hardware (tests/unit/test_brother.c,
 * test_zpl.c, test_escpos.c) and shared by the USB driver and the file twin.
 *
 * Every protocol splits a job in two at its point of no return: body (setting up; the
 * printer prints nothing if the host stops here) and tail (the bytes that make it print).
 * The print queue records that point durably (printer_job.commit).
 *
 * Functions return PRINTER_OK or a negative enum printer_err unless they say otherwise. */
#ifndef FW_PRINTER_PROTO_H
#define FW_PRINTER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "printer/printer.h"

/* A growable byte buffer with a hard cap (PBUF_MAX): a job larger than that is refused,
 * never allowed to eat the kiosk's memory. Zero-initialise; free with pbuf_free(). */
#define PBUF_MAX ((size_t)32 << 20)
struct pbuf {
	uint8_t *data;
	size_t len, cap;
};
int pbuf_put(struct pbuf *b, const void *p, size_t n);
int pbuf_byte(struct pbuf *b, uint8_t c);
int pbuf_fill(struct pbuf *b, uint8_t c, size_t n);
int pbuf_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pbuf_free(struct pbuf *b);

/* One status reply, decoded. */
struct proto_reply {
	struct printer_status st;
	int busy;        /* labels still printing or waiting in the printer */
	int completed;   /* Brother: the reply says "printing completed" */
	int phase_printing; /* Brother: phase change to printing */
};

struct proto_opts {
	int no_compression;  /* Brother: send raw lines even where PackBits is supported */
};

struct printer_protocol {
	const char *name;
	/* Appends the bytes that ask for the printer's state. */
	int (*status_request)(const struct printer_model *m, struct pbuf *out);
	/* Decodes a reply from b[0..n): returns the bytes used (> 0) with r filled in, 0 when
	 * more bytes are needed, or PRINTER_ERR_INVALID when b is not a reply (skip a byte). */
	int (*status_parse)(const struct printer_model *m, const uint8_t *b, size_t n,
			    struct proto_reply *r);
	/* Encodes one label of raster r laid out for media: body, then tail. */
	int (*encode)(const struct printer_model *m, const struct printer_media *media,
		      const struct printer_raster *r, const struct proto_opts *o,
		      struct pbuf *body, struct pbuf *tail);
	int reports_completion; /* 1 = the printer sends "completed" by itself (Brother) */
};

extern const struct printer_protocol proto_brother_ql, proto_zpl, proto_escpos;
/* The protocol called name, or NULL (DYMO has none: recognised, not driven). */
const struct printer_protocol *proto_find(const char *name);

/* The Brother QL media we know: printable dots and the offsets the head needs. */
struct brother_media {
	int width_mm, length_mm;   /* length 0 = endless */
	uint8_t type;              /* 0x0A endless, 0x0B die-cut */
	int dots_printable;        /* across */
	int right_margin;          /* dots between the printable area and the head's right end */
	int length_dots;           /* die-cut: printable length; 0 endless */
	int wide_only;             /* needs the 1296-dot head */
};
const struct brother_media *brother_media_find(int width_mm, int length_mm);
/* TIFF PackBits of one line: appends the compressed form of src[0..n) to out. */
int brother_packbits(const uint8_t *src, size_t n, struct pbuf *out);
/* The 32-byte status of a Brother QL (for the fake printer and tests): builds the reply a
 * printer in state st with media m would send. type: 0 reply, 1 completed, 2 error,
 * 6 phase change; phase 0 waiting, 1 printing. */
void brother_status_build(uint8_t out[32], uint8_t model_code, enum printer_state st,
			  const struct printer_media *m, int type, int phase);

#endif
