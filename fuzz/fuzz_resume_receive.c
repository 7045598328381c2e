/*
 * fuzz_resume_receive.c - libFuzzer harness for the resumption responder.
 *
 * One responder engine whose connection has a resumption block, with a
 * cache holding one record, takes the input as datagrams (the format is
 * in fuzz_engine.h).  Any 16 octets "HHHHHHHHHHHHHHHH" in a datagram are
 * replaced by the live record's handle, so inputs pass the cheap lookup
 * and reach the key schedule, MAC_R, message 2, the response cache and, for message 3,
 * decryption; cookies engage after 4 half-open exchanges.  The engine
 * must never crash, leak, or consume the record without message 3.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "fuzz_engine.h"
#include "resume/resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"connections {\n rw {\n  local_addrs = 10.0.0.1\n"
	"  proposals = aes256gcm16-prfsha256-x25519\n"
	"  local {\n   auth = psk\n   id = gw\n  }\n"
	"  remote {\n   auth = psk\n  }\n"
	"  children {\n   net {\n    local_ts = 10.1.0.0/16\n   }\n  }\n"
	"  resumption {\n   capacity = 16\n  }\n"
	" }\n}\nsecrets {\n ike {\n  secret = fuzz\n }\n}\n";

static const uint8_t marker[CACHE_HANDLE_LEN] = "HHHHHHHHHHHHHHHH";

static void put_handle(uint8_t *p, size_t len, void *ctx)
{
	const uint8_t *handle = ctx;

	for (size_t i = 0; i + CACHE_HANDLE_LEN <= len; i++)
		if (memcmp(p + i, marker, CACHE_HANDLE_LEN) == 0)
			memcpy(p + i, handle, CACHE_HANDLE_LEN);
}

static struct cache *new_cache(struct clock *clk, struct rand_src *rnd)
{
	struct cache_opts co = { .clock = clk, .rand = rnd, .max_records = 64 };
	struct cache *c = cache_new(&co);

	if (!c)
		abort();
	return c;
}

static void insert_record(struct cache *c, uint8_t handle[CACHE_HANDLE_LEN])
{
	struct cache_entry e;
	uint16_t id;

	if (cache_conn_find(c, "rw", &id) != 0)
		abort();
	memset(&e, 0, sizeof(e));
	memset(e.secret, 0x5a, sizeof(e.secret));
	e.peer.type = 2;	/* FQDN */
	e.peer.len = 6;
	memcpy(e.peer.data, "client", 6);
	e.algs = (struct cache_algs){ .ike_encr = 20, .ike_encr_bits = 256,
				      .ike_prf = 5, .ike_ke = 31, .child_encr = 20,
				      .child_encr_bits = 256, .child_proto = 3 };
	e.ts.n_i = e.ts.n_r = 1;
	e.ts.i[0] = (struct cache_ts){ .type = 7, .end_port = 65535,
		.start = { 10, 9, 0, 1 }, .end = { 10, 9, 0, 1 } };
	e.ts.r[0] = (struct cache_ts){ .type = 7, .end_port = 65535,
		.start = { 10, 1, 0, 0 }, .end = { 10, 1, 255, 255 } };
	if (cache_insert(c, id, &e, handle, NULL) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resume_opts ro = { .attempt_timeout_us = RESUME_DEFAULT_ATTEMPT_US };
	uint8_t handle[CACHE_HANDLE_LEN];
	struct cache_stats *st;
	struct fuzz_engine e;
	struct resume *r;
	struct cache *c;

	fuzz_engine_start(&e, conf, sizeof(conf) - 1);
	c = new_cache(&e.clk.clock, fuzz_engine_rand());
	ro.cache = c;
	if (!(r = resume_new(e.ike, &ro)) || resume_sync_config(r, e.cfg) != 0)
		abort();
	insert_record(c, handle);
	fuzz_engine_feed(&e, data, size, put_handle, handle);
	/* Nothing but a proven message 3 may consume the record. */
	st = malloc(sizeof(*st));
	if (!st)
		abort();
	cache_stats(c, st);
	if (st->consumes != 0)
		abort();
	free(st);
	fuzz_engine_stop(&e);
	resume_free(r);
	cache_free(c);
	return 0;
}
