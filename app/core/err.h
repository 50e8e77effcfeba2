/* SPDX-License-Identifier: MIT */
/* Error codes: one negative enum per layer, each in its own numeric range, like libusb's
 * LIBUSB_ERROR_* with libusb_error_name():
 *
 *        0        success in every layer (VK_OK, PRINTER_OK, CAM_OK)
 *     -1 ..  -99  core (enum vk_err, below): files, memory, input, rules
 *   -100 .. -199  database (enum db_err, db/db.h)
 *   -200 .. -299  printers (enum printer_err, firmware/printer/printer.h)
 *   -300 .. -399  cameras (enum cam_err, firmware/camera/camera.h)
 * (The scanner, app/scan, can only run out of memory or be handed a bad frame: it returns
 * core codes and has no range of its own.)
 *
 * A lower layer's code is converted where it enters the layer above (errno, SQLite,
 * libusb, zbar codes never travel upward raw). Because the ranges are disjoint, a
 * conversion that was missed still names the right thing: vk_error_name() and
 * vk_strerror() know every value of every layer, so an unplugged printer can never be
 * reported as "database made by a newer vkhid". The firmware headers keep their own
 * enums (firmware knows nothing of app/); this module includes them, not the reverse.
 * vk_strerror() gives a short English phrase for logs; screens and the CLI say what to do
 * in the user's language themselves. */
#ifndef VK_CORE_ERR_H
#define VK_CORE_ERR_H

/* Each layer's range: its first (least negative) and last value. */
#define VK_ERR_CORE_FIRST (-1)
#define VK_ERR_CORE_LAST (-99)
#define VK_ERR_DB_FIRST (-100)
#define VK_ERR_DB_LAST (-199)
#define VK_ERR_PRINTER_FIRST (-200)
#define VK_ERR_PRINTER_LAST (-299)
#define VK_ERR_CAMERA_FIRST (-300)
#define VK_ERR_CAMERA_LAST (-399)

enum vk_err {
	VK_OK = 0,
	VK_ERR_IO = -1,          /* a file could not be read or written */
	VK_ERR_NOMEM = -2,       /* out of memory, or a buffer's hard cap reached */
	VK_ERR_INVALID = -3,     /* bad input from a user or a file */
	VK_ERR_NOT_FOUND = -4,   /* no such event, registration, key or file */
	/* -5 .. -7 were the database's codes; they now live in db.h's range */
	VK_ERR_CRYPTO = -8,      /* libsodium failed or a key is unusable */
	VK_ERR_EXISTS = -9,      /* refusing to overwrite something that exists */
	VK_ERR_UNSUPPORTED = -10,/* a driver, format or option we do not have */
	VK_ERR_DEVICE = -11,     /* a camera or printer failed (after conversion) */
	VK_ERR_REPRINT_NEEDS_ORGANIZER = -12, /* badge.reprints_free used up: organizer only */
	VK_ERR_REPRINT_LIMIT = -13, /* badge.reprints_max reached: no more reprints at all */
};

/* The layers of the table above. */
enum vk_err_layer {
	VK_LAYER_NONE = 0,   /* 0 (success) or a value outside every range */
	VK_LAYER_CORE,
	VK_LAYER_DB,
	VK_LAYER_PRINTER,
	VK_LAYER_CAMERA,
};

/* Which layer's range err lies in (VK_LAYER_NONE for 0 and for anything outside). */
enum vk_err_layer vk_error_layer(int err);
/* The layer's name: "core", "db", "printer", "camera" ("none" otherwise). */
const char *vk_error_layer_name(enum vk_err_layer layer);
/* The symbolic name of any layer's code, e.g. "VK_ERR_NOT_FOUND", "DB_ERR_NEWER",
 * "PRINTER_ERR_GONE", "CAM_ERR_AGAIN"; "VK_OK" for 0, "VK_ERR_UNKNOWN" for a value no
 * layer defines. Never NULL, static storage. */
const char *vk_error_name(int err);
/* A short English description of any layer's code; never NULL, static storage. */
const char *vk_strerror(int err);

#endif
