/*
 * diag.c - collecting and printing configuration errors.
 *
 * Messages are formatted straight into the fixed entry array; once it is
 * full, further messages only bump the counters.  Nothing here allocates.
 */
#include <string.h>

#include "config/diag.h"

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_verror(struct diag *d, enum diag_level lvl, const char *file,
		 unsigned line, const char *fmt, va_list ap)
{
	struct diag_entry *e;
	size_t off = 0;
	int n;

	if (!d)
		return;
	if (lvl == DIAG_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	if (d->n >= DIAG_MAX_ENTRIES)
		return;
	e = &d->e[d->n++];
	e->level = lvl;
	if (file && line)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%u: ", file, line);
	else if (file)
		n = snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	else
		n = 0;
	if (n > 0)
		off = (size_t)n < sizeof(e->msg) ? (size_t)n : sizeof(e->msg) - 1;
	n = vsnprintf(e->msg + off, sizeof(e->msg) - off, fmt, ap);
	if (n > 0 && (size_t)n >= sizeof(e->msg) - off)
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
}

void diag_error(struct diag *d, const char *file, unsigned line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(d, DIAG_ERROR, file, line, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *d, const char *file, unsigned line,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(d, DIAG_WARNING, file, line, fmt, ap);
	va_end(ap);
}

int diag_contains(const struct diag *d, const char *needle)
{
	for (size_t i = 0; d && i < d->n; i++)
		if (strstr(d->e[i].msg, needle))
			return 1;
	return 0;
}

void diag_print(const struct diag *d, FILE *f)
{
	size_t kept_err = 0, kept_warn = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (d->e[i].level == DIAG_ERROR)
			kept_err++;
		else
			kept_warn++;
		fprintf(f, "%s: %s\n",
			d->e[i].level == DIAG_ERROR ? "error" : "warning",
			d->e[i].msg);
	}
	if (d->n_errors > kept_err || d->n_warnings > kept_warn)
		fprintf(f, "... and %zu more errors, %zu more warnings\n",
			d->n_errors - kept_err, d->n_warnings - kept_warn);
}
