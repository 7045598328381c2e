/*
 * creds.h - the credentials an engine authenticates with: private keys,
 * end-entity certificates (by the path the configuration names them) and
 * trusted CA certificates.
 *
 * creds_load() reads what a configuration refers to, the way swanctl
 * --load-all does: every connection's local.certs and remote.cacerts, every
 * CA certificate in <confdir>/x509ca/, and every private key in
 * <confdir>/{private,rsa,ecdsa,pkcs8}/ plus the files named in secrets.
 * The store owns everything it holds and is read-only once loaded.
 */
#ifndef RESWAN_IKE_CREDS_H
#define RESWAN_IKE_CREDS_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct diag;
struct sign_key;
struct sign_pub;
struct x509_cert;
struct x509_store;

#define CREDS_MAX_KEYS 256
#define CREDS_MAX_CERTS 1024

struct creds;

struct creds *creds_new(void);
void creds_free(struct creds *c);

/* Take ownership of k / cert; ERR_LIMIT beyond the caps. */
int creds_add_key(struct creds *c, struct sign_key *k);
int creds_add_cert(struct creds *c, const char *path, struct x509_cert *cert);
int creds_add_ca(struct creds *c, const char *path, struct x509_cert *cert);
/* Restrict conn to the CAs loaded from paths (remote.cacerts). */
int creds_restrict_cas(struct creds *c, const char *conn, char *const *paths,
		       size_t n);

/* Load everything cfg refers to; errors go to d as "FILE: reason". */
int creds_load(const struct config *cfg, struct creds **out, struct diag *d);

/* The certificate loaded from path (as written in the config), or NULL. */
const struct x509_cert *creds_cert(const struct creds *c, const char *path);
/* The private key whose public half is in cert, or NULL. */
const struct sign_key *creds_key_for_cert(const struct creds *c,
					  const struct x509_cert *cert);
/* Trust anchors for a connection: its remote.cacerts if it names any,
 * otherwise every CA loaded. */
const struct x509_store *creds_cas(const struct creds *c, const char *conn);
/* The CA certificates themselves (for CERTREQ hashes). */
size_t creds_ca_count(const struct creds *c);
const struct x509_cert *creds_ca(const struct creds *c, size_t i);
size_t creds_key_count(const struct creds *c);

#endif
