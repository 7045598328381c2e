/*
 * err.h - the project's one error enum.
 *
 * Fallible functions return 0 on success or one of these negative codes
 * (or NULL for constructors).  Codes are stable and precise enough that a
 * caller can decide policy from them: the wire codec reports *what* was
 * malformed, and the IKE layer decides between INVALID_SYNTAX,
 * UNSUPPORTED_CRITICAL_PAYLOAD or a silent drop.
 */
#ifndef RESWAN_COMMON_ERR_H
#define RESWAN_COMMON_ERR_H

enum {
	ERR_OK = 0,

	/* general */
	ERR_NOMEM = -1,		/* allocation failed */
	ERR_INVAL = -2,		/* caller passed an invalid argument */
	ERR_LIMIT = -3,		/* a configured cap would be exceeded */
	ERR_NOTFOUND = -4,	/* no such object */
	ERR_EXISTS = -5,	/* object already exists */
	ERR_IO = -6,		/* system call failed (errno kept) */
	ERR_STATE = -7,		/* operation not valid in the current state */
	ERR_UNSUPPORTED = -8,	/* recognised but not implemented/allowed */
	ERR_TIMEOUT = -9,	/* peer did not answer in time */
	ERR_CONFIG = -10,	/* configuration rejected */

	/* crypto */
	ERR_CRYPTO = -20,	/* crypto backend failure */
	ERR_AUTH = -21,		/* MAC, ICV or signature did not verify */
	ERR_KE_PEER = -22,	/* peer key-exchange value is invalid */
	ERR_CERT = -23,		/* certificate invalid or untrusted */

	/* wire codec: bounded reader and message structure */
	ERR_TRUNCATED = -40,	/* input ends before a field */
	ERR_LENGTH = -41,	/* declared length exceeds what is there */
	ERR_SHORT_LENGTH = -42,	/* declared length below the minimum */
	ERR_SYNTAX = -43,	/* field value violates the encoding rules */
	ERR_CHAIN = -44,	/* payload chain too long or inconsistent */
	ERR_NESTING = -45,	/* too many proposals/transforms/attributes */
	ERR_CRITICAL = -46,	/* unknown payload with the critical bit set */
	ERR_VERSION = -47,	/* unsupported IKE major version */
	ERR_PROPOSAL_NUM = -48,	/* proposal numbering not 1, then +0/+1 */
	ERR_TRAILING = -49,	/* bytes left over after the last payload */
	ERR_DUPLICATE = -50,	/* payload that may appear once appeared twice */
	ERR_MISSING = -51,	/* a mandatory payload is absent */
};

/* Short static description of an error code; never NULL. */
const char *err_str(int err);

#endif
