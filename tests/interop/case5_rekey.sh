#!/bin/sh
# Interop case 5: IKE SA rekey and Child SA rekey, started by reswand in one
# round and by strongSwan in the other.  After each rekey both sides must
# list exactly one IKE SA and one Child SA, with new SPIs that match.
. "$(dirname "$0")/lib.sh"
interop_require_root

FAST_CONN='\t\trekey_time = 8s\n\t\trand_time = 0\n\t\tover_time = 60s'
FAST_CHILD='\t\t\t\trekey_time = 4s\n\t\t\t\trand_time = 0\n\t\t\t\tlife_time = 60s'
SLOW_CONN='\t\trekey_time = 1h'
SLOW_CHILD='\t\t\t\trekey_time = 50m'

spis() { # current "ike-spi child-spi" as reswand sees them
	it_sa_json "$R" | jq -r '."ike-sas"[0] | ."initiator-spi" + " " + (."child-sas"[0]."spi-in" // "-")'
}

settled() { # one IKE SA and one Child SA on both sides
	[ "$(it_sa_json "$R" | jq '[."ike-sas"[] | ."child-sas"[]] | length')" = 1 ] &&
	[ "$(it_sa_json "$R" | jq '."ike-sas" | length')" = 1 ] &&
	[ "$(it_swan_nsas "$S")" = 1 ] &&
	[ "$(it_swan_nchildren "$S")" = 1 ]
}

round() { # round WHO: WHO (reswan|strongswan) rekeys
	it_setup
	if [ "$1" = reswan ]; then
		rc="$FAST_CONN" rch="$FAST_CHILD" sc="$SLOW_CONN" sch="$SLOW_CHILD"
	else
		rc="$SLOW_CONN" rch="$SLOW_CHILD" sc="$FAST_CONN" sch="$FAST_CHILD"
	fi
	it_conf "$R/reswan.conf" local=$IT_ADDR_A remote=$IT_ADDR_B lid=a.example \
		rid=b.example lts=10.1.0.0/16 rts=10.2.0.0/16 conn="$rc" child="$rch"
	it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B remote=$IT_ADDR_A \
		lid=b.example rid=a.example lts=10.2.0.0/16 rts=10.1.0.0/16 \
		conn="$sc" child="$sch"
	it_reswand_start "$IT_NS_A" "$R"
	it_charon_start "$IT_NS_B" "$S"
	it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"
	it_reswan "$R" up gw >"$W/up.out" 2>&1 || it_fail "reswan up: $(cat "$W/up.out")"
	it_compare_sas "$R" "$S"
	set -- $(spis)
	ike0=$1 child0=$2
	# The Child SA rekeys every 4 s, the IKE SA every 8 s.
	child_rekeyed() { set -- $(spis); [ "${2:-$child0}" != "$child0" ]; }
	ike_rekeyed() { set -- $(spis); [ "${1:-$ike0}" != "$ike0" ]; }
	it_wait_for 10 child_rekeyed || it_fail "Child SA not rekeyed (still $child0)"
	it_wait_for 10 settled || it_fail "no single Child SA after the child rekey"
	it_compare_sas "$R" "$S"
	it_wait_for 12 ike_rekeyed || it_fail "IKE SA not rekeyed (still $ike0)"
	it_wait_for 10 settled || it_fail "no single IKE SA after the IKE rekey"
	it_compare_sas "$R" "$S"
	set -- $(spis)
	# The session went on: no accounting line for a rekey.
	[ ! -s "$R/acct.csv" ] || [ "$(wc -l <"$R/acct.csv")" -le 1 ] ||
		it_fail "a rekey was logged as a finished session"
	it_log "round $WHO: child $child0 -> $2, IKE $ike0 -> $1"
	interop_cleanup
	rm -rf "$W"
	IT_PIDS= IT_CHARON_PIDS=
}

WHO=reswan round reswan
WHO=strongswan round strongswan
it_log "case 5 passed"
