/*
 * ike.h - the IKEv2 engine: every IKE SA and Child SA of one reswand.
 *
 * The engine is a pure state machine.  It never touches a socket, the wall
 * clock or the kernel: packets come in through ike_receive(), go out through
 * the struct ike_io seam, time is read from the struct clock seam and
 * advanced by calling ike_tick() when ike_next_deadline() is reached, and
 * negotiated Child SAs are handed to the struct dataplane seam.  So two
 * engines can run in one test process joined by an in-memory "network" and
 * a fake clock, and the daemon is a thin event loop around one engine.
 *
 * Threading: an engine is single-threaded; callers serialise all calls.
 */
#ifndef RESWAN_IKE_IKE_H
#define RESWAN_IKE_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "common/clock.h"
#include "ike/dataplane.h"

struct ike;
struct json;
struct config;
struct creds;
struct rand_src;

/* Packet output seam.  `msg` is one IKE message (or fragment) without the
 * RFC 3948 non-ESP marker: the socket layer adds it when sending from the
 * NAT-T port.  A send failure is treated like packet loss. */
struct ike_io {
	int (*send)(void *ctx, const struct addr *local, const struct addr *remote,
		    const uint8_t *msg, size_t len);
	void *ctx;
};

enum ike_down_reason {
	IKE_DOWN_DELETED_LOCAL,		/* we sent DELETE (reswan down, shutdown) */
	IKE_DOWN_DELETED_PEER,		/* peer sent DELETE */
	IKE_DOWN_DEAD_PEER,		/* retransmissions or DPD gave up */
	IKE_DOWN_REPLACED,		/* rekeyed, reauthenticated, resumed or
					 * superseded (INITIAL_CONTACT, unique) */
	IKE_DOWN_FAILED,		/* never established */
};

/* A finished or starting session as the accounting log and the credential
 * cache see it. */
struct ike_session_event {
	const char *conn;		/* connection name */
	uint64_t uniqueid;		/* engine-wide IKE SA number */
	const char *peer_id;		/* peer identity, printable */
	const char *local_id;
	struct addr local, remote;
	bool initiator;
	bool resumed;			/* set up by resumption, not a full exchange */
	uint64_t established_wall_us;	/* 0 if never established */
	uint64_t ended_wall_us;		/* 0 for an "up" event */
	uint64_t bytes_in, bytes_out;	/* sums over all Child SAs, rekeys included */
	uint64_t packets_in, packets_out;
	enum ike_down_reason reason;	/* "down" events only */
};

struct ike_events {
	void (*sa_up)(void *ctx, const struct ike_session_event *ev);
	void (*sa_down)(void *ctx, const struct ike_session_event *ev);
	void *ctx;
};

/* Resource caps and protocol timers; ike_params_default() fills sane
 * values (documented in docs/internals/ike.md). */
struct ike_params {
	uint32_t max_ike_sas;		/* all IKE SAs, established or not */
	uint32_t max_half_open;		/* hard cap: new IKE_SA_INITs dropped beyond */
	uint32_t cookie_threshold;	/* half-open count that turns cookies on */
	uint64_t half_open_timeout_us;	/* responder waits this long for IKE_AUTH */
	uint64_t cookie_rotate_us;	/* cookie secret lifetime */
	uint64_t retransmit_timeout_us;	/* first retransmission */
	uint32_t retransmit_base_x100;	/* back-off factor * 100 (180 = 1.8) */
	uint32_t retransmit_tries;	/* retransmissions before giving up */
	uint64_t retransmit_limit_us;	/* cap on a single back-off interval */
	uint16_t fragment_size;		/* IKE fragmentation threshold (bytes) */
	uint16_t max_fragments;		/* reassembly cap per message */
	uint32_t max_children_per_sa;	/* Child SAs per IKE SA */
	uint16_t port;			/* our IKE port (500) */
	uint16_t natt_port;		/* our NAT-T port (4500) */
	/* MODP groups: short private exponents (RFC 3526's sizes, 320 bits
	 * for group 14; about a fifth of the cost), the default, or full-length
	 * ones.  strongSwan 5.9 on OpenSSL 3 draws 224 bits (OpenSSL's choice
	 * for a named group) although its dh_exponent_ansi_x9_42 says full. */
	bool modp_short_exponent;
};

void ike_params_default(struct ike_params *p);

struct ike_env {
	const struct clock *clock;
	struct rand_src *rand;
	struct ike_io io;
	struct dataplane dp;
	struct ike_events events;
	struct ike_params params;
};

/*
 * Create an engine over a configuration and credentials.  The engine takes
 * ownership of both: they are freed once neither the engine nor any SA set
 * up under them needs them (see ike_set_config).  env is copied.  Returns
 * NULL on allocation failure (cfg and creds are then still the caller's).
 */
struct ike *ike_new(const struct ike_env *env, struct config *cfg, struct creds *creds);
/* Drops every SA without sending anything (use ike_shutdown first for an
 * orderly exit) and frees the engine.  ike_free(NULL) is a no-op. */
void ike_free(struct ike *ike);

/*
 * Replace configuration and credentials (reswan reload), taking ownership
 * of both.  Existing SAs keep the connection they were set up with until
 * they end; new SAs use the new configuration.  Connections with
 * start_action = start are initiated by the caller (ike_initiate).
 */
int ike_set_config(struct ike *ike, struct config *cfg, struct creds *creds);

/*
 * One received IKE message (the socket layer has already stripped the
 * non-ESP marker and routed ESP elsewhere).  Never fails from the caller's
 * point of view: bad input is counted, logged rate-limited and dropped or
 * answered as RFC 7296 requires.
 */
void ike_receive(struct ike *ike, const struct addr *local,
		 const struct addr *remote, const uint8_t *msg, size_t len);

/* Monotonic µs of the next timer, or UINT64_MAX if none is armed. */
uint64_t ike_next_deadline(const struct ike *ike);
/* Run every timer due at the clock's current time. */
void ike_tick(struct ike *ike);

/* Completion of an up/down request: result 0 or a negative error code,
 * with a one-line human explanation. */
typedef void (*ike_done_fn)(void *ctx, int result, const char *msg);

/*
 * Establish connection `conn` as initiator (reswan up).  `done` is called
 * exactly once, when the IKE SA and its first Child SA are up or setting
 * them up failed.  Returns ERR_NOTFOUND (no such connection) synchronously,
 * in which case `done` is not called.
 */
int ike_initiate(struct ike *ike, const char *conn, ike_done_fn done, void *ctx);
/* Delete every IKE SA of `conn` (or the one with uniqueid "#N"). */
int ike_terminate(struct ike *ike, const char *conn, ike_done_fn done, void *ctx);
/* Send DELETE for every IKE SA; ike_next_deadline() returns UINT64_MAX
 * once all deletes were answered or timed out. */
void ike_shutdown(struct ike *ike);
bool ike_idle(const struct ike *ike);

/* Counters an operator watches (reswan status). */
struct ike_stats {
	uint64_t rx_messages;
	uint64_t rx_invalid;		/* malformed: failed to parse */
	uint64_t rx_unauthenticated;	/* ICV/AUTH failures */
	uint64_t rx_unknown_spi;
	uint64_t rx_retransmits;	/* answered from the response cache */
	uint64_t dropped_half_open;	/* over the hard cap */
	uint64_t dropped_sa_limit;
	uint64_t cookies_sent;
	uint64_t cookies_rejected;
	uint64_t tx_messages;
	uint64_t tx_retransmits;
	uint64_t ike_sas;		/* current */
	uint64_t half_open;		/* current */
	uint64_t child_sas;		/* current */
	uint64_t established_total;
	uint64_t resumed_total;
};

void ike_get_stats(const struct ike *ike, struct ike_stats *out);

/* `reswan status`: every IKE SA with its Child SAs (and the counters) as
 * JSON, or as text in the style of `swanctl --list-sas`. */
void ike_status_json(struct ike *ike, struct json *j);
void ike_status_text(struct ike *ike, FILE *f);

#endif
