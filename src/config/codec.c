/*
 * codec.c - hex and base64 decoders (RFC 4648 alphabet, padding optional
 * but, when present, correct).  Whitespace is not skipped: configuration
 * values never contain it inside an encoded blob.
 */
#include <string.h>

#include "common/err.h"
#include "config/codec.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int codec_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2)
		return ERR_SYNTAX;
	if (n / 2 > cap)
		return ERR_LIMIT;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return ERR_SYNTAX;
	}
	for (size_t i = 0; i < n; i += 2)
		out[i / 2] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	*len = n / 2;
	return 0;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int codec_b64_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), pad = 0, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	while (n && s[n - 1] == '=') {
		n--;
		pad++;
	}
	if (pad > 2 || (pad && (n + pad) % 4) || n % 4 == 1)
		return ERR_SYNTAX;
	for (size_t i = 0; i < n; i++) {
		int v = b64val(s[i]);

		if (v < 0)
			return ERR_SYNTAX;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return ERR_LIMIT;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero padding (canonical encoding). */
	if (bits && (acc & ((1u << bits) - 1)))
		return ERR_SYNTAX;
	*len = o;
	return 0;
}

void codec_hex_encode(const uint8_t *data, size_t n, char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	if (!len)
		return;
	for (size_t i = 0; i < n && o + 2 < len; i++) {
		buf[o++] = digits[data[i] >> 4];
		buf[o++] = digits[data[i] & 15];
	}
	buf[o] = '\0';
}
