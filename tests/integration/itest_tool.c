/*
 * itest_tool.c - traffic the integration tests need and no real peer sends:
 * malformed datagrams, an IKE_SA_INIT flood from many source ports, and raw
 * control-socket sessions.  Everything it sends goes to the address it is
 * given (the tests only give loopback addresses); every loop is bounded in
 * count and time.
 *
 *   itest_tool junk ADDR IKE_PORT NATT_PORT
 *   itest_tool flood ADDR PORT NSOCKETS SECONDS
 *   itest_tool ctl SOCKET            (request bytes on stdin, replies on stdout)
 *   itest_tool clients SOCKET N
 *
 * Results are printed as key=value lines for the shell scripts to check.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "crypto/rand.h"
#include "wire/wire.h"

#define MAX_FLOOD 1000

static int die(const char *what)
{
	fprintf(stderr, "itest_tool: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct dest {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* A loopback destination (127/8 or ::1): the tests send nowhere else. */
static struct dest dest(const char *ip, const char *port)
{
	struct dest d = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&d.ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&d.ss;
	uint16_t p = htons((uint16_t)atoi(port));

	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1 &&
	    strncmp(ip, "127.", 4) == 0) {
		s4->sin_family = AF_INET;
		s4->sin_port = p;
		d.len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1 &&
		   IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = p;
		d.len = sizeof(*s6);
	} else {
		fprintf(stderr, "itest_tool: %s is not a loopback address\n", ip);
		exit(2);
	}
	return d;
}

static bool same_dest(const struct dest *d, const struct sockaddr_storage *from)
{
	if (from->ss_family != d->ss.ss_family)
		return false;
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)from;
		const struct sockaddr_in *b = (const struct sockaddr_in *)&d->ss;

		return a->sin_addr.s_addr == b->sin_addr.s_addr &&
		       a->sin_port == b->sin_port;
	}
	const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;
	const struct sockaddr_in6 *b = (const struct sockaddr_in6 *)&d->ss;

	return memcmp(&a->sin6_addr, &b->sin6_addr, 16) == 0 &&
	       a->sin6_port == b->sin6_port;
}

static int udp_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

static void send_to(int fd, const struct dest *to, const void *p, size_t len)
{
	if (sendto(fd, p, len, 0, (const struct sockaddr *)&to->ss, to->len) < 0)
		die("sendto");
	/* Pace a little: the point is malformed input, not loss. */
	usleep(200);
}

static void rnd(void *p, size_t n)
{
	if (rand_bytes(rand_system(), p, n) != 0) {
		fprintf(stderr, "itest_tool: no randomness\n");
		exit(1);
	}
}

/*
 * An IKE_SA_INIT request: SA (AES-GCM-16-256, PRF-SHA256, X25519), KE with
 * 32 random bytes (any 32 bytes are a valid X25519 public value), a random
 * nonce, and the cookie first if one is given.  Returns the length.
 */
struct init_vals {
	uint64_t spi;
	uint8_t pub[32], nonce[32];
};

static void init_vals_new(struct init_vals *v)
{
	rnd(&v->spi, sizeof(v->spi));
	rnd(v->pub, sizeof(v->pub));
	rnd(v->nonce, sizeof(v->nonce));
}

/* The cookie is bound to SPIi and Ni (RFC 7296 2.6): a retry with the
 * cookie repeats the values of the first request. */
static size_t build_init(uint8_t *out, size_t cap, const struct init_vals *v,
			 const uint8_t *cookie, size_t cookie_len)
{
	static const struct wire_attr keylen = {
		.type = IKEV2_ATTR_KEY_LENGTH, .tv = true, .value = 256,
	};
	const struct wire_transform tr[] = {
		{ .type = IKEV2_TRANS_ENCR, .id = IKEV2_ENCR_AES_GCM_16,
		  .nattrs = 1, .attrs = &keylen },
		{ .type = IKEV2_TRANS_PRF, .id = IKEV2_PRF_HMAC_SHA2_256 },
		{ .type = IKEV2_TRANS_DH, .id = IKEV2_DH_CURVE25519 },
	};
	const struct wire_proposal prop = {
		.num = 1, .proto = IKEV2_PROTO_IKE, .ntransforms = 3,
		.transforms = tr,
	};
	const struct wire_sa sa = { .nproposals = 1, .proposals = &prop };
	struct wire_ke ke = { .group = IKEV2_DH_CURVE25519,
			      .data = { v->pub, sizeof(v->pub) } };
	struct wire_span n = { v->nonce, sizeof(v->nonce) };
	struct buf_writer w;
	struct wire_builder b;
	struct wire_hdr h;

	wire_hdr_init_request(&h, v->spi, 0, IKEV2_EXCH_IKE_SA_INIT, 0, true);
	buf_writer_init_fixed(&w, out, cap);
	wire_build_init(&b, &w, &h);
	if (cookie)
		wire_put_notify_data(&b, IKEV2_N_COOKIE, cookie, cookie_len);
	wire_put_sa(&b, &sa);
	wire_put_ke(&b, &ke);
	wire_put_nonce(&b, &n);
	if (wire_build_finish(&b) != 0) {
		fprintf(stderr, "itest_tool: cannot build IKE_SA_INIT\n");
		exit(1);
	}
	return w.len;
}

/* A 28-octet IKE header with the given fields. */
static void put_hdr(uint8_t *p, uint8_t version, uint8_t exchange,
		    uint8_t flags, uint32_t length, bool spi_r)
{
	rnd(p, 16);
	if (!spi_r)
		memset(p + 8, 0, 8);
	p[16] = 33;		/* next payload: SA */
	p[17] = version;
	p[18] = exchange;
	p[19] = flags;
	memset(p + 20, 0, 4);	/* message ID 0 */
	buf_store_u32(p + 24, length);
}

static int cmd_junk(char **argv)
{
	struct dest ike = dest(argv[0], argv[1]);
	struct dest natt = dest(argv[0], argv[2]);
	static uint8_t buf[60000];
	unsigned ike_invalid = 0, natt_invalid = 0, natt_esp = 0;
	unsigned natt_keepalive = 0, natt_ike_invalid = 0, other = 0;
	int fd = udp_socket(ike.ss.ss_family);

	/* Random bytes of many lengths: the header check fails (a chance
	 * match of version 2 and an exact length is 2^-36 per datagram). */
	for (int i = 0; i < 40; i++) {
		size_t len = 1 + (size_t)(i * 53 % 1500);

		rnd(buf, len);
		buf[17] = 0x7f;		/* never version 2.x */
		send_to(fd, &ike, buf, len);
		ike_invalid++;
	}
	/* Truncated headers. */
	for (size_t len = 1; len < 28; len += 3) {
		put_hdr(buf, 0x20, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR,
			28, false);
		send_to(fd, &ike, buf, len);
		ike_invalid++;
	}
	/* A valid header whose length says more than was sent, less than
	 * the header, and less than was sent. */
	put_hdr(buf, 0x20, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 1000,
		false);
	send_to(fd, &ike, buf, 100);
	put_hdr(buf, 0x20, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 12,
		false);
	send_to(fd, &ike, buf, 100);
	put_hdr(buf, 0x20, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 60,
		false);
	send_to(fd, &ike, buf, 100);
	ike_invalid += 3;
	/* Wrong major version. */
	put_hdr(buf, 0x10, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 28,
		false);
	send_to(fd, &ike, buf, 28);
	ike_invalid++;
	/* Header fine, payloads garbage: a malformed IKE_SA_INIT. */
	for (int i = 0; i < 10; i++) {
		put_hdr(buf, 0x20, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR,
			200, false);
		rnd(buf + 28, 172);
		send_to(fd, &ike, buf, 200);
		ike_invalid++;
	}
	/* An unknown exchange with no responder SPI. */
	put_hdr(buf, 0x20, 99, IKEV2_FLAG_INITIATOR, 28, false);
	send_to(fd, &ike, buf, 28);
	ike_invalid++;
	/* Requests for IKE SAs that do not exist (counted elsewhere). */
	for (int i = 0; i < 5; i++) {
		put_hdr(buf, 0x20, IKEV2_EXCH_INFORMATIONAL, IKEV2_FLAG_INITIATOR,
			28, true);
		send_to(fd, &ike, buf, 28);
		other++;
	}
	/* A datagram near the UDP maximum. */
	rnd(buf, sizeof(buf));
	buf[17] = 0x7f;
	send_to(fd, &ike, buf, sizeof(buf));
	ike_invalid++;

	/* NAT-T port: too short for anything, keepalives, ESP, and the
	 * non-ESP marker before junk. */
	for (size_t len = 1; len < 8; len++) {
		memset(buf, 0x42, len);
		if (len == 1)
			buf[0] = 0x41;
		send_to(fd, &natt, buf, len);
		natt_invalid++;	/* too short for a marker or for ESP */
	}
	buf[0] = 0xff;
	send_to(fd, &natt, buf, 1);
	natt_keepalive++;
	for (int i = 0; i < 5; i++) {
		rnd(buf, 100);
		buf[0] |= 0x80;		/* non-zero SPI */
		send_to(fd, &natt, buf, 100);
		natt_esp++;
	}
	for (int i = 0; i < 10; i++) {
		memset(buf, 0, 4);
		rnd(buf + 4, 60);
		buf[4 + 17] = 0x7f;
		send_to(fd, &natt, buf, 4 + (size_t)(i * 7));
		natt_ike_invalid++;
	}
	close(fd);
	printf("ike_invalid=%u\nnatt_ike_invalid=%u\nnatt_invalid=%u\n"
	       "natt_esp=%u\nnatt_keepalive=%u\nother=%u\n", ike_invalid,
	       natt_ike_invalid, natt_invalid, natt_esp, natt_keepalive, other);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One IKE_SA_INIT from each of n sockets; a socket that is asked for a
 * cookie answers once with it, as an attacker that owns its source
 * addresses would, so the daemon's hard half-open cap is reached too.
 */
static int cmd_flood(char **argv)
{
	struct dest to = dest(argv[0], argv[1]);
	int n = atoi(argv[2]), secs = atoi(argv[3]);
	static struct pollfd pfd[MAX_FLOOD];
	static struct init_vals vals[MAX_FLOOD];
	static bool cookied[MAX_FLOOD], answered[MAX_FLOOD];
	static uint8_t buf[65536], msg[2048];
	struct wire_msg *m = wire_msg_new();
	unsigned cookies = 0, responses = 0, other = 0, sent = 0, wrong_src = 0;
	int done = 0;
	int64_t end;

	if (n < 1 || n > MAX_FLOOD || secs < 1 || secs > 60 || !m) {
		fprintf(stderr, "itest_tool flood: 1-%d sockets, 1-60 s\n",
			MAX_FLOOD);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		size_t len;

		pfd[i].fd = udp_socket(to.ss.ss_family);
		pfd[i].events = POLLIN;
		init_vals_new(&vals[i]);
		len = build_init(msg, sizeof(msg), &vals[i], NULL, 0);
		send_to(pfd[i].fd, &to, msg, len);
		sent++;
	}
	/* Until SECONDS have passed, or sooner once every socket has its
	 * IKE_SA_INIT answer (SECONDS is then only a bound on a slow gateway). */
	end = now_ms() + secs * 1000;
	while (now_ms() < end && done < n) {
		int left = (int)(end - now_ms());

		if (poll(pfd, (nfds_t)n, left > 200 ? 200 : left) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			const struct wire_notify *c;
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t r;

			if (!(pfd[i].revents & POLLIN))
				continue;
			r = recvfrom(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
			/* The answer must come from the address we sent to
			 * (a wildcard socket sets it with a PKTINFO). */
			if (r > 0 && !same_dest(&to, &from))
				wrong_src++;
			if (r <= 0 || wire_msg_parse(m, buf, (size_t)r, NULL) != 0) {
				other++;
				continue;
			}
			c = wire_msg_notify(m, IKEV2_N_COOKIE);
			if (c && !cookied[i]) {
				size_t len;

				cookies++;
				cookied[i] = true;
				len = build_init(msg, sizeof(msg), &vals[i],
						 c->data.p, c->data.len);
				send_to(pfd[i].fd, &to, msg, len);
				sent++;
			} else if (wire_msg_first(m, IKEV2_PL_KE)) {
				responses++;
				if (!answered[i]) {
					answered[i] = true;
					done++;
				}
			} else {
				other++;
			}
		}
	}
	for (int i = 0; i < n; i++)
		close(pfd[i].fd);
	wire_msg_free(m);
	printf("sent=%u\ncookies=%u\nresponses=%u\nother=%u\nwrong_src=%u\n",
	       sent, cookies, responses, other, wrong_src);
	return 0;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sun.sun_path))
		die("socket");
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		die("connect");
	return fd;
}

/*
 * Read fd until EOF or idle_ms without data; returns the byte count and
 * sets *eof if the daemon closed the connection.
 */
static size_t drain(int fd, int idle_ms, char *buf, size_t cap, bool *eof)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	*eof = false;
	while (n < cap && poll(&p, 1, idle_ms) > 0) {
		r = read(fd, buf + n, cap - n);
		if (r <= 0) {
			*eof = true;
			break;
		}
		n += (size_t)r;
	}
	return n;
}

/*
 * Send stdin, then print each reply as "OK|ERR <first body line>", after
 * checking its framing strictly (the announced length must be there);
 * "closed" if the daemon hung up.
 */
static int cmd_ctl(char **argv)
{
	static char in[1 << 20], out[1 << 22];
	size_t n = fread(in, 1, sizeof(in), stdin), off = 0, got;
	int fd = unix_connect(argv[0]);
	bool eof;

	while (off < n) {
		ssize_t w = send(fd, in + off, n - off, MSG_NOSIGNAL);

		if (w <= 0)
			break;	/* the daemon may hang up on an overlong line */
		off += (size_t)w;
	}
	got = drain(fd, 1500, out, sizeof(out), &eof);
	close(fd);
	for (off = 0; off < got;) {
		char *nl = memchr(out + off, '\n', got - off), *end, *body;
		unsigned long len;
		bool ok = strncmp(out + off, "OK ", 3) == 0;

		if (!nl || (!ok && strncmp(out + off, "ERR ", 4) != 0)) {
			printf("MALFORMED at %zu\n", off);
			return 1;
		}
		len = strtoul(out + off + (ok ? 3 : 4), &end, 10);
		if (end != nl || len > got - (size_t)(nl + 1 - out)) {
			printf("MALFORMED length at %zu\n", off);
			return 1;
		}
		body = nl + 1;
		end = memchr(body, '\n', len);
		printf("%s %.*s\n", ok ? "OK" : "ERR",
		       (int)(end ? (size_t)(end - body) : len), body);
		off = (size_t)(body - out) + len;
	}
	if (eof)
		printf("closed\n");
	return 0;
}

static int cmd_clients(char **argv)
{
	int n = atoi(argv[1]), fds[256];
	unsigned ok = 0, refused = 0, other = 0;

	if (n < 1 || n > 256)
		return 2;
	for (int i = 0; i < n; i++)
		fds[i] = unix_connect(argv[0]);
	for (int i = 0; i < n; i++)
		(void)!send(fds[i], "help\n", 5, MSG_NOSIGNAL);
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		char buf[4096] = "";
		ssize_t r = poll(&p, 1, 3000) > 0 ?
			recv(fds[i], buf, sizeof(buf) - 1, 0) : -1;

		if (r > 0 && strncmp(buf, "OK ", 3) == 0)
			ok++;
		else if (r > 0 && strstr(buf, "too many control clients"))
			refused++;
		else
			other++;
		close(fds[i]);
	}
	printf("ok=%u\nrefused=%u\nother=%u\n", ok, refused, other);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "junk") == 0)
		return cmd_junk(argv + 2);
	if (argc == 6 && strcmp(argv[1], "flood") == 0)
		return cmd_flood(argv + 2);
	if (argc == 3 && strcmp(argv[1], "ctl") == 0)
		return cmd_ctl(argv + 2);
	if (argc == 4 && strcmp(argv[1], "clients") == 0)
		return cmd_clients(argv + 2);
	fprintf(stderr, "usage: itest_tool junk ADDR IKE_PORT NATT_PORT\n"
		"       itest_tool flood ADDR PORT NSOCKETS SECONDS\n"
		"       itest_tool ctl SOCKET < request\n"
		"       itest_tool clients SOCKET N\n");
	return 2;
}
