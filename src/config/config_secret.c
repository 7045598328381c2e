/*
 * config_secret.c - the secrets section: pre-shared keys (secrets.ike*)
 * and private key passphrases (secrets.private*, rsa*, ecdsa*, pkcs8*),
 * and the PSK lookup the IKE layer uses.
 *
 * Secret bytes live in their own allocations and are wiped before they are
 * freed; the settings tree they came from is wiped too (settings.c).
 * Section names select the type by prefix, case-insensitively, as swanctl
 * does ("ike", "ike-1", "ikegw" are all IKE secrets).
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "config/config_build.h"
#include "wire/ikev2.h"

/* ---- secrets.ike<suffix> ---- */

static void psk_secret(struct build *b, const struct settings_node *n,
		       void *obj)
{
	struct config_psk *p = obj;
	uint8_t *s;
	size_t len;

	if (config_value_secret(b, n, &s, &len) < 0)
		return;
	if (p->secret) {
		wipe(p->secret, p->secret_len);
		free(p->secret);
	}
	p->secret = s;
	p->secret_len = len;
}

static void psk_id(struct build *b, const struct settings_node *n, void *obj)
{
	struct config_psk *p = obj;
	char err[200];
	struct ident *ids;

	if (p->n_ids >= CONFIG_MAX_LIST) {
		config_value_error(b, n, "too many identities (limit %d)",
				   CONFIG_MAX_LIST);
		return;
	}
	ids = realloc(p->ids, (p->n_ids + 1) * sizeof(*ids));
	if (!ids) {
		b->nomem = true;
		return;
	}
	p->ids = ids;
	if (ident_parse(n->value, &ids[p->n_ids], err, sizeof(err)) < 0) {
		config_value_error(b, n, "%s", err);
		return;
	}
	p->n_ids++;
}

static const struct config_key psk_keys[] = {
	KEY("secret", psk_secret),
	KEY("id", psk_id),
};

static const char *const psk_prefix_keys[] = { "id", NULL };

/* ---- secrets.private|rsa|ecdsa|pkcs8<suffix> ---- */

struct key_ctx {
	struct config_key_secret *k;
	const char *dir;
};

static void key_file(struct build *b, const struct settings_node *n,
		     void *obj)
{
	struct key_ctx *kc = obj;
	char *path = config_value_path(b, n, kc->dir, n->value);

	if (path) {
		free(kc->k->file);
		kc->k->file = path;
	}
}

static void key_secret(struct build *b, const struct settings_node *n,
		       void *obj)
{
	struct config_key_secret *k = ((struct key_ctx *)obj)->k;
	uint8_t *s;
	size_t len;

	if (config_value_secret(b, n, &s, &len) < 0)
		return;
	if (k->secret) {
		wipe(k->secret, k->secret_len);
		free(k->secret);
	}
	k->secret = s;
	k->secret_len = len;
}

static const struct config_key key_keys[] = {
	KEY("file", key_file),
	KEY("secret", key_secret),
};

static const struct {
	const char *prefix;
	const char *dir;	/* NULL: IKE PSK; "": not supported */
	const char *why;
} kinds[] = {
	{ "ike", NULL, NULL },
	{ "private", "private", NULL },
	{ "rsa", "rsa", NULL },
	{ "ecdsa", "ecdsa", NULL },
	{ "pkcs8", "pkcs8", NULL },
	{ "pkcs12", "", "PKCS#12 containers are not supported" },
	{ "eap", "", "EAP is not supported" },
	{ "xauth", "", "XAuth is IKEv1 only" },
	{ "ntlm", "", "EAP-MSCHAPv2 is not supported" },
	{ "ppk", "", "post-quantum preshared keys are not supported" },
	{ "token", "", "smartcards/PKCS#11 tokens are not supported" },
};

/* A key with a non-empty value (a bad value was reported already). */
static bool has_value(const struct settings_node *sec, const char *key)
{
	const struct settings_node *n = settings_find(sec, key, false);

	return n && n->value;
}

void config_secret_build(struct build *b, const struct settings_node *secrets)
{
	struct config *cfg = b->cfg;
	size_t n = 0;

	for (const struct settings_node *c = secrets->first; c; c = c->next)
		n += c->is_section;
	cfg->psks = config_value_calloc(b, n, sizeof(*cfg->psks));
	cfg->key_secrets = config_value_calloc(b, n, sizeof(*cfg->key_secrets));
	if (!cfg->psks || !cfg->key_secrets)
		return;
	for (const struct settings_node *c = secrets->first; c && !b->nomem;
	     c = c->next) {
		size_t k = 0;

		if (!c->is_section) {
			config_value_error(b, c, "unknown key (secrets holds "
					   "sections such as ike-1 { })");
			continue;
		}
		/* "pkcs12" before "pkcs8" would not matter, "ike" first does */
		while (k < sizeof(kinds) / sizeof(kinds[0]) &&
		       !config_value_prefix(c->name, kinds[k].prefix))
			k++;
		if (k == sizeof(kinds) / sizeof(kinds[0])) {
			config_value_error(b, c, "unknown secret type (expected "
					   "a section named ike<suffix> or "
					   "private<suffix>)");
			continue;
		}
		if (kinds[k].dir && !*kinds[k].dir) {
			config_value_error(b, c, "secret type not supported by "
					   "reswan: %s", kinds[k].why);
			continue;
		}
		if (!kinds[k].dir) {
			struct config_psk *p = &cfg->psks[cfg->n_psks++];

			p->name = config_value_strdup(b, c->name);
			p->loc = config_value_loc(c);
			config_value_walk(b, c, psk_keys, 2, psk_prefix_keys, p,
					  NULL);
			if (!p->secret && !has_value(c, "secret"))
				config_value_error(b, c, "IKE secret has no "
						   "'secret'");
		} else {
			struct config_key_secret *ks =
				&cfg->key_secrets[cfg->n_key_secrets++];
			struct key_ctx kc = { ks, kinds[k].dir };

			ks->name = config_value_strdup(b, c->name);
			ks->loc = config_value_loc(c);
			config_value_walk(b, c, key_keys, 2, NULL, &kc, NULL);
			if (!ks->file && !has_value(c, "file"))
				config_value_error(b, c, "private key secret has "
						   "no 'file'");
		}
	}
}

void config_secret_free_psk(struct config_psk *p)
{
	free(p->name);
	free(p->ids);
	if (p->secret) {
		wipe(p->secret, p->secret_len);
		free(p->secret);
	}
}

void config_secret_free_key(struct config_key_secret *k)
{
	free(k->name);
	free(k->file);
	if (k->secret) {
		wipe(k->secret, k->secret_len);
		free(k->secret);
	}
}

/* Best match of a candidate among a secret's owners (none = %any). */
static enum ident_match best_owner(const struct config_psk *p, uint8_t type,
				   const uint8_t *data, size_t len)
{
	enum ident_match best = IDENT_MATCH_NONE;

	if (!p->n_ids)
		return IDENT_MATCH_ANY;
	for (size_t i = 0; i < p->n_ids; i++) {
		enum ident_match m = ident_match(&p->ids[i], type, data, len);

		if (m > best)
			best = m;
	}
	return best;
}

const struct config_psk *config_psk_lookup(const struct config *cfg,
					   const struct ident *local,
					   uint8_t remote_type,
					   const uint8_t *remote,
					   size_t remote_len)
{
	const struct config_psk *found = NULL;
	int best = 0;

	for (size_t i = 0; i < cfg->n_psks; i++) {
		const struct config_psk *p = &cfg->psks[i];
		enum ident_match me = IDENT_MATCH_NONE, other;

		if (!p->secret)
			continue;
		if (local)
			me = best_owner(p, local->type, local->data, local->len);
		other = best_owner(p, remote_type, remote, remote_len);
		if (me == IDENT_MATCH_NONE && other == IDENT_MATCH_NONE)
			continue;
		if ((int)me + (int)other > best) {
			best = (int)me + (int)other;
			found = p;
		}
	}
	return found;
}

/*
 * The owner index.  Exact FQDN/RFC822 (compared case-insensitively),
 * address and key-id owners go into a sorted array; secrets with a
 * wildcard, %any, DN owner (DN equality is not byte equality) or no owner
 * at all are kept aside and matched one by one.  Large gateways have one
 * plain secret per peer, so the check of N connections is O(N log N)
 * instead of O(N^2).
 */
static bool folds(uint8_t type)
{
	return type == IKEV2_ID_FQDN || type == IKEV2_ID_RFC822_ADDR;
}

static int id_cmp(const struct ident *a, const struct ident *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	for (size_t i = 0; i < a->len; i++) {
		uint8_t x = a->data[i], y = b->data[i];

		if (folds(a->type)) {
			x = (uint8_t)(x >= 'A' && x <= 'Z' ? x + 32 : x);
			y = (uint8_t)(y >= 'A' && y <= 'Z' ? y + 32 : y);
		}
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static int id_ptr_cmp(const void *a, const void *b)
{
	return id_cmp(*(const struct ident *const *)a,
		      *(const struct ident *const *)b);
}

static bool plain(const struct ident *id)
{
	return id->type != IDENT_ANY && !id->wildcard &&
	       id->type != IKEV2_ID_DER_ASN1_DN;
}

void config_secret_index(struct build *b)
{
	const struct config *cfg = b->cfg;
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_psks; i++)
		n += cfg->psks[i].n_ids;
	b->psk_ids = config_value_calloc(b, n, sizeof(*b->psk_ids));
	b->psk_other = config_value_calloc(b, cfg->n_psks, sizeof(*b->psk_other));
	if (!b->psk_ids || !b->psk_other)
		return;
	for (size_t i = 0; i < cfg->n_psks; i++) {
		const struct config_psk *p = &cfg->psks[i];
		bool other = !p->n_ids;

		for (size_t j = 0; j < p->n_ids; j++) {
			if (plain(&p->ids[j]))
				b->psk_ids[b->n_psk_ids++] = &p->ids[j];
			else
				other = true;
		}
		if (other)
			b->psk_other[b->n_psk_other++] = p;
	}
	qsort(b->psk_ids, b->n_psk_ids, sizeof(*b->psk_ids), id_ptr_cmp);
}

void config_secret_index_free(struct build *b)
{
	free(b->psk_ids);
	free(b->psk_other);
	b->psk_ids = NULL;
	b->psk_other = NULL;
	b->n_psk_ids = b->n_psk_other = 0;
}

static bool indexed(const struct build *b, const struct ident *id)
{
	return id && b->n_psk_ids &&
	       bsearch(&id, b->psk_ids, b->n_psk_ids, sizeof(*b->psk_ids),
		       id_ptr_cmp) != NULL;
}

bool config_secret_may_match(const struct build *b, const struct ident *local,
			     const struct ident *remote)
{
	if (indexed(b, local) || indexed(b, remote))
		return true;
	for (size_t i = 0; i < b->n_psk_other; i++) {
		const struct config_psk *p = b->psk_other[i];

		if (!p->n_ids)
			return true;
		if (best_owner(p, remote->type, remote->data, remote->len) ||
		    (local && best_owner(p, local->type, local->data, local->len)))
			return true;
	}
	return false;
}
