/*
 * cache_policy.c - the lifetime policies, exactly.
 *
 * A lineage (T0 = wall time of its last full exchange, E = connected
 * seconds, D = octets) may be resumed at wall time `now` only if every
 * configured limit holds:
 *
 *   clocked      now - T0 <  lifetime
 *   established  E        <  lifetime
 *   data         D        <  data
 *   max_age      now - T0 <  max_age   (whenever max_age > 0)
 *
 * A wall clock that stepped back (now < T0) counts as zero elapsed time;
 * the maximum age still bounds a record whose T0 lies in the future once
 * the clock catches up.  When several limits are exceeded the first in
 * the order above is reported.
 */
#include "cache/cache_int.h"

enum cache_miss cache_policy_check(const struct cache_policy *p, uint64_t now,
				   uint64_t t0, uint64_t connected, uint64_t bytes)
{
	uint64_t age = now > t0 ? now - t0 : 0;

	if ((p->flags & CACHE_POLICY_CLOCKED) && age >= p->lifetime)
		return CACHE_MISS_CLOCKED;
	if ((p->flags & CACHE_POLICY_ESTABLISHED) && connected >= p->lifetime)
		return CACHE_MISS_ESTABLISHED;
	if ((p->flags & CACHE_POLICY_DATA) && bytes >= p->data)
		return CACHE_MISS_DATA;
	if (p->max_age && age >= p->max_age)
		return CACHE_MISS_MAX_AGE;
	return CACHE_HIT;
}

uint64_t cache_policy_deadline(const struct cache_policy *p, uint64_t t0)
{
	uint64_t d = 0;

	if (p->flags & CACHE_POLICY_CLOCKED)
		d = t0 + p->lifetime;
	if (p->max_age && (!d || t0 + p->max_age < d))
		d = t0 + p->max_age;
	return d;
}
