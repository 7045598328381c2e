/*
 * certcache.h - peer certificate chains already parsed and verified.
 *
 * Parsing a certificate and verifying its chain costs far more than any
 * other step of a signature-authenticated IKE_AUTH (about 0.5-0.7 ms of
 * OpenSSL decoder and verify work on the benchmark machine), and a
 * returning client presents the same chain every time.  This cache keeps
 * the parsed leaf and its public key, keyed by SHA-256 of the chain's DER
 * (the CERT payloads in order) and by the trust store it was verified
 * against, until the earliest notAfter of the chain.  It is bounded (LRU)
 * and emptied when the configuration (and so the trust stores) changes.
 * Identity checks are not cached: they run against the cached leaf on
 * every use.  strongSwan keeps a similar cache (cert_cache).
 */
#ifndef RESWAN_IKE_CERTCACHE_H
#define RESWAN_IKE_CERTCACHE_H

#include <stddef.h>
#include <stdint.h>

#define CERTCACHE_MAX 4096
#define CERTCACHE_KEY_LEN 32

struct certcache;
struct x509_cert;
struct sign_pub;

struct certcache *certcache_new(void);
void certcache_free(struct certcache *cc);
/* Drop everything (new trust stores). */
void certcache_clear(struct certcache *cc);

/* A chain verified against store and still valid at now (seconds), or
 * NULL.  The returned pointers stay valid until the next insert or clear. */
/*
 * The trust store is named by the configuration generation it belongs to
 * and its address within it: a new configuration's store never matches an
 * entry of an old one, even at a reused address.
 */
int certcache_find(struct certcache *cc, const uint8_t key[CERTCACHE_KEY_LEN],
		   uint64_t gen, const void *store, int64_t now,
		   const struct x509_cert **leaf, const struct sign_pub **pub);
/* Keep a verified chain (takes ownership of leaf and pub). */
void certcache_add(struct certcache *cc, const uint8_t key[CERTCACHE_KEY_LEN],
		   uint64_t gen, const void *store, int64_t not_after,
		   struct x509_cert *leaf, struct sign_pub *pub);
size_t certcache_count(const struct certcache *cc);

#endif
