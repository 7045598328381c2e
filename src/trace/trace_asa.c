/*
 * trace_asa.c - Cisco ASA and Firepower Threat Defense syslog, message
 * 113019, one line a finished session:
 *
 *   <stamp> [host] [:] %ASA-4-113019: Group = G, Username = U, IP = A,
 *     Session disconnected. Session Type: T, Duration: 1d 2h:03m:04s,
 *     Bytes xmt: N, Bytes rcv: M, Reason: R
 *
 * FTD writes the same without the spaces after commas (and sometimes
 * around '='), so fields are found by name with whitespace optional.  The
 * stamp is the syslog prefix (ISO 8601, "Mmm dd yyyy hh:mm:ss" or BSD
 * "Mmm dd hh:mm:ss" with the year supplied); it is the disconnect time,
 * and the connect time is that minus the duration.  "Bytes xmt" is what
 * the ASA sent to the client (bytes_out), "Bytes rcv" what it received
 * (bytes_in).  Every other message is skipped without complaint.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

struct asa {
	struct trace_year year;
};

static void *asa_new(void)
{
	return calloc(1, sizeof(struct asa));
}

static void asa_free(void *st)
{
	free(st);
}

static bool asa_detect(const char *head, size_t len)
{
	return memmem(head, len, "%ASA-", 5) || memmem(head, len, "%FTD-", 5);
}

static void asa_file_start(void *st, struct trace_rd_ctx *cx)
{
	struct asa *a = st;

	a->year.year = trace_rd_opts(cx)->year;
	a->year.last_month = 0;
}

/* After the field name: optional spaces, sep, optional spaces. */
static bool after(struct buf_reader *r, const char *name, char sep)
{
	if (!sc_find(r, name))
		return false;
	sc_spaces(r);
	if (!sc_char(r, sep))
		return false;
	sc_spaces(r);
	return true;
}

/* "[Nd ]Hh:MMm:SSs" */
static bool duration(struct buf_reader *r, uint64_t *secs)
{
	uint64_t d = 0, h, m, s;
	size_t o = r->off;

	if (!sc_u64(r, &h))
		return false;
	if (sc_char(r, 'd')) {
		d = h;
		sc_spaces(r);
		if (!sc_u64(r, &h))
			goto fail;
	}
	if (!sc_char(r, 'h') || !sc_char(r, ':') || !sc_u64(r, &m) ||
	    !sc_char(r, 'm') || !sc_char(r, ':') || !sc_u64(r, &s) ||
	    !sc_char(r, 's'))
		goto fail;
	if (d > 100000 || h > 1000000 || m > 59 || s > 59)
		goto fail;
	*secs = d * 86400 + h * 3600 + m * 60 + s;
	return true;
fail:
	r->off = o;
	return false;
}

static int asa_line(void *st, struct trace_rd_ctx *cx, struct buf_reader *l)
{
	struct asa *a = st;
	struct buf_reader r = *l;
	const char *user;
	size_t ulen;
	uint64_t dur, xmt, rcv, sev;
	int64_t t;

	/* Cheap rejection of the other messages first. */
	if (!memmem(l->p, l->len, "-113019:", 8))
		return 0;
	if (!sc_find(&r, "%ASA-")) {
		r = *l;
		if (!sc_find(&r, "%FTD-"))
			return 0;
	}
	if (!sc_u64(&r, &sev) || !sc_char(&r, '-') || !sc_lit(&r, "113019:"))
		return 0;
	{
		struct buf_reader s = *l;

		if (!trace_time_syslog(&s, &a->year, &t))
			return trace_rd_malformed(cx, 0, "113019 without a timestamp");
	}
	{
		struct buf_reader u = r;

		if (!after(&u, "Username", '='))
			return trace_rd_malformed(cx, 0, "113019 without Username");
		sc_until(&u, ',', &user, &ulen);
		while (ulen && (user[ulen - 1] == ' ' || user[ulen - 1] == '\t'))
			ulen--;
	}
	{
		struct buf_reader d = r;

		if (!after(&d, "Duration", ':') || !duration(&d, &dur))
			return trace_rd_malformed(cx, 0, "113019 with a bad Duration");
	}
	{
		struct buf_reader b = r;

		if (!after(&b, "Bytes xmt", ':') || !sc_u64(&b, &xmt))
			return trace_rd_malformed(cx, 0, "113019 with bad Bytes xmt");
		b = r;
		if (!after(&b, "Bytes rcv", ':') || !sc_u64(&b, &rcv))
			return trace_rd_malformed(cx, 0, "113019 with bad Bytes rcv");
	}
	if (dur > (uint64_t)UINT32_MAX)
		return trace_rd_malformed(cx, 0, "113019 duration out of range");
	trace_rd_saw_time(cx, t);
	return trace_rd_add(cx, 0, user, ulen, t - (int64_t)dur, t, rcv, xmt, 0);
}

static int asa_file_end(void *st, struct trace_rd_ctx *cx)
{
	(void)st;
	(void)cx;
	return 0;
}

const struct trace_parser trace_asa_parser = {
	.format = TRACE_FMT_ASA,
	.name = "asa",
	.detect = asa_detect,
	.state_new = asa_new,
	.state_free = asa_free,
	.file_start = asa_file_start,
	.line = asa_line,
	.flush = NULL,
	.file_end = asa_file_end,
	.finish = NULL,
};
