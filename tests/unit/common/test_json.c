/*
 * test_json.c - the streaming JSON writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common/err.h"
#include "common/json.h"

static char *render(void (*fn)(struct json *), int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json j;

	assert_non_null(f);
	json_init(&j, f, false);
	fn(&j);
	*rc = json_finish(&j);
	fclose(f);
	return out;
}

static void doc_nested(struct json *j)
{
	static const uint8_t spi[] = { 0xde, 0xad, 0x01 };

	json_object_begin(j, NULL);
	json_str(j, "name", "gw \"1\"\n");
	json_u64(j, "n", 18446744073709551615ULL);
	json_i64(j, "neg", -5);
	json_double(j, "r", 0.5);
	json_double(j, "bad", NAN);
	json_bool(j, "ok", true);
	json_null(j, "nil");
	json_hex(j, "spi", spi, sizeof(spi));
	json_array_begin(j, "list");
	json_u64(j, NULL, 1);
	json_object_begin(j, NULL);
	json_object_end(j);
	json_array_begin(j, NULL);
	json_array_end(j);
	json_array_end(j);
	json_str(j, "bin", "\x01\xc3\xa9");
	json_object_end(j);
}

static void nested_document(void **state)
{
	int rc;
	char *s = render(doc_nested, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(s,
		"{\"name\":\"gw \\\"1\\\"\\n\",\"n\":18446744073709551615,"
		"\"neg\":-5,\"r\":0.5,\"bad\":null,\"ok\":true,\"nil\":null,"
		"\"spi\":\"dead01\",\"list\":[1,{},[]],"
		"\"bin\":\"\\u0001\\u00c3\\u00a9\"}\n");
	free(s);
}

static void doc_unbalanced(struct json *j)
{
	json_object_begin(j, NULL);
	json_array_begin(j, "a");
	json_object_end(j);
}

static void doc_too_deep(struct json *j)
{
	for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
		json_array_begin(j, NULL);
}

static void unbalanced_and_deep_are_errors(void **state)
{
	int rc;
	char *s = render(doc_unbalanced, &rc);

	(void)state;
	assert_int_equal(rc, ERR_LIMIT);
	free(s);
	s = render(doc_too_deep, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_document),
		cmocka_unit_test(unbalanced_and_deep_are_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
