/*
 * netns.h - the two network namespaces of a benchmark against a peer that
 * needs root (strongSwan's charon binds ports 500 and 4500).
 *
 * One namespace holds the responder (address NETNS_RESP_ADDR), the other
 * the load generator's client addresses (NETNS_GEN_BASE + k), joined by a
 * veth pair; nothing is added to the namespace the benchmark was started
 * in.  Names carry the prefix "bench" and the process id, as the test
 * rules ask, and netns_pair_delete() removes everything.
 */
#ifndef RESWAN_BENCH_NETNS_H
#define RESWAN_BENCH_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define NETNS_RESP_ADDR "10.79.0.1"
#define NETNS_GEN_NET "10.79.0"		/* generator k: 10.79.0.(10 + k) */
#define NETNS_GEN_FIRST 10

struct netns_pair {
	char gen[32], resp[32];		/* namespace names */
	char gen_path[64], resp_path[64];	/* /run/netns/<name> */
	int home_fd;			/* the namespace we came from, or -1 */
	bool made;
};

/*
 * Without root: the responder on 127.X.Y.1 and the clients from
 * 127.X.Y.(NETNS_GEN_FIRST + k), X.Y from the process id so that runs in
 * parallel do not collide.  Both sides use the high ports below; the
 * clients talk to the responder's NAT-T port from the first message (a
 * remote_port other than 500), so the IKE port sees no traffic, and port
 * 4500, which tests listening on every address take, is not used.
 */
#define NETNS_LOOPBACK_IKE_PORT 10500
#define NETNS_LOOPBACK_NATT_PORT 14500

void netns_loopback_addrs(struct addr *resp, struct addr *gen);

/* Create both namespaces, the veth pair and n_gen generator addresses;
 * resp_lo (may be NULL) is put on the responder's loopback (an address of
 * the network behind it, which strongSwan's userspace data plane routes
 * from).  0, or an error with the failing command in err (partial work
 * undone). */
int netns_pair_create(struct netns_pair *p, unsigned n_gen, const char *resp_lo,
		      char *err, size_t errlen);
/* Move this process into the generator's namespace (remembering the
 * original one); 0 or ERR_IO. */
int netns_enter_gen(struct netns_pair *p);
/* Back home, then delete both namespaces.  A pair never made is a no-op. */
void netns_pair_delete(struct netns_pair *p);

#endif
