/*
 * wire_natt.c - the non-ESP marker on the NAT-T port (RFC 3948 2.2, 2.3).
 *
 * Port 4500 carries three things: IKE messages behind four zero octets,
 * ESP packets (whose SPI is never zero) and one-octet 0xff NAT keepalives.
 * The daemon classifies each datagram here and hands the IKE ones, without
 * the marker, to wire_msg_parse().
 */
#include "common/err.h"
#include "wire/wire.h"

enum wire_natt_kind wire_natt_classify(const uint8_t *p, size_t len,
				       size_t *ike_off)
{
	if (len == 1 && p[0] == 0xff)
		return WIRE_NATT_KEEPALIVE;
	if (len < IKEV2_NON_ESP_MARKER_LEN)
		return WIRE_NATT_INVALID;
	if (buf_load_u32(p) == 0) {
		if (ike_off)
			*ike_off = IKEV2_NON_ESP_MARKER_LEN;
		return WIRE_NATT_IKE;
	}
	/* SPI + sequence number at least (RFC 4303 2). */
	if (len < 8)
		return WIRE_NATT_INVALID;
	return WIRE_NATT_ESP;
}

int wire_natt_strip(const uint8_t **p, size_t *len)
{
	size_t off;

	if (wire_natt_classify(*p, *len, &off) != WIRE_NATT_IKE)
		return ERR_SYNTAX;
	*p += off;
	*len -= off;
	return 0;
}

int wire_natt_put_marker(struct buf_writer *w)
{
	return buf_put_u32(w, 0);
}
