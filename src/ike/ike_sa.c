/*
 * ike_sa.c - the IKE SA object: creation, tables, key setup, state
 * transitions, the request queue and destruction.
 *
 * Every state change goes through sa_set_state(), which refuses (and logs)
 * transitions the protocol does not allow, so a bug shows up as a logged
 * refusal instead of an SA in an impossible state.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/aead.h"
#include "crypto/ke.h"
#include "crypto/prf.h"
#include "crypto/rand.h"
#include "ike/internal.h"

static const char *const state_names[] = {
	[IKE_SA_CREATED] = "CREATED",
	[IKE_SA_INIT_SENT] = "CONNECTING",
	[IKE_SA_AUTH_SENT] = "CONNECTING",
	[IKE_SA_HALF_OPEN] = "CONNECTING",
	[IKE_SA_ESTABLISHED] = "ESTABLISHED",
	[IKE_SA_REKEYED] = "REKEYED",
	[IKE_SA_DELETING] = "DELETING",
	[IKE_SA_DEAD] = "DESTROYING",
};

const char *sa_state_name(enum ike_sa_state s)
{
	return s <= IKE_SA_DEAD ? state_names[s] : "?";
}

const char *sa_name(const struct ike_sa *sa)
{
	return sa->conn ? sa->conn->name : "(unnamed)";
}

uint64_t sa_my_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

static uint64_t spi_hash(const struct ike *ike, uint64_t spi)
{
	return hmap_siphash(ike->hash_key, &spi, sizeof(spi));
}

static uint64_t half_hash(const struct ike *ike, uint64_t spi_i,
			  const struct addr *remote)
{
	uint8_t key[8 + 1 + 16 + 2];

	memcpy(key, &spi_i, 8);
	key[8] = remote->family;
	memcpy(key + 9, remote->ip, 16);
	memcpy(key + 25, &remote->port, 2);
	return hmap_siphash(ike->hash_key, key, sizeof(key));
}

uint64_t ike_ident_hash(const struct ike *ike, const struct ident *id)
{
	uint8_t head[3] = { id->type, (uint8_t)(id->len >> 8), (uint8_t)id->len };
	uint64_t h = hmap_siphash(ike->hash_key, head, sizeof(head));

	return h ^ hmap_siphash(ike->hash_key, id->data, id->len);
}

struct ike_sa *sa_new(struct ike *ike, bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi;

	if (!sa)
		return NULL;
	/* A fresh random SPI that no live SA uses (and never 0). */
	do {
		if (ike_random(ike, &spi, sizeof(spi)) != 0) {
			free(sa);
			return NULL;
		}
	} while (spi == 0 || sa_find(ike, spi));
	sa->ike = ike;
	sa->initiator = initiator;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->uniqueid = ike->next_uniqueid++;
	sa->created_mono = ike_now(ike);
	sa->last_rx_mono = sa->created_mono;
	timer_init(&sa->t_expire, sa_expire_timer);
	timer_init(&sa->t_rekey, sa_rekey_timer);
	timer_init(&sa->t_dpd, dpd_timer);
	timer_init(&sa->out.timer, msg_retransmit_timer);
	sa->local_id.type = IDENT_ANY;
	hmap_insert(&ike->by_spi, &sa->by_spi, spi_hash(ike, spi));
	sa->next = ike->all;
	if (ike->all)
		ike->all->prev = sa;
	ike->all = sa;
	ike->stats.ike_sas++;
	return sa;
}

struct ike_sa *sa_find(struct ike *ike, uint64_t my_spi)
{
	for (struct hmap_node *n = hmap_lookup(&ike->by_spi, spi_hash(ike, my_spi));
	     n; n = hmap_next_equal(n)) {
		struct ike_sa *sa = container_of(n, struct ike_sa, by_spi);

		if (sa_my_spi(sa) == my_spi)
			return sa;
	}
	return NULL;
}

void sa_half_open_add(struct ike_sa *sa)
{
	struct ike *ike = sa->ike;

	if (sa->in_half)
		return;
	hmap_insert(&ike->half_open, &sa->by_half,
		    half_hash(ike, sa->spi_i, &sa->remote));
	sa->in_half = true;
	ike->stats.half_open++;
}

void sa_half_open_del(struct ike_sa *sa)
{
	if (!sa->in_half)
		return;
	hmap_remove(&sa->ike->half_open, &sa->by_half);
	sa->in_half = false;
	sa->ike->stats.half_open--;
}

struct ike_sa *sa_find_half_open(struct ike *ike, uint64_t spi_i,
				 const struct addr *remote)
{
	for (struct hmap_node *n = hmap_lookup(&ike->half_open,
					       half_hash(ike, spi_i, remote));
	     n; n = hmap_next_equal(n)) {
		struct ike_sa *sa = container_of(n, struct ike_sa, by_half);

		if (sa->spi_i == spi_i && addr_eq(&sa->remote, remote, true))
			return sa;
	}
	return NULL;
}

void sa_use_config(struct ike_sa *sa, struct ike_cfg *cfg,
		   const struct config_conn *conn)
{
	if (sa->cfg != cfg) {
		ike_cfg_unref(sa->cfg);
		sa->cfg = ike_cfg_ref(cfg);
	}
	sa->conn = conn;
}

/* Allowed transitions: from -> bitmask of to. */
static const unsigned allowed[] = {
	/* CREATED -> ESTABLISHED: an IKE rekey's successor. */
	[IKE_SA_CREATED] = 1u << IKE_SA_INIT_SENT | 1u << IKE_SA_HALF_OPEN |
			   1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DEAD,
	[IKE_SA_INIT_SENT] = 1u << IKE_SA_INIT_SENT | 1u << IKE_SA_AUTH_SENT |
			     1u << IKE_SA_DEAD,
	[IKE_SA_AUTH_SENT] = 1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DEAD,
	[IKE_SA_HALF_OPEN] = 1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DEAD,
	[IKE_SA_ESTABLISHED] = 1u << IKE_SA_REKEYED | 1u << IKE_SA_DELETING |
			       1u << IKE_SA_DEAD,
	[IKE_SA_REKEYED] = 1u << IKE_SA_DELETING | 1u << IKE_SA_DEAD,
	[IKE_SA_DELETING] = 1u << IKE_SA_DEAD,
	[IKE_SA_DEAD] = 0,
};

void sa_set_state(struct ike_sa *sa, enum ike_sa_state to)
{
	if (!(allowed[sa->state] & (1u << to))) {
		sa_log(sa, LOG_LVL_ERROR, "refused state change %s => %s",
		       sa_state_name(sa->state), sa_state_name(to));
		return;
	}
	sa_log(sa, LOG_LVL_DEBUG, "state change %s => %s",
	       sa_state_name(sa->state), sa_state_name(to));
	sa->state = to;
}

/* ---- keys ---- */

static void sk_params(const struct aead *a, struct wire_sk_params *p)
{
	p->iv_len = aead_iv_len(a);
	p->icv_len = aead_icv_len(a);
	p->block_len = aead_block_size(a);
}

int sa_keys_from_skeyseed(struct ike_sa *sa, const uint8_t *skeyseed)
{
	struct kdf_ike_keys k;
	struct kdf_lens lens;
	uint8_t spi_i[8], spi_r[8];
	const struct kdf_key *eo, *ao, *ei, *ai;
	int rc;

	if ((rc = aead_key_lens(sa->suite.encr, sa->suite.encr_keylen,
				sa->suite.integ, &lens.encr, &lens.integ)) != 0)
		return rc;
	for (int i = 0; i < 8; i++) {
		spi_i[i] = (uint8_t)(sa->spi_i >> (56 - 8 * i));
		spi_r[i] = (uint8_t)(sa->spi_r >> (56 - 8 * i));
	}
	rc = kdf_ike_keys(sa->suite.prf, skeyseed, sa->ni, sa->ni_len, sa->nr,
			  sa->nr_len, spi_i, spi_r, &lens, &k);
	if (rc)
		return rc;
	prf_free(sa->prf_d);
	aead_free(sa->aead_out);
	aead_free(sa->aead_in);
	sa->sk_d = k.d;
	sa->sk_pi = k.pi;
	sa->sk_pr = k.pr;
	eo = sa->initiator ? &k.ei : &k.er;
	ao = sa->initiator ? &k.ai : &k.ar;
	ei = sa->initiator ? &k.er : &k.ei;
	ai = sa->initiator ? &k.ar : &k.ai;
	sa->prf_d = prf_new(sa->suite.prf, k.d.b, k.d.len);
	sa->aead_out = aead_new(sa->suite.encr, sa->suite.encr_keylen,
				sa->suite.integ, eo->b, eo->len, ao->b, ao->len);
	sa->aead_in = aead_new(sa->suite.encr, sa->suite.encr_keylen,
			       sa->suite.integ, ei->b, ei->len, ai->b, ai->len);
	kdf_ike_keys_wipe(&k);
	if (!sa->prf_d || !sa->aead_out || !sa->aead_in)
		return ERR_CRYPTO;
	sk_params(sa->aead_out, &sa->sk_out);
	sk_params(sa->aead_in, &sa->sk_in);
	return 0;
}

int sa_derive_keys(struct ike_sa *sa, const uint8_t *gir, size_t gir_len,
		   const struct ike_sa *old)
{
	uint8_t skeyseed[PRF_MAX_LEN];
	int rc;

	if (old)
		rc = kdf_skeyseed_rekey(old->suite.prf, &old->sk_d, gir, gir_len,
					sa->ni, sa->ni_len, sa->nr, sa->nr_len,
					skeyseed);
	else
		rc = kdf_skeyseed(sa->suite.prf, sa->ni, sa->ni_len, sa->nr,
				  sa->nr_len, gir, gir_len, skeyseed);
	if (rc == 0)
		rc = sa_keys_from_skeyseed(sa, skeyseed);
	wipe(skeyseed, sizeof(skeyseed));
	return rc;
}

/* ---- timers and establishment ---- */

/* delay minus a random share of jitter (RFC 7296 2.8: avoid collisions). */
static uint64_t jittered(struct ike_sa *sa, uint64_t secs, uint64_t jitter)
{
	uint32_t r = 0;

	if (jitter > secs)
		jitter = secs;
	if (jitter)
		ike_random(sa->ike, &r, sizeof(r));
	return (secs - (jitter ? r % (jitter + 1) : 0)) * CLOCK_US_PER_SEC;
}

void sa_start_timers(struct ike_sa *sa)
{
	const struct config_conn *c = sa->conn;

	if (!c)
		return;
	if (c->rekey_time)
		ike_arm(sa->ike, &sa->t_rekey,
			jittered(sa, c->rekey_time, c->rand_time));
	if (c->rekey_time || c->reauth_time) {
		uint64_t life = (c->rekey_time ? c->rekey_time : c->reauth_time) +
				c->over_time;

		ike_arm(sa->ike, &sa->t_expire, life * CLOCK_US_PER_SEC);
	} else {
		ike_disarm(sa->ike, &sa->t_expire);
	}
	if (c->dpd_delay)
		ike_arm(sa->ike, &sa->t_dpd, c->dpd_delay * CLOCK_US_PER_SEC);
}

void sa_established(struct ike_sa *sa)
{
	char lb[ADDR_STRLEN], rb[ADDR_STRLEN], li[IDENT_STRLEN], ri[IDENT_STRLEN];

	sa_half_open_del(sa);
	sa_set_state(sa, IKE_SA_ESTABLISHED);
	sa->established_mono = ike_now(sa->ike);
	sa->established_wall = ike_wall(sa->ike);
	sa->last_rx_mono = sa->established_mono;
	sa_start_timers(sa);
	sa_log(sa, LOG_LVL_INFO, "IKE_SA established between %s[%s]...%s[%s]%s",
	       addr_fmt(&sa->local, true, lb, sizeof(lb)),
	       ident_fmt(&sa->local_id, li, sizeof(li)),
	       addr_fmt(&sa->remote, true, rb, sizeof(rb)),
	       sa->peer_id_set ? ident_fmt(&sa->peer_id, ri, sizeof(ri)) : "%any",
	       sa->resumed ? " (resumed)" : "");
	ike_report_up(sa);
}

void sa_expire_timer(struct timer *t, void *ctx)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, t_expire);

	(void)ctx;
	switch (sa->state) {
	case IKE_SA_HALF_OPEN:
	case IKE_SA_CREATED:
	case IKE_SA_INIT_SENT:
	case IKE_SA_AUTH_SENT:
		sa_log(sa, LOG_LVL_INFO, "half-open IKE_SA timed out");
		ike_initiate_done(sa, ERR_TIMEOUT, "timed out");
		sa_destroy(sa, IKE_DOWN_FAILED);
		break;
	case IKE_SA_ESTABLISHED:
	case IKE_SA_REKEYED:
		sa_log(sa, LOG_LVL_INFO, "IKE_SA reached its hard lifetime");
		delete_ike_start(sa);
		break;
	default:
		/* DELETING: the retransmission timer decides. */
		break;
	}
}

void sa_rekey_timer(struct timer *t, void *ctx)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, t_rekey);

	(void)ctx;
	if (sa->state == IKE_SA_ESTABLISHED)
		sa_queue(sa, TASK_IKE_REKEY, 0);
}

/* ---- the request window ---- */

void sa_queue(struct ike_sa *sa, enum ike_task task, uint64_t arg)
{
	for (uint8_t i = 0; i < sa->nqueue; i++)
		if (sa->queue[i].task == task && sa->queue[i].arg == arg)
			goto kick;
	if ((sa->out.active && sa->out.task == task && sa->out.arg == arg))
		return;
	if (sa->nqueue >= IKE_MAX_QUEUE) {
		sa_log(sa, LOG_LVL_WARN, "request queue full, dropping task %d",
		       task);
		return;
	}
	sa->queue[sa->nqueue].task = task;
	sa->queue[sa->nqueue].arg = arg;
	sa->nqueue++;
kick:
	sa_kick(sa);
}

void sa_kick(struct ike_sa *sa)
{
	while (!sa->out.active && sa->nqueue && sa->state != IKE_SA_DEAD) {
		struct ike_pending p = sa->queue[0];
		struct child_sa *c;
		int rc = 0;

		memmove(sa->queue, sa->queue + 1,
			(size_t)(sa->nqueue - 1) * sizeof(sa->queue[0]));
		sa->nqueue--;
		if (sa->state != IKE_SA_ESTABLISHED &&
		    !(sa->state == IKE_SA_REKEYED &&
		      p.task == TASK_DELETE_IKE) &&
		    !(sa->state == IKE_SA_DELETING && p.task == TASK_DELETE_IKE))
			continue;
		switch (p.task) {
		case TASK_CHILD_REKEY:
			c = child_find_id(sa, p.arg);
			if (c && c->state == CHILD_INSTALLED)
				rc = child_rekey_start(sa, c);
			break;
		case TASK_IKE_REKEY:
			rc = ike_rekey_start(sa);
			break;
		case TASK_DELETE_CHILD:
			c = child_find_id(sa, p.arg);
			if (c)
				rc = delete_child_start(sa, c);
			break;
		case TASK_DELETE_IKE:
			rc = delete_ike_start(sa);
			break;
		case TASK_DPD:
			rc = dpd_start(sa);
			break;
		case TASK_CHILD_CREATE:
			if (sa->conn && p.arg < sa->conn->n_children)
				rc = ccsa_child_start(sa, &sa->conn->children[p.arg]);
			break;
		default:
			break;
		}
		if (rc)
			sa_log(sa, LOG_LVL_WARN, "starting task %d failed: %s",
			       p.task, err_str(rc));
	}
}

/* ---- uniqueness ---- */

/*
 * SAs by peer identity, so that uniqueness costs a lookup rather than a
 * walk over every SA of the gateway (a shared identity under
 * unique = never is never looked up).
 */
void sa_peer_id_set(struct ike_sa *sa)
{
	struct ike *ike = sa->ike;

	if (sa->in_by_peer)
		hmap_remove(&ike->by_peer, &sa->by_peer);
	sa->in_by_peer = false;
	if (!sa->peer_id_set || sa->state == IKE_SA_DEAD)
		return;
	/* Growth failure leaves the node linked in a fuller table. */
	(void)hmap_insert(&ike->by_peer, &sa->by_peer, ike_ident_hash(ike, &sa->peer_id));
	sa->in_by_peer = true;
}

static bool same_peer(const struct ike_sa *sa, const struct ike_sa *o)
{
	return o != sa && o->state != IKE_SA_DEAD && o->peer_id_set &&
	       o->conn == sa->conn && ident_equal(&o->peer_id, &sa->peer_id);
}

struct ike_sa *sa_find_same_peer(struct ike_sa *sa, unsigned states)
{
	struct hmap_node *n;

	if (!sa->peer_id_set)
		return NULL;
	for (n = hmap_lookup(&sa->ike->by_peer, ike_ident_hash(sa->ike, &sa->peer_id));
	     n; n = hmap_next_equal(n)) {
		struct ike_sa *o = container_of(n, struct ike_sa, by_peer);

		if (same_peer(sa, o) && (states & (1u << o->state)))
			return o;
	}
	return NULL;
}

void sa_replace_duplicates(struct ike_sa *sa, bool initial_contact)
{
	enum config_unique u = sa->conn ? sa->conn->unique : CONFIG_UNIQUE_NO;
	struct ike_sa *small[16], **dup = small;
	size_t n = 0, cap = 16;
	struct hmap_node *h;

	if (u == CONFIG_UNIQUE_NEVER || !sa->peer_id_set)
		return;
	if (!initial_contact && u != CONFIG_UNIQUE_REPLACE)
		return;
	/* Collect first: destroying an SA unlinks it (and maybe its rekey
	 * successor) from the chain being walked.  Destroyed SAs stay in
	 * memory until the end of the event, so the pointers stay valid. */
	for (h = hmap_lookup(&sa->ike->by_peer, ike_ident_hash(sa->ike, &sa->peer_id));
	     h; h = hmap_next_equal(h)) {
		struct ike_sa *o = container_of(h, struct ike_sa, by_peer);

		if (!same_peer(sa, o) || o->state == IKE_SA_HALF_OPEN || o->rekeyed_by == sa)
			continue;
		if (n == cap) {
			struct ike_sa **bigger = malloc(2 * cap * sizeof(*bigger));

			if (!bigger)
				break;	/* the rest stay; they expire on their own */
			memcpy(bigger, dup, n * sizeof(*dup));
			if (dup != small)
				free(dup);
			dup = bigger;
			cap *= 2;
		}
		dup[n++] = o;
	}
	for (size_t i = 0; i < n; i++) {
		struct ike_sa *o = dup[i];

		if (o->state == IKE_SA_DEAD)
			continue;
		sa_log(o, LOG_LVL_INFO, "replaced by IKE_SA #%llu (%s)",
		       (unsigned long long)sa->uniqueid,
		       initial_contact ? "INITIAL_CONTACT" : "unique=replace");
		/* The peer lost its state (or we replace it): delete quietly
		 * when it asked with INITIAL_CONTACT, otherwise tell it. */
		if (initial_contact || o->state != IKE_SA_ESTABLISHED)
			sa_destroy(o, IKE_DOWN_REPLACED);
		else
			delete_ike_start(o);
	}
	if (dup != small)
		free(dup);
}

/* ---- teardown ---- */

void sa_destroy(struct ike_sa *sa, enum ike_down_reason why)
{
	struct ike *ike = sa->ike;

	if (sa->state == IKE_SA_DEAD)
		return;
	ike_disarm(ike, &sa->t_expire);
	ike_disarm(ike, &sa->t_rekey);
	ike_disarm(ike, &sa->t_dpd);
	ike_disarm(ike, &sa->out.timer);
	/* Children go first: their final counters belong to the session. */
	while (sa->children)
		child_destroy(sa->children);
	if (sa->has_vip && !sa->initiator && sa->peer_id_set)
		pool_release(ike, &sa->peer_id, &sa->vip);
	if (sa->up_reported)
		sa_log(sa, LOG_LVL_INFO, "IKE_SA deleted (%s)",
		       why == IKE_DOWN_DELETED_PEER ? "by peer" :
		       why == IKE_DOWN_DEAD_PEER ? "peer dead" :
		       why == IKE_DOWN_REPLACED ? "replaced" : "locally");
	if (ike->ext.sa_down)
		ike->ext.sa_down(ike->ext.ctx, sa);
	ike_report_down(sa, why);
	ike_initiate_done(sa, ERR_STATE, "IKE_SA failed");
	if (sa->del_done) {
		ike_done_fn fn = sa->del_done;

		sa->del_done = NULL;
		fn(sa->del_done_ctx, 0, "deleted");
	}
	if (sa->rekey_new) {
		/* A rekey we started dies with us. */
		struct ike_sa *n = sa->rekey_new;

		sa->rekey_new = NULL;
		if (n->state != IKE_SA_DEAD && n->state != IKE_SA_ESTABLISHED)
			sa_destroy(n, IKE_DOWN_FAILED);
	}
	sa_half_open_del(sa);
	hmap_remove(&ike->by_spi, &sa->by_spi);
	if (sa->in_by_peer) {
		hmap_remove(&ike->by_peer, &sa->by_peer);
		sa->in_by_peer = false;
	}
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		ike->all = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	ike->stats.ike_sas--;
	sa->state = IKE_SA_DEAD;
	sa->prev = NULL;
	sa->next = ike->dead;
	ike->dead = sa;
}

void sa_free(struct ike_sa *sa)
{
	struct ike *ike = sa->ike;

	if (ike->ext.sa_free)
		ike->ext.sa_free(ike->ext.ctx, sa);
	while (sa->children)
		child_destroy(sa->children);
	ke_free(sa->ke);
	prf_free(sa->prf_d);
	aead_free(sa->aead_out);
	aead_free(sa->aead_in);
	packets_free(&sa->out.pkts);
	packets_free(&sa->resp);
	if (sa->reasm) {
		for (size_t i = 0; i <= IKE_MAX_PACKETS; i++) {
			wipe(sa->reasm->frag[i], sa->reasm->frag_len[i]);
			free(sa->reasm->frag[i]);
		}
		free(sa->reasm);
	}
	free(sa->init_i);
	free(sa->init_r);
	ike_cfg_unref(sa->cfg);
	wipe(sa, sizeof(*sa));
	free(sa);
}
