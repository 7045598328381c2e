/*
 * cookie.c - stateless cookies (RFC 7296 2.6).
 *
 * Once the number of half-open SAs passes the configured threshold, the
 * responder answers an IKE_SA_INIT request that carries no valid cookie
 * with just a COOKIE notify, keeping no state.  A cookie is
 *     version (1 octet) | HMAC-SHA2-256(secret[version], Ni | IPi | SPIi)
 * truncated to 16 octets.  The secret rotates (cookie_rotate_us); cookies
 * made with the previous secret stay valid for one more period so a
 * client that got one just before a rotation still gets in.
 */
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/prf.h"
#include "ike/internal.h"

#define COOKIE_MAC_LEN 16
#define COOKIE_LEN (1 + COOKIE_MAC_LEN)

void cookie_init(struct ike *ike)
{
	struct ike_cookies *c = &ike->cookies;

	ike_random(ike, c->secret[0], sizeof(c->secret[0]));
	c->version = 0;
	c->have_prev = false;
	c->rotated_mono = ike_now(ike);
}

static void rotate(struct ike *ike)
{
	struct ike_cookies *c = &ike->cookies;
	uint64_t now = ike_now(ike);

	if (now - c->rotated_mono < ike->env.params.cookie_rotate_us)
		return;
	memcpy(c->secret[1], c->secret[0], sizeof(c->secret[0]));
	ike_random(ike, c->secret[0], sizeof(c->secret[0]));
	c->version++;
	c->have_prev = true;
	c->rotated_mono = now;
}

static int mac(const uint8_t *secret, const struct wire_span *ni,
	       const struct addr *remote, uint64_t spi_i, uint8_t *out)
{
	uint8_t full[PRF_MAX_LEN], spi[8];
	struct crypto_span in[3];
	int rc;

	for (int i = 0; i < 8; i++)
		spi[i] = (uint8_t)(spi_i >> (56 - 8 * i));
	in[0] = (struct crypto_span){ ni->p, ni->len };
	in[1] = (struct crypto_span){ remote->ip, addr_len(remote) };
	in[2] = (struct crypto_span){ spi, sizeof(spi) };
	rc = prf_once(IKEV2_PRF_HMAC_SHA2_256, secret, 32, in, 3, full);
	memcpy(out, full, COOKIE_MAC_LEN);
	wipe(full, sizeof(full));
	return rc;
}

int cookie_make(struct ike *ike, const struct wire_span *ni,
		const struct addr *remote, uint64_t spi_i, uint8_t *out,
		size_t *len)
{
	int rc;

	rotate(ike);
	out[0] = ike->cookies.version;
	if ((rc = mac(ike->cookies.secret[0], ni, remote, spi_i, out + 1)) != 0)
		return rc;
	*len = COOKIE_LEN;
	return 0;
}

bool cookie_check(struct ike *ike, const struct wire_span *cookie,
		  const struct wire_span *ni, const struct addr *remote,
		  uint64_t spi_i)
{
	struct ike_cookies *c = &ike->cookies;
	uint8_t want[COOKIE_MAC_LEN];
	const uint8_t *secret;
	bool ok;

	rotate(ike);
	if (cookie->len != COOKIE_LEN)
		return false;
	if (cookie->p[0] == c->version)
		secret = c->secret[0];
	else if (c->have_prev && cookie->p[0] == (uint8_t)(c->version - 1))
		secret = c->secret[1];
	else
		return false;
	if (mac(secret, ni, remote, spi_i, want) != 0)
		return false;
	ok = crypto_memeq(want, cookie->p + 1, COOKIE_MAC_LEN);
	wipe(want, sizeof(want));
	return ok;
}
