/*
 * trace_strongswan.c - strongSwan charon logs (filelog or syslog, 5.x).
 *
 * A session is an IKE_SA from "IKE_SA n[i] established between
 * A[me]...B[peer]" to "deleting IKE_SA n[i] between ...".  An IKE rekey
 * ("IKE_SA n[j] rekeyed between ...") moves the session to the new IKE_SA
 * j, found by its name and endpoints, and is not a new connection; the old
 * SA's later deletion is then ignored.  The user is the peer identity, or
 * the EAP identity when "received EAP identity 'x'" precedes establishment
 * (in the SA's "<name|id>" context, or else on the same thread).
 *
 * Bytes come from CHILD_SAs: "closing CHILD_SA c{k} with SPIs x_i (N bytes)
 * y_o (M bytes) ..." is logged when a CHILD_SA is rekeyed or deleted on its
 * own, and these counts are summed over the IKE_SA's life.  charon does not
 * log the counters of CHILD_SAs that die with their IKE_SA; if the log also
 * carries swanctl --list-sas style counter lines ("in  c29dcb59, 1234
 * bytes, ..."), the last seen for each still-installed CHILD_SA is added.
 *
 * A CHILD_SA is tied to its IKE_SA by the "<name|id>" context charon adds
 * with `ike_name = yes`; without it, a rekeyed CHILD_SA is tied through its
 * name and traffic selectors to the one it replaces, and a new one to the
 * IKE_SA last named on the same thread (the IKE_AUTH that created it).
 * "Starting IKE charon daemon" closes every session still open (a restart
 * loses them); sessions open at the end of the input end with the trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

/* Most IKE_SAs, CHILD_SAs or peers tracked. */
#define SS_TRACK_MAX (1u << 26)
#define SS_THREADS 1024
#define NONE UINT32_MAX

struct ss_sess {
	uint32_t user;
	uint32_t children;	/* first child in this session's list */
	int64_t connect;
	uint64_t in, out;	/* from closed CHILD_SAs */
	bool open;
};

struct ss_child {
	uint32_t sess;
	uint32_t next;		/* next child of the same session */
	uint64_t snap_in, snap_out;
	bool open;
};

struct ss_thread {
	uint32_t ike;		/* session index last named on this thread */
	uint32_t eap_len;
	char eap[TRACE_USER_MAX];
};

struct ss {
	struct trace_year year;
	struct trace_map ike;	/* IKE_SA unique id -> slot in ike_sess */
	uint32_t *ike_sess;	/* session index or NONE */
	size_t ike_cap;
	uint32_t *ike_eap;	/* EAP identity (user id) seen in the SA's context */
	size_t ike_eap_cap;
	struct trace_map peer;	/* name, endpoints -> slot in peer_ike */
	uint32_t *peer_ike;	/* IKE_SA map slot */
	size_t peer_cap;
	struct trace_map child;	/* CHILD_SA unique id -> children[] */
	struct ss_child *children;
	size_t child_cap;
	struct trace_map ts;	/* child name, TS -> child slot */
	uint32_t *ts_child;
	size_t ts_cap;
	struct trace_map spi;	/* 'i'/'o' + SPI -> child slot */
	uint32_t *spi_child;
	size_t spi_cap;
	struct ss_sess *sess;
	size_t nsess, sess_cap;
	struct ss_thread *threads;
};

static void *ss_new(void)
{
	struct ss *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->threads = calloc(SS_THREADS, sizeof(*s->threads));
	if (!s->threads) {
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < SS_THREADS; i++)
		s->threads[i].ike = NONE;
	trace_map_init(&s->ike, SS_TRACK_MAX);
	trace_map_init(&s->peer, SS_TRACK_MAX);
	trace_map_init(&s->child, SS_TRACK_MAX);
	trace_map_init(&s->ts, SS_TRACK_MAX);
	trace_map_init(&s->spi, SS_TRACK_MAX);
	return s;
}

static void ss_free(void *st)
{
	struct ss *s = st;

	if (!s)
		return;
	trace_map_release(&s->ike);
	trace_map_release(&s->peer);
	trace_map_release(&s->child);
	trace_map_release(&s->ts);
	trace_map_release(&s->spi);
	free(s->ike_sess);
	free(s->ike_eap);
	free(s->peer_ike);
	free(s->children);
	free(s->ts_child);
	free(s->spi_child);
	free(s->sess);
	free(s->threads);
	free(s);
}

static bool ss_detect(const char *head, size_t len)
{
	static const char *const tags[] = {
		"[IKE] ", "[CFG] ", "[NET] ", "[ENC] ", "[CHD] ", "[DMN] ",
		"[JOB] ", "[LIB] ", "[KNL] ", "[MGR] ",
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (memmem(head, len, tags[i], 6))
			return true;
	return false;
}

static void ss_file_start(void *st, struct trace_rd_ctx *cx)
{
	struct ss *s = st;

	s->year.year = trace_rd_opts(cx)->year;
	s->year.last_month = 0;
}

/* Map slot for a key, creating it; its parallel entry starts as NONE. */
static int slot(struct trace_map *m, uint32_t **arr, size_t *cap,
		const char *k, size_t n, uint32_t *id)
{
	int rc;

	if (n > 255)
		n = 255;
	rc = trace_map_get(m, k, n, trace_map_hash(k, n), id, NULL);
	if (rc)
		return rc;
	return trace_map_ensure_u32(arr, cap, *id);
}

static int slot_num(struct trace_map *m, uint32_t **arr, size_t *cap,
		    uint64_t num, uint32_t *id)
{
	char k[24];
	int n = snprintf(k, sizeof(k), "%llu", (unsigned long long)num);

	return slot(m, arr, cap, k, (size_t)n, id);
}

static int new_session(struct ss *s, uint32_t user, int64_t t, uint32_t *idx)
{
	if (s->nsess == s->sess_cap) {
		size_t c = s->sess_cap ? s->sess_cap * 2 : 256;
		struct ss_sess *n;

		if (c > SS_TRACK_MAX)
			return ERR_LIMIT;
		n = realloc(s->sess, c * sizeof(*n));
		if (!n)
			return ERR_NOMEM;
		s->sess = n;
		s->sess_cap = c;
	}
	s->sess[s->nsess] = (struct ss_sess){
		.user = user, .children = NONE, .connect = t, .open = true };
	*idx = (uint32_t)s->nsess++;
	return 0;
}

static int end_session(struct ss *s, struct trace_rd_ctx *cx, uint32_t idx,
		       int64_t t, uint32_t flags)
{
	struct ss_sess *x = &s->sess[idx];
	uint64_t in = x->in, out = x->out;

	if (!x->open)
		return 0;
	x->open = false;
	for (uint32_t c = x->children; c != NONE; c = s->children[c].next) {
		if (s->children[c].open) {
			in += s->children[c].snap_in;
			out += s->children[c].snap_out;
			s->children[c].open = false;
		}
	}
	if (t < x->connect)
		t = x->connect;
	if (flags & TRACE_SESSION_OPEN)
		trace_rd_count_open(cx);
	return trace_add_id(trace_rd_trace(cx), x->user, x->connect, t, in, out,
			    flags);
}

/* "name[id]" -> id; the cursor ends after ']'. */
static bool sa_ref(struct buf_reader *r, char open, char close, uint64_t *id,
		   const char **name, size_t *nlen)
{
	const char *n;
	size_t k;

	sc_until(r, open, &n, &k);
	if (!sc_char(r, open) || !sc_u64(r, id) || !sc_char(r, close))
		return false;
	if (name) {
		*name = n;
		*nlen = k;
	}
	return true;
}

/* Peer identity: inside the last [...] after "...". */
static bool peer_id(const char *p, size_t n, const char **id, size_t *len)
{
	const char *dots = memmem(p, n, "...", 3);
	const char *open, *close;

	if (!dots)
		return false;
	open = memchr(dots, '[', (size_t)(p + n - dots));
	close = p + n;
	while (close > p && close[-1] != ']')
		close--;
	if (!open || close <= open + 1)
		return false;
	*id = open + 1;
	*len = (size_t)(close - 1 - (open + 1));
	return *len > 0;
}

static int peer_key(struct ss *s, const char *name, size_t nlen,
		    const char *peer, size_t plen, uint32_t *slot_id)
{
	char k[256];
	size_t n = 0;

	if (nlen > 100)
		nlen = 100;
	memcpy(k, name, nlen);
	n = nlen;
	k[n++] = 0;
	if (plen > sizeof(k) - n)
		plen = sizeof(k) - n;
	memcpy(k + n, peer, plen);
	n += plen;
	return slot(&s->peer, &s->peer_ike, &s->peer_cap, k, n, slot_id);
}

static struct ss_thread *thread_of(struct ss *s, uint64_t thr)
{
	return thr < SS_THREADS ? &s->threads[thr] : NULL;
}

static int ike_up(struct ss *s, struct trace_rd_ctx *cx, int64_t t,
		  struct ss_thread *th, uint64_t ikeid, const char *name,
		  size_t nlen, const char *peer, size_t plen, bool rekey)
{
	uint32_t ike, pk, idx, user;
	const char *id;
	size_t idlen;
	int rc;

	if (!peer_id(peer, plen, &id, &idlen))
		return trace_rd_malformed(cx, 0, "IKE_SA line without peer identity");
	if ((rc = slot_num(&s->ike, &s->ike_sess, &s->ike_cap, ikeid, &ike)) ||
	    (rc = peer_key(s, name, nlen, peer, plen, &pk)))
		return rc;
	if (rekey && s->peer_ike[pk] != NONE &&
	    s->ike_sess[s->peer_ike[pk]] != NONE &&
	    s->sess[s->ike_sess[s->peer_ike[pk]]].open) {
		/* Same connection, new keys: move the session over. */
		uint32_t old = s->peer_ike[pk];

		idx = s->ike_sess[old];
		if (old != ike)
			s->ike_sess[old] = NONE;
	} else {
		if (s->ike_sess[ike] != NONE &&
		    (rc = end_session(s, cx, s->ike_sess[ike], t, 0)))
			return rc;
		if ((rc = trace_map_ensure_u32(&s->ike_eap, &s->ike_eap_cap,
						 ike)))
			return rc;
		if (s->ike_eap[ike] != NONE) {
			/* "<name|i> received EAP identity": the surest tie. */
			user = s->ike_eap[ike];
			s->ike_eap[ike] = NONE;
		} else {
			if (th && th->eap_len) {
				id = th->eap;
				idlen = th->eap_len;
			}
			if (idlen > TRACE_USER_MAX)
				return trace_rd_malformed(cx, 0, "peer identity longer than %d bytes",
							  TRACE_USER_MAX);
			rc = trace_user_id(trace_rd_trace(cx), id, idlen,
					   trace_map_hash(id, idlen), &user);
			if (rc)
				return rc;
		}
		if ((rc = new_session(s, user, t, &idx)))
			return rc;
	}
	if (th)
		th->eap_len = 0;
	s->ike_sess[ike] = idx;
	s->peer_ike[pk] = ike;
	if (th)
		th->ike = idx;
	return 0;
}

static int ike_down(struct ss *s, struct trace_rd_ctx *cx, int64_t t,
		    uint64_t ikeid)
{
	char k[24];
	int n = snprintf(k, sizeof(k), "%llu", (unsigned long long)ikeid);
	int64_t ike = trace_map_find(&s->ike, k, (size_t)n);
	uint32_t idx;

	if (ike < 0 || s->ike_sess[ike] == NONE)
		return 0;	/* rekeyed away, or began before the log */
	idx = s->ike_sess[ike];
	s->ike_sess[ike] = NONE;
	return end_session(s, cx, idx, t, 0);
}

/* The session a line's context or thread names, or NONE. */
static uint32_t session_of(struct ss *s, bool has_ctx, uint64_t ctx,
			   struct ss_thread *th)
{
	if (has_ctx) {
		char k[24];
		int n = snprintf(k, sizeof(k), "%llu", (unsigned long long)ctx);
		int64_t ike = trace_map_find(&s->ike, k, (size_t)n);

		return ike < 0 ? NONE : s->ike_sess[ike];
	}
	return th ? th->ike : NONE;
}

static int child_key(struct ss *s, const char *name, size_t nlen,
		     const char *ts, size_t tlen, uint32_t *id)
{
	char k[256];
	size_t n;

	if (nlen > 100)
		nlen = 100;
	memcpy(k, name, nlen);
	n = nlen;
	k[n++] = 0;
	if (tlen > sizeof(k) - n)
		tlen = sizeof(k) - n;
	memcpy(k + n, ts, tlen);
	n += tlen;
	return slot(&s->ts, &s->ts_child, &s->ts_cap, k, n, id);
}

static int ensure_child(struct ss *s, uint32_t id)
{
	size_t c;
	struct ss_child *n;

	if (id < s->child_cap)
		return 0;
	c = s->child_cap ? s->child_cap * 2 : 256;
	while (c <= id)
		c *= 2;
	n = realloc(s->children, c * sizeof(*n));
	if (!n)
		return ERR_NOMEM;
	for (size_t i = s->child_cap; i < c; i++)
		n[i] = (struct ss_child){ .sess = NONE, .next = NONE };
	s->children = n;
	s->child_cap = c;
	return 0;
}

static int spi_key(struct ss *s, char dir, const char *hex, uint32_t child)
{
	char k[9];
	uint32_t id;
	int rc;

	k[0] = dir;
	memcpy(k + 1, hex, 8);
	if ((rc = slot(&s->spi, &s->spi_child, &s->spi_cap, k, 9, &id)))
		return rc;
	s->spi_child[id] = child;
	return 0;
}

static bool hex8(struct buf_reader *r, const char **p)
{
	if (r->len - r->off < 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		uint8_t c = r->p[r->off + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return false;
	}
	*p = sc_ptr(r);
	r->off += 8;
	return true;
}

/* "CHILD_SA c{k} established with SPIs x_i y_o and TS a === b" */
static int child_up(struct ss *s, struct trace_rd_ctx *cx, struct buf_reader *r,
		    bool has_ctx, uint64_t ctx, struct ss_thread *th)
{
	const char *name, *si, *so, *ts;
	size_t nlen, tlen;
	uint64_t cid;
	uint32_t c, tk, sess;
	int rc;

	if (!sa_ref(r, '{', '}', &cid, &name, &nlen) ||
	    !sc_lit(r, " established with SPIs ") || !hex8(r, &si) ||
	    !sc_lit(r, "_i ") || !hex8(r, &so) || !sc_lit(r, "_o and TS "))
		return trace_rd_malformed(cx, 0, "bad CHILD_SA established line");
	ts = sc_ptr(r);
	tlen = r->len - r->off;
	{
		char k[24];
		int n = snprintf(k, sizeof(k), "%llu", (unsigned long long)cid);

		if (trace_map_find(&s->child, k, (size_t)n) >= 0)
			return 0;	/* "outbound CHILD_SA" after a rekey */
		rc = trace_map_get(&s->child, k, (size_t)n,
				   trace_map_hash(k, (size_t)n), &c, NULL);
		if (rc || (rc = ensure_child(s, c)))
			return rc;
	}
	if ((rc = child_key(s, name, nlen, ts, tlen, &tk)))
		return rc;
	sess = session_of(s, has_ctx, ctx, NULL);
	if (sess == NONE && s->ts_child[tk] != NONE &&
	    s->children[s->ts_child[tk]].open)
		sess = s->children[s->ts_child[tk]].sess;	/* rekey */
	if (sess == NONE && !has_ctx)
		sess = session_of(s, false, 0, th);
	if (sess == NONE || !s->sess[sess].open)
		return trace_rd_malformed(cx, 0, "CHILD_SA {%llu} not attributable to an open IKE_SA",
					  (unsigned long long)cid);
	s->children[c] = (struct ss_child){ .sess = sess, .open = true,
					    .next = s->sess[sess].children };
	s->sess[sess].children = c;
	s->ts_child[tk] = c;
	if ((rc = spi_key(s, 'i', si, c)) || (rc = spi_key(s, 'o', so, c)))
		return rc;
	return 0;
}

/* "closing [expired ]CHILD_SA c{k} with SPIs x_i (N bytes) y_o (M bytes)..." */
static int child_down(struct ss *s, struct trace_rd_ctx *cx,
		      struct buf_reader *r, bool expired, bool has_ctx,
		      uint64_t ctx)
{
	const char *name, *si, *so;
	size_t nlen;
	uint64_t cid, in = 0, out = 0;
	uint32_t sess = NONE;
	int64_t c;
	char k[24];
	int n;

	if (!sa_ref(r, '{', '}', &cid, &name, &nlen) ||
	    !sc_lit(r, " with SPIs ") || !hex8(r, &si) || !sc_lit(r, "_i "))
		return trace_rd_malformed(cx, 0, "bad closing CHILD_SA line");
	if (!expired) {
		if (!sc_char(r, '(') || !sc_u64(r, &in) || !sc_lit(r, " bytes) ") ||
		    !hex8(r, &so) || !sc_lit(r, "_o (") || !sc_u64(r, &out) ||
		    !sc_lit(r, " bytes)"))
			return trace_rd_malformed(cx, 0, "bad closing CHILD_SA byte counts");
	}
	n = snprintf(k, sizeof(k), "%llu", (unsigned long long)cid);
	c = trace_map_find(&s->child, k, (size_t)n);
	if (c >= 0 && s->children[c].sess != NONE) {
		sess = s->children[c].sess;
		s->children[c].open = false;
	} else if (has_ctx) {
		sess = session_of(s, true, ctx, NULL);
	}
	if (sess == NONE || !s->sess[sess].open)
		return 0;	/* its IKE_SA began before the log */
	s->sess[sess].in += in;
	s->sess[sess].out += out;
	return 0;
}

/* swanctl --list-sas: "in  c29dcb59,  1234 bytes, ..." (cumulative). */
static int counter_line(struct ss *s, struct buf_reader *r)
{
	const char *spi;
	char dir, k[9];
	uint64_t v;
	int64_t id;
	uint32_t c;

	sc_spaces(r);
	if (sc_lit(r, "in "))
		dir = 'i';
	else if (sc_lit(r, "out "))
		dir = 'o';
	else
		return 0;
	sc_spaces(r);
	if (!hex8(r, &spi))
		return 0;
	if (!sc_find(r, ","))
		return 0;
	sc_spaces(r);
	if (!sc_u64(r, &v) || !sc_lit(r, " bytes"))
		return 0;
	k[0] = dir;
	memcpy(k + 1, spi, 8);
	if ((id = trace_map_find(&s->spi, k, 9)) < 0)
		return 0;
	c = s->spi_child[id];
	if (c == NONE || !s->children[c].open)
		return 0;
	if (dir == 'i')
		s->children[c].snap_in = v;
	else
		s->children[c].snap_out = v;
	return 0;
}

static int close_all(struct ss *s, struct trace_rd_ctx *cx, int64_t t,
		     uint32_t flags)
{
	int rc;

	for (size_t i = 0; i < s->nsess; i++)
		if (s->sess[i].open && (rc = end_session(s, cx, (uint32_t)i, t, flags)))
			return rc;
	for (size_t i = 0; i < s->ike.count; i++)
		s->ike_sess[i] = NONE;
	return 0;
}

static int ss_line(void *st, struct trace_rd_ctx *cx, struct buf_reader *l)
{
	struct ss *s = st;
	struct buf_reader r = *l;
	const char *tag, *name;
	size_t nlen;
	uint64_t thr = 0, ctx = 0, id;
	bool has_ctx = false, dmn;
	struct ss_thread *th;
	int64_t t;

	if (!trace_time_syslog(&r, &s->year, &t)) {
		if (memmem(l->p, l->len, "[IKE] ", 6))
			return trace_rd_malformed(cx, 0, "charon line without a timestamp");
		r = *l;
		return counter_line(s, &r);
	}
	trace_rd_saw_time(cx, t);
	/* Find "NN[IKE] " or "NN[DMN] " (after an optional host/program). */
	tag = memmem(sc_ptr(&r), r.len - r.off, "[IKE] ", 6);
	dmn = false;
	if (!tag) {
		tag = memmem(sc_ptr(&r), r.len - r.off, "[DMN] ", 6);
		if (!tag)
			return counter_line(s, &r);
		dmn = true;
	}
	{
		const char *d = tag;
		uint64_t mul = 1;

		while (d > sc_ptr(&r) && d[-1] >= '0' && d[-1] <= '9' && mul < 1000000) {
			d--;
			thr += (uint64_t)(*d - '0') * mul;
			mul *= 10;
		}
		if (d == tag)
			thr = UINT64_MAX;	/* no thread number */
	}
	r.off = (size_t)((const uint8_t *)tag - r.p) + 6;
	th = thread_of(s, thr);
	if (dmn) {
		if (sc_lit(&r, "Starting IKE charon daemon"))
			return close_all(s, cx, t, 0);
		return 0;
	}
	if (sc_char(&r, '<')) {
		const char *nm;
		size_t nl;

		if (!sa_ref(&r, '|', '>', &ctx, &nm, &nl) || !sc_char(&r, ' '))
			return trace_rd_malformed(cx, 0, "bad <name|id> context");
		has_ctx = true;
	}
	if (sc_lit(&r, "IKE_SA ")) {
		if (!sa_ref(&r, '[', ']', &id, &name, &nlen))
			return 0;
		if (sc_lit(&r, " established between "))
			return ike_up(s, cx, t, th, id, name, nlen, sc_ptr(&r),
				      r.len - r.off, false);
		if (sc_lit(&r, " rekeyed between "))
			return ike_up(s, cx, t, th, id, name, nlen, sc_ptr(&r),
				      r.len - r.off, true);
		if (sc_lit(&r, " state change: ") && sc_find(&r, "=> DESTROYING"))
			return ike_down(s, cx, t, id);
		return 0;
	}
	if (sc_lit(&r, "deleting IKE_SA ")) {
		if (!sa_ref(&r, '[', ']', &id, NULL, NULL))
			return trace_rd_malformed(cx, 0, "bad deleting IKE_SA line");
		return ike_down(s, cx, t, id);
	}
	if (sc_lit(&r, "CHILD_SA ") || sc_lit(&r, "outbound CHILD_SA "))
		return child_up(s, cx, &r, has_ctx, ctx, th);
	if (sc_lit(&r, "closing CHILD_SA "))
		return child_down(s, cx, &r, false, has_ctx, ctx);
	if (sc_lit(&r, "closing expired CHILD_SA "))
		return child_down(s, cx, &r, true, has_ctx, ctx);
	if (sc_lit(&r, "received EAP identity '")) {
		const char *e;
		size_t n;

		sc_until(&r, '\'', &e, &n);
		if (!sc_char(&r, '\'') || n == 0 || n > TRACE_USER_MAX)
			return trace_rd_malformed(cx, 0, "bad EAP identity");
		if (has_ctx) {
			uint32_t ike, user;
			int rc;

			if ((rc = slot_num(&s->ike, &s->ike_sess, &s->ike_cap, ctx, &ike)) ||
			    (rc = trace_map_ensure_u32(&s->ike_eap, &s->ike_eap_cap,
						       ike)) ||
			    (rc = trace_user_id(trace_rd_trace(cx), e, n,
						trace_map_hash(e, n), &user)))
				return rc;
			s->ike_eap[ike] = user;
		} else if (th) {
			memcpy(th->eap, e, n);
			th->eap_len = (uint32_t)n;
		}
	}
	return 0;
}

static int ss_file_end(void *st, struct trace_rd_ctx *cx)
{
	(void)st;
	(void)cx;
	return 0;
}

static int ss_finish(void *st, struct trace_rd_ctx *cx, int64_t end)
{
	return close_all(st, cx, end, TRACE_SESSION_OPEN);
}

const struct trace_parser trace_strongswan_parser = {
	.format = TRACE_FMT_STRONGSWAN,
	.name = "strongswan",
	.detect = ss_detect,
	.state_new = ss_new,
	.state_free = ss_free,
	.file_start = ss_file_start,
	.line = ss_line,
	.flush = NULL,
	.file_end = ss_file_end,
	.finish = ss_finish,
};
