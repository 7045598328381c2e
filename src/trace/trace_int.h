/*
 * trace_int.h - what the trace module's files share and nobody else sees:
 * the text cursor the log parsers read through, the string map, time
 * parsing, the session store and its shards, the parser interface and the
 * worker threads.
 *
 * Log lines are untrusted: every parser reads a line through a struct
 * buf_reader (common/buf.h) with the small inline helpers below, each of
 * which checks the bytes are there before it looks at them and leaves the
 * cursor unchanged when it fails.
 */
#ifndef RESWAN_TRACE_TRACE_INT_H
#define RESWAN_TRACE_TRACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "trace/trace.h"

/* ---------------------------------------------------------- text cursor */

static inline bool sc_eof(const struct buf_reader *r)
{
	return r->off >= r->len;
}

/* Next byte or -1 at the end. */
static inline int sc_peek(const struct buf_reader *r)
{
	return r->off < r->len ? r->p[r->off] : -1;
}

static inline const char *sc_ptr(const struct buf_reader *r)
{
	return (const char *)r->p + r->off;
}

static inline bool sc_char(struct buf_reader *r, char c)
{
	if (r->off < r->len && r->p[r->off] == (uint8_t)c) {
		r->off++;
		return true;
	}
	return false;
}

/* Consume the literal s if it comes next. */
static inline bool sc_lit(struct buf_reader *r, const char *s)
{
	size_t n = strlen(s);

	if (r->len - r->off < n || memcmp(r->p + r->off, s, n) != 0)
		return false;
	r->off += n;
	return true;
}

static inline void sc_spaces(struct buf_reader *r)
{
	while (r->off < r->len && (r->p[r->off] == ' ' || r->p[r->off] == '\t'))
		r->off++;
}

/* Unsigned decimal; false (cursor unchanged) if no digit or overflow. */
static inline bool sc_u64(struct buf_reader *r, uint64_t *v)
{
	size_t o = r->off;
	uint64_t x = 0;

	while (o < r->len && r->p[o] >= '0' && r->p[o] <= '9') {
		unsigned d = r->p[o] - '0';

		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
		o++;
	}
	if (o == r->off)
		return false;
	r->off = o;
	*v = x;
	return true;
}

/* Exactly n decimal digits. */
static inline bool sc_digits(struct buf_reader *r, unsigned n, unsigned *v)
{
	unsigned x = 0;

	if (r->len - r->off < n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		uint8_t c = r->p[r->off + i];

		if (c < '0' || c > '9')
			return false;
		x = x * 10 + (c - '0');
	}
	r->off += n;
	*v = x;
	return true;
}

/* Advance to just past the first occurrence of s; false if absent. */
static inline bool sc_find(struct buf_reader *r, const char *s)
{
	size_t n = strlen(s);
	const void *hit;

	if (r->len - r->off < n)
		return false;
	hit = memmem(r->p + r->off, r->len - r->off, s, n);
	if (!hit)
		return false;
	r->off = (size_t)((const uint8_t *)hit - r->p) + n;
	return true;
}

/* Take bytes up to (not including) c or the end; the cursor stops at c. */
static inline void sc_until(struct buf_reader *r, char c, const char **s,
			    size_t *n)
{
	const uint8_t *hit = memchr(r->p + r->off, c, r->len - r->off);
	size_t end = hit ? (size_t)(hit - r->p) : r->len;

	*s = (const char *)r->p + r->off;
	*n = end - r->off;
	r->off = end;
}

/* ------------------------------------------------------------- time */

/* Seconds since the epoch of a proleptic Gregorian UTC date and time. */
int64_t trace_time_civil(int y, unsigned mon, unsigned d, unsigned h,
			 unsigned mi, unsigned s);
/* "Jan".."Dec" -> 1..12; 0 otherwise. Consumes three bytes on success. */
unsigned trace_time_month(struct buf_reader *r);
/*
 * ISO 8601: YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+HH:MM|-HH:MM|+HHMM]; the
 * result is UTC.  Also epoch seconds (digits, optional fraction) when
 * allow_epoch.  Fractions are truncated.
 */
bool trace_time_iso(struct buf_reader *r, bool allow_epoch, int64_t *t);
/* "HH:MM:SS" after a date. */
bool trace_time_hms(struct buf_reader *r, unsigned *h, unsigned *m,
		    unsigned *s);

/*
 * ctime(3) style, "Www Mmm dd hh:mm:ss yyyy" (day space-padded), as
 * FreeRADIUS detail files and OpenVPN 2.4 logs write it; the weekday is
 * not checked.  Leaves the cursor after the year; unchanged on failure.
 */
bool trace_time_ctime(struct buf_reader *r, int64_t *t);

/*
 * Year tracking for syslog stamps ("Nov 28 19:04:46") that carry none:
 * starts at the configured year and moves on when the month runs
 * backwards by more than six months (a log crossing New Year).
 */
struct trace_year {
	int year;
	unsigned last_month;
};

/*
 * A syslog-style line prefix: optional "<pri>", then one of
 *   YYYY-MM-DD[T ]HH:MM:SS...   (ISO, with optional zone)
 *   Mmm dd YYYY HH:MM:SS        (Cisco "logging timestamp")
 *   Mmm dd HH:MM:SS             (BSD syslog, year from *y)
 * Leaves the cursor after the stamp.
 */
bool trace_time_syslog(struct buf_reader *r, struct trace_year *y,
		       int64_t *t);

/* ------------------------------------------------------------ string map */

/*
 * Open-addressing hash map from byte strings to dense ids 0, 1, 2, ...
 * in insertion order.  Keys are copied into an arena (for trace_map_key)
 * and, up to TRACE_MAP_INLINE bytes, into the slot itself, so a lookup
 * touches one cache line; nothing is ever removed.  Used to intern users
 * and to find parser state by session key.
 */
#define TRACE_MAP_INLINE 23

struct trace_map_slot {
	uint32_t hi;		/* top 32 bits of the hash */
	uint32_t id1;		/* id + 1; 0 = empty */
	uint8_t len;
	char key[TRACE_MAP_INLINE];
};

struct trace_map {
	struct trace_map_slot *slots;
	size_t nslots;		/* power of two */
	unsigned bits;		/* log2(nslots) */
	uint32_t count;
	uint32_t max;		/* cap on entries */
	uint64_t *offs;		/* id -> (arena offset << 8) | length */
	size_t offs_cap;
	char *arena;
	size_t arena_len, arena_cap;
};

void trace_map_init(struct trace_map *m, uint32_t max);
void trace_map_release(struct trace_map *m);
/*
 * Grow an array kept in parallel with a map's ids so that index id exists,
 * doubling; new entries are UINT32_MAX (none).  ERR_NOMEM leaves *a and
 * *cap unchanged.
 */
int trace_map_ensure_u32(uint32_t **a, size_t *cap, uint32_t id);

static inline uint64_t trace_rd32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t trace_rd64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The 128-bit product of a and b, folded to 64 bits. */
static inline uint64_t trace_fold(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

#define TRACE_HASH_K1 0x452821e638d01377ULL
#define TRACE_HASH_K2 0xbe5466cf34e90c6dULL

/* trace_map_hash() of a key longer than 16 bytes, h its seed. */
uint64_t trace_map_hash_long(const char *s, size_t n, uint64_t h);

/*
 * 64-bit hash of a key, for the map (its top bits pick the slot).  Keys
 * of up to 16 bytes (user names, nearly always) are read as two pairs of
 * possibly overlapping 4-byte words, without a loop or a call; longer
 * ones 16 bytes a round, out of line.  Each round is a multiply folded to 64 bits.
 * Not keyed: the map's ids do not depend on the hash, only its speed.
 */
static inline uint64_t trace_map_hash(const char *s, size_t n)
{
	const uint64_t k1 = TRACE_HASH_K1, k2 = TRACE_HASH_K2;
	uint64_t a, b, h = ((uint64_t)n * 0x9e3779b97f4a7c15ULL) ^ 0x243f6a8885a308d3ULL;

	if (n <= 16) {
		if (n >= 4) {
			size_t q = (n >> 3) << 2;	/* 0 up to 7 bytes, 4 from 8 */

			a = (trace_rd32(s) << 32) | trace_rd32(s + q);
			b = (trace_rd32(s + n - 4) << 32) | trace_rd32(s + n - 4 - q);
		} else if (n) {
			a = ((uint64_t)(uint8_t)s[0] << 16) |
			    ((uint64_t)(uint8_t)s[n >> 1] << 8) | (uint8_t)s[n - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		return trace_map_hash_long(s, n, h);
	}
	return trace_fold(h ^ k2, trace_fold(a ^ k1, b ^ h));
}

/* Short equal-length compare, word by word (no call into libc): the
 * tail as one word that overlaps the last one compared. */
static inline bool trace_short_eq(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		for (; n > 8; a += 8, b += 8, n -= 8)
			if (trace_rd64(a) != trace_rd64(b))
				return false;
		return trace_rd64(a + n - 8) == trace_rd64(b + n - 8);
	}
	if (n >= 4)
		return trace_rd32(a) == trace_rd32(b) &&
		       trace_rd32(a + n - 4) == trace_rd32(b + n - 4);
	return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
}

/* Id of s (hash h), or -1: the lookup half of trace_map_get(), inline
 * for the readers' hot loops. */
static inline int64_t trace_map_lookup(const struct trace_map *m,
				       const char *s, size_t n, uint64_t h)
{
	uint32_t hi = (uint32_t)(h >> 32);
	size_t j;

	if (!m->nslots)
		return -1;
	j = h >> (64 - m->bits);
	for (;;) {
		const struct trace_map_slot *sl = &m->slots[j];

		if (!sl->id1)
			return -1;
		if (sl->hi == hi && sl->len == n) {
			if (n <= TRACE_MAP_INLINE ? trace_short_eq(sl->key, s, n)
			    : memcmp(m->arena + (m->offs[sl->id1 - 1] >> 8), s, n) == 0)
				return sl->id1 - 1;
		}
		j = (j + 1) & (m->nslots - 1);
	}
}

/*
 * Find s (len n <= 255, hash h from trace_map_hash) or insert it; *id is
 * its id, *added whether it is new.  ERR_LIMIT past max entries, ERR_INVAL
 * for n > 255, ERR_NOMEM; the map is unchanged on failure.
 */
int trace_map_get(struct trace_map *m, const char *s, size_t n, uint64_t h,
		  uint32_t *id, bool *added);
/* Look up only; -1 if absent. */
int64_t trace_map_find(const struct trace_map *m, const char *s, size_t n);
const char *trace_map_key(const struct trace_map *m, uint32_t id, size_t *n);
/* Hint the CPU to fetch the slot for hash h (batch interning). */
static inline void trace_map_prefetch(const struct trace_map *m, uint64_t h)
{
	if (m->slots)
		__builtin_prefetch(&m->slots[h >> (64 - m->bits)]);
}

/* ------------------------------------------------------- session store */

struct trace {
	struct trace_session *s;
	size_t n, cap;
	bool borrowed;		/* s lies in another trace's array (a shard) */
	struct trace_map users;
	int64_t first, last;
};

/* Intern a user: the trace's map, exposed to the readers' fast path. */
int trace_user_id(struct trace *t, const char *s, size_t n, uint64_t h,
		  uint32_t *id);
int trace_add_id(struct trace *t, uint32_t user, int64_t connect,
		 int64_t disconnect, uint64_t bytes_in, uint64_t bytes_out,
		 uint32_t flags);
/* Reserve room for about n more sessions (a hint; may do nothing). */
void trace_reserve(struct trace *t, size_t n);
static inline struct trace_map *trace_user_map(struct trace *t)
{
	return &t->users;
}

/* Make the array hold at least `want` sessions: ERR_LIMIT, ERR_NOMEM
 * (unchanged then). */
int trace_grow(struct trace *t, size_t want);

/*
 * Add a session the caller has checked (times in range, disconnect not
 * before connect, user an id of t): trace_add_id() without the checks,
 * for the readers' hot loops.  ERR_LIMIT, ERR_NOMEM.
 */
static inline int trace_append(struct trace *t, uint32_t user, int64_t connect,
			       int64_t disconnect, uint64_t in, uint64_t out)
{
	struct trace_session *x;

	if (t->n == t->cap) {
		int rc = trace_grow(t, t->n + 1);

		if (rc)
			return rc;
	}
	x = &t->s[t->n++];
	x->user = user;
	x->connect = (uint32_t)connect;
	x->duration = (uint32_t)(disconnect - connect);
	x->flags = 0;
	x->bytes_in = in;
	x->bytes_out = out;
	if (t->n == 1 || connect < t->first)
		t->first = connect;
	if (t->n == 1 || disconnect > t->last)
		t->last = disconnect;
	return 0;
}
/* The sorts (trace_sort.c) reorder the array in place. */
struct trace_session *trace_sessions_mut(struct trace *t);
/* After editing sessions in place: recompute the first/last times. */
void trace_recompute_span(struct trace *t);

/*
 * Shards: several threads adding sessions to one trace at once, each to
 * its own struct trace, merged afterwards exactly as if one thread had
 * added them all in shard order.
 *
 * Shard k writes into a region of the parent's array reserved for it
 * (cap[k] sessions, an estimate), so the sessions are never copied to a
 * second array: the peak memory stays one array.  A shard that outgrows
 * its region moves to an array of its own (correct, only slower).  Shard 0
 * interns users in the parent's own map, so its ids are final; shards
 * 1.. have maps of their own whose ids are translated when merging (each
 * new name gets the next parent id, in shard order, so ids are in order of
 * first appearance, as sequential reading gives).
 */
#define TRACE_SHARDS_MAX 64

struct trace_shards {
	struct trace *t;		/* parent */
	size_t n;			/* shards */
	size_t kept;			/* shards merged by trace_shards_end() */
	size_t base;			/* parent's session count at the start */
	size_t off[TRACE_SHARDS_MAX];	/* region k: parent array + base + off[k] */
	size_t cap[TRACE_SHARDS_MAX];
	struct trace *sh[TRACE_SHARDS_MAX];
	uint32_t *remap[TRACE_SHARDS_MAX]; /* shard id -> parent id (k >= 1) */
};

/*
 * Reserve the regions and create n (1..TRACE_SHARDS_MAX) shards.  The
 * parent must not be touched until trace_shards_end().  ERR_NOMEM,
 * ERR_LIMIT; nothing changed on failure.
 */
int trace_shards_begin(struct trace_shards *sp, struct trace *t,
		       const size_t *cap, size_t n);
/*
 * Merge shards 0..keep-1 into the parent in order and free every shard
 * (those from keep on are discarded).  Afterwards remap[k] translates
 * shard k's user ids (NULL for shard 0, whose ids are the parent's), until
 * trace_shards_release().  sp->kept says how many were merged: fewer
 * than keep after ERR_NOMEM or ERR_LIMIT while interning, when the
 * sessions of the shard that failed and of those after it are discarded
 * (a reader's failure keeps what came before it).
 */
int trace_shards_end(struct trace_shards *sp, size_t keep);
void trace_shards_release(struct trace_shards *sp);

/* --------------------------------------------------------------- threads */

/* Most threads a trace operation uses, asked for or not. */
#define TRACE_THREADS_MAX TRACE_SHARDS_MAX
/* Most threads chosen automatically (one a CPU up to this). */
#define TRACE_THREADS_AUTO 8

/*
 * Threads to use: `requested` if nonzero, else RESWAN_TRACE_THREADS from
 * the environment if it is a number in 1..TRACE_THREADS_MAX, else the
 * online CPUs up to TRACE_THREADS_AUTO; never more than
 * TRACE_THREADS_MAX.
 */
unsigned trace_threads(unsigned requested);

/*
 * Run fn(arg, k) for k = 0..n-1: k = 0 on the calling thread, the others
 * on threads of their own, and return when all are done.  A thread that
 * cannot be created runs its part on the calling thread afterwards, so
 * results never depend on how many threads there were.
 */
void trace_threads_run(unsigned n, void (*fn)(void *arg, unsigned k),
		       void *arg);

/* --------------------------------------------------------------- parsers */

struct trace_parser;

/*
 * A reader's context: one per reader, plus one per worker while a file is
 * read in parallel parts (trace_split.c).  A worker's context reports
 * malformed lines with line numbers counted from the start of its part;
 * the messages are completed with the real numbers when it is merged.
 */
struct trace_rd_ctx {
	struct trace *t;
	struct trace_read_opts o;
	char fname[256];
	uint64_t line;
	uint64_t malformed;
	char *diag[TRACE_DIAG_KEEP];
	uint64_t diag_line[TRACE_DIAG_KEEP];	/* worker: part-relative line */
	size_t ndiag;
	char err[512];
	uint64_t err_line;	/* worker: line of err, 0 if none */
	int64_t tmax;
	bool tseen;
	bool worker;
	uint64_t open_closed;
	size_t split_min;	/* smallest part worth a thread (bytes) */
	const struct trace_parser *parser[TRACE_FMT_OPENVPN + 1];
	void *state[TRACE_FMT_OPENVPN + 1];
	enum trace_format last;
};

/* Where a file's bytes come from when it is read in parts: an open
 * regular file (read with pread) or memory. */
struct trace_input {
	int fd;
	const char *mem;	/* non-NULL: read from here, not fd */
	uint64_t size;
};

/*
 * Hand the lines of [start, end) of the input to the parser (start at a
 * line start; end at a line start or the end of the input).  0 or the
 * error that stopped it (reported in cx->err).
 */
int trace_rd_range(struct trace_rd_ctx *cx, const struct trace_parser *p,
		   const struct trace_input *in, uint64_t start, uint64_t end);

/*
 * Read [start, size) of the input on up to `threads` threads, in parts
 * split at line boundaries, with the results of reading it in one piece:
 * same sessions in the same order, same user ids, same malformed-line
 * report.  For parsers with the split hooks; `avg_line` (bytes, > 0)
 * sizes the shards.  0 or an error, as trace_rd_range().
 */
int trace_split_read(struct trace_rd_ctx *cx, const struct trace_parser *p,
		     const struct trace_input *in, uint64_t start,
		     unsigned threads, double avg_line);

/* Smallest part, in bytes, worth a thread of its own (by default). */
#define TRACE_SPLIT_MIN (64u * 1024)
/* Tests: the smallest part worth a thread (0: TRACE_SPLIT_MIN). */
void trace_reader_set_split_min(struct trace_reader *rd, size_t bytes);

/*
 * What a parser gets for each line: the line (no newline, no trailing CR),
 * and the context to add sessions and report problems through.
 */
struct trace_parser {
	enum trace_format format;
	const char *name;
	/* Does this first chunk of a file look like this format? */
	bool (*detect)(const char *head, size_t len);
	void *(*state_new)(void);
	void (*state_free)(void *st);
	/* Start of a new file: reset per-file state (header, year, ...). */
	void (*file_start)(void *st, struct trace_rd_ctx *cx);
	/* 0, or a negative error that stops reading (nomem, strict...). */
	int (*line)(void *st, struct trace_rd_ctx *cx, struct buf_reader *line);
	/*
	 * Optional fast path: take as many whole lines from the start of
	 * data[0..len) as it can, each exactly as line() would after feed()
	 * cut it (ended by a newline, CR dropped, at most TRACE_LINE_MAX),
	 * counting them in cx->line; return the bytes taken (0 leaves the
	 * next line to line()).  *rc: 0 or an error that stops reading.
	 */
	size_t (*lines)(void *st, struct trace_rd_ctx *cx, const char *data,
			size_t len, int *rc);
	/*
	 * The lines handed over so far are about to be overwritten (buffer
	 * refill): a parser that batches lines must finish them now.  NULL
	 * if the parser keeps nothing between calls.
	 */
	int (*flush)(void *st, struct trace_rd_ctx *cx);
	/* End of a file (records not terminated by a blank line...). */
	int (*file_end)(void *st, struct trace_rd_ctx *cx);
	/* All input read: complete open sessions at `end`. */
	int (*finish)(void *st, struct trace_rd_ctx *cx, int64_t end);
	/*
	 * Parallel reading (optional, for formats whose lines stand alone):
	 * split_clone returns a fresh state that reads any later line of the
	 * current file as st would, or NULL if st is not there yet (no header
	 * seen) or out of memory; split_merge moves what a clone kept for
	 * later (open sessions) into st, its user ids translated through
	 * remap (NULL: unchanged), and frees the clone.
	 */
	void *(*split_clone)(const void *st);
	int (*split_merge)(void *st, void *clone, const uint32_t *remap);
	/* With the split hooks: the shortest line (newline included) that
	 * can add a session or a user, bounding what a part can add. */
	unsigned split_line_min;
};

extern const struct trace_parser trace_csv_parser;
extern const struct trace_parser trace_radius_parser;
extern const struct trace_parser trace_strongswan_parser;
extern const struct trace_parser trace_asa_parser;
extern const struct trace_parser trace_openvpn_parser;

/*
 * Report a malformed line (at the current line, or at `line` if nonzero):
 * counted and kept for the report; returns ERR_SYNTAX under strict (the
 * parser must return it), 0 otherwise.
 */
int trace_rd_malformed(struct trace_rd_ctx *cx, uint64_t line,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Current line number in the current file (1-based). */
static inline uint64_t trace_rd_line(const struct trace_rd_ctx *cx)
{
	return cx->line;
}

const struct trace_read_opts *trace_rd_opts(const struct trace_rd_ctx *cx);

static inline struct trace *trace_rd_trace(struct trace_rd_ctx *cx)
{
	return cx->t;
}

/* Note a time seen in the input (for the end of the trace). */
static inline void trace_rd_saw_time(struct trace_rd_ctx *cx, int64_t t)
{
	if (!cx->tseen || t > cx->tmax) {
		cx->tmax = t;
		cx->tseen = true;
	}
}
/* Add a session; a range error is reported as malformed at `line`. */
int trace_rd_add(struct trace_rd_ctx *cx, uint64_t line, const char *user,
		 size_t ulen, int64_t connect, int64_t disconnect,
		 uint64_t in, uint64_t out, uint32_t flags);
/* Count a session closed at the end of the trace. */
void trace_rd_count_open(struct trace_rd_ctx *cx);

/* Seconds in [1970, 2106): what a session time may be. */
static inline bool trace_time_ok(int64_t t)
{
	return t >= 0 && t <= (int64_t)UINT32_MAX;
}

/* ------------------------------------------------------------ simulator */

#define TRACE_NEVER INT64_MAX

/* Within a user, sessions replay by (connect, duration, bytes). */
int trace_session_cmp(const void *a, const void *b);

/*
 * Until when a record written at w for a lineage (full exchange at t0,
 * e seconds and d bytes of ended sessions) lets a connect at t resume:
 * the record is usable iff t < the returned time.  Returns w when it is
 * unusable from the start, TRACE_NEVER when it never expires.
 */
static inline int64_t trace_sim_until(const struct trace_sim_point *pt,
				      uint64_t max_age, int64_t w, int64_t t0,
				      uint64_t e, uint64_t d)
{
	const uint64_t cap = 1ULL << 40;	/* beyond any trace */
	uint64_t L = pt->lifetime < cap ? pt->lifetime : cap;
	int64_t until = TRACE_NEVER;

	switch (pt->strategy) {
	case TRACE_CLOCKED:
		until = t0 + (int64_t)L;
		break;
	case TRACE_ESTABLISHED:
		if (e >= L)
			return w;
		break;
	case TRACE_DATA:
		if (d >= L)
			return w;
		break;
	}
	if (max_age) {
		int64_t m = t0 + (int64_t)(max_age < cap ? max_age : cap);

		if (m < until)
			until = m;
	}
	return until > w ? until : w;
}

#endif
