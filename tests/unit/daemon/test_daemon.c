/*
 * test_daemon.c - the parts of reswand that need no sockets: command-line
 * validation (opts) and the accounting line format (acct).  The daemon as a
 * whole is tested by tests/integration/.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/acct.h"
#include "daemon/opts.h"

#define MAXARGS 64

/* Parse a NULL-terminated list of words after "reswand". */
static enum opts_result parse(struct opts *o, char *err, size_t errlen, ...)
{
	char *argv[MAXARGS] = { "reswand" };
	int argc = 1;
	va_list ap;
	char *w;
	FILE *null = fopen("/dev/null", "w");
	enum opts_result r;

	va_start(ap, errlen);
	while ((w = va_arg(ap, char *)) && argc < MAXARGS - 1)
		argv[argc++] = w;
	va_end(ap);
	err[0] = '\0';
	r = opts_parse(o, argc, argv, null, null, err, errlen);
	fclose(null);
	return r;
}

static void test_defaults(void **state)
{
	struct opts o;
	struct ike_params def;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), NULL), OPTS_RUN);
	assert_string_equal(o.config, "/etc/reswan/reswan.conf");
	assert_string_equal(o.socket, "/run/reswan/reswand.ctl");
	assert_int_equal(o.port, 500);
	assert_int_equal(o.natt_port, 4500);
	assert_int_equal(o.n_listen, 0);
	assert_null(o.accounting);
	assert_null(o.pidfile);
	assert_int_equal(o.log_level, LOG_LVL_INFO);
	ike_params_default(&def);
	assert_memory_equal(&o.params, &def, sizeof(def));
}

static void test_all_options(void **state)
{
	struct opts o;
	char err[256];
	struct addr a;

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "-c", "/x.conf",
			       "--socket", "/tmp/s", "--port", "15000",
			       "--natt-port", "15001", "--listen", "127.0.0.1",
			       "--listen", "::1", "--accounting", "/tmp/a.csv",
			       "--log-level", "debug", "--syslog",
			       "--pidfile", "/tmp/p", "--retransmit-timeout",
			       "500ms", "--retransmit-tries", "3",
			       "--retransmit-base", "2.5", "--cookie-threshold",
			       "10", "--max-half-open", "50",
			       "--half-open-timeout", "1.5", "--fragment-size",
			       "1400", "--modp-exponent", "short", NULL), OPTS_RUN);
	assert_string_equal(o.config, "/x.conf");
	assert_string_equal(o.socket, "/tmp/s");
	assert_int_equal(o.port, 15000);
	assert_int_equal(o.natt_port, 15001);
	assert_int_equal(o.n_listen, 2);
	assert_int_equal(addr_parse("::1", &a), 0);
	assert_true(addr_eq(&o.listen[1], &a, false));
	assert_string_equal(o.accounting, "/tmp/a.csv");
	assert_int_equal(o.log_level, LOG_LVL_DEBUG);
	assert_true(o.syslog);
	assert_string_equal(o.pidfile, "/tmp/p");
	assert_int_equal(o.params.retransmit_timeout_us, 500000);
	assert_int_equal(o.params.retransmit_tries, 3);
	assert_int_equal(o.params.retransmit_base_x100, 250);
	assert_int_equal(o.params.cookie_threshold, 10);
	assert_int_equal(o.params.max_half_open, 50);
	assert_int_equal(o.params.half_open_timeout_us, 1500000);
	assert_int_equal(o.params.fragment_size, 1400);
	assert_true(o.params.modp_short_exponent);
	assert_int_equal(parse(&o, err, sizeof(err), "--modp-exponent", "full",
			       NULL), OPTS_RUN);
	assert_false(o.params.modp_short_exponent);
}

static void test_durations(void **state)
{
	struct opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--retransmit-timeout",
			       "2m", NULL), OPTS_RUN);
	assert_int_equal(o.params.retransmit_timeout_us, 120000000);
	assert_int_equal(parse(&o, err, sizeof(err), "--retransmit-timeout",
			       "0.25s", NULL), OPTS_RUN);
	assert_int_equal(o.params.retransmit_timeout_us, 250000);
	assert_int_equal(parse(&o, err, sizeof(err), "--half-open-timeout",
			       "1500us", NULL), OPTS_RUN);
	assert_int_equal(o.params.half_open_timeout_us, 1500);
	assert_int_equal(parse(&o, err, sizeof(err), "--retransmit-base",
			       "1", NULL), OPTS_RUN);
	assert_int_equal(o.params.retransmit_base_x100, 100);
	assert_int_equal(parse(&o, err, sizeof(err), "--retransmit-base",
			       "10.0", NULL), OPTS_RUN);
	assert_int_equal(o.params.retransmit_base_x100, 1000);
}

/* Each bad value is refused with a message naming the option. */
static void test_rejects(void **state)
{
	static const char *const bad[][3] = {
		{ "--port", "0", "--port: '0' is not a port" },
		{ "--port", "70000", "--port: '70000' is not a port" },
		{ "--port", "5OO", "--port: '5OO' is not a port" },
		{ "--port", "-1", "--port: '-1'" },
		{ "--natt-port", "", "--natt-port: '' is not a port" },
		{ "--listen", "host.example", "host names are not supported" },
		{ "--listen", "1.2.3", "--listen: '1.2.3' is not an IPv4" },
		{ "--log-level", "loud", "--log-level: 'loud'" },
		{ "--retransmit-timeout", "0", "not a duration in 1ms-1h" },
		{ "--retransmit-timeout", "2h", "not a duration" },
		{ "--retransmit-timeout", "1.", "not a duration" },
		{ "--retransmit-timeout", "1.0000001", "not a duration" },
		{ "--retransmit-timeout", "4x", "not a duration" },
		{ "--retransmit-tries", "101", "not a count in 0-100" },
		{ "--retransmit-base", "0.5", "not a factor in 1.00-10.00" },
		{ "--retransmit-base", "1.234", "not a factor" },
		{ "--retransmit-base", "11", "not a factor" },
		{ "--cookie-threshold", "x", "--cookie-threshold: 'x'" },
		{ "--max-half-open", "0", "--max-half-open: '0' is not a count in 1-" },
		{ "--half-open-timeout", "-5", "not a duration" },
		{ "--fragment-size", "100", "not a size in 576-65535" },
		{ "--modp-exponent", "320", "--modp-exponent: '320' is not full or short" },
		{ "--config", "", "--config: empty value" },
	};
	struct opts o;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), bad[i][0],
				       bad[i][1], NULL), OPTS_EXIT_USAGE);
		if (!strstr(err, bad[i][2]))
			fail_msg("%s %s: '%s' lacks '%s'", bad[i][0], bad[i][1],
				 err, bad[i][2]);
	}
	assert_int_equal(parse(&o, err, sizeof(err), "--bogus", NULL),
			 OPTS_EXIT_USAGE);
	assert_non_null(strstr(err, "unknown option '--bogus'"));
	assert_int_equal(parse(&o, err, sizeof(err), "--port", NULL),
			 OPTS_EXIT_USAGE);
	assert_non_null(strstr(err, "missing value"));
	assert_int_equal(parse(&o, err, sizeof(err), "extra", NULL),
			 OPTS_EXIT_USAGE);
	assert_non_null(strstr(err, "unexpected argument 'extra'"));
	assert_int_equal(parse(&o, err, sizeof(err), "--port", "4500", NULL),
			 OPTS_EXIT_USAGE);
	assert_non_null(strstr(err, "must differ"));
	assert_int_equal(parse(&o, err, sizeof(err), "--listen", "127.0.0.1",
			       "--listen", "127.0.0.1", NULL), OPTS_EXIT_USAGE);
	assert_non_null(strstr(err, "given twice"));
	assert_int_equal(parse(&o, err, sizeof(err), "--help", NULL),
			 OPTS_EXIT_OK);
	assert_int_equal(parse(&o, err, sizeof(err), "--version", NULL),
			 OPTS_EXIT_OK);
}

static struct ike_session_event event(const char *peer)
{
	struct ike_session_event ev = {
		.conn = "gw", .uniqueid = 17, .peer_id = peer,
		/* 2026-11-28T19:04:23Z and an hour later */
		.established_wall_us = 1795892663ULL * 1000000 + 999999,
		.ended_wall_us = 1795896263ULL * 1000000,
		.bytes_in = 1234, .bytes_out = 98765432109ULL,
	};

	return ev;
}

static void test_acct_format(void **state)
{
	struct ike_session_event ev = event("alice@example.org");
	char buf[ACCT_MAX_LINE];
	int n;

	(void)state;
	n = acct_format(buf, sizeof(buf), 1795890000123456ULL, &ev);
	assert_string_equal(buf, "alice@example.org,1795890000123456-17,"
			    "2026-11-28T19:04:23Z,2026-11-28T20:04:23Z,1234,"
			    "98765432109,full\n");
	assert_int_equal(n, (int)strlen(buf));
	ev.resumed = true;
	acct_format(buf, sizeof(buf), 1, &ev);
	assert_non_null(strstr(buf, ",1-17,"));
	assert_non_null(strstr(buf, ",resume\n"));
	/* Too small a buffer is an error, not a truncated line. */
	assert_int_equal(acct_format(buf, 20, 1, &ev), ERR_LIMIT);
}

/* Peer-chosen identities cannot forge columns or comment lines. */
static void test_acct_quoting(void **state)
{
	static const char *const cases[][2] = {
		{ "CN=carol, O=Example", "\"CN=carol, O=Example\"," },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"," },
		{ "#not-a-comment", "\"#not-a-comment\"," },
		{ " padded", "\" padded\"," },
		{ "two\nlines", "\"two\nlines\"," },
		{ "", ",1-17," },
	};
	struct ike_session_event ev;
	char buf[ACCT_MAX_LINE];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = event(cases[i][0]);
		assert_true(acct_format(buf, sizeof(buf), 1, &ev) > 0);
		if (strncmp(buf, cases[i][1], strlen(cases[i][1])) != 0)
			fail_msg("'%s' formatted as '%s'", cases[i][0], buf);
	}
}

static void test_acct_file(void **state)
{
	char path[] = "/tmp/reswan-acct-XXXXXX", line[256];
	struct ike_session_event ev = event("bob");
	struct acct *a;
	FILE *f;
	int fd, n = 0;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	/* An empty file gets the header, once. */
	assert_non_null(a = acct_open(path, 5));
	assert_int_equal(acct_write(a, &ev), 0);
	acct_free(a);
	assert_non_null(a = acct_open(path, 6));
	assert_int_equal(acct_write(a, &ev), 0);
	assert_int_equal(acct_reopen(a), 0);
	assert_int_equal(acct_write(a, &ev), 0);
	acct_free(a);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f)) {
		if (n == 0)
			assert_string_equal(line, ACCT_HEADER);
		else
			assert_non_null(strstr(line, n == 1 ? ",5-17," : ",6-17,"));
		n++;
	}
	fclose(f);
	assert_int_equal(n, 4);
	unlink(path);
	assert_null(acct_open("/nonexistent-dir/acct.csv", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_acct_format),
		cmocka_unit_test(test_acct_quoting),
		cmocka_unit_test(test_acct_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
