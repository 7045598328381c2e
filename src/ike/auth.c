/*
 * auth.c - the IKE_AUTH exchange, both roles (RFC 7296 1.2, 2.15, 3.5,
 * 3.8; RFC 7427 signatures).
 *
 * Authentication data covers the peer's first message, our nonce and a MAC
 * of the identity payload (2.15):
 *   initiator: RealMessage1 | Nr | prf(SK_pi, IDi body)
 *   responder: RealMessage2 | Ni | prf(SK_pr, IDr body)
 * PSK:        AUTH = prf(prf(secret, "Key Pad for IKEv2"), octets)
 * Signature:  AUTH method 14 (RFC 7427) when the peer announced hash
 *             algorithms, else the legacy ECDSA methods.
 * The responder picks the connection once the identities are known (the
 * best identity match among connections whose addresses and IKE proposals
 * fit), verifies, and only then does the Child SA and configuration work.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/hash.h"
#include "crypto/prf.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "ike/certcache.h"
#include "ike/internal.h"

#define KEY_PAD "Key Pad for IKEv2"
#define KEY_PAD_LEN 17

/* Octets to sign: message | nonce | prf(SK_p, ID body).  Caller frees. */
static uint8_t *signed_octets(struct ike_sa *sa, bool of_initiator,
			      const struct wire_span *id_body, size_t *len)
{
	const uint8_t *msg = of_initiator ? sa->init_i : sa->init_r;
	size_t msg_len = of_initiator ? sa->init_i_len : sa->init_r_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nonce_len = of_initiator ? sa->nr_len : sa->ni_len;
	const struct kdf_key *skp = of_initiator ? &sa->sk_pi : &sa->sk_pr;
	size_t plen = prf_out_len(sa->suite.prf);
	struct crypto_span body = { id_body->p, id_body->len };
	uint8_t *out;

	if (!msg || !plen)
		return NULL;
	out = malloc(msg_len + nonce_len + plen);
	if (!out)
		return NULL;
	memcpy(out, msg, msg_len);
	memcpy(out + msg_len, nonce, nonce_len);
	if (prf_once(sa->suite.prf, skp->b, skp->len, &body, 1,
		     out + msg_len + nonce_len) != 0) {
		free(out);
		return NULL;
	}
	*len = msg_len + nonce_len + plen;
	return out;
}

static int psk_auth(uint16_t prf_id, const struct config_psk *psk,
		    const uint8_t *octets, size_t len, uint8_t *out)
{
	uint8_t inner[PRF_MAX_LEN];
	struct crypto_span pad = { (const uint8_t *)KEY_PAD, KEY_PAD_LEN };
	struct crypto_span msg = { octets, len };
	int rc;

	rc = prf_once(prf_id, psk->secret, psk->secret_len, &pad, 1, inner);
	if (rc == 0)
		rc = prf_once(prf_id, inner, prf_out_len(prf_id), &msg, 1, out);
	wipe(inner, sizeof(inner));
	return rc;
}

/* The identity we present under conn (configured, or derived). */
static void local_identity(struct ike_sa *sa, const struct config_conn *c,
			   const struct x509_cert *cert)
{
	if (c->local.id_set) {
		sa->local_id = c->local.id;
		return;
	}
	if (cert) {
		size_t len;
		const uint8_t *dn = x509_cert_subject_der(cert, &len);

		if (dn && ident_from_wire(IKEV2_ID_DER_ASN1_DN, dn, len,
					  &sa->local_id) == 0)
			return;
	}
	ident_from_wire(sa->local.family == ADDR_IPV6 ? IKEV2_ID_IPV6_ADDR
						     : IKEV2_ID_IPV4_ADDR,
			sa->local.ip, addr_len(&sa->local), &sa->local_id);
}

static const struct x509_cert *local_cert(struct ike_sa *sa,
					  const struct config_conn *c);

void auth_local_identity(struct ike_sa *sa, const struct config_conn *c)
{
	local_identity(sa, c, local_cert(sa, c));
}

static const struct x509_cert *local_cert(struct ike_sa *sa,
					  const struct config_conn *c)
{
	if (c->local.method != CONFIG_AUTH_PUBKEY || !c->local.n_certs)
		return NULL;
	return creds_cert(sa->cfg->creds, c->local.certs[0]);
}

static uint16_t pick_hash(const struct ike_sa *sa, enum sign_key_type t)
{
	static const uint16_t order[] = { IKEV2_HASH_SHA2_256, IKEV2_HASH_SHA2_384,
					  IKEV2_HASH_SHA2_512 };

	if (t == SIGN_KEY_ED25519)
		return (sa->peer_hash_algs & (1u << IKEV2_HASH_IDENTITY))
			? IKEV2_HASH_IDENTITY : 0;
	if (t == SIGN_KEY_ECDSA_P384 &&
	    (sa->peer_hash_algs & (1u << IKEV2_HASH_SHA2_384)))
		return IKEV2_HASH_SHA2_384;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (sa->peer_hash_algs & (1u << order[i]))
			return order[i];
	return 0;
}

/*
 * Put [CERT], AUTH for our side.  id_body is the body of the ID payload we
 * send.  Fails with ERR_NOTFOUND (no secret/key) or crypto errors.
 */
static int put_auth(struct ike_sa *sa, const struct config_conn *c,
		    struct wire_builder *b, const struct wire_span *id_body,
		    const struct ident *peer_pattern)
{
	uint8_t *octets, authbuf[SIGN_MAX_AUTH_LEN];
	struct wire_auth auth;
	size_t olen = 0, alen = 0;
	int rc;

	octets = signed_octets(sa, sa->initiator, id_body, &olen);
	if (!octets)
		return ERR_NOMEM;
	if (c->local.method == CONFIG_AUTH_PSK) {
		const struct config_psk *psk = config_psk_lookup(
			sa->cfg->cfg, &sa->local_id,
			peer_pattern ? peer_pattern->type : IDENT_ANY,
			peer_pattern ? peer_pattern->data : NULL,
			peer_pattern ? peer_pattern->len : 0);

		if (!psk) {
			sa_log(sa, LOG_LVL_ERROR, "no pre-shared key found");
			rc = ERR_NOTFOUND;
			goto out;
		}
		auth.method = IKEV2_AUTH_PSK;
		rc = psk_auth(sa->suite.prf, psk, octets, olen, authbuf);
		alen = prf_out_len(sa->suite.prf);
	} else {
		const struct x509_cert *cert = local_cert(sa, c);
		const struct sign_key *key = cert ?
			creds_key_for_cert(sa->cfg->creds, cert) : NULL;
		enum sign_key_type kt;
		uint16_t hash;

		if (!key) {
			sa_log(sa, LOG_LVL_ERROR, "no certificate/private key to sign with");
			rc = ERR_NOTFOUND;
			goto out;
		}
		if (c->send_cert == CONFIG_SEND_CERT_ALWAYS ||
		    (c->send_cert == CONFIG_SEND_CERT_IFASKED && sa->peer_certreq)) {
			struct wire_cert wc = { .encoding = IKEV2_CERT_X509_SIGNATURE };

			wc.data.p = x509_cert_der(cert, &wc.data.len);
			if ((rc = wire_put_cert(b, &wc)) != 0)
				goto out;
		}
		kt = sign_key_type(key);
		hash = pick_hash(sa, kt);
		if (hash) {
			enum sign_alg alg = sign_alg_choose(kt, hash, false);

			auth.method = IKEV2_AUTH_DIGITAL_SIGNATURE;
			rc = sign_auth_build(key, alg, octets, olen, authbuf,
					     sizeof(authbuf), &alen);
		} else if (kt == SIGN_KEY_ECDSA_P256 || kt == SIGN_KEY_ECDSA_P384) {
			auth.method = kt == SIGN_KEY_ECDSA_P256 ?
				IKEV2_AUTH_ECDSA_256 : IKEV2_AUTH_ECDSA_384;
			rc = sign_legacy_build(key, auth.method, octets, olen,
					       authbuf, sizeof(authbuf), &alen);
		} else {
			sa_log(sa, LOG_LVL_ERROR,
			       "peer announced no signature hash algorithm for a %s key",
			       sign_key_type_name(kt));
			rc = ERR_UNSUPPORTED;
		}
	}
	if (rc == 0) {
		auth.data.p = authbuf;
		auth.data.len = alen;
		rc = wire_put_auth(b, &auth);
	}
out:
	wipe(authbuf, sizeof(authbuf));
	free(octets);
	return rc;
}

/* Earliest notAfter over a chain, as seconds. */
static int64_t chain_not_after(struct x509_cert *const *certs, size_t n)
{
	int64_t end = INT64_MAX, nb, na;

	for (size_t i = 0; i < n; i++)
		if (x509_cert_validity(certs[i], &nb, &na) == 0 && na < end)
			end = na;
	return end;
}

/*
 * The peer's public key: from its CERT payloads (chain verified against
 * the connection's CAs, or found verified in the engine's certificate
 * cache), else from remote.certs in the configuration; and the identity
 * must be in the certificate.  *pub is borrowed (cache or *owned); free
 * *owned after use.
 */
static int peer_pubkey(struct ike_sa *sa, const struct config_conn *c,
		       const struct msg_in *in, const struct wire_id *id,
		       const struct sign_pub **pub, struct sign_pub **owned)
{
	const struct x509_cert *inter[X509_MAX_INTERMEDIATES];
	struct x509_cert *certs[X509_MAX_INTERMEDIATES + 1] = { 0 };
	struct crypto_span ders[X509_MAX_INTERMEDIATES + 1];
	const struct x509_store *store = creds_cas(sa->cfg->creds, c->name);
	const struct x509_cert *leaf = NULL;
	const struct wire_payload *p;
	uint8_t key[CERTCACHE_KEY_LEN];
	int64_t now = (int64_t)(ike_wall(sa->ike) / CLOCK_US_PER_SEC);
	const char *why = NULL;
	size_t n = 0, nd = 0;
	int rc = 0;

	*pub = NULL;
	*owned = NULL;
	for (p = wire_msg_first(in->m, IKEV2_PL_CERT); p;
	     p = wire_msg_next(in->m, p, IKEV2_PL_CERT)) {
		if (p->u.cert.encoding != IKEV2_CERT_X509_SIGNATURE)
			continue;
		if (nd > X509_MAX_INTERMEDIATES)
			return ERR_LIMIT;
		ders[nd].p = p->u.cert.data.p;
		ders[nd++].len = p->u.cert.data.len;
	}
	/* A chain this engine verified before: no parsing, no verifying. */
	if (nd && hash_compute(HASH_SHA256, ders, nd, key) == 0 &&
	    certcache_find(sa->ike->certs, key, sa->cfg->gen, store, now, &leaf,
			   pub) == 0) {
		if (x509_cert_match_id(leaf, id->type, id->data.p, id->data.len) != 0) {
			sa_log(sa, LOG_LVL_INFO, "peer identity not in its certificate");
			*pub = NULL;
			return ERR_CERT;
		}
		goto key_type;
	}
	for (size_t i = 0; i < nd && rc == 0; i++) {
		rc = x509_cert_load_mem(ders[i].p, ders[i].len, &certs[n]);
		if (rc == 0)
			n++;
	}
	if (rc)
		goto out;
	if (n) {
		leaf = certs[0];
		for (size_t i = 1; i < n; i++)
			inter[i - 1] = certs[i];
	} else if (c->remote.n_certs) {
		leaf = creds_cert(sa->cfg->creds, c->remote.certs[0]);
	}
	if (!leaf) {
		sa_log(sa, LOG_LVL_INFO, "peer sent no certificate");
		rc = ERR_CERT;
		goto out;
	}
	if (n) {
		rc = x509_verify(store, leaf, inter, n - 1, now, &why);
		if (rc) {
			sa_log(sa, LOG_LVL_INFO, "peer certificate rejected: %s",
			       why ? why : err_str(rc));
			goto out;
		}
	}
	if (x509_cert_match_id(leaf, id->type, id->data.p, id->data.len) != 0) {
		sa_log(sa, LOG_LVL_INFO, "peer identity not in its certificate");
		rc = ERR_CERT;
		goto out;
	}
	*owned = x509_cert_pub(leaf);
	if (!*owned) {
		rc = ERR_CRYPTO;
		goto out;
	}
	*pub = *owned;
	if (n) {
		/* Keep the verified chain: the cache takes the leaf and key. */
		certcache_add(sa->ike->certs, key, sa->cfg->gen, store,
			      chain_not_after(certs, n), certs[0], *owned);
		certs[0] = NULL;
		*owned = NULL;
	}
key_type:
	if (c->remote.key_type != CONFIG_KEY_ANY) {
		enum sign_key_type t = sign_pub_type(*pub);
		bool ok = (c->remote.key_type == CONFIG_KEY_RSA && t == SIGN_KEY_RSA) ||
			  (c->remote.key_type == CONFIG_KEY_ED25519 && t == SIGN_KEY_ED25519) ||
			  (c->remote.key_type == CONFIG_KEY_ECDSA &&
			   (t == SIGN_KEY_ECDSA_P256 || t == SIGN_KEY_ECDSA_P384));

		if (!ok)
			rc = ERR_CERT;
	}
out:
	for (size_t i = 0; i < n; i++)
		x509_cert_free(certs[i]);
	if (rc) {
		sign_pub_free(*owned);
		*owned = NULL;
		*pub = NULL;
	}
	return rc;
}

/* Verify the peer's AUTH payload under conn.  0 if authentic. */
static int verify_auth(struct ike_sa *sa, const struct config_conn *c,
		       const struct msg_in *in, const struct wire_payload *pid,
		       const struct wire_auth *auth)
{
	uint8_t *octets, want[PRF_MAX_LEN];
	size_t olen = 0;
	int rc;

	octets = signed_octets(sa, !sa->initiator, &pid->body, &olen);
	if (!octets)
		return ERR_NOMEM;
	if (c->remote.method == CONFIG_AUTH_PSK) {
		const struct config_psk *psk = config_psk_lookup(
			sa->cfg->cfg, &sa->local_id, pid->u.id.type,
			pid->u.id.data.p, pid->u.id.data.len);
		size_t plen = prf_out_len(sa->suite.prf);

		if (auth->method != IKEV2_AUTH_PSK || !psk)
			rc = ERR_AUTH;
		else if ((rc = psk_auth(sa->suite.prf, psk, octets, olen, want)) == 0)
			rc = auth->data.len == plen &&
			     crypto_memeq(want, auth->data.p, plen) ? 0 : ERR_AUTH;
	} else {
		const struct sign_pub *pub = NULL;
		struct sign_pub *owned = NULL;

		rc = peer_pubkey(sa, c, in, &pid->u.id, &pub, &owned);
		if (rc == 0) {
			if (auth->method == IKEV2_AUTH_DIGITAL_SIGNATURE)
				rc = sign_auth_verify(pub, auth->data.p, auth->data.len,
						      octets, olen, NULL);
			else if (auth->method == IKEV2_AUTH_ECDSA_256 ||
				 auth->method == IKEV2_AUTH_ECDSA_384 ||
				 auth->method == IKEV2_AUTH_RSA_SIG)
				rc = sign_legacy_verify(pub, auth->method,
							auth->data.p, auth->data.len,
							octets, olen);
			else
				rc = ERR_AUTH;
		}
		sign_pub_free(owned);
	}
	wipe(want, sizeof(want));
	free(octets);
	return rc;
}

int auth_put_id(struct wire_builder *b, uint8_t type, const struct ident *id)
{
	struct wire_id wid = { .type = id->type, .data = { id->data, id->len } };

	return wire_put_id(b, type, &wid);
}

/* Configuration payload: request (client) or reply from a pool (server). */
int auth_cp_request(struct ike_sa *sa, struct wire_builder *b)
{
	struct wire_cp_attr attrs[4];
	struct wire_cp cp = { .type = IKEV2_CFG_REQUEST, .attrs = attrs };
	bool v4 = false, v6 = false;

	for (size_t i = 0; i < sa->conn->n_vips; i++) {
		if (sa->conn->vips[i].family == ADDR_IPV6)
			v6 = true;
		else
			v4 = true;
	}
	if (v4) {
		attrs[cp.nattrs++] = (struct wire_cp_attr){ IKEV2_CFG_INTERNAL_IP4_ADDRESS, { NULL, 0 } };
		attrs[cp.nattrs++] = (struct wire_cp_attr){ IKEV2_CFG_INTERNAL_IP4_DNS, { NULL, 0 } };
	}
	if (v6) {
		attrs[cp.nattrs++] = (struct wire_cp_attr){ IKEV2_CFG_INTERNAL_IP6_ADDRESS, { NULL, 0 } };
		attrs[cp.nattrs++] = (struct wire_cp_attr){ IKEV2_CFG_INTERNAL_IP6_DNS, { NULL, 0 } };
	}
	return cp.nattrs ? wire_put_cp(b, &cp) : 0;
}

/* Returns 1 if a lease was requested but none could be given. */
int auth_cp_reply(struct ike_sa *sa, const struct msg_in *in,
		  struct wire_builder *b)
{
	const struct wire_payload *p = wire_msg_first(in->m, IKEV2_PL_CP);
	struct wire_cp_attr attrs[2 + 8];
	struct wire_cp cp = { .type = IKEV2_CFG_REPLY, .attrs = attrs };
	uint8_t v6val[17];
	uint8_t family = 0;
	const struct config_pool *pool = NULL;

	if (!p || p->u.cp.type != IKEV2_CFG_REQUEST || !sa->conn->n_pools)
		return 0;
	for (uint8_t i = 0; i < p->u.cp.nattrs; i++) {
		if (p->u.cp.attrs[i].type == IKEV2_CFG_INTERNAL_IP4_ADDRESS && !family)
			family = ADDR_IPV4;
		else if (p->u.cp.attrs[i].type == IKEV2_CFG_INTERNAL_IP6_ADDRESS && !family)
			family = ADDR_IPV6;
	}
	if (!family)
		return 0;
	if (pool_lease(sa->ike, sa->conn, &sa->peer_id, family, &sa->vip) != 0)
		return 1;
	sa->has_vip = true;
	for (size_t i = 0; i < sa->conn->n_pools; i++)
		if (addr_range_contains(&sa->conn->pools[i]->addrs, &sa->vip))
			pool = sa->conn->pools[i];
	if (family == ADDR_IPV4) {
		attrs[cp.nattrs++] = (struct wire_cp_attr){
			IKEV2_CFG_INTERNAL_IP4_ADDRESS, { sa->vip.ip, 4 } };
	} else {
		memcpy(v6val, sa->vip.ip, 16);
		v6val[16] = 128;
		attrs[cp.nattrs++] = (struct wire_cp_attr){
			IKEV2_CFG_INTERNAL_IP6_ADDRESS, { v6val, 17 } };
	}
	for (size_t i = 0; pool && i < pool->n_dns && cp.nattrs < 10; i++) {
		const struct addr *d = &pool->dns[i];

		attrs[cp.nattrs++] = (struct wire_cp_attr){
			d->family == ADDR_IPV6 ? IKEV2_CFG_INTERNAL_IP6_DNS
					       : IKEV2_CFG_INTERNAL_IP4_DNS,
			{ d->ip, addr_len(d) } };
	}
	return wire_put_cp(b, &cp) == 0 ? 0 : 1;
}

void auth_cp_take(struct ike_sa *sa, const struct msg_in *in)
{
	const struct wire_payload *p = wire_msg_first(in->m, IKEV2_PL_CP);

	if (!p || p->u.cp.type != IKEV2_CFG_REPLY)
		return;
	for (uint8_t i = 0; i < p->u.cp.nattrs; i++) {
		const struct wire_cp_attr *a = &p->u.cp.attrs[i];

		if (a->type == IKEV2_CFG_INTERNAL_IP4_ADDRESS && a->value.len == 4 &&
		    addr_from_bytes(&sa->vip, a->value.p, 4, 0) == 0) {
			sa->has_vip = true;
			break;
		}
		if (a->type == IKEV2_CFG_INTERNAL_IP6_ADDRESS && a->value.len == 17 &&
		    addr_from_bytes(&sa->vip, a->value.p, 16, 0) == 0) {
			sa->has_vip = true;
			break;
		}
	}
}

/* ---- initiator ---- */

int auth_start(struct ike_sa *sa)
{
	const struct config_conn *c = sa->conn;
	const struct config_child *child = c->n_children ? &c->children[0] : NULL;
	struct ike *ike = sa->ike;
	struct msg_out o;
	uint8_t idbody[4 + IDENT_MAX_LEN];
	struct wire_span body;
	bool first_contact = true;
	int rc;

	local_identity(sa, c, local_cert(sa, c));
	for (struct ike_sa *o2 = ike->all; o2; o2 = o2->next)
		if (o2 != sa && o2->conn == c && o2->state == IKE_SA_ESTABLISHED)
			first_contact = false;
	/* The ID payload body, as AUTH covers it: type, 3 reserved, data. */
	idbody[0] = sa->local_id.type;
	idbody[1] = idbody[2] = idbody[3] = 0;
	memcpy(idbody + 4, sa->local_id.data, sa->local_id.len);
	body.p = idbody;
	body.len = 4 + (size_t)sa->local_id.len;

	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_IKE_AUTH, false, sa->my_msgid,
				true)) != 0)
		return rc;
	rc = auth_put_id(&o.b, IKEV2_PL_IDI, &sa->local_id);
	if (rc == 0)
		rc = sa_init_put_certreq(sa, &o.b);
	if (rc == 0 && c->remote.id_set && !c->remote.id.wildcard &&
	    c->remote.id.type != IDENT_ANY)
		rc = auth_put_id(&o.b, IKEV2_PL_IDR, &c->remote.id);
	if (rc == 0)
		rc = put_auth(sa, c, &o.b, &body,
			      c->remote.id_set ? &c->remote.id : NULL);
	if (rc == 0 && first_contact)
		rc = wire_put_notify_data(&o.b, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	if (rc == 0 && c->n_vips)
		rc = auth_cp_request(sa, &o.b);
	if (rc == 0 && child) {
		if ((rc = child_alloc_spi(sa, &sa->auth_child_spi)) == 0)
			rc = child_create_put_request(sa, &o.b, child,
						      sa->auth_child_spi, false);
		sa->auth_child = child;
	}
	if (rc == 0 && ike->ext.auth_request_put)
		ike->ext.auth_request_put(ike->ext.ctx, sa, &o.b);
	if (rc) {
		msg_out_abort(&o);
		return rc;
	}
	if ((rc = msg_out_send(&o, TASK_AUTH, 0)) != 0)
		return rc;
	sa_set_state(sa, IKE_SA_AUTH_SENT);
	return 0;
}

static const char *notify_name(uint16_t t)
{
	const char *n = wire_name_notify(t);

	return n ? n : "error";
}

void auth_process_response(struct ike_sa *sa, struct msg_in *in)
{
	const struct config_conn *c = sa->conn;
	const struct wire_payload *pid = wire_msg_first(in->m, IKEV2_PL_IDR);
	const struct wire_payload *pauth = wire_msg_first(in->m, IKEV2_PL_AUTH);
	const struct wire_notify *err;
	struct ike *ike = sa->ike;
	char msg[128];
	int rc;

	if (!pid || !pauth) {
		err = wire_msg_error_notify(in->m);
		snprintf(msg, sizeof(msg), "IKE_AUTH failed: peer says %s",
			 err ? notify_name(err->type) : "nothing useful");
		sa_log(sa, LOG_LVL_ERROR, "%s", msg);
		ike_initiate_done(sa, ERR_AUTH, msg);
		sa_destroy(sa, IKE_DOWN_FAILED);
		return;
	}
	if (c->remote.id_set &&
	    ident_match(&c->remote.id, pid->u.id.type, pid->u.id.data.p,
			pid->u.id.data.len) == IDENT_MATCH_NONE) {
		char idb[IDENT_STRLEN];

		sa_log(sa, LOG_LVL_ERROR, "peer identity %s does not match",
		       ident_fmt_wire(pid->u.id.type, pid->u.id.data.p,
				      pid->u.id.data.len, idb, sizeof(idb)));
		rc = ERR_AUTH;
		goto fail;
	}
	if ((rc = verify_auth(sa, c, in, pid, &pauth->u.auth)) != 0) {
		sa_log(sa, LOG_LVL_ERROR, "peer authentication failed: %s",
		       err_str(rc));
		goto fail;
	}
	if (ident_from_wire(pid->u.id.type, pid->u.id.data.p, pid->u.id.data.len,
			    &sa->peer_id) == 0)
		sa->peer_id_set = true;
	sa_peer_id_set(sa);
	auth_cp_take(sa, in);
	sa_established(sa);
	if (sa->auth_child) {
		struct child_sa *ch = child_create_process_response(
			sa, in, sa->auth_child, sa->auth_child_spi, true, NULL, 0,
			sa->ni, sa->ni_len, sa->nr, sa->nr_len);

		sa->auth_child = NULL;
		if (ike->ext.auth_response_process)
			ike->ext.auth_response_process(ike->ext.ctx, sa, in);
		if (!ch) {
			err = wire_msg_error_notify(in->m);
			snprintf(msg, sizeof(msg),
				 "IKE_SA up, CHILD_SA failed: %s",
				 err ? notify_name(err->type) : "bad response");
			ike_initiate_done(sa, ERR_STATE, msg);
			return;
		}
	} else if (ike->ext.auth_response_process) {
		ike->ext.auth_response_process(ike->ext.ctx, sa, in);
	}
	/* Further children of the connection follow with CREATE_CHILD_SA. */
	for (size_t i = 1; i < c->n_children; i++)
		sa_queue(sa, TASK_CHILD_CREATE, i);
	ike_initiate_done(sa, 0, "established");
	return;
fail:
	ike_initiate_done(sa, rc, "IKE_AUTH failed");
	sa_destroy(sa, IKE_DOWN_FAILED);
}

/* ---- responder ---- */

/* The connection for this peer: best identity match among those whose
 * addresses and IKE suite fit.  NULL if none. */
static const struct config_conn *choose_peer_conn(struct ike_sa *sa,
						  const struct msg_in *in,
						  const struct wire_payload *pidi,
						  const struct wire_payload *pidr,
						  const struct wire_auth *auth)
{
	const struct config *cfg = sa->cfg->cfg;
	const struct config_conn *best = NULL;
	int best_score = 0;
	struct addr remote = sa->remote, local = sa->local;

	(void)in;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *c = &cfg->conns[i];
		enum ident_match m;
		int score;
		bool psk = auth->method == IKEV2_AUTH_PSK;

		if (!sa_init_conn_matches(c, &local, &remote) ||
		    !negotiate_suite_allowed(&c->ike, &sa->suite))
			continue;
		if (psk != (c->remote.method == CONFIG_AUTH_PSK))
			continue;
		m = c->remote.id_set
			? ident_match(&c->remote.id, pidi->u.id.type,
				      pidi->u.id.data.p, pidi->u.id.data.len)
			: IDENT_MATCH_ANY;
		if (m == IDENT_MATCH_NONE)
			continue;
		score = (int)m * 4;
		if (pidr) {
			enum ident_match lm = c->local.id_set
				? ident_match(&c->local.id, pidr->u.id.type,
					      pidr->u.id.data.p, pidr->u.id.data.len)
				: IDENT_MATCH_ANY;

			if (lm == IDENT_MATCH_NONE)
				continue;
			score += (int)lm;
		}
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	return best;
}

static void fail_auth(struct ike_sa *sa, struct msg_in *in, const char *why)
{
	sa_log(sa, LOG_LVL_INFO, "IKE_AUTH rejected: %s", why);
	msg_reply_notify(sa, in, IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
	sa->ike->stats.rx_unauthenticated++;
	sa_destroy(sa, IKE_DOWN_FAILED);
}

void auth_process_request(struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_payload *pidi = wire_msg_first(in->m, IKEV2_PL_IDI);
	const struct wire_payload *pidr = wire_msg_first(in->m, IKEV2_PL_IDR);
	const struct wire_payload *pauth = wire_msg_first(in->m, IKEV2_PL_AUTH);
	const struct config_conn *c;
	struct ike *ike = sa->ike;
	struct msg_out o;
	uint8_t idbody[4 + IDENT_MAX_LEN];
	struct wire_span body;
	bool cp_failed = false;
	int rc;

	if (sa->state != IKE_SA_HALF_OPEN) {
		sa_log(sa, LOG_LVL_INFO, "unexpected IKE_AUTH request");
		return;
	}
	if (!pidi || !pauth) {
		fail_auth(sa, in, "IDi or AUTH missing");
		return;
	}
	if (wire_msg_first(in->m, IKEV2_PL_EAP) || pauth->u.auth.method == 0) {
		fail_auth(sa, in, "EAP is not supported");
		return;
	}
	c = choose_peer_conn(sa, in, pidi, pidr, &pauth->u.auth);
	if (!c) {
		char idb[IDENT_STRLEN];

		sa_log(sa, LOG_LVL_INFO, "no connection for peer %s",
		       ident_fmt_wire(pidi->u.id.type, pidi->u.id.data.p,
				      pidi->u.id.data.len, idb, sizeof(idb)));
		fail_auth(sa, in, "no matching connection");
		return;
	}
	sa_use_config(sa, sa->cfg, c);
	/* If the fixed part of the config changed under us, keep going with
	 * the connection chosen now: it fits addresses and suite. */
	local_identity(sa, c, local_cert(sa, c));
	sa->peer_certreq = wire_msg_first(in->m, IKEV2_PL_CERTREQ) != NULL;
	if ((rc = verify_auth(sa, c, in, pidi, &pauth->u.auth)) != 0) {
		fail_auth(sa, in, err_str(rc));
		return;
	}
	if (ident_from_wire(pidi->u.id.type, pidi->u.id.data.p, pidi->u.id.data.len,
			    &sa->peer_id) == 0)
		sa->peer_id_set = true;
	sa_peer_id_set(sa);
	sa->peer_initial_contact = wire_msg_notify(in->m, IKEV2_N_INITIAL_CONTACT) != NULL;
	if (c->unique == CONFIG_UNIQUE_KEEP &&
	    sa_find_same_peer(sa, 1u << IKE_SA_ESTABLISHED)) {
		fail_auth(sa, in, "unique=keep: peer already connected");
		return;
	}
	/* Before leasing addresses: the SAs it replaces free theirs. */
	sa_replace_duplicates(sa, sa->peer_initial_contact);
	if (ike->ext.auth_request_process)
		ike->ext.auth_request_process(ike->ext.ctx, sa, in);

	idbody[0] = sa->local_id.type;
	idbody[1] = idbody[2] = idbody[3] = 0;
	memcpy(idbody + 4, sa->local_id.data, sa->local_id.len);
	body.p = idbody;
	body.len = 4 + (size_t)sa->local_id.len;
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_IKE_AUTH, true, in->m->hdr.msg_id,
				true)) != 0)
		goto fail;
	rc = auth_put_id(&o.b, IKEV2_PL_IDR, &sa->local_id);
	if (rc == 0)
		rc = put_auth(sa, c, &o.b, &body, &sa->peer_id);
	if (rc) {
		msg_out_abort(&o);
		fail_auth(sa, in, "cannot authenticate ourselves");
		return;
	}
	if (wire_msg_first(in->m, IKEV2_PL_CP))
		cp_failed = auth_cp_reply(sa, in, &o.b) != 0;
	if (wire_msg_first(in->m, IKEV2_PL_SA)) {
		if (cp_failed) {
			sa_log(sa, LOG_LVL_INFO, "no virtual IP left in the pools");
			rc = wire_put_notify_data(&o.b, IKEV2_N_INTERNAL_ADDRESS_FAILURE,
						  NULL, 0);
		} else {
			child_create_respond(sa, in, &o.b, NEGOTIATE_NO_DH, NULL, 0,
					     sa->ni, sa->ni_len, sa->nr, sa->nr_len);
		}
	}
	if (rc == 0 && ike->ext.auth_response_put)
		ike->ext.auth_response_put(ike->ext.ctx, sa, &o.b);
	if (rc == 0)
		rc = msg_out_send(&o, TASK_NONE, 0);
	else
		msg_out_abort(&o);
	if (rc)
		goto fail;
	sa_established(sa);
	return;
fail:
	sa_log(sa, LOG_LVL_ERROR, "IKE_AUTH response failed: %s", err_str(rc));
	sa_destroy(sa, IKE_DOWN_FAILED);
}
