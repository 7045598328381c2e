/*
 * diag.h - the error report of a configuration load.
 *
 * Loading a configuration never stops at the first problem: the syntax
 * parser and the model builder report every error they find, each as one
 * line "FILE:LINE: what is wrong", and the caller prints the report.  The
 * report keeps the first DIAG_MAX_ENTRIES lines in fixed storage (no
 * allocation, so reporting can never fail) and counts the rest, so a file
 * with ten thousand broken lines yields a short report and an exact count.
 *
 * Warnings are kept in the same list but do not make a load fail; they mark
 * things that are legal but probably not what the operator meant (a PSK
 * connection for which no secret exists yet, for example).
 */
#ifndef RESWAN_CONFIG_DIAG_H
#define RESWAN_CONFIG_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define DIAG_MAX_ENTRIES 32	/* lines kept; later ones are only counted */
#define DIAG_MSG_LEN 384	/* longer lines are truncated with "..." */

enum diag_level {
	DIAG_ERROR = 0,
	DIAG_WARNING = 1,
};

struct diag_entry {
	enum diag_level level;
	char msg[DIAG_MSG_LEN];	/* "FILE:LINE: text" (or "text" without a place) */
};

struct diag {
	size_t n_errors;	/* all errors reported, kept or not */
	size_t n_warnings;	/* all warnings reported, kept or not */
	size_t n;		/* entries kept in e[] */
	struct diag_entry e[DIAG_MAX_ENTRIES];
};

void diag_init(struct diag *d);

/*
 * Report a problem at file:line.  file may be NULL (then no place is
 * printed) and line 0 (then only the file is printed).  d may be NULL, for
 * callers that only want the return code.
 */
void diag_error(struct diag *d, const char *file, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_warn(struct diag *d, const char *file, unsigned line,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_verror(struct diag *d, enum diag_level lvl, const char *file,
		 unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static inline size_t diag_errors(const struct diag *d)
{
	return d ? d->n_errors : 0;
}

/* True if some kept entry contains needle (tests and the CLI use this). */
int diag_contains(const struct diag *d, const char *needle);

/*
 * Print every kept entry as "error: ..." / "warning: ...", one per line,
 * then a line counting what was not kept.
 */
void diag_print(const struct diag *d, FILE *f);

#endif
