/*
 * ike.c - the engine: its tables and timers, the dispatch of received
 * messages, and the public API of ike.h.
 *
 * Every entry point (ike_receive, ike_tick and the API calls) ends by
 * reaping the SAs that died during it, so handlers can destroy an SA and
 * still read it until they return.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "common/wipe.h"
#include "config/config.h"
#include "crypto/ke.h"
#include "crypto/rand.h"
#include "ike/certcache.h"
#include "ike/internal.h"

void ike_params_default(struct ike_params *p)
{
	memset(p, 0, sizeof(*p));
	p->max_ike_sas = 1000000;
	p->max_half_open = 30000;
	p->cookie_threshold = 1000;
	p->half_open_timeout_us = 30 * CLOCK_US_PER_SEC;
	p->cookie_rotate_us = 120 * CLOCK_US_PER_SEC;
	/* strongSwan's defaults: 4 s, base 1.8, 5 tries (about 165 s). */
	p->retransmit_timeout_us = 4 * CLOCK_US_PER_SEC;
	p->retransmit_base_x100 = 180;
	p->retransmit_tries = 5;
	p->retransmit_limit_us = 0;
	p->fragment_size = 1280;
	p->max_fragments = IKE_MAX_PACKETS;
	p->max_children_per_sa = 64;
	p->port = IKEV2_PORT;
	p->natt_port = IKEV2_NATT_PORT;
	p->modp_short_exponent = true;
}

struct ike_cfg *ike_cfg_ref(struct ike_cfg *c)
{
	if (c)
		c->refs++;
	return c;
}

void ike_cfg_unref(struct ike_cfg *c)
{
	if (!c || --c->refs)
		return;
	config_free(c->cfg);
	creds_free(c->creds);
	free(c);
}

static struct ike_cfg *cfg_wrap(struct ike *ike, struct config *cfg,
				 struct creds *creds)
{
	struct ike_cfg *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = cfg;
	c->creds = creds;
	c->refs = 1;
	c->gen = ++ike->cfg_gen;
	return c;
}

struct ike *ike_new(const struct ike_env *env, struct config *cfg,
		    struct creds *creds)
{
	struct ike *ike = calloc(1, sizeof(*ike));

	if (!ike)
		return NULL;
	ike->env = *env;
	ike->rx = wire_msg_new();
	ike->pt = malloc(IKE_MAX_MSG);
	ike->cfg = cfg_wrap(ike, cfg, creds);
	ike->certs = certcache_new();
	if (!ike->rx || !ike->pt || !ike->cfg || !ike->certs ||
	    hmap_init(&ike->by_spi, 1024) != 0 ||
	    hmap_init(&ike->half_open, 1024) != 0 ||
	    hmap_init(&ike->by_peer, 1024) != 0 ||
	    hmap_init(&ike->leases, 64) != 0 ||
	    hmap_init(&ike->leases_by_addr, 64) != 0 ||
	    hmap_init(&ike->child_spis, 1024) != 0 ||
	    rand_bytes(env->rand, ike->hash_key, sizeof(ike->hash_key)) != 0) {
		if (ike->cfg) {
			/* Ownership passes only on success. */
			ike->cfg->cfg = NULL;
			ike->cfg->creds = NULL;
			ike_cfg_unref(ike->cfg);
			ike->cfg = NULL;
		}
		ike_free(ike);
		return NULL;
	}
	timerq_init(&ike->timers);
	ike->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(100000, 20);
	ike->next_uniqueid = 1;
	ike->next_child_id = 1;
	ike->next_child_uniqueid = 1;
	cookie_init(ike);
	return ike;
}

static void reap(struct ike *ike)
{
	while (ike->dead) {
		struct ike_sa *sa = ike->dead;

		ike->dead = sa->next;
		sa_free(sa);
	}
}

void ike_free(struct ike *ike)
{
	if (!ike)
		return;
	while (ike->all)
		sa_destroy(ike->all, IKE_DOWN_DELETED_LOCAL);
	reap(ike);
	pool_free_all(ike);
	hmap_destroy(&ike->by_spi);
	hmap_destroy(&ike->half_open);
	hmap_destroy(&ike->by_peer);
	hmap_destroy(&ike->leases);
	hmap_destroy(&ike->leases_by_addr);
	hmap_destroy(&ike->child_spis);
	timerq_destroy(&ike->timers);
	ike_cfg_unref(ike->cfg);
	certcache_free(ike->certs);
	wire_msg_free(ike->rx);
	if (ike->pt) {
		wipe(ike->pt, IKE_MAX_MSG);
		free(ike->pt);
	}
	wipe(&ike->cookies, sizeof(ike->cookies));
	wipe(ike->hash_key, sizeof(ike->hash_key));
	free(ike);
}

int ike_set_config(struct ike *ike, struct config *cfg, struct creds *creds)
{
	struct ike_cfg *c = cfg_wrap(ike, cfg, creds);

	if (!c)
		return ERR_NOMEM;
	ike_cfg_unref(ike->cfg);
	ike->cfg = c;
	/* Chains verified against the old trust stores: gone. */
	certcache_clear(ike->certs);
	return 0;
}

void ike_set_ext(struct ike *ike, const struct ike_ext *ext)
{
	ike->ext = *ext;
}

uint64_t ike_now(const struct ike *ike)
{
	return clock_mono(ike->env.clock);
}

uint64_t ike_wall(const struct ike *ike)
{
	return clock_wall(ike->env.clock);
}

int ike_random(struct ike *ike, void *out, size_t n)
{
	return rand_bytes(ike->env.rand, out, n);
}

struct ke *ike_ke_new(struct ike *ike, uint16_t group)
{
	return ke_new(group, ike->env.rand,
		      ike->env.params.modp_short_exponent ? KE_SHORT_EXPONENT : 0);
}

void ike_arm(struct ike *ike, struct timer *t, uint64_t delay_us)
{
	/* ENOMEM here would lose a timer; the heap grows in chunks of 64 and
	 * only fails when the process is out of memory anyway. */
	if (timerq_arm(&ike->timers, t, ike_now(ike) + delay_us) != 0)
		log_error("timer queue: out of memory");
}

void ike_disarm(struct ike *ike, struct timer *t)
{
	timerq_cancel(&ike->timers, t);
}

int ike_send_raw(struct ike *ike, const struct addr *local,
		 const struct addr *remote, const uint8_t *p, size_t len)
{
	ike->stats.tx_messages++;
	return ike->env.io.send(ike->env.io.ctx, local, remote, p, len);
}

static void fill_event(struct ike_sa *sa, struct ike_session_event *ev,
		       char *peer, char *local, size_t idlen)
{
	memset(ev, 0, sizeof(*ev));
	ev->conn = sa_name(sa);
	ev->uniqueid = sa->uniqueid;
	ev->peer_id = sa->peer_id_set
		? ident_fmt(&sa->peer_id, peer, idlen) : "";
	ev->local_id = ident_fmt(&sa->local_id, local, idlen);
	ev->local = sa->local;
	ev->remote = sa->remote;
	ev->initiator = sa->initiator;
	ev->resumed = sa->resumed;
	ev->established_wall_us = sa->established_wall;
	ev->bytes_in = sa->bytes_in;
	ev->bytes_out = sa->bytes_out;
	ev->packets_in = sa->packets_in;
	ev->packets_out = sa->packets_out;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		struct dp_counters cnt;

		if (c->installed && ike_sa_dp(sa)->counters &&
		    ike_sa_dp(sa)->counters(ike_sa_dp(sa)->ctx, c->id, &cnt) == 0) {
			ev->bytes_in += cnt.bytes_in;
			ev->bytes_out += cnt.bytes_out;
			ev->packets_in += cnt.packets_in;
			ev->packets_out += cnt.packets_out;
		}
	}
}

void ike_report_up(struct ike_sa *sa)
{
	struct ike *ike = sa->ike;
	struct ike_session_event ev;
	char peer[IDENT_STRLEN], local[IDENT_STRLEN];

	if (sa->up_reported)
		return;
	sa->up_reported = true;
	ike->stats.established_total++;
	if (sa->resumed)
		ike->stats.resumed_total++;
	if (!ike->env.events.sa_up)
		return;
	fill_event(sa, &ev, peer, local, sizeof(peer));
	ike->env.events.sa_up(ike->env.events.ctx, &ev);
}

void ike_report_down(struct ike_sa *sa, enum ike_down_reason why)
{
	struct ike *ike = sa->ike;
	struct ike_session_event ev;
	char peer[IDENT_STRLEN], local[IDENT_STRLEN];

	if (!sa->up_reported || !ike->env.events.sa_down)
		return;
	fill_event(sa, &ev, peer, local, sizeof(peer));
	ev.ended_wall_us = ike_wall(ike);
	ev.reason = why;
	ike->env.events.sa_down(ike->env.events.ctx, &ev);
}

void ike_initiate_done(struct ike_sa *sa, int rc, const char *msg)
{
	ike_done_fn fn = sa->done;

	if (!fn)
		return;
	sa->done = NULL;
	fn(sa->done_ctx, rc, msg);
}

/* ---- receiving ---- */

void ike_receive(struct ike *ike, const struct addr *local,
		 const struct addr *remote, const uint8_t *msg, size_t len)
{
	struct msg_in in = { .m = ike->rx, .raw = msg, .len = len };
	struct wire_hdr h;
	struct ike_sa *sa;
	uint64_t my_spi;
	char ab[ADDR_STRLEN];
	int rc;

	ike->stats.rx_messages++;
	in.local = *local;
	in.remote = *remote;
	if ((rc = wire_hdr_parse(&h, msg, len)) != 0) {
		ike->stats.rx_invalid++;
		ike_log_rl(ike, LOG_LVL_DEBUG, "%s: dropped %zu bytes: %s",
			   addr_fmt(remote, true, ab, sizeof(ab)), len,
			   err_str(rc));
		return;
	}
	if (!wire_hdr_is_response(&h) && h.spi_r == 0) {
		if (h.exchange == IKEV2_EXCH_IKE_SA_INIT)
			sa_init_respond(ike, &in);
		else if (!ike->ext.receive_init ||
			 !ike->ext.receive_init(ike->ext.ctx, ike, &in))
			ike->stats.rx_invalid++;
		goto out;
	}
	/* The I flag says who sent it: the original initiator addresses
	 * our responder SPI, and vice versa. */
	my_spi = wire_hdr_is_initiator(&h) ? h.spi_r : h.spi_i;
	sa = sa_find(ike, my_spi);
	if (!sa || sa->state == IKE_SA_DEAD ||
	    sa->initiator == wire_hdr_is_initiator(&h)) {
		ike->stats.rx_unknown_spi++;
		ike_log_rl(ike, LOG_LVL_DEBUG,
			   "%s: no IKE SA for %016llx_i %016llx_r (%s)",
			   addr_fmt(remote, true, ab, sizeof(ab)),
			   (unsigned long long)h.spi_i,
			   (unsigned long long)h.spi_r,
			   wire_name_exchange(h.exchange) ?
			   wire_name_exchange(h.exchange) : "?");
		goto out;
	}
	/* The peer's SPI must match, except in the response that tells us
	 * the responder's SPI in the first place. */
	if (sa->initiator) {
		if (sa->state == IKE_SA_INIT_SENT &&
		    h.exchange == IKEV2_EXCH_IKE_SA_INIT)
			;
		else if (sa->spi_r != h.spi_r && sa->spi_r != 0)
			goto unknown;
	} else if (sa->spi_i != h.spi_i) {
		goto unknown;
	}
	msg_receive(sa, &in);
	goto out;
unknown:
	ike->stats.rx_unknown_spi++;
out:
	reap(ike);
}

uint64_t ike_next_deadline(const struct ike *ike)
{
	return timerq_next(&ike->timers);
}

void ike_tick(struct ike *ike)
{
	/* Bounded batches keep one tick from starving packet input. */
	while (timerq_run(&ike->timers, ike_now(ike), ike, 256) == 256)
		reap(ike);
	reap(ike);
}

/* ---- the API ---- */

int ike_initiate_full(struct ike *ike, const struct config_conn *conn,
		      ike_ext_done_fn done, void *done_ctx)
{
	struct ike_sa *sa;
	int rc;

	if (ike->stats.ike_sas >= ike->env.params.max_ike_sas)
		return ERR_LIMIT;
	sa = sa_new(ike, true);
	if (!sa)
		return ERR_NOMEM;
	sa_use_config(sa, ike->cfg, conn);
	sa->done = done;
	sa->done_ctx = done_ctx;
	rc = sa_init_start(sa);
	if (rc) {
		/* done was not called: the caller learns synchronously. */
		sa->done = NULL;
		sa_destroy(sa, IKE_DOWN_FAILED);
	}
	return rc;
}

int ike_initiate(struct ike *ike, const char *name, ike_done_fn done,
		 void *ctx)
{
	const struct config_conn *conn = config_conn_find(ike->cfg->cfg, name);
	int rc;

	if (!conn)
		return ERR_NOTFOUND;
	if (ike->shutting_down)
		return ERR_STATE;
	if (ike->ext.initiate &&
	    ike->ext.initiate(ike->ext.ctx, ike, conn, done, ctx)) {
		reap(ike);
		return 0;
	}
	rc = ike_initiate_full(ike, conn, done, ctx);
	reap(ike);
	return rc;
}

/* Match "#N" against the uniqueid, anything else against the name. */
static bool sa_selected(const struct ike_sa *sa, const char *sel)
{
	char *end;
	unsigned long long id;

	if (sel[0] == '#') {
		id = strtoull(sel + 1, &end, 10);
		return *end == '\0' && id == sa->uniqueid;
	}
	return sa->conn && strcmp(sa->conn->name, sel) == 0;
}

int ike_terminate(struct ike *ike, const char *sel, ike_done_fn done,
		  void *ctx)
{
	struct ike_sa *sa, *next, *last = NULL;
	int n = 0;

	for (sa = ike->all; sa; sa = next) {
		next = sa->next;
		if (sa->state == IKE_SA_DEAD || !sa_selected(sa, sel))
			continue;
		n++;
		if (sa->state == IKE_SA_ESTABLISHED ||
		    sa->state == IKE_SA_REKEYED) {
			last = sa;
			delete_ike_start(sa);
		} else if (sa->state != IKE_SA_DELETING) {
			ike_initiate_done(sa, ERR_STATE, "terminated");
			sa_destroy(sa, IKE_DOWN_DELETED_LOCAL);
		}
	}
	if (!n) {
		reap(ike);
		return ERR_NOTFOUND;
	}
	/* Report when the last DELETE was answered (or gave up). */
	if (last && last->state != IKE_SA_DEAD) {
		last->del_done = done;
		last->del_done_ctx = ctx;
	} else if (done) {
		done(ctx, 0, "deleted");
	}
	reap(ike);
	return 0;
}

void ike_shutdown(struct ike *ike)
{
	struct ike_sa *sa, *next;

	ike->shutting_down = true;
	for (sa = ike->all; sa; sa = next) {
		next = sa->next;
		if (sa->state == IKE_SA_ESTABLISHED)
			delete_ike_start(sa);
		else if (sa->state != IKE_SA_DELETING && sa->state != IKE_SA_DEAD) {
			ike_initiate_done(sa, ERR_STATE, "shutting down");
			sa_destroy(sa, IKE_DOWN_DELETED_LOCAL);
		}
	}
	reap(ike);
}

bool ike_idle(const struct ike *ike)
{
	return ike->all == NULL;
}

void ike_get_stats(const struct ike *ike, struct ike_stats *out)
{
	*out = ike->stats;
}
