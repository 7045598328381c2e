/*
 * buf.c - bounded reader and capped writer (see buf.h for the contract).
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/wipe.h"

void buf_reader_init(struct buf_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->len = data ? len : 0;
	r->off = 0;
}

size_t buf_remaining(const struct buf_reader *r)
{
	return r->len - r->off;
}

const uint8_t *buf_cursor(const struct buf_reader *r)
{
	return r->p + r->off;
}

int buf_get_ref(struct buf_reader *r, const uint8_t **p, size_t n)
{
	if (n > buf_remaining(r))
		return ERR_TRUNCATED;
	*p = r->p + r->off;
	r->off += n;
	return 0;
}

int buf_skip(struct buf_reader *r, size_t n)
{
	const uint8_t *p;

	return buf_get_ref(r, &p, n);
}

int buf_get_bytes(struct buf_reader *r, void *out, size_t n)
{
	const uint8_t *p;
	int rc;

	if ((rc = buf_get_ref(r, &p, n)) != 0)
		return rc;
	if (n)
		memcpy(out, p, n);
	return 0;
}

int buf_get_sub(struct buf_reader *r, struct buf_reader *sub, size_t n)
{
	const uint8_t *p;
	int rc;

	if ((rc = buf_get_ref(r, &p, n)) != 0)
		return rc;
	buf_reader_init(sub, p, n);
	return 0;
}

int buf_get_u8(struct buf_reader *r, uint8_t *v)
{
	const uint8_t *p;
	int rc;

	if ((rc = buf_get_ref(r, &p, 1)) != 0)
		return rc;
	*v = p[0];
	return 0;
}

int buf_get_u16(struct buf_reader *r, uint16_t *v)
{
	const uint8_t *p;
	int rc;

	if ((rc = buf_get_ref(r, &p, 2)) != 0)
		return rc;
	*v = buf_load_u16(p);
	return 0;
}

int buf_get_u32(struct buf_reader *r, uint32_t *v)
{
	const uint8_t *p;
	int rc;

	if ((rc = buf_get_ref(r, &p, 4)) != 0)
		return rc;
	*v = buf_load_u32(p);
	return 0;
}

int buf_get_u64(struct buf_reader *r, uint64_t *v)
{
	const uint8_t *p;
	int rc;

	if ((rc = buf_get_ref(r, &p, 8)) != 0)
		return rc;
	*v = (uint64_t)buf_load_u32(p) << 32 | buf_load_u32(p + 4);
	return 0;
}

void buf_writer_init_fixed(struct buf_writer *w, void *mem, size_t cap)
{
	w->p = mem;
	w->len = 0;
	w->cap = mem ? cap : 0;
	w->max = w->cap;
	w->owned = false;
	w->err = false;
}

void buf_writer_init_dyn(struct buf_writer *w, size_t max)
{
	w->p = NULL;
	w->len = 0;
	w->cap = 0;
	w->max = max;
	w->owned = true;
	w->err = false;
}

void buf_writer_free(struct buf_writer *w)
{
	if (w->owned && w->p) {
		wipe(w->p, w->cap);
		free(w->p);
	}
	w->p = NULL;
	w->len = w->cap = 0;
}

void buf_writer_reset(struct buf_writer *w)
{
	w->len = 0;
	w->err = false;
}

bool buf_writer_error(const struct buf_writer *w)
{
	return w->err;
}

/* Make room for n more bytes; grows owned memory geometrically up to max. */
static int reserve(struct buf_writer *w, size_t n)
{
	size_t need, ncap;
	uint8_t *np;

	if (w->err)
		return ERR_LIMIT;
	if (n > w->max - w->len)
		goto fail;
	need = w->len + n;
	if (need <= w->cap)
		return 0;
	if (!w->owned)
		goto fail;
	ncap = w->cap ? w->cap : 64;
	while (ncap < need)
		ncap = ncap > w->max / 2 ? w->max : ncap * 2;
	/* Not realloc: the old block may hold secrets and must be wiped. */
	np = malloc(ncap);
	if (!np) {
		w->err = true;
		return ERR_NOMEM;
	}
	if (w->p) {
		memcpy(np, w->p, w->len);
		wipe(w->p, w->cap);
		free(w->p);
	}
	w->p = np;
	w->cap = ncap;
	return 0;
fail:
	w->err = true;
	return ERR_LIMIT;
}

/* Reserve and advance; on failure *out is NULL and the code says why. */
static int put_space(struct buf_writer *w, size_t n, uint8_t **out)
{
	int rc;

	*out = NULL;
	if ((rc = reserve(w, n)) != 0)
		return rc;
	*out = w->p + w->len;
	w->len += n;
	return 0;
}

uint8_t *buf_put_space(struct buf_writer *w, size_t n)
{
	uint8_t *p;

	put_space(w, n, &p);
	return p;
}

int buf_put_bytes(struct buf_writer *w, const void *data, size_t n)
{
	uint8_t *p;
	int rc;

	if ((rc = put_space(w, n, &p)) != 0)
		return rc;
	if (n)
		memcpy(p, data, n);
	return 0;
}

int buf_put_zero(struct buf_writer *w, size_t n)
{
	uint8_t *p;
	int rc;

	if ((rc = put_space(w, n, &p)) != 0)
		return rc;
	if (n)
		memset(p, 0, n);
	return 0;
}

int buf_put_u8(struct buf_writer *w, uint8_t v)
{
	return buf_put_bytes(w, &v, 1);
}

int buf_put_u16(struct buf_writer *w, uint16_t v)
{
	uint8_t b[2];

	buf_store_u16(b, v);
	return buf_put_bytes(w, b, 2);
}

int buf_put_u32(struct buf_writer *w, uint32_t v)
{
	uint8_t b[4];

	buf_store_u32(b, v);
	return buf_put_bytes(w, b, 4);
}

int buf_put_u64(struct buf_writer *w, uint64_t v)
{
	uint8_t b[8];

	buf_store_u32(b, (uint32_t)(v >> 32));
	buf_store_u32(b + 4, (uint32_t)v);
	return buf_put_bytes(w, b, 8);
}

int buf_set_u8_at(struct buf_writer *w, size_t off, uint8_t v)
{
	if (off >= w->len)
		return ERR_INVAL;
	w->p[off] = v;
	return 0;
}

int buf_set_u16_at(struct buf_writer *w, size_t off, uint16_t v)
{
	if (off > w->len || w->len - off < 2)
		return ERR_INVAL;
	buf_store_u16(w->p + off, v);
	return 0;
}

int buf_set_u32_at(struct buf_writer *w, size_t off, uint32_t v)
{
	if (off > w->len || w->len - off < 4)
		return ERR_INVAL;
	buf_store_u32(w->p + off, v);
	return 0;
}
