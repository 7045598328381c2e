/*
 * fuzz_config.c - libFuzzer harness for the configuration loader.
 *
 * The input is one in-memory swanctl.conf (includes refused, no file
 * checks); whatever loads is then rendered and queried the way the daemon
 * and `reswan status` will, so the model's invariants are exercised too.
 * The same bytes also go through the parsers of received identities
 * (DER distinguished names), which see untrusted peer data in production.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"
#include "wire/ikev2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const struct config *cfg)
{
	char buf[4096];

	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *c = &cfg->conns[i];

		proposal_list_fmt(&c->ike, buf, sizeof(buf));
		ident_fmt(&c->local.id, buf, sizeof(buf));
		ident_fmt(&c->remote.id, buf, sizeof(buf));
		for (size_t j = 0; j < c->n_local_addrs; j++)
			addr_range_fmt(&c->local_addrs[j], buf, sizeof(buf));
		for (size_t j = 0; j < c->n_children; j++) {
			const struct config_child *ch = &c->children[j];

			proposal_list_fmt(&ch->esp, buf, sizeof(buf));
			for (size_t k = 0; k < ch->n_local_ts; k++)
				config_ts_fmt(&ch->local_ts[k], buf, sizeof(buf));
			for (size_t k = 0; k < ch->n_remote_ts; k++)
				config_ts_fmt(&ch->remote_ts[k], buf, sizeof(buf));
		}
		config_psk_lookup(cfg, &c->local.id, c->remote.id.type,
				  c->remote.id.data, c->remote.id.len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ident pattern;
	static int init;
	struct config_opts opts = { .no_includes = true };
	struct config *cfg = NULL;
	struct diag d;
	char buf[IDENT_STRLEN];

	if (!init) {
		char err[128];

		init = ident_parse("C=CH, O=strongSwan, CN=*", &pattern, err,
				   sizeof(err)) == 0 ? 1 : -1;
	}
	diag_init(&d);
	if (config_load_buffer("fuzz.conf", (const char *)data, size, &opts, &cfg,
			       &d) == 0)
		exercise(cfg);
	config_free(cfg);

	/* received identities are untrusted wire data */
	if (init == 1)
		ident_match(&pattern, IKEV2_ID_DER_ASN1_DN, data, size);
	ident_fmt_wire(IKEV2_ID_DER_ASN1_DN, data, size, buf, sizeof(buf));
	ident_fmt_wire(IKEV2_ID_FQDN, data, size, buf, sizeof(buf));
	return 0;
}
