/*
 * config_conn.c - connections.<conn>: IKE connection settings and the
 * local/remote authentication rounds.
 *
 * IKE lifetime defaults are vici's: with neither rekey_time nor
 * reauth_time set, rekey every 4h and never reauthenticate; over_time
 * 10% of the longer; rand_time the smaller of over_time and half the
 * rekey (or reauth) time (so 14400/1440/1440 s by default, as strongSwan
 * 5.9.8 reports).  Sub-sections are collected during the walk and built
 * afterwards, because checks inside them (start_action needs a specific
 * remote address) depend on keys that may come later in the file.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "config/config_build.h"
#include "wire/ikev2.h"

#define IKE_REKEY_TIME (4 * 3600)

struct conn_ctx {
	struct config_conn *c;
	bool proposals_set;
	const struct settings_node *local, *remote, *children, *resumption;
	const struct settings_node *pools;
};

/* ---- authentication rounds ---- */

struct auth_ctx {
	struct config_auth *a;
	bool is_local;
	bool bad_auth;		/* auth was rejected: skip dependent checks */
};

static void parse_auth(struct build *b, const struct settings_node *n,
		       void *obj)
{
	static const struct {
		const char *name;
		enum config_auth_method method;
		enum config_key_type key;
	} methods[] = {
		{ "pubkey", CONFIG_AUTH_PUBKEY, CONFIG_KEY_ANY },
		{ "psk", CONFIG_AUTH_PSK, CONFIG_KEY_ANY },
		{ "rsa", CONFIG_AUTH_PUBKEY, CONFIG_KEY_RSA },
		{ "ecdsa", CONFIG_AUTH_PUBKEY, CONFIG_KEY_ECDSA },
		{ "ed25519", CONFIG_AUTH_PUBKEY, CONFIG_KEY_ED25519 },
	};
	struct config_auth *a = ((struct auth_ctx *)obj)->a;
	const char *v = n->value;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcasecmp(v, methods[i].name) == 0) {
			a->method = methods[i].method;
			a->key_type = methods[i].key;
			return;
		}
	}
	((struct auth_ctx *)obj)->bad_auth = true;
	if (config_value_prefix(v, "eap"))
		config_value_error(b, n, "EAP authentication ('%s') is not "
				   "supported by reswan", v);
	else if (config_value_prefix(v, "xauth"))
		config_value_error(b, n, "XAuth ('%s') is IKEv1 only and not "
				   "supported", v);
	else if (config_value_prefix(v, "ike:") ||
		 config_value_prefix(v, "pubkey-") ||
		 config_value_prefix(v, "rsa") || config_value_prefix(v, "ecdsa") ||
		 config_value_prefix(v, "ed25519"))
		config_value_error(b, n, "signature scheme constraints ('%s') are "
				   "not supported; use pubkey, rsa, ecdsa or "
				   "ed25519", v);
	else if (config_value_prefix(v, "bliss") || config_value_prefix(v, "ed448"))
		config_value_error(b, n, "authentication method '%s' is not "
				   "supported by reswan", v);
	else
		config_value_error(b, n, "unknown authentication method '%s' "
				   "(expected pubkey, psk, rsa, ecdsa or ed25519)",
				   v);
}

static void parse_id(struct build *b, const struct settings_node *n,
		     void *obj)
{
	struct config_auth *a = ((struct auth_ctx *)obj)->a;
	struct auth_ctx *ac = obj;
	char err[256];

	if (ident_parse(n->value, &a->id, err, sizeof(err)) < 0) {
		config_value_error(b, n, "%s", err);
		return;
	}
	if (ac->is_local && a->id.wildcard)
		config_value_error(b, n, "a local identity cannot contain "
				   "wildcards ('%s')", n->value);
	else if (ac->is_local && a->id.type == IDENT_ANY)
		config_value_error(b, n, "a local identity cannot be %%any "
				   "(leave id unset to use the certificate "
				   "subject or the IP address)");
	else
		a->id_set = true;
}

static void parse_paths(struct build *b, const struct settings_node *n,
			const char *subdir, char ***out, size_t *n_out)
{
	struct config_list l;
	char **paths;
	bool ok = true;

	if (config_value_list(b, n, &l) < 0)
		return;
	paths = config_value_calloc(b, l.n, sizeof(*paths));
	for (size_t i = 0; paths && i < l.n; i++)
		if (!(paths[i] = config_value_path(b, n, subdir, l.item[i])))
			ok = false;
	if (paths && ok) {
		for (size_t i = 0; i < *n_out; i++)
			free((*out)[i]);
		free(*out);
		*out = paths;
		*n_out = l.n;
	} else if (paths) {
		for (size_t i = 0; i < l.n; i++)
			free(paths[i]);
		free(paths);
	}
	config_value_list_free(&l);
}

static void parse_certs(struct build *b, const struct settings_node *n,
			void *obj)
{
	struct config_auth *a = ((struct auth_ctx *)obj)->a;

	parse_paths(b, n, "x509", &a->certs, &a->n_certs);
}

static void parse_cacerts(struct build *b, const struct settings_node *n,
			  void *obj)
{
	struct config_auth *a = ((struct auth_ctx *)obj)->a;

	parse_paths(b, n, "x509ca", &a->cacerts, &a->n_cacerts);
}

static void parse_round(struct build *b, const struct settings_node *n,
			void *obj)
{
	uint32_t round;

	(void)obj;	/* with a single round its number changes nothing */
	config_value_u32(b, n, 0, UINT32_MAX, &round);
}

static const struct config_key local_keys[] = {
	KEY("auth", parse_auth),
	KEY("id", parse_id),
	KEY("certs", parse_certs),
	KEY("round", parse_round),
	KEY_UNSUPPORTED("pubkeys", "raw public keys are not supported; use "
			"certificates"),
	KEY_UNSUPPORTED("eap_id", "EAP is not supported"),
	KEY_UNSUPPORTED("aaa_id", "EAP is not supported"),
	KEY_UNSUPPORTED("xauth_id", "XAuth is IKEv1 only"),
};

static const struct config_key remote_keys[] = {
	KEY("auth", parse_auth),
	KEY("id", parse_id),
	KEY("certs", parse_certs),
	KEY("cacerts", parse_cacerts),
	KEY("round", parse_round),
	KEY_ONLY("revocation", "relaxed", "CRL/OCSP checking is not "
		 "implemented, so only the default policy can be honoured"),
	KEY_UNSUPPORTED("pubkeys", "raw public keys are not supported; use "
			"certificates"),
	KEY_UNSUPPORTED("eap_id", "EAP is not supported"),
	KEY_UNSUPPORTED("groups", "authorization groups are not supported"),
	KEY_UNSUPPORTED("cert_policy", "certificate policies are not checked"),
	KEY_UNSUPPORTED("ca_id", "use cacerts"),
};

static bool auth_section(struct build *b, const struct settings_node *n,
			 void *obj)
{
	(void)obj;
	if (config_value_prefix(n->name, "cacert") ||
	    config_value_prefix(n->name, "cert")) {
		config_value_error(b, n, "certificate sections are not supported "
				   "(smartcard handles); use certs/cacerts with "
				   "file names");
		return true;
	}
	return false;
}

/* Returns false if the auth method itself was rejected. */
static bool build_auth(struct build *b, const struct settings_node *sec,
		       struct config_auth *a, bool is_local)
{
	struct auth_ctx ac = { a, is_local, false };

	a->loc = config_value_loc(sec);
	if (is_local)
		config_value_walk(b, sec, local_keys,
				  sizeof(local_keys) / sizeof(local_keys[0]), NULL,
				  &ac, auth_section);
	else
		config_value_walk(b, sec, remote_keys,
				  sizeof(remote_keys) / sizeof(remote_keys[0]),
				  NULL, &ac, auth_section);
	return !ac.bad_auth;
}

/* ---- connection keys ---- */

static void parse_version(struct build *b, const struct settings_node *n,
			  void *obj)
{
	struct config_conn *c = ((struct conn_ctx *)obj)->c;
	uint32_t v;

	if (config_value_u32(b, n, 0, 2, &v) < 0)
		return;
	if (v == 1)
		config_value_error(b, n, "IKEv1 is not supported (use version = 2 "
				   "or 0)");
	else
		c->version = v;
}

static void parse_addrs(struct build *b, const struct settings_node *n,
			struct addr_range **out, size_t *n_out)
{
	struct config_list l;
	struct addr_range *r;
	bool ok = true;

	if (config_value_list(b, n, &l) < 0)
		return;
	r = config_value_calloc(b, l.n, sizeof(*r));
	for (size_t i = 0; r && i < l.n; i++) {
		if (addr_range_parse(l.item[i], &r[i]) == 0)
			continue;
		ok = false;
		if (addr_looks_like_hostname(l.item[i]))
			config_value_error(b, n, "hostnames ('%s') are not supported "
					   "by reswan; use IP addresses",
					   l.item[i]);
		else
			config_value_error(b, n, "invalid address '%s' (expected "
					   "an IP address, a subnet, a range a-b or "
					   "%%any)", l.item[i]);
	}
	if (r && ok) {
		free(*out);
		*out = r;
		*n_out = l.n;
	} else {
		free(r);
	}
	config_value_list_free(&l);
}

static void parse_local_addrs(struct build *b, const struct settings_node *n,
			      void *obj)
{
	struct config_conn *c = ((struct conn_ctx *)obj)->c;

	parse_addrs(b, n, &c->local_addrs, &c->n_local_addrs);
}

static void parse_remote_addrs(struct build *b, const struct settings_node *n,
			       void *obj)
{
	struct config_conn *c = ((struct conn_ctx *)obj)->c;

	parse_addrs(b, n, &c->remote_addrs, &c->n_remote_addrs);
}

static void parse_port(struct build *b, const struct settings_node *n,
		       uint16_t *out)
{
	uint32_t v;

	if (config_value_u32(b, n, 1, 65535, &v) == 0)
		*out = (uint16_t)v;
}

static void parse_local_port(struct build *b, const struct settings_node *n,
			     void *obj)
{
	parse_port(b, n, &((struct conn_ctx *)obj)->c->local_port);
}

static void parse_remote_port(struct build *b, const struct settings_node *n,
			      void *obj)
{
	parse_port(b, n, &((struct conn_ctx *)obj)->c->remote_port);
}

static void parse_proposals(struct build *b, const struct settings_node *n,
			    void *obj)
{
	struct conn_ctx *cc = obj;

	cc->proposals_set = true;
	config_child_proposals(b, n, IKEV2_PROTO_IKE, &cc->c->ike);
}

static void parse_vips(struct build *b, const struct settings_node *n,
		       void *obj)
{
	struct config_conn *c = ((struct conn_ctx *)obj)->c;
	struct config_list l;
	struct addr *v;
	bool ok = true;

	if (config_value_list(b, n, &l) < 0)
		return;
	v = config_value_calloc(b, l.n, sizeof(*v));
	for (size_t i = 0; v && i < l.n; i++) {
		if (addr_parse(l.item[i], &v[i]) < 0) {
			config_value_error(b, n, "invalid virtual IP '%s' (expected "
					   "an address; 0.0.0.0 or :: requests any)",
					   l.item[i]);
			ok = false;
		}
	}
	if (v && ok) {
		free(c->vips);
		c->vips = v;
		c->n_vips = l.n;
	} else {
		free(v);
	}
	config_value_list_free(&l);
}

static void parse_pools(struct build *b, const struct settings_node *n,
			void *obj)
{
	(void)b;
	((struct conn_ctx *)obj)->pools = n;	/* resolved after the walk */
}

#define BOOL_KEY(field)                                                     \
	static void parse_##field(struct build *b,                          \
				  const struct settings_node *n, void *obj) \
	{                                                                   \
		config_value_bool(b, n, &((struct conn_ctx *)obj)->c->field); \
	}
#define TIME_KEY(field)                                                     \
	static void parse_##field(struct build *b,                          \
				  const struct settings_node *n, void *obj) \
	{                                                                   \
		config_value_duration(b, n,                                 \
				      &((struct conn_ctx *)obj)->c->field); \
	}
#define ENUM_KEY(field, map)                                                \
	static void parse_##field(struct build *b,                          \
				  const struct settings_node *n, void *obj) \
	{                                                                   \
		int v;                                                      \
		if (config_value_enum(b, n, map, sizeof(map) / sizeof(map[0]), \
				      &v) == 0)                             \
			((struct conn_ctx *)obj)->c->field = v;             \
	}

static const struct config_enum send_cert_map[] = {
	{ "ifasked", CONFIG_SEND_CERT_IFASKED },
	{ "always", CONFIG_SEND_CERT_ALWAYS },
	{ "never", CONFIG_SEND_CERT_NEVER },
};

static const struct config_enum frag_map[] = {
	{ "yes", CONFIG_FRAG_YES },
	{ "accept", CONFIG_FRAG_ACCEPT },
	{ "force", CONFIG_FRAG_FORCE },
	{ "no", CONFIG_FRAG_NO },
};

static const struct config_enum unique_map[] = {
	{ "no", CONFIG_UNIQUE_NO },
	{ "never", CONFIG_UNIQUE_NEVER },
	{ "keep", CONFIG_UNIQUE_KEEP },
	{ "replace", CONFIG_UNIQUE_REPLACE },
};

BOOL_KEY(send_certreq)
BOOL_KEY(encap)
TIME_KEY(dpd_delay)
TIME_KEY(dpd_timeout)
TIME_KEY(reauth_time)
TIME_KEY(rekey_time)
TIME_KEY(over_time)
TIME_KEY(rand_time)
ENUM_KEY(send_cert, send_cert_map)
ENUM_KEY(fragmentation, frag_map)
ENUM_KEY(unique, unique_map)

static void parse_keyingtries(struct build *b, const struct settings_node *n,
			      void *obj)
{
	config_value_u32(b, n, 0, UINT32_MAX,
			 &((struct conn_ctx *)obj)->c->keyingtries);
}

static const struct config_key conn_keys[] = {
	KEY("version", parse_version),
	KEY("local_addrs", parse_local_addrs),
	KEY("remote_addrs", parse_remote_addrs),
	KEY("local_port", parse_local_port),
	KEY("remote_port", parse_remote_port),
	KEY("proposals", parse_proposals),
	KEY("vips", parse_vips),
	KEY("pools", parse_pools),
	KEY("send_certreq", parse_send_certreq),
	KEY("send_cert", parse_send_cert),
	KEY("encap", parse_encap),
	KEY_BOOL_ONLY("mobike", 0, "mobike not supported"),
	KEY("fragmentation", parse_fragmentation),
	KEY("dpd_delay", parse_dpd_delay),
	KEY("dpd_timeout", parse_dpd_timeout),
	KEY("keyingtries", parse_keyingtries),
	KEY("unique", parse_unique),
	KEY("reauth_time", parse_reauth_time),
	KEY("rekey_time", parse_rekey_time),
	KEY("over_time", parse_over_time),
	KEY("rand_time", parse_rand_time),
	KEY_BOOL_ONLY("aggressive", 0, "Aggressive Mode is IKEv1 only"),
	KEY_BOOL_ONLY("pull", 1, "push mode is IKEv1 only"),
	KEY_ONLY("dscp", "000000", "DSCP marking of IKE packets is not "
		 "implemented"),
	KEY_ONLY("childless", "allow|never", "childless IKE_SA initiation "
		 "(RFC 6023) is not implemented"),
	KEY_UNSUPPORTED("ppk_id", "post-quantum preshared keys are not "
			"supported"),
	KEY_BOOL_ONLY("ppk_required", 0, "post-quantum preshared keys are not "
		      "supported"),
	KEY_UNSUPPORTED("if_id_in", "XFRM interfaces are a kernel IPsec concept"),
	KEY_UNSUPPORTED("if_id_out", "XFRM interfaces are a kernel IPsec "
			"concept"),
	KEY_BOOL_ONLY("mediation", 0, "the IKEv2 mediation extension is not "
		      "supported"),
	KEY_UNSUPPORTED("mediated_by", "the IKEv2 mediation extension is not "
			"supported"),
	KEY_UNSUPPORTED("mediation_peer", "the IKEv2 mediation extension is not "
			"supported"),
};

static bool conn_section(struct build *b, const struct settings_node *n,
			 void *obj)
{
	struct conn_ctx *cc = obj;
	const struct settings_node **slot = NULL;

	if (strcasecmp(n->name, "children") == 0)	/* as swanctl */
		slot = &cc->children;
	else if (strcmp(n->name, "resumption") == 0)
		slot = &cc->resumption;
	else if (config_value_prefix(n->name, "local"))
		slot = &cc->local;
	else if (config_value_prefix(n->name, "remote"))
		slot = &cc->remote;
	if (!slot)
		return false;
	if (*slot) {
		config_value_error(b, n, "only one %s authentication round is "
				   "supported (the first is '%s' at %s:%u)",
				   slot == &cc->local ? "local" : "remote",
				   (*slot)->name, (*slot)->file, (*slot)->line);
		return true;
	}
	*slot = n;
	return true;
}

static void resolve_pools(struct build *b, struct conn_ctx *cc)
{
	struct config_conn *c = cc->c;
	struct config_list l;

	if (config_value_list(b, cc->pools, &l) < 0)
		return;
	c->pools = config_value_calloc(b, l.n, sizeof(*c->pools));
	for (size_t i = 0; c->pools && i < l.n; i++) {
		struct config_pool *p = config_pool_find(b->cfg, l.item[i]);

		if (!p)
			config_value_error(b, cc->pools, "pool '%s' is not defined "
					   "in the pools section", l.item[i]);
		else
			c->pools[c->n_pools++] = p;
	}
	config_value_list_free(&l);
}

static void ike_lifetimes(struct config_conn *c)
{
	uint64_t base;

	if (c->rekey_time == UNSET64 && c->reauth_time == UNSET64) {
		c->rekey_time = IKE_REKEY_TIME;
		c->reauth_time = 0;
	}
	if (c->rekey_time == UNSET64)
		c->rekey_time = 0;
	if (c->reauth_time == UNSET64)
		c->reauth_time = 0;
	if (c->over_time == UNSET64)
		c->over_time = (c->rekey_time > c->reauth_time ? c->rekey_time :
				c->reauth_time) / 10;
	if (c->rand_time == UNSET64) {
		if (c->rekey_time && c->reauth_time)
			base = c->rekey_time < c->reauth_time ? c->rekey_time :
								c->reauth_time;
		else
			base = c->rekey_time > c->reauth_time ? c->rekey_time :
								c->reauth_time;
		c->rand_time = c->over_time < base / 2 ? c->over_time : base / 2;
	}
}

/* A PSK connection without any secret that could match: legal (secrets
 * may be added before the first use) but almost certainly a mistake. */
static void check_psk(struct build *b, const struct settings_node *sec,
		      const struct config_conn *c)
{
	const struct config *cfg = b->cfg;
	const struct ident *rid = &c->remote.id;

	if (c->local.method != CONFIG_AUTH_PSK &&
	    c->remote.method != CONFIG_AUTH_PSK)
		return;
	if (!cfg->n_psks) {
		config_value_warn(b, sec, "auth = psk, but no secrets.ike "
				  "section exists; authentication will fail");
		return;
	}
	if (c->local.id_set && c->remote.id_set && !rid->wildcard &&
	    rid->type != IDENT_ANY &&
	    !config_secret_may_match(b, &c->local.id, rid))
		config_value_warn(b, sec, "auth = psk, but no secrets.ike entry "
				  "matches these identities; authentication "
				  "will fail");
}

static void build_one(struct build *b, const struct settings_node *sec,
		      struct config_conn *c)
{
	struct conn_ctx cc;
	bool local_ok = true;

	memset(&cc, 0, sizeof(cc));
	cc.c = c;
	c->name = config_value_strdup(b, sec->name);
	c->loc = config_value_loc(sec);
	c->local_port = c->remote_port = IKEV2_PORT;
	c->send_certreq = true;
	c->keyingtries = 1;
	c->reauth_time = c->rekey_time = c->over_time = c->rand_time = UNSET64;
	c->local.loc = c->remote.loc = c->loc;
	config_value_walk(b, sec, conn_keys,
			  sizeof(conn_keys) / sizeof(conn_keys[0]), NULL, &cc,
			  conn_section);
	if (b->nomem)
		return;
	ike_lifetimes(c);
	if (!cc.proposals_set)
		proposal_add_defaults(IKEV2_PROTO_IKE, &c->ike);
	if (!c->local_addrs && (c->local_addrs = config_value_calloc(b, 1,
						sizeof(*c->local_addrs))))
		c->n_local_addrs = 1;	/* zeroed: %any */
	if (!c->remote_addrs && (c->remote_addrs = config_value_calloc(b, 1,
						 sizeof(*c->remote_addrs))))
		c->n_remote_addrs = 1;
	if (cc.pools)
		resolve_pools(b, &cc);
	if (cc.local)
		local_ok = build_auth(b, cc.local, &c->local, true);
	if (cc.remote)
		build_auth(b, cc.remote, &c->remote, false);
	if (local_ok && c->local.method == CONFIG_AUTH_PUBKEY && !c->local.n_certs)
		config_value_error(b, cc.local ? cc.local : sec, "local "
				   "authentication with a public key needs the "
				   "certificate in 'certs' (or set auth = psk)");
	if (cc.children)
		config_child_build(b, cc.children, c);
	if (cc.resumption)
		config_resume_build(b, cc.resumption, &c->resumption);
	check_psk(b, sec, c);
}

void config_conn_build(struct build *b, const struct settings_node *conns)
{
	struct config *cfg = b->cfg;
	size_t n = 0;

	for (const struct settings_node *c = conns->first; c; c = c->next)
		n += c->is_section;
	cfg->conns = config_value_calloc(b, n, sizeof(*cfg->conns));
	if (!cfg->conns)
		return;
	config_secret_index(b);
	for (const struct settings_node *c = conns->first; c && !b->nomem;
	     c = c->next) {
		if (!c->is_section) {
			config_value_error(b, c, "unknown key (connections holds "
					   "one section per connection)");
			continue;
		}
		build_one(b, c, &cfg->conns[cfg->n_conns++]);
	}
	config_secret_index_free(b);
}

static void free_auth(struct config_auth *a)
{
	for (size_t i = 0; i < a->n_certs; i++)
		free(a->certs[i]);
	free(a->certs);
	for (size_t i = 0; i < a->n_cacerts; i++)
		free(a->cacerts[i]);
	free(a->cacerts);
}

void config_conn_free(struct config_conn *c)
{
	free(c->name);
	free(c->local_addrs);
	free(c->remote_addrs);
	free(c->vips);
	free(c->pools);
	free_auth(&c->local);
	free_auth(&c->remote);
	for (size_t i = 0; i < c->n_children; i++)
		config_child_free(&c->children[i]);
	free(c->children);
	free(c->resumption.store);
}

struct config_conn *config_conn_find(const struct config *cfg,
				     const char *name)
{
	for (size_t i = 0; i < cfg->n_conns; i++)
		if (cfg->conns[i].name && strcmp(cfg->conns[i].name, name) == 0)
			return &cfg->conns[i];
	return NULL;
}
