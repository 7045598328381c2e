/*
 * ext.h - hooks through which an extension of the engine (reswan's session
 * resumption, src/resume) takes part in IKE without the engine knowing it.
 *
 * The engine calls these at fixed points; every hook is optional (NULL).
 * They receive the engine's internal objects (ike/internal.h): an extension
 * is part of the engine, compiled against its internals, but the engine's
 * own files never include an extension's headers.
 */
#ifndef RESWAN_IKE_EXT_H
#define RESWAN_IKE_EXT_H

#include <stdbool.h>

struct ike;
struct ike_sa;
struct msg_in;
struct wire_builder;
struct config_conn;
struct json;

typedef void (*ike_ext_done_fn)(void *ctx, int result, const char *msg);

struct ike_ext {
	/*
	 * Initiator: asked before a full IKE_SA_INIT for conn.  Return true
	 * if the extension took over (it then calls done itself, or falls
	 * back with ike_initiate_full()).
	 */
	bool (*initiate)(void *ctx, struct ike *ike,
			 const struct config_conn *conn,
			 ike_ext_done_fn done, void *done_ctx);
	/* A request of an exchange type the engine does not know, with a
	 * zero responder SPI (the extension's own first message).  Returns
	 * true if handled. */
	bool (*receive_init)(void *ctx, struct ike *ike, struct msg_in *in);
	/* A request / response of that exchange on an existing SA, already
	 * authenticated and decrypted. */
	void (*process_request)(void *ctx, struct ike_sa *sa, struct msg_in *in);
	void (*process_response)(void *ctx, struct ike_sa *sa, struct msg_in *in);
	/* Our request of that exchange got no answer. */
	void (*request_failed)(void *ctx, struct ike_sa *sa);
	/* Add payloads to our IKE_AUTH request / response; read them from
	 * the peer's.  Errors here never fail the IKE_AUTH exchange. */
	void (*auth_request_put)(void *ctx, struct ike_sa *sa,
				 struct wire_builder *b);
	void (*auth_request_process)(void *ctx, struct ike_sa *sa,
				     struct msg_in *in);
	void (*auth_response_put)(void *ctx, struct ike_sa *sa,
				  struct wire_builder *b);
	void (*auth_response_process)(void *ctx, struct ike_sa *sa,
				      struct msg_in *in);
	/* The SA ends; totals are final.  Called before the SA is freed. */
	void (*sa_down)(void *ctx, struct ike_sa *sa);
	/* Free sa->ext. */
	void (*sa_free)(void *ctx, struct ike_sa *sa);
	void *ctx;
};

/* Install the hooks (one extension per engine). */
void ike_set_ext(struct ike *ike, const struct ike_ext *ext);
/* Start a full IKE_SA_INIT for conn, bypassing ext->initiate. */
int ike_initiate_full(struct ike *ike, const struct config_conn *conn,
		      ike_ext_done_fn done, void *done_ctx);

#endif
