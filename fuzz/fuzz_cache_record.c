/*
 * fuzz_cache_record.c - libFuzzer harness for everything the cache parses
 * from its store: the record body (server), the client entry body, the
 * sealed envelope, and a whole load of a store holding the input as a
 * value (so a value that parses cannot crash the loader either).  Stored
 * values are normally authenticated before parsing; the bodies are fuzzed
 * directly because a leaked key must not turn into a memory-safety bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cache/cache_client.h"
#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "crypto/rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cache_seal *seal;
static struct rand_src *rnd;

static void roundtrip(const struct cache_record *rec)
{
	static uint8_t buf[CACHE_RECORD_MAX];
	static struct cache_record back;
	struct buf_writer w;

	buf_writer_init_fixed(&w, buf, sizeof(buf));
	if (cache_record_encode(&w, rec) != 0)
		__builtin_trap();	/* whatever parsed must re-encode */
	if (cache_record_decode(buf, w.len, &back, NULL) != 0 ||
	    memcmp(back.secret, rec->secret, sizeof(rec->secret)) != 0 ||
	    back.peer.len != rec->peer.len || back.ts.n_i != rec->ts.n_i)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cache_record rec;
	static struct cache_client_entry ce;
	static uint8_t out[CACHE_RECORD_MAX];
	char name[CACHE_CONN_NAME_MAX + 1];
	const char *why = NULL;
	uint8_t key[CACHE_KEY_LEN] = { 1 }, slot[4] = { 0 };
	size_t olen;

	if (!seal) {
		log_set_level(LOG_LVL_ERROR);	/* drops are expected here */
		rnd = rand_det_new("fuzz", 4);
		seal = cache_seal_new(key, rnd);
	}
	if (cache_record_decode(data, size, &rec, &why) == 0)
		roundtrip(&rec);
	else if (!why)
		__builtin_trap();	/* every rejection names its reason */
	cache_record_decode_client(data, size, name, &ce, &why);
	cache_seal_open(seal, CACHE_SEAL_SERVER, slot, sizeof(slot), data, size, out,
			sizeof(out), &olen, &why);

	/* A whole load with the input as a stored value. */
	{
		struct clock_fake clk;
		struct cache_store *store = cache_store_mem_new(4);
		struct cache_opts o = { .clock = &clk.clock, .rand = rnd, .max_records = 16,
					.store = store, .seal = seal };
		struct cache_policy p = { .capacity = 8 };
		struct cache *c;

		clock_fake_init(&clk, 1700000000ULL * CLOCK_US_PER_SEC);
		if (size >= 4 && store && store->ops->put(store, data, 4, data + 4, size - 4) == 0 &&
		    (c = cache_new(&o))) {
			cache_conn_set(c, "rw", &p, NULL);
			cache_load(c);
			cache_free(c);
		}
		cache_store_free(store);
	}
	return 0;
}
