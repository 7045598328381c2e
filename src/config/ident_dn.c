/*
 * ident_dn.c - X.501 distinguished names: string to DER, DER to string,
 * and strict matching with "*" wildcards.
 *
 * Only the subset IKE identities need: a Name is a SEQUENCE of RDN SETs of
 * AttributeTypeAndValue SEQUENCEs {OID, string}.  The encoder knows the
 * usual attribute names (C, ST, L, O, OU, CN, E, DC, UID, ...) and picks
 * the string type as strongSwan does: PrintableString when the value
 * allows it, IA5String for E and DC, UTF8String otherwise.  The decoder
 * reads received DER through a bounded reader, accepts any string tag and
 * multi-valued RDNs (flattened in order), and rejects indefinite lengths
 * and trailing bytes.
 *
 * Matching compares attribute by attribute, in order and in number
 * (strongSwan's default strict rdn_matching).  Values compare bytewise,
 * except that two PrintableStrings compare case-insensitively, and the
 * string tags need not agree (a peer's certificate may use UTF8String
 * where this encoder chose PrintableString).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/ident.h"

#define ASN1_SEQUENCE 0x30
#define ASN1_SET 0x31
#define ASN1_OID 0x06
#define ASN1_UTF8STRING 0x0c
#define ASN1_PRINTABLESTRING 0x13
#define ASN1_IA5STRING 0x16

struct dn_attr {
	const char *names[4];	/* names[0] is printed */
	uint8_t oid[10];
	uint8_t oid_len;
	uint8_t tag;		/* forced string type, 0 = automatic */
};

#define X520(n) { 0x55, 0x04, n }, 3

static const struct dn_attr attrs[] = {
	{ { "C", "countryName" }, X520(0x06), 0 },
	{ { "ST", "S", "stateOrProvinceName" }, X520(0x08), 0 },
	{ { "L", "localityName" }, X520(0x07), 0 },
	{ { "O", "organizationName" }, X520(0x0a), 0 },
	{ { "OU", "organizationalUnitName" }, X520(0x0b), 0 },
	{ { "CN", "commonName" }, X520(0x03), 0 },
	{ { "SN", "surname" }, X520(0x04), 0 },
	{ { "serialNumber" }, X520(0x05), 0 },
	{ { "street", "streetAddress" }, X520(0x09), 0 },
	{ { "T", "title" }, X520(0x0c), 0 },
	{ { "D", "description" }, X520(0x0d), 0 },
	{ { "postalCode" }, X520(0x11), 0 },
	{ { "N", "name" }, X520(0x29), 0 },
	{ { "G", "GN", "givenName" }, X520(0x2a), 0 },
	{ { "I", "initials" }, X520(0x2b), 0 },
	{ { "dnQualifier" }, X520(0x2e), 0 },
	{ { "pseudonym" }, X520(0x41), 0 },
	{ { "E", "email", "emailAddress" },
	  { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 }, 9,
	  ASN1_IA5STRING },
	{ { "UN", "unstructuredName" },
	  { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x02 }, 9,
	  ASN1_IA5STRING },
	{ { "UID", "userid" },
	  { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01 }, 10, 0 },
	{ { "DC", "domainComponent" },
	  { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19 }, 10,
	  ASN1_IA5STRING },
};

#define N_ATTRS (sizeof(attrs) / sizeof(attrs[0]))

struct atv {
	const uint8_t *oid;
	size_t oid_len;
	uint8_t tag;
	const uint8_t *val;
	size_t val_len;
};

static const struct dn_attr *attr_by_name(const char *name)
{
	for (size_t i = 0; i < N_ATTRS; i++)
		for (size_t j = 0; j < 4 && attrs[i].names[j]; j++)
			if (strcasecmp(attrs[i].names[j], name) == 0)
				return &attrs[i];
	return NULL;
}

static const struct dn_attr *attr_by_oid(const uint8_t *oid, size_t len)
{
	for (size_t i = 0; i < N_ATTRS; i++)
		if (attrs[i].oid_len == len && memcmp(attrs[i].oid, oid, len) == 0)
			return &attrs[i];
	return NULL;
}

/* ---- DER reading (untrusted input) ---- */

static int der_get(struct buf_reader *r, uint8_t *tag, struct buf_reader *in)
{
	struct buf_reader save = *r;
	uint8_t t, l;
	size_t len;
	int rc;

	if ((rc = buf_get_u8(r, &t)) < 0 || (rc = buf_get_u8(r, &l)) < 0)
		goto fail;
	if (l < 0x80) {
		len = l;
	} else if (l == 0x81) {
		uint8_t v;

		if ((rc = buf_get_u8(r, &v)) < 0)
			goto fail;
		len = v;
	} else if (l == 0x82) {
		uint16_t v;

		if ((rc = buf_get_u16(r, &v)) < 0)
			goto fail;
		len = v;
	} else {
		rc = ERR_SYNTAX;	/* indefinite or absurdly long */
		goto fail;
	}
	if ((rc = buf_get_sub(r, in, len)) < 0)
		goto fail;
	*tag = t;
	return 0;
fail:
	*r = save;
	return rc < 0 ? rc : ERR_SYNTAX;
}

/* Split a DER Name into at most IDENT_DN_MAX_RDNS attribute/values. */
static int dn_split(const uint8_t *dn, size_t len, struct atv *out, size_t *n)
{
	struct buf_reader r, name;
	uint8_t tag;

	*n = 0;
	buf_reader_init(&r, dn, len);
	if (der_get(&r, &tag, &name) < 0 || tag != ASN1_SEQUENCE ||
	    buf_remaining(&r))
		return ERR_SYNTAX;
	while (buf_remaining(&name)) {
		struct buf_reader set;

		if (der_get(&name, &tag, &set) < 0 || tag != ASN1_SET ||
		    !buf_remaining(&set))
			return ERR_SYNTAX;
		while (buf_remaining(&set)) {
			struct buf_reader seq, oid, val;
			uint8_t vtag;

			if (der_get(&set, &tag, &seq) < 0 || tag != ASN1_SEQUENCE ||
			    der_get(&seq, &tag, &oid) < 0 || tag != ASN1_OID ||
			    !buf_remaining(&oid) ||
			    der_get(&seq, &vtag, &val) < 0 || buf_remaining(&seq) ||
			    (vtag & 0x20) ||		/* constructed value */
			    (vtag & 0x1f) == 0x1f)	/* multi-byte tag */
				return ERR_SYNTAX;
			if (*n >= IDENT_DN_MAX_RDNS)
				return ERR_LIMIT;
			out[*n].oid = buf_cursor(&oid);
			out[*n].oid_len = buf_remaining(&oid);
			out[*n].tag = vtag;
			out[*n].val = buf_cursor(&val);
			out[*n].val_len = buf_remaining(&val);
			(*n)++;
		}
	}
	return 0;
}

bool ident_dn_valid(const uint8_t *dn, size_t len)
{
	struct atv a[IDENT_DN_MAX_RDNS];
	size_t n;

	return dn_split(dn, len, a, &n) == 0;
}

/* ---- DER writing ---- */

struct der_out {
	uint8_t *p;
	size_t cap, len;
	bool overflow;
};

static void der_put(struct der_out *o, uint8_t tag, const uint8_t *data,
		    size_t len)
{
	uint8_t hdr[4];
	size_t h = 0;

	hdr[h++] = tag;
	if (len < 0x80) {
		hdr[h++] = (uint8_t)len;
	} else if (len <= 0xff) {
		hdr[h++] = 0x81;
		hdr[h++] = (uint8_t)len;
	} else if (len <= 0xffff) {
		hdr[h++] = 0x82;
		hdr[h++] = (uint8_t)(len >> 8);
		hdr[h++] = (uint8_t)len;
	} else {
		o->overflow = true;
		return;
	}
	if (o->len + h + len > o->cap) {
		o->overflow = true;
		return;
	}
	memcpy(o->p + o->len, hdr, h);
	memmove(o->p + o->len + h, data, len);
	o->len += h + len;
}

static bool is_printable_string(const char *v)
{
	for (; *v; v++)
		if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		      (*v >= '0' && *v <= '9') || strchr(" '()+,-./:=?", *v)))
			return false;
	return true;
}

/* Append one RDN SET { SEQUENCE { oid, value } } to body. */
static void put_rdn(struct der_out *body, const struct dn_attr *a,
		    const char *value)
{
	uint8_t atv_buf[IDENT_MAX_LEN], seq_buf[IDENT_MAX_LEN];
	struct der_out atv = { atv_buf, sizeof(atv_buf), 0, false };
	struct der_out seq = { seq_buf, sizeof(seq_buf), 0, false };
	uint8_t tag = a->tag ? a->tag :
		      is_printable_string(value) ? ASN1_PRINTABLESTRING :
						   ASN1_UTF8STRING;

	der_put(&atv, ASN1_OID, a->oid, a->oid_len);
	der_put(&atv, tag, (const uint8_t *)value, strlen(value));
	der_put(&seq, ASN1_SEQUENCE, atv.p, atv.len);
	der_put(body, ASN1_SET, seq.p, seq.len);
	body->overflow |= atv.overflow || seq.overflow;
}

int ident_dn_encode(const char *s, uint8_t *out, size_t cap, size_t *len,
		    bool *wildcard, char *err, size_t errlen)
{
	uint8_t body_buf[IDENT_MAX_LEN];
	struct der_out body = { body_buf, sizeof(body_buf), 0, false };
	struct der_out res = { out, cap, 0, false };
	char name[32], value[IDENT_MAX_LEN];
	char sep = ',';
	bool wild = false;
	size_t n_rdns = 0;

	while (*s == ' ')
		s++;
	if (*s == '/') {
		sep = '/';
		s++;
	}
	while (*s) {
		const struct dn_attr *a;
		size_t n = 0, end = 0;

		while (*s == ' ')
			s++;
		while (*s && *s != '=' && *s != sep && n + 1 < sizeof(name))
			name[n++] = *s++;
		while (n && name[n - 1] == ' ')
			n--;
		name[n] = '\0';
		if (*s != '=' || !n) {
			snprintf(err, errlen, "expected 'attribute=value' in "
				 "distinguished name");
			return ERR_SYNTAX;
		}
		if (!(a = attr_by_name(name))) {
			snprintf(err, errlen, "unknown attribute '%s' in "
				 "distinguished name", name);
			return ERR_SYNTAX;
		}
		s++;
		while (*s == ' ')
			s++;
		n = 0;
		while (*s && *s != sep) {
			bool escaped = false;
			char c = *s;

			if (c == '\\' && s[1]) {
				c = *++s;
				escaped = true;
			}
			if (n + 1 >= sizeof(value)) {
				snprintf(err, errlen, "distinguished name too long");
				return ERR_LIMIT;
			}
			value[n++] = c;
			s++;
			if (escaped || c != ' ')
				end = n;	/* unescaped trailing spaces trim */
		}
		value[end] = '\0';
		if (!end) {
			snprintf(err, errlen, "empty value for '%s' in "
				 "distinguished name", name);
			return ERR_SYNTAX;
		}
		if (++n_rdns > IDENT_DN_MAX_RDNS) {
			snprintf(err, errlen, "too many attributes in "
				 "distinguished name (limit %d)", IDENT_DN_MAX_RDNS);
			return ERR_LIMIT;
		}
		if (strcmp(value, "*") == 0)
			wild = true;
		put_rdn(&body, a, value);
		if (*s == sep)
			s++;
	}
	if (!n_rdns) {
		snprintf(err, errlen, "empty distinguished name");
		return ERR_SYNTAX;
	}
	der_put(&res, ASN1_SEQUENCE, body.p, body.len);
	if (body.overflow || res.overflow) {
		snprintf(err, errlen, "distinguished name too long (limit %d "
			 "bytes DER)", IDENT_MAX_LEN);
		return ERR_LIMIT;
	}
	*len = res.len;
	*wildcard = wild;
	return 0;
}

static bool value_equal(const struct atv *a, const struct atv *b)
{
	if (a->val_len != b->val_len)
		return false;
	if (a->tag == ASN1_PRINTABLESTRING && b->tag == ASN1_PRINTABLESTRING)
		return strncasecmp((const char *)a->val, (const char *)b->val,
				   a->val_len) == 0 &&
		       !memchr(a->val, 0, a->val_len) &&
		       !memchr(b->val, 0, b->val_len);
	return memcmp(a->val, b->val, a->val_len) == 0;
}

enum ident_match ident_dn_match(const uint8_t *pat, size_t plen,
				const uint8_t *dn, size_t dlen)
{
	struct atv p[IDENT_DN_MAX_RDNS], d[IDENT_DN_MAX_RDNS];
	size_t np, nd;
	bool wild = false;

	if (dn_split(pat, plen, p, &np) < 0 || dn_split(dn, dlen, d, &nd) < 0 ||
	    np != nd)
		return IDENT_MATCH_NONE;
	for (size_t i = 0; i < np; i++) {
		if (p[i].oid_len != d[i].oid_len ||
		    memcmp(p[i].oid, d[i].oid, p[i].oid_len) != 0)
			return IDENT_MATCH_NONE;
		if (p[i].val_len == 1 && p[i].val[0] == '*') {
			wild = true;
			continue;
		}
		if (!value_equal(&p[i], &d[i]))
			return IDENT_MATCH_NONE;
	}
	return wild ? IDENT_MATCH_WILDCARD : IDENT_MATCH_EXACT;
}

/* Dotted form of a DER OID body. */
static void oid_fmt(const uint8_t *oid, size_t len, char *buf, size_t blen)
{
	size_t off = 0;
	uint64_t v = 0;
	bool first = true;

	buf[0] = '\0';
	for (size_t i = 0; i < len && off < blen; i++) {
		int n;

		if (v > (UINT64_MAX >> 7)) {
			snprintf(buf, blen, "?");
			return;
		}
		v = v << 7 | (oid[i] & 0x7f);
		if (oid[i] & 0x80)
			continue;
		if (first) {
			uint64_t a = v < 80 ? v / 40 : 2;

			n = snprintf(buf + off, blen - off, "%llu.%llu",
				     (unsigned long long)a,
				     (unsigned long long)(v - a * 40));
			first = false;
		} else {
			n = snprintf(buf + off, blen - off, ".%llu",
				     (unsigned long long)v);
		}
		if (n < 0)
			return;
		off += (size_t)n;
		v = 0;
	}
}

int ident_dn_fmt(const uint8_t *dn, size_t len, char *buf, size_t blen)
{
	struct atv a[IDENT_DN_MAX_RDNS];
	size_t n, off = 0;

	if (!blen)
		return ERR_INVAL;
	buf[0] = '\0';
	if (dn_split(dn, len, a, &n) < 0)
		return ERR_SYNTAX;
	for (size_t i = 0; i < n && off + 1 < blen; i++) {
		const struct dn_attr *at = attr_by_oid(a[i].oid, a[i].oid_len);
		char oid[64];
		int w;

		if (!at)
			oid_fmt(a[i].oid, a[i].oid_len, oid, sizeof(oid));
		w = snprintf(buf + off, blen - off, "%s%s=", i ? ", " : "",
			     at ? at->names[0] : oid);
		if (w < 0 || (size_t)w >= blen - off)
			break;
		off += (size_t)w;
		for (size_t j = 0; j < a[i].val_len && off + 2 < blen; j++) {
			char c = (char)a[i].val[j];

			if (c == ',' || c == '\\')
				buf[off++] = '\\';
			buf[off++] = (c >= 0x20 && c < 0x7f) ? c : '?';
		}
		buf[off] = '\0';
	}
	return 0;
}
