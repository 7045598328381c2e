/*
 * wire_put.c - payload body generators, one per payload type.
 *
 * Each put writes the body the way RFC 7296 lays it out from the same host
 * struct the parser fills, with reserved fields zero and nested lengths
 * backpatched, then lets wire_build_end_checked() re-parse it.  So a struct
 * that breaks a rule (a 15-octet nonce, a Delete whose SPI span disagrees
 * with its count, an ESP proposal with an 8-octet SPI) fails here with
 * ERR_INVAL instead of reaching the peer.
 *
 * Spans handed to a put must not point into the builder's own writer: a
 * dyn writer may move its memory while the put appends.
 */
#include <string.h>

#include "common/err.h"
#include "wire/wire_int.h"

/* Write v as n big-endian octets (n <= 8). */
static void put_spi(struct buf_writer *w, uint64_t v, uint8_t n)
{
	for (uint8_t i = n; i > 0; i--)
		buf_put_u8(w, (uint8_t)(v >> (8 * (i - 1))));
}

/* Patch the 16-bit length at len_off with w->len - start. */
static int patch_len(struct wire_builder *b, size_t start, size_t len_off)
{
	size_t len = b->w->len - start;

	if (buf_writer_error(b->w))
		return wire_build_fail(b, ERR_LIMIT);
	if (len > UINT16_MAX)
		return wire_build_fail(b, ERR_INVAL);
	buf_set_u16_at(b->w, len_off, (uint16_t)len);
	return 0;
}

static int put_transform(struct wire_builder *b,
			 const struct wire_transform *t, bool last)
{
	struct buf_writer *w = b->w;
	size_t start = w->len;

	buf_put_u8(w, last ? 0 : 3);
	buf_put_u8(w, 0);
	buf_put_u16(w, 0);
	buf_put_u8(w, t->type);
	buf_put_u8(w, 0);
	buf_put_u16(w, t->id);
	for (uint8_t i = 0; i < t->nattrs; i++) {
		const struct wire_attr *a = &t->attrs[i];

		if (a->type & IKEV2_ATTR_TV_FLAG)
			return wire_build_fail(b, ERR_INVAL);
		if (a->tv) {
			buf_put_u16(w, a->type | IKEV2_ATTR_TV_FLAG);
			buf_put_u16(w, a->value);
		} else {
			if (a->data.len > UINT16_MAX)
				return wire_build_fail(b, ERR_INVAL);
			buf_put_u16(w, a->type);
			buf_put_u16(w, (uint16_t)a->data.len);
			buf_put_bytes(w, a->data.p, a->data.len);
		}
	}
	return patch_len(b, start, start + 2);
}

static int put_proposal(struct wire_builder *b, const struct wire_proposal *p,
			bool last)
{
	struct buf_writer *w = b->w;
	size_t start = w->len;
	int rc;

	if (p->spi_size > 8)
		return wire_build_fail(b, ERR_INVAL);
	buf_put_u8(w, last ? 0 : 2);
	buf_put_u8(w, 0);
	buf_put_u16(w, 0);
	buf_put_u8(w, p->num);
	buf_put_u8(w, p->proto);
	buf_put_u8(w, p->spi_size);
	buf_put_u8(w, p->ntransforms);
	put_spi(w, p->spi, p->spi_size);
	for (uint8_t i = 0; i < p->ntransforms; i++) {
		rc = put_transform(b, &p->transforms[i],
				   i + 1 == p->ntransforms);
		if (rc)
			return rc;
	}
	return patch_len(b, start, start + 2);
}

int wire_put_sa(struct wire_builder *b, const struct wire_sa *sa)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_SA, false, &off)) != 0)
		return rc;
	for (uint8_t i = 0; i < sa->nproposals; i++) {
		rc = put_proposal(b, &sa->proposals[i], i + 1 == sa->nproposals);
		if (rc)
			return rc;
	}
	return wire_build_end_checked(b, off, IKEV2_PL_SA);
}

int wire_put_ke(struct wire_builder *b, const struct wire_ke *ke)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_KE, false, &off)) != 0)
		return rc;
	buf_put_u16(b->w, ke->group);
	buf_put_u16(b->w, 0);
	buf_put_bytes(b->w, ke->data.p, ke->data.len);
	return wire_build_end_checked(b, off, IKEV2_PL_KE);
}

int wire_put_id(struct wire_builder *b, uint8_t type, const struct wire_id *id)
{
	size_t off;
	int rc;

	if (type != IKEV2_PL_IDI && type != IKEV2_PL_IDR)
		return wire_build_fail(b, ERR_INVAL);
	if ((rc = wire_build_begin(b, type, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, id->type);
	buf_put_zero(b->w, 3);
	buf_put_bytes(b->w, id->data.p, id->data.len);
	return wire_build_end_checked(b, off, type);
}

int wire_put_cert(struct wire_builder *b, const struct wire_cert *c)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_CERT, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, c->encoding);
	buf_put_bytes(b->w, c->data.p, c->data.len);
	return wire_build_end_checked(b, off, IKEV2_PL_CERT);
}

int wire_put_certreq(struct wire_builder *b, const struct wire_certreq *c)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_CERTREQ, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, c->encoding);
	buf_put_bytes(b->w, c->data.p, c->data.len);
	return wire_build_end_checked(b, off, IKEV2_PL_CERTREQ);
}

int wire_put_auth(struct wire_builder *b, const struct wire_auth *a)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_AUTH, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, a->method);
	buf_put_zero(b->w, 3);
	buf_put_bytes(b->w, a->data.p, a->data.len);
	return wire_build_end_checked(b, off, IKEV2_PL_AUTH);
}

int wire_put_nonce(struct wire_builder *b, const struct wire_span *nonce)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_NONCE, false, &off)) != 0)
		return rc;
	buf_put_bytes(b->w, nonce->p, nonce->len);
	return wire_build_end_checked(b, off, IKEV2_PL_NONCE);
}

int wire_put_notify(struct wire_builder *b, const struct wire_notify *n)
{
	size_t off;
	int rc;

	if (n->spi_size > 8)
		return wire_build_fail(b, ERR_INVAL);
	if ((rc = wire_build_begin(b, IKEV2_PL_NOTIFY, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, n->proto);
	buf_put_u8(b->w, n->spi_size);
	buf_put_u16(b->w, n->type);
	put_spi(b->w, n->spi, n->spi_size);
	buf_put_bytes(b->w, n->data.p, n->data.len);
	/* The re-parse cannot see a SPI too wide for its size; check it. */
	if (wire_notify_check(n))
		return wire_build_fail(b, ERR_INVAL);
	return wire_build_end_checked(b, off, IKEV2_PL_NOTIFY);
}

int wire_put_notify_data(struct wire_builder *b, uint16_t type,
			 const void *data, size_t len)
{
	struct wire_notify n = {
		.type = type,
		.data = { .p = data, .len = len },
	};

	return wire_put_notify(b, &n);
}

int wire_put_notify_invalid_ke(struct wire_builder *b, uint16_t group)
{
	uint8_t d[2];

	buf_store_u16(d, group);
	return wire_put_notify_data(b, IKEV2_N_INVALID_KE_PAYLOAD, d, sizeof(d));
}

int wire_put_notify_hash_algs(struct wire_builder *b, const uint16_t *algs,
			      size_t n)
{
	uint8_t d[2 * WIRE_MAX_HASH_ALGS];

	if (n == 0 || n > WIRE_MAX_HASH_ALGS)
		return wire_build_fail(b, ERR_INVAL);
	for (size_t i = 0; i < n; i++)
		buf_store_u16(d + 2 * i, algs[i]);
	return wire_put_notify_data(b, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, d,
				    2 * n);
}

int wire_put_delete(struct wire_builder *b, const struct wire_delete *d)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_DELETE, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, d->proto);
	buf_put_u8(b->w, d->spi_size);
	buf_put_u16(b->w, d->nspis);
	buf_put_bytes(b->w, d->spis.p, d->spis.len);
	return wire_build_end_checked(b, off, IKEV2_PL_DELETE);
}

int wire_put_vendor(struct wire_builder *b, const struct wire_span *vid)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_VENDOR, false, &off)) != 0)
		return rc;
	buf_put_bytes(b->w, vid->p, vid->len);
	return wire_build_end_checked(b, off, IKEV2_PL_VENDOR);
}

static int put_selector(struct wire_builder *b, const struct wire_ts_sel *s)
{
	struct buf_writer *w = b->w;
	size_t alen;

	switch (s->type) {
	case IKEV2_TS_IPV4_ADDR_RANGE:
		alen = 4;
		break;
	case IKEV2_TS_IPV6_ADDR_RANGE:
		alen = 16;
		break;
	default:
		/* Other types travel as the peer sent them. */
		if (s->raw.len == 0 || s->raw.p[0] != s->type)
			return wire_build_fail(b, ERR_INVAL);
		return buf_put_bytes(w, s->raw.p, s->raw.len);
	}
	buf_put_u8(w, s->type);
	buf_put_u8(w, s->proto);
	buf_put_u16(w, (uint16_t)(8 + 2 * alen));
	buf_put_u16(w, s->start_port);
	buf_put_u16(w, s->end_port);
	buf_put_bytes(w, s->start, alen);
	return buf_put_bytes(w, s->end, alen);
}

int wire_put_ts(struct wire_builder *b, uint8_t type, const struct wire_ts *ts)
{
	size_t off;
	int rc;

	if (type != IKEV2_PL_TSI && type != IKEV2_PL_TSR)
		return wire_build_fail(b, ERR_INVAL);
	if ((rc = wire_build_begin(b, type, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, ts->count);
	buf_put_zero(b->w, 3);
	for (uint8_t i = 0; i < ts->count; i++)
		if ((rc = put_selector(b, &ts->sel[i])) != 0)
			return wire_build_fail(b, rc);
	return wire_build_end_checked(b, off, type);
}

int wire_put_cp(struct wire_builder *b, const struct wire_cp *cp)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_CP, false, &off)) != 0)
		return rc;
	buf_put_u8(b->w, cp->type);
	buf_put_zero(b->w, 3);
	for (uint8_t i = 0; i < cp->nattrs; i++) {
		const struct wire_cp_attr *a = &cp->attrs[i];

		if (a->type > 0x7fff || a->value.len > UINT16_MAX)
			return wire_build_fail(b, ERR_INVAL);
		buf_put_u16(b->w, a->type);
		buf_put_u16(b->w, (uint16_t)a->value.len);
		buf_put_bytes(b->w, a->value.p, a->value.len);
	}
	return wire_build_end_checked(b, off, IKEV2_PL_CP);
}

int wire_put_eap(struct wire_builder *b, const struct wire_eap *e)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, IKEV2_PL_EAP, false, &off)) != 0)
		return rc;
	buf_put_bytes(b->w, e->msg.p, e->msg.len);
	return wire_build_end_checked(b, off, IKEV2_PL_EAP);
}
