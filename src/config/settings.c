/*
 * settings.c - the settings tree: nodes, the per-section name index,
 * merging on insert, lookups and freeing.
 *
 * A section keeps its children twice: as a list in order of first
 * appearance (what the model builder walks) and in a small chained hash
 * index keyed by (name, kind), so that merging a duplicate section or
 * replacing a key stays O(1) even for a gateway with thousands of
 * connections.  Keys and sections are separate namespaces, as in
 * strongSwan: "local = x" and "local { }" are two different children.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "config/settings.h"

static uint32_t name_hash(const char *name, bool section)
{
	uint32_t h = 2166136261u ^ (section ? 0x5au : 0u);

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}

struct settings_node *settings_find(const struct settings_node *sec,
				    const char *name, bool section)
{
	struct settings_node *n;

	if (!sec || !sec->n_buckets)
		return NULL;
	n = sec->buckets[name_hash(name, section) & (sec->n_buckets - 1)];
	for (; n; n = n->hnext)
		if (n->is_section == section && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

/* Rebuild the index with twice the buckets; on failure keep the old one. */
static int index_grow(struct settings_node *sec)
{
	size_t nb = sec->n_buckets ? sec->n_buckets * 2 : 8;
	struct settings_node **b = calloc(nb, sizeof(*b));

	if (!b)
		return ERR_NOMEM;
	for (struct settings_node *c = sec->first; c; c = c->next) {
		size_t i = name_hash(c->name, c->is_section) & (nb - 1);

		c->hnext = b[i];
		b[i] = c;
	}
	free(sec->buckets);
	sec->buckets = b;
	sec->n_buckets = nb;
	return 0;
}

/* Append child to sec (list and index).  The child must be new. */
static int link_child(struct settings_node *sec, struct settings_node *child)
{
	size_t i;

	if (sec->n_children + 1 > sec->n_buckets * 2 && index_grow(sec) < 0)
		return ERR_NOMEM;
	child->parent = sec;
	child->next = NULL;
	if (sec->last)
		sec->last->next = child;
	else
		sec->first = child;
	sec->last = child;
	sec->n_children++;
	i = name_hash(child->name, child->is_section) & (sec->n_buckets - 1);
	child->hnext = sec->buckets[i];
	sec->buckets[i] = child;
	return 0;
}

static struct settings_node *node_new(struct settings *s, const char *name,
				      bool section, const char *file,
				      unsigned line, bool *limit)
{
	struct settings_node *n;

	if (s->n_nodes >= SETTINGS_MAX_NODES) {
		if (limit)
			*limit = true;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->is_section = section;
	n->file = file;
	n->line = line;
	s->n_nodes++;
	return n;
}

static void node_free(struct settings_node *n)
{
	struct settings_node *c, *next;

	if (!n)
		return;
	for (c = n->first; c; c = next) {
		next = c->next;
		node_free(c);
	}
	for (size_t i = 0; i < n->n_refs; i++)
		free(n->refs[i]);
	free(n->refs);
	free(n->buckets);
	if (n->value)	/* values include secrets */
		wipe(n->value, strlen(n->value));
	free(n->value);
	free(n->name);
	free(n);
}

struct settings_node *settings_add_section(struct settings *s,
					   struct settings_node *parent,
					   const char *name, const char *file,
					   unsigned line, bool *limit)
{
	struct settings_node *n = settings_find(parent, name, true);

	if (n)
		return n;	/* sections merge: keep the first place */
	n = node_new(s, name, true, file, line, limit);
	if (!n)
		return NULL;
	if (link_child(parent, n) < 0) {
		s->n_nodes--;
		node_free(n);
		return NULL;
	}
	return n;
}

struct settings_node *settings_set_value(struct settings *s,
					 struct settings_node *parent,
					 const char *name, const char *value,
					 const char *file, unsigned line,
					 bool *limit)
{
	struct settings_node *n = settings_find(parent, name, false);
	char *v = NULL;

	if (value && !(v = strdup(value)))
		return NULL;
	if (n) {
		/* Later assignments win and carry their own place. */
		if (n->value)
			wipe(n->value, strlen(n->value));
		free(n->value);
		n->value = v;
		n->file = file;
		n->line = line;
		return n;
	}
	n = node_new(s, name, false, file, line, limit);
	if (!n) {
		free(v);
		return NULL;
	}
	n->value = v;
	if (link_child(parent, n) < 0) {
		s->n_nodes--;
		node_free(n);
		return NULL;
	}
	return n;
}

const char *settings_intern_file(struct settings *s, const char *name)
{
	char **files, *copy;

	for (size_t i = 0; i < s->n_files; i++)
		if (strcmp(s->files[i], name) == 0)
			return s->files[i];
	files = realloc(s->files, (s->n_files + 1) * sizeof(*files));
	if (!files)
		return NULL;
	s->files = files;
	copy = strdup(name);
	if (!copy)
		return NULL;
	s->files[s->n_files++] = copy;
	return copy;
}

struct settings_node *settings_find_path(struct settings_node *sec,
					 const char *path)
{
	struct settings_node *cur = sec;
	char part[SETTINGS_MAX_NAME_LEN + 1];

	while (cur && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n == 0 || n > SETTINGS_MAX_NAME_LEN)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		cur = settings_find(cur, part, true);
		path += n + (dot ? 1 : 0);
		if (dot && !*path)
			return NULL;	/* trailing dot */
	}
	return cur;
}

bool settings_is_ancestor(const struct settings_node *anc,
			  const struct settings_node *node)
{
	for (; node; node = node->parent)
		if (node == anc)
			return true;
	return false;
}

const char *settings_path(const struct settings_node *node, char *buf,
			  size_t len)
{
	const struct settings_node *chain[SETTINGS_MAX_DEPTH * (SETTINGS_MAX_REF_DEPTH + 2)];
	size_t n = 0, off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (; node && node->parent && n < sizeof(chain) / sizeof(chain[0]);
	     node = node->parent)
		chain[n++] = node;
	while (n--) {
		int w = snprintf(buf + off, len - off, "%s%s",
				 off ? "." : "", chain[n]->name);

		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
	return buf;
}

void settings_free(struct settings *s)
{
	if (!s)
		return;
	node_free(s->root);
	for (size_t i = 0; i < s->n_files; i++)
		free(s->files[i]);
	free(s->files);
	free(s);
}
