/*
 * wire_skf.c - IKEv2 fragmentation, the stateless half (RFC 7383).
 *
 * A message too big for the path is sent as several messages, each with
 * one Encrypted Fragment payload: generic header, Fragment Number, Total
 * Fragments, then IV, ciphertext and ICV as in SK.  The AEAD associated data
 * covers the IKE header and those eight octets (RFC 7383 2.5).  The inner
 * chain is built once (wire_build_init_chain()), cut by wire_skf_plan() into
 * chunks that fill each fragment to the size limit, and each chunk is put
 * into its own message with wire_skf_put().  Receiving is the parser's job
 * (an SKF payload parses like SK); reassembly keeps state and so belongs to
 * the IKE layer, which calls wire_msg_parse_inner() on the joined chunks.
 */
#include "common/err.h"
#include "wire/wire_int.h"

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN 8

size_t wire_skf_max_msg(size_t mtu, bool ipv6, bool natt)
{
	size_t over = (ipv6 ? IPV6_HDR_LEN : IPV4_HDR_LEN) + UDP_HDR_LEN +
		      (natt ? IKEV2_NON_ESP_MARKER_LEN : 0);

	return mtu > over ? mtu - over : 0;
}

int wire_skf_plan(size_t inner_len, size_t max_msg,
		  const struct wire_sk_params *sp, struct wire_skf_plan *plan)
{
	size_t fixed, avail, ct_max, total;

	if (sp->block_len == 0 || sp->block_len > 256)
		return ERR_INVAL;
	fixed = IKEV2_HDR_LEN + WIRE_SKF_HDR_LEN + sp->iv_len + sp->icv_len;
	if (max_msg <= fixed)
		return ERR_INVAL;
	avail = max_msg - fixed;
	ct_max = avail - avail % sp->block_len;
	/* A full chunk plus the Pad Length octet fills ct_max exactly, so a
	 * chunk never needs padding beyond it. */
	if (ct_max < 2)
		return ERR_INVAL;
	plan->chunk = ct_max - 1;
	total = inner_len ? (inner_len + plan->chunk - 1) / plan->chunk : 1;
	if (total > WIRE_MAX_FRAGMENTS)
		return ERR_LIMIT;
	plan->total = (uint16_t)total;
	return 0;
}

int wire_skf_chunk(const struct wire_skf_plan *plan, const uint8_t *inner,
		   size_t inner_len, uint16_t num, struct wire_span *chunk)
{
	size_t off;

	if (num == 0 || num > plan->total || plan->chunk == 0)
		return ERR_INVAL;
	off = (size_t)(num - 1) * plan->chunk;
	if (off > inner_len || (num < plan->total && off + plan->chunk > inner_len))
		return ERR_INVAL;
	chunk->p = inner + off;
	chunk->len = num < plan->total ? plan->chunk : inner_len - off;
	return 0;
}

int wire_skf_put(struct wire_builder *b, const struct wire_sk_params *sp,
		 uint8_t first, uint16_t num, uint16_t total,
		 const struct wire_span *chunk, struct wire_sk_seal *s)
{
	size_t off, pt_off, pad, pt_len;
	int rc;

	if (b->err)
		return b->err;
	if (b->hdr_off == SIZE_MAX || b->state != WIRE_BUILD_OPEN ||
	    b->npayloads != 0)
		return wire_build_fail(b, ERR_STATE);
	if (num == 0 || num > total || sp->block_len == 0 ||
	    sp->block_len > 256)
		return wire_build_fail(b, ERR_INVAL);
	if ((rc = wire_build_begin(b, IKEV2_PL_SKF, false, &off)) != 0)
		return rc;
	/* Only fragment 1 names the first inner payload (RFC 7383 2.5). */
	buf_set_u8_at(b->w, off, num == 1 ? first : IKEV2_PL_NONE);
	buf_put_u16(b->w, num);
	buf_put_u16(b->w, total);
	buf_put_zero(b->w, sp->iv_len);
	pt_off = b->w->len;
	buf_put_bytes(b->w, chunk->p, chunk->len);
	pad = wire_sk_pad_len(chunk->len, sp->block_len);
	buf_put_zero(b->w, pad);
	buf_put_u8(b->w, (uint8_t)pad);
	pt_len = b->w->len - pt_off;
	buf_put_zero(b->w, sp->icv_len);
	if ((rc = wire_build_end(b, off)) != 0)
		return rc;
	if ((rc = wire_build_close_msg(b)) != 0)
		return rc;
	b->iv_len = sp->iv_len;
	b->icv_len = sp->icv_len;
	b->block_len = sp->block_len;
	wire_sk_fill_seal(b, off, WIRE_SKF_HDR_LEN, pt_len, s);
	return 0;
}
