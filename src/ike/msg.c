/*
 * msg.c - protected IKE messages: building, SK encryption, fragmentation,
 * the request window with retransmission, the response cache, and the
 * receive path (message ID checks, reassembly, ICV check and decryption,
 * dispatch to the exchange files).
 *
 * Receive order follows "cheap checks first": header and message ID are
 * checked before the ICV, the ICV before decryption (aead_open verifies
 * first), decryption before the inner chain is parsed, and only then does
 * an exchange file see the message.  Retransmitted requests are answered
 * from the cache without any crypto, after checking that the bytes are the
 * same request (a keyed hash), so a spoofed packet cannot make us reflect.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/aead.h"
#include "ike/internal.h"

void packets_free(struct ike_packets *p)
{
	size_t total = 0;

	for (uint16_t i = 0; i < p->n; i++)
		total += p->len[i];
	if (p->buf) {
		wipe(p->buf, total);
		free(p->buf);
	}
	p->buf = NULL;
	p->n = 0;
}

static int packets_add(struct ike_packets *p, size_t *used, size_t *cap,
		       const uint8_t *data, size_t len)
{
	if (p->n >= IKE_MAX_PACKETS)
		return ERR_LIMIT;
	if (*used + len > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 2048);
		uint8_t *nb;

		while (ncap < *used + len)
			ncap *= 2;
		nb = realloc(p->buf, ncap);
		if (!nb)
			return ERR_NOMEM;
		p->buf = nb;
		*cap = ncap;
	}
	memcpy(p->buf + *used, data, len);
	p->len[p->n++] = len;
	*used += len;
	return 0;
}

static void packets_send(struct ike *ike, const struct ike_packets *p)
{
	size_t off = 0;

	for (uint16_t i = 0; i < p->n; i++) {
		ike_send_raw(ike, &p->local, &p->remote, p->buf + off, p->len[i]);
		off += p->len[i];
	}
}

void msg_resend_response(struct ike_sa *sa)
{
	packets_send(sa->ike, &sa->resp);
}

int msg_out_begin(struct msg_out *o, struct ike_sa *sa, uint8_t exchange,
		  bool response, uint32_t msgid, bool encrypt)
{
	memset(o, 0, sizeof(*o));
	o->sa = sa;
	o->exchange = exchange;
	o->response = response;
	o->msgid = msgid;
	o->encrypted = encrypt;
	o->hdr.spi_i = sa->spi_i;
	o->hdr.spi_r = sa->spi_r;
	o->hdr.exchange = exchange;
	o->hdr.msg_id = msgid;
	o->hdr.major = IKEV2_MAJOR_VERSION;
	o->hdr.flags = (uint8_t)((response ? IKEV2_FLAG_RESPONSE : 0) |
				 (sa->initiator ? IKEV2_FLAG_INITIATOR : 0));
	buf_writer_init_dyn(&o->w, IKE_MAX_MSG);
	if (encrypt) {
		if (!sa->aead_out)
			return ERR_STATE;
		wire_build_init_chain(&o->b, &o->w);
		return 0;
	}
	return wire_build_init(&o->b, &o->w, &o->hdr);
}

void msg_out_abort(struct msg_out *o)
{
	buf_writer_free(&o->w);
}

/* Encrypt one sealed SK/SKF payload in place. */
static int seal(struct ike_sa *sa, struct wire_sk_seal *s)
{
	int rc;

	if ((rc = ike_random(sa->ike, s->iv, s->iv_len)) != 0)
		return rc;
	return aead_seal(sa->aead_out, s->iv, s->aad, s->aad_len, s->pt,
			 s->pt_len, s->pt, s->icv);
}

/* Turn the built inner chain into one SK message or several SKF ones. */
static int protect(struct msg_out *o, struct ike_packets *p)
{
	struct ike_sa *sa = o->sa;
	const struct ike_params *par = &sa->ike->env.params;
	size_t used = 0, cap = 0, max_msg;
	uint8_t first = wire_build_first(&o->b);
	struct buf_writer w;
	struct wire_builder b;
	struct wire_sk_seal s;
	int rc;

	if ((rc = wire_build_finish(&o->b)) != 0)
		return rc;
	max_msg = wire_skf_max_msg(par->fragment_size,
				   sa->remote.family == ADDR_IPV6, sa->natt);
	buf_writer_init_dyn(&w, IKE_MAX_MSG);
	if (sa->peer_frag && max_msg &&
	    IKEV2_HDR_LEN + 4 + sa->sk_out.iv_len + o->w.len +
	    sa->sk_out.block_len + sa->sk_out.icv_len > max_msg) {
		struct wire_skf_plan plan;

		rc = wire_skf_plan(o->w.len, max_msg, &sa->sk_out, &plan);
		if (rc == 0 && plan.total > par->max_fragments)
			rc = ERR_LIMIT;
		for (uint16_t i = 1; rc == 0 && i <= plan.total; i++) {
			struct wire_span chunk;

			buf_writer_reset(&w);
			rc = wire_skf_chunk(&plan, o->w.p, o->w.len, i, &chunk);
			if (rc == 0)
				rc = wire_build_init(&b, &w, &o->hdr);
			if (rc == 0)
				rc = wire_skf_put(&b, &sa->sk_out, first, i,
						  plan.total, &chunk, &s);
			if (rc == 0)
				rc = seal(sa, &s);
			if (rc == 0)
				rc = packets_add(p, &used, &cap, w.p, w.len);
		}
	} else {
		rc = wire_build_init(&b, &w, &o->hdr);
		if (rc == 0)
			rc = wire_sk_put(&b, &sa->sk_out, first, o->w.p, o->w.len, &s);
		if (rc == 0)
			rc = seal(sa, &s);
		if (rc == 0)
			rc = packets_add(p, &used, &cap, w.p, w.len);
	}
	buf_writer_free(&w);
	return rc;
}

static uint64_t backoff(const struct ike_params *p, uint32_t tries)
{
	double t = (double)p->retransmit_timeout_us;

	for (uint32_t i = 0; i < tries; i++)
		t = t * p->retransmit_base_x100 / 100.0;
	if (p->retransmit_limit_us && t > (double)p->retransmit_limit_us)
		t = (double)p->retransmit_limit_us;
	return (uint64_t)t;
}

int msg_out_send(struct msg_out *o, enum ike_task task, uint64_t arg)
{
	struct ike_sa *sa = o->sa;
	struct ike *ike = sa->ike;
	struct ike_packets p = { 0 };
	size_t used = 0, cap = 0;
	int rc;

	if (o->encrypted) {
		rc = protect(o, &p);
	} else {
		rc = wire_build_finish(&o->b);
		if (rc == 0)
			rc = packets_add(&p, &used, &cap, o->w.p, o->w.len);
	}
	buf_writer_free(&o->w);
	if (rc) {
		packets_free(&p);
		sa_log(sa, LOG_LVL_ERROR, "building %s %s failed: %s",
		       wire_name_exchange(o->exchange),
		       o->response ? "response" : "request", err_str(rc));
		return rc;
	}
	p.local = sa->local;
	p.remote = sa->remote;
	sa_log(sa, LOG_LVL_DEBUG, "sending %s %s %u (%u packet%s)",
	       wire_name_exchange(o->exchange) ? wire_name_exchange(o->exchange) : "?",
	       o->response ? "response" : "request", o->msgid, p.n,
	       p.n == 1 ? "" : "s");
	packets_send(ike, &p);
	if (o->response) {
		packets_free(&sa->resp);
		sa->resp = p;
		sa->resp_msgid = o->msgid;
		sa->have_resp = true;
		return 0;
	}
	packets_free(&sa->out.pkts);
	sa->out.pkts = p;
	sa->out.active = true;
	sa->out.task = task;
	sa->out.arg = arg;
	sa->out.msgid = o->msgid;
	sa->out.exchange = o->exchange;
	sa->out.tries = 0;
	if (o->msgid == sa->my_msgid)
		sa->my_msgid++;
	ike_arm(ike, &sa->out.timer, backoff(&ike->env.params, 0));
	return 0;
}

int msg_send_plain_notify(struct ike *ike, const struct wire_hdr *req,
			  const struct addr *local, const struct addr *remote,
			  uint16_t type, const void *data, size_t len)
{
	struct buf_writer w;
	struct wire_builder b;
	struct wire_hdr h;
	int rc;

	wire_hdr_init_response(&h, req, false);
	buf_writer_init_dyn(&w, 1024);
	rc = wire_build_init(&b, &w, &h);
	if (rc == 0)
		rc = wire_put_notify_data(&b, type, data, len);
	if (rc == 0)
		rc = wire_build_finish(&b);
	if (rc == 0)
		ike_send_raw(ike, local, remote, w.p, w.len);
	buf_writer_free(&w);
	return rc;
}

/* The request went unanswered too often: what that means depends on it. */
static void give_up(struct ike_sa *sa)
{
	enum ike_task task = sa->out.task;
	struct ike *ike = sa->ike;

	sa_log(sa, LOG_LVL_INFO, "giving up after %u retransmits",
	       sa->out.tries);
	sa->out.active = false;
	packets_free(&sa->out.pkts);
	switch (task) {
	case TASK_SA_INIT:
	case TASK_AUTH:
		ike_initiate_done(sa, ERR_TIMEOUT, "peer did not answer");
		sa_destroy(sa, IKE_DOWN_FAILED);
		break;
	case TASK_EXT:
		if (ike->ext.request_failed)
			ike->ext.request_failed(ike->ext.ctx, sa);
		else
			sa_destroy(sa, IKE_DOWN_FAILED);
		break;
	case TASK_DELETE_IKE:
		sa_destroy(sa, IKE_DOWN_DELETED_LOCAL);
		break;
	default:
		/* DPD, rekey, child create/delete: the peer is gone. */
		sa_destroy(sa, IKE_DOWN_DEAD_PEER);
		break;
	}
}

void msg_retransmit_timer(struct timer *t, void *ctx)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, out.timer);
	struct ike *ike = ctx;

	if (!sa->out.active)
		return;
	if (sa->out.tries >= ike->env.params.retransmit_tries) {
		give_up(sa);
		return;
	}
	sa->out.tries++;
	ike->stats.tx_retransmits++;
	sa_log(sa, LOG_LVL_DEBUG, "retransmit %u of request %u",
	       sa->out.tries, sa->out.msgid);
	packets_send(ike, &sa->out.pkts);
	ike_arm(ike, &sa->out.timer,
		backoff(&ike->env.params, sa->out.tries));
}

void msg_request_done(struct ike_sa *sa)
{
	ike_disarm(sa->ike, &sa->out.timer);
	sa->out.active = false;
	packets_free(&sa->out.pkts);
}

/* ---- receiving ---- */

static uint64_t raw_hash(struct ike *ike, const uint8_t *p, size_t len)
{
	return hmap_siphash(ike->hash_key, p, len);
}

static void reasm_clear(struct ike_sa *sa)
{
	struct ike_reasm *r = sa->reasm;

	if (!r)
		return;
	for (size_t i = 0; i <= IKE_MAX_PACKETS; i++) {
		wipe(r->frag[i], r->frag_len[i]);
		free(r->frag[i]);
		r->frag[i] = NULL;
		r->frag_len[i] = 0;
	}
	r->total = r->have = 0;
	r->bytes = 0;
}

/*
 * Verify and decrypt the SK payload into ike->pt.  For SKF, store the
 * fragment and return ERR_STATE until all are there; then the whole inner
 * chain is in ike->pt.  *first is the inner chain's first payload type.
 */
static int unprotect(struct ike_sa *sa, struct msg_in *in, size_t *pt_len,
		     uint8_t *first)
{
	struct ike *ike = sa->ike;
	const struct wire_enc *e = &in->m->enc->u.enc;
	struct wire_sk_view v;
	size_t inner_len;
	int rc;

	if ((rc = wire_sk_view(in->m, &sa->sk_in, &v)) != 0)
		return rc;
	if (v.ct_len > IKE_MAX_MSG)
		return ERR_LENGTH;
	rc = aead_open(sa->aead_in, v.iv, v.aad, v.aad_len, v.ct, v.ct_len,
		       ike->pt, v.icv);
	if (rc)
		return rc;
	if ((rc = wire_sk_unpad(ike->pt, v.ct_len, &inner_len)) != 0)
		return rc;
	if (!e->frag) {
		*pt_len = inner_len;
		*first = e->next;
		return 0;
	}
	/* RFC 7383 2.6: fragments of one message, authenticated one by one. */
	{
		struct ike_reasm *r = sa->reasm;
		bool response = wire_hdr_is_response(&in->m->hdr);
		uint8_t *copy;
		size_t off = 0;

		if (e->frag_total > ike->env.params.max_fragments ||
		    e->frag_total > IKE_MAX_PACKETS || e->frag_num == 0 ||
		    e->frag_num > e->frag_total)
			return ERR_LIMIT;
		if (!r) {
			r = sa->reasm = calloc(1, sizeof(*r));
			if (!r)
				return ERR_NOMEM;
		}
		if (r->total && (r->msgid != in->m->hdr.msg_id ||
				 r->response != response ||
				 r->total != e->frag_total))
			reasm_clear(sa);
		if (!r->total) {
			r->msgid = in->m->hdr.msg_id;
			r->response = response;
			r->total = e->frag_total;
		}
		if (r->frag[e->frag_num])
			return ERR_STATE;	/* duplicate fragment */
		if (r->bytes + inner_len > IKE_MAX_REASM_BYTES) {
			reasm_clear(sa);
			return ERR_LIMIT;
		}
		copy = malloc(inner_len ? inner_len : 1);
		if (!copy)
			return ERR_NOMEM;
		memcpy(copy, ike->pt, inner_len);
		r->frag[e->frag_num] = copy;
		r->frag_len[e->frag_num] = inner_len;
		r->bytes += inner_len;
		r->have++;
		if (e->frag_num == 1)
			r->first = e->next;
		if (r->have < r->total)
			return ERR_STATE;
		for (uint16_t i = 1; i <= r->total; i++) {
			memcpy(ike->pt + off, r->frag[i], r->frag_len[i]);
			off += r->frag_len[i];
		}
		*first = r->first;
		*pt_len = off;
		reasm_clear(sa);
		return 0;
	}
}

void msg_reply_notify(struct ike_sa *sa, struct msg_in *in, uint16_t type,
		      const void *data, size_t len)
{
	struct msg_out o;

	if (msg_out_begin(&o, sa, in->m->hdr.exchange, true, in->m->hdr.msg_id,
			  true) == 0 &&
	    wire_put_notify_data(&o.b, type, data, len) == 0)
		msg_out_send(&o, TASK_NONE, 0);
	else
		msg_out_abort(&o);
}

static void dispatch_request(struct ike_sa *sa, struct msg_in *in)
{
	struct ike *ike = sa->ike;

	switch (in->m->hdr.exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		auth_process_request(sa, in);
		return;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		ccsa_process_request(sa, in);
		return;
	case IKEV2_EXCH_INFORMATIONAL:
		info_process_request(sa, in);
		return;
	default:
		if (ike->ext.process_request) {
			ike->ext.process_request(ike->ext.ctx, sa, in);
			return;
		}
		sa_log(sa, LOG_LVL_DEBUG, "ignoring request of exchange %u",
		       in->m->hdr.exchange);
		msg_reply_notify(sa, in, IKEV2_N_INVALID_SYNTAX, NULL, 0);
	}
}

static void dispatch_response(struct ike_sa *sa, struct msg_in *in)
{
	struct ike *ike = sa->ike;
	enum ike_task task = sa->out.task;
	uint64_t arg = sa->out.arg;

	msg_request_done(sa);
	switch (task) {
	case TASK_AUTH:
		auth_process_response(sa, in);
		break;
	case TASK_CHILD_CREATE:
		ccsa_child_process_response(sa, in);
		break;
	case TASK_CHILD_REKEY:
		child_rekey_process_response(sa, in, arg);
		break;
	case TASK_IKE_REKEY:
		ike_rekey_process_response(sa, in);
		break;
	case TASK_DELETE_CHILD:
	case TASK_DELETE_IKE:
		delete_process_response(sa, in, task, arg);
		break;
	case TASK_DPD:
		break;
	case TASK_EXT:
		if (ike->ext.process_response)
			ike->ext.process_response(ike->ext.ctx, sa, in);
		break;
	default:
		break;
	}
	if (sa->state != IKE_SA_DEAD)
		sa_kick(sa);
}

void msg_receive(struct ike_sa *sa, struct msg_in *in)
{
	struct ike *ike = sa->ike;
	struct wire_where where;
	struct wire_hdr h;
	bool response;
	size_t pt_len;
	uint8_t first;
	char ab[ADDR_STRLEN];
	int rc;

	wire_hdr_parse(&h, in->raw, in->len);
	response = wire_hdr_is_response(&h);

	/* Message IDs first: nothing else is cheaper. */
	if (response) {
		if (!sa->out.active || h.msg_id != sa->out.msgid ||
		    h.exchange != sa->out.exchange) {
			ike_log_rl(ike, LOG_LVL_DEBUG,
				   "%s: unexpected response %u",
				   addr_fmt(&in->remote, true, ab, sizeof(ab)),
				   h.msg_id);
			return;
		}
	} else if (sa->have_resp && h.msg_id == sa->resp_msgid) {
		/* A retransmitted request: answer from the cache if it is the
		 * very request we answered (or fragment 1 of it). */
		if (raw_hash(ike, in->raw, in->len) == sa->resp_req_hash) {
			ike->stats.rx_retransmits++;
			packets_send(ike, &sa->resp);
		}
		return;
	} else if (h.msg_id != sa->peer_msgid) {
		ike_log_rl(ike, LOG_LVL_DEBUG, "%s: request %u, expected %u",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)),
			   h.msg_id, sa->peer_msgid);
		return;
	}

	if ((rc = wire_msg_parse(in->m, in->raw, in->len, &where)) != 0) {
		ike->stats.rx_invalid++;
		ike_log_rl(ike, LOG_LVL_INFO, "%s: malformed %s: %s at payload %d",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)),
			   wire_name_exchange(h.exchange) ?
			   wire_name_exchange(h.exchange) : "message",
			   err_str(rc), where.index);
		return;
	}

	/* Unprotected: only the IKE_SA_INIT response (and an extension's
	 * own opening exchange, which handles itself). */
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT) {
		if (response && sa->state == IKE_SA_INIT_SENT) {
			msg_request_done(sa);
			sa_init_process_response(sa, in);
		}
		return;
	}
	if (!in->m->enc) {
		if (response && sa->out.task == TASK_EXT &&
		    ike->ext.process_response) {
			msg_request_done(sa);
			ike->ext.process_response(ike->ext.ctx, sa, in);
			if (sa->state != IKE_SA_DEAD)
				sa_kick(sa);
			return;
		}
		ike->stats.rx_invalid++;
		return;
	}
	if (!sa->aead_in) {
		ike->stats.rx_invalid++;
		return;
	}
	rc = unprotect(sa, in, &pt_len, &first);
	if (rc == ERR_STATE && in->m->enc->u.enc.frag)
		return;		/* more fragments to come */
	if (rc) {
		if (rc == ERR_AUTH)
			ike->stats.rx_unauthenticated++;
		else
			ike->stats.rx_invalid++;
		ike_log_rl(ike, LOG_LVL_INFO, "%s: %s %u rejected: %s",
			   addr_fmt(&in->remote, true, ab, sizeof(ab)),
			   wire_name_exchange(h.exchange) ?
			   wire_name_exchange(h.exchange) : "message",
			   h.msg_id, err_str(rc));
		return;
	}

	/* Authentic from here on. */
	sa->last_rx_mono = ike_now(ike);
	if (!addr_eq(&sa->remote, &in->remote, true) ||
	    !addr_eq(&sa->local, &in->local, true)) {
		/* RFC 7296 2.23: follow the peer's NAT mapping (the
		 * responder updates on an authenticated message). */
		if (!sa->initiator || sa->nat_there) {
			sa->remote = in->remote;
			sa->local = in->local;
		}
	}
	if (!response) {
		sa->peer_msgid = h.msg_id + 1;
		sa->resp_req_hash = raw_hash(ike, in->raw, in->len);
		sa->have_resp = false;
	}
	rc = wire_msg_parse_inner(in->m, first, ike->pt, pt_len, &where);
	if (rc) {
		ike->stats.rx_invalid++;
		sa_log(sa, LOG_LVL_INFO, "malformed %s %s %u: %s at payload %d",
		       wire_name_exchange(h.exchange) ?
		       wire_name_exchange(h.exchange) : "?",
		       response ? "response" : "request", h.msg_id,
		       err_str(rc), where.index);
		if (!response) {
			if (rc == ERR_CRITICAL) {
				uint8_t t = where.type;

				msg_reply_notify(sa, in,
					    IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD,
					    &t, 1);
			} else {
				msg_reply_notify(sa, in, IKEV2_N_INVALID_SYNTAX,
					    NULL, 0);
			}
		}
		return;
	}
	if (log_enabled(LOG_LVL_DEBUG)) {
		char names[256];

		sa_log(sa, LOG_LVL_DEBUG, "parsed %s %s %u %s",
		       wire_name_exchange(h.exchange) ?
		       wire_name_exchange(h.exchange) : "?",
		       response ? "response" : "request", h.msg_id,
		       wire_name_msg(in->m, names, sizeof(names)));
	}
	if (response)
		dispatch_response(sa, in);
	else
		dispatch_request(sa, in);
}
