/*
 * resume.c - attaching the resumption exchange to an engine, and the
 * connection table shared with the credential cache.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "config/config.h"
#include "resume/internal.h"

struct resume *resume_new(struct ike *ike, const struct resume_opts *o)
{
	struct resume *r = calloc(1, sizeof(*r));
	struct ike_ext ext = {
		.initiate = resume_initiate,
		.receive_init = resume_receive_init,
		.process_request = resume_process_request,
		.process_response = resume_process_response,
		.request_failed = resume_request_failed,
		.auth_request_put = resume_auth_request_put,
		.auth_request_process = resume_auth_request_process,
		.auth_response_put = resume_auth_response_put,
		.auth_response_process = resume_auth_response_process,
		.sa_down = resume_sa_down,
		.sa_free = resume_sa_free,
	};

	if (!r)
		return NULL;
	r->ike = ike;
	r->opts = *o;
	if (!r->opts.attempt_timeout_us)
		r->opts.attempt_timeout_us = RESUME_DEFAULT_ATTEMPT_US;
	ext.ctx = r;
	ike_set_ext(ike, &ext);
	return r;
}

void resume_free(struct resume *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < RESUME_MAX_CONNS; i++)
		free(r->conn_names[i]);
	free(r);
}

int resume_sync_config(struct resume *r, const struct config *cfg)
{
	int rc = 0;

	if (!r->opts.cache)
		return 0;
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_conn *c = &cfg->conns[i];
		const struct config_resumption *p = &c->resumption;
		struct cache_policy pol = {
			.flags = p->policy,
			.lifetime = p->lifetime,
			.data = p->data,
			.max_age = p->max_age,
			.capacity = p->capacity,
			.pfs = p->pfs,
		};
		uint16_t id;
		int r2;

		if (!p->enabled)
			continue;
		r2 = cache_conn_set(r->opts.cache, c->name, &pol, &id);
		if (r2) {
			log_error("connection %s: resumption: %s", c->name, err_str(r2));
			rc = rc ? rc : r2;
			continue;
		}
		if (id < RESUME_MAX_CONNS && !r->conn_names[id]) {
			r->conn_names[id] = strdup(c->name);
			if (!r->conn_names[id])
				rc = ERR_NOMEM;
		}
	}
	return rc;
}

void resume_get_stats(const struct resume *r, struct resume_stats *out)
{
	*out = r->stats;
}

void resume_stats_json(const struct resume *r, struct json *j, const char *key)
{
	json_object_begin(j, key);
	json_u64(j, "tickets-issued", r->stats.tickets_issued);
	json_u64(j, "attempts", r->stats.attempts);
	json_u64(j, "resumed", r->stats.resumed);
	json_u64(j, "rejected", r->stats.rejected);
	json_u64(j, "fallbacks", r->stats.fallbacks);
	json_u64(j, "auth-failed", r->stats.auth_failed);
	json_u64(j, "races-lost", r->stats.races_lost);
	json_object_end(j);
}
