/*
 * suite.c - the benchmark suites and their configuration text (see
 * suite.h).
 *
 * The gateway's text is swanctl.conf that both reswand and strongSwan's
 * charon load with the same meaning (mobike = no because reswan accepts
 * nothing else; version = 2), so the two responders are compared on the
 * same connection.  The IKE proposals use AES-256-GCM with PRF-HMAC-SHA256
 * in every suite and ESP AES-128-GCM, as `reswan bench crypto` assumes for
 * its key-derivation figure; the suites differ in authentication and key
 * exchange only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/proc.h"
#include "bench/suite.h"
#include "common/err.h"

static const struct suite suites[] = {
	{ "psk-x25519", "aes256gcm16-prfsha256-x25519", "aes128gcm16", NULL },
	{ "ed25519-x25519", "aes256gcm16-prfsha256-x25519", "aes128gcm16", "ED25519" },
	{ "rsa2048-modp2048", "aes256gcm16-prfsha256-modp2048", "aes128gcm16", "RSA" },
};

const struct suite *suite_find(const char *name)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strcmp(suites[i].name, name) == 0)
			return &suites[i];
	return NULL;
}

const char *suite_names(void)
{
	return "psk-x25519|ed25519-x25519|rsa2048-modp2048";
}

/* ---- certificates ---- */

static int mkdirs(const char *base, char *err, size_t errlen)
{
	static const char *const sub[] = { "", "/x509", "/x509ca", "/private" };
	char p[4096];

	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", base, sub[i]);
		if (mkdir(p, 0700) != 0 && !proc_is_dir(p)) {
			snprintf(err, errlen, "mkdir %s failed", p);
			return ERR_IO;
		}
	}
	return 0;
}

/* Run openssl with args; the log collects its output. */
static int ossl(const char *log, char *err, size_t errlen, const char *const *args)
{
	const char *argv[24] = { "openssl" };
	size_t n = 1;

	while (*args && n < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (proc_run(argv, log) != 0) {
		snprintf(err, errlen, "openssl %s %s failed (see %s)", argv[1],
			 argv[2] ? argv[2] : "", log);
		return ERR_IO;
	}
	return 0;
}

static int genkey(const struct suite *s, const char *path, const char *log,
		  char *err, size_t errlen)
{
	if (strcmp(s->key_alg, "RSA") == 0) {
		const char *a[] = { "genpkey", "-algorithm", "RSA", "-pkeyopt",
				    "rsa_keygen_bits:2048", "-out", path, NULL };

		return ossl(log, err, errlen, a);
	}
	const char *a[] = { "genpkey", "-algorithm", s->key_alg, "-out", path, NULL };

	return ossl(log, err, errlen, a);
}

/* An end-entity certificate for name (CN and DNS subjectAltName), signed by
 * the CA in w, for the existing key. */
static int issue(const char *w, const char *name, const char *key, const char *pem,
		 const char *log, char *err, size_t errlen)
{
	char cnf[4096], ca[4096], cakey[4096], subj[256], san[256];

	if (proc_path(cnf, sizeof(cnf), w, "ee.cnf") || proc_path(ca, sizeof(ca), w, "ca.pem") ||
	    proc_path(cakey, sizeof(cakey), w, "ca.key"))
		return ERR_LIMIT;
	snprintf(subj, sizeof(subj), "/CN=%s", name);
	snprintf(san, sizeof(san), "subjectAltName=DNS:%s", name);
	const char *req[] = { "req", "-config", cnf, "-new", "-key", key, "-subj", subj,
			      "-addext", san, "-CA", ca, "-CAkey", cakey, "-days", "7",
			      "-out", pem, NULL };

	return ossl(log, err, errlen, req);
}

/* The end-entity extensions (openssl's default configuration would make
 * every certificate a CA). */
static int write_ee_cnf(const char *w)
{
	char path[4096];
	FILE *f;

	if (proc_path(path, sizeof(path), w, "ee.cnf") || !(f = fopen(path, "w")))
		return ERR_IO;
	fprintf(f, "[req]\ndistinguished_name = dn\nx509_extensions = ee\n[dn]\n[ee]\n"
		   "basicConstraints = critical,CA:FALSE\n"
		   "keyUsage = critical,digitalSignature\n"
		   "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
	return fclose(f) == 0 ? 0 : ERR_IO;
}

int suite_make_pki(const struct suite *s, const char *w, const char *gw_dir,
		   const char *client_dir, unsigned clients, char *err, size_t errlen)
{
	char log[4096], cakey[4096], ca[4096], key[4096], pem[4096], dst[4096], name[64];

	if (!s->key_alg)
		return 0;
	if (clients > SUITE_MAX_CERT_CLIENTS) {
		snprintf(err, errlen, "at most %u clients with certificates", SUITE_MAX_CERT_CLIENTS);
		return ERR_LIMIT;
	}
	if (mkdirs(w, err, errlen) || mkdirs(gw_dir, err, errlen) ||
	    mkdirs(client_dir, err, errlen) || write_ee_cnf(w) != 0 ||
	    proc_path(log, sizeof(log), w, "openssl.log") ||
	    proc_path(cakey, sizeof(cakey), w, "ca.key") || proc_path(ca, sizeof(ca), w, "ca.pem"))
		return ERR_IO;
	const char *careq[] = { "req", "-x509", "-new", "-key", cakey, "-subj",
				"/CN=reswan bench CA", "-days", "7", "-addext",
				"basicConstraints=critical,CA:TRUE", "-addext",
				"keyUsage=critical,keyCertSign,cRLSign", "-out", ca, NULL };

	if (genkey(s, cakey, log, err, errlen) != 0 || ossl(log, err, errlen, careq) != 0)
		return ERR_IO;
	/* The gateway. */
	if (proc_path(key, sizeof(key), gw_dir, "private/gw.key") ||
	    proc_path(pem, sizeof(pem), gw_dir, "x509/gw.pem") ||
	    proc_path(dst, sizeof(dst), gw_dir, "x509ca/ca.pem") ||
	    genkey(s, key, log, err, errlen) != 0 ||
	    issue(w, SUITE_GW_ID, key, pem, log, err, errlen) != 0 || proc_copy(ca, dst) != 0)
		return ERR_IO;
	/* The clients: one key, one certificate each. */
	if (proc_path(key, sizeof(key), client_dir, "private/client.key") ||
	    proc_path(dst, sizeof(dst), client_dir, "x509ca/ca.pem") ||
	    genkey(s, key, log, err, errlen) != 0 || proc_copy(ca, dst) != 0)
		return ERR_IO;
	for (unsigned i = 0; i < clients; i++) {
		char file[64];

		snprintf(name, sizeof(name), "c%u.%s", i, SUITE_CLIENT_DOMAIN);
		snprintf(file, sizeof(file), "x509/c%u.pem", i);
		if (proc_path(pem, sizeof(pem), client_dir, file) ||
		    issue(w, name, key, pem, log, err, errlen) != 0)
			return ERR_IO;
	}
	return 0;
}

/* ---- configuration text ---- */

const char *suite_client_body(const struct suite *s, char *buf, size_t len)
{
	const bool psk = !s->key_alg;

	snprintf(buf, len,
		 "\tversion = 2\n\tproposals = %s\n\tmobike = no\n\tvips = 0.0.0.0\n"
		 "\tlocal {\n\t\tauth = %s\n\t}\n"
		 "\tremote {\n\t\tauth = %s\n\t\tid = %s\n%s\t}\n"
		 "\tchildren {\n\t\tnet {\n\t\t\tremote_ts = %s\n"
		 "\t\t\tesp_proposals = %s\n\t\t}\n\t}\n",
		 s->ike, psk ? "psk" : "pubkey", psk ? "psk" : "pubkey", SUITE_GW_ID, psk ? "" : "\t\tcacerts = ca.pem\n",
		 SUITE_LOCAL_TS, s->esp);
	return buf;
}

const char *suite_client_top(const struct suite *s)
{
	return s->key_alg ? "" : "secrets {\n\tike-bench {\n\t\tsecret = \"" SUITE_PSK "\"\n\t}\n}\n";
}

char *suite_gateway_conf(const struct suite *s, const char *local,
			 const char *resumption_block)
{
	const bool psk = !s->key_alg;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "connections {\n\tgw {\n\t\tversion = 2\n\t\tlocal_addrs = %s\n"
		   "\t\tproposals = %s\n\t\tmobike = no\n\t\tunique = never\n"
		   "\t\tpools = bench\n"
		   "\t\tlocal {\n\t\t\tauth = %s\n\t\t\tid = %s\n%s\t\t}\n"
		   "\t\tremote {\n\t\t\tauth = %s\n%s\t\t}\n"
		   "\t\tchildren {\n\t\t\tnet {\n\t\t\t\tlocal_ts = %s\n"
		   "\t\t\t\tesp_proposals = %s\n\t\t\t}\n\t\t}\n%s\t}\n}\n",
		local, s->ike, psk ? "psk" : "pubkey", SUITE_GW_ID,
		psk ? "" : "\t\t\tcerts = gw.pem\n", psk ? "psk" : "pubkey",
		psk ? "" : "\t\t\tcacerts = ca.pem\n", SUITE_LOCAL_TS, s->esp,
		resumption_block ? resumption_block : "");
	fprintf(f, "pools {\n\tbench {\n\t\taddrs = %s\n\t}\n}\n", SUITE_POOL);
	if (psk)
		fprintf(f, "secrets {\n\tike-bench {\n\t\tsecret = \"%s\"\n\t}\n}\n", SUITE_PSK);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
