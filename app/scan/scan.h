/* SPDX-License-Identifier: MIT */
/* Frames -> zbar -> decoded QR payloads, and de-duplication of a code held in view.
 *
 * scan_frame() is the live path: one cheap pass per frame (zbar's image scanner, QR only,
 * binary mode, on the gray plane without a copy). scan_still() is for a picture that will
 * not be followed by another frame (`vkhid scan`): it may run every pass it has.
 * Functions return the number of codes found (>= 0) or a negative enum vk_err. */
#ifndef VK_SCAN_H
#define VK_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_MAX_CODES 8
#define SCAN_MAX_PAYLOAD 4096 /* longer payloads are cut and flagged; the rules refuse them */

typedef struct scan scan;

struct scan_code {
	char data[SCAN_MAX_PAYLOAD + 1]; /* NUL-terminated; may contain NUL bytes before len */
	size_t len;
	int truncated;                   /* the payload was longer than SCAN_MAX_PAYLOAD */
};

/* Returns a scanner (one per thread; zbar scanners are not shared) or NULL when out of
 * memory. Free with scan_free(). */
scan *scan_new(void);
void scan_free(scan *s);

/* Decodes the codes in one camera frame into out[0..max): the finder gate (and a zbar
 * pass on the crop around what it found) on every frame; when that crop read nothing, one
 * crop rescue (adaptive threshold, 2x, sharpened; in turn from frame to frame); then, on
 * every other frame, a rescue pass taken in turn from the live rotation. Successive frames of the same scene
 * therefore see every live pass within SCAN_LIVE_ROTATION frames. */
int scan_frame(scan *s, const uint8_t *gray, int width, int height, int stride,
	       struct scan_code *out, int max);
/* Decodes a still image with every pass available. */
int scan_still(scan *s, const uint8_t *gray, int width, int height, int stride,
	       struct scan_code *out, int max);

/* ---- single passes, for measuring what each is worth (tests/bench/bench_scan.c) ------- */
enum scan_pass_id {
	SCAN_PASS_FINDER,      /* own finder-pattern gate; zbar on the crop around hits */
	SCAN_PASS_HALF_FAST,   /* half size, zbar scanning every other line */
	SCAN_PASS_HALF_FAST_INVERT, /* the same on the inverted picture (dark mode) */
	SCAN_PASS_GUIDE,       /* full resolution, the central guide box only, every other line */
	SCAN_PASS_PLAIN,       /* zbar on the whole frame as it is */
	SCAN_PASS_INVERT,
	SCAN_PASS_HALF,
	SCAN_PASS_BLUR,
	SCAN_PASS_STRETCH,
	SCAN_PASS_DOUBLE,
	SCAN_PASS_CROP_RESCUE, /* the gate, then every crop rescue (adaptive threshold, 2x,
	                        * sharpened) on its crops when zbar read nothing there */
	SCAN_PASS_ADAPTIVE,    /* local-mean binarisation of the whole frame */
	SCAN_PASS_HALF_ADAPTIVE, /* the same at half size, every other line */
	SCAN_PASS_SHARPEN,     /* unsharp mask of the whole frame */
	SCAN_PASS_COUNT
};
/* scan_frame() takes its rescue passes in turn: every pass within this many frames. */
#define SCAN_LIVE_ROTATION 16
/* A short English name of a pass ("finder", "half-fast", ...); "?" when out of range. */
const char *scan_pass_name(int pass);
/* Runs one pass on its own; same arguments and results as scan_frame(). */
int scan_pass_run(scan *s, int pass, const uint8_t *gray, int width, int height, int stride,
		  struct scan_code *out, int max);
/* Finder candidates the gate saw in the last pass that ran it (for tests and bench). */
int scan_last_candidates(const scan *s);

/* De-duplication: a code held in front of the camera is one presentation. A code counts
 * again only after it has been out of view for SCAN_GONE_MS. */
#define SCAN_GONE_MS 1000
#define SCAN_DEDUP_SLOTS 16
struct scan_dedup {
	struct { uint64_t hash; int64_t last_seen_ms; } slot[SCAN_DEDUP_SLOTS];
};
void scan_dedup_init(struct scan_dedup *d);
/* Reports that code was seen at now_ms; returns 1 when this is a new presentation (act on
 * it), 0 when it is the same code still held in view. */
int scan_dedup_seen(struct scan_dedup *d, const char *code, size_t len, int64_t now_ms);

#endif
