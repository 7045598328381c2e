/*
 * cache_handle.c - the 16 octets a client presents to resume.
 *
 * A handle is 4 octets of slot number masked with a keyed hash of the other
 * 12, followed by those 12 random check octets:
 *
 *   handle = (slot XOR SipHash_K(check)[0..3]) | check
 *
 * so finding the record costs one SipHash and one array access (no index),
 * and the handle is opaque: without K it looks uniformly random, carries no
 * identity, and two handles of one lineage (same slot, fresh check octets
 * after each resumption) cannot be linked by an observer.  The check
 * octets are compared in constant time; guessing a live handle means
 * guessing 96 random bits.  K comes from the sealing key when records
 * persist, so handles survive a restart.
 */
#include <string.h>

#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/hmap.h"

static uint32_t mask(const uint8_t key[16], const uint8_t check[CACHE_CHECK_LEN])
{
	return (uint32_t)hmap_siphash(key, check, CACHE_CHECK_LEN);
}

void cache_handle_make(const uint8_t mask_key[16], uint32_t slot,
		       const uint8_t check[CACHE_CHECK_LEN], uint8_t handle[CACHE_HANDLE_LEN])
{
	buf_store_u32(handle, slot ^ mask(mask_key, check));
	memcpy(handle + 4, check, CACHE_CHECK_LEN);
}

uint32_t cache_handle_slot(const uint8_t mask_key[16], const uint8_t handle[CACHE_HANDLE_LEN])
{
	return buf_load_u32(handle) ^ mask(mask_key, handle + 4);
}
