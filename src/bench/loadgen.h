/*
 * loadgen.h - a population of IKEv2 clients in one process, for the
 * handshake and storm benchmarks.
 *
 * The clients are reswan's own engine (src/ike) talking real UDP to a
 * responder.  They are split over several engines of at most
 * LOADGEN_PER_ENGINE clients each, every engine with its own local address
 * and its own pair of sockets (IKE and NAT-T ports).  Several engines
 * rather than one: an engine's configuration is parsed from swanctl.conf
 * text, which caps the keys of one load (SETTINGS_MAX_NODES), the
 * initiator's ticket store holds at most CACHE_CLIENT_MAX connections, and
 * the engine finds a connection or SA by name with a linear walk; with a
 * few hundred clients per engine all of that stays small.  Separate source
 * addresses also look more like a real population to the responder.
 *
 * Client i is connection "c<i>" of its engine.  What a client does after
 * its handshake is the run's cycle: connect, disconnect (DELETE) and
 * connect again; connect once and disconnect; or connect and hold.  With
 * resumption the connection carries a `resumption { }` block, so after a
 * first full handshake the client presents its ticket each time.
 *
 * Everything is single-threaded: loadgen_run() is the event loop (epoll),
 * and engine callbacks only queue work that the loop performs next, so no
 * engine is ever re-entered from its own callback.
 */
#ifndef RESWAN_BENCH_LOADGEN_H
#define RESWAN_BENCH_LOADGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "common/addr.h"

#define LOADGEN_PER_ENGINE 250		/* clients per engine */
#define LOADGEN_MAX_CLIENTS 50000	/* 200 engines, one address each */
#define LOADGEN_MAX_SAMPLES (1u << 24)	/* latencies kept per kind */

struct loadgen_opts {
	unsigned clients;
	/* The clients' connection settings, swanctl.conf lines placed in
	 * every client connection (proposals, local/remote auth, children),
	 * without addresses, ports or the local id. */
	const char *conn_body;
	/* Extra top-level text: secrets. */
	const char *top;
	/* Client i's identity is "c<i>.<domain>"; with certs, its
	 * certificate is x509/c<i>.pem under confdir. */
	const char *domain;
	bool certs;
	const char *confdir;		/* x509/, private/ for certificates */
	bool resume;			/* clients keep and present tickets */
	/* Responder address and the clients' remote_port: 500 starts on
	 * the IKE port and floats to the NAT-T port 4500; any other port is
	 * the responder's NAT-T port, used from the first message. */
	struct addr gateway;
	/* Client engine k binds local_base + k, IKE port local_base.port
	 * and NAT-T port local_natt_port. */
	struct addr local_base;
	uint16_t local_natt_port;
	uint64_t retransmit_us;		/* clients' first retransmission */
	volatile sig_atomic_t *stop;	/* set by a signal: loadgen_run returns */
	uint32_t retransmit_tries;
	bool modp_short_exponent;	/* clients' MODP exponents (reswand --modp-exponent) */
};

enum loadgen_cycle {
	LOADGEN_LOOP,	/* connect, disconnect, repeat until stopped */
	LOADGEN_ONCE,	/* connect, disconnect, then idle */
	LOADGEN_HOLD,	/* connect and stay connected */
};

/* Counters since the last loadgen_window_begin(). */
struct loadgen_stats {
	uint64_t full;			/* handshakes completed in full */
	uint64_t resumed;		/* completed by resumption */
	uint64_t failed;		/* initiations that failed */
	uint64_t deletes;		/* disconnects completed */
	uint64_t resume_attempts;	/* resumption requests sent */
	uint64_t fallbacks;		/* resumptions that fell back to full */
	uint64_t retransmits;		/* clients' retransmitted requests */
	uint64_t dropped_samples;	/* latencies beyond LOADGEN_MAX_SAMPLES */
};

struct loadgen;

/*
 * Build the engines and bind their sockets.  NULL with a one-line reason
 * in err (a configuration error, an address in use).
 */
struct loadgen *loadgen_new(const struct loadgen_opts *o, char *err, size_t errlen);
void loadgen_free(struct loadgen *lg);

/* Every idle client starts its cycle now. */
void loadgen_start(struct loadgen *lg, enum loadgen_cycle c);
/* The same, client i at now + i * spread_us / clients (0: all now). */
void loadgen_start_spread(struct loadgen *lg, enum loadgen_cycle c, uint64_t spread_us);
/* No client starts a new handshake; those under way finish their cycle
 * (LOOP and ONCE clients still disconnect). */
void loadgen_stop(struct loadgen *lg);

/*
 * Run the event loop until deadline (monotonic µs, bench_now_ns()/1000),
 * or until no client is busy when until_idle, or until every client is
 * connected when until_all_up.  Returns 0, ERR_STATE when *o->stop was
 * set (interrupted), or ERR_IO if the loop failed.
 */
int loadgen_run(struct loadgen *lg, uint64_t deadline_us, bool until_idle,
		bool until_all_up);

/* Clients busy (handshake or disconnect under way) / connected now. */
unsigned loadgen_busy(const struct loadgen *lg);
unsigned loadgen_up(const struct loadgen *lg);

/*
 * Forget every SA without a word to the responder, keeping the clients'
 * tickets: what clients do once they notice the gateway restarted.  The
 * engines are rebuilt; every client is idle afterwards.
 */
int loadgen_forget(struct loadgen *lg, char *err, size_t errlen);

/* Start counting afresh (counters and latency samples); stop counting.
 * Nothing is counted outside a window. */
void loadgen_window_begin(struct loadgen *lg);
void loadgen_window_end(struct loadgen *lg);
void loadgen_get_stats(const struct loadgen *lg, struct loadgen_stats *out);

/*
 * Latency percentile (0..100) in µs of the handshakes of one kind in the
 * window (initiate -> IKE SA and first Child SA up); 0 with no samples.
 * Sorts the samples on first use after they changed.
 */
double loadgen_latency_us(struct loadgen *lg, bool resumed, double pct);
size_t loadgen_samples(const struct loadgen *lg, bool resumed);

#endif
