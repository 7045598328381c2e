/*
 * test_malformed.c - malformed input, each case with its exact error code
 * and the payload the parser blames.
 *
 * The table cases are IKE_SA_INIT messages assembled with wire_build_raw()
 * from hex bodies, so the outer framing is right and only the body under
 * test is wrong.  Cases that need a broken header or broken framing mutate
 * a good message byte by byte instead.
 */
#include <stdlib.h>
#include <string.h>

#include "wire_test.h"

#define MSG_MAX 8192

struct pl {
	uint8_t type;
	bool crit;
	const char *hex;
};

struct bad {
	const char *name;
	struct pl pl[3];
	int rc;
	int index;		/* where.index on failure */
	uint8_t type;		/* where.type on failure */
};

/* Valid bodies reused across cases. */
#define SA_OK "00 00 0014 01 01 00 01  00 00 000c 01 00 0014 800e 0100"
#define T8(type, id) "00 00 0008 " type " 00 " id
#define NONCE_OK "01*32"

static const struct bad cases[] = {
	/* ---- the chain ---- */
	{ "unknown critical payload", { { 99, true, "0102" } },
	  ERR_CRITICAL, 0, 99 },
	{ "unknown critical after a nonce",
	  { { IKEV2_PL_NONCE, false, NONCE_OK }, { 130, true, "" } },
	  ERR_CRITICAL, 1, 130 },
	{ "unknown non-critical payload skipped",
	  { { 99, false, "0102" }, { IKEV2_PL_NONCE, false, NONCE_OK } },
	  0, 0, 0 },
	{ "duplicate SA",
	  { { IKEV2_PL_SA, false, SA_OK }, { IKEV2_PL_SA, false, SA_OK } },
	  ERR_DUPLICATE, 1, IKEV2_PL_SA },
	{ "duplicate nonce",
	  { { IKEV2_PL_NONCE, false, NONCE_OK },
	    { IKEV2_PL_NOTIFY, false, "00 00 4000" },
	    { IKEV2_PL_NONCE, false, NONCE_OK } },
	  ERR_DUPLICATE, 2, IKEV2_PL_NONCE },
	{ "repeated notify, vendor, cert are fine",
	  { { IKEV2_PL_NOTIFY, false, "00 00 4000" },
	    { IKEV2_PL_NOTIFY, false, "00 00 4000" },
	    { IKEV2_PL_VENDOR, false, "" } },
	  0, 0, 0 },
	{ "SK not last",
	  { { IKEV2_PL_SK, false, "00*24" },
	    { IKEV2_PL_NOTIFY, false, "00 00 4000" } },
	  ERR_CHAIN, 0, IKEV2_PL_SK },
	{ "SKF not last",
	  { { IKEV2_PL_SKF, false, "0001 0002 00*24" },
	    { IKEV2_PL_NOTIFY, false, "00 00 4000" } },
	  ERR_CHAIN, 0, IKEV2_PL_SKF },

	/* ---- SA ---- */
	{ "sa ok", { { IKEV2_PL_SA, false, SA_OK } }, 0, 0, 0 },
	{ "sa body shorter than a proposal header",
	  { { IKEV2_PL_SA, false, "00 00 0008" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_SA },
	{ "sa proposal numbering starts at 2",
	  { { IKEV2_PL_SA, false,
	      "00 00 0010 02 01 00 01 " T8("01", "0014") } },
	  ERR_PROPOSAL_NUM, 0, IKEV2_PL_SA },
	{ "sa proposal numbering jumps 1 -> 3",
	  { { IKEV2_PL_SA, false,
	      "02 00 0010 01 01 00 01 " T8("01", "0014")
	      "00 00 0010 03 01 00 01 " T8("01", "0014") } },
	  ERR_PROPOSAL_NUM, 0, IKEV2_PL_SA },
	{ "sa more-proposals flag with nothing after",
	  { { IKEV2_PL_SA, false, "02 00 0010 01 01 00 01 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa last-proposal flag with a proposal after",
	  { { IKEV2_PL_SA, false,
	      "00 00 0010 01 01 00 01 " T8("01", "0014")
	      "00 00 0010 02 01 00 01 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa proposal flag value 1",
	  { { IKEV2_PL_SA, false, "01 00 0010 01 01 00 01 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa transform flags both last",
	  { { IKEV2_PL_SA, false,
	      "00 00 0018 01 01 00 02 " T8("01", "0014") T8("02", "0005") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa proposal length beyond the SA payload",
	  { { IKEV2_PL_SA, false, "00 00 0020 01 01 00 01 " T8("01", "0014") } },
	  ERR_LENGTH, 0, IKEV2_PL_SA },
	{ "sa proposal length below 8",
	  { { IKEV2_PL_SA, false, "00 00 0004 01 01 00 00" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_SA },
	{ "sa transform length beyond the proposal",
	  { { IKEV2_PL_SA, false,
	      "00 00 0010 01 01 00 01  00 00 0010 01 00 0014" } },
	  ERR_LENGTH, 0, IKEV2_PL_SA },
	{ "sa transform length below 8",
	  { { IKEV2_PL_SA, false,
	      "00 00 0010 01 01 00 01  00 00 0004 01 00 0014" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_SA },
	{ "sa transform count beyond the proposal",
	  { { IKEV2_PL_SA, false,
	      "00 00 0018 01 01 00 03  03 00 0008 01 00 0014"
	      "03 00 0008 02 00 0005" } },
	  ERR_TRUNCATED, 0, IKEV2_PL_SA },
	{ "sa transform count above the cap",
	  { { IKEV2_PL_SA, false, "00 00 0010 01 01 00 41 " T8("01", "0014") } },
	  ERR_NESTING, 0, IKEV2_PL_SA },
	{ "sa bytes after the transforms",
	  { { IKEV2_PL_SA, false,
	      "00 00 0014 01 01 00 01 " T8("01", "0014") "deadbeef" } },
	  ERR_TRAILING, 0, IKEV2_PL_SA },
	{ "sa five attributes",
	  { { IKEV2_PL_SA, false,
	      "00 00 0024 01 01 00 01  00 00 001c 01 00 0014 (800e 0100)*5" } },
	  ERR_NESTING, 0, IKEV2_PL_SA },
	{ "sa TLV attribute longer than the transform",
	  { { IKEV2_PL_SA, false,
	      "00 00 0014 01 01 00 01  00 00 000c 01 00 0014 0063 0010" } },
	  ERR_LENGTH, 0, IKEV2_PL_SA },
	{ "sa attribute header cut short",
	  { { IKEV2_PL_SA, false,
	      "00 00 0012 01 01 00 01  00 00 000a 01 00 0014 800e" } },
	  ERR_TRUNCATED, 0, IKEV2_PL_SA },
	{ "sa ESP proposal with an 8-octet SPI",
	  { { IKEV2_PL_SA, false,
	      "00 00 0018 01 03 08 01 1122334455667788 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa ESP proposal without SPI",
	  { { IKEV2_PL_SA, false, "00 00 0010 01 03 00 01 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa IKE proposal with a 4-octet SPI",
	  { { IKEV2_PL_SA, false,
	      "00 00 0014 01 01 04 01 11223344 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa IKE proposal with an 8-octet SPI (rekey)",
	  { { IKEV2_PL_SA, false,
	      "00 00 0018 01 01 08 01 1122334455667788 " T8("01", "0014") } },
	  0, 0, 0 },
	{ "sa more-proposals flag, next proposal header cut short",
	  { { IKEV2_PL_SA, false,
	      "02 00 0010 01 01 00 01 " T8("01", "0014") "00 00 0010" } },
	  ERR_TRUNCATED, 0, IKEV2_PL_SA },
	{ "sa unknown protocol with a 2-octet SPI is kept",
	  { { IKEV2_PL_SA, false, "00 00 0012 01 09 02 01 abcd " T8("01", "0014") } },
	  0, 0, 0 },
	{ "sa unknown protocol with a 9-octet SPI",
	  { { IKEV2_PL_SA, false,
	      "00 00 0019 01 09 09 01 01*9 " T8("01", "0014") } },
	  ERR_SYNTAX, 0, IKEV2_PL_SA },
	{ "sa SPI longer than the proposal",
	  { { IKEV2_PL_SA, false, "00 00 0008 01 03 04 00" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_SA },

	/* ---- KE ---- */
	{ "ke curve25519 with 31 octets",
	  { { IKEV2_PL_KE, false, "001f 0000 01*31" } },
	  ERR_SYNTAX, 0, IKEV2_PL_KE },
	{ "ke modp2048 with 255 octets",
	  { { IKEV2_PL_KE, false, "000e 0000 01*255" } },
	  ERR_SYNTAX, 0, IKEV2_PL_KE },
	{ "ke ecp256 with 65 octets (uncompressed point prefix)",
	  { { IKEV2_PL_KE, false, "0013 0000 04 01*64" } },
	  ERR_SYNTAX, 0, IKEV2_PL_KE },
	{ "ke without data", { { IKEV2_PL_KE, false, "0013 0000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_KE },
	{ "ke body of 3 octets", { { IKEV2_PL_KE, false, "001f00" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_KE },
	{ "ke unknown group, any length",
	  { { IKEV2_PL_KE, false, "03e7 0000 01*10" } }, 0, 0, 0 },

	/* ---- Nonce ---- */
	{ "nonce of zero length", { { IKEV2_PL_NONCE, false, "" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NONCE },
	{ "nonce of 15 octets", { { IKEV2_PL_NONCE, false, "01*15" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NONCE },
	{ "nonce of 257 octets", { { IKEV2_PL_NONCE, false, "01*257" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NONCE },
	{ "nonce of 16 octets", { { IKEV2_PL_NONCE, false, "01*16" } },
	  0, 0, 0 },
	{ "nonce of 256 octets", { { IKEV2_PL_NONCE, false, "01*256" } },
	  0, 0, 0 },

	/* ---- TS ---- */
	{ "ts ok",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 07 00 0010 0000 ffff 0a000000 0affffff" } },
	  0, 0, 0 },
	{ "ts v4 start address above end",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 07 00 0010 0000 ffff 0b000000 0a000000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_TSI },
	{ "ts v6 start address above end",
	  { { IKEV2_PL_TSR, false,
	      "01 000000 08 00 0028 0000 ffff fd 00*14 01  fd 00*15" } },
	  ERR_SYNTAX, 0, IKEV2_PL_TSR },
	{ "ts start port above end",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 07 06 0010 0050 004f 0a000000 0a0000ff" } },
	  ERR_SYNTAX, 0, IKEV2_PL_TSI },
	{ "ts OPAQUE ports 65535..0",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 07 11 0010 ffff 0000 0a000000 0a0000ff" } },
	  0, 0, 0 },
	{ "ts v4 selector length 20",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 07 00 0014 0000 ffff 0a000000 0affffff 00000000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_TSI },
	{ "ts v6 selector length 16",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 08 00 0010 0000 ffff 0a000000 0affffff" } },
	  ERR_SYNTAX, 0, IKEV2_PL_TSI },
	{ "ts selector length 3",
	  { { IKEV2_PL_TSI, false, "01 000000 07 00 0003" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_TSI },
	{ "ts selector length beyond the payload",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 08 00 0028 0000 ffff 0a000000 0affffff" } },
	  ERR_LENGTH, 0, IKEV2_PL_TSI },
	{ "ts count 0", { { IKEV2_PL_TSI, false, "00 000000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_TSI },
	{ "ts count 17 (above the cap)",
	  { { IKEV2_PL_TSI, false,
	      "11 000000 (07 00 0010 0000 ffff 0a000000 0affffff)*17" } },
	  ERR_NESTING, 0, IKEV2_PL_TSI },
	{ "ts count 2 with one selector",
	  { { IKEV2_PL_TSI, false,
	      "02 000000 07 00 0010 0000 ffff 0a000000 0affffff" } },
	  ERR_TRUNCATED, 0, IKEV2_PL_TSI },
	{ "ts count 1 with two selectors",
	  { { IKEV2_PL_TSI, false,
	      "01 000000 (07 00 0010 0000 ffff 0a000000 0affffff)*2" } },
	  ERR_TRAILING, 0, IKEV2_PL_TSI },
	{ "ts unknown selector type kept",
	  { { IKEV2_PL_TSI, false, "01 000000 0a 00 0008 01020304" } },
	  0, 0, 0 },

	/* ---- Delete ---- */
	{ "delete ESP with 8-octet SPIs",
	  { { IKEV2_PL_DELETE, false, "03 08 0001 1122334455667788" } },
	  ERR_SYNTAX, 0, IKEV2_PL_DELETE },
	{ "delete IKE with an SPI",
	  { { IKEV2_PL_DELETE, false, "01 08 0001 1122334455667788" } },
	  ERR_SYNTAX, 0, IKEV2_PL_DELETE },
	{ "delete ESP count beyond the payload",
	  { { IKEV2_PL_DELETE, false, "03 04 0003 11223344 55667788" } },
	  ERR_LENGTH, 0, IKEV2_PL_DELETE },
	{ "delete ESP count above the cap",
	  { { IKEV2_PL_DELETE, false, "03 04 0101 11*1028" } },
	  ERR_NESTING, 0, IKEV2_PL_DELETE },
	{ "delete ESP with trailing octets",
	  { { IKEV2_PL_DELETE, false, "03 04 0001 11223344 55" } },
	  ERR_TRAILING, 0, IKEV2_PL_DELETE },
	{ "delete ESP without SPIs",
	  { { IKEV2_PL_DELETE, false, "03 04 0000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_DELETE },
	{ "delete of an unknown protocol",
	  { { IKEV2_PL_DELETE, false, "07 04 0001 11223344" } },
	  ERR_SYNTAX, 0, IKEV2_PL_DELETE },

	/* ---- Notify ---- */
	{ "notify SPI size 3",
	  { { IKEV2_PL_NOTIFY, false, "00 03 4000 112233" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify ESP with an 8-octet SPI",
	  { { IKEV2_PL_NOTIFY, false, "03 08 4000 1122334455667788" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify unknown protocol with an SPI",
	  { { IKEV2_PL_NOTIFY, false, "09 04 4000 11223344" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify SPI beyond the payload",
	  { { IKEV2_PL_NOTIFY, false, "03 04 4009 1122" } },
	  ERR_LENGTH, 0, IKEV2_PL_NOTIFY },
	{ "notify body of 3 octets",
	  { { IKEV2_PL_NOTIFY, false, "00 00 40" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_NOTIFY },
	{ "notify COOKIE of 65 octets",
	  { { IKEV2_PL_NOTIFY, false, "00 00 4006 01*65" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify empty COOKIE",
	  { { IKEV2_PL_NOTIFY, false, "00 00 4006" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify NAT_DETECTION of 19 octets",
	  { { IKEV2_PL_NOTIFY, false, "00 00 4004 01*19" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify INVALID_KE_PAYLOAD of 3 octets",
	  { { IKEV2_PL_NOTIFY, false, "00 00 0011 001f00" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify SIGNATURE_HASH_ALGORITHMS of odd length",
	  { { IKEV2_PL_NOTIFY, false, "00 00 402f 000200" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify SIGNATURE_HASH_ALGORITHMS with 17 entries",
	  { { IKEV2_PL_NOTIFY, false, "00 00 402f (0002)*17" } },
	  ERR_NESTING, 0, IKEV2_PL_NOTIFY },
	{ "notify REKEY_SA without SPI",
	  { { IKEV2_PL_NOTIFY, false, "03 00 4009" } },
	  ERR_SYNTAX, 0, IKEV2_PL_NOTIFY },
	{ "notify of an unknown type",
	  { { IKEV2_PL_NOTIFY, false, "00 00 9999 0102" } }, 0, 0, 0 },

	/* ---- ID, CERT, CERTREQ, AUTH ---- */
	{ "id IPv4 of 5 octets",
	  { { IKEV2_PL_IDI, false, "01 000000 0a000001ff" } },
	  ERR_SYNTAX, 0, IKEV2_PL_IDI },
	{ "id IPv6 of 15 octets",
	  { { IKEV2_PL_IDR, false, "05 000000 01*15" } },
	  ERR_SYNTAX, 0, IKEV2_PL_IDR },
	{ "id without data", { { IKEV2_PL_IDI, false, "02 000000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_IDI },
	{ "cert without data", { { IKEV2_PL_CERT, false, "04" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CERT },
	{ "certreq hash list of 21 octets",
	  { { IKEV2_PL_CERTREQ, false, "04 01*21" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CERTREQ },
	{ "certreq with 65 hashes",
	  { { IKEV2_PL_CERTREQ, false, "04 01*1300" } },
	  ERR_NESTING, 0, IKEV2_PL_CERTREQ },
	{ "certreq with no hashes", { { IKEV2_PL_CERTREQ, false, "04" } },
	  0, 0, 0 },
	{ "auth without data", { { IKEV2_PL_AUTH, false, "02 000000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_AUTH },

	/* ---- CP ---- */
	{ "cp INTERNAL_IP4_ADDRESS of 3 octets",
	  { { IKEV2_PL_CP, false, "01 000000 0001 0003 0a0000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CP },
	{ "cp INTERNAL_IP6_DNS of 15 octets",
	  { { IKEV2_PL_CP, false, "02 000000 000a 000f 01*15" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CP },
	{ "cp INTERNAL_IP4_SUBNET of 7 octets",
	  { { IKEV2_PL_CP, false, "02 000000 000d 0007 01*7" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CP },
	{ "cp SUPPORTED_ATTRIBUTES of odd length",
	  { { IKEV2_PL_CP, false, "01 000000 000e 0003 000100" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CP },
	{ "cp reply with addresses",
	  { { IKEV2_PL_CP, false,
	      "02 000000 0001 0004 0a000001 000a 0010 fd 00*14 01"
	      "000d 0008 0a000000 ffffff00 000e 0004 00010003" } },
	  0, 0, 0 },
	{ "cp type 5", { { IKEV2_PL_CP, false, "05 000000" } },
	  ERR_SYNTAX, 0, IKEV2_PL_CP },
	{ "cp attribute longer than the payload",
	  { { IKEV2_PL_CP, false, "01 000000 0001 0004 0a00" } },
	  ERR_LENGTH, 0, IKEV2_PL_CP },
	{ "cp attribute header cut short",
	  { { IKEV2_PL_CP, false, "01 000000 00" } },
	  ERR_TRUNCATED, 0, IKEV2_PL_CP },
	{ "cp 33 attributes",
	  { { IKEV2_PL_CP, false, "01 000000 (0003 0000)*33" } },
	  ERR_NESTING, 0, IKEV2_PL_CP },
	{ "cp reserved bit ignored",
	  { { IKEV2_PL_CP, false, "01 000000 8001 0000" } }, 0, 0, 0 },

	/* ---- EAP ---- */
	{ "eap length beyond the payload",
	  { { IKEV2_PL_EAP, false, "01 07 0010 01" } },
	  ERR_LENGTH, 0, IKEV2_PL_EAP },
	{ "eap length short of the payload",
	  { { IKEV2_PL_EAP, false, "01 07 0004 01" } },
	  ERR_TRAILING, 0, IKEV2_PL_EAP },
	{ "eap length below 4",
	  { { IKEV2_PL_EAP, false, "01 07 0002" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_EAP },
	{ "eap request without type",
	  { { IKEV2_PL_EAP, false, "01 07 0004" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_EAP },
	{ "eap success with data",
	  { { IKEV2_PL_EAP, false, "03 07 0005 00" } },
	  ERR_SYNTAX, 0, IKEV2_PL_EAP },
	{ "eap success", { { IKEV2_PL_EAP, false, "03 07 0004" } }, 0, 0, 0 },
	{ "eap unknown code", { { IKEV2_PL_EAP, false, "09 07 0004" } },
	  ERR_SYNTAX, 0, IKEV2_PL_EAP },

	/* ---- SKF ---- */
	{ "skf fragment number 0",
	  { { IKEV2_PL_SKF, false, "0000 0001 00*24" } },
	  ERR_SYNTAX, 0, IKEV2_PL_SKF },
	{ "skf fragment number above total",
	  { { IKEV2_PL_SKF, false, "0003 0002 00*24" } },
	  ERR_SYNTAX, 0, IKEV2_PL_SKF },
	{ "skf body of 3 octets", { { IKEV2_PL_SKF, false, "000100" } },
	  ERR_SHORT_LENGTH, 0, IKEV2_PL_SKF },
};

/* Build an IKE_SA_INIT request carrying c's payloads; returns its length. */
static size_t assemble(const struct bad *c, uint8_t *out, size_t cap)
{
	static uint8_t body[MSG_MAX];
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;

	test_hdr(&h, IKEV2_EXCH_IKE_SA_INIT, false);
	buf_writer_init_fixed(&w, out, cap);
	wire_build_init(&b, &w, &h);
	for (size_t i = 0; i < 3 && c->pl[i].hex; i++) {
		size_t n = test_hex(c->pl[i].hex, body, sizeof(body));

		wire_build_raw(&b, c->pl[i].type, c->pl[i].crit, body, n);
	}
	assert_int_equal(wire_build_finish(&b), 0);
	return w.len;
}

static void table_cases(void **state)
{
	static uint8_t msg[MSG_MAX];
	struct wire_msg *m = wire_msg_new();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad *c = &cases[i];
		struct wire_where where = { .index = 1000 };
		size_t len = assemble(c, msg, sizeof(msg));
		int rc = wire_msg_parse(m, msg, len, &where);

		if (rc != c->rc)
			fail_msg("%s: got %d (%s), want %d (%s)", c->name, rc,
				 err_str(rc), c->rc, err_str(c->rc));
		if (rc == 0)
			continue;
		if (where.index != c->index || where.type != c->type)
			fail_msg("%s: blamed payload %d type %u, want %d type %u",
				 c->name, where.index, where.type, c->index,
				 c->type);
		assert_false(where.inner);
		assert_true(where.off >= IKEV2_HDR_LEN && where.off <= len);
	}
	wire_msg_free(m);
}

/* Equal numbers (an AH+ESP bundle), then +1, with 4-octet SPIs. */
static void proposal_numbering_equal_then_plus_one(void **state)
{
	static const char *sa =
		"02 00 0014 01 02 04 01 11223344 " T8("01", "0014")
		"02 00 0014 01 03 04 01 11223344 " T8("01", "0014")
		"00 00 0014 02 03 04 01 11223344 " T8("01", "0014");
	uint8_t body[256], msg[512];
	struct wire_msg *m = wire_msg_new();
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	size_t n = test_hex(sa, body, sizeof(body));

	(void)state;
	test_hdr(&h, IKEV2_EXCH_CREATE_CHILD_SA, false);
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_SA, false, body, n);
	assert_int_equal(wire_build_finish(&b), 0);
	assert_int_equal(wire_msg_parse(m, msg, w.len, NULL), 0);
	assert_int_equal(m->pl[0].u.sa.nproposals, 3);
	assert_int_equal(m->pl[0].u.sa.proposals[0].proto, IKEV2_PROTO_AH);
	assert_int_equal(m->pl[0].u.sa.proposals[1].num, 1);
	assert_int_equal(m->pl[0].u.sa.proposals[2].num, 2);
	assert_int_equal(m->pl[0].u.sa.proposals[2].spi, 0x11223344);
	wire_msg_free(m);
}

/* A good two-payload message to break: Nonce, then Notify. */
static size_t good_msg(uint8_t *msg, size_t cap)
{
	uint8_t nonce[32] = { 0 };
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;

	test_hdr(&h, IKEV2_EXCH_IKE_SA_INIT, false);
	buf_writer_init_fixed(&w, msg, cap);
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_NONCE, false, nonce, sizeof(nonce));
	wire_put_notify_data(&b, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	assert_int_equal(wire_build_finish(&b), 0);
	return w.len;	/* 28 + 36 + 8 = 72 */
}

#define NONCE_OFF IKEV2_HDR_LEN
#define NOTIFY_OFF (IKEV2_HDR_LEN + 36)

static void expect(const uint8_t *msg, size_t len, int rc, int index,
		   uint8_t type, size_t off)
{
	struct wire_msg *m = wire_msg_new();
	struct wire_where where = { .index = 1000 };

	assert_int_equal(wire_msg_parse(m, msg, len, &where), rc);
	assert_int_equal(where.index, index);
	assert_int_equal(where.type, type);
	assert_int_equal(where.off, off);
	wire_msg_free(m);
}

static void header_errors(void **state)
{
	uint8_t msg[128];
	size_t len = good_msg(msg, sizeof(msg));
	struct wire_hdr h;

	(void)state;
	assert_int_equal(len, 72);
	expect(msg, len, 0, 1000, 0, 0);
	/* Truncated header. */
	expect(msg, IKEV2_HDR_LEN - 1, ERR_TRUNCATED, -1, 0, 0);
	assert_int_equal(wire_hdr_parse(&h, msg, 0), ERR_TRUNCATED);
	/* Header length beyond the datagram. */
	buf_store_u32(msg + 24, 73);
	expect(msg, len, ERR_LENGTH, -1, 0, 0);
	/* Header length below the header. */
	buf_store_u32(msg + 24, 27);
	expect(msg, len, ERR_SHORT_LENGTH, -1, 0, 0);
	/* Datagram longer than the message. */
	buf_store_u32(msg + 24, 72);
	msg[72] = 0;
	expect(msg, len + 1, ERR_TRAILING, -1, 0, 72);
	/* Major version 1 and 3; the header is still returned. */
	msg[17] = 0x10;
	expect(msg, len, ERR_VERSION, -1, 0, 0);
	assert_int_equal(wire_hdr_parse(&h, msg, len), ERR_VERSION);
	assert_int_equal(h.major, 1);
	assert_int_equal(h.spi_i, 0x0102030405060708ULL);
	msg[17] = 0x30;
	expect(msg, len, ERR_VERSION, -1, 0, 0);
	/* Minor versions are accepted and reported. */
	msg[17] = 0x21;
	expect(msg, len, 0, 1000, 0, 0);
	assert_int_equal(wire_hdr_parse(&h, msg, len), 0);
	assert_int_equal(h.minor, 1);
}

static void chain_errors(void **state)
{
	uint8_t msg[128];
	size_t len = good_msg(msg, sizeof(msg));

	(void)state;
	/* Payload length 0: a naive walker would loop here forever. */
	buf_store_u16(msg + NONCE_OFF + 2, 0);
	expect(msg, len, ERR_SHORT_LENGTH, 0, IKEV2_PL_NONCE, NONCE_OFF);
	/* Payload length 3. */
	buf_store_u16(msg + NONCE_OFF + 2, 3);
	expect(msg, len, ERR_SHORT_LENGTH, 0, IKEV2_PL_NONCE, NONCE_OFF);
	/* Payload length beyond the message. */
	buf_store_u16(msg + NONCE_OFF + 2, 45);
	expect(msg, len, ERR_LENGTH, 0, IKEV2_PL_NONCE, NONCE_OFF);
	/* A length that overlaps the next payload's header: the walker
	 * reads the notify body as a header whose length is 0x402e. */
	len = good_msg(msg, sizeof(msg));
	buf_store_u16(msg + NONCE_OFF + 2, 40);
	expect(msg, len, ERR_LENGTH, 1, IKEV2_PL_NOTIFY, NONCE_OFF + 40);
	/* The last payload names a next one that is not there. */
	len = good_msg(msg, sizeof(msg));
	msg[NOTIFY_OFF] = IKEV2_PL_VENDOR;
	expect(msg, len, ERR_TRUNCATED, 2, IKEV2_PL_VENDOR, len);
	/* The chain ends before the message does. */
	len = good_msg(msg, sizeof(msg));
	msg[NONCE_OFF] = IKEV2_PL_NONE;
	expect(msg, len, ERR_TRAILING, 0, 0, NOTIFY_OFF);
	/* The header names no payload, the message has two. */
	len = good_msg(msg, sizeof(msg));
	msg[16] = IKEV2_PL_NONE;
	expect(msg, len, ERR_TRAILING, -1, 0, NONCE_OFF);
}

static void too_many_payloads(void **state)
{
	static uint8_t msg[MSG_MAX];
	struct wire_msg *m = wire_msg_new();
	struct wire_where where;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;

	(void)state;
	test_hdr(&h, IKEV2_EXCH_IKE_SA_INIT, false);
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	for (int i = 0; i < WIRE_MAX_PAYLOADS; i++)
		wire_build_raw(&b, IKEV2_PL_VENDOR, false, "v", 1);
	assert_int_equal(wire_build_finish(&b), 0);
	assert_int_equal(wire_msg_parse(m, msg, w.len, NULL), 0);
	assert_int_equal(m->npayloads, WIRE_MAX_PAYLOADS);

	/* The builder refuses a 65th payload ... */
	{
		static uint8_t other[MSG_MAX];
		struct wire_builder b2;
		struct buf_writer w2;

		buf_writer_init_fixed(&w2, other, sizeof(other));
		wire_build_init(&b2, &w2, &h);
		for (int i = 0; i < WIRE_MAX_PAYLOADS; i++)
			wire_build_raw(&b2, IKEV2_PL_VENDOR, false, "v", 1);
		assert_int_equal(wire_build_raw(&b2, IKEV2_PL_VENDOR, false,
						"v", 1), ERR_LIMIT);
		assert_int_equal(wire_build_finish(&b2), ERR_LIMIT);
	}
	/* ... so append it by hand: each Vendor ID payload is 5 octets. */
	msg[w.len - 5] = IKEV2_PL_VENDOR;
	memcpy(msg + w.len, "\0\0\0\5v", 5);
	buf_store_u32(msg + 24, (uint32_t)(w.len + 5));
	assert_int_equal(wire_msg_parse(m, msg, w.len + 5, &where), ERR_CHAIN);
	assert_int_equal(where.index, WIRE_MAX_PAYLOADS);
	wire_msg_free(m);
}

static void sa_counts_beyond_caps(void **state)
{
	static uint8_t body[MSG_MAX], msg[MSG_MAX];
	struct wire_msg *m = wire_msg_new();
	struct wire_where where;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	size_t n;

	(void)state;
	/* 33 proposals. */
	n = test_hex("(02 00 0010 01 01 00 01 00 00 0008 01 00 0014)*33", body,
		     sizeof(body));
	body[n - 16] = 0;	/* the last one says so */
	test_hdr(&h, IKEV2_EXCH_IKE_SA_INIT, false);
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_SA, false, body, n);
	wire_build_finish(&b);
	assert_int_equal(wire_msg_parse(m, msg, w.len, &where), ERR_NESTING);
	assert_int_equal(where.off, IKEV2_HDR_LEN + 4 + 32 * 16);
	/* ... but 32 are fine. */
	body[n - 32] = 0;
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_SA, false, body, n - 16);
	wire_build_finish(&b);
	assert_int_equal(wire_msg_parse(m, msg, w.len, &where), 0);
	assert_int_equal(m->pl[0].u.sa.nproposals, 32);

	/* Per-proposal transforms within their cap but beyond the SA's pool:
	 * 5 proposals of 60 transforms = 300 > WIRE_MAX_SA_TRANSFORMS. */
	n = 0;
	for (int p = 0; p < 5; p++) {
		uint8_t *ph = body + n;

		n += test_hex("02 00 0000 01 01 00 3c", ph, 8);
		for (int t = 0; t < 60; t++)
			n += test_hex(t == 59 ? T8("01", "0014")
					      : "03 00 0008 01 00 0014",
				      body + n, 8);
		buf_store_u16(ph + 2, 8 + 60 * 8);
		if (p == 4)
			ph[0] = 0;
	}
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_SA, false, body, n);
	wire_build_finish(&b);
	assert_int_equal(wire_msg_parse(m, msg, w.len, &where), ERR_NESTING);
	assert_int_equal(where.type, IKEV2_PL_SA);
	wire_msg_free(m);
}

static void inner_chain_errors(void **state)
{
	uint8_t chain[256] = { 0 }, nonce[32] = { 0 }, msg[512];
	struct wire_msg *m = wire_msg_new();
	struct wire_where where;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	size_t n;

	(void)state;
	/* An outer message with a Nonce and an SK payload. */
	test_hdr(&h, IKEV2_EXCH_IKE_AUTH, false);
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_NONCE, false, nonce, sizeof(nonce));
	wire_build_raw(&b, IKEV2_PL_SK, false, chain, 40);
	wire_build_finish(&b);
	assert_int_equal(wire_msg_parse(m, msg, w.len, NULL), 0);
	assert_int_equal(m->nouter, 2);

	/* SK inside SK. */
	n = test_hex("00 00 0008 01020304", chain, sizeof(chain));
	assert_int_equal(wire_msg_parse_inner(m, IKEV2_PL_SK, chain, n, &where),
			 ERR_CHAIN);
	assert_true(where.inner);
	assert_int_equal(where.index, 2);
	assert_int_equal(where.off, 0);
	assert_int_equal(m->npayloads, 2);
	/* A second Nonce, inside this time. */
	n = test_hex("29 00 0024 01*32  00 00 0008 00 00 4000", chain,
		     sizeof(chain));
	assert_int_equal(wire_msg_parse_inner(m, IKEV2_PL_NONCE, chain, n,
					      &where), ERR_DUPLICATE);
	assert_int_equal(where.type, IKEV2_PL_NONCE);
	/* Trailing bytes in the plaintext. */
	n = test_hex("00 00 0008 00 00 4000 ff", chain, sizeof(chain));
	assert_int_equal(wire_msg_parse_inner(m, IKEV2_PL_NOTIFY, chain, n,
					      &where), ERR_TRAILING);
	assert_int_equal(where.off, 8);
	assert_int_equal(where.index, 2);
	/* After the failures m is still the outer message, and a good inner
	 * chain parses into it. */
	assert_int_equal(m->npayloads, 2);
	assert_int_equal(wire_msg_parse_inner(m, IKEV2_PL_NOTIFY, chain, n - 1,
					      &where), 0);
	assert_int_equal(m->npayloads, 3);
	assert_true(m->pl[2].inner);
	assert_int_equal(m->pl[2].u.notify.type, IKEV2_N_INITIAL_CONTACT);
	wire_msg_free(m);
}

/* where.off points at the offending element, not just the payload. */
static void error_offsets(void **state)
{
	static const struct bad ts = {
		"ts second selector reversed",
		{ { IKEV2_PL_NONCE, false, NONCE_OK },
		  { IKEV2_PL_TSI, false,
		    "02 000000 07 00 0010 0000 ffff 0a000000 0affffff"
		    "07 00 0010 0000 ffff 0b000000 0a000000" } },
		ERR_SYNTAX, 1, IKEV2_PL_TSI,
	};
	uint8_t msg[512];
	struct wire_msg *m = wire_msg_new();
	struct wire_where where;
	size_t len = assemble(&ts, msg, sizeof(msg));

	(void)state;
	assert_int_equal(wire_msg_parse(m, msg, len, &where), ERR_SYNTAX);
	/* header, nonce payload, TS generic header, TS count, selector 1 */
	assert_int_equal(where.off, 28 + 36 + 4 + 4 + 16);
	wire_msg_free(m);
}

int test_malformed_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_cases),
		cmocka_unit_test(proposal_numbering_equal_then_plus_one),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(chain_errors),
		cmocka_unit_test(too_many_payloads),
		cmocka_unit_test(sa_counts_beyond_caps),
		cmocka_unit_test(inner_chain_errors),
		cmocka_unit_test(error_offsets),
	};

	return cmocka_run_group_tests_name("wire malformed input", tests, NULL,
					   NULL);
}
