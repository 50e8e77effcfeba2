/* SPDX-License-Identifier: MIT */
/* Names of the app layer's error codes (see err.h). */
#include "core/err.h"

const char *vk_strerror(int err)
{
	switch (err) {
	case VK_OK: return "success";
	case VK_ERR_IO: return "input/output error";
	case VK_ERR_NOMEM: return "out of memory";
	case VK_ERR_INVALID: return "invalid input";
	case VK_ERR_NOT_FOUND: return "not found";
	case VK_ERR_DB: return "database error";
	case VK_ERR_DB_FOREIGN: return "not a vkhid database";
	case VK_ERR_DB_NEWER: return "database made by a newer vkhid";
	case VK_ERR_CRYPTO: return "cryptography error";
	case VK_ERR_EXISTS: return "already exists";
	case VK_ERR_UNSUPPORTED: return "not supported";
	case VK_ERR_DEVICE: return "device error";
	}
	return "unknown error";
}
