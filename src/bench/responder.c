/*
 * responder.c - starting, measuring and stopping the responder under test
 * (see responder.h).
 *
 * charon is configured for a benchmark the way its documentation advises
 * for many clients, and to match reswand's defaults where they differ:
 * cookies from 1000 half-open SAs (reswand's --cookie-threshold; Debian's
 * charon asks from 30, and from 3 per peer address), no per-address
 * half-open block (the benchmark's clients share a few source addresses),
 * and a hashed IKE SA table (the default is a single bucket).  It logs at
 * level 0 (one line per IKE SA event), as reswand at `info` does.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/proc.h"
#include "bench/responder.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/ctl_client.h"

#define CHARON "/usr/lib/ipsec/charon"
#define SWANCTL "swanctl"
#define START_WAIT_MS 10000
#define STOP_WAIT_MS 5000
#define PATH_LEN 4096

struct responder {
	struct responder_opts o;
	pid_t pid;
	char dir[PATH_LEN];
	char conf[PATH_LEN];	/* reswand: swanctl.conf; charon: strongswan.conf */
	char confdir[PATH_LEN];	/* where x509/, private/ live */
	char ctl[PATH_LEN];	/* reswand control socket */
	char log[PATH_LEN];
	char run[PATH_LEN];	/* charon's private /run */
	char vici[PATH_LEN];
	char addr[ADDR_STRLEN];
	char port[8], natt_port[8];
	char resumption[1024];
	char log_level[16];
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return ERR_IO;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : ERR_IO;
}

/* The last lines of the log, for an error message. */
static void log_tail(const char *path, char *out, size_t len)
{
	char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = 0;
	long sz;

	out[0] = '\0';
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > (long)sizeof(buf) - 1)
		fseek(f, sz - (long)sizeof(buf) + 1, SEEK_SET);
	else
		fseek(f, 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The last three lines. */
	int lines = 0;
	char *p = buf + n;

	while (p > buf && lines < 4)
		if (*--p == '\n')
			lines++;
	if (snprintf(out, len, "%s", p == buf ? p : p + 1) >= (int)len && len > 4)
		memcpy(out + len - 4, "...", 4);
}

static int mkdir_p(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : ERR_IO;
}

/* Copy the gateway's certificate, key and CA into confdir. */
static int copy_pki(const struct responder *r)
{
	static const char *const files[] = { "x509/gw.pem", "private/gw.key", "x509ca/ca.pem" };
	static const char *const subs[] = { "x509", "private", "x509ca" };
	char a[PATH_LEN], b[PATH_LEN];

	for (size_t i = 0; i < 3; i++)
		if (proc_path(a, sizeof(a), r->confdir, subs[i]) != 0 || mkdir_p(a) != 0)
			return ERR_IO;
	if (!r->o.pki_dir || !r->o.suite->key_alg)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (proc_path(a, sizeof(a), r->o.pki_dir, files[i]) != 0 ||
		    proc_path(b, sizeof(b), r->confdir, files[i]) != 0 || proc_copy(a, b) != 0)
			return ERR_IO;
	return 0;
}

static int prepare_reswand(struct responder *r)
{
	char *text;
	int rc;

	if (proc_path(r->confdir, sizeof(r->confdir), r->dir, ".") != 0 ||
	    proc_path(r->conf, sizeof(r->conf), r->dir, "swanctl.conf") != 0 ||
	    proc_path(r->ctl, sizeof(r->ctl), r->dir, "reswand.ctl") != 0 ||
	    proc_path(r->log, sizeof(r->log), r->dir, "reswand.log") != 0 ||
	    copy_pki(r) != 0)
		return ERR_IO;
	if (!(text = suite_gateway_conf(r->o.suite, r->addr, r->o.resumption)))
		return ERR_NOMEM;
	rc = write_file(r->conf, text);
	free(text);
	return rc;
}

/* reswand's levels on charon's: info (one line per IKE SA event) is 0. */
static int charon_level(const char *lvl)
{
	int l = log_level_parse(lvl);

	return l <= LOG_LVL_WARN ? -1 : l - LOG_LVL_INFO;
}

static int prepare_charon(struct responder *r)
{
	static const char *const subs[] = { "conf.d", "x509aa", "x509ac", "x509crl",
					    "x509ocsp", "rsa", "ecdsa", "pkcs8", "pkcs12",
					    "pubkey", "bliss" };
	char p[PATH_LEN], text[4096], *conf;
	int rc;

	if (proc_path(r->confdir, sizeof(r->confdir), r->dir, "swanctl") != 0 ||
	    proc_path(r->conf, sizeof(r->conf), r->dir, "strongswan.conf") != 0 ||
	    proc_path(r->log, sizeof(r->log), r->dir, "charon.log") != 0 ||
	    proc_path(r->run, sizeof(r->run), r->dir, "run") != 0 ||
	    proc_path(r->vici, sizeof(r->vici), r->run, "charon.vici") != 0 ||
	    mkdir_p(r->confdir) != 0 || mkdir_p(r->run) != 0 || copy_pki(r) != 0)
		return ERR_IO;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (proc_path(p, sizeof(p), r->confdir, subs[i]) != 0 || mkdir_p(p) != 0)
			return ERR_IO;
	rc = snprintf(text, sizeof(text),
		 "charon {\n"
		 "\tload_modular = no\n"
		 "\tload = random nonce openssl aes gcm sha1 sha2 hmac gmp curve25519 x509 pem "
		 "pkcs1 pkcs8 pubkey revocation constraints kdf kernel-libipsec kernel-netlink "
		 "socket-default vici\n"
		 "\tinstall_routes = no\n"
		 "\tinstall_virtual_ip = no\n"
		 "\tcookie_threshold = 1000\n"
		 "\tcookie_threshold_ip = 1000000\n"
		 "\tblock_threshold = 1000000\n"
		 "\tikesa_table_size = 4096\n"
		 "\tikesa_table_segments = 16\n"
		 "\tfilelog {\n\t\tbench {\n\t\t\tpath = %s/charon-ike.log\n"
		 "\t\t\tdefault = %d\n\t\t}\n\t}\n"
		 "}\n", r->dir, charon_level(r->log_level));
	if (rc < 0 || (size_t)rc >= sizeof(text) || write_file(r->conf, text) != 0)
		return ERR_IO;
	if (!(conf = suite_gateway_conf(r->o.suite, r->addr, NULL)))
		return ERR_NOMEM;
	rc = proc_path(p, sizeof(p), r->confdir, "swanctl.conf");
	if (rc == 0)
		rc = write_file(p, conf);
	free(conf);
	return rc;
}

static int wait_ready(struct responder *r, char *err, size_t errlen)
{
	char tail[1024];
	struct stat st;

	for (int ms = 0; ms < START_WAIT_MS; ms += 20) {
		if (!proc_alive(r->pid)) {
			r->pid = 0;
			log_tail(r->log, tail, sizeof(tail));
			snprintf(err, errlen, "%s exited at startup; %s:\n%s",
				 responder_name(r), r->log, tail);
			return ERR_IO;
		}
		if (r->o.kind == RESPONDER_RESWAND ? ctl_client_probe(r->ctl)
						   : stat(r->vici, &st) == 0)
			return 0;
		sleep_ms(20);
	}
	log_tail(r->log, tail, sizeof(tail));
	snprintf(err, errlen, "%s did not answer within %d s; %s:\n%s",
		 responder_name(r), START_WAIT_MS / 1000, r->log, tail);
	return ERR_TIMEOUT;
}

/* swanctl --load-all inside charon's namespaces. */
static int charon_load(struct responder *r, char *err, size_t errlen)
{
	char mnt[64], net[64], tail[1024];
	const char *argv[] = { SWANCTL, "--load-all", "--noprompt", NULL };
	struct proc_opts po = { .log = r->log, .cpu = -1, .mntns = mnt, .netns = net };

	snprintf(mnt, sizeof(mnt), "/proc/%ld/ns/mnt", (long)r->pid);
	snprintf(net, sizeof(net), "/proc/%ld/ns/net", (long)r->pid);
	if (proc_run_opts(argv, &po) != 0) {
		log_tail(r->log, tail, sizeof(tail));
		snprintf(err, errlen, "swanctl --load-all failed; %s:\n%s", r->log, tail);
		return ERR_IO;
	}
	return 0;
}

int responder_restart(struct responder *r, char *err, size_t errlen)
{
	struct proc_opts po = { .log = r->log, .cpu = r->o.cpu, .netns = r->o.netns };

	if (r->o.kind == RESPONDER_RESWAND) {
		const char *argv[] = { r->o.reswand, "-c", r->conf, "--socket", r->ctl,
				       "--listen", r->addr, "--port", r->port,
				       "--natt-port", r->natt_port, "--log-level", r->log_level,
				       "--modp-exponent",
				       r->o.modp_short_exponent ? "short" : "full", NULL };

		r->pid = proc_spawn(argv, &po);
	} else {
		const char *argv[] = { CHARON, NULL };
		const char *binds[] = { r->run, "/run", r->confdir, "/etc/swanctl",
					r->conf, "/etc/strongswan.conf", NULL };

		unlink(r->vici);
		po.binds = binds;
		r->pid = proc_spawn(argv, &po);
	}
	if (r->pid < 0) {
		r->pid = 0;
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return ERR_IO;
	}
	if (wait_ready(r, err, errlen) != 0)
		return ERR_IO;
	if (r->o.kind == RESPONDER_CHARON && charon_load(r, err, errlen) != 0)
		return ERR_IO;
	return 0;
}

struct responder *responder_start(const struct responder_opts *o, char *err,
				  size_t errlen)
{
	struct responder *r = calloc(1, sizeof(*r));
	int rc;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->o = *o;
	if (snprintf(r->dir, sizeof(r->dir), "%s", o->dir) >= (int)sizeof(r->dir)) {
		snprintf(err, errlen, "directory name too long");
		goto fail;
	}
	snprintf(r->log_level, sizeof(r->log_level), "%s", o->log_level ? o->log_level : "info");
	if (o->resumption) {
		snprintf(r->resumption, sizeof(r->resumption), "%s", o->resumption);
		r->o.resumption = r->resumption;
	}
	addr_fmt(&o->addr, false, r->addr, sizeof(r->addr));
	snprintf(r->port, sizeof(r->port), "%u", o->addr.port);
	snprintf(r->natt_port, sizeof(r->natt_port), "%u", o->natt_port ? o->natt_port : 4500);
	if (o->kind == RESPONDER_CHARON && access(CHARON, X_OK) != 0) {
		snprintf(err, errlen, "%s is missing (scripts/deps.sh bench installs it)", CHARON);
		goto fail;
	}
	if (mkdir_p(r->dir) != 0) {
		snprintf(err, errlen, "mkdir %s: %s", r->dir, strerror(errno));
		goto fail;
	}
	rc = o->kind == RESPONDER_RESWAND ? prepare_reswand(r) : prepare_charon(r);
	if (rc != 0) {
		snprintf(err, errlen, "cannot write the %s configuration under %s",
			 responder_name(r), r->dir);
		goto fail;
	}
	if (responder_restart(r, err, errlen) != 0)
		goto fail;
	return r;
fail:
	responder_free(r);
	return NULL;
}

void responder_free(struct responder *r)
{
	if (!r)
		return;
	if (r->pid > 0)
		proc_stop(r->pid, SIGTERM, STOP_WAIT_MS);
	free(r);
}

void responder_kill(struct responder *r)
{
	if (r->pid > 0)
		proc_stop(r->pid, SIGKILL, STOP_WAIT_MS);
	r->pid = 0;
}

int responder_counters(const struct responder *r, struct responder_counter *c, size_t n)
{
	struct ctl_reply rep;
	char err[256], group[64] = "";
	int rc;

	for (size_t i = 0; i < n; i++)
		c[i].found = false;
	if (r->o.kind != RESPONDER_RESWAND)
		return ERR_UNSUPPORTED;
	if ((rc = ctl_client_call(r->ctl, "stats", 5000, &rep, err, sizeof(err))) != 0)
		return rc;
	/* "group:" lines, then "  name value" lines. */
	for (char *line = rep.body, *next; rep.ok && line && *line; line = next) {
		char name[64];
		unsigned long long v;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] != ' ') {
			snprintf(group, sizeof(group), "%.*s", (int)strcspn(line, ":"), line);
			continue;
		}
		if (sscanf(line, " %63s %llu", name, &v) != 2)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(c[i].group, group) && !strcmp(c[i].name, name)) {
				c[i].v = v;
				c[i].found = true;
			}
	}
	rc = rep.ok ? 0 : ERR_IO;
	ctl_client_reply_free(&rep);
	return rc;
}

pid_t responder_pid(const struct responder *r)
{
	return r->pid;
}

int responder_cpu_us(const struct responder *r, uint64_t *us)
{
	return r->pid > 0 ? proc_cpu_us(r->pid, us) : ERR_IO;
}

bool responder_alive(const struct responder *r)
{
	return proc_alive(r->pid);
}

const char *responder_ctl(const struct responder *r)
{
	return r->o.kind == RESPONDER_RESWAND ? r->ctl : NULL;
}

const char *responder_log(const struct responder *r)
{
	return r->log;
}

const char *responder_name(const struct responder *r)
{
	return r->o.kind == RESPONDER_RESWAND ? "reswand" : "charon";
}
