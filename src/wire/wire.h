/*
 * wire.h - the IKEv2 message and payload codec (RFC 7296, 7383, 5282).
 *
 * The codec turns datagrams into host structs and host structs into
 * datagrams.  It keeps no state, does no crypto and owns no sockets: the IKE
 * layer decides what a message means, the crypto layer encrypts and
 * authenticates, and the codec only knows where the bytes go.
 *
 * Parsing happens in two steps.  wire_msg_parse() reads the IKE header and
 * the outer payload chain; an SK (or SKF) payload, if present, must be the
 * last one and is recorded, not opened.  The caller authenticates and
 * decrypts it (wire_sk_view() names the IV, ciphertext, ICV and associated
 * data; wire_sk_unpad() strips the padding) and then hands the plaintext to
 * wire_msg_parse_inner(), which parses the inner chain with the same chain
 * parser and appends its payloads to the same struct wire_msg.  Every payload
 * body is fully validated during the chain walk, so a message that parses is
 * well formed down to the last transform attribute.
 *
 * Parsed structs borrow: every struct wire_span points into the buffer that
 * was parsed, which must outlive the struct wire_msg.  Nothing is cast onto
 * packet bytes; every count is capped by a WIRE_MAX_* constant and nested
 * arrays (proposals, transforms, attributes, traffic selectors, CP
 * attributes) live in fixed pools inside struct wire_msg, so parsing never
 * allocates.
 *
 * Errors are precise codes from common/err.h; struct wire_where says which
 * payload (index and type) and which byte offset was at fault, and for
 * ERR_CRITICAL which unknown type the peer marked critical, so the IKE layer
 * can answer UNSUPPORTED_CRITICAL_PAYLOAD or INVALID_SYNTAX and log why.
 *
 * Generation goes through struct wire_builder over a struct buf_writer: one
 * wire_put_*() per payload type taking the same structs the parser produces,
 * with next-payload fields, payload lengths and the header length
 * backpatched.  Every put re-parses what it wrote with the receive-side
 * parser, so the codec cannot emit a payload it would itself reject.  The SK
 * payload is built in two steps (wire_sk_open(), inner puts,
 * wire_sk_close()), after which struct wire_sk_seal names the bytes to
 * encrypt in place and the ICV to fill.
 *
 * See docs/internals/wire.md for the full contract and examples.
 */
#ifndef RESWAN_WIRE_WIRE_H
#define RESWAN_WIRE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "wire/ikev2.h"

/*
 * Caps.  Each bounds something a peer controls; exceeding one is
 * ERR_NESTING (for counts) or ERR_CHAIN (for the payload chain).  The values
 * leave room for the largest real proposals seen in the wild (strongSwan's
 * default IKE proposal has about 30 transforms; Windows and Android send
 * up to a dozen proposals).
 */
#define WIRE_MAX_PAYLOADS 64		/* per message, outer and inner */
#define WIRE_MAX_PROPOSALS 32		/* per SA payload */
#define WIRE_MAX_TRANSFORMS 64		/* per proposal */
#define WIRE_MAX_SA_TRANSFORMS 256	/* per SA payload, all proposals */
#define WIRE_MAX_ATTRS 4		/* per transform */
#define WIRE_MAX_SA_ATTRS 256		/* per SA payload, all transforms */
#define WIRE_MAX_TS 16			/* selectors per TSi/TSr payload */
#define WIRE_MAX_CP_ATTRS 32		/* attributes per CP payload */
#define WIRE_MAX_DELETE_SPIS 256	/* SPIs per Delete payload */
#define WIRE_MAX_CERTREQ_HASHES 64	/* CA hashes per CERTREQ payload */
#define WIRE_MAX_HASH_ALGS 16		/* SIGNATURE_HASH_ALGORITHMS list */
#define WIRE_MAX_FRAGMENTS 128		/* wire_skf_plan() output */

/* Fixed sizes the codec enforces. */
#define WIRE_NONCE_MIN 16		/* RFC 7296 2.10 */
#define WIRE_NONCE_MAX 256
#define WIRE_COOKIE_MAX 64		/* RFC 7296 2.6 */
#define WIRE_NATD_LEN 20		/* SHA-1, RFC 7296 2.23 */
#define WIRE_CERTREQ_HASH_LEN 20	/* SHA-1 of a CA public key */
#define WIRE_SKF_HDR_LEN 8		/* generic header + number + total */

/* A borrowed run of bytes; p is valid as long as the parsed buffer is. */
struct wire_span {
	const uint8_t *p;
	size_t len;
};

/* ------------------------------------------------------------------ */
/* IKE header (RFC 7296 3.1)                                           */
/* ------------------------------------------------------------------ */

struct wire_hdr {
	uint64_t spi_i;		/* SPIs as big-endian numbers: */
	uint64_t spi_r;		/* "%016" PRIx64 prints the wire bytes */
	uint8_t next;		/* first payload type */
	uint8_t major;
	uint8_t minor;
	uint8_t exchange;	/* enum ikev2_exchange */
	uint8_t flags;		/* IKEV2_FLAG_* */
	uint32_t msg_id;
	uint32_t length;	/* whole message, header included */
};

/*
 * Parse only the 28-octet header of msg (len bytes, non-ESP marker already
 * stripped) and check it against the datagram: ERR_TRUNCATED (< 28 bytes),
 * ERR_VERSION (major != 2), ERR_SHORT_LENGTH (length < 28), ERR_LENGTH
 * (length > len), ERR_TRAILING (length < len).  On ERR_VERSION and the
 * length errors *h is filled anyway, so the caller can answer with
 * INVALID_MAJOR_VERSION or log the SPIs; on ERR_TRUNCATED it is untouched.
 * Cheap: use it to find the IKE SA before any other work.
 */
int wire_hdr_parse(struct wire_hdr *h, const uint8_t *msg, size_t len);

/* Write h as 28 octets (version always 2.0; next and length as given). */
int wire_hdr_put(struct buf_writer *w, const struct wire_hdr *h);

/* Header for a request we send: version 2.0, I flag if we initiated the SA. */
void wire_hdr_init_request(struct wire_hdr *h, uint64_t spi_i, uint64_t spi_r,
			   uint8_t exchange, uint32_t msg_id,
			   bool original_initiator);
/*
 * Header for the response to req: same SPIs, exchange and message ID, the R
 * flag, and the I flag if we are the original initiator of the IKE SA.  An
 * IKE_SA_INIT request carries a zero responder SPI: set h->spi_r after.
 */
void wire_hdr_init_response(struct wire_hdr *h, const struct wire_hdr *req,
			    bool original_initiator);

static inline bool wire_hdr_is_response(const struct wire_hdr *h)
{
	return (h->flags & IKEV2_FLAG_RESPONSE) != 0;
}

/* True if the sender is the original initiator of the IKE SA. */
static inline bool wire_hdr_is_initiator(const struct wire_hdr *h)
{
	return (h->flags & IKEV2_FLAG_INITIATOR) != 0;
}

/* ------------------------------------------------------------------ */
/* Non-ESP marker and NAT-T demultiplexing on port 4500 (RFC 3948)     */
/* ------------------------------------------------------------------ */

enum wire_natt_kind {
	WIRE_NATT_IKE,		/* four zero octets, then an IKE message */
	WIRE_NATT_ESP,		/* a non-zero SPI: ESP-in-UDP */
	WIRE_NATT_KEEPALIVE,	/* the single 0xff octet */
	WIRE_NATT_INVALID,	/* too short to be any of those */
};

/*
 * Classify a datagram received on the NAT-T port.  For WIRE_NATT_IKE,
 * *ike_off (if not NULL) is set to IKEV2_NON_ESP_MARKER_LEN: the IKE message
 * starts there.
 */
enum wire_natt_kind wire_natt_classify(const uint8_t *p, size_t len,
				       size_t *ike_off);
/*
 * Strip the marker in place: on success *p and *len describe the IKE
 * message.  ERR_SYNTAX if the datagram is not marker + IKE (it is ESP or a
 * keepalive); *p and *len are then unchanged.
 */
int wire_natt_strip(const uint8_t **p, size_t *len);
/* Write the four-zero marker; call before wire_build_init() on port 4500. */
int wire_natt_put_marker(struct buf_writer *w);

/* ------------------------------------------------------------------ */
/* Payload bodies                                                      */
/* ------------------------------------------------------------------ */

/* Transform attribute: TV (value) or TLV (data).  Key Length is TV, 14. */
struct wire_attr {
	uint16_t type;		/* without the AF bit */
	bool tv;
	uint16_t value;		/* TV only */
	struct wire_span data;	/* TLV only */
};

struct wire_transform {
	uint8_t type;		/* enum ikev2_transform_type */
	uint16_t id;
	uint8_t nattrs;
	const struct wire_attr *attrs;
};

struct wire_proposal {
	uint8_t num;		/* 1, then equal or +1 */
	uint8_t proto;		/* enum ikev2_proto */
	uint8_t spi_size;	/* IKE 0 or 8, ESP/AH 4 */
	uint64_t spi;		/* big-endian value of the spi_size octets */
	uint8_t ntransforms;
	const struct wire_transform *transforms;
};

struct wire_sa {
	uint8_t nproposals;
	const struct wire_proposal *proposals;
};

/* Key Length attribute of t in bits: 0 and *bits set, or ERR_NOTFOUND. */
static inline int wire_transform_key_len(const struct wire_transform *t,
					 uint16_t *bits)
{
	for (uint8_t i = 0; i < t->nattrs; i++) {
		if (t->attrs[i].tv &&
		    t->attrs[i].type == IKEV2_ATTR_KEY_LENGTH) {
			*bits = t->attrs[i].value;
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

struct wire_ke {
	uint16_t group;		/* enum ikev2_dh */
	struct wire_span data;
};

/* IDi / IDr.  The AUTH computation needs the whole body: payload->body. */
struct wire_id {
	uint8_t type;		/* enum ikev2_id_type */
	struct wire_span data;
};

struct wire_cert {
	uint8_t encoding;	/* enum ikev2_cert_encoding */
	struct wire_span data;
};

/* For X509_SIGNATURE, data is nhashes concatenated SHA-1 key hashes. */
struct wire_certreq {
	uint8_t encoding;
	uint16_t nhashes;	/* 0 for other encodings */
	struct wire_span data;
};

struct wire_auth {
	uint8_t method;		/* enum ikev2_auth_method */
	struct wire_span data;
};

struct wire_notify {
	uint8_t proto;		/* enum ikev2_proto, 0 if no SA is named */
	uint8_t spi_size;	/* 0, or 4 (ESP/AH) or 8 (IKE) */
	uint16_t type;		/* enum ikev2_notify_error / _status */
	uint64_t spi;
	struct wire_span data;
};

/* SPIs are nspis * spi_size contiguous octets; see wire_delete_spi(). */
struct wire_delete {
	uint8_t proto;		/* IKE (no SPIs), ESP or AH (4-octet SPIs) */
	uint8_t spi_size;
	uint16_t nspis;
	struct wire_span spis;
};

/* The i-th SPI of d (i < d->nspis) as a number. */
static inline uint32_t wire_delete_spi(const struct wire_delete *d, size_t i)
{
	return buf_load_u32(d->spis.p + i * 4);
}

/*
 * One traffic selector.  Address-range types (7, 8) are decoded into the
 * fields; other types are kept whole in raw (type octet to the end of the
 * selector) so the IKE layer can skip them and the builder can re-emit them.
 * Ports 65535..0 mean OPAQUE (RFC 7296 3.13.1) and are accepted.
 */
struct wire_ts_sel {
	uint8_t type;		/* enum ikev2_ts_type */
	uint8_t proto;		/* IP protocol, 0 = any */
	uint16_t start_port;
	uint16_t end_port;
	uint8_t addr_len;	/* 4 or 16; 0 for other types */
	uint8_t start[16];
	uint8_t end[16];
	struct wire_span raw;	/* other types only (when parsing: all) */
};

struct wire_ts {
	uint8_t count;
	const struct wire_ts_sel *sel;
};

struct wire_cp_attr {
	uint16_t type;		/* enum ikev2_cfg_attr, R bit masked off */
	struct wire_span value;
};

struct wire_cp {
	uint8_t type;		/* enum ikev2_cfg_type */
	uint8_t nattrs;
	const struct wire_cp_attr *attrs;
};

/* EAP (parse; wire_put_eap() re-emits msg verbatim). */
struct wire_eap {
	uint8_t code;		/* IKEV2_EAP_CODE_* */
	uint8_t id;
	uint8_t type;		/* request/response only, else 0 */
	struct wire_span data;	/* after the type octet */
	struct wire_span msg;	/* the whole EAP message */
};

/*
 * SK or SKF.  body is IV || ciphertext || ICV; the split depends on the
 * negotiated algorithms, see wire_sk_view().  next is the type of the first
 * inner payload (for SKF: fragment 1 only, 0 in the others).
 */
struct wire_enc {
	uint8_t next;
	bool frag;		/* SKF (RFC 7383) */
	uint16_t frag_num;	/* SKF: 1..frag_total */
	uint16_t frag_total;
	struct wire_span body;
};

/* One payload of a parsed message. */
struct wire_payload {
	uint8_t type;		/* enum ikev2_payload, or an unknown value */
	bool critical;
	bool known;		/* false: unknown, non-critical, skipped */
	bool inner;		/* came from the decrypted SK/SKF content */
	uint16_t index;		/* position in the message, outer then inner */
	size_t off;		/* generic header offset in its buffer */
	struct wire_span body;	/* after the 4-octet generic header */
	union {
		struct wire_sa sa;
		struct wire_ke ke;
		struct wire_id id;		/* IDi, IDr */
		struct wire_cert cert;
		struct wire_certreq certreq;
		struct wire_auth auth;
		struct wire_span nonce;
		struct wire_notify notify;
		struct wire_delete del;
		struct wire_span vendor;
		struct wire_ts ts;		/* TSi, TSr */
		struct wire_enc enc;		/* SK, SKF */
		struct wire_cp cp;
		struct wire_eap eap;
	} u;
};

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

/* Where a parse failed (for logs and for UNSUPPORTED_CRITICAL_PAYLOAD). */
struct wire_where {
	int index;		/* payload index, -1 for the IKE header */
	uint8_t type;		/* payload type at fault (ERR_CRITICAL: the
				 * unknown type the peer marked critical) */
	bool inner;		/* off is relative to the plaintext */
	size_t off;		/* offset of the offending field */
};

/* Storage for nested arrays; owned by struct wire_msg, not for callers. */
struct wire_pool {
	uint16_t nprop, ntrans, nattr, nts, ncp;
	struct wire_proposal prop[WIRE_MAX_PROPOSALS];
	struct wire_transform trans[WIRE_MAX_SA_TRANSFORMS];
	struct wire_attr attr[WIRE_MAX_SA_ATTRS];
	struct wire_ts_sel ts[2 * WIRE_MAX_TS];
	struct wire_cp_attr cp[WIRE_MAX_CP_ATTRS];
};

/*
 * A parsed message.  About 20 KB: allocate it with wire_msg_new() or keep
 * one per worker.  It holds pointers into itself, so never copy it with
 * memcpy or assignment; re-parse instead.
 */
struct wire_msg {
	struct wire_hdr hdr;
	struct wire_span raw;		/* the message (header to end) */
	const struct wire_payload *enc;	/* the SK/SKF payload, or NULL */
	uint16_t npayloads;		/* outer + inner */
	uint16_t nouter;
	bool inner_parsed;
	uint32_t seen;			/* once-only payload types seen */
	struct wire_payload pl[WIRE_MAX_PAYLOADS];
	struct wire_pool pool;
};

struct wire_msg *wire_msg_new(void);
void wire_msg_free(struct wire_msg *m);
/* Empty m (no header, no payloads); needed before a bare parse_inner(). */
void wire_msg_init(struct wire_msg *m);

/*
 * Parse the IKE message msg[0..len) (non-ESP marker stripped): header
 * checks as in wire_hdr_parse(), then the outer payload chain.  Errors:
 * ERR_TRUNCATED, ERR_VERSION, ERR_SHORT_LENGTH, ERR_LENGTH, ERR_TRAILING,
 * ERR_CHAIN (more than WIRE_MAX_PAYLOADS, or SK/SKF not last),
 * ERR_CRITICAL, ERR_DUPLICATE, and any body error (ERR_SYNTAX, ERR_NESTING,
 * ERR_PROPOSAL_NUM, ...).  where (optional) says which payload failed.  On
 * failure m->hdr is valid if the header was, and the rest is undefined.
 */
int wire_msg_parse(struct wire_msg *m, const uint8_t *msg, size_t len,
		   struct wire_where *where);

/*
 * Parse the decrypted inner chain pt[0..len) (padding already stripped),
 * starting with payload type first (m->enc->u.enc.next for SK; for a
 * reassembled SKF message, fragment 1's next), and append it to m.  pt must
 * outlive m.  The inner chain may not contain SK or SKF (ERR_CHAIN), and
 * once-only payloads may not repeat across outer and inner (ERR_DUPLICATE).
 * where->off is relative to pt.  On failure m is restored to its outer-only
 * state.  Also usable on a wire_msg_init()ed message to parse a bare chain.
 */
int wire_msg_parse_inner(struct wire_msg *m, uint8_t first,
			 const uint8_t *pt, size_t len,
			 struct wire_where *where);

/* First payload of the given type, or NULL. */
const struct wire_payload *wire_msg_first(const struct wire_msg *m,
					  uint8_t type);
/* Next payload of the given type after prev, or NULL. */
const struct wire_payload *wire_msg_next(const struct wire_msg *m,
					 const struct wire_payload *prev,
					 uint8_t type);
size_t wire_msg_count(const struct wire_msg *m, uint8_t type);
/* First Notify of the given notify type, or NULL. */
const struct wire_notify *wire_msg_notify(const struct wire_msg *m,
					  uint16_t type);
/* First Notify with an error type (< 16384), or NULL. */
const struct wire_notify *wire_msg_error_notify(const struct wire_msg *m);

/* ------------------------------------------------------------------ */
/* Notify data helpers: each checks the data before decoding it        */
/* ------------------------------------------------------------------ */

/* COOKIE: 1..WIRE_COOKIE_MAX octets. */
int wire_notify_cookie(const struct wire_notify *n, struct wire_span *cookie);
/* NAT_DETECTION_SOURCE_IP / _DESTINATION_IP: WIRE_NATD_LEN octets. */
int wire_notify_natd(const struct wire_notify *n, struct wire_span *hash);
/* INVALID_KE_PAYLOAD: the group the responder wants. */
int wire_notify_invalid_ke(const struct wire_notify *n, uint16_t *group);
/* REKEY_SA: the ESP/AH SA being rekeyed. */
int wire_notify_rekey_sa(const struct wire_notify *n, uint8_t *proto,
			 uint32_t *spi);
/*
 * SIGNATURE_HASH_ALGORITHMS: up to cap identifiers into algs, count in *n.
 * ERR_NESTING if there are more than cap or WIRE_MAX_HASH_ALGS.
 */
int wire_notify_hash_algs(const struct wire_notify *n, uint16_t *algs,
			  size_t cap, size_t *count);
/*
 * Check SPI size against protocol and, for the types above, the data.
 * The parser runs this on every Notify; ERR_SYNTAX or ERR_NESTING.
 */
int wire_notify_check(const struct wire_notify *n);

/* ------------------------------------------------------------------ */
/* Generation                                                          */
/* ------------------------------------------------------------------ */

/*
 * Builds one message (or a bare payload chain) into a buf_writer.  Errors
 * are sticky like the writer's: after the first failure every later call
 * fails with the same code, so a caller can put a whole message and check
 * wire_build_finish() (or wire_sk_close()) once.  The builder keeps offsets,
 * not pointers, so a growing dyn writer is fine.
 */
struct wire_builder {
	struct buf_writer *w;
	size_t hdr_off;		/* IKE header offset, SIZE_MAX for a chain */
	size_t next_off;	/* next-payload octet to patch, or SIZE_MAX */
	size_t enc_off;		/* SK payload offset while open */
	size_t pt_off;		/* start of the SK plaintext */
	size_t iv_len, icv_len, block_len;
	uint16_t npayloads;
	uint8_t first;		/* first payload type (chain mode) */
	uint8_t state;		/* internal */
	int err;
};

/* Start a message: writes h (next and length are backpatched). */
int wire_build_init(struct wire_builder *b, struct buf_writer *w,
		    const struct wire_hdr *h);
/* Start a bare payload chain (e.g. SK content to fragment). */
void wire_build_init_chain(struct wire_builder *b, struct buf_writer *w);
/*
 * Finish: patches the header length.  Returns the first error, if any;
 * ERR_STATE if an SK payload is still open.  Not needed after
 * wire_sk_close(), which finishes the message itself.
 */
int wire_build_finish(struct wire_builder *b);
/* Type of the first payload written (chain mode), 0 if none. */
uint8_t wire_build_first(const struct wire_builder *b);

/*
 * A payload with an arbitrary body, unchecked: unknown types, and tests
 * that need malformed messages.
 */
int wire_build_raw(struct wire_builder *b, uint8_t type, bool critical,
		   const void *body, size_t len);
/*
 * Put a parsed payload back (dispatch on p->type, keeping p->critical).  An
 * SK/SKF payload is re-emitted verbatim (already encrypted) and must be
 * last.  This is what makes parse -> build round trips one loop.
 */
int wire_build_payload(struct wire_builder *b, const struct wire_payload *p);

/*
 * One put per payload type, taking the structs the parser produces.  Each
 * fails with ERR_INVAL (sticky) if the result would not parse; the
 * builder's message is then unusable.
 */
int wire_put_sa(struct wire_builder *b, const struct wire_sa *sa);
int wire_put_ke(struct wire_builder *b, const struct wire_ke *ke);
/* type is IKEV2_PL_IDI or IKEV2_PL_IDR. */
int wire_put_id(struct wire_builder *b, uint8_t type, const struct wire_id *id);
int wire_put_cert(struct wire_builder *b, const struct wire_cert *c);
int wire_put_certreq(struct wire_builder *b, const struct wire_certreq *c);
int wire_put_auth(struct wire_builder *b, const struct wire_auth *a);
int wire_put_nonce(struct wire_builder *b, const struct wire_span *nonce);
int wire_put_notify(struct wire_builder *b, const struct wire_notify *n);
int wire_put_delete(struct wire_builder *b, const struct wire_delete *d);
int wire_put_vendor(struct wire_builder *b, const struct wire_span *vid);
/* type is IKEV2_PL_TSI or IKEV2_PL_TSR. */
int wire_put_ts(struct wire_builder *b, uint8_t type, const struct wire_ts *ts);
int wire_put_cp(struct wire_builder *b, const struct wire_cp *cp);
int wire_put_eap(struct wire_builder *b, const struct wire_eap *e);

/* Convenience: a Notify with no SPI and the given data. */
int wire_put_notify_data(struct wire_builder *b, uint16_t type,
			 const void *data, size_t len);
/* INVALID_KE_PAYLOAD with the wanted group. */
int wire_put_notify_invalid_ke(struct wire_builder *b, uint16_t group);
/* SIGNATURE_HASH_ALGORITHMS with n identifiers. */
int wire_put_notify_hash_algs(struct wire_builder *b, const uint16_t *algs,
			      size_t n);

/* ------------------------------------------------------------------ */
/* SK: the Encrypted payload (RFC 7296 3.14, RFC 5282 for AEAD)       */
/* ------------------------------------------------------------------ */

/*
 * What the negotiated algorithms imply for the SK layout.  For AES-GCM-16
 * (RFC 5282): iv 8, icv 16, block 1.  For AES-CBC-128 + HMAC-SHA2-256-128:
 * iv 16, icv 16, block 16.  The crypto layer knows these numbers.
 */
struct wire_sk_params {
	size_t iv_len;
	size_t icv_len;
	size_t block_len;	/* 1..256; the ciphertext is a multiple */
};

/* Receive side: the parts of a parsed message's SK/SKF payload. */
struct wire_sk_view {
	const uint8_t *aad;	/* AEAD associated data: IKE header through */
	size_t aad_len;		/* the SK header (SKF: + number, total) */
	const uint8_t *iv;
	size_t iv_len;
	const uint8_t *ct;	/* ciphertext: inner payloads, padding, */
	size_t ct_len;		/* pad length */
	const uint8_t *icv;
	size_t icv_len;
	const uint8_t *integ;	/* non-AEAD: what the ICV covers, IKE */
	size_t integ_len;	/* header through the end of ct */
};

/*
 * Split m's SK/SKF payload.  ERR_MISSING if m has none, ERR_INVAL for bad
 * params, ERR_SHORT_LENGTH if the body cannot hold IV, one ciphertext octet
 * and ICV, ERR_SYNTAX if the ciphertext is not a multiple of block_len.
 */
int wire_sk_view(const struct wire_msg *m, const struct wire_sk_params *sp,
		 struct wire_sk_view *v);

/*
 * After decryption: pt[0..len) ends with the Pad Length octet.  Sets
 * *inner_len to the length of the inner payload chain; ERR_SYNTAX if the pad
 * length exceeds the plaintext.  Padding contents are not checked (RFC 7296
 * lets the sender choose them).
 */
int wire_sk_unpad(const uint8_t *pt, size_t len, size_t *inner_len);
/* Padding octets (excluding the Pad Length octet) for inner_len. */
size_t wire_sk_pad_len(size_t inner_len, size_t block_len);

/* Send side: where to encrypt in place and what to fill. */
struct wire_sk_seal {
	const uint8_t *aad;	/* as in wire_sk_view */
	size_t aad_len;
	uint8_t *iv;		/* fill (random or counter) before encrypting */
	size_t iv_len;
	uint8_t *pt;		/* inner payloads + zero padding + pad length: */
	size_t pt_len;		/* encrypt in place */
	uint8_t *icv;		/* fill last */
	size_t icv_len;
	const uint8_t *integ;	/* non-AEAD: MAC this, then write icv */
	size_t integ_len;
};

/*
 * Open an SK payload: writes its header and reserves the IV.  The puts that
 * follow form the inner chain.  ERR_STATE in chain mode or if already open.
 */
int wire_sk_open(struct wire_builder *b, const struct wire_sk_params *sp);
/*
 * Close it: appends padding, the Pad Length octet and room for the ICV,
 * patches the SK and header lengths (the message is finished) and fills
 * *s.  The pointers in *s stay valid until the writer is written to or
 * freed.
 */
int wire_sk_close(struct wire_builder *b, struct wire_sk_seal *s);
/*
 * One shot: an SK payload carrying an already-built inner chain (first is
 * its first payload type, see wire_build_first()).
 */
int wire_sk_put(struct wire_builder *b, const struct wire_sk_params *sp,
		uint8_t first, const uint8_t *inner, size_t len,
		struct wire_sk_seal *s);

/* ------------------------------------------------------------------ */
/* SKF: IKEv2 fragmentation (RFC 7383)                                 */
/* ------------------------------------------------------------------ */

/* How an inner chain is cut: fragment i carries [(i-1)*chunk, i*chunk). */
struct wire_skf_plan {
	uint16_t total;
	size_t chunk;
};

/*
 * Largest IKE message (header included, marker excluded) that fits a
 * datagram of mtu octets over IPv4/IPv6 + UDP (+ marker on port 4500).
 * 0 if mtu is too small.
 */
size_t wire_skf_max_msg(size_t mtu, bool ipv6, bool natt);

/*
 * Plan the fragments for an inner chain of inner_len octets so that every
 * fragment message is at most max_msg octets.  ERR_INVAL if not even one
 * octet fits, ERR_LIMIT beyond WIRE_MAX_FRAGMENTS.
 */
int wire_skf_plan(size_t inner_len, size_t max_msg,
		  const struct wire_sk_params *sp, struct wire_skf_plan *plan);
/* Fragment num's slice of inner (1 <= num <= plan->total). */
int wire_skf_chunk(const struct wire_skf_plan *plan, const uint8_t *inner,
		   size_t inner_len, uint16_t num, struct wire_span *chunk);
/*
 * Put one SKF payload carrying chunk (fragment num of total; first is the
 * inner chain's first payload type, written in fragment 1 only) and finish
 * the message, as wire_sk_close() does.  A fragment message carries
 * nothing but the SKF payload: call right after wire_build_init().
 */
int wire_skf_put(struct wire_builder *b, const struct wire_sk_params *sp,
		 uint8_t first, uint16_t num, uint16_t total,
		 const struct wire_span *chunk, struct wire_sk_seal *s);

/* ------------------------------------------------------------------ */
/* Key exchange lengths and names for logs                             */
/* ------------------------------------------------------------------ */

/* Public value length of a known group, 0 if the codec does not know it. */
size_t wire_ke_len(uint16_t group);

/*
 * Short names in the style of strongSwan's logs ("SA", "No", "IKE_AUTH",
 * "NATD_S_IP"), or NULL for values the codec has no name for.
 */
const char *wire_name_payload(uint8_t type);
const char *wire_name_exchange(uint8_t exchange);
const char *wire_name_notify(uint16_t type);
/*
 * "[ SA KE No N(NATD_S_IP) ... ]" for m into buf (always terminated,
 * truncated if need be); once the inner chain is parsed the SK payload
 * is left out, as strongSwan prints it.  Returns buf.
 */
const char *wire_name_msg(const struct wire_msg *m, char *buf, size_t len);

#endif
