/*
 * test_lifecycle.c - what happens after IKE_AUTH: Child SA and IKE SA
 * rekeying started by either side (and by both at once), DELETE from
 * either side, liveness checks, retransmission and giving up, and the
 * session events with their byte counts; uniqueness of peer identities.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "harness.h"
#include "ike/internal.h"

#define SEC CLOCK_US_PER_SEC

/* Peers a (10.0.0.1) and b (10.0.0.2) with per-side extra settings. */
static struct tnet *pair(const char *conn_a, const char *child_a,
			 const char *conn_b, const char *child_b)
{
	struct tnet *n = tnet_new();
	char ba[4096], bb[4096];
	struct tconf a = { .me = "10.0.0.1", .other = "10.0.0.2", .my_id = "a.example",
			   .other_id = "b.example", .lts = "10.1.0.0/16",
			   .rts = "10.2.0.0/16", .conn_extra = conn_a,
			   .child_extra = child_a };
	struct tconf b = { .me = "10.0.0.2", .other = "10.0.0.1", .my_id = "b.example",
			   .other_id = "a.example", .lts = "10.2.0.0/16",
			   .rts = "10.1.0.0/16", .conn_extra = conn_b,
			   .child_extra = child_b };

	tpeer_new(n, "a", "10.0.0.1", tconf(ba, sizeof(ba), &a), NULL, NULL, NULL, NULL);
	tpeer_new(n, "b", "10.0.0.2", tconf(bb, sizeof(bb), &b), NULL, NULL, NULL, NULL);
	return n;
}

static void consistent(struct tnet *n, size_t children)
{
	struct ike_sa *sa = n->peers[0]->ike->all, *sb = n->peers[1]->ike->all;

	assert_int_equal(tpeer_count_sas(n->peers[0], NULL), 1);
	assert_int_equal(tpeer_count_sas(n->peers[1], NULL), 1);
	assert_string_equal(sa_state_name(sa->state), "ESTABLISHED");
	assert_string_equal(sa_state_name(sb->state), "ESTABLISHED");
	assert_int_equal(sa->spi_i, sb->spi_i);
	assert_int_equal(sa->spi_r, sb->spi_r);
	assert_int_equal(tpeer_count_children(n->peers[0]), children);
	assert_int_equal(tpeer_count_children(n->peers[1]), children);
	for (struct child_sa *c = sa->children; c; c = c->next) {
		struct child_sa *o = child_find_in(sb, c->spi_out);
		uint64_t ai, ao, bi, bo;

		assert_non_null(o);
		assert_int_equal(o->spi_out, c->spi_in);
		assert_int_equal(dp_record_key_fp(n->peers[0]->dp, c->id, &ai, &ao), 0);
		assert_int_equal(dp_record_key_fp(n->peers[1]->dp, o->id, &bi, &bo), 0);
		assert_int_equal(ai, bo);
		assert_int_equal(ao, bi);
	}
}

/*
 * Two devices with one identity (c.example, from .2 and .3) and another
 * identity (d.example, .4) connect to a gateway: what the second device
 * does to the first depends on `unique`; the other identity is untouched.
 */
static void uniqueness_policies(void **state)
{
	static const struct {
		const char *unique;
		int second_rc_ok;	/* the second device gets up */
		int gw_sas;		/* established at the gateway at the end */
	} cases[] = {
		{ "no", 1, 2 },		/* INITIAL_CONTACT: replaced quietly */
		{ "replace", 1, 2 },
		{ "never", 1, 3 },
		{ "keep", 0, 2 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct tnet *n = tnet_new();
		char buf[4096], extra[64];
		struct tconf g = { .me = "10.0.0.1", .my_id = "gw.example",
				   .lts = "10.1.0.0/16", .conn_extra = extra };
		const char *ips[3] = { "10.0.0.2", "10.0.0.3", "10.0.0.4" };
		const char *ids[3] = { "c.example", "c.example", "d.example" };
		struct tpeer *gw, *c[3];
		int rc;

		snprintf(extra, sizeof(extra), "  unique = %s\n", cases[k].unique);
		gw = tpeer_new(n, "gw", "10.0.0.1", tconf(buf, sizeof(buf), &g),
			       NULL, NULL, NULL, NULL);
		for (int i = 0; i < 3; i++) {
			struct tconf t = { .me = ips[i], .other = "10.0.0.1",
					   .my_id = ids[i], .other_id = "gw.example",
					   .rts = "10.1.0.0/16" };

			c[i] = tpeer_new(n, ids[i], ips[i], tconf(buf, sizeof(buf), &t),
					 NULL, NULL, NULL, NULL);
		}
		assert_int_equal(tpeer_up(c[2], "peer"), 0);
		assert_int_equal(tpeer_up(c[0], "peer"), 0);
		rc = tpeer_up(c[1], "peer");
		if (cases[k].second_rc_ok)
			assert_int_equal(rc, 0);
		else
			assert_int_not_equal(rc, 0);
		tnet_flush(n);
		assert_int_equal(tpeer_count_sas(gw, "ESTABLISHED"), cases[k].gw_sas);
		assert_int_equal(tpeer_count_sas(c[2], "ESTABLISHED"), 1);
		/* The gateway keeps the newest of c.example unless keep/never. */
		for (struct ike_sa *sa = gw->ike->all; sa; sa = sa->next)
			if (sa->state == IKE_SA_ESTABLISHED &&
			    strcmp(cases[k].unique, "never") != 0 &&
			    sa->peer_id.len == 9 && memcmp(sa->peer_id.data, "c.example", 9) == 0)
				assert_int_equal(sa->remote.ip[3],
						 strcmp(cases[k].unique, "keep") ? 3 : 2);
		tnet_free(n);
	}
}

static void child_rekey_by_either_side(void **state)
{
	(void)state;
	for (int side = 0; side < 2; side++) {
		/* Only `side` rekeys (after 1h); the other would at 3h. */
		const char *fast = "    rekey_time = 1h\n    rand_time = 0\n";
		const char *slow = "    rekey_time = 3h\n    rand_time = 0\n";
		struct tnet *n = pair(NULL, side ? slow : fast, NULL, side ? fast : slow);
		uint32_t old_in;

		assert_int_equal(tpeer_up(n->peers[0], "peer"), 0);
		consistent(n, 1);
		old_in = n->peers[0]->ike->all->children->spi_in;
		tnet_advance(n, 3600 * SEC + 10 * SEC);
		consistent(n, 1);
		assert_int_not_equal(n->peers[0]->ike->all->children->spi_in, old_in);
		assert_int_equal(dp_record_installs(n->peers[0]->dp), 2);
		assert_int_equal(dp_record_removes(n->peers[0]->dp), 1);
		/* No session ended. */
		assert_int_equal(tpeer_count_events(n->peers[0], false), 0);
		assert_int_equal(tpeer_count_events(n->peers[1], false), 0);
		tnet_free(n);
	}
}

static void ike_rekey_by_either_side(void **state)
{
	(void)state;
	for (int side = 0; side < 2; side++) {
		const char *fast = "  rekey_time = 2h\n  rand_time = 0\n";
		const char *slow = "  rekey_time = 6h\n  rand_time = 0\n";
		const char *child = "    rekey_time = 10h\n";
		struct tnet *n = pair(side ? slow : fast, child, side ? fast : slow, child);
		uint64_t spi_i, child_a;

		assert_int_equal(tpeer_up(n->peers[0], "peer"), 0);
		spi_i = n->peers[0]->ike->all->spi_i;
		child_a = n->peers[0]->ike->all->children->id;
		tnet_advance(n, 2 * 3600 * SEC + 10 * SEC);
		consistent(n, 1);
		assert_int_not_equal(n->peers[0]->ike->all->spi_i, spi_i);
		/* The Child SA moved, it was not recreated. */
		assert_int_equal(n->peers[0]->ike->all->children->id, child_a);
		assert_int_equal(dp_record_installs(n->peers[0]->dp), 1);
		/* The initiator of the rekey is the new SA's initiator. */
		assert_int_equal(n->peers[side]->ike->all->initiator, true);
		assert_int_equal(tpeer_count_events(n->peers[0], false), 0);
		assert_int_equal(tpeer_count_events(n->peers[1], false), 0);
		/* Still usable: the Child SA rekeys over the new IKE SA. */
		tnet_advance(n, 8 * 3600 * SEC);
		consistent(n, 1);
		assert_int_not_equal(n->peers[0]->ike->all->children->id, child_a);
		tnet_free(n);
	}
}

static void simultaneous_child_rekey(void **state)
{
	const char *same = "    rekey_time = 1h\n    rand_time = 0\n";
	struct tnet *n = pair(NULL, same, NULL, same);

	(void)state;
	assert_int_equal(tpeer_up(n->peers[0], "peer"), 0);
	tnet_advance(n, 3600 * SEC + 30 * SEC);
	/* One Child SA survives on each side, and they match. */
	consistent(n, 1);
	assert_int_equal(n->peers[0]->ike->all->children->state, CHILD_INSTALLED);
	tnet_free(n);
}

static void simultaneous_ike_rekey(void **state)
{
	const char *same = "  rekey_time = 2h\n  rand_time = 0\n";
	struct tnet *n = pair(same, NULL, same, NULL);
	uint64_t spi_i;

	(void)state;
	assert_int_equal(tpeer_up(n->peers[0], "peer"), 0);
	spi_i = n->peers[0]->ike->all->spi_i;
	tnet_advance(n, 2 * 3600 * SEC + 120 * SEC);
	consistent(n, 1);
	assert_int_not_equal(n->peers[0]->ike->all->spi_i, spi_i);
	assert_int_equal(tpeer_count_events(n->peers[0], false), 0);
	tnet_free(n);
}

static void delete_from_either_side(void **state)
{
	(void)state;
	for (int side = 0; side < 2; side++) {
		struct tnet *n = pair(NULL, NULL, NULL, NULL);
		struct tpeer *me = n->peers[side], *them = n->peers[!side];

		assert_int_equal(tpeer_up(n->peers[0], "peer"), 0);
		assert_int_equal(dp_record_add_traffic(me->dp, me->ike->all->children->id,
						       1000, 2000, 0), 0);
		assert_int_equal(tpeer_down(me, "peer"), 0);
		assert_int_equal(tpeer_count_sas(me, NULL), 0);
		assert_int_equal(tpeer_count_sas(them, NULL), 0);
		assert_int_equal(tpeer_count_children(me), 0);
		assert_int_equal(tpeer_count_children(them), 0);
		assert_int_equal(tpeer_count_events(me, false), 1);
		assert_int_equal(tpeer_count_events(them, false), 1);
		assert_int_equal(me->events[me->nevents - 1].reason, IKE_DOWN_DELETED_LOCAL);
		assert_int_equal(them->events[them->nevents - 1].reason, IKE_DOWN_DELETED_PEER);
		/* The session's bytes are in its end event. */
		assert_int_equal(me->events[me->nevents - 1].bytes_in, 1000);
		assert_int_equal(me->events[me->nevents - 1].bytes_out, 2000);
		tnet_free(n);
	}
}

static bool drop_all(struct tnet *n, struct tpkt *p, void *ctx)
{
	(void)n;
	(void)p;
	(void)ctx;
	return false;
}

static void dpd_detects_dead_peer(void **state)
{
	struct tnet *n = pair("  dpd_delay = 30s\n", NULL, NULL, NULL);
	struct tpeer *a = n->peers[0];

	(void)state;
	assert_int_equal(tpeer_up(a, "peer"), 0);
	/* Traffic keeps the liveness check quiet. */
	for (int i = 0; i < 4; i++) {
		tnet_advance(n, 20 * SEC);
		dp_record_add_traffic(a->dp, a->ike->all->children->id, 100, 0,
				      clock_mono(&n->clock.clock));
	}
	assert_int_equal(a->ike->stats.tx_messages, 2);
	/* The peer vanishes. */
	n->filter = drop_all;
	tnet_advance(n, 120 * SEC);
	assert_int_equal(tpeer_count_sas(a, NULL), 0);
	assert_int_equal(tpeer_count_children(a), 0);
	assert_int_equal(a->events[a->nevents - 1].reason, IKE_DOWN_DEAD_PEER);
	tnet_free(n);
}

/* Drop the first n packets matching from-index. */
struct dropper {
	int from;
	int left;
};

static bool drop_some(struct tnet *n, struct tpkt *p, void *ctx)
{
	struct dropper *d = ctx;

	(void)n;
	if (p->from == d->from && d->left > 0) {
		d->left--;
		return false;
	}
	return true;
}

static void lost_responses_are_retransmitted(void **state)
{
	struct tnet *n = pair(NULL, NULL, NULL, NULL);
	struct dropper d = { .from = 1, .left = 2 };	/* b's first two answers */

	(void)state;
	n->filter = drop_some;
	n->filter_ctx = &d;
	assert_int_equal(tpeer_up(n->peers[0], "peer"), 1);	/* not done yet */
	tnet_advance(n, 10 * SEC);
	assert_int_equal(n->peers[0]->done_rc, 0);
	consistent(n, 1);
	/* b answered the repeated request from its cache. */
	assert_true(n->peers[1]->ike->stats.rx_retransmits >= 1);
	assert_true(n->peers[0]->ike->stats.tx_retransmits >= 2);
	tnet_free(n);
}

static void unanswered_initiator_gives_up(void **state)
{
	struct tnet *n = pair(NULL, NULL, NULL, NULL);

	(void)state;
	n->filter = drop_all;
	assert_int_equal(tpeer_up(n->peers[0], "peer"), 1);
	/* 1 + 2 + 4 + 8 s of back-off with 3 retransmits. */
	tnet_advance(n, 20 * SEC);
	assert_int_equal(n->peers[0]->done_calls, 1);
	assert_int_equal(n->peers[0]->done_rc, ERR_TIMEOUT);
	assert_int_equal(tpeer_count_sas(n->peers[0], NULL), 0);
	assert_int_equal(n->peers[0]->ike->stats.tx_retransmits, 3);
	tnet_free(n);
}

static bool drop_auth(struct tnet *n, struct tpkt *p, void *ctx)
{
	(void)n;
	(void)ctx;
	/* IKE_AUTH travels on 4500: drop it, keep IKE_SA_INIT. */
	return p->dst.port != IKEV2_NATT_PORT;
}

static void half_open_times_out(void **state)
{
	struct tnet *n = pair(NULL, NULL, NULL, NULL);
	struct tpeer *b = n->peers[1];

	(void)state;
	n->filter = drop_auth;
	tpeer_up(n->peers[0], "peer");
	assert_int_equal(b->ike->stats.half_open, 1);
	tnet_advance(n, 31 * SEC);
	assert_int_equal(b->ike->stats.half_open, 0);
	assert_int_equal(tpeer_count_sas(b, NULL), 0);
	tnet_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(child_rekey_by_either_side),
		cmocka_unit_test(ike_rekey_by_either_side),
		cmocka_unit_test(simultaneous_child_rekey),
		cmocka_unit_test(simultaneous_ike_rekey),
		cmocka_unit_test(delete_from_either_side),
		cmocka_unit_test(dpd_detects_dead_peer),
		cmocka_unit_test(lost_responses_are_retransmitted),
		cmocka_unit_test(unanswered_initiator_gives_up),
		cmocka_unit_test(half_open_times_out),
		cmocka_unit_test(uniqueness_policies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
