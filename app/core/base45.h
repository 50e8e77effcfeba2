/* SPDX-License-Identifier: MIT */
/* Base45 (RFC 9285): bytes as QR alphanumeric characters, so a ticket QR stays small. */
#ifndef VK_CORE_BASE45_H
#define VK_CORE_BASE45_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed to encode n bytes (without the NUL). */
size_t base45_encoded_len(size_t n);
/* Encodes n bytes into out (NUL-terminated). Returns the length written, or -1 when out
 * is too small. */
long base45_encode(const uint8_t *in, size_t n, char *out, size_t out_len);
/* Decodes len characters into out. Returns the byte count, or -1 on an invalid character,
 * an impossible length, a triple above 65535 / pair above 255, or out too small. */
long base45_decode(const char *in, size_t len, uint8_t *out, size_t out_len);

#endif
