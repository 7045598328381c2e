/*
 * net.c - the UDP sockets of reswand (see net.h).
 *
 * One socket per (address, port): IPv6 sockets are IPV6_V6ONLY so IPv4
 * never arrives as mapped addresses, and each socket reports the
 * destination of every datagram (IP_PKTINFO / IPV6_RECVPKTINFO).  Every
 * received byte is untrusted: nothing here looks past the RFC 3948 marker,
 * and datagrams larger than the buffer are counted and dropped rather than
 * handed on truncated.
 */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/net.h"
#include "wire/ikev2.h"
#include "wire/wire.h"

struct net_sock {
	struct net *net;
	int fd;
	struct event *ev;
	struct addr bound;	/* address and port bound */
	bool natt;		/* the NAT-T port */
	bool wildcard;
};

struct net {
	struct net_config cfg;
	struct net_sock socks[NET_MAX_SOCKS];
	size_t n;
	uint8_t *buf;
	struct net_stats st;
	struct log_ratelimit rl;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static socklen_t to_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == ADDR_IPV4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		memcpy(&s4->sin_addr, a->ip, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(a->port);
	memcpy(&s6->sin6_addr, a->ip, 16);
	return sizeof(*s6);
}

static int from_sockaddr(const struct sockaddr_storage *ss, struct addr *a)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		return addr_from_bytes(a, (const uint8_t *)&s4->sin_addr, 4,
				       ntohs(s4->sin_port));
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		return addr_from_bytes(a, (const uint8_t *)&s6->sin6_addr, 16,
				       ntohs(s6->sin6_port));
	}
	return ERR_INVAL;
}

/* The datagram's destination from its PKTINFO; false if absent. */
static bool pktinfo_dst(struct msghdr *mh, struct addr *dst, uint16_t port)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return addr_from_bytes(dst, (const uint8_t *)&pi.ipi_addr,
					       4, port) == 0;
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return addr_from_bytes(dst, (const uint8_t *)&pi.ipi6_addr,
					       16, port) == 0;
		}
	}
	return false;
}

static void deliver(struct net *n, struct net_sock *s, const struct addr *local,
		    const struct addr *remote, const uint8_t *p, size_t len)
{
	size_t off;

	if (!s->natt) {
		n->cfg.ike_rx(n->cfg.ctx, local, remote, p, len);
		return;
	}
	switch (wire_natt_classify(p, len, &off)) {
	case WIRE_NATT_IKE:
		n->st.natt_ike++;
		n->cfg.ike_rx(n->cfg.ctx, local, remote, p + off, len - off);
		break;
	case WIRE_NATT_ESP:
		n->st.natt_esp++;
		if (n->cfg.esp_rx)
			n->cfg.esp_rx(n->cfg.ctx, local, remote, p, len);
		else
			n->st.natt_esp_dropped++;
		break;
	case WIRE_NATT_KEEPALIVE:
		n->st.natt_keepalive++;
		break;
	case WIRE_NATT_INVALID:
	default:
		n->st.natt_invalid++;
		break;
	}
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct net_sock *s = arg;
	struct net *n = s->net;
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			  CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct sockaddr_storage from;
	struct addr local, remote;
	char ab[ADDR_STRLEN];
	ssize_t r;

	(void)what;
	for (int i = 0; i < NET_RX_BUDGET; i++) {
		struct iovec iov = { .iov_base = n->buf, .iov_len = NET_RX_BUF };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b),
		};

		r = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			/* ICMP errors of earlier sends surface here
			 * (ECONNREFUSED): count, keep reading. */
			n->st.rx_errors++;
			continue;
		}
		n->st.rx_datagrams++;
		n->st.rx_bytes += (uint64_t)r;
		if (mh.msg_flags & MSG_TRUNC) {
			n->st.rx_truncated++;
			continue;
		}
		if (from_sockaddr(&from, &remote) != 0)
			continue;
		if (!pktinfo_dst(&mh, &local, s->bound.port))
			local = s->bound;
		if (local.family != remote.family) {
			log_ratelimited(&n->rl, mono_us(), LOG_LVL_DEBUG,
					"net: datagram from %s with a destination "
					"of another family",
					addr_fmt(&remote, true, ab, sizeof(ab)));
			continue;
		}
		deliver(n, s, &local, &remote, n->buf, (size_t)r);
	}
}

static int open_sock(struct net *n, struct event_base *base,
		     const struct addr *a, bool natt, char *err, size_t errlen)
{
	struct net_sock *s = &n->socks[n->n];
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, fd, af = a->family == ADDR_IPV4 ? AF_INET : AF_INET6;
	int rcvbuf = 1 << 20;
	char ab[ADDR_STRLEN];

	fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket (%s): %s", af == AF_INET ? "IPv4"
			 : "IPv6", strerror(errno));
		return af == AF_INET6 && errno == EAFNOSUPPORT ? ERR_UNSUPPORTED
							       : ERR_IO;
	}
	if ((af == AF_INET &&
	     setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) != 0) ||
	    (af == AF_INET6 &&
	     (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0 ||
	      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			 sizeof(one)) != 0))) {
		snprintf(err, errlen, "setsockopt on %s: %s",
			 addr_fmt(a, true, ab, sizeof(ab)), strerror(errno));
		close(fd);
		return ERR_IO;
	}
	/* A deeper queue absorbs bursts (floods are the cookie's job);
	 * the kernel caps it at rmem_max, which is fine. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sl = to_sockaddr(a, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		snprintf(err, errlen, "bind %s: %s", addr_fmt(a, true, ab,
			 sizeof(ab)), strerror(errno));
		close(fd);
		return af == AF_INET6 && errno == EADDRNOTAVAIL && addr_is_any(a)
			? ERR_UNSUPPORTED : ERR_IO;
	}
	s->net = n;
	s->fd = fd;
	s->bound = *a;
	s->natt = natt;
	s->wildcard = addr_is_any(a);
	s->ev = event_new(base, fd, EV_READ | EV_PERSIST, on_readable, s);
	if (!s->ev || event_add(s->ev, NULL) != 0) {
		snprintf(err, errlen, "event loop: cannot watch %s",
			 addr_fmt(a, true, ab, sizeof(ab)));
		if (s->ev)
			event_free(s->ev);
		close(fd);
		return ERR_NOMEM;
	}
	n->n++;
	return 0;
}

/* Both ports on one address. */
static int open_addr(struct net *n, struct event_base *base,
		     const struct addr *ip, char *err, size_t errlen)
{
	struct addr a = *ip;
	int rc;

	a.port = n->cfg.port;
	if ((rc = open_sock(n, base, &a, false, err, errlen)) != 0)
		return rc;
	a.port = n->cfg.natt_port;
	if ((rc = open_sock(n, base, &a, true, err, errlen)) != 0) {
		/* Drop the IKE socket of this address too. */
		n->n--;
		event_free(n->socks[n->n].ev);
		close(n->socks[n->n].fd);
	}
	return rc;
}

struct net *net_new(struct event_base *base, const struct net_config *cfg,
		    char *err, size_t errlen)
{
	struct net *n = calloc(1, sizeof(*n));
	struct addr any4 = { .family = ADDR_IPV4 }, any6 = { .family = ADDR_IPV6 };
	int rc = 0;

	if (!n || !(n->buf = malloc(NET_RX_BUF))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	n->cfg = *cfg;
	n->cfg.listen = NULL;	/* not kept */
	n->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(1000000, 10);
	if (cfg->n_listen == 0) {
		if ((rc = open_addr(n, base, &any4, err, errlen)) != 0)
			goto fail;
		rc = open_addr(n, base, &any6, err, errlen);
		if (rc == ERR_UNSUPPORTED) {
			log_warn("net: no IPv6 (%s); listening on IPv4 only", err);
			rc = 0;
		}
		if (rc)
			goto fail;
	}
	for (size_t i = 0; i < cfg->n_listen; i++) {
		if (n->n + 2 > NET_MAX_SOCKS) {
			snprintf(err, errlen, "too many listen addresses");
			goto fail;
		}
		if ((rc = open_addr(n, base, &cfg->listen[i], err, errlen)) != 0)
			goto fail;
	}
	return n;
fail:
	net_free(n);
	return NULL;
}

void net_free(struct net *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		event_free(n->socks[i].ev);
		close(n->socks[i].fd);
	}
	free(n->buf);
	free(n);
}

/*
 * The socket for a send: same family and port kind; the one bound to the
 * source address if any, else a wildcard one, else (only --listen
 * addresses of that family) the first.
 */
static struct net_sock *pick(struct net *n, const struct addr *local,
			     uint8_t family, bool natt)
{
	struct net_sock *wild = NULL, *first = NULL;

	for (size_t i = 0; i < n->n; i++) {
		struct net_sock *s = &n->socks[i];

		if (s->bound.family != family || s->natt != natt)
			continue;
		if (!first)
			first = s;
		if (s->wildcard) {
			if (!wild)
				wild = s;
		} else if (local->family == family &&
			   addr_eq(&s->bound, local, false)) {
			return s;
		}
	}
	return wild ? wild : first;
}

int net_send(void *ctx, const struct addr *local, const struct addr *remote,
	     const uint8_t *msg, size_t len)
{
	struct net *n = ctx;
	static const uint8_t marker[IKEV2_NON_ESP_MARKER_LEN];
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct sockaddr_storage ss;
	struct iovec iov[2];
	struct msghdr mh = { 0 };
	struct net_sock *s;
	char ab[ADDR_STRLEN];
	bool natt;
	ssize_t w;

	if (local->port == n->cfg.natt_port ||
	    (local->port == IKEV2_NATT_PORT && n->cfg.port != IKEV2_NATT_PORT))
		natt = true;
	else if (local->port == n->cfg.port || local->port == IKEV2_PORT ||
		 local->port == 0)
		natt = false;
	else
		goto no_socket;
	if (remote->family != ADDR_IPV4 && remote->family != ADDR_IPV6)
		goto no_socket;
	if (!(s = pick(n, local, remote->family, natt)))
		goto no_socket;

	mh.msg_namelen = to_sockaddr(remote, &ss);
	mh.msg_name = &ss;
	mh.msg_iov = iov;
	if (natt) {
		iov[mh.msg_iovlen].iov_base = (void *)(uintptr_t)marker;
		iov[mh.msg_iovlen++].iov_len = sizeof(marker);
	}
	iov[mh.msg_iovlen].iov_base = (void *)(uintptr_t)msg;
	iov[mh.msg_iovlen++].iov_len = len;
	/* On a wildcard socket, send from the address the engine chose
	 * (the one the peer talked to). */
	if (s->wildcard && local->family == remote->family &&
	    !addr_is_any(local)) {
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.b;
		c = (struct cmsghdr *)cbuf.b;
		if (remote->family == ADDR_IPV4) {
			struct in_pktinfo pi = { 0 };

			memcpy(&pi.ipi_spec_dst, local->ip, 4);
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi = { 0 };

			memcpy(&pi.ipi6_addr, local->ip, 16);
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	do {
		w = sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (w < 0 && errno == EINTR);
	if (w < 0) {
		n->st.tx_errors++;
		log_ratelimited(&n->rl, mono_us(), LOG_LVL_WARN,
				"net: send to %s failed: %s",
				addr_fmt(remote, true, ab, sizeof(ab)),
				strerror(errno));
		return ERR_IO;
	}
	n->st.tx_datagrams++;
	return 0;
no_socket:
	n->st.tx_no_socket++;
	log_ratelimited(&n->rl, mono_us(), LOG_LVL_WARN,
			"net: no socket to send from port %u to %s", local->port,
			addr_fmt(remote, true, ab, sizeof(ab)));
	return ERR_NOTFOUND;
}

void net_get_stats(const struct net *n, struct net_stats *out)
{
	*out = n->st;
}

size_t net_count(const struct net *n)
{
	return n->n;
}

const struct addr *net_bound(const struct net *n, size_t i)
{
	return i < n->n ? &n->socks[i].bound : NULL;
}
