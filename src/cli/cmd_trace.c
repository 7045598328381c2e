/*
 * cmd_trace.c - reswan trace stats|simulate|synth: what caching would save
 * on an operator's own logs, and synthetic logs to try it on.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/err.h"
#include "common/units.h"
#include "trace/trace.h"

/* The default sweep: wide enough to draw the paper's Figure 6. */
static const char *const default_lifetimes =
	"5m,15m,30m,1h,2h,4h,8h,12h,1d,2d,1w,30d";
static const char *const default_data_lifetimes =
	"1MB,2MB,5MB,10MB,20MB,50MB,100MB,200MB,500MB,1GB,2GB,5GB";

static void usage_main(FILE *f)
{
	fprintf(f,
		"usage: reswan trace stats FILE... [options]\n"
		"       reswan trace simulate FILE... --strategy clocked|established|data|all [options]\n"
		"       reswan trace synth --profile wireless|remote [--users N] [--days D] [--seed S] -o FILE\n"
		"\nrun 'reswan trace <subcommand> --help' for its options\n");
}

static void usage_read(FILE *f)
{
	fprintf(f,
		"input options:\n"
		"  --format F      csv, radius, strongswan, asa, openvpn (default: detect\n"
		"                  per file)\n"
		"  --strict        stop at the first malformed line\n"
		"  --year Y        year for syslog stamps without one (default: this year)\n"
		"FILEs may be gzip-compressed; rotated logs may be given in any order.\n");
}

static void usage_stats(FILE *f)
{
	fprintf(f,
		"usage: reswan trace stats FILE... [--json] [--plot DIR] [input options]\n"
		"Table II of the paper for these logs (connections, users, bytes, durations)\n"
		"and the data of Figures 2-5.\n"
		"  --json          machine-readable output\n"
		"  --plot DIR      write SVG figures and index.html into DIR (needs gnuplot)\n");
	usage_read(f);
}

static void usage_simulate(FILE *f)
{
	fprintf(f,
		"usage: reswan trace simulate FILE... --strategy clocked|established|data|all\n"
		"                              [options] [input options]\n"
		"Full exchanges needed if the gateway cached credentials, per lifetime.\n"
		"  --lifetimes L,...       clocked/established lifetimes (default %s)\n"
		"  --data-lifetimes B,...  data lifetimes (default %s)\n"
		"  --capacity N            cache at most N records (LRU); default unlimited\n"
		"  --max-age D             records expire D after their full exchange\n"
		"  --cost-full US          responder CPU per full exchange, us (default %.0f)\n"
		"  --cost-resume US        responder CPU per resumption, us (default %.0f)\n"
		"  --record-bytes N        memory per cached record (default %d)\n"
		"  --json                  machine-readable output\n"
		"  --plot DIR              write SVG figures and index.html into DIR\n",
		default_lifetimes, default_data_lifetimes,
		TRACE_COST_FULL_US_DEFAULT, TRACE_COST_RESUME_US_DEFAULT,
		TRACE_RECORD_BYTES_DEFAULT);
	usage_read(f);
}

static void usage_synth(FILE *f)
{
	fprintf(f,
		"usage: reswan trace synth --profile wireless|remote [--users N] [--days D]\n"
		"                          [--seed S] -o FILE\n"
		"A synthetic canonical-CSV trace calibrated to the paper's Table II;\n"
		"FILE ending in .gz is compressed, '-' is standard output.\n"
		"  --users N   users (default: the profile's, 11250 or 15579)\n"
		"  --days D    days from 2006-08-19 (default 30)\n"
		"  --seed S    random seed (default 1); same seed, same bytes\n");
}

enum {
	O_FORMAT = 256, O_STRICT, O_YEAR, O_JSON, O_PLOT, O_STRATEGY,
	O_LIFETIMES, O_DATA_LIFETIMES, O_CAPACITY, O_MAX_AGE, O_COST_FULL,
	O_COST_RESUME, O_RECORD_BYTES, O_PROFILE, O_USERS, O_DAYS, O_SEED,
	O_HELP,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, O_FORMAT },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "year", required_argument, NULL, O_YEAR },
	{ "json", no_argument, NULL, O_JSON },
	{ "plot", required_argument, NULL, O_PLOT },
	{ "strategy", required_argument, NULL, O_STRATEGY },
	{ "lifetimes", required_argument, NULL, O_LIFETIMES },
	{ "data-lifetimes", required_argument, NULL, O_DATA_LIFETIMES },
	{ "capacity", required_argument, NULL, O_CAPACITY },
	{ "max-age", required_argument, NULL, O_MAX_AGE },
	{ "cost-full", required_argument, NULL, O_COST_FULL },
	{ "cost-resume", required_argument, NULL, O_COST_RESUME },
	{ "record-bytes", required_argument, NULL, O_RECORD_BYTES },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "users", required_argument, NULL, O_USERS },
	{ "days", required_argument, NULL, O_DAYS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	struct trace_read_opts rd;
	bool json;
	const char *plot;
	const char *strategy;
	const char *lifetimes, *data_lifetimes;
	struct trace_sim_params sim;
	struct trace_cost cost;
	const char *profile, *out;
	uint64_t users, days, seed;
	bool help;
};

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static bool parse_us(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return !errno && !*end && end != s && *v >= 0 && *v < 1e9;
}

/* Parse options; returns 0, or 2 after printing what was wrong. */
static int parse(int argc, char **argv, const char *ctx, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->cost.full_us = TRACE_COST_FULL_US_DEFAULT;
	o->cost.resume_us = TRACE_COST_RESUME_US_DEFAULT;
	o->cost.record_bytes = TRACE_RECORD_BYTES_DEFAULT;
	o->lifetimes = default_lifetimes;
	o->data_lifetimes = default_data_lifetimes;
	o->seed = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
		uint64_t v;
		int f;

		switch (c) {
		case O_FORMAT:
			if ((f = trace_format_parse(optarg)) < 0) {
				fprintf(stderr, "reswan trace %s: unknown format '%s'\n", ctx, optarg);
				return 2;
			}
			o->rd.format = (enum trace_format)f;
			break;
		case O_STRICT: o->rd.strict = true; break;
		case O_YEAR:
			if (!parse_u64(optarg, &v) || v < 1970 || v > 2105) {
				fprintf(stderr, "reswan trace %s: bad --year '%s'\n", ctx, optarg);
				return 2;
			}
			o->rd.year = (int)v;
			break;
		case O_JSON: o->json = true; break;
		case O_PLOT: o->plot = optarg; break;
		case O_STRATEGY: o->strategy = optarg; break;
		case O_LIFETIMES: o->lifetimes = optarg; break;
		case O_DATA_LIFETIMES: o->data_lifetimes = optarg; break;
		case O_CAPACITY:
			if (!parse_u64(optarg, &o->sim.capacity) || !o->sim.capacity) {
				fprintf(stderr, "reswan trace %s: bad --capacity '%s'\n", ctx, optarg);
				return 2;
			}
			break;
		case O_MAX_AGE:
			if (units_parse_duration(optarg, &o->sim.max_age) || !o->sim.max_age) {
				fprintf(stderr, "reswan trace %s: bad --max-age '%s'\n", ctx, optarg);
				return 2;
			}
			break;
		case O_COST_FULL:
		case O_COST_RESUME:
			if (!parse_us(optarg, c == O_COST_FULL ? &o->cost.full_us
							       : &o->cost.resume_us)) {
				fprintf(stderr, "reswan trace %s: bad cost '%s' (microseconds)\n",
					ctx, optarg);
				return 2;
			}
			break;
		case O_RECORD_BYTES:
			if (!parse_u64(optarg, &v) || v > 1u << 20) {
				fprintf(stderr, "reswan trace %s: bad --record-bytes '%s'\n", ctx, optarg);
				return 2;
			}
			o->cost.record_bytes = (uint32_t)v;
			break;
		case O_PROFILE: o->profile = optarg; break;
		case O_USERS:
		case O_DAYS:
		case O_SEED:
			if (!parse_u64(optarg, c == O_USERS ? &o->users
					   : c == O_DAYS ? &o->days : &o->seed)) {
				fprintf(stderr, "reswan trace %s: bad number '%s'\n", ctx, optarg);
				return 2;
			}
			break;
		case 'o': o->out = optarg; break;
		case 'h':
		case O_HELP: o->help = true; break;
		default:
			fprintf(stderr, "reswan trace %s: unknown or incomplete option '%s'\n",
				ctx, argv[optind - 1]);
			return 2;
		}
	}
	return 0;
}

/* Read every FILE into a new trace; NULL (reported) on failure. */
static struct trace *load(int argc, char **argv, const struct opts *o)
{
	struct trace *t = trace_new();
	struct trace_reader *rd = t ? trace_reader_new(t, &o->rd) : NULL;
	int rc = 0;

	if (!rd) {
		fprintf(stderr, "reswan trace: out of memory\n");
		trace_free(t);
		return NULL;
	}
	for (int i = optind; i < argc && !rc; i++)
		rc = trace_reader_file(rd, argv[i]);
	if (!rc)
		rc = trace_reader_finish(rd);
	if (trace_reader_malformed(rd)) {
		fprintf(stderr, "reswan trace: %llu malformed line%s skipped%s\n",
			(unsigned long long)trace_reader_malformed(rd),
			trace_reader_malformed(rd) == 1 ? "" : "s",
			trace_reader_diag_count(rd) ? ", first ones:" : "");
		for (size_t i = 0; i < trace_reader_diag_count(rd); i++)
			fprintf(stderr, "  %s\n", trace_reader_diag(rd, i));
	}
	if (rc) {
		fprintf(stderr, "reswan trace: %s\n",
			*trace_reader_error(rd) ? trace_reader_error(rd) : err_str(rc));
		trace_reader_free(rd);
		trace_free(t);
		return NULL;
	}
	if (trace_reader_open_closed(rd))
		fprintf(stderr, "reswan trace: %llu session%s still open at the end of the input, closed there\n",
			(unsigned long long)trace_reader_open_closed(rd),
			trace_reader_open_closed(rd) == 1 ? "" : "s");
	trace_reader_free(rd);
	return t;
}

static int plot_error(int rc, const char *dir)
{
	if (rc == ERR_UNSUPPORTED)
		fprintf(stderr, "reswan trace: --plot needs gnuplot (Debian package gnuplot-nox)\n");
	else
		fprintf(stderr, "reswan trace: plotting into %s failed: %s\n", dir,
			strerror(errno));
	return 1;
}

static int cmd_stats(int argc, char **argv)
{
	struct trace_stats *s;
	struct trace *t;
	struct opts o;
	int rc;

	if ((rc = parse(argc, argv, "stats", &o)))
		return rc;
	if (o.help) {
		usage_stats(stdout);
		return 0;
	}
	if (optind >= argc) {
		usage_stats(stderr);
		return 2;
	}
	if (!(t = load(argc, argv, &o)))
		return 1;
	s = malloc(sizeof(*s));
	if (!s || trace_stats_compute(t, s)) {
		fprintf(stderr, "reswan trace: out of memory\n");
		free(s);
		trace_free(t);
		return 1;
	}
	if (o.json)
		trace_stats_json(stdout, s);
	else
		trace_stats_print(stdout, s);
	rc = 0;
	if (o.plot && (rc = trace_plot_stats(o.plot, s)))
		rc = plot_error(rc, o.plot);
	free(s);
	trace_free(t);
	return rc;
}

/* Append "a,b,c" as points of strategy st; false (reported) if bad. */
static bool add_points(const char *list, enum trace_strategy st, bool bytes,
		       struct trace_sim_point *pts, size_t *n)
{
	char buf[64];
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		uint64_t v;

		if (len == 0 || len >= sizeof(buf) || *n >= TRACE_SIM_MAX_POINTS) {
			fprintf(stderr, "reswan trace simulate: bad lifetime list '%s'\n", list);
			return false;
		}
		memcpy(buf, p, len);
		buf[len] = 0;
		if ((bytes ? units_parse_bytes(buf, &v) : units_parse_duration(buf, &v))) {
			fprintf(stderr, "reswan trace simulate: bad %s '%s'\n",
				bytes ? "data lifetime" : "lifetime", buf);
			return false;
		}
		pts[(*n)++] = (struct trace_sim_point){ st, v };
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}

static int cmd_simulate(int argc, char **argv)
{
	struct trace_sim_point pts[TRACE_SIM_MAX_POINTS];
	struct trace_sim_result *res = NULL;
	struct trace *t;
	struct opts o;
	size_t n = 0;
	bool all;
	int rc;

	if ((rc = parse(argc, argv, "simulate", &o)))
		return rc;
	if (o.help) {
		usage_simulate(stdout);
		return 0;
	}
	if (optind >= argc || !o.strategy) {
		usage_simulate(stderr);
		return 2;
	}
	all = strcmp(o.strategy, "all") == 0;
	if (!all && strcmp(o.strategy, "clocked") && strcmp(o.strategy, "established") &&
	    strcmp(o.strategy, "data")) {
		fprintf(stderr, "reswan trace simulate: unknown strategy '%s'\n", o.strategy);
		return 2;
	}
	if ((all || !strcmp(o.strategy, "clocked")) &&
	    !add_points(o.lifetimes, TRACE_CLOCKED, false, pts, &n))
		return 2;
	if ((all || !strcmp(o.strategy, "established")) &&
	    !add_points(o.lifetimes, TRACE_ESTABLISHED, false, pts, &n))
		return 2;
	if ((all || !strcmp(o.strategy, "data")) &&
	    !add_points(o.data_lifetimes, TRACE_DATA, true, pts, &n))
		return 2;
	if (!(t = load(argc, argv, &o)))
		return 1;
	res = calloc(n ? n : 1, sizeof(*res));
	if (!res || (rc = trace_simulate(t, &o.sim, pts, n, res))) {
		fprintf(stderr, "reswan trace simulate: %s\n", err_str(res ? rc : ERR_NOMEM));
		free(res);
		trace_free(t);
		return 1;
	}
	if (o.json)
		trace_sim_json(stdout, &o.sim, &o.cost, res, n);
	else
		trace_sim_print(stdout, &o.sim, &o.cost, res, n);
	rc = 0;
	if (o.plot && (rc = trace_plot_sim(o.plot, res, n)))
		rc = plot_error(rc, o.plot);
	free(res);
	trace_free(t);
	return rc;
}

static int cmd_synth(int argc, char **argv)
{
	const struct trace_profile *p;
	struct trace *t;
	struct opts o;
	int rc;

	if ((rc = parse(argc, argv, "synth", &o)))
		return rc;
	if (o.help) {
		usage_synth(stdout);
		return 0;
	}
	if (!o.profile || !o.out || optind < argc) {
		usage_synth(stderr);
		return 2;
	}
	if (!(p = trace_profile_find(o.profile))) {
		fprintf(stderr, "reswan trace synth: unknown profile '%s' (wireless, remote)\n",
			o.profile);
		return 2;
	}
	if (o.users > TRACE_USERS_MAX || o.days > 3650) {
		fprintf(stderr, "reswan trace synth: --users or --days too large\n");
		return 2;
	}
	if (!(t = trace_new())) {
		fprintf(stderr, "reswan trace synth: out of memory\n");
		return 1;
	}
	rc = trace_synth(p, (uint32_t)o.users, (uint32_t)o.days, o.seed, t);
	if (!rc)
		rc = trace_write_csv(t, o.out);
	if (rc)
		fprintf(stderr, "reswan trace synth: %s%s%s\n", err_str(rc),
			rc == ERR_IO ? ": " : "", rc == ERR_IO ? strerror(errno) : "");
	trace_free(t);
	return rc ? 1 : 0;
}

int cmd_trace_main(int argc, char **argv)
{
	if (argc < 2) {
		usage_main(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage_main(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(argv[1], "simulate"))
		return cmd_simulate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "synth"))
		return cmd_synth(argc - 1, argv + 1);
	fprintf(stderr, "reswan trace: unknown subcommand '%s'\n", argv[1]);
	usage_main(stderr);
	return 2;
}
