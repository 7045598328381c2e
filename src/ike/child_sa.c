/*
 * child_sa.c - the Child SA object: SPIs, KEYMAT, installation in the data
 * plane, lifetimes, and removal with its final counters.
 *
 * KEYMAT (RFC 7296 2.17) = prf+(SK_d, [g^ir (new)] | Ni | Nr), split into
 * the initiator-to-responder keys (encryption, then integrity) and the
 * responder-to-initiator keys, where "initiator" is whoever sent the
 * request that created the Child SA.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/aead.h"
#include "crypto/ke.h"
#include "ike/internal.h"

static const char *const child_state_names[] = {
	[CHILD_INSTALLED] = "INSTALLED",
	[CHILD_REKEYING] = "REKEYING",
	[CHILD_REKEYED] = "REKEYED",
	[CHILD_DELETING] = "DELETING",
};

const char *child_state_name(enum child_state s)
{
	return s <= CHILD_DELETING ? child_state_names[s] : "?";
}

static uint64_t spi_mix(uint32_t spi)
{
	uint64_t x = spi;

	x ^= x >> 16;
	x *= 0x45d9f3bULL;
	return x ^ (x >> 16);
}

int child_alloc_spi(struct ike_sa *sa, uint32_t *out)
{
	struct ike *ike = sa->ike;
	uint32_t spi;

	for (int tries = 0; tries < 64; tries++) {
		bool used = false;

		if (ike_random(ike, &spi, sizeof(spi)) != 0)
			return ERR_CRYPTO;
		/* 1-255 are reserved (RFC 4303 2.1); keep the top bit clear
		 * of nothing in particular: any other value is fine. */
		if (spi < 256)
			continue;
		for (struct hmap_node *n = hmap_lookup(&ike->child_spis, spi_mix(spi));
		     n && !used; n = hmap_next_equal(n))
			used = container_of(n, struct child_sa, by_spi)->spi_in == spi;
		if (!used) {
			*out = spi;
			return 0;
		}
	}
	return ERR_LIMIT;
}

struct child_sa *child_new(struct ike_sa *sa, const struct config_child *cfg)
{
	struct ike *ike = sa->ike;
	struct child_sa *c;

	if (sa->nchildren >= ike->env.params.max_children_per_sa)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ike = sa;
	c->cfg = cfg;
	c->id = ike->next_child_id++;
	c->uniqueid = ike->next_child_uniqueid++;
	timer_init(&c->t_rekey, child_rekey_timer);
	timer_init(&c->t_expire, child_expire_timer);
	c->next = sa->children;
	sa->children = c;
	sa->nchildren++;
	ike->stats.child_sas++;
	return c;
}

static void unlink_child(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;

	for (struct child_sa **pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->next = NULL;
	sa->nchildren--;
}

void child_free(struct child_sa *c)
{
	struct ike *ike = c->ike->ike;

	ke_free(c->rekey_ke);
	ike_disarm(ike, &c->t_rekey);
	ike_disarm(ike, &c->t_expire);
	if (c->indexed)
		hmap_remove(&ike->child_spis, &c->by_spi);
	unlink_child(c);
	ike->stats.child_sas--;
	wipe(c, sizeof(*c));
	free(c);
}

void child_destroy(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	const struct dataplane *dp = ike_sa_dp(sa);

	if (c->installed) {
		if (dp->remove(dp->ctx, c->id, &c->final) != 0)
			memset(&c->final, 0, sizeof(c->final));
		c->installed = false;
		sa->bytes_in += c->final.bytes_in;
		sa->bytes_out += c->final.bytes_out;
		sa->packets_in += c->final.packets_in;
		sa->packets_out += c->final.packets_out;
		sa_log(sa, LOG_LVL_DEBUG, "CHILD_SA %s{%u} with SPIs %08x_i %08x_o "
		       "removed (%llu bytes in, %llu out)",
		       c->cfg ? c->cfg->name : "?", c->uniqueid, c->spi_in,
		       c->spi_out, (unsigned long long)c->final.bytes_in,
		       (unsigned long long)c->final.bytes_out);
	}
	child_free(c);
}

struct child_sa *child_find_in(struct ike_sa *sa, uint32_t spi_in)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_in == spi_in)
			return c;
	return NULL;
}

struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}

struct child_sa *child_find_id(struct ike_sa *sa, uint64_t id)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static uint64_t jitter_us(struct ike_sa *sa, uint64_t secs, uint64_t rand_secs)
{
	uint32_t r = 0;

	if (rand_secs > secs)
		rand_secs = secs;
	if (rand_secs)
		ike_random(sa->ike, &r, sizeof(r));
	return (secs - (rand_secs ? r % (rand_secs + 1) : 0)) * CLOCK_US_PER_SEC;
}

void child_start_timers(struct child_sa *c)
{
	struct ike *ike = c->ike->ike;
	uint64_t now = ike_now(ike);

	if (!c->cfg)
		return;
	if (c->cfg->rekey_time) {
		uint64_t d = jitter_us(c->ike, c->cfg->rekey_time, c->cfg->rand_time);

		ike_arm(ike, &c->t_rekey, d);
		c->rekey_at_mono = now + d;
	}
	if (c->cfg->life_time) {
		ike_arm(ike, &c->t_expire, c->cfg->life_time * CLOCK_US_PER_SEC);
		c->expire_at_mono = now + c->cfg->life_time * CLOCK_US_PER_SEC;
	}
}

void child_rekey_timer(struct timer *t, void *ctx)
{
	struct child_sa *c = container_of(t, struct child_sa, t_rekey);

	(void)ctx;
	if (c->state == CHILD_INSTALLED && c->ike->state == IKE_SA_ESTABLISHED)
		sa_queue(c->ike, TASK_CHILD_REKEY, c->id);
}

void child_expire_timer(struct timer *t, void *ctx)
{
	struct child_sa *c = container_of(t, struct child_sa, t_expire);
	struct ike_sa *sa = c->ike;

	(void)ctx;
	sa_log(sa, LOG_LVL_INFO, "CHILD_SA %s{%u} reached its hard lifetime",
	       c->cfg ? c->cfg->name : "?", c->uniqueid);
	if (sa->state == IKE_SA_ESTABLISHED && c->state != CHILD_DELETING)
		sa_queue(sa, TASK_DELETE_CHILD, c->id);
	else
		child_destroy(c);
}

int child_install(struct child_sa *c, bool we_initiated, const uint8_t *gir,
		  size_t gir_len, const uint8_t *ni, size_t ni_len,
		  const uint8_t *nr, size_t nr_len)
{
	struct ike_sa *sa = c->ike;
	struct ike *ike = sa->ike;
	const struct dataplane *dp = ike_sa_dp(sa);
	struct kdf_child_keys k;
	struct kdf_lens lens;
	struct dp_child d;
	const struct kdf_key *eo, *ao, *ei, *ai;
	char lts[64], rts[64], sb[PROPOSAL_STRLEN];
	int rc;

	if ((rc = aead_key_lens(c->suite.encr, c->suite.encr_keylen,
				c->suite.integ, &lens.encr, &lens.integ)) != 0)
		return rc;
	if ((rc = kdf_child_keys(sa->prf_d, gir, gir_len, ni, ni_len, nr, nr_len,
				 &lens, &k)) != 0)
		return rc;
	eo = we_initiated ? &k.ei : &k.er;
	ao = we_initiated ? &k.ai : &k.ar;
	ei = we_initiated ? &k.er : &k.ei;
	ai = we_initiated ? &k.ar : &k.ai;
	memset(&d, 0, sizeof(d));
	d.id = c->id;
	d.ike_id = sa->uniqueid;
	d.encr = c->suite.encr;
	d.encr_keylen = c->suite.encr_keylen;
	d.integ = c->suite.integ;
	d.esn = c->suite.esn == IKEV2_ESN_YES;
	d.udp_encap = sa->natt;
	d.local = sa->local;
	d.remote = sa->remote;
	d.in.spi = c->spi_in;
	d.out.spi = c->spi_out;
	memcpy(d.in.enc_key, ei->b, ei->len);
	d.in.enc_key_len = (uint16_t)ei->len;
	memcpy(d.in.integ_key, ai->b, ai->len);
	d.in.integ_key_len = (uint16_t)ai->len;
	memcpy(d.out.enc_key, eo->b, eo->len);
	d.out.enc_key_len = (uint16_t)eo->len;
	memcpy(d.out.integ_key, ao->b, ao->len);
	d.out.integ_key_len = (uint16_t)ao->len;
	memcpy(d.local_ts, c->local_ts, sizeof(d.local_ts));
	memcpy(d.remote_ts, c->remote_ts, sizeof(d.remote_ts));
	d.n_local_ts = c->n_local_ts;
	d.n_remote_ts = c->n_remote_ts;
	if (sa->has_vip)
		d.vip = sa->vip;
	if (c->cfg) {
		d.life_bytes = c->cfg->life_bytes;
		d.life_packets = c->cfg->life_packets;
	}
	rc = dp->install(dp->ctx, &d);
	kdf_child_keys_wipe(&k);
	wipe(&d, sizeof(d));
	if (rc) {
		sa_log(sa, LOG_LVL_ERROR, "data plane refused CHILD_SA: %s",
		       err_str(rc));
		return rc;
	}
	c->installed = true;
	c->state = CHILD_INSTALLED;
	c->installed_mono = ike_now(ike);
	c->installed_wall = ike_wall(ike);
	hmap_insert(&ike->child_spis, &c->by_spi, spi_mix(c->spi_in));
	c->indexed = true;
	child_start_timers(c);
	sa_log(sa, LOG_LVL_INFO,
	       "CHILD_SA %s{%u} established with SPIs %08x_i %08x_o and TS %s === %s (%s)",
	       c->cfg ? c->cfg->name : "?", c->uniqueid, c->spi_in, c->spi_out,
	       c->n_local_ts ? ts_fmt(&c->local_ts[0], lts, sizeof(lts)) : "-",
	       c->n_remote_ts ? ts_fmt(&c->remote_ts[0], rts, sizeof(rts)) : "-",
	       negotiate_suite_fmt(&c->suite, false, sb, sizeof(sb)));
	return 0;
}

void child_move(struct child_sa *c, struct ike_sa *to)
{
	unlink_child(c);
	c->ike = to;
	c->next = to->children;
	to->children = c;
	to->nchildren++;
}
