/*
 * fuzz_ike_receive.c - libFuzzer harness for the engine's receive path.
 *
 * One responder engine with a PSK connection and a cookie threshold of 4
 * half-open SAs takes the input as a sequence of datagrams (the format is
 * in fuzz_engine.h), so sequences reach IKE_SA_INIT handling, half-open
 * SAs, cookies, retransmission lookups and SA lookups by SPI.  Time moves
 * between datagrams and every timer runs.  The engine must never crash,
 * leak or grow beyond its caps.
 */
#include <stdint.h>

#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"connections {\n rw {\n  local_addrs = 10.0.0.1\n"
	"  proposals = aes256gcm16-prfsha256-x25519, aes128-sha256-modp2048\n"
	"  local {\n   auth = psk\n   id = gw\n  }\n"
	"  remote {\n   auth = psk\n  }\n"
	"  children {\n   net {\n    local_ts = 10.1.0.0/16\n   }\n  }\n"
	" }\n}\nsecrets {\n ike {\n  secret = fuzz\n }\n}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_engine e;

	fuzz_engine_start(&e, conf, sizeof(conf) - 1);
	fuzz_engine_feed(&e, data, size, NULL, NULL);
	fuzz_engine_stop(&e);
	return 0;
}
