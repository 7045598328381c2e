/*
 * test_ident.c - identities: every accepted spelling and its wire form,
 * DN encoding against known DER, rejections, wildcard matching against
 * received (untrusted) data, and rendering round trips.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config/ident.h"
#include "test_config.h"
#include "wire/ikev2.h"

static struct ident parse(const char *s)
{
	struct ident id;
	char err[256] = "";

	if (ident_parse(s, &id, err, sizeof(err))) {
		fprintf(stderr, "'%s': %s\n", s, err);
		fail();
	}
	return id;
}

static void expect_bytes(const struct ident *id, uint8_t type,
			 const void *data, size_t len)
{
	assert_int_equal(id->type, type);
	assert_int_equal(id->len, len);
	assert_memory_equal(id->data, data, len);
}

/* DER of "C=CH, O=strongSwan, CN=moon" (checked with openssl asn1parse) */
static const uint8_t moon_der[] = {
	0x30, 0x31,
	0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06,
	0x13, 0x02, 'C', 'H',
	0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x0a,
	0x13, 0x0a, 's', 't', 'r', 'o', 'n', 'g', 'S', 'w', 'a', 'n',
	0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03,
	0x13, 0x04, 'm', 'o', 'o', 'n',
};

static void spellings(void **state)
{
	static const uint8_t v4[] = { 10, 0, 0, 1 };
	static const uint8_t v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t kid[] = { 0x0a, 0x1b, 0x2c };
	struct ident id;

	(void)state;
	id = parse("10.0.0.1");
	expect_bytes(&id, IKEV2_ID_IPV4_ADDR, v4, 4);
	id = parse("2001:db8::1");
	expect_bytes(&id, IKEV2_ID_IPV6_ADDR, v6, 16);
	id = parse("gw.example.org");
	expect_bytes(&id, IKEV2_ID_FQDN, "gw.example.org", 14);
	assert_false(id.wildcard);
	id = parse("vpn-gw.example");	/* '-' but not a range */
	expect_bytes(&id, IKEV2_ID_FQDN, "vpn-gw.example", 14);
	id = parse("@gw.example.org");
	expect_bytes(&id, IKEV2_ID_FQDN, "gw.example.org", 14);
	id = parse("user@example.org");
	expect_bytes(&id, IKEV2_ID_RFC822_ADDR, "user@example.org", 16);
	id = parse("@@user@example.org");
	expect_bytes(&id, IKEV2_ID_RFC822_ADDR, "user@example.org", 16);
	id = parse("@#0a1b2c");
	expect_bytes(&id, IKEV2_ID_KEY_ID, kid, 3);
	id = parse("C=CH, O=strongSwan, CN=moon");
	expect_bytes(&id, IKEV2_ID_DER_ASN1_DN, moon_der, sizeof(moon_der));
	id = parse("/C=CH/O=strongSwan/CN=moon");
	expect_bytes(&id, IKEV2_ID_DER_ASN1_DN, moon_der, sizeof(moon_der));
	id = parse("  c = CH ,o=strongSwan,   commonName=moon  ");
	expect_bytes(&id, IKEV2_ID_DER_ASN1_DN, moon_der, sizeof(moon_der));
	/* typed prefixes */
	id = parse("fqdn:10.0.0.1");
	expect_bytes(&id, IKEV2_ID_FQDN, "10.0.0.1", 8);
	id = parse("dns:gw");
	expect_bytes(&id, IKEV2_ID_FQDN, "gw", 2);
	id = parse("email:a@b");
	expect_bytes(&id, IKEV2_ID_RFC822_ADDR, "a@b", 3);
	id = parse("rfc822:x");
	expect_bytes(&id, IKEV2_ID_RFC822_ADDR, "x", 1);
	id = parse("userfqdn:x@y");
	expect_bytes(&id, IKEV2_ID_RFC822_ADDR, "x@y", 3);
	id = parse("ipv4:10.0.0.1");	/* converted, unlike strongSwan */
	expect_bytes(&id, IKEV2_ID_IPV4_ADDR, v4, 4);
	id = parse("IPV4:#0a000001");
	expect_bytes(&id, IKEV2_ID_IPV4_ADDR, v4, 4);
	id = parse("ipv6:2001:db8::1");
	expect_bytes(&id, IKEV2_ID_IPV6_ADDR, v6, 16);
	id = parse("asn1dn:C=CH, O=strongSwan, CN=moon");
	expect_bytes(&id, IKEV2_ID_DER_ASN1_DN, moon_der, sizeof(moon_der));
	id = parse("asn1dn:#3031310b3009060355040613024348311330110603550"
		   "40a130a7374726f6e675377616e310d300b06035504031304"
		   "6d6f6f6e");
	expect_bytes(&id, IKEV2_ID_DER_ASN1_DN, moon_der, sizeof(moon_der));
	id = parse("keyid:abc");
	expect_bytes(&id, IKEV2_ID_KEY_ID, "abc", 3);
	id = parse("keyid:#0A1B2C");
	expect_bytes(&id, IKEV2_ID_KEY_ID, kid, 3);
	/* any */
	for (size_t i = 0; i < 7; i++) {
		static const char *const any[] = {
			"%any", "%any6", "*", "0.0.0.0", "::", "0::0", "",
		};

		id = parse(any[i]);
		assert_int_equal(id.type, IDENT_ANY);
	}
	/* escapes and non-printable values in DNs */
	id = parse("CN=a\\, b, O=x\\\\y");
	{
		char buf[IDENT_STRLEN];

		assert_string_equal(ident_fmt(&id, buf, sizeof(buf)),
				    "CN=a\\, b, O=x\\\\y");
	}
}

static void wildcard_flags(void **state)
{
	struct ident id;

	(void)state;
	id = parse("*.example.org");
	assert_int_equal(id.type, IKEV2_ID_FQDN);
	assert_true(id.wildcard);
	id = parse("*@example.org");
	assert_int_equal(id.type, IKEV2_ID_RFC822_ADDR);
	assert_true(id.wildcard);
	id = parse("C=CH, O=strongSwan, CN=*");
	assert_int_equal(id.type, IKEV2_ID_DER_ASN1_DN);
	assert_true(id.wildcard);
	id = parse("C=CH, O=strongSwan, CN=moon");
	assert_false(id.wildcard);
}

static void rejections(void **state)
{
	static const struct {
		const char *s;
		int rc;
		const char *msg;
	} cases[] = {
		{ "10.0.0.0/24", ERR_UNSUPPORTED, "IKEv1 only" },
		{ "10.0.0.1-10.0.0.9", ERR_UNSUPPORTED, "IKEv1 only" },
		{ "2001:db8::/32", ERR_UNSUPPORTED, "IKEv1 only" },
		{ "asn1gn:#3000", ERR_UNSUPPORTED, "'asn1gn' is not supported" },
		{ "ipv4net:10.0.0.0/8", ERR_UNSUPPORTED, "not supported" },
		{ "{5}:x", ERR_UNSUPPORTED, "numeric identity types" },
		{ "foo:bar", ERR_SYNTAX, "write keyid:foo:bar" },
		{ "ipv4:999.1.1.1", ERR_SYNTAX, "not an IPv4 address" },
		{ "ipv6:10.0.0.1", ERR_SYNTAX, "not an IPv6 address" },
		{ "ipv4:#0a00", ERR_SYNTAX, "has 4 bytes, not 2" },
		{ "keyid:#abc", ERR_SYNTAX, "malformed hex" },
		{ "@#zz", ERR_SYNTAX, "malformed hex" },
		{ "keyid:", ERR_SYNTAX, "empty identity" },
		{ "fqdn:", ERR_SYNTAX, "empty identity" },
		{ "@", ERR_SYNTAX, "empty identity" },
		{ "XX=1", ERR_SYNTAX, "unknown attribute 'XX'" },
		{ "CN=", ERR_SYNTAX, "empty value for 'CN'" },
		{ "CN=a,,O=b", ERR_SYNTAX, "expected 'attribute=value'" },
		{ "asn1dn:#300a", ERR_SYNTAX, "not a DER distinguished name" },
	};
	struct ident id, untouched;

	(void)state;
	memset(&untouched, 0x77, sizeof(untouched));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";

		id = untouched;
		assert_int_equal(ident_parse(cases[i].s, &id, err, sizeof(err)),
				 cases[i].rc);
		if (!strstr(err, cases[i].msg)) {
			fprintf(stderr, "'%s': got '%s', want '%s'\n", cases[i].s,
				err, cases[i].msg);
			fail();
		}
		assert_memory_equal(&id, &untouched, sizeof(id));
	}
	/* too long: a DN over IDENT_MAX_LEN bytes of DER */
	{
		char big[2048] = "CN=";

		memset(big + 3, 'x', 1500);
		big[1503] = '\0';
		assert_int_equal(ident_parse(big, &id, (char[64]){0}, 64),
				 ERR_LIMIT);
		memset(big, 'a', 600);
		big[600] = '\0';
		assert_int_equal(ident_parse(big, &id, (char[64]){0}, 64),
				 ERR_LIMIT);
	}
}

static enum ident_match m(const char *pattern, uint8_t type, const char *data)
{
	struct ident p = parse(pattern);

	return ident_match(&p, type, (const uint8_t *)data, strlen(data));
}

static void matching(void **state)
{
	struct ident p, got;

	(void)state;
	/* FQDN: case-insensitive, leading-* wildcard only */
	assert_int_equal(m("gw.example.org", IKEV2_ID_FQDN, "GW.Example.ORG"),
			 IDENT_MATCH_EXACT);
	assert_int_equal(m("gw.example.org", IKEV2_ID_FQDN, "gw.example.or"),
			 IDENT_MATCH_NONE);
	assert_int_equal(m("gw.example.org", IKEV2_ID_RFC822_ADDR,
			   "gw.example.org"), IDENT_MATCH_NONE);
	assert_int_equal(m("*.example.org", IKEV2_ID_FQDN, "a.b.example.org"),
			 IDENT_MATCH_WILDCARD);
	assert_int_equal(m("*.example.org", IKEV2_ID_FQDN, "example.org"),
			 IDENT_MATCH_NONE);
	assert_int_equal(m("*.example.org", IKEV2_ID_FQDN, "evilexample.org"),
			 IDENT_MATCH_NONE);
	assert_int_equal(m("*.example.org", IKEV2_ID_FQDN, ".example.org"),
			 IDENT_MATCH_WILDCARD);
	assert_int_equal(m("*@example.org", IKEV2_ID_RFC822_ADDR,
			   "alice@EXAMPLE.org"), IDENT_MATCH_WILDCARD);
	assert_int_equal(m("*@example.org", IKEV2_ID_RFC822_ADDR,
			   "alice@example.org.evil"), IDENT_MATCH_NONE);
	assert_int_equal(m("%any", IKEV2_ID_KEY_ID, "x"), IDENT_MATCH_ANY);
	/* a '*' in the middle is literal, as in strongSwan */
	assert_int_equal(m("a*.example", IKEV2_ID_FQDN, "ab.example"),
			 IDENT_MATCH_NONE);
	assert_int_equal(m("a*.example", IKEV2_ID_FQDN, "a*.example"),
			 IDENT_MATCH_EXACT);
	/* binary types */
	p = parse("10.0.0.1");
	assert_int_equal(ident_match(&p, IKEV2_ID_IPV4_ADDR,
				     (const uint8_t[]){ 10, 0, 0, 1 }, 4),
			 IDENT_MATCH_EXACT);
	assert_int_equal(ident_match(&p, IKEV2_ID_IPV4_ADDR,
				     (const uint8_t[]){ 10, 0, 0, 2 }, 4),
			 IDENT_MATCH_NONE);
	assert_int_equal(ident_match(&p, IKEV2_ID_IPV4_ADDR,
				     (const uint8_t[]){ 10, 0, 0 }, 3),
			 IDENT_MATCH_NONE);
	/* embedded NUL in received data never matches a shorter string */
	assert_int_equal(ident_match(&(struct ident){ 0 }, IKEV2_ID_FQDN, NULL, 0),
			 IDENT_MATCH_ANY);
	p = parse("gw");
	assert_int_equal(ident_match(&p, IKEV2_ID_FQDN,
				     (const uint8_t *)"gw\0x", 4),
			 IDENT_MATCH_NONE);
	/* ident vs ident */
	p = parse("*.example");
	got = parse("host.example");
	assert_int_equal(ident_match_ident(&p, &got), IDENT_MATCH_WILDCARD);
	assert_true(ident_equal(&got, &got));
	assert_false(ident_equal(&p, &got));
	assert_int_equal(ident_from_wire(IKEV2_ID_FQDN,
					 (const uint8_t *)"host.example", 12, &got),
			 0);
	assert_true(ident_equal(&got, &(struct ident){ 0 }) == false);
	assert_int_equal(ident_from_wire(IKEV2_ID_FQDN, moon_der,
					 IDENT_MAX_LEN + 1, &got), ERR_LIMIT);
}

static void dn_matching(void **state)
{
	struct ident pat = parse("C=CH, O=strongSwan, CN=*"), exact, id;
	/* same DN as moon_der but CN as UTF8String and O lower-cased */
	static const uint8_t moon_utf8[] = {
		0x30, 0x31,
		0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06,
		0x13, 0x02, 'C', 'H',
		0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x0a,
		0x13, 0x0a, 's', 't', 'r', 'o', 'n', 'g', 's', 'w', 'a', 'n',
		0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03,
		0x0c, 0x04, 'm', 'o', 'o', 'n',
	};

	(void)state;
	exact = parse("C=CH, O=strongSwan, CN=moon");
	assert_int_equal(ident_match(&exact, IKEV2_ID_DER_ASN1_DN, moon_der,
				     sizeof(moon_der)), IDENT_MATCH_EXACT);
	assert_int_equal(ident_match(&pat, IKEV2_ID_DER_ASN1_DN, moon_der,
				     sizeof(moon_der)), IDENT_MATCH_WILDCARD);
	/* PrintableString vs PrintableString: case-insensitive; the string
	 * type may differ */
	assert_int_equal(ident_match(&exact, IKEV2_ID_DER_ASN1_DN, moon_utf8,
				     sizeof(moon_utf8)), IDENT_MATCH_EXACT);
	/* a different value, another order, another number of RDNs */
	id = parse("C=CH, O=strongSwan, CN=sun");
	assert_int_equal(ident_match(&exact, IKEV2_ID_DER_ASN1_DN, id.data,
				     id.len), IDENT_MATCH_NONE);
	assert_int_equal(ident_match(&pat, IKEV2_ID_DER_ASN1_DN, id.data,
				     id.len), IDENT_MATCH_WILDCARD);
	id = parse("O=strongSwan, C=CH, CN=moon");
	assert_int_equal(ident_match(&pat, IKEV2_ID_DER_ASN1_DN, id.data,
				     id.len), IDENT_MATCH_NONE);
	id = parse("C=CH, O=strongSwan, OU=x, CN=moon");
	assert_int_equal(ident_match(&pat, IKEV2_ID_DER_ASN1_DN, id.data,
				     id.len), IDENT_MATCH_NONE);
	id = parse("C=DE, O=strongSwan, CN=moon");
	assert_int_equal(ident_match(&pat, IKEV2_ID_DER_ASN1_DN, id.data,
				     id.len), IDENT_MATCH_NONE);
	/* malformed received DER: every truncation, and garbage */
	for (size_t n = 0; n < sizeof(moon_der); n++)
		assert_int_equal(ident_match(&pat, IKEV2_ID_DER_ASN1_DN, moon_der,
					     n), IDENT_MATCH_NONE);
	{
		uint8_t bad[sizeof(moon_der) + 1];

		memcpy(bad, moon_der, sizeof(moon_der));
		bad[sizeof(moon_der)] = 0;	/* trailing byte */
		assert_int_equal(ident_match(&exact, IKEV2_ID_DER_ASN1_DN, bad,
					     sizeof(bad)), IDENT_MATCH_NONE);
		memcpy(bad, moon_der, sizeof(moon_der));
		bad[1] = 0x80;			/* indefinite length */
		assert_int_equal(ident_match(&exact, IKEV2_ID_DER_ASN1_DN, bad,
					     sizeof(moon_der)), IDENT_MATCH_NONE);
		memcpy(bad, moon_der, sizeof(moon_der));
		bad[2] = 0x30;			/* SEQUENCE where SET is due */
		assert_int_equal(ident_match(&exact, IKEV2_ID_DER_ASN1_DN, bad,
					     sizeof(moon_der)), IDENT_MATCH_NONE);
	}
	/* a multi-valued RDN is flattened in order */
	{
		static const uint8_t multi[] = {
			0x30, 0x1a, 0x31, 0x18,
			0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06,
			0x13, 0x02, 'C', 'H',
			0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03,
			0x13, 0x04, 'm', 'o', 'o', 'n',
		};
		char buf[128];

		id = parse("C=CH, CN=moon");
		assert_int_equal(ident_match(&id, IKEV2_ID_DER_ASN1_DN, multi,
					     sizeof(multi)), IDENT_MATCH_EXACT);
		assert_int_equal(ident_dn_fmt(multi, sizeof(multi), buf,
					      sizeof(buf)), 0);
		assert_string_equal(buf, "C=CH, CN=moon");
	}
}

static void rendering(void **state)
{
	static const char *const samples[] = {
		"10.0.0.1", "2001:db8::1", "gw.example.org", "*.example.org",
		"user@example.org", "*@example.org", "@#0a1b2c", "%any",
		"C=CH, O=strongSwan, CN=moon", "C=CH, O=strongSwan, CN=*",
		"E=a@b.c, DC=org, DC=example, UID=u1, CN=x y",
	};
	char buf[IDENT_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct ident a = parse(samples[i]), b;

		assert_string_equal(ident_fmt(&a, buf, sizeof(buf)), samples[i]);
		b = parse(buf);
		assert_true(ident_equal(&a, &b));
	}
	/* types that need their prefix to read back */
	{
		struct ident a = parse("fqdn:10.0.0.1"), b;

		assert_string_equal(ident_fmt(&a, buf, sizeof(buf)),
				    "fqdn:10.0.0.1");
		b = parse(buf);
		assert_true(ident_equal(&a, &b));
		a = parse("email:nobody");
		assert_string_equal(ident_fmt(&a, buf, sizeof(buf)),
				    "email:nobody");
	}
	/* received data: non-printables, malformed addresses and DNs */
	assert_string_equal(ident_fmt_wire(IKEV2_ID_FQDN,
					   (const uint8_t *)"a\001\nb", 4, buf,
					   sizeof(buf)), "a??b");
	assert_string_equal(ident_fmt_wire(IKEV2_ID_IPV4_ADDR,
					   (const uint8_t *)"\1\2\3", 3, buf,
					   sizeof(buf)),
			    "(malformed address identity)");
	assert_string_equal(ident_fmt_wire(IKEV2_ID_DER_ASN1_DN,
					   (const uint8_t *)"\x30\x05", 2, buf,
					   sizeof(buf)), "(malformed DN identity)");
	assert_string_equal(ident_fmt_wire(IKEV2_ID_DER_ASN1_GN,
					   (const uint8_t *)"\xab", 1, buf,
					   sizeof(buf)), "{10}:#ab");
	/* an attribute the table does not know prints as a dotted OID */
	{
		static const uint8_t odd[] = {
			0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a,
			0x06, 0x05, 0x2b, 0x06, 0x01, 0x87, 0x67,
			0x13, 0x01, 'v',
		};

		assert_string_equal(ident_fmt_wire(IKEV2_ID_DER_ASN1_DN, odd,
						   sizeof(odd), buf, sizeof(buf)),
				    "1.3.6.1.999=v");
	}
	/* small buffers stay terminated */
	{
		struct ident a = parse("C=CH, O=strongSwan, CN=moon");
		char small[8];

		ident_fmt(&a, small, sizeof(small));
		assert_true(strlen(small) < sizeof(small));
	}
}

static void long_dns(void **state)
{
	char s[IDENT_MAX_LEN * 2], buf[IDENT_STRLEN], err[128];
	struct ident a, b;

	(void)state;
	/* 150-byte CN: lengths need the 0x81 form; 300 bytes: 0x82 */
	for (size_t n = 150; n <= 300; n += 150) {
		strcpy(s, "C=CH, CN=");
		memset(s + 9, 'x', n);
		s[9 + n] = '\0';
		a = parse(s);
		assert_int_equal(a.data[1], n == 150 ? 0x81 : 0x82);
		assert_int_equal(ident_match(&a, IKEV2_ID_DER_ASN1_DN, a.data, a.len),
				 IDENT_MATCH_EXACT);
		assert_string_equal(ident_fmt(&a, buf, sizeof(buf)), s);
		b = parse(buf);
		assert_true(ident_equal(&a, &b));
	}
	/* two long values overflow the DER buffer */
	strcpy(s, "CN=");
	memset(s + 3, 'y', 300);
	strcpy(s + 303, ", O=");
	memset(s + 307, 'z', 300);
	s[607] = '\0';
	assert_int_equal(ident_parse(s, &a, err, sizeof(err)), ERR_LIMIT);
	assert_non_null(strstr(err, "distinguished name too long"));
	/* too many attributes */
	s[0] = '\0';
	for (int i = 0; i <= IDENT_DN_MAX_RDNS; i++)
		strcat(s, i ? ",C=x" : "C=x");
	assert_int_equal(ident_parse(s, &a, err, sizeof(err)), ERR_LIMIT);
	assert_non_null(strstr(err, "too many attributes"));
	assert_int_equal(ident_parse("asn1dn:/", &a, err, sizeof(err)),
			 ERR_SYNTAX);
	assert_non_null(strstr(err, "empty distinguished name"));
	/* received DER with a multi-byte tag or a constructed value */
	{
		uint8_t bad[] = { 0x30, 0x0b, 0x31, 0x09, 0x30, 0x07, 0x06, 0x03,
				  0x55, 0x04, 0x03, 0x1f, 0x00 };

		assert_false(ident_dn_valid(bad, sizeof(bad)));
		bad[11] = 0x33;
		assert_false(ident_dn_valid(bad, sizeof(bad)));
		bad[11] = 0x13;
		assert_true(ident_dn_valid(bad, sizeof(bad)));
	}
}

int run_ident_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spellings),
		cmocka_unit_test(wildcard_flags),
		cmocka_unit_test(rejections),
		cmocka_unit_test(matching),
		cmocka_unit_test(dn_matching),
		cmocka_unit_test(rendering),
		cmocka_unit_test(long_dns),
	};

	return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
