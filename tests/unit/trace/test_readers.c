/*
 * test_readers.c - the five log readers on hand-written fixtures
 * (tests/data/trace/), with the answers worked out by hand below, plus
 * gzip input, strict mode, over-long lines, detection and time parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/err.h"
#include "test_trace.h"
#include "trace/trace_int.h"

#define DATA RESWAN_TEST_DATA "/trace/"
/* 2024-11-28T00:00:00Z (the strongSwan fixture, read with year 2024). */
#define T2024 1732752000LL
/* 2026-11-28T00:00:00Z and 2026-01-01T00:00:00Z (the OpenVPN fixtures). */
#define T2026 1795824000LL
#define T2026_JAN 1767225600LL

struct loaded {
	struct trace *t;
	struct trace_reader *rd;
	int rc;
};

static struct loaded load(enum trace_format f, bool strict, int year,
			  const char *const *files, size_t n)
{
	struct trace_read_opts o = { .format = f, .strict = strict, .year = year };
	struct loaded l;

	l.t = trace_new();
	assert_non_null(l.t);
	l.rd = trace_reader_new(l.t, &o);
	assert_non_null(l.rd);
	l.rc = 0;
	for (size_t i = 0; i < n && !l.rc; i++)
		l.rc = trace_reader_file(l.rd, files[i]);
	if (!l.rc)
		l.rc = trace_reader_finish(l.rd);
	return l;
}

static void unload(struct loaded *l)
{
	trace_reader_free(l->rd);
	trace_free(l->t);
}

static void check(const struct trace_session *s, int64_t connect,
		  uint32_t duration, uint64_t in, uint64_t out, uint32_t flags)
{
	assert_int_equal(s->connect, connect);
	assert_int_equal(s->duration, duration);
	assert_int_equal(s->bytes_in, in);
	assert_int_equal(s->bytes_out, out);
	assert_int_equal(s->flags, flags);
}

/*
 * sessions.csv (CRLF, an extra `setup` column like the gateway writes):
 *   2 alice  10:00Z-11:00Z          3600 s  1000/2000
 *   3 bob    epoch 11:00Z-12:00Z    3600 s   300/400
 *   4 "carol, jr" 09:00+02:00 = 07:00Z - 08:30Z  5400 s  5/6
 *   5 alice  11:30Z, no disconnect: open, ends with the trace at 12:00Z
 *            (bob's disconnect is the latest time seen)     1800 s  7/8
 *   6 month 13            -> malformed
 *   7 disconnect < connect -> malformed
 *   8 three fields        -> malformed
 *   9 dave   "05:00:00" (space) - 05:00:30.250Z (fraction dropped) 30 s
 */
static void csv_fixture(void **state)
{
	const char *files[] = { DATA "sessions.csv" };
	struct loaded l = load(TRACE_FMT_AUTO, false, 0, files, 1);

	(void)state;
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_reader_last_format(l.rd), TRACE_FMT_CSV);
	assert_int_equal(trace_count(l.t), 5);
	assert_int_equal(trace_user_count(l.t), 4);
	check(user_session(l.t, "alice", 0), T2006 + 10 * H, 3600, 1000, 2000, 0);
	check(user_session(l.t, "alice", 1), T2006 + 11 * H + 30 * MIN, 1800, 7, 8,
	      TRACE_SESSION_OPEN);
	check(user_session(l.t, "bob", 0), T2006 + 11 * H, 3600, 300, 400, 0);
	check(user_session(l.t, "carol, jr", 0), T2006 + 7 * H, 5400, 5, 6, 0);
	check(user_session(l.t, "dave", 0), T2006 + 5 * H, 30, 10, 20, 0);
	assert_int_equal(trace_reader_malformed(l.rd), 3);
	assert_int_equal(trace_reader_open_closed(l.rd), 1);
	assert_int_equal(trace_reader_diag_count(l.rd), 3);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), "sessions.csv:6: bad connect time"));
	assert_non_null(strstr(trace_reader_diag(l.rd, 1), "sessions.csv:7: disconnect before connect"));
	assert_non_null(strstr(trace_reader_diag(l.rd, 2), "sessions.csv:8: expected at least 6 fields"));
	unload(&l);
}

static void csv_strict(void **state)
{
	const char *files[] = { DATA "sessions.csv" };
	struct loaded l = load(TRACE_FMT_AUTO, true, 0, files, 1);

	(void)state;
	assert_int_equal(l.rc, ERR_SYNTAX);
	assert_non_null(strstr(trace_reader_error(l.rd), "sessions.csv:6: bad connect time"));
	/* The sessions completed before the bad line stay. */
	assert_int_equal(trace_count(l.t), 3);
	unload(&l);
}

/* The same file gzip-compressed reads the same. */
static void csv_gzip(void **state)
{
	char path[] = "/tmp/reswan-test-trace-XXXXXX";
	char buf[4096];
	const char *files[] = { path };
	FILE *in = fopen(DATA "sessions.csv", "rb");
	struct loaded l;
	gzFile gz;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_non_null(in);
	gz = gzdopen(fd, "wb");
	assert_non_null(gz);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(gzwrite(gz, buf, (unsigned)n), (int)n);
	fclose(in);
	assert_int_equal(gzclose(gz), Z_OK);
	l = load(TRACE_FMT_AUTO, false, 0, files, 1);
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_count(l.t), 5);
	check(user_session(l.t, "carol, jr", 0), T2006 + 7 * H, 5400, 5, 6, 0);
	assert_int_equal(trace_reader_malformed(l.rd), 3);
	unload(&l);
	unlink(path);
}

/*
 * detail-20060819 then -2 (also given the other way round):
 *   bob    Stop only, 12:00, Acct-Session-Time 1800 -> 11:30-12:00, 50/60
 *   alice  Start 10:00:05 - Delay 5 = 10:00:00; Stop 11:00:10 - Delay 10
 *          = 11:00:00 (a retransmitted Stop is ignored); octets 100 +
 *          1 gigaword = 4294967396 in, 200 + 2 gigawords = 8589934792 out
 *   X9     no User-Name -> malformed at line 52
 *   carol  Interim-Update only, latest 13:10 with Session-Time 1200 ->
 *          connect 12:50, open to the end of the trace (14:00), 30/40
 *   dave   Start only, Event-Timestamp 13:29:00 wins over the date line
 *          and its Delay -> open 13:29-14:00
 *   erin   Timestamp attributes 13:45 and 14:00 win over the date lines
 *   Accounting-On is ignored.
 */
static void radius_check(struct loaded *l)
{
	assert_int_equal(l->rc, 0);
	assert_int_equal(trace_reader_last_format(l->rd), TRACE_FMT_RADIUS);
	assert_int_equal(trace_count(l->t), 5);
	assert_int_equal(trace_user_count(l->t), 5);
	check(user_session(l->t, "bob", 0), T2006 + 11 * H + 30 * MIN, 1800, 50, 60, 0);
	check(user_session(l->t, "alice", 0), T2006 + 10 * H, 3600, 4294967396ULL,
	      8589934792ULL, 0);
	check(user_session(l->t, "carol", 0), T2006 + 12 * H + 50 * MIN, 4200, 30, 40,
	      TRACE_SESSION_OPEN);
	check(user_session(l->t, "dave", 0), T2006 + 13 * H + 29 * MIN, 1860, 0, 0,
	      TRACE_SESSION_OPEN);
	check(user_session(l->t, "erin@example.org", 0), T2006 + 13 * H + 45 * MIN,
	      900, 1, 2, 0);
	assert_int_equal(trace_reader_malformed(l->rd), 1);
	assert_non_null(strstr(trace_reader_diag(l->rd, 0),
			       "detail-20060819:52: RADIUS record: no User-Name"));
	assert_int_equal(trace_reader_open_closed(l->rd), 2);
}

static void radius_fixture(void **state)
{
	const char *fwd[] = { DATA "detail-20060819", DATA "detail-20060819-2" };
	const char *rev[] = { DATA "detail-20060819-2", DATA "detail-20060819" };
	struct loaded l;

	(void)state;
	l = load(TRACE_FMT_AUTO, false, 0, fwd, 2);
	radius_check(&l);
	unload(&l);
	l = load(TRACE_FMT_AUTO, false, 0, rev, 2);
	radius_check(&l);
	unload(&l);
}

/*
 * charon.log, syslog style, year 2024:
 *   carol  IKE_SA rw[1] up 10:00:01; CHILD_SA {1} rekeyed at 11:00 (the new
 *          {3} tied by name+TS; {1} closes with 1000/2000 bytes); IKE_SA
 *          rekeyed to rw[3] at 12:00 (not a new session; rw[1]'s delete
 *          ignored); {3} rekeyed to {4} with <rw|3> context (300/400);
 *          swanctl counters for {4}: 5000/6000; deleted 13:00:00.
 *          -> one session 10:00:01-13:00:00 = 10799 s, 6300 in, 8400 out
 *   dave   rw[2] up 10:00:02, never deleted -> open to the last line
 *          (14:00:00): 14398 s
 *   eve    EAP identity, rw[4] 13:05:01 until DESTROYING at 13:35:01: 1800 s
 *   line 24: broken CHILD_SA line -> malformed
 *   frank  EAP identity in rw[5]'s context (another thread establishes it):
 *          13:50:01, open to 14:00:00: 599 s
 */
static void strongswan_fixture(void **state)
{
	const char *files[] = { DATA "charon.log" };
	struct loaded l = load(TRACE_FMT_AUTO, false, 2024, files, 1);

	(void)state;
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_reader_last_format(l.rd), TRACE_FMT_STRONGSWAN);
	assert_int_equal(trace_count(l.t), 4);
	assert_int_equal(user_sessions(l.t, "carol@example.org"), 1);
	check(user_session(l.t, "carol@example.org", 0), T2024 + 10 * H + 1, 10799,
	      6300, 8400, 0);
	check(user_session(l.t, "dave@example.org", 0), T2024 + 10 * H + 2, 14398,
	      0, 0, TRACE_SESSION_OPEN);
	check(user_session(l.t, "eve", 0), T2024 + 13 * H + 5 * MIN + 1, 1800, 0, 0, 0);
	check(user_session(l.t, "frank", 0), T2024 + 13 * H + 50 * MIN + 1, 599, 0, 0,
	      TRACE_SESSION_OPEN);
	assert_int_equal(trace_reader_open_closed(l.rd), 2);
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), "charon.log:24:"));
	unload(&l);
}

/* The captured strongSwan 5.9.8 responder log: one SA, up and deleted. */
static void strongswan_captured(void **state)
{
	const char *files[] = { RESWAN_TEST_DATA "/strongswan/psk/responder.log" };
	struct loaded l = load(TRACE_FMT_AUTO, false, 2024, files, 1);

	(void)state;
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_count(l.t), 1);
	assert_int_equal(user_sessions(l.t, "client.example"), 1);
	assert_int_equal(trace_reader_malformed(l.rd), 0);
	assert_int_equal(trace_reader_open_closed(l.rd), 0);
	unload(&l);
}

/*
 * asa.log, year 2006 for the one BSD stamp:
 *   alice  11:00 - 0h:45m:10s (2710 s); rcv 27473152 in, xmt 54735230 out
 *   bob    Aug 20 12:00 after "1d 2h:03m:04s" = 93784 s; 200 in, 100 out
 *   carol  FTD, no spaces after commas: Aug 21 08:00Z, 10 s, 6 in, 5 out
 *   dave   "Group=..., Username=dave", Aug 21 09:00, 3 h, 2048/1024
 *   eve    "Duration: soon" -> malformed (line 6); other messages skipped
 */
static void asa_fixture(void **state)
{
	const char *files[] = { DATA "asa.log" };
	struct loaded l = load(TRACE_FMT_AUTO, false, 2006, files, 1);

	(void)state;
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_reader_last_format(l.rd), TRACE_FMT_ASA);
	assert_int_equal(trace_count(l.t), 4);
	check(user_session(l.t, "alice", 0), T2006 + 11 * H - 2710, 2710, 27473152,
	      54735230, 0);
	check(user_session(l.t, "bob", 0), T2006 + 36 * H - 93784, 93784, 200, 100, 0);
	check(user_session(l.t, "carol", 0), T2006 + 56 * H - 10, 10, 6, 5, 0);
	check(user_session(l.t, "dave", 0), T2006 + 57 * H - 3 * H, 10800, 2048, 1024, 0);
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), "asa.log:6: 113019 with a bad Duration"));
	unload(&l);
}

/*
 * openvpn.log, OpenVPN 2.6 own log file, 2.5+ stamps:
 *   alice  UDP 10:00:01, SIGTERM[soft,remote-exit] 11:00:01: 3600 s
 *   bob    TCP 10:05:01, SIGUSR1[soft,connection-reset] 12:30:00: 8699 s
 *   carol  IPv6 (prefix without port) 10:10:00, ping-restart 12:00: 6600 s
 *   alice  again 13:00:00 from another port; dropped at 13:30:00 when she
 *          connects a third time ("MULTI: new connection by client"): 1800 s
 *   alice  third 13:30:00, open when the server restarts (version banner
 *          at 14:00:05): 1805 s
 *   dave   line 29, hour 25 -> malformed
 *   a tls-error restart of an instance that never authenticated: nothing
 *   erin   14:10:00, open to the last line (15:00:00): 3000 s, open
 */
static void openvpn_fixture(void **state)
{
	const char *files[] = { DATA "openvpn.log" };
	struct loaded l = load(TRACE_FMT_AUTO, false, 0, files, 1);

	(void)state;
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_reader_last_format(l.rd), TRACE_FMT_OPENVPN);
	assert_int_equal(trace_count(l.t), 6);
	assert_int_equal(trace_user_count(l.t), 4);
	assert_int_equal(user_sessions(l.t, "alice"), 3);
	check(user_session(l.t, "alice", 0), T2026 + 10 * H + 1, 3600, 0, 0, 0);
	check(user_session(l.t, "alice", 1), T2026 + 13 * H, 1800, 0, 0, 0);
	check(user_session(l.t, "alice", 2), T2026 + 13 * H + 30 * MIN, 1805, 0, 0, 0);
	check(user_session(l.t, "bob", 0), T2026 + 10 * H + 5 * MIN + 1, 8699, 0, 0, 0);
	check(user_session(l.t, "carol", 0), T2026 + 10 * H + 10 * MIN, 6600, 0, 0, 0);
	check(user_session(l.t, "erin", 0), T2026 + 14 * H + 10 * MIN, 3000, 0, 0,
	      TRACE_SESSION_OPEN);
	assert_int_equal(trace_reader_open_closed(l.rd), 1);
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0),
			       "openvpn.log:29: OpenVPN connect line without a valid timestamp"));
	unload(&l);
	/* Under --strict the bad stamp stops the reading there. */
	l = load(TRACE_FMT_AUTO, true, 0, files, 1);
	assert_int_equal(l.rc, ERR_SYNTAX);
	assert_non_null(strstr(trace_reader_error(l.rd), "openvpn.log:29:"));
	assert_int_equal(trace_count(l.t), 4);
	unload(&l);
}

/*
 * openvpn-syslog.log, BSD syslog read with year 2025, across New Year:
 *   frank  Dec 31 23:50 - Jan 1 00:10 (remote-exit): 1200 s
 *   grace  00:20 (a v4-mapped client of a dual-stack socket), open when
 *          the server logs "SIGTERM[hard,] received, process exiting" at
 *          01:00: 2400 s
 *   line 6 has no stamp (suppress-timestamps): malformed
 *   heidi  journald style, OpenVPN's 2.4 stamp inside the message:
 *          01:06 - 02:06 (ping-restart): 3600 s
 */
static void openvpn_syslog(void **state)
{
	const char *files[] = { DATA "openvpn-syslog.log" };
	struct loaded l = load(TRACE_FMT_AUTO, false, 2025, files, 1);

	(void)state;
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_reader_last_format(l.rd), TRACE_FMT_OPENVPN);
	assert_int_equal(trace_count(l.t), 3);
	check(user_session(l.t, "frank", 0), T2026_JAN - 10 * MIN, 1200, 0, 0, 0);
	check(user_session(l.t, "grace", 0), T2026_JAN + 20 * MIN, 2400, 0, 0, 0);
	check(user_session(l.t, "heidi", 0), T2026_JAN + H + 6 * MIN, 3600, 0, 0, 0);
	assert_int_equal(trace_reader_open_closed(l.rd), 0);
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), "openvpn-syslog.log:6:"));
	unload(&l);
}

/* OpenVPN 2.4 stamps (ctime, with " us=" at verb 4 and up), a CN with a
 * space, the CN also in the start line's prefix, and lines the reader
 * must not take for sessions. */
static void openvpn_variants(void **state)
{
	static const char log[] =
		"Sat Nov 28 10:00:01 2026 us=120512 198.51.100.7:1 [Jo Doe] Peer Connection Initiated with [AF_INET]198.51.100.7:1\n"
		"Sat Nov 28 10:00:02 2026 ivan/198.51.100.8:2 [ivan] Peer Connection Initiated with [AF_INET]198.51.100.8:2\n"
		"Sat Nov 28 10:00:03 2026 [server] Peer Connection Initiated with [AF_INET]192.0.2.1:1194\n"
		"Sat Nov 28 10:00:04 2026 198.51.100.9:3 Peer Connection Initiated with [AF_INET]198.51.100.9:3\n"
		"Sat Nov 28 10:30:00 2026 us=5 Jo Doe/198.51.100.7:1 SIGUSR1[connection failed(soft),connection-failed] received, client-instance restarting\n"
		"Sat Nov 28 10:40:00 2026 ivan/198.51.100.8:2 Unknown signal 12 [soft,] received by client-instance\n"
		"Sat Nov 28 10:50:00 2026 ivan/198.51.100.8:2 SIGTERM[soft,remote-exit] received, client-instance exiting\n"
		"Sat Nov 28 11:00:00 2026 ivan/198.51.100.8:2 SIGTERM[soft,remote-exit] received, client-instance exiting\n";
	struct trace_read_opts o = { .format = TRACE_FMT_OPENVPN };
	struct loaded l;

	(void)state;
	l.t = trace_new();
	l.rd = trace_reader_new(l.t, &o);
	assert_int_equal(trace_reader_mem(l.rd, "v", log, sizeof(log) - 1), 0);
	assert_int_equal(trace_reader_finish(l.rd), 0);
	assert_int_equal(trace_count(l.t), 2);
	check(user_session(l.t, "Jo Doe", 0), T2026 + 10 * H + 1, 1799, 0, 0, 0);
	/* The second exit finds the session already over. */
	check(user_session(l.t, "ivan", 0), T2026 + 10 * H + 2, 2998, 0, 0, 0);
	/* Line 4: no [CN] before the marker. */
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), "v:4: Peer Connection line"));
	unload(&l);
}

/* The OpenVPN reader claims its logs and leaves the others' alone. */
static void openvpn_detection(void **state)
{
	static const char head[] =
		"2026-11-28 09:59:58 OpenVPN 2.6.12 x86_64-pc-linux-gnu [SSL (OpenSSL)] built on Jul 18 2024\n";
	static const char tls[] =
		"Nov 28 10:00:00 gw openvpn[1]: 198.51.100.7:5 TLS: Initial packet from [AF_INET]198.51.100.7:5, sid=1 2\n";
	const struct trace_parser *ov = &trace_openvpn_parser;
	const char *others[] = { "sessions.csv", "detail-20060819", "charon.log", "asa.log" };
	char buf[16384];

	(void)state;
	assert_true(ov->detect(head, sizeof(head) - 1));
	assert_true(ov->detect(tls, sizeof(tls) - 1));
	assert_false(ov->detect("OpenVPN 2.6 rocks\n", 18));
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char path[256];
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), DATA "%s", others[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_false(ov->detect(buf, n));
	}
	assert_int_equal(trace_format_parse("openvpn"), TRACE_FMT_OPENVPN);
	assert_string_equal(trace_format_name(TRACE_FMT_OPENVPN), "openvpn");
}

/* A line past TRACE_LINE_MAX is reported and skipped, in memory and in a
 * file (where it spans several read chunks). */
static void long_lines(void **state)
{
	static const char head[] = "user,session_id,connect,disconnect,bytes_in,bytes_out\n";
	static const char tail[] = "\nzed,s2,100,200,1,2\n";
	size_t big = 3u << 20;
	size_t n = sizeof(head) - 1 + big + sizeof(tail) - 1;
	char *buf = malloc(n);
	char path[] = "/tmp/reswan-test-trace-XXXXXX";
	const char *files[] = { path };
	struct loaded l;
	int fd;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'x', big);
	memcpy(buf + sizeof(head) - 1 + big, tail, sizeof(tail) - 1);

	l.t = trace_new();
	l.rd = trace_reader_new(l.t, NULL);
	assert_int_equal(trace_reader_mem(l.rd, "mem", buf, n), 0);
	assert_int_equal(trace_count(l.t), 1);
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), "mem:2: line longer than"));
	unload(&l);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	l = load(TRACE_FMT_AUTO, false, 0, files, 1);
	assert_int_equal(l.rc, 0);
	assert_int_equal(trace_count(l.t), 1);
	check(user_session(l.t, "zed", 0), 100, 100, 1, 2, 0);
	assert_int_equal(trace_reader_malformed(l.rd), 1);
	assert_non_null(strstr(trace_reader_diag(l.rd, 0), ":2: line longer than"));
	unload(&l);
	unlink(path);
	free(buf);
}

static void detection(void **state)
{
	static const char junk[] = "hello\nworld\n";
	static const char csv_noheader[] = "amy,s1,100,160,1,2\n";
	struct trace_read_opts o = { .format = TRACE_FMT_CSV };
	struct loaded l;

	(void)state;
	l.t = trace_new();
	l.rd = trace_reader_new(l.t, NULL);
	assert_int_equal(trace_reader_mem(l.rd, "junk", junk, sizeof(junk) - 1),
			 ERR_UNSUPPORTED);
	assert_non_null(strstr(trace_reader_error(l.rd), "junk: format not recognised"));
	unload(&l);
	/* Told it is CSV, a file without a header is read in canonical order. */
	l.t = trace_new();
	l.rd = trace_reader_new(l.t, &o);
	assert_int_equal(trace_reader_mem(l.rd, "m", csv_noheader,
					  sizeof(csv_noheader) - 1), 0);
	assert_int_equal(trace_count(l.t), 1);
	check(user_session(l.t, "amy", 0), 100, 60, 1, 2, 0);
	unload(&l);
	assert_int_equal(trace_format_parse("radius"), TRACE_FMT_RADIUS);
	assert_int_equal(trace_format_parse("auto"), TRACE_FMT_AUTO);
	assert_int_equal(trace_format_parse("xml"), -1);
	assert_string_equal(trace_format_name(TRACE_FMT_ASA), "asa");
}

static int64_t iso(const char *s, bool epoch)
{
	struct buf_reader r = { .p = (const uint8_t *)s, .len = strlen(s) };
	int64_t t = -1;

	if (!trace_time_iso(&r, epoch, &t) || r.off != r.len)
		return -1;
	return t;
}

static void times(void **state)
{
	struct trace_year y = { .year = 2006 };
	struct buf_reader r;
	int64_t t;

	(void)state;
	assert_int_equal(iso("2006-08-19T00:00:00Z", false), T2006);
	assert_int_equal(iso("2006-08-19 02:00:00+02:00", false), T2006);
	assert_int_equal(iso("2006-08-18T18:30:00-0530", false), T2006);
	assert_int_equal(iso("2006-08-19T00:00:00.999Z", false), T2006);
	assert_int_equal(iso("1155945600", true), T2006);
	assert_int_equal(iso("1155945600.5", true), T2006);
	assert_int_equal(iso("1155945600", false), -1);
	assert_int_equal(iso("2006-08-19T24:00:00Z", false), -1);
	assert_int_equal(iso("2006-08-19", false), -1);
	assert_int_equal(iso("2000-02-29T00:00:00Z", false), 951782400);
	/* BSD syslog stamps follow the log across New Year. */
	r = (struct buf_reader){ .p = (const uint8_t *)"Dec 31 23:59:59 x", .len = 17 };
	assert_true(trace_time_syslog(&r, &y, &t));
	assert_int_equal(t, 1167609599);
	r = (struct buf_reader){ .p = (const uint8_t *)"Jan  1 00:00:01 x", .len = 17 };
	assert_true(trace_time_syslog(&r, &y, &t));
	assert_int_equal(t, 1167609601);
	assert_int_equal(y.year, 2007);
	r = (struct buf_reader){ .p = (const uint8_t *)"<13>Aug 19 2006 00:00:00:", .len = 25 };
	assert_true(trace_time_syslog(&r, &y, &t));
	assert_int_equal(t, T2006);
	r = (struct buf_reader){ .p = (const uint8_t *)"Foo 19 00:00:00", .len = 15 };
	assert_false(trace_time_syslog(&r, &y, &t));
	assert_int_equal(r.off, 0);
}

/* trace_add validates before it changes anything. */
static void store(void **state)
{
	struct trace *t = trace_new();

	(void)state;
	assert_int_equal(trace_add(t, "a", 1, 100, 50, 0, 0, 0), ERR_INVAL);
	assert_int_equal(trace_add(t, "a", 1, -1, 50, 0, 0, 0), ERR_INVAL);
	assert_int_equal(trace_add(t, "a", 1, 0, 1LL << 33, 0, 0, 0), ERR_INVAL);
	assert_int_equal(trace_add(t, "", 0, 0, 1, 0, 0, 0), ERR_INVAL);
	assert_int_equal(trace_count(t), 0);
	assert_int_equal(trace_user_count(t), 0);
	assert_int_equal(trace_add(t, "a", 1, 10, 20, 3, 4, 0), 0);
	assert_int_equal(trace_add(t, "b", 1, 5, 30, 3, 4, 0), 0);
	assert_int_equal(trace_add(t, "a", 1, 1, 2, 3, 4, 0), 0);
	assert_int_equal(trace_user_count(t), 2);
	assert_int_equal(trace_sort_by_user(t), 0);
	assert_int_equal(trace_sessions(t)[0].user, 0);
	assert_int_equal(trace_sessions(t)[0].connect, 1);
	assert_int_equal(trace_sessions(t)[1].connect, 10);
	assert_int_equal(trace_sessions(t)[2].user, 1);
	assert_int_equal(trace_sort_by_connect(t), 0);
	assert_int_equal(trace_sessions(t)[0].connect, 1);
	assert_int_equal(trace_sessions(t)[1].connect, 5);
	assert_int_equal(trace_sessions(t)[2].connect, 10);
	trace_free(t);
	trace_free(NULL);
	trace_reader_free(NULL);
}

int run_reader_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_fixture),
		cmocka_unit_test(csv_strict),
		cmocka_unit_test(csv_gzip),
		cmocka_unit_test(radius_fixture),
		cmocka_unit_test(strongswan_fixture),
		cmocka_unit_test(strongswan_captured),
		cmocka_unit_test(asa_fixture),
		cmocka_unit_test(openvpn_fixture),
		cmocka_unit_test(openvpn_syslog),
		cmocka_unit_test(openvpn_variants),
		cmocka_unit_test(openvpn_detection),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(detection),
		cmocka_unit_test(times),
		cmocka_unit_test(store),
	};

	return cmocka_run_group_tests_name("trace readers", tests, NULL, NULL);
}
