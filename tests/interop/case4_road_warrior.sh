#!/bin/sh
# Interop case 4: a strongSwan road-warrior client asks for a virtual IP
# and gets one from reswand's pool; both sides agree on it and on the
# narrowed selectors.
. "$(dirname "$0")/lib.sh"
interop_require_root
it_setup
it_conf "$R/reswan.conf" local=$IT_ADDR_A lid=gw.example rid=carol.example \
	lts=10.1.0.0/16 conn='\t\tpools = rw' \
	top='pools {\n\trw {\n\t\taddrs = 10.3.0.0/24\n\t\tdns = 10.1.0.53\n\t}\n}'
it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B remote=$IT_ADDR_A \
	lid=carol.example rid=gw.example rts=10.1.0.0/16 conn='\t\tvips = 0.0.0.0'
it_reswand_start "$IT_NS_A" "$R"
it_charon_start "$IT_NS_B" "$S"
it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"
it_swanctl "$S" --initiate --child net >"$W/initiate.out" 2>&1 ||
	it_fail "strongSwan could not initiate: $(tail -3 "$W/initiate.out")"
it_compare_sas "$R" "$S"
vip=$(it_swan_ike "$S" local-vips)
[ "$vip" = 10.3.0.1 ] || it_fail "strongSwan's virtual IP is '$vip'"
[ "$(it_sa_json "$R" | jq -r '."ike-sas"[0]."remote-vips"')" = 10.3.0.1 ] ||
	it_fail "reswand does not report the lease"
[ "$(it_swan_child "$S" local-ts)" = 10.3.0.1/32 ] || it_fail "client selector not narrowed"
it_log "case 4 passed"
