/*
 * test_main.c - the config module's test executable: runs every group and
 * provides the shared helpers of test_config.h.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_config.h"

void expect_diag(const struct diag *d, ...)
{
	for (size_t i = 0; i < d->n; i++) {
		va_list ap;
		const char *needle;
		bool all = true;

		va_start(ap, d);
		while ((needle = va_arg(ap, const char *)))
			if (!strstr(d->e[i].msg, needle))
				all = false;
		va_end(ap);
		if (all)
			return;
	}
	{
		va_list ap;
		const char *needle;

		fprintf(stderr, "expected a diagnostic containing:");
		va_start(ap, d);
		while ((needle = va_arg(ap, const char *)))
			fprintf(stderr, " [%s]", needle);
		va_end(ap);
		fprintf(stderr, "\ngot:\n");
		diag_print(d, stderr);
	}
	fail();
}

const char *write_file(const char *dir, const char *name, const char *text)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/reswan-config-test.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	int failed = 0;

	failed += run_settings_tests();
	failed += run_proposal_tests();
	failed += run_ident_tests();
	failed += run_model_tests();
	failed += run_reject_tests();
	return failed ? 1 : 0;
}
