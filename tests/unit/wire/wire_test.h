/*
 * wire_test.h - helpers shared by the wire codec's unit tests.
 *
 * The tests are split by concern (round trips, malformed input, captured
 * strongSwan messages, SK/SKF and small helpers); each file exports one
 * runner that test_main.c calls, so the module stays one executable.
 */
#ifndef RESWAN_TEST_WIRE_TEST_H
#define RESWAN_TEST_WIRE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/err.h"
#include "wire/wire.h"

/* Decode hex digits (spaces and newlines ignored) into out; returns the
 * byte count, fails the test on odd digits or overflow. */
size_t test_hex(const char *s, uint8_t *out, size_t cap);
/* Read tests/data/<rel> into a malloc'ed buffer. */
uint8_t *test_load(const char *rel, size_t *len);

/* A header for test messages. */
void test_hdr(struct wire_hdr *h, uint8_t exchange, bool response);

int test_roundtrip_run(void);
int test_malformed_run(void);
int test_captures_run(void);
int test_sk_run(void);
int test_misc_run(void);

#endif
