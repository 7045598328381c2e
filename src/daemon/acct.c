/*
 * acct.c - writing the accounting log (see acct.h for the format).
 *
 * A user field is quoted as RFC 4180 says when it holds a comma, a quote,
 * CR or LF, and also when it starts with '#' (a comment line to the trace
 * reader) or with/after blanks (which readers might trim): identities are
 * chosen by peers, and a peer must not be able to forge a column.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/acct.h"

struct acct {
	char *path;
	int fd;
	uint64_t start_wall_us;
};

static int open_log(const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	size_t n = strlen(ACCT_HEADER);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	/* A FIFO or a terminal gets no header; an empty file does. */
	if (S_ISREG(st.st_mode) && st.st_size == 0 &&
	    write(fd, ACCT_HEADER, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return fd;
}

struct acct *acct_open(const char *path, uint64_t start_wall_us)
{
	struct acct *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->fd = -1;
	a->start_wall_us = start_wall_us;
	if (!(a->path = strdup(path)) || (a->fd = open_log(path)) < 0) {
		int e = errno;

		acct_free(a);
		errno = e;
		return NULL;
	}
	return a;
}

void acct_free(struct acct *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->path);
	free(a);
}

int acct_reopen(struct acct *a)
{
	int fd = open_log(a->path);

	if (fd < 0)
		return ERR_IO;
	close(a->fd);
	a->fd = fd;
	return 0;
}

static bool needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n && (s[0] == '#' || s[0] == ' ' || s[0] == '\t' ||
		  s[n - 1] == ' ' || s[n - 1] == '\t'))
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

struct out {
	char *p;
	size_t len, off;
	bool err;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->off)
		o->err = true;
	else
		o->off += (size_t)n;
}

static void put_field(struct out *o, const char *s)
{
	if (!needs_quotes(s)) {
		put(o, "%s", s);
		return;
	}
	put(o, "\"");
	for (; *s; s++)
		put(o, *s == '"' ? "\"\"" : "%c", *s);
	put(o, "\"");
}

static void put_time(struct out *o, uint64_t wall_us)
{
	time_t t = (time_t)(wall_us / 1000000);
	struct tm tm;
	char buf[32];

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		o->err = true;
		return;
	}
	put(o, "%s", buf);
}

int acct_format(char *buf, size_t len, uint64_t start_wall_us,
		const struct ike_session_event *ev)
{
	struct out o = { .p = buf, .len = len };

	if (!len)
		return ERR_LIMIT;
	buf[0] = '\0';
	put_field(&o, ev->peer_id ? ev->peer_id : "");
	put(&o, ",%llu-%llu,", (unsigned long long)start_wall_us,
	    (unsigned long long)ev->uniqueid);
	put_time(&o, ev->established_wall_us);
	put(&o, ",");
	put_time(&o, ev->ended_wall_us);
	put(&o, ",%llu,%llu,%s\n", (unsigned long long)ev->bytes_in,
	    (unsigned long long)ev->bytes_out, ev->resumed ? "resume" : "full");
	if (o.err)
		return ERR_LIMIT;
	return (int)o.off;
}

int acct_write(struct acct *a, const struct ike_session_event *ev)
{
	char line[ACCT_MAX_LINE];
	int n = acct_format(line, sizeof(line), a->start_wall_us, ev);
	ssize_t w;

	if (n < 0) {
		log_error("accounting: line for session %llu too long, not written",
			  (unsigned long long)ev->uniqueid);
		return n;
	}
	w = write(a->fd, line, (size_t)n);
	if (w != n) {
		log_error("accounting: writing %s: %s", a->path,
			  w < 0 ? strerror(errno) : "short write");
		return ERR_IO;
	}
	return 0;
}
