/*
 * clock.h - the time seam.
 *
 * State machines, lifetime policies and caches never call clock_gettime()
 * themselves: they read a struct clock they were given.  The system clock
 * backs the daemon; struct clock_fake lets tests run days of lifetime in
 * microseconds.  Two readings are offered: monotonic time for timers and
 * intervals, and wall time (µs since the Unix epoch) for anything that must
 * survive a restart or appear in a log.
 */
#ifndef RESWAN_COMMON_CLOCK_H
#define RESWAN_COMMON_CLOCK_H

#include <stdint.h>

struct clock {
	uint64_t (*mono_us)(const struct clock *c);
	uint64_t (*wall_us)(const struct clock *c);
};

static inline uint64_t clock_mono(const struct clock *c)
{
	return c->mono_us(c);
}

static inline uint64_t clock_wall(const struct clock *c)
{
	return c->wall_us(c);
}

/* The real clocks (CLOCK_MONOTONIC and CLOCK_REALTIME). */
const struct clock *clock_system(void);

/* A clock that moves only when told to. */
struct clock_fake {
	struct clock clock;
	uint64_t mono;
	uint64_t wall;
};

void clock_fake_init(struct clock_fake *f, uint64_t wall_us);
void clock_fake_advance(struct clock_fake *f, uint64_t us);

#define CLOCK_US_PER_SEC 1000000ULL

#endif
