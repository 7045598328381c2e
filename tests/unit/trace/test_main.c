/*
 * test_main.c - the trace module's test executable: readers, simulator,
 * synthesiser, statistics, JSON and plots, the parallel paths; plus the
 * shared helpers.
 */
#include <stdlib.h>
#include <string.h>

#include "test_trace.h"

static int64_t user_id(const struct trace *t, const char *user)
{
	for (uint32_t id = 0; id < trace_user_count(t); id++) {
		size_t n;
		const char *s = trace_user_name(t, id, &n);

		if (n == strlen(user) && memcmp(s, user, n) == 0)
			return id;
	}
	return -1;
}

unsigned user_sessions(const struct trace *t, const char *user)
{
	int64_t id = user_id(t, user);
	unsigned c = 0;

	for (size_t i = 0; id >= 0 && i < trace_count(t); i++)
		c += trace_sessions(t)[i].user == id;
	return c;
}

const struct trace_session *user_session(const struct trace *t,
					 const char *user, unsigned k)
{
	int64_t id = user_id(t, user);
	const struct trace_session *found[64];
	unsigned c = 0;

	assert_true(id >= 0);
	for (size_t i = 0; i < trace_count(t) && c < 64; i++)
		if (trace_sessions(t)[i].user == id)
			found[c++] = &trace_sessions(t)[i];
	assert_true(k < c);
	/* Selection of the k-th smallest connect time. */
	for (unsigned a = 0; a <= k; a++)
		for (unsigned b = a + 1; b < c; b++)
			if (found[b]->connect < found[a]->connect) {
				const struct trace_session *x = found[a];

				found[a] = found[b];
				found[b] = x;
			}
	return found[k];
}

/* Minimal JSON recogniser (RFC 8259 grammar, no semantic checks). */
struct js {
	const char *p, *e;
	int depth;
};

static void ws(struct js *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' ||
			       *j->p == '\r'))
		j->p++;
}

static int value(struct js *j);

static int string(struct js *j)
{
	if (j->p >= j->e || *j->p != '"')
		return 0;
	for (j->p++; j->p < j->e; j->p++) {
		if (*j->p == '"') {
			j->p++;
			return 1;
		}
		if ((unsigned char)*j->p < 0x20)
			return 0;
		if (*j->p == '\\') {
			j->p++;
			if (j->p >= j->e || !strchr("\"\\/bfnrtu", *j->p))
				return 0;
		}
	}
	return 0;
}

static int number(struct js *j)
{
	const char *s = j->p;

	if (j->p < j->e && *j->p == '-')
		j->p++;
	while (j->p < j->e && strchr("0123456789.eE+-", *j->p))
		j->p++;
	return j->p > s;
}

static int value(struct js *j)
{
	ws(j);
	if (j->p >= j->e || ++j->depth > 64)
		return 0;
	if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		int obj = *j->p == '{';

		j->p++;
		ws(j);
		if (j->p < j->e && *j->p == close) {
			j->p++;
			j->depth--;
			return 1;
		}
		for (;;) {
			if (obj) {
				ws(j);
				if (!string(j))
					return 0;
				ws(j);
				if (j->p >= j->e || *j->p++ != ':')
					return 0;
			}
			if (!value(j))
				return 0;
			ws(j);
			if (j->p < j->e && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->e && *j->p == close) {
				j->p++;
				j->depth--;
				return 1;
			}
			return 0;
		}
	}
	j->depth--;
	if (*j->p == '"')
		return string(j);
	if (j->e - j->p >= 4 && (!memcmp(j->p, "true", 4) || !memcmp(j->p, "null", 4))) {
		j->p += 4;
		return 1;
	}
	if (j->e - j->p >= 5 && !memcmp(j->p, "false", 5)) {
		j->p += 5;
		return 1;
	}
	return number(j);
}

int json_valid(const char *s, size_t n)
{
	struct js j = { s, s + n, 0 };

	if (!value(&j))
		return 0;
	ws(&j);
	return j.p == j.e;
}

int main(void)
{
	int failed = 0;

	failed += run_reader_tests();
	failed += run_sim_tests();
	failed += run_synth_tests();
	failed += run_parallel_tests();
	return failed ? 1 : 0;
}
