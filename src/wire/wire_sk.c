/*
 * wire_sk.c - the Encrypted payload (RFC 7296 3.14; RFC 5282 for AEAD).
 *
 *   generic header | IV | inner payloads | padding | pad length | ICV
 *                        \_______ encrypted (ct / pt) _________/
 *
 * The codec never sees keys.  On receive, wire_sk_view() names the parts
 * and the two byte ranges an algorithm authenticates: for AEAD the
 * associated data is the IKE header through the SK generic header
 * (RFC 5282 5.1); for encrypt-then-MAC the ICV covers the IKE header
 * through the end of the ciphertext (RFC 7296 3.14).  After decryption
 * wire_sk_unpad() finds where the inner chain ends.  On send, the SK
 * payload is opened, the inner payloads are put after it, and
 * wire_sk_close() pads, reserves the ICV, fixes every length and returns
 * pointers for the crypto layer to encrypt and authenticate in place.
 */
#include "common/err.h"
#include "wire/wire_int.h"

/* The pad length is one octet, so a block may need up to 255 padding. */
#define MAX_BLOCK 256
/* Sanity bound for IV and ICV sizes (the largest real ones are 16/32). */
#define MAX_IV_ICV 64

static bool params_ok(const struct wire_sk_params *sp)
{
	return sp->block_len >= 1 && sp->block_len <= MAX_BLOCK &&
	       sp->iv_len <= MAX_IV_ICV && sp->icv_len <= MAX_IV_ICV;
}

int wire_sk_view(const struct wire_msg *m, const struct wire_sk_params *sp,
		 struct wire_sk_view *v)
{
	struct wire_span body;
	size_t ct_len;

	if (!m->enc || !m->raw.p)
		return ERR_MISSING;
	if (!params_ok(sp))
		return ERR_INVAL;
	body = m->enc->u.enc.body;
	/* At least the Pad Length octet must be encrypted. */
	if (body.len < sp->iv_len + 1 + sp->icv_len)
		return ERR_SHORT_LENGTH;
	ct_len = body.len - sp->iv_len - sp->icv_len;
	if (ct_len % sp->block_len)
		return ERR_SYNTAX;
	*v = (struct wire_sk_view){
		.aad = m->raw.p,
		.aad_len = (size_t)(body.p - m->raw.p),
		.iv = body.p,
		.iv_len = sp->iv_len,
		.ct = body.p + sp->iv_len,
		.ct_len = ct_len,
		.icv = body.p + sp->iv_len + ct_len,
		.icv_len = sp->icv_len,
		.integ = m->raw.p,
		.integ_len = (size_t)(body.p - m->raw.p) + sp->iv_len + ct_len,
	};
	return 0;
}

int wire_sk_unpad(const uint8_t *pt, size_t len, size_t *inner_len)
{
	size_t pad;

	if (len == 0)
		return ERR_SYNTAX;
	pad = pt[len - 1];
	if (pad + 1 > len)
		return ERR_SYNTAX;
	*inner_len = len - pad - 1;
	return 0;
}

size_t wire_sk_pad_len(size_t inner_len, size_t block_len)
{
	if (block_len <= 1)
		return 0;
	return (block_len - (inner_len + 1) % block_len) % block_len;
}

void wire_sk_fill_seal(struct wire_builder *b, size_t enc_off, size_t hdr_len,
		       size_t pt_len, struct wire_sk_seal *s)
{
	uint8_t *base = b->w->p + b->hdr_off;
	uint8_t *iv = b->w->p + enc_off + hdr_len;

	*s = (struct wire_sk_seal){
		.aad = base,
		.aad_len = (size_t)(iv - base),
		.iv = iv,
		.iv_len = b->iv_len,
		.pt = iv + b->iv_len,
		.pt_len = pt_len,
		.icv = iv + b->iv_len + pt_len,
		.icv_len = b->icv_len,
		.integ = base,
		.integ_len = (size_t)(iv - base) + b->iv_len + pt_len,
	};
}

int wire_sk_open(struct wire_builder *b, const struct wire_sk_params *sp)
{
	size_t off;
	int rc;

	if (b->err)
		return b->err;
	if (b->hdr_off == SIZE_MAX || b->state != WIRE_BUILD_OPEN)
		return wire_build_fail(b, ERR_STATE);
	if (!params_ok(sp))
		return wire_build_fail(b, ERR_INVAL);
	if ((rc = wire_build_begin(b, IKEV2_PL_SK, false, &off)) != 0)
		return rc;
	if (buf_put_zero(b->w, sp->iv_len))
		return wire_build_fail(b, ERR_LIMIT);
	b->enc_off = off;
	b->pt_off = b->w->len;
	b->iv_len = sp->iv_len;
	b->icv_len = sp->icv_len;
	b->block_len = sp->block_len;
	b->state = WIRE_BUILD_SK;
	return 0;
}

int wire_sk_close(struct wire_builder *b, struct wire_sk_seal *s)
{
	size_t pad, pt_len;
	int rc;

	if (b->err)
		return b->err;
	if (b->state != WIRE_BUILD_SK)
		return wire_build_fail(b, ERR_STATE);
	pad = wire_sk_pad_len(b->w->len - b->pt_off, b->block_len);
	/* Zero padding: RFC 7296 lets the sender choose the contents. */
	buf_put_zero(b->w, pad);
	buf_put_u8(b->w, (uint8_t)pad);
	pt_len = b->w->len - b->pt_off;
	buf_put_zero(b->w, b->icv_len);
	if ((rc = wire_build_end(b, b->enc_off)) != 0)
		return rc;
	if ((rc = wire_build_close_msg(b)) != 0)
		return rc;
	wire_sk_fill_seal(b, b->enc_off, IKEV2_GENERIC_HDR_LEN, pt_len, s);
	return 0;
}

int wire_sk_put(struct wire_builder *b, const struct wire_sk_params *sp,
		uint8_t first, const uint8_t *inner, size_t len,
		struct wire_sk_seal *s)
{
	int rc;

	if ((rc = wire_sk_open(b, sp)) != 0)
		return rc;
	buf_put_bytes(b->w, inner, len);
	buf_set_u8_at(b->w, b->enc_off, first);
	return wire_sk_close(b, s);
}
