/*
 * test_cache.c - the cache module's test executable: runs every group.
 */
#include "helpers.h"

int main(void)
{
	int failed = 0;

	failed += test_group_units();
	failed += test_group_ops();
	failed += test_group_persist();
	failed += test_group_kill();
	failed += test_group_memory();
	failed += test_group_client();
	return failed ? 1 : 0;
}
