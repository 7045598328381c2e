/*
 * resume_initiator.c - resuming a session we hold a ticket for.
 *
 *   1 I->R  HDR(243, #0)  [N(COOKIE)] N(TICKET, handle) Ni [KEi]
 *   2 R->I  HDR(243, #0)  Nr [KEr] N(RESUME_AUTH, MAC_R)    | N(REJECTED)
 *   3 I->R  HDR(243, #1)  SK{ IDi N(RESUME_AUTH, MAC_I) [CP] SA TSi TSr }
 *   4 R->I  HDR(243, #1)  SK{ IDr [CP] SA TSi TSr N(TICKET, next handle) }
 *
 * Anything but a proper message 2 (a reject, a wrong MAC, silence after
 * message 1 and its RESUME_RETRIES retransmissions) makes us forget the
 * ticket and fall back to a full IKE_SA_INIT at once; the caller of ike_initiate() learns only the final
 * outcome.  A reject is a hint, never proof of anything: it is
 * unauthenticated, and the worst it can do is cost a full handshake.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/ke.h"
#include "resume/internal.h"

static void suite_from(const struct cache_algs *a, struct ike_suite *ike,
		       struct ike_suite *child)
{
	memset(ike, 0, sizeof(*ike));
	ike->encr = a->ike_encr;
	ike->encr_keylen = a->ike_encr_bits;
	ike->integ = a->ike_integ;
	ike->prf = a->ike_prf;
	ike->dh = a->ike_ke;
	memset(child, 0, sizeof(*child));
	child->encr = a->child_encr;
	child->encr_keylen = a->child_encr_bits;
	child->integ = a->child_integ;
	child->esn = a->child_esn ? IKEV2_ESN_YES : IKEV2_ESN_NO;
}

/* Give up on resuming: forget the ticket, run a full handshake instead,
 * and hand it the caller's completion. */
static void fall_back(struct ike_sa *sa, const char *why, bool forget)
{
	struct resume_sa *rs = sa->ext;
	struct resume *r = rs->r;
	struct ike *ike = sa->ike;
	const struct config_conn *conn = rs->conn;
	ike_done_fn done = sa->done;
	void *done_ctx = sa->done_ctx;
	int rc;

	sa_log(sa, LOG_LVL_INFO, "resumption failed (%s), full handshake", why);
	if (forget)
		cache_client_del(r->opts.client, conn->name);
	r->stats.fallbacks++;
	sa->done = NULL;
	sa_destroy(sa, IKE_DOWN_FAILED);
	rc = ike_initiate_full(ike, conn, done, done_ctx);
	if (rc && done)
		done(done_ctx, rc, "full handshake could not start");
}

static int send_msg1(struct ike_sa *sa)
{
	struct resume_sa *rs = sa->ext;
	struct msg_out o;
	struct wire_span nonce = { sa->ni, sa->ni_len };
	int rc;

	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_RESWAN_RESUME, false, 0,
				false)) != 0)
		return rc;
	if (sa->cookie_len)
		rc = wire_put_notify_data(&o.b, IKEV2_N_COOKIE, sa->cookie,
					  sa->cookie_len);
	if (rc == 0)
		rc = wire_put_notify_data(&o.b, IKEV2_N_RESWAN_RESUME_TICKET,
					  rs->handle, CACHE_HANDLE_LEN);
	if (rc == 0)
		rc = wire_put_nonce(&o.b, &nonce);
	if (rc == 0 && rs->ke) {
		struct wire_ke wk = { .group = ke_group(rs->ke) };

		wk.data.p = ke_public(rs->ke, &wk.data.len);
		rc = wire_put_ke(&o.b, &wk);
	}
	if (rc) {
		msg_out_abort(&o);
		return rc;
	}
	if ((rc = msg_out_send(&o, TASK_EXT, 0)) != 0)
		return rc;
	/*
	 * A short schedule of its own: a gateway busy with a reconnect storm
	 * answers late, and a lost message 1 costs one retransmission, not a
	 * full handshake; a peer that never answers (one that does not speak
	 * the exchange) costs attempt_timeout * (2^(RESUME_RETRIES+1) - 1).
	 */
	msg_request_schedule(sa, rs->r->opts.attempt_timeout_us, RESUME_RETRIES);
	free(sa->init_i);
	sa->init_i = malloc(sa->out.pkts.len[0]);
	if (!sa->init_i)
		return ERR_NOMEM;
	memcpy(sa->init_i, sa->out.pkts.buf, sa->out.pkts.len[0]);
	sa->init_i_len = sa->out.pkts.len[0];
	return 0;
}

bool resume_initiate(void *ctx, struct ike *ike, const struct config_conn *conn,
		     ike_ext_done_fn done, void *done_ctx)
{
	struct resume *r = ctx;
	struct cache_client_entry e;
	struct ike_suite child;
	struct resume_sa *rs;
	struct ike_sa *sa;
	bool ok = false;

	if (!r->opts.client || !conn->resumption.enabled || !conn->n_children ||
	    !conn->n_remote_addrs || !addr_range_is_single(&conn->remote_addrs[0]) ||
	    cache_client_get(r->opts.client, conn->name, &e) != 0)
		return false;
	if (e.expires && ike_wall(ike) / CLOCK_US_PER_SEC >= e.expires) {
		cache_client_del(r->opts.client, conn->name);
		goto out;
	}
	if (!(sa = sa_new(ike, true)))
		goto out;
	if (!(rs = resume_sa_get(r, sa))) {
		sa_destroy(sa, IKE_DOWN_FAILED);
		goto out;
	}
	sa_use_config(sa, ike->cfg, conn);
	suite_from(&e.algs, &sa->suite, &child);
	if (!negotiate_suite_allowed(&conn->ike, &sa->suite)) {
		/* The configuration moved on: the ticket is stale. */
		cache_client_del(r->opts.client, conn->name);
		sa_destroy(sa, IKE_DOWN_FAILED);
		goto out;
	}
	rs->role = RESUME_INITIATOR;
	rs->conn = conn;
	memcpy(rs->handle, e.handle, CACHE_HANDLE_LEN);
	sa->done = done;
	sa->done_ctx = done_ctx;
	addr_range_first(&conn->remote_addrs[0], &sa->remote);
	/* Straight to the NAT-T port: resumption always encapsulates. */
	sa->remote.port = conn->remote_port != IKEV2_PORT ? conn->remote_port
							  : IKEV2_NATT_PORT;
	memset(&sa->local, 0, sizeof(sa->local));
	if (conn->n_local_addrs && addr_range_is_single(&conn->local_addrs[0]))
		addr_range_first(&conn->local_addrs[0], &sa->local);
	else
		sa->local.family = sa->remote.family;
	sa->local.port = ike->env.params.natt_port;
	sa->natt = true;
	sa->nat_here = true;
	sa->ni_len = IKE_NONCE_LEN;
	if (ike_random(ike, sa->ni, sa->ni_len) != 0 ||
	    (conn->resumption.pfs &&
	     !(rs->ke = ike_ke_new(ike, sa->suite.dh))) ||
	    send_msg1(sa) != 0) {
		/* Could not even try: let the engine do a full handshake. */
		sa->done = NULL;
		sa_destroy(sa, IKE_DOWN_FAILED);
		goto out;
	}
	sa_set_state(sa, IKE_SA_INIT_SENT);
	r->stats.attempts++;
	ok = true;
out:
	wipe(&e, sizeof(e));
	return ok;
}

/* Message 2: the responder proved it holds our secret; send message 3. */
static void process_msg2(struct ike_sa *sa, struct msg_in *in)
{
	struct resume_sa *rs = sa->ext;
	struct resume *r = rs->r;
	const struct config_conn *conn = rs->conn;
	const struct config_child *child = &conn->children[0];
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	const struct wire_payload *pke = wire_msg_first(in->m, IKEV2_PL_KE);
	const struct wire_notify *mac = wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_AUTH);
	const struct wire_notify *cookie = wire_msg_notify(in->m, IKEV2_N_COOKIE);
	struct cache_client_entry e;
	uint8_t gir[KE_MAX_SECRET_LEN], want[PRF_MAX_LEN], macbuf[PRF_MAX_LEN];
	uint8_t idbody[4 + IDENT_MAX_LEN];
	size_t gir_len = 0, want_len = 0, mac_len = 0;
	struct ike_suite cs, is;
	struct wire_span c;
	struct msg_out o;
	int rc;

	memset(&e, 0, sizeof(e));
	if (cookie && wire_notify_cookie(cookie, &c) == 0 && !sa->cookie_len) {
		memcpy(sa->cookie, c.p, c.len);
		sa->cookie_len = c.len;
		if (send_msg1(sa) == 0)
			return;
		fall_back(sa, "cannot resend with cookie", false);
		return;
	}
	if (wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_REJECTED)) {
		fall_back(sa, "rejected by the gateway", true);
		return;
	}
	if (!pno || !mac || in->m->hdr.spi_r == 0 ||
	    cache_client_get(r->opts.client, conn->name, &e) != 0) {
		fall_back(sa, "malformed answer", true);
		goto out;
	}
	if (rs->ke) {
		gir_len = sizeof(gir);
		if (!pke || pke->u.ke.group != ke_group(rs->ke) ||
		    ke_derive(rs->ke, pke->u.ke.data.p, pke->u.ke.data.len, gir,
			      &gir_len) != 0) {
			fall_back(sa, "bad key exchange", true);
			goto out;
		}
	}
	sa->spi_r = in->m->hdr.spi_r;
	memcpy(sa->nr, pno->u.nonce.p, pno->u.nonce.len);
	sa->nr_len = pno->u.nonce.len;
	sa->local = in->local;
	sa->init_r = malloc(in->len);
	if (!sa->init_r) {
		fall_back(sa, "out of memory", false);
		goto out;
	}
	memcpy(sa->init_r, in->raw, in->len);
	sa->init_r_len = in->len;
	rc = resume_keys(sa, e.secret, rs->ke ? gir : NULL, gir_len);
	if (rc == 0)
		rc = resume_mac_r(sa, want, &want_len);
	if (rc || mac->data.len != want_len ||
	    !crypto_memeq(want, mac->data.p, want_len)) {
		r->stats.auth_failed++;
		fall_back(sa, "the gateway could not prove the secret", true);
		goto out;
	}
	/* Message 3: prove it back, ask for the Child SA. */
	suite_from(&e.algs, &is, &cs);
	auth_local_identity(sa, conn);
	idbody[0] = sa->local_id.type;
	idbody[1] = idbody[2] = idbody[3] = 0;
	memcpy(idbody + 4, sa->local_id.data, sa->local_id.len);
	rc = resume_mac_i(sa, idbody, 4 + (size_t)sa->local_id.len, macbuf, &mac_len);
	if (rc == 0)
		rc = child_alloc_spi(sa, &sa->auth_child_spi);
	if (rc == 0)
		rc = msg_out_begin(&o, sa, IKEV2_EXCH_RESWAN_RESUME, false,
				   sa->my_msgid, true);
	if (rc) {
		fall_back(sa, "cannot build the proof", false);
		goto out;
	}
	rc = auth_put_id(&o.b, IKEV2_PL_IDI, &sa->local_id);
	if (rc == 0)
		rc = wire_put_notify_data(&o.b, IKEV2_N_RESWAN_RESUME_AUTH, macbuf,
					  mac_len);
	if (rc == 0 && conn->n_vips)
		rc = auth_cp_request(sa, &o.b);
	if (rc == 0) {
		/* Offer exactly the suite the session had. */
		struct dp_ts tsi[DP_MAX_TS], tsr[DP_MAX_TS];
		uint8_t ni = 0, nr = 0;

		rc = negotiate_put_choice(&o.b, &cs, IKEV2_PROTO_ESP, 1,
					  sa->auth_child_spi);
		if (rc == 0)
			rc = child_create_our_ts(sa, child, tsi, &ni, tsr, &nr);
		if (rc == 0)
			rc = ts_put(&o.b, IKEV2_PL_TSI, tsi, ni);
		if (rc == 0)
			rc = ts_put(&o.b, IKEV2_PL_TSR, tsr, nr);
	}
	if (rc) {
		msg_out_abort(&o);
		fall_back(sa, "cannot build the proof", false);
		goto out;
	}
	sa->auth_child = child;
	if (msg_out_send(&o, TASK_EXT, 0) != 0) {
		fall_back(sa, "cannot send the proof", false);
		goto out;
	}
	sa_set_state(sa, IKE_SA_AUTH_SENT);
out:
	wipe(&e, sizeof(e));
	wipe(gir, sizeof(gir));
	wipe(want, sizeof(want));
}

/* Message 4: the Child SA and the next ticket. */
static void process_msg4(struct ike_sa *sa, struct msg_in *in)
{
	struct resume_sa *rs = sa->ext;
	struct resume *r = rs->r;
	const struct wire_payload *pid = wire_msg_first(in->m, IKEV2_PL_IDR);
	const struct wire_notify *ticket = wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_TICKET);
	struct child_sa *c;

	if (wire_msg_error_notify(in->m) && !wire_msg_first(in->m, IKEV2_PL_SA)) {
		/* Refused after all (handle used meanwhile, identity). */
		fall_back(sa, "refused at the last step", true);
		return;
	}
	if (pid && ident_from_wire(pid->u.id.type, pid->u.id.data.p,
				   pid->u.id.data.len, &sa->peer_id) == 0)
		sa->peer_id_set = true;
	sa_peer_id_set(sa);
	auth_cp_take(sa, in);
	c = child_create_process_response(sa, in, sa->auth_child, sa->auth_child_spi,
					  true, NULL, 0, sa->ni, sa->ni_len,
					  sa->nr, sa->nr_len);
	sa->auth_child = NULL;
	if (ticket && ticket->data.len == CACHE_HANDLE_LEN)
		resume_keep_ticket(r, sa, ticket->data.p);
	else
		cache_client_del(r->opts.client, rs->conn->name);
	sa->resumed = true;
	rs->resumed = true;
	r->stats.resumed++;
	sa_established(sa);
	for (size_t i = 1; i < rs->conn->n_children; i++)
		sa_queue(sa, TASK_CHILD_CREATE, i);
	ike_initiate_done(sa, c ? 0 : ERR_STATE,
			  c ? "established (resumed)" : "IKE_SA resumed, CHILD_SA failed");
}

void resume_process_response(void *ctx, struct ike_sa *sa, struct msg_in *in)
{
	struct resume_sa *rs = sa->ext;

	(void)ctx;
	if (!rs || rs->role != RESUME_INITIATOR)
		return;
	if (sa->state == IKE_SA_INIT_SENT)
		process_msg2(sa, in);
	else if (sa->state == IKE_SA_AUTH_SENT)
		process_msg4(sa, in);
}

void resume_request_failed(void *ctx, struct ike_sa *sa)
{
	struct resume_sa *rs = sa->ext;

	(void)ctx;
	if (rs && rs->role == RESUME_INITIATOR && !rs->resumed) {
		/* Silence: a peer that does not speak the exchange (strongSwan
		 * drops it), or loss.  Keep the ticket only if the gateway
		 * may simply not have heard us. */
		fall_back(sa, "no answer", sa->state != IKE_SA_INIT_SENT);
		return;
	}
	sa_destroy(sa, IKE_DOWN_FAILED);
}
