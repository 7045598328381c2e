/*
 * logsink.c - reswand's log sinks (see logsink.h).
 *
 * common/log.c formats a line into a bounded buffer and hands it here; the
 * stderr sink adds a millisecond UTC timestamp and writes the whole line
 * with one fprintf on a line-buffered stream (one write per line), so the
 * lines of concurrent writers (a test's two daemons sharing a terminal) do
 * not interleave mid-line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "common/log.h"
#include "daemon/logsink.h"

static const char *const names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_TRACE] = "trace",
};

static bool syslog_open;

static void to_stderr(void *ctx, enum log_level lvl, const char *line)
{
	/* The date part changes once a second: format it only then. */
	static time_t last_sec = -1;
	static char when[32];
	struct timespec ts;
	struct tm tm;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		when[0] = '\0';
		if (gmtime_r(&ts.tv_sec, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = ts.tv_sec;
	}
	fprintf(stderr, "%s.%03ldZ [%s] %s\n", when, ts.tv_nsec / 1000000,
		names[lvl], line);
}

static void to_syslog(void *ctx, enum log_level lvl, const char *line)
{
	static const int prio[] = {
		[LOG_LVL_ERROR] = LOG_ERR,
		[LOG_LVL_WARN] = LOG_WARNING,
		[LOG_LVL_INFO] = LOG_INFO,
		[LOG_LVL_DEBUG] = LOG_DEBUG,
		[LOG_LVL_TRACE] = LOG_DEBUG,
	};

	(void)ctx;
	syslog(prio[lvl], "%s", line);
}

void logsink_stderr(void)
{
	setvbuf(stderr, NULL, _IOLBF, 0);
	log_set_sink(to_stderr, NULL);
}

void logsink_syslog(void)
{
	openlog("reswand", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	syslog_open = true;
	log_set_sink(to_syslog, NULL);
}

void logsink_close(void)
{
	log_set_sink(NULL, NULL);
	if (syslog_open)
		closelog();
	syslog_open = false;
}
