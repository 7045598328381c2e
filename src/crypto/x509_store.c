/*
 * x509_store.c - trusted CA certificates and chain verification.
 *
 * The store holds trust anchors only.  Intermediates arrive per exchange
 * in the peer's CERT payloads and are passed to x509_verify() as untrusted
 * helpers, never added to the store, so one peer cannot plant a
 * certificate that a later peer's chain would be built through.
 */
#include <stdlib.h>

#include "common/err.h"
#include "common/log.h"
#include "crypto/internal.h"
#include "crypto/x509.h"

struct x509_store {
	X509_STORE *st;
	size_t n;
};

struct x509_store *x509_store_new(void)
{
	struct x509_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->st = X509_STORE_new();
	if (!s->st) {
		free(s);
		return NULL;
	}
	return s;
}

void x509_store_free(struct x509_store *s)
{
	if (!s)
		return;
	X509_STORE_free(s->st);
	free(s);
}

int x509_store_add(struct x509_store *s, const struct x509_cert *c)
{
	/* X509_STORE_add_cert takes its own reference. */
	if (X509_STORE_add_cert(s->st, c->x) != 1) {
		ERR_clear_error();
		return ERR_CRYPTO;
	}
	s->n++;
	return 0;
}

size_t x509_store_count(const struct x509_store *s)
{
	return s->n;
}

int x509_store_load_file(struct x509_store *s, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0, added = 0;
	BIO *bio = NULL;
	X509 *x;
	int ret;

	ret = crypto_read_file(path, X509_MAX_FILE_LEN, &data, &len);
	if (ret)
		return ret;
	ret = ERR_CRYPTO;
	bio = BIO_new_mem_buf(data, (int)len);
	if (!bio)
		goto out;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		int ok = X509_STORE_add_cert(s->st, x);

		X509_free(x);
		if (ok != 1) {
			log_error("%s: certificate %zu could not be added", path, added + 1);
			goto out;
		}
		added++;
	}
	if (added == 0 && (x = x509_decode_one(data, len)) != NULL) {
		int ok = X509_STORE_add_cert(s->st, x);

		X509_free(x);
		if (ok == 1)
			added++;
	}
	ret = ERR_SYNTAX;
	if (added == 0) {
		log_error("%s: no PEM or DER certificate found", path);
		goto out;
	}
	s->n += added;
	ret = 0;
out:
	ERR_clear_error();
	BIO_free(bio);
	free(data);
	return ret;
}

int x509_verify(const struct x509_store *cas, const struct x509_cert *leaf,
		const struct x509_cert *const *intermediates, size_t n,
		int64_t now, const char **why)
{
	STACK_OF(X509) *chain = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	int ret = ERR_CRYPTO;

	if (why)
		*why = "internal error";
	if (n > X509_MAX_INTERMEDIATES) {
		if (why)
			*why = "too many intermediate certificates";
		return ERR_LIMIT;
	}
	chain = sk_X509_new_null();
	ctx = X509_STORE_CTX_new();
	if (!chain || !ctx)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!sk_X509_push(chain, intermediates[i]->x))	/* borrowed */
			goto out;
	if (X509_STORE_CTX_init(ctx, cas->st, leaf->x, chain) != 1)
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_depth(param, X509_MAX_DEPTH);
	X509_STORE_CTX_set_time(ctx, 0, (time_t)now);
	if (X509_verify_cert(ctx) == 1) {
		ret = 0;
	} else {
		ret = ERR_CERT;
		if (why)
			*why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(chain);	/* the certificates stay their owners' */
	return ret;
}
