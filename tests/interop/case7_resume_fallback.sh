#!/bin/sh
# Interop case 7 (resumption): a reswand client holding a resumption
# ticket meets strongSwan, which does not speak the exchange, and falls
# back to a full handshake that succeeds.  The ticket comes from a reswand
# gateway that strongSwan then replaces at the same address.
. "$(dirname "$0")/lib.sh"
interop_require_root
it_setup
G=$W/gateway
mkdir -p "$G"
IT_DUMP="$R $G $S"
resumption='\t\tresumption {\n\t\t\tstore = '"$W"'/client-store\n\t\t}'
it_conf "$R/reswan.conf" local=$IT_ADDR_A remote=$IT_ADDR_B lid=a.example \
	rid=b.example lts=10.1.0.0/16 rts=10.2.0.0/16 conn="$resumption"
it_conf "$G/reswan.conf" local=$IT_ADDR_B lid=b.example rid=a.example \
	lts=10.2.0.0/16 rts=10.1.0.0/16 conn='\t\tresumption {\n\t\t}'
it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B lid=b.example rid=a.example \
	lts=10.2.0.0/16 rts=10.1.0.0/16

it_reswand_start "$IT_NS_A" "$R"
it_reswand_start "$IT_NS_B" "$G"
stat_of() { it_reswan "$1" stats --json | jq -r ".resumption.\"$2\""; }

# A full handshake leaves a ticket; the next connect resumes.
it_reswan "$R" up gw >/dev/null || it_fail "reswan up (full)"
[ "$(it_reswan "$R" cache stats --json | jq -r '."client-tickets"')" = 1 ] ||
	it_fail "the client holds no ticket"
it_reswan "$R" down gw >/dev/null || it_fail "reswan down"
it_reswan "$R" up gw >/dev/null || it_fail "reswan up (resume)"
[ "$(it_sa_json "$R" | jq -r '."ike-sas"[0].setup')" = resume ] ||
	it_fail "the second connect did not resume"
[ "$(stat_of "$G" resumed)" = 1 ] || it_fail "the gateway counted no resumption"
it_reswan "$R" down gw >/dev/null || it_fail "reswan down (2)"

# strongSwan takes the gateway's place.
kill $(cat "$G/reswand.pid")
it_wait_for 5 sh -c "! kill -0 $(cat "$G/reswand.pid") 2>/dev/null" ||
	it_fail "the reswand gateway did not stop"
it_charon_start "$IT_NS_B" "$S"
it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"
t0=$(date +%s%N)
it_reswan "$R" up gw >"$W/up.out" 2>&1 || it_fail "reswan up against strongSwan: $(cat "$W/up.out")"
t1=$(date +%s%N)
it_compare_sas "$R" "$S"
[ "$(it_sa_json "$R" | jq -r '."ike-sas"[0].setup')" = full ] || it_fail "not a full handshake"
[ "$(stat_of "$R" attempts)" = 2 ] || it_fail "the client did not try to resume"
[ "$(stat_of "$R" fallbacks)" = 1 ] || it_fail "no fallback counted"
# Bounded extra delay: one attempt_timeout (1 s) plus the handshake.
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 5000 ] || it_fail "fallback took ${ms} ms"
# strongSwan issues no ticket: the stale one is gone.
[ "$(it_reswan "$R" cache stats --json | jq -r '."client-tickets"')" = 0 ] ||
	it_fail "the stale ticket was kept"
it_log "case 7 passed (fallback in ${ms} ms)"
