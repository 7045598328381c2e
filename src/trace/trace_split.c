/*
 * trace_split.c - reading one large plain file on several threads.
 *
 * A canonical CSV line stands alone: once the header is known, any line
 * can be parsed without the ones before it.  So a large file is cut at
 * line boundaries into one part per thread; each thread parses its part
 * with a clone of the parser state into a shard of the trace
 * (trace_shards.c), and the parts are merged in file order.  Everything a
 * reader reports comes out as if the file had been read in one piece:
 * the sessions in the same order with the same user ids, the malformed
 * lines counted and the first TRACE_DIAG_KEEP reported with their real
 * line numbers, and under --strict the first malformed line of the file
 * (the parts after the one that stopped are discarded, as sequential
 * reading never gets to them).
 *
 * Files are taken a round of at most ROUND_BYTES at a time, each round
 * checked against the caps (TRACE_SESSIONS_MAX, TRACE_USERS_MAX): a round
 * that could reach one is read on one thread, so the limit error comes at
 * the same line as it would without threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define ROUND_BYTES (1ULL << 30)
/* Lines before the parser is ready to be cloned (a header after comment
 * lines); past that the file is read on one thread. */
#define HEAD_LINES_MAX 64

struct part {
	struct trace_rd_ctx cx;
	uint64_t start, end;
	int rc;
};

struct job {
	const struct trace_parser *p;
	const struct trace_input *in;
	struct part *parts;
};

static void work(void *arg, unsigned k)
{
	struct job *j = arg;
	struct part *pt = &j->parts[k];

	pt->rc = trace_rd_range(&pt->cx, j->p, j->in, pt->start, pt->end);
}

/* The first line start at or after `at`: just past the first newline at
 * or after at - 1, or the end of the input.  ERR_IO, said in cx->err. */
static int line_start(struct trace_rd_ctx *cx, const struct trace_input *in,
		      uint64_t at, uint64_t *out)
{
	char buf[4096];

	if (at == 0 || at >= in->size) {
		*out = at < in->size ? at : in->size;
		return 0;
	}
	at--;
	if (in->mem) {
		const char *nl = memchr(in->mem + at, '\n', (size_t)(in->size - at));

		*out = nl ? (uint64_t)(nl - in->mem) + 1 : in->size;
		return 0;
	}
	while (at < in->size) {
		size_t want = in->size - at < sizeof(buf) ? (size_t)(in->size - at) : sizeof(buf);
		ssize_t got = pread(in->fd, buf, want, (off_t)at);
		const char *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(cx->err, sizeof(cx->err), "%s: %s", cx->fname,
				 strerror(errno));
			return ERR_IO;
		}
		if (got == 0)
			break;
		if ((nl = memchr(buf, '\n', (size_t)got))) {
			*out = at + (uint64_t)(nl - buf) + 1;
			return 0;
		}
		at += (uint64_t)got;
	}
	*out = in->size;
	return 0;
}

/* Part k's report, with its line numbers made absolute, into cx. */
static void merge_ctx(struct trace_rd_ctx *cx, struct part *pt)
{
	struct trace_rd_ctx *w = &pt->cx;
	uint64_t base = cx->line;

	for (size_t i = 0; i < w->ndiag && cx->ndiag < TRACE_DIAG_KEEP; i++) {
		char *d = malloc(strlen(cx->fname) + strlen(w->diag[i]) + 32);

		if (d) {
			sprintf(d, "%s:%llu: %s", cx->fname,
				(unsigned long long)(base + w->diag_line[i]), w->diag[i]);
			cx->diag[cx->ndiag++] = d;
		}
	}
	cx->malformed += w->malformed;
	if (w->tseen)
		trace_rd_saw_time(cx, w->tmax);
	cx->open_closed += w->open_closed;
	if (pt->rc && w->err_line)
		snprintf(cx->err, sizeof(cx->err), "%s:%llu: %s", cx->fname,
			 (unsigned long long)(base + w->err_line), w->err);
	else if (pt->rc && *w->err)
		snprintf(cx->err, sizeof(cx->err), "%s", w->err);
	cx->line += w->line;
}

static void part_free(const struct trace_parser *p, struct part *pt)
{
	enum trace_format f = p->format;

	if (pt->cx.state[f])
		p->state_free(pt->cx.state[f]);
	pt->cx.state[f] = NULL;
	for (size_t i = 0; i < pt->cx.ndiag; i++)
		free(pt->cx.diag[i]);
	pt->cx.ndiag = 0;
}

/* One round: [pos, end) in n parts on n threads. */
static int round_read(struct trace_rd_ctx *cx, const struct trace_parser *p,
		      const struct trace_input *in, uint64_t pos, uint64_t end,
		      unsigned n, double avg_line)
{
	enum trace_format f = p->format;
	struct part *parts = calloc(n, sizeof(*parts));
	size_t cap[TRACE_SHARDS_MAX] = { 0 };
	struct trace_shards sp;
	struct job job = { p, in, parts };
	size_t keep;
	int rc = 0;

	if (!parts)
		return ERR_NOMEM;
	for (unsigned k = 0; k < n; k++) {
		uint64_t b = 0;

		if (k && (rc = line_start(cx, in, pos + (end - pos) / n * k, &b)) != 0)
			goto out;
		if (b > end)
			b = end;
		parts[k].start = k ? (b > parts[k - 1].start ? b : parts[k - 1].start) : pos;
		if (k)
			parts[k - 1].end = parts[k].start;
	}
	parts[n - 1].end = end;
	for (unsigned k = 0; k < n; k++) {
		struct trace_rd_ctx *w = &parts[k].cx;

		/* An estimate: a shard that outgrows it still works. */
		cap[k] = (size_t)((double)(parts[k].end - parts[k].start) / avg_line * 1.0625) + 64;
		w->o = cx->o;
		memcpy(w->fname, cx->fname, sizeof(w->fname));
		w->worker = true;
		w->split_min = cx->split_min;
		w->parser[f] = p;
		w->last = f;
		if (!(w->state[f] = p->split_clone(cx->state[f]))) {
			rc = ERR_NOMEM;
			goto out;
		}
	}
	if ((rc = trace_shards_begin(&sp, cx->t, cap, n)) != 0)
		goto out;
	for (unsigned k = 0; k < n; k++)
		parts[k].cx.t = sp.sh[k];
	trace_threads_run(n, work, &job);
	keep = n;
	for (unsigned k = 0; k < n; k++) {
		if (parts[k].rc) {
			keep = k + 1;
			break;
		}
	}
	rc = trace_shards_end(&sp, keep);
	for (size_t k = 0; k < sp.kept; k++) {
		int mrc;

		merge_ctx(cx, &parts[k]);
		mrc = p->split_merge(cx->state[f], parts[k].cx.state[f], sp.remap[k]);
		parts[k].cx.state[f] = NULL;
		if (!rc && parts[k].rc)
			rc = parts[k].rc;
		if (!rc && mrc)
			rc = mrc;
	}
	trace_shards_release(&sp);
out:
	for (unsigned k = 0; k < n; k++)
		part_free(p, &parts[k]);
	free(parts);
	return rc;
}

int trace_split_read(struct trace_rd_ctx *cx, const struct trace_parser *p,
		     const struct trace_input *in, uint64_t start,
		     unsigned threads, double avg_line)
{
	uint64_t pos = start;
	int rc;

	if (threads > TRACE_SHARDS_MAX)
		threads = TRACE_SHARDS_MAX;
	/* The lines the parser must see first (the header), one at a time. */
	for (unsigned i = 0;; i++) {
		void *probe = p->split_clone(cx->state[p->format]);
		uint64_t e;

		if (probe) {
			p->state_free(probe);
			break;
		}
		if (i == HEAD_LINES_MAX || pos >= in->size)
			return trace_rd_range(cx, p, in, pos, in->size);
		if ((rc = line_start(cx, in, pos + 1, &e)) != 0)
			return rc;
		if ((rc = trace_rd_range(cx, p, in, pos, e)) != 0)
			return rc;
		pos = e;
	}
	while (pos < in->size) {
		uint64_t len = in->size - pos, end = in->size;
		const struct trace *t = cx->t;
		uint64_t most = len / p->split_line_min + 1;
		unsigned n = threads;

		if (len > ROUND_BYTES) {
			if ((rc = line_start(cx, in, pos + ROUND_BYTES, &end)) != 0)
				return rc;
			len = end - pos;
			most = len / p->split_line_min + 1;
		}
		if (len / cx->split_min < n)
			n = (unsigned)(len / cx->split_min);
		/* Near a cap, or too little to share: one thread, as before. */
		if (n < 2 || most > TRACE_SESSIONS_MAX - t->n ||
		    most > TRACE_USERS_MAX - t->users.count)
			return trace_rd_range(cx, p, in, pos, in->size);
		if ((rc = round_read(cx, p, in, pos, end, n, avg_line)) != 0)
			return rc;
		pos = end;
	}
	return 0;
}
