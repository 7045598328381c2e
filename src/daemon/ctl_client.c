/*
 * ctl_client.c - one request/reply over reswand's control socket.
 *
 * Blocking I/O on a non-blocking socket with poll(), so one deadline bounds
 * the whole call (connect, write, and waiting for an asynchronous reply such
 * as `up`).  The reply header is read byte by byte up to CTL_MAX_HEADER so a
 * misbehaving peer cannot make the client buffer without bound; the body is
 * read exactly as announced, capped at CTL_MAX_REPLY.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "daemon/ctl_client.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before deadline (-1 = none), 0 if it has passed. */
static int left_ms(int64_t deadline)
{
	int64_t l;

	if (deadline < 0)
		return -1;
	l = deadline - now_ms();
	return l <= 0 ? 0 : l > INT32_MAX ? INT32_MAX : (int)l;
}

static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc;

	for (;;) {
		rc = poll(&p, 1, left_ms(deadline));
		if (rc > 0)
			return 0;
		if (rc == 0)
			return ERR_TIMEOUT;
		if (errno != EINTR)
			return ERR_IO;
	}
}

static int connect_unix(const char *path, int64_t deadline, char *err,
			size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t sl = sizeof(sun);
	int fd, soerr = 0;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "cannot connect to reswand at %s: path "
			 "longer than %zu bytes", path, sizeof(sun.sun_path) - 1);
		return ERR_INVAL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to reswand at %s: socket: %s",
			 path, strerror(errno));
		return ERR_IO;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	if (errno == EINPROGRESS || errno == EAGAIN) {
		/* A full backlog: wait for the daemon to accept. */
		if (wait_fd(fd, POLLOUT, deadline) == 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
		    soerr == 0)
			return fd;
		errno = soerr ? soerr : ETIMEDOUT;
	}
	snprintf(err, errlen, "cannot connect to reswand at %s: %s", path,
		 strerror(errno));
	close(fd);
	return ERR_IO;
}

static int write_all(int fd, const char *p, size_t n, int64_t deadline)
{
	ssize_t w;
	int rc;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return ERR_IO;
		if ((rc = wait_fd(fd, POLLOUT, deadline)) != 0)
			return rc;
	}
	return 0;
}

/* Read exactly n bytes; ERR_TRUNCATED if the daemon closes first. */
static int read_all(int fd, char *p, size_t n, int64_t deadline)
{
	ssize_t r;
	int rc;

	while (n) {
		r = recv(fd, p, n, 0);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == 0)
			return ERR_TRUNCATED;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return ERR_IO;
		if ((rc = wait_fd(fd, POLLIN, deadline)) != 0)
			return rc;
	}
	return 0;
}

int ctl_client_parse_header(const char *h, bool *ok, size_t *len)
{
	const char *num;
	char *end;
	unsigned long long v;

	if (strncmp(h, "OK ", 3) == 0) {
		*ok = true;
		num = h + 3;
	} else if (strncmp(h, "ERR ", 4) == 0) {
		*ok = false;
		num = h + 4;
	} else {
		return ERR_SYNTAX;
	}
	if (*num < '0' || *num > '9')
		return ERR_SYNTAX;
	errno = 0;
	v = strtoull(num, &end, 10);
	if (errno || *end != '\0' || v > CTL_MAX_REPLY)
		return ERR_SYNTAX;
	*len = (size_t)v;
	return 0;
}

static void io_error(int rc, const char *path, int timeout_ms, char *err,
		     size_t errlen)
{
	if (rc == ERR_TIMEOUT)
		snprintf(err, errlen, "no reply from reswand at %s within %d s",
			 path, timeout_ms / 1000);
	else if (rc == ERR_TRUNCATED)
		snprintf(err, errlen, "reswand at %s closed the connection "
			 "before replying", path);
	else
		snprintf(err, errlen, "talking to reswand at %s: %s", path,
			 strerror(errno));
}

int ctl_client_call(const char *path, const char *line, int timeout_ms,
		    struct ctl_reply *out, char *err, size_t errlen)
{
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	char hdr[CTL_MAX_HEADER + 1];
	size_t n = 0, len = 0, linelen = strlen(line);
	char *req = NULL, *body = NULL;
	bool ok = false;
	int fd = -1, rc;

	if (linelen + 1 > CTL_MAX_LINE || strchr(line, '\n')) {
		snprintf(err, errlen, "request too long or contains a newline");
		return ERR_INVAL;
	}
	if ((fd = connect_unix(path, deadline, err, errlen)) < 0)
		return fd;
	rc = ERR_NOMEM;
	if (!(req = malloc(linelen + 2)))
		goto fail;
	memcpy(req, line, linelen);
	req[linelen] = '\n';
	if ((rc = write_all(fd, req, linelen + 1, deadline)) != 0)
		goto io;
	/* Header: up to the newline. */
	for (;;) {
		if ((rc = read_all(fd, &hdr[n], 1, deadline)) != 0)
			goto io;
		if (hdr[n] == '\n')
			break;
		if (++n >= CTL_MAX_HEADER) {
			rc = ERR_SYNTAX;
			goto bad;
		}
	}
	hdr[n] = '\0';
	if ((rc = ctl_client_parse_header(hdr, &ok, &len)) != 0)
		goto bad;
	rc = ERR_NOMEM;
	if (!(body = malloc(len + 1)))
		goto fail;
	if ((rc = read_all(fd, body, len, deadline)) != 0)
		goto io;
	body[len] = '\0';
	out->ok = ok;
	out->body = body;
	out->len = len;
	free(req);
	close(fd);
	return 0;
bad:
	snprintf(err, errlen, "reswand at %s sent a malformed reply", path);
	goto fail;
io:
	io_error(rc, path, timeout_ms, err, errlen);
fail:
	if (rc == ERR_NOMEM)
		snprintf(err, errlen, "out of memory");
	free(body);
	free(req);
	close(fd);
	return rc;
}

void ctl_client_reply_free(struct ctl_reply *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

bool ctl_client_probe(const char *path)
{
	char err[256];
	int fd = connect_unix(path, now_ms() + 1000, err, sizeof(err));

	if (fd < 0)
		return false;
	close(fd);
	return true;
}
