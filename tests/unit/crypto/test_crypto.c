/*
 * test_crypto.c - the crypto module's test executable: runs every group.
 */
#include "helpers.h"

int main(void)
{
	int failed = 0;

	failed += test_group_rand();
	failed += test_group_prf();
	failed += test_group_kdf();
	failed += test_group_ke();
	failed += test_group_aead();
	failed += test_group_sign();
	failed += test_group_x509();
	failed += test_group_strongswan();
	return failed ? 1 : 0;
}
