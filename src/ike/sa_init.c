/*
 * sa_init.c - the IKE_SA_INIT exchange, both roles (RFC 7296 1.2, 2.6,
 * 2.23, 3.4).
 *
 * Responder order of work, cheapest first: retransmission lookup, parse,
 * capacity caps, cookie check (no state, no DH), connection and proposal
 * choice, INVALID_KE_PAYLOAD (no state, no DH), and only then the key
 * exchange and an SA allocated.  The initiator restarts the exchange with
 * the same SPI and nonce on COOKIE and with a new key exchange on
 * INVALID_KE_PAYLOAD, a bounded number of times.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/ke.h"
#include "crypto/x509.h"
#include "ike/internal.h"

#define SA_INIT_MAX_RETRIES 5

/* The hash algorithms we can verify RFC 7427 signatures with. */
static const uint16_t hash_algs[] = {
	IKEV2_HASH_SHA2_256, IKEV2_HASH_SHA2_384, IKEV2_HASH_SHA2_512,
	IKEV2_HASH_IDENTITY,
};

bool sa_init_conn_matches(const struct config_conn *c, const struct addr *local,
			  const struct addr *remote)
{
	bool l = false, r = false;

	for (size_t i = 0; i < c->n_local_addrs && !l; i++)
		l = addr_range_contains(&c->local_addrs[i], local);
	for (size_t i = 0; i < c->n_remote_addrs && !r; i++)
		r = addr_range_contains(&c->remote_addrs[i], remote);
	return l && r;
}

/* Notifies both sides put in IKE_SA_INIT after SA, KE and nonce. */
static int put_common_notifies(struct ike_sa *sa, struct wire_builder *b)
{
	int rc = natd_put(sa, b);

	if (rc == 0 && sa->conn->fragmentation != CONFIG_FRAG_NO)
		rc = wire_put_notify_data(b, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED,
					  NULL, 0);
	if (rc == 0)
		rc = wire_put_notify_hash_algs(b, hash_algs,
					       sizeof(hash_algs) / sizeof(hash_algs[0]));
	return rc;
}

/* Remember what the peer told us about itself in IKE_SA_INIT. */
static void peer_capabilities(struct ike_sa *sa, const struct msg_in *in)
{
	const struct wire_notify *n;
	uint16_t algs[WIRE_MAX_HASH_ALGS];
	size_t count = 0;

	if (wire_msg_notify(in->m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) &&
	    sa->conn->fragmentation != CONFIG_FRAG_NO)
		sa->peer_frag = true;
	n = wire_msg_notify(in->m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	if (n && wire_notify_hash_algs(n, algs, WIRE_MAX_HASH_ALGS, &count) == 0)
		for (size_t i = 0; i < count; i++)
			if (algs[i] < 16)
				sa->peer_hash_algs |= (uint16_t)(1u << algs[i]);
	natd_process(sa, in);
}

static int copy_raw(uint8_t **dst, size_t *dlen, const uint8_t *p, size_t len)
{
	free(*dst);
	*dst = malloc(len);
	if (!*dst) {
		*dlen = 0;
		return ERR_NOMEM;
	}
	memcpy(*dst, p, len);
	*dlen = len;
	return 0;
}

/* CERTREQ with the SHA-1 key hashes of the CAs we trust for this peer. */
int sa_init_put_certreq(struct ike_sa *sa, struct wire_builder *b)
{
	const struct creds *cr = sa->cfg->creds;
	uint8_t hashes[WIRE_MAX_CERTREQ_HASHES * WIRE_CERTREQ_HASH_LEN];
	struct wire_certreq req = { .encoding = IKEV2_CERT_X509_SIGNATURE };
	size_t n = 0;

	if (!sa->conn || sa->conn->remote.method != CONFIG_AUTH_PUBKEY ||
	    !sa->conn->send_certreq || !cr)
		return 0;
	for (size_t i = 0; i < creds_ca_count(cr) && n < WIRE_MAX_CERTREQ_HASHES; i++)
		if (x509_cert_spki_sha1(creds_ca(cr, i),
					hashes + n * WIRE_CERTREQ_HASH_LEN) == 0)
			n++;
	req.nhashes = (uint16_t)n;
	req.data.p = hashes;
	req.data.len = n * WIRE_CERTREQ_HASH_LEN;
	return wire_put_certreq(b, &req);
}

/* ---- initiator ---- */

int sa_init_start(struct ike_sa *sa)
{
	const struct config_conn *c = sa->conn;
	struct ike *ike = sa->ike;
	struct msg_out o;
	struct wire_ke ke;
	struct wire_span nonce;
	int rc;

	if (sa->state == IKE_SA_CREATED) {
		if (!c->n_remote_addrs ||
		    !addr_range_is_single(&c->remote_addrs[0])) {
			sa_log(sa, LOG_LVL_ERROR,
			       "cannot initiate: remote_addrs is not one address");
			return ERR_CONFIG;
		}
		addr_range_first(&c->remote_addrs[0], &sa->remote);
		sa->remote.port = c->remote_port;
		memset(&sa->local, 0, sizeof(sa->local));
		if (c->n_local_addrs && addr_range_is_single(&c->local_addrs[0]))
			addr_range_first(&c->local_addrs[0], &sa->local);
		else
			sa->local.family = sa->remote.family;
		/* A remote port other than 500 is NAT-T from the start (as
		 * strongSwan does it): the whole exchange stays on it and our
		 * NAT-T port, with the non-ESP marker. */
		if (c->remote_port != IKEV2_PORT) {
			sa->natt = true;
			sa->local.port = ike->env.params.natt_port;
		} else {
			sa->local.port = ike->env.params.port;
		}
		sa->ke_group = negotiate_first_dh(&c->ike);
		sa->ni_len = IKE_NONCE_LEN;
		if ((rc = ike_random(ike, sa->ni, sa->ni_len)) != 0)
			return rc;
		if (c->local.id_set)
			sa->local_id = c->local.id;
		sa->keyingtries++;
	}
	if (!sa->ke) {
		sa->ke = ike_ke_new(ike, sa->ke_group);
		if (!sa->ke)
			return ERR_CRYPTO;
	}
	ke.group = sa->ke_group;
	ke.data.p = ke_public(sa->ke, &ke.data.len);
	nonce.p = sa->ni;
	nonce.len = sa->ni_len;
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_IKE_SA_INIT, false, 0, false)) != 0)
		goto fail;
	if (sa->cookie_len)
		rc = wire_put_notify_data(&o.b, IKEV2_N_COOKIE, sa->cookie,
					  sa->cookie_len);
	if (rc == 0)
		rc = negotiate_put_offer(&o.b, &c->ike, IKEV2_PROTO_IKE, 0, true);
	if (rc == 0)
		rc = wire_put_ke(&o.b, &ke);
	if (rc == 0)
		rc = wire_put_nonce(&o.b, &nonce);
	if (rc == 0)
		rc = put_common_notifies(sa, &o.b);
	if (rc)
		goto fail;
	if ((rc = msg_out_send(&o, TASK_SA_INIT, 0)) != 0)
		return rc;
	/* RealMessage1 for the AUTH payload is the request as sent. */
	if ((rc = copy_raw(&sa->init_i, &sa->init_i_len, sa->out.pkts.buf,
			   sa->out.pkts.len[0])) != 0)
		return rc;
	sa_set_state(sa, IKE_SA_INIT_SENT);
	return 0;
fail:
	msg_out_abort(&o);
	return rc;
}

/* The responder answered with only an error or a COOKIE. */
static bool restart_or_fail(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_notify *n;
	struct wire_span cookie;
	uint16_t group;
	char buf[64];

	n = wire_msg_notify(in->m, IKEV2_N_COOKIE);
	if (n && wire_notify_cookie(n, &cookie) == 0) {
		if (++sa->init_retries > SA_INIT_MAX_RETRIES)
			goto fail;
		memcpy(sa->cookie, cookie.p, cookie.len);
		sa->cookie_len = cookie.len;
		sa_log(sa, LOG_LVL_INFO, "received COOKIE, retrying");
		if (sa_init_start(sa) != 0)
			goto fail;
		return true;
	}
	n = wire_msg_notify(in->m, IKEV2_N_INVALID_KE_PAYLOAD);
	if (n && wire_notify_invalid_ke(n, &group) == 0) {
		bool allowed = false;

		for (size_t i = 0; i < sa->conn->ike.n; i++)
			for (uint8_t j = 0; j < sa->conn->ike.p[i].n_dh; j++)
				allowed |= sa->conn->ike.p[i].dh[j] == group;
		if (!allowed || group == sa->ke_group ||
		    ++sa->init_retries > SA_INIT_MAX_RETRIES) {
			sa_log(sa, LOG_LVL_ERROR,
			       "peer wants key exchange group %u, not allowed", group);
			goto fail;
		}
		sa_log(sa, LOG_LVL_INFO,
		       "peer wants key exchange group %s, retrying",
		       ke_name(group) ? ke_name(group) : "?");
		ke_free(sa->ke);
		sa->ke = NULL;
		sa->ke_group = group;
		if (sa_init_start(sa) != 0)
			goto fail;
		return true;
	}
	n = wire_msg_error_notify(in->m);
	if (n) {
		snprintf(buf, sizeof(buf), "peer says %s",
			 wire_name_notify(n->type) ? wire_name_notify(n->type) : "error");
		sa_log(sa, LOG_LVL_ERROR, "IKE_SA_INIT failed: %s", buf);
		ike_initiate_done(sa, ERR_AUTH, buf);
		sa_destroy(sa, IKE_DOWN_FAILED);
		return true;
	}
	return false;
fail:
	ike_initiate_done(sa, ERR_STATE, "IKE_SA_INIT failed");
	sa_destroy(sa, IKE_DOWN_FAILED);
	return true;
}

void sa_init_process_response(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_payload *psa, *pke, *pno;
	uint8_t gir[KE_MAX_SECRET_LEN];
	size_t gir_len = sizeof(gir);
	uint64_t spi;
	int rc;

	if (restart_or_fail(sa, in))
		return;
	psa = wire_msg_first(in->m, IKEV2_PL_SA);
	pke = wire_msg_first(in->m, IKEV2_PL_KE);
	pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	if (!psa || !pke || !pno || in->m->hdr.spi_r == 0) {
		sa_log(sa, LOG_LVL_ERROR, "IKE_SA_INIT response lacks SA, KE or nonce");
		goto fail;
	}
	if ((rc = negotiate_accept(&sa->conn->ike, IKEV2_PROTO_IKE, &psa->u.sa,
				   false, &sa->suite, &spi)) != 0) {
		sa_log(sa, LOG_LVL_ERROR, "peer chose a proposal we did not offer");
		goto fail;
	}
	if (sa->suite.dh != sa->ke_group || pke->u.ke.group != sa->ke_group) {
		sa_log(sa, LOG_LVL_ERROR, "key exchange group mismatch");
		goto fail;
	}
	sa->spi_r = in->m->hdr.spi_r;
	/* Learn our own address (the socket layer knows the destination). */
	sa->local = in->local;
	sa->peer_certreq = wire_msg_first(in->m, IKEV2_PL_CERTREQ) != NULL;
	memcpy(sa->nr, pno->u.nonce.p, pno->u.nonce.len);
	sa->nr_len = pno->u.nonce.len;
	peer_capabilities(sa, in);
	rc = ke_derive(sa->ke, pke->u.ke.data.p, pke->u.ke.data.len, gir, &gir_len);
	if (rc) {
		sa_log(sa, LOG_LVL_ERROR, "peer key exchange value: %s", err_str(rc));
		goto fail;
	}
	ke_free(sa->ke);
	sa->ke = NULL;
	rc = copy_raw(&sa->init_r, &sa->init_r_len, in->raw, in->len);
	if (rc == 0)
		rc = sa_derive_keys(sa, gir, gir_len, NULL);
	wipe(gir, sizeof(gir));
	if (rc) {
		sa_log(sa, LOG_LVL_ERROR, "key derivation failed: %s", err_str(rc));
		goto fail;
	}
	if (sa->natt && sa->remote.port == IKEV2_PORT) {
		/* RFC 7296 2.23: float to the NAT-T ports. */
		sa->remote.port = IKEV2_NATT_PORT;
		sa->local.port = sa->ike->env.params.natt_port;
	} else if (sa->natt) {
		sa->local.port = sa->ike->env.params.natt_port;
	}
	if ((rc = auth_start(sa)) != 0) {
		sa_log(sa, LOG_LVL_ERROR, "IKE_AUTH: %s", err_str(rc));
		goto fail;
	}
	return;
fail:
	ike_initiate_done(sa, ERR_STATE, "IKE_SA_INIT failed");
	sa_destroy(sa, IKE_DOWN_FAILED);
}

/* ---- responder ---- */

bool sa_init_retransmission(struct ike *ike, struct msg_in *in)
{
	struct wire_hdr h;
	struct ike_sa *sa;

	wire_hdr_parse(&h, in->raw, in->len);
	sa = sa_find_half_open(ike, h.spi_i, &in->remote);
	if (!sa)
		return false;
	/* The same bytes as the request we answered: the same answer. */
	if (sa->have_resp && sa->resp_msgid == 0 &&
	    hmap_siphash(ike->hash_key, in->raw, in->len) == sa->resp_req_hash) {
		ike->stats.rx_retransmits++;
		msg_resend_response(sa);
	}
	return true;
}

int sa_init_admit(struct ike *ike, struct msg_in *in, const struct wire_span *ni)
{
	const struct ike_params *par = &ike->env.params;
	const struct wire_payload *first;
	uint8_t cookie[WIRE_COOKIE_MAX];
	size_t cookie_len;
	struct wire_span got;

	/* Hard caps before anything else. */
	if (ike->stats.half_open >= par->max_half_open) {
		ike->stats.dropped_half_open++;
		return 1;
	}
	if (ike->stats.ike_sas >= par->max_ike_sas || ike->shutting_down) {
		ike->stats.dropped_sa_limit++;
		return 1;
	}
	if (ike->stats.half_open < par->cookie_threshold)
		return 0;
	/* Under load, demand a cookie: stateless, no DH yet. */
	first = in->m->npayloads ? &in->m->pl[0] : NULL;
	if (first && first->type == IKEV2_PL_NOTIFY &&
	    first->u.notify.type == IKEV2_N_COOKIE &&
	    wire_notify_cookie(&first->u.notify, &got) == 0 &&
	    cookie_check(ike, &got, ni, &in->remote, in->m->hdr.spi_i))
		return 0;
	if (first && first->type == IKEV2_PL_NOTIFY &&
	    first->u.notify.type == IKEV2_N_COOKIE)
		ike->stats.cookies_rejected++;
	if (cookie_make(ike, ni, &in->remote, in->m->hdr.spi_i, cookie,
			&cookie_len) == 0) {
		ike->stats.cookies_sent++;
		msg_send_plain_notify(ike, &in->m->hdr, &in->local, &in->remote,
				      IKEV2_N_COOKIE, cookie, cookie_len);
	}
	return 1;
}

/* First connection whose addresses match and whose proposals accept. */
static const struct config_conn *choose_conn(struct ike *ike, struct msg_in *in,
					     const struct wire_sa *offer,
					     uint16_t ke_group,
					     struct ike_suite *suite, uint8_t *num,
					     bool *addr_match)
{
	const struct config *cfg = ike->cfg->cfg;
	uint64_t spi;

	*addr_match = false;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *c = &cfg->conns[i];

		if (!sa_init_conn_matches(c, &in->local, &in->remote))
			continue;
		*addr_match = true;
		if (negotiate_select(&c->ike, IKEV2_PROTO_IKE, offer, ke_group,
				     suite, num, &spi) == 0)
			return c;
	}
	return NULL;
}

static void reply_plain(struct ike *ike, struct msg_in *in, uint16_t type,
			const void *data, size_t len)
{
	msg_send_plain_notify(ike, &in->m->hdr, &in->local, &in->remote, type,
			      data, len);
}

void sa_init_respond(struct ike *ike, struct msg_in *in)
{
	const struct ike_params *par = &ike->env.params;
	const struct wire_payload *psa, *pke, *pno;
	const struct config_conn *conn;
	struct ike_suite suite;
	struct ike_sa *sa;
	struct msg_out o;
	struct wire_ke ke;
	struct wire_span nonce;
	uint8_t gir[KE_MAX_SECRET_LEN], num;
	size_t gir_len = sizeof(gir);
	bool addr_match;
	char ab[ADDR_STRLEN];
	int rc;

	if (sa_init_retransmission(ike, in))
		return;
	if ((rc = wire_msg_parse(in->m, in->raw, in->len, NULL)) != 0) {
		ike->stats.rx_invalid++;
		ike_log_rl(ike, LOG_LVL_INFO, "%s: malformed IKE_SA_INIT: %s",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)), err_str(rc));
		return;
	}
	psa = wire_msg_first(in->m, IKEV2_PL_SA);
	pke = wire_msg_first(in->m, IKEV2_PL_KE);
	pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	if (!psa || !pke || !pno || in->m->hdr.msg_id != 0) {
		ike->stats.rx_invalid++;
		ike_log_rl(ike, LOG_LVL_INFO, "%s: IKE_SA_INIT without SA, KE or nonce",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)));
		return;
	}
	if (sa_init_admit(ike, in, &pno->u.nonce) != 0)
		return;
	conn = choose_conn(ike, in, &psa->u.sa, pke->u.ke.group, &suite, &num,
			   &addr_match);
	if (!conn) {
		ike_log_rl(ike, LOG_LVL_INFO, "%s: %s",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)),
			   addr_match ? "no acceptable IKE proposal"
				      : "no connection for these addresses");
		reply_plain(ike, in, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (suite.dh != pke->u.ke.group) {
		uint8_t g[2] = { (uint8_t)(suite.dh >> 8), (uint8_t)suite.dh };

		reply_plain(ike, in, IKEV2_N_INVALID_KE_PAYLOAD, g, sizeof(g));
		return;
	}
	if (ke_check_peer(suite.dh, pke->u.ke.data.p, pke->u.ke.data.len) != 0) {
		ike_log_rl(ike, LOG_LVL_INFO, "%s: invalid key exchange value",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)));
		reply_plain(ike, in, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return;
	}

	/* Worth state now. */
	sa = sa_new(ike, false);
	if (!sa) {
		ike->stats.dropped_sa_limit++;
		return;
	}
	sa_use_config(sa, ike->cfg, conn);
	sa->spi_i = in->m->hdr.spi_i;
	sa->local = in->local;
	sa->remote = in->remote;
	sa->suite = suite;
	sa->peer_msgid = 1;
	memcpy(sa->ni, pno->u.nonce.p, pno->u.nonce.len);
	sa->ni_len = pno->u.nonce.len;
	sa->nr_len = IKE_NONCE_LEN;
	if (conn->local.id_set)
		sa->local_id = conn->local.id;
	rc = ike_random(ike, sa->nr, sa->nr_len);
	if (rc == 0 && !(sa->ke = ike_ke_new(ike, suite.dh)))
		rc = ERR_CRYPTO;
	if (rc == 0)
		rc = ke_derive(sa->ke, pke->u.ke.data.p, pke->u.ke.data.len, gir,
			       &gir_len);
	if (rc == 0)
		rc = copy_raw(&sa->init_i, &sa->init_i_len, in->raw, in->len);
	if (rc == 0)
		rc = sa_derive_keys(sa, gir, gir_len, NULL);
	wipe(gir, sizeof(gir));
	if (rc)
		goto fail;
	peer_capabilities(sa, in);

	ke.group = suite.dh;
	ke.data.p = ke_public(sa->ke, &ke.data.len);
	nonce.p = sa->nr;
	nonce.len = sa->nr_len;
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_IKE_SA_INIT, true, 0, false)) == 0) {
		rc = negotiate_put_choice(&o.b, &suite, IKEV2_PROTO_IKE, num, 0);
		if (rc == 0)
			rc = wire_put_ke(&o.b, &ke);
		if (rc == 0)
			rc = wire_put_nonce(&o.b, &nonce);
		if (rc == 0)
			rc = put_common_notifies(sa, &o.b);
		if (rc == 0)
			rc = sa_init_put_certreq(sa, &o.b);
		if (rc == 0)
			rc = msg_out_send(&o, TASK_NONE, 0);
		else
			msg_out_abort(&o);
	}
	if (rc)
		goto fail;
	ke_free(sa->ke);
	sa->ke = NULL;
	sa->resp_req_hash = hmap_siphash(ike->hash_key, in->raw, in->len);
	if ((rc = copy_raw(&sa->init_r, &sa->init_r_len, sa->resp.buf,
			   sa->resp.len[0])) != 0)
		goto fail;
	sa_set_state(sa, IKE_SA_HALF_OPEN);
	sa_half_open_add(sa);
	ike_arm(ike, &sa->t_expire, par->half_open_timeout_us);
	sa_log(sa, LOG_LVL_DEBUG, "IKE_SA_INIT from %s answered",
	       addr_fmt(&in->remote, true, ab, sizeof(ab)));
	return;
fail:
	sa_log(sa, LOG_LVL_ERROR, "IKE_SA_INIT response failed: %s", err_str(rc));
	sa_destroy(sa, IKE_DOWN_FAILED);
}
