/*
 * opts.c - parsing and validating reswand's command line.
 *
 * Numbers are parsed strictly (decimal, whole string, range-checked) rather
 * than with atoi(): "--port 5OO" must be an error, not port 5.  Durations
 * accept a unit (us, ms, s, m, h; a bare number is seconds) and a decimal
 * fraction, since retransmission timers are often below a second in tests
 * and above one in production.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/ctl_client.h"
#include "daemon/opts.h"

#ifndef RESWAN_VERSION
#define RESWAN_VERSION "unknown"
#endif

enum {
	O_SOCKET = 256, O_PORT, O_NATT_PORT, O_LISTEN, O_ACCOUNTING,
	O_LOG_LEVEL, O_SYSLOG, O_PIDFILE, O_RT_TIMEOUT, O_RT_TRIES,
	O_RT_BASE, O_COOKIE, O_HALF_OPEN, O_HALF_OPEN_TIMEOUT, O_FRAG,
	O_MODP_EXP,
};

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "socket", required_argument, NULL, O_SOCKET },
	{ "port", required_argument, NULL, O_PORT },
	{ "natt-port", required_argument, NULL, O_NATT_PORT },
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "accounting", required_argument, NULL, O_ACCOUNTING },
	{ "log-level", required_argument, NULL, O_LOG_LEVEL },
	{ "syslog", no_argument, NULL, O_SYSLOG },
	{ "pidfile", required_argument, NULL, O_PIDFILE },
	{ "retransmit-timeout", required_argument, NULL, O_RT_TIMEOUT },
	{ "retransmit-tries", required_argument, NULL, O_RT_TRIES },
	{ "retransmit-base", required_argument, NULL, O_RT_BASE },
	{ "cookie-threshold", required_argument, NULL, O_COOKIE },
	{ "max-half-open", required_argument, NULL, O_HALF_OPEN },
	{ "half-open-timeout", required_argument, NULL, O_HALF_OPEN_TIMEOUT },
	{ "fragment-size", required_argument, NULL, O_FRAG },
	{ "modp-exponent", required_argument, NULL, O_MODP_EXP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void opts_usage(FILE *f)
{
	fprintf(f,
"usage: reswand [options]\n"
"  -c, --config FILE            configuration, swanctl.conf syntax\n"
"                               (default " OPTS_DEFAULT_CONFIG ")\n"
"      --socket PATH            control socket (default " CTL_DEFAULT_SOCKET ")\n"
"      --port N                 IKE port (default 500)\n"
"      --natt-port N            NAT-T port (default 4500)\n"
"      --listen ADDR            listen on ADDR only; repeatable (default: all\n"
"                               IPv4 and IPv6 addresses)\n"
"      --accounting FILE        append one CSV line per finished session\n"
"      --log-level LEVEL        error, warn, info (default), debug, trace\n"
"      --syslog                 log to syslog (daemon facility), not stderr\n"
"      --pidfile FILE           write the process id to FILE\n"
"engine tuning (defaults in docs/daemon.md):\n"
"      --retransmit-timeout T   first retransmission after T (4s)\n"
"      --retransmit-tries N     retransmissions before giving up (5)\n"
"      --retransmit-base X      back-off factor, 1.00-10.00 (1.8)\n"
"      --cookie-threshold N     half-open IKE SAs that turn cookies on (1000)\n"
"      --max-half-open N        hard cap on half-open IKE SAs (30000)\n"
"      --half-open-timeout T    how long a half-open IKE SA lives (30s)\n"
"      --fragment-size N        IKE fragmentation threshold, bytes (1280)\n"
"      --modp-exponent short|full  MODP private exponent length (short)\n"
"  -h, --help                   this text\n"
"  -V, --version                print the version\n"
"durations: a number with an optional unit us, ms, s, m or h (default s)\n");
}

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A whole decimal number in [lo, hi]. */
static int parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return ERR_INVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < lo || v > hi)
		return ERR_INVAL;
	*out = v;
	return 0;
}

/*
 * "1.5", "500ms", "30s", "2m": microseconds in [lo, hi].  The fraction is
 * kept to the microsecond (more digits are an error, not rounded away).
 */
static int parse_duration_us(const char *s, uint64_t lo, uint64_t hi,
			     uint64_t *out)
{
	static const struct { const char *unit; uint64_t us; } units[] = {
		{ "", 1000000 }, { "s", 1000000 }, { "ms", 1000 }, { "us", 1 },
		{ "m", 60000000 }, { "h", 3600000000ULL },
	};
	uint64_t whole = 0, frac = 0, scale = 1, mult = 0;
	const char *p = s;
	int digits = 0, fdigits = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return ERR_INVAL;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits >= 6)
				return ERR_INVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
		if (!fdigits)
			return ERR_INVAL;
	}
	if (!digits)
		return ERR_INVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].unit) == 0)
			mult = units[i].us;
	if (!mult || whole > UINT64_MAX / mult / 2)
		return ERR_INVAL;
	whole = whole * mult + frac * mult / scale;
	if (frac * mult % scale)
		return ERR_INVAL;	/* finer than a microsecond */
	if (whole < lo || whole > hi)
		return ERR_INVAL;
	*out = whole;
	return 0;
}

/* "1.8" -> 180: a factor with at most two decimals in [1.00, 10.00]. */
static int parse_factor_x100(const char *s, uint32_t *out)
{
	uint64_t v;
	char buf[16], *dot;
	size_t n = strlen(s), fl;

	if (n == 0 || n >= sizeof(buf))
		return ERR_INVAL;
	memcpy(buf, s, n + 1);
	dot = strchr(buf, '.');
	fl = dot ? strlen(dot + 1) : 0;
	if (dot) {
		if (fl == 0 || fl > 2)
			return ERR_INVAL;
		memmove(dot, dot + 1, fl + 1);
	}
	if (parse_uint(buf, 0, 100000, &v) != 0)
		return ERR_INVAL;
	for (; fl < 2; fl++)
		v *= 10;
	if (v < 100 || v > 1000)
		return ERR_INVAL;
	*out = (uint32_t)v;
	return 0;
}

static int add_listen(struct opts *o, const char *s, char *err, size_t errlen)
{
	struct addr a;

	if (addr_parse(s, &a) != 0) {
		fail(err, errlen, "--listen: '%s' is not an IPv4 or IPv6 address%s",
		     s, addr_looks_like_hostname(s) ? " (host names are not "
		     "supported)" : "");
		return ERR_INVAL;
	}
	for (size_t i = 0; i < o->n_listen; i++) {
		if (addr_eq(&o->listen[i], &a, false)) {
			fail(err, errlen, "--listen: '%s' given twice", s);
			return ERR_INVAL;
		}
	}
	if (o->n_listen >= OPTS_MAX_LISTEN) {
		fail(err, errlen, "--listen: at most %d addresses", OPTS_MAX_LISTEN);
		return ERR_LIMIT;
	}
	o->listen[o->n_listen++] = a;
	return 0;
}

/* Apply one option; 0 or ERR_INVAL with err set. */
static int apply(struct opts *o, int opt, const char *arg, char *err,
		 size_t errlen)
{
	struct ike_params *p = &o->params;
	const char *name = NULL;
	uint64_t v;
	int lvl;

	for (const struct option *l = longopts; l->name; l++)
		if (l->val == opt)
			name = l->name;
	switch (opt) {
	case 'c':
		if (!*arg)
			goto empty;
		o->config = arg;
		return 0;
	case O_SOCKET:
		if (!*arg)
			goto empty;
		o->socket = arg;
		return 0;
	case O_ACCOUNTING:
		if (!*arg)
			goto empty;
		o->accounting = arg;
		return 0;
	case O_PIDFILE:
		if (!*arg)
			goto empty;
		o->pidfile = arg;
		return 0;
	case O_SYSLOG:
		o->syslog = true;
		return 0;
	case O_MODP_EXP:
		if (strcmp(arg, "full") != 0 && strcmp(arg, "short") != 0) {
			fail(err, errlen, "--%s: '%s' is not full or short",
			     name, arg);
			return ERR_INVAL;
		}
		p->modp_short_exponent = strcmp(arg, "short") == 0;
		return 0;
	case O_LISTEN:
		return add_listen(o, arg, err, errlen);
	case O_LOG_LEVEL:
		if ((lvl = log_level_parse(arg)) < 0) {
			fail(err, errlen, "--log-level: '%s' is not one of error, "
			     "warn, info, debug, trace", arg);
			return ERR_INVAL;
		}
		o->log_level = lvl;
		return 0;
	case O_PORT:
	case O_NATT_PORT:
		if (parse_uint(arg, 1, 65535, &v) != 0) {
			fail(err, errlen, "--%s: '%s' is not a port (1-65535)",
			     name, arg);
			return ERR_INVAL;
		}
		*(opt == O_PORT ? &o->port : &o->natt_port) = (uint16_t)v;
		return 0;
	case O_RT_TIMEOUT:
		if (parse_duration_us(arg, 1000, 3600 * 1000000ULL,
				      &p->retransmit_timeout_us) != 0)
			goto range_dur_1ms_1h;
		return 0;
	case O_HALF_OPEN_TIMEOUT:
		if (parse_duration_us(arg, 1000, 3600 * 1000000ULL,
				      &p->half_open_timeout_us) != 0)
			goto range_dur_1ms_1h;
		return 0;
	case O_RT_TRIES:
		if (parse_uint(arg, 0, 100, &v) != 0) {
			fail(err, errlen, "--%s: '%s' is not a count in 0-100",
			     name, arg);
			return ERR_INVAL;
		}
		p->retransmit_tries = (uint32_t)v;
		return 0;
	case O_RT_BASE:
		if (parse_factor_x100(arg, &p->retransmit_base_x100) != 0) {
			fail(err, errlen, "--%s: '%s' is not a factor in "
			     "1.00-10.00 (at most two decimals)", name, arg);
			return ERR_INVAL;
		}
		return 0;
	case O_COOKIE:
	case O_HALF_OPEN:
		if (parse_uint(arg, opt == O_COOKIE ? 0 : 1, 10000000, &v) != 0) {
			fail(err, errlen, "--%s: '%s' is not a count in %d-10000000",
			     name, arg, opt == O_COOKIE ? 0 : 1);
			return ERR_INVAL;
		}
		*(opt == O_COOKIE ? &p->cookie_threshold : &p->max_half_open) =
			(uint32_t)v;
		return 0;
	case O_FRAG:
		/* RFC 7383 2.5.1: 576 is the smallest IPv4 datagram everyone
		 * must accept. */
		if (parse_uint(arg, 576, 65535, &v) != 0) {
			fail(err, errlen, "--%s: '%s' is not a size in 576-65535 "
			     "bytes", name, arg);
			return ERR_INVAL;
		}
		p->fragment_size = (uint16_t)v;
		return 0;
	}
	fail(err, errlen, "unknown option");
	return ERR_INVAL;
empty:
	fail(err, errlen, "--%s: empty value", name);
	return ERR_INVAL;
range_dur_1ms_1h:
	fail(err, errlen, "--%s: '%s' is not a duration in 1ms-1h (e.g. 4s, "
	     "500ms, 1.5)", name, arg);
	return ERR_INVAL;
}

enum opts_result opts_parse(struct opts *o, int argc, char **argv,
			    FILE *out, FILE *warn, char *err, size_t errlen)
{
	int opt;

	memset(o, 0, sizeof(*o));
	o->config = OPTS_DEFAULT_CONFIG;
	o->socket = CTL_DEFAULT_SOCKET;
	o->port = 500;
	o->natt_port = 4500;
	o->log_level = LOG_LVL_INFO;
	ike_params_default(&o->params);

	optind = 0;	/* reset getopt (tests parse more than once) */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			opts_usage(out);
			return OPTS_EXIT_OK;
		case 'V':
			fprintf(out, "reswand %s\n", RESWAN_VERSION);
			return OPTS_EXIT_OK;
		case ':':
			fail(err, errlen, "%s: missing value", argv[optind - 1]);
			return OPTS_EXIT_USAGE;
		case '?':
			fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return OPTS_EXIT_USAGE;
		default:
			if (apply(o, opt, optarg, err, errlen) != 0)
				return OPTS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fail(err, errlen, "unexpected argument '%s'", argv[optind]);
		return OPTS_EXIT_USAGE;
	}
	if (o->port == o->natt_port) {
		fail(err, errlen, "--port and --natt-port are both %u; they must "
		     "differ", o->port);
		return OPTS_EXIT_USAGE;
	}
	/* The engine sends from these ports. */
	o->params.port = o->port;
	o->params.natt_port = o->natt_port;
	if (warn && o->params.cookie_threshold > o->params.max_half_open)
		fprintf(warn, "reswand: warning: --cookie-threshold %u exceeds "
			"--max-half-open %u: cookies will never be demanded\n",
			o->params.cookie_threshold, o->params.max_half_open);
	return OPTS_RUN;
}
