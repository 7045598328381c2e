/*
 * test_main.c - the wire codec's unit test executable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_test.h"

/*
 * Hex with two shorthands for long inputs: "ab*300" is 300 octets 0xab and
 * "(0003 0000)*33" repeats a group.  Spaces and newlines are ignored.
 */
static size_t hex_run(const char **sp, uint8_t *out, size_t cap, bool group)
{
	const char *s = *sp;
	size_t n = 0;

	while (*s) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			s++;
		} else if (*s == '(') {
			size_t len, reps;
			char *end;

			s++;
			len = hex_run(&s, out + n, cap - n, true);
			assert_true(*s == ')' && s[1] == '*');
			reps = strtoul(s + 2, &end, 10);
			s = end;
			for (size_t r = 1; r < reps; r++) {
				assert_true(n + (r + 1) * len <= cap);
				memcpy(out + n + r * len, out + n, len);
			}
			n += reps * len;
		} else if (*s == ')') {
			assert_true(group);
			break;
		} else {
			char pair[3] = { s[0], s[1], 0 };
			char *end;
			unsigned long v = strtoul(pair, &end, 16);

			if (end != pair + 2)
				fail_msg("bad hex near '%.8s'", s);
			s += 2;
			if (*s == '*') {
				size_t reps = strtoul(s + 1, &end, 10);

				s = end;
				assert_true(n + reps <= cap);
				memset(out + n, (int)v, reps);
				n += reps;
			} else {
				assert_true(n < cap);
				out[n++] = (uint8_t)v;
			}
		}
	}
	*sp = s;
	return n;
}

size_t test_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = hex_run(&s, out, cap, false);

	assert_int_equal(*s, '\0');
	return n;
}

uint8_t *test_load(const char *rel, size_t *len)
{
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", RESWAN_TEST_DATA, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void test_hdr(struct wire_hdr *h, uint8_t exchange, bool response)
{
	wire_hdr_init_request(h, 0x0102030405060708ULL,
			      response || exchange != IKEV2_EXCH_IKE_SA_INIT
				      ? 0x1112131415161718ULL : 0,
			      exchange, exchange == IKEV2_EXCH_IKE_SA_INIT ? 0 : 1,
			      !response);
	if (response)
		h->flags |= IKEV2_FLAG_RESPONSE;
}

int main(void)
{
	int failed = 0;

	failed += test_roundtrip_run();
	failed += test_malformed_run();
	failed += test_captures_run();
	failed += test_sk_run();
	failed += test_misc_run();
	return failed ? 1 : 0;
}
