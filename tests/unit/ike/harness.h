/*
 * harness.h - two (or more) IKE engines in one process.
 *
 * Engines are joined by an in-memory network: what one sends is queued
 * and delivered to the peer owning the destination address when the test
 * flushes the network.  One fake clock drives them all, so rekeys days
 * away and retransmission back-offs run in microseconds.  Each peer has
 * its own deterministic random source, a recording data plane and a log
 * of the session events it reported.  Tests may look inside engines
 * through ike/internal.h.
 */
#ifndef RESWAN_TEST_IKE_HARNESS_H
#define RESWAN_TEST_IKE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/clock.h"
#include "ike/dp_record.h"
#include "ike/ike.h"

#define TNET_MAX_PEERS 8
#define TNET_MAX_QUEUE 4096

struct tpkt {
	struct addr src, dst;
	uint8_t *data;
	size_t len;
	int from;		/* peer index */
};

struct tnet;
typedef bool (*tnet_filter)(struct tnet *n, struct tpkt *p, void *ctx);

struct tevent {
	bool up;
	uint64_t uniqueid;
	char conn[64];
	char peer_id[128];
	uint64_t bytes_in, bytes_out;
	bool resumed;
	enum ike_down_reason reason;
};

struct tpeer {
	struct tnet *net;
	int index;
	char name[32];
	struct addr addr;
	struct ike *ike;
	struct dp_record *dp;
	struct rand_src *rand;
	struct tevent events[64];
	size_t nevents;
	int done_calls;
	int done_rc;
	char done_msg[128];
	uint64_t sent;
};

struct tnet {
	struct clock_fake clock;
	struct tpeer *peers[TNET_MAX_PEERS];
	int npeers;
	struct tpkt queue[TNET_MAX_QUEUE];
	size_t qlen;
	tnet_filter filter;	/* return false to drop; may modify the packet */
	void *filter_ctx;
	uint64_t delivered, dropped;
};

/* Knobs for tconf(); NULL fields take the defaults shown. */
struct tconf {
	const char *me, *other;		/* local_addrs / remote_addrs (%any) */
	const char *my_id, *other_id;	/* ids (none) */
	const char *auth;		/* "psk" (psk) or "pubkey" */
	const char *remote_auth;	/* defaults to auth */
	const char *cert;		/* local.certs (pubkey) */
	const char *ike;		/* aes256gcm16-prfsha256-x25519 */
	const char *esp;		/* aes256gcm16 */
	const char *lts, *rts;		/* dynamic */
	const char *psk;		/* "s3cret" */
	const char *conn_extra;		/* lines added to the connection */
	const char *child_extra;	/* lines added to the child */
	const char *top_extra;		/* top-level sections (pools ...) */
};

/* swanctl.conf text for one connection "peer" with child "net". */
const char *tconf(char *buf, size_t len, const struct tconf *c);

/* Test defaults: 1 s first retransmit, base 2, 3 tries. */
void tnet_params(struct ike_params *p);

struct tnet *tnet_new(void);
void tnet_free(struct tnet *n);

/*
 * A peer at ip (port 500) running conf (swanctl.conf text).  keys, certs
 * and cas are NULL-terminated lists of files under tests/data/ike/pki/
 * (certs are registered under the absolute path the config names).
 * params may be NULL for tnet_params().
 */
struct tpeer *tpeer_new(struct tnet *n, const char *name, const char *ip,
			const char *conf, const struct ike_params *params,
			const char *const *keys, const char *const *certs,
			const char *const *cas);
/* Absolute path of a file in tests/data/ike/pki/ (static buffer ring). */
const char *pki(const char *file);

/* Deliver queued packets until none are left. */
void tnet_flush(struct tnet *n);
/* Let `us` of time pass: run every timer due, flushing after each. */
void tnet_advance(struct tnet *n, uint64_t us);
/* Start conn on p and flush; returns the done result, or 1 if not done. */
int tpeer_up(struct tpeer *p, const char *conn);
int tpeer_down(struct tpeer *p, const char *sel);

/* Number of IKE SAs of p in a given state name ("ESTABLISHED"), or all. */
int tpeer_count_sas(const struct tpeer *p, const char *state);
size_t tpeer_count_children(const struct tpeer *p);
size_t tpeer_count_events(const struct tpeer *p, bool up);

/* Inject raw bytes as if sent from src to peer p's IKE port. */
void tnet_inject(struct tnet *n, struct tpeer *to, const struct addr *src,
		 uint16_t dst_port, const uint8_t *data, size_t len);

#endif
