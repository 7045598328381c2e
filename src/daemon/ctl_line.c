/*
 * ctl_line.c - splitting one control request line into words.
 *
 * The line comes from a control client, so it is checked before it is
 * used: printable bytes only (tab allowed; NUL is not), at most max words.  Splitting is
 * in place (the words point into the line), so nothing is allocated.
 */
#include <string.h>

#include "common/err.h"
#include "daemon/ctl.h"

int ctl_line_split(char *line, size_t len, char **argv, int max)
{
	char *p, *save = NULL;
	int argc = 0;

	/* All len bytes: an embedded NUL must not cut the request short. */
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    line[i] == 0x7f)
			return ERR_SYNTAX;
	line[len] = '\0';
	for (p = strtok_r(line, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		if (argc == max)
			return ERR_LIMIT;
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	return argc;
}
