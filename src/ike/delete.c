/*
 * delete.c - INFORMATIONAL exchanges: DELETE for IKE and Child SAs, both
 * roles, and the empty request of a liveness check (RFC 7296 1.4, 1.4.1).
 *
 * A Child SA is deleted by naming its inbound SPI; the peer answers with
 * the inbound SPIs of its halves.  When both ends delete the same Child SA
 * at once, each answers without it (it is already going) and removes it.
 * Deleting an IKE SA deletes its Child SAs silently.
 */
#include <string.h>

#include "common/err.h"
#include "ike/internal.h"

static int put_delete_esp(struct wire_builder *b, const uint32_t *spis, size_t n)
{
	uint8_t raw[4 * 64];
	struct wire_delete d = { .proto = IKEV2_PROTO_ESP, .spi_size = 4 };

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		buf_store_u32(raw + 4 * i, spis[i]);
	d.nspis = (uint16_t)n;
	d.spis.p = raw;
	d.spis.len = 4 * n;
	return wire_put_delete(b, &d);
}

int delete_child_start(struct ike_sa *sa, struct child_sa *c)
{
	struct msg_out o;
	int rc;

	if (sa->out.active) {
		sa_queue(sa, TASK_DELETE_CHILD, c->id);
		return 0;
	}
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_INFORMATIONAL, false,
				sa->my_msgid, true)) != 0)
		return rc;
	if ((rc = put_delete_esp(&o.b, &c->spi_in, 1)) != 0) {
		msg_out_abort(&o);
		return rc;
	}
	c->state = CHILD_DELETING;
	sa_log(sa, LOG_LVL_INFO, "deleting CHILD_SA %s{%u} with SPIs %08x_i %08x_o",
	       c->cfg ? c->cfg->name : "?", c->uniqueid, c->spi_in, c->spi_out);
	return msg_out_send(&o, TASK_DELETE_CHILD, c->id);
}

int delete_ike_start(struct ike_sa *sa)
{
	struct wire_delete d = { .proto = IKEV2_PROTO_IKE };
	struct msg_out o;
	int rc;

	if (sa->state == IKE_SA_DELETING || sa->state == IKE_SA_DEAD)
		return 0;
	if (sa->out.active) {
		/* One request at a time: the delete follows what is pending. */
		sa_queue(sa, TASK_DELETE_IKE, 0);
		return 0;
	}
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_INFORMATIONAL, false,
				sa->my_msgid, true)) != 0)
		return rc;
	if ((rc = wire_put_delete(&o.b, &d)) != 0) {
		msg_out_abort(&o);
		return rc;
	}
	sa_log(sa, LOG_LVL_INFO, "deleting IKE_SA");
	if ((rc = msg_out_send(&o, TASK_DELETE_IKE, 0)) != 0)
		return rc;
	ike_disarm(sa->ike, &sa->t_rekey);
	ike_disarm(sa->ike, &sa->t_dpd);
	sa_set_state(sa, IKE_SA_DELETING);
	return 0;
}

void delete_process_response(struct ike_sa *sa, struct msg_in *in,
			     enum ike_task task, uint64_t arg)
{
	(void)in;
	if (task == TASK_DELETE_IKE) {
		sa_destroy(sa, IKE_DOWN_DELETED_LOCAL);
		return;
	}
	{
		struct child_sa *c = child_find_id(sa, arg);

		if (c)
			child_destroy(c);
	}
}

/* Answer a request: collect our inbound SPIs of the Child SAs it deletes. */
void info_process_request(struct ike_sa *sa, struct msg_in *in)
{
	uint32_t ours[64];
	size_t nours = 0;
	bool delete_ike = false;
	struct msg_out o;
	int rc;

	for (const struct wire_payload *p = wire_msg_first(in->m, IKEV2_PL_DELETE);
	     p; p = wire_msg_next(in->m, p, IKEV2_PL_DELETE)) {
		const struct wire_delete *d = &p->u.del;

		if (d->proto == IKEV2_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		if (d->proto != IKEV2_PROTO_ESP || d->spi_size != 4)
			continue;
		for (size_t i = 0; i < d->nspis; i++) {
			struct child_sa *c = child_find_out(sa, wire_delete_spi(d, i));

			if (!c)
				continue;
			/* Simultaneous delete: it is going anyway. */
			if (c->state != CHILD_DELETING && nours < 64)
				ours[nours++] = c->spi_in;
			sa_log(sa, LOG_LVL_INFO,
			       "received DELETE for CHILD_SA %s{%u}",
			       c->cfg ? c->cfg->name : "?", c->uniqueid);
			if (sa->out.active && sa->out.task == TASK_DELETE_CHILD &&
			    sa->out.arg == c->id)
				sa->out.arg = 0;	/* our own delete: nothing left to do */
			child_destroy(c);
		}
	}
	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_INFORMATIONAL, true,
				in->m->hdr.msg_id, true)) != 0)
		return;
	if (!delete_ike && nours)
		rc = put_delete_esp(&o.b, ours, nours);
	if (rc == 0)
		rc = msg_out_send(&o, TASK_NONE, 0);
	else
		msg_out_abort(&o);
	if (delete_ike) {
		sa_log(sa, LOG_LVL_DEBUG, "received DELETE for IKE_SA");
		sa_destroy(sa, IKE_DOWN_DELETED_PEER);
	}
}
