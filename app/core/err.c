/* SPDX-License-Identifier: MIT */
/* Names of every layer's error codes (see err.h). The app may include the firmware
 * headers (dependencies point down), so this one table knows them all. */
#include "core/err.h"

#include "camera/camera.h"
#include "db/db.h"
#include "printer/printer.h"

enum vk_err_layer vk_error_layer(int err)
{
	if (err <= VK_ERR_CORE_FIRST && err >= VK_ERR_CORE_LAST)
		return VK_LAYER_CORE;
	if (err <= VK_ERR_DB_FIRST && err >= VK_ERR_DB_LAST)
		return VK_LAYER_DB;
	if (err <= VK_ERR_PRINTER_FIRST && err >= VK_ERR_PRINTER_LAST)
		return VK_LAYER_PRINTER;
	if (err <= VK_ERR_CAMERA_FIRST && err >= VK_ERR_CAMERA_LAST)
		return VK_LAYER_CAMERA;
	return VK_LAYER_NONE;
}

const char *vk_error_layer_name(enum vk_err_layer layer)
{
	switch (layer) {
	case VK_LAYER_CORE: return "core";
	case VK_LAYER_DB: return "db";
	case VK_LAYER_PRINTER: return "printer";
	case VK_LAYER_CAMERA: return "camera";
	case VK_LAYER_NONE: break;
	}
	return "none";
}

/* Each case names the constant it matches; the compiler refuses a duplicate value, which
 * is a second guard against two layers sharing a number. */
const char *vk_error_name(int err)
{
#define NAME(c) case c: return #c
	switch (err) {
	NAME(VK_OK);
	NAME(VK_ERR_IO);
	NAME(VK_ERR_NOMEM);
	NAME(VK_ERR_INVALID);
	NAME(VK_ERR_NOT_FOUND);
	NAME(VK_ERR_CRYPTO);
	NAME(VK_ERR_EXISTS);
	NAME(VK_ERR_UNSUPPORTED);
	NAME(VK_ERR_DEVICE);
	NAME(VK_ERR_REPRINT_NEEDS_ORGANIZER);
	NAME(VK_ERR_REPRINT_LIMIT);
	NAME(DB_ERR_SQL);
	NAME(DB_ERR_FOREIGN);
	NAME(DB_ERR_NEWER);
	NAME(DB_ERR_BUSY);
	NAME(DB_ERR_FULL);
	NAME(DB_ERR_READONLY);
	NAME(DB_ERR_CORRUPT);
	NAME(DB_ERR_DISK);
	NAME(DB_ERR_EMPTY);
	NAME(PRINTER_ERR_IO);
	NAME(PRINTER_ERR_NOMEM);
	NAME(PRINTER_ERR_INVALID);
	NAME(PRINTER_ERR_NO_DRIVER);
	NAME(PRINTER_ERR_NOT_READY);
	NAME(PRINTER_ERR_TIMEOUT);
	NAME(PRINTER_ERR_GONE);
	NAME(CAM_ERR_IO);
	NAME(CAM_ERR_NOMEM);
	NAME(CAM_ERR_INVALID);
	NAME(CAM_ERR_NO_DRIVER);
	NAME(CAM_ERR_AGAIN);
	NAME(CAM_ERR_END);
	NAME(CAM_ERR_GONE);
	}
#undef NAME
	return "VK_ERR_UNKNOWN";
}

const char *vk_strerror(int err)
{
	switch (vk_error_layer(err)) {
	case VK_LAYER_PRINTER: return printer_strerror(err);
	case VK_LAYER_CAMERA: return cam_strerror(err);
	case VK_LAYER_DB:
	case VK_LAYER_CORE:
	case VK_LAYER_NONE: break;
	}
	switch (err) {
	case VK_OK: return "success";
	case VK_ERR_IO: return "input/output error";
	case VK_ERR_NOMEM: return "out of memory";
	case VK_ERR_INVALID: return "invalid input";
	case VK_ERR_NOT_FOUND: return "not found";
	case VK_ERR_CRYPTO: return "cryptography error";
	case VK_ERR_EXISTS: return "already exists";
	case VK_ERR_UNSUPPORTED: return "not supported";
	case VK_ERR_DEVICE: return "device error";
	case VK_ERR_REPRINT_NEEDS_ORGANIZER: return "reprint needs the organizer";
	case VK_ERR_REPRINT_LIMIT: return "reprint limit reached";
	case DB_ERR_SQL: return "database error";
	case DB_ERR_FOREIGN: return "not a vkhid database";
	case DB_ERR_NEWER: return "database made by a newer vkhid";
	case DB_ERR_BUSY: return "database busy";
	case DB_ERR_FULL: return "disk full";
	case DB_ERR_READONLY: return "database is read-only";
	case DB_ERR_CORRUPT: return "database damaged";
	case DB_ERR_DISK: return "disk input/output error";
	case DB_ERR_EMPTY: return "empty file, not a database";
	}
	return "unknown error";
}
