#!/bin/sh
# bench_json_check.sh RESWAN - run `reswan bench crypto --quick --json` and
# check that the JSON names every expected figure with a positive number.
# Asserts on presence and sign only, never on a time.
set -eu
out="$("$1" bench crypto --quick --json)"
status=0
check() { # check KEY FIELD: "KEY": {... "FIELD": <positive number> ...} or "KEY": <positive>
	line="$(printf '%s\n' "$out" | grep -F "\"$1\":" | head -1)" || true
	if [ -z "$line" ]; then
		echo "missing \"$1\""; status=1; return
	fi
	v="$(printf '%s\n' "$line" | sed -n "s/.*\"$2\": *\([-0-9.e+]*\).*/\1/p")"
	if ! awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }'; then
		echo "\"$1\": \"$2\" is not a positive number: '$v'"; status=1
	fi
}
printf '%s\n' "$out" | head -3 | grep -q '"bench": "crypto"' || { echo "not a crypto bench object"; status=1; }
for k in ke.modp2048 ke.modp2048-short ke.modp3072 ke.ecp256 ke.ecp384 ke.curve25519 \
	sign.rsa2048-pkcs1 verify.rsa2048-pkcs1 sign.rsa2048-pss verify.rsa2048-pss \
	sign.ecdsa-p256 verify.ecdsa-p256 sign.ecdsa-p384 verify.ecdsa-p384 \
	sign.ed25519 verify.ed25519 hmac.reused-ctx hmac.fresh-key prf+.ike-keys \
	ike.derive psk.auth resume.responder \
	esp.seal.aes128gcm16 esp.open.aes128gcm16 esp.seal.aes256gcm16 esp.open.aes256gcm16 \
	esp.seal.chacha20poly1305 esp.open.chacha20poly1305 \
	esp.seal.aes128-sha256 esp.open.aes128-sha256 udp.loopback; do
	check "$k" ns_per_op
	check "$k" ops_per_s
done
check hmac_fresh_over_reused hmac_fresh_over_reused
for s in psk-x25519 ed25519-x25519 rsa2048-modp2048 rsa2048-modp2048-short; do
	check "$s" full_exchange_ns
	check "$s" full_over_esp_packet
	check "$s" full_over_resumption
done
# The whole output must be one object: first line "{", last line "}".
[ "$(printf '%s\n' "$out" | head -1)" = "{" ] && [ "$(printf '%s\n' "$out" | tail -1)" = "}" ] ||
	{ echo "not a single JSON object"; status=1; }
[ $status = 0 ] && echo "bench crypto JSON: all figures present and positive"
exit $status
