/*
 * settings.h - strongSwan's settings syntax (strongswan.conf(5), the syntax
 * of swanctl.conf(5)) parsed into a tree that remembers where every value
 * came from.
 *
 * The syntax:
 *
 *     # comment
 *     name {                    a section; sections nest
 *         key = value           value runs to the end of the line ('#' or
 *         key = "a \"b\""       '}' also end it), parts joined by one space;
 *         key =                 quotes keep spaces and take \n \t \r \x
 *     }                         an empty value clears the key (default applies)
 *     other : name, a.b { }     inherits everything of sections name and a.b
 *     include conf.d/x.conf     glob patterns allowed, relative to the
 *                               including file
 *
 * Merging is strongSwan's: a section that appears twice is one section
 * (later keys replace earlier values, subsections merge), and an included
 * file adds to the section the include statement is in.  Keys and sections
 * live in separate namespaces, as in strongSwan.  References (":") are
 * resolved after parsing by settings_resolve(): inherited keys and sections
 * follow the section's own and never override them.
 *
 * What reswan does differently from strongSwan, on purpose: an include of a
 * file name without wildcards that does not exist is an error (strongSwan
 * silently includes nothing), every file must balance its own braces, and
 * quoted strings cannot span lines.  Every input is bounded by the
 * SETTINGS_MAX_* constants below.
 *
 * Every node carries file:line.  A key that was overridden carries the
 * place of the assignment that won; a merged section carries the place
 * where it was first opened.  Nodes copied by a reference keep the place of
 * the template they came from, so an error in a template points at the
 * template line.
 */
#ifndef RESWAN_CONFIG_SETTINGS_H
#define RESWAN_CONFIG_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/diag.h"

#define SETTINGS_MAX_FILE_SIZE (1u << 20)	/* bytes per file */
#define SETTINGS_MAX_LINE_LEN 4096		/* bytes per line */
#define SETTINGS_MAX_DEPTH 16			/* nested sections */
#define SETTINGS_MAX_NODES 100000		/* keys + sections, after references */
#define SETTINGS_MAX_NAME_LEN 128		/* a key or section name */
#define SETTINGS_MAX_INCLUDE_DEPTH 8		/* nested includes */
#define SETTINGS_MAX_FILES 256			/* files read in one load */
#define SETTINGS_MAX_REFS 16			/* references of one section */
#define SETTINGS_MAX_REF_DEPTH 8		/* chained references */

struct settings_node {
	char *name;
	const char *file;	/* owned by the struct settings */
	unsigned line;
	bool is_section;
	char *value;		/* key: NULL after an empty assignment */

	/* section: children in order of first appearance */
	struct settings_node *first, *last;
	size_t n_children;
	struct settings_node **buckets;	/* name index, power-of-two size */
	size_t n_buckets;

	/* section: "name : ref, ref" (absolute dotted names) */
	char **refs;
	size_t n_refs;
	unsigned ref_state;	/* settings_resolve bookkeeping */
	bool referenced;	/* some section inherits from this one */

	struct settings_node *parent;
	struct settings_node *next;	/* sibling, in order */
	struct settings_node *hnext;	/* bucket chain */
};

struct settings {
	struct settings_node *root;	/* an unnamed section */
	char **files;			/* every file name read (node->file) */
	size_t n_files;
	size_t n_nodes;
};

struct settings_opts {
	/* Reject include statements (fuzzing, or text from an untrusted place). */
	bool no_includes;
};

/*
 * Parse the file at path (and what it includes) into *out.  Errors go to d;
 * returns 0, ERR_CONFIG if d got errors (then *out is NULL), ERR_NOMEM.
 * References are not resolved yet: call settings_resolve().
 */
int settings_parse_file(const char *path, const struct settings_opts *opts,
			struct settings **out, struct diag *d);
/* Same for text in memory; name is used in messages and as the base
 * directory of relative includes. */
int settings_parse_buffer(const char *name, const char *text, size_t len,
			  const struct settings_opts *opts,
			  struct settings **out, struct diag *d);

/*
 * Expand section references in place (see above).  Errors (unknown
 * section, cycle, a reference to an enclosing section, too many nodes) go
 * to d; returns 0 or ERR_CONFIG / ERR_NOMEM.
 */
int settings_resolve(struct settings *s, struct diag *d);

void settings_free(struct settings *s);

/* Child of a section by name and kind, or NULL. */
struct settings_node *settings_find(const struct settings_node *sec,
				    const char *name, bool section);
/* Section at a dotted path ("connections.gw") from sec, or NULL. */
struct settings_node *settings_find_path(struct settings_node *sec,
					 const char *path);
/* True if anc is node or one of its ancestors. */
bool settings_is_ancestor(const struct settings_node *anc,
			  const struct settings_node *node);
/* Dotted path of node from the root ("connections.gw.local"), into buf. */
const char *settings_path(const struct settings_node *node, char *buf,
			  size_t len);

/*
 * Tree building, for the parser and the reference resolver.  They return
 * NULL only when out of memory or when s already holds SETTINGS_MAX_NODES
 * nodes (then *limit is set).
 */
struct settings_node *settings_add_section(struct settings *s,
					   struct settings_node *parent,
					   const char *name, const char *file,
					   unsigned line, bool *limit);
/* Set key name in parent to value (NULL clears), replacing an old value. */
struct settings_node *settings_set_value(struct settings *s,
					 struct settings_node *parent,
					 const char *name, const char *value,
					 const char *file, unsigned line,
					 bool *limit);
/* Remember a file name for the life of s; returns the stored copy. */
const char *settings_intern_file(struct settings *s, const char *name);

#endif
