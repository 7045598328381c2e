/*
 * bench_handshake.c - `reswan bench handshake`: how many IKE handshakes a
 * responder completes per second, how long each takes, and what each
 * costs the responder in CPU, full and resumed.
 *
 * A run starts its own responder (reswand on loopback, or strongSwan's
 * charon in a network namespace), pins it and the load generator to
 * different cores, and lets N clients (loadgen.h) loop for the duration:
 * connect, disconnect with a DELETE, connect again.  Before the timed
 * window every client completes one cycle untimed: that warms both sides
 * up and, in resume mode, is the full handshake that earns the client its
 * first ticket.  In the window each handshake's latency (initiate -> IKE
 * SA and first Child SA up) is recorded, and the responder's user+system
 * CPU time is read from /proc/PID/stat at both ends of the window and
 * divided by the handshakes completed in it.  That CPU time is all the
 * process did, DELETEs and logging included; the output says so.
 *
 * The clients do the same public-key and Diffie-Hellman work as the
 * responder, so on a two-core machine the generator's core can be the
 * bottleneck of the rate: the output shows how busy each side was, and the
 * responder's capacity (1 / CPU per handshake) next to the rate measured.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
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

#define MAX_RUNS 4
#define WARMUP_LIMIT_US (120 * 1000000ULL)	/* untimed first cycle */
#define DRAIN_LIMIT_US (30 * 1000000ULL)

enum peer { PEER_RESWAND = 1, PEER_CHARON = 2, PEER_BOTH = 3 };

struct hs_opts {
	bool full, resume;
	unsigned clients;
	double duration;
	const struct suite *suite;
	int peers;
	bool json, keep;
	bool have_target;
	struct addr target;
	long responder_pid;		/* with --target: whose CPU to read */
	struct addr local;		/* with --target: first client address */
	int gen_cpu, resp_cpu;
	const char *reswand;
	const char *log_level;
	uint64_t retransmit_us;
	bool modp_short;		/* --modp-exponent short */
};

struct hs_run {
	const char *peer, *mode;
	bool resumed;			/* the kind this run measures */
	bool ok;
	double window_s;
	struct loadgen_stats st;
	uint64_t handshakes;		/* of the measured kind */
	double p50_us, p99_us;
	bool have_cpu;
	double resp_cpu_us;		/* over the window */
	double gen_cpu_us;
	char error[512];
};

/* ---- the run ---- */

static uint64_t now_us(void)
{
	return bench_now_ns() / 1000;
}

static volatile sig_atomic_t *interrupted;

static int measure(const struct hs_opts *o, struct loadgen *lg, struct responder *resp,
		   long resp_pid, struct hs_run *run)
{
	uint64_t c0 = 0, c1 = 0, g0, g1, t0, t1;
	bool cpu = false;

	/* Untimed first cycle of every client; each must succeed. */
	loadgen_window_begin(lg);
	loadgen_start(lg, LOADGEN_ONCE);
	if (loadgen_run(lg, now_us() + WARMUP_LIMIT_US, true, false) != 0)
		return ERR_IO;
	loadgen_window_end(lg);
	loadgen_get_stats(lg, &run->st);
	if (loadgen_busy(lg) || run->st.full + run->st.resumed < o->clients) {
		snprintf(run->error, sizeof(run->error),
			 "warm-up: %llu of %u clients connected, %llu failed, %u still busy "
			 "(see %s)", (unsigned long long)(run->st.full + run->st.resumed),
			 o->clients, (unsigned long long)run->st.failed, loadgen_busy(lg),
			 resp ? responder_log(resp) : "the target");
		return ERR_IO;
	}
	loadgen_window_begin(lg);
	if (resp)
		cpu = responder_cpu_us(resp, &c0) == 0;
	else if (resp_pid > 0)
		cpu = proc_cpu_us((pid_t)resp_pid, &c0) == 0;
	g0 = proc_self_cpu_us();
	t0 = now_us();
	loadgen_start(lg, LOADGEN_LOOP);
	if (loadgen_run(lg, t0 + (uint64_t)(o->duration * 1e6), false, false) != 0)
		return ERR_IO;
	t1 = now_us();
	if (cpu)
		cpu = (resp ? responder_cpu_us(resp, &c1)
			    : proc_cpu_us((pid_t)resp_pid, &c1)) == 0;
	g1 = proc_self_cpu_us();
	loadgen_window_end(lg);
	loadgen_stop(lg);
	(void)loadgen_run(lg, now_us() + DRAIN_LIMIT_US, true, false);

	loadgen_get_stats(lg, &run->st);
	run->window_s = (double)(t1 - t0) / 1e6;
	run->handshakes = run->resumed ? run->st.resumed : run->st.full;
	run->p50_us = loadgen_latency_us(lg, run->resumed, 50);
	run->p99_us = loadgen_latency_us(lg, run->resumed, 99);
	run->have_cpu = cpu;
	run->resp_cpu_us = cpu ? (double)(c1 - c0) : 0;
	run->gen_cpu_us = (double)(g1 - g0);
	if (resp && !responder_alive(resp)) {
		snprintf(run->error, sizeof(run->error), "%s died during the run (see %s)",
			 responder_name(resp), responder_log(resp));
		return ERR_IO;
	}
	return 0;
}

struct env {
	char tmp[256];
	char pki_gw[300], pki_client[300];
	struct netns_pair ns;
	bool in_ns;
	struct addr gw;			/* responder address, IKE port */
	uint16_t gw_natt;		/* its NAT-T port */
	uint16_t remote_port;		/* the clients' remote_port */
	struct addr gen;		/* first client address, IKE port */
	uint16_t gen_natt;		/* the clients' NAT-T port */
};

static int one_run(const struct hs_opts *o, struct env *env, enum peer peer, bool resume,
		   struct hs_run *run)
{
	struct responder_opts ro;
	struct loadgen_opts lo;
	struct responder *resp = NULL;
	struct loadgen *lg = NULL;
	char dir[512], body[2048], resumption[256];
	int rc = ERR_IO;

	memset(run, 0, sizeof(*run));
	run->peer = peer == PEER_CHARON ? "charon" : o->have_target ? "target" : "reswand";
	run->mode = resume ? "resume" : "full";
	run->resumed = resume;
	if (!o->have_target) {
		memset(&ro, 0, sizeof(ro));
		ro.kind = peer == PEER_CHARON ? RESPONDER_CHARON : RESPONDER_RESWAND;
		ro.suite = o->suite;
		snprintf(dir, sizeof(dir), "%s/%s-%s", env->tmp, run->peer, run->mode);
		ro.dir = dir;
		ro.pki_dir = env->pki_gw;
		ro.addr = env->gw;
		ro.natt_port = env->gw_natt;
		snprintf(resumption, sizeof(resumption),
			 "\t\tresumption {\n\t\t\tcapacity = %u\n\t\t}\n",
			 o->clients > 10000 ? o->clients : 10000);
		ro.resumption = resume ? resumption : NULL;
		ro.reswand = o->reswand;
		ro.log_level = o->log_level;
		ro.modp_short_exponent = o->modp_short;
		ro.cpu = o->resp_cpu;
		ro.netns = env->in_ns ? env->ns.resp_path : NULL;
		if (!(resp = responder_start(&ro, run->error, sizeof(run->error))))
			goto out;
		if (!o->json)
			fprintf(stderr, "  %s pid %ld, log %s\n", responder_name(resp),
				(long)responder_pid(resp), responder_log(resp));
	}
	memset(&lo, 0, sizeof(lo));
	lo.clients = o->clients;
	lo.modp_short_exponent = o->modp_short;
	lo.conn_body = suite_client_body(o->suite, body, sizeof(body));
	lo.top = suite_client_top(o->suite);
	lo.domain = SUITE_CLIENT_DOMAIN;
	lo.certs = o->suite->key_alg != NULL;
	lo.confdir = env->pki_client;
	lo.resume = resume;
	lo.gateway = env->gw;
	lo.gateway.port = env->remote_port;
	lo.local_base = env->gen;
	lo.local_natt_port = env->gen_natt;
	lo.retransmit_us = o->retransmit_us;
	lo.stop = interrupted;
	if (!(lg = loadgen_new(&lo, run->error, sizeof(run->error))))
		goto out;
	rc = measure(o, lg, resp, o->responder_pid, run);
	run->ok = rc == 0;
out:
	loadgen_free(lg);
	responder_free(resp);
	return rc;
}

/* ---- output ---- */

static double per_hs(const struct hs_run *r)
{
	return r->handshakes ? r->resp_cpu_us / (double)r->handshakes : 0;
}

static double rate(const struct hs_run *r)
{
	return r->window_s > 0 ? (double)r->handshakes / r->window_s : 0;
}

static const char *fmt_us(double us, char *b, size_t n)
{
	return bench_fmt_ns(us * 1000, b, n);
}

static const struct hs_run *find(const struct hs_run *runs, size_t n, const char *peer,
				 const char *mode)
{
	for (size_t i = 0; i < n; i++)
		if (runs[i].ok && !strcmp(runs[i].peer, peer) && !strcmp(runs[i].mode, mode) &&
		    runs[i].handshakes)
			return &runs[i];
	return NULL;
}

static void print_table(const struct hs_opts *o, const struct hs_run *runs, size_t n)
{
	char a[32], b[32], c[32], cap[32], busy[16], gbusy[16];
	const struct hs_run *rf = find(runs, n, "reswand", "full");
	const struct hs_run *rr = find(runs, n, "reswand", "resume");
	const struct hs_run *cf = find(runs, n, "charon", "full");

	printf("reswan bench handshake  (suite %s, %u clients, %.1f s per run", o->suite->name,
	       o->clients, o->duration);
	if (o->gen_cpu >= 0)
		printf("; generator on CPU %d, responder on CPU %d", o->gen_cpu, o->resp_cpu);
	if (!o->modp_short)
		printf("; full-length MODP exponents");
	printf(")\n\n");
	printf("%-16s %10s %9s %10s %10s %12s %10s %9s %8s %9s %6s\n", "run", "handshakes",
	       "per s", "p50", "p99", "resp CPU/hs", "capacity/s", "resp busy", "gen busy",
	       "fallbacks", "failed");
	for (size_t i = 0; i < n; i++) {
		const struct hs_run *r = &runs[i];
		char name[32];

		snprintf(name, sizeof(name), "%s %s", r->peer, r->mode);
		if (!r->ok) {
			printf("%-16s failed: %s\n", name, r->error);
			continue;
		}
		snprintf(busy, sizeof(busy), "%.0f%%", r->have_cpu ? 100 * r->resp_cpu_us /
			 (r->window_s * 1e6) : 0);
		snprintf(gbusy, sizeof(gbusy), "%.0f%%", 100 * r->gen_cpu_us / (r->window_s * 1e6));
		if (r->have_cpu && per_hs(r) > 0)
			snprintf(cap, sizeof(cap), "%.0f", 1e6 / per_hs(r));
		else
			snprintf(cap, sizeof(cap), "-");
		printf("%-16s %10llu %9.1f %10s %10s %12s %10s %9s %8s %9llu %6llu\n", name,
		       (unsigned long long)r->handshakes, rate(r), fmt_us(r->p50_us, a, sizeof(a)),
		       fmt_us(r->p99_us, b, sizeof(b)),
		       r->have_cpu ? fmt_us(per_hs(r), c, sizeof(c)) : "-", cap,
		       r->have_cpu ? busy : "-", gbusy,
		       (unsigned long long)(r->resumed ? r->st.fallbacks : 0),
		       (unsigned long long)r->st.failed);
	}
	printf("\n");
	if (rf && rr) {
		printf("resumed vs full (reswand): %.2fx the handshakes per second", rate(rr) / rate(rf));
		if (rf->have_cpu && rr->have_cpu && per_hs(rr) > 0)
			printf(", %.2fx less responder CPU per handshake", per_hs(rf) / per_hs(rr));
		printf("\n");
	}
	if (rf && cf) {
		printf("reswand vs charon (full, %s): %.2fx the handshakes per second",
		       o->suite->name, rate(rf) / rate(cf));
		if (rf->have_cpu && cf->have_cpu && per_hs(rf) > 0)
			printf(", %.2fx less responder CPU per handshake (capacity %.2fx)",
			       per_hs(cf) / per_hs(rf), per_hs(cf) / per_hs(rf));
		printf("\n");
	}
	printf("\nresp CPU/hs: the responder's user+system CPU time over the window divided by the\n"
	       "handshakes completed in it; it includes the DELETE ending each session and\n"
	       "everything else the process did (timers, logging).  capacity/s = 1 / resp CPU/hs:\n"
	       "what one responder core could sustain.  busy = CPU time / wall time; a generator\n"
	       "near 100%% means the clients, not the responder, limited the rate.  Latency is\n"
	       "initiate -> IKE SA and first Child SA up, as a client sees it.\n");
}

static void json_run(struct json *j, const struct hs_run *r)
{
	json_object_begin(j, NULL);
	json_str(j, "peer", r->peer);
	json_str(j, "mode", r->mode);
	json_bool(j, "ok", r->ok);
	if (!r->ok) {
		json_str(j, "error", r->error);
		json_object_end(j);
		return;
	}
	json_double(j, "window_s", r->window_s);
	json_u64(j, "handshakes", r->handshakes);
	json_u64(j, "full", r->st.full);
	json_u64(j, "resumed", r->st.resumed);
	json_u64(j, "fallbacks", r->st.fallbacks);
	json_u64(j, "resume_attempts", r->st.resume_attempts);
	json_u64(j, "failed", r->st.failed);
	json_u64(j, "deletes", r->st.deletes);
	json_u64(j, "retransmits", r->st.retransmits);
	json_double(j, "handshakes_per_s", rate(r));
	json_double(j, "latency_p50_us", r->p50_us);
	json_double(j, "latency_p99_us", r->p99_us);
	if (r->have_cpu) {
		json_double(j, "responder_cpu_us", r->resp_cpu_us);
		json_double(j, "responder_cpu_us_per_handshake", per_hs(r));
		json_double(j, "responder_busy", r->resp_cpu_us / (r->window_s * 1e6));
	} else {
		json_null(j, "responder_cpu_us_per_handshake");
	}
	json_double(j, "generator_busy", r->gen_cpu_us / (r->window_s * 1e6));
	json_object_end(j);
}

static void print_json(const struct hs_opts *o, const struct hs_run *runs, size_t n)
{
	const struct hs_run *rf = find(runs, n, "reswand", "full");
	const struct hs_run *rr = find(runs, n, "reswand", "resume");
	const struct hs_run *cf = find(runs, n, "charon", "full");
	struct json j;

	json_init(&j, stdout, true);
	json_object_begin(&j, NULL);
	json_str(&j, "bench", "handshake");
	json_str(&j, "suite", o->suite->name);
	json_str(&j, "modp_exponent", o->modp_short ? "short" : "full");
	json_u64(&j, "clients", o->clients);
	json_double(&j, "duration_s", o->duration);
	json_i64(&j, "generator_cpu", o->gen_cpu);
	json_i64(&j, "responder_cpu", o->resp_cpu);
	json_str(&j, "responder_cpu_note",
		 "user+system CPU of the responder process over the window, divided by the "
		 "handshakes completed in it; includes DELETE handling and everything else "
		 "the process did");
	json_array_begin(&j, "runs");
	for (size_t i = 0; i < n; i++)
		json_run(&j, &runs[i]);
	json_array_end(&j);
	json_object_begin(&j, "ratios");
	if (rf && rr) {
		json_double(&j, "resume_over_full_rate", rate(rr) / rate(rf));
		if (rf->have_cpu && rr->have_cpu && per_hs(rr) > 0)
			json_double(&j, "full_over_resume_cpu", per_hs(rf) / per_hs(rr));
	}
	if (rf && cf) {
		json_double(&j, "reswand_over_charon_rate", rate(rf) / rate(cf));
		if (rf->have_cpu && cf->have_cpu && per_hs(rf) > 0)
			json_double(&j, "charon_over_reswand_cpu", per_hs(cf) / per_hs(rf));
	}
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: reswan bench handshake [--mode full|resume|both] [--clients N]\n"
		"         [--duration S] [--suite %s]\n"
		"         [--peer reswand|charon|both] [--target ADDR:PORT [--local ADDR]\n"
		"         [--responder-pid PID]] [--cpus G,R] [--reswand PATH]\n"
		"         [--log-level LEVEL] [--retransmit-timeout S]\n"
		"         [--modp-exponent full|short] [--keep] [--json]\n"
		"  --mode       full handshakes, resumptions, or both one after the other (default)\n"
		"  --clients    concurrent clients, each looping connect/disconnect (default 50)\n"
		"  --duration   seconds of each timed run (default 5)\n"
		"  --suite      algorithms and authentication (default psk-x25519)\n"
		"  --peer       the responder: reswand on loopback (default); charon (strongSwan,\n"
		"               full mode, needs root: network namespaces); both, side by side\n"
		"  --target     an already running responder (PSK suites); PORT is the clients'\n"
		"               remote_port: 500, or the responder's NAT-T port; --local is the\n"
		"               clients' first address, --responder-pid whose CPU to read\n"
		"  --cpus       generator and responder cores (default 0,1 with 2+ CPUs)\n"
		"  --reswand    the daemon to start (default: next to this reswan)\n"
		"  --log-level  reswand's log level (default info)\n"
		"  --retransmit-timeout  the clients' first retransmission (default 2 s)\n"
		"  --modp-exponent  reswand's and the clients' MODP private exponents: short\n"
		"               (default, as reswand's) or full length; charon keeps its default\n"
		"  --keep       keep the temporary directory (configurations, logs)\n",
		suite_names());
}

static int parse(int argc, char **argv, struct hs_opts *o)
{
	static char reswand[4096];
	char dir[4096];
	const struct bench_args args = {
		.cmd = "reswan bench handshake", .usage = usage, .json = &o->json, .keep = &o->keep,
		.clients = &o->clients, .suite = &o->suite, .gen_cpu = &o->gen_cpu,
		.resp_cpu = &o->resp_cpu, .reswand = &o->reswand, .log_level = &o->log_level,
		.retransmit_us = &o->retransmit_us,
	};

	memset(o, 0, sizeof(*o));
	bench_args_defaults(&args, 50, "info");
	o->full = o->resume = true;
	o->modp_short = true;
	o->duration = 5;
	o->peers = PEER_RESWAND;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		char *end;
		int rc = bench_args_next(&args, argc, argv, &i, &v);

		if (rc != BENCH_ARG_OTHER) {
			if (rc)
				return rc;
			continue;
		}
		if (!strcmp(a, "--mode")) {
			o->full = !strcmp(v, "full") || !strcmp(v, "both");
			o->resume = !strcmp(v, "resume") || !strcmp(v, "both");
			if (!o->full && !o->resume)
				return bench_args_bad(&args, a, v, "full, resume or both");
		} else if (!strcmp(a, "--duration")) {
			o->duration = strtod(v, &end);
			if (*end || !(o->duration >= 0.1 && o->duration <= 3600))
				return bench_args_bad(&args, a, v, "a duration in seconds (0.1-3600)");
		} else if (!strcmp(a, "--peer")) {
			o->peers = !strcmp(v, "reswand") ? PEER_RESWAND
				 : !strcmp(v, "charon") ? PEER_CHARON
				 : !strcmp(v, "both") ? PEER_BOTH : 0;
			if (!o->peers)
				return bench_args_bad(&args, a, v, "reswand, charon or both");
		} else if (!strcmp(a, "--target")) {
			char host[64];
			const char *colon = strrchr(v, ':');
			unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;

			if (!colon || (size_t)(colon - v) >= sizeof(host) || *end || !port ||
			    port > 65535)
				return bench_args_bad(&args, a, v, "an IPv4 address with a port (192.0.2.1:500)");
			memcpy(host, v, (size_t)(colon - v));
			host[colon - v] = '\0';
			if (addr_parse(host, &o->target) != 0 || o->target.family != ADDR_IPV4)
				return bench_args_bad(&args, a, v, "an IPv4 address with a port (192.0.2.1:500)");
			o->target.port = (uint16_t)port;
			o->have_target = true;
		} else if (!strcmp(a, "--local")) {
			if (addr_parse(v, &o->local) != 0 || o->local.family != ADDR_IPV4)
				return bench_args_bad(&args, a, v, "an IPv4 address");
		} else if (!strcmp(a, "--modp-exponent")) {
			if (strcmp(v, "full") != 0 && strcmp(v, "short") != 0)
				return bench_args_bad(&args, a, v, "full or short");
			o->modp_short = !strcmp(v, "short");
		} else if (!strcmp(a, "--responder-pid")) {
			o->responder_pid = strtol(v, &end, 10);
			if (*end || o->responder_pid <= 0)
				return bench_args_bad(&args, a, v, "a process id");
		} else {
			return bench_args_unexpected(&args, a);
		}
	}
	if (o->have_target && o->suite->key_alg) {
		fprintf(stderr, "reswan bench handshake: --target works with PSK suites only "
			"(certificates are made per run)\n");
		return 2;
	}
	if (o->have_target && o->peers != PEER_RESWAND) {
		fprintf(stderr, "reswan bench handshake: --target and --peer exclude each other\n");
		return 2;
	}
	if ((o->peers & PEER_CHARON) && geteuid() != 0) {
		fprintf(stderr, "reswan bench handshake: --peer %s needs root: charon runs in "
			"network namespaces the benchmark creates and binds ports 500 and 4500; "
			"run as root, or use --peer reswand\n",
			o->peers == PEER_BOTH ? "both" : "charon");
		return 2;
	}
	if (!o->reswand && !o->have_target) {
		if (!proc_self_dir(dir, sizeof(dir))) {
			fprintf(stderr, "reswan bench handshake: cannot find reswand; give --reswand\n");
			return 2;
		}
		if (proc_path(reswand, sizeof(reswand), dir, "reswand") != 0) {
			fprintf(stderr, "reswan bench handshake: path too long; give --reswand\n");
			return 2;
		}
		o->reswand = reswand;
	}
	if (o->reswand && !o->have_target && access(o->reswand, X_OK) != 0) {
		fprintf(stderr, "reswan bench handshake: %s: %s (give --reswand PATH)\n",
			o->reswand, strerror(errno));
		return 2;
	}
	return 0;
}

int bench_handshake_main(int argc, char **argv)
{
	struct hs_opts o;
	struct hs_run runs[MAX_RUNS];
	struct env env;
	size_t n = 0;
	int rc = parse(argc, argv, &o), worst = 0;
	char err[512];

	if (rc)
		return rc < 0 ? 0 : rc;
	memset(&env, 0, sizeof(env));
	env.ns.home_fd = -1;
	snprintf(env.tmp, sizeof(env.tmp), "%s/reswan-bench-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(env.tmp)) {
		fprintf(stderr, "reswan bench handshake: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	interrupted = proc_catch_signals();
	/* The clients' engines log only what went wrong. */
	log_set_level(LOG_LVL_WARN);
	snprintf(env.pki_gw, sizeof(env.pki_gw), "%s/pki-gw", env.tmp);
	snprintf(env.pki_client, sizeof(env.pki_client), "%s/pki-client", env.tmp);
	if (suite_make_pki(o.suite, env.tmp, env.pki_gw, env.pki_client, o.clients, err,
			   sizeof(err)) != 0) {
		fprintf(stderr, "reswan bench handshake: certificates: %s\n", err);
		worst = 1;
		goto out;
	}
	if (o.suite->key_alg == NULL)
		snprintf(env.pki_client, sizeof(env.pki_client), "%s", env.tmp);
	if (o.gen_cpu >= 0 && proc_pin_self(o.gen_cpu) != 0) {
		fprintf(stderr, "reswan bench handshake: cannot pin to CPU %d\n", o.gen_cpu);
		worst = 1;
		goto out;
	}
	if (o.have_target) {
		netns_loopback_addrs(&env.gw, &env.gen);
		env.gen_natt = NETNS_LOOPBACK_NATT_PORT;
		if (o.local.family) {
			env.gen = o.local;
			env.gen.port = NETNS_LOOPBACK_IKE_PORT;
		}
		env.gw = o.target;
		env.remote_port = o.target.port;
	} else if (o.peers & PEER_CHARON) {
		unsigned n_eng = (o.clients + LOADGEN_PER_ENGINE - 1) / LOADGEN_PER_ENGINE;

		if (netns_pair_create(&env.ns, n_eng, SUITE_LOCAL_ADDR, err, sizeof(err)) != 0 ||
		    netns_enter_gen(&env.ns) != 0) {
			fprintf(stderr, "reswan bench handshake: network namespaces: %s\n", err);
			worst = 1;
			goto out;
		}
		/* The standard ports: 500, floating to 4500. */
		env.in_ns = true;
		addr_parse(NETNS_RESP_ADDR, &env.gw);
		env.gw.port = env.remote_port = 500;
		env.gw_natt = env.gen_natt = 4500;
		addr_parse(NETNS_GEN_NET ".10", &env.gen);
		env.gen.port = 500;
	} else {
		netns_loopback_addrs(&env.gw, &env.gen);
		env.gw_natt = env.gen_natt = env.remote_port = NETNS_LOOPBACK_NATT_PORT;
	}

	for (int p = PEER_RESWAND; p <= PEER_CHARON && !*interrupted; p <<= 1) {
		if (!(o.peers & p))
			continue;
		for (int m = 0; m < 2 && !*interrupted; m++) {
			bool resume = m == 1;

			if ((resume && !o.resume) || (!resume && !o.full) ||
			    (resume && p == PEER_CHARON))
				continue;
			if (!o.json)
				fprintf(stderr, "running %s %s ...\n",
					p == PEER_CHARON ? "charon" : o.have_target ? "target" : "reswand",
					resume ? "resume" : "full");
			if (one_run(&o, &env, (enum peer)p, resume, &runs[n]) != 0)
				worst = 1;
			n++;
		}
	}
	if (*interrupted) {
		fprintf(stderr, "reswan bench handshake: interrupted\n");
		worst = 1;
	}
	if (o.json)
		print_json(&o, runs, n);
	else
		print_table(&o, runs, n);
out:
	netns_pair_delete(&env.ns);
	if (o.keep)
		fprintf(stderr, "reswan bench handshake: kept %s\n", env.tmp);
	else
		proc_rmtree(env.tmp);
	return worst;
}
