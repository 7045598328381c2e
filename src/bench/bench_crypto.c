/*
 * bench_crypto.c - `reswan bench crypto`: what each cryptographic step of
 * IKEv2, ESP and reswan's resumption costs with reswan's own crypto layer,
 * and the ratios the paper argues from.
 *
 * Costs are per operation as a peer performs it: a key exchange is keygen
 * plus derive (the public value must be fresh per exchange); a signature
 * is RFC 7427 AUTH data over 512 octets (a typical InitiatorSignedOctets);
 * ESP is one 1400-octet packet.  The "full exchange" of a suite is the
 * responder's crypto in IKE_SA_INIT + IKE_AUTH: one key exchange, one
 * signature and one verification (or two PSK AUTH computations), and the
 * IKE and Child SA key derivation.  SK payload encryption of the two
 * exchanges is left out of both the full exchange and the resumption: it
 * is the same few packets either way.
 *
 * One row is not crypto: udp.loopback, a datagram sent and received on
 * loopback, is the kernel's share of every IKE message, the floor under
 * any whole-exchange figure that `bench handshake` reports.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/bench.h"
#include "common/err.h"
#include "common/wipe.h"
#include "crypto/aead.h"
#include "crypto/crypto.h"
#include "crypto/kdf.h"
#include "crypto/ke.h"
#include "crypto/prf.h"
#include "crypto/rand.h"
#include "crypto/sign.h"
#include "wire/ikev2.h"

#define OCTETS_LEN 512		/* signed octets: IKE_SA_INIT + nonce + prf */
#define ESP_LEN 1400
#define ESP_MAX (ESP_LEN + 16)
#define MAC_LEN 100		/* a resumption proof's input */
#define NONCE_LEN 32

/* Shared inputs: fixed, non-secret stand-ins for nonces, SPIs and g^ir. */
static uint8_t ni[NONCE_LEN], nr[NONCE_LEN], spii[8], spir[8], gir[32];
static uint8_t octets[OCTETS_LEN], esp[ESP_MAX], macin[MAC_LEN];

/* ---- key exchange -------------------------------------------------------- */

struct ke_ctx {
	uint16_t group;
	unsigned flags;
	uint8_t peer[KE_MAX_PUBLIC_LEN];
	size_t peer_len;
};

static int op_ke(void *p)
{
	struct ke_ctx *c = p;
	uint8_t s[KE_MAX_SECRET_LEN];
	size_t n;
	struct ke *ke = ke_new(c->group, rand_system(), c->flags);
	int ret;

	if (!ke)
		return ERR_CRYPTO;
	ret = ke_derive(ke, c->peer, c->peer_len, s, &n);
	wipe(s, sizeof(s));
	ke_free(ke);
	return ret;
}

/* ---- signatures ---------------------------------------------------------- */

struct sig_ctx {
	struct sign_key *key;
	struct sign_pub *pub;
	enum sign_alg alg;
	uint8_t auth[SIGN_MAX_AUTH_LEN];
	size_t auth_len;
};

static int op_sign(void *p)
{
	struct sig_ctx *c = p;

	return sign_auth_build(c->key, c->alg, octets, sizeof(octets), c->auth,
			       sizeof(c->auth), &c->auth_len);
}

static int op_verify(void *p)
{
	struct sig_ctx *c = p;

	return sign_auth_verify(c->pub, c->auth, c->auth_len, octets, sizeof(octets), NULL);
}

/* ---- PRF, key derivation, PSK AUTH ---------------------------------------- */

struct prf_ctx {
	struct prf *keyed;
	uint8_t key[32];
};

static int op_hmac_reused(void *p)
{
	struct prf_ctx *c = p;
	uint8_t out[PRF_MAX_LEN];

	return prf_compute1(c->keyed, macin, 64, out);
}

static int op_hmac_fresh(void *p)
{
	struct prf_ctx *c = p;
	uint8_t out[PRF_MAX_LEN];
	struct prf *k = prf_new(IKEV2_PRF_HMAC_SHA2_256, c->key, sizeof(c->key));
	int ret;

	if (!k)
		return ERR_CRYPTO;
	ret = prf_compute1(k, macin, 64, out);
	prf_free(k);
	return ret;
}

static const struct kdf_lens ike_lens = { .encr = 36, .integ = 0 };	/* aes256gcm16 */
static const struct kdf_lens esp_lens = { .encr = 20, .integ = 0 };	/* aes128gcm16 */

static int op_prf_plus_ike(void *p)
{
	struct kdf_ike_keys k;
	int ret;

	(void)p;
	ret = kdf_ike_keys(IKEV2_PRF_HMAC_SHA2_256, gir, ni, NONCE_LEN, nr, NONCE_LEN,
			   spii, spir, &ike_lens, &k);
	kdf_ike_keys_wipe(&k);
	return ret;
}

/* IKE SA keys from SKEYSEED, then the first Child SA's keys from SK_d. */
static int derive_from(const uint8_t *skeyseed)
{
	struct kdf_ike_keys k;
	struct kdf_child_keys ck;
	struct prf *skd = NULL;
	int ret;

	ret = kdf_ike_keys(IKEV2_PRF_HMAC_SHA2_256, skeyseed, ni, NONCE_LEN, nr, NONCE_LEN,
			   spii, spir, &ike_lens, &k);
	if (ret)
		goto out;
	ret = ERR_CRYPTO;
	skd = prf_new(IKEV2_PRF_HMAC_SHA2_256, k.d.b, k.d.len);
	if (!skd)
		goto out;
	ret = kdf_child_keys(skd, NULL, 0, ni, NONCE_LEN, nr, NONCE_LEN, &esp_lens, &ck);
	kdf_child_keys_wipe(&ck);
out:
	prf_free(skd);
	kdf_ike_keys_wipe(&k);
	return ret;
}

static int op_ike_derive(void *p)
{
	uint8_t skeyseed[32];
	int ret;

	(void)p;
	ret = kdf_skeyseed(IKEV2_PRF_HMAC_SHA2_256, ni, NONCE_LEN, nr, NONCE_LEN, gir,
			   sizeof(gir), skeyseed);
	if (!ret)
		ret = derive_from(skeyseed);
	wipe(skeyseed, sizeof(skeyseed));
	return ret;
}

/* AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets), keys fresh each time. */
static int op_psk_auth(void *p)
{
	static const char pad[] = "Key Pad for IKEv2";
	static const uint8_t psk[16] = "bench-psk-secret";
	uint8_t inner[32], auth[32];
	struct prf *a = prf_new(IKEV2_PRF_HMAC_SHA2_256, psk, sizeof(psk)), *b = NULL;
	int ret = ERR_CRYPTO;

	(void)p;
	if (!a || prf_compute1(a, pad, sizeof(pad) - 1, inner))
		goto out;
	b = prf_new(IKEV2_PRF_HMAC_SHA2_256, inner, sizeof(inner));
	if (!b)
		goto out;
	ret = prf_compute1(b, octets, sizeof(octets), auth);
out:
	wipe(inner, sizeof(inner));
	prf_free(a);
	prf_free(b);
	return ret;
}

/*
 * One side of a resumption: SKEYSEED' = prf(resumption secret,
 * "Resumption" | Ni | Nr), prf+ for the seven IKE SA keys, Child SA KEYMAT,
 * and two MACs over ~100 octets (make our proof, check the peer's).
 */
static int op_resume(void *p)
{
	static const uint8_t secret[32] = "cached resumption secret 32 oct";
	struct crypto_span in[3] = {
		{ (const uint8_t *)"Resumption", 10 }, { ni, NONCE_LEN }, { nr, NONCE_LEN },
	};
	uint8_t skeyseed[32], mac[32];
	struct prf *r = prf_new(IKEV2_PRF_HMAC_SHA2_256, secret, sizeof(secret)), *m;
	int ret = ERR_CRYPTO;

	(void)p;
	if (!r || prf_compute(r, in, 3, skeyseed))
		goto out;
	ret = derive_from(skeyseed);
	for (int i = 0; i < 2 && !ret; i++) {
		/* SK_pi / SK_pr stand-ins: a fresh key per MAC, as the exchange has. */
		m = prf_new(IKEV2_PRF_HMAC_SHA2_256, skeyseed, sizeof(skeyseed));
		ret = m ? prf_compute1(m, macin, sizeof(macin), mac) : ERR_CRYPTO;
		prf_free(m);
	}
out:
	wipe(skeyseed, sizeof(skeyseed));
	prf_free(r);
	return ret;
}

/* ---- AEAD ---------------------------------------------------------------- */

struct aead_ctx {
	struct aead *a;
	uint8_t iv[AEAD_MAX_IV_LEN], aad[8], icv[AEAD_MAX_ICV_LEN];
	uint8_t ct[ESP_MAX], out[ESP_MAX];
	size_t len;	/* 1400, rounded up to the cipher's block size */
};

static int op_seal(void *p)
{
	struct aead_ctx *c = p;

	return aead_seal(c->a, c->iv, c->aad, sizeof(c->aad), esp, c->len, c->out, c->icv);
}

static int op_open(void *p)
{
	struct aead_ctx *c = p;

	return aead_open(c->a, c->iv, c->aad, sizeof(c->aad), c->ct, c->len, c->out, c->icv);
}

/* ---- the kernel's part of a datagram ------------------------------------- */

#define UDP_LEN 300		/* a resumption message's size */

struct udp_ctx {
	int tx, rx;
	struct sockaddr_in to;
	uint8_t buf[UDP_LEN];
};

/* One datagram: sendto() on one socket, recv() on the other (blocking). */
static int op_udp(void *p)
{
	struct udp_ctx *c = p;

	if (sendto(c->tx, c->buf, UDP_LEN, 0, (struct sockaddr *)&c->to,
		   sizeof(c->to)) != UDP_LEN)
		return ERR_IO;
	return recv(c->rx, c->buf, UDP_LEN, 0) == UDP_LEN ? 0 : ERR_IO;
}

static int udp_open(struct udp_ctx *c)
{
	socklen_t l = sizeof(c->to);

	memset(&c->to, 0, sizeof(c->to));
	c->to.sin_family = AF_INET;
	c->to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	c->rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->tx < 0 || c->rx < 0 ||
	    bind(c->rx, (struct sockaddr *)&c->to, sizeof(c->to)) != 0 ||
	    getsockname(c->rx, (struct sockaddr *)&c->to, &l) != 0)
		return ERR_IO;
	memset(c->buf, 0xab, sizeof(c->buf));
	return 0;
}

/* ---- driver -------------------------------------------------------------- */

struct results {
	struct bench_result r[BENCH_MAX_RESULTS];
	size_t n;
	int err;
};

static void measure(const struct bench_opts *o, struct results *res, const char *name,
		    const char *what, bench_op op, void *ctx)
{
	int ret;

	if (res->err || res->n >= BENCH_MAX_RESULTS)
		return;
	ret = bench_measure(o, name, what, op, ctx, &res->r[res->n]);
	if (ret) {
		fprintf(stderr, "bench crypto: %s failed: %s\n", name, err_str(ret));
		res->err = ret;
		return;
	}
	if (!o->json && !o->quick)
		fprintf(stderr, "  %-28s done\n", name);
	res->n++;
}

/* Measured when loopback UDP works; a missing row is not a failure. */
static void bench_udp(const struct bench_opts *o, struct results *res)
{
	struct udp_ctx c = { .tx = -1, .rx = -1 };

	if (udp_open(&c) == 0)
		measure(o, res, "udp.loopback", "one 300 B datagram sent and "
			"received on loopback (kernel only)", op_udp, &c);
	else
		fprintf(stderr, "bench crypto: udp.loopback skipped: %s\n",
			strerror(errno));
	if (c.tx >= 0)
		close(c.tx);
	if (c.rx >= 0)
		close(c.rx);
}

static double ns_of(const struct results *res, const char *name)
{
	for (size_t i = 0; i < res->n; i++)
		if (strcmp(res->r[i].name, name) == 0)
			return res->r[i].ns_per_op;
	return 0;
}

static void bench_ke(const struct bench_opts *o, struct results *res)
{
	static const struct { uint16_t g; unsigned flags; const char *name, *what; } ks[] = {
		{ IKEV2_DH_MODP_2048, 0, "ke.modp2048", "group 14 keygen+derive, full exponent" },
		{ IKEV2_DH_MODP_2048, KE_SHORT_EXPONENT, "ke.modp2048-short", "group 14, 320-bit exponent" },
		{ IKEV2_DH_MODP_3072, 0, "ke.modp3072", "group 15 keygen+derive, full exponent" },
		{ IKEV2_DH_ECP_256, 0, "ke.ecp256", "group 19 keygen+derive" },
		{ IKEV2_DH_ECP_384, 0, "ke.ecp384", "group 20 keygen+derive" },
		{ IKEV2_DH_CURVE25519, 0, "ke.curve25519", "group 31 keygen+derive" },
	};
	static struct ke_ctx c[sizeof(ks) / sizeof(ks[0])];

	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		struct ke *peer = ke_new(ks[i].g, rand_system(), 0);
		const uint8_t *pub;

		if (!peer) {
			res->err = ERR_CRYPTO;
			return;
		}
		pub = ke_public(peer, &c[i].peer_len);
		memcpy(c[i].peer, pub, c[i].peer_len);
		ke_free(peer);
		c[i].group = ks[i].g;
		c[i].flags = ks[i].flags;
		measure(o, res, ks[i].name, ks[i].what, op_ke, &c[i]);
	}
}

static void bench_sign(const struct bench_opts *o, struct results *res)
{
	static const struct {
		enum sign_key_type t;
		enum sign_alg alg;
		const char *sign, *verify, *what;
	} ss[] = {
		{ SIGN_KEY_RSA, SIGN_ALG_RSA_PKCS1_SHA256, "sign.rsa2048-pkcs1", "verify.rsa2048-pkcs1",
		  "RSA-2048 PKCS#1 v1.5 SHA-256" },
		{ SIGN_KEY_RSA, SIGN_ALG_RSA_PSS_SHA256, "sign.rsa2048-pss", "verify.rsa2048-pss",
		  "RSA-2048 PSS SHA-256" },
		{ SIGN_KEY_ECDSA_P256, SIGN_ALG_ECDSA_SHA256, "sign.ecdsa-p256", "verify.ecdsa-p256",
		  "ECDSA P-256 SHA-256" },
		{ SIGN_KEY_ECDSA_P384, SIGN_ALG_ECDSA_SHA384, "sign.ecdsa-p384", "verify.ecdsa-p384",
		  "ECDSA P-384 SHA-384" },
		{ SIGN_KEY_ED25519, SIGN_ALG_ED25519, "sign.ed25519", "verify.ed25519", "Ed25519" },
	};
	static struct sig_ctx c[sizeof(ss) / sizeof(ss[0])];
	struct sign_key *rsa = NULL;

	for (size_t i = 0; i < sizeof(ss) / sizeof(ss[0]) && !res->err; i++) {
		/* One RSA key for both paddings: RSA keygen is slow. */
		if (ss[i].t == SIGN_KEY_RSA && rsa) {
			c[i].key = rsa;
		} else {
			c[i].key = sign_key_generate(ss[i].t);
			if (ss[i].t == SIGN_KEY_RSA)
				rsa = c[i].key;
		}
		c[i].pub = c[i].key ? sign_key_pub(c[i].key) : NULL;
		c[i].alg = ss[i].alg;
		if (!c[i].pub || op_sign(&c[i])) {
			res->err = ERR_CRYPTO;
			break;
		}
		measure(o, res, ss[i].sign, ss[i].what, op_sign, &c[i]);
		measure(o, res, ss[i].verify, ss[i].what, op_verify, &c[i]);
	}
	for (size_t i = 0; i < sizeof(ss) / sizeof(ss[0]); i++) {
		sign_pub_free(c[i].pub);
		if (c[i].key != rsa)
			sign_key_free(c[i].key);
		c[i].key = NULL;
		c[i].pub = NULL;
	}
	sign_key_free(rsa);
}

static void bench_aead(const struct bench_opts *o, struct results *res)
{
	static const struct {
		uint16_t encr, bits, integ;
		const char *seal, *open, *what;
	} as[] = {
		{ IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE, "esp.seal.aes128gcm16",
		  "esp.open.aes128gcm16", "1400 B, AES-128-GCM" },
		{ IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE, "esp.seal.aes256gcm16",
		  "esp.open.aes256gcm16", "1400 B, AES-256-GCM" },
		{ IKEV2_ENCR_CHACHA20_POLY1305, 0, IKEV2_INTEG_NONE, "esp.seal.chacha20poly1305",
		  "esp.open.chacha20poly1305", "1400 B, ChaCha20-Poly1305" },
		{ IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128, "esp.seal.aes128-sha256",
		  "esp.open.aes128-sha256", "1400 B, AES-128-CBC + HMAC-SHA2-256-128" },
	};
	static struct aead_ctx c;
	uint8_t key[64], ikey[64];

	memset(key, 0x4b, sizeof(key));
	memset(ikey, 0x1e, sizeof(ikey));
	for (size_t i = 0; i < sizeof(as) / sizeof(as[0]) && !res->err; i++) {
		size_t el, il, bs;

		if (aead_key_lens(as[i].encr, as[i].bits, as[i].integ, &el, &il)) {
			res->err = ERR_UNSUPPORTED;
			return;
		}
		c.a = aead_new(as[i].encr, as[i].bits, as[i].integ, key, el, il ? ikey : NULL, il);
		/* CBC encrypts whole blocks: 1400 B of payload become 1408 with padding. */
		bs = c.a ? aead_block_size(c.a) : 1;
		c.len = (ESP_LEN + bs - 1) / bs * bs;
		if (!c.a || aead_seal(c.a, c.iv, c.aad, sizeof(c.aad), esp, c.len, c.ct, c.icv)) {
			aead_free(c.a);
			res->err = ERR_CRYPTO;
			return;
		}
		measure(o, res, as[i].seal, as[i].what, op_seal, &c);
		measure(o, res, as[i].open, as[i].what, op_open, &c);
		aead_free(c.a);
		c.a = NULL;
	}
}

struct suite {
	const char *name;
	const char *ke, *sign, *verify;	/* verify NULL: PSK (2 AUTH prfs) */
};

static const struct suite suites[] = {
	{ "psk-x25519", "ke.curve25519", NULL, NULL },
	{ "ed25519-x25519", "ke.curve25519", "sign.ed25519", "verify.ed25519" },
	{ "rsa2048-modp2048", "ke.modp2048", "sign.rsa2048-pkcs1", "verify.rsa2048-pkcs1" },
	/* The same with reswand's default short MODP exponent. */
	{ "rsa2048-modp2048-short", "ke.modp2048-short", "sign.rsa2048-pkcs1",
	  "verify.rsa2048-pkcs1" },
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))
#define ESP_REF "esp.seal.aes128gcm16"
#define RESUME_REF "resume.responder"

static double full_ns(const struct results *res, const struct suite *s)
{
	double auth = s->sign ? ns_of(res, s->sign) + ns_of(res, s->verify)
			      : 2 * ns_of(res, "psk.auth");

	return ns_of(res, s->ke) + auth + ns_of(res, "ike.derive");
}

/* Print s right- or left-aligned in w columns; "µ" takes two bytes but one column. */
static void put_col(FILE *f, const char *s, int w, bool left)
{
	int bytes = (int)strlen(s), cols = bytes;

	for (const char *p = s; (p = strstr(p, "µ")) != NULL; p += strlen("µ"))
		cols -= (int)strlen("µ") - 1;
	if (left)
		fprintf(f, "%s%*s", s, w > cols ? w - cols : 0, "");
	else
		fprintf(f, "%*s%s", w > cols ? w - cols : 0, "", s);
}

static void print_table(const struct bench_opts *o, const struct results *res)
{
	FILE *f = o->out;
	char a[32], b[32], c[32];
	double fresh = ns_of(res, "hmac.fresh-key"), reused = ns_of(res, "hmac.reused-ctx");

	fprintf(f, "reswan bench crypto  (%s; median of %u runs%s)\n\n", crypto_backend(),
		res->n ? res->r[0].runs : 0, o->quick ? ", QUICK: figures are not meaningful" : "");
	fprintf(f, "%-28s %12s %12s  %-23s %s\n", "operation", "median/op", "ops/s",
		"spread (min-max)", "what");
	for (size_t i = 0; i < res->n; i++) {
		const struct bench_result *r = &res->r[i];
		char spread[48];

		snprintf(spread, sizeof(spread), "%s - %s", bench_fmt_ns(r->min_ns, b, sizeof(b)),
			 bench_fmt_ns(r->max_ns, c, sizeof(c)));
		fprintf(f, "%-28s ", r->name);
		put_col(f, bench_fmt_ns(r->ns_per_op, a, sizeof(a)), 12, false);
		fprintf(f, " %12.0f  ", 1e9 / r->ns_per_op);
		put_col(f, spread, 23, true);
		fprintf(f, " %s\n", r->what);
	}
	fprintf(f, "\nHMAC-SHA2-256 over 64 B: fresh key per call / reused keyed context = %.2fx\n",
		reused > 0 ? fresh / reused : 0);
	fprintf(f, "\nresponder crypto of a full IKE_SA_INIT+IKE_AUTH vs one ESP packet "
		"(%s) and vs a resumption (%s):\n", ESP_REF, RESUME_REF);
	fprintf(f, "%-24s %12s %12s %14s\n", "suite", "full", "x ESP pkt", "x resumption");
	for (size_t i = 0; i < NSUITES; i++) {
		double full = full_ns(res, &suites[i]);

		fprintf(f, "%-24s ", suites[i].name);
		put_col(f, bench_fmt_ns(full, a, sizeof(a)), 12, false);
		fprintf(f, " %12.0f %14.1f\n", full / ns_of(res, ESP_REF),
			full / ns_of(res, RESUME_REF));
	}
}

static void print_json(const struct bench_opts *o, const struct results *res)
{
	FILE *f = o->out;
	double fresh = ns_of(res, "hmac.fresh-key"), reused = ns_of(res, "hmac.reused-ctx");

	fprintf(f, "{\n  \"bench\": \"crypto\",\n  \"backend\": \"%s\",\n", crypto_backend());
	fprintf(f, "  \"quick\": %s,\n  \"runs\": %u,\n  \"unit\": \"ns_per_op\",\n",
		o->quick ? "true" : "false", res->n ? res->r[0].runs : 0);
	fprintf(f, "  \"results\": {\n");
	for (size_t i = 0; i < res->n; i++) {
		const struct bench_result *r = &res->r[i];

		fprintf(f, "    \"%s\": {\"ns_per_op\": %.1f, \"ops_per_s\": %.1f, "
			"\"min_ns\": %.1f, \"max_ns\": %.1f, \"iterations\": %u}%s\n",
			r->name, r->ns_per_op, 1e9 / r->ns_per_op, r->min_ns, r->max_ns,
			r->iterations, i + 1 < res->n ? "," : "");
	}
	fprintf(f, "  },\n  \"ratios\": {\n");
	fprintf(f, "    \"hmac_fresh_over_reused\": %.3f,\n", reused > 0 ? fresh / reused : 0);
	fprintf(f, "    \"esp_reference\": \"%s\",\n    \"resumption_reference\": \"%s\",\n",
		ESP_REF, RESUME_REF);
	fprintf(f, "    \"suites\": {\n");
	for (size_t i = 0; i < NSUITES; i++) {
		double full = full_ns(res, &suites[i]);

		fprintf(f, "      \"%s\": {\"full_exchange_ns\": %.1f, \"full_over_esp_packet\": %.1f, "
			"\"full_over_resumption\": %.2f}%s\n", suites[i].name, full,
			full / ns_of(res, ESP_REF), full / ns_of(res, RESUME_REF),
			i + 1 < NSUITES ? "," : "");
	}
	fprintf(f, "    }\n  }\n}\n");
}

int bench_crypto_main(const struct bench_opts *o)
{
	static struct results res;
	static struct prf_ctx pc;

	memset(&res, 0, sizeof(res));
	memset(ni, 0x11, sizeof(ni));
	memset(nr, 0x22, sizeof(nr));
	memset(spii, 0x33, sizeof(spii));
	memset(spir, 0x44, sizeof(spir));
	memset(gir, 0x55, sizeof(gir));
	memset(octets, 0x66, sizeof(octets));
	memset(esp, 0x77, sizeof(esp));
	memset(macin, 0x88, sizeof(macin));
	memset(pc.key, 0x99, sizeof(pc.key));
	if (!o->json && !o->quick)
		fprintf(stderr, "bench crypto: measuring (about a minute)...\n");

	bench_ke(o, &res);
	bench_sign(o, &res);
	pc.keyed = prf_new(IKEV2_PRF_HMAC_SHA2_256, pc.key, sizeof(pc.key));
	if (!pc.keyed)
		res.err = ERR_CRYPTO;
	measure(o, &res, "hmac.reused-ctx", "HMAC-SHA2-256, 64 B, keyed context reused",
		op_hmac_reused, &pc);
	measure(o, &res, "hmac.fresh-key", "HMAC-SHA2-256, 64 B, new key every call",
		op_hmac_fresh, &pc);
	prf_free(pc.keyed);
	measure(o, &res, "prf+.ike-keys", "prf+ for the 7 IKE SA keys (prfsha256, aes256gcm16)",
		op_prf_plus_ike, NULL);
	measure(o, &res, "ike.derive", "SKEYSEED + 7 SA keys + Child SA KEYMAT",
		op_ike_derive, NULL);
	measure(o, &res, "psk.auth", "one PSK AUTH value over 512 B (2 prfs, fresh keys)",
		op_psk_auth, NULL);
	measure(o, &res, RESUME_REF, "SKEYSEED' + 7 keys + KEYMAT + 2 MACs of 100 B",
		op_resume, NULL);
	bench_aead(o, &res);
	bench_udp(o, &res);
	if (res.err)
		return 1;
	if (o->json)
		print_json(o, &res);
	else
		print_table(o, &res);
	return 0;
}
