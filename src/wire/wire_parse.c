/*
 * wire_parse.c - payload body decoders.
 *
 * Each decoder reads one payload body through a struct buf_reader confined
 * to the payload's declared length, copies fixed fields into the host
 * struct, borrows variable fields as spans and checks every rule that needs
 * no state.  The error taxonomy is the same everywhere:
 *
 *   ERR_TRUNCATED     a fixed field or element header is cut off by the end
 *                     of its container
 *   ERR_LENGTH        a declared length (proposal, transform, attribute,
 *                     selector, SPI size x count, EAP length) exceeds its
 *                     container
 *   ERR_SHORT_LENGTH  a declared length is below the element's minimum
 *   ERR_TRAILING      bytes are left in a container after its content
 *   ERR_NESTING       a count exceeds a WIRE_MAX_* cap or a pool is full
 *   ERR_PROPOSAL_NUM  proposal numbers do not start at 1 and step by 0 or 1
 *   ERR_SYNTAX        a value breaks an encoding rule (flags, sizes for a
 *                     type, empty data, start > end)
 *
 * On failure *at points at the start of the element that was wrong, so the
 * caller can report an offset.
 */
#include <string.h>

#include "common/err.h"
#include "wire/wire_int.h"

#define FAIL(ptr, code)				\
	do {					\
		*at = (ptr);			\
		return (code);			\
	} while (0)

/* Proposal "last" field values (RFC 7296 3.3.1, 3.3.2). */
#define LAST_PROPOSAL 0
#define MORE_PROPOSALS 2
#define LAST_TRANSFORM 0
#define MORE_TRANSFORMS 3

#define PROPOSAL_HDR_LEN 8
#define TRANSFORM_HDR_LEN 8
#define TS_HDR_LEN 4
#define TS_V4_LEN 16
#define TS_V6_LEN 40

bool wire_parse_known(uint8_t type)
{
	switch (type) {
	case IKEV2_PL_SA: case IKEV2_PL_KE: case IKEV2_PL_IDI:
	case IKEV2_PL_IDR: case IKEV2_PL_CERT: case IKEV2_PL_CERTREQ:
	case IKEV2_PL_AUTH: case IKEV2_PL_NONCE: case IKEV2_PL_NOTIFY:
	case IKEV2_PL_DELETE: case IKEV2_PL_VENDOR: case IKEV2_PL_TSI:
	case IKEV2_PL_TSR: case IKEV2_PL_SK: case IKEV2_PL_CP:
	case IKEV2_PL_EAP: case IKEV2_PL_SKF:
		return true;
	}
	return false;
}

size_t wire_parse_min_body(uint8_t type)
{
	switch (type) {
	case IKEV2_PL_SA: return PROPOSAL_HDR_LEN;
	case IKEV2_PL_KE: return 4;
	case IKEV2_PL_IDI: case IKEV2_PL_IDR: return 4;
	case IKEV2_PL_CERT: case IKEV2_PL_CERTREQ: return 1;
	case IKEV2_PL_AUTH: return 4;
	case IKEV2_PL_NOTIFY: return 4;
	case IKEV2_PL_DELETE: return 4;
	case IKEV2_PL_TSI: case IKEV2_PL_TSR: return 4;
	case IKEV2_PL_SKF: return 4;
	case IKEV2_PL_CP: return 4;
	case IKEV2_PL_EAP: return 4;
	}
	/* Nonce (a zero-length nonce is ERR_SYNTAX, not a short length),
	 * Vendor ID, SK (checked by wire_sk_view()). */
	return 0;
}

/*
 * RFC 7296 describes each exchange with at most one of these; a second one
 * could only confuse the IKE layer (which SA? which nonce?), so the codec
 * refuses it.  CERT, CERTREQ, N, D and V may repeat.
 */
bool wire_parse_once(uint8_t type)
{
	switch (type) {
	case IKEV2_PL_SA: case IKEV2_PL_KE: case IKEV2_PL_IDI:
	case IKEV2_PL_IDR: case IKEV2_PL_AUTH: case IKEV2_PL_NONCE:
	case IKEV2_PL_TSI: case IKEV2_PL_TSR: case IKEV2_PL_SK:
	case IKEV2_PL_CP: case IKEV2_PL_EAP: case IKEV2_PL_SKF:
		return true;
	}
	return false;
}

static uint64_t load_spi(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int span_rest(struct buf_reader *r, struct wire_span *s)
{
	s->len = buf_remaining(r);
	return buf_get_ref(r, &s->p, s->len);
}

/* SPI sizes a proposal may carry for its protocol. */
static bool proposal_spi_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		return size == 0 || size == IKEV2_SPI_LEN;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		return size == 4;
	}
	/* Unknown protocols are kept for the IKE layer to skip, but their
	 * SPI must fit the host field. */
	return size <= 8;
}

static int parse_attrs(struct buf_reader *r, struct wire_transform *t,
		       struct wire_pool *pool, const uint8_t **at)
{
	struct wire_attr *a;
	const uint8_t *start;
	uint16_t af_type, v;

	t->nattrs = 0;
	t->attrs = pool->attr + pool->nattr;
	while (buf_remaining(r)) {
		start = buf_cursor(r);
		if (t->nattrs == WIRE_MAX_ATTRS ||
		    pool->nattr == WIRE_MAX_SA_ATTRS)
			FAIL(start, ERR_NESTING);
		if (buf_get_u16(r, &af_type) || buf_get_u16(r, &v))
			FAIL(start, ERR_TRUNCATED);
		a = &pool->attr[pool->nattr];
		memset(a, 0, sizeof(*a));
		a->type = af_type & (uint16_t)~IKEV2_ATTR_TV_FLAG;
		a->tv = (af_type & IKEV2_ATTR_TV_FLAG) != 0;
		if (a->tv) {
			a->value = v;
		} else {
			a->data.len = v;
			if (buf_get_ref(r, &a->data.p, v))
				FAIL(start, ERR_LENGTH);
		}
		pool->nattr++;
		t->nattrs++;
	}
	return 0;
}

static int parse_transform(struct buf_reader *r, uint8_t expect_last,
			   struct wire_transform *t, struct wire_pool *pool,
			   const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);
	struct buf_reader sub;
	uint8_t last, rsv, type, rsv2;
	uint16_t len, id;

	if (buf_remaining(r) < TRANSFORM_HDR_LEN)
		FAIL(start, ERR_TRUNCATED);
	buf_get_u8(r, &last);
	buf_get_u8(r, &rsv);
	buf_get_u16(r, &len);
	buf_get_u8(r, &type);
	buf_get_u8(r, &rsv2);
	buf_get_u16(r, &id);
	if (last != expect_last)
		FAIL(start, ERR_SYNTAX);
	if (len < TRANSFORM_HDR_LEN)
		FAIL(start, ERR_SHORT_LENGTH);
	if (buf_get_sub(r, &sub, len - TRANSFORM_HDR_LEN))
		FAIL(start, ERR_LENGTH);
	t->type = type;
	t->id = id;
	return parse_attrs(&sub, t, pool, at);
}

static int parse_proposal(struct buf_reader *r, struct wire_proposal *p,
			  struct wire_pool *pool, uint8_t *last,
			  const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r), *spi;
	struct buf_reader sub;
	uint8_t rsv;
	uint16_t len;
	int rc;

	if (buf_remaining(r) < PROPOSAL_HDR_LEN)
		FAIL(start, ERR_TRUNCATED);
	buf_get_u8(r, last);
	buf_get_u8(r, &rsv);
	buf_get_u16(r, &len);
	buf_get_u8(r, &p->num);
	buf_get_u8(r, &p->proto);
	buf_get_u8(r, &p->spi_size);
	buf_get_u8(r, &p->ntransforms);
	if (*last != LAST_PROPOSAL && *last != MORE_PROPOSALS)
		FAIL(start, ERR_SYNTAX);
	if (len < PROPOSAL_HDR_LEN + p->spi_size)
		FAIL(start, ERR_SHORT_LENGTH);
	if (buf_get_sub(r, &sub, len - PROPOSAL_HDR_LEN))
		FAIL(start, ERR_LENGTH);
	if (!proposal_spi_ok(p->proto, p->spi_size))
		FAIL(start, ERR_SYNTAX);
	if (p->ntransforms > WIRE_MAX_TRANSFORMS ||
	    p->ntransforms > WIRE_MAX_SA_TRANSFORMS - pool->ntrans)
		FAIL(start, ERR_NESTING);
	buf_get_ref(&sub, &spi, p->spi_size);
	p->spi = load_spi(spi, p->spi_size);
	p->transforms = pool->trans + pool->ntrans;
	for (uint8_t i = 0; i < p->ntransforms; i++) {
		struct wire_transform *t = &pool->trans[pool->ntrans];
		uint8_t want = i + 1 == p->ntransforms ? LAST_TRANSFORM
						       : MORE_TRANSFORMS;

		if ((rc = parse_transform(&sub, want, t, pool, at)) != 0)
			return rc;
		pool->ntrans++;
	}
	if (buf_remaining(&sub))
		FAIL(buf_cursor(&sub), ERR_TRAILING);
	return 0;
}

static int parse_sa(struct buf_reader *r, struct wire_sa *sa,
		    struct wire_pool *pool, const uint8_t **at)
{
	uint8_t last = MORE_PROPOSALS;
	int rc;

	sa->nproposals = 0;
	sa->proposals = pool->prop + pool->nprop;
	while (last == MORE_PROPOSALS) {
		const uint8_t *start = buf_cursor(r);
		struct wire_proposal *p;

		/* The previous proposal said more follow, but none does. */
		if (buf_remaining(r) == 0)
			FAIL(start, ERR_SYNTAX);
		if (sa->nproposals == WIRE_MAX_PROPOSALS ||
		    pool->nprop == WIRE_MAX_PROPOSALS)
			FAIL(start, ERR_NESTING);
		p = &pool->prop[pool->nprop];
		if ((rc = parse_proposal(r, p, pool, &last, at)) != 0)
			return rc;
		if (sa->nproposals == 0 ? p->num != 1
		    : p->num != sa->proposals[sa->nproposals - 1].num &&
		      p->num != sa->proposals[sa->nproposals - 1].num + 1)
			FAIL(start, ERR_PROPOSAL_NUM);
		pool->nprop++;
		sa->nproposals++;
	}
	/* "Last proposal" with bytes still to come. */
	if (buf_remaining(r))
		FAIL(buf_cursor(r), ERR_SYNTAX);
	return 0;
}

static int parse_ke(struct buf_reader *r, struct wire_ke *ke,
		    const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);
	uint16_t rsv;
	size_t want;

	buf_get_u16(r, &ke->group);
	buf_get_u16(r, &rsv);
	span_rest(r, &ke->data);
	want = wire_ke_len(ke->group);
	if (ke->data.len == 0 || (want && ke->data.len != want))
		FAIL(start, ERR_SYNTAX);
	return 0;
}

static int parse_id(struct buf_reader *r, struct wire_id *id,
		    const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u8(r, &id->type);
	buf_skip(r, 3);
	span_rest(r, &id->data);
	if (id->data.len == 0 ||
	    (id->type == IKEV2_ID_IPV4_ADDR && id->data.len != 4) ||
	    (id->type == IKEV2_ID_IPV6_ADDR && id->data.len != 16))
		FAIL(start, ERR_SYNTAX);
	return 0;
}

static int parse_cert(struct buf_reader *r, struct wire_cert *c,
		      const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u8(r, &c->encoding);
	span_rest(r, &c->data);
	if (c->data.len == 0)
		FAIL(start, ERR_SYNTAX);
	return 0;
}

static int parse_certreq(struct buf_reader *r, struct wire_certreq *c,
			 const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u8(r, &c->encoding);
	span_rest(r, &c->data);
	c->nhashes = 0;
	if (c->encoding != IKEV2_CERT_X509_SIGNATURE)
		return 0;
	/* An empty list is allowed: "any CA you like". */
	if (c->data.len % WIRE_CERTREQ_HASH_LEN)
		FAIL(start, ERR_SYNTAX);
	if (c->data.len / WIRE_CERTREQ_HASH_LEN > WIRE_MAX_CERTREQ_HASHES)
		FAIL(start, ERR_NESTING);
	c->nhashes = (uint16_t)(c->data.len / WIRE_CERTREQ_HASH_LEN);
	return 0;
}

static int parse_auth(struct buf_reader *r, struct wire_auth *a,
		      const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u8(r, &a->method);
	buf_skip(r, 3);
	span_rest(r, &a->data);
	if (a->data.len == 0)
		FAIL(start, ERR_SYNTAX);
	return 0;
}

static int parse_nonce(struct buf_reader *r, struct wire_span *n,
		       const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	span_rest(r, n);
	if (n->len < WIRE_NONCE_MIN || n->len > WIRE_NONCE_MAX)
		FAIL(start, ERR_SYNTAX);
	return 0;
}

static int parse_notify(struct buf_reader *r, struct wire_notify *n,
			const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r), *spi;
	int rc;

	buf_get_u8(r, &n->proto);
	buf_get_u8(r, &n->spi_size);
	buf_get_u16(r, &n->type);
	if (n->spi_size != 0 && n->spi_size != 4 && n->spi_size != 8)
		FAIL(start, ERR_SYNTAX);
	if (buf_get_ref(r, &spi, n->spi_size))
		FAIL(start, ERR_LENGTH);
	n->spi = load_spi(spi, n->spi_size);
	span_rest(r, &n->data);
	if ((rc = wire_notify_check(n)) != 0)
		FAIL(start, rc);
	return 0;
}

static int parse_delete(struct buf_reader *r, struct wire_delete *d,
			const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u8(r, &d->proto);
	buf_get_u8(r, &d->spi_size);
	buf_get_u16(r, &d->nspis);
	switch (d->proto) {
	case IKEV2_PROTO_IKE:
		/* The IKE SA is named by the header: no SPIs here. */
		if (d->spi_size != 0 || d->nspis != 0)
			FAIL(start, ERR_SYNTAX);
		break;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		if (d->spi_size != 4 || d->nspis == 0)
			FAIL(start, ERR_SYNTAX);
		if (d->nspis > WIRE_MAX_DELETE_SPIS)
			FAIL(start, ERR_NESTING);
		break;
	default:
		FAIL(start, ERR_SYNTAX);
	}
	d->spis.len = (size_t)d->nspis * d->spi_size;
	if (buf_get_ref(r, &d->spis.p, d->spis.len))
		FAIL(start, ERR_LENGTH);
	if (buf_remaining(r))
		FAIL(buf_cursor(r), ERR_TRAILING);
	return 0;
}

static int parse_selector(struct buf_reader *r, struct wire_ts_sel *s,
			  const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);
	struct buf_reader sub;
	uint16_t len;

	memset(s, 0, sizeof(*s));
	if (buf_remaining(r) < TS_HDR_LEN)
		FAIL(start, ERR_TRUNCATED);
	buf_get_u8(r, &s->type);
	buf_get_u8(r, &s->proto);
	buf_get_u16(r, &len);
	if (len < TS_HDR_LEN)
		FAIL(start, ERR_SHORT_LENGTH);
	if (buf_get_sub(r, &sub, len - TS_HDR_LEN))
		FAIL(start, ERR_LENGTH);
	s->raw.p = start;
	s->raw.len = len;
	switch (s->type) {
	case IKEV2_TS_IPV4_ADDR_RANGE:
		if (len != TS_V4_LEN)
			FAIL(start, ERR_SYNTAX);
		s->addr_len = 4;
		break;
	case IKEV2_TS_IPV6_ADDR_RANGE:
		if (len != TS_V6_LEN)
			FAIL(start, ERR_SYNTAX);
		s->addr_len = 16;
		break;
	default:
		/* Unknown selector types (e.g. RFC 9478 security labels)
		 * are kept raw; the IKE layer decides whether to care. */
		s->proto = 0;
		return 0;
	}
	buf_get_u16(&sub, &s->start_port);
	buf_get_u16(&sub, &s->end_port);
	buf_get_bytes(&sub, s->start, s->addr_len);
	buf_get_bytes(&sub, s->end, s->addr_len);
	/* 65535..0 is how RFC 7296 spells OPAQUE ports. */
	if (s->start_port > s->end_port &&
	    !(s->start_port == 65535 && s->end_port == 0))
		FAIL(start, ERR_SYNTAX);
	if (memcmp(s->start, s->end, s->addr_len) > 0)
		FAIL(start, ERR_SYNTAX);
	return 0;
}

static int parse_ts(struct buf_reader *r, struct wire_ts *ts,
		    struct wire_pool *pool, const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);
	int rc;

	buf_get_u8(r, &ts->count);
	buf_skip(r, 3);
	if (ts->count == 0)
		FAIL(start, ERR_SYNTAX);
	if (ts->count > WIRE_MAX_TS ||
	    ts->count > 2 * WIRE_MAX_TS - pool->nts)
		FAIL(start, ERR_NESTING);
	ts->sel = pool->ts + pool->nts;
	for (uint8_t i = 0; i < ts->count; i++) {
		if ((rc = parse_selector(r, &pool->ts[pool->nts], at)) != 0)
			return rc;
		pool->nts++;
	}
	if (buf_remaining(r))
		FAIL(buf_cursor(r), ERR_TRAILING);
	return 0;
}

/* Value lengths RFC 7296 3.15.1 allows for the attributes it defines. */
static bool cp_attr_len_ok(uint16_t type, size_t len)
{
	switch (type) {
	case IKEV2_CFG_INTERNAL_IP4_ADDRESS:
	case IKEV2_CFG_INTERNAL_IP4_NETMASK:
	case IKEV2_CFG_INTERNAL_IP4_DNS:
	case IKEV2_CFG_INTERNAL_IP4_NBNS:
	case IKEV2_CFG_INTERNAL_IP4_DHCP:
		return len == 0 || len == 4;
	case IKEV2_CFG_INTERNAL_IP6_ADDRESS:
	case IKEV2_CFG_INTERNAL_IP6_SUBNET:
		return len == 0 || len == 17;
	case IKEV2_CFG_INTERNAL_IP6_DNS:
	case IKEV2_CFG_INTERNAL_IP6_DHCP:
		return len == 0 || len == 16;
	case IKEV2_CFG_INTERNAL_IP4_SUBNET:
		return len == 0 || len == 8;
	case IKEV2_CFG_SUPPORTED_ATTRIBUTES:
		return len % 2 == 0;
	}
	return true;
}

static int parse_cp(struct buf_reader *r, struct wire_cp *cp,
		    struct wire_pool *pool, const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u8(r, &cp->type);
	buf_skip(r, 3);
	if (cp->type < IKEV2_CFG_REQUEST || cp->type > IKEV2_CFG_ACK)
		FAIL(start, ERR_SYNTAX);
	cp->nattrs = 0;
	cp->attrs = pool->cp + pool->ncp;
	while (buf_remaining(r)) {
		const uint8_t *astart = buf_cursor(r);
		struct wire_cp_attr *a;
		uint16_t type, len;

		if (cp->nattrs == WIRE_MAX_CP_ATTRS ||
		    pool->ncp == WIRE_MAX_CP_ATTRS)
			FAIL(astart, ERR_NESTING);
		if (buf_get_u16(r, &type) || buf_get_u16(r, &len))
			FAIL(astart, ERR_TRUNCATED);
		a = &pool->cp[pool->ncp];
		/* The R bit MUST be ignored on receipt. */
		a->type = type & 0x7fff;
		a->value.len = len;
		if (buf_get_ref(r, &a->value.p, len))
			FAIL(astart, ERR_LENGTH);
		if (!cp_attr_len_ok(a->type, len))
			FAIL(astart, ERR_SYNTAX);
		pool->ncp++;
		cp->nattrs++;
	}
	return 0;
}

static int parse_eap(struct buf_reader *r, struct wire_eap *e,
		     const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);
	size_t body = buf_remaining(r);
	uint16_t len;

	memset(e, 0, sizeof(*e));
	buf_get_u8(r, &e->code);
	buf_get_u8(r, &e->id);
	buf_get_u16(r, &len);
	if (len < 4)
		FAIL(start, ERR_SHORT_LENGTH);
	if (len > body)
		FAIL(start, ERR_LENGTH);
	if (len < body)
		FAIL(start + len, ERR_TRAILING);
	e->msg.p = start;
	e->msg.len = len;
	switch (e->code) {
	case IKEV2_EAP_CODE_REQUEST:
	case IKEV2_EAP_CODE_RESPONSE:
		if (buf_get_u8(r, &e->type))
			FAIL(start, ERR_SHORT_LENGTH);
		span_rest(r, &e->data);
		return 0;
	case IKEV2_EAP_CODE_SUCCESS:
	case IKEV2_EAP_CODE_FAILURE:
		if (len != 4)
			FAIL(start, ERR_SYNTAX);
		return 0;
	}
	FAIL(start, ERR_SYNTAX);
}

static int parse_skf(struct buf_reader *r, struct wire_enc *e,
		     const uint8_t **at)
{
	const uint8_t *start = buf_cursor(r);

	buf_get_u16(r, &e->frag_num);
	buf_get_u16(r, &e->frag_total);
	if (e->frag_num == 0 || e->frag_total == 0 ||
	    e->frag_num > e->frag_total)
		FAIL(start, ERR_SYNTAX);
	span_rest(r, &e->body);
	return 0;
}

int wire_parse_body(struct wire_payload *p, struct wire_pool *pool,
		    const uint8_t **at)
{
	struct buf_reader r;

	buf_reader_init(&r, p->body.p, p->body.len);
	*at = p->body.p;
	switch (p->type) {
	case IKEV2_PL_SA:
		return parse_sa(&r, &p->u.sa, pool, at);
	case IKEV2_PL_KE:
		return parse_ke(&r, &p->u.ke, at);
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		return parse_id(&r, &p->u.id, at);
	case IKEV2_PL_CERT:
		return parse_cert(&r, &p->u.cert, at);
	case IKEV2_PL_CERTREQ:
		return parse_certreq(&r, &p->u.certreq, at);
	case IKEV2_PL_AUTH:
		return parse_auth(&r, &p->u.auth, at);
	case IKEV2_PL_NONCE:
		return parse_nonce(&r, &p->u.nonce, at);
	case IKEV2_PL_NOTIFY:
		return parse_notify(&r, &p->u.notify, at);
	case IKEV2_PL_DELETE:
		return parse_delete(&r, &p->u.del, at);
	case IKEV2_PL_VENDOR:
		return span_rest(&r, &p->u.vendor);
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		return parse_ts(&r, &p->u.ts, pool, at);
	case IKEV2_PL_SK:
		memset(&p->u.enc, 0, sizeof(p->u.enc));
		return span_rest(&r, &p->u.enc.body);
	case IKEV2_PL_SKF:
		memset(&p->u.enc, 0, sizeof(p->u.enc));
		p->u.enc.frag = true;
		return parse_skf(&r, &p->u.enc, at);
	case IKEV2_PL_CP:
		return parse_cp(&r, &p->u.cp, pool, at);
	case IKEV2_PL_EAP:
		return parse_eap(&r, &p->u.eap, at);
	}
	return ERR_INVAL;
}
