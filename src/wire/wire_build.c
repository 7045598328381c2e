/*
 * wire_build.c - the message builder: chaining, backpatching, re-checking.
 *
 * A payload is written as a generic header with zero next-payload and
 * length, then its body; when the next payload begins, its type is patched
 * into the previous payload's next-payload octet (or the IKE header's, or,
 * in an SK payload, the SK header's, which is how the inner chain hangs off
 * the SK payload).  Lengths are patched when a payload ends and the header
 * length when the message is finished.  Only offsets are kept, so a dyn
 * writer may move its memory between calls.
 *
 * Every typed put ends with wire_build_end_checked(), which runs the
 * receive-side body decoder over the bytes just written: whatever the
 * builder produces, the parser accepts.  The cost is one decode per payload
 * (microseconds), paid once per message sent.
 */
#include <string.h>

#include "common/err.h"
#include "wire/wire_int.h"

#define HDR_NEXT_OFF 16		/* next-payload octet in the IKE header */
#define HDR_LENGTH_OFF 24

int wire_build_fail(struct wire_builder *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

/* The writer's sticky error, as a code. */
static int writer_rc(const struct wire_builder *b)
{
	return buf_writer_error(b->w) ? ERR_LIMIT : 0;
}

int wire_build_init(struct wire_builder *b, struct buf_writer *w,
		    const struct wire_hdr *h)
{
	struct wire_hdr t = *h;

	*b = (struct wire_builder){
		.w = w,
		.hdr_off = w->len,
		.next_off = w->len + HDR_NEXT_OFF,
		.enc_off = SIZE_MAX,
		.pt_off = SIZE_MAX,
	};
	t.next = IKEV2_PL_NONE;
	t.length = 0;
	if (wire_hdr_put(w, &t))
		return wire_build_fail(b, ERR_LIMIT);
	return 0;
}

void wire_build_init_chain(struct wire_builder *b, struct buf_writer *w)
{
	*b = (struct wire_builder){
		.w = w,
		.hdr_off = SIZE_MAX,
		.next_off = SIZE_MAX,
		.enc_off = SIZE_MAX,
		.pt_off = SIZE_MAX,
	};
	if (buf_writer_error(w))
		wire_build_fail(b, ERR_LIMIT);
}

uint8_t wire_build_first(const struct wire_builder *b)
{
	return b->first;
}

int wire_build_begin(struct wire_builder *b, uint8_t type, bool critical,
		     size_t *off)
{
	struct buf_writer *w = b->w;

	if (b->err)
		return b->err;
	if (b->state == WIRE_BUILD_DONE)
		return wire_build_fail(b, ERR_STATE);
	/* The parser would refuse more (ERR_CHAIN). */
	if (b->npayloads == WIRE_MAX_PAYLOADS)
		return wire_build_fail(b, ERR_LIMIT);
	*off = w->len;
	if (b->next_off != SIZE_MAX)
		buf_set_u8_at(w, b->next_off, type);
	else
		b->first = type;
	buf_put_u8(w, IKEV2_PL_NONE);
	buf_put_u8(w, critical ? IKEV2_CRITICAL_FLAG : 0);
	buf_put_u16(w, 0);
	if (writer_rc(b))
		return wire_build_fail(b, ERR_LIMIT);
	b->next_off = *off;
	b->npayloads++;
	return 0;
}

int wire_build_end(struct wire_builder *b, size_t off)
{
	size_t len;

	if (b->err)
		return b->err;
	if (writer_rc(b))
		return wire_build_fail(b, ERR_LIMIT);
	len = b->w->len - off;
	if (len > UINT16_MAX)
		return wire_build_fail(b, ERR_LIMIT);
	buf_set_u16_at(b->w, off + 2, (uint16_t)len);
	return 0;
}

int wire_build_end_checked(struct wire_builder *b, size_t off, uint8_t type)
{
	struct wire_payload p = { .type = type, .known = true };
	struct wire_pool pool;
	const uint8_t *at;
	int rc;

	if ((rc = wire_build_end(b, off)) != 0)
		return rc;
	p.body.p = b->w->p + off + IKEV2_GENERIC_HDR_LEN;
	p.body.len = b->w->len - off - IKEV2_GENERIC_HDR_LEN;
	pool.nprop = pool.ntrans = pool.nattr = pool.nts = pool.ncp = 0;
	if (p.body.len < wire_parse_min_body(type) ||
	    wire_parse_body(&p, &pool, &at) != 0)
		return wire_build_fail(b, ERR_INVAL);
	return 0;
}

int wire_build_close_msg(struct wire_builder *b)
{
	if (b->err)
		return b->err;
	if (b->hdr_off != SIZE_MAX) {
		size_t total = b->w->len - b->hdr_off;

		if (total > UINT32_MAX)
			return wire_build_fail(b, ERR_LIMIT);
		buf_set_u32_at(b->w, b->hdr_off + HDR_LENGTH_OFF,
			       (uint32_t)total);
	}
	b->state = WIRE_BUILD_DONE;
	return writer_rc(b) ? wire_build_fail(b, ERR_LIMIT) : 0;
}

int wire_build_finish(struct wire_builder *b)
{
	if (b->err)
		return b->err;
	if (b->state == WIRE_BUILD_SK)
		return wire_build_fail(b, ERR_STATE);
	return wire_build_close_msg(b);
}

int wire_build_raw(struct wire_builder *b, uint8_t type, bool critical,
		   const void *body, size_t len)
{
	size_t off;
	int rc;

	if ((rc = wire_build_begin(b, type, critical, &off)) != 0)
		return rc;
	buf_put_bytes(b->w, body, len);
	return wire_build_end(b, off);
}

/* Re-emit an already encrypted SK/SKF payload; it ends the message. */
static int put_enc(struct wire_builder *b, const struct wire_payload *p)
{
	const struct wire_enc *e = &p->u.enc;
	size_t off;
	int rc;

	if (b->hdr_off == SIZE_MAX || b->state != WIRE_BUILD_OPEN)
		return wire_build_fail(b, ERR_STATE);
	if ((rc = wire_build_begin(b, p->type, p->critical, &off)) != 0)
		return rc;
	if (e->frag) {
		buf_put_u16(b->w, e->frag_num);
		buf_put_u16(b->w, e->frag_total);
	}
	buf_put_bytes(b->w, e->body.p, e->body.len);
	buf_set_u8_at(b->w, off, e->next);
	if ((rc = wire_build_end_checked(b, off, p->type)) != 0)
		return rc;
	return wire_build_close_msg(b);
}

int wire_build_payload(struct wire_builder *b, const struct wire_payload *p)
{
	size_t off = b->w->len;
	int rc;

	if (!p->known)
		return wire_build_raw(b, p->type, p->critical, p->body.p,
				      p->body.len);
	switch (p->type) {
	case IKEV2_PL_SA: rc = wire_put_sa(b, &p->u.sa); break;
	case IKEV2_PL_KE: rc = wire_put_ke(b, &p->u.ke); break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR: rc = wire_put_id(b, p->type, &p->u.id); break;
	case IKEV2_PL_CERT: rc = wire_put_cert(b, &p->u.cert); break;
	case IKEV2_PL_CERTREQ: rc = wire_put_certreq(b, &p->u.certreq); break;
	case IKEV2_PL_AUTH: rc = wire_put_auth(b, &p->u.auth); break;
	case IKEV2_PL_NONCE: rc = wire_put_nonce(b, &p->u.nonce); break;
	case IKEV2_PL_NOTIFY: rc = wire_put_notify(b, &p->u.notify); break;
	case IKEV2_PL_DELETE: rc = wire_put_delete(b, &p->u.del); break;
	case IKEV2_PL_VENDOR: rc = wire_put_vendor(b, &p->u.vendor); break;
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR: rc = wire_put_ts(b, p->type, &p->u.ts); break;
	case IKEV2_PL_CP: rc = wire_put_cp(b, &p->u.cp); break;
	case IKEV2_PL_EAP: rc = wire_put_eap(b, &p->u.eap); break;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF: return put_enc(b, p);
	default: return wire_build_fail(b, ERR_INVAL);
	}
	/* The typed puts never set the critical bit; keep the peer's. */
	if (rc == 0 && p->critical)
		rc = buf_set_u8_at(b->w, off + 1, IKEV2_CRITICAL_FLAG);
	return rc;
}
