/*
 * resume_ticket.c - tickets from full handshakes and the end of sessions.
 *
 * An initiator whose connection has a resumption block announces support
 * inside its (encrypted) IKE_AUTH request, with the handle of the ticket it
 * still holds, if any: a full handshake replaces that lineage (a
 * resumption that got no answer, a reauthentication), and the responder
 * retires its record at once rather than keep a dead one until it expires
 * or pushes a live one out at capacity.  A responder whose connection
 * has one records the session in the cache and answers with the handle in
 * the encrypted IKE_AUTH response; the handle never travels in clear text
 * before it is used.  When the session ends, its connected time and bytes
 * are added to the record's lineage for the lifetime policies.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/ke.h"
#include "resume/internal.h"

struct resume_sa *resume_sa_get(struct resume *r, struct ike_sa *sa)
{
	struct resume_sa *rs = sa->ext;

	if (!rs) {
		rs = calloc(1, sizeof(*rs));
		if (!rs)
			return NULL;
		rs->r = r;
		sa->ext = rs;
	}
	return rs;
}

void resume_sa_free(void *ctx, struct ike_sa *sa)
{
	struct resume_sa *rs = sa->ext;

	(void)ctx;
	if (!rs)
		return;
	ke_free(rs->ke);
	wipe(rs, sizeof(*rs));
	free(rs);
	sa->ext = NULL;
}

static const struct child_sa *first_child(const struct ike_sa *sa)
{
	const struct child_sa *c = sa->children, *best = NULL;

	/* The oldest one is last in the list. */
	for (; c; c = c->next)
		if (c->installed)
			best = c;
	return best;
}

void resume_algs(const struct ike_sa *sa, struct cache_algs *a)
{
	const struct child_sa *c = first_child(sa);

	memset(a, 0, sizeof(*a));
	a->ike_encr = sa->suite.encr;
	a->ike_encr_bits = sa->suite.encr_keylen;
	a->ike_integ = sa->suite.integ;
	a->ike_prf = sa->suite.prf;
	a->ike_ke = sa->suite.dh;
	a->child_proto = IKEV2_PROTO_ESP;
	if (c) {
		a->child_encr = c->suite.encr;
		a->child_encr_bits = c->suite.encr_keylen;
		a->child_integ = c->suite.integ;
		a->child_ke = c->suite.dh;
		a->child_esn = c->suite.esn == IKEV2_ESN_YES;
	}
}

static void to_cache_ts(const struct dp_ts *in, uint8_t n, struct cache_ts *out,
			uint8_t *nout)
{
	uint8_t k = 0;

	for (uint8_t i = 0; i < n && k < CACHE_MAX_TS; i++, k++) {
		memset(&out[k], 0, sizeof(out[k]));
		out[k].type = in[i].family == ADDR_IPV6 ? IKEV2_TS_IPV6_ADDR_RANGE
							 : IKEV2_TS_IPV4_ADDR_RANGE;
		out[k].proto = in[i].proto;
		out[k].start_port = in[i].port_from;
		out[k].end_port = in[i].port_to;
		memcpy(out[k].start, in[i].from, 16);
		memcpy(out[k].end, in[i].to, 16);
	}
	*nout = k;
}

static void to_cache_ident(const struct ident *id, struct cache_ident *out)
{
	out->type = id->type;
	out->len = id->len > CACHE_IDENT_MAX ? CACHE_IDENT_MAX : id->len;
	memcpy(out->data, id->data, out->len);
}

void resume_auth_request_put(void *ctx, struct ike_sa *sa, struct wire_builder *b)
{
	struct resume *r = ctx;
	struct cache_client_entry e;

	if (!r->opts.client || !sa->conn || !sa->conn->resumption.enabled)
		return;
	if (cache_client_get(r->opts.client, sa->conn->name, &e) == 0)
		wire_put_notify_data(b, IKEV2_N_RESWAN_RESUME_SUPPORTED, e.handle,
				     CACHE_HANDLE_LEN);
	else
		wire_put_notify_data(b, IKEV2_N_RESWAN_RESUME_SUPPORTED, NULL, 0);
	wipe(&e, sizeof(e));
}

void resume_auth_request_process(void *ctx, struct ike_sa *sa, struct msg_in *in)
{
	const struct wire_notify *n;
	struct resume_sa *rs;

	if (!(n = wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_SUPPORTED)))
		return;
	if (!(rs = resume_sa_get(ctx, sa)))
		return;
	rs->peer_supports = true;
	/* Any other length: support without a ticket to give up. */
	if (n->data.len == CACHE_HANDLE_LEN) {
		memcpy(rs->handle, n->data.p, CACHE_HANDLE_LEN);
		rs->retire = true;
	}
}

void resume_auth_response_put(void *ctx, struct ike_sa *sa, struct wire_builder *b)
{
	struct resume *r = ctx;
	struct resume_sa *rs = sa->ext;
	const struct child_sa *c = first_child(sa);
	struct cache_entry *e;
	uint8_t handle[CACHE_HANDLE_LEN];
	uint16_t conn_id;
	cache_ref ref;
	int rc;

	if (!rs || !rs->peer_supports || !r->opts.cache || !sa->conn ||
	    !sa->conn->resumption.enabled || !sa->peer_id_set ||
	    cache_conn_find(r->opts.cache, sa->conn->name, &conn_id) != 0)
		return;
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	rc = resume_secret(sa, e->secret);
	to_cache_ident(&sa->peer_id, &e->peer);
	resume_algs(sa, &e->algs);
	if (c) {
		/* TSi is the initiator's side: our remote selectors. */
		to_cache_ts(c->remote_ts, c->n_remote_ts, e->ts.i, &e->ts.n_i);
		to_cache_ts(c->local_ts, c->n_local_ts, e->ts.r, &e->ts.n_r);
	}
	if (sa->has_vip) {
		if (sa->vip.family == ADDR_IPV6)
			e->vip6 = sa->vip;
		else
			e->vip4 = sa->vip;
	}
	/* The peer is authenticated by now: it may give up its own record,
	 * on this connection, and no one else's. */
	if (rs->retire && cache_retire(r->opts.cache, conn_id, rs->handle, &e->peer) == 0)
		sa_log(sa, LOG_LVL_DEBUG, "resumption: superseded the peer's previous record");
	rs->retire = false;
	wipe(rs->handle, sizeof(rs->handle));
	if (rc == 0)
		rc = cache_insert(r->opts.cache, conn_id, e, handle, &ref);
	wipe(e, sizeof(*e));
	free(e);
	if (rc) {
		sa_log(sa, LOG_LVL_WARN, "no resumption ticket: %s", err_str(rc));
		return;
	}
	rs->ref = ref;
	rs->cache_conn = conn_id;
	if (wire_put_notify_data(b, IKEV2_N_RESWAN_RESUME_TICKET, handle,
				 sizeof(handle)) == 0)
		r->stats.tickets_issued++;
	wipe(handle, sizeof(handle));
}

void resume_keep_ticket(struct resume *r, struct ike_sa *sa,
			const uint8_t handle[CACHE_HANDLE_LEN])
{
	struct cache_client_entry e;
	const struct config_resumption *p = &sa->conn->resumption;
	uint64_t life = p->max_age ? p->max_age : p->lifetime;

	memset(&e, 0, sizeof(e));
	memcpy(e.handle, handle, CACHE_HANDLE_LEN);
	if (resume_secret(sa, e.secret) != 0)
		goto out;
	resume_algs(sa, &e.algs);
	if (sa->peer_id_set)
		to_cache_ident(&sa->peer_id, &e.peer);
	e.expires = life ? ike_wall(sa->ike) / CLOCK_US_PER_SEC + life : 0;
	if (cache_client_put(r->opts.client, sa->conn->name, &e) != 0)
		sa_log(sa, LOG_LVL_WARN, "cannot keep the resumption ticket");
out:
	wipe(&e, sizeof(e));
}

void resume_auth_response_process(void *ctx, struct ike_sa *sa, struct msg_in *in)
{
	struct resume *r = ctx;
	const struct wire_notify *n;

	if (!r->opts.client || !sa->conn || !sa->conn->resumption.enabled)
		return;
	n = wire_msg_notify(in->m, IKEV2_N_RESWAN_RESUME_TICKET);
	if (!n || n->data.len != CACHE_HANDLE_LEN) {
		/* This peer issues no tickets (any more): forget an old one so
		 * the next connect does not try in vain. */
		cache_client_del(r->opts.client, sa->conn->name);
		return;
	}
	resume_keep_ticket(r, sa, n->data.p);
}

void resume_sa_down(void *ctx, struct ike_sa *sa)
{
	struct resume *r = ctx;
	struct resume_sa *rs = sa->ext;
	uint64_t secs = 0;

	if (!rs || !rs->ref || !r->opts.cache)
		return;
	if (sa->established_wall) {
		uint64_t now = ike_wall(sa->ike);

		if (now > sa->established_wall)
			secs = (now - sa->established_wall) / CLOCK_US_PER_SEC;
	}
	/* A record evicted or revoked meanwhile is simply gone. */
	cache_update(r->opts.cache, rs->ref, secs, sa->bytes_in + sa->bytes_out);
}
