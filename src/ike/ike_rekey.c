/*
 * ike_rekey.c - rekeying the IKE SA with CREATE_CHILD_SA, both roles
 * (RFC 7296 1.3.2, 2.8, 2.8.2, 2.18).
 *
 * The new IKE SA gets new SPIs, new nonces and a new key exchange, with
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr); the Child SAs move to
 * it and the initiator of the rekey deletes the old one.  The session is
 * the same: accounting, the virtual IP and extension state move with the
 * Child SAs, so a rekey is never reported as a new connection.  When both
 * ends rekey at once, the new IKE SA created with the lowest of the four
 * nonces is redundant and deleted by its creator; the other end deletes
 * the old IKE SA.
 */
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/ke.h"
#include "ike/internal.h"

#define REKEY_RETRY_US (30 * CLOCK_US_PER_SEC)
#define REKEYED_GRACE_US (60 * CLOCK_US_PER_SEC)

/* A new IKE SA that continues old's session. */
static struct ike_sa *successor(struct ike_sa *old, bool initiator)
{
	struct ike_sa *n = sa_new(old->ike, initiator);

	if (!n)
		return NULL;
	sa_use_config(n, old->cfg, old->conn);
	n->local = old->local;
	n->remote = old->remote;
	n->natt = old->natt;
	n->nat_here = old->nat_here;
	n->nat_there = old->nat_there;
	n->local_id = old->local_id;
	n->peer_id = old->peer_id;
	n->peer_id_set = old->peer_id_set;
	sa_peer_id_set(n);
	n->peer_frag = old->peer_frag;
	n->peer_hash_algs = old->peer_hash_algs;
	n->peer_certreq = old->peer_certreq;
	return n;
}

/* Move the session (children, accounting, VIP, extension state) to n and
 * make n the established SA. */
static void handover(struct ike_sa *old, struct ike_sa *n)
{
	while (old->children)
		child_move(old->children, n);
	n->established_wall = old->established_wall;
	n->up_reported = old->up_reported;
	old->up_reported = false;
	n->bytes_in = old->bytes_in;
	n->bytes_out = old->bytes_out;
	n->packets_in = old->packets_in;
	n->packets_out = old->packets_out;
	old->bytes_in = old->bytes_out = old->packets_in = old->packets_out = 0;
	n->resumed = old->resumed;
	n->ext = old->ext;
	old->ext = NULL;
	n->vip = old->vip;
	n->has_vip = old->has_vip;
	old->has_vip = false;
	old->rekeyed_by = n;
	/* The peer's SA of a collision is established already. */
	if (n->state != IKE_SA_ESTABLISHED)
		sa_set_state(n, IKE_SA_ESTABLISHED);
	n->established_mono = ike_now(n->ike);
	n->last_rx_mono = n->established_mono;
	sa_start_timers(n);
	if (old->state == IKE_SA_ESTABLISHED)
		sa_set_state(old, IKE_SA_REKEYED);
	ike_disarm(old->ike, &old->t_rekey);
	ike_disarm(old->ike, &old->t_dpd);
	sa_log(n, LOG_LVL_INFO, "IKE_SA rekeyed, replaces #%llu",
	       (unsigned long long)old->uniqueid);
}

/* An established SA without a session: the redundant half of a collision. */
static void establish_bare(struct ike_sa *n)
{
	sa_set_state(n, IKE_SA_ESTABLISHED);
	n->established_mono = ike_now(n->ike);
	n->last_rx_mono = n->established_mono;
}

int ike_rekey_start(struct ike_sa *sa)
{
	struct wire_span nonce;
	struct wire_ke wk;
	struct ike_sa *n;
	struct msg_out o;
	int rc;

	if (sa->rekey_new || sa->rekeyed_by)
		return 0;
	if (!(n = successor(sa, true)))
		return ERR_NOMEM;
	n->suite = sa->suite;
	n->ni_len = IKE_NONCE_LEN;
	n->ke_group = sa->suite.dh;
	if ((rc = ike_random(sa->ike, n->ni, n->ni_len)) != 0 ||
	    !(n->ke = ike_ke_new(sa->ike, n->ke_group))) {
		rc = rc ? rc : ERR_CRYPTO;
		goto fail;
	}
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_CREATE_CHILD_SA, false,
				sa->my_msgid, true)) != 0)
		goto fail;
	nonce.p = n->ni;
	nonce.len = n->ni_len;
	wk.group = n->ke_group;
	wk.data.p = ke_public(n->ke, &wk.data.len);
	rc = negotiate_put_offer(&o.b, &sa->conn->ike, IKEV2_PROTO_IKE, n->spi_i,
				 true);
	if (rc == 0)
		rc = wire_put_nonce(&o.b, &nonce);
	if (rc == 0)
		rc = wire_put_ke(&o.b, &wk);
	if (rc) {
		msg_out_abort(&o);
		goto fail;
	}
	if ((rc = msg_out_send(&o, TASK_IKE_REKEY, 0)) != 0)
		goto fail;
	sa->rekey_new = n;
	sa->collision = NULL;
	sa_log(sa, LOG_LVL_INFO, "rekeying IKE_SA");
	return 0;
fail:
	sa_destroy(n, IKE_DOWN_FAILED);
	return rc;
}

void ike_rekey_respond(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_payload *psa = wire_msg_first(in->m, IKEV2_PL_SA);
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	const struct wire_payload *pke = wire_msg_first(in->m, IKEV2_PL_KE);
	uint8_t gir[KE_MAX_SECRET_LEN], num;
	size_t gir_len = sizeof(gir);
	struct ike_suite suite;
	struct wire_span nonce;
	struct wire_ke wk;
	struct ike_sa *n = NULL;
	struct msg_out o;
	uint64_t spi;
	int rc;

	if (!psa || !pno || !pke) {
		msg_reply_notify(sa, in, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (sa->rekeyed_by) {
		msg_reply_notify(sa, in, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (negotiate_select(&sa->conn->ike, IKEV2_PROTO_IKE, &psa->u.sa,
			     pke->u.ke.group, &suite, &num, &spi) != 0 || spi == 0) {
		msg_reply_notify(sa, in, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (suite.dh != pke->u.ke.group) {
		uint8_t g[2] = { (uint8_t)(suite.dh >> 8), (uint8_t)suite.dh };

		msg_reply_notify(sa, in, IKEV2_N_INVALID_KE_PAYLOAD, g, sizeof(g));
		return;
	}
	if (!(n = successor(sa, false))) {
		msg_reply_notify(sa, in, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	n->spi_i = spi;
	n->suite = suite;
	memcpy(n->ni, pno->u.nonce.p, pno->u.nonce.len);
	n->ni_len = pno->u.nonce.len;
	n->nr_len = IKE_NONCE_LEN;
	rc = ike_random(sa->ike, n->nr, n->nr_len);
	if (rc == 0 && !(n->ke = ike_ke_new(sa->ike, suite.dh)))
		rc = ERR_CRYPTO;
	if (rc == 0)
		rc = ke_derive(n->ke, pke->u.ke.data.p, pke->u.ke.data.len, gir,
			       &gir_len);
	if (rc == 0)
		rc = sa_derive_keys(n, gir, gir_len, sa);
	wipe(gir, sizeof(gir));
	if (rc) {
		sa_destroy(n, IKE_DOWN_FAILED);
		msg_reply_notify(sa, in, rc == ERR_KE_PEER ? IKEV2_N_INVALID_SYNTAX
						       : IKEV2_N_TEMPORARY_FAILURE,
			     NULL, 0);
		return;
	}
	nonce.p = n->nr;
	nonce.len = n->nr_len;
	wk.group = suite.dh;
	wk.data.p = ke_public(n->ke, &wk.data.len);
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true,
				in->m->hdr.msg_id, true)) == 0) {
		rc = negotiate_put_choice(&o.b, &suite, IKEV2_PROTO_IKE, num, n->spi_r);
		if (rc == 0)
			rc = wire_put_nonce(&o.b, &nonce);
		if (rc == 0)
			rc = wire_put_ke(&o.b, &wk);
		if (rc == 0)
			rc = msg_out_send(&o, TASK_NONE, 0);
		else
			msg_out_abort(&o);
	}
	ke_free(n->ke);
	n->ke = NULL;
	if (rc) {
		sa_destroy(n, IKE_DOWN_FAILED);
		return;
	}
	if (sa->rekey_new) {
		/* Simultaneous rekey: decide when our own answer arrives. */
		const uint8_t *lo = n->ni;
		size_t lo_len = n->ni_len;

		if (ccsa_nonce_cmp(n->nr, n->nr_len, lo, lo_len) < 0) {
			lo = n->nr;
			lo_len = n->nr_len;
		}
		memcpy(sa->collision_nonce, lo, lo_len);
		sa->collision_nonce_len = lo_len;
		sa->collision = n;
		establish_bare(n);
		sa_log(sa, LOG_LVL_INFO, "simultaneous IKE_SA rekey");
		return;
	}
	handover(sa, n);
	/* The peer deletes the old SA; if it never does, we drop it. */
	ike_arm(sa->ike, &sa->t_expire, REKEYED_GRACE_US);
}

void ike_rekey_process_response(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_payload *psa = wire_msg_first(in->m, IKEV2_PL_SA);
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	const struct wire_payload *pke = wire_msg_first(in->m, IKEV2_PL_KE);
	struct ike_sa *n = sa->rekey_new, *peer_new = sa->collision;
	uint8_t gir[KE_MAX_SECRET_LEN];
	size_t gir_len = sizeof(gir);
	uint64_t spi;
	int rc;

	sa->rekey_new = NULL;
	sa->collision = NULL;
	if (!n)
		return;
	if (!psa || !pno || !pke) {
		const struct wire_notify *e = wire_msg_error_notify(in->m);

		sa_log(sa, LOG_LVL_INFO, "rekeying IKE_SA failed: %s",
		       e && wire_name_notify(e->type) ? wire_name_notify(e->type)
						     : "bad response");
		goto retry;
	}
	if (negotiate_accept(&sa->conn->ike, IKEV2_PROTO_IKE, &psa->u.sa, false,
			     &n->suite, &spi) != 0 || spi == 0 ||
	    n->suite.dh != n->ke_group || pke->u.ke.group != n->ke_group)
		goto retry;
	n->spi_r = spi;
	memcpy(n->nr, pno->u.nonce.p, pno->u.nonce.len);
	n->nr_len = pno->u.nonce.len;
	rc = ke_derive(n->ke, pke->u.ke.data.p, pke->u.ke.data.len, gir, &gir_len);
	if (rc == 0)
		rc = sa_derive_keys(n, gir, gir_len, sa);
	wipe(gir, sizeof(gir));
	ke_free(n->ke);
	n->ke = NULL;
	if (rc)
		goto retry;
	if (peer_new && peer_new->state == IKE_SA_ESTABLISHED) {
		const uint8_t *lo = n->ni;
		size_t lo_len = n->ni_len;

		if (ccsa_nonce_cmp(n->nr, n->nr_len, lo, lo_len) < 0) {
			lo = n->nr;
			lo_len = n->nr_len;
		}
		if (ccsa_nonce_cmp(lo, lo_len, sa->collision_nonce,
				   sa->collision_nonce_len) < 0) {
			/* Ours is redundant: the peer's new SA takes over and
			 * the peer deletes the old one. */
			handover(sa, peer_new);
			ike_arm(sa->ike, &sa->t_expire, REKEYED_GRACE_US);
			establish_bare(n);
			delete_ike_start(n);
			return;
		}
		/* Ours survives; the peer deletes its redundant one. */
	}
	handover(sa, n);
	delete_ike_start(sa);
	return;
retry:
	sa_destroy(n, IKE_DOWN_FAILED);
	if (sa->state == IKE_SA_ESTABLISHED)
		ike_arm(sa->ike, &sa->t_rekey, REKEY_RETRY_US);
}
