/* SPDX-License-Identifier: MIT */
/* Writing JSON strings: escapes what JSON requires, and replaces bytes that are not UTF-8
 * with U+FFFD so a log line stays valid JSON whatever a camera decoded. */
#ifndef VK_CORE_JSON_H
#define VK_CORE_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes the len bytes of s as a quoted JSON string to f. */
void json_str(FILE *f, const char *s, size_t len);
/* The same for a NUL-terminated string (NULL writes ""). */
void json_cstr(FILE *f, const char *s);

#endif
