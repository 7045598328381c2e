/*
 * trace_csv.c - the canonical CSV: what reswand writes and what any log
 * can be converted to.
 *
 *   user,session_id,connect,disconnect,bytes_in,bytes_out[,more...]
 *
 * Columns are found by their header names (any order; unknown columns such
 * as the gateway's `setup` are ignored).  Times are ISO 8601 (UTC unless a
 * zone says otherwise) or epoch seconds; an empty disconnect means the
 * session was still open and it ends with the trace.  Fields may be quoted
 * as in RFC 4180.  A file without a header is read in the canonical order
 * when --format csv is given.
 *
 * This is the hot path for large traces: lines are scanned by hand and
 * users are interned in batches, the hash-table slots of a whole batch
 * prefetched before any is looked up, which hides most cache misses.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "trace/trace_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum col { C_USER, C_SID, C_CONNECT, C_DISCONNECT, C_IN, C_OUT, C_NCOLS };

static const char *const col_names[C_NCOLS] = {
	"user", "session_id", "connect", "disconnect", "bytes_in", "bytes_out",
};

#define BATCH 64
/* Most columns a header may declare. */
#define CSV_MAX_COLS 64

struct pending {
	const char *user;
	uint32_t ulen;
	uint32_t flags;
	uint64_t h;
	int64_t connect, disconnect;
	uint64_t in, out;
	uint64_t line;
};

struct open_sess {
	uint32_t user;
	int64_t connect;
	uint64_t in, out;
};

struct csv {
	bool have_header;
	int col[C_NCOLS];	/* field index of each column */
	signed char colof[CSV_MAX_COLS]; /* column of each field index, or -1 */
	int ncols_needed;	/* 1 + highest index we read */
	struct pending batch[BATCH];
	size_t nbatch;
	struct open_sess *open;
	size_t nopen, open_cap;
	char quoted[TRACE_USER_MAX + 1];
	char date[10];		/* last "YYYY-MM-DD" seen by fast_iso */
	int64_t date_days;	/* its day number */
};

static void *csv_new(void)
{
	return calloc(1, sizeof(struct csv));
}

static void csv_free(void *st)
{
	struct csv *c = st;

	if (c)
		free(c->open);
	free(c);
}

static void set_colof(struct csv *c)
{
	memset(c->colof, -1, sizeof(c->colof));
	for (int k = 0; k < C_NCOLS; k++)
		if (c->col[k] >= 0)
			c->colof[c->col[k]] = (signed char)k;
}

static void canonical(struct csv *c)
{
	for (int i = 0; i < C_NCOLS; i++)
		c->col[i] = i;
	c->ncols_needed = C_NCOLS;
	set_colof(c);
}

static void csv_file_start(void *st, struct trace_rd_ctx *cx)
{
	struct csv *c = st;

	(void)cx;
	c->have_header = false;
}

/* Does the line name the canonical columns? Fills c->col if so. */
static bool parse_header(struct csv *c, const char *s, size_t n)
{
	int col[C_NCOLS];
	int idx = 0, maxi = 0;
	size_t i = 0;

	for (int k = 0; k < C_NCOLS; k++)
		col[k] = -1;
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i <= n && idx < CSV_MAX_COLS) {
		size_t a = i, b;

		while (i < n && s[i] != ',')
			i++;
		b = i;
		while (a < b && (s[a] == ' ' || s[a] == '"'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '"'))
			b--;
		for (int k = 0; k < C_NCOLS; k++) {
			if (col[k] < 0 && strlen(col_names[k]) == b - a &&
			    strncasecmp(s + a, col_names[k], b - a) == 0) {
				col[k] = idx;
				if (idx > maxi)
					maxi = idx;
			}
		}
		idx++;
		i++;
	}
	for (int k = 0; k < C_NCOLS; k++)
		if (k != C_SID && col[k] < 0)
			return false;
	memcpy(c->col, col, sizeof(col));
	c->ncols_needed = maxi + 1;
	set_colof(c);
	return true;
}

static bool csv_detect(const char *head, size_t len)
{
	struct csv c;
	const char *nl = memchr(head, '\n', len);
	size_t n = nl ? (size_t)(nl - head) : len;

	if (n && head[n - 1] == '\r')
		n--;
	return parse_header(&c, head, n);
}

static int flush_batch(struct csv *c, struct trace_rd_ctx *cx)
{
	struct trace *t = trace_rd_trace(cx);
	int rc;

	for (size_t i = 0; i < c->nbatch; i++) {
		struct pending *p = &c->batch[i];
		uint32_t id;

		rc = trace_user_id(t, p->user, p->ulen, p->h, &id);
		if (rc == 0 && p->flags & TRACE_SESSION_OPEN) {
			/* Completed at the end of the trace (csv_finish). */
			if (c->nopen == c->open_cap) {
				size_t nc = c->open_cap ? c->open_cap * 2 : 64;
				struct open_sess *o = realloc(c->open, nc * sizeof(*o));

				if (!o)
					return ERR_NOMEM;
				c->open = o;
				c->open_cap = nc;
			}
			c->open[c->nopen++] = (struct open_sess){
				id, p->connect, p->in, p->out };
			continue;
		}
		if (rc == 0)
			rc = trace_add_id(t, id, p->connect, p->disconnect,
					  p->in, p->out, 0);
		if (rc) {
			c->nbatch = 0;
			return rc;
		}
	}
	c->nbatch = 0;
	return 0;
}

static int csv_flush(void *st, struct trace_rd_ctx *cx)
{
	return flush_batch(st, cx);
}

/*
 * Next field: [*s, *s + *n).  A quoted field is unescaped into buf (at
 * most cap bytes) when it needs to be.  The cursor ends past the comma.
 */
static bool field(struct buf_reader *r, const char **s, size_t *n, char *buf,
		  size_t cap)
{
	if (sc_peek(r) != '"') {
		sc_until(r, ',', s, n);
		(void)sc_char(r, ',');
		return true;
	}
	r->off++;
	{
		size_t k = 0;

		for (;;) {
			int ch = sc_peek(r);

			if (ch < 0)
				return false;	/* unterminated quote */
			r->off++;
			if (ch == '"') {
				if (sc_peek(r) != '"')
					break;
				r->off++;
			}
			if (k == cap)
				return false;
			buf[k++] = (char)ch;
		}
		*s = buf;
		*n = k;
	}
	if (!sc_eof(r) && !sc_char(r, ','))
		return false;
	return true;
}

/*
 * "YYYY-MM-DDTHH:MM:SSZ", what reswand and synth write: no detours, and
 * the day number of the last date seen is reused (logs come in time order,
 * so most lines share their neighbour's date).
 */
static bool fast_iso(struct csv *c, const char *s, size_t n, int64_t *t)
{
	unsigned v[6];
	bool same;

	if (n != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return false;
	{
		static const unsigned char pos[6] = { 11, 12, 14, 15, 17, 18 };

		for (int i = 0; i < 6; i++) {
			v[i] = (unsigned)(unsigned char)s[pos[i]] - '0';
			if (v[i] > 9)
				return false;
		}
	}
	{
		uint64_t a, b;
		uint16_t x, y;

		memcpy(&a, s, 8);
		memcpy(&b, c->date, 8);
		memcpy(&x, s + 8, 2);
		memcpy(&y, c->date + 8, 2);
		same = a == b && x == y;
	}
	if (!same) {
		static const unsigned char dpos[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
		unsigned d[8], y, mo, dd;

		for (int i = 0; i < 8; i++) {
			d[i] = (unsigned)(unsigned char)s[dpos[i]] - '0';
			if (d[i] > 9)
				return false;
		}
		y = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
		mo = d[4] * 10 + d[5];
		dd = d[6] * 10 + d[7];
		if (mo < 1 || mo > 12 || dd < 1 || dd > 31)
			return false;
		c->date_days = trace_time_civil((int)y, mo, dd, 0, 0, 0) / 86400;
		memcpy(c->date, s, 10);
	}
	{
		unsigned h = v[0] * 10 + v[1], mi = v[2] * 10 + v[3],
			 se = v[4] * 10 + v[5];

		if (h > 23 || mi > 59 || se > 60)
			return false;
		*t = c->date_days * 86400 + h * 3600 + mi * 60 + se;
	}
	return true;
}

static bool parse_time(struct csv *c, const char *s, size_t n, int64_t *t)
{
	struct buf_reader r;

	if (fast_iso(c, s, n, t))
		return true;

	while (n && s[0] == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	r = (struct buf_reader){ .p = (const uint8_t *)s, .len = n };
	return trace_time_iso(&r, true, t) && sc_eof(&r);
}

static bool parse_bytes(const char *s, size_t n, uint64_t *v)
{
	struct buf_reader r;
	uint64_t x = 0;
	size_t i;

	/* Plain digits, the usual case. */
	for (i = 0; i < n && i < 19; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';

		if (d > 9)
			break;
		x = x * 10 + d;
	}
	if (i == n && n) {
		*v = x;
		return true;
	}
	while (n && s[0] == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 0) {
		*v = 0;
		return true;
	}
	r = (struct buf_reader){ .p = (const uint8_t *)s, .len = n };
	return sc_u64(&r, v) && sc_eof(&r);
}

/*
 * Offsets of the first `max` commas of s[0..n); false if a double quote
 * comes first (such a line takes the general path).  Sixteen bytes at a
 * time where SSE2 is there; never reads outside the line.
 */
static bool find_commas(const char *s, size_t n, uint32_t *pos, size_t max,
			size_t *count)
{
	size_t k = 0, i = 0;

#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), dq = _mm_set1_epi8('"');

	for (; i + 16 <= n && k < max; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, dq)))
			return false;
		while (m && k < max) {
			pos[k++] = (uint32_t)(i + (unsigned)__builtin_ctz(m));
			m &= m - 1;
		}
	}
#endif
	for (; i < n && k < max; i++) {
		if (s[i] == '"')
			return false;
		if (s[i] == ',')
			pos[k++] = (uint32_t)i;
	}
	*count = k;
	return true;
}

static int csv_line(void *st, struct trace_rd_ctx *cx, struct buf_reader *r)
{
	struct csv *c = st;
	const char *f[C_NCOLS] = { 0 };
	size_t fl[C_NCOLS] = { 0 };
	bool quoted_user = false;
	struct pending *p;
	char scratch[64];
	int idx;

	if (sc_eof(r) || sc_peek(r) == '#')
		return 0;
	if (!c->have_header) {
		c->have_header = true;
		if (parse_header(c, sc_ptr(r), r->len))
			return 0;
		/* No header: only when told the format is csv. */
		canonical(c);
	}
	{
		uint32_t pos[CSV_MAX_COLS];
		size_t nc = 0;
		const char *line = sc_ptr(r);

		if (r->len <= UINT32_MAX &&
		    find_commas(line, r->len, pos, (size_t)c->ncols_needed - 1, &nc) &&
		    nc == (size_t)c->ncols_needed - 1) {
			/* Unquoted and complete: cut the fields in place. */
			size_t a = 0;

			for (idx = 0; idx < c->ncols_needed; idx++) {
				size_t b = idx < c->ncols_needed - 1 ? pos[idx] : r->len;
				int k = c->colof[idx];

				if (idx == c->ncols_needed - 1) {
					/* Extra columns follow: stop at the next comma. */
					const char *cm = memchr(line + a, ',', b - a);

					if (cm)
						b = (size_t)(cm - line);
				}
				if (k >= 0) {
					f[k] = line + a;
					fl[k] = b - a;
				}
				a = b + 1;
			}
			goto fields_done;
		}
	}
	for (idx = 0; idx < c->ncols_needed; idx++) {
		const char *s;
		size_t n;
		int k;
		bool is_user = idx == c->col[C_USER];

		if (sc_eof(r) && idx > 0 && r->p[r->len - 1] != ',')
			break;
		if (!field(r, &s, &n, is_user ? c->quoted : scratch,
			   is_user ? sizeof(c->quoted) - 1 : sizeof(scratch)))
			return trace_rd_malformed(cx, 0, "bad quoting or field too long in column %d",
						  idx + 1);
		if ((k = c->colof[idx]) >= 0) {
			f[k] = s;
			fl[k] = n;
			if (k == C_USER && s == c->quoted)
				quoted_user = true;
		}
	}
	if (idx < c->ncols_needed)
		return trace_rd_malformed(cx, 0, "expected at least %d fields, found %d",
					  c->ncols_needed, idx);
fields_done:
	if (c->nbatch == BATCH) {
		int rc = flush_batch(c, cx);

		if (rc)
			return rc;
	}
	p = &c->batch[c->nbatch];
	p->flags = 0;
	if (!f[C_USER] || fl[C_USER] == 0)
		return trace_rd_malformed(cx, 0, "empty user");
	if (fl[C_USER] > TRACE_USER_MAX)
		return trace_rd_malformed(cx, 0, "user name longer than %d bytes",
					  TRACE_USER_MAX);
	if (!parse_time(c, f[C_CONNECT], fl[C_CONNECT], &p->connect))
		return trace_rd_malformed(cx, 0, "bad connect time '%.*s'",
					  (int)(fl[C_CONNECT] > 40 ? 40 : fl[C_CONNECT]),
					  f[C_CONNECT]);
	if (fl[C_DISCONNECT] == 0) {
		p->flags = TRACE_SESSION_OPEN;
		p->disconnect = p->connect;
	} else if (!parse_time(c, f[C_DISCONNECT], fl[C_DISCONNECT], &p->disconnect)) {
		return trace_rd_malformed(cx, 0, "bad disconnect time '%.*s'",
					  (int)(fl[C_DISCONNECT] > 40 ? 40 : fl[C_DISCONNECT]),
					  f[C_DISCONNECT]);
	}
	if (!parse_bytes(f[C_IN], fl[C_IN], &p->in))
		return trace_rd_malformed(cx, 0, "bad bytes_in");
	if (!parse_bytes(f[C_OUT], fl[C_OUT], &p->out))
		return trace_rd_malformed(cx, 0, "bad bytes_out");
	if (!trace_time_ok(p->connect) || !trace_time_ok(p->disconnect))
		return trace_rd_malformed(cx, 0, "time outside 1970..2106");
	if (p->disconnect < p->connect)
		return trace_rd_malformed(cx, 0, "disconnect before connect");
	trace_rd_saw_time(cx, p->disconnect);
	p->line = trace_rd_line(cx);
	p->ulen = (uint32_t)fl[C_USER];
	p->h = trace_map_hash(f[C_USER], fl[C_USER]);
	if (quoted_user) {
		/* The unescaped name lives in c->quoted: intern it now. */
		p->user = f[C_USER];
		c->nbatch++;
		return flush_batch(c, cx);
	}
	p->user = f[C_USER];
	trace_map_prefetch(trace_user_map(trace_rd_trace(cx)), p->h);
	c->nbatch++;
	return 0;
}

static int csv_file_end(void *st, struct trace_rd_ctx *cx)
{
	return flush_batch(st, cx);
}

static int csv_finish(void *st, struct trace_rd_ctx *cx, int64_t end)
{
	struct csv *c = st;
	int rc;

	for (size_t i = 0; i < c->nopen; i++) {
		struct open_sess *o = &c->open[i];

		rc = trace_add_id(trace_rd_trace(cx), o->user, o->connect,
				  end > o->connect ? end : o->connect, o->in,
				  o->out, TRACE_SESSION_OPEN);
		if (rc)
			return rc;
		trace_rd_count_open(cx);
	}
	c->nopen = 0;
	return 0;
}

const struct trace_parser trace_csv_parser = {
	.format = TRACE_FMT_CSV,
	.name = "csv",
	.detect = csv_detect,
	.state_new = csv_new,
	.state_free = csv_free,
	.file_start = csv_file_start,
	.line = csv_line,
	.flush = csv_flush,
	.file_end = csv_file_end,
	.finish = csv_finish,
};
