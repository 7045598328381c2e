/*
 * trace_threads.c - how many threads the trace module uses, and running a
 * job's parts on them.
 *
 * Parsing a large file, the statistics and the simulator split their work
 * into parts whose results are combined in part order, so the answer is
 * the same on any number of threads and under any scheduling; the thread
 * count only changes how long it takes.  RESWAN_TRACE_THREADS in the
 * environment fixes the count for the command line (1 gives the
 * sequential code paths).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "trace/trace_int.h"

unsigned trace_threads(unsigned requested)
{
	const char *env;
	long n;

	if (requested)
		return requested < TRACE_THREADS_MAX ? requested : TRACE_THREADS_MAX;
	env = getenv("RESWAN_TRACE_THREADS");
	if (env && *env) {
		char *end;

		n = strtol(env, &end, 10);
		if (!*end && n >= 1 && n <= TRACE_THREADS_MAX)
			return (unsigned)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n < TRACE_THREADS_AUTO ? (unsigned)n : TRACE_THREADS_AUTO;
}

struct job {
	void (*fn)(void *arg, unsigned k);
	void *arg;
	unsigned k;
};

static void *run(void *p)
{
	struct job *j = p;

	j->fn(j->arg, j->k);
	return NULL;
}

void trace_threads_run(unsigned n, void (*fn)(void *arg, unsigned k),
		       void *arg)
{
	pthread_t th[TRACE_THREADS_MAX];
	struct job jobs[TRACE_THREADS_MAX];
	bool started[TRACE_THREADS_MAX] = { false };

	if (n > TRACE_THREADS_MAX)
		n = TRACE_THREADS_MAX;
	for (unsigned k = 1; k < n; k++) {
		jobs[k] = (struct job){ fn, arg, k };
		started[k] = pthread_create(&th[k], NULL, run, &jobs[k]) == 0;
	}
	if (n)
		fn(arg, 0);
	for (unsigned k = 1; k < n; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			fn(arg, k);
	}
}
