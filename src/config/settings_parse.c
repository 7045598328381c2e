/*
 * settings_parse.c - the lexer and parser of strongSwan's settings syntax,
 * and include handling.
 *
 * One hand-written pass per file over a buffer that has already been
 * checked for size, NUL bytes and line length (so every later position is
 * bounded by SETTINGS_MAX_LINE_LEN within its line).  The token rules are
 * strongSwan's settings_lexer.l: names are runs of bytes other than
 * # { } : . , = " and whitespace; a value runs to the end of the line, to
 * '#' or to '}', and is made of unquoted runs and quoted strings joined by
 * single spaces.
 *
 * Error recovery: after a malformed statement the parser skips to the end
 * of the line and goes on, so one load reports every independent mistake.
 * A section whose header was malformed is still entered, as a "discard"
 * section (a NULL entry on the section stack), so that its closing brace
 * matches and its content is checked for syntax but not stored.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/wipe.h"
#include "config/settings.h"

struct parser {
	struct settings *s;
	const struct settings_opts *opts;
	struct diag *d;
	size_t files_read;
	char *stack[SETTINGS_MAX_INCLUDE_DEPTH + 1];	/* realpaths, for cycles */
	size_t depth;					/* include depth */
	size_t errors_before;	/* errors already in d when we started */
	bool nomem;
	bool limit;
};

struct src {
	const char *name;	/* interned display name */
	const char *p, *end;
	unsigned line;
};

/* Value and pattern accumulator, bounded by the line length cap. */
struct strbuf {
	char b[SETTINGS_MAX_LINE_LEN + 1];
	size_t n;
};

static void sb_putc(struct strbuf *sb, char c)
{
	if (sb->n < SETTINGS_MAX_LINE_LEN)
		sb->b[sb->n++] = c;
	sb->b[sb->n] = '\0';
}

static bool is_name_char(unsigned char c)
{
	if (c < 0x20 || c == 0x7f)
		return false;
	return !strchr("#{}:.,=\" ", c);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void skip_blanks(struct src *src)
{
	while (src->p < src->end && is_blank(*src->p))
		src->p++;
}

/* Skip to (not past) the end of the line. */
static void skip_line(struct src *src)
{
	while (src->p < src->end && *src->p != '\n')
		src->p++;
}

/* Skip blanks, newlines and comments. */
static void skip_space(struct src *src)
{
	while (src->p < src->end) {
		if (is_blank(*src->p)) {
			src->p++;
		} else if (*src->p == '\n') {
			src->line++;
			src->p++;
		} else if (*src->p == '#') {
			skip_line(src);
		} else {
			break;
		}
	}
}

static void perr(struct parser *ps, const struct src *src, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void perr(struct parser *ps, const struct src *src, unsigned line,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(ps->d, DIAG_ERROR, src->name, line ? line : src->line, fmt, ap);
	va_end(ap);
}

/* Read a name at src->p into buf; returns its length (0 if none). */
static size_t read_name(struct parser *ps, struct src *src, char *buf)
{
	const char *start = src->p;
	size_t n;

	while (src->p < src->end && is_name_char((unsigned char)*src->p))
		src->p++;
	n = (size_t)(src->p - start);
	if (n > SETTINGS_MAX_NAME_LEN) {
		perr(ps, src, 0, "name '%.32s...' too long (%zu bytes, limit %d)",
		     start, n, SETTINGS_MAX_NAME_LEN);
		return 0;
	}
	memcpy(buf, start, n);
	buf[n] = '\0';
	return n;
}

/*
 * A quoted string, src->p just past the opening quote.  Escapes \n \r \t
 * and \<c> = c; a raw newline or end of file is an error.
 */
static int read_quoted(struct parser *ps, struct src *src, struct strbuf *sb)
{
	while (src->p < src->end) {
		char c = *src->p++;

		if (c == '"')
			return 0;
		if (c == '\r')
			continue;
		if (c == '\n') {
			src->p--;
			perr(ps, src, 0, "newline in quoted string "
			     "(multi-line values are not supported)");
			return ERR_SYNTAX;
		}
		if (c == '\\') {
			if (src->p >= src->end)
				break;
			c = *src->p++;
			if (c == '\n' || c == '\r') {
				src->p--;
				perr(ps, src, 0, "line continuation in quoted "
				     "string (multi-line values are not supported)");
				return ERR_SYNTAX;
			}
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'r')
				c = '\r';
		} else if ((unsigned char)c < 0x20 && c != '\t') {
			perr(ps, src, 0, "control character 0x%02x in quoted string",
			     (unsigned char)c);
			return ERR_SYNTAX;
		}
		sb_putc(sb, c);
	}
	perr(ps, src, 0, "unterminated quoted string");
	return ERR_SYNTAX;
}

/*
 * The value after '=': parts up to end of line, '#' or '}', joined by a
 * single space.  *empty is set for "key =" with nothing after it.
 */
static int read_value(struct parser *ps, struct src *src, struct strbuf *sb,
		      bool *empty)
{
	int parts = 0;

	sb->n = 0;
	sb->b[0] = '\0';
	for (;;) {
		skip_blanks(src);
		if (src->p >= src->end || *src->p == '\n' || *src->p == '#' ||
		    *src->p == '}')
			break;
		if (parts++)
			sb_putc(sb, ' ');
		if (*src->p == '"') {
			src->p++;
			if (read_quoted(ps, src, sb) < 0)
				return ERR_SYNTAX;
			continue;
		}
		while (src->p < src->end && !strchr("#}\"\r\n\t ", *src->p)) {
			unsigned char c = (unsigned char)*src->p;

			if (c < 0x20 || c == 0x7f) {
				perr(ps, src, 0, "control character 0x%02x in value", c);
				return ERR_SYNTAX;
			}
			sb_putc(sb, *src->p++);
		}
	}
	*empty = parts == 0;
	return 0;
}

/*
 * An include pattern after "include ": unquoted runs (where \" \# \} and
 * "\ " escape those characters) and quoted strings, up to whitespace, '#',
 * '}' or the end of the line.
 */
static int read_pattern(struct parser *ps, struct src *src, struct strbuf *sb)
{
	sb->n = 0;
	sb->b[0] = '\0';
	while (src->p < src->end && !strchr("#}\r\n\t ", *src->p)) {
		char c = *src->p++;

		if (c == '"') {
			if (read_quoted(ps, src, sb) < 0)
				return ERR_SYNTAX;
			continue;
		}
		if (c == '\\' && src->p < src->end && strchr("\"#} ", *src->p))
			c = *src->p++;
		sb_putc(sb, c);
	}
	return 0;
}

static int parse_file(struct parser *ps, const char *path,
		      struct settings_node *sec, const struct src *from);

static bool has_glob_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void do_include(struct parser *ps, struct src *src,
		       struct settings_node *sec, const char *pattern)
{
	char full[PATH_MAX];
	glob_t g;
	int r;

	if (ps->opts && ps->opts->no_includes) {
		perr(ps, src, 0, "include statements are not allowed here");
		return;
	}
	if (ps->depth >= SETTINGS_MAX_INCLUDE_DEPTH) {
		perr(ps, src, 0, "includes nested too deeply (limit %d)",
		     SETTINGS_MAX_INCLUDE_DEPTH);
		return;
	}
	if (pattern[0] == '/') {
		r = snprintf(full, sizeof(full), "%s", pattern);
	} else {
		const char *slash = strrchr(src->name, '/');
		int dirlen = slash ? (int)(slash - src->name) : 1;

		r = snprintf(full, sizeof(full), "%.*s/%s", dirlen,
			     slash ? src->name : ".", pattern);
	}
	if (r < 0 || (size_t)r >= sizeof(full)) {
		perr(ps, src, 0, "include path too long");
		return;
	}
	r = glob(full, GLOB_ERR, NULL, &g);
	if (r == GLOB_NOMATCH) {
		/* A wildcard matching nothing is normal (empty conf.d/). */
		if (!has_glob_magic(pattern))
			perr(ps, src, 0, "cannot include '%s': no such file",
			     pattern);
	} else if (r != 0) {
		perr(ps, src, 0, "cannot include '%s': %s", pattern,
		     r == GLOB_NOSPACE ? "out of memory" : "cannot read directory");
		if (r == GLOB_NOSPACE)
			ps->nomem = true;
	} else {
		for (size_t i = 0; i < g.gl_pathc && !ps->nomem; i++)
			parse_file(ps, g.gl_pathv[i], sec, src);
	}
	globfree(&g);	/* glob() initialised g on every return */
}

struct open_sec {
	struct settings_node *node;	/* NULL: discard content */
	unsigned line;
	char name[SETTINGS_MAX_NAME_LEN + 1];
};

/* Room for discard sections below the depth limit before giving up. */
#define OPEN_STACK (SETTINGS_MAX_DEPTH * 2 + 1)

static int sec_depth(const struct settings_node *n)
{
	int d = 0;

	for (; n && n->parent; n = n->parent)
		d++;
	return d;
}

/* "name : a, b.c" - read the references after the colon. */
static int read_refs(struct parser *ps, struct src *src, char ***refs,
		     size_t *n_refs)
{
	char name[SETTINGS_MAX_NAME_LEN * 2 + 2];

	for (;;) {
		const char *start;
		size_t n;
		char **nr;

		skip_space(src);
		start = src->p;
		while (src->p < src->end &&
		       (is_name_char((unsigned char)*src->p) || *src->p == '.'))
			src->p++;
		n = (size_t)(src->p - start);
		if (n == 0) {
			perr(ps, src, 0, "expected a section name in the "
			     "reference list");
			return ERR_SYNTAX;
		}
		if (n >= sizeof(name)) {
			perr(ps, src, 0, "section reference too long");
			return ERR_SYNTAX;
		}
		memcpy(name, start, n);
		name[n] = '\0';
		if (name[0] == '.' || name[n - 1] == '.' || strstr(name, "..")) {
			perr(ps, src, 0, "malformed section reference '%s'", name);
			return ERR_SYNTAX;
		}
		if (*n_refs >= SETTINGS_MAX_REFS) {
			perr(ps, src, 0, "too many section references (limit %d)",
			     SETTINGS_MAX_REFS);
			return ERR_SYNTAX;
		}
		nr = realloc(*refs, (*n_refs + 1) * sizeof(*nr));
		if (!nr) {
			ps->nomem = true;
			return ERR_NOMEM;
		}
		*refs = nr;
		if (!(nr[*n_refs] = strdup(name))) {
			ps->nomem = true;
			return ERR_NOMEM;
		}
		(*n_refs)++;
		skip_space(src);
		if (src->p < src->end && *src->p == ',') {
			src->p++;
			continue;
		}
		return 0;
	}
}

/* Add references to a section, skipping ones it already has (merging). */
static void add_refs(struct parser *ps, struct settings_node *sec,
		     char **refs, size_t n_refs)
{
	for (size_t i = 0; i < n_refs; i++) {
		bool dup = false;
		char **nr;

		for (size_t j = 0; j < sec->n_refs; j++)
			dup |= strcmp(sec->refs[j], refs[i]) == 0;
		if (dup)
			continue;
		nr = realloc(sec->refs, (sec->n_refs + 1) * sizeof(*nr));
		if (!nr) {
			ps->nomem = true;
			return;
		}
		sec->refs = nr;
		sec->refs[sec->n_refs++] = refs[i];
		refs[i] = NULL;
	}
}

static void free_refs(char **refs, size_t n_refs)
{
	for (size_t i = 0; i < n_refs; i++)
		free(refs[i]);
	free(refs);
}

/* A tree insertion failed: either the node cap (report once) or memory. */
static void insert_failed(struct parser *ps, const struct src *src, bool hit)
{
	if (!hit) {
		ps->nomem = true;
		return;
	}
	if (!ps->limit)
		perr(ps, src, 0, "too many keys and sections (limit %d)",
		     SETTINGS_MAX_NODES);
	ps->limit = true;
}

/* "key = value": src->p is just past the '='. */
static void parse_assignment(struct parser *ps, struct src *src,
			     struct settings_node *cur, const char *name,
			     unsigned line, struct strbuf *sb)
{
	bool empty = false, hit = false;

	if (read_value(ps, src, sb, &empty) < 0) {
		skip_line(src);
		return;
	}
	if (cur && !ps->limit &&
	    !settings_set_value(ps->s, cur, name, empty ? NULL : sb->b,
				src->name, line, &hit))
		insert_failed(ps, src, hit);
}

/*
 * "name [: refs] {": src->p is after the name.  Returns true if a '{' was
 * consumed, with *child the section to fill (NULL: discard the content).
 */
static bool parse_section_header(struct parser *ps, struct src *src,
				 struct settings_node *cur, const char *name,
				 unsigned line, bool too_deep,
				 struct settings_node **child)
{
	char **refs = NULL;
	size_t n_refs = 0;
	bool ok = true, hit = false;

	*child = NULL;
	if (src->p < src->end && *src->p == ':') {
		src->p++;
		ok = read_refs(ps, src, &refs, &n_refs) == 0;
	}
	if (ok) {
		/* The '{' may follow on a later line. */
		const char *save = src->p;
		unsigned save_line = src->line;

		skip_space(src);
		if (src->p >= src->end || *src->p != '{') {
			src->p = save;
			src->line = save_line;
			if (n_refs)
				perr(ps, src, line, "expected '{' after the "
				     "references of '%s'", name);
			else
				perr(ps, src, line, "expected '=' or '{' after "
				     "'%s'", name);
			ok = false;
		}
	}
	if (!ok) {
		/* Enter a discard section if its '{' is on this line. */
		while (src->p < src->end && *src->p != '\n' && *src->p != '{')
			src->p++;
		if (src->p >= src->end || *src->p != '{') {
			free_refs(refs, n_refs);
			return false;
		}
	}
	src->p++;	/* the '{' */
	if (ok && too_deep && cur) {
		perr(ps, src, line, "sections nested too deeply (limit %d)",
		     SETTINGS_MAX_DEPTH);
		ok = false;
	}
	if (ok && cur && !ps->limit) {
		*child = settings_add_section(ps->s, cur, name, src->name, line,
					      &hit);
		if (!*child)
			insert_failed(ps, src, hit);
		else
			add_refs(ps, *child, refs, n_refs);
	}
	free_refs(refs, n_refs);
	return true;
}

static void parse_text(struct parser *ps, struct src *src,
		       struct settings_node *base)
{
	struct open_sec stack[OPEN_STACK];
	int base_depth = sec_depth(base), top = 0;
	struct strbuf sb;
	char name[SETTINGS_MAX_NAME_LEN + 1];

	stack[0].node = base;
	stack[0].line = 0;
	stack[0].name[0] = '\0';
	while (src->p < src->end && !ps->nomem) {
		struct settings_node *cur = stack[top].node, *child;
		unsigned char c;
		unsigned line;

		skip_blanks(src);
		if (src->p >= src->end)
			break;
		c = (unsigned char)*src->p;
		if (c == '\n') {
			src->line++;
			src->p++;
			continue;
		}
		if (c == '#') {
			skip_line(src);
			continue;
		}
		if (c == '}') {
			src->p++;
			if (top == 0)
				perr(ps, src, 0, "unmatched '}'");
			else
				top--;
			continue;
		}
		if (!is_name_char(c)) {
			if (c == '{')
				perr(ps, src, 0, "'{' without a section name");
			else if (c == '=')
				perr(ps, src, 0, "'=' without a key name");
			else if (c == '"')
				perr(ps, src, 0, "unexpected quoted string "
				     "(quotes are only allowed in values)");
			else if (c < 0x20 || c == 0x7f)
				perr(ps, src, 0, "invalid character 0x%02x", c);
			else
				perr(ps, src, 0, "unexpected '%c' (not allowed "
				     "in names)", c);
			skip_line(src);
			continue;
		}
		line = src->line;
		if (!read_name(ps, src, name)) {
			skip_line(src);
			continue;
		}
		/* "include" + blanks + not '=' is an include statement. */
		if (strcmp(name, "include") == 0 && src->p < src->end &&
		    (*src->p == ' ' || *src->p == '\t')) {
			skip_blanks(src);
			if (src->p >= src->end || *src->p != '=') {
				if (read_pattern(ps, src, &sb) < 0)
					skip_line(src);
				else if (sb.n == 0)
					perr(ps, src, 0, "include without a file name");
				else if (cur)
					do_include(ps, src, cur, sb.b);
				continue;
			}
		}
		skip_blanks(src);
		if (src->p < src->end && *src->p == '=') {
			src->p++;
			parse_assignment(ps, src, cur, name, line, &sb);
			continue;
		}
		if (!parse_section_header(ps, src, cur, name, line,
					  base_depth + top + 1 > SETTINGS_MAX_DEPTH,
					  &child))
			continue;
		if (top + 1 >= OPEN_STACK) {
			perr(ps, src, line, "sections nested far too deeply; "
			     "ignoring the rest of the file");
			top = 0;	/* no "not closed" noise after this */
			break;
		}
		top++;
		stack[top].node = child;
		stack[top].line = line;
		snprintf(stack[top].name, sizeof(stack[top].name), "%s", name);
	}
	while (top > 0 && !ps->nomem) {
		perr(ps, src, stack[top].line, "section '%s' is not closed "
		     "(missing '}' before the end of the file)", stack[top].name);
		top--;
	}
	wipe(&sb, sizeof(sb));	/* the last value may have been a secret */
}

/*
 * Check the whole buffer before parsing: NUL bytes and over-long lines
 * are reported per line, and the file is then not parsed at all.
 */
static bool precheck(struct parser *ps, const struct src *src)
{
	const char *p = src->p, *line_start = p;
	unsigned line = 1;
	bool ok = true, nul_reported = false;

	for (; p <= src->end; p++) {
		if (p == src->end || *p == '\n') {
			size_t len = (size_t)(p - line_start);

			if (len > SETTINGS_MAX_LINE_LEN) {
				perr(ps, src, line, "line too long (%zu bytes, "
				     "limit %d)", len, SETTINGS_MAX_LINE_LEN);
				ok = false;
			}
			line++;
			line_start = p + 1;
			nul_reported = false;
			if (p == src->end)
				break;
		} else if (*p == '\0' && !nul_reported) {
			perr(ps, src, line, "NUL byte in file");
			nul_reported = true;
			ok = false;
		}
	}
	return ok;
}

static void parse_buffer_into(struct parser *ps, const char *name,
			      const char *text, size_t len,
			      struct settings_node *sec)
{
	struct src src;

	src.name = settings_intern_file(ps->s, name);
	if (!src.name) {
		ps->nomem = true;
		return;
	}
	src.p = text;
	src.end = text + len;
	src.line = 1;
	if (!precheck(ps, &src))
		return;
	parse_text(ps, &src, sec);
}

/* Read a whole regular file of at most SETTINGS_MAX_FILE_SIZE bytes. */
static char *read_file(struct parser *ps, const char *path, size_t *len,
		       const struct src *from)
{
	struct stat st;
	char *buf = NULL;
	size_t off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (from)
			perr(ps, from, 0, "cannot open '%s': %s", path,
			     strerror(errno));
		else
			diag_error(ps->d, path, 0, "cannot open: %s",
				   strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_error(ps->d, path, 0, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > SETTINGS_MAX_FILE_SIZE) {
		diag_error(ps->d, path, 0, "file too large (%lld bytes, limit %u)",
			   (long long)st.st_size, SETTINGS_MAX_FILE_SIZE);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ps->nomem = true;
		goto out;
	}
	while (off < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + off, (size_t)st.st_size - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			diag_error(ps->d, path, 0, "read failed: %s",
				   r < 0 ? strerror(errno) : "file shrank");
			free(buf);
			buf = NULL;
			goto out;
		}
		off += (size_t)r;
	}
	buf[off] = '\0';
	*len = off;
out:
	close(fd);
	return buf;
}

static int parse_file(struct parser *ps, const char *path,
		      struct settings_node *sec, const struct src *from)
{
	char *real, *text;
	size_t len = 0;

	if (ps->files_read >= SETTINGS_MAX_FILES) {
		if (from)
			perr(ps, from, 0, "too many files included (limit %d)",
			     SETTINGS_MAX_FILES);
		return ERR_LIMIT;
	}
	real = realpath(path, NULL);
	if (!real) {
		if (from)
			perr(ps, from, 0, "cannot include '%s': %s", path,
			     strerror(errno));
		else
			diag_error(ps->d, path, 0, "cannot open: %s",
				   strerror(errno));
		return ERR_IO;
	}
	for (size_t i = 0; i < ps->depth; i++) {
		if (strcmp(ps->stack[i], real) == 0) {
			perr(ps, from, 0, "include cycle: '%s' is already being "
			     "read", path);
			free(real);
			return ERR_CONFIG;
		}
	}
	text = read_file(ps, path, &len, from);
	if (!text) {
		free(real);
		return ERR_IO;
	}
	ps->files_read++;
	ps->stack[ps->depth++] = real;
	parse_buffer_into(ps, path, text, len, sec);
	ps->stack[--ps->depth] = NULL;
	free(real);
	wipe(text, len);	/* the text may hold secrets */
	free(text);
	return 0;
}

static struct settings *settings_new(void)
{
	struct settings *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->root = calloc(1, sizeof(*s->root));
	if (!s->root || !(s->root->name = strdup(""))) {
		settings_free(s);
		return NULL;
	}
	s->root->is_section = true;
	return s;
}

static int finish(struct parser *ps, struct settings **out)
{
	if (ps->nomem) {
		diag_error(ps->d, NULL, 0, "out of memory while reading the "
			   "configuration");
		settings_free(ps->s);
		return ERR_NOMEM;
	}
	if (diag_errors(ps->d) > ps->errors_before) {
		settings_free(ps->s);
		return ERR_CONFIG;
	}
	*out = ps->s;
	return 0;
}

int settings_parse_file(const char *path, const struct settings_opts *opts,
			struct settings **out, struct diag *d)
{
	struct diag local;
	struct parser ps = { .opts = opts, .d = d ? d : &local };

	diag_init(&local);
	*out = NULL;
	ps.errors_before = diag_errors(ps.d);
	if (!(ps.s = settings_new()))
		return ERR_NOMEM;
	parse_file(&ps, path, ps.s->root, NULL);
	return finish(&ps, out);
}

int settings_parse_buffer(const char *name, const char *text, size_t len,
			  const struct settings_opts *opts,
			  struct settings **out, struct diag *d)
{
	struct diag local;
	struct parser ps = { .opts = opts, .d = d ? d : &local };

	diag_init(&local);
	*out = NULL;
	ps.errors_before = diag_errors(ps.d);
	if (len > SETTINGS_MAX_FILE_SIZE) {
		diag_error(ps.d, name, 0, "file too large (%zu bytes, limit %u)",
			   len, SETTINGS_MAX_FILE_SIZE);
		return ERR_CONFIG;
	}
	if (!(ps.s = settings_new()))
		return ERR_NOMEM;
	parse_buffer_into(&ps, name, text, len, ps.s->root);
	return finish(&ps, out);
}
