/*
 * wire_ke.c - public-value lengths of the key exchange groups.
 *
 * A KE payload's data length is fixed by its group (RFC 7296 3.4: MODP
 * values are zero-padded to the prime's length; RFC 5903 ECP values are
 * x || y; RFC 8031 Curve25519/448 values are the u coordinate).  The codec
 * rejects a mismatch for the groups it knows as INVALID_SYNTAX material;
 * for other groups it accepts any non-empty value, so the IKE layer can
 * still answer INVALID_KE_PAYLOAD.
 */
#include "wire/wire.h"

size_t wire_ke_len(uint16_t group)
{
	switch (group) {
	case IKEV2_DH_MODP_1024: return 128;
	case IKEV2_DH_MODP_1536: return 192;
	case IKEV2_DH_MODP_2048: return 256;
	case IKEV2_DH_MODP_3072: return 384;
	case IKEV2_DH_MODP_4096: return 512;
	case IKEV2_DH_MODP_6144: return 768;
	case IKEV2_DH_MODP_8192: return 1024;
	case IKEV2_DH_ECP_256: return 64;
	case IKEV2_DH_ECP_384: return 96;
	case IKEV2_DH_ECP_521: return 132;
	case IKEV2_DH_CURVE25519: return 32;
	case IKEV2_DH_CURVE448: return 56;
	}
	return 0;
}
