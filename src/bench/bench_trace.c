/*
 * bench_trace.c - how fast `reswan trace` digests a large log, measured
 * against the floor of reading the file at all (`wc -l`).
 *
 * The trace is a synthetic wireless-profile CSV with the user count scaled
 * to give the requested sessions over 30 days (10 million by default,
 * about 750 MB).  Each timed command runs as its own process so its peak
 * resident set (ru_maxrss from wait4) is its own; `wc -l` runs once
 * untimed first so every command reads the file from the page cache.
 * The three commands run --runs times in turn (so that a noisy neighbour
 * slows them alike) and the medians are shown; the peak RSS is the
 * largest seen.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "trace/trace.h"

extern char **environ;

#define BENCH_SESSIONS_DEFAULT 10000000ULL
#define BENCH_RUNS_DEFAULT 3
#define BENCH_RUNS_MAX 25

struct run {
	double secs;		/* wall */
	double cpu;		/* user + system */
	long maxrss_kb;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv with stdout to /dev/null; time it and take its rusage. */
static int timed(char *const argv[], struct run *r)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double t0;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = now();
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	if (rc == ENOENT)
		rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "bench trace: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR)
			return -1;
	}
	r->secs = now() - t0;
	r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	r->maxrss_kb = ru.ru_maxrss;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench trace: %s %s failed (status %d)\n", argv[0],
			argv[1] ? argv[1] : "", st);
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: reswan bench trace [--sessions N] [--runs N] [--dir DIR] [--keep] [--reswan PATH]\n"
		"  --sessions N   sessions in the generated trace (default %llu)\n"
		"  --runs N       time each command N times, show medians (default %d)\n"
		"  --dir DIR      where to write it (default $TMPDIR or /tmp)\n"
		"  --keep         keep the trace file afterwards\n"
		"  --reswan PATH  reswan binary to time (default: this one)\n"
		"RESWAN_TRACE_THREADS in the environment sets the threads reswan trace uses.\n",
		BENCH_SESSIONS_DEFAULT, BENCH_RUNS_DEFAULT);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median wall and CPU time and the largest RSS of n runs. */
static struct run median(const struct run *r, int n)
{
	double w[BENCH_RUNS_MAX], c[BENCH_RUNS_MAX];
	struct run m = { 0, 0, 0 };

	for (int i = 0; i < n; i++) {
		w[i] = r[i].secs;
		c[i] = r[i].cpu;
		if (r[i].maxrss_kb > m.maxrss_kb)
			m.maxrss_kb = r[i].maxrss_kb;
	}
	qsort(w, (size_t)n, sizeof(double), cmp_double);
	qsort(c, (size_t)n, sizeof(double), cmp_double);
	m.secs = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
	m.cpu = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	return m;
}

int bench_trace_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sessions", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ "reswan", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct trace_profile *p = trace_profile_find("wireless");
	unsigned long long sessions = BENCH_SESSIONS_DEFAULT;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	const char *self = "/proc/self/exe";
	char path[4096], exe[4096];
	struct run wcr[BENCH_RUNS_MAX], str[BENCH_RUNS_MAX], simr[BENCH_RUNS_MAX];
	struct run wc, st, sim;
	int runs = BENCH_RUNS_DEFAULT;
	const char *threads = getenv("RESWAN_TRACE_THREADS");
	struct stat sb;
	bool keep = false;
	double gen;
	uint32_t users;
	size_t n;
	ssize_t el;
	int c, rc = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sessions = strtoull(optarg, NULL, 10);
			if (sessions < 1000 || sessions > 100000000ULL) {
				fprintf(stderr, "bench trace: --sessions between 1000 and 1e8\n");
				return 2;
			}
			break;
		case 'n':
			runs = atoi(optarg);
			if (runs < 1 || runs > BENCH_RUNS_MAX) {
				fprintf(stderr, "bench trace: --runs between 1 and %d\n",
					BENCH_RUNS_MAX);
				return 2;
			}
			break;
		case 'd': dir = optarg; break;
		case 'k': keep = true; break;
		case 'r': self = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* Resolve the binary now: children must not see /proc/<child>/exe. */
	el = readlink(self, exe, sizeof(exe) - 1);
	if (el > 0)
		exe[el] = 0;
	else
		snprintf(exe, sizeof(exe), "%s", self);
	snprintf(path, sizeof(path), "%s/reswan-bench-trace-%d.csv", dir, (int)getpid());
	users = (uint32_t)llround((double)p->users * (double)sessions / (double)p->sessions);
	printf("bench trace: generating %llu sessions (%u users, 30 days, wireless profile)\n",
	       sessions, users);
	fflush(stdout);
	{
		/*
		 * In a child too: a spawned process starts with its parent's
		 * peak RSS (vfork shares the address space until exec), so the
		 * parent must stay small for the children's figures to be
		 * their own.
		 */
		char ubuf[16];
		char *gen_argv[] = { exe, (char *)(uintptr_t)"trace",
				     (char *)(uintptr_t)"synth",
				     (char *)(uintptr_t)"--profile",
				     (char *)(uintptr_t)"wireless",
				     (char *)(uintptr_t)"--users", ubuf,
				     (char *)(uintptr_t)"--days", (char *)(uintptr_t)"30",
				     (char *)(uintptr_t)"--seed", (char *)(uintptr_t)"1",
				     (char *)(uintptr_t)"-o", path, NULL };
		struct run g;

		snprintf(ubuf, sizeof(ubuf), "%u", users);
		if (timed(gen_argv, &g)) {
			unlink(path);
			return 1;
		}
		gen = g.secs;
	}
	if (stat(path, &sb) != 0) {
		perror(path);
		return 1;
	}
	n = (size_t)llround((double)p->sessions * users / p->users);
	printf("bench trace: %s, about %zu sessions, %.0f MB, written in %.1f s\n", path, n,
	       (double)sb.st_size / 1e6, gen);
	{
		char *wc_argv[] = { (char *)(uintptr_t)"wc", (char *)(uintptr_t)"-l", path, NULL };
		char *st_argv[] = { exe, (char *)(uintptr_t)"trace",
				    (char *)(uintptr_t)"stats", path, NULL };
		char *sim_argv[] = { exe, (char *)(uintptr_t)"trace",
				     (char *)(uintptr_t)"simulate", path,
				     (char *)(uintptr_t)"--strategy",
				     (char *)(uintptr_t)"all", NULL };

		rc = 1;
		if (timed(wc_argv, &wc))
			goto out;
		for (int i = 0; i < runs; i++) {
			if (timed(wc_argv, &wcr[i]) || timed(st_argv, &str[i]) ||
			    timed(sim_argv, &simr[i]))
				goto out;
			printf("bench trace: run %d: wc -l %.2f s, stats %.2f s, simulate %.2f s (wall)\n",
			       i + 1, wcr[i].secs, str[i].secs, simr[i].secs);
			fflush(stdout);
		}
		wc = median(wcr, runs);
		st = median(str, runs);
		sim = median(simr, runs);
	}
	/*
	 * Wall time is what the aims are about, but on a shared machine it
	 * includes waiting for a CPU: CPU time (user + system) is shown too,
	 * and the ratio is given for both.
	 */
	printf("\nmedians of %d run%s; reswan trace threads: %s\n", runs, runs == 1 ? "" : "s",
	       threads && *threads ? threads : "automatic (one a CPU, up to 8)");
	printf("%-42s %7s %7s %7s %7s %9s %9s\n", "command", "wall s", "x wc", "cpu s",
	       "x wc", "RSS MB", "B/session");
	printf("%-42s %7.2f %7s %7.2f %7s %9.1f %9s\n", "wc -l", wc.secs, "1.0", wc.cpu,
	       "1.0", wc.maxrss_kb / 1024.0, "-");
	printf("%-42s %7.2f %7.1f %7.2f %7.1f %9.1f %9.1f\n", "reswan trace stats",
	       st.secs, st.secs / wc.secs, st.cpu, st.cpu / wc.cpu,
	       st.maxrss_kb / 1024.0, st.maxrss_kb * 1024.0 / (double)n);
	printf("%-42s %7.2f %7.1f %7.2f %7.1f %9.1f %9.1f\n",
	       "reswan trace simulate --strategy all (36)", sim.secs,
	       sim.secs / wc.secs, sim.cpu, sim.cpu / wc.cpu,
	       sim.maxrss_kb / 1024.0, sim.maxrss_kb * 1024.0 / (double)n);
	printf("\naims: stats <= 3x wc -l, simulate sweep <= 10x wc -l, < 64 B/session\n");
	rc = 0;
out:
	if (!keep)
		unlink(path);
	return rc;
}
