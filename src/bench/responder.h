/*
 * responder.h - the IKE responder under test: a reswand or a strongSwan
 * charon that the benchmark starts, configures, measures and stops.
 *
 * Both answer one connection ("gw", suite.h) on one address; the
 * benchmark knows the process id, so the responder's CPU time comes
 * straight from /proc/PID/stat.  That time is everything the process did:
 * handshakes, the DELETEs that end them, timers and logging.
 *
 * reswand runs as an ordinary user on loopback, on high ports.  charon
 * needs root (ports 500 and 4500): it runs in the
 * responder namespace of a netns_pair, in a private mount namespace with
 * its own /run, /etc/swanctl and /etc/strongswan.conf, and is loaded with
 * `swanctl --load-all`.
 */
#ifndef RESWAN_BENCH_RESPONDER_H
#define RESWAN_BENCH_RESPONDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bench/suite.h"
#include "common/addr.h"

enum responder_kind {
	RESPONDER_RESWAND,
	RESPONDER_CHARON,
};

struct responder_opts {
	enum responder_kind kind;
	const struct suite *suite;
	const char *dir;		/* its own directory (created) */
	const char *pki_dir;		/* gateway certificates (suite_make_pki), or NULL */
	struct addr addr;		/* listen address and IKE port (charon: 500) */
	uint16_t natt_port;		/* reswand --natt-port (charon: 4500) */
	const char *resumption;		/* reswand: resumption block text, or NULL */
	const char *reswand;		/* reswand binary */
	const char *log_level;		/* reswand --log-level; NULL: info */
	/* reswand --modp-exponent short (else full).  charon keeps its
	 * default: OpenSSL 3 draws 224-bit private values for the named
	 * MODP groups, whatever dh_exponent_ansi_x9_42 says. */
	bool modp_short_exponent;
	int cpu;			/* pin to this CPU; -1: anywhere */
	const char *netns;		/* namespace path, or NULL */
};

struct responder;

/* Start and wait until it answers (10 s at most).  NULL with the reason
 * (and the last lines of its log) in err. */
struct responder *responder_start(const struct responder_opts *o, char *err,
				  size_t errlen);
/* Orderly stop (SIGTERM, 5 s, then SIGKILL), then free.  NULL is a no-op. */
void responder_free(struct responder *r);
/* SIGKILL and reap: a crash.  The responder can be started again with
 * responder_restart(). */
void responder_kill(struct responder *r);
int responder_restart(struct responder *r, char *err, size_t errlen);

/* One of reswand's counters (`reswan stats`: group, name). */
struct responder_counter {
	const char *group, *name;
	uint64_t v;
	bool found;
};

/* Read the counters c[0..n-1] over the control socket (reswand only);
 * 0, or an error (counters then not found). */
int responder_counters(const struct responder *r, struct responder_counter *c, size_t n);

pid_t responder_pid(const struct responder *r);
/* User + system CPU µs of the responder process (all threads). */
int responder_cpu_us(const struct responder *r, uint64_t *us);
bool responder_alive(const struct responder *r);
/* reswand's control socket path (NULL for charon). */
const char *responder_ctl(const struct responder *r);
const char *responder_log(const struct responder *r);
const char *responder_name(const struct responder *r);

#endif
