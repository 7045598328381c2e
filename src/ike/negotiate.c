/*
 * negotiate.c - matching configured proposals against SA payloads (RFC 7296
 * 2.7 and 3.3.6).
 *
 * The responder walks its own proposals in configured order (as strongSwan
 * does with prefer_configured_proposals) and, for each, the peer's
 * proposals of the right protocol; a pair matches when every transform
 * type the peer offers has an algorithm both allow.  A peer proposal with
 * a transform type we do not know is skipped as a whole (3.3.6).  The
 * initiator accepts a reply only if it is one proposal with one transform
 * per type, all of which some proposal we sent allowed.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config/proposal.h"
#include "ike/internal.h"

/* The transforms of one received proposal, by type. */
struct offered {
	const struct wire_transform *t[8][WIRE_MAX_TRANSFORMS];
	uint8_t n[8];
	bool unknown;		/* a type we do not know: skip it */
};

static void collect(const struct wire_proposal *p, struct offered *o)
{
	memset(o, 0, sizeof(*o));
	for (uint8_t i = 0; i < p->ntransforms; i++) {
		const struct wire_transform *t = &p->transforms[i];

		if (t->type < IKEV2_TRANS_ENCR || t->type > IKEV2_TRANS_ESN) {
			o->unknown = true;
			continue;
		}
		o->t[t->type][o->n[t->type]++] = t;
	}
}

/* Does the peer offer transform (type, id[, keylen])? */
static bool offers(const struct offered *o, uint8_t type, uint16_t id,
		   uint16_t keylen)
{
	for (uint8_t i = 0; i < o->n[type]; i++) {
		const struct wire_transform *t = o->t[type][i];
		uint16_t bits = 0;
		bool has_len = wire_transform_key_len(t, &bits) == 0;

		if (t->id != id)
			continue;
		if (type == IKEV2_TRANS_ENCR) {
			/* KEY_LENGTH must match when we need one; an
			 * unexpected one means a variant we do not know. */
			if (keylen ? (!has_len || bits != keylen) : has_len)
				continue;
		} else if (t->nattrs) {
			continue;	/* attributes on other types: unknown */
		}
		return true;
	}
	return false;
}

/* First of mine[0..n) the peer offers, or -1; "none" matches absence. */
static int pick(const struct offered *o, uint8_t type, const uint16_t *mine,
		uint8_t n)
{
	for (uint8_t i = 0; i < n; i++)
		if (offers(o, type, mine[i], 0))
			return mine[i];
	return -1;
}

static bool match(const struct proposal *p, uint8_t proto,
		  const struct offered *o, uint16_t prefer_dh,
		  struct ike_suite *s)
{
	bool ignore_dh = prefer_dh == NEGOTIATE_NO_DH;

	bool found = false;
	int v;

	memset(s, 0, sizeof(*s));
	if (o->unknown)
		return false;
	/* Encryption: always needed. */
	for (uint8_t i = 0; i < p->n_encr && !found; i++) {
		if (offers(o, IKEV2_TRANS_ENCR, p->encr[i].id, p->encr[i].keylen)) {
			s->encr = p->encr[i].id;
			s->encr_keylen = p->encr[i].keylen;
			found = true;
		}
	}
	if (!found)
		return false;
	/* Integrity: none for AEAD (absent or NONE offered), else needed. */
	if (p->aead) {
		if (o->n[IKEV2_TRANS_INTEG] &&
		    !offers(o, IKEV2_TRANS_INTEG, IKEV2_INTEG_NONE, 0))
			return false;
		s->integ = IKEV2_INTEG_NONE;
	} else {
		if ((v = pick(o, IKEV2_TRANS_INTEG, p->integ, p->n_integ)) < 0)
			return false;
		s->integ = (uint16_t)v;
	}
	if (proto == IKEV2_PROTO_IKE) {
		if ((v = pick(o, IKEV2_TRANS_PRF, p->prf, p->n_prf)) < 0)
			return false;
		s->prf = (uint16_t)v;
	} else if (o->n[IKEV2_TRANS_PRF]) {
		return false;
	}
	/* Key exchange: required for IKE, optional for ESP (PFS), and not
	 * negotiated at all for the Child SA of IKE_AUTH (RFC 7296 1.2). */
	if (ignore_dh) {
		s->dh = IKEV2_DH_NONE;
	} else if (prefer_dh && offers(o, IKEV2_TRANS_DH, prefer_dh, 0)) {
		for (uint8_t i = 0; i < p->n_dh; i++)
			if (p->dh[i] == prefer_dh)
				s->dh = prefer_dh;
	}
	if (!s->dh && !ignore_dh) {
		if (o->n[IKEV2_TRANS_DH] || proto == IKEV2_PROTO_IKE) {
			v = pick(o, IKEV2_TRANS_DH, p->dh, p->n_dh);
			if (v < 0) {
				/* ESP: the peer may list NONE among its groups,
				 * and we may want none. */
				if (proto == IKEV2_PROTO_IKE || p->n_dh ||
				    !offers(o, IKEV2_TRANS_DH, IKEV2_DH_NONE, 0))
					return false;
				v = IKEV2_DH_NONE;
			}
			s->dh = (uint16_t)v;
		} else if (p->n_dh) {
			return false;	/* we require PFS, the peer offers none */
		}
	}
	if (proto == IKEV2_PROTO_ESP) {
		if (o->n[IKEV2_TRANS_ESN]) {
			if ((v = pick(o, IKEV2_TRANS_ESN, p->esn, p->n_esn)) < 0)
				return false;
			s->esn = (uint16_t)v;
		} else {
			/* Absent ESN means "no ESN" (RFC 7296 3.3.2). */
			bool no_ok = p->n_esn == 0;

			for (uint8_t i = 0; i < p->n_esn; i++)
				no_ok |= p->esn[i] == IKEV2_ESN_NO;
			if (!no_ok)
				return false;
			s->esn = IKEV2_ESN_NO;
		}
	} else if (o->n[IKEV2_TRANS_ESN]) {
		return false;
	}
	return true;
}

int negotiate_select(const struct proposal_list *mine, uint8_t proto,
		     const struct wire_sa *theirs, uint16_t prefer_dh,
		     struct ike_suite *out, uint8_t *num, uint64_t *spi)
{
	struct offered o;

	for (size_t i = 0; i < mine->n; i++) {
		for (uint8_t j = 0; j < theirs->nproposals; j++) {
			const struct wire_proposal *tp = &theirs->proposals[j];

			if (tp->proto != proto)
				continue;
			collect(tp, &o);
			if (match(&mine->p[i], proto, &o, prefer_dh, out)) {
				*num = tp->num;
				*spi = tp->spi;
				return 0;
			}
		}
	}
	/* Try again without the preference only if it was what failed. */
	return ERR_NOTFOUND;
}

int negotiate_accept(const struct proposal_list *mine, uint8_t proto,
		     const struct wire_sa *reply, bool no_dh,
		     struct ike_suite *out, uint64_t *spi)
{
	const struct wire_proposal *rp;
	struct offered o;

	if (reply->nproposals != 1)
		return ERR_SYNTAX;
	rp = &reply->proposals[0];
	if (rp->proto != proto)
		return ERR_SYNTAX;
	collect(rp, &o);
	for (int t = IKEV2_TRANS_ENCR; t <= IKEV2_TRANS_ESN; t++)
		if (o.n[t] > 1)
			return ERR_SYNTAX;	/* a choice, not an offer */
	for (size_t i = 0; i < mine->n; i++) {
		if (match(&mine->p[i], proto, &o, no_dh ? NEGOTIATE_NO_DH : 0, out)) {
			*spi = rp->spi;
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

/* Storage for one SA payload being built. */
struct sa_build {
	struct wire_proposal prop[PROPOSAL_MAX_LIST];
	struct wire_transform trans[PROPOSAL_MAX_LIST][32];
	struct wire_attr attr[PROPOSAL_MAX_LIST][PROPOSAL_MAX_ENCR];
};

static void add_transform(struct wire_proposal *p, struct wire_transform *arr,
			  uint8_t type, uint16_t id)
{
	struct wire_transform *t = &arr[p->ntransforms++];

	memset(t, 0, sizeof(*t));
	t->type = type;
	t->id = id;
}

static void add_encr(struct wire_proposal *p, struct wire_transform *arr,
		     struct wire_attr *attrs, uint8_t *nattr, uint16_t id,
		     uint16_t keylen)
{
	add_transform(p, arr, IKEV2_TRANS_ENCR, id);
	if (keylen) {
		struct wire_attr *a = &attrs[(*nattr)++];

		memset(a, 0, sizeof(*a));
		a->type = IKEV2_ATTR_KEY_LENGTH;
		a->tv = true;
		a->value = keylen;
		arr[p->ntransforms - 1].nattrs = 1;
		arr[p->ntransforms - 1].attrs = a;
	}
}

static void spi_size(struct wire_proposal *wp, uint8_t proto, uint64_t spi)
{
	wp->proto = proto;
	wp->spi = spi;
	wp->spi_size = proto == IKEV2_PROTO_IKE ? (spi ? 8 : 0) : 4;
}

int negotiate_put_offer(struct wire_builder *b, const struct proposal_list *l,
			uint8_t proto, uint64_t spi, bool with_dh)
{
	static __thread struct sa_build sb;
	struct wire_sa sa = { .proposals = sb.prop };

	for (size_t i = 0; i < l->n && i < PROPOSAL_MAX_LIST; i++) {
		const struct proposal *p = &l->p[i];
		struct wire_proposal *wp = &sb.prop[sa.nproposals];
		struct wire_transform *tr = sb.trans[sa.nproposals];
		uint8_t nattr = 0;

		memset(wp, 0, sizeof(*wp));
		wp->num = (uint8_t)(sa.nproposals + 1);
		spi_size(wp, proto, spi);
		wp->transforms = tr;
		for (uint8_t k = 0; k < p->n_encr; k++)
			add_encr(wp, tr, sb.attr[sa.nproposals], &nattr,
				 p->encr[k].id, p->encr[k].keylen);
		if (proto == IKEV2_PROTO_IKE)
			for (uint8_t k = 0; k < p->n_prf; k++)
				add_transform(wp, tr, IKEV2_TRANS_PRF, p->prf[k]);
		if (!p->aead)
			for (uint8_t k = 0; k < p->n_integ; k++)
				add_transform(wp, tr, IKEV2_TRANS_INTEG, p->integ[k]);
		if (with_dh)
			for (uint8_t k = 0; k < p->n_dh; k++)
				add_transform(wp, tr, IKEV2_TRANS_DH, p->dh[k]);
		if (proto == IKEV2_PROTO_ESP) {
			if (p->n_esn)
				for (uint8_t k = 0; k < p->n_esn; k++)
					add_transform(wp, tr, IKEV2_TRANS_ESN,
						      p->esn[k]);
			else
				add_transform(wp, tr, IKEV2_TRANS_ESN,
					      IKEV2_ESN_NO);
		}
		sa.nproposals++;
	}
	return wire_put_sa(b, &sa);
}

int negotiate_put_choice(struct wire_builder *b, const struct ike_suite *s,
			 uint8_t proto, uint8_t num, uint64_t spi)
{
	struct wire_proposal wp;
	struct wire_transform tr[6];
	struct wire_attr attr[1];
	struct wire_sa sa = { .nproposals = 1, .proposals = &wp };
	uint8_t nattr = 0;

	memset(&wp, 0, sizeof(wp));
	wp.num = num;
	spi_size(&wp, proto, spi);
	wp.transforms = tr;
	add_encr(&wp, tr, attr, &nattr, s->encr, s->encr_keylen);
	if (proto == IKEV2_PROTO_IKE)
		add_transform(&wp, tr, IKEV2_TRANS_PRF, s->prf);
	if (s->integ != IKEV2_INTEG_NONE)
		add_transform(&wp, tr, IKEV2_TRANS_INTEG, s->integ);
	if (s->dh != IKEV2_DH_NONE)
		add_transform(&wp, tr, IKEV2_TRANS_DH, s->dh);
	if (proto == IKEV2_PROTO_ESP)
		add_transform(&wp, tr, IKEV2_TRANS_ESN, s->esn);
	return wire_put_sa(b, &sa);
}

uint16_t negotiate_first_dh(const struct proposal_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i].n_dh)
			return l->p[i].dh[0];
	return 0;
}

const char *negotiate_suite_fmt(const struct ike_suite *s, bool ike,
				char *buf, size_t len)
{
	struct proposal p;

	memset(&p, 0, sizeof(p));
	p.proto = ike ? IKEV2_PROTO_IKE : IKEV2_PROTO_ESP;
	p.n_encr = 1;
	p.encr[0].id = s->encr;
	p.encr[0].keylen = s->encr_keylen;
	p.aead = s->integ == IKEV2_INTEG_NONE;
	if (!p.aead) {
		p.n_integ = 1;
		p.integ[0] = s->integ;
	}
	if (ike) {
		p.n_prf = 1;
		p.prf[0] = s->prf;
	} else {
		p.n_esn = 1;
		p.esn[0] = s->esn;
	}
	if (s->dh) {
		p.n_dh = 1;
		p.dh[0] = s->dh;
	}
	return proposal_fmt(&p, buf, len);
}

bool negotiate_suite_allowed(const struct proposal_list *l,
			     const struct ike_suite *s)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct proposal *p = &l->p[i];
		bool e = false, g = false, f = false, d = false;

		for (uint8_t k = 0; k < p->n_encr; k++)
			e |= p->encr[k].id == s->encr && p->encr[k].keylen == s->encr_keylen;
		if (p->aead)
			g = s->integ == IKEV2_INTEG_NONE;
		for (uint8_t k = 0; k < p->n_integ && !p->aead; k++)
			g |= p->integ[k] == s->integ;
		for (uint8_t k = 0; k < p->n_prf; k++)
			f |= p->prf[k] == s->prf;
		for (uint8_t k = 0; k < p->n_dh; k++)
			d |= p->dh[k] == s->dh;
		if (e && g && f && d)
			return true;
	}
	return false;
}
