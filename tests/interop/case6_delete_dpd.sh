#!/bin/sh
# Interop case 6: DELETE from each side, and dead peer detection: reswand
# notices that strongSwan's namespace was torn down and removes the SAs.
. "$(dirname "$0")/lib.sh"
interop_require_root
it_setup
it_conf "$R/reswan.conf" local=$IT_ADDR_A remote=$IT_ADDR_B lid=a.example \
	rid=b.example lts=10.1.0.0/16 rts=10.2.0.0/16 conn='\t\tdpd_delay = 2s'
it_conf "$S/swanctl/swanctl.conf" local=$IT_ADDR_B remote=$IT_ADDR_A \
	lid=b.example rid=a.example lts=10.2.0.0/16 rts=10.1.0.0/16
it_reswand_start "$IT_NS_A" "$R" --retransmit-timeout 500ms \
	--retransmit-tries 2 --retransmit-base 2
it_charon_start "$IT_NS_B" "$S"
it_swanctl "$S" --load-all >/dev/null || it_fail "swanctl --load-all"

reswan_nsas() { it_sa_json "$R" | jq '."ike-sas" | length'; }
reswan_gone() { [ "$(reswan_nsas)" = 0 ]; }
acct_lines() { [ -f "$R/acct.csv" ] && tail -n +2 "$R/acct.csv" | wc -l || echo 0; }

# reswand deletes.
it_reswan "$R" up gw >/dev/null || it_fail "reswan up"
it_compare_sas "$R" "$S"
it_reswan "$R" down gw >/dev/null || it_fail "reswan down"
reswan_gone || it_fail "reswand kept the SA after its own DELETE"
it_wait_for 5 it_swan_gone "$S" || it_fail "strongSwan kept the SA after reswand's DELETE"
[ "$(acct_lines)" = 1 ] || it_fail "no accounting line for the deleted session"

# strongSwan deletes.
it_reswan "$R" up gw >/dev/null || it_fail "reswan up (2)"
it_compare_sas "$R" "$S"
it_swanctl "$S" --terminate --ike gw >/dev/null 2>&1 || it_fail "swanctl --terminate"
it_wait_for 5 reswan_gone || it_fail "reswand kept the SA after strongSwan's DELETE"
it_swan_gone "$S" || it_fail "strongSwan kept its SA"
[ "$(acct_lines)" = 2 ] || it_fail "no accounting line for the second session"

# strongSwan's namespace goes away: reswand's liveness check notices.
it_reswan "$R" up gw >/dev/null || it_fail "reswan up (3)"
it_compare_sas "$R" "$S"
kill -9 $(cat "$S/charon.pid") 2>/dev/null
ip netns del "$IT_NS_B"
# dpd_delay 2 s, then 0.5 + 1 + 2 s of retransmissions.
it_wait_for 15 reswan_gone || it_fail "reswand did not declare the peer dead"
grep -q 'peer dead' "$R/reswand.log" || it_fail "no 'peer dead' in reswand's log"
[ "$(acct_lines)" = 3 ] || it_fail "no accounting line for the dead peer's session"
it_log "case 6 passed"
