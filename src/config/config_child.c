/*
 * config_child.c - connections.<conn>.children.<child>: CHILD_SA
 * configurations.
 *
 * Lifetime defaults are vici's check_lifetimes(): rekey_time 1h, life_time
 * 10% above rekey, rand_time the difference (so 3600/3960/360 s, which is
 * what strongSwan 5.9.8 reports for an empty child), and the same rule for
 * bytes and packets with rekey 0 (disabled).  reswan only does tunnel mode
 * without IPComp or offload, so those keys accept their defaults only.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "config/config_build.h"
#include "wire/ikev2.h"

#define CHILD_REKEY_TIME 3600

static const struct config_enum actions[] = {
	{ "none", CONFIG_ACTION_NONE },
	{ "clear", CONFIG_ACTION_NONE },
	{ "trap", CONFIG_ACTION_TRAP },
	{ "route", CONFIG_ACTION_TRAP },
	{ "start", CONFIG_ACTION_START },
	{ "restart", CONFIG_ACTION_START },
};

#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

const char *config_action_name(enum config_action a)
{
	switch (a) {
	case CONFIG_ACTION_NONE: return "none";
	case CONFIG_ACTION_TRAP: return "trap";
	case CONFIG_ACTION_START: return "start";
	}
	return "?";
}

struct child_ctx {
	struct config_child *c;
	bool esp_set;
	const struct settings_node *start_node;
};

static void parse_ts_list(struct build *b, const struct settings_node *n,
			  struct config_ts **out, size_t *n_out)
{
	struct config_list l;
	struct config_ts *ts;
	char err[200];
	bool ok = true;

	if (config_value_list(b, n, &l) < 0)
		return;
	ts = config_value_calloc(b, l.n, sizeof(*ts));
	for (size_t i = 0; ts && i < l.n; i++) {
		if (config_ts_parse(l.item[i], &ts[i], err, sizeof(err)) < 0) {
			config_value_error(b, n, "%s", err);
			ok = false;
		}
	}
	if (ts && ok) {
		free(*out);
		*out = ts;
		*n_out = l.n;
	} else {
		free(ts);
	}
	config_value_list_free(&l);
}

static void parse_local_ts(struct build *b, const struct settings_node *n,
			   void *obj)
{
	struct config_child *c = ((struct child_ctx *)obj)->c;

	parse_ts_list(b, n, &c->local_ts, &c->n_local_ts);
}

static void parse_remote_ts(struct build *b, const struct settings_node *n,
			    void *obj)
{
	struct config_child *c = ((struct child_ctx *)obj)->c;

	parse_ts_list(b, n, &c->remote_ts, &c->n_remote_ts);
}

void config_child_proposals(struct build *b, const struct settings_node *n,
			    uint8_t proto, struct proposal_list *out)
{
	struct proposal_list list;
	struct config_list l;
	char err[256];
	bool ok = true;

	if (config_value_list(b, n, &l) < 0)
		return;
	memset(&list, 0, sizeof(list));
	for (size_t i = 0; i < l.n && ok; i++) {
		unsigned notes = 0;

		if (strcasecmp(l.item[i], "default") == 0) {
			if (proposal_add_defaults(proto, &list) < 0) {
				config_value_error(b, n, "too many proposals "
						   "(limit %d)", PROPOSAL_MAX_LIST);
				ok = false;
			}
			continue;
		}
		if (list.n >= PROPOSAL_MAX_LIST) {
			config_value_error(b, n, "too many proposals (limit %d)",
					   PROPOSAL_MAX_LIST);
			ok = false;
			break;
		}
		if (proposal_parse(proto, l.item[i], &list.p[list.n], &notes, err,
				   sizeof(err)) < 0) {
			config_value_error(b, n, "proposal '%s': %s", l.item[i],
					   err);
			ok = false;
			break;
		}
		if (notes & PROPOSAL_NOTE_DROPPED_INTEG)
			config_value_warn(b, n, "proposal '%s': integrity "
					  "algorithms are ignored with AEAD ciphers",
					  l.item[i]);
		if (notes & PROPOSAL_NOTE_DROPPED_PRF)
			config_value_warn(b, n, "proposal '%s': PRF algorithms are "
					  "ignored in ESP proposals", l.item[i]);
		list.n++;
	}
	if (ok)
		*out = list;
	config_value_list_free(&l);
}

static void parse_esp(struct build *b, const struct settings_node *n,
		      void *obj)
{
	struct child_ctx *cc = obj;

	cc->esp_set = true;
	config_child_proposals(b, n, IKEV2_PROTO_ESP, &cc->c->esp);
}

#define TIME_KEY(field)                                                      \
	static void parse_##field(struct build *b,                           \
				  const struct settings_node *n, void *obj)  \
	{                                                                    \
		config_value_duration(b, n,                                  \
				      &((struct child_ctx *)obj)->c->field); \
	}
#define BYTES_KEY(field)                                                     \
	static void parse_##field(struct build *b,                           \
				  const struct settings_node *n, void *obj)  \
	{                                                                    \
		config_value_bytes(b, n,                                     \
				   &((struct child_ctx *)obj)->c->field);    \
	}
#define COUNT_KEY(field)                                                     \
	static void parse_##field(struct build *b,                           \
				  const struct settings_node *n, void *obj)  \
	{                                                                    \
		config_value_count(b, n,                                     \
				   &((struct child_ctx *)obj)->c->field);    \
	}

TIME_KEY(rekey_time)
TIME_KEY(life_time)
TIME_KEY(rand_time)
BYTES_KEY(rekey_bytes)
BYTES_KEY(life_bytes)
BYTES_KEY(rand_bytes)
COUNT_KEY(rekey_packets)
COUNT_KEY(life_packets)
COUNT_KEY(rand_packets)

static void parse_action(struct build *b, const struct settings_node *n,
			 enum config_action *out)
{
	int v;

	if (config_value_enum(b, n, actions, N_ACTIONS, &v) == 0)
		*out = (enum config_action)v;
}

static void parse_start_action(struct build *b, const struct settings_node *n,
			       void *obj)
{
	struct child_ctx *cc = obj;

	if (strchr(n->value, '|')) {
		config_value_error(b, n, "combined start actions ('%s') are not "
				   "supported by reswan; use trap or start",
				   n->value);
		return;
	}
	parse_action(b, n, &cc->c->start_action);
	cc->start_node = n;
}

static void parse_close_action(struct build *b, const struct settings_node *n,
			       void *obj)
{
	parse_action(b, n, &((struct child_ctx *)obj)->c->close_action);
}

static void parse_dpd_action(struct build *b, const struct settings_node *n,
			     void *obj)
{
	parse_action(b, n, &((struct child_ctx *)obj)->c->dpd_action);
}

static const struct config_key child_keys[] = {
	KEY("local_ts", parse_local_ts),
	KEY("remote_ts", parse_remote_ts),
	KEY("esp_proposals", parse_esp),
	KEY("rekey_time", parse_rekey_time),
	KEY("life_time", parse_life_time),
	KEY("rand_time", parse_rand_time),
	KEY("rekey_bytes", parse_rekey_bytes),
	KEY("life_bytes", parse_life_bytes),
	KEY("rand_bytes", parse_rand_bytes),
	KEY("rekey_packets", parse_rekey_packets),
	KEY("life_packets", parse_life_packets),
	KEY("rand_packets", parse_rand_packets),
	KEY("start_action", parse_start_action),
	KEY("close_action", parse_close_action),
	KEY("dpd_action", parse_dpd_action),
	KEY_ONLY("mode", "tunnel", "transport and other modes are not "
		 "supported; reswan only does tunnel mode"),
	KEY_BOOL_ONLY("ipcomp", 0, "IPComp is not supported"),
	KEY_ONLY("hw_offload", "no", "the data plane is userspace ESP"),
	KEY_UNSUPPORTED("ah_proposals", "AH is not supported; use esp_proposals"),
	KEY_BOOL_ONLY("sha256_96", 0, "only the standard 128-bit truncation"),
	KEY_UNSUPPORTED("updown", "reswan runs no updown scripts"),
	KEY_BOOL_ONLY("hostaccess", 0, "reswan runs no updown scripts"),
	KEY_BOOL_ONLY("policies", 1, "the userspace data plane always "
		      "applies the traffic selectors"),
	KEY_BOOL_ONLY("policies_fwd_out", 0, "no kernel policies are installed"),
	KEY_UNSUPPORTED("inactivity", "inactivity timeouts are not implemented"),
	KEY_ONLY("reqid", "0", "reqids are a kernel IPsec concept"),
	KEY_ONLY("priority", "0", "no kernel policies are installed"),
	KEY_UNSUPPORTED("interface", "no kernel policies are installed"),
	KEY_ONLY("mark_in", "0|0/0x00000000", "marks are a kernel IPsec concept"),
	KEY_BOOL_ONLY("mark_in_sa", 0, "marks are a kernel IPsec concept"),
	KEY_ONLY("mark_out", "0|0/0x00000000", "marks are a kernel IPsec concept"),
	KEY_ONLY("set_mark_in", "0|0/0x00000000", "marks are a kernel IPsec concept"),
	KEY_ONLY("set_mark_out", "0|0/0x00000000", "marks are a kernel IPsec concept"),
	KEY_UNSUPPORTED("if_id_in", "XFRM interfaces are a kernel IPsec concept"),
	KEY_UNSUPPORTED("if_id_out", "XFRM interfaces are a kernel IPsec concept"),
	KEY_UNSUPPORTED("label", "security labels are not supported"),
	KEY_ONLY("label_mode", "system", "security labels are not supported"),
	KEY_ONLY("tfc_padding", "0", "TFC padding is not implemented"),
	KEY_ONLY("replay_window", "32", "the data plane uses a fixed 32-packet "
		 "replay window"),
	KEY_BOOL_ONLY("copy_df", 1, "the data plane always copies DF"),
	KEY_BOOL_ONLY("copy_ecn", 1, "the data plane always copies ECN"),
	KEY_ONLY("copy_dscp", "out", "the data plane copies DSCP outbound only"),
};

/* life = rekey + 10% and rand = life - rekey unless given (vici). */
static void lifetimes(uint64_t rekey, uint64_t *life, uint64_t *rand)
{
	if (*life == UNSET64)
		*life = rekey > UINT64_MAX / 110 ? UINT64_MAX : rekey * 110 / 100;
	if (*rand == UNSET64)
		*rand = *life - (*life < rekey ? *life : rekey);
}

/* rand_explicit: the operator wrote rand_*; derived values are
 * strongSwan's and accepted as they are. */
static bool check_life(struct build *b, const struct settings_node *sec,
		       const char *what, uint64_t rekey, uint64_t life,
		       uint64_t rand, bool rand_explicit)
{
	if (rekey && life && life < rekey) {
		config_value_error(b, sec, "life_%s (%llu) is smaller than "
				   "rekey_%s (%llu): the CHILD_SA would expire "
				   "before it is rekeyed", what,
				   (unsigned long long)life, what,
				   (unsigned long long)rekey);
		return false;
	}
	if (rekey && rand_explicit && rand >= rekey) {
		config_value_error(b, sec, "rand_%s (%llu) must be smaller than "
				   "rekey_%s (%llu)", what,
				   (unsigned long long)rand, what,
				   (unsigned long long)rekey);
		return false;
	}
	return true;
}

static bool single_remote(const struct config_conn *conn)
{
	for (size_t i = 0; i < conn->n_remote_addrs; i++)
		if (addr_range_is_single(&conn->remote_addrs[i]))
			return true;
	return false;
}

static void build_one(struct build *b, const struct settings_node *sec,
		      struct config_conn *conn, struct config_child *c)
{
	struct child_ctx cc = { c, false, NULL };

	c->name = config_value_strdup(b, sec->name);
	c->loc = config_value_loc(sec);
	c->rekey_time = CHILD_REKEY_TIME;
	c->life_time = c->rand_time = UNSET64;
	c->rekey_bytes = 0;
	c->life_bytes = c->rand_bytes = UNSET64;
	c->rekey_packets = 0;
	c->life_packets = c->rand_packets = UNSET64;
	config_value_walk(b, sec, child_keys,
			  sizeof(child_keys) / sizeof(child_keys[0]), NULL, &cc,
			  NULL);
	{
		bool rt = c->rand_time != UNSET64, rb = c->rand_bytes != UNSET64,
		     rp = c->rand_packets != UNSET64;

		lifetimes(c->rekey_time, &c->life_time, &c->rand_time);
		lifetimes(c->rekey_bytes, &c->life_bytes, &c->rand_bytes);
		lifetimes(c->rekey_packets, &c->life_packets, &c->rand_packets);
		check_life(b, sec, "time", c->rekey_time, c->life_time,
			   c->rand_time, rt);
		check_life(b, sec, "bytes", c->rekey_bytes, c->life_bytes,
			   c->rand_bytes, rb);
		check_life(b, sec, "packets", c->rekey_packets, c->life_packets,
			   c->rand_packets, rp);
	}
	if (!cc.esp_set)
		proposal_add_defaults(IKEV2_PROTO_ESP, &c->esp);
	if (!c->local_ts) {
		c->local_ts = config_value_calloc(b, 1, sizeof(*c->local_ts));
		if (c->local_ts) {
			c->local_ts->dynamic = true;
			c->local_ts->port_hi = 65535;
			c->n_local_ts = 1;
		}
	}
	if (!c->remote_ts) {
		c->remote_ts = config_value_calloc(b, 1, sizeof(*c->remote_ts));
		if (c->remote_ts) {
			c->remote_ts->dynamic = true;
			c->remote_ts->port_hi = 65535;
			c->n_remote_ts = 1;
		}
	}
	if (cc.start_node && c->start_action != CONFIG_ACTION_NONE &&
	    !single_remote(conn))
		config_value_error(b, cc.start_node, "start_action = %s needs a "
				   "specific peer address in remote_addrs of "
				   "connection '%s'", cc.start_node->value,
				   conn->name);
}

void config_child_build(struct build *b, const struct settings_node *children,
			struct config_conn *conn)
{
	size_t n = 0;

	for (const struct settings_node *c = children->first; c; c = c->next)
		n += c->is_section;
	conn->children = config_value_calloc(b, n, sizeof(*conn->children));
	if (!conn->children)
		return;
	for (const struct settings_node *c = children->first; c && !b->nomem;
	     c = c->next) {
		if (!c->is_section) {
			config_value_error(b, c, "unknown key (children holds one "
					   "section per CHILD_SA)");
			continue;
		}
		build_one(b, c, conn, &conn->children[conn->n_children++]);
	}
}

void config_child_free(struct config_child *c)
{
	free(c->name);
	free(c->local_ts);
	free(c->remote_ts);
}

struct config_child *config_child_find(const struct config_conn *conn,
				       const char *name)
{
	for (size_t i = 0; i < conn->n_children; i++)
		if (conn->children[i].name &&
		    strcmp(conn->children[i].name, name) == 0)
			return &conn->children[i];
	return NULL;
}
