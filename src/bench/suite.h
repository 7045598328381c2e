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
 * Every client shares one certificate identity (client.bench.reswan), so
 * the gateway's connection uses `unique = never`; with a PSK each client
 * has its own identity (c<i>@bench.reswan) and the same key.
 */
#ifndef RESWAN_BENCH_SUITE_H
#define RESWAN_BENCH_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#define SUITE_GW_ID "gw.bench.reswan"
#define SUITE_CLIENT_ID "client.bench.reswan"
#define SUITE_CLIENT_DOMAIN "bench.reswan"
#define SUITE_PSK "reswan-bench-pre-shared-key-0123456789"
#define SUITE_LOCAL_TS "10.99.0.0/16"

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
 * gw_dir/{x509/gw.pem, private/gw.key, x509ca/ca.pem} and the same under
 * client_dir with client.pem/client.key.  Nothing to do for a PSK suite.
 * 0, or an error with the failing openssl command in err.
 */
int suite_make_pki(const struct suite *s, const char *work_dir, const char *gw_dir,
		   const char *client_dir, char *err, size_t errlen);

/* The clients' connection body and top-level text (loadgen_opts). */
const char *suite_client_body(const struct suite *s, char *buf, size_t len);
const char *suite_client_top(const struct suite *s);

/*
 * The gateway's swanctl.conf: one connection "gw" on address local (a
 * literal address), unique = never.  resumption_block, if not NULL, is
 * written inside the connection (reswand only: strongSwan refuses it).
 * Returns the text (malloc'd) or NULL.
 */
char *suite_gateway_conf(const struct suite *s, const char *local,
			 const char *resumption_block);

#endif
