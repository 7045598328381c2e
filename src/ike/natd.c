/*
 * natd.c - NAT detection (RFC 7296 2.23).
 *
 * NAT_DETECTION_SOURCE_IP / _DESTINATION_IP carry SHA-1(SPIi | SPIr | IP |
 * port).  reswan's data plane is userspace ESP-in-UDP only, so, like
 * strongSwan's encap=yes, it always sends a source hash that cannot match:
 * the peer then believes we are behind a NAT, both sides move to port
 * 4500 and ESP is UDP-encapsulated.  The peer's own source hash is still
 * checked so logs and status say whether the peer really is behind one.
 */
#include <string.h>

#include "common/err.h"
#include "crypto/hash.h"
#include "ike/internal.h"

int natd_hash(uint64_t spi_i, uint64_t spi_r, const struct addr *a,
	      uint8_t out[WIRE_NATD_LEN])
{
	uint8_t spis[16], port[2];
	struct crypto_span in[3];

	for (int i = 0; i < 8; i++) {
		spis[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		spis[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	port[0] = (uint8_t)(a->port >> 8);
	port[1] = (uint8_t)a->port;
	in[0] = (struct crypto_span){ spis, sizeof(spis) };
	in[1] = (struct crypto_span){ a->ip, addr_len(a) };
	in[2] = (struct crypto_span){ port, sizeof(port) };
	return hash_compute(HASH_SHA1, in, 3, out);
}

int natd_put(struct ike_sa *sa, struct wire_builder *b)
{
	uint8_t src[WIRE_NATD_LEN], dst[WIRE_NATD_LEN];
	int rc;

	/* Forced encapsulation: a random source hash never matches. */
	if ((rc = ike_random(sa->ike, src, sizeof(src))) != 0)
		return rc;
	if ((rc = natd_hash(sa->spi_i, sa->spi_r, &sa->remote, dst)) != 0)
		return rc;
	if ((rc = wire_put_notify_data(b, IKEV2_N_NAT_DETECTION_SOURCE_IP,
				       src, sizeof(src))) != 0)
		return rc;
	return wire_put_notify_data(b, IKEV2_N_NAT_DETECTION_DESTINATION_IP,
				    dst, sizeof(dst));
}

void natd_process(struct ike_sa *sa, const struct msg_in *in)
{
	const struct wire_payload *p;
	uint8_t want[WIRE_NATD_LEN];
	bool any_src = false, src_match = false, dst_match = false, any_dst = false;

	/* Hashed with the SPIs of that message (SPIr is 0 in a request). */
	if (natd_hash(in->m->hdr.spi_i, in->m->hdr.spi_r, &in->remote, want) != 0)
		return;
	for (p = wire_msg_first(in->m, IKEV2_PL_NOTIFY); p;
	     p = wire_msg_next(in->m, p, IKEV2_PL_NOTIFY)) {
		struct wire_span h;

		if (wire_notify_natd(&p->u.notify, &h) != 0)
			continue;
		if (p->u.notify.type == IKEV2_N_NAT_DETECTION_SOURCE_IP) {
			any_src = true;
			src_match |= memcmp(h.p, want, WIRE_NATD_LEN) == 0;
		} else if (p->u.notify.type == IKEV2_N_NAT_DETECTION_DESTINATION_IP) {
			uint8_t mine[WIRE_NATD_LEN];

			any_dst = true;
			if (natd_hash(in->m->hdr.spi_i, in->m->hdr.spi_r,
				      &in->local, mine) == 0)
				dst_match |= memcmp(h.p, mine, WIRE_NATD_LEN) == 0;
		}
	}
	if (!any_src && !any_dst)
		return;		/* peer does not do NAT-T: stay on 500 */
	sa->nat_there = any_src && !src_match;
	sa->nat_here = true;	/* forced: we always claim one */
	(void)dst_match;
	sa->natt = true;
}
