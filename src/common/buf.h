/*
 * buf.h - bounded reader and writer for untrusted and outgoing bytes.
 *
 * Every parser in reswan reads through a struct buf_reader: each getter
 * checks that the bytes are there before touching them and fails with
 * ERR_TRUNCATED otherwise, leaving the reader unchanged.  Sub-readers
 * (buf_get_sub) confine a nested structure to its declared length, so a
 * payload can never read into its neighbour.  Values are copied into host
 * types; no struct is ever cast onto packet bytes.
 *
 * struct buf_writer builds messages either into caller memory (fixed) or into
 * memory it owns and grows up to a cap set at init (dyn).  Errors are sticky:
 * after the first failed put every later put fails too, so a builder can
 * write a whole message and check buf_writer_error() once.
 */
#ifndef RESWAN_COMMON_BUF_H
#define RESWAN_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf_reader {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void buf_reader_init(struct buf_reader *r, const void *data, size_t len);
size_t buf_remaining(const struct buf_reader *r);
/* Pointer to the next unread byte (valid for buf_remaining() bytes). */
const uint8_t *buf_cursor(const struct buf_reader *r);

/* Big-endian getters; on ERR_TRUNCATED the reader is unchanged. */
int buf_get_u8(struct buf_reader *r, uint8_t *v);
int buf_get_u16(struct buf_reader *r, uint16_t *v);
int buf_get_u32(struct buf_reader *r, uint32_t *v);
int buf_get_u64(struct buf_reader *r, uint64_t *v);
int buf_get_bytes(struct buf_reader *r, void *out, size_t n);
/* Borrow n bytes in place; *p stays valid as long as the input does. */
int buf_get_ref(struct buf_reader *r, const uint8_t **p, size_t n);
/* Carve the next n bytes into their own reader. */
int buf_get_sub(struct buf_reader *r, struct buf_reader *sub, size_t n);
int buf_skip(struct buf_reader *r, size_t n);

struct buf_writer {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t max;	/* growth limit for owned memory */
	bool owned;
	bool err;
};

/* Write into caller memory of cap bytes; never allocates. */
void buf_writer_init_fixed(struct buf_writer *w, void *mem, size_t cap);
/* Write into owned memory that grows on demand up to max bytes. */
void buf_writer_init_dyn(struct buf_writer *w, size_t max);
/* Frees owned memory (wiping it first); fixed memory is left alone. */
void buf_writer_free(struct buf_writer *w);
/* Forget the contents but keep the memory; clears the sticky error. */
void buf_writer_reset(struct buf_writer *w);
bool buf_writer_error(const struct buf_writer *w);

int buf_put_u8(struct buf_writer *w, uint8_t v);
int buf_put_u16(struct buf_writer *w, uint16_t v);
int buf_put_u32(struct buf_writer *w, uint32_t v);
int buf_put_u64(struct buf_writer *w, uint64_t v);
int buf_put_bytes(struct buf_writer *w, const void *data, size_t n);
int buf_put_zero(struct buf_writer *w, size_t n);
/* Reserve n bytes and return where they start, or NULL (error is sticky). */
uint8_t *buf_put_space(struct buf_writer *w, size_t n);
/* Overwrite already-written bytes, e.g. a length field once it is known. */
int buf_set_u8_at(struct buf_writer *w, size_t off, uint8_t v);
int buf_set_u16_at(struct buf_writer *w, size_t off, uint16_t v);
int buf_set_u32_at(struct buf_writer *w, size_t off, uint32_t v);

/* Unaligned big-endian loads/stores for code that already checked bounds. */
static inline uint16_t buf_load_u16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t buf_load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void buf_store_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void buf_store_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
