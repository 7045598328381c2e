#!/bin/sh
# Interop case 2: reswand initiates, strongSwan responds; PSK with a
# MODP-2048 CBC/HMAC suite (aes128-sha256-modp2048, ESP aes128-sha256).
. "$(dirname "$0")/lib.sh"
interop_require_root
it_setup
it_conf "$R/reswan.conf" local=$IT_ADDR_A remote=$IT_ADDR_B lid=gw-a.example \
	rid=gw-b.example lts=10.1.0.0/16 rts=10.2.0.0/16 \
	ike=aes128-sha256-modp2048 esp=aes128-sha256
it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B lid=gw-b.example \
	rid=gw-a.example lts=10.2.0.0/16 rts=10.1.0.0/16 \
	ike=aes128-sha256-modp2048 esp=aes128-sha256
it_reswand_start "$IT_NS_A" "$R"
it_charon_start "$IT_NS_B" "$S"
it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"
it_reswan "$R" up gw >"$W/up.out" 2>&1 || it_fail "reswan up: $(cat "$W/up.out")"
it_compare_sas "$R" "$S"
[ "$(it_swan_ike "$S" encr-alg)" = AES_CBC ] || it_fail "not AES_CBC"
[ "$(it_swan_ike "$S" integ-alg)" = HMAC_SHA2_256_128 ] || it_fail "not HMAC_SHA2_256_128"
[ "$(it_swan_ike "$S" dh-group)" = MODP_2048 ] || it_fail "not MODP_2048"
it_log "case 2 passed"
