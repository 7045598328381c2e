/*
 * creds.c - the credential store (see creds.h).
 *
 * Flat arrays: a gateway has a handful of keys and certificates, looked up
 * at IKE_AUTH time, so a linear scan beats any index in simplicity.  CA
 * stores are built once at load time, one global and one per connection
 * that restricts remote.cacerts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "ike/creds.h"

struct named_cert {
	char *path;
	struct x509_cert *cert;
	const struct sign_key *key;	/* end-entity certs: our key for it */
};

struct conn_cas {
	char *conn;
	struct x509_store *store;
};

struct creds {
	struct sign_key *keys[CREDS_MAX_KEYS];
	size_t nkeys;
	struct named_cert certs[CREDS_MAX_CERTS];
	size_t ncerts;
	struct named_cert cas[CREDS_MAX_CERTS];
	size_t ncas;
	struct x509_store *all_cas;
	struct conn_cas *conn_cas;
	size_t nconn_cas;
};

struct creds *creds_new(void)
{
	struct creds *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->all_cas = x509_store_new();
	if (!c->all_cas) {
		free(c);
		return NULL;
	}
	return c;
}

void creds_free(struct creds *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nkeys; i++)
		sign_key_free(c->keys[i]);
	for (size_t i = 0; i < c->ncerts; i++) {
		free(c->certs[i].path);
		x509_cert_free(c->certs[i].cert);
	}
	for (size_t i = 0; i < c->ncas; i++) {
		free(c->cas[i].path);
		x509_cert_free(c->cas[i].cert);
	}
	for (size_t i = 0; i < c->nconn_cas; i++) {
		free(c->conn_cas[i].conn);
		x509_store_free(c->conn_cas[i].store);
	}
	free(c->conn_cas);
	x509_store_free(c->all_cas);
	free(c);
}

/* Whether k is the private half of cert's public key.  Expensive in
 * OpenSSL 3 (key encoding): done once, when either is added. */
static bool key_fits(const struct sign_key *k, const struct x509_cert *cert)
{
	struct sign_pub *want = x509_cert_pub(cert), *have = sign_key_pub(k);
	bool ok = want && have && sign_pub_equal(want, have);

	sign_pub_free(want);
	sign_pub_free(have);
	return ok;
}

int creds_add_key(struct creds *c, struct sign_key *k)
{
	if (c->nkeys >= CREDS_MAX_KEYS)
		return ERR_LIMIT;
	c->keys[c->nkeys++] = k;
	for (size_t i = 0; i < c->ncerts; i++)
		if (!c->certs[i].key && key_fits(k, c->certs[i].cert))
			c->certs[i].key = k;
	return 0;
}

static int add_named(struct named_cert *arr, size_t *n, const char *path,
		     struct x509_cert *cert)
{
	char *p;

	if (*n >= CREDS_MAX_CERTS)
		return ERR_LIMIT;
	p = strdup(path ? path : "");
	if (!p)
		return ERR_NOMEM;
	arr[*n].path = p;
	arr[*n].cert = cert;
	arr[*n].key = NULL;
	(*n)++;
	return 0;
}

int creds_add_cert(struct creds *c, const char *path, struct x509_cert *cert)
{
	int rc = add_named(c->certs, &c->ncerts, path, cert);

	for (size_t i = 0; rc == 0 && i < c->nkeys; i++) {
		if (key_fits(c->keys[i], cert)) {
			c->certs[c->ncerts - 1].key = c->keys[i];
			break;
		}
	}
	return rc;
}

int creds_add_ca(struct creds *c, const char *path, struct x509_cert *cert)
{
	int rc;

	if ((rc = x509_store_add(c->all_cas, cert)) != 0)
		return rc;
	return add_named(c->cas, &c->ncas, path, cert);
}

static const struct x509_cert *find_named(const struct named_cert *arr,
					  size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i].path, path) == 0)
			return arr[i].cert;
	return NULL;
}

int creds_restrict_cas(struct creds *c, const char *conn, char *const *paths,
		       size_t n)
{
	struct conn_cas *nc;
	struct x509_store *s;

	s = x509_store_new();
	if (!s)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct x509_cert *ca = find_named(c->cas, c->ncas, paths[i]);

		if (!ca || x509_store_add(s, ca) != 0) {
			x509_store_free(s);
			return ca ? ERR_NOMEM : ERR_NOTFOUND;
		}
	}
	nc = realloc(c->conn_cas, (c->nconn_cas + 1) * sizeof(*nc));
	if (!nc) {
		x509_store_free(s);
		return ERR_NOMEM;
	}
	c->conn_cas = nc;
	nc[c->nconn_cas].conn = strdup(conn);
	if (!nc[c->nconn_cas].conn) {
		x509_store_free(s);
		return ERR_NOMEM;
	}
	nc[c->nconn_cas].store = s;
	c->nconn_cas++;
	return 0;
}

const struct x509_cert *creds_cert(const struct creds *c, const char *path)
{
	return find_named(c->certs, c->ncerts, path);
}

const struct sign_key *creds_key_for_cert(const struct creds *c,
					  const struct x509_cert *cert)
{
	/* Paired when loaded: a pointer walk, no key encoding. */
	for (size_t i = 0; i < c->ncerts; i++)
		if (c->certs[i].cert == cert)
			return c->certs[i].key;
	for (size_t i = 0; i < c->nkeys; i++)
		if (key_fits(c->keys[i], cert))
			return c->keys[i];
	return NULL;
}

const struct x509_store *creds_cas(const struct creds *c, const char *conn)
{
	for (size_t i = 0; conn && i < c->nconn_cas; i++)
		if (strcmp(c->conn_cas[i].conn, conn) == 0)
			return c->conn_cas[i].store;
	return c->all_cas;
}

size_t creds_ca_count(const struct creds *c)
{
	return c->ncas;
}

const struct x509_cert *creds_ca(const struct creds *c, size_t i)
{
	return i < c->ncas ? c->cas[i].cert : NULL;
}

size_t creds_key_count(const struct creds *c)
{
	return c->nkeys;
}

/* ---- loading ---- */

static int load_cert(struct creds *c, const char *path, bool ca,
		     struct diag *d)
{
	struct x509_cert *cert;
	int rc;

	if (ca ? find_named(c->cas, c->ncas, path)
	       : find_named(c->certs, c->ncerts, path))
		return 0;
	if ((rc = x509_cert_load_file(path, &cert)) != 0) {
		diag_error(d, NULL, 0, "%s: cannot load certificate: %s", path,
			   err_str(rc));
		return rc;
	}
	rc = ca ? creds_add_ca(c, path, cert) : creds_add_cert(c, path, cert);
	if (rc) {
		diag_error(d, NULL, 0, "%s: %s", path, err_str(rc));
		x509_cert_free(cert);
	}
	return rc;
}

static int load_key(struct creds *c, const char *path, struct diag *d)
{
	struct sign_key *k;
	int rc;

	if ((rc = sign_key_load_file(path, &k)) != 0) {
		diag_error(d, NULL, 0, "%s: cannot load private key: %s", path,
			   err_str(rc));
		return rc;
	}
	if ((rc = creds_add_key(c, k)) != 0) {
		diag_error(d, NULL, 0, "%s: %s", path, err_str(rc));
		sign_key_free(k);
	}
	return rc;
}

/* Every regular file of dir (sorted, for reproducible order), or nothing
 * if the directory does not exist. */
static int load_dir(struct creds *c, const char *confdir, const char *sub,
		    bool keys, struct diag *d)
{
	char dir[4096], path[4096 + 256];
	struct dirent **ents = NULL;
	int n, rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", confdir, sub);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    (ents[i]->d_type == DT_REG || ents[i]->d_type == DT_UNKNOWN ||
		     ents[i]->d_type == DT_LNK)) {
			int r;

			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			r = keys ? load_key(c, path, d) : load_cert(c, path, true, d);
			if (r && !rc)
				rc = r;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int creds_load(const struct config *cfg, struct creds **out, struct diag *d)
{
	static const char *const key_dirs[] = { "private", "rsa", "ecdsa", "pkcs8" };
	struct creds *c = creds_new();
	int rc = 0, r;

	*out = NULL;
	if (!c)
		return ERR_NOMEM;
	if (cfg->confdir) {
		if ((r = load_dir(c, cfg->confdir, "x509ca", false, d)) && !rc)
			rc = r;
		for (size_t i = 0; i < sizeof(key_dirs) / sizeof(key_dirs[0]); i++)
			if ((r = load_dir(c, cfg->confdir, key_dirs[i], true, d)) && !rc)
				rc = r;
	}
	for (size_t i = 0; i < cfg->n_key_secrets; i++)
		if ((r = load_key(c, cfg->key_secrets[i].file, d)) && !rc)
			rc = r;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *conn = &cfg->conns[i];

		for (size_t j = 0; j < conn->local.n_certs; j++)
			if ((r = load_cert(c, conn->local.certs[j], false, d)) && !rc)
				rc = r;
		for (size_t j = 0; j < conn->remote.n_cacerts; j++)
			if ((r = load_cert(c, conn->remote.cacerts[j], true, d)) && !rc)
				rc = r;
		if (!rc && conn->remote.n_cacerts &&
		    (r = creds_restrict_cas(c, conn->name, conn->remote.cacerts,
					    conn->remote.n_cacerts)) != 0) {
			diag_error(d, NULL, 0, "connection %s: cacerts: %s",
				   conn->name, err_str(r));
			rc = r;
		}
		if (!rc && conn->local.method == CONFIG_AUTH_PUBKEY &&
		    conn->local.n_certs &&
		    !creds_key_for_cert(c, creds_cert(c, conn->local.certs[0]))) {
			diag_error(d, NULL, 0,
				   "connection %s: no private key for %s "
				   "(looked in %s/private, rsa, ecdsa, pkcs8)",
				   conn->name, conn->local.certs[0],
				   cfg->confdir ? cfg->confdir : ".");
			rc = ERR_NOTFOUND;
		}
	}
	if (rc) {
		creds_free(c);
		return rc;
	}
	*out = c;
	return 0;
}
