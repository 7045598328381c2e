/*
 * test_config.h - shared helpers of the config module's test executable.
 *
 * The module has one test executable (test_config) made of several source
 * files, one per concept; each exposes a run_*() that runs its group.
 */
#ifndef RESWAN_TEST_CONFIG_H
#define RESWAN_TEST_CONFIG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/settings.h"

int run_settings_tests(void);
int run_proposal_tests(void);
int run_ident_tests(void);
int run_model_tests(void);
int run_reject_tests(void);

/* Fail the test, printing the report, unless d has an entry containing
 * every needle (NULL-terminated). */
void expect_diag(const struct diag *d, ...);

/* Write text to dir/name (creating dir); returns a static path. */
const char *write_file(const char *dir, const char *name, const char *text);
/* A fresh temporary directory (removed by rm_tree). */
char *make_tmpdir(void);
void rm_tree(const char *dir);

#define DATA_DIR RESWAN_TEST_DATA "/config"

#endif
