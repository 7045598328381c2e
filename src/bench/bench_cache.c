/*
 * bench_cache.c - `reswan bench cache [--records N]`: what the credential
 * cache costs per record in time and memory, and what persistence costs.
 *
 * Workload: N distinct users ("user<7 digits>@example.org", 23 octets),
 * one connection, one algorithm suite and selector pair, an IPv4 virtual
 * address each: a responder that remembers one record per returning user.
 *   insert   building the input entry (one snprintf) + cache_insert
 *   lookup   hits in a scattered order (a stride through the handles), and
 *            misses on random handles
 *   consume  a successful resumption: retire a handle, new secret and handle
 *   memory   the cache's own accounting / N, and the process RSS growth / N
 *   flush    N dirty records sealed and written to LMDB in transactions of
 *            CACHE_FLUSH_BATCH (one fsync each) - records/s
 *   load     cache_load() of those N records at startup - records/s
 * Figures are printed, never asserted on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cache/cache.h"
#include "cache/cache_store.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "crypto/rand.h"
#include "wire/ikev2.h"

#define DEFAULT_RECORDS 50000
#define QUICK_RECORDS 2000
#define MISS_HANDLES 4096

struct ctx {
	struct cache *c;
	uint8_t (*h)[CACHE_HANDLE_LEN];
	uint8_t (*miss)[CACHE_HANDLE_LEN];
	size_t n, i, stride;
	struct cache_entry out;
};

static size_t rss_bytes(void)
{
	unsigned long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

static void make_entry(struct cache_entry *e, uint32_t n)
{
	e->peer.type = IKEV2_ID_RFC822_ADDR;
	e->peer.len = (uint16_t)snprintf((char *)e->peer.data, sizeof(e->peer.data),
					 "user%07u@example.org", n);
	memcpy(e->secret, &n, sizeof(n));
	e->vip4.ip[1] = (uint8_t)(n >> 16);
	e->vip4.ip[2] = (uint8_t)(n >> 8);
	e->vip4.ip[3] = (uint8_t)n;
}

static void base_entry(struct cache_entry *e)
{
	memset(e, 0, sizeof(*e));
	memset(e->secret, 0x5a, sizeof(e->secret));
	e->algs = (struct cache_algs){
		.ike_encr = IKEV2_ENCR_AES_GCM_16, .ike_encr_bits = 256,
		.ike_prf = IKEV2_PRF_HMAC_SHA2_256, .ike_ke = 31,
		.child_encr = IKEV2_ENCR_AES_GCM_16, .child_encr_bits = 128,
		.child_proto = IKEV2_PROTO_ESP,
	};
	e->ts.n_i = e->ts.n_r = 1;
	e->ts.i[0] = (struct cache_ts){ .type = 7, .end_port = 65535, .start = { 10 },
		.end = { 10, 255, 255, 255 } };
	e->ts.r[0] = (struct cache_ts){ .type = 7, .end_port = 65535,
		.end = { 255, 255, 255, 255 } };
	e->vip4.family = ADDR_IPV4;
	e->vip4.ip[0] = 10;
}

static int op_lookup_hit(void *p)
{
	struct ctx *x = p;

	x->i = (x->i + x->stride) % x->n;
	return cache_lookup(x->c, x->h[x->i], &x->out, NULL);
}

static int op_lookup_miss(void *p)
{
	struct ctx *x = p;

	x->i = (x->i + 1) % MISS_HANDLES;
	return cache_lookup(x->c, x->miss[x->i], &x->out, NULL) == ERR_NOTFOUND ? 0 : ERR_STATE;
}

static int op_consume(void *p)
{
	struct ctx *x = p;
	uint8_t s[CACHE_SECRET_LEN];

	memset(s, 0x3c, sizeof(s));
	x->i = (x->i + x->stride) % x->n;
	return cache_consume(x->c, x->h[x->i], s, x->h[x->i], NULL, NULL);
}

/* A stride coprime with n, about n * 0.618: consecutive operations touch far-apart records. */
static size_t pick_stride(size_t n)
{
	size_t s = (size_t)((double)n * 0.6180339887) | 1;

	while (s > 1) {
		size_t a = n, b = s;

		while (b) {
			size_t t = a % b;

			a = b;
			b = t;
		}
		if (a == 1)
			return s;
		s += 2;
	}
	return 1;
}

struct figures {
	size_t n;
	double insert_ns, acct_per, rss_per, flush_s, flush_rps, load_s, load_rps;
	double acct_records_per, acct_interned_per;
	unsigned long long db_bytes;
	struct bench_result hit, miss, consume;
};

static struct cache *new_cache(struct clock_fake *clk, size_t n, struct cache_store *store,
			       struct cache_seal *seal)
{
	struct cache_opts o = { .clock = &clk->clock, .rand = rand_system(),
				.max_records = (uint32_t)n, .store = store, .seal = seal };
	struct cache_policy p = { .flags = CACHE_POLICY_CLOCKED, .lifetime = 30 * 86400,
				  .max_age = 30 * 86400, .capacity = (uint32_t)n };
	struct cache *c = cache_new(&o);

	if (c && cache_conn_set(c, "rw", &p, NULL)) {
		cache_free(c);
		c = NULL;
	}
	return c;
}

static int fill(struct cache *c, size_t n, uint8_t (*h)[CACHE_HANDLE_LEN], double *ns)
{
	struct cache_entry *e = malloc(sizeof(*e));
	unsigned long long t0;
	int ret = 0;

	if (!e)
		return ERR_NOMEM;
	base_entry(e);
	t0 = bench_now_ns();
	for (size_t i = 0; i < n && !ret; i++) {
		make_entry(e, (uint32_t)i);
		ret = cache_insert(c, 0, e, h[i], NULL);
	}
	if (ns)
		*ns = (double)(bench_now_ns() - t0) / (double)n;
	free(e);
	return ret;
}

static int persist(const struct bench_opts *o, struct figures *f, uint8_t (*h)[CACHE_HANDLE_LEN])
{
	char dir[] = "/tmp/reswan-bench-cache.XXXXXX", db[64], keyf[64], cmd[96];
	uint8_t key[CACHE_KEY_LEN];
	struct cache_lmdb_opts lo = { .map_size = (uint64_t)f->n * 1024 + (64ULL << 20) };
	struct cache_store *store = NULL;
	struct cache_seal *seal = NULL;
	struct cache *c = NULL;
	struct clock_fake clk;
	unsigned long long t0;
	FILE *fp;
	int ret = ERR_IO;

	(void)o;
	clock_fake_init(&clk, 1700000000ULL * CLOCK_US_PER_SEC);
	if (!mkdtemp(dir))
		return ERR_IO;
	snprintf(db, sizeof(db), "%s/cache.mdb", dir);
	snprintf(keyf, sizeof(keyf), "%s/cache.key", dir);
	if (cache_key_load(keyf, rand_system(), key) || cache_lmdb_open(db, &lo, &store) ||
	    !(seal = cache_seal_new(key, rand_system())) ||
	    !(c = new_cache(&clk, f->n, store, seal)))
		goto out;
	ret = fill(c, f->n, h, NULL);
	if (ret)
		goto out;
	t0 = bench_now_ns();
	ret = cache_flush(c);
	f->flush_s = (double)(bench_now_ns() - t0) / 1e9;
	f->flush_rps = (double)f->n / f->flush_s;
	if (ret)
		goto out;
	cache_free(c);
	cache_seal_free(seal);
	cache_store_free(store);
	c = NULL;
	seal = NULL;
	store = NULL;
	if ((fp = fopen(db, "rb"))) {
		fseek(fp, 0, SEEK_END);
		f->db_bytes = (unsigned long long)ftell(fp);
		fclose(fp);
	}
	ret = ERR_IO;
	if (cache_lmdb_open(db, &lo, &store) || !(seal = cache_seal_new(key, rand_system())) ||
	    !(c = new_cache(&clk, f->n, store, seal)))
		goto out;
	t0 = bench_now_ns();
	ret = cache_load(c);
	f->load_s = (double)(bench_now_ns() - t0) / 1e9;
	f->load_rps = (double)f->n / f->load_s;
out:
	cache_free(c);
	cache_seal_free(seal);
	cache_store_free(store);
	wipe(key, sizeof(key));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench cache: could not remove %s\n", dir);
	return ret;
}

static void print_table(const struct bench_opts *o, const struct figures *f)
{
	FILE *out = o->out;
	char b[32];

	fprintf(out, "reswan bench cache  (%zu records; one connection, distinct 23-octet identities)\n\n",
		f->n);
	fprintf(out, "%-34s %s\n", "insert", bench_fmt_ns(f->insert_ns, b, sizeof(b)));
	fprintf(out, "%-34s %s\n", "lookup, hit", bench_fmt_ns(f->hit.ns_per_op, b, sizeof(b)));
	fprintf(out, "%-34s %s\n", "lookup, miss", bench_fmt_ns(f->miss.ns_per_op, b, sizeof(b)));
	fprintf(out, "%-34s %s\n", "consume (resumption)", bench_fmt_ns(f->consume.ns_per_op, b, sizeof(b)));
	fprintf(out, "%-34s %.1f B  (slots %.1f, interned %.1f)\n", "memory/record, accounted",
		f->acct_per, f->acct_records_per, f->acct_interned_per);
	fprintf(out, "%-34s %.1f B\n", "memory/record, RSS growth", f->rss_per);
	fprintf(out, "%-34s %.2f MB accounted, %.2f MB RSS\n", "memory, total",
		f->acct_per * (double)f->n / 1e6, f->rss_per * (double)f->n / 1e6);
	fprintf(out, "%-34s %.0f records/s  (%.3f s, batches of %d)\n", "LMDB flush",
		f->flush_rps, f->flush_s, CACHE_FLUSH_BATCH);
	fprintf(out, "%-34s %.0f records/s  (%.3f s)\n", "LMDB load at startup", f->load_rps,
		f->load_s);
	fprintf(out, "%-34s %.1f MB  (%.0f B/record)\n", "LMDB file", (double)f->db_bytes / 1e6,
		(double)f->db_bytes / (double)f->n);
}

static void print_json(const struct bench_opts *o, const struct figures *f)
{
	FILE *out = o->out;

	fprintf(out, "{\n  \"bench\": \"cache\",\n  \"records\": %zu,\n  \"quick\": %s,\n", f->n,
		o->quick ? "true" : "false");
	fprintf(out, "  \"insert_ns\": %.1f,\n  \"lookup_hit_ns\": %.1f,\n  \"lookup_miss_ns\": %.1f,\n"
		"  \"consume_ns\": %.1f,\n", f->insert_ns, f->hit.ns_per_op, f->miss.ns_per_op,
		f->consume.ns_per_op);
	fprintf(out, "  \"bytes_per_record_accounted\": %.1f,\n  \"bytes_per_record_rss\": %.1f,\n",
		f->acct_per, f->rss_per);
	fprintf(out, "  \"flush_records_per_s\": %.1f,\n  \"load_records_per_s\": %.1f,\n"
		"  \"db_bytes\": %llu\n}\n", f->flush_rps, f->load_rps, f->db_bytes);
}

int bench_cache_main(const struct bench_opts *o)
{
	struct figures f = { 0 };
	struct ctx x = { 0 };
	struct clock_fake clk;
	struct cache_stats *st = calloc(1, sizeof(*st));
	size_t rss0;
	int ret = ERR_NOMEM;

	f.n = o->records ? o->records : o->quick ? QUICK_RECORDS : DEFAULT_RECORDS;
	if (f.n > CACHE_MAX_RECORDS) {
		fprintf(stderr, "bench cache: at most %u records\n", CACHE_MAX_RECORDS);
		free(st);
		return 1;
	}
	/* Keep the table readable: the key file and load summaries are info lines. */
	if (log_threshold > LOG_LVL_WARN)
		log_set_level(LOG_LVL_WARN);
	x.n = f.n;
	x.stride = pick_stride(f.n);
	x.h = calloc(f.n, CACHE_HANDLE_LEN);
	x.miss = calloc(MISS_HANDLES, CACHE_HANDLE_LEN);
	if (!st || !x.h || !x.miss)
		goto out;
	if (!o->json)
		fprintf(stderr, "bench cache: %zu records...\n", f.n);
	rand_bytes(rand_system(), x.miss, MISS_HANDLES * CACHE_HANDLE_LEN);
	/* Make the bench's own handle array resident before the RSS baseline. */
	memset(x.h, 0xff, f.n * CACHE_HANDLE_LEN);
	clock_fake_init(&clk, 1700000000ULL * CLOCK_US_PER_SEC);
	rss0 = rss_bytes();
	x.c = new_cache(&clk, f.n, NULL, NULL);
	if (!x.c)
		goto out;
	ret = fill(x.c, f.n, x.h, &f.insert_ns);
	if (ret)
		goto out;
	f.rss_per = (double)(rss_bytes() - rss0) / (double)f.n;
	cache_stats(x.c, st);
	f.acct_per = (double)st->bytes / (double)f.n;
	f.acct_records_per = (double)st->bytes_records / (double)f.n;
	f.acct_interned_per = (double)st->bytes_interned / (double)f.n;
	if ((ret = bench_measure(o, "cache.lookup-hit", "lookup, hit", op_lookup_hit, &x, &f.hit)) ||
	    (ret = bench_measure(o, "cache.lookup-miss", "lookup, miss", op_lookup_miss, &x, &f.miss)) ||
	    (ret = bench_measure(o, "cache.consume", "consume", op_consume, &x, &f.consume)))
		goto out;
	cache_free(x.c);
	x.c = NULL;
	ret = persist(o, &f, x.h);
	if (ret)
		goto out;
	if (o->json)
		print_json(o, &f);
	else
		print_table(o, &f);
out:
	if (ret)
		fprintf(stderr, "bench cache: failed: %s\n", err_str(ret));
	cache_free(x.c);
	free(x.h);
	free(x.miss);
	free(st);
	wipe(&x.out, sizeof(x.out));
	return ret ? 1 : 0;
}
