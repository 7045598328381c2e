/*
 * child_create.c - setting up a Child SA: the SA/TSi/TSr part of IKE_AUTH
 * and of CREATE_CHILD_SA, both roles (RFC 7296 1.3.1, 2.9, 2.17).
 *
 * "dynamic" selectors stand for the outer address of their side, except
 * that a client asking for a virtual IP proposes the whole address space
 * for itself and the gateway narrows it to the address it leased.
 */
#include <string.h>

#include "common/err.h"
#include "ike/internal.h"

int child_create_our_ts(struct ike_sa *sa, const struct config_child *cfg,
			struct dp_ts *tsi, uint8_t *ni, struct dp_ts *tsr,
			uint8_t *nr)
{
	const struct addr *self = &sa->local;
	bool any = false;
	int rc;

	/* A client asking for a virtual IP lets the gateway narrow to it. */
	if (sa->initiator && sa->conn && sa->conn->n_vips) {
		if (sa->has_vip)
			self = &sa->vip;
		else {
			self = &sa->conn->vips[0];
			any = true;
		}
	}
	rc = ts_from_config(cfg->local_ts, cfg->n_local_ts, self, any, tsi, ni);
	if (rc == 0)
		rc = ts_from_config(cfg->remote_ts, cfg->n_remote_ts, &sa->remote,
				    false, tsr, nr);
	return rc;
}

int child_create_put_request(struct ike_sa *sa, struct wire_builder *b,
			     const struct config_child *cfg, uint32_t spi_in,
			     bool with_dh)
{
	struct dp_ts tsi[DP_MAX_TS], tsr[DP_MAX_TS];
	uint8_t ni = 0, nr = 0;
	int rc;

	if ((rc = child_create_our_ts(sa, cfg, tsi, &ni, tsr, &nr)) != 0)
		return rc;
	rc = negotiate_put_offer(b, &cfg->esp, IKEV2_PROTO_ESP, spi_in, with_dh);
	if (rc == 0)
		rc = ts_put(b, IKEV2_PL_TSI, tsi, ni);
	if (rc == 0)
		rc = ts_put(b, IKEV2_PL_TSR, tsr, nr);
	return rc;
}

/* The selectors the responder allows for cfg (TSi: peer side, TSr: ours). */
static int allowed_ts(struct ike_sa *sa, const struct config_child *cfg,
		      struct dp_ts *tsi, uint8_t *ni, struct dp_ts *tsr,
		      uint8_t *nr)
{
	const struct addr *peer = sa->has_vip ? &sa->vip : &sa->remote;
	int rc = ts_from_config(cfg->remote_ts, cfg->n_remote_ts, peer, false,
				tsi, ni);

	if (rc == 0)
		rc = ts_from_config(cfg->local_ts, cfg->n_local_ts, &sa->local,
				    false, tsr, nr);
	return rc;
}

struct child_sa *child_create_respond(struct ike_sa *sa, struct msg_in *in,
				      struct wire_builder *b, uint16_t ke_group,
				      const uint8_t *gir, size_t gir_len,
				      const uint8_t *ni, size_t ni_len,
				      const uint8_t *nr, size_t nr_len)
{
	const struct wire_payload *psa = NULL, *ptsi, *ptsr;
	const struct config_conn *conn = sa->conn;
	const struct config_child *cfg = NULL;
	struct dp_ts ai[DP_MAX_TS], ar[DP_MAX_TS], gi[DP_MAX_TS], gr[DP_MAX_TS];
	uint8_t nai, nar, ngi = 0, ngr = 0, num = 0;
	uint16_t error = IKEV2_N_TS_UNACCEPTABLE;
	struct ike_suite suite;
	struct child_sa *c;
	uint64_t spi_out = 0;
	uint32_t spi_in;

	for (const struct wire_payload *p = wire_msg_first(in->m, IKEV2_PL_SA); p;
	     p = wire_msg_next(in->m, p, IKEV2_PL_SA))
		psa = p;
	ptsi = wire_msg_first(in->m, IKEV2_PL_TSI);
	ptsr = wire_msg_first(in->m, IKEV2_PL_TSR);
	if (!psa || !ptsi || !ptsr || !conn) {
		wire_put_notify_data(b, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return NULL;
	}
	for (size_t i = 0; i < conn->n_children && !cfg; i++) {
		const struct config_child *cc = &conn->children[i];

		if (allowed_ts(sa, cc, ai, &nai, ar, &nar) != 0 ||
		    ts_narrow(&ptsi->u.ts, ai, nai, gi, &ngi) != 0 ||
		    ts_narrow(&ptsr->u.ts, ar, nar, gr, &ngr) != 0)
			continue;
		if (negotiate_select(&cc->esp, IKEV2_PROTO_ESP, &psa->u.sa,
				     ke_group ? ke_group : 0, &suite, &num,
				     &spi_out) != 0) {
			error = IKEV2_N_NO_PROPOSAL_CHOSEN;
			continue;
		}
		cfg = cc;
	}
	if (!cfg) {
		sa_log(sa, LOG_LVL_INFO, "no acceptable CHILD_SA: %s",
		       error == IKEV2_N_NO_PROPOSAL_CHOSEN ? "no proposal"
							   : "traffic selectors");
		wire_put_notify_data(b, error, NULL, 0);
		return NULL;
	}
	if (ke_group != NEGOTIATE_NO_DH && suite.dh != IKEV2_DH_NONE &&
	    suite.dh != ke_group) {
		wire_put_notify_invalid_ke(b, suite.dh);
		return NULL;
	}
	if (spi_out < 256 || spi_out > UINT32_MAX ||
	    child_alloc_spi(sa, &spi_in) != 0 || !(c = child_new(sa, cfg))) {
		wire_put_notify_data(b, IKEV2_N_NO_ADDITIONAL_SAS, NULL, 0);
		return NULL;
	}
	c->spi_in = spi_in;
	c->spi_out = (uint32_t)spi_out;
	c->suite = suite;
	memcpy(c->remote_ts, gi, sizeof(gi[0]) * ngi);
	c->n_remote_ts = ngi;
	memcpy(c->local_ts, gr, sizeof(gr[0]) * ngr);
	c->n_local_ts = ngr;
	if (child_install(c, false, suite.dh ? gir : NULL, suite.dh ? gir_len : 0,
			  ni, ni_len, nr, nr_len) != 0) {
		child_free(c);
		wire_put_notify_data(b, IKEV2_N_NO_ADDITIONAL_SAS, NULL, 0);
		return NULL;
	}
	if (negotiate_put_choice(b, &suite, IKEV2_PROTO_ESP, num, spi_in) != 0 ||
	    ts_put(b, IKEV2_PL_TSI, gi, ngi) != 0 ||
	    ts_put(b, IKEV2_PL_TSR, gr, ngr) != 0) {
		child_destroy(c);
		return NULL;
	}
	return c;
}

struct child_sa *child_create_process_response(struct ike_sa *sa,
					       struct msg_in *in,
					       const struct config_child *cfg,
					       uint32_t spi_in, bool no_dh,
					       const uint8_t *gir, size_t gir_len,
					       const uint8_t *ni, size_t ni_len,
					       const uint8_t *nr, size_t nr_len)
{
	const struct wire_payload *psa = wire_msg_first(in->m, IKEV2_PL_SA);
	const struct wire_payload *ptsi = wire_msg_first(in->m, IKEV2_PL_TSI);
	const struct wire_payload *ptsr = wire_msg_first(in->m, IKEV2_PL_TSR);
	struct dp_ts mi[DP_MAX_TS], mr[DP_MAX_TS], gi[DP_MAX_TS], gr[DP_MAX_TS];
	uint8_t nmi = 0, nmr = 0, ngi = 0, ngr = 0;
	struct ike_suite suite;
	struct child_sa *c;
	uint64_t spi_out;
	int rc;

	if (!psa || !ptsi || !ptsr) {
		const struct wire_notify *n = wire_msg_error_notify(in->m);

		sa_log(sa, LOG_LVL_INFO, "no CHILD_SA built: %s",
		       n && wire_name_notify(n->type) ? wire_name_notify(n->type)
						       : "SA/TS missing");
		return NULL;
	}
	if (negotiate_accept(&cfg->esp, IKEV2_PROTO_ESP, &psa->u.sa, no_dh,
			     &suite, &spi_out) != 0 ||
	    spi_out < 256 || spi_out > UINT32_MAX) {
		sa_log(sa, LOG_LVL_ERROR, "peer chose an ESP proposal we did not offer");
		return NULL;
	}
	if ((rc = child_create_our_ts(sa, cfg, mi, &nmi, mr, &nmr)) != 0 ||
	    ts_accept(&ptsi->u.ts, mi, nmi, gi, &ngi) != 0 ||
	    ts_accept(&ptsr->u.ts, mr, nmr, gr, &ngr) != 0) {
		sa_log(sa, LOG_LVL_ERROR, "peer's traffic selectors are not a subset of ours");
		return NULL;
	}
	if (!(c = child_new(sa, cfg)))
		return NULL;
	c->spi_in = spi_in;
	c->spi_out = (uint32_t)spi_out;
	c->suite = suite;
	memcpy(c->local_ts, gi, sizeof(gi[0]) * ngi);
	c->n_local_ts = ngi;
	memcpy(c->remote_ts, gr, sizeof(gr[0]) * ngr);
	c->n_remote_ts = ngr;
	if (child_install(c, true, suite.dh ? gir : NULL, suite.dh ? gir_len : 0,
			  ni, ni_len, nr, nr_len) != 0) {
		child_free(c);
		return NULL;
	}
	return c;
}
