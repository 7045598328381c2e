/*
 * ident.h - IKE identities as configured and as received.
 *
 * A configured identity (local.id, remote.id, secrets ids) is written the
 * way strongSwan reads it, and stored in its IKEv2 wire form: the ID type
 * (RFC 7296 3.5) and the identification data.
 *
 *   10.0.0.1, 2001:db8::1     ID_IPV4_ADDR / ID_IPV6_ADDR (binary)
 *   user@example.org          ID_RFC822_ADDR
 *   @gw.example.org           ID_FQDN "gw.example.org" ('@' stripped)
 *   @@user@example.org        ID_RFC822_ADDR "user@example.org"
 *   @#0a1b2c                  ID_KEY_ID (hex)
 *   C=CH, O=Org, CN=gw        ID_DER_ASN1_DN (any value containing '='),
 *   /C=CH/O=Org/CN=gw         DER-encoded here (see ident_dn.c)
 *   gw.example.org            ID_FQDN (anything else without '@' or ':')
 *   %any, *, 0.0.0.0, ::, ""  IDENT_ANY: matches every identity
 *   fqdn: dns: email: rfc822: userfqdn: ipv4: ipv6: asn1dn: keyid:
 *                             force the type; "type:#hex" gives raw bytes
 *
 * Wildcards (remote ids, secret owners): a leading '*' in an FQDN or
 * RFC822 id ("*.example.org", "*@example.org") matches any prefix,
 * case-insensitively; an RDN value "*" in a DN ("C=CH, O=Org, CN=*")
 * matches any value of that attribute (RDNs must otherwise match in number
 * and order, strongSwan's default "strict" rdn_matching).
 *
 * Differences from strongSwan, on purpose: "ipv4:10.0.0.1" and
 * "asn1dn:CN=x" are converted to binary/DER (strongSwan would use the text
 * bytes, which never matches a real peer); IKEv1-only types (subnet and
 * range ids), ID_DER_ASN1_GN and numeric "{n}:" prefixes are rejected; a
 * value with ':' that is no IPv6 address is an error, not an implicit key
 * id (write "keyid:" to mean that).
 */
#ifndef RESWAN_CONFIG_IDENT_H
#define RESWAN_CONFIG_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDENT_MAX_LEN 512	/* bytes of identification data we store */
#define IDENT_ANY 0		/* not a wire type: "match anything" */
#define IDENT_DN_MAX_RDNS 32	/* attribute/value pairs in one DN */
#define IDENT_STRLEN 1024	/* buffer size for ident_fmt */

struct ident {
	uint8_t type;		/* IKEV2_ID_* or IDENT_ANY */
	bool wildcard;		/* contains a wildcard (pattern only) */
	uint16_t len;
	uint8_t data[IDENT_MAX_LEN];
};

/* How well a received identity matches a configured one (higher = better). */
enum ident_match {
	IDENT_MATCH_NONE = 0,
	IDENT_MATCH_ANY = 1,		/* pattern is %any */
	IDENT_MATCH_WILDCARD = 2,	/* matched through a wildcard */
	IDENT_MATCH_EXACT = 3,
};

/*
 * Parse a configured identity.  Returns 0, ERR_SYNTAX (malformed) or
 * ERR_UNSUPPORTED (a strongSwan form reswan rejects), with a one-line
 * reason in err; *out is unchanged on failure.
 */
int ident_parse(const char *s, struct ident *out, char *err, size_t errlen);

/* Build an identity from wire data (no wildcard); ERR_LIMIT if too long. */
int ident_from_wire(uint8_t type, const uint8_t *data, size_t len,
		    struct ident *out);

/*
 * Match received identification data (type and bytes, untrusted, any
 * length) against a configured pattern.  Never reads outside data[0..len).
 */
enum ident_match ident_match(const struct ident *pattern, uint8_t type,
			     const uint8_t *data, size_t len);

/* Same for a configured/held identity as the candidate. */
enum ident_match ident_match_ident(const struct ident *pattern,
				   const struct ident *id);

/* True if both are the same identity (type and bytes, wildcards equal). */
bool ident_equal(const struct ident *a, const struct ident *b);

/* Render in the syntax ident_parse reads back (for logs and status). */
const char *ident_fmt(const struct ident *id, char *buf, size_t len);
/* Render received wire data (untrusted; non-printables become '?'). */
const char *ident_fmt_wire(uint8_t type, const uint8_t *data, size_t len,
			   char *buf, size_t blen);

/*
 * Distinguished names (ident_dn.c).  encode: a DN string to DER into
 * out[cap]; *wildcard set if some RDN value is "*".  match: strict RDN
 * comparison of a DER pattern against a DER candidate (untrusted).  fmt:
 * DER to "C=CH, O=Org, CN=x"; returns ERR_SYNTAX for malformed DER.
 */
int ident_dn_encode(const char *s, uint8_t *out, size_t cap, size_t *len,
		    bool *wildcard, char *err, size_t errlen);
enum ident_match ident_dn_match(const uint8_t *pat, size_t plen,
				const uint8_t *dn, size_t dlen);
int ident_dn_fmt(const uint8_t *dn, size_t len, char *buf, size_t blen);
/* True if dn is a well-formed DER Name this module can read. */
bool ident_dn_valid(const uint8_t *dn, size_t len);

#endif
