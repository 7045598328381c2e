/*
 * ident.c - parsing, matching and printing of IKE identities (ident.h).
 *
 * Parsing follows strongSwan's identification_create_from_string(): typed
 * prefixes first, then '=' means a DN, no '@' means an address or FQDN,
 * and '@' forms select FQDN, RFC822 or key id.  Matching is per type:
 * binary equality for addresses and key ids, case-insensitive strings with
 * an optional leading '*' for FQDN and RFC822, and RDN-wise comparison for
 * DNs (ident_dn.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/addr.h"
#include "config/codec.h"
#include "config/ident.h"
#include "wire/ikev2.h"

struct prefix {
	const char *name;
	uint8_t type;		/* 0: recognised but not supported */
};

static const struct prefix prefixes[] = {
	{ "ipv4:", IKEV2_ID_IPV4_ADDR },
	{ "ipv6:", IKEV2_ID_IPV6_ADDR },
	{ "rfc822:", IKEV2_ID_RFC822_ADDR },
	{ "email:", IKEV2_ID_RFC822_ADDR },
	{ "userfqdn:", IKEV2_ID_RFC822_ADDR },
	{ "fqdn:", IKEV2_ID_FQDN },
	{ "dns:", IKEV2_ID_FQDN },
	{ "asn1dn:", IKEV2_ID_DER_ASN1_DN },
	{ "keyid:", IKEV2_ID_KEY_ID },
	{ "asn1gn:", 0 },
	{ "xmppaddr:", 0 },
	{ "ipv4net:", 0 },
	{ "ipv6net:", 0 },
	{ "ipv4range:", 0 },
	{ "ipv6range:", 0 },
};

static int set_bytes(struct ident *id, uint8_t type, const void *data,
		     size_t len, char *err, size_t errlen)
{
	if (len > IDENT_MAX_LEN) {
		snprintf(err, errlen, "identity too long (%zu bytes, limit %d)",
			 len, IDENT_MAX_LEN);
		return ERR_LIMIT;
	}
	id->type = type;
	id->len = (uint16_t)len;
	memcpy(id->data, data, len);
	return 0;
}

/* FQDN or RFC822 string; a leading '*' makes it a pattern. */
static int set_string(struct ident *id, uint8_t type, const char *s,
		      char *err, size_t errlen)
{
	if (!*s) {
		snprintf(err, errlen, "empty identity");
		return ERR_SYNTAX;
	}
	id->wildcard = s[0] == '*';
	return set_bytes(id, type, s, strlen(s), err, errlen);
}

static int set_addr(struct ident *id, int family, const char *s, char *err,
		    size_t errlen)
{
	struct addr a;

	if (addr_parse(s, &a) < 0 || a.family != family) {
		snprintf(err, errlen, "'%s' is not an IPv%d address", s,
			 family == ADDR_IPV4 ? 4 : 6);
		return ERR_SYNTAX;
	}
	return set_bytes(id, family == ADDR_IPV4 ? IKEV2_ID_IPV4_ADDR :
			 IKEV2_ID_IPV6_ADDR, a.ip, addr_len(&a), err,
			 errlen);
}

static int set_dn(struct ident *id, const char *s, char *err, size_t errlen)
{
	size_t len;
	bool wild;
	int rc;

	rc = ident_dn_encode(s, id->data, sizeof(id->data), &len, &wild, err,
			     errlen);
	if (rc < 0)
		return rc;
	id->type = IKEV2_ID_DER_ASN1_DN;
	id->len = (uint16_t)len;
	id->wildcard = wild;
	return 0;
}

/* "type:#hex": raw identification data of the given type. */
static int set_hex(struct ident *id, uint8_t type, const char *hex,
		   char *err, size_t errlen)
{
	size_t len;
	int rc = codec_hex_decode(hex, id->data, sizeof(id->data), &len);

	if (rc < 0) {
		snprintf(err, errlen, rc == ERR_LIMIT ? "identity too long "
			 "(limit %d bytes)" : "malformed hex in identity",
			 IDENT_MAX_LEN);
		return rc;
	}
	if ((type == IKEV2_ID_IPV4_ADDR && len != 4) ||
	    (type == IKEV2_ID_IPV6_ADDR && len != 16)) {
		snprintf(err, errlen, "an IPv%d identity has %d bytes, not %zu",
			 type == IKEV2_ID_IPV4_ADDR ? 4 : 6,
			 type == IKEV2_ID_IPV4_ADDR ? 4 : 16, len);
		return ERR_SYNTAX;
	}
	if (type == IKEV2_ID_DER_ASN1_DN && !ident_dn_valid(id->data, len)) {
		snprintf(err, errlen, "hex identity is not a DER distinguished "
			 "name");
		return ERR_SYNTAX;
	}
	if (!len) {
		snprintf(err, errlen, "empty identity");
		return ERR_SYNTAX;
	}
	id->type = type;
	id->len = (uint16_t)len;
	return 0;
}

static int parse_typed(const struct prefix *pf, const char *v,
		       struct ident *id, char *err, size_t errlen)
{
	if (!pf->type) {
		snprintf(err, errlen, "identity type '%.*s' is not supported",
			 (int)strlen(pf->name) - 1, pf->name);
		return ERR_UNSUPPORTED;
	}
	if (*v == '#')
		return set_hex(id, pf->type, v + 1, err, errlen);
	switch (pf->type) {
	case IKEV2_ID_IPV4_ADDR:
		return set_addr(id, ADDR_IPV4, v, err, errlen);
	case IKEV2_ID_IPV6_ADDR:
		return set_addr(id, ADDR_IPV6, v, err, errlen);
	case IKEV2_ID_DER_ASN1_DN:
		return set_dn(id, v, err, errlen);
	case IKEV2_ID_KEY_ID:
		if (!*v) {
			snprintf(err, errlen, "empty identity");
			return ERR_SYNTAX;
		}
		return set_bytes(id, IKEV2_ID_KEY_ID, v, strlen(v), err, errlen);
	default:
		return set_string(id, pf->type, v, err, errlen);
	}
}

static bool is_any(const char *s)
{
	static const char *const any[] = {
		"", "%any", "%any6", "0.0.0.0", "*", "::", "0::0",
	};

	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++)
		if (strcmp(s, any[i]) == 0)
			return true;
	return false;
}

/* No '@', no '=': an address, an (unsupported) subnet/range, or FQDN. */
static int parse_plain(const char *s, struct ident *id, char *err,
		       size_t errlen)
{
	int family = strchr(s, ':') ? ADDR_IPV6 : ADDR_IPV4;
	char first[INET6_ADDRSTRLEN + 1];
	size_t n = strcspn(s, "/-");
	struct addr a;

	if (n < sizeof(first)) {
		memcpy(first, s, n);
		first[n] = '\0';
		if (addr_parse(first, &a) == 0 && a.family == family) {
			if (s[n]) {
				snprintf(err, errlen, "subnet and range identities "
					 "('%s') are IKEv1 only and not supported",
					 s);
				return ERR_UNSUPPORTED;
			}
			return set_bytes(id, family == ADDR_IPV4 ?
					 IKEV2_ID_IPV4_ADDR : IKEV2_ID_IPV6_ADDR,
					 a.ip, addr_len(&a), err, errlen);
		}
	}
	if (family == ADDR_IPV6) {
		snprintf(err, errlen, "'%s' is neither an IPv6 address nor a "
			 "known 'type:' identity (write keyid:%s for a key "
			 "identifier)", s, s);
		return ERR_SYNTAX;
	}
	return set_string(id, IKEV2_ID_FQDN, s, err, errlen);
}

int ident_parse(const char *s, struct ident *out, char *err, size_t errlen)
{
	struct ident id;
	int rc;

	memset(&id, 0, sizeof(id));
	if (!s) {
		snprintf(err, errlen, "missing identity");
		return ERR_INVAL;
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i].name);

		if (strncasecmp(s, prefixes[i].name, n) == 0) {
			rc = parse_typed(&prefixes[i], s + n, &id, err, errlen);
			goto out;
		}
	}
	if (s[0] == '{') {
		snprintf(err, errlen, "numeric identity types ('%s') are not "
			 "supported", s);
		return ERR_UNSUPPORTED;
	}
	if (strchr(s, '=')) {
		rc = set_dn(&id, s, err, errlen);
	} else if (!strchr(s, '@')) {
		if (is_any(s)) {
			id.type = IDENT_ANY;
			rc = 0;
		} else {
			rc = parse_plain(s, &id, err, errlen);
		}
	} else if (s[0] == '@' && s[1] == '#') {
		rc = set_hex(&id, IKEV2_ID_KEY_ID, s + 2, err, errlen);
	} else if (s[0] == '@' && s[1] == '@') {
		rc = set_string(&id, IKEV2_ID_RFC822_ADDR, s + 2, err, errlen);
	} else if (s[0] == '@') {
		rc = set_string(&id, IKEV2_ID_FQDN, s + 1, err, errlen);
	} else {
		rc = set_string(&id, IKEV2_ID_RFC822_ADDR, s, err, errlen);
	}
out:
	if (rc == 0)
		*out = id;
	return rc;
}

int ident_from_wire(uint8_t type, const uint8_t *data, size_t len,
		    struct ident *out)
{
	if (len > IDENT_MAX_LEN)
		return ERR_LIMIT;
	memset(out, 0, sizeof(*out));
	out->type = type;
	out->len = (uint16_t)len;
	if (len)
		memcpy(out->data, data, len);
	return 0;
}

/* Case-insensitive compare of n bytes that tolerates embedded NULs. */
static bool bytes_caseeq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

enum ident_match ident_match(const struct ident *pattern, uint8_t type,
			     const uint8_t *data, size_t len)
{
	if (pattern->type == IDENT_ANY)
		return IDENT_MATCH_ANY;
	if (pattern->type != type || (!data && len))
		return IDENT_MATCH_NONE;
	switch (type) {
	case IKEV2_ID_FQDN:
	case IKEV2_ID_RFC822_ADDR:
		if (pattern->wildcard && pattern->len >= 1 &&
		    pattern->data[0] == '*') {
			size_t tail = pattern->len - 1U;

			if (len >= tail &&
			    bytes_caseeq(pattern->data + 1, data + len - tail, tail))
				return IDENT_MATCH_WILDCARD;
			return IDENT_MATCH_NONE;
		}
		return pattern->len == len &&
		       bytes_caseeq(pattern->data, data, len) ?
		       IDENT_MATCH_EXACT : IDENT_MATCH_NONE;
	case IKEV2_ID_DER_ASN1_DN:
		return ident_dn_match(pattern->data, pattern->len, data, len);
	default:
		return pattern->len == len &&
		       (len == 0 || memcmp(pattern->data, data, len) == 0) ?
		       IDENT_MATCH_EXACT : IDENT_MATCH_NONE;
	}
}

enum ident_match ident_match_ident(const struct ident *pattern,
				   const struct ident *id)
{
	return ident_match(pattern, id->type, id->data, id->len);
}

bool ident_equal(const struct ident *a, const struct ident *b)
{
	return a->type == b->type && a->wildcard == b->wildcard &&
	       a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* Printable copy of untrusted bytes. */
static void put_printable(const uint8_t *data, size_t len, char *buf,
			  size_t blen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < blen; i++)
		buf[o++] = (data[i] >= 0x20 && data[i] < 0x7f) ? (char)data[i] : '?';
	buf[o] = '\0';
}

/*
 * Would ident_parse read this FQDN text back as an FQDN?  Without any of
 * "@=:{" and not %any, it reads the text as an IPv4 literal (or an IPv4
 * subnet or range) when the part before '/' or '-' is an IPv4 address, and
 * as an FQDN otherwise.  Formatting runs for every session event: no full
 * parse (and no 2 KB of struct copies) here.
 */
static bool fqdn_is_plain(const char *s)
{
	char first[INET6_ADDRSTRLEN + 1];
	size_t n;
	struct addr a;

	if (strpbrk(s, "@=:{") || s[0] == '\0' || is_any(s))
		return false;
	n = strcspn(s, "/-");
	if (n < sizeof(first)) {
		memcpy(first, s, n);
		first[n] = '\0';
		if (addr_parse(first, &a) == 0 && a.family == ADDR_IPV4)
			return false;
	}
	return true;
}

const char *ident_fmt_wire(uint8_t type, const uint8_t *data, size_t len,
			   char *buf, size_t blen)
{
	char tmp[IDENT_STRLEN];

	if (!blen)
		return buf;
	switch (type) {
	case IDENT_ANY:
		snprintf(buf, blen, "%%any");
		break;
	case IKEV2_ID_IPV4_ADDR:
	case IKEV2_ID_IPV6_ADDR:
		if (len == (type == IKEV2_ID_IPV4_ADDR ? 4u : 16u) &&
		    inet_ntop(type == IKEV2_ID_IPV4_ADDR ? AF_INET : AF_INET6,
			      data, tmp, sizeof(tmp)))
			snprintf(buf, blen, "%s", tmp);
		else
			snprintf(buf, blen, "(malformed address identity)");
		break;
	case IKEV2_ID_FQDN:
		put_printable(data, len, tmp, sizeof(tmp));
		snprintf(buf, blen, "%s%s", fqdn_is_plain(tmp) ? "" : "fqdn:", tmp);
		break;
	case IKEV2_ID_RFC822_ADDR:
		put_printable(data, len, tmp, sizeof(tmp));
		snprintf(buf, blen, "%s%s", strchr(tmp, '@') && tmp[0] != '@' &&
			 !strchr(tmp, '=') ? "" : "email:", tmp);
		break;
	case IKEV2_ID_DER_ASN1_DN:
		if (ident_dn_fmt(data, len, tmp, sizeof(tmp)) < 0)
			snprintf(buf, blen, "(malformed DN identity)");
		else
			snprintf(buf, blen, "%s", tmp);
		break;
	default:
		codec_hex_encode(data, len, tmp, sizeof(tmp));
		if (type == IKEV2_ID_KEY_ID)
			snprintf(buf, blen, "@#%s", tmp);
		else
			snprintf(buf, blen, "{%u}:#%s", type, tmp);
		break;
	}
	return buf;
}

const char *ident_fmt(const struct ident *id, char *buf, size_t len)
{
	return ident_fmt_wire(id->type, id->data, id->len, buf, len);
}
