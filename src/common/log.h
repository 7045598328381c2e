/*
 * log.h - the project's logging.
 *
 * Levels are checked before arguments are evaluated (the macros expand to an
 * if), formats are checked by the compiler, and anything an unauthenticated
 * peer can trigger goes through a struct log_ratelimit so a flood cannot
 * flood the log.  The sink is stderr unless a program (or a test) installs
 * another.  Modules add their own context prefix (the IKE layer prints SPIs
 * and the peer in every line) by wrapping these macros.
 */
#ifndef RESWAN_COMMON_LOG_H
#define RESWAN_COMMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3,
	LOG_LVL_TRACE = 4,
};

typedef void (*log_sink_fn)(void *ctx, enum log_level lvl, const char *line);

extern enum log_level log_threshold;

void log_set_level(enum log_level lvl);
/* Parse "error", "warn", "info", "debug", "trace"; returns -1 if unknown. */
int log_level_parse(const char *name);
/* Install a sink (NULL restores stderr). */
void log_set_sink(log_sink_fn fn, void *ctx);

void log_write(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vwrite(enum log_level lvl, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_enabled(lvl) ((lvl) <= log_threshold)
#define log_at(lvl, ...) \
	do { if (log_enabled(lvl)) log_write((lvl), __VA_ARGS__); } while (0)
#define log_error(...) log_at(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_at(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_at(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_trace(...) log_at(LOG_LVL_TRACE, __VA_ARGS__)

/*
 * Token bucket: at most `burst` lines, refilled at one line per
 * `interval_us`.  Suppressed lines are counted and reported by the next line
 * that gets through.
 */
struct log_ratelimit {
	uint64_t interval_us;
	uint32_t burst;
	uint32_t tokens;
	uint64_t last_us;
	uint64_t suppressed;
};

#define LOG_RATELIMIT_INIT(interval, burst_) \
	{ .interval_us = (interval), .burst = (burst_), .tokens = (burst_) }

/* True if a line may be written now; otherwise counts it as suppressed. */
bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now_us);

#define log_ratelimited(rl, now_us, lvl, ...)                          \
	do {                                                           \
		if (log_enabled(lvl) && log_ratelimit_ok((rl), (now_us))) \
			log_write((lvl), __VA_ARGS__);                 \
	} while (0)

#endif
