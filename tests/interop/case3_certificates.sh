#!/bin/sh
# Interop case 3: certificate authentication with a CA made by the test:
# reswand proves itself with ECDSA P-256, strongSwan with RSA-2048; each
# side initiates once.
. "$(dirname "$0")/lib.sh"
interop_require_root
it_setup
mkdir -p "$W/pki"
it_pki "$W/pki"
it_install_creds "$R" gw-a
it_install_creds "$S/swanctl" gw-b
it_conf "$R/reswan.conf" local=$IT_ADDR_A remote=$IT_ADDR_B auth=pubkey \
	cert=gw-a.pem lid=gw-a.example rid=gw-b.example lts=10.1.0.0/16 \
	rts=10.2.0.0/16
it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B remote=$IT_ADDR_A auth=pubkey \
	cert=gw-b.pem lid=gw-b.example rid=gw-a.example lts=10.2.0.0/16 \
	rts=10.1.0.0/16
it_reswand_start "$IT_NS_A" "$R"
it_charon_start "$IT_NS_B" "$S"
it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"

# strongSwan initiates.
it_swanctl "$S" --initiate --child net >"$W/initiate.out" 2>&1 ||
	it_fail "strongSwan could not initiate: $(tail -3 "$W/initiate.out")"
it_compare_sas "$R" "$S"
[ "$(it_swan_ike "$S" remote-id)" = gw-a.example ] || it_fail "strongSwan's view of reswand's id"
[ "$(it_sa_json "$R" | jq -r '."ike-sas"[0]."remote-id"')" = gw-b.example ] ||
	it_fail "reswand's view of strongSwan's id"
it_reswan "$R" down gw >/dev/null || it_fail "reswan down"
it_wait_for 5 it_swan_gone "$S" || it_fail "strongSwan kept the SA after reswan down"

# reswand initiates.
it_reswan "$R" up gw >"$W/up.out" 2>&1 || it_fail "reswan up: $(cat "$W/up.out")"
it_compare_sas "$R" "$S"
it_log "case 3 passed"
