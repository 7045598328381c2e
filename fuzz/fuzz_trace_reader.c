/*
 * fuzz_trace_reader.c - one of the trace module's line readers on arbitrary
 * bytes: parse as one file, complete open sessions, then compute statistics
 * and simulate over whatever was read, so every session the reader accepts
 * goes through the code that trusts it.  Built once per reader, with
 * FUZZ_TRACE_FORMAT naming it (fuzz_trace_asa, _openvpn, _radius,
 * _strongswan; the CSV reader has a harness of its own).
 */
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

#ifndef FUZZ_TRACE_FORMAT
#error "build with -DFUZZ_TRACE_FORMAT=TRACE_FMT_..."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_stats st;
	struct trace_read_opts o = { .format = FUZZ_TRACE_FORMAT, .year = 2024 };
	struct trace_sim_point pts[3] = {
		{ TRACE_CLOCKED, 3600 }, { TRACE_ESTABLISHED, 600 },
		{ TRACE_DATA, 1u << 20 },
	};
	struct trace_sim_params p = { 0 };
	struct trace_sim_result r[3];
	struct trace *t = trace_new();
	struct trace_reader *rd = t ? trace_reader_new(t, &o) : NULL;

	if (rd && trace_reader_mem(rd, "fuzz", data, size) == 0 &&
	    trace_reader_finish(rd) == 0 && trace_count(t) < 100000) {
		(void)trace_stats_compute(t, &st);
		(void)trace_simulate(t, &p, pts, 3, r);
		p.capacity = 2;
		(void)trace_simulate(t, &p, pts, 3, r);
	}
	trace_reader_free(rd);
	trace_free(t);
	return 0;
}
