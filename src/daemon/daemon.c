/*
 * daemon.c - reswand's lifecycle and the glue between libevent and the
 * engine (see daemon.h).
 *
 * The engine has one timer from the loop's point of view: its earliest
 * deadline.  After every event that may have touched the engine,
 * daemon_kick() re-arms that timer (libevent's timers are relative, the
 * engine's deadlines absolute on the monotonic clock seam).  Signals arrive
 * as libevent signal events, so handlers run in the loop like everything
 * else and may call the engine.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "config/config.h"
#include "config/diag.h"
#include "crypto/rand.h"
#include "daemon/acct.h"
#include "daemon/ctl.h"
#include "daemon/daemon.h"
#include "daemon/net.h"
#include "daemon/resumption.h"
#include "ike/creds.h"
#include "ike/dp_record.h"
#include "ike/ike.h"

/* ---- configuration ---- */

/* Configuration and credentials; on failure both are NULL and diag says
 * why. */
static int load(const struct opts *o, struct config **cfg, struct creds **creds,
		struct diag *diag)
{
	struct config_opts copts = { .check_files = true };
	int rc;

	*cfg = NULL;
	*creds = NULL;
	if ((rc = config_load_file(o->config, &copts, cfg, diag)) != 0)
		return rc;
	if ((rc = creds_load(*cfg, creds, diag)) != 0) {
		config_free(*cfg);
		*cfg = NULL;
		*creds = NULL;
		return rc;
	}
	return 0;
}

static bool wants_start(const struct config_conn *c)
{
	for (size_t i = 0; i < c->n_children; i++)
		if (c->children[i].start_action == CONFIG_ACTION_START)
			return true;
	return false;
}

static bool names_has(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

static void names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The connection names of cfg (*all) and those of them to initiate now
 * (*start): start_action = start and not in the previous configuration.
 * The engine takes the configuration, so names are copied before.
 */
static int plan_starts(const struct daemon *d, const struct config *cfg,
		       char ***all, size_t *n_all, char ***start,
		       size_t *n_start)
{
	char **a = calloc(cfg->n_conns + 1, sizeof(*a));
	char **s = calloc(cfg->n_conns + 1, sizeof(*s));
	size_t na = 0, ns = 0;

	if (!a || !s)
		goto fail;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *c = &cfg->conns[i];

		if (!(a[na] = strdup(c->name)))
			goto fail;
		na++;
		if (!wants_start(c) ||
		    names_has(d->conn_names, d->n_conn_names, c->name))
			continue;
		if (!(s[ns] = strdup(c->name)))
			goto fail;
		ns++;
	}
	*all = a;
	*n_all = na;
	*start = s;
	*n_start = ns;
	return 0;
fail:
	names_free(a, na);
	names_free(s, ns);
	return ERR_NOMEM;
}

struct start_op {
	char name[128];
};

static void start_done(void *ctx, int result, const char *msg)
{
	struct start_op *op = ctx;

	if (result == 0)
		log_info("start_action: %s: %s", op->name, msg);
	else
		log_warn("start_action: %s: %s (%s)", op->name, msg,
			 err_str(result));
	free(op);
}

static void start_connections(struct daemon *d, char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct start_op *op = calloc(1, sizeof(*op));
		int rc;

		if (!op) {
			log_error("start_action: %s: out of memory", names[i]);
			continue;
		}
		snprintf(op->name, sizeof(op->name), "%s", names[i]);
		log_info("start_action: initiating %s", names[i]);
		rc = ike_initiate(d->ike, names[i], start_done, op);
		if (rc != 0) {
			/* start_done was not called. */
			log_warn("start_action: %s: %s", names[i], err_str(rc));
			free(op);
		}
	}
}

int daemon_reload(struct daemon *d, struct diag *diag)
{
	struct config *cfg;
	struct creds *creds;
	char **all = NULL, **start = NULL;
	size_t n_all = 0, n_start = 0;
	int rc;

	if ((rc = load(&d->opts, &cfg, &creds, diag)) != 0) {
		d->reload_failures++;
		log_error("reload: %s rejected (%zu errors); keeping the "
			  "previous configuration", d->opts.config,
			  diag_errors(diag));
		for (size_t i = 0; i < diag->n; i++)
			log_error("reload: %s", diag->e[i].msg);
		return rc == ERR_NOMEM ? ERR_NOMEM : ERR_CONFIG;
	}
	if ((rc = plan_starts(d, cfg, &all, &n_all, &start, &n_start)) != 0 ||
	    (rc = ike_set_config(d->ike, cfg, creds)) != 0) {
		names_free(all, n_all);
		names_free(start, n_start);
		config_free(cfg);
		creds_free(creds);
		d->reload_failures++;
		diag_error(diag, NULL, 0, "reload: %s", err_str(rc));
		return rc;
	}
	if (resumption_reload(d->resumption, cfg) != 0)
		log_error("reload: resumption: the connections' capacities "
			  "exceed the cache; some keep their old policy");
	names_free(d->conn_names, d->n_conn_names);
	d->conn_names = all;
	d->n_conn_names = n_all;
	d->reloads++;
	log_info("reload: %s loaded", d->opts.config);
	if (d->acct && acct_reopen(d->acct) != 0)
		log_error("reload: reopening the accounting log: %s",
			  strerror(errno));
	if (!d->shutting_down)
		start_connections(d, start, n_start);
	names_free(start, n_start);
	daemon_kick(d);
	return 0;
}

/* ---- engine seams ---- */

static void on_ike_rx(void *ctx, const struct addr *local,
		      const struct addr *remote, const uint8_t *msg, size_t len)
{
	struct daemon *d = ctx;

	ike_receive(d->ike, local, remote, msg, len);
	/* Re-arming after each datagram of a batch is cheap (one heap
	 * update in libevent) and keeps the deadline exact. */
	daemon_kick(d);
}

static void on_sa_up(void *ctx, const struct ike_session_event *ev)
{
	char a[ADDR_STRLEN];

	(void)ctx;
	log_info("%s #%llu up: %s @ %s%s", ev->conn,
		 (unsigned long long)ev->uniqueid,
		 ev->peer_id && *ev->peer_id ? ev->peer_id : "?",
		 addr_fmt(&ev->remote, true, a, sizeof(a)),
		 ev->resumed ? " (resumed)" : "");
}

static void on_sa_down(void *ctx, const struct ike_session_event *ev)
{
	struct daemon *d = ctx;

	if (d->acct && acct_write(d->acct, ev) == 0)
		d->sessions_logged++;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	d->armed = UINT64_MAX;
	ike_tick(d->ike);
	daemon_kick(d);
}

void daemon_kick(struct daemon *d)
{
	uint64_t next, now, delay;
	struct timeval tv;

	if (!d->ike)
		return;
	if (d->shutting_down && ike_idle(d->ike)) {
		event_base_loopexit(d->base, NULL);
		return;
	}
	next = ike_next_deadline(d->ike);
	if (next == d->armed)
		return;
	if (next == UINT64_MAX) {
		evtimer_del(d->ev_timer);
		d->armed = UINT64_MAX;
		return;
	}
	now = clock_mono(clock_system());
	delay = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(delay / CLOCK_US_PER_SEC);
	tv.tv_usec = (suseconds_t)(delay % CLOCK_US_PER_SEC);
	if (evtimer_add(d->ev_timer, &tv) != 0) {
		log_error("event loop: cannot arm the engine timer");
		return;
	}
	d->armed = next;
}

/* ---- signals and shutdown ---- */

static void on_shutdown_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	log_warn("shutdown: IKE SAs still open after %d s; leaving anyway",
		 DAEMON_SHUTDOWN_S);
	event_base_loopexit(d->base, NULL);
}

void daemon_shutdown(struct daemon *d)
{
	struct timeval tv = { DAEMON_SHUTDOWN_S, 0 };

	if (d->shutting_down) {
		/* Second signal: do not wait for the peers. */
		log_info("shutdown: exiting now");
		event_base_loopexit(d->base, NULL);
		return;
	}
	d->shutting_down = true;
	log_info("shutdown: deleting IKE SAs (at most %d s)", DAEMON_SHUTDOWN_S);
	ike_shutdown(d->ike);
	evtimer_add(d->ev_shutdown, &tv);
	daemon_kick(d);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct diag diag;

	(void)what;
	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", d->opts.config);
		diag_init(&diag);
		(void)daemon_reload(d, &diag);
		return;
	}
	log_info("%s received", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	daemon_shutdown(d);
}

/* ---- pidfile ---- */

static int pidfile_write(const char *path)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return ERR_IO;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		unlink(path);
		return ERR_IO;
	}
	close(fd);
	return 0;
}

/* Remove the pidfile if it still names us. */
static void pidfile_remove(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (strtol(buf, NULL, 10) == (long)getpid())
		unlink(path);
}

/* ---- lifecycle ---- */

struct daemon *daemon_new(const struct opts *opts)
{
	struct daemon *d = calloc(1, sizeof(*d));
	static const int sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	struct event_config *ecfg = NULL;
	struct config *cfg = NULL;
	struct creds *creds = NULL;
	char **start = NULL;
	size_t n_start = 0;
	struct diag diag;
	struct ike_env env;
	struct net_config nc;
	char err[512], a[ADDR_STRLEN];

	if (!d) {
		fprintf(stderr, "reswand: out of memory\n");
		return NULL;
	}
	d->opts = *opts;
	d->armed = UINT64_MAX;
	d->start_wall_us = clock_wall(clock_system());
	d->start_mono_us = clock_mono(clock_system());

	/* Configuration first: nothing is opened for a file that is
	 * refused. */
	diag_init(&diag);
	if (load(opts, &cfg, &creds, &diag) != 0) {
		diag_print(&diag, stderr);
		fprintf(stderr, "reswand: %s: configuration rejected (%zu "
			"errors)\n", opts->config, diag.n_errors);
		goto fail;
	}
	diag_print(&diag, stderr);	/* warnings */
	if (plan_starts(d, cfg, &d->conn_names, &d->n_conn_names, &start,
			&n_start) != 0)
		goto nomem;

	/* A precise timer: the engine's deadlines are microseconds. */
	if (!(ecfg = event_config_new()) ||
	    event_config_set_flag(ecfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0 ||
	    !(d->base = event_base_new_with_config(ecfg))) {
		fprintf(stderr, "reswand: cannot create the event loop\n");
		goto fail;
	}
	event_config_free(ecfg);
	ecfg = NULL;

	/* The control socket before the UDP ports, so a second daemon is
	 * told that one runs rather than "address in use". */
	if (!(d->ctl = ctl_new(d->base, opts->socket, d, err, sizeof(err)))) {
		fprintf(stderr, "reswand: %s\n", err);
		goto fail;
	}
	nc = (struct net_config){
		.port = opts->port, .natt_port = opts->natt_port,
		.listen = opts->listen, .n_listen = opts->n_listen,
		.ike_rx = on_ike_rx, .ctx = d,
	};
	if (!(d->net = net_new(d->base, &nc, err, sizeof(err)))) {
		fprintf(stderr, "reswand: %s\n", err);
		goto fail;
	}
	if (opts->accounting &&
	    !(d->acct = acct_open(opts->accounting, d->start_wall_us))) {
		fprintf(stderr, "reswand: accounting log %s: %s\n",
			opts->accounting, strerror(errno));
		goto fail;
	}
	if (!(d->dp = dp_record_new(DAEMON_MAX_CHILDREN)))
		goto nomem;
	memset(&env, 0, sizeof(env));
	env.clock = clock_system();
	env.rand = rand_system();
	env.io = (struct ike_io){ .send = net_send, .ctx = d->net };
	env.dp = dp_record_ops(d->dp);
	env.events = (struct ike_events){ .sa_up = on_sa_up,
					  .sa_down = on_sa_down, .ctx = d };
	env.params = opts->params;
	if (!(d->ike = ike_new(&env, cfg, creds)))
		goto nomem;
	/* The engine's now; still readable while it holds them. */
	if (!(d->resumption = resumption_new(d, cfg, err, sizeof(err)))) {
		cfg = NULL;
		creds = NULL;
		fprintf(stderr, "reswand: %s\n", err);
		goto fail;
	}
	cfg = NULL;
	creds = NULL;

	if (!(d->ev_timer = evtimer_new(d->base, on_timer, d)) ||
	    !(d->ev_shutdown = evtimer_new(d->base, on_shutdown_timeout, d)))
		goto nomem;
	for (int i = 0; i < 3; i++) {
		d->ev_sig[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		if (!d->ev_sig[i] || evsignal_add(d->ev_sig[i], NULL) != 0)
			goto nomem;
	}
	if (opts->pidfile) {
		if (pidfile_write(opts->pidfile) != 0) {
			fprintf(stderr, "reswand: pidfile %s: %s\n",
				opts->pidfile, strerror(errno));
			goto fail;
		}
		d->pidfile_written = true;
	}

	for (size_t i = 0; i < net_count(d->net); i++)
		log_info("listening on %s (%s)",
			 addr_fmt(net_bound(d->net, i), true, a, sizeof(a)),
			 net_bound(d->net, i)->port == opts->natt_port ? "NAT-T"
								       : "IKE");
	log_info("control socket %s; %zu connection(s) from %s", opts->socket,
		 d->n_conn_names, opts->config);
	start_connections(d, start, n_start);
	names_free(start, n_start);
	daemon_kick(d);
	return d;
nomem:
	fprintf(stderr, "reswand: out of memory\n");
fail:
	if (ecfg)
		event_config_free(ecfg);
	names_free(start, n_start);
	config_free(cfg);
	creds_free(creds);
	daemon_free(d);
	return NULL;
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	/* The engine first: freeing it answers pending up/down requests
	 * and reports the sessions it drops to the accounting log.  No new
	 * request may reach it meanwhile. */
	if (d->ctl)
		ctl_stop(d->ctl);
	ike_free(d->ike);
	d->ike = NULL;
	/* After the engine: its SAs reported their ends to the cache. */
	resumption_free(d->resumption);
	d->resumption = NULL;
	net_free(d->net);
	d->net = NULL;
	for (int i = 0; i < 3; i++)
		if (d->ev_sig[i])
			event_free(d->ev_sig[i]);
	if (d->ev_timer)
		event_free(d->ev_timer);
	if (d->ev_shutdown)
		event_free(d->ev_shutdown);
	/* One more turn of the loop, with only control clients left, so the
	 * answers ike_free() produced leave before the clients are closed. */
	if (d->base && d->ctl)
		event_base_loop(d->base, EVLOOP_NONBLOCK);
	acct_free(d->acct);
	dp_record_free(d->dp);
	ctl_free(d->ctl);
	if (d->base)
		event_base_free(d->base);
	if (d->pidfile_written)
		pidfile_remove(d->opts.pidfile);
	names_free(d->conn_names, d->n_conn_names);
	free(d);
}

int daemon_run(struct daemon *d)
{
	if (event_base_dispatch(d->base) < 0) {
		log_error("event loop failed");
		return 1;
	}
	log_info("stopped");
	return 0;
}
