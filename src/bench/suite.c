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

/* An end-entity certificate for name (CN and DNS subjectAltName). */
static int issue(const struct suite *s, const char *w, const char *name,
		 const char *key, const char *pem, const char *log, char *err,
		 size_t errlen)
{
	char csr[4096], ext[4096], subj[256], ca[4096], cakey[4096];
	FILE *f;

	snprintf(csr, sizeof(csr), "%s/%s.csr", w, name);
	snprintf(ext, sizeof(ext), "%s/%s.ext", w, name);
	snprintf(subj, sizeof(subj), "/CN=%s", name);
	snprintf(ca, sizeof(ca), "%s/ca.pem", w);
	snprintf(cakey, sizeof(cakey), "%s/ca.key", w);
	if (!(f = fopen(ext, "w"))) {
		snprintf(err, errlen, "cannot write %s", ext);
		return ERR_IO;
	}
	fprintf(f, "subjectAltName=DNS:%s\n", name);
	if (fclose(f) != 0)
		return ERR_IO;
	const char *req[] = { "req", "-new", "-key", key, "-subj", subj, "-out", csr, NULL };
	const char *x509[] = { "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", cakey,
			       "-CAcreateserial", "-days", "7", "-extfile", ext,
			       "-out", pem, NULL };

	if (genkey(s, key, log, err, errlen) != 0 || ossl(log, err, errlen, req) != 0 ||
	    ossl(log, err, errlen, x509) != 0)
		return ERR_IO;
	return 0;
}

int suite_make_pki(const struct suite *s, const char *w, const char *gw_dir,
		   const char *client_dir, char *err, size_t errlen)
{
	char log[4096], cakey[4096], ca[4096], key[4096], pem[4096], dst[4096];

	if (!s->key_alg)
		return 0;
	if (mkdirs(w, err, errlen) || mkdirs(gw_dir, err, errlen) ||
	    mkdirs(client_dir, err, errlen))
		return ERR_IO;
	snprintf(log, sizeof(log), "%s/openssl.log", w);
	snprintf(cakey, sizeof(cakey), "%s/ca.key", w);
	snprintf(ca, sizeof(ca), "%s/ca.pem", w);
	const char *careq[] = { "req", "-x509", "-new", "-key", cakey, "-subj",
				"/CN=reswan bench CA", "-days", "7", "-addext",
				"basicConstraints=critical,CA:TRUE", "-addext",
				"keyUsage=critical,keyCertSign,cRLSign", "-out", ca, NULL };

	if (genkey(s, cakey, log, err, errlen) != 0 || ossl(log, err, errlen, careq) != 0)
		return ERR_IO;
	for (int side = 0; side < 2; side++) {
		const char *dir = side ? client_dir : gw_dir;
		const char *who = side ? "client" : "gw";
		const char *name = side ? SUITE_CLIENT_ID : SUITE_GW_ID;

		snprintf(key, sizeof(key), "%s/private/%s.key", dir, who);
		snprintf(pem, sizeof(pem), "%s/x509/%s.pem", dir, who);
		snprintf(dst, sizeof(dst), "%s/x509ca/ca.pem", dir);
		if (issue(s, w, name, key, pem, log, err, errlen) != 0)
			return ERR_IO;
		if (proc_copy(ca, dst) != 0) {
			snprintf(err, errlen, "cannot copy %s to %s", ca, dst);
			return ERR_IO;
		}
	}
	return 0;
}

/* ---- configuration text ---- */

const char *suite_client_body(const struct suite *s, char *buf, size_t len)
{
	const bool psk = !s->key_alg;

	snprintf(buf, len,
		 "\tversion = 2\n\tproposals = %s\n\tmobike = no\n"
		 "\tlocal {\n\t\tauth = %s\n%s\t}\n"
		 "\tremote {\n\t\tauth = %s\n\t\tid = %s\n%s\t}\n"
		 "\tchildren {\n\t\tnet {\n\t\t\tremote_ts = %s\n"
		 "\t\t\tesp_proposals = %s\n\t\t}\n\t}\n",
		 s->ike, psk ? "psk" : "pubkey", psk ? "" : "\t\tcerts = client.pem\n",
		 psk ? "psk" : "pubkey", SUITE_GW_ID, psk ? "" : "\t\tcacerts = ca.pem\n",
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
		   "\t\tlocal {\n\t\t\tauth = %s\n\t\t\tid = %s\n%s\t\t}\n"
		   "\t\tremote {\n\t\t\tauth = %s\n%s\t\t}\n"
		   "\t\tchildren {\n\t\t\tnet {\n\t\t\t\tlocal_ts = %s\n"
		   "\t\t\t\tesp_proposals = %s\n\t\t\t}\n\t\t}\n%s\t}\n}\n",
		local, s->ike, psk ? "psk" : "pubkey", SUITE_GW_ID,
		psk ? "" : "\t\t\tcerts = gw.pem\n", psk ? "psk" : "pubkey",
		psk ? "" : "\t\t\tcacerts = ca.pem\n", SUITE_LOCAL_TS, s->esp,
		resumption_block ? resumption_block : "");
	if (psk)
		fprintf(f, "secrets {\n\tike-bench {\n\t\tsecret = \"%s\"\n\t}\n}\n", SUITE_PSK);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
