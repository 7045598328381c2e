/*
 * ctl_engine.c - handlers of the commands that act on the engine.
 *
 * `up` and `down` are asynchronous: the engine reports their outcome
 * through an ike_done_fn, so the handler hands the engine a small
 * operation record (the request and the name it was about) and answers when
 * the callback fires.  The engine calls every done callback exactly once,
 * at the latest when it is freed, so no record outlives the daemon.
 * Everything else answers before returning; bodies are built in memory with
 * open_memstream() and capped by the server (CTL_MAX_REPLY).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "config/diag.h"
#include "daemon/ctl.h"
#include "daemon/ctl_engine.h"
#include "daemon/daemon.h"
#include "daemon/net.h"
#include "daemon/resumption.h"
#include "ike/ike.h"
#include "resume/resume.h"

#define NAME_MAX_SHOWN 128	/* of a connection name in replies */

struct op {
	struct ctl_req *r;
	char what[NAME_MAX_SHOWN + 1];
};

static struct op *op_new(struct ctl_req *r, const char *what)
{
	struct op *op = calloc(1, sizeof(*op));

	if (op) {
		op->r = r;
		snprintf(op->what, sizeof(op->what), "%s", what);
	}
	return op;
}

static void up_done(void *ctx, int result, const char *msg)
{
	struct op *op = ctx;

	if (result == 0)
		ctl_replyf(op->r, true, "%s: %s\n", op->what, msg);
	else
		ctl_replyf(op->r, false, "%s: %s (%s)\n", op->what, msg,
			   err_str(result));
	free(op);
}

void ctl_engine_up(struct daemon *d, struct ctl_req *r, int argc, char **argv)
{
	struct op *op = op_new(r, argv[1]);
	int rc;

	(void)argc;
	if (!op) {
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	rc = ike_initiate(d->ike, argv[1], up_done, op);
	if (rc == 0)
		return;		/* up_done answers */
	/* Failed synchronously: up_done was not called. */
	switch (rc) {
	case ERR_NOTFOUND:
		ctl_replyf(r, false, "no connection named '%s'\n", op->what);
		break;
	case ERR_STATE:
		ctl_replyf(r, false, "reswand is shutting down\n");
		break;
	case ERR_CONFIG:
		ctl_replyf(r, false, "cannot initiate '%s': it needs one "
			   "remote address (remote_addrs)\n", op->what);
		break;
	case ERR_LIMIT:
		ctl_replyf(r, false, "cannot initiate '%s': IKE SA limit "
			   "reached\n", op->what);
		break;
	default:
		ctl_replyf(r, false, "cannot initiate '%s': %s\n", op->what,
			   err_str(rc));
		break;
	}
	free(op);
}

static void down_done(void *ctx, int result, const char *msg)
{
	struct op *op = ctx;

	ctl_replyf(op->r, result == 0, "%s: %s\n", op->what, msg);
	free(op);
}

void ctl_engine_down(struct daemon *d, struct ctl_req *r, int argc, char **argv)
{
	const char *sel = argv[1];
	struct op *op;
	int rc;

	(void)argc;
	if (sel[0] == '#' && (sel[1] == '\0' || strspn(sel + 1, "0123456789") !=
					    strlen(sel + 1))) {
		ctl_replyf(r, false, "'%.64s' is not an IKE SA number (#N)\n",
			   sel);
		return;
	}
	if (!(op = op_new(r, sel))) {
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	rc = ike_terminate(d->ike, sel, down_done, op);
	if (rc == 0)
		return;		/* down_done answers */
	if (rc == ERR_NOTFOUND)
		ctl_replyf(r, false, "no IKE SA matches '%s'\n", op->what);
	else
		ctl_replyf(r, false, "cannot delete '%s': %s\n", op->what,
			   err_str(rc));
	free(op);
}

/* Finish a memstream body and send it (or an error if building failed). */
static void reply_stream(struct ctl_req *r, FILE *f, char **buf, size_t *len,
			 bool failed)
{
	/* fclose() sets *buf and *len (open_memstream). */
	if (fclose(f) != 0 || failed || !*buf) {
		free(*buf);
		ctl_replyf(r, false, "out of memory building the reply\n");
		return;
	}
	ctl_reply(r, true, *buf, *len);
	free(*buf);
}

/* "json" or nothing; false (after answering) for anything else. */
static bool want_json(struct ctl_req *r, int argc, char **argv,
		      const char *cmd, bool *json)
{
	*json = argc > 1;
	if (*json && strcmp(argv[1], "json") != 0) {
		ctl_replyf(r, false, "usage: %s [json]\n", cmd);
		return false;
	}
	return true;
}

void ctl_engine_status(struct daemon *d, struct ctl_req *r, int argc,
		       char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	bool json, failed = false;
	FILE *f;

	if (!want_json(r, argc, argv, "status", &json))
		return;
	if (!(f = open_memstream(&buf, &len))) {
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	if (json) {
		json_init(&j, f, true);
		ike_status_json(d->ike, &j);
		failed = json_finish(&j) != 0;
	} else {
		ike_status_text(d->ike, f);
	}
	reply_stream(r, f, &buf, &len, failed);
}

struct counter {
	const char *group;
	const char *name;
	uint64_t v;
};

void ctl_engine_stats(struct daemon *d, struct ctl_req *r, int argc,
		      char **argv)
{
	struct ike_stats is;
	struct net_stats ns;
	struct ctl_stats cs;
	struct resume_stats rs = { 0 };
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	bool json, failed = false;
	FILE *f;

	if (!want_json(r, argc, argv, "stats", &json))
		return;
	ike_get_stats(d->ike, &is);
	net_get_stats(d->net, &ns);
	ctl_get_stats(d->ctl, &cs);
	if (d->resumption)
		resumption_get_stats(d->resumption, &rs);
	const struct counter c[] = {
		{ "daemon", "uptime", (clock_mono(clock_system()) -
				       d->start_mono_us) / CLOCK_US_PER_SEC },
		{ "daemon", "reloads", d->reloads },
		{ "daemon", "reload-failures", d->reload_failures },
		{ "daemon", "sessions-logged", d->sessions_logged },
		{ "net", "rx-datagrams", ns.rx_datagrams },
		{ "net", "rx-bytes", ns.rx_bytes },
		{ "net", "rx-truncated", ns.rx_truncated },
		{ "net", "rx-errors", ns.rx_errors },
		{ "net", "natt-ike", ns.natt_ike },
		{ "net", "natt-esp", ns.natt_esp },
		{ "net", "natt-esp-dropped", ns.natt_esp_dropped },
		{ "net", "natt-keepalive", ns.natt_keepalive },
		{ "net", "natt-invalid", ns.natt_invalid },
		{ "net", "tx-datagrams", ns.tx_datagrams },
		{ "net", "tx-errors", ns.tx_errors },
		{ "net", "tx-no-socket", ns.tx_no_socket },
		{ "control", "clients", cs.clients },
		{ "control", "accepted", cs.accepted },
		{ "control", "refused", cs.refused },
		{ "control", "requests", cs.requests },
		{ "control", "errors", cs.errors },
		{ "control", "pending", cs.pending },
		{ "ike", "ike-sas", is.ike_sas },
		{ "ike", "half-open", is.half_open },
		{ "ike", "child-sas", is.child_sas },
		{ "ike", "established-total", is.established_total },
		{ "ike", "resumed-total", is.resumed_total },
		{ "ike", "rx-messages", is.rx_messages },
		{ "ike", "rx-invalid", is.rx_invalid },
		{ "ike", "rx-unauthenticated", is.rx_unauthenticated },
		{ "ike", "rx-unknown-spi", is.rx_unknown_spi },
		{ "ike", "rx-retransmits", is.rx_retransmits },
		{ "ike", "tx-messages", is.tx_messages },
		{ "ike", "tx-retransmits", is.tx_retransmits },
		{ "ike", "dropped-half-open", is.dropped_half_open },
		{ "ike", "dropped-sa-limit", is.dropped_sa_limit },
		{ "ike", "cookies-sent", is.cookies_sent },
		{ "ike", "cookies-rejected", is.cookies_rejected },
		{ "resumption", "tickets-issued", rs.tickets_issued },
		{ "resumption", "attempts", rs.attempts },
		{ "resumption", "resumed", rs.resumed },
		{ "resumption", "rejected", rs.rejected },
		{ "resumption", "fallbacks", rs.fallbacks },
		{ "resumption", "auth-failed", rs.auth_failed },
		{ "resumption", "races-lost", rs.races_lost },
	};
	const size_t n = sizeof(c) / sizeof(c[0]);

	if (!(f = open_memstream(&buf, &len))) {
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	if (json) {
		json_init(&j, f, true);
		json_object_begin(&j, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		bool first = i == 0 || strcmp(c[i].group, c[i - 1].group) != 0;

		if (first && json)
			json_object_begin(&j, c[i].group);
		else if (first)
			fprintf(f, "%s:\n", c[i].group);
		if (json)
			json_u64(&j, c[i].name, c[i].v);
		else
			fprintf(f, "  %-20s %" PRIu64 "\n", c[i].name, c[i].v);
		if (json && (i + 1 == n || strcmp(c[i].group, c[i + 1].group)))
			json_object_end(&j);
	}
	if (json) {
		json_object_end(&j);
		failed = json_finish(&j) != 0;
	}
	reply_stream(r, f, &buf, &len, failed);
}

void ctl_engine_reload(struct daemon *d, struct ctl_req *r, int argc,
		       char **argv)
{
	struct diag diag;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	(void)argc;
	(void)argv;
	diag_init(&diag);
	rc = daemon_reload(d, &diag);
	if (!(f = open_memstream(&buf, &len))) {
		ctl_replyf(r, rc == 0, rc == 0 ? "reloaded\n" : "reload failed\n");
		return;
	}
	diag_print(&diag, f);
	if (rc == 0)
		fprintf(f, "reloaded %s\n", d->opts.config);
	else
		fprintf(f, "%s: configuration rejected (%zu errors); the "
			"previous configuration stays in force\n",
			d->opts.config, diag.n_errors);
	if (fclose(f) != 0 || !buf) {
		free(buf);
		ctl_replyf(r, rc == 0, rc == 0 ? "reloaded\n" : "reload failed\n");
		return;
	}
	ctl_reply(r, rc == 0, buf, len);
	free(buf);
}
