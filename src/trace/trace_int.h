/*
 * trace_int.h - what the trace module's files share and nobody else sees:
 * the text cursor the log parsers read through, the string map, time
 * parsing and the parser interface.
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
uint64_t trace_map_hash(const char *s, size_t n);
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

/* Intern a user: the trace's map, exposed to the readers' fast path. */
int trace_user_id(struct trace *t, const char *s, size_t n, uint64_t h,
		  uint32_t *id);
int trace_add_id(struct trace *t, uint32_t user, int64_t connect,
		 int64_t disconnect, uint64_t bytes_in, uint64_t bytes_out,
		 uint32_t flags);
/* Reserve room for about n more sessions (a hint; may do nothing). */
void trace_reserve(struct trace *t, size_t n);
struct trace_map *trace_user_map(struct trace *t);
/* The sorts (trace_sort.c) reorder the array in place. */
struct trace_session *trace_sessions_mut(struct trace *t);
/* After editing sessions in place: recompute the first/last times. */
void trace_recompute_span(struct trace *t);

/* --------------------------------------------------------------- parsers */

struct trace_rd_ctx;

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
	 * The lines handed over so far are about to be overwritten (buffer
	 * refill): a parser that batches lines must finish them now.  NULL
	 * if the parser keeps nothing between calls.
	 */
	int (*flush)(void *st, struct trace_rd_ctx *cx);
	/* End of a file (records not terminated by a blank line...). */
	int (*file_end)(void *st, struct trace_rd_ctx *cx);
	/* All input read: complete open sessions at `end`. */
	int (*finish)(void *st, struct trace_rd_ctx *cx, int64_t end);
};

extern const struct trace_parser trace_csv_parser;
extern const struct trace_parser trace_radius_parser;
extern const struct trace_parser trace_strongswan_parser;
extern const struct trace_parser trace_asa_parser;

/*
 * Report a malformed line (at the current line, or at `line` if nonzero):
 * counted and kept for the report; returns ERR_SYNTAX under strict (the
 * parser must return it), 0 otherwise.
 */
int trace_rd_malformed(struct trace_rd_ctx *cx, uint64_t line,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Current line number in the current file (1-based). */
uint64_t trace_rd_line(const struct trace_rd_ctx *cx);
const struct trace_read_opts *trace_rd_opts(const struct trace_rd_ctx *cx);
struct trace *trace_rd_trace(struct trace_rd_ctx *cx);
/* Note a time seen in the input (for the end of the trace). */
void trace_rd_saw_time(struct trace_rd_ctx *cx, int64_t t);
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
