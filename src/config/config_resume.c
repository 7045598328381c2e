/*
 * config_resume.c - connections.<conn>.resumption { }: reswan's extension
 * for the credential cache (strongSwan rejects this section).
 *
 *   resumption {
 *       policy = clocked, data   # every listed policy must hold
 *       lifetime = 8h            # clocked / established limit
 *       data = 20M               # data limit
 *       max_age = 24h            # hard cap since the full handshake
 *       capacity = 10000         # cached credentials kept
 *       pfs = no                 # fresh key exchange on resumption
 *       store = memory           # or a directory for an LMDB store
 *   }
 *
 * The policies are the paper's three strategies: "clocked" counts wall
 * time since the last full IKE exchange, "established" counts only the
 * time the tunnel was up, "data" counts bytes carried.  A limit that no
 * listed policy uses is an error (it would silently do nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "config/config_build.h"

#define DEFAULT_LIFETIME (8 * 3600)
#define DEFAULT_DATA (20ULL << 20)
#define DEFAULT_MAX_AGE (24 * 3600)
#define DEFAULT_CAPACITY 10000

struct resume_ctx {
	struct config_resumption *r;
	const struct settings_node *lifetime, *data;
};

static void parse_policy(struct build *b, const struct settings_node *n,
			 void *obj)
{
	static const struct config_enum map[] = {
		{ "clocked", CONFIG_RESUME_CLOCKED },
		{ "established", CONFIG_RESUME_ESTABLISHED },
		{ "data", CONFIG_RESUME_DATA },
	};
	struct resume_ctx *rc = obj;
	struct config_list l;
	unsigned policy = 0;

	if (config_value_list(b, n, &l) < 0)
		return;
	for (size_t i = 0; i < l.n; i++) {
		struct settings_node item = *n;
		int v;

		item.value = l.item[i];
		if (config_value_enum(b, &item, map, 3, &v) < 0) {
			config_value_list_free(&l);
			return;
		}
		policy |= (unsigned)v;
	}
	config_value_list_free(&l);
	rc->r->policy = policy;
}

static void parse_lifetime(struct build *b, const struct settings_node *n,
			   void *obj)
{
	struct resume_ctx *rc = obj;

	if (config_value_duration(b, n, &rc->r->lifetime) == 0)
		rc->lifetime = n;
}

static void parse_data(struct build *b, const struct settings_node *n,
		       void *obj)
{
	struct resume_ctx *rc = obj;

	if (config_value_bytes(b, n, &rc->r->data) == 0)
		rc->data = n;
}

static void parse_max_age(struct build *b, const struct settings_node *n,
			  void *obj)
{
	struct resume_ctx *rc = obj;

	config_value_duration(b, n, &rc->r->max_age);
}

static void parse_capacity(struct build *b, const struct settings_node *n,
			   void *obj)
{
	struct resume_ctx *rc = obj;

	config_value_u32(b, n, 1, CONFIG_RESUME_MAX_CAPACITY, &rc->r->capacity);
}

static void parse_pfs(struct build *b, const struct settings_node *n,
		      void *obj)
{
	struct resume_ctx *rc = obj;

	config_value_bool(b, n, &rc->r->pfs);
}

static void parse_store(struct build *b, const struct settings_node *n,
			void *obj)
{
	struct resume_ctx *rc = obj;
	char *path = NULL;

	if (strcmp(n->value, "memory") != 0) {
		if (n->value[0] == '/') {
			path = config_value_strdup(b, n->value);
		} else {
			size_t len = strlen(b->cfg->confdir) + strlen(n->value) + 2;

			path = malloc(len);
			if (!path)
				b->nomem = true;
			else
				snprintf(path, len, "%s/%s", b->cfg->confdir,
					 n->value);
		}
		if (!path)
			return;
	}
	free(rc->r->store);
	rc->r->store = path;
}

static const struct config_key resume_keys[] = {
	KEY("policy", parse_policy),
	KEY("lifetime", parse_lifetime),
	KEY("data", parse_data),
	KEY("max_age", parse_max_age),
	KEY("capacity", parse_capacity),
	KEY("pfs", parse_pfs),
	KEY("store", parse_store),
};

void config_resume_defaults(struct config_resumption *r)
{
	free(r->store);
	memset(r, 0, sizeof(*r));
	r->policy = CONFIG_RESUME_CLOCKED;
	r->lifetime = DEFAULT_LIFETIME;
	r->data = DEFAULT_DATA;
	r->max_age = DEFAULT_MAX_AGE;
	r->capacity = DEFAULT_CAPACITY;
}

void config_resume_build(struct build *b, const struct settings_node *sec,
			 struct config_resumption *r)
{
	struct resume_ctx rc = { r, NULL, NULL };
	const unsigned timed = CONFIG_RESUME_CLOCKED | CONFIG_RESUME_ESTABLISHED;

	config_resume_defaults(r);
	r->enabled = true;
	r->loc = config_value_loc(sec);
	config_value_walk(b, sec, resume_keys,
			  sizeof(resume_keys) / sizeof(resume_keys[0]), NULL, &rc,
			  NULL);
	if (rc.lifetime && !(r->policy & timed))
		config_value_error(b, rc.lifetime, "lifetime is only used by the "
				   "clocked and established policies, which "
				   "'policy' does not list");
	if (rc.data && !(r->policy & CONFIG_RESUME_DATA))
		config_value_error(b, rc.data, "data is only used by the data "
				   "policy, which 'policy' does not list");
	if ((r->policy & timed) && !r->lifetime)
		config_value_error(b, rc.lifetime ? rc.lifetime : sec,
				   "lifetime must be greater than 0");
	if ((r->policy & CONFIG_RESUME_DATA) && !r->data)
		config_value_error(b, rc.data ? rc.data : sec,
				   "data must be greater than 0");
	if (!r->max_age)
		config_value_error(b, sec, "max_age must be greater than 0");
	else if ((r->policy & CONFIG_RESUME_CLOCKED) && r->max_age < r->lifetime)
		config_value_warn(b, sec, "max_age (%llus) is shorter than the "
				  "clocked lifetime (%llus), which therefore "
				  "never applies", (unsigned long long)r->max_age,
				  (unsigned long long)r->lifetime);
}
