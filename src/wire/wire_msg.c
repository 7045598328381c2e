/*
 * wire_msg.c - parsing whole messages: the header and the payload chains.
 *
 * One chain walker serves both the outer chain (after the IKE header) and
 * the inner chain (the decrypted SK content).  It follows next-payload
 * types through generic headers, confines each body to its declared length,
 * hands known bodies to wire_parse_body(), records unknown non-critical
 * payloads as skipped and stops at an unknown critical one.  Message-level
 * rules live here: the payload cap, once-only payloads, SK/SKF last and
 * only in the outer chain, no bytes after the chain.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "wire/wire_int.h"

struct walk {
	struct wire_msg *m;
	const uint8_t *base;	/* offsets in where are relative to this */
	struct wire_where *where;
	bool inner;
	uint16_t first_index;	/* m->npayloads when this walk started */
};

struct wire_msg *wire_msg_new(void)
{
	struct wire_msg *m = malloc(sizeof(*m));

	if (m)
		wire_msg_init(m);
	return m;
}

void wire_msg_free(struct wire_msg *m)
{
	free(m);
}

void wire_msg_init(struct wire_msg *m)
{
	m->hdr = (struct wire_hdr){ 0 };
	m->raw = (struct wire_span){ 0 };
	m->enc = NULL;
	m->npayloads = 0;
	m->nouter = 0;
	m->inner_parsed = false;
	m->seen = 0;
	m->pool.nprop = m->pool.ntrans = m->pool.nattr = 0;
	m->pool.nts = m->pool.ncp = 0;
}

static int fail(struct walk *w, int index, uint8_t type, const uint8_t *at,
		int rc)
{
	if (w->where) {
		w->where->index = index;
		w->where->type = type;
		w->where->inner = w->inner;
		w->where->off = (size_t)(at - w->base);
	}
	return rc;
}

/* Bit for a once-only payload type (all of them lie in 33..53). */
static uint32_t once_bit(uint8_t type)
{
	return (uint32_t)1 << (type - IKEV2_PL_SA);
}

static int walk_chain(struct walk *w, uint8_t type, struct buf_reader *r)
{
	struct wire_msg *m = w->m;
	const uint8_t *at;
	int rc;

	while (type != IKEV2_PL_NONE) {
		const uint8_t *start = buf_cursor(r);
		int idx = m->npayloads;
		struct wire_payload *p;
		uint8_t next, flags;
		uint16_t len;

		if (m->npayloads == WIRE_MAX_PAYLOADS)
			return fail(w, idx, type, start, ERR_CHAIN);
		if (buf_remaining(r) < IKEV2_GENERIC_HDR_LEN)
			return fail(w, idx, type, start, ERR_TRUNCATED);
		buf_get_u8(r, &next);
		buf_get_u8(r, &flags);
		buf_get_u16(r, &len);
		if (len < IKEV2_GENERIC_HDR_LEN)
			return fail(w, idx, type, start, ERR_SHORT_LENGTH);
		if ((size_t)len - IKEV2_GENERIC_HDR_LEN > buf_remaining(r))
			return fail(w, idx, type, start, ERR_LENGTH);

		p = &m->pl[m->npayloads];
		memset(p, 0, sizeof(*p));
		p->type = type;
		p->critical = (flags & IKEV2_CRITICAL_FLAG) != 0;
		p->inner = w->inner;
		p->index = (uint16_t)idx;
		p->off = (size_t)(start - w->base);
		p->body.len = (size_t)len - IKEV2_GENERIC_HDR_LEN;
		buf_get_ref(r, &p->body.p, p->body.len);

		p->known = wire_parse_known(type);
		if (!p->known) {
			/* RFC 7296 2.5: skip it unless the sender said the
			 * message makes no sense without it. */
			if (p->critical)
				return fail(w, idx, type, start, ERR_CRITICAL);
			m->npayloads++;
			type = next;
			continue;
		}
		if (p->body.len < wire_parse_min_body(type))
			return fail(w, idx, type, start, ERR_SHORT_LENGTH);
		if ((type == IKEV2_PL_SK || type == IKEV2_PL_SKF) && w->inner)
			return fail(w, idx, type, start, ERR_CHAIN);
		if (wire_parse_once(type)) {
			if (m->seen & once_bit(type))
				return fail(w, idx, type, start, ERR_DUPLICATE);
			m->seen |= once_bit(type);
		}
		if ((rc = wire_parse_body(p, &m->pool, &at)) != 0)
			return fail(w, idx, type, at, rc);
		m->npayloads++;

		if (type == IKEV2_PL_SK || type == IKEV2_PL_SKF) {
			/* Its next-payload field names the first inner
			 * payload; nothing may follow it in the message. */
			p->u.enc.next = next;
			m->enc = p;
			if (buf_remaining(r))
				return fail(w, idx, type, buf_cursor(r),
					    ERR_CHAIN);
			return 0;
		}
		type = next;
	}
	if (buf_remaining(r)) {
		int last = m->npayloads > w->first_index ? m->npayloads - 1
							 : -1;

		return fail(w, last, 0, buf_cursor(r), ERR_TRAILING);
	}
	return 0;
}

int wire_msg_parse(struct wire_msg *m, const uint8_t *msg, size_t len,
		   struct wire_where *where)
{
	struct walk w = { .m = m, .base = msg, .where = where };
	struct buf_reader r;
	int rc;

	wire_msg_init(m);
	rc = wire_hdr_parse(&m->hdr, msg, len);
	if (rc == ERR_TRAILING) {
		/* Point at the first byte after the declared message. */
		return fail(&w, -1, 0, msg + m->hdr.length, rc);
	}
	if (rc)
		return fail(&w, -1, 0, msg, rc);
	m->raw.p = msg;
	m->raw.len = len;
	buf_reader_init(&r, msg + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN);
	rc = walk_chain(&w, m->hdr.next, &r);
	m->nouter = m->npayloads;
	return rc;
}

int wire_msg_parse_inner(struct wire_msg *m, uint8_t first,
			 const uint8_t *pt, size_t len,
			 struct wire_where *where)
{
	struct walk w = { .m = m, .base = pt, .where = where, .inner = true,
			  .first_index = m->npayloads };
	/* What the outer parse used, to roll back to on failure. */
	struct wire_pool *pl = &m->pool;
	uint16_t nprop = pl->nprop, ntrans = pl->ntrans, nattr = pl->nattr;
	uint16_t nts = pl->nts, ncp = pl->ncp;
	uint32_t seen = m->seen;
	struct buf_reader r;
	int rc;

	if (m->inner_parsed)
		return ERR_STATE;
	m->nouter = m->npayloads;
	buf_reader_init(&r, pt, len);
	rc = walk_chain(&w, first, &r);
	if (rc) {
		m->npayloads = m->nouter;
		m->seen = seen;
		pl->nprop = nprop;
		pl->ntrans = ntrans;
		pl->nattr = nattr;
		pl->nts = nts;
		pl->ncp = ncp;
		return rc;
	}
	m->inner_parsed = true;
	return 0;
}

const struct wire_payload *wire_msg_next(const struct wire_msg *m,
					 const struct wire_payload *prev,
					 uint8_t type)
{
	size_t i = prev ? (size_t)(prev - m->pl) + 1 : 0;

	for (; i < m->npayloads; i++)
		if (m->pl[i].type == type)
			return &m->pl[i];
	return NULL;
}

const struct wire_payload *wire_msg_first(const struct wire_msg *m,
					  uint8_t type)
{
	return wire_msg_next(m, NULL, type);
}

size_t wire_msg_count(const struct wire_msg *m, uint8_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < m->npayloads; i++)
		n += m->pl[i].type == type;
	return n;
}

const struct wire_notify *wire_msg_notify(const struct wire_msg *m,
					  uint16_t type)
{
	const struct wire_payload *p = NULL;

	while ((p = wire_msg_next(m, p, IKEV2_PL_NOTIFY)))
		if (p->u.notify.type == type)
			return &p->u.notify;
	return NULL;
}

const struct wire_notify *wire_msg_error_notify(const struct wire_msg *m)
{
	const struct wire_payload *p = NULL;

	while ((p = wire_msg_next(m, p, IKEV2_PL_NOTIFY)))
		if (p->u.notify.type < IKEV2_N_INITIAL_CONTACT)
			return &p->u.notify;
	return NULL;
}
