/*
 * trace_sort.c - reordering the session array.
 *
 * By user: an in-place counting sort (American flag: count each user's
 * sessions, then swap every session into its user's bucket following the
 * permutation's cycles), so grouping costs one 4-byte counter per user and
 * no copy of the array; each user's few sessions are then sorted by time.
 * By connect time: a stable two-pass LSD radix sort on the 32-bit time
 * through a scratch copy, for writers and the global-time simulator.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

static void sort_small(struct trace_session *s, size_t n)
{
	if (n > 24) {
		qsort(s, n, sizeof(*s), trace_session_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct trace_session v = s[i];
		size_t j = i;

		while (j > 0 && trace_session_cmp(&s[j - 1], &v) > 0) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = v;
	}
}

int trace_sort_by_user(struct trace *t)
{
	struct trace_session *s = trace_sessions_mut(t);
	size_t n = trace_count(t), nu = trace_user_count(t);
	uint32_t *next, *end;
	size_t at = 0;

	if (n == 0)
		return 0;
	next = calloc(nu + 1, sizeof(*next));
	end = calloc(nu + 1, sizeof(*end));
	if (!next || !end) {
		free(next);
		free(end);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		end[s[i].user]++;
	for (size_t u = 0; u < nu; u++) {
		next[u] = (uint32_t)at;
		at += end[u];
		end[u] = (uint32_t)at;
	}
	/* Place sessions bucket by bucket; each swap settles one session. */
	for (size_t u = 0; u < nu; u++) {
		while (next[u] < end[u]) {
			struct trace_session v = s[next[u]];

			while (v.user != u) {
				struct trace_session w = s[next[v.user]];

				s[next[v.user]++] = v;
				v = w;
			}
			s[next[u]++] = v;
		}
	}
	for (size_t u = 0, a = 0; u < nu; u++) {
		sort_small(s + a, end[u] - a);
		a = end[u];
	}
	free(next);
	free(end);
	return 0;
}

int trace_sort_by_connect(struct trace *t)
{
	struct trace_session *s = trace_sessions_mut(t), *tmp;
	size_t n = trace_count(t);
	uint32_t *cnt;

	if (n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	cnt = malloc(65536 * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return ERR_NOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		struct trace_session *src = pass ? tmp : s, *dst = pass ? s : tmp;
		unsigned shift = pass ? 16 : 0;
		uint32_t sum = 0;

		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i].connect >> shift) & 0xffff]++;
		for (size_t d = 0; d < 65536; d++) {
			uint32_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i].connect >> shift) & 0xffff]++] = src[i];
	}
	free(tmp);
	free(cnt);
	return 0;
}
