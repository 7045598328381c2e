/*
 * wire_name.c - names of payloads, exchanges and notify types for logs.
 *
 * The short forms follow strongSwan's log style ("[ SA KE No N(NATD_S_IP) ]")
 * so that an operator can read reswan's and a strongSwan peer's logs side by
 * side; the unit tests compare wire_name_msg() with the lines charon logged
 * for the captured messages.
 */
#include <stdarg.h>
#include <stdio.h>

#include "wire/wire.h"

const char *wire_name_payload(uint8_t type)
{
	switch (type) {
	case IKEV2_PL_SA: return "SA";
	case IKEV2_PL_KE: return "KE";
	case IKEV2_PL_IDI: return "IDi";
	case IKEV2_PL_IDR: return "IDr";
	case IKEV2_PL_CERT: return "CERT";
	case IKEV2_PL_CERTREQ: return "CERTREQ";
	case IKEV2_PL_AUTH: return "AUTH";
	case IKEV2_PL_NONCE: return "No";
	case IKEV2_PL_NOTIFY: return "N";
	case IKEV2_PL_DELETE: return "D";
	case IKEV2_PL_VENDOR: return "V";
	case IKEV2_PL_TSI: return "TSi";
	case IKEV2_PL_TSR: return "TSr";
	case IKEV2_PL_SK: return "SK";
	case IKEV2_PL_CP: return "CP";
	case IKEV2_PL_EAP: return "EAP";
	case IKEV2_PL_SKF: return "EF";
	}
	return NULL;
}

const char *wire_name_exchange(uint8_t exchange)
{
	switch (exchange) {
	case IKEV2_EXCH_IKE_SA_INIT: return "IKE_SA_INIT";
	case IKEV2_EXCH_IKE_AUTH: return "IKE_AUTH";
	case IKEV2_EXCH_CREATE_CHILD_SA: return "CREATE_CHILD_SA";
	case IKEV2_EXCH_INFORMATIONAL: return "INFORMATIONAL";
	case IKEV2_EXCH_IKE_SESSION_RESUME: return "IKE_SESSION_RESUME";
	case IKEV2_EXCH_RESWAN_RESUME: return "RESWAN_RESUME";
	}
	return NULL;
}

const char *wire_name_notify(uint16_t type)
{
	switch (type) {
	case IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD: return "CRIT";
	case IKEV2_N_INVALID_IKE_SPI: return "INVAL_IKE_SPI";
	case IKEV2_N_INVALID_MAJOR_VERSION: return "INVAL_MAJOR";
	case IKEV2_N_INVALID_SYNTAX: return "INVAL_SYN";
	case IKEV2_N_INVALID_MESSAGE_ID: return "INVAL_MID";
	case IKEV2_N_INVALID_SPI: return "INVAL_SPI";
	case IKEV2_N_NO_PROPOSAL_CHOSEN: return "NO_PROP";
	case IKEV2_N_INVALID_KE_PAYLOAD: return "INVAL_KE";
	case IKEV2_N_AUTHENTICATION_FAILED: return "AUTH_FAILED";
	case IKEV2_N_SINGLE_PAIR_REQUIRED: return "SINGLE_PAIR";
	case IKEV2_N_NO_ADDITIONAL_SAS: return "NO_ADD_SAS";
	case IKEV2_N_INTERNAL_ADDRESS_FAILURE: return "INT_ADDR_FAIL";
	case IKEV2_N_FAILED_CP_REQUIRED: return "FAIL_CP_REQ";
	case IKEV2_N_TS_UNACCEPTABLE: return "TS_UNACCEPT";
	case IKEV2_N_INVALID_SELECTORS: return "INVAL_SEL";
	case IKEV2_N_TEMPORARY_FAILURE: return "TEMP_FAIL";
	case IKEV2_N_CHILD_SA_NOT_FOUND: return "NO_CHILD_SA";
	case IKEV2_N_INITIAL_CONTACT: return "INIT_CONTACT";
	case IKEV2_N_SET_WINDOW_SIZE: return "SET_WINSIZE";
	case IKEV2_N_ADDITIONAL_TS_POSSIBLE: return "ADD_TS_POSS";
	case IKEV2_N_IPCOMP_SUPPORTED: return "IPCOMP_SUP";
	case IKEV2_N_NAT_DETECTION_SOURCE_IP: return "NATD_S_IP";
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP: return "NATD_D_IP";
	case IKEV2_N_COOKIE: return "COOKIE";
	case IKEV2_N_USE_TRANSPORT_MODE: return "USE_TRANSP";
	case IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED: return "HTTP_CERT_LOOK_SUP";
	case IKEV2_N_REKEY_SA: return "REKEY_SA";
	case IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED: return "ESP_TFC_PAD_N";
	case IKEV2_N_NON_FIRST_FRAGMENTS_ALSO: return "NON_FIRST_FRAG";
	case IKEV2_N_MOBIKE_SUPPORTED: return "MOBIKE_SUP";
	case IKEV2_N_ADDITIONAL_IP4_ADDRESS: return "ADD_4_ADDR";
	case IKEV2_N_ADDITIONAL_IP6_ADDRESS: return "ADD_6_ADDR";
	case IKEV2_N_NO_ADDITIONAL_ADDRESSES: return "NO_ADD_ADDR";
	case IKEV2_N_UPDATE_SA_ADDRESSES: return "UPD_SA_ADDR";
	case IKEV2_N_COOKIE2: return "COOKIE2";
	case IKEV2_N_NO_NATS_ALLOWED: return "NO_NATS";
	case IKEV2_N_AUTH_LIFETIME: return "AUTH_LFT";
	case IKEV2_N_MULTIPLE_AUTH_SUPPORTED: return "MULT_AUTH";
	case IKEV2_N_ANOTHER_AUTH_FOLLOWS: return "AUTH_FOLLOWS";
	case IKEV2_N_REDIRECT_SUPPORTED: return "REDIR_SUP";
	case IKEV2_N_REDIRECT: return "REDIR";
	case IKEV2_N_REDIRECTED_FROM: return "REDIR_FROM";
	case IKEV2_N_EAP_ONLY_AUTHENTICATION: return "EAP_ONLY";
	case IKEV2_N_CHILDLESS_IKEV2_SUPPORTED: return "CHDLESS_SUP";
	case IKEV2_N_IKEV2_MESSAGE_ID_SYNC_SUPPORTED: return "MSG_ID_SYN_SUP";
	case IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED: return "FRAG_SUP";
	case IKEV2_N_SIGNATURE_HASH_ALGORITHMS: return "HASH_ALG";
	case IKEV2_N_RESWAN_RESUME_SUPPORTED: return "RESUME_SUP";
	case IKEV2_N_RESWAN_RESUME_TICKET: return "RESUME_TICKET";
	case IKEV2_N_RESWAN_RESUME_REJECTED: return "RESUME_REJ";
	case IKEV2_N_RESWAN_RESUME_AUTH: return "RESUME_AUTH";
	}
	return NULL;
}

static const char *cp_name(uint8_t type)
{
	switch (type) {
	case IKEV2_CFG_REQUEST: return "CPRQ";
	case IKEV2_CFG_REPLY: return "CPRP";
	case IKEV2_CFG_SET: return "CPS";
	case IKEV2_CFG_ACK: return "CPA";
	}
	return "CP";
}

/* Append to buf at *pos; on overflow stop at the terminator. */
static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos = (size_t)n >= len - *pos ? len - 1 : *pos + (size_t)n;
}

const char *wire_name_msg(const struct wire_msg *m, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	add(buf, len, &pos, "[");
	for (size_t i = 0; i < m->npayloads; i++) {
		const struct wire_payload *p = &m->pl[i];
		const char *name = wire_name_payload(p->type);

		if (!p->known) {
			add(buf, len, &pos, " UNKNOWN(%u)", p->type);
		} else if (p->type == IKEV2_PL_NOTIFY) {
			const char *n = wire_name_notify(p->u.notify.type);

			if (n)
				add(buf, len, &pos, " N(%s)", n);
			else
				add(buf, len, &pos, " N(%u)", p->u.notify.type);
		} else if (p->type == IKEV2_PL_SKF) {
			if (!m->inner_parsed)
				add(buf, len, &pos, " EF(%u/%u)", p->u.enc.frag_num,
				    p->u.enc.frag_total);
		} else if (p->type == IKEV2_PL_SK) {
			if (!m->inner_parsed)
				add(buf, len, &pos, " %s", name);
		} else if (p->type == IKEV2_PL_CP) {
			add(buf, len, &pos, " %s", cp_name(p->u.cp.type));
		} else {
			add(buf, len, &pos, " %s", name);
		}
	}
	add(buf, len, &pos, " ]");
	return buf;
}
