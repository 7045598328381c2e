/*
 * resume.h - reswan's session resumption: the credential-cache exchange of
 * the paper (../shared/paper, section V) inside IKEv2 framing, both roles.
 *
 * resume_new() attaches the exchange to an IKE engine through its
 * extension hooks (ike/ext.h).  From then on:
 *  - a full IKE_AUTH whose connection has a `resumption` block and whose
 *    peer announces support leaves a ticket: the responder records the
 *    session in its credential cache and hands the initiator an opaque,
 *    single-use handle, inside the encrypted IKE_AUTH response;
 *  - ike_initiate() of such a connection first tries to resume with the
 *    handle it holds (four messages, a few MACs, no signatures, no DH
 *    unless PFS is configured) and falls back to a full IKE_SA_INIT on a
 *    reject, a timeout or a peer that does not speak the exchange;
 *  - when a session ends its connected time and bytes go into the cache
 *    record, which the lifetime policies read.
 * docs/internals/resumption.md has the message layouts, the key schedule
 * and a security analysis.
 */
#ifndef RESWAN_RESUME_RESUME_H
#define RESWAN_RESUME_RESUME_H

#include <stdint.h>

struct cache;
struct cache_client;
struct config;
struct ike;
struct json;

struct resume_opts {
	struct cache *cache;		/* responder side; NULL: never issue */
	struct cache_client *client;	/* initiator side; NULL: never resume */
	/* The initiator's first retransmission timeout for message 1; with
	 * RESUME_RETRIES doubling retransmissions the fallback to a full
	 * handshake comes after 7x this (the bounded extra delay). */
	uint64_t attempt_timeout_us;
};

/* Message 1 is sent, then retransmitted RESUME_RETRIES times after
 * attempt_timeout, 2x, 4x...; the fallback follows the last wait. */
#define RESUME_DEFAULT_ATTEMPT_US 500000ULL
#define RESUME_RETRIES 2

struct resume;

/* Attach to ike (installs its extension hooks).  Borrowing cache and
 * client: free them after resume_free().  NULL on allocation failure. */
struct resume *resume_new(struct ike *ike, const struct resume_opts *o);
void resume_free(struct resume *r);

/* Register every connection's policy with the cache (at start and after
 * each reload, before cache_load()). */
int resume_sync_config(struct resume *r, const struct config *cfg);

struct resume_stats {
	uint64_t tickets_issued;	/* responder: after full handshakes */
	uint64_t attempts;		/* initiator: resumption requests sent */
	uint64_t resumed;		/* completed resumptions (either role) */
	uint64_t rejected;		/* responder: handle unknown/expired/... */
	uint64_t fallbacks;		/* initiator: fell back to full IKE */
	uint64_t auth_failed;		/* bad MAC or identity */
	uint64_t races_lost;		/* handle consumed by someone else */
};

void resume_get_stats(const struct resume *r, struct resume_stats *out);
void resume_stats_json(const struct resume *r, struct json *j, const char *key);

#endif
