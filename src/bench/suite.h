/*
 * suite.h - the algorithm suites of the handshake benchmarks, and what each
 * needs on disk.
 *
 * A suite fixes the IKE proposal, the ESP proposal and how both sides
 * authenticate; the names match the suites of `reswan bench crypto`, whose
 * "full exchange" figure is the responder's crypto cost for that suite.
 * Certificate suites need a test CA and two end-entity certificates; they
 * are made at run time with the openssl command line (reswan's crypto
 * module verifies certificates but does not issue them) into a directory
 * laid out as swanctl expects: x509/, x509ca/, private/.
 *
 * Client i is identity c<i>.bench.reswan (FQDN) with every suite: with a
 * PSK all share the key, with certificates each has its own certificate
 * for that name (all over one key pair, so issuing N certificates costs N
 * signatures, not N key generations).  Each client gets a virtual IP from
 * the gateway's pool: a road-warrior gateway, and what strongSwan's
 * userspace data plane needs to route a client's selector.
 */
#ifndef RESWAN_BENCH_SUITE_H
#define RESWAN_BENCH_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#define SUITE_GW_ID "gw.bench.reswan"
#define SUITE_CLIENT_DOMAIN "bench.reswan"	/* client i: c<i>.bench.reswan */
#define SUITE_PSK "reswan-bench-pre-shared-key-0123456789"
#define SUITE_LOCAL_TS "10.99.0.0/16"	/* behind the gateway */
#define SUITE_LOCAL_ADDR "10.99.0.1"	/* the gateway's address in it */
#define SUITE_POOL "10.98.0.0/16"	/* clients' virtual IPs */
#define SUITE_MAX_CERT_CLIENTS 5000	/* certificates made per run */

struct suite {
	const char *name;	/* psk-x25519, ed25519-x25519, rsa2048-modp2048 */
	const char *ike;	/* IKE proposal */
	const char *esp;	/* ESP proposal */
	const char *key_alg;	/* NULL for PSK, else "ED25519" or "RSA" */
};

/* The suite called name, or NULL. */
const struct suite *suite_find(const char *name);
/* "psk-x25519|ed25519-x25519|rsa2048-modp2048", for usage lines. */
const char *suite_names(void);

/*
 * Make the CA and the gateway's and clients' certificates and keys:
 * gw_dir/{x509/gw.pem, private/gw.key, x509ca/ca.pem}, and under
 * client_dir x509/c<i>.pem for i < clients, private/client.key and the
 * CA.  Nothing to do for a PSK suite.  0, or an error with the failing
 * openssl command in err.
 */
int suite_make_pki(const struct suite *s, const char *work_dir, const char *gw_dir,
		   const char *client_dir, unsigned clients, char *err, size_t errlen);

/* The clients' connection body and top-level text (loadgen_opts). */
const char *suite_client_body(const struct suite *s, char *buf, size_t len);
const char *suite_client_top(const struct suite *s);

/*
 * The gateway's swanctl.conf: one connection "gw" on address local (a
 * literal address) handing out virtual IPs from SUITE_POOL, unique = never
 * (no replacement search: each client has its own identity anyway).  resumption_block, if not NULL, is
 * written inside the connection (reswand only: strongSwan refuses it).
 * Returns the text (malloc'd) or NULL.
 */
char *suite_gateway_conf(const struct suite *s, const char *local,
			 const char *resumption_block);

#endif
