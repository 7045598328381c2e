/*
 * internal.h - what the files of src/ike share: the engine, the IKE SA and
 * Child SA objects, and the functions one exchange file calls in another.
 *
 * Ownership in one paragraph: the engine owns every IKE SA (linked in
 * ike->all and indexed by our SPI); an IKE SA owns its Child SAs, its key
 * material (wiped when freed), its outstanding request and its cached
 * response.  Received messages are parsed into engine-owned scratch space
 * (ike->rx and ike->pt) that is valid only while one message is processed.
 * Nothing here is visible outside src/ike; ike.h is the module's API.
 */
#ifndef RESWAN_IKE_INTERNAL_H
#define RESWAN_IKE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/hmap.h"
#include "common/log.h"
#include "common/timerq.h"
#include "config/config.h"
#include "crypto/kdf.h"
#include "ike/creds.h"
#include "ike/ext.h"
#include "ike/ike.h"
#include "wire/wire.h"

struct aead;
struct ke;
struct prf;
struct rand_src;

#define IKE_MAX_PACKETS 32		/* fragments of one message we send */
#define IKE_MAX_QUEUE 8			/* requests waiting for the window */
#define IKE_MAX_MSG 65535
#define IKE_NONCE_LEN 32		/* the nonce length we send */
#define IKE_MAX_REASM_BYTES 65535	/* reassembled message cap */

/* One transform of each type: a negotiated IKE or ESP suite. */
struct ike_suite {
	uint16_t encr;
	uint16_t encr_keylen;	/* bits; 0 for ChaCha20-Poly1305 */
	uint16_t integ;		/* IKEV2_INTEG_NONE for AEAD */
	uint16_t prf;		/* IKE only */
	uint16_t dh;		/* IKEV2_DH_NONE if none (ESP without PFS) */
	uint16_t esn;		/* ESP only */
};

/* Packets of one message as sent (one, or several fragments). */
struct ike_packets {
	uint8_t *buf;		/* all packets back to back */
	size_t len[IKE_MAX_PACKETS];
	uint16_t n;
	struct addr local, remote;
};

/* What an initiator-side request is for and what to do with the answer. */
enum ike_task {
	TASK_NONE = 0,
	TASK_SA_INIT,
	TASK_AUTH,
	TASK_CHILD_CREATE,
	TASK_CHILD_REKEY,
	TASK_IKE_REKEY,
	TASK_DELETE_CHILD,
	TASK_DELETE_IKE,
	TASK_DPD,
	TASK_EXT,		/* owned by an extension (resumption) */
};

struct ike_sa;
struct msg_in;

struct ike_request {
	enum ike_task task;
	uint64_t arg;		/* task-specific: Child SA id, ... */
	uint32_t msgid;
	uint8_t exchange;
	uint32_t tries;		/* retransmissions so far */
	/* A schedule of its own (0: the engine's parameters): the first
	 * timeout, doubling, and how many retransmissions before giving up. */
	uint64_t first_timeout_us;
	uint32_t max_tries;
	struct ike_packets pkts;
	struct timer timer;
	bool active;
};

struct ike_pending {
	enum ike_task task;
	uint64_t arg;
};

/* Reassembly of one fragmented message (RFC 7383). */
struct ike_reasm {
	uint32_t msgid;
	bool response;
	uint8_t first;		/* inner first payload type (fragment 1) */
	uint16_t total;
	uint16_t have;
	size_t bytes;
	uint8_t *frag[IKE_MAX_PACKETS + 1];	/* decrypted chunks, 1-based */
	size_t frag_len[IKE_MAX_PACKETS + 1];
};

enum ike_sa_state {
	IKE_SA_CREATED = 0,	/* initiator, nothing sent yet */
	IKE_SA_INIT_SENT,	/* initiator sent IKE_SA_INIT */
	IKE_SA_AUTH_SENT,	/* initiator sent IKE_AUTH */
	IKE_SA_HALF_OPEN,	/* responder answered IKE_SA_INIT */
	IKE_SA_ESTABLISHED,
	IKE_SA_REKEYED,		/* replaced by a rekey, waiting for the delete */
	IKE_SA_DELETING,	/* we sent DELETE for it */
	IKE_SA_DEAD,		/* freed at the end of the current event */
};

enum child_state {
	CHILD_INSTALLED = 0,
	CHILD_REKEYING,		/* we sent a rekey request */
	CHILD_REKEYED,		/* replaced; the delete is pending */
	CHILD_DELETING,		/* we sent DELETE */
};

struct child_sa {
	struct hmap_node by_spi;	/* ike->child_spis, by spi_in */
	bool indexed;			/* linked in ike->child_spis */
	struct child_sa *next;
	struct ike_sa *ike;
	const struct config_child *cfg;
	uint64_t id;			/* data plane id, engine-wide */
	uint32_t uniqueid;		/* "net{N}" in status */
	enum child_state state;
	uint32_t spi_in, spi_out;
	struct ike_suite suite;
	struct dp_ts local_ts[DP_MAX_TS], remote_ts[DP_MAX_TS];
	uint8_t n_local_ts, n_remote_ts;
	uint64_t installed_mono, installed_wall;
	uint64_t rekey_at_mono, expire_at_mono;
	struct timer t_rekey;		/* soft lifetime */
	struct timer t_expire;		/* hard lifetime */
	struct dp_counters final;	/* counters when removed from the dp */
	bool installed;
	/* Rekeying: the replacement we are creating (initiator), and, when
	 * the peer rekeyed it at the same time, the one we created as
	 * responder with the lower of that exchange's nonces. */
	uint32_t rekey_spi;		/* inbound SPI of the replacement */
	uint8_t rekey_ni[WIRE_NONCE_MAX];
	size_t rekey_ni_len;
	struct ke *rekey_ke;
	uint64_t collision_id;
	uint8_t collision_nonce[WIRE_NONCE_MAX];
	size_t collision_nonce_len;
};

/* A configuration with its credentials, shared by the SAs set up under it
 * and freed when the last one (and the engine) lets go. */
struct ike_cfg {
	struct config *cfg;
	struct creds *creds;
	unsigned refs;
	uint64_t gen;			/* unique per engine, never reused */
};

struct ike_sa {
	struct ike *ike;
	struct hmap_node by_spi;	/* our SPI */
	struct hmap_node by_half;	/* responder half-open: (SPIi, remote) */
	struct hmap_node by_peer;	/* ike->by_peer, once peer_id is set */
	bool in_half, in_by_peer;
	struct ike_sa *next, *prev;	/* ike->all */
	uint64_t uniqueid;
	enum ike_sa_state state;
	bool initiator;			/* original initiator of this SA */
	uint64_t spi_i, spi_r;

	struct ike_cfg *cfg;		/* referenced; conn points into it */
	const struct config_conn *conn;	/* NULL until known (responder) */
	struct addr local, remote;
	bool natt;			/* talking on the NAT-T port */
	bool nat_here, nat_there;	/* detected (or faked) NAT */

	struct ike_suite suite;
	struct ke *ke;
	uint16_t ke_group;		/* group of our KE payload */
	uint8_t ni[WIRE_NONCE_MAX], nr[WIRE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *init_i, *init_r;	/* IKE_SA_INIT messages, for AUTH */
	size_t init_i_len, init_r_len;
	uint8_t cookie[WIRE_COOKIE_MAX];
	size_t cookie_len;
	uint32_t init_retries;		/* COOKIE / INVALID_KE restarts */

	struct prf *prf_d;		/* keyed with SK_d */
	struct kdf_key sk_d, sk_pi, sk_pr;
	struct aead *aead_out, *aead_in;
	struct wire_sk_params sk_out, sk_in;

	uint32_t my_msgid;		/* next request we send */
	uint32_t peer_msgid;		/* next request we expect */
	struct ike_request out;		/* our one outstanding request */
	struct ike_pending queue[IKE_MAX_QUEUE];
	uint8_t nqueue;
	struct ike_packets resp;	/* last response we sent */
	uint32_t resp_msgid;
	uint64_t resp_req_hash;		/* of the request it answered */
	bool have_resp;
	struct ike_reasm *reasm;

	struct ident local_id, peer_id;
	bool peer_id_set;
	bool peer_certreq;		/* peer sent CERTREQ (send_cert=ifasked) */
	/* The first Child SA requested in our IKE_AUTH. */
	const struct config_child *auth_child;
	uint32_t auth_child_spi;
	bool peer_frag;			/* peer supports RFC 7383 */
	uint16_t peer_hash_algs;	/* bit per IKEV2_HASH_* (RFC 7427) */
	bool peer_initial_contact;

	struct child_sa *children;
	uint32_t nchildren;
	struct addr vip;		/* leased (server) or received (client) */
	bool has_vip;

	uint64_t created_mono;
	uint64_t established_mono, established_wall;
	uint64_t last_rx_mono;
	struct timer t_expire;		/* half-open timeout or hard lifetime */
	struct timer t_rekey;
	struct timer t_dpd;

	/* bytes of Child SAs already gone (rekeyed/deleted) */
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
	bool resumed;
	bool up_reported;		/* sa_up event sent */
	uint32_t keyingtries;		/* attempts so far (initiator) */
	struct ike_sa *rekeyed_by;	/* new SA after an IKE rekey */
	struct ike_sa *rekey_new;	/* SA our rekey request is creating */
	struct ke *rekey_ke;		/* its key exchange */
	struct ike_sa *collision;	/* SA we created answering the peer's
					 * simultaneous rekey */
	uint8_t collision_nonce[WIRE_NONCE_MAX];
	size_t collision_nonce_len;
	/* A new child requested with CREATE_CHILD_SA (initiator). */
	const struct config_child *ccsa_child;
	uint32_t ccsa_spi;
	uint8_t ccsa_ni[IKE_NONCE_LEN];
	struct ke *ccsa_ke;

	ike_done_fn done;
	void *done_ctx;
	ike_done_fn del_done;
	void *del_done_ctx;

	void *ext;			/* extension state (resumption) */
};

struct ike_cookies {
	uint8_t secret[2][32];		/* current, previous */
	uint8_t version;		/* of secret[0] */
	uint64_t rotated_mono;
	bool have_prev;
};

struct ike_lease {
	struct hmap_node by_id;
	struct hmap_node by_addr;
	struct ike_lease *next;		/* all leases */
	struct ident id;
	struct addr addr;
	bool online;
};

struct pool_state {
	struct pool_state *next;
	char *name;
	struct addr_range range;
	uint64_t cursor;		/* next offset to try */
};

struct ike {
	struct ike_env env;
	struct ike_cfg *cfg;		/* current configuration */
	struct hmap by_spi;
	struct hmap half_open;
	struct hmap by_peer;		/* IKE SAs by peer identity */
	struct hmap leases;		/* virtual IP leases by identity */
	struct hmap leases_by_addr;
	struct hmap child_spis;		/* inbound ESP SPIs in use */
	struct pool_state *pools;	/* allocation cursors, by pool name */
	struct ike_sa *all;		/* every IKE SA */
	struct ike_sa *dead;		/* freed after the current event */
	uint8_t hash_key[16];
	struct timerq timers;
	struct ike_cookies cookies;
	struct ike_stats stats;
	uint64_t next_uniqueid;
	uint64_t next_child_id;
	uint32_t next_child_uniqueid;
	struct log_ratelimit rl;	/* unauthenticated input */
	struct wire_msg *rx;		/* scratch: the message being handled */
	uint8_t *pt;			/* scratch: decrypted inner chain */
	struct ike_lease *lease_list;
	struct certcache *certs;	/* verified peer chains */
	uint64_t cfg_gen;
	struct ike_ext ext;
	bool shutting_down;
};

/* A received message while it is being handled. */
struct msg_in {
	struct wire_msg *m;
	const uint8_t *raw;
	size_t len;
	struct addr local, remote;
};

/* A message being built. */
struct msg_out {
	struct ike_sa *sa;
	struct buf_writer w;		/* plaintext: whole message; else inner */
	struct wire_builder b;
	uint8_t exchange;
	bool response;
	bool encrypted;
	uint32_t msgid;
	struct wire_hdr hdr;
};

static inline const struct dataplane *ike_sa_dp(const struct ike_sa *sa)
{
	return &sa->ike->env.dp;
}

/* ---- logging with SA context ---- */

#define sa_log(sa, lvl, fmt, ...)                                            \
	do {                                                                 \
		if (log_enabled(lvl))                                        \
			log_write((lvl), "%s[%llu] %016llx_i %016llx_r: " fmt, \
				  sa_name(sa),                               \
				  (unsigned long long)(sa)->uniqueid,        \
				  (unsigned long long)(sa)->spi_i,           \
				  (unsigned long long)(sa)->spi_r,           \
				  ##__VA_ARGS__);                            \
	} while (0)

/* Rate-limited: for anything an unauthenticated peer can trigger. */
#define ike_log_rl(ike, lvl, fmt, ...)                                       \
	log_ratelimited(&(ike)->rl, clock_mono((ike)->env.clock), (lvl),     \
			fmt, ##__VA_ARGS__)

/* ---- ike.c ---- */
struct ike_cfg *ike_cfg_ref(struct ike_cfg *c);
void ike_cfg_unref(struct ike_cfg *c);
uint64_t ike_now(const struct ike *ike);
uint64_t ike_wall(const struct ike *ike);
int ike_random(struct ike *ike, void *out, size_t n);
/* A fresh key pair for group under the engine's exponent policy (NULL on failure). */
struct ke *ike_ke_new(struct ike *ike, uint16_t group);
void ike_arm(struct ike *ike, struct timer *t, uint64_t delay_us);
void ike_disarm(struct ike *ike, struct timer *t);
int ike_send_raw(struct ike *ike, const struct addr *local,
		 const struct addr *remote, const uint8_t *p, size_t len);
void ike_report_up(struct ike_sa *sa);
void ike_report_down(struct ike_sa *sa, enum ike_down_reason why);
/* Finish a pending ike_initiate() once, whatever happens later. */
void ike_initiate_done(struct ike_sa *sa, int rc, const char *msg);

/* ---- ike_sa.c ---- */
struct ike_sa *sa_new(struct ike *ike, bool initiator);
/* Unlink, tell the data plane and the events seam, and free later. */
void sa_destroy(struct ike_sa *sa, enum ike_down_reason why);
void sa_free(struct ike_sa *sa);
void sa_set_state(struct ike_sa *sa, enum ike_sa_state to);
const char *sa_state_name(enum ike_sa_state s);
const char *sa_name(const struct ike_sa *sa);
uint64_t sa_my_spi(const struct ike_sa *sa);
int sa_index(struct ike_sa *sa);
void sa_half_open_add(struct ike_sa *sa);
void sa_half_open_del(struct ike_sa *sa);
struct ike_sa *sa_find(struct ike *ike, uint64_t my_spi);
struct ike_sa *sa_find_half_open(struct ike *ike, uint64_t spi_i,
				 const struct addr *remote);
void sa_use_config(struct ike_sa *sa, struct ike_cfg *cfg,
		   const struct config_conn *conn);
/* Derive SK_* from the shared secret (or rekey), set up SK protection. */
int sa_derive_keys(struct ike_sa *sa, const uint8_t *gir, size_t gir_len,
		   const struct ike_sa *old);
/* Install keys from an already computed SKEYSEED (resumption). */
int sa_keys_from_skeyseed(struct ike_sa *sa, const uint8_t *skeyseed);
/* Arm rekey/DPD/lifetime timers of an established SA. */
void sa_start_timers(struct ike_sa *sa);
void sa_established(struct ike_sa *sa);
void sa_queue(struct ike_sa *sa, enum ike_task task, uint64_t arg);
/* Start the next queued request if the window is free. */
void sa_kick(struct ike_sa *sa);
/* Delete an SA of the same peer (INITIAL_CONTACT / unique policy). */
void sa_replace_duplicates(struct ike_sa *sa, bool initial_contact);
/* sa->peer_id was just set (peer_id_set = true): index the SA by it. */
void sa_peer_id_set(struct ike_sa *sa);
/* Another live SA of sa's connection with the same peer identity in one of
 * the given states (a bit set of 1 << IKE_SA_*), or NULL. */
struct ike_sa *sa_find_same_peer(struct ike_sa *sa, unsigned states);
/* Keyed hash of an identity (type, length, data) for the engine's tables. */
uint64_t ike_ident_hash(const struct ike *ike, const struct ident *id);

/* ---- msg.c ---- */
/* encrypt: protect with SK (everything but IKE_SA_INIT-like openers). */
int msg_out_begin(struct msg_out *o, struct ike_sa *sa, uint8_t exchange,
		  bool response, uint32_t msgid, bool encrypt);
/* Encrypt/fragment/send; a request becomes sa->out, a response sa->resp. */
int msg_out_send(struct msg_out *o, enum ike_task task, uint64_t arg);
void msg_out_abort(struct msg_out *o);
/* Send an unprotected IKE_SA_INIT-style reply without an SA. */
int msg_send_plain_notify(struct ike *ike, const struct wire_hdr *req,
			  const struct addr *local, const struct addr *remote,
			  uint16_t type, const void *data, size_t len);
/* Handle a message for an existing SA: IDs, decryption, dispatch. */
void msg_receive(struct ike_sa *sa, struct msg_in *in);
void msg_retransmit_timer(struct timer *t, void *ctx);
/* Give the outstanding request its own retransmission schedule. */
void msg_request_schedule(struct ike_sa *sa, uint64_t first_timeout_us,
			  uint32_t max_tries);
void msg_resend_response(struct ike_sa *sa);
/* Answer an authenticated request (same exchange and message ID) with
 * nothing but one notify: an error, or TEMPORARY_FAILURE. */
void msg_reply_notify(struct ike_sa *sa, struct msg_in *in, uint16_t type,
		      const void *data, size_t len);
void packets_free(struct ike_packets *p);
void msg_request_done(struct ike_sa *sa);

/* ---- negotiate.c: proposals (config/proposal.h) against SA payloads ---- */
/* Responder: pick from a received SA payload; ERR_NOTFOUND if nothing
 * fits.  prefer_dh: the group of the peer's KE payload, chosen if both
 * sides allow it (saves an INVALID_KE_PAYLOAD round trip), or
 * NEGOTIATE_NO_DH to leave key exchange out (Child SA in IKE_AUTH). */
#define NEGOTIATE_NO_DH 0xffff
int negotiate_select(const struct proposal_list *mine, uint8_t proto,
		     const struct wire_sa *theirs, uint16_t prefer_dh,
		     struct ike_suite *out, uint8_t *num, uint64_t *spi);
/* Initiator: check the responder's choice against what we offered. */
int negotiate_accept(const struct proposal_list *mine, uint8_t proto,
		     const struct wire_sa *reply, bool no_dh,
		     struct ike_suite *out, uint64_t *spi);
/* An SA payload offering every configured proposal (with_dh false drops
 * key exchange transforms: Child SAs set up in IKE_AUTH have no KE). */
int negotiate_put_offer(struct wire_builder *b, const struct proposal_list *l,
			uint8_t proto, uint64_t spi, bool with_dh);
/* An SA payload with exactly the chosen suite. */
int negotiate_put_choice(struct wire_builder *b, const struct ike_suite *s,
			 uint8_t proto, uint8_t num, uint64_t spi);
/* Whether some IKE proposal of l allows exactly the suite s. */
bool negotiate_suite_allowed(const struct proposal_list *l,
			     const struct ike_suite *s);
/* First DH group of the first proposal that has one (0 if none). */
uint16_t negotiate_first_dh(const struct proposal_list *l);
/* The suite as a strongSwan proposal string ("aes256gcm16-prfsha256-x25519"). */
const char *negotiate_suite_fmt(const struct ike_suite *s, bool ike,
				char *buf, size_t len);

/* ---- cookie.c ---- */
void cookie_init(struct ike *ike);
int cookie_make(struct ike *ike, const struct wire_span *ni,
		const struct addr *remote, uint64_t spi_i, uint8_t *out,
		size_t *len);
bool cookie_check(struct ike *ike, const struct wire_span *cookie,
		  const struct wire_span *ni, const struct addr *remote,
		  uint64_t spi_i);

/* ---- natd.c ---- */
int natd_hash(uint64_t spi_i, uint64_t spi_r, const struct addr *a,
	      uint8_t out[WIRE_NATD_LEN]);
int natd_put(struct ike_sa *sa, struct wire_builder *b);
void natd_process(struct ike_sa *sa, const struct msg_in *in);

/* ---- sa_init.c ---- */
bool sa_init_conn_matches(const struct config_conn *c, const struct addr *local,
			  const struct addr *remote);
/*
 * The cheap gate in front of any new responder SA: hard caps, then (over
 * the cookie threshold) a valid COOKIE or a stateless COOKIE reply.
 * 0: go ahead; 1: handled (dropped or answered).
 */
int sa_init_admit(struct ike *ike, struct msg_in *in, const struct wire_span *ni);
/* An opening request (IKE_SA_INIT or an extension's) from a peer that
 * has a half-open SA with us: true if handled (answered from the cache,
 * or dropped as a different request with the same SPI). */
bool sa_init_retransmission(struct ike *ike, struct msg_in *in);
/* CERTREQ naming our trusted CAs, if the peer authenticates by pubkey. */
int sa_init_put_certreq(struct ike_sa *sa, struct wire_builder *b);
int sa_init_start(struct ike_sa *sa);
void sa_init_respond(struct ike *ike, struct msg_in *in);
void sa_init_process_response(struct ike_sa *sa, struct msg_in *in);

/* ---- auth.c ---- */
int auth_start(struct ike_sa *sa);
int auth_put_id(struct wire_builder *b, uint8_t type, const struct ident *id);
/* Our identity under c (configured, certificate subject, or address). */
void auth_local_identity(struct ike_sa *sa, const struct config_conn *c);
/* CP request for the connection's vips; CP reply leasing from its pools
 * (returns 1 if an address was asked for and none could be leased);
 * taking the address from a CP reply. */
int auth_cp_request(struct ike_sa *sa, struct wire_builder *b);
int auth_cp_reply(struct ike_sa *sa, const struct msg_in *in,
		  struct wire_builder *b);
void auth_cp_take(struct ike_sa *sa, const struct msg_in *in);
void auth_process_request(struct ike_sa *sa, struct msg_in *in);
void auth_process_response(struct ike_sa *sa, struct msg_in *in);

/* ---- child_sa.c ---- */
struct child_sa *child_new(struct ike_sa *sa, const struct config_child *cfg);
void child_free(struct child_sa *c);
/* Remove from the data plane (keeping final counters) and free. */
void child_destroy(struct child_sa *c);
struct child_sa *child_find_in(struct ike_sa *sa, uint32_t spi_in);
struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out);
struct child_sa *child_find_id(struct ike_sa *sa, uint64_t id);
int child_alloc_spi(struct ike_sa *sa, uint32_t *spi);
/* Derive KEYMAT and install both directions; we_initiated: we sent the
 * request that created it (decides which half of KEYMAT is outbound). */
int child_install(struct child_sa *c, bool we_initiated,
		  const uint8_t *gir, size_t gir_len,
		  const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		  size_t nr_len);
void child_start_timers(struct child_sa *c);
void child_move(struct child_sa *c, struct ike_sa *to);
const char *child_state_name(enum child_state s);

/* ---- child_create.c: the Child SA part of IKE_AUTH / CREATE_CHILD_SA ---- */
/* Initiator: put SA, TSi, TSr for cfg.  pfs_group != 0 offers key
 * exchange (CREATE_CHILD_SA); 0 leaves it out (IKE_AUTH). */
int child_create_put_request(struct ike_sa *sa, struct wire_builder *b,
			     const struct config_child *cfg, uint32_t spi_in,
			     bool with_dh);
/*
 * Responder: choose a child configuration, proposal and selectors for the
 * request in `in`, install the Child SA and put SA, TSi, TSr into b.  On
 * failure put the error notify (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE,
 * INVALID_KE_PAYLOAD) and return NULL.  ke_group is the group of the KE
 * payload of a CREATE_CHILD_SA request (0: none), NEGOTIATE_NO_DH in
 * IKE_AUTH.  gir is the new shared secret, if any.
 */
struct child_sa *child_create_respond(struct ike_sa *sa, struct msg_in *in,
				      struct wire_builder *b, uint16_t ke_group,
				      const uint8_t *gir, size_t gir_len,
				      const uint8_t *ni, size_t ni_len,
				      const uint8_t *nr, size_t nr_len);
/* Initiator: process SA/TS of the response and install; NULL on failure. */
struct child_sa *child_create_process_response(struct ike_sa *sa,
					       struct msg_in *in,
					       const struct config_child *cfg,
					       uint32_t spi_in, bool no_dh,
					       const uint8_t *gir, size_t gir_len,
					       const uint8_t *ni, size_t ni_len,
					       const uint8_t *nr, size_t nr_len);
/* The selectors we propose for cfg (initiator view: TSi local, TSr remote). */
int child_create_our_ts(struct ike_sa *sa, const struct config_child *cfg,
			struct dp_ts *tsi, uint8_t *ni, struct dp_ts *tsr,
			uint8_t *nr);

/* ---- ts.c ---- */
/* Selectors of a config list, "dynamic" resolved to dyn (or to the whole
 * space of dyn's family if dyn_any). */
int ts_from_config(const struct config_ts *cts, size_t n, const struct addr *dyn,
		   bool dyn_any, struct dp_ts *out, uint8_t *nout);
int ts_put(struct wire_builder *b, uint8_t type, const struct dp_ts *ts,
	   uint8_t n);
/* Intersect what the peer proposed with what we allow; 0 if non-empty. */
int ts_narrow(const struct wire_ts *theirs, const struct dp_ts *mine,
	      uint8_t nmine, struct dp_ts *out, uint8_t *nout);
/* Initiator: the responder's narrowed selectors must lie within ours. */
int ts_accept(const struct wire_ts *reply, const struct dp_ts *mine,
	      uint8_t nmine, struct dp_ts *out, uint8_t *nout);
const char *ts_fmt(const struct dp_ts *ts, char *buf, size_t len);

/* ---- pool.c ---- */
int pool_lease(struct ike *ike, const struct config_conn *conn,
	       const struct ident *id, uint8_t family, struct addr *out);
void pool_release(struct ike *ike, const struct ident *id,
		  const struct addr *a);
/* Reserve a (as an offline lease of id) if it is free and in one of
 * conn's pools, so id's next pool_lease() gets it back (resumption after
 * a restart).  ERR_EXISTS if someone else holds it. */
int pool_claim(struct ike *ike, const struct config_conn *conn,
	       const struct ident *id, const struct addr *a);
void pool_free_all(struct ike *ike);

/* ---- child_rekey.c, ike_rekey.c, delete.c, dpd.c, info.c ---- */
int child_rekey_start(struct ike_sa *sa, struct child_sa *c);
void child_rekey_respond(struct ike_sa *sa, struct msg_in *in,
			 const struct wire_notify *rekey);
void child_rekey_process_response(struct ike_sa *sa, struct msg_in *in,
				  uint64_t old_id);
int ccsa_child_start(struct ike_sa *sa, const struct config_child *cfg);
void ccsa_child_process_response(struct ike_sa *sa, struct msg_in *in);
/*
 * Responder half shared by new-child and child-rekey requests: nonce,
 * optional KE, then child_create_respond(); Nr and KE are added to the
 * response only if a Child SA was made.  Returns it or NULL.
 */
struct child_sa *ccsa_child_respond(struct ike_sa *sa, struct msg_in *in,
				    struct wire_builder *b, uint8_t *nr,
				    size_t *nr_len);
/* Lexicographic order of nonces as RFC 7296 2.8.1 compares them. */
int ccsa_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
int ike_rekey_start(struct ike_sa *sa);
void ike_rekey_respond(struct ike_sa *sa, struct msg_in *in);
void ike_rekey_process_response(struct ike_sa *sa, struct msg_in *in);
void ike_rekey_abort(struct ike_sa *sa);
int delete_child_start(struct ike_sa *sa, struct child_sa *c);
int delete_ike_start(struct ike_sa *sa);
void delete_process_response(struct ike_sa *sa, struct msg_in *in,
			     enum ike_task task, uint64_t arg);
void info_process_request(struct ike_sa *sa, struct msg_in *in);
int dpd_start(struct ike_sa *sa);
void dpd_timer(struct timer *t, void *ctx);
void ccsa_process_request(struct ike_sa *sa, struct msg_in *in);

/* ---- timers with a fixed owner ---- */
void sa_expire_timer(struct timer *t, void *ctx);
void sa_rekey_timer(struct timer *t, void *ctx);
void child_rekey_timer(struct timer *t, void *ctx);
void child_expire_timer(struct timer *t, void *ctx);

#endif
