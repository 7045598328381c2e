/*
 * fuzz_wire.h - what the wire codec's two harnesses share: rebuilding a
 * parsed message or chain from its structs, and the consistency checks.
 *
 * The property both harnesses assert is: whatever parses can be rebuilt
 * from its host structs, the rebuilt bytes parse again to the same payload
 * types, and rebuilding that second parse gives the very same bytes (the
 * first rebuild normalises reserved fields and padding; after that the
 * codec is a fixed point).  Any violation aborts, which libFuzzer reports.
 */
#ifndef RESWAN_FUZZ_WIRE_H
#define RESWAN_FUZZ_WIRE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "wire/wire.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* The SK layout the harnesses use: the "plaintext" is the ciphertext. */
static const struct wire_sk_params fuzz_sk_identity = { 0, 0, 1 };

/* Exercise the read-only helpers on a parsed message (crash-freedom). */
static inline void fuzz_touch(const struct wire_msg *m)
{
	char names[512];
	size_t i;

	wire_name_msg(m, names, sizeof(names));
	FUZZ_CHECK(strlen(names) < sizeof(names));
	for (i = 0; i < m->npayloads; i++) {
		const struct wire_payload *p = &m->pl[i];
		const struct wire_notify *n = &p->u.notify;
		struct wire_span s;
		uint16_t algs[WIRE_MAX_HASH_ALGS], g;
		size_t cnt;
		uint32_t spi;
		uint8_t proto;

		FUZZ_CHECK(p->index == i);
		if (!p->known || p->type != IKEV2_PL_NOTIFY)
			continue;
		/* The parser ran wire_notify_check(): the helpers agree. */
		FUZZ_CHECK(wire_notify_check(n) == 0);
		switch (n->type) {
		case IKEV2_N_COOKIE:
			FUZZ_CHECK(wire_notify_cookie(n, &s) == 0);
			break;
		case IKEV2_N_NAT_DETECTION_SOURCE_IP:
		case IKEV2_N_NAT_DETECTION_DESTINATION_IP:
			FUZZ_CHECK(wire_notify_natd(n, &s) == 0);
			break;
		case IKEV2_N_INVALID_KE_PAYLOAD:
			FUZZ_CHECK(wire_notify_invalid_ke(n, &g) == 0);
			break;
		case IKEV2_N_REKEY_SA:
			FUZZ_CHECK(wire_notify_rekey_sa(n, &proto, &spi) == 0);
			break;
		case IKEV2_N_SIGNATURE_HASH_ALGORITHMS:
			FUZZ_CHECK(wire_notify_hash_algs(n, algs,
							 WIRE_MAX_HASH_ALGS,
							 &cnt) == 0);
			break;
		}
	}
}

/* Put payloads [from, to) of m. */
static inline void fuzz_put_range(struct wire_builder *b,
				  const struct wire_msg *m, size_t from,
				  size_t to)
{
	for (size_t i = from; i < to; i++)
		FUZZ_CHECK(wire_build_payload(b, &m->pl[i]) == 0);
}

/*
 * Rebuild a parsed message into w: the outer payloads, and the SK payload
 * either re-opened around the parsed inner chain or re-emitted verbatim.
 */
static inline void fuzz_rebuild_msg(const struct wire_msg *m,
				    struct buf_writer *w)
{
	struct wire_builder b;
	struct wire_sk_seal seal;

	buf_writer_reset(w);
	FUZZ_CHECK(wire_build_init(&b, w, &m->hdr) == 0);
	for (size_t i = 0; i < m->nouter; i++) {
		const struct wire_payload *p = &m->pl[i];

		if (p->type == IKEV2_PL_SK && m->inner_parsed) {
			FUZZ_CHECK(wire_sk_open(&b, &fuzz_sk_identity) == 0);
			fuzz_put_range(&b, m, m->nouter, m->npayloads);
			FUZZ_CHECK(wire_sk_close(&b, &seal) == 0);
		} else {
			FUZZ_CHECK(wire_build_payload(&b, p) == 0);
		}
	}
	FUZZ_CHECK(wire_build_finish(&b) == 0);
}

/*
 * Same payload types, flags and origins in the same order.  An SK payload
 * that was re-opened (wire_sk_open()) has a clear critical bit whatever
 * the peer sent: the bit means nothing on a known type (RFC 7296 3.2).
 */
static inline void fuzz_same_shape(const struct wire_msg *a,
				   const struct wire_msg *b)
{
	FUZZ_CHECK(a->npayloads == b->npayloads);
	FUZZ_CHECK(a->nouter == b->nouter);
	for (size_t i = 0; i < a->npayloads; i++) {
		FUZZ_CHECK(a->pl[i].type == b->pl[i].type);
		FUZZ_CHECK(a->pl[i].known == b->pl[i].known);
		if (!(a->pl[i].type == IKEV2_PL_SK && a->inner_parsed))
			FUZZ_CHECK(a->pl[i].critical == b->pl[i].critical);
		FUZZ_CHECK(a->pl[i].inner == b->pl[i].inner);
	}
}

#endif
