/*
 * trace_reader.c - from files to parser lines: gzip or plain input, line
 * splitting, format detection and the malformed-line report.
 *
 * Files are read in 1 MiB chunks (plain read() for plain files, zlib for
 * gzip ones, chosen by the magic bytes).  Large buffered reads rather than
 * mmap: a mapped file counts in the resident set page by page as it is
 * read, which would double the memory a large trace needs.  Every read
 * lands on a page-aligned address: the partial line left at the end of a
 * chunk is moved to just before the read area, not to the start of the
 * buffer, because the kernel's copy to a destination that is not 32-byte
 * aligned runs at a quarter of the speed on the AMD machines we measured
 * (0.5 s instead of 0.12 s of system time for a 765 MB file).  Lines are
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
/* Room before the read area for the partial line carried over (at most
 * TRACE_LINE_MAX bytes, see feed()), page-rounded to keep reads aligned. */
#define CARRY ((TRACE_LINE_MAX + 4095u) & ~4095u)
#define NFORMATS (TRACE_FMT_OPENVPN + 1)
/* How much of a file's head format detection looks at. */
#define DETECT_BYTES 16384
/* How much of a file's head sizes the session array (and the shards). */
#define HEAD_BYTES (256u * 1024)

struct trace_reader {
	struct trace_rd_ctx cx;
};

static const struct trace_parser *const parsers[] = {
	&trace_csv_parser,
	&trace_radius_parser,
	&trace_asa_parser,
	&trace_strongswan_parser,
	&trace_openvpn_parser,
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
	rd->cx.split_min = TRACE_SPLIT_MIN;
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

void trace_reader_set_split_min(struct trace_reader *rd, size_t bytes)
{
	rd->cx.split_min = bytes ? bytes : TRACE_SPLIT_MIN;
}

/* ------------------------------------------------- parser-facing context */

const struct trace_read_opts *trace_rd_opts(const struct trace_rd_ctx *cx)
{
	return &cx->o;
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
	if (!line)
		line = cx->line;
	if (cx->worker) {
		/* Line numbers are known when the parts are merged. */
		if (cx->o.strict) {
			snprintf(cx->err, sizeof(cx->err), "%s", msg);
			cx->err_line = line;
			return ERR_SYNTAX;
		}
		if (cx->ndiag < TRACE_DIAG_KEEP) {
			char *d = strdup(msg);

			if (d) {
				cx->diag_line[cx->ndiag] = line;
				cx->diag[cx->ndiag++] = d;
			}
		}
		return 0;
	}
	if (cx->o.strict) {
		snprintf(cx->err, sizeof(cx->err), "%s:%llu: %s", cx->fname,
			 (unsigned long long)line, msg);
		return ERR_SYNTAX;
	}
	if (cx->ndiag < TRACE_DIAG_KEEP) {
		char *d = malloc(strlen(cx->fname) + strlen(msg) + 32);

		if (d) {
			sprintf(d, "%s:%llu: %s", cx->fname,
				(unsigned long long)line, msg);
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
				 "%s: format not recognised (csv, radius, strongswan, asa, openvpn); use --format",
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
		const char *nl;
		size_t end, llen;
		struct buf_reader r;

		if (p->lines && !*skipping) {
			pos += p->lines(st, cx, data + pos, len - pos, &rc);
			if (rc) {
				if (p->flush)
					(void)p->flush(st, cx);
				return rc;
			}
		}
		nl = memchr(data + pos, '\n', len - pos);
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
			if ((rc = p->line(st, cx, &r)) != 0) {
				/* Keep what the lines before this one completed
				 * (a parser may hold them back in a batch). */
				if (p->flush)
					(void)p->flush(st, cx);
				return rc;
			}
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

struct source {
	int fd;
	gzFile gz;
	bool ranged;		/* pread [off, end) of fd */
	uint64_t off, end;
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
	if (s->ranged && n > s->end - s->off)
		n = (size_t)(s->end - s->off);
	for (;;) {
		ssize_t got = s->ranged ? pread(s->fd, buf, n, (off_t)s->off)
					: read(s->fd, buf, n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got > 0 && s->ranged)
			s->off += (uint64_t)got;
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

/* A read buffer: CARRY bytes for a partial line, then CHUNK to read into. */
static char *buf_new(void)
{
	return aligned_alloc(4096, CARRY + CHUNK);
}

/*
 * Feed everything the source yields to the parser.  The read area of buf
 * may already hold `got` bytes (the head, read for detection).
 */
static int pump(struct trace_rd_ctx *cx, const struct trace_parser *p,
		struct source *src, char *buf, size_t got, bool eof)
{
	char *area = buf + CARRY;
	size_t carry = 0, used;
	bool skipping = false;
	int rc;

	for (;;) {
		/* The data is the carried-over partial line, then the read. */
		rc = feed(cx, p, area - carry, carry + got, eof, &used, &skipping);
		if (rc)
			return rc;
		if (eof)
			return 0;
		{
			/* The unfinished line (<= TRACE_LINE_MAX bytes) goes
			 * just before the read area. */
			const char *tail = area - carry + used;
			size_t left = carry + got - used;

			memmove(area - left, tail, left);
			carry = left;
		}
		got = 0;
		if (!fill(src, area, CHUNK, &got, &eof)) {
			snprintf(cx->err, sizeof(cx->err), "%s: %s", cx->fname,
				 strerror(errno));
			return ERR_IO;
		}
	}
}

int trace_rd_range(struct trace_rd_ctx *cx, const struct trace_parser *p,
		   const struct trace_input *in, uint64_t start, uint64_t end)
{
	struct source src = { .fd = in->fd, .ranged = true, .off = start,
			      .end = end };
	char *buf;
	int rc;

	if (in->mem) {
		size_t used;
		bool skipping = false;

		return feed(cx, p, in->mem + start, (size_t)(end - start), true,
			    &used, &skipping);
	}
	if (!(buf = buf_new()))
		return ERR_NOMEM;
	rc = pump(cx, p, &src, buf, 0, start == end);
	free(buf);
	return rc;
}

/*
 * Bytes with random access (a regular file or memory), whose first hlen
 * bytes are in head: choose the parser, size the session array, and read
 * on as many threads as pay.
 */
static int read_plain(struct trace_reader *rd, const struct trace_input *in,
		      const char *head, size_t hlen)
{
	struct trace_rd_ctx *cx = &rd->cx;
	const struct trace_parser *p;
	double avg = 0;
	unsigned threads;
	int rc;

	if ((rc = select_parser(rd, head, hlen, &p)) != 0)
		return rc;
	{
		const char *nl, *end = head + (hlen < HEAD_BYTES ? hlen : HEAD_BYTES);
		size_t lines = 0;

		nl = memchr(head, '\n', (size_t)(end - head));
		for (const char *q = head; (q = memchr(q, '\n', (size_t)(end - q))); q++)
			lines++;
		if (nl && lines > 1)
			avg = (double)(end - head) / (double)lines;
	}
	/* Canonical CSV: one session a line; size the array once. */
	if (p->format == TRACE_FMT_CSV && avg > 0)
		trace_reserve(cx->t, (size_t)((double)in->size / avg) + 16);
	threads = trace_threads(cx->o.threads);
	if (threads > 1 && p->split_clone && avg > 0 &&
	    in->size / 2 >= cx->split_min)
		rc = trace_split_read(cx, p, in, 0, threads, avg);
	else
		rc = trace_rd_range(cx, p, in, 0, in->size);
	if (!rc)
		rc = p->file_end(cx->state[p->format], cx);
	return rc;
}

int trace_reader_mem(struct trace_reader *rd, const char *name,
		     const void *data, size_t len)
{
	struct trace_input in = { .fd = -1, .mem = data, .size = len };

	set_name(&rd->cx, name);
	return read_plain(rd, &in, data, len);
}

int trace_reader_file(struct trace_reader *rd, const char *path)
{
	struct trace_rd_ctx *cx = &rd->cx;
	const struct trace_parser *p = NULL;
	struct source src = { .fd = -1 };
	size_t got = 0;
	bool eof = false;
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
	if (!(buf = buf_new())) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (!src.gz && S_ISREG(sb.st_mode)) {
		/* A plain file: read its head, then in parts if it pays. */
		struct trace_input in = { .fd = src.fd, .size = (uint64_t)sb.st_size };

		src.ranged = true;
		src.end = in.size < HEAD_BYTES ? in.size : HEAD_BYTES;
		if (!fill(&src, buf + CARRY, (size_t)src.end, &got, &eof))
			goto io;
		in.size = in.size > got ? in.size : got;
		rc = got ? read_plain(rd, &in, buf + CARRY, got) : 0;
		goto out;
	}
	if (!fill(&src, buf + CARRY, CHUNK, &got, &eof))
		goto io;
	if (got == 0) {
		/* An empty log (rotated with no traffic) adds nothing. */
		rc = 0;
		goto out;
	}
	if ((rc = select_parser(rd, buf + CARRY, got, &p)) != 0)
		goto out;
	rc = pump(cx, p, &src, buf, got, eof);
	if (!rc)
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
