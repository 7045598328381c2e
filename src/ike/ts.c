/*
 * ts.c - traffic selectors: from configuration, onto the wire, and
 * narrowing (RFC 7296 2.9).
 *
 * The responder intersects each selector the initiator proposed with each
 * selector its configuration allows and answers with the non-empty
 * intersections, so the result is always a subset of both.  The initiator
 * checks that every selector in the answer lies within what it proposed.
 * Selector types other than IPv4/IPv6 ranges are ignored.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "ike/internal.h"

static size_t fam_len(uint8_t f)
{
	return f == ADDR_IPV6 ? 16 : f == ADDR_IPV4 ? 4 : 0;
}

/* The whole address space of a family. */
static void full_range(struct dp_ts *t, uint8_t family)
{
	memset(t, 0, sizeof(*t));
	t->family = family;
	memset(t->to, 0xff, fam_len(family));
	t->port_to = 0xffff;
}

int ts_from_config(const struct config_ts *cts, size_t n, const struct addr *dyn,
		   bool dyn_any, struct dp_ts *out, uint8_t *nout)
{
	uint8_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct dp_ts t;

		memset(&t, 0, sizeof(t));
		if (cts[i].dynamic) {
			if (dyn_any || dyn->family == ADDR_NONE) {
				full_range(&t, dyn->family == ADDR_IPV6 ? ADDR_IPV6
									: ADDR_IPV4);
			} else {
				t.family = dyn->family;
				memcpy(t.from, dyn->ip, addr_len(dyn));
				memcpy(t.to, dyn->ip, addr_len(dyn));
			}
		} else if (cts[i].range.family == ADDR_NONE) {
			/* %any: both families. */
			if (k + 2 > DP_MAX_TS)
				return ERR_LIMIT;
			full_range(&out[k], ADDR_IPV4);
			out[k].proto = cts[i].proto;
			out[k].port_from = cts[i].port_lo;
			out[k].port_to = cts[i].port_hi;
			k++;
			full_range(&t, ADDR_IPV6);
		} else {
			t.family = cts[i].range.family;
			memcpy(t.from, cts[i].range.lo, 16);
			memcpy(t.to, cts[i].range.hi, 16);
		}
		t.proto = cts[i].proto;
		t.port_from = cts[i].port_lo;
		t.port_to = cts[i].port_hi;
		if (k >= DP_MAX_TS)
			return ERR_LIMIT;
		out[k++] = t;
	}
	*nout = k;
	return 0;
}

int ts_put(struct wire_builder *b, uint8_t type, const struct dp_ts *ts,
	   uint8_t n)
{
	struct wire_ts_sel sel[DP_MAX_TS];
	struct wire_ts w = { .count = n, .sel = sel };

	if (n > DP_MAX_TS)
		return ERR_LIMIT;
	for (uint8_t i = 0; i < n; i++) {
		memset(&sel[i], 0, sizeof(sel[i]));
		sel[i].type = ts[i].family == ADDR_IPV6 ? IKEV2_TS_IPV6_ADDR_RANGE
							 : IKEV2_TS_IPV4_ADDR_RANGE;
		sel[i].proto = ts[i].proto;
		sel[i].start_port = ts[i].port_from;
		sel[i].end_port = ts[i].port_to;
		sel[i].addr_len = (uint8_t)fam_len(ts[i].family);
		memcpy(sel[i].start, ts[i].from, 16);
		memcpy(sel[i].end, ts[i].to, 16);
	}
	return wire_put_ts(b, type, &w);
}

static bool from_wire(const struct wire_ts_sel *s, struct dp_ts *t)
{
	if (s->type != IKEV2_TS_IPV4_ADDR_RANGE &&
	    s->type != IKEV2_TS_IPV6_ADDR_RANGE)
		return false;
	memset(t, 0, sizeof(*t));
	t->family = s->type == IKEV2_TS_IPV6_ADDR_RANGE ? ADDR_IPV6 : ADDR_IPV4;
	t->proto = s->proto;
	t->port_from = s->start_port;
	t->port_to = s->end_port;
	memcpy(t->from, s->start, fam_len(t->family));
	memcpy(t->to, s->end, fam_len(t->family));
	return true;
}

/* a := a ∩ b; false if empty. */
static bool intersect(struct dp_ts *a, const struct dp_ts *b)
{
	size_t n = fam_len(a->family);

	if (a->family != b->family)
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	if (!a->proto)
		a->proto = b->proto;
	if (memcmp(b->from, a->from, n) > 0)
		memcpy(a->from, b->from, n);
	if (memcmp(b->to, a->to, n) < 0)
		memcpy(a->to, b->to, n);
	if (memcmp(a->from, a->to, n) > 0)
		return false;
	/* OPAQUE ports (65535..0) only meet OPAQUE or "any". */
	if (b->port_from > a->port_from)
		a->port_from = b->port_from;
	if (b->port_to < a->port_to)
		a->port_to = b->port_to;
	return a->port_from <= a->port_to;
}

static bool within(const struct dp_ts *inner, const struct dp_ts *outer)
{
	size_t n = fam_len(inner->family);

	return inner->family == outer->family &&
	       (!outer->proto || outer->proto == inner->proto) &&
	       memcmp(outer->from, inner->from, n) <= 0 &&
	       memcmp(inner->to, outer->to, n) <= 0 &&
	       outer->port_from <= inner->port_from &&
	       inner->port_to <= outer->port_to;
}

static bool duplicate(const struct dp_ts *out, uint8_t n, const struct dp_ts *t)
{
	for (uint8_t i = 0; i < n; i++)
		if (memcmp(&out[i], t, sizeof(*t)) == 0)
			return true;
	return false;
}

int ts_narrow(const struct wire_ts *theirs, const struct dp_ts *mine,
	      uint8_t nmine, struct dp_ts *out, uint8_t *nout)
{
	uint8_t k = 0;

	for (uint8_t i = 0; i < theirs->count; i++) {
		struct dp_ts t;

		if (!from_wire(&theirs->sel[i], &t))
			continue;
		for (uint8_t j = 0; j < nmine && k < DP_MAX_TS; j++) {
			struct dp_ts x = t;

			if (intersect(&x, &mine[j]) && !duplicate(out, k, &x))
				out[k++] = x;
		}
	}
	*nout = k;
	return k ? 0 : ERR_NOTFOUND;
}

int ts_accept(const struct wire_ts *reply, const struct dp_ts *mine,
	      uint8_t nmine, struct dp_ts *out, uint8_t *nout)
{
	uint8_t k = 0;

	for (uint8_t i = 0; i < reply->count; i++) {
		struct dp_ts t;
		bool ok = false;

		if (!from_wire(&reply->sel[i], &t))
			continue;
		for (uint8_t j = 0; j < nmine && !ok; j++)
			ok = within(&t, &mine[j]);
		if (!ok)
			return ERR_SYNTAX;
		if (k >= DP_MAX_TS)
			return ERR_LIMIT;
		out[k++] = t;
	}
	*nout = k;
	return k ? 0 : ERR_NOTFOUND;
}

const char *ts_fmt(const struct dp_ts *t, char *buf, size_t len)
{
	struct addr_range r;
	char rb[ADDR_STRLEN];
	size_t off;

	memset(&r, 0, sizeof(r));
	r.family = t->family;
	memcpy(r.lo, t->from, 16);
	memcpy(r.hi, t->to, 16);
	addr_range_fmt(&r, rb, sizeof(rb));
	/* Selectors always show their prefix, as swanctl prints them. */
	if (addr_range_is_single(&r))
		off = (size_t)snprintf(buf, len, "%s/%d", rb,
				       t->family == ADDR_IPV6 ? 128 : 32);
	else
		off = (size_t)snprintf(buf, len, "%s", rb);
	if (off < len && (t->proto || t->port_from != 0 || t->port_to != 0xffff)) {
		if (t->port_from == t->port_to)
			snprintf(buf + off, len - off, "[%u/%u]", t->proto,
				 t->port_from);
		else if (t->port_from == 0 && t->port_to == 0xffff)
			snprintf(buf + off, len - off, "[%u]", t->proto);
		else
			snprintf(buf + off, len - off, "[%u/%u-%u]", t->proto,
				 t->port_from, t->port_to);
	}
	return buf;
}
