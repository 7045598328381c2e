/*
 * bench_args.h - the command-line options `reswan bench handshake` and
 * `reswan bench storm` share (client count, suite, CPUs, the daemon and
 * its log level, retransmission, --json, --keep, --help), parsed into the
 * caller's own fields.
 */
#ifndef RESWAN_BENCH_BENCH_ARGS_H
#define RESWAN_BENCH_BENCH_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct suite;

struct bench_args {
	const char *cmd;		/* "reswan bench storm", for messages */
	void (*usage)(FILE *f);
	bool *json, *keep;
	unsigned *clients;
	const struct suite **suite;
	int *gen_cpu, *resp_cpu;
	const char **reswand, **log_level;
	uint64_t *retransmit_us;
};

#define BENCH_ARG_OTHER 1

/* The shared defaults: psk-x25519, generator on CPU 0 and responder on
 * CPU 1 when there are two, retransmission after 2 s. */
void bench_args_defaults(const struct bench_args *b, unsigned clients, const char *log_level);

/*
 * Look at argv[*i].  A shared option is consumed (*i moves past its value)
 * and 0 returned; 2 after printing what is wrong with it; -1 after
 * printing the usage for --help.  Any other option that takes a value
 * returns BENCH_ARG_OTHER with *i past the value and *value set; an
 * option without one returns 2 after printing the usage.
 */
int bench_args_next(const struct bench_args *b, int argc, char **argv, int *i,
		    const char **value);
/* "CMD: OPT: 'VAL' is not WANT" on stderr; returns 2. */
int bench_args_bad(const struct bench_args *b, const char *opt, const char *val,
		   const char *want);
/* "CMD: unexpected argument 'A'" and the usage on stderr; returns 2. */
int bench_args_unexpected(const struct bench_args *b, const char *a);

#endif
