/*
 * pool.c - virtual IP leases from configured pools (RFC 7296 3.15).
 *
 * A lease binds an address to an identity.  When the SA ends the lease
 * goes offline but is remembered, so a returning client gets the same
 * address back (what strongSwan's in-memory pools do).  New addresses are
 * handed out from a per-pool cursor; only when a pool has no unused
 * address left is an offline lease of another identity taken over.  For
 * CIDR pools of IPv4 the network and broadcast addresses are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "ike/internal.h"

static uint64_t id_hash(const struct ike *ike, const struct ident *id)
{
	return ike_ident_hash(ike, id);
}

static struct pool_state *pool_get(struct ike *ike, const struct config_pool *cp)
{
	struct pool_state *p;

	for (p = ike->pools; p; p = p->next)
		if (strcmp(p->name, cp->name) == 0 &&
		    memcmp(&p->range, &cp->addrs, sizeof(p->range)) == 0)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->name = strdup(cp->name);
	if (!p->name) {
		free(p);
		return NULL;
	}
	p->range = cp->addrs;
	p->next = ike->pools;
	ike->pools = p;
	return p;
}

static struct ike_lease *find_addr(struct ike *ike, const struct addr *a)
{
	for (struct hmap_node *n = hmap_lookup(&ike->leases_by_addr,
					       addr_hash(a, false));
	     n; n = hmap_next_equal(n)) {
		struct ike_lease *l = container_of(n, struct ike_lease, by_addr);

		if (addr_eq(&l->addr, a, false))
			return l;
	}
	return NULL;
}

/* Usable host addresses of a pool: skip network/broadcast of IPv4 CIDRs. */
static void usable(const struct addr_range *r, uint64_t *first, uint64_t *count)
{
	uint64_t size = addr_range_size(r);
	int plen = addr_range_prefix(r);

	*first = 0;
	*count = size;
	if (r->family == ADDR_IPV4 && plen >= 0 && plen < 31 && size > 2) {
		*first = 1;
		*count = size - 2;
	}
}

static int bind_lease(struct ike *ike, struct ike_lease *l)
{
	hmap_insert(&ike->leases, &l->by_id, id_hash(ike, &l->id));
	hmap_insert(&ike->leases_by_addr, &l->by_addr, addr_hash(&l->addr, false));
	return 0;
}

int pool_lease(struct ike *ike, const struct config_conn *conn,
	       const struct ident *id, uint8_t family, struct addr *out)
{
	struct ike_lease *l;

	/* 1. This identity's earlier lease, if it lies in one of our pools. */
	for (struct hmap_node *n = hmap_lookup(&ike->leases, id_hash(ike, id)); n;
	     n = hmap_next_equal(n)) {
		l = container_of(n, struct ike_lease, by_id);
		if (!ident_equal(&l->id, id) || l->addr.family != family)
			continue;
		for (size_t i = 0; i < conn->n_pools; i++) {
			if (addr_range_contains(&conn->pools[i]->addrs, &l->addr) &&
			    !l->online) {
				l->online = true;
				*out = l->addr;
				return 0;
			}
		}
	}
	/* 2. A never-used address, from each pool's cursor. */
	for (size_t i = 0; i < conn->n_pools; i++) {
		const struct config_pool *cp = conn->pools[i];
		struct pool_state *ps;
		uint64_t first, count;

		if (cp->addrs.family != family || !(ps = pool_get(ike, cp)))
			continue;
		usable(&cp->addrs, &first, &count);
		for (uint64_t tries = 0; tries < count; tries++) {
			struct addr a;

			if (ps->cursor >= count)
				ps->cursor = 0;
			if (addr_range_nth(&cp->addrs, first + ps->cursor++, &a) != 0)
				break;
			if (find_addr(ike, &a))
				continue;
			l = calloc(1, sizeof(*l));
			if (!l)
				return ERR_NOMEM;
			l->id = *id;
			l->addr = a;
			l->online = true;
			l->next = ike->lease_list;
			ike->lease_list = l;
			bind_lease(ike, l);
			*out = a;
			return 0;
		}
	}
	/* 3. Take over an offline lease of someone else. */
	for (l = ike->lease_list; l; l = l->next) {
		if (l->online || l->addr.family != family)
			continue;
		for (size_t i = 0; i < conn->n_pools; i++) {
			if (!addr_range_contains(&conn->pools[i]->addrs, &l->addr))
				continue;
			hmap_remove(&ike->leases, &l->by_id);
			l->id = *id;
			hmap_insert(&ike->leases, &l->by_id, id_hash(ike, id));
			l->online = true;
			*out = l->addr;
			return 0;
		}
	}
	return ERR_LIMIT;
}

int pool_claim(struct ike *ike, const struct config_conn *conn,
	       const struct ident *id, const struct addr *a)
{
	struct ike_lease *l = find_addr(ike, a);
	bool inside = false;

	for (size_t i = 0; i < conn->n_pools; i++)
		inside |= addr_range_contains(&conn->pools[i]->addrs, a);
	if (!inside)
		return ERR_NOTFOUND;
	if (l)
		return ident_equal(&l->id, id) ? 0 : ERR_EXISTS;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ERR_NOMEM;
	l->id = *id;
	l->addr = *a;
	l->online = false;
	l->next = ike->lease_list;
	ike->lease_list = l;
	bind_lease(ike, l);
	return 0;
}

void pool_release(struct ike *ike, const struct ident *id, const struct addr *a)
{
	struct ike_lease *l = find_addr(ike, a);

	if (l && ident_equal(&l->id, id))
		l->online = false;
}

void pool_free_all(struct ike *ike)
{
	while (ike->lease_list) {
		struct ike_lease *l = ike->lease_list;

		ike->lease_list = l->next;
		free(l);
	}
	while (ike->pools) {
		struct pool_state *p = ike->pools;

		ike->pools = p->next;
		free(p->name);
		free(p);
	}
}
