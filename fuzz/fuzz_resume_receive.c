/*
 * fuzz_resume_receive.c - libFuzzer harness for the resumption responder.
 *
 * One responder engine whose connection has a resumption block, with a
 * cache holding one record, takes the input as datagrams (as in
 * fuzz_ike_receive: 2-octet length prefixes, a bit picking port 500 or
 * 4500).  Any 16 octets "HHHHHHHHHHHHHHHH" in a datagram are replaced by
 * the live record's handle, so inputs pass the cheap lookup and reach the
 * key schedule, MAC_R, message 2, the response cache and, for message 3,
 * decryption; cookies engage after 4 half-open exchanges.  The engine
 * must never crash, leak, or consume the record without message 3.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "common/clock.h"
#include "common/log.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/rand.h"
#include "ike/creds.h"
#include "ike/dp_record.h"
#include "ike/ike.h"
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

static int drop(void *ctx, const struct addr *l, const struct addr *r,
		const uint8_t *m, size_t len)
{
	(void)ctx;
	(void)l;
	(void)r;
	(void)m;
	(void)len;
	return 0;
}

static void put_handle(uint8_t *p, size_t len, const uint8_t handle[CACHE_HANDLE_LEN])
{
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
	static struct rand_src *rnd;
	struct clock_fake clk;
	struct config *cfg = NULL;
	struct dp_record *dp = dp_record_new(64);
	struct resume_opts ro = { .attempt_timeout_us = RESUME_DEFAULT_ATTEMPT_US };
	uint8_t handle[CACHE_HANDLE_LEN], *pkt;
	struct cache_stats *st;
	struct ike_env env;
	struct resume *r;
	struct cache *c;
	struct ike *ike;
	struct diag d;
	struct addr local, remote;

	if (!rnd) {
		rnd = rand_det_new("fuzz", 4);
		log_set_level(LOG_LVL_ERROR);
	}
	diag_init(&d);
	if (config_load_buffer("fuzz", conf, sizeof(conf) - 1, NULL, &cfg, &d) != 0)
		abort();
	clock_fake_init(&clk, 1893456000ULL * CLOCK_US_PER_SEC);
	memset(&env, 0, sizeof(env));
	env.clock = &clk.clock;
	env.rand = rnd;
	env.io.send = drop;
	env.dp = dp_record_ops(dp);
	ike_params_default(&env.params);
	env.params.cookie_threshold = 4;
	env.params.max_half_open = 16;
	ike = ike_new(&env, cfg, creds_new());
	c = new_cache(&clk.clock, rnd);
	ro.cache = c;
	if (!ike || !(r = resume_new(ike, &ro)) || resume_sync_config(r, cfg) != 0)
		abort();
	insert_record(c, handle);
	addr_parse("10.0.0.1", &local);
	addr_parse("192.0.2.9", &remote);
	while (size >= 2) {
		size_t len = (size_t)(data[0] & 0x7f) << 8 | data[1];

		local.port = data[0] & 0x80 ? 4500 : 500;
		remote.port = (uint16_t)(local.port + (data[1] & 1));
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* A private copy: the handle goes in, and the input stays const. */
		pkt = malloc(len ? len : 1);
		if (!pkt)
			abort();
		memcpy(pkt, data, len);
		put_handle(pkt, len, handle);
		ike_receive(ike, &local, &remote, pkt, len);
		free(pkt);
		data += len;
		size -= len;
		clock_fake_advance(&clk, 5 * CLOCK_US_PER_SEC);
		ike_tick(ike);
	}
	clock_fake_advance(&clk, 3600 * CLOCK_US_PER_SEC);
	ike_tick(ike);
	/* Nothing but a proven message 3 may consume the record. */
	st = malloc(sizeof(*st));
	if (!st)
		abort();
	cache_stats(c, st);
	if (st->consumes != 0)
		abort();
	free(st);
	ike_free(ike);
	resume_free(r);
	cache_free(c);
	dp_record_free(dp);
	return 0;
}
