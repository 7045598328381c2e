/*
 * helpers.h - shared by the crypto unit tests: hex decoding, reading test
 * data files and the "key value" vector files in tests/data/crypto/.
 */
#ifndef RESWAN_TEST_CRYPTO_HELPERS_H
#define RESWAN_TEST_CRYPTO_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/* Decode hex (whitespace ignored) into out; fails the test if malformed or too long. */
size_t hex2bin(const char *hex, uint8_t *out, size_t cap);
/* Read RESWAN_TEST_DATA/rel into fresh memory (caller frees); fails the test if absent. */
uint8_t *data_read(const char *rel, size_t *len);

/* A vector file: "name value" lines, '#' comments; value "-" means empty. */
struct vec;
struct vec *vec_load(const char *rel);
void vec_free(struct vec *v);
/* The raw value string (fails the test if the key is absent). */
const char *vec_str(const struct vec *v, const char *key);
unsigned long vec_num(const struct vec *v, const char *key);
/* Decode a hex value into out; returns its length. */
size_t vec_hex(const struct vec *v, const char *key, uint8_t *out, size_t cap);

/* Each test file's group runner. */
int test_group_rand(void);
int test_group_prf(void);
int test_group_kdf(void);
int test_group_ke(void);
int test_group_aead(void);
int test_group_sign(void);
int test_group_x509(void);
int test_group_strongswan(void);

#endif
