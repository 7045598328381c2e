/*
 * test_settings.c - the settings syntax parser: tokens, values, nesting,
 * merging, references, includes, limits and every syntax error with its
 * FILE:LINE message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "test_config.h"

static struct settings *parse_ok(const char *text)
{
	struct settings *s = NULL;
	struct diag d;

	diag_init(&d);
	if (settings_parse_buffer("t.conf", text, strlen(text), NULL, &s, &d) ||
	    settings_resolve(s, &d)) {
		diag_print(&d, stderr);
		fail();
	}
	assert_int_equal(d.n_errors, 0);
	return s;
}

/* Parse (and resolve) text expecting failure; d receives the report. */
static void parse_bad(const char *text, struct diag *d)
{
	struct settings *s = NULL;
	int rc;

	diag_init(d);
	rc = settings_parse_buffer("t.conf", text, strlen(text), NULL, &s, d);
	if (rc == 0) {
		rc = settings_resolve(s, d);
		settings_free(s);
	}
	assert_int_equal(rc, ERR_CONFIG);
	assert_true(d->n_errors > 0);
}

static const struct settings_node *node(const struct settings *s,
					const char *sec, const char *key)
{
	struct settings_node *n = settings_find_path(s->root, sec);

	assert_non_null(n);
	return key ? settings_find(n, key, false) : n;
}

static const char *val(const struct settings *s, const char *sec,
		       const char *key)
{
	const struct settings_node *n = node(s, sec, key);

	assert_non_null(n);
	return n->value;
}

static void tokens_and_values(void **state)
{
	struct settings *s;

	(void)state;
	s = parse_ok("# comment line\n"
		     "a = b\n"
		     "sec {\n"
		     "\tk1 = value with   spaces   # trailing comment\n"
		     "\tk2=tight\n"
		     "\tk3 = \"quoted  # not a comment\"\n"
		     "\tk4 = \"esc \\\"q\\\" \\\\ \\n\\t\\x\"\n"
		     "\tk5 = part1 \"part 2\"   part3\n"
		     "\tk6 =\n"
		     "\tk7 = \"\"\n"
		     "\tk8 = a,b = c{d:e\n"
		     "\tinclude = not-an-include\n"
		     "\tname-with_chars9 = ok\r\n"
		     "\tsub\n"
		     "\n"
		     "\t# the brace may come lines later\n"
		     "\t{ inner = 1 }\n"
		     "\tone { line = yes }\n"
		     "}\n");
	assert_string_equal(val(s, "", "a"), "b");
	assert_string_equal(val(s, "sec", "k1"), "value with spaces");
	assert_string_equal(val(s, "sec", "k2"), "tight");
	assert_string_equal(val(s, "sec", "k3"), "quoted  # not a comment");
	assert_string_equal(val(s, "sec", "k4"), "esc \"q\" \\ \n\tx");
	assert_string_equal(val(s, "sec", "k5"), "part1 part 2 part3");
	assert_null(val(s, "sec", "k6"));	/* empty assignment */
	assert_string_equal(val(s, "sec", "k7"), "");
	assert_string_equal(val(s, "sec", "k8"), "a,b = c{d:e");
	assert_string_equal(val(s, "sec", "include"), "not-an-include");
	assert_string_equal(val(s, "sec", "name-with_chars9"), "ok");
	assert_string_equal(val(s, "sec.sub", "inner"), "1");
	assert_string_equal(val(s, "sec.one", "line"), "yes");
	/* file:line of every node */
	assert_string_equal(node(s, "sec", "k3")->file, "t.conf");
	assert_int_equal(node(s, "sec", "k3")->line, 6);
	assert_int_equal(node(s, "sec.sub", NULL)->line, 14);
	settings_free(s);
}

static void merging(void **state)
{
	struct settings *s;
	const struct settings_node *sec, *c;

	(void)state;
	s = parse_ok("a { x = 1\n y = 2\n sub { p = 1 } }\n"
		     "a { x = 3\n z = 4\n sub { q = 2 } }\n"
		     "a = key-not-section\n");
	sec = node(s, "a", NULL);
	assert_string_equal(val(s, "a", "x"), "3");
	assert_int_equal(node(s, "a", "x")->line, 4);	/* the winning place */
	assert_string_equal(val(s, "a", "y"), "2");
	assert_string_equal(val(s, "a", "z"), "4");
	assert_string_equal(val(s, "a.sub", "p"), "1");
	assert_string_equal(val(s, "a.sub", "q"), "2");
	assert_int_equal(sec->line, 1);		/* first opening */
	/* order of first appearance */
	c = sec->first;
	assert_string_equal(c->name, "x");
	assert_string_equal(c->next->name, "y");
	assert_string_equal(c->next->next->name, "sub");
	assert_string_equal(c->next->next->next->name, "z");
	/* keys and sections are separate namespaces */
	assert_string_equal(val(s, "", "a"), "key-not-section");
	assert_true(settings_find(s->root, "a", true)->is_section);
	settings_free(s);
}

static void many_siblings_merge(void **state)
{
	char *text = malloc(200000), *p = text;
	struct settings *s;

	(void)state;
	/* 3000 sections, each appearing twice: exercises the name index */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 3000; i++)
			p += sprintf(p, "c%d { k%d = %d }\n", i, round, i);
	s = parse_ok(text);
	assert_int_equal(s->root->n_children, 3000);
	assert_string_equal(val(s, "c2999", "k1"), "2999");
	assert_string_equal(val(s, "c17", "k0"), "17");
	settings_free(s);
	free(text);
}

static void references(void **state)
{
	struct settings *s;
	const struct settings_node *c;
	char path[64];

	(void)state;
	s = parse_ok("base { a = base-a\n b = base-b\n sub { s1 = 1\n s2 = 2 } }\n"
		     "more : base { c = more-c }\n"
		     "x {\n"
		     "  y : base, more {\n"
		     "    a = own-a\n"
		     "    sub { s1 = own }\n"
		     "  }\n"
		     "}\n"
		     "later : x.y { }\n");
	assert_string_equal(val(s, "x.y", "a"), "own-a");	/* own wins */
	assert_string_equal(val(s, "x.y", "b"), "base-b");
	assert_string_equal(val(s, "x.y", "c"), "more-c");	/* via more */
	assert_string_equal(val(s, "x.y.sub", "s1"), "own");
	assert_string_equal(val(s, "x.y.sub", "s2"), "2");	/* merged */
	/* inherited entries follow the own ones */
	c = node(s, "x.y", NULL)->first;
	assert_string_equal(c->name, "a");
	assert_string_equal(c->next->name, "sub");
	assert_string_equal(c->next->next->name, "b");
	/* copies keep the template's place */
	assert_int_equal(node(s, "x.y", "b")->line, 2);
	assert_int_equal(node(s, "x.y", "c")->line, 5);
	/* a reference to a section defined later, with its own references */
	assert_string_equal(val(s, "later", "c"), "more-c");
	assert_string_equal(val(s, "later.sub", "s1"), "own");
	assert_true(node(s, "base", NULL)->referenced);
	assert_false(node(s, "later", NULL)->referenced);
	assert_string_equal(settings_path(node(s, "x.y.sub", "s1"), path,
					  sizeof(path)), "x.y.sub.s1");
	settings_free(s);
}

static void reference_errors(void **state)
{
	struct diag d;

	(void)state;
	parse_bad("a : nothere { }\n", &d);
	expect_diag(&d, "t.conf:1:", "'a' references 'nothere', which does not "
		    "exist", NULL);
	parse_bad("a : b { }\nb : a { }\n", &d);
	expect_diag(&d, "t.conf:2:", "references 'a'", "again", NULL);
	parse_bad("outer {\n inner : outer { }\n}\n", &d);
	expect_diag(&d, "t.conf:2:", "'outer.inner' cannot reference 'outer', "
		    "which contains it", NULL);
	parse_bad("self : self { }\n", &d);
	expect_diag(&d, "cannot reference 'self'", NULL);
	parse_bad("a : { }\n", &d);
	expect_diag(&d, "t.conf:1:", "expected a section name in the reference "
		    "list", NULL);
	parse_bad("a : b..c { }\n", &d);
	expect_diag(&d, "malformed section reference 'b..c'", NULL);
	{
		char text[2048], *p = text;

		p += sprintf(p, "a : ");
		for (int i = 0; i <= SETTINGS_MAX_REFS; i++)
			p += sprintf(p, "%sr%d", i ? ", " : "", i);
		p += sprintf(p, " { }\n");
		parse_bad(text, &d);
		expect_diag(&d, "t.conf:1:", "too many section references", NULL);
		p = text;
		p += sprintf(p, "a : ");
		for (int i = 0; i < 300; i++)
			*p++ = 'r';
		p += sprintf(p, " { }\n");
		parse_bad(text, &d);
		expect_diag(&d, "section reference too long", NULL);
	}
	parse_bad("a : b\nx = 1\n", &d);
	expect_diag(&d, "t.conf:1:", "expected '{' after the references of 'a'",
		    NULL);
	/* a chain longer than SETTINGS_MAX_REF_DEPTH */
	{
		char text[1024], *p = text;

		/* defined in reverse, so each one first resolves its target */
		for (int i = SETTINGS_MAX_REF_DEPTH + 2; i >= 1; i--)
			p += sprintf(p, "s%d : s%d { }\n", i, i - 1);
		p += sprintf(p, "s0 { k = v }\n");
		parse_bad(text, &d);
		expect_diag(&d, "references chained too deeply", NULL);
	}
}

static void reference_blowup_hits_node_cap(void **state)
{
	char *text = malloc(1 << 20), *p = text;
	struct diag d;

	(void)state;
	/* a 1000-key template copied into 200 sections: 200k nodes */
	p += sprintf(p, "t {\n");
	for (int i = 0; i < 1000; i++)
		p += sprintf(p, "k%d = v\n", i);
	p += sprintf(p, "}\n");
	for (int i = 0; i < 200; i++)
		p += sprintf(p, "c%d : t { }\n", i);
	parse_bad(text, &d);
	expect_diag(&d, "too many keys and sections after expanding section "
		    "references", NULL);
	free(text);
}

static void includes(void **state)
{
	struct settings *s = NULL;
	struct diag d;
	char path[512];

	(void)state;
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/syntax/main.conf", DATA_DIR);
	assert_int_equal(settings_parse_file(path, NULL, &s, &d), 0);
	assert_int_equal(settings_resolve(s, &d), 0);
	/* inc/first.conf then inc/second.conf inside top, in glob order */
	assert_string_equal(val(s, "top", "before"), "replaced");
	assert_string_equal(val(s, "top", "after"), "2");
	assert_string_equal(val(s, "top.sub", "x"), "from-first");
	assert_string_equal(val(s, "top.sub", "y"), "from-second");
	/* the top-level include of second.conf adds a top-level sub */
	assert_string_equal(val(s, "sub", "y"), "from-second");
	assert_null(settings_find(node(s, "sub", NULL), "x", false));
	/* nodes know their file */
	assert_non_null(strstr(node(s, "top.sub", "x")->file, "inc/first.conf"));
	assert_int_equal(node(s, "top.sub", "x")->line, 4);
	assert_int_equal(s->n_files, 3);
	settings_free(s);
}

static void include_errors(void **state)
{
	struct settings *s = NULL;
	struct diag d;
	char path[512];

	(void)state;
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/syntax/missing.conf", DATA_DIR);
	assert_int_equal(settings_parse_file(path, NULL, &s, &d), ERR_CONFIG);
	expect_diag(&d, "missing.conf:2:", "cannot include 'does-not-exist.conf': "
		    "no such file", NULL);

	diag_init(&d);
	snprintf(path, sizeof(path), "%s/syntax/selfinclude.conf", DATA_DIR);
	assert_int_equal(settings_parse_file(path, NULL, &s, &d), ERR_CONFIG);
	expect_diag(&d, "selfinclude.conf:2:", "include cycle", NULL);

	diag_init(&d);
	snprintf(path, sizeof(path), "%s/syntax/unbalanced.conf", DATA_DIR);
	assert_int_equal(settings_parse_file(path, NULL, &s, &d), ERR_CONFIG);
	expect_diag(&d, "inc-unbalanced/u.conf:2:", "unmatched '}'", NULL);

	diag_init(&d);
	snprintf(path, sizeof(path), "%s/syntax/no-such-file.conf", DATA_DIR);
	assert_int_equal(settings_parse_file(path, NULL, &s, &d), ERR_CONFIG);
	expect_diag(&d, "no-such-file.conf", "cannot open", NULL);

	/* includes disabled */
	{
		struct settings_opts o = { .no_includes = true };
		const char *t = "a {\n include x.conf\n}\n";

		diag_init(&d);
		assert_int_equal(settings_parse_buffer("t.conf", t, strlen(t), &o,
						       &s, &d), ERR_CONFIG);
		expect_diag(&d, "t.conf:2:", "include statements are not allowed",
			    NULL);
	}
}

static void include_depth_and_quoting(void **state)
{
	char *dir = make_tmpdir();
	struct settings *s = NULL;
	struct diag d;
	char name[64], text[128];
	const char *top;

	(void)state;
	/* f0 includes f1 ... includes f10: deeper than the limit */
	for (int i = 0; i <= SETTINGS_MAX_INCLUDE_DEPTH + 2; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		snprintf(text, sizeof(text), "k%d = %d\ninclude f%d.conf\n", i, i,
			 i + 1);
		write_file(dir, name, text);
	}
	diag_init(&d);
	snprintf(name, sizeof(name), "%s/f0.conf", dir);
	assert_int_equal(settings_parse_file(name, NULL, &s, &d), ERR_CONFIG);
	expect_diag(&d, "includes nested too deeply", NULL);

	/* an absolute include, and a "\r" escape */
	{
		char inc[600];

		write_file(dir, "abs.conf", "absolute = \"a\\rb\"\n");
		snprintf(inc, sizeof(inc), "include %s/abs.conf\n", dir);
		top = write_file(dir, "sub/dir/abs-top.conf", inc);
		diag_init(&d);
		assert_int_equal(settings_parse_file(top, NULL, &s, &d), 0);
		assert_string_equal(val(s, "", "absolute"), "a\rb");
		settings_free(s);
	}

	/* quoted and escaped include patterns, file names with spaces */
	write_file(dir, "with space.conf", "spaced = yes\n");
	write_file(dir, "a#b.conf", "hashed = yes\n");
	top = write_file(dir, "top.conf",
			 "include \"with space.conf\"\ninclude a\\#b.conf\n");
	diag_init(&d);
	assert_int_equal(settings_parse_file(top, NULL, &s, &d), 0);
	assert_string_equal(val(s, "", "spaced"), "yes");
	assert_string_equal(val(s, "", "hashed"), "yes");
	settings_free(s);

	/* too many files */
	top = write_file(dir, "many/top.conf", "include part*.conf\n");
	for (int i = 0; i < SETTINGS_MAX_FILES + 1; i++) {
		snprintf(name, sizeof(name), "many/part%03d.conf", i);
		write_file(dir, name, "x = 1\n");
	}
	snprintf(name, sizeof(name), "%s/many/top.conf", dir);
	diag_init(&d);
	assert_int_equal(settings_parse_file(name, NULL, &s, &d), ERR_CONFIG);
	expect_diag(&d, "too many files included", NULL);
	rm_tree(dir);
	free(dir);
}

struct syntax_case {
	const char *text;
	const char *where;
	const char *what;
};

static void syntax_errors(void **state)
{
	static const struct syntax_case cases[] = {
		{ "a = 1\n}\n", "t.conf:2:", "unmatched '}'" },
		{ "a {\n b = 1\n", "t.conf:1:", "section 'a' is not closed" },
		{ "x\n= 1\n", "t.conf:1:", "expected '=' or '{' after 'x'" },
		{ "ok = 1\n= 1\n", "t.conf:2:", "'=' without a key name" },
		{ "{ a = 1 }\n", "t.conf:1:", "'{' without a section name" },
		{ "\"a\" = 1\n", "t.conf:1:", "unexpected quoted string" },
		{ "a.b = 1\n", "t.conf:1:", "expected '=' or '{' after 'a'" },
		{ "a, b = 1\n", "t.conf:1:", "expected '=' or '{' after 'a'" },
		{ "\n\n,x = 1\n", "t.conf:3:", "unexpected ','" },
		{ "a = \"open\n", "t.conf:1:", "newline in quoted string" },
		{ "a = \"open", "t.conf:1:", "unterminated quoted string" },
		{ "a = \"x\\\ny\"\n", "t.conf:1:", "line continuation" },
		{ "a = x\001y\n", "t.conf:1:", "control character 0x01 in value" },
		{ "\002 = 1\n", "t.conf:1:", "invalid character 0x02" },
		{ "a b\n", "t.conf:1:", "expected '=' or '{' after 'a'" },
		{ "include\t\n", "t.conf:1:", "include without a file name" },
		{ "a = 1\nb = 2\nc { d = \"x }\n", "t.conf:3:",
		  "newline in quoted string" },
		{ "a = \"x\001\"\n", "t.conf:1:", "control character 0x01 in "
		  "quoted string" },
		{ "include \"open\n", "t.conf:1:", "newline in quoted string" },
	};
	struct diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_bad(cases[i].text, &d);
		expect_diag(&d, cases[i].where, cases[i].what, NULL);
	}
}

static void errors_are_all_reported(void **state)
{
	struct diag d;

	(void)state;
	parse_bad("a {\n"
		  "  = 1\n"
		  "  ok = 1\n"
		  "  \"q\" = 2\n"
		  "  b { c = 1 }\n"
		  "  d = \"unterminated\n"
		  "}\n"
		  "}\n", &d);
	expect_diag(&d, "t.conf:2:", NULL);
	expect_diag(&d, "t.conf:4:", NULL);
	expect_diag(&d, "t.conf:6:", NULL);
	expect_diag(&d, "t.conf:8:", "unmatched", NULL);
	assert_int_equal(d.n_errors, 4);
}

static void malformed_header_enters_discard_section(void **state)
{
	struct diag d;

	(void)state;
	/* the header is broken, but its braces still balance, and the
	 * content is still checked */
	parse_bad("bad : { x = 1\n y = \"open\n}\nfine = 1\n", &d);
	expect_diag(&d, "t.conf:1:", "expected a section name", NULL);
	expect_diag(&d, "t.conf:2:", "newline in quoted string", NULL);
	assert_int_equal(d.n_errors, 2);
}

static void limits(void **state)
{
	struct diag d;
	char *text;
	size_t len;

	(void)state;
	/* line too long */
	text = malloc(SETTINGS_MAX_LINE_LEN + 64);
	len = (size_t)sprintf(text, "ok = 1\nk = ");
	memset(text + len, 'v', SETTINGS_MAX_LINE_LEN);
	strcpy(text + len + SETTINGS_MAX_LINE_LEN, "\n");
	parse_bad(text, &d);
	expect_diag(&d, "t.conf:2:", "line too long", NULL);
	free(text);

	/* name too long */
	{
		char name[SETTINGS_MAX_NAME_LEN + 40];

		memset(name, 'n', SETTINGS_MAX_NAME_LEN + 1);
		strcpy(name + SETTINGS_MAX_NAME_LEN + 1, " = 1\n");
		parse_bad(name, &d);
		expect_diag(&d, "t.conf:1:", "too long", NULL);
	}

	/* nesting: exactly the limit is fine, one more is not */
	{
		char deep[1024], *p;

		p = deep;
		for (int i = 0; i < SETTINGS_MAX_DEPTH; i++)
			p += sprintf(p, "s%d {\n", i);
		for (int i = 0; i < SETTINGS_MAX_DEPTH; i++)
			p += sprintf(p, "}\n");
		settings_free(parse_ok(deep));
		p = deep;
		for (int i = 0; i <= SETTINGS_MAX_DEPTH; i++)
			p += sprintf(p, "s%d {\n", i);
		for (int i = 0; i <= SETTINGS_MAX_DEPTH; i++)
			p += sprintf(p, "}\n");
		parse_bad(deep, &d);
		expect_diag(&d, "t.conf:17:", "sections nested too deeply", NULL);
		assert_int_equal(d.n_errors, 1);
	}

	/* far too deep: one error, no cascade */
	{
		char *deep = malloc(100000), *p = deep;

		for (int i = 0; i < 2000; i++)
			p += sprintf(p, "s {\n");
		parse_bad(deep, &d);
		expect_diag(&d, "sections nested too deeply", NULL);
		assert_true(d.n_errors <= SETTINGS_MAX_DEPTH + 2);
		free(deep);
	}

	/* NUL byte */
	{
		static const char nul[] = "a = 1\nb = x\0y\n";

		diag_init(&d);
		{
			struct settings *s = NULL;

			assert_int_equal(settings_parse_buffer("t.conf", nul,
							       sizeof(nul) - 1,
							       NULL, &s, &d),
					 ERR_CONFIG);
		}
		expect_diag(&d, "t.conf:2:", "NUL byte", NULL);
	}

	/* node cap */
	text = malloc(1 << 20);
	len = 0;
	for (int i = 0; i <= SETTINGS_MAX_NODES; i++)
		len += (size_t)sprintf(text + len, "k%d=\n", i);
	parse_bad(text, &d);
	expect_diag(&d, "too many keys and sections (limit", NULL);
	assert_int_equal(d.n_errors, 1);
	free(text);

	/* file size */
	{
		struct settings *s = NULL;

		diag_init(&d);
		text = calloc(1, SETTINGS_MAX_FILE_SIZE + 2);
		memset(text, '#', SETTINGS_MAX_FILE_SIZE + 1);
		assert_int_equal(settings_parse_buffer("t.conf", text,
						       SETTINGS_MAX_FILE_SIZE + 1,
						       NULL, &s, &d), ERR_CONFIG);
		expect_diag(&d, "t.conf", "file too large", NULL);
		free(text);
	}
	{
		char *dir = make_tmpdir(), path[512];
		struct settings *s = NULL;
		FILE *f;

		snprintf(path, sizeof(path), "%s/big.conf", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		for (int i = 0; i < (int)SETTINGS_MAX_FILE_SIZE / 8 + 1; i++)
			fputs("#######\n", f);
		fclose(f);
		diag_init(&d);
		assert_int_equal(settings_parse_file(path, NULL, &s, &d),
				 ERR_CONFIG);
		expect_diag(&d, "big.conf", "file too large", NULL);
		diag_init(&d);
		assert_int_equal(settings_parse_file(dir, NULL, &s, &d), ERR_CONFIG);
		expect_diag(&d, "not a regular file", NULL);
		rm_tree(dir);
		free(dir);
	}
}

static void diag_report_is_bounded(void **state)
{
	char *text = malloc(100000), *p = text;
	struct diag d;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f;

	(void)state;
	for (int i = 0; i < 500; i++)
		p += sprintf(p, "= bad\n");
	parse_bad(text, &d);
	assert_int_equal(d.n_errors, 500);
	assert_int_equal(d.n, DIAG_MAX_ENTRIES);
	f = open_memstream(&buf, &blen);
	diag_print(&d, f);
	fclose(f);
	assert_non_null(strstr(buf, "error: t.conf:1: '=' without a key name"));
	assert_non_null(strstr(buf, "... and 468 more errors"));
	free(buf);
	free(text);
	/* long messages are truncated, not overflowed */
	diag_init(&d);
	diag_error(&d, "f", 1, "%0500d", 7);
	assert_int_equal(strlen(d.e[0].msg), DIAG_MSG_LEN - 1);
	assert_non_null(strstr(d.e[0].msg, "..."));
	diag_error(NULL, "f", 1, "ignored");
}

int run_settings_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens_and_values),
		cmocka_unit_test(merging),
		cmocka_unit_test(many_siblings_merge),
		cmocka_unit_test(references),
		cmocka_unit_test(reference_errors),
		cmocka_unit_test(reference_blowup_hits_node_cap),
		cmocka_unit_test(includes),
		cmocka_unit_test(include_errors),
		cmocka_unit_test(include_depth_and_quoting),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(errors_are_all_reported),
		cmocka_unit_test(malformed_header_enters_discard_section),
		cmocka_unit_test(limits),
		cmocka_unit_test(diag_report_is_bounded),
	};

	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}
