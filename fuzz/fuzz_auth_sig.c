/*
 * fuzz_auth_sig.c - libFuzzer harness for the RFC 7427 AUTH data parser
 * (sign_auth_parse, with its AlgorithmIdentifier whitelist) and for
 * signature verification of whatever it accepts, against a fixed key of
 * each type the algorithm fits.  Peers control every byte of this input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sign_pub *pubs[4];	/* RSA, P-256, P-384, Ed25519 */

static void init(void)
{
	static const enum sign_key_type types[4] = {
		SIGN_KEY_RSA, SIGN_KEY_ECDSA_P256, SIGN_KEY_ECDSA_P384, SIGN_KEY_ED25519,
	};

	for (int i = 0; i < 4; i++) {
		struct sign_key *k = sign_key_generate(types[i]);

		pubs[i] = k ? sign_key_pub(k) : NULL;
		sign_key_free(k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t octets[] = "fuzzed signed octets";
	const uint8_t *sig;
	size_t sig_len;
	enum sign_alg alg;

	if (!pubs[0])
		init();
	if (sign_auth_parse(data, size, &alg, &sig, &sig_len) != 0)
		return 0;
	/* Whatever parsed must point inside the input and name a listed alg. */
	if (sig < data || sig + sig_len != data + size || alg <= SIGN_ALG_NONE ||
	    alg >= SIGN_ALG_COUNT)
		__builtin_trap();
	for (int i = 0; i < 4; i++) {
		enum sign_alg used = SIGN_ALG_NONE;

		if (pubs[i] && sign_auth_verify(pubs[i], data, size, octets, sizeof(octets),
						&used) == 0)
			__builtin_trap();	/* a forged signature verified */
	}
	/* Legacy methods read the same bytes as r | s or a PKCS#1 signature. */
	for (uint8_t m = 0; m < 12; m++)
		for (int i = 0; i < 4; i++)
			if (pubs[i] && sign_legacy_verify(pubs[i], m, data, size, octets,
							  sizeof(octets)) == 0)
				__builtin_trap();
	return 0;
}
