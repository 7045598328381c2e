/*
 * harness.c - the in-memory network and peers of harness.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/rand.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "harness.h"
#include "ike/creds.h"
#include "ike/internal.h"

void tnet_params(struct ike_params *p)
{
	ike_params_default(p);
	p->retransmit_timeout_us = 1 * CLOCK_US_PER_SEC;
	p->retransmit_base_x100 = 200;
	p->retransmit_tries = 3;
}

struct tnet *tnet_new(void)
{
	struct tnet *n = calloc(1, sizeof(*n));
	const char *lvl = getenv("RESWAN_TEST_LOG");

	/* Quiet by default; RESWAN_TEST_LOG=debug shows the exchanges. */
	log_set_level(lvl && log_level_parse(lvl) >= 0
		      ? (enum log_level)log_level_parse(lvl) : LOG_LVL_WARN);
	assert_non_null(n);
	/* 2030-01-01: inside the test certificates' validity. */
	clock_fake_init(&n->clock, 1893456000ULL * CLOCK_US_PER_SEC);
	return n;
}

void tnet_free(struct tnet *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->npeers; i++) {
		struct tpeer *p = n->peers[i];

		ike_free(p->ike);
		dp_record_free(p->dp);
		rand_det_free(p->rand);
		free(p);
	}
	for (size_t i = 0; i < n->qlen; i++)
		free(n->queue[i].data);
	free(n);
}

const char *pki(const char *file)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/ike/pki/%s", RESWAN_TEST_DATA, file);
	return buf[i];
}

static int net_send(void *ctx, const struct addr *local, const struct addr *remote,
		    const uint8_t *msg, size_t len)
{
	struct tpeer *p = ctx;
	struct tnet *n = p->net;
	struct tpkt *q;

	if (n->qlen >= TNET_MAX_QUEUE)
		return ERR_LIMIT;
	q = &n->queue[n->qlen++];
	q->src = *local;
	if (addr_is_any(&q->src)) {
		uint16_t port = local->port;

		q->src = p->addr;
		q->src.port = port;
	}
	q->dst = *remote;
	q->data = malloc(len);
	assert_non_null(q->data);
	memcpy(q->data, msg, len);
	q->len = len;
	q->from = p->index;
	p->sent++;
	return 0;
}

static void ev_record(struct tpeer *p, bool up, const struct ike_session_event *ev)
{
	struct tevent *e;

	if (p->nevents >= sizeof(p->events) / sizeof(p->events[0]))
		return;
	e = &p->events[p->nevents++];
	e->up = up;
	e->uniqueid = ev->uniqueid;
	snprintf(e->conn, sizeof(e->conn), "%s", ev->conn);
	snprintf(e->peer_id, sizeof(e->peer_id), "%s", ev->peer_id);
	e->bytes_in = ev->bytes_in;
	e->bytes_out = ev->bytes_out;
	e->resumed = ev->resumed;
	e->reason = ev->reason;
}

static void ev_up(void *ctx, const struct ike_session_event *ev)
{
	ev_record(ctx, true, ev);
}

static void ev_down(void *ctx, const struct ike_session_event *ev)
{
	ev_record(ctx, false, ev);
}

static void load_list(struct creds *c, const char *const *files, int kind)
{
	for (; files && *files; files++) {
		const char *path = pki(*files);

		if (kind == 0) {
			struct sign_key *k;

			assert_int_equal(sign_key_load_file(path, &k), 0);
			assert_int_equal(creds_add_key(c, k), 0);
		} else {
			struct x509_cert *x;

			assert_int_equal(x509_cert_load_file(path, &x), 0);
			if (kind == 1)
				assert_int_equal(creds_add_cert(c, path, x), 0);
			else
				assert_int_equal(creds_add_ca(c, path, x), 0);
		}
	}
}

struct tpeer *tpeer_new(struct tnet *n, const char *name, const char *ip,
			const char *conf, const struct ike_params *params,
			const char *const *keys, const char *const *certs,
			const char *const *cas)
{
	struct tpeer *p = calloc(1, sizeof(*p));
	struct config *cfg = NULL;
	struct creds *cr;
	struct ike_env env;
	struct diag d;
	uint8_t seed[32];
	int rc;

	assert_non_null(p);
	assert_true(n->npeers < TNET_MAX_PEERS);
	p->net = n;
	p->index = n->npeers;
	snprintf(p->name, sizeof(p->name), "%s", name);
	assert_int_equal(addr_parse(ip, &p->addr), 0);
	diag_init(&d);
	rc = config_load_buffer(name, conf, strlen(conf), NULL, &cfg, &d);
	if (rc) {
		diag_print(&d, stderr);
		fail_msg("config of %s rejected", name);
	}
	cr = creds_new();
	assert_non_null(cr);
	load_list(cr, keys, 0);
	load_list(cr, certs, 1);
	load_list(cr, cas, 2);
	memset(seed, 0, sizeof(seed));
	snprintf((char *)seed, sizeof(seed), "seed-%s-%d", name, p->index);
	p->rand = rand_det_new(seed, sizeof(seed));
	p->dp = dp_record_new(1024);
	assert_non_null(p->rand);
	assert_non_null(p->dp);
	memset(&env, 0, sizeof(env));
	env.clock = &n->clock.clock;
	env.rand = p->rand;
	env.io.send = net_send;
	env.io.ctx = p;
	env.dp = dp_record_ops(p->dp);
	env.events.sa_up = ev_up;
	env.events.sa_down = ev_down;
	env.events.ctx = p;
	if (params)
		env.params = *params;
	else
		tnet_params(&env.params);
	p->ike = ike_new(&env, cfg, cr);
	assert_non_null(p->ike);
	n->peers[n->npeers++] = p;
	return p;
}

static struct tpeer *route(struct tnet *n, const struct addr *dst)
{
	for (int i = 0; i < n->npeers; i++)
		if (n->peers[i]->ike && addr_eq(&n->peers[i]->addr, dst, false))
			return n->peers[i];
	return NULL;
}

void tnet_flush(struct tnet *n)
{
	int rounds = 0;

	while (n->qlen && rounds++ < 10000) {
		struct tpkt p = n->queue[0];
		struct tpeer *to;

		memmove(n->queue, n->queue + 1, (n->qlen - 1) * sizeof(n->queue[0]));
		n->qlen--;
		to = route(n, &p.dst);
		if (!to || (n->filter && !n->filter(n, &p, n->filter_ctx))) {
			n->dropped++;
		} else {
			n->delivered++;
			ike_receive(to->ike, &p.dst, &p.src, p.data, p.len);
		}
		free(p.data);
	}
}

void tnet_advance(struct tnet *n, uint64_t us)
{
	uint64_t end = clock_mono(&n->clock.clock) + us;

	tnet_flush(n);
	for (;;) {
		uint64_t next = UINT64_MAX, now = clock_mono(&n->clock.clock);

		for (int i = 0; i < n->npeers; i++) {
			uint64_t d;

			if (!n->peers[i]->ike)
				continue;	/* a peer the test took down */
			d = ike_next_deadline(n->peers[i]->ike);
			if (d < next)
				next = d;
		}
		if (next > end)
			break;
		if (next > now)
			clock_fake_advance(&n->clock, next - now);
		for (int i = 0; i < n->npeers; i++)
			if (n->peers[i]->ike)
				ike_tick(n->peers[i]->ike);
		tnet_flush(n);
	}
	if (clock_mono(&n->clock.clock) < end)
		clock_fake_advance(&n->clock, end - clock_mono(&n->clock.clock));
}

static void on_done(void *ctx, int rc, const char *msg)
{
	struct tpeer *p = ctx;

	p->done_calls++;
	p->done_rc = rc;
	snprintf(p->done_msg, sizeof(p->done_msg), "%s", msg ? msg : "");
}

int tpeer_up(struct tpeer *p, const char *conn)
{
	int calls = p->done_calls, rc;

	rc = ike_initiate(p->ike, conn, on_done, p);
	if (rc)
		return rc;
	tnet_flush(p->net);
	return p->done_calls > calls ? p->done_rc : 1;
}

int tpeer_down(struct tpeer *p, const char *sel)
{
	int calls = p->done_calls, rc;

	rc = ike_terminate(p->ike, sel, on_done, p);
	if (rc)
		return rc;
	tnet_flush(p->net);
	return p->done_calls > calls ? p->done_rc : 1;
}

int tpeer_count_sas(const struct tpeer *p, const char *state)
{
	int n = 0;

	for (struct ike_sa *sa = p->ike->all; sa; sa = sa->next)
		if (!state || strcmp(sa_state_name(sa->state), state) == 0)
			n++;
	return n;
}

size_t tpeer_count_children(const struct tpeer *p)
{
	return dp_record_count(p->dp);
}

size_t tpeer_count_events(const struct tpeer *p, bool up)
{
	size_t c = 0;

	for (size_t i = 0; i < p->nevents; i++)
		if (p->events[i].up == up)
			c++;
	return c;
}

void tnet_inject(struct tnet *n, struct tpeer *to, const struct addr *src,
		 uint16_t dst_port, const uint8_t *data, size_t len)
{
	struct addr dst = to->addr;

	dst.port = dst_port;
	ike_receive(to->ike, &dst, src, data, len);
	(void)n;
}

#define D(x, d) ((x) ? (x) : (d))

const char *tconf(char *buf, size_t len, const struct tconf *c)
{
	const char *auth = D(c->auth, "psk");
	const char *rauth = D(c->remote_auth, auth);
	char lid[160] = "", rid[160] = "", cert[600] = "", secrets[512] = "";

	if (c->my_id)
		snprintf(lid, sizeof(lid), "   id = %s\n", c->my_id);
	if (c->other_id)
		snprintf(rid, sizeof(rid), "   id = %s\n", c->other_id);
	if (c->cert)
		snprintf(cert, sizeof(cert), "   certs = %s\n", pki(c->cert));
	if (strcmp(auth, "psk") == 0 || strcmp(rauth, "psk") == 0) {
		char i1[200] = "", i2[200] = "";

		if (c->my_id)
			snprintf(i1, sizeof(i1), "  id-1 = %s\n", c->my_id);
		if (c->other_id)
			snprintf(i2, sizeof(i2), "  id-2 = %s\n", c->other_id);
		snprintf(secrets, sizeof(secrets),
			 "secrets {\n ike-1 {\n%s%s  secret = \"%s\"\n }\n}\n",
			 i1, i2, D(c->psk, "s3cret"));
	}
	snprintf(buf, len,
		 "connections {\n"
		 " peer {\n"
		 "  local_addrs = %s\n"
		 "  remote_addrs = %s\n"
		 "  proposals = %s\n"
		 "%s"
		 "  local {\n   auth = %s\n%s%s  }\n"
		 "  remote {\n   auth = %s\n%s  }\n"
		 "  children {\n   net {\n    local_ts = %s\n    remote_ts = %s\n"
		 "    esp_proposals = %s\n%s   }\n  }\n"
		 " }\n"
		 "}\n%s%s",
		 D(c->me, "%any"), D(c->other, "%any"),
		 D(c->ike, "aes256gcm16-prfsha256-x25519"), D(c->conn_extra, ""),
		 auth, lid, cert, rauth, rid, D(c->lts, "dynamic"),
		 D(c->rts, "dynamic"), D(c->esp, "aes256gcm16"),
		 D(c->child_extra, ""), secrets, D(c->top_extra, ""));
	return buf;
}
