/*
 * bench_storm.c - `reswan bench storm`: the gateway dies with every client
 * connected, comes back, and every client reconnects at once.  How long
 * until all are back, and what it costs the gateway, with the persistent
 * credential cache (the clients resume) and with an in-memory one (lost
 * in the crash: every resumption is refused and falls back to a full
 * handshake).
 *
 * One round per cache kind:
 *  1. start reswand (resumption block with store = DIR, or in memory);
 *  2. connect every client (full handshakes; each keeps its ticket);
 *  3. wait for the daemon's periodic cache flush, then SIGKILL it;
 *  4. the clients drop their SAs without a word (what they do once they
 *     notice the gateway restarted) and keep their tickets;
 *  5. restart reswand (same configuration and store) and time it until it
 *     answers: that includes loading the cache;
 *  6. every client reconnects at once; time until the last one is back,
 *     and the responder's CPU time from restart to then.
 *
 * "At once" means every client is told to connect at the same moment; the
 * generator then sends as fast as its own core allows (a full handshake
 * costs a client a key exchange, a resumption a few MACs), and the
 * clients retransmit as real ones do, after --retransmit-timeout.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_args.h"
#include "bench/loadgen.h"
#include "bench/netns.h"
#include "bench/proc.h"
#include "bench/responder.h"
#include "bench/suite.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"

#define PHASE_LIMIT_US (600 * 1000000ULL)
#define FLUSH_WAIT_MS 500	/* > RESUMPTION_FLUSH_MS (100 ms) */

struct storm_opts {
	unsigned clients;
	const struct suite *suite;
	bool persistent, memory;
	bool json, keep;
	int gen_cpu, resp_cpu;
	const char *reswand;
	const char *log_level;
	uint64_t retransmit_us;
	uint64_t spread_us;		/* reconnections spread over this */
	unsigned capacity;		/* the cache's; 0: twice the clients */
};

struct storm_round {
	const char *cache;		/* "persistent" or "memory" */
	bool ok;
	char error[512];
	double connect_s;		/* step 2 */
	double restart_s;		/* step 5: spawn -> answering */
	double restart_cpu_us;		/* responder CPU until answering */
	double back_s;			/* step 6 */
	double back_cpu_us;		/* responder CPU over step 6 */
	double gen_cpu_us;		/* the generator's over step 6 */
	struct loadgen_stats st;	/* step 6 */
	double res_p50, res_p99, full_p50, full_p99;
	/* The responder's own counters over step 6 (it restarted at 5). */
	struct responder_counter rc[6];
};

static const struct responder_counter counters[6] = {
	{ "resumption", "resumed", 0, false }, { "resumption", "rejected", 0, false },
	{ "resumption", "races-lost", 0, false }, { "ike", "cookies-sent", 0, false },
	{ "ike", "dropped-half-open", 0, false }, { "ike", "rx-retransmits", 0, false },
};

static volatile sig_atomic_t *interrupted;

static uint64_t now_us(void)
{
	return bench_now_ns() / 1000;
}

static int round_run(const struct storm_opts *o, const char *tmp, const char *pki_gw,
		     const char *pki_client, bool persistent, struct storm_round *r)
{
	struct responder_opts ro;
	struct loadgen_opts lo;
	struct responder *resp = NULL;
	struct loadgen *lg = NULL;
	char dir[512], store[600], block[1024], body[2048];
	struct addr gw, gen;
	uint64_t t0, t1, c1, g0;
	int rc = ERR_IO;

	memset(r, 0, sizeof(*r));
	r->cache = persistent ? "persistent" : "memory";
	snprintf(dir, sizeof(dir), "%s/storm-%s", tmp, r->cache);
	snprintf(store, sizeof(store), "%s/cache", dir);
	snprintf(block, sizeof(block), "\t\tresumption {\n\t\t\tcapacity = %u\n%s%s%s\t\t}\n",
		 o->capacity, persistent ? "\t\t\tstore = " : "",
		 persistent ? store : "", persistent ? "\n" : "");
	memset(&ro, 0, sizeof(ro));
	ro.kind = RESPONDER_RESWAND;
	ro.suite = o->suite;
	ro.dir = dir;
	ro.pki_dir = pki_gw;
	netns_loopback_addrs(&gw, &gen);
	ro.addr = gw;
	ro.natt_port = NETNS_LOOPBACK_NATT_PORT;
	ro.resumption = block;
	ro.reswand = o->reswand;
	ro.log_level = o->log_level;
	ro.cpu = o->resp_cpu;
	if (!(resp = responder_start(&ro, r->error, sizeof(r->error))))
		goto out;
	if (!o->json)
		fprintf(stderr, "  %s cache: reswand pid %ld, log %s\n", r->cache,
			(long)responder_pid(resp), responder_log(resp));

	memset(&lo, 0, sizeof(lo));
	lo.clients = o->clients;
	lo.conn_body = suite_client_body(o->suite, body, sizeof(body));
	lo.top = suite_client_top(o->suite);
	lo.domain = SUITE_CLIENT_DOMAIN;
	lo.certs = o->suite->key_alg != NULL;
	lo.confdir = pki_client;
	lo.resume = true;
	lo.gateway = gw;
	lo.gateway.port = NETNS_LOOPBACK_NATT_PORT;	/* NAT-T from the start */
	lo.local_base = gen;
	lo.local_natt_port = NETNS_LOOPBACK_NATT_PORT;
	lo.retransmit_us = o->retransmit_us;
	lo.stop = interrupted;
	if (!(lg = loadgen_new(&lo, r->error, sizeof(r->error))))
		goto out;

	/* 2: everyone connects (full handshakes, tickets issued). */
	t0 = now_us();
	loadgen_start(lg, LOADGEN_HOLD);
	if (loadgen_run(lg, t0 + PHASE_LIMIT_US, false, true) != 0)
		goto out;
	r->connect_s = (double)(now_us() - t0) / 1e6;
	if (loadgen_up(lg) != o->clients) {
		snprintf(r->error, sizeof(r->error), "only %u of %u clients connected (see %s)",
			 loadgen_up(lg), o->clients, responder_log(resp));
		goto out;
	}
	/* 3: the tickets reach the store, then the gateway dies. */
	loadgen_stop(lg);
	(void)loadgen_run(lg, now_us() + (uint64_t)FLUSH_WAIT_MS * 1000, false, false);
	responder_kill(resp);
	/* 4: the clients forget their SAs, keep their tickets. */
	if (loadgen_forget(lg, r->error, sizeof(r->error)) != 0)
		goto out;
	/* 5: back up. */
	t0 = now_us();
	if (responder_restart(resp, r->error, sizeof(r->error)) != 0)
		goto out;
	r->restart_s = (double)(now_us() - t0) / 1e6;
	if (responder_cpu_us(resp, &c1) == 0)
		r->restart_cpu_us = (double)c1;
	/* 6: everyone at once. */
	loadgen_window_begin(lg);
	g0 = proc_self_cpu_us();
	t0 = now_us();
	loadgen_start_spread(lg, LOADGEN_HOLD, o->spread_us);
	if (loadgen_run(lg, t0 + PHASE_LIMIT_US, false, true) != 0)
		goto out;
	t1 = now_us();
	r->gen_cpu_us = (double)(proc_self_cpu_us() - g0);
	if (responder_cpu_us(resp, &c1) == 0)
		r->back_cpu_us = (double)c1 - r->restart_cpu_us;
	loadgen_window_end(lg);
	loadgen_get_stats(lg, &r->st);
	memcpy(r->rc, counters, sizeof(counters));
	(void)responder_counters(resp, r->rc, 6);
	r->back_s = (double)(t1 - t0) / 1e6;
	r->res_p50 = loadgen_latency_us(lg, true, 50);
	r->res_p99 = loadgen_latency_us(lg, true, 99);
	r->full_p50 = loadgen_latency_us(lg, false, 50);
	r->full_p99 = loadgen_latency_us(lg, false, 99);
	if (loadgen_up(lg) != o->clients) {
		snprintf(r->error, sizeof(r->error), "only %u of %u clients came back (see %s)",
			 loadgen_up(lg), o->clients, responder_log(resp));
		goto out;
	}
	rc = 0;
	r->ok = true;
out:
	loadgen_free(lg);
	/* Thousands of SAs: a SIGTERM would wait for DELETEs nobody answers. */
	if (resp)
		responder_kill(resp);
	responder_free(resp);
	return rc;
}

/* ---- output ---- */

static const char *fmt_s(double s, char *b, size_t n)
{
	snprintf(b, n, "%.2f s", s);
	return b;
}

static const char *fmt_us(double us, char *b, size_t n)
{
	return bench_fmt_ns(us * 1000, b, n);
}

/* "p50 / p99", or "-" without samples. */
static const char *fmt_pair(double p50, double p99, char *b, size_t n)
{
	char x[32], y[32];

	if (p50 <= 0 && p99 <= 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%s / %s", fmt_us(p50, x, sizeof(x)), fmt_us(p99, y, sizeof(y)));
	return b;
}

static void print_table(const struct storm_opts *o, const struct storm_round *r, size_t n)
{
	char a[64];

	printf("reswan bench storm  (%u clients, suite %s; generator on CPU %d, responder on CPU %d;\n"
	       "cache capacity %u; clients retransmit after %.1f s; reconnections %s%.1f s)\n\n",
	       o->clients, o->suite->name, o->gen_cpu, o->resp_cpu, o->capacity,
	       (double)o->retransmit_us / 1e6, o->spread_us ? "spread over " : "all at once: ",
	       (double)o->spread_us / 1e6);
	printf("%-36s", "");
	for (size_t i = 0; i < n; i++)
		printf(" %22s", r[i].cache);
	printf("\n");
#define ROW(label, ...)                                                   \
	do {                                                              \
		printf("%-36s", label);                                   \
		for (size_t i = 0; i < n; i++) {                          \
			if (!r[i].ok) {                                   \
				printf(" %22s", "failed");                \
				continue;                                 \
			}                                                 \
			__VA_ARGS__;                                      \
		}                                                         \
		printf("\n");                                             \
	} while (0)
	ROW("everyone connected (full)", printf(" %22s", fmt_s(r[i].connect_s, a, sizeof(a))));
	ROW("restart: answering after", printf(" %22s", fmt_s(r[i].restart_s, a, sizeof(a))));
	/* /proc counts in 10 ms ticks. */
	ROW("  responder CPU to get there",
	    printf(" %22s", r[i].restart_cpu_us > 0 ? fmt_us(r[i].restart_cpu_us, a, sizeof(a))
						  : "< 10 ms"));
	ROW("all back after", printf(" %22s", fmt_s(r[i].back_s, a, sizeof(a))));
	ROW("  responder CPU, restart -> all back",
	    printf(" %22s", fmt_us(r[i].back_cpu_us, a, sizeof(a))));
	ROW("  per client", printf(" %22s", fmt_us(r[i].back_cpu_us / o->clients, a, sizeof(a))));
	ROW("  generator CPU (all clients)", printf(" %22s", fmt_us(r[i].gen_cpu_us, a, sizeof(a))));
	ROW("  resumed / full",
	    snprintf(a, sizeof(a), "%llu / %llu", (unsigned long long)r[i].st.resumed,
		     (unsigned long long)r[i].st.full);
	    printf(" %22s", a));
	ROW("  resumptions that fell back to full",
	    printf(" %22llu", (unsigned long long)r[i].st.fallbacks));
	ROW("  retransmissions", printf(" %22llu", (unsigned long long)r[i].st.retransmits));
	for (size_t k = 1; k < 6; k++) {
		char label[64];

		snprintf(label, sizeof(label), "  responder: %s", counters[k].name);
		ROW(label, printf(" %22llu", (unsigned long long)r[i].rc[k].v));
	}
	ROW("  failed attempts (retried)", printf(" %22llu", (unsigned long long)r[i].st.failed));
	ROW("  latency resumed p50 / p99",
	    printf(" %22s", fmt_pair(r[i].res_p50, r[i].res_p99, a, sizeof(a))));
	ROW("  latency full p50 / p99",
	    printf(" %22s", fmt_pair(r[i].full_p50, r[i].full_p99, a, sizeof(a))));
#undef ROW
	for (size_t i = 0; i < n; i++)
		if (!r[i].ok)
			printf("\n%s: %s\n", r[i].cache, r[i].error);
	if (n == 2 && r[0].ok && r[1].ok && r[0].back_s > 0 && r[0].back_cpu_us > 0)
		printf("\nwith the persistent cache: everyone back %.1fx sooner, %.1fx less responder "
		       "CPU\n", r[1].back_s / r[0].back_s, r[1].back_cpu_us / r[0].back_cpu_us);
	printf("\nresponder CPU: user+system time of reswand (from /proc/PID/stat) between the\n"
	       "restart and the last client back; it includes everything the process did.\n"
	       "A resumption falls back to a full handshake when the gateway refuses it\n"
	       "(responder: rejected) or leaves message 1 and its two retransmissions\n"
	       "unanswered (3.5 s).\n");
}

static void print_json(const struct storm_opts *o, const struct storm_round *r, size_t n)
{
	struct json j;

	json_init(&j, stdout, true);
	json_object_begin(&j, NULL);
	json_str(&j, "bench", "storm");
	json_str(&j, "suite", o->suite->name);
	json_u64(&j, "clients", o->clients);
	json_double(&j, "retransmit_timeout_s", (double)o->retransmit_us / 1e6);
	json_double(&j, "spread_s", (double)o->spread_us / 1e6);
	json_u64(&j, "capacity", o->capacity);
	json_array_begin(&j, "rounds");
	for (size_t i = 0; i < n; i++) {
		json_object_begin(&j, NULL);
		json_str(&j, "cache", r[i].cache);
		json_bool(&j, "ok", r[i].ok);
		if (!r[i].ok)
			json_str(&j, "error", r[i].error);
		json_double(&j, "connect_s", r[i].connect_s);
		json_double(&j, "restart_s", r[i].restart_s);
		json_double(&j, "restart_cpu_us", r[i].restart_cpu_us);
		json_double(&j, "all_back_s", r[i].back_s);
		json_double(&j, "all_back_cpu_us", r[i].back_cpu_us);
		json_double(&j, "cpu_us_per_client", r[i].back_cpu_us / o->clients);
		json_double(&j, "generator_cpu_us", r[i].gen_cpu_us);
		json_u64(&j, "resumed", r[i].st.resumed);
		json_u64(&j, "full", r[i].st.full);
		json_u64(&j, "fallbacks", r[i].st.fallbacks);
		json_u64(&j, "retransmits", r[i].st.retransmits);
		json_u64(&j, "failed", r[i].st.failed);
		json_double(&j, "latency_resumed_p50_us", r[i].res_p50);
		json_double(&j, "latency_resumed_p99_us", r[i].res_p99);
		json_double(&j, "latency_full_p50_us", r[i].full_p50);
		json_double(&j, "latency_full_p99_us", r[i].full_p99);
		json_object_begin(&j, "responder_counters");
		for (size_t k = 0; k < 6; k++)
			if (r[i].rc[k].found)
				json_u64(&j, r[i].rc[k].name, r[i].rc[k].v);
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: reswan bench storm [--clients N] [--cache persistent|memory|both]\n"
		"         [--suite %s] [--cpus G,R]\n"
		"         [--retransmit-timeout S] [--spread S] [--capacity N]\n"
		"         [--reswand PATH] [--log-level LEVEL]\n"
		"         [--keep] [--json]\n"
		"  --clients    clients connected when the gateway dies (default 10000)\n"
		"  --cache      the gateway's credential cache: an LMDB store that survives the\n"
		"               crash, in memory (lost), or both one after the other (default)\n"
		"  --suite      algorithms and authentication (default psk-x25519)\n"
		"  --cpus       generator and responder cores (default 0,1 with 2+ CPUs)\n"
		"  --retransmit-timeout  the clients' first retransmission (default 2 s)\n"
		"  --spread     reconnect over S seconds instead of all at once (default 0)\n"
		"  --capacity   the cache's capacity (default twice the clients, a margin)\n"
		"  --reswand    the daemon to start (default: next to this reswan)\n"
		"  --log-level  reswand's log level (default warn: 10,000 clients log a lot)\n"
		"  --keep       keep the temporary directory (configurations, logs, store)\n",
		suite_names());
}

static int parse(int argc, char **argv, struct storm_opts *o)
{
	static char reswand[4096];
	char dir[4096];
	const struct bench_args args = {
		.cmd = "reswan bench storm", .usage = usage, .json = &o->json, .keep = &o->keep,
		.clients = &o->clients, .suite = &o->suite, .gen_cpu = &o->gen_cpu,
		.resp_cpu = &o->resp_cpu, .reswand = &o->reswand, .log_level = &o->log_level,
		.retransmit_us = &o->retransmit_us,
	};

	memset(o, 0, sizeof(*o));
	bench_args_defaults(&args, 10000, "warn");
	o->persistent = o->memory = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		char *end;
		int rc = bench_args_next(&args, argc, argv, &i, &v);

		if (rc != BENCH_ARG_OTHER) {
			if (rc)
				return rc;
			continue;
		}
		if (!strcmp(a, "--cache")) {
			o->persistent = !strcmp(v, "persistent") || !strcmp(v, "both");
			o->memory = !strcmp(v, "memory") || !strcmp(v, "both");
			if (!o->persistent && !o->memory)
				return bench_args_bad(&args, a, v, "persistent, memory or both");
		} else if (!strcmp(a, "--spread")) {
			double sp = strtod(v, &end);

			if (*end || !(sp >= 0 && sp <= 600))
				return bench_args_bad(&args, a, v, "seconds (0-600)");
			o->spread_us = (uint64_t)(sp * 1e6);
		} else if (!strcmp(a, "--capacity")) {
			unsigned long c = strtoul(v, &end, 10);

			if (*end || c == 0 || c > 10000000)
				return bench_args_bad(&args, a, v, "a number of records (1-10000000)");
			o->capacity = (unsigned)c;
		} else {
			return bench_args_unexpected(&args, a);
		}
	}
	if (!o->capacity)
		o->capacity = 2 * o->clients;
	if (o->suite->key_alg && o->clients > SUITE_MAX_CERT_CLIENTS) {
		fprintf(stderr, "reswan bench storm: at most %u clients with certificates\n",
			SUITE_MAX_CERT_CLIENTS);
		return 2;
	}
	if (!o->reswand) {
		if (!proc_self_dir(dir, sizeof(dir)) ||
		    proc_path(reswand, sizeof(reswand), dir, "reswand") != 0) {
			fprintf(stderr, "reswan bench storm: cannot find reswand; give --reswand\n");
			return 2;
		}
		o->reswand = reswand;
	}
	if (access(o->reswand, X_OK) != 0) {
		fprintf(stderr, "reswan bench storm: %s: %s (give --reswand PATH)\n", o->reswand,
			strerror(errno));
		return 2;
	}
	return 0;
}

int bench_storm_main(int argc, char **argv)
{
	struct storm_opts o;
	struct storm_round r[2];
	char tmp[256], pki_gw[300], pki_client[300], err[512];
	size_t n = 0;
	int rc = parse(argc, argv, &o), worst = 0;

	if (rc)
		return rc < 0 ? 0 : rc;
	interrupted = proc_catch_signals();
	snprintf(tmp, sizeof(tmp), "%s/reswan-storm-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "reswan bench storm: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	log_set_level(LOG_LVL_ERROR);	/* the clients' engines: retransmissions are expected */
	snprintf(pki_gw, sizeof(pki_gw), "%s/pki-gw", tmp);
	snprintf(pki_client, sizeof(pki_client), "%s/pki-client", tmp);
	if (suite_make_pki(o.suite, tmp, pki_gw, pki_client, o.clients, err, sizeof(err)) != 0) {
		fprintf(stderr, "reswan bench storm: certificates: %s\n", err);
		worst = 1;
		goto out;
	}
	if (!o.suite->key_alg)
		snprintf(pki_client, sizeof(pki_client), "%s", tmp);
	if (o.gen_cpu >= 0 && proc_pin_self(o.gen_cpu) != 0) {
		fprintf(stderr, "reswan bench storm: cannot pin to CPU %d\n", o.gen_cpu);
		worst = 1;
		goto out;
	}
	for (int p = 1; p >= 0 && !*interrupted; p--) {
		if ((p && !o.persistent) || (!p && !o.memory))
			continue;
		if (!o.json)
			fprintf(stderr, "storm with the %s cache, %u clients ...\n",
				p ? "persistent" : "memory", o.clients);
		if (round_run(&o, tmp, pki_gw, pki_client, p, &r[n]) != 0)
			worst = 1;
		n++;
	}
	if (*interrupted) {
		fprintf(stderr, "reswan bench storm: interrupted\n");
		worst = 1;
	}
	if (o.json)
		print_json(&o, r, n);
	else
		print_table(&o, r, n);
out:
	if (o.keep)
		fprintf(stderr, "reswan bench storm: kept %s\n", tmp);
	else
		proc_rmtree(tmp);
	return worst;
}
