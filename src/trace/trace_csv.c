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
	bool canon;		/* columns in the canonical order: fast_line() */
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
	c->canon = c->ncols_needed == C_NCOLS;
	for (int k = 0; k < C_NCOLS; k++) {
		if (c->col[k] >= 0)
			c->colof[c->col[k]] = (signed char)k;
		if (c->col[k] != k)
			c->canon = false;
	}
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
	int rc = 0;

	/* Every pending line was checked by csv_line: a user of 1..255
	 * bytes, times in range, disconnect not before connect. */
	for (size_t i = 0; i < c->nbatch; i++) {
		struct pending *p = &c->batch[i];
		int64_t known = trace_map_lookup(&t->users, p->user, p->ulen, p->h);
		uint32_t id;

		if (known >= 0)
			id = (uint32_t)known;
		else if ((rc = trace_user_id(t, p->user, p->ulen, p->h, &id)) != 0)
			break;
		if (p->flags & TRACE_SESSION_OPEN) {
			/* Completed at the end of the trace (csv_finish). */
			if (c->nopen == c->open_cap) {
				size_t nc = c->open_cap ? c->open_cap * 2 : 64;
				struct open_sess *o = realloc(c->open, nc * sizeof(*o));

				if (!o) {
					rc = ERR_NOMEM;
					break;
				}
				c->open = o;
				c->open_cap = nc;
			}
			c->open[c->nopen++] = (struct open_sess){
				id, p->connect, p->in, p->out };
			continue;
		}
		if ((rc = trace_append(t, id, p->connect, p->disconnect, p->in,
				       p->out)) != 0)
			break;
	}
	c->nbatch = 0;
	return rc;
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

/* ------------------------------------------------------------ fast path */

static inline uint64_t load64(const char *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
	return v;
}

/* Offset of the first comma or newline in s[i..n), or n; sixteen bytes at
 * a time while sixteen are left (never reads past s[n - 1]). */
static inline size_t find_sep(const char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n');

	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(x, comma), _mm_cmpeq_epi8(x, nl)));

		if (m)
			return i + (unsigned)__builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if (s[i] == ',' || s[i] == '\n')
			break;
	return i;
}

/* Nonzero bytes where x has no ASCII digit (exact up to and including the
 * first such byte, which is all callers use). */
static inline uint64_t non_digits(uint64_t x)
{
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL;

	return ((x & hi) | (((x + 0x0606060606060606ULL) & hi) >> 4)) ^
	       0x3333333333333333ULL;
}

/*
 * fast_iso() for "YYYY-MM-DDTHH:MM:SSZ" (exactly 20 bytes at s): the same
 * checks and result, the time of day read eight bytes at once.
 */
static inline bool iso20(struct csv *c, const char *s, int64_t *t)
{
	const uint64_t dig = 0xffff00ffff00ffffULL;	/* "HH:MM:SS" digits */
	uint64_t x = load64(s + 11), d;
	unsigned h, mi, se;

	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[19] != 'Z' ||
	    (x & ~dig) != 0x00003a00003a0000ULL || (non_digits(x) & dig))
		return false;
	/* Each byte plus ten times the one before: HH, MM, SS land in
	 * bytes 0, 3 and 6 (at most 99 each, so nothing carries). */
	d = x & 0x0f0f000f0f000f0fULL;
	d = d * 10 + (d >> 8);
	h = (unsigned)(d & 0xff);
	mi = (unsigned)((d >> 24) & 0xff);
	se = (unsigned)((d >> 48) & 0xff);
	if (h > 23 || mi > 59 || se > 60)
		return false;
	if (load64(s) != load64(c->date) || memcmp(s + 8, c->date + 8, 2) != 0) {
		/* A new date: the general parser checks and caches it. */
		int64_t t0;

		if (!fast_iso(c, s, 20, &t0))
			return false;
	}
	*t = c->date_days * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/*
 * Plain decimal digits at s[*i..n), 1 to 19 of them, as parse_bytes()
 * reads them; *i ends past them.  Eight bytes at a time when the line has
 * eight more.
 */
static inline bool digits(const char *s, size_t *i, size_t n, uint64_t *v)
{
	size_t at = *i, len;
	uint64_t x = 0, w;

	if (at >= n)
		return false;
	if (at + 8 <= n)
		w = load64(s + at);
	else if (n >= 8)	/* the line's last bytes, moved down; zeros above */
		w = load64(s + n - 8) >> (8 * (at + 8 - n));
	else
		goto bytewise;
	{
		uint64_t nd = non_digits(w), y;

		len = nd ? (unsigned)__builtin_ctzll(nd) / 8 : 8;
		if (len == 0)
			return false;
		/* The len digits, most significant first, moved to the top
		 * so that leading zero bytes pad them to eight digits. */
		y = (w & 0x0f0f0f0f0f0f0f0fULL) << (8 * (8 - len));
		y = y * 10 + (y >> 8);
		y = (((y & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
		     (((y >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >> 32;
		x = y;
		at += len;
		if (len < 8) {
			*i = at;
			*v = x;
			return true;
		}
	}
bytewise:
	for (len = at - *i; at < n && len < 19; at++, len++) {
		unsigned d = (unsigned)(unsigned char)s[at] - '0';

		if (d > 9)
			break;
		x = x * 10 + d;
	}
	if (len == 0 || (at < n && (unsigned)(unsigned char)s[at] - '0' <= 9))
		return false;	/* none, or more than 19: the general path */
	*i = at;
	*v = x;
	return true;
}

/*
 * The line as reswand and synth write it: canonical columns, unquoted,
 * ISO 8601 UTC times, plain byte counts.  Parses s[0..n) up to the end
 * of bytes_out into *p and returns true, with *end just past it, exactly
 * as the general path below would read such a line; returns false,
 * having changed nothing but the date cache, for anything else
 * (including every malformed line, which the general path then reports).
 * A field never runs past a newline, so s may hold more lines.
 */
static inline bool fast_fields(struct csv *c, const char *s, size_t n,
			       struct pending *p, size_t *end)
{
	size_t a, b, i;
	int64_t tc, td;
	uint64_t in, out;

	/* The words read eight bytes at a time are taken as little-endian
	 * (first byte lowest); elsewhere the general path does it all. */
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
		return false;
	/* "u,s," + 2 x 21 bytes of time + "1,1" at the least. */
	if (n < 49 || s[0] == '"')
		return false;
	a = find_sep(s, 0, n);
	if (a == 0 || a > TRACE_USER_MAX || a + 45 >= n || s[a] != ',' ||
	    s[a + 1] == '"')
		return false;
	b = find_sep(s, a + 1, n);
	if (b + 44 >= n || s[b] != ',' || s[b + 21] != ',' || s[b + 42] != ',')
		return false;
	if (!iso20(c, s + b + 1, &tc) || !iso20(c, s + b + 22, &td))
		return false;
	i = b + 43;
	if (!digits(s, &i, n, &in) || i >= n || s[i] != ',')
		return false;
	i++;
	if (!digits(s, &i, n, &out))
		return false;
	if (!trace_time_ok(tc) || !trace_time_ok(td) || td < tc)
		return false;
	p->flags = 0;
	p->connect = tc;
	p->disconnect = td;
	p->in = in;
	p->out = out;
	p->user = s;
	p->ulen = (uint32_t)a;
	*end = i;
	return true;
}

/* Queue the session fast_fields() read from line `line`. */
static inline void fast_queue(struct csv *c, struct trace_rd_ctx *cx,
			      struct pending *p, uint64_t line)
{
	trace_rd_saw_time(cx, p->disconnect);
	p->line = line;
	p->h = trace_map_hash(p->user, p->ulen);
	trace_map_prefetch(trace_user_map(trace_rd_trace(cx)), p->h);
	c->nbatch++;
}

/* One line (s[0..n), no newline) by the fast path; false if not taken. */
static bool fast_line(struct csv *c, struct trace_rd_ctx *cx, const char *s,
		      size_t n)
{
	struct pending *p = &c->batch[c->nbatch];
	size_t i;

	if (!fast_fields(c, s, n, p, &i) || (i < n && s[i] != ','))
		return false;
	fast_queue(c, cx, p, trace_rd_line(cx));
	return true;
}

/*
 * The parser's lines hook: as many whole lines from data[0..len) as the
 * fast path takes, each ended by a newline (after an optional CR, or
 * after extra columns) and no longer than TRACE_LINE_MAX, as feed() would
 * have cut them; counts them in cx->line and returns the bytes used.
 */
static size_t csv_lines(void *st, struct trace_rd_ctx *cx, const char *data,
			size_t len, int *rc)
{
	struct csv *c = st;
	size_t pos = 0;

	*rc = 0;
	if (!c->canon || !c->have_header)
		return 0;
	while (pos < len) {
		const char *s = data + pos;
		size_t n = len - pos, i, raw, used;
		struct pending *p;

		if (c->nbatch == BATCH && (*rc = flush_batch(c, cx)) != 0)
			break;
		p = &c->batch[c->nbatch];
		if (!fast_fields(c, s, n, p, &i) || i >= n)
			break;
		if (s[i] == '\n') {
			raw = i;
			used = i + 1;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			raw = i + 1;
			used = i + 2;
		} else if (s[i] == ',') {
			const char *nl = memchr(s + i, '\n', n - i);

			if (!nl)
				break;
			raw = (size_t)(nl - s);
			used = raw + 1;
		} else {
			break;
		}
		if (raw > TRACE_LINE_MAX)
			break;
		fast_queue(c, cx, p, ++cx->line);
		pos += used;
	}
	return pos;
}

/* Any line: quoted fields, any column order, and every malformed line. */
static __attribute__((noinline)) int
csv_line_general(struct csv *c, struct trace_rd_ctx *cx, struct buf_reader *r)
{
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

static int csv_line(void *st, struct trace_rd_ctx *cx, struct buf_reader *r)
{
	struct csv *c = st;

	if (c->canon && c->have_header && !sc_eof(r) && sc_peek(r) != '#') {
		if (c->nbatch == BATCH) {
			int rc = flush_batch(c, cx);

			if (rc)
				return rc;
		}
		if (fast_line(c, cx, sc_ptr(r), r->len - r->off))
			return 0;
	}
	return csv_line_general(c, cx, r);
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

/* A state for any later line of this file: the columns, nothing else. */
static void *csv_split_clone(const void *st)
{
	const struct csv *c = st;
	struct csv *n;

	if (!c->have_header || !(n = calloc(1, sizeof(*n))))
		return NULL;
	n->have_header = true;
	memcpy(n->col, c->col, sizeof(n->col));
	memcpy(n->colof, c->colof, sizeof(n->colof));
	n->ncols_needed = c->ncols_needed;
	n->canon = c->canon;
	return n;
}

/* The clone's open sessions follow st's, in the parent's user ids. */
static int csv_split_merge(void *st, void *clone, const uint32_t *remap)
{
	struct csv *c = st, *w = clone;
	int rc = 0;

	if (w->nopen && c->nopen + w->nopen > c->open_cap) {
		size_t nc = c->open_cap ? c->open_cap : 64;
		struct open_sess *o;

		while (nc < c->nopen + w->nopen)
			nc *= 2;
		o = realloc(c->open, nc * sizeof(*o));
		if (!o) {
			rc = ERR_NOMEM;
			goto out;
		}
		c->open = o;
		c->open_cap = nc;
	}
	for (size_t i = 0; i < w->nopen; i++) {
		struct open_sess o = w->open[i];

		if (remap)
			o.user = remap[o.user];
		c->open[c->nopen++] = o;
	}
out:
	csv_free(w);
	return rc;
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
	.lines = csv_lines,
	.split_clone = csv_split_clone,
	.split_merge = csv_split_merge,
	/* "u,0,,,\n": a user, a connect time and four commas. */
	.split_line_min = 7,
};
