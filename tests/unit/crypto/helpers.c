/*
 * helpers.c - test data helpers (see helpers.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t hex2bin(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex == ' ' || *hex == '\n' || *hex == '\t')
			continue;
		v = nibble(*hex);
		assert_true(v >= 0);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

uint8_t *data_read(const char *rel, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", RESWAN_TEST_DATA, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#define VEC_MAX 64

struct vec {
	char *text;
	const char *key[VEC_MAX];
	const char *val[VEC_MAX];
	size_t n;
};

struct vec *vec_load(const char *rel)
{
	struct vec *v = calloc(1, sizeof(*v));
	size_t len;
	char *line, *save = NULL;

	assert_non_null(v);
	v->text = (char *)data_read(rel, &len);
	for (line = strtok_r(v->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		sp = strchr(line, ' ');
		assert_non_null(sp);
		*sp = '\0';
		assert_true(v->n < VEC_MAX);
		v->key[v->n] = line;
		v->val[v->n] = strcmp(sp + 1, "-") == 0 ? "" : sp + 1;
		v->n++;
	}
	return v;
}

void vec_free(struct vec *v)
{
	if (!v)
		return;
	free(v->text);
	free(v);
}

const char *vec_str(const struct vec *v, const char *key)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->key[i], key) == 0)
			return v->val[i];
	fail_msg("vector has no '%s'", key);
	return NULL;
}

unsigned long vec_num(const struct vec *v, const char *key)
{
	return strtoul(vec_str(v, key), NULL, 10);
}

size_t vec_hex(const struct vec *v, const char *key, uint8_t *out, size_t cap)
{
	return hex2bin(vec_str(v, key), out, cap);
}
