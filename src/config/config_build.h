/*
 * config_build.h - internals shared by the model builders (config_*.c).
 *
 * Every builder walks one kind of section with config_value_walk() and a
 * table of the keys swanctl.conf defines for it.  A table entry either
 * parses the value into the model, accepts only the default value(s), or
 * rejects the key as unsupported with a reason; keys not in the table are
 * unknown.  Errors name FILE:LINE and the dotted key path, e.g.
 *   "gw.conf:12: connections.home.mobike: mobike is not supported ...".
 * Builders keep going after an error so one load reports everything.
 */
#ifndef RESWAN_CONFIG_CONFIG_BUILD_H
#define RESWAN_CONFIG_CONFIG_BUILD_H

#include "config/config.h"
#include "config/settings.h"

#define UNSET64 UINT64_MAX	/* duration/size not given (yet) */

struct build {
	struct config *cfg;
	struct settings *s;
	struct diag *d;
	const struct config_opts *opts;
	bool nomem;
	/* PSK owner index for the load-time "no secret matches" warning */
	const struct ident **psk_ids;	/* exact ids, sorted */
	size_t n_psk_ids;
	const struct config_psk **psk_other;	/* secrets needing a full match */
	size_t n_psk_other;
};

/* "FILE:LINE: path: message" for node n. */
void config_value_error(struct build *b, const struct settings_node *n,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void config_value_warn(struct build *b, const struct settings_node *n,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct config_loc config_value_loc(const struct settings_node *n);

/* Value parsers: 0 on success, else the error is reported and <0 returned. */
int config_value_bool(struct build *b, const struct settings_node *n,
		      bool *out);
int config_value_u32(struct build *b, const struct settings_node *n,
		     uint32_t min, uint32_t max, uint32_t *out);
int config_value_duration(struct build *b, const struct settings_node *n,
			  uint64_t *out);
int config_value_bytes(struct build *b, const struct settings_node *n,
		       uint64_t *out);
int config_value_count(struct build *b, const struct settings_node *n,
		       uint64_t *out);

struct config_enum {
	const char *name;
	int value;
};

int config_value_enum(struct build *b, const struct settings_node *n,
		      const struct config_enum *map, size_t n_map, int *out);

/* A comma-separated value split into trimmed, non-empty items. */
struct config_list {
	char *buf;
	size_t n;
	char *item[CONFIG_MAX_LIST];
};

int config_value_list(struct build *b, const struct settings_node *n,
		      struct config_list *l);
void config_value_list_free(struct config_list *l);

/* name as-is if absolute, else <confdir>/<subdir>/<name>; checks the file
 * is readable when opts->check_files.  NULL on error (reported). */
char *config_value_path(struct build *b, const struct settings_node *n,
			const char *subdir, const char *name);

/* Decode a secret (plain, 0x hex, 0s base64) into fresh memory. */
int config_value_secret(struct build *b, const struct settings_node *n,
			uint8_t **out, size_t *len);

char *config_value_strdup(struct build *b, const char *s);
void *config_value_calloc(struct build *b, size_t n, size_t size);

/* ---- section walking ---- */

struct config_key {
	const char *name;
	/* Store the value into obj; NULL with neither only nor bool_only
	 * set means the key is not supported (reason says why). */
	void (*parse)(struct build *b, const struct settings_node *n, void *obj);
	const char *only;	/* accepted values, '|'-separated, no case */
	int bool_only;		/* -1 no; 0/1: a boolean that must be no/yes */
	const char *reason;	/* appended to "not supported" messages */
};

#define KEY(n, fn) { n, fn, NULL, -1, NULL }
#define KEY_ONLY(n, vals, why) { n, NULL, vals, -1, why }
#define KEY_BOOL_ONLY(n, v, why) { n, NULL, NULL, v, why }
#define KEY_UNSUPPORTED(n, why) { n, NULL, NULL, -1, why }

/*
 * Walk the children of sec: keys through the table (empty assignments
 * are skipped: the default applies), sections through on_section, which
 * returns false for a section name it does not know (reported here).
 * A key name is matched exactly unless prefix_keys lists it as a prefix
 * (e.g. "id" in secrets, which takes id, id-1, idfoo).
 */
void config_value_walk(struct build *b, const struct settings_node *sec,
		       const struct config_key *keys, size_t n_keys,
		       const char *const *prefix_keys, void *obj,
		       bool (*on_section)(struct build *b,
					  const struct settings_node *n,
					  void *obj));

/* Case-insensitive "starts with". */
bool config_value_prefix(const char *s, const char *prefix);

/* ---- the builders ---- */

void config_pool_build(struct build *b, const struct settings_node *pools);
void config_secret_build(struct build *b, const struct settings_node *secrets);
void config_conn_build(struct build *b, const struct settings_node *conns);
/* children section of conn into conn->children */
void config_child_build(struct build *b, const struct settings_node *children,
			struct config_conn *conn);
/* proposals / esp_proposals: a comma-separated list, "default" allowed */
void config_child_proposals(struct build *b, const struct settings_node *n,
			    uint8_t proto, struct proposal_list *out);
void config_resume_build(struct build *b, const struct settings_node *sec,
			 struct config_resumption *r);
void config_resume_defaults(struct config_resumption *r);

void config_child_free(struct config_child *c);
void config_conn_free(struct config_conn *c);
void config_pool_free(struct config_pool *p);
void config_secret_free_psk(struct config_psk *p);
/* Index the PSK owners once (after config_secret_build), so that
 * config_secret_may_match() costs O(log n) for plain identities. */
void config_secret_index(struct build *b);
void config_secret_index_free(struct build *b);
/* Could any PSK apply to this pair (either side matching an owner)? */
bool config_secret_may_match(const struct build *b, const struct ident *local,
			     const struct ident *remote);
void config_secret_free_key(struct config_key_secret *k);

#endif
