/*
 * cache_record.c - the serialised form of a record: the body that is
 * sealed into a stored value (cache_seal.c), and the pieces (algorithms,
 * selectors, identities) the in-memory profiles share.
 *
 * Body, version 1, big-endian, nothing optional is implicit:
 *
 *   u8  version (1)          u8  kind (1 = server record)
 *   12  check octets         32  resumption secret
 *   u64 T0 (wall s)          u64 E (s)         u64 D (octets)   u64 last use (wall s)
 *   u8  connection name length (1..64), name (no NUL)
 *   u8  ID type, u16 ID length (0..512), ID data
 *   20  algorithms: u16 ike encr, bits, integ, prf, ke, child encr, bits,
 *       integ, ke; u8 child protocol; u8 ESN (0/1)
 *   u8  #TSi, u8 #TSr (each 0..16), then each selector:
 *       u8 type (7 IPv4 / 8 IPv6), u8 protocol, u16 start port, u16 end
 *       port, start address, end address (4 or 16 octets by type)
 *   u8  virtual IP flags (bit 0 IPv4, bit 1 IPv6), then the 4 / 16 octets
 *
 * Parsing goes through the bounded reader; every length is checked against
 * its limit before use and a value must end exactly where the body ends.
 */
#include <string.h>

#include "cache/cache_client.h"
#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/wipe.h"

#define TS_IPV4 7
#define TS_IPV6 8

static size_t ts_addr_len(uint8_t type)
{
	return type == TS_IPV4 ? 4 : type == TS_IPV6 ? 16 : 0;
}

void cache_record_put_algs(struct buf_writer *w, const struct cache_algs *a)
{
	buf_put_u16(w, a->ike_encr);
	buf_put_u16(w, a->ike_encr_bits);
	buf_put_u16(w, a->ike_integ);
	buf_put_u16(w, a->ike_prf);
	buf_put_u16(w, a->ike_ke);
	buf_put_u16(w, a->child_encr);
	buf_put_u16(w, a->child_encr_bits);
	buf_put_u16(w, a->child_integ);
	buf_put_u16(w, a->child_ke);
	buf_put_u8(w, a->child_proto);
	buf_put_u8(w, a->child_esn);
}

int cache_record_get_algs(struct buf_reader *r, struct cache_algs *a)
{
	struct cache_algs t;
	const uint8_t *p;
	int ret = buf_get_ref(r, &p, CACHE_ALGS_LEN);

	if (ret)
		return ret;
	t.ike_encr = buf_load_u16(p);
	t.ike_encr_bits = buf_load_u16(p + 2);
	t.ike_integ = buf_load_u16(p + 4);
	t.ike_prf = buf_load_u16(p + 6);
	t.ike_ke = buf_load_u16(p + 8);
	t.child_encr = buf_load_u16(p + 10);
	t.child_encr_bits = buf_load_u16(p + 12);
	t.child_integ = buf_load_u16(p + 14);
	t.child_ke = buf_load_u16(p + 16);
	t.child_proto = p[18];
	t.child_esn = p[19];
	if (t.child_esn > 1)
		return ERR_SYNTAX;
	*a = t;
	return 0;
}

int cache_record_check_ts(const struct cache_ts_set *ts)
{
	if (ts->n_i > CACHE_MAX_TS || ts->n_r > CACHE_MAX_TS)
		return ERR_INVAL;
	for (unsigned k = 0; k < ts->n_i; k++)
		if (!ts_addr_len(ts->i[k].type))
			return ERR_INVAL;
	for (unsigned k = 0; k < ts->n_r; k++)
		if (!ts_addr_len(ts->r[k].type))
			return ERR_INVAL;
	return 0;
}

static void put_sel(struct buf_writer *w, const struct cache_ts *t)
{
	size_t alen = ts_addr_len(t->type);

	buf_put_u8(w, t->type);
	buf_put_u8(w, t->proto);
	buf_put_u16(w, t->start_port);
	buf_put_u16(w, t->end_port);
	buf_put_bytes(w, t->start, alen);
	buf_put_bytes(w, t->end, alen);
}

/* Precondition: cache_record_check_ts(ts) == 0. */
void cache_record_put_ts(struct buf_writer *w, const struct cache_ts_set *ts)
{
	buf_put_u8(w, ts->n_i);
	buf_put_u8(w, ts->n_r);
	for (unsigned k = 0; k < ts->n_i; k++)
		put_sel(w, &ts->i[k]);
	for (unsigned k = 0; k < ts->n_r; k++)
		put_sel(w, &ts->r[k]);
}

static int get_sel(struct buf_reader *r, struct cache_ts *t, const char **why)
{
	size_t alen;
	int ret;

	memset(t, 0, sizeof(*t));
	if ((ret = buf_get_u8(r, &t->type)) || (ret = buf_get_u8(r, &t->proto)) ||
	    (ret = buf_get_u16(r, &t->start_port)) || (ret = buf_get_u16(r, &t->end_port))) {
		*why = "traffic selector header truncated";
		return ret;
	}
	alen = ts_addr_len(t->type);
	if (!alen) {
		*why = "traffic selector type is not 7 (IPv4) or 8 (IPv6)";
		return ERR_SYNTAX;
	}
	if ((ret = buf_get_bytes(r, t->start, alen)) || (ret = buf_get_bytes(r, t->end, alen))) {
		*why = "traffic selector addresses truncated";
		return ret;
	}
	return 0;
}

int cache_record_get_ts(struct buf_reader *r, struct cache_ts_set *ts, const char **why)
{
	int ret;

	ts->n_i = ts->n_r = 0;
	if ((ret = buf_get_u8(r, &ts->n_i)) || (ret = buf_get_u8(r, &ts->n_r))) {
		*why = "traffic selector counts truncated";
		return ret;
	}
	if (ts->n_i > CACHE_MAX_TS || ts->n_r > CACHE_MAX_TS) {
		*why = "more than 16 traffic selectors in one direction";
		ts->n_i = ts->n_r = 0;
		return ERR_LENGTH;
	}
	for (unsigned k = 0; k < ts->n_i; k++)
		if ((ret = get_sel(r, &ts->i[k], why)))
			return ret;
	for (unsigned k = 0; k < ts->n_r; k++)
		if ((ret = get_sel(r, &ts->r[k], why)))
			return ret;
	return 0;
}

int cache_record_get_ident(struct buf_reader *r, struct cache_ident *id, const char **why)
{
	int ret;

	if ((ret = buf_get_u8(r, &id->type)) || (ret = buf_get_u16(r, &id->len))) {
		*why = "identity header truncated";
		return ret;
	}
	if (id->len > CACHE_IDENT_MAX) {
		*why = "identity longer than 512 octets";
		id->len = 0;
		return ERR_LENGTH;
	}
	if ((ret = buf_get_bytes(r, id->data, id->len))) {
		*why = "identity data truncated";
		return ret;
	}
	return 0;
}

static void put_vips(struct buf_writer *w, const struct addr *v4, const struct addr *v6)
{
	uint8_t f = (v4->family == ADDR_IPV4 ? 1 : 0) | (v6->family == ADDR_IPV6 ? 2 : 0);

	buf_put_u8(w, f);
	if (f & 1)
		buf_put_bytes(w, v4->ip, 4);
	if (f & 2)
		buf_put_bytes(w, v6->ip, 16);
}

static int get_vips(struct buf_reader *r, struct addr *v4, struct addr *v6, const char **why)
{
	uint8_t f, ip[16];
	int ret;

	memset(v4, 0, sizeof(*v4));
	memset(v6, 0, sizeof(*v6));
	if ((ret = buf_get_u8(r, &f))) {
		*why = "virtual IP flags truncated";
		return ret;
	}
	if (f & ~3u) {
		*why = "unknown virtual IP flags";
		return ERR_SYNTAX;
	}
	if (f & 1) {
		if ((ret = buf_get_bytes(r, ip, 4))) {
			*why = "virtual IPv4 address truncated";
			return ret;
		}
		addr_from_bytes(v4, ip, 4, 0);
	}
	if (f & 2) {
		if ((ret = buf_get_bytes(r, ip, 16))) {
			*why = "virtual IPv6 address truncated";
			return ret;
		}
		addr_from_bytes(v6, ip, 16, 0);
	}
	return 0;
}

int cache_record_encode(struct buf_writer *w, const struct cache_record *rec)
{
	size_t nlen = strnlen(rec->conn, sizeof(rec->conn));

	if (nlen == 0 || nlen > CACHE_CONN_NAME_MAX || rec->peer.len > CACHE_IDENT_MAX ||
	    cache_record_check_ts(&rec->ts))
		return ERR_INVAL;
	buf_put_u8(w, CACHE_RECORD_VERSION);
	buf_put_u8(w, CACHE_RECORD_KIND_SERVER);
	buf_put_bytes(w, rec->check, CACHE_CHECK_LEN);
	buf_put_bytes(w, rec->secret, CACHE_SECRET_LEN);
	buf_put_u64(w, rec->t0);
	buf_put_u64(w, rec->connected);
	buf_put_u64(w, rec->bytes);
	buf_put_u64(w, rec->last_use);
	buf_put_u8(w, (uint8_t)nlen);
	buf_put_bytes(w, rec->conn, nlen);
	buf_put_u8(w, rec->peer.type);
	buf_put_u16(w, rec->peer.len);
	buf_put_bytes(w, rec->peer.data, rec->peer.len);
	cache_record_put_algs(w, &rec->algs);
	cache_record_put_ts(w, &rec->ts);
	put_vips(w, &rec->vip4, &rec->vip6);
	return buf_writer_error(w) ? ERR_LIMIT : 0;
}

static int decode(struct buf_reader *r, struct cache_record *rec, const char **why)
{
	uint8_t ver, kind, nlen;
	int ret;

	if ((ret = buf_get_u8(r, &ver)) || (ret = buf_get_u8(r, &kind))) {
		*why = "record header truncated";
		return ret;
	}
	if (ver != CACHE_RECORD_VERSION) {
		*why = "unknown record version";
		return ERR_SYNTAX;
	}
	if (kind != CACHE_RECORD_KIND_SERVER) {
		*why = "not a server record";
		return ERR_SYNTAX;
	}
	if ((ret = buf_get_bytes(r, rec->check, CACHE_CHECK_LEN)) ||
	    (ret = buf_get_bytes(r, rec->secret, CACHE_SECRET_LEN))) {
		*why = "handle check or secret truncated";
		return ret;
	}
	if ((ret = buf_get_u64(r, &rec->t0)) || (ret = buf_get_u64(r, &rec->connected)) ||
	    (ret = buf_get_u64(r, &rec->bytes)) || (ret = buf_get_u64(r, &rec->last_use))) {
		*why = "counters truncated";
		return ret;
	}
	if (rec->t0 > UINT32_MAX || rec->last_use > UINT32_MAX || rec->connected > UINT32_MAX) {
		*why = "time counter beyond 32 bits";
		return ERR_SYNTAX;
	}
	if ((ret = buf_get_u8(r, &nlen))) {
		*why = "connection name length truncated";
		return ret;
	}
	if (nlen == 0 || nlen > CACHE_CONN_NAME_MAX) {
		*why = "connection name length not in 1..64";
		return ERR_LENGTH;
	}
	if ((ret = buf_get_bytes(r, rec->conn, nlen))) {
		*why = "connection name truncated";
		return ret;
	}
	rec->conn[nlen] = '\0';
	if (strlen(rec->conn) != nlen) {
		*why = "connection name contains a NUL octet";
		return ERR_SYNTAX;
	}
	if ((ret = cache_record_get_ident(r, &rec->peer, why)))
		return ret;
	if ((ret = cache_record_get_algs(r, &rec->algs))) {
		*why = ret == ERR_SYNTAX ? "ESN flag not 0 or 1" : "algorithms truncated";
		return ret;
	}
	if ((ret = cache_record_get_ts(r, &rec->ts, why)))
		return ret;
	if ((ret = get_vips(r, &rec->vip4, &rec->vip6, why)))
		return ret;
	if (buf_remaining(r)) {
		*why = "trailing octets after the record";
		return ERR_TRAILING;
	}
	return 0;
}

int cache_record_decode(const uint8_t *p, size_t len, struct cache_record *rec,
			const char **why)
{
	struct buf_reader r;
	const char *dummy;
	int ret;

	if (!why)
		why = &dummy;
	memset(rec, 0, sizeof(*rec));
	if (len > CACHE_RECORD_MAX) {
		*why = "record longer than 2048 octets";
		return ERR_LENGTH;
	}
	buf_reader_init(&r, p, len);
	ret = decode(&r, rec, why);
	if (ret)
		wipe(rec, sizeof(*rec));
	return ret;
}

int cache_record_encode_client(struct buf_writer *w, const char *name,
			       const struct cache_client_entry *e)
{
	size_t nlen = strnlen(name, CACHE_CONN_NAME_MAX + 1);

	if (nlen == 0 || nlen > CACHE_CONN_NAME_MAX || e->peer.len > CACHE_IDENT_MAX)
		return ERR_INVAL;
	buf_put_u8(w, CACHE_RECORD_VERSION);
	buf_put_u8(w, CACHE_RECORD_KIND_CLIENT);
	buf_put_u8(w, (uint8_t)nlen);
	buf_put_bytes(w, name, nlen);
	buf_put_bytes(w, e->handle, CACHE_HANDLE_LEN);
	buf_put_bytes(w, e->secret, CACHE_SECRET_LEN);
	cache_record_put_algs(w, &e->algs);
	buf_put_u8(w, e->peer.type);
	buf_put_u16(w, e->peer.len);
	buf_put_bytes(w, e->peer.data, e->peer.len);
	buf_put_u64(w, e->expires);
	return buf_writer_error(w) ? ERR_LIMIT : 0;
}

static int decode_client(struct buf_reader *r, char *name, struct cache_client_entry *e,
			 const char **why)
{
	uint8_t ver, kind, nlen;
	int ret;

	if ((ret = buf_get_u8(r, &ver)) || (ret = buf_get_u8(r, &kind)) ||
	    (ret = buf_get_u8(r, &nlen))) {
		*why = "entry header truncated";
		return ret;
	}
	if (ver != CACHE_RECORD_VERSION) {
		*why = "unknown record version";
		return ERR_SYNTAX;
	}
	if (kind != CACHE_RECORD_KIND_CLIENT) {
		*why = "not a client entry";
		return ERR_SYNTAX;
	}
	if (nlen == 0 || nlen > CACHE_CONN_NAME_MAX) {
		*why = "connection name length not in 1..64";
		return ERR_LENGTH;
	}
	if ((ret = buf_get_bytes(r, name, nlen))) {
		*why = "connection name truncated";
		return ret;
	}
	name[nlen] = '\0';
	if (strlen(name) != nlen) {
		*why = "connection name contains a NUL octet";
		return ERR_SYNTAX;
	}
	if ((ret = buf_get_bytes(r, e->handle, CACHE_HANDLE_LEN)) ||
	    (ret = buf_get_bytes(r, e->secret, CACHE_SECRET_LEN))) {
		*why = "handle or secret truncated";
		return ret;
	}
	if ((ret = cache_record_get_algs(r, &e->algs))) {
		*why = ret == ERR_SYNTAX ? "ESN flag not 0 or 1" : "algorithms truncated";
		return ret;
	}
	if ((ret = cache_record_get_ident(r, &e->peer, why)))
		return ret;
	if ((ret = buf_get_u64(r, &e->expires))) {
		*why = "expiry truncated";
		return ret;
	}
	if (buf_remaining(r)) {
		*why = "trailing octets after the entry";
		return ERR_TRAILING;
	}
	return 0;
}

int cache_record_decode_client(const uint8_t *p, size_t len, char *name,
			       struct cache_client_entry *e, const char **why)
{
	struct buf_reader r;
	const char *dummy;
	int ret;

	if (!why)
		why = &dummy;
	memset(e, 0, sizeof(*e));
	name[0] = '\0';
	if (len > CACHE_RECORD_MAX) {
		*why = "entry longer than 2048 octets";
		return ERR_LENGTH;
	}
	buf_reader_init(&r, p, len);
	ret = decode_client(&r, name, e, why);
	if (ret)
		wipe(e, sizeof(*e));
	return ret;
}
