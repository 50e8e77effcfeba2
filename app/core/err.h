/* SPDX-License-Identifier: MIT */
/* Error codes of the app layer: one negative enum for every module, like libusb's
 * LIBUSB_ERROR_*. Codes from errno, SQLite, libusb or zbar are converted where they enter
 * our code and never passed upward raw. vk_strerror() gives a short English phrase for
 * logs; screens and the CLI say what to do in the user's language themselves. */
#ifndef VK_CORE_ERR_H
#define VK_CORE_ERR_H

enum vk_err {
	VK_OK = 0,
	VK_ERR_IO = -1,          /* a file could not be read or written */
	VK_ERR_NOMEM = -2,       /* out of memory, or a buffer's hard cap reached */
	VK_ERR_INVALID = -3,     /* bad input from a user or a file */
	VK_ERR_NOT_FOUND = -4,   /* no such event, registration, key or file */
	VK_ERR_DB = -5,          /* SQLite failed (disk full, locked, corrupt) */
	VK_ERR_DB_FOREIGN = -6,  /* the file is not a vkhid database */
	VK_ERR_DB_NEWER = -7,    /* the database comes from a newer vkhid */
	VK_ERR_CRYPTO = -8,      /* libsodium failed or a key is unusable */
	VK_ERR_EXISTS = -9,      /* refusing to overwrite something that exists */
	VK_ERR_UNSUPPORTED = -10,/* a driver, format or option we do not have */
	VK_ERR_DEVICE = -11,     /* a camera or printer failed */
};

/* A short English description of an enum vk_err value; never NULL, static storage. */
const char *vk_strerror(int err);

#endif
