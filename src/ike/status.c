/*
 * status.c - `reswan status`: every IKE SA and its Child SAs, as JSON
 * (key names and algorithm names as strongSwan's vici "list-sas" uses
 * them, so tests and scripts can compare the two side by side) and as
 * text in the style of `swanctl --list-sas`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "crypto/ke.h"
#include "ike/internal.h"

struct name {
	uint16_t id;
	const char *name;
};

static const struct name encr_names[] = {
	{ IKEV2_ENCR_AES_CBC, "AES_CBC" },
	{ IKEV2_ENCR_AES_GCM_16, "AES_GCM_16" },
	{ IKEV2_ENCR_CHACHA20_POLY1305, "CHACHA20_POLY1305" },
};
static const struct name integ_names[] = {
	{ IKEV2_INTEG_HMAC_SHA2_256_128, "HMAC_SHA2_256_128" },
	{ IKEV2_INTEG_HMAC_SHA2_384_192, "HMAC_SHA2_384_192" },
	{ IKEV2_INTEG_HMAC_SHA2_512_256, "HMAC_SHA2_512_256" },
};
static const struct name prf_names[] = {
	{ IKEV2_PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256" },
	{ IKEV2_PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384" },
	{ IKEV2_PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512" },
};
static const struct name dh_names[] = {
	{ IKEV2_DH_MODP_2048, "MODP_2048" },
	{ IKEV2_DH_MODP_3072, "MODP_3072" },
	{ IKEV2_DH_ECP_256, "ECP_256" },
	{ IKEV2_DH_ECP_384, "ECP_384" },
	{ IKEV2_DH_CURVE25519, "CURVE_25519" },
};

static const char *lookup(const struct name *t, size_t n, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return "UNKNOWN";
}

#define NAME(t, id) lookup(t, sizeof(t) / sizeof(t[0]), id)

static uint64_t secs_since(const struct ike *ike, uint64_t mono)
{
	uint64_t now = ike_now(ike);

	return mono && now > mono ? (now - mono) / CLOCK_US_PER_SEC : 0;
}

static uint64_t secs_until(const struct ike *ike, const struct timer *t)
{
	uint64_t now = ike_now(ike);

	if (!timer_armed(t) || t->deadline <= now)
		return 0;
	return (t->deadline - now) / CLOCK_US_PER_SEC;
}

static void json_algs(struct json *j, const struct ike_suite *s, bool ike)
{
	json_str(j, "encr-alg", NAME(encr_names, s->encr));
	if (s->encr_keylen)
		json_u64(j, "encr-keysize", s->encr_keylen);
	if (s->integ)
		json_str(j, "integ-alg", NAME(integ_names, s->integ));
	if (ike)
		json_str(j, "prf-alg", NAME(prf_names, s->prf));
	if (s->dh)
		json_str(j, "dh-group", NAME(dh_names, s->dh));
	if (!ike)
		json_str(j, "esn", s->esn == IKEV2_ESN_YES ? "1" : "0");
}

static void json_ts(struct json *j, const char *key, const struct dp_ts *ts,
		    uint8_t n)
{
	char buf[128];

	json_array_begin(j, key);
	for (uint8_t i = 0; i < n; i++)
		json_str(j, NULL, ts_fmt(&ts[i], buf, sizeof(buf)));
	json_array_end(j);
}

static void json_child(struct ike *ike, struct json *j, struct child_sa *c)
{
	const struct dataplane *dp = ike_sa_dp(c->ike);
	struct dp_counters cnt = { 0 };
	char buf[32];

	if (c->installed && dp->counters)
		dp->counters(dp->ctx, c->id, &cnt);
	json_object_begin(j, NULL);
	json_str(j, "name", c->cfg ? c->cfg->name : "?");
	json_u64(j, "uniqueid", c->uniqueid);
	json_str(j, "state", child_state_name(c->state));
	json_str(j, "mode", "TUNNEL");
	json_str(j, "protocol", "ESP");
	json_str(j, "encap", c->ike->natt ? "yes" : "no");
	snprintf(buf, sizeof(buf), "%08x", c->spi_in);
	json_str(j, "spi-in", buf);
	snprintf(buf, sizeof(buf), "%08x", c->spi_out);
	json_str(j, "spi-out", buf);
	json_algs(j, &c->suite, false);
	json_u64(j, "bytes-in", cnt.bytes_in);
	json_u64(j, "packets-in", cnt.packets_in);
	json_u64(j, "bytes-out", cnt.bytes_out);
	json_u64(j, "packets-out", cnt.packets_out);
	json_u64(j, "rekey-time", secs_until(ike, &c->t_rekey));
	json_u64(j, "life-time", secs_until(ike, &c->t_expire));
	json_u64(j, "install-time", secs_since(ike, c->installed_mono));
	json_ts(j, "local-ts", c->local_ts, c->n_local_ts);
	json_ts(j, "remote-ts", c->remote_ts, c->n_remote_ts);
	json_object_end(j);
}

void ike_status_json(struct ike *ike, struct json *j)
{
	char buf[IDENT_STRLEN];

	json_object_begin(j, NULL);
	json_array_begin(j, "ike-sas");
	for (struct ike_sa *sa = ike->all; sa; sa = sa->next) {
		json_object_begin(j, NULL);
		json_str(j, "name", sa_name(sa));
		json_u64(j, "uniqueid", sa->uniqueid);
		json_u64(j, "version", 2);
		json_str(j, "state", sa_state_name(sa->state));
		json_str(j, "local-host", addr_fmt(&sa->local, false, buf, sizeof(buf)));
		json_u64(j, "local-port", sa->local.port);
		json_str(j, "local-id", ident_fmt(&sa->local_id, buf, sizeof(buf)));
		json_str(j, "remote-host", addr_fmt(&sa->remote, false, buf, sizeof(buf)));
		json_u64(j, "remote-port", sa->remote.port);
		json_str(j, "remote-id", sa->peer_id_set ?
			 ident_fmt(&sa->peer_id, buf, sizeof(buf)) : "%any");
		json_str(j, "initiator", sa->initiator ? "yes" : "no");
		snprintf(buf, sizeof(buf), "%016" PRIx64, sa->spi_i);
		json_str(j, "initiator-spi", buf);
		snprintf(buf, sizeof(buf), "%016" PRIx64, sa->spi_r);
		json_str(j, "responder-spi", buf);
		json_str(j, "nat-remote", sa->nat_there ? "yes" : "no");
		json_str(j, "nat-fake", sa->natt ? "yes" : "no");
		if (sa->has_vip)
			json_str(j, sa->initiator ? "local-vips" : "remote-vips",
				 addr_fmt(&sa->vip, false, buf, sizeof(buf)));
		if (sa->suite.encr)
			json_algs(j, &sa->suite, true);
		json_str(j, "setup", sa->resumed ? "resume" : "full");
		json_u64(j, "established", secs_since(ike, sa->established_mono));
		json_u64(j, "rekey-time", secs_until(ike, &sa->t_rekey));
		json_array_begin(j, "child-sas");
		for (struct child_sa *c = sa->children; c; c = c->next)
			json_child(ike, j, c);
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_begin(j, "stats");
	json_u64(j, "ike-sas", ike->stats.ike_sas);
	json_u64(j, "half-open", ike->stats.half_open);
	json_u64(j, "child-sas", ike->stats.child_sas);
	json_u64(j, "established-total", ike->stats.established_total);
	json_u64(j, "resumed-total", ike->stats.resumed_total);
	json_u64(j, "rx-messages", ike->stats.rx_messages);
	json_u64(j, "rx-invalid", ike->stats.rx_invalid);
	json_u64(j, "rx-unauthenticated", ike->stats.rx_unauthenticated);
	json_u64(j, "rx-unknown-spi", ike->stats.rx_unknown_spi);
	json_u64(j, "rx-retransmits", ike->stats.rx_retransmits);
	json_u64(j, "tx-messages", ike->stats.tx_messages);
	json_u64(j, "tx-retransmits", ike->stats.tx_retransmits);
	json_u64(j, "dropped-half-open", ike->stats.dropped_half_open);
	json_u64(j, "dropped-sa-limit", ike->stats.dropped_sa_limit);
	json_u64(j, "cookies-sent", ike->stats.cookies_sent);
	json_u64(j, "cookies-rejected", ike->stats.cookies_rejected);
	json_object_end(j);
	json_object_end(j);
}

void ike_status_text(struct ike *ike, FILE *f)
{
	char a[IDENT_STRLEN], b[IDENT_STRLEN], la[ADDR_STRLEN], ra[ADDR_STRLEN];
	char sb[PROPOSAL_STRLEN];

	for (struct ike_sa *sa = ike->all; sa; sa = sa->next) {
		fprintf(f, "%s: #%llu, %s, IKEv2, %016" PRIx64 "_i%s %016" PRIx64 "_r%s\n",
			sa_name(sa), (unsigned long long)sa->uniqueid,
			sa_state_name(sa->state), sa->spi_i, sa->initiator ? "*" : "",
			sa->spi_r, sa->initiator ? "" : "*");
		fprintf(f, "  local  '%s' @ %s\n", ident_fmt(&sa->local_id, a, sizeof(a)),
			addr_fmt(&sa->local, true, la, sizeof(la)));
		fprintf(f, "  remote '%s' @ %s\n",
			sa->peer_id_set ? ident_fmt(&sa->peer_id, b, sizeof(b)) : "%any",
			addr_fmt(&sa->remote, true, ra, sizeof(ra)));
		if (sa->suite.encr)
			fprintf(f, "  %s\n", negotiate_suite_fmt(&sa->suite, true, sb, sizeof(sb)));
		if (sa->state == IKE_SA_ESTABLISHED)
			fprintf(f, "  established %llus ago%s, rekeying in %llus\n",
				(unsigned long long)secs_since(ike, sa->established_mono),
				sa->resumed ? " (resumed)" : "",
				(unsigned long long)secs_until(ike, &sa->t_rekey));
		for (struct child_sa *c = sa->children; c; c = c->next) {
			const struct dataplane *dp = ike_sa_dp(sa);
			struct dp_counters cnt = { 0 };

			if (c->installed && dp->counters)
				dp->counters(dp->ctx, c->id, &cnt);
			fprintf(f, "  %s: #%u, %s, TUNNEL%s, ESP:%s\n",
				c->cfg ? c->cfg->name : "?", c->uniqueid,
				child_state_name(c->state), sa->natt ? "-in-UDP" : "",
				negotiate_suite_fmt(&c->suite, false, sb, sizeof(sb)));
			fprintf(f, "    in  %08x, %llu bytes, %llu packets\n", c->spi_in,
				(unsigned long long)cnt.bytes_in,
				(unsigned long long)cnt.packets_in);
			fprintf(f, "    out %08x, %llu bytes, %llu packets\n", c->spi_out,
				(unsigned long long)cnt.bytes_out,
				(unsigned long long)cnt.packets_out);
			for (uint8_t i = 0; i < c->n_local_ts; i++)
				fprintf(f, "    local  %s\n", ts_fmt(&c->local_ts[i], a, sizeof(a)));
			for (uint8_t i = 0; i < c->n_remote_ts; i++)
				fprintf(f, "    remote %s\n", ts_fmt(&c->remote_ts[i], a, sizeof(a)));
		}
	}
}
