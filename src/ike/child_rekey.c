/*
 * child_rekey.c - rekeying a Child SA with CREATE_CHILD_SA, both roles
 * (RFC 7296 1.3.3, 2.8, 2.8.1).
 *
 * The initiator of the rekey creates the replacement, then deletes the old
 * Child SA (make before break: the data plane holds both for a moment).
 * When both ends rekey the same Child SA at once, two replacements exist;
 * the one created by the exchange with the lowest of the four nonces is
 * redundant and is deleted by the end that created it, and the other end
 * deletes the old Child SA.
 */
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/ke.h"
#include "ike/internal.h"

int child_rekey_start(struct ike_sa *sa, struct child_sa *c)
{
	const struct config_child *cfg = c->cfg;
	uint16_t pfs = cfg ? negotiate_first_dh(&cfg->esp) : 0;
	struct wire_notify rn = { .proto = IKEV2_PROTO_ESP, .spi_size = 4,
				  .type = IKEV2_N_REKEY_SA, .spi = c->spi_in };
	struct wire_span nonce;
	struct msg_out o;
	int rc;

	if (!cfg)
		return ERR_STATE;
	if ((rc = child_alloc_spi(sa, &c->rekey_spi)) != 0)
		return rc;
	c->rekey_ni_len = IKE_NONCE_LEN;
	if ((rc = ike_random(sa->ike, c->rekey_ni, c->rekey_ni_len)) != 0)
		return rc;
	ke_free(c->rekey_ke);
	c->rekey_ke = NULL;
	if (pfs && !(c->rekey_ke = ike_ke_new(sa->ike, pfs)))
		return ERR_CRYPTO;
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_CREATE_CHILD_SA, false,
				sa->my_msgid, true)) != 0)
		return rc;
	rc = wire_put_notify(&o.b, &rn);
	if (rc == 0)
		rc = child_create_put_request(sa, &o.b, cfg, c->rekey_spi, pfs != 0);
	nonce.p = c->rekey_ni;
	nonce.len = c->rekey_ni_len;
	if (rc == 0)
		rc = wire_put_nonce(&o.b, &nonce);
	if (rc == 0 && c->rekey_ke) {
		struct wire_ke wk = { .group = pfs };

		wk.data.p = ke_public(c->rekey_ke, &wk.data.len);
		rc = wire_put_ke(&o.b, &wk);
	}
	if (rc) {
		msg_out_abort(&o);
		return rc;
	}
	c->state = CHILD_REKEYING;
	c->collision_id = 0;
	sa_log(sa, LOG_LVL_INFO, "rekeying CHILD_SA %s{%u}", cfg->name, c->uniqueid);
	return msg_out_send(&o, TASK_CHILD_REKEY, c->id);
}

void child_rekey_respond(struct ike_sa *sa, struct msg_in *in,
			 const struct wire_notify *rekey)
{
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	uint8_t proto;
	uint32_t spi;
	struct child_sa *old = NULL, *n;
	struct msg_out o;
	uint8_t nr[IKE_NONCE_LEN];
	size_t nr_len = 0;

	if (wire_notify_rekey_sa(rekey, &proto, &spi) == 0 &&
	    proto == IKEV2_PROTO_ESP)
		old = child_find_out(sa, spi);
	if (msg_out_begin(&o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true,
			  in->m->hdr.msg_id, true) != 0)
		return;
	if (!old || old->state == CHILD_DELETING || old->state == CHILD_REKEYED) {
		struct wire_notify nf = { .proto = IKEV2_PROTO_ESP, .spi_size = 4,
					  .type = IKEV2_N_CHILD_SA_NOT_FOUND,
					  .spi = spi };

		wire_put_notify(&o.b, &nf);
		msg_out_send(&o, TASK_NONE, 0);
		return;
	}
	n = ccsa_child_respond(sa, in, &o.b, nr, &nr_len);
	msg_out_send(&o, TASK_NONE, 0);
	if (!n)
		goto out;
	if (old->state == CHILD_REKEYING && pno) {
		/* Collision: remember the lower nonce of the peer's exchange. */
		const uint8_t *lo = pno->u.nonce.p;
		size_t lo_len = pno->u.nonce.len;

		if (ccsa_nonce_cmp(nr, nr_len, lo, lo_len) < 0) {
			lo = nr;
			lo_len = nr_len;
		}
		memcpy(old->collision_nonce, lo, lo_len);
		old->collision_nonce_len = lo_len;
		old->collision_id = n->id;
		sa_log(sa, LOG_LVL_INFO, "simultaneous rekey of CHILD_SA %s{%u}",
		       old->cfg ? old->cfg->name : "?", old->uniqueid);
	} else {
		/* The peer deletes the old one; keep it until then. */
		old->state = CHILD_REKEYED;
		ike_disarm(sa->ike, &old->t_rekey);
	}
out:
	wipe(nr, sizeof(nr));
}

void child_rekey_process_response(struct ike_sa *sa, struct msg_in *in,
				  uint64_t old_id)
{
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	const struct wire_payload *pke = wire_msg_first(in->m, IKEV2_PL_KE);
	struct child_sa *old = child_find_id(sa, old_id), *n;
	uint8_t gir[KE_MAX_SECRET_LEN];
	size_t gir_len = 0;
	const struct wire_notify *err;

	if (!old || old->state != CHILD_REKEYING)
		return;
	err = wire_msg_error_notify(in->m);
	if (err || !pno) {
		/* TEMPORARY_FAILURE, NO_PROPOSAL_CHOSEN, ...: try later. */
		sa_log(sa, LOG_LVL_INFO, "rekeying CHILD_SA %s{%u} failed: %s",
		       old->cfg ? old->cfg->name : "?", old->uniqueid,
		       err && wire_name_notify(err->type) ?
		       wire_name_notify(err->type) : "no nonce");
		goto retry;
	}
	if (pke && old->rekey_ke) {
		gir_len = sizeof(gir);
		if (pke->u.ke.group != ke_group(old->rekey_ke) ||
		    ke_derive(old->rekey_ke, pke->u.ke.data.p, pke->u.ke.data.len,
			      gir, &gir_len) != 0)
			goto retry;
	}
	n = child_create_process_response(sa, in, old->cfg, old->rekey_spi, false,
					  gir_len ? gir : NULL, gir_len,
					  old->rekey_ni, old->rekey_ni_len,
					  pno->u.nonce.p, pno->u.nonce.len);
	if (!n)
		goto retry;
	if (old->collision_id) {
		/* Both rekeyed: the exchange with the lowest nonce loses. */
		const uint8_t *lo = old->rekey_ni;
		size_t lo_len = old->rekey_ni_len;

		if (ccsa_nonce_cmp(pno->u.nonce.p, pno->u.nonce.len, lo, lo_len) < 0) {
			lo = pno->u.nonce.p;
			lo_len = pno->u.nonce.len;
		}
		if (ccsa_nonce_cmp(lo, lo_len, old->collision_nonce,
				   old->collision_nonce_len) < 0) {
			/* Ours is redundant: delete it; the peer deletes old. */
			sa_log(sa, LOG_LVL_INFO,
			       "simultaneous rekey: deleting our redundant CHILD_SA {%u}",
			       n->uniqueid);
			old->state = CHILD_REKEYED;
			sa_queue(sa, TASK_DELETE_CHILD, n->id);
			goto out;
		}
	}
	old->state = CHILD_REKEYED;
	sa_queue(sa, TASK_DELETE_CHILD, old->id);
	goto out;
retry:
	old->state = CHILD_INSTALLED;
	if (old->cfg && old->cfg->rekey_time)
		ike_arm(sa->ike, &old->t_rekey, 30 * CLOCK_US_PER_SEC);
out:
	ke_free(old->rekey_ke);
	old->rekey_ke = NULL;
	wipe(gir, sizeof(gir));
}
