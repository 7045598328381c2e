/*
 * wire_int.h - what the codec's own files share and callers do not need.
 *
 * The payload body decoders (wire_parse.c) are used twice: by the chain
 * walker in wire_msg.c on received messages, and by the builder
 * (wire_build.c) to re-check every payload it has just written.  The
 * builder's begin/end pair is used by the payload puts (wire_put.c) and the
 * SK/SKF writers (wire_sk.c, wire_skf.c).
 */
#ifndef RESWAN_WIRE_WIRE_INT_H
#define RESWAN_WIRE_WIRE_INT_H

#include "wire/wire.h"

/* Builder states (struct wire_builder.state). */
enum {
	WIRE_BUILD_OPEN = 0,	/* accepting payloads */
	WIRE_BUILD_SK,		/* inside an open SK payload */
	WIRE_BUILD_DONE,	/* finished; only wire_build_finish() is ok */
};

/* True for the payload types the codec decodes. */
bool wire_parse_known(uint8_t type);
/* Smallest body (after the generic header) a known type can have. */
size_t wire_parse_min_body(uint8_t type);
/* True for types that may appear at most once in a message. */
bool wire_parse_once(uint8_t type);

/*
 * Decode p->body of known type p->type into p->u.  Nested arrays are taken
 * from pool (its counters advance).  On failure *at points at the field
 * that was wrong.  The body length is already at least the type's minimum.
 */
int wire_parse_body(struct wire_payload *p, struct wire_pool *pool,
		    const uint8_t **at);

/*
 * Start a payload: fail if the builder has failed or is done, patch the
 * previous next-payload field (or the header's, or remember the first
 * type), write the generic header and return its offset in *off.
 */
int wire_build_begin(struct wire_builder *b, uint8_t type, bool critical,
		     size_t *off);
/* End the payload begun at off: patch its length (ERR_LIMIT > 65535). */
int wire_build_end(struct wire_builder *b, size_t off);
/* End the payload at off and re-parse it as its type would be received. */
int wire_build_end_checked(struct wire_builder *b, size_t off, uint8_t type);
/* Record err as the builder's sticky error (first one wins); returns it. */
int wire_build_fail(struct wire_builder *b, int err);
/* Patch the header length and move to WIRE_BUILD_DONE. */
int wire_build_close_msg(struct wire_builder *b);

/* Fill a seal for an encrypted payload at enc_off whose body is laid out as
 * hdr_len (4 or 8) | iv | pt_len | icv. */
void wire_sk_fill_seal(struct wire_builder *b, size_t enc_off, size_t hdr_len,
		       size_t pt_len, struct wire_sk_seal *s);

#endif
