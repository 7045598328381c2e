/*
 * helpers.h - shared by the cache unit tests: a cache on a fake clock and
 * deterministic randomness, records for "user N", temp directories.
 */
#ifndef RESWAN_TEST_CACHE_HELPERS_H
#define RESWAN_TEST_CACHE_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"
#include "cache/cache_store.h"
#include "common/clock.h"

#define T_START (1700000000ULL * CLOCK_US_PER_SEC)	/* Nov 2023 */
#define T_SEC CLOCK_US_PER_SEC
#define T_HOUR (3600 * T_SEC)
#define T_DAY (24 * T_HOUR)

struct tc {
	struct clock_fake clk;
	struct rand_src *rnd;
	struct cache *c;
	struct cache_store *store;	/* optional */
	struct cache_seal *seal;
};

/* A policy with only capacity set (no expiry). */
struct cache_policy pol_none(uint32_t capacity);
/* A cache with max_records (no store); fails the test on error. */
void tc_init(struct tc *t, uint32_t max_records);
/* The same with a store and a seal made from key. */
void tc_init_store(struct tc *t, uint32_t max_records, struct cache_store *store,
		   const uint8_t key[CACHE_KEY_LEN]);
/* Frees cache and seal (not the store). */
void tc_fini(struct tc *t);

/* Entry for user n: identity "user<n>@example.org", secret from n, VIP 10.x.y.z. */
void entry_for(struct cache_entry *e, uint32_t n);
void secret_for(uint8_t secret[CACHE_SECRET_LEN], uint32_t n, uint32_t round);
void ident_for(struct cache_ident *id, uint32_t n);

/* mkdtemp under /tmp; path buffer of 256 octets. */
void tmpdir_make(char *path);
void tmpdir_remove(const char *path);

/* Each file's group runner. */
int test_group_units(void);
int test_group_ops(void);
int test_group_persist(void);
int test_group_kill(void);
int test_group_memory(void);
int test_group_client(void);

#endif
