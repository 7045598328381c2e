#!/bin/bash
# An IKE_SA_INIT flood from 300 source ports against a gateway started with
# --cookie-threshold 10 --max-half-open 50.  Each flooding socket answers a
# COOKIE once, as an attacker owning its address would, so both defences
# are exercised: cookies are demanded beyond 10 half-open SAs, and the hard
# cap holds at 50.  A legitimate client started during the flood still
# gets its IKE SA (it answers the cookie and retries until the flood's
# half-open SAs expire).
. "$(dirname "$0")/lib.sh"

it_conf_gateway "$IT_DIR/gw.conf"
it_conf_client "$IT_DIR/cl.conf"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT" \
	--cookie-threshold 10 --max-half-open 50 --half-open-timeout 3s
it_start cl "$IT_DIR/cl.conf" "$IT_CL" "$IT_CL_PORT" \
	--retransmit-timeout 500ms --retransmit-base 1.2 --retransmit-tries 20

"$ITEST_TOOL" flood "$IT_GW" "$IT_GW_PORT" 300 4 >"$IT_DIR/flood.out" &
flood=$!
IT_PIDS="$IT_PIDS $flood"
sleep 0.5
# The legitimate client, while the flood is on.
it_rs cl up --timeout 60 home >"$IT_DIR/up.out" 2>&1 &
up=$!
IT_PIDS="$IT_PIDS $up"

# Sample the half-open count while both run.
max=0 samples=0
S=$IT_DIR/s.json
while kill -0 "$flood" 2>/dev/null; do
	it_rs gw stats --json >"$S" || it_fail "stats during the flood"
	h=$(jq '.ike["half-open"]' "$S")
	[ "$h" -gt "$max" ] && max=$h
	samples=$((samples + 1))
	sleep 0.1
done
wait "$flood" || it_fail "itest_tool flood failed"
cat "$IT_DIR/flood.out" >&2
. "$IT_DIR/flood.out"	# sent= cookies= responses= other=
wait "$up" || it_fail "reswan up during the flood failed: $(cat "$IT_DIR/up.out")"
it_log "up during the flood: $(cat "$IT_DIR/up.out"); max half-open $max over $samples samples"

it_alive gw || it_fail "the gateway died"
G=$IT_DIR/gw.json
it_json gw "$G"
it_jq "$G" '.stats["cookies-sent"] > 0'
it_jq "$G" '.stats["dropped-half-open"] > 0'
it_jq "$G" '.stats["half-open"] <= 50'
[ "$max" -le 50 ] || it_fail "half-open reached $max (cap 50)"
[ "$max" -gt 10 ] || it_fail "half-open never passed the cookie threshold (max $max): the cap was not exercised"
[ "$cookies" -gt 0 ] || it_fail "the flood never saw a COOKIE"
[ "$wrong_src" = 0 ] || it_fail "$wrong_src answers came from another address than $IT_GW"
# At most 50 flooders can have been answered with a full IKE_SA_INIT.
[ "$responses" -le 50 ] || it_fail "$responses flood requests got responses (cap 50)"
# The client's IKE SA is up on both sides.
it_jq "$G" '[.["ike-sas"][] | select(.state == "ESTABLISHED")] | length == 1'
it_jq "$G" '.["ike-sas"][] | select(.state == "ESTABLISHED") | .["remote-id"] == "client.test"'

# And once the flood's half-open SAs have expired, a new session is quick.
drained() { it_json gw "$G"; jq -e '.stats["half-open"] == 0' "$G" >/dev/null; }
it_wait_for 10 "half-open SAs to expire" drained
it_rs cl down home >/dev/null || it_fail "reswan down"
it_rs cl up --timeout 10 home >/dev/null || it_fail "reswan up after the flood"

it_stop cl
it_stop gw
it_log "ok"
