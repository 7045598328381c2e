/*
 * config_pool.c - pools.<name> { addrs = ..., dns = ... }: virtual IP
 * address pools a responder assigns from.
 *
 * A pool is one CIDR subnet or address range of one family; pools must
 * not overlap (swanctl.conf(5): "Pools must be unique and
 * non-overlapping").  Of the attribute lists only dns is supported.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "config/config_build.h"

struct pool_ctx {
	struct config_pool *pool;
	bool have_addrs;
};

static void parse_addrs(struct build *b, const struct settings_node *n,
			void *obj)
{
	struct pool_ctx *pc = obj;
	struct addr_range r;

	if (addr_range_parse(n->value, &r) < 0 || addr_range_is_any(&r)) {
		config_value_error(b, n, "invalid pool '%s' (expected one subnet "
				   "like 10.3.0.0/24 or a range like "
				   "10.3.0.10-10.3.0.99)", n->value);
		return;
	}
	pc->pool->addrs = r;
	pc->have_addrs = true;
}

static void parse_dns(struct build *b, const struct settings_node *n,
		      void *obj)
{
	struct config_pool *p = ((struct pool_ctx *)obj)->pool;
	struct config_list l;
	struct addr *dns;

	if (config_value_list(b, n, &l) < 0)
		return;
	dns = config_value_calloc(b, l.n, sizeof(*dns));
	for (size_t i = 0; dns && i < l.n; i++) {
		if (addr_parse(l.item[i], &dns[i]) < 0) {
			config_value_error(b, n, "invalid DNS server address "
					   "'%s'", l.item[i]);
			free(dns);
			dns = NULL;
		}
	}
	if (dns) {
		free(p->dns);
		p->dns = dns;
		p->n_dns = l.n;
	}
	config_value_list_free(&l);
}

static const struct config_key pool_keys[] = {
	KEY("addrs", parse_addrs),
	KEY("dns", parse_dns),
	KEY_UNSUPPORTED("nbns", "only addrs and dns are supported in pools"),
	KEY_UNSUPPORTED("dhcp", "only addrs and dns are supported in pools"),
	KEY_UNSUPPORTED("netmask", "only addrs and dns are supported in pools"),
	KEY_UNSUPPORTED("server", "only addrs and dns are supported in pools"),
	KEY_UNSUPPORTED("subnet", "only addrs and dns are supported in pools"),
	KEY_UNSUPPORTED("split_include",
			"only addrs and dns are supported in pools"),
	KEY_UNSUPPORTED("split_exclude",
			"only addrs and dns are supported in pools"),
};

void config_pool_build(struct build *b, const struct settings_node *pools)
{
	struct config *cfg = b->cfg;
	size_t n = 0;

	for (const struct settings_node *c = pools->first; c; c = c->next)
		n += c->is_section;
	cfg->pools = config_value_calloc(b, n, sizeof(*cfg->pools));
	if (!cfg->pools)
		return;
	for (const struct settings_node *c = pools->first; c && !b->nomem;
	     c = c->next) {
		struct config_pool *p;
		struct pool_ctx pc;

		if (!c->is_section) {
			config_value_error(b, c, "unknown key (pools holds one "
					   "section per pool)");
			continue;
		}
		p = &cfg->pools[cfg->n_pools++];
		p->name = config_value_strdup(b, c->name);
		p->loc = config_value_loc(c);
		pc.pool = p;
		pc.have_addrs = false;
		config_value_walk(b, c, pool_keys,
				  sizeof(pool_keys) / sizeof(pool_keys[0]), NULL,
				  &pc, NULL);
		if (!pc.have_addrs) {
			config_value_error(b, c, "pool has no 'addrs'");
			continue;
		}
		for (size_t i = 0; i + 1 < cfg->n_pools; i++) {
			struct config_pool *o = &cfg->pools[i];

			if (o->addrs.family && addr_range_overlaps(&o->addrs, &p->addrs))
				config_value_error(b, c, "pool overlaps pool '%s' "
						   "(%s:%u)", o->name, o->loc.file,
						   o->loc.line);
		}
	}
}

void config_pool_free(struct config_pool *p)
{
	free(p->name);
	free(p->dns);
}

struct config_pool *config_pool_find(const struct config *cfg,
				     const char *name)
{
	for (size_t i = 0; i < cfg->n_pools; i++)
		if (cfg->pools[i].name && strcmp(cfg->pools[i].name, name) == 0)
			return &cfg->pools[i];
	return NULL;
}
