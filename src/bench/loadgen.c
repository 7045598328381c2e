/*
 * loadgen.c - the client population of the handshake and storm benchmarks
 * (see loadgen.h).
 *
 * Each engine gets swanctl.conf text with one connection per client, built
 * here and parsed by the configuration module exactly as reswand parses
 * its file, so a client is configured like any reswan initiator.  The
 * engines' data plane is a no-op (no ESP flows in a handshake benchmark)
 * and their log threshold is the caller's business.
 *
 * Callbacks from an engine (an up or down request finished, an SA came up
 * or went away) only change the client's state and queue it; the loop then
 * calls the engine, a bounded batch at a time between socket reads, so
 * that a burst of initiations (a storm) cannot starve the reception of
 * the responder's answers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/loadgen.h"
#include "cache/cache_client.h"
#include "common/clock.h"
#include "common/err.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/rand.h"
#include "ike/creds.h"
#include "ike/ike.h"
#include "resume/resume.h"
#include "wire/ikev2.h"
#include "wire/wire.h"

#define RX_BUF 65536
#define RX_BUDGET 64		/* datagrams per socket per wakeup */
#define QUEUE_BATCH 16		/* engine calls between two socket polls */
#define MAX_FAILS 3		/* consecutive failures before a client gives up */
#define SOCK_BUF (4 << 20)	/* asked for; the kernel caps it at rmem_max */

enum cstate {
	C_IDLE,
	C_WANT_UP,	/* queued: initiate */
	C_CONNECTING,
	C_UP,		/* connected, holding */
	C_WANT_DOWN,	/* queued: terminate */
	C_DISCONNECTING,
};

struct engine;

struct client {
	struct engine *e;
	uint8_t state;
	bool queued;
	bool up_seen, resumed;	/* from the engine's sa_up event */
	uint8_t fails;		/* consecutive */
	uint64_t t0_us;		/* initiation */
	char name[16];		/* "c<i>" */
};

struct engine {
	struct loadgen *lg;
	unsigned idx;
	struct ike *ike;
	struct resume *res;
	struct cache_client *store;	/* tickets; survive loadgen_forget() */
	int fd[2];			/* IKE port, NAT-T port */
	struct addr bound[2];
	unsigned first, n;		/* clients first .. first + n - 1 */
};

struct samples {
	uint32_t *v;
	size_t n, cap;
	bool sorted;
};

struct loadgen {
	struct loadgen_opts o;
	struct engine *eng;
	unsigned n_eng;
	struct client *cl;
	unsigned *queue;		/* ring of client indices */
	unsigned q_head, q_len;
	unsigned n_busy, n_up;
	enum loadgen_cycle cycle;
	bool stopping, forgetting;
	bool counting;			/* inside a window */
	bool ended;			/* window ended: end_* hold its totals */
	int ep;
	uint8_t *rx;
	struct loadgen_stats st;	/* window counters kept here */
	/* Engine counters at the window start, and of engines retired by
	 * loadgen_forget() since. */
	uint64_t base_attempts, base_fallbacks, base_retx;
	uint64_t gone_attempts, gone_fallbacks, gone_retx;
	uint64_t end_attempts, end_fallbacks, end_retx;
	struct samples lat[2];		/* [resumed] */
	/* A spread start: client i starts at spread_t0 + i * spread_us / n;
	 * spread_next is the first not yet started. */
	uint64_t spread_t0, spread_us;
	unsigned spread_next;
};

static uint64_t now_us(void)
{
	return bench_now_ns() / 1000;
}

/* ---- the no-op data plane ---- */

static int dp_install(void *ctx, const struct dp_child *c)
{
	(void)ctx;
	(void)c;
	return 0;
}

static int dp_remove(void *ctx, uint64_t id, struct dp_counters *final)
{
	(void)ctx;
	(void)id;
	if (final)
		memset(final, 0, sizeof(*final));
	return 0;
}

static int dp_counters(void *ctx, uint64_t id, struct dp_counters *out)
{
	(void)ctx;
	(void)id;
	memset(out, 0, sizeof(*out));
	return 0;
}

/* ---- client state ---- */

static bool busy_state(uint8_t s)
{
	return s == C_WANT_UP || s == C_CONNECTING || s == C_WANT_DOWN ||
	       s == C_DISCONNECTING;
}

/* Every state change goes through here, so the busy/up counts stay true. */
static void set_state(struct loadgen *lg, struct client *c, enum cstate s)
{
	lg->n_busy -= busy_state(c->state);
	lg->n_up -= c->state == C_UP;
	c->state = (uint8_t)s;
	lg->n_busy += busy_state(c->state);
	lg->n_up += c->state == C_UP;
	if ((s == C_WANT_UP || s == C_WANT_DOWN) && !c->queued) {
		unsigned n = (unsigned)(lg->o.clients);

		lg->queue[(lg->q_head + lg->q_len) % n] = (unsigned)(c - lg->cl);
		lg->q_len++;
		c->queued = true;
	}
}

static struct client *client_of(struct loadgen *lg, const char *conn)
{
	char *end;
	unsigned long i;

	if (!conn || conn[0] != 'c')
		return NULL;
	i = strtoul(conn + 1, &end, 10);
	return *end == '\0' && i < lg->o.clients ? &lg->cl[i] : NULL;
}

static void sample_add(struct loadgen *lg, bool resumed, uint64_t us)
{
	struct samples *s = &lg->lat[resumed];

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint32_t *v;

		if (cap > LOADGEN_MAX_SAMPLES || !(v = realloc(s->v, cap * sizeof(*v)))) {
			lg->st.dropped_samples++;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	s->sorted = false;
}

static void up_done(void *ctx, int result, const char *msg)
{
	struct client *c = ctx;
	struct loadgen *lg = c->e->lg;

	(void)msg;
	if (lg->forgetting || c->state != C_CONNECTING)
		return;
	if (result != 0) {
		lg->st.failed += lg->counting;
		c->fails++;
		if (lg->cycle != LOADGEN_ONCE && !lg->stopping && c->fails < MAX_FAILS)
			set_state(lg, c, C_WANT_UP);
		else
			set_state(lg, c, C_IDLE);
		return;
	}
	c->fails = 0;
	if (lg->counting) {
		if (c->up_seen && c->resumed)
			lg->st.resumed++;
		else
			lg->st.full++;
		sample_add(lg, c->up_seen && c->resumed, now_us() - c->t0_us);
	}
	set_state(lg, c, lg->cycle == LOADGEN_HOLD ? C_UP : C_WANT_DOWN);
}

static void down_done(void *ctx, int result, const char *msg)
{
	struct client *c = ctx;
	struct loadgen *lg = c->e->lg;

	(void)result;
	(void)msg;
	if (lg->forgetting || c->state != C_DISCONNECTING)
		return;
	lg->st.deletes += lg->counting;
	set_state(lg, c, lg->cycle == LOADGEN_LOOP && !lg->stopping ? C_WANT_UP : C_IDLE);
}

static void on_sa_up(void *ctx, const struct ike_session_event *ev)
{
	struct client *c = client_of(ctx, ev->conn);

	if (c) {
		c->up_seen = true;
		c->resumed = ev->resumed;
	}
}

/* The responder deleted a held SA (or it died): reconnect while holding. */
static void on_sa_down(void *ctx, const struct ike_session_event *ev)
{
	struct loadgen *lg = ctx;
	struct client *c = client_of(lg, ev->conn);

	if (!c || lg->forgetting || c->state != C_UP)
		return;
	set_state(lg, c, lg->cycle == LOADGEN_HOLD && !lg->stopping ? C_WANT_UP : C_IDLE);
}

/* Perform one queued client's next step. */
static void step(struct loadgen *lg, struct client *c)
{
	int rc;

	c->queued = false;
	if (c->state == C_WANT_UP) {
		if (lg->stopping) {
			set_state(lg, c, C_IDLE);
			return;
		}
		c->up_seen = c->resumed = false;
		c->t0_us = now_us();
		set_state(lg, c, C_CONNECTING);
		rc = ike_initiate(c->e->ike, c->name, up_done, c);
		if (rc != 0) {
			/* done is not called on a synchronous error. */
			lg->st.failed += lg->counting;
			set_state(lg, c, C_IDLE);
		}
	} else if (c->state == C_WANT_DOWN) {
		set_state(lg, c, C_DISCONNECTING);
		rc = ike_terminate(c->e->ike, c->name, down_done, c);
		if (rc != 0)	/* no SA left (the responder deleted it) */
			set_state(lg, c, C_IDLE);
	}
}

static void drain_queue(struct loadgen *lg, unsigned max)
{
	unsigned n = lg->o.clients;

	while (lg->q_len && max--) {
		struct client *c = &lg->cl[lg->queue[lg->q_head]];

		lg->q_head = (lg->q_head + 1) % n;
		lg->q_len--;
		step(lg, c);
	}
}

/* ---- sockets ---- */

static socklen_t to_sin(const struct addr *a, struct sockaddr_in *s)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons(a->port);
	memcpy(&s->sin_addr, a->ip, 4);
	return sizeof(*s);
}

static int send_msg(void *ctx, const struct addr *local, const struct addr *remote,
		    const uint8_t *msg, size_t len)
{
	struct engine *e = ctx;
	static const uint8_t marker[IKEV2_NON_ESP_MARKER_LEN];
	struct sockaddr_in to;
	struct iovec iov[2];
	struct msghdr mh;
	bool natt = local->port == e->bound[1].port;

	if (remote->family != ADDR_IPV4)
		return ERR_INVAL;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &to;
	mh.msg_namelen = to_sin(remote, &to);
	iov[0].iov_base = (void *)(uintptr_t)marker;
	iov[0].iov_len = sizeof(marker);
	iov[1].iov_base = (void *)(uintptr_t)msg;
	iov[1].iov_len = len;
	mh.msg_iov = natt ? iov : iov + 1;
	mh.msg_iovlen = natt ? 2 : 1;
	/* A full buffer is packet loss to the engine: it retransmits. */
	return sendmsg(e->fd[natt], &mh, MSG_DONTWAIT) < 0 ? ERR_IO : 0;
}

static int open_sock(struct loadgen *lg, struct engine *e, int which,
		     char *err, size_t errlen)
{
	struct sockaddr_in sin;
	struct epoll_event ev;
	int fd, sz = SOCK_BUF;
	char ab[ADDR_STRLEN];

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return ERR_IO;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sin, to_sin(&e->bound[which], &sin)) != 0) {
		snprintf(err, errlen, "bind %s: %s",
			 addr_fmt(&e->bound[which], true, ab, sizeof(ab)), strerror(errno));
		close(fd);
		return ERR_IO;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = e->idx * 2 + (unsigned)which;
	if (epoll_ctl(lg->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		close(fd);
		return ERR_IO;
	}
	e->fd[which] = fd;
	return 0;
}

static void read_sock(struct loadgen *lg, struct engine *e, int which)
{
	struct sockaddr_in from;
	struct addr remote;

	for (int i = 0; i < RX_BUDGET; i++) {
		socklen_t fl = sizeof(from);
		ssize_t r = recvfrom(e->fd[which], lg->rx, RX_BUF, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
		const uint8_t *p = lg->rx;
		size_t len;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;		/* EAGAIN, or an ICMP error: nothing to read */
		}
		len = (size_t)r;
		if (from.sin_family != AF_INET ||
		    addr_from_bytes(&remote, (const uint8_t *)&from.sin_addr, 4,
				    ntohs(from.sin_port)) != 0)
			continue;
		/* On the NAT-T port only marker + IKE is for the engine. */
		if (which == 1 && wire_natt_strip(&p, &len) != 0)
			continue;
		ike_receive(e->ike, &e->bound[which], &remote, p, len);
	}
}

/* ---- engines ---- */

/* The swanctl.conf text of engine e's clients. */
static char *engine_conf(const struct loadgen *lg, const struct engine *e)
{
	const struct loadgen_opts *o = &lg->o;
	char gw[ADDR_STRLEN], me[ADDR_STRLEN];
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	addr_fmt(&o->gateway, false, gw, sizeof(gw));
	addr_fmt(&e->bound[0], false, me, sizeof(me));
	fprintf(f, "lgclient {\n\tlocal_addrs = %s\n\tremote_addrs = %s\n"
		   "\tremote_port = %u\n%s\n%s}\nconnections {\n", me, gw,
		o->gateway.port, o->conn_body, o->resume ? "\tresumption {\n\t}\n" : "");
	for (unsigned i = e->first; i < e->first + e->n; i++) {
		fprintf(f, "\tc%u : lgclient {\n", i);
		fprintf(f, "\t\tlocal {\n\t\t\tid = c%u.%s\n", i, o->domain);
		if (o->certs)
			fprintf(f, "\t\t\tcerts = c%u.pem\n", i);
		fprintf(f, "\t\t}\n");
		fprintf(f, "\t}\n");
	}
	fprintf(f, "}\n%s\n", o->top ? o->top : "");
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Retire the engine's SAs silently (counting its counters first). */
static void engine_down(struct loadgen *lg, struct engine *e)
{
	if (e->res) {
		struct resume_stats rs;

		resume_get_stats(e->res, &rs);
		lg->gone_attempts += rs.attempts;
		lg->gone_fallbacks += rs.fallbacks;
	}
	if (e->ike) {
		struct ike_stats is;

		ike_get_stats(e->ike, &is);
		lg->gone_retx += is.tx_retransmits;
	}
	ike_free(e->ike);	/* calls outstanding done callbacks: ignored */
	e->ike = NULL;
	resume_free(e->res);
	e->res = NULL;
}

static int engine_up(struct loadgen *lg, struct engine *e, char *err, size_t errlen)
{
	struct config_opts co = { .confdir = lg->o.confdir, .check_files = true };
	struct config *cfg = NULL;
	struct creds *creds = NULL;
	struct ike_env env;
	struct diag d;
	char *text = engine_conf(lg, e);
	int rc;

	diag_init(&d);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return ERR_NOMEM;
	}
	rc = config_load_buffer("loadgen", text, strlen(text), &co, &cfg, &d);
	free(text);
	if (rc == 0)
		rc = creds_load(cfg, &creds, &d);
	if (rc != 0) {
		snprintf(err, errlen, "client configuration: %s",
			 d.n ? d.e[0].msg : err_str(rc));
		config_free(cfg);
		return rc;
	}
	memset(&env, 0, sizeof(env));
	env.clock = clock_system();
	env.rand = rand_system();
	env.io = (struct ike_io){ .send = send_msg, .ctx = e };
	env.dp = (struct dataplane){ .install = dp_install, .remove = dp_remove,
				     .counters = dp_counters };
	env.events = (struct ike_events){ .sa_up = on_sa_up, .sa_down = on_sa_down,
					  .ctx = lg };
	ike_params_default(&env.params);
	env.params.port = e->bound[0].port;
	env.params.natt_port = e->bound[1].port;
	env.params.modp_short_exponent = lg->o.modp_short_exponent;
	if (lg->o.retransmit_us)
		env.params.retransmit_timeout_us = lg->o.retransmit_us;
	if (lg->o.retransmit_tries)
		env.params.retransmit_tries = lg->o.retransmit_tries;
	if (!(e->ike = ike_new(&env, cfg, creds))) {
		config_free(cfg);
		creds_free(creds);
		snprintf(err, errlen, "out of memory");
		return ERR_NOMEM;
	}
	if (lg->o.resume) {
		struct resume_opts ro = { .client = e->store };

		if (!(e->res = resume_new(e->ike, &ro))) {
			snprintf(err, errlen, "out of memory");
			return ERR_NOMEM;
		}
	}
	return 0;
}

/* ---- public ---- */

struct loadgen *loadgen_new(const struct loadgen_opts *o, char *err, size_t errlen)
{
	struct loadgen *lg;
	unsigned per;

	if (o->clients == 0 || o->clients > LOADGEN_MAX_CLIENTS || !o->local_natt_port ||
	    o->gateway.family != ADDR_IPV4 || o->local_base.family != ADDR_IPV4) {
		snprintf(err, errlen, "1..%u clients over IPv4", LOADGEN_MAX_CLIENTS);
		return NULL;
	}
	if (!(lg = calloc(1, sizeof(*lg)))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lg->o = *o;
	lg->ep = -1;
	lg->spread_next = o->clients;	/* nothing pending */
	per = LOADGEN_PER_ENGINE;
	lg->n_eng = (o->clients + per - 1) / per;
	if ((unsigned)o->local_base.ip[3] + lg->n_eng > 255) {
		snprintf(err, errlen, "%u client addresses do not fit after %u.%u.%u.%u",
			 lg->n_eng, o->local_base.ip[0], o->local_base.ip[1],
			 o->local_base.ip[2], o->local_base.ip[3]);
		goto fail;
	}
	lg->eng = calloc(lg->n_eng, sizeof(*lg->eng));
	lg->cl = calloc(o->clients, sizeof(*lg->cl));
	lg->queue = calloc(o->clients, sizeof(*lg->queue));
	lg->rx = malloc(RX_BUF);
	if (!lg->eng || !lg->cl || !lg->queue || !lg->rx) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((lg->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	for (unsigned k = 0; k < lg->n_eng; k++) {
		struct engine *e = &lg->eng[k];
		struct cache_client_opts co = { .clock = clock_system() };

		e->lg = lg;
		e->idx = k;
		e->fd[0] = e->fd[1] = -1;
		e->first = k * per;
		e->n = o->clients - e->first < per ? o->clients - e->first : per;
		e->bound[0] = o->local_base;
		e->bound[0].ip[3] = (uint8_t)(o->local_base.ip[3] + k);
		e->bound[1] = e->bound[0];
		e->bound[1].port = o->local_natt_port;
		co.max_entries = e->n;
		if (o->resume && !(e->store = cache_client_new(&co))) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (open_sock(lg, e, 0, err, errlen) != 0 ||
		    open_sock(lg, e, 1, err, errlen) != 0 ||
		    engine_up(lg, e, err, errlen) != 0)
			goto fail;
		for (unsigned i = e->first; i < e->first + e->n; i++) {
			lg->cl[i].e = e;
			snprintf(lg->cl[i].name, sizeof(lg->cl[i].name), "c%u", i);
		}
	}
	return lg;
fail:
	loadgen_free(lg);
	return NULL;
}

void loadgen_free(struct loadgen *lg)
{
	if (!lg)
		return;
	lg->forgetting = true;
	for (unsigned k = 0; lg->eng && k < lg->n_eng; k++) {
		struct engine *e = &lg->eng[k];

		engine_down(lg, e);
		cache_client_free(e->store);
		for (int w = 0; w < 2; w++)
			if (e->fd[w] >= 0)
				close(e->fd[w]);
	}
	if (lg->ep >= 0)
		close(lg->ep);
	free(lg->eng);
	free(lg->cl);
	free(lg->queue);
	free(lg->rx);
	free(lg->lat[0].v);
	free(lg->lat[1].v);
	free(lg);
}

void loadgen_start_spread(struct loadgen *lg, enum loadgen_cycle c, uint64_t spread_us)
{
	lg->cycle = c;
	lg->stopping = false;
	for (unsigned i = 0; i < lg->o.clients; i++)
		lg->cl[i].fails = 0;
	lg->spread_t0 = now_us();
	lg->spread_us = spread_us;
	lg->spread_next = 0;
}

void loadgen_start(struct loadgen *lg, enum loadgen_cycle c)
{
	loadgen_start_spread(lg, c, 0);
}

/* Start the clients whose time has come; the time of the next, or
 * UINT64_MAX. */
static uint64_t release(struct loadgen *lg, uint64_t now)
{
	unsigned n = lg->o.clients;

	while (lg->spread_next < n) {
		uint64_t at = lg->spread_t0 + lg->spread_us * lg->spread_next / n;
		struct client *c = &lg->cl[lg->spread_next];

		if (at > now)
			return at;
		lg->spread_next++;
		if (c->state == C_IDLE && !lg->stopping)
			set_state(lg, c, C_WANT_UP);
	}
	return UINT64_MAX;
}

void loadgen_stop(struct loadgen *lg)
{
	lg->stopping = true;
	lg->spread_next = lg->o.clients;
}

int loadgen_run(struct loadgen *lg, uint64_t deadline_us, bool until_idle,
		bool until_all_up)
{
	struct epoll_event evs[64];

	for (;;) {
		uint64_t now, next = deadline_us, at;
		int n, timeout;

		if (lg->o.stop && *lg->o.stop)
			return ERR_STATE;
		at = release(lg, now_us());
		drain_queue(lg, QUEUE_BATCH);
		now = now_us();
		if (at < next)
			next = at;
		if (now >= deadline_us ||
		    (until_idle && lg->n_busy == 0 && lg->spread_next == lg->o.clients) ||
		    (until_all_up && lg->n_up == lg->o.clients))
			return 0;
		for (unsigned k = 0; k < lg->n_eng; k++) {
			uint64_t d = ike_next_deadline(lg->eng[k].ike);

			if (d < next)
				next = d;
		}
		if (lg->q_len || next <= now)
			timeout = 0;
		else
			timeout = (int)((next - now + 999) / 1000 > 1000 ? 1000
								  : (next - now + 999) / 1000);
		n = epoll_wait(lg->ep, evs, 64, timeout);
		if (n < 0 && errno != EINTR)
			return ERR_IO;
		for (int i = 0; i < n; i++) {
			unsigned k = evs[i].data.u32 / 2;

			if (k < lg->n_eng)
				read_sock(lg, &lg->eng[k], (int)(evs[i].data.u32 % 2));
		}
		now = now_us();
		for (unsigned k = 0; k < lg->n_eng; k++)
			if (ike_next_deadline(lg->eng[k].ike) <= now)
				ike_tick(lg->eng[k].ike);
	}
}

unsigned loadgen_busy(const struct loadgen *lg)
{
	return lg->n_busy;
}

unsigned loadgen_up(const struct loadgen *lg)
{
	return lg->n_up;
}

int loadgen_forget(struct loadgen *lg, char *err, size_t errlen)
{
	int rc = 0;

	lg->forgetting = true;
	for (unsigned k = 0; k < lg->n_eng; k++)
		engine_down(lg, &lg->eng[k]);
	lg->forgetting = false;
	lg->q_len = 0;
	lg->spread_next = lg->o.clients;
	for (unsigned i = 0; i < lg->o.clients; i++) {
		lg->cl[i].queued = false;
		set_state(lg, &lg->cl[i], C_IDLE);
	}
	for (unsigned k = 0; k < lg->n_eng && rc == 0; k++)
		rc = engine_up(lg, &lg->eng[k], err, errlen);
	return rc;
}

/* Engine counters now, retired engines included. */
static void engine_totals(const struct loadgen *lg, uint64_t *att, uint64_t *fb,
			  uint64_t *retx)
{
	*att = lg->gone_attempts;
	*fb = lg->gone_fallbacks;
	*retx = lg->gone_retx;
	for (unsigned k = 0; k < lg->n_eng; k++) {
		const struct engine *e = &lg->eng[k];
		struct ike_stats is;

		if (e->res) {
			struct resume_stats rs;

			resume_get_stats(e->res, &rs);
			*att += rs.attempts;
			*fb += rs.fallbacks;
		}
		if (e->ike) {
			ike_get_stats(e->ike, &is);
			*retx += is.tx_retransmits;
		}
	}
}

void loadgen_window_begin(struct loadgen *lg)
{
	memset(&lg->st, 0, sizeof(lg->st));
	engine_totals(lg, &lg->base_attempts, &lg->base_fallbacks, &lg->base_retx);
	lg->lat[0].n = lg->lat[1].n = 0;
	lg->counting = true;
	lg->ended = false;
}

void loadgen_window_end(struct loadgen *lg)
{
	engine_totals(lg, &lg->end_attempts, &lg->end_fallbacks, &lg->end_retx);
	lg->counting = false;
	lg->ended = true;
}

void loadgen_get_stats(const struct loadgen *lg, struct loadgen_stats *out)
{
	uint64_t att, fb, retx;

	*out = lg->st;
	if (lg->ended) {
		att = lg->end_attempts;
		fb = lg->end_fallbacks;
		retx = lg->end_retx;
	} else {
		engine_totals(lg, &att, &fb, &retx);
	}
	out->resume_attempts = att - lg->base_attempts;
	out->fallbacks = fb - lg->base_fallbacks;
	out->retransmits = retx - lg->base_retx;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

double loadgen_latency_us(struct loadgen *lg, bool resumed, double pct)
{
	struct samples *s = &lg->lat[resumed];
	size_t i;

	if (!s->n)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(s->v[0]), cmp_u32);
		s->sorted = true;
	}
	/* Nearest rank. */
	i = (size_t)(pct / 100.0 * (double)s->n + 0.999999);
	i = i == 0 ? 0 : i - 1;
	return s->v[i < s->n ? i : s->n - 1];
}

size_t loadgen_samples(const struct loadgen *lg, bool resumed)
{
	return lg->lat[resumed].n;
}
