/*
 * helpers.c - see helpers.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/rand.h"
#include "helpers.h"
#include "wire/ikev2.h"

struct cache_policy pol_none(uint32_t capacity)
{
	struct cache_policy p = { .capacity = capacity };

	return p;
}

static void init(struct tc *t, uint32_t max_records)
{
	struct cache_opts o = {
		.clock = &t->clk.clock,
		.max_records = max_records,
		.store = t->store,
		.seal = t->seal,
	};

	static unsigned instance;	/* a fresh stream per cache, as after a restart */
	char seed[32];

	clock_fake_init(&t->clk, T_START);
	snprintf(seed, sizeof(seed), "cache-test-%u", instance++);
	t->rnd = rand_det_new(seed, strlen(seed));
	assert_non_null(t->rnd);
	o.rand = t->rnd;
	t->c = cache_new(&o);
	assert_non_null(t->c);
}

void tc_init(struct tc *t, uint32_t max_records)
{
	memset(t, 0, sizeof(*t));
	init(t, max_records);
}

void tc_init_store(struct tc *t, uint32_t max_records, struct cache_store *store,
		   const uint8_t key[CACHE_KEY_LEN])
{
	memset(t, 0, sizeof(*t));
	t->store = store;
	t->seal = cache_seal_new(key, rand_system());
	assert_non_null(t->seal);
	init(t, max_records);
}

void tc_fini(struct tc *t)
{
	cache_free(t->c);
	cache_seal_free(t->seal);
	rand_det_free(t->rnd);
	t->c = NULL;
	t->seal = NULL;
	t->rnd = NULL;
}

void secret_for(uint8_t secret[CACHE_SECRET_LEN], uint32_t n, uint32_t round)
{
	for (int i = 0; i < CACHE_SECRET_LEN; i++)
		secret[i] = (uint8_t)(0xA5 ^ (n * 131 + round * 17 + (uint32_t)i * 7));
	memcpy(secret, &n, sizeof(n));
	memcpy(secret + 4, &round, sizeof(round));
}

void ident_for(struct cache_ident *id, uint32_t n)
{
	memset(id, 0, sizeof(*id));
	id->type = IKEV2_ID_RFC822_ADDR;
	id->len = (uint16_t)snprintf((char *)id->data, sizeof(id->data), "user%u@example.org", n);
}

void entry_for(struct cache_entry *e, uint32_t n)
{
	memset(e, 0, sizeof(*e));
	secret_for(e->secret, n, 0);
	ident_for(&e->peer, n);
	e->algs = (struct cache_algs){
		.ike_encr = IKEV2_ENCR_AES_GCM_16, .ike_encr_bits = 256,
		.ike_prf = IKEV2_PRF_HMAC_SHA2_256, .ike_ke = 31,
		.child_encr = IKEV2_ENCR_AES_GCM_16, .child_encr_bits = 128,
		.child_proto = IKEV2_PROTO_ESP,
	};
	e->ts.n_i = 1;
	e->ts.n_r = 1;
	e->ts.i[0] = (struct cache_ts){ .type = 7, .end_port = 65535,
		.start = { 10, 0, 0, 0 }, .end = { 10, 0, 255, 255 } };
	e->ts.r[0] = (struct cache_ts){ .type = 7, .end_port = 65535,
		.start = { 0, 0, 0, 0 }, .end = { 255, 255, 255, 255 } };
	e->vip4.family = ADDR_IPV4;
	e->vip4.ip[0] = 10;
	e->vip4.ip[1] = (uint8_t)(n >> 16);
	e->vip4.ip[2] = (uint8_t)(n >> 8);
	e->vip4.ip[3] = (uint8_t)n;
}

void tmpdir_make(char *path)
{
	strcpy(path, "/tmp/reswan-cache-test.XXXXXX");
	assert_non_null(mkdtemp(path));
}

void tmpdir_remove(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}
