/*
 * err.c - descriptions of the error codes in err.h, for logs and CLI output.
 */
#include "common/err.h"

const char *err_str(int err)
{
	switch (err) {
	case ERR_OK: return "success";
	case ERR_NOMEM: return "out of memory";
	case ERR_INVAL: return "invalid argument";
	case ERR_LIMIT: return "limit reached";
	case ERR_NOTFOUND: return "not found";
	case ERR_EXISTS: return "already exists";
	case ERR_IO: return "I/O error";
	case ERR_STATE: return "invalid state";
	case ERR_UNSUPPORTED: return "unsupported";
	case ERR_TIMEOUT: return "timed out";
	case ERR_CONFIG: return "configuration error";
	case ERR_CRYPTO: return "crypto backend failure";
	case ERR_AUTH: return "authentication failed";
	case ERR_KE_PEER: return "invalid peer key-exchange value";
	case ERR_CERT: return "certificate rejected";
	case ERR_TRUNCATED: return "truncated input";
	case ERR_LENGTH: return "declared length exceeds input";
	case ERR_SHORT_LENGTH: return "declared length below minimum";
	case ERR_SYNTAX: return "malformed field";
	case ERR_CHAIN: return "bad payload chain";
	case ERR_NESTING: return "too many nested elements";
	case ERR_CRITICAL: return "unsupported critical payload";
	case ERR_VERSION: return "unsupported version";
	case ERR_PROPOSAL_NUM: return "bad proposal numbering";
	case ERR_TRAILING: return "trailing bytes";
	case ERR_DUPLICATE: return "duplicate payload";
	case ERR_MISSING: return "missing mandatory payload";
	}
	return "unknown error";
}
