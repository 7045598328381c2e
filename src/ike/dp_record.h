/*
 * dp_record.h - a data plane that records Child SAs instead of carrying
 * traffic.
 *
 * It keeps every installed Child SA (keys wiped, parameters kept) with
 * counters that its owner advances by hand, so tests can assert what the
 * engine installed and removed, and `reswan status` can show SAs when no
 * packet-carrying data plane is configured.  Capped at a fixed number of
 * entries set at creation.
 */
#ifndef RESWAN_IKE_DP_RECORD_H
#define RESWAN_IKE_DP_RECORD_H

#include "ike/dataplane.h"

struct dp_record;

struct dp_record *dp_record_new(size_t max_children);
void dp_record_free(struct dp_record *r);
/* The seam to hand to the engine. */
struct dataplane dp_record_ops(struct dp_record *r);

size_t dp_record_count(const struct dp_record *r);
/* Installed Child SA with this inbound or outbound SPI, or NULL. */
const struct dp_child *dp_record_find_spi(const struct dp_record *r, uint32_t spi);
const struct dp_child *dp_record_find(const struct dp_record *r, uint64_t id);
/* Pretend traffic flowed; last_in is set to `mono_us` when bytes_in > 0. */
int dp_record_add_traffic(struct dp_record *r, uint64_t id, uint64_t bytes_in,
			  uint64_t bytes_out, uint64_t mono_us);
/* Non-cryptographic fingerprints of the installed keys per direction. */
int dp_record_key_fp(const struct dp_record *r, uint64_t id, uint64_t *in,
		     uint64_t *out);
/* Installs and removes seen so far (for make-before-break assertions). */
uint64_t dp_record_installs(const struct dp_record *r);
uint64_t dp_record_removes(const struct dp_record *r);

#endif
