/*
 * resume_responder.c - letting a client resume (messages 1-4 as in
 * resume_initiator.c, the other side).
 *
 * Message 1 is handled like IKE_SA_INIT: retransmission lookup, parse,
 * the engine's admission gate (hard caps, cookies under load), then the
 * cache lookup - a few hundred nanoseconds, before any crypto.  Only a
 * live record costs key derivation and one MAC.  The handle is consumed
 * (single use, atomically) only when message 3 proves the secret and
 * names the identity the record was issued to; until then a replayed or
 * forged message 1 cannot burn it.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/ke.h"
#include "resume/internal.h"

static void reject(struct ike *ike, struct msg_in *in)
{
	msg_send_plain_notify(ike, &in->m->hdr, &in->local, &in->remote,
			      IKEV2_N_RESWAN_RESUME_REJECTED, NULL, 0);
}

static void suite_of(const struct cache_algs *a, struct ike_suite *s)
{
	memset(s, 0, sizeof(*s));
	s->encr = a->ike_encr;
	s->encr_keylen = a->ike_encr_bits;
	s->integ = a->ike_integ;
	s->prf = a->ike_prf;
	s->dh = a->ike_ke;
}

bool resume_receive_init(void *ctx, struct ike *ike, struct msg_in *in)
{
	struct resume *r = ctx;
	const struct wire_payload *pno, *pke;
	const struct wire_notify *ticket;
	const struct config_conn *conn = NULL;
	struct cache_entry *e = NULL;
	enum cache_miss why = CACHE_MISS_UNKNOWN;
	struct resume_sa *rs;
	struct ike_sa *sa;
	struct wire_hdr h;
	struct msg_out o;
	uint8_t gir[KE_MAX_SECRET_LEN], mac[PRF_MAX_LEN];
	size_t gir_len = 0, mac_len = 0;
	struct ke *ke = NULL;
	char ab[ADDR_STRLEN];
	int rc;

	wire_hdr_parse(&h, in->raw, in->len);
	if (h.exchange != IKEV2_EXCH_RESWAN_RESUME || h.msg_id != 0)
		return false;
	if (sa_init_retransmission(ike, in))
		return true;
	if (wire_msg_parse(in->m, in->raw, in->len, NULL) != 0) {
		ike->stats.rx_invalid++;
		return true;
	}
	pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	pke = wire_msg_first(in->m, IKEV2_PL_KE);
	ticket = wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_TICKET);
	if (!pno || !ticket || ticket->data.len != CACHE_HANDLE_LEN) {
		ike->stats.rx_invalid++;
		return true;
	}
	if (sa_init_admit(ike, in, &pno->u.nonce) != 0)
		return true;
	/* The cheap lookup, before any crypto. */
	e = calloc(1, sizeof(*e));
	if (!e)
		return true;
	if (!r->opts.cache ||
	    cache_lookup(r->opts.cache, ticket->data.p, e, &why) != 0)
		goto rejected;
	why = CACHE_HIT;
	if (e->conn >= RESUME_MAX_CONNS || !r->conn_names[e->conn] ||
	    !(conn = config_conn_find(ike->cfg->cfg, r->conn_names[e->conn])) ||
	    !conn->resumption.enabled)
		goto rejected;
	if ((e->pfs || conn->resumption.pfs) &&
	    (!pke || pke->u.ke.group != e->algs.ike_ke))
		goto rejected;

	if (!(sa = sa_new(ike, false)))
		goto out;
	sa_use_config(sa, ike->cfg, conn);
	suite_of(&e->algs, &sa->suite);
	if (!negotiate_suite_allowed(&conn->ike, &sa->suite)) {
		sa_destroy(sa, IKE_DOWN_FAILED);
		goto rejected;
	}
	rs = resume_sa_get(r, sa);
	if (!rs) {
		sa_destroy(sa, IKE_DOWN_FAILED);
		goto out;
	}
	rs->role = RESUME_RESPONDER;
	memcpy(rs->handle, ticket->data.p, CACHE_HANDLE_LEN);
	rs->peer = e->peer;
	rs->cache_conn = e->conn;
	rs->vip = e->vip4.family ? e->vip4 : e->vip6;
	sa->spi_i = h.spi_i;
	sa->local = in->local;
	sa->remote = in->remote;
	sa->natt = true;
	sa->nat_here = true;
	sa->peer_msgid = 1;
	memcpy(sa->ni, pno->u.nonce.p, pno->u.nonce.len);
	sa->ni_len = pno->u.nonce.len;
	sa->nr_len = IKE_NONCE_LEN;
	rc = ike_random(ike, sa->nr, sa->nr_len);
	if (rc == 0 && pke) {
		gir_len = sizeof(gir);
		if (!(ke = ike_ke_new(ike, pke->u.ke.group)))
			rc = ERR_CRYPTO;
		else
			rc = ke_derive(ke, pke->u.ke.data.p, pke->u.ke.data.len,
				       gir, &gir_len);
	}
	if (rc == 0 && !(sa->init_i = malloc(in->len)))
		rc = ERR_NOMEM;
	if (rc == 0) {
		memcpy(sa->init_i, in->raw, in->len);
		sa->init_i_len = in->len;
		rc = resume_keys(sa, e->secret, ke ? gir : NULL, gir_len);
	}
	if (rc == 0)
		rc = resume_mac_r(sa, mac, &mac_len);
	if (rc == 0)
		rc = msg_out_begin(&o, sa, IKEV2_EXCH_RESWAN_RESUME, true, 0, false);
	if (rc == 0) {
		struct wire_span nonce = { sa->nr, sa->nr_len };

		rc = wire_put_nonce(&o.b, &nonce);
		if (rc == 0 && ke) {
			struct wire_ke wk = { .group = pke->u.ke.group };

			wk.data.p = ke_public(ke, &wk.data.len);
			rc = wire_put_ke(&o.b, &wk);
		}
		if (rc == 0)
			rc = wire_put_notify_data(&o.b, IKEV2_N_RESWAN_RESUME_AUTH,
						  mac, mac_len);
		if (rc == 0)
			rc = msg_out_send(&o, TASK_NONE, 0);
		else
			msg_out_abort(&o);
	}
	if (rc == 0 && !(sa->init_r = malloc(sa->resp.len[0])))
		rc = ERR_NOMEM;
	if (rc) {
		sa_log(sa, LOG_LVL_ERROR, "resumption response failed: %s", err_str(rc));
		sa_destroy(sa, IKE_DOWN_FAILED);
		goto out;
	}
	memcpy(sa->init_r, sa->resp.buf, sa->resp.len[0]);
	sa->init_r_len = sa->resp.len[0];
	sa->resp_req_hash = hmap_siphash(ike->hash_key, in->raw, in->len);
	sa_set_state(sa, IKE_SA_HALF_OPEN);
	sa_half_open_add(sa);
	ike_arm(ike, &sa->t_expire, ike->env.params.half_open_timeout_us);
	goto out;
rejected:
	r->stats.rejected++;
	ike_log_rl(ike, LOG_LVL_INFO, "%s: resumption refused: %s",
		   addr_fmt(&in->remote, true, ab, sizeof(ab)),
		   why == CACHE_HIT ? "connection gone or changed" : cache_miss_str(why));
	reject(ike, in);
out:
	ke_free(ke);
	wipe(gir, sizeof(gir));
	wipe(mac, sizeof(mac));
	if (e) {
		wipe(e, sizeof(*e));
		free(e);
	}
	return true;
}

static void refuse(struct ike_sa *sa, struct msg_in *in, const char *why)
{
	sa_log(sa, LOG_LVL_INFO, "resumption refused: %s", why);
	msg_reply_notify(sa, in, IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
	sa_destroy(sa, IKE_DOWN_FAILED);
}

void resume_process_request(void *ctx, struct ike_sa *sa, struct msg_in *in)
{
	struct resume *r = ctx;
	struct resume_sa *rs = sa->ext;
	const struct wire_payload *pid = wire_msg_first(in->m, IKEV2_PL_IDI);
	const struct wire_notify *mac = wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_AUTH);
	uint8_t want[PRF_MAX_LEN], rs2[CACHE_SECRET_LEN], handle[CACHE_HANDLE_LEN];
	size_t want_len = 0;
	enum cache_miss why;
	cache_ref ref;
	struct msg_out o;
	bool cp_failed = false;
	int rc;

	if (!rs || rs->role != RESUME_RESPONDER || sa->state != IKE_SA_HALF_OPEN)
		return;
	if (!pid || !mac) {
		refuse(sa, in, "IDi or proof missing");
		return;
	}
	rc = resume_mac_i(sa, pid->body.p, pid->body.len, want, &want_len);
	if (rc || mac->data.len != want_len ||
	    !crypto_memeq(want, mac->data.p, want_len)) {
		r->stats.auth_failed++;
		sa->ike->stats.rx_unauthenticated++;
		refuse(sa, in, "bad proof");
		return;
	}
	/* The proof is good; it must also be the identity of the record. */
	if (pid->u.id.type != rs->peer.type || pid->u.id.data.len != rs->peer.len ||
	    memcmp(pid->u.id.data.p, rs->peer.data, rs->peer.len) != 0) {
		r->stats.auth_failed++;
		refuse(sa, in, "identity differs from the record's");
		return;
	}
	/* Consume the handle (single use) and continue the lineage with a
	 * secret from the new SA. */
	rc = resume_secret(sa, rs2);
	if (rc == 0)
		rc = cache_consume(r->opts.cache, rs->handle, rs2, handle, &ref, &why);
	wipe(rs2, sizeof(rs2));
	if (rc) {
		r->stats.races_lost++;
		refuse(sa, in, "handle already used or expired");
		return;
	}
	rs->ref = ref;
	rs->resumed = true;
	sa->resumed = true;
	if (ident_from_wire(pid->u.id.type, pid->u.id.data.p, pid->u.id.data.len,
			    &sa->peer_id) == 0)
		sa->peer_id_set = true;
	sa_peer_id_set(sa);
	auth_local_identity(sa, sa->conn);
	/* Whatever SA this client still had is replaced (it crashed or
	 * changed network). */
	sa_replace_duplicates(sa, true);
	if (rs->vip.family)
		pool_claim(sa->ike, sa->conn, &sa->peer_id, &rs->vip);

	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_RESWAN_RESUME, true,
				in->m->hdr.msg_id, true)) != 0)
		goto fail;
	rc = auth_put_id(&o.b, IKEV2_PL_IDR, &sa->local_id);
	if (rc == 0 && wire_msg_first(in->m, IKEV2_PL_CP))
		cp_failed = auth_cp_reply(sa, in, &o.b) != 0;
	if (rc == 0) {
		if (cp_failed)
			rc = wire_put_notify_data(&o.b, IKEV2_N_INTERNAL_ADDRESS_FAILURE,
						  NULL, 0);
		else
			child_create_respond(sa, in, &o.b, NEGOTIATE_NO_DH, NULL, 0,
					     sa->ni, sa->ni_len, sa->nr, sa->nr_len);
	}
	if (rc == 0)
		rc = wire_put_notify_data(&o.b, IKEV2_N_RESWAN_RESUME_TICKET, handle,
					  sizeof(handle));
	wipe(handle, sizeof(handle));
	if (rc == 0)
		rc = msg_out_send(&o, TASK_NONE, 0);
	else
		msg_out_abort(&o);
	if (rc)
		goto fail;
	r->stats.resumed++;
	sa_established(sa);
	return;
fail:
	sa_log(sa, LOG_LVL_ERROR, "resumption answer failed: %s", err_str(rc));
	sa_destroy(sa, IKE_DOWN_FAILED);
}
