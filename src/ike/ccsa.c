/*
 * ccsa.c - the CREATE_CHILD_SA exchange: dispatch of requests to child
 * rekey, IKE rekey or a new Child SA, and the new-Child-SA task in both
 * roles (RFC 7296 1.3, 1.3.1).
 *
 * A request on an IKE SA that is being deleted or replaced is refused
 * with TEMPORARY_FAILURE (2.25), so the peer retries on the new SA.
 */
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/ke.h"
#include "ike/internal.h"

int ccsa_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

void ccsa_process_request(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_notify *rekey = wire_msg_notify(in->m, IKEV2_N_REKEY_SA);
	const struct wire_payload *psa = wire_msg_first(in->m, IKEV2_PL_SA);
	struct msg_out o;
	uint8_t nr[IKE_NONCE_LEN];
	size_t nr_len;

	if (sa->state != IKE_SA_ESTABLISHED) {
		msg_reply_notify(sa, in, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (psa && psa->u.sa.nproposals &&
	    psa->u.sa.proposals[0].proto == IKEV2_PROTO_IKE) {
		ike_rekey_respond(sa, in);
		return;
	}
	if (rekey) {
		child_rekey_respond(sa, in, rekey);
		return;
	}
	if (msg_out_begin(&o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true,
			  in->m->hdr.msg_id, true) != 0)
		return;
	ccsa_child_respond(sa, in, &o.b, nr, &nr_len);
	msg_out_send(&o, TASK_NONE, 0);
	wipe(nr, sizeof(nr));
}

struct child_sa *ccsa_child_respond(struct ike_sa *sa, struct msg_in *in,
				    struct wire_builder *b, uint8_t *nr,
				    size_t *nr_len)
{
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	const struct wire_payload *pke = wire_msg_first(in->m, IKEV2_PL_KE);
	uint8_t gir[KE_MAX_SECRET_LEN];
	size_t gir_len = 0;
	struct ke *ke = NULL;
	struct child_sa *c = NULL;
	struct wire_span nonce;
	uint16_t group = 0;

	if (!pno) {
		wire_put_notify_data(b, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return NULL;
	}
	*nr_len = IKE_NONCE_LEN;
	if (ike_random(sa->ike, nr, *nr_len) != 0)
		return NULL;
	if (pke) {
		group = pke->u.ke.group;
		gir_len = sizeof(gir);
		ke = ke_supported(group) ? ike_ke_new(sa->ike, group) : NULL;
		if (!ke || ke_derive(ke, pke->u.ke.data.p, pke->u.ke.data.len,
				     gir, &gir_len) != 0) {
			/* Unsupported group or bad value: let selection ask
			 * for a group we like, or refuse the syntax. */
			ke_free(ke);
			ke = NULL;
			gir_len = 0;
			if (ke_supported(group)) {
				wire_put_notify_data(b, IKEV2_N_INVALID_SYNTAX, NULL, 0);
				return NULL;
			}
		}
	}
	c = child_create_respond(sa, in, b, ke ? group : 0, gir, gir_len,
				 pno->u.nonce.p, pno->u.nonce.len, nr, *nr_len);
	if (c) {
		nonce.p = nr;
		nonce.len = *nr_len;
		wire_put_nonce(b, &nonce);
		if (ke && c->suite.dh) {
			struct wire_ke wk = { .group = group };

			wk.data.p = ke_public(ke, &wk.data.len);
			wire_put_ke(b, &wk);
		}
	}
	ke_free(ke);
	wipe(gir, sizeof(gir));
	return c;
}

int ccsa_child_start(struct ike_sa *sa, const struct config_child *cfg)
{
	uint16_t pfs = negotiate_first_dh(&cfg->esp);
	struct wire_span nonce = { sa->ccsa_ni, IKE_NONCE_LEN };
	struct msg_out o;
	int rc;

	if ((rc = child_alloc_spi(sa, &sa->ccsa_spi)) != 0)
		return rc;
	if ((rc = ike_random(sa->ike, sa->ccsa_ni, IKE_NONCE_LEN)) != 0)
		return rc;
	ke_free(sa->ccsa_ke);
	sa->ccsa_ke = NULL;
	if (pfs && !(sa->ccsa_ke = ike_ke_new(sa->ike, pfs)))
		return ERR_CRYPTO;
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_CREATE_CHILD_SA, false,
				sa->my_msgid, true)) != 0)
		return rc;
	rc = child_create_put_request(sa, &o.b, cfg, sa->ccsa_spi, pfs != 0);
	if (rc == 0)
		rc = wire_put_nonce(&o.b, &nonce);
	if (rc == 0 && sa->ccsa_ke) {
		struct wire_ke wk = { .group = pfs };

		wk.data.p = ke_public(sa->ccsa_ke, &wk.data.len);
		rc = wire_put_ke(&o.b, &wk);
	}
	if (rc) {
		msg_out_abort(&o);
		return rc;
	}
	sa->ccsa_child = cfg;
	return msg_out_send(&o, TASK_CHILD_CREATE, 0);
}

void ccsa_child_process_response(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_payload *pno = wire_msg_first(in->m, IKEV2_PL_NONCE);
	const struct wire_payload *pke = wire_msg_first(in->m, IKEV2_PL_KE);
	uint8_t gir[KE_MAX_SECRET_LEN];
	size_t gir_len = 0;
	const struct config_child *cfg = sa->ccsa_child;

	sa->ccsa_child = NULL;
	if (!cfg)
		return;
	if (!pno) {
		sa_log(sa, LOG_LVL_INFO, "CREATE_CHILD_SA failed");
		goto out;
	}
	if (pke && sa->ccsa_ke) {
		gir_len = sizeof(gir);
		if (pke->u.ke.group != ke_group(sa->ccsa_ke) ||
		    ke_derive(sa->ccsa_ke, pke->u.ke.data.p, pke->u.ke.data.len,
			      gir, &gir_len) != 0)
			goto out;
	}
	child_create_process_response(sa, in, cfg, sa->ccsa_spi, false,
				      gir_len ? gir : NULL, gir_len,
				      sa->ccsa_ni, IKE_NONCE_LEN,
				      pno->u.nonce.p, pno->u.nonce.len);
out:
	ke_free(sa->ccsa_ke);
	sa->ccsa_ke = NULL;
	wipe(gir, sizeof(gir));
}
