/*
 * trace_sim_report.c - simulation results as a table or as JSON, with the
 * cost model applied: responder CPU time with and without caching, and the
 * memory of the peak record count.
 */
#include <stdio.h>

#include "common/units.h"
#include "trace/trace_int.h"

const char *trace_strategy_name(enum trace_strategy s)
{
	switch (s) {
	case TRACE_CLOCKED: return "clocked";
	case TRACE_ESTABLISHED: return "established";
	case TRACE_DATA: return "data";
	}
	return "?";
}

static const char *lifetime_str(const struct trace_sim_point *pt, char *buf,
				size_t len)
{
	if (pt->strategy == TRACE_DATA)
		return units_fmt_bytes(pt->lifetime, buf, len);
	return units_fmt_duration(pt->lifetime, buf, len);
}

static double frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

/* CPU seconds: baseline, with caching. */
static void cpu(const struct trace_cost *c, const struct trace_sim_result *r,
		double *base_s, double *with_s)
{
	*base_s = (double)r->sessions * c->full_us / 1e6;
	*with_s = ((double)r->full * c->full_us +
		   (double)r->resumed * c->resume_us) / 1e6;
}

void trace_sim_print(FILE *f, const struct trace_sim_params *p,
		     const struct trace_cost *c,
		     const struct trace_sim_result *r, size_t n)
{
	char buf[32], cap[32];

	snprintf(cap, sizeof(cap), "%llu", (unsigned long long)p->capacity);
	fprintf(f, "cost model: full %.0f us, resume %.0f us, record %u bytes; "
		"capacity %s; max-age %s\n",
		c->full_us, c->resume_us, c->record_bytes,
		p->capacity ? cap : "unlimited",
		p->max_age ? units_fmt_duration(p->max_age, buf, sizeof(buf)) : "none");
	fprintf(f, "%-11s %9s %10s %10s %7s %10s %11s %10s %12s\n", "strategy",
		"lifetime", "full", "resumed", "full/bl", "peak recs",
		"peak memory", "evicted", "cpu saved s");
	for (size_t i = 0; i < n; i++) {
		double base_s, with_s;
		char mem[32];

		cpu(c, &r[i], &base_s, &with_s);
		snprintf(mem, sizeof(mem), "%.1f MB",
			 (double)r[i].peak_records * c->record_bytes / 1048576.0);
		fprintf(f, "%-11s %9s %10llu %10llu %6.1f%% %10llu %11s %10llu %12.1f\n",
			trace_strategy_name(r[i].point.strategy),
			lifetime_str(&r[i].point, buf, sizeof(buf)),
			(unsigned long long)r[i].full,
			(unsigned long long)r[i].resumed,
			100.0 * frac(r[i].full, r[i].sessions),
			(unsigned long long)r[i].peak_records, mem,
			(unsigned long long)r[i].evicted, base_s - with_s);
	}
	if (n)
		fprintf(f, "baseline: %llu full exchanges (one per session)\n",
			(unsigned long long)r[0].sessions);
	if (n && r[0].peak_resolution > 1)
		fprintf(f, "peak records: counted in %u s slots, an upper bound "
			"(records usable at any time in the busiest slot)\n",
			r[0].peak_resolution);
}

void trace_sim_json(FILE *f, const struct trace_sim_params *p,
		    const struct trace_cost *c,
		    const struct trace_sim_result *r, size_t n)
{
	fprintf(f, "{\n  \"sessions\": %llu,\n",
		(unsigned long long)(n ? r[0].sessions : 0));
	fprintf(f, "  \"capacity\": %llu,\n  \"max_age_s\": %llu,\n",
		(unsigned long long)p->capacity, (unsigned long long)p->max_age);
	fprintf(f, "  \"cost_full_us\": %.3f,\n  \"cost_resume_us\": %.3f,\n",
		c->full_us, c->resume_us);
	fprintf(f, "  \"record_bytes\": %u,\n  \"results\": [\n", c->record_bytes);
	for (size_t i = 0; i < n; i++) {
		double base_s, with_s;

		cpu(c, &r[i], &base_s, &with_s);
		fprintf(f, "    {\"strategy\": \"%s\", \"lifetime\": %llu, "
			"\"lifetime_unit\": \"%s\", \"full\": %llu, \"resumed\": %llu, "
			"\"full_fraction\": %.6f, \"peak_records\": %llu, "
			"\"peak_memory_bytes\": %llu, \"peak_resolution_s\": %u, "
			"\"evicted\": %llu, \"cpu_baseline_s\": %.3f, "
			"\"cpu_with_cache_s\": %.3f, \"cpu_saved_s\": %.3f}%s\n",
			trace_strategy_name(r[i].point.strategy),
			(unsigned long long)r[i].point.lifetime,
			r[i].point.strategy == TRACE_DATA ? "bytes" : "seconds",
			(unsigned long long)r[i].full,
			(unsigned long long)r[i].resumed,
			frac(r[i].full, r[i].sessions),
			(unsigned long long)r[i].peak_records,
			(unsigned long long)(r[i].peak_records * c->record_bytes),
			r[i].peak_resolution, (unsigned long long)r[i].evicted,
			base_s, with_s, base_s - with_s, i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}
