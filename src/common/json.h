/*
 * json.h - a small streaming JSON writer.
 *
 * Every `--json` output in reswan (bench, trace, status, cache) goes through
 * this writer so quoting, escaping and commas are right once.  It writes to a
 * FILE* (use open_memstream() to build a reply in memory).  Nesting is
 * capped at JSON_MAX_DEPTH; a write beyond it is ignored and flagged.
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 are
 * written as \u00XX so the output always parses.
 */
#ifndef RESWAN_COMMON_JSON_H
#define RESWAN_COMMON_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool pretty;
	bool err;
	bool need_comma[JSON_MAX_DEPTH + 1];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* Finish the document with a newline; returns 0 or ERR_LIMIT/ERR_IO. */
int json_finish(struct json *j);

/*
 * Containers and values.  `key` is the member name inside an object and
 * must be NULL inside an array or at the top level.
 */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
/* Non-finite doubles are written as null. */
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* Bytes as a lowercase hex string. */
void json_hex(struct json *j, const char *key, const uint8_t *p, size_t len);

#endif
