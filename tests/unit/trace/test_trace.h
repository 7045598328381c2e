/*
 * test_trace.h - shared helpers of the trace module's tests.
 */
#ifndef RESWAN_TEST_TRACE_H
#define RESWAN_TEST_TRACE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "trace/trace.h"

/* 2006-08-19T00:00:00Z, the paper's first day. */
#define T2006 1155945600LL
#define H 3600LL
#define MIN 60LL

/* The k-th session (by connect) of the named user; fails the test if none. */
const struct trace_session *user_session(const struct trace *t,
					 const char *user, unsigned k);
/* Number of sessions of the named user. */
unsigned user_sessions(const struct trace *t, const char *user);
/* Is the text a single well-formed JSON value? */
int json_valid(const char *s, size_t n);

int run_reader_tests(void);
int run_sim_tests(void);
int run_synth_tests(void);
int run_parallel_tests(void);

#endif
