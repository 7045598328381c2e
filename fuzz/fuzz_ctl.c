/*
 * fuzz_ctl.c - reswand's control protocol parsers: a request line as the
 * daemon splits and looks it up (ctl_line_split, ctl_cmd_find), and a
 * reply header as the reswan CLI reads it (ctl_client_parse_header).
 * Neither may read past its input or accept what it should refuse.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "daemon/ctl.h"
#include "daemon/ctl_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_MAX_LINE + 1], *argv[CTL_MAX_ARGS + 1];
	char hdr[CTL_MAX_HEADER + 1];
	size_t len, n = size < CTL_MAX_LINE ? size : CTL_MAX_LINE;
	int argc;
	bool ok;

	memcpy(line, data, n);
	argc = ctl_line_split(line, n, argv, CTL_MAX_ARGS);
	if (argc > CTL_MAX_ARGS || (argc < 0 && argc != ERR_SYNTAX &&
				    argc != ERR_LIMIT))
		abort();
	for (int i = 0; i < argc; i++) {
		/* Words are non-empty, blank-free, inside the line. */
		if (!argv[i][0] || strpbrk(argv[i], " \t") ||
		    argv[i] < line || argv[i] >= line + n)
			abort();
	}
	if (argc > 0)
		(void)ctl_cmd_find(argv[0]);

	n = size < CTL_MAX_HEADER ? size : CTL_MAX_HEADER;
	memcpy(hdr, data, n);
	hdr[n] = '\0';
	if (ctl_client_parse_header(hdr, &ok, &len) == 0 && len > CTL_MAX_REPLY)
		abort();
	return 0;
}
