/*
 * x509_cert.c - one X.509 certificate: decoding (PEM or DER) and the
 * accessors IKE needs.  The DER encoding, the subject's DER and the
 * decoded subjectAltNames are computed once at load, so every accessor
 * hands out pointers into memory the struct owns.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/log.h"
#include "crypto/internal.h"
#include "crypto/x509.h"
#include "wire/ikev2.h"

#define PEM_MARK "-----BEGIN"

static bool looks_pem(const uint8_t *p, size_t len)
{
	/* Skip leading whitespace: PEM files often start with a blank line. */
	while (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		len--;
	}
	return len >= strlen(PEM_MARK) && memcmp(p, PEM_MARK, strlen(PEM_MARK)) == 0;
}

void x509_cert_free(struct x509_cert *c)
{
	if (!c)
		return;
	X509_free(c->x);
	OPENSSL_free(c->der);
	OPENSSL_free(c->subject);
	GENERAL_NAMES_free(c->sans);
	free(c);
}

/* Take ownership of x and precompute what the accessors return. */
static int wrap(X509 *x, struct x509_cert **out)
{
	struct x509_cert *c = calloc(1, sizeof(*c));
	int n;

	if (!c) {
		X509_free(x);
		return ERR_NOMEM;
	}
	c->x = x;
	n = i2d_X509(x, &c->der);
	if (n <= 0)
		goto fail;
	c->der_len = (size_t)n;
	n = i2d_X509_NAME(X509_get_subject_name(x), &c->subject);
	if (n <= 0)
		goto fail;
	c->subject_len = (size_t)n;
	c->sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	*out = c;
	return 0;
fail:
	x509_cert_free(c);
	ERR_clear_error();
	return ERR_SYNTAX;
}

X509 *x509_decode_one(const uint8_t *data, size_t len)
{
	X509 *x = NULL;

	if (looks_pem(data, len)) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);

		if (bio)
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		const unsigned char *p = data;

		x = d2i_X509(NULL, &p, (long)len);
		/* A DER certificate must be the whole input. */
		if (x && p != data + len) {
			X509_free(x);
			x = NULL;
		}
	}
	ERR_clear_error();
	return x;
}

int x509_cert_load_mem(const void *data, size_t len, struct x509_cert **out)
{
	X509 *x;

	if (!data || !len)
		return ERR_SYNTAX;
	if (len > X509_MAX_FILE_LEN)
		return ERR_LIMIT;
	x = x509_decode_one(data, len);
	if (!x)
		return ERR_SYNTAX;
	return wrap(x, out);
}

int x509_cert_load_file(const char *path, struct x509_cert **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int ret;

	ret = crypto_read_file(path, X509_MAX_FILE_LEN, &data, &len);
	if (ret)
		return ret;
	ret = x509_cert_load_mem(data, len, out);
	if (ret)
		log_error("%s: not a certificate (PEM or DER): %s", path, err_str(ret));
	free(data);
	return ret;
}

const uint8_t *x509_cert_der(const struct x509_cert *c, size_t *len)
{
	*len = c->der_len;
	return c->der;
}

const uint8_t *x509_cert_subject_der(const struct x509_cert *c, size_t *len)
{
	*len = c->subject_len;
	return c->subject;
}

const char *x509_cert_subject_str(const struct x509_cert *c, char *buf, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem = NULL;
	long n = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (bio && X509_NAME_print_ex(bio, X509_get_subject_name(c->x), 0,
				      XN_FLAG_RFC2253) >= 0)
		n = BIO_get_mem_data(bio, &mem);
	if (n > 0) {
		size_t k = (size_t)n < len - 1 ? (size_t)n : len - 1;

		memcpy(buf, mem, k);
		buf[k] = '\0';
	}
	BIO_free(bio);
	return buf;
}

int x509_cert_spki_sha1(const struct x509_cert *c, uint8_t out[X509_SPKI_SHA1_LEN])
{
	unsigned char *der = NULL;
	unsigned int mdlen = 0;
	int n, ret = ERR_CRYPTO;

	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c->x), &der);
	if (n > 0 && crypto_md(CRYPTO_MD_SHA1) &&
	    EVP_Digest(der, (size_t)n, out, &mdlen, crypto_md(CRYPTO_MD_SHA1), NULL) == 1 &&
	    mdlen == X509_SPKI_SHA1_LEN)
		ret = 0;
	OPENSSL_free(der);
	return ret;
}

struct sign_pub *x509_cert_pub(const struct x509_cert *c)
{
	EVP_PKEY *pkey = X509_get_pubkey(c->x);	/* new reference */
	struct sign_pub *p;

	if (!pkey)
		return NULL;
	p = sign_pub_wrap(pkey);
	if (!p)
		EVP_PKEY_free(pkey);
	return p;
}

static int time_of(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return ERR_SYNTAX;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int x509_cert_validity(const struct x509_cert *c, int64_t *not_before, int64_t *not_after)
{
	int64_t nb, na;

	if (time_of(X509_get0_notBefore(c->x), &nb) || time_of(X509_get0_notAfter(c->x), &na))
		return ERR_SYNTAX;
	*not_before = nb;
	*not_after = na;
	return 0;
}

int x509_cert_san(const struct x509_cert *c, size_t idx, struct x509_san *out)
{
	int n = c->sans ? sk_GENERAL_NAME_num(c->sans) : 0;

	for (int i = 0; i < n; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(c->sans, i);
		const ASN1_STRING *s;
		enum x509_san_type t;

		switch (g->type) {
		case GEN_DNS:
			t = X509_SAN_DNS;
			s = g->d.dNSName;
			break;
		case GEN_EMAIL:
			t = X509_SAN_EMAIL;
			s = g->d.rfc822Name;
			break;
		case GEN_IPADD:
			t = X509_SAN_IP;
			s = g->d.iPAddress;
			break;
		default:
			continue;
		}
		if (idx-- > 0)
			continue;
		out->type = t;
		out->p = ASN1_STRING_get0_data(s);
		out->len = (size_t)ASN1_STRING_length(s);
		return 0;
	}
	return ERR_NOTFOUND;
}

static bool ascii_caseeq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y - 'A' + 'a');
		if (x != y || x == 0)
			return false;
	}
	return true;
}

static int match_san(const struct x509_cert *c, enum x509_san_type t,
		     const uint8_t *id, size_t id_len, bool caseless)
{
	struct x509_san san;

	for (size_t i = 0; x509_cert_san(c, i, &san) == 0; i++) {
		if (san.type != t || san.len != id_len)
			continue;
		if (caseless ? ascii_caseeq(san.p, id, id_len)
			     : memcmp(san.p, id, id_len) == 0)
			return 0;
	}
	return ERR_AUTH;
}

#define X509_MAX_DN_LEN 4096

static int match_dn(const struct x509_cert *c, const uint8_t *id, size_t id_len)
{
	const unsigned char *p = id;
	X509_NAME *name;
	int ret = ERR_SYNTAX;

	if (id_len > X509_MAX_DN_LEN)
		return ERR_SYNTAX;
	name = d2i_X509_NAME(NULL, &p, (long)id_len);
	if (name && p == id + id_len)
		ret = X509_NAME_cmp(X509_get_subject_name(c->x), name) == 0 ? 0 : ERR_AUTH;
	X509_NAME_free(name);
	ERR_clear_error();
	return ret;
}

int x509_cert_match_id(const struct x509_cert *c, uint8_t id_type,
		       const uint8_t *id, size_t id_len)
{
	if (!id || !id_len)
		return ERR_AUTH;
	switch (id_type) {
	case IKEV2_ID_FQDN:
		return match_san(c, X509_SAN_DNS, id, id_len, true);
	case IKEV2_ID_RFC822_ADDR:
		return match_san(c, X509_SAN_EMAIL, id, id_len, true);
	case IKEV2_ID_IPV4_ADDR:
		return id_len == 4 ? match_san(c, X509_SAN_IP, id, id_len, false) : ERR_AUTH;
	case IKEV2_ID_IPV6_ADDR:
		return id_len == 16 ? match_san(c, X509_SAN_IP, id, id_len, false) : ERR_AUTH;
	case IKEV2_ID_DER_ASN1_DN:
		return match_dn(c, id, id_len);
	default:
		return ERR_UNSUPPORTED;
	}
}
