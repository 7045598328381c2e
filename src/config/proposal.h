/*
 * proposal.h - strongSwan proposal strings as IKEv2 transform sets.
 *
 * A proposal string is algorithm keywords joined by '-'
 * ("aes256gcm16-prfsha384-x25519"); a list of proposals is separated by
 * commas.  In IKEv2 one proposal may list several algorithms of each kind,
 * in order of preference, and the peer picks one of each.  struct proposal
 * keeps exactly that, as IANA numbers from wire/ikev2.h.
 *
 * The keywords reswan accepts (case-insensitive, as strongSwan):
 *   encryption  aes aes128 aes192 aes256 (AES-CBC), aes128gcm16 aes256gcm16
 *               (also aes128gcm128 aes256gcm128), chacha20poly1305
 *   integrity   sha256 sha384 sha512 (also sha2_256 ...): HMAC-SHA2-*
 *   prf         prfsha256 prfsha384 prfsha512
 *   key exch.   modp2048 modp3072 ecp256 ecp384 x25519 curve25519
 *   esn         esn noesn (ESP only)
 * and "default" alone, which stands for reswan's default proposals (below).
 *
 * strongSwan's rules, applied the same way:
 *  - AEAD and classic ciphers cannot be mixed in one proposal;
 *  - IKE needs encryption, a PRF and a key exchange method, and integrity
 *    unless AEAD; if no PRF is given, the integrity algorithms imply their
 *    PRFs (sha256 -> prfsha256, in order);
 *  - ESP needs encryption, and integrity unless AEAD; a key exchange method
 *    is optional (PFS for CREATE_CHILD_SA); without esn/noesn, noesn;
 *  - integrity algorithms in an AEAD proposal are dropped (in IKE after
 *    they implied the PRF: "aes256gcm16-sha256-x25519" is a common way to
 *    write prfsha256), PRFs in an ESP proposal are dropped (strongSwan
 *    does this silently; reswan has the caller warn when a keyword had no
 *    effect at all);
 *  - the same algorithm listed twice counts once.
 *
 * Defaults ("default", or the key not set): strongSwan 5.9's defaults
 * restricted to the algorithms above, in strongSwan's order:
 *   IKE: aes128-aes192-aes256-sha256-sha384-sha512-prfsha256-prfsha384-
 *        prfsha512-curve25519-ecp256-ecp384-modp3072-modp2048,
 *        aes128gcm16-aes256gcm16-chacha20poly1305-prfsha256-prfsha384-
 *        prfsha512-curve25519-ecp256-ecp384-modp3072-modp2048
 *   ESP: aes128gcm16-aes256gcm16-noesn,
 *        aes128-aes192-aes256-sha256-sha384-sha512-noesn
 */
#ifndef RESWAN_CONFIG_PROPOSAL_H
#define RESWAN_CONFIG_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROPOSAL_MAX_ENCR 8	/* distinct supported ciphers: 6 */
#define PROPOSAL_MAX_INTEG 4	/* 3 */
#define PROPOSAL_MAX_PRF 4	/* 3 */
#define PROPOSAL_MAX_DH 8	/* 5 */
#define PROPOSAL_MAX_ESN 2
#define PROPOSAL_MAX_LIST 16	/* proposals in one list */
#define PROPOSAL_STRLEN 512	/* enough for any rendered proposal */

struct proposal_encr {
	uint16_t id;		/* IKEV2_ENCR_* */
	uint16_t keylen;	/* bits, sent as KEY_LENGTH; 0 = none (ChaCha20) */
};

struct proposal {
	uint8_t proto;		/* IKEV2_PROTO_IKE or IKEV2_PROTO_ESP */
	bool aead;		/* every cipher is AEAD (then no integrity) */
	uint8_t n_encr, n_integ, n_prf, n_dh, n_esn;
	struct proposal_encr encr[PROPOSAL_MAX_ENCR];
	uint16_t integ[PROPOSAL_MAX_INTEG];	/* IKEV2_INTEG_* */
	uint16_t prf[PROPOSAL_MAX_PRF];		/* IKEV2_PRF_* (IKE only) */
	uint16_t dh[PROPOSAL_MAX_DH];		/* IKEV2_DH_* */
	uint16_t esn[PROPOSAL_MAX_ESN];		/* IKEV2_ESN_* (ESP only) */
};

struct proposal_list {
	size_t n;
	struct proposal p[PROPOSAL_MAX_LIST];
};

/* Notes the parser hands back besides the result. */
#define PROPOSAL_NOTE_DROPPED_INTEG 0x1	/* integrity dropped from AEAD */
#define PROPOSAL_NOTE_DROPPED_PRF 0x2	/* PRF dropped from ESP */

/*
 * Parse one proposal ("aes128-sha256-x25519", not "default") for proto.
 * On error returns ERR_SYNTAX (unknown keyword), ERR_UNSUPPORTED (a
 * strongSwan keyword reswan does not implement) or ERR_CONFIG (a rule
 * above is broken), writes a one-line reason to err (naming the keyword)
 * and leaves *out unchanged.  *notes (may be NULL) gets PROPOSAL_NOTE_*.
 */
int proposal_parse(uint8_t proto, const char *s, struct proposal *out,
		   unsigned *notes, char *err, size_t errlen);

/*
 * Append the default proposals of proto to list (see above).  Returns
 * ERR_LIMIT if the list has no room for them.
 */
int proposal_add_defaults(uint8_t proto, struct proposal_list *list);

/* Render as a strongSwan proposal string; parse(fmt(p)) == p. */
const char *proposal_fmt(const struct proposal *p, char *buf, size_t len);
/* Render a list, proposals separated by ", ". */
const char *proposal_list_fmt(const struct proposal_list *l, char *buf,
			      size_t len);

bool proposal_equal(const struct proposal *a, const struct proposal *b);

/* Keyword of a transform (IKEV2_TRANS_*, id, keylen), or NULL. */
const char *proposal_keyword(unsigned type, unsigned id, unsigned keylen);

#endif
