#!/bin/sh
# Interop case 1: strongSwan initiates, reswand responds; PSK,
# IKE aes256gcm16-prfsha256-x25519, ESP aes256gcm16.  Both sides must
# report the same SPIs, algorithms and selectors.
. "$(dirname "$0")/lib.sh"
interop_require_root
it_setup
it_conf "$R/reswan.conf" local=$IT_ADDR_A lid=gw.example rid=client.example \
	lts=10.1.0.0/16 rts=10.2.0.0/16
it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B remote=$IT_ADDR_A \
	lid=client.example rid=gw.example lts=10.2.0.0/16 rts=10.1.0.0/16
it_reswand_start "$IT_NS_A" "$R"
it_charon_start "$IT_NS_B" "$S"
it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"
it_swanctl "$S" --initiate --child net >"$W/initiate.out" 2>&1 ||
	it_fail "strongSwan could not initiate: $(tail -3 "$W/initiate.out")"
it_compare_sas "$R" "$S"
it_log "case 1 passed"
