/*
 * trace.c - the session store: a growing array of 32-byte sessions and the
 * user intern table.
 *
 * The array grows by doubling with realloc, which glibc serves with mremap
 * for large blocks, so growth neither copies nor doubles the resident set.
 * Readers hint the expected count (file size / line length) up front.
 * The struct is in trace_int.h for the shards (trace_shards.c), which
 * borrow regions of a parent's array.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/err.h"
#include "trace/trace_int.h"

struct trace *trace_new(void)
{
	struct trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	trace_map_init(&t->users, TRACE_USERS_MAX);
	return t;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	if (!t->borrowed)
		free(t->s);
	trace_map_release(&t->users);
	free(t);
}

int trace_grow(struct trace *t, size_t want)
{
	struct trace_session *s;
	size_t c = t->cap ? t->cap : 1024;

	if (want <= t->cap)
		return 0;
	while (c < want)
		c *= 2;
	if (c > TRACE_SESSIONS_MAX)
		c = TRACE_SESSIONS_MAX;
	if (c < want)
		return ERR_LIMIT;
	if (t->borrowed) {
		/* A shard that outgrew its region: an array of its own. */
		s = malloc(c * sizeof(*s));
		if (s && t->n)
			memcpy(s, t->s, t->n * sizeof(*s));
	} else {
		s = realloc(t->s, c * sizeof(*s));
	}
	if (!s)
		return ERR_NOMEM;
	t->borrowed = false;
	/* Large arrays: huge pages mean 512 times fewer page faults. */
	if (c * sizeof(*s) >= (8u << 20)) {
		uintptr_t a = ((uintptr_t)s + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
		uintptr_t e = ((uintptr_t)(s + c)) & ~(uintptr_t)((2u << 20) - 1);

		if (e > a)
			(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
	}
	t->s = s;
	t->cap = c;
	return 0;
}

void trace_reserve(struct trace *t, size_t n)
{
	if (n > TRACE_SESSIONS_MAX - t->n)
		n = TRACE_SESSIONS_MAX - t->n;
	if (t->n + n > t->cap)
		(void)trace_grow(t, t->n + n);
}

int trace_user_id(struct trace *t, const char *s, size_t n, uint64_t h,
		  uint32_t *id)
{
	if (n == 0 || n > TRACE_USER_MAX)
		return ERR_INVAL;
	return trace_map_get(&t->users, s, n, h, id, NULL);
}

int trace_add_id(struct trace *t, uint32_t user, int64_t connect,
		 int64_t disconnect, uint64_t bytes_in, uint64_t bytes_out,
		 uint32_t flags)
{
	struct trace_session *s;
	int rc;

	if (!trace_time_ok(connect) || !trace_time_ok(disconnect) ||
	    disconnect < connect || user >= t->users.count)
		return ERR_INVAL;
	if (t->n == t->cap && (rc = trace_grow(t, t->n + 1)) != 0)
		return rc;
	s = &t->s[t->n++];
	s->user = user;
	s->connect = (uint32_t)connect;
	s->duration = (uint32_t)(disconnect - connect);
	s->flags = flags;
	s->bytes_in = bytes_in;
	s->bytes_out = bytes_out;
	if (t->n == 1 || connect < t->first)
		t->first = connect;
	if (t->n == 1 || disconnect > t->last)
		t->last = disconnect;
	return 0;
}

int trace_add(struct trace *t, const char *user, size_t user_len,
	      int64_t connect, int64_t disconnect, uint64_t bytes_in,
	      uint64_t bytes_out, uint32_t flags)
{
	uint32_t id;
	int rc;

	/* Validate before interning so a rejected session adds no user. */
	if (!trace_time_ok(connect) || !trace_time_ok(disconnect) ||
	    disconnect < connect)
		return ERR_INVAL;
	if (t->n >= TRACE_SESSIONS_MAX)
		return ERR_LIMIT;
	if (t->n == t->cap && (rc = trace_grow(t, t->n + 1)) != 0)
		return rc;
	rc = trace_user_id(t, user, user_len, trace_map_hash(user, user_len), &id);
	if (rc)
		return rc;
	return trace_add_id(t, id, connect, disconnect, bytes_in, bytes_out,
			    flags);
}

size_t trace_count(const struct trace *t)
{
	return t->n;
}

size_t trace_user_count(const struct trace *t)
{
	return t->users.count;
}

const struct trace_session *trace_sessions(const struct trace *t)
{
	return t->s;
}

struct trace_session *trace_sessions_mut(struct trace *t)
{
	return t->s;
}

const char *trace_user_name(const struct trace *t, uint32_t id, size_t *len)
{
	return trace_map_key(&t->users, id, len);
}

void trace_span(const struct trace *t, int64_t *first, int64_t *last)
{
	*first = t->n ? t->first : 0;
	*last = t->n ? t->last : 0;
}

void trace_recompute_span(struct trace *t)
{
	for (size_t i = 0; i < t->n; i++) {
		int64_t c = t->s[i].connect, d = c + t->s[i].duration;

		if (i == 0 || c < t->first)
			t->first = c;
		if (i == 0 || d > t->last)
			t->last = d;
	}
}
