/*
 * wire_notify.c - Notify payload rules and the data of common notify types.
 *
 * A Notify names an SA by protocol and SPI (or names none) and carries
 * type-specific data.  wire_notify_check() holds every rule the codec can
 * check without state; the parser runs it on each received Notify and the
 * builder on each one it writes, so the data helpers below only repeat the
 * length check they depend on (they may be handed a struct that never went
 * through either).
 */
#include "common/err.h"
#include "wire/wire.h"

/* SPI sizes allowed for a Notify's protocol (RFC 7296 3.10). */
static bool spi_ok(uint8_t proto, uint8_t size)
{
	if (size == 0)
		return true;	/* protocol is then ignored on receipt */
	switch (proto) {
	case IKEV2_PROTO_IKE:
		return size == IKEV2_SPI_LEN;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		return size == 4;
	}
	return false;
}

int wire_notify_check(const struct wire_notify *n)
{
	if (!spi_ok(n->proto, n->spi_size))
		return ERR_SYNTAX;
	if (n->spi_size < 8 && n->spi >> (n->spi_size * 8))
		return ERR_SYNTAX;	/* host struct: SPI wider than its size */
	switch (n->type) {
	case IKEV2_N_COOKIE:
		if (n->data.len == 0 || n->data.len > WIRE_COOKIE_MAX)
			return ERR_SYNTAX;
		break;
	case IKEV2_N_NAT_DETECTION_SOURCE_IP:
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP:
		if (n->data.len != WIRE_NATD_LEN)
			return ERR_SYNTAX;
		break;
	case IKEV2_N_INVALID_KE_PAYLOAD:
		if (n->data.len != 2)
			return ERR_SYNTAX;
		break;
	case IKEV2_N_REKEY_SA:
		if ((n->proto != IKEV2_PROTO_ESP && n->proto != IKEV2_PROTO_AH) ||
		    n->spi_size != 4)
			return ERR_SYNTAX;
		break;
	case IKEV2_N_SIGNATURE_HASH_ALGORITHMS:
		if (n->data.len == 0 || n->data.len % 2)
			return ERR_SYNTAX;
		if (n->data.len / 2 > WIRE_MAX_HASH_ALGS)
			return ERR_NESTING;
		break;
	}
	return 0;
}

int wire_notify_cookie(const struct wire_notify *n, struct wire_span *cookie)
{
	if (n->type != IKEV2_N_COOKIE)
		return ERR_INVAL;
	if (n->data.len == 0 || n->data.len > WIRE_COOKIE_MAX)
		return ERR_SYNTAX;
	*cookie = n->data;
	return 0;
}

int wire_notify_natd(const struct wire_notify *n, struct wire_span *hash)
{
	if (n->type != IKEV2_N_NAT_DETECTION_SOURCE_IP &&
	    n->type != IKEV2_N_NAT_DETECTION_DESTINATION_IP)
		return ERR_INVAL;
	if (n->data.len != WIRE_NATD_LEN)
		return ERR_SYNTAX;
	*hash = n->data;
	return 0;
}

int wire_notify_invalid_ke(const struct wire_notify *n, uint16_t *group)
{
	if (n->type != IKEV2_N_INVALID_KE_PAYLOAD)
		return ERR_INVAL;
	if (n->data.len != 2)
		return ERR_SYNTAX;
	*group = buf_load_u16(n->data.p);
	return 0;
}

int wire_notify_rekey_sa(const struct wire_notify *n, uint8_t *proto,
			 uint32_t *spi)
{
	if (n->type != IKEV2_N_REKEY_SA)
		return ERR_INVAL;
	if ((n->proto != IKEV2_PROTO_ESP && n->proto != IKEV2_PROTO_AH) ||
	    n->spi_size != 4)
		return ERR_SYNTAX;
	*proto = n->proto;
	*spi = (uint32_t)n->spi;
	return 0;
}

int wire_notify_hash_algs(const struct wire_notify *n, uint16_t *algs,
			  size_t cap, size_t *count)
{
	size_t k;

	if (n->type != IKEV2_N_SIGNATURE_HASH_ALGORITHMS)
		return ERR_INVAL;
	if (n->data.len == 0 || n->data.len % 2)
		return ERR_SYNTAX;
	k = n->data.len / 2;
	if (k > cap || k > WIRE_MAX_HASH_ALGS)
		return ERR_NESTING;
	for (size_t i = 0; i < k; i++)
		algs[i] = buf_load_u16(n->data.p + 2 * i);
	*count = k;
	return 0;
}
