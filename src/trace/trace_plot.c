/*
 * trace_plot.c - the paper's figures as SVG, drawn by gnuplot.
 *
 * For each figure the data goes to <dir>/<name>.dat and a script to
 * <dir>/<name>.gp (kept, so an operator can restyle and rerun them), then
 * `gnuplot <name>.gp` runs in dir; scripts name their files relative to
 * dir, so no path is ever quoted into a script.  index.html shows every figure present
 * in dir, so stats and simulate may plot into the same folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "trace/trace_int.h"

extern char **environ;

#define TERM "set terminal svg size 900,520 dynamic enhanced font 'sans,12' background '#ffffff'\n"

static const struct {
	const char *name, *title;
} figures[] = {
	{ "connections-per-day", "Figure 2: connections per day" },
	{ "durations", "Figure 3: duration of connections" },
	{ "data-volume", "Figure 4: data volume per connection" },
	{ "visits-per-user", "Figure 5: visits per user" },
	{ "full-exchanges-clocked", "Figure 6: full exchanges, clocked lifetime" },
	{ "full-exchanges-established", "Full exchanges, established lifetime" },
	{ "full-exchanges-data", "Full exchanges, data lifetime" },
};

static FILE *open_in(const char *dir, const char *name, const char *ext)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	return fopen(path, "w");
}

static int close_ok(FILE *f)
{
	return fclose(f) == 0 ? 0 : ERR_IO;
}

static int run_gnuplot(const char *dir, const char *name)
{
	char script[4096], *argv[3];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	snprintf(script, sizeof(script), "%s.gp", name);
	argv[0] = (char *)(uintptr_t)"gnuplot";
	argv[1] = script;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	/* gnuplot's own messages would clutter a report: keep errors only. */
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return rc == ENOENT ? ERR_UNSUPPORTED : ERR_IO;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return ERR_IO;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = EIO;
		return ERR_IO;
	}
	return 0;
}

static int write_index(const char *dir)
{
	char path[4096];
	struct stat sb;
	FILE *f = open_in(dir, "index", "html");

	if (!f)
		return ERR_IO;
	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>reswan trace</title>\n<style>body{font-family:sans-serif;"
		"margin:2em}figure{display:inline-block;margin:1em}"
		"img{max-width:900px}</style></head><body>\n"
		"<h1>reswan trace</h1>\n");
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.svg", dir, figures[i].name);
		if (stat(path, &sb) != 0)
			continue;
		fprintf(f, "<figure><img src=\"%s.svg\" alt=\"%s\">"
			"<figcaption>%s</figcaption></figure>\n",
			figures[i].name, figures[i].title, figures[i].title);
	}
	fprintf(f, "</body></html>\n");
	return close_ok(f);
}

static int mkdir_p(const char *dir)
{
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	return ERR_IO;
}

/* Histogram: one "label count..." line per bin. */
static int histogram(const char *dir, const char *name, const char *title,
		     const char *xlabel, const char *const *labels,
		     const uint64_t *a, const uint64_t *b, size_t n)
{
	FILE *f = open_in(dir, name, "dat");
	int rc;

	if (!f)
		return ERR_IO;
	for (size_t i = 0; i < n; i++) {
		if (b)
			fprintf(f, "\"%s\" %llu %llu\n", labels[i],
				(unsigned long long)a[i], (unsigned long long)b[i]);
		else
			fprintf(f, "\"%s\" %llu\n", labels[i], (unsigned long long)a[i]);
	}
	if ((rc = close_ok(f)))
		return rc;
	if (!(f = open_in(dir, name, "gp")))
		return ERR_IO;
	fprintf(f, TERM "set output '%s.svg'\nset title '%s'\n"
		"set xlabel '%s'\nset ylabel 'connections (count)'\n"
		"set style data histograms\nset style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
		"set grid ytics\nset xtics rotate by -30\nset yrange [0:*]\n",
		name, title, xlabel);
	if (b)
		fprintf(f, "plot '%s.dat' using 2:xtic(1) title 'in (client to gateway)', "
			"'' using 3 title 'out (gateway to client)'\n", name);
	else
		fprintf(f, "plot '%s.dat' using 2:xtic(1) notitle\n", name);
	if ((rc = close_ok(f)))
		return rc;
	return run_gnuplot(dir, name);
}

int trace_plot_stats(const char *dir, const struct trace_stats *s)
{
	FILE *f;
	int rc;

	if ((rc = mkdir_p(dir)))
		return rc;
	if (!(f = open_in(dir, "connections-per-day", "dat")))
		return ERR_IO;
	for (uint32_t d = 0; d < s->ndays; d++)
		fprintf(f, "%lld %llu\n", (long long)(s->day0 + (int64_t)d * 86400),
			(unsigned long long)s->per_day[d]);
	if ((rc = close_ok(f)))
		return rc;
	if (!(f = open_in(dir, "connections-per-day", "gp")))
		return ERR_IO;
	fprintf(f, TERM "set output 'connections-per-day.svg'\n"
		"set title 'Connections per day'\nset xdata time\n"
		"set timefmt '%%s'\nset format x '%%m-%%d'\n"
		"set xlabel 'day (UTC, month-day)'\nset ylabel 'connections (count per day)'\n"
		"set style fill solid 0.8 border -1\nset boxwidth 86400*0.8 absolute\n"
		"set grid ytics\nset yrange [0:*]\n"
		"plot 'connections-per-day.dat' using ($1+43200):2 with boxes notitle\n");
	if ((rc = close_ok(f)))
		return rc;
	if ((rc = run_gnuplot(dir, "connections-per-day")) ||
	    (rc = histogram(dir, "durations", "Duration of connections",
			    "connection duration", trace_dur_bin_label,
			    s->dur_hist, NULL, TRACE_DUR_BINS)) ||
	    (rc = histogram(dir, "data-volume", "Data volume per connection",
			    "bytes per connection (KB, MB, GB = 1024-based)",
			    trace_vol_bin_label, s->in_hist, s->out_hist,
			    TRACE_VOL_BINS)) ||
	    (rc = histogram(dir, "visits-per-user", "Visits per user",
			    "connections per user over the trace",
			    trace_visit_bin_label, s->visit_hist, NULL,
			    TRACE_VISIT_BINS)))
		return rc;
	return write_index(dir);
}

int trace_plot_sim(const char *dir, const struct trace_sim_result *r, size_t n)
{
	static const enum trace_strategy strat[] = {
		TRACE_CLOCKED, TRACE_ESTABLISHED, TRACE_DATA,
	};
	int rc;

	if ((rc = mkdir_p(dir)))
		return rc;
	for (size_t k = 0; k < 3; k++) {
		const char *sname = trace_strategy_name(strat[k]);
		bool data = strat[k] == TRACE_DATA;
		char name[64];
		size_t cnt = 0;
		FILE *f;

		snprintf(name, sizeof(name), "full-exchanges-%s", sname);
		if (!(f = open_in(dir, name, "dat")))
			return ERR_IO;
		for (size_t i = 0; i < n; i++) {
			if (r[i].point.strategy != strat[k])
				continue;
			fprintf(f, "%.6f %llu %llu\n",
				data ? (double)r[i].point.lifetime / 1048576.0
				     : (double)r[i].point.lifetime / 3600.0,
				(unsigned long long)r[i].full,
				(unsigned long long)r[i].sessions);
			cnt++;
		}
		if ((rc = close_ok(f)))
			return rc;
		if (!cnt)
			continue;
		if (!(f = open_in(dir, name, "gp")))
			return ERR_IO;
		fprintf(f, TERM "set output '%s.svg'\n"
			"set title 'Full exchanges needed, %s lifetime'\n"
			"set logscale x\nset xlabel '%s'\n"
			"set ylabel 'full IKE exchanges (count)'\nset grid\n"
			"set yrange [0:*]\nset key bottom left\n"
			"plot '%s.dat' using 1:2 with linespoints lw 2 pt 7 title '%s caching', "
			"'' using 1:3 with lines dt 2 title 'no caching (one per connection)'\n",
			name, sname,
			data ? "data lifetime (MB, log scale)"
			     : "lifetime (hours, log scale)",
			name, sname);
		if ((rc = close_ok(f)))
			return rc;
		if ((rc = run_gnuplot(dir, name)))
			return rc;
	}
	return write_index(dir);
}
