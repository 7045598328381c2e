/*
 * trace_reader.c - from files to parser lines: gzip or plain input, line
 * splitting, format detection and the malformed-line report.
 *
 * Files are read in 1 MiB chunks (plain read() for plain files, zlib for
 * gzip ones, chosen by the magic bytes).  Large buffered reads rather than
 * mmap: a mapped file counts in the resident set page by page as it is
 * read, which would double the memory a large trace needs.  Lines are
 * handed to the parser in place; a line longer than TRACE_LINE_MAX is
 * skipped whole and reported.  Each format's parser state lives for the
 * whole reader, so a session may start in one file and end in the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define CHUNK (1u << 20)
#define NFORMATS 5
/* How much of a file's head format detection looks at. */
#define DETECT_BYTES 16384

struct trace_rd_ctx {
	struct trace *t;
	struct trace_read_opts o;
	char fname[256];
	uint64_t line;
	uint64_t malformed;
	char *diag[TRACE_DIAG_KEEP];
	size_t ndiag;
	char err[512];
	int64_t tmax;
	bool tseen;
	uint64_t open_closed;
	const struct trace_parser *parser[NFORMATS];
	void *state[NFORMATS];
	enum trace_format last;
};

struct trace_reader {
	struct trace_rd_ctx cx;
};

static const struct trace_parser *const parsers[] = {
	&trace_csv_parser,
	&trace_radius_parser,
	&trace_asa_parser,
	&trace_strongswan_parser,
};
#define NPARSERS (sizeof(parsers) / sizeof(parsers[0]))

int trace_format_parse(const char *name)
{
	if (strcmp(name, "auto") == 0)
		return TRACE_FMT_AUTO;
	for (size_t i = 0; i < NPARSERS; i++)
		if (strcmp(name, parsers[i]->name) == 0)
			return (int)parsers[i]->format;
	return -1;
}

const char *trace_format_name(enum trace_format f)
{
	for (size_t i = 0; i < NPARSERS; i++)
		if (parsers[i]->format == f)
			return parsers[i]->name;
	return "auto";
}

struct trace_reader *trace_reader_new(struct trace *t,
				      const struct trace_read_opts *opts)
{
	struct trace_reader *rd = calloc(1, sizeof(*rd));

	if (!rd)
		return NULL;
	rd->cx.t = t;
	if (opts)
		rd->cx.o = *opts;
	if (!rd->cx.o.year) {
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		rd->cx.o.year = tm.tm_year + 1900;
	}
	return rd;
}

void trace_reader_free(struct trace_reader *rd)
{
	if (!rd)
		return;
	for (size_t i = 0; i < NFORMATS; i++)
		if (rd->cx.parser[i])
			rd->cx.parser[i]->state_free(rd->cx.state[i]);
	for (size_t i = 0; i < rd->cx.ndiag; i++)
		free(rd->cx.diag[i]);
	free(rd);
}

/* ------------------------------------------------- parser-facing context */

uint64_t trace_rd_line(const struct trace_rd_ctx *cx)
{
	return cx->line;
}

const struct trace_read_opts *trace_rd_opts(const struct trace_rd_ctx *cx)
{
	return &cx->o;
}

struct trace *trace_rd_trace(struct trace_rd_ctx *cx)
{
	return cx->t;
}

void trace_rd_saw_time(struct trace_rd_ctx *cx, int64_t t)
{
	if (!cx->tseen || t > cx->tmax) {
		cx->tmax = t;
		cx->tseen = true;
	}
}

void trace_rd_count_open(struct trace_rd_ctx *cx)
{
	cx->open_closed++;
}

int trace_rd_malformed(struct trace_rd_ctx *cx, uint64_t line,
		       const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cx->malformed++;
	if (cx->o.strict) {
		snprintf(cx->err, sizeof(cx->err), "%s:%llu: %s", cx->fname,
			 (unsigned long long)(line ? line : cx->line), msg);
		return ERR_SYNTAX;
	}
	if (cx->ndiag < TRACE_DIAG_KEEP) {
		char *d = malloc(strlen(cx->fname) + strlen(msg) + 32);

		if (d) {
			sprintf(d, "%s:%llu: %s", cx->fname,
				(unsigned long long)(line ? line : cx->line), msg);
			cx->diag[cx->ndiag++] = d;
		}
	}
	return 0;
}

int trace_rd_add(struct trace_rd_ctx *cx, uint64_t line, const char *user,
		 size_t ulen, int64_t connect, int64_t disconnect,
		 uint64_t in, uint64_t out, uint32_t flags)
{
	int rc;

	if (ulen == 0)
		return trace_rd_malformed(cx, line, "empty user name");
	if (ulen > TRACE_USER_MAX)
		return trace_rd_malformed(cx, line, "user name longer than %d bytes",
					  TRACE_USER_MAX);
	if (!trace_time_ok(connect) || !trace_time_ok(disconnect))
		return trace_rd_malformed(cx, line, "time outside 1970..2106");
	if (disconnect < connect)
		return trace_rd_malformed(cx, line, "disconnect before connect");
	rc = trace_add(cx->t, user, ulen, connect, disconnect, in, out, flags);
	if (rc == ERR_LIMIT)
		snprintf(cx->err, sizeof(cx->err), "%s:%llu: more than %u users or %u sessions",
			 cx->fname, (unsigned long long)(line ? line : cx->line),
			 TRACE_USERS_MAX, TRACE_SESSIONS_MAX);
	return rc;
}

/* ------------------------------------------------------------ reporting */

const char *trace_reader_error(const struct trace_reader *rd)
{
	return rd->cx.err;
}

uint64_t trace_reader_malformed(const struct trace_reader *rd)
{
	return rd->cx.malformed;
}

size_t trace_reader_diag_count(const struct trace_reader *rd)
{
	return rd->cx.ndiag;
}

const char *trace_reader_diag(const struct trace_reader *rd, size_t i)
{
	return i < rd->cx.ndiag ? rd->cx.diag[i] : NULL;
}

uint64_t trace_reader_open_closed(const struct trace_reader *rd)
{
	return rd->cx.open_closed;
}

enum trace_format trace_reader_last_format(const struct trace_reader *rd)
{
	return rd->cx.last;
}

/* ------------------------------------------------------------- dispatch */

static const struct trace_parser *detect(const char *head, size_t len)
{
	/* Skip a UTF-8 byte order mark. */
	if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) {
		head += 3;
		len -= 3;
	}
	for (size_t i = 0; i < NPARSERS; i++)
		if (parsers[i]->detect(head, len))
			return parsers[i];
	return NULL;
}

static int select_parser(struct trace_reader *rd, const char *head,
			 size_t len, const struct trace_parser **out)
{
	struct trace_rd_ctx *cx = &rd->cx;
	const struct trace_parser *p = NULL;

	if (cx->o.format == TRACE_FMT_AUTO) {
		p = detect(head, len < DETECT_BYTES ? len : DETECT_BYTES);
		if (!p) {
			snprintf(cx->err, sizeof(cx->err),
				 "%s: format not recognised (csv, radius, strongswan, asa); use --format",
				 cx->fname);
			return ERR_UNSUPPORTED;
		}
	} else {
		for (size_t i = 0; i < NPARSERS; i++)
			if (parsers[i]->format == cx->o.format)
				p = parsers[i];
		if (!p)
			return ERR_INVAL;
	}
	if (!cx->parser[p->format]) {
		cx->state[p->format] = p->state_new();
		if (!cx->state[p->format])
			return ERR_NOMEM;
		cx->parser[p->format] = p;
	}
	cx->last = p->format;
	p->file_start(cx->state[p->format], cx);
	*out = p;
	return 0;
}

/*
 * Hand the complete lines of data[0..len) to the parser; with at_eof the
 * last unterminated line too.  *used is how much was consumed.  A pending
 * over-long line is being skipped while *skipping.
 */
static int feed(struct trace_rd_ctx *cx, const struct trace_parser *p,
		const char *data, size_t len, bool at_eof, size_t *used,
		bool *skipping)
{
	void *st = cx->state[p->format];
	size_t pos = 0;
	int rc;

	for (;;) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end, llen;
		struct buf_reader r;

		if (!nl) {
			if (!at_eof || pos == len)
				break;
			end = len;
		} else {
			end = (size_t)(nl - data);
		}
		cx->line++;
		llen = end - pos;
		if (*skipping) {
			*skipping = false;
		} else if (llen > TRACE_LINE_MAX) {
			rc = trace_rd_malformed(cx, 0, "line longer than %d bytes",
						TRACE_LINE_MAX);
			if (rc)
				return rc;
		} else {
			if (llen && data[pos + llen - 1] == '\r')
				llen--;
			buf_reader_init(&r, data + pos, llen);
			if ((rc = p->line(st, cx, &r)) != 0)
				return rc;
		}
		pos = nl ? end + 1 : len;
	}
	/* An unterminated tail longer than a line can be is dropped now. */
	if (len - pos > TRACE_LINE_MAX) {
		if (!*skipping) {
			rc = trace_rd_malformed(cx, cx->line + 1,
						"line longer than %d bytes",
						TRACE_LINE_MAX);
			if (rc)
				return rc;
		}
		/* The newline that ends it will count the line. */
		*skipping = true;
		pos = len;
	}
	*used = pos;
	return p->flush ? p->flush(st, cx) : 0;
}

static void set_name(struct trace_rd_ctx *cx, const char *name)
{
	snprintf(cx->fname, sizeof(cx->fname), "%s", name);
	cx->line = 0;
}

int trace_reader_mem(struct trace_reader *rd, const char *name,
		     const void *data, size_t len)
{
	const struct trace_parser *p;
	size_t used;
	bool skipping = false;
	int rc;

	set_name(&rd->cx, name);
	if ((rc = select_parser(rd, data, len, &p)) != 0)
		return rc;
	rc = feed(&rd->cx, p, data, len, true, &used, &skipping);
	if (!rc)
		rc = p->file_end(rd->cx.state[p->format], &rd->cx);
	return rc;
}

struct source {
	int fd;
	gzFile gz;
};

static ssize_t src_read(struct source *s, char *buf, size_t n)
{
	if (s->gz) {
		int got = gzread(s->gz, buf, (unsigned)n);
		int zerr;

		if (got < 0) {
			(void)gzerror(s->gz, &zerr);
			errno = zerr == Z_ERRNO ? errno : EIO;
			return -1;
		}
		return got;
	}
	for (;;) {
		ssize_t got = read(s->fd, buf, n);

		if (got < 0 && errno == EINTR)
			continue;
		return got;
	}
}

/* Fill buf[*have..cap) as far as the source allows; false on error. */
static bool fill(struct source *s, char *buf, size_t cap, size_t *have,
		 bool *eof)
{
	while (*have < cap) {
		ssize_t got = src_read(s, buf + *have, cap - *have);

		if (got < 0)
			return false;
		if (got == 0) {
			*eof = true;
			break;
		}
		*have += (size_t)got;
	}
	return true;
}

int trace_reader_file(struct trace_reader *rd, const char *path)
{
	struct trace_rd_ctx *cx = &rd->cx;
	const struct trace_parser *p = NULL;
	struct source src = { .fd = -1 };
	size_t cap = CHUNK + TRACE_LINE_MAX, have = 0, used;
	bool eof = false, skipping = false;
	unsigned char magic[2];
	struct stat sb;
	char *buf = NULL;
	ssize_t m;
	int rc;

	set_name(cx, path);
	if (strcmp(path, "-") == 0) {
		/* Standard input: zlib reads plain data through unchanged. */
		src.fd = dup(0);
		if (src.fd < 0 || fstat(src.fd, &sb) != 0)
			goto io;
		m = 2;
		magic[0] = 0x1f;
		magic[1] = 0x8b;
	} else {
		src.fd = open(path, O_RDONLY | O_CLOEXEC);
		if (src.fd < 0)
			goto io;
		if (fstat(src.fd, &sb) != 0)
			goto io;
		m = pread(src.fd, magic, 2, 0);
	}
	if (m == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		src.gz = gzdopen(src.fd, "rb");
		if (!src.gz)
			goto io;
		src.fd = -1;	/* owned by zlib now */
		gzbuffer(src.gz, 256 * 1024);
	}
	buf = malloc(cap);
	if (!buf) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (!fill(&src, buf, cap, &have, &eof))
		goto io;
	if (have == 0) {
		/* An empty log (rotated with no traffic) adds nothing. */
		rc = 0;
		goto out;
	}
	if ((rc = select_parser(rd, buf, have, &p)) != 0)
		goto out;
	/* Canonical CSV: one session a line; size the array once. */
	if (p->format == TRACE_FMT_CSV && !src.gz && have) {
		const char *nl = memchr(buf, '\n', have);
		size_t lines = 0;

		for (const char *q = buf; (q = memchr(q, '\n', (size_t)(buf + have - q))); q++)
			lines++;
		if (nl && lines > 1)
			trace_reserve(cx->t, (size_t)((double)sb.st_size / ((double)have / (double)lines)) + 16);
	}
	for (;;) {
		rc = feed(cx, p, buf, have, eof, &used, &skipping);
		if (rc)
			goto out;
		if (eof)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
		if (!fill(&src, buf, cap, &have, &eof))
			goto io;
	}
	rc = p->file_end(cx->state[p->format], cx);
	goto out;
io:
	snprintf(cx->err, sizeof(cx->err), "%s: %s", path, strerror(errno));
	rc = ERR_IO;
out:
	if (src.gz)
		gzclose(src.gz);
	if (src.fd >= 0)
		close(src.fd);
	free(buf);
	return rc;
}

int trace_reader_finish(struct trace_reader *rd)
{
	struct trace_rd_ctx *cx = &rd->cx;
	int64_t first, last, end;
	int rc;

	/* The trace ends at the latest time seen anywhere in the input. */
	trace_span(cx->t, &first, &last);
	end = cx->tseen ? cx->tmax : 0;
	if (trace_count(cx->t) && last > end)
		end = last;
	snprintf(cx->fname, sizeof(cx->fname), "(end of input)");
	for (size_t i = 0; i < NFORMATS; i++) {
		if (!cx->parser[i] || !cx->parser[i]->finish)
			continue;
		rc = cx->parser[i]->finish(cx->state[i], cx, end);
		if (rc)
			return rc;
	}
	return 0;
}
