/*
 * crypto.c - constant-time comparison, the once-per-process algorithm
 * fetches and small helpers the other files of the layer share.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/internal.h"

bool crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

const char *crypto_backend(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

static const struct {
	char kind;	/* 'd'igest, 'c'ipher, 'm'ac */
	const char *name;
} alg_names[CRYPTO_ALG_COUNT] = {
	[CRYPTO_MD_SHA1] = { 'd', "SHA1" },
	[CRYPTO_MD_SHA256] = { 'd', "SHA256" },
	[CRYPTO_MD_SHA384] = { 'd', "SHA384" },
	[CRYPTO_MD_SHA512] = { 'd', "SHA512" },
	[CRYPTO_CIPHER_AES128_GCM] = { 'c', "AES-128-GCM" },
	[CRYPTO_CIPHER_AES256_GCM] = { 'c', "AES-256-GCM" },
	[CRYPTO_CIPHER_CHACHA20_POLY1305] = { 'c', "ChaCha20-Poly1305" },
	[CRYPTO_CIPHER_AES128_CBC] = { 'c', "AES-128-CBC" },
	[CRYPTO_CIPHER_AES256_CBC] = { 'c', "AES-256-CBC" },
	[CRYPTO_CIPHER_CHACHA20] = { 'c', "ChaCha20" },
	[CRYPTO_MAC_HMAC] = { 'm', "HMAC" },
};

static void *algs[CRYPTO_ALG_COUNT];
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;

/* Runs once; the fetched objects live until the process exits. */
static void fetch_all(void)
{
	for (int i = 0; i < CRYPTO_ALG_COUNT; i++) {
		switch (alg_names[i].kind) {
		case 'd':
			algs[i] = EVP_MD_fetch(NULL, alg_names[i].name, NULL);
			break;
		case 'c':
			algs[i] = EVP_CIPHER_fetch(NULL, alg_names[i].name, NULL);
			break;
		default:
			algs[i] = EVP_MAC_fetch(NULL, alg_names[i].name, NULL);
			break;
		}
		if (!algs[i]) {
			log_error("crypto: backend has no %s", alg_names[i].name);
			ERR_clear_error();
		}
	}
}

static void *alg(enum crypto_alg_id id)
{
	pthread_once(&algs_once, fetch_all);
	return algs[id];
}

const EVP_MD *crypto_md(enum crypto_alg_id id)
{
	return alg_names[id].kind == 'd' ? alg(id) : NULL;
}

const EVP_CIPHER *crypto_cipher(enum crypto_alg_id id)
{
	return alg_names[id].kind == 'c' ? alg(id) : NULL;
}

EVP_MAC *crypto_hmac(void)
{
	return alg(CRYPTO_MAC_HMAC);
}

const char *crypto_md_name(enum crypto_alg_id id)
{
	return alg_names[id].kind == 'd' ? alg_names[id].name : NULL;
}

static int log_one_error(const char *str, size_t len, void *u)
{
	log_debug("crypto: %s: %.*s", (const char *)u, (int)len, str);
	return 1;
}

void crypto_log_errors(const char *what)
{
	if (log_enabled(LOG_LVL_DEBUG))
		ERR_print_errors_cb(log_one_error, (void *)(uintptr_t)what);
	ERR_clear_error();
}

int crypto_read_file(const char *path, size_t max, uint8_t **data, size_t *len)
{
	FILE *f = NULL;
	struct stat st;
	uint8_t *buf = NULL;
	size_t got;
	int ret = ERR_IO;

	f = fopen(path, "rb");
	if (!f) {
		log_error("%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		log_error("%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		log_error("%s: %lld bytes, more than the %zu allowed", path,
			  (long long)st.st_size, max);
		ret = ERR_LIMIT;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = ERR_NOMEM;
		goto out;
	}
	got = fread(buf, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || got != (size_t)st.st_size) {
		log_error("%s: read failed or file changed while reading", path);
		goto out;
	}
	*data = buf;
	*len = got;
	buf = NULL;
	ret = 0;
out:
	if (buf) {
		wipe(buf, (size_t)st.st_size + 1);
		free(buf);
	}
	if (f)
		fclose(f);
	return ret;
}
