/*
 * config_value.c - value parsing, error reporting and the section walker
 * shared by the model builders.
 *
 * Value syntax follows strongSwan's vici parsers: booleans are
 * yes/true/enabled/1 and no/false/disabled/0, enumerations are matched
 * case-insensitively, durations and sizes use common/units.h (a space
 * between number and unit is tolerated, as strongSwan does), and numbers
 * are decimal (strongSwan's strtoul(.., 0) would also take hex and octal;
 * nobody means "010" as eight).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/err.h"
#include "common/units.h"
#include "common/wipe.h"
#include "config/codec.h"
#include "config/config_build.h"

#define PATH_BUF 512

static void vreport(struct build *b, enum diag_level lvl,
		    const struct settings_node *n, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vreport(struct build *b, enum diag_level lvl,
		    const struct settings_node *n, const char *fmt, va_list ap)
{
	char path[PATH_BUF], msg[DIAG_MSG_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	settings_path(n, path, sizeof(path));
	if (lvl == DIAG_ERROR)
		diag_error(b->d, n->file, n->line, "%s: %s", path, msg);
	else
		diag_warn(b->d, n->file, n->line, "%s: %s", path, msg);
}

void config_value_error(struct build *b, const struct settings_node *n,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(b, DIAG_ERROR, n, fmt, ap);
	va_end(ap);
}

void config_value_warn(struct build *b, const struct settings_node *n,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(b, DIAG_WARNING, n, fmt, ap);
	va_end(ap);
}

struct config_loc config_value_loc(const struct settings_node *n)
{
	struct config_loc l = { n->file, n->line };

	return l;
}

bool config_value_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

char *config_value_strdup(struct build *b, const char *s)
{
	char *r = strdup(s);

	if (!r)
		b->nomem = true;
	return r;
}

void *config_value_calloc(struct build *b, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		b->nomem = true;
	return p;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "enabled", "1" };
	static const char *const no[] = { "no", "false", "disabled", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ERR_SYNTAX;
}

int config_value_bool(struct build *b, const struct settings_node *n,
		      bool *out)
{
	if (parse_bool(n->value, out) == 0)
		return 0;
	config_value_error(b, n, "invalid value '%s' (expected yes or no)",
			   n->value);
	return ERR_CONFIG;
}

static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return ERR_SYNTAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return ERR_SYNTAX;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int config_value_u32(struct build *b, const struct settings_node *n,
		     uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_u64(n->value, &v) < 0 || v < min || v > max) {
		config_value_error(b, n, "invalid value '%s' (expected a number "
				   "from %u to %u)", n->value, min, max);
		return ERR_CONFIG;
	}
	*out = (uint32_t)v;
	return 0;
}

int config_value_count(struct build *b, const struct settings_node *n,
		       uint64_t *out)
{
	if (parse_u64(n->value, out) < 0) {
		config_value_error(b, n, "invalid number '%s'", n->value);
		return ERR_CONFIG;
	}
	return 0;
}

/* "90 m" -> "90m": strongSwan allows blanks between number and unit. */
static void squeeze_unit(const char *v, char *buf, size_t len)
{
	size_t o = 0;

	for (; *v && o + 1 < len; v++)
		if (*v != ' ' && *v != '\t')
			buf[o++] = *v;
	buf[o] = '\0';
}

int config_value_duration(struct build *b, const struct settings_node *n,
			  uint64_t *out)
{
	char buf[64];

	squeeze_unit(n->value, buf, sizeof(buf));
	if (strlen(n->value) >= sizeof(buf) ||
	    units_parse_duration(buf, out) < 0) {
		config_value_error(b, n, "invalid duration '%s' (expected e.g. "
				   "90, 90s, 30m, 4h, 1d)", n->value);
		return ERR_CONFIG;
	}
	return 0;
}

int config_value_bytes(struct build *b, const struct settings_node *n,
		       uint64_t *out)
{
	char buf[64];

	squeeze_unit(n->value, buf, sizeof(buf));
	if (strlen(n->value) >= sizeof(buf) ||
	    units_parse_bytes(buf, out) < 0) {
		config_value_error(b, n, "invalid size '%s' (expected e.g. "
				   "1000000, 500K, 20M, 1G)", n->value);
		return ERR_CONFIG;
	}
	return 0;
}

int config_value_enum(struct build *b, const struct settings_node *n,
		      const struct config_enum *map, size_t n_map, int *out)
{
	char expect[256];
	size_t off = 0;

	for (size_t i = 0; i < n_map; i++) {
		if (strcasecmp(n->value, map[i].name) == 0) {
			*out = map[i].value;
			return 0;
		}
	}
	expect[0] = '\0';
	for (size_t i = 0; i < n_map && off < sizeof(expect); i++) {
		int w = snprintf(expect + off, sizeof(expect) - off, "%s%s",
				 i ? ", " : "", map[i].name);

		if (w < 0)
			break;
		off += (size_t)w;
	}
	config_value_error(b, n, "invalid value '%s' (expected one of: %s)",
			   n->value, expect);
	return ERR_CONFIG;
}

int config_value_list(struct build *b, const struct settings_node *n,
		      struct config_list *l)
{
	char *p;

	memset(l, 0, sizeof(*l));
	l->buf = config_value_strdup(b, n->value);
	if (!l->buf)
		return ERR_NOMEM;
	p = l->buf;
	for (;;) {
		char *comma = strchr(p, ',');
		char *end;

		if (comma)
			*comma = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*p) {
			config_value_error(b, n, "empty entry in comma-separated "
					   "list '%s'", n->value);
			goto fail;
		}
		if (l->n >= CONFIG_MAX_LIST) {
			config_value_error(b, n, "too many entries (limit %d)",
					   CONFIG_MAX_LIST);
			goto fail;
		}
		l->item[l->n++] = p;
		if (!comma)
			return 0;
		p = comma + 1;
	}
fail:
	config_value_list_free(l);
	return ERR_CONFIG;
}

void config_value_list_free(struct config_list *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

char *config_value_path(struct build *b, const struct settings_node *n,
			const char *subdir, const char *name)
{
	char *path;
	int len;

	if (name[0] == '/') {
		path = config_value_strdup(b, name);
	} else {
		len = snprintf(NULL, 0, "%s/%s/%s", b->cfg->confdir, subdir, name);
		if (len < 0 || !(path = malloc((size_t)len + 1))) {
			b->nomem = true;
			return NULL;
		}
		snprintf(path, (size_t)len + 1, "%s/%s/%s", b->cfg->confdir,
			 subdir, name);
	}
	if (path && b->opts && b->opts->check_files && access(path, R_OK) < 0) {
		config_value_error(b, n, "cannot read '%s'", path);
		free(path);
		return NULL;
	}
	return path;
}

int config_value_secret(struct build *b, const struct settings_node *n,
			uint8_t **out, size_t *len)
{
	const char *v = n->value;
	size_t cap = strlen(v), got = 0;
	uint8_t *buf;
	int rc = 0;

	buf = malloc(cap ? cap : 1);
	if (!buf) {
		b->nomem = true;
		return ERR_NOMEM;
	}
	if (strncasecmp(v, "0x", 2) == 0) {
		rc = codec_hex_decode(v + 2, buf, cap, &got);
		if (rc < 0)
			config_value_error(b, n, "malformed hex secret (0x...)");
	} else if (strncasecmp(v, "0s", 2) == 0) {
		rc = codec_b64_decode(v + 2, buf, cap, &got);
		if (rc < 0)
			config_value_error(b, n, "malformed base64 secret (0s...)");
	} else {
		memcpy(buf, v, cap);
		got = cap;
	}
	if (rc == 0 && got == 0) {
		config_value_error(b, n, "empty secret");
		rc = ERR_CONFIG;
	}
	if (rc < 0) {
		wipe(buf, cap);
		free(buf);
		return ERR_CONFIG;
	}
	*out = buf;
	*len = got;
	return 0;
}

static const struct config_key *find_key(const struct config_key *keys,
					 size_t n_keys,
					 const char *const *prefix_keys,
					 const char *name)
{
	const char *want = name;

	for (size_t i = 0; prefix_keys && prefix_keys[i]; i++)
		if (config_value_prefix(name, prefix_keys[i]))
			want = prefix_keys[i];
	for (size_t i = 0; i < n_keys; i++)
		if (strcmp(keys[i].name, want) == 0)
			return &keys[i];
	return NULL;
}

/* "a|b" -> "'a' or 'b'" */
static void fmt_only(const char *only, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	while (*only && off + 8 < len) {
		size_t n = strcspn(only, "|");
		int w = snprintf(buf + off, len - off, "%s'%.*s'",
				 off ? " or " : "", (int)n, only);

		if (w < 0)
			break;
		off += (size_t)w;
		only += n + (only[n] == '|');
	}
}

static bool in_only(const char *only, const char *v)
{
	while (*only) {
		size_t n = strcspn(only, "|");

		if (strlen(v) == n && strncasecmp(only, v, n) == 0)
			return true;
		only += n + (only[n] == '|');
	}
	return false;
}

static void handle_key(struct build *b, const struct config_key *k,
		       const struct settings_node *n, void *obj)
{
	char only[128];
	bool v;

	if (k->parse) {
		k->parse(b, n, obj);
	} else if (k->only) {
		if (!in_only(k->only, n->value)) {
			fmt_only(k->only, only, sizeof(only));
			config_value_error(b, n, "'%s' is not supported by reswan "
					   "(only %s)%s%s", n->value, only,
					   k->reason ? ": " : "",
					   k->reason ? k->reason : "");
		}
	} else if (k->bool_only >= 0) {
		if (config_value_bool(b, n, &v) == 0 && v != (k->bool_only == 1))
			config_value_error(b, n, "'%s' is not supported by reswan "
					   "(only '%s')%s%s", n->value,
					   k->bool_only ? "yes" : "no",
					   k->reason ? ": " : "",
					   k->reason ? k->reason : "");
	} else {
		config_value_error(b, n, "key not supported by reswan%s%s",
				   k->reason ? ": " : "",
				   k->reason ? k->reason : "");
	}
}

void config_value_walk(struct build *b, const struct settings_node *sec,
		       const struct config_key *keys, size_t n_keys,
		       const char *const *prefix_keys, void *obj,
		       bool (*on_section)(struct build *b,
					  const struct settings_node *n,
					  void *obj))
{
	for (const struct settings_node *n = sec->first; n && !b->nomem;
	     n = n->next) {
		if (n->is_section) {
			if (!on_section || !on_section(b, n, obj))
				config_value_error(b, n, "unknown section");
			continue;
		}
		{
			const struct config_key *k = find_key(keys, n_keys,
							      prefix_keys,
							      n->name);

			if (!k)
				config_value_error(b, n, "unknown key");
			else if (n->value)	/* empty: default applies */
				handle_key(b, k, n, obj);
		}
	}
}
