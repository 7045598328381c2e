/*
 * codec.h - hex and base64 decoding for identity and secret values
 * ("0x...", "0s...", "keyid:#...").  Internal to the config module.
 *
 * Both decoders write at most cap bytes, reject malformed input (odd hex
 * length, non-alphabet characters, bad base64 padding) with ERR_SYNTAX and
 * too-long output with ERR_LIMIT, and never read past the terminating NUL.
 */
#ifndef RESWAN_CONFIG_CODEC_H
#define RESWAN_CONFIG_CODEC_H

#include <stddef.h>
#include <stdint.h>

int codec_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len);
int codec_b64_decode(const char *s, uint8_t *out, size_t cap, size_t *len);
/* Lower-case hex of data into buf (truncated to fit, always terminated). */
void codec_hex_encode(const uint8_t *data, size_t n, char *buf, size_t len);

#endif
