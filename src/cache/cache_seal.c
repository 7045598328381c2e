/*
 * cache_seal.c - sealing stored records under the key file's key.
 *
 * Key schedule (HMAC-SHA2-256 as PRF, K = the 32-octet file key):
 *   mask key  = prf(K, "reswan cache handle mask v1")[0..15]
 *   epoch key = prf+(K, "reswan cache seal v1" | epoch)[0..35]
 *               (AES-256-GCM key and 4-octet salt)
 * Each sealing context draws a random 16-octet epoch and counts its IVs
 * from 0, so a (key, nonce) pair never repeats: not across restarts (a new
 * epoch, i.e. a new key) and not within one (a counter).  Records written
 * under older epochs are opened with their epoch's key, derived on demand
 * and kept in a small round-robin table.
 *
 * Envelope:  u8 version (1) | epoch (16) | IV (8) | ciphertext | tag (16)
 * AAD:       "reswan-cache" | version | domain | u8 key length | store key
 * so a value moved to another key (another slot, another connection name)
 * or from the client store to the server store does not authenticate.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_store.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/wipe.h"
#include "crypto/aead.h"
#include "crypto/prf.h"
#include "crypto/rand.h"
#include "wire/ikev2.h"

#define EPOCH_LEN 16
#define IV_LEN 8
#define TAG_LEN 16
#define ENV_VERSION 1
#define KEYMAT_LEN 36
#define OLD_EPOCHS 8

static const char aad_label[] = "reswan-cache";
static const char mask_label[] = "reswan cache handle mask v1";
static const char seal_label[] = "reswan cache seal v1";

struct epoch {
	uint8_t id[EPOCH_LEN];
	struct aead *aead;
};

struct cache_seal {
	struct prf *prf;		/* keyed with K */
	uint8_t mask[16];
	struct epoch own;
	uint64_t counter;
	struct epoch old[OLD_EPOCHS];
	unsigned old_next;
};

static struct aead *epoch_aead(const struct prf *prf, const uint8_t id[EPOCH_LEN])
{
	uint8_t km[KEYMAT_LEN];
	struct crypto_span seed[2] = {
		{ (const uint8_t *)seal_label, sizeof(seal_label) - 1 },
		{ id, EPOCH_LEN },
	};
	struct aead *a = NULL;

	if (prf_plus(prf, seed, 2, km, sizeof(km)) == 0)
		a = aead_new(IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE, km, sizeof(km),
			     NULL, 0);
	wipe(km, sizeof(km));
	return a;
}

struct cache_seal *cache_seal_new(const uint8_t key[CACHE_KEY_LEN], struct rand_src *rnd)
{
	struct cache_seal *s = calloc(1, sizeof(*s));
	uint8_t out[PRF_MAX_LEN];

	if (!s)
		return NULL;
	s->prf = prf_new(IKEV2_PRF_HMAC_SHA2_256, key, CACHE_KEY_LEN);
	if (!s->prf || prf_compute1(s->prf, mask_label, sizeof(mask_label) - 1, out) ||
	    rand_bytes(rnd, s->own.id, EPOCH_LEN))
		goto fail;
	memcpy(s->mask, out, sizeof(s->mask));
	s->own.aead = epoch_aead(s->prf, s->own.id);
	if (!s->own.aead)
		goto fail;
	wipe(out, sizeof(out));
	return s;
fail:
	wipe(out, sizeof(out));
	cache_seal_free(s);
	return NULL;
}

void cache_seal_free(struct cache_seal *s)
{
	if (!s)
		return;
	prf_free(s->prf);
	aead_free(s->own.aead);
	for (unsigned i = 0; i < OLD_EPOCHS; i++)
		aead_free(s->old[i].aead);
	wipe(s, sizeof(*s));
	free(s);
}

const uint8_t *cache_seal_mask_key(const struct cache_seal *s)
{
	return s->mask;
}

static size_t build_aad(uint8_t *aad, enum cache_seal_domain dom, const uint8_t *key,
			size_t klen)
{
	size_t n = sizeof(aad_label) - 1;

	memcpy(aad, aad_label, n);
	aad[n++] = ENV_VERSION;
	aad[n++] = (uint8_t)dom;
	aad[n++] = (uint8_t)klen;
	memcpy(aad + n, key, klen);
	return n + klen;
}

int cache_seal_seal(struct cache_seal *s, enum cache_seal_domain dom,
		    const uint8_t *key, size_t klen, const uint8_t *plain, size_t len,
		    uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t aad[sizeof(aad_label) + 3 + CACHE_STORE_KEY_MAX], *iv;
	size_t alen;
	int ret;

	if (klen > CACHE_STORE_KEY_MAX || cap < len + CACHE_SEAL_OVERHEAD)
		return ERR_INVAL;
	alen = build_aad(aad, dom, key, klen);
	out[0] = ENV_VERSION;
	memcpy(out + 1, s->own.id, EPOCH_LEN);
	iv = out + 1 + EPOCH_LEN;
	buf_store_u32(iv, (uint32_t)(s->counter >> 32));
	buf_store_u32(iv + 4, (uint32_t)s->counter);
	ret = aead_seal(s->own.aead, iv, aad, alen, plain, len, iv + IV_LEN,
			iv + IV_LEN + len);
	if (ret)
		return ret;
	s->counter++;
	*out_len = len + CACHE_SEAL_OVERHEAD;
	return 0;
}

static struct aead *find_epoch(struct cache_seal *s, const uint8_t *id)
{
	struct epoch *e;

	if (memcmp(id, s->own.id, EPOCH_LEN) == 0)
		return s->own.aead;
	for (unsigned i = 0; i < OLD_EPOCHS; i++)
		if (s->old[i].aead && memcmp(id, s->old[i].id, EPOCH_LEN) == 0)
			return s->old[i].aead;
	e = &s->old[s->old_next];
	s->old_next = (s->old_next + 1) % OLD_EPOCHS;
	aead_free(e->aead);
	memcpy(e->id, id, EPOCH_LEN);
	e->aead = epoch_aead(s->prf, id);
	return e->aead;
}

int cache_seal_open(struct cache_seal *s, enum cache_seal_domain dom,
		    const uint8_t *key, size_t klen, const uint8_t *env, size_t len,
		    uint8_t *out, size_t cap, size_t *out_len, const char **why)
{
	uint8_t aad[sizeof(aad_label) + 3 + CACHE_STORE_KEY_MAX], ver;
	const uint8_t *epoch, *iv, *ct, *tag;
	struct buf_reader r;
	struct aead *a;
	size_t ctlen;
	int ret;

	if (klen > CACHE_STORE_KEY_MAX)
		return ERR_INVAL;
	buf_reader_init(&r, env, len);
	if (buf_get_u8(&r, &ver) || buf_get_ref(&r, &epoch, EPOCH_LEN) ||
	    buf_get_ref(&r, &iv, IV_LEN) || buf_remaining(&r) < TAG_LEN) {
		*why = "sealed value shorter than its envelope";
		return ERR_TRUNCATED;
	}
	if (ver != ENV_VERSION) {
		*why = "unknown envelope version";
		return ERR_SYNTAX;
	}
	ctlen = buf_remaining(&r) - TAG_LEN;
	if (ctlen > cap) {
		*why = "sealed value longer than a record can be";
		return ERR_LENGTH;
	}
	buf_get_ref(&r, &ct, ctlen);
	buf_get_ref(&r, &tag, TAG_LEN);
	a = find_epoch(s, epoch);
	if (!a) {
		*why = "cannot derive the epoch key";
		return ERR_CRYPTO;
	}
	ret = aead_open(a, iv, aad, build_aad(aad, dom, key, klen), ct, ctlen, out, tag);
	if (ret) {
		wipe(out, cap);
		*why = ret == ERR_AUTH ? "does not authenticate under this key" : "decryption failed";
		return ret;
	}
	*out_len = ctlen;
	return 0;
}
