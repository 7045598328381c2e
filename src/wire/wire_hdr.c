/*
 * wire_hdr.c - the 28-octet IKE header (RFC 7296 3.1).
 *
 * The header is parsed on its own first because it is all the daemon needs
 * to find (or refuse to create) an IKE SA: the cheapest check comes first.
 * Version is checked before length so that a future major version with a
 * different layout still gets an INVALID_MAJOR_VERSION answer.
 */
#include "common/err.h"
#include "wire/wire.h"

int wire_hdr_parse(struct wire_hdr *h, const uint8_t *msg, size_t len)
{
	struct buf_reader r;
	struct wire_hdr t;
	uint8_t ver;

	if (len < IKEV2_HDR_LEN)
		return ERR_TRUNCATED;
	buf_reader_init(&r, msg, len);
	buf_get_u64(&r, &t.spi_i);
	buf_get_u64(&r, &t.spi_r);
	buf_get_u8(&r, &t.next);
	buf_get_u8(&r, &ver);
	buf_get_u8(&r, &t.exchange);
	buf_get_u8(&r, &t.flags);
	buf_get_u32(&r, &t.msg_id);
	buf_get_u32(&r, &t.length);
	t.major = ver >> 4;
	t.minor = ver & 0x0f;
	*h = t;
	if (t.major != IKEV2_MAJOR_VERSION)
		return ERR_VERSION;
	if (t.length < IKEV2_HDR_LEN)
		return ERR_SHORT_LENGTH;
	if (t.length > len)
		return ERR_LENGTH;
	if (t.length < len)
		return ERR_TRAILING;
	return 0;
}

int wire_hdr_put(struct buf_writer *w, const struct wire_hdr *h)
{
	buf_put_u64(w, h->spi_i);
	buf_put_u64(w, h->spi_r);
	buf_put_u8(w, h->next);
	buf_put_u8(w, IKEV2_MAJOR_VERSION << 4 | IKEV2_MINOR_VERSION);
	buf_put_u8(w, h->exchange);
	buf_put_u8(w, h->flags);
	buf_put_u32(w, h->msg_id);
	return buf_put_u32(w, h->length);
}

void wire_hdr_init_request(struct wire_hdr *h, uint64_t spi_i, uint64_t spi_r,
			   uint8_t exchange, uint32_t msg_id,
			   bool original_initiator)
{
	*h = (struct wire_hdr){
		.spi_i = spi_i,
		.spi_r = spi_r,
		.major = IKEV2_MAJOR_VERSION,
		.minor = IKEV2_MINOR_VERSION,
		.exchange = exchange,
		.flags = original_initiator ? IKEV2_FLAG_INITIATOR : 0,
		.msg_id = msg_id,
	};
}

void wire_hdr_init_response(struct wire_hdr *h, const struct wire_hdr *req,
			    bool original_initiator)
{
	wire_hdr_init_request(h, req->spi_i, req->spi_r, req->exchange,
			      req->msg_id, original_initiator);
	h->flags |= IKEV2_FLAG_RESPONSE;
}
