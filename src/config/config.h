/*
 * config.h - reswand's configuration: the subset of swanctl.conf(5) that
 * reswan implements, as plain structs the IKE layer and the daemon use
 * directly.
 *
 * config_load_file() reads swanctl.conf syntax (settings.h), expands
 * section references, and builds struct config with strict validation:
 * every key is either mapped, accepted only with its default value, or an
 * error naming FILE:LINE and the key.  Defaults are swanctl.conf's (checked
 * against strongSwan 5.9.8).  docs/configuration.md lists every key.
 *
 * Ownership: one struct config owns everything reachable from it; strings
 * and arrays are freed, and secrets wiped, by config_free().  The structs
 * are read-only after loading; a reload builds a new struct config and the
 * daemon swaps the pointer.  Pointers between parts (a connection's pools)
 * point into the same struct config.
 *
 * Units: durations in seconds, volumes in bytes, counts as counts; 0
 * means "disabled" wherever swanctl.conf says so.
 */
#ifndef RESWAN_CONFIG_CONFIG_H
#define RESWAN_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "config/diag.h"
#include "config/ident.h"
#include "config/proposal.h"

/* Where a part of the model was defined, for runtime messages. */
struct config_loc {
	const char *file;	/* owned by the struct config */
	unsigned line;
};

/* ---- children (connections.<conn>.children.<child>) ---- */

/* A traffic selector: "10.0.0.0/8[tcp/80]", "dynamic", ranges. */
struct config_ts {
	bool dynamic;		/* replaced by the outer address or virtual IP */
	struct addr_range range;	/* unused when dynamic */
	uint8_t proto;		/* IP protocol, 0 = any */
	uint16_t port_lo;	/* inclusive; 0-65535 = any */
	uint16_t port_hi;	/* OPAQUE (RFC 4301) is lo 65535, hi 0 */
};

#define CONFIG_TS_STRLEN (ADDR_STRLEN + 24)

/* start_action, close_action, dpd_action (aliases: clear=none,
 * route=trap, restart=start, as strongSwan's vici parser). */
enum config_action {
	CONFIG_ACTION_NONE = 0,
	CONFIG_ACTION_TRAP,
	CONFIG_ACTION_START,
};

struct config_child {
	char *name;
	struct config_loc loc;
	struct config_ts *local_ts, *remote_ts;	/* default: one dynamic each */
	size_t n_local_ts, n_remote_ts;
	struct proposal_list esp;	/* esp_proposals; default "default" */
	uint64_t rekey_time;		/* 1h */
	uint64_t life_time;		/* rekey_time + 10% */
	uint64_t rand_time;		/* life_time - rekey_time */
	uint64_t rekey_bytes, life_bytes, rand_bytes;		/* 0, +10%, diff */
	uint64_t rekey_packets, life_packets, rand_packets;	/* 0, +10%, diff */
	enum config_action start_action;	/* none */
	enum config_action close_action;	/* none */
	enum config_action dpd_action;		/* clear (= none) */
	/* Tunnel mode, no IPComp, no hardware offload: fixed in reswan. */
};

/* ---- authentication (connections.<conn>.local / .remote) ---- */

enum config_auth_method {
	CONFIG_AUTH_PUBKEY = 0,		/* default */
	CONFIG_AUTH_PSK,
};

/* auth = rsa | ecdsa | ed25519 restrict the key type of pubkey auth. */
enum config_key_type {
	CONFIG_KEY_ANY = 0,
	CONFIG_KEY_RSA,
	CONFIG_KEY_ECDSA,
	CONFIG_KEY_ED25519,
};

/* send_cert */
enum config_send_cert {
	CONFIG_SEND_CERT_IFASKED = 0,	/* default */
	CONFIG_SEND_CERT_ALWAYS,
	CONFIG_SEND_CERT_NEVER,
};

struct config_auth {
	struct config_loc loc;		/* the local/remote section */
	enum config_auth_method method;
	enum config_key_type key_type;
	/*
	 * Identity.  Local: unset (id_set false) means "derive it" as
	 * strongSwan does: the subject DN of the first certificate, else the
	 * local IP address.  Remote: unset means %any.  Remote ids may be
	 * patterns (ident.h).
	 */
	bool id_set;
	struct ident id;
	/* Certificates, absolute paths (relative names are resolved against
	 * <confdir>/x509/, cacerts against <confdir>/x509ca/). */
	char **certs;
	size_t n_certs;
	char **cacerts;			/* remote only */
	size_t n_cacerts;
};

/* ---- resumption: reswan's extension (connections.<conn>.resumption) ---- */

#define CONFIG_RESUME_CLOCKED 0x1	/* wall time since the full handshake */
#define CONFIG_RESUME_ESTABLISHED 0x2	/* time the tunnel was actually up */
#define CONFIG_RESUME_DATA 0x4		/* bytes carried under the credential */

#define CONFIG_RESUME_MAX_CAPACITY 10000000u

struct config_resumption {
	bool enabled;		/* the block is present */
	struct config_loc loc;
	unsigned policy;	/* CONFIG_RESUME_* bits; every one must hold */
	uint64_t lifetime;	/* secs, limit of clocked/established; 8h */
	uint64_t data;		/* bytes, limit of the data policy; 20MB */
	uint64_t max_age;	/* secs since the full handshake, hard cap; 24h */
	uint32_t capacity;	/* cache entries; 10000 */
	bool pfs;		/* resumption runs a fresh key exchange; no */
	char *store;		/* NULL = memory, else LMDB directory path */
};

/* ---- connections ---- */

enum config_fragmentation {
	CONFIG_FRAG_YES = 0,	/* default */
	CONFIG_FRAG_ACCEPT,
	CONFIG_FRAG_FORCE,	/* IKEv1 only in strongSwan; kept for reswan */
	CONFIG_FRAG_NO,
};

enum config_unique {
	CONFIG_UNIQUE_NO = 0,	/* default: replace on INITIAL_CONTACT */
	CONFIG_UNIQUE_NEVER,
	CONFIG_UNIQUE_KEEP,
	CONFIG_UNIQUE_REPLACE,
};

struct config_pool;

struct config_conn {
	char *name;
	struct config_loc loc;
	unsigned version;		/* 0 (any, initiate IKEv2) or 2 */
	struct addr_range *local_addrs;	/* default: one %any */
	size_t n_local_addrs;
	struct addr_range *remote_addrs;	/* default: one %any */
	size_t n_remote_addrs;
	uint16_t local_port;		/* 500 */
	uint16_t remote_port;		/* 500 */
	struct proposal_list ike;	/* proposals; default "default" */
	struct addr *vips;		/* virtual IPs to request (client) */
	size_t n_vips;
	struct config_pool **pools;	/* pools to assign from (server) */
	size_t n_pools;
	bool send_certreq;		/* yes */
	enum config_send_cert send_cert;	/* ifasked */
	bool encap;			/* no */
	/* mobike is always off in reswan (only "no" is accepted). */
	enum config_fragmentation fragmentation;	/* yes */
	uint64_t dpd_delay;		/* 0: no active DPD */
	uint64_t dpd_timeout;		/* 0 (IKEv1 only in strongSwan) */
	uint32_t keyingtries;		/* 1; 0 = forever */
	enum config_unique unique;	/* no */
	uint64_t reauth_time;		/* 0 */
	uint64_t rekey_time;		/* 4h, or 0 if only reauth_time is set */
	uint64_t over_time;		/* 10% of max(rekey, reauth) */
	uint64_t rand_time;		/* min(over_time, rekey-or-reauth / 2) */
	struct config_auth local, remote;	/* one round each */
	struct config_child *children;
	size_t n_children;
	struct config_resumption resumption;
};

/* ---- secrets and pools ---- */

/* secrets.ike<suffix>: a pre-shared key and the identities it belongs to. */
struct config_psk {
	char *name;			/* section name, e.g. "ike-gw" */
	struct config_loc loc;
	struct ident *ids;		/* id, id<suffix>...; none = any peer */
	size_t n_ids;
	uint8_t *secret;		/* decoded (plain, 0x hex, 0s base64) */
	size_t secret_len;		/* wiped by config_free */
};

/* secrets.private|rsa|ecdsa|pkcs8<suffix>: passphrase of a key file. */
struct config_key_secret {
	char *name;
	struct config_loc loc;
	char *file;			/* absolute path */
	uint8_t *secret;		/* may be NULL (no passphrase) */
	size_t secret_len;
};

struct config_pool {
	char *name;
	struct config_loc loc;
	struct addr_range addrs;	/* CIDR or range, one family */
	struct addr *dns;		/* INTERNAL_IP4/6_DNS attributes */
	size_t n_dns;
};

#define CONFIG_MAX_LIST 64	/* entries of one comma-separated list */

struct config {
	char *path;			/* the main file */
	char *confdir;			/* x509/, x509ca/, private/ live here */
	struct config_conn *conns;
	size_t n_conns;
	struct config_psk *psks;
	size_t n_psks;
	struct config_key_secret *key_secrets;
	size_t n_key_secrets;
	struct config_pool *pools;
	size_t n_pools;
	char **files;			/* every file read (config_loc.file) */
	size_t n_files;
};

struct config_opts {
	/* Base of x509/, x509ca/, private/...; default: the main file's dir. */
	const char *confdir;
	/* Reject include statements (fuzzing, untrusted text). */
	bool no_includes;
	/* Check at load time that certificate and key files are readable. */
	bool check_files;
};

/*
 * Load and validate a configuration.  On success *out owns the model and
 * d may hold warnings.  On failure returns ERR_CONFIG (d holds at least
 * one error, each "FILE:LINE: ..."), ERR_NOMEM, and *out is NULL.  opts
 * may be NULL.
 */
int config_load_file(const char *path, const struct config_opts *opts,
		     struct config **out, struct diag *d);
/* The same for text in memory; name appears in messages. */
int config_load_buffer(const char *name, const char *text, size_t len,
		       const struct config_opts *opts, struct config **out,
		       struct diag *d);

/* Free everything and wipe every secret; config_free(NULL) is a no-op. */
void config_free(struct config *cfg);

struct config_conn *config_conn_find(const struct config *cfg,
				     const char *name);
struct config_child *config_child_find(const struct config_conn *conn,
				       const char *name);
struct config_pool *config_pool_find(const struct config *cfg,
				     const char *name);

/*
 * The pre-shared key for a pair of identities, chosen as strongSwan does:
 * each secret scores the best match of local among its ids plus the best
 * match of remote among its ids (a secret without ids matches both as
 * %any); a secret is a candidate if at least one side matches; the highest
 * score wins, the first defined on ties.  remote is untrusted wire data.
 * Returns NULL if no secret applies (the caller then fails authentication:
 * a PSK connection without a secret is an error at use time, not at load).
 */
const struct config_psk *config_psk_lookup(const struct config *cfg,
					   const struct ident *local,
					   uint8_t remote_type,
					   const uint8_t *remote,
					   size_t remote_len);

/* Render a traffic selector the way it was written ("10.0.0.0/8[tcp/80]"). */
const char *config_ts_fmt(const struct config_ts *ts, char *buf, size_t len);
/* Parse one traffic selector; ERR_SYNTAX/ERR_UNSUPPORTED with a reason. */
int config_ts_parse(const char *s, struct config_ts *out, char *err,
		    size_t errlen);

const char *config_action_name(enum config_action a);

#endif
