/*
 * trace_write_csv.c - writing a trace as canonical CSV, in connect order,
 * with ISO 8601 UTC times; gzip-compressed when the name ends in ".gz".
 *
 * Lines are formatted by hand into a large buffer (no printf per field):
 * the benchmark writes ten million of them.  Session ids are "s" followed
 * by the line's position.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define OUTBUF (1u << 20)

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put2(char *p, unsigned v)
{
	*p++ = (char)('0' + v / 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* civil_from_days (Hinnant), then "YYYY-MM-DDTHH:MM:SSZ". */
static char *put_time(char *p, int64_t t)
{
	int64_t z = t / 86400, secs = t % 86400, era, doe, yoe, y, doy, mp;
	unsigned d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	p = put2(p, (unsigned)(y / 100));
	p = put2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (unsigned)(secs / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(secs / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(secs % 60));
	*p++ = 'Z';
	return p;
}

struct out {
	FILE *f;
	gzFile gz;
};

static bool out_write(struct out *o, const char *b, size_t n)
{
	if (o->gz)
		return gzwrite(o->gz, b, (unsigned)n) == (int)n;
	return fwrite(b, 1, n, o->f) == n;
}

int trace_write_csv(struct trace *t, const char *path)
{
	static const char header[] =
		"user,session_id,connect,disconnect,bytes_in,bytes_out\n";
	const struct trace_session *ss;
	size_t n = trace_count(t), plen = strlen(path);
	struct out o = { 0 };
	char *buf, *p;
	int rc;

	if ((rc = trace_sort_by_connect(t)) != 0)
		return rc;
	ss = trace_sessions(t);
	buf = malloc(OUTBUF + 1024);
	if (!buf)
		return ERR_NOMEM;
	if (plen > 3 && strcmp(path + plen - 3, ".gz") == 0)
		o.gz = gzopen(path, "wb6");
	else if (strcmp(path, "-") == 0)
		o.f = stdout;
	else
		o.f = fopen(path, "w");
	if (!o.f && !o.gz) {
		free(buf);
		return ERR_IO;
	}
	memcpy(buf, header, sizeof(header) - 1);
	p = buf + sizeof(header) - 1;
	for (size_t i = 0; i < n; i++) {
		size_t ulen;
		const char *u = trace_user_name(t, ss[i].user, &ulen);

		if ((size_t)(p - buf) > OUTBUF) {
			if (!out_write(&o, buf, (size_t)(p - buf)))
				goto io;
			p = buf;
		}
		/* Interned names never contain ',' '"' or newlines here:
		 * quote those that do. */
		if (memchr(u, ',', ulen) || memchr(u, '"', ulen) ||
		    memchr(u, '\n', ulen)) {
			*p++ = '"';
			for (size_t k = 0; k < ulen; k++) {
				if (u[k] == '"')
					*p++ = '"';
				*p++ = u[k];
			}
			*p++ = '"';
		} else {
			memcpy(p, u, ulen);
			p += ulen;
		}
		*p++ = ',';
		*p++ = 's';
		p = put_u64(p, i + 1);
		*p++ = ',';
		p = put_time(p, ss[i].connect);
		*p++ = ',';
		if (!(ss[i].flags & TRACE_SESSION_OPEN))
			p = put_time(p, (int64_t)ss[i].connect + ss[i].duration);
		*p++ = ',';
		p = put_u64(p, ss[i].bytes_in);
		*p++ = ',';
		p = put_u64(p, ss[i].bytes_out);
		*p++ = '\n';
	}
	if (!out_write(&o, buf, (size_t)(p - buf)))
		goto io;
	rc = 0;
	goto out;
io:
	rc = ERR_IO;
out:
	if (o.gz) {
		if (gzclose(o.gz) != Z_OK && !rc)
			rc = ERR_IO;
	} else if (o.f && o.f != stdout) {
		if (fclose(o.f) != 0 && !rc)
			rc = ERR_IO;
	} else if (o.f) {
		if (fflush(o.f) != 0 && !rc)
			rc = ERR_IO;
	}
	free(buf);
	return rc;
}
