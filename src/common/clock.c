/*
 * clock.c - system and fake implementations of the time seam.
 */
#include <time.h>

#include "common/clock.h"

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * CLOCK_US_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t sys_mono(const struct clock *c)
{
	(void)c;
	return read_clock(CLOCK_MONOTONIC);
}

static uint64_t sys_wall(const struct clock *c)
{
	(void)c;
	return read_clock(CLOCK_REALTIME);
}

static const struct clock system_clock = {
	.mono_us = sys_mono,
	.wall_us = sys_wall,
};

const struct clock *clock_system(void)
{
	return &system_clock;
}

static uint64_t fake_mono(const struct clock *c)
{
	return ((const struct clock_fake *)c)->mono;
}

static uint64_t fake_wall(const struct clock *c)
{
	return ((const struct clock_fake *)c)->wall;
}

void clock_fake_init(struct clock_fake *f, uint64_t wall_us)
{
	f->clock.mono_us = fake_mono;
	f->clock.wall_us = fake_wall;
	/* Start monotonic time away from zero so "never" (0) stays distinct. */
	f->mono = CLOCK_US_PER_SEC;
	f->wall = wall_us;
}

void clock_fake_advance(struct clock_fake *f, uint64_t us)
{
	f->mono += us;
	f->wall += us;
}
