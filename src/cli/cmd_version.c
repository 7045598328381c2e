/*
 * cmd_version.c - reswan version.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/version.h"

int cmd_version_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("reswan %s\n", RESWAN_VERSION);
	return 0;
}
