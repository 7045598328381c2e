/*
 * settings_ref.c - section references: "conn : defaults, other.sub { }".
 *
 * strongSwan evaluates references lazily at lookup time; reswan expands
 * them once, after all files are read, by copying what a section inherits
 * into it.  The result is the same view: the section's own keys and
 * sections come first and win, inherited ones follow in reference order
 * (left to right), subsections with the same name merge recursively, and a
 * referenced section's own references count too.
 *
 * Expansion is depth-first with a three-state mark per section, so each
 * section is expanded once however often it is referenced, a cycle is
 * detected instead of looping, and chains are bounded by
 * SETTINGS_MAX_REF_DEPTH.  Copies count against SETTINGS_MAX_NODES, which
 * bounds the blow-up a template referenced many times can cause.
 */
#include <string.h>

#include "common/err.h"
#include "config/settings.h"

enum { REF_NEW = 0, REF_BUSY = 1, REF_DONE = 2 };

struct resolver {
	struct settings *s;
	struct diag *d;
	bool nomem;
	bool limit;
};

static bool insert_ok(struct resolver *r, const struct settings_node *n,
		      bool hit)
{
	if (n)
		return true;
	if (!hit) {
		r->nomem = true;
	} else if (!r->limit) {
		diag_error(r->d, NULL, 0, "too many keys and sections after "
			   "expanding section references (limit %d)",
			   SETTINGS_MAX_NODES);
		r->limit = true;
	}
	return false;
}

static void copy_into(struct resolver *r, struct settings_node *dst,
		      const struct settings_node *src);

/* Merge what src holds into dst without overriding anything dst has. */
static void inherit(struct resolver *r, struct settings_node *dst,
		    const struct settings_node *src)
{
	for (const struct settings_node *x = src->first;
	     x && !r->nomem && !r->limit; x = x->next) {
		struct settings_node *have = settings_find(dst, x->name,
							   x->is_section);
		bool hit = false;

		if (!x->is_section) {
			if (!have) {
				struct settings_node *n;

				n = settings_set_value(r->s, dst, x->name, x->value,
						       x->file, x->line, &hit);
				insert_ok(r, n, hit);
			}
		} else if (have) {
			inherit(r, have, x);
		} else {
			copy_into(r, dst, x);
		}
	}
}

/* Append a copy of section src (which dst lacks) to dst. */
static void copy_into(struct resolver *r, struct settings_node *dst,
		      const struct settings_node *src)
{
	struct settings_node *n;
	bool hit = false;

	n = settings_add_section(r->s, dst, src->name, src->file, src->line,
				 &hit);
	if (!insert_ok(r, n, hit))
		return;
	n->ref_state = REF_DONE;	/* src was expanded already */
	inherit(r, n, src);
}

static void resolve(struct resolver *r, struct settings_node *node,
		    unsigned chain)
{
	char path[256];

	if (node->ref_state == REF_DONE)
		return;
	node->ref_state = REF_BUSY;
	for (struct settings_node *c = node->first; c && !r->nomem && !r->limit;
	     c = c->next)
		if (c->is_section)
			resolve(r, c, chain);
	for (size_t i = 0; i < node->n_refs && !r->nomem && !r->limit; i++) {
		const char *ref = node->refs[i];
		struct settings_node *t = settings_find_path(r->s->root, ref);

		settings_path(node, path, sizeof(path));
		if (!t) {
			diag_error(r->d, node->file, node->line, "section '%s' "
				   "references '%s', which does not exist",
				   path, ref);
			continue;
		}
		if (settings_is_ancestor(t, node)) {
			diag_error(r->d, node->file, node->line, "section '%s' "
				   "cannot reference '%s', which contains it",
				   path, ref);
			continue;
		}
		if (t->ref_state == REF_BUSY) {
			diag_error(r->d, node->file, node->line, "section '%s' "
				   "references '%s', which (indirectly) references "
				   "'%s' again", path, ref, path);
			continue;
		}
		if (chain + 1 > SETTINGS_MAX_REF_DEPTH) {
			diag_error(r->d, node->file, node->line, "section '%s': "
				   "references chained too deeply (limit %d)",
				   path, SETTINGS_MAX_REF_DEPTH);
			continue;
		}
		t->referenced = true;
		resolve(r, t, chain + 1);
		inherit(r, node, t);
	}
	node->ref_state = REF_DONE;
}

int settings_resolve(struct settings *s, struct diag *d)
{
	struct resolver r = { .s = s, .d = d };
	size_t before = diag_errors(d);

	resolve(&r, s->root, 0);
	if (r.nomem)
		return ERR_NOMEM;
	return diag_errors(d) > before ? ERR_CONFIG : 0;
}
