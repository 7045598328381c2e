/*
 * config.c - loading a configuration: syntax, references, then the model,
 * and freeing it.
 *
 * The top level of swanctl.conf holds connections, secrets and pools (and
 * authorities, which reswan does not support).  Any other top-level
 * section is accepted only if some section references it, i.e. it is a
 * template ("conn-defaults { }" + "gw : conn-defaults { }"); otherwise it
 * is an error, as it would be silently ignored.  Pools are built first and
 * secrets second, so connections can refer to both.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "config/config_build.h"

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_conns; i++)
		config_conn_free(&cfg->conns[i]);
	free(cfg->conns);
	for (size_t i = 0; i < cfg->n_psks; i++)
		config_secret_free_psk(&cfg->psks[i]);
	free(cfg->psks);
	for (size_t i = 0; i < cfg->n_key_secrets; i++)
		config_secret_free_key(&cfg->key_secrets[i]);
	free(cfg->key_secrets);
	for (size_t i = 0; i < cfg->n_pools; i++)
		config_pool_free(&cfg->pools[i]);
	free(cfg->pools);
	for (size_t i = 0; i < cfg->n_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->path);
	free(cfg->confdir);
	free(cfg);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static void build_root(struct build *b)
{
	const struct settings_node *root = b->s->root, *conns = NULL,
				   *secrets = NULL, *pools = NULL;

	for (const struct settings_node *n = root->first; n; n = n->next) {
		if (!n->is_section)
			config_value_error(b, n, "unknown key (the top level holds "
					   "connections, secrets and pools)");
		else if (strcmp(n->name, "connections") == 0)
			conns = n;
		else if (strcmp(n->name, "secrets") == 0)
			secrets = n;
		else if (strcmp(n->name, "pools") == 0)
			pools = n;
		else if (strcmp(n->name, "authorities") == 0)
			config_value_error(b, n, "not supported by reswan: name CA "
					   "certificates in cacerts instead");
		else if (!n->referenced)
			config_value_error(b, n, "unknown section (the top level "
					   "holds connections, secrets and pools; "
					   "other sections must be templates "
					   "referenced with ':')");
	}
	if (pools)
		config_pool_build(b, pools);
	if (secrets && !b->nomem)
		config_secret_build(b, secrets);
	if (conns && !b->nomem)
		config_conn_build(b, conns);
	if (!b->nomem && !b->cfg->n_conns)
		diag_warn(b->d, b->cfg->path, 0, "no connections defined");
}

/* Build the model from a parsed tree; takes s (frees it). */
static int build(struct settings *s, const char *path,
		 const struct config_opts *opts, struct config **out,
		 struct diag *d)
{
	struct build b = { .s = s, .d = d, .opts = opts };
	size_t before = diag_errors(d);
	struct config *cfg;
	int rc;

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		settings_free(s);
		return ERR_NOMEM;
	}
	b.cfg = cfg;
	cfg->path = strdup(path);
	cfg->confdir = opts && opts->confdir ? strdup(opts->confdir) :
					       dir_of(path);
	/* File names outlive the tree: config_loc points at them. */
	cfg->files = s->files;
	cfg->n_files = s->n_files;
	s->files = NULL;
	s->n_files = 0;
	if (!cfg->path || !cfg->confdir) {
		b.nomem = true;
	} else {
		rc = settings_resolve(s, d);
		if (rc == ERR_NOMEM)
			b.nomem = true;
		else if (rc == 0)
			build_root(&b);
	}
	settings_free(s);
	if (b.nomem) {
		diag_error(d, path, 0, "out of memory while loading");
		config_free(cfg);
		return ERR_NOMEM;
	}
	if (diag_errors(d) > before) {
		config_free(cfg);
		return ERR_CONFIG;
	}
	*out = cfg;
	return 0;
}

int config_load_file(const char *path, const struct config_opts *opts,
		     struct config **out, struct diag *d)
{
	struct settings_opts so = { .no_includes = opts && opts->no_includes };
	struct settings *s;
	struct diag local;
	int rc;

	diag_init(&local);
	if (!d)
		d = &local;
	*out = NULL;
	rc = settings_parse_file(path, &so, &s, d);
	if (rc < 0)
		return rc;
	return build(s, path, opts, out, d);
}

int config_load_buffer(const char *name, const char *text, size_t len,
		       const struct config_opts *opts, struct config **out,
		       struct diag *d)
{
	struct settings_opts so = { .no_includes = opts && opts->no_includes };
	struct settings *s;
	struct diag local;
	int rc;

	diag_init(&local);
	if (!d)
		d = &local;
	*out = NULL;
	rc = settings_parse_buffer(name, text, len, &so, &s, d);
	if (rc < 0)
		return rc;
	return build(s, name, opts, out, d);
}
