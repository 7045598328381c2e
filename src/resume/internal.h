/*
 * internal.h - what the files of src/resume share.
 *
 * Per-SA state hangs off ike_sa->ext (struct resume_sa); the engine frees
 * it through the sa_free hook and moves it along an IKE rekey.
 */
#ifndef RESWAN_RESUME_INTERNAL_H
#define RESWAN_RESUME_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"
#include "cache/cache_client.h"
#include "crypto/prf.h"
#include "ike/internal.h"
#include "resume/resume.h"

#define RESUME_MAX_CONNS CACHE_MAX_CONNS

struct resume {
	struct ike *ike;
	struct resume_opts opts;
	struct resume_stats stats;
	/* Cache connection ids -> names (cache_conn_set hands out ids). */
	char *conn_names[RESUME_MAX_CONNS];
};

enum resume_role {
	RESUME_NONE = 0,	/* a full-handshake SA (ticket bookkeeping) */
	RESUME_INITIATOR,	/* we are resuming */
	RESUME_RESPONDER,	/* a peer is resuming with us */
};

struct resume_sa {
	struct resume *r;
	enum resume_role role;
	bool peer_supports;		/* announced in IKE_AUTH */
	bool resumed;			/* completed */
	bool retire;			/* responder: handle = the ticket a full
					 * handshake's peer gives up */
	cache_ref ref;			/* responder: the lineage record */
	uint16_t cache_conn;
	/* Exchange in progress. */
	uint8_t handle[CACHE_HANDLE_LEN];
	struct cache_ident peer;	/* responder: identity the record holds */
	struct addr vip;		/* responder: the record's virtual IP */
	struct ke *ke;			/* PFS */
	const struct config_conn *conn;	/* initiator: fall back to it */
};

/* ---- resume_keys.c: the key schedule and the proofs ---- */
/* RS = prf+(SK_d, "reswan resumption secret")[0..32) of an established SA. */
int resume_secret(struct ike_sa *sa, uint8_t out[CACHE_SECRET_LEN]);
/* SKEYSEED' = prf(RS, "Resumption" | [g^ir] | Ni | Nr), then SK_* as
 * RFC 7296 2.14 with the SA's (new) SPIs, nonces and suite. */
int resume_keys(struct ike_sa *sa, const uint8_t rs[CACHE_SECRET_LEN],
		const uint8_t *gir, size_t gir_len);
/* MAC_R = prf(SK_pr, "reswan resume R" | M1 | Nr)
 * MAC_I = prf(SK_pi, "reswan resume I" | M2 | Ni | IDi body). */
int resume_mac_r(struct ike_sa *sa, uint8_t *out, size_t *len);
int resume_mac_i(struct ike_sa *sa, const uint8_t *id_body, size_t id_len,
		 uint8_t *out, size_t *len);

/* ---- resume_ticket.c: tickets from full handshakes, session ends ---- */
void resume_auth_request_put(void *ctx, struct ike_sa *sa, struct wire_builder *b);
void resume_auth_request_process(void *ctx, struct ike_sa *sa, struct msg_in *in);
void resume_auth_response_put(void *ctx, struct ike_sa *sa, struct wire_builder *b);
void resume_auth_response_process(void *ctx, struct ike_sa *sa, struct msg_in *in);
void resume_sa_down(void *ctx, struct ike_sa *sa);
void resume_sa_free(void *ctx, struct ike_sa *sa);
struct resume_sa *resume_sa_get(struct resume *r, struct ike_sa *sa);
/* Algorithms of an SA and its first child, as the cache stores them. */
void resume_algs(const struct ike_sa *sa, struct cache_algs *a);
/* Store the initiator's credential for sa's connection from a ticket. */
void resume_keep_ticket(struct resume *r, struct ike_sa *sa,
			const uint8_t handle[CACHE_HANDLE_LEN]);

/* ---- resume_initiator.c ---- */
bool resume_initiate(void *ctx, struct ike *ike, const struct config_conn *conn,
		     ike_ext_done_fn done, void *done_ctx);
void resume_process_response(void *ctx, struct ike_sa *sa, struct msg_in *in);
void resume_request_failed(void *ctx, struct ike_sa *sa);

/* ---- resume_responder.c ---- */
bool resume_receive_init(void *ctx, struct ike *ike, struct msg_in *in);
void resume_process_request(void *ctx, struct ike_sa *sa, struct msg_in *in);

#endif
