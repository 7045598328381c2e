/*
 * ctl.c - the control socket server (see ctl.h).
 *
 * Each client is a libevent bufferevent.  Its input is capped by the read
 * high-water mark (CTL_MAX_LINE), so a client that never sends a newline
 * holds at most one line's worth of memory and is then told its line is too
 * long.  Its output is one reply at a time: a connection does not look at
 * its next request until the previous reply has left, so a client that
 * pipelines requests but never reads is bounded by one reply and dropped
 * after CTL_WRITE_TIMEOUT_S.
 *
 * Requests outlive connections: an asynchronous command's handler keeps its
 * struct ctl_req (the engine holds it as a callback context), and when the
 * client goes away the request is only detached (conn = NULL) and its reply
 * later dropped.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/ctl.h"
#include "daemon/daemon.h"

struct ctl_conn {
	struct ctl *ctl;
	struct bufferevent *bev;
	struct ctl_req *req;		/* in flight, or NULL */
	struct ctl_conn *next, *prev;
	bool eof;			/* the client sent everything */
	bool closing;			/* free once the output is flushed */
	bool in_process;		/* process() is on the stack */
};

struct ctl_req {
	struct ctl *ctl;
	struct ctl_conn *conn;		/* NULL once the client has gone */
	struct ctl_req *next, *prev;	/* ctl->reqs */
};

struct ctl {
	struct daemon *d;
	struct event_base *base;
	int fd;
	struct event *ev;
	char *path;
	dev_t dev;			/* the socket file we created, so we */
	ino_t ino;			/* only ever unlink our own */
	struct ctl_conn *conns;
	struct ctl_req *reqs;
	struct ctl_stats st;
	bool stopped;			/* ctl_stop(): read no more requests */
};

static void conn_free(struct ctl_conn *c)
{
	struct ctl *ctl = c->ctl;

	if (c->req)
		c->req->conn = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		ctl->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	bufferevent_free(c->bev);
	ctl->st.clients--;
	free(c);
}

static size_t out_len(struct ctl_conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

/* Queue "OK|ERR <len>\n<body>" on c. */
static void send_reply(struct ctl_conn *c, bool ok, const char *body,
		       size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	static const char toobig[] = "reply too large for the control "
				     "protocol\n";

	if (len > CTL_MAX_REPLY) {
		ok = false;
		body = toobig;
		len = sizeof(toobig) - 1;
	}
	if (!ok)
		c->ctl->st.errors++;
	if (evbuffer_add_printf(out, "%s %zu\n", ok ? "OK" : "ERR", len) < 0 ||
	    evbuffer_add(out, body, len) != 0) {
		/* Out of memory: the framing is broken, so hang up. */
		c->closing = true;
	}
}

static void send_replyf(struct ctl_conn *c, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void send_replyf(struct ctl_conn *c, bool ok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	send_reply(c, ok, buf, (size_t)n < sizeof(buf) ? (size_t)n
						       : sizeof(buf) - 1);
}

static void dispatch(struct ctl_conn *c, char *line, size_t len)
{
	struct ctl *ctl = c->ctl;
	const struct ctl_cmd *cmd;
	struct ctl_req *r;
	char *argv[CTL_MAX_ARGS + 1];
	int argc = ctl_line_split(line, len, argv, CTL_MAX_ARGS);

	if (argc == 0)
		return;		/* blank lines are ignored, unanswered */
	if (argc == ERR_SYNTAX) {
		ctl->st.requests++;
		send_replyf(c, false, "request contains control characters\n");
		return;
	}
	if (argc < 0) {
		ctl->st.requests++;
		send_replyf(c, false, "too many words in the request (at most "
			    "%d)\n", CTL_MAX_ARGS);
		return;
	}
	ctl->st.requests++;
	if (!(cmd = ctl_cmd_find(argv[0]))) {
		send_replyf(c, false, "unknown command '%.64s' (try 'help')\n",
			    argv[0]);
		return;
	}
	if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
		send_replyf(c, false, "usage: %s%s%s\n", cmd->name,
			    *cmd->args ? " " : "", cmd->args);
		return;
	}
	if (!(r = calloc(1, sizeof(*r)))) {
		send_replyf(c, false, "out of memory\n");
		return;
	}
	r->ctl = ctl;
	r->conn = c;
	r->next = ctl->reqs;
	if (ctl->reqs)
		ctl->reqs->prev = r;
	ctl->reqs = r;
	ctl->st.pending++;
	c->req = r;
	cmd->fn(ctl->d, r, argc, argv);
	/* The handler may have called the engine: re-arm its timer. */
	daemon_kick(ctl->d);
}

/*
 * Take complete lines while no request is in flight and no reply is
 * waiting to leave; free the connection when it is finished.  Re-entry
 * (a handler answering at once) is left to the outer call.
 */
static void process(struct ctl_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	char line[CTL_MAX_LINE];
	struct evbuffer_ptr eol;
	size_t eol_len;

	if (c->in_process)
		return;
	c->in_process = true;
	while (!c->req && !c->closing && !c->ctl->stopped && out_len(c) == 0) {
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			if (evbuffer_get_length(in) < CTL_MAX_LINE) {
				if (c->eof)
					c->closing = true;
				break;
			}
		} else if ((size_t)eol.pos < CTL_MAX_LINE) {
			size_t len = (size_t)eol.pos;

			evbuffer_remove(in, line, len + 1);
			if (len > 0 && line[len - 1] == '\r')
				len--;
			dispatch(c, line, len);
			continue;
		}
		/* No newline within CTL_MAX_LINE bytes. */
		c->ctl->st.requests++;
		send_replyf(c, false, "request line longer than %d bytes\n",
			    CTL_MAX_LINE - 1);
		evbuffer_drain(in, evbuffer_get_length(in));
		c->closing = true;
	}
	c->in_process = false;
	if (c->closing && out_len(c) == 0 && !c->req)
		conn_free(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	process(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;

	(void)bev;
	/* The reply has left: the next request may be read. */
	process(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_conn *c = arg;

	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) && c->req) {
		/* Silent because it waits for a slow reply (up): fine. */
		bufferevent_enable(bev, EV_READ);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* Half-closed: still answer what was asked. */
		c->eof = true;
		process(c);
		return;
	}
	conn_free(c);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	static const char busy[] = "ERR 28\ntoo many control clients\n";
	struct ctl *ctl = arg;
	struct timeval rtv = { CTL_IDLE_TIMEOUT_S, 0 };
	struct timeval wtv = { CTL_WRITE_TIMEOUT_S, 0 };
	struct ctl_conn *c;
	int fd;

	(void)what;
	for (int i = 0; i < 16; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("control: accept: %s", strerror(errno));
			return;
		}
		ctl->st.accepted++;
		if (ctl->st.clients >= CTL_MAX_CLIENTS ||
		    !(c = calloc(1, sizeof(*c)))) {
			ctl->st.refused++;
			(void)!send(fd, busy, sizeof(busy) - 1,
				    MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		c->ctl = ctl;
		c->bev = bufferevent_socket_new(ctl->base, fd, BEV_OPT_CLOSE_ON_FREE);
		if (!c->bev) {
			close(fd);
			free(c);
			continue;
		}
		bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
		bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_MAX_LINE);
		bufferevent_set_timeouts(c->bev, &rtv, &wtv);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
		c->next = ctl->conns;
		if (ctl->conns)
			ctl->conns->prev = c;
		ctl->conns = c;
		ctl->st.clients++;
	}
}

/* The socket's directory: created 0700 if missing (one level). */
static int make_dir(const char *path, char *err, size_t errlen)
{
	char *copy = strdup(path), *dir;
	struct stat st;
	int rc = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return ERR_NOMEM;
	}
	dir = dirname(copy);
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0700) != 0) {
			snprintf(err, errlen, "control socket directory %s: %s",
				 dir, strerror(errno));
			rc = ERR_IO;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "control socket directory %s is not a "
			 "directory", dir);
		rc = ERR_INVAL;
	}
	free(copy);
	return rc;
}

static int listen_unix(struct ctl *ctl, const char *path, char *err,
		       size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path %s is longer than "
			 "%zu bytes", path, sizeof(sun.sun_path) - 1);
		return ERR_INVAL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((rc = make_dir(path, err, errlen)) != 0)
		return rc;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket; "
				 "not replacing it", path);
			return ERR_EXISTS;
		}
		if (ctl_client_probe(path)) {
			snprintf(err, errlen, "another reswand is running (it "
				 "answers on %s)", path);
			return ERR_EXISTS;
		}
		/* Stale: left by a daemon that did not exit cleanly. */
		if (unlink(path) != 0) {
			snprintf(err, errlen, "removing stale %s: %s", path,
				 strerror(errno));
			return ERR_IO;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return ERR_IO;
	}
	/* Created 0600 from the start: no window where others could
	 * connect. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || listen(fd, 16) != 0 || stat(path, &st) != 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
			 strerror(errno));
		close(fd);
		return ERR_IO;
	}
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	ctl->fd = fd;
	return 0;
}

struct ctl *ctl_new(struct event_base *base, const char *path,
		    struct daemon *d, char *err, size_t errlen)
{
	struct ctl *ctl = calloc(1, sizeof(*ctl));

	if (!ctl || !(ctl->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		free(ctl);
		return NULL;
	}
	ctl->d = d;
	ctl->base = base;
	ctl->fd = -1;
	if (listen_unix(ctl, path, err, errlen) != 0)
		goto fail;
	ctl->ev = event_new(base, ctl->fd, EV_READ | EV_PERSIST, on_accept, ctl);
	if (!ctl->ev || event_add(ctl->ev, NULL) != 0) {
		snprintf(err, errlen, "event loop: cannot watch %s", path);
		goto fail;
	}
	return ctl;
fail:
	ctl_free(ctl);
	return NULL;
}

void ctl_free(struct ctl *ctl)
{
	struct stat st;

	if (!ctl)
		return;
	while (ctl->conns)
		conn_free(ctl->conns);
	while (ctl->reqs) {
		struct ctl_req *r = ctl->reqs;

		ctl->reqs = r->next;
		free(r);
	}
	if (ctl->ev)
		event_free(ctl->ev);
	if (ctl->fd >= 0) {
		close(ctl->fd);
		/* Only our own socket: a successor may have replaced it. */
		if (stat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
		    st.st_ino == ctl->ino)
			unlink(ctl->path);
	}
	free(ctl->path);
	free(ctl);
}

void ctl_stop(struct ctl *ctl)
{
	ctl->stopped = true;
	if (ctl->ev)
		event_del(ctl->ev);
}

void ctl_reply(struct ctl_req *r, bool ok, const char *body, size_t len)
{
	struct ctl *ctl = r->ctl;
	struct ctl_conn *c = r->conn;

	if (r->prev)
		r->prev->next = r->next;
	else
		ctl->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	ctl->st.pending--;
	free(r);
	if (!c) {
		if (!ok)
			ctl->st.errors++;
		return;
	}
	c->req = NULL;
	send_reply(c, ok, body, len);
	/* Normally the write callback continues once the reply has left;
	 * if nothing could be queued, continue (or hang up) here. */
	if (out_len(c) == 0)
		process(c);
}

void ctl_replyf(struct ctl_req *r, bool ok, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	ctl_reply(r, ok, buf, (size_t)n < sizeof(buf) ? (size_t)n
						      : sizeof(buf) - 1);
}

bool ctl_req_alive(const struct ctl_req *r)
{
	return r->conn != NULL;
}

void ctl_get_stats(const struct ctl *ctl, struct ctl_stats *out)
{
	*out = ctl->st;
}
