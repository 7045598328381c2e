/*
 * log.c - formatting, level filtering, sinks and rate limiting.
 *
 * A line is formatted once into a bounded stack buffer (longer lines are
 * truncated, never allocated), then handed to the sink.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"

enum log_level log_threshold = LOG_LVL_INFO;

static log_sink_fn sink_fn;
static void *sink_ctx;

static const char *const level_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_TRACE] = "trace",
};

void log_set_level(enum log_level lvl)
{
	log_threshold = lvl;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

void log_set_sink(log_sink_fn fn, void *ctx)
{
	sink_fn = fn;
	sink_ctx = ctx;
}

void log_vwrite(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (sink_fn) {
		sink_fn(sink_ctx, lvl, line);
		return;
	}
	fprintf(stderr, "[%s] %s\n", level_names[lvl], line);
}

void log_write(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(lvl, fmt, ap);
	va_end(ap);
}

bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now_us)
{
	uint64_t refill;

	if (rl->interval_us && now_us > rl->last_us) {
		refill = (now_us - rl->last_us) / rl->interval_us;
		if (refill) {
			rl->tokens = refill >= rl->burst ? rl->burst
				: (uint32_t)(rl->tokens + refill > rl->burst
					     ? rl->burst : rl->tokens + refill);
			rl->last_us = now_us;
		}
	}
	if (rl->tokens == 0) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	if (rl->suppressed) {
		log_write(LOG_LVL_WARN, "%llu similar messages suppressed",
			  (unsigned long long)rl->suppressed);
		rl->suppressed = 0;
	}
	return true;
}
