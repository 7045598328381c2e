/*
 * trace_stats.c - the paper's Table II and the data behind Figures 2-5,
 * in one pass over the sessions plus one over the per-user counts, and
 * their rendering as text or JSON.
 *
 * The pass over the sessions is shared out among threads in contiguous
 * slices, each with its own sums and per-user visit counts, added up
 * afterwards: integer sums, so the result does not depend on the split.
 *
 * Bins are fixed so that traces can be compared with each other and with
 * the paper; each bin holds values up to and including its bound.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "trace/trace_int.h"

const uint32_t trace_dur_bin_max[TRACE_DUR_BINS] = {
	60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, UINT32_MAX,
};
const char *const trace_dur_bin_label[TRACE_DUR_BINS] = {
	"<=1m", "1-5m", "5-10m", "10-30m", "30m-1h", "1-3h", "3-6h", "6-12h",
	"12-24h", ">24h",
};

#define KB 1024ULL
#define MB (1024ULL * KB)
#define GB (1024ULL * MB)
const uint64_t trace_vol_bin_max[TRACE_VOL_BINS] = {
	KB, 10 * KB, 100 * KB, MB, 10 * MB, 100 * MB, GB, 10 * GB, UINT64_MAX,
};
const char *const trace_vol_bin_label[TRACE_VOL_BINS] = {
	"<=1KB", "1-10KB", "10-100KB", "100KB-1MB", "1-10MB", "10-100MB",
	"100MB-1GB", "1-10GB", ">10GB",
};

const uint32_t trace_visit_bin_max[TRACE_VISIT_BINS] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, UINT32_MAX,
};
const char *const trace_visit_bin_label[TRACE_VISIT_BINS] = {
	"1", "2", "3-5", "6-10", "11-20", "21-50", "51-100", "101-200",
	"201-500", ">500",
};

/* The bin of v: the first whose bound v does not exceed (bounds rise). */
static size_t bin_search(const uint64_t *max, size_t n, uint64_t v)
{
	size_t i = 0;

	while (i + 1 < n && v > max[i])
		i++;
	return i;
}

static size_t bin_search32(const uint32_t *max, size_t n, uint64_t v)
{
	size_t i = 0;

	while (i + 1 < n && v > max[i])
		i++;
	return i;
}

/*
 * The same by table, without a loop or a data-dependent branch: the bins
 * are roughly logarithmic, so among values of one bit length at most one
 * bound needs comparing.  bin(v) = base[L] + (v > cut[L]), L the bit
 * length of v.  Built from the bounds; `ok` false if some bit length
 * holds two bounds (then bin_search() is used).
 */
struct bin_table {
	uint8_t base[65];
	uint64_t cut[65];
	bool ok;
};

static void bin_table_init(struct bin_table *b, const uint64_t *max, size_t n)
{
	b->ok = true;
	for (unsigned L = 0; L <= 64; L++) {
		uint64_t lo = L ? 1ULL << (L - 1) : 0;
		uint64_t hi = L == 0 ? 0 : L == 64 ? UINT64_MAX : (1ULL << L) - 1;
		unsigned below = 0, within = 0;

		b->cut[L] = UINT64_MAX;
		for (size_t k = 0; k + 1 < n; k++) {
			if (max[k] < lo) {
				below++;
			} else if (max[k] <= hi) {
				within++;
				b->cut[L] = max[k];
			}
		}
		b->base[L] = (uint8_t)below;
		if (within > 1)
			b->ok = false;
	}
}

static inline size_t bin(const struct bin_table *b, const uint64_t *max,
			 size_t n, uint64_t v)
{
	unsigned L = v ? 64 - (unsigned)__builtin_clzll(v) : 0;

	if (!b->ok)
		return bin_search(max, n, v);
	return b->base[L] + (v > b->cut[L]);
}

/* Sessions per thread below which another thread does not pay. */
#define STATS_PER_THREAD 8192

/* What one thread adds up over its slice of the sessions. */
struct part {
	uint64_t bytes_in, bytes_out, seconds, open;
	uint64_t per_day[TRACE_DAYS_MAX];
	uint64_t dur_hist[TRACE_DUR_BINS];
	uint64_t in_hist[TRACE_VOL_BINS];
	uint64_t out_hist[TRACE_VOL_BINS];
	uint32_t *visits;	/* per user, saturating */
};

struct job {
	const struct trace_session *ss;
	size_t n;
	unsigned nparts;
	uint64_t dmax[TRACE_DUR_BINS];	/* trace_dur_bin_max, widened */
	struct bin_table dur, vol;
	int64_t day0;
	uint32_t ndays;
	struct part *parts;
};

static void sum_slice(void *arg, unsigned k)
{
	struct job *j = arg;
	struct part *p = &j->parts[k];
	const struct trace_session *ss = j->ss;
	size_t a = j->n * k / j->nparts, b = j->n * (k + 1) / j->nparts;
	uint32_t *visits = p->visits;

	for (size_t i = a; i < b; i++) {
		const struct trace_session *x = &ss[i];
		uint64_t day = (uint64_t)((int64_t)x->connect - j->day0) / 86400;

		p->bytes_in += x->bytes_in;
		p->bytes_out += x->bytes_out;
		p->seconds += x->duration;
		p->open += (x->flags & TRACE_SESSION_OPEN) != 0;
		if (day < j->ndays)
			p->per_day[day]++;
		p->dur_hist[bin(&j->dur, j->dmax, TRACE_DUR_BINS, x->duration)]++;
		p->in_hist[bin(&j->vol, trace_vol_bin_max, TRACE_VOL_BINS, x->bytes_in)]++;
		p->out_hist[bin(&j->vol, trace_vol_bin_max, TRACE_VOL_BINS, x->bytes_out)]++;
		/* Users come in random order: fetch a few sessions ahead. */
		if (i + 16 < b)
			__builtin_prefetch(&visits[ss[i + 16].user], 1);
		if (visits[x->user] < UINT32_MAX)
			visits[x->user]++;
	}
}

int trace_stats_compute(const struct trace *t, struct trace_stats *s)
{
	return trace_stats_compute_n(t, s, 0);
}

int trace_stats_compute_n(const struct trace *t, struct trace_stats *s,
			  unsigned threads)
{
	size_t n = trace_count(t), nu = trace_user_count(t);
	struct job j = { .ss = trace_sessions(t), .n = n };
	uint32_t *visits;
	uint64_t *vcount;
	uint64_t maxv = 0;
	int rc = ERR_NOMEM;

	threads = trace_threads(threads);
	if (threads > n / STATS_PER_THREAD + 1)
		threads = (unsigned)(n / STATS_PER_THREAD + 1);
	j.nparts = threads;
	j.parts = calloc(threads, sizeof(*j.parts));
	if (!j.parts)
		return ERR_NOMEM;
	for (unsigned k = 0; k < threads; k++)
		if (!(j.parts[k].visits = calloc(nu ? nu : 1, sizeof(uint32_t))))
			goto out;
	memset(s, 0, sizeof(*s));
	s->sessions = n;
	trace_span(t, &s->first, &s->last);
	s->day0 = s->first - (s->first % 86400);
	if (n) {
		uint64_t days = (uint64_t)(s->last - s->day0) / 86400 + 1;

		s->ndays = days > TRACE_DAYS_MAX ? TRACE_DAYS_MAX : (uint32_t)days;
	}
	j.day0 = s->day0;
	j.ndays = s->ndays;
	for (size_t i = 0; i < TRACE_DUR_BINS; i++)
		j.dmax[i] = trace_dur_bin_max[i];
	bin_table_init(&j.dur, j.dmax, TRACE_DUR_BINS);
	bin_table_init(&j.vol, trace_vol_bin_max, TRACE_VOL_BINS);
	trace_threads_run(threads, sum_slice, &j);
	/* Integer sums: the same whatever the slices and their order. */
	visits = j.parts[0].visits;
	for (unsigned k = 0; k < threads; k++) {
		const struct part *p = &j.parts[k];

		s->bytes_in += p->bytes_in;
		s->bytes_out += p->bytes_out;
		s->seconds += p->seconds;
		s->open_sessions += p->open;
		for (uint32_t d = 0; d < s->ndays; d++)
			s->per_day[d] += p->per_day[d];
		for (size_t i = 0; i < TRACE_DUR_BINS; i++)
			s->dur_hist[i] += p->dur_hist[i];
		for (size_t i = 0; i < TRACE_VOL_BINS; i++) {
			s->in_hist[i] += p->in_hist[i];
			s->out_hist[i] += p->out_hist[i];
		}
		if (k == 0)
			continue;
		for (size_t u = 0; u < nu; u++) {
			uint64_t v = (uint64_t)visits[u] + p->visits[u];

			visits[u] = v < UINT32_MAX ? (uint32_t)v : UINT32_MAX;
		}
	}
	for (size_t u = 0; u < nu; u++) {
		if (!visits[u])
			continue;
		s->users++;
		s->visit_hist[bin_search32(trace_visit_bin_max, TRACE_VISIT_BINS,
					   visits[u])]++;
		if (visits[u] > maxv)
			maxv = visits[u];
	}
	s->visits_max = maxv;
	/* Median by counting: visits are small integers. */
	vcount = calloc(maxv + 1, sizeof(*vcount));
	if (vcount) {
		uint64_t seen = 0;

		for (size_t u = 0; u < nu; u++)
			vcount[visits[u]]++;
		for (uint64_t v = 1; v <= maxv; v++) {
			seen += vcount[v];
			if (seen * 2 >= s->users) {
				s->visits_median = v;
				break;
			}
		}
		free(vcount);
		rc = 0;
	}
out:
	for (unsigned k = 0; k < threads; k++)
		free(j.parts[k].visits);
	free(j.parts);
	return rc;
}

/* ------------------------------------------------------------ rendering */

#define GIB_D (1024.0 * 1024.0 * 1024.0)
#define MIB_D (1024.0 * 1024.0)

static double avg(double total, uint64_t n)
{
	return n ? total / (double)n : 0.0;
}

void trace_stats_print(FILE *f, const struct trace_stats *s)
{
	fprintf(f, "Table II (this trace)\n");
	fprintf(f, "  %-34s %llu\n", "Total connections",
		(unsigned long long)s->sessions);
	if (s->open_sessions)
		fprintf(f, "  %-34s %llu\n", "  of which open at end of trace",
			(unsigned long long)s->open_sessions);
	fprintf(f, "  %-34s %llu\n", "Total unique users",
		(unsigned long long)s->users);
	fprintf(f, "  %-34s %.2f\n", "Total bytes in (GB)",
		(double)s->bytes_in / GIB_D);
	fprintf(f, "  %-34s %.2f\n", "Average bytes in (MB)",
		avg((double)s->bytes_in / MIB_D, s->sessions));
	fprintf(f, "  %-34s %.2f\n", "Total bytes out (GB)",
		(double)s->bytes_out / GIB_D);
	fprintf(f, "  %-34s %.2f\n", "Average bytes out (MB)",
		avg((double)s->bytes_out / MIB_D, s->sessions));
	fprintf(f, "  %-34s %.2f\n", "Total connection length (days)",
		(double)s->seconds / 86400.0);
	fprintf(f, "  %-34s %.2f\n", "Average connection length (hours)",
		avg((double)s->seconds / 3600.0, s->sessions));
	fprintf(f, "\nFigure 2: connections per day (UTC)\n");
	for (uint32_t d = 0; d < s->ndays; d++) {
		char buf[16];
		int64_t day = s->day0 + (int64_t)d * 86400;
		time_t tt = (time_t)day;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
		fprintf(f, "  %s %llu\n", buf, (unsigned long long)s->per_day[d]);
	}
	fprintf(f, "\nFigure 3: connection duration\n");
	for (size_t i = 0; i < TRACE_DUR_BINS; i++)
		fprintf(f, "  %-10s %llu\n", trace_dur_bin_label[i],
			(unsigned long long)s->dur_hist[i]);
	fprintf(f, "\nFigure 4: data volume per connection (in / out)\n");
	for (size_t i = 0; i < TRACE_VOL_BINS; i++)
		fprintf(f, "  %-10s %llu / %llu\n", trace_vol_bin_label[i],
			(unsigned long long)s->in_hist[i],
			(unsigned long long)s->out_hist[i]);
	fprintf(f, "\nFigure 5: visits per user (median %llu, max %llu)\n",
		(unsigned long long)s->visits_median,
		(unsigned long long)s->visits_max);
	for (size_t i = 0; i < TRACE_VISIT_BINS; i++)
		fprintf(f, "  %-10s %llu\n", trace_visit_bin_label[i],
			(unsigned long long)s->visit_hist[i]);
}

static void json_hist(FILE *f, const char *name, const char *const *labels,
		      const uint64_t *v, size_t n, bool last)
{
	fprintf(f, "  \"%s\": [", name);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s{\"bin\": \"%s\", \"count\": %llu}", i ? ", " : "",
			labels[i], (unsigned long long)v[i]);
	fprintf(f, "]%s\n", last ? "" : ",");
}

void trace_stats_json(FILE *f, const struct trace_stats *s)
{
	fprintf(f, "{\n");
	fprintf(f, "  \"connections\": %llu,\n", (unsigned long long)s->sessions);
	fprintf(f, "  \"open_at_end\": %llu,\n", (unsigned long long)s->open_sessions);
	fprintf(f, "  \"unique_users\": %llu,\n", (unsigned long long)s->users);
	fprintf(f, "  \"bytes_in_total\": %llu,\n", (unsigned long long)s->bytes_in);
	fprintf(f, "  \"bytes_in_avg\": %.1f,\n", avg((double)s->bytes_in, s->sessions));
	fprintf(f, "  \"bytes_out_total\": %llu,\n", (unsigned long long)s->bytes_out);
	fprintf(f, "  \"bytes_out_avg\": %.1f,\n", avg((double)s->bytes_out, s->sessions));
	fprintf(f, "  \"connected_seconds_total\": %llu,\n", (unsigned long long)s->seconds);
	fprintf(f, "  \"connected_seconds_avg\": %.1f,\n", avg((double)s->seconds, s->sessions));
	fprintf(f, "  \"first\": %lld,\n  \"last\": %lld,\n", (long long)s->first,
		(long long)s->last);
	fprintf(f, "  \"per_day\": [");
	for (uint32_t d = 0; d < s->ndays; d++)
		fprintf(f, "%s{\"day\": %lld, \"connections\": %llu}", d ? ", " : "",
			(long long)(s->day0 + (int64_t)d * 86400),
			(unsigned long long)s->per_day[d]);
	fprintf(f, "],\n");
	json_hist(f, "duration", trace_dur_bin_label, s->dur_hist, TRACE_DUR_BINS, false);
	json_hist(f, "bytes_in", trace_vol_bin_label, s->in_hist, TRACE_VOL_BINS, false);
	json_hist(f, "bytes_out", trace_vol_bin_label, s->out_hist, TRACE_VOL_BINS, false);
	json_hist(f, "visits_per_user", trace_visit_bin_label, s->visit_hist,
		  TRACE_VISIT_BINS, false);
	fprintf(f, "  \"visits_median\": %llu,\n  \"visits_max\": %llu\n",
		(unsigned long long)s->visits_median,
		(unsigned long long)s->visits_max);
	fprintf(f, "}\n");
}
