/*
 * fuzz_ike_receive.c - libFuzzer harness for the engine's receive path.
 *
 * One responder engine with a PSK connection and a cookie threshold of 4
 * half-open SAs takes the input as a sequence of datagrams (2-octet length
 * prefixes; the low bit of the length's first octet picks port 500 or
 * 4500, another bit a source port) - so sequences reach IKE_SA_INIT
 * handling, half-open SAs, cookies, retransmission lookups and SA lookups
 * by SPI.  Time moves between datagrams and every timer runs.  The engine
 * must never crash, leak or grow beyond its caps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/rand.h"
#include "ike/creds.h"
#include "ike/dp_record.h"
#include "ike/ike.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"connections {\n rw {\n  local_addrs = 10.0.0.1\n"
	"  proposals = aes256gcm16-prfsha256-x25519, aes128-sha256-modp2048\n"
	"  local {\n   auth = psk\n   id = gw\n  }\n"
	"  remote {\n   auth = psk\n  }\n"
	"  children {\n   net {\n    local_ts = 10.1.0.0/16\n   }\n  }\n"
	" }\n}\nsecrets {\n ike {\n  secret = fuzz\n }\n}\n";

static uint64_t sent;

static int drop(void *ctx, const struct addr *l, const struct addr *r,
		const uint8_t *m, size_t len)
{
	(void)ctx;
	(void)l;
	(void)r;
	(void)m;
	sent += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rand_src *rnd;
	struct clock_fake clk;
	struct config *cfg = NULL;
	struct dp_record *dp = dp_record_new(64);
	struct ike_env env;
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
	if (!ike)
		abort();
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
		ike_receive(ike, &local, &remote, data, len);
		data += len;
		size -= len;
		clock_fake_advance(&clk, 5 * CLOCK_US_PER_SEC);
		ike_tick(ike);
	}
	clock_fake_advance(&clk, 3600 * CLOCK_US_PER_SEC);
	ike_tick(ike);
	ike_free(ike);
	dp_record_free(dp);
	return 0;
}
