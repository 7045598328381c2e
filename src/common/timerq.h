/*
 * timerq.h - a queue of timers ordered by deadline (indexed binary heap).
 *
 * Objects embed a struct timer and arm it with a deadline on the clock seam
 * (monotonic µs).  The owner of the queue asks for the earliest deadline to
 * sleep until and then runs the expired timers.  Arming, re-arming and
 * cancelling are O(log n); a timer is in the queue at most once.  The heap
 * array grows on demand; its size is bounded by the number of armed timers,
 * which their owners cap.
 */
#ifndef RESWAN_COMMON_TIMERQ_H
#define RESWAN_COMMON_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timer;
typedef void (*timer_fn)(struct timer *t, void *ctx);

struct timer {
	uint64_t deadline;
	size_t idx;		/* position in the heap, SIZE_MAX if unarmed */
	timer_fn fn;
};

struct timerq {
	struct timer **heap;
	size_t len;
	size_t cap;
};

#define TIMERQ_NONE UINT64_MAX

void timer_init(struct timer *t, timer_fn fn);
static inline bool timer_armed(const struct timer *t)
{
	return t->idx != (size_t)-1;
}

void timerq_init(struct timerq *q);
void timerq_destroy(struct timerq *q);
/* Arm or re-arm t at deadline; ERR_NOMEM leaves t as it was. */
int timerq_arm(struct timerq *q, struct timer *t, uint64_t deadline);
void timerq_cancel(struct timerq *q, struct timer *t);
/* Earliest deadline, or TIMERQ_NONE. */
uint64_t timerq_next(const struct timerq *q);
/*
 * Run every timer whose deadline is <= now, earliest first, passing ctx.
 * A callback may arm, cancel or free any timer (including itself, after
 * it has been removed, which happens before the call).  Returns how many
 * ran; stops after max callbacks so a busy queue cannot starve I/O.
 */
size_t timerq_run(struct timerq *q, uint64_t now, void *ctx, size_t max);

#endif
