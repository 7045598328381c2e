/*
 * x509.h - X.509 certificates for IKEv2: loading, chain verification
 * against configured CAs with peer-supplied intermediates (CERT payloads),
 * and the accessors IKE needs (subject DN for ID_DER_ASN1_DN,
 * subjectAltNames for FQDN / RFC822 / IP identities, the public key for
 * AUTH verification, the DER for CERT payloads, the SHA-1 of the
 * subjectPublicKeyInfo for CERTREQ).
 *
 * Verification time is given by the caller (seconds since the Unix epoch,
 * read from its struct clock) so tests can check expiry at any date.
 */
#ifndef RESWAN_CRYPTO_X509_H
#define RESWAN_CRYPTO_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x509_cert;
struct x509_store;
struct sign_pub;

/* A peer may send at most this many intermediates; deeper chains fail. */
#define X509_MAX_INTERMEDIATES 8
#define X509_MAX_DEPTH (X509_MAX_INTERMEDIATES + 2)
/* Cap on a certificate (DER) and on a file of PEM certificates. */
#define X509_MAX_CERT_LEN (64 * 1024)
#define X509_MAX_FILE_LEN (1024 * 1024)
#define X509_SPKI_SHA1_LEN 20

/*
 * Load one certificate, PEM or DER, from memory (e.g. a CERT payload's
 * data) or a file.  ERR_SYNTAX if it does not parse, ERR_LIMIT above the
 * caps, ERR_IO for files; a file error is logged with the path.  The
 * caller owns *out (x509_cert_free()); untouched on error.
 */
int x509_cert_load_mem(const void *data, size_t len, struct x509_cert **out);
int x509_cert_load_file(const char *path, struct x509_cert **out);
void x509_cert_free(struct x509_cert *c);

/* DER encoding (for CERT payloads); points into c. */
const uint8_t *x509_cert_der(const struct x509_cert *c, size_t *len);
/* DER of the subject Name (for ID_DER_ASN1_DN); points into c. */
const uint8_t *x509_cert_subject_der(const struct x509_cert *c, size_t *len);
/* One-line subject ("CN=gw.example") for logs, into buf; returns buf. */
const char *x509_cert_subject_str(const struct x509_cert *c, char *buf, size_t len);
/* SHA-1 of the DER subjectPublicKeyInfo (RFC 7296 3.7 CERTREQ). */
int x509_cert_spki_sha1(const struct x509_cert *c, uint8_t out[X509_SPKI_SHA1_LEN]);
/* The certificate's public key as a new object (caller frees), or NULL. */
struct sign_pub *x509_cert_pub(const struct x509_cert *c);
/* notBefore / notAfter in seconds since the epoch; ERR_SYNTAX if unreadable. */
int x509_cert_validity(const struct x509_cert *c, int64_t *not_before, int64_t *not_after);

enum x509_san_type {
	X509_SAN_DNS = 1,
	X509_SAN_EMAIL,
	X509_SAN_IP,	/* 4 or 16 octets */
};

struct x509_san {
	enum x509_san_type type;
	const uint8_t *p;	/* points into the certificate */
	size_t len;
};

/*
 * The idx-th subjectAltName of a supported type (others are skipped), or
 * ERR_NOTFOUND past the last one.
 */
int x509_cert_san(const struct x509_cert *c, size_t idx, struct x509_san *out);

/*
 * Does the certificate vouch for this IKE identity (ID payload type and
 * data, wire/ikev2.h ikev2_id_type)?  ID_FQDN matches a DNS SAN and
 * ID_RFC822_ADDR an email SAN (both ASCII case-insensitive, no wildcards);
 * ID_IPV4_ADDR / ID_IPV6_ADDR an IP SAN; ID_DER_ASN1_DN the subject
 * (canonical comparison).  The subject CN is never used for FQDN.
 * Returns 0 on a match, ERR_AUTH if the certificate does not match,
 * ERR_UNSUPPORTED for other ID types, ERR_SYNTAX for a DN that does not
 * parse.
 */
int x509_cert_match_id(const struct x509_cert *c, uint8_t id_type,
		       const uint8_t *id, size_t id_len);

/* Trusted CA certificates. */
struct x509_store *x509_store_new(void);
void x509_store_free(struct x509_store *s);
/* Add a trust anchor (the store takes its own reference; c stays the caller's). */
int x509_store_add(struct x509_store *s, const struct x509_cert *c);
/* Add every certificate in a PEM file (or one DER certificate); logs path on error. */
int x509_store_load_file(struct x509_store *s, const char *path);
size_t x509_store_count(const struct x509_store *s);

/*
 * Verify that leaf chains to a certificate in cas through the optional
 * intermediates (at most X509_MAX_INTERMEDIATES, else ERR_LIMIT), with
 * every certificate valid at time `now` (seconds since the epoch).  No
 * CRL/OCSP checks.  0 if trusted; ERR_CERT otherwise, with *why (if not
 * NULL) set to a static reason for the log ("certificate has expired",
 * "unable to get local issuer certificate", ...).
 */
int x509_verify(const struct x509_store *cas, const struct x509_cert *leaf,
		const struct x509_cert *const *intermediates, size_t n,
		int64_t now, const char **why);

#endif
