/*
 * timerq.c - indexed binary min-heap of timers (see timerq.h).
 */
#include <stdlib.h>

#include "common/err.h"
#include "common/timerq.h"

void timer_init(struct timer *t, timer_fn fn)
{
	t->deadline = 0;
	t->idx = (size_t)-1;
	t->fn = fn;
}

void timerq_init(struct timerq *q)
{
	q->heap = NULL;
	q->len = q->cap = 0;
}

void timerq_destroy(struct timerq *q)
{
	for (size_t i = 0; i < q->len; i++)
		q->heap[i]->idx = (size_t)-1;
	free(q->heap);
	timerq_init(q);
}

static void place(struct timerq *q, size_t i, struct timer *t)
{
	q->heap[i] = t;
	t->idx = i;
}

static void sift_up(struct timerq *q, size_t i)
{
	struct timer *t = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (q->heap[parent]->deadline <= t->deadline)
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void sift_down(struct timerq *q, size_t i)
{
	struct timer *t = q->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint64_t best = t->deadline;

		if (l < q->len && q->heap[l]->deadline < best) {
			m = l;
			best = q->heap[l]->deadline;
		}
		if (r < q->len && q->heap[r]->deadline < best)
			m = r;
		if (m == i)
			break;
		place(q, i, q->heap[m]);
		i = m;
	}
	place(q, i, t);
}

static void remove_at(struct timerq *q, size_t i)
{
	struct timer *t = q->heap[i], *moved;

	t->idx = (size_t)-1;
	q->len--;
	if (i == q->len)
		return;
	/* The last element fills the hole and moves whichever way it must. */
	moved = q->heap[q->len];
	place(q, i, moved);
	sift_down(q, i);
	sift_up(q, moved->idx);
}

int timerq_arm(struct timerq *q, struct timer *t, uint64_t deadline)
{
	if (timer_armed(t)) {
		t->deadline = deadline;
		sift_down(q, t->idx);
		sift_up(q, t->idx);
		return 0;
	}
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		struct timer **nh = realloc(q->heap, ncap * sizeof(*nh));

		if (!nh)
			return ERR_NOMEM;
		q->heap = nh;
		q->cap = ncap;
	}
	t->deadline = deadline;
	place(q, q->len++, t);
	sift_up(q, t->idx);
	return 0;
}

void timerq_cancel(struct timerq *q, struct timer *t)
{
	if (timer_armed(t))
		remove_at(q, t->idx);
}

uint64_t timerq_next(const struct timerq *q)
{
	return q->len ? q->heap[0]->deadline : TIMERQ_NONE;
}

size_t timerq_run(struct timerq *q, uint64_t now, void *ctx, size_t max)
{
	size_t n = 0;

	while (n < max && q->len && q->heap[0]->deadline <= now) {
		struct timer *t = q->heap[0];

		remove_at(q, 0);
		n++;
		t->fn(t, ctx);
	}
	return n;
}
