/*
 * test_captures.c - messages captured from strongSwan 5.9.8, checked field
 * by field against what charon logged about them.
 *
 * tests/data/strongswan/capture.sh ran an initiator and a responder and
 * kept their logs; each message was received by one of them, which logged
 * its length, its payload list ("parsed IKE_SA_INIT request 0 [ SA KE ... ]"),
 * the proposals it received, the NAT-D hashes and signature hash algorithms
 * it read, the DH shared secret length (equal to the KE value length for
 * MODP and Curve25519) and the AUTH octets (whose length gives the nonce
 * lengths).  The expected values below are read from those logs at run
 * time, so the test checks the codec against strongSwan's parser, not
 * against numbers copied from the codec's own output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_test.h"

struct scenario {
	const char *name;		/* psk | cert */
	struct wire_sk_params sk;	/* from the IKE proposal */
};

static const struct scenario psk = { "psk", { 8, 16, 1 } };	/* GCM-256 */
static const struct scenario cert = { "cert", { 16, 16, 16 } };	/* CBC-128 */

static char *load_text(const char *scen, const char *file)
{
	char rel[128];
	uint8_t *raw;
	char *txt;
	size_t len;

	snprintf(rel, sizeof(rel), "strongswan/%s/%s", scen, file);
	raw = test_load(rel, &len);
	txt = malloc(len + 1);
	assert_non_null(txt);
	memcpy(txt, raw, len);
	txt[len] = '\0';
	free(raw);
	return txt;
}

/* The n-th (1-based) occurrence of needle in text. */
static const char *nth(const char *text, const char *needle, int n)
{
	const char *p = text;

	for (; n > 0; n--) {
		p = strstr(p, needle);
		if (!p)
			fail_msg("log has fewer than %d \"%s\"", n, needle);
		if (n > 1)
			p += strlen(needle);
	}
	return p;
}

/* The n-th "received packet: from A to B (N bytes)" line: N. */
static size_t received_len(const char *text, int n)
{
	const char *p = text;

	while ((p = strstr(p, "received packet: from"))) {
		const char *eol = strchr(p, '\n'), *len = strstr(p, " bytes)");

		if (len && (!eol || len < eol) && --n == 0) {
			while (len > p && len[-1] != '(')
				len--;
			return strtoul(len, NULL, 10);
		}
		p++;
	}
	fail_msg("log lacks that many received packets");
	return 0;
}

/* The number after "=> " or "(" on the line at p: "=> 20 bytes". */
static size_t bytes_on_line(const char *p, const char *before)
{
	const char *q = strstr(p, before), *eol = strchr(p, '\n');

	assert_non_null(q);
	assert_true(!eol || q < eol);
	return strtoul(q + strlen(before), NULL, 10);
}

/* The bracketed payload list of the log line at p, "[ ... ]". */
static void bracket(const char *p, char *out, size_t cap)
{
	const char *open = strstr(p, "[ "), *close;

	assert_non_null(open);
	close = strstr(open, " ]");
	assert_non_null(close);
	assert_true((size_t)(close + 2 - open) < cap);
	memcpy(out, open, (size_t)(close + 2 - open));
	out[close + 2 - open] = '\0';
}

/*
 * The first n octets of the hex dump charon writes after the line at p
 * ("<label> => N bytes"):
 *   "... 08[IKE]    0: E2 64 C7 ...  .d..."
 */
static void dump_at(const char *p, uint8_t *out, size_t n)
{
	size_t got = 0;

	assert_true(bytes_on_line(p, "=> ") >= n);
	while (got < n) {
		const char *tag;

		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
		tag = strstr(p, "[IKE]");
		assert_non_null(tag);
		p = strchr(tag, ':');
		assert_non_null(p);
		p++;
		while (got < n && p[0] == ' ' && p[1] != ' ') {
			unsigned v;

			assert_int_equal(sscanf(p + 1, "%2x", &v), 1);
			out[got++] = (uint8_t)v;
			p += 3;
		}
	}
}

static void dump(const char *text, const char *label, uint8_t *out, size_t n)
{
	const char *p = nth(text, label, 1);

	assert_int_equal(bytes_on_line(p, "=> "), n);
	dump_at(p, out, n);
}

/*
 * AUTH signs "message 1 + peer nonce + prf(SK_p, ID')" (RFC 7296 2.15), and
 * charon logs those octets.  Find the line whose dump starts with msg and
 * return the length of the nonce that follows it (the PRF is SHA-256 in
 * both scenarios: 32 octets).
 */
static size_t nonce_after(const char *rlog, const uint8_t *msg, size_t len)
{
	uint8_t head[IKEV2_HDR_LEN];

	for (int i = 1; i <= 2; i++) {
		const char *p = nth(rlog, "octets = message + nonce", i);

		dump_at(p, head, sizeof(head));
		if (memcmp(head, msg, sizeof(head)) == 0)
			return bytes_on_line(p, "=> ") - len - 32;
	}
	fail_msg("no AUTH octets start with this message");
	return 0;
}

/* strongSwan's names for the transforms these captures use. */
struct sw_transform {
	const char *name;
	uint8_t type;
	uint16_t id;
	uint16_t key_len;
};

static const struct sw_transform sw_names[] = {
	{ "AES_GCM_16_256", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_GCM_16, 256 },
	{ "AES_CBC_128", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 128 },
	{ "HMAC_SHA2_256_128", IKEV2_TRANS_INTEG,
	  IKEV2_INTEG_HMAC_SHA2_256_128, 0 },
	{ "PRF_HMAC_SHA2_256", IKEV2_TRANS_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 },
	{ "CURVE_25519", IKEV2_TRANS_DH, IKEV2_DH_CURVE25519, 0 },
	{ "MODP_2048", IKEV2_TRANS_DH, IKEV2_DH_MODP_2048, 0 },
	{ "NO_EXT_SEQ", IKEV2_TRANS_ESN, IKEV2_ESN_NO, 0 },
};

/* Compare p with "received proposals: IKE:A/B/C" at line. */
static void assert_proposal(const struct wire_proposal *p, const char *line)
{
	const char *s = strstr(line, "proposals: ") + strlen("proposals: ");
	char tok[64];
	uint8_t i = 0;

	assert_true(strncmp(s, "IKE:", 4) == 0);
	assert_int_equal(p->proto, IKEV2_PROTO_IKE);
	assert_int_equal(p->spi_size, 0);
	s += 4;
	while (*s && *s != '\n') {
		size_t n = strcspn(s, "/\n");
		const struct sw_transform *t = NULL;
		uint16_t kl = 0;

		assert_true(n < sizeof(tok));
		memcpy(tok, s, n);
		tok[n] = '\0';
		for (size_t k = 0; k < sizeof(sw_names) / sizeof(sw_names[0]); k++)
			if (strcmp(sw_names[k].name, tok) == 0)
				t = &sw_names[k];
		if (!t)
			fail_msg("no mapping for strongSwan transform %s", tok);
		assert_true(i < p->ntransforms);
		assert_int_equal(p->transforms[i].type, t->type);
		assert_int_equal(p->transforms[i].id, t->id);
		if (t->key_len) {
			assert_int_equal(wire_transform_key_len(&p->transforms[i],
								&kl), 0);
			assert_int_equal(kl, t->key_len);
		} else {
			assert_int_equal(p->transforms[i].nattrs, 0);
		}
		i++;
		s += n;
		if (*s == '/')
			s++;
	}
	assert_int_equal(i, p->ntransforms);
}

static uint64_t hex64(const char *s)
{
	return strtoull(s, NULL, 16);
}

/* SPIs from "t: #1, ESTABLISHED, IKEv2, <spi_i>_i <spi_r>_r*". */
static void sas_spis(const char *scen, uint64_t *spi_i, uint64_t *spi_r)
{
	char *t = load_text(scen, "responder-list-sas.txt");
	const char *p = nth(t, "IKEv2, ", 1) + strlen("IKEv2, ");

	*spi_i = hex64(p);
	p = strchr(p, ' ');
	assert_non_null(p);
	*spi_r = hex64(p + 1);
	free(t);
}

/* Parse a .bin capture, stripping the non-ESP marker when it has one. */
static struct wire_msg *parse_capture(const char *scen, const char *file,
				      uint8_t **raw, size_t *ike_len,
				      bool want_marker)
{
	char rel[128];
	struct wire_msg *m = wire_msg_new();
	struct wire_where where;
	const uint8_t *p;
	size_t len;
	int rc;

	snprintf(rel, sizeof(rel), "strongswan/%s/%s", scen, file);
	*raw = test_load(rel, &len);
	p = *raw;
	assert_int_equal(wire_natt_classify(p, len, NULL),
			 want_marker ? WIRE_NATT_IKE : WIRE_NATT_ESP);
	if (want_marker)
		assert_int_equal(wire_natt_strip(&p, &len), 0);
	rc = wire_msg_parse(m, p, len, &where);
	if (rc)
		fail_msg("%s/%s: %s at payload %d (type %u) offset %zu", scen,
			 file, err_str(rc), where.index, where.type, where.off);
	*ike_len = len;
	return m;
}

/* A rebuild from the parsed structs must give the same bytes back. */
static void assert_rebuilds(const struct wire_msg *m)
{
	struct wire_builder b;
	struct buf_writer w;

	buf_writer_init_dyn(&w, IKEV2_MAX_MESSAGE);
	assert_int_equal(wire_build_init(&b, &w, &m->hdr), 0);
	for (size_t i = 0; i < m->npayloads; i++)
		assert_int_equal(wire_build_payload(&b, &m->pl[i]), 0);
	assert_int_equal(wire_build_finish(&b), 0);
	assert_int_equal(w.len, m->raw.len);
	assert_memory_equal(w.p, m->raw.p, w.len);
	buf_writer_free(&w);
}

static const uint16_t sw_hash_ids[] = { IKEV2_HASH_SHA2_256,
					IKEV2_HASH_SHA2_384,
					IKEV2_HASH_SHA2_512,
					IKEV2_HASH_IDENTITY };

/* "received supported signature hash algorithms: sha256 sha384 ..." */
static void assert_hash_algs(const struct wire_msg *m, const char *log)
{
	static const char *names[] = { "sha256", "sha384", "sha512",
				       "identity" };
	const char *line = nth(log, "received supported signature hash "
				    "algorithms: ", 1);
	const char *eol = strchr(line, '\n');
	uint16_t algs[WIRE_MAX_HASH_ALGS];
	size_t n;

	assert_int_equal(wire_notify_hash_algs(
		wire_msg_notify(m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS), algs,
		WIRE_MAX_HASH_ALGS, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(line, names[i]);

		assert_true(at && at < eol);
		assert_int_equal(algs[i], sw_hash_ids[i]);
	}
}

/*
 * One IKE_SA_INIT message: req is true for the request (received and
 * logged by the responder), false for the response (the initiator).
 */
static void check_sa_init(const struct scenario *sc, bool req)
{
	char *log = load_text(sc->name, req ? "responder.log"
					    : "initiator.log");
	char *rlog = load_text(sc->name, "responder.log");
	char want[256], got[256];
	uint8_t *raw, *other_raw, natd[WIRE_NATD_LEN];
	uint64_t spi_i, spi_r;
	size_t len, other_len;
	struct wire_msg *other;
	struct wire_msg *m = parse_capture(
		sc->name, req ? "msg1-ike_sa_init-req.bin"
			      : "msg1-ike_sa_init-resp.bin", &raw, &len, false);
	const struct wire_payload *sa, *ke, *no;
	struct wire_span s;

	/* Header: length, SPIs, exchange, flags, message ID. */
	assert_int_equal(len, received_len(log, 1));
	assert_int_equal(m->hdr.length, len);
	sas_spis(sc->name, &spi_i, &spi_r);
	assert_int_equal(m->hdr.spi_i, spi_i);
	assert_int_equal(m->hdr.spi_r, req ? 0 : spi_r);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	assert_int_equal(m->hdr.flags, req ? IKEV2_FLAG_INITIATOR
					   : IKEV2_FLAG_RESPONSE);
	assert_int_equal(m->hdr.msg_id, 0);
	assert_int_equal(m->hdr.major, 2);
	assert_int_equal(m->hdr.minor, 0);

	/* The payload list, exactly as charon printed it. */
	bracket(nth(log, req ? "parsed IKE_SA_INIT request 0 ["
			     : "parsed IKE_SA_INIT response 0 [", 1),
		want, sizeof(want));
	assert_string_equal(wire_name_msg(m, got, sizeof(got)), want);

	/* The proposal charon received. */
	sa = wire_msg_first(m, IKEV2_PL_SA);
	assert_non_null(sa);
	assert_int_equal(sa->u.sa.nproposals, 1);
	assert_int_equal(sa->u.sa.proposals[0].num, 1);
	assert_proposal(&sa->u.sa.proposals[0],
			nth(log, "received proposals: ", 1));

	/* KE: the group of the proposal, as long as the shared secret. */
	ke = wire_msg_first(m, IKEV2_PL_KE);
	assert_non_null(ke);
	assert_int_equal(ke->u.ke.group,
			 sa->u.sa.proposals[0].transforms[
				 sa->u.sa.proposals[0].ntransforms - 1].id);
	assert_int_equal(ke->u.ke.data.len,
			 bytes_on_line(nth(log, "shared Diffie Hellman secret",
					   1), "=> "));
	assert_int_equal(ke->u.ke.data.len, wire_ke_len(ke->u.ke.group));

	/*
	 * Nonce: the peer's message 1 is followed by this message's nonce
	 * in the AUTH octets the responder logged.
	 */
	no = wire_msg_first(m, IKEV2_PL_NONCE);
	assert_non_null(no);
	other = parse_capture(sc->name, req ? "msg1-ike_sa_init-resp.bin"
					    : "msg1-ike_sa_init-req.bin",
			      &other_raw, &other_len, false);
	assert_int_equal(no->u.nonce.len,
			 nonce_after(rlog, other_raw, other_len));
	assert_true(no->u.nonce.len >= WIRE_NONCE_MIN);
	wire_msg_free(other);
	free(other_raw);

	/* NAT-D hashes, as the receiver logged them. */
	dump(log, "received src_hash", natd, sizeof(natd));
	assert_int_equal(wire_notify_natd(wire_msg_notify(
		m, IKEV2_N_NAT_DETECTION_SOURCE_IP), &s), 0);
	assert_memory_equal(s.p, natd, sizeof(natd));
	dump(log, "received dst_hash", natd, sizeof(natd));
	assert_int_equal(wire_notify_natd(wire_msg_notify(
		m, IKEV2_N_NAT_DETECTION_DESTINATION_IP), &s), 0);
	assert_memory_equal(s.p, natd, sizeof(natd));

	assert_hash_algs(m, log);
	assert_non_null(wire_msg_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED));
	assert_null(wire_msg_error_notify(m));

	/* The certificate responder asks for one CA. */
	if (!req && strstr(log, "received cert request for")) {
		const struct wire_payload *cr = wire_msg_first(m,
							       IKEV2_PL_CERTREQ);

		assert_non_null(cr);
		assert_int_equal(cr->u.certreq.encoding,
				 IKEV2_CERT_X509_SIGNATURE);
		assert_int_equal(cr->u.certreq.nhashes, 1);
		assert_null(strstr(nth(log, "received cert request for", 1) + 1,
				   "received cert request for"));
	}

	assert_rebuilds(m);
	wire_msg_free(m);
	free(raw);
	free(log);
	free(rlog);
}

static void check_auth(const struct scenario *sc, bool req)
{
	char *log = load_text(sc->name, req ? "responder.log"
					    : "initiator.log");
	char want[256];
	uint8_t *raw;
	uint64_t spi_i, spi_r;
	size_t len;
	struct wire_msg *m = parse_capture(
		sc->name, req ? "msg2-ike_auth-req.bin"
			      : "msg2-ike_auth-resp.bin", &raw, &len, true);
	struct wire_sk_view v;
	char first[16];

	/* The second packet each side received; the log counts it without
	 * the four-octet marker. */
	assert_int_equal(len, received_len(log, 2));
	assert_int_equal(m->hdr.length, len);
	sas_spis(sc->name, &spi_i, &spi_r);
	assert_int_equal(m->hdr.spi_i, spi_i);
	assert_int_equal(m->hdr.spi_r, spi_r);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_IKE_AUTH);
	assert_int_equal(m->hdr.flags, req ? IKEV2_FLAG_INITIATOR
					   : IKEV2_FLAG_RESPONSE);
	assert_int_equal(m->hdr.msg_id, 1);

	/* Outer chain: the SK payload alone. */
	assert_int_equal(m->npayloads, 1);
	assert_non_null(m->enc);
	assert_int_equal(m->enc->type, IKEV2_PL_SK);
	assert_false(m->enc->u.enc.frag);

	/* Its first inner payload is the first one charon listed. */
	bracket(nth(log, req ? "parsed IKE_AUTH request 1 ["
			     : "parsed IKE_AUTH response 1 [", 1),
		want, sizeof(want));
	snprintf(first, sizeof(first), "[ %s ",
		 wire_name_payload(m->enc->u.enc.next));
	assert_true(strncmp(want, first, strlen(first)) == 0);
	assert_int_equal(m->enc->u.enc.next, req ? IKEV2_PL_IDI : IKEV2_PL_IDR);

	/* IV / ciphertext / ICV for the negotiated algorithm. */
	assert_int_equal(wire_sk_view(m, &sc->sk, &v), 0);
	assert_int_equal(v.aad_len, IKEV2_HDR_LEN + IKEV2_GENERIC_HDR_LEN);
	assert_ptr_equal(v.aad, m->raw.p);
	assert_int_equal(v.iv_len, sc->sk.iv_len);
	assert_ptr_equal(v.iv, m->raw.p + v.aad_len);
	assert_int_equal(v.icv_len, sc->sk.icv_len);
	assert_int_equal(v.ct_len, len - v.aad_len - v.iv_len - v.icv_len);
	assert_int_equal(v.ct_len % sc->sk.block_len, 0);
	assert_ptr_equal(v.icv + v.icv_len, m->raw.p + len);
	assert_int_equal(v.integ_len, len - v.icv_len);

	assert_rebuilds(m);
	wire_msg_free(m);
	free(raw);
	free(log);
}

static void psk_ike_sa_init_request(void **state)
{
	(void)state;
	check_sa_init(&psk, true);
}

static void psk_ike_sa_init_response(void **state)
{
	(void)state;
	check_sa_init(&psk, false);
}

static void psk_ike_auth_request(void **state)
{
	(void)state;
	check_auth(&psk, true);
}

static void psk_ike_auth_response(void **state)
{
	(void)state;
	check_auth(&psk, false);
}

static void cert_ike_sa_init_request(void **state)
{
	(void)state;
	check_sa_init(&cert, true);
}

static void cert_ike_sa_init_response(void **state)
{
	(void)state;
	check_sa_init(&cert, false);
}

static void cert_ike_auth_request(void **state)
{
	(void)state;
	check_auth(&cert, true);
}

static void cert_ike_auth_response(void **state)
{
	(void)state;
	check_auth(&cert, false);
}

/* With the wrong algorithm's layout the CBC message does not split. */
static void cbc_message_rejects_misaligned_layout(void **state)
{
	static const struct wire_sk_params odd = { 16, 12, 16 };
	uint8_t *raw;
	size_t len;
	struct wire_msg *m = parse_capture("cert", "msg2-ike_auth-req.bin",
					   &raw, &len, true);
	struct wire_sk_view v;

	(void)state;
	assert_int_equal(wire_sk_view(m, &odd, &v), ERR_SYNTAX);
	wire_msg_free(m);
	free(raw);
}

int test_captures_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psk_ike_sa_init_request),
		cmocka_unit_test(psk_ike_sa_init_response),
		cmocka_unit_test(psk_ike_auth_request),
		cmocka_unit_test(psk_ike_auth_response),
		cmocka_unit_test(cert_ike_sa_init_request),
		cmocka_unit_test(cert_ike_sa_init_response),
		cmocka_unit_test(cert_ike_auth_request),
		cmocka_unit_test(cert_ike_auth_response),
		cmocka_unit_test(cbc_message_rejects_misaligned_layout),
	};

	return cmocka_run_group_tests_name("wire strongSwan captures", tests,
					   NULL, NULL);
}
