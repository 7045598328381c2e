/*
 * test_decrypted.c - the captured strongSwan IKE_AUTH messages, decrypted
 * with the keys strongSwan logged (tests/data/crypto/strongswan-*.vec)
 * and parsed down to the inner payloads, compared with what charon itself
 * logged it parsed ("parsed IKE_AUTH request 1 [ IDi ... ]") and field by
 * field with the configuration capture.sh used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "crypto/aead.h"
#include "wire/wire.h"

static uint8_t *slurp(const char *rel, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", RESWAN_TEST_DATA, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* Value of "name hex" in a vector file, decoded; returns its length. */
static size_t vec(const char *text, const char *name, uint8_t *out, size_t cap)
{
	char key[64];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	assert_non_null(p);
	p += strlen(key);
	while (*p && *p != '\n' && *p != '-') {
		unsigned v;

		assert_true(n < cap);
		assert_int_equal(sscanf(p, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		p += 2;
	}
	return n;
}

static unsigned vnum(const char *text, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	assert_non_null(p);
	return (unsigned)strtoul(p + strlen(key), NULL, 10);
}

/* The payload list charon logged for this message, "[ IDi ... ]". */
static void logged(const char *scenario, const char *role, const char *what,
		   char *out, size_t len)
{
	char rel[128];
	size_t n;
	uint8_t *log;
	const char *p, *end;

	snprintf(rel, sizeof(rel), "strongswan/%s/%s.log", scenario, role);
	log = slurp(rel, &n);
	p = strstr((const char *)log, what);
	assert_non_null(p);
	p = strchr(p, '[');
	end = strchr(p, ']');
	snprintf(out, len, "%.*s", (int)(end - p + 1), p);
	free(log);
}

struct decrypted {
	struct wire_msg m;
	uint8_t *raw;
	uint8_t pt[4096];
};

static void open_auth(struct decrypted *d, const char *scenario, bool response)
{
	char rel[128];
	size_t n, raw_len, ek_len, ak_len, inner;
	uint8_t *v, ek[64], ak[64];
	struct wire_sk_params sp;
	struct wire_sk_view sv;
	struct aead *a;

	snprintf(rel, sizeof(rel), "crypto/strongswan-%s.vec", scenario);
	v = slurp(rel, &n);
	ek_len = vec((char *)v, response ? "sk_er" : "sk_ei", ek, sizeof(ek));
	ak_len = vec((char *)v, response ? "sk_ar" : "sk_ai", ak, sizeof(ak));
	a = aead_new((uint16_t)vnum((char *)v, "ike_encr"),
		     (uint16_t)vnum((char *)v, "ike_key_bits"),
		     (uint16_t)vnum((char *)v, "ike_integ"), ek, ek_len,
		     ak_len ? ak : NULL, ak_len);
	assert_non_null(a);
	snprintf(rel, sizeof(rel), "strongswan/%s/msg2-ike_auth-%s.bin", scenario,
		 response ? "resp" : "req");
	d->raw = slurp(rel, &raw_len);
	/* Received on 4500: strip the non-ESP marker. */
	assert_int_equal(wire_natt_classify(d->raw, raw_len, NULL), WIRE_NATT_IKE);
	assert_int_equal(wire_msg_parse(&d->m, d->raw + 4, raw_len - 4, NULL), 0);
	sp.iv_len = aead_iv_len(a);
	sp.icv_len = aead_icv_len(a);
	sp.block_len = aead_block_size(a);
	assert_int_equal(wire_sk_view(&d->m, &sp, &sv), 0);
	assert_true(sv.ct_len <= sizeof(d->pt));
	assert_int_equal(aead_open(a, sv.iv, sv.aad, sv.aad_len, sv.ct, sv.ct_len,
				   d->pt, sv.icv), 0);
	assert_int_equal(wire_sk_unpad(d->pt, sv.ct_len, &inner), 0);
	assert_int_equal(wire_msg_parse_inner(&d->m, d->m.enc->u.enc.next, d->pt,
					      inner, NULL), 0);
	aead_free(a);
	free(v);
}

static void check_id(const struct wire_msg *m, uint8_t type, const char *want)
{
	const struct wire_payload *p = wire_msg_first(m, type);

	assert_non_null(p);
	assert_int_equal(p->u.id.type, IKEV2_ID_FQDN);
	assert_int_equal(p->u.id.data.len, strlen(want));
	assert_memory_equal(p->u.id.data.p, want, strlen(want));
}

static void check_ts(const struct wire_msg *m, uint8_t type, const char *net)
{
	const struct wire_payload *p = wire_msg_first(m, type);
	uint8_t lo[4], hi[4];

	assert_non_null(p);
	assert_int_equal(p->u.ts.count, 1);
	assert_int_equal(p->u.ts.sel[0].type, IKEV2_TS_IPV4_ADDR_RANGE);
	assert_int_equal(sscanf(net, "%hhu.%hhu", &lo[0], &lo[1]), 2);
	lo[2] = lo[3] = 0;
	memcpy(hi, lo, 2);
	hi[2] = hi[3] = 255;
	assert_memory_equal(p->u.ts.sel[0].start, lo, 4);
	assert_memory_equal(p->u.ts.sel[0].end, hi, 4);
}

static void scenario(const char *name, uint8_t auth_method, uint16_t esp_encr)
{
	struct decrypted *req = calloc(1, sizeof(*req));
	struct decrypted *resp = calloc(1, sizeof(*resp));
	char want[512], got[512];
	const struct wire_payload *sa;

	assert_non_null(req);
	assert_non_null(resp);
	open_auth(req, name, false);
	open_auth(resp, name, true);

	/* The same payload lists charon logged, in the same order. */
	logged(name, "responder", "parsed IKE_AUTH request 1", want, sizeof(want));
	assert_string_equal(wire_name_msg(&req->m, got, sizeof(got)), want);
	logged(name, "initiator", "parsed IKE_AUTH response 1", want, sizeof(want));
	assert_string_equal(wire_name_msg(&resp->m, got, sizeof(got)), want);

	/* Field by field, against capture.sh's configuration. */
	check_id(&req->m, IKEV2_PL_IDI, "client.example");
	check_id(&req->m, IKEV2_PL_IDR, "gw.example");
	check_id(&resp->m, IKEV2_PL_IDR, "gw.example");
	assert_int_equal(wire_msg_first(&req->m, IKEV2_PL_AUTH)->u.auth.method, auth_method);
	assert_int_equal(wire_msg_first(&resp->m, IKEV2_PL_AUTH)->u.auth.method, auth_method);
	assert_non_null(wire_msg_notify(&req->m, IKEV2_N_INITIAL_CONTACT));
	check_ts(&req->m, IKEV2_PL_TSI, "10.2");
	check_ts(&req->m, IKEV2_PL_TSR, "10.1");
	check_ts(&resp->m, IKEV2_PL_TSI, "10.2");
	check_ts(&resp->m, IKEV2_PL_TSR, "10.1");
	sa = wire_msg_first(&resp->m, IKEV2_PL_SA);
	assert_int_equal(sa->u.sa.nproposals, 1);
	assert_int_equal(sa->u.sa.proposals[0].proto, IKEV2_PROTO_ESP);
	assert_int_equal(sa->u.sa.proposals[0].spi_size, 4);
	assert_int_equal(sa->u.sa.proposals[0].transforms[0].type, IKEV2_TRANS_ENCR);
	assert_int_equal(sa->u.sa.proposals[0].transforms[0].id, esp_encr);
	if (auth_method == IKEV2_AUTH_DIGITAL_SIGNATURE) {
		assert_int_equal(wire_msg_first(&req->m, IKEV2_PL_CERT)->u.cert.encoding,
				 IKEV2_CERT_X509_SIGNATURE);
		assert_int_equal(wire_msg_first(&req->m, IKEV2_PL_CERTREQ)->u.certreq.nhashes, 1);
	}
	free(req->raw);
	free(resp->raw);
	free(req);
	free(resp);
}

static void psk_scenario(void **state)
{
	(void)state;
	scenario("psk", IKEV2_AUTH_PSK, IKEV2_ENCR_AES_GCM_16);
}

static void cert_scenario(void **state)
{
	(void)state;
	scenario("cert", IKEV2_AUTH_DIGITAL_SIGNATURE, IKEV2_ENCR_AES_CBC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psk_scenario),
		cmocka_unit_test(cert_scenario),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
