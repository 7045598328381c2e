/*
 * cmd_config.c - reswan config check|show FILE: validate a reswand
 * configuration (swanctl.conf syntax) and print what it means.
 *
 * "check" prints every error and warning as FILE:LINE and exits 1 if the
 * file would be refused; it is what an operator runs after moving a
 * connection from strongSwan.  "show" also prints the effective model,
 * with every default filled in and proposals in strongSwan syntax.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/units.h"
#include "config/config.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: reswan config check|show [--confdir DIR] "
		"[--no-file-checks] FILE\n"
		"  check  report errors and warnings (FILE:LINE: ...)\n"
		"  show   also print the effective configuration\n");
}

static const char *dur(uint64_t s)
{
	static char buf[8][32];	/* up to 8 calls in one printf */
	static int i;

	i = (i + 1) % 8;
	return units_fmt_duration(s, buf[i], sizeof(buf[i]));
}

static void print_ranges(const char *what, const struct addr_range *r,
			 size_t n)
{
	char buf[ADDR_STRLEN];

	printf("    %s", what);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : " ", addr_range_fmt(&r[i], buf,
							       sizeof(buf)));
	printf("\n");
}

static void print_auth(const char *side, const struct config_auth *a)
{
	static const char *const keys[] = { "", " (rsa)", " (ecdsa)",
					     " (ed25519)" };
	char id[IDENT_STRLEN];

	printf("    %s: %s%s, id %s\n", side,
	       a->method == CONFIG_AUTH_PSK ? "psk" : "pubkey",
	       keys[a->key_type], a->id_set || a->id.type ?
	       ident_fmt(&a->id, id, sizeof(id)) : "(from certificate or "
	       "address)");
	for (size_t i = 0; i < a->n_certs; i++)
		printf("      cert %s\n", a->certs[i]);
	for (size_t i = 0; i < a->n_cacerts; i++)
		printf("      cacert %s\n", a->cacerts[i]);
}

static void print_ts(const char *what, const struct config_ts *ts, size_t n)
{
	char buf[CONFIG_TS_STRLEN];

	printf("      %s", what);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : " ", config_ts_fmt(&ts[i], buf,
							      sizeof(buf)));
	printf("\n");
}

static void show(const struct config *cfg)
{
	static char buf[4096];

	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *c = &cfg->conns[i];
		const struct config_resumption *r = &c->resumption;

		printf("connection %s (%s:%u)\n", c->name, c->loc.file,
		       c->loc.line);
		printf("    version %u, ports %u/%u\n", c->version,
		       c->local_port, c->remote_port);
		print_ranges("local_addrs", c->local_addrs, c->n_local_addrs);
		print_ranges("remote_addrs", c->remote_addrs, c->n_remote_addrs);
		printf("    proposals %s\n", proposal_list_fmt(&c->ike, buf,
							       sizeof(buf)));
		printf("    rekey %s, reauth %s, over %s, rand %s, dpd %s, "
		       "keyingtries %u\n", dur(c->rekey_time), dur(c->reauth_time),
		       dur(c->over_time), dur(c->rand_time), dur(c->dpd_delay),
		       c->keyingtries);
		for (size_t j = 0; j < c->n_pools; j++)
			printf("    pool %s\n", c->pools[j]->name);
		for (size_t j = 0; j < c->n_vips; j++)
			printf("    vip %s\n", addr_fmt(&c->vips[j], false, buf, sizeof(buf)));
		print_auth("local", &c->local);
		print_auth("remote", &c->remote);
		for (size_t j = 0; j < c->n_children; j++) {
			const struct config_child *ch = &c->children[j];

			printf("    child %s\n", ch->name);
			print_ts("local_ts", ch->local_ts, ch->n_local_ts);
			print_ts("remote_ts", ch->remote_ts, ch->n_remote_ts);
			printf("      esp_proposals %s\n",
			       proposal_list_fmt(&ch->esp, buf, sizeof(buf)));
			printf("      rekey %s, life %s, rand %s; start %s, close %s, "
			       "dpd %s\n", dur(ch->rekey_time), dur(ch->life_time),
			       dur(ch->rand_time),
			       config_action_name(ch->start_action),
			       config_action_name(ch->close_action),
			       config_action_name(ch->dpd_action));
		}
		if (r->enabled)
			printf("    resumption:%s%s%s lifetime %s, data %llu bytes, "
			       "max_age %s, capacity %u, pfs %s, store %s\n",
			       r->policy & CONFIG_RESUME_CLOCKED ? " clocked" : "",
			       r->policy & CONFIG_RESUME_ESTABLISHED ?
			       " established" : "",
			       r->policy & CONFIG_RESUME_DATA ? " data" : "",
			       dur(r->lifetime), (unsigned long long)r->data,
			       dur(r->max_age), r->capacity, r->pfs ? "yes" : "no",
			       r->store ? r->store : "memory");
	}
	for (size_t i = 0; i < cfg->n_pools; i++) {
		char a[ADDR_STRLEN];

		printf("pool %s %s\n", cfg->pools[i].name,
		       addr_range_fmt(&cfg->pools[i].addrs, a, sizeof(a)));
	}
	printf("%zu IKE secret(s), %zu key passphrase(s)\n", cfg->n_psks,
	       cfg->n_key_secrets);
}

int cmd_config_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "confdir", required_argument, NULL, 'c' },
		{ "no-file-checks", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config_opts opts = { .check_files = true };
	struct config *cfg = NULL;
	struct diag d;
	bool do_show;
	int opt, rc;

	if (argc < 2 || (strcmp(argv[1], "check") && strcmp(argv[1], "show"))) {
		usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	do_show = strcmp(argv[1], "show") == 0;
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			opts.confdir = optarg;
			break;
		case 'n':
			opts.check_files = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	diag_init(&d);
	rc = config_load_file(argv[optind], &opts, &cfg, &d);
	diag_print(&d, stderr);
	if (rc) {
		fprintf(stderr, "%s: configuration rejected (%zu errors)\n",
			argv[optind], d.n_errors);
		return 1;
	}
	if (do_show)
		show(cfg);
	else
		printf("%s: OK, %zu connection(s), %zu warning(s)\n", argv[optind],
		       cfg->n_conns, d.n_warnings);
	config_free(cfg);
	return 0;
}
