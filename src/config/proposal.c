/*
 * proposal.c - parsing, defaults and printing of proposal strings.
 *
 * One table maps keywords to (transform type, IANA id, key length); the
 * parser collects transforms by type, then applies strongSwan's
 * completeness rules (see proposal.h).  Every array has room for all the
 * distinct supported algorithms of its type and duplicates are dropped, so
 * no input can overflow them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "config/proposal.h"
#include "wire/ikev2.h"

struct keyword {
	const char *name;
	uint8_t type;		/* IKEV2_TRANS_* */
	uint16_t id;
	uint16_t keylen;
	bool canonical;		/* the name proposal_fmt prints */
};

static const struct keyword keywords[] = {
	{ "aes128", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 128, true },
	{ "aes192", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 192, true },
	{ "aes256", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 256, true },
	{ "aes", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 128, false },
	{ "aes128gcm16", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_GCM_16, 128, true },
	{ "aes256gcm16", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_GCM_16, 256, true },
	{ "aes128gcm128", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_GCM_16, 128, false },
	{ "aes256gcm128", IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_GCM_16, 256, false },
	{ "chacha20poly1305", IKEV2_TRANS_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0, true },
	{ "sha256", IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0, true },
	{ "sha384", IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0, true },
	{ "sha512", IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0, true },
	{ "sha2_256", IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0, false },
	{ "sha2_384", IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0, false },
	{ "sha2_512", IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0, false },
	{ "prfsha256", IKEV2_TRANS_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, true },
	{ "prfsha384", IKEV2_TRANS_PRF, IKEV2_PRF_HMAC_SHA2_384, 0, true },
	{ "prfsha512", IKEV2_TRANS_PRF, IKEV2_PRF_HMAC_SHA2_512, 0, true },
	{ "modp2048", IKEV2_TRANS_DH, IKEV2_DH_MODP_2048, 0, true },
	{ "modp3072", IKEV2_TRANS_DH, IKEV2_DH_MODP_3072, 0, true },
	{ "ecp256", IKEV2_TRANS_DH, IKEV2_DH_ECP_256, 0, true },
	{ "ecp384", IKEV2_TRANS_DH, IKEV2_DH_ECP_384, 0, true },
	{ "curve25519", IKEV2_TRANS_DH, IKEV2_DH_CURVE25519, 0, true },
	{ "x25519", IKEV2_TRANS_DH, IKEV2_DH_CURVE25519, 0, false },
	{ "esn", IKEV2_TRANS_ESN, IKEV2_ESN_YES, 0, true },
	{ "noesn", IKEV2_TRANS_ESN, IKEV2_ESN_NO, 0, true },
};

#define N_KEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

/*
 * Prefixes of strongSwan keywords reswan recognises but does not
 * implement, so the message can say "not supported" rather than "unknown".
 */
static const char *const unsupported_prefixes[] = {
	"aes", "camellia", "3des", "des", "blowfish", "cast", "serpent",
	"twofish", "null", "chacha", "sha", "md5", "aesxcbc", "aescmac",
	"prf", "modp", "ecp", "x448", "curve448", "ntru", "newhope", "mlkem",
	"kyber", "frodo", "bike", "hqc", "ke1_", "ke2_", "ke3_", "ke4_",
	"ke5_", "ke6_", "ke7_",
};

static bool is_aead(uint16_t encr)
{
	return encr == IKEV2_ENCR_AES_GCM_16 ||
	       encr == IKEV2_ENCR_CHACHA20_POLY1305;
}

static const char *prf_name(uint16_t prf)
{
	return proposal_keyword(IKEV2_TRANS_PRF, prf, 0);
}

const char *proposal_keyword(unsigned type, unsigned id, unsigned keylen)
{
	for (size_t i = 0; i < N_KEYWORDS; i++)
		if (keywords[i].canonical && keywords[i].type == type &&
		    keywords[i].id == id &&
		    (type != IKEV2_TRANS_ENCR || keywords[i].keylen == keylen))
			return keywords[i].name;
	return NULL;
}

static void add_u16(uint16_t *arr, uint8_t *n, size_t cap, uint16_t v)
{
	for (size_t i = 0; i < *n; i++)
		if (arr[i] == v)
			return;
	if (*n < cap)
		arr[(*n)++] = v;
}

static void add_encr(struct proposal *p, uint16_t id, uint16_t keylen)
{
	for (size_t i = 0; i < p->n_encr; i++)
		if (p->encr[i].id == id && p->encr[i].keylen == keylen)
			return;
	if (p->n_encr < PROPOSAL_MAX_ENCR) {
		p->encr[p->n_encr].id = id;
		p->encr[p->n_encr].keylen = keylen;
		p->n_encr++;
	}
}

static int add_keyword(struct proposal *p, const struct keyword *k)
{
	switch (k->type) {
	case IKEV2_TRANS_ENCR:
		add_encr(p, k->id, k->keylen);
		break;
	case IKEV2_TRANS_INTEG:
		add_u16(p->integ, &p->n_integ, PROPOSAL_MAX_INTEG, k->id);
		break;
	case IKEV2_TRANS_PRF:
		add_u16(p->prf, &p->n_prf, PROPOSAL_MAX_PRF, k->id);
		break;
	case IKEV2_TRANS_DH:
		add_u16(p->dh, &p->n_dh, PROPOSAL_MAX_DH, k->id);
		break;
	case IKEV2_TRANS_ESN:
		add_u16(p->esn, &p->n_esn, PROPOSAL_MAX_ESN, k->id);
		break;
	default:
		return ERR_INVAL;
	}
	return 0;
}

static uint16_t integ_to_prf(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA2_256_128: return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192: return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256: return IKEV2_PRF_HMAC_SHA2_512;
	}
	return 0;
}

static const struct keyword *lookup(const char *word)
{
	for (size_t i = 0; i < N_KEYWORDS; i++)
		if (strcasecmp(keywords[i].name, word) == 0)
			return &keywords[i];
	return NULL;
}

static bool known_unsupported(const char *word)
{
	for (size_t i = 0; i < sizeof(unsupported_prefixes) /
			       sizeof(unsupported_prefixes[0]); i++)
		if (strncasecmp(word, unsupported_prefixes[i],
				strlen(unsupported_prefixes[i])) == 0)
			return true;
	return false;
}

/* Apply the completeness rules of proto to p (see proposal.h). */
static int check(uint8_t proto, struct proposal *p, const char *aead_kw,
		 const char *classic_kw, unsigned *notes, char *err,
		 size_t errlen)
{
	const char *pname = proto == IKEV2_PROTO_IKE ? "IKE" : "ESP";
	bool prf_from_integ = false;

	if (aead_kw && classic_kw) {
		snprintf(err, errlen, "AEAD cipher '%s' and classic cipher '%s' "
			 "cannot be combined in one proposal (list them as two "
			 "proposals separated by a comma)", aead_kw, classic_kw);
		return ERR_CONFIG;
	}
	if (!p->n_encr) {
		snprintf(err, errlen, "an encryption algorithm is mandatory in "
			 "%s proposals", pname);
		return ERR_CONFIG;
	}
	p->aead = aead_kw != NULL;
	if (!p->aead && !p->n_integ) {
		snprintf(err, errlen, "an integrity algorithm is mandatory in "
			 "%s proposals with cipher '%s'", pname, classic_kw);
		return ERR_CONFIG;
	}
	if (proto == IKEV2_PROTO_IKE) {
		if (p->n_esn) {
			snprintf(err, errlen, "esn/noesn are only valid in ESP "
				 "proposals");
			return ERR_CONFIG;
		}
		/* No PRF: the integrity algorithms imply theirs. */
		if (!p->n_prf && p->n_integ)
			prf_from_integ = true;
		if (!p->n_prf)
			for (size_t i = 0; i < p->n_integ; i++)
				add_u16(p->prf, &p->n_prf, PROPOSAL_MAX_PRF,
					integ_to_prf(p->integ[i]));
		if (!p->n_prf) {
			snprintf(err, errlen, "a PRF is mandatory in IKE "
				 "proposals (add e.g. prfsha256)");
			return ERR_CONFIG;
		}
		if (!p->n_dh) {
			snprintf(err, errlen, "a key exchange method is mandatory "
				 "in IKE proposals (add e.g. curve25519)");
			return ERR_CONFIG;
		}
	} else {
		if (p->n_prf) {
			p->n_prf = 0;
			if (notes)
				*notes |= PROPOSAL_NOTE_DROPPED_PRF;
		}
		if (!p->n_esn)
			p->esn[p->n_esn++] = IKEV2_ESN_NO;
	}
	if (p->aead && p->n_integ) {
		/* "aes128gcm16-sha256-..." in IKE: sha256 chose the PRF, so it
		 * was not useless and earns no note. */
		p->n_integ = 0;
		if (notes && !prf_from_integ)
			*notes |= PROPOSAL_NOTE_DROPPED_INTEG;
	}
	return 0;
}

int proposal_parse(uint8_t proto, const char *s, struct proposal *out,
		   unsigned *notes, char *err, size_t errlen)
{
	struct proposal p;
	char word[48];
	const char *aead_kw = NULL, *classic_kw = NULL;
	int rc;

	memset(&p, 0, sizeof(p));
	p.proto = proto;
	if (notes)
		*notes = 0;
	if (proto != IKEV2_PROTO_IKE && proto != IKEV2_PROTO_ESP)
		return ERR_INVAL;
	for (;;) {
		const char *dash = strchr(s, '-');
		size_t n = dash ? (size_t)(dash - s) : strlen(s);
		const struct keyword *k;

		/* strongSwan trims spaces around each keyword */
		while (n && *s == ' ') {
			s++;
			n--;
		}
		while (n && s[n - 1] == ' ')
			n--;
		if (n == 0) {
			snprintf(err, errlen, "empty algorithm keyword in "
				 "proposal");
			return ERR_SYNTAX;
		}
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "unknown algorithm keyword '%.*s...'",
				 20, s);
			return ERR_SYNTAX;
		}
		memcpy(word, s, n);
		word[n] = '\0';
		k = lookup(word);
		if (!k) {
			if (strcasecmp(word, "default") == 0) {
				snprintf(err, errlen, "'default' cannot be combined "
					 "with other keywords");
				return ERR_SYNTAX;
			}
			if (known_unsupported(word)) {
				snprintf(err, errlen, "algorithm '%s' is not "
					 "supported by reswan", word);
				return ERR_UNSUPPORTED;
			}
			snprintf(err, errlen, "unknown algorithm keyword '%s'", word);
			return ERR_SYNTAX;
		}
		if (k->type == IKEV2_TRANS_ENCR) {
			if (is_aead(k->id)) {
				if (!aead_kw)
					aead_kw = k->name;
			} else if (!classic_kw) {
				classic_kw = k->name;
			}
		}
		add_keyword(&p, k);
		if (!dash)
			break;
		s = dash + 1;
	}
	rc = check(proto, &p, aead_kw, classic_kw, notes, err, errlen);
	if (rc < 0)
		return rc;
	*out = p;
	return 0;
}

static const char *const ike_defaults[] = {
	"aes128-aes192-aes256-sha256-sha384-sha512-prfsha256-prfsha384-"
	"prfsha512-curve25519-ecp256-ecp384-modp3072-modp2048",
	"aes128gcm16-aes256gcm16-chacha20poly1305-prfsha256-prfsha384-"
	"prfsha512-curve25519-ecp256-ecp384-modp3072-modp2048",
};

static const char *const esp_defaults[] = {
	"aes128gcm16-aes256gcm16-noesn",
	"aes128-aes192-aes256-sha256-sha384-sha512-noesn",
};

int proposal_add_defaults(uint8_t proto, struct proposal_list *list)
{
	const char *const *d = proto == IKEV2_PROTO_IKE ? ike_defaults :
							  esp_defaults;
	char err[128];

	if (proto != IKEV2_PROTO_IKE && proto != IKEV2_PROTO_ESP)
		return ERR_INVAL;
	if (list->n + 2 > PROPOSAL_MAX_LIST)
		return ERR_LIMIT;
	for (size_t i = 0; i < 2; i++) {
		int rc = proposal_parse(proto, d[i], &list->p[list->n], NULL,
					err, sizeof(err));

		if (rc < 0)
			return rc;	/* the tables above are wrong */
		list->n++;
	}
	return 0;
}

/* Append "-word" (or "word" first) to buf at *off. */
static void put_word(char *buf, size_t len, size_t *off, const char *w)
{
	int n;

	if (*off >= len)
		return;
	n = snprintf(buf + *off, len - *off, "%s%s", *off ? "-" : "",
		     w ? w : "?");
	if (n > 0)
		*off += (size_t)n;
	if (*off >= len)
		*off = len;
}

const char *proposal_fmt(const struct proposal *p, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < p->n_encr; i++)
		put_word(buf, len, &off, proposal_keyword(IKEV2_TRANS_ENCR,
				p->encr[i].id, p->encr[i].keylen));
	for (size_t i = 0; i < p->n_integ; i++)
		put_word(buf, len, &off, proposal_keyword(IKEV2_TRANS_INTEG,
							  p->integ[i], 0));
	for (size_t i = 0; i < p->n_prf; i++)
		put_word(buf, len, &off, prf_name(p->prf[i]));
	for (size_t i = 0; i < p->n_dh; i++)
		put_word(buf, len, &off, proposal_keyword(IKEV2_TRANS_DH,
							  p->dh[i], 0));
	for (size_t i = 0; i < p->n_esn; i++)
		put_word(buf, len, &off, proposal_keyword(IKEV2_TRANS_ESN,
							  p->esn[i], 0));
	return buf;
}

const char *proposal_list_fmt(const struct proposal_list *l, char *buf,
			      size_t len)
{
	char one[PROPOSAL_STRLEN];
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 proposal_fmt(&l->p[i], one, sizeof(one)));

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

bool proposal_equal(const struct proposal *a, const struct proposal *b)
{
	if (a->proto != b->proto || a->aead != b->aead ||
	    a->n_encr != b->n_encr || a->n_integ != b->n_integ ||
	    a->n_prf != b->n_prf || a->n_dh != b->n_dh || a->n_esn != b->n_esn)
		return false;
	for (size_t i = 0; i < a->n_encr; i++)
		if (a->encr[i].id != b->encr[i].id ||
		    a->encr[i].keylen != b->encr[i].keylen)
			return false;
	return memcmp(a->integ, b->integ, a->n_integ * sizeof(a->integ[0])) == 0 &&
	       memcmp(a->prf, b->prf, a->n_prf * sizeof(a->prf[0])) == 0 &&
	       memcmp(a->dh, b->dh, a->n_dh * sizeof(a->dh[0])) == 0 &&
	       memcmp(a->esn, b->esn, a->n_esn * sizeof(a->esn[0])) == 0;
}
