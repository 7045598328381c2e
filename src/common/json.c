/*
 * json.c - streaming JSON writer (see json.h).
 */
#include <math.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->depth = 0;
	j->pretty = pretty;
	j->err = false;
	j->need_comma[0] = false;
}

static void indent(struct json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void put_string(struct json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', j->f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		switch (c) {
		case '"': fputs("\\\"", j->f); continue;
		case '\\': fputs("\\\\", j->f); continue;
		case '\n': fputs("\\n", j->f); continue;
		case '\r': fputs("\\r", j->f); continue;
		case '\t': fputs("\\t", j->f); continue;
		}
		if (c < 0x20 || c >= 0x7f)
			/* Non-ASCII is escaped byte-wise: always valid JSON. */
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
}

/* Comma, indentation and "key": before any value. */
static bool prefix(struct json *j, const char *key)
{
	if (j->err)
		return false;
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth)
		indent(j);
	j->need_comma[j->depth] = true;
	if (key) {
		put_string(j, key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->f);
	}
	return true;
}

static void open_container(struct json *j, const char *key, char c)
{
	if (!prefix(j, key))
		return;
	if (j->depth >= JSON_MAX_DEPTH) {
		j->err = true;
		return;
	}
	fputc(c, j->f);
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(struct json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->err || j->depth == 0) {
		j->err = true;
		return;
	}
	j->depth--;
	if (had)
		indent(j);
	fputc(c, j->f);
}

void json_object_begin(struct json *j, const char *key)
{
	open_container(j, key, '{');
}

void json_object_end(struct json *j)
{
	close_container(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	open_container(j, key, '[');
}

void json_array_end(struct json *j)
{
	close_container(j, ']');
}

void json_strn(struct json *j, const char *key, const char *val, size_t len)
{
	if (prefix(j, key))
		put_string(j, val, len);
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, strlen(val));
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	if (prefix(j, key))
		fprintf(j->f, "%llu", (unsigned long long)val);
}

void json_i64(struct json *j, const char *key, int64_t val)
{
	if (prefix(j, key))
		fprintf(j->f, "%lld", (long long)val);
}

void json_double(struct json *j, const char *key, double val)
{
	if (!prefix(j, key))
		return;
	if (isfinite(val))
		fprintf(j->f, "%.6g", val);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool val)
{
	if (prefix(j, key))
		fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	if (prefix(j, key))
		fputs("null", j->f);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len)
{
	if (!prefix(j, key))
		return;
	fputc('"', j->f);
	for (size_t i = 0; i < len; i++)
		fprintf(j->f, "%02x", p[i]);
	fputc('"', j->f);
}

int json_finish(struct json *j)
{
	if (j->err || j->depth != 0)
		return ERR_LIMIT;
	fputc('\n', j->f);
	return ferror(j->f) ? ERR_IO : 0;
}
