/*
 * trace_openvpn.c - OpenVPN 2.x server logs (--log/--log-append file or
 * syslog, verb 3).
 *
 * Each line starts with a stamp: OpenVPN's own "2026-11-28 10:00:01"
 * (2.5 on) or "Sat Nov 28 10:00:01 2026" (2.4), or a syslog prefix (ISO
 * 8601, or BSD "Nov 28 10:00:01" with the year supplied) followed by
 * "host tag: ", where the message may carry OpenVPN's own stamp again
 * (journald); an " us=N" after a stamp is skipped.  The first stamp is the
 * line's time.  A server prefixes a client instance's lines with its real
 * address ("198.51.100.7:51234"; an IPv6 address is printed without its
 * port), and with "CN/" once the client is authenticated.
 *
 * A session runs from
 *   <addr> [<CN>] Peer Connection Initiated with [AF_INET]<addr>:<port>
 * (the user is the CN, the username under username-as-common-name; the
 * instance is "<CN>/<addr>", the prefix its later lines carry) to
 *   <CN>/<addr> SIG...[...] received, client-instance exiting|restarting
 * (remote-exit, ping-restart, connection-reset, ...: in server mode a
 * restarting instance is gone).  "MULTI: new connection by client 'X'
 * will cause previous active sessions by this client to be dropped"
 * ends every open session of X but the newest (the server closes them
 * without logging their ends).  A restart of the server ends every open
 * session: "SIG...[...] received, process exiting|restarting", the
 * version banner "OpenVPN 2.x ... built on ..." and "Initialization
 * Sequence Completed".  Sessions open at the end of the input end with
 * the trace.  The log carries no per-session byte counts at verb 3: bytes
 * are 0.
 *
 * A line that would start, end or close sessions but has no usable stamp
 * is malformed; so is a start line without the address and [CN] before
 * the marker.  Every other line is skipped without complaint, including
 * a client-side "[server] Peer Connection Initiated" (no address prefix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

/* Most client instances (CN and real address) tracked. */
#define OV_TRACK_MAX (1u << 26)
#define NONE UINT32_MAX

static const char START[] = " Peer Connection Initiated with ";
static const char END[] = "] received, client-instance ";
static const char DROP[] = "MULTI: new connection by client '";
static const char DROP_END[] = "' will cause previous active sessions";

/* One instance key: at most one open session at a time. */
struct ov_inst {
	int64_t connect;
	uint32_t user;
	uint32_t gprev, gnext;	/* list of all open sessions */
	uint32_t uprev, unext;	/* list of the user's open sessions, newest first */
	bool open;
};

struct ov {
	struct trace_year year;
	struct trace_map keys;	/* addr NUL CN -> insts[] */
	struct ov_inst *insts;
	size_t inst_cap;
	uint32_t open_head;	/* newest open session, or NONE */
	uint32_t *user_open;	/* user id -> newest open session, or NONE */
	size_t user_cap;
};

static void *ov_new(void)
{
	struct ov *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->open_head = NONE;
	trace_map_init(&o->keys, OV_TRACK_MAX);
	return o;
}

static void ov_free(void *st)
{
	struct ov *o = st;

	if (!o)
		return;
	trace_map_release(&o->keys);
	free(o->insts);
	free(o->user_open);
	free(o);
}

static bool ov_detect(const char *head, size_t len)
{
	static const char *const tags[] = {
		"Peer Connection Initiated with [AF_INET", END,
		"TLS: Initial packet from [AF_INET", "MULTI: ", "MULTI_sva: ",
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (memmem(head, len, tags[i], strlen(tags[i])))
			return true;
	return memmem(head, len, "OpenVPN 2.", 10) && memmem(head, len, " built on ", 10);
}

static void ov_file_start(void *st, struct trace_rd_ctx *cx)
{
	struct ov *o = st;

	o->year.year = trace_rd_opts(cx)->year;
	o->year.last_month = 0;
}

/* ------------------------------------------------------------ stamps */

/* OpenVPN's own stamp (2.5+ ISO with a space, or 2.4 ctime), then an
 * optional " us=N".  The cursor is unchanged on failure. */
static bool own_stamp(struct buf_reader *r, int64_t *t)
{
	size_t o = r->off;
	uint64_t us;

	if (r->len - r->off >= 11 && r->p[r->off + 4] == '-' &&
	    r->p[r->off + 10] == ' ') {
		if (!trace_time_iso(r, false, t))
			return false;
	} else if (!trace_time_ctime(r, t)) {
		return false;
	}
	if (!sc_char(r, ' ')) {
		r->off = o;
		return false;
	}
	if (sc_lit(r, "us=")) {
		if (!sc_u64(r, &us) || !sc_char(r, ' ')) {
			r->off = o;
			return false;
		}
	}
	return true;
}

/* Length of the space-free token at the cursor. */
static size_t token(const struct buf_reader *r)
{
	const uint8_t *sp = memchr(r->p + r->off, ' ', r->len - r->off);

	return sp ? (size_t)(sp - (r->p + r->off)) : r->len - r->off;
}

/*
 * The line's stamp, leaving the cursor at the message.  After a syslog
 * stamp, "host tag: " is skipped (the second token ends with ':' and the
 * first has none: no message of OpenVPN's looks like that), and then an
 * own stamp of OpenVPN's if one follows.
 */
static bool stamp(struct ov *o, struct buf_reader *r, int64_t *t)
{
	size_t a, b;
	int64_t inner;

	if (own_stamp(r, t))
		return true;
	if (!trace_time_syslog(r, &o->year, t) || !sc_char(r, ' '))
		return false;
	{
		uint64_t us;
		size_t at = r->off;

		if (sc_lit(r, "us=") && !(sc_u64(r, &us) && sc_char(r, ' ')))
			r->off = at;
	}
	a = token(r);
	if (a && a < r->len - r->off && !memchr(r->p + r->off, ':', a)) {
		struct buf_reader s = *r;

		s.off += a + 1;
		b = token(&s);
		if (b && s.p[s.off + b - 1] == ':') {
			s.off += b;
			if (sc_char(&s, ' ') || sc_eof(&s)) {
				*r = s;
				(void)own_stamp(r, &inner);
			}
		}
	}
	return true;
}

/* ---------------------------------------------------------- sessions */

static int key_slot(struct ov *o, const char *addr, size_t alen,
		    const char *cn, size_t cnlen, bool add, uint32_t *slot)
{
	char k[255];
	size_t n = alen < sizeof(k) ? alen : sizeof(k);
	int64_t id;
	int rc;

	memcpy(k, addr, n);
	if (n < sizeof(k))
		k[n++] = 0;
	if (cnlen > sizeof(k) - n)
		cnlen = sizeof(k) - n;
	memcpy(k + n, cn, cnlen);
	n += cnlen;
	if (!add) {
		id = trace_map_find(&o->keys, k, n);
		if (id < 0)
			return ERR_NOTFOUND;
		*slot = (uint32_t)id;
		return 0;
	}
	rc = trace_map_get(&o->keys, k, n, trace_map_hash(k, n), slot, NULL);
	if (rc)
		return rc;
	if (*slot >= o->inst_cap) {
		size_t c = o->inst_cap ? o->inst_cap * 2 : 256;
		struct ov_inst *x;

		while (c <= *slot)
			c *= 2;
		x = realloc(o->insts, c * sizeof(*x));
		if (!x)
			return ERR_NOMEM;
		memset(x + o->inst_cap, 0, (c - o->inst_cap) * sizeof(*x));
		o->insts = x;
		o->inst_cap = c;
	}
	return 0;
}

static int end_session(struct ov *o, struct trace_rd_ctx *cx, uint32_t i,
		       int64_t t, uint32_t flags)
{
	struct ov_inst *x = &o->insts[i];

	if (!x->open)
		return 0;
	x->open = false;
	if (x->gprev != NONE)
		o->insts[x->gprev].gnext = x->gnext;
	else
		o->open_head = x->gnext;
	if (x->gnext != NONE)
		o->insts[x->gnext].gprev = x->gprev;
	if (x->uprev != NONE)
		o->insts[x->uprev].unext = x->unext;
	else
		o->user_open[x->user] = x->unext;
	if (x->unext != NONE)
		o->insts[x->unext].uprev = x->uprev;
	if (t < x->connect)
		t = x->connect;	/* a log whose clock went back */
	if (flags & TRACE_SESSION_OPEN)
		trace_rd_count_open(cx);
	return trace_add_id(trace_rd_trace(cx), x->user, x->connect, t, 0, 0,
			    flags);
}

static int close_all(struct ov *o, struct trace_rd_ctx *cx, int64_t t,
		     uint32_t flags)
{
	int rc;

	while (o->open_head != NONE)
		if ((rc = end_session(o, cx, o->open_head, t, flags)))
			return rc;
	return 0;
}

static int limit(struct trace_rd_ctx *cx, int rc)
{
	if (rc == ERR_LIMIT)
		snprintf(cx->err, sizeof(cx->err), "%s:%llu: more than %u OpenVPN client instances or %u users",
			 cx->fname, (unsigned long long)trace_rd_line(cx), OV_TRACK_MAX,
			 TRACE_USERS_MAX);
	return rc;
}

/*
 * "<addr> [<CN>] Peer Connection Initiated with ..." (also with a
 * "<CN>/<addr>" prefix); m is the message, e the offset of START in it.
 */
static int session_up(struct ov *o, struct trace_rd_ctx *cx, const char *m,
		      size_t e, int64_t t)
{
	const char *sp = memchr(m, ' ', e), *addr, *cn, *slash;
	size_t alen, cnlen;
	uint32_t user, slot;
	struct ov_inst *x;
	int rc;

	if (m[0] == '[')
		return 0;	/* a client's or peer's log: no instance */
	if (!sp || sp + 2 >= m + e || sp[1] != '[' || m[e - 1] != ']')
		return trace_rd_malformed(cx, 0, "Peer Connection line without address and [common name]");
	addr = m;
	alen = (size_t)(sp - m);
	cn = sp + 2;
	cnlen = (size_t)(m + e - 1 - cn);
	slash = memrchr(addr, '/', alen);
	if (slash) {
		/* "CN/addr" prefix: the CN must be the bracketed one. */
		if ((size_t)(slash - addr) != cnlen || memcmp(addr, cn, cnlen) != 0)
			return trace_rd_malformed(cx, 0, "Peer Connection line with two common names");
		alen -= (size_t)(slash + 1 - addr);
		addr = slash + 1;
	}
	if (alen == 0 || cnlen == 0)
		return trace_rd_malformed(cx, 0, "Peer Connection line without address and [common name]");
	if (cnlen > TRACE_USER_MAX)
		return trace_rd_malformed(cx, 0, "common name longer than %d bytes",
					  TRACE_USER_MAX);
	if ((rc = trace_user_id(trace_rd_trace(cx), cn, cnlen,
				trace_map_hash(cn, cnlen), &user)) ||
	    (rc = trace_map_ensure_u32(&o->user_open, &o->user_cap,
				       user)) ||
	    (rc = key_slot(o, addr, alen, cn, cnlen, true, &slot)))
		return limit(cx, rc);
	/* The same instance again: its earlier session ended unseen. */
	if ((rc = end_session(o, cx, slot, t, 0)))
		return rc;
	x = &o->insts[slot];
	*x = (struct ov_inst){ .connect = t, .user = user, .open = true,
			       .gprev = NONE, .gnext = o->open_head,
			       .uprev = NONE, .unext = o->user_open[user] };
	if (o->open_head != NONE)
		o->insts[o->open_head].gprev = slot;
	o->open_head = slot;
	if (o->user_open[user] != NONE)
		o->insts[o->user_open[user]].uprev = slot;
	o->user_open[user] = slot;
	return 0;
}

/* "<CN>/<addr> SIGx[...] received, client-instance ..."; e as above. */
static int session_down(struct ov *o, struct trace_rd_ctx *cx, const char *m,
			size_t e, int64_t t)
{
	const char *p = NULL, *slash;
	uint32_t slot;

	/* The signal name starts after the last " SIG" before the marker
	 * (the bracket may hold "connection failed(soft)"). */
	for (size_t i = e; i >= 4; i--) {
		if (memcmp(m + i - 4, " SIG", 4) == 0) {
			p = m + i - 4;
			break;
		}
	}
	if (!p)
		return 0;	/* no instance prefix */
	slash = memrchr(m, '/', (size_t)(p - m));
	if (!slash || slash == m || slash + 1 == p)
		return 0;	/* not authenticated: never a session */
	if (key_slot(o, slash + 1, (size_t)(p - slash - 1), m,
		     (size_t)(slash - m), false, &slot))
		return 0;	/* began before the log */
	return end_session(o, cx, slot, t, 0);
}

/* "MULTI: new connection by client 'X' will cause previous ..." */
static int drop_dups(struct ov *o, struct trace_rd_ctx *cx,
		     struct buf_reader *r, int64_t t)
{
	const char *cn = sc_ptr(r);
	const char *q = memmem(cn, r->len - r->off, DROP_END, sizeof(DROP_END) - 1);
	int64_t user;
	uint32_t keep;
	int rc;

	if (!q)
		return trace_rd_malformed(cx, 0, "MULTI: new connection line without client");
	user = trace_map_find(trace_user_map(trace_rd_trace(cx)), cn, (size_t)(q - cn));
	if (user < 0 || (size_t)user >= o->user_cap || o->user_open[user] == NONE)
		return 0;
	keep = o->user_open[user];
	while (o->insts[keep].unext != NONE)
		if ((rc = end_session(o, cx, o->insts[keep].unext, t, 0)))
			return rc;
	return 0;
}

/* ------------------------------------------------------------- lines */

enum kind { K_NONE, K_START, K_END, K_DROP, K_RESTART };

/* What a message is about; *e is where its marker is. */
static enum kind classify(const char *m, size_t n, size_t *e)
{
	const char *h;

	if ((h = memmem(m, n, START, sizeof(START) - 1))) {
		*e = (size_t)(h - m);
		return K_START;
	}
	if ((h = memmem(m, n, END, sizeof(END) - 1))) {
		const char *w = h + sizeof(END) - 1;
		size_t left = (size_t)(m + n - w);

		*e = (size_t)(h - m);
		if ((left >= 7 && memcmp(w, "exiting", 7) == 0) ||
		    (left >= 10 && memcmp(w, "restarting", 10) == 0))
			return K_END;
		return K_NONE;
	}
	/* Logged with the new instance's prefix or none. */
	if ((h = memmem(m, n, DROP, sizeof(DROP) - 1))) {
		*e = (size_t)(h - m) + sizeof(DROP) - 1;
		return K_DROP;
	}
	/* Server-wide lines carry no instance prefix. */
	if (n >= 3 && memcmp(m, "SIG", 3) == 0 &&
	    (h = memmem(m, n, "] received, process ", 20)) &&
	    (memmem(h, (size_t)(m + n - h), "exiting", 7) ||
	     memmem(h, (size_t)(m + n - h), "restarting", 10)))
		return K_RESTART;
	if (n >= 11 && memcmp(m, "OpenVPN 2.", 10) == 0 &&
	    memmem(m, n, " built on ", 10))
		return K_RESTART;
	if (n >= 33 && memcmp(m, "Initialization Sequence Completed", 33) == 0)
		return K_RESTART;
	return K_NONE;
}

static int ov_line(void *st, struct trace_rd_ctx *cx, struct buf_reader *l)
{
	struct ov *o = st;
	struct buf_reader r = *l;
	const char *m;
	size_t n, e = 0;
	enum kind k;
	int64_t t;
	bool timed = stamp(o, &r, &t);

	if (timed && !trace_time_ok(t))
		timed = false;
	if (timed) {
		trace_rd_saw_time(cx, t);
	} else {
		r = *l;
	}
	m = sc_ptr(&r);
	n = r.len - r.off;
	k = classify(m, n, &e);
	if (k == K_NONE)
		return 0;
	if (!timed)
		return trace_rd_malformed(cx, 0, "OpenVPN %s line without a valid timestamp",
					  k == K_START ? "connect" : k == K_END ? "disconnect" :
					  k == K_DROP ? "MULTI" : "restart");
	switch (k) {
	case K_START:
		return session_up(o, cx, m, e, t);
	case K_END:
		return session_down(o, cx, m, e, t);
	case K_DROP:
		r.off += e;
		return drop_dups(o, cx, &r, t);
	default:
		return close_all(o, cx, t, 0);
	}
}

static int ov_file_end(void *st, struct trace_rd_ctx *cx)
{
	(void)st;
	(void)cx;
	return 0;
}

static int ov_finish(void *st, struct trace_rd_ctx *cx, int64_t end)
{
	return close_all(st, cx, end, TRACE_SESSION_OPEN);
}

const struct trace_parser trace_openvpn_parser = {
	.format = TRACE_FMT_OPENVPN,
	.name = "openvpn",
	.detect = ov_detect,
	.state_new = ov_new,
	.state_free = ov_free,
	.file_start = ov_file_start,
	.line = ov_line,
	.flush = NULL,
	.file_end = ov_file_end,
	.finish = ov_finish,
};
