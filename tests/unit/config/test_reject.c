/*
 * test_reject.c - every way the model builder rejects a configuration.
 *
 * Each case is a whole file; the load must fail, and some error line must
 * name the place ("t.conf:LINE:"), the key's dotted path and the reason.
 * CONN(body) wraps body into a connection whose first body line is line 4.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config/config.h"
#include "test_config.h"

#define CONN(body)                                                       \
	"connections {\n"                                                \
	" c {\n"                                                         \
	"  local { auth = psk }\n"                                       \
	body                                                             \
	" }\n"                                                           \
	"}\n"                                                            \
	"secrets { ike { secret = s } }\n"

#define CHILD(body) CONN("  children { ch {\n" body "  } }\n")

struct reject {
	const char *text;
	const char *where;	/* "t.conf:N:" */
	const char *path;	/* dotted key path */
	const char *msg;
};

static const struct reject cases[] = {
	/* unknown / unsupported connection keys */
	{ CONN("  foo = 1\n"), "t.conf:4:", "connections.c.foo", "unknown key" },
	{ CONN("  bar { }\n"), "t.conf:4:", "connections.c.bar", "unknown section" },
	{ CONN("  mobike = yes\n"), "t.conf:4:", "connections.c.mobike",
	  "mobike not supported" },
	{ CONN("  mobike = true\n"), "t.conf:4:", "connections.c.mobike",
	  "'true' is not supported by reswan (only 'no')" },
	{ CONN("  version = 1\n"), "t.conf:4:", "connections.c.version",
	  "IKEv1 is not supported" },
	{ CONN("  version = 3\n"), "t.conf:4:", "connections.c.version",
	  "invalid value '3' (expected a number from 0 to 2)" },
	{ CONN("  aggressive = yes\n"), "t.conf:4:", "connections.c.aggressive",
	  "only 'no'" },
	{ CONN("  pull = no\n"), "t.conf:4:", "connections.c.pull", "only 'yes'" },
	{ CONN("  dscp = 101010\n"), "t.conf:4:", "connections.c.dscp",
	  "'101010' is not supported by reswan (only '000000')" },
	{ CONN("  childless = force\n"), "t.conf:4:", "connections.c.childless",
	  "only 'allow' or 'never'" },
	{ CONN("  if_id_in = 5\n"), "t.conf:4:", "connections.c.if_id_in",
	  "key not supported by reswan: XFRM" },
	{ CONN("  mediated_by = x\n"), "t.conf:4:", "connections.c.mediated_by",
	  "not supported" },
	{ CONN("  ppk_id = x\n"), "t.conf:4:", "connections.c.ppk_id",
	  "not supported" },
	/* values */
	{ CONN("  dpd_delay = 10x\n"), "t.conf:4:", "connections.c.dpd_delay",
	  "invalid duration '10x'" },
	{ CONN("  rekey_time = -1\n"), "t.conf:4:", "connections.c.rekey_time",
	  "invalid duration '-1'" },
	{ CONN("  local_port = 0\n"), "t.conf:4:", "connections.c.local_port",
	  "expected a number from 1 to 65535" },
	{ CONN("  remote_port = 65536\n"), "t.conf:4:",
	  "connections.c.remote_port", "expected a number from 1 to 65535" },
	{ CONN("  keyingtries = many\n"), "t.conf:4:", "connections.c.keyingtries",
	  "invalid value 'many'" },
	{ CONN("  keyingtries = 0x10\n"), "t.conf:4:", "connections.c.keyingtries",
	  "invalid value '0x10'" },
	{ CONN("  encap = perhaps\n"), "t.conf:4:", "connections.c.encap",
	  "invalid value 'perhaps' (expected yes or no)" },
	{ CONN("  send_cert = sometimes\n"), "t.conf:4:", "connections.c.send_cert",
	  "invalid value 'sometimes' (expected one of: ifasked, always, never)" },
	{ CONN("  fragmentation = maybe\n"), "t.conf:4:",
	  "connections.c.fragmentation", "expected one of: yes, accept, force, no" },
	{ CONN("  unique = always\n"), "t.conf:4:", "connections.c.unique",
	  "expected one of: no, never, keep, replace" },
	{ CONN("  remote_addrs = vpn.example.org\n"), "t.conf:4:",
	  "connections.c.remote_addrs", "hostnames ('vpn.example.org') are not "
	  "supported" },
	{ CONN("  local_addrs = 10.0.0.0/33\n"), "t.conf:4:",
	  "connections.c.local_addrs", "invalid address '10.0.0.0/33'" },
	{ CONN("  local_addrs = 10.0.0.1, , 10.0.0.2\n"), "t.conf:4:",
	  "connections.c.local_addrs", "empty entry" },
	{ CONN("  vips = myhost\n"), "t.conf:4:", "connections.c.vips",
	  "invalid virtual IP 'myhost'" },
	{ CONN("  pools = nopool\n"), "t.conf:4:", "connections.c.pools",
	  "pool 'nopool' is not defined in the pools section" },
	/* proposals */
	{ CONN("  proposals = aes128-sha256-foo\n"), "t.conf:4:",
	  "connections.c.proposals", "proposal 'aes128-sha256-foo': unknown "
	  "algorithm keyword 'foo'" },
	{ CONN("  proposals = aes128gcm16-aes128-sha256-x25519\n"), "t.conf:4:",
	  "connections.c.proposals", "cannot be combined in one proposal" },
	{ CONN("  proposals = 3des-sha1-modp1024\n"), "t.conf:4:",
	  "connections.c.proposals", "algorithm '3des' is not supported" },
	{ CONN("  proposals = aes128-sha256\n"), "t.conf:4:",
	  "connections.c.proposals", "a key exchange method is mandatory" },
	{ CONN("  proposals = default, default, default, default, default, "
	       "default, default, default, default\n"), "t.conf:4:",
	  "connections.c.proposals", "too many proposals" },
	/* authentication rounds */
	{ CONN("  local-2 { auth = psk }\n"), "t.conf:4:", "connections.c.local-2",
	  "only one local authentication round is supported (the first is "
	  "'local' at t.conf:3)" },
	{ CONN("  remote { auth = psk }\n  remote2 { auth = psk }\n"), "t.conf:5:",
	  "connections.c.remote2", "only one remote authentication round" },
	{ CONN("  remote { auth = eap-mschapv2 }\n"), "t.conf:4:",
	  "connections.c.remote.auth", "EAP authentication ('eap-mschapv2') is "
	  "not supported" },
	{ CONN("  remote { auth = xauth-pam }\n"), "t.conf:4:",
	  "connections.c.remote.auth", "XAuth ('xauth-pam') is IKEv1 only" },
	{ CONN("  remote { auth = rsa-2048-sha256 }\n"), "t.conf:4:",
	  "connections.c.remote.auth", "signature scheme constraints" },
	{ CONN("  remote { auth = ike:pubkey-sha384 }\n"), "t.conf:4:",
	  "connections.c.remote.auth", "signature scheme constraints" },
	{ CONN("  remote { auth = magic }\n"), "t.conf:4:",
	  "connections.c.remote.auth", "unknown authentication method 'magic'" },
	{ CONN("  remote { revocation = strict }\n"), "t.conf:4:",
	  "connections.c.remote.revocation", "only 'relaxed'" },
	{ CONN("  remote { pubkeys = k.pem }\n"), "t.conf:4:",
	  "connections.c.remote.pubkeys", "raw public keys are not supported" },
	{ CONN("  remote { ca_id = x }\n"), "t.conf:4:", "connections.c.remote.ca_id",
	  "not supported" },
	{ CONN("  remote { cert-1 { handle = 01 } }\n"), "t.conf:4:",
	  "connections.c.remote.cert-1", "certificate sections are not supported" },
	{ CONN("  remote { id = foo:bar }\n"), "t.conf:4:", "connections.c.remote.id",
	  "neither an IPv6 address" },
	{ CONN("  remote { id = XX=1 }\n"), "t.conf:4:", "connections.c.remote.id",
	  "unknown attribute 'XX'" },
	{ CONN("  remote { id = 10.0.0.0/8 }\n"), "t.conf:4:",
	  "connections.c.remote.id", "IKEv1 only" },
	{ CONN("  remote { cacerts = }\n  local-x { id = *.example }\n"),
	  "t.conf:5:", "connections.c.local-x", "only one local" },
	{ "connections {\n c {\n  local { auth = psk\n   id = *.example }\n }\n}\n",
	  "t.conf:4:", "connections.c.local.id", "a local identity cannot contain "
	  "wildcards" },
	{ "connections {\n c {\n  local { auth = psk\n   id = %any }\n }\n}\n",
	  "t.conf:4:", "connections.c.local.id", "a local identity cannot be %any" },
	{ "connections {\n c {\n  local { auth = pubkey }\n }\n}\n",
	  "t.conf:3:", "connections.c.local", "needs the certificate in 'certs'" },
	{ "connections {\n c {\n }\n}\n", "t.conf:2:", "connections.c",
	  "needs the certificate in 'certs'" },
	{ "connections {\n c {\n  local { auth = psk\n eap_id = x }\n }\n}\n",
	  "t.conf:4:", "connections.c.local.eap_id", "EAP is not supported" },
	/* children */
	{ CHILD("   mode = transport\n"), "t.conf:5:", "connections.c.children.ch.mode",
	  "'transport' is not supported by reswan (only 'tunnel')" },
	{ CHILD("   mode = beet\n"), "t.conf:5:", "children.ch.mode",
	  "only 'tunnel'" },
	{ CHILD("   ipcomp = yes\n"), "t.conf:5:", "children.ch.ipcomp",
	  "IPComp is not supported" },
	{ CHILD("   hw_offload = auto\n"), "t.conf:5:", "children.ch.hw_offload",
	  "only 'no'" },
	{ CHILD("   updown = /bin/true\n"), "t.conf:5:", "children.ch.updown",
	  "reswan runs no updown scripts" },
	{ CHILD("   ah_proposals = sha256\n"), "t.conf:5:",
	  "children.ch.ah_proposals", "AH is not supported" },
	{ CHILD("   inactivity = 5m\n"), "t.conf:5:", "children.ch.inactivity",
	  "not implemented" },
	{ CHILD("   replay_window = 64\n"), "t.conf:5:", "children.ch.replay_window",
	  "only '32'" },
	{ CHILD("   mark_in = 42\n"), "t.conf:5:", "children.ch.mark_in",
	  "marks are a kernel IPsec concept" },
	{ CHILD("   nonsense = 1\n"), "t.conf:5:", "children.ch.nonsense",
	  "unknown key" },
	{ CHILD("   esp_proposals = aes128gcm16-aes128-sha256\n"), "t.conf:5:",
	  "children.ch.esp_proposals", "cannot be combined" },
	{ CHILD("   esp_proposals = aes128\n"), "t.conf:5:",
	  "children.ch.esp_proposals", "an integrity algorithm is mandatory in "
	  "ESP proposals" },
	{ CHILD("   esp_proposals = aes128-md5\n"), "t.conf:5:",
	  "children.ch.esp_proposals", "'md5' is not supported" },
	{ CHILD("   local_ts = 10.0.0.0/8[xyz/80]\n"), "t.conf:5:",
	  "children.ch.local_ts", "unknown protocol 'xyz'" },
	{ CHILD("   local_ts = 10.0.0.0/8[tcp/http]\n"), "t.conf:5:",
	  "children.ch.local_ts", "service names are not supported" },
	{ CHILD("   remote_ts = %any\n"), "t.conf:5:", "children.ch.remote_ts",
	  "use 0.0.0.0/0 or ::/0" },
	{ CHILD("   remote_ts = lan.example\n"), "t.conf:5:",
	  "children.ch.remote_ts", "hostnames are not supported" },
	{ CHILD("   remote_ts = 10.0.0.0/8[tcp/80\n"), "t.conf:5:",
	  "children.ch.remote_ts", "must end the selector with ']'" },
	{ CHILD("   start_action = trap|start\n"), "t.conf:5:",
	  "children.ch.start_action", "combined start actions" },
	{ CHILD("   start_action = start\n"), "t.conf:5:",
	  "children.ch.start_action", "needs a specific peer address in "
	  "remote_addrs" },
	{ CHILD("   dpd_action = hold\n"), "t.conf:5:", "children.ch.dpd_action",
	  "expected one of: none, clear, trap, route, start, restart" },
	{ CHILD("   rekey_time = 1h\n   life_time = 30m\n"), "t.conf:4:",
	  "connections.c.children.ch", "life_time (1800) is smaller than "
	  "rekey_time (3600)" },
	{ CHILD("   rand_time = 2h\n"), "t.conf:4:", "connections.c.children.ch",
	  "rand_time (7200) must be smaller than rekey_time (3600)" },
	{ CHILD("   rekey_bytes = 1M\n   life_bytes = 1K\n"), "t.conf:4:",
	  "children.ch", "life_bytes (1024) is smaller than rekey_bytes" },
	{ CHILD("   rekey_bytes = 10X\n"), "t.conf:5:", "children.ch.rekey_bytes",
	  "invalid size '10X'" },
	{ CHILD("   rekey_packets = 1e6\n"), "t.conf:5:",
	  "children.ch.rekey_packets", "invalid number '1e6'" },
	{ CONN("  children { k = v }\n"), "t.conf:4:", "connections.c.children.k",
	  "unknown key (children holds one section per CHILD_SA)" },
	/* resumption */
	{ CONN("  resumption { policy = sometimes }\n"), "t.conf:4:",
	  "connections.c.resumption.policy", "invalid value 'sometimes' "
	  "(expected one of: clocked, established, data)" },
	{ CONN("  resumption { policy = data\n lifetime = 1h }\n"), "t.conf:5:",
	  "connections.c.resumption.lifetime", "lifetime is only used by the "
	  "clocked and established policies" },
	{ CONN("  resumption { data = 1M }\n"), "t.conf:4:",
	  "connections.c.resumption.data", "data is only used by the data policy" },
	{ CONN("  resumption { policy = data\n data = 0 }\n"), "t.conf:5:",
	  "connections.c.resumption.data", "data must be greater than 0" },
	{ CONN("  resumption { lifetime = 0 }\n"), "t.conf:4:",
	  "connections.c.resumption.lifetime", "lifetime must be greater than 0" },
	{ CONN("  resumption { max_age = 0 }\n"), "t.conf:4:",
	  "connections.c.resumption", "max_age must be greater than 0" },
	{ CONN("  resumption { capacity = 0 }\n"), "t.conf:4:",
	  "connections.c.resumption.capacity", "expected a number from 1 to "
	  "10000000" },
	{ CONN("  resumption { capacity = 10000001 }\n"), "t.conf:4:",
	  "connections.c.resumption.capacity", "expected a number from 1" },
	{ CONN("  resumption { pfs = maybe }\n"), "t.conf:4:",
	  "connections.c.resumption.pfs", "expected yes or no" },
	{ CONN("  resumption { lifetime = forever }\n"), "t.conf:4:",
	  "connections.c.resumption.lifetime", "invalid duration 'forever'" },
	{ CONN("  resumption { ttl = 1h }\n"), "t.conf:4:",
	  "connections.c.resumption.ttl", "unknown key" },
	/* secrets */
	{ "secrets {\n eap-x { secret = a }\n}\n", "t.conf:2:", "secrets.eap-x",
	  "secret type not supported by reswan: EAP" },
	{ "secrets {\n ppk { secret = a }\n}\n", "t.conf:2:", "secrets.ppk",
	  "post-quantum" },
	{ "secrets {\n token-1 { handle = 01 }\n}\n", "t.conf:2:",
	  "secrets.token-1", "smartcards" },
	{ "secrets {\n ike {\n id = a }\n}\n", "t.conf:2:", "secrets.ike",
	  "IKE secret has no 'secret'" },
	{ "secrets {\n ike {\n secret =\n }\n}\n", "t.conf:2:", "secrets.ike",
	  "IKE secret has no 'secret'" },
	{ "secrets {\n ike {\n secret = 0xzz }\n}\n", "t.conf:3:",
	  "secrets.ike.secret", "malformed hex secret" },
	{ "secrets {\n ike {\n secret = 0x123 }\n}\n", "t.conf:3:",
	  "secrets.ike.secret", "malformed hex secret" },
	{ "secrets {\n ike {\n secret = 0s!!!! }\n}\n", "t.conf:3:",
	  "secrets.ike.secret", "malformed base64 secret" },
	{ "secrets {\n ike {\n secret = 0sQQ=== }\n}\n", "t.conf:3:",
	  "secrets.ike.secret", "malformed base64 secret" },
	{ "secrets {\n ike {\n secret = 0x }\n}\n", "t.conf:3:",
	  "secrets.ike.secret", "empty secret" },
	{ "secrets {\n ike {\n secret = s\n idx = 10.0.0.0/8 }\n}\n", "t.conf:4:",
	  "secrets.ike.idx", "IKEv1 only" },
	{ "secrets {\n ike {\n secret = s\n bogus = 1 }\n}\n", "t.conf:4:",
	  "secrets.ike.bogus", "unknown key" },
	{ "secrets {\n foo { }\n}\n", "t.conf:2:", "secrets.foo",
	  "unknown secret type" },
	{ "secrets {\n private-1 { secret = x }\n}\n", "t.conf:2:",
	  "secrets.private-1", "private key secret has no 'file'" },
	{ "secrets {\n k = v\n}\n", "t.conf:2:", "secrets.k", "unknown key" },
	/* pools */
	{ "pools {\n p { dns = 10.0.0.1 }\n}\n", "t.conf:2:", "pools.p",
	  "pool has no 'addrs'" },
	{ "pools {\n p { addrs = %any }\n}\n", "t.conf:2:", "pools.p.addrs",
	  "invalid pool '%any'" },
	{ "pools {\n p { addrs = 10.0.0.0/24, 10.1.0.0/24 }\n}\n", "t.conf:2:",
	  "pools.p.addrs", "expected one subnet" },
	{ "pools {\n p { addrs = 10.0.0.0/24 }\n q {\n addrs = 10.0.0.128/25 }\n}\n",
	  "t.conf:3:", "pools.q", "pool overlaps pool 'p' (t.conf:2)" },
	{ "pools {\n p { addrs = 10.0.0.0/24\n dns = dns.example }\n}\n",
	  "t.conf:3:", "pools.p.dns", "invalid DNS server address 'dns.example'" },
	{ "pools {\n p { addrs = 10.0.0.0/24\n split_include = 10.0.0.0/8 }\n}\n",
	  "t.conf:3:", "pools.p.split_include", "only addrs and dns are supported" },
	{ "pools {\n p { addrs = 10.0.0.0/24\n 25 = x }\n}\n", "t.conf:3:",
	  "pools.p.25", "unknown key" },
	{ "pools {\n x = 1\n}\n", "t.conf:2:", "pools.x", "unknown key" },
	/* top level */
	{ "foo = 1\n", "t.conf:1:", "foo", "unknown key (the top level holds" },
	{ "authorities {\n ca { cacert = ca.pem }\n}\n", "t.conf:1:", "authorities",
	  "not supported by reswan" },
	{ "orphan { }\n", "t.conf:1:", "orphan", "unknown section (the top level "
	  "holds connections, secrets and pools; other sections must be "
	  "templates" },
	{ "connections {\n x = 1\n}\n", "t.conf:2:", "connections.x",
	  "unknown key (connections holds one section per connection)" },
	/* an error inside a template points at the template's line */
	{ "tmpl {\n mobike = yes\n}\n"
	  "connections {\n c : tmpl {\n local { auth = psk }\n }\n}\n",
	  "t.conf:2:", "connections.c.mobike", "mobike not supported" },
};

static void each_rejection(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *cfg = (struct config *)&cfg;
		struct diag d;
		int rc;

		diag_init(&d);
		rc = config_load_buffer("t.conf", cases[i].text,
					strlen(cases[i].text), NULL, &cfg, &d);
		if (rc != ERR_CONFIG) {
			fprintf(stderr, "case %zu loaded (rc %d):\n%s", i, rc,
				cases[i].text);
			diag_print(&d, stderr);
			fail();
		}
		assert_null(cfg);
		expect_diag(&d, cases[i].where, cases[i].path, cases[i].msg, NULL);
	}
}

static void all_errors_in_one_report(void **state)
{
	const char *text = CONN("  mobike = yes\n"
				"  version = 1\n"
				"  children { ch { mode = transport\n"
				"                  ipcomp = yes } }\n"
				"  remote { auth = eap }\n");
	struct config *cfg;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(config_load_buffer("t.conf", text, strlen(text), NULL,
					    &cfg, &d), ERR_CONFIG);
	expect_diag(&d, "t.conf:4:", "mobike", NULL);
	expect_diag(&d, "t.conf:5:", "version", NULL);
	expect_diag(&d, "t.conf:6:", "mode", NULL);
	expect_diag(&d, "t.conf:7:", "ipcomp", NULL);
	expect_diag(&d, "t.conf:8:", "remote.auth", NULL);
	assert_int_equal(d.n_errors, 5);
}

static void syntax_errors_stop_before_the_model(void **state)
{
	const char *text = "connections {\n c {\n  mobike = yes\n  = x\n }\n}\n";
	struct config *cfg;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(config_load_buffer("t.conf", text, strlen(text), NULL,
					    &cfg, &d), ERR_CONFIG);
	expect_diag(&d, "t.conf:4:", "'=' without a key name", NULL);
	assert_int_equal(d.n_errors, 1);	/* no model errors on top */
	/* includes refused when asked to */
	{
		struct config_opts o = { .no_includes = true };
		const char *t = "include /etc/passwd\n";

		diag_init(&d);
		assert_int_equal(config_load_buffer("t.conf", t, strlen(t), &o,
						    &cfg, &d), ERR_CONFIG);
		expect_diag(&d, "t.conf:1:", "include statements are not allowed",
			    NULL);
	}
	/* a missing main file */
	diag_init(&d);
	assert_int_equal(config_load_file("/nonexistent/swanctl.conf", NULL, &cfg,
					  &d), ERR_CONFIG);
	expect_diag(&d, "/nonexistent/swanctl.conf", "cannot open", NULL);
}

int run_reject_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_rejection),
		cmocka_unit_test(all_errors_in_one_report),
		cmocka_unit_test(syntax_errors_stop_before_the_model),
	};

	return cmocka_run_group_tests_name("reject", tests, NULL, NULL);
}
