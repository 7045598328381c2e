/*
 * net.h - reswand's UDP sockets: the IKE port and the NAT-T port, IPv4 and
 * IPv6, on the wildcard addresses or on the addresses given with --listen.
 *
 * Received datagrams are read in bounded batches, their destination address
 * learnt from IP_PKTINFO / IPV6_PKTINFO (so the engine knows which local
 * address a peer talked to), and sorted: on the IKE port everything is IKE;
 * on the NAT-T port RFC 3948 tells IKE (non-ESP marker, stripped here), ESP
 * and keepalives apart.  IKE messages go to the rx callback, ESP to the esp
 * callback (none yet: counted and dropped until the data plane exists).
 *
 * net_send() is the engine's struct ike_io: it picks the socket by the
 * local port the engine gives (the IKE or the NAT-T port; the engine's
 * well-known 500/4500 are aliases of --port/--natt-port), sets the source
 * address with a PKTINFO control message on wildcard sockets, and prepends
 * the non-ESP marker on the NAT-T port.  Sending never blocks: a full socket
 * buffer is packet loss, which IKE retransmission handles.
 */
#ifndef RESWAN_DAEMON_NET_H
#define RESWAN_DAEMON_NET_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

struct event_base;
struct net;

#define NET_RX_BUF 65536	/* larger than any UDP payload */
#define NET_RX_BUDGET 64	/* datagrams per socket per wakeup */
#define NET_MAX_SOCKS 32	/* 16 --listen addresses x 2 ports */

typedef void (*net_rx_fn)(void *ctx, const struct addr *local,
			  const struct addr *remote, const uint8_t *msg,
			  size_t len);

struct net_config {
	uint16_t port, natt_port;
	const struct addr *listen;	/* NULL/0: wildcard IPv4 and IPv6 */
	size_t n_listen;
	net_rx_fn ike_rx;		/* IKE message, marker stripped */
	net_rx_fn esp_rx;		/* ESP-in-UDP; NULL: count and drop */
	void *ctx;
};

/* Counters for `reswan stats`. */
struct net_stats {
	uint64_t rx_datagrams;
	uint64_t rx_bytes;
	uint64_t rx_truncated;		/* larger than NET_RX_BUF */
	uint64_t rx_errors;		/* recvmsg failures other than EAGAIN */
	uint64_t natt_ike;		/* IKE on the NAT-T port */
	uint64_t natt_esp;		/* ESP-in-UDP received */
	uint64_t natt_esp_dropped;	/* ... with no data plane to take it */
	uint64_t natt_keepalive;
	uint64_t natt_invalid;		/* none of the three */
	uint64_t tx_datagrams;
	uint64_t tx_errors;		/* sendmsg failed (buffer full, ...) */
	uint64_t tx_no_socket;		/* no socket for the engine's port */
};

/*
 * Open and register every socket.  On failure returns NULL and a one-line
 * reason in err ("bind 0.0.0.0[500]: Permission denied").  A missing IPv6
 * stack is only a warning when no --listen address was given.
 */
struct net *net_new(struct event_base *base, const struct net_config *cfg,
		    char *err, size_t errlen);
void net_free(struct net *n);

/* struct ike_io's send: 0, or a negative code (treated as loss). */
int net_send(void *net, const struct addr *local, const struct addr *remote,
	     const uint8_t *msg, size_t len);

void net_get_stats(const struct net *n, struct net_stats *out);
/* Number of open sockets and their bound addresses (for the log). */
size_t net_count(const struct net *n);
const struct addr *net_bound(const struct net *n, size_t i);

#endif
