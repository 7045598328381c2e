/*
 * trace_radius.c - FreeRADIUS `detail` accounting files.
 *
 * A record is a date line ("Sat Aug 19 10:00:00 2006", when the server
 * received the packet) followed by indented "Attribute = value" lines and
 * a blank line.  A session is the Start, Interim-Update and Stop records
 * sharing Acct-Unique-Session-Id when present, otherwise the same
 * (User-Name, NAS, Acct-Session-Id).  Records arrive in any order (Stops
 * come in disconnect order, rotated files may be given out of order,
 * retransmissions repeat), so every record only updates its session's
 * state and sessions are emitted at the end:
 *
 *   event time  Event-Timestamp if present, else (Timestamp attribute or the
 *               date line) minus Acct-Delay-Time;
 *   connect     the Start's event time; without a Start, the Stop's (or
 *               latest Interim's) event time minus its Acct-Session-Time;
 *   disconnect  the Stop's event time; sessions without a Stop end with
 *               the trace (flagged open);
 *   bytes       Acct-{Input,Output}-Octets + 2^32 * *-Gigawords of the Stop,
 *               else of the latest Interim-Update.
 *
 * Accounting-On/Off records are recognised and ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

/* Most distinct sessions tracked (each costs about 100 bytes). */
#define RADIUS_SESSIONS_MAX (1u << 26)
#define VAL_MAX 255

enum status { ST_NONE, ST_START, ST_STOP, ST_INTERIM, ST_ONOFF };

struct rec {
	bool open;		/* inside a record */
	bool bad;		/* already reported */
	uint64_t line;		/* of the date line */
	int64_t date;
	enum status status;
	char user[VAL_MAX + 1], sid[VAL_MAX + 1], uid[VAL_MAX + 1], nas[VAL_MAX + 1];
	size_t user_len, sid_len, uid_len, nas_len;
	bool has_st, has_evt, has_ts;
	uint64_t st, delay, in, out, gin, gout;
	int64_t evt, ts;
};

#define T_NONE INT64_MIN

struct rsess {
	uint32_t user;
	int64_t start;			/* T_NONE if no Start seen */
	int64_t stop;			/* T_NONE if no Stop seen */
	int64_t stop_st;		/* Acct-Session-Time of the Stop, or -1 */
	int64_t interim;		/* latest Interim event time, or T_NONE */
	int64_t interim_st;
	uint64_t in, out;		/* from the Stop, else latest Interim */
};

struct radius {
	struct rec r;
	struct trace_map keys;
	struct rsess *s;
	size_t cap;
};

static void *radius_new(void)
{
	struct radius *p = calloc(1, sizeof(*p));

	if (p)
		trace_map_init(&p->keys, RADIUS_SESSIONS_MAX);
	return p;
}

static void radius_free(void *st)
{
	struct radius *p = st;

	if (!p)
		return;
	trace_map_release(&p->keys);
	free(p->s);
	free(p);
}

static bool radius_detect(const char *head, size_t len)
{
	return memmem(head, len, "Acct-Status-Type", 16) != NULL;
}

static void radius_file_start(void *st, struct trace_rd_ctx *cx)
{
	struct radius *p = st;

	(void)cx;
	p->r.open = false;
}

/* A date line: a ctime stamp and nothing else. */
static bool parse_date(struct buf_reader *r, int64_t *t)
{
	if (!trace_time_ctime(r, t))
		return false;
	sc_spaces(r);
	return sc_eof(r);
}

static int bad(struct radius *p, struct trace_rd_ctx *cx, const char *what)
{
	if (p->r.bad)
		return 0;
	p->r.bad = true;
	return trace_rd_malformed(cx, p->r.line, "RADIUS record: %s", what);
}

static int grow(struct radius *p, uint32_t id)
{
	if (id < p->cap)
		return 0;
	{
		size_t c = p->cap ? p->cap * 2 : 256;
		struct rsess *s = realloc(p->s, c * sizeof(*s));

		if (!s)
			return ERR_NOMEM;
		p->s = s;
		p->cap = c;
	}
	return 0;
}

static int end_record(struct radius *p, struct trace_rd_ctx *cx)
{
	struct rec *r = &p->r;
	char key[3 * (VAL_MAX + 1)];
	size_t klen;
	struct rsess *s;
	int64_t t;
	uint32_t id, uid;
	bool added;
	int rc;

	if (!r->open)
		return 0;
	r->open = false;
	if (r->bad)
		return 0;
	if (r->status == ST_NONE)
		return bad(p, cx, "no Acct-Status-Type");
	if (r->status == ST_ONOFF)
		return 0;
	if (!r->user_len)
		return bad(p, cx, "no User-Name");
	if (!r->uid_len && !r->sid_len)
		return bad(p, cx, "no Acct-Session-Id");
	if (r->has_evt) {
		t = r->evt;
	} else {
		t = r->has_ts ? r->ts : r->date;
		if (r->delay > (uint64_t)INT32_MAX)
			return bad(p, cx, "Acct-Delay-Time out of range");
		t -= (int64_t)r->delay;
	}
	if (!trace_time_ok(t))
		return bad(p, cx, "event time outside 1970..2106");
	if (r->has_st && r->st > (uint64_t)UINT32_MAX)
		return bad(p, cx, "Acct-Session-Time out of range");
	if (r->gin > UINT32_MAX || r->gout > UINT32_MAX || r->in > UINT32_MAX ||
	    r->out > UINT32_MAX)
		return bad(p, cx, "octet counter out of range");
	if (r->uid_len) {
		memcpy(key, r->uid, r->uid_len);
		klen = r->uid_len;
	} else {
		if (r->user_len + r->nas_len + r->sid_len + 2 > 255)
			return bad(p, cx, "session key too long");
		klen = 0;
		memcpy(key, r->user, r->user_len);
		klen += r->user_len;
		key[klen++] = 0;
		memcpy(key + klen, r->nas, r->nas_len);
		klen += r->nas_len;
		key[klen++] = 0;
		memcpy(key + klen, r->sid, r->sid_len);
		klen += r->sid_len;
	}
	rc = trace_user_id(trace_rd_trace(cx), r->user, r->user_len,
			   trace_map_hash(r->user, r->user_len), &uid);
	if (rc)
		return rc;
	rc = trace_map_get(&p->keys, key, klen, trace_map_hash(key, klen), &id,
			   &added);
	if (rc == ERR_LIMIT)
		return bad(p, cx, "too many sessions");
	if (rc)
		return rc;
	if ((rc = grow(p, id)) != 0)
		return rc;
	s = &p->s[id];
	if (added)
		*s = (struct rsess){ .user = uid, .start = T_NONE, .stop = T_NONE,
				     .stop_st = -1, .interim = T_NONE,
				     .interim_st = -1 };
	trace_rd_saw_time(cx, t);
	switch (r->status) {
	case ST_START:
		if (s->start == T_NONE || t < s->start)
			s->start = t;
		break;
	case ST_INTERIM:
		if (s->stop == T_NONE && (s->interim == T_NONE || t >= s->interim)) {
			s->interim = t;
			s->interim_st = r->has_st ? (int64_t)r->st : -1;
			s->in = r->in + (r->gin << 32);
			s->out = r->out + (r->gout << 32);
		}
		break;
	case ST_STOP:
		if (s->stop == T_NONE) {
			s->stop = t;
			s->stop_st = r->has_st ? (int64_t)r->st : -1;
			s->in = r->in + (r->gin << 32);
			s->out = r->out + (r->gout << 32);
		}
		break;
	default:
		break;
	}
	return 0;
}

/* Value after '=': a quoted string (backslash escapes) or a bare token. */
static bool value(struct buf_reader *r, char *out, size_t *n)
{
	size_t k = 0;

	sc_spaces(r);
	if (sc_char(r, '"')) {
		for (;;) {
			int c = sc_peek(r);

			if (c < 0)
				return false;
			r->off++;
			if (c == '"')
				break;
			if (c == '\\') {
				c = sc_peek(r);
				if (c < 0)
					return false;
				r->off++;
			}
			if (k == VAL_MAX)
				return false;
			out[k++] = (char)c;
		}
	} else {
		while (!sc_eof(r) && sc_peek(r) != ' ' && sc_peek(r) != '\t') {
			if (k == VAL_MAX)
				return false;
			out[k++] = (char)r->p[r->off++];
		}
	}
	sc_spaces(r);
	*n = k;
	return sc_eof(r);
}

static bool number(const char *s, size_t n, uint64_t *v)
{
	struct buf_reader r;

	buf_reader_init(&r, s, n);
	return sc_u64(&r, v) && sc_eof(&r);
}

/* Event-Timestamp: epoch, or "Aug 19 2006 10:00:00 UTC" (zone ignored). */
static bool event_ts(const char *s, size_t n, int64_t *t)
{
	struct buf_reader r;
	uint64_t v;
	unsigned mon, d, y, h, mi, sec;

	if (number(s, n, &v)) {
		*t = (int64_t)(v > UINT32_MAX ? UINT32_MAX + 1ULL : v);
		return true;
	}
	buf_reader_init(&r, s, n);
	if (!(mon = trace_time_month(&r)) || !sc_char(&r, ' '))
		return false;
	(void)sc_char(&r, ' ');
	if (!sc_digits(&r, 2, &d) && !sc_digits(&r, 1, &d))
		return false;
	if (!sc_char(&r, ' ') || !sc_digits(&r, 4, &y) || !sc_char(&r, ' ') ||
	    !trace_time_hms(&r, &h, &mi, &sec))
		return false;
	if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	*t = trace_time_civil((int)y, mon, d, h, mi, sec);
	return true;
}

struct attr {
	const char *name;
	int kind;
};

enum { A_STATUS, A_USER, A_SID, A_UID, A_NASIP, A_NASID, A_ST, A_IN, A_OUT,
       A_GIN, A_GOUT, A_DELAY, A_EVT, A_TS };

static const struct attr attrs[] = {
	{ "Acct-Status-Type", A_STATUS },
	{ "User-Name", A_USER },
	{ "Acct-Session-Id", A_SID },
	{ "Acct-Unique-Session-Id", A_UID },
	{ "NAS-IP-Address", A_NASIP },
	{ "NAS-Identifier", A_NASID },
	{ "Acct-Session-Time", A_ST },
	{ "Acct-Input-Octets", A_IN },
	{ "Acct-Output-Octets", A_OUT },
	{ "Acct-Input-Gigawords", A_GIN },
	{ "Acct-Output-Gigawords", A_GOUT },
	{ "Acct-Delay-Time", A_DELAY },
	{ "Event-Timestamp", A_EVT },
	{ "Timestamp", A_TS },
};

static enum status status_of(const char *v, size_t n)
{
	static const struct { const char *s; enum status st; } names[] = {
		{ "Start", ST_START }, { "1", ST_START },
		{ "Stop", ST_STOP }, { "2", ST_STOP },
		{ "Interim-Update", ST_INTERIM }, { "Alive", ST_INTERIM },
		{ "3", ST_INTERIM },
		{ "Accounting-On", ST_ONOFF }, { "Accounting-Off", ST_ONOFF },
		{ "7", ST_ONOFF }, { "8", ST_ONOFF },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].s) == n && memcmp(names[i].s, v, n) == 0)
			return names[i].st;
	return ST_NONE;
}

static int attribute(struct radius *p, struct trace_rd_ctx *cx,
		     struct buf_reader *l)
{
	struct rec *r = &p->r;
	char v[VAL_MAX + 1];
	const char *name;
	size_t nlen, vlen;
	uint64_t num;
	int kind = -1;

	sc_spaces(l);
	name = sc_ptr(l);
	while (!sc_eof(l) && sc_peek(l) != ' ' && sc_peek(l) != '=')
		l->off++;
	nlen = (size_t)(sc_ptr(l) - name);
	sc_spaces(l);
	if (!sc_char(l, '='))
		return bad(p, cx, "attribute line without '='");
	if (!value(l, v, &vlen))
		return bad(p, cx, "bad attribute value");
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strlen(attrs[i].name) == nlen &&
		    memcmp(attrs[i].name, name, nlen) == 0)
			kind = attrs[i].kind;
	switch (kind) {
	case A_STATUS:
		if ((r->status = status_of(v, vlen)) == ST_NONE)
			return bad(p, cx, "unknown Acct-Status-Type");
		return 0;
	case A_USER:
		memcpy(r->user, v, vlen);
		r->user_len = vlen;
		return 0;
	case A_SID:
		memcpy(r->sid, v, vlen);
		r->sid_len = vlen;
		return 0;
	case A_UID:
		memcpy(r->uid, v, vlen);
		r->uid_len = vlen;
		return 0;
	case A_NASIP:
	case A_NASID:
		/* Either names the NAS; the address wins if both appear. */
		if (kind == A_NASID && r->nas_len)
			return 0;
		memcpy(r->nas, v, vlen);
		r->nas_len = vlen;
		return 0;
	case A_EVT:
		if (!event_ts(v, vlen, &r->evt))
			return bad(p, cx, "bad Event-Timestamp");
		r->has_evt = true;
		return 0;
	case -1:
		return 0;	/* not needed */
	default:
		break;
	}
	if (!number(v, vlen, &num))
		return bad(p, cx, "attribute is not a number");
	switch (kind) {
	case A_ST: r->st = num; r->has_st = true; break;
	case A_IN: r->in = num; break;
	case A_OUT: r->out = num; break;
	case A_GIN: r->gin = num; break;
	case A_GOUT: r->gout = num; break;
	case A_DELAY: r->delay = num; break;
	case A_TS:
		r->ts = (int64_t)(num > UINT32_MAX ? UINT32_MAX + 1ULL : num);
		r->has_ts = true;
		break;
	default: break;
	}
	return 0;
}

static int radius_line(void *st, struct trace_rd_ctx *cx, struct buf_reader *l)
{
	struct radius *p = st;
	int c = sc_peek(l);
	int64_t t;
	int rc;

	if (c < 0 || (c == ' ' || c == '\t')) {
		size_t o = l->off;

		sc_spaces(l);
		if (sc_eof(l))	/* blank line: end of record */
			return end_record(p, cx);
		l->off = o;
		if (!p->r.open) {
			/* Attributes without a date line: report once. */
			p->r = (struct rec){ .open = true, .line = trace_rd_line(cx) };
			return bad(p, cx, "attributes without a date line");
		}
		return attribute(p, cx, l);
	}
	if ((rc = end_record(p, cx)) != 0)
		return rc;
	p->r.open = true;
	p->r.bad = false;
	p->r.line = trace_rd_line(cx);
	p->r.status = ST_NONE;
	p->r.user_len = p->r.sid_len = p->r.uid_len = p->r.nas_len = 0;
	p->r.has_st = p->r.has_evt = p->r.has_ts = false;
	p->r.st = p->r.delay = p->r.in = p->r.out = p->r.gin = p->r.gout = 0;
	if (!parse_date(l, &t))
		return bad(p, cx, "bad date line");
	p->r.date = t;
	return 0;
}

static int radius_file_end(void *st, struct trace_rd_ctx *cx)
{
	return end_record(st, cx);
}

static int radius_finish(void *st, struct trace_rd_ctx *cx, int64_t end)
{
	struct radius *p = st;
	struct trace *t = trace_rd_trace(cx);

	for (uint32_t i = 0; i < p->keys.count; i++) {
		struct rsess *s = &p->s[i];
		int64_t conn, disc;
		uint32_t flags = 0;
		int rc;

		if (s->stop != T_NONE) {
			disc = s->stop;
			if (s->start != T_NONE)
				conn = s->start;
			else if (s->stop_st >= 0)
				conn = s->stop - s->stop_st;
			else if (s->interim != T_NONE && s->interim_st >= 0)
				conn = s->interim - s->interim_st;
			else
				conn = s->stop;
		} else {
			flags = TRACE_SESSION_OPEN;
			if (s->start != T_NONE)
				conn = s->start;
			else if (s->interim_st >= 0)
				conn = s->interim - s->interim_st;
			else
				conn = s->interim;
			disc = end > conn ? end : conn;
			trace_rd_count_open(cx);
		}
		/* Clocks disagreeing by a little must not drop a session. */
		if (conn > disc)
			conn = disc;
		if (conn < 0)
			conn = 0;
		rc = trace_add_id(t, s->user, conn, disc, s->in, s->out, flags);
		if (rc)
			return rc;
	}
	p->keys.count = 0;
	trace_map_release(&p->keys);
	trace_map_init(&p->keys, RADIUS_SESSIONS_MAX);
	return 0;
}

const struct trace_parser trace_radius_parser = {
	.format = TRACE_FMT_RADIUS,
	.name = "radius",
	.detect = radius_detect,
	.state_new = radius_new,
	.state_free = radius_free,
	.file_start = radius_file_start,
	.line = radius_line,
	.flush = NULL,
	.file_end = radius_file_end,
	.finish = radius_finish,
};
