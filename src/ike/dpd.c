/*
 * dpd.c - liveness checks (RFC 7296 2.4), strongSwan's "dead peer
 * detection": after dpd_delay without anything from the peer (IKE messages
 * or inbound ESP, as the data plane reports it), send an empty
 * INFORMATIONAL request.  If retransmissions of it give up, the peer is
 * declared dead, the IKE SA and its Child SAs are removed, and dpd_action
 * decides whether to start over.
 */
#include "common/err.h"
#include "ike/internal.h"

/* Latest sign of life: IKE messages and inbound ESP. */
static uint64_t last_heard(struct ike_sa *sa)
{
	const struct dataplane *dp = ike_sa_dp(sa);
	uint64_t last = sa->last_rx_mono;

	for (struct child_sa *c = sa->children; c; c = c->next) {
		struct dp_counters cnt;

		if (c->installed && dp->counters &&
		    dp->counters(dp->ctx, c->id, &cnt) == 0 &&
		    cnt.last_in_mono_us > last)
			last = cnt.last_in_mono_us;
	}
	return last;
}

void dpd_timer(struct timer *t, void *ctx)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, t_dpd);
	uint64_t delay, now, last;

	(void)ctx;
	if (sa->state != IKE_SA_ESTABLISHED || !sa->conn || !sa->conn->dpd_delay)
		return;
	delay = sa->conn->dpd_delay * CLOCK_US_PER_SEC;
	now = ike_now(sa->ike);
	last = last_heard(sa);
	if (now - last < delay) {
		ike_arm(sa->ike, &sa->t_dpd, delay - (now - last));
		return;
	}
	if (!sa->out.active)
		sa_queue(sa, TASK_DPD, 0);
	ike_arm(sa->ike, &sa->t_dpd, delay);
}

int dpd_start(struct ike_sa *sa)
{
	struct msg_out o;
	int rc;

	if ((rc = msg_out_begin(&o, sa, IKEV2_EXCH_INFORMATIONAL, false,
				sa->my_msgid, true)) != 0)
		return rc;
	sa_log(sa, LOG_LVL_DEBUG, "sending DPD request");
	return msg_out_send(&o, TASK_DPD, 0);
}
