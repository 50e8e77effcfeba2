/* SPDX-License-Identifier: MIT */
/* Base45 (RFC 9285), the text layer of signed tickets (ticket.c).
 *
 * Every two bytes become three characters of the 45 that a QR code can hold in its
 * alphanumeric mode (11 bits per two characters instead of 16 in byte mode); a last odd
 * byte becomes two characters. The least significant digit comes first. Decoding is strict:
 * every valid string has exactly one byte string and the reverse, so a ticket code cannot
 * be respelled into a second code that carries the same signature. */
#include "core/base45.h"

#include <limits.h>
#include <stdint.h>

static const char alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Value of a character, or -1. A switch rather than a table built at run time: no
 * initialisation to race on, and the compiler turns it into a table anyway. Lowercase is
 * not in the alphabet (RFC 9285 section 4). */
static int b45_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ': return 36;
	case '$': return 37;
	case '%': return 38;
	case '*': return 39;
	case '+': return 40;
	case '-': return 41;
	case '.': return 42;
	case '/': return 43;
	case ':': return 44;
	}
	return -1;
}

size_t base45_encoded_len(size_t n)
{
	/* Saturate instead of wrapping so that base45_encode reports "too small". */
	if (n / 2 > (SIZE_MAX - 2) / 3)
		return SIZE_MAX;
	return n / 2 * 3 + (n % 2) * 2;
}

long base45_encode(const uint8_t *in, size_t n, char *out, size_t out_len)
{
	size_t need = base45_encoded_len(n);
	size_t i, o = 0;

	if (!out || (n && !in) || need == SIZE_MAX || need > (size_t)LONG_MAX ||
	    out_len < need + 1)
		return -1;
	for (i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)in[i] * 256u + in[i + 1];

		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[v / 45 % 45];
		out[o++] = alphabet[v / 2025];
	}
	if (i < n) {
		out[o++] = alphabet[in[i] % 45];
		out[o++] = alphabet[in[i] / 45];
	}
	out[o] = '\0';
	return (long)o;
}

long base45_decode(const char *in, size_t len, uint8_t *out, size_t out_len)
{
	size_t need, i, o = 0;

	/* One character alone cannot carry a byte: such a length is never produced. */
	if (len % 3 == 1 || (len && !in))
		return -1;
	need = len / 3 * 2 + (len % 3 == 2);
	if (need > (size_t)LONG_MAX || need > out_len || (need && !out))
		return -1;
	for (i = 0; i + 3 <= len; i += 3) {
		int c = b45_value((unsigned char)in[i]);
		int d = b45_value((unsigned char)in[i + 1]);
		int e = b45_value((unsigned char)in[i + 2]);
		long v;

		if (c < 0 || d < 0 || e < 0)
			return -1;
		v = c + d * 45L + e * 2025L;
		if (v > 65535)
			return -1;
		out[o++] = (uint8_t)(v >> 8);
		out[o++] = (uint8_t)(v & 0xff);
	}
	if (i < len) {
		int c = b45_value((unsigned char)in[i]);
		int d = b45_value((unsigned char)in[i + 1]);
		int v;

		if (c < 0 || d < 0)
			return -1;
		v = c + d * 45;
		if (v > 255)
			return -1;
		out[o++] = (uint8_t)v;
	}
	return (long)o;
}
