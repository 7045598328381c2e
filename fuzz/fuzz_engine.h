/*
 * fuzz_engine.h - what the two engine harnesses share: a responder engine
 * on a fake clock with a recording data plane and a sink for what it
 * sends, and the input format, a sequence of datagrams.
 *
 * Input: each datagram is a 2-octet length (15 bits; the top bit picks
 * local port 4500 instead of 500, the low bit of the second octet a peer
 * port one higher) followed by that many octets (fewer at the end).  Each
 * datagram is copied to a buffer of exactly its size, so an over-read is
 * an ASan finding; time moves 5 s between datagrams and every due timer
 * runs; at the end an hour passes.
 */
#ifndef RESWAN_FUZZ_ENGINE_H
#define RESWAN_FUZZ_ENGINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/rand.h"
#include "ike/creds.h"
#include "ike/dp_record.h"
#include "ike/ike.h"

struct fuzz_engine {
	struct clock_fake clk;
	struct dp_record *dp;
	struct config *cfg;
	struct ike *ike;
};

static int fuzz_engine_drop(void *ctx, const struct addr *l, const struct addr *r,
			    const uint8_t *m, size_t len)
{
	(void)ctx;
	(void)l;
	(void)r;
	(void)m;
	(void)len;
	return 0;
}

/* Deterministic randomness for everything a harness sets up. */
static inline struct rand_src *fuzz_engine_rand(void)
{
	static struct rand_src *rnd;

	if (!rnd) {
		rnd = rand_det_new("fuzz", 4);
		log_set_level(LOG_LVL_ERROR);
	}
	return rnd;
}

/* A responder for conf (cookies from 4 half-open SAs, at most 16). */
static inline void fuzz_engine_start(struct fuzz_engine *e, const char *conf, size_t len)
{
	struct rand_src *rnd = fuzz_engine_rand();
	struct ike_env env;
	struct diag d;

	memset(e, 0, sizeof(*e));
	diag_init(&d);
	if (config_load_buffer("fuzz", conf, len, NULL, &e->cfg, &d) != 0)
		abort();
	clock_fake_init(&e->clk, 1893456000ULL * CLOCK_US_PER_SEC);
	e->dp = dp_record_new(64);
	memset(&env, 0, sizeof(env));
	env.clock = &e->clk.clock;
	env.rand = rnd;
	env.io.send = fuzz_engine_drop;
	env.dp = dp_record_ops(e->dp);
	ike_params_default(&env.params);
	env.params.cookie_threshold = 4;
	env.params.max_half_open = 16;
	e->ike = ike_new(&env, e->cfg, creds_new());
	if (!e->dp || !e->ike)
		abort();
}

/* Feed the datagrams of data; edit (may be NULL) may change each copy. */
static inline void fuzz_engine_feed(struct fuzz_engine *e, const uint8_t *data, size_t size,
				    void (*edit)(uint8_t *p, size_t len, void *ctx), void *ctx)
{
	struct addr local, remote;

	addr_parse("10.0.0.1", &local);
	addr_parse("192.0.2.9", &remote);
	while (size >= 2) {
		size_t len = (size_t)(data[0] & 0x7f) << 8 | data[1];
		uint8_t *pkt;

		local.port = data[0] & 0x80 ? 4500 : 500;
		remote.port = (uint16_t)(local.port + (data[1] & 1));
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		pkt = malloc(len ? len : 1);
		if (!pkt)
			abort();
		memcpy(pkt, data, len);
		if (edit)
			edit(pkt, len, ctx);
		ike_receive(e->ike, &local, &remote, pkt, len);
		free(pkt);
		data += len;
		size -= len;
		clock_fake_advance(&e->clk, 5 * CLOCK_US_PER_SEC);
		ike_tick(e->ike);
	}
	clock_fake_advance(&e->clk, 3600 * CLOCK_US_PER_SEC);
	ike_tick(e->ike);
}

/* The engine goes first: its SAs report to whatever is attached. */
static inline void fuzz_engine_stop(struct fuzz_engine *e)
{
	ike_free(e->ike);
	dp_record_free(e->dp);
}

#endif
