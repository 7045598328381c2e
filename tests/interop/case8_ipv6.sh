#!/bin/sh
# Interop case 8: IKE over IPv6.  strongSwan initiates to reswand with IPv6
# traffic selectors; then reswand initiates to strongSwan with IPv4
# selectors inside an IPv6 IKE SA.  Both sides must report the same SPIs,
# algorithms and selectors, and reswand the IPv6 endpoints.
. "$(dirname "$0")/lib.sh"
interop_require_root

endpoints_are_v6() { # reswand's IKE SA runs between the two IPv6 addresses
	js=$(it_sa_json "$R") || it_fail "reswan status --json failed"
	[ "$(echo "$js" | jq -r '."ike-sas"[0]."local-host"')" = "$IT_ADDR6_A" ] ||
		it_fail "local-host is not $IT_ADDR6_A: $(echo "$js" | jq -c '."ike-sas"[0]')"
	[ "$(echo "$js" | jq -r '."ike-sas"[0]."remote-host"')" = "$IT_ADDR6_B" ] ||
		it_fail "remote-host is not $IT_ADDR6_B: $(echo "$js" | jq -c '."ike-sas"[0]')"
}

round() { # round WHO: WHO (reswan|strongswan) initiates
	it_setup
	# Inner IPv6 addresses, as it_setup adds 10.1.0.1 and 10.2.0.1: the
	# userspace data plane routes a selector from an address inside it.
	ip -n "$IT_NS_A" addr add fd01::1/128 dev lo nodad
	ip -n "$IT_NS_B" addr add fd02::1/128 dev lo nodad
	if [ "$1" = strongswan ]; then
		it_conf "$R/reswan.conf" local=$IT_ADDR6_A lid=gw.example \
			rid=client.example lts=fd01::/64 rts=fd02::/64
		it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR6_B \
			remote=$IT_ADDR6_A lid=client.example rid=gw.example \
			lts=fd02::/64 rts=fd01::/64
	else
		it_conf "$R/reswan.conf" local=$IT_ADDR6_A remote=$IT_ADDR6_B \
			lid=gw-a.example rid=gw-b.example lts=10.1.0.0/16 \
			rts=10.2.0.0/16
		it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR6_B \
			lid=gw-b.example rid=gw-a.example lts=10.2.0.0/16 \
			rts=10.1.0.0/16
	fi
	it_reswand_start "$IT_NS_A" "$R"
	it_charon_start "$IT_NS_B" "$S"
	it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"
	if [ "$1" = strongswan ]; then
		it_swanctl "$S" --initiate --child net >"$W/initiate.out" 2>&1 ||
			it_fail "strongSwan could not initiate: $(tail -3 "$W/initiate.out")"
	else
		it_reswan "$R" up gw >"$W/up.out" 2>&1 ||
			it_fail "reswan up: $(cat "$W/up.out")"
	fi
	it_compare_sas "$R" "$S"
	endpoints_are_v6
	it_log "round $1 initiates over IPv6: ok"
	interop_cleanup
	rm -rf "$W"
	IT_PIDS= IT_CHARON_PIDS=
}

round strongswan
round reswan
it_log "case 8 passed"
