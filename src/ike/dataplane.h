/*
 * dataplane.h - the seam between the IKE engine and whatever carries ESP.
 *
 * The engine negotiates Child SAs; a data plane installs them.  Today's
 * implementations: dp_record (remembers SAs and counts what it is told,
 * used by tests and `reswan status`) and, later, the userspace ESP-in-UDP
 * data plane in src/esp.  Install is make-before-break: on rekey the new
 * Child SA is installed before the old one is removed.
 */
#ifndef RESWAN_IKE_DATAPLANE_H
#define RESWAN_IKE_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define DP_MAX_KEY 64		/* encryption key incl. salt, or integrity key */
#define DP_MAX_TS 8		/* traffic selectors per side */

/* One traffic selector: an address range with protocol and port range. */
struct dp_ts {
	uint8_t family;		/* ADDR_IPV4 / ADDR_IPV6 */
	uint8_t proto;		/* 0 = any */
	uint16_t port_from, port_to;
	uint8_t from[16], to[16];
};

/* One direction of a Child SA. */
struct dp_sa_dir {
	uint32_t spi;
	uint8_t enc_key[DP_MAX_KEY];
	uint8_t integ_key[DP_MAX_KEY];
	uint16_t enc_key_len;	/* bytes, salt included for AEAD */
	uint16_t integ_key_len;
};

struct dp_child {
	uint64_t id;		/* engine-wide Child SA id */
	uint64_t ike_id;	/* owning IKE SA uniqueid */
	uint16_t encr;		/* IKEV2_ENCR_* */
	uint16_t encr_keylen;	/* bits */
	uint16_t integ;		/* IKEV2_INTEG_* (NONE for AEAD) */
	bool esn;
	bool udp_encap;		/* ESP-in-UDP (RFC 3948) */
	struct addr local, remote;	/* outer endpoints incl. ports */
	struct dp_sa_dir in, out;
	struct dp_ts local_ts[DP_MAX_TS], remote_ts[DP_MAX_TS];
	uint8_t n_local_ts, n_remote_ts;
	struct addr vip;	/* virtual IP assigned to the client, if any */
	uint64_t life_bytes;	/* 0 = unlimited */
	uint64_t life_packets;
};

struct dp_counters {
	uint64_t bytes_in, bytes_out;
	uint64_t packets_in, packets_out;
	uint64_t last_in_mono_us;	/* last inbound packet, 0 = never */
};

struct dataplane {
	/* Install both directions and the policy; keys are copied (the engine
	 * wipes its own copy afterwards). */
	int (*install)(void *ctx, const struct dp_child *c);
	/* Remove; returns the final counters in *final (may be NULL). */
	int (*remove)(void *ctx, uint64_t id, struct dp_counters *final);
	int (*counters)(void *ctx, uint64_t id, struct dp_counters *out);
	void *ctx;
};

#endif
